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
	"backoffice/invoicing/webhooks"
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

func (s *Store) loadPayment(tx *sqlstore.Tx, entityID, id int64, lock bool) (*invoicing.Payment, error) {
	q := paymentSelect + ` WHERE p.entity_id = ? AND p.id = ?`
	if lock {
		q += tx.ForUpdate()
		if tx.Dialect() == sqlstore.Postgres {
			q += " OF p"
		}
	}
	var r paymentRow
	err := tx.DB().Raw(q, entityID, id).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ledger.NotFound("payment")
	}
	if err != nil {
		return nil, sqlstore.Translate(err)
	}
	pay := r.payment()
	pay.Allocations, err = s.allocations(tx, entityID, 0, id)
	return pay, err
}

// Payment returns a payment with its allocations.
func (s *Store) Payment(ctx context.Context, entityID, id int64) (*invoicing.Payment, error) {
	return s.loadPayment(s.Query(ctx), entityID, id, false)
}

// Payments lists payments by id after a cursor, at most Limit+1.
func (s *Store) Payments(ctx context.Context, entityID int64, f invoicing.PaymentFilter) ([]*invoicing.Payment, error) {
	q := paymentSelect + ` WHERE p.entity_id = ? AND p.id > ?`
	args := []any{entityID, f.After}
	if f.CustomerID != 0 {
		q += ` AND p.customer_id = ?`
		args = append(args, f.CustomerID)
	}
	tx := s.Query(ctx)
	var rows []paymentRow
	if err := tx.DB().Raw(q+` ORDER BY p.id LIMIT ?`, append(args, f.Limit+1)...).Scan(&rows).Error; err != nil {
		return nil, sqlstore.Translate(err)
	}
	out := make([]*invoicing.Payment, len(rows))
	byID := make(map[int64]*invoicing.Payment, len(rows))
	ids := make([]int64, len(rows))
	for i := range rows {
		out[i] = rows[i].payment()
		byID[out[i].ID], ids[i] = out[i], out[i].ID
	}
	if len(ids) == 0 {
		return out, nil
	}
	var allocs []*invoicing.Allocation // one query for the page, not one per payment
	err := tx.DB().Raw(`SELECT `+allocationColumns+` FROM allocations WHERE entity_id = ?
		AND (debit_payment_id IN ? OR credit_payment_id IN ?) ORDER BY id`, entityID, ids, ids).Scan(&allocs).Error
	if err != nil {
		return nil, sqlstore.Translate(err)
	}
	for _, a := range allocs {
		a.CreatedAt, a.RemovedAt = a.CreatedAt.UTC(), utc(a.RemovedAt)
		for _, id := range []*int64{a.DebitPaymentID, a.CreditPaymentID} {
			if id != nil && byID[*id] != nil {
				byID[*id].Allocations = append(byID[*id].Allocations, a)
			}
		}
	}
	return out, nil
}

const allocationColumns = `id, entity_id, debit_invoice_id, debit_payment_id, credit_invoice_id, credit_payment_id, date, currency,
	amount_minor, debit_functional_minor, credit_functional_minor, fx_entry_id, created_at, created_by, removed_at, removed_by, removal_entry_id`

// Allocations lists the allocations of an invoice or credit note (invoiceID)
// or of a payment, oldest first, removed ones included.
func (s *Store) Allocations(ctx context.Context, entityID, invoiceID, paymentID int64) ([]*invoicing.Allocation, error) {
	return s.allocations(s.Query(ctx), entityID, invoiceID, paymentID)
}

func (s *Store) allocations(tx *sqlstore.Tx, entityID, invoiceID, paymentID int64) ([]*invoicing.Allocation, error) {
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
	if err := tx.DB().Raw(q+` ORDER BY id`, args...).Scan(&out).Error; err != nil {
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

// customers names the parties of a sales allocation.
var customers = invoicing.Parties{Plural: "customers", Mismatch: ledger.ReasonCustomerMismatch}

// side is the document or payment as the settling rules see it.
func (d doc) side() invoicing.Side {
	sd := invoicing.Side{Name: d.name(), Currency: d.currency(), Party: d.customer(), Date: d.date(), OpenMinor: d.open(), OpenFunctional: d.openF()}
	if d.inv != nil {
		sd.Rate = d.inv.ExchangeRate
	} else {
		sd.Payment = true
	}
	return sd
}

// settle adds (or with a negative amount, removes) a settlement on the
// document's row. The WHERE clause re-checks the open amount under the row
// lock, so that no race can settle a document beyond its total.
func (s *Store) settle(tx *sqlstore.Tx, entityID int64, d doc, amount, functional, paid int64) error {
	var res *gorm.DB
	if d.inv != nil {
		res = tx.DB().Exec(`UPDATE invoices SET settled_minor = settled_minor + ?, settled_functional_minor = settled_functional_minor + ?,
			paid_minor = paid_minor + ?, updated_at = ? WHERE entity_id = ? AND id = ? AND status = 'issued'
			AND settled_minor + ? BETWEEN 0 AND total_minor`, amount, functional, paid, tx.Now, entityID, d.inv.ID, amount)
		d.inv.SettledMinor += amount
		d.inv.SettledFunctionalMinor += functional
		d.inv.PaidMinor += paid
	} else {
		res = tx.DB().Exec(`UPDATE payments SET settled_minor = settled_minor + ?, settled_functional_minor = settled_functional_minor + ?
			WHERE entity_id = ? AND id = ? AND removed_at IS NULL AND settled_minor + ? BETWEEN 0 AND amount_minor`,
			amount, functional, entityID, d.pay.ID, amount)
		d.pay.SettledMinor += amount
		d.pay.SettledFunctionalMinor += functional
	}
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return ledger.Errorf(ledger.CodeConflict, ledger.ReasonAllocationExceedsOpen, "%s changed meanwhile and cannot take this allocation; retry", d.name())
	}
	return nil
}

// allocate settles debit (what the customer owes) with credit (what the
// customer is owed) for amount, both rows locked by the caller, and posts
// the exchange difference when their carrying amounts differ.
func (s *Store) allocate(tx *sqlstore.Tx, p *ledger.Principal, ent *ledger.Entity, lk *invoicing.Lookup, debit, credit doc, amount int64, date ledger.Date) (*invoicing.Allocation, error) {
	owed, settler := debit.side(), credit.side()
	if err := invoicing.CheckAllocation(owed, settler, amount, customers); err != nil {
		return nil, err
	}
	st := invoicing.Settle(ent, owed, settler, amount, date)
	a := &invoicing.Allocation{EntityID: ent.ID, Date: st.Date, Currency: debit.currency(), AmountMinor: amount,
		DebitFunctionalMinor: st.OwedFunctional, CreditFunctionalMinor: st.SettleFunctional, CreatedAt: tx.Now, CreatedBy: p.ActorID}
	if d := invoicing.FXEntry(st.Date, ent, lk.Settings.ReceivableAccount, lk.Settings.FXAccount, true,
		a.DebitFunctionalMinor, a.CreditFunctionalMinor, debit.name()+" / "+credit.name()); d != nil {
		e, err := s.PostDraft(tx, p, ent, d)
		if err != nil {
			return nil, err
		}
		a.FXEntryID = &e.ID
	}
	paid := st.Paid
	if err := s.settle(tx, ent.ID, debit, amount, a.DebitFunctionalMinor, paid); err != nil {
		return nil, err
	}
	if err := s.settle(tx, ent.ID, credit, amount, a.CreditFunctionalMinor, paid); err != nil {
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
	err := tx.DB().Raw(`INSERT INTO allocations (entity_id, debit_invoice_id, debit_payment_id, credit_invoice_id, credit_payment_id,
		date, currency, amount_minor, debit_functional_minor, credit_functional_minor, fx_entry_id, created_at, created_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		ent.ID, a.DebitInvoiceID, a.DebitPaymentID, a.CreditInvoiceID, a.CreditPaymentID, a.Date, a.Currency, a.AmountMinor,
		a.DebitFunctionalMinor, a.CreditFunctionalMinor, a.FXEntryID, a.CreatedAt, a.CreatedBy).Scan(&a.ID).Error
	return a, err
}

// lockInvoices locks documents in id order (the first lock of every
// transaction that takes more than one) and returns them by id.
func (s *Store) lockInvoices(tx *sqlstore.Tx, entityID int64, ids []int64) (map[int64]*invoicing.Invoice, error) {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	out := map[int64]*invoicing.Invoice{}
	for _, id := range ids {
		inv, err := s.load(tx, entityID, id, true)
		if err != nil {
			return nil, err
		}
		out[id] = inv
	}
	return out, nil
}

// maxAllocations bounds one request's allocations.
const maxAllocations = 500

// locked is what a transaction has locked: documents first (by id), then
// payments (by id), the order every transaction here takes them in.
type locked struct {
	docs map[int64]*invoicing.Invoice
	pays map[int64]*invoicing.Payment
}

// targets checks allocation inputs and locks the documents and payments
// they name, with the source's own id (a credit note's or a payment's).
func (s *Store) targets(tx *sqlstore.Tx, entityID int64, in []invoicing.AllocationInput, docIDs, payIDs []int64) (*locked, error) {
	var p ledger.Problems
	if len(in) > maxAllocations {
		return nil, fieldErr("allocations", ledger.ReasonAllocationsTooMany, "at most %d allocations per request, got %d", maxAllocations, len(in))
	}
	docIDs, payIDs = slices.Clone(docIDs), slices.Clone(payIDs)
	for i, a := range in {
		n := 0
		for _, v := range []*int64{a.InvoiceID, a.CreditNoteID, a.PaymentID} {
			if v != nil {
				n++
			}
		}
		switch {
		case n != 1:
			p.Add(fmt.Sprintf("allocations[%d]", i), ledger.ReasonAllocationTargetRequired, "name one of invoice_id, credit_note_id or payment_id")
		case a.InvoiceID != nil:
			docIDs = append(docIDs, *a.InvoiceID)
		case a.CreditNoteID != nil:
			docIDs = append(docIDs, *a.CreditNoteID)
		default:
			payIDs = append(payIDs, *a.PaymentID)
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	l := &locked{pays: map[int64]*invoicing.Payment{}}
	var err error
	if l.docs, err = s.lockInvoices(tx, entityID, docIDs); err != nil {
		if ledger.IsCode(err, ledger.CodeNotFound) {
			return nil, ledger.Errorf(ledger.CodeInvalid, ledger.ReasonInvoiceNotFound, "an allocation names an invoice or credit note that does not exist in this entity")
		}
		return nil, err
	}
	slices.Sort(payIDs)
	for _, id := range slices.Compact(payIDs) {
		pay, err := s.loadPayment(tx, entityID, id, true)
		if ledger.IsCode(err, ledger.CodeNotFound) {
			return nil, ledger.Errorf(ledger.CodeInvalid, ledger.ReasonPaymentNotFound, "an allocation names a payment that does not exist in this entity")
		}
		if err != nil {
			return nil, err
		}
		l.pays[id] = pay
	}
	return l, nil
}

// allocateInputs makes the allocations of source (a locked payment, or a
// locked credit note) to the locked targets. What the customer owes (an
// invoice, a refund paid out) is settled by what the customer is owed (a
// payment received, a credit note):
//
//	payment received -> invoice_id, or payment_id of a refund
//	refund           -> credit_note_id, or payment_id of a payment received
//	credit note      -> invoice_id
func (s *Store) allocateInputs(tx *sqlstore.Tx, p *ledger.Principal, ent *ledger.Entity, lk *invoicing.Lookup, source doc, l *locked, in []invoicing.AllocationInput) ([]*invoicing.Allocation, error) {
	out := []*invoicing.Allocation{}
	exp, _ := money.Exponent(source.currency())
	sourceOwes := source.pay != nil && source.pay.Direction == invoicing.DirectionRefund
	for i, a := range in {
		path := fmt.Sprintf("allocations[%d]", i)
		amount, err := money.ParseAmount(a.Amount, exp)
		if ae, ok := err.(*money.AmountError); ok {
			return nil, fieldErr(path+".amount", ledger.Reason(ae.Reason), "%s", ae.Message)
		}
		var target doc
		switch {
		case a.InvoiceID != nil:
			target = doc{inv: l.docs[*a.InvoiceID]}
		case a.CreditNoteID != nil:
			target = doc{inv: l.docs[*a.CreditNoteID]}
		default:
			target = doc{pay: l.pays[*a.PaymentID]}
		}
		if err := allocatable(source, target, sourceOwes, path); err != nil {
			return nil, err
		}
		debit, credit := target, source
		if sourceOwes {
			debit, credit = source, target
		}
		// Dated when both exist: the later of the two (see allocate).
		al, err := s.allocate(tx, p, ent, lk, debit, credit, amount, ledger.Date{})
		if err != nil {
			if le, ok := err.(*ledger.Error); ok && len(le.Fields) == 0 && le.Code == ledger.CodeInvalid {
				le.Fields = []ledger.FieldError{{Path: path + ".amount", Reason: le.Reason, Message: le.Message}}
			}
			return nil, err
		}
		out = append(out, al)
	}
	return out, nil
}

// allocatable checks that target may take an allocation from source.
func allocatable(source, target doc, sourceOwes bool, path string) error {
	if target.pay != nil {
		switch {
		case source.pay == nil || target.pay.Direction == source.pay.Direction:
			return fieldErr(path, ledger.ReasonAllocationTargetInvalid, "%s cannot be allocated to %s: a payment received settles a refund and a refund a payment received",
				source.name(), target.name())
		case target.pay.RemovedAt != nil:
			return &ledger.Error{Code: ledger.CodeConflict, Reason: ledger.ReasonPaymentRemoved, Message: target.name() + " is removed",
				Fields: []ledger.FieldError{{Path: path, Reason: ledger.ReasonPaymentRemoved, Message: "a removed payment takes no allocations"}}}
		case target.pay.ID == source.pay.ID:
			return fieldErr(path, ledger.ReasonAllocationTargetInvalid, "a payment is not allocated to itself")
		}
		return nil
	}
	t := target.inv
	want := invoicing.KindInvoice
	if sourceOwes {
		want = invoicing.KindCreditNote
	}
	switch {
	case t.Kind != want:
		return fieldErr(path, ledger.ReasonAllocationTargetInvalid, "%s is allocated to %ss, not to %s %d", source.name(), kindName(want), kindName(t.Kind), t.ID)
	case t.StoredStatus == invoicing.StatusVoid:
		return &ledger.Error{Code: ledger.CodeConflict, Reason: ledger.ReasonInvoiceVoid, Message: fmt.Sprintf("%s %s is void", kindName(t.Kind), t.Number),
			Fields: []ledger.FieldError{{Path: path, Reason: ledger.ReasonInvoiceVoid, Message: "a void invoice takes no payments"}}}
	case t.StoredStatus == invoicing.StatusDraft:
		return &ledger.Error{Code: ledger.CodeConflict, Reason: ledger.ReasonInvoiceNotIssued, Message: fmt.Sprintf("invoice %d is a draft; issue it first", t.ID),
			Fields: []ledger.FieldError{{Path: path, Reason: ledger.ReasonInvoiceNotIssued, Message: "only issued invoices take payments"}}}
	}
	return nil
}

// RecordPayment posts a payment and makes the allocations it lists, all or
// nothing.
func (s *Store) RecordPayment(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, in *invoicing.PaymentInput) (*invoicing.Payment, error) {
	var out *invoicing.Payment
	err := s.write(ctx, func(tx *sqlstore.Tx) error {
		var err error
		out, err = s.recordPayment(tx, p, ent, in)
		return err
	})
	return out, err
}

// recordPayment posts a payment and makes its allocations in tx.
func (s *Store) recordPayment(tx *sqlstore.Tx, p *ledger.Principal, ent *ledger.Entity, in *invoicing.PaymentInput) (*invoicing.Payment, error) {
	if in.CustomerID == nil {
		return nil, fieldErr("customer_id", ledger.ReasonFieldRequired, "customer_id is required")
	}
	cust, err := s.customer(tx, ent.ID, *in.CustomerID)
	if ledger.IsCode(err, ledger.CodeNotFound) {
		return nil, fieldErr("customer_id", ledger.ReasonCustomerNotFound, "customer %d does not exist in this entity", *in.CustomerID)
	} else if err != nil {
		return nil, err
	}
	lk, err := s.lookup(tx, ent)
	if err != nil {
		return nil, err
	}
	pay := &invoicing.Payment{EntityID: ent.ID, CustomerID: cust.ID}
	if err := in.Apply(pay, ent, cust, lk.Settings); err != nil {
		return nil, err
	}
	bank := lk.Accounts[pay.BankAccount]
	if bank == nil || bank.Archived() || bank.Type != ledger.Asset || bank.Code == lk.Settings.ReceivableAccount {
		return nil, fieldErr("bank_account", ledger.ReasonAccountNotFound, "bank_account %q is not an open asset account of this entity", pay.BankAccount)
	}
	pay.BankAccountID = bank.ID
	targets, err := s.targets(tx, ent.ID, in.Allocations, nil, nil) // locked before anything is posted
	if err != nil {
		return nil, err
	}
	e, err := s.PostDraft(tx, p, ent, invoicing.PaymentEntry(pay, lk.Settings, cust.Name))
	if err != nil {
		return nil, err
	}
	pay.EntryID, pay.CreatedAt, pay.CreatedBy = e.ID, tx.Now, p.ActorID
	err = tx.DB().Raw(`INSERT INTO payments (entity_id, customer_id, direction, date, currency, amount_minor, exchange_rate,
		functional_minor, bank_account_id, reference, entry_id, created_at, created_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		ent.ID, pay.CustomerID, pay.Direction, pay.Date, pay.Currency, pay.AmountMinor, rateText(pay.ExchangeRate),
		pay.FunctionalMinor, pay.BankAccountID, pay.Reference, pay.EntryID, pay.CreatedAt, pay.CreatedBy).Scan(&pay.ID).Error
	if err != nil {
		return nil, err
	}
	if pay.Allocations, err = s.allocateInputs(tx, p, ent, lk, doc{pay: pay}, targets, in.Allocations); err != nil {
		return nil, err
	}
	if pay.Direction == invoicing.DirectionReceived {
		if err := tx.Emit(ent.ID, &p.ActorID, webhooks.PaymentReceived, pay.View(ent)); err != nil {
			return nil, err
		}
	}
	if err := s.emitPaid(tx, p, ent, targets, in.Allocations); err != nil {
		return nil, err
	}
	return pay, nil
}

// Allocate allocates a payment, or a credit note's open credit, to documents.
func (s *Store) Allocate(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, sourceID int64, fromCreditNote bool, in []invoicing.AllocationInput) ([]*invoicing.Allocation, error) {
	if len(in) == 0 {
		return nil, fieldErr("allocations", ledger.ReasonFieldRequired, "allocations lists at least one {invoice_id, amount}")
	}
	var out []*invoicing.Allocation
	err := s.write(ctx, func(tx *sqlstore.Tx) error {
		// The source must exist before its targets are blamed.
		var docIDs, payIDs []int64
		if fromCreditNote {
			if cn, err := s.load(tx, ent.ID, sourceID, false); err != nil || cn.Kind != invoicing.KindCreditNote {
				return ledger.NotFound("credit note")
			}
			docIDs = []int64{sourceID}
		} else {
			if _, err := s.loadPayment(tx, ent.ID, sourceID, false); err != nil {
				return err
			}
			payIDs = []int64{sourceID}
		}
		l, err := s.targets(tx, ent.ID, in, docIDs, payIDs)
		if err != nil {
			return err
		}
		source := doc{inv: l.docs[sourceID]}
		if !fromCreditNote {
			source = doc{pay: l.pays[sourceID]}
			if source.pay.RemovedAt != nil {
				return ledger.Errorf(ledger.CodeConflict, ledger.ReasonPaymentRemoved, "payment %d is removed", sourceID)
			}
		}
		lk, err := s.lookup(tx, ent)
		if err != nil {
			return err
		}
		if out, err = s.allocateInputs(tx, p, ent, lk, source, l, in); err != nil {
			return err
		}
		return s.emitPaid(tx, p, ent, l, in)
	})
	return out, err
}

func (s *Store) allocation(tx *sqlstore.Tx, entityID, id int64) (*invoicing.Allocation, error) {
	var a invoicing.Allocation
	err := tx.DB().Raw(`SELECT `+allocationColumns+` FROM allocations WHERE entity_id = ? AND id = ?`, entityID, id).Take(&a).Error
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
	err := s.write(ctx, func(tx *sqlstore.Tx) error {
		a, err := s.allocation(tx, ent.ID, id)
		if err != nil {
			return err
		}
		l, err := s.lockSides(tx, ent.ID, []*invoicing.Allocation{a})
		if err != nil {
			return err
		}
		if a, err = s.allocation(tx, ent.ID, id); err != nil { // as it is under the locks
			return err
		}
		out = a
		return s.unallocate(tx, p, ent, a, l.docs, l.pays)
	})
	return out, err
}

// lockSides locks the documents and payments of allocations (and the
// payments extra), in the one lock order.
func (s *Store) lockSides(tx *sqlstore.Tx, entityID int64, allocs []*invoicing.Allocation, extra ...int64) (*locked, error) {
	var docIDs []int64
	payIDs := slices.Clone(extra)
	for _, a := range allocs {
		for _, v := range []*int64{a.DebitInvoiceID, a.CreditInvoiceID} {
			if v != nil {
				docIDs = append(docIDs, *v)
			}
		}
		for _, v := range []*int64{a.DebitPaymentID, a.CreditPaymentID} {
			if v != nil {
				payIDs = append(payIDs, *v)
			}
		}
	}
	l := &locked{pays: map[int64]*invoicing.Payment{}}
	var err error
	if l.docs, err = s.lockInvoices(tx, entityID, docIDs); err != nil {
		return nil, err
	}
	slices.Sort(payIDs)
	for _, id := range slices.Compact(payIDs) {
		if l.pays[id], err = s.loadPayment(tx, entityID, id, true); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// unallocate removes a locked allocation whose documents are locked.
func (s *Store) unallocate(tx *sqlstore.Tx, p *ledger.Principal, ent *ledger.Entity, a *invoicing.Allocation, docs map[int64]*invoicing.Invoice, pays map[int64]*invoicing.Payment) error {
	if a.RemovedAt != nil {
		return ledger.Errorf(ledger.CodeConflict, ledger.ReasonAllocationRemoved, "allocation %d is already removed", a.ID)
	}
	side := func(inv, pay *int64) doc {
		if inv != nil {
			return doc{inv: docs[*inv]}
		}
		return doc{pay: pays[*pay]}
	}
	debit, credit := side(a.DebitInvoiceID, a.DebitPaymentID), side(a.CreditInvoiceID, a.CreditPaymentID)
	if debit.inv != nil && debit.inv.StoredStatus == invoicing.StatusVoid || credit.inv != nil && credit.inv.StoredStatus == invoicing.StatusVoid {
		return ledger.Errorf(ledger.CodeConflict, ledger.ReasonInvoiceVoid, "the allocation belongs to a void invoice")
	}
	var paid int64
	if a.DebitPaymentID != nil || a.CreditPaymentID != nil {
		paid = a.AmountMinor
	}
	if a.FXEntryID != nil {
		posted, err := s.ledgerIn(tx).ReverseEntry(tx.Context(), p, ent, *a.FXEntryID, maxDate(ent.Today(), a.Date), "Removal of allocation "+fmt.Sprint(a.ID), nil)
		if err != nil {
			return err
		}
		a.RemovalEntryID = &posted.Entry.ID
	}
	if err := s.settle(tx, ent.ID, debit, -a.AmountMinor, -a.DebitFunctionalMinor, -paid); err != nil {
		return err
	}
	if err := s.settle(tx, ent.ID, credit, -a.AmountMinor, -a.CreditFunctionalMinor, -paid); err != nil {
		return err
	}
	t := tx.Now
	a.RemovedAt, a.RemovedBy = &t, &p.ActorID
	return tx.DB().Exec(`UPDATE allocations SET removed_at = ?, removed_by = ?, removal_entry_id = ? WHERE entity_id = ? AND id = ? AND removed_at IS NULL`,
		t, p.ActorID, a.RemovalEntryID, ent.ID, a.ID).Error
}

func maxDate(a, b ledger.Date) ledger.Date {
	if a.Before(b) {
		return b
	}
	return a
}

func concurrentChange(id int64) error {
	return &ledger.Error{Code: ledger.CodeUnavailable, Reason: ledger.ReasonConcurrentChange,
		Message: fmt.Sprintf("payment %d was allocated while it was being removed; retry", id)}
}

// RemovePayment removes a payment's allocations and posts the reversal of
// its entry; the payment stays on record as removed.
func (s *Store) RemovePayment(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64) (*invoicing.Payment, error) {
	var out *invoicing.Payment
	err := s.write(ctx, func(tx *sqlstore.Tx) error {
		pay, err := s.loadPayment(tx, ent.ID, id, false)
		if err != nil {
			return err
		}
		var active []*invoicing.Allocation
		for _, a := range pay.Allocations {
			if a.RemovedAt == nil {
				active = append(active, a)
			}
		}
		l, err := s.lockSides(tx, ent.ID, active, id)
		if err != nil {
			return err
		}
		pay = l.pays[id] // read again under its lock
		if pay.RemovedAt != nil {
			return ledger.Errorf(ledger.CodeConflict, ledger.ReasonPaymentRemoved, "payment %d is already removed", id)
		}
		for _, a := range pay.Allocations {
			if a.RemovedAt != nil {
				continue
			}
			// An allocation made between the first read and the locks names
			// a document not locked here; locking it now would break the
			// lock order.
			for _, v := range []*int64{a.DebitInvoiceID, a.CreditInvoiceID} {
				if v != nil && l.docs[*v] == nil {
					return concurrentChange(id)
				}
			}
			for _, v := range []*int64{a.DebitPaymentID, a.CreditPaymentID} {
				if v != nil && l.pays[*v] == nil {
					return concurrentChange(id)
				}
			}
			if err := s.unallocate(tx, p, ent, a, l.docs, l.pays); err != nil {
				return err
			}
		}
		what := "payment"
		if pay.Direction == invoicing.DirectionRefund {
			what = "refund"
		}
		posted, err := s.ledgerIn(tx).ReverseEntry(tx.Context(), p, ent, pay.EntryID, maxDate(ent.Today(), pay.Date), fmt.Sprintf("Removal of %s %d", what, id), nil)
		if err != nil {
			return err
		}
		t := tx.Now
		err = tx.DB().Exec(`UPDATE payments SET removed_at = ?, removed_by = ?, removal_entry_id = ? WHERE entity_id = ? AND id = ?`,
			t, p.ActorID, posted.Entry.ID, ent.ID, id).Error
		if err != nil {
			return err
		}
		out, err = s.loadPayment(tx, ent.ID, id, false)
		return err
	})
	return out, err
}
