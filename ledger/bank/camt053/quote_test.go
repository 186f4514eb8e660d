package camt053

import (
	"strings"
	"testing"

	"backoffice/ledger"
)

// A date element of a megabyte is named, not echoed (issue 18, 8).
func TestLongDateNotEchoed(t *testing.T) {
	long := strings.Repeat("9", 1<<20)
	in := strings.Replace(sample("08"), "<ValDt><Dt>2026-03-03</Dt>", "<ValDt><Dt>"+long+"</Dt>", 1)
	_, err := Parse(strings.NewReader(in))
	e := asInvalid(t, err)
	if e == nil || e.Reason != ledger.ReasonDateInvalid {
		t.Fatalf("Parse: %v; want date_invalid", err)
	}
	if len(e.Message) > 400 || len(e.Fields[0].Message) > 300 {
		t.Fatalf("the message is %d bytes, the field's %d", len(e.Message), len(e.Fields[0].Message))
	}
}
