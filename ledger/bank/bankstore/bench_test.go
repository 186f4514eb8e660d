package bankstore_test

import (
	"fmt"
	"testing"

	"backoffice/ledger"
	"backoffice/ledger/bank"
)

// BenchmarkImportAndAutoMatch imports a statement of 1,000 lines into books
// holding the 1,000 entries they pay, and matches them automatically: half
// by the reference in the remittance, half by amount and date. Setting up
// the books is not timed.
//
//	go test ./ledger/bank/bankstore -run '^$' -bench ImportAndAutoMatch -benchtime 3x
func BenchmarkImportAndAutoMatch(b *testing.B) {
	const n = 1000
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		f, xml := monthOf(b, n, 0)
		b.StartTimer()
		r, err := f.bs.ImportStatement(ctx, f.p, f.ent, f.acct.ID, &bank.ImportInput{Format: bank.FormatCAMT053, Data: []byte(xml)})
		if err != nil {
			b.Fatal(err)
		}
		if r.LinesAdded != n || r.AutoMatched != n {
			b.Fatalf("imported %d lines, matched %d", r.LinesAdded, r.AutoMatched)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "lines/s")
}

// BenchmarkReconciliationReport reports on a bank account with 2,000
// statement lines and 2,000 entries, one line and one entry in ten not
// matched (their amounts differ by a cent).
//
//	go test ./ledger/bank/bankstore -run '^$' -bench ReconciliationReport -benchtime 50x
func BenchmarkReconciliationReport(b *testing.B) {
	const n = 2000
	f, xml := monthOf(b, n, 10)
	if _, err := f.bs.ImportStatement(ctx, f.p, f.ent, f.acct.ID, &bank.ImportInput{Format: bank.FormatCAMT053, Data: []byte(xml)}); err != nil {
		b.Fatal(err)
	}
	asOf := ledger.NewDate(2026, 3, 31)
	b.ResetTimer()
	for b.Loop() {
		r, err := f.bs.Reconciliation(ctx, f.ent, f.acct.ID, asOf)
		if err != nil {
			b.Fatal(err)
		}
		if len(r.UnreconciledStatement) != n/10 || len(r.UnreconciledLedger) != n/10 || r.Unexplained != 0 {
			b.Fatalf("%d and %d unreconciled, unexplained %d", len(r.UnreconciledStatement), len(r.UnreconciledLedger), r.Unexplained)
		}
	}
}

// monthOf makes books with n supplier payments in March and the statement
// of the bank account paying them; every off-th line (0: none) differs
// from its entry by a cent, so that it stays unmatched.
func monthOf(b *testing.B, n, off int) (*fixture, string) {
	f := newFixture(b)
	f.post("2026-02-28", "", "Opening balance", "1000000.00", "2000")
	var lines []ntry
	var total int64
	for k := range n {
		day := 2 + k%27
		amount := int64(-(1000 + k*7)) // distinct amounts: one candidate each
		ref := ""
		text := fmt.Sprintf("Betaling %d", k)
		if k%2 == 0 {
			ref = fmt.Sprintf("F-2026-%04d", k)
			text = "Factuur " + ref
		}
		date := fmt.Sprintf("2026-03-%02d", day)
		book := fmt.Sprintf("2026-03-%02d", max(1, day-k%3))
		plain := fmt.Sprintf("%d.%02d", -amount/100, -amount%100)
		_, err := f.inv.PostEntry(ctx, f.p, f.ent, &ledger.EntryInput{Date: book, Description: "Supplier " + text, Reference: ref,
			Lines: []ledger.LineInput{{Account: "4500", Debit: plain}, {Account: "1000", Credit: plain}}}, nil)
		if err != nil {
			b.Fatal(err)
		}
		if off > 0 && k%off == 0 {
			amount -= 1 // a cent more than the books say
			plain = fmt.Sprintf("%d.%02d", -amount/100, -amount%100)
			text = fmt.Sprintf("Betaling %d", k)
		}
		lines = append(lines, ntry{ref: fmt.Sprintf("BNK%06d", k), date: date, amount: "-" + plain, text: text})
		total += amount
	}
	closing := 100000000 + total
	return f, camt("BENCH", ourIBAN, "EUR", "2026-03-01", "2026-03-31", "1000000.00", fmt.Sprintf("%d.%02d", closing/100, closing%100), lines...)
}
