package api

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"backoffice/invoicing/pdf/pdftest"
	"backoffice/ledger"
)

// books is an entity with a customer, as an accountant sees it.
type books struct {
	*fixture
	id   int64
	base string
	acct string
	cust string
}

func newBooks(t *testing.T) *books {
	f := newFixture(t)
	b := &books{fixture: f, id: f.entity("Bakkerij Test BV")}
	b.base = ent(b.id)
	b.acct = f.key(ledger.RoleAccountant, b.id)
	f.must(f.do("PATCH", b.base, b.acct, `{"vat_number":"NL123456782B01","address":{"lines":["Dorpsstraat 1"],"postcode":"1234 AB","city":"Utrecht","country":"NL"}}`), 200)
	b.cust = strconv.FormatInt(num(f.must(f.do("POST", b.base+"/customers", b.acct,
		`{"name":"Ærøskøbing Ñandú ApS","language":"nl","vat_number":"DK12345674","payment_terms_days":14,
		  "address":{"lines":["Vestergade 1"],"postcode":"5970","city":"Ærøskøbing","country":"DK"}}`), 201).obj["id"]), 10)
	return b
}

func (b *books) invoice(lines string) string {
	b.t.Helper()
	r := b.must(b.do("POST", b.base+"/invoices", b.acct, `{"customer_id":`+b.cust+`,"issue_date":"2026-03-10","lines":[`+lines+`]}`), 201)
	return strconv.FormatInt(num(r.obj["id"]), 10)
}

func (b *books) issue(id string) map[string]any {
	b.t.Helper()
	return b.must(b.do("POST", b.base+"/invoices/"+id+"/issue", b.acct, nil), 200).obj
}

// invoicingSnapshot is an entity's books and invoicing as the API shows
// them: equal snapshots mean nothing was written.
func (b *books) invoicingSnapshot() string {
	b.t.Helper()
	var s strings.Builder
	s.WriteString(b.snapshot(b.id))
	for _, p := range []string{"/invoices?limit=200", "/credit-notes?limit=200", "/payments?limit=200", "/customers?include_archived=true"} {
		s.Write(b.must(b.do("GET", b.base+p, b.acct, nil), 200).body)
		s.WriteByte('\n')
	}
	return s.String()
}

const bread = `{"description":"Sourdough","quantity":"12","unit":"pcs","unit_price":"3.95","tax_code":"9"}`
const advice = `{"description":"Advice","quantity":"2.5","unit":"h","unit_price":"100","tax_code":"21","discount_percent":"10"}`

func TestInvoiceLifecycleOverHTTP(t *testing.T) {
	t.Parallel()
	b := newBooks(t)
	id := b.invoice(bread + "," + advice)
	draft := b.must(b.do("GET", b.base+"/invoices/"+id, b.acct, nil), 200).obj
	if draft["status"] != "draft" || draft["number"] != nil {
		t.Fatalf("draft: %v", draft)
	}
	// 12 x 3.95 = 47.40, 9 % = 4.27; 2.5 x 100 less 10 % = 225.00, 21 % = 47.25.
	if draft["net"] != "272.40" || draft["vat"] != "51.52" || draft["total"] != "323.92" {
		t.Fatalf("draft totals: %v %v %v", draft["net"], draft["vat"], draft["total"])
	}
	b.must(b.do("PATCH", b.base+"/invoices/"+id, b.acct, `{"notes":"Bedankt!"}`), 200)

	// Issuing is idempotent under a key: the replay shows the same number.
	inv := b.must(b.do("POST", b.base+"/invoices/"+id+"/issue", b.acct, nil, "Idempotency-Key", "issue-1"), 200).obj
	again := b.must(b.do("POST", b.base+"/invoices/"+id+"/issue", b.acct, nil, "Idempotency-Key", "issue-1"), 200)
	if inv["number"] != "INV-2026-0001" || again.obj["number"] != inv["number"] || again.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("issue: %v / replay %s", inv["number"], again)
	}
	if inv["due_date"] != "2026-03-24" || inv["status"] != "issued" || inv["open"] != "323.92" {
		t.Fatalf("issued: %v", inv)
	}
	wantProblem(t, b.do("PATCH", b.base+"/invoices/"+id, b.acct, `{"notes":"changed"}`), 409, "invoice_not_draft")
	wantProblem(t, b.do("DELETE", b.base+"/invoices/"+id, b.acct, nil), 409, "invoice_not_draft")

	entry := b.must(b.do("GET", fmt.Sprintf("%s/entries/%d", b.base, num(inv["entry_id"])), b.acct, nil), 200).obj
	if entry["reference"] != "INV-2026-0001" || entry["total"] != "323.92" {
		t.Fatalf("entry: %v", entry)
	}

	// A part payment, then the rest: partially_paid, then paid.
	b.must(b.do("POST", b.base+"/payments", b.acct, `{"customer_id":`+b.cust+`,"date":"2026-03-12","amount":"100.00","allocations":[{"invoice_id":`+id+`,"amount":"100.00"}]}`), 201)
	if got := b.must(b.do("GET", b.base+"/invoices/"+id, b.acct, nil), 200).obj; got["status"] != "partially_paid" || got["open"] != "223.92" {
		t.Fatalf("after part payment: %v %v", got["status"], got["open"])
	}
	pay := b.must(b.do("POST", b.base+"/payments", b.acct, `{"customer_id":`+b.cust+`,"date":"2026-03-20","amount":"300.00","reference":"NL-TRX-9"}`), 201).obj
	if pay["unallocated"] != "300.00" {
		t.Fatalf("payment: %v", pay)
	}
	payID := strconv.FormatInt(num(pay["id"]), 10)
	wantProblem(t, b.do("POST", b.base+"/payments/"+payID+"/allocations", b.acct, `{"allocations":[{"invoice_id":`+id+`,"amount":"223.93"}]}`),
		422, "allocation_exceeds_open", "allocations[0].amount")
	b.must(b.do("POST", b.base+"/payments/"+payID+"/allocations", b.acct, `{"allocations":[{"invoice_id":`+id+`,"amount":"223.92"}]}`), 201)
	got := b.must(b.do("GET", b.base+"/invoices/"+id, b.acct, nil), 200).obj
	if got["status"] != "paid" || got["open"] != "0.00" || got["paid"] != "323.92" {
		t.Fatalf("after payment: %v", got)
	}
	if got := b.must(b.do("GET", b.base+"/invoices?status=paid", b.acct, nil), 200).obj["data"].([]any); len(got) != 1 {
		t.Fatalf("status=paid lists %d", len(got))
	}

	// A credit note on a paid invoice leaves the customer a credit, which a
	// refund pays out.
	cn := b.must(b.do("POST", b.base+"/invoices/"+id+"/credit-notes", b.acct, `{"issue_date":"2026-03-21","lines":[{"line":1,"quantity":"2"}]}`), 201).obj
	// 2 x 3.95 = 7.90 + 9 % 0.71 = 8.61
	if cn["number"] != "CN-2026-0001" || cn["total"] != "8.61" || cn["open"] != "8.61" || cn["status"] != "issued" {
		t.Fatalf("credit note: %v", cn)
	}
	cnID := strconv.FormatInt(num(cn["id"]), 10)
	refund := b.must(b.do("POST", b.base+"/payments", b.acct, `{"customer_id":`+b.cust+`,"direction":"refund","date":"2026-03-22","amount":"8.61",
		"allocations":[{"credit_note_id":`+cnID+`,"amount":"8.61"}]}`), 201).obj
	if refund["unallocated"] != "0.00" {
		t.Fatalf("refund: %v", refund)
	}
	if got := b.must(b.do("GET", b.base+"/credit-notes/"+cnID, b.acct, nil), 200).obj; got["status"] != "applied" {
		t.Fatalf("credit note after refund: %v", got["status"])
	}
	// Receivables: 323.92 invoiced - 400.00 received - 8.61 credited + 8.61
	// refunded = -76.08: the customer's unallocated credit.
	bal := b.must(b.do("GET", b.base+"/accounts/1100/balance?as_of=2026-12-31", b.acct, nil), 200).obj
	if bal["balance"].(map[string]any)["balance"] != "-76.08" {
		t.Fatalf("receivables: %v", bal)
	}

	// Removing the part payment reverses its entry and reopens the invoice.
	first := b.must(b.do("GET", b.base+"/payments", b.acct, nil), 200).obj["data"].([]any)[0].(map[string]any)
	removed := b.must(b.do("DELETE", fmt.Sprintf("%s/payments/%d", b.base, num(first["id"])), b.acct, nil), 200).obj
	if removed["status"] != "removed" || removed["removal_entry_id"] == nil {
		t.Fatalf("removed payment: %v", removed)
	}
	if got := b.must(b.do("GET", b.base+"/invoices/"+id, b.acct, nil), 200).obj; got["status"] != "partially_paid" || got["open"] != "100.00" {
		t.Fatalf("after removal: %v %v", got["status"], got["open"])
	}
}

// The document a client downloads carries what the VAT directive asks, in
// the customer's language.
func TestInvoicePDFOverHTTP(t *testing.T) {
	t.Parallel()
	b := newBooks(t)
	id := b.invoice(bread + "," + advice + `,{"description":"Installatie","quantity":"1","unit_price":"500","tax_code":"reverse-charge"}`)
	wantProblem(t, b.do("GET", b.base+"/invoices/"+id+"/pdf", b.acct, nil), 409, "invoice_not_issued")
	b.issue(id)
	client := b.key(ledger.RoleClient, b.id)
	r := b.must(b.do("GET", b.base+"/invoices/"+id+"/pdf", client, nil), 200)
	if ct := r.header.Get("Content-Type"); ct != "application/pdf" || !bytes.HasPrefix(r.body, []byte("%PDF-")) {
		t.Fatalf("content type %q, starts %q", ct, r.body[:min(8, len(r.body))])
	}
	text := pdftest.Text(t, r.body)
	for _, want := range []string{"Factuur", "INV-2026-0001", "10-03-2026", "24-03-2026", "Ærøskøbing Ñandú ApS", "DK12345674",
		"NL123456782B01", "Bakkerij Test BV", "9%", "21%", "€ 823,92", "BTW verlegd"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q:\n%s", want, text)
		}
	}
	// An issued invoice keeps the parties and terms it was issued with.
	b.must(b.do("PATCH", b.base+"/customers/"+b.cust, b.acct, `{"name":"Renamed A/S","language":"en","payment_terms_days":60}`), 200)
	text = pdftest.Text(t, b.must(b.do("GET", b.base+"/invoices/"+id+"/pdf", client, nil), 200).body)
	if !strings.Contains(text, "Ærøskøbing Ñandú ApS") || strings.Contains(text, "Renamed") || !strings.Contains(text, "Factuur") {
		t.Errorf("the issued PDF changed with the customer:\n%s", text)
	}
	// Clients see their entity's issued invoices, not drafts, customers or money.
	draft := b.invoice(bread)
	if got := b.must(b.do("GET", b.base+"/invoices", client, nil), 200).obj["data"].([]any); len(got) != 1 {
		t.Errorf("a client lists %d invoices; want the 1 issued", len(got))
	}
	wantProblem(t, b.do("GET", b.base+"/invoices/"+draft, client, nil), 404, "not_found")
	b.must(b.do("GET", b.base+"/invoices/"+draft, b.acct, nil), 200)
	wantProblem(t, b.do("GET", b.base+"/customers", client, nil), 403, "role_forbidden")
	wantProblem(t, b.do("GET", b.base+"/payments", client, nil), 403, "role_forbidden")
	other := b.entity("Other BV")
	wantProblem(t, b.do("GET", ent(other)+"/invoices", client, nil), 404, "not_found")
	// A credit note is not an invoice, and an invoice not a credit note.
	cn := b.must(b.do("POST", b.base+"/invoices/"+id+"/credit-notes", b.acct, `{"issue_date":"2026-03-11"}`), 201).obj
	cnID := strconv.FormatInt(num(cn["id"]), 10)
	wantProblem(t, b.do("GET", b.base+"/invoices/"+cnID, b.acct, nil), 404, "not_found")
	wantProblem(t, b.do("GET", b.base+"/credit-notes/"+id, b.acct, nil), 404, "not_found")
	text = pdftest.Text(t, b.must(b.do("GET", b.base+"/credit-notes/"+cnID+"/pdf", client, nil), 200).body)
	// Issued after the customer switched to English: an English document.
	for _, want := range []string{"Credit note", "CN-2026-0001", "INV-2026-0001", "€823.92", "Renamed A/S"} {
		if !strings.Contains(text, want) {
			t.Errorf("credit note PDF text lacks %q:\n%s", want, text)
		}
	}
	// A void invoice's PDF says so.
	void := b.invoice(bread)
	b.issue(void)
	b.must(b.do("POST", b.base+"/invoices/"+void+"/void", b.acct, nil), 200)
	r = b.must(b.do("GET", b.base+"/invoices/"+void+"/pdf", client, nil), 200)
	if cd := r.header.Get("Content-Disposition"); cd != `inline; filename=INV-2026-0002.pdf` {
		t.Errorf("Content-Disposition %q", cd)
	}
	if text := pdftest.Text(t, r.body); !strings.Contains(text, "VOID") {
		t.Errorf("a void invoice's PDF does not say so:\n%s", text)
	}
}

// Every refusal is a problem with a reason and a path, and writes nothing.
func TestInvoicingRejections(t *testing.T) {
	t.Parallel()
	b := newBooks(t)
	issued := b.invoice(bread)
	b.issue(issued)
	empty := b.invoice("")
	void := b.invoice(bread)
	b.issue(void)
	b.must(b.do("POST", b.base+"/invoices/"+void+"/void", b.acct, nil), 200)
	usd := strconv.FormatInt(num(b.must(b.do("POST", b.base+"/invoices", b.acct,
		`{"customer_id":`+b.cust+`,"currency":"USD","lines":[`+bread+`]}`), 201).obj["id"]), 10)
	b.must(b.do("POST", b.base+"/accounts", b.acct, `{"code":"8390","name":"Old revenue","type":"revenue"}`), 201)
	oldRevenue := b.invoice(`{"description":"Old","quantity":"1","unit_price":"10","tax_code":"21","revenue_account":"8390"}`)
	b.must(b.do("POST", b.base+"/accounts/8390/archive", b.acct, nil), 200)
	// A draft dated in 9999 is refused now (TestOneDateRange); one saved
	// before that still cannot be issued, with the same reason.
	late := b.invoice(bread)
	if _, err := b.st.DB().Exec(`UPDATE invoices SET issue_date = '9999-12-31' WHERE id = ` + late); err != nil {
		t.Fatal(err)
	}
	paidOff := b.invoice(bread)
	b.issue(paidOff)
	b.must(b.do("POST", b.base+"/payments", b.acct, `{"customer_id":`+b.cust+`,"amount":"51.67","allocations":[{"invoice_id":`+paidOff+`,"amount":"51.67"}]}`), 201)
	creditNote := strconv.FormatInt(num(b.must(b.do("POST", b.base+"/invoices/"+paidOff+"/credit-notes", b.acct, `{"issue_date":"2026-03-11"}`), 201).obj["id"]), 10)

	cases := []struct {
		name, method, path, body string
		status                   int
		reason                   string
		paths                    []string
	}{
		{"issue an empty invoice", "POST", "/invoices/" + empty + "/issue", ``, 422, "invoice_empty", nil},
		{"line on an archived account", "POST", "/invoices/" + oldRevenue + "/issue", ``, 422, "account_archived", []string{"lines[0].revenue_account"}},
		{"unknown tax code", "POST", "/invoices", `{"customer_id":` + b.cust + `,"lines":[{"description":"x","quantity":"1","unit_price":"1","tax_code":"42"}]}`, 422, "tax_code_not_found", []string{"lines[0].tax_code"}},
		{"negative quantity", "POST", "/invoices", `{"customer_id":` + b.cust + `,"lines":[{"description":"x","quantity":"-1","unit_price":"1","tax_code":"21"}]}`, 422, "quantity_negative", []string{"lines[0].quantity"}},
		{"quantity not a number", "POST", "/invoices", `{"customer_id":` + b.cust + `,"lines":[{"description":"x","quantity":"abc","unit_price":"1","tax_code":"21"}]}`, 422, "quantity_invalid", []string{"lines[0].quantity"}},
		{"price with 5 decimals", "POST", "/invoices", `{"customer_id":` + b.cust + `,"lines":[{"description":"x","quantity":"1","unit_price":"1.00001","tax_code":"21"}]}`, 422, "unit_price_invalid", []string{"lines[0].unit_price"}},
		{"quantity as a JSON number", "POST", "/invoices", `{"customer_id":` + b.cust + `,"lines":[{"description":"x","quantity":1,"unit_price":"1","tax_code":"21"}]}`, 422, "invalid_type", []string{"lines[0].quantity"}},
		{"unknown customer", "POST", "/invoices", `{"customer_id":999999,"lines":[]}`, 422, "customer_not_found", []string{"customer_id"}},
		{"allocate more than the payment holds", "POST", "/payments", `{"customer_id":` + b.cust + `,"amount":"10.00","allocations":[{"invoice_id":` + issued + `,"amount":"10.01"}]}`, 422, "allocation_exceeds_payment", []string{"allocations[0].amount"}},
		{"allocate more than the invoice owes", "POST", "/payments", `{"customer_id":` + b.cust + `,"amount":"100.00","allocations":[{"invoice_id":` + issued + `,"amount":"51.68"}]}`, 422, "allocation_exceeds_open", []string{"allocations[0].amount"}},
		{"pay a void invoice", "POST", "/payments", `{"customer_id":` + b.cust + `,"amount":"1.00","allocations":[{"invoice_id":` + void + `,"amount":"1.00"}]}`, 409, "invoice_void", []string{"allocations[0]"}},
		{"credit note larger than what remains", "POST", "/invoices/" + issued + "/credit-notes", `{"lines":[{"line":1,"amount":"47.41"}]}`, 422, "credit_exceeds_invoice", []string{"lines[0].line"}},
		{"credit note on a void invoice", "POST", "/invoices/" + void + "/credit-notes", ``, 409, "invoice_void", nil},
		{"edit an issued invoice", "PATCH", "/invoices/" + issued, `{"notes":"x"}`, 409, "invoice_not_draft", nil},
		{"void twice", "POST", "/invoices/" + void + "/void", ``, 409, "invoice_void", nil},
		{"currency with no rate", "POST", "/invoices/" + usd + "/issue", ``, 422, "exchange_rate_required", []string{"exchange_rate"}},
		{"rate for the functional currency", "POST", "/invoices", `{"customer_id":` + b.cust + `,"exchange_rate":"1.1"}`, 422, "exchange_rate_unused", []string{"exchange_rate"}},
		{"payment of zero", "POST", "/payments", `{"customer_id":` + b.cust + `,"amount":"0.00"}`, 422, "amount_not_positive", []string{"amount"}},
		{"payment into a revenue account", "POST", "/payments", `{"customer_id":` + b.cust + `,"amount":"1.00","bank_account":"8000"}`, 422, "account_not_found", []string{"bank_account"}},
		{"customer without a name", "POST", "/customers", `{"email":"x@example.com"}`, 422, "field_required", []string{"name"}},
		{"customer in Klingon", "POST", "/customers", `{"name":"x","language":"tlh"}`, 422, "language_invalid", []string{"language"}},
		{"tax code rate over 100", "POST", "/tax-codes", `{"code":"X","rate":"101","kind":"standard","account":"1700"}`, 422, "rate_invalid", []string{"rate"}},
		{"tax code rate changed", "PATCH", "/tax-codes/21", `{"rate":"22"}`, 422, "field_immutable", []string{"rate"}},
		{"number format without sequence", "PATCH", "/invoicing-settings", `{"invoice_number_format":"INV-{YYYY}"}`, 422, "number_format_invalid", []string{"invoice_number_format"}},
		{"bad IBAN", "PATCH", "/invoicing-settings", `{"iban":"NL00ABNA0417164300"}`, 422, "iban_invalid", []string{"iban"}},
		{"unknown status filter", "GET", "/invoices?status=lost", ``, 422, "parameter_invalid", []string{"status"}},
		{"issued in the year 9999", "POST", "/invoices/" + late + "/issue", ``, 422, "date_invalid", []string{"issue_date"}},
		{"payment that converts to nothing", "POST", "/payments", `{"customer_id":` + b.cust + `,"amount":"1.00","currency":"USD","exchange_rate":"0.000001"}`, 422, "amount_too_small", nil},
		{"line on the receivables account", "POST", "/invoices", `{"customer_id":` + b.cust + `,"lines":[{"description":"x","quantity":"1","unit_price":"1","tax_code":"21","revenue_account":"1100"}]}`, 422, "account_type_invalid", []string{"lines[0].revenue_account"}},
		{"receivables on a revenue account", "PATCH", "/invoicing-settings", `{"receivable_account":"8000"}`, 422, "account_type_invalid", []string{"receivable_account"}},
		{"receivables moved while open", "PATCH", "/invoicing-settings", `{"receivable_account":"1300"}`, 409, "receivable_account_in_use", []string{"receivable_account"}},
		{"allocation to two targets", "POST", "/payments", `{"customer_id":` + b.cust + `,"amount":"1.00","allocations":[{"invoice_id":` + issued + `,"payment_id":1,"amount":"1.00"}]}`, 422, "allocation_target_required", []string{"allocations[0]"}},
		{"number format with a quote", "PATCH", "/invoicing-settings", `{"invoice_number_format":"A\"{YYYY}{NNN}"}`, 422, "number_format_invalid", []string{"invoice_number_format"}},
		{"void a credit note as an invoice", "POST", "/invoices/" + creditNote + "/void", ``, 404, "not_found", nil},
	}
	before := b.invoicingSnapshot()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var body any
			if c.body != "" {
				body = c.body
			}
			wantProblem(t, b.do(c.method, b.base+c.path, b.acct, body), c.status, c.reason, c.paths...)
		})
	}
	if after := b.invoicingSnapshot(); after != before {
		t.Fatalf("refused requests wrote something:\nbefore %s\nafter  %s", before, after)
	}
}

// A new entity on the standard chart can invoice at once: the Dutch tax
// codes are there.
func TestStandardChartSeedsTaxCodes(t *testing.T) {
	t.Parallel()
	b := newBooks(t)
	list := b.must(b.do("GET", b.base+"/tax-codes", b.acct, nil), 200).obj["data"].([]any)
	var codes []string
	for _, c := range list {
		m := c.(map[string]any)
		codes = append(codes, fmt.Sprintf("%s=%s/%s/%s/%s/%s", m["code"], m["rate"], m["kind"], m["account"], m["revenue_account"], m["box"]))
	}
	// code=rate/kind/VAT account/revenue account/box, by code.
	want := "0=0/zero/1700/8200/1e 21=21/standard/1700/8000/1a 9=9/reduced/1700/8100/1b distance-sales=0/distance_sales/1700/8300/3c " +
		"exempt=0/exempt/1700/8250/ export=0/export/1700/8400/3a intra-eu=0/intra_eu/1700/8300/3b " +
		"intra-eu-services=0/intra_eu_services/1700/8310/3b intra-eu-triangular=0/intra_eu_triangular/1700/8300/3b " +
		"non-eu-services=0/non_eu_services/1700/8410/1e reverse-charge=0/reverse_charge/1700/8200/1e"
	if got := strings.Join(codes, " "); got != want {
		t.Fatalf("tax codes:\n got %s\nwant %s", got, want)
	}
}

// A tax code's revenue account takes the lines that name none; it is a
// revenue account of the entity, may change, and "" clears it (the
// settings' default then applies).
func TestTaxCodeRevenueAccount(t *testing.T) {
	t.Parallel()
	b := newBooks(t)
	r := b.do("PATCH", b.base+"/tax-codes/9", b.acct, `{"revenue_account":"1000"}`)
	if r.status != 422 || r.obj["reason"] != "account_type_invalid" {
		t.Fatalf("a balance sheet account as revenue account: %d %v", r.status, r.obj)
	}
	if r := b.do("PATCH", b.base+"/tax-codes/9", b.acct, `{"revenue_account":"9999"}`); r.status != 422 || r.obj["reason"] != "account_not_found" {
		t.Fatalf("an unknown account: %d %v", r.status, r.obj)
	}
	code := b.must(b.do("PATCH", b.base+"/tax-codes/9", b.acct, `{"revenue_account":"8200"}`), 200).obj
	if code["revenue_account"] != "8200" || code["box"] != "1b" {
		t.Fatalf("tax code %v", code)
	}
	line := func() any {
		id := b.invoice(`{"description":"Bread","quantity":"1","unit_price":"10","tax_code":"9"}`)
		inv := b.must(b.do("GET", b.base+"/invoices/"+id, b.acct, nil), 200).obj
		return inv["lines"].([]any)[0].(map[string]any)["revenue_account"]
	}
	if got := line(); got != "8200" {
		t.Fatalf("line on %v; want the code's 8200", got)
	}
	b.must(b.do("PATCH", b.base+"/tax-codes/9", b.acct, `{"revenue_account":""}`), 200)
	if got := line(); got != "8000" {
		t.Fatalf("line on %v; want the settings' 8000 once the code names none", got)
	}
}

// The entry of an invoice is undone by voiding the invoice or crediting
// it, never by reversing the entry through the journal: that would leave
// the invoice open and its VAT counted.
func TestInvoiceEntryNotReversedThroughJournal(t *testing.T) {
	t.Parallel()
	b := newBooks(t)
	inv := b.issue(b.invoice(`{"description":"Cake","quantity":"1","unit_price":"10","tax_code":"21"}`))
	before := b.invoicingSnapshot()
	r := b.do("POST", fmt.Sprintf("%s/entries/%d/reverse", b.base, num(inv["entry_id"])), b.acct, `{"date":"2026-03-20"}`)
	if r.status != 409 || r.obj["reason"] != "entry_owned" || !strings.Contains(r.obj["detail"].(string), "invoice") {
		t.Fatalf("reversing an invoice's entry: %d %v", r.status, r.obj)
	}
	if b.invoicingSnapshot() != before {
		t.Fatal("a refused reversal changed the books")
	}
	// A journal entry of its own is still reversed as before.
	e := b.must(b.do("POST", b.base+"/entries", b.acct, `{"date":"2026-03-31","description":"Rent","lines":[
		{"account":"4100","debit":"100.00"},{"account":"1000","credit":"100.00"}]}`), 201).obj
	b.must(b.do("POST", fmt.Sprintf("%s/entries/%d/reverse", b.base, num(e["id"])), b.acct, `{"date":"2026-04-01"}`), 201)
}
