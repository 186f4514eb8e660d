package ledger

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"backoffice/ledger/fuzzcheck"
)

// addressBound: CheckElectronicAddress trims and cuts the text (no
// copies), looks the scheme up, checks the id in place (for 9944 vatid
// copies it a few times, at most 100 characters of it) and, on a refusal,
// adds one problem quoting at most 40 bytes; measured under 2 KiB, plus
// a little per byte for 9944 numbers, on seeds and fuzzed inputs. 16 KiB
// and 8 per byte leave room.
var addressBound = fuzzcheck.Bound{Base: 16 << 10, PerByte: 8}

// FuzzElectronicAddress: a taken address is normalised to
// "scheme:id" with a listed scheme and an id of 1 to 100 printable
// characters, which is taken again unchanged; a refused one is one
// problem, electronic_address_invalid at the path, with a short message.
func FuzzElectronicAddress(f *testing.F) {
	addresses := regexp.MustCompile(`[0-9]{4}:[0-9A-Za-z]+`)
	for _, s := range fuzzcheck.Matches(f, addresses, "../README.md", "../docs/invoicing.md") {
		f.Add(s)
	}
	for _, s := range []string{" 0106 : 12345678 ", "9944:nl000099998b57", "0106:1234567", "9999:x", "0002:a\x00b", "0002:\xff", "0002:", ":1", "0088:0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fuzzcheck.Input(t, len(s))
		var p Problems
		var got string
		if err := addressBound.Run(len(s), func() { got = CheckElectronicAddress(&p, "electronic_address", s) }); err != nil {
			t.Fatal(err)
		}
		if len(p) > 0 {
			// The message quotes at most 120 bytes of the address and 12
			// runes of the scheme, each byte at most 4 characters quoted
			// ("\xad"): under 1,000 characters, whatever the input.
			if len(p) != 1 || p[0].Reason != ReasonElectronicAddressInvalid || p[0].Path != "electronic_address" || len(p[0].Message) > 1000 {
				t.Fatalf("CheckElectronicAddress(%q) problems %+v", s, p)
			}
			return
		}
		if strings.TrimSpace(s) == "" {
			if got != "" {
				t.Fatalf("CheckElectronicAddress(%q) = %q; want no address", s, got)
			}
			return
		}
		scheme, id := SplitElectronicAddress(got)
		if !slices.Contains(EASCodes, scheme) || got != scheme+":"+id || id == "" || strings.TrimSpace(id) != id ||
			utf8.RuneCountInString(id) > 100 || !utf8.ValidString(id) || strings.ContainsFunc(id, func(r rune) bool { return !unicode.IsGraphic(r) }) {
			t.Fatalf("CheckElectronicAddress(%q) = %q: not a listed scheme and 1 to 100 printable characters", s, got)
		}
		// The scheme is the text before the first colon, less spaces.
		if before, _, _ := strings.Cut(s, ":"); strings.TrimSpace(before) != scheme {
			t.Fatalf("CheckElectronicAddress(%q) = %q: scheme changed", s, got)
		}
		var again Problems
		if n := CheckElectronicAddress(&again, "electronic_address", got); n != got || len(again) > 0 {
			t.Fatalf("CheckElectronicAddress(%q) = %q, %v; want it unchanged", got, n, again)
		}
	})
}
