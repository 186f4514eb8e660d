package invstore_test

import (
	"strings"
	"testing"

	"backoffice/ledger/sqlstore/sqltest"
)

// Verify passes on books that invoicing wrote, and finds a settlement that
// no allocation explains and an issued invoice the database refuses to
// change.
func TestVerifyChecksInvoicing(t *testing.T) {
	f := newFixture(t)
	inv := f.issued(f.cust, "2026-03-10", line("Sourdough", "10", "4", "9"))
	f.pay(f.cust, "2026-03-11", "20.00", alloc(inv, "20.00"))
	r, err := f.st.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Breaches) != 0 || r.Documents != 2 {
		t.Fatalf("clean books: %d documents, breaches %v", r.Documents, r.Breaches)
	}

	sqltest.WantRefused(t, "an issued invoice's total changed", f.st.Query(ctx).DB().Exec(`UPDATE invoices SET total_minor = 1 WHERE id = ?`, inv.ID).Error, "BOL05")
	sqltest.WantRefused(t, "an issued invoice's lines deleted", f.st.Query(ctx).DB().Exec(`DELETE FROM invoice_lines WHERE invoice_id = ?`, inv.ID).Error, "BOL05")
	if _, err := f.st.DB().Exec(`DELETE FROM allocations`); err != nil {
		t.Fatal(err)
	}
	r, err = f.st.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(r.Breaches, "\n"); !strings.Contains(got, "settled 2000 (paid 2000) but its allocations sum to 0") {
		t.Fatalf("breaches after deleting the allocation:\n%s", got)
	}
}
