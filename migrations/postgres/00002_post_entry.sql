-- post_entry posts one journal entry in a single round trip: the
-- idempotency record, the account check, the entry's number, its lines, the
-- entry, the account totals and the stored answer, all in the caller's
-- transaction (one statement in autocommit is one transaction).
--
-- The Go store has checked and resolved everything before the call; this
-- function checks again what could have changed since (accounts archived,
-- the lock date in the entry trigger) and keeps the laws with the triggers
-- of 00001. Rows are locked in a fixed order: the entity's counter rows,
-- then the account totals by account id. Every statement counts: on a
-- 2-line entry the cost is setting each one up, not the rows (see
-- docs/performance.md), so the function has as few as it can.
--
-- A replayed Idempotency-Key is not looked up first: replays are rare, and
-- the final insert of the answer fails on the key (unique violation), which
-- rolls the whole post back; the caller then answers with the stored answer.
--
-- The stored answer is rendered by the caller before the entry has an id
-- and a number; it carries the tokens "id":-7777777777777777, and
-- "number":"\u0007", which cannot occur inside a JSON string (their quotes
-- would be escaped). They are replaced here with the real values.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION post_entry(
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

-- +goose Down
DROP FUNCTION post_entry;
