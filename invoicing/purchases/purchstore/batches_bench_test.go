package purchstore_test

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"backoffice/invoicing/purchases"
	"backoffice/invoicing/purchases/purchstore"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
	"backoffice/ledger/sqlstore/sqltest"
)

type proposalFixture struct {
	l    *sqlstore.Store
	st   *purchstore.Store
	ent  *ledger.Entity
	p    *ledger.Principal
	bank int64
}

func ptr[T any](v T) *T { return &v }

// seedOpen books n purchase invoices of 12.10 (10.00 + 21 % VAT) due
// 2026-12-01, spread over suppliers suppliers with an IBAN, and a EUR
// bank account to pay from.
func seedOpen(tb testing.TB, n, suppliers int) *proposalFixture {
	tb.Helper()
	l := sqltest.Open(tb)
	st := purchstore.New(l)
	ent, p := sqltest.Entity(tb, l, "Payer")
	ctx := context.Background()
	f := &proposalFixture{l: l, st: st, ent: ent, p: p}
	if err := l.Query(ctx).DB().Raw(`INSERT INTO bank_accounts (entity_id, account_id, name, iban, currency, match_window_days, created_at, updated_at)
		SELECT entity_id, id, 'Bank', 'NL91ABNA0417164300', 'EUR', 5, ?, ? FROM accounts WHERE entity_id = ? AND code = '1000' RETURNING id`,
		time.Now().UTC(), time.Now().UTC(), ent.ID).Scan(&f.bank).Error; err != nil {
		tb.Fatal(err)
	}
	sups := make([]int64, suppliers)
	for i := range sups {
		s, err := st.CreateSupplier(ctx, p, ent, &purchases.SupplierInput{Name: ptr(fmt.Sprintf("Supplier %03d B.V.", i)),
			IBAN: ptr("NL28RABO0318427756")})
		if err != nil {
			tb.Fatal(err)
		}
		sups[i] = s.ID
	}
	for i := range n {
		_, err := st.CreatePurchaseInvoice(ctx, p, ent, &purchases.InvoiceInput{SupplierID: ptr(sups[i%suppliers]),
			SupplierNumber: ptr("INV-" + strconv.Itoa(i)), InvoiceDate: ptr("2026-11-01"), DueDate: ptr("2026-12-01"),
			Lines: []purchases.LineInput{{Description: "Goods", Account: "4200", Amount: "10.00", TaxCode: "P21"}}, Book: true})
		if err != nil {
			tb.Fatal(err)
		}
	}
	return f
}

// run builds the proposal, makes the batch and exports it; it returns the
// file and the time of each step.
func (f *proposalFixture) run(tb testing.TB) ([]byte, *purchases.Proposal, *purchases.Batch, [3]time.Duration) {
	ctx := context.Background()
	due := ledger.NewDate(2026, 12, 15)
	var d [3]time.Duration
	t0 := time.Now()
	prop, err := f.st.PaymentProposal(ctx, f.ent.ID, due, 0)
	if err != nil {
		tb.Fatal(err)
	}
	t1 := time.Now()
	b, err := f.st.CreatePaymentBatch(ctx, f.p, f.ent, &purchases.BatchInput{BankAccountID: &f.bank,
		ExecutionDate: ptr(ledger.NewDate(2099, 1, 5)), DueBy: &due})
	if err != nil {
		tb.Fatal(err)
	}
	t2 := time.Now()
	_, file, err := f.st.ExportPaymentBatch(ctx, f.p, f.ent, b.ID, "", false)
	if err != nil {
		tb.Fatal(err)
	}
	d[0], d[1], d[2] = t1.Sub(t0), t2.Sub(t1), time.Since(t2)
	return file, prop, b, d
}

// TestPaymentProposalSpeed: a proposal of 1,000 open invoices of 100
// suppliers, its batch and its pain.001 file; the time is logged (not
// asserted: see docs/performance.md).
func TestPaymentProposalSpeed(t *testing.T) {
	if testing.Short() {
		t.Skip("books 1,000 invoices")
	}
	t.Parallel()
	f := seedOpen(t, 1000, 100)
	file, prop, b, d := f.run(t)
	// 100 suppliers with 10 invoices of 12.10 each: 121.00 per supplier,
	// 100 x 121.00 = 12100.00 in all, one transfer per supplier.
	if len(prop.Groups) != 100 || prop.Total != "12100.00" || prop.Groups[0].Amount != "121.00" || !prop.Groups[0].Payable {
		t.Fatalf("proposal: %d groups, total %s", len(prop.Groups), prop.Total)
	}
	if b.Count != 100 || b.Total != "12100.00" {
		t.Fatalf("batch: %d transfers, total %s", b.Count, b.Total)
	}
	for _, want := range []string{"<NbOfTxs>100</NbOfTxs>", "<CtrlSum>12100.00</CtrlSum>", `<InstdAmt Ccy="EUR">121.00</InstdAmt>`} {
		if !bytes.Contains(file, []byte(want)) {
			t.Errorf("file lacks %s", want)
		}
	}
	t.Logf("1,000 invoices of 100 suppliers: proposal %v, batch %v, pain.001 export %v (%d bytes); total %v",
		d[0], d[1], d[2], len(file), d[0]+d[1]+d[2])
}

// BenchmarkPaymentProposal: proposal, batch and export of 1,000 open
// invoices (100 suppliers) per iteration; the batch is cancelled after
// each so that the next finds the invoices free.
func BenchmarkPaymentProposal(b *testing.B) {
	f := seedOpen(b, 1000, 100)
	ctx := context.Background()
	for b.Loop() {
		_, _, batch, _ := f.run(b)
		if _, err := f.st.CancelPaymentBatch(ctx, f.p, f.ent, batch.ID); err != nil {
			b.Fatal(err)
		}
	}
}
