// Package quote quotes a value for an error message. A message names the
// value it refuses; it does not echo a megabyte back. It is a package of
// its own, importing nothing of the service, so that every package down
// to ledger/money and ledger/vatid (which ledger imports) can use it.
package quote

import (
	"strconv"
	"unicode/utf8"
)

// MaxRunes is how much of a value a message shows: more than any value
// the service takes in one field that has a length of its own (a date, an
// amount, a period, a VAT number), so those are shown whole.
const MaxRunes = 40

// MaxQuoted is the longest the quote itself may be, in bytes: a byte that
// is not UTF-8 takes four in Go quotes (\x97) and a character up to ten,
// so MaxRunes of them could make the message long.
const MaxQuoted = 100

// Value is s in Go quotes (%q), cut at a character boundary after MaxRunes
// characters, or sooner where the quote would pass MaxQuoted bytes, with
// "…" and the length in bytes, so that it stays short whatever s is.
func Value(s string) string {
	n, cut := 0, len(s)
	for i := range s { // i is the start of each rune (or of a bad byte)
		if n == MaxRunes {
			cut = i
			break
		}
		n++
	}
	q := strconv.Quote(s[:cut])
	for len(q) > MaxQuoted {
		_, size := utf8.DecodeLastRuneInString(s[:cut])
		cut -= size
		q = strconv.Quote(s[:cut])
	}
	if cut == len(s) {
		return q
	}
	return q + "… (" + strconv.Itoa(len(s)) + " bytes)"
}
