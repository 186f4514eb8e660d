package sales

import (
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"backoffice/invoicing"
	"backoffice/invoicing/einvoice"
	"backoffice/ledger"
)

func date(s string) *ledger.Date {
	d, err := ledger.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return &d
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// line is an invoice line as the invoicing package makes it, its net
// amount given (worked out by hand in each test).
func line(no int, desc, qty, unit, price, discount, code, rate string, kind invoicing.TaxKind, netMinor int64) invoicing.Line {
	return invoicing.Line{LineNo: no, Description: desc, Quantity: dec(qty), Unit: unit, UnitPrice: dec(price),
		DiscountPercent: dec(discount), TaxCode: code, TaxRate: dec(rate), TaxKind: kind, NetMinor: netMinor}
}

var testEntity = &ledger.Entity{ID: 1, Name: "Bakkerij Test BV", RegistrationID: "12345678", VATNumber: "NL004495445B01",
	Currency: "EUR", VATScheme: ledger.VATStandard,
	Address: ledger.Address{Lines: []string{"Keizersgracht 1", "2e etage"}, Postcode: "1015 AA", City: "Amsterdam", Country: "NL"}}

// fixture is an issued invoice of testEntity to a Danish business.
func fixture(lines ...invoicing.Line) Input {
	c := &invoicing.Customer{ID: 7, Name: "Vestergaard ApS", VATNumber: "DK12345674", Language: "nl", Type: invoicing.CustomerBusiness, PaymentTermsDays: 14,
		ElectronicAddress: "0184:12345674", Address: ledger.Address{Lines: []string{"Vestergade 1"}, Postcode: "5970", City: "Ærøskøbing", Country: "DK"}}
	inv := &invoicing.Invoice{ID: 3, Kind: invoicing.KindInvoice, StoredStatus: invoicing.StatusIssued, Number: "INV-2026-0001",
		Currency: "EUR", IssueDate: date("2026-03-10"), DueDate: date("2026-03-24"), Lines: lines}
	inv.ComputeTotals()
	inv.Printed = invoicing.NewPrinted(testEntity, c, &invoicing.Settings{IBAN: "NL91ABNA0417164300"})
	return Input{Entity: testEntity, Invoice: inv, Customer: c}
}

// build builds a document, which must also agree with itself by the
// EN 16931 figure rules (einvoice.Document.Check).
func build(t *testing.T, in Input) *einvoice.Document {
	t.Helper()
	d, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range d.Check() {
		t.Errorf("%s at %s: %s", f.Rule, f.Path, f.Message)
	}
	return d
}

func wantDec(t *testing.T, what string, got decimal.Decimal, want string) {
	t.Helper()
	if !got.Equal(dec(want)) {
		t.Errorf("%s = %s, want %s", what, got, want)
	}
}

// 12 x 3.95 at 9 % = 47.40, VAT 4.27 (4.266). 2.5 h x 100 less 10 % =
// 225.00 at 21 %, VAT 47.25. 3 x 3.95 less 12.5 %: net price 3.95 x 0.875
// = 3.45625, 3 x 3.45625 = 10.36875 -> 10.37, with the 225.00 at 21 %
// 235.37, VAT 49.4277 -> 49.43. Net 282.77, VAT 53.70, total 336.47.
func TestStandardReducedAndDiscount(t *testing.T) {
	d := build(t, fixture(
		line(1, "Sourdough", "12", "pcs", "3.95", "0", "9", "9", invoicing.TaxReduced, 4740),
		line(2, "Advice", "2.5", "h", "100", "10", "21", "21", invoicing.TaxStandard, 22500),
		line(3, "Rye", "3", "", "3.95", "12.5", "21", "21", invoicing.TaxStandard, 1037),
	))
	if len(d.VAT) != 2 {
		t.Fatalf("VAT groups %+v", d.VAT)
	}
	if v := d.VAT[0]; v.Category != "S" || !v.Rate.Equal(dec("9")) || v.ExemptionReason != "" {
		t.Errorf("first group %+v", v)
	}
	wantDec(t, "9 % taxable", d.VAT[0].TaxableAmount, "47.40")
	wantDec(t, "9 % VAT", d.VAT[0].TaxAmount, "4.27")
	wantDec(t, "21 % taxable", d.VAT[1].TaxableAmount, "235.37")
	wantDec(t, "21 % VAT", d.VAT[1].TaxAmount, "49.43")
	wantDec(t, "line total", d.Totals.LineTotal, "282.77")
	wantDec(t, "tax total", d.Totals.TaxTotal, "53.70")
	wantDec(t, "payable", d.Totals.Payable, "336.47")
	wantDec(t, "tax inclusive", d.Totals.TaxInclusive, "336.47")
	l := d.Lines[1]
	wantDec(t, "advice net price", l.Price, "90")
	wantDec(t, "advice gross price", l.GrossPrice, "100")
	wantDec(t, "advice discount", l.PriceDiscount, "10")
	if l.UnitCode != "HUR" || d.Lines[0].UnitCode != "C62" || d.Lines[2].UnitCode != "C62" {
		t.Errorf("unit codes %s %s %s", d.Lines[0].UnitCode, l.UnitCode, d.Lines[2].UnitCode)
	}
	wantDec(t, "rye net price", d.Lines[2].Price, "3.45625")
	wantDec(t, "rye discount", d.Lines[2].PriceDiscount, "0.49375")
	wantDec(t, "rye net", d.Lines[2].NetAmount, "10.37")
	if d.Lines[0].ID != "1" || d.Lines[0].Name != "Sourdough" || !d.Lines[0].GrossPrice.IsZero() {
		t.Errorf("line 1 %+v", d.Lines[0])
	}
	// Payment: a Dutch IBAN is SEPA; the reference the PDF asks for.
	if len(d.PaymentMeans) != 1 || d.PaymentMeans[0] != (einvoice.PaymentMeans{Code: "58", PaymentID: "INV-2026-0001",
		IBAN: "NL91ABNA0417164300", AccountName: "Bakkerij Test BV"}) {
		t.Errorf("payment means %+v", d.PaymentMeans)
	}
	if d.PaymentTerms != "Betaling binnen 14 dagen" {
		t.Errorf("terms %q", d.PaymentTerms)
	}
	if d.TypeCode != "380" || d.DueDate.String() != "2026-03-24" || d.BuyerReference != "INV-2026-0001" || d.OrderReference != "" {
		t.Errorf("header %s %v %q %q", d.TypeCode, d.DueDate, d.BuyerReference, d.OrderReference)
	}
	// Parties: the seller's KvK number as its endpoint and legal id; the
	// Danish buyer's endpoint as set, no legal id (not 0106 or 0190).
	s, b := d.Seller, d.Buyer
	if s.EndpointScheme != "0106" || s.EndpointID != "12345678" || s.LegalID != "12345678" || s.LegalScheme != "0106" ||
		s.VATNumber != "NL004495445B01" || s.Address != (einvoice.Address{Street: "Keizersgracht 1", Additional: "2e etage",
		City: "Amsterdam", PostalZone: "1015 AA", Country: "NL"}) {
		t.Errorf("seller %+v", s)
	}
	if b.EndpointScheme != "0184" || b.EndpointID != "12345674" || b.LegalID != "" || b.VATNumber != "DK12345674" || b.Address.Country != "DK" {
		t.Errorf("buyer %+v", b)
	}
	if d.TaxCurrency != "" || d.Delivery != nil || len(d.Attachments) != 0 {
		t.Errorf("tax currency %q, delivery %+v, attachments %d", d.TaxCurrency, d.Delivery, len(d.Attachments))
	}
}

// Each kind's category, rate and exemption reason; the Danish customer
// reads Dutch.
func TestCategories(t *testing.T) {
	for _, c := range []struct {
		kind             invoicing.TaxKind
		cat, code, words string
	}{
		{invoicing.TaxZero, "Z", "", ""},
		{invoicing.TaxReverseCharge, "AE", "VATEX-EU-AE", "BTW verlegd"},
		{invoicing.TaxIntraEUServices, "AE", "VATEX-EU-AE", "art. 196 Richtlijn"},
		{invoicing.TaxIntraEUTriangle, "AE", "VATEX-EU-AE", "art. 141 en 197"},
		{invoicing.TaxIntraEU, "K", "VATEX-EU-IC", "Intracommunautaire levering"},
		{invoicing.TaxExport, "G", "VATEX-EU-G", "Uitvoer buiten de EU"},
		{invoicing.TaxNonEUServices, "O", "VATEX-EU-O", "Niet belast in Nederland"},
		{invoicing.TaxExempt, "E", "", "Vrijgesteld van btw (art. 11 Wet OB 1968)"},
	} {
		d := build(t, fixture(line(1, "Goods", "2", "", "250", "0", "x", "0", c.kind, 50000)))
		v := d.VAT[0]
		if len(d.VAT) != 1 || v.Category != c.cat || !v.Rate.IsZero() || v.ExemptionCode != c.code || !strings.Contains(v.ExemptionReason, c.words) ||
			(c.words == "") != (v.ExemptionReason == "") {
			t.Errorf("%s: %+v", c.kind, d.VAT)
		}
		wantDec(t, string(c.kind)+" taxable", v.TaxableAmount, "500.00")
		wantDec(t, string(c.kind)+" VAT", v.TaxAmount, "0")
		wantDec(t, string(c.kind)+" payable", d.Totals.Payable, "500.00")
		if d.Lines[0].VATCategory != c.cat {
			t.Errorf("%s: line category %s", c.kind, d.Lines[0].VATCategory)
		}
		// Goods to another EU country: delivered on the issue date (no
		// date of supply) to the customer's country.
		if (c.kind == invoicing.TaxIntraEU) != (d.Delivery != nil) {
			t.Errorf("%s: delivery %+v", c.kind, d.Delivery)
		}
		if d.Delivery != nil && (d.Delivery.Date.String() != "2026-03-10" || d.Delivery.Address.Country != "DK") {
			t.Errorf("%s: delivery %v %+v", c.kind, d.Delivery.Date, d.Delivery.Address)
		}
		// Outside the scope of VAT: no VAT numbers at all (BR-O-02).
		if out := c.kind == invoicing.TaxNonEUServices; out != (d.Seller.VATNumber == "") || out != (d.Buyer.VATNumber == "") {
			t.Errorf("%s: VAT numbers %q %q", c.kind, d.Seller.VATNumber, d.Buyer.VATNumber)
		}
	}
}

// A group is the category and rate: two zero-rated kinds of one category
// share it; its VAT and taxable amount are the sums. A date of supply is
// the delivery date.
func TestGroupsAndSupplyDate(t *testing.T) {
	in := fixture(
		line(1, "Install", "1", "", "100", "0", "reverse-charge", "0", invoicing.TaxReverseCharge, 10000),
		line(2, "Design", "1", "", "50.50", "0", "intra-eu-services", "0", invoicing.TaxIntraEUServices, 5050),
		line(3, "Pumps", "1", "", "10", "0", "intra-eu", "0", invoicing.TaxIntraEU, 1000),
	)
	in.Invoice.SupplyDate = date("2026-02-27")
	d := build(t, in)
	if len(d.VAT) != 2 || d.VAT[0].Category != "AE" || d.VAT[1].Category != "K" {
		t.Fatalf("groups %+v", d.VAT)
	}
	wantDec(t, "AE taxable", d.VAT[0].TaxableAmount, "150.50")
	wantDec(t, "K taxable", d.VAT[1].TaxableAmount, "10.00")
	if d.Delivery == nil || d.Delivery.Date.String() != "2026-02-27" || d.Delivery.Address.Country != "DK" {
		t.Errorf("delivery %+v", d.Delivery)
	}
}

// A USD invoice: 1000.00 USD at 21 % is 210.00 USD VAT; at 0.92 EUR per
// USD the VAT in the entity's currency is 193.20 EUR.
func TestForeignCurrency(t *testing.T) {
	in := fixture(line(1, "Consulting", "10", "h", "100", "0", "21", "21", invoicing.TaxStandard, 100000))
	in.Invoice.Currency, in.Invoice.ExchangeRate = "USD", dec("0.92")
	d := build(t, in)
	if d.Currency != "USD" || d.TaxCurrency != "EUR" {
		t.Fatalf("currencies %s %s", d.Currency, d.TaxCurrency)
	}
	wantDec(t, "VAT in USD", d.Totals.TaxTotal, "210.00")
	wantDec(t, "VAT in EUR", d.Totals.TaxTotalInTaxCurrency, "193.20")
	wantDec(t, "payable", d.Totals.Payable, "1210.00")
}

// A credit note: type 381, the invoice it corrects, no payment asked for.
func TestCreditNote(t *testing.T) {
	in := fixture(line(1, "Sourdough", "2", "pcs", "3.95", "0", "9", "9", invoicing.TaxReduced, 790))
	in.Invoice.Kind, in.Invoice.Number, in.Invoice.DueDate = invoicing.KindCreditNote, "CN-2026-0001", nil
	in.Credited = &invoicing.Invoice{Number: "INV-2026-0001", IssueDate: date("2026-03-01"), BuyerReference: "PO-77"}
	d := build(t, in)
	if d.Kind != einvoice.KindCreditNote || d.TypeCode != "381" || len(d.Preceding) != 1 || d.Preceding[0].Number != "INV-2026-0001" ||
		d.Preceding[0].IssueDate.String() != "2026-03-01" || len(d.PaymentMeans) != 0 || d.DueDate != nil || d.BuyerReference != "PO-77" {
		t.Errorf("credit note %+v", d)
	}
	// 7.90 at 9 % = 0.711 -> 0.71.
	wantDec(t, "VAT", d.Totals.TaxTotal, "0.71")
	wantDec(t, "payable", d.Totals.Payable, "8.61")
}

// Under the small-business scheme without a VAT number: the KOR note is
// the exemption reason and the tax number identifies the seller.
func TestKOR(t *testing.T) {
	kor := *testEntity
	kor.VATScheme, kor.VATNumber, kor.VATTaxNumber = ledger.VATSmallBusiness, "", "123456789B01"
	in := fixture(line(1, "Lessons", "1", "", "80", "0", "exempt", "0", invoicing.TaxExempt, 8000))
	in.Entity = &kor
	in.Invoice.Printed = invoicing.NewPrinted(&kor, in.Customer, &invoicing.Settings{IBAN: "NL91ABNA0417164300"})
	d := build(t, in)
	if v := d.VAT[0]; v.Category != "E" || !strings.Contains(v.ExemptionReason, "kleineondernemersregeling") {
		t.Errorf("KOR VAT %+v", v)
	}
	if d.Seller.VATNumber != "" || d.Seller.TaxNumber != "123456789B01" {
		t.Errorf("seller %+v", d.Seller)
	}
	kor.VATTaxNumber = ""
	var e *ledger.Error
	if _, err := Build(in); !errors.As(err, &e) || e.Reason != ledger.ReasonFieldRequired {
		t.Errorf("KOR without a tax number: %v", err)
	}
}

// References, addresses and endpoints: the buyer reference given, the
// orders', a Dutch buyer's KvK number as its legal id and derived endpoint,
// an OIN buyer, an entity's own address, a non-SEPA IBAN, a long
// description, the PDF.
func TestReferencesAndParties(t *testing.T) {
	long := strings.Repeat("x", 120)
	in := fixture(line(1, long, "1", "", "10", "0", "21", "21", invoicing.TaxStandard, 1000))
	in.Invoice.BuyerReference, in.OrderRefs = "Kostenplaats 12", []string{"WEB-1", "WEB-2"}
	nl := in.Customer
	nl.ElectronicAddress, nl.RegistrationID, nl.ExternalRef = "", "87654321", "CUST-9"
	nl.Address = ledger.Address{Lines: []string{"Stationsplein 2"}, Postcode: "3511 ED", City: "Utrecht", Country: "NL"}
	in.Invoice.Printed = invoicing.NewPrinted(testEntity, nl, &invoicing.Settings{IBAN: "BR1800360305000010009795493C1"})
	d := build(t, in)
	if d.BuyerReference != "Kostenplaats 12" || d.OrderReference != "WEB-1, WEB-2" {
		t.Errorf("references %q %q", d.BuyerReference, d.OrderReference)
	}
	if b := d.Buyer; b.EndpointScheme != "0106" || b.EndpointID != "87654321" || b.LegalID != "87654321" || b.LegalScheme != "0106" {
		t.Errorf("Dutch buyer %+v", b)
	}
	if d.PaymentMeans[0].Code != "30" {
		t.Errorf("a Brazilian IBAN is not SEPA: %+v", d.PaymentMeans)
	}
	if l := d.Lines[0]; l.Name != long[:100] || l.Description != long {
		t.Errorf("name %d, description %d", len(l.Name), len(l.Description))
	}
	if a := []einvoice.Attachment{PDFAttachment(in.Invoice, []byte("%PDF-1.7"))}; len(a) != 1 || a[0].FileName != "INV-2026-0001.pdf" || a[0].MimeCode != "application/pdf" || string(a[0].Data) != "%PDF-1.7" {
		t.Errorf("attachments %+v", a)
	}

	in.Invoice.BuyerReference = ""
	nl.ElectronicAddress = "0190:00000001234567890000"
	ent := *testEntity
	ent.ElectronicAddress = "9944:NL004495445B01"
	in.Entity = &ent
	d = build(t, in)
	if d.BuyerReference != "CUST-9" {
		t.Errorf("buyer reference %q", d.BuyerReference)
	}
	if b := d.Buyer; b.EndpointScheme != "0190" || b.LegalID != "00000001234567890000" || b.LegalScheme != "0190" {
		t.Errorf("OIN buyer %+v", b)
	}
	if s := d.Seller; s.EndpointScheme != "9944" || s.EndpointID != "NL004495445B01" || s.LegalID != "12345678" {
		t.Errorf("seller %+v", s)
	}
}

func TestRefusals(t *testing.T) {
	std := line(1, "Bread", "1", "", "10", "0", "21", "21", invoicing.TaxStandard, 1000)
	for _, c := range []struct {
		name   string
		change func(in *Input)
		reason ledger.Reason
	}{
		{"draft", func(in *Input) { in.Invoice.StoredStatus, in.Invoice.Printed = invoicing.StatusDraft, nil }, ledger.ReasonInvoiceNotIssued},
		{"void", func(in *Input) { in.Invoice.StoredStatus = invoicing.StatusVoid }, ledger.ReasonInvoiceVoid},
		{"consumer", func(in *Input) { in.Customer.Type = invoicing.CustomerConsumer }, ledger.ReasonEInvoiceConsumer},
		{"no address", func(in *Input) { in.Customer.ElectronicAddress = "" }, ledger.ReasonEInvoiceNoElectronicAddress},
		{"entity without one", func(in *Input) { e := *in.Entity; e.RegistrationID = "KvK?"; in.Entity = &e }, ledger.ReasonEInvoiceNoElectronicAddress},
		{"no IBAN", func(in *Input) { in.Invoice.Printed.IBAN = "" }, ledger.ReasonEInvoiceNoIBAN},
		{"distance sales", func(in *Input) {
			in.Invoice.Lines = append(in.Invoice.Lines, line(2, "Box", "1", "", "5", "0", "distance-sales", "0", invoicing.TaxDistanceSales, 500))
		}, ledger.ReasonEInvoiceDistanceSales},
		{"O mixed", func(in *Input) {
			in.Invoice.Lines = append(in.Invoice.Lines, line(2, "Hosting", "1", "", "5", "0", "non-eu-services", "0", invoicing.TaxNonEUServices, 500))
		}, ledger.ReasonTaxKindMix},
	} {
		in := fixture(std)
		c.change(&in)
		_, err := Build(in)
		var e *ledger.Error
		if !errors.As(err, &e) || e.Reason != c.reason {
			t.Errorf("%s: %v, want %s", c.name, err, c.reason)
		}
	}
}

// A line whose net amount is not quantity x net price is a bug, not a
// document.
func TestLineNetChecked(t *testing.T) {
	_, err := Build(fixture(line(1, "Bread", "3", "", "3.95", "12.5", "21", "21", invoicing.TaxStandard, 1036)))
	var e *ledger.Error
	if !errors.As(err, &e) || e.Code != ledger.CodeInternal {
		t.Errorf("got %v", err)
	}
}

// wantRefused: Build refuses in with a 422 of reason at path.
func wantRefused(t *testing.T, name string, in Input, reason ledger.Reason, path string) *ledger.Error {
	t.Helper()
	_, err := Build(in)
	var e *ledger.Error
	if !errors.As(err, &e) || e.Code != ledger.CodeInvalid || e.Reason != reason {
		t.Errorf("%s: %v, want %s", name, err, reason)
		return e
	}
	if path != "" && (len(e.Fields) == 0 || e.Fields[0].Path != path) {
		t.Errorf("%s: fields %+v, want %s", name, e.Fields, path)
	}
	return e
}

// Units: a code of the EN 16931 list is taken, in any case; free text that
// is neither mapped nor a code counts as "one" (C62) with the text in the
// line's note, as the PDF prints it.
func TestUnitFallback(t *testing.T) {
	for unit, want := range map[string]string{"sessie": "C62 3 sessie", "license": "C62 3 license", "PCE": "C62 ", "LS": "LS ",
		"E48": "E48 ", "ls": "LS ", "hur": "HUR ", "uur": "HUR "} {
		d := build(t, fixture(line(1, "X", "3", unit, "10", "0", "21", "21", invoicing.TaxStandard, 3000)))
		if got := d.Lines[0].UnitCode + " " + d.Lines[0].Note; got != want {
			t.Errorf("%q: %q, want %q", unit, got, want)
		}
	}
}

// A currency with 3 decimals cannot be stated in an e-invoice (at most 2).
func TestCurrencyDecimals(t *testing.T) {
	in := fixture(line(1, "Consulting", "1", "h", "100.125", "0", "21", "21", invoicing.TaxStandard, 100125))
	in.Invoice.Currency, in.Invoice.ExchangeRate = "KWD", dec("2.98")
	in.Invoice.ComputeTotals()
	if e := wantRefused(t, "KWD", in, ledger.ReasonEInvoiceCurrencyUnsupported, ""); e != nil && !strings.Contains(e.Message, "KWD") {
		t.Errorf("message %q", e.Message)
	}
}

// The buyer's address: a simplified invoice printed it incomplete, so the
// customer's address now serves; where that is incomplete too, a 422
// names what is missing and why. The seller's street is its first line
// with text.
func TestAddresses(t *testing.T) {
	nlBuyer := func(printed, now ledger.Address) Input {
		in := fixture(line(1, "Bread", "1", "", "10", "0", "21", "21", invoicing.TaxStandard, 1000))
		c := in.Customer
		c.ElectronicAddress, c.RegistrationID, c.VATNumber = "0106:87654321", "87654321", "NL004495445B01"
		c.Address = printed
		in.Invoice.Printed = invoicing.NewPrinted(testEntity, c, &invoicing.Settings{IBAN: "NL91ABNA0417164300"})
		c.Address = now
		return in
	}
	utrecht := ledger.Address{Lines: []string{"Stationsplein 2"}, Postcode: "3511 ED", City: "Utrecht", Country: "NL"}
	d := build(t, nlBuyer(ledger.Address{City: "Utrecht", Country: "NL"}, utrecht))
	if d.Buyer.Address != (einvoice.Address{Street: "Stationsplein 2", City: "Utrecht", PostalZone: "3511 ED", Country: "NL"}) {
		t.Errorf("fallback %+v", d.Buyer.Address)
	}
	e := wantRefused(t, "NL no street", nlBuyer(ledger.Address{City: "Utrecht", Country: "NL"}, ledger.Address{City: "Utrecht", Country: "NL"}),
		ledger.ReasonFieldRequired, "customer.address.lines")
	if e != nil && (len(e.Fields) != 2 || e.Fields[1].Path != "customer.address.postcode" || !strings.Contains(e.Message, "NL-R-004")) {
		t.Errorf("NL no street: %+v", e)
	}
	wantRefused(t, "no address", nlBuyer(ledger.Address{}, ledger.Address{}), ledger.ReasonFieldRequired, "customer.address.country")
	// A Danish buyer needs only its country (NL-R-004 is for Dutch ones).
	in := fixture(line(1, "Bread", "1", "", "10", "0", "21", "21", invoicing.TaxStandard, 1000))
	in.Invoice.Printed.Customer.Address = ledger.Address{Country: "DK"}
	in.Customer.Address = ledger.Address{Country: "DK", City: "Aarhus"}
	if d := build(t, in); d.Buyer.Address != (einvoice.Address{City: "Aarhus", Country: "DK"}) {
		t.Errorf("DK %+v", d.Buyer.Address)
	}

	ent := *testEntity
	ent.Address.Lines = []string{"", "Postbus 12", " ", "Afdeling B"}
	in = fixture(line(1, "Bread", "1", "", "10", "0", "21", "21", invoicing.TaxStandard, 1000))
	in.Entity = &ent
	in.Invoice.Printed = invoicing.NewPrinted(&ent, in.Customer, &invoicing.Settings{IBAN: "NL91ABNA0417164300"})
	if a := build(t, in).Seller.Address; a.Street != "Postbus 12" || a.Additional != "Afdeling B" {
		t.Errorf("seller %+v", a)
	}
}

// A KOR entity without a VAT number: exports need the seller's VAT
// number (BR-G-02); zero-rated and reverse-charged supplies take its tax
// number (BR-Z-02, BR-AE-02).
func TestKORCategories(t *testing.T) {
	kor := *testEntity
	kor.VATScheme, kor.VATNumber, kor.VATTaxNumber = ledger.VATSmallBusiness, "", "123456789B01"
	mk := func(l invoicing.Line) Input {
		in := fixture(l)
		in.Entity = &kor
		in.Invoice.Printed = invoicing.NewPrinted(&kor, in.Customer, &invoicing.Settings{IBAN: "NL91ABNA0417164300"})
		return in
	}
	e := wantRefused(t, "KOR export", mk(line(1, "Pump", "1", "", "500", "0", "export", "0", invoicing.TaxExport, 50000)),
		ledger.ReasonFieldRequired, "entity.vat_number")
	if e != nil && !strings.Contains(e.Message, "BR-G-02") {
		t.Errorf("KOR export: %s", e.Message)
	}
	for _, l := range []invoicing.Line{line(1, "Book", "1", "", "50", "0", "0", "0", invoicing.TaxZero, 5000),
		line(1, "Advice", "1", "", "50", "0", "intra-eu-services", "0", invoicing.TaxIntraEUServices, 5000)} {
		if d := build(t, mk(l)); d.Seller.VATNumber != "" || d.Seller.TaxNumber != "123456789B01" {
			t.Errorf("%s: seller %+v", l.TaxKind, d.Seller)
		}
	}
}

// A buyer VAT number without an ISO country prefix ("UK...", which vatid
// accepts) is left out where nothing needs it and refused where reverse
// charge does.
func TestBuyerVATPrefix(t *testing.T) {
	uk := func(l invoicing.Line) Input {
		in := fixture(l)
		in.Customer.VATNumber, in.Customer.ElectronicAddress = "UK123456789", "9932:GB123456789"
		in.Customer.Address = ledger.Address{Lines: []string{"1 High St"}, Postcode: "SW1", City: "London", Country: "GB"}
		in.Invoice.Printed = invoicing.NewPrinted(testEntity, in.Customer, &invoicing.Settings{IBAN: "NL91ABNA0417164300"})
		return in
	}
	if d := build(t, uk(line(1, "X", "2", "", "10", "0", "21", "21", invoicing.TaxStandard, 2000))); d.Buyer.VATNumber != "" {
		t.Errorf("UK number kept: %q", d.Buyer.VATNumber)
	}
	wantRefused(t, "UK reverse charge", uk(line(1, "Advice", "1", "", "50", "0", "intra-eu-services", "0", invoicing.TaxIntraEUServices, 5000)),
		ledger.ReasonVATNumberInvalid, "customer.vat_number")
	in := uk(line(1, "X", "2", "", "10", "0", "21", "21", invoicing.TaxStandard, 2000))
	in.Invoice.Printed.Customer.VATNumber = "GB123456789"
	if d := build(t, in); d.Buyer.VATNumber != "GB123456789" {
		t.Errorf("GB number: %q", d.Buyer.VATNumber)
	}
}

// One AE group of services and triangulation states both legal grounds.
func TestAEReasonsJoined(t *testing.T) {
	d := build(t, fixture(line(1, "Design", "1", "", "50", "0", "intra-eu-services", "0", invoicing.TaxIntraEUServices, 5000),
		line(2, "Valves", "1", "", "500", "0", "intra-eu-triangular", "0", invoicing.TaxIntraEUTriangle, 50000),
		line(3, "Advice", "1", "", "10", "0", "intra-eu-services", "0", invoicing.TaxIntraEUServices, 1000)))
	want := invoicing.TaxIntraEUServices.LegalNoteIn("nl") + "; " + invoicing.TaxIntraEUTriangle.LegalNoteIn("nl")
	if len(d.VAT) != 1 || d.VAT[0].ExemptionReason != want {
		t.Errorf("AE %+v", d.VAT)
	}
}

// Electronic addresses saved before Peppol's identifier checks are
// refused as Peppol would refuse the document.
func TestStoredAddressRechecked(t *testing.T) {
	in := fixture(line(1, "X", "2", "", "10", "0", "21", "21", invoicing.TaxStandard, 2000))
	in.Customer.ElectronicAddress = "0208:1234567890"
	wantRefused(t, "0208", in, ledger.ReasonElectronicAddressInvalid, "customer.electronic_address")
}

// Two VAT-charging codes at one rate (an invoice issued before the check):
// their VAT is summed per code, as the PDF does: 0.05 + 0.05 at 21 % is
// 0.0105 -> 0.01 per code, 0.02, where one rounding would give 0.02 too;
// with 0.07 each, 0.0147 -> 0.01 per code, 0.02 (one rounding: 0.03).
func TestSharedRateSummed(t *testing.T) {
	d := build(t, fixture(line(1, "A", "1", "", "0.07", "0", "21", "21", invoicing.TaxStandard, 7),
		line(2, "B", "1", "", "0.07", "0", "21b", "21", invoicing.TaxOtherRate, 7)))
	if len(d.VAT) != 1 {
		t.Fatalf("groups %+v", d.VAT)
	}
	wantDec(t, "taxable", d.VAT[0].TaxableAmount, "0.14")
	wantDec(t, "VAT", d.VAT[0].TaxAmount, "0.02")
	wantDec(t, "payable", d.Totals.Payable, "0.16")
}

// The VAT number prefixes are the ones BR-CO-09 lists in the official
// EN 16931 rules.
func TestVATPrefixesAreBRCO09(t *testing.T) {
	xslt, err := os.ReadFile("../../../testdata/peppol/en16931/EN16931-UBL-validation.xslt")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`<xsl:when test="\( contains\( '( [0-9A-Z ]+ )',substring\(cbc:CompanyID,1,2\) \) \)"`).FindSubmatch(xslt)
	if m == nil {
		t.Fatal("no BR-CO-09 list in the EN 16931 XSLT")
	}
	if string(m[1]) != vatPrefixes {
		t.Errorf("vatPrefixes differ from BR-CO-09:\n got %q\nwant %q", vatPrefixes, m[1])
	}
}
