package ledger

import (
	"errors"
	"time"
)

// Totals are the summed debits and credits of an account, functional
// minor units.
type Totals struct {
	DebitMinor  int64
	CreditMinor int64
}

// Net is debits minus credits.
func (t Totals) Net() int64 { return t.DebitMinor - t.CreditMinor }

// EntryFilter selects entries for a list.
type EntryFilter struct {
	From, To  Date   // inclusive; zero means open
	AccountID int64  // 0: any
	Reference string // exact
	Text      string // in description or reference, case-insensitive
	// Cursor: entries strictly before (date, id) in the list's order
	// (newest first).
	BeforeDate Date
	BeforeID   int64
	Limit      int
}

// LedgerLine is one line of an account's general ledger.
type LedgerLine struct {
	Date        Date
	EntryID     int64
	FiscalYear  int
	Number      int64
	LineNo      int
	EntryText   string // the entry's description
	Reference   string
	Description string // the line's own description
	DebitMinor  int64
	CreditMinor int64
	Currency    string
	AmountMinor int64
}

// LedgerCursor continues a general ledger after a line.
type LedgerCursor struct {
	Date    Date
	EntryID int64
	LineNo  int
}

// IdemRecord is the stored answer to a write sent with an Idempotency-Key.
type IdemRecord struct {
	EntityID    int64 // 0 outside an entity
	ActorID     int64 // the idempotency scope: (entity, actor, key)
	Key         string
	RequestHash string
	Status      int
	ContentType string
	Body        string
	CreatedAt   time.Time
}

// ErrIdemExists means another request with the same key committed first.
var ErrIdemExists = errors.New("idempotency key already used")

// IdemRequest asks a write to store its answer under an Idempotency-Key in
// the same transaction, or to return the answer stored before.
type IdemRequest struct {
	EntityID    int64
	ActorID     int64
	Key         string
	RequestHash string
	Status      int
	ContentType string
	// Render writes the answer for the posted entry. On PostgreSQL it is
	// called before the entry has its id and number (idem.Pending).
	Render func(*Entry) ([]byte, error)
}

// Posted is the outcome of an idempotent post: the entry and the answer
// stored for it, or (Replay != nil) the answer stored by an earlier request
// with the same key, which may have had another RequestHash.
type Posted struct {
	Entry  *Entry
	Answer []byte
	Replay *IdemRecord
}
