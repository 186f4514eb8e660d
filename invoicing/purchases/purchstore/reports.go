package purchstore

import (
	"context"
	"database/sql"

	"backoffice/invoicing"
	"backoffice/invoicing/purchases"
	"backoffice/invoicing/settlement"
	"backoffice/invoicing/statements"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
)

// The reads of the payables reports (invoicing/statements builds them, in
// payables.go, on the receivables' machinery). Purchases' records are read
// into an invoicing.Activity as statements.Payables describes, by
// settlement.Reports, once for both halves of the books: suppliers as
// customers, a purchase document dated its VAT date (its entry's date),
// a reversal ending it on its reversal entry's date, payments made as
// payments received, an allocation's owed side as its debit side. This
// store adds what only it has: its suppliers, and the supplier's number
// of each document. Each method reads in a few queries in one read-only
// snapshot.

var _ statements.PayablesStore = (*Store)(nil)

// payablesReports is what the reports read of the payables: a purchase
// document dated its VAT date, a reversed one ended by its reversal entry,
// with the number the supplier gave it.
var payablesReports = &settlement.Reports{Book: payables, Party: "supplier_id", Dated: "vat_date", Ended: "reversed",
	EndEntry: "reversal_entry_id", DocExtra: []string{"d.supplier_number"}}

func newPayables() *statements.Payables {
	return &statements.Payables{SupplierNumbers: map[int64]string{}, Activity: settlement.NewActivity()}
}

// supplierNumbers notes each document's supplier number (DocExtra) in out.
func supplierNumbers(out *statements.Payables) settlement.DocumentFunc {
	return func(d *invoicing.Invoice, extra []string) { out.SupplierNumbers[d.ID] = extra[0] }
}

// readSuppliers reads suppliers by id (at most 5,000) as customers, in id
// order.
func readSuppliers(tx *sqlstore.Tx, ent *ledger.Entity) settlement.PartiesFunc {
	return func(ids []int64) ([]*invoicing.Customer, error) {
		var rows []supplierRow
		if err := tx.DB().Raw(supplierSelect+` WHERE s.entity_id = ? AND s.id IN ? ORDER BY s.id`, ent.ID, ids).Scan(&rows).Error; err != nil {
			return nil, sqlstore.Translate(err)
		}
		out := make([]*invoicing.Customer, len(rows))
		for i := range rows {
			out[i] = supplierAsCustomer(rows[i].supplier().ID, &rows[i], ent)
		}
		return out, nil
	}
}

func supplierAsCustomer(id int64, r *supplierRow, ent *ledger.Entity) *invoicing.Customer {
	sup := r.supplier()
	return &invoicing.Customer{ID: id, EntityID: sup.EntityID, Name: sup.Name, Address: sup.Address, VATNumber: sup.VATNumber,
		RegistrationID: sup.RegistrationID, Language: sup.Language, Currency: ent.Currency, PaymentTermsDays: sup.PaymentTermsDays,
		ArchivedAt: sup.ArchivedAt, CreatedAt: sup.CreatedAt, UpdatedAt: sup.UpdatedAt}
}

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

// PayablesActivity returns what may be open on asOf, for the aged
// payables (settlement.Reports.OpenOn).
func (s *Store) PayablesActivity(ctx context.Context, ent *ledger.Entity, asOf ledger.Date) (*statements.Payables, error) {
	var out *statements.Payables
	err := s.l.Read(ctx, func(tx *sqlstore.Tx) error {
		out = newPayables()
		return payablesReports.OpenOn(tx, ent, asOf, out.Activity, supplierNumbers(out), readSuppliers(tx, ent))
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
		var rows []supplierRow
		if err := tx.DB().Raw(supplierSelect+` WHERE s.entity_id = ? AND s.id = ?`, ent.ID, supplierID).Scan(&rows).Error; err != nil {
			return sqlstore.Translate(err)
		}
		if len(rows) == 0 {
			return ledger.NotFound("supplier")
		}
		out.Activity.Customers = append(out.Activity.Customers, supplierAsCustomer(supplierID, &rows[0], ent))
		return payablesReports.OfParty(tx, ent, supplierID, to, out.Activity, supplierNumbers(out))
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
