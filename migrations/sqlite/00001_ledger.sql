-- The ledger core for the embedded SQLite store: the same tables, keys and
-- laws as migrations/postgres/00001_ledger.sql, in SQLite's dialect. Dates
-- are TEXT 'YYYY-MM-DD' (they sort as dates); timestamps are DATETIME (UTC).
-- SQLite has no deferred triggers, so the laws are checked the same way as on
-- PostgreSQL: lines first (their foreign key to the entry is deferred to
-- commit), then the entry, whose insert trigger checks the lines it closes.

-- +goose Up
CREATE TABLE entities (
    id                      INTEGER PRIMARY KEY,
    name                    TEXT NOT NULL CHECK (name <> ''),
    registration_id         TEXT NOT NULL DEFAULT '',
    vat_number              TEXT NOT NULL DEFAULT '',
    address_lines           TEXT NOT NULL DEFAULT '',
    postcode                TEXT NOT NULL DEFAULT '',
    city                    TEXT NOT NULL DEFAULT '',
    country                 TEXT NOT NULL DEFAULT '',
    currency                TEXT NOT NULL CHECK (length(currency) = 3 AND currency = upper(currency)),
    time_zone               TEXT NOT NULL,
    fiscal_year_start_month INTEGER NOT NULL CHECK (fiscal_year_start_month BETWEEN 1 AND 12),
    locale                  TEXT NOT NULL,
    lock_date               TEXT,
    created_at              DATETIME NOT NULL,
    updated_at              DATETIME NOT NULL,
    created_by              INTEGER
);

CREATE TABLE api_keys (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL CHECK (name <> ''),
    role        TEXT NOT NULL CHECK (role IN ('admin', 'accountant', 'client', 'integration')),
    prefix      TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    created_at  DATETIME NOT NULL,
    created_by  INTEGER REFERENCES api_keys (id),
    revoked_at  DATETIME
);

CREATE TABLE api_key_entities (
    entity_id  INTEGER NOT NULL REFERENCES entities (id),
    api_key_id INTEGER NOT NULL REFERENCES api_keys (id),
    PRIMARY KEY (entity_id, api_key_id)
);
CREATE INDEX api_key_entities_key ON api_key_entities (api_key_id);

CREATE TABLE accounts (
    id          INTEGER PRIMARY KEY,
    entity_id   INTEGER NOT NULL REFERENCES entities (id),
    code        TEXT NOT NULL CHECK (code <> ''),
    name        TEXT NOT NULL CHECK (name <> ''),
    type        TEXT NOT NULL CHECK (type IN ('asset', 'liability', 'equity', 'revenue', 'expense')),
    parent_id   INTEGER,
    currency    TEXT CHECK (currency IS NULL OR (length(currency) = 3 AND currency = upper(currency))),
    archived_at DATETIME,
    created_at  DATETIME NOT NULL,
    updated_at  DATETIME NOT NULL,
    UNIQUE (entity_id, id),
    CONSTRAINT accounts_code_unique UNIQUE (entity_id, code),
    FOREIGN KEY (entity_id, parent_id) REFERENCES accounts (entity_id, id)
);

CREATE TABLE counters (
    entity_id INTEGER NOT NULL REFERENCES entities (id),
    series    TEXT NOT NULL,
    year      INTEGER NOT NULL,
    value     INTEGER NOT NULL,
    PRIMARY KEY (entity_id, series, year)
);

CREATE TABLE journal_entries (
    entity_id   INTEGER NOT NULL,
    id          INTEGER NOT NULL,
    fiscal_year INTEGER NOT NULL,
    number      INTEGER NOT NULL,
    date        TEXT NOT NULL,
    description TEXT NOT NULL,
    reference   TEXT NOT NULL DEFAULT '',
    currency    TEXT NOT NULL,
    total_minor INTEGER NOT NULL, -- positive, = the lines' debits: the entry trigger checks
    line_count  INTEGER NOT NULL, -- at least 2, = the lines: the entry trigger checks
    reverses_id INTEGER,
    created_at  DATETIME NOT NULL,
    created_by  INTEGER NOT NULL,
    PRIMARY KEY (entity_id, id),
    CONSTRAINT journal_entries_number_unique UNIQUE (entity_id, fiscal_year, number),
    FOREIGN KEY (entity_id, reverses_id) REFERENCES journal_entries (entity_id, id)
);
CREATE UNIQUE INDEX journal_entries_reversal_unique ON journal_entries (entity_id, reverses_id) WHERE reverses_id IS NOT NULL;
CREATE INDEX journal_entries_date ON journal_entries (entity_id, date, id);
CREATE INDEX journal_entries_reference ON journal_entries (entity_id, reference) WHERE reference <> '';

CREATE TABLE journal_lines (
    entity_id     INTEGER NOT NULL,
    entry_id      INTEGER NOT NULL,
    line_no       INTEGER NOT NULL,
    account_id    INTEGER NOT NULL,
    date          TEXT NOT NULL,
    debit_minor   INTEGER NOT NULL,
    credit_minor  INTEGER NOT NULL,
    currency      TEXT NOT NULL,
    amount_minor  INTEGER NOT NULL CHECK (amount_minor > 0),
    exchange_rate TEXT,
    description   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (entity_id, entry_id, line_no),
    -- Exactly one side, positive. (Few, cheap checks: each costs every insert.)
    CONSTRAINT journal_lines_one_side CHECK ((debit_minor > 0 AND credit_minor = 0) OR (debit_minor = 0 AND credit_minor > 0)),
    FOREIGN KEY (entity_id, entry_id) REFERENCES journal_entries (entity_id, id) DEFERRABLE INITIALLY DEFERRED,
    FOREIGN KEY (entity_id, account_id) REFERENCES accounts (entity_id, id)
);
CREATE INDEX journal_lines_account ON journal_lines (entity_id, account_id, date, entry_id, line_no);

CREATE TABLE account_totals (
    entity_id    INTEGER NOT NULL,
    account_id   INTEGER NOT NULL,
    grain        TEXT NOT NULL, -- 'd' day, 'm' month
    period       TEXT NOT NULL,
    debit_minor  INTEGER NOT NULL,
    credit_minor INTEGER NOT NULL,
    PRIMARY KEY (entity_id, grain, period, account_id),
    -- SQLite turns an integer overflow in "+" into a REAL instead of
    -- failing; money never becomes a float, so such an upsert is refused.
    CONSTRAINT account_totals_integer CHECK (typeof(debit_minor) = 'integer' AND typeof(credit_minor) = 'integer'),
    FOREIGN KEY (entity_id, account_id) REFERENCES accounts (entity_id, id)
);

CREATE TABLE idempotency_keys (
    entity_id    INTEGER NOT NULL,
    api_key_id   INTEGER NOT NULL,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status       INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    body         TEXT NOT NULL,
    created_at   DATETIME NOT NULL,
    PRIMARY KEY (entity_id, api_key_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- Law 2: posted entries and lines never change.
-- +goose StatementBegin
CREATE TRIGGER journal_entries_no_update BEFORE UPDATE ON journal_entries
BEGIN
    SELECT RAISE(ABORT, 'BOL01: posted journal_entries are immutable; post a reversal instead');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER journal_entries_no_delete BEFORE DELETE ON journal_entries
BEGIN
    SELECT RAISE(ABORT, 'BOL01: posted journal_entries are immutable; post a reversal instead');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER journal_lines_no_update BEFORE UPDATE ON journal_lines
BEGIN
    SELECT RAISE(ABORT, 'BOL01: posted journal_lines are immutable; post a reversal instead');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER journal_lines_no_delete BEFORE DELETE ON journal_lines
BEGIN
    SELECT RAISE(ABORT, 'BOL01: posted journal_lines are immutable; post a reversal instead');
END;
-- +goose StatementEnd

-- A line may not be added to an entry that is already posted.
-- +goose StatementBegin
CREATE TRIGGER journal_lines_entry_open BEFORE INSERT ON journal_lines
WHEN EXISTS (SELECT 1 FROM journal_entries WHERE entity_id = NEW.entity_id AND id = NEW.entry_id)
BEGIN
    SELECT RAISE(ABORT, 'BOL01: entry is posted; its lines are immutable');
END;
-- +goose StatementEnd

-- Laws 1 and 4, checked when the entry closes its lines.
-- +goose StatementBegin
CREATE TRIGGER journal_entries_check BEFORE INSERT ON journal_entries
BEGIN
    SELECT RAISE(ABORT, 'BOL02: entry has fewer than two lines or not the declared number')
     WHERE (SELECT count(*) FROM journal_lines WHERE entity_id = NEW.entity_id AND entry_id = NEW.id)
           NOT IN (NEW.line_count) OR NEW.line_count < 2;
    SELECT RAISE(ABORT, 'BOL02: entry does not balance')
      FROM (SELECT coalesce(sum(debit_minor), 0) AS dr, coalesce(sum(credit_minor), 0) AS cr
              FROM journal_lines WHERE entity_id = NEW.entity_id AND entry_id = NEW.id)
     WHERE dr <> cr OR dr <> NEW.total_minor;
    SELECT RAISE(ABORT, 'BOL02: entry does not balance in its line currency')
      FROM (SELECT count(DISTINCT currency) AS currs,
                   coalesce(sum(CASE WHEN debit_minor > 0 THEN amount_minor ELSE -amount_minor END), 0) AS diff
              FROM journal_lines WHERE entity_id = NEW.entity_id AND entry_id = NEW.id)
     WHERE currs = 1 AND diff <> 0;
    SELECT RAISE(ABORT, 'BOL02: entry has lines dated off the entry date')
     WHERE EXISTS (SELECT 1 FROM journal_lines
                    WHERE entity_id = NEW.entity_id AND entry_id = NEW.id AND date <> NEW.date);
    SELECT RAISE(ABORT, 'BOL03: entry date is on or before the lock date')
     WHERE NEW.date <= (SELECT lock_date FROM entities WHERE id = NEW.entity_id);
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE account_totals;
DROP TABLE journal_lines;
DROP TABLE journal_entries;
DROP TABLE counters;
DROP TABLE accounts;
DROP TABLE api_key_entities;
DROP TABLE api_keys;
DROP TABLE entities;
