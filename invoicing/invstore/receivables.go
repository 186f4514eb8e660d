package invstore

import (
	"backoffice/invoicing"
	"backoffice/ledger"
	"backoffice/ledger/bank"
	"backoffice/ledger/money"
	"backoffice/ledger/sqlstore"
)

// Receivables lets bank reconciliation apply statement lines to invoices
// (bankstore.Receivables) without the ledger importing invoicing. Both
// methods run in the bank's unit of work.
type Receivables struct{ s *Store }

// Receivables returns the store's side of cash application.
func (s *Store) Receivables() Receivables { return Receivables{s} }

// OpenInvoices lists the issued invoices in a currency with an amount open.
func (r Receivables) OpenInvoices(tx *sqlstore.Tx, ent *ledger.Entity, currency string) ([]bank.OpenInvoice, error) {
	var out []bank.OpenInvoice
	err := tx.DB().Raw(`SELECT i.id, i.number, i.customer_id, c.name AS customer_name, i.currency, i.total_minor - i.settled_minor AS open_minor
		FROM invoices i JOIN customers c ON c.entity_id = i.entity_id AND c.id = i.customer_id
		WHERE i.entity_id = ? AND i.kind = 'invoice' AND i.status = 'issued' AND i.currency = ? AND i.settled_minor < i.total_minor
		ORDER BY i.id`, ent.ID, currency).Scan(&out).Error
	if err != nil {
		return nil, sqlstore.Translate(err)
	}
	return out, nil
}

// RecordReceipt records a payment received and its allocations in the
// unit of work tx, through the same path as POST /payments. Without a
// customer, it is the customer of the first invoice.
func (r Receivables) RecordReceipt(tx *sqlstore.Tx, p *ledger.Principal, ent *ledger.Entity, rc *bank.Receipt) (int64, int64, error) {
	exp, _ := money.Exponent(rc.Currency)
	customer := rc.CustomerID
	if customer == 0 && len(rc.Allocations) > 0 {
		inv, err := r.s.load(tx, ent.ID, rc.Allocations[0].InvoiceID, false)
		if err != nil {
			return 0, 0, err
		}
		customer = inv.CustomerID
	}
	date, amount, dir := rc.Date.String(), money.Format(rc.AmountMinor, exp), invoicing.DirectionReceived
	in := &invoicing.PaymentInput{CustomerID: &customer, Direction: &dir, Date: &date, Amount: &amount, Currency: &rc.Currency,
		BankAccount: &rc.BankAccount, Reference: &rc.Reference}
	if rc.ExchangeRate != "" {
		in.ExchangeRate = &rc.ExchangeRate
	}
	for _, a := range rc.Allocations {
		id := a.InvoiceID
		in.Allocations = append(in.Allocations, invoicing.AllocationInput{InvoiceID: &id, Amount: money.Format(a.AmountMinor, exp)})
	}
	pay, err := r.s.recordPayment(tx, p, ent, in)
	if err != nil {
		return 0, 0, sqlstore.Translate(err)
	}
	return pay.ID, pay.EntryID, nil
}
