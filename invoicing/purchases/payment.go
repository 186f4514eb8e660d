package purchases

import (
	"context"
	"time"

	"github.com/shopspring/decimal"

	"backoffice/invoicing"
	"backoffice/ledger"
	"backoffice/ledger/money"
)

// Directions of a supplier payment.
const (
	DirectionPaid   = "paid"   // to the supplier: payables debited, the bank credited
	DirectionRefund = "refund" // money back from the supplier: the opposite
)

// Payment is money paid to a supplier or refunded by one. What is not
// allocated of a payment made is a debit on payables (an overpayment, or
// a payment on account); of a refund, still to be matched with a credit
// note.
type Payment struct {
	ID                     int64
	EntityID               int64
	SupplierID             int64
	SupplierName           string
	Direction              string
	Date                   ledger.Date
	Currency               string
	AmountMinor            int64
	ExchangeRate           decimal.Decimal // zero in the functional currency
	FunctionalMinor        int64
	BankAccount            string
	BankAccountID          int64
	Reference              string
	SettledMinor           int64
	SettledFunctionalMinor int64
	EntryID                int64
	CreatedAt              time.Time
	CreatedBy              int64
	RemovedAt              *time.Time
	RemovedBy              *int64
	RemovalEntryID         *int64
	Allocations            []*Allocation
}

// UnallocatedMinor is what is left to allocate.
func (p *Payment) UnallocatedMinor() int64 {
	if p.RemovedAt != nil {
		return 0
	}
	return p.AmountMinor - p.SettledMinor
}

// PaymentInput records a supplier payment, optionally allocating it at once.
type PaymentInput struct {
	SupplierID   *int64            `json:"supplier_id"`
	Direction    *string           `json:"direction"`
	Date         *string           `json:"date"`
	Amount       *string           `json:"amount"`
	Currency     *string           `json:"currency"`
	ExchangeRate *string           `json:"exchange_rate"`
	BankAccount  *string           `json:"bank_account"`
	Reference    *string           `json:"reference"`
	Allocations  []AllocationInput `json:"allocations"`
}

// AllocationInput allocates an amount to a purchase document: a purchase
// invoice (of a payment made, or of a supplier credit note), or a supplier
// credit note (of a refund).
type AllocationInput struct {
	PurchaseInvoiceID *int64 `json:"purchase_invoice_id"`
	Amount            string `json:"amount"`
}

// Apply checks the input (the store checks the supplier and the account)
// and fills pay. The currency defaults to the entity's, the date to today,
// the bank account to the settings'.
func (in *PaymentInput) Apply(pay *Payment, ent *ledger.Entity, s *Settings) error {
	var p ledger.Problems
	pay.Direction = DirectionPaid
	if in.Direction != nil {
		if *in.Direction != DirectionPaid && *in.Direction != DirectionRefund {
			p.Add("direction", ledger.ReasonDirectionInvalid, "direction is \"paid\" or \"refund\", got %q", *in.Direction)
		}
		pay.Direction = *in.Direction
	}
	m := invoicing.ParseMoney(&p, ent, invoicing.MoneyFields{Date: in.Date, Amount: in.Amount, Currency: in.Currency,
		ExchangeRate: in.ExchangeRate, BankAccount: in.BankAccount, Reference: in.Reference}, ent.Currency, s.BankAccount)
	if err := p.Err(); err != nil {
		return err
	}
	if err := m.Convert(ent); err != nil {
		return err
	}
	pay.Date, pay.Currency, pay.AmountMinor, pay.ExchangeRate, pay.FunctionalMinor = m.Date, m.Currency, m.AmountMinor, m.ExchangeRate, m.FunctionalMinor
	pay.BankAccount, pay.Reference = m.BankAccount, m.Reference
	return nil
}

// Allocation settles what the entity owes (a purchase invoice, or a refund
// the supplier paid back) with what settles it (a payment made, or a
// supplier credit note), for an amount in their common currency. Each side
// releases its share of its carrying amount in payables (the functional
// amounts); where they differ the exchange difference is posted.
type Allocation struct {
	ID                    int64
	EntityID              int64
	OwedInvoiceID         *int64
	OwedPaymentID         *int64
	SettleInvoiceID       *int64
	SettlePaymentID       *int64
	Date                  ledger.Date
	Currency              string
	AmountMinor           int64
	OwedFunctionalMinor   int64
	SettleFunctionalMinor int64
	FXEntryID             *int64
	CreatedAt             time.Time
	CreatedBy             int64
	RemovedAt             *time.Time
	RemovedBy             *int64
	RemovalEntryID        *int64
}

// PaymentEntry builds the entry of a supplier payment: payables debited and
// the bank credited (a refund the other way), in the payment's currency.
func PaymentEntry(pay *Payment, s *Settings, supplierName string) *ledger.Draft {
	paid := pay.Direction == DirectionPaid
	desc := "Payment to " + supplierName
	if !paid {
		desc = "Refund from " + supplierName
	}
	if r := []rune(desc); len(r) > 500 {
		desc = string(r[:500])
	}
	line := func(account string, debit bool) ledger.DraftLine {
		return ledger.DraftLine{Account: account, Debit: debit, Currency: pay.Currency, AmountMinor: pay.AmountMinor,
			Rate: pay.ExchangeRate, FunctionalMinor: pay.FunctionalMinor, Description: pay.Reference}
	}
	return &ledger.Draft{Date: pay.Date, Description: desc, Reference: pay.Reference,
		Lines: []ledger.DraftLine{line(s.PayableAccount, paid), line(pay.BankAccount, !paid)}}
}

// OpenFunctionalMinor is what is left of a booked document's carrying
// amount in payables, in the functional currency.
func (inv *Invoice) OpenFunctionalMinor() int64 {
	if inv.Status != StatusBooked {
		return 0
	}
	return inv.FunctionalTotalMinor - inv.SettledFunctionalMinor
}

// PaymentFilter selects supplier payments.
type PaymentFilter struct {
	SupplierID int64
	After      int64
	Limit      int
}

// PaymentView is a supplier payment as the API shows it.
type PaymentView struct {
	ID               int64             `json:"id"`
	SupplierID       int64             `json:"supplier_id"`
	SupplierName     string            `json:"supplier_name"`
	Direction        string            `json:"direction"`
	Status           string            `json:"status"`
	Date             ledger.Date       `json:"date"`
	Currency         string            `json:"currency"`
	Amount           string            `json:"amount"`
	ExchangeRate     *string           `json:"exchange_rate"`
	FunctionalAmount string            `json:"functional_amount"`
	BankAccount      string            `json:"bank_account"`
	Reference        string            `json:"reference"`
	Allocated        string            `json:"allocated"`
	Unallocated      string            `json:"unallocated"`
	EntryID          int64             `json:"entry_id"`
	RemovalEntryID   *int64            `json:"removal_entry_id"`
	Allocations      []*AllocationView `json:"allocations"`
	CreatedAt        time.Time         `json:"created_at"`
	CreatedBy        int64             `json:"created_by"`
	RemovedAt        *time.Time        `json:"removed_at"`
}

// View renders the payment for the API.
func (p *Payment) View(ent *ledger.Entity) *PaymentView {
	exp, _ := money.Exponent(p.Currency)
	fexp, _ := money.Exponent(ent.Currency)
	v := &PaymentView{ID: p.ID, SupplierID: p.SupplierID, SupplierName: p.SupplierName, Direction: p.Direction, Status: "recorded",
		Date: p.Date, Currency: p.Currency, Amount: money.Format(p.AmountMinor, exp), FunctionalAmount: money.Format(p.FunctionalMinor, fexp),
		BankAccount: p.BankAccount, Reference: p.Reference, Allocated: money.Format(p.SettledMinor, exp),
		Unallocated: money.Format(p.UnallocatedMinor(), exp), EntryID: p.EntryID, RemovalEntryID: p.RemovalEntryID,
		Allocations: make([]*AllocationView, len(p.Allocations)), CreatedAt: p.CreatedAt, CreatedBy: p.CreatedBy, RemovedAt: p.RemovedAt}
	if p.RemovedAt != nil {
		v.Status = "removed"
	}
	if !p.ExchangeRate.IsZero() {
		r := p.ExchangeRate.String()
		v.ExchangeRate = &r
	}
	for i, a := range p.Allocations {
		v.Allocations[i] = a.View(ent)
	}
	return v
}

// AllocationView is a purchase allocation as the API shows it: exactly one
// of purchase_invoice_id and refund_id (what was owed), and one of
// payment_id and credit_note_id (what settled it).
type AllocationView struct {
	ID                     int64       `json:"id"`
	PurchaseInvoiceID      *int64      `json:"purchase_invoice_id"`
	RefundID               *int64      `json:"refund_id"`
	PaymentID              *int64      `json:"payment_id"`
	CreditNoteID           *int64      `json:"credit_note_id"`
	Date                   ledger.Date `json:"date"`
	Currency               string      `json:"currency"`
	Amount                 string      `json:"amount"`
	OwedFunctionalAmount   string      `json:"owed_functional_amount"`
	SettleFunctionalAmount string      `json:"settle_functional_amount"`
	FXEntryID              *int64      `json:"fx_entry_id"`
	CreatedAt              time.Time   `json:"created_at"`
	CreatedBy              int64       `json:"created_by"`
	RemovedAt              *time.Time  `json:"removed_at"`
	RemovalEntryID         *int64      `json:"removal_entry_id"`
}

// View renders the allocation for the API.
func (a *Allocation) View(ent *ledger.Entity) *AllocationView {
	exp, _ := money.Exponent(a.Currency)
	fexp, _ := money.Exponent(ent.Currency)
	return &AllocationView{ID: a.ID, PurchaseInvoiceID: a.OwedInvoiceID, RefundID: a.OwedPaymentID, PaymentID: a.SettlePaymentID,
		CreditNoteID: a.SettleInvoiceID, Date: a.Date, Currency: a.Currency, Amount: money.Format(a.AmountMinor, exp),
		OwedFunctionalAmount: money.Format(a.OwedFunctionalMinor, fexp), SettleFunctionalAmount: money.Format(a.SettleFunctionalMinor, fexp),
		FXEntryID: a.FXEntryID, CreatedAt: a.CreatedAt, CreatedBy: a.CreatedBy, RemovedAt: a.RemovedAt, RemovalEntryID: a.RemovalEntryID}
}

// PaymentStore is what the API needs of supplier payments and purchase
// allocations. Allocation errors: invalid (invoice_not_found,
// allocation_target_invalid, supplier_mismatch, currency_mismatch,
// allocation_exceeds_open, allocation_exceeds_payment, allocations_too_many),
// conflict (invoice_not_issued, purchase_invoice_reversed, payment_removed).
type PaymentStore interface {
	// RecordSupplierPayment posts a payment and makes its allocations, all
	// or nothing: invalid (the PaymentInput rules, supplier_not_found,
	// account_not_found, the allocation errors).
	RecordSupplierPayment(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, in *PaymentInput) (*Payment, error)
	SupplierPayment(ctx context.Context, entityID, id int64) (*Payment, error)
	// SupplierPayments lists by id after the cursor, at most Limit+1.
	SupplierPayments(ctx context.Context, entityID int64, f PaymentFilter) ([]*Payment, error)
	// RemoveSupplierPayment removes its allocations and posts the reversal
	// of its entry: conflict (payment_removed).
	RemoveSupplierPayment(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64) (*Payment, error)
	// AllocateSupplierPayment allocates what is left of a payment.
	AllocateSupplierPayment(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, paymentID int64, in []AllocationInput) ([]*Allocation, error)
	// AllocatePurchaseCreditNote applies a supplier credit note to purchase
	// invoices of the same supplier.
	AllocatePurchaseCreditNote(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, creditNoteID int64, in []AllocationInput) ([]*Allocation, error)
	// RemovePurchaseAllocation undoes an allocation: conflict
	// (allocation_removed).
	RemovePurchaseAllocation(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64) (*Allocation, error)
	// PurchaseAllocations lists a purchase document's allocations, oldest
	// first, removed ones included.
	PurchaseAllocations(ctx context.Context, entityID, invoiceID int64) ([]*Allocation, error)
}
