package invoicing

import (
	"time"

	"backoffice/ledger"
	"backoffice/ledger/money"
)

// InvoiceView is an invoice or credit note as the API shows it: amounts as
// decimal strings in the document's currency, the derived status.
type InvoiceView struct {
	ID                int64        `json:"id"`
	Kind              Kind         `json:"kind"`
	Number            *string      `json:"number"`
	Status            string       `json:"status"`
	Overdue           bool         `json:"overdue"`
	CustomerID        int64        `json:"customer_id"`
	Currency          string       `json:"currency"`
	ExchangeRate      *string      `json:"exchange_rate"`
	IssueDate         *ledger.Date `json:"issue_date"`
	SupplyDate        *ledger.Date `json:"supply_date"`
	DueDate           *ledger.Date `json:"due_date"`
	Notes             string       `json:"notes"`
	BuyerReference    string       `json:"buyer_reference"`
	CreditedInvoiceID *int64       `json:"credited_invoice_id,omitempty"`
	Lines             []LineView   `json:"lines"`
	VAT               []VATView    `json:"vat_breakdown"`
	Net               string       `json:"net"`
	VATTotal          string       `json:"vat"`
	Total             string       `json:"total"`
	FunctionalTotal   *string      `json:"functional_total"`
	Paid              string       `json:"paid"`
	Credited          string       `json:"credited"`
	Open              string       `json:"open"`
	EntryID           *int64       `json:"entry_id"`
	VoidEntryID       *int64       `json:"void_entry_id"`
	CreatedAt         time.Time    `json:"created_at"`
	UpdatedAt         time.Time    `json:"updated_at"`
	IssuedAt          *time.Time   `json:"issued_at"`
	VoidedAt          *time.Time   `json:"voided_at"`
	// LegalNote is what the document as a whole must say (the
	// small-business scheme's exemption), in the customer's language.
	LegalNote string `json:"legal_note"`
	// VIES is the check of the customer's VAT number made before a 0 %
	// intra-EU supply was issued; null for other documents.
	VIES *VIESCheck `json:"vies"`
}

// LineView is one line as the API shows it.
type LineView struct {
	LineNo          int    `json:"line_no"`
	Description     string `json:"description"`
	Quantity        string `json:"quantity"`
	Unit            string `json:"unit"`
	UnitPrice       string `json:"unit_price"`
	DiscountPercent string `json:"discount_percent"`
	TaxCode         string `json:"tax_code"`
	TaxRate         string `json:"tax_rate"`
	RevenueAccount  string `json:"revenue_account"`
	Net             string `json:"net"`
	CreditsLine     *int   `json:"credits_line,omitempty"`
}

// VATView is one row of the VAT breakdown.
type VATView struct {
	TaxCode   string  `json:"tax_code"`
	Rate      string  `json:"rate"`
	Kind      TaxKind `json:"kind"`
	Taxable   string  `json:"taxable"`
	VAT       string  `json:"vat"`
	LegalNote string  `json:"legal_note,omitempty"`
}

// View renders inv for the API; today decides whether it is overdue.
func (inv *Invoice) View(ent *ledger.Entity, today ledger.Date) *InvoiceView {
	exp, _ := money.Exponent(inv.Currency)
	f := func(m int64) string { return money.Format(m, exp) }
	v := &InvoiceView{
		ID: inv.ID, Kind: inv.Kind, Status: inv.Status(), Overdue: inv.Overdue(today), CustomerID: inv.CustomerID,
		Currency: inv.Currency, IssueDate: inv.IssueDate, SupplyDate: inv.SupplyDate, DueDate: inv.DueDate,
		Notes: inv.Notes, BuyerReference: inv.BuyerReference, CreditedInvoiceID: inv.CreditedInvoiceID, Lines: make([]LineView, len(inv.Lines)),
		Net: f(inv.NetMinor), VATTotal: f(inv.TaxMinor), Total: f(inv.TotalMinor),
		Paid: f(inv.PaidMinor), Credited: f(inv.SettledMinor - inv.PaidMinor), Open: f(inv.OpenMinor()),
		EntryID: inv.EntryID, VoidEntryID: inv.VoidEntryID, CreatedAt: inv.CreatedAt, UpdatedAt: inv.UpdatedAt,
		IssuedAt: inv.IssuedAt, VoidedAt: inv.VoidedAt, VAT: []VATView{},
	}
	if inv.Number != "" {
		v.Number = &inv.Number
	}
	if !inv.ExchangeRate.IsZero() {
		r := inv.ExchangeRate.String()
		v.ExchangeRate = &r
		if inv.StoredStatus != StatusDraft {
			fexp, _ := money.Exponent(ent.Currency)
			ft := money.Format(inv.FunctionalTotalMinor, fexp)
			v.FunctionalTotal = &ft
		}
	}
	for i, l := range inv.Lines {
		v.Lines[i] = LineView{LineNo: l.LineNo, Description: l.Description, Quantity: l.Quantity.String(), Unit: l.Unit,
			UnitPrice: l.UnitPrice.String(), DiscountPercent: l.DiscountPercent.String(), TaxCode: l.TaxCode,
			TaxRate: l.TaxRate.String(), RevenueAccount: l.RevenueAccount, Net: f(l.NetMinor), CreditsLine: l.CreditsLineNo}
	}
	lang := "en" // a draft's notes in English; an issued document's in its customer's language
	if inv.Printed != nil {
		lang, v.VIES = inv.Printed.Language, inv.Printed.VIES
		if inv.Printed.VATScheme == string(ledger.VATSmallBusiness) {
			v.LegalNote = KORNote(lang)
		}
	}
	for _, r := range VATBreakdown(inv.Lines, exp) {
		note := r.Kind.LegalNoteIn(lang)
		if v.LegalNote != "" && r.Kind == TaxExempt {
			note = "" // the KOR note says why: not art. 11 beside it
		}
		v.VAT = append(v.VAT, VATView{TaxCode: r.TaxCode, Rate: r.Rate.String(), Kind: r.Kind, Taxable: f(r.NetMinor), VAT: f(r.TaxMinor), LegalNote: note})
	}
	return v
}

// PaymentView is a payment as the API shows it.
type PaymentView struct {
	ID               int64            `json:"id"`
	CustomerID       int64            `json:"customer_id"`
	Direction        string           `json:"direction"`
	Status           string           `json:"status"` // "recorded" or "removed"
	Date             ledger.Date      `json:"date"`
	Currency         string           `json:"currency"`
	Amount           string           `json:"amount"`
	ExchangeRate     *string          `json:"exchange_rate"`
	FunctionalAmount string           `json:"functional_amount"`
	BankAccount      string           `json:"bank_account"`
	Reference        string           `json:"reference"`
	Allocated        string           `json:"allocated"`
	Unallocated      string           `json:"unallocated"`
	EntryID          int64            `json:"entry_id"`
	RemovalEntryID   *int64           `json:"removal_entry_id"`
	Allocations      []AllocationView `json:"allocations"`
	CreatedAt        time.Time        `json:"created_at"`
	RemovedAt        *time.Time       `json:"removed_at"`
}

// View renders pay for the API.
func (pay *Payment) View(ent *ledger.Entity) *PaymentView {
	exp, _ := money.Exponent(pay.Currency)
	fexp, _ := money.Exponent(ent.Currency)
	v := &PaymentView{ID: pay.ID, CustomerID: pay.CustomerID, Direction: pay.Direction, Status: "recorded", Date: pay.Date,
		Currency: pay.Currency, Amount: money.Format(pay.AmountMinor, exp), FunctionalAmount: money.Format(pay.FunctionalMinor, fexp),
		BankAccount: pay.BankAccount, Reference: pay.Reference, Allocated: money.Format(pay.SettledMinor, exp),
		Unallocated: money.Format(pay.UnallocatedMinor(), exp), EntryID: pay.EntryID, RemovalEntryID: pay.RemovalEntryID,
		CreatedAt: pay.CreatedAt, RemovedAt: pay.RemovedAt, Allocations: []AllocationView{}}
	if pay.RemovedAt != nil {
		v.Status = "removed"
	}
	if !pay.ExchangeRate.IsZero() {
		r := pay.ExchangeRate.String()
		v.ExchangeRate = &r
	}
	for _, a := range pay.Allocations {
		v.Allocations = append(v.Allocations, *a.View())
	}
	return v
}

// AllocationView is an allocation as the API shows it.
type AllocationView struct {
	ID             int64       `json:"id"`
	InvoiceID      *int64      `json:"invoice_id"`     // the invoice settled
	RefundID       *int64      `json:"refund_id"`      // or the refund settled
	PaymentID      *int64      `json:"payment_id"`     // by this payment
	CreditNoteID   *int64      `json:"credit_note_id"` // or this credit note
	Date           ledger.Date `json:"date"`
	Currency       string      `json:"currency"`
	Amount         string      `json:"amount"`
	FXEntryID      *int64      `json:"fx_entry_id"`
	RemovedAt      *time.Time  `json:"removed_at"`
	RemovalEntryID *int64      `json:"removal_entry_id"`
}

// View renders a for the API.
func (a *Allocation) View() *AllocationView {
	exp, _ := money.Exponent(a.Currency)
	return &AllocationView{ID: a.ID, InvoiceID: a.DebitInvoiceID, RefundID: a.DebitPaymentID, PaymentID: a.CreditPaymentID,
		CreditNoteID: a.CreditInvoiceID, Date: a.Date, Currency: a.Currency, Amount: money.Format(a.AmountMinor, exp),
		FXEntryID: a.FXEntryID, RemovedAt: a.RemovedAt, RemovalEntryID: a.RemovalEntryID}
}
