package invstore_test

import (
	"errors"
	"testing"

	"backoffice/ledger"
	"backoffice/ledger/bank"
	"backoffice/ledger/sqlstore"
)

// TestReceivablesRunInTheCallersUnitOfWork: cash application records a
// receipt in the bank's unit of work: the payment, its allocation and its
// entry are visible in it at once and roll back with it.
func TestReceivablesRunInTheCallersUnitOfWork(t *testing.T) {
	f := newFixture(t)
	inv := f.issued(f.cust, "2026-03-10", line("Sourdough", "10", "10", "21")) // 121.00
	rec := f.st.Receivables()
	before := f.snap()
	rollBack := errors.New("roll back")
	err := f.st.Write(ctx, func(tx *sqlstore.Tx) error {
		open, err := rec.OpenInvoices(tx, f.ent, "EUR")
		if err != nil || len(open) != 1 || open[0].ID != inv.ID || open[0].OpenMinor != 12100 || open[0].CustomerName != f.cust.Name {
			t.Fatalf("open invoices %+v %v", open, err)
		}
		payID, entryID, err := rec.RecordReceipt(tx, f.p, f.ent, &bank.Receipt{Date: ledger.NewDate(2026, 3, 20), AmountMinor: 10000,
			Currency: "EUR", BankAccount: "1010", Reference: "statement 7",
			Allocations: []bank.Allocation{{InvoiceID: inv.ID, AmountMinor: 10000}}})
		if err != nil || payID == 0 || entryID == 0 {
			t.Fatalf("receipt: %d %d %v", payID, entryID, err)
		}
		// The store bound to the unit of work reads what it wrote.
		pay, err := f.st.In(tx).Payment(ctx, f.ent.ID, payID)
		if err != nil || pay.CustomerID != f.cust.ID || pay.EntryID != entryID || pay.SettledMinor != 10000 {
			t.Fatalf("payment in the unit of work %+v %v", pay, err)
		}
		if open, err = rec.OpenInvoices(tx, f.ent, "EUR"); err != nil || len(open) != 1 || open[0].OpenMinor != 2100 {
			t.Fatalf("open after the receipt %+v %v", open, err)
		}
		return rollBack
	})
	if !errors.Is(err, rollBack) {
		t.Fatalf("write: %v; want the unit of work's own error", err)
	}
	f.unchanged(before)
	if got := f.reload(inv); got.SettledMinor != 0 {
		t.Fatalf("settled %d after the rollback", got.SettledMinor)
	}
}
