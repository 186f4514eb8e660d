// Package einvoice is the semantic model of an electronic invoice or
// credit note after EN 16931 (the European standard both UBL 2.1 per
// Peppol BIS Billing 3.0 and UN/CEFACT CII implement), apart from either
// syntax: invoicing/einvoice/ubl writes it as UBL, invoicing/einvoice/parse
// reads UBL and CII into it. Field comments name the business terms
// (BT-n) and groups (BG-n) of EN 16931-1.
//
// Amounts are decimals as the document states them: an outgoing document
// is built from minor units (so with the currency's decimals), an incoming
// one keeps what the sender wrote, and whoever books it converts to minor
// units and says so when a figure does not fit.
package einvoice

import (
	"github.com/shopspring/decimal"

	"backoffice/ledger"
)

// Kinds of document.
const (
	KindInvoice    = "invoice"
	KindCreditNote = "credit_note"
)

// VAT category codes (UNCL5305, the subset EN 16931 allows: BT-118, BT-151).
const (
	CategoryStandard      = "S"  // standard or reduced rate
	CategoryZero          = "Z"  // zero rated goods
	CategoryExempt        = "E"  // exempt from tax
	CategoryReverseCharge = "AE" // VAT reverse charge
	CategoryIntraEU       = "K"  // intra-Community supply, VAT exempt
	CategoryExport        = "G"  // free export item, VAT not charged
	CategoryOutOfScope    = "O"  // services outside scope of tax
	CategoryCanaryIslands = "L"  // IGIC
	CategoryCeutaMelilla  = "M"  // IPSI
)

// Categories lists the codes EN 16931 allows.
var Categories = []string{CategoryStandard, CategoryZero, CategoryExempt, CategoryReverseCharge, CategoryIntraEU,
	CategoryExport, CategoryOutOfScope, CategoryCanaryIslands, CategoryCeutaMelilla}

// Payment means codes (UNCL4461) a Dutch supplier may use (NL-R-008).
const (
	PaymentCreditTransfer     = "30" // credit transfer
	PaymentSEPACreditTransfer = "58" // SEPA credit transfer
	PaymentSEPADirectDebit    = "59" // SEPA direct debit
)

// Electronic address schemes (EAS, BT-34/BT-49 scheme) and legal
// registration schemes (ICD, BT-30/BT-47 scheme) used in the Netherlands.
const (
	SchemeKvK   = "0106" // Dutch chamber of commerce (KvK) number
	SchemeOIN   = "0190" // Dutch government organisation identification number (OIN)
	SchemeNLVAT = "9944" // Dutch VAT number
)

// Document is an invoice or credit note (EN 16931 BG-0).
type Document struct {
	Kind            string       // KindInvoice or KindCreditNote
	Number          string       // BT-1
	IssueDate       ledger.Date  // BT-2
	TypeCode        string       // BT-3: 380 commercial invoice, 381 credit note, 384 corrected invoice, 389 self-billed ...
	Currency        string       // BT-5
	TaxCurrency     string       // BT-6: the VAT total also in this currency (the seller's accounting currency), "" if none
	DueDate         *ledger.Date // BT-9
	BuyerReference  string       // BT-10
	ProjectRef      string       // BT-11
	ContractRef     string       // BT-12
	OrderReference  string       // BT-13: the buyer's purchase order
	SalesOrderRef   string       // BT-14
	BuyerAccounting string       // BT-19
	PaymentTerms    string       // BT-20
	Notes           []string     // BT-22
	// ProfileID and CustomizationID as read (BT-23, BT-24); the writer
	// sets its own.
	ProfileID       string
	CustomizationID string
	// Preceding are the invoices a credit note (or corrective invoice)
	// refers to (BG-3).
	Preceding []Reference
	Seller    Party // BG-4
	Buyer     Party // BG-7
	Payee     *Party
	Delivery  *Delivery // BG-13
	// InvoicePeriod is the period invoiced (BG-14), if any.
	PeriodStart, PeriodEnd *ledger.Date
	PaymentMeans           []PaymentMeans    // BG-16
	Allowances             []AllowanceCharge // document level, BG-20 (allowances) and BG-21 (charges)
	VAT                    []VATBreakdown    // BG-23
	Totals                 Totals            // BG-22
	Lines                  []Line            // BG-25
	Attachments            []Attachment      // BG-24
}

// Reference is a preceding invoice (BG-3).
type Reference struct {
	Number    string       // BT-25
	IssueDate *ledger.Date // BT-26
}

// Party is a seller, buyer or payee.
type Party struct {
	Name           string // BT-44 / BT-27: the legal name (RegistrationName)
	TradingName    string // BT-28 / BT-45 (PartyName)
	EndpointScheme string // BT-34/BT-49 scheme (EAS), such as 0106
	EndpointID     string // BT-34/BT-49: the electronic address
	// Identifiers are other party identifiers (BT-29/BT-46), with their
	// scheme where given.
	Identifiers []Identifier
	LegalID     string // BT-30/BT-47: the legal registration, such as a KvK number
	LegalScheme string // its scheme (ICD), such as 0106
	VATNumber   string // BT-31/BT-48, with its country prefix
	TaxNumber   string // BT-32: a tax registration other than VAT (the Dutch omzetbelastingnummer of a sole proprietor)
	LegalInfo   string // BT-33: additional legal information
	Address     Address
	Contact     Contact
	// IBAN is only read: the payee account of an incoming document is in
	// its PaymentMeans.
}

// Identifier is an identifier with its scheme.
type Identifier struct {
	ID     string
	Scheme string
}

// Address is a postal address (BG-5, BG-8, BG-15).
type Address struct {
	Street     string // BT-35
	Additional string // BT-36
	City       string // BT-37
	PostalZone string // BT-38
	Region     string // BT-39
	Country    string // BT-40: ISO 3166-1 alpha-2
}

// Contact is a party's contact (BG-6, BG-9).
type Contact struct {
	Name  string
	Phone string
	Email string
}

// Delivery is where and when goods were delivered (BG-13).
type Delivery struct {
	Date    *ledger.Date // BT-72: the actual delivery date
	Name    string       // BT-70
	Address *Address     // BG-15 (Country is BT-80)
}

// PaymentMeans is one way to pay (BG-16).
type PaymentMeans struct {
	Code        string // BT-81 (UNCL4461)
	PaymentID   string // BT-83: the payment reference (the Dutch betalingskenmerk)
	IBAN        string // BT-84: the account to pay into
	AccountName string // BT-85
	BIC         string // BT-86
	MandateID   string // BT-89: the direct debit mandate
	CreditorID  string // BT-90: the SEPA creditor identifier
	DebitedIBAN string // BT-91: the account debited
}

// AllowanceCharge is an allowance (a discount) or a charge, on the document
// (BG-20, BG-21) or on a line (BG-27, BG-28).
type AllowanceCharge struct {
	Charge     bool            // true: a charge; false: an allowance
	Amount     decimal.Decimal // BT-92 / BT-99 (positive)
	BaseAmount decimal.Decimal // BT-93 (zero if none)
	Percent    decimal.Decimal // BT-94 (zero if none)
	Reason     string          // BT-97 / BT-104
	ReasonCode string          // BT-98 / BT-105 (UNCL5189 allowances, UNCL7161 charges)
	// VATCategory and VATRate: document level only (BT-95/96, BT-102/103).
	VATCategory string
	VATRate     decimal.Decimal
}

// Signed is the amount as it adds to the document's total: negative for an
// allowance.
func (a AllowanceCharge) Signed() decimal.Decimal {
	if a.Charge {
		return a.Amount
	}
	return a.Amount.Neg()
}

// VATBreakdown is one VAT category and rate's subtotal (BG-23).
type VATBreakdown struct {
	Category        string          // BT-118
	Rate            decimal.Decimal // BT-119 (zero for categories without VAT)
	TaxableAmount   decimal.Decimal // BT-116
	TaxAmount       decimal.Decimal // BT-117
	ExemptionReason string          // BT-120
	ExemptionCode   string          // BT-121 (VATEX)
}

// Totals are the document totals (BG-22).
type Totals struct {
	LineTotal      decimal.Decimal // BT-106: sum of line net amounts
	AllowanceTotal decimal.Decimal // BT-107: sum of document allowances
	ChargeTotal    decimal.Decimal // BT-108: sum of document charges
	TaxExclusive   decimal.Decimal // BT-109
	TaxTotal       decimal.Decimal // BT-110: VAT in the document currency
	// TaxTotalInTaxCurrency is BT-111, the VAT in TaxCurrency; zero and
	// unused when the document names no TaxCurrency.
	TaxTotalInTaxCurrency decimal.Decimal
	TaxInclusive          decimal.Decimal // BT-112
	Prepaid               decimal.Decimal // BT-113
	Rounding              decimal.Decimal // BT-114
	Payable               decimal.Decimal // BT-115
}

// Line is one invoice line (BG-25).
type Line struct {
	ID            string            // BT-126
	Note          string            // BT-127
	Quantity      decimal.Decimal   // BT-129
	UnitCode      string            // BT-130 (UN/ECE Rec. 20 or 21)
	NetAmount     decimal.Decimal   // BT-131: quantity x price, less line allowances, plus line charges
	OrderLineRef  string            // BT-132
	Period        [2]*ledger.Date   // BG-26: start and end, either may be nil
	Allowances    []AllowanceCharge // BG-27, BG-28
	Name          string            // BT-153
	Description   string            // BT-154
	SellerItemID  string            // BT-155
	BuyerItemID   string            // BT-156
	StandardID    Identifier        // BT-157 (such as a GTIN, scheme 0160)
	OriginCountry string            // BT-159
	Price         decimal.Decimal   // BT-146: the net price
	// PriceDiscount is the discount on the gross price (BT-147) and
	// GrossPrice the price before it (BT-148); zero if not given.
	PriceDiscount decimal.Decimal
	GrossPrice    decimal.Decimal
	BaseQuantity  decimal.Decimal // BT-149: the quantity the price is for (zero: 1)
	VATCategory   string          // BT-151
	VATRate       decimal.Decimal // BT-152
}

// Attachment is an additional supporting document (BG-24), such as the
// invoice's PDF.
type Attachment struct {
	ID          string // BT-122
	Description string // BT-123
	URI         string // BT-124: an external location (not fetched)
	MimeCode    string // BT-125 mime code: application/pdf, image/png ...
	FileName    string // BT-125 filename
	Data        []byte // BT-125: the embedded file
}
