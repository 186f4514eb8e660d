package cursor

import (
	"encoding/base64"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"backoffice/ledger"
	"backoffice/ledger/fuzzcheck"
	"backoffice/ledger/reports"
)

// The texts each kind of cursor is written as, spelled out by hand: whole
// numbers without sign or leading zeros, dates as YYYY-MM-DD, single
// spaces. A cursor that is not one of these must be refused.
var (
	numberText  = `[1-9][0-9]{0,18}` // a positive int64 has at most 19 digits
	dateText    = `[0-9]{4}-[0-9]{2}-[0-9]{2}`
	cursorTexts = map[string]*regexp.Regexp{
		"id":             regexp.MustCompile(`^` + numberText + `$`),
		"event":          regexp.MustCompile(`^e(0|` + numberText + `)$`),
		"bank line":      regexp.MustCompile(`^` + numberText + `:` + numberText + `$`),
		"account ledger": regexp.MustCompile(`^` + dateText + ` ` + numberText + ` ` + numberText + `$`),
		"entry":          regexp.MustCompile(`^` + dateText + ` ` + numberText + `$`),
		"general ledger": regexp.MustCompile(`^[^ ]+( ` + dateText + ` ` + numberText + ` ` + numberText + `)?$`),
		"journal":        regexp.MustCompile(`^[0-9]{4} ` + numberText + `$`),
	}
)

// cursorCase decodes token as one kind of cursor and checks what a taken
// cursor must be: the token encode writes for the value read, the text of
// its kind, values in range.
func cursorCase[T any](t *testing.T, name string, k Kind[T], token string, inRange func(T) bool) {
	t.Helper()
	var v T
	var ok bool
	if err := cursorBound.Run(len(token), func() { v, ok = k.Decode(token) }); err != nil {
		t.Fatalf("%s cursor %q: %v", name, token, err)
	}
	if !ok {
		return
	}
	if again := k.Encode(v); again != token {
		t.Fatalf("%s cursor %q read as %v, which is written %q", name, token, v, again)
	}
	b, _ := base64.RawURLEncoding.DecodeString(token)
	if base64.RawURLEncoding.EncodeToString(b) != token || !cursorTexts[name].Match(b) {
		t.Fatalf("%s cursor %q (%q) is not a text of its kind", name, token, b)
	}
	if !inRange(v) {
		t.Fatalf("%s cursor %q read as %v, out of range", name, token, v)
	}
}

// cursorBound: a cursor's decode is base64 of the token, its text split
// into at most four short fields, and the token written again for the
// comparison; tokens over maxCursor (256) are refused unread, so it is at
// most a few bytes per byte of 256: measured under 2 KiB, and a fuzz
// worker's first call adds up to 5.6 KiB of the framework's own. 16 KiB
// leaves room; nothing per byte.
var cursorBound = fuzzcheck.Bound{Base: 16 << 10, PerByte: 0}

func datesOK(d ledger.Date) bool { return !d.IsZero() && d.CheckRange() == nil }

// FuzzCursor: every kind of cursor takes only the one token it writes for
// a position, with values in range, and refuses anything else as
// cursor_invalid; s is tried as a token and as the text of one.
func FuzzCursor(f *testing.F) {
	// Seeds: the texts the cursor kinds' comments give as examples, the
	// bad cursors of the API tests, and a cursor of each kind.
	for _, s := range []string{"42", "e17", "e0", "42:2", "2026-03-31 42 2", "2026-03-31 42", "8000", "8000 2026-03-31 42 2", "2026 42",
		"a b", "2026", "eHl6", "LTE", "bm9wZQ", "%21%21", "2026 42junk", "2026 042", "+5", "e-1", "42:0", "8000  2026-03-31 42 2"} {
		for k := range 7 {
			f.Add(uint8(k), s)
		}
	}
	f.Fuzz(func(t *testing.T, kind uint8, s string) {
		fuzzcheck.Input(t, len(s))
		for _, token := range []string{s, Encode(s)} {
			switch kind % 7 {
			case 0:
				cursorCase(t, "id", ID, token, func(id int64) bool { return id > 0 })
			case 1:
				cursorCase(t, "event", Event, token, func(seq int64) bool { return seq >= 0 })
			case 2:
				cursorCase(t, "bank line", BankLine, token, func(p LinePos) bool { return p.Entry > 0 && p.Line > 0 })
			case 3:
				cursorCase(t, "account ledger", AccountLedger, token, func(c ledger.LedgerCursor) bool {
					return datesOK(c.Date) && c.EntryID > 0 && c.LineNo > 0
				})
			case 4:
				cursorCase(t, "entry", Entry, token, func(p EntryPos) bool { return datesOK(p.Date) && p.ID > 0 })
			case 5:
				cursorCase(t, "general ledger", GeneralLedger, token, func(p *reports.LedgerPosition) bool {
					a := p.After
					return p.Account != "" && !strings.ContainsFunc(p.Account, unicode.IsSpace) &&
						(a == nil || datesOK(a.Date) && a.EntryID > 0 && a.LineNo > 0)
				})
			case 6:
				cursorCase(t, "journal", Journal, token, func(c *ledger.JournalCursor) bool {
					return c.FiscalYear >= ledger.MinYear-1 && c.FiscalYear <= ledger.MaxYear && c.Number > 0
				})
			}
		}
	})
}

// TestCursorCanonical: each kind takes the cursor it writes and refuses
// other spellings of the same position, which the lists used to read.
func TestCursorCanonical(t *testing.T) {
	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for _, c := range []struct {
		kind   string
		decode func(string) bool
		good   string
		bad    []string
	}{
		{"id", func(s string) bool { _, ok := ID.Decode(s); return ok },
			"42", []string{"042", "+42", "42 ", "0", "-1", "9223372036854775808"}},
		{"event", func(s string) bool { _, ok := Event.Decode(s); return ok },
			"e0", []string{"e00", "e+1", "e-1", "E1", "1", "e"}},
		{"bank line", func(s string) bool { _, ok := BankLine.Decode(s); return ok },
			"42:2", []string{"42:02", "42:+2", "42:0", "0:1", "42:2:3", "42;2"}},
		{"account ledger", func(s string) bool { _, ok := AccountLedger.Decode(s); return ok },
			"2026-03-31 42 2", []string{"2026-03-31  42 2", "2026-03-31 42 2 ", "2026-03-31 42 2junk", "2026-3-31 42 2", "2026-03-31 42 0", "2026-02-30 42 2"}},
		{"entry", func(s string) bool { _, ok := Entry.Decode(s); return ok },
			"2026-03-31 42", []string{"2026-03-31 42junk", "2026-03-31 042", "2026-03-31\t42", "1899-12-31 42", "2026-03-31"}},
		{"general ledger", func(s string) bool { _, ok := GeneralLedger.Decode(s); return ok },
			"8000 2026-03-31 42 2", []string{"8000  2026-03-31 42 2", " 8000", "8000 2026-03-31 42 2junk", "8000 2026-03-31 042 2", "8000 2026-03-31 42 -1", "8000 x 1 2"}},
		{"journal", func(s string) bool { _, ok := Journal.Decode(s); return ok },
			"2026 42", []string{"2026 42junk", "2026 042", "+2026 42", "2026  42", "2026 0", "2026", "20260 1"}},
	} {
		if !c.decode(b64(c.good)) {
			t.Errorf("%s cursor %q refused", c.kind, c.good)
		}
		for _, bad := range c.bad {
			if c.decode(b64(bad)) {
				t.Errorf("%s cursor %q taken", c.kind, bad)
			}
		}
		// Other base64 spellings of the good text: with padding, with a
		// line break, with the last character's unused bits set.
		tok := b64(c.good)
		last := strings.IndexByte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", tok[len(tok)-1])
		variants := []string{base64.URLEncoding.EncodeToString([]byte(c.good)), tok[:2] + "\n" + tok[2:], base64.StdEncoding.EncodeToString([]byte(c.good))}
		if len(c.good)%3 != 0 {
			variants = append(variants, tok[:len(tok)-1]+string("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[last+1]))
		}
		for _, v := range variants {
			if v != tok && c.decode(v) {
				t.Errorf("%s cursor %q taken as another spelling of %q", c.kind, v, tok)
			}
		}
	}
}
