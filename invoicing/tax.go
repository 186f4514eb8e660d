package invoicing

import (
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"backoffice/ledger"
)

// TaxKind says how a tax code treats a sale: whether VAT is charged, what
// the invoice must say, and which box of the Dutch VAT return its turnover
// feeds (Box). Each legal case is a kind of its own, so that the return, the
// ICP listing and the invoice text follow from the code alone.
type TaxKind string

const (
	TaxStandard        TaxKind = "standard"            // the general rate (1a)
	TaxReduced         TaxKind = "reduced"             // the reduced rate (1b)
	TaxOtherRate       TaxKind = "other_rate"          // another rate above 0 %, such as an earlier one (1c)
	TaxZero            TaxKind = "zero"                // a domestic supply at 0 % (1e)
	TaxReverseCharge   TaxKind = "reverse_charge"      // domestic reverse charge: the Dutch customer accounts for the VAT (1e)
	TaxNonEUServices   TaxKind = "non_eu_services"     // services to a customer outside the EU, taxed where the customer is (1e)
	TaxExport          TaxKind = "export"              // goods exported outside the EU, 0 % (3a)
	TaxIntraEU         TaxKind = "intra_eu"            // intra-Community supply of goods, 0 % (3b, ICP goods)
	TaxIntraEUServices TaxKind = "intra_eu_services"   // services to a business in another EU country, reverse charged (3b, ICP services)
	TaxIntraEUTriangle TaxKind = "intra_eu_triangular" // the middle party's supply in ABC triangulation (3b, ICP triangular)
	TaxDistanceSales   TaxKind = "distance_sales"      // installation or distance sales within the EU taxed in the other country (3c)
	TaxExempt          TaxKind = "exempt"              // exempt from VAT (art. 11 Wet OB): not on the return
)

// TaxKinds lists the kinds.
var TaxKinds = []TaxKind{TaxStandard, TaxReduced, TaxOtherRate, TaxZero, TaxReverseCharge, TaxNonEUServices, TaxExport,
	TaxIntraEU, TaxIntraEUServices, TaxIntraEUTriangle, TaxDistanceSales, TaxExempt}

// taxKindList is the kinds for messages.
var taxKindList = func() string {
	names := make([]string, len(TaxKinds))
	for i, k := range TaxKinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}()

// ChargesVAT reports whether the kind adds VAT to the invoice.
func (k TaxKind) ChargesVAT() bool { return k == TaxStandard || k == TaxReduced || k == TaxOtherRate }

// Box is the box (rubriek) of the Dutch VAT return the kind's turnover (and
// for 1a to 1c its VAT) feeds; "" for exempt supplies, which the return does
// not ask for.
func (k TaxKind) Box() string {
	switch k {
	case TaxStandard:
		return "1a"
	case TaxReduced:
		return "1b"
	case TaxOtherRate:
		return "1c"
	case TaxZero, TaxReverseCharge, TaxNonEUServices:
		return "1e"
	case TaxExport:
		return "3a"
	case TaxIntraEU, TaxIntraEUServices, TaxIntraEUTriangle:
		return "3b"
	case TaxDistanceSales:
		return "3c"
	}
	return ""
}

// IntraEU reports a supply to another EU country the ICP listing reports.
func (k TaxKind) IntraEU() bool {
	return k == TaxIntraEU || k == TaxIntraEUServices || k == TaxIntraEUTriangle
}

// NeedsCustomerVATNumber reports a kind whose invoice must carry the
// customer's VAT number: the customer accounts for the VAT or the supply is
// exempt only to a VAT-registered business.
func (k TaxKind) NeedsCustomerVATNumber() bool { return k == TaxReverseCharge || k.IntraEU() }

// TaxCode is a VAT treatment an entity invoices with.
type TaxCode struct {
	ID          int64           `json:"id"`
	EntityID    int64           `json:"entity_id"`
	Code        string          `json:"code"`
	Description string          `json:"description"`
	Rate        decimal.Decimal `json:"-"`
	Kind        TaxKind         `json:"kind"`
	Account     string          `json:"account"` // the VAT account's code
	AccountID   int64           `json:"-"`
	// RevenueAccount is where the turnover of a line with this code goes
	// when the line names no account ("" : the invoicing settings' default).
	RevenueAccount   string     `json:"revenue_account"`
	RevenueAccountID *int64     `json:"-"`
	Box              string     `json:"box"` // the VAT return box the code feeds (from its kind; "" for exempt)
	ArchivedAt       *time.Time `json:"archived_at"`
	CreatedAt        time.Time  `json:"created_at"`
	UpdatedAt        time.Time  `json:"updated_at"`
	RateText         string     `json:"rate"` // the rate as a decimal percent string ("21")
}

// TaxCodeInput creates a tax code, or updates its description and account.
// Rate and kind are fixed once created: issued invoices refer to them, so a
// new rate is a new code (archive the old one).
type TaxCodeInput struct {
	Code        *string `json:"code"`
	Description *string `json:"description"`
	Rate        *string `json:"rate"`
	Kind        *string `json:"kind"`
	Account     *string `json:"account"`
	// RevenueAccount may be changed at any time: it only decides where new
	// lines go. "" clears it.
	RevenueAccount *string `json:"revenue_account"`
}

// Apply validates the input and writes it onto t (the account's code only:
// the store resolves it).
func (in *TaxCodeInput) Apply(t *TaxCode, creating bool) error {
	var p ledger.Problems
	if in.Code != nil && !creating {
		p.Add("code", ledger.ReasonFieldImmutable, "a tax code's code is fixed; create a new code")
	} else {
		text(&p, "code", in.Code, &t.Code, 20, true, creating)
	}
	text(&p, "description", in.Description, &t.Description, 200, false, creating)
	text(&p, "account", in.Account, &t.Account, 50, true, creating)
	text(&p, "revenue_account", in.RevenueAccount, &t.RevenueAccount, 50, false, creating)
	if !creating && (in.Rate != nil || in.Kind != nil) {
		p.Add("rate", ledger.ReasonFieldImmutable, "rate and kind are fixed once a tax code exists: issued invoices use them; archive the code and create a new one")
		return p.Err()
	}
	if creating {
		switch {
		case in.Kind == nil:
			p.Add("kind", ledger.ReasonFieldRequired, "kind is required: one of %s", taxKindList)
		case !slices.Contains(TaxKinds, TaxKind(*in.Kind)):
			p.Add("kind", ledger.ReasonTaxKindInvalid, "kind %q is not one of %s", *in.Kind, taxKindList)
		default:
			t.Kind = TaxKind(*in.Kind)
			t.Box = t.Kind.Box()
		}
		switch {
		case in.Rate == nil:
			p.Add("rate", ledger.ReasonFieldRequired, "rate is required: a decimal percent such as \"21\"")
		default:
			r, err := ParseDecimal(*in.Rate, 4)
			switch {
			case err != nil:
				p.Add("rate", ledger.ReasonRateInvalid, "rate: %v", err)
			case r.GreaterThan(decimal.NewFromInt(100)):
				p.Add("rate", ledger.ReasonRateInvalid, "rate is a percent from 0 to 100, got %s", *in.Rate)
			case t.Kind.ChargesVAT() && !r.IsPositive():
				p.Add("rate", ledger.ReasonRateInvalid, "a %s tax code has a rate above 0", t.Kind)
			case t.Kind != "" && !t.Kind.ChargesVAT() && !r.IsZero():
				p.Add("rate", ledger.ReasonRateInvalid, "a %s tax code charges no VAT: its rate is 0", t.Kind)
			default:
				t.Rate, t.RateText = r, r.String()
			}
		}
	}
	return p.Err()
}

// DutchTaxCodes are seeded with the standard chart: one code per case the
// Dutch VAT return, the ICP listing or the invoice text tells apart, each on
// the VAT payable account and with the chart's revenue account for it.
var DutchTaxCodes = []struct {
	Code, Description, Rate string
	Kind                    TaxKind
	RevenueAccount          string
}{
	{"21", "BTW hoog tarief 21%", "21", TaxStandard, "8000"},
	{"9", "BTW laag tarief 9%", "9", TaxReduced, "8100"},
	{"0", "BTW 0% (binnenland)", "0", TaxZero, "8200"},
	{"exempt", "Vrijgesteld van BTW", "0", TaxExempt, "8250"},
	{"reverse-charge", "BTW verlegd (binnenland)", "0", TaxReverseCharge, "8200"},
	{"intra-eu", "Intracommunautaire levering van goederen", "0", TaxIntraEU, "8300"},
	{"intra-eu-services", "Diensten aan ondernemers in andere EU-landen", "0", TaxIntraEUServices, "8310"},
	{"intra-eu-triangular", "ABC-levering (driehoekshandel)", "0", TaxIntraEUTriangle, "8300"},
	{"export", "Uitvoer van goederen buiten de EU", "0", TaxExport, "8400"},
	{"non-eu-services", "Diensten aan afnemers buiten de EU", "0", TaxNonEUServices, "8410"},
	{"distance-sales", "Installatie en afstandsverkopen binnen de EU", "0", TaxDistanceSales, "8300"},
}

// DutchVATAccount is the standard chart's account the seeded codes use.
const DutchVATAccount = "1700"

// ParseDecimal reads a plain decimal string ("12", "3.9500", "-1" is
// refused) with at most places decimals.
func ParseDecimal(s string, places int32) (decimal.Decimal, error) {
	s = strings.TrimSpace(s)
	if !plainDecimal(s) {
		if strings.HasPrefix(s, "-") && plainDecimal(s[1:]) {
			return decimal.Decimal{}, errNegative
		}
		return decimal.Decimal{}, errDecimal(s)
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Decimal{}, errDecimal(s)
	}
	if -d.Exponent() > places && !d.Equal(d.Truncate(places)) {
		return decimal.Decimal{}, errPlaces(places)
	}
	if d.GreaterThan(decimal.New(1, 12)) {
		return decimal.Decimal{}, errTooLarge
	}
	return d, nil
}

func plainDecimal(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	dot := false
	for i, c := range s {
		switch {
		case c >= '0' && c <= '9':
		case c == '.' && !dot && i > 0 && i < len(s)-1:
			dot = true
		default:
			return false
		}
	}
	return true
}
