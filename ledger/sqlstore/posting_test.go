package sqlstore_test

import (
	"context"
	"testing"

	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
	"backoffice/ledger/sqlstore/sqltest"
)

// TestPostBulk: the bulk variant of the posting function continues the
// entity's gapless numbers per fiscal year (after an entry posted one by
// one), gives ids in order, keeps the day and month totals, and leaves
// books that verify; the triggers, on by default, refuse an unbalanced
// entry and the whole bulk rolls back.
func TestPostBulk(t *testing.T) {
	t.Parallel()
	st := sqltest.Open(t)
	ctx := context.Background()
	ent, p := sqltest.Entity(t, st, "Bulk BV")
	mustPost(t, st, p, ent, rent("2026-01-05", "10.00")) // 2026-000001
	acct := map[string]int64{}
	for _, code := range []string{"1000", "4100", "8000"} {
		a, err := st.Account(ctx, ent.ID, code)
		if err != nil {
			t.Fatal(err)
		}
		acct[code] = a.ID
	}
	entry := func(date string, fy int, amount int64) (sqlstore.BulkEntry, []sqlstore.BulkLine) {
		d, _ := ledger.ParseDate(date)
		return sqlstore.BulkEntry{Date: d, FiscalYear: fy, Description: "bulk " + date, Lines: 2, TotalMinor: amount},
			[]sqlstore.BulkLine{{AccountID: acct["1000"], DebitMinor: amount}, {AccountID: acct["8000"], CreditMinor: amount}}
	}
	b := &sqlstore.Bulk{Currency: "EUR", CreatedBy: p.ActorID}
	for _, e := range []struct {
		date   string
		fy     int
		amount int64
	}{{"2026-01-06", 2026, 100}, {"2026-01-31", 2026, 250}, {"2026-02-01", 2026, 1}, {"2027-01-01", 2027, 7}} {
		be, lines := entry(e.date, e.fy, e.amount)
		b.Entries = append(b.Entries, be)
		b.Lines = append(b.Lines, lines...)
	}
	var rows int64
	if err := st.Write(ctx, func(tx *sqlstore.Tx) (err error) {
		rows, err = st.PostBulk(tx, ent.ID, b)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	// Numbers continue 2026 after the one entry posted before, and 2027
	// starts at 1; ids continue the entity's.
	wantNumbers := []int64{2, 3, 4, 1}
	for i, e := range b.Entries {
		got, err := st.Entry(ctx, ent.ID, e.ID)
		if err != nil {
			t.Fatalf("entry %d: %v", e.ID, err)
		}
		if e.Number != wantNumbers[i] || got.Number != e.Number || e.ID != int64(i+2) || len(got.Lines) != 2 || got.CreatedBy != p.ActorID {
			t.Errorf("entry %d: id %d number %d, stored %+v; want id %d number %d", i, e.ID, e.Number, got, i+2, wantNumbers[i])
		}
	}
	// Totals rows: bank and sales, each on 4 days and 3 months (2026-01,
	// 2026-02, 2027-01), and the bank's January rows (day 06 and 31, month
	// 01) already exist from the rent; every one is written or changed.
	if rows != 2*(4+3) {
		t.Errorf("%d account total rows written; want %d", rows, 2*(4+3))
	}
	asOf, _ := ledger.ParseDate("2026-12-31")
	bal, err := st.Balances(ctx, ent.ID, asOf, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Bank: 351 in from the bulk's 2026 entries, 1000 out for the rent.
	if got := bal[acct["1000"]]; got.DebitMinor != 351 || got.CreditMinor != 1000 {
		t.Errorf("bank 2026: %+v; want debit 351, credit 1000", got)
	}
	if got := bal[acct["8000"]]; got.CreditMinor != 351 || got.DebitMinor != 0 {
		t.Errorf("sales 2026: %+v; want credit 351", got)
	}
	mustVerify(t, st)

	// An unbalanced entry: the triggers refuse it, and nothing of the bulk
	// stays (no numbers taken either).
	bad := &sqlstore.Bulk{Currency: "EUR", CreatedBy: p.ActorID}
	good, lines := entry("2026-03-01", 2026, 5)
	bad.Entries, bad.Lines = append(bad.Entries, good), append(bad.Lines, lines...)
	unbalanced, lines := entry("2026-03-02", 2026, 5)
	lines[1].CreditMinor = 4
	bad.Entries, bad.Lines = append(bad.Entries, unbalanced), append(bad.Lines, lines...)
	err = st.Write(ctx, func(tx *sqlstore.Tx) error { _, err := st.PostBulk(tx, ent.ID, bad); return err })
	sqltest.WantRefused(t, "an unbalanced entry in a bulk", err, "BOL02")
	next := mustPost(t, st, p, ent, rent("2026-03-03", "1.00"))
	if next.Number != 5 {
		t.Fatalf("the post after a refused bulk has number %d; want 5 (no gap)", next.Number)
	}
	mustVerify(t, st)
}
