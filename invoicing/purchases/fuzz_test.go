package purchases

import (
	"regexp"
	"strings"
	"testing"

	"backoffice/ledger/fuzzcheck"
	"github.com/shopspring/decimal"
)

// percentBound: ParsePercent is invoicing.ParseDecimal with 4 places
// (under 700 bytes measured, nothing per byte: texts over 40 characters
// are refused unread) and a comparison; a fuzz worker's first call adds
// up to 5.6 KiB of the framework's own (seen on ParseDecimal's target), so
// 16 KiB leaves room.
var percentBound = fuzzcheck.Bound{Base: 16 << 10, PerByte: 0}

// FuzzParsePercent: an accepted percent is from 0 to 100 with at most 4
// decimals, equal to the number its digits say, and its text parses back
// to it; anything that is not such a number is refused.
func FuzzParsePercent(f *testing.F) {
	// Seeds: the rates and percents of the docs' and API tests' examples.
	quoted := regexp.MustCompile(`"(?:rate|deductible_percent|vat_tolerance)": *"([^"]*)"`)
	for _, s := range fuzzcheck.Matches(f, quoted, "../../docs/purchases.md", "../../api/purchase_invoices_test.go", "../../api/invoicing_test.go") {
		f.Add(s)
	}
	for _, s := range []string{"21", "9", "0", "100", "100.0000", "100.0001", "99.99995", " 21 ", "-0", "21%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fuzzcheck.Input(t, len(s))
		var d decimal.Decimal
		var ok bool
		if err := percentBound.Run(len(s), func() { d, ok = ParsePercent(s) }); err != nil {
			t.Fatal(err)
		}
		want, wantOK := expectPercent(s)
		if ok != wantOK || ok && d.String() != want {
			t.Fatalf("ParsePercent(%q) = %s, %v; want %q, %v", s, d, ok, want, wantOK)
		}
		if !ok {
			return
		}
		if back, ok := ParsePercent(d.String()); !ok || !back.Equal(d) {
			t.Fatalf("ParsePercent(%q) = %s, %v; want %s again", d.String(), back, ok, d)
		}
	})
}

// expectPercent works out by hand the text of the percent s is (no
// leading or trailing zeros), or false: s, less spaces around it, must be
// digits with at most one point inside, at most 40 characters, at most 4
// decimals once trailing zeros are dropped, and at most 100.
func expectPercent(s string) (string, bool) {
	s = strings.TrimSpace(s)
	whole, frac, dot := strings.Cut(s, ".")
	if len(s) > 40 || !digitsOnly(whole) || dot && !digitsOnly(frac) {
		return "", false
	}
	whole, frac = strings.TrimLeft(whole, "0"), strings.TrimRight(frac, "0")
	if len(frac) > 4 || len(whole) > 3 || len(whole) == 3 && (whole != "100" || frac != "") {
		return "", false
	}
	if whole == "" {
		whole = "0"
	}
	if frac != "" {
		return whole + "." + frac, true
	}
	return whole, true
}

func digitsOnly(s string) bool {
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}
