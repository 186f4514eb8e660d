package api

import (
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"backoffice/api/cursor"
	"backoffice/ledger"
	"backoffice/ledger/money"
)

// Views: amounts leave the API as decimal strings with the currency's
// number of decimals.

type lineView struct {
	LineNo       int    `json:"line_no"`
	Account      string `json:"account"`
	AccountName  string `json:"account_name"`
	Debit        string `json:"debit"`
	Credit       string `json:"credit"`
	Currency     string `json:"currency"`
	Amount       string `json:"amount"`
	ExchangeRate string `json:"exchange_rate,omitempty"`
	Description  string `json:"description"`
}

type entryView struct {
	ID          int64      `json:"id"`
	Number      string     `json:"number"`
	FiscalYear  int        `json:"fiscal_year"`
	Date        string     `json:"date"`
	Description string     `json:"description"`
	Reference   string     `json:"reference"`
	Currency    string     `json:"currency"`
	Total       string     `json:"total"`
	Reverses    *int64     `json:"reverses"`
	ReversedBy  *int64     `json:"reversed_by"`
	CreatedAt   time.Time  `json:"created_at"`
	CreatedBy   int64      `json:"created_by_key"`
	Lines       []lineView `json:"lines"`
}

func exponent(currency string) int {
	e, _ := money.Exponent(currency)
	return e
}

func viewEntry(e *ledger.Entry) entryView {
	exp := exponent(e.Currency)
	v := entryView{ID: e.ID, Number: e.NumberText(), FiscalYear: e.FiscalYear, Date: e.Date.String(),
		Description: e.Description, Reference: e.Reference, Currency: e.Currency, Total: money.Format(e.TotalMinor, exp),
		Reverses: e.ReversesID, ReversedBy: e.ReversedBy, CreatedAt: e.CreatedAt, CreatedBy: e.CreatedBy,
		Lines: make([]lineView, len(e.Lines))}
	for i, l := range e.Lines {
		v.Lines[i] = lineView{LineNo: l.LineNo, Account: l.AccountCode, AccountName: l.AccountName,
			Debit: money.Format(l.DebitMinor, exp), Credit: money.Format(l.CreditMinor, exp),
			Currency: l.Currency, Amount: money.Format(l.AmountMinor, exponent(l.Currency)),
			ExchangeRate: l.ExchangeRate, Description: l.Description}
	}
	return v
}

func (s *Server) listAccounts(c *gin.Context) {
	list, err := s.store.Accounts(c.Request.Context(), entity(c).ID, c.Query("include_archived") == "true")
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, page[*ledger.Account]{Data: list})
}

func (s *Server) createAccount(c *gin.Context) {
	var in ledger.AccountInput
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	a, err := s.store.CreateAccount(c.Request.Context(), principal(c), entity(c).ID, &in)
	s.respond(c, http.StatusCreated, a, err)
}

func (s *Server) getAccount(c *gin.Context) {
	a, err := s.store.Account(c.Request.Context(), entity(c).ID, c.Param("code"))
	s.respond(c, http.StatusOK, a, err)
}

// renameAccount changes an account's name and its RGS mapping.
func (s *Server) renameAccount(c *gin.Context) {
	var in ledger.AccountPatch
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	a, err := s.store.UpdateAccount(c.Request.Context(), principal(c), entity(c).ID, c.Param("code"), &in)
	s.respond(c, http.StatusOK, a, err)
}

func (s *Server) archiveAccount(c *gin.Context) {
	a, err := s.store.ArchiveAccount(c.Request.Context(), principal(c), entity(c).ID, c.Param("code"))
	s.respond(c, http.StatusOK, a, err)
}

func (s *Server) unarchiveAccount(c *gin.Context) {
	a, err := s.store.UnarchiveAccount(c.Request.Context(), principal(c), entity(c).ID, c.Param("code"))
	s.respond(c, http.StatusOK, a, err)
}

// balanceView shows a balance both signed (debit positive) and on its side,
// as accountants read it.
type balanceView struct {
	Debit   string `json:"debit"`   // total of debits
	Credit  string `json:"credit"`  // total of credits
	Balance string `json:"balance"` // debits minus credits
	Side    string `json:"side"`    // "debit", "credit" or "zero"
}

func viewBalance(t ledger.Totals, exp int) balanceView {
	side := "zero"
	switch net := t.Net(); {
	case net > 0:
		side = "debit"
	case net < 0:
		side = "credit"
	}
	return balanceView{Debit: money.Format(t.DebitMinor, exp), Credit: money.Format(t.CreditMinor, exp),
		Balance: money.Format(t.Net(), exp), Side: side}
}

// asOfParam reads ?as_of= (default: today in the entity's time zone).
func asOfParam(c *gin.Context) (ledger.Date, error) {
	d, err := dateParam(c, "as_of")
	if err == nil && d.IsZero() {
		d = entity(c).Today()
	}
	return d, err
}

func (s *Server) accountBalance(c *gin.Context) {
	ent := entity(c)
	a, err := s.store.Account(c.Request.Context(), ent.ID, c.Param("code"))
	if err != nil {
		s.fail(c, err)
		return
	}
	asOf, err := asOfParam(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	b, err := s.store.Balances(c.Request.Context(), ent.ID, asOf, a.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"account": a.Code, "name": a.Name, "type": a.Type, "as_of": asOf.String(),
		"currency": ent.Currency, "balance": viewBalance(b[a.ID], exponent(ent.Currency))})
}

type ledgerLineView struct {
	Date        string `json:"date"`
	EntryID     int64  `json:"entry_id"`
	EntryNumber string `json:"entry_number"`
	LineNo      int    `json:"line_no"`
	Description string `json:"description"`
	Reference   string `json:"reference"`
	Debit       string `json:"debit"`
	Credit      string `json:"credit"`
	Balance     string `json:"balance"` // running, debits minus credits
	Currency    string `json:"currency"`
	Amount      string `json:"amount"`
}

// accountLedger is the general ledger of one account for a period: the
// opening balance, its lines with a running balance, the closing balance.
// Long periods page by cursor; each page says the balance it opens with.
func (s *Server) accountLedger(c *gin.Context) {
	ent := entity(c)
	ctx := c.Request.Context()
	a, err := s.store.Account(ctx, ent.ID, c.Param("code"))
	if err != nil {
		s.fail(c, err)
		return
	}
	from, err := dateParam(c, "from")
	if err != nil {
		s.fail(c, err)
		return
	}
	to, err := dateParam(c, "to")
	if err != nil {
		s.fail(c, err)
		return
	}
	if to.IsZero() {
		to = ent.Today()
	}
	if from.IsZero() {
		from = ledger.NewDate(to.FiscalYear(ent.FiscalYearStartMonth), time.Month(ent.FiscalYearStartMonth), 1)
	}
	if to.Before(from) {
		s.fail(c, invalidParam("to", ledger.ReasonPeriodInvalid, "to (%s) is before from (%s)", to, from))
		return
	}
	limit, err := limitParam(c, 1000)
	if err != nil {
		s.fail(c, err)
		return
	}
	cur, found, err := cursorParam(c, cursor.AccountLedger)
	if err != nil {
		s.fail(c, err)
		return
	}
	var after *ledger.LedgerCursor
	if found {
		after = &cur
	}
	opening, lines, err := s.store.AccountLedger(ctx, ent.ID, a.ID, from, to, after, limit)
	if err != nil {
		s.fail(c, err)
		return
	}
	exp := exponent(ent.Currency)
	more := len(lines) > limit
	if more {
		lines = lines[:limit]
	}
	running := opening
	views := make([]ledgerLineView, len(lines))
	for i, l := range lines {
		running += l.DebitMinor - l.CreditMinor
		views[i] = ledgerLineView{Date: l.Date.String(), EntryID: l.EntryID, EntryNumber: ledger.FormatEntryNumber(l.FiscalYear, l.Number),
			LineNo: l.LineNo, Description: firstNonEmpty(l.Description, l.EntryText), Reference: l.Reference,
			Debit: money.Format(l.DebitMinor, exp), Credit: money.Format(l.CreditMinor, exp), Balance: money.Format(running, exp),
			Currency: l.Currency, Amount: money.Format(l.AmountMinor, exponent(l.Currency))}
	}
	out := gin.H{"account": a.Code, "name": a.Name, "type": a.Type, "currency": ent.Currency,
		"from": from.String(), "to": to.String(), "opening_balance": money.Format(opening, exp),
		"data": views, "has_more": more, "next_cursor": nil}
	if more {
		last := lines[len(lines)-1]
		out["next_cursor"] = cursor.AccountLedger.Encode(ledger.LedgerCursor{Date: last.Date, EntryID: last.EntryID, LineNo: last.LineNo})
	} else {
		out["closing_balance"] = money.Format(running, exp)
	}
	c.JSON(http.StatusOK, out)
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (s *Server) postEntry(c *gin.Context) {
	var in ledger.EntryInput
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	out, err := s.store.PostEntry(c.Request.Context(), principal(c), entity(c), &in, idemRequest(c, renderEntry))
	s.posted(c, out, err)
}

func renderEntry(e *ledger.Entry) ([]byte, error) { return marshalJSON(viewEntry(e)) }

// posted answers a post or reversal: the stored answer of an idempotent
// request (the same bytes a replay will get), or the entry rendered now.
func (s *Server) posted(c *gin.Context, out *ledger.Posted, err error) {
	switch {
	case err != nil:
		s.fail(c, err)
	case out.Replay != nil:
		v, _ := c.Get(ctxIdem)
		s.replay(c, out.Replay, v.(*ledger.IdemRequest).RequestHash)
	default:
		e := out.Entry
		c.Header("Location", fmt.Sprintf("/v1/entities/%d/entries/%d", e.EntityID, e.ID))
		if out.Answer != nil {
			c.Data(http.StatusCreated, jsonContentType, out.Answer)
			return
		}
		c.JSON(http.StatusCreated, viewEntry(e))
	}
}

func (s *Server) getEntry(c *gin.Context) {
	id, err := idParam(c, "id", "entry")
	if err != nil {
		s.fail(c, err)
		return
	}
	e, err := s.store.Entry(c.Request.Context(), entity(c).ID, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, viewEntry(e))
}

func (s *Server) reverseEntry(c *gin.Context) {
	id, err := idParam(c, "id", "entry")
	if err != nil {
		s.fail(c, err)
		return
	}
	var in struct {
		Date        string `json:"date"`
		Description string `json:"description"`
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
	if len([]rune(in.Description)) > 500 {
		s.fail(c, invalidParam("description", ledger.ReasonFieldTooLong, "description is longer than 500 characters"))
		return
	}
	// An entry a module posted is undone by its module (a void, a credit
	// note, a reversal of the document), which keeps the document, the
	// settlement and the VAT totals in step with the ledger. An owner
	// registered only by module stores wired into this process is found.
	switch owner, err := s.store.EntryOwner(c.Request.Context(), entity(c).ID, id); {
	case err != nil:
		s.fail(c, err)
		return
	case owner != "":
		s.fail(c, ledger.Errorf(ledger.CodeConflict, ledger.ReasonEntryOwned,
			"entry %d was posted by %s; undo it there (void the invoice, issue a credit note, reverse the purchase invoice, remove the payment), not through the journal", id, owner))
		return
	}
	out, err := s.store.ReverseEntry(c.Request.Context(), principal(c), entity(c), id, date, in.Description, idemRequest(c, renderEntry))
	s.posted(c, out, err)
}

func (s *Server) listEntries(c *gin.Context) {
	ent := entity(c)
	ctx := c.Request.Context()
	f := ledger.EntryFilter{Reference: c.Query("reference"), Text: c.Query("q")}
	var err error
	if f.Limit, err = limitParam(c, maxLimit); err == nil {
		if f.From, err = dateParam(c, "from"); err == nil {
			f.To, err = dateParam(c, "to")
		}
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	if code := c.Query("account"); code != "" {
		a, err := s.store.Account(ctx, ent.ID, code)
		if ledger.IsCode(err, ledger.CodeNotFound) {
			err = invalidParam("account", ledger.ReasonAccountNotFound, "account %q does not exist in this entity", code)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		f.AccountID = a.ID
	}
	cur, _, err := cursorParam(c, cursor.Entry)
	if err != nil {
		s.fail(c, err)
		return
	}
	f.BeforeDate, f.BeforeID = cur.Date, cur.ID
	list, err := s.store.Entries(ctx, ent.ID, f)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := page[entryView]{Data: make([]entryView, 0, len(list))}
	if len(list) > f.Limit {
		list, out.HasMore = list[:f.Limit], true
		last := list[len(list)-1]
		out.NextCursor = cursor.Entry.Encode(cursor.EntryPos{Date: last.Date, ID: last.ID})
	}
	for _, e := range list {
		out.Data = append(out.Data, viewEntry(e))
	}
	c.JSON(http.StatusOK, out)
}
