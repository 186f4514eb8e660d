package invstore_test

import (
	"testing"

	"backoffice/invoicing"
)

// TestFXInvoicePaidInFull: 121.00 USD (100.00 + 21 % VAT) at 0.9 is carried
// at 108.90 EUR (90.00 revenue, 18.90 VAT). Paid 121.00 USD at 0.95, which
// brings in 114.95 EUR: the 6.05 EUR more is a gain on 8900 and 1100 is
// back to zero.
func TestFXInvoicePaidInFull(t *testing.T) {
	f := newFixture(t)
	usd := f.customer("Acme Inc.", "USD")
	inv := f.fxInvoice(usd, "2026-03-10", "0.9", line("Consulting", "1", "100", "21"))
	if inv.Currency != "USD" || inv.TotalMinor != 12100 || inv.FunctionalTotalMinor != 10890 {
		t.Fatalf("invoice %s %s, functional %s", inv.Currency, eur(inv.TotalMinor), eur(inv.FunctionalTotalMinor))
	}
	e := f.entry(*inv.EntryID)
	type amounts struct {
		debit, credit, amount int64
		currency, rate        string
	}
	got := map[string]amounts{}
	for _, l := range e.Lines {
		a := got[l.AccountCode]
		got[l.AccountCode] = amounts{a.debit + l.DebitMinor, a.credit + l.CreditMinor, a.amount + l.AmountMinor, l.Currency, l.ExchangeRate}
	}
	want := map[string]amounts{
		"1100": {10890, 0, 12100, "USD", "0.9"},
		"8000": {0, 9000, 10000, "USD", "0.9"},
		"1700": {0, 1890, 2100, "USD", "0.9"},
	}
	for code, w := range want {
		if got[code] != w {
			t.Errorf("invoice entry on %s: %+v; want %+v", code, got[code], w)
		}
	}
	if e.TotalMinor != 10890 || e.Currency != "EUR" {
		t.Fatalf("entry total %s %s", eur(e.TotalMinor), e.Currency)
	}
	f.wantBalances(map[string]int64{"1100": 10890})

	pay := f.fxPay(usd, "2026-03-25", "121.00", "0.95", alloc(inv, "121.00"))
	if pay.FunctionalMinor != 11495 || pay.Allocations[0].FXEntryID == nil {
		t.Fatalf("payment functional %s, allocation %+v", eur(pay.FunctionalMinor), pay.Allocations[0])
	}
	if n := f.entryNet(*pay.Allocations[0].FXEntryID); n["1100"] != 605 || n["8900"] != -605 {
		t.Fatalf("exchange difference entry %v; want 1100 debited and 8900 credited 6.05", n)
	}
	f.wantBalances(map[string]int64{"1100": 0, "8900": -605, "1000": 11495, "8000": -9000, "1700": -1890})
	if got := f.reload(inv); got.Status() != invoicing.StatusPaid || got.OpenFunctionalMinor() != 0 {
		t.Fatalf("invoice %s, %s EUR still carried", got.Status(), eur(got.OpenFunctionalMinor()))
	}
	f.ledgerSound()
}

// TestFXPartialAllocations: the same invoice and payment, allocated 33.33
// then 87.67 USD. The first releases 108.90 x 33.33/121 = 29.997 -> 30.00
// EUR of the invoice and 114.95 x 33.33/121 = 31.6635 -> 31.66 of the
// payment (gain 1.66); the second releases the rest, 78.90 and 83.29
// (gain 4.39). Together 6.05, and 1100 ends at exactly zero.
func TestFXPartialAllocations(t *testing.T) {
	f := newFixture(t)
	usd := f.customer("Acme Inc.", "USD")
	inv := f.fxInvoice(usd, "2026-03-10", "0.9", line("Consulting", "1", "100", "21"))
	pay := f.fxPay(usd, "2026-03-25", "121.00", "0.95")
	f.wantBalances(map[string]int64{"1100": 10890 - 11495})
	a1, err := f.st.Allocate(ctx, f.p, f.ent, pay.ID, false, []invoicing.AllocationInput{alloc(inv, "33.33")})
	if err != nil {
		t.Fatal(err)
	}
	if a1[0].DebitFunctionalMinor != 3000 || a1[0].CreditFunctionalMinor != 3166 {
		t.Fatalf("first allocation releases %s and %s; want 30.00 and 31.66", eur(a1[0].DebitFunctionalMinor), eur(a1[0].CreditFunctionalMinor))
	}
	f.wantBalances(map[string]int64{"8900": -166, "1100": 10890 - 11495 + 166})
	a2, err := f.st.Allocate(ctx, f.p, f.ent, pay.ID, false, []invoicing.AllocationInput{alloc(inv, "87.67")})
	if err != nil {
		t.Fatal(err)
	}
	if a2[0].DebitFunctionalMinor != 7890 || a2[0].CreditFunctionalMinor != 8329 {
		t.Fatalf("second allocation releases %s and %s; want 78.90 and 83.29", eur(a2[0].DebitFunctionalMinor), eur(a2[0].CreditFunctionalMinor))
	}
	f.wantBalances(map[string]int64{"1100": 0, "8900": -605})

	// Two payments at different rates: 60.00 at 0.95 (57.00 for 54.00
	// carried: gain 3.00), 61.00 at 0.85 (51.85 for the 54.90 left: loss
	// 3.05). 8900 nets a loss of 0.05 on this invoice.
	inv2 := f.fxInvoice(usd, "2026-04-01", "0.9", line("Consulting", "1", "100", "21"))
	pa := f.fxPay(usd, "2026-04-10", "60.00", "0.95", alloc(inv2, "60.00"))
	pb := f.fxPay(usd, "2026-04-11", "61.00", "0.85", alloc(inv2, "61.00"))
	if pa.Allocations[0].DebitFunctionalMinor != 5400 || pb.Allocations[0].DebitFunctionalMinor != 5490 {
		t.Fatalf("released %s and %s", eur(pa.Allocations[0].DebitFunctionalMinor), eur(pb.Allocations[0].DebitFunctionalMinor))
	}
	f.wantBalances(map[string]int64{"1100": 0, "8900": -605 - 300 + 305})
	// Removing the second allocation reverses its loss: 1100 holds the
	// 54.90 still carried less the 51.85 unallocated. Allocating again
	// brings it back to zero.
	if _, err := f.st.RemoveAllocation(ctx, f.p, f.ent, pb.Allocations[0].ID); err != nil {
		t.Fatal(err)
	}
	f.wantBalances(map[string]int64{"1100": 5490 - 5185, "8900": -605 - 300})
	if _, err := f.st.Allocate(ctx, f.p, f.ent, pb.ID, false, []invoicing.AllocationInput{alloc(inv2, "61.00")}); err != nil {
		t.Fatal(err)
	}
	f.wantBalances(map[string]int64{"1100": 0, "8900": -605 - 300 + 305})
	// Removing a whole payment reverses its entry and its differences.
	if _, err := f.st.RemovePayment(ctx, f.p, f.ent, pa.ID); err != nil {
		t.Fatal(err)
	}
	f.wantBalances(map[string]int64{"1100": 5400, "8900": -605 + 305})
	f.ledgerSound()
}

// TestFXCreditNoteAndRefund: 121.00 USD at 0.9; 50.00 paid at 0.95 (gain
// 2.50 on the 45.00 carried); the whole invoice credited, which settles the
// 71.00 open (63.90 carried on both sides: no difference) and leaves 50.00
// USD of credit carried at 45.00 EUR; refunded at 0.97 (48.50 EUR out for
// 45.00 carried: a loss of 3.50). 1100 ends at zero.
func TestFXCreditNoteAndRefund(t *testing.T) {
	f := newFixture(t)
	usd := f.customer("Acme Inc.", "USD")
	inv := f.fxInvoice(usd, "2026-03-10", "0.9", line("Consulting", "1", "100", "21"))
	f.fxPay(usd, "2026-03-11", "50.00", "0.95", alloc(inv, "50.00"))
	cn := f.creditNote(inv, "2026-03-12")
	if cn.Currency != "USD" || cn.FunctionalTotalMinor != 10890 || cn.OpenMinor() != 5000 || cn.OpenFunctionalMinor() != 4500 {
		t.Fatalf("credit note %s %s, functional %s, open %s carried %s", cn.Currency, eur(cn.TotalMinor), eur(cn.FunctionalTotalMinor),
			eur(cn.OpenMinor()), eur(cn.OpenFunctionalMinor()))
	}
	f.wantBalances(map[string]int64{"1100": 10890 - 4750 + 250 - 10890, "8900": -250})
	dir, amount, cur, rate := invoicing.DirectionRefund, "50.00", "USD", "0.97"
	ref, err := f.st.RecordPayment(ctx, f.p, f.ent, &invoicing.PaymentInput{CustomerID: &usd.ID, Direction: &dir, Amount: &amount,
		Currency: &cur, ExchangeRate: &rate, Allocations: []invoicing.AllocationInput{toCN(cn, "50.00")}})
	if err != nil {
		t.Fatal(err)
	}
	if ref.FunctionalMinor != 4850 || ref.Allocations[0].FXEntryID == nil {
		t.Fatalf("refund %+v", ref)
	}
	if n := f.entryNet(*ref.Allocations[0].FXEntryID); n["1100"] != -350 || n["8900"] != 350 {
		t.Fatalf("refund difference %v; want a loss of 3.50", n)
	}
	f.wantBalances(map[string]int64{"1100": 0, "8900": -250 + 350, "1000": 4750 - 4850})
	f.ledgerSound()
}
