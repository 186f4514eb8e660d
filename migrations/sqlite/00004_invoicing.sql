-- Invoicing for the embedded SQLite store: the same tables, keys and rules
-- as migrations/postgres/00004_invoicing.sql, in SQLite's dialect.

-- +goose Up
CREATE TABLE invoicing_settings (
    entity_id                 INTEGER PRIMARY KEY REFERENCES entities (id),
    invoice_number_format     TEXT NOT NULL,
    credit_note_number_format TEXT NOT NULL,
    revenue_account           TEXT NOT NULL,
    receivable_account        TEXT NOT NULL,
    bank_account              TEXT NOT NULL,
    fx_account                TEXT NOT NULL,
    iban                      TEXT NOT NULL DEFAULT '',
    updated_at                DATETIME NOT NULL
);

CREATE TABLE customers (
    id                 INTEGER PRIMARY KEY,
    entity_id          INTEGER NOT NULL REFERENCES entities (id),
    external_ref       TEXT NOT NULL DEFAULT '',
    name               TEXT NOT NULL CHECK (name <> ''),
    address_lines      TEXT NOT NULL DEFAULT '',
    postcode           TEXT NOT NULL DEFAULT '',
    city               TEXT NOT NULL DEFAULT '',
    country            TEXT NOT NULL DEFAULT '',
    vat_number         TEXT NOT NULL DEFAULT '',
    registration_id    TEXT NOT NULL DEFAULT '',
    email              TEXT NOT NULL DEFAULT '',
    language           TEXT NOT NULL CHECK (language IN ('nl', 'en')),
    currency           TEXT NOT NULL CHECK (length(currency) = 3 AND currency = upper(currency)),
    payment_terms_days INTEGER NOT NULL CHECK (payment_terms_days BETWEEN 0 AND 365),
    archived_at        DATETIME,
    created_at         DATETIME NOT NULL,
    updated_at         DATETIME NOT NULL,
    UNIQUE (entity_id, id)
);
CREATE UNIQUE INDEX customers_external_ref_unique ON customers (entity_id, external_ref) WHERE external_ref <> '';

CREATE TABLE tax_codes (
    id          INTEGER PRIMARY KEY,
    entity_id   INTEGER NOT NULL REFERENCES entities (id),
    code        TEXT NOT NULL CHECK (code <> ''),
    description TEXT NOT NULL,
    rate        TEXT NOT NULL CHECK (rate <> '' AND rate NOT GLOB '*[^0-9.]*'),
    kind        TEXT NOT NULL CHECK (kind IN ('standard', 'reduced', 'zero', 'exempt', 'reverse_charge', 'intra_eu')),
    account_id  INTEGER NOT NULL,
    archived_at DATETIME,
    created_at  DATETIME NOT NULL,
    updated_at  DATETIME NOT NULL,
    UNIQUE (entity_id, id),
    CONSTRAINT tax_codes_code_unique UNIQUE (entity_id, code),
    FOREIGN KEY (entity_id, account_id) REFERENCES accounts (entity_id, id)
);

CREATE TABLE invoices (
    id                       INTEGER PRIMARY KEY,
    entity_id                INTEGER NOT NULL REFERENCES entities (id),
    kind                     TEXT NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
    status                   TEXT NOT NULL CHECK (status IN ('draft', 'issued', 'void')),
    customer_id              INTEGER NOT NULL,
    currency                 TEXT NOT NULL CHECK (length(currency) = 3 AND currency = upper(currency)),
    exchange_rate            TEXT,
    issue_date               TEXT,
    supply_date              TEXT,
    due_date                 TEXT,
    notes                    TEXT NOT NULL DEFAULT '',
    number                   TEXT,
    fiscal_year              INTEGER,
    seq                      INTEGER,
    credited_invoice_id      INTEGER,
    net_minor                INTEGER NOT NULL DEFAULT 0,
    tax_minor                INTEGER NOT NULL DEFAULT 0,
    total_minor              INTEGER NOT NULL DEFAULT 0,
    functional_total_minor   INTEGER NOT NULL DEFAULT 0,
    settled_minor            INTEGER NOT NULL DEFAULT 0,
    settled_functional_minor INTEGER NOT NULL DEFAULT 0,
    paid_minor               INTEGER NOT NULL DEFAULT 0,
    credit_noted_minor       INTEGER NOT NULL DEFAULT 0,
    entry_id                 INTEGER,
    void_entry_id            INTEGER,
    created_at               DATETIME NOT NULL,
    created_by               INTEGER NOT NULL,
    updated_at               DATETIME NOT NULL,
    issued_at                DATETIME,
    issued_by                INTEGER,
    voided_at                DATETIME,
    voided_by                INTEGER,
    printed                  TEXT,
    UNIQUE (entity_id, id),
    CONSTRAINT invoices_number_unique UNIQUE (entity_id, kind, number),
    CONSTRAINT invoices_settled_range CHECK (settled_minor BETWEEN 0 AND total_minor AND paid_minor BETWEEN 0 AND settled_minor),
    CONSTRAINT invoices_credit_noted_range CHECK (credit_noted_minor BETWEEN 0 AND total_minor),
    CHECK (status = 'draft' OR (number IS NOT NULL AND issue_date IS NOT NULL AND entry_id IS NOT NULL AND total_minor > 0)),
    CHECK (status <> 'void' OR void_entry_id IS NOT NULL),
    CHECK ((kind = 'credit_note') = (credited_invoice_id IS NOT NULL)),
    FOREIGN KEY (entity_id, customer_id) REFERENCES customers (entity_id, id),
    FOREIGN KEY (entity_id, credited_invoice_id) REFERENCES invoices (entity_id, id),
    FOREIGN KEY (entity_id, entry_id) REFERENCES journal_entries (entity_id, id),
    FOREIGN KEY (entity_id, void_entry_id) REFERENCES journal_entries (entity_id, id)
);
CREATE INDEX invoices_customer ON invoices (entity_id, customer_id, id);
CREATE INDEX invoices_credited ON invoices (entity_id, credited_invoice_id) WHERE credited_invoice_id IS NOT NULL;

CREATE TABLE invoice_lines (
    entity_id          INTEGER NOT NULL,
    invoice_id         INTEGER NOT NULL,
    line_no            INTEGER NOT NULL CHECK (line_no > 0),
    description        TEXT NOT NULL CHECK (description <> ''),
    quantity           TEXT NOT NULL,
    unit               TEXT NOT NULL DEFAULT '',
    unit_price         TEXT NOT NULL,
    discount_percent   TEXT NOT NULL DEFAULT '0',
    tax_code_id        INTEGER NOT NULL,
    tax_code           TEXT NOT NULL,
    tax_rate           TEXT NOT NULL,
    tax_kind           TEXT NOT NULL,
    tax_account_id     INTEGER NOT NULL,
    revenue_account_id INTEGER NOT NULL,
    net_minor          INTEGER NOT NULL CHECK (net_minor >= 0),
    credits_line_no    INTEGER,
    tax_adjust_minor   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (entity_id, invoice_id, line_no),
    FOREIGN KEY (entity_id, invoice_id) REFERENCES invoices (entity_id, id) ON DELETE CASCADE,
    FOREIGN KEY (entity_id, tax_code_id) REFERENCES tax_codes (entity_id, id),
    FOREIGN KEY (entity_id, tax_account_id) REFERENCES accounts (entity_id, id),
    FOREIGN KEY (entity_id, revenue_account_id) REFERENCES accounts (entity_id, id)
);

CREATE TABLE payments (
    id                       INTEGER PRIMARY KEY,
    entity_id                INTEGER NOT NULL REFERENCES entities (id),
    customer_id              INTEGER NOT NULL,
    direction                TEXT NOT NULL CHECK (direction IN ('received', 'refund')),
    date                     TEXT NOT NULL,
    currency                 TEXT NOT NULL CHECK (length(currency) = 3 AND currency = upper(currency)),
    amount_minor             INTEGER NOT NULL CHECK (amount_minor > 0),
    exchange_rate            TEXT,
    functional_minor         INTEGER NOT NULL CHECK (functional_minor > 0),
    bank_account_id          INTEGER NOT NULL,
    reference                TEXT NOT NULL DEFAULT '',
    settled_minor            INTEGER NOT NULL DEFAULT 0,
    settled_functional_minor INTEGER NOT NULL DEFAULT 0,
    entry_id                 INTEGER NOT NULL,
    created_at               DATETIME NOT NULL,
    created_by               INTEGER NOT NULL,
    removed_at               DATETIME,
    removed_by               INTEGER,
    removal_entry_id         INTEGER,
    UNIQUE (entity_id, id),
    CONSTRAINT payments_settled_range CHECK (settled_minor BETWEEN 0 AND amount_minor),
    FOREIGN KEY (entity_id, customer_id) REFERENCES customers (entity_id, id),
    FOREIGN KEY (entity_id, bank_account_id) REFERENCES accounts (entity_id, id),
    FOREIGN KEY (entity_id, entry_id) REFERENCES journal_entries (entity_id, id),
    FOREIGN KEY (entity_id, removal_entry_id) REFERENCES journal_entries (entity_id, id)
);
CREATE INDEX payments_customer ON payments (entity_id, customer_id, id);

CREATE TABLE allocations (
    id                      INTEGER PRIMARY KEY,
    entity_id               INTEGER NOT NULL REFERENCES entities (id),
    debit_invoice_id        INTEGER,
    debit_payment_id        INTEGER,
    credit_invoice_id       INTEGER,
    credit_payment_id       INTEGER,
    date                    TEXT NOT NULL,
    currency                TEXT NOT NULL,
    amount_minor            INTEGER NOT NULL CHECK (amount_minor > 0),
    debit_functional_minor  INTEGER NOT NULL,
    credit_functional_minor INTEGER NOT NULL,
    fx_entry_id             INTEGER,
    created_at              DATETIME NOT NULL,
    created_by              INTEGER NOT NULL,
    removed_at              DATETIME,
    removed_by              INTEGER,
    removal_entry_id        INTEGER,
    UNIQUE (entity_id, id),
    CHECK ((debit_invoice_id IS NULL) <> (debit_payment_id IS NULL)),
    CHECK ((credit_invoice_id IS NULL) <> (credit_payment_id IS NULL)),
    FOREIGN KEY (entity_id, debit_invoice_id) REFERENCES invoices (entity_id, id),
    FOREIGN KEY (entity_id, debit_payment_id) REFERENCES payments (entity_id, id),
    FOREIGN KEY (entity_id, credit_invoice_id) REFERENCES invoices (entity_id, id),
    FOREIGN KEY (entity_id, credit_payment_id) REFERENCES payments (entity_id, id),
    FOREIGN KEY (entity_id, fx_entry_id) REFERENCES journal_entries (entity_id, id),
    FOREIGN KEY (entity_id, removal_entry_id) REFERENCES journal_entries (entity_id, id)
);
CREATE INDEX allocations_debit_invoice ON allocations (entity_id, debit_invoice_id) WHERE debit_invoice_id IS NOT NULL;
CREATE INDEX allocations_credit_invoice ON allocations (entity_id, credit_invoice_id) WHERE credit_invoice_id IS NOT NULL;
CREATE INDEX allocations_debit_payment ON allocations (entity_id, debit_payment_id) WHERE debit_payment_id IS NOT NULL;
CREATE INDEX allocations_credit_payment ON allocations (entity_id, credit_payment_id) WHERE credit_payment_id IS NOT NULL;

-- Issued documents never change: only settlement and the move to void.
-- +goose StatementBegin
CREATE TRIGGER invoices_issued_no_delete BEFORE DELETE ON invoices
WHEN OLD.status <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'BOL05: issued invoices are immutable; void it or issue a credit note');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER invoices_issued_no_update BEFORE UPDATE ON invoices
WHEN OLD.status <> 'draft' AND (
    NEW.kind IS NOT OLD.kind OR NEW.customer_id IS NOT OLD.customer_id OR NEW.currency IS NOT OLD.currency
    OR NEW.exchange_rate IS NOT OLD.exchange_rate OR NEW.issue_date IS NOT OLD.issue_date
    OR NEW.supply_date IS NOT OLD.supply_date OR NEW.due_date IS NOT OLD.due_date OR NEW.notes IS NOT OLD.notes
    OR NEW.number IS NOT OLD.number OR NEW.fiscal_year IS NOT OLD.fiscal_year OR NEW.seq IS NOT OLD.seq
    OR NEW.credited_invoice_id IS NOT OLD.credited_invoice_id OR NEW.net_minor IS NOT OLD.net_minor
    OR NEW.tax_minor IS NOT OLD.tax_minor OR NEW.total_minor IS NOT OLD.total_minor
    OR NEW.functional_total_minor IS NOT OLD.functional_total_minor OR NEW.entry_id IS NOT OLD.entry_id
    OR NEW.issued_at IS NOT OLD.issued_at OR NEW.issued_by IS NOT OLD.issued_by
    OR NEW.printed IS NOT OLD.printed
    OR (OLD.status = 'void' AND NEW.status <> 'void') OR (OLD.status = 'issued' AND NEW.status = 'draft'))
BEGIN
    SELECT RAISE(ABORT, 'BOL05: issued invoices are immutable; void it or issue a credit note');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER invoice_lines_issued_no_insert BEFORE INSERT ON invoice_lines
WHEN (SELECT status FROM invoices WHERE entity_id = NEW.entity_id AND id = NEW.invoice_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'BOL05: the lines of an issued invoice are immutable');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER invoice_lines_issued_no_update BEFORE UPDATE ON invoice_lines
WHEN (SELECT status FROM invoices WHERE entity_id = OLD.entity_id AND id = OLD.invoice_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'BOL05: the lines of an issued invoice are immutable');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER invoice_lines_issued_no_delete BEFORE DELETE ON invoice_lines
WHEN (SELECT status FROM invoices WHERE entity_id = OLD.entity_id AND id = OLD.invoice_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'BOL05: the lines of an issued invoice are immutable');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE allocations;
DROP TABLE payments;
DROP TABLE invoice_lines;
DROP TABLE invoices;
DROP TABLE tax_codes;
DROP TABLE customers;
DROP TABLE invoicing_settings;
