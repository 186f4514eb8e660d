package main

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"

	"backoffice/invoicing/invstore"
	"backoffice/invoicing/orders/orderstore"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
	"backoffice/ledger/sqlstore/sqltest"
)

// seedDB is a fresh migrated database with one standard-chart entity, and
// the database flags that name it.
func seedDB(t *testing.T) (*invstore.Store, *ledger.Entity, *ledger.Principal, []string) {
	t.Helper()
	cfg := sqltest.Config(t)
	st, err := sqlstore.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	inv := invstore.New(st)
	ent, p := sqltest.Entity(t, inv, "Seed Test B.V.")
	args := []string{"--sqlite-path", cfg.SQLitePath}
	if cfg.DatabaseURL != "" {
		args = []string{"--database-url", cfg.DatabaseURL}
	}
	return inv, ent, p, args
}

func runSeed(t *testing.T, db []string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), append(append([]string{"seed"}, args...), db...), noEnv, &out, &errOut)
	return out.String() + errOut.String(), err
}

// TestSeed seeds a small data set through the real command on the test
// database, then checks it independently: verify finds no breach, the trial
// balance from stored totals balances and equals the sums of the lines at
// several dates, the entries fall in the three fiscal years asked for, and
// the statement customer has about the documents asked for. A second run
// continues the numbers and totals of the first.
func TestSeed(t *testing.T) {
	inv, ent, _, db := seedDB(t)
	ctx := context.Background()
	id := strconv.FormatInt(ent.ID, 10)
	// With the bypass asked for: on PostgreSQL the triggers are skipped
	// and verify checks the laws (TestSeedTriggersOn has the default).
	out, err := runSeed(t, db, "--entity", id, "--entries", "2000", "--years", "3", "--end-date", "2025-12-31",
		"--customers", "2", "--statement-lines", "50", "--bypass-triggers")
	if err != nil {
		t.Fatalf("seed: %v\n%s", err, out)
	}
	for _, want := range []string{"2,000 entries from 2023-01-01 to 2025-12-31", "customers: 2 created", "verify: OK"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	checkSeeded(t, inv, ent)

	sqlDB := inv.DB()
	var years []struct {
		year, n    int
		first, end string
	}
	rows, err := sqlDB.QueryContext(ctx, `SELECT fiscal_year, count(*), min(date), max(date) FROM journal_entries
		WHERE entity_id = $1 GROUP BY fiscal_year ORDER BY fiscal_year`, ent.ID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var y struct {
			year, n    int
			first, end string
		}
		var first, end ledger.Date
		if err := rows.Scan(&y.year, &y.n, &first, &end); err != nil {
			t.Fatal(err)
		}
		y.first, y.end = first.String(), end.String()
		years = append(years, y)
	}
	rows.Close()
	if len(years) != 3 || years[0].year != 2023 || years[2].year != 2025 || years[0].first != "2023-01-01" || years[2].end != "2025-12-31" {
		t.Fatalf("fiscal years %+v; want 2023-2025 from 2023-01-01 to 2025-12-31", years)
	}
	var seeded, short, long, customers, docs, payments, allocations int
	if err := sqlDB.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(CASE WHEN line_count < 2 THEN 1 ELSE 0 END), 0),
			coalesce(sum(CASE WHEN line_count > 4 THEN 1 ELSE 0 END), 0)
		FROM journal_entries e WHERE entity_id = $1 AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.entity_id = e.entity_id AND i.entry_id = e.id)
		AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.entity_id = e.entity_id AND p.entry_id = e.id)`, ent.ID).Scan(&seeded, &short, &long); err != nil {
		t.Fatal(err)
	}
	if seeded != 2000 || short != 0 || long != 0 {
		t.Errorf("%d journal entries besides invoicing's (%d under 2 lines, %d over 4); want 2000 of 2-4 lines", seeded, short, long)
	}
	for q, dst := range map[string]*int{
		`SELECT count(*) FROM customers WHERE entity_id = $1`:                          &customers,
		`SELECT count(*) FROM invoices WHERE entity_id = $1 AND status = 'issued'`:     &docs,
		`SELECT count(*) FROM payments WHERE entity_id = $1`:                           &payments,
		`SELECT count(*) FROM allocations WHERE entity_id = $1 AND removed_at IS NULL`: &allocations,
	} {
		if err := sqlDB.QueryRowContext(ctx, q, ent.ID).Scan(dst); err != nil {
			t.Fatal(err)
		}
	}
	// A statement line is a document or an allocation; "about 50".
	if lines := docs + payments + allocations; customers != 2 || lines < 45 || lines > 55 || docs < 12 || payments < 10 {
		t.Errorf("%d customers, %d invoices and credit notes, %d payments, %d allocations; want 2 customers and about 50 statement lines", customers, docs, payments, allocations)
	}

	// Again, on top: numbers, ids and totals continue from what is there.
	out, err = runSeed(t, db, "--entity", id, "--entries", "700", "--years", "1", "--end-date", "2025-12-31", "--rand-seed", "2", "--batch-entries", "300")
	if err != nil {
		t.Fatalf("second seed: %v\n%s", err, out)
	}
	checkSeeded(t, inv, ent)
	var n2025 int
	if err := sqlDB.QueryRowContext(ctx, `SELECT count(*) FROM journal_entries WHERE entity_id = $1 AND fiscal_year = 2025`, ent.ID).Scan(&n2025); err != nil {
		t.Fatal(err)
	}
	if n2025 <= years[2].n+699 {
		t.Errorf("fiscal year 2025 has %d entries after the second seed, had %d; want 700 more", n2025, years[2].n)
	}
}

// checkSeeded verifies the database and compares the trial balance from the
// stored totals with sums over the lines at dates before, in and after the
// period.
func checkSeeded(t *testing.T, inv *invstore.Store, ent *ledger.Entity) {
	t.Helper()
	ctx := context.Background()
	r, err := orderstore.New(inv).Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Breaches) > 0 {
		t.Fatalf("verify: %d breaches, first %s", len(r.Breaches), r.Breaches[0])
	}
	for _, d := range []string{"2022-12-31", "2023-01-01", "2024-02-29", "2024-07-15", "2025-12-30", "2025-12-31", "2030-01-01"} {
		asOf, _ := ledger.ParseDate(d)
		bal, err := inv.Balances(ctx, ent.ID, asOf, 0)
		if err != nil {
			t.Fatal(err)
		}
		var dr, cr int64
		for _, b := range bal {
			dr += b.DebitMinor
			cr += b.CreditMinor
		}
		if dr != cr {
			t.Errorf("trial balance as of %s: debits %d, credits %d", d, dr, cr)
		}
		rows, err := inv.DB().QueryContext(ctx, `SELECT account_id, sum(debit_minor), sum(credit_minor) FROM journal_lines
			WHERE entity_id = $1 AND date <= $2 GROUP BY account_id`, ent.ID, asOf)
		if err != nil {
			t.Fatal(err)
		}
		sums := 0
		for rows.Next() {
			var acc, d, c int64
			if err := rows.Scan(&acc, &d, &c); err != nil {
				t.Fatal(err)
			}
			sums++
			if got := bal[acc]; got.DebitMinor != d || got.CreditMinor != c {
				t.Errorf("as of %s account %d: stored totals %d/%d, lines %d/%d", asOf, acc, got.DebitMinor, got.CreditMinor, d, c)
			}
		}
		rows.Close()
		if sums != len(bal) {
			t.Errorf("as of %s: %d accounts with lines, %d with totals", asOf, sums, len(bal))
		}
		if d == "2022-12-31" && len(bal) != 0 {
			t.Errorf("as of %s (before the first entry): %d accounts with a balance; want none", d, len(bal))
		}
	}
}

// TestSeedTriggersOn writes the journal with the per-row triggers on, as
// seed does unless told otherwise (and SQLite always), in small batches.
func TestSeedTriggersOn(t *testing.T) {
	inv, ent, _, db := seedDB(t)
	out, err := runSeed(t, db, "--entity", strconv.FormatInt(ent.ID, 10), "--entries", "500", "--years", "2",
		"--end-date", "2026-03-31", "--batch-entries", "128")
	if err != nil {
		t.Fatalf("seed: %v\n%s", err, out)
	}
	if !strings.Contains(out, "per-row triggers on") {
		t.Errorf("output does not say the triggers were on:\n%s", out)
	}
	checkSeeded(t, inv, ent)
}

// TestSeedRefuses checks the refusals: bad flags, an unknown entity, an
// entity without the standard chart, and a period inside the lock date.
func TestSeedRefuses(t *testing.T) {
	inv, ent, p, db := seedDB(t)
	ctx := context.Background()
	id := strconv.FormatInt(ent.ID, 10)
	name, cur := "Bare B.V.", "EUR"
	bare, err := inv.CreateEntity(ctx, p, &ledger.EntityInput{Name: &name, Currency: &cur})
	if err != nil {
		t.Fatal(err)
	}
	lock, _ := ledger.ParseDate("2024-06-30")
	if _, err := inv.SetLockDate(ctx, p, ent.ID, &lock); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--entries", "10"}, "--entity is required"},
		{[]string{"--entity", id}, "--entries must be"},
		{[]string{"--entity", id, "--entries", "10", "--years", "0"}, "--years must be"},
		{[]string{"--entity", id, "--entries", "10", "--end-date", "31-12-2025"}, "--end-date"},
		{[]string{"--entity", id, "--entries", "10", "--statement-lines", "5"}, "needs --customers"},
		{[]string{"--entity", "999", "--entries", "10"}, "entity 999"},
		{[]string{"--entity", strconv.FormatInt(bare.ID, 10), "--entries", "10"}, "lacks open accounts 1000, 1010"},
		{[]string{"--entity", id, "--entries", "10", "--end-date", "2025-12-31", "--years", "2"}, "locked up to 2024-06-30"},
	} {
		out, err := runSeed(t, db, c.args...)
		if err == nil || !strings.Contains(err.Error()+out, c.want) {
			t.Errorf("seed %v: %v\n%s\nwant an error with %q", c.args, err, out, c.want)
		}
	}
	// Nothing was written by the refused runs.
	var n int
	if err := inv.DB().QueryRowContext(ctx, `SELECT count(*) FROM journal_entries`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d entries after refused seeds (%v); want none", n, err)
	}
	// After the lock date it goes in.
	if out, err := runSeed(t, db, "--entity", id, "--entries", "10", "--end-date", "2025-12-31", "--years", "1"); err != nil {
		t.Errorf("seed after the lock date: %v\n%s", err, out)
	}
}

// TestSeedGenerator checks the generated journal before any database: the
// days' counts add up, every entry balances with 2 to 4 one-sided positive
// lines dated in the period, and numbering is by fiscal year in date order.
func TestSeedGenerator(t *testing.T) {
	ent := &ledger.Entity{ID: 1, Currency: "EUR", FiscalYearStartMonth: 7}
	end, _ := ledger.ParseDate("2026-02-28")
	accounts := map[string]int64{}
	for i, code := range seedAccounts {
		accounts[code] = int64(i + 1)
	}
	for _, n := range []int{1, 7, 1000, 12345} {
		p := &seedPlan{ent: ent, end: end, entries: n, account: accounts, unit: 100}
		if err := p.schedule(3, 42); err != nil {
			t.Fatal(err)
		}
		if p.start.String() != "2023-07-01" {
			t.Fatalf("start %s; want 2023-07-01 (three fiscal years starting in July, up to February 2026)", p.start)
		}
		g := newGenerator(p)
		b := &seedBatch{}
		total, lines := 0, 0
		balance := map[int64]int64{} // debit minus credit per account
		prev := p.start
		for g.next(b, 1000) {
			first := 0
			for _, e := range b.Entries {
				if e.Date.Before(prev) || e.Date.After(end) || e.Date.Before(p.start) {
					t.Fatalf("entry dated %s after %s, period %s..%s", e.Date, prev, p.start, end)
				}
				prev = e.Date
				if e.FiscalYear != e.Date.FiscalYear(7) {
					t.Fatalf("entry of %s in fiscal year %d", e.Date, e.FiscalYear)
				}
				if e.Lines < 2 || e.Lines > 4 {
					t.Fatalf("entry %q has %d lines", e.Description, e.Lines)
				}
				var dr, cr int64
				for _, l := range b.Lines[first : first+e.Lines] {
					if (l.DebitMinor > 0) == (l.CreditMinor > 0) || l.DebitMinor < 0 || l.CreditMinor < 0 || l.AccountID == 0 {
						t.Fatalf("entry %q: line %+v", e.Description, l)
					}
					dr += l.DebitMinor
					cr += l.CreditMinor
					balance[l.AccountID] += l.DebitMinor - l.CreditMinor
				}
				first += e.Lines
				if dr != cr || dr != e.TotalMinor {
					t.Fatalf("entry %q: debits %d, credits %d, total %d", e.Description, dr, cr, e.TotalMinor)
				}
			}
			if first != len(b.Lines) {
				t.Fatalf("the entries have %d lines; the batch holds %d", first, len(b.Lines))
			}
			total += len(b.Entries)
			lines += len(b.Lines)
		}
		if total != n {
			t.Errorf("%d entries generated; want %d", total, n)
		}
		if n >= 1000 && (lines < 2*n || lines > 4*n) {
			t.Errorf("%d lines for %d entries", lines, n)
		}
		// A going concern: customers owe less than two months of sales,
		// the bank is in credit, there is a profit, VAT is settled to the
		// last quarter.
		if n == 12345 {
			at := func(code string) int64 { return balance[accounts[code]] }
			sales := -(at("8000") + at("8100"))
			costs := at("4000") + at("4100") + at("4200") + at("4300") + at("4400") + at("4500") + at("7000")
			if ar := at("1100"); ar <= 0 || ar > sales/16 {
				t.Errorf("receivables %d against sales of %d over 32 months", ar, sales)
			}
			if at("1000") <= 0 || costs <= 0 || costs >= sales {
				t.Errorf("bank %d, sales %d, costs %d", at("1000"), sales, costs)
			}
			if vatOut := -at("1700"); vatOut <= 0 || vatOut > sales/10*21/100*2 {
				t.Errorf("VAT payable %d after quarterly returns, sales %d", vatOut, sales)
			}
		}
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -1000: "-1,000"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q; want %q", n, got, want)
		}
	}
}
