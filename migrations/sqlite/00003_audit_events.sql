-- Law 8 for what is not an entry; see migrations/postgres/00003_audit_events.sql.

-- +goose Up
CREATE TABLE audit_events (
    id         INTEGER PRIMARY KEY,
    entity_id  INTEGER NOT NULL,
    at         DATETIME NOT NULL,
    api_key_id INTEGER,
    action     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    detail     TEXT NOT NULL,
    UNIQUE (entity_id, id)
);
-- +goose StatementBegin
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'BOL01: audit events are immutable');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'BOL01: audit events are immutable');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE audit_events;
