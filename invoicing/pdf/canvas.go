package pdf

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"
)

// This file holds what invoices (render.go) and reports (report.go) share:
// the document set-up that makes output fast and deterministic, the
// drawing primitives, the running header and the page footers.

// fixedStamp is the creation date of documents that have no date of their
// own: a clock reading would make two renders of the same input differ.
var fixedStamp = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// newFpdf is an empty A4 document in the embedded fonts, dated stamp.
//
// Speed: the fonts are cut to the European scripts once per process
// (embeddedFonts), and pages are compressed at zlib's best speed (fpdf's
// setting), which costs little next to the font subsetting on output.
// Determinism: fixed dates and sorted catalog entries.
func newFpdf(stamp time.Time) *fpdf.Fpdf {
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCatalogSort(true)
	f.SetCreationDate(stamp)
	f.SetModificationDate(stamp)
	f.SetCompression(true)
	regular, bold := embeddedFonts()
	f.AddUTF8FontFromBytes(fontFamily, "", regular)
	f.AddUTF8FontFromBytes(fontFamily, "B", bold)
	f.SetMargins(marginL, marginTop, marginR)
	f.SetAutoPageBreak(false, pageH-bodyBottom) // breaks are placed by hand
	f.SetCellMargin(0)
	f.SetLineWidth(0.2)
	return f
}

// setProducer writes the metadata every document carries.
func setProducer(f *fpdf.Fpdf, lang string) {
	f.SetCreator("backoffice", true)
	f.SetProducer("backoffice invoicing/pdf (fpdf)", true)
	f.SetLang(lang)
}

// canvas draws on a document.
type canvas struct {
	f *fpdf.Fpdf
}

func (cv *canvas) font(style string, size float64) { cv.f.SetFont(fontFamily, style, size) }

func (cv *canvas) color(c rgb) { cv.f.SetTextColor(c.r, c.g, c.b) }

func (cv *canvas) width(s string) float64 { return cv.f.GetStringWidth(s) }

// text writes one line of s in the box (x, y, w, h) with the current font.
func (cv *canvas) text(x, y, w, h float64, s, align string) {
	if s == "" {
		return
	}
	cv.f.SetXY(x, y)
	cv.f.CellFormat(w, h, s, "", 0, align, false, 0, "")
}

// fit writes one line of s in the box, shrinking the font down to 6 pt
// and then cutting the text with "…" so that it never runs out of the box.
func (cv *canvas) fit(x, y, w, h float64, s, align, style string, size float64) {
	s = oneLine(s)
	cv.font(style, size)
	if cv.width(s) > w {
		for sz := size - 0.5; sz >= 6 && cv.width(s) > w; sz -= 0.5 {
			cv.font(style, sz)
		}
		if cv.width(s) > w {
			s = cv.cut(s, w)
		}
	}
	cv.text(x, y, w, h, s, align)
	cv.font(style, size)
}

// cut shortens s with "…" to fit w with the current font.
func (cv *canvas) cut(s string, w float64) string {
	runes := []rune(s)
	ell := cv.width("…")
	total := 0.0
	for i, c := range runes {
		total += cv.width(string(c))
		if total+ell > w {
			return string(runes[:i]) + "…"
		}
	}
	return s
}

func (cv *canvas) hline(x1, x2, y float64, c rgb, width float64) {
	cv.f.SetDrawColor(c.r, c.g, c.b)
	cv.f.SetLineWidth(width)
	cv.f.Line(x1, y, x2, y)
}

func (cv *canvas) fillRect(x, y, w, h float64, c rgb) {
	cv.f.SetFillColor(c.r, c.g, c.b)
	cv.f.Rect(x, y, w, h, "F")
}

// wrap breaks s into lines no wider than w in the current font: at spaces
// where it can, inside a word where a word alone is too wide. Line breaks
// in s are kept; blank lines at the start and end are dropped. It returns
// at least one (possibly empty) line.
func (cv *canvas) wrap(s string, w float64) []string {
	s = clean(s)
	var out []string
	space := cv.width(" ")
	for para := range strings.SplitSeq(s, "\n") {
		words := strings.Fields(para)
		if len(words) == 0 {
			out = append(out, "")
			continue
		}
		line, lineW := "", 0.0
		for _, word := range words {
			ww := cv.width(word)
			if line != "" && lineW+space+ww <= w {
				line += " " + word
				lineW += space + ww
				continue
			}
			if line != "" {
				out = append(out, line)
			}
			for ww > w {
				n, nw := cv.prefix(word, w)
				out = append(out, word[:n])
				word, ww = word[n:], ww-nw
			}
			line, lineW = word, ww
		}
		out = append(out, line)
	}
	start, end := 0, len(out)
	for start < end && out[start] == "" {
		start++
	}
	for end > start && out[end-1] == "" {
		end--
	}
	if start == end {
		return []string{""}
	}
	return out[start:end]
}

// wrapMax is wrap cut to at most n lines, the last one ending in "…" when
// text was dropped. The header uses it: it is drawn on the first page only
// and must fit there whatever the input.
func (cv *canvas) wrapMax(s string, w float64, n int) []string {
	return cv.firstLines(cv.wrap(s, w), w, n)
}

// firstLines is lines (each no wider than w) cut to at most n, the last
// one ending in "…" when lines were dropped.
func (cv *canvas) firstLines(lines []string, w float64, n int) []string {
	if len(lines) <= n {
		return lines
	}
	lines = lines[:n]
	lines[n-1] = cv.cut(lines[n-1]+" …", w)
	if !strings.HasSuffix(lines[n-1], "…") {
		lines[n-1] = cv.cut(lines[n-1], w-cv.width("…")) + "…"
	}
	return lines
}

// prefix returns the byte length and width of the longest prefix of word
// (at least one rune) no wider than w; ending after a "/", "-", "_", ".",
// "@" or "," where one makes a prefix of at least 40 % of w, so that a long
// number, address or path breaks where a reader expects it.
func (cv *canvas) prefix(word string, w float64) (int, float64) {
	total := 0.0
	brk, brkW := 0, 0.0
	for i, c := range word {
		cw := cv.width(string(c))
		if i > 0 && total+cw > w {
			if brk > 0 && brkW >= 0.4*w {
				return brk, brkW
			}
			return i, total
		}
		total += cw
		if strings.ContainsRune("/-_.@,", c) {
			brk, brkW = i+utf8.RuneLen(c), total
		}
	}
	return len(word), total
}

// runningHeader writes the small header of a page after the first, left
// and right, with a rule under it, and returns where the page's content
// starts.
func (cv *canvas) runningHeader(left, right string) float64 {
	y := marginTop
	cv.font("", smallSize)
	cv.color(colMuted)
	cv.text(marginL, y, contentW*0.6, smallLineH, cv.cut(oneLine(left), contentW*0.6), "L")
	cv.text(marginL+contentW*0.6, y, contentW*0.4, smallLineH, cv.cut(oneLine(right), contentW*0.38), "R")
	y += smallLineH + 1.5
	cv.hline(marginL, rightEdge, y, colRule, 0.2)
	return y + 4
}

// pageFooters writes the footer of every page once the page count is
// known: left writes what goes at the left in the width leftW, in the
// small muted font, and "page x of y" goes at the right. (fpdf's
// AliasNbPages would put a placeholder in place of y, which cannot be
// right-aligned exactly.)
func (cv *canvas) pageFooters(leftW float64, left func(w float64), page func(n, of string) string) {
	n := cv.f.PageCount()
	total := strconv.Itoa(n)
	for p := 1; p <= n; p++ {
		cv.f.SetPage(p)
		cv.hline(marginL, rightEdge, footerY-1.5, colRule, 0.2)
		// Select the font afresh on this page's content stream.
		cv.font("B", smallSize)
		cv.font("", smallSize)
		cv.color(colMuted)
		left(leftW)
		cv.fit(marginL+leftW, footerY, contentW-leftW, smallLineH, page(strconv.Itoa(p), total), "R", "", smallSize)
	}
	cv.f.SetPage(n)
}
