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
	"backoffice/ledger"
	"backoffice/ledger/money"
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
	pay.Allocations, err = s.purchaseAllocations(tx, entityID, 0, id)
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
	var allocs []*purchases.Allocation // one query for the page
	err := tx.DB().Raw(`SELECT `+purchaseAllocationColumns+` FROM purchase_allocations WHERE entity_id = ?
		AND (owed_payment_id IN ? OR settle_payment_id IN ?) ORDER BY id`, entityID, ids, ids).Scan(&allocs).Error
	if err != nil {
		return nil, sqlstore.Translate(err)
	}
	for _, a := range allocs {
		a.CreatedAt, a.RemovedAt = a.CreatedAt.UTC(), utc(a.RemovedAt)
		for _, id := range []*int64{a.OwedPaymentID, a.SettlePaymentID} {
			if id != nil && byID[*id] != nil {
				byID[*id].Allocations = append(byID[*id].Allocations, a)
			}
		}
	}
	return out, nil
}

const purchaseAllocationColumns = `id, entity_id, owed_invoice_id, owed_payment_id, settle_invoice_id, settle_payment_id, date, currency,
	amount_minor, owed_functional_minor, settle_functional_minor, fx_entry_id, created_at, created_by, removed_at, removed_by, removal_entry_id`

// PurchaseAllocations lists the allocations of a purchase invoice or
// supplier credit note, oldest first, removed ones included.
func (s *Store) PurchaseAllocations(ctx context.Context, entityID, invoiceID int64) ([]*purchases.Allocation, error) {
	tx := s.l.Query(ctx)
	if _, err := s.load(tx, entityID, invoiceID, false); err != nil {
		return nil, err
	}
	return s.purchaseAllocations(tx, entityID, invoiceID, 0)
}

func (s *Store) purchaseAllocations(tx *sqlstore.Tx, entityID, invoiceID, paymentID int64) ([]*purchases.Allocation, error) {
	q := `SELECT ` + purchaseAllocationColumns + ` FROM purchase_allocations WHERE entity_id = ? AND `
	var args []any
	if invoiceID != 0 {
		q += `(owed_invoice_id = ? OR settle_invoice_id = ?)`
		args = []any{entityID, invoiceID, invoiceID}
	} else {
		q += `(owed_payment_id = ? OR settle_payment_id = ?)`
		args = []any{entityID, paymentID, paymentID}
	}
	var out []*purchases.Allocation
	if err := tx.DB().Raw(q+` ORDER BY id`, args...).Scan(&out).Error; err != nil {
		return nil, sqlstore.Translate(err)
	}
	for _, a := range out {
		a.CreatedAt, a.RemovedAt = a.CreatedAt.UTC(), utc(a.RemovedAt)
	}
	if out == nil {
		out = []*purchases.Allocation{}
	}
	return out, nil
}

// side is one side of a purchase allocation: a purchase document or a
// supplier payment.
type side struct {
	inv *purchases.Invoice
	pay *purchases.Payment
}

func (d side) open() int64 {
	if d.inv != nil {
		return d.inv.OpenMinor()
	}
	return d.pay.UnallocatedMinor()
}

func (d side) openF() int64 {
	if d.inv != nil {
		return d.inv.OpenFunctionalMinor()
	}
	return d.pay.FunctionalMinor - d.pay.SettledFunctionalMinor
}

func (d side) currency() string {
	if d.inv != nil {
		return d.inv.Currency
	}
	return d.pay.Currency
}

func (d side) supplier() int64 {
	if d.inv != nil {
		return d.inv.SupplierID
	}
	return d.pay.SupplierID
}

func (d side) date() ledger.Date {
	if d.inv != nil {
		return d.inv.VATDate
	}
	return d.pay.Date
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

// suppliers names the parties of a purchase allocation.
var suppliers = invoicing.Parties{Plural: "suppliers", Mismatch: ledger.ReasonSupplierMismatch}

// side is the document or payment as the settling rules see it.
func (d side) side() invoicing.Side {
	sd := invoicing.Side{Name: d.name(), Currency: d.currency(), Party: d.supplier(), Date: d.date(), OpenMinor: d.open(), OpenFunctional: d.openF()}
	if d.inv != nil {
		sd.Rate = d.inv.ExchangeRate
	} else {
		sd.Payment = true
	}
	return sd
}

// settle adds (or with a negative amount, removes) a settlement on the
// side's row. The WHERE clause re-checks the range under the row lock; the
// CHECK constraints are the backstop.
func settle(tx *sqlstore.Tx, entityID int64, d side, amount, functional, paid int64) error {
	var res *gorm.DB
	if d.inv != nil {
		res = tx.DB().Exec(`UPDATE purchase_invoices SET settled_minor = settled_minor + ?, settled_functional_minor = settled_functional_minor + ?,
			paid_minor = paid_minor + ?, updated_at = ? WHERE entity_id = ? AND id = ? AND status = 'booked'
			AND settled_minor + ? BETWEEN 0 AND total_minor`, amount, functional, paid, tx.Now, entityID, d.inv.ID, amount)
		d.inv.SettledMinor += amount
		d.inv.SettledFunctionalMinor += functional
		d.inv.PaidMinor += paid
	} else {
		res = tx.DB().Exec(`UPDATE supplier_payments SET settled_minor = settled_minor + ?, settled_functional_minor = settled_functional_minor + ?
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

// allocate settles owed with settler for amount, both rows locked by the
// caller, and posts the exchange difference when the functional amounts
// they release differ.
func (s *Store) allocate(tx *sqlstore.Tx, p *ledger.Principal, ent *ledger.Entity, set *purchases.Settings, owed, settler side, amount int64) (*purchases.Allocation, error) {
	ow, se := owed.side(), settler.side()
	if err := invoicing.CheckAllocation(ow, se, amount, suppliers); err != nil {
		return nil, err
	}
	st := invoicing.Settle(ent, ow, se, amount, ledger.Date{})
	a := &purchases.Allocation{EntityID: ent.ID, Date: st.Date, Currency: owed.currency(), AmountMinor: amount,
		OwedFunctionalMinor: st.OwedFunctional, SettleFunctionalMinor: st.SettleFunctional, CreatedAt: tx.Now, CreatedBy: p.ActorID}
	// A purchase document is owed as a credit in payables.
	if d := invoicing.FXEntry(st.Date, ent, set.PayableAccount, set.FXAccount, false,
		a.OwedFunctionalMinor, a.SettleFunctionalMinor, owed.name()+" / "+settler.name()); d != nil {
		e, err := s.l.PostDraft(tx, p, ent, d)
		if err != nil {
			return nil, err
		}
		a.FXEntryID = &e.ID
	}
	paid := st.Paid
	if err := settle(tx, ent.ID, owed, amount, a.OwedFunctionalMinor, paid); err != nil {
		return nil, err
	}
	if err := settle(tx, ent.ID, settler, amount, a.SettleFunctionalMinor, paid); err != nil {
		return nil, err
	}
	if owed.inv != nil {
		a.OwedInvoiceID = &owed.inv.ID
	} else {
		a.OwedPaymentID = &owed.pay.ID
	}
	if settler.inv != nil {
		a.SettleInvoiceID = &settler.inv.ID
	} else {
		a.SettlePaymentID = &settler.pay.ID
	}
	err := tx.DB().Raw(`INSERT INTO purchase_allocations (entity_id, owed_invoice_id, owed_payment_id, settle_invoice_id, settle_payment_id,
		date, currency, amount_minor, owed_functional_minor, settle_functional_minor, fx_entry_id, created_at, created_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		ent.ID, a.OwedInvoiceID, a.OwedPaymentID, a.SettleInvoiceID, a.SettlePaymentID, a.Date, a.Currency, a.AmountMinor,
		a.OwedFunctionalMinor, a.SettleFunctionalMinor, a.FXEntryID, a.CreatedAt, a.CreatedBy).Scan(&a.ID).Error
	if err != nil {
		return nil, err
	}
	return a, tx.Audit(ent.ID, &p.ActorID, "purchase_allocation.created", owed.name()+" / "+settler.name(), map[string]any{"id": a.ID,
		"owed_invoice_id": a.OwedInvoiceID, "owed_payment_id": a.OwedPaymentID, "settle_invoice_id": a.SettleInvoiceID,
		"settle_payment_id": a.SettlePaymentID, "amount_minor": a.AmountMinor, "currency": a.Currency, "fx_entry_id": a.FXEntryID})
}

// maxAllocations bounds one request's allocations.
const maxAllocations = 500

// held is what a unit of work has locked: documents first (by id), then
// payments (by id).
type held struct {
	docs map[int64]*purchases.Invoice
	pays map[int64]*purchases.Payment
}

func (s *Store) lock(tx *sqlstore.Tx, entityID int64, docIDs, payIDs []int64) (*held, error) {
	h := &held{docs: map[int64]*purchases.Invoice{}, pays: map[int64]*purchases.Payment{}}
	docIDs, payIDs = slices.Clone(docIDs), slices.Clone(payIDs)
	slices.Sort(docIDs)
	for _, id := range slices.Compact(docIDs) {
		inv, err := s.load(tx, entityID, id, true)
		if err != nil {
			return nil, err
		}
		h.docs[id] = inv
	}
	slices.Sort(payIDs)
	for _, id := range slices.Compact(payIDs) {
		pay, err := s.loadPayment(tx, entityID, id, true)
		if err != nil {
			return nil, err
		}
		h.pays[id] = pay
	}
	return h, nil
}

// targets checks allocation inputs and locks the documents they name with
// the source's own id (a credit note's or a payment's).
func (s *Store) targets(tx *sqlstore.Tx, entityID int64, in []purchases.AllocationInput, docIDs, payIDs []int64) (*held, error) {
	if len(in) > maxAllocations {
		return nil, invalid("allocations", ledger.ReasonAllocationsTooMany, "at most %d allocations per request, got %d", maxAllocations, len(in))
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
	out := []*purchases.Allocation{}
	exp, _ := money.Exponent(source.currency())
	sourceOwes := source.pay != nil && source.pay.Direction == purchases.DirectionRefund
	for i, a := range in {
		path := fmt.Sprintf("allocations[%d]", i)
		amount, err := money.ParseAmount(a.Amount, exp)
		if ae, ok := err.(*money.AmountError); ok {
			return nil, invalid(path+".amount", ledger.Reason(ae.Reason), "%s", ae.Message)
		}
		target := side{inv: h.docs[*a.PurchaseInvoiceID]}
		if err := allocatable(source, target, sourceOwes, path); err != nil {
			return nil, err
		}
		owed, settler := target, source
		if sourceOwes {
			owed, settler = source, target
		}
		al, err := s.allocate(tx, p, ent, set, owed, settler, amount)
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

func (s *Store) purchaseAllocation(tx *sqlstore.Tx, entityID, id int64) (*purchases.Allocation, error) {
	var a purchases.Allocation
	err := tx.DB().Raw(`SELECT `+purchaseAllocationColumns+` FROM purchase_allocations WHERE entity_id = ? AND id = ?`, entityID, id).Take(&a).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ledger.NotFound("purchase allocation")
	}
	if err != nil {
		return nil, sqlstore.Translate(err)
	}
	a.CreatedAt, a.RemovedAt = a.CreatedAt.UTC(), utc(a.RemovedAt)
	return &a, nil
}

// RemovePurchaseAllocation undoes an allocation: both sides are open again
// and the exchange difference, if one was posted, is reversed.
func (s *Store) RemovePurchaseAllocation(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64) (*purchases.Allocation, error) {
	var out *purchases.Allocation
	err := s.l.Write(ctx, func(tx *sqlstore.Tx) error {
		out = nil
		a, err := s.purchaseAllocation(tx, ent.ID, id)
		if err != nil {
			return err
		}
		h, err := s.lockSides(tx, ent.ID, []*purchases.Allocation{a})
		if err != nil {
			return err
		}
		if a, err = s.purchaseAllocation(tx, ent.ID, id); err != nil { // as it is under the locks
			return err
		}
		out = a
		return s.unallocate(tx, p, ent, a, h)
	})
	return out, err
}

// lockSides locks the documents and payments of allocations (and the
// payments extra), in the one lock order.
func (s *Store) lockSides(tx *sqlstore.Tx, entityID int64, allocs []*purchases.Allocation, extra ...int64) (*held, error) {
	var docIDs []int64
	payIDs := slices.Clone(extra)
	for _, a := range allocs {
		for _, v := range []*int64{a.OwedInvoiceID, a.SettleInvoiceID} {
			if v != nil {
				docIDs = append(docIDs, *v)
			}
		}
		for _, v := range []*int64{a.OwedPaymentID, a.SettlePaymentID} {
			if v != nil {
				payIDs = append(payIDs, *v)
			}
		}
	}
	return s.lock(tx, entityID, docIDs, payIDs)
}

// unallocate removes a standing allocation whose sides are locked.
func (s *Store) unallocate(tx *sqlstore.Tx, p *ledger.Principal, ent *ledger.Entity, a *purchases.Allocation, h *held) error {
	if a.RemovedAt != nil {
		return ledger.Errorf(ledger.CodeConflict, ledger.ReasonAllocationRemoved, "purchase allocation %d is already removed", a.ID)
	}
	at := func(inv, pay *int64) side {
		if inv != nil {
			return side{inv: h.docs[*inv]}
		}
		return side{pay: h.pays[*pay]}
	}
	owed, settler := at(a.OwedInvoiceID, a.OwedPaymentID), at(a.SettleInvoiceID, a.SettlePaymentID)
	var paid int64
	if a.OwedPaymentID != nil || a.SettlePaymentID != nil {
		paid = a.AmountMinor
	}
	if a.FXEntryID != nil {
		posted, err := s.l.In(tx).ReverseEntry(tx.Context(), p, ent, *a.FXEntryID, laterOf(ent.Today(), a.Date), fmt.Sprintf("Removal of purchase allocation %d", a.ID), nil)
		if err != nil {
			return err
		}
		a.RemovalEntryID = &posted.Entry.ID
	}
	if err := settle(tx, ent.ID, owed, -a.AmountMinor, -a.OwedFunctionalMinor, -paid); err != nil {
		return err
	}
	if err := settle(tx, ent.ID, settler, -a.AmountMinor, -a.SettleFunctionalMinor, -paid); err != nil {
		return err
	}
	t := tx.Now
	a.RemovedAt, a.RemovedBy = &t, &p.ActorID
	if err := tx.DB().Exec(`UPDATE purchase_allocations SET removed_at = ?, removed_by = ?, removal_entry_id = ? WHERE entity_id = ? AND id = ? AND removed_at IS NULL`,
		t, p.ActorID, a.RemovalEntryID, ent.ID, a.ID).Error; err != nil {
		return err
	}
	return tx.Audit(ent.ID, &p.ActorID, "purchase_allocation.removed", owed.name()+" / "+settler.name(),
		map[string]any{"id": a.ID, "removal_entry_id": a.RemovalEntryID})
}

func laterOf(a, b ledger.Date) ledger.Date {
	if a.Before(b) {
		return b
	}
	return a
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
		var active []*purchases.Allocation
		for _, a := range pay.Allocations {
			if a.RemovedAt == nil {
				active = append(active, a)
			}
		}
		h, err := s.lockSides(tx, ent.ID, active, id)
		if err != nil {
			return err
		}
		pay = h.pays[id] // read again under its lock
		if pay.RemovedAt != nil {
			return ledger.Errorf(ledger.CodeConflict, ledger.ReasonPaymentRemoved, "supplier payment %d is already removed", id)
		}
		for _, a := range pay.Allocations {
			if a.RemovedAt != nil {
				continue
			}
			// An allocation made between the first read and the locks names
			// a side not locked here; locking it now would break the order.
			for _, v := range []*int64{a.OwedInvoiceID, a.SettleInvoiceID} {
				if v != nil && h.docs[*v] == nil {
					return concurrentChange(id)
				}
			}
			for _, v := range []*int64{a.OwedPaymentID, a.SettlePaymentID} {
				if v != nil && h.pays[*v] == nil {
					return concurrentChange(id)
				}
			}
			if err := s.unallocate(tx, p, ent, a, h); err != nil {
				return err
			}
		}
		what := "supplier payment"
		if pay.Direction == purchases.DirectionRefund {
			what = "supplier refund"
		}
		posted, err := s.l.In(tx).ReverseEntry(tx.Context(), p, ent, pay.EntryID, laterOf(ent.Today(), pay.Date), fmt.Sprintf("Removal of %s %d", what, id), nil)
		if err != nil {
			return err
		}
		t := tx.Now
		if err := tx.DB().Exec(`UPDATE supplier_payments SET removed_at = ?, removed_by = ?, removal_entry_id = ? WHERE entity_id = ? AND id = ?`,
			t, p.ActorID, posted.Entry.ID, ent.ID, id).Error; err != nil {
			return err
		}
		if err := tx.Audit(ent.ID, &p.ActorID, "supplier_payment.removed", pay.SupplierName, map[string]any{"id": id, "removal_entry_id": posted.Entry.ID}); err != nil {
			return err
		}
		out, err = s.loadPayment(tx, ent.ID, id, false)
		return err
	})
	return out, err
}

func concurrentChange(id int64) error {
	return &ledger.Error{Code: ledger.CodeUnavailable, Reason: ledger.ReasonConcurrentChange,
		Message: fmt.Sprintf("supplier payment %d was allocated while it was being removed; retry", id)}
}
