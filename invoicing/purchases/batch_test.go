package purchases

import (
	"strings"
	"testing"

	"backoffice/ledger"
)

// TestRemittanceText: the names joined, at most 140 characters, the tail
// saying how many are left out (never "and 0 more"), names that convert
// to nothing dropped, one name too long cut.
func TestRemittanceText(t *testing.T) {
	twenty := func(i int) string { return "INV-2026-" + strings.Repeat("0", 10) + string(rune('A'+i)) } // 20 characters
	var many []string
	for i := range 10 {
		many = append(many, twenty(i))
	}
	// 6 names take 6 x 20 + 5 x 2 = 130; with " and 4 more" (11) that is
	// 141: too long; 5 names take 108 + 11 = 119 with " and 5 more".
	got := RemittanceText(many)
	want := strings.Join(many[:5], ", ") + " and 5 more"
	if got != want || len(got) > MaxRemittance {
		t.Errorf("many: %q (%d), want %q", got, len(got), want)
	}
	long := strings.Repeat("€", 100) // "EUR" each after SEPA conversion: 300 characters
	if got := RemittanceText([]string{long}); len(got) != MaxRemittance || strings.Contains(got, "more") {
		t.Errorf("one long name: %q", got)
	}
	if got := RemittanceText([]string{long, "F-2"}); len(got) > MaxRemittance || !strings.HasSuffix(got, " and 1 more") {
		t.Errorf("a long name and another: %q", got)
	}
	if got := RemittanceText([]string{"###", "F-1"}); got != "F-1" {
		t.Errorf("a name of symbols only: %q", got)
	}
	if got := RemittanceText([]string{"Café & Co", "F/2"}); got != "Cafe + Co, F/2" {
		t.Errorf("SEPA text: %q", got)
	}
	d := &OpenDoc{Kind: KindCreditNote, SupplierNumber: "###", Number: "PI-2026-0007"}
	if got := d.RemittanceName(); got != "credit PI-2026-0007" {
		t.Errorf("remittance name: %q", got)
	}
}

// TestPlanTransfers: one transfer per supplier with the credit notes
// netted, a payment reference on a transfer of its own, and what stops a
// transfer: no IBAN, an IBAN outside SEPA, a currency other than EUR,
// credit notes not less than the invoices they can be netted with.
func TestPlanTransfers(t *testing.T) {
	doc := func(id, sup int64, kind, number string, open int64, ref, iban string) *OpenDoc {
		return &OpenDoc{ID: id, SupplierID: sup, SupplierName: "S", Kind: kind, Status: StatusBooked, SupplierNumber: number,
			Currency: "EUR", OpenMinor: open, PaymentReference: ref, IBAN: iban}
	}
	nl := "NL91ABNA0417164300"
	// Supplier 1: 121.00 + 54.50 - 12.10 = 163.40 in one transfer, and
	// 242.00 with its payment reference in another.
	ts, probs := PlanTransfers([]*OpenDoc{doc(1, 1, KindInvoice, "F-1", 12100, "", nl), doc(2, 1, KindInvoice, "F-2", 5450, "", nl),
		doc(3, 1, KindCreditNote, "C-1", 1210, "", nl), doc(4, 1, KindInvoice, "F-3", 24200, "5000056789012345", nl)})
	if len(probs) != 0 || len(ts) != 2 {
		t.Fatalf("transfers %+v, problems %v", ts, probs)
	}
	amounts := map[int64]bool{ts[0].AmountMinor: true, ts[1].AmountMinor: true}
	if !amounts[16340] || !amounts[24200] {
		t.Errorf("amounts %d and %d, want 163.40 and 242.00", ts[0].AmountMinor, ts[1].AmountMinor)
	}
	for _, tr := range ts {
		if tr.AmountMinor == 16340 && tr.RemittanceText != "F-1, F-2, credit C-1" {
			t.Errorf("remittance %q", tr.RemittanceText)
		}
		if tr.AmountMinor == 24200 && (tr.CreditorReference != "5000056789012345" || tr.RemittanceText != "") {
			t.Errorf("reference transfer %+v", tr)
		}
	}
	reasons := func(docs ...*OpenDoc) map[ledger.Reason]bool {
		_, probs := PlanTransfers(docs)
		out := map[ledger.Reason]bool{}
		for _, p := range probs {
			out[p.Reason] = true
		}
		return out
	}
	if r := reasons(doc(5, 2, KindInvoice, "X", 100, "", "")); !r[ledger.ReasonSupplierIBANMissing] {
		t.Errorf("no IBAN: %v", r)
	}
	if r := reasons(doc(6, 3, KindInvoice, "X", 100, "", "BR1800360305000010009795493C1")); !r[ledger.ReasonSupplierIBANNotSEPA] {
		t.Errorf("IBAN outside SEPA: %v", r)
	}
	usd := doc(7, 4, KindInvoice, "X", 100, "", nl)
	usd.Currency = "USD"
	if r := reasons(usd); !r[ledger.ReasonCurrencyNotAllowed] {
		t.Errorf("USD: %v", r)
	}
	// A credit note of 50.00 against an invoice of 40.00 without a
	// reference (the 100.00 with a reference is not netted): -10.00.
	if r := reasons(doc(8, 5, KindInvoice, "A", 4000, "", nl), doc(9, 5, KindCreditNote, "C", 5000, "", nl),
		doc(10, 5, KindInvoice, "B", 10000, "5000056789012345", nl)); !r[ledger.ReasonAmountNotPositive] {
		t.Errorf("credit beyond the invoices it nets with: %v", r)
	}
}
