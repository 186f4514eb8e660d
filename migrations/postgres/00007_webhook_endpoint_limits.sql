-- Webhooks: a per-endpoint limit of deliveries in flight, and backoff of a
-- failing endpoint (issue 12). Both live in the database so that every
-- server running a worker sees them.
--
-- leased_until is set while a worker holds a delivery (its claim's lease)
-- and cleared when the attempt is recorded, redelivered or its endpoint
-- deleted. A delivery counts as in flight while leased_until is in the
-- future, so a crashed worker's claims stop counting when their lease ends
-- (and come back then, as before: next_attempt_at moves with the lease).
--
-- An endpoint's consecutive_failures counts attempts that failed in a way
-- that says the receiver is unwell (no answer, 5xx, 408, 429) since its
-- last success; failing_since is when that streak began; backoff_until,
-- when set, is the earliest time the worker sends it anything again.

-- +goose Up
ALTER TABLE webhook_deliveries ADD COLUMN leased_until TIMESTAMPTZ;
-- The in-flight count of an endpoint: only the few leased rows are in it.
CREATE INDEX webhook_deliveries_in_flight ON webhook_deliveries (entity_id, endpoint_id, leased_until)
    WHERE leased_until IS NOT NULL;
-- An endpoint's oldest due deliveries, the claim's per-endpoint pick.
CREATE INDEX webhook_deliveries_endpoint_due ON webhook_deliveries (entity_id, endpoint_id, next_attempt_at, id)
    WHERE status = 'pending';

ALTER TABLE webhook_endpoints
    ADD COLUMN consecutive_failures INTEGER NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
    ADD COLUMN failing_since TIMESTAMPTZ,
    ADD COLUMN backoff_until TIMESTAMPTZ,
    ADD CONSTRAINT webhook_endpoints_failing CHECK ((consecutive_failures = 0) = (failing_since IS NULL)),
    ADD CONSTRAINT webhook_endpoints_backoff CHECK (backoff_until IS NULL OR failing_since IS NOT NULL);

-- +goose Down
ALTER TABLE webhook_endpoints
    DROP CONSTRAINT webhook_endpoints_backoff,
    DROP CONSTRAINT webhook_endpoints_failing,
    DROP COLUMN backoff_until,
    DROP COLUMN failing_since,
    DROP COLUMN consecutive_failures;
DROP INDEX webhook_deliveries_endpoint_due;
DROP INDEX webhook_deliveries_in_flight;
ALTER TABLE webhook_deliveries DROP COLUMN leased_until;
