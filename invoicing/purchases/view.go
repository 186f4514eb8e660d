package purchases

import (
	"time"

	"backoffice/ledger"
	"backoffice/ledger/money"
)

// InvoiceView is a purchase invoice or supplier credit note as the API
// shows it: amounts as decimal strings in the document's currency, the
// derived status, the VAT per tax code as computed, printed and booked.
type InvoiceView struct {
	ID                int64        `json:"id"`
	Kind              string       `json:"kind"`
	Number            *string      `json:"number"`
	Status            string       `json:"status"`
	Overdue           bool         `json:"overdue"`
	SupplierID        int64        `json:"supplier_id"`
	SupplierName      string       `json:"supplier_name"`
	SupplierNumber    string       `json:"supplier_invoice_number"`
	InvoiceDate       ledger.Date  `json:"invoice_date"`
	VATDate           ledger.Date  `json:"vat_date"`
	DueDate           *ledger.Date `json:"due_date"`
	Currency          string       `json:"currency"`
	ExchangeRate      *string      `json:"exchange_rate"`
	Reference         string       `json:"reference"`
	PaymentReference  string       `json:"payment_reference"`
	CreditedID        *int64       `json:"credited_purchase_invoice_id,omitempty"`
	Lines             []LineView   `json:"lines"`
	VAT               []VATView    `json:"vat"`
	VATOverrideReason string       `json:"vat_override_reason"`
	Net               string       `json:"net"`
	VATTotal          string       `json:"vat_total"`
	Total             string       `json:"total"`
	FunctionalTotal   *string      `json:"functional_total"`
	Paid              string       `json:"paid"`
	Open              string       `json:"open"`
	EntryID           *int64       `json:"entry_id"`
	ReversalEntryID   *int64       `json:"reversal_entry_id"`
	DocumentIDs       []int64      `json:"document_ids"`
	CreatedAt         time.Time    `json:"created_at"`
	CreatedBy         int64        `json:"created_by"`
	UpdatedAt         time.Time    `json:"updated_at"`
	BookedAt          *time.Time   `json:"booked_at"`
	BookedBy          *int64       `json:"booked_by"`
	ReversedAt        *time.Time   `json:"reversed_at"`
}

// LineView is one line as the API shows it.
type LineView struct {
	LineNo            int     `json:"line_no"`
	Description       string  `json:"description"`
	Account           string  `json:"account"`
	Amount            string  `json:"amount"`
	TaxCode           string  `json:"tax_code"`
	TaxKind           TaxKind `json:"tax_kind"`
	TaxRate           string  `json:"tax_rate"`
	DeductiblePercent string  `json:"deductible_percent"`
	VAT               string  `json:"vat"`
	DeductibleVAT     string  `json:"deductible_vat"`
}

// VATView is the VAT of one tax code: computed on the lines, booked (as
// printed where given) and the difference booked.
type VATView struct {
	TaxCode    string  `json:"tax_code"`
	Kind       TaxKind `json:"kind"`
	Rate       string  `json:"rate"`
	Box        string  `json:"box"`
	Taxable    string  `json:"taxable"`
	Computed   string  `json:"computed"`
	Booked     string  `json:"booked"`
	Difference string  `json:"difference"`
}

// View renders inv for the API; today decides whether it is overdue.
func (inv *Invoice) View(ent *ledger.Entity, today ledger.Date) *InvoiceView {
	exp, _ := money.Exponent(inv.Currency)
	f := func(m int64) string { return money.Format(m, exp) }
	v := &InvoiceView{ID: inv.ID, Kind: inv.Kind, Status: inv.State(), SupplierID: inv.SupplierID, SupplierName: inv.SupplierName,
		SupplierNumber: inv.SupplierNumber, InvoiceDate: inv.InvoiceDate, VATDate: inv.VATDate, DueDate: inv.DueDate,
		Currency: inv.Currency, Reference: inv.Reference, PaymentReference: inv.PaymentReference, CreditedID: inv.CreditedID,
		VATOverrideReason: inv.VATOverrideReason, Net: f(inv.NetMinor), VATTotal: f(inv.VATMinor), Total: f(inv.TotalMinor),
		Paid: f(inv.PaidMinor), Open: f(inv.OpenMinor()), EntryID: inv.EntryID, ReversalEntryID: inv.ReversalEntryID,
		DocumentIDs: inv.DocumentIDs, CreatedAt: inv.CreatedAt, CreatedBy: inv.CreatedBy, UpdatedAt: inv.UpdatedAt,
		BookedAt: inv.BookedAt, BookedBy: inv.BookedBy, ReversedAt: inv.ReversedAt,
		Lines: make([]LineView, len(inv.Lines)), VAT: make([]VATView, len(inv.VAT))}
	if v.DocumentIDs == nil {
		v.DocumentIDs = []int64{}
	}
	v.Overdue = inv.Kind == KindInvoice && inv.DueDate != nil && inv.OpenMinor() > 0 && today.After(*inv.DueDate)
	if inv.Number != "" {
		n := inv.Number
		v.Number = &n
	}
	if !inv.ExchangeRate.IsZero() {
		r := inv.ExchangeRate.String()
		v.ExchangeRate = &r
	}
	if inv.Status != StatusDraft {
		fexp, _ := money.Exponent(ent.Currency)
		ft := money.Format(inv.FunctionalTotalMinor, fexp)
		v.FunctionalTotal = &ft
	}
	for i, l := range inv.Lines {
		v.Lines[i] = LineView{LineNo: l.LineNo, Description: l.Description, Account: l.Account, Amount: f(l.NetMinor),
			TaxCode: l.TaxCode, TaxKind: l.TaxKind, TaxRate: l.TaxRate.String(), DeductiblePercent: l.Deductible.String(),
			VAT: f(l.VATMinor), DeductibleVAT: f(l.DeductibleMinor)}
	}
	for i, r := range inv.VAT {
		v.VAT[i] = VATView{TaxCode: r.TaxCode, Kind: r.Kind, Rate: r.Rate.String(), Box: r.Kind.Box(), Taxable: f(r.NetMinor),
			Computed: f(r.ComputedMinor), Booked: f(r.PrintedMinor), Difference: f(r.PrintedMinor - r.ComputedMinor)}
	}
	return v
}
