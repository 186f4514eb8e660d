package reports_test

import (
	"testing"

	"backoffice/ledger"
	"backoffice/ledger/reports"
)

// yearResult is the income statement's result for a whole fiscal year.
func (b *books) yearResult(y int) int64 {
	b.t.Helper()
	first, last := reports.YearBounds(y, b.ent.FiscalYearStartMonth)
	is, err := reports.BuildIncomeStatement(ctx, b.st, b.ent, reports.Period{From: first, To: last}, reports.Period{}, false)
	if err != nil {
		b.t.Fatal(err)
	}
	return minor(b.t, is.Result)
}

// close closes fiscal year y and records the closing entry's lines.
func (b *books) close(y int, retained string) (*ledger.FiscalYearClose, *ledger.Entry) {
	b.t.Helper()
	c, e, err := b.st.CloseFiscalYear(ctx, b.p, b.ent, &ledger.CloseInput{FiscalYear: y, RetainedEarnings: retained})
	if err != nil {
		b.t.Fatalf("close %d: %v", y, err)
	}
	if e != nil {
		b.record(e)
	}
	b.reload()
	return c, e
}

func (b *books) fiscalYears() map[int]reports.FiscalYear {
	b.t.Helper()
	list, err := reports.ListFiscalYears(ctx, b.st, b.ent)
	if err != nil {
		b.t.Fatal(err)
	}
	out := map[int]reports.FiscalYear{}
	for _, y := range list.Data {
		out[y.FiscalYear] = y
	}
	return out
}

// wantReason fails unless err is a ledger error with the code and reason.
func wantReason(t *testing.T, err error, code ledger.Code, reason string) {
	t.Helper()
	if e := ledger.As(err); err == nil || e.Code != code || string(e.Reason) != reason {
		t.Fatalf("want %s/%s, got %v", code, reason, err)
	}
}

// balanceSheet builds a balance sheet and checks that it balances.
func (b *books) balanceSheet(asOf ledger.Date) *reports.BalanceSheet {
	b.t.Helper()
	bs, err := reports.BuildBalanceSheet(ctx, b.st, b.ent, asOf, ledger.Date{}, true)
	if err != nil {
		b.t.Fatal(err)
	}
	checkBalanceSheet(b.t, b, b.chart(), bs, asOf)
	return bs
}

func equity(bs *reports.BalanceSheet) (accounts map[string][2]string, result *reports.EquityResult) {
	accounts = map[string][2]string{}
	for _, g := range bs.LiabilitiesAndEquity.Groups {
		if g.Type == ledger.Equity {
			flatten(g.Accounts, accounts)
			result = g.Result
		}
	}
	return accounts, result
}

// Closing a year posts one entry that zeroes the year's revenue and expense
// accounts into retained earnings and locks the year; the income statement
// of the year still shows its result; the next year opens with retained
// earnings grown by it and its own result starting from zero. A year is
// closed once; reversing its closing entry (after an admin moved the lock
// date back) opens it again.
func TestCloseFiscalYear(t *testing.T) {
	t.Parallel()
	b := randomBooks(t, "Close BV", 1, 41, 150)
	chart := b.chart()
	y24first, y24last := reports.YearBounds(2024, 1)
	y25first, y25last := reports.YearBounds(2025, 1)

	res24 := b.yearResult(2024)
	if res24 != result(chart, b.sqlSums(y24first, y24last)) {
		t.Fatalf("2024 result %d; its lines say %d", res24, result(chart, b.sqlSums(y24first, y24last)))
	}
	years := b.fiscalYears()
	if y := years[2024]; y.Status != "open" || minor(t, y.Result) != res24 || y.ClosingEntryID != nil {
		t.Fatalf("2024 before the close: %+v", y)
	}

	c, e := b.close(2024, "")
	if e == nil || c.EntryID == nil || *c.EntryID != e.ID || c.ResultMinor != res24 || c.RetainedEarnings != "2100" {
		t.Fatalf("close 2024: %+v %+v", c, e)
	}
	if e.Date != y24last || e.FiscalYear != 2024 || e.CreatedBy != b.p.KeyID {
		t.Fatalf("closing entry dated %s in %d by %d", e.Date, e.FiscalYear, e.CreatedBy)
	}
	// The year's revenue and expense accounts are at zero; retained
	// earnings took the result.
	year := b.sqlSums(y24first, y24last)
	for code, typ := range chart {
		if (typ == ledger.Revenue || typ == ledger.Expense) && year.net(code) != 0 {
			t.Fatalf("account %s nets %d over 2024 after the close", code, year.net(code))
		}
	}
	if got := -b.sqlSums(ledger.Date{}, y24last).net("2100"); got != res24 {
		t.Fatalf("retained earnings %d after the close, result %d", got, res24)
	}
	if b.ent.LockDate == nil || *b.ent.LockDate != y24last {
		t.Fatalf("lock date %v after the close", b.ent.LockDate)
	}
	// The closed year's income statement still shows the year's result
	// (closing entry left out), and so does the list of years.
	if got := b.yearResult(2024); got != res24 {
		t.Fatalf("2024 result after the close: %d, want %d", got, res24)
	}
	first24, last24 := reports.YearBounds(2024, 1)
	is, err := reports.BuildIncomeStatement(ctx, b.st, b.ent, reports.Period{From: first24, To: last24}, reports.Period{}, false)
	if err != nil {
		t.Fatal(err)
	}
	checkIncomeStatement(t, b, chart, is, reports.Period{From: first24, To: last24}, 0, e.ID)
	years = b.fiscalYears()
	if y := years[2024]; y.Status != "closed" || minor(t, y.Result) != res24 || y.ClosingEntryID == nil || *y.ClosingEntryID != e.ID ||
		y.RetainedEarnings == nil || *y.RetainedEarnings != "2100" || y.ClosedBy == nil || *y.ClosedBy != b.p.KeyID || y.ClosedAt == nil {
		t.Fatalf("2024 after the close: %+v", y)
	}
	if y := years[2025]; y.Status != "open" {
		t.Fatalf("2025: %+v", y)
	}
	for fy, y := range years {
		var n int64
		if err := b.st.Query(ctx).DB().Raw(`SELECT count(*) FROM journal_entries WHERE entity_id = ? AND fiscal_year = ?`, b.ent.ID, fy).Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		if y.Entries != n {
			t.Fatalf("year %d: %d entries listed, %d in the database", fy, y.Entries, n)
		}
	}

	// The next year opens from the close: retained earnings up by the
	// result, no earlier result left, this year's result from its own lines.
	for _, d := range []ledger.Date{y25first, y25first.AddDays(40), y25last} {
		bs := b.balanceSheet(d)
		acc, res := equity(bs)
		if minor(t, acc["2100"][0]) != res24 || minor(t, res.EarlierYears) != 0 ||
			minor(t, res.CurrentYear) != result(chart, b.sqlSums(y25first, d)) {
			t.Fatalf("as of %s: retained earnings %s, earlier %s, current %s; want %d, 0, %d", d, acc["2100"][0], res.EarlierYears, res.CurrentYear,
				res24, result(chart, b.sqlSums(y25first, d)))
		}
	}
	res25 := b.yearResult(2025)
	if res25 != result(chart, b.sqlSums(y25first, y25last)) {
		t.Fatalf("2025 result %d, its lines say %d", res25, result(chart, b.sqlSums(y25first, y25last)))
	}
	// Before 2025 is closed, its result shows as an earlier year's in 2026.
	_, res := equity(b.balanceSheet(date("2026-02-01")))
	if minor(t, res.EarlierYears) != res25 {
		t.Fatalf("2026: earlier years %s, want 2025's result %d", res.EarlierYears, res25)
	}

	// Twice is refused, and so is a year not yet ended or a closing date
	// other than the year's last day.
	_, _, err = b.st.CloseFiscalYear(ctx, b.p, b.ent, &ledger.CloseInput{FiscalYear: 2024})
	wantReason(t, err, ledger.CodeConflict, "fiscal_year_closed")
	_, _, err = b.st.CloseFiscalYear(ctx, b.p, b.ent, &ledger.CloseInput{FiscalYear: 9000})
	wantReason(t, err, ledger.CodeInvalid, "year_not_ended")
	_, _, err = b.st.CloseFiscalYear(ctx, b.p, b.ent, &ledger.CloseInput{FiscalYear: 2025, Date: date("2025-12-30")})
	wantReason(t, err, ledger.CodeInvalid, "closing_date_invalid")

	c25, e25 := b.close(2025, "2100")
	if c25.ResultMinor != res25 || e25 == nil {
		t.Fatalf("close 2025: %+v", c25)
	}
	acc, res := equity(b.balanceSheet(date("2026-02-01")))
	if minor(t, acc["2100"][0]) != res24+res25 || minor(t, res.EarlierYears) != 0 {
		t.Fatalf("2026 after closing 2025: retained earnings %s, earlier %s", acc["2100"][0], res.EarlierYears)
	}

	// Reopen 2025: an admin moves the lock date back and reverses the
	// closing entry. The year is open again, its result unchanged (the
	// closing entry and its reversal are both left out), and shows as an
	// earlier year's result in 2026 again; then it is closed anew.
	prev := y24last
	if _, err := b.st.SetLockDate(ctx, b.p, b.ent.ID, &prev); err != nil {
		t.Fatal(err)
	}
	b.reload()
	rev, err := b.st.ReverseEntry(ctx, b.p, b.ent, e25.ID, y25last, "reopen 2025", nil)
	if err != nil {
		t.Fatal(err)
	}
	b.record(rev.Entry)
	if y := b.fiscalYears()[2025]; y.Status != "open" || minor(t, y.Result) != res25 {
		t.Fatalf("2025 after reversing its close: %+v", y)
	}
	if got := b.yearResult(2025); got != res25 {
		t.Fatalf("2025 result after reversing the close: %d, want %d", got, res25)
	}
	_, res = equity(b.balanceSheet(date("2026-02-01")))
	if minor(t, res.EarlierYears) != res25 {
		t.Fatalf("2026 after reopening 2025: earlier years %s, want %d", res.EarlierYears, res25)
	}
	c25b, e25b := b.close(2025, "")
	if c25b.ResultMinor != res25 || e25b == nil || e25b.ID == e25.ID {
		t.Fatalf("second close of 2025: %+v %+v", c25b, e25b)
	}
	if y := b.fiscalYears()[2025]; y.Status != "closed" || *y.ClosingEntryID != e25b.ID {
		t.Fatalf("2025 closed again: %+v", y)
	}
	mustVerify(t, b)
}

// The edges of a close: a year with nothing to close is locked with no
// entry; a year behind the lock date, a missing or wrong retained earnings
// account and an archived account with a balance are refused, and nothing
// is written then; fiscal years that start in July close on June 30.
func TestCloseEdges(t *testing.T) {
	t.Parallel()
	t.Run("nothing to close", func(t *testing.T) {
		t.Parallel()
		b := newBooks(t, "Empty BV", 1, "en")
		c, e := b.close(2023, "")
		if e != nil || c.EntryID != nil || c.ResultMinor != 0 {
			t.Fatalf("close of an empty year: %+v %+v", c, e)
		}
		if b.ent.LockDate == nil || b.ent.LockDate.String() != "2023-12-31" {
			t.Fatalf("lock date %v", b.ent.LockDate)
		}
		y := b.fiscalYears()[2023]
		if y.Status != "closed" || y.Entries != 0 || y.ClosingEntryID != nil || y.Result != "0.00" {
			t.Fatalf("empty year: %+v", y)
		}
		// A balance sheet account's lines are nothing to close either.
		b.post("2024-05-01", "capital", line{"1000", 100}, line{"2000", -100})
		if _, e := b.close(2024, ""); e != nil {
			t.Fatalf("closing entry %+v for a year without results", e)
		}
		mustVerify(t, b)
	})
	t.Run("refusals", func(t *testing.T) {
		t.Parallel()
		b := newBooks(t, "Refusals BV", 1, "en")
		b.post("2024-05-01", "sale", line{"1000", 12100}, line{"8000", -10000}, line{"1700", -2100})
		b.post("2024-06-01", "rent", line{"4210", 5000}, line{"1000", -5000})
		// refused runs a close that must fail and checks that it wrote nothing.
		refused := func(in *ledger.CloseInput, reason string) {
			t.Helper()
			before := b.snapshot()
			_, _, err := b.st.CloseFiscalYear(ctx, b.p, b.ent, in)
			wantReason(t, err, ledger.CodeInvalid, reason)
			if after := b.snapshot(); after != before {
				t.Fatalf("a refused close (%s) wrote:\n%s\n%s", reason, before, after)
			}
		}
		refused(&ledger.CloseInput{FiscalYear: 2024, RetainedEarnings: "1000"}, "account_type_invalid")
		refused(&ledger.CloseInput{FiscalYear: 2024, RetainedEarnings: "2999"}, "account_not_found")
		if _, err := b.st.ArchiveAccount(ctx, b.p, b.ent.ID, "4210"); err != nil {
			t.Fatal(err)
		}
		refused(&ledger.CloseInput{FiscalYear: 2024}, "account_archived")
		if _, err := b.st.UnarchiveAccount(ctx, b.p, b.ent.ID, "4210"); err != nil {
			t.Fatal(err)
		}
		lock := date("2025-01-31")
		if _, err := b.st.SetLockDate(ctx, b.p, b.ent.ID, &lock); err != nil {
			t.Fatal(err)
		}
		b.reload()
		refused(&ledger.CloseInput{FiscalYear: 2024}, "period_locked")
	})
	t.Run("no retained earnings account", func(t *testing.T) {
		t.Parallel()
		st := newBooks(t, "Chartless BV", 1, "en").st
		k, _, err := st.CreateKey(ctx, nil, &ledger.KeyInput{Name: "admin 2", Role: ledger.RoleAdmin})
		if err != nil {
			t.Fatal(err)
		}
		p := &ledger.Principal{ActorID: k.ActorID, KeyID: k.ID, Role: ledger.RoleAdmin}
		name, cur := "Own chart BV", "EUR"
		ent, err := st.CreateEntity(ctx, p, &ledger.EntityInput{Name: &name, Currency: &cur})
		if err != nil {
			t.Fatal(err)
		}
		b := &books{t: t, st: st, ent: ent, p: p}
		b.account("100", "Bank", ledger.Asset, "")
		b.account("800", "Sales", ledger.Revenue, "")
		b.account("300", "Reserves", ledger.Equity, "")
		b.post("2024-03-01", "sale", line{"100", 500}, line{"800", -500})
		_, _, err = b.st.CloseFiscalYear(ctx, b.p, b.ent, &ledger.CloseInput{FiscalYear: 2024})
		wantReason(t, err, ledger.CodeInvalid, "retained_earnings_required")
		c, e := b.close(2024, "300")
		if e == nil || c.ResultMinor != 500 || -b.sqlSums(ledger.Date{}, date("2024-12-31")).net("300") != 500 {
			t.Fatalf("close into 300: %+v %+v", c, e)
		}
	})
	t.Run("fiscal year from July", func(t *testing.T) {
		t.Parallel()
		b := newBooks(t, "July BV", 7, "nl")
		b.post("2024-06-30", "june sale", line{"1000", 100}, line{"8000", -100})
		b.post("2024-07-01", "july sale", line{"1000", 300}, line{"8000", -300})
		b.post("2025-06-30", "june rent", line{"4100", 50}, line{"1000", -50})
		b.post("2025-07-01", "july rent", line{"4100", 70}, line{"1000", -70})
		// Years close in order: 2023 (July 2023 to June 2024) holds a result.
		before := b.snapshot()
		_, _, err := b.st.CloseFiscalYear(ctx, b.p, b.ent, &ledger.CloseInput{FiscalYear: 2024})
		wantReason(t, err, ledger.CodeConflict, "earlier_year_open")
		if after := b.snapshot(); after != before {
			t.Fatalf("a refused close changed the books:\n%s\n%s", before, after)
		}
		if c, e := b.close(2023, ""); e == nil || c.ResultMinor != 100 || e.Date.String() != "2024-06-30" {
			t.Fatalf("close of fiscal year 2023: %+v %+v", c, e)
		}
		c, e := b.close(2024, "")
		if e == nil || e.Date.String() != "2025-06-30" || e.FiscalYear != 2024 || c.ResultMinor != 250 {
			t.Fatalf("close of fiscal year 2024 (July to June): %+v %+v", c, e)
		}
		if e.Description != "Afsluiting boekjaar 2024: resultaat naar 2100 Overige reserves" {
			t.Errorf("description %q", e.Description)
		}
		acc, res := equity(b.balanceSheet(date("2025-07-01")))
		if acc["2100"][0] != "3.50" || res.CurrentYear != "-0.70" || res.EarlierYears != "0.00" || res.FiscalYearStart != "2025-07-01" {
			t.Fatalf("balance sheet 2025-07-01: retained %v, %+v", acc["2100"], res)
		}
		years := b.fiscalYears()
		if len(years) != 3 || years[2023].Status != "closed" || years[2024].Status != "closed" || years[2025].Status != "open" {
			t.Fatalf("years %+v", years)
		}
		mustVerify(t, b)
	})
}

// snapshot is what a refused close must not change: the entries, the audit
// trail and the lock date.
func (b *books) snapshot() string {
	b.t.Helper()
	var n, a int64
	if err := b.st.Query(ctx).DB().Raw(`SELECT count(*) FROM journal_entries WHERE entity_id = ?`, b.ent.ID).Scan(&n).Error; err != nil {
		b.t.Fatal(err)
	}
	if err := b.st.Query(ctx).DB().Raw(`SELECT count(*) FROM audit_events WHERE entity_id = ?`, b.ent.ID).Scan(&a).Error; err != nil {
		b.t.Fatal(err)
	}
	e, err := b.st.Entity(ctx, b.ent.ID)
	if err != nil {
		b.t.Fatal(err)
	}
	return fmtMinor(n) + " entries, " + fmtMinor(a) + " audit events, lock date " + func() string {
		if e.LockDate == nil {
			return "none"
		}
		return e.LockDate.String()
	}()
}

// Concurrent closes of one year: one closes it, the others are refused;
// one closing entry is posted.
func TestConcurrentCloses(t *testing.T) {
	t.Parallel()
	b := newBooks(t, "Race BV", 1, "en")
	b.post("2024-05-01", "sale", line{"1000", 100}, line{"8000", -100})
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			_, _, err := b.st.CloseFiscalYear(ctx, b.p, b.ent, &ledger.CloseInput{FiscalYear: 2024})
			errs <- err
		}()
	}
	var ok, closed int
	for range 4 {
		switch err := <-errs; {
		case err == nil:
			ok++
		case ledger.As(err).Reason == "fiscal_year_closed":
			closed++
		default:
			t.Errorf("close: %v", err)
		}
	}
	if ok != 1 || closed != 3 {
		t.Fatalf("%d closes succeeded, %d refused as closed", ok, closed)
	}
	var n int64
	if err := b.st.Query(ctx).DB().Raw(`SELECT count(*) FROM journal_entries WHERE entity_id = ? AND date = '2024-12-31'`, b.ent.ID).Scan(&n).Error; err != nil || n != 1 {
		t.Fatalf("%d closing entries (%v)", n, err)
	}
	mustVerify(t, b)
}
