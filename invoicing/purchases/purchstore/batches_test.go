package purchstore_test

import (
	"context"
	"testing"

	"backoffice/invoicing/purchases"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
)

// TestOneLiveBatchPerDocument: the database keeps a purchase invoice in
// at most one live payment batch, whatever the Go checks before it saw
// (two batches made at the same moment under READ COMMITTED): a second
// live item for a document is refused, and once its batch is cancelled
// the document's item is no longer live and it may be paid again.
func TestOneLiveBatchPerDocument(t *testing.T) {
	t.Parallel()
	f := seedOpen(t, 2, 1)
	ctx := context.Background()
	due := ledger.NewDate(2026, 12, 15)
	b, err := f.st.CreatePaymentBatch(ctx, f.p, f.ent, &purchases.BatchInput{BankAccountID: &f.bank,
		ExecutionDate: ptr(ledger.NewDate(2099, 1, 5)), DueBy: &due})
	if err != nil {
		t.Fatal(err)
	}
	l := f.l
	// A second batch row, and an item of it for a document the first
	// batch holds, written as a racing transaction would.
	second := func() error {
		return l.Write(ctx, func(tx *sqlstore.Tx) error {
			var id int64
			if err := tx.DB().Raw(`INSERT INTO payment_batches (entity_id, bank_account_id, status, format, execution_date, message_id,
				count, total_minor, created_at, created_by) VALUES (?, ?, 'open', 'pain.001.001.09', '2099-01-05', 'RACE', 1, 1210, ?, ?) RETURNING id`,
				f.ent.ID, f.bank, tx.Now, f.p.ActorID).Scan(&id).Error; err != nil {
				return err
			}
			return tx.DB().Exec(`INSERT INTO payment_batch_items (entity_id, batch_id, purchase_invoice_id, transfer_no, supplier_id, amount_minor, end_to_end_id)
				SELECT entity_id, ?, purchase_invoice_id, 1, supplier_id, amount_minor, 'RACE-1' FROM payment_batch_items
				WHERE entity_id = ? AND batch_id = ? ORDER BY purchase_invoice_id LIMIT 1`, id, f.ent.ID, b.ID).Error
		})
	}
	if err := second(); !sqlstore.IsDuplicate(sqlstore.Translate(err), "live", "purchase_invoice_id") {
		t.Fatalf("a second live item for a document: %v", err)
	}
	if _, err := f.st.CancelPaymentBatch(ctx, f.p, f.ent, b.ID); err != nil {
		t.Fatal(err)
	}
	if err := second(); err != nil {
		t.Fatalf("after the cancel the document takes a new batch: %v", err)
	}
}
