package money

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"backoffice/ledger/fuzzcheck"
	"github.com/shopspring/decimal"
)

// quotedNumbers finds the quoted amounts and rates in the README's and
// docs' request examples ("354.17", "1.0825"): the seeds of the targets.
var quotedNumbers = regexp.MustCompile(`"(-?[0-9][0-9.,eE+-]*)"`)

func seedNumbers(f *testing.F) []string {
	return fuzzcheck.Matches(f, quotedNumbers, "../../README.md", "../../docs/api.md")
}

// parseBound: ParseAmount runs a regexp (no allocation) and
// decimal.NewFromString, which keeps the digits as a big.Int (a byte per
// 2.4 digits) after building it in a few scratch copies; the seeds and
// the fuzzer's inputs measured under 1 KiB plus 3 bytes per input byte,
// and a fuzz worker's first call adds up to 5.6 KiB of the framework's
// own. 16 KiB and 12 per byte leave room for the runtime's size classes.
var parseBound = fuzzcheck.Bound{Base: 16 << 10, PerByte: 12}

// expectAmount works out, digit by digit and without decimal arithmetic,
// what ParseAmount(s, exp) must answer: the minor units and their
// formatted text, or the reason it is refused.
func expectAmount(s string, exp int) (minor int64, text, reason string) {
	plain := func(s string) bool {
		whole, frac, dot := strings.Cut(s, ".")
		return whole != "" && allDigits(whole) && (!dot || frac != "" && allDigits(frac))
	}
	switch {
	case len(s) > 64:
		return 0, "", ReasonAmountInvalid
	case strings.HasPrefix(s, "-") && plain(s[1:]):
		return 0, "", ReasonAmountNotPositive
	case !plain(s):
		return 0, "", ReasonAmountInvalid
	}
	whole, frac, _ := strings.Cut(s, ".")
	frac = strings.TrimRight(frac, "0")
	digits := strings.TrimLeft(whole+frac, "0")
	if digits == "" {
		return 0, "", ReasonAmountNotPositive
	}
	if len(frac) > exp {
		return 0, "", ReasonAmountTooPrecise
	}
	digits += strings.Repeat("0", exp-len(frac))
	// MaxMinor is 15 nines: more than 15 digits is too large.
	if len(digits) > 15 {
		return 0, "", ReasonAmountTooLarge
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		panic(err) // 15 digits always fit
	}
	padded := strings.Repeat("0", max(0, exp+1-len(digits))) + digits
	text = padded[:len(padded)-exp]
	if exp > 0 {
		text += "." + padded[len(padded)-exp:]
	}
	return n, text, ""
}

func allDigits(s string) bool {
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// FuzzParseAmount: an accepted amount is what the digits say, in range,
// and formats to a text that parses back to it; a refused one is an
// *AmountError with the reason the digits call for.
func FuzzParseAmount(f *testing.F) {
	for _, s := range seedNumbers(f) {
		for e := range 3 {
			f.Add(s, uint8(e))
		}
	}
	for _, s := range []string{"12.340", "0.00", "-0.01", "999999999999.99", "1e3", "00012.5", ".5", "5."} {
		f.Add(s, uint8(1))
	}
	f.Fuzz(func(t *testing.T, s string, e uint8) {
		fuzzcheck.Input(t, len(s))
		exp := []int{0, 2, 3}[e%3]
		var m int64
		var err error
		if berr := parseBound.Run(len(s), func() { m, err = ParseAmount(s, exp) }); berr != nil {
			t.Fatal(berr)
		}
		want, text, reason := expectAmount(s, exp)
		if err != nil {
			var ae *AmountError
			if !errors.As(err, &ae) {
				t.Fatalf("ParseAmount(%q, %d): error %v is not an *AmountError", s, exp, err)
			}
			if ae.Reason != reason || ae.Message == "" {
				t.Fatalf("ParseAmount(%q, %d) refused with %s (%s); want %q", s, exp, ae.Reason, ae.Message, reason)
			}
			return
		}
		if reason != "" {
			t.Fatalf("ParseAmount(%q, %d) = %d; want refusal %s", s, exp, m, reason)
		}
		if m != want || m < 1 || m > MaxMinor {
			t.Fatalf("ParseAmount(%q, %d) = %d; want %d (1..%d)", s, exp, m, want, MaxMinor)
		}
		if got := Format(m, exp); got != text {
			t.Fatalf("Format(%d, %d) = %q; want %q", m, exp, got, text)
		}
		if back, err := ParseAmount(Format(m, exp), exp); err != nil || back != m {
			t.Fatalf("ParseAmount(Format(%d)) = %d, %v", m, back, err)
		}
	})
}

// TestLongText: a text longer than 64 characters is refused before it is
// parsed, cheaply and with a short message; 64 characters are read.
func TestLongText(t *testing.T) {
	long := strings.Repeat("7", 1<<20)
	if err := parseBound.Run(len(long), func() {
		_, err := ParseAmount(long, 2)
		var ae *AmountError
		if !errors.As(err, &ae) || ae.Reason != ReasonAmountInvalid || len(ae.Message) > 200 {
			t.Errorf("ParseAmount(1 MiB of digits) = %v; want a short amount_invalid", err)
		}
		if _, err := ParseRate(long); err == nil || len(err.Error()) > 200 {
			t.Errorf("ParseRate(1 MiB of digits) = %v; want a short refusal", err)
		}
	}); err != nil {
		t.Error(err)
	}
	s := "1." + strings.Repeat("0", 62) // 64 characters
	if m, err := ParseAmount(s, 2); err != nil || m != 100 {
		t.Errorf("ParseAmount(%q) = %d, %v; want 100", s, m, err)
	}
	if _, err := ParseAmount(s+"0", 2); err == nil {
		t.Errorf("ParseAmount of 65 characters was accepted")
	}
}

// FuzzParseRate: an accepted rate is positive, at most 1,000,000, with at
// most 10 decimals, and its decimal text parses back to the same rate.
func FuzzParseRate(f *testing.F) {
	for _, s := range seedNumbers(f) {
		f.Add(s)
	}
	for _, s := range []string{"1.0825", "0.0000000001", "1.00000000000", "1000000", "1000000.0000000001", "0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fuzzcheck.Input(t, len(s))
		var d decimal.Decimal
		var err error
		if berr := parseBound.Run(len(s), func() { d, err = ParseRate(s) }); berr != nil {
			t.Fatal(berr)
		}
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("ParseRate(%q) refused without a message", s)
			}
			return
		}
		if !d.IsPositive() || d.GreaterThan(decimal.NewFromInt(1_000_000)) || !d.Equal(d.Round(10)) {
			t.Fatalf("ParseRate(%q) = %s: outside (0, 1000000] or more than 10 decimals", s, d)
		}
		back, err := ParseRate(d.String())
		if err != nil || !back.Equal(d) || back.String() != d.String() {
			t.Fatalf("ParseRate(%q) = %s, but ParseRate(%q) = %s, %v", s, d, d.String(), back, err)
		}
	})
}
