package api

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"backoffice/api/cursor"
	"backoffice/ledger"
	"backoffice/ledger/money"
	"backoffice/ledger/reports"
)

// The ledger's reports (trial balance, balance sheet, income statement,
// general ledger, journal) and the year-end close. The reports are built by
// ledger/reports; these handlers read the parameters and choose the output.

// Page sizes of the two reports that can be huge. JSON pages through them;
// CSV streams the whole period in constant memory.
const (
	ledgerPageLines     = 1000   // default lines per general ledger page
	ledgerPageMaxLines  = 10_000 // most lines per general ledger page
	journalPageEntries  = 100    // default entries per journal page
	journalPageMaxItems = 1000   // most entries per journal page
	// maxPDFRows bounds the general ledger and journal as PDF: past it a
	// PDF runs to hundreds of pages, which nobody reads and which the PDF
	// library would hold in memory whole. CSV has no limit.
	maxPDFRows = 10_000
)

// flagParam reads ?name=true|false (default false).
func flagParam(c *gin.Context, name string) (bool, error) {
	switch v := c.Query(name); v {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	default:
		return false, invalidParam(name, ledger.ReasonBoolInvalid, "%s must be true or false, not %q", name, v)
	}
}

// ledgerPeriod reads a period ?from=&to= (names given). to defaults to
// defTo; from to the first day of to's fiscal year. Bad dates are a 422 at
// each bad one; a period whose end is before its start is a 422 at the
// end's name.
func ledgerPeriod(c *gin.Context, ent *ledger.Entity, fromName, toName string, defTo ledger.Date) (reports.Period, error) {
	var p ledger.Problems
	from, err := dateParam(c, fromName)
	if err != nil {
		p = append(p, ledger.As(err).Fields...)
	}
	to, err := dateParam(c, toName)
	if err != nil {
		p = append(p, ledger.As(err).Fields...)
	}
	if err := p.Err(); err != nil {
		return reports.Period{}, err
	}
	if to.IsZero() {
		to = defTo
	}
	if from.IsZero() {
		from = reports.FiscalYearStart(ent, to)
	}
	if to.Before(from) {
		return reports.Period{}, invalidParam(toName, ledger.ReasonPeriodInvalid, "%s (%s) is before %s (%s)", toName, to, fromName, from)
	}
	return reports.Period{From: from, To: to}, nil
}

func (s *Server) trialBalance(c *gin.Context) {
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
	includeZero, err := flagParam(c, "include_zero")
	if err != nil {
		s.fail(c, err)
		return
	}
	tb, err := reports.BuildTrialBalance(c.Request.Context(), s.store, ent, asOf, includeZero)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.writeReport(c, format, "trial-balance-"+asOf.String(), tb, func() (*reports.Table, error) { return tb.Table(lang), nil })
}

func (s *Server) balanceSheet(c *gin.Context) {
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
	compareTo, err := dateParam(c, "compare_to")
	if err != nil {
		s.fail(c, err)
		return
	}
	includeZero, err := flagParam(c, "include_zero")
	if err != nil {
		s.fail(c, err)
		return
	}
	bs, err := reports.BuildBalanceSheet(c.Request.Context(), s.store, ent, asOf, compareTo, includeZero)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.writeReport(c, format, "balance-sheet-"+asOf.String(), bs, func() (*reports.Table, error) { return bs.Table(lang), nil })
}

func (s *Server) incomeStatement(c *gin.Context) {
	ent := entity(c)
	format, lang, err := reportQuery(c, ent)
	if err != nil {
		s.fail(c, err)
		return
	}
	period, err := ledgerPeriod(c, ent, "from", "to", ent.Today())
	if err != nil {
		s.fail(c, err)
		return
	}
	var compare reports.Period
	// An empty value is no value: a comparison needs both dates.
	hasFrom, hasTo := c.Query("compare_from") != "", c.Query("compare_to") != ""
	switch {
	case hasFrom && !hasTo:
		err = invalidParam("compare_to", ledger.ReasonFieldRequired, "compare_to is required with compare_from")
	case hasTo && !hasFrom:
		err = invalidParam("compare_from", ledger.ReasonFieldRequired, "compare_from is required with compare_to")
	case hasFrom:
		compare, err = ledgerPeriod(c, ent, "compare_from", "compare_to", ledger.Date{})
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	includeZero, err := flagParam(c, "include_zero")
	if err != nil {
		s.fail(c, err)
		return
	}
	is, err := reports.BuildIncomeStatement(c.Request.Context(), s.store, ent, period, compare, includeZero)
	if err != nil {
		s.fail(c, err)
		return
	}
	name := fmt.Sprintf("income-statement-%s-%s", period.From, period.To)
	s.writeReport(c, format, name, is, func() (*reports.Table, error) { return is.Table(lang), nil })
}

// generalLedger answers the general ledger of one account (?account=) or
// all over a period. JSON pages by lines (?limit=, ?cursor=); CSV streams
// the whole period; PDF takes up to maxPDFRows rows.
func (s *Server) generalLedger(c *gin.Context) {
	ent := entity(c)
	ctx := c.Request.Context()
	format, lang, err := reportQuery(c, ent)
	if err != nil {
		s.fail(c, err)
		return
	}
	period, err := ledgerPeriod(c, ent, "from", "to", ent.Today())
	if err != nil {
		s.fail(c, err)
		return
	}
	var account *ledger.Account
	if code, ok := c.GetQuery("account"); ok {
		account, err = s.store.Account(ctx, ent.ID, code)
		if ledger.IsCode(err, ledger.CodeNotFound) {
			err = invalidParam("account", ledger.ReasonAccountNotFound, "account %q does not exist in this entity", code)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
	}
	gl := reports.NewGeneralLedger(ctx, s.store, ent, period.From, period.To, account)
	name := fmt.Sprintf("general-ledger-%s-%s", period.From, period.To)
	if account != nil {
		name = fmt.Sprintf("general-ledger-%s-%s-%s", account.Code, period.From, period.To)
	}
	if format != formatJSON {
		s.writeReport(c, format, name, nil, func() (*reports.Table, error) { return pdfLimited(gl.Table(lang), format, maxPDFRows), nil })
		return
	}
	limit, err := pageLimit(c, ledgerPageLines, ledgerPageMaxLines)
	if err != nil {
		s.fail(c, err)
		return
	}
	after, _, err := cursorParam(c, cursor.GeneralLedger)
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := gl.ReadPage(after, limit); err != nil {
		s.fail(c, err)
		return
	}
	if gl.NextCursor != nil {
		next := cursor.Encode(*gl.NextCursor)
		gl.NextCursor = &next
	}
	s.writeReport(c, format, name, gl, nil)
}

// journal answers the entries of a period in number order. JSON pages by
// entries (?limit=, ?cursor=); CSV streams the whole period; PDF takes up
// to maxPDFRows rows.
func (s *Server) journal(c *gin.Context) {
	ent := entity(c)
	format, lang, err := reportQuery(c, ent)
	if err != nil {
		s.fail(c, err)
		return
	}
	period, err := ledgerPeriod(c, ent, "from", "to", ent.Today())
	if err != nil {
		s.fail(c, err)
		return
	}
	j := reports.NewJournal(c.Request.Context(), s.store, ent, period.From, period.To)
	name := fmt.Sprintf("journal-%s-%s", period.From, period.To)
	if format != formatJSON {
		s.writeReport(c, format, name, nil, func() (*reports.Table, error) { return pdfLimited(j.Table(lang), format, maxPDFRows), nil })
		return
	}
	limit, err := pageLimit(c, journalPageEntries, journalPageMaxItems)
	if err != nil {
		s.fail(c, err)
		return
	}
	after, _, err := cursorParam(c, cursor.Journal)
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := j.ReadPage(after, limit); err != nil {
		s.fail(c, err)
		return
	}
	if j.NextCursor != nil {
		next := cursor.Encode(*j.NextCursor)
		j.NextCursor = &next
	}
	s.writeReport(c, format, name, j, nil)
}

// pageLimit reads ?limit= (1..max, default def).
func pageLimit(c *gin.Context, def, max int) (int, error) {
	if c.Query("limit") == "" {
		return def, nil
	}
	return limitParam(c, max)
}

// pdfLimited stops a streamed table after max rows when it is to be a
// PDF, with a 422 that points at CSV.
func pdfLimited(t *reports.Table, format string, max int) *reports.Table {
	if format != formatPDF || t.Stream == nil {
		return t
	}
	inner := t.Stream
	t.Stream = func(yield func(reports.Row, error) bool) {
		n := 0
		for row, err := range inner {
			if n++; err == nil && n > max {
				yield(reports.Row{}, invalidParam("format", ledger.ReasonReportTooLarge,
					"the report has more than %d rows for this period, too many for a PDF: choose a shorter period or one account, or use format=csv", max))
				return
			}
			if !yield(row, err) {
				return
			}
		}
	}
	return t
}

// pdfRowCap refuses a table held in memory with more than max rows as a
// PDF (a statement of a very busy customer, aged receivables in detail),
// as pdfLimited does for streamed ones.
func pdfRowCap(t *reports.Table, format string, max int) (*reports.Table, error) {
	n := 0
	for _, sec := range t.Sections {
		n += len(sec.Rows)
	}
	if format == formatPDF && n > max {
		return nil, invalidParam("format", ledger.ReasonReportTooLarge,
			"the report has %d rows, more than the %d a PDF takes: choose a shorter period, or use format=csv", n, max)
	}
	return t, nil
}

func (s *Server) listFiscalYears(c *gin.Context) {
	out, err := reports.ListFiscalYears(c.Request.Context(), s.store, entity(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	// A short list, whole in one page, in the shape of every list.
	c.JSON(http.StatusOK, fiscalYearPage{FiscalYears: out})
}

// fiscalYearPage is the list of fiscal years in the shape of every list.
type fiscalYearPage struct {
	*reports.FiscalYears
	HasMore    bool    `json:"has_more"`
	NextCursor *string `json:"next_cursor"`
}

// closeView is the answer to a close.
type closeView struct {
	FiscalYear       int        `json:"fiscal_year"`
	Start            string     `json:"start"`
	End              string     `json:"end"`
	Status           string     `json:"status"`
	Result           string     `json:"result"`
	RetainedEarnings string     `json:"retained_earnings_account"`
	ClosingEntry     *entryView `json:"closing_entry"`
	LockDate         string     `json:"lock_date"`
	ClosedAt         time.Time  `json:"closed_at"`
	ClosedBy         int64      `json:"closed_by_key"`
}

// closeFiscalYear closes a fiscal year: the closing entry (none when there
// is nothing to close), the lock date at the year end, the record.
func (s *Server) closeFiscalYear(c *gin.Context) {
	ent := entity(c)
	ctx := c.Request.Context()
	y, err := strconv.Atoi(c.Param("year"))
	if err != nil || y < ledger.MinYear || y > ledger.MaxYear {
		s.fail(c, ledger.NotFound("fiscal year"))
		return
	}
	var in struct {
		RetainedEarnings string `json:"retained_earnings_account"`
		Date             string `json:"date"`
	}
	if err := decodeOptional(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	req := &ledger.CloseInput{FiscalYear: y, RetainedEarnings: strings.TrimSpace(in.RetainedEarnings)}
	if in.Date != "" {
		if req.Date, err = ledger.ParseDate(in.Date); err != nil {
			s.fail(c, invalidParam("date", ledger.ReasonDateInvalid, "%v", err))
			return
		}
	}
	defer s.forgetEntity(ent.ID) // the lock date moves (also when the tx may still roll back)
	closed, entry, err := s.store.CloseFiscalYear(ctx, principal(c), ent, req)
	if err != nil {
		s.fail(c, err)
		return
	}
	after, err := s.store.Entity(ctx, ent.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	start, end := reports.YearBounds(y, ent.FiscalYearStartMonth)
	exp := exponent(ent.Currency)
	v := closeView{FiscalYear: y, Start: start.String(), End: end.String(), Status: "closed",
		Result: money.Format(closed.ResultMinor, exp), RetainedEarnings: closed.RetainedEarnings,
		ClosedAt: closed.At, ClosedBy: principal(c).KeyID}
	if after.LockDate != nil {
		v.LockDate = after.LockDate.String()
	}
	if entry != nil {
		ev := viewEntry(entry)
		v.ClosingEntry = &ev
		c.Header("Location", fmt.Sprintf("/v1/entities/%d/entries/%d", ent.ID, entry.ID))
	}
	c.JSON(http.StatusCreated, v)
}
