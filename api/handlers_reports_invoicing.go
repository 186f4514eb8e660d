package api

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"backoffice/invoicing/pdf"
	"backoffice/invoicing/statements"
	"backoffice/ledger"
	"backoffice/ledger/money"
	"backoffice/ledger/reports"
)

// The receivables reports: aged receivables, customer statements and the
// VAT summary (built by invoicing/statements from invoicing's records).

// periodParams reads ?from= and ?to=; def supplies what is missing from
// the one given (zero when absent). to before from is a 422 at "to".
func periodParams(c *gin.Context, def func(from, to ledger.Date) (ledger.Date, ledger.Date)) (ledger.Date, ledger.Date, error) {
	var p ledger.Problems
	from, err := dateParam(c, "from")
	if err != nil {
		p.Add("from", ledger.ReasonDateInvalid, "%v", ledger.As(err).Fields[0].Message)
	}
	to, err := dateParam(c, "to")
	if err != nil {
		p.Add("to", ledger.ReasonDateInvalid, "%v", ledger.As(err).Fields[0].Message)
	}
	if err := p.Err(); err != nil {
		return from, to, err
	}
	from, to = def(from, to)
	if to.Before(from) {
		return from, to, invalidParam("to", ledger.ReasonPeriodInvalid, "to (%s) is before from (%s)", to, from)
	}
	return from, to, nil
}

// statementPeriod: to defaults to today, from to the first day of to's
// month (a month's statement).
func statementPeriod(ent *ledger.Entity) func(from, to ledger.Date) (ledger.Date, ledger.Date) {
	return func(from, to ledger.Date) (ledger.Date, ledger.Date) {
		if to.IsZero() {
			to = ent.Today()
		}
		if from.IsZero() {
			from = to.FirstOfMonth()
		}
		return from, to
	}
}

// quarterPeriod: the calendar quarter (VAT returns are quarterly) of
// whichever date is given, or of today when neither is.
func quarterPeriod(ent *ledger.Entity) func(from, to ledger.Date) (ledger.Date, ledger.Date) {
	return func(from, to ledger.Date) (ledger.Date, ledger.Date) {
		quarter := func(d ledger.Date) (ledger.Date, ledger.Date) {
			first := ledger.NewDate(d.Year(), time.Month((int(d.Month())-1)/3*3+1), 1)
			return first, ledger.NewDate(first.Year(), first.Month()+3, 1).AddDays(-1)
		}
		switch {
		case from.IsZero() && to.IsZero():
			return quarter(ent.Today())
		case from.IsZero():
			from, _ = quarter(to)
		case to.IsZero():
			_, to = quarter(from)
		}
		return from, to
	}
}

// currencyParam reads ?currency= ("" when absent).
func currencyParam(c *gin.Context) (string, error) {
	v := strings.ToUpper(strings.TrimSpace(c.Query("currency")))
	if v != "" && !money.ValidCurrency(v) {
		return "", invalidParam("currency", ledger.ReasonCurrencyInvalid, "currency %q is not an ISO 4217 code", c.Query("currency"))
	}
	return v, nil
}

// agedReceivables: GET /reports/aged-receivables?as_of=&detail=
func (s *Server) agedReceivables(c *gin.Context) {
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
	r, err := statements.Aged(c.Request.Context(), s.store, ent, asOf)
	if err != nil {
		s.fail(c, err)
		return
	}
	r.Detail = detail
	s.writeReport(c, format, "aged-receivables-"+asOf.String(), r, func() (*reports.Table, error) { return pdfRowCap(r.Table(lang), format, maxPDFRows) })
}

// vatSummary: GET /reports/vat-summary?from=&to=&input_vat_accounts=
func (s *Server) vatSummary(c *gin.Context) {
	ent := entity(c)
	format, lang, err := reportQuery(c, ent)
	if err != nil {
		s.fail(c, err)
		return
	}
	from, to, err := periodParams(c, quarterPeriod(ent))
	if err != nil {
		s.fail(c, err)
		return
	}
	var input []string
	if v, ok := c.GetQuery("input_vat_accounts"); ok {
		input = []string{}
		for code := range strings.SplitSeq(v, ",") {
			if code = strings.TrimSpace(code); code != "" {
				input = append(input, code)
			}
		}
	}
	r, err := statements.VAT(c.Request.Context(), s.store, ent, from, to, input)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.writeReport(c, format, "vat-summary-"+from.String()+"-"+to.String(), r, func() (*reports.Table, error) { return r.Table(lang), nil })
}

// customerStatement: GET /customers/:customer/statement?from=&to=&currency=
// in the customer's language unless ?lang= says otherwise. Client keys
// read their entity's statements.
func (s *Server) customerStatement(c *gin.Context) {
	s.partyStatement(c, "customer", "statement", func(ctx context.Context, ent *ledger.Entity, id int64, from, to ledger.Date, currency, lang string) (*statements.Statement, error) {
		return statements.CustomerStatement(ctx, s.store, ent, id, from, to, currency, lang)
	})
}

// partyStatement answers a customer's or supplier's statement (party is
// the path parameter and the noun): the period, currency and language
// from the query, in the party's language unless ?lang= says otherwise,
// as JSON, CSV or PDF named prefix-id-from-to.
func (s *Server) partyStatement(c *gin.Context, party, prefix string,
	build func(ctx context.Context, ent *ledger.Entity, id int64, from, to ledger.Date, currency, lang string) (*statements.Statement, error)) {
	ent := entity(c)
	id, err := idParam(c, party, party)
	if err != nil {
		s.fail(c, err)
		return
	}
	format, lang, err := reportQuery(c, ent)
	if err != nil {
		s.fail(c, err)
		return
	}
	if _, given := c.GetQuery("lang"); !given {
		lang = "" // the party's
	}
	from, to, err := periodParams(c, statementPeriod(ent))
	if err != nil {
		s.fail(c, err)
		return
	}
	currency, err := currencyParam(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	st, err := build(c.Request.Context(), ent, id, from, to, currency, lang)
	if err != nil {
		s.fail(c, err)
		return
	}
	name := fmt.Sprintf("%s-%d-%s-%s", prefix, id, from, to)
	s.writeReport(c, format, name, st, func() (*reports.Table, error) { return pdfRowCap(st.Table(""), format, maxPDFRows) })
}

// customerStatements: GET /reports/customer-statements?from=&to=&format=json|zip
// every customer's statement at once (staff only): the customers with
// lines in the period or something owed or open at its start or end, one
// statement per currency they have documents in. zip holds one PDF per
// statement; each in the customer's language unless ?lang= says otherwise.
func (s *Server) customerStatements(c *gin.Context) {
	ent := entity(c)
	var p ledger.Problems
	format := strings.ToLower(strings.TrimSpace(c.DefaultQuery("format", "json")))
	if format != "json" && format != "zip" {
		p.Add("format", ledger.ReasonFormatInvalid, "format %q is not one of json, zip (one PDF per customer)", c.Query("format"))
	}
	lang := ""
	if v, ok := c.GetQuery("lang"); ok {
		switch l := strings.ToLower(strings.TrimSpace(v)); l {
		case "nl", "en":
			lang = l
		default:
			p.Add("lang", ledger.ReasonLangInvalid, "lang %q is not one of nl, en", v)
		}
	}
	if err := p.Err(); err != nil {
		s.fail(c, err)
		return
	}
	from, to, err := periodParams(c, statementPeriod(ent))
	if err != nil {
		s.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	customers, err := s.store.StatementCustomers(ctx, ent.ID, to)
	if err != nil {
		s.fail(c, err)
		return
	}
	// each yields the customers' statements one at a time, so that a zip
	// of thousands holds one customer's in memory at once.
	each := func(fn func(*statements.Statement) error) error {
		for _, cust := range customers {
			first, err := statements.CustomerStatement(ctx, s.store, ent, cust.ID, from, to, "", lang)
			if err != nil {
				return err
			}
			list := []*statements.Statement{first}
			for _, cur := range first.OtherCurrencies {
				st, err := statements.CustomerStatement(ctx, s.store, ent, cust.ID, from, to, cur, lang)
				if err != nil {
					return err
				}
				list = append(list, st)
			}
			for _, st := range list {
				if st.Empty() {
					continue
				}
				if err := fn(st); err != nil {
					return err
				}
			}
		}
		return nil
	}
	name := fmt.Sprintf("customer-statements-%s-%s", from, to)
	if format == "json" {
		all := []*statements.Statement{}
		if err := each(func(st *statements.Statement) error { all = append(all, st); return nil }); err != nil {
			s.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, gin.H{"from": from, "to": to, "statements": all})
		return
	}
	var zw *zip.Writer
	var buf bytes.Buffer
	err = each(func(st *statements.Statement) error {
		buf.Reset()
		if err := pdf.RenderReport(&buf, st.Table("")); err != nil {
			return err
		}
		if zw == nil { // the first statement is ready: the answer starts
			c.Header("Content-Disposition", attachment(name, "zip"))
			c.Header("Content-Type", "application/zip")
			c.Status(http.StatusOK)
			zw = zip.NewWriter(c.Writer)
		}
		file := fmt.Sprintf("%06d-%s", st.Customer.ID, slug(st.Customer.Name))
		if st.Currency != ent.Currency {
			file += "-" + st.Currency
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: file + ".pdf", Method: zip.Deflate, Modified: time.Date(to.Year(), to.Month(), to.Day(), 0, 0, 0, 0, time.UTC)})
		if err != nil {
			return err
		}
		extendWrite(c)
		_, err = w.Write(buf.Bytes())
		return err
	})
	switch {
	case err != nil && zw == nil:
		s.fail(c, err)
	case err != nil:
		// Files are out: a problem can no longer be sent, and closing the
		// zip would pass a cut archive for a whole one.
		s.log.ErrorContext(ctx, "customer statements failed", "request_id", requestID(c), "error", err.Error())
		panic(http.ErrAbortHandler)
	case zw == nil: // no customer had anything to say: an empty archive
		c.Header("Content-Disposition", attachment(name, "zip"))
		c.Header("Content-Type", "application/zip")
		c.Status(http.StatusOK)
		zw = zip.NewWriter(c.Writer)
		fallthrough
	default:
		if err := zw.Close(); err != nil {
			s.log.ErrorContext(ctx, "customer statements: closing the zip", "request_id", requestID(c), "error", err.Error())
		}
	}
}

// folded spells letters with marks the plain way for file names.
var folded = strings.NewReplacer("æ", "ae", "ø", "o", "å", "a", "ä", "a", "á", "a", "à", "a", "â", "a", "ã", "a", "ą", "a",
	"ç", "c", "ć", "c", "č", "c", "é", "e", "è", "e", "ê", "e", "ë", "e", "ę", "e", "ě", "e", "í", "i", "ì", "i", "î", "i", "ï", "i",
	"ł", "l", "ñ", "n", "ń", "n", "ň", "n", "ó", "o", "ò", "o", "ô", "o", "ö", "o", "õ", "o", "ő", "o", "ř", "r", "ś", "s", "š", "s",
	"ß", "ss", "ú", "u", "ù", "u", "û", "u", "ü", "u", "ű", "u", "ů", "u", "ý", "y", "ÿ", "y", "ź", "z", "ż", "z", "ž", "z", "þ", "th", "ð", "d")

// slug is a customer's name as a file name: "Ærøskøbing Ñandú ApS" is
// "aeroskobing-nandu-aps" (letters and digits, the rest one hyphen).
func slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range folded.Replace(strings.ToLower(name)) {
		switch {
		case b.Len() >= 60:
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		default:
			dash = true
		}
	}
	if b.Len() == 0 {
		return "customer"
	}
	return b.String()
}
