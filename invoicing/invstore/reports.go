package invstore

import (
	"context"
	"database/sql"

	"backoffice/invoicing"
	"backoffice/invoicing/settlement"
	"backoffice/invoicing/statements"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
)

// The reads of the receivables reports (invoicing/statements builds the
// reports). What may be open on a date and a customer's activity are read
// by settlement.Reports, once for both halves of the books; this store
// adds its customers. Each method reads in a few queries, not one per
// document, in one read-only snapshot (joining the caller's, if any), so
// that a payment committed halfway through a report never shows on one
// side of an allocation only.

// receivablesReports is what the reports read of the receivables: an
// invoice dated its issue date, a void one ended by its void entry.
var receivablesReports = &settlement.Reports{Book: receivables, Party: "customer_id", Dated: "issue_date", Ended: "void", EndEntry: "void_entry_id"}

// readCustomers reads customers by id (at most 5,000), in id order.
func readCustomers(tx *sqlstore.Tx, entityID int64) settlement.PartiesFunc {
	return func(ids []int64) ([]*invoicing.Customer, error) {
		var rows []customerRow
		err := tx.DB().Raw(`SELECT `+customerColumns+` FROM customers WHERE entity_id = ? AND id IN ? ORDER BY id`, entityID, ids).Scan(&rows).Error
		if err != nil {
			return nil, sqlstore.Translate(err)
		}
		out := make([]*invoicing.Customer, len(rows))
		for i := range rows {
			out[i] = rows[i].customer()
		}
		return out, nil
	}
}

// ReceivablesActivity returns what may be open on asOf, for the aged
// receivables (settlement.Reports.OpenOn).
func (s *Store) ReceivablesActivity(ctx context.Context, ent *ledger.Entity, asOf ledger.Date) (*invoicing.Activity, error) {
	var act *invoicing.Activity
	err := s.Read(ctx, func(tx *sqlstore.Tx) error {
		act = settlement.NewActivity()
		return receivablesReports.OpenOn(tx, ent, asOf, act, nil, readCustomers(tx, ent.ID))
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
		act = settlement.NewActivity()
		c, err := s.customer(tx, ent.ID, customerID)
		if err != nil {
			return err
		}
		act.Customers = append(act.Customers, c)
		return receivablesReports.OfParty(tx, ent, customerID, to, act, nil)
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

// vatDocs are the documents (alias d) issued, or voided, from @f to @t.
var vatDocs = `d.entity_id = @e AND d.status <> 'draft' AND (d.issue_date BETWEEN @f AND @t
	OR d.status = 'void' AND ` + receivablesReports.EndedOn() + ` BETWEEN @f AND @t)`

type vatLineRow struct {
	InvoiceID      int64
	TaxCode        string
	TaxRate        string
	TaxKind        string
	TaxAccountID   int64
	NetMinor       int64
	TaxAdjustMinor int64
}

// vatLines reads the lines of the documents that docs (a condition on
// alias d) selects, summed per document and tax code, and whose condition
// on alias l also holds ("TRUE" for every line), ordered by document.
func vatLines(tx *sqlstore.Tx, docs, lines string, args ...any) ([]vatLineRow, error) {
	var rows []vatLineRow
	err := tx.DB().Raw(`SELECT l.invoice_id, l.tax_code, l.tax_rate, l.tax_kind, l.tax_account_id,
		SUM(l.net_minor) AS net_minor, SUM(l.tax_adjust_minor) AS tax_adjust_minor
		FROM invoice_lines l WHERE l.entity_id = @e AND `+lines+` AND l.invoice_id IN (SELECT d.id FROM invoices d WHERE `+docs+`)
		GROUP BY l.invoice_id, l.tax_code, l.tax_rate, l.tax_kind, l.tax_account_id
		ORDER BY l.invoice_id, l.tax_code`, args...).Scan(&rows).Error
	return rows, sqlstore.Translate(err)
}

// line is the row as the document's next line, numbered no.
func (r *vatLineRow) line(no int) invoicing.Line {
	return invoicing.Line{LineNo: no, TaxCode: r.TaxCode, TaxRate: dec(r.TaxRate), TaxKind: invoicing.TaxKind(r.TaxKind),
		TaxAccountID: r.TaxAccountID, NetMinor: r.NetMinor, TaxAdjustMinor: r.TaxAdjustMinor}
}

// VATActivity returns the documents issued or voided from..to, each with
// one line per tax code: two queries.
func (s *Store) VATActivity(ctx context.Context, ent *ledger.Entity, from, to ledger.Date) (*invoicing.Activity, error) {
	var act *invoicing.Activity
	err := s.Read(ctx, func(tx *sqlstore.Tx) error {
		act = settlement.NewActivity()
		e, f, t := sql.Named("e", ent.ID), sql.Named("f", from), sql.Named("t", to)
		if err := receivablesReports.ReadDocuments(tx, ent, act, nil, vatDocs, e, f, t); err != nil {
			return err
		}
		rows, err := vatLines(tx, vatDocs, "TRUE", e, f, t)
		if err != nil {
			return err
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
			d.Lines = append(d.Lines, r.line(len(d.Lines)+1))
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
