package bankstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"backoffice/ledger"
	"backoffice/ledger/bank"
	"backoffice/ledger/sqlstore"
)

const (
	rentIBAN     = "NL20INGB0001234567"
	supplierIBAN = "NL69INGB0123456789"
)

// week1 is a week of a current account: a rent direct debit and a
// supplier payment the books hold, a customer paying an invoice, and bank
// fees.
func week1() string {
	return camt("STMT-2026-03-W1", ourIBAN, "EUR", "2026-03-01", "2026-03-07", "1000.00", "358.50",
		ntry{ref: "B001", date: "2026-03-02", amount: "-250.00", name: "Vastgoed BV", iban: rentIBAN, text: "Huur maart 2026"},
		ntry{ref: "B002", date: "2026-03-03", amount: "121.00", name: "Klant A", text: "Factuur INV-2026-0001", e2e: "E2E-A-1"},
		ntry{ref: "B003", date: "2026-03-05", amount: "-12.50", text: "Kosten zakelijk pakket"},
		ntry{ref: "B004", date: "2026-03-06", amount: "-500.00", name: "Leverancier BV", iban: supplierIBAN, text: "F-2026-118", e2e: "PAY-77"},
		ntry{ref: "P001", date: "2026-03-07", amount: "-99.00", text: "pending card payment", pending: true},
	)
}

// week2 continues week1 with more bank fees.
func week2(id, iban, opening, closing, date string) string {
	return camt(id, iban, "EUR", "2026-03-08", "2026-03-14", opening, closing,
		ntry{ref: "B005", date: date, amount: "-7.50", text: "Kosten zakelijk pakket"})
}

func TestReconcileAWeek(t *testing.T) {
	f := newFixture(t)
	rent := f.post("2026-03-01", "", "Rent March", "-250.00", "4100")
	f.post("2026-02-28", "", "Opening balance", "1000.00", "2000")
	f.post("2026-03-04", "F-2026-118", "Leverancier BV invoice F-2026-118", "-500.00", "1600")
	inv := f.invoice(f.customer("Klant A"), "2026-02-20", "100.00")
	if inv.Number != "INV-2026-0001" {
		t.Fatalf("invoice number %s", inv.Number)
	}

	// Import, and import again: nothing is added the second time.
	r := f.mustImport(week1())
	if !r.Created || r.LinesAdded != 4 || len(r.Statements) != 1 || r.Statements[0].ClosingMinor != 35850 {
		t.Fatalf("first import: %+v %+v", r, r.Statements)
	}
	before := f.counts()
	r = f.mustImport(week1())
	if r.Created || r.LinesAdded != 0 || r.LinesSkipped != 4 {
		t.Fatalf("second import: %+v", r)
	}
	if after := f.counts(); after != before {
		t.Fatalf("a second import changed the database:\n%s\n%s", before, after)
	}
	lines := f.lines()
	if _, ok := lines["P001"]; ok {
		t.Fatal("a pending entry was imported")
	}
	if l := lines["B002"]; l.AmountMinor != 12100 || l.EndToEndID != "E2E-A-1" || l.Counterparty != "Klant A" || !strings.Contains(l.Remittance, "INV-2026-0001") {
		t.Fatalf("line B002: %+v", l)
	}

	// Automatic matching finds the rent (amount and date) and the supplier
	// payment (its reference in the remittance).
	ms, err := f.bs.AutoMatch(ctx, f.p, f.ent, f.acct.ID)
	if err != nil {
		t.Fatal(err)
	}
	rules := map[string]string{}
	for _, m := range ms {
		if len(m.StatementLines) != 1 || len(m.LedgerLines) != 1 || m.StatementLines[0].AmountMinor != m.LedgerLines[0].AmountMinor {
			t.Fatalf("match %+v", m)
		}
		rules[m.StatementLines[0].BankRef] = m.Rule
	}
	if len(ms) != 2 || rules["B001"] != bank.RuleAmountDate || rules["B004"] != bank.RuleReference {
		t.Fatalf("auto-match made %v", rules)
	}

	// Cash application: B002 names the open invoice and pays it exactly.
	props, err := f.bs.Proposals(ctx, f.ent, f.acct.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(props) != 1 || props[0].Line.BankRef != "B002" || len(props[0].Allocations) != 1 || props[0].Allocations[0].InvoiceID != inv.ID || props[0].Allocations[0].AmountMinor != 12100 {
		t.Fatalf("proposals %+v", props)
	}
	m, err := f.bs.ApplyCash(ctx, f.p, f.ent, f.acct.ID, lines["B002"].ID, &bank.CashInput{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Rule != bank.RuleCashApplication || m.PaymentID == nil || len(m.LedgerLines) != 1 || m.LedgerLines[0].AmountMinor != 12100 {
		t.Fatalf("cash application match %+v", m)
	}
	pay, err := f.inv.Payment(ctx, f.ent.ID, *m.PaymentID)
	if err != nil {
		t.Fatal(err)
	}
	if pay.Date.String() != "2026-03-03" || pay.AmountMinor != 12100 || pay.SettledMinor != 12100 || pay.BankAccount != "1000" || pay.Reference != "E2E-A-1" {
		t.Fatalf("payment %+v", pay)
	}
	if got, _ := f.inv.Invoice(ctx, f.ent.ID, inv.ID); got.SettledMinor != got.TotalMinor {
		t.Fatalf("invoice not paid: settled %d of %d", got.SettledMinor, got.TotalMinor)
	}
	_, err = f.bs.ApplyCash(ctx, f.p, f.ent, f.acct.ID, lines["B002"].ID, &bank.CashInput{})
	wantErr(t, err, ledger.CodeConflict, "line_already_matched", "")

	// Bank fees: no counter account is known yet; the entry made with 4400
	// teaches it for the next fee.
	if sug, err := f.bs.SuggestedAccount(ctx, f.ent.ID, lines["B003"]); err != nil || sug != "" {
		t.Fatalf("suggestion before any entry: %q %v", sug, err)
	}
	_, _, err = f.bs.EntryFromLine(ctx, f.p, f.ent, f.acct.ID, lines["B003"].ID, &bank.EntryInput{})
	wantErr(t, err, ledger.CodeInvalid, "account_required", "account")
	m, e, err := f.bs.EntryFromLine(ctx, f.p, f.ent, f.acct.ID, lines["B003"].ID, &bank.EntryInput{Account: ptr("4400")})
	if err != nil {
		t.Fatal(err)
	}
	if m.Rule != bank.RuleEntry || e.Date.String() != "2026-03-05" || e.Reference != "B003" || e.Lines[0].CreditMinor != 1250 || e.Lines[1].DebitMinor != 1250 {
		t.Fatalf("entry from line: %+v %+v", m, e)
	}

	// Everything of the week is reconciled: no difference.
	rec := f.reconcile("2026-03-07")
	if rec.StatementBalance != 35850 || rec.LedgerBalance != 35850 || rec.Difference != 0 || rec.Unexplained != 0 ||
		len(rec.UnreconciledStatement) != 0 || len(rec.UnreconciledLedger) != 0 || rec.ReconciledLines != 4 {
		t.Fatalf("reconciliation %+v", rec)
	}

	// A reconciled entry is not reversed until it is unmatched.
	_, err = f.inv.ReverseEntry(ctx, f.p, f.ent, rent.ID, ledger.NewDate(2026, 3, 8), "wrong amount", nil)
	wantErr(t, err, ledger.CodeConflict, "entry_reconciled", "")
	rentMatch := lines["B001"]
	if rentMatch = f.lines()["B001"]; rentMatch.MatchID == nil {
		t.Fatal("B001 not matched")
	}
	if _, err := f.bs.Unmatch(ctx, f.p, f.ent, f.acct.ID, *rentMatch.MatchID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.inv.ReverseEntry(ctx, f.p, f.ent, rent.ID, ledger.NewDate(2026, 3, 8), "wrong amount", nil); err != nil {
		t.Fatal(err)
	}
	// As of the 7th, the bank has the rent and the books (reversed on the
	// 8th) too; as of the 8th the books no longer do: the statement line
	// is outstanding, and explains the difference exactly.
	rec = f.reconcile("2026-03-08")
	if rec.Difference != -25000 || rec.Unexplained != 0 || len(rec.UnreconciledStatement) != 1 || len(rec.UnreconciledLedger) != 2 {
		t.Fatalf("after reversing the rent: %+v", rec)
	}

	// Matching by hand: the sums must agree, a matched line cannot be
	// matched again, and only lines of this bank account are taken.
	again := f.post("2026-03-08", "", "Rent March, again", "-250.00", "4100")
	_, err = f.bs.Match(ctx, f.p, f.ent, f.acct.ID, &bank.MatchInput{StatementLines: []int64{lines["B001"].ID}, LedgerLines: []bank.LineRef{{EntryID: again.ID, LineNo: 2}}})
	wantErr(t, err, ledger.CodeInvalid, "ledger_line_not_found", "ledger_lines[0]")
	_, err = f.bs.Match(ctx, f.p, f.ent, f.acct.ID, &bank.MatchInput{StatementLines: []int64{lines["B001"].ID, lines["B003"].ID}, LedgerLines: []bank.LineRef{{EntryID: again.ID, LineNo: 1}}})
	wantErr(t, err, ledger.CodeConflict, "line_already_matched", "statement_lines[1]")
	_, err = f.bs.Match(ctx, f.p, f.ent, f.acct.ID, &bank.MatchInput{StatementLines: []int64{lines["B001"].ID}, LedgerLines: []bank.LineRef{{EntryID: rent.ID, LineNo: 1}, {EntryID: again.ID, LineNo: 1}}})
	wantErr(t, err, ledger.CodeInvalid, "match_unbalanced", "ledger_lines")
	if _, err := f.bs.Match(ctx, f.p, f.ent, f.acct.ID, &bank.MatchInput{StatementLines: []int64{lines["B001"].ID}, LedgerLines: []bank.LineRef{{EntryID: again.ID, LineNo: 1}}}); err != nil {
		t.Fatal(err)
	}
	// The rent entry and its reversal cancel: a match of ledger lines only.
	rev := f.scalar(`SELECT id FROM journal_entries WHERE entity_id = ? AND reverses_id = ?`, f.ent.ID, rent.ID)
	if _, err := f.bs.Match(ctx, f.p, f.ent, f.acct.ID, &bank.MatchInput{LedgerLines: []bank.LineRef{{EntryID: rent.ID, LineNo: 1}, {EntryID: rev, LineNo: 1}}}); err != nil {
		t.Fatal(err)
	}

	// Week 2: refused statements write nothing; the good one continues.
	before = f.counts()
	for _, c := range []struct {
		name, xml, reason, path string
	}{
		{"gap", week2("W2", ourIBAN, "358.00", "350.50", "2026-03-09"), "statement_gap", "Document/BkToCstmrStmt/Stmt[1]/Bal[OPBD]"},
		{"unbalanced", week2("W2", ourIBAN, "358.50", "350.00", "2026-03-09"), "statement_unbalanced", "Document/BkToCstmrStmt/Stmt[1]/Bal[CLBD]"},
		{"other IBAN", week2("W2", rentIBAN, "358.50", "351.00", "2026-03-09"), "statement_iban_mismatch", "Document/BkToCstmrStmt/Stmt[1]/Acct/Id/IBAN"},
		{"overlap", camt("W2", ourIBAN, "EUR", "2026-03-06", "2026-03-14", "358.50", "351.00", ntry{ref: "B005", date: "2026-03-09", amount: "-7.50"}), "statement_overlap", "Document/BkToCstmrStmt/Stmt[1]/FrToDt"},
		{"line repeated", camt("W2", ourIBAN, "EUR", "2026-03-08", "2026-03-14", "358.50", "358.50", ntry{ref: "B004", date: "2026-03-09", amount: "-7.50"}, ntry{ref: "B007", date: "2026-03-09", amount: "7.50"}), "statement_overlap", "Document/BkToCstmrStmt/Stmt[1]/Ntry[1]"},
		// Outside its period, and the balances do not chain (a line
		// outside the period of a chained statement is accepted: see
		// TestLineBookedBeforeThePeriod).
		{"outside its period", week2("W2", ourIBAN, "358.50", "350.00", "2026-03-20"), "line_outside_period", "Document/BkToCstmrStmt/Stmt[1]/Ntry[1]"},
		{"same id, other lines", week2("STMT-2026-03-W1", ourIBAN, "358.50", "351.00", "2026-03-09"), "statement_ref_conflict", ""},
		{"not a statement", `<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"><CstmrCdtTrfInitn/></Document>`, "camt_not_statement", ""},
		{"malformed", `<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>`, "xml_malformed", ""},
	} {
		_, err := f.importCAMT(c.xml)
		var e *ledger.Error
		if !errors.As(err, &e) || string(e.Reason) != c.reason {
			t.Fatalf("%s: want %s, got %v", c.name, c.reason, err)
		}
		if c.path != "" {
			wantErr(t, err, e.Code, c.reason, c.path)
		}
		if after := f.counts(); after != before {
			t.Fatalf("%s: a refused import changed the database:\n%s\n%s", c.name, before, after)
		}
	}
	f.mustImport(week2("W2", ourIBAN, "358.50", "351.00", "2026-03-09"))
	b005 := f.lines()["B005"]
	if sug, err := f.bs.SuggestedAccount(ctx, f.ent.ID, b005); err != nil || sug != "4400" {
		t.Fatalf("suggestion for the next fee: %q %v", sug, err)
	}
	if _, _, err := f.bs.EntryFromLine(ctx, f.p, f.ent, f.acct.ID, b005.ID, &bank.EntryInput{}); err != nil {
		t.Fatal(err)
	}
	rec = f.reconcile("2026-03-14")
	if rec.StatementBalance != 35100 || rec.Difference != 0 || rec.Unexplained != 0 || len(rec.UnreconciledStatement)+len(rec.UnreconciledLedger) != 0 {
		t.Fatalf("end of week 2: %+v", rec)
	}
	_, err = f.bs.Reconciliation(ctx, f.ent, f.acct.ID, ledger.NewDate(2026, 2, 28))
	wantErr(t, err, ledger.CodeInvalid, "as_of_before_first_statement", "as_of")
}

func (f *fixture) reconcile(date string) *bank.Reconciliation {
	f.t.Helper()
	d, err := ledger.ParseDate(date)
	if err != nil {
		f.t.Fatal(err)
	}
	r, err := f.bs.Reconciliation(ctx, f.ent, f.acct.ID, d)
	if err != nil {
		f.t.Fatal(err)
	}
	return r
}

func TestBankAccountRules(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct {
		name   string
		in     bank.AccountInput
		reason string
		path   string
	}{
		{"no account", bank.AccountInput{IBAN: ptr(rentIBAN)}, "field_required", "account"},
		{"bad IBAN", bank.AccountInput{Account: ptr("1010"), IBAN: ptr("NL91ABNA0417164301")}, "iban_invalid", "iban"},
		{"unknown account", bank.AccountInput{Account: ptr("1999"), IBAN: ptr(rentIBAN)}, "account_not_found", "account"},
		{"expense account", bank.AccountInput{Account: ptr("4400"), IBAN: ptr(rentIBAN)}, "account_type_invalid", "account"},
		{"foreign currency on an any-currency account", bank.AccountInput{Account: ptr("1010"), IBAN: ptr(rentIBAN), Currency: ptr("USD")}, "account_currency_mismatch", "currency"},
		{"window", bank.AccountInput{Account: ptr("1010"), IBAN: ptr(rentIBAN), MatchWindowDays: ptr(61)}, "match_window_invalid", "match_window_days"},
		{"bad mapping", bank.AccountInput{Account: ptr("1010"), IBAN: ptr(rentIBAN), CSVMapping: &bank.CSVMapping{Delimiter: ";"}}, "", "csv_mapping.date"},
	} {
		_, err := f.bs.CreateBankAccount(ctx, f.p, f.ent, &c.in)
		var e *ledger.Error
		if !errors.As(err, &e) || (c.reason != "" && string(e.Reason) != c.reason) {
			t.Fatalf("%s: want %s, got %v", c.name, c.reason, err)
		}
		wantErr(t, err, e.Code, string(e.Reason), c.path)
	}
	_, err := f.bs.CreateBankAccount(ctx, f.p, f.ent, &bank.AccountInput{Account: ptr("1000"), IBAN: ptr(rentIBAN)})
	wantErr(t, err, ledger.CodeConflict, "bank_account_exists", "")
	_, err = f.bs.UpdateBankAccount(ctx, f.p, f.ent, f.acct.ID, &bank.AccountInput{IBAN: ptr(rentIBAN)})
	wantErr(t, err, ledger.CodeInvalid, "field_immutable", "iban")
}

// TestCSVImportDeduplicates imports a bank's CSV export, then a longer
// export overlapping it: only the new lines are added.
func TestCSVImportDeduplicates(t *testing.T) {
	f := newFixture(t)
	data, err := os.ReadFile("../../../testdata/bank/csv/rabobank-2026-03.csv")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("../../../testdata/bank/csv/rabobank.mapping.json")
	if err != nil {
		t.Fatal(err)
	}
	var m bank.CSVMapping
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	iban := "NL28RABO0318427756"
	rabo, err := f.bs.CreateBankAccount(ctx, f.p, f.ent, &bank.AccountInput{Account: ptr("1010"), IBAN: &iban, Name: ptr("Rabobank"), CSVMapping: &m})
	if err != nil {
		t.Fatal(err)
	}
	imp := func(b []byte) (*bank.ImportResult, error) {
		return f.bs.ImportStatement(ctx, f.p, f.ent, rabo.ID, &bank.ImportInput{Format: bank.FormatCSV, Data: b})
	}
	// The first ten rows (header included), then the whole file.
	rows := strings.SplitAfter(string(data), "\n")
	first := strings.Join(rows[:11], "")
	r, err := imp([]byte(first))
	if err != nil {
		t.Fatal(err)
	}
	if !r.Created || r.LinesAdded != 10 || r.Statements[0].OpeningMinor != 421035 {
		t.Fatalf("first part: %+v %+v", r, r.Statements[0])
	}
	r, err = imp(data)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Created || r.LinesAdded != 6 || r.LinesSkipped != 10 || r.Statements[0].ClosingMinor != 857891 || r.Statements[0].Seq != 2 {
		t.Fatalf("whole file: %+v %+v", r, r.Statements[0])
	}
	before := f.counts()
	if r, err = imp(data); err != nil || r.Created || r.LinesAdded != 0 {
		t.Fatalf("again: %+v %v", r, err)
	}
	if after := f.counts(); after != before {
		t.Fatalf("a repeated import changed the database:\n%s\n%s", before, after)
	}
	// A bad date names its line; nothing is written.
	bad, err := os.ReadFile("../../../testdata/bank/csv/bad-date.csv")
	if err != nil {
		t.Fatal(err)
	}
	_, err = imp(bad)
	wantErr(t, err, ledger.CodeInvalid, "date_invalid", "")
	if after := f.counts(); after != before {
		t.Fatal("a refused CSV import changed the database")
	}
	// The main account has no mapping.
	_, err = f.bs.ImportStatement(ctx, f.p, f.ent, f.acct.ID, &bank.ImportInput{Format: bank.FormatCSV, Data: data})
	wantErr(t, err, ledger.CodeInvalid, "csv_mapping_missing", "format")
}

// TestVerifyFindsBreaks: verify passes on reconciled books and finds a
// match broken with raw SQL.
func TestVerifyFindsBreaks(t *testing.T) {
	f := newFixture(t)
	f.post("2026-03-01", "", "Rent March", "-250.00", "4100")
	f.post("2026-03-04", "F-2026-118", "Leverancier BV invoice F-2026-118", "-500.00", "1600")
	f.mustImport(week1())
	if ms, err := f.bs.AutoMatch(ctx, f.p, f.ent, f.acct.ID); err != nil || len(ms) != 2 {
		t.Fatalf("auto-match: %v %v", ms, err)
	}
	r, err := f.inv.Store.Verify(ctx) // bankstore.New added the bank checks
	if err != nil || len(r.Breaches) != 0 {
		t.Fatalf("verify on good books: %v %v", r, err)
	}
	b004 := f.lines()["B004"]
	if err := f.st.Query(ctx).DB().Exec(`DELETE FROM bank_match_statement_lines WHERE entity_id = ? AND statement_line_id = ?`, f.ent.ID, b004.ID).Error; err != nil {
		t.Fatal(err)
	}
	// The match no longer adds up, and its statement line is neither
	// matched nor open.
	if r, err = f.inv.Store.Verify(ctx); err != nil || len(r.Breaches) != 2 || !strings.Contains(strings.Join(r.Breaches, "\n"), "statement lines 0 != ledger lines -50000") ||
		!strings.Contains(strings.Join(r.Breaches, "\n"), fmt.Sprintf("statement line %d of bank account %d (entity %d) is listed as open and matched, or as neither", b004.ID, f.acct.ID, f.ent.ID)) {
		t.Fatalf("verify after breaking a match: %v %v", r.Breaches, err)
	}
	// Statements are immutable.
	err = f.st.Query(ctx).DB().Exec(`UPDATE bank_statement_lines SET amount_minor = 1 WHERE entity_id = ? AND id = ?`, f.ent.ID, b004.ID).Error
	if err == nil || !strings.Contains(err.Error(), "BOL06") {
		t.Fatalf("changing a statement line: %v", err)
	}
}

// TestCSVWithoutBalances: a CSV export without a balance column needs the
// opening balance on the account's first import, and takes it only there.
func TestCSVWithoutBalances(t *testing.T) {
	f := newFixture(t)
	data, err := os.ReadFile("../../../testdata/bank/csv/rabobank-2026-03.csv")
	if err != nil {
		t.Fatal(err)
	}
	var m bank.CSVMapping
	raw, _ := os.ReadFile("../../../testdata/bank/csv/rabobank.mapping.json")
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	m.Balance = ""
	rabo, err := f.bs.CreateBankAccount(ctx, f.p, f.ent, &bank.AccountInput{Account: ptr("1010"), IBAN: ptr("NL28RABO0318427756"), CSVMapping: &m})
	if err != nil {
		t.Fatal(err)
	}
	rows := strings.SplitAfter(string(data), "\n")
	imp := func(b string, opening *int64) (*bank.ImportResult, error) {
		return f.bs.ImportStatement(ctx, f.p, f.ent, rabo.ID, &bank.ImportInput{Format: bank.FormatCSV, Data: []byte(b), Opening: opening})
	}
	_, err = imp(strings.Join(rows[:6], ""), nil)
	wantErr(t, err, ledger.CodeInvalid, "opening_balance_required", "opening_balance")
	r, err := imp(strings.Join(rows[:6], ""), ptr(int64(421035)))
	if err != nil {
		t.Fatal(err)
	}
	first := r.Statements[0]
	if first.OpeningMinor != 421035 || first.LineCount != 5 {
		t.Fatalf("first import: %+v", first)
	}
	_, err = imp(string(data), ptr(int64(421035)))
	wantErr(t, err, ledger.CodeInvalid, "opening_balance_unused", "opening_balance")
	r, err = imp(string(data), nil)
	if err != nil {
		t.Fatal(err)
	}
	if second := r.Statements[0]; second.OpeningMinor != first.ClosingMinor || second.ClosingMinor != 857891 || r.LinesSkipped != 5 {
		t.Fatalf("second import: %+v %+v", r, second)
	}
}

// TestMatchRacingAReversal: a reversal of an entry whose line is being
// matched waits for the match and is then refused (on PostgreSQL the
// match holds the entry FOR SHARE; SQLite writes one at a time).
func TestMatchRacingAReversal(t *testing.T) {
	f := newFixture(t)
	f.post("2026-02-28", "", "Opening balance", "1000.00", "2000")
	rent := f.post("2026-03-01", "", "Rent March", "-250.00", "4100")
	f.mustImport(week1())
	b001 := f.lines()["B001"]
	matched := make(chan struct{})
	reversed := make(chan error)
	err := f.st.Write(ctx, func(tx *sqlstore.Tx) error {
		if _, err := f.bs.In(tx).Match(ctx, f.p, f.ent, f.acct.ID, &bank.MatchInput{StatementLines: []int64{b001.ID}, LedgerLines: []bank.LineRef{{EntryID: rent.ID, LineNo: 1}}}); err != nil {
			return err
		}
		go func() {
			close(matched)
			_, err := f.inv.ReverseEntry(context.Background(), f.p, f.ent, rent.ID, ledger.NewDate(2026, 3, 8), "racing", nil)
			reversed <- err
		}()
		<-matched
		select {
		case err := <-reversed:
			return fmt.Errorf("the reversal finished while the match was not committed: %v", err)
		case <-time.After(300 * time.Millisecond):
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	wantErr(t, <-reversed, ledger.CodeConflict, "entry_reconciled", "")
}

// TestImportRetried: an import whose unit of work the database rolls back
// for a conflict (here: a serialization failure injected into its audit
// record, written after the lines and matches) runs again whole, and answers what the second run did, not the
// sum of both.
func TestImportRetried(t *testing.T) {
	f := newFixture(t)
	f.post("2026-02-28", "", "Opening balance", "1000.00", "2000")
	f.post("2026-03-01", "", "Rent March", "-250.00", "4100")
	f.post("2026-03-04", "F-2026-118", "Leverancier BV invoice F-2026-118", "-500.00", "1600")
	injected := 0
	err := f.st.Query(ctx).DB().Callback().Raw().Before("gorm:raw").Register("test:conflict", func(db *gorm.DB) {
		if injected == 0 && strings.HasPrefix(db.Statement.SQL.String(), "INSERT INTO audit_events") {
			injected++
			_ = db.AddError(&pgconn.PgError{Code: "40001", Message: "injected serialization failure"})
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	r, err := f.bs.ImportStatement(ctx, f.p, f.ent, f.acct.ID, &bank.ImportInput{Format: bank.FormatCAMT053, Data: []byte(week1())})
	if err != nil {
		t.Fatal(err)
	}
	if injected != 1 {
		t.Fatalf("the conflict was injected %d times", injected)
	}
	if !r.Created || len(r.Statements) != 1 || r.Statements[0].Seq != 1 || r.LinesAdded != 4 || r.LinesSkipped != 0 || r.AutoMatched != 2 {
		t.Fatalf("retried import: %+v %+v", r, r.Statements)
	}
	if got := f.counts(); !strings.Contains(got, "bank_statements=1 bank_statement_lines=4 bank_matches=2 ") {
		t.Fatalf("after a retried import: %s", got)
	}
}

// TestBooksBeforeTheFirstStatement: a payment booked before the first
// statement that the bank books later (outside the window) is unexplained
// until it is matched; the report says where it comes from.
func TestBooksBeforeTheFirstStatement(t *testing.T) {
	f := newFixture(t)
	f.post("2026-02-20", "", "Opening balance", "1000.00", "2000")
	early := f.post("2026-02-20", "", "Supplier paid in February", "-100.00", "1600")
	f.mustImport(camt("W1", ourIBAN, "EUR", "2026-03-01", "2026-03-07", "1000.00", "900.00",
		ntry{ref: "B1", date: "2026-03-06", amount: "-100.00", text: "late booking"}))
	if _, err := f.bs.AutoMatch(ctx, f.p, f.ent, f.acct.ID); err != nil {
		t.Fatal(err)
	}
	rec := f.reconcile("2026-03-07")
	if rec.Difference != 0 || rec.OpeningBalance != 100000 || rec.BooksBeforeStart != 90000 || rec.Unexplained != 10000 || len(rec.UnreconciledStatement) != 1 {
		t.Fatalf("before matching: %+v", rec)
	}
	if _, err := f.bs.Match(ctx, f.p, f.ent, f.acct.ID, &bank.MatchInput{StatementLines: []int64{f.lines()["B1"].ID}, LedgerLines: []bank.LineRef{{EntryID: early.ID, LineNo: 1}}}); err != nil {
		t.Fatal(err)
	}
	rec = f.reconcile("2026-03-07")
	if rec.Difference != 0 || rec.Unexplained != 0 || rec.BooksBeforeStart != 100000 || len(rec.UnreconciledStatement)+len(rec.UnreconciledLedger) != 0 {
		t.Fatalf("after matching: %+v", rec)
	}
	// As of the day before the bank booked it, the match reaches past the
	// date: the February line is outstanding again, and explained.
	rec = f.reconcile("2026-03-05")
	if rec.Unexplained != 0 || len(rec.UnreconciledLedger) != 1 || rec.Difference != 10000 {
		t.Fatalf("as of 5 March: %+v", rec)
	}
}

// TestArchivedBankAccount: posting to a bank account whose ledger account
// is archived names the bank account.
func TestArchivedBankAccount(t *testing.T) {
	f := newFixture(t)
	f.mustImport(week1())
	if _, err := f.inv.ArchiveAccount(ctx, f.p, f.ent.ID, "1000"); err != nil {
		t.Fatal(err)
	}
	_, _, err := f.bs.EntryFromLine(ctx, f.p, f.ent, f.acct.ID, f.lines()["B003"].ID, &bank.EntryInput{Account: ptr("4400")})
	wantErr(t, err, ledger.CodeConflict, "bank_account_archived", "")
}
