package pdf

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"slices"
	"strings"

	"backoffice/ledger/reports"
)

// Report geometry, in millimetres (see render.go for the page).
const (
	repSize       = 8.5  // row text, points
	repRowH       = 5.6  // height of a row of one line
	repLineH      = 3.7  // each further line of a wrapped row
	repNoteLineH  = 4.0  // height of one line of a note row
	repIndent     = 4.0  // indentation per Row.Level
	repMaxLevel   = 6    // deeper levels indent no further
	repSecGap     = 6.0  // space between sections
	repSecSize    = 11.0 // a section's title, points
	repSecLineH   = 5.5  // a line of a section's title
	repHeadGap    = 1.2  // space above a heading row that follows other rows
	repHeadSize   = 8.0  // column titles, points
	repHeadLineH  = 3.4  // each further line of a wrapped column title
	repGroupGap   = 3.0  // space between the values of a group heading
	repTitleSize  = 18.0 // the report's title, points: never shrunk
	repTitleLineH = 7.5  // a line of the report's title
	repMaxHeader  = 30   // Table.Header lines printed (the first page must hold the table's start)
	repMaxParty   = 3    // lines of one item of an address
	// Lines of a column title, a section's title and a group heading: a
	// header taller than a page would leave no room for rows.
	repMaxHeadLines = 6
	repMetaX        = 108.0 // left edge of the title block, top right (82 mm hold the longest title at 18 pt)
)

// reportLabels are the report's own fixed texts; page numbers and
// "continued" come from the invoices' labels.
type reportLabels struct {
	currency string
	empty    string // an empty section without a text of its own
}

var (
	reportEnglish = reportLabels{currency: "Currency", empty: "Nothing to show."}
	reportDutch   = reportLabels{currency: "Valuta", empty: "Niets te tonen."}
)

// RenderReport writes t as an A4 PDF to w, with the invoices' fonts and
// look.
//
// The first page opens with the entity's name (and t.Sender's address
// under it), the report's title, its period and currency, t.Recipient
// under its label, and t.Header (at most 30 lines); every later page has a
// running header. Sections follow one another, each with its title and
// its column header, which is repeated at the top of every page the
// section continues on. Columns share the width by Column.Width (a width
// of 0 counts as the mean of the others, or an even share when none is
// given); Group columns are not columns but a heading above each run of
// rows that shares their values. Money and Number cells are
// right-aligned and written with the language's separators ("-1.234,56"
// in nl, "-1,234.56" in en), Date cells as FormatDate writes them; a cell
// that is not what its kind expects is printed as given. Text is never
// cut: it wraps within its column and the row grows, over pages if need
// be; amounts shrink and are cut only when even 6 pt does not fit. Heading
// rows are bold, Subtotal and Total rows bold below a rule (a Total also
// shaded), Level indents the first cell. A Note row's first non-empty
// cell is text wrapped from its column up to the next non-empty cell (or
// the table's edge); its further cells print in their columns. A section
// with no rows, or with an Empty text and no rows but totals, prints that
// text (or a generic one) instead of a table; a section whose columns have
// no titles has no header row. Recap rows print before a section's rows.
// When
// t.Stream is set it yields the rows of the first section (its error is
// returned). The footer of every page carries the entity, the report and
// "page x of y" in the table's language (nl or en; anything else is
// English).
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
	idx   int // the column's index in the section (and its rows' cells)
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
	// groups are the section's Group columns; group is the heading of the
	// run of rows being drawn (nil before the first).
	groups []repCol
	group  []string
	// fresh is true while the current page holds no row of the section.
	fresh bool
}

func (r *reportRenderer) render() error {
	r.newPage()
	r.header()
	for i, sec := range r.t.Sections {
		body := func(yield func(reports.Row, error) bool) {
			for _, row := range sec.Rows {
				if !yield(row, nil) {
					return
				}
			}
		}
		if i == 0 && r.t.Stream != nil {
			body = r.t.Stream
		}
		// The recap first, then the section's rows.
		rows := func(yield func(reports.Row, error) bool) {
			for _, row := range sec.Recap {
				if !yield(row, nil) {
					return
				}
			}
			body(yield)
		}
		if err := r.section(sec, rows); err != nil {
			return err
		}
	}
	r.footers()
	return nil
}

// newPage starts a page; after the first it writes the running header
// and, inside a section, the section's title, its column header and the
// heading of the run of rows it continues.
func (r *reportRenderer) newPage() {
	r.f.AddPage()
	r.y = marginTop
	if r.f.PageNo() > 1 {
		r.runningHeader()
	}
	if r.cols != nil {
		if r.secTitle != "" {
			r.sectionTitle(r.secTitle + " (" + r.l.continued + ")")
		}
		r.columnHeader()
		if r.group != nil {
			r.groupHeading(r.group, true)
		}
	}
}

// runningHeader writes the small header of a page after the first: the
// report and its period (left), the entity (right), each wrapped in its
// half rather than cut.
func (r *reportRenderer) runningHeader() {
	const leftW, rightW = contentW * 0.58, contentW * 0.4
	r.font("", smallSize)
	r.color(colMuted)
	ll := r.joinWrap([]string{r.title, r.period + " (" + r.l.continued + ")"}, leftW, 3)
	rr := r.wrapText(r.entity, rightW, 3)
	for i, s := range ll {
		r.text(marginL, r.y+float64(i)*smallLineH, leftW, smallLineH, s, "L")
	}
	for i, s := range rr {
		r.text(rightEdge-rightW, r.y+float64(i)*smallLineH, rightW, smallLineH, s, "R")
	}
	r.y += float64(max(len(ll), len(rr)))*smallLineH + 1.5
	r.hline(marginL, rightEdge, r.y, colRule, 0.2)
	r.y += 4
}

// footers writes the footer of every page once the page count is known:
// entity, report and period at the left (wrapped, not cut), "page x of
// y" at the right.
func (r *reportRenderer) footers() {
	r.pageFooters(contentW*0.78, func(w float64) {
		for i, s := range r.joinWrap([]string{r.entity, r.title, r.period}, w, 3) {
			r.text(marginL, footerY+float64(i)*smallLineH, w, smallLineH, s, "L")
		}
	}, r.l.page)
}

// joinWrap joins the non-empty parts with " · " into at most n lines no
// wider than w in the current font, breaking between parts where it can
// (a date is not split over two lines) and inside a part only when it
// is too long for a line of its own; the last line ends in "…" should
// more than n lines be needed.
func (r *reportRenderer) joinWrap(parts []string, w float64, n int) []string {
	const sep = "  ·  "
	var lines []string
	line := ""
	for _, p := range parts {
		if p = oneLine(p); p == "" {
			continue
		}
		switch {
		case line == "":
		case r.width(line+sep+p) <= w:
			line += sep + p
			continue
		default:
			lines = append(lines, line+"  ·")
		}
		if r.width(p) <= w {
			line = p
			continue
		}
		wrapped := r.cellWrap(p, w)
		lines = append(lines, wrapped[:len(wrapped)-1]...)
		line = wrapped[len(wrapped)-1]
	}
	if line != "" {
		lines = append(lines, line)
	}
	if len(lines) > n {
		lines = append(lines[:n-1], r.wrapText(strings.Join(lines[n-1:], " "), w, 1)...)
	}
	return lines
}

// ensure starts a new page unless h more millimetres fit on this one.
func (r *reportRenderer) ensure(h float64) {
	if r.y+h > bodyBottom {
		r.newPage()
	}
}

// header draws the entity with its address and the header lines (left),
// and the title, period and currency (right), on the first page; then
// the recipient and the header lines.
func (r *reportRenderer) header() {
	const leftW = repMetaX - marginL - 6
	const metaW = rightEdge - repMetaX

	y := marginTop
	r.font("B", 13)
	r.color(colStrong)
	for _, s := range r.wrapText(r.entity, leftW, 4) {
		r.text(marginL, y, leftW, 6, s, "L")
		y += 6
	}
	if p := r.t.Sender; p != nil {
		y += 0.8
		r.font("", 8.5)
		r.color(colMuted)
		for _, s := range r.partyLines(p, leftW) {
			r.text(marginL, y, leftW, 3.9, s, "L")
			y += 3.9
		}
	}

	ry := marginTop - 1.5
	r.font("B", repTitleSize)
	r.color(colAccent)
	for _, s := range r.wrapText(r.title, metaW, 3) {
		r.text(repMetaX, ry, metaW, 10, s, "R")
		ry += repTitleLineH
	}
	ry += 11 - repTitleLineH
	r.font("B", baseSize)
	r.color(colInk)
	for _, s := range r.wrapText(r.period, metaW, 4) {
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
	if p := r.t.Recipient; p != nil {
		y += 1
		if label := oneLine(p.Label); label != "" {
			r.font("B", 7.5)
			r.color(colAccent)
			r.text(marginL, y, leftW, 4, strings.ToUpper(label), "L")
			y += 5
		}
		r.font("B", 10)
		r.color(colStrong)
		for _, s := range r.wrapText(p.Name, leftW, repMaxParty) {
			r.text(marginL, y, leftW, 4.8, s, "L")
			y += 4.8
		}
		r.font("", baseSize)
		r.color(colInk)
		for _, s := range r.partyLines(p, leftW) {
			r.text(marginL, y, leftW, lineH, s, "L")
			y += lineH
		}
		y += 4
	}
	if len(r.t.Header) > 0 {
		r.font("", baseSize)
		r.color(colInk)
		n := 0
		for _, h := range r.t.Header {
			for _, s := range r.cellWrap(oneLine(h), contentW) {
				if n == repMaxHeader {
					break
				}
				r.text(marginL, y, contentW, lineH, s, "L")
				y += lineH
				n++
			}
		}
		y += 3
	}
	r.hline(marginL, rightEdge, y, colRule, 0.2)
	r.y = y + 5
}

// partyLines are a party's address, country (by name, as invoices write
// it) and VAT number, wrapped to w in the current font.
func (r *reportRenderer) partyLines(p *reports.Party, w float64) []string {
	src := r.l.address(p.Lines, p.Postcode, p.City, p.Country, p.VATNumber)
	var out []string
	for _, s := range src {
		out = append(out, r.wrapText(s, w, repMaxParty)...)
	}
	return out
}

// layout places a section's columns across the page by their relative
// widths, leaving out Group columns (unless every column is one), and
// returns the Group columns apart.
func layout(cols []reports.Column) (table, groups []repCol) {
	share := func(w float64) float64 {
		if w > 0 && !math.IsInf(w, 0) && !math.IsNaN(w) {
			return w
		}
		return 0
	}
	allGroup := true
	for _, c := range cols {
		allGroup = allGroup && c.Group
	}
	given, n := 0.0, 0
	for _, c := range cols {
		if w := share(c.Width); w > 0 && (!c.Group || allGroup) {
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
		if c.Group && !allGroup {
			continue
		}
		if w := share(c.Width); w > 0 {
			total += w
		} else {
			total += def
		}
	}
	x := marginL
	for i, c := range cols {
		align := "L"
		if c.Kind == reports.Money || c.Kind == reports.Number {
			align = "R"
		}
		col := repCol{idx: i, kind: c.Kind, align: align, title: oneLine(c.Title)}
		if c.Group && !allGroup {
			groups = append(groups, col)
			continue
		}
		w := share(c.Width)
		if w == 0 {
			w = def
		}
		col.x, col.w = x, w/total*contentW
		x += col.w
		table = append(table, col)
	}
	return table, groups
}

// section draws a section's title, column header and rows; a section
// with no rows, or with an Empty text and no rows but totals, its title
// and that text.
func (r *reportRenderer) section(sec reports.Section, rows iter.Seq2[reports.Row, error]) (err error) {
	title := oneLine(sec.Title)
	cols, groups := layout(sec.Columns)
	if r.y > marginTop+30 || r.f.PageNo() > 1 {
		r.y += repSecGap
	}
	next, stop := iter.Pull2(rows)
	defer stop()
	// Rows before the first that is not a total (there are none in the
	// reports; kept in their place should a table have them).
	var totals []reports.Row
	var first *reports.Row
	for {
		row, err, ok := next()
		if !ok {
			break
		}
		if err != nil {
			return err
		}
		if row.Style == reports.Subtotal || row.Style == reports.Total {
			totals = append(totals, row)
			continue
		}
		first = &row
		break
	}
	if len(cols) == 0 || first == nil && (len(totals) == 0 || sec.Empty != "") {
		// Nothing to show rows in, or no rows to show.
		r.font("B", repSecSize)
		r.ensure(float64(len(r.wrapText(title, contentW, repMaxHeadLines)))*repSecLineH + 2*repNoteLineH + 2)
		if title != "" {
			r.sectionTitle(title)
		}
		if len(cols) == 0 {
			// Nothing to show rows in; the stream is still drained (once)
			// for its error.
			for {
				_, err, ok := next()
				if !ok {
					return nil
				}
				if err != nil {
					return err
				}
			}
		}
		r.emptyText(sec.Empty)
		return nil
	}
	// The title and the header stay with the first row (two, should it
	// be a heading).
	r.secTitle, r.cols, r.groups, r.group = title, cols, groups, nil
	defer func() { r.secTitle, r.cols, r.groups, r.group = "", nil, nil, nil }()
	need := r.headerHeight() + 2*repRowH
	if title != "" {
		r.font("B", repSecSize)
		need += float64(len(r.wrapText(title, contentW, repMaxHeadLines)))*repSecLineH + 1.5
	}
	if len(groups) > 0 {
		need += repRowH
	}
	r.cols = nil // no header on a page started here: it follows
	r.ensure(need)
	r.cols = cols
	if title != "" {
		r.sectionTitle(title)
	}
	r.columnHeader()
	for _, row := range totals {
		r.row(row)
	}
	if first == nil {
		return nil
	}
	r.row(*first)
	for {
		row, err, ok := next()
		if !ok {
			return nil
		}
		if err != nil {
			return err
		}
		r.row(row)
	}
}

// sectionTitle writes a section's title, wrapped.
func (r *reportRenderer) sectionTitle(title string) {
	r.font("B", repSecSize)
	r.color(colAccent)
	for _, s := range r.wrapText(title, contentW, repMaxHeadLines) {
		r.text(marginL, r.y, contentW, 6, s, "L")
		r.y += repSecLineH
	}
	r.y += 1.5
}

// emptyText says that a section has nothing to show.
func (r *reportRenderer) emptyText(s string) {
	s = oneLine(s)
	if s == "" {
		s = r.rl.empty
	}
	r.font("", repSize)
	r.color(colMuted)
	r.y += 0.5
	for _, line := range r.wrap(s, contentW-2*cellPad) {
		if r.y+repNoteLineH > bodyBottom {
			r.newPage()
			r.font("", repSize)
			r.color(colMuted)
		}
		r.text(marginL+cellPad, r.y, contentW-2*cellPad, repNoteLineH, line, "L")
		r.y += repNoteLineH
	}
	r.y += 1
}

// headerLines are the column titles, each wrapped to its column at its
// size: a title with a word wider than its column is set smaller (down to
// 6 pt) rather than broken inside the word.
func (r *reportRenderer) headerLines() (lines [][]string, sizes []float64, n int) {
	lines, sizes, n = make([][]string, len(r.cols)), make([]float64, len(r.cols)), 1
	for i, c := range r.cols {
		sizes[i] = repHeadSize
		if c.title == "" {
			continue
		}
		w := max(c.w-2*cellPad, 1)
		r.font("B", repHeadSize)
		for _, word := range strings.Fields(c.title) {
			for sizes[i] > 6 && r.width(word) > w {
				sizes[i] -= 0.5
				r.font("B", sizes[i])
			}
		}
		lines[i] = r.wrapText(c.title, w, repMaxHeadLines)
		n = max(n, len(lines[i]))
	}
	return lines, sizes, n
}

func (r *reportRenderer) headerHeight() float64 {
	if !r.titled() {
		return 0
	}
	_, _, n := r.headerLines()
	return headRowH + float64(n-1)*repHeadLineH
}

// titled reports whether some column has a title: a section without
// (an income statement's bottom line) has no header row.
func (r *reportRenderer) titled() bool {
	for _, c := range r.cols {
		if c.title != "" {
			return true
		}
	}
	return false
}

// columnHeader draws the column titles, shaded, with a rule under them.
func (r *reportRenderer) columnHeader() {
	r.fresh = true
	if !r.titled() {
		return
	}
	lines, sizes, n := r.headerLines()
	h := headRowH + float64(n-1)*repHeadLineH
	r.fillRect(marginL, r.y, contentW, h, colHeadBg)
	r.hline(marginL, rightEdge, r.y+h, colAccent, 0.35)
	r.color(colInk)
	top := r.y + (h-float64(n)*repHeadLineH)/2
	for i, c := range r.cols {
		r.font("B", sizes[i])
		for j, s := range lines[i] {
			r.text(c.x+cellPad, top+float64(j)*repHeadLineH, c.w-2*cellPad, repHeadLineH, s, c.align)
		}
	}
	r.y += h
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

// groupOf is a row's values of the Group columns as printed, or nil when
// they are all empty (a total: it stays in the run it ends).
func (r *reportRenderer) groupOf(row reports.Row) []string {
	var out []string
	some := false
	for _, c := range r.groups {
		s := ""
		if c.idx < len(row.Cells) {
			s = r.cell(row.Cells[c.idx], c.kind)
		}
		some = some || s != ""
		out = append(out, s)
	}
	if !some {
		return nil
	}
	return out
}

// groupLayout lays out the heading of a run of rows: the values of the
// Group columns side by side, the last one wrapped to what is left.
func (r *reportRenderer) groupLayout(values []string, continued bool) (vals []string, xs []float64, lines []string) {
	for _, v := range values {
		if v != "" {
			vals = append(vals, v)
		}
	}
	if len(vals) == 0 {
		return nil, nil, nil
	}
	if continued {
		vals[len(vals)-1] += " (" + r.l.continued + ")"
	}
	r.font("B", repSize)
	x, right := marginL+cellPad, rightEdge-cellPad
	xs = make([]float64, len(vals))
	for i, v := range vals {
		xs[i] = x
		if i == len(vals)-1 {
			lines = r.wrapText(v, max(right-x, 10), repMaxHeadLines)
			break
		}
		x += r.width(v) + repGroupGap
	}
	return vals, xs, lines
}

func (r *reportRenderer) groupHeadingHeight(values []string) float64 {
	_, _, lines := r.groupLayout(values, false)
	return rowHeight(len(lines))
}

// groupHeading draws the heading of a run of rows, bold, with a rule
// under it.
func (r *reportRenderer) groupHeading(values []string, continued bool) {
	vals, xs, lines := r.groupLayout(values, continued)
	if len(vals) == 0 {
		return
	}
	if !r.fresh {
		r.y += repHeadGap
	}
	r.color(colStrong)
	for i, v := range vals[:len(vals)-1] {
		r.text(xs[i], r.y, r.width(v)+0.1, repRowH, v, "L")
	}
	last := xs[len(xs)-1]
	w := max(rightEdge-cellPad-last, 10)
	for i, s := range lines {
		r.text(last, r.y+float64(i)*repLineH, w, repRowH, s, "L")
	}
	r.y += rowHeight(len(lines))
	r.hline(marginL, rightEdge, r.y, colRule, 0.15)
}

// cellWrap breaks a cell's text into lines no wider than w in the current
// font, at spaces, and inside a word too wide for a line after a hyphen,
// slash or similar ("INV-2026-" "0001") before anywhere else.
func (r *reportRenderer) cellWrap(s string, w float64) []string {
	words := glueDates(strings.Fields(s))
	var out []string
	line, lineW := "", 0.0
	space := r.width(" ")
	flush := func() {
		if line != "" {
			out = append(out, line)
		}
		line, lineW = "", 0
	}
	for _, word := range words {
		ww := r.width(word)
		if line != "" && lineW+space+ww <= w {
			line += " " + word
			lineW += space + ww
			continue
		}
		flush()
		if ww <= w {
			line, lineW = word, ww
			continue
		}
		// Too wide: its pieces, each ending after a break character,
		// filled into lines without spaces between them.
		for _, piece := range wordPieces(word) {
			pw := r.width(piece)
			if line != "" && lineW+pw <= w {
				line += piece
				lineW += pw
				continue
			}
			flush()
			for pw > w {
				n, nw := r.prefix(piece, w)
				out = append(out, piece[:n])
				piece, pw = piece[n:], pw-nw
			}
			line, lineW = piece, pw
		}
	}
	flush()
	if len(out) == 0 {
		return []string{""}
	}
	return out
}

// wrapText is cellWrap cut to at most n lines, the last one ending in
// "…" when text was dropped: for the first page's header and the running
// header and footer, which must fit whatever the input (the tables hold
// what is long).
func (r *reportRenderer) wrapText(s string, w float64, n int) []string {
	return r.firstLines(r.cellWrap(oneLine(s), w), w, n)
}

// glueDates joins the words of an English date ("1", "Jan", "2026)")
// into one, so that a date is never split over two lines.
func glueDates(words []string) []string {
	isNum := func(s string, n ...int) bool {
		s = strings.TrimRight(s, ").,;:")
		if !slices.Contains(n, len(s)) {
			return false
		}
		for _, c := range s {
			if c < '0' || c > '9' {
				return false
			}
		}
		return true
	}
	out := words[:0:0]
	for i := 0; i < len(words); i++ {
		if i+2 < len(words) && isNum(words[i], 1, 2) && slices.Contains(monthsEN[:], words[i+1]) && isNum(words[i+2], 4) {
			out = append(out, words[i]+" "+words[i+1]+" "+words[i+2])
			i += 2
			continue
		}
		out = append(out, words[i])
	}
	return out
}

// wordPieces splits a word after each hyphen, slash, underscore, dot,
// comma, colon or semicolon that has more of the word after it.
func wordPieces(word string) []string {
	var out []string
	start := 0
	for i, c := range word {
		switch c {
		case '-', '/', '_', '.', ',', ':', ';', '\\':
			if end := i + 1; end < len(word) {
				out = append(out, word[start:end])
				start = end
			}
		}
	}
	return append(out, word[start:])
}

// rowHeight is the height of a row of n lines.
func rowHeight(n int) float64 { return repRowH + float64(max(n, 1)-1)*repLineH }

// repCell is a cell of a row as laid out: text in lines, or an amount.
type repCell struct {
	c      repCol
	x, w   float64
	lines  []string
	amount bool
}

// startGroup draws the heading of a new run of rows, on a new page unless
// it fits here with the run's first row (of height first).
func (r *reportRenderer) startGroup(g []string, first float64) {
	r.group = nil // a page break here does not continue the last run
	if r.y+repHeadGap+r.groupHeadingHeight(g)+first > bodyBottom && !r.fresh {
		r.newPage()
	}
	r.groupHeading(g, false)
	r.group = g
	r.fresh = true // the first row stays with its heading (it fits, or fits no page)
}

func (r *reportRenderer) row(row reports.Row) {
	var group []string
	if len(r.groups) > 0 {
		if g := r.groupOf(row); g != nil && !equalStrings(g, r.group) {
			group = g
		}
	}
	if row.Style == reports.Note {
		if group != nil {
			r.startGroup(group, rowHeight(2))
		}
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
	r.font(style, repSize)
	cells := make([]repCell, 0, len(r.cols))
	n := 1
	for i, c := range r.cols {
		if c.idx >= len(row.Cells) {
			continue
		}
		s := r.cell(row.Cells[c.idx], c.kind)
		if s == "" {
			continue
		}
		x, w := c.x+cellPad, c.w-2*cellPad
		if i == 0 && row.Level > 0 {
			in := min(float64(min(row.Level, repMaxLevel))*repIndent, w/2)
			x, w = x+in, w-in
		}
		rc := repCell{c: c, x: x, w: w}
		switch {
		case c.kind == reports.Money || c.kind == reports.Number || c.kind == reports.Date && r.width(s) <= w*1.25:
			// Amounts and dates stay on one line: they shrink a little
			// rather than wrap (a date that is not one wraps as text).
			rc.amount, rc.lines = true, []string{s}
		case r.width(s) <= w:
			rc.lines = []string{s}
		default:
			rc.lines = r.cellWrap(s, max(w, 1))
		}
		n = max(n, len(rc.lines))
		cells = append(cells, rc)
	}
	need := rowHeight(n)
	if group != nil {
		r.startGroup(group, need)
	}
	if row.Style == reports.Heading {
		// A heading is not left alone at the foot of a page.
		need += repRowH
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
	// Lines from..from+m on this page; a row taller than what is left of
	// a page that holds nothing else goes on over the next.
	for from := 0; from < n; {
		m := n - from
		if avail := bodyBottom - r.y; rowHeight(m) > avail {
			m = max(1, min(m, int((avail-repRowH)/repLineH)+1))
		}
		h := rowHeight(m)
		switch row.Style {
		case reports.Subtotal:
			if from == 0 {
				r.hline(marginL, rightEdge, r.y, colMuted, 0.3)
			}
		case reports.Total:
			r.fillRect(marginL, r.y, contentW, h, colTotalBg)
			if from == 0 {
				r.hline(marginL, rightEdge, r.y, colStrong, 0.4)
			}
		}
		r.font(style, repSize)
		r.color(colInk)
		if style == "B" {
			r.color(colStrong)
		}
		for _, rc := range cells {
			if rc.amount {
				if from == 0 {
					r.figureAt(rc.x, r.y, rc.w, rc.lines[0], rc.c, style)
				}
				continue
			}
			for i := from; i < min(from+m, len(rc.lines)); i++ {
				r.text(rc.x, r.y+float64(i-from)*repLineH, rc.w, repRowH, rc.lines[i], rc.c.align)
			}
		}
		r.y += h
		from += m
		r.fresh = false
		if from < n {
			r.newPage()
		}
	}
	if !bg && row.Style != reports.Heading {
		r.hline(marginL, rightEdge, r.y, colRule, 0.15)
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// figureAt writes an amount (or a date) in a row's cell at (x, y) with
// the row's font: it shrinks to fit (a cut amount misleads; it is cut only
// if even 6 pt does not fit).
func (r *reportRenderer) figureAt(x, y, w float64, s string, c repCol, style string) {
	if r.width(s) > w {
		r.fit(x, y, w, repRowH, s, c.align, style, repSize)
		return
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
	for i, c := range r.cols {
		if c.idx >= len(row.Cells) {
			continue
		}
		cells[i] = r.cell(row.Cells[c.idx], c.kind)
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
	lines := r.cellWrap(cells[first], w)
	// Further text cells wrap in their own columns, line by line beside
	// the note's text; amounts stand on the first line.
	further := make([][]string, len(cells))
	n := len(lines)
	for j := next; j < len(cells); j++ {
		if c := r.cols[j]; cells[j] != "" && c.kind != reports.Money && c.kind != reports.Number {
			further[j] = r.cellWrap(cells[j], max(c.w-2*cellPad, 1))
			n = max(n, len(further[j]))
		}
	}
	pad := (repRowH - repNoteLineH) / 2
	for i := range n {
		h := repNoteLineH
		if i == 0 {
			h += pad
		}
		if i == n-1 {
			h += pad
		}
		if r.y+h > bodyBottom && !r.fresh {
			r.newPage()
		}
		r.font("", repSize)
		top := r.y
		if i == 0 {
			top += pad
		}
		if i < len(lines) {
			r.color(colMuted)
			r.text(x, top, w, repNoteLineH, lines[i], "L")
		}
		r.color(colInk)
		for j := next; j < len(cells); j++ {
			c := r.cols[j]
			switch {
			case cells[j] == "":
			case further[j] != nil:
				if i < len(further[j]) {
					r.text(c.x+cellPad, top, c.w-2*cellPad, repNoteLineH, further[j][i], c.align)
				}
			case i == 0:
				r.figureAt(c.x+cellPad, top-pad, c.w-2*cellPad, cells[j], c, "")
			}
		}
		r.y += h
		r.fresh = false
	}
	r.hline(marginL, rightEdge, r.y, colRule, 0.15)
}
