package api

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"

	"backoffice/invoicing"
	"backoffice/invoicing/invstore"
	"backoffice/invoicing/orders/orderstore"
	"backoffice/ledger"
	"backoffice/ledger/money"
	"backoffice/ledger/sqlstore/sqltest"
)

// BenchmarkReports measures the report handlers through the real router (no
// network) on a modest data set: 3,000 entries over three years on the
// standard chart, and one customer with a statement of about 1,000 lines
// (invoices, payments and their allocations). The trial balance and balance
// sheet read stored day and month totals, so their cost does not grow with
// the number of entries: figures on this data set carry over to a million
// entries (docs/reports.md, "Performance on a million entries", has both, and the commands).
//
//	go test ./api -run '^$' -bench Reports -benchtime 200x
//	BACKOFFICE_TEST_DATABASE_URL=... go test ./api -run '^$' -bench Reports -benchtime 200x
func BenchmarkReports(b *testing.B) {
	f := newReportBench(b, 3000, 1000)
	// As-of dates before the first entry, at its start, in the middle, at
	// the end and after the last: the cost should not depend on the date.
	dates := []string{"2022-12-31", "2023-01-01", "2024-07-01", "2025-12-31", "2026-06-30"}
	for _, c := range []struct{ name, path string }{
		{"TrialBalance", "/reports/trial-balance?as_of=%s"},
		{"TrialBalancePDF", "/reports/trial-balance?format=pdf&as_of=%s"},
		{"BalanceSheet", "/reports/balance-sheet?as_of=%s"},
		{"BalanceSheetCompare", "/reports/balance-sheet?as_of=%s&compare_to=2024-12-31"},
		{"BalanceSheetPDF", "/reports/balance-sheet?format=pdf&as_of=%s"},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				f.get(b, fmt.Sprintf(c.path, dates[i%len(dates)]))
				i++
			}
		})
	}
	stmt := fmt.Sprintf("/customers/%d/statement?from=2023-01-01&to=2025-12-31", f.customer)
	for _, c := range []struct{ name, query string }{
		{"Statement", ""},
		{"StatementPDF", "&format=pdf"},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			var bytes int
			for b.Loop() {
				bytes = f.get(b, stmt+c.query)
			}
			b.ReportMetric(float64(f.statementLines), "stmt-lines")
			b.ReportMetric(float64(bytes), "body-bytes")
		})
	}
}

// reportBench is a server on a seeded database.
type reportBench struct {
	srv            *Server
	key            string
	ent            *ledger.Entity
	customer       int64
	statementLines int
}

func (f *reportBench) get(b *testing.B, path string) int {
	req := httptest.NewRequest("GET", fmt.Sprintf("/v1/entities/%d%s", f.ent.ID, path), nil)
	req.Header.Set("Authorization", "Bearer "+f.key)
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		b.Fatalf("GET %s: %d %s", path, w.Code, w.Body)
	}
	return w.Body.Len()
}

// newReportBench seeds entries journal entries (a sale, receipt, purchase,
// payment or cost each, 2 or 3 lines) evenly over 2023-2025 through the
// posting path, and a customer with invoices and payments making about
// statementLines statement lines, through the invoicing store.
func newReportBench(b *testing.B, entries, statementLines int) *reportBench {
	b.Helper()
	ctx := context.Background()
	st := orderstore.New(invstore.New(sqltest.Open(b)))
	ent, p := sqltest.Entity(b, st, "Groothandel Bench B.V.")
	_, key, err := st.CreateKey(ctx, nil, &ledger.KeyInput{Name: "bench", Role: ledger.RoleAdmin})
	if err != nil {
		b.Fatal(err)
	}
	first, _ := ledger.ParseDate("2023-01-01")
	const days = 3 * 365

	// Posting is the slow part of the setup: a few goroutines share it.
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < entries; i += 4 {
				date := first.AddDays(i * days / entries).String()
				amt := money.Format(int64(1000+(i*7919)%500000), 2)
				var in ledger.EntryInput
				switch i % 5 {
				case 0:
					net := int64(1000 + (i*7919)%500000)
					tax := (net*21 + 50) / 100
					in = ledger.EntryInput{Date: date, Description: "Invoice", Reference: "S-" + strconv.Itoa(i), Lines: []ledger.LineInput{
						{Account: "1100", Debit: money.Format(net+tax, 2)}, {Account: "8000", Credit: money.Format(net, 2)},
						{Account: "1700", Credit: money.Format(tax, 2)}}}
				case 1:
					in = ledger.EntryInput{Date: date, Description: "Payment received", Lines: []ledger.LineInput{
						{Account: "1000", Debit: amt}, {Account: "1100", Credit: amt}}}
				case 2:
					in = ledger.EntryInput{Date: date, Description: "Purchase", Lines: []ledger.LineInput{
						{Account: "7000", Debit: amt}, {Account: "1600", Credit: amt}}}
				case 3:
					in = ledger.EntryInput{Date: date, Description: "Payment to supplier", Lines: []ledger.LineInput{
						{Account: "1600", Debit: amt}, {Account: "1000", Credit: amt}}}
				default:
					code := [...]string{"4000", "4100", "4200", "4300", "4400", "4500"}[i%6]
					in = ledger.EntryInput{Date: date, Description: "Costs", Lines: []ledger.LineInput{
						{Account: code, Debit: amt}, {Account: "1000", Credit: amt}}}
				}
				if _, err := st.PostEntry(ctx, p, ent, &in, nil); err != nil {
					errs <- fmt.Errorf("post %d: %w", i, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}

	// The statement: an invoice every few days, each paid (with one
	// allocation) three weeks later, the last ones left open.
	name, terms := "Mulder Handel B.V.", 30
	cust, err := st.CreateCustomer(ctx, p, ent, &invoicing.CustomerInput{Name: &name, PaymentTermsDays: &terms,
		Address: &ledger.Address{Lines: []string{"Molenweg 58"}, Postcode: "6704 AB", City: "Wageningen", Country: "NL"}})
	if err != nil {
		b.Fatal(err)
	}
	invoices := statementLines / 3
	lines := 0
	type due struct {
		date ledger.Date
		id   int64
	}
	var unpaid []due
	pay := func(d due) {
		inv, err := st.Invoice(ctx, ent.ID, d.id)
		if err != nil {
			b.Fatal(err)
		}
		amount, date := money.Format(inv.OpenMinor(), 2), d.date.String()
		if _, err := st.RecordPayment(ctx, p, ent, &invoicing.PaymentInput{CustomerID: &cust.ID, Date: &date, Amount: &amount,
			Allocations: []invoicing.AllocationInput{{InvoiceID: &d.id, Amount: amount}}}); err != nil {
			b.Fatal(err)
		}
		lines += 2
	}
	for i := range invoices {
		d := first.AddDays(i * days / invoices)
		for len(unpaid) > 0 && !unpaid[0].date.After(d) {
			pay(unpaid[0])
			unpaid = unpaid[1:]
		}
		date := d.String()
		ls := []invoicing.LineInput{{Description: "Consultancy (hour)", Quantity: strconv.Itoa(1 + i%7), UnitPrice: "95.00", TaxCode: "21"},
			{Description: "Books", Quantity: "2", UnitPrice: "24.95", TaxCode: "9"}}
		draft, err := st.CreateInvoice(ctx, p, ent, &invoicing.InvoiceInput{CustomerID: &cust.ID, IssueDate: &date, Lines: &ls})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := st.IssueInvoice(ctx, p, ent, draft.ID); err != nil {
			b.Fatal(err)
		}
		lines++
		unpaid = append(unpaid, due{d.AddDays(21), draft.ID})
	}
	return &reportBench{srv: New(testConfig(st)), key: key, ent: ent, customer: cust.ID, statementLines: lines}
}
