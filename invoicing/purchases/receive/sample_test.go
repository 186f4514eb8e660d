package receive_test

import (
	"os"
	"testing"

	"backoffice/invoicing/einvoice/validate"
)

// The README's sample (testdata/einvoices/supplier-invoice.xml) is a valid
// Peppol BIS 3 invoice by the official artefacts.
func TestSampleIsValidPeppol(t *testing.T) {
	b, err := os.ReadFile("../../../testdata/einvoices/supplier-invoice.xml")
	if err != nil {
		t.Fatal(err)
	}
	validate.UBL(t, b)
}
