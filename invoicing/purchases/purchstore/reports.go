package purchstore

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/shopspring/decimal"

	"backoffice/invoicing"
	"backoffice/invoicing/purchases"
	"backoffice/invoicing/statements"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
)

// The reads of the payables reports (invoicing/statements builds them, in
// payables.go, on the receivables' machinery). Purchases' records are read
// into an invoicing.Activity as statements.Payables describes: suppliers
// as customers, a purchase document dated its VAT date (its entry's date),
// a reversal ending it on its reversal entry's date, payments made as
// payments received, an allocation's owed side as its debit side. Each
// method reads in a few queries in one read-only snapshot.

var _ statements.PayablesStore = (*Store)(nil)

const (
	reversedOn = `CASE WHEN p.reversal_entry_id IS NULL THEN NULL ELSE (SELECT v.date FROM journal_entries v WHERE v.entity_id = p.entity_id AND v.id = p.reversal_entry_id) END`
	removedOn  = `CASE WHEN %[1]s.removal_entry_id IS NULL THEN NULL ELSE (SELECT r.date FROM journal_entries r WHERE r.entity_id = %[1]s.entity_id AND r.id = %[1]s.removal_entry_id) END`
)

const payablesDocSelect = `SELECT p.id, p.kind, p.status, p.supplier_id, p.supplier_number, p.currency, p.exchange_rate, p.vat_date, p.due_date,
	p.number, p.total_minor, p.functional_total_minor, ` + reversedOn + ` AS reversed_on FROM purchase_invoices p`

var payablesPaymentSelect = `SELECT q.id, q.supplier_id, q.direction, q.date, q.currency, q.amount_minor, q.functional_minor,
	q.reference, q.removed_at, ` + fmt.Sprintf(removedOn, "q") + ` AS removed_on FROM supplier_payments q`

var payablesAllocationSelect = `SELECT a.id, a.owed_invoice_id, a.owed_payment_id, a.settle_invoice_id, a.settle_payment_id, a.date,
	a.currency, a.amount_minor, a.owed_functional_minor, a.settle_functional_minor, a.removed_at, ` + fmt.Sprintf(removedOn, "a") + ` AS removed_on
	FROM purchase_allocations a`

func newPayables() *statements.Payables {
	return &statements.Payables{SupplierNumbers: map[int64]string{}, Activity: &invoicing.Activity{Customers: []*invoicing.Customer{},
		Documents: []*invoicing.Invoice{}, Payments: []*invoicing.Payment{}, Allocations: []*invoicing.Allocation{},
		VoidedOn: map[int64]ledger.Date{}, PaymentRemovedOn: map[int64]ledger.Date{}, AllocationRemovedOn: map[int64]ledger.Date{}}}
}

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

func datePtr(d ledger.Date) *ledger.Date {
	if d.IsZero() {
		return nil
	}
	return &d
}

func (s *Store) readPayablesDocs(tx *sqlstore.Tx, ent *ledger.Entity, out *statements.Payables, where string, args ...any) error {
	act := out.Activity
	return scanRows(tx, payablesDocSelect+` WHERE `+where+` ORDER BY p.id`, append([]any{}, args...), func(rows *sql.Rows) error {
		var (
			d                            invoicing.Invoice
			kind, status, supplierNumber string
			rate, number                 *string
			vatDate, due, reversed       ledger.Date
		)
		if err := rows.Scan(&d.ID, &kind, &status, &d.CustomerID, &supplierNumber, &d.Currency, &rate, &vatDate, &due, &number,
			&d.TotalMinor, &d.FunctionalTotalMinor, &reversed); err != nil {
			return err
		}
		d.EntityID, d.Kind, d.IssueDate, d.DueDate = ent.ID, invoicing.Kind(kind), datePtr(vatDate), datePtr(due)
		switch status {
		case "booked":
			d.StoredStatus = invoicing.StatusIssued
		case "reversed":
			d.StoredStatus = invoicing.StatusVoid
			if !reversed.IsZero() {
				act.VoidedOn[d.ID] = reversed
			}
		default:
			d.StoredStatus = invoicing.StatusDraft
		}
		if rate != nil {
			d.ExchangeRate, _ = decimal.NewFromString(*rate)
		}
		if number != nil {
			d.Number = *number
		}
		act.Documents = append(act.Documents, &d)
		out.SupplierNumbers[d.ID] = supplierNumber
		return nil
	})
}

func (s *Store) readPayablesPayments(tx *sqlstore.Tx, ent *ledger.Entity, act *invoicing.Activity, where string, args ...any) error {
	return scanRows(tx, payablesPaymentSelect+` WHERE `+where+` ORDER BY q.id`, args, func(rows *sql.Rows) error {
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
		// A payment made settles what is owed, as a customer's payment
		// received does; a refund the supplier paid back is owed again.
		p.Direction = invoicing.DirectionReceived
		if direction == "refund" {
			p.Direction = invoicing.DirectionRefund
		}
		act.Payments = append(act.Payments, &p)
		if p.RemovedAt != nil && !removed.IsZero() {
			act.PaymentRemovedOn[p.ID] = removed
		}
		return nil
	})
}

func (s *Store) readPayablesAllocations(tx *sqlstore.Tx, ent *ledger.Entity, act *invoicing.Activity, where string, args ...any) error {
	loc := ent.Location()
	return scanRows(tx, payablesAllocationSelect+` WHERE `+where+` ORDER BY a.id`, args, func(rows *sql.Rows) error {
		var (
			a  invoicing.Allocation
			on ledger.Date
		)
		if err := rows.Scan(&a.ID, &a.DebitInvoiceID, &a.DebitPaymentID, &a.CreditInvoiceID, &a.CreditPaymentID, &a.Date,
			&a.Currency, &a.AmountMinor, &a.DebitFunctionalMinor, &a.CreditFunctionalMinor, &a.RemovedAt, &on); err != nil {
			return err
		}
		a.EntityID, a.RemovedAt = ent.ID, utc(a.RemovedAt)
		act.Allocations = append(act.Allocations, &a)
		if a.RemovedAt == nil {
			return nil
		}
		if on.IsZero() {
			// No reversal entry: the entity's date when it was removed,
			// never before the allocation's own (as for sales).
			y, m, dd := a.RemovedAt.In(loc).Date()
			on = ledger.NewDate(y, m, dd)
			if on.Before(a.Date) {
				on = a.Date
			}
		}
		act.AllocationRemovedOn[a.ID] = on
		return nil
	})
}

// readPayablesSuppliers adds the suppliers the documents and payments
// name, as customers in id order.
func (s *Store) readPayablesSuppliers(tx *sqlstore.Tx, ent *ledger.Entity, act *invoicing.Activity) error {
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
	slices.Sort(ids)
	for chunk := range slices.Chunk(ids, 5000) {
		var rows []supplierRow
		if err := tx.DB().Raw(supplierSelect+` WHERE s.entity_id = ? AND s.id IN ? ORDER BY s.id`, ent.ID, chunk).Scan(&rows).Error; err != nil {
			return sqlstore.Translate(err)
		}
		for i := range rows {
			act.Customers = append(act.Customers, supplierAsCustomer(rows[i].supplier().ID, &rows[i], ent))
		}
	}
	return nil
}

func supplierAsCustomer(id int64, r *supplierRow, ent *ledger.Entity) *invoicing.Customer {
	sup := r.supplier()
	return &invoicing.Customer{ID: id, EntityID: sup.EntityID, Name: sup.Name, Address: sup.Address, VATNumber: sup.VATNumber,
		RegistrationID: sup.RegistrationID, Language: sup.Language, Currency: ent.Currency, PaymentTermsDays: sup.PaymentTermsDays,
		ArchivedAt: sup.ArchivedAt, CreatedAt: sup.CreatedAt, UpdatedAt: sup.UpdatedAt}
}

// What may be open on @d (a superset; the report works out what was):
// documents and payments open now, reversed or removed ones, and those an
// allocation dated after @d or removed touches.
const (
	payablesOpenDocs = `p.entity_id = @e AND p.status <> 'draft' AND p.vat_date <= @d AND (p.settled_minor < p.total_minor OR p.status = 'reversed'
		OR p.id IN (SELECT m.owed_invoice_id FROM purchase_allocations m WHERE m.entity_id = @e AND m.owed_invoice_id IS NOT NULL AND (m.date > @d OR m.removed_at IS NOT NULL))
		OR p.id IN (SELECT m.settle_invoice_id FROM purchase_allocations m WHERE m.entity_id = @e AND m.settle_invoice_id IS NOT NULL AND (m.date > @d OR m.removed_at IS NOT NULL)))`
	payablesOpenPayments = `q.entity_id = @e AND q.date <= @d AND (q.removed_at IS NOT NULL OR q.settled_minor < q.amount_minor
		OR q.id IN (SELECT m.owed_payment_id FROM purchase_allocations m WHERE m.entity_id = @e AND m.owed_payment_id IS NOT NULL AND (m.date > @d OR m.removed_at IS NOT NULL))
		OR q.id IN (SELECT m.settle_payment_id FROM purchase_allocations m WHERE m.entity_id = @e AND m.settle_payment_id IS NOT NULL AND (m.date > @d OR m.removed_at IS NOT NULL)))`
)

// PayablesSnapshot runs fn with the store bound to one read-only snapshot.
func (s *Store) PayablesSnapshot(ctx context.Context, fn func(st statements.PayablesStore) error) error {
	return s.l.Read(ctx, func(tx *sqlstore.Tx) error { return fn(s.In(tx)) })
}

// PayablesBalance is the payables account's code and credit balance on
// asOf.
func (s *Store) PayablesBalance(ctx context.Context, ent *ledger.Entity, asOf ledger.Date) (string, int64, error) {
	var code string
	var balance int64
	err := s.l.Read(ctx, func(tx *sqlstore.Tx) error {
		set, err := s.settings(tx, ent.ID)
		if err != nil {
			return err
		}
		code = set.PayableAccount
		a, err := s.l.In(tx).Account(tx.Context(), ent.ID, code)
		if ledger.IsCode(err, ledger.CodeNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		b, err := s.l.In(tx).Balances(tx.Context(), ent.ID, asOf, a.ID)
		if err != nil {
			return err
		}
		balance = -b[a.ID].Net()
		return nil
	})
	return code, balance, err
}

// PayablesActivity returns what may be open on asOf: two queries for the
// documents and payments, one per thousand of them for their allocations.
func (s *Store) PayablesActivity(ctx context.Context, ent *ledger.Entity, asOf ledger.Date) (*statements.Payables, error) {
	var out *statements.Payables
	err := s.l.Read(ctx, func(tx *sqlstore.Tx) error {
		out = newPayables()
		act := out.Activity
		e, d := sql.Named("e", ent.ID), sql.Named("d", asOf)
		if err := s.readPayablesDocs(tx, ent, out, payablesOpenDocs, e, d); err != nil {
			return err
		}
		if err := s.readPayablesPayments(tx, ent, act, payablesOpenPayments, e, d); err != nil {
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
		}{{docs, `a.owed_invoice_id IN ? OR a.settle_invoice_id IN ?`}, {pays, `a.owed_payment_id IN ? OR a.settle_payment_id IN ?`}} {
			for ids := range slices.Chunk(side.ids, 1000) {
				act.Allocations = nil
				if err := s.readPayablesAllocations(tx, ent, act, `a.entity_id = ? AND a.date <= ? AND (`+side.cond+`)`, ent.ID, asOf, ids, ids); err != nil {
					return err
				}
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
		return s.readPayablesSuppliers(tx, ent, act)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SupplierActivity returns everything of one supplier dated on or before
// to.
func (s *Store) SupplierActivity(ctx context.Context, ent *ledger.Entity, supplierID int64, to ledger.Date) (*statements.Payables, error) {
	var out *statements.Payables
	err := s.l.Read(ctx, func(tx *sqlstore.Tx) error {
		out = newPayables()
		act := out.Activity
		var rows []supplierRow
		if err := tx.DB().Raw(supplierSelect+` WHERE s.entity_id = ? AND s.id = ?`, ent.ID, supplierID).Scan(&rows).Error; err != nil {
			return sqlstore.Translate(err)
		}
		if len(rows) == 0 {
			return ledger.NotFound("supplier")
		}
		act.Customers = append(act.Customers, supplierAsCustomer(supplierID, &rows[0], ent))
		e, su, d := sql.Named("e", ent.ID), sql.Named("s", supplierID), sql.Named("d", to)
		if err := s.readPayablesDocs(tx, ent, out, `p.entity_id = @e AND p.supplier_id = @s AND p.status <> 'draft' AND p.vat_date <= @d`, e, su, d); err != nil {
			return err
		}
		if err := s.readPayablesPayments(tx, ent, act, `q.entity_id = @e AND q.supplier_id = @s AND q.date <= @d`, e, su, d); err != nil {
			return err
		}
		// Both sides of an allocation are one supplier's: the owed side
		// names it.
		return s.readPayablesAllocations(tx, ent, act, `a.entity_id = @e AND a.date <= @d AND (
			a.owed_invoice_id IN (SELECT id FROM purchase_invoices WHERE entity_id = @e AND supplier_id = @s)
			OR a.owed_payment_id IN (SELECT id FROM supplier_payments WHERE entity_id = @e AND supplier_id = @s))`, e, su, d)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// PurchaseJournal lists the purchase documents booked from..to by VAT
// date, in number order: two queries.
func (s *Store) PurchaseJournal(ctx context.Context, ent *ledger.Entity, from, to ledger.Date) ([]statements.JournalDoc, error) {
	var out []statements.JournalDoc
	err := s.l.Read(ctx, func(tx *sqlstore.Tx) error {
		out = []statements.JournalDoc{}
		var rows []struct {
			ID             int64
			Kind           string
			Status         string
			Number         string
			VATDate        ledger.Date `gorm:"column:vat_date"`
			SupplierID     int64
			SupplierName   string
			SupplierNumber string
			Currency       string
			NetMinor       int64
			VATMinor       int64 `gorm:"column:vat_minor"`
			TotalMinor     int64
		}
		const where = ` WHERE p.entity_id = @e AND p.status <> 'draft' AND p.vat_date BETWEEN @f AND @t`
		e, f, t := sql.Named("e", ent.ID), sql.Named("f", from), sql.Named("t", to)
		if err := tx.DB().Raw(`SELECT p.id, p.kind, p.status, p.number, p.vat_date, p.supplier_id, s.name AS supplier_name, p.supplier_number,
			p.currency, p.net_minor, p.vat_minor, p.total_minor`+invoiceFrom+where+` ORDER BY p.fiscal_year, p.seq, p.id`, e, f, t).Scan(&rows).Error; err != nil {
			return sqlstore.Translate(err)
		}
		var vats []struct {
			PurchaseInvoiceID int64
			TaxCode           string
			NetMinor          int64
			PrintedMinor      int64
		}
		if err := tx.DB().Raw(`SELECT v.purchase_invoice_id, v.tax_code, v.net_minor, v.printed_minor FROM purchase_invoice_vat v
			WHERE v.entity_id = @e AND v.purchase_invoice_id IN (SELECT p.id FROM purchase_invoices p`+where+`)
			ORDER BY v.purchase_invoice_id, v.tax_code`, e, f, t).Scan(&vats).Error; err != nil {
			return sqlstore.Translate(err)
		}
		// The kind (for the box) and the deductible part per tax code come
		// from the lines, which carry them.
		var parts []struct {
			PurchaseInvoiceID int64
			TaxCode           string
			TaxKind           string
			DeductibleMinor   int64
		}
		if err := tx.DB().Raw(`SELECT l.purchase_invoice_id, l.tax_code, min(l.tax_kind) AS tax_kind, sum(l.deductible_minor) AS deductible_minor
			FROM purchase_invoice_lines l WHERE l.entity_id = @e AND l.purchase_invoice_id IN (SELECT p.id FROM purchase_invoices p`+where+`)
			GROUP BY l.purchase_invoice_id, l.tax_code`, e, f, t).Scan(&parts).Error; err != nil {
			return sqlstore.Translate(err)
		}
		type key struct {
			id   int64
			code string
		}
		kind, deductible := map[key]purchases.TaxKind{}, map[key]int64{}
		for _, x := range parts {
			k := key{x.PurchaseInvoiceID, x.TaxCode}
			kind[k], deductible[k] = purchases.TaxKind(x.TaxKind), x.DeductibleMinor
		}
		byID := map[int64][]statements.JournalVAT{}
		for _, v := range vats {
			k := key{v.PurchaseInvoiceID, v.TaxCode}
			byID[v.PurchaseInvoiceID] = append(byID[v.PurchaseInvoiceID], statements.JournalVAT{TaxCode: v.TaxCode, Box: kind[k].Box(),
				ReverseCharge: kind[k].ReverseCharge(), NetMinor: v.NetMinor, VATMinor: v.PrintedMinor, DeductibleMinor: deductible[k]})
		}
		for _, r := range rows {
			out = append(out, statements.JournalDoc{ID: r.ID, Kind: r.Kind, Number: r.Number, VATDate: r.VATDate, SupplierID: r.SupplierID,
				SupplierName: r.SupplierName, SupplierNumber: r.SupplierNumber, Currency: r.Currency, NetMinor: r.NetMinor,
				VATMinor: r.VATMinor, TotalMinor: r.TotalMinor, Reversed: r.Status == "reversed", VAT: byID[r.ID]})
		}
		return nil
	})
	return out, err
}
