-- E-invoices. See migrations/postgres/00021_electronic_addresses.sql.

-- +goose Up
ALTER TABLE entities ADD COLUMN electronic_address TEXT NOT NULL DEFAULT ''
    CHECK (electronic_address = '' OR (substr(electronic_address, 5, 1) = ':' AND length(electronic_address) BETWEEN 6 AND 105));
ALTER TABLE customers ADD COLUMN electronic_address TEXT NOT NULL DEFAULT ''
    CHECK (electronic_address = '' OR (substr(electronic_address, 5, 1) = ':' AND length(electronic_address) BETWEEN 6 AND 105));
ALTER TABLE invoices ADD COLUMN buyer_reference TEXT NOT NULL DEFAULT ''
    CHECK (length(buyer_reference) <= 200);

-- +goose StatementBegin
CREATE TRIGGER invoices_issued_buyer_reference_immutable BEFORE UPDATE OF buyer_reference ON invoices
WHEN OLD.status <> 'draft' AND NEW.buyer_reference IS NOT OLD.buyer_reference
BEGIN
    SELECT RAISE(ABORT, 'BOL05: issued invoices are immutable; void it or issue a credit note');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER invoices_issued_buyer_reference_immutable;
ALTER TABLE invoices DROP COLUMN buyer_reference;
ALTER TABLE customers DROP COLUMN electronic_address;
ALTER TABLE entities DROP COLUMN electronic_address;
