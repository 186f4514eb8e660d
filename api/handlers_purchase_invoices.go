package api

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"backoffice/invoicing/purchases"
	"backoffice/ledger"
)

// Purchases: purchase tax codes, settings, purchase invoices and supplier
// credit notes (docs/purchases.md).

func (s *Server) listPurchaseTaxCodes(c *gin.Context) {
	list, err := s.purchases.TaxCodes(c.Request.Context(), entity(c).ID, c.Query("include_archived") == "true")
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, page[*purchases.TaxCode]{Data: list})
}

func (s *Server) createPurchaseTaxCode(c *gin.Context) {
	var in purchases.TaxCodeInput
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	t, err := s.purchases.CreateTaxCode(c.Request.Context(), principal(c), entity(c), &in)
	if err == nil {
		c.Header("Location", fmt.Sprintf("/v1/entities/%d/purchase-tax-codes/%s", t.EntityID, url.PathEscape(t.Code)))
	}
	s.respond(c, http.StatusCreated, t, err)
}

func (s *Server) getPurchaseTaxCode(c *gin.Context) {
	t, err := s.purchases.TaxCode(c.Request.Context(), entity(c).ID, c.Param("code"))
	s.respond(c, http.StatusOK, t, err)
}

func (s *Server) updatePurchaseTaxCode(c *gin.Context) {
	var in purchases.TaxCodeInput
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	t, err := s.purchases.UpdateTaxCode(c.Request.Context(), principal(c), entity(c), c.Param("code"), &in)
	s.respond(c, http.StatusOK, t, err)
}

func (s *Server) archivePurchaseTaxCode(c *gin.Context) {
	t, err := s.purchases.ArchiveTaxCode(c.Request.Context(), principal(c), entity(c), c.Param("code"))
	s.respond(c, http.StatusOK, t, err)
}

func (s *Server) getPurchaseSettings(c *gin.Context) {
	set, err := s.purchases.Settings(c.Request.Context(), entity(c).ID)
	s.respond(c, http.StatusOK, set, err)
}

func (s *Server) updatePurchaseSettings(c *gin.Context) {
	var in purchases.SettingsInput
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	set, err := s.purchases.UpdateSettings(c.Request.Context(), principal(c), entity(c), &in)
	s.respond(c, http.StatusOK, set, err)
}

// purchaseInvoice answers one purchase document as the API shows it.
func (s *Server) purchaseInvoice(c *gin.Context, status int, inv *purchases.Invoice, err error) {
	if err != nil {
		s.fail(c, err)
		return
	}
	ent := entity(c)
	c.JSON(status, inv.View(ent, ent.Today()))
}

func (s *Server) createPurchaseInvoice(c *gin.Context) {
	var in purchases.InvoiceInput
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	inv, err := s.purchases.CreatePurchaseInvoice(c.Request.Context(), principal(c), entity(c), &in)
	if err == nil {
		c.Header("Location", fmt.Sprintf("/v1/entities/%d/purchase-invoices/%d", inv.EntityID, inv.ID))
	}
	s.purchaseInvoice(c, http.StatusCreated, inv, err)
}

func (s *Server) listPurchaseInvoices(c *gin.Context) {
	limit, after, err := idPageParams(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	f := purchases.InvoiceFilter{Kind: c.Query("kind"), Status: c.Query("status"), SupplierNumber: c.Query("supplier_invoice_number"),
		After: after, Limit: limit}
	switch f.Kind {
	case "", purchases.KindInvoice, purchases.KindCreditNote:
	default:
		s.fail(c, invalidParam("kind", ledger.ReasonParameterInvalid, "kind %q is not invoice or credit_note", f.Kind))
		return
	}
	switch f.Status {
	case "", purchases.StatusDraft, purchases.StatusBooked, purchases.StatusReversed, "open":
	default:
		s.fail(c, invalidParam("status", ledger.ReasonParameterInvalid, "status %q is not one of draft, booked, open, reversed", f.Status))
		return
	}
	for _, q := range []struct {
		name string
		dst  *int64
	}{{"supplier_id", &f.SupplierID}, {"document_id", &f.DocumentID}} {
		if v := c.Query(q.name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				s.fail(c, invalidParam(q.name, ledger.ReasonParameterInvalid, "%s %q is not an id", q.name, v))
				return
			}
			*q.dst = n
		}
	}
	list, err := s.purchases.PurchaseInvoices(c.Request.Context(), entity(c).ID, f)
	if err != nil {
		s.fail(c, err)
		return
	}
	ent := entity(c)
	today := ent.Today()
	p := idPage(list, limit, func(x *purchases.Invoice) int64 { return x.ID })
	views := make([]*purchases.InvoiceView, len(p.Data))
	for i, inv := range p.Data {
		views[i] = inv.View(ent, today)
	}
	c.JSON(http.StatusOK, page[*purchases.InvoiceView]{Data: views, HasMore: p.HasMore, NextCursor: p.NextCursor})
}

func (s *Server) getPurchaseInvoice(c *gin.Context) {
	id, err := idParam(c, "id", "purchase invoice")
	if err != nil {
		s.fail(c, err)
		return
	}
	inv, err := s.purchases.PurchaseInvoice(c.Request.Context(), entity(c).ID, id)
	s.purchaseInvoice(c, http.StatusOK, inv, err)
}

func (s *Server) updatePurchaseInvoice(c *gin.Context) {
	id, err := idParam(c, "id", "purchase invoice")
	if err != nil {
		s.fail(c, err)
		return
	}
	var in purchases.InvoiceInput
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	inv, err := s.purchases.UpdatePurchaseInvoice(c.Request.Context(), principal(c), entity(c), id, &in)
	s.purchaseInvoice(c, http.StatusOK, inv, err)
}

func (s *Server) deletePurchaseInvoice(c *gin.Context) {
	id, err := idParam(c, "id", "purchase invoice")
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.purchases.DeletePurchaseInvoice(c.Request.Context(), principal(c), entity(c), id); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) bookPurchaseInvoice(c *gin.Context) {
	id, err := idParam(c, "id", "purchase invoice")
	if err != nil {
		s.fail(c, err)
		return
	}
	inv, err := s.purchases.BookPurchaseInvoice(c.Request.Context(), principal(c), entity(c), id)
	s.purchaseInvoice(c, http.StatusOK, inv, err)
}

func (s *Server) reversePurchaseInvoice(c *gin.Context) {
	id, err := idParam(c, "id", "purchase invoice")
	if err != nil {
		s.fail(c, err)
		return
	}
	var in struct {
		Date string `json:"date"`
	}
	if err := decodeOptional(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	var date ledger.Date
	if in.Date != "" {
		if date, err = ledger.ParseDate(in.Date); err != nil {
			s.fail(c, invalidParam("date", ledger.ReasonDateInvalid, "%v", err))
			return
		}
	}
	inv, err := s.purchases.ReversePurchaseInvoice(c.Request.Context(), principal(c), entity(c), id, date)
	s.purchaseInvoice(c, http.StatusOK, inv, err)
}

func (s *Server) deleteInboxDocument(c *gin.Context) {
	id, err := idParam(c, "document", "document")
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.purchases.DeleteDocument(c.Request.Context(), principal(c), entity(c), id); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
