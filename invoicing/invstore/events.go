package invstore

import (
	"backoffice/invoicing"
	"backoffice/invoicing/webhooks"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
)

// The events invoicing writes to the outbox (sqlstore.Tx.Emit), last in
// each unit of work: the event counter is the last lock a unit of work
// takes.

func (s *Store) emitIssued(tx *sqlstore.Tx, p *ledger.Principal, ent *ledger.Entity, inv *invoicing.Invoice) error {
	if inv.Kind != invoicing.KindInvoice {
		return nil
	}
	return tx.Emit(ent.ID, &p.ActorID, webhooks.InvoiceIssued, inv.View(ent, ent.Today()))
}

// emitPaid tells of every invoice that the allocations in just made paid.
// An allocation only goes to a document with something open, so each such
// invoice was not paid before.
func (s *Store) emitPaid(tx *sqlstore.Tx, p *ledger.Principal, ent *ledger.Entity, l *locked, in []invoicing.AllocationInput) error {
	seen := map[int64]bool{}
	for _, a := range in {
		if a.InvoiceID == nil || seen[*a.InvoiceID] {
			continue
		}
		seen[*a.InvoiceID] = true
		if d := l.docs[*a.InvoiceID]; d == nil || d.Kind != invoicing.KindInvoice || d.Status() != invoicing.StatusPaid {
			continue
		}
		inv, err := s.load(tx, ent.ID, *a.InvoiceID, false) // with its lines, as settled now
		if err != nil {
			return err
		}
		if err := tx.Emit(ent.ID, &p.ActorID, webhooks.InvoicePaid, inv.View(ent, ent.Today())); err != nil {
			return err
		}
	}
	return nil
}
