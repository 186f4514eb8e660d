package orderstore

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"backoffice/invoicing"
	"backoffice/invoicing/orders"
	"backoffice/invoicing/webhooks"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
)

// statusConflict is the 409 for a move the life cycle forbids; it names
// the current status (also as the problem's current_status member).
func statusConflict(o *orders.Order, to orders.Status, why string) error {
	return &ledger.Error{Code: ledger.CodeConflict, Reason: ledger.ReasonOrderStatusConflict,
		Message: fmt.Sprintf("order %q is %s; %s", o.ExternalID, o.Status, why),
		Details: map[string]any{"current_status": string(o.Status), "requested_status": string(to)}}
}

// locked loads orders for update, in id order (the lock order).
func (s *Store) locked(tx *sqlstore.Tx, entityID int64, where string, args ...any) ([]*orders.Order, error) {
	var ids []int64
	err := tx.DB().Raw(`SELECT id FROM orders WHERE entity_id = ? `+where+` ORDER BY id`+tx.ForUpdate(),
		append([]any{entityID}, args...)...).Scan(&ids).Error
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	return s.query(tx, entityID, `AND o.id IN ? ORDER BY o.id`, ids)
}

// move changes the status of locked orders, records the change and tells
// the webhooks.
func (s *Store) move(tx *sqlstore.Tx, p *ledger.Principal, ent *ledger.Entity, list []*orders.Order, to orders.Status,
	reason string, invoiceID *int64) error {
	t := tx.Now
	for _, o := range list {
		from := o.Status
		res := tx.DB().Exec(`UPDATE orders SET status = ?, invoice_id = ?, updated_at = ? WHERE entity_id = ? AND id = ? AND status = ?`,
			string(to), invoiceID, t, ent.ID, o.ID, string(from))
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 { // cannot happen under the row lock; guard anyway
			return ledger.Errorf(ledger.CodeConflict, ledger.ReasonConcurrentChange, "order %q changed meanwhile; retry", o.ExternalID)
		}
		ch, err := s.recordChange(tx, p, o, &from, to, reason, invoiceID, t)
		if err != nil {
			return err
		}
		o.Status, o.InvoiceID, o.UpdatedAt, o.History = to, invoiceID, t, append(o.History, ch)
	}
	return nil
}

// emitMoves writes order.status_changed for each order: last in the
// unit of work, after anything else it locks.
func (s *Store) emitMoves(tx *sqlstore.Tx, p *ledger.Principal, ent *ledger.Entity, list []*orders.Order, inv *invoicing.Invoice) error {
	for _, o := range list {
		if err := tx.Emit(ent.ID, &p.ActorID, webhooks.OrderStatusChanged, o.View(inv)); err != nil {
			return err
		}
	}
	return nil
}

const maxReason = 500

// MoveOrder moves an order along its life cycle.
func (s *Store) MoveOrder(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64, to orders.Status, reason string) (*orders.Order, *invoicing.Invoice, error) {
	reason = strings.TrimSpace(reason)
	if len([]rune(reason)) > maxReason {
		return nil, nil, &ledger.Error{Code: ledger.CodeInvalid, Reason: ledger.ReasonFieldTooLong, Message: fmt.Sprintf("reason is longer than %d characters", maxReason),
			Fields: []ledger.FieldError{{Path: "reason", Reason: ledger.ReasonFieldTooLong, Message: "too long"}}}
	}
	var out *orders.Order
	var inv *invoicing.Invoice
	err := s.write(ctx, func(tx *sqlstore.Tx) error {
		list, err := s.locked(tx, ent.ID, `AND id = ?`, id)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return ledger.NotFound("order")
		}
		o := list[0]
		out = o
		if inv, err = s.invoiceOf(tx, o); err != nil {
			return err
		}
		switch {
		case o.Status == to:
			return nil // already there: a retried move changes nothing
		case !orders.CanMove(o.Status, to):
			return statusConflict(o, to, moveHint(o.Status, to))
		}
		if err := s.move(tx, p, ent, list, to, reason, nil); err != nil {
			return err
		}
		return s.emitMoves(tx, p, ent, list, inv)
	})
	if err != nil {
		return nil, nil, err
	}
	return out, inv, nil
}

// moveHint says what the life cycle allows instead.
func moveHint(from, to orders.Status) string {
	switch {
	case to == orders.Cancelled:
		return "only received or accepted orders can be cancelled"
	case from == orders.Invoiced || from == orders.Cancelled:
		return fmt.Sprintf("a %s order does not change any more", from)
	}
	var next []string
	for _, s := range orders.Statuses {
		if orders.CanMove(from, s) {
			next = append(next, string(s))
		}
	}
	return fmt.Sprintf("from %s it can move to %s only", from, strings.Join(next, " or "))
}

// InvoiceOrders makes one invoice of fulfilled orders.
func (s *Store) InvoiceOrders(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, orderID int64, in *orders.InvoiceRequest) (*invoicing.Invoice, []*orders.Order, error) {
	set, err := s.OrderSettings(ctx, ent.ID)
	if err != nil {
		return nil, nil, err
	}
	if p.Role == ledger.RoleIntegration && !set.IntegrationMayInvoice {
		return nil, nil, ledger.Errorf(ledger.CodeForbidden, ledger.ReasonIntegrationMayNotInvoice,
			"this entity's order settings let only its accountants invoice orders (integration_may_invoice is false)")
	}
	if orderID == 0 && in.CustomerID == nil {
		return nil, nil, &ledger.Error{Code: ledger.CodeInvalid, Reason: ledger.ReasonFieldRequired, Message: "customer_id is required: whose fulfilled orders to invoice",
			Fields: []ledger.FieldError{{Path: "customer_id", Reason: ledger.ReasonFieldRequired, Message: "customer_id is required"}}}
	}
	var inv *invoicing.Invoice
	var list []*orders.Order
	err = s.write(ctx, func(tx *sqlstore.Tx) error {
		inv, list = nil, nil
		var err error
		if orderID > 0 {
			if list, err = s.locked(tx, ent.ID, `AND id = ?`, orderID); err != nil {
				return err
			}
			if len(list) == 0 {
				return ledger.NotFound("order")
			}
			if o := list[0]; o.Status != orders.Fulfilled {
				return statusConflict(o, orders.Invoiced, "only fulfilled orders are invoiced")
			}
		} else {
			if _, err := s.inv(tx).Customer(tx.Context(), ent.ID, *in.CustomerID); err != nil {
				if ledger.IsCode(err, ledger.CodeNotFound) {
					return &ledger.Error{Code: ledger.CodeInvalid, Reason: ledger.ReasonCustomerNotFound, Message: fmt.Sprintf("customer %d does not exist in this entity", *in.CustomerID),
						Fields: []ledger.FieldError{{Path: "customer_id", Reason: ledger.ReasonCustomerNotFound, Message: "no such customer"}}}
				}
				return err
			}
			where, args := `AND customer_id = ? AND status = 'fulfilled'`, []any{*in.CustomerID}
			if in.Currency != nil {
				where += ` AND currency = ?`
				args = append(args, *in.Currency)
			}
			if list, err = s.locked(tx, ent.ID, where, args...); err != nil {
				return err
			}
			if len(list) == 0 {
				return ledger.Errorf(ledger.CodeConflict, ledger.ReasonNoOrdersToInvoice, "customer %d has no fulfilled orders waiting for an invoice", *in.CustomerID)
			}
			// One invoice holds at most MaxInvoiceLines lines: the oldest
			// orders that fit are invoiced now, the rest by the next request.
			lines := 0
			for i, o := range list {
				if lines += len(o.Lines); lines > invoicing.MaxInvoiceLines {
					list = list[:i]
					break
				}
			}
		}
		var currencies []string
		for _, o := range list {
			if !slices.Contains(currencies, o.Currency) {
				currencies = append(currencies, o.Currency)
			}
		}
		if len(currencies) > 1 {
			return &ledger.Error{Code: ledger.CodeInvalid, Reason: ledger.ReasonOrdersCurrencyMixed,
				Message: fmt.Sprintf("the fulfilled orders are in %s; an invoice is in one currency: send currency", strings.Join(currencies, ", ")),
				Fields:  []ledger.FieldError{{Path: "currency", Reason: ledger.ReasonOrdersCurrencyMixed, Message: "choose one of " + strings.Join(currencies, ", ")}}}
		}
		if inv, err = s.invoiceFrom(tx, p, ent, list, in); err != nil {
			return err
		}
		if err := s.move(tx, p, ent, list, orders.Invoiced, "", &inv.ID); err != nil {
			return err
		}
		// A 0 % intra-EU supply stays a draft: its customer's VAT number is
		// checked with VIES before it is issued, never inside this unit of
		// work (invoicing.IssueOptions.VIESChecked).
		if set.InvoiceMode == orders.ModeIssued && !inv.NeedsVIES() {
			if inv, err = s.inv(tx).IssueInvoice(tx.Context(), p, ent, inv.ID); err != nil {
				return err
			}
		}
		return s.emitMoves(tx, p, ent, list, inv)
	})
	if err != nil {
		return nil, nil, err
	}
	return inv, list, nil
}

// invoiceFrom creates the draft invoice of locked orders, its lines linked
// to the order lines they come from.
func (s *Store) invoiceFrom(tx *sqlstore.Tx, p *ledger.Principal, ent *ledger.Entity, list []*orders.Order, in *orders.InvoiceRequest) (*invoicing.Invoice, error) {
	type link struct {
		order int64
		line  int
	}
	var lines []invoicing.LineInput
	var links []link
	refs := make([]string, len(list))
	supply := list[0].OrderDate
	for i, o := range list {
		refs[i] = o.ExternalID
		if o.OrderDate.After(supply) {
			supply = o.OrderDate
		}
		for _, l := range o.Lines {
			desc := l.Description
			if len(list) > 1 {
				desc = o.ExternalID + ": " + desc // which order a line is from
			}
			lines = append(lines, invoicing.LineInput{Description: desc, Quantity: l.Quantity.String(), Unit: l.Unit,
				UnitPrice: l.UnitPrice.String(), DiscountPercent: l.DiscountPercent.String(), TaxCode: l.TaxCode})
			links = append(links, link{o.ID, l.LineNo})
		}
	}
	notes := "Order " + refs[0]
	if len(refs) > 1 {
		notes = "Orders " + strings.Join(refs, ", ")
	}
	if n := list[0].Notes; len(list) == 1 && n != "" {
		notes += "\n" + n
	}
	customer, currency, supplyText := list[0].CustomerID, list[0].Currency, supply.String()
	inv, err := s.inv(tx).CreateInvoice(tx.Context(), p, ent, &invoicing.InvoiceInput{CustomerID: &customer, Currency: &currency,
		ExchangeRate: in.ExchangeRate, IssueDate: in.IssueDate, SupplyDate: &supplyText, Notes: &notes, Lines: &lines})
	if err != nil {
		return nil, err
	}
	for i, l := range links {
		err := tx.DB().Exec(`UPDATE invoice_lines SET order_id = ?, order_line_no = ? WHERE entity_id = ? AND invoice_id = ? AND line_no = ?`,
			l.order, l.line, ent.ID, inv.ID, i+1).Error
		if err != nil {
			return nil, err
		}
	}
	return inv, nil
}

// release returns the orders of an invoice that is deleted or voided to
// fulfilled, so that they can be invoiced again.
func (s *Store) release(tx *sqlstore.Tx, p *ledger.Principal, ent *ledger.Entity, invoiceID int64, reason string) ([]*orders.Order, error) {
	list, err := s.locked(tx, ent.ID, `AND invoice_id = ?`, invoiceID)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	return list, s.move(tx, p, ent, list, orders.Fulfilled, reason, nil)
}

// CheckDraftChange refuses a change to a draft made from orders that
// would touch its lines, customer or currency (they link to the order
// lines, and the orders say they are invoiced by it); its dates, notes and
// exchange rate may change. To invoice the orders differently, delete the
// draft (the orders return to fulfilled). It locks the draft's orders: the
// invoicing store calls it first in its unit of work tx (invstore.OrderLinks).
func (s *Store) CheckDraftChange(tx *sqlstore.Tx, entityID, invoiceID int64, in *invoicing.InvoiceInput) error {
	list, err := s.locked(tx, entityID, `AND invoice_id = ?`, invoiceID)
	if err != nil || len(list) == 0 {
		return err
	}
	var fields []ledger.FieldError
	for _, f := range []struct {
		path string
		sent bool
	}{{"lines", in.Lines != nil}, {"customer_id", in.CustomerID != nil}, {"currency", in.Currency != nil}} {
		if f.sent {
			fields = append(fields, ledger.FieldError{Path: f.path, Reason: ledger.ReasonInvoiceFromOrders, Message: f.path + " comes from the orders"})
		}
	}
	if len(fields) == 0 {
		return nil
	}
	return &ledger.Error{Code: ledger.CodeConflict, Reason: ledger.ReasonInvoiceFromOrders, Fields: fields,
		Message: fmt.Sprintf("invoice %d was made from orders %s: its lines, customer and currency are theirs; delete the draft to invoice them again", invoiceID, externalIDs(list))}
}

func externalIDs(list []*orders.Order) string {
	ids := make([]string, len(list))
	for i, o := range list {
		ids[i] = o.ExternalID
	}
	return strings.Join(ids, ", ")
}

// ReleaseOrders returns the orders of an invoice that is being deleted or
// voided to fulfilled, in the unit of work tx, so that they can be
// invoiced again; emit writes their events (invstore.OrderLinks).
func (s *Store) ReleaseOrders(tx *sqlstore.Tx, p *ledger.Principal, ent *ledger.Entity, invoiceID int64, reason string) (func(*sqlstore.Tx) error, error) {
	list, err := s.release(tx, p, ent, invoiceID, reason)
	if err != nil {
		return nil, err
	}
	return func(tx *sqlstore.Tx) error { return s.emitMoves(tx, p, ent, list, nil) }, nil
}
