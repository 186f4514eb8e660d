package api

import (
	"context"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"backoffice/invoicing/invstore"
	"backoffice/invoicing/orders/orderstore"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
	"backoffice/ledger/sqlstore/sqltest"
)

// xafFile is what the tests read back from an audit file.
type xafFile struct {
	XMLName xml.Name `xml:"auditfile"`
	Header  struct {
		FiscalYear string `xml:"fiscalYear"`
		StartDate  string `xml:"startDate"`
		EndDate    string `xml:"endDate"`
		CurCode    string `xml:"curCode"`
		Created    string `xml:"dateCreated"`
	} `xml:"header"`
	Company struct {
		Name    string `xml:"companyName"`
		Country string `xml:"taxRegistrationCountry"`
		Parties []struct {
			ID      string   `xml:"custSupID"`
			Name    string   `xml:"custSupName"`
			Tp      string   `xml:"custSupTp"`
			Country []string `xml:"streetAddress>country"`
			TaxCtry string   `xml:"taxRegistrationCountry"`
		} `xml:"customersSuppliers>customerSupplier"`
		Accounts []struct {
			ID         string `xml:"accID"`
			Desc       string `xml:"accDesc"`
			Tp         string `xml:"accTp"`
			TaxoRef    string `xml:"taxonomy>taxoRef"`
			ConceptRef string `xml:"taxonomy>entryPoint>conceptRef"`
		} `xml:"generalLedger>ledgerAccount"`
		VATCodes []struct {
			ID string `xml:"vatID"`
		} `xml:"vatCodes>vatCode"`
		Periods []struct {
			Number string `xml:"periodNumber"`
		} `xml:"periods>period"`
		Opening struct {
			Date   string `xml:"opBalDate"`
			Count  int    `xml:"linesCount"`
			Debit  string `xml:"totalDebit"`
			Credit string `xml:"totalCredit"`
			Lines  []struct {
				Account string `xml:"accID"`
				Amount  string `xml:"amnt"`
				Tp      string `xml:"amntTp"`
			} `xml:"obLine"`
		} `xml:"openingBalance"`
		Transactions struct {
			Count    int    `xml:"linesCount"`
			Debit    string `xml:"totalDebit"`
			Credit   string `xml:"totalCredit"`
			Journals []struct {
				ID           string `xml:"jrnID"`
				Tp           string `xml:"jrnTp"`
				Transactions []struct {
					Nr     string `xml:"nr"`
					Period string `xml:"periodNumber"`
					Date   string `xml:"trDt"`
					Lines  []struct {
						Account string `xml:"accID"`
						DocRef  string `xml:"docRef"`
						EffDate string `xml:"effDate"`
						Desc    string `xml:"desc"`
						Amount  string `xml:"amnt"`
						Tp      string `xml:"amntTp"`
						Party   string `xml:"custSupID"`
						CurCode string `xml:"currency>curCode"`
						CurAmnt string `xml:"currency>curAmnt"`
					} `xml:"trLine"`
				} `xml:"transaction"`
			} `xml:"journal"`
		} `xml:"transactions"`
	} `xml:"company"`
}

// cents reads an audit file amount ("121.00") as cents.
func cents(t *testing.T, s string) int64 {
	t.Helper()
	whole, frac, _ := strings.Cut(s, ".")
	for len(frac) < 2 {
		frac += "0"
	}
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		t.Fatalf("amount %q: %v", s, err)
	}
	return n
}

// validateXAF checks a file against the official XAF 3.2 schema with
// xmllint. Where xmllint is missing it says so in the log and returns, so
// that the rest of the test (the figures) still runs; CI installs it.
func validateXAF(t *testing.T, body []byte) {
	t.Helper()
	lint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Log("xmllint is not installed (apt-get install libxml2-utils): the file is not validated against the schema")
		return
	}
	path := filepath.Join(t.TempDir(), "audit.xaf")
	if err := os.WriteFile(path, body, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(lint, "--noout", "--schema", filepath.Join("..", "testdata", "xaf", "XmlAuditfileFinancieel3.2.xsd"), path).CombinedOutput()
	if err != nil {
		t.Errorf("the audit file is not valid XAF 3.2: %v\n%s", err, out)
	}
}

// TestAuditFile builds a year of small, realistic books through the API (a
// year before with share capital and an unclosed result; a sales invoice
// and its payment, a purchase invoice and its payment, a bank entry, a
// memorial entry), downloads the audit file of 2026 and of March, checks
// them against the official schema, and their figures against the sums
// worked out here and against the trial balance.
func TestAuditFile(t *testing.T) {
	f := newFixture(t)
	e := num(f.must(f.do("POST", "/v1/entities", f.admin, map[string]any{"name": "Bakkerij Audit B.V.", "currency": "EUR",
		"chart_template": "standard", "locale": "nl", "registration_id": "12345678", "vat_number": "NL000099998B57",
		"address": map[string]any{"lines": []string{"Dorpsstraat 1"}, "postcode": "1234 AB", "city": "Utrecht", "country": "NL"}}), 201).obj["id"])
	acct := f.key(ledger.RoleAccountant, e)
	base := ent(e)
	id := func(r *response) string { return strconv.FormatInt(num(f.must(r, 201).obj["id"]), 10) }

	// 2025: share capital paid in, a cost; the year is not closed.
	f.post(e, acct, entryJSON("2025-06-01", "Storting aandelenkapitaal", dr("1000", "1000.00"), cr("2000", "1000.00")))
	f.post(e, acct, entryJSON("2025-07-01", "Kosten 2025", dr("4500", "10.00"), cr("1000", "10.00")))

	// 2026. The bank account's ledger account is 1000.
	f.must(f.do("POST", base+"/bank-accounts", acct, `{"account":"1000","iban":"NL28RABO0318427756","name":"Rabobank"}`), 201)
	cust := id(f.do("POST", base+"/customers", acct, `{"name":"Hotel De Kroon","email":"ap@dekroon.example"}`))
	inv := id(f.do("POST", base+"/invoices", acct, `{"customer_id":`+cust+`,"issue_date":"2026-03-02",
		"lines":[{"description":"Brood","quantity":"4","unit_price":"25.00","tax_code":"21"}]}`)) // 100.00 + 21.00 VAT
	f.must(f.do("POST", base+"/invoices/"+inv+"/issue", acct, nil), 200)
	f.must(f.do("POST", base+"/payments", acct, `{"customer_id":`+cust+`,"date":"2026-03-20","amount":"121.00","reference":"BANK-1",
		"allocations":[{"invoice_id":`+inv+`,"amount":"121.00"}]}`), 201)
	sup := id(f.do("POST", base+"/suppliers", acct, `{"name":"Kantoorhuis B.V.","iban":"NL91ABNA0417164300"}`))
	supID, _ := strconv.ParseInt(sup, 10, 64)
	pinv := f.must(f.do("POST", base+"/purchase-invoices", acct, map[string]any{"supplier_id": supID, "supplier_invoice_number": "K-77",
		"invoice_date": "2026-03-05", "vat_date": "2026-03-05", "book": true,
		"lines": []map[string]any{{"description": "Papier", "account": "4200", "amount": "100.00", "tax_code": "P21"}}}), 201).obj
	f.must(f.do("POST", base+"/supplier-payments", acct, map[string]any{"supplier_id": supID, "date": "2026-03-25", "amount": "121.00",
		"reference": "BANK-2", "allocations": []map[string]any{{"purchase_invoice_id": num(pinv["id"]), "amount": "121.00"}}}), 201)
	f.post(e, acct, entryJSON("2026-04-01", "Huur april", dr("4100", "500.00"), cr("1000", "500.00")))
	f.post(e, acct, entryJSON("2026-04-30", "Nog te betalen kosten", dr("4500", "50.00"), cr("1800", "50.00")))
	// A customer in Northern Ireland (XI, not in the 3.2 country list: its
	// country is left out), and a memorial entry with characters XML must
	// escape or cannot carry (a control character) and two foreign
	// currency lines: RON (not in the 3.2 currency list: the line's
	// currency is left out) at 0.2 and USD at 1.
	ni := id(f.do("POST", base+"/customers", acct, `{"name":"Belfast Bakes & Co","address":{"lines":["1 Main St"],"city":"Belfast","country":"XI"}}`))
	odd := `Correctie & <verkoop> \"quote\" 'apos' \u0001 bel` // JSON text
	f.post(e, acct, `{"date":"2026-05-15","description":"`+odd+`","lines":[
		{"account":"1100","debit":"500.00","currency":"RON","exchange_rate":"0.2"},
		{"account":"8000","credit":"100.00","currency":"USD","exchange_rate":"1","description":"Export & <usd>"}]}`)

	r := f.must(f.do("GET", base+"/audit-file?fiscal_year=2026", acct, nil), 200)
	if ct := r.header.Get("Content-Type"); ct != "application/xml" {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := r.header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, ".xaf") {
		t.Errorf("Content-Disposition %q", cd)
	}
	yearFile := r.body // validated against the schema at the end, after the figures
	var x xafFile
	if err := xml.Unmarshal(r.body, &x); err != nil {
		t.Fatal(err)
	}
	if x.Header.FiscalYear != "2026" || x.Header.StartDate != "2026-01-01" || x.Header.EndDate != "2026-12-31" || x.Header.CurCode != "EUR" {
		t.Errorf("header %+v", x.Header)
	}

	// The chart in Dutch with its RGS codes.
	accounts := map[string]string{}
	for _, a := range x.Company.Accounts {
		accounts[a.ID] = a.Desc + "|" + a.Tp + "|" + a.TaxoRef + "|" + a.ConceptRef
	}
	for code, want := range map[string]string{
		"1000": "Bank|B|RGS 3.8|BLimBanRba",
		"1100": "Debiteuren|B|RGS 3.8|BVorDebHad",
		"1600": "Crediteuren|B|RGS 3.8|BSchCreHac",
		"8000": "Omzet|P|RGS 3.8|WOmzNopOlh",
		"4100": "Huur|P|RGS 3.8|WBedHui",
	} {
		if accounts[code] != want {
			t.Errorf("ledger account %s: %q, want %q", code, accounts[code], want)
		}
	}
	parties := map[string]string{}
	for _, p := range x.Company.Parties {
		parties[p.ID] = p.Name + "|" + p.Tp
	}
	if parties["C"+cust] != "Hotel De Kroon|C" || parties["S"+sup] != "Kantoorhuis B.V.|S" || parties["C"+ni] != "Belfast Bakes & Co|C" {
		t.Errorf("customers and suppliers: %v", parties)
	}
	for _, p := range x.Company.Parties {
		if p.ID == "C"+ni && (len(p.Country) != 0 || p.TaxCtry != "") {
			t.Errorf("customer in XI: countries %v %q; XI is not in the 3.2 list and is left out", p.Country, p.TaxCtry)
		}
	}
	if x.Company.Country != "NL" {
		t.Errorf("company country %q", x.Company.Country)
	}
	if len(x.Company.Periods) != 12 || len(x.Company.VATCodes) == 0 {
		t.Errorf("%d periods, %d VAT codes", len(x.Company.Periods), len(x.Company.VATCodes))
	}

	// Opening balance on 2026-01-01: bank 1,000.00 - 10.00, share capital
	// 1,000.00, and the unclosed result of 2025 (a cost of 10.00) on
	// retained earnings.
	net := map[string]int64{}
	sign := func(tp string) int64 {
		if tp == "C" {
			return -1
		}
		return 1
	}
	opening := map[string]int64{}
	for _, l := range x.Company.Opening.Lines {
		opening[l.Account] += sign(l.Tp) * cents(t, l.Amount)
		net[l.Account] += sign(l.Tp) * cents(t, l.Amount)
	}
	wantOpening := map[string]int64{"1000": 99000, "2000": -100000, "2100": 1000}
	if !equalMaps(opening, wantOpening) || x.Company.Opening.Date != "2026-01-01" || x.Company.Opening.Count != 3 ||
		cents(t, x.Company.Opening.Debit) != 100000 || cents(t, x.Company.Opening.Credit) != 100000 {
		t.Errorf("opening balance %+v, by account %v, want %v", x.Company.Opening, opening, wantOpening)
	}

	// The transactions: 16 lines, 1,134.00 each side, in four journals.
	tr := x.Company.Transactions
	if tr.Count != 16 || cents(t, tr.Debit) != 113400 || cents(t, tr.Credit) != 113400 {
		t.Errorf("transactions: %d lines, debit %s, credit %s; want 16, 1134.00, 1134.00", tr.Count, tr.Debit, tr.Credit)
	}
	journals := map[string]string{}
	var lines int
	var debit, credit int64
	partyLines := map[string]string{}
	currencyLines := map[string]string{}
	var oddLines []string
	for _, j := range tr.Journals {
		var dates []string
		for _, tx := range j.Transactions {
			dates = append(dates, tx.Date)
			if tx.Period != strconv.Itoa(int(mustMonth(t, tx.Date))) {
				t.Errorf("transaction %s of %s in period %s", tx.Nr, tx.Date, tx.Period)
			}
			for _, l := range tx.Lines {
				lines++
				a := cents(t, l.Amount)
				if l.Tp == "D" {
					debit += a
				} else {
					credit += a
				}
				net[l.Account] += sign(l.Tp) * a
				if l.DocRef == "" || l.EffDate != tx.Date {
					t.Errorf("line of %s: docRef %q, effDate %q", tx.Nr, l.DocRef, l.EffDate)
				}
				if l.Party != "" {
					partyLines[j.ID+" "+l.Account+" "+tx.Date] = l.Party
				}
				if l.CurCode != "" || l.CurAmnt != "" {
					currencyLines[j.ID+" "+l.Account+" "+tx.Date] = l.CurCode + " " + l.CurAmnt
				}
				if tx.Date == "2026-05-15" {
					oddLines = append(oddLines, l.Desc)
				}
			}
		}
		journals[j.ID+"/"+j.Tp] = strings.Join(dates, ",")
	}
	wantJournals := map[string]string{
		"VK/S":  "2026-03-02",                       // the invoice
		"IK/P":  "2026-03-05",                       // the purchase invoice
		"BK/B":  "2026-03-20,2026-03-25,2026-04-01", // payment received, payment made, rent from the bank
		"MEM/M": "2026-04-30,2026-05-15",            // the accrual, the foreign currency entry
	}
	if !equalMaps(journals, wantJournals) {
		t.Errorf("journals %v, want %v", journals, wantJournals)
	}
	if lines != tr.Count || debit != 113400 || credit != 113400 {
		t.Errorf("the lines add up to %d lines, %d debit, %d credit; the totals say %d, %s, %s", lines, debit, credit, tr.Count, tr.Debit, tr.Credit)
	}
	wantParties := map[string]string{
		"VK 1100 2026-03-02": "C" + cust, "BK 1100 2026-03-20": "C" + cust,
		"IK 1600 2026-03-05": "S" + sup, "BK 1600 2026-03-25": "S" + sup,
	}
	if !equalMaps(partyLines, wantParties) {
		t.Errorf("lines with a customer or supplier %v, want %v", partyLines, wantParties)
	}
	// The USD line carries its currency; the RON line does not (RON is not
	// in the 3.2 list); the odd characters come back as written, the
	// control character (which XML 1.0 cannot carry) as U+FFFD.
	if want := map[string]string{"MEM 8000 2026-05-15": "USD 100.00"}; !equalMaps(currencyLines, want) {
		t.Errorf("lines with a currency %v, want %v", currencyLines, want)
	}
	if want := []string{"Correctie & <verkoop> \"quote\" 'apos' \uFFFD bel", "Export & <usd>"}; strings.Join(oddLines, "|") != strings.Join(want, "|") {
		t.Errorf("descriptions of the odd entry %q, want %q", oddLines, want)
	}

	// Opening balance plus the year's lines, by account, worked out by hand.
	beforeMay := map[string]int64{
		"1000": 99000 + 12100 - 12100 - 50000, "1200": 2100, "1700": -2100, "1800": -5000,
		"2000": -100000, "2100": 1000, "4100": 50000, "4200": 10000, "4500": 5000, "8000": -10000,
	}
	want := map[string]int64{"1100": 500 * 20} // 500.00 RON at 0.2
	for k, v := range beforeMay {
		want[k] = v
	}
	want["8000"] -= 100 * 100 // 100.00 USD at 1
	for k, v := range net {
		if v == 0 {
			delete(net, k)
		}
	}
	if !equalMaps(net, want) {
		t.Errorf("balances from the audit file %v, want %v", net, want)
	}
	// The balance sheet accounts agree with the trial balance at the year
	// end (its profit and loss accounts run on from 2025, unclosed).
	tb := f.must(f.do("GET", base+"/reports/trial-balance?as_of=2026-12-31", acct, nil), 200).obj
	for _, row := range tb["accounts"].([]any) {
		a := row.(map[string]any)
		code := a["code"].(string)
		if code[0] >= '4' || code == "2100" {
			continue
		}
		if got := cents(t, a["debit"].(string)) - cents(t, a["credit"].(string)); got != want[code] {
			t.Errorf("trial balance %s: %d, audit file %d", code, got, want[code])
		}
	}

	// March only: the opening is the same (nothing in January and
	// February), the lines are the four documents' ten.
	r = f.must(f.do("GET", base+"/audit-file?from=2026-03-01&to=2026-03-31", acct, nil), 200)
	validateXAF(t, r.body)
	var m xafFile
	if err := xml.Unmarshal(r.body, &m); err != nil {
		t.Fatal(err)
	}
	if m.Company.Transactions.Count != 10 || cents(t, m.Company.Transactions.Debit) != 48400 || m.Header.StartDate != "2026-03-01" || m.Company.Opening.Count != 3 {
		t.Errorf("March: %d lines, debit %s, opening %d lines", m.Company.Transactions.Count, m.Company.Transactions.Debit, m.Company.Opening.Count)
	}
	// May to December: the opening carries the year's profit and loss so
	// far; the lines are the May entry's two.
	r = f.must(f.do("GET", base+"/audit-file?from=2026-05-01&to=2026-12-31", acct, nil), 200)
	validateXAF(t, r.body)
	var rest xafFile
	if err := xml.Unmarshal(r.body, &rest); err != nil {
		t.Fatal(err)
	}
	restOpening := map[string]int64{}
	for _, l := range rest.Company.Opening.Lines {
		restOpening[l.Account] += sign(l.Tp) * cents(t, l.Amount)
	}
	if !equalMaps(restOpening, beforeMay) || rest.Company.Transactions.Count != 2 {
		t.Errorf("May to December: opening %v, want %v; %d lines, want 2", restOpening, beforeMay, rest.Company.Transactions.Count)
	}
	validateXAF(t, yearFile)
	// A client reads it too.
	client := f.key(ledger.RoleClient, e)
	f.must(f.do("GET", base+"/audit-file?fiscal_year=2026", client, nil), 200)
}

// TestAuditFileRefusals: a period outside the books or not within one
// fiscal year is a 422 with its reason, before any byte of a file.
func TestAuditFileRefusals(t *testing.T) {
	f := newFixture(t)
	e := f.entity("Refusals")
	f.post(e, f.admin, rent) // 2026-03-15
	for _, c := range []struct{ query, reason, field string }{
		{"?fiscal_year=2025", "audit_file_period_outside_books", "fiscal_year"},
		{"?fiscal_year=2099", "audit_file_period_outside_books", "fiscal_year"},
		{"?from=2024-01-01&to=2024-03-31", "audit_file_period_outside_books", "from"},
		{"?from=2026-11-01&to=2027-01-31", "period_invalid", "to"},
		{"?from=2026-03-31&to=2026-03-01", "period_invalid", "to"},
		{"?fiscal_year=2026&from=2026-01-01", "period_invalid", "fiscal_year"},
		{"", "field_required", "fiscal_year"},
		{"?from=2026-01-01", "field_required", "to"},
		{"?to=2026-03-31", "field_required", "from"},
		{"?fiscal_year=twenty", "period_invalid", "fiscal_year"},
		{"?from=2026-13-01&to=2026-12-31", "date_invalid", "from"},
	} {
		r := f.do("GET", ent(e)+"/audit-file"+c.query, f.admin, nil)
		if r.status != 422 || r.obj["reason"] != c.reason || !strings.Contains(string(r.body), `"path":"`+c.field+`"`) {
			t.Errorf("%s: %s, want 422 %s on %s", c.query, r, c.reason, c.field)
		}
		if strings.Contains(r.header.Get("Content-Type"), "xml") {
			t.Errorf("%s: a refusal answered as %s", c.query, r.header.Get("Content-Type"))
		}
	}
}

func mustMonth(t *testing.T, d string) int64 {
	t.Helper()
	m, err := strconv.ParseInt(d[5:7], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func equalMaps[K comparable, V comparable](a, b map[K]V) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestAuditFileCodeLists: a functional currency or a country of the
// entity that the 3.2 schema's lists (of 2018) lack cannot be written in
// the file's required elements: a 422 with its reason, before any byte.
func TestAuditFileCodeLists(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct {
		body   map[string]any
		reason string
	}{
		{map[string]any{"name": "Bucuresti SRL", "currency": "RON", "chart_template": "standard"}, "audit_file_currency"},
		{map[string]any{"name": "Istanbul AS", "currency": "TRY", "chart_template": "standard"}, "audit_file_currency"},
		{map[string]any{"name": "Belfast Ltd", "currency": "EUR", "chart_template": "standard",
			"address": map[string]any{"lines": []string{"1 Main St"}, "city": "Belfast", "country": "XI"}}, "audit_file_country"},
	} {
		e := num(f.must(f.do("POST", "/v1/entities", f.admin, c.body), 201).obj["id"])
		f.post(e, f.admin, rent)
		r := f.do("GET", ent(e)+"/audit-file?fiscal_year=2026", f.admin, nil)
		if r.status != 422 || r.obj["reason"] != c.reason || strings.Contains(r.header.Get("Content-Type"), "xml") {
			t.Errorf("%s: %s, want 422 %s", c.body["name"], r, c.reason)
		}
	}
}

// TestAuditFileRetainedEarnings: the unclosed result of earlier years
// opens on the account the year-end close used (here 2150, not 2100); an
// entity whose chart has no usable retained earnings account is refused
// rather than given an opening balance that does not balance.
func TestAuditFileRetainedEarnings(t *testing.T) {
	f := newFixture(t)
	e := f.entity("Retained")
	base := ent(e)
	f.must(f.do("POST", base+"/accounts", f.admin, `{"code":"2150","name":"Winstreserve","type":"equity"}`), 201)
	f.post(e, f.admin, entryJSON("2025-06-01", "Kosten 2025", dr("4500", "10.00"), cr("1000", "10.00")))
	f.must(f.do("POST", base+"/fiscal-years/2025/close", f.admin, `{"retained_earnings_account":"2150"}`), 201)
	f.post(e, f.admin, entryJSON("2026-06-01", "Kosten 2026", dr("4500", "20.00"), cr("1000", "20.00")))
	f.post(e, f.admin, entryJSON("2027-02-01", "Kosten 2027", dr("4500", "5.00"), cr("1000", "5.00")))

	// 2027 opens with the bank (-10.00 - 20.00), and on 2150 the 2025
	// result closed into it (10.00 debit) and the unclosed 2026 result
	// (20.00 debit).
	r := f.must(f.do("GET", base+"/audit-file?fiscal_year=2027", f.admin, nil), 200)
	var x xafFile
	if err := xml.Unmarshal(r.body, &x); err != nil {
		t.Fatal(err)
	}
	opening := map[string]int64{}
	for _, l := range x.Company.Opening.Lines {
		n := cents(t, l.Amount)
		if l.Tp == "C" {
			n = -n
		}
		opening[l.Account] += n
	}
	if want := map[string]int64{"1000": -3000, "2150": 3000}; !equalMaps(opening, want) ||
		cents(t, x.Company.Opening.Debit) != 3000 || cents(t, x.Company.Opening.Credit) != 3000 {
		t.Errorf("opening of 2027 %v (debit %s, credit %s), want %v, 30.00 each side", opening, x.Company.Opening.Debit, x.Company.Opening.Credit, want)
	}
	validateXAF(t, r.body)

	// No close to follow and no 2100 (archived): refused.
	g := f.entity("No retained earnings")
	f.post(g, f.admin, entryJSON("2025-06-01", "Kosten 2025", dr("4500", "10.00"), cr("1000", "10.00")))
	f.post(g, f.admin, rent)
	f.must(f.do("POST", ent(g)+"/accounts/2100/archive", f.admin, nil), 200)
	r = f.do("GET", ent(g)+"/audit-file?fiscal_year=2026", f.admin, nil)
	if r.status != 422 || r.obj["reason"] != "retained_earnings_required" || !strings.Contains(string(r.body), `"path":"fiscal_year"`) {
		t.Errorf("no retained earnings account: %s, want 422 retained_earnings_required at fiscal_year", r)
	}
	// A year that opens with no unclosed result needs no such account.
	f.must(f.do("GET", ent(g)+"/audit-file?fiscal_year=2025", f.admin, nil), 200)
}

// TestAuditFileDateCreated: the day the file is made is the server's
// clock's (the store's), in the entity's time zone: 23:30 UTC on 31
// December 2026 is 1 January 2027 in Amsterdam.
func TestAuditFileDateCreated(t *testing.T) {
	cfg := sqltest.Config(t)
	cfg.Clock = func() time.Time { return time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC) }
	sst, err := sqlstore.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sst.Close() })
	st := orderstore.New(invstore.New(sst))
	_, secret, err := st.CreateKey(context.Background(), nil, &ledger.KeyInput{Name: "admin", Role: ledger.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, st: st, srv: New(testConfig(st)), admin: secret}
	e := num(f.must(f.do("POST", "/v1/entities", f.admin, map[string]any{"name": "Klok", "currency": "EUR",
		"chart_template": "standard", "time_zone": "Europe/Amsterdam"}), 201).obj["id"])
	f.post(e, f.admin, rent)
	r := f.must(f.do("GET", ent(e)+"/audit-file?fiscal_year=2026", f.admin, nil), 200)
	var x xafFile
	if err := xml.Unmarshal(r.body, &x); err != nil {
		t.Fatal(err)
	}
	if x.Header.Created != "2027-01-01" {
		t.Errorf("dateCreated %q, want 2027-01-01 (the store's clock in Amsterdam)", x.Header.Created)
	}
}

// TestAccountRGSCodeFitsType: the audit file writes an account's B or P
// from its type, so an RGS code must fit it: B codes on asset, liability
// and equity accounts, W codes on revenue and expense accounts.
func TestAccountRGSCodeFitsType(t *testing.T) {
	f := newFixture(t)
	e := f.entity("RGS types")
	base := ent(e) + "/accounts"
	for _, c := range []struct{ method, path, body string }{
		{"POST", base, `{"code":"8500","name":"Overige omzet","type":"revenue","rgs_code":"BLimBanRba"}`},
		{"POST", base, `{"code":"4600","name":"Overige kosten","type":"expense","rgs_code":"BEivOre"}`},
		{"POST", base, `{"code":"1030","name":"Spaarrekening","type":"asset","rgs_code":"WOmzNopOlh"}`},
		{"POST", base, `{"code":"2200","name":"Reserve","type":"equity","rgs_code":"WBedHui"}`},
		{"PATCH", base + "/1000", `{"rgs_code":"WBedHui"}`},
		{"PATCH", base + "/8000", `{"rgs_code":"BLimBanRba","rgs_version":"3.7"}`},
	} {
		r := f.do(c.method, c.path, f.admin, c.body)
		if r.status != 422 || r.obj["reason"] != "rgs_code_invalid" || !strings.Contains(string(r.body), `"path":"rgs_code"`) {
			t.Errorf("%s %s %s: %s, want 422 rgs_code_invalid at rgs_code", c.method, c.path, c.body, r)
		}
	}
	// Nothing changed; codes that fit are taken.
	if a := f.must(f.do("GET", base+"/1000", f.admin, nil), 200).obj; a["rgs_code"] != "BLimBanRba" {
		t.Errorf("1000 after a refused patch: %v", a)
	}
	f.must(f.do("POST", base, f.admin, `{"code":"8500","name":"Overige omzet","type":"revenue","rgs_code":"WOmzNopOlh"}`), 201)
	f.must(f.do("POST", base, f.admin, `{"code":"2200","name":"Reserve","type":"equity","rgs_code":"BEivOre"}`), 201)
	f.must(f.do("PATCH", base+"/8000", f.admin, `{"rgs_code":"WOmzNopOlv"}`), 200)
}
