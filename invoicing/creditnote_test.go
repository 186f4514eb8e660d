package invoicing

import (
	"testing"
)

// issuedInvoice builds an issued EUR invoice from lines (id 7).
func issuedInvoice(t *testing.T, lines ...LineInput) *Invoice {
	t.Helper()
	inv := build(t, "", lines...)
	inv.ID, inv.EntityID, inv.StoredStatus, inv.Number = 7, 1, StatusIssued, "INV-2026-0007"
	return inv
}

func TestBuildCreditNoteWholeAndParts(t *testing.T) {
	// Line 1: 10 x 12.00 = 120.00 at 21 %; line 2: 2 x 50.00 = 100.00 at 9 %.
	// Total 220.00 + 25.20 + 9.00 = 254.20.
	inv := issuedInvoice(t, li("Cake", "10", "12", "", "21"), li("Flour", "2", "50", "", "9"))
	if inv.TotalMinor != 25420 {
		t.Fatalf("total %d", inv.TotalMinor)
	}
	cn, err := BuildCreditNote(inv, nil, &CreditNoteInput{})
	if err != nil || cn.TotalMinor != 25420 || len(cn.Lines) != 2 || *cn.CreditedInvoiceID != 7 || cn.Kind != KindCreditNote {
		t.Fatalf("whole: %+v %v", cn, err)
	}
	// Line 1 by quantity 3: 36.00 + 7.56 = 43.56; line 2 by amount 25.00: 25.00 + 2.25 = 27.25.
	cn, err = BuildCreditNote(inv, nil, &CreditNoteInput{Lines: []CreditLineInput{{Line: 1, Quantity: "3"}, {Line: 2, Amount: "25.00"}}})
	if err != nil || cn.NetMinor != 6100 || cn.TaxMinor != 756+225 || cn.TotalMinor != 7081 {
		t.Fatalf("parts: %+v %v", cn, err)
	}
	if *cn.Lines[0].CreditsLineNo != 1 || *cn.Lines[1].CreditsLineNo != 2 || cn.Lines[1].LineNo != 2 {
		t.Fatalf("lines %+v", cn.Lines)
	}
	// After the credit note above (36.00 of line 1, 25.00 of line 2), 84.00
	// of line 1 is left: 8 (96.00) is too much.
	credited := []*Invoice{cn}
	inv.CreditNotedMinor = cn.TotalMinor
	_, err = BuildCreditNote(inv, credited, &CreditNoteInput{Lines: []CreditLineInput{{Line: 1, Quantity: "8"}}})
	if reason(err) != "credit_exceeds_invoice" {
		t.Fatalf("quantity over what is left: %v", err)
	}
	_, err = BuildCreditNote(inv, credited, &CreditNoteInput{Lines: []CreditLineInput{{Line: 1, Amount: "84.01"}}})
	if reason(err) != "credit_exceeds_invoice" {
		t.Fatalf("amount over what is left: %v", err)
	}
	// The line by name without quantity or amount: the 84.00 left.
	cn, err = BuildCreditNote(inv, credited, &CreditNoteInput{Lines: []CreditLineInput{{Line: 1}}})
	if err != nil || cn.NetMinor != 8400 {
		t.Fatalf("rest of line 1: %+v %v", cn, err)
	}

	for _, c := range []struct {
		in     CreditNoteInput
		reason string
	}{
		{CreditNoteInput{Lines: []CreditLineInput{{Line: 3}}}, "line_not_found"},
		{CreditNoteInput{Lines: []CreditLineInput{{Line: 1}, {Line: 1}}}, "line_repeated"},
		{CreditNoteInput{Lines: []CreditLineInput{{Line: 1, Quantity: "1", Amount: "1"}}}, "credit_both"},
		{CreditNoteInput{Lines: []CreditLineInput{{Line: 1, Quantity: "-1"}}}, "quantity_invalid"},
		{CreditNoteInput{Lines: []CreditLineInput{{Line: 1, Amount: "0"}}}, "amount_not_positive"},
		{CreditNoteInput{Lines: []CreditLineInput{{Line: 1, Amount: "1.001"}}}, "amount_too_precise"},
	} {
		if _, err := BuildCreditNote(inv, nil, &c.in); reason(err) != c.reason {
			t.Errorf("%+v: %v; want %s", c.in, err, c.reason)
		}
	}
	inv.StoredStatus = StatusVoid
	if _, err := BuildCreditNote(inv, nil, &CreditNoteInput{}); reason(err) != "invoice_void" {
		t.Errorf("void: %v", err)
	}
	inv.StoredStatus = StatusDraft
	if _, err := BuildCreditNote(inv, nil, &CreditNoteInput{}); reason(err) != "invoice_not_issued" {
		t.Errorf("draft: %v", err)
	}
	inv.StoredStatus, inv.Kind = StatusIssued, KindCreditNote
	if _, err := BuildCreditNote(inv, nil, &CreditNoteInput{}); reason(err) != "not_an_invoice" {
		t.Errorf("credit note: %v", err)
	}
	inv.Kind = KindInvoice
	inv.CreditNotedMinor = 0
	whole, err := BuildCreditNote(inv, nil, &CreditNoteInput{})
	if err != nil {
		t.Fatal(err)
	}
	inv.CreditNotedMinor = whole.TotalMinor
	if _, err := BuildCreditNote(inv, []*Invoice{whole}, &CreditNoteInput{}); reason(err) != "invoice_fully_credited" {
		t.Errorf("fully credited: %v", err)
	}
}

// TestBuildCreditNoteRestAfterHalfCredited: an invoice of 1.00 at 21 %
// (VAT 0.21, total 1.21) credited for 0.50 first. That credit note's VAT is
// 0.105 -> 0.11, its total 0.61, so 0.60 of the invoice is left to credit.
// Crediting the other half of the line (net 0.50, exactly what remains of
// it) must be possible and close the invoice: its VAT has to be the 0.10
// that is left, total 0.60. Rounded on its own it would be 0.11 again (total
// 0.61), and the store refuses it as credit_exceeds_invoice: the invoice can
// then never be fully credited, by amount or in full.
func TestBuildCreditNoteRestAfterHalfCredited(t *testing.T) {
	inv := issuedInvoice(t, li("Service", "1", "1.00", "", "21"))
	first, err := BuildCreditNote(inv, nil, &CreditNoteInput{Lines: []CreditLineInput{{Line: 1, Amount: "0.50"}}})
	if err != nil || first.TotalMinor != 61 {
		t.Fatalf("first half: %+v %v", first, err)
	}
	inv.CreditNotedMinor = first.TotalMinor
	credited := []*Invoice{first}
	for _, in := range []CreditNoteInput{{}, {Lines: []CreditLineInput{{Line: 1}}}, {Lines: []CreditLineInput{{Line: 1, Amount: "0.50"}}}} {
		cn, err := BuildCreditNote(inv, credited, &in)
		if err != nil {
			t.Errorf("rest %+v: %v; want a credit note of 0.50 + 0.10 = 0.60", in, err)
			continue
		}
		if cn.NetMinor != 50 || cn.TotalMinor != 60 {
			t.Errorf("rest %+v: net %d total %d; want 50 and 60", in, cn.NetMinor, cn.TotalMinor)
		}
	}
}
