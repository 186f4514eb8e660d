-- Webhooks for the embedded SQLite store: the same columns, indexes and
-- rules as migrations/postgres/00007_webhook_endpoint_limits.sql, in
-- SQLite's dialect (ALTER TABLE adds one column at a time; the checks that
-- span two columns sit on the column added last).

-- +goose Up
ALTER TABLE webhook_deliveries ADD COLUMN leased_until DATETIME;
CREATE INDEX webhook_deliveries_in_flight ON webhook_deliveries (entity_id, endpoint_id, leased_until)
    WHERE leased_until IS NOT NULL;
CREATE INDEX webhook_deliveries_endpoint_due ON webhook_deliveries (entity_id, endpoint_id, next_attempt_at, id)
    WHERE status = 'pending';

ALTER TABLE webhook_endpoints ADD COLUMN consecutive_failures INTEGER NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0);
ALTER TABLE webhook_endpoints ADD COLUMN failing_since DATETIME
    CONSTRAINT webhook_endpoints_failing CHECK ((consecutive_failures = 0) = (failing_since IS NULL));
ALTER TABLE webhook_endpoints ADD COLUMN backoff_until DATETIME
    CONSTRAINT webhook_endpoints_backoff CHECK (backoff_until IS NULL OR failing_since IS NOT NULL);

-- +goose Down
ALTER TABLE webhook_endpoints DROP COLUMN backoff_until;
ALTER TABLE webhook_endpoints DROP COLUMN failing_since;
ALTER TABLE webhook_endpoints DROP COLUMN consecutive_failures;
DROP INDEX webhook_deliveries_endpoint_due;
DROP INDEX webhook_deliveries_in_flight;
ALTER TABLE webhook_deliveries DROP COLUMN leased_until;
