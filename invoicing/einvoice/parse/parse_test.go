package parse

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"golang.org/x/text/encoding/charmap"

	"backoffice/invoicing/einvoice"
	"backoffice/invoicing/einvoice/einvoicetest"
	"backoffice/invoicing/einvoice/validate"
)

func file(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func mustParse(t *testing.T, data []byte) *einvoice.Document {
	t.Helper()
	d, err := Parse(data)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return d
}

// eq compares strings, eqd decimals against the figure as written in the
// test file, naming the field.
func eq(t *testing.T, field, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %q, want %q", field, got, want)
	}
}

func eqd(t *testing.T, field string, got decimal.Decimal, want string) {
	t.Helper()
	if !got.Equal(decimal.RequireFromString(want)) {
		t.Errorf("%s = %s, want %s", field, got, want)
	}
}

func noFindings(t *testing.T, d *einvoice.Document) {
	t.Helper()
	for _, f := range d.Check() {
		t.Errorf("finding on a valid document: %+v", f)
	}
}

func TestDutchInvoiceWithSeveralRates(t *testing.T) {
	d := mustParse(t, file(t, "nl-erp-multirate.xml"))
	eq(t, "Kind", d.Kind, einvoice.KindInvoice)
	eq(t, "Number", d.Number, "2026-10417")
	eq(t, "IssueDate", d.IssueDate.String(), "2026-11-03")
	eq(t, "DueDate", d.DueDate.String(), "2026-12-03")
	eq(t, "TypeCode", d.TypeCode, "380")
	eq(t, "Currency", d.Currency, "EUR")
	eq(t, "CustomizationID", d.CustomizationID, "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0")
	eq(t, "ProfileID", d.ProfileID, "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0")
	eq(t, "BuyerReference", d.BuyerReference, "VDB-INKOOP-77")
	eq(t, "OrderReference", d.OrderReference, "PO-2026-0815")
	eq(t, "SalesOrderRef", d.SalesOrderRef, "OB-5521")
	eq(t, "ContractRef", d.ContractRef, "RC-2024-12")
	eq(t, "ProjectRef", d.ProjectRef, "VERHUIZING-2026")
	eq(t, "BuyerAccounting", d.BuyerAccounting, "4100-kantoor")
	eq(t, "PaymentTerms", d.PaymentTerms, "Betaling binnen 30 dagen; de vooruitbetaling van 500,00 is verrekend.")
	eq(t, "Notes", strings.Join(d.Notes, "|"), "Levering volgens orderbevestiging OB-5521.")
	eq(t, "PeriodStart", d.PeriodStart.String(), "2026-10-01")
	eq(t, "PeriodEnd", d.PeriodEnd.String(), "2026-10-31")

	s := d.Seller
	eq(t, "Seller.Name", s.Name, "Kantoorhuis Brinkman B.V.")
	eq(t, "Seller.TradingName", s.TradingName, "Kantoorhuis Brinkman")
	eq(t, "Seller.Endpoint", s.EndpointScheme+":"+s.EndpointID, "0106:34567890")
	eq(t, "Seller.Legal", s.LegalScheme+":"+s.LegalID, "0106:34567890")
	eq(t, "Seller.VATNumber", s.VATNumber, "NL853746281B01")
	eq(t, "Seller.LegalInfo", s.LegalInfo, "Besloten vennootschap, statutair gevestigd te Amsterdam")
	if len(s.Identifiers) != 1 || s.Identifiers[0].ID != "KB-LEV-001" {
		t.Errorf("Seller.Identifiers = %+v", s.Identifiers)
	}
	eq(t, "Seller.Address", s.Address.Street+"|"+s.Address.Additional+"|"+s.Address.PostalZone+"|"+s.Address.City+"|"+s.Address.Region+"|"+s.Address.Country,
		"Keizersgracht 123|Achteringang|1015 CJ|Amsterdam|Noord-Holland|NL")
	eq(t, "Seller.Contact", s.Contact.Name+"|"+s.Contact.Phone+"|"+s.Contact.Email,
		"Debiteurenadministratie|+31 20 555 0123|facturen@kantoorhuis-brinkman.example")
	b := d.Buyer
	eq(t, "Buyer.Name", b.Name, "Van der Berg Administratie B.V.")
	eq(t, "Buyer.VATNumber", b.VATNumber, "NL812345678B01")
	eq(t, "Buyer.Endpoint", b.EndpointScheme+":"+b.EndpointID, "0106:30123456")
	eq(t, "Buyer.Address.City", b.Address.City, "Utrecht")

	if d.Delivery == nil || d.Delivery.Date == nil || d.Delivery.Address == nil {
		t.Fatalf("Delivery = %+v", d.Delivery)
	}
	eq(t, "Delivery.Date", d.Delivery.Date.String(), "2026-10-28")
	eq(t, "Delivery.Name", d.Delivery.Name, "Van der Berg Administratie, receptie")
	eq(t, "Delivery.Address", d.Delivery.Address.Additional+"|"+d.Delivery.Address.Country, "3e verdieping|NL")

	if len(d.PaymentMeans) != 1 {
		t.Fatalf("PaymentMeans = %+v", d.PaymentMeans)
	}
	pm := d.PaymentMeans[0]
	eq(t, "PaymentMeans", pm.Code+"|"+pm.PaymentID+"|"+pm.IBAN+"|"+pm.AccountName+"|"+pm.BIC,
		"58|1000 0000 2026 1041|NL91ABNA0417164300|Kantoorhuis Brinkman B.V.|ABNANL2A")

	if len(d.Allowances) != 2 {
		t.Fatalf("Allowances = %+v", d.Allowances)
	}
	a, c := d.Allowances[0], d.Allowances[1]
	if a.Charge || !c.Charge {
		t.Errorf("charge indicators: %v, %v", a.Charge, c.Charge)
	}
	eqd(t, "allowance amount", a.Amount, "28.41")
	eqd(t, "allowance base", a.BaseAmount, "1420.50")
	eqd(t, "allowance percent", a.Percent, "2")
	eq(t, "allowance reason", a.ReasonCode+"|"+a.Reason+"|"+a.VATCategory, "95|Kwantumkorting 2%|S")
	eqd(t, "allowance rate", a.VATRate, "21")
	eqd(t, "charge amount", c.Amount, "15.00")
	eq(t, "charge reason", c.ReasonCode+"|"+c.Reason, "FC|Vrachtkosten")

	wantVAT := []struct{ cat, rate, taxable, tax string }{
		{"S", "21", "1407.09", "295.49"}, {"S", "9", "74.85", "6.74"}, {"Z", "0", "90.00", "0.00"},
	}
	if len(d.VAT) != len(wantVAT) {
		t.Fatalf("VAT = %+v", d.VAT)
	}
	for i, w := range wantVAT {
		v := d.VAT[i]
		eq(t, "VAT category", v.Category, w.cat)
		eqd(t, "VAT rate", v.Rate, w.rate)
		eqd(t, "VAT taxable", v.TaxableAmount, w.taxable)
		eqd(t, "VAT amount", v.TaxAmount, w.tax)
	}

	tt := d.Totals
	eqd(t, "LineTotal", tt.LineTotal, "1585.35")
	eqd(t, "AllowanceTotal", tt.AllowanceTotal, "28.41")
	eqd(t, "ChargeTotal", tt.ChargeTotal, "15.00")
	eqd(t, "TaxExclusive", tt.TaxExclusive, "1571.94")
	eqd(t, "TaxTotal", tt.TaxTotal, "302.23")
	eqd(t, "TaxInclusive", tt.TaxInclusive, "1874.17")
	eqd(t, "Prepaid", tt.Prepaid, "500.00")
	eqd(t, "Rounding", tt.Rounding, "-0.02")
	eqd(t, "Payable", tt.Payable, "1374.15")

	wantLines := []struct{ id, qty, unit, net, price, base, cat, rate, name string }{
		{"10", "4", "C62", "758.00", "189.50", "1", "S", "21", "Bureaustoel Ergo 300"},
		{"20", "6", "HUR", "550.00", "95.00", "0", "S", "21", "Montage en inrichting"},
		{"30", "2500", "C62", "112.50", "22.50", "500", "S", "21", "Kopieerpapier A4 80 g, per 500 vel"},
		{"40", "3", "C62", "74.85", "24.95", "0", "S", "9", "Handboek Boekhouden in de praktijk"},
		{"50", "2", "C62", "90.00", "45.00", "0", "Z", "0", "Zeekaart Waddenzee (levering aan zeeschip)"},
	}
	if len(d.Lines) != len(wantLines) {
		t.Fatalf("%d lines", len(d.Lines))
	}
	for i, w := range wantLines {
		l := d.Lines[i]
		eq(t, "line ID", l.ID, w.id)
		eqd(t, "line "+w.id+" quantity", l.Quantity, w.qty)
		eq(t, "line "+w.id+" unit", l.UnitCode, w.unit)
		eqd(t, "line "+w.id+" net", l.NetAmount, w.net)
		eqd(t, "line "+w.id+" price", l.Price, w.price)
		eqd(t, "line "+w.id+" base quantity", l.BaseQuantity, w.base)
		eq(t, "line "+w.id+" category", l.VATCategory, w.cat)
		eqd(t, "line "+w.id+" rate", l.VATRate, w.rate)
		eq(t, "line "+w.id+" name", l.Name, w.name)
	}
	l1 := d.Lines[0]
	eq(t, "line 10 note", l1.Note, "Kleur antraciet")
	eq(t, "line 10 ids", l1.SellerItemID+"|"+l1.BuyerItemID+"|"+l1.StandardID.Scheme+":"+l1.StandardID.ID+"|"+l1.OriginCountry+"|"+l1.OrderLineRef,
		"KB-ERGO300-ANT|VDB-STOEL|0160:8712345678906|DE|1")
	eqd(t, "line 10 gross price", l1.GrossPrice, "199.95")
	eqd(t, "line 10 price discount", l1.PriceDiscount, "10.45")
	l2 := d.Lines[1]
	if len(l2.Allowances) != 1 || l2.Allowances[0].Charge {
		t.Fatalf("line 20 allowances = %+v", l2.Allowances)
	}
	eqd(t, "line 20 allowance", l2.Allowances[0].Amount, "20.00")
	eq(t, "line 20 period", l2.Period[0].String()+".."+l2.Period[1].String(), "2026-10-27..2026-10-28")

	if len(d.Attachments) != 1 {
		t.Fatalf("Attachments = %+v", d.Attachments)
	}
	at := d.Attachments[0]
	eq(t, "attachment", at.ID+"|"+at.Description+"|"+at.MimeCode+"|"+at.FileName, "2026-10417.pdf|Factuur als PDF|application/pdf|2026-10417.pdf")
	eq(t, "attachment bytes", string(at.Data), "%PDF-1.4\n% Kantoorhuis Brinkman factuur 2026-10417 (test)\n%%EOF\n")
	noFindings(t, d)
}

func TestCreditNoteRefersToInvoice(t *testing.T) {
	d := mustParse(t, file(t, "nl-creditnote.xml"))
	eq(t, "Kind", d.Kind, einvoice.KindCreditNote)
	eq(t, "TypeCode", d.TypeCode, "381")
	eq(t, "Number", d.Number, "CN-2026-0031")
	eq(t, "IssueDate", d.IssueDate.String(), "2026-11-12")
	eq(t, "DueDate (from PaymentMeans)", d.DueDate.String(), "2026-11-26")
	if len(d.Preceding) != 1 || d.Preceding[0].IssueDate == nil {
		t.Fatalf("Preceding = %+v", d.Preceding)
	}
	eq(t, "Preceding", d.Preceding[0].Number+" "+d.Preceding[0].IssueDate.String(), "2026-10417 2026-11-03")
	eq(t, "Seller.VATNumber", d.Seller.VATNumber, "NL853746281B01")
	eq(t, "Seller.TradingName", d.Seller.TradingName, "")
	if len(d.Lines) != 1 {
		t.Fatalf("lines: %+v", d.Lines)
	}
	eqd(t, "CreditedQuantity", d.Lines[0].Quantity, "1")
	eqd(t, "line net", d.Lines[0].NetAmount, "189.50")
	eqd(t, "VAT rate", d.VAT[0].Rate, "21")
	eqd(t, "VAT", d.VAT[0].TaxAmount, "39.80")
	eqd(t, "TaxInclusive", d.Totals.TaxInclusive, "229.30")
	eqd(t, "Payable", d.Totals.Payable, "229.30")
	eq(t, "IBAN", d.PaymentMeans[0].IBAN, "NL91ABNA0417164300")
	noFindings(t, d)
}

func TestBelgianReverseChargeAndGermanIntraCommunity(t *testing.T) {
	be := mustParse(t, file(t, "be-reverse-charge.xml"))
	eq(t, "BE Number", be.Number, "F2026/0987")
	eq(t, "BE Seller", be.Seller.Name+"|"+be.Seller.TradingName, "Datalys SRL|Datalys")
	eq(t, "BE Seller.Endpoint", be.Seller.EndpointScheme+":"+be.Seller.EndpointID, "0208:0456789034")
	eq(t, "BE Seller.VATNumber", be.Seller.VATNumber, "BE0456789034")
	eq(t, "BE Buyer.VATNumber", be.Buyer.VATNumber, "NL812345678B01")
	eq(t, "BE payment", be.PaymentMeans[0].IBAN+"|"+be.PaymentMeans[0].BIC+"|"+be.PaymentMeans[0].PaymentID,
		"BE68539007547034|GKCCBEBB|+++090/9337/55493+++")
	eq(t, "BE PaymentTerms", be.PaymentTerms, "30 jours fin de mois")
	if len(be.VAT) != 1 {
		t.Fatalf("BE VAT = %+v", be.VAT)
	}
	v := be.VAT[0]
	eq(t, "BE VAT", v.Category+"|"+v.ExemptionCode+"|"+v.ExemptionReason, "AE|VATEX-EU-AE|Reverse charge")
	eqd(t, "BE taxable", v.TaxableAmount, "1800.00")
	eqd(t, "BE VAT amount", v.TaxAmount, "0")
	eqd(t, "BE line 1 quantity", be.Lines[0].Quantity, "12")
	eq(t, "BE line 1", be.Lines[0].UnitCode+"|"+be.Lines[0].Description, "HUR|Migration comptabilité vers le cloud, octobre 2026")
	eqd(t, "BE line 2 net", be.Lines[1].NetAmount, "480")
	eqd(t, "BE payable", be.Totals.Payable, "1800.00")
	noFindings(t, be)

	de := mustParse(t, file(t, "de-intra-community.xml"))
	eq(t, "DE Number", de.Number, "RE-100234")
	eq(t, "DE Seller", de.Seller.Name, "Müller Maschinenbau GmbH")
	eq(t, "DE Seller.Endpoint", de.Seller.EndpointScheme+":"+de.Seller.EndpointID, "9930:DE123456789")
	eq(t, "DE Seller.LegalID", de.Seller.LegalScheme+":"+de.Seller.LegalID, ":HRB 712345")
	eq(t, "DE Seller.Address", de.Seller.Address.Street+"|"+de.Seller.Address.PostalZone+" "+de.Seller.Address.City, "Industriestraße 5|70565 Stuttgart")
	eq(t, "DE IBAN", de.PaymentMeans[0].IBAN, "DE89370400440532013000")
	eq(t, "DE OrderReference", de.OrderReference, "PO-2026-0902")
	eq(t, "DE delivery", de.Delivery.Date.String()+"|"+de.Delivery.Address.City+"|"+de.Delivery.Address.Country, "2026-11-07|Nieuwegein|NL")
	eq(t, "DE VAT", de.VAT[0].Category+"|"+de.VAT[0].ExemptionCode, "K|VATEX-EU-IC")
	eqd(t, "DE taxable", de.VAT[0].TaxableAmount, "769.00")
	if len(de.Allowances) != 1 || !de.Allowances[0].Charge || de.Allowances[0].VATCategory != "K" {
		t.Fatalf("DE charges = %+v", de.Allowances)
	}
	eqd(t, "DE charge", de.Allowances[0].Amount, "25.00")
	eqd(t, "DE ChargeTotal", de.Totals.ChargeTotal, "25.00")
	eqd(t, "DE LineTotal", de.Totals.LineTotal, "744.00")
	eq(t, "DE line 2 unit", de.Lines[1].UnitCode, "KGM")
	eqd(t, "DE line 2 price", de.Lines[1].Price, "12.80")
	eqd(t, "DE payable", de.Totals.Payable, "769.00")
	noFindings(t, de)
}

func TestUSSupplierOutOfScopeWithTaxCurrency(t *testing.T) {
	d := mustParse(t, file(t, "us-out-of-scope.xml"))
	eq(t, "Number", d.Number, "INV-000731")
	eq(t, "Currency", d.Currency+"|"+d.TaxCurrency, "USD|EUR")
	eq(t, "Seller", d.Seller.Name+"|"+d.Seller.Address.Region+"|"+d.Seller.Address.Country, "Acme Cloud Tools, Inc.|CA|US")
	eq(t, "Seller.VATNumber", d.Seller.VATNumber, "")
	eq(t, "Seller.Endpoint", d.Seller.EndpointScheme+":"+d.Seller.EndpointID, "0060:123456789")
	eq(t, "Buyer.VATNumber", d.Buyer.VATNumber, "")
	eq(t, "account", d.PaymentMeans[0].Code+"|"+d.PaymentMeans[0].IBAN+"|"+d.PaymentMeans[0].BIC, "30|000123456789|BOFAUS3N")
	if len(d.VAT) != 1 {
		t.Fatalf("VAT = %+v", d.VAT)
	}
	eq(t, "VAT", d.VAT[0].Category+"|"+d.VAT[0].ExemptionCode, "O|VATEX-EU-O")
	eqd(t, "VAT rate (none given)", d.VAT[0].Rate, "0")
	eqd(t, "TaxTotal", d.Totals.TaxTotal, "0")
	eqd(t, "TaxTotalInTaxCurrency", d.Totals.TaxTotalInTaxCurrency, "0")
	eqd(t, "Payable", d.Totals.Payable, "738.00")
	eq(t, "line 1", d.Lines[0].UnitCode+"|"+d.Lines[0].VATCategory, "MON|O")
	eq(t, "period", d.PeriodStart.String()+".."+d.PeriodEnd.String(), "2026-11-01..2027-10-31")
	noFindings(t, d)

	// The VAT total in the tax currency is told apart by its currency,
	// whichever order the two come in.
	swapped := bytes.Replace(file(t, "us-out-of-scope.xml"), []byte(`<cbc:TaxAmount currencyID="EUR">0.00</cbc:TaxAmount>`),
		[]byte(`<cbc:TaxAmount currencyID="EUR">0.01</cbc:TaxAmount>`), 1)
	d = mustParse(t, swapped)
	eqd(t, "TaxTotalInTaxCurrency", d.Totals.TaxTotalInTaxCurrency, "0.01")
	eqd(t, "TaxTotal", d.Totals.TaxTotal, "0")
}

func checkFrenchCII(t *testing.T, d *einvoice.Document) {
	t.Helper()
	eq(t, "Kind", d.Kind, einvoice.KindInvoice)
	eq(t, "Number", d.Number, "FA-2026-00412")
	eq(t, "TypeCode", d.TypeCode, "380")
	eq(t, "IssueDate", d.IssueDate.String(), "2026-11-20")
	eq(t, "DueDate", d.DueDate.String(), "2026-12-05")
	eq(t, "Currency", d.Currency, "EUR")
	eq(t, "CustomizationID", d.CustomizationID, "urn:cen.eu:en16931:2017")
	eq(t, "BuyerReference", d.BuyerReference, "VDB-OPL-2026")
	eq(t, "OrderReference", d.OrderReference, "PO-2026-0950")
	eq(t, "Notes", strings.Join(d.Notes, "|"), "Séminaire « Fiscalité européenne », Paris, 18 novembre 2026.|Formations Lumière SAS au capital de 10 000 EUR - RCS Paris 912 345 674")
	eq(t, "PaymentTerms", d.PaymentTerms, "Paiement à 15 jours. Pas d'escompte pour paiement anticipé.")
	s := d.Seller
	eq(t, "Seller", s.Name+"|"+s.TradingName, "Formations Lumière SAS|Lumière Formations")
	eq(t, "Seller.Legal", s.LegalScheme+":"+s.LegalID, "0002:912345674")
	eq(t, "Seller.Endpoint", s.EndpointScheme+":"+s.EndpointID, "0009:91234567400015")
	eq(t, "Seller.VATNumber", s.VATNumber, "FR44912345674")
	eq(t, "Seller.Address", s.Address.Street+"|"+s.Address.PostalZone+"|"+s.Address.City+"|"+s.Address.Country, "12 rue de Rivoli|75004|Paris|FR")
	eq(t, "Seller.Contact", s.Contact.Name+"|"+s.Contact.Phone+"|"+s.Contact.Email, "Service comptabilité|+33 1 42 00 00 00|compta@formations-lumiere.example")
	b := d.Buyer
	eq(t, "Buyer", b.Name+"|"+b.VATNumber+"|"+b.EndpointScheme+":"+b.EndpointID+"|"+b.LegalScheme+":"+b.LegalID,
		"Van der Berg Administratie B.V.|NL812345678B01|0106:30123456|0106:30123456")
	if len(b.Identifiers) != 1 || b.Identifiers[0] != (einvoice.Identifier{ID: "8712345000004", Scheme: "0088"}) {
		t.Errorf("Buyer.Identifiers = %+v", b.Identifiers)
	}
	if d.Delivery == nil || d.Delivery.Date == nil || d.Delivery.Address == nil {
		t.Fatalf("Delivery = %+v", d.Delivery)
	}
	eq(t, "Delivery", d.Delivery.Date.String()+"|"+d.Delivery.Name+"|"+d.Delivery.Address.City, "2026-11-18|Centre de conférences Rivoli|Paris")
	pm := d.PaymentMeans[0]
	eq(t, "PaymentMeans", pm.Code+"|"+pm.PaymentID+"|"+pm.IBAN+"|"+pm.AccountName+"|"+pm.BIC,
		"58|FA-2026-00412|FR7630006000011234567890189|Formations Lumière|AGRIFRPP")
	if len(d.Allowances) != 1 || d.Allowances[0].Charge {
		t.Fatalf("Allowances = %+v", d.Allowances)
	}
	a := d.Allowances[0]
	eqd(t, "allowance", a.Amount, "74.90")
	eqd(t, "allowance base", a.BaseAmount, "1498.00")
	eqd(t, "allowance percent", a.Percent, "5")
	eq(t, "allowance reason", a.ReasonCode+"|"+a.Reason+"|"+a.VATCategory, "95|Remise inscription anticipée|S")
	eqd(t, "allowance rate", a.VATRate, "20")
	if len(d.VAT) != 1 {
		t.Fatalf("VAT = %+v", d.VAT)
	}
	eq(t, "VAT category", d.VAT[0].Category, "S")
	eqd(t, "VAT rate", d.VAT[0].Rate, "20")
	eqd(t, "VAT taxable", d.VAT[0].TaxableAmount, "1423.10")
	eqd(t, "VAT amount", d.VAT[0].TaxAmount, "284.62")
	tt := d.Totals
	eqd(t, "LineTotal", tt.LineTotal, "1498.00")
	eqd(t, "ChargeTotal", tt.ChargeTotal, "0")
	eqd(t, "AllowanceTotal", tt.AllowanceTotal, "74.90")
	eqd(t, "TaxExclusive", tt.TaxExclusive, "1423.10")
	eqd(t, "TaxTotal", tt.TaxTotal, "284.62")
	eqd(t, "TaxInclusive", tt.TaxInclusive, "1707.72")
	eqd(t, "Prepaid", tt.Prepaid, "0")
	eqd(t, "Payable", tt.Payable, "1707.72")
	if len(d.Lines) != 3 {
		t.Fatalf("%d lines", len(d.Lines))
	}
	l1, l2, l3 := d.Lines[0], d.Lines[1], d.Lines[2]
	eq(t, "line 1", l1.ID+"|"+l1.Note+"|"+l1.Name+"|"+l1.Description+"|"+l1.SellerItemID+"|"+l1.StandardID.Scheme+":"+l1.StandardID.ID+"|"+l1.OrderLineRef,
		"1|Tarif partenaire|Inscription séminaire Fiscalité européenne|Journée complète, support inclus|SEM-FISC-EU|0160:3012345678901|1")
	eqd(t, "line 1 quantity", l1.Quantity, "3")
	eq(t, "line 1 unit", l1.UnitCode, "C62")
	eqd(t, "line 1 price", l1.Price, "450.00")
	eqd(t, "line 1 gross", l1.GrossPrice, "500.00")
	eqd(t, "line 1 discount", l1.PriceDiscount, "50.00")
	eqd(t, "line 1 net", l1.NetAmount, "1350.00")
	eq(t, "line 1 VAT", l1.VATCategory, "S")
	eqd(t, "line 1 rate", l1.VATRate, "20")
	if len(l2.Allowances) != 1 {
		t.Fatalf("line 2 allowances = %+v", l2.Allowances)
	}
	eqd(t, "line 2 allowance", l2.Allowances[0].Amount, "5.00")
	eq(t, "line 2 allowance reason", l2.Allowances[0].ReasonCode+"|"+l2.Allowances[0].Reason, "95|Geste commercial")
	eqd(t, "line 2 net", l2.NetAmount, "100.00")
	eq(t, "line 2 period", l2.Period[0].String()+".."+l2.Period[1].String(), "2026-11-18..2026-11-18")
	eqd(t, "line 3 base quantity", l3.BaseQuantity, "1")
	eqd(t, "line 3 net", l3.NetAmount, "48.00")
	var csv *einvoice.Attachment
	for i := range d.Attachments {
		if d.Attachments[i].FileName == "participants.csv" {
			csv = &d.Attachments[i]
		}
	}
	if csv == nil {
		t.Fatalf("no participants.csv in %+v", d.Attachments)
	}
	eq(t, "attachment", csv.ID+"|"+csv.Description+"|"+csv.MimeCode, "PARTICIPANTS-412|Liste des participants|text/csv")
	eq(t, "attachment bytes", string(csv.Data), "nom;prenom;entreprise\r\nBerg;Jan;Van der Berg Administratie\r\nJansen;Eva;Van der Berg Administratie\r\n")
	noFindings(t, d)
}

func TestFrenchCII(t *testing.T) {
	d := mustParse(t, file(t, "fr-facturx-en16931.xml"))
	checkFrenchCII(t, d)
	if len(d.Attachments) != 1 {
		t.Errorf("attachments = %d, want only the CSV", len(d.Attachments))
	}
}

func TestCIITaxCurrencyAndCreditNote(t *testing.T) {
	// The same invoice as a credit note (381) against an earlier invoice,
	// with the VAT also in CHF.
	data := string(file(t, "fr-facturx-en16931.xml"))
	data = strings.Replace(data, "<ram:TypeCode>380</ram:TypeCode>", "<ram:TypeCode>381</ram:TypeCode>", 1)
	data = strings.Replace(data, "<ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>",
		"<ram:TaxCurrencyCode>CHF</ram:TaxCurrencyCode><ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>", 1)
	data = strings.Replace(data, `<ram:TaxTotalAmount currencyID="EUR">284.62</ram:TaxTotalAmount>`,
		`<ram:TaxTotalAmount currencyID="CHF">266.13</ram:TaxTotalAmount><ram:TaxTotalAmount currencyID="EUR">284.62</ram:TaxTotalAmount>`, 1)
	data = strings.Replace(data, "</ram:SpecifiedTradeSettlementHeaderMonetarySummation>",
		`</ram:SpecifiedTradeSettlementHeaderMonetarySummation><ram:InvoiceReferencedDocument><ram:IssuerAssignedID>FA-2026-00377</ram:IssuerAssignedID>`+
			`<ram:FormattedIssueDateTime><qdt:DateTimeString format="102">20261030</qdt:DateTimeString></ram:FormattedIssueDateTime></ram:InvoiceReferencedDocument>`, 1)
	d := mustParse(t, []byte(data))
	eq(t, "Kind", d.Kind, einvoice.KindCreditNote)
	eq(t, "TaxCurrency", d.TaxCurrency, "CHF")
	eqd(t, "TaxTotal", d.Totals.TaxTotal, "284.62")
	eqd(t, "TaxTotalInTaxCurrency", d.Totals.TaxTotalInTaxCurrency, "266.13")
	if len(d.Preceding) != 1 || d.Preceding[0].IssueDate == nil {
		t.Fatalf("Preceding = %+v", d.Preceding)
	}
	eq(t, "Preceding", d.Preceding[0].Number+" "+d.Preceding[0].IssueDate.String(), "FA-2026-00377 2026-10-30")
}

func TestFacturXPDF(t *testing.T) {
	xml := file(t, "fr-facturx-en16931.xml")
	for _, opt := range []einvoicetest.PDFOptions{
		{Name: "factur-x.xml"},
		{Name: "zugferd-invoice.xml", NoType: true},
		{Name: "xrechnung.xml", IndirectLength: true},
		{Name: "ZUGFeRD-invoice.xml", Raw: true, IndirectLength: true},
	} {
		t.Run(opt.Name, func(t *testing.T) {
			pdf := einvoicetest.PDF(xml, opt)
			if got := Sniff(pdf); got != SyntaxPDFEInvoice {
				t.Errorf("Sniff = %q", got)
			}
			d := mustParse(t, pdf)
			checkFrenchCII(t, d)
			if len(d.Attachments) != 2 {
				t.Fatalf("attachments = %+v", d.Attachments)
			}
			p := d.Attachments[1]
			eq(t, "PDF attachment", p.ID+"|"+p.MimeCode+"|"+p.FileName, "FA-2026-00412|application/pdf|invoice.pdf")
			if !bytes.Equal(p.Data, pdf) {
				t.Error("the PDF attachment is not the PDF as received")
			}
			if !strings.Contains(p.Description, opt.Name) {
				t.Errorf("description %q does not name %s", p.Description, opt.Name)
			}
		})
	}
	// A UBL invoice embedded the same way is read too.
	d := mustParse(t, einvoicetest.PDF(file(t, "nl-creditnote.xml"), einvoicetest.PDFOptions{Name: "invoice.xml"}))
	eq(t, "UBL in PDF", d.Number, "CN-2026-0031")
}

// TestLatin1Invoice reads an invoice an older ERP wrote in ISO-8859-1.
func TestLatin1Invoice(t *testing.T) {
	utf := string(file(t, "de-intra-community.xml"))
	utf = strings.Replace(utf, `encoding="UTF-8"`, `encoding="ISO-8859-1"`, 1)
	latin1, err := charmap.ISO8859_1.NewEncoder().String(utf)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(latin1, "M\xfcller") {
		t.Fatal("the file is not Latin-1 encoded")
	}
	if got := Sniff([]byte(latin1)); got != SyntaxUBL {
		t.Errorf("Sniff = %q", got)
	}
	d := mustParse(t, []byte(latin1))
	eq(t, "Seller.Name", d.Seller.Name, "Müller Maschinenbau GmbH")
	eq(t, "Seller.Address.Street", d.Seller.Address.Street, "Industriestraße 5")
}

// TestPeppolEnvelope reads the invoice inside a Standard Business
// Document, as an access point may deliver it, also when the prefixes the
// invoice uses are declared on the envelope.
func TestPeppolEnvelope(t *testing.T) {
	de := string(file(t, "de-intra-community.xml"))
	body := de[strings.Index(de, "<Invoice "):]
	decls := ` xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"`
	if !strings.Contains(body, decls) {
		t.Fatal("the file's namespace declarations changed")
	}
	body = strings.Replace(body, decls, "", 1)
	sbd := `<?xml version="1.0" encoding="UTF-8"?>
<sh:StandardBusinessDocument xmlns:sh="http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader"` + decls + `>
  <sh:StandardBusinessDocumentHeader>
    <sh:HeaderVersion>1.0</sh:HeaderVersion>
    <sh:Sender><sh:Identifier Authority="iso6523-actorid-upis">9930:DE123456789</sh:Identifier></sh:Sender>
    <sh:Receiver><sh:Identifier Authority="iso6523-actorid-upis">0106:30123456</sh:Identifier></sh:Receiver>
    <sh:DocumentIdentification>
      <sh:Standard>urn:oasis:names:specification:ubl:schema:xsd:Invoice-2</sh:Standard>
      <sh:TypeVersion>2.1</sh:TypeVersion>
      <sh:InstanceIdentifier>5f1c9a52-8d3e-4d0b-9f61-0c2d4e7a1b33</sh:InstanceIdentifier>
      <sh:Type>Invoice</sh:Type>
      <sh:CreationDateAndTime>2026-11-10T09:14:00Z</sh:CreationDateAndTime>
    </sh:DocumentIdentification>
  </sh:StandardBusinessDocumentHeader>
  ` + body + `
</sh:StandardBusinessDocument>`
	if got := Sniff([]byte(sbd)); got != SyntaxUBL {
		t.Errorf("Sniff = %q", got)
	}
	d := mustParse(t, []byte(sbd))
	eq(t, "Number", d.Number, "RE-100234")
	eq(t, "Seller.VATNumber", d.Seller.VATNumber, "DE123456789")
	eqd(t, "Payable", d.Totals.Payable, "769.00")
	noFindings(t, d)

	empty := `<StandardBusinessDocument xmlns="http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader"><StandardBusinessDocumentHeader/><Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"/></StandardBusinessDocument>`
	_, err := Parse([]byte(empty))
	if err == nil || kindOf(t, err) != KindNotEInvoice || !strings.Contains(err.Error(), "Peppol envelope") {
		t.Errorf("an envelope with an order: %v", err)
	}
}

// The UBL files get the UBL schema, EN 16931 and Peppol rules; the CII
// file (validate picks by the root element) the CII D16B schema and the
// EN 16931 CII rules.
func TestValidFilesPassTheOfficialValidators(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the Peppol and EN 16931 artefacts (seconds per document)")
	}
	docs := map[string][]byte{"the benchmark's 20-line invoice": benchInvoice(20)}
	for _, name := range []string{"nl-erp-multirate.xml", "nl-creditnote.xml", "be-reverse-charge.xml", "de-intra-community.xml", "us-out-of-scope.xml", "fr-facturx-en16931.xml"} {
		docs[name] = file(t, name)
	}
	validate.Many(t, docs)
}

// kindOf is the Kind of err, which must be an *Error.
func kindOf(t *testing.T, err error) string {
	t.Helper()
	var pe *Error
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T) is not a *parse.Error", err, err)
	}
	return pe.Kind
}

func TestRefusals(t *testing.T) {
	nested := strings.Repeat("<a>", 100) + strings.Repeat("</a>", 100)
	valid := string(file(t, "nl-creditnote.xml"))
	cii := string(file(t, "fr-facturx-en16931.xml"))
	bomb := einvoicetest.PDF(make([]byte, 21<<20), einvoicetest.PDFOptions{Name: "factur-x.xml"})
	cases := []struct {
		name, kind, msg string
		data            []byte
	}{
		{"billion laughs", KindHostile, "document type", file(t, "billion-laughs.xml")},
		{"external entity", KindHostile, "document type", file(t, "xxe.xml")},
		{"deeply nested", KindHostile, "nests elements more than 64 deep", []byte(nested)},
		{"malformed", KindNotXML, "not well-formed", file(t, "malformed.xml")},
		{"empty", KindNotXML, "empty", nil},
		{"white space", KindNotXML, "empty", []byte(" \n\t")},
		{"a JPEG", KindNotXML, "neither a PDF nor", []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00")},
		{"CAMT.053", KindNotEInvoice, "{urn:iso:std:iso:20022:tech:xsd:camt.053.001.02}Document is not an invoice or credit note; it looks like a CAMT.053 bank statement", file(t, "camt053.xml")},
		{"pain.001", KindNotEInvoice, "a pain.001 payment file", []byte(`<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"><CstmrCdtTrfInitn/></Document>`)},
		{"XAF", KindNotEInvoice, "an XAF audit file", []byte(`<auditfile xmlns="http://www.auditfiles.nl/XAF/3.2"><header/></auditfile>`)},
		{"UBL order", KindNotEInvoice, "{urn:oasis:names:specification:ubl:schema:xsd:Order-2}Order is not an invoice or credit note; it looks like a UBL Order document", []byte(`<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"/>`)},
		{"plain PDF", KindPDFWithoutEInvoice, "no embedded files", einvoicetest.PDF(nil, einvoicetest.PDFOptions{})},
		{"PDF with a picture", KindPDFWithoutEInvoice, "none of the 1 files", einvoicetest.PDF([]byte("\x89PNG\r\n\x1a\n"), einvoicetest.PDFOptions{Name: "logo.png"})},
		{"PDF zip bomb", KindHostile, "inflates to more than", bomb},
		{"PDF with hostile XML", KindHostile, "factur-x.xml", einvoicetest.PDF(file(t, "xxe.xml"), einvoicetest.PDFOptions{Name: "factur-x.xml"})},
		{"PDF with broken XML", KindInvalid, "the XML embedded in the PDF (factur-x.xml) is not well-formed XML", einvoicetest.PDF(file(t, "malformed.xml"), einvoicetest.PDFOptions{Name: "factur-x.xml"})},
		{"PDF with invalid CII", KindInvalid, `the XML embedded in the PDF (factur-x.xml): /rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:ID: the element is missing`,
			einvoicetest.PDF([]byte(strings.Replace(cii, "<ram:ID>FA-2026-00412</ram:ID>", "", 1)), einvoicetest.PDFOptions{Name: "factur-x.xml"})},
		{"XML mentioning a PDF", KindNotEInvoice, "root {}note", []byte("<note>see %PDF-1.4 attached</note>")},
		// Review finding: an amount in another currency than the document's
		// would be booked as if it were in the document's.
		{"amount in another currency", KindInvalid, `/CreditNote/cac:LegalMonetaryTotal/cbc:PayableAmount: the amount is in "USD", but the document is in EUR (cbc:DocumentCurrencyCode)`,
			[]byte(strings.Replace(valid, `<cbc:PayableAmount currencyID="EUR">`, `<cbc:PayableAmount currencyID="USD">`, 1))},
		{"amount with letters", KindInvalid, `/CreditNote/cac:LegalMonetaryTotal/cbc:PayableAmount: "229.3O" is not a number`,
			[]byte(strings.Replace(valid, `<cbc:PayableAmount currencyID="EUR">229.30<`, `<cbc:PayableAmount currencyID="EUR">229.3O<`, 1))},
		{"amount with a comma", KindInvalid, `/CreditNote/cac:CreditNoteLine[1]/cbc:LineExtensionAmount: "189,50" is not a number`,
			[]byte(strings.Replace(valid, `<cbc:LineExtensionAmount currencyID="EUR">189.50</cbc:LineExtensionAmount>
        <cac:Item>`, `<cbc:LineExtensionAmount currencyID="EUR">189,50</cbc:LineExtensionAmount>
        <cac:Item>`, 1))},
		{"amount in exponent form", KindInvalid, `"1.8e3" is not a number`,
			[]byte(strings.Replace(valid, `<cbc:TaxExclusiveAmount currencyID="EUR">189.50<`, `<cbc:TaxExclusiveAmount currencyID="EUR">1.8e3<`, 1))},
		{"no number", KindInvalid, "/CreditNote/cbc:ID: the element is missing", []byte(strings.Replace(valid, "<cbc:ID>CN-2026-0031</cbc:ID>", "", 1))},
		{"bad date", KindInvalid, `/CreditNote/cbc:IssueDate: "2026-11-31" is not a date`, []byte(strings.Replace(valid, "2026-11-12", "2026-11-31", 1))},
		{"no currency", KindInvalid, "/CreditNote/cbc:DocumentCurrencyCode: the element is missing", []byte(strings.Replace(valid, "<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>", "", 1))},
		{"bad charge indicator", KindInvalid, `cbc:ChargeIndicator: "yes" is not true or false`, []byte(strings.Replace(string(file(t, "de-intra-community.xml")), "<cbc:ChargeIndicator>true<", "<cbc:ChargeIndicator>yes<", 1))},
		{"bad attachment", KindInvalid, "cbc:EmbeddedDocumentBinaryObject: the embedded file is not valid base64", []byte(strings.Replace(string(file(t, "nl-erp-multirate.xml")), "JVBERi0x", "JVB*Ri0x", 1))},
		{"CII date format", KindInvalid, `ram:IssueDateTime/udt:DateTimeString: date format "610" is not read`, []byte(strings.Replace(cii, `format="102">20261120`, `format="610">202611`, 1))},
		{"CII bad date", KindInvalid, `"20261340" is not a date`, []byte(strings.Replace(cii, `20261120`, `20261340`, 1))},
		{"CII amount", KindInvalid, `ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:GrandTotalAmount: "1.707,72" is not a number`, []byte(strings.Replace(cii, `<ram:GrandTotalAmount>1707.72<`, `<ram:GrandTotalAmount>1.707,72<`, 1))},
		{"CII no currency", KindInvalid, "ram:InvoiceCurrencyCode: the element is missing", []byte(strings.Replace(cii, `<ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>`, ``, 1))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := Parse(c.data)
			if err == nil {
				t.Fatalf("Parse accepted it: %+v", d)
			}
			if k := kindOf(t, err); k != c.kind {
				t.Errorf("kind %q, want %q (%v)", k, c.kind, err)
			}
			if !strings.Contains(err.Error(), c.msg) {
				t.Errorf("error %q does not say %q", err, c.msg)
			}
		})
	}
}

func TestSniff(t *testing.T) {
	cases := map[string]string{
		"nl-erp-multirate.xml":   SyntaxUBL,
		"nl-creditnote.xml":      SyntaxUBL,
		"be-reverse-charge.xml":  SyntaxUBL,
		"de-intra-community.xml": SyntaxUBL,
		"us-out-of-scope.xml":    SyntaxUBL,
		"fr-facturx-en16931.xml": SyntaxCII,
		"camt053.xml":            "",
		"malformed.xml":          SyntaxUBL, // the root is an invoice; Parse refuses the rest
	}
	for name, want := range cases {
		if got := Sniff(file(t, name)); got != want {
			t.Errorf("Sniff(%s) = %q, want %q", name, got, want)
		}
	}
	for name, data := range map[string][]byte{
		"plain PDF": einvoicetest.PDF(nil, einvoicetest.PDFOptions{}), "empty": nil, "text": []byte("hello"),
		"PDF with a picture": einvoicetest.PDF([]byte("\x89PNG"), einvoicetest.PDFOptions{Name: "logo.png"}),
	} {
		if got := Sniff(data); got != "" {
			t.Errorf("Sniff(%s) = %q, want \"\"", name, got)
		}
	}
}

// TestCheckFindsTamperedFigures changes one figure of a valid file at a
// time and expects the rule it breaks.
func TestCheckFindsTamperedFigures(t *testing.T) {
	valid := string(file(t, "nl-erp-multirate.xml"))
	cases := []struct{ rule, path, old, new string }{
		{"BR-CO-10", "Totals.LineTotal", `<cbc:LineExtensionAmount currencyID="EUR">1585.35<`, `<cbc:LineExtensionAmount currencyID="EUR">1585.45<`},
		{"BR-CO-11", "Totals.AllowanceTotal", `<cbc:AllowanceTotalAmount currencyID="EUR">28.41<`, `<cbc:AllowanceTotalAmount currencyID="EUR">28.14<`},
		{"BR-CO-12", "Totals.ChargeTotal", `<cbc:ChargeTotalAmount currencyID="EUR">15.00<`, `<cbc:ChargeTotalAmount currencyID="EUR">51.00<`},
		{"BR-CO-13", "Totals.TaxExclusive", `<cbc:TaxExclusiveAmount currencyID="EUR">1571.94<`, `<cbc:TaxExclusiveAmount currencyID="EUR">1571.49<`},
		{"BR-CO-14", "Totals.TaxTotal", `<cbc:TaxAmount currencyID="EUR">302.23<`, `<cbc:TaxAmount currencyID="EUR">302.32<`},
		{"BR-CO-15", "Totals.TaxInclusive", `<cbc:TaxInclusiveAmount currencyID="EUR">1874.17<`, `<cbc:TaxInclusiveAmount currencyID="EUR">1874.71<`},
		{"BR-CO-16", "Totals.Payable", `<cbc:PayableAmount currencyID="EUR">1374.15<`, `<cbc:PayableAmount currencyID="EUR">1374.17<`},
		{"BR-CO-17", "VAT[1].TaxAmount", `<cbc:TaxAmount currencyID="EUR">6.74<`, `<cbc:TaxAmount currencyID="EUR">6.76<`},
		{"BR-S-08", "VAT[0].TaxableAmount", `<cbc:TaxableAmount currencyID="EUR">1407.09<`, `<cbc:TaxableAmount currencyID="EUR">1407.90<`},
		{"BR-Z-08", "VAT[2].TaxableAmount", `<cbc:TaxableAmount currencyID="EUR">90.00<`, `<cbc:TaxableAmount currencyID="EUR">99.00<`},
		{"PEPPOL-EN16931-R120", "Lines[2].NetAmount", `<cbc:PriceAmount currencyID="EUR">22.50<`, `<cbc:PriceAmount currencyID="EUR">25.20<`},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			if !strings.Contains(valid, c.old) {
				t.Fatalf("the file has no %s", c.old)
			}
			d := mustParse(t, []byte(strings.Replace(valid, c.old, c.new, 1)))
			found := d.Check()
			for _, f := range found {
				if f.Rule == c.rule && f.Path == c.path && f.Message != "" {
					return
				}
			}
			t.Errorf("no %s at %s among %+v", c.rule, c.path, found)
		})
	}
}

// benchInvoice is a valid UBL invoice with lines lines, line n being n x
// 10.00 at 21 %.
func benchInvoice(lines int) []byte {
	var b strings.Builder
	var total decimal.Decimal
	var body strings.Builder
	for i := 1; i <= lines; i++ {
		net := decimal.NewFromInt(int64(10 * i))
		total = total.Add(net)
		body.WriteString(strings.NewReplacer("{id}", decimal.NewFromInt(int64(i)).String(), "{qty}", decimal.NewFromInt(int64(i)).String(),
			"{net}", net.StringFixed(2)).Replace(`
  <cac:InvoiceLine><cbc:ID>{id}</cbc:ID><cbc:InvoicedQuantity unitCode="C62">{qty}</cbc:InvoicedQuantity>
    <cbc:LineExtensionAmount currencyID="EUR">{net}</cbc:LineExtensionAmount>
    <cac:Item><cbc:Description>Artikel {id}, omschrijving</cbc:Description><cbc:Name>Artikel {id}</cbc:Name>
      <cac:SellersItemIdentification><cbc:ID>ART-{id}</cbc:ID></cac:SellersItemIdentification>
      <cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>21</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory></cac:Item>
    <cac:Price><cbc:PriceAmount currencyID="EUR">10.00</cbc:PriceAmount></cac:Price></cac:InvoiceLine>`))
	}
	src := valid20Header
	vat := total.Mul(decimal.RequireFromString("0.21")).Round(2)
	b.WriteString(strings.NewReplacer("{total}", total.StringFixed(2), "{vat}", vat.StringFixed(2),
		"{incl}", total.Add(vat).StringFixed(2)).Replace(src))
	b.WriteString(body.String())
	b.WriteString("\n</Invoice>\n")
	return []byte(b.String())
}

const valid20Header = `<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>
  <cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>
  <cbc:ID>BENCH-1</cbc:ID><cbc:IssueDate>2026-11-03</cbc:IssueDate><cbc:DueDate>2026-12-03</cbc:DueDate>
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode><cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode><cbc:BuyerReference>B-1</cbc:BuyerReference>
  <cac:AccountingSupplierParty><cac:Party><cbc:EndpointID schemeID="0106">34567890</cbc:EndpointID>
    <cac:PostalAddress><cbc:StreetName>Keizersgracht 123</cbc:StreetName><cbc:CityName>Amsterdam</cbc:CityName><cbc:PostalZone>1015 CJ</cbc:PostalZone><cac:Country><cbc:IdentificationCode>NL</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
    <cac:PartyTaxScheme><cbc:CompanyID>NL853746281B01</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
    <cac:PartyLegalEntity><cbc:RegistrationName>Kantoorhuis Brinkman B.V.</cbc:RegistrationName><cbc:CompanyID schemeID="0106">34567890</cbc:CompanyID></cac:PartyLegalEntity></cac:Party></cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty><cac:Party><cbc:EndpointID schemeID="0106">30123456</cbc:EndpointID>
    <cac:PostalAddress><cbc:StreetName>Stationsplein 8</cbc:StreetName><cbc:CityName>Utrecht</cbc:CityName><cbc:PostalZone>3511 ED</cbc:PostalZone><cac:Country><cbc:IdentificationCode>NL</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
    <cac:PartyLegalEntity><cbc:RegistrationName>Van der Berg Administratie B.V.</cbc:RegistrationName><cbc:CompanyID schemeID="0106">30123456</cbc:CompanyID></cac:PartyLegalEntity></cac:Party></cac:AccountingCustomerParty>
  <cac:PaymentMeans><cbc:PaymentMeansCode>58</cbc:PaymentMeansCode><cac:PayeeFinancialAccount><cbc:ID>NL91ABNA0417164300</cbc:ID></cac:PayeeFinancialAccount></cac:PaymentMeans>
  <cac:TaxTotal><cbc:TaxAmount currencyID="EUR">{vat}</cbc:TaxAmount><cac:TaxSubtotal><cbc:TaxableAmount currencyID="EUR">{total}</cbc:TaxableAmount><cbc:TaxAmount currencyID="EUR">{vat}</cbc:TaxAmount>
    <cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>21</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory></cac:TaxSubtotal></cac:TaxTotal>
  <cac:LegalMonetaryTotal><cbc:LineExtensionAmount currencyID="EUR">{total}</cbc:LineExtensionAmount><cbc:TaxExclusiveAmount currencyID="EUR">{total}</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount currencyID="EUR">{incl}</cbc:TaxInclusiveAmount><cbc:PayableAmount currencyID="EUR">{incl}</cbc:PayableAmount></cac:LegalMonetaryTotal>`

func TestBenchmarkInvoiceIsValid(t *testing.T) {
	data := benchInvoice(20)
	d := mustParse(t, data)
	if len(d.Lines) != 20 {
		t.Fatalf("%d lines", len(d.Lines))
	}
	// 10 x (1 + ... + 20) = 2100.00; 21 % is 441.00.
	eqd(t, "LineTotal", d.Totals.LineTotal, "2100.00")
	eqd(t, "TaxTotal", d.Totals.TaxTotal, "441.00")
	noFindings(t, d)
}

func BenchmarkParseUBL20Lines(b *testing.B) {
	data := benchInvoice(20)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}

// A crafted 20 MB "PDF" of nothing but the keywords the scanner looks for
// (review finding: it took 21 s of CPU, each of 1.5 million hits searched
// 8 KB back) is answered after a bounded number of hits, each searched
// back only to the one before, and each file specification's object
// looked up once: linear work.
func TestPDFKeywordFlood(t *testing.T) {
	for name, unit := range map[string]string{"EmbeddedFile": "/EmbeddedFile ", "EF": "/EF<</F 1 0 R>>"} {
		data := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte(unit), (20<<20)/len(unit))...)
		starts, work := candidates(data)
		if len(starts) != 0 || work.hits > maxHits+maxCandidates || work.scanned > 2*len(data) {
			t.Errorf("%s: %d candidates, %d hits, %d bytes scanned for a file of %d", name, len(starts), work.hits, work.scanned, len(data))
		}
		_, err := Parse(data)
		var pe *Error
		if !errors.As(err, &pe) || pe.Kind != KindPDFWithoutEInvoice {
			t.Errorf("%s: %v", name, err)
		}
		if Sniff(data) != "" {
			t.Errorf("%s: sniffed as an e-invoice", name)
		}
	}
}
