package invoicing

import (
	"testing"

	"github.com/shopspring/decimal"

	"backoffice/ledger"
)

// TestSettleRules: the rules both halves of the books settle by, with the
// figures worked by hand.
func TestSettleRules(t *testing.T) {
	ent := &ledger.Entity{ID: 1, Currency: "EUR", TimeZone: "UTC"}
	day := func(s string) ledger.Date { d, _ := ledger.ParseDate(s); return d }
	inv := Side{Name: "invoice A", Currency: "USD", Party: 7, Date: day("2026-03-01"), OpenMinor: 10000, OpenFunctional: 9000, Rate: decimal.RequireFromString("0.9")}
	pay := Side{Name: "payment 1", Currency: "USD", Party: 7, Date: day("2026-03-10"), OpenMinor: 4000, OpenFunctional: 3800, Payment: true}
	cust := Parties{Plural: "customers", Mismatch: ledger.ReasonCustomerMismatch}

	for _, c := range []struct {
		name          string
		owed, settler Side
		amount        int64
		reason        ledger.Reason
	}{
		{"more than the payment", inv, pay, 4001, ledger.ReasonAllocationExceedsPayment},
		{"other party", inv, Side{Name: "payment 2", Currency: "USD", Party: 8, Payment: true, OpenMinor: 100}, 100, ledger.ReasonCustomerMismatch},
		{"other currency", inv, Side{Name: "payment 3", Currency: "EUR", Party: 7, Payment: true, OpenMinor: 100}, 100, ledger.ReasonCurrencyMismatch},
		{"more than open", Side{Name: "invoice B", Currency: "USD", Party: 7, OpenMinor: 50}, Side{Name: "credit note C", Currency: "USD", Party: 7, OpenMinor: 80}, 60, ledger.ReasonAllocationExceedsOpen},
	} {
		err := CheckAllocation(c.owed, c.settler, c.amount, cust)
		if e := ledger.As(err); e == nil || e.Reason != c.reason {
			t.Errorf("%s: %v, want %s", c.name, err, c.reason)
		}
	}
	if err := CheckAllocation(inv, pay, 4000, cust); err != nil {
		t.Fatal(err)
	}
	// 40 of 100 USD carried at 90.00 EUR releases 40 % of it, 36.00; the
	// payment releases all of its 38.00; dated the later of the two.
	st := Settle(ent, inv, pay, 4000, ledger.Date{})
	if st.OwedFunctional != 3600 || st.SettleFunctional != 3800 || st.Paid != 4000 || st.Date != day("2026-03-10") {
		t.Errorf("settlement %+v", st)
	}
	// A credit note at the invoice's own rate: no exchange difference.
	cn := Side{Name: "credit note D", Currency: "USD", Party: 7, Date: day("2026-03-05"), OpenMinor: 3333, OpenFunctional: 3000, Rate: inv.Rate}
	st = Settle(ent, inv, cn, 3333, ledger.Date{})
	if st.OwedFunctional != st.SettleFunctional || st.SettleFunctional != 3000 || st.Paid != 0 {
		t.Errorf("credit note %+v", st)
	}

	// Receivables: 2.00 more received than carried is a gain: receivables
	// debited, FX credited. Payables: 2.00 more paid than carried is a
	// loss: payables credited, FX debited.
	d := FXEntry(day("2026-03-10"), ent, "1100", "8900", true, 3600, 3800, "x")
	if d.Lines[0].Account != "1100" || !d.Lines[0].Debit || d.Lines[0].AmountMinor != 200 || d.Lines[1].Debit {
		t.Errorf("receivable gain %+v", d.Lines)
	}
	d = FXEntry(day("2026-03-10"), ent, "1100", "8900", true, 3800, 3600, "x")
	if d.Lines[0].Debit || !d.Lines[1].Debit || d.Lines[1].AmountMinor != 200 {
		t.Errorf("receivable loss %+v", d.Lines)
	}
	d = FXEntry(day("2026-03-10"), ent, "1600", "8900", false, 3600, 3800, "x")
	if d.Lines[0].Account != "1600" || d.Lines[0].Debit || !d.Lines[1].Debit {
		t.Errorf("payable loss %+v", d.Lines)
	}
	if FXEntry(day("2026-03-10"), ent, "1600", "8900", false, 100, 100, "x") != nil {
		t.Error("an entry for no difference")
	}
}
