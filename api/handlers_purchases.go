package api

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"backoffice/invoicing/purchases"
)

// Purchases: suppliers. The handlers reach the purchases store through
// the Server (s.purchases), bound to the request's unit of work on writes.

func (s *Server) createSupplier(c *gin.Context) {
	var in purchases.SupplierInput
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	sup, err := s.purchases.CreateSupplier(c.Request.Context(), principal(c), entity(c), &in)
	if err == nil {
		c.Header("Location", fmt.Sprintf("/v1/entities/%d/suppliers/%d", sup.EntityID, sup.ID))
	}
	s.respond(c, http.StatusCreated, sup, err)
}

func (s *Server) listSuppliers(c *gin.Context) {
	limit, after, err := idPageParams(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	list, err := s.purchases.Suppliers(c.Request.Context(), entity(c).ID, purchases.SupplierFilter{
		Query:           c.Query("q"),
		VATNumber:       purchases.NormalizeVATNumber(c.Query("vat_number")),
		IBAN:            purchases.NormalizeIBANQuery(c.Query("iban")),
		IncludeArchived: c.Query("include_archived") == "true",
		After:           after, Limit: limit})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, idPage(list, limit, func(x *purchases.Supplier) int64 { return x.ID }))
}

func (s *Server) getSupplier(c *gin.Context) {
	id, err := idParam(c, "supplier", "supplier")
	if err != nil {
		s.fail(c, err)
		return
	}
	sup, err := s.purchases.Supplier(c.Request.Context(), entity(c).ID, id)
	s.respond(c, http.StatusOK, sup, err)
}

func (s *Server) updateSupplier(c *gin.Context) {
	id, err := idParam(c, "supplier", "supplier")
	if err != nil {
		s.fail(c, err)
		return
	}
	var in purchases.SupplierInput
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	sup, err := s.purchases.UpdateSupplier(c.Request.Context(), principal(c), entity(c), id, &in)
	s.respond(c, http.StatusOK, sup, err)
}

func (s *Server) archiveSupplier(c *gin.Context) {
	id, err := idParam(c, "supplier", "supplier")
	if err != nil {
		s.fail(c, err)
		return
	}
	sup, err := s.purchases.ArchiveSupplier(c.Request.Context(), principal(c), entity(c), id)
	s.respond(c, http.StatusOK, sup, err)
}
