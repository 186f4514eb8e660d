// Package bankstore keeps bank reconciliation in the ledger's database
// (gorm, on PostgreSQL or SQLite): bank accounts, imported statements and
// their lines, and matches. It wraps the ledger store and writes in its
// units of work, so that an entry made from a statement line, or a payment
// recorded by cash application, commits with its match or not at all.
//
// Locks: every write that matches or imports takes the bank account's row
// first (FOR UPDATE on PostgreSQL; SQLite writes one at a time), so that two
// requests never match the same line or chain two statements onto one.
// Posting then takes the ledger's locks after it, in the usual order.
package bankstore

import (
	"backoffice/ledger"
	"backoffice/ledger/bank"
	"backoffice/ledger/sqlstore"
)

// Store serves bank.Store on a ledger store.
type Store struct {
	l   *sqlstore.Store
	rec Receivables
	pay Payables // nil: money out is not applied to purchase invoices
}

var _ bank.Store = (*Store)(nil)

// Receivables is what cash application needs of invoicing. The ledger
// does not import invoicing; invoicing implements this (invstore), and
// the service wires the two together. Both methods run in the bank's unit
// of work tx, so that a payment commits with its match or not at all.
type Receivables interface {
	// OpenInvoices lists the issued invoices in a currency with an amount
	// open, with their customers' names.
	OpenInvoices(tx *sqlstore.Tx, ent *ledger.Entity, currency string) ([]bank.OpenInvoice, error)
	// RecordReceipt records and allocates a payment received on the bank
	// account in the unit of work tx, and returns it and its entry.
	RecordReceipt(tx *sqlstore.Tx, p *ledger.Principal, ent *ledger.Entity, r *bank.Receipt) (paymentID, entryID int64, err error)
}

// New wraps a ledger store; rec records the payments of cash application
// (nil: cash application is refused).
func New(l *sqlstore.Store, rec Receivables) *Store {
	s := &Store{l: l, rec: rec}
	l.Extend("bank", nil, s.Verify)
	return s
}

// In is the store bound to a unit of work: its methods run in tx and
// neither commit nor retry it.
func (s *Store) In(tx *sqlstore.Tx) *Store {
	return &Store{l: s.l.In(tx), rec: s.rec, pay: s.pay}
}

func translate(err error) error { return sqlstore.Translate(err) }

func invalid(path string, reason ledger.Reason, format string, args ...any) error {
	var p ledger.Problems
	p.Add(path, reason, format, args...)
	return p.Err()
}

// lockAccount loads a bank account of the entity and locks its row for the
// rest of the unit of work.
func (s *Store) lockAccount(tx *sqlstore.Tx, entityID, id int64) (*bank.Account, error) {
	return s.account(tx, entityID, id, tx.ForUpdate())
}
