package api

import (
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"backoffice/invoicing/einvoice/validate"
	"backoffice/ledger"
)

// ublDoc is what the tests read back of a UBL invoice or credit note
// (encoding/xml matches the local names, whatever the namespace).
type ublDoc struct {
	XMLName        xml.Name
	TypeCode       string `xml:"InvoiceTypeCode"`
	CNTypeCode     string `xml:"CreditNoteTypeCode"`
	Currency       string `xml:"DocumentCurrencyCode"`
	TaxCurrency    string `xml:"TaxCurrencyCode"`
	BuyerReference string `xml:"BuyerReference"`
	OrderReference string `xml:"OrderReference>ID"`
	Billing        []struct {
		ID   string `xml:"InvoiceDocumentReference>ID"`
		Date string `xml:"InvoiceDocumentReference>IssueDate"`
	} `xml:"BillingReference"`
	Attachments []struct {
		Object struct {
			Mime string `xml:"mimeCode,attr"`
			File string `xml:"filename,attr"`
			Data string `xml:",chardata"`
		} `xml:"Attachment>EmbeddedDocumentBinaryObject"`
	} `xml:"AdditionalDocumentReference"`
	Seller   ublParty `xml:"AccountingSupplierParty>Party"`
	Buyer    ublParty `xml:"AccountingCustomerParty>Party"`
	Delivery struct {
		Date    string `xml:"ActualDeliveryDate"`
		Country string `xml:"DeliveryLocation>Address>Country>IdentificationCode"`
	} `xml:"Delivery"`
	PaymentMeans []struct {
		Code string `xml:"PaymentMeansCode"`
		ID   string `xml:"PaymentID"`
		IBAN string `xml:"PayeeFinancialAccount>ID"`
	} `xml:"PaymentMeans"`
	TaxTotals []struct {
		Amount ublAmount `xml:"TaxAmount"`
		Subs   []struct {
			Taxable  ublAmount `xml:"TaxableAmount"`
			Tax      ublAmount `xml:"TaxAmount"`
			Category string    `xml:"TaxCategory>ID"`
			Percent  string    `xml:"TaxCategory>Percent"`
			Code     string    `xml:"TaxCategory>TaxExemptionReasonCode"`
			Reason   string    `xml:"TaxCategory>TaxExemptionReason"`
		} `xml:"TaxSubtotal"`
	} `xml:"TaxTotal"`
	Payable ublAmount `xml:"LegalMonetaryTotal>PayableAmount"`
	Lines   []ublLine `xml:"InvoiceLine"`
	CNLines []ublLine `xml:"CreditNoteLine"`
}

type ublParty struct {
	Endpoint ublID    `xml:"EndpointID"`
	TaxIDs   []string `xml:"PartyTaxScheme>CompanyID"`
	Legal    ublID    `xml:"PartyLegalEntity>CompanyID"`
	Street   string   `xml:"PostalAddress>StreetName"`
	Postcode string   `xml:"PostalAddress>PostalZone"`
}

type ublID struct {
	Scheme string `xml:"schemeID,attr"`
	ID     string `xml:",chardata"`
}

type ublAmount struct {
	Currency string `xml:"currencyID,attr"`
	Value    string `xml:",chardata"`
}

type ublLine struct {
	Note     string `xml:"Note"`
	Quantity struct {
		Unit  string `xml:"unitCode,attr"`
		Value string `xml:",chardata"`
	} `xml:"InvoicedQuantity"`
	Net      string `xml:"LineExtensionAmount"`
	Price    string `xml:"Price>PriceAmount"`
	Discount string `xml:"Price>AllowanceCharge>Amount"`
	Gross    string `xml:"Price>AllowanceCharge>BaseAmount"`
}

// vat is the document's VAT breakdown as "category rate taxable VAT
// [code]" per subtotal, and the VAT total, for comparing with figures
// worked out by hand.
func (d *ublDoc) vat() string {
	var parts []string
	for _, tt := range d.TaxTotals {
		if len(tt.Subs) == 0 { // the total in the accounting currency
			parts = append(parts, "in "+tt.Amount.Currency+" "+tt.Amount.Value)
			continue
		}
		for _, s := range tt.Subs {
			p := fmt.Sprintf("%s %s %s %s", s.Category, s.Percent, s.Taxable.Value, s.Tax.Value)
			if s.Code != "" {
				p += " " + s.Code
			}
			parts = append(parts, p)
		}
		parts = append(parts, "total "+tt.Amount.Value)
	}
	return strings.Join(parts, "; ")
}

// TestEInvoicesOut issues, over the API, one document per sales tax case,
// downloads each as UBL, checks its figures and parties, and validates
// them all with the official artefacts in one batch; then the refusals.
func TestEInvoicesOut(t *testing.T) {
	t.Parallel()
	b := newBooks(t) // Bakkerij Test BV, KvK 12345678, NL123456782B01; a Danish customer in Dutch
	cust := func(body string) string {
		t.Helper()
		return strconv.FormatInt(num(b.must(b.do("POST", b.base+"/customers", b.acct, body), 201).obj["id"]), 10)
	}
	b.must(b.do("PATCH", b.base+"/customers/"+b.cust, b.acct, `{"electronic_address":"0184:12345674"}`), 200)
	dk := b.cust
	nl := cust(`{"name":"Klant BV","language":"nl","registration_id":"87654321","vat_number":"NL004495445B01"}`) // 0106 derived
	ie := cust(`{"name":"Pump Ltd","language":"en","vat_number":"IE6433435F","electronic_address":"9935:IE6433435F",
		"address":{"lines":["1 Grafton Street"],"postcode":"D02 XY45","city":"Dublin","country":"IE"}}`)
	us := cust(`{"name":"Acme Inc","language":"en","electronic_address":"0060:123456789",
		"address":{"lines":["1 Main Street"],"postcode":"10001","city":"New York","country":"US"}}`)
	gov := cust(`{"name":"Gemeente Utrecht","language":"nl","electronic_address":"0190:00000001234567890000"}`)
	vat9944 := cust(`{"name":"BTW Klant BV","language":"nl","vat_number":"NL000099998B57","electronic_address":"9944:nl000099998b57"}`)
	if r := b.must(b.do("GET", b.base+"/customers/"+vat9944, b.acct, nil), 200); r.obj["electronic_address"] != "9944:NL000099998B57" {
		t.Errorf("9944 address not normalised: %v", r.obj["electronic_address"])
	}

	// issue makes and issues an invoice; extra is more of its body.
	issue := func(customer, extra string, lines ...string) string {
		t.Helper()
		body := fmt.Sprintf(`{"customer_id":%s,"issue_date":"2026-03-10"%s,"lines":[%s]}`, customer, extra, strings.Join(lines, ","))
		id := strconv.FormatInt(num(b.must(b.do("POST", b.base+"/invoices", b.acct, body), 201).obj["id"]), 10)
		b.issue(id)
		return id
	}
	l := func(desc, qty, unit, price, code string) string {
		return fmt.Sprintf(`{"description":%q,"quantity":%q,"unit":%q,"unit_price":%q,"tax_code":%q}`, desc, qty, unit, price, code)
	}
	docs := map[string]string{ // name -> document path
		"standard":  "/invoices/" + issue(nl, "", advice),
		"reduced":   "/invoices/" + issue(nl, "", bread),
		"both":      "/invoices/" + issue(nl, `,"buyer_reference":"PO-2026-17"`, bread, advice),
		"zero":      "/invoices/" + issue(nl, "", l("Printed matter", "1", "", "100", "0")),
		"reverse":   "/invoices/" + issue(nl, "", l("Demolition", "1", "", "1000", "reverse-charge")),
		"intra-eu":  "/invoices/" + issue(dk, "", l("Pumps", "2", "pcs", "500", "intra-eu")),
		"services":  "/invoices/" + issue(ie, "", l("Engineering", "10", "h", "95", "intra-eu-services")),
		"triangle":  "/invoices/" + issue(dk, `,"supply_date":"2026-03-06"`, l("Valves", "1", "", "500", "intra-eu-triangular")),
		"export":    "/invoices/" + issue(us, "", l("Machine", "1", "", "800", "export")),
		"non-eu":    "/invoices/" + issue(us, "", l("Consulting", "4", "h", "150", "non-eu-services")),
		"exempt":    "/invoices/" + issue(nl, "", l("Training", "1", "", "80", "exempt")),
		"usd":       "/invoices/" + issue(us, `,"currency":"USD","exchange_rate":"0.92"`, l("Consulting", "10", "h", "100", "21")),
		"oin":       "/invoices/" + issue(gov, "", advice),
		"vat9944":   "/invoices/" + issue(vat9944, "", advice),
		"to-credit": "/invoices/" + issue(nl, "", bread, advice),
	}
	cn := b.must(b.do("POST", b.base+docs["to-credit"]+"/credit-notes", b.acct, `{"issue_date":"2026-03-12"}`), 201).obj
	docs["credit-note"] = "/credit-notes/" + strconv.FormatInt(num(cn["id"]), 10)
	delete(docs, "to-credit")

	// An invoice from an order: the order's external id is its order
	// reference; its customer's KvK number its endpoint.
	integ := b.key(ledger.RoleIntegration, b.id)
	order := strings.Replace(orderJSON("SHOP-77", "12"), `"vat_number":"NL123456782B01"`, `"vat_number":"NL123456782B01","registration_id":"11223344"`, 1)
	o := b.base + "/orders/" + strconv.FormatInt(num(b.must(b.do("POST", b.base+"/orders", integ, order), 201).obj["id"]), 10)
	b.must(b.do("POST", o+"/accept", integ, nil), 200)
	b.must(b.do("POST", o+"/fulfill", integ, nil), 200)
	fromOrder := strconv.FormatInt(num(b.must(b.do("POST", o+"/invoice", b.acct, nil), 201).obj["invoice"].(map[string]any)["id"]), 10)
	b.issue(fromOrder)
	docs["order"] = "/invoices/" + fromOrder

	// A KOR entity without a VAT number: its exempt supplies, with its
	// tax number.
	korID := num(b.must(b.do("POST", "/v1/entities", b.admin, `{"name":"Kleine Zaak","currency":"EUR","chart_template":"standard",
		"vat_scheme":"kor","vat_number":"","vat_tax_number":"123456789B01","registration_id":"99887766"}`), 201).obj["id"])
	korKey := b.key(ledger.RoleAccountant, korID)
	korCust := strconv.FormatInt(num(b.must(b.do("POST", ent(korID)+"/customers", korKey, `{"name":"Klant BV","registration_id":"87654321"}`), 201).obj["id"]), 10)
	korInv := strconv.FormatInt(num(b.must(b.do("POST", ent(korID)+"/invoices", korKey,
		`{"customer_id":`+korCust+`,"issue_date":"2026-03-10","lines":[`+l("Lessons", "2", "h", "40", "exempt")+`]}`), 201).obj["id"]), 10)
	b.must(b.do("POST", ent(korID)+"/invoices/"+korInv+"/issue", korKey, nil), 200)

	// Review regressions. A consumer's invoice may have two codes at one
	// rate, or non-EU services beside an export (it gets no e-invoice);
	// when the customer turns business, its invoices are still credited.
	b.must(b.do("POST", b.base+"/tax-codes", b.acct, `{"code":"21-food","description":"21 % food","rate":"21","kind":"standard","account":"1700"}`), 201)
	later := cust(`{"name":"Later BV","language":"nl","customer_type":"consumer","registration_id":"87654323",
		"address":{"lines":["Stationsplein 3"],"postcode":"3511 ED","city":"Utrecht","country":"NL"}}`)
	laterUS := cust(`{"name":"Acme Later Inc","language":"en","customer_type":"consumer","electronic_address":"0060:123456789",
		"address":{"lines":["2 Main Street"],"postcode":"10001","city":"New York","country":"US"}}`)
	shared := issue(later, "", advice, l("Cake", "1", "", "20", "21-food"))
	mixed := issue(laterUS, "", l("Consulting", "1", "", "100", "non-eu-services"), l("Machine", "1", "", "800", "export"))
	credit := func(invoice string) string {
		t.Helper()
		return strconv.FormatInt(num(b.must(b.do("POST", b.base+"/invoices/"+invoice+"/credit-notes", b.acct, `{"issue_date":"2026-03-12"}`), 201).obj["id"]), 10)
	}
	for _, c := range []string{later, laterUS} {
		b.must(b.do("PATCH", b.base+"/customers/"+c, b.acct, `{"customer_type":"business"}`), 200)
	}
	docs["shared-rate"], docs["shared-rate-credit"] = "/invoices/"+shared, "/credit-notes/"+credit(shared)
	mixedCredit := credit(mixed)
	// Units: codes of the EN 16931 list as written, other text as C62
	// with the text in the line's note.
	docs["units"] = "/invoices/" + issue(nl, "", l("Coaching", "3", "sessie", "50", "21"), l("Licence", "2", "license", "10", "21"),
		l("Removal", "1", "LS", "100", "21"), l("Cable", "2", "E48", "5", "21"), l("Bolts", "4", "PCE", "1", "21"))
	// A simplified invoice (24.20) printed without the customer's
	// address: refused until the customer has one, then the address now.
	noAddr := cust(`{"name":"Geen Adres BV","language":"nl","registration_id":"87654324","electronic_address":"0106:87654324","address":{"lines":[]}}`)
	simplified := "/invoices/" + issue(noAddr, "", l("Cake", "1", "", "20", "21"))
	wantProblem(t, b.do("GET", b.base+simplified+"/ubl", b.acct, nil), 422, "field_required", "customer.address.country")
	halfAddr := cust(`{"name":"Half Adres BV","language":"nl","registration_id":"87654325","address":{"lines":[],"city":"Utrecht","country":"NL"}}`)
	r := b.do("GET", b.base+"/invoices/"+issue(halfAddr, "", l("Cake", "1", "", "20", "21"))+"/ubl", b.acct, nil)
	wantProblem(t, r, 422, "field_required", "customer.address.lines", "customer.address.postcode")
	if !strings.Contains(string(r.body), "NL-R-004") {
		t.Errorf("half address: %s", r.body)
	}
	b.must(b.do("PATCH", b.base+"/customers/"+noAddr, b.acct, `{"address":{"lines":["Oudegracht 9"],"postcode":"3511 AB","city":"Utrecht","country":"NL"}}`), 200)
	docs["simplified"] = simplified
	// A UK VAT number (no ISO prefix) is left out of a standard-rated
	// invoice; services and triangulation share one AE group.
	uk := cust(`{"name":"London Ltd","language":"en","vat_number":"UK123456789","electronic_address":"9932:GB123456789",
		"address":{"lines":["1 High Street"],"postcode":"SW1A 1AA","city":"London","country":"GB"}}`)
	docs["uk-vat"] = "/invoices/" + issue(uk, "", advice)
	docs["ae-reasons"] = "/invoices/" + issue(dk, `,"supply_date":"2026-03-06"`, l("Design", "1", "", "50", "intra-eu-services"),
		l("Valves", "1", "", "500", "intra-eu-triangular"))

	raw := map[string][]byte{}
	parsed := map[string]*ublDoc{}
	get := func(name, url, key string) {
		t.Helper()
		r := b.must(b.do("GET", url, key, nil), 200)
		if ct := r.header.Get("Content-Type"); ct != "application/xml" {
			t.Errorf("%s: Content-Type %q", name, ct)
		}
		if cd := r.header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment; filename=") || !strings.HasSuffix(cd, `.xml"`) && !strings.HasSuffix(cd, ".xml") {
			t.Errorf("%s: Content-Disposition %q", name, cd)
		}
		var d ublDoc
		if err := xml.Unmarshal(r.body, &d); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, r.body)
		}
		raw[name], parsed[name] = r.body, &d
	}
	for name, path := range docs {
		get(name, b.base+path+"/ubl", b.acct)
	}
	get("kor", ent(korID)+"/invoices/"+korInv+"/ubl", korKey)

	// The figures, worked out by hand. 2.5 h x 100.00 less 10 % = 225.00
	// at 21 % = 47.25; 12 x 3.95 = 47.40 at 9 % = 4.266 -> 4.27.
	for name, want := range map[string]string{
		"standard":    "S 21 225.00 47.25; total 47.25",
		"reduced":     "S 9 47.40 4.27; total 4.27",
		"both":        "S 9 47.40 4.27; S 21 225.00 47.25; total 51.52",
		"zero":        "Z 0 100.00 0.00; total 0.00",
		"reverse":     "AE 0 1000.00 0.00 VATEX-EU-AE; total 0.00",
		"intra-eu":    "K 0 1000.00 0.00 VATEX-EU-IC; total 0.00",
		"services":    "AE 0 950.00 0.00 VATEX-EU-AE; total 0.00",
		"triangle":    "AE 0 500.00 0.00 VATEX-EU-AE; total 0.00",
		"export":      "G 0 800.00 0.00 VATEX-EU-G; total 0.00",
		"non-eu":      "O  600.00 0.00 VATEX-EU-O; total 0.00",
		"exempt":      "E 0 80.00 0.00; total 0.00",
		"kor":         "E 0 80.00 0.00; total 0.00",
		"usd":         "S 21 1000.00 210.00; total 210.00; in EUR 193.20", // 210.00 USD x 0.92
		"oin":         "S 21 225.00 47.25; total 47.25",
		"vat9944":     "S 21 225.00 47.25; total 47.25",
		"credit-note": "S 9 47.40 4.27; S 21 225.00 47.25; total 51.52",
		"order":       "S 9 47.40 4.27; total 4.27",
		// 225.00 on code 21 (VAT 47.25) and 20.00 on 21-food (4.20):
		// one group, the sum of the two codes' VAT.
		"shared-rate":        "S 21 245.00 51.45; total 51.45",
		"shared-rate-credit": "S 21 245.00 51.45; total 51.45",
		// 150 + 20 + 100 + 10 + 4 = 284.00 at 21 % = 59.64.
		"units":      "S 21 284.00 59.64; total 59.64",
		"simplified": "S 21 20.00 4.20; total 4.20",
		"uk-vat":     "S 21 225.00 47.25; total 47.25",
		"ae-reasons": "AE 0 550.00 0.00 VATEX-EU-AE; total 0.00",
	} {
		if got := parsed[name].vat(); got != want {
			t.Errorf("%s VAT:\n got %s\nwant %s", name, got, want)
		}
	}
	for name, want := range map[string]string{"standard": "272.25", "both": "323.92", "usd": "1210.00", "non-eu": "600.00", "credit-note": "323.92", "order": "51.67"} {
		if got := parsed[name].Payable.Value; got != want {
			t.Errorf("%s PayableAmount %s, want %s", name, got, want)
		}
	}

	var units []string
	for _, ln := range parsed["units"].Lines {
		units = append(units, ln.Quantity.Unit+" "+ln.Note)
	}
	if got := strings.Join(units, ", "); got != "C62 3 sessie, C62 2 license, LS , E48 , C62 " {
		t.Errorf("units: %s", got)
	}
	if d := parsed["simplified"]; d.Buyer.Street != "Oudegracht 9" || d.Buyer.Postcode != "3511 AB" {
		t.Errorf("simplified buyer address %+v", d.Buyer)
	}
	if d := parsed["uk-vat"]; len(d.Buyer.TaxIDs) != 0 || len(d.Seller.TaxIDs) != 1 {
		t.Errorf("UK buyer tax ids %v, seller %v", d.Buyer.TaxIDs, d.Seller.TaxIDs)
	}
	if reason := parsed["ae-reasons"].TaxTotals[0].Subs[0].Reason; !strings.Contains(reason, "art. 196 Richtlijn") || !strings.Contains(reason, "art. 141 en 197") {
		t.Errorf("AE exemption reason %q", reason)
	}

	// The discounted line: net price 90 = 100 less 10.
	if ln := parsed["standard"].Lines[0]; ln.Price != "90" || ln.Discount != "10" || ln.Gross != "100" || ln.Quantity.Unit != "HUR" || ln.Quantity.Value != "2.5" || ln.Net != "225.00" {
		t.Errorf("discounted line %+v", ln)
	}
	// Endpoints and legal registrations.
	for name, want := range map[string]string{
		"standard": "0106:12345678 0106:12345678 | 0106:87654321 0106:87654321",
		"oin":      "0106:12345678 0106:12345678 | 0190:00000001234567890000 0190:00000001234567890000",
		"vat9944":  "0106:12345678 0106:12345678 | 9944:NL000099998B57 :",
		"intra-eu": "0106:12345678 0106:12345678 | 0184:12345674 :",
		"order":    "0106:12345678 0106:12345678 | 0106:11223344 0106:11223344",
		"kor":      "0106:99887766 0106:99887766 | 0106:87654321 0106:87654321",
	} {
		d := parsed[name]
		id := func(v ublID) string { return v.Scheme + ":" + v.ID }
		if got := id(d.Seller.Endpoint) + " " + id(d.Seller.Legal) + " | " + id(d.Buyer.Endpoint) + " " + id(d.Buyer.Legal); got != want {
			t.Errorf("%s parties:\n got %s\nwant %s", name, got, want)
		}
	}
	if d := parsed["non-eu"]; len(d.Seller.TaxIDs) != 0 || len(d.Buyer.TaxIDs) != 0 {
		t.Errorf("non-EU services carry VAT numbers: %v %v", d.Seller.TaxIDs, d.Buyer.TaxIDs)
	}
	if d := parsed["kor"]; strings.Join(d.Seller.TaxIDs, " ") != "123456789B01" {
		t.Errorf("KOR seller tax ids %v", d.Seller.TaxIDs)
	}
	if d := parsed["intra-eu"]; d.Delivery.Date != "2026-03-10" || d.Delivery.Country != "DK" || strings.Join(d.Buyer.TaxIDs, " ") != "DK12345674" {
		t.Errorf("intra-EU delivery %+v, buyer VAT %v", d.Delivery, d.Buyer.TaxIDs)
	}
	if d := parsed["triangle"]; d.Delivery.Date != "2026-03-06" {
		t.Errorf("triangulation delivery %+v", d.Delivery)
	}
	if d := parsed["usd"]; d.Currency != "USD" || d.TaxCurrency != "EUR" {
		t.Errorf("USD: %s / %s", d.Currency, d.TaxCurrency)
	}
	// References.
	if d := parsed["both"]; d.BuyerReference != "PO-2026-17" || d.OrderReference != "" {
		t.Errorf("both: buyer %q order %q", d.BuyerReference, d.OrderReference)
	}
	if d := parsed["order"]; d.OrderReference != "SHOP-77" || d.BuyerReference != "C-778" {
		t.Errorf("order: buyer %q order %q", d.BuyerReference, d.OrderReference)
	}
	d := parsed["credit-note"]
	if d.XMLName.Local != "CreditNote" || d.CNTypeCode != "381" || len(d.Billing) != 1 || d.Billing[0].ID != "INV-2026-0015" ||
		d.Billing[0].Date != "2026-03-10" || len(d.PaymentMeans) != 0 || len(d.CNLines) != 2 {
		t.Errorf("credit note: %s %s %+v, %d payment means, %d lines", d.XMLName.Local, d.CNTypeCode, d.Billing, len(d.PaymentMeans), len(d.CNLines))
	}
	// Payment: SEPA transfer to the entity's IBAN quoting the number.
	if pm := parsed["standard"].PaymentMeans; len(pm) != 1 || pm[0].Code != "58" || pm[0].IBAN != testIBAN || pm[0].ID != "INV-2026-0001" {
		t.Errorf("payment means %+v", pm)
	}
	// The PDF, embedded.
	for _, name := range []string{"standard", "credit-note"} {
		a := parsed[name].Attachments
		if len(a) != 1 || a[0].Object.Mime != "application/pdf" || !strings.HasSuffix(a[0].Object.File, ".pdf") {
			t.Fatalf("%s attachments %+v", name, a)
		}
		if pdf, err := base64.StdEncoding.DecodeString(a[0].Object.Data); err != nil || !strings.HasPrefix(string(pdf), "%PDF-") {
			t.Errorf("%s: embedded PDF %v %.10q", name, err, pdf)
		}
	}
	noPDF := b.must(b.do("GET", b.base+docs["standard"]+"/ubl?pdf=false", b.acct, nil), 200)
	if strings.Contains(string(noPDF.body), "EmbeddedDocumentBinaryObject") {
		t.Error("pdf=false embeds the PDF")
	}
	// A client key downloads its entity's e-invoices.
	b.must(b.do("GET", b.base+docs["standard"]+"/ubl", b.key(ledger.RoleClient, b.id), nil), 200)

	// The official artefacts, all documents in one run.
	// (Many fails the test naming each document that does not pass.)
	if res := validate.Many(t, raw); len(res) != len(raw) || len(raw) != 23 {
		t.Errorf("%d results for %d documents", len(res), len(raw))
	}

	// Refusals.
	// Non-EU services beside another kind: the invoice and its credit
	// note are issued, their e-invoices refused.
	wantProblem(t, b.do("GET", b.base+"/invoices/"+mixed+"/ubl", b.acct, nil), 422, "tax_kind_mix")
	wantProblem(t, b.do("GET", b.base+"/credit-notes/"+mixedCredit+"/ubl", b.acct, nil), 422, "tax_kind_mix")
	// 3 decimals (KWD): EN 16931 amounts have at most 2.
	kw := cust(`{"name":"Kuwait Co","language":"en","electronic_address":"0088:5790000435968",
		"address":{"lines":["1 Road"],"postcode":"12345","city":"Kuwait","country":"KW"}}`)
	wantProblem(t, b.do("GET", b.base+"/invoices/"+issue(kw, `,"currency":"KWD","exchange_rate":"2.98"`, l("Machine", "1", "", "100.125", "export"))+"/ubl", b.acct, nil),
		422, "einvoice_currency_unsupported")
	// A KOR entity without a VAT number exporting: BR-G-02 needs one.
	korUS := strconv.FormatInt(num(b.must(b.do("POST", ent(korID)+"/customers", korKey, `{"name":"Acme Inc","language":"en","electronic_address":"0060:123456789",
		"address":{"lines":["1 Main Street"],"postcode":"10001","city":"New York","country":"US"}}`), 201).obj["id"]), 10)
	korExport := strconv.FormatInt(num(b.must(b.do("POST", ent(korID)+"/invoices", korKey,
		`{"customer_id":`+korUS+`,"issue_date":"2026-03-10","lines":[`+l("Pump", "1", "", "500", "export")+`]}`), 201).obj["id"]), 10)
	b.must(b.do("POST", ent(korID)+"/invoices/"+korExport+"/issue", korKey, nil), 200)
	wantProblem(t, b.do("GET", ent(korID)+"/invoices/"+korExport+"/ubl", korKey, nil), 422, "field_required", "entity.vat_number")
	// A UK number where reverse charge needs the buyer's VAT number.
	wantProblem(t, b.do("GET", b.base+"/invoices/"+issue(uk, "", l("Design", "1", "", "50", "reverse-charge"))+"/ubl", b.acct, nil),
		422, "vat_number_invalid", "customer.vat_number")

	consumer := cust(`{"name":"Jan Jansen","customer_type":"consumer","electronic_address":"0106:11112222"}`)
	wantProblem(t, b.do("GET", b.base+"/invoices/"+issue(consumer, "", bread)+"/ubl", b.acct, nil), 422, "einvoice_consumer")
	be := cust(`{"name":"Geen Adres NV","address":{"lines":["Rue Neuve 1"],"postcode":"1000","city":"Bruxelles","country":"BE"}}`)
	r = b.do("GET", b.base+"/invoices/"+issue(be, "", advice)+"/ubl", b.acct, nil)
	wantProblem(t, r, 422, "einvoice_no_electronic_address")
	if !strings.Contains(r.obj["detail"].(string), "electronic_address") {
		t.Errorf("no address: %s", r.body)
	}
	wantProblem(t, b.do("GET", b.base+"/invoices/"+issue(dk, "", l("Parcel", "1", "", "30", "distance-sales"))+"/ubl", b.acct, nil), 422, "einvoice_distance_sales")
	draft := strconv.FormatInt(num(b.must(b.do("POST", b.base+"/invoices", b.acct, `{"customer_id":`+nl+`,"lines":[`+bread+`]}`), 201).obj["id"]), 10)
	wantProblem(t, b.do("GET", b.base+"/invoices/"+draft+"/ubl", b.acct, nil), 409, "invoice_not_issued")
	void := issue(nl, "", bread)
	b.must(b.do("POST", b.base+"/invoices/"+void+"/void", b.acct, nil), 200)
	wantProblem(t, b.do("GET", b.base+"/invoices/"+void+"/ubl", b.acct, nil), 409, "invoice_void")
	wantProblem(t, b.do("GET", b.base+docs["standard"]+"/ubl?pdf=maybe", b.acct, nil), 422, "parameter_invalid", "pdf")
	wantProblem(t, b.do("GET", b.base+"/credit-notes/"+strings.TrimPrefix(docs["standard"], "/invoices/")+"/ubl", b.acct, nil), 404, "not_found")

	// At issue, to a business: two codes at one rate, and non-EU services
	// with another kind.
	two := strconv.FormatInt(num(b.must(b.do("POST", b.base+"/invoices", b.acct, `{"customer_id":`+nl+`,"issue_date":"2026-03-10","lines":[`+
		advice+`,`+l("Cake", "1", "", "20", "21-food")+`]}`), 201).obj["id"]), 10)
	r = b.do("POST", b.base+"/invoices/"+two+"/issue", b.acct, nil)
	wantProblem(t, r, 422, "tax_codes_share_rate", "lines[1].tax_code")
	if msg := r.body; !strings.Contains(string(msg), `\"21\" and \"21-food\" both charge VAT at 21 %`) {
		t.Errorf("share rate: %s", msg)
	}
	mix := strconv.FormatInt(num(b.must(b.do("POST", b.base+"/invoices", b.acct, `{"customer_id":`+us+`,"issue_date":"2026-03-10","lines":[`+
		l("Consulting", "1", "", "100", "non-eu-services")+`,`+l("Machine", "1", "", "800", "export")+`]}`), 201).obj["id"]), 10)
	wantProblem(t, b.do("POST", b.base+"/invoices/"+mix+"/issue", b.acct, nil), 422, "tax_kind_mix", "lines")
}

// TestElectronicAddressInput: the forms refused, at their field.
func TestElectronicAddressInput(t *testing.T) {
	t.Parallel()
	b := newBooks(t)
	for _, bad := range []string{"12345678", "1234:5678", "0106:1234567", "0106:", "0190:123", "9944:NL123456789B02", "9944:DE136695976",
		"0060:" + strings.Repeat("9", 101)} {
		wantProblem(t, b.do("PATCH", b.base+"/customers/"+b.cust, b.acct, fmt.Sprintf(`{"electronic_address":%q}`, bad)), 422, "electronic_address_invalid", "electronic_address")
	}
	wantProblem(t, b.do("PATCH", b.base, b.acct, `{"electronic_address":"0106:abc"}`), 422, "electronic_address_invalid", "electronic_address")
	if r := b.must(b.do("PATCH", b.base, b.acct, `{"electronic_address":" 0106:12345678 "}`), 200); r.obj["electronic_address"] != "0106:12345678" {
		t.Errorf("entity: %v", r.obj["electronic_address"])
	}
	if r := b.must(b.do("PATCH", b.base+"/customers/"+b.cust, b.acct, `{"electronic_address":"0088:5790000435968"}`), 200); r.obj["electronic_address"] != "0088:5790000435968" {
		t.Errorf("customer: %v", r.obj["electronic_address"])
	}
	if r := b.must(b.do("PATCH", b.base+"/customers/"+b.cust, b.acct, `{"electronic_address":""}`), 200); r.obj["electronic_address"] != "" {
		t.Errorf("cleared: %v", r.obj["electronic_address"])
	}
	wantProblem(t, b.do("POST", b.base+"/invoices", b.acct, `{"customer_id":`+b.cust+`,"buyer_reference":"`+strings.Repeat("r", 201)+`","lines":[`+bread+`]}`),
		422, "field_too_long", "buyer_reference")
}
