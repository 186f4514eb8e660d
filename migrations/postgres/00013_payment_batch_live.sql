-- A purchase invoice is in at most one live payment batch (open or
-- exported): otherwise two files could pay it twice. The check in Go reads
-- the batches before it writes; two batches made at the same moment on
-- PostgreSQL (READ COMMITTED) could both pass it, so the database holds
-- the rule too: an item is live until its batch is cancelled, and a
-- document has one live item.

-- +goose Up
ALTER TABLE payment_batch_items ADD COLUMN live BOOLEAN NOT NULL DEFAULT TRUE;
UPDATE payment_batch_items SET live = FALSE
 WHERE (entity_id, batch_id) IN (SELECT entity_id, id FROM payment_batches WHERE status = 'cancelled');
CREATE UNIQUE INDEX payment_batch_items_live_unique ON payment_batch_items (entity_id, purchase_invoice_id) WHERE live;

-- +goose Down
DROP INDEX payment_batch_items_live_unique;
ALTER TABLE payment_batch_items DROP COLUMN live;
