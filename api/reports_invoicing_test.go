package api

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"backoffice/invoicing"
	"backoffice/invoicing/invstore"
	"backoffice/invoicing/orders/orderstore"
	"backoffice/invoicing/pdf/pdftest"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore/sqltest"
)

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

func mustLocation(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// receivables is books with an invoice of 323.92 (2026-03-10, due
// 2026-03-24) and 100.00 paid on it.
func receivables(t *testing.T) *books {
	b := newBooks(t)
	id := b.invoice(bread + "," + advice)
	b.issue(id)
	b.must(b.do("POST", b.base+"/payments", b.acct, `{"customer_id":`+b.cust+`,"date":"2026-03-12","amount":"100.00","reference":"TRX-1",
		"allocations":[{"invoice_id":`+id+`,"amount":"100.00"}]}`), 201)
	return b
}

func firstLine(body []byte) string {
	l, _, _ := strings.Cut(string(body), "\r\n")
	return l
}

func wantPDF(t *testing.T, r *response, filename string) {
	t.Helper()
	if r.status != 200 || r.header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(r.body, []byte("%PDF-")) {
		t.Fatalf("want a PDF, got %d %s %.40q", r.status, r.header.Get("Content-Type"), r.body)
	}
	if cd := r.header.Get("Content-Disposition"); !strings.Contains(cd, filename) {
		t.Errorf("Content-Disposition %q; want %s", cd, filename)
	}
}

func TestAgedReceivablesOverHTTP(t *testing.T) {
	t.Parallel()
	b := receivables(t)
	r := b.must(b.do("GET", b.base+"/reports/aged-receivables?as_of=2026-04-30", b.acct, nil), 200).obj
	bal := b.must(b.do("GET", b.base+"/accounts/1100/balance?as_of=2026-04-30", b.acct, nil), 200).obj["balance"].(map[string]any)["balance"]
	total := r["total"].(map[string]any)
	// 223.92 open, due 2026-03-24: 37 days late on 2026-04-30.
	if total["total"] != "223.92" || total["days_31_60"] != "223.92" || r["ledger_balance"] != "223.92" || r["difference"] != "0.00" || bal != "223.92" {
		t.Fatalf("aged receivables %v; ledger %v", r, bal)
	}
	if r["as_of"] != "2026-04-30" || r["currency"] != "EUR" || len(r["customers"].([]any)) != 1 {
		t.Fatalf("aged receivables %v", r)
	}
	csv := b.must(b.do("GET", b.base+"/reports/aged-receivables?as_of=2026-04-30&format=csv&detail=true", b.acct, nil), 200)
	if h := firstLine(csv.body); h != "customer,not_due,days_1_30,days_31_60,days_61_90,over_90,unallocated,total" ||
		!strings.HasPrefix(csv.header.Get("Content-Type"), "text/csv") || !strings.Contains(string(csv.body), "INV-2026-0001,,,223.92,,,,223.92") {
		t.Fatalf("csv %s:\n%s", csv.header.Get("Content-Type"), csv.body)
	}
	wantPDF(t, b.do("GET", b.base+"/reports/aged-receivables?as_of=2026-04-30&format=pdf&lang=nl", b.acct, nil), "aged-receivables-2026-04-30.pdf")
	wantProblem(t, b.do("GET", b.base+"/reports/aged-receivables?as_of=2026-02-30", b.acct, nil), 422, "date_invalid", "as_of")
	wantProblem(t, b.do("GET", b.base+"/reports/aged-receivables?detail=yes", b.acct, nil), 422, "bool_invalid", "detail")
	wantProblem(t, b.do("GET", b.base+"/reports/aged-receivables?format=xml", b.acct, nil), 422, "format_invalid", "format")
}

func TestVATSummaryOverHTTP(t *testing.T) {
	t.Parallel()
	b := receivables(t)
	// Input VAT comes from the purchase documents, not from 1200's movements
	// (a settlement entry empties 1200; an entry by hand is not a purchase).
	sup := id(b.must(b.do("POST", b.base+"/suppliers", b.acct, `{"name":"Laptops BV"}`), 201).obj["id"])
	b.must(b.do("POST", b.base+"/purchase-invoices", b.acct, `{"supplier_id":`+sup+`,"supplier_invoice_number":"L-1","invoice_date":"2026-02-01",
		"vat_date":"2026-02-01","lines":[{"account":"4200","amount":"1000.00","tax_code":"P21"}],"book":true}`), 201)
	b.must(b.do("POST", b.base+"/entries", b.acct, `{"date":"2026-02-02","description":"not a purchase","lines":[
		{"account":"1200","debit":"5.00"},{"account":"1000","credit":"5.00"}]}`), 201)
	r := b.must(b.do("GET", b.base+"/reports/vat-summary?from=2026-01-01&to=2026-03-31", b.acct, nil), 200).obj
	// 4.27 at 9 % and 47.25 at 21 % out; 210.00 in.
	if r["output_vat"] != "51.52" || r["output_taxable"] != "272.40" || r["input_vat"] != "210.00" || r["due"] != "-158.48" {
		t.Fatalf("vat summary %v", r)
	}
	// Without dates: the quarter of the one given.
	q := b.must(b.do("GET", b.base+"/reports/vat-summary?to=2026-05-20", b.acct, nil), 200).obj
	if q["from"] != "2026-04-01" || q["to"] != "2026-05-20" || q["output_vat"] != "0.00" {
		t.Fatalf("second quarter: %v", q)
	}
	csv := b.must(b.do("GET", b.base+"/reports/vat-summary?from=2026-01-01&to=2026-03-31&format=csv", b.acct, nil), 200)
	if h := firstLine(csv.body); h != "code,description,rate,taxable,vat" || !strings.Contains(string(csv.body), "\r\n21,BTW hoog tarief 21%,21,225.00,47.25\r\n") {
		t.Fatalf("csv:\n%s", csv.body)
	}
	wantPDF(t, b.do("GET", b.base+"/reports/vat-summary?from=2026-01-01&to=2026-03-31", b.acct, nil, "Accept", "application/pdf"), "vat-summary-2026-01-01-2026-03-31.pdf")
	wantProblem(t, b.do("GET", b.base+"/reports/vat-summary?from=2026-13-01", b.acct, nil), 422, "date_invalid", "from")
	wantProblem(t, b.do("GET", b.base+"/reports/vat-summary?from=2026-04-01&to=2026-03-31", b.acct, nil), 422, "period_invalid", "to")
	wantProblem(t, b.do("GET", b.base+"/reports/vat-summary?input_vat_accounts=1200,9999", b.acct, nil), 422, "account_not_found", "input_vat_accounts")
}

func TestCustomerStatementOverHTTP(t *testing.T) {
	t.Parallel()
	b := receivables(t)
	path := b.base + "/customers/" + b.cust + "/statement"
	// The customer's language (nl) unless ?lang= says otherwise.
	r := b.must(b.do("GET", path+"?from=2026-03-01&to=2026-03-31", b.acct, nil), 200).obj
	lines := r["lines"].([]any)
	if r["closing_balance"] != "223.92" || r["opening_balance"] != "0.00" || r["language"] != "nl" || len(lines) != 3 ||
		lines[0].(map[string]any)["description"] != "Factuur" {
		t.Fatalf("statement %v", r)
	}
	en := b.must(b.do("GET", path+"?from=2026-03-01&to=2026-03-31&lang=en", b.acct, nil), 200).obj
	if en["language"] != "en" || en["lines"].([]any)[0].(map[string]any)["description"] != "Invoice" {
		t.Fatalf("english statement %v", en)
	}
	// Defaults: the month up to today.
	d := b.must(b.do("GET", path, b.acct, nil), 200).obj
	today := ledger.Today(mustLocation(t, "Europe/Amsterdam"))
	if d["to"] != today.String() || d["from"] != today.FirstOfMonth().String() || d["opening_balance"] != "223.92" {
		t.Fatalf("default period %v %v", d["from"], d["to"])
	}
	csv := b.must(b.do("GET", path+"?from=2026-03-01&to=2026-03-31&format=csv", b.acct, nil), 200)
	if h := firstLine(csv.body); !strings.HasPrefix(h, "section,date,number,description,debit,credit,allocated,balance,") {
		t.Fatalf("csv header %q", h)
	}
	wantPDF(t, b.do("GET", path+"?from=2026-03-01&to=2026-03-31&format=pdf", b.acct, nil), "statement-"+b.cust+"-2026-03-01-2026-03-31.pdf")
	if text := pdftest.Text(t, b.do("GET", path+"?from=2026-03-01&to=2026-03-31&format=pdf", b.acct, nil).body); !strings.Contains(text, "Rekeningoverzicht") ||
		!strings.Contains(text, "Ærøskøbing Ñandú ApS") || !strings.Contains(text, "Dorpsstraat 1") || !strings.Contains(text, "223,92") {
		t.Errorf("statement PDF text:\n%s", text)
	}
	wantProblem(t, b.do("GET", path+"?to=2026-3-31", b.acct, nil), 422, "date_invalid", "to")
	wantProblem(t, b.do("GET", path+"?from=2026-04-01&to=2026-03-31", b.acct, nil), 422, "period_invalid", "to")
	wantProblem(t, b.do("GET", path+"?currency=EURO", b.acct, nil), 422, "currency_invalid", "currency")
	wantProblem(t, b.do("GET", path+"?lang=fr", b.acct, nil), 422, "lang_invalid", "lang")
	wantProblem(t, b.do("GET", b.base+"/customers/999/statement", b.acct, nil), 404, "not_found")
	wantProblem(t, b.do("GET", b.base+"/customers/x/statement", b.acct, nil), 404, "not_found")
}

func TestCustomerStatementsOverHTTP(t *testing.T) {
	t.Parallel()
	b := receivables(t)
	// A second customer with nothing: no statement.
	b.must(b.do("POST", b.base+"/customers", b.acct, `{"name":"Idle B.V."}`), 201)
	path := b.base + "/reports/customer-statements?from=2026-03-01&to=2026-03-31"
	r := b.must(b.do("GET", path, b.acct, nil), 200).obj
	list := r["statements"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["closing_balance"] != "223.92" {
		t.Fatalf("statements %v", r)
	}
	z := b.must(b.do("GET", path+"&format=zip", b.acct, nil), 200)
	if z.header.Get("Content-Type") != "application/zip" || !strings.Contains(z.header.Get("Content-Disposition"), "customer-statements-2026-03-01-2026-03-31.zip") {
		t.Fatalf("zip headers %v", z.header)
	}
	zr, err := zip.NewReader(bytes.NewReader(z.body), int64(len(z.body)))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != 1 || zr.File[0].Name != "00000"+b.cust+"-aeroskobing-nandu-aps.pdf" {
		var names []string
		for _, f := range zr.File {
			names = append(names, f.Name)
		}
		t.Fatalf("zip entries %v", names)
	}
	rc, err := zr.File[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	var pdf bytes.Buffer
	if _, err := pdf.ReadFrom(rc); err != nil || !bytes.HasPrefix(pdf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("zip entry: %v %.20q", err, pdf.Bytes())
	}
	wantProblem(t, b.do("GET", path+"&format=pdf", b.acct, nil), 422, "format_invalid", "format")
	wantProblem(t, b.do("GET", b.base+"/reports/customer-statements?from=x", b.acct, nil), 422, "date_invalid", "from")
	// Before any document: an empty archive.
	empty := b.must(b.do("GET", b.base+"/reports/customer-statements?from=2025-01-01&to=2025-01-31&format=zip", b.acct, nil), 200)
	if zr, err := zip.NewReader(bytes.NewReader(empty.body), int64(len(empty.body))); err != nil || len(zr.File) != 0 {
		t.Fatalf("empty zip: %v", err)
	}
}

// Clients read their own entity's statements and receivables reports;
// another entity's customer does not exist for them; all customers at
// once is the staff's; integrations read none of it.
func TestReceivablesReportsAccess(t *testing.T) {
	t.Parallel()
	b := receivables(t)
	other := b.entity("Other B.V.")
	otherAcct := b.key(ledger.RoleAccountant, other)
	otherCust := num(b.must(b.do("POST", ent(other)+"/customers", otherAcct, `{"name":"Elsewhere"}`), 201).obj["id"])
	client := b.key(ledger.RoleClient, b.id)
	integ := b.key(ledger.RoleIntegration, b.id)
	statement := b.base + "/customers/" + b.cust + "/statement"
	b.must(b.do("GET", statement+"?format=pdf", client, nil), 200)
	b.must(b.do("GET", b.base+"/reports/aged-receivables", client, nil), 200)
	b.must(b.do("GET", b.base+"/reports/vat-summary", client, nil), 200)
	wantProblem(t, b.do("GET", b.base+"/customers/"+itoa(otherCust)+"/statement", client, nil), 404, "not_found")
	wantProblem(t, b.do("GET", b.base+"/customers/"+itoa(otherCust)+"/statement", b.acct, nil), 404, "not_found")
	wantProblem(t, b.do("GET", ent(other)+"/customers/"+itoa(otherCust)+"/statement", client, nil), 404, "not_found")
	wantProblem(t, b.do("GET", b.base+"/reports/customer-statements", client, nil), 403, "role_forbidden")
	for _, p := range []string{statement, b.base + "/reports/aged-receivables", b.base + "/reports/vat-summary", b.base + "/reports/customer-statements"} {
		wantProblem(t, b.do("GET", p, integ, nil), 403, "role_forbidden")
	}
}

// BenchmarkCustomerStatementPDF answers a customer statement of 1,002
// lines (334 invoices, each paid by a payment allocated to it) as a PDF
// through the real router: what the issue's 100 ms target measures. The
// reads are four queries whatever the number of lines.
//
//	BACKOFFICE_TEST_DATABASE_URL=... go test ./api -run '^$' -bench CustomerStatementPDF -benchtime 50x
func BenchmarkCustomerStatementPDF(b *testing.B) {
	st := orderstore.New(invstore.New(sqltest.Open(b)))
	ctx := context.Background()
	k, key, err := st.CreateKey(ctx, nil, &ledger.KeyInput{Name: "bench", Role: ledger.RoleAdmin})
	if err != nil {
		b.Fatal(err)
	}
	p := &ledger.Principal{ActorID: k.ActorID, KeyID: k.ID, Role: ledger.RoleAdmin}
	name, cur, tmpl := "Bench B.V.", "EUR", "standard"
	e, err := st.CreateEntity(ctx, p, &ledger.EntityInput{Name: &name, Currency: &cur, ChartTemplate: &tmpl})
	if err != nil {
		b.Fatal(err)
	}
	cname := "Customer"
	c, err := st.CreateCustomer(ctx, p, e, &invoicing.CustomerInput{Name: &cname})
	if err != nil {
		b.Fatal(err)
	}
	start := ledger.NewDate(2026, 1, 1)
	for i := range 334 {
		d := start.AddDays(i % 300).String()
		lines := []invoicing.LineInput{{Description: "Bread", Quantity: "3", UnitPrice: "12.50", TaxCode: "9"}}
		draft, err := st.CreateInvoice(ctx, p, e, &invoicing.InvoiceInput{CustomerID: &c.ID, IssueDate: &d, Lines: &lines})
		if err != nil {
			b.Fatal(err)
		}
		inv, err := st.IssueInvoice(ctx, p, e, draft.ID)
		if err != nil {
			b.Fatal(err)
		}
		amount := "40.88"
		_, err = st.RecordPayment(ctx, p, e, &invoicing.PaymentInput{CustomerID: &c.ID, Date: &d, Amount: &amount,
			Allocations: []invoicing.AllocationInput{{InvoiceID: &inv.ID, Amount: amount}}})
		if err != nil {
			b.Fatal(err)
		}
	}
	srv := New(testConfig(st))
	path := fmt.Sprintf("/v1/entities/%d/customers/%d/statement?from=2026-01-01&to=2026-12-31&format=pdf", e.ID, c.ID)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Authorization", "Bearer "+key)
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("statement: %d %s", w.Code, w.Body)
		}
	}
}
