package sqlstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"testing"

	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
	"backoffice/ledger/sqlstore/sqltest"
)

func TestMain(m *testing.M) { os.Exit(sqltest.Main(m)) }

func rent(date, amount string) *ledger.EntryInput {
	return &ledger.EntryInput{Date: date, Description: "rent", Lines: []ledger.LineInput{
		{Account: "4100", Debit: amount}, {Account: "1000", Credit: amount}}}
}

func mustPost(t *testing.T, st *sqlstore.Store, p *ledger.Principal, e *ledger.Entity, in *ledger.EntryInput) *ledger.Entry {
	t.Helper()
	out, err := st.PostEntry(context.Background(), p, e, in, nil)
	if err != nil {
		t.Fatalf("post: %v", err)
	}
	return out.Entry
}

func mustVerify(t *testing.T, st *sqlstore.Store) {
	t.Helper()
	r, err := st.Verify(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Breaches) > 0 {
		t.Fatalf("verify found breaches: %v", r.Breaches)
	}
}

func TestPostNumbersAndBalances(t *testing.T) {
	t.Parallel()
	st := sqltest.Open(t)
	ctx := context.Background()
	ent, p := sqltest.Entity(t, st, "Numbers BV")
	a := mustPost(t, st, p, ent, rent("2026-03-31", "1200.00"))
	b := mustPost(t, st, p, ent, rent("2026-04-30", "1200.00"))
	c := mustPost(t, st, p, ent, rent("2027-01-31", "1300.00"))
	if a.NumberText() != "2026-000001" || b.NumberText() != "2026-000002" || c.NumberText() != "2027-000001" {
		t.Fatalf("numbers %s %s %s; want 2026-000001, 2026-000002, 2027-000001", a.NumberText(), b.NumberText(), c.NumberText())
	}
	bank, err := st.Account(ctx, ent.ID, "1000")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		asOf string
		want int64
	}{
		{"2026-03-30", 0}, {"2026-03-31", -120000}, {"2026-04-29", -120000}, {"2026-04-30", -240000},
		{"2026-12-31", -240000}, {"2027-01-31", -370000}, {"2030-01-01", -370000},
	} {
		d, _ := ledger.ParseDate(tc.asOf)
		bal, err := st.Balances(ctx, ent.ID, d, bank.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := bal[bank.ID].Net(); got != tc.want {
			t.Errorf("bank as of %s = %d; want %d", tc.asOf, got, tc.want)
		}
	}
	mustVerify(t, st)
}

// TestBalancesMatchLinesAtRandomDates posts entries on random dates and
// checks that the balance read from the stored totals equals the sum of the
// lines up to each date, including dates before the first and after the
// last entry.
func TestBalancesMatchLinesAtRandomDates(t *testing.T) {
	t.Parallel()
	st := sqltest.Open(t)
	ctx := context.Background()
	ent, p := sqltest.Entity(t, st, "Random Dates BV")
	r := rand.New(rand.NewPCG(1, 2))
	start := ledger.NewDate(2025, 1, 1)
	type posted struct {
		date   ledger.Date
		amount int64
	}
	var all []posted
	for range 120 {
		d := start.AddDays(r.IntN(730))
		amt := int64(1 + r.IntN(100000))
		mustPost(t, st, p, ent, rent(d.String(), fmt.Sprintf("%d.%02d", amt/100, amt%100)))
		all = append(all, posted{d, amt})
	}
	rentAcc, _ := st.Account(ctx, ent.ID, "4100")
	for range 60 {
		asOf := start.AddDays(r.IntN(800) - 30)
		var want int64
		for _, x := range all {
			if !x.date.After(asOf) {
				want += x.amount
			}
		}
		bal, err := st.Balances(ctx, ent.ID, asOf, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got := bal[rentAcc.ID].Net(); got != want {
			t.Fatalf("rent as of %s = %d; lines sum to %d", asOf, got, want)
		}
	}
	mustVerify(t, st)
}

// TestDatabaseRefusesBreaches breaks the laws with raw SQL and expects the
// database itself to refuse.
func TestDatabaseRefusesBreaches(t *testing.T) {
	t.Parallel()
	st := sqltest.Open(t)
	ent, p := sqltest.Entity(t, st, "Laws BV")
	e := mustPost(t, st, p, ent, rent("2026-03-31", "1200.00"))
	db := st.DB()
	ph := func(n int) string { // placeholders differ per driver
		if st.Dialect() == sqlstore.Postgres {
			return fmt.Sprintf("$%d", n)
		}
		return "?"
	}
	// Law 2: posted entries and lines never change (BOL01, the triggers
	// journal_entries_immutable/journal_lines_immutable/journal_lines_entry_open
	// on PostgreSQL, journal_*_no_update/_no_delete/journal_lines_entry_open on
	// SQLite).
	for name, q := range map[string]string{
		"update line":  `UPDATE journal_lines SET debit_minor = debit_minor + 1 WHERE entity_id = ` + ph(1) + ` AND entry_id = ` + ph(2),
		"delete line":  `DELETE FROM journal_lines WHERE entity_id = ` + ph(1) + ` AND entry_id = ` + ph(2),
		"update entry": `UPDATE journal_entries SET description = 'changed' WHERE entity_id = ` + ph(1) + ` AND id = ` + ph(2),
		"delete entry": `DELETE FROM journal_entries WHERE entity_id = ` + ph(1) + ` AND id = ` + ph(2),
		"add a line": `INSERT INTO journal_lines (entity_id, entry_id, line_no, account_id, date, debit_minor, credit_minor, currency, amount_minor)
			SELECT entity_id, entry_id, 3, account_id, date, 1, 0, currency, 1 FROM journal_lines WHERE entity_id = ` + ph(1) + ` AND entry_id = ` + ph(2) + ` AND line_no = 1`,
	} {
		_, err := db.Exec(q, ent.ID, e.ID)
		sqltest.WantRefused(t, name, err, "BOL01")
		if err != nil {
			if le := ledger.As(sqlstore.Translate(err)); le.Reason != "entry_immutable" {
				t.Errorf("%s: translated to %q; want entry_immutable", name, le.Reason)
			}
		}
	}

	// An unbalanced entry inserted by hand, lines first as the store does,
	// on a connection of its own so that a refused COMMIT can be rolled back
	// (SQLite keeps the transaction open when it refuses a COMMIT).
	rentID, bankID := accountID(t, st, ent.ID, "4100"), accountID(t, st, ent.ID, "1000")
	insLine := `INSERT INTO journal_lines (entity_id, entry_id, line_no, account_id, date, debit_minor, credit_minor, currency, amount_minor)
		VALUES (` + ph(1) + `, 999, ` + ph(2) + `, ` + ph(3) + `, '2026-05-01', ` + ph(4) + `, ` + ph(5) + `, 'EUR', ` + ph(6) + `)`
	insEntry := `INSERT INTO journal_entries (entity_id, id, fiscal_year, number, date, description, currency, total_minor, line_count, created_at, created_by)
		VALUES (` + ph(1) + `, 999, 2026, 99, '2026-05-01', 'unbalanced', 'EUR', 100, 2, '2026-05-01 00:00:00', 1)`
	inTx := func(stmts func(exec func(q string, args ...any) error) error) error {
		ctx := context.Background()
		conn, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		defer conn.ExecContext(ctx, "ROLLBACK")
		if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
			t.Fatal(err)
		}
		if err := stmts(func(q string, args ...any) error { _, err := conn.ExecContext(ctx, q, args...); return err }); err != nil {
			return err
		}
		_, err = conn.ExecContext(ctx, "COMMIT")
		return err
	}
	err := inTx(func(exec func(string, ...any) error) error {
		if err := exec(insLine, ent.ID, 1, rentID, 100, 0, 100); err != nil {
			t.Fatal(err)
		}
		if err := exec(insLine, ent.ID, 2, bankID, 0, 99, 99); err != nil {
			t.Fatal(err)
		}
		return exec(insEntry, ent.ID)
	})
	sqltest.WantRefused(t, "an unbalanced entry", err, "BOL02") // law 1: journal_entries_check
	// Lines whose entry never comes are refused at commit: their deferred
	// foreign key to journal_entries.
	err = inTx(func(exec func(string, ...any) error) error {
		return exec(insLine, ent.ID, 1, rentID, 100, 0, 100)
	})
	sqltest.WantRefused(t, "a line without an entry", err, "23503")
	mustVerify(t, st)
}

func accountID(t *testing.T, st *sqlstore.Store, entityID int64, code string) int64 {
	t.Helper()
	a, err := st.Account(context.Background(), entityID, code)
	if err != nil {
		t.Fatal(err)
	}
	return a.ID
}

func TestVerifyReportsBreaches(t *testing.T) {
	t.Parallel()
	st := sqltest.Open(t)
	ent, p := sqltest.Entity(t, st, "Verify BV")
	mustPost(t, st, p, ent, rent("2026-03-31", "10.00"))
	mustVerify(t, st)
	// Totals are not protected by triggers; tamper with one and with a
	// counter, and verify must say so.
	if _, err := st.DB().Exec(`UPDATE account_totals SET debit_minor = debit_minor + 1 WHERE grain = 'd'`); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().Exec(`UPDATE counters SET value = value + 1 WHERE series = 'entry'`); err != nil {
		t.Fatal(err)
	}
	r, err := st.Verify(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var law3, law7 bool
	for _, b := range r.Breaches {
		law3 = law3 || b[:5] == "law 3"
		law7 = law7 || b[:5] == "law 7"
	}
	if !law3 || !law7 {
		t.Fatalf("verify breaches = %v; want law 3 and law 7", r.Breaches)
	}
}

// TestConcurrentPosting: 50 goroutines each post 20 entries to the same two
// accounts of one entity. All 1,000 are posted, numbered 1..1000 without a
// gap or a duplicate, the balances are exact and verify passes.
func TestConcurrentPosting(t *testing.T) {
	t.Parallel()
	st := sqltest.Open(t)
	ctx := context.Background()
	ent, p := sqltest.Entity(t, st, "Concurrent BV")
	const workers, each = 50, 20
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	numbers := make(chan int64, workers*each)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				amount := fmt.Sprintf("%d.%02d", w+1, i)
				var e *ledger.Entry
				var err error
				for range 5 { // a busy database asks for a retry
					var out *ledger.Posted
					out, err = st.PostEntry(ctx, p, ent, rent("2026-06-15", amount), nil)
					if err == nil {
						e = out.Entry
					}
					if !ledger.IsCode(err, ledger.CodeUnavailable) {
						break
					}
				}
				if err != nil {
					errs <- err
					continue
				}
				numbers <- e.Number
			}
		}()
	}
	wg.Wait()
	close(errs)
	close(numbers)
	for err := range errs {
		t.Fatalf("post failed: %v", err)
	}
	seen := map[int64]bool{}
	for n := range numbers {
		if seen[n] {
			t.Fatalf("number %d drawn twice", n)
		}
		seen[n] = true
	}
	for n := int64(1); n <= workers*each; n++ {
		if !seen[n] {
			t.Fatalf("number %d missing", n)
		}
	}
	var want int64
	for w := range workers {
		for i := range each {
			want += int64(w+1)*100 + int64(i)
		}
	}
	bank := accountID(t, st, ent.ID, "1000")
	bal, err := st.Balances(ctx, ent.ID, ledger.NewDate(2026, 12, 31), bank)
	if err != nil {
		t.Fatal(err)
	}
	if got := bal[bank].Net(); got != -want {
		t.Fatalf("bank balance %d; want %d", got, -want)
	}
	mustVerify(t, st)
}

// TestRolledBackPostLeavesNoGap: a post that fails inside its transaction
// gives its number back.
func TestRolledBackPostLeavesNoGap(t *testing.T) {
	t.Parallel()
	st := sqltest.Open(t)
	ctx := context.Background()
	ent, p := sqltest.Entity(t, st, "Rollback BV")
	mustPost(t, st, p, ent, rent("2026-01-10", "1.00"))
	err := st.Write(ctx, func(tx *sqlstore.Tx) error {
		if _, err := st.In(tx).PostEntry(ctx, p, ent, rent("2026-01-11", "2.00"), nil); err != nil {
			return err
		}
		return fmt.Errorf("caller gives up")
	})
	if err == nil {
		t.Fatal("Write did not return the error")
	}
	e := mustPost(t, st, p, ent, rent("2026-01-12", "3.00"))
	if e.Number != 2 {
		t.Fatalf("number after a rolled-back post = %d; want 2", e.Number)
	}
	mustVerify(t, st)
}

func TestReverse(t *testing.T) {
	t.Parallel()
	st := sqltest.Open(t)
	ctx := context.Background()
	ent, p := sqltest.Entity(t, st, "Reverse BV")
	e := mustPost(t, st, p, ent, rent("2026-03-31", "50.00"))
	posted, err := st.ReverseEntry(ctx, p, ent, e.ID, ledger.NewDate(2026, 4, 1), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	r := posted.Entry
	if r.ReversesID == nil || *r.ReversesID != e.ID || r.Lines[0].CreditMinor != e.Lines[0].DebitMinor {
		t.Fatalf("reversal %+v does not mirror %+v", r, e)
	}
	_, err = st.ReverseEntry(ctx, p, ent, e.ID, ledger.NewDate(2026, 4, 2), "", nil)
	if le := ledger.As(err); le.Reason != "entry_already_reversed" {
		t.Fatalf("second reversal: %v; want entry_already_reversed", err)
	}
	_, err = st.ReverseEntry(ctx, p, ent, r.ID, ledger.NewDate(2026, 3, 1), "", nil)
	if le := ledger.As(err); le.Reason != "reversal_before_original" {
		t.Fatalf("early reversal: %v; want reversal_before_original", err)
	}
	got, err := st.Entry(ctx, ent.ID, e.ID)
	if err != nil || got.ReversedBy == nil || *got.ReversedBy != r.ID {
		t.Fatalf("original's reversed_by = %v, %v", got, err)
	}
	bal, _ := st.Balances(ctx, ent.ID, ledger.NewDate(2026, 12, 31), 0)
	for id, tot := range bal {
		if tot.Net() != 0 {
			t.Errorf("account %d nets %d after reversal; want 0", id, tot.Net())
		}
	}
	mustVerify(t, st)
}

func TestLockDate(t *testing.T) {
	t.Parallel()
	st := sqltest.Open(t)
	ctx := context.Background()
	ent, admin := sqltest.Entity(t, st, "Lock BV")
	e := mustPost(t, st, admin, ent, rent("2026-03-31", "50.00"))
	acct := &ledger.Principal{ActorID: admin.ActorID, KeyID: admin.KeyID, Role: ledger.RoleAccountant, Entities: []int64{ent.ID}}
	lock := ledger.NewDate(2026, 3, 31)
	ent, err := st.SetLockDate(ctx, acct, ent.ID, &lock)
	if err != nil {
		t.Fatal(err)
	}
	for _, date := range []string{"2026-03-31", "2026-01-01"} {
		_, err := st.PostEntry(ctx, acct, ent, rent(date, "1.00"), nil)
		if le := ledger.As(err); le.Reason != "period_locked" {
			t.Errorf("post on %s: %v; want period_locked", date, err)
		}
	}
	if _, err := st.ReverseEntry(ctx, acct, ent, e.ID, lock, "", nil); ledger.As(err).Reason != "period_locked" {
		t.Errorf("reverse on the lock date: %v; want period_locked", err)
	}
	mustPost(t, st, acct, ent, rent("2026-04-01", "1.00"))
	// Moving the lock date back is for admins only.
	earlier := ledger.NewDate(2026, 1, 31)
	if _, err := st.SetLockDate(ctx, acct, ent.ID, &earlier); ledger.As(err).Reason != "lock_date_backwards" {
		t.Errorf("accountant moving lock date back: %v; want lock_date_backwards", err)
	}
	if _, err := st.SetLockDate(ctx, admin, ent.ID, &earlier); err != nil {
		t.Errorf("admin moving lock date back: %v", err)
	}
	// The database refuses a locked date even if the Go check is bypassed
	// with a stale entity.
	stale := *ent
	stale.LockDate = nil
	later := ledger.NewDate(2026, 6, 30)
	if _, err := st.SetLockDate(ctx, admin, ent.ID, &later); err != nil {
		t.Fatal(err)
	}
	if _, err := st.PostEntry(ctx, acct, &stale, rent("2026-05-01", "1.00"), nil); ledger.As(err).Reason != "period_locked" {
		t.Errorf("post with a stale entity: %v; want period_locked from the database", err)
	}
	mustVerify(t, st)
}

// TestTotalsOverflowIsRefused: a total past int64 is refused on both
// databases (SQLite would otherwise turn it into a float), and the balances
// stay readable.
func TestTotalsOverflowIsRefused(t *testing.T) {
	t.Parallel()
	st := sqltest.Open(t)
	ctx := context.Background()
	ent, p := sqltest.Entity(t, st, "Overflow BV")
	mustPost(t, st, p, ent, rent("2026-03-31", "1.00"))
	// Bring the stored totals near the limit; no trigger guards totals, which
	// is why verify checks them.
	if _, err := st.DB().Exec(`UPDATE account_totals SET debit_minor = 9223372036854775000 WHERE debit_minor > 0`); err != nil {
		t.Fatal(err)
	}
	_, err := st.PostEntry(ctx, p, ent, rent("2026-03-31", "100.00"), nil)
	if le := ledger.As(err); le.Reason != "amount_too_large" {
		t.Fatalf("post past the limit: %v; want amount_too_large", err)
	}
	var kind string
	q := `SELECT typeof(debit_minor) FROM account_totals WHERE debit_minor > 0 LIMIT 1`
	if st.Dialect() == sqlstore.Postgres {
		q = `SELECT pg_typeof(debit_minor)::text FROM account_totals WHERE debit_minor > 0 LIMIT 1`
	}
	if err := st.DB().QueryRow(q).Scan(&kind); err != nil || (kind != "integer" && kind != "bigint") {
		t.Fatalf("stored total is of type %q (%v); want an integer", kind, err)
	}
	if _, err := st.Balances(ctx, ent.ID, ledger.NewDate(2026, 12, 31), 0); err != nil {
		t.Fatalf("balances after a refused overflow: %v", err)
	}
}

// TestVerifyWhilePosting: verify reads one snapshot, so posts committing
// while it runs never look like breaches.
func TestVerifyWhilePosting(t *testing.T) {
	t.Parallel()
	st := sqltest.Open(t)
	ctx := context.Background()
	ent, p := sqltest.Entity(t, st, "Live BV")
	done := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				if _, err := st.PostEntry(ctx, p, ent, rent("2026-06-15", "3.43"), nil); err != nil && !ledger.IsCode(err, ledger.CodeUnavailable) {
					t.Error(err)
					return
				}
			}
		}()
	}
	for range 15 {
		r, err := st.Verify(ctx)
		if err != nil {
			t.Error(err)
			break
		}
		if len(r.Breaches) > 0 {
			t.Errorf("verify during posting found %v", r.Breaches)
			break
		}
	}
	close(done)
	wg.Wait()
	mustVerify(t, st)
}

// TestSearchFoldsUnicode: the text filter ignores case beyond ASCII on
// both databases.
func TestSearchFoldsUnicode(t *testing.T) {
	t.Parallel()
	st := sqltest.Open(t)
	ctx := context.Background()
	ent, p := sqltest.Entity(t, st, "Search BV")
	in := rent("2026-03-31", "1.00")
	in.Description = "École Ünïcode Ærø"
	mustPost(t, st, p, ent, in)
	mustPost(t, st, p, ent, rent("2026-03-31", "2.00"))
	for _, q := range []string{"école", "ÉCOLE", "ünï", "ærø", "ÆRØ"} {
		got, err := st.Entries(ctx, ent.ID, ledger.EntryFilter{Text: q, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Description != in.Description {
			t.Errorf("search %q found %d entries; want the one", q, len(got))
		}
	}
}

// TestFiscalYearNumbering: with a July start, numbering restarts on 1 July
// and an entry is numbered in the fiscal year its date falls in.
func TestFiscalYearNumbering(t *testing.T) {
	t.Parallel()
	st := sqltest.Open(t)
	ctx := context.Background()
	_, admin := sqltest.Entity(t, st, "Other BV")
	name, cur, tmpl, july := "July BV", "EUR", "standard", 7
	ent, err := st.CreateEntity(ctx, admin, &ledger.EntityInput{Name: &name, Currency: &cur, ChartTemplate: &tmpl, FiscalYearStartMonth: &july})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range []string{"2026-06-30", "2026-07-01", "2027-06-30", "2026-05-01", "2027-07-01"} {
		got = append(got, mustPost(t, st, admin, ent, rent(d, "1.00")).NumberText())
	}
	want := "2025-000001 2026-000001 2026-000002 2025-000002 2027-000001"
	if g := fmt.Sprint(got); g != "["+want+"]" {
		t.Fatalf("numbers %s; want %s", g, want)
	}
	mustVerify(t, st)
}

// TestAccountLedgerPages: a general ledger read page by page has a running
// balance that continues across pages and ends on the account's balance.
func TestAccountLedgerPages(t *testing.T) {
	t.Parallel()
	st := sqltest.Open(t)
	ctx := context.Background()
	ent, p := sqltest.Entity(t, st, "Ledger BV")
	mustPost(t, st, p, ent, rent("2025-12-31", "5.00")) // before the period: the opening balance
	for i := range 7 {
		mustPost(t, st, p, ent, rent(fmt.Sprintf("2026-0%d-15", 1+i%5), fmt.Sprintf("%d.00", i+1)))
	}
	bank := accountID(t, st, ent.ID, "1000")
	from, to := ledger.NewDate(2026, 1, 1), ledger.NewDate(2026, 12, 31)
	var after *ledger.LedgerCursor
	var seen int
	running := int64(0)
	for page := 0; ; page++ {
		opening, lines, err := st.AccountLedger(ctx, ent.ID, bank, from, to, after, 3)
		if err != nil {
			t.Fatal(err)
		}
		if page == 0 {
			if opening != -500 {
				t.Fatalf("opening balance %d; want -500", opening)
			}
			running = opening
		} else if opening != running {
			t.Fatalf("page %d opens with %d; the previous page closed on %d", page, opening, running)
		}
		n := min(len(lines), 3)
		for _, l := range lines[:n] {
			running += l.DebitMinor - l.CreditMinor
			seen++
		}
		if len(lines) <= 3 {
			break
		}
		last := lines[n-1]
		after = &ledger.LedgerCursor{Date: last.Date, EntryID: last.EntryID, LineNo: last.LineNo}
	}
	bal, err := st.Balances(ctx, ent.ID, to, bank)
	if err != nil {
		t.Fatal(err)
	}
	if seen != 7 || running != bal[bank].Net() {
		t.Fatalf("read %d lines ending on %d; want 7 ending on the balance %d", seen, running, bal[bank].Net())
	}
}

// Optimize gives SQLite the planner statistics it does not gather itself.
func TestOptimize(t *testing.T) {
	st := sqltest.Open(t)
	if err := st.Optimize(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st.Dialect() != sqlstore.SQLite {
		return
	}
	var n int
	if err := st.DB().QueryRow(`SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("no statistics table after Optimize: %d %v", n, err)
	}
}
