package purchases

import (
	"testing"

	"backoffice/ledger"
)

func sp(s string) *string { return &s }

// fieldReasons is each field path of err's problems to its reason.
func fieldReasons(t *testing.T, err error) map[string]ledger.Reason {
	t.Helper()
	e := ledger.As(err)
	if e == nil {
		t.Fatalf("want problems, got %v", err)
	}
	out := map[string]ledger.Reason{}
	for _, f := range e.Fields {
		out[f.Path] = f.Reason
	}
	return out
}

// TestTaxCodeInputRefusals: each rule of a purchase tax code refused by
// its field, and the boxes of a valid reverse-charge code.
func TestTaxCodeInputRefusals(t *testing.T) {
	for _, c := range []struct {
		name string
		in   TaxCodeInput
		path string
		want ledger.Reason
	}{
		{"no code", TaxCodeInput{Kind: sp("input"), Rate: sp("21"), InputAccount: sp("1200")}, "code", ledger.ReasonFieldRequired},
		{"no kind", TaxCodeInput{Code: sp("X"), Rate: sp("21")}, "kind", ledger.ReasonFieldRequired},
		{"unknown kind", TaxCodeInput{Code: sp("X"), Kind: sp("standard"), Rate: sp("21")}, "kind", ledger.ReasonTaxKindInvalid},
		{"input at 0 %", TaxCodeInput{Code: sp("X"), Kind: sp("input"), Rate: sp("0"), InputAccount: sp("1200")}, "rate", ledger.ReasonRateInvalid},
		{"reverse charge without rate", TaxCodeInput{Code: sp("X"), Kind: sp("eu_goods"), InputAccount: sp("1200"), OutputAccount: sp("1700")}, "rate", ledger.ReasonRateInvalid},
		{"zero with a rate", TaxCodeInput{Code: sp("X"), Kind: sp("zero"), Rate: sp("21")}, "rate", ledger.ReasonRateInvalid},
		{"rate above 100", TaxCodeInput{Code: sp("X"), Kind: sp("input"), Rate: sp("101"), InputAccount: sp("1200")}, "rate", ledger.ReasonRateInvalid},
		{"rate with 5 decimals", TaxCodeInput{Code: sp("X"), Kind: sp("input"), Rate: sp("21.00001"), InputAccount: sp("1200")}, "rate", ledger.ReasonRateInvalid},
		{"deductible above 100", TaxCodeInput{Code: sp("X"), Kind: sp("input"), Rate: sp("21"), DeductiblePercent: sp("150"), InputAccount: sp("1200")}, "deductible_percent", ledger.ReasonDeductiblePercentInvalid},
		{"negative deductible", TaxCodeInput{Code: sp("X"), Kind: sp("input"), Rate: sp("21"), DeductiblePercent: sp("-1"), InputAccount: sp("1200")}, "deductible_percent", ledger.ReasonDeductiblePercentInvalid},
		{"input without account", TaxCodeInput{Code: sp("X"), Kind: sp("input"), Rate: sp("21")}, "input_account", ledger.ReasonFieldRequired},
		{"no VAT with an input account", TaxCodeInput{Code: sp("X"), Kind: sp("exempt"), InputAccount: sp("1200")}, "input_account", ledger.ReasonFieldNotAllowed},
		{"reverse charge without output account", TaxCodeInput{Code: sp("X"), Kind: sp("non_eu_services"), Rate: sp("21"), InputAccount: sp("1200")}, "output_account", ledger.ReasonFieldRequired},
		{"input with an output account", TaxCodeInput{Code: sp("X"), Kind: sp("input"), Rate: sp("21"), InputAccount: sp("1200"), OutputAccount: sp("1700")}, "output_account", ledger.ReasonFieldNotAllowed},
		{"code too long", TaxCodeInput{Code: sp("ABCDEFGHIJKLMNOPQRSTU"), Kind: sp("zero")}, "code", ledger.ReasonFieldTooLong},
	} {
		t.Run(c.name, func(t *testing.T) {
			var tc TaxCode
			if got := fieldReasons(t, c.in.Apply(&tc, true)); got[c.path] != c.want {
				t.Errorf("%s: %v, want %s at %s", c.name, got, c.want, c.path)
			}
		})
	}

	// Changing: code, kind and rate are fixed.
	existing := TaxCode{Code: "P21", Kind: TaxInput, RateText: "21", DeductibleText: "100", InputAccount: "1200"}
	for path, in := range map[string]TaxCodeInput{"code": {Code: sp("P22")}, "rate": {Rate: sp("22")}} {
		tc := existing
		if got := fieldReasons(t, in.Apply(&tc, false)); got[path] != ledger.ReasonFieldImmutable {
			t.Errorf("changing %s: %v", path, got)
		}
	}
	kind := TaxCodeInput{Kind: sp("zero")}
	tc := existing
	if got := fieldReasons(t, kind.Apply(&tc, false)); got["rate"] != ledger.ReasonFieldImmutable {
		t.Errorf("changing kind: %v", got)
	}
	// A change of the deductible share and description is taken.
	ch := TaxCodeInput{Description: sp("Voorbelasting"), DeductiblePercent: sp("40")}
	tc = existing
	if err := ch.Apply(&tc, false); err != nil || tc.DeductibleText != "40" || tc.Description != "Voorbelasting" || tc.Code != "P21" {
		t.Errorf("change: %v %+v", err, tc)
	}

	// A valid reverse charge: boxes from the kind, deductible 100 by default.
	in := TaxCodeInput{Code: sp(" P-EU "), Kind: sp("eu_goods"), Rate: sp("21.0"), InputAccount: sp("1200"), OutputAccount: sp("1700")}
	var rc TaxCode
	if err := in.Apply(&rc, true); err != nil {
		t.Fatal(err)
	}
	if rc.Code != "P-EU" || rc.Box != "4b" || rc.InputBox != "5b" || rc.DeductibleText != "100" || rc.RateText != "21" {
		t.Errorf("reverse charge: %+v", rc)
	}
	// No VAT: no box, rate 0.
	none := TaxCodeInput{Code: sp("N"), Kind: sp("no_vat")}
	var nv TaxCode
	if err := none.Apply(&nv, true); err != nil || nv.Box != "" || nv.InputBox != "" || nv.RateText != "0" {
		t.Errorf("no vat: %v %+v", err, nv)
	}
}

// TestTaxKindBoxes: the VAT return box of each kind, as the Dutch return
// has them (2a domestic reverse charge, 4a from outside the EU, 4b from
// EU countries, 5b input VAT).
func TestTaxKindBoxes(t *testing.T) {
	for k, want := range map[TaxKind][2]string{
		TaxInput: {"", "5b"}, TaxZero: {"", ""}, TaxExempt: {"", ""}, TaxNoVAT: {"", ""},
		TaxReverseDomestic: {"2a", "5b"}, TaxEUGoods: {"4b", "5b"}, TaxEUServices: {"4b", "5b"},
		TaxNonEUServices: {"4a", "5b"}, TaxImportLicence: {"4a", "5b"}, TaxImportVAT: {"", "5b"},
	} {
		if got := [2]string{k.Box(), k.InputBox()}; got != want {
			t.Errorf("%s: boxes %v, want %v", k, got, want)
		}
	}
	if len(TaxKinds) != 10 || len(DutchTaxCodes) != 12 {
		t.Errorf("kinds %d, seeded codes %d", len(TaxKinds), len(DutchTaxCodes))
	}
}
