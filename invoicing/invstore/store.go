// Package invstore keeps invoicing in the ledger's database (gorm, on
// PostgreSQL or SQLite). It wraps the ledger store: every write is one of
// its units of work (sqlstore.Tx) and posts its entry in it, so an invoice
// and its entry commit together or not at all.
//
// Locks are taken in one order everywhere: invoices (by id), then payments
// (by id), then the counters and account totals that posting takes.
package invstore

import (
	"context"
	"strings"
	"time"

	"backoffice/invoicing"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
)

// Store is the ledger store with invoicing added: it serves both
// ledger.Store and invoicing.Store.
type Store struct {
	*sqlstore.Store
	orders OrderLinks // nil until orders are linked (LinkOrders)
	// vies checks a customer's VAT number before a 0 % intra-EU supply
	// (SetVIES); nil refuses such a supply as VIES unavailable.
	vies invoicing.VIESChecker
}

// SetVIES sets the VIES checker issuing asks before a 0 % intra-EU supply.
func (s *Store) SetVIES(v invoicing.VIESChecker) { s.vies = v }

var (
	_ ledger.Store    = (*Store)(nil)
	_ invoicing.Store = (*Store)(nil)
)

// OrderLinks is what invoicing asks of the orders an invoice was made
// from. Orders import invoicing, so invoicing declares what it needs (as
// bankstore.Receivables does for the bank) and invoicing/orders/orderstore
// implements it. The invoicing store calls it in the unit of work of the
// change and before it touches the invoice, since orders are locked before
// invoices; so updating, deleting or voiding an invoice through the
// invoicing store itself always keeps its orders right.
type OrderLinks interface {
	// CheckDraftChange refuses a change to a draft made from orders that
	// would change what its orders decide: its lines, customer or
	// currency (409 invoice_from_orders).
	CheckDraftChange(tx *sqlstore.Tx, entityID, invoiceID int64, in *invoicing.InvoiceInput) error
	// ReleaseOrders returns the orders of an invoice that is being deleted
	// or voided to fulfilled, recording why. emit writes their events; the
	// caller calls it after its own writes, as the event counter is taken
	// last in every unit of work.
	ReleaseOrders(tx *sqlstore.Tx, p *ledger.Principal, ent *ledger.Entity, invoiceID int64, reason string) (emit func(tx *sqlstore.Tx) error, err error)
}

// New wraps a ledger store, and extends it: an entity created with the
// standard chart gets the Dutch tax codes, and verify checks invoicing.
func New(l *sqlstore.Store) *Store {
	s := &Store{Store: l}
	l.Extend("invoicing", s.setupEntity, s.verifyInvoicing)
	l.OwnEntries("invoicing",
		sqlstore.EntryOwner{Table: "invoices", Column: "entry_id", What: "an invoice or credit note"},
		sqlstore.EntryOwner{Table: "invoices", Column: "void_entry_id", What: "the void of an invoice"},
		sqlstore.EntryOwner{Table: "payments", Column: "entry_id", What: "a payment"},
		sqlstore.EntryOwner{Table: "payments", Column: "removal_entry_id", What: "the removal of a payment"},
		sqlstore.EntryOwner{Table: "allocations", Column: "fx_entry_id", What: "an allocation's exchange difference"},
		sqlstore.EntryOwner{Table: "allocations", Column: "removal_entry_id", What: "the removal of an allocation"})
	return s
}

// In is the store bound to a unit of work: its methods run in tx and
// neither commit nor retry it (sqlstore.Store.In).
func (s *Store) In(tx *sqlstore.Tx) *Store {
	b := *s
	b.Store = s.Store.In(tx)
	return &b
}

// LinkOrders makes invoice changes keep the orders they were made from
// right (orderstore.New links itself).
func (s *Store) LinkOrders(o OrderLinks) { s.orders = o }

// releaseOrders returns the orders of an invoice being deleted or voided to
// fulfilled (see OrderLinks); the returned function writes their events
// and is called last.
func (s *Store) releaseOrders(tx *sqlstore.Tx, p *ledger.Principal, ent *ledger.Entity, invoiceID int64, reason string) (func(*sqlstore.Tx) error, error) {
	if s.orders == nil {
		return func(*sqlstore.Tx) error { return nil }, nil
	}
	return s.orders.ReleaseOrders(tx, p, ent, invoiceID, reason)
}

// write runs fn as one unit of work (sqlstore.Store.Write: retried whole
// on a conflict, or run in the unit of work the store is bound to),
// translating errors.
func (s *Store) write(ctx context.Context, fn func(tx *sqlstore.Tx) error) error {
	return sqlstore.Translate(s.Write(ctx, fn))
}

// ledgerIn is the ledger store bound to tx, for its methods that take a
// context (Accounts, ReverseEntry) inside a unit of work of invoicing.
func (s *Store) ledgerIn(tx *sqlstore.Tx) *sqlstore.Store { return s.Store.In(tx) }

// setupEntity seeds the Dutch tax codes of an entity created with the
// standard chart, so that it can invoice at once (a sqlstore.EntitySetup).
func (s *Store) setupEntity(tx *sqlstore.Tx, e *ledger.Entity, in *ledger.EntityInput) error {
	if in.ChartTemplate == nil || *in.ChartTemplate != "standard" {
		return nil
	}
	return s.SeedTaxCodes(tx, e.ID)
}

// SeedTaxCodes adds the Dutch tax codes on the standard chart's VAT
// account, in the unit of work tx.
func (s *Store) SeedTaxCodes(tx *sqlstore.Tx, entityID int64) error {
	t := tx.Now
	for _, c := range invoicing.DutchTaxCodes {
		err := tx.DB().Exec(`INSERT INTO tax_codes (entity_id, code, description, rate, kind, account_id, revenue_account_id, created_at, updated_at)
			SELECT ?, ?, ?, ?, ?, a.id, (SELECT r.id FROM accounts r WHERE r.entity_id = a.entity_id AND r.code = ?), ?, ?
			FROM accounts a WHERE a.entity_id = ? AND a.code = ?`,
			entityID, c.Code, c.Description, c.Rate, string(c.Kind), c.RevenueAccount, t, t, entityID, invoicing.DutchVATAccount).Error
		if err != nil {
			return err
		}
	}
	return nil
}

// Lookup loads what checking a draft needs: settings, tax codes, accounts
// (orders check their lines with it too).
func (s *Store) Lookup(ctx context.Context, ent *ledger.Entity) (*invoicing.Lookup, error) {
	return s.lookup(s.Query(ctx), ent)
}

// lookup loads what checking a draft needs, in tx: settings, tax codes,
// accounts; customers are read in tx when asked for.
func (s *Store) lookup(tx *sqlstore.Tx, ent *ledger.Entity) (*invoicing.Lookup, error) {
	set, err := s.settings(tx, ent.ID)
	if err != nil {
		return nil, err
	}
	codes, err := s.taxCodes(tx, ent.ID, true)
	if err != nil {
		return nil, err
	}
	accounts, err := s.ledgerIn(tx).Accounts(tx.Context(), ent.ID, true)
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
		c, err := s.customer(tx, ent.ID, id)
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
