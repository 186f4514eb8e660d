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
	// PDF is the document's PDF to embed (nil: none).
	PDF []byte
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
// party without an electronic address, an invoice asking to be paid
// without an IBAN.
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
	exp, _ := money.Exponent(inv.Currency)
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
	// its codes: Issuable lets no two VAT-charging codes share a rate, so
	// a group that charges VAT holds one code and its VAT is that code's,
	// rounded once as BR-CO-17 asks.
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
	if in.PDF != nil {
		d.Attachments = []einvoice.Attachment{PDFAttachment(inv, in.PDF)}
	}
	return d, nil
}

// PDFAttachment is a document's PDF as an e-invoice's additional document
// (BG-24), named by the document's number.
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
	unit, _ := units.Code(l.Unit)
	out := einvoice.Line{ID: fmt.Sprint(l.LineNo), Quantity: l.Quantity, UnitCode: unit,
		NetAmount: decimal.New(l.NetMinor, -int32(exp)), Name: l.Description, Price: l.UnitPrice}
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
	if kor && s.VATNumber == "" {
		if ent.VATTaxNumber == "" && !outOfScope {
			var p ledger.Problems
			p.Add("entity.vat_tax_number", ledger.ReasonFieldRequired,
				"the entity is under the small-business scheme without a VAT number: an e-invoice of its exempt supplies names its tax number (vat_tax_number, BR-E-02)")
			return p.Err()
		}
		s.TaxNumber = ent.VATTaxNumber
	}

	c := in.Customer
	b := &d.Buyer
	b.Name, b.Address = pr.Customer.Name, address(buyerAddress(pr, c))
	b.Contact.Email = pr.Customer.Email
	b.EndpointScheme, b.EndpointID = ledger.SplitElectronicAddress(buyerEndpoint)
	if b.Name == "" { // a simplified invoice may have left it out
		b.Name = c.Name
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
	return nil
}

// buyerAddress is the customer's address as printed, or as it is now
// where the invoice (simplified, to 100 euros) printed none.
func buyerAddress(pr *invoicing.Printed, c *invoicing.Customer) ledger.Address {
	if pr.Customer.Address.Country == "" {
		return c.Address
	}
	return pr.Customer.Address
}

// address maps our address lines to street and additional street name.
func address(a ledger.Address) einvoice.Address {
	out := einvoice.Address{City: a.City, PostalZone: a.Postcode, Country: a.Country}
	if len(a.Lines) > 0 {
		out.Street = a.Lines[0]
	}
	if len(a.Lines) > 1 {
		out.Additional = a.Lines[1]
	}
	return out
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
