-- Purchases: purchase tax codes, purchase invoices, supplier payments and
-- payment batches. See migrations/postgres/00012_purchase_invoices.sql.
-- SQLite cannot change a table's foreign keys or checks, so suppliers (its
-- default tax code is now a purchase code) and documents (more statuses)
-- are rebuilt; nothing refers to either yet.

-- +goose Up
CREATE TABLE purchase_tax_codes (
    id                 INTEGER PRIMARY KEY,
    entity_id          INTEGER NOT NULL REFERENCES entities (id),
    code               TEXT NOT NULL CHECK (code <> ''),
    description        TEXT NOT NULL,
    kind               TEXT NOT NULL CHECK (kind IN ('input', 'zero', 'exempt', 'no_vat', 'reverse_charge_domestic',
                           'eu_goods', 'eu_services', 'non_eu_services', 'import_licence', 'import_vat')),
    rate               TEXT NOT NULL CHECK (rate <> '' AND rate NOT GLOB '*[^0-9.]*'),
    deductible_percent TEXT NOT NULL CHECK (deductible_percent <> '' AND deductible_percent NOT GLOB '*[^0-9.]*'),
    input_account_id   INTEGER,
    output_account_id  INTEGER,
    archived_at        DATETIME,
    created_at         DATETIME NOT NULL,
    updated_at         DATETIME NOT NULL,
    UNIQUE (entity_id, id),
    CONSTRAINT purchase_tax_codes_code_unique UNIQUE (entity_id, code),
    FOREIGN KEY (entity_id, input_account_id) REFERENCES accounts (entity_id, id),
    FOREIGN KEY (entity_id, output_account_id) REFERENCES accounts (entity_id, id)
);

CREATE TABLE suppliers_new (
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
    FOREIGN KEY (entity_id, default_tax_code_id) REFERENCES purchase_tax_codes (entity_id, id)
);
INSERT INTO suppliers_new (id, entity_id, name, address_lines, postcode, city, country, vat_number, registration_id, iban,
    account_holder, bic, default_account_id, default_tax_code_id, payment_terms_days, language, archived_at, created_by,
    created_at, updated_at)
SELECT id, entity_id, name, address_lines, postcode, city, country, vat_number, registration_id, iban,
    account_holder, bic, default_account_id, NULL, payment_terms_days, language, archived_at, created_by,
    created_at, updated_at FROM suppliers;
DROP TABLE suppliers;
ALTER TABLE suppliers_new RENAME TO suppliers;
CREATE UNIQUE INDEX suppliers_vat_number_unique ON suppliers (entity_id, vat_number) WHERE vat_number <> '' AND archived_at IS NULL;
CREATE INDEX suppliers_iban ON suppliers (entity_id, iban) WHERE iban <> '';
CREATE INDEX suppliers_name ON suppliers (entity_id, name);

CREATE TABLE documents_new (
    id           INTEGER PRIMARY KEY,
    entity_id    INTEGER NOT NULL REFERENCES entities (id),
    file_name    TEXT NOT NULL CHECK (file_name <> ''),
    content_type TEXT NOT NULL CHECK (content_type IN ('application/pdf', 'image/png', 'image/jpeg')),
    size         INTEGER NOT NULL CHECK (size > 0 AND size <= 20971520),
    sha256       TEXT NOT NULL CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
    status       TEXT NOT NULL CHECK (status IN ('inbox', 'draft', 'booked')),
    content      BLOB NOT NULL,
    created_by   INTEGER NOT NULL REFERENCES actors (id),
    created_at   DATETIME NOT NULL,
    UNIQUE (entity_id, id),
    CONSTRAINT documents_sha256_unique UNIQUE (entity_id, sha256),
    CONSTRAINT documents_size CHECK (length(content) = size)
);
INSERT INTO documents_new SELECT id, entity_id, file_name, content_type, size, sha256, status, content, created_by, created_at FROM documents;
DROP TABLE documents;
ALTER TABLE documents_new RENAME TO documents;
CREATE INDEX documents_status ON documents (entity_id, status, id);

CREATE TABLE purchase_settings (
    entity_id         INTEGER PRIMARY KEY REFERENCES entities (id),
    number_format     TEXT NOT NULL,
    payable_account   TEXT NOT NULL,
    bank_account      TEXT NOT NULL,
    fx_account        TEXT NOT NULL,
    vat_tolerance     TEXT NOT NULL CHECK (vat_tolerance <> '' AND vat_tolerance NOT GLOB '*[^0-9.]*'),
    updated_at        DATETIME NOT NULL
);

CREATE TABLE purchase_invoices (
    id                       INTEGER PRIMARY KEY,
    entity_id                INTEGER NOT NULL REFERENCES entities (id),
    kind                     TEXT NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
    status                   TEXT NOT NULL CHECK (status IN ('draft', 'booked', 'reversed')),
    supplier_id              INTEGER NOT NULL,
    supplier_number          TEXT NOT NULL CHECK (supplier_number <> ''),
    supplier_number_key      TEXT NOT NULL CHECK (supplier_number_key <> ''),
    invoice_date             TEXT NOT NULL,
    vat_date                 TEXT NOT NULL,
    due_date                 TEXT,
    currency                 TEXT NOT NULL CHECK (length(currency) = 3),
    exchange_rate            TEXT,
    reference                TEXT NOT NULL DEFAULT '',
    payment_reference        TEXT NOT NULL DEFAULT '',
    credited_id              INTEGER,
    vat_override_reason      TEXT NOT NULL DEFAULT '',
    number                   TEXT,
    fiscal_year              INTEGER,
    seq                      INTEGER,
    net_minor                INTEGER NOT NULL DEFAULT 0,
    vat_minor                INTEGER NOT NULL DEFAULT 0,
    total_minor              INTEGER NOT NULL DEFAULT 0,
    functional_total_minor   INTEGER NOT NULL DEFAULT 0,
    settled_minor            INTEGER NOT NULL DEFAULT 0,
    settled_functional_minor INTEGER NOT NULL DEFAULT 0,
    paid_minor               INTEGER NOT NULL DEFAULT 0,
    entry_id                 INTEGER,
    reversal_entry_id        INTEGER,
    created_at               DATETIME NOT NULL,
    created_by               INTEGER NOT NULL REFERENCES actors (id),
    updated_at               DATETIME NOT NULL,
    booked_at                DATETIME,
    booked_by                INTEGER,
    reversed_at              DATETIME,
    reversed_by              INTEGER,
    UNIQUE (entity_id, id),
    CONSTRAINT purchase_invoices_number_unique UNIQUE (entity_id, number),
    CONSTRAINT purchase_invoices_settled_range CHECK (settled_minor BETWEEN 0 AND total_minor AND paid_minor BETWEEN 0 AND settled_minor),
    CHECK (status = 'draft' OR (number IS NOT NULL AND entry_id IS NOT NULL AND booked_at IS NOT NULL)),
    CHECK (status <> 'reversed' OR reversal_entry_id IS NOT NULL),
    CHECK (kind = 'credit_note' OR credited_id IS NULL),
    FOREIGN KEY (entity_id, supplier_id) REFERENCES suppliers (entity_id, id),
    FOREIGN KEY (entity_id, credited_id) REFERENCES purchase_invoices (entity_id, id),
    FOREIGN KEY (entity_id, entry_id) REFERENCES journal_entries (entity_id, id),
    FOREIGN KEY (entity_id, reversal_entry_id) REFERENCES journal_entries (entity_id, id)
);
CREATE UNIQUE INDEX purchase_invoices_supplier_number_unique ON purchase_invoices (entity_id, supplier_id, kind, supplier_number_key)
    WHERE status <> 'reversed';
CREATE INDEX purchase_invoices_supplier ON purchase_invoices (entity_id, supplier_id, id);
CREATE INDEX purchase_invoices_open ON purchase_invoices (entity_id, due_date) WHERE status = 'booked' AND settled_minor < total_minor;

CREATE TABLE purchase_invoice_lines (
    entity_id           INTEGER NOT NULL,
    purchase_invoice_id INTEGER NOT NULL,
    line_no             INTEGER NOT NULL CHECK (line_no > 0),
    description         TEXT NOT NULL,
    account_id          INTEGER NOT NULL,
    net_minor           INTEGER NOT NULL CHECK (net_minor >= 0),
    tax_code_id         INTEGER NOT NULL,
    tax_code            TEXT NOT NULL,
    tax_kind            TEXT NOT NULL,
    tax_rate            TEXT NOT NULL,
    deductible_percent  TEXT NOT NULL,
    vat_minor           INTEGER NOT NULL CHECK (vat_minor >= 0),
    deductible_minor    INTEGER NOT NULL CHECK (deductible_minor BETWEEN 0 AND vat_minor),
    PRIMARY KEY (entity_id, purchase_invoice_id, line_no),
    FOREIGN KEY (entity_id, purchase_invoice_id) REFERENCES purchase_invoices (entity_id, id),
    FOREIGN KEY (entity_id, account_id) REFERENCES accounts (entity_id, id),
    FOREIGN KEY (entity_id, tax_code_id) REFERENCES purchase_tax_codes (entity_id, id)
);

CREATE TABLE purchase_invoice_vat (
    entity_id           INTEGER NOT NULL,
    purchase_invoice_id INTEGER NOT NULL,
    tax_code            TEXT NOT NULL,
    rate                TEXT NOT NULL,
    net_minor           INTEGER NOT NULL,
    computed_minor      INTEGER NOT NULL,
    printed_minor       INTEGER NOT NULL,
    PRIMARY KEY (entity_id, purchase_invoice_id, tax_code),
    FOREIGN KEY (entity_id, purchase_invoice_id) REFERENCES purchase_invoices (entity_id, id)
);

CREATE TABLE purchase_invoice_documents (
    entity_id           INTEGER NOT NULL,
    purchase_invoice_id INTEGER NOT NULL,
    document_id         INTEGER NOT NULL,
    PRIMARY KEY (entity_id, document_id),
    FOREIGN KEY (entity_id, purchase_invoice_id) REFERENCES purchase_invoices (entity_id, id),
    FOREIGN KEY (entity_id, document_id) REFERENCES documents (entity_id, id)
);
CREATE INDEX purchase_invoice_documents_invoice ON purchase_invoice_documents (entity_id, purchase_invoice_id);

CREATE TABLE supplier_payments (
    id                       INTEGER PRIMARY KEY,
    entity_id                INTEGER NOT NULL REFERENCES entities (id),
    supplier_id              INTEGER NOT NULL,
    direction                TEXT NOT NULL CHECK (direction IN ('paid', 'refund')),
    date                     TEXT NOT NULL,
    currency                 TEXT NOT NULL CHECK (length(currency) = 3),
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
    CONSTRAINT supplier_payments_settled_range CHECK (settled_minor BETWEEN 0 AND amount_minor),
    FOREIGN KEY (entity_id, supplier_id) REFERENCES suppliers (entity_id, id),
    FOREIGN KEY (entity_id, bank_account_id) REFERENCES accounts (entity_id, id),
    FOREIGN KEY (entity_id, entry_id) REFERENCES journal_entries (entity_id, id),
    FOREIGN KEY (entity_id, removal_entry_id) REFERENCES journal_entries (entity_id, id)
);
CREATE INDEX supplier_payments_supplier ON supplier_payments (entity_id, supplier_id, id);

CREATE TABLE purchase_allocations (
    id                      INTEGER PRIMARY KEY,
    entity_id               INTEGER NOT NULL REFERENCES entities (id),
    owed_invoice_id         INTEGER,
    owed_payment_id         INTEGER,
    settle_invoice_id       INTEGER,
    settle_payment_id       INTEGER,
    date                    TEXT NOT NULL,
    currency                TEXT NOT NULL,
    amount_minor            INTEGER NOT NULL CHECK (amount_minor > 0),
    owed_functional_minor   INTEGER NOT NULL,
    settle_functional_minor INTEGER NOT NULL,
    fx_entry_id             INTEGER,
    created_at              DATETIME NOT NULL,
    created_by              INTEGER NOT NULL,
    removed_at              DATETIME,
    removed_by              INTEGER,
    removal_entry_id        INTEGER,
    UNIQUE (entity_id, id),
    CHECK ((owed_invoice_id IS NULL) <> (owed_payment_id IS NULL)),
    CHECK ((settle_invoice_id IS NULL) <> (settle_payment_id IS NULL)),
    FOREIGN KEY (entity_id, owed_invoice_id) REFERENCES purchase_invoices (entity_id, id),
    FOREIGN KEY (entity_id, owed_payment_id) REFERENCES supplier_payments (entity_id, id),
    FOREIGN KEY (entity_id, settle_invoice_id) REFERENCES purchase_invoices (entity_id, id),
    FOREIGN KEY (entity_id, settle_payment_id) REFERENCES supplier_payments (entity_id, id),
    FOREIGN KEY (entity_id, fx_entry_id) REFERENCES journal_entries (entity_id, id),
    FOREIGN KEY (entity_id, removal_entry_id) REFERENCES journal_entries (entity_id, id)
);
CREATE INDEX purchase_allocations_owed_invoice ON purchase_allocations (entity_id, owed_invoice_id) WHERE owed_invoice_id IS NOT NULL;
CREATE INDEX purchase_allocations_settle_invoice ON purchase_allocations (entity_id, settle_invoice_id) WHERE settle_invoice_id IS NOT NULL;
CREATE INDEX purchase_allocations_owed_payment ON purchase_allocations (entity_id, owed_payment_id) WHERE owed_payment_id IS NOT NULL;
CREATE INDEX purchase_allocations_settle_payment ON purchase_allocations (entity_id, settle_payment_id) WHERE settle_payment_id IS NOT NULL;

ALTER TABLE bank_accounts ADD COLUMN payment_file_format TEXT NOT NULL DEFAULT 'pain.001.001.09'
    CHECK (payment_file_format IN ('pain.001.001.09', 'pain.001.001.03'));
CREATE TABLE payment_batches (
    id              INTEGER PRIMARY KEY,
    entity_id       INTEGER NOT NULL REFERENCES entities (id),
    bank_account_id INTEGER NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('open', 'exported', 'cancelled')),
    format          TEXT NOT NULL CHECK (format IN ('pain.001.001.09', 'pain.001.001.03')),
    execution_date  TEXT NOT NULL,
    message_id      TEXT NOT NULL,
    count           INTEGER NOT NULL CHECK (count > 0),
    total_minor     INTEGER NOT NULL CHECK (total_minor > 0),
    file            BLOB,
    created_at      DATETIME NOT NULL,
    created_by      INTEGER NOT NULL,
    exported_at     DATETIME,
    exported_by     INTEGER,
    export_count    INTEGER NOT NULL DEFAULT 0,
    UNIQUE (entity_id, id),
    CONSTRAINT payment_batches_message_unique UNIQUE (entity_id, message_id),
    CHECK (status <> 'exported' OR file IS NOT NULL),
    FOREIGN KEY (entity_id, bank_account_id) REFERENCES bank_accounts (entity_id, id)
);
CREATE TABLE payment_batch_items (
    entity_id           INTEGER NOT NULL,
    batch_id            INTEGER NOT NULL,
    purchase_invoice_id INTEGER NOT NULL,
    transfer_no         INTEGER NOT NULL CHECK (transfer_no > 0),
    supplier_id         INTEGER NOT NULL,
    amount_minor        INTEGER NOT NULL CHECK (amount_minor <> 0),
    end_to_end_id       TEXT NOT NULL,
    PRIMARY KEY (entity_id, batch_id, purchase_invoice_id),
    FOREIGN KEY (entity_id, batch_id) REFERENCES payment_batches (entity_id, id),
    FOREIGN KEY (entity_id, purchase_invoice_id) REFERENCES purchase_invoices (entity_id, id),
    FOREIGN KEY (entity_id, supplier_id) REFERENCES suppliers (entity_id, id)
);
CREATE INDEX payment_batch_items_invoice ON payment_batch_items (entity_id, purchase_invoice_id);

-- +goose StatementBegin
CREATE TRIGGER purchase_invoices_booked_no_delete BEFORE DELETE ON purchase_invoices
WHEN OLD.status <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'BOL05: booked purchase invoices are immutable; reverse it or book a credit note');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER purchase_invoices_booked_no_update BEFORE UPDATE ON purchase_invoices
WHEN OLD.status <> 'draft' AND (
    NEW.kind IS NOT OLD.kind OR NEW.supplier_id IS NOT OLD.supplier_id OR NEW.supplier_number IS NOT OLD.supplier_number
    OR NEW.invoice_date IS NOT OLD.invoice_date OR NEW.vat_date IS NOT OLD.vat_date OR NEW.due_date IS NOT OLD.due_date
    OR NEW.currency IS NOT OLD.currency OR NEW.exchange_rate IS NOT OLD.exchange_rate OR NEW.reference IS NOT OLD.reference
    OR NEW.payment_reference IS NOT OLD.payment_reference OR NEW.credited_id IS NOT OLD.credited_id
    OR NEW.vat_override_reason IS NOT OLD.vat_override_reason OR NEW.number IS NOT OLD.number
    OR NEW.fiscal_year IS NOT OLD.fiscal_year OR NEW.seq IS NOT OLD.seq OR NEW.net_minor IS NOT OLD.net_minor
    OR NEW.vat_minor IS NOT OLD.vat_minor OR NEW.total_minor IS NOT OLD.total_minor
    OR NEW.functional_total_minor IS NOT OLD.functional_total_minor OR NEW.entry_id IS NOT OLD.entry_id
    OR NEW.booked_at IS NOT OLD.booked_at OR NEW.booked_by IS NOT OLD.booked_by
    OR (OLD.status = 'reversed' AND NEW.status <> 'reversed') OR (OLD.status = 'booked' AND NEW.status = 'draft'))
BEGIN
    SELECT RAISE(ABORT, 'BOL05: booked purchase invoices are immutable; reverse it or book a credit note');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER purchase_invoice_lines_booked_no_insert BEFORE INSERT ON purchase_invoice_lines
WHEN (SELECT status FROM purchase_invoices WHERE entity_id = NEW.entity_id AND id = NEW.purchase_invoice_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'BOL05: the lines, VAT and documents of a booked purchase invoice are immutable');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER purchase_invoice_lines_booked_no_update BEFORE UPDATE ON purchase_invoice_lines
WHEN (SELECT status FROM purchase_invoices WHERE entity_id = OLD.entity_id AND id = OLD.purchase_invoice_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'BOL05: the lines, VAT and documents of a booked purchase invoice are immutable');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER purchase_invoice_lines_booked_no_delete BEFORE DELETE ON purchase_invoice_lines
WHEN (SELECT status FROM purchase_invoices WHERE entity_id = OLD.entity_id AND id = OLD.purchase_invoice_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'BOL05: the lines, VAT and documents of a booked purchase invoice are immutable');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER purchase_invoice_vat_booked_no_insert BEFORE INSERT ON purchase_invoice_vat
WHEN (SELECT status FROM purchase_invoices WHERE entity_id = NEW.entity_id AND id = NEW.purchase_invoice_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'BOL05: the lines, VAT and documents of a booked purchase invoice are immutable');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER purchase_invoice_vat_booked_no_update BEFORE UPDATE ON purchase_invoice_vat
WHEN (SELECT status FROM purchase_invoices WHERE entity_id = OLD.entity_id AND id = OLD.purchase_invoice_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'BOL05: the lines, VAT and documents of a booked purchase invoice are immutable');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER purchase_invoice_vat_booked_no_delete BEFORE DELETE ON purchase_invoice_vat
WHEN (SELECT status FROM purchase_invoices WHERE entity_id = OLD.entity_id AND id = OLD.purchase_invoice_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'BOL05: the lines, VAT and documents of a booked purchase invoice are immutable');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER purchase_invoice_documents_booked_no_insert BEFORE INSERT ON purchase_invoice_documents
WHEN (SELECT status FROM purchase_invoices WHERE entity_id = NEW.entity_id AND id = NEW.purchase_invoice_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'BOL05: the lines, VAT and documents of a booked purchase invoice are immutable');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER purchase_invoice_documents_booked_no_update BEFORE UPDATE ON purchase_invoice_documents
WHEN (SELECT status FROM purchase_invoices WHERE entity_id = OLD.entity_id AND id = OLD.purchase_invoice_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'BOL05: the lines, VAT and documents of a booked purchase invoice are immutable');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER purchase_invoice_documents_booked_no_delete BEFORE DELETE ON purchase_invoice_documents
WHEN (SELECT status FROM purchase_invoices WHERE entity_id = OLD.entity_id AND id = OLD.purchase_invoice_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'BOL05: the lines, VAT and documents of a booked purchase invoice are immutable');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE payment_batch_items;
DROP TABLE payment_batches;
ALTER TABLE bank_accounts DROP COLUMN payment_file_format;
DROP TABLE purchase_allocations;
DROP TABLE supplier_payments;
DROP TABLE purchase_invoice_documents;
DROP TABLE purchase_invoice_vat;
DROP TABLE purchase_invoice_lines;
DROP TABLE purchase_invoices;
DROP TABLE purchase_settings;
UPDATE documents SET status = 'inbox';
UPDATE suppliers SET default_tax_code_id = NULL;
DROP TABLE purchase_tax_codes;
