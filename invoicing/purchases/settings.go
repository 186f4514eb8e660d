package purchases

import (
	"time"

	"github.com/shopspring/decimal"

	"backoffice/invoicing"
	"backoffice/ledger"
)

// Settings are an entity's purchase choices.
type Settings struct {
	NumberFormat   string `json:"number_format"`   // the purchase series, "PI-{YYYY}-{NNNN}"
	PayableAccount string `json:"payable_account"` // accounts payable
	BankAccount    string `json:"bank_account"`    // default for supplier payments
	FXAccount      string `json:"fx_account"`      // exchange differences
	// RoundingAccount takes a received e-invoice's rounding amount
	// (BT-114), an expense account.
	RoundingAccount  string          `json:"rounding_account"`
	VATToleranceText string          `json:"vat_tolerance"` // per tax code, in the document's currency
	VATTolerance     decimal.Decimal `json:"-"`
	UpdatedAt        *time.Time      `json:"updated_at"`
}

// DefaultSettings fit the standard chart of accounts.
func DefaultSettings() *Settings {
	return &Settings{NumberFormat: "PI-{YYYY}-{NNNN}", PayableAccount: "1600", BankAccount: "1000", FXAccount: "8900",
		RoundingAccount:  "4900",
		VATToleranceText: "0.02", VATTolerance: decimal.New(2, -2)}
}

// SettingsInput changes settings (non-nil fields only).
type SettingsInput struct {
	NumberFormat    *string `json:"number_format"`
	PayableAccount  *string `json:"payable_account"`
	BankAccount     *string `json:"bank_account"`
	FXAccount       *string `json:"fx_account"`
	RoundingAccount *string `json:"rounding_account"`
	VATTolerance    *string `json:"vat_tolerance"`
}

// Apply validates the input and writes it onto s; accounts must be in
// accounts (by code), open and of the right type.
func (in *SettingsInput) Apply(s *Settings, accounts map[string]*ledger.Account) error {
	var p ledger.Problems
	if in.NumberFormat != nil {
		if err := invoicing.CheckNumberFormat(*in.NumberFormat); err != nil {
			p.Add("number_format", ledger.ReasonNumberFormatInvalid, "%v", err)
		} else {
			s.NumberFormat = *in.NumberFormat
		}
	}
	account := func(path string, v *string, dst *string, t ledger.AccountType) {
		if v == nil {
			return
		}
		a := accounts[*v]
		switch {
		case a == nil || a.Archived():
			p.Add(path, ledger.ReasonAccountNotFound, "account %q does not exist in this entity or is archived", *v)
		case a.Type != t:
			p.Add(path, ledger.ReasonAccountTypeInvalid, "%s is a %s account; %s takes a %s account", *v, a.Type, path, t)
		default:
			*dst = *v
		}
	}
	account("payable_account", in.PayableAccount, &s.PayableAccount, ledger.Liability)
	account("bank_account", in.BankAccount, &s.BankAccount, ledger.Asset)
	if in.FXAccount != nil {
		a := accounts[*in.FXAccount]
		switch {
		case a == nil || a.Archived():
			p.Add("fx_account", ledger.ReasonAccountNotFound, "account %q does not exist in this entity or is archived", *in.FXAccount)
		case a.Type != ledger.Revenue && a.Type != ledger.Expense:
			p.Add("fx_account", ledger.ReasonAccountTypeInvalid, "%s is a %s account; fx_account takes a revenue or expense account", *in.FXAccount, a.Type)
		default:
			s.FXAccount = *in.FXAccount
		}
	}
	account("rounding_account", in.RoundingAccount, &s.RoundingAccount, ledger.Expense)
	if in.VATTolerance != nil {
		d, err := invoicing.ParseDecimal(*in.VATTolerance, 4)
		if err != nil || d.GreaterThan(decimal.NewFromInt(100)) {
			p.Add("vat_tolerance", ledger.ReasonVATToleranceInvalid, "vat_tolerance %q is not an amount from 0 to 100 (per tax code, in the document's currency)", *in.VATTolerance)
		} else {
			s.VATTolerance, s.VATToleranceText = d, d.String()
		}
	}
	return p.Err()
}
