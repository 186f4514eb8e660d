package revaluation

import (
	"fmt"
	"testing"

	"backoffice/ledger"
)

func entity() *ledger.Entity {
	lock := ledger.NewDate(2026, 6, 30)
	return &ledger.Entity{ID: 1, Currency: "EUR", FiscalYearStartMonth: 1, LockDate: &lock}
}

func mustParse(t *testing.T, in *Input) *Request {
	t.Helper()
	r, err := Parse(entity(), in)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func fields(err error) string {
	e, ok := err.(*ledger.Error)
	if !ok {
		return fmt.Sprint(err)
	}
	s := ""
	for _, f := range e.Fields {
		s += f.Path + ":" + string(f.Reason) + " "
	}
	return s
}

// Parse refuses each bad field by its path.
func TestParse(t *testing.T) {
	for _, c := range []struct {
		name string
		in   Input
		want string
	}{
		{"no date", Input{Rates: map[string]string{"USD": "1"}}, "date:field_required "},
		{"bad date", Input{Date: "2026-13-01"}, "date:date_invalid "},
		{"locked", Input{Date: "2026-06-30"}, "date:period_locked "},
		{"locked before", Input{Date: "2026-01-31"}, "date:period_locked "},
		{"rates", Input{Date: "2026-12-31", Rates: map[string]string{"EUR": "1", "GBP": "-1", "USD": "0", "usd": "1", "JPY": "0.0061"}},
			"rates.EUR:exchange_rate_unused rates.GBP:exchange_rate_invalid rates.USD:exchange_rate_invalid rates.usd:currency_invalid "},
	} {
		_, err := Parse(entity(), &c.in)
		if got := fields(err); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
	r := mustParse(t, &Input{Date: "2026-12-31", ResultAccount: " 8990 "})
	if r.Accounts != (Accounts{"1110", "1610", "1020", "8990"}) {
		t.Errorf("accounts %+v", r.Accounts)
	}
}

// Signs and rounding, worked out by hand: a USD credit note (the customer
// is owed 100.00 USD, carried at -90.00) at 0.91235 is -91.235, rounded
// half away from zero to -91.24: the receivables fall by 1.24 (a loss).
// A JPY supplier's invoice of 12,345 JPY carried at 74.07 at 0.00612 is
// 75.5514 -> 75.55: payables up 1.48 (a loss). A USD invoice of 0.05
// carried at 0.04 at 0.91235 is 0.0456 -> 0.05: +0.01.
// Result: -1.24 + 0.01 - 1.48 = -2.71.
func TestComputeAndDraft(t *testing.T) {
	ent := entity()
	r := mustParse(t, &Input{Date: "2026-12-31", Rates: map[string]string{"USD": "0.91235", "JPY": "0.00612"}})
	items := []Item{
		{Book: BookReceivables, Kind: KindCreditNote, ID: 1, Reference: "CN-1", PartyID: 3, Currency: "USD", OpenMinor: -10000, CarryingMinor: -9000},
		{Book: BookReceivables, Kind: KindInvoice, ID: 2, Reference: "INV-1", PartyID: 3, Currency: "USD", OpenMinor: 5, CarryingMinor: 4},
		{Book: BookPayables, Kind: KindInvoice, ID: 9, Reference: "PI-1", PartyID: 4, Currency: "JPY", OpenMinor: 12345, CarryingMinor: 7407},
	}
	v, err := Compute(ent, r, items)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range v.Lines {
		got = append(got, l.Revalued.String()+"/"+l.Difference.String())
	}
	if fmt.Sprint(got) != "[-91.24/-1.24 0.05/0.01 75.55/1.48]" {
		t.Errorf("lines %v", got)
	}
	if v.Receivables.String() != "-1.23" || v.Payables.String() != "1.48" || v.Bank.String() != "0.00" || v.Result.String() != "-2.71" {
		t.Errorf("totals %s %s %s %s", v.Receivables, v.Payables, v.Bank, v.Result)
	}
	d := v.Draft()
	var lines []string
	var debits, credits int64
	for _, l := range d.Lines {
		side := "Cr"
		if l.Debit {
			side = "Dr"
			debits += l.AmountMinor
		} else {
			credits += l.AmountMinor
		}
		lines = append(lines, fmt.Sprintf("%s %s %d", l.Account, side, l.AmountMinor))
	}
	if fmt.Sprint(lines) != "[1110 Cr 123 1610 Cr 148 8910 Dr 271]" || debits != credits || d.Date != ledger.NewDate(2026, 12, 31) {
		t.Errorf("draft %v on %s", lines, d.Date)
	}

	// A currency without a rate is refused, each listed once.
	r2 := mustParse(t, &Input{Date: "2026-12-31", Rates: map[string]string{"JPY": "0.006"}})
	if _, err := Compute(ent, r2, append(items, Item{Book: BookBank, Kind: KindBankAccount, ID: 5, Currency: "CHF", OpenMinor: 1, CarryingMinor: 1})); fields(err) != "rates.CHF:exchange_rate_required rates.USD:exchange_rate_required " {
		t.Errorf("missing rates: %s", fields(err))
	}
	// Nothing differs: no draft.
	r3 := mustParse(t, &Input{Date: "2026-12-31", Rates: map[string]string{"USD": "0.9"}})
	v3, err := Compute(ent, r3, items[:1])
	if err != nil || v3.Draft() != nil || !v3.Empty() {
		t.Errorf("nothing to post: %v %+v", err, v3)
	}
	// Differences that cancel out per book and currency (an invoice and a
	// credit note of the same amount, carried alike): +0.10 and -0.10 on
	// receivables in USD, nothing to post rather than an entry of no lines.
	cancel := []Item{
		{Book: BookReceivables, Kind: KindInvoice, ID: 7, Reference: "INV-7", PartyID: 3, Currency: "USD", OpenMinor: 10000, CarryingMinor: 8990},
		{Book: BookReceivables, Kind: KindCreditNote, ID: 8, Reference: "CN-8", PartyID: 3, Currency: "USD", OpenMinor: -10000, CarryingMinor: -8990},
	}
	v4, err := Compute(ent, r3, cancel)
	if err != nil || v4.Empty() || v4.Draft() != nil {
		t.Errorf("cancelling differences: %v, empty %v, draft %+v", err, v4.Empty(), v4.Draft())
	}
}
