-- The Dutch VAT return (issue 16): a tax code per legal case, a revenue
-- account per tax code, the entity's VAT registration, and the daily VAT
-- totals the return reads.
--
-- vat_totals holds, per entity, day, side (sales or purchases), tax code and
-- source, the turnover, the VAT and the deductible VAT of the documents
-- issued, voided, booked or reversed that day, in the functional currency,
-- added in the same transaction that posts them. The return of a period sums
-- a few hundred rows whatever the size of the books; verify recomputes the
-- rows of source 'documents' from the documents themselves. Source
-- 'entries' is VAT of journal entries that are not documents (the seed's
-- till receipts and cost entries). box is the box the code's kind feeds
-- ('' for none), kept on the row so the return groups without a join.
-- vat_account_id and input_account_id are the accounts the document posted
-- its VAT to (sales: the VAT account; purchases: the reverse-charge VAT
-- payable account and the input VAT account; 0 where none): the VAT
-- settlement empties these, whatever the tax code says since. Not foreign
-- keys, as 0 stands for none.

-- +goose Up
ALTER TABLE tax_codes DROP CONSTRAINT tax_codes_kind_check;
ALTER TABLE tax_codes ADD CONSTRAINT tax_codes_kind_check CHECK (kind IN ('standard', 'reduced', 'other_rate', 'zero',
    'reverse_charge', 'non_eu_services', 'export', 'intra_eu', 'intra_eu_services', 'intra_eu_triangular', 'distance_sales', 'exempt'));
ALTER TABLE tax_codes ADD COLUMN revenue_account_id BIGINT;
ALTER TABLE tax_codes ADD CONSTRAINT tax_codes_revenue_account_fk FOREIGN KEY (entity_id, revenue_account_id) REFERENCES accounts (entity_id, id);

ALTER TABLE entities ADD COLUMN vat_tax_number TEXT NOT NULL DEFAULT '';
ALTER TABLE entities ADD COLUMN vat_scheme TEXT NOT NULL DEFAULT 'standard' CHECK (vat_scheme IN ('standard', 'kor'));
ALTER TABLE entities ADD COLUMN vat_period TEXT NOT NULL DEFAULT 'quarter' CHECK (vat_period IN ('month', 'quarter', 'year'));

CREATE TABLE vat_totals (
    entity_id        BIGINT NOT NULL REFERENCES entities (id),
    day              DATE NOT NULL,
    side             TEXT NOT NULL CHECK (side IN ('sales', 'purchases')),
    tax_code_id      BIGINT NOT NULL,
    source           TEXT NOT NULL CHECK (source IN ('documents', 'entries')),
    vat_account_id   BIGINT NOT NULL, -- the VAT (or reverse-charge VAT payable) account posted to; 0: none
    input_account_id BIGINT NOT NULL, -- the input VAT account posted to; 0: none
    box              TEXT NOT NULL,
    base_minor       BIGINT NOT NULL,
    vat_minor        BIGINT NOT NULL,
    deductible_minor BIGINT NOT NULL,
    PRIMARY KEY (entity_id, day, side, tax_code_id, source, vat_account_id, input_account_id)
);

-- +goose Down
DROP TABLE vat_totals;
ALTER TABLE entities DROP COLUMN vat_period;
ALTER TABLE entities DROP COLUMN vat_scheme;
ALTER TABLE entities DROP COLUMN vat_tax_number;
ALTER TABLE tax_codes DROP CONSTRAINT tax_codes_revenue_account_fk;
ALTER TABLE tax_codes DROP COLUMN revenue_account_id;
ALTER TABLE tax_codes DROP CONSTRAINT tax_codes_kind_check;
ALTER TABLE tax_codes ADD CONSTRAINT tax_codes_kind_check CHECK (kind IN ('standard', 'reduced', 'zero', 'exempt', 'reverse_charge', 'intra_eu'));
