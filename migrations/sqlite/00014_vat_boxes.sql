-- The Dutch VAT return. See migrations/postgres/00014_vat_boxes.sql.
--
-- SQLite cannot alter a CHECK constraint, and rebuilding tax_codes would
-- mean rebuilding every table that references it. Widening the kind list
-- changes nothing on disk and makes no existing row invalid, so it is done
-- by SQLite's documented procedure for such changes (ALTER TABLE, section
-- "Making Other Kinds Of Table Schema Changes"): edit the stored CREATE
-- statement under writable_schema. The DDL after it bumps the schema
-- version, so every other connection reloads the schema too.
-- The revenue account is kept inside the entity by triggers: SQLite cannot
-- add a composite foreign key to an existing table.

-- +goose Up
-- ADD COLUMN first: it edits the statement at an offset parsed from the
-- schema as loaded, which must not be the edited text.
ALTER TABLE tax_codes ADD COLUMN revenue_account_id INTEGER;
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, '''reverse_charge'', ''intra_eu'')',
    '''reverse_charge'', ''intra_eu'', ''other_rate'', ''non_eu_services'', ''export'', ''intra_eu_services'', ''intra_eu_triangular'', ''distance_sales'')')
 WHERE type = 'table' AND name = 'tax_codes';
-- RESET turns writable_schema off and reloads this connection's schema.
PRAGMA writable_schema = RESET;
-- Fail the migration (and roll it back) if the text was not found.
CREATE TEMP TABLE tax_codes_kinds_widened (ok INTEGER NOT NULL CHECK (ok = 1));
INSERT INTO tax_codes_kinds_widened SELECT instr(sql, '''distance_sales''') > 0 FROM sqlite_schema WHERE type = 'table' AND name = 'tax_codes';
DROP TABLE tax_codes_kinds_widened;

-- +goose StatementBegin
CREATE TRIGGER tax_codes_revenue_account_insert BEFORE INSERT ON tax_codes
WHEN NEW.revenue_account_id IS NOT NULL
 AND NOT EXISTS (SELECT 1 FROM accounts WHERE entity_id = NEW.entity_id AND id = NEW.revenue_account_id)
BEGIN
    SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: tax_codes.revenue_account_id');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tax_codes_revenue_account_update BEFORE UPDATE OF revenue_account_id ON tax_codes
WHEN NEW.revenue_account_id IS NOT NULL
 AND NOT EXISTS (SELECT 1 FROM accounts WHERE entity_id = NEW.entity_id AND id = NEW.revenue_account_id)
BEGIN
    SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: tax_codes.revenue_account_id');
END;
-- +goose StatementEnd

ALTER TABLE entities ADD COLUMN vat_tax_number TEXT NOT NULL DEFAULT '';
ALTER TABLE entities ADD COLUMN vat_scheme TEXT NOT NULL DEFAULT 'standard' CHECK (vat_scheme IN ('standard', 'kor'));
ALTER TABLE entities ADD COLUMN vat_period TEXT NOT NULL DEFAULT 'quarter' CHECK (vat_period IN ('month', 'quarter', 'year'));

CREATE TABLE vat_totals (
    entity_id        INTEGER NOT NULL REFERENCES entities (id),
    day              TEXT NOT NULL,
    side             TEXT NOT NULL CHECK (side IN ('sales', 'purchases')),
    tax_code_id      INTEGER NOT NULL,
    source           TEXT NOT NULL CHECK (source IN ('documents', 'entries')),
    vat_account_id   INTEGER NOT NULL, -- the VAT (or reverse-charge VAT payable) account posted to; 0: none
    input_account_id INTEGER NOT NULL, -- the input VAT account posted to; 0: none
    box              TEXT NOT NULL,
    base_minor       INTEGER NOT NULL,
    vat_minor        INTEGER NOT NULL,
    deductible_minor INTEGER NOT NULL,
    PRIMARY KEY (entity_id, day, side, tax_code_id, source, vat_account_id, input_account_id)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE vat_totals;
ALTER TABLE entities DROP COLUMN vat_period;
ALTER TABLE entities DROP COLUMN vat_scheme;
ALTER TABLE entities DROP COLUMN vat_tax_number;
DROP TRIGGER tax_codes_revenue_account_update;
DROP TRIGGER tax_codes_revenue_account_insert;
ALTER TABLE tax_codes DROP COLUMN revenue_account_id;
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, ', ''other_rate'', ''non_eu_services'', ''export'', ''intra_eu_services'', ''intra_eu_triangular'', ''distance_sales'')', ')')
 WHERE type = 'table' AND name = 'tax_codes';
PRAGMA writable_schema = RESET;
