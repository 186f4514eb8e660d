package camt053

import (
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"backoffice/ledger"
	"backoffice/ledger/bank"
	"backoffice/ledger/money"
)

// The sample month in testdata/bank is hand-made; these tests keep it
// consistent with itself and with what the parser reads from it.

const sampleDir = "../../../testdata/bank"

type books struct {
	BankAccount struct {
		AccountCode string `json:"account_code"`
		IBAN        string `json:"iban"`
		Currency    string `json:"currency"`
	} `json:"bank_account"`
	Customers []struct {
		Key string `json:"key"`
	} `json:"customers"`
	Invoices []struct {
		Number    string `json:"number"`
		Customer  string `json:"customer"`
		IssueDate string `json:"issue_date"`
		Lines     []struct {
			Quantity  string `json:"quantity"`
			UnitPrice string `json:"unit_price"`
			TaxCode   string `json:"tax_code"`
		} `json:"lines"`
	} `json:"invoices"`
	Entries []struct {
		Date        string `json:"date"`
		Description string `json:"description"`
		Reference   string `json:"reference"`
		Lines       []struct {
			Account string `json:"account"`
			Debit   string `json:"debit"`
			Credit  string `json:"credit"`
		} `json:"lines"`
	} `json:"entries"`
	Payments []struct {
		Customer  string   `json:"customer"`
		Date      string   `json:"date"`
		Amount    string   `json:"amount"`
		Reference string   `json:"reference"`
		Invoices  []string `json:"invoices"`
	} `json:"payments"`
}

type expectation struct {
	ClosingBalance string `json:"closing_balance"`
	Lines          []struct {
		BankRef        string   `json:"bank_ref"`
		Amount         string   `json:"amount"`
		Outcome        string   `json:"outcome"`
		Invoices       []string `json:"invoices"`
		CounterAccount string   `json:"counter_account"`
		LedgerRefs     []string `json:"ledger_refs"`
		ManualPayment  *struct {
			Customer string   `json:"customer"`
			Invoices []string `json:"invoices"`
			Amount   string   `json:"amount"`
		} `json:"manual_payment"`
	} `json:"lines"`
}

func readJSON(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sampleDir, name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func parseFile(t *testing.T, name string) ([]bank.ParsedStatement, error) {
	t.Helper()
	f, err := os.Open(filepath.Join(sampleDir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return Parse(f)
}

func cents(t *testing.T, s string) int64 {
	t.Helper()
	neg := strings.HasPrefix(s, "-")
	v, err := money.ParseAmount(strings.TrimPrefix(s, "-"), 2)
	if err != nil {
		t.Fatalf("amount %q: %v", s, err)
	}
	if neg {
		return -v
	}
	return v
}

func validIBAN(s string) bool {
	if len(s) < 15 {
		return false
	}
	var digits strings.Builder
	for _, r := range s[4:] + s[:4] {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			fmt.Fprint(&digits, int(r-'A')+10)
		default:
			return false
		}
	}
	n, ok := new(big.Int).SetString(digits.String(), 10)
	return ok && new(big.Int).Mod(n, big.NewInt(97)).Int64() == 1
}

var weeks = []string{"camt053/2026-03-w1.xml", "camt053/2026-03-w2.xml", "camt053/2026-03-w3.xml", "camt053/2026-03-w4.xml"}

func TestSampleMonth(t *testing.T) {
	var bk books
	var exp expectation
	readJSON(t, "books.json", &bk)
	readJSON(t, "expect.json", &exp)
	if !validIBAN(bk.BankAccount.IBAN) {
		t.Errorf("books IBAN %s fails mod-97", bk.BankAccount.IBAN)
	}

	// The opening balance in the books is week 1's.
	var bankAtStart int64
	for _, e := range bk.Entries {
		var sum int64
		for _, l := range e.Lines {
			var d, c int64
			if l.Debit != "" {
				d = cents(t, l.Debit)
			}
			if l.Credit != "" {
				c = cents(t, l.Credit)
			}
			sum += d - c
			if l.Account == bk.BankAccount.AccountCode && e.Date <= "2026-02-28" {
				bankAtStart += d - c
			}
		}
		if sum != 0 {
			t.Errorf("books entry %s %q is not balanced (%d)", e.Date, e.Description, sum)
		}
		if e.Date > "2026-03-31" {
			t.Errorf("books entry %q dated %s, after March", e.Description, e.Date)
		}
	}

	byRef := map[string]bank.ParsedLine{}
	var prevClosing *int64
	var prevTo ledger.Date
	for i, name := range weeks {
		stmts, err := parseFile(t, name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(stmts) != 1 {
			t.Fatalf("%s: %d statements", name, len(stmts))
		}
		s := stmts[0]
		if s.IBAN != bk.BankAccount.IBAN || s.Currency != bk.BankAccount.Currency {
			t.Errorf("%s: account %s %s, books %s %s", name, s.IBAN, s.Currency, bk.BankAccount.IBAN, bk.BankAccount.Currency)
		}
		sum := *s.Opening
		for _, l := range s.Lines {
			sum += l.AmountMinor
			if l.BookingDate.Before(s.From) || l.BookingDate.After(s.To) {
				t.Errorf("%s %s: booked %s outside %s..%s", name, l.Where, l.BookingDate, s.From, s.To)
			}
			if l.BankRef == "" {
				t.Errorf("%s %s: no bank reference", name, l.Where)
			}
			if _, dup := byRef[l.BankRef]; dup {
				t.Errorf("%s %s: bank reference %s used twice", name, l.Where, l.BankRef)
			}
			byRef[l.BankRef] = l
			if l.CounterIBAN != "" && !validIBAN(l.CounterIBAN) {
				t.Errorf("%s %s: counterparty IBAN %s fails mod-97", name, l.Where, l.CounterIBAN)
			}
		}
		if sum != *s.Closing {
			t.Errorf("%s: opening %d + lines = %d, closing %d", name, *s.Opening, sum, *s.Closing)
		}
		if i == 0 {
			if *s.Opening != bankAtStart {
				t.Errorf("week 1 opens at %d, the books' bank account holds %d on 2026-02-28", *s.Opening, bankAtStart)
			}
		} else {
			if *s.Opening != *prevClosing {
				t.Errorf("%s opens at %d, the previous week closed at %d", name, *s.Opening, *prevClosing)
			}
			if s.From != prevTo.AddDays(1) {
				t.Errorf("%s starts %s, the previous week ended %s", name, s.From, prevTo)
			}
		}
		prevClosing, prevTo = s.Closing, s.To
	}
	if *prevClosing != cents(t, exp.ClosingBalance) || prevTo != ledger.NewDate(2026, 3, 31) {
		t.Errorf("month closes at %d on %s; expect.json says %s on 2026-03-31", *prevClosing, prevTo, exp.ClosingBalance)
	}
	if n := len(byRef); n < 35 || n > 45 {
		t.Errorf("%d booked lines in the month, want 35 to 45", n)
	}

	// Every booked line has exactly one expectation, with its amount.
	totals := invoiceTotals(t, bk)
	seen := map[string]bool{}
	for _, e := range exp.Lines {
		l, ok := byRef[e.BankRef]
		if !ok || seen[e.BankRef] {
			t.Errorf("expect.json: bank_ref %s is not a booked line once (found %v, repeated %v)", e.BankRef, ok, seen[e.BankRef])
			continue
		}
		seen[e.BankRef] = true
		if cents(t, e.Amount) != l.AmountMinor {
			t.Errorf("expect.json %s: amount %s, the file says %d", e.BankRef, e.Amount, l.AmountMinor)
		}
		switch e.Outcome {
		case "cash_application":
			// The invoices named are in the remittance and add up to it.
			var sum int64
			for _, n := range e.Invoices {
				sum += totals[n]
				if !strings.Contains(strings.ToUpper(l.Remittance), n) {
					t.Errorf("%s: remittance %q does not name %s", e.BankRef, l.Remittance, n)
				}
			}
			if sum != l.AmountMinor {
				t.Errorf("%s: invoices %v total %d, the line is %d", e.BankRef, e.Invoices, sum, l.AmountMinor)
			}
		case "none":
			if e.ManualPayment == nil || cents(t, e.ManualPayment.Amount) != l.AmountMinor {
				t.Errorf("%s: manual_payment %+v does not pay the line's %d", e.BankRef, e.ManualPayment, l.AmountMinor)
			}
		case "entry":
			if e.CounterAccount == "" {
				t.Errorf("%s: entry without counter_account", e.BankRef)
			}
		case "auto", "manual":
			if len(e.LedgerRefs) == 0 {
				t.Errorf("%s: %s without ledger_refs", e.BankRef, e.Outcome)
			}
		default:
			t.Errorf("%s: outcome %q", e.BankRef, e.Outcome)
		}
	}
	if len(seen) != len(byRef) {
		t.Errorf("expect.json covers %d of %d booked lines", len(seen), len(byRef))
	}
	for _, p := range bk.Payments {
		var sum int64
		for _, n := range p.Invoices {
			sum += totals[n]
		}
		if sum != cents(t, p.Amount) {
			t.Errorf("payment %s of %s does not pay %v (%d)", p.Reference, p.Amount, p.Invoices, sum)
		}
	}
}

// invoiceTotals computes each invoice's total as the invoicing module
// does: line nets rounded to cents, VAT per tax code on the sum of its
// nets, rounded half away from zero.
func invoiceTotals(t *testing.T, bk books) map[string]int64 {
	rates := map[string]decimal.Decimal{"21": decimal.NewFromInt(21), "9": decimal.NewFromInt(9), "0": decimal.Zero}
	out := map[string]int64{}
	for _, inv := range bk.Invoices {
		nets := map[string]decimal.Decimal{}
		for _, l := range inv.Lines {
			q, p := decimal.RequireFromString(l.Quantity), decimal.RequireFromString(l.UnitPrice)
			nets[l.TaxCode] = nets[l.TaxCode].Add(q.Mul(p).Round(2))
		}
		total := decimal.Zero
		for code, n := range nets {
			r, ok := rates[code]
			if !ok {
				t.Fatalf("%s: tax code %q", inv.Number, code)
			}
			total = total.Add(n).Add(n.Mul(r).Div(decimal.NewFromInt(100)).Round(2))
		}
		out[inv.Number] = total.Shift(2).IntPart()
		if inv.IssueDate > "2026-03-31" || inv.IssueDate < "2026-02-01" {
			t.Errorf("%s issued %s", inv.Number, inv.IssueDate)
		}
	}
	return out
}

// TestSampleBadFiles checks that each refused sample is wrong in the one
// way its name says: the parser refuses the first three, the store the
// others.
func TestSampleBadFiles(t *testing.T) {
	var bk books
	readJSON(t, "books.json", &bk)
	w1s, err := parseFile(t, weeks[0])
	if err != nil {
		t.Fatal(err)
	}
	w1 := w1s[0]
	w1refs := map[string]bool{}
	for _, l := range w1.Lines {
		w1refs[l.BankRef] = true
	}
	sum := func(s bank.ParsedStatement) int64 {
		v := *s.Opening
		for _, l := range s.Lines {
			v += l.AmountMinor
		}
		return v
	}
	tests := []struct {
		file   string
		reason ledger.Reason
		check  func(s bank.ParsedStatement) string
	}{
		{"not-camt.xml", ReasonNotStatement, nil},
		{"malformed.xml", ReasonMalformed, nil},
		{"bomb.xml", ReasonDoctype, nil},
		{"other-iban.xml", "", func(s bank.ParsedStatement) string {
			if s.IBAN == bk.BankAccount.IBAN || !validIBAN(s.IBAN) || s.Currency != "EUR" || sum(s) != *s.Closing {
				return "want another valid IBAN, EUR, balanced"
			}
			return ""
		}},
		{"other-currency.xml", "", func(s bank.ParsedStatement) string {
			if s.IBAN != bk.BankAccount.IBAN || s.Currency == "EUR" || sum(s) != *s.Closing {
				return "want the same IBAN in another currency, balanced"
			}
			return ""
		}},
		{"unbalanced.xml", "", func(s bank.ParsedStatement) string {
			if *s.Opening != *w1.Closing || sum(s) == *s.Closing || s.From != w1.To.AddDays(1) {
				return "want it to continue week 1 and not add up"
			}
			return ""
		}},
		{"gap.xml", "", func(s bank.ParsedStatement) string {
			if *s.Opening == *w1.Closing || sum(s) != *s.Closing || s.From != w1.To.AddDays(1) {
				return "want a balanced statement after week 1 that does not open at week 1's closing"
			}
			return ""
		}},
		{"overlap.xml", "", func(s bank.ParsedStatement) string {
			if s.StatementID == w1.StatementID || s.From.After(w1.To) || s.From.Before(w1.From) || s.To != w1.To ||
				sum(s) != *s.Closing || *s.Closing != *w1.Closing || len(s.Lines) == 0 ||
				slices.ContainsFunc(s.Lines, func(l bank.ParsedLine) bool { return !w1refs[l.BankRef] }) {
				return "want week 1's last days again, under a new id, with week 1's references"
			}
			return ""
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			stmts, err := parseFile(t, "bad/"+tt.file)
			if tt.reason != "" {
				if e := asInvalid(t, err); e == nil || e.Reason != tt.reason {
					t.Fatalf("err = %v; want %s", err, tt.reason)
				}
				return
			}
			if err != nil || len(stmts) != 1 {
				t.Fatalf("Parse = %d statements, %v; want one", len(stmts), err)
			}
			if msg := tt.check(stmts[0]); msg != "" {
				t.Errorf("%s", msg)
			}
		})
	}
}

// TestSamplePending: the last week holds one pending entry, which the
// parser leaves out.
func TestSamplePending(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(sampleDir, weeks[3]))
	if err != nil {
		t.Fatal(err)
	}
	stmts, err := parseFile(t, weeks[3])
	if err != nil {
		t.Fatal(err)
	}
	entries := strings.Count(string(raw), "<Ntry>")
	if strings.Count(string(raw), "<Cd>PDNG</Cd>") != 1 || len(stmts[0].Lines) != entries-1 {
		t.Errorf("%d entries in the file, %d parsed; want exactly one pending entry left out", entries, len(stmts[0].Lines))
	}
}
