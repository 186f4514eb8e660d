-- Purchases: documents in the inbox. See migrations/postgres/00011_documents.sql.

-- +goose Up
CREATE TABLE documents (
    id           INTEGER PRIMARY KEY,
    entity_id    INTEGER NOT NULL REFERENCES entities (id),
    file_name    TEXT NOT NULL CHECK (file_name <> ''),
    content_type TEXT NOT NULL CHECK (content_type IN ('application/pdf', 'image/png', 'image/jpeg')),
    size         INTEGER NOT NULL CHECK (size > 0 AND size <= 20971520),
    sha256       TEXT NOT NULL CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
    status       TEXT NOT NULL CHECK (status IN ('inbox')),
    content      BLOB NOT NULL,
    created_by   INTEGER NOT NULL REFERENCES actors (id),
    created_at   DATETIME NOT NULL,
    UNIQUE (entity_id, id),
    CONSTRAINT documents_sha256_unique UNIQUE (entity_id, sha256),
    CONSTRAINT documents_size CHECK (length(content) = size)
);
CREATE INDEX documents_status ON documents (entity_id, status, id);

-- +goose Down
DROP TABLE documents;
