package quote

import (
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
	}
	for _, c := range cases {
		if got := Value(c.in); got != c.want {
			t.Errorf("Value(%.20q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// Whatever the text, the quote is short (at most 10 bytes a character:
// %q writes \U0010fffd) and valid UTF-8 (a cut never
// splits a character).
func FuzzValue(f *testing.F) {
	f.Add("2026-13-45")
	f.Add(strings.Repeat("€", 50))
	f.Fuzz(func(t *testing.T, s string) {
		q := Value(s)
		if !utf8.ValidString(q) || len(q) > 10*MaxRunes+30 {
			t.Fatalf("Value(%q) = %q", s, q)
		}
		if utf8.RuneCountInString(s) <= MaxRunes && strings.HasSuffix(q, "bytes)") {
			t.Fatalf("a short text was cut: %q", q)
		}
	})
}
