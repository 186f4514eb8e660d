package purchstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"

	"backoffice/invoicing"
	"backoffice/invoicing/purchases"
	"backoffice/invoicing/settlement"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
)

// Supplier payments and purchase allocations, the mirror of the sales
// side (invstore/payments.go): a payment made settles purchase invoices,
// a supplier credit note settles purchase invoices, a refund from the
// supplier is settled by credit notes. Locks are taken in one order:
// purchase documents by id, then supplier payments by id.

const supplierPaymentSelect = `SELECT p.id, p.entity_id, p.supplier_id, s.name AS supplier_name, p.direction, p.date, p.currency,
	p.amount_minor, p.exchange_rate, p.functional_minor, p.bank_account_id, a.code AS bank_account, p.reference, p.settled_minor,
	p.settled_functional_minor, p.entry_id, p.created_at, p.created_by, p.removed_at, p.removed_by, p.removal_entry_id
	FROM supplier_payments p JOIN accounts a ON a.entity_id = p.entity_id AND a.id = p.bank_account_id
	JOIN suppliers s ON s.entity_id = p.entity_id AND s.id = p.supplier_id`

type supplierPaymentRow struct {
	ID                     int64
	EntityID               int64
	SupplierID             int64
	SupplierName           string
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

func (r *supplierPaymentRow) payment() *purchases.Payment {
	p := &purchases.Payment{ID: r.ID, EntityID: r.EntityID, SupplierID: r.SupplierID, SupplierName: r.SupplierName,
		Direction: r.Direction, Date: r.Date, Currency: r.Currency, AmountMinor: r.AmountMinor, FunctionalMinor: r.FunctionalMinor,
		BankAccountID: r.BankAccountID, BankAccount: r.BankAccount, Reference: r.Reference, SettledMinor: r.SettledMinor,
		SettledFunctionalMinor: r.SettledFunctionalMinor, EntryID: r.EntryID, CreatedAt: r.CreatedAt.UTC(), CreatedBy: r.CreatedBy,
		RemovedAt: utc(r.RemovedAt), RemovedBy: r.RemovedBy, RemovalEntryID: r.RemovalEntryID, Allocations: []*purchases.Allocation{}}
	if r.ExchangeRate != nil {
		p.ExchangeRate, _ = decimal.NewFromString(*r.ExchangeRate)
	}
	return p
}

func (s *Store) loadPayment(tx *sqlstore.Tx, entityID, id int64, lock bool) (*purchases.Payment, error) {
	q := supplierPaymentSelect + ` WHERE p.entity_id = ? AND p.id = ?`
	if lock && tx.ForUpdate() != "" {
		q += tx.ForUpdate() + ` OF p`
	}
	var r supplierPaymentRow
	err := tx.DB().Raw(q, entityID, id).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ledger.NotFound("supplier payment")
	}
	if err != nil {
		return nil, sqlstore.Translate(err)
	}
	pay := r.payment()
	pay.Allocations, err = purchaseAllocations(payables.OfPayments(tx, entityID, id))
	return pay, err
}

// SupplierPayment returns a supplier payment with its allocations.
func (s *Store) SupplierPayment(ctx context.Context, entityID, id int64) (*purchases.Payment, error) {
	return s.loadPayment(s.l.Query(ctx), entityID, id, false)
}

// SupplierPayments lists supplier payments by id after a cursor, at most
// Limit+1, with their allocations.
func (s *Store) SupplierPayments(ctx context.Context, entityID int64, f purchases.PaymentFilter) ([]*purchases.Payment, error) {
	q := supplierPaymentSelect + ` WHERE p.entity_id = ? AND p.id > ?`
	args := []any{entityID, f.After}
	if f.SupplierID != 0 {
		q += ` AND p.supplier_id = ?`
		args = append(args, f.SupplierID)
	}
	tx := s.l.Query(ctx)
	var rows []supplierPaymentRow
	if err := tx.DB().Raw(q+` ORDER BY p.id LIMIT ?`, append(args, f.Limit+1)...).Scan(&rows).Error; err != nil {
		return nil, sqlstore.Translate(err)
	}
	out := make([]*purchases.Payment, len(rows))
	byID := make(map[int64]*purchases.Payment, len(rows))
	ids := make([]int64, len(rows))
	for i := range rows {
		out[i] = rows[i].payment()
		byID[out[i].ID], ids[i] = out[i], out[i].ID
	}
	if len(ids) == 0 {
		return out, nil
	}
	allocs, err := payables.OfPayments(tx, entityID, ids...) // one query for the page
	if err != nil {
		return nil, err
	}
	for _, a := range allocs {
		for _, id := range []*int64{a.OwedPaymentID, a.SettlePaymentID} {
			if id != nil && byID[*id] != nil {
				byID[*id].Allocations = append(byID[*id].Allocations, (*purchases.Allocation)(a))
			}
		}
	}
	return out, nil
}

// payables is the purchase half of the books to the settlement machinery:
// what is owed to a supplier is a credit in payables, and an allocation's
// sides are its owed_ and settle_ columns, the names purchases.Allocation
// shares with settlement.Allocation.
var payables = &settlement.Book{Documents: "purchase_invoices", Settleable: "booked", Payments: "supplier_payments",
	Allocations: "purchase_allocations", OwedPrefix: "owed", SettlePrefix: "settle", Allocation: "purchase allocation",
	Payment: "supplier payment", Parties: invoicing.Parties{Plural: "suppliers", Mismatch: ledger.ReasonSupplierMismatch}}

// PurchaseAllocations lists the allocations of a purchase invoice or
// supplier credit note, oldest first, removed ones included.
func (s *Store) PurchaseAllocations(ctx context.Context, entityID, invoiceID int64) ([]*purchases.Allocation, error) {
	tx := s.l.Query(ctx)
	if _, err := s.load(tx, entityID, invoiceID, false); err != nil {
		return nil, err
	}
	return purchaseAllocations(payables.OfDocument(tx, entityID, invoiceID))
}

// purchaseAllocations are allocations in the purchase store's type.
func purchaseAllocations(list []*settlement.Allocation, err error) ([]*purchases.Allocation, error) {
	if err != nil {
		return nil, err
	}
	out := make([]*purchases.Allocation, len(list))
	for i, a := range list {
		out[i] = (*purchases.Allocation)(a)
	}
	return out, nil
}

// side is one side of a purchase allocation: a purchase document or a
// supplier payment.
type side struct {
	inv *purchases.Invoice
	pay *purchases.Payment
}

func (d side) name() string {
	switch {
	case d.pay != nil && d.pay.Direction == purchases.DirectionRefund:
		return fmt.Sprintf("supplier refund %d", d.pay.ID)
	case d.pay != nil:
		return fmt.Sprintf("supplier payment %d", d.pay.ID)
	case d.inv.Kind == purchases.KindCreditNote:
		return "supplier credit note " + d.inv.Number
	}
	return "purchase invoice " + d.inv.Number
}

// side is the document or payment as the settlement machinery sees it.
func (d side) side() settlement.Side {
	if i := d.inv; i != nil {
		return settlement.Document(i.ID, invoicing.Side{Name: d.name(), Currency: i.Currency, Party: i.SupplierID, Date: i.VATDate,
			OpenMinor: i.OpenMinor(), OpenFunctional: i.OpenFunctionalMinor(), Rate: i.ExchangeRate},
			&i.SettledMinor, &i.SettledFunctionalMinor, &i.PaidMinor)
	}
	p := d.pay
	return settlement.Payment(p.ID, invoicing.Side{Name: d.name(), Currency: p.Currency, Party: p.SupplierID, Date: p.Date,
		OpenMinor: p.UnallocatedMinor(), OpenFunctional: p.FunctionalMinor - p.SettledFunctionalMinor},
		&p.SettledMinor, &p.SettledFunctionalMinor)
}

// allocate settles owed with settler for amount, both rows locked by the
// caller, and records it in the audit trail.
func (s *Store) allocate(tx *sqlstore.Tx, p *ledger.Principal, ent *ledger.Entity, set *purchases.Settings, owed, settler side, amount int64) (*purchases.Allocation, error) {
	a, err := payables.Allocate(tx, s.l, p, ent, settlement.Accounts{Control: set.PayableAccount, FX: set.FXAccount},
		owed.side(), settler.side(), amount, ledger.Date{})
	if err != nil {
		return nil, err
	}
	return (*purchases.Allocation)(a), tx.Audit(ent.ID, &p.ActorID, "purchase_allocation.created", owed.name()+" / "+settler.name(), map[string]any{"id": a.ID,
		"owed_invoice_id": a.OwedInvoiceID, "owed_payment_id": a.OwedPaymentID, "settle_invoice_id": a.SettleInvoiceID,
		"settle_payment_id": a.SettlePaymentID, "amount_minor": a.AmountMinor, "currency": a.Currency, "fx_entry_id": a.FXEntryID})
}

// held is what a unit of work has locked: documents first (by id), then
// payments (by id), the order of settlement.Lock.
type held struct {
	docs map[int64]*purchases.Invoice
	pays map[int64]*purchases.Payment
}

// Side is a locked document or payment (settlement.Held).
func (h *held) Side(invoiceID, paymentID *int64) (settlement.Side, bool) {
	if invoiceID != nil {
		if inv := h.docs[*invoiceID]; inv != nil {
			return side{inv: inv}.side(), true
		}
	} else if pay := h.pays[*paymentID]; pay != nil {
		return side{pay: pay}.side(), true
	}
	return settlement.Side{}, false
}

// lock locks documents and payments in the one lock order.
func (s *Store) lock(tx *sqlstore.Tx, entityID int64, docIDs, payIDs []int64) (*held, error) {
	docs, pays, err := settlement.Lock(docIDs, payIDs, func(id int64) (*purchases.Invoice, error) {
		return s.load(tx, entityID, id, true)
	}, func(id int64) (*purchases.Payment, error) {
		return s.loadPayment(tx, entityID, id, true)
	})
	if err != nil {
		return nil, err
	}
	return &held{docs: docs, pays: pays}, nil
}

// targets checks allocation inputs and locks the documents they name with
// the source's own id (a credit note's or a payment's).
func (s *Store) targets(tx *sqlstore.Tx, entityID int64, in []purchases.AllocationInput, docIDs, payIDs []int64) (*held, error) {
	if err := settlement.TooMany(len(in)); err != nil {
		return nil, err
	}
	var p ledger.Problems
	docIDs = slices.Clone(docIDs)
	for i, a := range in {
		if a.PurchaseInvoiceID == nil {
			p.Add(fmt.Sprintf("allocations[%d].purchase_invoice_id", i), ledger.ReasonFieldRequired, "purchase_invoice_id is required")
			continue
		}
		docIDs = append(docIDs, *a.PurchaseInvoiceID)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	h, err := s.lock(tx, entityID, docIDs, payIDs)
	if ledger.IsCode(err, ledger.CodeNotFound) {
		return nil, ledger.Errorf(ledger.CodeInvalid, ledger.ReasonInvoiceNotFound, "an allocation names a purchase invoice or credit note that does not exist in this entity")
	}
	return h, err
}

// allocateInputs makes the allocations of source (a locked payment or
// credit note) to the locked targets:
//
//	payment made     -> purchase invoices
//	refund           -> supplier credit notes
//	credit note      -> purchase invoices
func (s *Store) allocateInputs(tx *sqlstore.Tx, p *ledger.Principal, ent *ledger.Entity, set *purchases.Settings, source side, h *held, in []purchases.AllocationInput) ([]*purchases.Allocation, error) {
	sourceOwes := source.pay != nil && source.pay.Direction == purchases.DirectionRefund
	return settlement.Each(source.side().Currency, len(in), func(i int) string { return in[i].Amount },
		func(i int, path string, amount int64) (*purchases.Allocation, error) {
			target := side{inv: h.docs[*in[i].PurchaseInvoiceID]}
			if err := allocatable(source, target, sourceOwes, path); err != nil {
				return nil, err
			}
			owed, settler := target, source
			if sourceOwes {
				owed, settler = source, target
			}
			return s.allocate(tx, p, ent, set, owed, settler, amount)
		})
}

// allocatable checks that target (a purchase document) may take an
// allocation from source.
func allocatable(source, target side, sourceOwes bool, path string) error {
	t := target.inv
	want := purchases.KindInvoice
	if sourceOwes {
		want = purchases.KindCreditNote
	}
	conflict := func(reason ledger.Reason, msg, field string) error {
		return &ledger.Error{Code: ledger.CodeConflict, Reason: reason, Message: msg,
			Fields: []ledger.FieldError{{Path: path + ".purchase_invoice_id", Reason: reason, Message: field}}}
	}
	switch {
	case source.inv != nil && source.inv.ID == t.ID:
		return invalid(path+".purchase_invoice_id", ledger.ReasonAllocationTargetInvalid, "a credit note is not allocated to itself")
	case t.Kind != want:
		return invalid(path+".purchase_invoice_id", ledger.ReasonAllocationTargetInvalid, "%s is allocated to %s, not to %s %d",
			source.name(), kindWord(want), kindWord(t.Kind), t.ID)
	case t.Status == purchases.StatusReversed:
		return conflict(ledger.ReasonPurchaseInvoiceReversed, fmt.Sprintf("%s %s is reversed", kindWord(t.Kind), t.Number), "a reversed document cannot be settled")
	case t.Status == purchases.StatusDraft:
		return conflict(ledger.ReasonInvoiceNotIssued, fmt.Sprintf("purchase document %d is a draft; book it first", t.ID), "only booked documents are settled")
	}
	return nil
}

func kindWord(kind string) string {
	if kind == purchases.KindCreditNote {
		return "supplier credit notes"
	}
	return "purchase invoices"
}

// RecordSupplierPayment posts a supplier payment and makes the allocations
// it lists, all or nothing.
func (s *Store) RecordSupplierPayment(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, in *purchases.PaymentInput) (*purchases.Payment, error) {
	var out *purchases.Payment
	err := s.l.Write(ctx, func(tx *sqlstore.Tx) error {
		var err error
		out, err = s.recordPayment(tx, p, ent, in)
		return err
	})
	return out, err
}

// recordPayment posts a supplier payment and makes its allocations in tx.
func (s *Store) recordPayment(tx *sqlstore.Tx, p *ledger.Principal, ent *ledger.Entity, in *purchases.PaymentInput) (*purchases.Payment, error) {
	if in.SupplierID == nil {
		return nil, invalid("supplier_id", ledger.ReasonFieldRequired, "supplier_id is required")
	}
	sup, err := s.supplier(tx, ent.ID, *in.SupplierID, "")
	if ledger.IsCode(err, ledger.CodeNotFound) {
		return nil, invalid("supplier_id", ledger.ReasonSupplierNotFound, "supplier %d does not exist in this entity", *in.SupplierID)
	} else if err != nil {
		return nil, err
	}
	set, err := s.settings(tx, ent.ID)
	if err != nil {
		return nil, err
	}
	pay := &purchases.Payment{EntityID: ent.ID, SupplierID: sup.ID, SupplierName: sup.Name}
	if err := in.Apply(pay, ent, set); err != nil {
		return nil, err
	}
	accounts, err := s.accounts(tx, ent.ID)
	if err != nil {
		return nil, err
	}
	bank := accounts[pay.BankAccount]
	if bank == nil || bank.Archived() || bank.Type != ledger.Asset {
		return nil, invalid("bank_account", ledger.ReasonAccountNotFound, "bank_account %q is not an open asset account of this entity", pay.BankAccount)
	}
	pay.BankAccountID = bank.ID
	h, err := s.targets(tx, ent.ID, in.Allocations, nil, nil) // locked before anything is posted
	if err != nil {
		return nil, err
	}
	e, err := s.l.PostDraft(tx, p, ent, purchases.PaymentEntry(pay, set, sup.Name))
	if err != nil {
		return nil, err
	}
	pay.EntryID, pay.CreatedAt, pay.CreatedBy = e.ID, tx.Now, p.ActorID
	var rate *string
	if !pay.ExchangeRate.IsZero() {
		r := pay.ExchangeRate.String()
		rate = &r
	}
	err = tx.DB().Raw(`INSERT INTO supplier_payments (entity_id, supplier_id, direction, date, currency, amount_minor, exchange_rate,
		functional_minor, bank_account_id, reference, entry_id, created_at, created_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		ent.ID, pay.SupplierID, pay.Direction, pay.Date, pay.Currency, pay.AmountMinor, rate,
		pay.FunctionalMinor, pay.BankAccountID, pay.Reference, pay.EntryID, pay.CreatedAt, pay.CreatedBy).Scan(&pay.ID).Error
	if err != nil {
		return nil, err
	}
	if err := tx.Audit(ent.ID, &p.ActorID, "supplier_payment.recorded", sup.Name, map[string]any{"id": pay.ID, "entry_id": pay.EntryID, "input": in}); err != nil {
		return nil, err
	}
	if pay.Allocations, err = s.allocateInputs(tx, p, ent, set, side{pay: pay}, h, in.Allocations); err != nil {
		return nil, err
	}
	return pay, nil
}

// AllocateSupplierPayment allocates what is left of a supplier payment.
func (s *Store) AllocateSupplierPayment(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, paymentID int64, in []purchases.AllocationInput) ([]*purchases.Allocation, error) {
	return s.allocateFrom(ctx, p, ent, paymentID, false, in)
}

// AllocatePurchaseCreditNote applies a supplier credit note's open credit
// to purchase invoices.
func (s *Store) AllocatePurchaseCreditNote(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, creditNoteID int64, in []purchases.AllocationInput) ([]*purchases.Allocation, error) {
	return s.allocateFrom(ctx, p, ent, creditNoteID, true, in)
}

func (s *Store) allocateFrom(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, sourceID int64, fromCreditNote bool, in []purchases.AllocationInput) ([]*purchases.Allocation, error) {
	if len(in) == 0 {
		return nil, invalid("allocations", ledger.ReasonFieldRequired, "allocations lists at least one {purchase_invoice_id, amount}")
	}
	var out []*purchases.Allocation
	err := s.l.Write(ctx, func(tx *sqlstore.Tx) error {
		out = nil
		var docIDs, payIDs []int64
		if fromCreditNote {
			if cn, err := s.load(tx, ent.ID, sourceID, false); err != nil || cn.Kind != purchases.KindCreditNote {
				if err != nil && !ledger.IsCode(err, ledger.CodeNotFound) {
					return err
				}
				return ledger.NotFound("supplier credit note")
			}
			docIDs = []int64{sourceID}
		} else {
			if _, err := s.loadPayment(tx, ent.ID, sourceID, false); err != nil {
				return err
			}
			payIDs = []int64{sourceID}
		}
		h, err := s.targets(tx, ent.ID, in, docIDs, payIDs)
		if err != nil {
			return err
		}
		source := side{inv: h.docs[sourceID]}
		if fromCreditNote {
			switch source.inv.Status {
			case purchases.StatusReversed:
				return ledger.Errorf(ledger.CodeConflict, ledger.ReasonPurchaseInvoiceReversed, "supplier credit note %s is reversed", source.inv.Number)
			case purchases.StatusDraft:
				return ledger.Errorf(ledger.CodeConflict, ledger.ReasonInvoiceNotIssued, "supplier credit note %d is a draft; book it first", sourceID)
			}
		} else {
			source = side{pay: h.pays[sourceID]}
			if source.pay.RemovedAt != nil {
				return ledger.Errorf(ledger.CodeConflict, ledger.ReasonPaymentRemoved, "supplier payment %d is removed", sourceID)
			}
		}
		set, err := s.settings(tx, ent.ID)
		if err != nil {
			return err
		}
		out, err = s.allocateInputs(tx, p, ent, set, source, h, in)
		return err
	})
	return out, err
}

// RemovePurchaseAllocation undoes an allocation: both sides are open again
// and the exchange difference, if one was posted, is reversed.
func (s *Store) RemovePurchaseAllocation(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64) (*purchases.Allocation, error) {
	var out *purchases.Allocation
	err := s.l.Write(ctx, func(tx *sqlstore.Tx) error {
		a, err := settlement.Remove(tx, payables, ent.ID, id, func(allocs []*settlement.Allocation) (*held, error) {
			return s.lockSides(tx, ent.ID, allocs)
		}, func(a *settlement.Allocation, h *held) error { return s.unallocate(tx, p, ent, a, h) })
		out = (*purchases.Allocation)(a)
		return err
	})
	return out, err
}

// lockSides locks the documents and payments of allocations (and the
// payments extra), in the one lock order.
func (s *Store) lockSides(tx *sqlstore.Tx, entityID int64, allocs []*settlement.Allocation, extra ...int64) (*held, error) {
	docIDs, payIDs := settlement.IDs(allocs)
	return s.lock(tx, entityID, docIDs, append(payIDs, extra...))
}

// unallocate removes a standing allocation whose sides are locked, and
// records it in the audit trail.
func (s *Store) unallocate(tx *sqlstore.Tx, p *ledger.Principal, ent *ledger.Entity, a *settlement.Allocation, h *held) error {
	if err := payables.Unallocate(tx, s.l, p, ent, a, h); err != nil {
		return err
	}
	owed, settler := settlement.Sides(h, a)
	return tx.Audit(ent.ID, &p.ActorID, "purchase_allocation.removed", owed.Name+" / "+settler.Name,
		map[string]any{"id": a.ID, "removal_entry_id": a.RemovalEntryID})
}

// RemoveSupplierPayment removes a payment's allocations and posts the
// reversal of its entry; the payment stays on record as removed.
func (s *Store) RemoveSupplierPayment(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64) (*purchases.Payment, error) {
	var out *purchases.Payment
	err := s.l.Write(ctx, func(tx *sqlstore.Tx) error {
		out = nil
		pay, err := s.loadPayment(tx, ent.ID, id, false)
		if err != nil {
			return err
		}
		var standing []*settlement.Allocation
		for _, a := range pay.Allocations {
			if a.RemovedAt == nil {
				standing = append(standing, (*settlement.Allocation)(a))
			}
		}
		h, err := s.lockSides(tx, ent.ID, standing, id)
		if err != nil {
			return err
		}
		pay = h.pays[id] // read again under its lock
		allocs := make([]*settlement.Allocation, len(pay.Allocations))
		for i, a := range pay.Allocations {
			allocs[i] = (*settlement.Allocation)(a)
		}
		removal, err := payables.RemovePayment(tx, s.l, p, ent, side{pay: pay}.side(), pay.RemovedAt != nil, pay.EntryID, allocs, h,
			func(a *settlement.Allocation) error { return s.unallocate(tx, p, ent, a, h) })
		if err != nil {
			return err
		}
		if err := tx.Audit(ent.ID, &p.ActorID, "supplier_payment.removed", pay.SupplierName, map[string]any{"id": id, "removal_entry_id": removal}); err != nil {
			return err
		}
		out, err = s.loadPayment(tx, ent.ID, id, false)
		return err
	})
	return out, err
}
