// Package quote quotes a value for an error message. A message names the
// value it refuses; it does not echo a megabyte back. It is a package of
// its own, importing nothing of the service, so that every package down
// to ledger/money and ledger/vatid (which ledger imports) can use it.
package quote

import "fmt"

// MaxRunes is how much of a value a message shows: more than any value
// the service takes in one field that has a length of its own (a date, an
// amount, a period, a VAT number), so those are shown whole.
const MaxRunes = 40

// Value is s in Go quotes (%q), cut at a character boundary after MaxRunes
// characters with "…" and the length in bytes, so that it stays at most a
// few hundred bytes whatever s is.
func Value(s string) string {
	n, cut := 0, len(s)
	for i := range s { // i is the start of each rune (or of a bad byte)
		if n == MaxRunes {
			cut = i
			break
		}
		n++
	}
	if cut == len(s) {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("%q… (%d bytes)", s[:cut], len(s))
}
