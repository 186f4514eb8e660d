-- Version 2 on PostgreSQL adds post_entry(), a function that posts an entry
-- in one round trip. The embedded SQLite store has no round trips to save:
-- it posts from Go (ledger/sqlstore/entries.go) with the same laws kept by
-- the triggers of 00001. This migration only keeps the versions in step.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
