package ledger

import (
	"context"
	"time"
)

// Store is everything the API needs of the ledger's storage. Methods return
// *Error values; the codes each can return are listed. Every method also
// returns unavailable (database busy, request cancelled) and internal.
//
// Each write is a unit of work of its own; the API binds the stores to the
// unit of work of a request (sqlstore.Store.In) to commit a write together
// with its idempotency record.
type Store interface {
	Ping(ctx context.Context) error

	// Authenticate: unauthorized.
	Authenticate(ctx context.Context, secret string) (*Principal, error)
	// CreateKey: invalid (entity_not_found and the KeyInput rules).
	CreateKey(ctx context.Context, by *int64, in *KeyInput) (*APIKey, string, error)
	Keys(ctx context.Context) ([]*APIKey, error)
	// Key, RevokeKey: not_found. Changes by a key record it (by, p) with
	// the change in the audit trail, in the same transaction (law 8).
	Key(ctx context.Context, id int64) (*APIKey, error)
	RevokeKey(ctx context.Context, by *int64, id int64) (*APIKey, error)

	// CreateEntity: invalid.
	CreateEntity(ctx context.Context, p *Principal, in *EntityInput) (*Entity, error)
	// Entity: not_found.
	Entity(ctx context.Context, id int64) (*Entity, error)
	Entities(ctx context.Context, p *Principal, after int64, limit int) ([]*Entity, error)
	// UpdateEntity: not_found, invalid (field_immutable and the input rules).
	UpdateEntity(ctx context.Context, p *Principal, id int64, in *EntityInput) (*Entity, error)
	// SetLockDate: not_found, forbidden (lock_date_backwards).
	SetLockDate(ctx context.Context, p *Principal, id int64, d *Date) (*Entity, error)

	// CreateAccount: invalid, conflict (account_code_taken).
	CreateAccount(ctx context.Context, p *Principal, entityID int64, in *AccountInput) (*Account, error)
	// Account, UpdateAccount, ArchiveAccount, UnarchiveAccount: not_found;
	// UpdateAccount also invalid (the name and RGS rules).
	Account(ctx context.Context, entityID int64, code string) (*Account, error)
	Accounts(ctx context.Context, entityID int64, includeArchived bool) ([]*Account, error)
	UpdateAccount(ctx context.Context, p *Principal, entityID int64, code string, in *AccountPatch) (*Account, error)
	ArchiveAccount(ctx context.Context, p *Principal, entityID int64, code string) (*Account, error)
	UnarchiveAccount(ctx context.Context, p *Principal, entityID int64, code string) (*Account, error)

	// AuditEvents lists an entity's recorded changes other than entries
	// (entity 0: key administration), newest first, before an event id.
	AuditEvents(ctx context.Context, entityID, before int64, limit int) ([]*AuditEvent, error)

	// PostEntry: invalid (every ParseEntry and Resolve reason, period_locked).
	// With idem it stores the answer in the same transaction, or returns the
	// answer stored before under the same key.
	PostEntry(ctx context.Context, p *Principal, ent *Entity, in *EntryInput, idem *IdemRequest) (*Posted, error)
	// ReverseEntry: not_found, conflict (entry_already_reversed), invalid
	// (period_locked, reversal_before_original, account_archived).
	ReverseEntry(ctx context.Context, p *Principal, ent *Entity, id int64, date Date, description string, idem *IdemRequest) (*Posted, error)
	// EntryOwner names what posted an entry when a module did (an
	// invoice, a payment, a VAT return), "" for a journal entry posted as
	// such. An owned entry is reversed only by its owner (a void, a
	// reversal of the document), never through the journal.
	EntryOwner(ctx context.Context, entityID, id int64) (string, error)
	// Entry: not_found.
	Entry(ctx context.Context, entityID, id int64) (*Entry, error)
	Entries(ctx context.Context, entityID int64, f EntryFilter) ([]*Entry, error)

	// Balances returns per-account totals as of a date (only accountID's
	// when it is not 0).
	Balances(ctx context.Context, entityID int64, asOf Date, accountID int64) (map[int64]Totals, error)
	// AccountLedger returns an account's lines in a period after a cursor
	// and the balance before the first of them.
	AccountLedger(ctx context.Context, entityID, accountID int64, from, to Date, after *LedgerCursor, limit int) (int64, []LedgerLine, error)

	// Reports (ledger/reports) and year-end close.

	// StreamLedger calls fn with each line dated from..to of one account
	// (accountID) or of all (0), in the order of the accounts' codes (as
	// Accounts lists them), then date, entry and line, reading them from
	// one database cursor; the line passed is reused between calls. An
	// error from fn stops the stream and is returned as it is.
	StreamLedger(ctx context.Context, entityID, accountID int64, from, to Date, fn func(accountID int64, l *LedgerLine) error) error
	// StreamJournal calls fn with each line of the entity's entries dated
	// from..to, in fiscal year, number and line order, after the cursor
	// (nil: from the first), for at most limit entries (0: all); the line
	// passed is reused between calls. An error from fn stops it and is
	// returned.
	StreamJournal(ctx context.Context, ent *Entity, from, to Date, after *JournalCursor, limit int, fn func(*JournalLine) error) error
	// EntryCounts returns the number of entries of each fiscal year that
	// has any.
	EntryCounts(ctx context.Context, entityID int64) (map[int]int64, error)
	// FiscalYearCloses lists the recorded closes of fiscal years, oldest
	// first.
	FiscalYearCloses(ctx context.Context, entityID int64) ([]*FiscalYearClose, error)
	// ClosingTotals returns per-account totals of the lines of closing
	// entries, and of entries that reverse them, dated from..to.
	ClosingTotals(ctx context.Context, entityID int64, from, to Date) (map[int64]Totals, error)
	// CloseFiscalYear posts the closing entry of a fiscal year (nil when
	// there is nothing to close), sets the lock date to the year end and
	// records the close, in one transaction. Errors: invalid (year_not_ended,
	// retained_earnings_required, account_not_found, account_type_invalid,
	// closing_date_invalid, period_locked, account_archived,
	// account_currency_mismatch), conflict (fiscal_year_closed).
	CloseFiscalYear(ctx context.Context, p *Principal, ent *Entity, in *CloseInput) (*FiscalYearClose, *Entry, error)

	// IdemLookup returns nil when the key is unused. IdemSave returns
	// ErrIdemExists when a concurrent request with the key committed first.
	IdemLookup(ctx context.Context, entityID, actorID int64, key string) (*IdemRecord, error)
	IdemPurge(ctx context.Context, age time.Duration) (int64, error)
}

// JournalLine is one line of the journal with its entry.
type JournalLine struct {
	EntryID     int64
	FiscalYear  int
	Number      int64
	Date        Date
	EntryText   string // the entry's description
	Reference   string
	ReversesID  *int64
	LineNo      int
	AccountCode string
	AccountName string
	Description string // the line's own description
	DebitMinor  int64
	CreditMinor int64
	Currency    string
	AmountMinor int64
}

// JournalCursor continues the journal after an entry.
type JournalCursor struct {
	FiscalYear int
	Number     int64
}

// CloseInput asks for a fiscal year to be closed.
type CloseInput struct {
	FiscalYear int
	// RetainedEarnings is the equity account that takes the result; ""
	// means 2100 when the chart has it.
	RetainedEarnings string
	// Date is the closing entry's date: zero or the year's last day.
	Date Date
}

// FiscalYearClose is a recorded close of a fiscal year.
type FiscalYearClose struct {
	FiscalYear       int
	EntryID          *int64 // the closing entry; nil when there was nothing to close
	RetainedEarnings string // the account code that took the result
	ResultMinor      int64  // revenue minus expenses moved, functional minor units
	At               time.Time
	By               *int64 // the key that closed it
}
