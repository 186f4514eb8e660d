package api

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"backoffice/invoicing/vatreturn"
	"backoffice/ledger/reports"
)

// listVATReturns: GET /vat-returns, the filed returns and supplementary
// returns by id.
func (s *Server) listVATReturns(c *gin.Context) {
	limit, after, err := idPageParams(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	list, err := s.vatReturns.Returns(c.Request.Context(), entity(c), after, limit+1)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, idPage(list, limit, func(f *vatreturn.Filing) int64 { return f.ID }))
}

// getVATReturn: GET /vat-returns/:period as JSON, CSV or PDF in Dutch or
// English: computed while open, as filed (with the current difference)
// once filed.
func (s *Server) getVATReturn(c *gin.Context) {
	ent := entity(c)
	format, lang, err := reportQuery(c, ent)
	if err != nil {
		s.fail(c, err)
		return
	}
	r, err := s.vatReturns.Return(c.Request.Context(), ent, c.Param("period"))
	if err != nil {
		s.fail(c, err)
		return
	}
	if _, asked := c.GetQuery("lang"); asked {
		r.Localize(lang) // JSON labels in the language asked for; both by default
	}
	s.writeReport(c, format, "vat-return-"+r.Period, r, func() (*reports.Table, error) { return r.Table(lang), nil })
}

// fileVATReturn: POST /vat-returns/:period/file: 201 with the return as
// filed.
func (s *Server) fileVATReturn(c *gin.Context) { s.fileVAT(c, false) }

// fileSupplementaryVATReturn: POST /vat-returns/:period/supplementary:
// 201 with the supplementary return (the difference, per box).
func (s *Server) fileSupplementaryVATReturn(c *gin.Context) { s.fileVAT(c, true) }

func (s *Server) fileVAT(c *gin.Context, supplementary bool) {
	var in vatreturn.FileInput
	if err := decodeOptional(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	file := s.vatReturns.File
	if supplementary {
		file = s.vatReturns.Supplementary
	}
	r, err := file(c.Request.Context(), principal(c), entity(c), c.Param("period"), &in)
	if err != nil {
		s.fail(c, err)
		return
	}
	if !supplementary {
		c.Header("Location", fmt.Sprintf("/v1/entities/%d/vat-returns/%s", entity(c).ID, r.Period))
	}
	c.JSON(http.StatusCreated, r)
}

func (s *Server) listVATAdjustments(c *gin.Context) {
	limit, after, err := idPageParams(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	list, err := s.vatReturns.Adjustments(c.Request.Context(), entity(c), after, limit+1)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, idPage(list, limit, func(a *vatreturn.Adjustment) int64 { return a.ID }))
}

func (s *Server) createVATAdjustment(c *gin.Context) {
	var in vatreturn.AdjustmentInput
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	a, err := s.vatReturns.AddAdjustment(c.Request.Context(), principal(c), entity(c), &in)
	s.respond(c, http.StatusCreated, a, err)
}

func (s *Server) deleteVATAdjustment(c *gin.Context) {
	id, err := idParam(c, "id", "VAT adjustment")
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.vatReturns.DeleteAdjustment(c.Request.Context(), principal(c), entity(c), id); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
