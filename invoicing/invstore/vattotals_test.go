package invstore_test

import (
	"fmt"
	"slices"
	"testing"
)

// vatTotals reads the daily VAT totals of the fixture's entity as
// "day side code box base vat deductible" lines, ordered.
func (f *fixture) vatTotals() []string {
	f.t.Helper()
	type row struct {
		Day                                  string
		Side, Code, Box                      string
		BaseMinor, VATMinor, DeductibleMinor int64
	}
	var rows []row
	// day is DATE on PostgreSQL and TEXT on SQLite: read both as text.
	err := f.st.Query(ctx).DB().Raw(`SELECT substr(CAST(v.day AS TEXT), 1, 10) AS day, v.side, t.code, v.box, v.base_minor, v.vat_minor, v.deductible_minor
		FROM vat_totals v JOIN tax_codes t ON t.entity_id = v.entity_id AND t.id = v.tax_code_id
		WHERE v.entity_id = ? AND v.side = 'sales' AND v.source = 'documents'`, f.ent.ID).Scan(&rows).Error
	if err != nil {
		f.t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, fmt.Sprintf("%s %s %s %s %d %d %d", r.Day, r.Side, r.Code, r.Box, r.BaseMinor, r.VATMinor, r.DeductibleMinor))
	}
	slices.Sort(out)
	return out
}

// TestVATTotalsFollowDocuments: issuing, crediting and voiding add the
// documents' turnover and VAT per tax code to the day's totals, in the
// functional currency, signed; a refused issue adds nothing.
func TestVATTotalsFollowDocuments(t *testing.T) {
	f := newFixture(t)
	// 12 x 3.95 = 47.40 at 9 % = 4.27 (4.266); 2.5 x 100 = 250.00 at 21 % = 52.50.
	inv := f.issued(f.cust, "2026-03-10", line("Sourdough", "12", "3.95", "9"), line("Consulting", "2.5", "100", "21"))
	// A second invoice the same day adds to the same rows: 10.00 at 21 % = 2.10.
	f.issued(f.cust, "2026-03-10", line("Cake", "1", "10", "21"))
	// USD 200.00 at 21 % = 42.00 USD; at 0.9 the turnover is 180.00 EUR and
	// the VAT 37.80 EUR, each converted on its own.
	usd := f.customer("Acme Inc.", "USD")
	f.fxInvoice(usd, "2026-03-11", "0.9", line("Export", "1", "200", "21"))
	// Crediting the first invoice whole: negative, on the credit note's date.
	f.creditNote(inv, "2026-04-02")
	want := []string{
		"2026-03-10 sales 21 1a 26000 5460 0",
		"2026-03-10 sales 9 1b 4740 427 0",
		"2026-03-11 sales 21 1a 18000 3780 0",
		"2026-04-02 sales 21 1a -25000 -5250 0",
		"2026-04-02 sales 9 1b -4740 -427 0",
	}
	if got := f.vatTotals(); !slices.Equal(got, want) {
		t.Fatalf("vat totals\n%v\nwant\n%v", got, want)
	}
	// A void negates the invoice on the day it is voided.
	v := f.issued(f.cust, "2026-05-01", line("Tour", "1", "100", "intra-eu"))
	voided, err := f.st.VoidInvoice(ctx, f.p, f.ent, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	day := f.ent.Today().String()
	want = append(want, "2026-05-01 sales intra-eu 3b 10000 0 0", day+" sales intra-eu 3b -10000 0 0")
	slices.Sort(want)
	if got := f.vatTotals(); !slices.Equal(got, want) || voided.VoidEntryID == nil {
		t.Fatalf("after the void\n%v\nwant\n%v", got, want)
	}
}
