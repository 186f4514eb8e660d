-- An actor (law 8, docs/design.md "Who did what"): every record's creator,
-- the idempotency scope and the audit trail name an actor, not an API key.
-- An actor is an API key today, a person once people sign in (a later
-- issue adds people and the foreign key of person_id), or the system.
--
-- Actors are global, like api_keys (they belong to no entity). Actors and
-- keys share one id space, the sequence actor_ids: a key's actor has the
-- key's own id (the CHECK actors_kind says so), so every creator id stored
-- before this migration already names the right actor, no write-once row is
-- updated, and the API, which shows key ids (created_by, created_by_key,
-- key_id), shows the same values. A person's actor will draw its id from
-- the same sequence, so it never takes an id a key could have.
--
-- The system actor (id 0) is the command line. The columns that allowed
-- NULL for "the command line" before (audit_events.actor_id,
-- api_keys.created_by, entities.created_by, events.caused_by) keep NULL
-- for it: their rows are write-once and the API shows null there.
--
-- Columns whose name said "key" are renamed to say "actor":
-- audit_events.api_key_id and idempotency_keys.api_key_id become actor_id.
-- The *_by columns (created_by, issued_by, voided_by, removed_by,
-- changed_by, caused_by) already say "who" and keep their names; they now
-- hold actor ids. api_key_entities.api_key_id is a key's scope, not who
-- did something, and stays.
--
-- Foreign keys to actors on the tables written at an administrator's pace
-- (api_keys, entities, audit_events, webhook_endpoints, bank_statements).
-- None on the tables written per post, document or order
-- (journal_entries, idempotency_keys, events, orders, order_status_changes,
-- invoices, payments, allocations, bank_matches): a foreign key check locks
-- the one actor row that every write of an integration or accountant names
-- (FOR KEY SHARE, a multixact under concurrency), the same reason
-- journal_entries.created_by never had one to api_keys.
--
-- RENAME COLUMN fires no row trigger, and PL/pgSQL bodies are not rewritten
-- by it: post_entry() is replaced below with the new column name (its
-- parameter names cannot change; p_idem_api_key holds the actor id).

-- +goose Up
CREATE SEQUENCE actor_ids;
SELECT setval('actor_ids', coalesce((SELECT max(id) FROM api_keys), 0) + 1, false);

CREATE TABLE actors (
    id         BIGINT PRIMARY KEY DEFAULT nextval('actor_ids'),
    kind       TEXT NOT NULL,
    api_key_id BIGINT UNIQUE REFERENCES api_keys (id),
    person_id  BIGINT UNIQUE, -- REFERENCES people (id): comes with the people issue
    created_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT actors_kind CHECK (
        (kind = 'api_key' AND api_key_id = id AND person_id IS NULL)
        OR (kind = 'person' AND person_id IS NOT NULL AND api_key_id IS NULL)
        OR (kind = 'system' AND api_key_id IS NULL AND person_id IS NULL))
);
ALTER SEQUENCE actor_ids OWNED BY actors.id;

-- Keys draw their ids from actor_ids from now on.
ALTER TABLE api_keys ALTER COLUMN id DROP IDENTITY;
ALTER TABLE api_keys ALTER COLUMN id SET DEFAULT nextval('actor_ids');

INSERT INTO actors (id, kind, created_at) VALUES (0, 'system', now());
INSERT INTO actors (id, kind, api_key_id, created_at) SELECT id, 'api_key', id, created_at FROM api_keys;

ALTER TABLE audit_events RENAME COLUMN api_key_id TO actor_id;
ALTER TABLE idempotency_keys RENAME COLUMN api_key_id TO actor_id;

ALTER TABLE api_keys DROP CONSTRAINT api_keys_created_by_fkey;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_created_by_actor FOREIGN KEY (created_by) REFERENCES actors (id);
ALTER TABLE entities ADD CONSTRAINT entities_created_by_actor FOREIGN KEY (created_by) REFERENCES actors (id);
ALTER TABLE audit_events ADD CONSTRAINT audit_events_actor FOREIGN KEY (actor_id) REFERENCES actors (id);
ALTER TABLE webhook_endpoints ADD CONSTRAINT webhook_endpoints_created_by_actor FOREIGN KEY (created_by) REFERENCES actors (id);
ALTER TABLE bank_statements ADD CONSTRAINT bank_statements_created_by_actor FOREIGN KEY (created_by) REFERENCES actors (id);

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION post_entry(
    p_entity_id BIGINT, p_fiscal_year INTEGER, p_date DATE, p_description TEXT, p_reference TEXT,
    p_currency TEXT, p_total BIGINT, p_reverses_id BIGINT, p_created_at TIMESTAMPTZ, p_created_by BIGINT,
    p_accounts BIGINT[], p_debits BIGINT[], p_credits BIGINT[], p_currencies TEXT[], p_amounts BIGINT[],
    p_rates TEXT[], p_descriptions TEXT[],
    p_idem_key TEXT, p_idem_api_key BIGINT, p_idem_hash TEXT, p_idem_status INTEGER, p_idem_content_type TEXT,
    p_idem_body TEXT,
    OUT entry_id BIGINT, OUT entry_number BIGINT, OUT answer TEXT)
LANGUAGE plpgsql AS $$
DECLARE
    n_lines    INTEGER := cardinality(p_accounts);
    n_open     INTEGER;
    number_txt TEXT;
BEGIN
    WITH drawn AS (
        INSERT INTO counters (entity_id, series, year, value)
        VALUES (p_entity_id, 'entry', p_fiscal_year, 1), (p_entity_id, 'entry_id', 0, 1)
        ON CONFLICT (entity_id, series, year) DO UPDATE SET value = counters.value + 1
        RETURNING series, value)
    SELECT max(value) FILTER (WHERE series = 'entry'), max(value) FILTER (WHERE series = 'entry_id')
      INTO entry_number, entry_id FROM drawn;

    -- The join keeps out accounts that are archived, restricted to another
    -- currency or not in this entity; fewer rows than lines is a refusal.
    INSERT INTO journal_lines (entity_id, entry_id, line_no, account_id, date, debit_minor, credit_minor,
                               currency, amount_minor, exchange_rate, description)
    SELECT p_entity_id, entry_id, l.line_no, l.account_id, p_date, l.debit, l.credit,
           l.currency, l.amount, nullif(l.rate, ''), l.description
      FROM unnest(p_accounts, p_debits, p_credits, p_currencies, p_amounts, p_rates, p_descriptions)
           WITH ORDINALITY AS l(account_id, debit, credit, currency, amount, rate, description, line_no)
      JOIN accounts a ON a.entity_id = p_entity_id AND a.id = l.account_id
     WHERE a.archived_at IS NULL AND (a.currency IS NULL OR a.currency = l.currency);
    GET DIAGNOSTICS n_open = ROW_COUNT;
    IF n_open <> n_lines THEN
        RAISE EXCEPTION 'BOL04: an account of the entry is archived, restricted to another currency or not in this entity'
            USING ERRCODE = 'BOL04';
    END IF;

    INSERT INTO journal_entries (entity_id, id, fiscal_year, number, date, description, reference, currency,
                                 total_minor, line_count, reverses_id, created_at, created_by)
    VALUES (p_entity_id, entry_id, p_fiscal_year, entry_number, p_date, p_description, p_reference, p_currency,
            p_total, n_lines, p_reverses_id, p_created_at, p_created_by);

    INSERT INTO account_totals (entity_id, account_id, grain, period, debit_minor, credit_minor)
    SELECT p_entity_id, l.account_id, g.grain,
           CASE g.grain WHEN 'd' THEN p_date ELSE date_trunc('month', p_date)::date END,
           sum(l.debit), sum(l.credit)
      FROM unnest(p_accounts, p_debits, p_credits) AS l(account_id, debit, credit)
     CROSS JOIN (VALUES ('d'), ('m')) AS g(grain)
     GROUP BY l.account_id, g.grain
     ORDER BY l.account_id, g.grain
    ON CONFLICT (entity_id, grain, period, account_id) DO UPDATE
       SET debit_minor = account_totals.debit_minor + excluded.debit_minor,
           credit_minor = account_totals.credit_minor + excluded.credit_minor;

    IF p_idem_key IS NOT NULL THEN
        number_txt := p_fiscal_year || '-' ||
            CASE WHEN entry_number < 1000000 THEN lpad(entry_number::text, 6, '0') ELSE entry_number::text END;
        answer := replace(replace(p_idem_body,
                    '"id":-7777777777777777,', '"id":' || entry_id || ','),
                    '"number":"\u0007"', '"number":"' || number_txt || '"');
        -- A request with the same key that committed before (or while this
        -- one ran) makes this insert fail and the whole post roll back.
        INSERT INTO idempotency_keys (entity_id, actor_id, key, request_hash, status, content_type, body, created_at)
        VALUES (p_entity_id, p_idem_api_key, p_idem_key, p_idem_hash, p_idem_status, p_idem_content_type, answer, p_created_at);
    END IF;
END;
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION post_entry(
    p_entity_id BIGINT, p_fiscal_year INTEGER, p_date DATE, p_description TEXT, p_reference TEXT,
    p_currency TEXT, p_total BIGINT, p_reverses_id BIGINT, p_created_at TIMESTAMPTZ, p_created_by BIGINT,
    p_accounts BIGINT[], p_debits BIGINT[], p_credits BIGINT[], p_currencies TEXT[], p_amounts BIGINT[],
    p_rates TEXT[], p_descriptions TEXT[],
    p_idem_key TEXT, p_idem_api_key BIGINT, p_idem_hash TEXT, p_idem_status INTEGER, p_idem_content_type TEXT,
    p_idem_body TEXT,
    OUT entry_id BIGINT, OUT entry_number BIGINT, OUT answer TEXT)
LANGUAGE plpgsql AS $$
DECLARE
    n_lines    INTEGER := cardinality(p_accounts);
    n_open     INTEGER;
    number_txt TEXT;
BEGIN
    WITH drawn AS (
        INSERT INTO counters (entity_id, series, year, value)
        VALUES (p_entity_id, 'entry', p_fiscal_year, 1), (p_entity_id, 'entry_id', 0, 1)
        ON CONFLICT (entity_id, series, year) DO UPDATE SET value = counters.value + 1
        RETURNING series, value)
    SELECT max(value) FILTER (WHERE series = 'entry'), max(value) FILTER (WHERE series = 'entry_id')
      INTO entry_number, entry_id FROM drawn;

    -- The join keeps out accounts that are archived, restricted to another
    -- currency or not in this entity; fewer rows than lines is a refusal.
    INSERT INTO journal_lines (entity_id, entry_id, line_no, account_id, date, debit_minor, credit_minor,
                               currency, amount_minor, exchange_rate, description)
    SELECT p_entity_id, entry_id, l.line_no, l.account_id, p_date, l.debit, l.credit,
           l.currency, l.amount, nullif(l.rate, ''), l.description
      FROM unnest(p_accounts, p_debits, p_credits, p_currencies, p_amounts, p_rates, p_descriptions)
           WITH ORDINALITY AS l(account_id, debit, credit, currency, amount, rate, description, line_no)
      JOIN accounts a ON a.entity_id = p_entity_id AND a.id = l.account_id
     WHERE a.archived_at IS NULL AND (a.currency IS NULL OR a.currency = l.currency);
    GET DIAGNOSTICS n_open = ROW_COUNT;
    IF n_open <> n_lines THEN
        RAISE EXCEPTION 'BOL04: an account of the entry is archived, restricted to another currency or not in this entity'
            USING ERRCODE = 'BOL04';
    END IF;

    INSERT INTO journal_entries (entity_id, id, fiscal_year, number, date, description, reference, currency,
                                 total_minor, line_count, reverses_id, created_at, created_by)
    VALUES (p_entity_id, entry_id, p_fiscal_year, entry_number, p_date, p_description, p_reference, p_currency,
            p_total, n_lines, p_reverses_id, p_created_at, p_created_by);

    INSERT INTO account_totals (entity_id, account_id, grain, period, debit_minor, credit_minor)
    SELECT p_entity_id, l.account_id, g.grain,
           CASE g.grain WHEN 'd' THEN p_date ELSE date_trunc('month', p_date)::date END,
           sum(l.debit), sum(l.credit)
      FROM unnest(p_accounts, p_debits, p_credits) AS l(account_id, debit, credit)
     CROSS JOIN (VALUES ('d'), ('m')) AS g(grain)
     GROUP BY l.account_id, g.grain
     ORDER BY l.account_id, g.grain
    ON CONFLICT (entity_id, grain, period, account_id) DO UPDATE
       SET debit_minor = account_totals.debit_minor + excluded.debit_minor,
           credit_minor = account_totals.credit_minor + excluded.credit_minor;

    IF p_idem_key IS NOT NULL THEN
        number_txt := p_fiscal_year || '-' ||
            CASE WHEN entry_number < 1000000 THEN lpad(entry_number::text, 6, '0') ELSE entry_number::text END;
        answer := replace(replace(p_idem_body,
                    '"id":-7777777777777777,', '"id":' || entry_id || ','),
                    '"number":"\u0007"', '"number":"' || number_txt || '"');
        -- A request with the same key that committed before (or while this
        -- one ran) makes this insert fail and the whole post roll back.
        INSERT INTO idempotency_keys (entity_id, api_key_id, key, request_hash, status, content_type, body, created_at)
        VALUES (p_entity_id, p_idem_api_key, p_idem_key, p_idem_hash, p_idem_status, p_idem_content_type, answer, p_created_at);
    END IF;
END;
$$;
-- +goose StatementEnd
ALTER TABLE bank_statements DROP CONSTRAINT bank_statements_created_by_actor;
ALTER TABLE webhook_endpoints DROP CONSTRAINT webhook_endpoints_created_by_actor;
ALTER TABLE audit_events DROP CONSTRAINT audit_events_actor;
ALTER TABLE entities DROP CONSTRAINT entities_created_by_actor;
ALTER TABLE api_keys DROP CONSTRAINT api_keys_created_by_actor;
ALTER TABLE idempotency_keys RENAME COLUMN actor_id TO api_key_id;
ALTER TABLE audit_events RENAME COLUMN actor_id TO api_key_id;
ALTER TABLE api_keys ALTER COLUMN id DROP DEFAULT;
ALTER TABLE api_keys ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;
SELECT setval(pg_get_serial_sequence('api_keys', 'id'), coalesce((SELECT max(id) FROM api_keys), 0) + 1, false);
ALTER TABLE api_keys ADD CONSTRAINT api_keys_created_by_fkey FOREIGN KEY (created_by) REFERENCES api_keys (id);
DROP TABLE actors;
