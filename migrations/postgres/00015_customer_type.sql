-- Complete invoices (issue 16): a customer is a business (the default) or a
-- consumer. An invoice to a business must name its address; one to a
-- consumer may leave it out (art. 226 of the VAT directive, art. 35a Wet OB).
-- The VIES answer checked before an intra-EU supply is kept with the
-- invoice's printed parties (invoices.printed), which are immutable once
-- issued.

-- +goose Up
ALTER TABLE customers ADD COLUMN customer_type TEXT NOT NULL DEFAULT 'business'
    CHECK (customer_type IN ('business', 'consumer'));

-- +goose Down
ALTER TABLE customers DROP COLUMN customer_type;
