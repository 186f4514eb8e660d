-- Foreign currency revaluation. See migrations/postgres/00018_fx_revaluations.sql.

-- +goose Up
CREATE TABLE fx_revaluations (
    id                           INTEGER PRIMARY KEY,
    entity_id                    INTEGER NOT NULL REFERENCES entities (id),
    date                         DATE NOT NULL,
    rates                        TEXT NOT NULL,
    receivables_account_id       INTEGER NOT NULL,
    payables_account_id          INTEGER NOT NULL,
    bank_account_id              INTEGER NOT NULL,
    result_account_id            INTEGER NOT NULL,
    receivables_difference_minor INTEGER NOT NULL,
    payables_difference_minor    INTEGER NOT NULL,
    bank_difference_minor        INTEGER NOT NULL,
    result_minor                 INTEGER NOT NULL,
    entry_id                     INTEGER NOT NULL,
    reversal_entry_id            INTEGER NOT NULL,
    created_by                   INTEGER NOT NULL REFERENCES actors (id),
    created_at                   DATETIME NOT NULL,
    UNIQUE (entity_id, id),
    CONSTRAINT fx_revaluations_date_unique UNIQUE (entity_id, date),
    FOREIGN KEY (entity_id, receivables_account_id) REFERENCES accounts (entity_id, id),
    FOREIGN KEY (entity_id, payables_account_id) REFERENCES accounts (entity_id, id),
    FOREIGN KEY (entity_id, bank_account_id) REFERENCES accounts (entity_id, id),
    FOREIGN KEY (entity_id, result_account_id) REFERENCES accounts (entity_id, id),
    FOREIGN KEY (entity_id, entry_id) REFERENCES journal_entries (entity_id, id),
    FOREIGN KEY (entity_id, reversal_entry_id) REFERENCES journal_entries (entity_id, id)
);

CREATE TABLE fx_revaluation_lines (
    entity_id        INTEGER NOT NULL,
    revaluation_id   INTEGER NOT NULL,
    line_no          INTEGER NOT NULL CHECK (line_no > 0),
    book             TEXT NOT NULL CHECK (book IN ('receivables', 'payables', 'bank')),
    kind             TEXT NOT NULL CHECK (kind IN ('invoice', 'credit_note', 'bank_account')),
    source_id        INTEGER NOT NULL,
    reference        TEXT NOT NULL,
    party_id         INTEGER,
    currency         TEXT NOT NULL CHECK (length(currency) = 3 AND currency NOT GLOB '*[^A-Z]*'),
    open_minor       INTEGER NOT NULL,
    carrying_minor   INTEGER NOT NULL,
    rate             TEXT NOT NULL,
    revalued_minor   INTEGER NOT NULL,
    difference_minor INTEGER NOT NULL CHECK (difference_minor = revalued_minor - carrying_minor),
    PRIMARY KEY (entity_id, revaluation_id, line_no),
    FOREIGN KEY (entity_id, revaluation_id) REFERENCES fx_revaluations (entity_id, id)
);

-- +goose StatementBegin
CREATE TRIGGER fx_revaluations_immutable_update BEFORE UPDATE ON fx_revaluations
BEGIN
    SELECT RAISE(ABORT, 'BOL06: foreign currency revaluations are immutable records');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER fx_revaluations_immutable_delete BEFORE DELETE ON fx_revaluations
BEGIN
    SELECT RAISE(ABORT, 'BOL06: foreign currency revaluations are immutable records');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER fx_revaluation_lines_immutable_update BEFORE UPDATE ON fx_revaluation_lines
BEGIN
    SELECT RAISE(ABORT, 'BOL06: foreign currency revaluations are immutable records');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER fx_revaluation_lines_immutable_delete BEFORE DELETE ON fx_revaluation_lines
BEGIN
    SELECT RAISE(ABORT, 'BOL06: foreign currency revaluations are immutable records');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE fx_revaluation_lines;
DROP TABLE fx_revaluations;
