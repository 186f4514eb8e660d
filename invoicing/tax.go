package invoicing

import (
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"backoffice/ledger"
)

// TaxKind says how a tax code treats a sale.
type TaxKind string

const (
	TaxStandard      TaxKind = "standard"
	TaxReduced       TaxKind = "reduced"
	TaxZero          TaxKind = "zero"
	TaxExempt        TaxKind = "exempt"
	TaxReverseCharge TaxKind = "reverse_charge" // the customer accounts for the VAT
	TaxIntraEU       TaxKind = "intra_eu"       // intra-Community supply, 0 %
)

// TaxKinds lists the kinds.
var TaxKinds = []TaxKind{TaxStandard, TaxReduced, TaxZero, TaxExempt, TaxReverseCharge, TaxIntraEU}

// ChargesVAT reports whether the kind adds VAT to the invoice.
func (k TaxKind) ChargesVAT() bool { return k == TaxStandard || k == TaxReduced }

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
	ArchivedAt  *time.Time      `json:"archived_at"`
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedAt   time.Time       `json:"updated_at"`
	RateText    string          `json:"rate"` // the rate as a decimal percent string ("21")
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
	if !creating && (in.Rate != nil || in.Kind != nil) {
		p.Add("rate", ledger.ReasonFieldImmutable, "rate and kind are fixed once a tax code exists: issued invoices use them; archive the code and create a new one")
		return p.Err()
	}
	if creating {
		switch {
		case in.Kind == nil:
			p.Add("kind", ledger.ReasonFieldRequired, "kind is required: one of standard, reduced, zero, exempt, reverse_charge, intra_eu")
		case !slices.Contains(TaxKinds, TaxKind(*in.Kind)):
			p.Add("kind", ledger.ReasonTaxKindInvalid, "kind %q is not one of standard, reduced, zero, exempt, reverse_charge, intra_eu", *in.Kind)
		default:
			t.Kind = TaxKind(*in.Kind)
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

// DutchTaxCodes are seeded with the standard chart: the Dutch rates, each
// on the VAT payable account.
var DutchTaxCodes = []struct {
	Code, Description, Rate string
	Kind                    TaxKind
}{
	{"21", "BTW hoog tarief 21%", "21", TaxStandard},
	{"9", "BTW laag tarief 9%", "9", TaxReduced},
	{"0", "BTW 0%", "0", TaxZero},
	{"exempt", "Vrijgesteld van BTW", "0", TaxExempt},
	{"reverse-charge", "BTW verlegd", "0", TaxReverseCharge},
	{"intra-eu", "Intracommunautaire levering", "0", TaxIntraEU},
}

// DutchVATAccount is the standard chart's account the seeded codes use.
const DutchVATAccount = "1700"

// LegalNote is what an invoice must say for a kind that charges no VAT.
func (k TaxKind) LegalNote() string {
	switch k {
	case TaxReverseCharge:
		return "VAT reverse charged (Article 196 Directive 2006/112/EC)"
	case TaxIntraEU:
		return "Intra-Community supply exempt from VAT (Article 138 Directive 2006/112/EC)"
	case TaxExempt:
		return "Exempt from VAT"
	}
	return ""
}

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
