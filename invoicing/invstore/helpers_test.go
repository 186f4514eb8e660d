package invstore_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"backoffice/invoicing"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore/sqltest"
)

// onPostgres reports whether the tests run on PostgreSQL.
func onPostgres() bool { return os.Getenv(sqltest.EnvURL) != "" }

// scalar runs a query that returns one integer (gorm rewrites ? for the
// dialect).
func (f *fixture) scalar(q string, args ...any) int64 {
	f.t.Helper()
	var n int64
	if err := f.st.Query(ctx).DB().Raw(q, args...).Scan(&n).Error; err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
	return n
}

// snapshot is what a refused write must leave as it was: row counts of
// every table invoicing and posting touch, the counters (numbers and entry
// numbers) and the settlement columns.
type snapshot map[string]int64

func (f *fixture) snap() snapshot {
	f.t.Helper()
	s := snapshot{}
	for _, t := range []string{"journal_entries", "journal_lines", "payments", "allocations", "invoices", "invoice_lines", "counters", "account_totals", "vat_totals"} {
		s[t] = f.count(t)
	}
	s["counters.value"] = f.scalar(`SELECT coalesce(sum(value), 0) FROM counters`)
	s["invoices.settled"] = f.scalar(`SELECT coalesce(sum(settled_minor + paid_minor + credit_noted_minor + settled_functional_minor), 0) FROM invoices`)
	s["invoices.issued"] = f.scalar(`SELECT count(*) FROM invoices WHERE status <> 'draft'`)
	s["payments.settled"] = f.scalar(`SELECT coalesce(sum(settled_minor + settled_functional_minor), 0) FROM payments`)
	s["payments.removed"] = f.scalar(`SELECT count(*) FROM payments WHERE removed_at IS NOT NULL`)
	s["allocations.removed"] = f.scalar(`SELECT count(*) FROM allocations WHERE removed_at IS NOT NULL`)
	s["account_totals.sum"] = f.scalar(`SELECT coalesce(sum(debit_minor + 3 * credit_minor), 0) FROM account_totals`)
	return s
}

// unchanged fails when anything in the snapshot changed since before.
func (f *fixture) unchanged(before snapshot) {
	f.t.Helper()
	after := f.snap()
	var diffs []string
	for k, v := range before {
		if after[k] != v {
			diffs = append(diffs, fmt.Sprintf("%s %d -> %d", k, v, after[k]))
		}
	}
	if len(diffs) > 0 {
		f.t.Fatalf("a refused write changed the database: %s", strings.Join(diffs, ", "))
	}
}

func (f *fixture) customerWith(in *invoicing.CustomerInput) *invoicing.Customer {
	f.t.Helper()
	if in.Address == nil {
		in.Address = &ledger.Address{Lines: []string{"Main Street 1"}, Postcode: "1000", City: "Brussels", Country: "BE"}
	}
	c, err := f.st.CreateCustomer(ctx, f.p, f.ent, in)
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

func (f *fixture) draftIn(in *invoicing.InvoiceInput) *invoicing.Invoice {
	f.t.Helper()
	inv, err := f.st.CreateInvoice(ctx, f.p, f.ent, in)
	if err != nil {
		f.t.Fatal(err)
	}
	return inv
}

func (f *fixture) issue(inv *invoicing.Invoice) *invoicing.Invoice {
	f.t.Helper()
	out, err := f.st.IssueInvoice(ctx, f.p, f.ent, inv.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return out
}

// fxInvoice issues an invoice in the customer's currency at rate.
func (f *fixture) fxInvoice(c *invoicing.Customer, date, rate string, lines ...invoicing.LineInput) *invoicing.Invoice {
	f.t.Helper()
	return f.issue(f.draftIn(&invoicing.InvoiceInput{CustomerID: &c.ID, Currency: &c.Currency, ExchangeRate: &rate, IssueDate: &date, Lines: &lines}))
}

// fxPay records a payment in the customer's currency at rate.
func (f *fixture) fxPay(c *invoicing.Customer, date, amount, rate string, allocs ...invoicing.AllocationInput) *invoicing.Payment {
	f.t.Helper()
	pay, err := f.st.RecordPayment(ctx, f.p, f.ent, &invoicing.PaymentInput{CustomerID: &c.ID, Date: &date, Amount: &amount,
		Currency: &c.Currency, ExchangeRate: &rate, Allocations: allocs})
	if err != nil {
		f.t.Fatal(err)
	}
	return pay
}

func (f *fixture) refund(c *invoicing.Customer, date, amount string, allocs ...invoicing.AllocationInput) *invoicing.Payment {
	f.t.Helper()
	dir := invoicing.DirectionRefund
	pay, err := f.st.RecordPayment(ctx, f.p, f.ent, &invoicing.PaymentInput{CustomerID: &c.ID, Direction: &dir, Date: &date, Amount: &amount, Allocations: allocs})
	if err != nil {
		f.t.Fatal(err)
	}
	return pay
}

func (f *fixture) creditNote(inv *invoicing.Invoice, date string, lines ...invoicing.CreditLineInput) *invoicing.Invoice {
	f.t.Helper()
	cn, err := f.st.CreateCreditNote(ctx, f.p, f.ent, inv.ID, &invoicing.CreditNoteInput{IssueDate: &date, Lines: lines})
	if err != nil {
		f.t.Fatal(err)
	}
	return cn
}

func toCN(cn *invoicing.Invoice, amount string) invoicing.AllocationInput {
	return invoicing.AllocationInput{CreditNoteID: &cn.ID, Amount: amount}
}

func (f *fixture) payment(id int64) *invoicing.Payment {
	f.t.Helper()
	p, err := f.st.Payment(ctx, f.ent.ID, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return p
}

// entry returns a posted entry's lines summed per account: debit minus
// credit, functional.
func (f *fixture) entryNet(id int64) map[string]int64 {
	f.t.Helper()
	e, err := f.st.Entry(ctx, f.ent.ID, id)
	if err != nil {
		f.t.Fatal(err)
	}
	out := map[string]int64{}
	for _, l := range e.Lines {
		out[l.AccountCode] += l.DebitMinor - l.CreditMinor
	}
	return out
}

func (f *fixture) entry(id int64) *ledger.Entry {
	f.t.Helper()
	e, err := f.st.Entry(ctx, f.ent.ID, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return e
}

// balances returns every account's balance (debit positive) by code.
func (f *fixture) balances() map[string]int64 {
	f.t.Helper()
	tot, err := f.st.Balances(ctx, f.ent.ID, ledger.NewDate(2100, 1, 1), 0)
	if err != nil {
		f.t.Fatal(err)
	}
	accounts, err := f.st.Accounts(ctx, f.ent.ID, true)
	if err != nil {
		f.t.Fatal(err)
	}
	out := map[string]int64{}
	for _, a := range accounts {
		if t, ok := tot[a.ID]; ok {
			out[a.Code] = t.Net()
		}
	}
	return out
}

// ledgerSound checks that the trial balance balances and that the ledger's
// own verification finds no breach.
func (f *fixture) ledgerSound() {
	f.t.Helper()
	var sum int64
	for _, v := range f.balances() {
		sum += v
	}
	if sum != 0 {
		f.t.Fatalf("trial balance off by %d: %v", sum, f.balances())
	}
	r, err := f.st.Verify(ctx)
	if err != nil {
		f.t.Fatal(err)
	}
	if len(r.Breaches) > 0 {
		f.t.Fatalf("ledger verify: %s", strings.Join(r.Breaches, "; "))
	}
}

func (f *fixture) wantBalances(want map[string]int64) {
	f.t.Helper()
	for code, v := range want {
		if got := f.balance(code); got != v {
			f.t.Errorf("account %s balance %s; want %s", code, eur(got), eur(v))
		}
	}
}

// reasonOf is the reason of err ("" for nil).
func reasonOf(err error) string {
	if err == nil {
		return ""
	}
	return string(ledger.As(err).Reason)
}

func thisYear(f *fixture) int { return f.ent.Today().FiscalYear(f.ent.FiscalYearStartMonth) }

// sqltestEntity makes a second entity with the standard chart in f's
// database.
func sqltestEntity(t *testing.T, f *fixture) (*ledger.Entity, *ledger.Principal) {
	t.Helper()
	return sqltest.Entity(t, f.st, "Other Entity BV")
}
