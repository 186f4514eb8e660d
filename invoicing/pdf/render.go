package pdf

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"codeberg.org/go-pdf/fpdf"
)

// Page geometry, in millimetres on A4 portrait.
const (
	pageW      = 210.0
	pageH      = 297.0
	marginL    = 20.0
	marginR    = 20.0
	contentW   = pageW - marginL - marginR
	rightEdge  = pageW - marginR
	marginTop  = 18.0
	bodyBottom = pageH - 24.0 // nothing but the footer goes below this
	footerY    = pageH - 16.0

	cellPad    = 1.6 // horizontal padding inside table cells
	rowPad     = 1.2 // vertical padding of a table row
	baseSize   = 9.0 // body text, points
	smallSize  = 7.5
	lineH      = 4.2 // line height of baseSize text
	smallLineH = 3.5
	headRowH   = 7.0 // height of a table header row
	sumRowH    = 6.0 // height of a VAT breakdown or totals row
)

type rgb struct{ r, g, b int }

var (
	colInk     = rgb{31, 41, 55}
	colMuted   = rgb{107, 114, 128}
	colAccent  = rgb{23, 63, 116}
	colRule    = rgb{214, 218, 224}
	colHeadBg  = rgb{241, 243, 246}
	colStrong  = rgb{17, 24, 39}
	colTotalBg = rgb{232, 238, 247}
)

// marker is the footnote marker of the n-th special VAT kind (from 1), in
// order of appearance: its number in superscript digits, so that an
// invoice may mix as many kinds with a legal note as there are.
func marker(n int) string {
	const digits = "⁰¹²³⁴⁵⁶⁷⁸⁹"
	sup := []rune(digits)
	var out []rune
	for _, c := range strconv.Itoa(n) {
		out = append(out, sup[c-'0'])
	}
	return string(out)
}

// Render writes doc as a PDF to w.
//
// The document is A4 in the embedded DejaVu Sans Condensed font, which
// prints every EU language, Greek and Cyrillic (see fontRanges). Text
// fields are printed as given, cleaned: control characters are dropped,
// characters beyond the font's plane (emoji) print as "�", other
// characters the font lacks as an empty box. Nothing the service can
// store is cut: names, addresses, descriptions, units and notes wrap, and
// the customer's block, the lines, notes and the VAT breakdown run over as
// many pages as they need. Only text longer than the service accepts is
// cut with "…" (the supplier's block and the document facts, which stay
// on the first page; see header). Output is deterministic: the same
// Document gives the same bytes. Render is safe for concurrent use.
func Render(w io.Writer, doc *Document) (err error) {
	if doc == nil {
		return errors.New("pdf: nil document")
	}
	if w == nil {
		return errors.New("pdf: nil writer")
	}
	defer func() {
		// fpdf indexes its tables with values taken from the text; should
		// some input still trip it, the caller gets an error, not a crash.
		if p := recover(); p != nil {
			err = fmt.Errorf("pdf: rendering %q: %v", doc.Number, p)
		}
	}()

	stamp, ok := parseISODate(doc.IssueDate)
	if !ok {
		stamp = fixedStamp
	}
	f := newFpdf(stamp)

	r := newRenderer(f, doc)
	f.SetTitle(r.docLabel(), true)
	f.SetSubject(r.title, true)
	f.SetAuthor(oneLine(doc.Supplier.Name), true)
	setProducer(f, r.l.lang)
	r.render()
	if err := f.Error(); err != nil {
		return fmt.Errorf("pdf: rendering %q: %w", doc.Number, err)
	}
	if err := f.Output(w); err != nil {
		return fmt.Errorf("pdf: writing %q: %w", doc.Number, err)
	}
	return nil
}

type column struct {
	title string
	w     float64
	align string
}

type renderer struct {
	canvas
	d   *Document
	l   *labels
	cur string
	exp int

	title   string
	credit  bool
	number  string
	y       float64
	inTable bool
	cols    []column
	hasDisc bool
	// freshTable is true while the current page holds no line row yet.
	freshTable bool

	kinds  []string          // special VAT kinds used, in order of appearance
	marker map[string]string // kind -> footnote marker
}

func newRenderer(f *fpdf.Fpdf, d *Document) *renderer {
	r := &renderer{
		canvas: canvas{f},
		d:      d,
		l:      labelsFor(d.Language),
		cur:    d.Currency,
		exp:    min(max(d.Exponent, 0), maxExponent),
		credit: normKind(d.Kind) == "credit_note" || normKind(d.Kind) == "credit",
		number: oneLine(d.Number),
		marker: map[string]string{},
	}
	r.title = r.l.invoice
	if r.credit {
		r.title = r.l.creditNote
	}
	if d.Void {
		r.title += " – " + r.l.void
	}
	note := func(kind string) {
		kind = normKind(kind)
		if r.kindNote(kind) == "" || r.marker[kind] != "" {
			return
		}
		r.marker[kind] = marker(len(r.kinds) + 1)
		r.kinds = append(r.kinds, kind)
	}
	for _, ln := range d.Lines {
		note(ln.TaxKind)
		if !isZeroOrEmpty(ln.DiscountPercent) {
			r.hasDisc = true
		}
	}
	for _, v := range d.VAT {
		note(v.Kind)
	}
	return r
}

// docLabel is "Invoice INV-2026-0001".
func (r *renderer) docLabel() string { return strings.TrimSpace(r.title + " " + r.number) }

func normKind(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func (r *renderer) amount(minor int64) string {
	return FormatAmount(minor, r.exp, r.cur, r.l.lang)
}

func (r *renderer) date(iso string) string { return FormatDate(iso, r.l.lang) }

// --- pagination ---

// newPage starts a page; after the first it repeats a running header and,
// inside the line table, the table header.
func (r *renderer) newPage() {
	r.f.AddPage()
	r.y = marginTop
	if r.f.PageNo() > 1 {
		// The supplier's name at the right, unless it is too long for
		// the room there: then it is left out rather than cut.
		right := oneLine(r.d.Supplier.Name)
		if !r.fits(right, contentW*0.38, smallSize) {
			right = ""
		}
		r.y = r.runningHeader(r.docLabel()+" ("+r.l.continued+")", right)
	}
	if r.inTable {
		r.tableHeader()
	}
}

// fits reports whether s fits on one line of width w in the regular
// font of size pt.
func (r *renderer) fits(s string, w, pt float64) bool {
	r.font("", pt)
	return r.width(s) <= w
}

// wrapWords breaks s into lines no wider than w in the regular font of
// size pt, at spaces only: a word wider than w stays whole on its line.
func (r *renderer) wrapWords(s string, w, pt float64) []string {
	r.font("", pt)
	var out []string
	line := ""
	for _, word := range strings.Fields(oneLine(s)) {
		if line != "" && r.width(line+" "+word) <= w {
			line += " " + word
			continue
		}
		if line != "" {
			out = append(out, line)
		}
		line = word
	}
	return append(out, line)
}

// ensure starts a new page unless h more millimetres fit on this one.
func (r *renderer) ensure(h float64) {
	if r.y+h > bodyBottom {
		r.newPage()
	}
}

// --- document ---

func (r *renderer) render() {
	r.newPage()
	r.header()
	r.lineTable()
	r.summary()
	r.legalNotes()
	r.payment()
	r.notes()
	r.footers()
}

// header draws the supplier, the title, the document facts and the
// customer.
//
// Names and addresses are printed whole, wrapped: the longest the service
// accepts (names of 200 characters, four address lines of 200) fit. Should
// the customer's block run past the first page, it continues on the next.
// Only text beyond anything the service stores is cut with "…": the
// supplier's name after 8 lines, each of its address items after 5, a
// document fact after 3.
func (r *renderer) header() {
	d, l := r.d, r.l
	const leftW = 86.0
	const metaX = 112.0
	const metaW = rightEdge - metaX

	y := marginTop
	// put writes one line of the left column, on a new page if the line
	// does not fit on this one.
	put := func(s, style string, size, h float64, c rgb) {
		if y+h > bodyBottom {
			r.newPage()
			y = r.y
		}
		r.font(style, size)
		r.color(c)
		r.text(marginL, y, leftW, h, s, "L")
		y += h
	}

	// Title and facts, top right (first, so that they are on the first
	// page whatever the left column holds).
	ry := marginTop - 1.5
	r.font("B", 22)
	r.color(colAccent)
	r.fit(metaX, ry, metaW, 10, r.title, "R", "B", 22)
	ry += 14
	type fact struct{ label, value string }
	facts := []fact{
		{l.invoiceNumber, r.number},
		{l.invoiceDate, r.date(d.IssueDate)},
	}
	if r.credit {
		facts[0].label, facts[1].label = l.creditNoteNumber, l.creditNoteDate
	}
	if strings.TrimSpace(d.SupplyDate) != "" {
		facts = append(facts, fact{l.supplyDate, r.date(d.SupplyDate)})
	}
	if strings.TrimSpace(d.DueDate) != "" {
		facts = append(facts, fact{l.dueDate, r.date(d.DueDate)})
	}
	if d.PaymentTermsDays > 0 {
		facts = append(facts, fact{l.paymentTerms, l.days(d.PaymentTermsDays)})
	}
	if ref := oneLine(d.PaymentReference); ref != "" && !r.credit {
		// A credit note is not paid: it has no payment reference.
		facts = append(facts, fact{l.paymentReference, ref})
	}
	if ref := oneLine(d.BuyerReference); ref != "" {
		facts = append(facts, fact{l.buyerReference, ref})
	}
	const labelW = 31.0
	for _, fc := range facts {
		r.font("", 8.5)
		r.color(colMuted)
		r.text(metaX, ry, labelW, 4.4, fc.label, "L")
		r.font("B", 8.5)
		r.color(colInk)
		lines := r.wrapMax(fc.value, metaW-labelW, 3)
		for _, s := range lines {
			r.text(metaX+labelW, ry, metaW-labelW, 4.4, s, "R")
			ry += 4.4
		}
		ry += 0.6
	}

	// Supplier, top left: the name in 13 pt, or smaller when that takes
	// more than two lines.
	nameSize, nameH := 13.0, 6.0
	r.font("B", nameSize)
	if len(r.wrap(d.Supplier.Name, leftW)) > 2 {
		nameSize, nameH = 10.5, 4.9
		r.font("B", nameSize)
	}
	for _, s := range r.wrapMax(d.Supplier.Name, leftW, 8) {
		put(s, "B", nameSize, nameH, colStrong)
	}
	y += 0.8
	r.font("", 8.5)
	for _, s := range r.partyLines(d.Supplier, leftW, true, 5) {
		put(s, "", 8.5, 3.9, colMuted)
	}

	// Customer, below the supplier ("Bill to" on an invoice, "Customer"
	// on a credit note, which bills nothing). The heading stays with the
	// name.
	y = max(y+8, marginTop+34)
	if y+5+4.8 > bodyBottom {
		r.newPage()
		y = r.y
	}
	heading := l.billTo
	if r.credit {
		heading = l.customer
	}
	put(strings.ToUpper(heading), "B", 7.5, 5, colAccent)
	r.font("B", 10)
	for _, s := range r.wrap(d.Customer.Name, leftW) {
		put(s, "B", 10, 4.8, colStrong)
	}
	r.font("", baseSize)
	for _, s := range r.partyLines(d.Customer, leftW, false, 0) {
		put(s, "", baseSize, lineH, colInk)
	}

	r.y = y + 9
	if r.f.PageNo() == 1 {
		r.y = max(y, ry) + 9
	}
	if r.credit && strings.TrimSpace(d.CreditedNumber) != "" {
		r.ensure(10)
		r.font("B", 10)
		r.color(colAccent)
		ref := l.creditNoteFor + " " + oneLine(d.CreditedNumber)
		if strings.TrimSpace(d.CreditedDate) != "" {
			ref += " " + l.creditedOf(r.date(d.CreditedDate))
		}
		for _, s := range r.wrapMax(ref, contentW, 2) {
			r.text(marginL, r.y, contentW, 5, s, "L")
			r.y += 5
		}
		if strings.TrimSpace(d.CreditedSupplyDate) != "" {
			r.font("", baseSize)
			r.color(colInk)
			r.text(marginL, r.y, contentW, 5, l.creditedSupply+": "+r.date(d.CreditedSupplyDate), "L")
			r.y += 5
		}
		r.y += 4
	}
}

// partyLines is a party's address and identifiers, wrapped to w in the
// current font: each item on at most n lines (any number when n is 0),
// the address on at most six items. The supplier's e-mail address is
// included.
func (r *renderer) partyLines(p Party, w float64, withEmail bool, n int) []string {
	src := r.l.address(p.AddressLines, p.Postcode, p.City, p.Country, p.VATNumber)
	if v := oneLine(p.RegistrationID); v != "" {
		src = append(src, r.l.registrationID+" "+v)
	}
	if e := oneLine(p.Email); withEmail && e != "" {
		src = append(src, e)
	}
	var out []string
	for _, s := range src {
		if n > 0 {
			out = append(out, r.wrapMax(s, w, n)...)
		} else {
			out = append(out, r.wrap(s, w)...)
		}
	}
	return out
}

// --- line table ---

// unitSize is the smallest size a unit below its quantity is printed in,
// and maxQtyW the widest the quantity column grows to make room for it.
const (
	unitSize = 7.0
	maxQtyW  = 30.0
)

// tableColumns lays out the line table. The quantity column widens (up
// to maxQtyW) when a unit's longest word needs it.
func (r *renderer) tableColumns() {
	l := r.l
	amountW, vatW, priceW, qtyW, discW := 29.0, 16.0, 27.0, 22.0, 17.0
	for _, ln := range r.d.Lines {
		r.font("", unitSize)
		for _, word := range strings.Fields(r.l.unit(ln.Unit)) {
			qtyW = min(max(qtyW, r.width(word)+2*cellPad+0.5), maxQtyW)
		}
	}
	descW := contentW - amountW - vatW - priceW - qtyW
	if r.hasDisc {
		descW -= discW
	}
	r.cols = []column{
		{l.description, descW, "L"},
		{l.quantity, qtyW, "R"},
		{l.price, priceW, "R"},
	}
	if r.hasDisc {
		r.cols = append(r.cols, column{l.discount, discW, "R"})
	}
	r.cols = append(r.cols, column{l.vat, vatW, "R"}, column{l.amount, amountW, "R"})
}

func (r *renderer) tableHeader() {
	r.fillRect(marginL, r.y, contentW, headRowH, colHeadBg)
	r.hline(marginL, rightEdge, r.y+headRowH, colAccent, 0.35)
	x := marginL
	for i, c := range r.cols {
		w := c.w - 2*cellPad
		if i == len(r.cols)-2 && len(r.kinds) > 0 {
			r.font("", baseSize)
			w -= r.width("¹") + 0.3 // the footnote marker slot of tableRow
		}
		r.fit(x+cellPad, r.y, w, headRowH, c.title, c.align, "B", 8)
		x += c.w
	}
	r.color(colInk)
	r.y += headRowH
	r.freshTable = true
}

// lineCells are a line's printed cells after the description. The
// quantity with its unit may take more than one line ("\n" between them):
// a unit too long to follow the quantity goes below it, wrapped at its
// spaces (a word too wide for the column is printed smaller by tableRow).
func (r *renderer) lineCells(ln Line) []string {
	qty := formatDecimal(ln.Quantity, 0, r.l.lang)
	if u := r.l.unit(ln.Unit); u != "" && qty != "" {
		w := r.cols[1].w - 2*cellPad
		if r.fits(qty+" "+u, w, baseSize) {
			qty += " " + u
		} else {
			for _, s := range r.wrapWords(u, w, baseSize) {
				// tableRow prints a line too wide in a smaller size,
				// down to 6 pt; a word too wide for even that is split.
				if !r.fits(s, w, 6) {
					r.font("", 6)
					s = strings.Join(r.wrap(s, w), "\n")
				}
				qty += "\n" + s
			}
		}
	}
	cells := []string{qty, formatDecimalMoney(ln.UnitPrice, r.exp, r.cur, r.l.lang)}
	if r.hasDisc {
		disc := ""
		if !isZeroOrEmpty(ln.DiscountPercent) {
			disc = formatPercent(ln.DiscountPercent, r.l.lang)
		}
		cells = append(cells, disc)
	}
	rate := formatPercent(ln.TaxRate, r.l.lang)
	if normKind(ln.TaxKind) == "exempt" {
		rate = r.l.exemptLabel // exempt, not 0 %
	}
	if rate == "" {
		rate = oneLine(ln.TaxCode)
	}
	return append(cells, rate, r.amount(ln.NetMinor))
}

func (r *renderer) lineTable() {
	r.tableColumns()
	r.ensure(headRowH + lineH + 2*rowPad)
	r.inTable = true
	r.tableHeader()
	descW := r.cols[0].w - 2*cellPad
	// A row moved whole to a new page must fit on it.
	contentTop := marginTop + smallLineH + 5.5 + headRowH // first row on a later page
	pageRows := int((bodyBottom - contentTop - 2*rowPad) / lineH)
	if len(r.d.Lines) == 0 {
		// An empty table says so.
		r.tableRow([]string{r.l.noLines}, nil, "", false, true)
	}
	for i, ln := range r.d.Lines {
		cells := r.lineCells(ln)
		r.font("", baseSize)
		lines := r.wrap(ln.Description, descW)
		// The row's first part holds all lines of the other cells.
		cellLines := strings.Count(cells[0], "\n") + 1
		for len(lines) < cellLines {
			lines = append(lines, "")
		}
		mark := r.marker[normKind(ln.TaxKind)]
		first := true
		for first || len(lines) > 0 {
			avail := int((bodyBottom - r.y - 2*rowPad) / lineH)
			need := max(len(lines), 1)
			least := 1
			if first {
				least = cellLines
			}
			if avail < need && !r.freshTable && (need <= pageRows || avail < max(2, least)) {
				r.newPage()
				continue
			}
			n := min(max(avail, least), need)
			r.tableRow(lines[:min(n, len(lines))], cells, mark, first, i == len(r.d.Lines)-1 && n == need)
			lines = lines[min(n, len(lines)):]
			first = false
		}
	}
	r.inTable = false
}

// tableRow draws one row (or the part of one that fits on the page): the
// description lines and, on its first part, the other cells.
//
// The VAT column keeps room at its right for the footnote marker of a
// special VAT kind, so that the rates stay aligned.
func (r *renderer) tableRow(desc, cells []string, mark string, withCells, last bool) {
	h := float64(max(len(desc), 1))*lineH + 2*rowPad
	top := r.y + rowPad
	r.font("", baseSize)
	r.color(colInk)
	for i, s := range desc {
		r.text(marginL+cellPad, top+float64(i)*lineH, r.cols[0].w-2*cellPad, lineH, s, "L")
	}
	if withCells {
		x := marginL + r.cols[0].w
		vatCol := len(r.cols) - 3 // index in cells
		for i, c := range r.cols[1:] {
			r.color(colInk)
			w := c.w - 2*cellPad
			if i == vatCol && len(r.kinds) > 0 {
				slot := r.width("¹") + 0.3
				w -= slot
				if mark != "" {
					r.text(x+cellPad+w+0.3, top, slot, lineH, mark, "L")
				}
			}
			for j, s := range strings.Split(cells[i], "\n") {
				r.fit(x+cellPad, top+float64(j)*lineH, w, lineH, s, c.align, "", baseSize)
			}
			x += c.w
		}
	}
	r.y += h
	rule := colRule
	if last {
		rule = colMuted
	}
	r.hline(marginL, rightEdge, r.y, rule, 0.2)
	r.freshTable = false
}

// --- VAT breakdown and totals ---

// vatLabel names a VAT row: its rate, or the special kind's name, with
// the footnote marker. Rows that would read the same get their code.
func (r *renderer) vatLabel(i int) string {
	label := func(v VATRow) string {
		if s := r.l.kindLabel(normKind(v.Kind)); s != "" {
			return s
		}
		if s := formatPercent(v.Rate, r.l.lang); s != "" {
			return s
		}
		return oneLine(v.Code)
	}
	v := r.d.VAT[i]
	s := label(v)
	for j, o := range r.d.VAT {
		if j != i && label(o) == s && oneLine(v.Code) != "" {
			s += " (" + oneLine(v.Code) + ")"
			break
		}
	}
	return s + r.marker[normKind(v.Kind)]
}

// summary draws the VAT breakdown (left) beside the totals (right). The
// two start on one page together: on a new page if they do not fit below
// the lines. Only a breakdown too long for a whole page continues on the
// next, with its header repeated.
func (r *renderer) summary() {
	d, l := r.d, r.l
	const vatX, vatW = marginL, 88.0
	const totX = 116.0
	const totW = rightEdge - totX

	vatH := headRowH + float64(max(len(d.VAT), 1))*sumRowH
	fx := strings.TrimSpace(d.FunctionalCurrency) != ""
	rate := strings.TrimSpace(d.ExchangeRate) != ""
	settled, paid, open := r.settlement()
	showSettled := !r.credit && !d.Void && settled > 0
	totH := 2*sumRowH + 1.5 + 9
	if showSettled {
		totH += 1.5 + 3*sumRowH
	}
	if fx {
		totH += 2 + 5
		if rate {
			totH += 5
		}
	}
	r.y += 7
	r.ensure(max(min(vatH, bodyBottom-marginTop-20), totH))
	top := r.y
	page := r.f.PageNo()

	// Totals, right.
	y := top
	const labelW = 30.0
	row := func(label, value string, style string, size, h float64, c rgb) {
		r.color(colMuted)
		if style == "B" {
			r.color(c)
		}
		r.fit(totX+cellPad, y, labelW, h, label, "L", style, size)
		r.color(c)
		r.fit(totX+labelW, y, totW-labelW-cellPad, h, value, "R", style, size)
		y += h
	}
	row(l.subtotal, r.amount(d.NetMinor), "", baseSize, sumRowH, colInk)
	row(l.vatTotal, r.amount(d.TaxMinor), "", baseSize, sumRowH, colInk)
	y += 1.5
	r.fillRect(totX, y, totW, 9, colTotalBg)
	row(l.total, r.amount(d.TotalMinor), "B", 11, 9, colStrong)
	if showSettled {
		// What payments and credit notes settled, and what is left.
		y += 1.5
		if paid > 0 {
			row(l.paid, r.amount(paid), "", baseSize, sumRowH, colInk)
		}
		if settled > paid {
			row(l.credited, r.amount(settled-paid), "", baseSize, sumRowH, colInk)
		}
		r.hline(totX, rightEdge, y, colRule, 0.2)
		row(l.amountDue, r.amount(open), "B", baseSize+0.5, sumRowH, colStrong)
	}
	if fx {
		// Art. 230: the VAT also in the supplier's functional currency.
		y += 2
		fcur := strings.ToUpper(oneLine(d.FunctionalCurrency))
		if rate {
			row(l.exchangeRate, "1 "+strings.ToUpper(oneLine(d.Currency))+" = "+formatDecimal(d.ExchangeRate, 0, l.lang)+" "+fcur, "", 8, 5, colMuted)
		}
		row(l.vatFunctional+" "+fcur, FormatAmount(d.TaxMinorFunctional, d.FunctionalExponent, fcur, l.lang), "", 8, 5, colMuted)
	}
	totBottom := y

	// VAT breakdown, left.
	vatCols := []column{{l.vatRate, 34, "L"}, {l.taxableAmount, 28, "R"}, {l.vatAmount, 26, "R"}}
	header := func() {
		r.fillRect(vatX, r.y, vatW, headRowH, colHeadBg)
		r.hline(vatX, vatX+vatW, r.y+headRowH, colAccent, 0.35)
		x := vatX
		for _, c := range vatCols {
			r.color(colInk)
			r.fit(x+cellPad, r.y, c.w-2*cellPad, headRowH, c.title, c.align, "B", 8)
			x += c.w
		}
		r.y += headRowH
	}
	header()
	if len(d.VAT) == 0 {
		// An empty breakdown says so.
		r.color(colMuted)
		r.fit(vatX+cellPad, r.y, vatW-2*cellPad, sumRowH, l.noVAT, "L", "", 8.5)
		r.y += sumRowH
		r.hline(vatX, vatX+vatW, r.y, colRule, 0.2)
	}
	for i, v := range d.VAT {
		if r.y+sumRowH > bodyBottom {
			r.newPage()
			header()
		}
		cells := []string{r.vatLabel(i), r.amount(v.NetMinor), r.amount(v.TaxMinor)}
		x := vatX
		for j, c := range vatCols {
			r.color(colInk)
			r.fit(x+cellPad, r.y, c.w-2*cellPad, sumRowH, cells[j], c.align, "", 8.5)
			x += c.w
		}
		r.y += sumRowH
		r.hline(vatX, vatX+vatW, r.y, colRule, 0.2)
	}
	if r.f.PageNo() == page {
		r.y = max(r.y, totBottom)
	}
}

// textLine is one line of a text block: an optional marker hanging in the
// left margin of the block, and the text.
type textLine struct{ mark, text string }

// block prints a heading (if any) and lines of text. The whole block
// moves to the next page if it does not fit on this one but would on an
// empty page; a longer block flows over pages, keeping the heading with
// at least two lines.
func (r *renderer) block(heading string, lines []textLine, size, lh, indent float64) {
	if len(lines) == 0 {
		return
	}
	headH := 0.0
	if heading != "" {
		headH = 5.5
	}
	whole := headH + float64(len(lines))*lh
	if whole <= bodyBottom-marginTop-20 {
		r.ensure(whole)
	} else {
		r.ensure(headH + 2*lh)
	}
	if heading != "" {
		r.font("B", baseSize)
		r.color(colStrong)
		r.text(marginL, r.y, contentW, 5, heading, "L")
		r.y += headH
	}
	for _, ln := range lines {
		r.ensure(lh)
		r.font("", size)
		r.color(colInk)
		if ln.mark != "" {
			r.text(marginL, r.y, indent, lh, ln.mark, "L")
		}
		r.text(marginL+indent, r.y, contentW-indent, lh, ln.text, "L")
		r.y += lh
	}
}

// wrapLines wraps s to the width of a block in the current font.
func (r *renderer) wrapLines(s string, indent float64) []textLine {
	var out []textLine
	for _, t := range r.wrap(s, contentW-indent) {
		out = append(out, textLine{text: t})
	}
	return out
}

// legalNotes prints the footnotes for the special VAT kinds: the legal
// mention each requires.
func (r *renderer) legalNotes() {
	if len(r.kinds) == 0 && oneLine(r.d.DocumentNote) == "" {
		return
	}
	r.font("", 8)
	indent := r.width("⁴ ")
	var lines []textLine
	for _, k := range r.kinds {
		note := r.wrapLines(r.kindNote(k), indent)
		note[0].mark = r.marker[k]
		lines = append(lines, note...)
	}
	if n := oneLine(r.d.DocumentNote); n != "" {
		lines = append(lines, r.wrapLines(n, indent)...)
	}
	r.y += 6
	r.block("", lines, 8, 3.8, indent)
}

// kindNote is the legal mention of a tax kind: the caller's wording
// (Document.LegalNotes), else the labels'.
func (r *renderer) kindNote(kind string) string {
	if n, ok := r.d.LegalNotes[kind]; ok {
		return oneLine(n)
	}
	return r.l.kindNote(kind)
}

// formatIBAN writes an IBAN in groups of four; other text is returned as
// given.
func formatIBAN(s string) string {
	s = oneLine(s)
	compact := strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	if len(compact) < 5 || len(compact) > 34 {
		return s
	}
	for i, c := range compact {
		letter, digit := c >= 'A' && c <= 'Z', c >= '0' && c <= '9'
		// Two letters (the country), two digits (the check), then both.
		if (i < 2 && !letter) || (i >= 2 && i < 4 && !digit) || (!letter && !digit) {
			return s
		}
	}
	var b strings.Builder
	for i := 0; i < len(compact); i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(compact[i:min(i+4, len(compact))])
	}
	return b.String()
}

// settlement is what allocations settled of the document's total (as a
// magnitude: a credit note may carry negative amounts), how much of that
// payments paid, and what is open; clamped to the total.
func (r *renderer) settlement() (settled, paid, open int64) {
	total := r.d.TotalMinor
	if total < 0 {
		total = -total
	}
	total = max(total, 0) // -math.MinInt64 overflows: nothing
	settled = min(max(r.d.SettledMinor, 0), total)
	paid = min(max(r.d.PaidMinor, 0), settled)
	return settled, paid, total - settled
}

// payment says what is to be paid. An invoice with something open asks
// for it (for what remains once something is settled, saying what was);
// a settled invoice says that it is paid and when; a voided invoice and
// a credit note ask for nothing, and a credit note says how much of it is
// still the customer's credit.
func (r *renderer) payment() {
	d, l := r.d, r.l
	iban := formatIBAN(d.BankIBAN)
	ref := oneLine(d.PaymentReference)
	settled, paid, open := r.settlement()
	// amountIf writes a non-zero amount; "" for zero.
	amountIf := func(minor int64) string {
		if minor == 0 {
			return ""
		}
		return r.amount(minor)
	}
	date := ""
	if open == 0 {
		date = r.date(d.SettledDate)
	}
	heading := l.payment
	var msg string
	switch {
	case r.credit:
		heading = l.settlement
		msg = l.creditStatus(amountIf(settled), amountIf(open), date)
		var how []string
		for _, a := range d.AppliedTo {
			how = append(how, l.appliedTo(oneLine(a.Number), r.amount(a.AmountMinor)))
		}
		if d.RefundedMinor > 0 {
			how = append(how, l.refunded(r.amount(d.RefundedMinor)))
		}
		if len(how) > 0 { // how it was settled, then what remains
			msg = strings.Join(how, " ") + " " + msg
		}
	case d.Void:
		msg = l.voidNoPayment
	case open > 0 && settled > 0:
		msg = l.settledSoFar(amountIf(paid), amountIf(settled-paid), r.amount(open)) + " " +
			l.payRequest(r.amount(open), r.date(d.DueDate), iban, oneLine(d.Supplier.Name), ref, true)
	case open > 0:
		msg = l.payRequest(r.amount(open), r.date(d.DueDate), iban, oneLine(d.Supplier.Name), ref, false)
	case settled > 0:
		msg = l.settledInFull(date, amountIf(paid), amountIf(settled-paid))
	}
	r.font("", baseSize)
	var lines []textLine
	if msg != "" {
		lines = r.wrapLines(msg, 0)
	} else if iban != "" {
		// An invoice with nothing to pay (a total of zero): the bank
		// details, should the customer need them.
		lines = r.wrapLines(l.iban+": "+iban, 0)
	}
	if len(lines) > 0 {
		r.y += 7
		r.block(heading, lines, baseSize, lineH, 0)
	}
}

// notes prints the free text of the document.
func (r *renderer) notes() {
	if strings.TrimSpace(clean(r.d.Notes)) == "" {
		return
	}
	r.font("", baseSize)
	r.y += 7
	r.block(r.l.notes, r.wrapLines(r.d.Notes, 0), baseSize, lineH, 0)
}

// footers writes the footer of every page once the page count is known:
// the supplier (unless its name is too long to share the line: it is left
// out rather than cut), the document and "page x of y".
func (r *renderer) footers() {
	left := r.docLabel()
	if s := oneLine(r.d.Supplier.Name); s != "" && r.fits(s+"  ·  "+left, contentW*0.7, smallSize) {
		left = s + "  ·  " + left
	}
	r.pageFooters(contentW*0.7, func(w float64) {
		r.fit(marginL, footerY, w, smallLineH, left, "L", "", smallSize)
	}, r.l.page)
}
