package pdf

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"strings"

	"backoffice/ledger/reports"
)

// Report geometry, in millimetres (see render.go for the page).
const (
	repSize      = 8.5   // row text, points
	repRowH      = 5.6   // height of a row
	repNoteLineH = 4.0   // height of one line of a note row
	repIndent    = 4.0   // indentation per Row.Level
	repMaxLevel  = 6     // deeper levels indent no further
	repSecGap    = 6.0   // space between sections
	repTitleH    = 7.0   // a section's title
	repHeadGap   = 1.2   // space above a heading row that follows other rows
	repMaxHeader = 14    // Table.Header lines printed (the first page must hold the table's start)
	repMaxNote   = 40    // lines of one note row; a longer note is cut with "…"
	repMetaX     = 112.0 // left edge of the title block, top right
)

// reportLabels are the report's own fixed texts; page numbers and
// "continued" come from the invoices' labels.
type reportLabels struct {
	currency string
}

var (
	reportEnglish = reportLabels{currency: "Currency"}
	reportDutch   = reportLabels{currency: "Valuta"}
)

// RenderReport writes t as an A4 PDF to w, with the invoices' fonts and
// look.
//
// The first page opens with the entity's name, the report's title, its
// period and currency, and t.Header (at most 14 lines); every later page
// has a running header. Sections follow one another, each with its title
// and its column header, which is repeated at the top of every page the
// section continues on. Columns share the width by Column.Width (a width
// of 0 counts as the mean of the others, or an even share when none is
// given). Money and Number cells are right-aligned and written with the
// language's separators ("-1.234,56" in nl, "-1,234.56" in en), Date cells
// as FormatDate writes them; a cell that is not what its kind expects is
// printed as given. Text is cut with "…" to its column; amounts first
// shrink and are cut only when even 6 pt does not fit. Heading rows are
// bold, Subtotal and Total rows bold below a rule (a Total also shaded),
// Level indents the first cell. A Note row's first non-empty cell is text
// wrapped from its column up to the next non-empty cell (or the table's
// edge); its further cells print in their columns. When t.Stream is set it
// yields the rows of the first section (its error is returned). The footer
// of every page carries the entity, the report and "page x of y" in the
// table's language (nl or en; anything else is English).
//
// Output is deterministic: the same table gives the same bytes (the
// creation date is fixed). RenderReport is safe for concurrent use.
func RenderReport(w io.Writer, t *reports.Table) (err error) {
	if t == nil {
		return errors.New("pdf: nil report")
	}
	if w == nil {
		return errors.New("pdf: nil writer")
	}
	defer func() {
		// As in Render: should some input trip fpdf, an error, not a crash.
		if p := recover(); p != nil {
			err = fmt.Errorf("pdf: rendering report %q: %v", t.Report, p)
		}
	}()

	f := newFpdf(fixedStamp)
	r := &reportRenderer{canvas: canvas{f}, t: t, l: labelsFor(t.Language), rl: &reportEnglish}
	if isDutch(t.Language) {
		r.rl = &reportDutch
	}
	r.title = oneLine(t.Title)
	r.period = oneLine(t.Period)
	r.entity = oneLine(t.Entity)
	f.SetTitle(strings.TrimSpace(r.title+" "+r.period), true)
	f.SetSubject(r.title, true)
	f.SetAuthor(r.entity, true)
	setProducer(f, r.l.lang)
	if err := r.render(); err != nil {
		return fmt.Errorf("pdf: rendering report %q: %w", t.Report, err)
	}
	if err := f.Error(); err != nil {
		return fmt.Errorf("pdf: rendering report %q: %w", t.Report, err)
	}
	if err := f.Output(w); err != nil {
		return fmt.Errorf("pdf: writing report %q: %w", t.Report, err)
	}
	return nil
}

// repCol is a column as laid out on the page.
type repCol struct {
	x, w  float64
	kind  reports.Kind
	align string
	title string
}

type reportRenderer struct {
	canvas
	t  *reports.Table
	l  *labels
	rl *reportLabels

	title, period, entity string

	y float64
	// The section being drawn: its columns and title are repeated on
	// every page it continues on; cols is nil outside a table.
	cols     []repCol
	secTitle string
	// fresh is true while the current page holds no row of the section.
	fresh bool
}

func (r *reportRenderer) render() error {
	r.newPage()
	r.header()
	for i, sec := range r.t.Sections {
		rows := func(yield func(reports.Row, error) bool) {
			for _, row := range sec.Rows {
				if !yield(row, nil) {
					return
				}
			}
		}
		if i == 0 && r.t.Stream != nil {
			rows = r.t.Stream
		}
		if err := r.section(sec, rows); err != nil {
			return err
		}
	}
	left := r.entity
	for _, s := range []string{r.title, r.period} {
		if s != "" && left != "" {
			left += "  ·  "
		}
		left += s
	}
	r.pageFooters(left, r.l.page)
	return nil
}

// newPage starts a page; after the first it writes the running header
// and, inside a section, the section's title and column header again.
func (r *reportRenderer) newPage() {
	r.f.AddPage()
	r.y = marginTop
	if r.f.PageNo() > 1 {
		left := r.title
		if r.period != "" {
			left += "  ·  " + r.period
		}
		r.y = r.runningHeader(left+" ("+r.l.continued+")", r.entity)
	}
	if r.cols != nil {
		if r.secTitle != "" {
			r.font("B", baseSize)
			r.color(colMuted)
			r.text(marginL, r.y, contentW, 5, r.cut(r.secTitle+" ("+r.l.continued+")", contentW), "L")
			r.y += 5.5
		}
		r.columnHeader()
	}
}

// ensure starts a new page unless h more millimetres fit on this one.
func (r *reportRenderer) ensure(h float64) {
	if r.y+h > bodyBottom {
		r.newPage()
	}
}

// header draws the entity and the header lines (left), and the title,
// period and currency (right), on the first page.
func (r *reportRenderer) header() {
	const leftW = repMetaX - marginL - 6
	const metaW = rightEdge - repMetaX

	y := marginTop
	r.font("B", 13)
	r.color(colStrong)
	for _, s := range r.wrapMax(r.entity, leftW, 3) {
		r.text(marginL, y, leftW, 6, s, "L")
		y += 6
	}

	ry := marginTop - 1.5
	r.color(colAccent)
	r.fit(repMetaX, ry, metaW, 10, r.title, "R", "B", 18)
	ry += 11
	r.font("B", baseSize)
	r.color(colInk)
	for _, s := range r.wrapMax(r.period, metaW, 2) {
		r.text(repMetaX, ry, metaW, 4.6, s, "R")
		ry += 4.6
	}
	if cur := oneLine(r.t.Currency); cur != "" {
		r.font("", 8.5)
		r.color(colMuted)
		r.fit(repMetaX, ry, metaW, 4.4, r.rl.currency+": "+strings.ToUpper(cur), "R", "", 8.5)
		ry += 4.4
	}

	y = max(y, ry) + 5
	if len(r.t.Header) > 0 {
		r.font("", baseSize)
		r.color(colInk)
		n := 0
		for _, h := range r.t.Header {
			for _, s := range r.wrapMax(h, contentW*0.6, 2) {
				if n == repMaxHeader {
					break
				}
				r.text(marginL, y, contentW*0.6, lineH, s, "L")
				y += lineH
				n++
			}
		}
		y += 3
	}
	r.hline(marginL, rightEdge, y, colRule, 0.2)
	r.y = y + 5
}

// layout places the columns across the page by their relative widths.
func layout(cols []reports.Column) []repCol {
	share := func(w float64) float64 {
		if w > 0 && !math.IsInf(w, 0) && !math.IsNaN(w) {
			return w
		}
		return 0
	}
	given, n := 0.0, 0
	for _, c := range cols {
		if w := share(c.Width); w > 0 {
			given += w
			n++
		}
	}
	def := 1.0 // every column even when no width is given
	if n > 0 {
		def = given / float64(n)
	}
	total := 0.0
	for _, c := range cols {
		if w := share(c.Width); w > 0 {
			total += w
		} else {
			total += def
		}
	}
	out := make([]repCol, len(cols))
	x := marginL
	for i, c := range cols {
		w := share(c.Width)
		if w == 0 {
			w = def
		}
		w = w / total * contentW
		align := "L"
		if c.Kind == reports.Money || c.Kind == reports.Number {
			align = "R"
		}
		out[i] = repCol{x: x, w: w, kind: c.Kind, align: align, title: oneLine(c.Title)}
		x += w
	}
	return out
}

// section draws a section's title, column header and rows.
func (r *reportRenderer) section(sec reports.Section, rows iter.Seq2[reports.Row, error]) (err error) {
	title := oneLine(sec.Title)
	cols := layout(sec.Columns)
	if r.y > marginTop+30 || r.f.PageNo() > 1 {
		r.y += repSecGap
	}
	// The title and the header stay with the first row (two, should it
	// be a heading).
	need := headRowH + 2*repRowH
	if title != "" {
		need += repTitleH
	}
	r.ensure(need)
	if title != "" {
		r.color(colAccent)
		r.fit(marginL, r.y, contentW, 6, title, "L", "B", 11)
		r.y += repTitleH
	}
	if len(cols) == 0 {
		// Nothing to show rows in; the stream is still drained for its error.
		for _, err := range rows {
			if err != nil {
				return err
			}
		}
		return nil
	}
	r.secTitle, r.cols = title, cols
	defer func() { r.secTitle, r.cols = "", nil }()
	r.columnHeader()
	for row, err := range rows {
		if err != nil {
			return err
		}
		r.row(row)
	}
	return nil
}

// columnHeader draws the column titles, shaded, with a rule under them.
func (r *reportRenderer) columnHeader() {
	r.fillRect(marginL, r.y, contentW, headRowH, colHeadBg)
	r.hline(marginL, rightEdge, r.y+headRowH, colAccent, 0.35)
	r.color(colInk)
	for _, c := range r.cols {
		r.fit(c.x+cellPad, r.y, c.w-2*cellPad, headRowH, c.title, c.align, "B", 8)
	}
	r.y += headRowH
	r.fresh = true
}

// cell is a cell's text as printed.
func (r *reportRenderer) cell(s string, k reports.Kind) string {
	switch k {
	case reports.Money, reports.Number:
		return formatPlain(s, r.l.lang)
	case reports.Date:
		return FormatDate(s, r.l.lang)
	}
	return oneLine(s)
}

// formatPlain writes a plain decimal ("-1234.50") with the language's
// separators and all its decimals ("-1.234,50" in nl, "-1,234.50" in en);
// a minus zero loses its sign. Anything else is returned cleaned.
func formatPlain(s, language string) string {
	neg, intPart, frac, ok := parseDecimal(s)
	if !ok {
		return oneLine(s)
	}
	out := groupNumber(intPart, frac, language)
	if neg && !isZeroDecimal(intPart, frac) {
		out = "-" + out
	}
	return out
}

func (r *reportRenderer) row(row reports.Row) {
	if row.Style == reports.Note {
		r.note(row)
		return
	}
	style, bg := "", false
	switch row.Style {
	case reports.Heading, reports.Subtotal:
		style = "B"
	case reports.Total:
		style, bg = "B", true
	}
	need := repRowH
	if row.Style == reports.Heading {
		// A heading is not left alone at the foot of a page.
		need = 2 * repRowH
		if !r.fresh {
			need += repHeadGap
		}
	}
	if r.y+need > bodyBottom && !r.fresh {
		r.newPage()
	}
	if row.Style == reports.Heading && !r.fresh {
		r.y += repHeadGap
	}
	switch row.Style {
	case reports.Subtotal:
		r.hline(marginL, rightEdge, r.y, colMuted, 0.3)
	case reports.Total:
		r.fillRect(marginL, r.y, contentW, repRowH, colTotalBg)
		r.hline(marginL, rightEdge, r.y, colStrong, 0.4)
	}
	r.font(style, repSize)
	r.color(colInk)
	if style == "B" {
		r.color(colStrong)
	}
	for i, c := range r.cols {
		if i >= len(row.Cells) {
			break
		}
		s := r.cell(row.Cells[i], c.kind)
		if s == "" {
			continue
		}
		x, w := c.x+cellPad, c.w-2*cellPad
		if i == 0 && row.Level > 0 {
			in := min(float64(min(row.Level, repMaxLevel))*repIndent, w/2)
			x, w = x+in, w-in
		}
		r.cellAt(x, r.y, w, s, c, style)
	}
	r.y += repRowH
	if !bg && row.Style != reports.Heading {
		r.hline(marginL, rightEdge, r.y, colRule, 0.15)
	}
	r.fresh = false
}

// cellAt writes s in a row's cell at (x, y) with the row's font: text is
// cut to the cell, amounts shrink first (a cut amount misleads; it is cut
// only if even 6 pt does not fit).
func (r *reportRenderer) cellAt(x, y, w float64, s string, c repCol, style string) {
	if r.width(s) > w {
		if c.kind == reports.Money || c.kind == reports.Number {
			r.fit(x, y, w, repRowH, s, c.align, style, repSize)
			return
		}
		s = r.cut(s, w)
	}
	r.text(x, y, w, repRowH, s, c.align)
}

// note writes a Note row: its first non-empty cell is text that runs
// from its column to the next non-empty cell (or across the rest of the
// table), wrapped; the further cells (an opening balance's amount) print
// in their columns on the first line. As in every row, cells beyond the
// columns are ignored.
func (r *reportRenderer) note(row reports.Row) {
	cells := make([]string, len(r.cols))
	first, next := -1, len(cells)
	for i, c := range row.Cells[:min(len(row.Cells), len(cells))] {
		cells[i] = r.cell(c, r.cols[i].kind)
		if cells[i] == "" {
			continue
		}
		if first < 0 {
			first = i
		} else if next == len(cells) {
			next = i
		}
	}
	if first < 0 {
		return
	}
	x := r.cols[first].x + cellPad
	right := rightEdge - cellPad
	if next < len(cells) {
		right = r.cols[next].x - cellPad
	}
	if first == 0 && row.Level > 0 {
		x += float64(min(row.Level, repMaxLevel)) * repIndent
	}
	w := max(right-x, 1)
	r.font("", repSize)
	lines := r.wrapMax(cells[first], w, repMaxNote)
	pad := (repRowH - repNoteLineH) / 2
	for i, s := range lines {
		h := repNoteLineH
		if i == 0 {
			h += pad
		}
		if i == len(lines)-1 {
			h += pad
		}
		if r.y+h > bodyBottom && !r.fresh {
			r.newPage()
			r.font("", repSize)
		}
		top := r.y
		if i == 0 {
			top += pad
		}
		r.color(colMuted)
		r.text(x, top, w, repNoteLineH, s, "L")
		if i == 0 {
			r.color(colInk)
			for j := next; j < len(cells); j++ {
				if cells[j] != "" {
					c := r.cols[j]
					r.cellAt(c.x+cellPad, top-pad, c.w-2*cellPad, cells[j], c, "")
				}
			}
		}
		r.y += h
		r.fresh = false
	}
	r.hline(marginL, rightEdge, r.y, colRule, 0.15)
}
