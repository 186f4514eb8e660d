// Package cursor writes and reads the cursors of the API's paged lists.
// A cursor is a list's position in text ("42", "e17", "2026-03-31 42 2"),
// base64url without padding so that it reads as opaque. Each kind of
// cursor is a pair: the text it is written as, and a reader of that text
// that also checks the values' ranges. A cursor is taken only when writing
// what was read gives back the very token sent: one position has one
// cursor, and "42junk", "042", "+42", a space too many or another base64
// spelling of the same bytes is refused (the API answers cursor_invalid)
// rather than read as some other position. The texts are the ones the
// lists always wrote, so the cursors already handed out stay good.
package cursor

import (
	"encoding/base64"
	"strconv"
	"strings"

	"backoffice/ledger"
	"backoffice/ledger/reports"
)

// Kind is one kind of cursor: the text it is written as and its reader.
type Kind[T any] struct {
	format func(T) string
	parse  func(string) (T, bool)
}

// Encode is the token of position v.
func (k Kind[T]) Encode(v T) string { return Encode(k.format(v)) }

// maxCursor is the longest token read: the longest cursor written (the
// general ledger's, with a 20-character account code) is under 100.
// Reading a long token whole cost up to 8 bytes a byte.
const maxCursor = 256

// Decode reads a token that Encode wrote, and nothing else.
func (k Kind[T]) Decode(token string) (T, bool) {
	var zero T
	if len(token) > maxCursor {
		return zero, false
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) == 0 {
		return zero, false
	}
	v, ok := k.parse(string(b))
	if !ok || k.Encode(v) != token {
		return zero, false
	}
	return v, true
}

// Encode writes a cursor's text as its token (the reports write their
// own texts).
func Encode(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// positive reads a whole number above 0.
func positive(s string) (int64, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0
}

// ID is the id of the last item of a page ("42"): the lists ordered
// by id.
var ID = Kind[int64]{
	format: func(id int64) string { return strconv.FormatInt(id, 10) },
	parse:  positive,
}

// Event is the sequence number of the last event read ("e17"; "e0"
// before the first).
var Event = Kind[int64]{
	format: func(seq int64) string { return "e" + strconv.FormatInt(seq, 10) },
	parse: func(s string) (int64, bool) {
		n, err := strconv.ParseInt(strings.TrimPrefix(s, "e"), 10, 64)
		return n, err == nil && n >= 0 && strings.HasPrefix(s, "e")
	},
}

// LinePos is a journal line: its entry's id and its line number (from 1).
type LinePos struct {
	Entry int64
	Line  int
}

func parseLine(entry, line string) (LinePos, bool) {
	e, ok := positive(entry)
	l, err := strconv.Atoi(line)
	return LinePos{e, l}, ok && err == nil && l > 0
}

// BankLine is the last line of a bank account's ledger lines
// ("42:2").
var BankLine = Kind[LinePos]{
	format: func(p LinePos) string { return strconv.FormatInt(p.Entry, 10) + ":" + strconv.Itoa(p.Line) },
	parse: func(s string) (LinePos, bool) {
		e, l, ok := strings.Cut(s, ":")
		p, pok := parseLine(e, l)
		return p, ok && pok
	},
}

// AccountLedger is the last line of an account's ledger, in date
// order ("2026-03-31 42 2").
var AccountLedger = Kind[ledger.LedgerCursor]{
	format: func(c ledger.LedgerCursor) string {
		return c.Date.String() + " " + strconv.FormatInt(c.EntryID, 10) + " " + strconv.Itoa(c.LineNo)
	},
	parse: func(s string) (ledger.LedgerCursor, bool) {
		f := strings.Split(s, " ")
		if len(f) != 3 {
			return ledger.LedgerCursor{}, false
		}
		d, err := ledger.ParseDate(f[0])
		p, ok := parseLine(f[1], f[2])
		return ledger.LedgerCursor{Date: d, EntryID: p.Entry, LineNo: p.Line}, err == nil && ok
	},
}

// EntryPos is the last entry of a page of entries, newest first.
type EntryPos struct {
	Date ledger.Date
	ID   int64
}

// Entry is that entry's date and id ("2026-03-31 42").
var Entry = Kind[EntryPos]{
	format: func(p EntryPos) string { return p.Date.String() + " " + strconv.FormatInt(p.ID, 10) },
	parse: func(s string) (EntryPos, bool) {
		ds, ids, ok := strings.Cut(s, " ")
		d, err := ledger.ParseDate(ds)
		id, idOK := positive(ids)
		return EntryPos{d, id}, ok && err == nil && idOK
	},
}

// GeneralLedger is where the general ledger continues: an account's
// code ("8000"), or a line of it ("8000 2026-03-31 42 2"); the report
// writes and reads the text.
var GeneralLedger = Kind[*reports.LedgerPosition]{
	format: func(p *reports.LedgerPosition) string { return p.String() },
	parse: func(s string) (*reports.LedgerPosition, bool) {
		p, err := reports.ParseLedgerPosition(s)
		if err != nil {
			return nil, false
		}
		if a := p.After; a != nil && (a.Date.IsZero() || a.EntryID <= 0 || a.LineNo <= 0) {
			return nil, false
		}
		return p, true
	},
}

// Journal is the fiscal year and number of the last entry of a page
// of the journal ("2026 42"); the report writes and reads the text.
var Journal = Kind[*ledger.JournalCursor]{
	format: func(c *ledger.JournalCursor) string { return reports.JournalCursorString(*c) },
	parse: func(s string) (*ledger.JournalCursor, bool) {
		c, err := reports.ParseJournalCursor(s)
		// A fiscal year starting after January in MinYear's first months
		// is named by the year before.
		if err != nil || c.FiscalYear < ledger.MinYear-1 || c.FiscalYear > ledger.MaxYear || c.Number <= 0 {
			return nil, false
		}
		return c, true
	},
}
