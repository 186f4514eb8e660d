package invoicing

import (
	"regexp"
	"strings"
	"testing"

	"backoffice/ledger/fuzzcheck"
	"github.com/shopspring/decimal"
)

// quotedNumbers finds the quoted quantities, prices and rates in the
// README's and docs' request examples ("3", "12.50", "21"): the seeds.
var quotedNumbers = regexp.MustCompile(`"(-?[0-9][0-9.,eE+-]*)"`)

// decimalBound: ParseDecimal reads at most 40 characters into a decimal
// (a big.Int and a few small scratch values, measured under 700 bytes)
// and refuses longer ones before reading them, so its allocation does not
// grow with the input; the message of a refusal quotes at most 32 bytes.
// A fuzz worker's first call measured 5.6 KiB (the framework's own), so
// 16 KiB is that with room; nothing per byte.
var decimalBound = fuzzcheck.Bound{Base: 16 << 10, PerByte: 0}

// expectDecimal works out by hand, from the digits, the text ParseDecimal
// must accept s as (decimal's String: no leading or trailing zeros) or
// which refusal it must give: "negative", "invalid", "places" or "large".
func expectDecimal(s string, places int) (text, refusal string) {
	s = strings.TrimSpace(s)
	plain := func(s string) bool {
		whole, frac, dot := strings.Cut(s, ".")
		return len(s) <= 40 && digitsOnly(whole) && (!dot || digitsOnly(frac))
	}
	switch {
	case strings.HasPrefix(s, "-") && plain(s[1:]):
		return "", "negative"
	case !plain(s):
		return "", "invalid"
	}
	whole, frac, _ := strings.Cut(s, ".")
	whole, frac = strings.TrimLeft(whole, "0"), strings.TrimRight(frac, "0")
	switch {
	case len(frac) > places:
		return "", "places"
	case len(whole) > 13 || len(whole) == 13 && (whole != "1000000000000" || frac != ""):
		return "", "large" // above 1,000,000,000,000 (13 digits)
	}
	if whole == "" {
		whole = "0"
	}
	if frac != "" {
		return whole + "." + frac, ""
	}
	return whole, ""
}

func digitsOnly(s string) bool {
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

func seedNumbers(f *testing.F) []string {
	return fuzzcheck.Matches(f, quotedNumbers, "../README.md", "../docs/api.md")
}

// FuzzParseDecimal: an accepted quantity, price or rate is the value its
// digits say (checked on its text), within the places and the maximum, and
// its text parses back to it; a refusal is the one the digits call for.
func FuzzParseDecimal(f *testing.F) {
	for _, s := range seedNumbers(f) {
		f.Add(s, uint8(2))
	}
	for _, s := range []string{" 12.50 ", "3.9500", "-1", "1000000000000", "1000000000000.0001", "0.0000001", "1.", ".5", "１"} {
		f.Add(s, uint8(4))
	}
	f.Fuzz(func(t *testing.T, s string, p uint8) {
		fuzzcheck.Input(t, len(s))
		places := []int32{0, 2, 4, 6}[p%4]
		var d decimal.Decimal
		var err error
		if berr := decimalBound.Run(len(s), func() { d, err = ParseDecimal(s, places) }); berr != nil {
			t.Fatal(berr)
		}
		text, refusal := expectDecimal(s, int(places))
		if err != nil {
			ok := map[string]bool{
				"negative": err == errNegative,
				"large":    err == errTooLarge,
				"places":   err.Error() == errPlaces(places).Error(),
				// It quotes at most 40 bytes, each at most 4 characters
				// quoted ("\xad").
				"invalid": strings.Contains(err.Error(), "is not a plain decimal number") && len(err.Error()) < 300,
			}[refusal]
			if !ok {
				t.Fatalf("ParseDecimal(%q, %d) refused with %q; want refusal %q", s, places, err, refusal)
			}
			return
		}
		if refusal != "" || d.String() != text {
			t.Fatalf("ParseDecimal(%q, %d) = %s; want %q, refusal %q", s, places, d, text, refusal)
		}
		back, err := ParseDecimal(d.String(), places)
		if err != nil || !back.Equal(d) {
			t.Fatalf("ParseDecimal(%q) = %s, %v; want %s again", d.String(), back, err, d)
		}
	})
}
