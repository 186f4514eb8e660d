// Package ubl writes an einvoice.Document as a UBL 2.1 Invoice or
// CreditNote following Peppol BIS Billing 3.0 (with its Dutch rules): the
// syntax only. What the document says (its figures, categories and
// parties) is the builder's business; the official artefacts
// (invoicing/einvoice/validate) check both in the tests.
//
// Write refuses what the syntax cannot carry: no number, no issue date,
// no currency, no lines, an unknown kind, a monetary amount with more
// than two decimals. The documents it is given are built by the service
// from its own records, so a refusal is a bug there: callers report it
// as internal (ledger.Internal), not as the client's mistake.
package ubl

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"backoffice/invoicing/einvoice"
	"backoffice/ledger"
)

// The specification (BT-24) and business process (BT-23) identifiers of
// Peppol BIS Billing 3.0.
const (
	CustomizationID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
	ProfileID       = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
)

const (
	nsInvoice    = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
	nsCreditNote = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
	nsCAC        = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
	nsCBC        = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
)

// taxTypeVAT names the VAT scheme (TaxScheme/ID); taxTypeOther the scheme
// of the seller's other tax registration (BT-32), which Peppol wants to be
// anything but VAT.
const (
	taxTypeVAT   = "VAT"
	taxTypeOther = "TAX"
)

// Write answers d as a UBL 2.1 document, with its elements in the order
// of the UBL schema.
func Write(d *einvoice.Document) ([]byte, error) {
	if err := refuse(d); err != nil {
		return nil, err
	}
	w := &writer{credit: d.Kind == einvoice.KindCreditNote, currency: d.Currency}
	w.buf.Grow(8192 + len(d.Lines)*1500 + attachmentSize(d))
	w.buf.WriteString(xml.Header)
	w.enc = xml.NewEncoder(&w.buf)
	w.enc.Indent("", "  ")
	w.document(d)
	if w.err == nil {
		w.err = w.enc.Flush()
	}
	if w.err != nil {
		return nil, w.err
	}
	w.buf.WriteByte('\n')
	return w.buf.Bytes(), nil
}

// Refusals a caller may tell apart with errors.Is: what a document the
// service or a parser made can lack and still be a document, but UBL cannot
// carry. The other refusals are of documents no parser answers.
var (
	// ErrNoLines: UBL needs at least one line (BG-25).
	ErrNoLines = errors.New("ubl: the document has no lines (BG-25)")
	// ErrDecimals: EN 16931 amounts have at most 2 decimals.
	ErrDecimals = errors.New("a monetary amount may have at most 2 decimals")
	// ErrAttachmentID: an attachment needs its identifier (BT-122).
	ErrAttachmentID = errors.New("has no identifier (BT-122)")
)

// refuse tells what d lacks that the syntax cannot do without.
func refuse(d *einvoice.Document) error {
	switch {
	case d == nil:
		return errors.New("ubl: no document")
	case d.Kind != einvoice.KindInvoice && d.Kind != einvoice.KindCreditNote:
		return fmt.Errorf("ubl: unknown kind of document %q", d.Kind)
	case d.Number == "":
		return errors.New("ubl: the document has no number (BT-1)")
	case d.IssueDate.IsZero():
		return errors.New("ubl: the document has no issue date (BT-2)")
	case d.Currency == "":
		return errors.New("ubl: the document has no currency (BT-5)")
	case len(d.Lines) == 0:
		return ErrNoLines
	}
	for i, l := range d.Lines {
		if l.ID == "" {
			return fmt.Errorf("ubl: line %d has no identifier (BT-126)", i+1)
		}
	}
	for i, r := range d.Preceding {
		if r.Number == "" {
			return fmt.Errorf("ubl: preceding invoice reference %d has no number (BT-25)", i+1)
		}
	}
	for i, pm := range d.PaymentMeans {
		if pm.Code == "" {
			return fmt.Errorf("ubl: payment means %d has no code (BT-81)", i+1)
		}
	}
	if d.Payee != nil && d.Payee.Name == "" {
		return errors.New("ubl: the payee has no name (BT-59)")
	}
	for i, a := range d.Attachments {
		if a.ID == "" {
			return fmt.Errorf("ubl: attachment %d %w", i+1, ErrAttachmentID)
		}
		if len(a.Data) > 0 && a.MimeCode == "" {
			return fmt.Errorf("ubl: attachment %s has no mime code (BT-125)", a.ID)
		}
	}
	return nil
}

func attachmentSize(d *einvoice.Document) int {
	n := 0
	for _, a := range d.Attachments {
		n += base64.StdEncoding.EncodedLen(len(a.Data))
	}
	return n
}

// writer puts elements through an xml.Encoder (which escapes the text and
// checks that every element is closed). Elements are named with their
// usual prefix, declared once on the root. The first error sticks and
// makes the rest a no-op.
type writer struct {
	buf      bytes.Buffer
	enc      *xml.Encoder
	credit   bool   // a CreditNote, not an Invoice
	currency string // BT-5, the currencyID of every amount but BT-111
	where    string // the line being written, for errors
	err      error
}

func (w *writer) token(t xml.Token) {
	if w.err == nil {
		w.err = w.enc.EncodeToken(t)
	}
}

func (w *writer) open(name string, attrs ...xml.Attr) {
	w.token(xml.StartElement{Name: xml.Name{Local: name}, Attr: attrs})
}

func (w *writer) close(name string) { w.token(xml.EndElement{Name: xml.Name{Local: name}}) }

// elem writes a simple element, even when text is empty.
func (w *writer) elem(name, text string, attrs ...xml.Attr) {
	w.open(name, attrs...)
	w.token(xml.CharData(text))
	w.close(name)
}

// opt writes a simple element only when it has text: Peppol forbids empty
// elements (PEPPOL-EN16931-R008).
func (w *writer) opt(name, text string, attrs ...xml.Attr) {
	if text != "" {
		w.elem(name, text, attrs...)
	}
}

// optScheme writes an identifier with its schemeID where it has one.
func (w *writer) optScheme(name, id, scheme string) {
	if id == "" {
		return
	}
	if scheme == "" {
		w.elem(name, id)
		return
	}
	w.elem(name, id, attr("schemeID", scheme))
}

func (w *writer) date(name string, d *ledger.Date) {
	if d != nil && !d.IsZero() {
		w.elem(name, d.String())
	}
}

func attr(name, value string) xml.Attr { return xml.Attr{Name: xml.Name{Local: name}, Value: value} }

// amount writes a monetary amount in the document currency with exactly
// two decimals. EN 16931 allows no more (BR-DEC-*), and rounding here
// would make the figures disagree with the books: more is refused.
func (w *writer) amount(name string, v decimal.Decimal, bt string) {
	w.amountIn(name, v, w.currency, bt)
}

func (w *writer) amountIn(name string, v decimal.Decimal, currency, bt string) {
	if w.err != nil {
		return
	}
	if !v.Equal(v.Round(2)) {
		w.err = fmt.Errorf("ubl: %s%s is %s: %w", bt, w.where, v.String(), ErrDecimals)
		return
	}
	w.elem(name, v.StringFixed(2), attr("currencyID", currency))
}

// price writes a unit price (BT-146 to BT-148) as given: EN 16931 does
// not limit its decimals.
func (w *writer) price(name string, v decimal.Decimal) {
	w.elem(name, v.String(), attr("currencyID", w.currency))
}

func (w *writer) document(d *einvoice.Document) {
	root, ns, typeCode, defaultType := "Invoice", nsInvoice, "cbc:InvoiceTypeCode", "380"
	if w.credit {
		root, ns, typeCode, defaultType = "CreditNote", nsCreditNote, "cbc:CreditNoteTypeCode", "381"
	}
	w.open(root, attr("xmlns", ns), attr("xmlns:cac", nsCAC), attr("xmlns:cbc", nsCBC))
	w.elem("cbc:CustomizationID", CustomizationID)
	w.elem("cbc:ProfileID", ProfileID)
	w.elem("cbc:ID", d.Number)
	w.elem("cbc:IssueDate", d.IssueDate.String())
	if !w.credit {
		// A credit note has no DueDate in UBL 2.1: Peppol puts BT-9 in
		// its PaymentMeans (see paymentMeans).
		w.date("cbc:DueDate", d.DueDate)
	}
	if d.TypeCode != "" {
		defaultType = d.TypeCode
	}
	w.elem(typeCode, defaultType)
	// EN 16931 allows many notes, Peppol one (PEPPOL-EN16931-R002): they
	// go together, a line each.
	w.opt("cbc:Note", strings.Join(d.Notes, "\n"))
	w.elem("cbc:DocumentCurrencyCode", d.Currency)
	if d.TaxCurrency != d.Currency {
		// The same currency again is no VAT accounting currency: BT-6 must
		// differ from BT-5 (PEPPOL-EN16931-R005), and with it comes the
		// second VAT total (R054), written only where they differ.
		w.opt("cbc:TaxCurrencyCode", d.TaxCurrency)
	}
	w.opt("cbc:AccountingCost", d.BuyerAccounting)
	w.opt("cbc:BuyerReference", d.BuyerReference)
	w.period(d.PeriodStart, d.PeriodEnd)
	if d.OrderReference != "" || d.SalesOrderRef != "" {
		w.open("cac:OrderReference")
		// The schema needs an ID; Peppol says to write NA where only the
		// sales order is known.
		id := d.OrderReference
		if id == "" {
			id = "NA"
		}
		w.elem("cbc:ID", id)
		w.opt("cbc:SalesOrderID", d.SalesOrderRef)
		w.close("cac:OrderReference")
	}
	for _, r := range d.Preceding {
		w.open("cac:BillingReference")
		w.open("cac:InvoiceDocumentReference")
		w.elem("cbc:ID", r.Number)
		w.date("cbc:IssueDate", r.IssueDate)
		w.close("cac:InvoiceDocumentReference")
		w.close("cac:BillingReference")
	}
	if d.ContractRef != "" {
		w.open("cac:ContractDocumentReference")
		w.elem("cbc:ID", d.ContractRef)
		w.close("cac:ContractDocumentReference")
	}
	for _, a := range d.Attachments {
		w.attachment(a)
	}
	if d.ProjectRef != "" {
		if w.credit {
			// A CreditNote has no ProjectReference in UBL 2.1: Peppol
			// carries BT-11 as a document reference of type 50.
			w.open("cac:AdditionalDocumentReference")
			w.elem("cbc:ID", d.ProjectRef)
			w.elem("cbc:DocumentTypeCode", "50")
			w.close("cac:AdditionalDocumentReference")
		} else {
			w.open("cac:ProjectReference")
			w.elem("cbc:ID", d.ProjectRef)
			w.close("cac:ProjectReference")
		}
	}
	w.supplier(d)
	w.open("cac:AccountingCustomerParty")
	w.party(&d.Buyer, false, "")
	w.close("cac:AccountingCustomerParty")
	if d.Payee != nil {
		w.payee(d.Payee, creditorID(d))
	}
	w.delivery(d.Delivery)
	for i, pm := range d.PaymentMeans {
		var due *ledger.Date
		if w.credit && i == 0 {
			due = d.DueDate
		}
		w.paymentMeans(pm, due)
	}
	if d.PaymentTerms != "" {
		w.open("cac:PaymentTerms")
		w.elem("cbc:Note", d.PaymentTerms)
		w.close("cac:PaymentTerms")
	}
	for _, a := range d.Allowances {
		w.allowanceCharge(a, true)
	}
	w.taxTotal(d)
	w.totals(d)
	for i := range d.Lines {
		w.line(&d.Lines[i])
	}
	w.where = ""
	w.close(root)
}

func (w *writer) period(start, end *ledger.Date) {
	if (start == nil || start.IsZero()) && (end == nil || end.IsZero()) {
		return
	}
	w.open("cac:InvoicePeriod")
	w.date("cbc:StartDate", start)
	w.date("cbc:EndDate", end)
	w.close("cac:InvoicePeriod")
}

func (w *writer) attachment(a einvoice.Attachment) {
	w.open("cac:AdditionalDocumentReference")
	w.elem("cbc:ID", a.ID)
	w.opt("cbc:DocumentDescription", a.Description)
	if len(a.Data) > 0 || a.URI != "" {
		w.open("cac:Attachment")
		if len(a.Data) > 0 {
			attrs := []xml.Attr{attr("mimeCode", a.MimeCode)}
			if a.FileName != "" {
				attrs = append(attrs, attr("filename", a.FileName))
			}
			w.elem("cbc:EmbeddedDocumentBinaryObject", base64.StdEncoding.EncodeToString(a.Data), attrs...)
		}
		if a.URI != "" {
			w.open("cac:ExternalReference")
			w.elem("cbc:URI", a.URI)
			w.close("cac:ExternalReference")
		}
		w.close("cac:Attachment")
	}
	w.close("cac:AdditionalDocumentReference")
}

// creditorID is the SEPA creditor identifier (BT-90) of the first direct
// debit that names one. UBL has no place for it in PaymentMeans: Peppol
// puts it among the identifiers of the payee, or of the seller where
// there is no payee, with the scheme SEPA. One already among those
// identifiers (a received UBL document has it there) is not written twice:
// "" then (the round trip of parse's fuzz targets found it doubled).
func creditorID(d *einvoice.Document) string {
	for _, pm := range d.PaymentMeans {
		if pm.CreditorID == "" {
			continue
		}
		if hasSEPA(d.Seller.Identifiers, pm.CreditorID) || (d.Payee != nil && hasSEPA(d.Payee.Identifiers, pm.CreditorID)) {
			return ""
		}
		return pm.CreditorID
	}
	return ""
}

func hasSEPA(ids []einvoice.Identifier, id string) bool {
	for _, x := range ids {
		if x.ID == id && x.Scheme == "SEPA" {
			return true
		}
	}
	return false
}

func (w *writer) supplier(d *einvoice.Document) {
	sepa := ""
	if d.Payee == nil {
		sepa = creditorID(d)
	}
	w.open("cac:AccountingSupplierParty")
	w.party(&d.Seller, true, sepa)
	w.close("cac:AccountingSupplierParty")
}

// party writes a seller's or buyer's cac:Party. Only the seller has a tax
// registration other than VAT (BT-32) and additional legal information
// (BT-33).
func (w *writer) party(p *einvoice.Party, seller bool, sepa string) {
	w.open("cac:Party")
	if p.EndpointID != "" {
		w.elem("cbc:EndpointID", p.EndpointID, attr("schemeID", p.EndpointScheme))
	}
	w.identifiers(p.Identifiers, sepa)
	if p.TradingName != "" {
		w.open("cac:PartyName")
		w.elem("cbc:Name", p.TradingName)
		w.close("cac:PartyName")
	}
	w.address("cac:PostalAddress", &p.Address)
	w.taxScheme(p.VATNumber, taxTypeVAT)
	if seller {
		w.taxScheme(p.TaxNumber, taxTypeOther)
	}
	if p.Name != "" || p.LegalID != "" || (seller && p.LegalInfo != "") {
		w.open("cac:PartyLegalEntity")
		w.opt("cbc:RegistrationName", p.Name)
		w.optScheme("cbc:CompanyID", p.LegalID, p.LegalScheme)
		if seller {
			w.opt("cbc:CompanyLegalForm", p.LegalInfo)
		}
		w.close("cac:PartyLegalEntity")
	}
	if c := p.Contact; c != (einvoice.Contact{}) {
		w.open("cac:Contact")
		w.opt("cbc:Name", c.Name)
		w.opt("cbc:Telephone", c.Phone)
		w.opt("cbc:ElectronicMail", c.Email)
		w.close("cac:Contact")
	}
	w.close("cac:Party")
}

// payee writes the payee (BG-10): its name is a PartyName (BT-59), its
// legal registration (BT-61) a PartyLegalEntity without a name.
func (w *writer) payee(p *einvoice.Party, sepa string) {
	w.open("cac:PayeeParty")
	w.identifiers(p.Identifiers, sepa)
	w.open("cac:PartyName")
	w.elem("cbc:Name", p.Name)
	w.close("cac:PartyName")
	if p.LegalID != "" {
		w.open("cac:PartyLegalEntity")
		w.optScheme("cbc:CompanyID", p.LegalID, p.LegalScheme)
		w.close("cac:PartyLegalEntity")
	}
	w.close("cac:PayeeParty")
}

func (w *writer) identifiers(ids []einvoice.Identifier, sepa string) {
	for _, id := range ids {
		if id.ID != "" {
			w.open("cac:PartyIdentification")
			w.optScheme("cbc:ID", id.ID, id.Scheme)
			w.close("cac:PartyIdentification")
		}
	}
	if sepa != "" {
		w.open("cac:PartyIdentification")
		w.elem("cbc:ID", sepa, attr("schemeID", "SEPA"))
		w.close("cac:PartyIdentification")
	}
}

func (w *writer) taxScheme(companyID, scheme string) {
	if companyID == "" {
		return
	}
	w.open("cac:PartyTaxScheme")
	w.elem("cbc:CompanyID", companyID)
	w.open("cac:TaxScheme")
	w.elem("cbc:ID", scheme)
	w.close("cac:TaxScheme")
	w.close("cac:PartyTaxScheme")
}

// address writes a postal address, or nothing where it is empty.
func (w *writer) address(name string, a *einvoice.Address) {
	if *a == (einvoice.Address{}) {
		return
	}
	w.open(name)
	w.opt("cbc:StreetName", a.Street)
	w.opt("cbc:AdditionalStreetName", a.Additional)
	w.opt("cbc:CityName", a.City)
	w.opt("cbc:PostalZone", a.PostalZone)
	w.opt("cbc:CountrySubentity", a.Region)
	if a.Country != "" {
		w.open("cac:Country")
		w.elem("cbc:IdentificationCode", a.Country)
		w.close("cac:Country")
	}
	w.close(name)
}

func (w *writer) delivery(dl *einvoice.Delivery) {
	if dl == nil {
		return
	}
	w.open("cac:Delivery")
	w.date("cbc:ActualDeliveryDate", dl.Date)
	if dl.Address != nil && *dl.Address != (einvoice.Address{}) {
		w.open("cac:DeliveryLocation")
		w.address("cac:Address", dl.Address)
		w.close("cac:DeliveryLocation")
	}
	if dl.Name != "" {
		w.open("cac:DeliveryParty")
		w.open("cac:PartyName")
		w.elem("cbc:Name", dl.Name)
		w.close("cac:PartyName")
		w.close("cac:DeliveryParty")
	}
	w.close("cac:Delivery")
}

// paymentMeans writes one way to pay; due is a credit note's due date
// (BT-9), which Peppol puts here as UBL's CreditNote has no DueDate.
func (w *writer) paymentMeans(pm einvoice.PaymentMeans, due *ledger.Date) {
	w.open("cac:PaymentMeans")
	w.elem("cbc:PaymentMeansCode", pm.Code)
	w.date("cbc:PaymentDueDate", due)
	w.opt("cbc:PaymentID", pm.PaymentID)
	if pm.IBAN != "" {
		w.open("cac:PayeeFinancialAccount")
		w.elem("cbc:ID", pm.IBAN)
		w.opt("cbc:Name", pm.AccountName)
		if pm.BIC != "" {
			w.open("cac:FinancialInstitutionBranch")
			w.elem("cbc:ID", pm.BIC)
			w.close("cac:FinancialInstitutionBranch")
		}
		w.close("cac:PayeeFinancialAccount")
	}
	if pm.MandateID != "" || pm.DebitedIBAN != "" {
		w.open("cac:PaymentMandate")
		w.opt("cbc:ID", pm.MandateID)
		if pm.DebitedIBAN != "" {
			w.open("cac:PayerFinancialAccount")
			w.elem("cbc:ID", pm.DebitedIBAN)
			w.close("cac:PayerFinancialAccount")
		}
		w.close("cac:PaymentMandate")
	}
	w.close("cac:PaymentMeans")
}

// allowanceCharge writes an allowance or charge; only one on the document
// level has a VAT category (BT-95, BT-102).
func (w *writer) allowanceCharge(a einvoice.AllowanceCharge, document bool) {
	w.open("cac:AllowanceCharge")
	w.elem("cbc:ChargeIndicator", strconv.FormatBool(a.Charge))
	w.opt("cbc:AllowanceChargeReasonCode", a.ReasonCode)
	w.opt("cbc:AllowanceChargeReason", a.Reason)
	if !a.Percent.IsZero() {
		w.elem("cbc:MultiplierFactorNumeric", a.Percent.String())
	}
	w.amount("cbc:Amount", a.Amount, "the allowance or charge amount (BT-92/BT-99)")
	if !a.BaseAmount.IsZero() {
		w.amount("cbc:BaseAmount", a.BaseAmount, "the allowance or charge base amount (BT-93/BT-100)")
	}
	if document {
		w.taxCategory("cac:TaxCategory", a.VATCategory, a.VATRate, "", "")
	}
	w.close("cac:AllowanceCharge")
}

// taxCategory writes a VAT category with its rate: every category but O
// has a rate, 0 where no VAT is charged; O must have none (BR-O-05,
// BR-O-06, BR-O-07, BR-O-09).
func (w *writer) taxCategory(name, category string, rate decimal.Decimal, exemptionCode, exemption string) {
	if category == "" {
		return
	}
	w.open(name)
	w.elem("cbc:ID", category)
	if category != einvoice.CategoryOutOfScope {
		w.elem("cbc:Percent", rate.String())
	}
	w.opt("cbc:TaxExemptionReasonCode", exemptionCode)
	w.opt("cbc:TaxExemptionReason", exemption)
	w.open("cac:TaxScheme")
	w.elem("cbc:ID", taxTypeVAT)
	w.close("cac:TaxScheme")
	w.close(name)
}

// taxTotal writes the VAT total with its breakdown and, where the document
// names a VAT accounting currency, a second total in that currency
// without a breakdown (BR-53, PEPPOL-EN16931-R054).
func (w *writer) taxTotal(d *einvoice.Document) {
	w.open("cac:TaxTotal")
	w.amount("cbc:TaxAmount", d.Totals.TaxTotal, "the VAT total (BT-110)")
	for _, v := range d.VAT {
		w.open("cac:TaxSubtotal")
		w.amount("cbc:TaxableAmount", v.TaxableAmount, "a VAT category taxable amount (BT-116)")
		w.amount("cbc:TaxAmount", v.TaxAmount, "a VAT category tax amount (BT-117)")
		w.taxCategory("cac:TaxCategory", v.Category, v.Rate, v.ExemptionCode, v.ExemptionReason)
		w.close("cac:TaxSubtotal")
	}
	w.close("cac:TaxTotal")
	// The total in the tax currency only where that differs, as is its
	// code (see document): a second total in the document currency is a
	// second BT-110, which readers refuse (found by the round trip of
	// parse's fuzz targets).
	if d.TaxCurrency != "" && d.TaxCurrency != d.Currency {
		w.open("cac:TaxTotal")
		w.amountIn("cbc:TaxAmount", d.Totals.TaxTotalInTaxCurrency, d.TaxCurrency, "the VAT total in accounting currency (BT-111)")
		w.close("cac:TaxTotal")
	}
}

// totals writes the document totals; the optional ones only where they
// are not zero, or where there are allowances or charges they sum.
func (w *writer) totals(d *einvoice.Document) {
	var allowances, charges bool
	for _, a := range d.Allowances {
		allowances = allowances || !a.Charge
		charges = charges || a.Charge
	}
	t := &d.Totals
	w.open("cac:LegalMonetaryTotal")
	w.amount("cbc:LineExtensionAmount", t.LineTotal, "the sum of line net amounts (BT-106)")
	w.amount("cbc:TaxExclusiveAmount", t.TaxExclusive, "the total without VAT (BT-109)")
	w.amount("cbc:TaxInclusiveAmount", t.TaxInclusive, "the total with VAT (BT-112)")
	if allowances || !t.AllowanceTotal.IsZero() {
		w.amount("cbc:AllowanceTotalAmount", t.AllowanceTotal, "the sum of allowances (BT-107)")
	}
	if charges || !t.ChargeTotal.IsZero() {
		w.amount("cbc:ChargeTotalAmount", t.ChargeTotal, "the sum of charges (BT-108)")
	}
	if !t.Prepaid.IsZero() {
		w.amount("cbc:PrepaidAmount", t.Prepaid, "the paid amount (BT-113)")
	}
	if !t.Rounding.IsZero() {
		w.amount("cbc:PayableRoundingAmount", t.Rounding, "the rounding amount (BT-114)")
	}
	w.amount("cbc:PayableAmount", t.Payable, "the amount due (BT-115)")
	w.close("cac:LegalMonetaryTotal")
}

func (w *writer) line(l *einvoice.Line) {
	name, quantity := "cac:InvoiceLine", "cbc:InvoicedQuantity"
	if w.credit {
		name, quantity = "cac:CreditNoteLine", "cbc:CreditedQuantity"
	}
	w.where = " of line " + l.ID
	w.open(name)
	w.elem("cbc:ID", l.ID)
	w.opt("cbc:Note", l.Note)
	if l.UnitCode != "" {
		w.elem(quantity, l.Quantity.String(), attr("unitCode", l.UnitCode))
	} else {
		w.elem(quantity, l.Quantity.String())
	}
	w.amount("cbc:LineExtensionAmount", l.NetAmount, "the line net amount (BT-131)")
	w.period(l.Period[0], l.Period[1])
	if l.OrderLineRef != "" {
		w.open("cac:OrderLineReference")
		w.elem("cbc:LineID", l.OrderLineRef)
		w.close("cac:OrderLineReference")
	}
	for _, a := range l.Allowances {
		w.allowanceCharge(a, false)
	}
	w.item(l)
	w.open("cac:Price")
	w.price("cbc:PriceAmount", l.Price)
	if !l.BaseQuantity.IsZero() {
		if l.UnitCode != "" {
			w.elem("cbc:BaseQuantity", l.BaseQuantity.String(), attr("unitCode", l.UnitCode))
		} else {
			w.elem("cbc:BaseQuantity", l.BaseQuantity.String())
		}
	}
	discount, gross := priceAllowance(l)
	if !discount.IsZero() || !gross.IsZero() {
		w.open("cac:AllowanceCharge")
		w.elem("cbc:ChargeIndicator", "false")
		w.price("cbc:Amount", discount)
		if !gross.IsZero() {
			w.price("cbc:BaseAmount", gross)
		}
		w.close("cac:AllowanceCharge")
	}
	w.close("cac:Price")
	w.close(name)
}

// priceAllowance is the price discount (BT-147) and gross price (BT-148)
// written for l. Peppol allows only an allowance on the price
// (PEPPOL-EN16931-R044), so the gross price has no other place than its
// base amount (it was lost, found by the round trip of parse's fuzz
// targets); and where the gross price is given the net price must be the
// gross price less the discount (R046). The net price is kept as it is: the
// line amount and the totals are built on it. Where the three disagree
// (a gross price without a discount, or a discount rounded off a
// percentage: 199.96 less 10.45 is not 189.50) the gross price is kept and
// the discount written is its difference to the net price: the gross price
// is the one stated outright (a list price), the discount is the figure
// derived from the other two, and a discount that disagrees with both was
// already wrong. A gross price below the net price is left out with its
// discount (no allowance makes a price higher, so neither can be true);
// a discount without a gross price is written alone (R046 does not apply).
func priceAllowance(l *einvoice.Line) (discount, gross decimal.Decimal) {
	discount, gross = l.PriceDiscount, l.GrossPrice
	switch {
	case gross.IsZero():
		return discount, gross
	case gross.LessThan(l.Price):
		return decimal.Zero, decimal.Zero
	}
	return gross.Sub(l.Price), gross
}

func (w *writer) item(l *einvoice.Line) {
	w.open("cac:Item")
	w.opt("cbc:Description", l.Description)
	w.opt("cbc:Name", l.Name)
	w.itemID("cac:BuyersItemIdentification", l.BuyerItemID, "")
	w.itemID("cac:SellersItemIdentification", l.SellerItemID, "")
	w.itemID("cac:StandardItemIdentification", l.StandardID.ID, l.StandardID.Scheme)
	if l.OriginCountry != "" {
		w.open("cac:OriginCountry")
		w.elem("cbc:IdentificationCode", l.OriginCountry)
		w.close("cac:OriginCountry")
	}
	w.taxCategory("cac:ClassifiedTaxCategory", l.VATCategory, l.VATRate, "", "")
	w.close("cac:Item")
}

func (w *writer) itemID(name, id, scheme string) {
	if id == "" {
		return
	}
	w.open(name)
	w.optScheme("cbc:ID", id, scheme)
	w.close(name)
}
