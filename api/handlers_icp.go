package api

import (
	"github.com/gin-gonic/gin"

	"backoffice/invoicing/statements"
	"backoffice/ledger/reports"
)

// icpListing: GET /reports/icp?period=2026-Q1|2026-03 (or ?from=&to= that
// span a whole month or quarter; default the calendar quarter of today):
// the ICP listing (opgaaf intracommunautaire prestaties).
func (s *Server) icpListing(c *gin.Context) {
	ent := entity(c)
	format, lang, err := reportQuery(c, ent)
	if err != nil {
		s.fail(c, err)
		return
	}
	var period statements.ICPPeriod
	_, hasFrom := c.GetQuery("from")
	_, hasTo := c.GetQuery("to")
	if v, ok := c.GetQuery("period"); ok {
		period, err = statements.ParseICPPeriod(v, "period")
	} else if hasFrom || hasTo {
		from, to, perr := periodParams(c, quarterPeriod(ent))
		if err = perr; err == nil {
			period, err = statements.ICPPeriodOf(from, to, "to")
		}
	} else {
		period = statements.ICPQuarterOf(ent.Today())
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	r, err := statements.ICP(c.Request.Context(), s.store, ent, period)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.writeReport(c, format, "icp-"+period.Name, r, func() (*reports.Table, error) { return pdfRowCap(r.Table(lang), format, maxPDFRows) })
}
