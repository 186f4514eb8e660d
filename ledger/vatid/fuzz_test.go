package vatid

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"backoffice/ledger/fuzzcheck"
)

// checkBound: Check upper-cases the text (one copy; broken UTF-8 grows to
// three bytes a byte), rebuilds it without separators (a builder that
// doubles), runs anchored regexps and a country's digit check on at most
// 20 characters; measured at under 1 KiB plus 6 bytes per input byte on
// seeds and fuzzed inputs, and a fuzz worker's first call adds up to
// 5.6 KiB of the framework's own. 16 KiB and 24 per byte leave room.
var checkBound = fuzzcheck.Bound{Base: 16 << 10, PerByte: 24}

// FuzzCheck: a taken VAT number is normalised (upper case, separators
// gone, a two-letter prefix, then letters and digits, or Ireland's old
// '+' and '*'), and is taken again unchanged; a refused one is an *Error
// with a short message.
func FuzzCheck(f *testing.F) {
	numbers := regexp.MustCompile(`\b[A-Z]{2}[ .]?[0-9][0-9A-Z .+*]{1,17}\b`)
	for _, s := range fuzzcheck.Matches(f, numbers, "vatid_test.go", "../../README.md", "../../docs/invoicing.md") {
		f.Add(s)
	}
	for _, s := range []string{"nl 0000.9999.8b57", "GR123456789", "EL 094259216", "US12", "ie1+23456l", "ſe556188840401", ""} {
		f.Add(s)
	}
	normal := regexp.MustCompile(`^[A-Z]{2}[A-Z0-9+*]{2,18}$`)
	f.Fuzz(func(t *testing.T, s string) {
		fuzzcheck.Input(t, len(s))
		var n string
		var err error
		if berr := checkBound.Run(len(s), func() { n, err = Check(s) }); berr != nil {
			t.Fatal(berr)
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Msg == "" || len(e.Msg) > 300 {
				t.Fatalf("Check(%q) refused with %#v", s, err)
			}
			return
		}
		if !normal.MatchString(n) || Normalize(n) != n || n[:2] == "GR" || strings.ContainsAny(n[:3], "+*") {
			t.Fatalf("Check(%q) = %q: not a normalised number", s, n)
		}
		if strings.ContainsAny(n, "+*") && n[:2] != "IE" {
			t.Fatalf("Check(%q) = %q: only Irish numbers have + or *", s, n)
		}
		if again, err := Check(n); again != n || err != nil {
			t.Fatalf("Check(%q) = %q, %v; want it unchanged", n, again, err)
		}
	})
}
