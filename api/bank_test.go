package api

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"backoffice/invoicing/pdf/pdftest"
	"backoffice/ledger"
	"backoffice/ledger/bank/bankstore"
)

// The sample month (testdata/bank): the books as books.json holds them,
// four weekly CAMT.053 statements, and what should become of each line.

type sampleBooks struct {
	Entity      map[string]any   `json:"entity"`
	Accounts    []map[string]any `json:"accounts"`
	BankAccount struct {
		AccountCode string `json:"account_code"`
		Name        string `json:"name"`
		IBAN        string `json:"iban"`
		Currency    string `json:"currency"`
	} `json:"bank_account"`
	Customers []map[string]any `json:"customers"`
	Invoices  []struct {
		Number    string           `json:"number"`
		Customer  string           `json:"customer"`
		IssueDate string           `json:"issue_date"`
		Lines     []map[string]any `json:"lines"`
	} `json:"invoices"`
	Entries  []map[string]any `json:"entries"`
	Payments []samplePayment  `json:"payments"`
}

type samplePayment struct {
	Customer  string   `json:"customer"`
	Date      string   `json:"date"`
	Amount    string   `json:"amount"`
	Reference string   `json:"reference"`
	Invoices  []string `json:"invoices"`
}

type sampleExpect struct {
	ClosingBalance string `json:"closing_balance"`
	Lines          []struct {
		BankRef        string         `json:"bank_ref"`
		Amount         string         `json:"amount"`
		Outcome        string         `json:"outcome"`
		Invoices       []string       `json:"invoices"`
		CounterAccount string         `json:"counter_account"`
		LedgerRefs     []string       `json:"ledger_refs"`
		ManualPayment  *samplePayment `json:"manual_payment"`
	} `json:"lines"`
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func id(v any) string { return strconv.FormatInt(num(v), 10) }

// monthBooks is an entity holding the sample books, with its bank account.
type monthBooks struct {
	*fixture
	e        int64
	key      string
	bank     string // the bank account's base path
	invoices map[string]map[string]any
	custs    map[string]string
}

func newMonthBooks(t *testing.T) *monthBooks {
	f := newFixture(t)
	var books sampleBooks
	readJSON(t, "../testdata/bank/books.json", &books)
	e := num(f.must(f.do("POST", "/v1/entities", f.admin, books.Entity), 201).obj["id"])
	m := &monthBooks{fixture: f, e: e, key: f.key(ledger.RoleAccountant, e), invoices: map[string]map[string]any{}, custs: map[string]string{}}
	base := ent(e)
	for _, a := range books.Accounts {
		f.must(f.do("POST", base+"/accounts", m.key, a), 201)
	}
	b := books.BankAccount
	r := f.must(f.do("POST", base+"/bank-accounts", m.key, map[string]any{"account": b.AccountCode, "name": b.Name, "iban": b.IBAN, "currency": b.Currency}), 201)
	m.bank = base + "/bank-accounts/" + id(r.obj["id"])
	for _, c := range books.Customers {
		k := c["key"].(string)
		delete(c, "key")
		m.custs[k] = id(f.must(f.do("POST", base+"/customers", m.key, c), 201).obj["id"])
	}
	for _, in := range books.Invoices {
		d := f.must(f.do("POST", base+"/invoices", m.key, map[string]any{"customer_id": num(json.Number(m.custs[in.Customer])), "issue_date": in.IssueDate, "lines": in.Lines}), 201)
		inv := f.must(f.do("POST", base+"/invoices/"+id(d.obj["id"])+"/issue", m.key, nil), 200).obj
		if inv["number"] != in.Number {
			t.Fatalf("invoice numbered %v, books.json says %s", inv["number"], in.Number)
		}
		m.invoices[in.Number] = inv
	}
	for _, en := range books.Entries {
		f.must(f.do("POST", base+"/entries", m.key, en), 201)
	}
	for _, p := range books.Payments {
		m.pay(p)
	}
	return m
}

// pay records a payment allocated to invoices, each up to what is open.
func (m *monthBooks) pay(p samplePayment) map[string]any {
	m.t.Helper()
	left := mustMinor(m.t, p.Amount)
	var allocs []map[string]any
	for _, n := range p.Invoices {
		inv := m.fixture.must(m.do("GET", ent(m.e)+"/invoices/"+id(m.invoices[n]["id"]), m.key, nil), 200).obj
		amt := min(left, mustMinor(m.t, inv["open"].(string)))
		left -= amt
		allocs = append(allocs, map[string]any{"invoice_id": num(inv["id"]), "amount": fmt.Sprintf("%d.%02d", amt/100, amt%100)})
	}
	return m.must(m.do("POST", ent(m.e)+"/payments", m.key, map[string]any{"customer_id": num(json.Number(m.custs[p.Customer])),
		"date": p.Date, "amount": p.Amount, "reference": p.Reference, "allocations": allocs}), 201).obj
}

func mustMinor(t *testing.T, s string) int64 {
	t.Helper()
	whole, frac, _ := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	w, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseInt((frac + "00")[:2], 10, 64)
	if err1 != nil || err2 != nil {
		t.Fatalf("amount %q", s)
	}
	v := w*100 + f
	if strings.HasPrefix(s, "-") {
		v = -v
	}
	return v
}

func (m *monthBooks) importFile(path string) *response {
	b, err := os.ReadFile(path)
	if err != nil {
		m.t.Fatal(err)
	}
	return m.do("POST", m.bank+"/statements?file_name="+filepath.Base(path), m.key, b, "Content-Type", "application/xml")
}

// lines returns the bank account's statement lines by bank reference.
func (m *monthBooks) lines() map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, l := range m.must(m.do("GET", m.bank+"/statement-lines?limit=200", m.key, nil), 200).obj["data"].([]any) {
		l := l.(map[string]any)
		out[l["bank_ref"].(string)] = l
	}
	return out
}

func (m *monthBooks) ledgerLines(status string) []map[string]any {
	var out []map[string]any
	q := "?limit=200"
	if status != "" {
		q += "&status=" + status
	}
	for _, l := range m.must(m.do("GET", m.bank+"/ledger-lines"+q, m.key, nil), 200).obj["data"].([]any) {
		out = append(out, l.(map[string]any))
	}
	return out
}

// TestSampleMonth reconciles the sample month through the API: imports
// (again, and the refused files), automatic matching, cash application,
// entries from lines, payments recorded by hand and matched, a manual
// match, and a reconciliation that ends with no difference. It logs the
// share matched automatically (docs/bank.md reports it).
func TestSampleMonth(t *testing.T) {
	t.Parallel()
	m := newMonthBooks(t)
	var expect sampleExpect
	readJSON(t, "../testdata/bank/expect.json", &expect)

	autoMatched := num(m.must(m.importFile("../testdata/bank/camt053/2026-03-w1.xml"), 201).obj["auto_matched"])
	again := m.must(m.importFile("../testdata/bank/camt053/2026-03-w1.xml"), 200).obj
	if again["created"] != false || num(again["lines_added"]) != 0 {
		t.Fatalf("importing week 1 again: %v", again)
	}

	// The refused files, after week 1: each names what is wrong, and
	// nothing is written.
	before := m.snapshot(m.e) + string(m.must(m.do("GET", m.bank+"/statement-lines?limit=200", m.key, nil), 200).body)
	for file, want := range map[string]struct {
		status int
		reason string
	}{
		"not-camt.xml":       {422, "camt_not_statement"},
		"malformed.xml":      {422, "xml_malformed"},
		"bomb.xml":           {422, "xml_doctype_refused"},
		"other-iban.xml":     {422, "statement_iban_mismatch"},
		"other-currency.xml": {422, "statement_currency_mismatch"},
		"unbalanced.xml":     {422, "statement_unbalanced"},
		"gap.xml":            {422, "statement_gap"},
		"overlap.xml":        {422, "statement_overlap"},
	} {
		r := m.importFile("../testdata/bank/bad/" + file)
		wantProblem(t, r, want.status, want.reason)
		if errs, _ := r.obj["errors"].([]any); len(errs) == 0 || errs[0].(map[string]any)["path"] == "" {
			t.Errorf("%s: the problem does not say where: %s", file, r.body)
		}
	}
	if after := m.snapshot(m.e) + string(m.must(m.do("GET", m.bank+"/statement-lines?limit=200", m.key, nil), 200).body); after != before {
		t.Fatal("a refused import changed the books or the statement lines")
	}
	for _, w := range []string{"w2", "w3", "w4"} {
		autoMatched += num(m.must(m.importFile("../testdata/bank/camt053/2026-03-"+w+".xml"), 201).obj["auto_matched"])
	}

	// Automatic matching: every line expected to match does, to the
	// expected books entries, and no other line does.
	lines := m.lines()
	if len(lines) != len(expect.Lines) {
		t.Fatalf("%d lines imported, expect.json has %d", len(lines), len(expect.Lines))
	}
	auto, matchIDs, rules := 0, map[int64]bool{}, map[string]int{}
	for _, x := range expect.Lines {
		l := lines[x.BankRef]
		if l == nil || l["amount"] != x.Amount {
			t.Fatalf("line %s: %v, want amount %s", x.BankRef, l, x.Amount)
		}
		matched := l["match_id"] != nil
		if matched != (x.Outcome == "auto") {
			t.Errorf("line %s (%s): matched automatically %v, expected outcome %s", x.BankRef, x.Amount, matched, x.Outcome)
			continue
		}
		if !matched {
			continue
		}
		auto++
		matchIDs[num(l["match_id"])] = true
		mt := m.must(m.do("GET", m.bank+"/matches/"+id(l["match_id"]), m.key, nil), 200).obj
		rules[mt["rule"].(string)]++
		var refs []string
		seen := map[int64]bool{}
		for _, ll := range mt["ledger_lines"].([]any) {
			ll := ll.(map[string]any)
			if seen[num(ll["entry_id"])] {
				continue
			}
			seen[num(ll["entry_id"])] = true
			ref := ll["reference"].(string)
			if ref == "" {
				ref = ll["description"].(string)
			}
			refs = append(refs, ref)
		}
		// One item per books entry: the 1:N card batch names its three
		// entries' shared reference three times.
		want := slices.Clone(x.LedgerRefs)
		slices.Sort(refs)
		slices.Sort(want)
		if !slices.Equal(refs, want) {
			t.Errorf("line %s matched entries %v, want %v", x.BankRef, refs, x.LedgerRefs)
		}
	}
	if int64(len(matchIDs)) != autoMatched {
		t.Errorf("%d matches found, but the imports reported %d", len(matchIDs), autoMatched)
	}
	t.Logf("sample month: %d of %d booked lines (%.0f%%) matched automatically on import in %d matches (lines by rule: %v); %d more by cash application proposals",
		auto, len(expect.Lines), 100*float64(auto)/float64(len(expect.Lines)), len(matchIDs), rules, countOutcome(expect, "cash_application"))

	// Cash application: the proposals are exactly the expected lines, with
	// the invoices they name; accepting each pays its invoices.
	props := m.must(m.do("GET", m.bank+"/proposals", m.key, nil), 200).obj["data"].([]any)
	got := map[string][]string{}
	for _, p := range props {
		p := p.(map[string]any)
		var nums []string
		for _, a := range p["allocations"].([]any) {
			nums = append(nums, a.(map[string]any)["number"].(string))
		}
		got[p["statement_line"].(map[string]any)["bank_ref"].(string)] = nums
	}
	for _, x := range expect.Lines {
		if x.Outcome != "cash_application" {
			if _, ok := got[x.BankRef]; ok {
				t.Errorf("line %s (%s) was proposed as a payment", x.BankRef, x.Outcome)
			}
			continue
		}
		if !slices.Equal(got[x.BankRef], x.Invoices) {
			t.Errorf("line %s: proposal %v, want %v", x.BankRef, got[x.BankRef], x.Invoices)
			continue
		}
		mt := m.must(m.do("POST", m.bank+"/statement-lines/"+id(lines[x.BankRef]["id"])+"/apply", m.key, nil), 201).obj
		if mt["rule"] != "cash_application" || mt["payment_id"] == nil {
			t.Fatalf("apply %s: %v", x.BankRef, mt)
		}
		for _, n := range x.Invoices {
			inv := m.must(m.do("GET", ent(m.e)+"/invoices/"+id(m.invoices[n]["id"]), m.key, nil), 200).obj
			if inv["status"] != "paid" {
				t.Errorf("invoice %s after applying %s: status %v, open %v", n, x.BankRef, inv["status"], inv["open"])
			}
		}
	}

	// Lines not in the books: an entry against the expected account.
	for _, x := range expect.Lines {
		if x.Outcome != "entry" {
			continue
		}
		r := m.must(m.do("POST", m.bank+"/statement-lines/"+id(lines[x.BankRef]["id"])+"/entry", m.key, map[string]any{"account": x.CounterAccount}), 201).obj
		e, _ := r["entry"].(map[string]any)
		if r["match"].(map[string]any)["rule"] != "entry" || e == nil || e["reference"] != x.BankRef || e["date"] != lines[x.BankRef]["booking_date"] {
			t.Fatalf("entry from %s: %v", x.BankRef, r)
		}
		// The entry as the API shows entries everywhere.
		if got := m.must(m.do("GET", ent(m.e)+"/entries/"+id(e["id"]), m.key, nil), 200).obj; fmt.Sprint(got) != fmt.Sprint(e) {
			t.Fatalf("entry from %s: answered %v, GET gives %v", x.BankRef, e, got)
		}
	}

	// Payments recorded by hand, then matched by hand; and the manual match.
	for _, x := range expect.Lines {
		var ledgerLines []map[string]any
		switch x.Outcome {
		case "none":
			p := *x.ManualPayment
			// The line shows the invoices it names, for the person who
			// applies it by hand.
			got := m.must(m.do("GET", m.bank+"/statement-lines/"+id(lines[x.BankRef]["id"]), m.key, nil), 200).obj
			var named []string
			for _, n := range anyList(got["named_invoices"]) {
				named = append(named, n.(map[string]any)["number"].(string))
			}
			var want []string
			if strings.Contains(strings.ToLower(fmt.Sprint(lines[x.BankRef]["remittance"])), "inv-") {
				want = p.Invoices // the short payment names its invoice
			}
			if !slices.Equal(named, want) {
				t.Errorf("line %s (%v) names %v, want %v", x.BankRef, lines[x.BankRef]["remittance"], named, want)
			}
			if p.Date == "" {
				p.Date = lines[x.BankRef]["booking_date"].(string)
			}
			pay := m.pay(p)
			for _, l := range m.ledgerLines("unreconciled") {
				if num(l["entry_id"]) == num(pay["entry_id"]) {
					ledgerLines = append(ledgerLines, map[string]any{"entry_id": l["entry_id"], "line_no": l["line_no"]})
				}
			}
		case "manual":
			for _, l := range m.ledgerLines("unreconciled") {
				if slices.Contains(x.LedgerRefs, l["reference"].(string)) {
					ledgerLines = append(ledgerLines, map[string]any{"entry_id": l["entry_id"], "line_no": l["line_no"]})
				}
			}
		default:
			continue
		}
		body := map[string]any{"statement_lines": []int64{num(lines[x.BankRef]["id"])}, "ledger_lines": ledgerLines}
		m.must(m.do("POST", m.bank+"/matches", m.key, body), 201)
	}

	// Paging through the ledger lines by small pages gives the same lines.
	all := m.ledgerLines("")
	var paged []map[string]any
	for cursor := ""; ; {
		r := m.must(m.do("GET", m.bank+"/ledger-lines?limit=7&cursor="+cursor, m.key, nil), 200).obj
		for _, l := range r["data"].([]any) {
			paged = append(paged, l.(map[string]any))
		}
		if r["has_more"] != true {
			break
		}
		cursor = r["next_cursor"].(string)
	}
	if len(paged) != len(all) || len(all) < 30 {
		t.Fatalf("paged %d ledger lines, listed %d", len(paged), len(all))
	}
	for i := range all {
		if num(paged[i]["entry_id"]) != num(all[i]["entry_id"]) || num(paged[i]["line_no"]) != num(all[i]["line_no"]) {
			t.Fatalf("ledger line %d: paged %v, listed %v", i, paged[i], all[i])
		}
	}

	// Every match, paged, adds up on both sides; together they hold every
	// statement line once.
	held := map[int64]bool{}
	for cursor := ""; ; {
		r := m.must(m.do("GET", m.bank+"/matches?limit=7&cursor="+cursor, m.key, nil), 200).obj
		for _, x := range r["data"].([]any) {
			mt := x.(map[string]any)
			var st, ld int64
			for _, l := range mt["statement_lines"].([]any) {
				st += mustMinor(t, l.(map[string]any)["amount"].(string))
				held[num(l.(map[string]any)["id"])] = true
			}
			for _, l := range mt["ledger_lines"].([]any) {
				ld += mustMinor(t, l.(map[string]any)["amount"].(string))
			}
			if st != ld || (len(mt["statement_lines"].([]any)) > 0 && mustMinor(t, mt["amount"].(string)) != st) {
				t.Fatalf("match %v: statement %d, ledger %d", mt["id"], st, ld)
			}
		}
		if r["has_more"] != true {
			break
		}
		cursor = r["next_cursor"].(string)
	}
	if len(held) != len(expect.Lines) {
		t.Fatalf("the matches hold %d statement lines, the month has %d", len(held), len(expect.Lines))
	}

	// The month is done: nothing outstanding, no difference.
	rec := m.must(m.do("GET", m.bank+"/reconciliation?as_of=2026-03-31", m.key, nil), 200).obj
	if rec["statement_balance"] != expect.ClosingBalance || rec["ledger_balance"] != expect.ClosingBalance || rec["difference"] != "0.00" ||
		rec["unexplained"] != "0.00" || len(rec["unreconciled_statement_lines"].([]any)) != 0 || len(rec["unreconciled_ledger_lines"].([]any)) != 0 ||
		num(rec["reconciled_statement_lines"]) != int64(len(expect.Lines)) {
		t.Fatalf("reconciliation at the end of the month: %s", m.do("GET", m.bank+"/reconciliation?as_of=2026-03-31", m.key, nil).body)
	}
	// Mid-month, the lines after the date are simply not there yet, and
	// what is outstanding explains the difference exactly.
	for _, d := range []string{"2026-03-01", "2026-03-07", "2026-03-10", "2026-03-22"} {
		rec := m.must(m.do("GET", m.bank+"/reconciliation?as_of="+d, m.key, nil), 200).obj
		if rec["unexplained"] != "0.00" {
			t.Errorf("as of %s: unexplained %v", d, rec["unexplained"])
		}
	}

	// A reconciled entry cannot be reversed until it is unmatched.
	var rent map[string]any
	for _, l := range m.ledgerLines("reconciled") {
		if strings.HasPrefix(l["description"].(string), "Huur maart") {
			rent = l
		}
	}
	if rent == nil {
		t.Fatal("no reconciled rent entry")
	}
	wantProblem(t, m.do("POST", ent(m.e)+"/entries/"+id(rent["entry_id"])+"/reverse", m.key, `{"date":"2026-03-31"}`), 409, "entry_reconciled")
	m.must(m.do("DELETE", m.bank+"/matches/"+id(rent["match_id"]), m.key, nil), 200)
	m.must(m.do("POST", ent(m.e)+"/entries/"+id(rent["entry_id"])+"/reverse", m.key, `{"date":"2026-03-31"}`), 201)
	rec = m.must(m.do("GET", m.bank+"/reconciliation?as_of=2026-03-31", m.key, nil), 200).obj
	if rec["unexplained"] != "0.00" || rec["difference"] == "0.00" || len(rec["unreconciled_statement_lines"].([]any)) != 1 {
		t.Fatalf("after unmatching and reversing the rent: %v", rec)
	}

	// verify, with the bank's checks, finds nothing wrong after all of it.
	rep, err := m.st.Verify(t.Context(), bankstore.New(m.st.Store.Store, nil).Verify)
	if err != nil || len(rep.Breaches) != 0 {
		t.Fatalf("verify: %v %v", rep, err)
	}

	// The report as CSV: each section under its title.
	csv := m.must(m.do("GET", m.bank+"/reconciliation?as_of=2026-03-31&format=csv&lang=en", m.key, nil), 200)
	if os.Getenv("BANK_PDF_DUMP") != "" {
		_ = os.WriteFile(os.Getenv("BANK_PDF_DUMP")+".csv", csv.body, 0o644)
	}
	for _, want := range []string{"Balance per bank statement", "17212.59", "Unreconciled statement lines", "-2850.00"} {
		if !strings.Contains(string(csv.body), want) {
			t.Errorf("the reconciliation CSV lacks %q:\n%s", want, csv.body)
		}
	}

	// The report as PDF, in Dutch.
	r := m.must(m.do("GET", m.bank+"/reconciliation?as_of=2026-03-31&format=pdf&lang=nl", m.key, nil), 200)
	if ct := r.header.Get("Content-Type"); ct != "application/pdf" {
		t.Fatalf("Content-Type %q", ct)
	}
	text := pdftest.Text(t, r.body)
	if os.Getenv("BANK_PDF_DUMP") != "" {
		_ = os.WriteFile(os.Getenv("BANK_PDF_DUMP"), r.body, 0o644)
	}
	for _, want := range []string{"Bankafstemming", "31-03-2026", "Saldo volgens bankafschrift", "17.212,59", "Niet afgestemde bankregels"} {
		if text != "" && !strings.Contains(text, want) {
			t.Errorf("the reconciliation PDF lacks %q:\n%s", want, text)
		}
	}
}

func anyList(v any) []any {
	l, _ := v.([]any)
	return l
}

func countOutcome(e sampleExpect, outcome string) int {
	n := 0
	for _, l := range e.Lines {
		if l.Outcome == outcome {
			n++
		}
	}
	return n
}

// TestStatementImportHTTP: a CSV export through the API (mapping saved by
// PATCH), imported twice; and the refusals of the route itself.
// rabobankSample is the sample Rabobank CSV export of March and its saved
// column mapping (testdata/bank/csv).
func rabobankSample(t *testing.T) (mapping, data []byte) {
	t.Helper()
	mapping, err := os.ReadFile("../testdata/bank/csv/rabobank.mapping.json")
	if err != nil {
		t.Fatal(err)
	}
	if data, err = os.ReadFile("../testdata/bank/csv/rabobank-2026-03.csv"); err != nil {
		t.Fatal(err)
	}
	return mapping, data
}

func TestStatementImportHTTP(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	e := f.entity("Rabo Test")
	key := f.key(ledger.RoleAccountant, e)
	mapping, data := rabobankSample(t)
	r := f.must(f.do("POST", ent(e)+"/bank-accounts", key, `{"account":"1010","iban":"NL28 RABO 0318 4277 56"}`), 201)
	if r.obj["iban"] != "NL28RABO0318427756" || r.obj["name"] != "Bank NL28RABO0318427756" || num(r.obj["match_window_days"]) != 5 {
		t.Fatalf("bank account: %s", r.body)
	}
	bank := ent(e) + "/bank-accounts/" + id(r.obj["id"])
	wantProblem(t, f.do("POST", bank+"/statements", key, data, "Content-Type", "text/csv"), 422, "csv_mapping_missing", "format")
	f.must(f.do("PATCH", bank, key, `{"csv_mapping":`+string(mapping)+`}`), 200)

	r = f.must(f.do("POST", bank+"/statements", key, data, "Content-Type", "text/csv; charset=utf-8"), 201)
	if num(r.obj["lines_added"]) != 16 || len(r.obj["statements"].([]any)) != 1 {
		t.Fatalf("first import: %s", r.body)
	}
	st := r.obj["statements"].([]any)[0].(map[string]any)
	if st["opening_balance"] != "4210.35" || st["closing_balance"] != "8578.91" || st["format"] != "csv" {
		t.Fatalf("statement: %v", st)
	}
	r = f.must(f.do("POST", bank+"/statements?format=csv", key, data, "Content-Type", "application/octet-stream"), 200)
	// The same file again is the statement imported before.
	if sts := r.obj["statements"].([]any); num(r.obj["lines_added"]) != 0 || num(r.obj["lines_skipped"]) != 16 || len(sts) != 1 || num(sts[0].(map[string]any)["id"]) != num(st["id"]) {
		t.Fatalf("second import: %s", r.body)
	}
	got := f.must(f.do("GET", bank+"/statements/"+id(st["id"]), key, nil), 200).obj
	if len(got["lines"].([]any)) != 16 {
		t.Fatalf("statement with lines: %v", got)
	}

	wantProblem(t, f.do("POST", bank+"/statements", key, data, "Content-Type", "application/json"), 415, "content_type_unsupported")
	wantProblem(t, f.do("POST", bank+"/statements?format=mt940", key, data, "Content-Type", "text/csv"), 422, "format_invalid", "format")
	for _, bad := range []string{"12,50", ".", "-", "1e3", "--1", "1.005"} {
		wantProblem(t, f.do("POST", bank+"/statements?opening_balance="+url.QueryEscape(bad), key, data, "Content-Type", "text/csv"), 422, "amount_invalid", "opening_balance")
	}
	wantProblem(t, f.do("POST", bank+"/statements?file_name="+strings.Repeat("x", 256), key, data, "Content-Type", "text/csv"), 422, "file_name_invalid", "file_name")
	wantProblem(t, f.do("POST", bank+"/statements", key, "", "Content-Type", "text/csv"), 400, "body_empty")
	big := make([]byte, 17<<20)
	wantProblem(t, f.do("POST", bank+"/statements", key, big, "Content-Type", "text/csv"), 413, "body_too_large")
	wantProblem(t, f.do("GET", ent(e)+"/bank-accounts/999999", key, nil), 404, "not_found")
	wantProblem(t, f.do("GET", bank+"/reconciliation?as_of=2026-02-01", key, nil), 422, "as_of_before_first_statement", "as_of")
	wantProblem(t, f.do("GET", bank+"/statement-lines?status=open", key, nil), 422, "status_invalid", "status")
}
