package pdf

import (
	_ "embed"
	"strings"
	"sync"

	"codeberg.org/go-pdf/fpdf"
)

// The DejaVu Sans Condensed fonts, regular and bold; see fonts/LICENSE.
//
//go:embed fonts/DejaVuSansCondensed.ttf
var fontRegular []byte

//go:embed fonts/DejaVuSansCondensed-Bold.ttf
var fontBold []byte

const fontFamily = "dejavu"

// fpdf parses a UTF-8 font into the one document it is added to and cannot
// share a parsed font between documents, so every Render parses the font
// again and, when writing, cuts the glyphs it used out of it. Both take
// time in proportion to the font, so the fonts are first cut down, once,
// to the scripts of European invoices: that makes a Render about a quarter
// faster (see BenchmarkRenderInvoice).
var (
	fontOnce                    sync.Once
	fontRegularCut, fontBoldCut []byte
)

// fontRanges are the characters kept: Latin (with Latin-1, Extended-A, -B
// and Additional, which cover every EU language and Vietnamese), Greek,
// Cyrillic, general punctuation, super- and subscripts, currency signs,
// letter-like symbols (№, ™), number forms, arrows, mathematical operators,
// geometric shapes (bullets) and U+FFFD. Anything else prints as the
// font's empty box, as it would in any font without the glyph.
var fontRanges = [][2]rune{
	{0x0020, 0x024F}, {0x0250, 0x02FF}, {0x0300, 0x036F},
	{0x0370, 0x03FF}, {0x0400, 0x052F},
	{0x1E00, 0x1EFF}, {0x2000, 0x206F}, {0x2070, 0x209F}, {0x20A0, 0x20CF},
	{0x2100, 0x218F}, {0x2190, 0x21FF}, {0x2200, 0x22FF}, {0x25A0, 0x25FF},
	{0xFB00, 0xFB06}, {0xFFFD, 0xFFFD},
}

// embeddedFonts returns the regular and bold font to add to a document.
func embeddedFonts() (regular, bold []byte) {
	fontOnce.Do(func() {
		var set strings.Builder
		for _, rg := range fontRanges {
			for c := rg[0]; c <= rg[1]; c++ {
				set.WriteRune(c)
			}
		}
		fontRegularCut, fontBoldCut = cutFont(fontRegular, set.String()), cutFont(fontBold, set.String())
	})
	return fontRegularCut, fontBoldCut
}

// cutFont is fpdf.UTF8CutFont, or the whole font should that fail.
func cutFont(ttf []byte, set string) (out []byte) {
	defer func() {
		if recover() != nil || len(out) == 0 {
			out = ttf
		}
	}()
	return fpdf.UTF8CutFont(ttf, set)
}
