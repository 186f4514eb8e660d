// Package bankstore keeps bank reconciliation in the ledger's database
// (gorm, on PostgreSQL or SQLite): bank accounts, imported statements and
// their lines, and matches. It wraps the ledger store and writes in its
// transactions, so that an entry made from a statement line, or a payment
// recorded by cash application, commits with its match or not at all.
//
// Locks: every write that matches or imports takes the bank account's row
// first (FOR UPDATE on PostgreSQL; SQLite writes one at a time), so that two
// requests never match the same line or chain two statements onto one.
// Posting then takes the ledger's locks after it, in the usual order.
package bankstore

import (
	"context"

	"gorm.io/gorm"

	"backoffice/ledger"
	"backoffice/ledger/bank"
	"backoffice/ledger/sqlstore"
)

// Store serves bank.Store on a ledger store.
type Store struct {
	l   *sqlstore.Store
	rec bank.Receivables
}

var _ bank.Store = (*Store)(nil)

// New wraps a ledger store; rec records the payments of cash application
// (nil: cash application is refused).
func New(l *sqlstore.Store, rec bank.Receivables) *Store {
	s := &Store{l: l, rec: rec}
	l.Extend("bank", nil, s.Verify)
	return s
}

func (s *Store) db(ctx context.Context) *gorm.DB { return s.l.Conn(ctx) }

// tx runs fn in the transaction in ctx or a new one, translating errors.
func (s *Store) tx(ctx context.Context, fn func(ctx context.Context) error) error {
	return sqlstore.Translate(s.l.InTx(ctx, fn))
}

func translate(err error) error { return sqlstore.Translate(err) }

func invalid(path string, reason ledger.Reason, format string, args ...any) error {
	var p ledger.Problems
	p.Add(path, reason, format, args...)
	return p.Err()
}

// lockAccount loads a bank account of the entity and locks its row for the
// rest of the transaction.
func (s *Store) lockAccount(ctx context.Context, entityID, id int64) (*bank.Account, error) {
	return s.account(ctx, entityID, id, s.l.ForUpdate())
}
