package statements_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"backoffice/invoicing"
	"backoffice/invoicing/invstore"
	"backoffice/invoicing/purchases/purchstore"
	"backoffice/invoicing/vatledger"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
	"backoffice/ledger/sqlstore/sqltest"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

func TestMain(m *testing.M) { os.Exit(sqltest.Main(m)) }

var ctx = context.Background()

// fixture is a fresh database with one entity.
type fixture struct {
	t   *testing.T
	st  *invstore.Store
	ent *ledger.Entity
	p   *ledger.Principal
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	st := invstore.New(sqltest.Open(t))
	purchstore.New(st.Store) // the purchase tax codes the VAT totals of purchases name
	ent, p := sqltest.Entity(t, st, "Bakkerij De Vries B.V.")
	f := &fixture{t: t, st: st, ent: ent, p: p}
	f.address(ent.ID, ledger.Address{Lines: []string{"Dorpsstraat 1"}, Postcode: "1234 AB", City: "Utrecht", Country: "NL"}, "NL123456782B01")
	return f
}

// other is a second entity in f's database.
func (f *fixture) other(name string) *fixture {
	f.t.Helper()
	cur, tmpl := "EUR", "standard"
	ent, err := f.st.CreateEntity(ctx, f.p, &ledger.EntityInput{Name: &name, Currency: &cur, ChartTemplate: &tmpl})
	if err != nil {
		f.t.Fatal(err)
	}
	o := &fixture{t: f.t, st: f.st, ent: ent, p: f.p}
	o.address(ent.ID, ledger.Address{Lines: []string{"Havenweg 7"}, Postcode: "3011 AA", City: "Rotterdam", Country: "NL"}, "NL001234560B01")
	// Complete as an invoice's supplier: chamber of commerce number and IBAN.
	kvk, iban := "87654321", "NL91ABNA0417164300"
	if o.ent, err = f.st.UpdateEntity(ctx, f.p, ent.ID, &ledger.EntityInput{RegistrationID: &kvk}); err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.st.UpdateSettings(ctx, f.p, o.ent, &invoicing.SettingsInput{IBAN: &iban}); err != nil {
		f.t.Fatal(err)
	}
	return o
}

func (f *fixture) address(id int64, a ledger.Address, vat string) {
	f.t.Helper()
	e, err := f.st.UpdateEntity(ctx, f.p, id, &ledger.EntityInput{Address: &a, VATNumber: &vat})
	if err != nil {
		f.t.Fatal(err)
	}
	if e.ID == f.ent.ID {
		f.ent = e
	}
}

func ptr[T any](v T) *T { return &v }

func (f *fixture) customer(name, currency, lang string, terms int) *invoicing.Customer {
	f.t.Helper()
	c, err := f.st.CreateCustomer(ctx, f.p, f.ent, &invoicing.CustomerInput{Name: &name, Currency: &currency, Language: &lang,
		PaymentTermsDays: &terms, Address: &ledger.Address{Lines: []string{name + " straat 1"}, Postcode: "1000 AA", City: "Amsterdam", Country: "NL"}})
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

func line(desc, qty, price, tax string) invoicing.LineInput {
	return invoicing.LineInput{Description: desc, Quantity: qty, UnitPrice: price, TaxCode: tax}
}

// invoice issues an invoice in the customer's currency (at rate when it
// is not the entity's).
func (f *fixture) invoice(c *invoicing.Customer, date, rate string, lines ...invoicing.LineInput) *invoicing.Invoice {
	f.t.Helper()
	in := &invoicing.InvoiceInput{CustomerID: &c.ID, IssueDate: &date, Lines: &lines}
	if rate != "" {
		in.ExchangeRate = &rate
	}
	d, err := f.st.CreateInvoice(ctx, f.p, f.ent, in)
	if err != nil {
		f.t.Fatal(err)
	}
	inv, err := f.st.IssueInvoice(ctx, f.p, f.ent, d.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return inv
}

func (f *fixture) pay(c *invoicing.Customer, dir, date, amount, rate, ref string, allocs ...invoicing.AllocationInput) *invoicing.Payment {
	f.t.Helper()
	in := &invoicing.PaymentInput{CustomerID: &c.ID, Direction: &dir, Date: &date, Amount: &amount, Reference: &ref, Allocations: allocs}
	if rate != "" {
		in.ExchangeRate = &rate
	}
	p, err := f.st.RecordPayment(ctx, f.p, f.ent, in)
	if err != nil {
		f.t.Fatal(err)
	}
	return p
}

func toInvoice(inv *invoicing.Invoice, amount string) invoicing.AllocationInput {
	return invoicing.AllocationInput{InvoiceID: &inv.ID, Amount: amount}
}

func toPayment(p *invoicing.Payment, amount string) invoicing.AllocationInput {
	return invoicing.AllocationInput{PaymentID: &p.ID, Amount: amount}
}

func (f *fixture) creditNote(inv *invoicing.Invoice, date string, lines ...invoicing.CreditLineInput) *invoicing.Invoice {
	f.t.Helper()
	cn, err := f.st.CreateCreditNote(ctx, f.p, f.ent, inv.ID, &invoicing.CreditNoteInput{IssueDate: &date, Lines: lines})
	if err != nil {
		f.t.Fatal(err)
	}
	return cn
}

func (f *fixture) allocate(pay *invoicing.Payment, allocs ...invoicing.AllocationInput) []*invoicing.Allocation {
	f.t.Helper()
	out, err := f.st.Allocate(ctx, f.p, f.ent, pay.ID, false, allocs)
	if err != nil {
		f.t.Fatal(err)
	}
	return out
}

func (f *fixture) post(date string, lines ...ledger.LineInput) {
	f.t.Helper()
	if _, err := f.st.PostEntry(ctx, f.p, f.ent, &ledger.EntryInput{Date: date, Description: "purchase", Lines: lines}, nil); err != nil {
		f.t.Fatal(err)
	}
}

// inputVAT records a purchase entry's deductible VAT at 21 % (purchase
// code P21) in the VAT totals of journal entries (source 'entries').
func (f *fixture) inputVAT(day string, base, vat int64) {
	f.t.Helper()
	d, err := ledger.ParseDate(day)
	if err != nil {
		f.t.Fatal(err)
	}
	err = f.st.Store.Write(ctx, func(tx *sqlstore.Tx) error {
		var id int64
		if err := tx.DB().Raw(`SELECT id FROM purchase_tax_codes WHERE entity_id = ? AND code = 'P21'`, f.ent.ID).Scan(&id).Error; err != nil || id == 0 {
			return fmt.Errorf("purchase tax code P21: %d %v", id, err)
		}
		return vatledger.Record(tx, f.ent.ID, vatledger.Entries, []vatledger.Row{{Day: d, Side: vatledger.Purchases, TaxCodeID: id, TaxCode: "P21",
			BaseMinor: base, VATMinor: vat, DeductibleMinor: vat}})
	})
	if err != nil {
		f.t.Fatal(err)
	}
}

// balance is an account's balance (debit positive) on a date.
func (f *fixture) balance(code string, on ledger.Date) int64 {
	f.t.Helper()
	a, err := f.st.Account(ctx, f.ent.ID, code)
	if err != nil {
		f.t.Fatal(err)
	}
	b, err := f.st.Balances(ctx, f.ent.ID, on, a.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return b[a.ID].Net()
}

func date(s string) ledger.Date {
	d, err := ledger.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// books is the fixed data set of the tests: two entities.
//
// The first (EUR) has Alfa (nl, 30 days) with invoices, a part payment, a
// payment allocated later, a credit note and a refund of an overpayment;
// Bravo (en, 14 days) with a payment removed, an allocation removed, a
// void invoice and a reverse-charge invoice; and purchases with input VAT
// on 1200. The removals and the void happen today, after every date of
// the golden reports.
//
// The second (EUR) invoices Charlie in USD: invoices at 0.90 and 0.92,
// payments at 0.95 and 0.93 (exchange differences, one of them on an
// allocation removed today), a credit note.
type books struct {
	*fixture
	usd                 *fixture
	alfa, bravo, charly *invoicing.Customer
}

func newBooks(t *testing.T) *books {
	f := newFixture(t)
	b := &books{fixture: f}
	b.alfa = f.customer("Alfa Retail B.V.", "EUR", "nl", 30)
	b.bravo = f.customer("Bravo Ltd", "EUR", "en", 14)
	// Bravo's reverse-charge invoice must carry its VAT number.
	if _, err := f.st.UpdateCustomer(ctx, f.p, f.ent, b.bravo.ID, &invoicing.CustomerInput{VATNumber: ptr("NL859123455B01")}); err != nil {
		t.Fatal(err)
	}

	a1 := f.invoice(b.alfa, "2026-01-10", "", line("Taart", "2", "50", "21"), line("Brood", "10", "3.95", "9"))
	a2 := f.invoice(b.alfa, "2026-02-15", "", line("Catering", "1", "250", "21"))
	a3 := f.invoice(b.alfa, "2026-04-20", "", line("Gebak", "3", "80", "21"))
	f.pay(b.alfa, "received", "2026-02-01", "100.00", "", "NL-TRX-0201", toInvoice(a1, "100.00"))
	pA2 := f.pay(b.alfa, "received", "2026-03-10", "400.00", "", "NL-TRX-0310")
	f.allocate(pA2, toInvoice(a2, "302.50"))
	f.creditNote(a3, "2026-05-02", invoicing.CreditLineInput{Line: 1, Quantity: "1"})
	f.pay(b.alfa, "refund", "2026-05-15", "50.00", "", "REF-0515", toPayment(pA2, "50.00"))

	b1 := f.invoice(b.bravo, "2026-03-05", "", line("Wedding cake", "1", "500", "21"))
	pB1 := f.pay(b.bravo, "received", "2026-03-20", "605.00", "", "GB-0320", toInvoice(b1, "605.00"))
	b2 := f.invoice(b.bravo, "2026-04-01", "", invoicing.LineInput{Description: "Export", Quantity: "1", UnitPrice: "200", TaxCode: "reverse-charge"})
	pB2 := f.pay(b.bravo, "received", "2026-04-10", "200.00", "", "GB-0410", toInvoice(b2, "200.00"))
	b3 := f.invoice(b.bravo, "2026-04-15", "", line("Cookies", "1", "100", "9"))
	f.invoice(b.bravo, "2026-06-20", "", line("Pie", "1", "40", "21"))
	if _, err := f.st.RemovePayment(ctx, f.p, f.ent, pB1.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.RemoveAllocation(ctx, f.p, f.ent, pB2.Allocations[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.VoidInvoice(ctx, f.p, f.ent, b3.ID); err != nil {
		t.Fatal(err)
	}
	f.post("2026-02-10", ledger.LineInput{Account: "4100", Debit: "1000.00"}, ledger.LineInput{Account: "1200", Debit: "210.00"},
		ledger.LineInput{Account: "1000", Credit: "1210.00"})
	f.post("2026-05-31", ledger.LineInput{Account: "4200", Debit: "50.00"}, ledger.LineInput{Account: "1200", Debit: "10.50"},
		ledger.LineInput{Account: "1000", Credit: "60.50"})
	f.post("2026-08-15", ledger.LineInput{Account: "4200", Debit: "20.00"}, ledger.LineInput{Account: "1200", Debit: "4.20"},
		ledger.LineInput{Account: "1000", Credit: "24.20"})
	// The VAT summary reads input VAT from the VAT totals, not from 1200:
	// these purchases are entries with VAT, as the seed's are.
	f.inputVAT("2026-02-10", 100000, 21000)
	f.inputVAT("2026-05-31", 5000, 1050)
	f.inputVAT("2026-08-15", 2000, 420)

	u := f.other("Export Co B.V.")
	b.usd = u
	b.charly = u.customer("Charlie Inc.", "USD", "en", 30)
	c1 := u.invoice(b.charly, "2026-02-01", "0.9", line("Machines", "1", "1000", "21"))
	u.pay(b.charly, "received", "2026-03-01", "600.00", "0.95", "US-0301", toInvoice(c1, "600.00"))
	c2 := u.invoice(b.charly, "2026-03-15", "0.92", line("Parts", "1", "300", "0"))
	pC2 := u.pay(b.charly, "received", "2026-04-01", "100.00", "0.93", "US-0401")
	// An allocation with an exchange difference, removed today: its
	// difference is reversed today.
	al := u.allocate(pC2, toInvoice(c2, "20.00"))
	if al[0].FXEntryID == nil {
		t.Fatal("the allocation posted no exchange difference")
	}
	if _, err := u.st.RemoveAllocation(ctx, u.p, u.ent, al[0].ID); err != nil {
		t.Fatal(err)
	}
	u.creditNote(c2, "2026-04-05", invoicing.CreditLineInput{Line: 1, Amount: "50.00"})
	return b
}

// golden compares got with testdata/name, or writes it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it); got:\n%s", name, got)
	}
}

func goldenJSON(t *testing.T, name string, v any) {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, name, append(b, '\n'))
}

// pdfText extracts a PDF's text with pdftotext (poppler-utils), skipping
// where it is missing unless CI is set.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext is missing; .ci/run installs poppler-utils")
		}
		t.Skip("pdftotext is missing: apt-get install poppler-utils (or run .ci/run)")
	}
	cmd := exec.Command("pdftotext", "-layout", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	// Trailing spaces depend on the layout engine, not on the report.
	lines := strings.Split(string(out), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}
