package purchstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"backoffice/invoicing/purchases"
	"backoffice/invoicing/purchases/purchstore"
	"backoffice/invoicing/statements"
	"backoffice/ledger"
	"backoffice/ledger/bank"
	"backoffice/ledger/bank/bankstore"
	"backoffice/ledger/money"
	"backoffice/ledger/sqlstore"
	"backoffice/ledger/sqlstore/sqltest"
)

// purchasesSeedEnv replays one sequence of TestRandomPurchases:
// BACKOFFICE_PURCHASES_SEED=12345 go test -run TestRandomPurchases
// ./invoicing/purchases/purchstore. Without it the default seed and the
// regression seeds run.
const purchasesSeedEnv = "BACKOFFICE_PURCHASES_SEED"

// purchasesDefaultSeed is the sequence run when no seed is given.
const purchasesDefaultSeed = 1207

// purchasesRegressionSeeds found bugs the default seed does not reach;
// they always run, beside it. A sequence follows the test's code: after
// changing the operations, check that a seed here still reaches what it
// found. None so far: seed 20261207 found a supplier credit note naming
// another supplier's purchase invoice refused with customer_mismatch (a
// word of the sales side; it is supplier_mismatch), which the default seed
// meets at op 44, also under -short (checked by undoing the fix), so it
// was dropped: a second 600-step sequence doubled the test's time.
var purchasesRegressionSeeds = []uint64{}

// purchasesSteps is the number of random operations of one sequence.
const purchasesSteps = 600

// The model kept beside the store, worked out from the rules of
// docs/purchases.md alone.

// mCode is a purchase tax code as the model knows it.
type mCode struct {
	rate    int64 // percent
	vat     bool  // VAT computed on the lines (input or reverse charge)
	reverse bool  // reverse charged: the VAT is not owed to the supplier
}

var mCodes = map[string]mCode{
	"P21": {21, true, false}, "P9": {9, true, false}, "P9-meals": {9, true, false}, "P0": {0, false, false},
	"P-exempt": {0, false, false}, "P-no-vat": {0, false, false}, "P-eu-services": {21, true, true}, "P-rc-nl": {21, true, true},
}

var mCodeList = []string{"P21", "P21", "P21", "P9", "P9-meals", "P0", "P-exempt", "P-no-vat", "P-eu-services", "P-rc-nl"}

type mSup struct {
	id    int64
	iban  string // "" for none
	sepa  bool
	terms int
	usd   bool // enters documents in USD too
	// archived: no new documents, no invoice booked; its documents stay
	// payable by hand and in proposals, but bank lines no longer find them.
	archived bool
}

type mDoc struct {
	id                   int64
	sup                  int
	kind                 string
	status               string // draft, booked, reversed
	cur                  string
	supNumber            string
	number               string
	invDate              ledger.Date
	due                  *ledger.Date
	payRef               string
	credited             *mDoc
	total, settled, paid int64
	functional, settledF int64
	batch                *mBatch // the live batch it is in
	rate                 decimal.Decimal
	supID                int64 // the supplier's id, for ordering as the store does
}

func (d *mDoc) open() int64 {
	if d.status != purchases.StatusBooked {
		return 0
	}
	return d.total - d.settled
}

func (d *mDoc) openF() int64 {
	if d.status != purchases.StatusBooked {
		return 0
	}
	return d.functional - d.settledF
}

// signed is what the document adds to what the entity owes the supplier.
func (d *mDoc) signed() int64 {
	if d.kind == purchases.KindCreditNote {
		return -d.open()
	}
	return d.open()
}

// state is the status shown (purchases.Invoice.State by the rules).
func (d *mDoc) state() string {
	switch {
	case d.status != purchases.StatusBooked:
		return d.status
	case d.kind == purchases.KindCreditNote && d.open() == 0:
		return purchases.StatusApplied
	case d.kind == purchases.KindCreditNote:
		return purchases.StatusBooked
	case d.open() == 0 && d.paid > 0:
		return purchases.StatusPaid
	case d.open() == 0:
		return purchases.StatusCredited
	case d.paid > 0:
		return purchases.StatusPartiallyPaid
	}
	return purchases.StatusBooked
}

// liveBatch is the open or exported batch holding the document.
func (d *mDoc) liveBatch() *mBatch {
	if d.batch != nil && d.batch.status != purchases.BatchCancelled {
		return d.batch
	}
	return nil
}

type mPay struct {
	id                   int64
	sup                  int
	refund               bool
	cur                  string
	amount, settled      int64
	functional, settledF int64
	removed              bool
	entryID              int64
	matched              bool // its bank line is matched
}

func (p *mPay) unallocated() int64 {
	if p.removed {
		return 0
	}
	return p.amount - p.settled
}

func (p *mPay) openF() int64 {
	if p.removed {
		return 0
	}
	return p.functional - p.settledF
}

// mAlloc: owed is a purchase invoice (owedDoc) or a refund (owedPay);
// what settles it a payment made (setPay) or a credit note (setDoc).
type mAlloc struct {
	id              int64
	owedDoc, setDoc *mDoc
	owedPay, setPay *mPay
	amount          int64
	owedF, settleF  int64
	removed         bool
}

type mItem struct {
	doc      *mDoc
	transfer int
	amount   int64 // negative for a credit note
}

type mBatch struct {
	id        int64
	status    string
	items     []mItem
	total     int64
	transfers int
}

type mLine struct {
	id      int64
	amount  int64 // negative: money out
	iban    string
	date    ledger.Date
	matched bool
}

type purchRun struct {
	t      *testing.T
	ctx    context.Context
	l      *sqlstore.Store
	st     *purchstore.Store
	bs     *bankstore.Store
	ent    *ledger.Entity
	p      *ledger.Principal
	bankID int64
	rnd    *rand.Rand
	seed   uint64
	op     int
	what   string

	sups    []*mSup
	docs    []*mDoc
	pays    []*mPay
	allocs  []*mAlloc
	batches []*mBatch
	lines   []*mLine
	byDoc   map[int64]*mDoc
	byPay   map[int64]*mPay

	seq        int   // purchase numbers drawn
	numbers    int   // supplier numbers handed out
	maxAlloc   int64 // the last allocation id seen
	bankDay    ledger.Date
	bankBal    int64
	statements int
	lastLine   int64
	stats      map[string]int
}

func (r *purchRun) fail(format string, args ...any) {
	r.t.Helper()
	r.t.Fatalf("op %d (%s), seed %d (%s=%d replays it): %s", r.op, r.what, r.seed, purchasesSeedEnv, r.seed, fmt.Sprintf(format, args...))
}

func (r *purchRun) pick(n int) int { return r.rnd.IntN(n) }

func (r *purchRun) chance(p float64) bool { return r.rnd.Float64() < p }

func (r *purchRun) date() ledger.Date { return ledger.NewDate(2026, 1, 5).AddDays(r.pick(150)) }

func fmtMinor(m int64) string { return money.Format(m, 2) }

// reason is the reason of err ("" for nil).
func reason(err error) string {
	if err == nil {
		return ""
	}
	if e := ledger.As(err); e != nil {
		return string(e.Reason)
	}
	return "error: " + err.Error()
}

type purchSnapshot map[string]int64

func (r *purchRun) scalar(q string) int64 {
	r.t.Helper()
	var v int64
	if err := r.l.Query(r.ctx).DB().Raw(q).Row().Scan(&v); err != nil {
		r.fail("%s: %v", q, err)
	}
	return v
}

// snapFor is snap where want predicts a refusal, which must change
// nothing, and nil where the write is to succeed: the 23 queries of a
// snapshot before every operation made the test slow.
func (r *purchRun) snapFor(want string) purchSnapshot {
	if want == "" {
		return nil
	}
	return r.snap()
}

// snap sums what any write of purchases, payments, batches or bank
// matches changes.
func (r *purchRun) snap() purchSnapshot {
	s := purchSnapshot{}
	for _, t := range []string{"journal_entries", "journal_lines", "supplier_payments", "purchase_allocations", "purchase_invoices",
		"purchase_invoice_lines", "purchase_invoice_vat", "counters", "account_totals", "vat_totals", "payment_batches", "payment_batch_items",
		"bank_matches", "bank_match_statement_lines", "bank_open_lines", "audit_events"} {
		s[t] = r.scalar(`SELECT count(*) FROM ` + t)
	}
	s["counters.value"] = r.scalar(`SELECT coalesce(sum(value), 0) FROM counters`)
	s["purchase_invoices.settled"] = r.scalar(`SELECT coalesce(sum(settled_minor + 3 * paid_minor + 7 * settled_functional_minor + total_minor), 0) FROM purchase_invoices`)
	s["purchase_invoices.status"] = r.scalar(`SELECT coalesce(sum(length(status) * id), 0) FROM purchase_invoices`)
	s["supplier_payments.settled"] = r.scalar(`SELECT coalesce(sum(settled_minor + 3 * settled_functional_minor), 0) FROM supplier_payments`)
	s["supplier_payments.removed"] = r.scalar(`SELECT count(*) FROM supplier_payments WHERE removed_at IS NOT NULL`)
	s["purchase_allocations.removed"] = r.scalar(`SELECT count(*) FROM purchase_allocations WHERE removed_at IS NOT NULL`)
	s["payment_batches.status"] = r.scalar(`SELECT coalesce(sum(length(status) * id + export_count), 0) FROM payment_batches`)
	s["payment_batch_items.live"] = r.scalar(`SELECT count(*) FROM payment_batch_items WHERE live`)
	s["account_totals.sum"] = r.scalar(`SELECT coalesce(sum(debit_minor + 3 * credit_minor), 0) FROM account_totals`)
	return s
}

// expect checks an outcome against the rules' prediction ("" for
// success); a refused operation must leave the database as it was.
func (r *purchRun) expect(err error, want string, before purchSnapshot) bool {
	r.t.Helper()
	if got := reason(err); got != want {
		if want == "" {
			r.fail("unexpected error %v", err)
		}
		r.fail("got %q (%v); the rules predict %q", got, err, want)
	}
	if err != nil {
		r.stats["refused "+r.what+": "+want]++
		after := r.snap()
		var diffs []string
		for k, v := range before {
			if after[k] != v {
				diffs = append(diffs, fmt.Sprintf("%s %d -> %d", k, v, after[k]))
			}
		}
		if len(diffs) > 0 {
			r.fail("a refused write (%s) changed the database: %s", want, strings.Join(diffs, ", "))
		}
		return false
	}
	r.stats["ok "+r.what]++
	return true
}

// ---- documents ----

// mLineIn is a line as entered, with what the model makes of it.
type mLineIn struct {
	in   purchases.LineInput
	net  int64
	code string
}

// randomLines makes 1 to 4 lines and now and then a printed VAT amount
// for one input code: within the tolerance (0.02) it is booked, beyond it
// refused. want is the refusal the rules predict, total what the
// document owes.
func (r *purchRun) randomLines(cur string) (in []purchases.LineInput, vat []purchases.PrintedVATLine, total int64, want string) {
	n := 1 + r.pick(4)
	var ls []mLineIn
	for k := 0; k < n; k++ {
		code := mCodeList[r.pick(len(mCodeList))]
		net := int64(1 + r.pick(60000))
		if r.chance(0.2) {
			net = int64(1 + r.pick(500))
		}
		amount := fmtMinor(net)
		if r.chance(0.02) {
			amount, net = "0.00", 0
			want = string(ledger.ReasonAmountNotPositive)
		}
		account := []string{"4200", "4500", "1500"}[r.pick(3)]
		ls = append(ls, mLineIn{purchases.LineInput{Description: fmt.Sprintf("Line %d", k+1), Account: account, Amount: amount, TaxCode: code}, net, code})
	}
	netBy := map[string]int64{}
	var codes []string
	for _, l := range ls {
		if _, ok := netBy[l.code]; !ok {
			codes = append(codes, l.code)
		}
		netBy[l.code] += l.net
		in = append(in, l.in)
	}
	booked := map[string]int64{}
	for _, c := range codes {
		if mCodes[c].vat {
			booked[c] = decimal.NewFromInt(netBy[c]).Mul(decimal.NewFromInt(mCodes[c].rate)).Div(decimal.NewFromInt(100)).Round(0).IntPart()
		}
	}
	if r.chance(0.2) {
		var input []string
		for _, c := range codes {
			if mCodes[c].vat && !mCodes[c].reverse {
				input = append(input, c)
			}
		}
		if len(input) > 0 {
			c := input[r.pick(len(input))]
			d := int64(r.pick(5) - 2)
			if r.chance(0.25) {
				d = int64(3 + r.pick(50))
				if r.chance(0.5) {
					d = -d
				}
			}
			printed := booked[c] + d
			amount := fmtMinor(printed)
			if printed < 0 {
				amount = "-" + fmtMinor(-printed)
			}
			vat = append(vat, purchases.PrintedVATLine{TaxCode: c, Amount: amount})
			switch {
			case want != "": // refused for a line already
			case printed < 0: // refused as an amount before it is compared
				want = string(ledger.ReasonAmountNotPositive)
			case d < -2 || d > 2:
				want = string(ledger.ReasonVATMismatch)
			default:
				booked[c] = printed
			}
		}
	}
	for _, c := range codes {
		total += netBy[c]
		if !mCodes[c].reverse {
			total += booked[c]
		}
	}
	return in, vat, total, want
}

// numberTaken is the document of the supplier and kind that has the
// number already (drafts and booked ones; a reversed one frees it).
func (r *purchRun) numberTaken(sup int, kind, number string, except *mDoc) *mDoc {
	for _, d := range r.docs {
		if d != except && d.sup == sup && d.kind == kind && d.status != purchases.StatusReversed && purchases.NumberKey(d.supNumber) == purchases.NumberKey(number) {
			return d
		}
	}
	return nil
}

// creditedProblem is why a credit note cannot name inv (checkCredited).
func (r *purchRun) creditedProblem(cn, inv *mDoc) string {
	switch {
	case inv.kind != purchases.KindInvoice:
		return string(ledger.ReasonNotAnInvoice)
	case inv.status != purchases.StatusBooked:
		return string(ledger.ReasonInvoiceNotIssued)
	case inv.sup != cn.sup:
		return string(ledger.ReasonSupplierMismatch)
	case inv.cur != cn.cur:
		return string(ledger.ReasonCurrencyMismatch)
	}
	return ""
}

func (r *purchRun) createDoc() {
	r.what = "enter"
	s := r.pick(len(r.sups))
	sup := r.sups[s]
	d := &mDoc{sup: s, supID: sup.id, kind: purchases.KindInvoice, status: purchases.StatusDraft, cur: "EUR", invDate: r.date()}
	in := &purchases.InvoiceInput{SupplierID: &sup.id, InvoiceDate: ptr(d.invDate.String())}
	if r.chance(0.2) {
		d.kind = purchases.KindCreditNote
		in.Kind = ptr(purchases.KindCreditNote)
	}
	if sup.usd && r.chance(0.5) {
		// Whole rates: every line of the entry converts exactly, so the
		// functional total is rate x total; a credit note at another rate
		// than its invoice has an exchange difference when applied.
		d.cur, d.rate = "USD", decimal.NewFromInt(int64(2+r.pick(2)))
		in.Currency, in.ExchangeRate = ptr("USD"), ptr(d.rate.String())
	}
	r.numbers++
	d.supNumber = fmt.Sprintf("F-%d", r.numbers)
	if r.chance(0.08) && len(r.docs) > 0 {
		o := r.docs[r.pick(len(r.docs))]
		d.supNumber = strings.ToLower(strings.ReplaceAll(o.supNumber, "-", " "))
	}
	in.SupplierNumber = ptr(d.supNumber)
	if d.kind == purchases.KindInvoice {
		if r.chance(0.4) {
			due := d.invDate.AddDays(r.pick(60))
			d.due = &due
			in.DueDate = ptr(due.String())
		} else {
			due := d.invDate.AddDays(sup.terms)
			d.due = &due
		}
		if s == 0 && r.chance(0.3) {
			d.payRef = "5000056789012345"
			in.PaymentReference = ptr(d.payRef)
		}
	}
	lines, vat, total, want := r.randomLines(d.cur)
	in.Lines, in.VAT, d.total = lines, vat, total
	d.functional = total
	if d.cur == "USD" {
		d.functional = d.rate.IntPart() * total
	}
	if d.kind == purchases.KindCreditNote && r.chance(0.7) {
		var invs []*mDoc
		for _, o := range r.docs {
			if o.kind == purchases.KindInvoice && o.sup == s && o.status == purchases.StatusBooked && o.cur == d.cur {
				invs = append(invs, o)
			}
		}
		if len(invs) == 0 || r.chance(0.15) {
			invs = r.docs
		}
		if len(invs) > 0 {
			d.credited = invs[r.pick(len(invs))]
			in.CreditedID = &d.credited.id
		}
	}
	if sup.archived { // the first problem of the input
		want = string(ledger.ReasonSupplierArchived)
	}
	if want == "" && r.numberTaken(s, d.kind, d.supNumber, nil) != nil {
		want = string(ledger.ReasonSupplierInvoiceNumberTaken)
	}
	if want == "" && d.credited != nil {
		want = r.creditedProblem(d, d.credited)
	}
	in.Book = r.chance(0.7)
	before := r.snapFor(want)
	got, err := r.st.CreatePurchaseInvoice(r.ctx, r.p, r.ent, in)
	if !r.expect(err, want, before) {
		return
	}
	d.id = got.ID
	r.docs = append(r.docs, d)
	r.byDoc[d.id] = d
	if got.TotalMinor != d.total {
		r.fail("total %s; the rules give %s for %+v %+v", fmtMinor(got.TotalMinor), fmtMinor(d.total), in.Lines, in.VAT)
	}
	if in.Book {
		r.booked(d, got)
	}
}

// booked records a booking: the next purchase number, and a credit note
// applied to its invoice as far as that is open.
func (r *purchRun) booked(d *mDoc, got *purchases.Invoice) {
	r.seq++
	d.number = fmt.Sprintf("PI-2026-%04d", r.seq)
	d.status = purchases.StatusBooked
	if got.Number != d.number || got.Status != purchases.StatusBooked || got.FunctionalTotalMinor != d.functional {
		r.fail("booked as %s %s, functional %d; the model has %s, functional %d", got.Number, got.Status, got.FunctionalTotalMinor, d.number, d.functional)
	}
	if d.credited != nil {
		if a := min(d.credited.open(), d.open()); a > 0 {
			r.settle(&mAlloc{owedDoc: d.credited, setDoc: d, amount: a})
		}
	}
	r.newAllocations()
}

func (r *purchRun) drafts() []*mDoc {
	var out []*mDoc
	for _, d := range r.docs {
		if d.status == purchases.StatusDraft || r.chance(0.05) {
			out = append(out, d)
		}
	}
	return out
}

func (r *purchRun) bookDraft() {
	r.what = "book"
	ds := r.drafts()
	if len(ds) == 0 {
		return
	}
	d := ds[r.pick(len(ds))]
	want := ""
	switch {
	case d.status != purchases.StatusDraft:
		want = string(ledger.ReasonInvoiceNotDraft)
	case r.sups[d.sup].archived && d.kind == purchases.KindInvoice:
		want = string(ledger.ReasonSupplierArchived)
	case d.credited != nil:
		want = r.creditedProblem(d, d.credited)
	}
	before := r.snapFor(want)
	got, err := r.st.BookPurchaseInvoice(r.ctx, r.p, r.ent, d.id)
	if r.expect(err, want, before) {
		r.booked(d, got)
	}
}

func (r *purchRun) updateDraft() {
	r.what = "update"
	ds := r.drafts()
	if len(ds) == 0 {
		return
	}
	d := ds[r.pick(len(ds))]
	lines, vat, total, want := r.randomLines(d.cur)
	if d.status != purchases.StatusDraft {
		want = string(ledger.ReasonInvoiceNotDraft)
	}
	before := r.snapFor(want)
	got, err := r.st.UpdatePurchaseInvoice(r.ctx, r.p, r.ent, d.id, &purchases.InvoiceInput{Lines: lines, VAT: vat})
	if !r.expect(err, want, before) {
		return
	}
	d.total, d.functional = total, total
	if d.cur == "USD" {
		d.functional = d.rate.IntPart() * total
	}
	if got.TotalMinor != total {
		r.fail("updated total %s; the rules give %s", fmtMinor(got.TotalMinor), fmtMinor(total))
	}
}

func (r *purchRun) deleteDraft() {
	r.what = "delete"
	ds := r.drafts()
	if len(ds) == 0 {
		return
	}
	d := ds[r.pick(len(ds))]
	want := ""
	if d.status != purchases.StatusDraft {
		want = string(ledger.ReasonInvoiceNotDraft)
	}
	before := r.snapFor(want)
	if r.expect(r.st.DeletePurchaseInvoice(r.ctx, r.p, r.ent, d.id), want, before) {
		r.docs = slices.DeleteFunc(r.docs, func(x *mDoc) bool { return x == d })
		delete(r.byDoc, d.id)
	}
}

func (r *purchRun) reverse() {
	r.what = "reverse"
	if len(r.docs) == 0 {
		return
	}
	d := r.docs[r.pick(len(r.docs))]
	want := ""
	credited := false
	for _, o := range r.docs {
		credited = credited || (o.credited == d && o.status == purchases.StatusBooked)
	}
	switch {
	case d.status == purchases.StatusDraft:
		want = string(ledger.ReasonInvoiceNotIssued)
	case d.status == purchases.StatusReversed:
		want = string(ledger.ReasonPurchaseInvoiceReversed)
	case d.settled > 0, credited, d.liveBatch() != nil:
		want = string(ledger.ReasonInvoiceSettled)
	}
	before := r.snapFor(want)
	_, err := r.st.ReversePurchaseInvoice(r.ctx, r.p, r.ent, d.id, ledger.Date{})
	if r.expect(err, want, before) {
		d.status = purchases.StatusReversed
	}
}

// ---- payments and allocations ----

// share is the part of a carrying amount settling part of open releases
// (docs/purchases.md, Foreign currency): all that is left when settled in
// full, else in proportion, rounded half away from zero.
func share(part, open, carrying int64) int64 {
	if part >= open || open == 0 {
		return carrying
	}
	return decimal.NewFromInt(carrying).Mul(decimal.NewFromInt(part)).Div(decimal.NewFromInt(open)).Round(0).IntPart()
}

// settle applies an allocation the rules allow to the model.
func (r *purchRun) settle(a *mAlloc) {
	owedOpen, owedF := int64(0), int64(0)
	if a.owedDoc != nil {
		owedOpen, owedF = a.owedDoc.open(), a.owedDoc.openF()
	} else {
		owedOpen, owedF = a.owedPay.unallocated(), a.owedPay.openF()
	}
	setOpen, setF := int64(0), int64(0)
	if a.setDoc != nil {
		setOpen, setF = a.setDoc.open(), a.setDoc.openF()
	} else {
		setOpen, setF = a.setPay.unallocated(), a.setPay.openF()
	}
	a.owedF, a.settleF = share(a.amount, owedOpen, owedF), share(a.amount, setOpen, setF)
	if a.owedDoc != nil && a.setDoc != nil && a.owedDoc.rate.Equal(a.setDoc.rate) && a.amount < owedOpen && a.settleF <= owedF {
		a.owedF = a.settleF // a credit note at its invoice's rate: no exchange difference
	}
	if a.owedF != a.settleF {
		r.stats["exchange differences"]++
	}
	r.move(a, 1)
	r.allocs = append(r.allocs, a)
}

// move adds (sign 1) or takes back (-1) an allocation on its sides.
func (r *purchRun) move(a *mAlloc, sign int64) {
	money := a.owedPay != nil || a.setPay != nil
	if d := a.owedDoc; d != nil {
		d.settled += sign * a.amount
		d.settledF += sign * a.owedF
		if money {
			d.paid += sign * a.amount
		}
	}
	if p := a.owedPay; p != nil {
		p.settled += sign * a.amount
		p.settledF += sign * a.owedF
	}
	if d := a.setDoc; d != nil {
		d.settled += sign * a.amount
		d.settledF += sign * a.settleF
		if money { // a credit note refunded in money: paid back
			d.paid += sign * a.amount
		}
	}
	if p := a.setPay; p != nil {
		p.settled += sign * a.amount
		p.settledF += sign * a.settleF
	}
}

// newAllocations reads the allocations made since the last look and
// checks them, in id order, against the model's newest ones (those
// without an id), which take their ids.
func (r *purchRun) newAllocations() {
	r.t.Helper()
	var rows []struct {
		ID                                                             int64
		OwedInvoiceID, OwedPaymentID, SettleInvoiceID, SettlePaymentID *int64
		AmountMinor, OwedFunctionalMinor, SettleFunctionalMinor        int64
	}
	if err := r.l.Query(r.ctx).DB().Raw(`SELECT id, owed_invoice_id, owed_payment_id, settle_invoice_id, settle_payment_id, amount_minor,
		owed_functional_minor, settle_functional_minor FROM purchase_allocations WHERE entity_id = ? AND id > ? ORDER BY id`, r.ent.ID, r.maxAlloc).Scan(&rows).Error; err != nil {
		r.fail("allocations: %v", err)
	}
	var pending []*mAlloc
	for _, a := range r.allocs {
		if a.id == 0 {
			pending = append(pending, a)
		}
	}
	if len(rows) != len(pending) {
		r.fail("%d allocations made; the rules make %d", len(rows), len(pending))
	}
	id := func(p *int64) int64 {
		if p == nil {
			return 0
		}
		return *p
	}
	for i, row := range rows {
		a := pending[i]
		var want [4]int64
		if a.owedDoc != nil {
			want[0] = a.owedDoc.id
		}
		if a.owedPay != nil {
			want[1] = a.owedPay.id
		}
		if a.setDoc != nil {
			want[2] = a.setDoc.id
		}
		if a.setPay != nil {
			want[3] = a.setPay.id
		}
		got := [4]int64{id(row.OwedInvoiceID), id(row.OwedPaymentID), id(row.SettleInvoiceID), id(row.SettlePaymentID)}
		if got != want || row.AmountMinor != a.amount || row.OwedFunctionalMinor != a.owedF || row.SettleFunctionalMinor != a.settleF {
			r.fail("allocation %d: sides %v, %d, functional %d/%d; the rules give %v, %d, functional %d/%d", row.ID, got, row.AmountMinor,
				row.OwedFunctionalMinor, row.SettleFunctionalMinor, want, a.amount, a.owedF, a.settleF)
		}
		a.id = row.ID
		r.maxAlloc = row.ID
	}
}

// refusal predicts the reason allocating amount from source (a payment
// or credit note) to target is refused with, "" when it is allowed;
// srcOpen is what the source has left in this request.
func (r *purchRun) refusal(pay *mPay, cn *mDoc, target *mDoc, amount, srcOpen, tgtOpen int64) string {
	refund := pay != nil && pay.refund
	want := purchases.KindInvoice
	if refund {
		want = purchases.KindCreditNote
	}
	sup, cur := 0, ""
	if pay != nil {
		sup, cur = pay.sup, pay.cur
	} else {
		sup, cur = cn.sup, cn.cur
	}
	switch {
	case amount <= 0:
		return string(ledger.ReasonAmountNotPositive)
	case cn != nil && cn == target, target.kind != want:
		return string(ledger.ReasonAllocationTargetInvalid)
	case target.status == purchases.StatusReversed:
		return string(ledger.ReasonPurchaseInvoiceReversed)
	case target.status == purchases.StatusDraft:
		return string(ledger.ReasonInvoiceNotIssued)
	case target.cur != cur:
		return string(ledger.ReasonCurrencyMismatch)
	case target.sup != sup:
		return string(ledger.ReasonSupplierMismatch)
	case pay != nil && amount > srcOpen:
		return string(ledger.ReasonAllocationExceedsPayment)
	case amount > srcOpen || amount > tgtOpen:
		return string(ledger.ReasonAllocationExceedsOpen)
	}
	return ""
}

// someAmount is an amount to allocate against open: all of it, part of
// it, now and then more, rarely nothing.
func (r *purchRun) someAmount(open int64) int64 {
	switch {
	case r.chance(0.02):
		return 0
	case r.chance(0.1):
		return open + 1 + int64(r.pick(5000))
	case open <= 0:
		return 1 + int64(r.pick(1000))
	case r.chance(0.5):
		return open
	}
	return 1 + int64(r.pick(int(open)))
}

// targets picks documents of kind to allocate to: mostly the supplier's
// open ones in the currency, now and then anyone's.
func (r *purchRun) targets(kind string, sup int, cur string) []*mDoc {
	var out []*mDoc
	for _, d := range r.docs {
		if d.kind == kind && d.sup == sup && d.cur == cur && d.open() > 0 {
			out = append(out, d)
		}
	}
	if len(out) == 0 || r.chance(0.15) {
		out = r.docs
	}
	return out
}

func allocIn(d *mDoc, amount int64) purchases.AllocationInput {
	return purchases.AllocationInput{PurchaseInvoiceID: &d.id, Amount: fmtMinor(amount)}
}

// plan checks allocations in the store's order: the reason of the first
// refused one, or the allocations.
func (r *purchRun) plan(pay *mPay, cn *mDoc, srcOpen int64, tgts []*mDoc, amounts []int64) (string, []*mAlloc) {
	open := map[*mDoc]int64{}
	var out []*mAlloc
	for i, tg := range tgts {
		if _, ok := open[tg]; !ok {
			open[tg] = tg.open()
		}
		if why := r.refusal(pay, cn, tg, amounts[i], srcOpen, open[tg]); why != "" {
			return why, nil
		}
		srcOpen -= amounts[i]
		open[tg] -= amounts[i]
		a := &mAlloc{amount: amounts[i]}
		switch {
		case pay != nil && pay.refund:
			a.owedPay, a.setDoc = pay, tg
		case pay != nil:
			a.owedDoc, a.setPay = tg, pay
		default:
			a.owedDoc, a.setDoc = tg, cn
		}
		out = append(out, a)
	}
	return "", out
}

func (r *purchRun) recordPayment(refund bool) {
	r.what = "pay"
	if refund {
		r.what = "refund"
	}
	s := r.pick(len(r.sups))
	pay := &mPay{sup: s, refund: refund, cur: "EUR"}
	in := &purchases.PaymentInput{SupplierID: &r.sups[s].id, Date: ptr(r.date().String())}
	rate := decimal.Zero
	if r.sups[s].usd && r.chance(0.5) {
		pay.cur = "USD"
		rate = decimal.RequireFromString([]string{"2", "2.2", "1.9", "2.05", "3"}[r.pick(5)])
		in.Currency, in.ExchangeRate = ptr("USD"), ptr(rate.String())
	}
	if refund {
		in.Direction = ptr(purchases.DirectionRefund)
	}
	kind := purchases.KindInvoice
	if refund {
		kind = purchases.KindCreditNote
	}
	var tgts []*mDoc
	var amounts []int64
	if !r.chance(0.25) {
		cands := r.targets(kind, s, pay.cur)
		for k := 0; k < 1+r.pick(2) && len(cands) > 0; k++ {
			tg := cands[r.pick(len(cands))]
			tgts = append(tgts, tg)
			amounts = append(amounts, r.someAmount(tg.open()))
		}
	}
	for _, a := range amounts {
		pay.amount += max(a, 0)
	}
	switch {
	case len(amounts) == 0 || pay.amount == 0:
		pay.amount = 100 + int64(r.pick(30000))
	case r.chance(0.1) && pay.amount > 1:
		pay.amount -= 1 + int64(r.pick(int(pay.amount-1)))
	case r.chance(0.3):
		pay.amount += int64(r.pick(5000))
	}
	pay.functional = pay.amount
	if pay.cur == "USD" {
		pay.functional = decimal.NewFromInt(pay.amount).Mul(rate).Round(0).IntPart()
	}
	in.Amount = ptr(fmtMinor(pay.amount))
	for i, tg := range tgts {
		in.Allocations = append(in.Allocations, allocIn(tg, amounts[i]))
	}
	want, plan := r.plan(pay, nil, pay.amount, tgts, amounts)
	before := r.snapFor(want)
	got, err := r.st.RecordSupplierPayment(r.ctx, r.p, r.ent, in)
	if !r.expect(err, want, before) {
		return
	}
	pay.id, pay.entryID = got.ID, got.EntryID
	if got.FunctionalMinor != pay.functional {
		r.fail("payment functional %d; the rules give %d", got.FunctionalMinor, pay.functional)
	}
	r.pays = append(r.pays, pay)
	r.byPay[pay.id] = pay
	for _, a := range plan {
		r.settle(a)
	}
	r.newAllocations()
}

func (r *purchRun) allocateLater() {
	r.what = "allocate payment"
	var cands []*mPay
	for _, p := range r.pays {
		if p.unallocated() > 0 || r.chance(0.05) {
			cands = append(cands, p)
		}
	}
	if len(cands) == 0 {
		return
	}
	pay := cands[r.pick(len(cands))]
	kind := purchases.KindInvoice
	if pay.refund {
		kind = purchases.KindCreditNote
	}
	docs := r.targets(kind, pay.sup, pay.cur)
	if len(docs) == 0 {
		return
	}
	tg := docs[r.pick(len(docs))]
	a := r.someAmount(min(pay.unallocated(), tg.open()))
	want, plan := r.plan(pay, nil, pay.unallocated(), []*mDoc{tg}, []int64{a})
	if pay.removed { // checked before the amounts and targets
		want = string(ledger.ReasonPaymentRemoved)
	}
	before := r.snapFor(want)
	_, err := r.st.AllocateSupplierPayment(r.ctx, r.p, r.ent, pay.id, []purchases.AllocationInput{allocIn(tg, a)})
	if r.expect(err, want, before) {
		r.settle(plan[0])
		r.newAllocations()
	}
}

func (r *purchRun) applyCreditNote() {
	r.what = "apply credit note"
	var cns []*mDoc
	for _, d := range r.docs {
		if d.kind == purchases.KindCreditNote && (d.open() > 0 || r.chance(0.1)) {
			cns = append(cns, d)
		}
	}
	if len(cns) == 0 {
		return
	}
	cn := cns[r.pick(len(cns))]
	docs := r.targets(purchases.KindInvoice, cn.sup, cn.cur)
	if len(docs) == 0 {
		return
	}
	tg := docs[r.pick(len(docs))]
	a := r.someAmount(min(cn.open(), tg.open()))
	want, plan := r.plan(nil, cn, cn.open(), []*mDoc{tg}, []int64{a})
	// The source is checked (after the locks) before the amounts and
	// targets.
	switch cn.status {
	case purchases.StatusReversed:
		want = string(ledger.ReasonPurchaseInvoiceReversed)
	case purchases.StatusDraft:
		want = string(ledger.ReasonInvoiceNotIssued)
	}
	before := r.snapFor(want)
	_, err := r.st.AllocatePurchaseCreditNote(r.ctx, r.p, r.ent, cn.id, []purchases.AllocationInput{allocIn(tg, a)})
	if r.expect(err, want, before) {
		r.settle(plan[0])
		r.newAllocations()
	}
}

func (r *purchRun) removeAllocation() {
	r.what = "remove allocation"
	if len(r.allocs) == 0 {
		return
	}
	a := r.allocs[r.pick(len(r.allocs))]
	want := ""
	if a.removed {
		want = string(ledger.ReasonAllocationRemoved)
	}
	before := r.snapFor(want)
	_, err := r.st.RemovePurchaseAllocation(r.ctx, r.p, r.ent, a.id)
	if r.expect(err, want, before) {
		r.move(a, -1)
		a.removed = true
	}
}

func (r *purchRun) removePayment() {
	r.what = "remove payment"
	if len(r.pays) == 0 {
		return
	}
	p := r.pays[r.pick(len(r.pays))]
	want := ""
	switch {
	case p.removed:
		want = string(ledger.ReasonPaymentRemoved)
	case p.matched:
		// Its entry's bank line is reconciled: the reversal would undo
		// a matched line (docs/bank.md).
		want = string(ledger.ReasonEntryReconciled)
	}
	before := r.snapFor(want)
	_, err := r.st.RemoveSupplierPayment(r.ctx, r.p, r.ent, p.id)
	if !r.expect(err, want, before) {
		return
	}
	for _, a := range r.allocs {
		if !a.removed && (a.owedPay == p || a.setPay == p) {
			r.move(a, -1)
			a.removed = true
		}
	}
	p.removed = true
}

// ---- payment proposals and batches ----

// dueDocs are what a proposal takes: booked documents with something open,
// invoices due by dueBy (no due date: dated by then), the credit notes of
// the suppliers that have such an invoice.
func (r *purchRun) dueDocs(dueBy ledger.Date, sup int) []*mDoc {
	var docs []*mDoc
	due := map[int]bool{}
	for _, d := range r.docs {
		if d.open() <= 0 || (sup >= 0 && d.sup != sup) {
			continue
		}
		if d.kind == purchases.KindInvoice {
			when := d.invDate
			if d.due != nil {
				when = *d.due
			}
			if when.After(dueBy) {
				continue
			}
			due[d.sup] = true
		}
		docs = append(docs, d)
	}
	return slices.DeleteFunc(docs, func(d *mDoc) bool { return !due[d.sup] })
}

// transfers plans one supplier's documents as the rules say (EUR, an IBAN
// of the SEPA countries, each invoice with a payment reference a transfer
// of its own, the rest one transfer that must come out positive) and
// returns the first problem, or the items with their transfer numbers
// counted from next.
func (r *purchRun) transfers(docs []*mDoc, next int) (string, []mItem, int) {
	sup := r.sups[docs[0].sup]
	switch {
	case sup.iban == "":
		return string(ledger.ReasonSupplierIBANMissing), nil, next
	case !sup.sepa:
		return string(ledger.ReasonSupplierIBANNotSEPA), nil, next
	}
	for _, d := range docs {
		if d.cur != "EUR" {
			return string(ledger.ReasonCurrencyNotAllowed), nil, next
		}
	}
	sorted := slices.Clone(docs)
	sortDocs(sorted)
	var plain, refs []mItem
	var sum int64
	for _, d := range sorted {
		if d.kind == purchases.KindInvoice && d.payRef != "" {
			refs = append(refs, mItem{doc: d, amount: d.signed()})
			continue
		}
		plain = append(plain, mItem{doc: d, amount: d.signed()})
		sum += d.signed()
	}
	if len(plain) > 0 && sum <= 0 {
		return string(ledger.ReasonAmountNotPositive), nil, next
	}
	var out []mItem
	if len(plain) > 0 {
		for _, it := range plain {
			it.transfer = next
			out = append(out, it)
		}
		next++
	}
	for _, it := range refs {
		it.transfer = next
		out = append(out, it)
		next++
	}
	return "", out, next
}

// sortDocs orders documents as a proposal shows them: by supplier,
// invoices before credit notes, due date, id.
func sortDocs(docs []*mDoc) {
	slices.SortStableFunc(docs, func(a, b *mDoc) int {
		if a.sup != b.sup {
			return int(a.supID - b.supID)
		}
		if a.kind != b.kind {
			if a.kind == purchases.KindInvoice {
				return -1
			}
			return 1
		}
		ad, bd := ledger.Date{}, ledger.Date{}
		if a.due != nil {
			ad = *a.due
		}
		if b.due != nil {
			bd = *b.due
		}
		if c := ad.Compare(bd); c != 0 {
			return c
		}
		return int(a.id - b.id)
	})
}

type mGroup struct {
	sup           int
	cur           string
	docs, leftOut []*mDoc
	amount        int64
	payable       bool
}

// proposal is the payment proposal by the rules, per supplier/currency.
func (r *purchRun) proposal(dueBy ledger.Date, sup int) (map[string]*mGroup, int64) {
	groups := map[string]*mGroup{}
	for _, d := range r.dueDocs(dueBy, sup) {
		key := fmt.Sprintf("%d/%s", r.sups[d.sup].id, d.cur)
		g := groups[key]
		if g == nil {
			g = &mGroup{sup: d.sup, cur: d.cur}
			groups[key] = g
		}
		if d.liveBatch() != nil {
			g.leftOut = append(g.leftOut, d)
			continue
		}
		g.docs = append(g.docs, d)
		g.amount += d.signed()
	}
	var total int64
	for _, g := range groups {
		if len(g.docs) > 0 {
			why, _, _ := r.transfers(g.docs, 1)
			g.payable = why == ""
		}
		if g.payable {
			total += g.amount
		}
	}
	return groups, total
}

func ids(docs []*mDoc) []int64 {
	out := []int64{}
	for _, d := range docs {
		out = append(out, d.id)
	}
	slices.Sort(out)
	return out
}

func (r *purchRun) checkProposal() {
	r.what = "proposal"
	dueBy := ledger.NewDate(2026, 1, 1).AddDays(r.pick(300))
	sup := -1
	var supID int64
	if r.chance(0.3) {
		sup = r.pick(len(r.sups))
		supID = r.sups[sup].id
	}
	got, err := r.st.PaymentProposal(r.ctx, r.ent.ID, dueBy, supID)
	if err != nil {
		r.fail("proposal: %v", err)
	}
	want, total := r.proposal(dueBy, sup)
	if len(got.Groups) != len(want) || got.Total != fmtMinor(total) {
		r.fail("proposal due by %s: %d groups, total %s; the rules give %d, %s", dueBy, len(got.Groups), got.Total, len(want), fmtMinor(total))
	}
	for _, g := range got.Groups {
		w := want[fmt.Sprintf("%d/%s", g.SupplierID, g.Currency)]
		if w == nil {
			r.fail("proposal group %d/%s is not in the model", g.SupplierID, g.Currency)
		}
		var docs, left []int64
		for _, d := range g.Documents {
			docs = append(docs, d.ID)
			if m := r.byDoc[d.ID]; m == nil || d.OpenMinor != m.signed() {
				r.fail("proposal document %d open %d; the model %+v", d.ID, d.OpenMinor, m)
			}
		}
		for _, d := range g.LeftOut {
			left = append(left, d.ID)
			if m := r.byDoc[d.ID]; m == nil || m.liveBatch() == nil || *d.BatchID != m.liveBatch().id {
				r.fail("proposal left out %d in batch %v; the model %+v", d.ID, d.BatchID, m)
			}
		}
		slices.Sort(docs)
		slices.Sort(left)
		if !slices.Equal(docs, ids(w.docs)) || !slices.Equal(left, ids(w.leftOut)) || g.AmountMinor != w.amount || g.Payable != w.payable {
			r.fail("proposal group %d/%s: documents %v, left out %v, amount %d, payable %v (%+v); the rules give %v, %v, %d, %v",
				g.SupplierID, g.Currency, docs, left, g.AmountMinor, g.Payable, g.Problems, ids(w.docs), ids(w.leftOut), w.amount, w.payable)
		}
	}
	r.stats["ok proposal"]++
}

func (r *purchRun) createBatch() {
	r.what = "batch"
	in := &purchases.BatchInput{BankAccountID: &r.bankID, ExecutionDate: ptr(ledger.NewDate(2099, 1, 5))}
	want := ""
	var items []mItem
	var transfers int
	bySup := func(docs []*mDoc) {
		per := map[int][]*mDoc{}
		var order []int
		for _, d := range docs {
			if _, ok := per[d.sup]; !ok {
				order = append(order, d.sup)
			}
			per[d.sup] = append(per[d.sup], d)
		}
		slices.SortFunc(order, func(a, b int) int { return int(r.sups[a].id - r.sups[b].id) })
		next := 1
		for _, s := range order {
			why, its, n := r.transfers(per[s], next)
			if why != "" && want == "" {
				want = why
			}
			next = n
			items = append(items, its...)
		}
		transfers = next - 1
	}
	if r.chance(0.7) {
		dueBy := ledger.NewDate(2026, 1, 1).AddDays(r.pick(300))
		in.DueBy = &dueBy
		groups, _ := r.proposal(dueBy, -1)
		var docs []*mDoc
		for _, g := range groups {
			if g.payable {
				docs = append(docs, g.docs...)
			}
		}
		if len(docs) == 0 {
			want = string(ledger.ReasonBatchEmpty)
		} else {
			bySup(docs)
		}
	} else {
		var docs []*mDoc
		twice := false
		for k := 0; k < 1+r.pick(4); k++ {
			var cands []*mDoc
			for _, d := range r.docs {
				if (d.open() > 0 && d.cur == "EUR" && d.liveBatch() == nil) || r.chance(0.05) {
					cands = append(cands, d)
				}
			}
			if len(cands) == 0 {
				break
			}
			d := cands[r.pick(len(cands))]
			if !slices.Contains(docs, d) {
				docs = append(docs, d)
				in.PurchaseInvoiceIDs = append(in.PurchaseInvoiceIDs, d.id)
			} else if r.chance(0.5) {
				in.PurchaseInvoiceIDs = append(in.PurchaseInvoiceIDs, d.id) // named twice
				twice = true
			}
		}
		if len(docs) == 0 {
			return
		}
		if twice { // the input's own rules come first
			want = string(ledger.ReasonParameterInvalid)
		}
		for _, d := range docs {
			sup := r.sups[d.sup]
			why := ""
			switch {
			case d.open() <= 0:
				why = string(ledger.ReasonPurchaseInvoiceNotOpen)
			case d.liveBatch() != nil:
				why = string(ledger.ReasonPurchaseInvoiceInBatch)
			case d.cur != "EUR":
				why = string(ledger.ReasonCurrencyNotAllowed)
			case sup.iban == "":
				why = string(ledger.ReasonSupplierIBANMissing)
			case !sup.sepa:
				why = string(ledger.ReasonSupplierIBANNotSEPA)
			}
			if why != "" && want == "" {
				want = why
			}
		}
		if want == "" {
			bySup(docs)
		}
	}
	before := r.snapFor(want)
	got, err := r.st.CreatePaymentBatch(r.ctx, r.p, r.ent, in)
	if !r.expect(err, want, before) {
		return
	}
	b := &mBatch{id: got.ID, status: purchases.BatchOpen, items: items, transfers: transfers}
	for _, it := range items {
		b.total += it.amount
		it.doc.batch = b
	}
	r.batches = append(r.batches, b)
	r.checkBatch(b)
	if r.chance(0.5) {
		r.export(b)
	}
}

// checkBatch compares a batch with the model: status, transfers, total
// and each document's item.
func (r *purchRun) checkBatch(b *mBatch) {
	got, err := r.st.PaymentBatch(r.ctx, r.ent.ID, b.id)
	if err != nil {
		r.fail("batch %d: %v", b.id, err)
	}
	items := map[int64][2]int64{}
	for _, t := range got.Transfers {
		for _, it := range t.Items {
			items[it.PurchaseInvoiceID] = [2]int64{int64(t.TransferNo), it.AmountMinor}
		}
	}
	want := map[int64][2]int64{}
	for _, it := range b.items {
		want[it.doc.id] = [2]int64{int64(it.transfer), it.amount}
	}
	if got.Status != b.status || got.Count != b.transfers || got.TotalMinor != b.total || fmt.Sprint(items) != fmt.Sprint(want) {
		r.fail("batch %d: %s, %d transfers, total %d, items %v; the rules give %s, %d, %d, %v", b.id, got.Status, got.Count, got.TotalMinor,
			items, b.status, b.transfers, b.total, want)
	}
}

func (r *purchRun) pickBatch() *mBatch {
	if len(r.batches) == 0 {
		return nil
	}
	return r.batches[r.pick(len(r.batches))]
}

func (r *purchRun) exportBatch() {
	b := r.pickBatch()
	for _, x := range r.batches {
		if x.status == purchases.BatchOpen && r.chance(0.8) {
			b = x
		}
	}
	if b != nil {
		r.export(b)
	}
}

func (r *purchRun) export(b *mBatch) {
	r.what = "export"
	again := b.status == purchases.BatchExported && r.chance(0.5)
	want := ""
	switch {
	case b.status == purchases.BatchCancelled:
		want = string(ledger.ReasonBatchCancelled)
	case b.status == purchases.BatchExported && !again:
		want = string(ledger.ReasonBatchExported)
	case b.status == purchases.BatchOpen:
		for _, it := range b.items {
			if it.doc.open() < max(it.amount, -it.amount) {
				want = string(ledger.ReasonPurchaseInvoiceNotOpen)
			}
		}
	}
	before := r.snapFor(want)
	_, file, err := r.st.ExportPaymentBatch(r.ctx, r.p, r.ent, b.id, "", again)
	if !r.expect(err, want, before) {
		return
	}
	b.status = purchases.BatchExported
	if !strings.Contains(string(file), fmt.Sprintf("<NbOfTxs>%d</NbOfTxs>", b.transfers)) ||
		!strings.Contains(string(file), "<CtrlSum>"+fmtMinor(b.total)+"</CtrlSum>") {
		r.fail("the file of batch %d lacks %d transfers of %s in all", b.id, b.transfers, fmtMinor(b.total))
	}
	r.checkBatch(b)
}

func (r *purchRun) cancelBatch() {
	r.what = "cancel batch"
	b := r.pickBatch()
	if b == nil {
		return
	}
	want := ""
	if b.status == purchases.BatchCancelled {
		want = string(ledger.ReasonBatchCancelled)
	}
	before := r.snapFor(want)
	_, err := r.st.CancelPaymentBatch(r.ctx, r.p, r.ent, b.id)
	if r.expect(err, want, before) {
		b.status = purchases.BatchCancelled
		r.checkBatch(b)
	}
}

// ---- the bank ----

// importLine imports a statement of one line of money out (amount > 0
// paid) with the counterparty IBAN, one day after the last.
func (r *purchRun) importLine(amount int64, iban string) *mLine {
	r.t.Helper()
	r.bankDay = r.bankDay.AddDays(1)
	r.statements++
	opening := r.bankBal
	r.bankBal -= amount
	day := r.bankDay.String()
	party := ""
	if iban != "" {
		party = "<RltdPties><Cdtr><Nm>Party</Nm></Cdtr><CdtrAcct><Id><IBAN>" + iban + "</IBAN></Id></CdtrAcct></RltdPties>"
	}
	side := func(v int64) (string, string) {
		if v < 0 {
			return fmtMinor(-v), "DBIT"
		}
		return fmtMinor(v), "CRDT"
	}
	oa, oside := side(opening)
	ca, cside := side(r.bankBal)
	la, lside := side(-amount)
	xml := fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>R-%[1]d</MsgId><CreDtTm>%[2]sT20:00:00</CreDtTm></GrpHdr>
<Stmt><Id>R-%[1]d</Id><FrToDt><FrDtTm>%[2]sT00:00:00</FrDtTm><ToDtTm>%[2]sT23:59:59</ToDtTm></FrToDt><Acct><Id><IBAN>%[3]s</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">%[4]s</Amt><CdtDbtInd>%[5]s</CdtDbtInd><Dt><Dt>%[2]s</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">%[6]s</Amt><CdtDbtInd>%[7]s</CdtDbtInd><Dt><Dt>%[2]s</Dt></Dt></Bal>
<Ntry><Amt Ccy="EUR">%[8]s</Amt><CdtDbtInd>%[9]s</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>%[2]s</Dt></BookgDt><AcctSvcrRef>REF-%[1]d</AcctSvcrRef>
<NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>%[10]s<RmtInf><Ustrd>Betaling %[1]d</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>`,
		r.statements, day, bankIBAN, oa, oside, ca, cside, la, lside, party)
	if _, err := r.bs.ImportStatement(r.ctx, r.p, r.ent, r.bankID, &bank.ImportInput{Format: bank.FormatCAMT053, FileName: "s.xml", Data: []byte(xml), NoAutoMatch: true}); err != nil {
		r.fail("import: %v", err)
	}
	got, err := r.bs.StatementLines(r.ctx, r.ent.ID, r.bankID, bank.LineFilter{After: r.lastLine, Limit: 10})
	if err != nil || len(got) != 1 || got[0].AmountMinor != -amount || got[0].CounterIBAN != iban {
		r.fail("the imported line: %+v %v", got, err)
	}
	r.lastLine = got[0].ID
	l := &mLine{id: got[0].ID, amount: -amount, iban: iban, date: r.bankDay}
	r.lines = append(r.lines, l)
	return l
}

// payByHand records a supplier payment and matches it with a statement
// line of its amount by hand; a match of the line alone does not add up.
func (r *purchRun) payByHand() {
	r.recordPayment(false)
	if len(r.pays) == 0 {
		return
	}
	p := r.pays[len(r.pays)-1]
	if p.cur != "EUR" || p.removed || p.matched || p.refund {
		return
	}
	r.what = "match by hand"
	p.matched = true
	l := r.importLine(p.amount, "")
	e, err := r.l.Entry(r.ctx, r.ent.ID, p.entryID)
	if err != nil {
		r.fail("entry: %v", err)
	}
	var ref bank.LineRef
	for _, x := range e.Lines {
		if x.AccountCode == "1000" {
			ref = bank.LineRef{EntryID: e.ID, LineNo: x.LineNo}
		}
	}
	before := r.snap()
	_, err = r.bs.Match(r.ctx, r.p, r.ent, r.bankID, &bank.MatchInput{StatementLines: []int64{l.id}})
	r.expect(err, string(ledger.ReasonMatchUnbalanced), before)
	before = r.snap()
	_, err = r.bs.Match(r.ctx, r.p, r.ent, r.bankID, &bank.MatchInput{StatementLines: []int64{l.id}, LedgerLines: []bank.LineRef{ref}})
	if r.expect(err, "", before) {
		l.matched = true
	}
}

// mProposal is a line's cash application by the rules: the documents (and
// amounts, a credit note's negative) it pays.
type mProposal struct {
	items []mItem
	kind  string // which rule found it
}

// outgoing works out the proposals for the unmatched lines of money out
// (docs/bank.md, money out): for the supplier with the line's
// counterparty IBAN, one open invoice of the amount, else all its open
// documents, else its items of an exported batch (all, or one transfer);
// else an exported batch of that total. Two lines that claim a document
// propose neither.
func (r *purchRun) outgoing() map[*mLine]*mProposal {
	open := map[*mDoc]bool{}
	var bySup [][]*mDoc
	bySup = make([][]*mDoc, len(r.sups))
	sorted := slices.Clone(r.docs)
	slices.SortFunc(sorted, func(a, b *mDoc) int {
		if a.sup != b.sup {
			return int(a.supID - b.supID)
		}
		return int(a.id - b.id)
	})
	for _, d := range sorted {
		if d.open() > 0 && d.cur == "EUR" && !r.sups[d.sup].archived {
			open[d] = true
			bySup[d.sup] = append(bySup[d.sup], d)
		}
	}
	stillOpen := func(items []mItem) bool {
		for _, it := range items {
			if !open[it.doc] || it.doc.open() < max(it.amount, -it.amount) {
				return false
			}
		}
		return len(items) > 0
	}
	var exported []*mBatch
	for _, b := range r.batches {
		if b.status == purchases.BatchExported {
			exported = append(exported, b)
		}
	}
	byOrder := func(items []mItem) []mItem {
		items = slices.Clone(items)
		slices.SortStableFunc(items, func(a, b mItem) int {
			if a.transfer != b.transfer {
				return a.transfer - b.transfer
			}
			return int(a.doc.id - b.doc.id)
		})
		return items
	}
	out := map[*mLine]*mProposal{}
	claims := map[*mDoc]int{}
	for _, l := range r.lines {
		if l.matched {
			continue
		}
		amt := -l.amount
		var found *mProposal
		for s, sup := range r.sups {
			if found != nil || l.iban == "" || sup.iban != l.iban || len(bySup[s]) == 0 {
				continue
			}
			var one []*mDoc
			var total int64
			invoices := 0
			for _, d := range bySup[s] {
				if d.kind == purchases.KindInvoice && d.open() == amt {
					one = append(one, d)
				}
				total += d.signed()
				if d.kind == purchases.KindInvoice {
					invoices++
				}
			}
			if len(one) == 1 {
				found = &mProposal{items: []mItem{{doc: one[0], amount: amt}}, kind: "one invoice"}
				break
			}
			if invoices > 0 && total == amt {
				found = &mProposal{kind: "all open"}
				for _, d := range bySup[s] {
					found.items = append(found.items, mItem{doc: d, amount: d.signed()})
				}
				break
			}
			for _, b := range exported {
				var all []mItem
				var sum int64
				transfers := map[int][]mItem{}
				var order []int
				for _, it := range byOrder(b.items) {
					if it.doc.sup == s {
						all = append(all, it)
						sum += it.amount
						if _, ok := transfers[it.transfer]; !ok {
							order = append(order, it.transfer)
						}
						transfers[it.transfer] = append(transfers[it.transfer], it)
					}
				}
				var its []mItem
				if sum == amt && stillOpen(all) {
					its = all
				}
				for _, n := range order {
					if its != nil {
						break
					}
					var tsum int64
					for _, it := range transfers[n] {
						tsum += it.amount
					}
					if tsum == amt && stillOpen(transfers[n]) {
						its = transfers[n]
					}
				}
				if its != nil {
					found = &mProposal{items: its, kind: "supplier's batch items"}
					break
				}
			}
		}
		if found == nil {
			for _, b := range exported {
				if b.total == amt && stillOpen(b.items) {
					found = &mProposal{items: byOrder(b.items), kind: "batch total"}
					break
				}
			}
		}
		if found == nil {
			continue
		}
		for _, it := range found.items {
			claims[it.doc]++
		}
		out[l] = found
	}
	for l, p := range out {
		for _, it := range p.items {
			if claims[it.doc] > 1 {
				delete(out, l)
				break
			}
		}
	}
	return out
}

// payFromBank imports a line of money out that pays (or means to pay)
// what a supplier has open and applies it as its proposal shows.
func (r *purchRun) payFromBank() {
	r.what = "bank line"
	if r.chance(0.05) {
		for _, l := range r.lines {
			if l.matched {
				before := r.snap()
				_, err := r.bs.ApplyCash(r.ctx, r.p, r.ent, r.bankID, l.id, &bank.CashInput{})
				r.expect(err, string(ledger.ReasonLineAlreadyMatched), before)
				return
			}
		}
	}
	s := r.pick(len(r.sups))
	sup := r.sups[s]
	var amount int64
	iban := sup.iban
	var open []*mDoc
	var sum int64
	for _, d := range r.docs {
		if d.sup == s && d.cur == "EUR" && d.open() > 0 {
			open = append(open, d)
			sum += d.signed()
		}
	}
	var exported []*mBatch
	for _, b := range r.batches {
		if b.status == purchases.BatchExported {
			exported = append(exported, b)
		}
	}
	switch k := r.pick(12); {
	case k < 4 && len(open) > 0:
		amount = open[r.pick(len(open))].open()
	case k < 6 && sum > 0:
		amount = sum
	case k < 10 && len(exported) > 0:
		b := exported[r.pick(len(exported))]
		amount = b.total
		if r.chance(0.5) {
			it := b.items[r.pick(len(b.items))]
			iban = r.sups[it.doc.sup].iban
			amount = 0
			for _, x := range b.items {
				if x.doc.sup == it.doc.sup {
					amount += x.amount
				}
			}
		}
	default:
		amount = 100 + int64(r.pick(90000))
		if r.chance(0.3) {
			iban = "NL02ABNA0123456789"
		}
	}
	if amount <= 0 {
		return
	}
	l := r.importLine(amount, iban)
	props := r.outgoing()
	pr := props[l]
	want := ""
	if pr == nil {
		want = string(ledger.ReasonNoProposal)
	}
	before := r.snapFor(want)
	_, err := r.bs.ApplyCash(r.ctx, r.p, r.ent, r.bankID, l.id, &bank.CashInput{})
	if !r.expect(err, want, before) {
		return
	}
	l.matched = true
	r.stats["bank line: "+pr.kind]++
	// One supplier payment per supplier (in the order they first come),
	// its credit notes first applied to its invoices in the items' order.
	var order []int
	per := map[int][]mItem{}
	for _, it := range pr.items {
		if _, ok := per[it.doc.sup]; !ok {
			order = append(order, it.doc.sup)
		}
		per[it.doc.sup] = append(per[it.doc.sup], it)
	}
	maxPay := int64(0)
	for _, p := range r.pays {
		maxPay = max(maxPay, p.id)
	}
	var newPays []*mPay
	for _, s := range order {
		type rest struct {
			doc    *mDoc
			amount int64
		}
		var invs []*rest
		var credits []mItem
		for _, it := range per[s] {
			if it.amount > 0 {
				invs = append(invs, &rest{it.doc, it.amount})
			} else {
				credits = append(credits, it)
			}
		}
		for _, cn := range credits {
			left := -cn.amount
			for _, inv := range invs {
				x := min(left, inv.amount)
				if x <= 0 {
					continue
				}
				r.settle(&mAlloc{owedDoc: inv.doc, setDoc: cn.doc, amount: x})
				inv.amount -= x
				left -= x
			}
			if left > 0 {
				r.fail("the rules leave %d of credit note %d unapplied in a disbursement", left, cn.doc.id)
			}
		}
		var total int64
		for _, inv := range invs {
			total += max(inv.amount, 0)
		}
		if total <= 0 {
			continue
		}
		pay := &mPay{sup: s, cur: "EUR", amount: total, functional: total, matched: true}
		r.pays = append(r.pays, pay)
		newPays = append(newPays, pay)
		for _, inv := range invs {
			if inv.amount > 0 {
				r.settle(&mAlloc{owedDoc: inv.doc, setPay: pay, amount: inv.amount})
			}
		}
	}
	// The payments' ids, in the order they were recorded.
	var rows []struct {
		ID, SupplierID, AmountMinor, EntryID int64
	}
	if err := r.l.Query(r.ctx).DB().Raw(`SELECT id, supplier_id, amount_minor, entry_id FROM supplier_payments WHERE entity_id = ? AND id > ? ORDER BY id`,
		r.ent.ID, maxPay).Scan(&rows).Error; err != nil {
		r.fail("payments: %v", err)
	}
	if len(rows) != len(newPays) {
		r.fail("%d supplier payments recorded; the rules record %d", len(rows), len(newPays))
	}
	for i, row := range rows {
		p := newPays[i]
		if row.SupplierID != r.sups[p.sup].id || row.AmountMinor != p.amount {
			r.fail("supplier payment %d: supplier %d, %d; the rules give %d, %d", row.ID, row.SupplierID, row.AmountMinor, r.sups[p.sup].id, p.amount)
		}
		p.id, p.entryID = row.ID, row.EntryID
		r.byPay[p.id] = p
	}
	r.newAllocations()
}

// archive archives supplier B (late in a sequence, once).
func (r *purchRun) archive() {
	r.what = "archive"
	if r.op < 200 || r.sups[1].archived {
		return
	}
	before := r.snapFor("")
	_, err := r.st.ArchiveSupplier(r.ctx, r.p, r.ent, r.sups[1].id)
	r.expect(err, "", before)
	r.sups[1].archived = true
}

// ---- checks ----

// payables is the credit balance the payables account holds by the model:
// per docs/purchases.md (Reports and verify), the open booked purchase
// documents at their functional carrying amounts (invoices positive,
// credit notes negative: functional total less what allocations
// released) less the unallocated supplier payments at theirs (a refund
// positive). Reversed documents and removed payments hold nothing.
func (r *purchRun) payables() int64 {
	var sum int64
	for _, d := range r.docs {
		if d.kind == purchases.KindInvoice {
			sum += d.openF()
		} else {
			sum -= d.openF()
		}
	}
	for _, p := range r.pays {
		if p.refund {
			sum += p.openF()
		} else {
			sum -= p.openF()
		}
	}
	return sum
}

func (r *purchRun) balances() map[string]int64 {
	tot, err := r.l.Balances(r.ctx, r.ent.ID, ledger.NewDate(2100, 1, 1), 0)
	if err != nil {
		r.fail("balances: %v", err)
	}
	accounts, err := r.l.Accounts(r.ctx, r.ent.ID, true)
	if err != nil {
		r.fail("accounts: %v", err)
	}
	out := map[string]int64{}
	for _, a := range accounts {
		if t, ok := tot[a.ID]; ok {
			out[a.Code] = t.Net()
		}
	}
	return out
}

// checkPayables compares the payables account, as the store's report
// states it (one account's balance: this runs after every step), with the
// model's open documents less unallocated payments.
func (r *purchRun) checkPayables() {
	r.t.Helper()
	code, got, err := r.st.PayablesBalance(r.ctx, r.ent, ledger.NewDate(2100, 1, 1))
	if err != nil {
		r.fail("payables balance: %v", err)
	}
	if want := r.payables(); code != "1600" || got != want {
		r.fail("payables (%s) hold %s credit; the open documents less unallocated payments make %s", code, fmtMinor(got), fmtMinor(want))
	}
}

// checkSupplierStatements compares each supplier's statement (built from
// the store's SupplierActivity) per currency with the model's balance:
// what the store reports, beside the rows compared one by one.
func (r *purchRun) checkSupplierStatements(modelBal map[string]int64) {
	r.t.Helper()
	for _, sup := range r.sups {
		curs := []string{"EUR"}
		if sup.usd {
			curs = append(curs, "USD")
		}
		for _, cur := range curs {
			st, err := statements.SupplierStatementReport(r.ctx, r.st, r.ent, sup.id, ledger.NewDate(2025, 1, 1), ledger.NewDate(2030, 12, 31), cur, "en")
			if err != nil {
				r.fail("statement of supplier %d in %s: %v", sup.id, cur, err)
			}
			if want := modelBal[fmt.Sprintf("%d/%s", sup.id, cur)]; st.ClosingBalance.Minor != want {
				r.fail("supplier %d's statement in %s closes at %s; the model's documents and payments leave %s open", sup.id, cur,
					fmtMinor(st.ClosingBalance.Minor), fmtMinor(want))
			}
		}
	}
}

// check compares every document, payment and batch with the store, and
// each supplier's balance (per currency) with the model's.
func (r *purchRun) check() {
	r.t.Helper()
	docs, err := r.st.PurchaseInvoices(r.ctx, r.ent.ID, purchases.InvoiceFilter{Limit: 100000})
	if err != nil {
		r.fail("list: %v", err)
	}
	if len(docs) != len(r.docs) {
		r.fail("%d purchase documents in the store, %d in the model", len(docs), len(r.docs))
	}
	storeBal, modelBal := map[string]int64{}, map[string]int64{}
	for _, g := range docs {
		m := r.byDoc[g.ID]
		if m == nil {
			r.fail("document %d is not in the model", g.ID)
		}
		if g.Kind != m.kind || g.Status != m.status || g.TotalMinor != m.total || g.SettledMinor != m.settled || g.PaidMinor != m.paid ||
			g.SettledFunctionalMinor != m.settledF || g.State() != m.state() || g.Number != m.number || g.OpenMinor() != m.open() ||
			g.Currency != m.cur || (m.status != purchases.StatusDraft && g.FunctionalTotalMinor != m.functional) {
			r.fail("document %d (%s %s): store %s %s total %d settled %d (functional %d) paid %d state %s; model %s %s %d %d (%d) %d %s",
				g.ID, g.Kind, g.Number, g.Status, g.Number, g.TotalMinor, g.SettledMinor, g.SettledFunctionalMinor, g.PaidMinor, g.State(),
				m.status, m.number, m.total, m.settled, m.settledF, m.paid, m.state())
		}
		if m.due != nil && (g.DueDate == nil || *g.DueDate != *m.due) {
			r.fail("document %d due %v; the model %s", g.ID, g.DueDate, m.due)
		}
		key := fmt.Sprintf("%d/%s", g.SupplierID, g.Currency)
		if g.Kind == purchases.KindInvoice {
			storeBal[key] += g.OpenMinor()
		} else {
			storeBal[key] -= g.OpenMinor()
		}
		modelBal[fmt.Sprintf("%d/%s", r.sups[m.sup].id, m.cur)] += m.signed()
	}
	pays, err := r.st.SupplierPayments(r.ctx, r.ent.ID, purchases.PaymentFilter{Limit: 100000})
	if err != nil {
		r.fail("payments: %v", err)
	}
	if len(pays) != len(r.pays) {
		r.fail("%d supplier payments in the store, %d in the model", len(pays), len(r.pays))
	}
	for _, p := range pays {
		m := r.byPay[p.ID]
		if m == nil || p.SupplierID != r.sups[m.sup].id || p.AmountMinor != m.amount || p.UnallocatedMinor() != m.unallocated() ||
			(p.RemovedAt != nil) != m.removed || (p.Direction == purchases.DirectionRefund) != m.refund || p.Currency != m.cur ||
			p.FunctionalMinor != m.functional || p.SettledFunctionalMinor != m.settledF {
			r.fail("supplier payment %d: store %+v; model %+v", p.ID, p, m)
		}
		var standing int64
		for _, a := range p.Allocations {
			if a.RemovedAt == nil {
				standing += a.AmountMinor
			}
		}
		if standing != p.SettledMinor {
			r.fail("supplier payment %d: settled %d, its standing allocations %d", p.ID, p.SettledMinor, standing)
		}
		key := fmt.Sprintf("%d/%s", p.SupplierID, p.Currency)
		mkey := fmt.Sprintf("%d/%s", r.sups[m.sup].id, m.cur)
		if m.refund {
			storeBal[key] += p.UnallocatedMinor()
			modelBal[mkey] += m.unallocated()
		} else {
			storeBal[key] -= p.UnallocatedMinor()
			modelBal[mkey] -= m.unallocated()
		}
	}
	for k, v := range modelBal {
		if storeBal[k] != v {
			r.fail("supplier/currency %s: the store's documents and payments leave %s open; the model %s", k, fmtMinor(storeBal[k]), fmtMinor(v))
		}
	}
	for k, v := range storeBal {
		if modelBal[k] != v {
			r.fail("supplier/currency %s: the store leaves %s open; the model %s", k, fmtMinor(v), fmtMinor(modelBal[k]))
		}
	}
	r.checkSupplierStatements(modelBal)
	for _, b := range r.batches {
		r.checkBatch(b)
	}
	r.checkPayables()
}

const bankIBAN = "NL20INGB0001234567"

// TestRandomPurchases runs random sequences of what purchases does —
// suppliers' invoices and credit notes entered, changed, deleted, booked
// and reversed; supplier payments and refunds, allocations of payments
// and credit notes and their removal; payment proposals and batches,
// exported and cancelled; statement lines of money out matched by hand
// to a supplier payment or applied to open documents and batches —
// against an independent model. Each refusal is predicted with its
// reason and must change nothing; documents, payments, batches and
// supplier balances are compared as it runs, the payables account after
// every step; at the end the trial balance balances and verify is clean.
// BACKOFFICE_PURCHASES_SEED replays one sequence (the seed is in every
// failure); without it the default and the regression seeds run.
func TestRandomPurchases(t *testing.T) {
	seeds := append([]uint64{purchasesDefaultSeed}, purchasesRegressionSeeds...)
	if s := os.Getenv(purchasesSeedEnv); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("%s=%q: %v", purchasesSeedEnv, s, err)
		}
		seeds = []uint64{v}
	}
	steps := purchasesSteps
	if testing.Short() {
		steps = purchasesSteps / 4 // still past op 44, where the default seed met a bug
	}
	for _, seed := range seeds {
		t.Run(strconv.FormatUint(seed, 10), func(t *testing.T) {
			t.Parallel()
			runPurchases(t, seed, steps)
		})
	}
}

func runPurchases(t *testing.T, seed uint64, steps int) {
	t.Logf("seed %d (%s=%d replays it)", seed, purchasesSeedEnv, seed)
	ctx := context.Background()
	l := sqltest.Open(t)
	st := purchstore.New(l)
	bs := bankstore.New(l, nil).WithPayables(st.Payables())
	ent, p := sqltest.Entity(t, l, "Buyer")
	r := &purchRun{t: t, ctx: ctx, l: l, st: st, bs: bs, ent: ent, p: p, seed: seed,
		rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), byDoc: map[int64]*mDoc{}, byPay: map[int64]*mPay{},
		bankDay: ledger.NewDate(2026, 6, 30), bankBal: 10_000_000, stats: map[string]int{}}
	acct, err := bs.CreateBankAccount(ctx, p, ent, &bank.AccountInput{Account: ptr("1000"), IBAN: ptr(bankIBAN), Name: ptr("Betaalrekening")})
	if err != nil {
		t.Fatal(err)
	}
	r.bankID = acct.ID
	for i, s := range []struct {
		iban  string
		sepa  bool
		terms int
		usd   bool
	}{
		{"NL39RABO0300065264", true, 30, false},
		{"NL28RABO0318427756", true, 14, false},
		{"", true, 30, false},
		{"TR330006100519786457841326", false, 60, true},
	} {
		in := &purchases.SupplierInput{Name: ptr(fmt.Sprintf("Supplier %c B.V.", 'A'+i)), PaymentTermsDays: &s.terms}
		if s.iban != "" {
			in.IBAN = &s.iban
		}
		sup, err := st.CreateSupplier(ctx, p, ent, in)
		if err != nil {
			t.Fatal(err)
		}
		r.sups = append(r.sups, &mSup{id: sup.ID, iban: s.iban, sepa: s.sepa, terms: s.terms, usd: s.usd})
	}
	ops := []struct {
		weight int
		run    func()
	}{
		{26, r.createDoc},
		{6, r.bookDraft},
		{3, r.updateDraft},
		{3, r.deleteDraft},
		{5, r.reverse},
		{12, func() { r.recordPayment(false) }},
		{4, func() { r.recordPayment(true) }},
		{8, r.allocateLater},
		{6, r.applyCreditNote},
		{7, r.removeAllocation},
		{3, r.removePayment},
		{4, r.checkProposal},
		{4, r.createBatch},
		{4, r.exportBatch},
		{2, r.cancelBatch},
		{3, r.payByHand},
		{6, r.payFromBank},
		{1, r.archive},
	}
	var total int
	for _, o := range ops {
		total += o.weight
	}
	for r.op = 0; r.op < steps; r.op++ {
		w := r.pick(total)
		for _, o := range ops {
			if w < o.weight {
				o.run()
				break
			}
			w -= o.weight
		}
		r.checkPayables()
		if r.op%50 == 49 {
			r.check()
		}
	}
	r.what = "final check"
	r.check()
	var sum int64
	bal := r.balances()
	for _, v := range bal {
		sum += v
	}
	if sum != 0 {
		r.fail("the trial balance is off by %d: %v", sum, bal)
	}
	rep, err := l.Verify(ctx)
	if err != nil {
		r.fail("verify: %v", err)
	}
	if len(rep.Breaches) > 0 {
		r.fail("verify: %s", strings.Join(rep.Breaches, "; "))
	}
	t.Logf("outcomes: %v", r.stats)
	// The floors are for a full sequence; a short one (-short) does a part.
	floor := func(n int) int { return max(1, n*steps/purchasesSteps) }
	if r.stats["ok enter"] < floor(30) || r.stats["ok pay"] < floor(10) || len(r.allocs) < floor(20) || r.stats["ok batch"] < floor(2) || r.stats["ok bank line"] < floor(2) {
		t.Fatalf("the sequence did too little to test anything: %v", r.stats)
	}
}
