-- E-invoices (issue 17): where the parties receive them over Peppol, and
-- the buyer's own reference an invoice quotes.
--
-- electronic_address is "scheme:id" with a scheme of the Peppol EAS code
-- list (0106 KvK, 0190 OIN, 9944 Dutch VAT number, ...), checked in Go
-- (ledger.CheckElectronicAddress); '' is none: an entity then uses 0106 and
-- its KvK number, a Dutch customer with an 8-digit KvK number likewise.
-- buyer_reference (BT-10) is set on a draft and fixed once it is issued,
-- like the rest of an issued invoice (BOL05).

-- +goose Up
ALTER TABLE entities ADD COLUMN electronic_address TEXT NOT NULL DEFAULT ''
    CHECK (electronic_address = '' OR electronic_address ~ '^[0-9]{4}:.{1,100}$');
ALTER TABLE customers ADD COLUMN electronic_address TEXT NOT NULL DEFAULT ''
    CHECK (electronic_address = '' OR electronic_address ~ '^[0-9]{4}:.{1,100}$');
ALTER TABLE invoices ADD COLUMN buyer_reference TEXT NOT NULL DEFAULT ''
    CHECK (length(buyer_reference) <= 200);

-- +goose StatementBegin
CREATE FUNCTION refuse_buyer_reference_change_of_issued_invoice() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status <> 'draft' AND NEW.buyer_reference IS DISTINCT FROM OLD.buyer_reference THEN
        RAISE EXCEPTION 'BOL05: issued invoice % is immutable; void it or issue a credit note', OLD.number
                USING ERRCODE = 'BOL05';
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER invoices_issued_buyer_reference_immutable BEFORE UPDATE OF buyer_reference ON invoices
    FOR EACH ROW EXECUTE FUNCTION refuse_buyer_reference_change_of_issued_invoice();

-- +goose Down
DROP TRIGGER invoices_issued_buyer_reference_immutable ON invoices;
DROP FUNCTION refuse_buyer_reference_change_of_issued_invoice();
ALTER TABLE invoices DROP COLUMN buyer_reference;
ALTER TABLE customers DROP COLUMN electronic_address;
ALTER TABLE entities DROP COLUMN electronic_address;
