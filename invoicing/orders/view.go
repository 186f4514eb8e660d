package orders

import (
	"time"

	"backoffice/invoicing"
	"backoffice/ledger"
	"backoffice/ledger/money"
)

// View is an order as the API (and the order.* events) show it.
type View struct {
	ID          int64           `json:"id"`
	ExternalID  string          `json:"external_id"`
	Status      Status          `json:"status"`
	CustomerID  int64           `json:"customer_id"`
	CustomerRef string          `json:"customer_ref"`
	OrderDate   ledger.Date     `json:"order_date"`
	Currency    string          `json:"currency"`
	Notes       string          `json:"notes"`
	Lines       []LineView      `json:"lines"`
	Net         string          `json:"net"`
	VAT         string          `json:"vat"`
	Total       string          `json:"total"`
	Invoice     *InvoiceSummary `json:"invoice"`
	History     []StatusChange  `json:"status_history"`
	CreatedBy   int64           `json:"created_by"`
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedAt   time.Time       `json:"updated_at"`
}

// LineView is one order line as shown.
type LineView struct {
	LineNo          int    `json:"line_no"`
	SKU             string `json:"sku"`
	Description     string `json:"description"`
	Quantity        string `json:"quantity"`
	Unit            string `json:"unit"`
	UnitPrice       string `json:"unit_price"`
	DiscountPercent string `json:"discount_percent"`
	TaxCode         string `json:"tax_code"`
	Net             string `json:"net"`
}

// InvoiceSummary is what an order shows of the invoice made from it: enough
// for a shop to know whether it is paid, without the invoice routes.
type InvoiceSummary struct {
	ID      int64        `json:"id"`
	Number  *string      `json:"number"`
	Status  string       `json:"status"`
	Total   string       `json:"total"`
	Open    string       `json:"open"`
	DueDate *ledger.Date `json:"due_date"`
}

// View renders o; inv is the invoice made from it, if loaded.
func (o *Order) View(inv *invoicing.Invoice) *View {
	exp, _ := money.Exponent(o.Currency)
	f := func(m int64) string { return money.Format(m, exp) }
	v := &View{ID: o.ID, ExternalID: o.ExternalID, Status: o.Status, CustomerID: o.CustomerID, CustomerRef: o.CustomerRef,
		OrderDate: o.OrderDate, Currency: o.Currency, Notes: o.Notes, Lines: make([]LineView, len(o.Lines)),
		Net: f(o.NetMinor), VAT: f(o.TaxMinor), Total: f(o.TotalMinor), History: o.History,
		CreatedBy: o.CreatedBy, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt}
	if v.History == nil {
		v.History = []StatusChange{}
	}
	for i, l := range o.Lines {
		v.Lines[i] = LineView{LineNo: l.LineNo, SKU: l.SKU, Description: l.Description, Quantity: l.Quantity.String(),
			Unit: l.Unit, UnitPrice: l.UnitPrice.String(), DiscountPercent: l.DiscountPercent.String(), TaxCode: l.TaxCode, Net: f(l.NetMinor)}
	}
	if inv != nil {
		iexp, _ := money.Exponent(inv.Currency)
		s := &InvoiceSummary{ID: inv.ID, Status: inv.Status(), Total: money.Format(inv.TotalMinor, iexp),
			Open: money.Format(inv.OpenMinor(), iexp), DueDate: inv.DueDate}
		if inv.Number != "" {
			s.Number = &inv.Number
		}
		v.Invoice = s
	}
	return v
}
