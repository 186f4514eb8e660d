-- The PostgreSQL migration of this number makes the write-once tables
-- refuse TRUNCATE. SQLite has no TRUNCATE: its DELETE without WHERE fires
-- the row triggers those tables already have, so nothing changes here; the
-- migration exists so that both dialects share one schema version.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
