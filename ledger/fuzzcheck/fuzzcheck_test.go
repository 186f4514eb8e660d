package fuzzcheck

import (
	"strings"
	"testing"
)

var sink []byte

func TestRunCountsAllocations(t *testing.T) {
	b := Bound{Base: 64 << 10, PerByte: 4}
	if err := b.Run(1000, func() { sink = make([]byte, 1000) }); err != nil {
		t.Errorf("1000 bytes for 1000 bytes of input: %v", err)
	}
	// 1 MiB for a 10-byte input is far above 64 KiB + 40 bytes.
	err := b.Run(10, func() { sink = make([]byte, 1<<20) })
	if err == nil || !strings.Contains(err.Error(), "for 10 bytes of input") {
		t.Errorf("1 MiB for 10 bytes of input: got %v, want a refusal", err)
	}
}
