package purchstore

import (
	"fmt"

	"backoffice/invoicing/purchases"
	"backoffice/ledger"
	"backoffice/ledger/bank"
	"backoffice/ledger/money"
	"backoffice/ledger/sqlstore"
)

// Payables lets bank reconciliation apply money out to purchase documents
// (bankstore.Payables) without the ledger importing invoicing. Its methods
// run in the bank's unit of work.
type Payables struct{ s *Store }

// Payables returns the store's side of outgoing cash application.
func (s *Store) Payables() Payables { return Payables{s} }

// OpenPayables lists the booked purchase invoices and credit notes of
// active suppliers in a currency with an amount open.
func (r Payables) OpenPayables(tx *sqlstore.Tx, ent *ledger.Entity, currency string) ([]bank.OpenPayable, error) {
	var out []bank.OpenPayable
	err := tx.DB().Raw(`SELECT p.id, p.number, p.kind, p.supplier_id, s.name AS supplier_name, s.iban AS supplier_iban, p.currency,
		p.total_minor - p.settled_minor AS open_minor
		FROM purchase_invoices p JOIN suppliers s ON s.entity_id = p.entity_id AND s.id = p.supplier_id
		WHERE p.entity_id = ? AND p.status = 'booked' AND p.currency = ? AND p.settled_minor < p.total_minor AND s.archived_at IS NULL
		ORDER BY p.supplier_id, p.id`, ent.ID, currency).Scan(&out).Error
	if err != nil {
		return nil, sqlstore.Translate(err)
	}
	return out, nil
}

// ExportedBatches lists the bank account's exported payment batches with
// their items (a credit note's amount negative).
func (r Payables) ExportedBatches(tx *sqlstore.Tx, ent *ledger.Entity, bankAccountID int64) ([]bank.PayableBatch, error) {
	var rows []struct {
		ID         int64
		MessageID  string
		TotalMinor int64
	}
	if err := tx.DB().Raw(`SELECT id, message_id, total_minor FROM payment_batches WHERE entity_id = ? AND bank_account_id = ? AND status = 'exported'
		ORDER BY id`, ent.ID, bankAccountID).Scan(&rows).Error; err != nil {
		return nil, sqlstore.Translate(err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	batches := make([]bank.PayableBatch, len(rows))
	for i, r := range rows {
		batches[i] = bank.PayableBatch{ID: r.ID, MessageID: r.MessageID, TotalMinor: r.TotalMinor}
	}
	ids := make([]int64, len(batches))
	at := map[int64]*bank.PayableBatch{}
	for i := range batches {
		ids[i], at[batches[i].ID] = batches[i].ID, &batches[i]
	}
	var items []struct {
		BatchID           int64
		TransferNo        int
		PurchaseInvoiceID int64
		Number            *string
		SupplierID        int64
		SupplierName      string
		AmountMinor       int64
	}
	if err := tx.DB().Raw(`SELECT i.batch_id, i.transfer_no, i.purchase_invoice_id, p.number, i.supplier_id, s.name AS supplier_name, i.amount_minor
		FROM payment_batch_items i JOIN purchase_invoices p ON p.entity_id = i.entity_id AND p.id = i.purchase_invoice_id
		JOIN suppliers s ON s.entity_id = i.entity_id AND s.id = i.supplier_id
		WHERE i.entity_id = ? AND i.batch_id IN ? ORDER BY i.batch_id, i.transfer_no, i.purchase_invoice_id`, ent.ID, ids).Scan(&items).Error; err != nil {
		return nil, sqlstore.Translate(err)
	}
	for _, it := range items {
		n := ""
		if it.Number != nil {
			n = *it.Number
		}
		b := at[it.BatchID]
		b.Items = append(b.Items, bank.PayableItem{TransferNo: it.TransferNo, PurchaseInvoiceID: it.PurchaseInvoiceID, Number: n, SupplierID: it.SupplierID,
			SupplierName: it.SupplierName, AmountMinor: it.AmountMinor})
	}
	return batches, nil
}

// RecordDisbursement records one supplier payment per supplier of the
// items (in the order the suppliers first appear), through the same path
// as POST /supplier-payments: each supplier's credit notes are first
// applied to its invoices, then the payment is allocated to what remains.
func (r Payables) RecordDisbursement(tx *sqlstore.Tx, p *ledger.Principal, ent *ledger.Entity, d *bank.Disbursement) ([]int64, []int64, error) {
	s := r.s
	exp, _ := money.Exponent(d.Currency)
	var order []int64
	bySupplier := map[int64][]bank.PayableItem{}
	var docIDs []int64
	for _, it := range d.Items {
		if _, ok := bySupplier[it.SupplierID]; !ok {
			order = append(order, it.SupplierID)
		}
		bySupplier[it.SupplierID] = append(bySupplier[it.SupplierID], it)
		docIDs = append(docIDs, it.PurchaseInvoiceID)
	}
	set, err := s.settings(tx, ent.ID)
	if err != nil {
		return nil, nil, err
	}
	h, err := s.lock(tx, ent.ID, docIDs, nil) // every document first, in id order
	if err != nil {
		return nil, nil, err
	}
	var paymentIDs, entryIDs []int64
	for _, sup := range order {
		items := bySupplier[sup]
		type rest struct {
			id     int64
			amount int64
		}
		var invoices []*rest
		var credits []bank.PayableItem
		for _, it := range items {
			if it.AmountMinor > 0 {
				invoices = append(invoices, &rest{it.PurchaseInvoiceID, it.AmountMinor})
			} else {
				credits = append(credits, it)
			}
		}
		for _, cn := range credits {
			left := -cn.AmountMinor
			for _, inv := range invoices {
				x := min(left, inv.amount)
				if x <= 0 {
					continue
				}
				if err := allocatable(side{inv: h.docs[cn.PurchaseInvoiceID]}, side{inv: h.docs[inv.id]}, false, "allocations"); err != nil {
					return nil, nil, err
				}
				if _, err := s.allocate(tx, p, ent, set, side{inv: h.docs[inv.id]}, side{inv: h.docs[cn.PurchaseInvoiceID]}, x); err != nil {
					return nil, nil, err
				}
				inv.amount -= x
				left -= x
			}
			if left > 0 {
				return nil, nil, ledger.Errorf(ledger.CodeInvalid, ledger.ReasonAllocationExceedsOpen,
					"the credit notes of supplier %d exceed its invoices in the payment by %s", sup, money.Format(left, exp))
			}
		}
		var total int64
		in := &purchases.PaymentInput{SupplierID: &sup}
		for _, inv := range invoices {
			if inv.amount > 0 {
				total += inv.amount
				id := inv.id
				in.Allocations = append(in.Allocations, purchases.AllocationInput{PurchaseInvoiceID: &id, Amount: money.Format(inv.amount, exp)})
			}
		}
		if total <= 0 {
			continue // credit notes that settle the invoices: no money moved for this supplier
		}
		date, amount, dir := d.Date.String(), money.Format(total, exp), purchases.DirectionPaid
		in.Direction, in.Date, in.Amount, in.Currency, in.BankAccount, in.Reference = &dir, &date, &amount, &d.Currency, &d.BankAccount, &d.Reference
		if d.ExchangeRate != "" {
			in.ExchangeRate = &d.ExchangeRate
		}
		pay, err := s.recordPayment(tx, p, ent, in)
		if err != nil {
			return nil, nil, sqlstore.Translate(err)
		}
		paymentIDs = append(paymentIDs, pay.ID)
		entryIDs = append(entryIDs, pay.EntryID)
	}
	if len(paymentIDs) == 0 {
		return nil, nil, ledger.Internal(fmt.Errorf("a disbursement of %d items records no payment", len(d.Items)))
	}
	return paymentIDs, entryIDs, nil
}
