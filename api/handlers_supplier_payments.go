package api

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"backoffice/invoicing/purchases"
	"backoffice/ledger"
)

// Paying suppliers: supplier payments and purchase allocations (see
// docs/purchases.md). The firm's staff only.

func (s *Server) recordSupplierPayment(c *gin.Context) {
	var in purchases.PaymentInput
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	pay, err := s.purchases.RecordSupplierPayment(c.Request.Context(), principal(c), entity(c), &in)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Location", fmt.Sprintf("/v1/entities/%d/supplier-payments/%d", pay.EntityID, pay.ID))
	c.JSON(http.StatusCreated, pay.View(entity(c)))
}

func (s *Server) listSupplierPayments(c *gin.Context) {
	limit, after, err := idPageParams(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	f := purchases.PaymentFilter{After: after, Limit: limit}
	if v := c.Query("supplier_id"); v != "" {
		if f.SupplierID, err = strconv.ParseInt(v, 10, 64); err != nil || f.SupplierID <= 0 {
			s.fail(c, invalidParam("supplier_id", ledger.ReasonParameterInvalid, "supplier_id is a supplier's id"))
			return
		}
	}
	ent := entity(c)
	list, err := s.purchases.SupplierPayments(c.Request.Context(), ent.ID, f)
	if err != nil {
		s.fail(c, err)
		return
	}
	views := make([]*purchases.PaymentView, len(list))
	for i, p := range list {
		views[i] = p.View(ent)
	}
	c.JSON(http.StatusOK, idPage(views, limit, func(v *purchases.PaymentView) int64 { return v.ID }))
}

func (s *Server) getSupplierPayment(c *gin.Context) {
	id, err := idParam(c, "id", "supplier payment")
	if err != nil {
		s.fail(c, err)
		return
	}
	pay, err := s.purchases.SupplierPayment(c.Request.Context(), entity(c).ID, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, pay.View(entity(c)))
}

func (s *Server) removeSupplierPayment(c *gin.Context) {
	id, err := idParam(c, "id", "supplier payment")
	if err != nil {
		s.fail(c, err)
		return
	}
	pay, err := s.purchases.RemoveSupplierPayment(c.Request.Context(), principal(c), entity(c), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, pay.View(entity(c)))
}

// allocatePurchase allocates a supplier payment's unallocated rest, or a
// supplier credit note's open credit, to purchase documents.
func allocatePurchase(fromCreditNote bool) handler {
	return func(s *Server, c *gin.Context) {
		id, err := idParam(c, "id", map[bool]string{true: "purchase invoice", false: "supplier payment"}[fromCreditNote])
		if err != nil {
			s.fail(c, err)
			return
		}
		var in struct {
			Allocations []purchases.AllocationInput `json:"allocations"`
		}
		if err := decode(c, &in); err != nil {
			s.fail(c, err)
			return
		}
		var list []*purchases.Allocation
		if fromCreditNote {
			list, err = s.purchases.AllocatePurchaseCreditNote(c.Request.Context(), principal(c), entity(c), id, in.Allocations)
		} else {
			list, err = s.purchases.AllocateSupplierPayment(c.Request.Context(), principal(c), entity(c), id, in.Allocations)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		c.JSON(http.StatusCreated, page[*purchases.AllocationView]{Data: purchaseAllocationViews(list, entity(c))})
	}
}

func purchaseAllocationViews(list []*purchases.Allocation, ent *ledger.Entity) []*purchases.AllocationView {
	out := make([]*purchases.AllocationView, len(list))
	for i, a := range list {
		out[i] = a.View(ent)
	}
	return out
}

func (s *Server) removePurchaseAllocation(c *gin.Context) {
	id, err := idParam(c, "id", "purchase allocation")
	if err != nil {
		s.fail(c, err)
		return
	}
	a, err := s.purchases.RemovePurchaseAllocation(c.Request.Context(), principal(c), entity(c), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, a.View(entity(c)))
}

func (s *Server) purchaseInvoiceAllocations(c *gin.Context) {
	id, err := idParam(c, "id", "purchase invoice")
	if err != nil {
		s.fail(c, err)
		return
	}
	list, err := s.purchases.PurchaseAllocations(c.Request.Context(), entity(c).ID, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, page[*purchases.AllocationView]{Data: purchaseAllocationViews(list, entity(c))})
}
