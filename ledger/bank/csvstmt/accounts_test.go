package csvstmt

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"backoffice/ledger"
	"backoffice/ledger/bank"
)

// TestParseAccounts (issue 15): an ING-style "all accounts" export, newest
// first and interleaved, is one statement per IBAN in the order each first
// appears, each oldest first with its own running balance; Parse still
// refuses it as iban_mixed. A row without its account, and a mapping
// without an iban column, are refused.
func TestParseAccounts(t *testing.T) {
	raw, err := os.ReadFile("../../../testdata/bank/multi/ing-all-accounts.mapping.json")
	if err != nil {
		t.Fatal(err)
	}
	var m bank.CSVMapping
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("../../../testdata/bank/multi/ing-all-accounts.csv")
	if err != nil {
		t.Fatal(err)
	}
	sts, err := ParseAccounts(bytes.NewReader(data), &m, "EUR")
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		iban             string
		opening, closing int64
		wheres           string
	}
	wants := []want{{"NL67INGB0006543210", 100000, 106450, "line 6,line 4,line 2"}, {"NL20INGB0001234567", 50000, 78000, "line 5,line 3"}}
	if len(sts) != len(wants) {
		t.Fatalf("got %d statements, want %d", len(sts), len(wants))
	}
	for i, w := range wants {
		st := sts[i]
		var wheres []string
		for _, l := range st.Lines {
			wheres = append(wheres, l.Where)
		}
		if st.IBAN != w.iban || st.Currency != "EUR" || *st.Opening != w.opening || *st.Closing != w.closing || strings.Join(wheres, ",") != w.wheres {
			t.Errorf("statement %d: %s %s opening %d closing %d lines %v; want %+v", i, st.IBAN, st.Currency, *st.Opening, *st.Closing, wheres, w)
		}
	}

	if _, err := Parse(bytes.NewReader(data), &m, "EUR"); problem(t, err).Reason != ledger.ReasonIBANMixed {
		t.Errorf("Parse: %v; want iban_mixed", err)
	}
	noIBAN := bytes.Replace(data, []byte(`"NL20INGB0001234567";"";"DV"`), []byte(`"";"";"DV"`), 1)
	if fe := problem(t, func() error { _, err := ParseAccounts(bytes.NewReader(noIBAN), &m, "EUR"); return err }()); fe.Reason != ledger.ReasonIBANMissing || fe.Path != "line 5" {
		t.Errorf("a row without its account: %+v", fe)
	}
	unmapped := m
	unmapped.IBAN = ""
	if fe := problem(t, func() error { _, err := ParseAccounts(bytes.NewReader(data), &unmapped, "EUR"); return err }()); fe.Reason != ledger.ReasonFieldRequired || fe.Path != "csv_mapping.iban" {
		t.Errorf("a mapping without iban: %+v", fe)
	}
}
