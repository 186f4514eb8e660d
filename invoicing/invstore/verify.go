package invstore

import (
	"backoffice/ledger/sqlstore"
)

// verifyInvoicing is invoicing's check for verify (sqlstore.Store.Extend),
// run in verify's snapshot: invoice and credit note numbers run 1..n per
// entity, series and fiscal year with the counter at n (law 3), every
// issued document has its entry, and every settled amount equals the sum
// of the allocations that make it (the invoicing side of law 7).
func (s *Store) verifyInvoicing(tx *sqlstore.Tx, r *sqlstore.VerifyReport) error {
	db := tx.DB()
	var docs struct{ Invoices, CreditNotes, Payments int64 }
	if err := db.Raw(`SELECT (SELECT count(*) FROM invoices WHERE kind = 'invoice') AS invoices,
			(SELECT count(*) FROM invoices WHERE kind = 'credit_note') AS credit_notes,
			(SELECT count(*) FROM payments) AS payments`).Scan(&docs).Error; err != nil {
		return err
	}
	r.Checked("invoice", "invoices", docs.Invoices)
	r.Checked("credit note", "credit notes", docs.CreditNotes)
	r.Checked("payment", "payments", docs.Payments)
	// Law 8: who made, issued, voided or removed a document is an actor.
	if err := sqlstore.VerifyActors(tx, r, "invoices", "created_by", "issued_by", "voided_by"); err != nil {
		return err
	}
	if err := sqlstore.VerifyActors(tx, r, "payments", "created_by", "removed_by"); err != nil {
		return err
	}
	if err := sqlstore.VerifyActors(tx, r, "allocations", "created_by", "removed_by"); err != nil {
		return err
	}

	var series []struct {
		EntityID, FiscalYear, N, MinSeq, MaxSeq, Distinct, Counter int64
		Kind                                                       string
	}
	err := db.Raw(`SELECT i.entity_id, i.kind, i.fiscal_year, count(*) AS n, min(i.seq) AS min_seq, max(i.seq) AS max_seq,
			count(DISTINCT i.seq) AS "distinct", coalesce(max(c.value), 0) AS counter
		FROM invoices i LEFT JOIN counters c ON c.entity_id = i.entity_id AND c.series = i.kind AND c.year = i.fiscal_year
		WHERE i.status <> 'draft' GROUP BY i.entity_id, i.kind, i.fiscal_year`).Scan(&series).Error
	if err != nil {
		return err
	}
	for _, x := range series {
		if x.MinSeq != 1 || x.MaxSeq != x.N || x.Distinct != x.N || x.Counter != x.N {
			r.Breach("law 3: entity %d %s series %d: %d documents numbered %d..%d (%d distinct), counter at %d",
				x.EntityID, x.Kind, x.FiscalYear, x.N, x.MinSeq, x.MaxSeq, x.Distinct, x.Counter)
		}
	}

	var unposted []struct {
		EntityID, ID int64
		Number       string
	}
	err = db.Raw(`SELECT i.entity_id, i.id, i.number FROM invoices i
		LEFT JOIN journal_entries e ON e.entity_id = i.entity_id AND e.id = i.entry_id
		WHERE i.status <> 'draft' AND (e.id IS NULL OR e.reference <> i.number)`).Scan(&unposted).Error
	if err != nil {
		return err
	}
	for _, u := range unposted {
		r.Breach("invoicing: entity %d document %d (%s) has no entry of its own", u.EntityID, u.ID, u.Number)
	}

	// Settled amounts against the allocations that are not removed.
	var off []struct {
		EntityID, ID                 int64
		Doc                          string
		Settled, Allocated, Paid, Pd int64
	}
	err = db.Raw(`SELECT i.entity_id, i.id, 'invoice' AS doc, i.settled_minor AS settled, i.paid_minor AS paid,
			coalesce((SELECT sum(a.amount_minor) FROM allocations a WHERE a.entity_id = i.entity_id AND a.removed_at IS NULL
				AND (a.debit_invoice_id = i.id OR a.credit_invoice_id = i.id)), 0) AS allocated,
			coalesce((SELECT sum(a.amount_minor) FROM allocations a WHERE a.entity_id = i.entity_id AND a.removed_at IS NULL
				AND (a.debit_invoice_id = i.id OR a.credit_invoice_id = i.id)
				AND (a.debit_payment_id IS NOT NULL OR a.credit_payment_id IS NOT NULL)), 0) AS pd
		FROM invoices i
		UNION ALL
		SELECT p.entity_id, p.id, 'payment', p.settled_minor, 0,
			coalesce((SELECT sum(a.amount_minor) FROM allocations a WHERE a.entity_id = p.entity_id AND a.removed_at IS NULL
				AND (a.debit_payment_id = p.id OR a.credit_payment_id = p.id)), 0), 0
		FROM payments p`).Scan(&off).Error
	if err != nil {
		return err
	}
	for _, o := range off {
		if o.Settled != o.Allocated || o.Paid != o.Pd {
			r.Breach("invoicing: entity %d %s %d: settled %d (paid %d) but its allocations sum to %d (by payments %d)",
				o.EntityID, o.Doc, o.ID, o.Settled, o.Paid, o.Allocated, o.Pd)
		}
	}
	return nil
}
