package invstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"

	"backoffice/invoicing"
	"backoffice/ledger"
	"backoffice/ledger/money"
	"backoffice/ledger/sqlstore"
)

const paymentSelect = `SELECT p.id, p.entity_id, p.customer_id, p.direction, p.date, p.currency, p.amount_minor, p.exchange_rate,
	p.functional_minor, p.bank_account_id, a.code AS bank_account, p.reference, p.settled_minor, p.settled_functional_minor,
	p.entry_id, p.created_at, p.created_by, p.removed_at, p.removed_by, p.removal_entry_id
	FROM payments p JOIN accounts a ON a.entity_id = p.entity_id AND a.id = p.bank_account_id`

type paymentRow struct {
	ID                     int64
	EntityID               int64
	CustomerID             int64
	Direction              string
	Date                   ledger.Date
	Currency               string
	AmountMinor            int64
	ExchangeRate           *string
	FunctionalMinor        int64
	BankAccountID          int64
	BankAccount            string
	Reference              string
	SettledMinor           int64
	SettledFunctionalMinor int64
	EntryID                int64
	CreatedAt              time.Time
	CreatedBy              int64
	RemovedAt              *time.Time
	RemovedBy              *int64
	RemovalEntryID         *int64
}

func (r *paymentRow) payment() *invoicing.Payment {
	p := &invoicing.Payment{ID: r.ID, EntityID: r.EntityID, CustomerID: r.CustomerID, Direction: r.Direction, Date: r.Date,
		Currency: r.Currency, AmountMinor: r.AmountMinor, FunctionalMinor: r.FunctionalMinor, BankAccountID: r.BankAccountID,
		BankAccount: r.BankAccount, Reference: r.Reference, SettledMinor: r.SettledMinor, SettledFunctionalMinor: r.SettledFunctionalMinor,
		EntryID: r.EntryID, CreatedAt: r.CreatedAt.UTC(), CreatedBy: r.CreatedBy, RemovedAt: utc(r.RemovedAt), RemovedBy: r.RemovedBy,
		RemovalEntryID: r.RemovalEntryID, Allocations: []*invoicing.Allocation{}}
	if r.ExchangeRate != nil {
		p.ExchangeRate, _ = decimal.NewFromString(*r.ExchangeRate)
	}
	return p
}

func (s *Store) loadPayment(ctx context.Context, entityID, id int64, lock bool) (*invoicing.Payment, error) {
	q := paymentSelect + ` WHERE p.entity_id = ? AND p.id = ?`
	if lock {
		q += s.forUpdate()
		if s.Dialect() == sqlstore.Postgres {
			q += " OF p"
		}
	}
	var r paymentRow
	err := s.db(ctx).Raw(q, entityID, id).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ledger.NotFound("payment")
	}
	if err != nil {
		return nil, sqlstore.Translate(err)
	}
	pay := r.payment()
	pay.Allocations, err = s.Allocations(ctx, entityID, 0, id)
	return pay, err
}

// Payment returns a payment with its allocations.
func (s *Store) Payment(ctx context.Context, entityID, id int64) (*invoicing.Payment, error) {
	return s.loadPayment(ctx, entityID, id, false)
}

// Payments lists payments by id after a cursor, at most Limit+1.
func (s *Store) Payments(ctx context.Context, entityID int64, f invoicing.PaymentFilter) ([]*invoicing.Payment, error) {
	q := paymentSelect + ` WHERE p.entity_id = ? AND p.id > ?`
	args := []any{entityID, f.After}
	if f.CustomerID != 0 {
		q += ` AND p.customer_id = ?`
		args = append(args, f.CustomerID)
	}
	var rows []paymentRow
	if err := s.db(ctx).Raw(q+` ORDER BY p.id LIMIT ?`, append(args, f.Limit+1)...).Scan(&rows).Error; err != nil {
		return nil, sqlstore.Translate(err)
	}
	out := make([]*invoicing.Payment, len(rows))
	for i := range rows {
		out[i] = rows[i].payment()
		var err error
		if out[i].Allocations, err = s.Allocations(ctx, entityID, 0, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

const allocationColumns = `id, entity_id, debit_invoice_id, debit_payment_id, credit_invoice_id, credit_payment_id, date, currency,
	amount_minor, debit_functional_minor, credit_functional_minor, fx_entry_id, created_at, created_by, removed_at, removed_by, removal_entry_id`

// Allocations lists the allocations of an invoice or credit note (invoiceID)
// or of a payment, oldest first, removed ones included.
func (s *Store) Allocations(ctx context.Context, entityID, invoiceID, paymentID int64) ([]*invoicing.Allocation, error) {
	q := `SELECT ` + allocationColumns + ` FROM allocations WHERE entity_id = ? AND `
	var args []any
	if invoiceID != 0 {
		q += `(debit_invoice_id = ? OR credit_invoice_id = ?)`
		args = []any{entityID, invoiceID, invoiceID}
	} else {
		q += `(debit_payment_id = ? OR credit_payment_id = ?)`
		args = []any{entityID, paymentID, paymentID}
	}
	var out []*invoicing.Allocation
	if err := s.db(ctx).Raw(q+` ORDER BY id`, args...).Scan(&out).Error; err != nil {
		return nil, sqlstore.Translate(err)
	}
	for _, a := range out {
		a.CreatedAt, a.RemovedAt = a.CreatedAt.UTC(), utc(a.RemovedAt)
	}
	if out == nil {
		out = []*invoicing.Allocation{}
	}
	return out, nil
}

// doc is one side of an allocation: an invoice or credit note, or a payment.
type doc struct {
	inv *invoicing.Invoice
	pay *invoicing.Payment
}

func (d doc) open() int64 {
	if d.inv != nil {
		return d.inv.OpenMinor()
	}
	return d.pay.UnallocatedMinor()
}

func (d doc) openF() int64 {
	if d.inv != nil {
		return d.inv.OpenFunctionalMinor()
	}
	return d.pay.FunctionalMinor - d.pay.SettledFunctionalMinor
}

func (d doc) currency() string {
	if d.inv != nil {
		return d.inv.Currency
	}
	return d.pay.Currency
}

func (d doc) customer() int64 {
	if d.inv != nil {
		return d.inv.CustomerID
	}
	return d.pay.CustomerID
}

func (d doc) date() ledger.Date {
	if d.inv != nil {
		return *d.inv.IssueDate
	}
	return d.pay.Date
}

func (d doc) name() string {
	switch {
	case d.pay != nil && d.pay.Direction == invoicing.DirectionRefund:
		return fmt.Sprintf("refund %d", d.pay.ID)
	case d.pay != nil:
		return fmt.Sprintf("payment %d", d.pay.ID)
	}
	return kindName(d.inv.Kind) + " " + d.inv.Number
}

// settle adds (or with a negative amount, removes) a settlement on the
// document's row. The WHERE clause re-checks the open amount under the row
// lock, so that no race can settle a document beyond its total.
func (s *Store) settle(ctx context.Context, entityID int64, d doc, amount, functional, paid int64) error {
	var res *gorm.DB
	if d.inv != nil {
		res = s.db(ctx).Exec(`UPDATE invoices SET settled_minor = settled_minor + ?, settled_functional_minor = settled_functional_minor + ?,
			paid_minor = paid_minor + ?, updated_at = ? WHERE entity_id = ? AND id = ? AND status = 'issued'
			AND settled_minor + ? BETWEEN 0 AND total_minor`, amount, functional, paid, sqlstore.Now(), entityID, d.inv.ID, amount)
		d.inv.SettledMinor += amount
		d.inv.SettledFunctionalMinor += functional
		d.inv.PaidMinor += paid
	} else {
		res = s.db(ctx).Exec(`UPDATE payments SET settled_minor = settled_minor + ?, settled_functional_minor = settled_functional_minor + ?
			WHERE entity_id = ? AND id = ? AND removed_at IS NULL AND settled_minor + ? BETWEEN 0 AND amount_minor`,
			amount, functional, entityID, d.pay.ID, amount)
		d.pay.SettledMinor += amount
		d.pay.SettledFunctionalMinor += functional
	}
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return ledger.Errorf(ledger.CodeConflict, "allocation_exceeds_open", "%s changed meanwhile and cannot take this allocation; retry", d.name())
	}
	return nil
}

// allocate settles debit (what the customer owes) with credit (what the
// customer is owed) for amount, both rows locked by the caller, and posts
// the exchange difference when their carrying amounts differ.
func (s *Store) allocate(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, lk *invoicing.Lookup, debit, credit doc, amount int64, date ledger.Date) (*invoicing.Allocation, error) {
	exp, _ := money.Exponent(debit.currency())
	switch {
	case debit.currency() != credit.currency():
		return nil, ledger.Errorf(ledger.CodeInvalid, "currency_mismatch", "%s is in %s and %s in %s; an allocation is in one currency",
			debit.name(), debit.currency(), credit.name(), credit.currency())
	case debit.customer() != credit.customer():
		return nil, ledger.Errorf(ledger.CodeInvalid, "customer_mismatch", "%s and %s belong to different customers", debit.name(), credit.name())
	case credit.pay != nil && amount > credit.open():
		return nil, ledger.Errorf(ledger.CodeInvalid, "allocation_exceeds_payment", "%s has %s %s left to allocate; this allocates %s",
			credit.name(), money.Format(credit.open(), exp), credit.currency(), money.Format(amount, exp))
	case debit.pay != nil && amount > debit.open():
		return nil, ledger.Errorf(ledger.CodeInvalid, "allocation_exceeds_payment", "%s has %s %s left to match; this allocates %s",
			debit.name(), money.Format(debit.open(), exp), debit.currency(), money.Format(amount, exp))
	case amount > debit.open() || amount > credit.open():
		open := min(debit.open(), credit.open())
		return nil, ledger.Errorf(ledger.CodeInvalid, "allocation_exceeds_open", "%s has %s %s open; this allocates %s",
			map[bool]string{true: debit.name(), false: credit.name()}[debit.open() <= credit.open()], money.Format(open, exp), debit.currency(), money.Format(amount, exp))
	}
	if date.Before(debit.date()) {
		date = debit.date()
	}
	if date.Before(credit.date()) {
		date = credit.date()
	}
	if ent.Locked(date) {
		date = ent.Today()
	}
	a := &invoicing.Allocation{EntityID: ent.ID, Date: date, Currency: debit.currency(), AmountMinor: amount,
		DebitFunctionalMinor:  invoicing.Share(amount, debit.open(), debit.openF()),
		CreditFunctionalMinor: invoicing.Share(amount, credit.open(), credit.openF()),
		CreatedAt:             sqlstore.Now(), CreatedBy: p.KeyID}
	if d := invoicing.FXEntry(date, ent, lk.Settings, a.DebitFunctionalMinor, a.CreditFunctionalMinor, debit.name()+" / "+credit.name()); d != nil {
		e, err := s.PostDraft(ctx, p, ent, d)
		if err != nil {
			return nil, err
		}
		a.FXEntryID = &e.ID
	}
	var paid int64
	if credit.pay != nil || debit.pay != nil {
		paid = amount // money moved, not a credit note applied
	}
	if err := s.settle(ctx, ent.ID, debit, amount, a.DebitFunctionalMinor, paid); err != nil {
		return nil, err
	}
	if err := s.settle(ctx, ent.ID, credit, amount, a.CreditFunctionalMinor, paid); err != nil {
		return nil, err
	}
	if debit.inv != nil {
		a.DebitInvoiceID = &debit.inv.ID
	} else {
		a.DebitPaymentID = &debit.pay.ID
	}
	if credit.inv != nil {
		a.CreditInvoiceID = &credit.inv.ID
	} else {
		a.CreditPaymentID = &credit.pay.ID
	}
	err := s.db(ctx).Raw(`INSERT INTO allocations (entity_id, debit_invoice_id, debit_payment_id, credit_invoice_id, credit_payment_id,
		date, currency, amount_minor, debit_functional_minor, credit_functional_minor, fx_entry_id, created_at, created_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		ent.ID, a.DebitInvoiceID, a.DebitPaymentID, a.CreditInvoiceID, a.CreditPaymentID, a.Date, a.Currency, a.AmountMinor,
		a.DebitFunctionalMinor, a.CreditFunctionalMinor, a.FXEntryID, a.CreatedAt, a.CreatedBy).Scan(&a.ID).Error
	return a, err
}

// lockInvoices locks documents in id order (the first lock of every
// transaction that takes more than one) and returns them by id.
func (s *Store) lockInvoices(ctx context.Context, entityID int64, ids []int64) (map[int64]*invoicing.Invoice, error) {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	out := map[int64]*invoicing.Invoice{}
	for _, id := range ids {
		inv, err := s.load(ctx, entityID, id, true)
		if err != nil {
			return nil, err
		}
		out[id] = inv
	}
	return out, nil
}

// targets checks allocation inputs and locks the documents they name.
// Missing documents are reported on their paths.
func (s *Store) targets(ctx context.Context, entityID int64, in []invoicing.AllocationInput, extra ...int64) (map[int64]*invoicing.Invoice, error) {
	var p ledger.Problems
	ids := slices.Clone(extra)
	for i, a := range in {
		switch {
		case (a.InvoiceID == nil) == (a.CreditNoteID == nil):
			p.Add(fmt.Sprintf("allocations[%d]", i), "allocation_target_required", "name invoice_id or credit_note_id")
		case a.InvoiceID != nil:
			ids = append(ids, *a.InvoiceID)
		default:
			ids = append(ids, *a.CreditNoteID)
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	docs, err := s.lockInvoices(ctx, entityID, ids)
	if ledger.IsCode(err, ledger.CodeNotFound) {
		return nil, ledger.Errorf(ledger.CodeInvalid, "invoice_not_found", "an allocation names an invoice or credit note that does not exist in this entity")
	}
	return docs, err
}

// allocateInputs makes the allocations of source (a locked payment, or a
// locked credit note) to the locked targets.
func (s *Store) allocateInputs(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, lk *invoicing.Lookup, source doc, docs map[int64]*invoicing.Invoice, in []invoicing.AllocationInput) ([]*invoicing.Allocation, error) {
	out := []*invoicing.Allocation{}
	exp, _ := money.Exponent(source.currency())
	for i, a := range in {
		path := fmt.Sprintf("allocations[%d]", i)
		wrap := func(err error) error {
			if le, ok := err.(*ledger.Error); ok && len(le.Fields) == 0 && le.Code == ledger.CodeInvalid {
				le.Fields = []ledger.FieldError{{Path: path + ".amount", Reason: le.Reason, Message: le.Message}}
			}
			return err
		}
		amount, err := money.ParseAmount(a.Amount, exp)
		if ae, ok := err.(*money.AmountError); ok {
			return nil, fieldErr(path+".amount", ae.Reason, "%s", ae.Message)
		}
		var target *invoicing.Invoice
		if a.InvoiceID != nil {
			target = docs[*a.InvoiceID]
		} else {
			target = docs[*a.CreditNoteID]
		}
		wantKind := invoicing.KindInvoice
		if source.pay != nil && source.pay.Direction == invoicing.DirectionRefund {
			wantKind = invoicing.KindCreditNote
		}
		switch {
		case target.Kind != wantKind:
			return nil, fieldErr(path, "allocation_target_invalid", "%s is allocated to %ss only, not to %s %d",
				source.name(), kindName(wantKind), kindName(target.Kind), target.ID)
		case target.StoredStatus == invoicing.StatusVoid:
			return nil, &ledger.Error{Code: ledger.CodeConflict, Reason: "invoice_void", Message: fmt.Sprintf("%s %s is void", kindName(target.Kind), target.Number),
				Fields: []ledger.FieldError{{Path: path, Reason: "invoice_void", Message: "a void invoice takes no payments"}}}
		case target.StoredStatus == invoicing.StatusDraft:
			return nil, &ledger.Error{Code: ledger.CodeConflict, Reason: "invoice_not_issued", Message: fmt.Sprintf("invoice %d is a draft; issue it first", target.ID),
				Fields: []ledger.FieldError{{Path: path, Reason: "invoice_not_issued", Message: "only issued invoices take payments"}}}
		}
		debit, credit := doc{inv: target}, source
		if wantKind == invoicing.KindCreditNote {
			debit, credit = source, doc{inv: target}
		}
		al, err := s.allocate(ctx, p, ent, lk, debit, credit, amount, ent.Today())
		if err != nil {
			return nil, wrap(err)
		}
		out = append(out, al)
	}
	return out, nil
}

// RecordPayment posts a payment and makes the allocations it lists, all or
// nothing.
func (s *Store) RecordPayment(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, in *invoicing.PaymentInput) (*invoicing.Payment, error) {
	var out *invoicing.Payment
	err := s.tx(ctx, func(ctx context.Context) error {
		var cust *invoicing.Customer
		if in.CustomerID == nil {
			return fieldErr("customer_id", "field_required", "customer_id is required")
		}
		cust, err := s.Customer(ctx, ent.ID, *in.CustomerID)
		if ledger.IsCode(err, ledger.CodeNotFound) {
			return fieldErr("customer_id", "customer_not_found", "customer %d does not exist in this entity", *in.CustomerID)
		} else if err != nil {
			return err
		}
		lk, err := s.lookup(ctx, ent)
		if err != nil {
			return err
		}
		pay := &invoicing.Payment{EntityID: ent.ID, CustomerID: cust.ID}
		if err := in.Apply(pay, ent, cust, lk.Settings); err != nil {
			return err
		}
		bank := lk.Accounts[pay.BankAccount]
		if bank == nil || bank.Archived() || bank.Type != ledger.Asset {
			return fieldErr("bank_account", "account_not_found", "bank_account %q is not an open asset account of this entity", pay.BankAccount)
		}
		pay.BankAccountID = bank.ID
		docs, err := s.targets(ctx, ent.ID, in.Allocations) // invoices are locked before anything is posted
		if err != nil {
			return err
		}
		e, err := s.PostDraft(ctx, p, ent, invoicing.PaymentEntry(pay, lk.Settings, cust.Name))
		if err != nil {
			return err
		}
		pay.EntryID, pay.CreatedAt, pay.CreatedBy = e.ID, sqlstore.Now(), p.KeyID
		err = s.db(ctx).Raw(`INSERT INTO payments (entity_id, customer_id, direction, date, currency, amount_minor, exchange_rate,
			functional_minor, bank_account_id, reference, entry_id, created_at, created_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			ent.ID, pay.CustomerID, pay.Direction, pay.Date, pay.Currency, pay.AmountMinor, rateText(pay.ExchangeRate),
			pay.FunctionalMinor, pay.BankAccountID, pay.Reference, pay.EntryID, pay.CreatedAt, pay.CreatedBy).Scan(&pay.ID).Error
		if err != nil {
			return err
		}
		if pay.Allocations, err = s.allocateInputs(ctx, p, ent, lk, doc{pay: pay}, docs, in.Allocations); err != nil {
			return err
		}
		out = pay
		return nil
	})
	return out, err
}

// Allocate allocates a payment, or a credit note's open credit, to documents.
func (s *Store) Allocate(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, sourceID int64, fromCreditNote bool, in []invoicing.AllocationInput) ([]*invoicing.Allocation, error) {
	if len(in) == 0 {
		return nil, fieldErr("allocations", "field_required", "allocations lists at least one {invoice_id, amount}")
	}
	var out []*invoicing.Allocation
	err := s.tx(ctx, func(ctx context.Context) error {
		var extra []int64
		if fromCreditNote {
			extra = []int64{sourceID}
		}
		docs, err := s.targets(ctx, ent.ID, in, extra...)
		if err != nil {
			if fromCreditNote && ledger.IsCode(err, ledger.CodeInvalid) {
				if _, lerr := s.Invoice(ctx, ent.ID, sourceID); lerr != nil {
					return ledger.NotFound("credit note")
				}
			}
			return err
		}
		var source doc
		if fromCreditNote {
			cn := docs[sourceID]
			if cn.Kind != invoicing.KindCreditNote {
				return ledger.NotFound("credit note")
			}
			source = doc{inv: cn}
		} else {
			pay, err := s.loadPayment(ctx, ent.ID, sourceID, true)
			if err != nil {
				return err
			}
			if pay.RemovedAt != nil {
				return ledger.Errorf(ledger.CodeConflict, "payment_removed", "payment %d is removed", pay.ID)
			}
			source = doc{pay: pay}
		}
		lk, err := s.lookup(ctx, ent)
		if err != nil {
			return err
		}
		out, err = s.allocateInputs(ctx, p, ent, lk, source, docs, in)
		return err
	})
	return out, err
}

func (s *Store) allocation(ctx context.Context, entityID, id int64) (*invoicing.Allocation, error) {
	var a invoicing.Allocation
	err := s.db(ctx).Raw(`SELECT `+allocationColumns+` FROM allocations WHERE entity_id = ? AND id = ?`, entityID, id).Take(&a).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ledger.NotFound("allocation")
	}
	if err != nil {
		return nil, sqlstore.Translate(err)
	}
	return &a, nil
}

// RemoveAllocation undoes an allocation: the documents are open again and
// the exchange difference, if one was posted, is reversed.
func (s *Store) RemoveAllocation(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64) (*invoicing.Allocation, error) {
	var out *invoicing.Allocation
	err := s.tx(ctx, func(ctx context.Context) error {
		a, err := s.allocation(ctx, ent.ID, id)
		if err != nil {
			return err
		}
		var invIDs []int64
		for _, v := range []*int64{a.DebitInvoiceID, a.CreditInvoiceID} {
			if v != nil {
				invIDs = append(invIDs, *v)
			}
		}
		docs, err := s.lockInvoices(ctx, ent.ID, invIDs)
		if err != nil {
			return err
		}
		pays := map[int64]*invoicing.Payment{}
		for _, v := range []*int64{a.DebitPaymentID, a.CreditPaymentID} {
			if v != nil {
				if pays[*v], err = s.loadPayment(ctx, ent.ID, *v, true); err != nil {
					return err
				}
			}
		}
		if a, err = s.allocation(ctx, ent.ID, id); err != nil { // as it is under the locks
			return err
		}
		out = a
		return s.unallocate(ctx, p, ent, a, docs, pays)
	})
	return out, err
}

// unallocate removes a locked allocation whose documents are locked.
func (s *Store) unallocate(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, a *invoicing.Allocation, docs map[int64]*invoicing.Invoice, pays map[int64]*invoicing.Payment) error {
	if a.RemovedAt != nil {
		return ledger.Errorf(ledger.CodeConflict, "allocation_removed", "allocation %d is already removed", a.ID)
	}
	side := func(inv, pay *int64) doc {
		if inv != nil {
			return doc{inv: docs[*inv]}
		}
		return doc{pay: pays[*pay]}
	}
	debit, credit := side(a.DebitInvoiceID, a.DebitPaymentID), side(a.CreditInvoiceID, a.CreditPaymentID)
	if debit.inv != nil && debit.inv.StoredStatus == invoicing.StatusVoid || credit.inv != nil && credit.inv.StoredStatus == invoicing.StatusVoid {
		return ledger.Errorf(ledger.CodeConflict, "invoice_void", "the allocation belongs to a void invoice")
	}
	var paid int64
	if a.DebitPaymentID != nil || a.CreditPaymentID != nil {
		paid = a.AmountMinor
	}
	if a.FXEntryID != nil {
		posted, err := s.ReverseEntry(ctx, p, ent, *a.FXEntryID, maxDate(ent.Today(), a.Date), "Removal of allocation "+fmt.Sprint(a.ID), nil)
		if err != nil {
			return err
		}
		a.RemovalEntryID = &posted.Entry.ID
	}
	if err := s.settle(ctx, ent.ID, debit, -a.AmountMinor, -a.DebitFunctionalMinor, -paid); err != nil {
		return err
	}
	if err := s.settle(ctx, ent.ID, credit, -a.AmountMinor, -a.CreditFunctionalMinor, -paid); err != nil {
		return err
	}
	t := sqlstore.Now()
	a.RemovedAt, a.RemovedBy = &t, &p.KeyID
	return s.db(ctx).Exec(`UPDATE allocations SET removed_at = ?, removed_by = ?, removal_entry_id = ? WHERE entity_id = ? AND id = ? AND removed_at IS NULL`,
		t, p.KeyID, a.RemovalEntryID, ent.ID, a.ID).Error
}

func maxDate(a, b ledger.Date) ledger.Date {
	if a.Before(b) {
		return b
	}
	return a
}

// RemovePayment removes a payment's allocations and posts the reversal of
// its entry; the payment stays on record as removed.
func (s *Store) RemovePayment(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64) (*invoicing.Payment, error) {
	var out *invoicing.Payment
	err := s.tx(ctx, func(ctx context.Context) error {
		pay, err := s.loadPayment(ctx, ent.ID, id, false)
		if err != nil {
			return err
		}
		var invIDs []int64
		for _, a := range pay.Allocations {
			for _, v := range []*int64{a.DebitInvoiceID, a.CreditInvoiceID} {
				if v != nil && a.RemovedAt == nil {
					invIDs = append(invIDs, *v)
				}
			}
		}
		docs, err := s.lockInvoices(ctx, ent.ID, invIDs)
		if err != nil {
			return err
		}
		if pay, err = s.loadPayment(ctx, ent.ID, id, true); err != nil {
			return err
		}
		if pay.RemovedAt != nil {
			return ledger.Errorf(ledger.CodeConflict, "payment_removed", "payment %d is already removed", id)
		}
		pays := map[int64]*invoicing.Payment{id: pay}
		for _, a := range pay.Allocations {
			if a.RemovedAt != nil {
				continue
			}
			// An allocation made between the first read and the payment's
			// lock names an invoice not locked here; locking it now would
			// break the lock order (invoices before payments).
			for _, v := range []*int64{a.DebitInvoiceID, a.CreditInvoiceID} {
				if v != nil && docs[*v] == nil {
					return &ledger.Error{Code: ledger.CodeUnavailable, Reason: "concurrent_change",
						Message: fmt.Sprintf("payment %d was allocated while it was being removed; retry", id)}
				}
			}
			other := a.DebitPaymentID
			if other != nil && *other == id {
				other = a.CreditPaymentID
			}
			if other != nil && pays[*other] == nil {
				if pays[*other], err = s.loadPayment(ctx, ent.ID, *other, true); err != nil {
					return err
				}
			}
			if err := s.unallocate(ctx, p, ent, a, docs, pays); err != nil {
				return err
			}
		}
		what := "payment"
		if pay.Direction == invoicing.DirectionRefund {
			what = "refund"
		}
		posted, err := s.ReverseEntry(ctx, p, ent, pay.EntryID, maxDate(ent.Today(), pay.Date), fmt.Sprintf("Removal of %s %d", what, id), nil)
		if err != nil {
			return err
		}
		t := sqlstore.Now()
		err = s.db(ctx).Exec(`UPDATE payments SET removed_at = ?, removed_by = ?, removal_entry_id = ? WHERE entity_id = ? AND id = ?`,
			t, p.KeyID, posted.Entry.ID, ent.ID, id).Error
		if err != nil {
			return err
		}
		out, err = s.loadPayment(ctx, ent.ID, id, false)
		return err
	})
	return out, err
}
