package camt053

import (
	"strings"
	"testing"
)

// A statement padded with elements outside its entries is refused before
// the parser holds them all (MaxKept), while entries of any number pass.
func TestPaddedStatementRefused(t *testing.T) {
	doc := `<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Id>X</Id>` +
		strings.Repeat("<Bal/>", 250_000) + `</Stmt></BkToCstmrStmt></Document>`
	_, err := Parse(strings.NewReader(doc))
	if err == nil || !strings.Contains(err.Error(), "xml_too_large") {
		t.Fatalf("got %v", err)
	}
}
