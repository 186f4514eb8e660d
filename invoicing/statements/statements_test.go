package statements_test

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"backoffice/invoicing"
	"backoffice/invoicing/pdf"
	"backoffice/invoicing/statements"
	"backoffice/ledger"
	"backoffice/ledger/reports"
)

type pdfTable = reports.Table

func decimalMinor(v int64) decimal.Decimal { return decimal.NewFromInt(v) }

// testDates are the dates the as-of checks run on: before the first
// event, every day an event happened (and the days around it), today and
// tomorrow (the removals and the void), after the last event, and random
// days in between (the seed is logged).
func testDates(t *testing.T, today ledger.Date, events ...string) []ledger.Date {
	seed := uint64(time.Now().UnixNano())
	t.Logf("random dates seed %d", seed)
	rnd := rand.New(rand.NewPCG(seed, 5))
	out := []ledger.Date{date("2025-06-30"), today.AddDays(-1), today, today.AddDays(1), date("2027-12-31")}
	for _, e := range events {
		d := date(e)
		out = append(out, d.AddDays(-1), d, d.AddDays(1))
	}
	for range 25 {
		out = append(out, date("2025-12-01").AddDays(rnd.IntN(500)))
	}
	return out
}

var eventDates = []string{"2026-01-10", "2026-02-01", "2026-02-15", "2026-03-01", "2026-03-05", "2026-03-10", "2026-03-15",
	"2026-03-20", "2026-04-01", "2026-04-05", "2026-04-10", "2026-04-15", "2026-04-20", "2026-05-02", "2026-05-15", "2026-06-20"}

// The aged receivables' total equals the receivables account's balance on
// every date, for both entities (the second in USD, with an exchange
// difference), with part payments, credit notes, a refund, a removed
// payment, a removed allocation and a void; and each customer's buckets
// add up to its items.
func TestAgedReceivablesEqualTheLedger(t *testing.T) {
	t.Parallel()
	b := newBooks(t)
	for _, f := range []*fixture{b.fixture, b.usd} {
		for _, d := range testDates(t, f.ent.Today(), eventDates...) {
			r, err := statements.Aged(ctx, f.st, f.ent, d)
			if err != nil {
				t.Fatal(err)
			}
			want := f.balance("1100", d)
			if r.Total.Total.Minor != want || r.LedgerBalance.Minor != want || r.Difference.Minor != 0 {
				t.Errorf("%s as of %s: total %s, ledger %s (reported %s, difference %s)", f.ent.Name, d, r.Total.Total, statements.Amount{Minor: want, Exp: 2},
					r.LedgerBalance, r.Difference)
			}
			var total int64
			for _, c := range r.Customers {
				var items, buckets int64
				for _, it := range c.Items {
					items += it.FunctionalOpen.Minor
					if it.Open.Minor == 0 && it.FunctionalOpen.Minor == 0 {
						t.Errorf("as of %s: an item with nothing open: %+v", d, it)
					}
				}
				for _, a := range []statements.Amount{c.NotDue, c.Days1To30, c.Days31To60, c.Days61To90, c.Over90, c.Unallocated} {
					buckets += a.Minor
				}
				if items != c.Total.Minor || buckets != c.Total.Minor {
					t.Errorf("as of %s, %s: items %d, buckets %d, total %d", d, c.Name, items, buckets, c.Total.Minor)
				}
				total += c.Total.Minor
			}
			if total != r.Total.Total.Minor {
				t.Errorf("as of %s: customers add up to %d, total %d", d, total, r.Total.Total.Minor)
			}
		}
	}
}

// Items land in the bucket of their days past due on the report's date.
func TestAgedReceivablesBuckets(t *testing.T) {
	t.Parallel()
	b := newBooks(t)
	// Alfa's first invoice (164.06, due 2026-02-09) has 64.06 open after
	// the part payment; Bravo's first (605.00, due 2026-03-19) is paid on
	// 2026-03-20 by a payment removed today.
	for _, c := range []struct {
		on          string
		alfa, bravo string // the bucket of each invoice ("" none)
		days        int
	}{
		{"2026-02-09", statements.BucketNotDue, "", 0},
		{"2026-02-10", statements.Bucket1To30, "", 1},
		{"2026-03-11", statements.Bucket1To30, statements.BucketNotDue, 30},
		{"2026-03-12", statements.Bucket31To60, statements.BucketNotDue, 31},
		{"2026-03-20", statements.Bucket31To60, "", 39},
		{"2026-04-10", statements.Bucket31To60, "", 60},
		{"2026-04-11", statements.Bucket61To90, "", 61},
		{"2026-05-10", statements.Bucket61To90, "", 90},
		{"2026-05-11", statements.BucketOver90, "", 91},
	} {
		r, err := statements.Aged(ctx, b.st, b.ent, date(c.on))
		if err != nil {
			t.Fatal(err)
		}
		find := func(cust *invoicing.Customer, number string) *statements.OpenItem {
			for _, rc := range r.Customers {
				for i, it := range rc.Items {
					if rc.CustomerID == cust.ID && it.Number == number {
						return &rc.Items[i]
					}
				}
			}
			return nil
		}
		a := find(b.alfa, "INV-2026-0001")
		if a == nil || a.Bucket != c.alfa || a.DaysPastDue != c.days || a.Open.Minor != 6406 {
			t.Errorf("on %s Alfa's invoice: %+v; want %s, %d days, 64.06", c.on, a, c.alfa, c.days)
		}
		if bv := find(b.bravo, "INV-2026-0004"); (bv == nil) != (c.bravo == "") || bv != nil && bv.Bucket != c.bravo {
			t.Errorf("on %s Bravo's invoice: %+v; want bucket %q", c.on, bv, c.bravo)
		}
	}
	// Credit sits in its own column: Alfa's 47.50 left of the payment of
	// 2026-03-10 after the refund.
	r, err := statements.Aged(ctx, b.st, b.ent, date("2026-06-30"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range r.Customers {
		if c.CustomerID == b.alfa.ID && c.Unallocated.Minor != -4750 {
			t.Errorf("Alfa's unallocated credit %s; want -47.50", c.Unallocated)
		}
	}
}

// currentOpen is what a customer owes now by the documents' and payments'
// own settlement columns: open invoices and refunds less open credit notes
// and unallocated payments, in currency.
func currentOpen(t *testing.T, f *fixture, c *invoicing.Customer, currency string) int64 {
	t.Helper()
	var sum int64
	for _, kind := range []invoicing.Kind{invoicing.KindInvoice, invoicing.KindCreditNote} {
		docs, err := f.st.Invoices(ctx, f.ent, invoicing.InvoiceFilter{Kind: kind, CustomerID: c.ID, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			if d.Currency != currency {
				continue
			}
			if kind == invoicing.KindInvoice {
				sum += d.OpenMinor()
			} else {
				sum -= d.OpenMinor()
			}
		}
	}
	pays, err := f.st.Payments(ctx, f.ent.ID, invoicing.PaymentFilter{CustomerID: c.ID, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pays {
		if p.Currency != currency {
			continue
		}
		if p.Direction == invoicing.DirectionRefund {
			sum += p.UnallocatedMinor()
		} else {
			sum -= p.UnallocatedMinor()
		}
	}
	return sum
}

// A statement's closing balance equals the customer's open items less the
// unallocated credit on its end date. Checked three ways: against the
// statement's own open items and aging; for the first entity, whose
// customers are all in EUR, the customers' opening and closing balances
// add up to the receivables account on the day before and on the last
// day of the period; and after the last event, against the documents' and
// payments' own settled amounts.
func TestStatementClosingEqualsOpenItems(t *testing.T) {
	t.Parallel()
	b := newBooks(t)
	today := b.ent.Today()
	dates := testDates(t, today, eventDates...)
	seed := uint64(time.Now().UnixNano())
	rnd := rand.New(rand.NewPCG(seed, 9))
	t.Logf("period seed %d", seed)
	for range 40 {
		from, to := dates[rnd.IntN(len(dates))], dates[rnd.IntN(len(dates))]
		if to.Before(from) {
			from, to = to, from
		}
		var opening, closing int64
		for _, c := range []*invoicing.Customer{b.alfa, b.bravo} {
			st, err := statements.CustomerStatement(ctx, b.st, b.ent, c.ID, from, to, "", "")
			if err != nil {
				t.Fatal(err)
			}
			checkStatement(t, st)
			opening += st.OpeningBalance.Minor
			closing += st.ClosingBalance.Minor
		}
		if want := b.balance("1100", from.AddDays(-1)); opening != want {
			t.Errorf("%s..%s: openings add up to %d; receivables were %d", from, to, opening, want)
		}
		if want := b.balance("1100", to); closing != want {
			t.Errorf("%s..%s: closings add up to %d; receivables are %d", from, to, closing, want)
		}
		st, err := statements.CustomerStatement(ctx, b.st, b.usd.ent, b.charly.ID, from, to, "", "")
		if err != nil {
			t.Fatal(err)
		}
		checkStatement(t, st)
	}
	after := today.AddDays(1)
	for _, c := range []struct {
		f    *fixture
		cust *invoicing.Customer
	}{{b.fixture, b.alfa}, {b.fixture, b.bravo}, {b.usd, b.charly}} {
		st, err := statements.CustomerStatement(ctx, c.f.st, c.f.ent, c.cust.ID, date("2026-01-01"), after, "", "")
		if err != nil {
			t.Fatal(err)
		}
		if want := currentOpen(t, c.f, c.cust, c.cust.Currency); st.ClosingBalance.Minor != want || st.Currency != c.cust.Currency {
			t.Errorf("%s: closing %s %s; open now %d", c.cust.Name, st.Currency, st.ClosingBalance, want)
		}
	}
}

// checkStatement checks a statement against itself: the running balance,
// the totals, and the open items and aging on its end date.
func checkStatement(t *testing.T, st *statements.Statement) {
	t.Helper()
	bal := st.OpeningBalance.Minor
	var dr, cr int64
	for i, l := range st.Lines {
		bal += l.Debit.Minor - l.Credit.Minor
		dr += l.Debit.Minor
		cr += l.Credit.Minor
		if l.Balance.Minor != bal {
			t.Fatalf("%s line %d: balance %s; want %d", st.Customer.Name, i, l.Balance, bal)
		}
		if l.Date.Before(st.From) || l.Date.After(st.To) || i > 0 && l.Date.Before(st.Lines[i-1].Date) {
			t.Fatalf("%s line %d dated %s out of order or period %s..%s", st.Customer.Name, i, l.Date, st.From, st.To)
		}
	}
	if bal != st.ClosingBalance.Minor || dr != st.TotalDebit.Minor || cr != st.TotalCredit.Minor {
		t.Fatalf("%s: closing %s, totals %s/%s; lines give %d, %d/%d", st.Customer.Name, st.ClosingBalance, st.TotalDebit, st.TotalCredit, bal, dr, cr)
	}
	var open int64
	for _, it := range st.OpenItems {
		open += it.Open.Minor
	}
	if open != st.ClosingBalance.Minor || st.Aging.Total.Minor != st.ClosingBalance.Minor {
		t.Fatalf("%s %s..%s: closing %s; open items %d, aging %s", st.Customer.Name, st.From, st.To, st.ClosingBalance, open, st.Aging.Total)
	}
}

// A statement tells the whole story of the period in date order: the
// removed payment, the undone allocation and the void appear on the day
// they were made, and the lines before the period are its opening
// balance.
func TestStatementLines(t *testing.T) {
	t.Parallel()
	b := newBooks(t)
	today := b.ent.Today()
	st, err := statements.CustomerStatement(ctx, b.st, b.ent, b.bravo.ID, date("2026-03-19"), today, "", "")
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, l := range st.Lines {
		kinds = append(kinds, l.Date.String()+" "+l.Kind)
	}
	d := today.String()
	want := []string{"2026-03-20 payment", "2026-03-20 allocation", "2026-04-01 invoice", "2026-04-10 payment", "2026-04-10 allocation",
		"2026-04-15 invoice", "2026-06-20 invoice", d + " allocation_removed", d + " allocation_removed", d + " payment_removed", d + " invoice_voided"}
	if !slices.Equal(kinds, want) {
		t.Fatalf("lines:\n%v\nwant\n%v", kinds, want)
	}
	// 605.00 owed before; then -605 +200 -200 +109 +48.40 +605 -109
	if st.OpeningBalance.Minor != 60500 || st.ClosingBalance.Minor != 60500+20000-20000+4840 || st.Language != "en" {
		t.Fatalf("opening %s, closing %s, language %s", st.OpeningBalance, st.ClosingBalance, st.Language)
	}
	if st.Lines[1].Description != "Applied to INV-2026-0004" || st.Lines[1].Number != "GB-0320" || st.Lines[1].Allocated.Minor != 60500 {
		t.Fatalf("allocation line: %+v", st.Lines[1])
	}
	// In Dutch on request; a period without anything is empty.
	nl, err := statements.CustomerStatement(ctx, b.st, b.ent, b.bravo.ID, date("2026-03-01"), date("2026-03-31"), "", "nl")
	if err != nil {
		t.Fatal(err)
	}
	if nl.Language != "nl" || nl.Lines[0].Description != "Factuur" || nl.Lines[0].Number != "INV-2026-0004" {
		t.Fatalf("dutch statement: %s %+v", nl.Language, nl.Lines[0])
	}
	empty, err := statements.CustomerStatement(ctx, b.st, b.ent, b.bravo.ID, date("2025-01-01"), date("2025-12-31"), "", "")
	if err != nil || !empty.Empty() {
		t.Fatalf("statement before any document: %+v, %v", empty, err)
	}
	// Another entity's customer does not exist here.
	if _, err := statements.CustomerStatement(ctx, b.st, b.ent, b.charly.ID, date("2026-01-01"), today, "", ""); !ledger.IsCode(err, ledger.CodeNotFound) {
		t.Fatalf("another entity's customer: %v", err)
	}
	// A customer's statement in another currency holds only that
	// currency's documents, and names the others.
	usd, err := statements.CustomerStatement(ctx, b.usd.st, b.usd.ent, b.charly.ID, date("2026-01-01"), today, "EUR", "")
	if err != nil || len(usd.Lines) != 0 || !slices.Equal(usd.OtherCurrencies, []string{"USD"}) {
		t.Fatalf("EUR statement of a USD customer: %+v, %v", usd, err)
	}
}

// The VAT summary against sums made here: per tax code from each
// document's own VAT breakdown (converted per code for foreign ones),
// output VAT against what the VAT payable account moved, and input VAT
// from the purchases posted.
func TestVATSummary(t *testing.T) {
	t.Parallel()
	b := newBooks(t)
	today := b.ent.Today()
	type want struct{ taxable, vat int64 }
	for _, f := range []*fixture{b.fixture, b.usd} {
		var docs []*invoicing.Invoice
		for _, kind := range []invoicing.Kind{invoicing.KindInvoice, invoicing.KindCreditNote} {
			list, err := f.st.Invoices(ctx, f.ent, invoicing.InvoiceFilter{Kind: kind, Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			docs = append(docs, list...)
		}
		periods := [][2]ledger.Date{{date("2026-01-01"), date("2026-03-31")}, {date("2026-04-01"), date("2026-06-30")},
			{date("2026-01-01"), date("2026-12-31")}, {today, today}, {date("2026-04-15"), today}, {date("2025-01-01"), date("2025-12-31")}}
		for _, p := range periods {
			from, to := p[0], p[1]
			r, err := statements.VAT(ctx, f.st, f.ent, from, to, nil)
			if err != nil {
				t.Fatal(err)
			}
			in := func(d ledger.Date) bool { return !d.Before(from) && !d.After(to) }
			codes := map[string]want{}
			for _, d := range docs {
				sign := int64(1)
				if d.Kind == invoicing.KindCreditNote {
					sign = -1
				}
				var n int64
				if in(*d.IssueDate) {
					n += sign
				}
				if d.StoredStatus == invoicing.StatusVoid && in(today) { // voided today
					n -= sign
				}
				for _, v := range invoicing.VATBreakdown(d.Lines, 2) {
					net, tax := v.NetMinor, v.TaxMinor
					if d.Currency != f.ent.Currency {
						net = d.ExchangeRate.Mul(decimalMinor(net)).Round(0).IntPart()
						tax = d.ExchangeRate.Mul(decimalMinor(tax)).Round(0).IntPart()
					}
					w := codes[v.TaxCode]
					codes[v.TaxCode] = want{w.taxable + n*net, w.vat + n*tax}
				}
			}
			var outVAT int64
			for _, row := range r.Output {
				w := codes[row.TaxCode]
				if row.Taxable.Minor != w.taxable || row.VAT.Minor != w.vat {
					t.Errorf("%s %s..%s code %s: %s / %s; want %d / %d", f.ent.Name, from, to, row.TaxCode, row.Taxable, row.VAT, w.taxable, w.vat)
				}
				delete(codes, row.TaxCode)
				outVAT += row.VAT.Minor
			}
			for code, w := range codes {
				if w != (want{}) {
					t.Errorf("%s %s..%s: code %s missing (%+v)", f.ent.Name, from, to, code, w)
				}
			}
			moved := -(f.balance("1700", to) - f.balance("1700", from.AddDays(-1)))
			if r.OutputVAT.Minor != outVAT || outVAT != moved {
				t.Errorf("%s %s..%s: output VAT %s, codes %d, VAT payable moved %d", f.ent.Name, from, to, r.OutputVAT, outVAT, moved)
			}
			var input int64
			if f == b.fixture {
				for _, pur := range []struct {
					on  string
					vat int64
				}{{"2026-02-10", 21000}, {"2026-05-31", 1050}, {"2026-08-15", 420}} {
					if in(date(pur.on)) {
						input += pur.vat
					}
				}
			}
			if r.InputVAT.Minor != input || r.Due.Minor != outVAT-input || len(r.Input) != 1 || r.Input[0].Account != "1200" {
				t.Errorf("%s %s..%s: input %s (want %d), due %s", f.ent.Name, from, to, r.InputVAT, input, r.Due)
			}
		}
	}
	// Input accounts on request; an unknown one is refused at its parameter.
	r, err := statements.VAT(ctx, b.st, b.ent, date("2026-01-01"), date("2026-03-31"), []string{"1200", "1300"})
	if err != nil || len(r.Input) != 2 || r.InputVAT.Minor != 21000 {
		t.Fatalf("two input accounts: %+v, %v", r, err)
	}
	_, err = statements.VAT(ctx, b.st, b.ent, date("2026-01-01"), date("2026-03-31"), []string{"9999"})
	if le := ledger.As(err); le == nil || len(le.Fields) != 1 || le.Fields[0].Path != "input_vat_accounts" {
		t.Fatalf("unknown input account: %v", err)
	}
}

// The reports on the fixed data set, as JSON and as the PDFs' text.
func TestGoldenReports(t *testing.T) {
	t.Parallel()
	b := newBooks(t)
	end := date("2026-06-30")
	aged, err := statements.Aged(ctx, b.st, b.ent, end)
	if err != nil {
		t.Fatal(err)
	}
	agedUSD, err := statements.Aged(ctx, b.usd.st, b.usd.ent, end)
	if err != nil {
		t.Fatal(err)
	}
	alfa, err := statements.CustomerStatement(ctx, b.st, b.ent, b.alfa.ID, date("2026-02-01"), end, "", "")
	if err != nil {
		t.Fatal(err)
	}
	charly, err := statements.CustomerStatement(ctx, b.usd.st, b.usd.ent, b.charly.ID, date("2026-01-01"), end, "", "")
	if err != nil {
		t.Fatal(err)
	}
	vat, err := statements.VAT(ctx, b.st, b.ent, date("2026-01-01"), end, nil)
	if err != nil {
		t.Fatal(err)
	}
	goldenJSON(t, "aged_receivables.json", aged)
	goldenJSON(t, "aged_receivables_usd.json", agedUSD)
	goldenJSON(t, "statement_alfa.json", alfa)
	goldenJSON(t, "statement_charlie.json", charly)
	goldenJSON(t, "vat_summary.json", vat)

	agedUSD.Detail = true
	for _, c := range []struct {
		name  string
		table func() *pdfTable
	}{
		{"aged_receivables_nl.txt", func() *pdfTable { return aged.Table("nl") }},
		{"aged_receivables_usd_detail_en.txt", func() *pdfTable { return agedUSD.Table("en") }},
		{"statement_alfa_nl.txt", func() *pdfTable { return alfa.Table("") }},
		{"statement_charlie_en.txt", func() *pdfTable { return charly.Table("") }},
		{"vat_summary_nl.txt", func() *pdfTable { return vat.Table("nl") }},
		{"vat_summary_en.txt", func() *pdfTable { return vat.Table("en") }},
	} {
		var buf bytes.Buffer
		if err := pdf.RenderReport(&buf, c.table()); err != nil {
			t.Fatal(err)
		}
		golden(t, c.name, []byte(pdfText(t, buf.Bytes())))
	}
}
