package ubl

import (
	"bytes"
	"encoding/xml"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"backoffice/invoicing/einvoice"
	"backoffice/invoicing/einvoice/validate"
	"backoffice/ledger"
	"backoffice/ledger/vatid"
)

// The documents below are built by hand, field by field, with every
// figure worked out by hand in the comments: nothing computes them.

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func day(y int, m time.Month, d int) *ledger.Date {
	date := ledger.NewDate(y, m, d)
	return &date
}

// VAT numbers used below; TestVATNumbers checks their check digits.
const (
	sellerVAT  = "NL000099998B57"
	buyerNLVAT = "NL123456782B01"
	buyerBEVAT = "BE0123456749"
)

// seller is a Dutch company: KvK endpoint and legal registration, NL VAT.
func seller() einvoice.Party {
	return einvoice.Party{
		Name:           "Voorbeeld Boekhouding B.V.",
		TradingName:    "Voorbeeld & Zonen",
		EndpointScheme: einvoice.SchemeKvK,
		EndpointID:     "12345678",
		LegalID:        "12345678",
		LegalScheme:    einvoice.SchemeKvK,
		VATNumber:      sellerVAT,
		Address:        einvoice.Address{Street: "Keizersgracht 1", City: "Amsterdam", PostalZone: "1015 CJ", Country: "NL"},
		Contact:        einvoice.Contact{Name: "J. Jansen", Phone: "+31 20 123 4567", Email: "facturen@voorbeeld.nl"},
	}
}

// buyerNL is a Dutch company (NL-R-004 and NL-R-005 apply to it).
func buyerNL() einvoice.Party {
	return einvoice.Party{
		Name:           "Klant Nederland B.V.",
		EndpointScheme: einvoice.SchemeKvK,
		EndpointID:     "87654321",
		LegalID:        "87654321",
		LegalScheme:    einvoice.SchemeKvK,
		VATNumber:      buyerNLVAT,
		Address:        einvoice.Address{Street: "Stationsplein 5", City: "Utrecht", PostalZone: "3511 ED", Country: "NL"},
	}
}

// buyerBE is a Belgian company, reached by its enterprise number (0208).
func buyerBE() einvoice.Party {
	return einvoice.Party{
		Name:           "Client Belgique SRL",
		EndpointScheme: "0208",
		EndpointID:     "0123456749",
		VATNumber:      buyerBEVAT,
		Address:        einvoice.Address{Street: "Rue Neuve 10", City: "Bruxelles", PostalZone: "1000", Country: "BE"},
	}
}

func transfer() []einvoice.PaymentMeans {
	return []einvoice.PaymentMeans{{Code: einvoice.PaymentSEPACreditTransfer, PaymentID: "1000000000012345",
		IBAN: "NL91ABNA0417164300", AccountName: "Voorbeeld Boekhouding B.V.", BIC: "ABNANL2A"}}
}

// base is an invoice of one line, without VAT or totals: each case adds
// them.
func base(number string) einvoice.Document {
	return einvoice.Document{
		Kind:           einvoice.KindInvoice,
		Number:         number,
		IssueDate:      ledger.NewDate(2026, time.December, 1),
		DueDate:        day(2026, time.December, 31),
		Currency:       "EUR",
		BuyerReference: "REF-" + number,
		PaymentTerms:   "Betaling binnen 30 dagen",
		Seller:         seller(),
		Buyer:          buyerNL(),
		PaymentMeans:   transfer(),
	}
}

// oneLine is a line of quantity x price, net amount worked out by hand.
func oneLine(id, name, qty, unit, price, net, category, rate string) einvoice.Line {
	return einvoice.Line{ID: id, Name: name, Quantity: dec(qty), UnitCode: unit, Price: dec(price),
		NetAmount: dec(net), VATCategory: category, VATRate: dec(rate)}
}

// simpleTotals are the totals of a document without allowances, charges,
// prepayment or rounding.
func simpleTotals(net, vat, gross string) einvoice.Totals {
	return einvoice.Totals{LineTotal: dec(net), TaxExclusive: dec(net), TaxTotal: dec(vat),
		TaxInclusive: dec(gross), Payable: dec(gross)}
}

// 1: S 21% and S 9%, a document allowance (10% of 100.00) and charge, a
// line allowance and a price discount, with most optional fields.
func multiRate() einvoice.Document {
	d := base("2026-0001")
	d.Seller.TaxNumber = "123456789B01"
	d.Seller.LegalInfo = "Besloten vennootschap; statutair gevestigd te Amsterdam"
	d.Buyer.TradingName = "Klant"
	d.Buyer.Contact = einvoice.Contact{Name: "Inkoop", Email: "inkoop@klant.nl"}
	d.Buyer.Identifiers = []einvoice.Identifier{{ID: "K-0042"}}
	d.Notes = []string{`Levering & montage <spoed> "snel"`, "Tweede opmerking"}
	d.OrderReference = "PO-77"
	d.SalesOrderRef = "SO-12"
	d.ContractRef = "CONTRACT-2026"
	d.ProjectRef = "PROJ-9"
	d.BuyerAccounting = "4000-ICT"
	d.PeriodStart, d.PeriodEnd = day(2026, time.November, 1), day(2026, time.November, 30)
	d.Delivery = &einvoice.Delivery{Date: day(2026, time.November, 28), Name: "Magazijn Utrecht",
		Address: &einvoice.Address{Street: "Industrieweg 3", City: "Utrecht", PostalZone: "3542 AD", Country: "NL"}}
	// Line 1: 10 x 25.00 = 250.00 at 21%.
	l1 := oneLine("1", "Adviesuur", "10", "HUR", "25.00", "250.00", "S", "21")
	l1.Note = "Uren november"
	l1.OrderLineRef = "1" // NL-R-009: the document has an order reference
	l1.Period = [2]*ledger.Date{day(2026, time.November, 3), day(2026, time.November, 21)}
	l1.SellerItemID = "ADV-01"
	// Line 2: gross 12.50 less 2.50 = net price 10.00; 3 x 10.00 = 30.00 at 9%.
	l2 := oneLine("2", "Boek", "3", "H87", "10.00", "30.00", "S", "9")
	l2.GrossPrice, l2.PriceDiscount = dec("12.50"), dec("2.50")
	l2.BaseQuantity = dec("1")
	l2.Description = "Handboek boekhouden, 3e druk"
	l2.StandardID = einvoice.Identifier{ID: "4006381333931", Scheme: "0160"}
	l2.OriginCountry = "DE"
	l2.BuyerItemID = "B-77"
	// Line 3: 2 x 40.00 = 80.00 less a line allowance of 5.00 = 75.00 at 21%.
	l3 := oneLine("3", "Licentie", "2", "C62", "40.00", "75.00", "S", "21")
	l3.Allowances = []einvoice.AllowanceCharge{{Amount: dec("5.00"), Reason: "Kortingsactie", ReasonCode: "95"}}
	d.Lines = []einvoice.Line{l1, l2, l3}
	d.Allowances = []einvoice.AllowanceCharge{
		// 10% of 100.00 = 10.00, at 21%.
		{Amount: dec("10.00"), BaseAmount: dec("100.00"), Percent: dec("10"), Reason: "Vaste klant", ReasonCode: "95",
			VATCategory: "S", VATRate: dec("21")},
		// Freight 5.00, at 9%.
		{Charge: true, Amount: dec("5.00"), Reason: "Verzendkosten", ReasonCode: "FC", VATCategory: "S", VATRate: dec("9")},
	}
	// 21%: 250.00 + 75.00 - 10.00 = 315.00, VAT 66.15.
	// 9%: 30.00 + 5.00 = 35.00, VAT 3.15.
	d.VAT = []einvoice.VATBreakdown{
		{Category: "S", Rate: dec("21"), TaxableAmount: dec("315.00"), TaxAmount: dec("66.15")},
		{Category: "S", Rate: dec("9"), TaxableAmount: dec("35.00"), TaxAmount: dec("3.15")},
	}
	// Lines 355.00; less 10.00 plus 5.00 = 350.00; VAT 69.30; 419.30.
	d.Totals = einvoice.Totals{LineTotal: dec("355.00"), AllowanceTotal: dec("10.00"), ChargeTotal: dec("5.00"),
		TaxExclusive: dec("350.00"), TaxTotal: dec("69.30"), TaxInclusive: dec("419.30"), Payable: dec("419.30")}
	return d
}

// 2: zero rated goods: 4 x 15.00 = 60.00, no VAT.
func zeroRated() einvoice.Document {
	d := base("2026-0002")
	d.Lines = []einvoice.Line{oneLine("1", "Zaaigoed", "4", "KGM", "15.00", "60.00", "Z", "0")}
	d.VAT = []einvoice.VATBreakdown{{Category: "Z", Rate: dec("0"), TaxableAmount: dec("60.00"), TaxAmount: dec("0.00")}}
	d.Totals = simpleTotals("60.00", "0.00", "60.00")
	return d
}

// 3: exempt: 1 x 500.00, with the reason as text and code.
func exempt() einvoice.Document {
	d := base("2026-0003")
	d.Lines = []einvoice.Line{oneLine("1", "Cursus", "1", "C62", "500.00", "500.00", "E", "0")}
	d.VAT = []einvoice.VATBreakdown{{Category: "E", Rate: dec("0"), TaxableAmount: dec("500.00"), TaxAmount: dec("0"),
		ExemptionReason: "Vrijgesteld van btw, artikel 11 Wet OB", ExemptionCode: "VATEX-EU-132"}}
	d.Totals = simpleTotals("500.00", "0.00", "500.00")
	return d
}

// 4a: domestic reverse charge to a Dutch buyer: 8 h x 60.00 = 480.00.
func reverseChargeNL() einvoice.Document {
	d := base("2026-0004")
	d.Lines = []einvoice.Line{oneLine("1", "Sloopwerk (onderaanneming)", "8", "HUR", "60.00", "480.00", "AE", "0")}
	d.VAT = []einvoice.VATBreakdown{{Category: "AE", Rate: dec("0"), TaxableAmount: dec("480.00"), TaxAmount: dec("0.00"),
		ExemptionReason: "Btw verlegd", ExemptionCode: "VATEX-EU-AE"}}
	d.Totals = simpleTotals("480.00", "0.00", "480.00")
	return d
}

// 4b: services to a Belgian company, reverse charged: 10 h x 95.00 = 950.00.
func reverseChargeBE() einvoice.Document {
	d := base("2026-0005")
	d.Buyer = buyerBE()
	d.Lines = []einvoice.Line{oneLine("1", "Consultancy", "10", "HUR", "95.00", "950.00", "AE", "0")}
	d.VAT = []einvoice.VATBreakdown{{Category: "AE", Rate: dec("0"), TaxableAmount: dec("950.00"), TaxAmount: dec("0.00"),
		ExemptionReason: "Reverse charge", ExemptionCode: "VATEX-EU-AE"}}
	d.Totals = simpleTotals("950.00", "0.00", "950.00")
	return d
}

// 5: intra-Community supply of goods to Belgium, with the delivery date
// and country BR-IC-11 and BR-IC-12 ask for: 20 x 12.50 = 250.00.
func intraEU() einvoice.Document {
	d := base("2026-0006")
	d.Buyer = buyerBE()
	d.Delivery = &einvoice.Delivery{Date: day(2026, time.November, 27), Name: "Entrepôt Anvers",
		Address: &einvoice.Address{Street: "Havenlaan 2", City: "Antwerpen", PostalZone: "2000", Country: "BE"}}
	d.Lines = []einvoice.Line{oneLine("1", "Kantoorstoel", "20", "H87", "12.50", "250.00", "K", "0")}
	d.VAT = []einvoice.VATBreakdown{{Category: "K", Rate: dec("0"), TaxableAmount: dec("250.00"), TaxAmount: dec("0.00"),
		ExemptionReason: "Intracommunautaire levering", ExemptionCode: "VATEX-EU-IC"}}
	d.Totals = simpleTotals("250.00", "0.00", "250.00")
	return d
}

// 6: export to a buyer in the United States: 2 x 300.00 = 600.00.
func export() einvoice.Document {
	d := base("2026-0007")
	d.Buyer = einvoice.Party{Name: "Acme Inc.", EndpointScheme: "0060", EndpointID: "123456789",
		Address: einvoice.Address{Street: "350 Fifth Avenue", City: "New York", PostalZone: "10118", Region: "NY", Country: "US"}}
	d.Lines = []einvoice.Line{oneLine("1", "Machine onderdeel", "2", "H87", "300.00", "600.00", "G", "0")}
	d.VAT = []einvoice.VATBreakdown{{Category: "G", Rate: dec("0"), TaxableAmount: dec("600.00"), TaxAmount: dec("0.00"),
		ExemptionReason: "Export buiten de EU", ExemptionCode: "VATEX-EU-G"}}
	d.Totals = simpleTotals("600.00", "0.00", "600.00")
	return d
}

// 7: not subject to VAT: no VAT number anywhere (BR-O-02), no rate on
// the line or the breakdown (BR-O-05, BR-O-09): 1 x 75.00.
func outOfScope() einvoice.Document {
	d := base("2026-0008")
	d.Seller.VATNumber = ""
	d.Buyer.VATNumber = ""
	d.Lines = []einvoice.Line{oneLine("1", "Bemiddeling", "1", "C62", "75.00", "75.00", "O", "0")}
	d.VAT = []einvoice.VATBreakdown{{Category: "O", TaxableAmount: dec("75.00"), TaxAmount: dec("0.00"),
		ExemptionReason: "Niet onderworpen aan btw", ExemptionCode: "VATEX-EU-O"}}
	d.Totals = simpleTotals("75.00", "0.00", "75.00")
	return d
}

// 8: in US dollars, with the VAT also in euros: 5 x 100.00 = 500.00 USD,
// VAT 21% = 105.00 USD, which at 0.92 is 96.60 EUR.
func dollars() einvoice.Document {
	d := base("2026-0009")
	d.Currency, d.TaxCurrency = "USD", "EUR"
	d.Lines = []einvoice.Line{oneLine("1", "Software", "5", "C62", "100.00", "500.00", "S", "21")}
	d.VAT = []einvoice.VATBreakdown{{Category: "S", Rate: dec("21"), TaxableAmount: dec("500.00"), TaxAmount: dec("105.00")}}
	d.Totals = simpleTotals("500.00", "105.00", "605.00")
	d.Totals.TaxTotalInTaxCurrency = dec("96.60")
	return d
}

// 9: a credit note for part of invoice 2026-0001 (NL-R-001): 2 x 25.00 =
// 50.00, VAT 21% = 10.50, 60.50 to be paid back by the due date.
func creditNote() einvoice.Document {
	d := base("2026-C001")
	d.Kind, d.TypeCode = einvoice.KindCreditNote, "381"
	d.Preceding = []einvoice.Reference{{Number: "2026-0001", IssueDate: day(2026, time.December, 1)}}
	d.ProjectRef = "PROJ-9"
	d.DueDate = day(2026, time.December, 15)
	d.PaymentMeans = []einvoice.PaymentMeans{{Code: einvoice.PaymentCreditTransfer, IBAN: "NL20INGB0001234567"}}
	d.Lines = []einvoice.Line{oneLine("1", "Adviesuur (teruggave)", "2", "HUR", "25.00", "50.00", "S", "21")}
	d.Lines[0].Period = [2]*ledger.Date{day(2026, time.November, 3), nil}
	d.VAT = []einvoice.VATBreakdown{{Category: "S", Rate: dec("21"), TaxableAmount: dec("50.00"), TaxAmount: dec("10.50")}}
	d.Totals = simpleTotals("50.00", "10.50", "60.50")
	return d
}

// pdf is a small PDF, only as bytes that start as a PDF does.
var pdf = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// 10: with the invoice as an embedded PDF and a link to the terms:
// 1 x 100.00, VAT 21.00, 121.00.
func withPDF() einvoice.Document {
	d := base("2026-0010")
	d.Attachments = []einvoice.Attachment{
		{ID: "2026-0010", Description: "Factuur als PDF", MimeCode: "application/pdf", FileName: "2026-0010.pdf", Data: pdf},
		{ID: "Voorwaarden", Description: "Algemene voorwaarden", URI: "https://voorbeeld.nl/voorwaarden.pdf"},
	}
	d.Lines = []einvoice.Line{oneLine("1", "Jaarabonnement", "1", "ANN", "100.00", "100.00", "S", "21")}
	d.VAT = []einvoice.VATBreakdown{{Category: "S", Rate: dec("21"), TaxableAmount: dec("100.00"), TaxAmount: dec("21.00")}}
	d.Totals = simpleTotals("100.00", "21.00", "121.00")
	return d
}

// 11: paid in part, with cash rounding, by direct debit to a payee:
// 3 x 9.99 = 29.97, VAT 21% = 6.2937, so 6.29; 36.26; less 10.00 paid,
// rounded by -0.01: 26.25 due.
func prepaidRounded() einvoice.Document {
	d := base("2026-0011")
	d.Payee = &einvoice.Party{Name: "Factoring Nederland B.V.", LegalID: "11223344", LegalScheme: einvoice.SchemeKvK,
		Identifiers: []einvoice.Identifier{{ID: "FN-1"}}}
	d.PaymentMeans = []einvoice.PaymentMeans{{Code: einvoice.PaymentSEPADirectDebit, PaymentID: "2026-0011",
		MandateID: "MANDAAT-7", CreditorID: "NL98ZZZ999999999999", DebitedIBAN: "NL44RABO0123456789"}}
	d.Lines = []einvoice.Line{oneLine("1", "Pakket koffie", "3", "C62", "9.99", "29.97", "S", "21")}
	d.VAT = []einvoice.VATBreakdown{{Category: "S", Rate: dec("21"), TaxableAmount: dec("29.97"), TaxAmount: dec("6.29")}}
	d.Totals = einvoice.Totals{LineTotal: dec("29.97"), TaxExclusive: dec("29.97"), TaxTotal: dec("6.29"),
		TaxInclusive: dec("36.26"), Prepaid: dec("10.00"), Rounding: dec("-0.01"), Payable: dec("26.25")}
	return d
}

// 12: the seller reached by its VAT number (9944), the buyer a Dutch
// government body with its OIN (0190): 1 x 1000.00, VAT 210.00.
func government() einvoice.Document {
	d := base("2026-0012")
	d.Seller.EndpointScheme, d.Seller.EndpointID = einvoice.SchemeNLVAT, sellerVAT
	d.Buyer = einvoice.Party{Name: "Gemeente Voorbeeld", EndpointScheme: einvoice.SchemeOIN, EndpointID: "00000001234567890000",
		LegalID: "00000001234567890000", LegalScheme: einvoice.SchemeOIN,
		Address: einvoice.Address{Street: "Raadhuisplein 1", City: "Voorbeeld", PostalZone: "1234 AB", Country: "NL"}}
	d.PaymentMeans[0].Code = einvoice.PaymentCreditTransfer
	d.Lines = []einvoice.Line{oneLine("1", "Advieswerk", "1", "C62", "1000.00", "1000.00", "S", "21")}
	d.VAT = []einvoice.VATBreakdown{{Category: "S", Rate: dec("21"), TaxableAmount: dec("1000.00"), TaxAmount: dec("210.00")}}
	d.Totals = simpleTotals("1000.00", "210.00", "1210.00")
	return d
}

// broken is the zero rated invoice with a wrong total without VAT
// (60.01, where the lines sum to 60.00).
func broken() einvoice.Document {
	d := zeroRated()
	d.Number = "2026-0099"
	d.Totals.TaxExclusive = dec("60.01")
	return d
}

func write(t *testing.T, d einvoice.Document) []byte {
	t.Helper()
	out, err := Write(&d)
	if err != nil {
		t.Fatalf("%s: %v", d.Number, err)
	}
	return out
}

func TestVATNumbers(t *testing.T) {
	for _, n := range []string{sellerVAT, buyerNLVAT, buyerBEVAT} {
		if got, err := vatid.Check(n); err != nil || got != n {
			t.Errorf("vatid.Check(%s) = %q, %v", n, got, err)
		}
	}
}

// Every case passes the UBL schema and the EN 16931 and Peppol rules
// with no fatal assert, in one validation batch; the broken one fails
// with the rule on the total without VAT.
func TestDocumentsPassTheOfficialArtefacts(t *testing.T) {
	validate.RequireTools(t)
	cases := map[string]einvoice.Document{
		"01 S 21% and 9%":            multiRate(),
		"02 Z":                       zeroRated(),
		"03 E":                       exempt(),
		"04a AE domestic":            reverseChargeNL(),
		"04b AE Belgium":             reverseChargeBE(),
		"05 K intra-EU":              intraEU(),
		"06 G export":                export(),
		"07 O":                       outOfScope(),
		"08 USD with EUR VAT":        dollars(),
		"09 credit note":             creditNote(),
		"10 embedded PDF":            withPDF(),
		"11 prepaid and rounding":    prepaidRounded(),
		"12 9944 seller, 0190 buyer": government(),
		"13 twenty lines":            twentyLines(),
		"99 broken TaxExclusive":     broken(),
	}
	docs := map[string][]byte{}
	for name, d := range cases {
		docs[name] = write(t, d)
	}
	start := time.Now()
	results, err := validate.CheckMany(docs)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d documents validated in %v", len(docs), time.Since(start).Round(time.Millisecond))
	for name := range cases {
		res := results[name]
		if name == "99 broken TaxExclusive" {
			if res.Schema != "" || !res.HasRule("BR-CO-13") {
				t.Errorf("%s: want BR-CO-13 to fire, got schema %q, fatal %v", name, res.Schema, res.Fatal)
			}
			continue
		}
		if res.Schema != "" {
			t.Errorf("%s: the UBL 2.1 schema refuses it:\n%s", name, res.Schema)
		}
		for _, a := range res.Fatal {
			t.Errorf("%s: %s", name, a)
		}
		for _, a := range res.Warnings {
			t.Logf("%s: warning %s", name, a)
		}
	}
	if t.Failed() {
		for name, doc := range docs {
			if !results[name].OK() {
				t.Logf("%s:\n%s", name, doc)
			}
		}
	}
}

// What the syntax needs and the document lacks is refused, as an error.
func TestRefusals(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(d *einvoice.Document)
		want   string
	}{
		{"3 decimals", func(d *einvoice.Document) { d.Lines[0].NetAmount = dec("60.005") }, "BT-131) of line 1 is 60.005"},
		{"3 decimals in a total", func(d *einvoice.Document) { d.Totals.Payable = dec("60.001") }, "BT-115"},
		{"no number", func(d *einvoice.Document) { d.Number = "" }, "no number"},
		{"no issue date", func(d *einvoice.Document) { d.IssueDate = ledger.Date{} }, "no issue date"},
		{"unknown kind", func(d *einvoice.Document) { d.Kind = "quote" }, "unknown kind"},
		{"no currency", func(d *einvoice.Document) { d.Currency = "" }, "no currency"},
		{"no lines", func(d *einvoice.Document) { d.Lines = nil }, "no lines"},
		{"line without id", func(d *einvoice.Document) { d.Lines[0].ID = "" }, "line 1 has no identifier"},
		{"reference without number", func(d *einvoice.Document) { d.Preceding = []einvoice.Reference{{}} }, "reference 1 has no number"},
		{"payment means without code", func(d *einvoice.Document) { d.PaymentMeans[0].Code = "" }, "payment means 1 has no code"},
		{"payee without name", func(d *einvoice.Document) { d.Payee = &einvoice.Party{LegalID: "1"} }, "payee has no name"},
		{"attachment without mime code", func(d *einvoice.Document) {
			d.Attachments = []einvoice.Attachment{{ID: "a", Data: pdf}}
		}, "no mime code"},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := zeroRated()
			c.change(&d)
			out, err := Write(&d)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one saying %q", err, c.want)
			}
			if out != nil {
				t.Errorf("a document came with the error")
			}
		})
	}
	if _, err := Write(nil); err == nil {
		t.Error("a nil document was written")
	}
	// Trailing zeros are not decimals: 60.000 is written as 60.00.
	d := zeroRated()
	d.Totals.Payable = dec("60.000")
	if out := write(t, d); !bytes.Contains(out, []byte(`<cbc:PayableAmount currencyID="EUR">60.00</cbc:PayableAmount>`)) {
		t.Errorf("60.000 not written as 60.00:\n%s", out)
	}
}

// Details the validators do not pin down: escaping, the number formats,
// no rate for category O, and the credit note's own element names.
func TestWrittenForm(t *testing.T) {
	out := write(t, multiRate())
	for _, want := range []string{
		`<?xml version="1.0" encoding="UTF-8"?>`,
		`<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">`,
		"<cbc:Note>Levering &amp; montage &lt;spoed&gt; &#34;snel&#34;\nTweede opmerking</cbc:Note>",
		`<cbc:Name>Voorbeeld &amp; Zonen</cbc:Name>`,
		`<cbc:DueDate>2026-12-31</cbc:DueDate>`,
		`<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>`,
		`<cbc:InvoicedQuantity unitCode="HUR">10</cbc:InvoicedQuantity>`,
		`<cbc:LineExtensionAmount currencyID="EUR">250.00</cbc:LineExtensionAmount>`,
		`<cbc:PriceAmount currencyID="EUR">10</cbc:PriceAmount>`,
		`<cbc:Amount currencyID="EUR">2.5</cbc:Amount>`,
		`<cbc:BaseAmount currencyID="EUR">12.5</cbc:BaseAmount>`,
		`<cbc:CompanyID schemeID="0106">12345678</cbc:CompanyID>`,
		`<cbc:CompanyID>123456789B01</cbc:CompanyID>`,
		`<cbc:ID>TAX</cbc:ID>`,
		`<cbc:MultiplierFactorNumeric>10</cbc:MultiplierFactorNumeric>`,
		`<cbc:ID schemeID="0160">4006381333931</cbc:ID>`,
	} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("no %s in\n%s", want, out)
		}
	}
	// The document reads back as XML, with the notes unescaped.
	var back struct {
		Notes []string `xml:"Note"`
	}
	if err := xml.Unmarshal(out, &back); err != nil || len(back.Notes) != 1 || back.Notes[0] != "Levering & montage <spoed> \"snel\"\nTweede opmerking" {
		t.Errorf("read back %q, %v", back.Notes, err)
	}

	o := write(t, outOfScope())
	if bytes.Contains(o, []byte("<cbc:Percent>")) {
		t.Errorf("a rate for category O:\n%s", o)
	}
	if bytes.Contains(o, []byte("PartyTaxScheme")) {
		t.Errorf("a VAT registration with category O:\n%s", o)
	}
	z := write(t, zeroRated())
	if !bytes.Contains(z, []byte("<cbc:Percent>0</cbc:Percent>")) {
		t.Errorf("no rate 0 for category Z:\n%s", z)
	}

	c := write(t, creditNote())
	for _, want := range []string{
		`<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"`,
		`<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>`,
		`<cbc:CreditedQuantity unitCode="HUR">2</cbc:CreditedQuantity>`,
		`<cbc:PaymentDueDate>2026-12-15</cbc:PaymentDueDate>`,
		`<cbc:DocumentTypeCode>50</cbc:DocumentTypeCode>`,
		"<cac:CreditNoteLine>",
	} {
		if !bytes.Contains(c, []byte(want)) {
			t.Errorf("no %s in\n%s", want, c)
		}
	}
	for _, not := range []string{"<cbc:DueDate>", "InvoiceLine", "ProjectReference"} {
		if bytes.Contains(c, []byte(not)) {
			t.Errorf("%s in a credit note:\n%s", not, c)
		}
	}
	p := write(t, withPDF())
	if !bytes.Contains(p, []byte(`<cbc:EmbeddedDocumentBinaryObject mimeCode="application/pdf" filename="2026-0010.pdf">JVBERi0xLjQK`)) {
		t.Errorf("the PDF is not embedded as base64:\n%s", p)
	}
}

// twentyLines is an invoice of 20 lines with a 30 kB PDF: 20 x (2 x
// 12.50 = 25.00) = 500.00, VAT 21% = 105.00.
func twentyLines() einvoice.Document {
	d := withPDF()
	d.Attachments = d.Attachments[:1]
	d.Attachments[0].Data = append(append([]byte{}, pdf...), bytes.Repeat([]byte("0123456789abcdef"), 30000/16)...)
	d.Lines = nil
	for i := 1; i <= 20; i++ {
		l := oneLine(strconv.Itoa(i), "Artikel", "2", "H87", "12.50", "25.00", "S", "21")
		l.Description = "Omschrijving van het artikel"
		l.SellerItemID = "ART-" + l.ID
		d.Lines = append(d.Lines, l)
	}
	d.VAT = []einvoice.VATBreakdown{{Category: "S", Rate: dec("21"), TaxableAmount: dec("500.00"), TaxAmount: dec("105.00")}}
	d.Totals = simpleTotals("500.00", "105.00", "605.00")
	return d
}

func BenchmarkWrite20Lines(b *testing.B) {
	d := twentyLines()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Write(&d); err != nil {
			b.Fatal(err)
		}
	}
}
