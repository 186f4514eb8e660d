-- Complete invoices. See migrations/postgres/00015_customer_type.sql.

-- +goose Up
ALTER TABLE customers ADD COLUMN customer_type TEXT NOT NULL DEFAULT 'business'
    CHECK (customer_type IN ('business', 'consumer'));

-- +goose Down
ALTER TABLE customers DROP COLUMN customer_type;
