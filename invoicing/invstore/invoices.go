package invstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"

	"backoffice/invoicing"
	"backoffice/invoicing/vatledger"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
)

const invoiceColumns = `id, entity_id, kind, status, customer_id, currency, exchange_rate, issue_date, supply_date, due_date,
	notes, number, fiscal_year, seq, credited_invoice_id, net_minor, tax_minor, total_minor, functional_total_minor,
	settled_minor, settled_functional_minor, paid_minor, credit_noted_minor, entry_id, void_entry_id,
	created_at, created_by, updated_at, issued_at, issued_by, voided_at, voided_by, printed, buyer_reference`

type invoiceRow struct {
	ID                     int64
	EntityID               int64
	Kind                   string
	Status                 string
	CustomerID             int64
	Currency               string
	ExchangeRate           *string
	IssueDate              ledger.Date
	SupplyDate             ledger.Date
	DueDate                ledger.Date
	Notes                  string
	Number                 *string
	FiscalYear             *int
	Seq                    *int64
	CreditedInvoiceID      *int64
	NetMinor               int64
	TaxMinor               int64
	TotalMinor             int64
	FunctionalTotalMinor   int64
	SettledMinor           int64
	SettledFunctionalMinor int64
	PaidMinor              int64
	CreditNotedMinor       int64
	EntryID                *int64
	VoidEntryID            *int64
	CreatedAt              time.Time
	CreatedBy              int64
	UpdatedAt              time.Time
	IssuedAt               *time.Time
	IssuedBy               *int64
	VoidedAt               *time.Time
	VoidedBy               *int64
	Printed                *string
	BuyerReference         string
}

func (r *invoiceRow) invoice() *invoicing.Invoice {
	inv := &invoicing.Invoice{
		ID: r.ID, EntityID: r.EntityID, Kind: invoicing.Kind(r.Kind), StoredStatus: r.Status, CustomerID: r.CustomerID,
		Currency: r.Currency, IssueDate: datePtr(r.IssueDate), SupplyDate: datePtr(r.SupplyDate), DueDate: datePtr(r.DueDate),
		Notes: r.Notes, BuyerReference: r.BuyerReference, CreditedInvoiceID: r.CreditedInvoiceID, NetMinor: r.NetMinor, TaxMinor: r.TaxMinor,
		TotalMinor: r.TotalMinor, FunctionalTotalMinor: r.FunctionalTotalMinor, SettledMinor: r.SettledMinor,
		SettledFunctionalMinor: r.SettledFunctionalMinor, PaidMinor: r.PaidMinor, CreditNotedMinor: r.CreditNotedMinor,
		EntryID: r.EntryID, VoidEntryID: r.VoidEntryID, CreatedAt: r.CreatedAt.UTC(), CreatedBy: r.CreatedBy,
		UpdatedAt: r.UpdatedAt.UTC(), IssuedAt: utc(r.IssuedAt), IssuedBy: r.IssuedBy, VoidedAt: utc(r.VoidedAt), VoidedBy: r.VoidedBy,
	}
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
	if r.Printed != nil {
		var p invoicing.Printed
		if json.Unmarshal([]byte(*r.Printed), &p) == nil { // written by issue from this type
			inv.Printed = &p
		}
	}
	return inv
}

type lineRow struct {
	InvoiceID        int64
	LineNo           int
	Description      string
	Quantity         string
	Unit             string
	UnitPrice        string
	DiscountPercent  string
	TaxCodeID        int64
	TaxCode          string
	TaxRate          string
	TaxKind          string
	TaxAccountID     int64
	TaxAccount       string
	RevenueAccountID int64
	RevenueAccount   string
	NetMinor         int64
	CreditsLineNo    *int
	TaxAdjustMinor   int64
}

func dec(s string) decimal.Decimal {
	d, _ := decimal.NewFromString(s) // written by this package from checked decimals
	return d
}

func (r *lineRow) line() invoicing.Line {
	return invoicing.Line{LineNo: r.LineNo, Description: r.Description, Quantity: dec(r.Quantity), Unit: r.Unit,
		UnitPrice: dec(r.UnitPrice), DiscountPercent: dec(r.DiscountPercent), TaxCodeID: r.TaxCodeID, TaxCode: r.TaxCode,
		TaxRate: dec(r.TaxRate), TaxKind: invoicing.TaxKind(r.TaxKind), TaxAccountID: r.TaxAccountID, TaxAccount: r.TaxAccount,
		RevenueAccountID: r.RevenueAccountID, RevenueAccount: r.RevenueAccount, NetMinor: r.NetMinor, CreditsLineNo: r.CreditsLineNo, TaxAdjustMinor: r.TaxAdjustMinor}
}

// loadInvoice reads and locks an invoice; a credit note's id is not found
// here, as the API's /invoices routes do not find one.
func (s *Store) loadInvoice(tx *sqlstore.Tx, entityID, id int64) (*invoicing.Invoice, error) {
	inv, err := s.load(tx, entityID, id, true)
	if err == nil && inv.Kind != invoicing.KindInvoice {
		return nil, ledger.NotFound("invoice")
	}
	return inv, err
}

func notDraft(inv *invoicing.Invoice) error {
	return ledger.Errorf(ledger.CodeConflict, ledger.ReasonInvoiceNotDraft, "%s %s is %s; issued documents never change (void it or issue a credit note)",
		kindName(inv.Kind), inv.Number, inv.Status())
}

func kindName(k invoicing.Kind) string {
	if k == invoicing.KindCreditNote {
		return "credit note"
	}
	return "invoice"
}

// load reads a document with its lines; lock takes its row lock first.
func (s *Store) load(tx *sqlstore.Tx, entityID, id int64, lock bool) (*invoicing.Invoice, error) {
	q := `SELECT ` + invoiceColumns + ` FROM invoices WHERE entity_id = ? AND id = ?`
	if lock {
		q += tx.ForUpdate()
	}
	var r invoiceRow
	err := tx.DB().Raw(q, entityID, id).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ledger.NotFound("invoice")
	}
	if err != nil {
		return nil, sqlstore.Translate(err)
	}
	inv := r.invoice()
	if err := s.withLines(tx, entityID, []*invoicing.Invoice{inv}); err != nil {
		return nil, err
	}
	return inv, nil
}

func (s *Store) withLines(tx *sqlstore.Tx, entityID int64, invs []*invoicing.Invoice) error {
	if len(invs) == 0 {
		return nil
	}
	ids := make([]int64, len(invs))
	byID := map[int64]*invoicing.Invoice{}
	for i, inv := range invs {
		ids[i] = inv.ID
		byID[inv.ID] = inv
		inv.Lines = []invoicing.Line{}
	}
	var rows []lineRow
	err := tx.DB().Raw(`SELECT l.invoice_id, l.line_no, l.description, l.quantity, l.unit, l.unit_price, l.discount_percent,
		l.tax_code_id, l.tax_code, l.tax_rate, l.tax_kind, l.tax_account_id, ta.code AS tax_account,
		l.revenue_account_id, ra.code AS revenue_account, l.net_minor, l.credits_line_no, l.tax_adjust_minor
		FROM invoice_lines l
		JOIN accounts ta ON ta.entity_id = l.entity_id AND ta.id = l.tax_account_id
		JOIN accounts ra ON ra.entity_id = l.entity_id AND ra.id = l.revenue_account_id
		WHERE l.entity_id = ? AND l.invoice_id IN ? ORDER BY l.invoice_id, l.line_no`, entityID, ids).Scan(&rows).Error
	if err != nil {
		return sqlstore.Translate(err)
	}
	for i := range rows {
		inv := byID[rows[i].InvoiceID]
		inv.Lines = append(inv.Lines, rows[i].line())
	}
	return nil
}

// Invoice returns an invoice or credit note with its lines.
func (s *Store) Invoice(ctx context.Context, entityID, id int64) (*invoicing.Invoice, error) {
	return s.load(s.Query(ctx), entityID, id, false)
}

// Invoices lists documents of one kind by id after a cursor, at most
// Limit+1, with their lines.
func (s *Store) Invoices(ctx context.Context, ent *ledger.Entity, f invoicing.InvoiceFilter) ([]*invoicing.Invoice, error) {
	q := `SELECT ` + invoiceColumns + ` FROM invoices WHERE entity_id = ? AND kind = ? AND id > ?`
	args := []any{ent.ID, string(f.Kind), f.After}
	if f.CustomerID != 0 {
		q += ` AND customer_id = ?`
		args = append(args, f.CustomerID)
	}
	if f.NoDrafts {
		q += ` AND status <> 'draft'`
	}
	open := ` AND status = 'issued' AND settled_minor < total_minor`
	settled := ` AND status = 'issued' AND settled_minor = total_minor`
	switch f.Status {
	case "":
	case invoicing.StatusDraft, invoicing.StatusVoid:
		q += ` AND status = ?`
		args = append(args, f.Status)
	case invoicing.StatusIssued:
		q += open
		if f.Kind == invoicing.KindInvoice {
			q += ` AND paid_minor = 0`
		}
	case invoicing.StatusPartiallyPaid:
		q += open + ` AND paid_minor > 0`
	case invoicing.StatusPaid:
		q += settled + ` AND paid_minor > 0`
	case invoicing.StatusCredited:
		q += settled + ` AND paid_minor = 0`
	case invoicing.StatusApplied:
		q += settled
	case "open":
		q += open
	case "overdue":
		q += open + ` AND due_date < ?`
		args = append(args, ent.Today())
	default:
		return nil, &ledger.Error{Code: ledger.CodeInvalid, Reason: ledger.ReasonParameterInvalid, Message: fmt.Sprintf("status %q is unknown", f.Status),
			Fields: []ledger.FieldError{{Path: "status", Reason: ledger.ReasonParameterInvalid, Message: "one of draft, issued, partially_paid, paid, credited, applied, void, open, overdue"}}}
	}
	q += ` ORDER BY id LIMIT ?`
	args = append(args, f.Limit+1)
	tx := s.Query(ctx)
	var rows []invoiceRow
	if err := tx.DB().Raw(q, args...).Scan(&rows).Error; err != nil {
		return nil, sqlstore.Translate(err)
	}
	out := make([]*invoicing.Invoice, len(rows))
	for i := range rows {
		out[i] = rows[i].invoice()
	}
	return out, s.withLines(tx, ent.ID, out)
}

func rateText(d decimal.Decimal) *string {
	if d.IsZero() {
		return nil
	}
	s := d.String()
	return &s
}

// OrderRefs are the external ids of the orders invoiced by an invoice.
func (s *Store) OrderRefs(ctx context.Context, entityID, invoiceID int64) ([]string, error) {
	var refs []string
	err := s.Query(ctx).DB().Raw(`SELECT external_id FROM orders WHERE entity_id = ? AND invoice_id = ? ORDER BY id`,
		entityID, invoiceID).Scan(&refs).Error
	return refs, sqlstore.Translate(err)
}

// insert writes a new draft document and its lines.
func (s *Store) insert(tx *sqlstore.Tx, p *ledger.Principal, inv *invoicing.Invoice) error {
	t := tx.Now
	inv.CreatedAt, inv.UpdatedAt, inv.CreatedBy = t, t, p.ActorID
	err := tx.DB().Raw(`INSERT INTO invoices (entity_id, kind, status, customer_id, currency, exchange_rate, issue_date, supply_date,
		notes, buyer_reference, credited_invoice_id, net_minor, tax_minor, total_minor, created_at, created_by, updated_at)
		VALUES (?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		inv.EntityID, string(inv.Kind), inv.CustomerID, inv.Currency, rateText(inv.ExchangeRate), inv.IssueDate, inv.SupplyDate,
		inv.Notes, inv.BuyerReference, inv.CreditedInvoiceID, inv.NetMinor, inv.TaxMinor, inv.TotalMinor, t, p.ActorID, t).Scan(&inv.ID).Error
	if err != nil {
		return err
	}
	return s.insertLines(tx, inv)
}

func (s *Store) insertLines(tx *sqlstore.Tx, inv *invoicing.Invoice) error {
	if len(inv.Lines) == 0 {
		return nil
	}
	for start := 0; start < len(inv.Lines); start += 60 { // under SQLite's and PostgreSQL's parameter limits
		batch := inv.Lines[start:min(start+60, len(inv.Lines))]
		q := `INSERT INTO invoice_lines (entity_id, invoice_id, line_no, description, quantity, unit, unit_price, discount_percent,
			tax_code_id, tax_code, tax_rate, tax_kind, tax_account_id, revenue_account_id, net_minor, credits_line_no, tax_adjust_minor) VALUES `
		args := make([]any, 0, len(batch)*17)
		for i, l := range batch {
			if i > 0 {
				q += ", "
			}
			q += "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
			args = append(args, inv.EntityID, inv.ID, l.LineNo, l.Description, l.Quantity.String(), l.Unit, l.UnitPrice.String(),
				l.DiscountPercent.String(), l.TaxCodeID, l.TaxCode, l.TaxRate.String(), string(l.TaxKind), l.TaxAccountID,
				l.RevenueAccountID, l.NetMinor, l.CreditsLineNo, l.TaxAdjustMinor)
		}
		if err := tx.DB().Exec(q, args...).Error; err != nil {
			return err
		}
	}
	return nil
}

// CreateInvoice saves a draft invoice.
func (s *Store) CreateInvoice(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, in *invoicing.InvoiceInput) (*invoicing.Invoice, error) {
	var out *invoicing.Invoice
	err := s.write(ctx, func(tx *sqlstore.Tx) error {
		lk, err := s.lookup(tx, ent)
		if err != nil {
			return err
		}
		inv := &invoicing.Invoice{EntityID: ent.ID, Kind: invoicing.KindInvoice, StoredStatus: invoicing.StatusDraft, Lines: []invoicing.Line{}}
		if err := in.Apply(inv, lk, true); err != nil {
			return err
		}
		if err := s.insert(tx, p, inv); err != nil {
			return err
		}
		out = inv
		return nil
	})
	return out, err
}

// UpdateInvoice edits a draft.
func (s *Store) UpdateInvoice(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64, in *invoicing.InvoiceInput) (*invoicing.Invoice, error) {
	var out *invoicing.Invoice
	err := s.write(ctx, func(tx *sqlstore.Tx) error {
		if s.orders != nil {
			if err := s.orders.CheckDraftChange(tx, ent.ID, id, in); err != nil {
				return err
			}
		}
		inv, err := s.loadInvoice(tx, ent.ID, id)
		if err != nil {
			return err
		}
		if inv.StoredStatus != invoicing.StatusDraft {
			return notDraft(inv)
		}
		lk, err := s.lookup(tx, ent)
		if err != nil {
			return err
		}
		if err := in.Apply(inv, lk, false); err != nil {
			return err
		}
		inv.UpdatedAt = tx.Now
		err = tx.DB().Exec(`UPDATE invoices SET customer_id = ?, currency = ?, exchange_rate = ?, issue_date = ?, supply_date = ?,
			notes = ?, buyer_reference = ?, net_minor = ?, tax_minor = ?, total_minor = ?, updated_at = ? WHERE entity_id = ? AND id = ?`,
			inv.CustomerID, inv.Currency, rateText(inv.ExchangeRate), inv.IssueDate, inv.SupplyDate, inv.Notes, inv.BuyerReference,
			inv.NetMinor, inv.TaxMinor, inv.TotalMinor, inv.UpdatedAt, ent.ID, id).Error
		if err != nil {
			return err
		}
		if in.Lines != nil || in.Currency != nil {
			if err := tx.DB().Exec(`DELETE FROM invoice_lines WHERE entity_id = ? AND invoice_id = ?`, ent.ID, id).Error; err != nil {
				return err
			}
			if err := s.insertLines(tx, inv); err != nil {
				return err
			}
		}
		out = inv
		return nil
	})
	return out, err
}

// DeleteInvoice deletes a draft; issued documents are never deleted. The
// orders it was made from return to fulfilled.
func (s *Store) DeleteInvoice(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64) error {
	return s.write(ctx, func(tx *sqlstore.Tx) error {
		emitOrders, err := s.releaseOrders(tx, p, ent, id, "invoice draft deleted")
		if err != nil {
			return err
		}
		inv, err := s.loadInvoice(tx, ent.ID, id)
		if err != nil {
			return err
		}
		if inv.StoredStatus != invoicing.StatusDraft {
			return notDraft(inv)
		}
		if err := tx.DB().Exec(`DELETE FROM invoices WHERE entity_id = ? AND id = ? AND status = 'draft'`, ent.ID, id).Error; err != nil {
			return err
		}
		return emitOrders(tx)
	})
}

// IssueInvoice numbers a draft and posts it.
func (s *Store) IssueInvoice(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64) (*invoicing.Invoice, error) {
	return s.IssueInvoiceWith(ctx, p, ent, id, invoicing.IssueOptions{})
}

// IssueInvoiceWith numbers a draft and posts it. A 0 % intra-EU supply
// first has the customer's VAT number checked with VIES, outside the unit
// of work (no lock is held while VIES answers); the answer is kept with the
// invoice.
func (s *Store) IssueInvoiceWith(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64, opt invoicing.IssueOptions) (*invoicing.Invoice, error) {
	if !opt.VIESChecked && s.Bound() == nil {
		var err error
		if opt, err = s.CheckVIES(ctx, ent, id, opt); err != nil {
			return nil, err
		}
	}
	check := opt.VIES
	var out *invoicing.Invoice
	err := s.write(ctx, func(tx *sqlstore.Tx) error {
		inv, err := s.loadInvoice(tx, ent.ID, id)
		if err != nil {
			return err
		}
		if inv.StoredStatus != invoicing.StatusDraft {
			return notDraft(inv)
		}
		lk, err := s.lookup(tx, ent)
		if err != nil {
			return err
		}
		if inv.NeedsVIES() {
			c := lk.Customer(inv.CustomerID)
			date := ent.Today()
			if inv.IssueDate != nil {
				date = *inv.IssueDate
			}
			if c != nil && check == nil && !opt.VIESChecked && inv.Issuable(lk, date) == nil {
				// Bound to a unit of work that did not ask VIES first:
				// VIES is never waited for inside a transaction.
				if !opt.SkipVIES {
					return ledger.Errorf(ledger.CodeUnavailable, ledger.ReasonVIESUnavailable,
						"the customer's VAT number %s is checked with VIES before the invoice is issued, outside any transaction: issue the draft with POST /invoices/%d/issue", c.VATNumber, inv.ID)
				}
				check = &invoicing.VIESCheck{CountryCode: c.VATNumber[:min(2, len(c.VATNumber))], VATNumber: c.VATNumber, Skipped: true, CheckedAt: tx.Now.UTC().Truncate(time.Second)}
			}
			if c != nil && (check == nil || check.VATNumber != c.VATNumber) && inv.Issuable(lk, date) == nil {
				// The draft or its customer changed since VIES was asked.
				return ledger.Errorf(ledger.CodeUnavailable, ledger.ReasonConcurrentChange, "the invoice or its customer changed while VIES was asked; retry")
			}
			inv.VIES = check
		}
		if err := s.issue(tx, p, ent, lk, inv); err != nil {
			return err
		}
		out = inv
		return s.emitIssued(tx, p, ent, inv)
	})
	return out, err
}

// issue numbers a locked draft in its series, posts its entry and stores
// it as issued: one transaction, so a number is used only by an issued
// document (law 3: the counter row is locked until commit).
func (s *Store) issue(tx *sqlstore.Tx, p *ledger.Principal, ent *ledger.Entity, lk *invoicing.Lookup, inv *invoicing.Invoice) error {
	date := ent.Today()
	if inv.IssueDate != nil {
		date = *inv.IssueDate
	}
	if err := inv.Issuable(lk, date); err != nil {
		return err
	}
	cust := lk.Customer(inv.CustomerID)
	inv.IssueDate = &date
	if inv.SupplyDate == nil {
		inv.SupplyDate = &date
	}
	if inv.Kind == invoicing.KindInvoice {
		due := date.AddDays(cust.PaymentTermsDays)
		inv.DueDate = &due
	}
	inv.FiscalYear = date.FiscalYear(ent.FiscalYearStartMonth)
	series, format := "invoice", lk.Settings.InvoiceNumberFormat
	if inv.Kind == invoicing.KindCreditNote {
		series, format = "credit_note", lk.Settings.CreditNoteNumberFormat
	}
	seq, err := tx.DrawNumbers(ent.ID, sqlstore.Draw{Series: series, Year: inv.FiscalYear, N: 1})
	if err != nil {
		return err
	}
	inv.Seq = seq[0]
	inv.Number = invoicing.FormatNumber(format, inv.FiscalYear, inv.Seq)
	inv.ComputeTotals()
	d, functional, err := invoicing.IssueEntry(inv, ent, lk.Settings, cust.Name)
	if err != nil {
		return err
	}
	e, err := s.PostDraft(tx, p, ent, d)
	if err != nil {
		return err
	}
	vat, err := vatledger.SalesRows(inv, ent)
	if err != nil {
		return err
	}
	if err := vatledger.Record(tx, ent.ID, vatledger.Documents, vat); err != nil {
		return err
	}
	t := tx.Now
	inv.FunctionalTotalMinor, inv.EntryID, inv.IssuedAt, inv.IssuedBy, inv.UpdatedAt = functional, &e.ID, &t, &p.ActorID, t
	inv.StoredStatus = invoicing.StatusIssued
	inv.Printed = invoicing.NewPrinted(ent, cust, lk.Settings)
	inv.Printed.VIES = inv.VIES
	printed, err := json.Marshal(inv.Printed)
	if err != nil {
		return err
	}
	err = tx.DB().Exec(`UPDATE invoices SET status = 'issued', number = ?, fiscal_year = ?, seq = ?, issue_date = ?, supply_date = ?,
		due_date = ?, net_minor = ?, tax_minor = ?, total_minor = ?, functional_total_minor = ?, entry_id = ?,
		issued_at = ?, issued_by = ?, updated_at = ?, printed = ? WHERE entity_id = ? AND id = ? AND status = 'draft'`,
		inv.Number, inv.FiscalYear, inv.Seq, inv.IssueDate, inv.SupplyDate, inv.DueDate, inv.NetMinor, inv.TaxMinor,
		inv.TotalMinor, functional, e.ID, t, p.ActorID, t, string(printed), ent.ID, inv.ID).Error
	if sqlstore.IsDuplicate(err, "number") {
		return ledger.Errorf(ledger.CodeConflict, ledger.ReasonInvoiceNumberTaken,
			"number %s is already used in this entity (the number format was changed to one that repeats numbers); change the format", inv.Number)
	}
	return err
}

// VoidInvoice posts the reversal of an issued invoice that nothing settles.
// The orders it was made from return to fulfilled.
func (s *Store) VoidInvoice(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64) (*invoicing.Invoice, error) {
	var out *invoicing.Invoice
	err := s.write(ctx, func(tx *sqlstore.Tx) error {
		emitOrders, err := s.releaseOrders(tx, p, ent, id, "invoice voided")
		if err != nil {
			return err
		}
		inv, err := s.loadInvoice(tx, ent.ID, id)
		if err != nil {
			return err
		}
		switch {
		case inv.StoredStatus == invoicing.StatusDraft:
			return ledger.Errorf(ledger.CodeConflict, ledger.ReasonInvoiceNotIssued, "invoice %d is a draft; delete it instead", id)
		case inv.StoredStatus == invoicing.StatusVoid:
			return ledger.Errorf(ledger.CodeConflict, ledger.ReasonInvoiceVoid, "invoice %s is already void", inv.Number)
		case inv.SettledMinor > 0 || inv.CreditNotedMinor > 0:
			return ledger.Errorf(ledger.CodeConflict, ledger.ReasonInvoiceSettled,
				"invoice %s has payments or credit notes; remove the allocations, or issue a credit note instead", inv.Number)
		}
		date := ent.Today()
		if inv.IssueDate.After(date) {
			date = *inv.IssueDate
		}
		posted, err := s.ledgerIn(tx).ReverseEntry(tx.Context(), p, ent, *inv.EntryID, date, "Void of invoice "+inv.Number, nil)
		if err != nil {
			return err
		}
		vat, err := vatledger.SalesRows(inv, ent)
		if err != nil {
			return err
		}
		if err := vatledger.Record(tx, ent.ID, vatledger.Documents, vatledger.Negate(vat, date)); err != nil {
			return err
		}
		t := tx.Now
		err = tx.DB().Exec(`UPDATE invoices SET status = 'void', void_entry_id = ?, voided_at = ?, voided_by = ?, updated_at = ?
			WHERE entity_id = ? AND id = ?`, posted.Entry.ID, t, p.ActorID, t, ent.ID, id).Error
		if err != nil {
			return err
		}
		inv.StoredStatus, inv.VoidEntryID, inv.VoidedAt, inv.VoidedBy, inv.UpdatedAt = invoicing.StatusVoid, &posted.Entry.ID, &t, &p.ActorID, t
		out = inv
		return emitOrders(tx)
	})
	return out, err
}

// CreateCreditNote issues a credit note against an invoice and applies it
// to what is open on the invoice; the rest is the customer's credit.
func (s *Store) CreateCreditNote(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, invoiceID int64, in *invoicing.CreditNoteInput) (*invoicing.Invoice, error) {
	var out *invoicing.Invoice
	err := s.write(ctx, func(tx *sqlstore.Tx) error {
		inv, err := s.loadInvoice(tx, ent.ID, invoiceID)
		if err != nil {
			return err
		}
		var rows []invoiceRow
		err = tx.DB().Raw(`SELECT `+invoiceColumns+` FROM invoices WHERE entity_id = ? AND credited_invoice_id = ? AND status = 'issued' ORDER BY id`,
			ent.ID, invoiceID).Scan(&rows).Error
		if err != nil {
			return err
		}
		prior := make([]*invoicing.Invoice, len(rows))
		for i := range rows {
			prior[i] = rows[i].invoice()
		}
		if err := s.withLines(tx, ent.ID, prior); err != nil { // one query for all their lines
			return err
		}
		cn, err := invoicing.BuildCreditNote(inv, prior, in)
		if err != nil {
			return err
		}
		if in.IssueDate != nil {
			d, err := ledger.ParseDate(*in.IssueDate)
			if err != nil {
				return fieldErr("issue_date", ledger.ReasonDateInvalid, "%v", err)
			}
			cn.IssueDate = &d
		} else { // today, or the invoice's date if it is dated ahead
			d := maxDate(ent.Today(), *inv.IssueDate)
			cn.IssueDate = &d
		}
		if cn.IssueDate.Before(*inv.IssueDate) {
			return fieldErr("issue_date", ledger.ReasonCreditNoteBeforeInvoice, "a credit note is dated on or after the invoice it credits (%s)", inv.IssueDate)
		}
		lk, err := s.lookup(tx, ent)
		if err != nil {
			return err
		}
		if err := s.insert(tx, p, cn); err != nil {
			return err
		}
		if err := s.issue(tx, p, ent, lk, cn); err != nil {
			return err
		}
		err = tx.DB().Exec(`UPDATE invoices SET credit_noted_minor = credit_noted_minor + ?, updated_at = ? WHERE entity_id = ? AND id = ?`,
			cn.TotalMinor, tx.Now, ent.ID, invoiceID).Error
		if err != nil {
			return err
		}
		inv.CreditNotedMinor += cn.TotalMinor
		if open := inv.OpenMinor(); open > 0 {
			amount := min(open, cn.TotalMinor)
			if _, err := s.allocate(tx, p, ent, lk, doc{inv: inv}, doc{inv: cn}, amount, *cn.IssueDate); err != nil {
				return err
			}
		}
		out, err = s.load(tx, ent.ID, cn.ID, false)
		return err
	})
	return out, err
}

func fieldErr(path string, reason ledger.Reason, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	return &ledger.Error{Code: ledger.CodeInvalid, Reason: reason, Message: path + ": " + msg,
		Fields: []ledger.FieldError{{Path: path, Reason: reason, Message: msg}}}
}

// CheckVIES makes the VIES check of an issue before its unit of work
// (invoicing.Store).
func (s *Store) CheckVIES(ctx context.Context, ent *ledger.Entity, id int64, opt invoicing.IssueOptions) (invoicing.IssueOptions, error) {
	check, err := s.checkVIES(ctx, ent, id, opt)
	if err != nil {
		return opt, err
	}
	opt.VIESChecked, opt.VIES = true, check
	return opt, nil
}

// checkVIES asks VIES about the customer's VAT number when the draft is a
// 0 % intra-EU supply that is otherwise complete (what is missing is
// reported by issue, not by VIES). Invalid: 422 vat_number_not_in_vies;
// not reachable: 503 vies_unavailable, unless opt skips it.
func (s *Store) checkVIES(ctx context.Context, ent *ledger.Entity, id int64, opt invoicing.IssueOptions) (*invoicing.VIESCheck, error) {
	if s.Bound() != nil {
		return nil, errors.New("invstore: CheckVIES inside a unit of work")
	}
	tx := s.Query(ctx)
	inv, err := s.load(tx, ent.ID, id, false)
	if err != nil || inv.Kind != invoicing.KindInvoice || inv.StoredStatus != invoicing.StatusDraft || !inv.NeedsVIES() {
		return nil, nil // issue reports what is wrong
	}
	c, err := s.customer(tx, ent.ID, inv.CustomerID)
	if err != nil || c.VATNumber == "" || len(c.VATNumber) < 3 {
		return nil, nil
	}
	lk, err := s.lookup(tx, ent)
	if err != nil {
		return nil, err
	}
	date := ent.Today()
	if inv.IssueDate != nil {
		date = *inv.IssueDate
	}
	if inv.Issuable(lk, date) != nil {
		return nil, nil
	}
	var check *invoicing.VIESCheck
	if s.vies == nil {
		err = invoicing.ErrVIESUnavailable
	} else {
		check, err = s.vies.Check(ctx, c.VATNumber, ent.VATNumber)
	}
	switch {
	case err != nil && opt.SkipVIES:
		return &invoicing.VIESCheck{CountryCode: c.VATNumber[:2], VATNumber: c.VATNumber, Skipped: true, CheckedAt: tx.Now.UTC().Truncate(time.Second)}, nil
	case err != nil:
		return nil, ledger.Errorf(ledger.CodeUnavailable, ledger.ReasonVIESUnavailable,
			"the customer's VAT number %s could not be checked with VIES (%v); retry later, or issue with {\"vies\": \"skip\"} to issue without the check", c.VATNumber, err)
	case !check.Valid:
		return nil, &ledger.Error{Code: ledger.CodeInvalid, Reason: ledger.ReasonVATNumberNotInVIES,
			Message: fmt.Sprintf("VIES says the customer's VAT number %s is not valid: a 0 %% intra-EU supply needs a VAT number valid in VIES", c.VATNumber),
			Fields:  []ledger.FieldError{{Path: "customer.vat_number", Reason: ledger.ReasonVATNumberNotInVIES, Message: "not valid in VIES"}}}
	}
	return check, nil
}
