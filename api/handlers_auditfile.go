package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"backoffice/ledger"
	"backoffice/ledger/auditfile"
	"backoffice/ledger/auditfile/auditsql"
	"backoffice/ledger/reports"
	"backoffice/ledger/sqlstore"
)

// auditFileWriter is the version of the audit file the endpoint writes
// (XAF 3.2); a 4.0 writer is another auditfile.Writer.
var auditFileWriter auditfile.Writer = auditfile.XAF32{}

// auditFile streams the audit file (XAF 3.2) of a fiscal year
// (?fiscal_year=) or of a period within one (?from=&to=), read from one
// snapshot of the books. Everything that can be refused is checked before
// the first byte; a failure after it aborts the connection, so that a
// client never takes a cut-off file for a whole one.
func (s *Server) auditFile(c *gin.Context) {
	ent := entity(c)
	ctx := c.Request.Context()
	var req auditfile.Request
	var p ledger.Problems
	if v := c.Query("fiscal_year"); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil {
			p.Add("fiscal_year", ledger.ReasonPeriodInvalid, "fiscal_year %q is not a year such as 2026", v)
		}
		req.FiscalYear = y
		if y == 0 && err == nil {
			p.Add("fiscal_year", ledger.ReasonPeriodInvalid, "fiscal_year %q is not a year such as 2026", v)
		}
	}
	var err error
	if req.From, err = dateParam(c, "from"); err != nil {
		p = append(p, ledger.As(err).Fields...)
	}
	if req.To, err = dateParam(c, "to"); err != nil {
		p = append(p, ledger.As(err).Fields...)
	}
	if err := p.Err(); err != nil {
		s.fail(c, err)
		return
	}
	w := auditFileWriter
	started := false
	err = s.store.LedgerSnapshot(ctx, func(st reports.Store) error {
		q, ok := st.(interface {
			Query(context.Context) *sqlstore.Tx
		})
		if !ok {
			return ledger.Internal(errors.New("audit file: the store does not read through sqlstore"))
		}
		// The day the file is made comes from the store's clock (the
		// snapshot's Now), as every record a unit of work writes.
		tx := q.Query(ctx)
		f, err := auditfile.Build(ctx, st, auditsql.New(tx), ent, req, tx.Now)
		if err != nil {
			return err
		}
		c.Header("Content-Type", w.ContentType())
		c.Header("Content-Disposition", attachment(fmt.Sprintf("auditfile-%d-%s-%s", ent.ID, f.From, f.To), w.Extension()))
		c.Status(http.StatusOK)
		started = true
		return w.Write(ctx, deadlineWriter{c}, f)
	})
	if err != nil {
		if !started {
			s.fail(c, err)
			return
		}
		s.log.Error("audit file cut off", "entity", ent.ID, "error", err)
		panic(http.ErrAbortHandler)
	}
}

// deadlineWriter moves the response's write deadline on before each write
// (see extendWrite): the audit file of a large year takes longer than the
// server's write timeout as a whole, but every piece of it arrives in time.
type deadlineWriter struct{ c *gin.Context }

func (d deadlineWriter) Write(p []byte) (int, error) {
	extendWrite(d.c)
	return d.c.Writer.Write(p)
}
