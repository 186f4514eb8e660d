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
	"backoffice/invoicing/settlement"
	"backoffice/invoicing/webhooks"
	"backoffice/ledger"
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
	allocs, err := receivables.OfPayments(tx, entityID, ids...) // one query for the page, not one per payment
	if err != nil {
		return nil, err
	}
	for _, a := range allocs {
		for _, id := range []*int64{a.OwedPaymentID, a.SettlePaymentID} {
			if id != nil && byID[*id] != nil {
				byID[*id].Allocations = append(byID[*id].Allocations, sales(a))
			}
		}
	}
	return out, nil
}

// receivables is the sales half of the books to the settlement machinery:
// what a customer owes is a debit in receivables, so an allocation's sides
// are its debit_ (owed) and credit_ (settling) columns.
var receivables = &settlement.Book{Documents: "invoices", Settleable: "issued", Payments: "payments", Allocations: "allocations",
	OwedPrefix: "debit", SettlePrefix: "credit", Allocation: "allocation", Payment: "payment",
	Parties: invoicing.Parties{Plural: "customers", Mismatch: ledger.ReasonCustomerMismatch}, OwedDebit: true}

// sales is an allocation in the sales store's words.
func sales(a *settlement.Allocation) *invoicing.Allocation {
	return &invoicing.Allocation{ID: a.ID, EntityID: a.EntityID, DebitInvoiceID: a.OwedInvoiceID, DebitPaymentID: a.OwedPaymentID,
		CreditInvoiceID: a.SettleInvoiceID, CreditPaymentID: a.SettlePaymentID, Date: a.Date, Currency: a.Currency, AmountMinor: a.AmountMinor,
		DebitFunctionalMinor: a.OwedFunctionalMinor, CreditFunctionalMinor: a.SettleFunctionalMinor, FXEntryID: a.FXEntryID,
		CreatedAt: a.CreatedAt, CreatedBy: a.CreatedBy, RemovedAt: a.RemovedAt, RemovedBy: a.RemovedBy, RemovalEntryID: a.RemovalEntryID}
}

// neutral is a sales allocation in the settlement machinery's words.
func neutral(a *invoicing.Allocation) *settlement.Allocation {
	return &settlement.Allocation{ID: a.ID, EntityID: a.EntityID, OwedInvoiceID: a.DebitInvoiceID, OwedPaymentID: a.DebitPaymentID,
		SettleInvoiceID: a.CreditInvoiceID, SettlePaymentID: a.CreditPaymentID, Date: a.Date, Currency: a.Currency, AmountMinor: a.AmountMinor,
		OwedFunctionalMinor: a.DebitFunctionalMinor, SettleFunctionalMinor: a.CreditFunctionalMinor, FXEntryID: a.FXEntryID,
		CreatedAt: a.CreatedAt, CreatedBy: a.CreatedBy, RemovedAt: a.RemovedAt, RemovedBy: a.RemovedBy, RemovalEntryID: a.RemovalEntryID}
}

// Allocations lists the allocations of an invoice or credit note (invoiceID)
// or of a payment, oldest first, removed ones included.
func (s *Store) Allocations(ctx context.Context, entityID, invoiceID, paymentID int64) ([]*invoicing.Allocation, error) {
	return s.allocations(s.Query(ctx), entityID, invoiceID, paymentID)
}

func (s *Store) allocations(tx *sqlstore.Tx, entityID, invoiceID, paymentID int64) ([]*invoicing.Allocation, error) {
	var list []*settlement.Allocation
	var err error
	if invoiceID != 0 {
		list, err = receivables.OfDocument(tx, entityID, invoiceID)
	} else {
		list, err = receivables.OfPayments(tx, entityID, paymentID)
	}
	if err != nil {
		return nil, err
	}
	out := make([]*invoicing.Allocation, len(list))
	for i, a := range list {
		out[i] = sales(a)
	}
	return out, nil
}

// doc is one side of an allocation: an invoice or credit note, or a payment.
type doc struct {
	inv *invoicing.Invoice
	pay *invoicing.Payment
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

// side is the document or payment as the settlement machinery sees it.
func (d doc) side() settlement.Side {
	if i := d.inv; i != nil {
		return settlement.Document(i.ID, invoicing.Side{Name: d.name(), Currency: i.Currency, Party: i.CustomerID, Date: *i.IssueDate,
			OpenMinor: i.OpenMinor(), OpenFunctional: i.OpenFunctionalMinor(), Rate: i.ExchangeRate},
			&i.SettledMinor, &i.SettledFunctionalMinor, &i.PaidMinor)
	}
	p := d.pay
	return settlement.Payment(p.ID, invoicing.Side{Name: d.name(), Currency: p.Currency, Party: p.CustomerID, Date: p.Date,
		OpenMinor: p.UnallocatedMinor(), OpenFunctional: p.FunctionalMinor - p.SettledFunctionalMinor},
		&p.SettledMinor, &p.SettledFunctionalMinor)
}

// allocate settles debit (what the customer owes) with credit (what the
// customer is owed) for amount, both rows locked by the caller.
func (s *Store) allocate(tx *sqlstore.Tx, p *ledger.Principal, ent *ledger.Entity, lk *invoicing.Lookup, debit, credit doc, amount int64, date ledger.Date) (*invoicing.Allocation, error) {
	a, err := receivables.Allocate(tx, s.Store, p, ent, settlement.Accounts{Control: lk.Settings.ReceivableAccount, FX: lk.Settings.FXAccount},
		debit.side(), credit.side(), amount, date)
	if err != nil {
		return nil, err
	}
	return sales(a), nil
}

// locked is what a transaction has locked: documents first (by id), then
// payments (by id), the order every transaction here takes them in
// (settlement.Lock).
type locked struct {
	docs map[int64]*invoicing.Invoice
	pays map[int64]*invoicing.Payment
}

// Side is a locked document or payment (settlement.Held).
func (l *locked) Side(invoiceID, paymentID *int64) (settlement.Side, bool) {
	if invoiceID != nil {
		if inv := l.docs[*invoiceID]; inv != nil {
			return doc{inv: inv}.side(), true
		}
	} else if pay := l.pays[*paymentID]; pay != nil {
		return doc{pay: pay}.side(), true
	}
	return settlement.Side{}, false
}

// lock locks documents and payments in the one lock order; docNotFound and
// payNotFound, when set, are what an id that does not exist is to the
// caller.
func (s *Store) lock(tx *sqlstore.Tx, entityID int64, docIDs, payIDs []int64, docNotFound, payNotFound error) (*locked, error) {
	docs, pays, err := settlement.Lock(docIDs, payIDs, func(id int64) (*invoicing.Invoice, error) {
		inv, err := s.load(tx, entityID, id, true)
		if docNotFound != nil && ledger.IsCode(err, ledger.CodeNotFound) {
			return nil, docNotFound
		}
		return inv, err
	}, func(id int64) (*invoicing.Payment, error) {
		pay, err := s.loadPayment(tx, entityID, id, true)
		if payNotFound != nil && ledger.IsCode(err, ledger.CodeNotFound) {
			return nil, payNotFound
		}
		return pay, err
	})
	if err != nil {
		return nil, err
	}
	return &locked{docs: docs, pays: pays}, nil
}

// targets checks allocation inputs and locks the documents and payments
// they name, with the source's own id (a credit note's or a payment's).
func (s *Store) targets(tx *sqlstore.Tx, entityID int64, in []invoicing.AllocationInput, docIDs, payIDs []int64) (*locked, error) {
	if err := settlement.TooMany(len(in)); err != nil {
		return nil, err
	}
	var p ledger.Problems
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
	return s.lock(tx, entityID, docIDs, payIDs,
		ledger.Errorf(ledger.CodeInvalid, ledger.ReasonInvoiceNotFound, "an allocation names an invoice or credit note that does not exist in this entity"),
		ledger.Errorf(ledger.CodeInvalid, ledger.ReasonPaymentNotFound, "an allocation names a payment that does not exist in this entity"))
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
	sourceOwes := source.pay != nil && source.pay.Direction == invoicing.DirectionRefund
	return settlement.Each(source.side().Currency, len(in), func(i int) string { return in[i].Amount },
		func(i int, path string, amount int64) (*invoicing.Allocation, error) {
			a := in[i]
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
			// Dated when both exist: the later of the two (see invoicing.Settle).
			return s.allocate(tx, p, ent, lk, debit, credit, amount, ledger.Date{})
		})
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

// RemoveAllocation undoes an allocation: the documents are open again and
// the exchange difference, if one was posted, is reversed.
func (s *Store) RemoveAllocation(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64) (*invoicing.Allocation, error) {
	var out *invoicing.Allocation
	err := s.write(ctx, func(tx *sqlstore.Tx) error {
		a, err := settlement.Remove(tx, receivables, ent.ID, id, func(allocs []*settlement.Allocation) (*locked, error) {
			return s.lockSides(tx, ent.ID, allocs)
		}, func(a *settlement.Allocation, l *locked) error { return s.unallocate(tx, p, ent, a, l) })
		if a != nil {
			out = sales(a)
		}
		return err
	})
	return out, err
}

// lockSides locks the documents and payments of allocations (and the
// payments extra), in the one lock order.
func (s *Store) lockSides(tx *sqlstore.Tx, entityID int64, allocs []*settlement.Allocation, extra ...int64) (*locked, error) {
	docIDs, payIDs := settlement.IDs(allocs)
	return s.lock(tx, entityID, docIDs, append(payIDs, extra...), nil, nil)
}

// unallocate removes a locked allocation whose documents are locked; one
// that belongs to a void invoice stays, as the void invoice does.
func (s *Store) unallocate(tx *sqlstore.Tx, p *ledger.Principal, ent *ledger.Entity, a *settlement.Allocation, l *locked) error {
	if a.RemovedAt == nil {
		for _, id := range []*int64{a.OwedInvoiceID, a.SettleInvoiceID} {
			if id != nil && l.docs[*id].StoredStatus == invoicing.StatusVoid {
				return ledger.Errorf(ledger.CodeConflict, ledger.ReasonInvoiceVoid, "the allocation belongs to a void invoice")
			}
		}
	}
	return receivables.Unallocate(tx, s.Store, p, ent, a, l)
}

// maxDate is the later of two dates.
func maxDate(a, b ledger.Date) ledger.Date { return settlement.Later(a, b) }

// RemovePayment removes a payment's allocations and posts the reversal of
// its entry; the payment stays on record as removed.
func (s *Store) RemovePayment(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64) (*invoicing.Payment, error) {
	var out *invoicing.Payment
	err := s.write(ctx, func(tx *sqlstore.Tx) error {
		allocs, err := s.standing(tx, ent.ID, id)
		if err != nil {
			return err
		}
		l, err := s.lockSides(tx, ent.ID, allocs, id)
		if err != nil {
			return err
		}
		pay := l.pays[id] // read again under its lock
		allocs = make([]*settlement.Allocation, len(pay.Allocations))
		for i, a := range pay.Allocations {
			allocs[i] = neutral(a)
		}
		_, err = receivables.RemovePayment(tx, s.Store, p, ent, doc{pay: pay}.side(), pay.RemovedAt != nil, pay.EntryID, allocs, l,
			func(a *settlement.Allocation) error { return s.unallocate(tx, p, ent, a, l) })
		if err != nil {
			return err
		}
		out, err = s.loadPayment(tx, ent.ID, id, false)
		return err
	})
	return out, err
}

// standing are the allocations of a payment not removed, as read before
// anything is locked.
func (s *Store) standing(tx *sqlstore.Tx, entityID, id int64) ([]*settlement.Allocation, error) {
	pay, err := s.loadPayment(tx, entityID, id, false)
	if err != nil {
		return nil, err
	}
	var out []*settlement.Allocation
	for _, a := range pay.Allocations {
		if a.RemovedAt == nil {
			out = append(out, neutral(a))
		}
	}
	return out, nil
}
