// Package orderstore keeps orders in the invoicing database (gorm, on
// PostgreSQL or SQLite). It wraps the invoicing store: an order, its
// customer and its order.received event commit together, and invoicing
// orders creates (and, by the settings, issues) the invoice in the same
// transaction that marks the orders invoiced.
//
// Lock order, extending invstore's: orders (by id), then invoices, payments,
// counters and totals, and last the event counter (sqlstore.Tx.Emit).
package orderstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"

	"backoffice/invoicing"
	"backoffice/invoicing/invstore"
	"backoffice/invoicing/orders"
	"backoffice/invoicing/webhooks"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
)

// Store is the invoicing store with orders added. It overrides none of the
// invoicing store's methods: invoicing calls orders through
// invstore.OrderLinks where an invoice change touches them.
type Store struct {
	*invstore.Store
}

var _ orders.Store = (*Store)(nil)

// New wraps an invoicing store and links it to orders, so that an invoice
// updated, deleted or voided through either store keeps the orders it was
// made from right (invstore.OrderLinks), and verify checks orders and
// their events (sqlstore.Store.Extend).
func New(s *invstore.Store) *Store {
	o := &Store{Store: s}
	s.LinkOrders(o)
	s.Extend("orders", nil, o.verifyOrders)
	return o
}

var _ invstore.OrderLinks = (*Store)(nil)

// In is the store bound to a unit of work: its methods, and the invoicing
// store's, run in tx and neither commit nor retry it.
func (s *Store) In(tx *sqlstore.Tx) *Store { return &Store{Store: s.Store.In(tx)} }

// write runs fn as one unit of work (sqlstore.Store.Write), translating
// errors.
func (s *Store) write(ctx context.Context, fn func(tx *sqlstore.Tx) error) error {
	return sqlstore.Translate(s.Write(ctx, fn))
}

// inv is the invoicing store bound to tx, for its methods (which take a
// context) inside a unit of work of orders.
func (s *Store) inv(tx *sqlstore.Tx) *invstore.Store { return s.Store.In(tx) }

// OrderSettings returns the entity's order settings, or the defaults.
func (s *Store) OrderSettings(ctx context.Context, entityID int64) (*orders.Settings, error) {
	return s.orderSettings(s.Query(ctx), entityID)
}

func (s *Store) orderSettings(tx *sqlstore.Tx, entityID int64) (*orders.Settings, error) {
	var r struct {
		Currencies            string
		InvoiceMode           string
		IntegrationMayInvoice bool
		UpdatedAt             time.Time
	}
	err := tx.DB().Raw(`SELECT currencies, invoice_mode, integration_may_invoice, updated_at FROM order_settings WHERE entity_id = ?`,
		entityID).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return orders.DefaultSettings(), nil
	}
	if err != nil {
		return nil, sqlstore.Translate(err)
	}
	t := r.UpdatedAt.UTC()
	return &orders.Settings{Currencies: orders.SplitCurrencies(r.Currencies), InvoiceMode: r.InvoiceMode,
		IntegrationMayInvoice: r.IntegrationMayInvoice, UpdatedAt: &t}, nil
}

// UpdateOrderSettings changes the settings given and records the change.
func (s *Store) UpdateOrderSettings(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, in *orders.SettingsInput) (*orders.Settings, error) {
	var out *orders.Settings
	err := s.write(ctx, func(tx *sqlstore.Tx) error {
		set, err := s.orderSettings(tx, ent.ID)
		if err != nil {
			return err
		}
		if err := in.Apply(set); err != nil {
			return err
		}
		t := tx.Now
		set.UpdatedAt = &t
		err = tx.DB().Exec(`INSERT INTO order_settings (entity_id, currencies, invoice_mode, integration_may_invoice, updated_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (entity_id) DO UPDATE SET currencies = excluded.currencies,
			invoice_mode = excluded.invoice_mode, integration_may_invoice = excluded.integration_may_invoice, updated_at = excluded.updated_at`,
			ent.ID, set.Join(), set.InvoiceMode, set.IntegrationMayInvoice, t).Error
		if err != nil {
			return err
		}
		out = set
		return tx.Audit(ent.ID, &p.ActorID, "order_settings.updated", "order settings", in)
	})
	return out, err
}

const orderColumns = `o.id, o.entity_id, o.external_id, o.customer_id, c.external_ref AS customer_ref, o.order_date, o.currency,
	o.status, o.notes, o.net_minor, o.tax_minor, o.total_minor, o.payload, o.invoice_id, o.created_by, o.created_at, o.updated_at`

const orderFrom = ` FROM orders o JOIN customers c ON c.entity_id = o.entity_id AND c.id = o.customer_id`

type orderRow struct {
	ID          int64
	EntityID    int64
	ExternalID  string
	CustomerID  int64
	CustomerRef string
	OrderDate   ledger.Date
	Currency    string
	Status      string
	Notes       string
	NetMinor    int64
	TaxMinor    int64
	TotalMinor  int64
	Payload     string
	InvoiceID   *int64
	CreatedBy   int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (r *orderRow) order() *orders.Order {
	return &orders.Order{ID: r.ID, EntityID: r.EntityID, ExternalID: r.ExternalID, CustomerID: r.CustomerID,
		CustomerRef: r.CustomerRef, OrderDate: r.OrderDate, Currency: r.Currency, Status: orders.Status(r.Status),
		Notes: r.Notes, NetMinor: r.NetMinor, TaxMinor: r.TaxMinor, TotalMinor: r.TotalMinor, Payload: r.Payload,
		InvoiceID: r.InvoiceID, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

type lineRow struct {
	OrderID         int64
	LineNo          int
	SKU             string `gorm:"column:sku"`
	Description     string
	Quantity        string
	Unit            string
	UnitPrice       string
	DiscountPercent string
	TaxCode         string
	NetMinor        int64
}

type changeRow struct {
	OrderID    int64
	Seq        int
	FromStatus *string
	ToStatus   string
	Reason     string
	InvoiceID  *int64
	ChangedBy  int64
	ChangedAt  time.Time
}

// query loads orders with their lines and history.
func (s *Store) query(tx *sqlstore.Tx, entityID int64, where string, args ...any) ([]*orders.Order, error) {
	var rows []orderRow
	err := tx.DB().Raw(`SELECT `+orderColumns+orderFrom+` WHERE o.entity_id = ? `+where, append([]any{entityID}, args...)...).Scan(&rows).Error
	if err != nil {
		return nil, sqlstore.Translate(err)
	}
	out := make([]*orders.Order, len(rows))
	byID := make(map[int64]*orders.Order, len(rows))
	ids := make([]int64, len(rows))
	for i := range rows {
		out[i] = rows[i].order()
		out[i].Lines, out[i].History = []orders.Line{}, []orders.StatusChange{}
		byID[rows[i].ID], ids[i] = out[i], rows[i].ID
	}
	if len(ids) == 0 {
		return out, nil
	}
	var lines []lineRow
	err = tx.DB().Raw(`SELECT order_id, line_no, sku, description, quantity, unit, unit_price, discount_percent, tax_code, net_minor
		FROM order_lines WHERE entity_id = ? AND order_id IN ? ORDER BY order_id, line_no`, entityID, ids).Scan(&lines).Error
	if err != nil {
		return nil, sqlstore.Translate(err)
	}
	for _, l := range lines {
		o := byID[l.OrderID]
		o.Lines = append(o.Lines, orders.Line{LineNo: l.LineNo, SKU: l.SKU, Description: l.Description, Quantity: dec(l.Quantity),
			Unit: l.Unit, UnitPrice: dec(l.UnitPrice), DiscountPercent: dec(l.DiscountPercent), TaxCode: l.TaxCode, NetMinor: l.NetMinor})
	}
	var changes []changeRow
	err = tx.DB().Raw(`SELECT order_id, seq, from_status, to_status, reason, invoice_id, changed_by, changed_at
		FROM order_status_changes WHERE entity_id = ? AND order_id IN ? ORDER BY order_id, seq`, entityID, ids).Scan(&changes).Error
	if err != nil {
		return nil, sqlstore.Translate(err)
	}
	for _, c := range changes {
		o := byID[c.OrderID]
		ch := orders.StatusChange{Seq: c.Seq, To: orders.Status(c.ToStatus), Reason: c.Reason, InvoiceID: c.InvoiceID,
			ChangedBy: c.ChangedBy, ChangedAt: c.ChangedAt.UTC()}
		if c.FromStatus != nil {
			f := orders.Status(*c.FromStatus)
			ch.From = &f
		}
		o.History = append(o.History, ch)
	}
	return out, nil
}

func dec(s string) decimal.Decimal {
	d, _ := decimal.NewFromString(s) // written from a decimal by this package
	return d
}

func (s *Store) one(tx *sqlstore.Tx, entityID int64, where string, args ...any) (*orders.Order, error) {
	list, err := s.query(tx, entityID, where, args...)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, nil
	}
	return list[0], nil
}

// Order returns an order with its lines, history and invoice.
func (s *Store) Order(ctx context.Context, entityID, id int64) (*orders.Order, *invoicing.Invoice, error) {
	tx := s.Query(ctx)
	o, err := s.one(tx, entityID, `AND o.id = ?`, id)
	if err != nil {
		return nil, nil, err
	}
	if o == nil {
		return nil, nil, ledger.NotFound("order")
	}
	inv, err := s.invoiceOf(tx, o)
	return o, inv, err
}

func (s *Store) invoiceOf(tx *sqlstore.Tx, o *orders.Order) (*invoicing.Invoice, error) {
	if o.InvoiceID == nil {
		return nil, nil
	}
	return s.inv(tx).Invoice(tx.Context(), o.EntityID, *o.InvoiceID)
}

// Orders lists orders by id after a cursor, at most Limit+1, with the
// invoices made from them by id.
func (s *Store) Orders(ctx context.Context, entityID int64, f orders.Filter) ([]*orders.Order, map[int64]*invoicing.Invoice, error) {
	where := `AND o.id > ?`
	args := []any{f.After}
	if f.Status != "" {
		where += ` AND o.status = ?`
		args = append(args, string(f.Status))
	}
	if f.CustomerID != 0 {
		where += ` AND o.customer_id = ?`
		args = append(args, f.CustomerID)
	}
	if f.ExternalID != "" {
		where += ` AND o.external_id = ?`
		args = append(args, f.ExternalID)
	}
	if f.From != nil {
		where += ` AND o.order_date >= ?`
		args = append(args, *f.From)
	}
	if f.To != nil {
		where += ` AND o.order_date <= ?`
		args = append(args, *f.To)
	}
	where += ` ORDER BY o.id LIMIT ?`
	args = append(args, f.Limit+1)
	tx := s.Query(ctx)
	list, err := s.query(tx, entityID, where, args...)
	if err != nil {
		return nil, nil, err
	}
	invs := map[int64]*invoicing.Invoice{}
	for _, o := range list {
		if o.InvoiceID == nil || invs[*o.InvoiceID] != nil {
			continue
		}
		inv, err := s.invoiceOf(tx, o)
		if err != nil {
			return nil, nil, err
		}
		invs[inv.ID] = inv
	}
	return list, invs, nil
}

// PushOrder stores a new order, or recognises a resend of a stored one.
func (s *Store) PushOrder(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, in *orders.Input) (*orders.Order, bool, error) {
	currency := strings.TrimSpace(in.Currency)
	if currency == "" {
		currency = ent.Currency
	}
	ext := strings.TrimSpace(in.ExternalID)
	// A resend (the common retry) is answered with one read.
	if ext != "" {
		prev, err := s.one(s.Query(ctx), ent.ID, `AND o.external_id = ?`, ext)
		if err != nil {
			return nil, false, err
		}
		if prev != nil {
			return prev, false, sameOrder(prev, in, currency)
		}
	}
	// Check everything before the unit of work begins.
	lk := &orders.Lookup{Entity: ent}
	var err error
	if lk.Settings, err = s.OrderSettings(ctx, ent.ID); err != nil {
		return nil, false, err
	}
	if lk.Invoice, err = s.Lookup(ctx, ent); err != nil {
		return nil, false, err
	}
	if in.Customer != nil && strings.TrimSpace(in.Customer.ExternalRef) != "" {
		if lk.Customer, err = s.CustomerByRef(ctx, ent.ID, strings.TrimSpace(in.Customer.ExternalRef)); err != nil {
			return nil, false, err
		}
	}
	checked, newCustomer, err := in.Check(lk)
	if err != nil {
		return nil, false, err
	}
	var out *orders.Order
	var created bool
	err = s.write(ctx, func(tx *sqlstore.Tx) error {
		// A retried unit of work starts again from the checked order.
		out, created = nil, false
		o := *checked
		if newCustomer != nil {
			c, err := s.inv(tx).FindOrCreateCustomer(tx.Context(), p, ent, newCustomer)
			if err != nil {
				return prefixed(err, "customer")
			}
			o.CustomerID = c.ID
		}
		t := tx.Now
		o.CreatedBy, o.CreatedAt, o.UpdatedAt = p.ActorID, t, t
		// A concurrent push of the same external id: the insert does
		// nothing (PostgreSQL waits for the other transaction to end), and
		// the stored order is compared instead.
		var ids []int64
		err := tx.DB().Raw(`INSERT INTO orders (entity_id, external_id, customer_id, order_date, currency, status, notes,
			net_minor, tax_minor, total_minor, payload, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, 'received', ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (entity_id, external_id) DO NOTHING RETURNING id`,
			ent.ID, o.ExternalID, o.CustomerID, o.OrderDate, o.Currency, o.Notes, o.NetMinor, o.TaxMinor, o.TotalMinor,
			o.Payload, o.CreatedBy, t, t).Scan(&ids).Error
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			prev, err := s.one(tx, ent.ID, `AND o.external_id = ?`, o.ExternalID)
			if err != nil {
				return err
			}
			if prev == nil {
				return ledger.Internal(errors.New("order conflict without a row"))
			}
			out = prev
			return sameOrder(prev, in, currency)
		}
		o.ID, created = ids[0], true
		// One statement for all lines (at most 500 x 11 parameters, well
		// under both databases' limits).
		values := make([]string, len(o.Lines))
		args := make([]any, 0, 11*len(o.Lines))
		for i, l := range o.Lines {
			values[i] = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
			args = append(args, ent.ID, o.ID, l.LineNo, l.SKU, l.Description, l.Quantity.String(), l.Unit, l.UnitPrice.String(),
				l.DiscountPercent.String(), l.TaxCode, l.NetMinor)
		}
		err = tx.DB().Exec(`INSERT INTO order_lines (entity_id, order_id, line_no, sku, description, quantity, unit,
			unit_price, discount_percent, tax_code, net_minor) VALUES `+strings.Join(values, ", "), args...).Error
		if err != nil {
			return err
		}
		ch, err := s.recordChange(tx, p, &o, nil, orders.Received, "", nil, t)
		if err != nil {
			return err
		}
		o.History = []orders.StatusChange{ch}
		out = &o
		return tx.Emit(ent.ID, &p.ActorID, webhooks.OrderReceived, o.View(nil))
	})
	if err != nil {
		return nil, false, err
	}
	return out, created, nil
}

// sameOrder is nil when in is the stored order sent again, and otherwise
// the conflict naming every field that differs.
func sameOrder(prev *orders.Order, in *orders.Input, currency string) error {
	sent := in.Normalize(currency)
	if sent == prev.Payload {
		return nil
	}
	diff := orders.Diff(prev.Payload, sent)
	if len(diff) == 0 {
		return nil // the same order, with more or fewer customer details
	}
	return &ledger.Error{Code: ledger.CodeConflict, Reason: ledger.ReasonOrderExternalIDConflict,
		Message: fmt.Sprintf("order %q was already received with other content; send it exactly as before, or under a new external_id", prev.ExternalID),
		Fields:  diff}
}

// prefixed moves the field paths of a customer error under the order's
// "customer" object.
func prefixed(err error, prefix string) error {
	var le *ledger.Error
	if !errors.As(err, &le) || len(le.Fields) == 0 {
		return err
	}
	out := *le
	out.Fields = make([]ledger.FieldError, len(le.Fields))
	for i, f := range le.Fields {
		f.Path = prefix + "." + f.Path
		out.Fields[i] = f
	}
	return &out
}

// recordChange writes one step of an order's history.
func (s *Store) recordChange(tx *sqlstore.Tx, p *ledger.Principal, o *orders.Order, from *orders.Status, to orders.Status,
	reason string, invoiceID *int64, t time.Time) (orders.StatusChange, error) {
	ch := orders.StatusChange{Seq: len(o.History) + 1, From: from, To: to, Reason: reason, InvoiceID: invoiceID, ChangedBy: p.ActorID, ChangedAt: t}
	var fromText *string
	if from != nil {
		f := string(*from)
		fromText = &f
	}
	err := tx.DB().Exec(`INSERT INTO order_status_changes (entity_id, order_id, seq, from_status, to_status, reason, invoice_id,
		changed_by, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		o.EntityID, o.ID, ch.Seq, fromText, string(to), reason, invoiceID, p.ActorID, t).Error
	return ch, err
}
