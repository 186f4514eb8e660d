-- Received e-invoices. See migrations/postgres/00022_einvoice_documents.sql.
--
-- SQLite cannot alter a CHECK constraint: widening the documents'
-- content types changes nothing on disk and makes no row invalid, so it
-- is done as migration 00014 widened the tax code kinds, by SQLite's
-- documented procedure (edit the stored CREATE statement under
-- writable_schema; the DDL after it bumps the schema version, so every
-- other connection reloads the schema).

-- +goose Up
-- ADD COLUMN first: it edits the statement at an offset parsed from the
-- schema as loaded, which must not be the edited text.
ALTER TABLE documents ADD COLUMN einvoice TEXT NOT NULL DEFAULT '' CHECK (einvoice IN ('', 'ubl', 'cii', 'pdf-einvoice'));
ALTER TABLE suppliers ADD COLUMN electronic_address TEXT NOT NULL DEFAULT ''
    CHECK (length(electronic_address) <= 200);
CREATE INDEX suppliers_electronic_address ON suppliers (entity_id, electronic_address) WHERE electronic_address <> '';
ALTER TABLE purchase_settings ADD COLUMN rounding_account TEXT NOT NULL DEFAULT '4900';
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, '''image/png'', ''image/jpeg'')', '''image/png'', ''image/jpeg'', ''application/xml'')')
 WHERE type = 'table' AND name = 'documents';
-- RESET turns writable_schema off and reloads this connection's schema.
PRAGMA writable_schema = RESET;
-- Fail the migration (and roll it back) if the text was not found.
CREATE TEMP TABLE documents_types_widened (ok INTEGER NOT NULL CHECK (ok = 1));
INSERT INTO documents_types_widened SELECT instr(sql, '''application/xml''') > 0 FROM sqlite_schema WHERE type = 'table' AND name = 'documents';
DROP TABLE documents_types_widened;

-- +goose Down
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, ', ''application/xml'')', ')')
 WHERE type = 'table' AND name = 'documents';
PRAGMA writable_schema = RESET;
ALTER TABLE purchase_settings DROP COLUMN rounding_account;
DROP INDEX suppliers_electronic_address;
ALTER TABLE documents DROP COLUMN einvoice;
ALTER TABLE suppliers DROP COLUMN electronic_address;
