// Package pdftest is for tests only: it reads PDFs back with poppler's
// pdftotext and checks what they print (rows, whole words, one date style
// per language). Without pdftotext a test skips, or fails where the CI
// environment variable is set (.ci/run sets it and installs poppler-utils).
package pdftest

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// pdftotext runs pdftotext with args on pdf (read from standard input,
// written to standard output). It skips the test where pdftotext is
// missing, or fails it where CI is set.
func pdftotext(t testing.TB, pdf []byte, args ...string) []byte {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		msg := "pdftotext not found: run `apt-get install poppler-utils` (or .ci/run, which installs it)"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	cmd := exec.Command(bin, append(args, "-", "-")...)
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("pdftotext %s: %v: %s", strings.Join(args, " "), err, ee.Stderr)
		}
		t.Fatalf("pdftotext %s: %v", strings.Join(args, " "), err)
	}
	return out
}

// Text is the text of a PDF as `pdftotext -layout` extracts it; pages
// are separated by form feeds.
func Text(t testing.TB, pdf []byte) string {
	t.Helper()
	return string(pdftotext(t, pdf, "-layout", "-enc", "UTF-8"))
}

// Raw is the text of a PDF in the order it was drawn (pdftotext -raw): a
// wrapped text comes out as its lines one after the other, not
// interleaved with a column beside it.
func Raw(t testing.TB, pdf []byte) string {
	t.Helper()
	return string(pdftotext(t, pdf, "-raw", "-enc", "UTF-8"))
}

// Boxes is the first page of a PDF as `pdftotext -bbox` writes it: the
// PDF's metadata (<meta name=… content=…>), then every word with its
// box. WordHeight reads it.
func Boxes(t testing.TB, pdf []byte) string {
	t.Helper()
	return string(pdftotext(t, pdf, "-bbox", "-f", "1", "-l", "1"))
}

// WordHeight is the height of the first box of word in boxes (from
// Boxes), and false where word has none.
func WordHeight(boxes, word string) (float64, bool) {
	re := regexp.MustCompile(`yMin="([0-9.]+)" xMax="[0-9.]+" yMax="([0-9.]+)">` + regexp.QuoteMeta(word) + `</word>`)
	m := re.FindStringSubmatch(boxes)
	if m == nil {
		return 0, false
	}
	y0, _ := strconv.ParseFloat(m[1], 64)
	y1, _ := strconv.ParseFloat(m[2], 64)
	return y1 - y0, true
}

// Flat is text with every run of white space (line and page breaks
// included) one space, for looking for sentences that wrap.
func Flat(text string) string { return strings.Join(strings.Fields(text), " ") }

// RowHas reports whether some line of text holds all of parts, in order.
func RowHas(text string, parts ...string) bool {
	for line := range strings.SplitSeq(text, "\n") {
		rest, ok := line, true
		for _, p := range parts {
			i := strings.Index(rest, p)
			if i < 0 {
				ok = false
				break
			}
			rest = rest[i+len(p):]
		}
		if ok {
			return true
		}
	}
	return false
}

// PrintedWhole reports the first word of src that the words of text do
// not hold in order ("" when all are there). A word may be split over
// consecutive words of text (a long word broken at the end of a line);
// other words may come between src's words (other columns, page
// furniture).
func PrintedWhole(text, src string) string {
	words := strings.Fields(text)
	i := 0
next:
	for _, w := range strings.Fields(src) {
		for ; i < len(words); i++ {
			rest := w
			for j := i; j < len(words) && strings.HasPrefix(rest, words[j]); j++ {
				rest = rest[len(words[j]):]
				if rest == "" {
					i = j + 1
					continue next
				}
			}
		}
		return w
	}
	return ""
}

// The dates a document may print in each language, and the styles it
// must not.
var (
	dateNL  = regexp.MustCompile(`\b\d{2}-\d{2}-\d{4}\b`)
	dateEN  = regexp.MustCompile(`\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b`)
	dateISO = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}\b`)
	dateAny = regexp.MustCompile(`\b\d{1,2}[-/. ]\d{1,2}[-/. ]\d{2,4}\b|\b\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b|(?i)\b\d{1,2}\.? (jan|feb|mar|maa|apr|may|mei|jun|jul|aug|sep|oct|okt|nov|dec)[a-z]*\.? \d{4}\b`)
)

// CheckDateStyle fails unless text (of the document called name) holds a
// date and writes every date in the one style of lang: "31-12-2026" in
// Dutch ("nl"), "31 Dec 2026" in English (any other), in titles, column
// headings and cells alike.
func CheckDateStyle(t testing.TB, name, text, lang string) {
	t.Helper()
	own := dateEN
	if lang == "nl" {
		own = dateNL
	}
	if !own.MatchString(text) {
		t.Errorf("%s: no %s date", name, lang)
	}
	rest := own.ReplaceAllString(text, "")
	for _, re := range []*regexp.Regexp{dateISO, dateAny} {
		if m := re.FindString(rest); m != "" {
			t.Errorf("%s prints a date as %q", name, m)
		}
	}
}
