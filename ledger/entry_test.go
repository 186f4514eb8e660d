package ledger

import (
	"fmt"
	"testing"
	"time"
)

func testEntity() *Entity {
	lock := NewDate(2026, 1, 31)
	return &Entity{ID: 1, Currency: "EUR", TimeZone: "Europe/Amsterdam", FiscalYearStartMonth: 1, LockDate: &lock}
}

func testAccounts() map[string]*Account {
	archived := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	return map[string]*Account{
		"1000": {ID: 1, Code: "1000", Type: Asset},
		"4100": {ID: 2, Code: "4100", Type: Expense},
		"1010": {ID: 3, Code: "1010", Type: Asset, Currency: "USD"},
		"old":  {ID: 4, Code: "old", Type: Asset, ArchivedAt: &archived},
	}
}

func lines(pairs ...string) []LineInput {
	var out []LineInput
	for i := 0; i < len(pairs); i += 3 {
		l := LineInput{Account: pairs[i]}
		if pairs[i+1] == "D" {
			l.Debit = pairs[i+2]
		} else {
			l.Credit = pairs[i+2]
		}
		out = append(out, l)
	}
	return out
}

// TestEntryRules has a case for every way an entry is refused, with the
// reason and the path of the field that is wrong.
func TestEntryRules(t *testing.T) {
	many := make([]LineInput, MaxLines+1)
	for i := range many {
		many[i] = LineInput{Account: "1000", Debit: "1.00"}
	}
	tests := []struct {
		name   string
		in     EntryInput
		reason string
		path   string
	}{
		{"ok", EntryInput{Date: "2026-03-31", Description: "rent", Lines: lines("4100", "D", "1200.00", "1000", "C", "1200.00")}, "", ""},
		{"three lines", EntryInput{Date: "2026-03-31", Description: "x", Lines: lines("4100", "D", "10", "1000", "C", "4", "1000", "C", "6")}, "", ""},
		{"no date", EntryInput{Description: "x", Lines: lines("4100", "D", "1", "1000", "C", "1")}, "field_required", "date"},
		{"bad date", EntryInput{Date: "31-03-2026", Description: "x", Lines: lines("4100", "D", "1", "1000", "C", "1")}, "date_invalid", "date"},
		{"impossible date", EntryInput{Date: "2026-02-30", Description: "x", Lines: lines("4100", "D", "1", "1000", "C", "1")}, "date_invalid", "date"},
		{"on lock date", EntryInput{Date: "2026-01-31", Description: "x", Lines: lines("4100", "D", "1", "1000", "C", "1")}, "period_locked", "date"},
		{"before lock date", EntryInput{Date: "2025-12-31", Description: "x", Lines: lines("4100", "D", "1", "1000", "C", "1")}, "period_locked", "date"},
		{"no description", EntryInput{Date: "2026-03-31", Lines: lines("4100", "D", "1", "1000", "C", "1")}, "field_required", "description"},
		{"one line", EntryInput{Date: "2026-03-31", Description: "x", Lines: lines("4100", "D", "1")}, "lines_too_few", "lines"},
		{"no lines", EntryInput{Date: "2026-03-31", Description: "x"}, "lines_too_few", "lines"},
		{"too many lines", EntryInput{Date: "2026-03-31", Description: "x", Lines: many}, "lines_too_many", "lines"},
		{"both sides", EntryInput{Date: "2026-03-31", Description: "x", Lines: []LineInput{{Account: "4100", Debit: "1", Credit: "1"}, {Account: "1000", Credit: "1"}}}, "line_both_sides", "lines[0].debit"},
		{"no side", EntryInput{Date: "2026-03-31", Description: "x", Lines: []LineInput{{Account: "4100"}, {Account: "1000", Credit: "1"}}}, "line_no_side", "lines[0].debit"},
		{"exponent", EntryInput{Date: "2026-03-31", Description: "x", Lines: lines("4100", "D", "1e3", "1000", "C", "1000")}, "amount_invalid", "lines[0].debit"},
		{"negative", EntryInput{Date: "2026-03-31", Description: "x", Lines: lines("4100", "D", "-5", "1000", "C", "5")}, "amount_not_positive", "lines[0].debit"},
		{"zero", EntryInput{Date: "2026-03-31", Description: "x", Lines: lines("4100", "D", "0", "1000", "C", "0")}, "amount_not_positive", "lines[0].debit"},
		{"too precise", EntryInput{Date: "2026-03-31", Description: "x", Lines: lines("4100", "D", "12.345", "1000", "C", "12.345")}, "amount_too_precise", "lines[0].debit"},
		{"too large", EntryInput{Date: "2026-03-31", Description: "x", Lines: lines("4100", "D", "99999999999999999999", "1000", "C", "1")}, "amount_too_large", "lines[0].debit"},
		{"unknown currency", EntryInput{Date: "2026-03-31", Description: "x", Lines: []LineInput{{Account: "4100", Debit: "1", Currency: "XYZ"}, {Account: "1000", Credit: "1"}}}, "currency_invalid", "lines[0].currency"},
		{"rate missing", EntryInput{Date: "2026-03-31", Description: "x", Lines: []LineInput{{Account: "4100", Debit: "1", Currency: "USD"}, {Account: "1000", Credit: "1"}}}, "exchange_rate_required", "lines[0].exchange_rate"},
		{"rate unused", EntryInput{Date: "2026-03-31", Description: "x", ExchangeRate: "1.1", Lines: lines("4100", "D", "1", "1000", "C", "1")}, "exchange_rate_unused", "exchange_rate"},
		{"bad rate", EntryInput{Date: "2026-03-31", Description: "x", ExchangeRate: "-1", Lines: []LineInput{{Account: "4100", Debit: "1", Currency: "USD"}, {Account: "1000", Credit: "1"}}}, "exchange_rate_invalid", "exchange_rate"},
		{"no account", EntryInput{Date: "2026-03-31", Description: "x", Lines: lines("", "D", "1", "1000", "C", "1")}, "field_required", "lines[0].account"},
		{"unknown account", EntryInput{Date: "2026-03-31", Description: "x", Lines: lines("9999", "D", "1", "1000", "C", "1")}, "account_not_found", "lines[0].account"},
		{"archived account", EntryInput{Date: "2026-03-31", Description: "x", Lines: lines("4100", "D", "1", "old", "C", "1")}, "account_archived", "lines[1].account"},
		{"account currency", EntryInput{Date: "2026-03-31", Description: "x", Lines: lines("1010", "D", "1", "1000", "C", "1")}, "account_currency_mismatch", "lines[0].currency"},
		{"unbalanced", EntryInput{Date: "2026-03-31", Description: "x", Lines: lines("4100", "D", "1200.00", "1000", "C", "1199.99")}, "entry_unbalanced", "lines"},
		{"foreign balanced", EntryInput{Date: "2026-03-31", Description: "x", ExchangeRate: "0.5", Lines: []LineInput{
			{Account: "1010", Debit: "10.00", Currency: "USD"}, {Account: "1000", Credit: "5.00"}}}, "", ""},
		{"foreign unbalanced in functional", EntryInput{Date: "2026-03-31", Description: "x", ExchangeRate: "0.5", Lines: []LineInput{
			{Account: "1010", Debit: "10.00", Currency: "USD"}, {Account: "1000", Credit: "10.00"}}}, "entry_unbalanced", "lines"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ent := testEntity()
			d, err := ParseEntry(ent, &tt.in)
			var e *Entry
			if err == nil {
				e, err = d.Resolve(ent, testAccounts())
			}
			if tt.reason == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				var dr, cr int64
				for _, l := range e.Lines {
					dr, cr = dr+l.DebitMinor, cr+l.CreditMinor
				}
				if dr != cr || dr != e.TotalMinor || dr == 0 {
					t.Fatalf("debits %d credits %d total %d", dr, cr, e.TotalMinor)
				}
				return
			}
			le, ok := err.(*Error)
			if !ok || string(le.Reason) != tt.reason || le.Code != CodeInvalid {
				t.Fatalf("error = %v; want invalid %s", err, tt.reason)
			}
			if len(le.Fields) == 0 || le.Fields[0].Path != tt.path {
				t.Fatalf("fields = %+v; want path %s", le.Fields, tt.path)
			}
		})
	}
}

func TestForeignLineKeepsBothAmounts(t *testing.T) {
	ent := testEntity()
	in := EntryInput{Date: "2026-03-31", Description: "x", Lines: []LineInput{
		{Account: "1010", Debit: "100.00", Currency: "USD", ExchangeRate: "0.925"}, {Account: "1000", Credit: "92.50"}}}
	d, err := ParseEntry(ent, &in)
	if err != nil {
		t.Fatal(err)
	}
	e, err := d.Resolve(ent, testAccounts())
	if err != nil {
		t.Fatal(err)
	}
	l := e.Lines[0]
	if l.AmountMinor != 10000 || l.DebitMinor != 9250 || l.Currency != "USD" || l.ExchangeRate != "0.925" {
		t.Fatalf("line = %+v", l)
	}
}

func TestReversalMirrors(t *testing.T) {
	e := &Entry{ID: 7, FiscalYear: 2026, Number: 3, Description: "rent", TotalMinor: 500, Lines: []Line{
		{LineNo: 1, AccountID: 2, DebitMinor: 500}, {LineNo: 2, AccountID: 1, CreditMinor: 500}}}
	r := e.Reversal(NewDate(2026, 4, 1), 2026, "")
	if *r.ReversesID != 7 || r.Lines[0].CreditMinor != 500 || r.Lines[1].DebitMinor != 500 || r.Description != "Reversal of 2026-000003: rent" {
		t.Fatalf("reversal = %+v", r)
	}
	if e.Lines[0].DebitMinor != 500 {
		t.Fatal("Reversal changed the original")
	}
}

func TestFiscalYear(t *testing.T) {
	for _, tt := range []struct {
		date  Date
		start int
		want  int
	}{
		{NewDate(2026, 1, 1), 1, 2026}, {NewDate(2026, 12, 31), 1, 2026},
		{NewDate(2027, 3, 31), 7, 2026}, {NewDate(2026, 7, 1), 7, 2026}, {NewDate(2026, 6, 30), 7, 2025},
	} {
		if got := tt.date.FiscalYear(tt.start); got != tt.want {
			t.Errorf("%s with start month %d: fiscal year %d; want %d", tt.date, tt.start, got, tt.want)
		}
	}
}

func TestKeyInputRules(t *testing.T) {
	for _, tt := range []struct {
		in     KeyInput
		reason string
	}{
		{KeyInput{Name: "ops", Role: RoleAdmin}, ""},
		{KeyInput{Name: "a", Role: RoleAccountant, Entities: []int64{1, 2}}, ""},
		{KeyInput{Name: "", Role: RoleAdmin}, "field_required"},
		{KeyInput{Name: "x", Role: "boss"}, "role_invalid"},
		{KeyInput{Name: "x", Role: RoleAdmin, Entities: []int64{1}}, "entities_not_allowed"},
		{KeyInput{Name: "x", Role: RoleAccountant}, "entities_required"},
		{KeyInput{Name: "x", Role: RoleClient, Entities: []int64{1, 2}}, "entities_exactly_one"},
		{KeyInput{Name: "x", Role: RoleIntegration}, "entities_exactly_one"},
	} {
		err := tt.in.Validate()
		got := ""
		if err != nil {
			got = string(err.(*Error).Reason)
		}
		if got != tt.reason {
			t.Errorf("%+v: reason %q; want %q", tt.in, got, tt.reason)
		}
	}
}

func TestKeySecrets(t *testing.T) {
	a, ha := NewKeySecret()
	b, hb := NewKeySecret()
	if a == b || ha == hb || HashKeySecret(a) != ha || len(a) < 30 {
		t.Fatalf("keys %q %q not random or hash mismatch", a, b)
	}
	if fmt.Sprint(ha) == a {
		t.Fatal("hash equals the secret")
	}
}
