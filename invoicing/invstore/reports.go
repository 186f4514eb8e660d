package invstore

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"backoffice/invoicing"
	"backoffice/invoicing/statements"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
)

// The reads of the receivables reports (invoicing/statements builds the
// reports). Each method reads in a few queries, not one per document, in
// one read-only snapshot (joining the caller's, if any), so that a payment
// committed halfway through a report never shows on one side of an
// allocation only.
//
// They take only the columns the reports use and scan them by hand: a
// statement of a thousand lines reads a thousand rows of each kind, and
// gorm's reflection over every column of the stores' own row types cost
// several times the query.

// The dates of reversal entries are read by a subquery on the entries'
// primary key, only for the few rows that have one: a join lets the
// planner scan every entry of the entity once per row when its statistics
// are stale.
const (
	voidedOn  = `CASE WHEN i.void_entry_id IS NULL THEN NULL ELSE (SELECT v.date FROM journal_entries v WHERE v.entity_id = i.entity_id AND v.id = i.void_entry_id) END`
	removedOn = `CASE WHEN %[1]s.removal_entry_id IS NULL THEN NULL ELSE (SELECT r.date FROM journal_entries r WHERE r.entity_id = %[1]s.entity_id AND r.id = %[1]s.removal_entry_id) END`
)

const reportDocSelect = `SELECT i.id, i.kind, i.status, i.customer_id, i.currency, i.exchange_rate, i.issue_date, i.due_date,
	i.number, i.total_minor, i.functional_total_minor, ` + voidedOn + ` AS voided_on`

const reportDocFrom = ` FROM invoices i`

var reportPaymentSelect = `SELECT p.id, p.customer_id, p.direction, p.date, p.currency, p.amount_minor, p.functional_minor,
	p.reference, p.removed_at, ` + fmt.Sprintf(removedOn, "p") + ` AS removed_on FROM payments p`

var reportAllocationSelect = `SELECT a.id, a.debit_invoice_id, a.debit_payment_id, a.credit_invoice_id, a.credit_payment_id, a.date,
	a.currency, a.amount_minor, a.debit_functional_minor, a.credit_functional_minor, a.removed_at, ` + fmt.Sprintf(removedOn, "a") + ` AS removed_on
	FROM allocations a`

func newActivity() *invoicing.Activity {
	return &invoicing.Activity{Customers: []*invoicing.Customer{}, Documents: []*invoicing.Invoice{}, Payments: []*invoicing.Payment{},
		Allocations: []*invoicing.Allocation{}, VoidedOn: map[int64]ledger.Date{}, PaymentRemovedOn: map[int64]ledger.Date{},
		AllocationRemovedOn: map[int64]ledger.Date{}}
}

// scanRows runs a query and calls scan for each row.
func (s *Store) scanRows(tx *sqlstore.Tx, q string, args []any, scan func(*sql.Rows) error) error {
	rows, err := tx.DB().Raw(q, args...).Rows()
	if err != nil {
		return sqlstore.Translate(err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return sqlstore.Translate(err)
		}
	}
	return sqlstore.Translate(rows.Err())
}

// readDocs, readPayments and readAllocations append what the query (a
// WHERE clause and its arguments) selects to act.
func (s *Store) readDocs(tx *sqlstore.Tx, entityID int64, act *invoicing.Activity, where string, args ...any) error {
	return s.scanRows(tx, reportDocSelect+reportDocFrom+` WHERE `+where+` ORDER BY i.id`, args, func(rows *sql.Rows) error {
		var (
			d                  invoicing.Invoice
			kind               string
			rate, number       *string
			issue, due, voided ledger.Date
		)
		err := rows.Scan(&d.ID, &kind, &d.StoredStatus, &d.CustomerID, &d.Currency, &rate, &issue, &due, &number,
			&d.TotalMinor, &d.FunctionalTotalMinor, &voided)
		if err != nil {
			return err
		}
		d.EntityID, d.Kind, d.IssueDate, d.DueDate = entityID, invoicing.Kind(kind), datePtr(issue), datePtr(due)
		if rate != nil {
			d.ExchangeRate = dec(*rate)
		}
		if number != nil {
			d.Number = *number
		}
		act.Documents = append(act.Documents, &d)
		if d.StoredStatus == invoicing.StatusVoid && !voided.IsZero() {
			act.VoidedOn[d.ID] = voided
		}
		return nil
	})
}

func (s *Store) readPayments(tx *sqlstore.Tx, entityID int64, act *invoicing.Activity, where string, args ...any) error {
	return s.scanRows(tx, reportPaymentSelect+` WHERE `+where+` ORDER BY p.id`, args, func(rows *sql.Rows) error {
		var (
			p       invoicing.Payment
			removed ledger.Date
		)
		err := rows.Scan(&p.ID, &p.CustomerID, &p.Direction, &p.Date, &p.Currency, &p.AmountMinor, &p.FunctionalMinor,
			&p.Reference, &p.RemovedAt, &removed)
		if err != nil {
			return err
		}
		p.EntityID, p.RemovedAt = entityID, utc(p.RemovedAt)
		act.Payments = append(act.Payments, &p)
		if p.RemovedAt != nil && !removed.IsZero() {
			act.PaymentRemovedOn[p.ID] = removed
		}
		return nil
	})
}

func (s *Store) readAllocations(tx *sqlstore.Tx, ent *ledger.Entity, act *invoicing.Activity, where string, args ...any) error {
	loc := ent.Location()
	return s.scanRows(tx, reportAllocationSelect+` WHERE `+where+` ORDER BY a.id`, args, func(rows *sql.Rows) error {
		var (
			a  invoicing.Allocation
			on ledger.Date
		)
		err := rows.Scan(&a.ID, &a.DebitInvoiceID, &a.DebitPaymentID, &a.CreditInvoiceID, &a.CreditPaymentID, &a.Date,
			&a.Currency, &a.AmountMinor, &a.DebitFunctionalMinor, &a.CreditFunctionalMinor, &a.RemovedAt, &on)
		if err != nil {
			return err
		}
		a.EntityID, a.RemovedAt = ent.ID, utc(a.RemovedAt)
		act.Allocations = append(act.Allocations, &a)
		if a.RemovedAt == nil {
			return nil
		}
		if on.IsZero() {
			// No reversal entry (no exchange difference): the entity's
			// date when it was removed, as a reversal would have been
			// dated (never before the allocation's own date).
			on = maxDate(localDate(*a.RemovedAt, loc), a.Date)
		}
		act.AllocationRemovedOn[a.ID] = on
		return nil
	})
}

func localDate(t time.Time, loc *time.Location) ledger.Date {
	y, m, d := t.In(loc).Date()
	return ledger.NewDate(y, m, d)
}

// readCustomers adds the customers that the documents and payments of act
// name, in id order.
func (s *Store) readCustomers(tx *sqlstore.Tx, entityID int64, act *invoicing.Activity) error {
	seen := map[int64]bool{}
	var ids []int64
	for _, d := range act.Documents {
		if !seen[d.CustomerID] {
			seen[d.CustomerID] = true
			ids = append(ids, d.CustomerID)
		}
	}
	for _, p := range act.Payments {
		if !seen[p.CustomerID] {
			seen[p.CustomerID] = true
			ids = append(ids, p.CustomerID)
		}
	}
	// In chunks: SQLite takes at most 32,766 parameters in a statement.
	const chunk = 5000
	for len(ids) > 0 {
		n := min(len(ids), chunk)
		var rows []customerRow
		err := tx.DB().Raw(`SELECT `+customerColumns+` FROM customers WHERE entity_id = ? AND id IN ? ORDER BY id`, entityID, ids[:n]).Scan(&rows).Error
		if err != nil {
			return sqlstore.Translate(err)
		}
		for i := range rows {
			act.Customers = append(act.Customers, rows[i].customer())
		}
		ids = ids[n:]
	}
	return nil
}

// Documents and payments that may be open on @d: those open now, and those
// that an allocation dated after @d or a removed allocation touches (they
// may have been open then). Voided invoices have nothing settled, so they
// are in the first set. The set is a superset of what is open on @d; the
// report works out what was.
const (
	openDocs = `i.entity_id = @e AND i.status <> 'draft' AND i.issue_date <= @d AND (i.settled_minor < i.total_minor
		OR i.id IN (SELECT m.debit_invoice_id FROM allocations m WHERE m.entity_id = @e AND m.debit_invoice_id IS NOT NULL AND (m.date > @d OR m.removed_at IS NOT NULL))
		OR i.id IN (SELECT m.credit_invoice_id FROM allocations m WHERE m.entity_id = @e AND m.credit_invoice_id IS NOT NULL AND (m.date > @d OR m.removed_at IS NOT NULL)))`
	openPayments = `p.entity_id = @e AND p.date <= @d AND (p.removed_at IS NOT NULL OR p.settled_minor < p.amount_minor
		OR p.id IN (SELECT m.debit_payment_id FROM allocations m WHERE m.entity_id = @e AND m.debit_payment_id IS NOT NULL AND (m.date > @d OR m.removed_at IS NOT NULL))
		OR p.id IN (SELECT m.credit_payment_id FROM allocations m WHERE m.entity_id = @e AND m.credit_payment_id IS NOT NULL AND (m.date > @d OR m.removed_at IS NOT NULL)))`
)

// ReceivablesActivity returns what may be open on asOf, for the aged
// receivables: two queries for the documents and payments, and one per
// thousand of them for their allocations (by the allocations' indexes on
// each side, rather than by restating the conditions above).
func (s *Store) ReceivablesActivity(ctx context.Context, ent *ledger.Entity, asOf ledger.Date) (*invoicing.Activity, error) {
	var act *invoicing.Activity
	err := s.Read(ctx, func(tx *sqlstore.Tx) error {
		act = newActivity()
		e, d := sql.Named("e", ent.ID), sql.Named("d", asOf)
		if err := s.readDocs(tx, ent.ID, act, openDocs, e, d); err != nil {
			return err
		}
		if err := s.readPayments(tx, ent.ID, act, openPayments, e, d); err != nil {
			return err
		}
		docs := make([]int64, len(act.Documents))
		for i, x := range act.Documents {
			docs[i] = x.ID
		}
		pays := make([]int64, len(act.Payments))
		for i, x := range act.Payments {
			pays[i] = x.ID
		}
		seen := map[int64]bool{}
		all := act.Allocations
		for _, side := range []struct {
			ids  []int64
			cond string
		}{{docs, `a.debit_invoice_id IN ? OR a.credit_invoice_id IN ?`}, {pays, `a.debit_payment_id IN ? OR a.credit_payment_id IN ?`}} {
			for ids := range slices.Chunk(side.ids, 1000) {
				act.Allocations = nil
				if err := s.readAllocations(tx, ent, act, `a.entity_id = ? AND a.date <= ? AND (`+side.cond+`)`, ent.ID, asOf, ids, ids); err != nil {
					return err
				}
				// An allocation between a document and a payment that are
				// both here comes twice.
				for _, a := range act.Allocations {
					if !seen[a.ID] {
						seen[a.ID] = true
						all = append(all, a)
					}
				}
			}
		}
		slices.SortFunc(all, func(a, b *invoicing.Allocation) int { return cmp.Compare(a.ID, b.ID) })
		act.Allocations = all
		return s.readCustomers(tx, ent.ID, act)
	})
	if err != nil {
		return nil, err
	}
	return act, nil
}

// CustomerActivity returns everything of one customer dated on or before
// to: four queries, whatever the number of documents.
func (s *Store) CustomerActivity(ctx context.Context, ent *ledger.Entity, customerID int64, to ledger.Date) (*invoicing.Activity, error) {
	var act *invoicing.Activity
	err := s.Read(ctx, func(tx *sqlstore.Tx) error {
		act = newActivity()
		c, err := s.customer(tx, ent.ID, customerID)
		if err != nil {
			return err
		}
		act.Customers = append(act.Customers, c)
		e, cu, d := sql.Named("e", ent.ID), sql.Named("c", customerID), sql.Named("d", to)
		if err := s.readDocs(tx, ent.ID, act, `i.entity_id = @e AND i.customer_id = @c AND i.status <> 'draft' AND i.issue_date <= @d`, e, cu, d); err != nil {
			return err
		}
		if err := s.readPayments(tx, ent.ID, act, `p.entity_id = @e AND p.customer_id = @c AND p.date <= @d`, e, cu, d); err != nil {
			return err
		}
		// Both sides of an allocation are one customer's: its debit side
		// names the customer.
		return s.readAllocations(tx, ent, act, `a.entity_id = @e AND a.date <= @d AND (
			a.debit_invoice_id IN (SELECT id FROM invoices WHERE entity_id = @e AND customer_id = @c)
			OR a.debit_payment_id IN (SELECT id FROM payments WHERE entity_id = @e AND customer_id = @c))`, e, cu, d)
	})
	if err != nil {
		return nil, err
	}
	return act, nil
}

// StatementCustomers lists the customers with a document or payment dated
// on or before to.
func (s *Store) StatementCustomers(ctx context.Context, entityID int64, to ledger.Date) ([]*invoicing.Customer, error) {
	var rows []customerRow
	err := s.Query(ctx).DB().Raw(`SELECT `+customerColumns+` FROM customers c WHERE c.entity_id = @e AND (
		EXISTS (SELECT 1 FROM invoices i WHERE i.entity_id = c.entity_id AND i.customer_id = c.id AND i.status <> 'draft' AND i.issue_date <= @d)
		OR EXISTS (SELECT 1 FROM payments p WHERE p.entity_id = c.entity_id AND p.customer_id = c.id AND p.date <= @d))
		ORDER BY c.id`, sql.Named("e", entityID), sql.Named("d", to)).Scan(&rows).Error
	if err != nil {
		return nil, sqlstore.Translate(err)
	}
	out := make([]*invoicing.Customer, len(rows))
	for i := range rows {
		out[i] = rows[i].customer()
	}
	return out, nil
}

// vatDocs are the documents issued, or voided, from @f to @t.
const vatDocs = `i.entity_id = @e AND i.status <> 'draft' AND (i.issue_date BETWEEN @f AND @t
	OR i.status = 'void' AND ` + voidedOn + ` BETWEEN @f AND @t)`

type vatLineRow struct {
	InvoiceID      int64
	TaxCode        string
	TaxRate        string
	TaxKind        string
	TaxAccountID   int64
	NetMinor       int64
	TaxAdjustMinor int64
}

// VATActivity returns the documents issued or voided from..to, each with
// one line per tax code: two queries.
func (s *Store) VATActivity(ctx context.Context, ent *ledger.Entity, from, to ledger.Date) (*invoicing.Activity, error) {
	var act *invoicing.Activity
	err := s.Read(ctx, func(tx *sqlstore.Tx) error {
		act = newActivity()
		e, f, t := sql.Named("e", ent.ID), sql.Named("f", from), sql.Named("t", to)
		if err := s.readDocs(tx, ent.ID, act, vatDocs, e, f, t); err != nil {
			return err
		}
		var rows []vatLineRow
		err := tx.DB().Raw(`SELECT l.invoice_id, l.tax_code, l.tax_rate, l.tax_kind, l.tax_account_id,
			SUM(l.net_minor) AS net_minor, SUM(l.tax_adjust_minor) AS tax_adjust_minor
			FROM invoice_lines l WHERE l.entity_id = @e AND l.invoice_id IN (SELECT i.id`+reportDocFrom+` WHERE `+vatDocs+`)
			GROUP BY l.invoice_id, l.tax_code, l.tax_rate, l.tax_kind, l.tax_account_id
			ORDER BY l.invoice_id, l.tax_code`, e, f, t).Scan(&rows).Error
		if err != nil {
			return sqlstore.Translate(err)
		}
		byID := make(map[int64]*invoicing.Invoice, len(act.Documents))
		for _, d := range act.Documents {
			d.Lines = []invoicing.Line{}
			byID[d.ID] = d
		}
		for _, r := range rows {
			d := byID[r.InvoiceID]
			if d == nil {
				continue // cannot happen in one snapshot; never trust it blindly
			}
			d.Lines = append(d.Lines, invoicing.Line{LineNo: len(d.Lines) + 1, TaxCode: r.TaxCode, TaxRate: dec(r.TaxRate),
				TaxKind: invoicing.TaxKind(r.TaxKind), TaxAccountID: r.TaxAccountID, NetMinor: r.NetMinor, TaxAdjustMinor: r.TaxAdjustMinor})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return act, nil
}

// InvoicingSnapshot runs fn with the store bound to one read-only snapshot
// (sqlstore.Store.Read), for the report builders of package statements: a
// statement's balance and its documents are read at one moment.
func (s *Store) InvoicingSnapshot(ctx context.Context, fn func(st statements.Store) error) error {
	return s.Read(ctx, func(tx *sqlstore.Tx) error { return fn(s.In(tx)) })
}
