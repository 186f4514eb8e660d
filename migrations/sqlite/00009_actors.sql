-- Actors: see migrations/postgres/00009_actors.sql for what an actor is and
-- why a key's actor has the key's own id. SQLite has no sequences: the
-- store gives a new key the next id after every actor's and key's
-- (sqlstore.(*Store).CreateKey, under the write lock), so keys and actors
-- keep one id space here too.
--
-- RENAME COLUMN (SQLite 3.25+) rewrites the triggers and views that name
-- the column; none name these two. SQLite cannot add a foreign key to an
-- existing table without rebuilding it (and the write-once tables refuse
-- the copy's DELETE), so the foreign keys PostgreSQL adds are insert
-- triggers here, refusing with SQLite's own words for 23503.
-- api_keys.created_by keeps its foreign key to api_keys(id): a key's actor
-- has the key's id, so it holds for every actor that is a key; the people
-- issue rebuilds it to point at actors.

-- +goose Up
CREATE TABLE actors (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    api_key_id INTEGER UNIQUE REFERENCES api_keys (id),
    person_id  INTEGER UNIQUE, -- REFERENCES people (id): comes with the people issue
    created_at DATETIME NOT NULL,
    CONSTRAINT actors_kind CHECK (
        (kind = 'api_key' AND api_key_id = id AND person_id IS NULL)
        OR (kind = 'person' AND person_id IS NOT NULL AND api_key_id IS NULL)
        OR (kind = 'system' AND api_key_id IS NULL AND person_id IS NULL))
);

INSERT INTO actors (id, kind, created_at) VALUES (0, 'system', CURRENT_TIMESTAMP);
INSERT INTO actors (id, kind, api_key_id, created_at) SELECT id, 'api_key', id, created_at FROM api_keys;

ALTER TABLE audit_events RENAME COLUMN api_key_id TO actor_id;
ALTER TABLE idempotency_keys RENAME COLUMN api_key_id TO actor_id;

-- +goose StatementBegin
CREATE TRIGGER entities_created_by_actor BEFORE INSERT ON entities
WHEN NEW.created_by IS NOT NULL AND NOT EXISTS (SELECT 1 FROM actors WHERE id = NEW.created_by)
BEGIN
    SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: created_by names no actor');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_events_actor BEFORE INSERT ON audit_events
WHEN NEW.actor_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM actors WHERE id = NEW.actor_id)
BEGIN
    SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: actor_id names no actor');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER webhook_endpoints_created_by_actor BEFORE INSERT ON webhook_endpoints
WHEN NOT EXISTS (SELECT 1 FROM actors WHERE id = NEW.created_by)
BEGIN
    SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: created_by names no actor');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER bank_statements_created_by_actor BEFORE INSERT ON bank_statements
WHEN NOT EXISTS (SELECT 1 FROM actors WHERE id = NEW.created_by)
BEGIN
    SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: created_by names no actor');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER bank_statements_created_by_actor;
DROP TRIGGER webhook_endpoints_created_by_actor;
DROP TRIGGER audit_events_actor;
DROP TRIGGER entities_created_by_actor;
ALTER TABLE idempotency_keys RENAME COLUMN actor_id TO api_key_id;
ALTER TABLE audit_events RENAME COLUMN actor_id TO api_key_id;
DROP TABLE actors;
