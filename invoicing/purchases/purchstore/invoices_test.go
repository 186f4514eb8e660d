package purchstore_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"backoffice/invoicing/purchases"
	"backoffice/invoicing/purchases/purchstore"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore/sqltest"
)

func piStr(s string) *string { return &s }

// piDraft enters a draft of 100.00 + 21 % for the supplier.
func piDraft(ctx context.Context, st *purchstore.Store, p *ledger.Principal, ent *ledger.Entity, sup int64, number string) (*purchases.Invoice, error) {
	return st.CreatePurchaseInvoice(ctx, p, ent, &purchases.InvoiceInput{SupplierID: &sup, SupplierNumber: piStr(number),
		InvoiceDate: piStr("2026-05-04"), Lines: []purchases.LineInput{{Description: "Paper", Account: "4200", Amount: "100.00", TaxCode: "P21"}}})
}

// TestConcurrentBooking books drafts from many goroutines at once: the
// purchase numbers are 1 to n without gaps or repeats, each booked
// invoice has its own entry, and of many entries of one supplier number
// at once exactly one is taken (the others 409).
func TestConcurrentBooking(t *testing.T) {
	t.Parallel()
	l := sqltest.Open(t)
	st := purchstore.New(l)
	ent, p := sqltest.Entity(t, l, "Buyer")
	ctx := context.Background()
	sup, err := st.CreateSupplier(ctx, p, ent, &purchases.SupplierInput{Name: piStr("Papier B.V.")})
	if err != nil {
		t.Fatal(err)
	}
	const n = 16
	ids := make([]int64, n)
	for i := range ids {
		d, err := piDraft(ctx, st, p, ent, sup.ID, fmt.Sprintf("P-%02d", i))
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = d.ID
	}
	var wg sync.WaitGroup
	numbers := make([]string, n)
	entries := make([]int64, n)
	errs := make([]error, n)
	for i, id := range ids {
		wg.Go(func() {
			inv, err := st.BookPurchaseInvoice(ctx, p, ent, id)
			if errs[i] = err; err == nil {
				numbers[i], entries[i] = inv.Number, *inv.EntryID
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("booking %d: %v", i, err)
		}
	}
	slices.Sort(numbers)
	for i, num := range numbers {
		if want := fmt.Sprintf("PI-2026-%04d", i+1); num != want {
			t.Errorf("numbers %v: want %s at %d", numbers, want, i)
			break
		}
	}
	slices.Sort(entries)
	if len(slices.Compact(entries)) != n {
		t.Errorf("entries: %v", entries)
	}

	// One supplier number entered from many requests at once.
	const m = 8
	results := make([]error, m)
	for i := range results {
		wg.Go(func() {
			number := "DUP-1"
			if i%2 == 1 {
				number = "dup 1" // the same number, spelled otherwise
			}
			_, results[i] = piDraft(ctx, st, p, ent, sup.ID, number)
		})
	}
	wg.Wait()
	taken := 0
	for _, err := range results {
		switch {
		case err == nil:
			taken++
		case ledger.As(err) == nil || ledger.As(err).Reason != ledger.ReasonSupplierInvoiceNumberTaken:
			t.Errorf("duplicate at once: %v", err)
		}
	}
	if taken != 1 {
		t.Errorf("%d of %d entries of one number were taken; want 1", taken, m)
	}
}

// TestBookedPurchaseInvoiceImmutable: the database refuses to change or
// delete a booked purchase invoice (raw SQL past the Go checks), and the
// store refuses with invoice_not_draft.
func TestBookedPurchaseInvoiceImmutable(t *testing.T) {
	t.Parallel()
	l := sqltest.Open(t)
	st := purchstore.New(l)
	ent, p := sqltest.Entity(t, l, "Buyer")
	ctx := context.Background()
	sup, err := st.CreateSupplier(ctx, p, ent, &purchases.SupplierInput{Name: piStr("Papier B.V.")})
	if err != nil {
		t.Fatal(err)
	}
	d, err := piDraft(ctx, st, p, ent, sup.ID, "F-1")
	if err != nil {
		t.Fatal(err)
	}
	inv, err := st.BookPurchaseInvoice(ctx, p, ent, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	db := l.Query(ctx).DB()
	sqltest.WantRefused(t, "update of a booked purchase invoice", db.Exec(`UPDATE purchase_invoices SET total_minor = 1 WHERE id = ?`, inv.ID).Error, "BOL05")
	sqltest.WantRefused(t, "delete of a booked purchase invoice", db.Exec(`DELETE FROM purchase_invoices WHERE id = ?`, inv.ID).Error, "BOL05")
	sqltest.WantRefused(t, "back to draft", db.Exec(`UPDATE purchase_invoices SET status = 'draft' WHERE id = ?`, inv.ID).Error, "BOL05")
	if err := st.DeletePurchaseInvoice(ctx, p, ent, inv.ID); !ledger.IsCode(err, ledger.CodeConflict) || ledger.As(err).Reason != ledger.ReasonInvoiceNotDraft {
		t.Errorf("delete: %v", err)
	}
	got, err := st.PurchaseInvoice(ctx, ent.ID, inv.ID)
	if err != nil || got.TotalMinor != 12100 || got.Status != purchases.StatusBooked || got.Number != "PI-2026-0001" {
		t.Errorf("after the refusals: %+v %v", got, err)
	}
}
