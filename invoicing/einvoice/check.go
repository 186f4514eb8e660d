package einvoice

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// Finding is a figure of a document that does not agree with the others,
// under the EN 16931 business rule it breaks.
type Finding struct {
	Rule    string // the EN 16931 (or Peppol) rule id, such as BR-CO-10
	Path    string // the model field at fault, such as Totals.LineTotal or VAT[1].TaxAmount
	Message string
}

// Slacks, as the official artefacts allow them.
var (
	// lineSlack is PEPPOL-EN16931-R120's: a line's net amount may differ
	// from quantity x price / base quantity (+ charges - allowances) by
	// 0.02, for the rounding of the price.
	lineSlack = decimal.RequireFromString("0.02")
	// taxSlack is what a breakdown's VAT may differ from its taxable
	// amount x rate, rounded to cents: one cent. The EN 16931 artefact
	// (BR-CO-17) allows a whole unit of the currency, which would let a
	// wrong VAT amount on a small invoice through; a received invoice
	// that rounds per line and is off by more than a cent is worth a look.
	taxSlack = decimal.RequireFromString("0.01")
	hundred  = decimal.NewFromInt(100)
)

// categoryRule is the rule each VAT category's "taxable amount = lines +
// charges - allowances" check goes by (BR-S-08, BR-Z-08 ...).
var categoryRule = map[string]string{
	CategoryStandard: "BR-S-08", CategoryZero: "BR-Z-08", CategoryExempt: "BR-E-08",
	CategoryReverseCharge: "BR-AE-08", CategoryIntraEU: "BR-IC-08", CategoryExport: "BR-G-08",
	CategoryOutOfScope: "BR-O-08", CategoryCanaryIslands: "BR-AF-08", CategoryCeutaMelilla: "BR-AG-08",
}

// Check compares the document's totals and VAT breakdown with its lines
// and allowances, as the EN 16931 calculation rules do, and says where
// they disagree. Amounts are compared exactly, except for the slacks
// above. A document with no findings adds up; one with findings still
// parsed, and whoever books it decides.
func (d *Document) Check() []Finding {
	var out []Finding
	add := func(rule, path, format string, args ...any) {
		out = append(out, Finding{Rule: rule, Path: path, Message: fmt.Sprintf(format, args...)})
	}
	eq := func(rule, path string, got, want decimal.Decimal, what string) {
		if !got.Equal(want) {
			add(rule, path, "%s is %s, but %s", path, got.String(), fmt.Sprintf(what, want.String()))
		}
	}
	t := d.Totals

	var lines, allowances, charges decimal.Decimal
	for i, l := range d.Lines {
		lines = lines.Add(l.NetAmount)
		d.checkLine(i, l, add)
	}
	for _, a := range d.Allowances {
		if a.Charge {
			charges = charges.Add(a.Amount)
		} else {
			allowances = allowances.Add(a.Amount)
		}
	}
	eq("BR-CO-10", "Totals.LineTotal", t.LineTotal, lines, "the lines' net amounts add up to %s")
	eq("BR-CO-11", "Totals.AllowanceTotal", t.AllowanceTotal, allowances, "the document allowances add up to %s")
	eq("BR-CO-12", "Totals.ChargeTotal", t.ChargeTotal, charges, "the document charges add up to %s")
	eq("BR-CO-13", "Totals.TaxExclusive", t.TaxExclusive, t.LineTotal.Sub(t.AllowanceTotal).Add(t.ChargeTotal),
		"line total - allowances + charges is %s")
	var vat decimal.Decimal
	for _, b := range d.VAT {
		vat = vat.Add(b.TaxAmount)
	}
	eq("BR-CO-14", "Totals.TaxTotal", t.TaxTotal, vat, "the VAT breakdown adds up to %s")
	eq("BR-CO-15", "Totals.TaxInclusive", t.TaxInclusive, t.TaxExclusive.Add(t.TaxTotal), "without VAT + VAT is %s")
	eq("BR-CO-16", "Totals.Payable", t.Payable, t.TaxInclusive.Sub(t.Prepaid).Add(t.Rounding),
		"with VAT - prepaid + rounding is %s")
	d.checkBreakdown(add)
	return out
}

type addFunc func(rule, path, format string, args ...any)

// checkLine: net = quantity x price / base quantity - allowances + charges.
func (d *Document) checkLine(i int, l Line, add addFunc) {
	base := l.BaseQuantity
	if base.IsZero() {
		base = decimal.NewFromInt(1)
	}
	want := l.Quantity.Mul(l.Price).Div(base)
	for _, a := range l.Allowances {
		want = want.Add(a.Signed())
	}
	if l.NetAmount.Sub(want).Abs().GreaterThan(lineSlack) {
		add("PEPPOL-EN16931-R120", fmt.Sprintf("Lines[%d].NetAmount", i),
			"line %s: the net amount is %s, but quantity %s x price %s / base quantity %s, with its allowances and charges, is %s (slack %s)",
			l.ID, l.NetAmount, l.Quantity, l.Price, base, want.Round(2), lineSlack)
	}
}

// checkBreakdown: each breakdown's taxable amount is what the lines,
// charges and allowances of its category and rate add up to, and its VAT
// is that amount x the rate; and every category and rate used has a
// breakdown.
func (d *Document) checkBreakdown(add addFunc) {
	type group struct {
		category string
		rate     decimal.Decimal
		sum      decimal.Decimal
		found    bool
	}
	var groups []*group
	groupOf := func(cat string, rate decimal.Decimal) *group {
		for _, g := range groups {
			if g.category == cat && g.rate.Equal(rate) {
				return g
			}
		}
		g := &group{category: cat, rate: rate}
		groups = append(groups, g)
		return g
	}
	for _, l := range d.Lines {
		g := groupOf(l.VATCategory, l.VATRate)
		g.sum = g.sum.Add(l.NetAmount)
	}
	for _, a := range d.Allowances {
		g := groupOf(a.VATCategory, a.VATRate)
		g.sum = g.sum.Add(a.Signed())
	}
	for i, b := range d.VAT {
		g := groupOf(b.Category, b.Rate)
		g.found = true
		rule := categoryRule[b.Category]
		if rule == "" {
			rule = "BR-CO-18"
		}
		path := fmt.Sprintf("VAT[%d]", i)
		if !b.TaxableAmount.Equal(g.sum.Round(2)) {
			add(rule, path+".TaxableAmount", "the taxable amount at %s %s%% is %s, but its lines, charges and allowances add up to %s",
				b.Category, b.Rate, b.TaxableAmount, g.sum)
		}
		want := b.TaxableAmount.Mul(b.Rate).Div(hundred).Round(2)
		if b.TaxAmount.Sub(want).Abs().GreaterThan(taxSlack) {
			add("BR-CO-17", path+".TaxAmount", "the VAT at %s %s%% is %s, but %s x %s%% is %s (slack %s)",
				b.Category, b.Rate, b.TaxAmount, b.TaxableAmount, b.Rate, want, taxSlack)
		}
	}
	for _, g := range groups {
		if !g.found {
			rule := categoryRule[g.category]
			if rule == "" {
				rule = "BR-CO-18"
			}
			add(rule, "VAT", "lines, charges or allowances at %q %s%% (together %s) have no VAT breakdown", g.category, g.rate, g.sum)
		}
	}
}
