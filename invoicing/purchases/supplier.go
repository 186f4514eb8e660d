// Package purchases holds what an entity buys: its suppliers today;
// purchase invoices, their documents and the payments made to suppliers
// extend it later. It knows no database and no HTTP:
// invoicing/purchases/purchstore stores it, in the ledger's units of work.
package purchases

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"time"

	"backoffice/invoicing"
	"backoffice/invoicing/statements"
	"backoffice/ledger"
	"backoffice/ledger/bank"
	"backoffice/ledger/vatid"
)

// Supplier is someone an entity buys from.
type Supplier struct {
	ID             int64          `json:"id"`
	EntityID       int64          `json:"entity_id"`
	Name           string         `json:"name"`
	Address        ledger.Address `json:"address"`
	VATNumber      string         `json:"vat_number"`
	RegistrationID string         `json:"registration_id"`
	// IBAN is the account to pay, normalised (no spaces, upper case);
	// AccountHolder is the name its bank knows it by, which banks check
	// a payee's name against; BIC is the bank's, where given.
	IBAN          string `json:"iban"`
	AccountHolder string `json:"account_holder"`
	BIC           string `json:"bic"`
	// ElectronicAddress is where the supplier sends e-invoices from
	// (Peppol "scheme:id", such as "0106:12345678"); received e-invoices
	// find their supplier by it.
	ElectronicAddress string `json:"electronic_address"`
	// DefaultAccount and DefaultTaxCode are the codes purchase invoice
	// lines of the supplier start from; empty: none.
	DefaultAccount   string     `json:"default_account"`
	DefaultTaxCode   string     `json:"default_tax_code"`
	PaymentTermsDays int        `json:"payment_terms_days"`
	Language         string     `json:"language"`
	ArchivedAt       *time.Time `json:"archived_at"`
	CreatedBy        int64      `json:"created_by"`
	CreatedAt        time.Time  `json:"created_at"`
	UpdatedAt        time.Time  `json:"updated_at"`
}

// SupplierInput creates a supplier (name required, the rest defaulted) or
// updates one (non-nil fields only; an empty string clears an optional
// field).
type SupplierInput struct {
	Name              *string         `json:"name"`
	Address           *ledger.Address `json:"address"`
	VATNumber         *string         `json:"vat_number"`
	RegistrationID    *string         `json:"registration_id"`
	IBAN              *string         `json:"iban"`
	AccountHolder     *string         `json:"account_holder"`
	BIC               *string         `json:"bic"`
	ElectronicAddress *string         `json:"electronic_address"`
	DefaultAccount    *string         `json:"default_account"`
	DefaultTaxCode    *string         `json:"default_tax_code"`
	PaymentTermsDays  *int            `json:"payment_terms_days"`
	Language          *string         `json:"language"`
}

var (
	vatPattern = regexp.MustCompile(`^[A-Z0-9]{4,30}$`)
	bicPattern = regexp.MustCompile(`^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$`)
)

// NormalizeVATNumber removes spaces, dots and hyphens and upper-cases:
// "nl 8602.33.613.B01" is "NL860233613B01". Lookups normalise the same way.
func NormalizeVATNumber(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '.', '-':
			return -1
		}
		return r
	}, strings.Join(strings.Fields(s), ""))
	return strings.ToUpper(s)
}

// NormalizeIBANQuery removes spaces and upper-cases, as stored IBANs are;
// it does not check the IBAN (a lookup of a wrong one finds nothing).
func NormalizeIBANQuery(s string) string { return strings.ToUpper(strings.Join(strings.Fields(s), "")) }

// ValidBIC says whether s (normalised: upper case, no spaces) has the shape
// of a BIC (ISO 9362): four letters of the bank, two of the country, two
// letters or digits of the location, and optionally three of the branch.
func ValidBIC(s string) bool { return bicPattern.MatchString(s) }

// Apply validates the input and writes it onto s. The store checks the
// default account (exists, is an expense or asset account, open) and the
// default tax code (exists, active). A new supplier takes the entity's
// language (if nl or en) and 30 days' terms; the account holder defaults
// to the supplier's name when an IBAN is given without one.
func (in *SupplierInput) Apply(s *Supplier, ent *ledger.Entity, creating bool) error {
	var p ledger.Problems
	p.Text("name", in.Name, &s.Name, 200, true, creating)
	p.Text("registration_id", in.RegistrationID, &s.RegistrationID, 50, false, creating)
	if in.VATNumber != nil {
		v := NormalizeVATNumber(*in.VATNumber)
		if v != "" && !vatPattern.MatchString(v) {
			p.Add("vat_number", ledger.ReasonVATNumberInvalid, "vat_number %q is not 4 to 30 letters and digits (spaces, dots and hyphens are ignored)", *in.VATNumber)
		} else if _, err := vatid.Check(v); v != "" && err != nil {
			p.Add("vat_number", ledger.ReasonVATNumberInvalid, "%v", err)
		} else {
			s.VATNumber = v
		}
	}
	if in.Address != nil {
		s.Address = ledger.CheckAddress(&p, "address", *in.Address)
	} else if s.Address.Lines == nil {
		s.Address.Lines = []string{}
	}
	if in.IBAN != nil {
		if strings.TrimSpace(*in.IBAN) == "" {
			s.IBAN = ""
		} else if iban, ok := bank.NormalizeIBAN(*in.IBAN); !ok {
			p.Add("iban", ledger.ReasonIBANInvalid, "iban %q is not a valid IBAN (country, check digits and account number, checked by mod 97)", *in.IBAN)
		} else {
			s.IBAN = iban
		}
	}
	if in.ElectronicAddress != nil {
		// As customers keep theirs (ledger.CheckElectronicAddress): a
		// received e-invoice's endpoint finds the supplier by it.
		s.ElectronicAddress = ledger.CheckElectronicAddress(&p, "electronic_address", *in.ElectronicAddress)
	}
	p.Text("account_holder", in.AccountHolder, &s.AccountHolder, 200, false, creating)
	if in.BIC != nil {
		b := strings.ToUpper(strings.Join(strings.Fields(*in.BIC), ""))
		if b != "" && !ValidBIC(b) {
			p.Add("bic", ledger.ReasonBICInvalid, "bic %q is not a BIC: 8 or 11 letters and digits, like \"INGBNL2A\"", *in.BIC)
		} else {
			s.BIC = b
		}
	}
	if in.IBAN != nil && s.IBAN == "" && len(p) == 0 {
		// Clearing the IBAN clears what belongs to it, unless given.
		if in.AccountHolder == nil {
			s.AccountHolder = ""
		}
		if in.BIC == nil {
			s.BIC = ""
		}
	}
	if s.IBAN == "" && (s.AccountHolder != "" || s.BIC != "") && len(p) == 0 {
		p.Add("iban", ledger.ReasonFieldRequired, "an account holder or BIC belongs to an IBAN: give the iban too")
	}
	if s.IBAN != "" && s.AccountHolder == "" {
		s.AccountHolder = s.Name
	}
	if in.DefaultAccount != nil {
		s.DefaultAccount = strings.TrimSpace(*in.DefaultAccount)
	}
	if in.DefaultTaxCode != nil {
		s.DefaultTaxCode = strings.TrimSpace(*in.DefaultTaxCode)
	}
	switch {
	case in.Language != nil && !slices.Contains(invoicing.Languages, *in.Language):
		p.Add("language", ledger.ReasonLanguageInvalid, "language %q is not supported; use \"nl\" or \"en\"", *in.Language)
	case in.Language != nil:
		s.Language = *in.Language
	case creating:
		s.Language = "en"
		if l, _, _ := strings.Cut(ent.Locale, "-"); slices.Contains(invoicing.Languages, l) {
			s.Language = l
		}
	}
	switch {
	case in.PaymentTermsDays != nil && (*in.PaymentTermsDays < 0 || *in.PaymentTermsDays > 365):
		p.Add("payment_terms_days", ledger.ReasonPaymentTermsInvalid, "payment_terms_days must be 0 to 365")
	case in.PaymentTermsDays != nil:
		s.PaymentTermsDays = *in.PaymentTermsDays
	case creating:
		s.PaymentTermsDays = 30
	}
	return p.Err()
}

// SupplierFilter selects suppliers to list.
type SupplierFilter struct {
	Query     string // part of the name, any case
	VATNumber string // normalised (NormalizeVATNumber); empty: any
	IBAN      string // normalised (NormalizeIBANQuery); empty: any
	// ElectronicAddress is "scheme:id" as stored; empty: any.
	ElectronicAddress string
	IncludeArchived   bool
	After             int64 // id cursor
	Limit             int
}

// Store is what the API needs of purchases' storage. Methods return
// *ledger.Error values; not_found for anything outside the entity. Each
// write is one unit of work (or runs in the one the store is bound to)
// and records itself in the audit trail.
type Store interface {
	// CreateSupplier: invalid (the SupplierInput rules, account_not_found,
	// account_type_invalid, account_archived, tax_code_not_found,
	// tax_code_archived), conflict (vat_number_taken, with supplier_id).
	CreateSupplier(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, in *SupplierInput) (*Supplier, error)
	Supplier(ctx context.Context, entityID, id int64) (*Supplier, error)
	// Suppliers lists by id after the cursor, at most Limit+1.
	Suppliers(ctx context.Context, entityID int64, f SupplierFilter) ([]*Supplier, error)
	UpdateSupplier(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64, in *SupplierInput) (*Supplier, error)
	// ArchiveSupplier: archiving an archived supplier changes nothing.
	ArchiveSupplier(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64) (*Supplier, error)
	DocumentStore
	InvoiceStore
	PaymentStore
	BatchStore
	// The reads of the payables reports (aged payables, supplier
	// statements, open purchase invoices, the purchase journal).
	statements.PayablesStore
}

// InvoiceStore is what the API needs of purchase tax codes, settings and
// purchase invoices.
type InvoiceStore interface {
	// CreateTaxCode: invalid (the TaxCodeInput rules, account_not_found,
	// account_archived, account_type_invalid), conflict (tax_code_taken).
	CreateTaxCode(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, in *TaxCodeInput) (*TaxCode, error)
	TaxCode(ctx context.Context, entityID int64, code string) (*TaxCode, error)
	TaxCodes(ctx context.Context, entityID int64, includeArchived bool) ([]*TaxCode, error)
	UpdateTaxCode(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, code string, in *TaxCodeInput) (*TaxCode, error)
	ArchiveTaxCode(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, code string) (*TaxCode, error)
	Settings(ctx context.Context, entityID int64) (*Settings, error)
	UpdateSettings(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, in *SettingsInput) (*Settings, error)
	// CreatePurchaseInvoice enters a draft (and books it with in.Book):
	// invalid (the InvoiceInput rules, vat_mismatch, period_locked),
	// conflict (supplier_invoice_number_taken, document_linked).
	CreatePurchaseInvoice(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, in *InvoiceInput) (*Invoice, error)
	PurchaseInvoice(ctx context.Context, entityID, id int64) (*Invoice, error)
	// PurchaseInvoices lists by id after the cursor, at most Limit+1.
	PurchaseInvoices(ctx context.Context, entityID int64, f InvoiceFilter) ([]*Invoice, error)
	// UpdatePurchaseInvoice changes a draft: conflict (invoice_not_draft).
	UpdatePurchaseInvoice(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64, in *InvoiceInput) (*Invoice, error)
	DeletePurchaseInvoice(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64) error
	BookPurchaseInvoice(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64) (*Invoice, error)
	// ReversePurchaseInvoice: conflict (invoice_not_issued for a draft,
	// purchase_invoice_reversed, invoice_settled).
	ReversePurchaseInvoice(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64, date ledger.Date) (*Invoice, error)
	// DeleteDocument: conflict (document_linked, document_booked).
	DeleteDocument(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64) error
}
