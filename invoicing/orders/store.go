package orders

import (
	"context"

	"backoffice/invoicing"
	"backoffice/ledger"
)

// Filter selects orders to list; zero fields select all.
type Filter struct {
	Status     Status
	CustomerID int64
	ExternalID string
	From, To   *ledger.Date // order_date, inclusive
	After      int64        // id cursor
	Limit      int
}

// InvoiceRequest invoices one fulfilled order (the route names it) or all
// fulfilled orders of a customer not yet invoiced.
type InvoiceRequest struct {
	CustomerID   *int64  `json:"customer_id"`   // all of this customer's fulfilled orders
	Currency     *string `json:"currency"`      // needed when they are in several currencies
	IssueDate    *string `json:"issue_date"`    // default: today (issued mode)
	ExchangeRate *string `json:"exchange_rate"` // for orders in a foreign currency
}

// Store is what the API needs of order storage. Methods return
// *ledger.Error values; not_found for anything outside the entity.
type Store interface {
	OrderSettings(ctx context.Context, entityID int64) (*Settings, error)
	UpdateOrderSettings(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, in *SettingsInput) (*Settings, error)

	// PushOrder stores a new order and finds or creates its customer
	// (created true), or returns the stored order with the same external id
	// when this is the same order again (created false). Another order under
	// a used external id is a conflict (order_external_id_conflict) listing
	// the fields that differ. Invalid input: invalid, at JSON paths.
	PushOrder(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, in *Input) (o *Order, created bool, err error)
	// Order returns an order with its lines, history and invoice.
	Order(ctx context.Context, entityID, id int64) (*Order, *invoicing.Invoice, error)
	Orders(ctx context.Context, entityID int64, f Filter) ([]*Order, map[int64]*invoicing.Invoice, error)
	// MoveOrder changes an order's status: conflict (order_status_conflict)
	// when the life cycle forbids the move. Moving to the status it has is
	// no change and no error.
	MoveOrder(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64, to Status, reason string) (*Order, *invoicing.Invoice, error)
	// InvoiceOrders makes one invoice of an order (orderID > 0) or of all a
	// customer's fulfilled orders, draft or issued as the settings say:
	// conflict (order_status_conflict, no_orders_to_invoice), forbidden for
	// integrations unless the settings allow them.
	InvoiceOrders(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, orderID int64, in *InvoiceRequest) (*invoicing.Invoice, []*Order, error)
}
