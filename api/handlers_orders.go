package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"backoffice/invoicing"
	"backoffice/invoicing/orders"
	"backoffice/ledger"
)

// Orders: integrations push orders and move them along; staff (and, where
// the settings allow it, integrations) turn fulfilled orders into invoices.

func (s *Server) getOrderSettings(c *gin.Context) {
	set, err := s.store.OrderSettings(c.Request.Context(), entity(c).ID)
	s.respond(c, http.StatusOK, set, err)
}

func (s *Server) updateOrderSettings(c *gin.Context) {
	var in orders.SettingsInput
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	set, err := s.store.UpdateOrderSettings(c.Request.Context(), principal(c), entity(c), &in)
	s.respond(c, http.StatusOK, set, err)
}

// pushOrder answers 201 for a new order and 200 for the same order sent
// again (it is then not stored twice).
func (s *Server) pushOrder(c *gin.Context) {
	var in orders.Input
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	o, created, err := s.store.PushOrder(c.Request.Context(), principal(c), entity(c), &in)
	if err != nil {
		s.fail(c, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		c.Header("Location", fmt.Sprintf("/v1/entities/%d/orders/%d", o.EntityID, o.ID))
	}
	inv, err := s.orderInvoice(c, o)
	s.respond(c, status, o.View(inv), err)
}

// orderInvoice loads the invoice made from an order, if any.
func (s *Server) orderInvoice(c *gin.Context, o *orders.Order) (*invoicing.Invoice, error) {
	if o.InvoiceID == nil {
		return nil, nil
	}
	return s.store.Invoice(c.Request.Context(), o.EntityID, *o.InvoiceID)
}

// batchResult is the answer for one order of a batch.
type batchResult struct {
	Index      int          `json:"index"`
	ExternalID string       `json:"external_id"`
	Result     string       `json:"result"` // created, existing or failed
	Order      *orders.View `json:"order,omitempty"`
	Error      *Problem     `json:"error,omitempty"`
}

type batchAnswer struct {
	Created  int           `json:"created"`
	Existing int           `json:"existing"`
	Failed   int           `json:"failed"`
	Results  []batchResult `json:"results"`
}

// pushOrders takes up to orders.MaxBatch orders and stores each on its own,
// all-or-nothing per order: one bad order does not hold back the others,
// and the answer says for each what happened. Resending a batch is safe:
// orders are idempotent by external id.
func (s *Server) pushOrders(c *gin.Context) {
	var in struct {
		Orders []json.RawMessage `json:"orders"`
	}
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	switch {
	case in.Orders == nil:
		s.fail(c, invalidParam("orders", ledger.ReasonFieldRequired, "orders is required: an array of up to %d orders", orders.MaxBatch))
		return
	case len(in.Orders) == 0:
		s.fail(c, invalidParam("orders", ledger.ReasonBatchEmpty, "orders is empty; send 1 to %d orders", orders.MaxBatch))
		return
	case len(in.Orders) > orders.MaxBatch:
		s.fail(c, invalidParam("orders", ledger.ReasonBatchTooLarge, "a batch holds at most %d orders, got %d; split it", orders.MaxBatch, len(in.Orders)))
		return
	}
	ctx, p, ent := c.Request.Context(), principal(c), entity(c)
	out := batchAnswer{Results: make([]batchResult, len(in.Orders))}
	for i, raw := range in.Orders {
		r := &out.Results[i]
		r.Index = i
		var o orders.Input
		var err error
		if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
			// Before decodeBytes, whose "(body)" would not say which order.
			var p ledger.Problems
			p.Add(fmt.Sprintf("orders[%d]", i), ledger.ReasonInvalidType, "the order is null; send an object")
			err = p.Err()
		} else {
			err = decodeBytes(raw, &o)
		}
		var stored *orders.Order
		created := false
		if err == nil {
			r.ExternalID = o.ExternalID
			stored, created, err = s.store.PushOrder(ctx, p, ent, &o)
		}
		var inv *invoicing.Invoice
		if err == nil {
			inv, err = s.orderInvoice(c, stored)
		}
		switch {
		case err != nil:
			pr := s.problemOf(c, err)
			r.Result, r.Error = "failed", &pr
			out.Failed++
		case created:
			r.Result, r.Order = "created", stored.View(inv)
			out.Created++
		default:
			r.Result, r.Order = "existing", stored.View(inv)
			out.Existing++
		}
	}
	c.JSON(http.StatusOK, out)
}

func (s *Server) getOrder(c *gin.Context) {
	id, err := idParam(c, "id", "order")
	if err != nil {
		s.fail(c, err)
		return
	}
	o, inv, err := s.store.Order(c.Request.Context(), entity(c).ID, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, o.View(inv))
}

func (s *Server) listOrders(c *gin.Context) {
	limit, after, err := idPageParams(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	f := orders.Filter{After: after, Limit: limit, ExternalID: c.Query("external_id")}
	if st := c.Query("status"); st != "" {
		if !slices.Contains(orders.Statuses, orders.Status(st)) {
			s.fail(c, invalidParam("status", ledger.ReasonStatusInvalid, "status %q is not one of received, accepted, fulfilled, invoiced, cancelled", st))
			return
		}
		f.Status = orders.Status(st)
	}
	if v := c.Query("customer_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			s.fail(c, invalidParam("customer_id", ledger.ReasonCustomerIDInvalid, "customer_id %q is not a customer id", v))
			return
		}
		f.CustomerID = id
	}
	for _, q := range []struct {
		name string
		dst  **ledger.Date
	}{{"from", &f.From}, {"to", &f.To}} {
		if v := c.Query(q.name); v != "" {
			d, err := ledger.ParseDate(v)
			if err != nil {
				s.fail(c, invalidParam(q.name, ledger.ReasonDateInvalid, "%s: %v", q.name, err))
				return
			}
			*q.dst = &d
		}
	}
	list, invs, err := s.store.Orders(c.Request.Context(), entity(c).ID, f)
	if err != nil {
		s.fail(c, err)
		return
	}
	views := make([]*orders.View, len(list))
	for i, o := range list {
		var inv *invoicing.Invoice
		if o.InvoiceID != nil {
			inv = invs[*o.InvoiceID]
		}
		views[i] = o.View(inv)
	}
	c.JSON(http.StatusOK, idPage(views, limit, func(v *orders.View) int64 { return v.ID }))
}

// The moves a caller may ask for; invoiced is reached by invoicing.
const (
	orderAccept  = orders.Accepted
	orderFulfill = orders.Fulfilled
	orderCancel  = orders.Cancelled
)

// moveOrder moves an order to a status; the body may give a reason.
func moveOrder(to orders.Status) handler {
	return func(s *Server, c *gin.Context) {
		id, err := idParam(c, "id", "order")
		if err != nil {
			s.fail(c, err)
			return
		}
		var in struct {
			Reason string `json:"reason"`
		}
		if err := decodeOptional(c, &in); err != nil {
			s.fail(c, err)
			return
		}
		o, inv, err := s.store.MoveOrder(c.Request.Context(), principal(c), entity(c), id, to, in.Reason)
		if err != nil {
			s.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, o.View(inv))
	}
}

// invoicedAnswer is the invoice made from orders, with the orders.
type invoicedAnswer struct {
	Invoice *invoicing.InvoiceView `json:"invoice"`
	Orders  []*orders.View         `json:"orders"`
}

func (s *Server) invoiceOrder(c *gin.Context) {
	id, err := idParam(c, "id", "order")
	if err != nil {
		s.fail(c, err)
		return
	}
	var in orders.InvoiceRequest
	if err := decodeOptional(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	if in.CustomerID != nil || in.Currency != nil {
		s.fail(c, invalidParam("customer_id", ledger.ReasonFieldNotAllowed, "this route invoices the order it names; to invoice all of a customer's orders, POST /orders/invoice"))
		return
	}
	s.invoiceOrders(c, id, &in)
}

func (s *Server) invoiceCustomerOrders(c *gin.Context) {
	var in orders.InvoiceRequest
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	s.invoiceOrders(c, 0, &in)
}

func (s *Server) invoiceOrders(c *gin.Context, orderID int64, in *orders.InvoiceRequest) {
	ent := entity(c)
	inv, list, err := s.store.InvoiceOrders(c.Request.Context(), principal(c), ent, orderID, in)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := invoicedAnswer{Invoice: inv.View(ent, ent.Today()), Orders: make([]*orders.View, len(list))}
	for i, o := range list {
		out.Orders[i] = o.View(inv)
	}
	c.Header("Location", fmt.Sprintf("/v1/entities/%d/invoices/%d", ent.ID, inv.ID))
	c.JSON(http.StatusCreated, out)
}
