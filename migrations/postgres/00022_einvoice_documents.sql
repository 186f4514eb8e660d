-- Received e-invoices (issue 17): the inbox keeps the XML of an e-invoice
-- (application/xml) besides PDFs and images; a supplier is found by the
-- electronic address it sends from (Peppol "scheme:id"); a received
-- e-invoice's rounding amount (BT-114) goes to the rounding account of the
-- purchase settings.

-- +goose Up
-- einvoice is what an upload was recognised as (parse.Sniff): ubl, cii,
-- pdf-einvoice (a Factur-X or ZUGFeRD PDF), or '' for none.
ALTER TABLE documents ADD COLUMN einvoice TEXT NOT NULL DEFAULT '' CHECK (einvoice IN ('', 'ubl', 'cii', 'pdf-einvoice'));
ALTER TABLE documents DROP CONSTRAINT documents_content_type_check;
ALTER TABLE documents ADD CONSTRAINT documents_content_type_check
    CHECK (content_type IN ('application/pdf', 'image/png', 'image/jpeg', 'application/xml'));
ALTER TABLE suppliers ADD COLUMN electronic_address TEXT NOT NULL DEFAULT ''
    CHECK (char_length(electronic_address) <= 200);
CREATE INDEX suppliers_electronic_address ON suppliers (entity_id, electronic_address) WHERE electronic_address <> '';
ALTER TABLE purchase_settings ADD COLUMN rounding_account TEXT NOT NULL DEFAULT '4900';

-- +goose Down
ALTER TABLE purchase_settings DROP COLUMN rounding_account;
DROP INDEX suppliers_electronic_address;
ALTER TABLE documents DROP COLUMN einvoice;
ALTER TABLE suppliers DROP COLUMN electronic_address;
ALTER TABLE documents DROP CONSTRAINT documents_content_type_check;
ALTER TABLE documents ADD CONSTRAINT documents_content_type_check
    CHECK (content_type IN ('application/pdf', 'image/png', 'image/jpeg'));
