package vatreturn_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"backoffice/invoicing/vatreturn"
	"backoffice/ledger"
	"backoffice/ledger/money"
)

func date(s string) ledger.Date {
	d, err := ledger.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestParsePeriod(t *testing.T) {
	for _, c := range []struct {
		in       string
		kind     ledger.VATPeriod
		from, to string // "" : refused
	}{
		{"2026-Q1", ledger.VATQuarterly, "2026-01-01", "2026-03-31"},
		{"2026-q4", ledger.VATQuarterly, "2026-10-01", "2026-12-31"},
		{"2024-02", ledger.VATMonthly, "2024-02-01", "2024-02-29"}, // a leap year
		{"2026-12", ledger.VATMonthly, "2026-12-01", "2026-12-31"},
		{"2026", ledger.VATYearly, "2026-01-01", "2026-12-31"},
		{" 2026-Q2 ", ledger.VATQuarterly, "2026-04-01", "2026-06-30"},
		{"2026-Q1", "", "2026-01-01", "2026-03-31"}, // the default setting is a quarter
		{"2026-03", ledger.VATQuarterly, "", ""},    // a month for a quarterly filer
		{"2026", ledger.VATQuarterly, "", ""},
		{"2026-Q1", ledger.VATMonthly, "", ""},
		{"2026-Q1", ledger.VATYearly, "", ""},
		{"2026-Q0", ledger.VATQuarterly, "", ""},
		{"2026-Q5", ledger.VATQuarterly, "", ""},
		{"2026-13", ledger.VATMonthly, "", ""},
		{"2026-00", ledger.VATMonthly, "", ""},
		{"2026-3", ledger.VATMonthly, "", ""},
		{"26-Q1", ledger.VATQuarterly, "", ""},
		{"", ledger.VATQuarterly, "", ""},
		{"2026-Q1-x", ledger.VATQuarterly, "", ""},
		{"2026-+1", ledger.VATMonthly, "", ""}, // a sign is no digit
		{"2026-Q+", ledger.VATQuarterly, "", ""},
		{"+202", ledger.VATYearly, "", ""},
	} {
		p, err := vatreturn.ParsePeriod(c.in, c.kind, "period")
		if c.from == "" {
			le := ledger.As(err)
			if err == nil || le.Reason != ledger.ReasonVATReturnPeriodInvalid || len(le.Fields) != 1 || le.Fields[0].Path != "period" {
				t.Errorf("%q (%s): want vat_return_period_invalid at period, got %v %v", c.in, c.kind, p, err)
			}
			continue
		}
		if err != nil || p.From.String() != c.from || p.To.String() != c.to {
			t.Errorf("%q (%s): %s..%s %v; want %s..%s", c.in, c.kind, p.From, p.To, err, c.from, c.to)
		}
	}
	q := vatreturn.MakePeriod(ledger.VATQuarterly, 2026, 1)
	if q.Prev().String() != "2025-Q4" || q.Next().String() != "2026-Q2" || vatreturn.PeriodOf(ledger.VATMonthly, date("2026-03-31")).String() != "2026-03" {
		t.Errorf("prev/next: %s %s", q.Prev(), q.Next())
	}
}

// Rounding in the taxpayer's favour: boxes 1 to 4 down, 5b up, also when
// negative.
func TestRounding(t *testing.T) {
	for _, c := range []struct{ minor, down, up int64 }{
		{21012, 21000, 21100}, {21000, 21000, 21000}, {99, 0, 100}, {0, 0, 0},
		{-1, -100, 0}, {-21012, -21100, -21000}, {-100, -100, -100},
	} {
		if d, u := vatreturn.RoundDown(c.minor, 2), vatreturn.RoundUp(c.minor, 2); d != c.down || u != c.up {
			t.Errorf("%d: down %d up %d; want %d %d", c.minor, d, u, c.down, c.up)
		}
	}
	if vatreturn.RoundDown(1999, 3) != 1000 || vatreturn.RoundDown(5, 0) != 5 {
		t.Error("other exponents")
	}
}

func figures(box string, base, vat int64) *vatreturn.Figures {
	f := vatreturn.NewFigures()
	f.AddBox(box, base, vat)
	return f
}

// Corrections of earlier filed periods: up to 1,000.00 euros of VAT per
// calendar year go into the return (1,000.00 exactly too); more is flagged
// for a supplementary return; more than five years back is left out.
func TestCorrections(t *testing.T) {
	ent := &ledger.Entity{Name: "T", Currency: "EUR", VATPeriod: ledger.VATQuarterly}
	p := vatreturn.MakePeriod(ledger.VATQuarterly, 2026, 3)
	pf := func(period string, f *vatreturn.Figures) vatreturn.PeriodFigures {
		q, _ := vatreturn.ParsePeriod(period, ledger.VATQuarterly, "period")
		return vatreturn.PeriodFigures{Period: period, From: q.From, To: q.To, Figures: f}
	}
	r := vatreturn.Build(ent, &vatreturn.Open{Period: p, Own: figures("1a", 10000, 2100), Earlier: []vatreturn.PeriodFigures{
		pf("2026-Q1", figures("1a", 300000, 63000)),  // 630.00
		pf("2026-Q2", figures("1b", 410000, 37000)),  // 370.00: 1,000.00 in 2026, taken in
		pf("2025-Q4", figures("1a", 500000, 105000)), // 1,050.00 in 2025 ...
		pf("2025-Q3", figures("5b", 0, 10000)),       // ... less 100.00 input VAT: 950.00 for the year, taken in
		pf("2020-Q4", figures("1a", 100, 21)),        // more than five years back
		pf("2026-Q4", figures("1a", 100, 21)),        // not before the period: ignored
		pf("2024-Q1", vatreturn.NewFigures()),        // nothing
	}})
	if len(r.Corrections) != 4 || len(r.SupplementaryRequired) != 0 {
		t.Fatalf("corrections %+v; supplementary %+v", r.Corrections, r.SupplementaryRequired)
	}
	// 1a: 100.00 own + 3,000.00 + 5,000.00; VAT 21.00 + 630.00 + 1,050.00 = 1,701.00.
	// 1b: 4,100.00 / 370.00. 5b: 100.00. 5c: 1,701 + 370 - 100 = 1,971.
	want := map[string]string{"1a": "8100.00/1701.00", "1b": "4100.00/370.00", "5b": "/100.00", "5c": "/1971.00"}
	for _, l := range r.Lines {
		w, ok := want[l.Box]
		if !ok {
			continue
		}
		got := "/" + l.VAT.String()
		if l.Turnover != nil {
			got = l.Turnover.String() + got
		}
		if got != w {
			t.Errorf("box %s: %s, want %s", l.Box, got, w)
		}
	}
	// 1,000.01 in one year is too much.
	r = vatreturn.Build(ent, &vatreturn.Open{Period: p, Own: vatreturn.NewFigures(), Earlier: []vatreturn.PeriodFigures{
		pf("2026-Q1", figures("1a", 476195, 100001)),
	}})
	if len(r.Corrections) != 0 || len(r.SupplementaryRequired) != 1 || r.SupplementaryRequired[0].VAT.String() != "1000.01" ||
		r.SupplementaryRequired[0].LastYear != 2031 || r.Total.String() != "0.00" {
		t.Fatalf("over the limit: %+v / %+v", r.Corrections, r.SupplementaryRequired)
	}
	// A negative correction over the limit too (VAT to reclaim).
	r = vatreturn.Build(ent, &vatreturn.Open{Period: p, Own: vatreturn.NewFigures(), Earlier: []vatreturn.PeriodFigures{
		pf("2026-Q2", figures("5b", 0, 150000)),
	}})
	if len(r.SupplementaryRequired) != 1 || r.SupplementaryRequired[0].VAT.String() != "-1500.00" {
		t.Fatalf("negative: %+v", r.SupplementaryRequired)
	}
	// 900.00 of 2026 taken into a filed return already: another 900.00 is
	// 1,800.00 for the year, flagged; 100.00 more would be 1,000.00, taken in.
	earlier := []vatreturn.PeriodFigures{pf("2026-Q1", figures("1a", 428572, 90000))}
	r = vatreturn.Build(ent, &vatreturn.Open{Period: p, Own: vatreturn.NewFigures(), Earlier: earlier, TakenIn: map[int]int64{2026: 90000}})
	if len(r.Corrections) != 0 || len(r.SupplementaryRequired) != 1 || r.SupplementaryRequired[0].VAT.String() != "900.00" {
		t.Fatalf("900.00 after 900.00 taken in: %+v / %+v", r.Corrections, r.SupplementaryRequired)
	}
	r = vatreturn.Build(ent, &vatreturn.Open{Period: p, Own: vatreturn.NewFigures(), Earlier: earlier, TakenIn: map[int]int64{2026: 10000, 2025: 500000}})
	if len(r.Corrections) != 1 || len(r.SupplementaryRequired) != 0 {
		t.Fatalf("900.00 after 100.00 taken in: %+v / %+v", r.Corrections, r.SupplementaryRequired)
	}
}

// Figures that differ in their accounts only are no correction.
func TestZeroIgnoresAccounts(t *testing.T) {
	f := vatreturn.NewFigures()
	f.Accounts[1], f.Accounts[2] = 21000, -21000
	if !f.Zero() {
		t.Errorf("an account-only difference is not zero: %+v", f)
	}
	if f.AddBox("1a", 0, 1); f.Zero() {
		t.Errorf("a box difference is zero: %+v", f)
	}
}

// An adjustment's amounts are signed decimals: a sign alone, two signs or
// a sign before anything but a digit are refused; its reason is cut by
// characters in the entry's description.
func TestParseAdjustment(t *testing.T) {
	ent := &ledger.Entity{Name: "T", Currency: "EUR", VATPeriod: ledger.VATQuarterly}
	s := func(v string) *string { return &v }
	for _, bad := range []string{"-", "--1", "-+1", "+1", "- 1", "-.5", "x"} {
		_, _, err := vatreturn.ParseAdjustment(ent, &vatreturn.AdjustmentInput{Period: s("2025-Q1"), Base: s(bad), VAT: s("1.00"), Reason: s("x"), Account: s("4300")})
		if le := ledger.As(err); err == nil || le.Fields[0].Path != "base" || le.Fields[0].Reason != ledger.ReasonAmountInvalid {
			t.Errorf("base %q: %v", bad, err)
		}
	}
	a, _, err := vatreturn.ParseAdjustment(ent, &vatreturn.AdjustmentInput{Period: s("2025-Q1"), Base: s("-0.50"), VAT: s("-0.10"),
		Reason: s(strings.Repeat("ü", 300)), Account: s("4300")})
	if err != nil || a.Base.Minor != -50 || a.VAT.Minor != -10 {
		t.Fatalf("-0.50/-0.10: %+v %v", a, err)
	}
	d := a.Draft("EUR")
	// "Box 1d 2025-Q1: " is 16 characters: 184 ü make 200.
	if !utf8.ValidString(d.Description) || d.Description != "Box 1d 2025-Q1: "+strings.Repeat("ü", 184) {
		t.Errorf("description %q", d.Description)
	}
}

// The settlement account is a liability or an asset, the rounding account
// an expense or revenue.
func TestCheckFilingTypes(t *testing.T) {
	acct := func(code string, typ ledger.AccountType) *ledger.Account {
		return &ledger.Account{Code: code, Type: typ}
	}
	if err := vatreturn.CheckFilingTypes(acct("1750", ledger.Liability), acct("4900", ledger.Expense)); err != nil {
		t.Errorf("1750/4900: %v", err)
	}
	if err := vatreturn.CheckFilingTypes(acct("1300", ledger.Asset), acct("8900", ledger.Revenue)); err != nil {
		t.Errorf("asset/revenue: %v", err)
	}
	le := ledger.As(vatreturn.CheckFilingTypes(acct("8000", ledger.Revenue), acct("1700", ledger.Liability)))
	if le == nil || len(le.Fields) != 2 || le.Fields[0].Path != "settlement_account" || le.Fields[1].Path != "rounding_account" ||
		le.Fields[0].Reason != ledger.ReasonAccountTypeInvalid {
		t.Errorf("revenue/liability: %+v", le)
	}
}

// JSON labels: both languages, or the one asked for.
func TestLineLabel(t *testing.T) {
	if got := vatreturn.LineLabel("1a", ""); got != "Leveringen/diensten belast met hoog tarief / Supplies/services taxed at the standard rate" {
		t.Errorf("1a: %q", got)
	}
	if got := vatreturn.LineLabel("5c", "nl"); got != "Subtotaal (rubriek 5a min 5b)" {
		t.Errorf("5c nl: %q", got)
	}
	if got := vatreturn.LineLabel("1d", "en"); got != "Private use" {
		t.Errorf("1d en: %q", got)
	}
}

// The settlement entry empties each VAT account and balances with the
// rounded total and the rounding difference.
func TestSettlement(t *testing.T) {
	ent := &ledger.Entity{Name: "T", Currency: "EUR", VATPeriod: ledger.VATQuarterly}
	p := vatreturn.MakePeriod(ledger.VATQuarterly, 2026, 1)
	own := figures("1a", 100055, 21012)
	own.AddBox("5b", 0, 10507)
	own.Accounts[1] = 21012  // VAT payable
	own.Accounts[2] = -10507 // VAT receivable
	r := vatreturn.Build(ent, &vatreturn.Open{Period: p, Own: own})
	d, err := vatreturn.Settlement(r, r.Settled(), map[int64]string{1: "1700", 2: "1200"}, p.To, "1750", "4900", "VAT")
	if err != nil {
		t.Fatal(err)
	}
	// 5a 210, 5b 106 (105.07 up): 104 to pay; exact 105.05: 1.05 rounding.
	got := map[string]string{}
	for _, l := range d.Lines {
		side := " C"
		if l.Debit {
			side = " D"
		}
		got[l.Account+side] = money.Format(l.AmountMinor, 2)
	}
	want := map[string]string{"1700 D": "210.12", "1200 C": "105.07", "1750 C": "104.00", "4900 C": "1.05"}
	if len(got) != len(want) || d.Date != p.To {
		t.Fatalf("settlement %v on %s, want %v", got, d.Date, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %s, want %s", k, got[k], v)
		}
	}
	// Accounts that do not add up to the return are a bug, not an entry.
	own.Accounts[2] = -10000
	if _, err := vatreturn.Settlement(r, own, map[int64]string{1: "1700", 2: "1200"}, p.To, "1750", "4900", "VAT"); !ledger.IsCode(err, ledger.CodeInternal) {
		t.Errorf("mismatch: %v", err)
	}
}
