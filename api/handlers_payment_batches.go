package api

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"backoffice/invoicing/purchases"
	"backoffice/ledger"
	"backoffice/ledger/quote"
)

// Payment proposals and payment batches (SEPA credit transfer files,
// docs/purchases.md "Payment proposals and SEPA files"). The firm's staff
// only.

func (s *Server) paymentProposal(c *gin.Context) {
	raw := c.Query("due_by")
	if raw == "" {
		s.fail(c, invalidParam("due_by", ledger.ReasonFieldRequired, "due_by is required (YYYY-MM-DD)"))
		return
	}
	dueBy, err := ledger.ParseDate(raw)
	if err != nil {
		s.fail(c, invalidParam("due_by", ledger.ReasonDateInvalid, "due_by %s is not a date (YYYY-MM-DD)", quote.Value(raw)))
		return
	}
	var supplier int64
	if v := c.Query("supplier_id"); v != "" {
		if supplier, err = strconv.ParseInt(v, 10, 64); err != nil || supplier <= 0 {
			s.fail(c, invalidParam("supplier_id", ledger.ReasonParameterInvalid, "supplier_id %q is not an id", v))
			return
		}
	}
	p, err := s.purchases.PaymentProposal(c.Request.Context(), entity(c).ID, dueBy, supplier)
	s.respond(c, http.StatusOK, p, err)
}

func (s *Server) createPaymentBatch(c *gin.Context) {
	var in purchases.BatchInput
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	b, err := s.purchases.CreatePaymentBatch(c.Request.Context(), principal(c), entity(c), &in)
	if err == nil {
		c.Header("Location", fmt.Sprintf("/v1/entities/%d/payment-batches/%d", b.EntityID, b.ID))
	}
	s.respond(c, http.StatusCreated, b, err)
}

func (s *Server) listPaymentBatches(c *gin.Context) {
	limit, after, err := idPageParams(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	f := purchases.BatchFilter{Status: c.Query("status"), After: after, Limit: limit}
	switch f.Status {
	case "", purchases.BatchOpen, purchases.BatchExported, purchases.BatchCancelled:
	default:
		s.fail(c, invalidParam("status", ledger.ReasonParameterInvalid, "status %q is not one of open, exported, cancelled", f.Status))
		return
	}
	list, err := s.purchases.PaymentBatches(c.Request.Context(), entity(c).ID, f)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, idPage(list, limit, func(b *purchases.Batch) int64 { return b.ID }))
}

func (s *Server) getPaymentBatch(c *gin.Context) {
	id, err := idParam(c, "id", "payment batch")
	if err != nil {
		s.fail(c, err)
		return
	}
	b, err := s.purchases.PaymentBatch(c.Request.Context(), entity(c).ID, id)
	s.respond(c, http.StatusOK, b, err)
}

func (s *Server) cancelPaymentBatch(c *gin.Context) {
	id, err := idParam(c, "id", "payment batch")
	if err != nil {
		s.fail(c, err)
		return
	}
	b, err := s.purchases.CancelPaymentBatch(c.Request.Context(), principal(c), entity(c), id)
	s.respond(c, http.StatusOK, b, err)
}

// exportPaymentBatch answers the batch's pain.001 file. It writes (the
// first export is recorded), so it runs in a unit of work although it is
// a GET: a browser's download link is a GET.
func (s *Server) exportPaymentBatch(c *gin.Context) {
	id, err := idParam(c, "id", "payment batch")
	if err != nil {
		s.fail(c, err)
		return
	}
	again := false
	switch v := c.Query("again"); v {
	case "", "false":
	case "true":
		again = true
	default:
		s.fail(c, invalidParam("again", ledger.ReasonParameterInvalid, "again %q is not true or false", v))
		return
	}
	b, file, err := s.purchases.ExportPaymentBatch(c.Request.Context(), principal(c), entity(c), id, c.Query("version"), again)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.xml"`, b.MessageID))
	c.Data(http.StatusOK, "application/xml", file)
}
