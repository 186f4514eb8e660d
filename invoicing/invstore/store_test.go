package invstore_test

import (
	"context"
	"os"
	"testing"

	"backoffice/invoicing"
	"backoffice/invoicing/invstore"
	"backoffice/invoicing/vies"
	"backoffice/ledger"
	"backoffice/ledger/money"
	"backoffice/ledger/sqlstore/sqltest"
)

func TestMain(m *testing.M) { os.Exit(sqltest.Main(m)) }

var ctx = context.Background()

// fixture is an entity with the standard chart, its tax codes and one
// customer, on a fresh database.
type fixture struct {
	t    *testing.T
	st   *invstore.Store
	ent  *ledger.Entity
	p    *ledger.Principal
	cust *invoicing.Customer
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	st := invstore.New(sqltest.Open(t))
	fake := vies.NewFake().Server() // a local fake VIES, never the real one
	t.Cleanup(fake.Close)
	st.SetVIES(vies.New(fake.URL))
	ent, p := sqltest.Entity(t, st, "Bakkerij Test BV")
	f := &fixture{t: t, st: st, ent: ent, p: p}
	f.cust = f.customer("Łódź Trading sp. z o.o.", "EUR")
	return f
}

func ptr[T any](v T) *T { return &v }

func (f *fixture) customer(name, currency string) *invoicing.Customer {
	f.t.Helper()
	vat := "PL7272445205" // a business in Poland: intra-EU supplies need its VAT number
	c, err := f.st.CreateCustomer(ctx, f.p, f.ent, &invoicing.CustomerInput{Name: &name, Currency: &currency, VATNumber: &vat,
		Address: &ledger.Address{Lines: []string{"ul. Piotrkowska 1"}, Postcode: "90-001", City: "Łódź", Country: "PL"}})
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

// line is a LineInput: description, quantity, price, tax code.
func line(desc, qty, price, tax string) invoicing.LineInput {
	return invoicing.LineInput{Description: desc, Quantity: qty, UnitPrice: price, TaxCode: tax}
}

func (f *fixture) draft(c *invoicing.Customer, date string, lines ...invoicing.LineInput) *invoicing.Invoice {
	f.t.Helper()
	inv, err := f.st.CreateInvoice(ctx, f.p, f.ent, &invoicing.InvoiceInput{CustomerID: &c.ID, IssueDate: &date, Lines: &lines})
	if err != nil {
		f.t.Fatal(err)
	}
	return inv
}

func (f *fixture) issued(c *invoicing.Customer, date string, lines ...invoicing.LineInput) *invoicing.Invoice {
	f.t.Helper()
	inv, err := f.st.IssueInvoice(ctx, f.p, f.ent, f.draft(c, date, lines...).ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return inv
}

func (f *fixture) pay(c *invoicing.Customer, date, amount string, allocs ...invoicing.AllocationInput) *invoicing.Payment {
	f.t.Helper()
	pay, err := f.st.RecordPayment(ctx, f.p, f.ent, &invoicing.PaymentInput{CustomerID: &c.ID, Date: &date, Amount: &amount, Allocations: allocs})
	if err != nil {
		f.t.Fatal(err)
	}
	return pay
}

func alloc(inv *invoicing.Invoice, amount string) invoicing.AllocationInput {
	return invoicing.AllocationInput{InvoiceID: &inv.ID, Amount: amount}
}

// balance is an account's balance (debit positive) in minor units.
func (f *fixture) balance(code string) int64 {
	f.t.Helper()
	a, err := f.st.Account(ctx, f.ent.ID, code)
	if err != nil {
		f.t.Fatal(err)
	}
	tot, err := f.st.Balances(ctx, f.ent.ID, ledger.NewDate(2100, 1, 1), a.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return tot[a.ID].DebitMinor - tot[a.ID].CreditMinor
}

func (f *fixture) reload(inv *invoicing.Invoice) *invoicing.Invoice {
	f.t.Helper()
	out, err := f.st.Invoice(ctx, f.ent.ID, inv.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return out
}

func (f *fixture) count(table string) int64 {
	f.t.Helper()
	var n int64
	if err := f.st.DB().QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

func eur(minor int64) string { return money.Format(minor, 2) }

func wantReason(t *testing.T, err error, reason string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want %s", reason)
	}
	if got := ledger.As(err).Reason; string(got) != reason {
		t.Fatalf("reason %s (%v); want %s", got, err, reason)
	}
}

func TestIssuePostsTheInvoice(t *testing.T) {
	f := newFixture(t)
	inv := f.issued(f.cust, "2026-03-10",
		line("Sourdough", "12", "3.95", "9"),
		line("Consulting", "2.5", "100", "21"),
		line("Export", "1", "50", "intra-eu"))
	if inv.Number != "INV-2026-0001" || inv.Status() != invoicing.StatusIssued {
		t.Fatalf("number %q status %s", inv.Number, inv.Status())
	}
	// 12 x 3.95 = 47.40 at 9 % = 4.27 (4.266); 250.00 at 21 % = 52.50; 50.00 at 0.
	if inv.NetMinor != 34740 || inv.TaxMinor != 5677 || inv.TotalMinor != 40417 {
		t.Fatalf("totals %s + %s = %s", eur(inv.NetMinor), eur(inv.TaxMinor), eur(inv.TotalMinor))
	}
	if inv.DueDate.String() != "2026-04-09" {
		t.Fatalf("due %s; want 30 days after issue", inv.DueDate)
	}
	// Each line's turnover on its tax code's revenue account.
	if f.balance("1100") != 40417 || f.balance("8000") != -25000 || f.balance("8100") != -4740 || f.balance("8300") != -5000 || f.balance("1700") != -5677 {
		t.Fatalf("AR %d revenue %d, %d, %d VAT %d", f.balance("1100"), f.balance("8000"), f.balance("8100"), f.balance("8300"), f.balance("1700"))
	}
	second := f.issued(f.cust, "2026-03-11", line("Bread", "1", "1", "9"))
	if second.Number != "INV-2026-0002" {
		t.Fatalf("second number %s", second.Number)
	}
}
