package purchases

import (
	"testing"

	"backoffice/ledger"
)

func TestNormalizeVATNumber(t *testing.T) {
	for in, want := range map[string]string{
		"nl 8602.33.613.B01": "NL860233613B01",
		"BE-0123.456.749":    "BE0123456749",
		"  de123456788 ":     "DE123456788",
		"":                   "",
	} {
		if got := NormalizeVATNumber(in); got != want {
			t.Errorf("NormalizeVATNumber(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestValidBIC(t *testing.T) {
	for bic, want := range map[string]bool{
		"ABNANL2A": true, "RABONL2UXXX": true, "INGBNL2A": true,
		"ABNANL2": false, "ABNANL2AXX": false, "abnanl2a": false, "1BNANL2A": false, "ABNA NL2A": false,
	} {
		if got := ValidBIC(bic); got != want {
			t.Errorf("ValidBIC(%q) = %v; want %v", bic, got, want)
		}
	}
}

// TestSupplierInputRules: each mistake is refused at its own field; a new
// supplier takes 30 days' terms, and the account holder defaults to its
// name when an IBAN is given without one.
func TestSupplierInputRules(t *testing.T) {
	ent := &ledger.Entity{ID: 1, Locale: "nl"}
	str := func(s string) *string { return &s }
	var s Supplier
	err := (&SupplierInput{Name: str("Leverancier BV"), IBAN: str("nl91 abna 0417 1643 00"), BIC: str("abnanl2a"),
		VATNumber: str("nl 8602.33.613.B01")}).Apply(&s, ent, true)
	if err != nil {
		t.Fatal(err)
	}
	if s.IBAN != "NL91ABNA0417164300" || s.BIC != "ABNANL2A" || s.AccountHolder != "Leverancier BV" || s.VATNumber != "NL860233613B01" || s.PaymentTermsDays != 30 {
		t.Fatalf("supplier %+v", s)
	}
	var bad Supplier
	err = (&SupplierInput{Name: str("X"), IBAN: str("NL92ABNA0417164300"), BIC: str("ABNA"), VATNumber: str("N!")}).Apply(&bad, ent, true)
	e := ledger.As(err)
	paths := map[string]bool{}
	for _, f := range e.Fields {
		paths[f.Path] = true
	}
	for _, want := range []string{"iban", "bic", "vat_number"} {
		if !paths[want] {
			t.Errorf("no problem at %s in %v", want, e.Fields)
		}
	}
	if err := (&SupplierInput{}).Apply(&Supplier{}, ent, true); err == nil {
		t.Error("a supplier without a name was accepted")
	}
}
