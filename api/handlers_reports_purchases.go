package api

import (
	"context"

	"github.com/gin-gonic/gin"

	"backoffice/invoicing/statements"
	"backoffice/ledger"
	"backoffice/ledger/reports"
)

// The payables reports: aged payables, supplier statements, the open
// purchase invoices and the purchase journal (built by invoicing/statements
// from purchases' records, on the receivables' machinery).

// agedPayables: GET /reports/aged-payables?as_of=&detail=
func (s *Server) agedPayables(c *gin.Context) {
	ent := entity(c)
	format, lang, err := reportQuery(c, ent)
	if err != nil {
		s.fail(c, err)
		return
	}
	asOf, err := asOfParam(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	detail, err := flagParam(c, "detail")
	if err != nil {
		s.fail(c, err)
		return
	}
	r, err := statements.AgedPayablesReport(c.Request.Context(), s.purchases, ent, asOf)
	if err != nil {
		s.fail(c, err)
		return
	}
	r.Detail = detail
	s.writeReport(c, format, "aged-payables-"+asOf.String(), r, func() (*reports.Table, error) { return pdfRowCap(r.Table(lang), format, maxPDFRows) })
}

// supplierStatement: GET /suppliers/:supplier/statement?from=&to=&currency=
// what the entity owes the supplier, in the supplier's language unless
// ?lang= says otherwise.
func (s *Server) supplierStatement(c *gin.Context) {
	s.partyStatement(c, "supplier", "supplier-statement", func(ctx context.Context, ent *ledger.Entity, id int64, from, to ledger.Date, currency, lang string) (*statements.Statement, error) {
		return statements.SupplierStatementReport(ctx, s.purchases, ent, id, from, to, currency, lang)
	})
}

// openPurchaseInvoices: GET /reports/open-purchase-invoices?as_of=
func (s *Server) openPurchaseInvoices(c *gin.Context) {
	ent := entity(c)
	format, lang, err := reportQuery(c, ent)
	if err != nil {
		s.fail(c, err)
		return
	}
	asOf, err := asOfParam(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	r, err := statements.OpenPurchaseInvoicesReport(c.Request.Context(), s.purchases, ent, asOf)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.writeReport(c, format, "open-purchase-invoices-"+asOf.String(), r, func() (*reports.Table, error) {
		return pdfRowCap(r.Table(lang), format, maxPDFRows)
	})
}

// purchaseJournal: GET /reports/purchase-journal?from=&to= (default: the
// month of whichever is given, or this month).
func (s *Server) purchaseJournal(c *gin.Context) {
	ent := entity(c)
	format, lang, err := reportQuery(c, ent)
	if err != nil {
		s.fail(c, err)
		return
	}
	from, to, err := periodParams(c, monthPeriod(ent))
	if err != nil {
		s.fail(c, err)
		return
	}
	r, err := statements.PurchaseJournalReport(c.Request.Context(), s.purchases, ent, from, to)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.writeReport(c, format, "purchase-journal-"+from.String()+"-"+to.String(), r, func() (*reports.Table, error) {
		return pdfRowCap(r.Table(lang), format, maxPDFRows)
	})
}

// monthPeriod: the calendar month of whichever date is given (to's when
// both are missing: today's); a given date stays as given.
func monthPeriod(ent *ledger.Entity) func(from, to ledger.Date) (ledger.Date, ledger.Date) {
	return func(from, to ledger.Date) (ledger.Date, ledger.Date) {
		last := func(d ledger.Date) ledger.Date {
			return ledger.NewDate(d.Year(), d.Month()+1, 1).AddDays(-1)
		}
		switch {
		case from.IsZero() && to.IsZero():
			to = ent.Today()
			from = to.FirstOfMonth()
		case from.IsZero():
			from = to.FirstOfMonth()
		case to.IsZero():
			to = last(from)
		}
		return from, to
	}
}
