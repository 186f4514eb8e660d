// Package pdf renders invoices and credit notes as PDF from plain view
// models. It knows no database and no HTTP: the caller fills a Document.
package pdf

// Document is everything printed on an invoice or a credit note. Dates are
// ISO "YYYY-MM-DD" strings; the renderer writes them the customer's way.
// Amounts are int64 minor units of Currency (Exponent decimals); quantities,
// prices, percentages and rates are plain decimal strings ("12", "3.9500",
// "21"), written by the renderer with the language's separators.
type Document struct {
	Kind     string // "invoice" or "credit_note"
	Language string // "nl" or "en"; anything else is printed as "en"
	Number   string // "INV-2026-0001"
	// CreditedNumber is the number of the invoice a credit note corrects;
	// CreditedDate its issue date and CreditedSupplyDate its date of
	// supply (ISO dates, "" when unknown).
	CreditedNumber     string
	CreditedDate       string
	CreditedSupplyDate string
	// AppliedTo and RefundedMinor say how a credit note is settled: set off
	// against invoices (by number) and refunded; what remains is credit on
	// the customer's account.
	AppliedTo     []Applied
	RefundedMinor int64
	// LegalNotes are the legal mentions of the tax kinds used, by kind, as
	// the caller words them (invoicing.TaxKind.LegalNoteIn); a kind not
	// given takes the labels' note. DocumentNote is a mention for the whole
	// document (the small-business scheme's exemption).
	LegalNotes   map[string]string
	DocumentNote string
	// Void marks a voided invoice: stamped as such, with no request to pay.
	Void bool

	IssueDate  string
	SupplyDate string // date of supply (art. 226(7)); may equal IssueDate
	DueDate    string // "" on credit notes

	Supplier Party
	Customer Party

	Currency string // ISO 4217 of every amount on the document
	Exponent int    // the currency's decimals (2 for EUR)

	Lines []Line
	VAT   []VATRow // one row per tax code used, in printing order

	NetMinor   int64
	TaxMinor   int64
	TotalMinor int64

	// What allocations have settled of the total when the document is
	// printed (all zero while nothing has). On an invoice SettledMinor is
	// what payments (PaidMinor of it) and credit notes settled, and the
	// rest is still to be paid; on a credit note it is what was set off
	// against invoices or refunded, and the rest is still the customer's
	// credit. SettledDate is the ISO date on which the document was settled
	// in full (the latest of its allocations' dates), "" while something is
	// open.
	SettledMinor int64
	PaidMinor    int64
	SettledDate  string

	// FX: when the document's currency is not the supplier's functional
	// currency, the VAT is also shown in the functional currency (art. 230).
	FunctionalCurrency string // "" when Currency is functional
	FunctionalExponent int
	ExchangeRate       string // functional units per one unit of Currency
	TaxMinorFunctional int64

	PaymentTermsDays int
	PaymentReference string // what the customer should quote when paying
	BuyerReference   string // the customer's own reference for the document ("" for none)
	BankIBAN         string // "" when the entity has none on record
	Notes            string // free text from the draft, printed as given
}

// Party is the supplier (the entity) or the customer.
type Party struct {
	Name           string
	AddressLines   []string
	Postcode       string
	City           string
	Country        string // ISO 3166-1 alpha-2
	VATNumber      string
	RegistrationID string // chamber of commerce number (KvK)
	Email          string
}

// Line is one invoice line as printed.
type Line struct {
	Description     string
	Quantity        string // decimal
	Unit            string // "pcs", "h", "kg"; may be ""
	UnitPrice       string // decimal, up to 4 decimals
	DiscountPercent string // decimal; "" or "0" when none
	NetMinor        int64  // quantity x price less discount, rounded
	TaxCode         string
	TaxRate         string // decimal percent ("21", "9", "0")
	TaxKind         string // standard, reduced, zero, exempt, reverse_charge, intra_eu
}

// VATRow is the VAT breakdown for one tax code (EN 16931 BG-23).
type VATRow struct {
	Code     string
	Rate     string // decimal percent
	Kind     string // as Line.TaxKind
	NetMinor int64  // sum of that code's line nets
	TaxMinor int64  // rate x NetMinor, rounded once
}

// Applied is part of a credit note set off against an invoice.
type Applied struct {
	Number      string
	AmountMinor int64
}
