package bankstore

import (
	"fmt"
	"slices"

	"backoffice/ledger"
	"backoffice/ledger/bank"
	"backoffice/ledger/money"
	"backoffice/ledger/sqlstore"
)

// Payables is what outgoing cash application needs of purchases: the open
// purchase documents and exported payment batches to propose from, and
// the recording of supplier payments. The ledger does not import
// invoicing; purchases implements this (purchstore), and the service wires
// it in (WithPayables). All methods run in the bank's unit of work tx, so
// that a supplier payment commits with its match or not at all.
type Payables interface {
	// OpenPayables lists the booked purchase invoices and supplier credit
	// notes of active suppliers in a currency with an amount open.
	OpenPayables(tx *sqlstore.Tx, ent *ledger.Entity, currency string) ([]bank.OpenPayable, error)
	// ExportedBatches lists the bank account's exported payment batches
	// (bank_accounts.id) with their items.
	ExportedBatches(tx *sqlstore.Tx, ent *ledger.Entity, bankAccountID int64) ([]bank.PayableBatch, error)
	// RecordDisbursement records one supplier payment per supplier of the
	// items on the bank account and allocates it, and returns the payments
	// and their entries.
	RecordDisbursement(tx *sqlstore.Tx, p *ledger.Principal, ent *ledger.Entity, d *bank.Disbursement) (paymentIDs, entryIDs []int64, err error)
}

// WithPayables returns the store applying money out to purchase documents
// through pay.
func (s *Store) WithPayables(pay Payables) *Store {
	s.pay = pay
	return s
}

// proposeOutgoing proposes supplier payments for unreconciled lines of
// money out. A line is proposed when, for the active supplier whose IBAN
// is the line's counterparty IBAN, its amount is (a) the open amount of
// one purchase invoice, (b) the sum of all the supplier's open purchase
// invoices less its open credit notes, or (c) the total of the items of
// one exported payment batch to the supplier; or when (batch booking) it
// is the total of an exported batch whose items are all still open. Two
// lines that claim the same document propose neither: which one paid it
// is a person's decision.
func (s *Store) proposeOutgoing(tx *sqlstore.Tx, ent *ledger.Entity, a *bank.Account, ls []*bank.StatementLine) ([]*bank.Proposal, error) {
	var out []*bank.Proposal
	if s.pay == nil {
		return out, nil
	}
	var outgoing []*bank.StatementLine
	for _, l := range ls {
		if l.AmountMinor < 0 {
			outgoing = append(outgoing, l)
		}
	}
	if len(outgoing) == 0 {
		return out, nil
	}
	open, err := s.pay.OpenPayables(tx, ent, a.Currency)
	if err != nil {
		return nil, err
	}
	batches, err := s.pay.ExportedBatches(tx, ent, a.ID)
	if err != nil {
		return nil, err
	}
	docs := map[int64]bank.OpenPayable{}
	bySupplier := map[int64][]bank.OpenPayable{}
	byIBAN := map[string][]int64{}
	for _, o := range open {
		docs[o.ID] = o
		if _, ok := bySupplier[o.SupplierID]; !ok && o.SupplierIBAN != "" {
			byIBAN[o.SupplierIBAN] = append(byIBAN[o.SupplierIBAN], o.SupplierID)
		}
		bySupplier[o.SupplierID] = append(bySupplier[o.SupplierID], o)
	}
	// A batch's items are still to pay when each document is open by at
	// least the item's amount.
	stillOpen := func(items []bank.PayableItem) bool {
		for _, it := range items {
			d, ok := docs[it.PurchaseInvoiceID]
			if !ok || d.OpenMinor < abs(it.AmountMinor) {
				return false
			}
		}
		return len(items) > 0
	}
	item := func(d bank.OpenPayable) bank.Allocation {
		v := d.OpenMinor
		if d.Kind == "credit_note" {
			v = -v
		}
		return bank.Allocation{InvoiceID: d.ID, Number: d.Number, AmountMinor: v}
	}
	claims := map[int64]int{}
	for _, l := range outgoing {
		amt := -l.AmountMinor
		var found *bank.Proposal
		for _, sup := range byIBAN[l.CounterIBAN] {
			if found != nil || l.CounterIBAN == "" {
				break
			}
			list := bySupplier[sup]
			name := list[0].SupplierName
			pr := &bank.Proposal{Line: l, Kind: bank.ProposalSupplierPayment, SupplierID: sup, SupplierName: name}
			// (a) one open purchase invoice.
			var one []bank.OpenPayable
			for _, d := range list {
				if d.Kind == "invoice" && d.OpenMinor == amt {
					one = append(one, d)
				}
			}
			if len(one) == 1 {
				pr.Allocations = []bank.Allocation{item(one[0])}
				found = pr
				break
			}
			// (b) everything open, less the credit notes.
			var total int64
			invoices := 0
			for _, d := range list {
				total += item(d).AmountMinor
				if d.Kind == "invoice" {
					invoices++
				}
			}
			if invoices > 0 && total == amt {
				for _, d := range list {
					pr.Allocations = append(pr.Allocations, item(d))
				}
				found = pr
				break
			}
			// (c) the supplier's transfers of one exported batch: all of
			// them (a bank that books the supplier's transfers as one), or
			// one transfer (the supplier's own, or one paying a payment
			// reference, which has a transfer of its own).
			for _, b := range batches {
				var all []bank.PayableItem
				var sum int64
				byTransfer := map[int][]bank.PayableItem{}
				var transfers []int
				for _, it := range b.Items {
					if it.SupplierID == sup {
						all = append(all, it)
						sum += it.AmountMinor
						if _, ok := byTransfer[it.TransferNo]; !ok {
							transfers = append(transfers, it.TransferNo)
						}
						byTransfer[it.TransferNo] = append(byTransfer[it.TransferNo], it)
					}
				}
				var its []bank.PayableItem
				if sum == amt && stillOpen(all) {
					its = all
				}
				for _, n := range transfers {
					if its != nil {
						break
					}
					var tsum int64
					for _, it := range byTransfer[n] {
						tsum += it.AmountMinor
					}
					if tsum == amt && stillOpen(byTransfer[n]) {
						its = byTransfer[n]
					}
				}
				if its != nil {
					pr.BatchID = b.ID
					for _, it := range its {
						pr.Allocations = append(pr.Allocations, bank.Allocation{InvoiceID: it.PurchaseInvoiceID, Number: it.Number, AmountMinor: it.AmountMinor})
					}
					found = pr
					break
				}
			}
		}
		if found == nil {
			// A batch booked as one line: its total, all suppliers.
			for _, b := range batches {
				if b.TotalMinor == amt && stillOpen(b.Items) {
					pr := &bank.Proposal{Line: l, Kind: bank.ProposalSupplierPayment, BatchID: b.ID}
					suppliers := map[int64]bool{}
					for _, it := range b.Items {
						suppliers[it.SupplierID] = true
						pr.Allocations = append(pr.Allocations, bank.Allocation{InvoiceID: it.PurchaseInvoiceID, Number: it.Number, AmountMinor: it.AmountMinor})
					}
					if len(suppliers) == 1 {
						pr.SupplierID, pr.SupplierName = b.Items[0].SupplierID, b.Items[0].SupplierName
					}
					found = pr
					break
				}
			}
		}
		if found == nil {
			continue
		}
		for _, al := range found.Allocations {
			claims[al.InvoiceID]++
		}
		out = append(out, found)
	}
	out = slices.DeleteFunc(out, func(p *bank.Proposal) bool {
		return slices.ContainsFunc(p.Allocations, func(a bank.Allocation) bool { return claims[a.InvoiceID] > 1 })
	})
	return out, nil
}

// applyDisbursement records a line of money out as the supplier payments
// its proposal makes, allocates them and reconciles the line with their
// entries, in the unit of work tx (the bank account and line locked).
func (s *Store) applyDisbursement(tx *sqlstore.Tx, p *ledger.Principal, ent *ledger.Entity, a *bank.Account, l *bank.StatementLine, in *bank.CashInput) (*bank.Match, error) {
	exp := exponent(a.Currency)
	if len(in.Allocations) > 0 || in.CustomerID != nil {
		return nil, invalid("allocations", ledger.ReasonAllocationTargetInvalid,
			"statement line %d is money out: it is applied as its proposal shows; record the supplier payment by hand (POST .../supplier-payments) and match it otherwise", l.ID)
	}
	if err := s.postable(tx, ent, a); err != nil {
		return nil, err
	}
	ls, err := s.openLines(tx, ent.ID, a.ID, ` AND l.amount_minor < 0 ORDER BY l.id`)
	if err != nil {
		return nil, err
	}
	props, err := s.proposeOutgoing(tx, ent, a, ls)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(props, func(p *bank.Proposal) bool { return p.Line.ID == l.ID })
	if i < 0 {
		return nil, invalid("allocations", ledger.ReasonNoProposal,
			"statement line %d (%s) pays no open purchase invoices of the supplier with its counterparty IBAN, nor an exported payment batch; record the supplier payment by hand",
			l.ID, money.Format(l.AmountMinor, exp))
	}
	pr := props[i]
	d := &bank.Disbursement{Date: l.BookingDate, Currency: a.Currency, BankAccount: a.AccountCode, Reference: paymentReference(l)}
	if in.ExchangeRate != nil {
		d.ExchangeRate = *in.ExchangeRate
	}
	for _, al := range pr.Allocations {
		sup := pr.SupplierID
		d.Items = append(d.Items, bank.PayableItem{PurchaseInvoiceID: al.InvoiceID, Number: al.Number, SupplierID: sup, AmountMinor: al.AmountMinor})
	}
	if pr.SupplierID == 0 { // a batch to several suppliers: the items say whose
		batches, err := s.pay.ExportedBatches(tx, ent, a.ID)
		if err != nil {
			return nil, err
		}
		for _, b := range batches {
			if b.ID == pr.BatchID {
				d.Items = slices.Clone(b.Items)
			}
		}
	}
	paymentIDs, entryIDs, err := s.pay.RecordDisbursement(tx, p, ent, d)
	if err != nil {
		return nil, err
	}
	bl, err := s.ledgerLines(tx, a, ent, ` AND jl.entry_id IN ?`, entryIDs)
	if err != nil {
		return nil, err
	}
	var sum int64
	keys := make([]bank.LineRef, len(bl))
	for i, x := range bl {
		keys[i] = bank.LineRef{EntryID: x.EntryID, LineNo: x.LineNo}
		sum += x.AmountMinor
	}
	if len(bl) != len(entryIDs) || sum != l.AmountMinor {
		return nil, ledger.Internal(fmt.Errorf("supplier payment entries %v have %d lines on account %s adding up to %d, not %d", entryIDs, len(bl), a.AccountCode, sum, l.AmountMinor))
	}
	id, err := s.insertMatch(tx, p, ent, a, bank.RuleCashApplication, nil, []int64{l.ID}, keys)
	if err != nil {
		return nil, err
	}
	m, err := s.oneMatch(tx, ent, a, id)
	if err != nil {
		return nil, err
	}
	return m, tx.Audit(ent.ID, &p.ActorID, "bank_match.created", a.AccountCode, map[string]any{"match_id": id, "rule": bank.RuleCashApplication,
		"statement_lines": []int64{l.ID}, "supplier_payment_ids": paymentIDs, "entry_ids": entryIDs, "payment_batch_id": pr.BatchID})
}
