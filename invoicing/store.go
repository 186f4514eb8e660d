package invoicing

import (
	"context"

	"backoffice/ledger"
)

// InvoiceFilter selects invoices or credit notes to list.
type InvoiceFilter struct {
	Kind       Kind
	CustomerID int64
	Status     string // stored or derived status; "" for all
	NoDrafts   bool   // leave drafts out (what a client key sees)
	After      int64  // id cursor
	Limit      int
}

// PaymentFilter selects payments to list.
type PaymentFilter struct {
	CustomerID int64
	After      int64
	Limit      int
}

// Store is everything the API needs of invoicing's storage. Each write is a
// unit of work of its own, and posts its entries in it (the API binds the
// store to the unit of work of a request, invstore.Store.In); an invoice
// change asks the orders it was made from in it (invstore.OrderLinks).
// Methods return *ledger.Error values; not_found for anything outside the
// entity.
type Store interface {
	Settings(ctx context.Context, entityID int64) (*Settings, error)
	// UpdateSettings: invalid.
	UpdateSettings(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, in *SettingsInput) (*Settings, error)

	// CreateCustomer: invalid, conflict (external_ref_taken).
	CreateCustomer(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, in *CustomerInput) (*Customer, error)
	Customer(ctx context.Context, entityID, id int64) (*Customer, error)
	Customers(ctx context.Context, entityID int64, f CustomerFilter) ([]*Customer, error)
	UpdateCustomer(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64, in *CustomerInput) (*Customer, error)
	ArchiveCustomer(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64) (*Customer, error)

	// CreateTaxCode: invalid, conflict (tax_code_taken).
	CreateTaxCode(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, in *TaxCodeInput) (*TaxCode, error)
	TaxCodes(ctx context.Context, entityID int64, includeArchived bool) ([]*TaxCode, error)
	TaxCode(ctx context.Context, entityID int64, code string) (*TaxCode, error)
	UpdateTaxCode(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, code string, in *TaxCodeInput) (*TaxCode, error)
	ArchiveTaxCode(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, code string) (*TaxCode, error)

	// CreateInvoice, UpdateInvoice: invalid; UpdateInvoice and DeleteInvoice
	// conflict (invoice_not_draft) once issued.
	CreateInvoice(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, in *InvoiceInput) (*Invoice, error)
	UpdateInvoice(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64, in *InvoiceInput) (*Invoice, error)
	DeleteInvoice(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64) error
	// Invoice returns an invoice or credit note with its lines.
	Invoice(ctx context.Context, entityID, id int64) (*Invoice, error)
	// OrderRefs are the external ids of the orders an invoice was made
	// of, in order of their ids (none for an invoice made by hand).
	OrderRefs(ctx context.Context, entityID, invoiceID int64) ([]string, error)
	Invoices(ctx context.Context, ent *ledger.Entity, f InvoiceFilter) ([]*Invoice, error)
	// IssueInvoice numbers and posts a draft: invalid (invoice_empty,
	// period_locked, exchange_rate_required, archived codes and accounts),
	// conflict (invoice_not_draft).
	IssueInvoice(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64) (*Invoice, error)
	// IssueInvoiceWith is IssueInvoice with choices: also invalid
	// (invoice_incomplete, kor_vat_charged, vat_number_not_in_vies) and
	// unavailable (vies_unavailable, unless opt.SkipVIES).
	IssueInvoiceWith(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64, opt IssueOptions) (*Invoice, error)
	// CheckVIES makes the VIES check an issue of the draft needs, on a
	// store not bound to a unit of work, and returns opt with its answer
	// (VIESChecked), to be passed to IssueInvoiceWith in a unit of work:
	// no transaction is open while VIES answers.
	CheckVIES(ctx context.Context, ent *ledger.Entity, id int64, opt IssueOptions) (IssueOptions, error)
	// VoidInvoice posts the reversal of an issued invoice without
	// settlements: conflict (invoice_not_issued, invoice_settled).
	VoidInvoice(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64) (*Invoice, error)
	// CreateCreditNote issues and posts a credit note against an invoice and
	// applies it to what is open on the invoice.
	CreateCreditNote(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, invoiceID int64, in *CreditNoteInput) (*Invoice, error)

	// RecordPayment posts a payment and makes the allocations it lists.
	RecordPayment(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, in *PaymentInput) (*Payment, error)
	Payment(ctx context.Context, entityID, id int64) (*Payment, error)
	Payments(ctx context.Context, entityID int64, f PaymentFilter) ([]*Payment, error)
	// Allocate allocates a payment (or a credit note's open credit, when
	// fromCreditNote) to documents: invalid (allocation_exceeds_payment,
	// allocation_exceeds_open, currency_mismatch), conflict (invoice_void).
	Allocate(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, sourceID int64, fromCreditNote bool, in []AllocationInput) ([]*Allocation, error)
	// RemoveAllocation undoes an allocation (posting the reversal of its
	// exchange difference, if any).
	RemoveAllocation(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64) (*Allocation, error)
	// RemovePayment removes a payment's allocations and posts the reversal
	// of its entry.
	RemovePayment(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64) (*Payment, error)
	// Allocations lists the allocations touching an invoice or a payment.
	Allocations(ctx context.Context, entityID int64, invoiceID, paymentID int64) ([]*Allocation, error)

	// Reports (invoicing/statements builds them from what these return).
	//
	// ReceivablesActivity returns the documents and payments that may be
	// open on asOf (every one that is, and perhaps a few that are not),
	// dated on or before it, with their allocations dated on or before it
	// and their customers.
	ReceivablesActivity(ctx context.Context, ent *ledger.Entity, asOf ledger.Date) (*Activity, error)
	// CustomerActivity returns all of one customer's documents, payments
	// and allocations dated on or before to: not_found for a customer
	// outside the entity.
	CustomerActivity(ctx context.Context, ent *ledger.Entity, customerID int64, to ledger.Date) (*Activity, error)
	// StatementCustomers lists the customers with a document or payment
	// dated on or before to, by id.
	StatementCustomers(ctx context.Context, entityID int64, to ledger.Date) ([]*Customer, error)
	// VATActivity returns the documents issued from..to and those voided
	// from..to, each with one line per tax code holding that code's summed
	// nets and VAT adjustments (what VATBreakdown needs).
	VATActivity(ctx context.Context, ent *ledger.Entity, from, to ledger.Date) (*Activity, error)
}

// Activity is what the receivables reports read: issued and void
// documents (without their lines, unless said otherwise), payments and
// allocations, removed ones included, with the dates on which voids and
// removals took effect in the books: the dates of the reversal entries
// they posted (an allocation removed without one: the entity's date when
// it was removed, or its own date if later). A void or removed record
// counts up to the day before that date.
type Activity struct {
	Customers           []*Customer
	Documents           []*Invoice
	Payments            []*Payment // without their Allocations
	Allocations         []*Allocation
	VoidedOn            map[int64]ledger.Date // by invoice id
	PaymentRemovedOn    map[int64]ledger.Date // by payment id
	AllocationRemovedOn map[int64]ledger.Date // by allocation id
}
