package reports

import (
	"math"
	"math/rand/v2"
	"testing"

	"backoffice/ledger"
	"backoffice/ledger/money"
)

// The fast formatter writes exactly what money.Format writes.
func TestAppendMinorMatchesMoneyFormat(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	values := []int64{0, 1, -1, 9, -9, 10, 99, 100, -100, 101, 123456, -123456, money.MaxMinor, -money.MaxMinor, math.MaxInt64, math.MinInt64}
	for range 2000 {
		values = append(values, r.Int64N(1<<40)-1<<39, r.Int64N(1000)-500)
	}
	for _, exp := range []int{0, 1, 2, 3, 4} {
		for _, v := range values {
			if got, want := string(appendMinor(nil, v, exp)), money.Format(v, exp); got != want {
				t.Fatalf("appendMinor(%d, %d) = %q; money.Format says %q", v, exp, got, want)
			}
		}
	}
	a := newAmounts("JPY")
	if got := a.format(-1234); got != "-1234" {
		t.Errorf("JPY: %q", got)
	}
}

func TestEntryNumberAndCursors(t *testing.T) {
	for _, c := range []struct {
		y int
		n int64
	}{{2026, 1}, {2026, 42}, {1999, 999999}, {2027, 1234567}} {
		if got, want := string(appendEntryNumber(nil, c.y, c.n)), ledger.FormatEntryNumber(c.y, c.n); got != want {
			t.Errorf("appendEntryNumber(%d, %d) = %q, want %q", c.y, c.n, got, want)
		}
	}
	for _, p := range []*LedgerPosition{
		{Account: "8000"},
		{Account: "1000", After: &ledger.LedgerCursor{Date: ledger.NewDate(2026, 3, 31), EntryID: 42, LineNo: 2}},
	} {
		got, err := ParseLedgerPosition(p.String())
		if err != nil || got.String() != p.String() {
			t.Errorf("ledger cursor %q read back as %v (%v)", p.String(), got, err)
		}
	}
	for _, bad := range []string{"", "a b", "1000 2026-13-01 1 1", "1000 2026-01-01 x 1"} {
		if _, err := ParseLedgerPosition(bad); err == nil {
			t.Errorf("ledger cursor %q accepted", bad)
		}
	}
	c, err := ParseJournalCursor(JournalCursorString(ledger.JournalCursor{FiscalYear: 2026, Number: 17}))
	if err != nil || c.FiscalYear != 2026 || c.Number != 17 {
		t.Errorf("journal cursor read back as %v (%v)", c, err)
	}
	if _, err := ParseJournalCursor("x"); err == nil {
		t.Error("journal cursor \"x\" accepted")
	}
}

func TestYearBounds(t *testing.T) {
	for _, c := range []struct {
		y, start    int
		first, last string
	}{
		{2026, 1, "2026-01-01", "2026-12-31"},
		{2026, 7, "2026-07-01", "2027-06-30"},
		{2023, 3, "2023-03-01", "2024-02-29"}, // ends in a leap February
		{2026, 12, "2026-12-01", "2027-11-30"},
	} {
		f, l := YearBounds(c.y, c.start)
		if f.String() != c.first || l.String() != c.last {
			t.Errorf("YearBounds(%d, %d) = %s..%s, want %s..%s", c.y, c.start, f, l, c.first, c.last)
		}
		if f.FiscalYear(c.start) != c.y || l.FiscalYear(c.start) != c.y || l.AddDays(1).FiscalYear(c.start) != c.y+1 {
			t.Errorf("YearBounds(%d, %d) disagrees with Date.FiscalYear", c.y, c.start)
		}
	}
	// One date style per language, as the PDFs write date cells.
	if got := DateText(ledger.NewDate(2026, 3, 1), Dutch); got != "01-03-2026" {
		t.Errorf("Dutch date %q", got)
	}
	if got := AsOfText(ledger.NewDate(2026, 12, 31), Dutch); got != "per 31-12-2026" {
		t.Errorf("Dutch as of %q", got)
	}
	if got := PeriodText(ledger.NewDate(2026, 1, 1), ledger.NewDate(2026, 12, 31), English); got != "1 Jan 2026 to 31 Dec 2026" {
		t.Errorf("English period %q", got)
	}
	// A column heading names a year by its number.
	for _, c := range []struct {
		from, to ledger.Date
		start    int
		nl, en   string
	}{
		{ledger.NewDate(2026, 1, 1), ledger.NewDate(2026, 12, 31), 1, "2026", "2026"},
		{ledger.NewDate(2026, 1, 1), ledger.NewDate(2026, 12, 31), 4, "2026", "2026"},
		{ledger.NewDate(2025, 4, 1), ledger.NewDate(2026, 3, 31), 4, "2025/2026", "2025/2026"},
		{ledger.NewDate(2025, 4, 1), ledger.NewDate(2026, 3, 31), 1, "01-04-2025 t/m 31-03-2026", "1 Apr 2025 to 31 Mar 2026"},
		{ledger.NewDate(2026, 1, 2), ledger.NewDate(2026, 12, 31), 1, "02-01-2026 t/m 31-12-2026", "2 Jan 2026 to 31 Dec 2026"},
	} {
		if got := PeriodHeading(c.from, c.to, c.start, Dutch); got != c.nl {
			t.Errorf("PeriodHeading(%s, %s, %d, nl) = %q, want %q", c.from, c.to, c.start, got, c.nl)
		}
		if got := PeriodHeading(c.from, c.to, c.start, English); got != c.en {
			t.Errorf("PeriodHeading(%s, %s, %d, en) = %q, want %q", c.from, c.to, c.start, got, c.en)
		}
	}
}

// ClosingDraft takes each revenue and expense balance away and puts the
// difference on retained earnings; it refuses what it cannot post.
func TestClosingDraft(t *testing.T) {
	ent := &ledger.Entity{ID: 1, Currency: "EUR", FiscalYearStartMonth: 1, Locale: "nl"}
	acc := func(id int64, code string, typ ledger.AccountType) *ledger.Account {
		return &ledger.Account{ID: id, Code: code, Name: code, Type: typ}
	}
	bank, re, rent, rev, other := acc(1, "1000", ledger.Asset), acc(2, "2100", ledger.Equity), acc(3, "4100", ledger.Expense), acc(4, "8000", ledger.Revenue), acc(5, "8200", ledger.Revenue)
	accounts := []*ledger.Account{bank, re, rent, rev, other}
	year := map[int64]ledger.Totals{
		1: {DebitMinor: 500_00},                      // a balance sheet account: left alone
		3: {DebitMinor: 300_00},                      // rent: debit balance
		4: {DebitMinor: 10_00, CreditMinor: 1000_00}, // revenue: credit balance
		5: {DebitMinor: 20_00, CreditMinor: 20_00},   // moved but nets to zero: no line
	}
	d, result, err := ClosingDraft(ent, 2025, accounts, year, re)
	if err != nil {
		t.Fatal(err)
	}
	if result != 690_00 {
		t.Errorf("result %d, want 69000", result)
	}
	want := []ledger.DraftLine{
		{Account: "4100", Debit: false, Currency: "EUR", AmountMinor: 300_00},
		{Account: "8000", Debit: true, Currency: "EUR", AmountMinor: 990_00},
		{Account: "2100", Debit: false, Currency: "EUR", AmountMinor: 690_00},
	}
	if len(d.Lines) != len(want) {
		t.Fatalf("lines %+v, want %+v", d.Lines, want)
	}
	for i, w := range want {
		if d.Lines[i] != w {
			t.Errorf("line %d = %+v, want %+v", i, d.Lines[i], w)
		}
	}
	if d.Date.String() != "2025-12-31" || d.Description != "Afsluiting boekjaar 2025: resultaat naar 2100 2100" {
		t.Errorf("draft %s %q", d.Date, d.Description)
	}

	// A loss is debited to retained earnings.
	d, result, err = ClosingDraft(ent, 2025, accounts, map[int64]ledger.Totals{3: {DebitMinor: 5_00}}, re)
	if err != nil || result != -5_00 || len(d.Lines) != 2 || !d.Lines[1].Debit || d.Lines[1].AmountMinor != 5_00 {
		t.Errorf("loss: %+v %d %v", d, result, err)
	}
	// Nothing to close.
	if d, result, err := ClosingDraft(ent, 2025, accounts, map[int64]ledger.Totals{1: {DebitMinor: 1}}, re); d != nil || result != 0 || err != nil {
		t.Errorf("nothing to close: %+v %d %v", d, result, err)
	}
	// Archived and foreign-currency accounts with a balance are refused.
	now := rent.CreatedAt
	archived := *rent
	archived.ArchivedAt = &now
	if _, _, err := ClosingDraft(ent, 2025, []*ledger.Account{&archived, re}, map[int64]ledger.Totals{3: {DebitMinor: 1}}, re); ledger.As(err).Reason != "account_archived" {
		t.Errorf("archived: %v", err)
	}
	usd := *rev
	usd.Currency = "USD"
	if _, _, err := ClosingDraft(ent, 2025, []*ledger.Account{&usd, re}, map[int64]ledger.Totals{4: {CreditMinor: 1}}, re); ledger.As(err).Reason != "account_currency_mismatch" {
		t.Errorf("foreign: %v", err)
	}
}

func TestResolveRetained(t *testing.T) {
	accounts := []*ledger.Account{
		{ID: 1, Code: "1000", Type: ledger.Asset},
		{ID: 2, Code: "2100", Type: ledger.Equity},
		{ID: 3, Code: "2200", Type: ledger.Equity},
	}
	for _, c := range []struct {
		accounts []*ledger.Account
		code     string
		want     string // code or reason
	}{
		{accounts, "", "2100"},
		{accounts, "2200", "2200"},
		{accounts, "1000", "account_type_invalid"},
		{accounts, "9999", "account_not_found"},
		{accounts[:1], "", "retained_earnings_required"},
	} {
		a, err := ResolveRetained(c.accounts, c.code)
		got := ""
		if err != nil {
			e := ledger.As(err)
			got = string(e.Reason)
			if len(e.Fields) != 1 || e.Fields[0].Path != "retained_earnings_account" {
				t.Errorf("%q: fields %v", c.code, e.Fields)
			}
		} else {
			got = a.Code
		}
		if got != c.want {
			t.Errorf("ResolveRetained(%q) = %s, want %s", c.code, got, c.want)
		}
	}
}
