package statements

import (
	"math"
	"testing"
	"time"

	"backoffice/invoicing"
	"backoffice/ledger"
	"backoffice/ledger/reports"
)

func day(s string) ledger.Date {
	d, err := ledger.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func id(v int64) *int64 { return &v }

// The aged receivables' store leaves out documents settled for good; an
// allocation to one still settles the payment that the report holds.
func TestAllocationToALeftOutDocument(t *testing.T) {
	ent := &ledger.Entity{ID: 1, Name: "E", Currency: "EUR"}
	removed := time.Date(2026, 3, 5, 10, 0, 0, 0, time.UTC)
	act := &invoicing.Activity{
		Payments: []*invoicing.Payment{{ID: 7, CustomerID: 3, Direction: invoicing.DirectionReceived, Date: day("2026-03-01"),
			Currency: "EUR", AmountMinor: 10000, FunctionalMinor: 10000}},
		Allocations: []*invoicing.Allocation{
			{ID: 1, DebitInvoiceID: id(99), CreditPaymentID: id(7), Date: day("2026-03-02"), Currency: "EUR", AmountMinor: 6000,
				DebitFunctionalMinor: 6000, CreditFunctionalMinor: 6000},
			// Removed on the 5th: it settled the 3rd and 4th only.
			{ID: 2, DebitInvoiceID: id(98), CreditPaymentID: id(7), Date: day("2026-03-03"), Currency: "EUR", AmountMinor: 1000,
				DebitFunctionalMinor: 1000, CreditFunctionalMinor: 1000, RemovedAt: &removed},
		},
		AllocationRemovedOn: map[int64]ledger.Date{2: day("2026-03-05")},
	}
	for on, want := range map[string]int64{"2026-02-28": 0, "2026-03-01": -10000, "2026-03-02": -4000, "2026-03-04": -3000, "2026-03-05": -4000} {
		r, err := BuildAged(ent, "1100", want, act, day(on))
		if err != nil {
			t.Fatal(err)
		}
		if r.Total.Total.Minor != want || r.Total.Unallocated.Minor != want || r.Difference.Minor != 0 {
			t.Errorf("on %s: total %s, unallocated %s; want %d", on, r.Total.Total, r.Total.Unallocated, want)
		}
	}
}

// Totals past what int64 holds are refused, never wrapped.
func TestAgedOverflow(t *testing.T) {
	ent := &ledger.Entity{ID: 1, Name: "E", Currency: "EUR"}
	due := day("2026-01-31")
	doc := func(id int64) *invoicing.Invoice {
		d := day("2026-01-01")
		return &invoicing.Invoice{ID: id, CustomerID: 1, Kind: invoicing.KindInvoice, StoredStatus: invoicing.StatusIssued,
			Currency: "EUR", IssueDate: &d, DueDate: &due, TotalMinor: math.MaxInt64 / 2, FunctionalTotalMinor: math.MaxInt64 / 2}
	}
	act := &invoicing.Activity{Documents: []*invoicing.Invoice{doc(1), doc(2), doc(3)}}
	_, err := BuildAged(ent, "1100", 0, act, day("2026-02-01"))
	if le := ledger.As(err); le == nil || le.Reason != "amount_too_large" {
		t.Fatalf("overflow: %v", err)
	}
}

// A void counts until the day of its reversal; a void whose date is
// unknown never counts.
func TestVoidedDocument(t *testing.T) {
	ent := &ledger.Entity{ID: 1, Name: "E", Currency: "EUR"}
	d, due := day("2026-01-10"), day("2026-01-20")
	inv := func(id int64) *invoicing.Invoice {
		return &invoicing.Invoice{ID: id, CustomerID: 1, Kind: invoicing.KindInvoice, StoredStatus: invoicing.StatusVoid, Currency: "EUR",
			IssueDate: &d, DueDate: &due, TotalMinor: 500, FunctionalTotalMinor: 500}
	}
	act := &invoicing.Activity{Documents: []*invoicing.Invoice{inv(1), inv(2)}, VoidedOn: map[int64]ledger.Date{1: day("2026-02-01")}}
	for on, want := range map[string]int64{"2026-01-09": 0, "2026-01-10": 500, "2026-01-31": 500, "2026-02-01": 0} {
		r, err := BuildAged(ent, "1100", want, act, day(on))
		if err != nil || r.Total.Total.Minor != want {
			t.Errorf("on %s: %v %v; want %d", on, r.Total.Total, err, want)
		}
	}
}

func TestTextFormats(t *testing.T) {
	for _, c := range []struct {
		a      Amount
		nl, en string
	}{
		{Amount{0, 2}, "0,00", "0.00"},
		{Amount{-123456789, 2}, "-1.234.567,89", "-1,234,567.89"},
		{Amount{100000, 2}, "1.000,00", "1,000.00"},
		{Amount{12345, 0}, "12.345", "12,345"},
		{Amount{math.MinInt64, 2}, "-92.233.720.368.547.758,08", "-92,233,720,368,547,758.08"},
	} {
		if got := textAmount(c.a, "nl"); got != c.nl {
			t.Errorf("nl %d: %q; want %q", c.a.Minor, got, c.nl)
		}
		if got := textAmount(c.a, "en"); got != c.en {
			t.Errorf("en %d: %q; want %q", c.a.Minor, got, c.en)
		}
	}
	// One date style per language, in texts as in date cells.
	if got := reports.DateText(day("2026-03-05"), "nl"); got != "05-03-2026" {
		t.Errorf("nl date %q", got)
	}
	if got := reports.DateText(day("2026-03-05"), "en"); got != "5 Mar 2026" {
		t.Errorf("en date %q", got)
	}
	if got := reports.PeriodText(day("2026-01-01"), day("2026-03-31"), "nl"); got != "01-01-2026 t/m 31-03-2026" {
		t.Errorf("period %q", got)
	}
}
