package invstore_test

import (
	"strings"
	"testing"

	"backoffice/invoicing/invstore"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore/sqltest"
)

// TestLedgerStoreDoesInvoicingsPart: no store overrides another, so the
// ledger's own CreateEntity and Verify, called on the ledger store itself,
// do invoicing's part too once invoicing is made on that store: a new
// entity with the standard chart gets the Dutch tax codes, and verify
// checks the invoice series.
func TestLedgerStoreDoesInvoicingsPart(t *testing.T) {
	l := sqltest.Open(t)
	inv := invstore.New(l)
	_, p := sqltest.Entity(t, inv, "Eerste BV")
	standard := "standard"
	ent, err := l.CreateEntity(ctx, p, &ledger.EntityInput{Name: ptr("Tweede BV"), Currency: ptr("EUR"), ChartTemplate: &standard})
	if err != nil {
		t.Fatal(err)
	}
	codes, err := inv.TaxCodes(ctx, ent.ID, false)
	if err != nil || len(codes) == 0 {
		t.Fatalf("tax codes of an entity the ledger store created: %d, %v", len(codes), err)
	}
	// An invoice counter ahead of its series: invoicing's check finds it
	// through the ledger store's own Verify.
	f := newFixture(t)
	f.issued(f.cust, "2026-03-10", line("Sourdough", "10", "4", "9"))
	if err := f.st.Query(ctx).DB().Exec(`UPDATE counters SET value = value + 1 WHERE entity_id = ? AND series = 'invoice'`, f.ent.ID).Error; err != nil {
		t.Fatal(err)
	}
	r, err := f.st.Store.Verify(ctx) // the ledger store's own Verify
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(r.Breaches, "\n"), "invoice series") {
		t.Fatalf("the ledger store's verify did not run invoicing's check: %v", r.Breaches)
	}
}
