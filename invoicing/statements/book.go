// Package statements builds the receivables reports of an entity from its
// invoicing records: aged receivables, customer statements of account and
// the VAT summary. Builders take what invoicing's store reads (an
// invoicing.Activity) and return typed reports, the JSON answers; each
// report also describes itself as a reports.Table, which the renderers
// turn into CSV and PDF.
//
// No database and no HTTP here.
//
// Everything "as of" a date follows the books: a document counts from its
// issue date, a payment from its date, an allocation from its date; a void
// or a removal ends them on the date of the reversal entry it posted. So
// the open items of a date, in the functional currency, always add up to
// the receivables account's balance on that date.
package statements

import (
	"slices"
	"strings"
	"time"

	"backoffice/invoicing"
	"backoffice/ledger"
	"backoffice/ledger/money"
)

// Kinds of open items and statement lines.
const (
	KindInvoice           = "invoice"
	KindCreditNote        = "credit_note"
	KindPayment           = "payment"
	KindRefund            = "refund"
	KindInvoiceVoided     = "invoice_voided"
	KindCreditNoteVoided  = "credit_note_voided"
	KindPaymentRemoved    = "payment_removed"
	KindRefundRemoved     = "refund_removed"
	KindAllocation        = "allocation"
	KindAllocationRemoved = "allocation_removed"
)

// Aging buckets, by days past due.
const (
	BucketNotDue      = "not_due"
	Bucket1To30       = "1_30"
	Bucket31To60      = "31_60"
	Bucket61To90      = "61_90"
	BucketOver90      = "over_90"
	BucketUnallocated = "unallocated" // credit: payments and credit notes not yet allocated
)

// Amount is money in minor units of a currency with Exp decimals. JSON
// writes it as a decimal string ("-1234.50"), as everywhere in the API.
type Amount struct {
	Minor int64
	Exp   int
}

func (a Amount) String() string { return money.Format(a.Minor, a.Exp) }

func (a Amount) MarshalJSON() ([]byte, error) { return []byte(`"` + a.String() + `"`), nil }

// cell is the amount for a table cell: empty when zero and blank is set.
func (a Amount) cell(blank bool) string {
	if blank && a.Minor == 0 {
		return ""
	}
	return a.String()
}

// sums adds amounts and remembers an overflow rather than wrapping: the
// builders return overflow() when it happened.
type sums struct{ over bool }

func (s *sums) add(acc *int64, v int64) {
	r, ok := money.Add(*acc, v)
	if !ok {
		s.over = true
	}
	*acc = r
}

func overflow() error {
	return ledger.Errorf(ledger.CodeInvalid, ledger.ReasonAmountTooLarge, "a report total exceeds the largest amount the ledger holds")
}

func exponent(currency string) int {
	e, _ := money.Exponent(currency)
	return e
}

// book indexes an activity for questions as of a date.
type book struct {
	act *invoicing.Activity
	// payables: the activity is purchases' (see payables.go), which
	// changes only the words.
	payables bool
	docs     map[int64]*invoicing.Invoice
	pays     map[int64]*invoicing.Payment
	// allocations by the document or payment on each side
	byDebitDoc, byCreditDoc, byDebitPay, byCreditPay map[int64][]*invoicing.Allocation
	customers                                        map[int64]*invoicing.Customer
}

func newBook(act *invoicing.Activity) *book {
	b := &book{act: act, docs: map[int64]*invoicing.Invoice{}, pays: map[int64]*invoicing.Payment{},
		byDebitDoc: map[int64][]*invoicing.Allocation{}, byCreditDoc: map[int64][]*invoicing.Allocation{},
		byDebitPay: map[int64][]*invoicing.Allocation{}, byCreditPay: map[int64][]*invoicing.Allocation{},
		customers: map[int64]*invoicing.Customer{}}
	for _, d := range act.Documents {
		b.docs[d.ID] = d
	}
	for _, p := range act.Payments {
		b.pays[p.ID] = p
	}
	for _, c := range act.Customers {
		b.customers[c.ID] = c
	}
	for _, a := range act.Allocations {
		switch {
		case a.DebitInvoiceID != nil:
			b.byDebitDoc[*a.DebitInvoiceID] = append(b.byDebitDoc[*a.DebitInvoiceID], a)
		case a.DebitPaymentID != nil:
			b.byDebitPay[*a.DebitPaymentID] = append(b.byDebitPay[*a.DebitPaymentID], a)
		}
		switch {
		case a.CreditInvoiceID != nil:
			b.byCreditDoc[*a.CreditInvoiceID] = append(b.byCreditDoc[*a.CreditInvoiceID], a)
		case a.CreditPaymentID != nil:
			b.byCreditPay[*a.CreditPaymentID] = append(b.byCreditPay[*a.CreditPaymentID], a)
		}
	}
	return b
}

// docStands reports whether a document is in the books on day on: issued
// by then and not yet voided.
func (b *book) docStands(d *invoicing.Invoice, on ledger.Date) bool {
	if d.StoredStatus == invoicing.StatusDraft || d.IssueDate == nil || d.IssueDate.After(on) {
		return false
	}
	if d.StoredStatus == invoicing.StatusVoid {
		v, ok := b.act.VoidedOn[d.ID]
		return ok && v.After(on)
	}
	return true
}

func (b *book) payStands(p *invoicing.Payment, on ledger.Date) bool {
	if p.Date.After(on) {
		return false
	}
	if p.RemovedAt != nil {
		r, ok := b.act.PaymentRemovedOn[p.ID]
		return ok && r.After(on)
	}
	return true
}

// allocStands reports whether an allocation settles its documents on day
// on: made by then, not yet removed, and both its sides in the books. (A
// side the activity does not hold is a document the store left out as
// settled for good: it stands.)
func (b *book) allocStands(a *invoicing.Allocation, on ledger.Date) bool {
	if a.Date.After(on) {
		return false
	}
	if a.RemovedAt != nil {
		r, ok := b.act.AllocationRemovedOn[a.ID]
		if !ok || !r.After(on) {
			return false
		}
	}
	for _, id := range []*int64{a.DebitInvoiceID, a.CreditInvoiceID} {
		if id != nil {
			if d := b.docs[*id]; d != nil && !b.docStands(d, on) {
				return false
			}
		}
	}
	for _, id := range []*int64{a.DebitPaymentID, a.CreditPaymentID} {
		if id != nil {
			if p := b.pays[*id]; p != nil && !b.payStands(p, on) {
				return false
			}
		}
	}
	return true
}

// OpenItem is a document or payment with something open on a date.
// Amounts are signed as the customer's debt: what the customer owes
// (invoices, refunds paid out) is positive, what the customer is owed
// (credit notes, payments received) negative.
type OpenItem struct {
	Kind       string       `json:"kind"` // invoice, credit_note, payment or refund
	ID         int64        `json:"id"`
	CustomerID int64        `json:"customer_id,omitempty"`
	SupplierID int64        `json:"supplier_id,omitempty"` // the aged payables' items name a supplier instead
	Number     string       `json:"number"`                // the document's number, or the payment's reference
	Date       ledger.Date  `json:"date"`
	DueDate    *ledger.Date `json:"due_date"` // what is owed: an invoice's due date, a refund's date
	// DaysPastDue on the report's date (negative: not yet due); 0 for credit.
	DaysPastDue    int    `json:"days_past_due"`
	Bucket         string `json:"bucket"`
	Currency       string `json:"currency"`
	Open           Amount `json:"open"`            // in the document's currency
	FunctionalOpen Amount `json:"functional_open"` // its carrying amount in the functional currency
}

// openItems lists what is open on day on, in currency (all when ""), of
// customer (all when 0), ordered by customer, date, kind and id.
func (b *book) openItems(on ledger.Date, currency string, customer int64, funcExp int) ([]OpenItem, bool) {
	var s sums
	out := []OpenItem{}
	settled := func(allocs []*invoicing.Allocation, debit bool) (amount, functional int64) {
		for _, a := range allocs {
			if !b.allocStands(a, on) {
				continue
			}
			s.add(&amount, a.AmountMinor)
			if debit {
				s.add(&functional, a.DebitFunctionalMinor)
			} else {
				s.add(&functional, a.CreditFunctionalMinor)
			}
		}
		return amount, functional
	}
	add := func(it OpenItem, owed bool, total, functional, settledAmount, settledFunctional int64) {
		open, fopen := total-settledAmount, functional-settledFunctional
		if open == 0 && fopen == 0 {
			return
		}
		if !owed {
			open, fopen = -open, -fopen
		}
		it.Open = Amount{open, exponent(it.Currency)}
		it.FunctionalOpen = Amount{fopen, funcExp}
		if owed {
			it.Bucket, it.DaysPastDue = bucket(on, *it.DueDate)
		} else {
			it.DueDate, it.Bucket = nil, BucketUnallocated
		}
		out = append(out, it)
	}
	for _, d := range b.act.Documents {
		if (currency != "" && d.Currency != currency) || (customer != 0 && d.CustomerID != customer) || !b.docStands(d, on) {
			continue
		}
		it := OpenItem{Kind: KindInvoice, ID: d.ID, CustomerID: d.CustomerID, Number: d.Number, Date: *d.IssueDate,
			DueDate: d.DueDate, Currency: d.Currency}
		if it.DueDate == nil {
			it.DueDate = d.IssueDate
		}
		if d.Kind == invoicing.KindCreditNote {
			it.Kind = KindCreditNote
			a, f := settled(b.byCreditDoc[d.ID], false)
			add(it, false, d.TotalMinor, d.FunctionalTotalMinor, a, f)
			continue
		}
		a, f := settled(b.byDebitDoc[d.ID], true)
		add(it, true, d.TotalMinor, d.FunctionalTotalMinor, a, f)
	}
	for _, p := range b.act.Payments {
		if (currency != "" && p.Currency != currency) || (customer != 0 && p.CustomerID != customer) || !b.payStands(p, on) {
			continue
		}
		date := p.Date
		it := OpenItem{Kind: KindPayment, ID: p.ID, CustomerID: p.CustomerID, Number: p.Reference, Date: p.Date, DueDate: &date, Currency: p.Currency}
		if p.Direction == invoicing.DirectionRefund {
			it.Kind = KindRefund
			a, f := settled(b.byDebitPay[p.ID], true)
			add(it, true, p.AmountMinor, p.FunctionalMinor, a, f)
			continue
		}
		a, f := settled(b.byCreditPay[p.ID], false)
		add(it, false, p.AmountMinor, p.FunctionalMinor, a, f)
	}
	slices.SortStableFunc(out, func(x, y OpenItem) int {
		if x.CustomerID != y.CustomerID {
			return cmpInt(x.CustomerID, y.CustomerID)
		}
		if c := x.Date.Compare(y.Date); c != 0 {
			return c
		}
		if x.Kind != y.Kind {
			return strings.Compare(x.Kind, y.Kind)
		}
		return cmpInt(x.ID, y.ID)
	})
	return out, !s.over
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// days is the number of days from a to b.
func days(a, b ledger.Date) int {
	ta := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
	tb := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
	return int(tb.Sub(ta).Hours() / 24)
}

// bucket places what is owed by its days past due on day on.
func bucket(on, due ledger.Date) (string, int) {
	n := days(due, on)
	switch {
	case n <= 0:
		return BucketNotDue, n
	case n <= 30:
		return Bucket1To30, n
	case n <= 60:
		return Bucket31To60, n
	case n <= 90:
		return Bucket61To90, n
	}
	return BucketOver90, n
}

// Aging is what is open in buckets by days past due, the unallocated
// credit (negative), and their total.
type Aging struct {
	NotDue      Amount `json:"not_due"`
	Days1To30   Amount `json:"days_1_30"`
	Days31To60  Amount `json:"days_31_60"`
	Days61To90  Amount `json:"days_61_90"`
	Over90      Amount `json:"over_90"`
	Unallocated Amount `json:"unallocated"`
	Total       Amount `json:"total"`
}

func newAging(exp int) Aging {
	z := Amount{0, exp}
	return Aging{z, z, z, z, z, z, z}
}

// add adds an amount to its bucket and the total.
func (g *Aging) add(s *sums, bucket string, v int64) {
	var a *Amount
	switch bucket {
	case BucketNotDue:
		a = &g.NotDue
	case Bucket1To30:
		a = &g.Days1To30
	case Bucket31To60:
		a = &g.Days31To60
	case Bucket61To90:
		a = &g.Days61To90
	case BucketOver90:
		a = &g.Over90
	default:
		a = &g.Unallocated
	}
	s.add(&a.Minor, v)
	s.add(&g.Total.Minor, v)
}

// cells are the buckets and total as table cells.
func (g *Aging) cells() []string {
	return []string{g.NotDue.String(), g.Days1To30.String(), g.Days31To60.String(), g.Days61To90.String(),
		g.Over90.String(), g.Unallocated.String(), g.Total.String()}
}
