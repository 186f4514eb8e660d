package purchstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"

	"backoffice/invoicing"
	"backoffice/invoicing/purchases"
	"backoffice/invoicing/vatledger"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
)

const invoiceColumns = `p.id, p.entity_id, p.kind, p.status, p.supplier_id, s.name AS supplier_name, p.supplier_number,
	p.invoice_date, p.vat_date, p.due_date, p.currency, p.exchange_rate, p.reference, p.payment_reference, p.credited_id,
	p.vat_override_reason, p.number, p.fiscal_year, p.seq, p.net_minor, p.vat_minor, p.total_minor, p.functional_total_minor,
	p.settled_minor, p.settled_functional_minor, p.paid_minor, p.entry_id, p.reversal_entry_id, p.created_at, p.created_by,
	p.updated_at, p.booked_at, p.booked_by, p.reversed_at, p.reversed_by`

const invoiceFrom = ` FROM purchase_invoices p JOIN suppliers s ON s.entity_id = p.entity_id AND s.id = p.supplier_id`

type invoiceRow struct {
	ID                     int64
	EntityID               int64
	Kind                   string
	Status                 string
	SupplierID             int64
	SupplierName           string
	SupplierNumber         string
	InvoiceDate            ledger.Date
	VATDate                ledger.Date `gorm:"column:vat_date"`
	DueDate                *ledger.Date
	Currency               string
	ExchangeRate           *string
	Reference              string
	PaymentReference       string
	CreditedID             *int64
	VATOverrideReason      string `gorm:"column:vat_override_reason"`
	Number                 *string
	FiscalYear             *int
	Seq                    *int64
	NetMinor               int64
	VATMinor               int64 `gorm:"column:vat_minor"`
	TotalMinor             int64
	FunctionalTotalMinor   int64
	SettledMinor           int64
	SettledFunctionalMinor int64
	PaidMinor              int64
	EntryID                *int64
	ReversalEntryID        *int64
	CreatedAt              time.Time
	CreatedBy              int64
	UpdatedAt              time.Time
	BookedAt               *time.Time
	BookedBy               *int64
	ReversedAt             *time.Time
	ReversedBy             *int64
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func (r *invoiceRow) invoice() *purchases.Invoice {
	inv := &purchases.Invoice{ID: r.ID, EntityID: r.EntityID, Kind: r.Kind, Status: r.Status, SupplierID: r.SupplierID,
		SupplierName: r.SupplierName, SupplierNumber: r.SupplierNumber, InvoiceDate: r.InvoiceDate, VATDate: r.VATDate,
		DueDate: r.DueDate, Currency: r.Currency, Reference: r.Reference, PaymentReference: r.PaymentReference,
		CreditedID: r.CreditedID, VATOverrideReason: r.VATOverrideReason, NetMinor: r.NetMinor, VATMinor: r.VATMinor,
		TotalMinor: r.TotalMinor, FunctionalTotalMinor: r.FunctionalTotalMinor, SettledMinor: r.SettledMinor,
		SettledFunctionalMinor: r.SettledFunctionalMinor, PaidMinor: r.PaidMinor, EntryID: r.EntryID,
		ReversalEntryID: r.ReversalEntryID, CreatedAt: r.CreatedAt.UTC(), CreatedBy: r.CreatedBy, UpdatedAt: r.UpdatedAt.UTC(),
		BookedAt: utc(r.BookedAt), BookedBy: r.BookedBy, ReversedAt: utc(r.ReversedAt), ReversedBy: r.ReversedBy,
		DocumentIDs: []int64{}}
	if r.ExchangeRate != nil {
		inv.ExchangeRate, _ = decimal.NewFromString(*r.ExchangeRate)
	}
	if r.Number != nil {
		inv.Number = *r.Number
	}
	if r.FiscalYear != nil {
		inv.FiscalYear = *r.FiscalYear
	}
	if r.Seq != nil {
		inv.Seq = *r.Seq
	}
	return inv
}

type lineRow struct {
	PurchaseInvoiceID int64
	LineNo            int
	Description       string
	AccountID         int64
	Account           string
	NetMinor          int64
	TaxCodeID         int64
	TaxCode           string
	TaxKind           string
	TaxRate           string
	DeductiblePercent string
	InputAccountID    *int64
	InputAccount      string
	OutputAccountID   *int64
	OutputAccount     string
	VATMinor          int64 `gorm:"column:vat_minor"`
	DeductibleMinor   int64
}

type vatRow struct {
	PurchaseInvoiceID int64
	TaxCode           string
	Rate              string
	NetMinor          int64
	ComputedMinor     int64
	PrintedMinor      int64
}

// withDetails loads the lines, VAT rows and document links of invs.
func withDetails(tx *sqlstore.Tx, entityID int64, invs []*purchases.Invoice) error {
	if len(invs) == 0 {
		return nil
	}
	ids := make([]int64, len(invs))
	at := make(map[int64]*purchases.Invoice, len(invs))
	for i, inv := range invs {
		ids[i], at[inv.ID] = inv.ID, inv
		inv.Lines, inv.VAT = nil, nil
	}
	var lines []lineRow
	if err := tx.DB().Raw(`SELECT l.purchase_invoice_id, l.line_no, l.description, l.account_id, a.code AS account, l.net_minor,
		l.tax_code_id, l.tax_code, l.tax_kind, l.tax_rate, l.deductible_percent, t.input_account_id, coalesce(i.code, '') AS input_account,
		t.output_account_id, coalesce(o.code, '') AS output_account, l.vat_minor, l.deductible_minor
		FROM purchase_invoice_lines l
		JOIN accounts a ON a.entity_id = l.entity_id AND a.id = l.account_id
		JOIN purchase_tax_codes t ON t.entity_id = l.entity_id AND t.id = l.tax_code_id
		LEFT JOIN accounts i ON i.entity_id = t.entity_id AND i.id = t.input_account_id
		LEFT JOIN accounts o ON o.entity_id = t.entity_id AND o.id = t.output_account_id
		WHERE l.entity_id = ? AND l.purchase_invoice_id IN ? ORDER BY l.purchase_invoice_id, l.line_no`, entityID, ids).Scan(&lines).Error; err != nil {
		return err
	}
	for _, r := range lines {
		rate, _ := decimal.NewFromString(r.TaxRate)
		ded, _ := decimal.NewFromString(r.DeductiblePercent)
		l := purchases.Line{LineNo: r.LineNo, Description: r.Description, Account: r.Account, AccountID: r.AccountID,
			NetMinor: r.NetMinor, TaxCode: r.TaxCode, TaxCodeID: r.TaxCodeID, TaxKind: purchases.TaxKind(r.TaxKind), TaxRate: rate,
			Deductible: ded, InputAccount: r.InputAccount, OutputAccount: r.OutputAccount, VATMinor: r.VATMinor, DeductibleMinor: r.DeductibleMinor}
		if r.InputAccountID != nil {
			l.InputAccountID = *r.InputAccountID
		}
		if r.OutputAccountID != nil {
			l.OutputAccountID = *r.OutputAccountID
		}
		at[r.PurchaseInvoiceID].Lines = append(at[r.PurchaseInvoiceID].Lines, l)
	}
	var vats []vatRow
	if err := tx.DB().Raw(`SELECT purchase_invoice_id, tax_code, rate, net_minor, computed_minor, printed_minor
		FROM purchase_invoice_vat WHERE entity_id = ? AND purchase_invoice_id IN ?`, entityID, ids).Scan(&vats).Error; err != nil {
		return err
	}
	type code struct {
		id   int64
		code string
	}
	byCode := make(map[code]*vatRow, len(vats))
	for i := range vats {
		byCode[code{vats[i].PurchaseInvoiceID, vats[i].TaxCode}] = &vats[i]
	}
	for _, inv := range invs {
		// In the order the lines first use the codes, with the kind the
		// lines carry.
		for _, l := range inv.Lines {
			k := code{inv.ID, l.TaxCode}
			v := byCode[k]
			if v == nil {
				continue
			}
			delete(byCode, k)
			rate, _ := decimal.NewFromString(v.Rate)
			inv.VAT = append(inv.VAT, purchases.VATRow{TaxCode: v.TaxCode, Kind: l.TaxKind, Rate: rate,
				NetMinor: v.NetMinor, ComputedMinor: v.ComputedMinor, PrintedMinor: v.PrintedMinor})
		}
	}
	var links []struct{ PurchaseInvoiceID, DocumentID int64 }
	if err := tx.DB().Raw(`SELECT purchase_invoice_id, document_id FROM purchase_invoice_documents
		WHERE entity_id = ? AND purchase_invoice_id IN ? ORDER BY document_id`, entityID, ids).Scan(&links).Error; err != nil {
		return err
	}
	for _, l := range links {
		at[l.PurchaseInvoiceID].DocumentIDs = append(at[l.PurchaseInvoiceID].DocumentIDs, l.DocumentID)
	}
	return nil
}

// load reads one purchase invoice with its details; lock takes its row
// for the unit of work.
func (s *Store) load(tx *sqlstore.Tx, entityID, id int64, lock bool) (*purchases.Invoice, error) {
	q := `SELECT ` + invoiceColumns + invoiceFrom + ` WHERE p.entity_id = ? AND p.id = ?`
	if lock {
		q += tx.ForUpdate()
		if tx.ForUpdate() != "" {
			q += ` OF p`
		}
	}
	var r invoiceRow
	err := tx.DB().Raw(q, entityID, id).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ledger.NotFound("purchase invoice")
	}
	if err != nil {
		return nil, sqlstore.Translate(err)
	}
	inv := r.invoice()
	return inv, withDetails(tx, entityID, []*purchases.Invoice{inv})
}

// PurchaseInvoice returns one purchase invoice or supplier credit note.
func (s *Store) PurchaseInvoice(ctx context.Context, entityID, id int64) (*purchases.Invoice, error) {
	return s.load(s.l.Query(ctx), entityID, id, false)
}

// PurchaseInvoices lists by id after a cursor, at most Limit+1.
func (s *Store) PurchaseInvoices(ctx context.Context, entityID int64, f purchases.InvoiceFilter) ([]*purchases.Invoice, error) {
	q := `SELECT ` + invoiceColumns + invoiceFrom + ` WHERE p.entity_id = ? AND p.id > ?`
	args := []any{entityID, f.After}
	if f.SupplierID != 0 {
		q += ` AND p.supplier_id = ?`
		args = append(args, f.SupplierID)
	}
	if f.Kind != "" {
		q += ` AND p.kind = ?`
		args = append(args, f.Kind)
	}
	switch f.Status {
	case "":
	case purchases.StatusDraft, purchases.StatusReversed:
		q += ` AND p.status = ?`
		args = append(args, f.Status)
	case purchases.StatusBooked:
		q += ` AND p.status = 'booked'`
	case "open":
		q += ` AND p.status = 'booked' AND p.settled_minor < p.total_minor`
	}
	if f.SupplierNumber != "" {
		q += ` AND p.supplier_number_key = ?`
		args = append(args, purchases.NumberKey(f.SupplierNumber))
	}
	if f.DocumentID != 0 {
		q += ` AND EXISTS (SELECT 1 FROM purchase_invoice_documents d WHERE d.entity_id = p.entity_id AND d.purchase_invoice_id = p.id AND d.document_id = ?)`
		args = append(args, f.DocumentID)
	}
	q += ` ORDER BY p.id LIMIT ?`
	args = append(args, f.Limit+1)
	tx := s.l.Query(ctx)
	var rows []invoiceRow
	if err := tx.DB().Raw(q, args...).Scan(&rows).Error; err != nil {
		return nil, sqlstore.Translate(err)
	}
	out := make([]*purchases.Invoice, len(rows))
	for i := range rows {
		out[i] = rows[i].invoice()
	}
	return out, sqlstore.Translate(withDetails(tx, entityID, out))
}

// lookup loads what checking a purchase invoice needs, in tx. The
// supplier is read when Apply asks for it; failed says whether that read
// failed (a database error is not "no such supplier": it must reach the
// unit of work, which retries or answers 503, never a 422).
func (s *Store) lookup(tx *sqlstore.Tx, ent *ledger.Entity) (lk *purchases.Lookup, failed func() error, err error) {
	set, err := s.settings(tx, ent.ID)
	if err != nil {
		return nil, nil, err
	}
	codes, err := s.taxCodes(tx, ent.ID, true)
	if err != nil {
		return nil, nil, err
	}
	accounts, err := s.accounts(tx, ent.ID)
	if err != nil {
		return nil, nil, err
	}
	lk = &purchases.Lookup{Entity: ent, Settings: set, TaxCodes: map[string]*purchases.TaxCode{}, Accounts: accounts}
	for _, c := range codes {
		lk.TaxCodes[c.Code] = c
	}
	var lookupErr error
	lk.Supplier = func(id int64) *purchases.Supplier {
		sup, err := s.supplier(tx, ent.ID, id, "")
		if err != nil && !ledger.IsCode(err, ledger.CodeNotFound) {
			lookupErr = err
		}
		return sup
	}
	return lk, func() error { return lookupErr }, nil
}

// numberTaken refuses a supplier invoice number the supplier already has on
// a draft or booked document of the same kind, naming it.
func numberTaken(tx *sqlstore.Tx, inv *purchases.Invoice) error {
	var rows []struct {
		ID     int64
		Number *string
		Status string
	}
	if err := tx.DB().Raw(`SELECT id, number, status FROM purchase_invoices WHERE entity_id = ? AND supplier_id = ? AND kind = ?
		AND supplier_number_key = ? AND status <> 'reversed' AND id <> ? ORDER BY id LIMIT 1`,
		inv.EntityID, inv.SupplierID, inv.Kind, purchases.NumberKey(inv.SupplierNumber), inv.ID).Scan(&rows).Error; err != nil {
		return err
	}
	if len(rows) == 0 {
		return nil
	}
	where := "a draft (purchase invoice " + strconv.FormatInt(rows[0].ID, 10) + ")"
	if rows[0].Number != nil {
		where = *rows[0].Number
	}
	e := numberTakenErr(inv.SupplierNumber)
	e.Message = fmt.Sprintf("supplier invoice number %s of %s is already booked as %s", inv.SupplierNumber, inv.SupplierName, where)
	if rows[0].Number == nil {
		e.Message = fmt.Sprintf("supplier invoice number %s of %s is already entered as %s", inv.SupplierNumber, inv.SupplierName, where)
	}
	e.Details = map[string]any{"purchase_invoice_id": rows[0].ID, "number": rows[0].Number}
	return e
}

func numberTakenErr(number string) *ledger.Error {
	return &ledger.Error{Code: ledger.CodeConflict, Reason: ledger.ReasonSupplierInvoiceNumberTaken,
		Message: "the supplier already has a document numbered " + number,
		Fields: []ledger.FieldError{{Path: "supplier_invoice_number", Reason: ledger.ReasonSupplierInvoiceNumberTaken,
			Message: "a supplier's invoice number is entered once (reverse the earlier one to enter it again)"}}}
}

// checkCredited checks the invoice a credit note names: a booked purchase
// invoice of the same supplier and currency.
func (s *Store) checkCredited(tx *sqlstore.Tx, inv *purchases.Invoice) error {
	if inv.CreditedID == nil {
		return nil
	}
	c, err := s.load(tx, inv.EntityID, *inv.CreditedID, false)
	bad := func(reason ledger.Reason, format string, args ...any) error {
		return invalid("credited_purchase_invoice_id", reason, format, args...)
	}
	switch {
	case ledger.IsCode(err, ledger.CodeNotFound):
		return bad(ledger.ReasonInvoiceNotFound, "purchase invoice %d does not exist in this entity", *inv.CreditedID)
	case err != nil:
		return err
	case c.Kind != purchases.KindInvoice:
		return bad(ledger.ReasonNotAnInvoice, "%d is a credit note; a credit note corrects a purchase invoice", c.ID)
	case c.Status != purchases.StatusBooked:
		return bad(ledger.ReasonInvoiceNotIssued, "purchase invoice %d is %s; a credit note corrects a booked one", c.ID, c.Status)
	case c.SupplierID != inv.SupplierID:
		return bad(ledger.ReasonSupplierMismatch, "purchase invoice %s is from another supplier", c.Number)
	case c.Currency != inv.Currency:
		return bad(ledger.ReasonCurrencyMismatch, "purchase invoice %s is in %s, the credit note in %s", c.Number, c.Currency, inv.Currency)
	}
	return nil
}

// save writes a draft's row, lines and VAT (all replaced on an update).
func (s *Store) save(tx *sqlstore.Tx, p *ledger.Principal, inv *purchases.Invoice, creating bool) error {
	var rate *string
	if !inv.ExchangeRate.IsZero() {
		r := inv.ExchangeRate.String()
		rate = &r
	}
	t := tx.Now
	inv.UpdatedAt = t
	if creating {
		inv.CreatedAt, inv.CreatedBy, inv.Status = t, p.ActorID, purchases.StatusDraft
		err := tx.DB().Raw(`INSERT INTO purchase_invoices (entity_id, kind, status, supplier_id, supplier_number, supplier_number_key,
			invoice_date, vat_date, due_date, currency, exchange_rate, reference, payment_reference, credited_id, vat_override_reason,
			net_minor, vat_minor, total_minor, created_at, created_by, updated_at)
			VALUES (?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			inv.EntityID, inv.Kind, inv.SupplierID, inv.SupplierNumber, purchases.NumberKey(inv.SupplierNumber), inv.InvoiceDate, inv.VATDate,
			inv.DueDate, inv.Currency, rate, inv.Reference, inv.PaymentReference, inv.CreditedID, inv.VATOverrideReason,
			inv.NetMinor, inv.VATMinor, inv.TotalMinor, t, p.ActorID, t).Scan(&inv.ID).Error
		if err != nil {
			return duplicateNumber(err, inv.SupplierNumber)
		}
	} else {
		err := tx.DB().Exec(`UPDATE purchase_invoices SET supplier_id = ?, supplier_number = ?, supplier_number_key = ?, invoice_date = ?,
			vat_date = ?, due_date = ?, currency = ?, exchange_rate = ?, reference = ?, payment_reference = ?, credited_id = ?,
			vat_override_reason = ?, net_minor = ?, vat_minor = ?, total_minor = ?, updated_at = ?
			WHERE entity_id = ? AND id = ? AND status = 'draft'`,
			inv.SupplierID, inv.SupplierNumber, purchases.NumberKey(inv.SupplierNumber), inv.InvoiceDate, inv.VATDate, inv.DueDate,
			inv.Currency, rate, inv.Reference, inv.PaymentReference, inv.CreditedID, inv.VATOverrideReason,
			inv.NetMinor, inv.VATMinor, inv.TotalMinor, t, inv.EntityID, inv.ID).Error
		if err != nil {
			return duplicateNumber(err, inv.SupplierNumber)
		}
		for _, table := range []string{"purchase_invoice_lines", "purchase_invoice_vat"} {
			if err := tx.DB().Exec(`DELETE FROM `+table+` WHERE entity_id = ? AND purchase_invoice_id = ?`, inv.EntityID, inv.ID).Error; err != nil {
				return err
			}
		}
	}
	err := tx.InsertRows(`INSERT INTO purchase_invoice_lines (entity_id, purchase_invoice_id, line_no, description, account_id,
		net_minor, tax_code_id, tax_code, tax_kind, tax_rate, deductible_percent, vat_minor, deductible_minor) VALUES `,
		13, len(inv.Lines), 38, func(i int, args []any) []any {
			l := inv.Lines[i]
			return append(args, inv.EntityID, inv.ID, l.LineNo, l.Description, l.AccountID, l.NetMinor, l.TaxCodeID, l.TaxCode,
				string(l.TaxKind), l.TaxRate.String(), l.Deductible.String(), l.VATMinor, l.DeductibleMinor)
		})
	if err != nil {
		return err
	}
	return tx.InsertRows(`INSERT INTO purchase_invoice_vat (entity_id, purchase_invoice_id, tax_code, rate, net_minor,
		computed_minor, printed_minor) VALUES `, 7, len(inv.VAT), 70, func(i int, args []any) []any {
		r := inv.VAT[i]
		return append(args, inv.EntityID, inv.ID, r.TaxCode, r.Rate.String(), r.NetMinor, r.ComputedMinor, r.PrintedMinor)
	})
}

func duplicateNumber(err error, number string) error {
	if sqlstore.IsDuplicate(sqlstore.Translate(err), "supplier_number") {
		return numberTakenErr(number)
	}
	return err
}

// link attaches documents to a draft: each in the entity and not already
// supporting another purchase invoice that stands (a reversed one frees
// it). Documents the draft had and the input leaves out return to the
// inbox.
func (s *Store) link(tx *sqlstore.Tx, inv *purchases.Invoice, ids []int64) error {
	var p ledger.Problems
	var conflict *ledger.Error
	seen := map[int64]bool{}
	for i, id := range ids {
		path := fmt.Sprintf("document_ids[%d]", i)
		if seen[id] {
			p.Add(path, ledger.ReasonLineRepeated, "document %d is given twice", id)
			continue
		}
		seen[id] = true
		var n int64
		if err := tx.DB().Raw(`SELECT count(*) FROM documents WHERE entity_id = ? AND id = ?`, inv.EntityID, id).Scan(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			p.Add(path, ledger.ReasonNotFound, "document %d does not exist in this entity", id)
			continue
		}
		var other []struct {
			ID     int64
			Number *string
		}
		if err := tx.DB().Raw(`SELECT p.id, p.number FROM purchase_invoice_documents d JOIN purchase_invoices p
			ON p.entity_id = d.entity_id AND p.id = d.purchase_invoice_id
			WHERE d.entity_id = ? AND d.document_id = ? AND p.status <> 'reversed' AND p.id <> ?`, inv.EntityID, id, inv.ID).Scan(&other).Error; err != nil {
			return err
		}
		if len(other) > 0 && conflict == nil {
			where := "draft purchase invoice " + strconv.FormatInt(other[0].ID, 10)
			if other[0].Number != nil {
				where = *other[0].Number
			}
			conflict = &ledger.Error{Code: ledger.CodeConflict, Reason: ledger.ReasonDocumentLinked,
				Message: fmt.Sprintf("document %d already supports %s", id, where),
				Fields:  []ledger.FieldError{{Path: path, Reason: ledger.ReasonDocumentLinked, Message: "a document supports one purchase invoice"}},
				Details: map[string]any{"document_id": id, "purchase_invoice_id": other[0].ID}}
		}
	}
	if err := p.Err(); err != nil {
		return err
	}
	if conflict != nil {
		return conflict
	}
	var old []int64
	if err := tx.DB().Raw(`SELECT document_id FROM purchase_invoice_documents WHERE entity_id = ? AND purchase_invoice_id = ?`,
		inv.EntityID, inv.ID).Scan(&old).Error; err != nil {
		return err
	}
	for _, id := range old {
		if !seen[id] {
			if err := tx.DB().Exec(`DELETE FROM purchase_invoice_documents WHERE entity_id = ? AND purchase_invoice_id = ? AND document_id = ?`,
				inv.EntityID, inv.ID, id).Error; err != nil {
				return err
			}
			if err := setDocumentStatus(tx, inv.EntityID, id); err != nil {
				return err
			}
		}
	}
	for _, id := range ids {
		if err := tx.DB().Exec(`INSERT INTO purchase_invoice_documents (entity_id, purchase_invoice_id, document_id)
			VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, inv.EntityID, inv.ID, id).Error; err != nil {
			return err
		}
		if err := setDocumentStatus(tx, inv.EntityID, id); err != nil {
			return err
		}
	}
	inv.DocumentIDs = append([]int64{}, ids...)
	return nil
}

// setDocumentStatus derives a document's status from what it supports:
// booked once a booked (or reversed: the evidence stays) purchase invoice
// rests on it, draft while a draft does, inbox otherwise. (An aggregate
// over no rows is one row of NULLs: count(*) = 0 is what says "nothing".)
func setDocumentStatus(tx *sqlstore.Tx, entityID, id int64) error {
	return tx.DB().Exec(`UPDATE documents SET status = coalesce((SELECT CASE WHEN count(*) = 0 THEN NULL
		WHEN max(CASE WHEN p.status <> 'draft' THEN 1 ELSE 0 END) = 1 THEN 'booked' ELSE 'draft' END FROM purchase_invoice_documents d JOIN purchase_invoices p
		ON p.entity_id = d.entity_id AND p.id = d.purchase_invoice_id WHERE d.entity_id = ? AND d.document_id = ?), 'inbox')
		WHERE entity_id = ? AND id = ?`, entityID, id, entityID, id).Error
}

// CreatePurchaseInvoice enters a purchase invoice or supplier credit note
// as a draft, and books it at once when the input asks.
func (s *Store) CreatePurchaseInvoice(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, in *purchases.InvoiceInput) (*purchases.Invoice, error) {
	return s.enter(ctx, p, ent, 0, in)
}

// UpdatePurchaseInvoice changes a draft (and books it when the input asks).
func (s *Store) UpdatePurchaseInvoice(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64, in *purchases.InvoiceInput) (*purchases.Invoice, error) {
	return s.enter(ctx, p, ent, id, in)
}

// enter writes a draft from its input, new (id 0) or changed, in one unit
// of work: the input's rules, the supplier number once per supplier, the
// credited invoice, the lines and VAT, the documents, the audit event,
// and booking when asked.
func (s *Store) enter(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64, in *purchases.InvoiceInput) (*purchases.Invoice, error) {
	creating := id == 0
	var out *purchases.Invoice
	err := s.l.Write(ctx, func(tx *sqlstore.Tx) error {
		out = nil
		inv := &purchases.Invoice{EntityID: ent.ID}
		if !creating {
			var err error
			if inv, err = s.load(tx, ent.ID, id, true); err != nil {
				return err
			}
			if inv.Status != purchases.StatusDraft {
				return notDraft(inv)
			}
		}
		lk, failed, err := s.lookup(tx, ent)
		if err != nil {
			return err
		}
		err = in.Apply(inv, lk, creating)
		if ferr := failed(); ferr != nil {
			return ferr
		}
		if err != nil {
			return err
		}
		if err := numberTaken(tx, inv); err != nil {
			return err
		}
		if err := s.checkCredited(tx, inv); err != nil {
			return err
		}
		if err := s.save(tx, p, inv, creating); err != nil {
			return err
		}
		if creating || in.DocumentIDs != nil {
			if err := s.link(tx, inv, in.DocumentIDs); err != nil {
				return err
			}
		}
		action := "purchase_invoice.updated"
		if creating {
			action = "purchase_invoice.created"
		}
		if err := tx.Audit(ent.ID, &p.ActorID, action, inv.SupplierNumber, map[string]any{"id": inv.ID, "input": in}); err != nil {
			return err
		}
		if in.Book {
			if err := s.book(tx, p, ent, lk, failed, inv); err != nil {
				return err
			}
		}
		out, err = s.load(tx, ent.ID, inv.ID, false)
		return err
	})
	return out, err
}

func notDraft(inv *purchases.Invoice) error {
	return ledger.Errorf(ledger.CodeConflict, ledger.ReasonInvoiceNotDraft,
		"purchase invoice %s is %s and never changes; reverse it or book a credit note", inv.Number, inv.Status)
}

// DeletePurchaseInvoice deletes a draft; its documents return to the inbox.
func (s *Store) DeletePurchaseInvoice(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64) error {
	return s.l.Write(ctx, func(tx *sqlstore.Tx) error {
		inv, err := s.load(tx, ent.ID, id, true)
		if err != nil {
			return err
		}
		if inv.Status != purchases.StatusDraft {
			return notDraft(inv)
		}
		for _, table := range []string{"purchase_invoice_lines", "purchase_invoice_vat", "purchase_invoice_documents"} {
			if err := tx.DB().Exec(`DELETE FROM `+table+` WHERE entity_id = ? AND purchase_invoice_id = ?`, ent.ID, id).Error; err != nil {
				return err
			}
		}
		for _, d := range inv.DocumentIDs {
			if err := setDocumentStatus(tx, ent.ID, d); err != nil {
				return err
			}
		}
		if err := tx.DB().Exec(`DELETE FROM purchase_invoices WHERE entity_id = ? AND id = ? AND status = 'draft'`, ent.ID, id).Error; err != nil {
			return err
		}
		return tx.Audit(ent.ID, &p.ActorID, "purchase_invoice.deleted", inv.SupplierNumber, map[string]any{"id": id})
	})
}

// BookPurchaseInvoice numbers a draft in the purchase series and posts it.
func (s *Store) BookPurchaseInvoice(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64) (*purchases.Invoice, error) {
	var out *purchases.Invoice
	err := s.l.Write(ctx, func(tx *sqlstore.Tx) error {
		out = nil
		inv, err := s.load(tx, ent.ID, id, true)
		if err != nil {
			return err
		}
		if inv.Status != purchases.StatusDraft {
			return notDraft(inv)
		}
		lk, failed, err := s.lookup(tx, ent)
		if err != nil {
			return err
		}
		if err := s.book(tx, p, ent, lk, failed, inv); err != nil {
			return err
		}
		out, err = s.load(tx, ent.ID, id, false)
		return err
	})
	return out, err
}

// book numbers, posts and stores a draft as booked, in one unit of work:
// a purchase number is used only by a booked document (law 3).
func (s *Store) book(tx *sqlstore.Tx, p *ledger.Principal, ent *ledger.Entity, lk *purchases.Lookup, failed func() error, inv *purchases.Invoice) error {
	if err := inv.VATDate.CheckRange(); inv.VATDate.IsZero() || err != nil {
		return invalid("vat_date", ledger.ReasonDateInvalid, "the purchase invoice has no valid VAT date to be booked on")
	}
	err := inv.Bookable(lk)
	if ferr := failed(); ferr != nil {
		return ferr // reading the supplier failed: not a problem of the input
	}
	if err != nil {
		return err
	}
	if ent.Locked(inv.VATDate) {
		return invalid("vat_date", ledger.ReasonPeriodLocked, "vat_date %s is on or before the lock date %s: a late invoice takes the date it came in", inv.VATDate, ent.LockDate)
	}
	if filed, err := vatledger.FiledPeriod(tx, ent.ID, inv.VATDate); err != nil {
		return err
	} else if filed != "" {
		return invalid("vat_date", ledger.ReasonVATPeriodFiled, "vat_date %s falls in %s, whose VAT return is filed: a late invoice takes the date it came in", inv.VATDate, filed)
	}
	if err := numberTaken(tx, inv); err != nil {
		return err
	}
	if err := s.checkCredited(tx, inv); err != nil {
		return err
	}
	inv.FiscalYear = inv.VATDate.FiscalYear(ent.FiscalYearStartMonth)
	seq, err := tx.DrawNumbers(ent.ID, sqlstore.Draw{Series: "purchase", Year: inv.FiscalYear, N: 1})
	if err != nil {
		return err
	}
	inv.Seq = seq[0]
	inv.Number = invoicing.FormatNumber(lk.Settings.NumberFormat, inv.FiscalYear, inv.Seq)
	d, functional, err := purchases.BookEntry(inv, ent, lk.Settings)
	if err != nil {
		return err
	}
	e, err := s.l.PostDraft(tx, p, ent, d)
	if err != nil {
		return err
	}
	vat, err := vatledger.PurchaseRows(inv, ent)
	if err != nil {
		return err
	}
	if err := vatledger.Record(tx, ent.ID, vatledger.Documents, vat); err != nil {
		return err
	}
	t := tx.Now
	err = tx.DB().Exec(`UPDATE purchase_invoices SET status = 'booked', number = ?, fiscal_year = ?, seq = ?, due_date = ?,
		functional_total_minor = ?, entry_id = ?, booked_at = ?, booked_by = ?, updated_at = ?
		WHERE entity_id = ? AND id = ? AND status = 'draft'`,
		inv.Number, inv.FiscalYear, inv.Seq, inv.DueDate, functional, e.ID, t, p.ActorID, t, ent.ID, inv.ID).Error
	if sqlstore.IsDuplicate(err, "number") {
		return ledger.Errorf(ledger.CodeConflict, ledger.ReasonInvoiceNumberTaken,
			"number %s is already used in this entity (the number format was changed to one that repeats numbers); change the format", inv.Number)
	}
	if err != nil {
		return err
	}
	inv.Status, inv.EntryID, inv.FunctionalTotalMinor = purchases.StatusBooked, &e.ID, functional
	for _, doc := range inv.DocumentIDs {
		if err := setDocumentStatus(tx, ent.ID, doc); err != nil {
			return err
		}
	}
	if err := s.applyCredit(tx, p, ent, lk.Settings, inv); err != nil {
		return err
	}
	return tx.Audit(ent.ID, &p.ActorID, "purchase_invoice.booked", inv.Number, map[string]any{"id": inv.ID, "number": inv.Number,
		"entry_id": e.ID, "supplier_invoice_number": inv.SupplierNumber})
}

// applyCredit applies a supplier credit note just booked to the purchase
// invoice it corrects, as far as that is open (as a sales credit note is
// applied to its invoice): what the supplier owes back first settles what
// the entity owes it. The rest stays open on the credit note, for a later
// allocation, a payment batch or a refund.
func (s *Store) applyCredit(tx *sqlstore.Tx, p *ledger.Principal, ent *ledger.Entity, set *purchases.Settings, cn *purchases.Invoice) error {
	if cn.Kind != purchases.KindCreditNote || cn.CreditedID == nil {
		return nil
	}
	h, err := s.lock(tx, ent.ID, []int64{*cn.CreditedID, cn.ID}, nil)
	if err != nil {
		return err
	}
	owed, settler := side{inv: h.docs[*cn.CreditedID]}, side{inv: h.docs[cn.ID]}
	amount := min(owed.inv.OpenMinor(), settler.inv.OpenMinor())
	if amount <= 0 {
		return nil
	}
	_, err = s.allocate(tx, p, ent, set, owed, settler, amount)
	return err
}

// ReversePurchaseInvoice posts the reversal of a booked purchase document
// that nothing settles, dated date (the VAT date or today, whichever is
// later, when zero). Its documents stay with it as evidence; its supplier
// number is free to be entered again.
func (s *Store) ReversePurchaseInvoice(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64, date ledger.Date) (*purchases.Invoice, error) {
	var out *purchases.Invoice
	err := s.l.Write(ctx, func(tx *sqlstore.Tx) error {
		out = nil
		inv, err := s.load(tx, ent.ID, id, true)
		if err != nil {
			return err
		}
		switch {
		case inv.Status == purchases.StatusDraft:
			return ledger.Errorf(ledger.CodeConflict, ledger.ReasonInvoiceNotIssued, "purchase invoice %d is a draft; delete it instead", id)
		case inv.Status == purchases.StatusReversed:
			return ledger.Errorf(ledger.CodeConflict, ledger.ReasonPurchaseInvoiceReversed, "purchase invoice %s is already reversed", inv.Number)
		case inv.SettledMinor > 0:
			return ledger.Errorf(ledger.CodeConflict, ledger.ReasonInvoiceSettled,
				"purchase invoice %s is (partly) settled; remove its allocations first, or book a supplier credit note", inv.Number)
		}
		var credits int64
		if err := tx.DB().Raw(`SELECT count(*) FROM purchase_invoices WHERE entity_id = ? AND credited_id = ? AND status = 'booked'`,
			ent.ID, id).Scan(&credits).Error; err != nil {
			return err
		}
		if credits > 0 {
			return ledger.Errorf(ledger.CodeConflict, ledger.ReasonInvoiceSettled,
				"purchase invoice %s is corrected by a booked supplier credit note; reverse the credit note first", inv.Number)
		}
		var inBatch int64
		if err := tx.DB().Raw(`SELECT count(*) FROM payment_batch_items i JOIN payment_batches b ON b.entity_id = i.entity_id AND b.id = i.batch_id
			WHERE i.entity_id = ? AND i.purchase_invoice_id = ? AND b.status <> 'cancelled'`, ent.ID, id).Scan(&inBatch).Error; err != nil {
			return err
		}
		if inBatch > 0 {
			return ledger.Errorf(ledger.CodeConflict, ledger.ReasonInvoiceSettled,
				"purchase invoice %s is in a payment batch; cancel the batch first", inv.Number)
		}
		if date.IsZero() {
			date = ent.Today()
			if inv.VATDate.After(date) {
				date = inv.VATDate
			}
		}
		if filed, err := vatledger.FiledPeriod(tx, ent.ID, date); err != nil {
			return err
		} else if filed != "" {
			return invalid("date", ledger.ReasonVATPeriodFiled, "the reversal's date %s falls in %s, whose VAT return is filed: date it in an open VAT period", date, filed)
		}
		posted, err := s.l.In(tx).ReverseEntry(tx.Context(), p, ent, *inv.EntryID, date, "Reversal of purchase invoice "+inv.Number, nil)
		if err != nil {
			return err
		}
		vat, err := vatledger.PurchaseRows(inv, ent)
		if err != nil {
			return err
		}
		// Off the accounts the booking put the VAT on, as the reversal entry is.
		if err := vatledger.PostedAccounts(tx, ent.ID, vat); err != nil {
			return err
		}
		if err := vatledger.Record(tx, ent.ID, vatledger.Documents, vatledger.Negate(vat, date)); err != nil {
			return err
		}
		t := tx.Now
		if err := tx.DB().Exec(`UPDATE purchase_invoices SET status = 'reversed', reversal_entry_id = ?, reversed_at = ?, reversed_by = ?,
			updated_at = ? WHERE entity_id = ? AND id = ?`, posted.Entry.ID, t, p.ActorID, t, ent.ID, id).Error; err != nil {
			return err
		}
		if err := tx.Audit(ent.ID, &p.ActorID, "purchase_invoice.reversed", inv.Number, map[string]any{"id": id, "entry_id": posted.Entry.ID}); err != nil {
			return err
		}
		out, err = s.load(tx, ent.ID, id, false)
		return err
	})
	return out, err
}

// DeleteDocument deletes a document nothing rests on. A document linked
// to a draft is unlinked first (by changing the draft); one a booked
// purchase invoice rests on is kept (art. 52 AWR: seven years).
func (s *Store) DeleteDocument(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64) error {
	return s.l.Write(ctx, func(tx *sqlstore.Tx) error {
		var rows []struct {
			Status   string
			FileName string
		}
		if err := tx.DB().Raw(`SELECT status, file_name FROM documents WHERE entity_id = ? AND id = ?`, ent.ID, id).Scan(&rows).Error; err != nil {
			return err
		}
		if len(rows) == 0 {
			return ledger.NotFound("document")
		}
		var links []struct {
			ID     int64
			Number *string
		}
		if err := tx.DB().Raw(`SELECT p.id, p.number FROM purchase_invoice_documents d JOIN purchase_invoices p
			ON p.entity_id = d.entity_id AND p.id = d.purchase_invoice_id WHERE d.entity_id = ? AND d.document_id = ? ORDER BY p.id DESC`,
			ent.ID, id).Scan(&links).Error; err != nil {
			return err
		}
		if len(links) > 0 {
			reason, msg := ledger.ReasonDocumentLinked, fmt.Sprintf("document %d supports draft purchase invoice %d; remove it there first", id, links[0].ID)
			if links[0].Number != nil {
				reason, msg = ledger.ReasonDocumentBooked, fmt.Sprintf("document %d supports %s, booked: it is kept seven years after the end of that year (art. 52 AWR)", id, *links[0].Number)
			}
			e := ledger.Errorf(ledger.CodeConflict, reason, "%s", msg)
			e.Details = map[string]any{"purchase_invoice_id": links[0].ID}
			return e
		}
		if err := tx.DB().Exec(`DELETE FROM documents WHERE entity_id = ? AND id = ?`, ent.ID, id).Error; err != nil {
			return err
		}
		return tx.Audit(ent.ID, &p.ActorID, "document.deleted", rows[0].FileName, map[string]any{"id": id})
	})
}
