-- Laws 2 and 8 against TRUNCATE. The write-once tables refuse UPDATE and
-- DELETE row by row, but PostgreSQL's TRUNCATE fires no row trigger, so
-- until now only the journal refused it. Every table whose rows are
-- records that never change refuses it too, with the SQLSTATE its row
-- triggers use: BOL01 for the audit trail, BOL06 for the other records.
-- (Invoices and their lines: issued ones are immutable; a TRUNCATE cannot
-- tell issued from draft, so it is refused whole.)

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION refuse_truncate_of_records() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'BOL06: % are records that are never deleted; TRUNCATE is refused', TG_TABLE_NAME
        USING ERRCODE = 'BOL06';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_of_posted();
CREATE TRIGGER invoices_no_truncate BEFORE TRUNCATE ON invoices
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate_of_records();
CREATE TRIGGER invoice_lines_no_truncate BEFORE TRUNCATE ON invoice_lines
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate_of_records();
CREATE TRIGGER orders_no_truncate BEFORE TRUNCATE ON orders
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate_of_records();
CREATE TRIGGER order_lines_no_truncate BEFORE TRUNCATE ON order_lines
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate_of_records();
CREATE TRIGGER order_status_changes_no_truncate BEFORE TRUNCATE ON order_status_changes
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate_of_records();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate_of_records();
CREATE TRIGGER bank_statements_no_truncate BEFORE TRUNCATE ON bank_statements
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate_of_records();
CREATE TRIGGER bank_statement_lines_no_truncate BEFORE TRUNCATE ON bank_statement_lines
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate_of_records();

-- +goose Down
DROP TRIGGER bank_statement_lines_no_truncate ON bank_statement_lines;
DROP TRIGGER bank_statements_no_truncate ON bank_statements;
DROP TRIGGER events_no_truncate ON events;
DROP TRIGGER order_status_changes_no_truncate ON order_status_changes;
DROP TRIGGER order_lines_no_truncate ON order_lines;
DROP TRIGGER orders_no_truncate ON orders;
DROP TRIGGER invoice_lines_no_truncate ON invoice_lines;
DROP TRIGGER invoices_no_truncate ON invoices;
DROP TRIGGER audit_events_no_truncate ON audit_events;
DROP FUNCTION refuse_truncate_of_records;
