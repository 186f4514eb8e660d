package einvoice

import (
	"testing"

	"github.com/shopspring/decimal"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// checked is a document whose figures add up (worked out by hand):
// lines 3 x 12.50 = 37.50 and 2 x 40.00 / 4 = 20.00 less 1.00 = 19.00 at
// 21 %, and 10.00 at 9 %; an allowance of 2.50 and a charge of 5.00 at
// 21 %: taxable 37.50 + 19.00 - 2.50 + 5.00 = 59.00, VAT 12.39; 10.00,
// VAT 0.90. Lines 66.50, without VAT 69.00, VAT 13.29, with VAT 82.29,
// prepaid 20.00, rounding 0.01, payable 62.30.
func checked() *Document {
	return &Document{
		Lines: []Line{
			{ID: "1", Quantity: d("3"), Price: d("12.50"), NetAmount: d("37.50"), VATCategory: "S", VATRate: d("21")},
			{ID: "2", Quantity: d("2"), Price: d("40.00"), BaseQuantity: d("4"), NetAmount: d("19.00"), VATCategory: "S", VATRate: d("21"),
				Allowances: []AllowanceCharge{{Amount: d("1.00")}}},
			{ID: "3", Quantity: d("1"), Price: d("10.00"), NetAmount: d("10.00"), VATCategory: "S", VATRate: d("9")},
		},
		Allowances: []AllowanceCharge{
			{Amount: d("2.50"), VATCategory: "S", VATRate: d("21")},
			{Charge: true, Amount: d("5.00"), VATCategory: "S", VATRate: d("21.00")},
		},
		VAT: []VATBreakdown{
			{Category: "S", Rate: d("21"), TaxableAmount: d("59.00"), TaxAmount: d("12.39")},
			{Category: "S", Rate: d("9"), TaxableAmount: d("10.00"), TaxAmount: d("0.90")},
		},
		Totals: Totals{LineTotal: d("66.50"), AllowanceTotal: d("2.50"), ChargeTotal: d("5.00"), TaxExclusive: d("69.00"),
			TaxTotal: d("13.29"), TaxInclusive: d("82.29"), Prepaid: d("20.00"), Rounding: d("0.01"), Payable: d("62.30")},
	}
}

func TestCheckCleanDocument(t *testing.T) {
	if f := checked().Check(); len(f) != 0 {
		t.Fatalf("findings on a document that adds up: %+v", f)
	}
}

func TestCheckFindsEachRule(t *testing.T) {
	cases := []struct {
		rule, path string
		tamper     func(*Document)
	}{
		{"BR-CO-10", "Totals.LineTotal", func(x *Document) { x.Lines[0].NetAmount = d("37.60"); x.Lines[0].Price = d("12.5333") }},
		{"BR-CO-11", "Totals.AllowanceTotal", func(x *Document) { x.Totals.AllowanceTotal = d("2.00") }},
		{"BR-CO-12", "Totals.ChargeTotal", func(x *Document) { x.Allowances[1].Amount = d("6.00") }},
		{"BR-CO-13", "Totals.TaxExclusive", func(x *Document) { x.Totals.TaxExclusive = d("66.50") }},
		{"BR-CO-14", "Totals.TaxTotal", func(x *Document) { x.Totals.TaxTotal = d("13.30") }},
		{"BR-CO-15", "Totals.TaxInclusive", func(x *Document) { x.Totals.TaxInclusive = d("82.30") }},
		{"BR-CO-16", "Totals.Payable", func(x *Document) { x.Totals.Rounding = d("0") }},
		{"BR-CO-17", "VAT[0].TaxAmount", func(x *Document) { x.VAT[0].TaxAmount = d("12.41") }},
		{"BR-S-08", "VAT[1].TaxableAmount", func(x *Document) { x.Lines[2].VATRate = d("21") }},
		{"BR-S-08", "VAT", func(x *Document) { x.Lines[2].VATRate = d("6") }},
		{"BR-AE-08", "VAT[0].TaxableAmount", func(x *Document) { x.VAT[0].Category = "AE" }},
		{"PEPPOL-EN16931-R120", "Lines[1].NetAmount", func(x *Document) { x.Lines[1].BaseQuantity = d("0") }},
	}
	for _, c := range cases {
		t.Run(c.rule+" "+c.path, func(t *testing.T) {
			x := checked()
			c.tamper(x)
			found := x.Check()
			for _, f := range found {
				if f.Rule == c.rule && f.Path == c.path && f.Message != "" {
					return
				}
			}
			t.Errorf("no %s at %s among %+v", c.rule, c.path, found)
		})
	}
}

// The slacks: a line may be 0.02 off (PEPPOL-EN16931-R120) and a
// breakdown's VAT one cent; one more is a finding.
func TestCheckSlack(t *testing.T) {
	x := checked()
	x.Lines[0].Price = d("12.4934") // 3 x 12.4934 = 37.4802, 0.0198 off 37.50
	x.VAT[0].TaxAmount, x.Totals.TaxTotal, x.Totals.TaxInclusive, x.Totals.Payable = d("12.40"), d("13.30"), d("82.30"), d("62.31")
	if f := x.Check(); len(f) != 0 {
		t.Fatalf("findings within the slack: %+v", f)
	}
	x.Lines[0].Price = d("12.49") // 37.47, 0.03 off
	x.VAT[0].TaxAmount, x.Totals.TaxTotal, x.Totals.TaxInclusive, x.Totals.Payable = d("12.41"), d("13.31"), d("82.31"), d("62.32")
	rules := map[string]bool{}
	for _, f := range x.Check() {
		rules[f.Rule] = true
	}
	if !rules["PEPPOL-EN16931-R120"] || !rules["BR-CO-17"] || len(rules) != 2 {
		t.Fatalf("rules %v, want PEPPOL-EN16931-R120 and BR-CO-17 only", rules)
	}
}
