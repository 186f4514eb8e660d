package purchstore_test

import (
	"context"
	"strings"
	"testing"

	"backoffice/invoicing/purchases"
	"backoffice/invoicing/purchases/purchstore"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
	"backoffice/ledger/sqlstore/sqltest"
)

// TestVerifyChecksPurchases: verify passes on books purchases wrote, and
// finds each of its laws broken with raw SQL (the immutability trigger
// dropped where it would refuse first): a purchase number out of the
// series, a counter ahead of it, a total its entry does not carry, a
// reversal without its entry, a settlement no allocation explains, and a
// payables account that disagrees with what is open.
func TestVerifyChecksPurchases(t *testing.T) {
	ctx := context.Background()
	l := sqltest.Open(t)
	st := purchstore.New(l)
	ent, p := sqltest.Entity(t, l, "Buyer")
	sup, err := st.CreateSupplier(ctx, p, ent, &purchases.SupplierInput{Name: piStr("Papier B.V.")})
	if err != nil {
		t.Fatal(err)
	}
	book := func(kind, number, amount string) *purchases.Invoice {
		t.Helper()
		inv, err := st.CreatePurchaseInvoice(ctx, p, ent, &purchases.InvoiceInput{Kind: &kind, SupplierID: &sup.ID, SupplierNumber: &number,
			InvoiceDate: piStr("2026-05-04"), Lines: []purchases.LineInput{{Description: "Paper", Account: "4200", Amount: amount, TaxCode: "P21"}}, Book: true})
		if err != nil {
			t.Fatal(err)
		}
		return inv
	}
	a := book("invoice", "A-1", "100.00")     // 121.00
	b := book("invoice", "A-2", "200.00")     // 242.00
	c := book("credit_note", "CN-1", "10.00") // 12.10
	rev := book("invoice", "A-3", "50.00")    // 60.50, reversed below
	rev, err = st.ReversePurchaseInvoice(ctx, p, ent, rev.ID, ledger.Date{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.RecordSupplierPayment(ctx, p, ent, &purchases.PaymentInput{SupplierID: &sup.ID, Date: piStr("2026-05-10"), Amount: piStr("100.00"),
		Allocations: []purchases.AllocationInput{{PurchaseInvoiceID: &b.ID, Amount: "100.00"}}}); err != nil {
		t.Fatal(err)
	}
	verify := func() string {
		t.Helper()
		r, err := l.Verify(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(r.Breaches, "\n")
	}
	if got := verify(); got != "" {
		t.Fatalf("clean books: %s", got)
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if err := l.Query(ctx).DB().Exec(q, args...).Error; err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	want := func(what, breach string) {
		t.Helper()
		if got := verify(); !strings.Contains(got, breach) {
			t.Fatalf("%s: no breach %q in:\n%s", what, breach, got)
		}
	}

	// The database refuses the change to a booked document itself.
	sqltest.WantRefused(t, "a booked purchase invoice's total changed",
		l.Query(ctx).DB().Exec(`UPDATE purchase_invoices SET total_minor = 1 WHERE id = ?`, a.ID).Error, "BOL05")
	if sqltest.Dialect() == sqlstore.Postgres {
		exec(`DROP TRIGGER purchase_invoices_booked_immutable ON purchase_invoices`)
	} else {
		exec(`DROP TRIGGER purchase_invoices_booked_no_update`)
	}

	// Settlement: the allocation removed behind the payment's back. B
	// stays settled 100.00 (10000) with nothing to explain it.
	exec(`UPDATE purchase_allocations SET removed_at = CURRENT_TIMESTAMP`)
	want("allocation removed", "settled 10000 (functional 10000) but its allocations sum to 0 (functional 0)")
	exec(`UPDATE purchase_allocations SET removed_at = NULL`)

	// The counter ahead of the series: 4 booked, counter at 5.
	exec(`UPDATE counters SET value = value + 1 WHERE series = 'purchase'`)
	want("counter ahead", "4 documents numbered 1..4 (4 distinct), counter at 5")
	exec(`UPDATE counters SET value = value - 1 WHERE series = 'purchase'`)

	// A hole: C renumbered 7.
	exec(`UPDATE purchase_invoices SET seq = 7 WHERE id = ?`, c.ID)
	want("hole", "4 documents numbered 1..7 (4 distinct), counter at 4")
	exec(`UPDATE purchase_invoices SET seq = ? WHERE id = ?`, c.Seq, c.ID)

	// A total the entry does not carry: A says 121.01; the entry's
	// payables line credits 121.00. The payables account then disagrees
	// too: 121.01 + 142.00 - 12.10 = 250.91 open, 250.90 in the ledger.
	exec(`UPDATE purchase_invoices SET total_minor = total_minor + 1, functional_total_minor = functional_total_minor + 1 WHERE id = ?`, a.ID)
	want("total changed", "total 12101 (functional 12101) but its entry's payables line is 12100 (debit 0, credit 12100)")
	want("total changed", "payables account 1600 stands at 25090 (credit) but the open purchase documents and unallocated supplier payments make 25091")
	exec(`UPDATE purchase_invoices SET total_minor = total_minor - 1, functional_total_minor = functional_total_minor - 1 WHERE id = ?`, a.ID)

	// A reversed document whose reversal entry reverses something else:
	// A's own entry named as its reversal.
	exec(`UPDATE purchase_invoices SET reversal_entry_id = entry_id WHERE id = ?`, rev.ID)
	want("reversal", "is reversed but no entry reverses its entry")
	exec(`UPDATE purchase_invoices SET reversal_entry_id = ? WHERE id = ?`, *rev.ReversalEntryID, rev.ID)

	if got := verify(); got != "" {
		t.Fatalf("books restored: %s", got)
	}
}
