// Package sales builds the EN 16931 document (package einvoice) of an
// issued invoice or credit note, as the invoice was issued: the parties
// and terms it printed, its lines, and VAT by category and rate with the
// figures of its own VAT breakdown, so that the e-invoice and the PDF of
// one invoice agree to the cent. invoicing/einvoice/ubl writes the result
// as UBL per Peppol BIS Billing 3.0.
package sales

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"backoffice/invoicing"
	"backoffice/invoicing/einvoice"
	"backoffice/invoicing/einvoice/units"
	"backoffice/ledger"
	"backoffice/ledger/bank/pain001"
	"backoffice/ledger/money"
)

// Input is what the document of one issued invoice or credit note is made
// of.
type Input struct {
	Entity *ledger.Entity
	// Invoice is the issued invoice or credit note, with its lines and
	// Printed (the parties and terms as issued).
	Invoice *invoicing.Invoice
	// Customer is the customer now: its type and electronic address are
	// taken from it (an address set after the invoice was issued serves).
	Customer *invoicing.Customer
	// Credited is the invoice a credit note corrects.
	Credited *invoicing.Invoice
	// OrderRefs are the external ids of the orders the invoice was made of.
	OrderRefs []string
}

// Exemption reason codes (VATEX) of the categories that need one.
const (
	vatexReverseCharge = "VATEX-EU-AE"
	vatexIntraEU       = "VATEX-EU-IC"
	vatexExport        = "VATEX-EU-G"
	vatexOutOfScope    = "VATEX-EU-O"
)

// maxName is how much of a line's description is its item name (BT-153);
// a longer description is given in full as the item description (BT-154).
const maxName = 100

// Build makes the EN 16931 document of an issued invoice or credit note.
// It refuses (as *ledger.Error) a draft or a void invoice (409), and what
// an e-invoice cannot be (422): a consumer customer, a distance sale, a
// party without an electronic address (or one Peppol rejects), a
// currency with more than 2 decimals, an invoice asking to be paid
// without an IBAN, and a party lacking what a rule needs (the buyer's
// address, the seller's VAT number, the buyer's) as field_required or
// vat_number_invalid at that field.
func Build(in Input) (*einvoice.Document, error) {
	inv, ent, c := in.Invoice, in.Entity, in.Customer
	pr := inv.Printed
	switch {
	case inv.StoredStatus == invoicing.StatusDraft || pr == nil:
		return nil, ledger.Errorf(ledger.CodeConflict, ledger.ReasonInvoiceNotIssued, "document %d is a draft; an e-invoice is made of issued documents only", inv.ID)
	case inv.StoredStatus == invoicing.StatusVoid:
		return nil, ledger.Errorf(ledger.CodeConflict, ledger.ReasonInvoiceVoid, "invoice %s is void: its e-invoice must not be sent", inv.Number)
	case c.Type == invoicing.CustomerConsumer:
		return nil, ledger.Errorf(ledger.CodeInvalid, ledger.ReasonEInvoiceConsumer,
			"customer %d (%s) is a consumer: an e-invoice (UBL) is for business buyers; send the PDF", c.ID, c.Name)
	}
	for _, l := range inv.Lines {
		if l.TaxKind == invoicing.TaxDistanceSales {
			return nil, ledger.Errorf(ledger.CodeInvalid, ledger.ReasonEInvoiceDistanceSales,
				"line %d is a distance sale (tax code %q): distance sales go to consumers and are invoiced under the rules of the member state of destination; send the PDF", l.LineNo, l.TaxCode)
		}
	}
	buyerEndpoint := c.Endpoint()
	if buyerEndpoint == "" {
		return nil, ledger.Errorf(ledger.CodeInvalid, ledger.ReasonEInvoiceNoElectronicAddress,
			`customer %d (%s) has no electronic address: set one with PATCH /v1/entities/%d/customers/%d {"electronic_address": "0106:<KvK number>"} (or 0190:<OIN>, 9944:<Dutch VAT number>, another Peppol scheme); a Dutch customer's 8-digit KvK number (registration_id) serves as 0106`,
			c.ID, c.Name, ent.ID, c.ID)
	}
	sellerEndpoint := ent.Endpoint()
	if sellerEndpoint == "" {
		return nil, ledger.Errorf(ledger.CodeInvalid, ledger.ReasonEInvoiceNoElectronicAddress,
			`entity %d (%s) has no electronic address: set electronic_address on the entity ("0106:<KvK number>"), or an 8-digit KvK number as its registration_id`, ent.ID, ent.Name)
	}
	// Addresses saved before the Peppol identifier checks are checked
	// again: Peppol refuses a document with one it rejects.
	var p ledger.Problems
	ledger.CheckElectronicAddress(&p, "customer.electronic_address", buyerEndpoint)
	ledger.CheckElectronicAddress(&p, "entity.electronic_address", sellerEndpoint)
	if err := p.Err(); err != nil {
		return nil, err
	}
	exp, _ := money.Exponent(inv.Currency)
	if exp > 2 {
		// EN 16931 amounts have at most 2 decimals (its decimal data
		// type, BR-DEC-*): 0.125 KWD cannot be stated without rounding.
		return nil, ledger.Errorf(ledger.CodeInvalid, ledger.ReasonEInvoiceCurrencyUnsupported,
			"invoice %s is in %s, which has %d decimals: an e-invoice (EN 16931) states amounts with at most 2 decimals; send the PDF", inv.Number, inv.Currency, exp)
	}
	amount := func(minor int64) decimal.Decimal { return decimal.New(minor, -int32(exp)) }
	kor := pr.VATScheme == string(ledger.VATSmallBusiness)

	d := &einvoice.Document{Kind: einvoice.KindInvoice, TypeCode: "380", Number: inv.Number, IssueDate: *inv.IssueDate,
		Currency: inv.Currency, DueDate: inv.DueDate}
	if inv.Kind == invoicing.KindCreditNote {
		d.Kind, d.TypeCode, d.DueDate = einvoice.KindCreditNote, "381", nil
		if in.Credited != nil {
			d.Preceding = []einvoice.Reference{{Number: in.Credited.Number, IssueDate: in.Credited.IssueDate}}
		}
	}
	if inv.Notes != "" {
		d.Notes = []string{inv.Notes}
	}

	// Lines, and VAT grouped by category and rate in the order of first
	// use. The VAT of a group is the sum of the invoice's own VAT rows of
	// its codes, so the e-invoice says what the PDF says: issuing to a
	// business lets no two VAT-charging codes share a rate, so such a
	// group holds one code, rounded once as BR-CO-17 asks; an older
	// invoice (or one issued while the customer was a consumer) sums the
	// codes' rows.
	outOfScope := false
	group := map[string]int{} // "category rate" -> index in d.VAT
	codeGroup := map[string]int{}
	for _, l := range inv.Lines {
		cat, reason, code := category(l.TaxKind, pr.Language, kor)
		rate := decimal.Zero
		if l.TaxKind.ChargesVAT() {
			rate = l.TaxRate
		}
		outOfScope = outOfScope || cat == einvoice.CategoryOutOfScope
		key := cat + " " + rate.String()
		i, ok := group[key]
		if !ok {
			i = len(d.VAT)
			group[key] = i
			d.VAT = append(d.VAT, einvoice.VATBreakdown{Category: cat, Rate: rate, ExemptionReason: reason, ExemptionCode: code})
		}
		if v := &d.VAT[i]; reason != "" && !strings.Contains(v.ExemptionReason, reason) {
			// One category, several legal grounds (services and
			// triangulation both AE): BT-120 names them all.
			v.ExemptionReason += "; " + reason
		}
		codeGroup[l.TaxCode] = i
		d.VAT[i].TaxableAmount = d.VAT[i].TaxableAmount.Add(amount(l.NetMinor))
		line, err := buildLine(l, exp)
		if err != nil {
			return nil, err
		}
		line.VATCategory, line.VATRate = cat, rate
		d.Lines = append(d.Lines, line)
	}
	for _, r := range invoicing.VATBreakdown(inv.Lines, exp) {
		i := codeGroup[r.TaxCode]
		d.VAT[i].TaxAmount = d.VAT[i].TaxAmount.Add(amount(r.TaxMinor))
	}
	if outOfScope && len(d.VAT) > 1 {
		// Refused at issue since e-invoices exist; an older invoice may mix.
		return nil, ledger.Errorf(ledger.CodeInvalid, ledger.ReasonTaxKindMix,
			"invoice %s mixes non-EU services (outside the scope of VAT) with other tax kinds: an e-invoice states services outside the scope of VAT on their own", inv.Number)
	}

	d.Totals = einvoice.Totals{LineTotal: amount(inv.NetMinor), TaxExclusive: amount(inv.NetMinor), TaxTotal: amount(inv.TaxMinor),
		TaxInclusive: amount(inv.TotalMinor), Payable: amount(inv.TotalMinor)}
	if inv.Currency != ent.Currency && !inv.ExchangeRate.IsZero() {
		fexp, _ := money.Exponent(ent.Currency)
		d.TaxCurrency = ent.Currency
		d.Totals.TaxTotalInTaxCurrency = decimal.New(inv.FunctionalTax(ent), -int32(fexp))
	}

	if inv.Kind == invoicing.KindInvoice && inv.TotalMinor > 0 {
		if pr.IBAN == "" {
			return nil, ledger.Errorf(ledger.CodeInvalid, ledger.ReasonEInvoiceNoIBAN,
				"invoice %s asks to be paid but was issued without an IBAN: an e-invoice must say where to pay (NL-R-007); credit it and issue it again now that the invoicing settings have an IBAN", inv.Number)
		}
		means := einvoice.PaymentCreditTransfer
		if pain001.SEPAIBAN(pr.IBAN) {
			means = einvoice.PaymentSEPACreditTransfer
		}
		d.PaymentMeans = []einvoice.PaymentMeans{{Code: means, PaymentID: inv.Number, IBAN: pr.IBAN, AccountName: pr.Supplier.Name}}
		if inv.DueDate != nil {
			d.PaymentTerms = paymentTerms(pr.Language, pr.PaymentTermsDays)
		}
	}

	// BT-10: the buyer's own reference where it gave one, else its
	// reference in our books, else the invoice number, since Peppol
	// needs a buyer reference or an order reference (PEPPOL-EN16931-R003).
	d.BuyerReference = inv.BuyerReference
	if d.BuyerReference == "" && in.Credited != nil {
		d.BuyerReference = in.Credited.BuyerReference
	}
	if d.BuyerReference == "" {
		d.BuyerReference = c.ExternalRef
	}
	if d.BuyerReference == "" {
		d.BuyerReference = inv.Number
	}
	// BT-13: the orders the invoice was made of, by their external ids.
	d.OrderReference = strings.Join(in.OrderRefs, ", ")

	// Goods to another EU country: when and where they went (BR-IC-11,
	// BR-IC-12). Other documents give their date of supply when it is not
	// the issue date.
	delivery := inv.SupplyDate
	if delivery == nil && hasKind(inv, invoicing.TaxIntraEU) {
		delivery = inv.IssueDate
	}
	if delivery != nil {
		d.Delivery = &einvoice.Delivery{Date: delivery}
		if hasKind(inv, invoicing.TaxIntraEU) {
			d.Delivery.Address = &einvoice.Address{Country: buyerAddress(pr, c).Country}
		}
	}

	if err := parties(d, in, sellerEndpoint, buyerEndpoint, outOfScope, kor); err != nil {
		return nil, err
	}
	return d, nil
}

// PDFAttachment is a document's PDF as an e-invoice's additional document
// (BG-24), named by the document's number. Build leaves it to the caller,
// who renders the PDF only once Build has accepted the document.
func PDFAttachment(inv *invoicing.Invoice, pdf []byte) einvoice.Attachment {
	return einvoice.Attachment{ID: inv.Number, Description: documentName(inv.Kind, inv.Printed.Language) + " " + inv.Number,
		MimeCode: "application/pdf", FileName: inv.Number + ".pdf", Data: pdf}
}

// category maps a sales tax kind to its VAT category and the exemption
// reason (text in the customer's language, and VATEX code) the category
// needs. Distance sales are refused before.
func category(k invoicing.TaxKind, lang string, kor bool) (cat, reason, code string) {
	note := k.LegalNoteIn(lang)
	switch k {
	case invoicing.TaxStandard, invoicing.TaxReduced, invoicing.TaxOtherRate:
		return einvoice.CategoryStandard, "", ""
	case invoicing.TaxZero:
		return einvoice.CategoryZero, "", ""
	case invoicing.TaxReverseCharge, invoicing.TaxIntraEUServices, invoicing.TaxIntraEUTriangle:
		return einvoice.CategoryReverseCharge, note, vatexReverseCharge
	case invoicing.TaxIntraEU:
		return einvoice.CategoryIntraEU, note, vatexIntraEU
	case invoicing.TaxExport:
		return einvoice.CategoryExport, note, vatexExport
	case invoicing.TaxNonEUServices:
		return einvoice.CategoryOutOfScope, note, vatexOutOfScope
	}
	// Exempt: under the small-business scheme because of it.
	if kor {
		note = invoicing.KORNote(lang)
	}
	return einvoice.CategoryExempt, note, ""
}

// buildLine makes one line. A discount is given as EN 16931 prices it: the
// net price (gross less the discount) with the gross price and the
// discount per unit beside it, so that quantity x net price is the line's
// net amount; that it is, to the cent, is checked.
func buildLine(l invoicing.Line, exp int) (einvoice.Line, error) {
	unit, ok := units.Code(l.Unit)
	out := einvoice.Line{ID: fmt.Sprint(l.LineNo), Quantity: l.Quantity, UnitCode: unit,
		NetAmount: decimal.New(l.NetMinor, -int32(exp)), Name: l.Description, Price: l.UnitPrice}
	if !ok {
		// A unit that is neither one we map nor a code ("sessie"): the
		// line is counted in "one" (C62), as BR-CL-23 accepts no free
		// text, and its note (BT-127) says what the PDF says: "3 sessie".
		out.UnitCode, out.Note = units.One, l.Quantity.String()+" "+strings.TrimSpace(l.Unit)
	}
	if utf8.RuneCountInString(l.Description) > maxName {
		out.Name, out.Description = string([]rune(l.Description)[:maxName]), l.Description
	}
	if l.DiscountPercent.IsPositive() {
		hundred := decimal.NewFromInt(100)
		out.Price = l.UnitPrice.Mul(hundred.Sub(l.DiscountPercent)).Div(hundred)
		out.GrossPrice, out.PriceDiscount = l.UnitPrice, l.UnitPrice.Sub(out.Price)
	}
	if got := l.Quantity.Mul(out.Price).Shift(int32(exp)).Round(0).IntPart(); got != l.NetMinor {
		return out, ledger.Internal(fmt.Errorf("einvoice: line %d: quantity %s x net price %s is %d minor units, the line says %d",
			l.LineNo, l.Quantity, out.Price, got, l.NetMinor))
	}
	return out, nil
}

// parties fills in the seller and the buyer as the document printed them,
// with their electronic addresses and legal registrations. Services
// outside the scope of VAT carry no VAT numbers (BR-O-02).
func parties(d *einvoice.Document, in Input, sellerEndpoint, buyerEndpoint string, outOfScope, kor bool) error {
	pr, ent := in.Invoice.Printed, in.Entity
	var p ledger.Problems
	s := &d.Seller
	s.Name, s.Address = pr.Supplier.Name, address(pr.Supplier.Address)
	s.EndpointScheme, s.EndpointID = ledger.SplitElectronicAddress(sellerEndpoint)
	switch {
	case ledger.KvKNumber(pr.Supplier.RegistrationID):
		s.LegalID, s.LegalScheme = pr.Supplier.RegistrationID, einvoice.SchemeKvK
	case s.EndpointScheme == einvoice.SchemeOIN:
		s.LegalID, s.LegalScheme = s.EndpointID, einvoice.SchemeOIN
	}
	if !outOfScope {
		s.VATNumber = pr.Supplier.VATNumber
	}
	if kor && s.VATNumber == "" && !outOfScope {
		// Exports and intra-EU supplies need the seller's VAT number
		// (BR-G-02, BR-IC-02); the other categories take its tax
		// number (BT-32) instead (BR-S-02, BR-Z-02, BR-E-02, BR-AE-02).
		for _, cat := range []string{einvoice.CategoryExport, einvoice.CategoryIntraEU} {
			if hasCategory(d, cat) {
				p.Add("entity.vat_number", ledger.ReasonFieldRequired,
					"the entity is under the small-business scheme without a VAT number: an e-invoice of an export or an intra-EU supply (category %s) names the seller's VAT number (BR-G-02, BR-IC-02); send the PDF", cat)
				return p.Err()
			}
		}
		if ent.VATTaxNumber == "" {
			p.Add("entity.vat_tax_number", ledger.ReasonFieldRequired,
				"the entity is under the small-business scheme without a VAT number: an e-invoice of its supplies names its tax number (vat_tax_number, BR-E-02)")
			return p.Err()
		}
		s.TaxNumber = ent.VATTaxNumber
	}

	c := in.Customer
	b := &d.Buyer
	ba := buyerAddress(pr, c)
	b.Name, b.Address = pr.Customer.Name, address(ba)
	b.Contact.Email = pr.Customer.Email
	b.EndpointScheme, b.EndpointID = ledger.SplitElectronicAddress(buyerEndpoint)
	if b.Name == "" { // a simplified invoice may have left it out
		b.Name = c.Name
	}
	// The buyer's postal address and country (BR-10, BR-11); street,
	// city and postcode of a Dutch buyer of a Dutch seller (NL-R-004).
	if ba.Country == "" {
		p.Add("customer.address.country", ledger.ReasonFieldRequired, "an e-invoice names the buyer's country (BR-10, BR-11): set the customer's address")
	}
	if s.Address.Country == "NL" && ba.Country == "NL" {
		for _, f := range []struct{ path, what, have string }{{"lines", "street", b.Address.Street}, {"city", "city", ba.City}, {"postcode", "postcode", ba.Postcode}} {
			if f.have == "" {
				p.Add("customer.address."+f.path, ledger.ReasonFieldRequired,
					"an e-invoice from a Dutch seller to a Dutch buyer names the buyer's %s (NL-R-004): set the customer's address", f.what)
			}
		}
	}
	// The legal registration only where its scheme is one the Dutch rules
	// accept (NL-R-005): a KvK number or an OIN.
	switch {
	case b.EndpointScheme == einvoice.SchemeOIN:
		b.LegalID, b.LegalScheme = b.EndpointID, einvoice.SchemeOIN
	case b.Address.Country == "NL" && ledger.KvKNumber(pr.Customer.RegistrationID):
		b.LegalID, b.LegalScheme = pr.Customer.RegistrationID, einvoice.SchemeKvK
	}
	if !outOfScope {
		b.VATNumber = pr.Customer.VATNumber
	}
	// A VAT number must start with a country code (BR-CO-09); vatid
	// accepts others ("UK..."). Left out where nothing needs it; reverse
	// charge and intra-EU supplies do (BR-AE-02, BR-IC-02).
	if b.VATNumber != "" && !strings.Contains(vatPrefixes, " "+b.VATNumber[:min(2, len(b.VATNumber))]+" ") {
		if hasCategory(d, einvoice.CategoryReverseCharge) || hasCategory(d, einvoice.CategoryIntraEU) {
			p.Add("customer.vat_number", ledger.ReasonVATNumberInvalid,
				"the customer's VAT number %s does not start with an ISO 3166-1 country code (BR-CO-09), and an e-invoice of a reverse-charged or intra-EU supply names it (BR-AE-02, BR-IC-02)", b.VATNumber)
		}
		b.VATNumber = ""
	}
	return p.Err()
}

// vatPrefixes are the prefixes a VAT number may have (BR-CO-09: ISO
// 3166-1 alpha-2 with EL, XI and 1A), as the EN 16931 rules list them
// (a test keeps the two equal).
const vatPrefixes = ` 1A AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH EL ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XI YE YT ZA ZM ZW `

// buyerAddress is the customer's address as printed, or as it is now
// where the invoice (simplified, to 100 euros) printed it without a
// street, city, postcode or country and the address now has more of them.
func buyerAddress(pr *invoicing.Printed, c *invoicing.Customer) ledger.Address {
	known := func(a ledger.Address) int {
		n := 0
		for _, f := range []string{firstLine(a.Lines), a.City, a.Postcode, a.Country} {
			if f != "" {
				n++
			}
		}
		return n
	}
	if printed := pr.Customer.Address; known(printed) == 4 || known(c.Address) <= known(printed) {
		return printed
	}
	return c.Address
}

// address maps our address lines to street and additional street name:
// the first two lines with text ("", "Postbus 12" is a street "Postbus 12").
func address(a ledger.Address) einvoice.Address {
	out := einvoice.Address{City: a.City, PostalZone: a.Postcode, Country: a.Country}
	var lines []string
	for _, l := range a.Lines {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) > 0 {
		out.Street = lines[0]
	}
	if len(lines) > 1 {
		out.Additional = lines[1]
	}
	return out
}

func firstLine(lines []string) string { return address(ledger.Address{Lines: lines}).Street }

func hasCategory(d *einvoice.Document, cat string) bool {
	for _, v := range d.VAT {
		if v.Category == cat {
			return true
		}
	}
	return false
}

func hasKind(inv *invoicing.Invoice, k invoicing.TaxKind) bool {
	for _, l := range inv.Lines {
		if l.TaxKind == k {
			return true
		}
	}
	return false
}

func paymentTerms(lang string, days int) string {
	if lang == "nl" {
		return fmt.Sprintf("Betaling binnen %d dagen", days)
	}
	return fmt.Sprintf("Payment within %d days", days)
}

func documentName(k invoicing.Kind, lang string) string {
	switch {
	case k == invoicing.KindCreditNote && lang == "nl":
		return "Creditnota"
	case k == invoicing.KindCreditNote:
		return "Credit note"
	case lang == "nl":
		return "Factuur"
	}
	return "Invoice"
}
