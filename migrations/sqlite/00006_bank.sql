-- Bank reconciliation for the embedded SQLite store: the same tables, keys
-- and rules as migrations/postgres/00006_bank.sql, in SQLite's dialect.

-- +goose Up
CREATE TABLE bank_accounts (
    id                INTEGER PRIMARY KEY,
    entity_id         INTEGER NOT NULL REFERENCES entities (id),
    account_id        INTEGER NOT NULL,
    name              TEXT NOT NULL CHECK (name <> ''),
    iban              TEXT NOT NULL CHECK (length(iban) BETWEEN 14 AND 34 AND iban = upper(iban)),
    currency          TEXT NOT NULL CHECK (length(currency) = 3 AND currency = upper(currency)),
    match_window_days INTEGER NOT NULL CHECK (match_window_days BETWEEN 0 AND 60),
    csv_mapping       TEXT,
    created_at        DATETIME NOT NULL,
    updated_at        DATETIME NOT NULL,
    UNIQUE (entity_id, id),
    CONSTRAINT bank_accounts_account_unique UNIQUE (entity_id, account_id),
    CONSTRAINT bank_accounts_iban_unique UNIQUE (entity_id, iban),
    FOREIGN KEY (entity_id, account_id) REFERENCES accounts (entity_id, id)
);

CREATE TABLE bank_statements (
    id              INTEGER PRIMARY KEY,
    entity_id       INTEGER NOT NULL,
    bank_account_id INTEGER NOT NULL,
    seq             INTEGER NOT NULL CHECK (seq > 0),
    statement_ref   TEXT NOT NULL CHECK (statement_ref <> ''),
    format          TEXT NOT NULL CHECK (format IN ('camt053', 'csv')),
    from_date       TEXT NOT NULL,
    to_date         TEXT NOT NULL CHECK (to_date >= from_date),
    opening_minor   INTEGER NOT NULL,
    closing_minor   INTEGER NOT NULL,
    line_count      INTEGER NOT NULL,
    file_name       TEXT NOT NULL DEFAULT '',
    file_sha256     TEXT NOT NULL,
    created_at      DATETIME NOT NULL,
    created_by      INTEGER NOT NULL,
    UNIQUE (entity_id, id),
    CONSTRAINT bank_statements_seq_unique UNIQUE (entity_id, bank_account_id, seq),
    CONSTRAINT bank_statements_ref_unique UNIQUE (entity_id, bank_account_id, statement_ref),
    FOREIGN KEY (entity_id, bank_account_id) REFERENCES bank_accounts (entity_id, id)
);

CREATE TABLE bank_statement_lines (
    id              INTEGER PRIMARY KEY,
    entity_id       INTEGER NOT NULL,
    bank_account_id INTEGER NOT NULL,
    statement_id    INTEGER NOT NULL,
    line_no         INTEGER NOT NULL CHECK (line_no > 0),
    booking_date    TEXT NOT NULL,
    value_date      TEXT,
    amount_minor    INTEGER NOT NULL CHECK (amount_minor <> 0),
    bank_ref        TEXT NOT NULL CHECK (bank_ref <> ''),
    end_to_end_id   TEXT NOT NULL DEFAULT '',
    counterparty    TEXT NOT NULL DEFAULT '',
    counter_iban    TEXT NOT NULL DEFAULT '',
    remittance      TEXT NOT NULL DEFAULT '',
    reference       TEXT NOT NULL DEFAULT '',
    kind            TEXT NOT NULL DEFAULT '',
    UNIQUE (entity_id, id),
    CONSTRAINT bank_statement_lines_ref_unique UNIQUE (entity_id, bank_account_id, bank_ref),
    CONSTRAINT bank_statement_lines_no_unique UNIQUE (entity_id, statement_id, line_no),
    FOREIGN KEY (entity_id, statement_id) REFERENCES bank_statements (entity_id, id)
);
CREATE INDEX bank_statement_lines_date ON bank_statement_lines (entity_id, bank_account_id, booking_date, id);

-- The statement lines not reconciled yet, kept with the matches: finding
-- them (the matcher, cash application, the lists) costs what there is to
-- find, not the bank account's whole history.
CREATE TABLE bank_open_lines (
    entity_id         INTEGER NOT NULL,
    statement_line_id INTEGER NOT NULL,
    bank_account_id   INTEGER NOT NULL,
    PRIMARY KEY (entity_id, statement_line_id),
    FOREIGN KEY (entity_id, statement_line_id) REFERENCES bank_statement_lines (entity_id, id)
);
CREATE INDEX bank_open_lines_account ON bank_open_lines (entity_id, bank_account_id, statement_line_id);

CREATE TABLE bank_matches (
    id              INTEGER PRIMARY KEY,
    entity_id       INTEGER NOT NULL,
    bank_account_id INTEGER NOT NULL,
    rule            TEXT NOT NULL CHECK (rule IN ('reference', 'amount_date', 'one_to_many', 'many_to_one', 'manual', 'cash_application', 'entry')),
    payment_id      INTEGER,
    created_at      DATETIME NOT NULL,
    created_by      INTEGER NOT NULL,
    UNIQUE (entity_id, id),
    FOREIGN KEY (entity_id, bank_account_id) REFERENCES bank_accounts (entity_id, id)
);
CREATE INDEX bank_matches_account ON bank_matches (entity_id, bank_account_id, id);

CREATE TABLE bank_match_statement_lines (
    entity_id         INTEGER NOT NULL,
    statement_line_id INTEGER NOT NULL,
    match_id          INTEGER NOT NULL,
    PRIMARY KEY (entity_id, statement_line_id),
    FOREIGN KEY (entity_id, statement_line_id) REFERENCES bank_statement_lines (entity_id, id),
    FOREIGN KEY (entity_id, match_id) REFERENCES bank_matches (entity_id, id) ON DELETE CASCADE
);
CREATE INDEX bank_match_statement_lines_match ON bank_match_statement_lines (entity_id, match_id);

CREATE TABLE bank_match_ledger_lines (
    entity_id INTEGER NOT NULL,
    entry_id  INTEGER NOT NULL,
    line_no   INTEGER NOT NULL,
    match_id  INTEGER NOT NULL,
    PRIMARY KEY (entity_id, entry_id, line_no),
    FOREIGN KEY (entity_id, entry_id, line_no) REFERENCES journal_lines (entity_id, entry_id, line_no),
    FOREIGN KEY (entity_id, match_id) REFERENCES bank_matches (entity_id, id) ON DELETE CASCADE
);
CREATE INDEX bank_match_ledger_lines_match ON bank_match_ledger_lines (entity_id, match_id);

CREATE TABLE bank_counterparty_accounts (
    entity_id        INTEGER NOT NULL REFERENCES entities (id),
    counterparty_key TEXT NOT NULL,
    account_id       INTEGER NOT NULL,
    updated_at       DATETIME NOT NULL,
    PRIMARY KEY (entity_id, counterparty_key),
    FOREIGN KEY (entity_id, account_id) REFERENCES accounts (entity_id, id)
);

-- +goose StatementBegin
CREATE TRIGGER bank_statements_immutable_update BEFORE UPDATE ON bank_statements
BEGIN
    SELECT RAISE(ABORT, 'BOL06: imported bank statements and their lines are immutable records');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER bank_statements_immutable_delete BEFORE DELETE ON bank_statements
BEGIN
    SELECT RAISE(ABORT, 'BOL06: imported bank statements and their lines are immutable records');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER bank_statement_lines_immutable_update BEFORE UPDATE ON bank_statement_lines
BEGIN
    SELECT RAISE(ABORT, 'BOL06: imported bank statements and their lines are immutable records');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER bank_statement_lines_immutable_delete BEFORE DELETE ON bank_statement_lines
BEGIN
    SELECT RAISE(ABORT, 'BOL06: imported bank statements and their lines are immutable records');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER journal_entries_reversal_reconciled BEFORE INSERT ON journal_entries
WHEN NEW.reverses_id IS NOT NULL AND EXISTS (SELECT 1 FROM bank_match_ledger_lines WHERE entity_id = NEW.entity_id AND entry_id = NEW.reverses_id)
BEGIN
    SELECT RAISE(ABORT, 'BOL07: the entry has lines reconciled with the bank; unmatch them first');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER journal_entries_reversal_reconciled;
DROP TABLE bank_counterparty_accounts;
DROP TABLE bank_match_ledger_lines;
DROP TABLE bank_match_statement_lines;
DROP TABLE bank_matches;
DROP TABLE bank_open_lines;
DROP TABLE bank_statement_lines;
DROP TABLE bank_statements;
DROP TABLE bank_accounts;
