// Package invstore keeps invoicing in the ledger's database (gorm, on
// PostgreSQL or SQLite). It wraps the ledger store: every write runs in the
// ledger's transaction and posts its entry there, so an invoice and its
// entry commit together or not at all.
//
// Locks are taken in one order everywhere: invoices (by id), then payments
// (by id), then the counters and account totals that posting takes.
package invstore

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"

	"backoffice/invoicing"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
)

// Store is the ledger store with invoicing added: it serves both
// ledger.Store and invoicing.Store.
type Store struct {
	*sqlstore.Store
	orders invoicing.OrderLinks // nil until orders are linked (LinkOrders)
}

var (
	_ ledger.Store    = (*Store)(nil)
	_ invoicing.Store = (*Store)(nil)
)

// New wraps a ledger store, and extends it: an entity created with the
// standard chart gets the Dutch tax codes, and verify checks invoicing.
func New(l *sqlstore.Store) *Store {
	s := &Store{Store: l}
	l.Extend("invoicing", s.setupEntity, s.verifyInvoicing)
	return s
}

// LinkOrders makes invoice changes keep the orders they were made from
// right (orderstore.New links itself).
func (s *Store) LinkOrders(o invoicing.OrderLinks) { s.orders = o }

// releaseOrders returns the orders of an invoice being deleted or voided to
// fulfilled (see invoicing.OrderLinks); the returned function writes their
// events and is called last.
func (s *Store) releaseOrders(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, invoiceID int64, reason string) (func(context.Context) error, error) {
	if s.orders == nil {
		return func(context.Context) error { return nil }, nil
	}
	return s.orders.ReleaseOrders(ctx, p, ent, invoiceID, reason)
}

func (s *Store) db(ctx context.Context) *gorm.DB { return s.Conn(ctx) }

// tx runs fn in the transaction in ctx or a new one, translating errors.
func (s *Store) tx(ctx context.Context, fn func(ctx context.Context) error) error {
	return sqlstore.Translate(s.InTx(ctx, fn))
}

// setupEntity seeds the Dutch tax codes of an entity created with the
// standard chart, so that it can invoice at once (a sqlstore.EntitySetup).
func (s *Store) setupEntity(ctx context.Context, e *ledger.Entity, in *ledger.EntityInput) error {
	if in.ChartTemplate == nil || *in.ChartTemplate != "standard" {
		return nil
	}
	return s.SeedTaxCodes(ctx, e.ID)
}

// SeedTaxCodes adds the Dutch tax codes on the standard chart's VAT account.
func (s *Store) SeedTaxCodes(ctx context.Context, entityID int64) error {
	t := sqlstore.Now()
	for _, c := range invoicing.DutchTaxCodes {
		err := s.db(ctx).Exec(`INSERT INTO tax_codes (entity_id, code, description, rate, kind, account_id, created_at, updated_at)
			SELECT ?, ?, ?, ?, ?, id, ?, ? FROM accounts WHERE entity_id = ? AND code = ?`,
			entityID, c.Code, c.Description, c.Rate, string(c.Kind), t, t, entityID, invoicing.DutchVATAccount).Error
		if err != nil {
			return err
		}
	}
	return nil
}

// Lookup loads what checking a draft needs: settings, tax codes, accounts
// (orders check their lines with it too).
func (s *Store) Lookup(ctx context.Context, ent *ledger.Entity) (*invoicing.Lookup, error) {
	return s.lookup(ctx, ent)
}

// lookup loads what checking a draft needs: settings, tax codes, accounts.
func (s *Store) lookup(ctx context.Context, ent *ledger.Entity) (*invoicing.Lookup, error) {
	set, err := s.Settings(ctx, ent.ID)
	if err != nil {
		return nil, err
	}
	codes, err := s.TaxCodes(ctx, ent.ID, true)
	if err != nil {
		return nil, err
	}
	accounts, err := s.Accounts(ctx, ent.ID, true)
	if err != nil {
		return nil, err
	}
	lk := &invoicing.Lookup{Entity: ent, Settings: set, TaxCodes: map[string]*invoicing.TaxCode{}, Accounts: map[string]*ledger.Account{}}
	for _, c := range codes {
		lk.TaxCodes[c.Code] = c
	}
	for _, a := range accounts {
		lk.Accounts[a.Code] = a
	}
	customers := map[int64]*invoicing.Customer{}
	lk.Customer = func(id int64) *invoicing.Customer {
		if c, ok := customers[id]; ok {
			return c
		}
		c, err := s.Customer(ctx, ent.ID, id)
		if err != nil {
			c = nil
		}
		customers[id] = c
		return c
	}
	return lk, nil
}

func joinLines(l []string) string { return strings.Join(l, "\n") }

func splitLines(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, "\n")
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func datePtr(d ledger.Date) *ledger.Date {
	if d.IsZero() {
		return nil
	}
	return &d
}
