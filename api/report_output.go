package api

import (
	"bytes"
	"encoding/csv"
	"errors"
	"iter"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"backoffice/invoicing/pdf"
	"backoffice/ledger"
	"backoffice/ledger/reports"
)

// Report output: every report answers as JSON, CSV or PDF (?format=) in
// Dutch or English (?lang=). The handlers build the report; reportQuery
// reads the caller's choice and writeReport writes the answer.

// Report formats.
const (
	formatJSON = "json"
	formatCSV  = "csv"
	formatPDF  = "pdf"
)

// reportQuery reads ?format= (json|csv|pdf, default json; an Accept header
// of text/csv or application/pdf also selects it) and ?lang= (nl|en;
// default the entity's locale language when nl or en, else en). Bad
// values: 422 at "format" / "lang".
//
// Both values are matched without regard to case; an explicit ?format=
// wins over Accept.
func reportQuery(c *gin.Context, ent *ledger.Entity) (format, lang string, err error) {
	var p ledger.Problems
	if v, ok := c.GetQuery("format"); ok {
		switch f := strings.ToLower(strings.TrimSpace(v)); f {
		case formatJSON, formatCSV, formatPDF:
			format = f
		default:
			p.Add("format", ledger.ReasonFormatInvalid, "format %q is not one of json, csv, pdf", v)
		}
	} else {
		format = acceptedFormat(c.GetHeader("Accept"))
	}
	if v, ok := c.GetQuery("lang"); ok {
		switch l := strings.ToLower(strings.TrimSpace(v)); l {
		case "nl", "en":
			lang = l
		default:
			p.Add("lang", ledger.ReasonLangInvalid, "lang %q is not one of nl, en", v)
		}
	} else {
		lang = "en"
		if ent != nil {
			if l := localeLanguage(ent.Locale); l == "nl" {
				lang = l
			}
		}
	}
	if err := p.Err(); err != nil {
		return "", "", err
	}
	return format, lang, nil
}

// localeLanguage is the primary language subtag of a locale: "nl" of
// "nl-BE" or "nl_NL".
func localeLanguage(locale string) string {
	l, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(locale)), "-")
	l, _, _ = strings.Cut(l, "_")
	return l
}

// acceptedFormat is the report format an Accept header asks for: the
// acceptable one of application/json, text/csv and application/pdf with
// the highest quality, the first listed on a tie. Anything else (no
// header, */*, text/html) is JSON: a report always has a JSON answer, so
// there is no 406.
func acceptedFormat(accept string) string {
	best, bestQ := formatJSON, 0.0
	for part := range strings.SplitSeq(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		var f string
		switch mt {
		case "application/json":
			f = formatJSON
		case "text/csv":
			f = formatCSV
		case "application/pdf":
			f = formatPDF
		default:
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if q, err = strconv.ParseFloat(v, 64); err != nil || q < 0 || q > 1 {
				continue
			}
		}
		if q > bestQ {
			best, bestQ = f, q
		}
	}
	return best
}

// streamWriteWindow is how long each piece of a streamed answer may take to
// write. The server's WriteTimeout bounds a whole answer; a general ledger
// of millions of lines, or a zip of every customer's statement, takes
// longer than that to a slow client, so each piece moves the deadline on.
const streamWriteWindow = 60 * time.Second

// extendWrite moves the connection's write deadline a window past now
// (where the connection allows it; httptest recorders do not).
func extendWrite(c *gin.Context) {
	_ = http.NewResponseController(c.Writer).SetWriteDeadline(time.Now().Add(streamWriteWindow))
}

// csvFlushRows is how many CSV rows are sent at a time: few enough that a
// huge export holds little memory and shows progress, enough that the
// writes are not one per row.
const csvFlushRows = 256

// csvFlushBytes sends the rows early should they be long.
const csvFlushBytes = 64 << 10

// writeReport answers with body as JSON (format json), or with table() as
// RFC 4180 CSV (streamed when Table.Stream is set) or as a PDF, with
// Content-Disposition: attachment; filename="<name>.<ext>".
//
// table is called only for CSV and PDF. Its error, and a failing stream
// before any row was sent, are answered as problems; a stream that fails
// after rows were sent aborts the connection (the client sees a broken
// transfer, not a short file that looks complete).
func (s *Server) writeReport(c *gin.Context, format, name string, body any, table func() (*reports.Table, error)) {
	if format == formatJSON || format == "" {
		c.JSON(http.StatusOK, body)
		return
	}
	t, err := table()
	if err != nil {
		s.fail(c, err)
		return
	}
	if t == nil {
		s.fail(c, ledger.Internal(errors.New("report table is nil")))
		return
	}
	switch format {
	case formatCSV:
		s.writeCSV(c, name, t)
	case formatPDF:
		var buf bytes.Buffer
		if err := pdf.RenderReport(&buf, t); err != nil {
			s.fail(c, err)
			return
		}
		c.Header("Content-Disposition", attachment(name, "pdf"))
		c.Data(http.StatusOK, "application/pdf", buf.Bytes())
	default:
		s.fail(c, invalidParam("format", ledger.ReasonFormatInvalid, "format %q is not one of json, csv, pdf", format))
	}
}

// attachment is a Content-Disposition header for a download named
// name.ext. The name is cut down to letters, digits, '.', '-' and '_'
// (so that no client reads a path, a quote or a header break out of it).
func attachment(name, ext string) string {
	return mime.FormatMediaType("attachment", map[string]string{"filename": safeFilename(name) + "." + ext})
}

func safeFilename(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case b.Len() >= 100:
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		case r == '.' && b.Len() > 0:
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	if s := strings.Trim(b.String(), "._"); s != "" {
		return s
	}
	return "report"
}

// csvLayout maps a table's sections onto one CSV: a one-section table is
// its own columns; several sections get a first column "section" with the
// section's title and then the union of their columns, by key, in order of
// first appearance (a key a section lacks is an empty cell). A key that a
// section repeats is a further column of the same name.
type csvLayout struct {
	header []string
	multi  bool
	// slots[i][j] is the CSV column of section i's column j.
	slots [][]int
}

func newCSVLayout(t *reports.Table) csvLayout {
	l := csvLayout{multi: len(t.Sections) > 1}
	if l.multi {
		l.header = append(l.header, "section")
	}
	index := map[string]int{} // key + "\x00" + occurrence -> column
	for _, sec := range t.Sections {
		seen := map[string]int{}
		slots := make([]int, len(sec.Columns))
		for j, col := range sec.Columns {
			id := col.Key + "\x00" + strconv.Itoa(seen[col.Key])
			seen[col.Key]++
			at, ok := index[id]
			if !ok {
				at = len(l.header)
				index[id] = at
				l.header = append(l.header, col.Key)
			}
			slots[j] = at
		}
		l.slots = append(l.slots, slots)
	}
	return l
}

// record fills rec (len(l.header)) with row of section i.
func (l csvLayout) record(rec []string, i int, title string, cols []reports.Column, row reports.Row) {
	clear(rec)
	if l.multi {
		rec[0] = safeCSVText(title)
	}
	for j, at := range l.slots[i] {
		if j >= len(row.Cells) {
			break
		}
		v := row.Cells[j]
		if cols[j].Kind == reports.Text {
			v = safeCSVText(v)
		}
		rec[at] = v
	}
}

// safeCSVText keeps a text cell from being read as a formula by a
// spreadsheet (CSV injection): text that begins with =, +, -, @, a tab or a
// carriage return gets a leading apostrophe. Names and descriptions come
// from customers and shops; amounts and dates (plain numbers) are never
// changed.
func safeCSVText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// writeCSV writes t as RFC 4180 CSV (CRLF line ends, a header row of the
// column keys) in pieces of csvFlushRows rows, so that a streamed table
// of any size is sent in constant memory.
func (s *Server) writeCSV(c *gin.Context, name string, t *reports.Table) {
	layout := newCSVLayout(t)
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	sent := false
	send := func() bool {
		w.Flush()
		if !sent {
			c.Header("Content-Disposition", attachment(name, "csv"))
			c.Header("Content-Type", "text/csv; charset=utf-8")
			c.Status(http.StatusOK)
			sent = true
		}
		extendWrite(c)
		if _, err := c.Writer.Write(buf.Bytes()); err != nil {
			return false // the client is gone; stop reading the stream
		}
		c.Writer.Flush()
		buf.Reset()
		return true
	}
	_ = w.Write(layout.header) // a bytes.Buffer does not fail
	rec := make([]string, len(layout.header))
	n := 0
	for i, sec := range t.Sections {
		var rows iter.Seq2[reports.Row, error] = func(yield func(reports.Row, error) bool) {
			for _, r := range sec.Rows {
				if !yield(r, nil) {
					return
				}
			}
		}
		if i == 0 && t.Stream != nil {
			rows = t.Stream
		}
		for row, err := range rows {
			if err != nil {
				if !sent {
					s.fail(c, err)
					return
				}
				// Rows are out: a problem can no longer be sent, and a
				// clean end would pass a cut file for a whole one.
				s.log.ErrorContext(c.Request.Context(), "report stream failed", "request_id", requestID(c), "report", t.Report, "rows", n, "error", err.Error())
				panic(http.ErrAbortHandler)
			}
			layout.record(rec, i, sec.Title, sec.Columns, row)
			_ = w.Write(rec)
			n++
			if n%csvFlushRows == 0 || buf.Len() >= csvFlushBytes {
				if !send() {
					return
				}
			}
		}
	}
	send()
}
