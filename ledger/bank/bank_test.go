package bank

import (
	"errors"
	"strings"
	"testing"

	"backoffice/ledger"
	"backoffice/ledger/reports"
)

func TestNormalizeIBAN(t *testing.T) {
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{"NL91ABNA0417164300", "NL91ABNA0417164300", true},
		{"nl91 abna 0417 1643 00", "NL91ABNA0417164300", true},
		{"NL91ABNA0417164301", "NL91ABNA0417164301", false}, // check digits
		{"DE89370400440532013000", "DE89370400440532013000", true},
		{"GB29NWBK60161331926819", "GB29NWBK60161331926819", true},
		{"NL91ABNA041716", "NL91ABNA041716", false}, // too short
		{"9L91ABNA0417164300", "9L91ABNA0417164300", false},
		{"NLX1ABNA0417164300", "NLX1ABNA0417164300", false},
		{"NL91ABNA04171643-0", "NL91ABNA04171643-0", false},
	} {
		got, ok := NormalizeIBAN(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("NormalizeIBAN(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestMatchInputCheck(t *testing.T) {
	for _, c := range []struct {
		name   string
		in     MatchInput
		reason string
		path   string
	}{
		{"empty", MatchInput{}, "match_empty", "statement_lines"},
		{"repeated statement line", MatchInput{StatementLines: []int64{4, 4}}, "line_repeated", "statement_lines[1]"},
		{"repeated ledger line", MatchInput{LedgerLines: []LineRef{{1, 1}, {1, 2}, {1, 1}}}, "line_repeated", "ledger_lines[2]"},
		{"fine", MatchInput{StatementLines: []int64{4}, LedgerLines: []LineRef{{1, 1}}}, "", ""},
	} {
		err := c.in.Check()
		var e *ledger.Error
		if c.reason == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		if !errors.As(err, &e) || string(e.Reason) != c.reason || e.Fields[0].Path != c.path {
			t.Errorf("%s: want %s at %s, got %v", c.name, c.reason, c.path, err)
		}
	}
}

func TestReconciliationTableAddsUp(t *testing.T) {
	r := &Reconciliation{Account: &Account{Name: "ABN", IBAN: "NL91ABNA0417164300", Currency: "EUR", AccountCode: "1000"},
		AsOf: ledger.NewDate(2026, 3, 31), StatementBalance: 100000, LedgerBalance: 125000, StatementOutstanding: -20000, LedgerOutstanding: 5000,
		Difference: -25000, UnreconciledStatement: []*StatementLine{{BookingDate: ledger.NewDate(2026, 3, 30), AmountMinor: -20000, BankRef: "X", Counterparty: "Rent"}},
		UnreconciledLedger: []*LedgerLine{{Date: ledger.NewDate(2026, 3, 31), AmountMinor: 5000, Description: "Deposit"}}}
	tb := ReconciliationTable(r, "Test BV", "en")
	rows := tb.Sections[0].Rows
	// Bank balance, less the statement lines, plus the ledger lines, is the
	// books' balance; each figure as its table's total shows it (one sign
	// convention: the bank account's), and the difference is the first
	// total less the second.
	if rows[0].Cells[1] != "1000.00" || rows[1].Cells[1] != "-200.00" || rows[2].Cells[1] != "50.00" || rows[3].Cells[1] != "1250.00" ||
		rows[4].Cells[1] != "-250.00" || !strings.HasPrefix(rows[1].Cells[0], "Less:") || !strings.HasPrefix(rows[2].Cells[0], "Plus:") {
		t.Fatalf("summary %+v", rows)
	}
	if len(tb.Sections) != 3 || len(tb.Sections[1].Rows) != 2 || len(tb.Sections[2].Rows) != 2 || tb.Sections[1].Rows[1].Cells[3] != rows[1].Cells[1] ||
		tb.Sections[2].Rows[1].Cells[3] != rows[2].Cells[1] {
		t.Fatalf("sections %+v", tb.Sections)
	}
	if note := rows[len(rows)-1]; note.Style != reports.Note || !strings.Contains(note.Cells[0], "positive is money in") {
		t.Errorf("the summary does not state its sign convention: %+v", note)
	}
}

func TestIBANCheckDigits(t *testing.T) {
	for _, c := range []struct{ country, bban, want string }{
		{"NL", "ABNA0417164300", "91"},
		{"DE", "370400440532013000", "89"},
		{"GB", "NWBK60161331926819", "29"},
	} {
		if got := IBANCheckDigits(c.country, c.bban); got != c.want {
			t.Errorf("IBANCheckDigits(%s, %s) = %s, want %s", c.country, c.bban, got, c.want)
		}
	}
}
