package quote

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestValue(t *testing.T) {
	long := strings.Repeat("é", 1<<20) // 2 bytes a character
	cases := []struct{ in, want string }{
		{"2026-13-45", `"2026-13-45"`},
		{"", `""`},
		{strings.Repeat("a", 40), `"` + strings.Repeat("a", 40) + `"`},
		{strings.Repeat("a", 41), `"` + strings.Repeat("a", 40) + `"… (41 bytes)`},
		{long, `"` + strings.Repeat("é", 40) + `"… (2097152 bytes)`},
		{"\xff\x00", `"\xff\x00"`},
		// 40 bad bytes would quote as 160: cut to what fits in 100.
		{"0000" + strings.Repeat("\x97", 36), `"0000` + strings.Repeat(`\x97`, 23) + `"… (40 bytes)`},
	}
	for _, c := range cases {
		if got := Value(c.in); got != c.want {
			t.Errorf("Value(%.20q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// Whatever the text, the quote is short (MaxQuoted and the length note)
// and valid UTF-8 (a cut never splits a character).
func FuzzValue(f *testing.F) {
	f.Add("2026-13-45")
	f.Add(strings.Repeat("€", 50))
	f.Add("0000" + strings.Repeat("\x97", 36))
	f.Fuzz(func(t *testing.T, s string) {
		q := Value(s)
		if !utf8.ValidString(q) || len(q) > MaxQuoted+30 {
			t.Fatalf("Value(%q) = %q", s, q)
		}
		if utf8.RuneCountInString(s) <= MaxRunes && len(strconv.Quote(s)) <= MaxQuoted && q != strconv.Quote(s) {
			t.Fatalf("a short text was cut: %q", q)
		}
	})
}
