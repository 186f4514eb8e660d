package settlement

import (
	"cmp"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"backoffice/invoicing"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
)

// The reads of a book's activity for the reports (invoicing/statements
// builds the reports on an invoicing.Activity): what may be open on a
// date, and everything of one party up to a date. They are written once
// for both halves: a Reports adds to the Book what the reports read
// besides the allocations, and the stores add only what really differs,
// the parties' rows and the columns of a document that only one half has.
//
// An Activity is in the receivables' words: parties as customers, an
// allocation's owed side as its debit side, a document that is ended (void,
// reversed) as void on the date of the entry that ended it, a payment that
// settles what is owed as received.
//
// They take only the columns the reports use and scan them by hand: a
// statement of a thousand lines reads a thousand rows of each kind, and
// gorm's reflection over every column of a row type cost several times
// the query. They run in the caller's read-only snapshot, so that a
// payment committed halfway through a report never shows on one side of
// an allocation only.

// Reports describes what the reports read of a book besides its
// allocations.
type Reports struct {
	*Book
	Party string // the column naming the party on documents and payments: "customer_id", "supplier_id"
	// Dated dates a document in the reports: "issue_date" in receivables,
	// "vat_date" (its entry's date) in payables.
	Dated string
	// Ended is the status of a document an entry has ended ("void",
	// "reversed"), and EndEntry the column of that entry ("void_entry_id",
	// "reversal_entry_id"), whose date ends it in the reports.
	Ended, EndEntry string
	// DocExtra are more columns of a document (on alias d) that the store
	// reads, handed to it as text: "d.supplier_number" in payables.
	DocExtra []string
}

// The dates of ending and removal entries are read by a subquery on the
// entries' primary key, only for the few rows that have one: a join lets
// the planner scan every entry of the entity once per row when its
// statistics are stale.
const entryDate = `CASE WHEN %[1]s.%[2]s IS NULL THEN NULL ELSE (SELECT v.date FROM journal_entries v WHERE v.entity_id = %[1]s.entity_id AND v.id = %[1]s.%[2]s) END`

// EndedOn is the date a document (alias d) was ended, NULL while it
// stands.
func (r *Reports) EndedOn() string { return fmt.Sprintf(entryDate, "d", r.EndEntry) }

// removedOn is the date of a row's removal entry (alias x), NULL if none.
func removedOn(x string) string { return fmt.Sprintf(entryDate, x, "removal_entry_id") }

// DocumentFunc sees each document read, with the values of the book's
// DocExtra columns.
type DocumentFunc func(d *invoicing.Invoice, extra []string)

// PartiesFunc reads the parties with these ids (at most 5,000, ascending)
// as customers, in id order.
type PartiesFunc func(ids []int64) ([]*invoicing.Customer, error)

func scanRows(tx *sqlstore.Tx, q string, args []any, scan func(*sql.Rows) error) error {
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

// Status is a document's stored status in the receivables' words.
func (r *Reports) Status(status string) string {
	switch status {
	case r.Settleable:
		return invoicing.StatusIssued
	case r.Ended:
		return invoicing.StatusVoid
	}
	return invoicing.StatusDraft
}

// ReadDocuments appends the documents (alias d) that where selects to act, in
// id order; seen, if not nil, sees each.
func (r *Reports) ReadDocuments(tx *sqlstore.Tx, ent *ledger.Entity, act *invoicing.Activity, seen DocumentFunc, where string, args ...any) error {
	q := fmt.Sprintf(`SELECT d.id, d.kind, d.status, d.%s, d.currency, d.exchange_rate, d.%s, d.due_date, d.number, d.total_minor,
	d.functional_total_minor, %s AS ended_on`, r.Party, r.Dated, r.EndedOn())
	for _, c := range r.DocExtra {
		q += `, ` + c
	}
	q += ` FROM ` + r.Documents + ` d WHERE ` + where + ` ORDER BY d.id`
	return scanRows(tx, q, args, func(rows *sql.Rows) error {
		var (
			d                   invoicing.Invoice
			kind, status        string
			rate, number        *string
			dated, due, endedOn ledger.Date
		)
		extra := make([]string, len(r.DocExtra))
		dest := []any{&d.ID, &kind, &status, &d.CustomerID, &d.Currency, &rate, &dated, &due, &number, &d.TotalMinor,
			&d.FunctionalTotalMinor, &endedOn}
		for i := range extra {
			dest = append(dest, &extra[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		d.EntityID, d.Kind, d.StoredStatus, d.IssueDate, d.DueDate = ent.ID, invoicing.Kind(kind), r.Status(status), datePtr(dated), datePtr(due)
		if rate != nil {
			d.ExchangeRate, _ = decimal.NewFromString(*rate) // written by the store from checked decimals
		}
		if number != nil {
			d.Number = *number
		}
		act.Documents = append(act.Documents, &d)
		if d.StoredStatus == invoicing.StatusVoid && !endedOn.IsZero() {
			act.VoidedOn[d.ID] = endedOn
		}
		if seen != nil {
			seen(&d, extra)
		}
		return nil
	})
}

// payments appends the payments (alias p) that where selects to act, in id
// order.
func (r *Reports) payments(tx *sqlstore.Tx, ent *ledger.Entity, act *invoicing.Activity, where string, args ...any) error {
	q := fmt.Sprintf(`SELECT p.id, p.%s, p.direction, p.date, p.currency, p.amount_minor, p.functional_minor, p.reference, p.removed_at,
	%s AS removed_on FROM %s p WHERE %s ORDER BY p.id`, r.Party, removedOn("p"), r.Payments, where)
	return scanRows(tx, q, args, func(rows *sql.Rows) error {
		var (
			p         invoicing.Payment
			direction string
			removed   ledger.Date
		)
		if err := rows.Scan(&p.ID, &p.CustomerID, &direction, &p.Date, &p.Currency, &p.AmountMinor, &p.FunctionalMinor,
			&p.Reference, &p.RemovedAt, &removed); err != nil {
			return err
		}
		p.EntityID, p.RemovedAt = ent.ID, utc(p.RemovedAt)
		// A refund is one in both halves; the other direction (received
		// from a customer, paid to a supplier) settles what is owed.
		p.Direction = invoicing.DirectionReceived
		if direction == invoicing.DirectionRefund {
			p.Direction = invoicing.DirectionRefund
		}
		act.Payments = append(act.Payments, &p)
		if p.RemovedAt != nil && !removed.IsZero() {
			act.PaymentRemovedOn[p.ID] = removed
		}
		return nil
	})
}

// allocations returns the allocations (alias a) that where selects, in id
// order, and notes the date of each removed one in act.
func (r *Reports) allocations(tx *sqlstore.Tx, ent *ledger.Entity, act *invoicing.Activity, where string, args ...any) ([]*invoicing.Allocation, error) {
	q := fmt.Sprintf(`SELECT a.id, a.%[1]s_invoice_id, a.%[1]s_payment_id, a.%[2]s_invoice_id, a.%[2]s_payment_id, a.date, a.currency,
	a.amount_minor, a.%[1]s_functional_minor, a.%[2]s_functional_minor, a.removed_at, %[3]s AS removed_on FROM %[4]s a WHERE %[5]s ORDER BY a.id`,
		r.OwedPrefix, r.SettlePrefix, removedOn("a"), r.Allocations, where)
	loc := ent.Location()
	out := []*invoicing.Allocation{}
	err := scanRows(tx, q, args, func(rows *sql.Rows) error {
		var (
			a  invoicing.Allocation
			on ledger.Date
		)
		if err := rows.Scan(&a.ID, &a.DebitInvoiceID, &a.DebitPaymentID, &a.CreditInvoiceID, &a.CreditPaymentID, &a.Date,
			&a.Currency, &a.AmountMinor, &a.DebitFunctionalMinor, &a.CreditFunctionalMinor, &a.RemovedAt, &on); err != nil {
			return err
		}
		a.EntityID, a.RemovedAt = ent.ID, utc(a.RemovedAt)
		out = append(out, &a)
		if a.RemovedAt == nil {
			return nil
		}
		if on.IsZero() {
			// No reversal entry (no exchange difference): the entity's
			// date when it was removed, as a reversal would have been
			// dated (never before the allocation's own date).
			y, m, d := a.RemovedAt.In(loc).Date()
			on = Later(ledger.NewDate(y, m, d), a.Date)
		}
		act.AllocationRemovedOn[a.ID] = on
		return nil
	})
	return out, err
}

// openDocs and openPayments select what may be open on @d: what is open
// now, what is ended or removed, and what an allocation dated after @d or
// removed touches (it may have been open then). The set is a superset of
// what was open on @d; the report works out what was. (A void sales
// invoice has nothing settled, so it was in the first set already; a
// reversed purchase document need not be.)
func (r *Reports) openDocs() string {
	return fmt.Sprintf(`d.entity_id = @e AND d.status <> 'draft' AND d.%s <= @d AND (d.settled_minor < d.total_minor OR d.status = '%s'
		OR d.id IN %s OR d.id IN %s)`, r.Dated, r.Ended, r.touched(r.OwedPrefix, "invoice"), r.touched(r.SettlePrefix, "invoice"))
}

func (r *Reports) openPayments() string {
	return fmt.Sprintf(`p.entity_id = @e AND p.date <= @d AND (p.removed_at IS NOT NULL OR p.settled_minor < p.amount_minor
		OR p.id IN %s OR p.id IN %s)`, r.touched(r.OwedPrefix, "payment"), r.touched(r.SettlePrefix, "payment"))
}

// touched selects the ids on one side (prefix) of the allocations dated
// after @d or removed.
func (r *Reports) touched(prefix, kind string) string {
	return fmt.Sprintf(`(SELECT m.%[1]s_%[2]s_id FROM %[3]s m WHERE m.entity_id = @e AND m.%[1]s_%[2]s_id IS NOT NULL AND (m.date > @d OR m.removed_at IS NOT NULL))`,
		prefix, kind, r.Allocations)
}

// OpenOn reads into act what may be open on asOf, for the aged reports:
// two queries for the documents and payments, one per thousand of them
// for their allocations dated on or before asOf (by the allocations'
// indexes on each side, rather than by restating the conditions above),
// and one per 5,000 parties.
func (r *Reports) OpenOn(tx *sqlstore.Tx, ent *ledger.Entity, asOf ledger.Date, act *invoicing.Activity, seen DocumentFunc, parties PartiesFunc) error {
	e, d := sql.Named("e", ent.ID), sql.Named("d", asOf)
	if err := r.ReadDocuments(tx, ent, act, seen, r.openDocs(), e, d); err != nil {
		return err
	}
	if err := r.payments(tx, ent, act, r.openPayments(), e, d); err != nil {
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
	var read [][]*invoicing.Allocation
	for _, side := range []struct {
		ids  []int64
		kind string
	}{{docs, "invoice"}, {pays, "payment"}} {
		cond := fmt.Sprintf(`a.entity_id = ? AND a.date <= ? AND (a.%[1]s_%[3]s_id IN ? OR a.%[2]s_%[3]s_id IN ?)`, r.OwedPrefix, r.SettlePrefix, side.kind)
		for ids := range slices.Chunk(side.ids, 1000) {
			list, err := r.allocations(tx, ent, act, cond, ent.ID, asOf, ids, ids)
			if err != nil {
				return err
			}
			read = append(read, list)
		}
	}
	act.Allocations = merge(act.Allocations, read...)
	return r.ReadParties(act, parties)
}

// merge appends the allocations of lists to all, each once (an allocation
// between a document and a payment that are both read comes twice), and
// sorts them by id.
func merge(all []*invoicing.Allocation, lists ...[]*invoicing.Allocation) []*invoicing.Allocation {
	seen := map[int64]bool{}
	for _, a := range all {
		seen[a.ID] = true
	}
	for _, list := range lists {
		for _, a := range list {
			if !seen[a.ID] {
				seen[a.ID] = true
				all = append(all, a)
			}
		}
	}
	slices.SortFunc(all, func(a, b *invoicing.Allocation) int { return cmp.Compare(a.ID, b.ID) })
	return all
}

// OfParty reads into act everything of one party (act's only customer,
// partyID) dated on or before to: three queries, whatever the number of
// documents.
func (r *Reports) OfParty(tx *sqlstore.Tx, ent *ledger.Entity, partyID int64, to ledger.Date, act *invoicing.Activity, seen DocumentFunc) error {
	e, c, d := sql.Named("e", ent.ID), sql.Named("c", partyID), sql.Named("d", to)
	if err := r.ReadDocuments(tx, ent, act, seen, fmt.Sprintf(`d.entity_id = @e AND d.%s = @c AND d.status <> 'draft' AND d.%s <= @d`, r.Party, r.Dated), e, c, d); err != nil {
		return err
	}
	if err := r.payments(tx, ent, act, fmt.Sprintf(`p.entity_id = @e AND p.%s = @c AND p.date <= @d`, r.Party), e, c, d); err != nil {
		return err
	}
	// Both sides of an allocation are one party's: its owed side names
	// the party.
	list, err := r.allocations(tx, ent, act, fmt.Sprintf(`a.entity_id = @e AND a.date <= @d AND (
		a.%[1]s_invoice_id IN (SELECT id FROM %[2]s WHERE entity_id = @e AND %[4]s = @c)
		OR a.%[1]s_payment_id IN (SELECT id FROM %[3]s WHERE entity_id = @e AND %[4]s = @c))`, r.OwedPrefix, r.Documents, r.Payments, r.Party), e, c, d)
	if err != nil {
		return err
	}
	act.Allocations = append(act.Allocations, list...)
	return nil
}

// ReadParties adds to act the parties its documents and payments name, in id
// order, read (by read) 5,000 at a time: SQLite takes at most 32,766
// parameters in a statement.
func (r *Reports) ReadParties(act *invoicing.Activity, read PartiesFunc) error {
	for ids := range slices.Chunk(partyIDs(act), 5000) {
		list, err := read(ids)
		if err != nil {
			return err
		}
		act.Customers = append(act.Customers, list...)
	}
	return nil
}

// partyIDs are the parties act's documents and payments name, each once,
// ascending.
func partyIDs(act *invoicing.Activity) []int64 {
	var ids []int64
	for _, d := range act.Documents {
		ids = append(ids, d.CustomerID)
	}
	for _, p := range act.Payments {
		ids = append(ids, p.CustomerID)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// NewActivity is an empty activity, every list and map made.
func NewActivity() *invoicing.Activity {
	return &invoicing.Activity{Customers: []*invoicing.Customer{}, Documents: []*invoicing.Invoice{}, Payments: []*invoicing.Payment{},
		Allocations: []*invoicing.Allocation{}, VoidedOn: map[int64]ledger.Date{}, PaymentRemovedOn: map[int64]ledger.Date{},
		AllocationRemovedOn: map[int64]ledger.Date{}}
}

func datePtr(d ledger.Date) *ledger.Date {
	if d.IsZero() {
		return nil
	}
	return &d
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
