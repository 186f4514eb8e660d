-- The Dutch VAT return. See migrations/postgres/00016_vat_returns.sql.

-- +goose Up
CREATE TABLE vat_returns (
    id                    INTEGER PRIMARY KEY,
    entity_id             INTEGER NOT NULL REFERENCES entities (id),
    kind                  TEXT NOT NULL CHECK (kind IN ('return', 'supplementary')),
    period                TEXT NOT NULL,
    period_start          DATE NOT NULL,
    period_end            DATE NOT NULL CHECK (period_end >= period_start),
    due_minor             INTEGER NOT NULL,
    input_minor           INTEGER NOT NULL,
    total_minor           INTEGER NOT NULL CHECK (total_minor = due_minor - input_minor),
    unrounded_total_minor INTEGER NOT NULL,
    rounding_minor        INTEGER NOT NULL CHECK (rounding_minor = unrounded_total_minor - total_minor),
    settlement_account_id INTEGER NOT NULL,
    rounding_account_id   INTEGER NOT NULL,
    entry_id              INTEGER,
    filed_by              INTEGER NOT NULL REFERENCES actors (id),
    filed_at              DATETIME NOT NULL,
    UNIQUE (entity_id, id),
    FOREIGN KEY (entity_id, settlement_account_id) REFERENCES accounts (entity_id, id),
    FOREIGN KEY (entity_id, rounding_account_id) REFERENCES accounts (entity_id, id),
    FOREIGN KEY (entity_id, entry_id) REFERENCES journal_entries (entity_id, id)
);
CREATE UNIQUE INDEX vat_returns_period_unique ON vat_returns (entity_id, period_start) WHERE kind = 'return';

CREATE TABLE vat_return_lines (
    entity_id    INTEGER NOT NULL,
    return_id    INTEGER NOT NULL,
    line_no      INTEGER NOT NULL CHECK (line_no > 0),
    period       TEXT NOT NULL,
    period_start DATE NOT NULL,
    box          TEXT NOT NULL CHECK (box IN ('1a', '1b', '1c', '1d', '1e', '2a', '3a', '3b', '3c', '4a', '4b', '5b')),
    base_minor   INTEGER NOT NULL,
    vat_minor    INTEGER NOT NULL,
    PRIMARY KEY (entity_id, return_id, line_no),
    FOREIGN KEY (entity_id, return_id) REFERENCES vat_returns (entity_id, id)
);
CREATE INDEX vat_return_lines_period ON vat_return_lines (entity_id, period_start);

CREATE TABLE vat_return_accounts (
    entity_id    INTEGER NOT NULL,
    return_id    INTEGER NOT NULL,
    period_start DATE NOT NULL,
    account_id   INTEGER NOT NULL,
    amount_minor INTEGER NOT NULL,
    PRIMARY KEY (entity_id, return_id, period_start, account_id),
    FOREIGN KEY (entity_id, return_id) REFERENCES vat_returns (entity_id, id),
    FOREIGN KEY (entity_id, account_id) REFERENCES accounts (entity_id, id)
);

CREATE TABLE vat_adjustments (
    id             INTEGER PRIMARY KEY,
    entity_id      INTEGER NOT NULL REFERENCES entities (id),
    period         TEXT NOT NULL,
    period_start   DATE NOT NULL,
    period_end     DATE NOT NULL,
    base_minor     INTEGER NOT NULL,
    vat_minor      INTEGER NOT NULL,
    reason         TEXT NOT NULL CHECK (reason <> ''),
    account_id     INTEGER NOT NULL,
    vat_account_id INTEGER NOT NULL,
    entry_id       INTEGER NOT NULL,
    created_by     INTEGER NOT NULL REFERENCES actors (id),
    created_at     DATETIME NOT NULL,
    UNIQUE (entity_id, id),
    FOREIGN KEY (entity_id, account_id) REFERENCES accounts (entity_id, id),
    FOREIGN KEY (entity_id, vat_account_id) REFERENCES accounts (entity_id, id),
    FOREIGN KEY (entity_id, entry_id) REFERENCES journal_entries (entity_id, id)
);
CREATE INDEX vat_adjustments_period ON vat_adjustments (entity_id, period_start);

-- +goose StatementBegin
CREATE TRIGGER vat_returns_immutable_update BEFORE UPDATE ON vat_returns
BEGIN
    SELECT RAISE(ABORT, 'BOL06: filed VAT returns are immutable records');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER vat_returns_immutable_delete BEFORE DELETE ON vat_returns
BEGIN
    SELECT RAISE(ABORT, 'BOL06: filed VAT returns are immutable records');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER vat_return_lines_immutable_update BEFORE UPDATE ON vat_return_lines
BEGIN
    SELECT RAISE(ABORT, 'BOL06: filed VAT returns are immutable records');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER vat_return_lines_immutable_delete BEFORE DELETE ON vat_return_lines
BEGIN
    SELECT RAISE(ABORT, 'BOL06: filed VAT returns are immutable records');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER vat_return_accounts_immutable_update BEFORE UPDATE ON vat_return_accounts
BEGIN
    SELECT RAISE(ABORT, 'BOL06: filed VAT returns are immutable records');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER vat_return_accounts_immutable_delete BEFORE DELETE ON vat_return_accounts
BEGIN
    SELECT RAISE(ABORT, 'BOL06: filed VAT returns are immutable records');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE vat_adjustments;
DROP TABLE vat_return_accounts;
DROP TABLE vat_return_lines;
DROP TABLE vat_returns;
