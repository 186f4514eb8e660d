package ledger

import (
	"encoding/json"
	"regexp"
	"strconv"
	"testing"

	"backoffice/ledger/fuzzcheck"
)

// dateBound: ParseDate is time.Parse of a fixed layout (no allocation on
// success) and, on a refusal, a message quoting at most 32 bytes of the
// input; measured under 600 bytes on the seeds and the fuzzer's inputs,
// whatever their length, and a fuzz worker's first call adds up to 5.6 KiB
// of the framework's own. 16 KiB leaves room; nothing per byte.
var dateBound = fuzzcheck.Bound{Base: 16 << 10, PerByte: 0}

// expectDate says by hand whether s is a date ParseDate must take: exactly
// "YYYY-MM-DD", digits where the layout has them, a year from MinYear to
// MaxYear, a month 1-12 and a day that month has.
func expectDate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	num := func(t string) int {
		for _, c := range []byte(t) {
			if c < '0' || c > '9' {
				return -1
			}
		}
		n, _ := strconv.Atoi(t)
		return n
	}
	y, m, d := num(s[:4]), num(s[5:7]), num(s[8:])
	days := [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
	if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		days[2] = 29
	}
	return y >= MinYear && y <= MaxYear && m >= 1 && m <= 12 && d >= 1 && d <= days[m]
}

// FuzzParseDate: a date is taken only when it is exactly YYYY-MM-DD in the
// years the service takes; it then writes back as the same text, and the
// JSON and text decoders of Date agree with ParseDate.
func FuzzParseDate(f *testing.F) {
	dates := regexp.MustCompile(`[0-9]{4}-[0-9]{2}-[0-9]{2}`)
	for _, s := range fuzzcheck.Matches(f, dates, "../README.md", "../docs/api.md") {
		f.Add(s)
	}
	for _, s := range []string{"1900-01-01", "9998-12-31", "9999-01-01", "2024-02-29", "2026-02-29", "2026-3-31", "2026-03-31T00:00:00Z", " 2026-03-31", "+026-03-31", "2026-03-31\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fuzzcheck.Input(t, len(s))
		var d Date
		var err error
		if berr := dateBound.Run(len(s), func() { d, err = ParseDate(s) }); berr != nil {
			t.Fatal(berr)
		}
		if want := expectDate(s); (err == nil) != want {
			t.Fatalf("ParseDate(%q) = %s, %v; want taken: %v", s, d, err, want)
		}
		if err != nil {
			if err.Error() == "" || len(err.Error()) > 200 {
				t.Fatalf("ParseDate(%q): refusal %q is empty or too long", s, err)
			}
		} else {
			if d.String() != s || d.IsZero() {
				t.Fatalf("ParseDate(%q) = %s", s, d)
			}
			if again, err := ParseDate(d.String()); err != nil || again != d {
				t.Fatalf("ParseDate(%q) = %v, %v; want %v", d.String(), again, err, d)
			}
		}
		var txt Date
		if terr := txt.UnmarshalText([]byte(s)); (terr == nil) != (err == nil) || txt != d {
			t.Fatalf("UnmarshalText(%q) = %v, %v; ParseDate says %v, %v", s, txt, terr, d, err)
		}
		// JSON carries s as a string (invalid UTF-8 becomes U+FFFD): the
		// Date decoded must be ParseDate of the string decoded.
		b, _ := json.Marshal(s)
		var str string
		var jd Date
		if err := json.Unmarshal(b, &str); err != nil {
			t.Fatal(err)
		}
		pd, perr := ParseDate(str)
		if jerr := json.Unmarshal(b, &jd); (jerr == nil) != (perr == nil) || jd != pd {
			t.Fatalf("json %s: Date %v, %v; ParseDate says %v, %v", b, jd, jerr, pd, perr)
		}
	})
}
