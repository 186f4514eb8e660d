package vatreturn_test

import (
	"strings"
	"testing"

	"backoffice/invoicing/vatreturn"
	"backoffice/ledger"
)

// An amount of a megabyte is named, not echoed (issue 18, 8).
func TestLongAdjustmentNotEchoed(t *testing.T) {
	ent := &ledger.Entity{Name: "T", Currency: "EUR", VATPeriod: ledger.VATQuarterly}
	s := func(v string) *string { return &v }
	_, _, err := vatreturn.ParseAdjustment(ent, &vatreturn.AdjustmentInput{Period: s("2025-Q1"), Base: s("x" + strings.Repeat("1", 1<<20)),
		VAT: s("1.00"), Reason: s("x"), Account: s("4300")})
	le := ledger.As(err)
	if err == nil || le.Fields[0].Path != "base" || le.Fields[0].Reason != ledger.ReasonAmountInvalid {
		t.Fatalf("base: %v", err)
	}
	if len(le.Fields[0].Message) > 300 {
		t.Fatalf("the message is %d bytes", len(le.Fields[0].Message))
	}
}
