package api

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"backoffice/invoicing/pdf/pdftest"
)

// TestIncompleteInvoiceOverHTTP: an entity and a customer as a new user
// makes them (names only, no IBAN) issue nothing: 422 invoice_incomplete
// listing every missing field (the problem body is checked against the
// OpenAPI document by the contract test).
func TestIncompleteInvoiceOverHTTP(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	// Sent through serve directly: f.do completes what the tests create.
	raw := func(method, path, key, body string) *response {
		return serve(t, f.srv, newRequest(method, path, key, body))
	}
	e := num(f.must(raw("POST", "/v1/entities", f.admin, `{"name":"Nieuw B.V.","currency":"EUR","chart_template":"standard"}`), 201).obj["id"])
	c := num(f.must(raw("POST", ent(e)+"/customers", f.admin, `{"name":"Klant B.V."}`), 201).obj["id"])
	inv := num(f.must(f.do("POST", ent(e)+"/invoices", f.admin, fmt.Sprintf(`{"customer_id":%d,"lines":[%s]}`, c, advice)), 201).obj["id"])
	r := f.must(f.do("POST", fmt.Sprintf("%s/invoices/%d/issue", ent(e), inv), f.admin, nil), 422)
	if r.obj["reason"] != "invoice_incomplete" {
		t.Fatalf("reason %v", r.obj["reason"])
	}
	var paths []string
	for _, fe := range r.obj["errors"].([]any) {
		m := fe.(map[string]any)
		if m["reason"] != "field_required" {
			t.Errorf("field %v: reason %v", m["path"], m["reason"])
		}
		paths = append(paths, m["path"].(string))
	}
	if got, want := strings.Join(paths, " "), "entity.address.lines entity.address.postcode entity.address.city entity.address.country "+
		"entity.registration_id entity.vat_number customer.address.lines customer.address.postcode customer.address.city "+
		"customer.address.country settings.iban"; got != want {
		t.Errorf("missing fields\n got %s\nwant %s", got, want)
	}
	// A VAT number that fails its check digits is refused when saved.
	wantProblem(t, f.do("PATCH", ent(e), f.admin, `{"vat_number":"NL123456789B01"}`), 422, "vat_number_invalid", "vat_number")
	wantProblem(t, f.do("POST", ent(e)+"/customers", f.admin, `{"name":"X","vat_number":"hello world"}`), 422, "vat_number_invalid", "vat_number")
	wantProblem(t, f.do("POST", ent(e)+"/customers", f.admin, `{"name":"X","customer_type":"robot"}`), 422, "customer_type_invalid", "customer_type")
	r = f.must(f.do("POST", ent(e)+"/customers", f.admin, `{"name":"Jan","customer_type":"consumer","vat_number":"dk 5631 4210"}`), 201)
	if r.obj["customer_type"] != "consumer" || r.obj["vat_number"] != "DK56314210" {
		t.Errorf("customer %s", r)
	}
	wantProblem(t, f.do("POST", fmt.Sprintf("%s/invoices/%d/issue", ent(e), inv), f.admin, `{"vies":"maybe"}`), 422, "parameter_invalid", "vies")
}

// TestVIESOverHTTP: an intra-EU supply asks the test server's fake VIES;
// the answer is in the invoice's JSON; VIES down is 503 vies_unavailable
// unless the request says {"vies":"skip"}; an invalid number is 422.
func TestVIESOverHTTP(t *testing.T) {
	t.Parallel()
	b := newBooks(t) // the customer is a Danish business, DK12345674
	line := `{"description":"Pumps","quantity":"1","unit_price":"1000","tax_code":"intra-eu"}`
	id := b.invoice(line)
	got := b.issue(id)
	v, _ := got["vies"].(map[string]any)
	if v == nil || v["valid"] != true || v["vat_number"] != "DK12345674" || v["request_identifier"] != "WAPIFAKEDK12345674" {
		t.Fatalf("vies %v", got["vies"])
	}
	if vb := got["vat_breakdown"].([]any)[0].(map[string]any); !strings.Contains(vb["legal_note"].(string), "Intracommunautaire levering") {
		t.Errorf("legal_note %v", vb["legal_note"])
	}

	down := num(b.must(b.do("POST", b.base+"/customers", b.acct, `{"name":"Down S.A.","vat_number":"LU15027442"}`), 201).obj["id"])
	testVIES.Down("LU15027442") // numbers no other test uses: the fake is shared
	d := num(b.must(b.do("POST", b.base+"/invoices", b.acct, fmt.Sprintf(`{"customer_id":%d,"issue_date":"2026-03-10","lines":[%s]}`, down, line)), 201).obj["id"])
	before := b.invoicingSnapshot()
	wantProblem(t, b.do("POST", fmt.Sprintf("%s/invoices/%d/issue", b.base, d), b.acct, nil), 503, "vies_unavailable")
	if b.invoicingSnapshot() != before {
		t.Error("a refused issue wrote")
	}
	r := b.must(b.do("POST", fmt.Sprintf("%s/invoices/%d/issue", b.base, d), b.acct, `{"vies":"skip"}`), 200)
	if v := r.obj["vies"].(map[string]any); v["skipped"] != true || v["valid"] != false {
		t.Errorf("skipped: %v", v)
	}

	bad := num(b.must(b.do("POST", b.base+"/customers", b.acct, `{"name":"Gone GmbH","vat_number":"ATU13585627"}`), 201).obj["id"])
	testVIES.Invalid("ATU13585627")
	d = num(b.must(b.do("POST", b.base+"/invoices", b.acct, fmt.Sprintf(`{"customer_id":%d,"issue_date":"2026-03-10","lines":[%s]}`, bad, line)), 201).obj["id"])
	wantProblem(t, b.do("POST", fmt.Sprintf("%s/invoices/%d/issue", b.base, d), b.acct, nil), 422, "vat_number_not_in_vies", "customer.vat_number")
}

// TestLegalTextsInPDF: each tax kind's legal text, in the customer's
// language, on the PDF; exempt lines say so instead of 0 %.
func TestLegalTextsInPDF(t *testing.T) {
	t.Parallel()
	b := newBooks(t) // the customer's language is Dutch
	en := num(b.must(b.do("POST", b.base+"/customers", b.acct, `{"name":"Pump Ltd","language":"en","vat_number":"IE6433435F"}`), 201).obj["id"])
	pdfText := func(customer any, code string) string {
		t.Helper()
		l := fmt.Sprintf(`{"description":"Goods","quantity":"1","unit_price":"500","tax_code":%q}`, code)
		id := num(b.must(b.do("POST", b.base+"/invoices", b.acct, fmt.Sprintf(`{"customer_id":%v,"issue_date":"2026-03-10","lines":[%s]}`, customer, l)), 201).obj["id"])
		b.must(b.do("POST", fmt.Sprintf("%s/invoices/%d/issue", b.base, id), b.acct, nil), 200)
		return pdftest.Flat(pdftest.Text(t, b.must(b.do("GET", fmt.Sprintf("%s/invoices/%d/pdf", b.base, id), b.acct, nil), 200).body))
	}
	for _, c := range []struct {
		code, customer string
		want           []string
		unwant         []string
	}{
		{"reverse-charge", b.cust, []string{"BTW verlegd", "art. 12 lid 5 Wet OB 1968", "art. 24b Uitvoeringsbeschikking OB 1968"}, []string{"art. 196"}},
		{"reverse-charge", fmt.Sprint(en), []string{"VAT reverse charged", "Article 12(5) Dutch VAT Act 1968", "Article 24b"}, []string{"Article 196"}},
		{"intra-eu-services", b.cust, []string{"BTW verlegd", "art. 196 Richtlijn 2006/112/EG"}, nil},
		{"intra-eu", b.cust, []string{"Intracommunautaire levering", "art. 138, lid 1, Richtlijn 2006/112/EG", "tabel II, onderdeel a, post 6, Wet OB 1968"}, []string{"b.2"}},
		{"intra-eu-triangular", b.cust, []string{"Vereenvoudigde ABC-levering", "art. 141 en 197 Richtlijn 2006/112/EG"}, []string{"37c"}},
		{"export", fmt.Sprint(en), []string{"Export of goods outside the EU", "Article 146(1) Directive 2006/112/EC"}, []string{"a.6", "item 6"}},
		{"non-eu-services", fmt.Sprint(en), []string{"Not taxable in the Netherlands"}, nil},
		{"exempt", b.cust, []string{"Vrijgesteld van btw (art. 11 Wet OB 1968)", "Goods 1 € 500,00 Vrijgesteld ¹ € 500,00"}, []string{"0% ¹"}},
	} {
		got := pdfText(c.customer, c.code)
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s (%s): lacks %q:\n%s", c.code, c.customer, w, got)
			}
		}
		for _, w := range c.unwant {
			if strings.Contains(got, w) {
				t.Errorf("%s (%s): holds %q:\n%s", c.code, c.customer, w, got)
			}
		}
	}
}

// TestCreditNoteWording: a credit note is titled as one, names the
// invoice it corrects with its date and supply date, and says how it is
// settled instead of asking for payment.
func TestCreditNoteWording(t *testing.T) {
	t.Parallel()
	b := newBooks(t)
	id := b.invoice(bread) // 12 x 3.95 = 47.40 + 9 % 4.27 = 51.67
	b.must(b.do("PATCH", b.base+"/invoices/"+id, b.acct, `{"supply_date":"2026-03-05"}`), 200)
	inv := b.issue(id)
	cn := b.must(b.do("POST", b.base+"/invoices/"+id+"/credit-notes", b.acct, `{"issue_date":"2026-03-13"}`), 201).obj
	got := pdftest.Flat(pdftest.Text(t, b.must(b.do("GET", fmt.Sprintf("%s/credit-notes/%d/pdf", b.base, num(cn["id"])), b.acct, nil), 200).body))
	for _, w := range []string{"Creditnota", "Creditnota bij factuur " + inv["number"].(string) + " van 10-03-2026",
		"Oorspronkelijke leveringsdatum: 05-03-2026", "€ 51,67 is verrekend met factuur " + inv["number"].(string) + ".", "U hoeft niets te betalen."} {
		if !strings.Contains(got, w) {
			t.Errorf("credit note lacks %q:\n%s", w, got)
		}
	}
	for _, w := range []string{"Wij verzoeken u", "Vervaldatum", "IBAN", "Factuurnummer"} {
		if strings.Contains(got, w) {
			t.Errorf("credit note holds %q:\n%s", w, got)
		}
	}
}

// TestKORNoteInPDF: an entity under the small-business scheme prints why
// it charges no VAT, in the JSON and on the PDF; a VAT-charging line is
// refused.
func TestKORNoteInPDF(t *testing.T) {
	t.Parallel()
	b := newBooks(t)
	b.must(b.do("PATCH", b.base, b.admin, `{"vat_scheme":"kor"}`), 200)
	refused := b.invoice(bread)
	wantProblem(t, b.do("POST", b.base+"/invoices/"+refused+"/issue", b.acct, nil), 422, "kor_vat_charged", "lines[0].tax_code")
	id := b.invoice(`{"description":"Taart","quantity":"1","unit_price":"50","tax_code":"exempt"}`)
	const note = "Vrijgesteld van btw op grond van de kleineondernemersregeling (art. 25 Wet OB 1968)"
	if r := b.issue(id); r["legal_note"] != note {
		t.Errorf("legal_note %v", r["legal_note"])
	}
	r := b.must(b.do("GET", b.base+"/invoices/"+id, b.acct, nil), 200).obj
	if vb := r["vat_breakdown"].([]any)[0].(map[string]any); vb["legal_note"] != nil && vb["legal_note"] != "" {
		t.Errorf("the exempt row's legal_note beside the KOR note: %v", vb["legal_note"])
	}
	got := pdftest.Flat(pdftest.Text(t, b.must(b.do("GET", b.base+"/invoices/"+id+"/pdf", b.acct, nil), 200).body))
	if !strings.Contains(got, note) {
		t.Errorf("PDF lacks the KOR note:\n%s", got)
	}
	if strings.Contains(got, "art. 11 Wet OB") {
		t.Errorf("PDF prints the art. 11 note beside the KOR note:\n%s", got)
	}
	// No 0 % intra-Community supply of goods under the KOR (art. 139(1) Directive 2006/112/EC).
	ic := b.invoice(`{"description":"Pompen","quantity":"1","unit_price":"500","tax_code":"intra-eu"}`)
	wantProblem(t, b.do("POST", b.base+"/invoices/"+ic+"/issue", b.acct, nil), 422, "kor_intra_eu_supply", "lines[0].tax_code")
}

// TestOrderCustomerType: an order that creates its customer passes
// customer_type through.
func TestOrderCustomerType(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	body := `{"external_id":"SHOP-C1","order_date":"2026-11-20","currency":"EUR",
		"customer":{"external_ref":"C-900","name":"Jan Jansen","customer_type":"consumer"},
		"lines":[{"sku":"BRD-01","description":"Sourdough","quantity":"100","unit_price":"3.95","tax_code":"9"}]}`
	s.must(s.do("POST", s.base+"/orders", s.integ, body), 201)
	list := s.must(s.do("GET", s.base+"/customers?q=Jansen", s.acct, nil), 200).obj["data"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["customer_type"] != "consumer" {
		t.Fatalf("customers %v", list)
	}
	bad := strings.Replace(strings.Replace(body, "SHOP-C1", "SHOP-C2", 1), `"C-900"`, `"C-901"`, 1)
	wantProblem(t, s.do("POST", s.base+"/orders", s.integ, strings.Replace(bad, `"consumer"`, `"robot"`, 1)), 422, "customer_type_invalid", "customer.customer_type")
}

// TestVIESWaitsOutsideTheUnitOfWork: while VIES takes its time to answer
// an issue, other writes go on: the check is made before the issue's unit
// of work begins (on SQLite, one open write transaction holds every other
// write), and the invoice is issued with the answer once it comes.
func TestVIESWaitsOutsideTheUnitOfWork(t *testing.T) {
	t.Parallel()
	b := newBooks(t)
	slow := num(b.must(b.do("POST", b.base+"/customers", b.acct, `{"name":"Långsam AB","vat_number":"SE556703748501"}`), 201).obj["id"])
	line := `{"description":"Pumps","quantity":"1","unit_price":"1000","tax_code":"intra-eu"}`
	id := num(b.must(b.do("POST", b.base+"/invoices", b.acct, fmt.Sprintf(`{"customer_id":%d,"issue_date":"2026-03-10","lines":[%s]}`, slow, line)), 201).obj["id"])
	arrived, release := testVIES.Hold("SE556703748501") // a number no other test uses: the fake is shared
	defer release()
	issued := make(chan *response, 1)
	go func() {
		issued <- serve(t, b.srv, newRequest("POST", fmt.Sprintf("%s/invoices/%d/issue", b.base, id), b.acct, nil))
	}()
	select {
	case <-arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("the issue never asked VIES")
	}
	// VIES has the question and does not answer: another write completes.
	wrote := make(chan *response, 1)
	go func() {
		wrote <- serve(t, b.srv, newRequest("POST", b.base+"/customers", b.acct, `{"name":"Snel B.V.","vat_number":"NL123456782B01"}`))
	}()
	select {
	case r := <-wrote:
		if r.status != 201 {
			t.Fatalf("the write beside the issue: %d %s", r.status, r.body)
		}
	case <-time.After(5 * time.Second):
		release()
		t.Fatal("a write waited for VIES: the issue holds a transaction open while it asks")
	}
	release()
	select {
	case r := <-issued:
		if r.status != 200 || r.obj["status"] != "issued" {
			t.Fatalf("issue: %d %s", r.status, r.body)
		}
		if v, _ := r.obj["vies"].(map[string]any); v == nil || v["vat_number"] != "SE556703748501" || v["valid"] != true {
			t.Errorf("vies %v", r.obj["vies"])
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the issue never finished")
	}
}

// TestOrdersLeaveIntraEUInvoicesDrafts: in invoice_mode "issued", orders
// whose invoice holds a 0 % intra-EU line get a draft (VIES is never asked
// inside the orders' transaction); the issue route then issues it, with
// the VIES answer.
func TestOrdersLeaveIntraEUInvoicesDrafts(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	s.must(s.do("PATCH", s.base+"/order-settings", s.acct, `{"invoice_mode":"issued"}`), 200)
	order := func(ext, code string) string {
		t.Helper()
		r := s.must(s.do("POST", s.base+"/orders", s.integ, `{"external_id":"`+ext+`","order_date":"2026-11-20","currency":"EUR",
			"customer":{"external_ref":"C-`+ext+`","name":"Pumpen GmbH",
				"address":{"lines":["Hauptstraße 1"],"postcode":"10115","city":"Berlin","country":"DE"},"vat_number":"DE811128135"},
			"lines":[{"sku":"P-1","description":"Pump","quantity":"1","unit_price":"400","tax_code":"`+code+`"}]}`), 201)
		o := s.base + "/orders/" + s.orderID(r)
		s.must(s.do("POST", o+"/accept", s.integ, nil), 200)
		s.must(s.do("POST", o+"/fulfill", s.integ, nil), 200)
		return o
	}
	inv := s.must(s.do("POST", order("EU-1", "intra-eu")+"/invoice", s.acct, nil), 201).obj["invoice"].(map[string]any)
	if inv["status"] != "draft" || inv["number"] != nil && inv["number"] != "" {
		t.Fatalf("an intra-EU invoice of orders in issued mode: status %v number %v; want a draft", inv["status"], inv["number"])
	}
	issued := s.must(s.do("POST", fmt.Sprintf("%s/invoices/%d/issue", s.base, num(inv["id"])), s.acct, nil), 200).obj
	if v, _ := issued["vies"].(map[string]any); issued["status"] != "issued" || v == nil || v["vat_number"] != "DE811128135" {
		t.Errorf("issued %v vies %v", issued["status"], issued["vies"])
	}
	// Domestic lines are issued at once, as before.
	if st := s.must(s.do("POST", order("NL-1", "21")+"/invoice", s.acct, nil), 201).obj["invoice"].(map[string]any)["status"]; st != "issued" {
		t.Errorf("a domestic invoice of orders in issued mode: %v", st)
	}
}
