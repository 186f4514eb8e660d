package purchases

import (
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"backoffice/invoicing"
	"backoffice/ledger"
)

// TaxKind says how a purchase is taxed: which VAT the supplier's document
// shows, which VAT the entity owes itself (reverse charge) and which box
// of the Dutch VAT return (aangifte omzetbelasting) it feeds.
type TaxKind string

const (
	// TaxInput: the supplier charged Dutch VAT at the code's rate; it is
	// input VAT (box 5b) as far as it is deductible.
	TaxInput TaxKind = "input"
	// TaxZero: a 0 % supply, TaxExempt: an exempt supply, TaxNoVAT: a
	// supplier that charges none (small-business scheme, a private
	// seller). No VAT either way; no box.
	TaxZero   TaxKind = "zero"
	TaxExempt TaxKind = "exempt"
	TaxNoVAT  TaxKind = "no_vat"
	// Reverse charge: the document shows no VAT; the entity owes it at the
	// code's (Dutch) rate and deducts it as far as it may.
	TaxReverseDomestic TaxKind = "reverse_charge_domestic" // box 2a
	TaxEUGoods         TaxKind = "eu_goods"                // box 4b
	TaxEUServices      TaxKind = "eu_services"             // box 4b
	TaxNonEUServices   TaxKind = "non_eu_services"         // box 4a
	TaxImportLicence   TaxKind = "import_licence"          // box 4a (article 23 licence)
	// TaxImportVAT: VAT paid to Customs on an import. The line's amount is
	// that VAT; it is input VAT only (box 5b).
	TaxImportVAT TaxKind = "import_vat"
)

// TaxKinds lists the purchase kinds.
var TaxKinds = []TaxKind{TaxInput, TaxZero, TaxExempt, TaxNoVAT, TaxReverseDomestic, TaxEUGoods, TaxEUServices,
	TaxNonEUServices, TaxImportLicence, TaxImportVAT}

// ReverseCharge reports a kind whose VAT the entity itself owes.
func (k TaxKind) ReverseCharge() bool {
	switch k {
	case TaxReverseDomestic, TaxEUGoods, TaxEUServices, TaxNonEUServices, TaxImportLicence:
		return true
	}
	return false
}

// HasVAT reports a kind with VAT to book: charged, reverse charged or
// paid at import.
func (k TaxKind) HasVAT() bool { return k == TaxInput || k == TaxImportVAT || k.ReverseCharge() }

// Box is the box of the VAT return the kind's turnover and VAT due feed
// ("" for none). Whatever is deductible feeds 5b as well (InputBox).
func (k TaxKind) Box() string {
	switch k {
	case TaxReverseDomestic:
		return "2a"
	case TaxEUGoods, TaxEUServices:
		return "4b"
	case TaxNonEUServices, TaxImportLicence:
		return "4a"
	}
	return ""
}

// InputBox is the box the deductible VAT feeds: 5b where there is VAT.
func (k TaxKind) InputBox() string {
	if k.HasVAT() {
		return "5b"
	}
	return ""
}

// TaxCode is a VAT treatment an entity's purchases are booked with.
type TaxCode struct {
	ID          int64   `json:"id"`
	EntityID    int64   `json:"entity_id"`
	Code        string  `json:"code"`
	Description string  `json:"description"`
	Kind        TaxKind `json:"kind"`
	// RateText is the VAT rate in percent: the rate charged (input) or the
	// Dutch rate the entity applies on reverse charge.
	RateText string          `json:"rate"`
	Rate     decimal.Decimal `json:"-"`
	// DeductibleText is the share of the VAT that may be deducted, in
	// percent (restaurant meals 0, a mixed-use asset pro rata); lines may
	// set their own.
	DeductibleText  string          `json:"deductible_percent"`
	Deductible      decimal.Decimal `json:"-"`
	InputAccount    string          `json:"input_account"`  // the input VAT account ("" where no VAT)
	OutputAccount   string          `json:"output_account"` // reverse charge: the VAT payable account
	InputAccountID  int64           `json:"-"`
	OutputAccountID int64           `json:"-"`
	Box             string          `json:"box"`
	InputBox        string          `json:"input_box"`
	ArchivedAt      *time.Time      `json:"archived_at"`
	CreatedAt       time.Time       `json:"created_at"`
	UpdatedAt       time.Time       `json:"updated_at"`
}

// TaxCodeInput creates a purchase tax code or changes its description,
// accounts and deductible share. Kind and rate are fixed once created:
// booked invoices refer to them (archive the code and create another).
type TaxCodeInput struct {
	Code              *string `json:"code"`
	Description       *string `json:"description"`
	Kind              *string `json:"kind"`
	Rate              *string `json:"rate"`
	DeductiblePercent *string `json:"deductible_percent"`
	InputAccount      *string `json:"input_account"`
	OutputAccount     *string `json:"output_account"`
}

func kindList() string {
	s := make([]string, len(TaxKinds))
	for i, k := range TaxKinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// ParsePercent reads a percent from 0 to 100 with at most 4 decimals.
func ParsePercent(s string) (decimal.Decimal, bool) {
	d, err := invoicing.ParseDecimal(s, 4)
	if err != nil || d.GreaterThan(decimal.NewFromInt(100)) {
		return decimal.Decimal{}, false
	}
	return d, true
}

// Apply validates the input and writes it onto t; the store resolves and
// checks the accounts. A kind with VAT needs an input account, a reverse
// charge an output account as well; a kind without VAT has rate 0.
func (in *TaxCodeInput) Apply(t *TaxCode, creating bool) error {
	var p ledger.Problems
	if in.Code != nil && !creating {
		p.Add("code", ledger.ReasonFieldImmutable, "a tax code's code is fixed; create a new code")
	} else {
		p.Text("code", in.Code, &t.Code, 20, true, creating)
	}
	p.Text("description", in.Description, &t.Description, 200, false, creating)
	if !creating && (in.Rate != nil || in.Kind != nil) {
		p.Add("rate", ledger.ReasonFieldImmutable, "rate and kind are fixed once a tax code exists: booked invoices use them; archive the code and create a new one")
		return p.Err()
	}
	if creating {
		switch {
		case in.Kind == nil:
			p.Add("kind", ledger.ReasonFieldRequired, "kind is required: one of %s", kindList())
		case !slices.Contains(TaxKinds, TaxKind(*in.Kind)):
			p.Add("kind", ledger.ReasonTaxKindInvalid, "kind %q is not one of %s", *in.Kind, kindList())
		default:
			t.Kind = TaxKind(*in.Kind)
		}
		rate := "0"
		if in.Rate != nil {
			rate = *in.Rate
		}
		r, ok := ParsePercent(rate)
		switch {
		case !ok:
			p.Add("rate", ledger.ReasonRateInvalid, "rate %q is not a percent from 0 to 100 with at most 4 decimals", rate)
		case (t.Kind == TaxInput || t.Kind.ReverseCharge()) && !r.IsPositive():
			p.Add("rate", ledger.ReasonRateInvalid, "a %s tax code has a rate above 0 (reverse charge: the Dutch rate the entity applies)", t.Kind)
		case t.Kind != "" && !(t.Kind == TaxInput || t.Kind.ReverseCharge()) && !r.IsZero():
			p.Add("rate", ledger.ReasonRateInvalid, "a %s tax code has no rate: give 0 or none", t.Kind)
		default:
			t.Rate, t.RateText = r, r.String()
		}
		if in.DeductiblePercent == nil && t.DeductibleText == "" {
			t.Deductible, t.DeductibleText = decimal.NewFromInt(100), "100"
		}
	}
	if in.DeductiblePercent != nil {
		if d, ok := ParsePercent(*in.DeductiblePercent); ok {
			t.Deductible, t.DeductibleText = d, d.String()
		} else {
			p.Add("deductible_percent", ledger.ReasonDeductiblePercentInvalid, "deductible_percent %q is not a percent from 0 to 100 with at most 4 decimals", *in.DeductiblePercent)
		}
	}
	if in.InputAccount != nil {
		t.InputAccount = strings.TrimSpace(*in.InputAccount)
	}
	if in.OutputAccount != nil {
		t.OutputAccount = strings.TrimSpace(*in.OutputAccount)
	}
	if len(p) == 0 {
		switch {
		case t.Kind.HasVAT() && t.InputAccount == "":
			p.Add("input_account", ledger.ReasonFieldRequired, "a %s tax code books input VAT: give input_account (the VAT receivable account, 1200 in the standard chart)", t.Kind)
		case !t.Kind.HasVAT() && t.InputAccount != "":
			p.Add("input_account", ledger.ReasonFieldNotAllowed, "a %s tax code books no VAT: leave input_account empty", t.Kind)
		}
		switch {
		case t.Kind.ReverseCharge() && t.OutputAccount == "":
			p.Add("output_account", ledger.ReasonFieldRequired, "a reverse-charge tax code books the VAT due: give output_account (the VAT payable account, 1700 in the standard chart)")
		case !t.Kind.ReverseCharge() && t.OutputAccount != "":
			p.Add("output_account", ledger.ReasonFieldNotAllowed, "only a reverse-charge tax code books VAT due: leave output_account empty")
		}
	}
	t.Box, t.InputBox = t.Kind.Box(), t.Kind.InputBox()
	return p.Err()
}

// DutchTaxCodes are seeded with the standard chart: each Dutch purchase
// case, on the VAT receivable (1200) and, for reverse charge, the VAT
// payable (1700) account.
var DutchTaxCodes = []struct {
	Code, Description, Rate, Deductible string
	Kind                                TaxKind
}{
	{"P21", "Voorbelasting 21%", "21", "100", TaxInput},
	{"P9", "Voorbelasting 9%", "9", "100", TaxInput},
	{"P9-meals", "Voorbelasting 9% horeca (niet aftrekbaar)", "9", "0", TaxInput},
	{"P0", "Inkoop 0%", "0", "100", TaxZero},
	{"P-exempt", "Inkoop vrijgesteld", "0", "100", TaxExempt},
	{"P-no-vat", "Geen btw in rekening gebracht (KOR, particulier)", "0", "100", TaxNoVAT},
	{"P-rc-nl", "Binnenlands verlegd (2a)", "21", "100", TaxReverseDomestic},
	{"P-eu-goods", "Goederen uit EU-landen (4b)", "21", "100", TaxEUGoods},
	{"P-eu-services", "Diensten uit EU-landen (4b)", "21", "100", TaxEUServices},
	{"P-non-eu-services", "Diensten van buiten de EU (4a)", "21", "100", TaxNonEUServices},
	{"P-import-art23", "Invoer met vergunning artikel 23 (4a)", "21", "100", TaxImportLicence},
	{"P-import-vat", "Invoerbtw betaald aan de Douane (5b)", "0", "100", TaxImportVAT},
}

// Standard chart accounts the seeded codes use.
const (
	DutchInputVATAccount  = "1200"
	DutchOutputVATAccount = "1700"
)
