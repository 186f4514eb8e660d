package ledger

import (
	"context"
	"time"
)

// Store is everything the API needs of the ledger's storage. Methods return
// *Error values; the codes each can return are listed. Every method also
// returns unavailable (database busy, request cancelled) and internal.
//
// A write joins the transaction that ctx carries, if any (InTx), so that a
// caller can commit a write together with its idempotency record.
type Store interface {
	// InTx runs fn in one transaction; store calls made with the context fn
	// receives join it.
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
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
	// Account, RenameAccount, ArchiveAccount, UnarchiveAccount: not_found.
	Account(ctx context.Context, entityID int64, code string) (*Account, error)
	Accounts(ctx context.Context, entityID int64, includeArchived bool) ([]*Account, error)
	RenameAccount(ctx context.Context, p *Principal, entityID int64, code, name string) (*Account, error)
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
	// Entry: not_found.
	Entry(ctx context.Context, entityID, id int64) (*Entry, error)
	Entries(ctx context.Context, entityID int64, f EntryFilter) ([]*Entry, error)

	// Balances returns per-account totals as of a date (only accountID's
	// when it is not 0).
	Balances(ctx context.Context, entityID int64, asOf Date, accountID int64) (map[int64]Totals, error)
	// AccountLedger returns an account's lines in a period after a cursor
	// and the balance before the first of them.
	AccountLedger(ctx context.Context, entityID, accountID int64, from, to Date, after *LedgerCursor, limit int) (int64, []LedgerLine, error)

	// IdemLookup returns nil when the key is unused. IdemSave returns
	// ErrIdemExists when a concurrent request with the key committed first.
	IdemLookup(ctx context.Context, entityID, apiKeyID int64, key string) (*IdemRecord, error)
	IdemSave(ctx context.Context, r *IdemRecord) error
	IdemPurge(ctx context.Context, age time.Duration) (int64, error)
}
