-- The audit file (ledger/auditfile/auditsql) sorts every entry of a year
-- into its journal by asking, per entry, whether a document posted it:
-- an invoice or credit note (issued or voided), a purchase invoice (booked
-- or reversed), a payment received or made (or its removal). The foreign
-- keys from these columns to journal_entries have no index on the
-- referencing side; these make each question one index probe, so that the
-- file's time grows with the number of entries and not with entries times
-- documents. Partial: most rows have no void, reversal or removal entry.

-- +goose Up
CREATE INDEX invoices_entry ON invoices (entity_id, entry_id) WHERE entry_id IS NOT NULL;
CREATE INDEX invoices_void_entry ON invoices (entity_id, void_entry_id) WHERE void_entry_id IS NOT NULL;
CREATE INDEX purchase_invoices_entry ON purchase_invoices (entity_id, entry_id) WHERE entry_id IS NOT NULL;
CREATE INDEX purchase_invoices_reversal_entry ON purchase_invoices (entity_id, reversal_entry_id) WHERE reversal_entry_id IS NOT NULL;
CREATE INDEX payments_entry ON payments (entity_id, entry_id);
CREATE INDEX payments_removal_entry ON payments (entity_id, removal_entry_id) WHERE removal_entry_id IS NOT NULL;
CREATE INDEX supplier_payments_entry ON supplier_payments (entity_id, entry_id);
CREATE INDEX supplier_payments_removal_entry ON supplier_payments (entity_id, removal_entry_id) WHERE removal_entry_id IS NOT NULL;

-- +goose Down
DROP INDEX supplier_payments_removal_entry;
DROP INDEX supplier_payments_entry;
DROP INDEX payments_removal_entry;
DROP INDEX payments_entry;
DROP INDEX purchase_invoices_reversal_entry;
DROP INDEX purchase_invoices_entry;
DROP INDEX invoices_void_entry;
DROP INDEX invoices_entry;
