-- Purchases: suppliers. See migrations/postgres/00010_suppliers.sql.

-- +goose Up
CREATE TABLE suppliers (
    id                  INTEGER PRIMARY KEY,
    entity_id           INTEGER NOT NULL REFERENCES entities (id),
    name                TEXT NOT NULL CHECK (name <> ''),
    address_lines       TEXT NOT NULL DEFAULT '',
    postcode            TEXT NOT NULL DEFAULT '',
    city                TEXT NOT NULL DEFAULT '',
    country             TEXT NOT NULL DEFAULT '',
    vat_number          TEXT NOT NULL DEFAULT '' CHECK (vat_number = '' OR (length(vat_number) BETWEEN 4 AND 30 AND vat_number NOT GLOB '*[^A-Z0-9]*')),
    registration_id     TEXT NOT NULL DEFAULT '',
    iban                TEXT NOT NULL DEFAULT '' CHECK (iban = '' OR (length(iban) BETWEEN 15 AND 34 AND iban NOT GLOB '*[^A-Z0-9]*')),
    account_holder      TEXT NOT NULL DEFAULT '',
    bic                 TEXT NOT NULL DEFAULT '' CHECK (bic = '' OR (length(bic) IN (8, 11) AND bic NOT GLOB '*[^A-Z0-9]*')),
    default_account_id  INTEGER,
    default_tax_code_id INTEGER,
    payment_terms_days  INTEGER NOT NULL CHECK (payment_terms_days BETWEEN 0 AND 365),
    language            TEXT NOT NULL CHECK (language IN ('nl', 'en')),
    archived_at         DATETIME,
    created_by          INTEGER NOT NULL REFERENCES actors (id),
    created_at          DATETIME NOT NULL,
    updated_at          DATETIME NOT NULL,
    UNIQUE (entity_id, id),
    CONSTRAINT suppliers_bank_details CHECK (iban <> '' OR (account_holder = '' AND bic = '')),
    FOREIGN KEY (entity_id, default_account_id) REFERENCES accounts (entity_id, id),
    FOREIGN KEY (entity_id, default_tax_code_id) REFERENCES tax_codes (entity_id, id)
);
CREATE UNIQUE INDEX suppliers_vat_number_unique ON suppliers (entity_id, vat_number) WHERE vat_number <> '' AND archived_at IS NULL;
CREATE INDEX suppliers_iban ON suppliers (entity_id, iban) WHERE iban <> '';
CREATE INDEX suppliers_name ON suppliers (entity_id, name);

-- +goose Down
DROP TABLE suppliers;
