package invstore_test

import (
	"fmt"
	"runtime/debug"
	"sort"
	"sync"
	"testing"

	"backoffice/invoicing"
	"backoffice/ledger"
)

// TestConcurrentIssueIsGapless: 200 drafts issued from 200 goroutines take
// the numbers 1..200 of the year, each once, and receivables hold exactly
// their totals.
func TestConcurrentIssueIsGapless(t *testing.T) {
	f := newFixture(t)
	const n = 200
	drafts := make([]*invoicing.Invoice, n)
	for i := range drafts {
		// Different totals so that a lost or doubled posting shows in 1100.
		drafts[i] = f.draft(f.cust, "2026-05-04", line("Cake", fmt.Sprint(i+1), "1.10", "21"))
	}
	var wg sync.WaitGroup
	out := make([]*invoicing.Invoice, n)
	errs := make([]error, n)
	start := make(chan struct{})
	for i := range drafts {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			out[i], errs[i] = f.st.IssueInvoice(ctx, f.p, f.ent, drafts[i].ID)
		}(i)
	}
	close(start)
	wg.Wait()
	var sum int64
	seen := map[string]int{}
	var seqs []int
	for i := range out {
		if errs[i] != nil {
			t.Fatalf("issue %d: %v", i, errs[i])
		}
		if j, dup := seen[out[i].Number]; dup {
			t.Fatalf("number %s given to drafts %d and %d", out[i].Number, j, i)
		}
		seen[out[i].Number] = i
		seqs = append(seqs, int(out[i].Seq))
		sum += out[i].TotalMinor
	}
	sort.Ints(seqs)
	for i, s := range seqs {
		if s != i+1 {
			t.Fatalf("sequence %d at %d; numbers run 1..%d without gaps", s, i, n)
		}
	}
	for i := 1; i <= n; i++ {
		if _, ok := seen[fmt.Sprintf("INV-2026-%04d", i)]; !ok {
			t.Fatalf("INV-2026-%04d missing", i)
		}
	}
	// Reading back: every row issued with its number.
	if got := f.scalar(`SELECT count(DISTINCT number) FROM invoices WHERE status = 'issued' AND fiscal_year = 2026`); got != n {
		t.Fatalf("%d issued numbers stored", got)
	}
	if got := f.scalar(`SELECT value FROM counters WHERE series = 'invoice' AND year = 2026`); got != n {
		t.Fatalf("counter at %d", got)
	}
	if f.balance("1100") != sum {
		t.Fatalf("1100 %s; the totals sum to %s", eur(f.balance("1100")), eur(sum))
	}
	f.ledgerSound()
}

// TestConcurrentPaymentsNeverOversettle: 20 payments of 10.00 race to
// settle an invoice of 121.00. Twelve fit (120.00), the rest are refused as
// allocation_exceeds_open and leave nothing behind.
func TestConcurrentPaymentsNeverOversettle(t *testing.T) {
	f := newFixture(t)
	inv := f.issued(f.cust, "2026-03-10", line("Cake", "1", "100", "21"))
	entriesBefore := f.count("journal_entries")
	const n = 20
	var wg sync.WaitGroup
	pays := make([]*invoicing.Payment, n)
	errs := make([]error, n)
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			amount, date, ref := "10.00", "2026-03-20", fmt.Sprintf("race-%02d", i)
			pays[i], errs[i] = f.st.RecordPayment(ctx, f.p, f.ent, &invoicing.PaymentInput{CustomerID: &f.cust.ID, Date: &date,
				Amount: &amount, Reference: &ref, Allocations: []invoicing.AllocationInput{alloc(inv, "10.00")}})
		}(i)
	}
	close(start)
	wg.Wait()
	var ok, exceeded, busy int
	var settled int64
	okRefs := map[string]bool{}
	for i, err := range errs {
		switch r := reasonOf(err); {
		case err == nil:
			ok++
			settled += pays[i].Allocations[0].AmountMinor
			okRefs[pays[i].Reference] = true
		case r == "allocation_exceeds_open":
			exceeded++
		case r == "database_busy" || ledger.IsCode(err, ledger.CodeUnavailable):
			busy++
			t.Logf("payment %d refused as busy: %v", i, err)
		default:
			t.Errorf("payment %d: unexpected %v", i, err)
		}
	}
	t.Logf("%d settled, %d exceeded, %d busy", ok, exceeded, busy)
	if settled > 12100 {
		t.Fatalf("payments settled %s of an invoice of 121.00", eur(settled))
	}
	if busy == 0 && (ok != 12 || exceeded != 8) {
		t.Fatalf("%d succeeded, %d exceeded; want 12 and 8", ok, exceeded)
	}
	got := f.reload(inv)
	if got.SettledMinor != settled || got.PaidMinor != settled || got.OpenMinor() != 12100-settled {
		t.Fatalf("invoice settled %s paid %s; the successful payments allocated %s", eur(got.SettledMinor), eur(got.PaidMinor), eur(settled))
	}
	// Only successful payments left rows and entries.
	if f.count("payments") != int64(ok) || f.count("allocations") != int64(ok) || f.count("journal_entries") != entriesBefore+int64(ok) {
		t.Fatalf("payments %d allocations %d entries %d; want %d, %d, %d", f.count("payments"), f.count("allocations"),
			f.count("journal_entries"), ok, ok, entriesBefore+int64(ok))
	}
	list, err := f.st.Payments(ctx, f.ent.ID, invoicing.PaymentFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range list {
		if !okRefs[p.Reference] || p.AmountMinor != 1000 || p.SettledMinor != 1000 {
			t.Fatalf("stored payment %+v was refused or is not fully allocated", p)
		}
	}
	f.wantBalances(map[string]int64{"1100": 12100 - settled, "1000": settled})
	f.ledgerSound()
}

// TestRemovePaymentRacingAllocate: a payment's rest is allocated while the
// payment is being removed. Either may win, but neither may fail other than
// with a reason, the books must add up, and no allocation may survive on a
// removed payment.
func TestRemovePaymentRacingAllocate(t *testing.T) {
	f := newFixture(t)
	rounds := 10 // SQLite runs one writer at a time: there is no race to lose
	if onPostgres() {
		rounds = 60
	}
	for r := 0; r < rounds; r++ {
		inv := f.issued(f.cust, "2026-03-10", line("Cake", "1", "100", "21"))
		pay := f.pay(f.cust, "2026-03-11", "121.00")
		var wg sync.WaitGroup
		var allocErr, removeErr error
		var panicked any
		start := make(chan struct{})
		wg.Add(2)
		go func() {
			defer wg.Done()
			<-start
			_, allocErr = f.st.Allocate(ctx, f.p, f.ent, pay.ID, false, []invoicing.AllocationInput{alloc(inv, "121.00")})
		}()
		go func() {
			defer wg.Done()
			defer func() {
				if p := recover(); p != nil {
					panicked = fmt.Sprintf("%v\n%s", p, debug.Stack())
				}
			}()
			<-start
			_, removeErr = f.st.RemovePayment(ctx, f.p, f.ent, pay.ID)
		}()
		close(start)
		wg.Wait()
		if panicked != nil {
			t.Fatalf("round %d: RemovePayment panicked: %v", r, panicked)
		}
		if removeErr != nil && !ledger.IsCode(removeErr, ledger.CodeUnavailable) {
			t.Fatalf("round %d: remove: %v", r, removeErr)
		}
		if allocErr != nil && reasonOf(allocErr) != "payment_removed" && !ledger.IsCode(allocErr, ledger.CodeUnavailable) {
			t.Fatalf("round %d: allocate: %v", r, allocErr)
		}
		got := f.payment(pay.ID)
		for _, a := range got.Allocations {
			if got.RemovedAt != nil && a.RemovedAt == nil {
				t.Fatalf("round %d: allocation %d survives on removed payment %d", r, a.ID, pay.ID)
			}
		}
		if got.RemovedAt != nil && f.reload(inv).SettledMinor != 0 {
			t.Fatalf("round %d: invoice still settled by a removed payment", r)
		}
	}
	f.ledgerSound()
}
