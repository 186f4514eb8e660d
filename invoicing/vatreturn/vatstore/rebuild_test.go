package vatstore_test

import (
	"context"
	"strings"
	"testing"

	"backoffice/invoicing/invstore"
	"backoffice/invoicing/purchases"
	"backoffice/invoicing/purchases/purchstore"
	"backoffice/invoicing/vatreturn/vatstore"
	"backoffice/ledger/sqlstore/sqltest"
)

func str(s string) *string { return &s }

// TestRebuildTotals: totals missing (a database from before they existed)
// or wrong are breaches of verify; the rebuild writes what the documents
// say, and a second rebuild changes nothing.
func TestRebuildTotals(t *testing.T) {
	l := sqltest.Open(t)
	inv := invstore.New(l)
	buys := purchstore.New(l)
	vat := vatstore.New(l, inv, buys)
	ent, p := sqltest.Entity(t, l, "Buyer")
	ctx := context.Background()
	sup, err := buys.CreateSupplier(ctx, p, ent, &purchases.SupplierInput{Name: str("Papier B.V.")})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"A-1", "A-2"} {
		if _, err := buys.CreatePurchaseInvoice(ctx, p, ent, &purchases.InvoiceInput{SupplierID: &sup.ID, SupplierNumber: str(n),
			InvoiceDate: str("2026-05-04"), Book: true, Lines: []purchases.LineInput{{Description: "Paper", Account: "4200", Amount: "100.00", TaxCode: "P21"}}}); err != nil {
			t.Fatal(err)
		}
	}
	breaches := func() []string {
		t.Helper()
		r, err := l.Verify(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return r.Breaches
	}
	if b := breaches(); len(b) != 0 {
		t.Fatalf("verify before tampering: %v", b)
	}
	// As after an upgrade: the totals are not there.
	if err := l.Query(ctx).DB().Exec(`DELETE FROM vat_totals WHERE entity_id = ?`, ent.ID).Error; err != nil {
		t.Fatal(err)
	}
	if b := breaches(); len(b) != 1 || !strings.Contains(b[0], "the documents say 20000 4200 4200") {
		t.Fatalf("verify without totals: %v", b)
	}
	if n, err := vat.RebuildTotals(ctx, ent); err != nil || n != 1 {
		t.Fatalf("rebuild: %d rows, %v", n, err)
	}
	if b := breaches(); len(b) != 0 {
		t.Fatalf("verify after the rebuild: %v", b)
	}
	var base, box int64
	if err := l.Query(ctx).DB().Raw(`SELECT base_minor, CASE WHEN box = '' THEN 1 ELSE 0 END FROM vat_totals WHERE entity_id = ?`, ent.ID).Row().Scan(&base, &box); err != nil || base != 20000 || box != 1 {
		t.Fatalf("rebuilt row: base %d, empty box %d, %v", base, box, err)
	}
	if n, err := vat.RebuildTotals(ctx, ent); err != nil || n != 0 {
		t.Fatalf("second rebuild: %d rows, %v", n, err)
	}
}
