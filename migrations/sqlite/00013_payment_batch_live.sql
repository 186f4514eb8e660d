-- A purchase invoice is in at most one live payment batch. See
-- migrations/postgres/00013_payment_batch_live.sql.

-- +goose Up
ALTER TABLE payment_batch_items ADD COLUMN live INTEGER NOT NULL DEFAULT 1 CHECK (live IN (0, 1));
UPDATE payment_batch_items SET live = 0
 WHERE EXISTS (SELECT 1 FROM payment_batches b WHERE b.entity_id = payment_batch_items.entity_id
               AND b.id = payment_batch_items.batch_id AND b.status = 'cancelled');
CREATE UNIQUE INDEX payment_batch_items_live_unique ON payment_batch_items (entity_id, purchase_invoice_id) WHERE live = 1;

-- +goose Down
DROP INDEX payment_batch_items_live_unique;
ALTER TABLE payment_batch_items DROP COLUMN live;
