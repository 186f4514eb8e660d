// Package settlement keeps allocations in the database for both halves of
// the books: customer payments and credit notes settling invoices
// (invstore), supplier payments and credit notes settling purchase
// invoices (purchstore). The rules of an allocation are invoicing's
// (CheckAllocation, Settle, FXEntry); this package is the one place that
// reads and writes their rows, so the two stores cannot drift apart in
// how they lock, settle, post an exchange difference or undo one. Each
// store describes its tables in a Book and turns its own documents and
// payments into Sides; what a source may be allocated to stays with the
// store, since that is where the halves really differ.
package settlement

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"backoffice/invoicing"
	"backoffice/ledger"
	"backoffice/ledger/money"
	"backoffice/ledger/sqlstore"
)

// Book describes one half of the books: its tables and columns, and the
// words its messages use.
type Book struct {
	Documents   string // the documents' table: "invoices", "purchase_invoices"
	Settleable  string // the status of a document that can be settled: "issued", "booked"
	Payments    string // the payments' table: "payments", "supplier_payments"
	Allocations string // the allocations' table: "allocations", "purchase_allocations"
	// OwedPrefix and SettlePrefix begin the columns of an allocation's two sides:
	// "debit" and "credit" in receivables, "owed" and "settle" in payables.
	OwedPrefix, SettlePrefix string
	Allocation               string // an allocation in messages: "allocation", "purchase allocation"
	Payment                  string // a payment in messages: "payment", "supplier payment"
	Parties                  invoicing.Parties
	// OwedDebit: the owed document is a debit on the control account (a
	// customer's invoice in receivables), not a credit (a supplier's in
	// payables).
	OwedDebit bool
}

// Accounts are the entity's accounts an allocation posts to: the control
// account (receivables or payables) and the exchange differences account.
type Accounts struct{ Control, FX string }

// Side is a document or payment being settled: what the rules see of it,
// and the store's own counters, which Settle keeps in step with the row so
// that the next allocation of the same request sees what is left.
type Side struct {
	invoicing.Side
	ID                int64
	settled, settledF *int64
	paid              *int64 // a document's; nil for a payment
}

// Document is a document (invoice or credit note) as a Side; settled,
// settledF and paid are its SettledMinor, SettledFunctionalMinor and
// PaidMinor.
func Document(id int64, rules invoicing.Side, settled, settledF, paid *int64) Side {
	rules.Payment = false
	return Side{Side: rules, ID: id, settled: settled, settledF: settledF, paid: paid}
}

// Payment is a payment as a Side; settled and settledF are its
// SettledMinor and SettledFunctionalMinor.
func Payment(id int64, rules invoicing.Side, settled, settledF *int64) Side {
	rules.Payment = true
	return Side{Side: rules, ID: id, settled: settled, settledF: settledF}
}

// Allocation is an allocation row in neutral words: what is owed (an
// invoice, or a refund paid out) and what settles it (a payment, or a
// credit note). purchases.Allocation has the same fields; the sales store
// names them debit and credit.
type Allocation struct {
	ID                    int64
	EntityID              int64
	OwedInvoiceID         *int64
	OwedPaymentID         *int64
	SettleInvoiceID       *int64
	SettlePaymentID       *int64
	Date                  ledger.Date
	Currency              string
	AmountMinor           int64
	OwedFunctionalMinor   int64
	SettleFunctionalMinor int64
	FXEntryID             *int64
	CreatedAt             time.Time
	CreatedBy             int64
	RemovedAt             *time.Time
	RemovedBy             *int64
	RemovalEntryID        *int64
}

// Paid is what of the allocation was money (a payment on either side)
// rather than a credit note applied.
func (a *Allocation) Paid() int64 {
	if a.OwedPaymentID != nil || a.SettlePaymentID != nil {
		return a.AmountMinor
	}
	return 0
}

// selectAllocations reads a book's allocations under the neutral names.
func (b *Book) selectAllocations() string {
	return fmt.Sprintf(`SELECT id, entity_id, %[1]s_invoice_id AS owed_invoice_id, %[1]s_payment_id AS owed_payment_id,
	%[2]s_invoice_id AS settle_invoice_id, %[2]s_payment_id AS settle_payment_id, date, currency, amount_minor,
	%[1]s_functional_minor AS owed_functional_minor, %[2]s_functional_minor AS settle_functional_minor, fx_entry_id,
	created_at, created_by, removed_at, removed_by, removal_entry_id FROM %[3]s`, b.OwedPrefix, b.SettlePrefix, b.Allocations)
}

func (b *Book) scan(tx *sqlstore.Tx, where string, args ...any) ([]*Allocation, error) {
	out := []*Allocation{}
	if err := tx.DB().Raw(b.selectAllocations()+` WHERE `+where+` ORDER BY id`, args...).Scan(&out).Error; err != nil {
		return nil, sqlstore.Translate(err)
	}
	for _, a := range out {
		a.CreatedAt = a.CreatedAt.UTC()
		if a.RemovedAt != nil {
			t := a.RemovedAt.UTC()
			a.RemovedAt = &t
		}
	}
	return out, nil
}

// OfDocument lists the allocations of a document, oldest first, removed
// ones included.
func (b *Book) OfDocument(tx *sqlstore.Tx, entityID, id int64) ([]*Allocation, error) {
	return b.scan(tx, fmt.Sprintf(`entity_id = ? AND (%s_invoice_id = ? OR %s_invoice_id = ?)`, b.OwedPrefix, b.SettlePrefix), entityID, id, id)
}

// OfPayments lists the allocations of payments (one query for a page of
// them), oldest first, removed ones included.
func (b *Book) OfPayments(tx *sqlstore.Tx, entityID int64, ids ...int64) ([]*Allocation, error) {
	return b.scan(tx, fmt.Sprintf(`entity_id = ? AND (%s_payment_id IN ? OR %s_payment_id IN ?)`, b.OwedPrefix, b.SettlePrefix), entityID, ids, ids)
}

// Get reads one allocation.
func (b *Book) Get(tx *sqlstore.Tx, entityID, id int64) (*Allocation, error) {
	out, err := b.scan(tx, `entity_id = ? AND id = ?`, entityID, id)
	if err == nil && len(out) == 0 {
		err = ledger.NotFound(b.Allocation)
	}
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// Settle adds (or with a negative amount, removes) a settlement on the
// side's row. The WHERE clause re-checks the range under the row lock, so
// that no race settles a document or payment beyond its total; the CHECK
// constraints are the backstop.
func (b *Book) Settle(tx *sqlstore.Tx, entityID int64, d Side, amount, functional, paid int64) error {
	var res *gorm.DB
	if !d.Payment {
		res = tx.DB().Exec(`UPDATE `+b.Documents+` SET settled_minor = settled_minor + ?, settled_functional_minor = settled_functional_minor + ?,
			paid_minor = paid_minor + ?, updated_at = ? WHERE entity_id = ? AND id = ? AND status = ?
			AND settled_minor + ? BETWEEN 0 AND total_minor`, amount, functional, paid, tx.Now, entityID, d.ID, b.Settleable, amount)
		*d.paid += paid
	} else {
		res = tx.DB().Exec(`UPDATE `+b.Payments+` SET settled_minor = settled_minor + ?, settled_functional_minor = settled_functional_minor + ?
			WHERE entity_id = ? AND id = ? AND removed_at IS NULL AND settled_minor + ? BETWEEN 0 AND amount_minor`,
			amount, functional, entityID, d.ID, amount)
	}
	*d.settled += amount
	*d.settledF += functional
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return ledger.Errorf(ledger.CodeConflict, ledger.ReasonAllocationExceedsOpen, "%s changed meanwhile and cannot take this allocation; retry", d.Name)
	}
	return nil
}

// Allocate settles owed with settler for amount, both rows locked by the
// caller, and posts the exchange difference (with l) when the carrying
// amounts they release differ. A zero date dates it when both exist (see
// invoicing.Settle).
func (b *Book) Allocate(tx *sqlstore.Tx, l *sqlstore.Store, p *ledger.Principal, ent *ledger.Entity, acc Accounts,
	owed, settler Side, amount int64, date ledger.Date) (*Allocation, error) {
	if err := invoicing.CheckAllocation(owed.Side, settler.Side, amount, b.Parties); err != nil {
		return nil, err
	}
	st := invoicing.Settle(ent, owed.Side, settler.Side, amount, date)
	a := &Allocation{EntityID: ent.ID, Date: st.Date, Currency: owed.Currency, AmountMinor: amount,
		OwedFunctionalMinor: st.OwedFunctional, SettleFunctionalMinor: st.SettleFunctional, CreatedAt: tx.Now, CreatedBy: p.ActorID}
	if d := invoicing.FXEntry(st.Date, ent, acc.Control, acc.FX, b.OwedDebit,
		a.OwedFunctionalMinor, a.SettleFunctionalMinor, owed.Name+" / "+settler.Name); d != nil {
		e, err := l.PostDraft(tx, p, ent, d)
		if err != nil {
			return nil, err
		}
		a.FXEntryID = &e.ID
	}
	if err := b.Settle(tx, ent.ID, owed, amount, a.OwedFunctionalMinor, st.Paid); err != nil {
		return nil, err
	}
	if err := b.Settle(tx, ent.ID, settler, amount, a.SettleFunctionalMinor, st.Paid); err != nil {
		return nil, err
	}
	a.OwedInvoiceID, a.OwedPaymentID = owed.ids()
	a.SettleInvoiceID, a.SettlePaymentID = settler.ids()
	err := tx.DB().Raw(fmt.Sprintf(`INSERT INTO %[3]s (entity_id, %[1]s_invoice_id, %[1]s_payment_id, %[2]s_invoice_id, %[2]s_payment_id,
		date, currency, amount_minor, %[1]s_functional_minor, %[2]s_functional_minor, fx_entry_id, created_at, created_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, b.OwedPrefix, b.SettlePrefix, b.Allocations),
		ent.ID, a.OwedInvoiceID, a.OwedPaymentID, a.SettleInvoiceID, a.SettlePaymentID, a.Date, a.Currency, a.AmountMinor,
		a.OwedFunctionalMinor, a.SettleFunctionalMinor, a.FXEntryID, a.CreatedAt, a.CreatedBy).Scan(&a.ID).Error
	if err != nil {
		return nil, err
	}
	return a, nil
}

// ids are the side's id as an allocation's (document, payment) columns.
func (d Side) ids() (doc, pay *int64) {
	id := d.ID
	if !d.Payment {
		return &id, nil
	}
	return nil, &id
}

// Held is what a unit of work has locked, as the store keeps it.
type Held interface {
	// Side is the locked document (invoiceID) or payment (paymentID) an
	// allocation names, exactly one of them set; false when this unit of
	// work has not locked it.
	Side(invoiceID, paymentID *int64) (Side, bool)
}

// Sides are the sides an allocation joins, from what h holds.
func Sides(h Held, a *Allocation) (owed, settler Side) {
	owed, _ = h.Side(a.OwedInvoiceID, a.OwedPaymentID)
	settler, _ = h.Side(a.SettleInvoiceID, a.SettlePaymentID)
	return owed, settler
}

// Unallocate removes a standing allocation whose sides h holds locked: the
// exchange difference, if one was posted, is reversed and both sides are
// open again.
func (b *Book) Unallocate(tx *sqlstore.Tx, l *sqlstore.Store, p *ledger.Principal, ent *ledger.Entity, a *Allocation, h Held) error {
	if a.RemovedAt != nil {
		return ledger.Errorf(ledger.CodeConflict, ledger.ReasonAllocationRemoved, "%s %d is already removed", b.Allocation, a.ID)
	}
	owed, settler := Sides(h, a)
	paid := a.Paid()
	if a.FXEntryID != nil {
		posted, err := l.In(tx).ReverseEntry(tx.Context(), p, ent, *a.FXEntryID, Later(ent.Today(), a.Date), fmt.Sprintf("Removal of %s %d", b.Allocation, a.ID), nil)
		if err != nil {
			return err
		}
		a.RemovalEntryID = &posted.Entry.ID
	}
	if err := b.Settle(tx, ent.ID, owed, -a.AmountMinor, -a.OwedFunctionalMinor, -paid); err != nil {
		return err
	}
	if err := b.Settle(tx, ent.ID, settler, -a.AmountMinor, -a.SettleFunctionalMinor, -paid); err != nil {
		return err
	}
	t := tx.Now
	a.RemovedAt, a.RemovedBy = &t, &p.ActorID
	return tx.DB().Exec(`UPDATE `+b.Allocations+` SET removed_at = ?, removed_by = ?, removal_entry_id = ? WHERE entity_id = ? AND id = ? AND removed_at IS NULL`,
		t, p.ActorID, a.RemovalEntryID, ent.ID, a.ID).Error
}

// Lock locks the documents (with lockDoc) and then the payments (with
// lockPayment), each once and in id order: the one lock order of every
// unit of work that settles, so that two of them never wait for each
// other. It returns them by id.
func Lock[D, P any](docIDs, payIDs []int64, lockDoc func(id int64) (D, error), lockPayment func(id int64) (P, error)) (map[int64]D, map[int64]P, error) {
	docs, err := lockInOrder(docIDs, lockDoc)
	if err != nil {
		return nil, nil, err
	}
	pays, err := lockInOrder(payIDs, lockPayment)
	if err != nil {
		return nil, nil, err
	}
	return docs, pays, nil
}

func lockInOrder[T any](ids []int64, lock func(int64) (T, error)) (map[int64]T, error) {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	out := make(map[int64]T, len(ids))
	for _, id := range slices.Compact(ids) {
		v, err := lock(id)
		if err != nil {
			return nil, err
		}
		out[id] = v
	}
	return out, nil
}

// IDs are the documents and payments allocations join, for Lock.
func IDs(allocs []*Allocation) (docIDs, payIDs []int64) {
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
	return docIDs, payIDs
}

// MaxAllocations bounds one request's allocations.
const MaxAllocations = 500

// TooMany refuses a request of n allocations when that is more than
// MaxAllocations.
func TooMany(n int) error {
	if n <= MaxAllocations {
		return nil
	}
	var p ledger.Problems
	p.Add("allocations", ledger.ReasonAllocationsTooMany, "at most %d allocations per request, got %d", MaxAllocations, n)
	return p.Err()
}

// Each makes a request's n allocations in order: allocate gets the
// input's path (allocations[i]) and its amount, parsed in currency. An
// error of the rules that names no field is put on the amount, where the
// request went wrong.
func Each[A any](currency string, n int, amount func(i int) string, allocate func(i int, path string, amount int64) (A, error)) ([]A, error) {
	exp, _ := money.Exponent(currency)
	out := []A{}
	for i := range n {
		path := fmt.Sprintf("allocations[%d]", i)
		minor, err := money.ParseAmount(amount(i), exp)
		var ae *money.AmountError
		if errors.As(err, &ae) {
			var p ledger.Problems
			p.Add(path+".amount", ledger.Reason(ae.Reason), "%s", ae.Message)
			return nil, p.Err()
		}
		a, err := allocate(i, path, minor)
		if err != nil {
			if le, ok := err.(*ledger.Error); ok && len(le.Fields) == 0 && le.Code == ledger.CodeInvalid {
				le.Fields = []ledger.FieldError{{Path: path + ".amount", Reason: le.Reason, Message: le.Message}}
			}
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// Remove removes allocation id: it reads it, locks its sides (lockSides),
// reads it again as it is under the locks and undoes it (unallocate).
func Remove[H any](tx *sqlstore.Tx, b *Book, entityID, id int64, lockSides func([]*Allocation) (H, error), unallocate func(*Allocation, H) error) (*Allocation, error) {
	a, err := b.Get(tx, entityID, id)
	if err != nil {
		return nil, err
	}
	h, err := lockSides([]*Allocation{a})
	if err != nil {
		return nil, err
	}
	if a, err = b.Get(tx, entityID, id); err != nil {
		return nil, err
	}
	return a, unallocate(a, h)
}

// RemovePayment removes the standing allocations of a payment (pay, read
// under its lock with allocs, their sides held by h), posts the reversal
// of its entry and marks it removed; it stays on record. unallocate is the
// store's Unallocate (with its own checks and audit). It returns the
// reversal's entry id.
func (b *Book) RemovePayment(tx *sqlstore.Tx, l *sqlstore.Store, p *ledger.Principal, ent *ledger.Entity, pay Side, removed bool, entryID int64,
	allocs []*Allocation, h Held, unallocate func(*Allocation) error) (int64, error) {
	if removed {
		return 0, ledger.Errorf(ledger.CodeConflict, ledger.ReasonPaymentRemoved, "%s %d is already removed", b.Payment, pay.ID)
	}
	for _, a := range allocs {
		if a.RemovedAt != nil {
			continue
		}
		// An allocation made between the first read and the locks names
		// a side not locked here; locking it now would break the lock
		// order.
		_, owedHeld := h.Side(a.OwedInvoiceID, a.OwedPaymentID)
		_, settlerHeld := h.Side(a.SettleInvoiceID, a.SettlePaymentID)
		if !owedHeld || !settlerHeld {
			return 0, &ledger.Error{Code: ledger.CodeUnavailable, Reason: ledger.ReasonConcurrentChange,
				Message: fmt.Sprintf("%s %d was allocated while it was being removed; retry", b.Payment, pay.ID)}
		}
		if err := unallocate(a); err != nil {
			return 0, err
		}
	}
	posted, err := l.In(tx).ReverseEntry(tx.Context(), p, ent, entryID, Later(ent.Today(), pay.Date), "Removal of "+pay.Name, nil)
	if err != nil {
		return 0, err
	}
	err = tx.DB().Exec(`UPDATE `+b.Payments+` SET removed_at = ?, removed_by = ?, removal_entry_id = ? WHERE entity_id = ? AND id = ?`,
		tx.Now, p.ActorID, posted.Entry.ID, ent.ID, pay.ID).Error
	return posted.Entry.ID, err
}

// Later is the later of two dates.
func Later(a, b ledger.Date) ledger.Date {
	if a.Before(b) {
		return b
	}
	return a
}
