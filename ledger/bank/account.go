package bank

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"backoffice/ledger"
	"backoffice/ledger/money"
)

// DefaultWindowDays is how far apart a statement line's booking date and a
// ledger line's date may be for the automatic matcher, unless the bank
// account says otherwise: a transfer entered in the books on Friday often
// reaches the account on Monday or Tuesday.
const DefaultWindowDays = 5

// Account is a ledger account marked as a bank account.
type Account struct {
	ID              int64
	EntityID        int64
	AccountID       int64
	AccountCode     string
	Name            string
	IBAN            string
	Currency        string
	MatchWindowDays int
	CSVMapping      *CSVMapping
	// PaymentFileFormat is the pain.001 version the bank takes for
	// payment batches paid from this account.
	PaymentFileFormat string
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// AccountInput creates or changes a bank account. The ledger account and
// the IBAN are fixed once statements refer to them: create another bank
// account for another account.
type AccountInput struct {
	Account         *string     `json:"account"`
	Name            *string     `json:"name"`
	IBAN            *string     `json:"iban"`
	Currency        *string     `json:"currency"`
	MatchWindowDays *int        `json:"match_window_days"`
	CSVMapping      *CSVMapping `json:"csv_mapping"`
	// PaymentFileFormat: pain.001.001.09 (the default) or pain.001.001.03.
	PaymentFileFormat *string `json:"payment_file_format"`
}

// Payment file formats a bank account can take (pain.001 versions).
const (
	PaymentFormatV09 = "pain.001.001.09"
	PaymentFormatV03 = "pain.001.001.03"
)

// Apply checks the input and fills a. The store checks the ledger account
// (exists, is an asset, takes the currency) and the CSV mapping
// (csvstmt.Check).
func (in *AccountInput) Apply(a *Account, ent *ledger.Entity, creating bool) error {
	var p ledger.Problems
	if creating {
		if in.Account == nil || strings.TrimSpace(*in.Account) == "" {
			p.Add("account", ledger.ReasonFieldRequired, "account is required: the code of the ledger account the bank account is")
		} else {
			a.AccountCode = strings.TrimSpace(*in.Account)
		}
		if in.IBAN == nil || *in.IBAN == "" {
			p.Add("iban", ledger.ReasonFieldRequired, "iban is required")
		} else if iban, ok := NormalizeIBAN(*in.IBAN); !ok {
			p.Add("iban", ledger.ReasonIBANInvalid, "iban %q is not a valid IBAN (country, check digits and account number, checked by mod 97)", *in.IBAN)
		} else {
			a.IBAN = iban
		}
		a.Currency = ent.Currency
		a.MatchWindowDays = DefaultWindowDays
	} else {
		if in.Account != nil {
			p.Add("account", ledger.ReasonFieldImmutable, "the ledger account of a bank account cannot change; create another bank account")
		}
		if in.IBAN != nil {
			p.Add("iban", ledger.ReasonFieldImmutable, "the IBAN of a bank account cannot change; create another bank account")
		}
		if in.Currency != nil {
			p.Add("currency", ledger.ReasonFieldImmutable, "the currency of a bank account cannot change")
		}
	}
	if creating && in.Currency != nil {
		c := strings.TrimSpace(*in.Currency)
		if !money.ValidCurrency(c) {
			p.Add("currency", ledger.ReasonCurrencyInvalid, "currency %q is not an ISO 4217 code", *in.Currency)
		} else {
			a.Currency = c
		}
	}
	if in.Name != nil {
		a.Name = strings.TrimSpace(*in.Name)
	}
	if creating && a.Name == "" && in.Name == nil {
		a.Name = "Bank " + a.IBAN
	}
	if a.Name == "" {
		p.Add("name", ledger.ReasonFieldRequired, "name must not be empty")
	} else if utf8.RuneCountInString(a.Name) > 200 {
		p.Add("name", ledger.ReasonTextTooLong, "name is longer than 200 characters")
	}
	if in.MatchWindowDays != nil {
		if *in.MatchWindowDays < 0 || *in.MatchWindowDays > 60 {
			p.Add("match_window_days", ledger.ReasonMatchWindowInvalid, "match_window_days must be 0 to 60, got %d", *in.MatchWindowDays)
		} else {
			a.MatchWindowDays = *in.MatchWindowDays
		}
	}
	if in.CSVMapping != nil {
		a.CSVMapping = in.CSVMapping
	}
	if creating && a.PaymentFileFormat == "" {
		a.PaymentFileFormat = PaymentFormatV09
	}
	if in.PaymentFileFormat != nil {
		switch f := strings.TrimSpace(*in.PaymentFileFormat); f {
		case PaymentFormatV09, PaymentFormatV03:
			a.PaymentFileFormat = f
		default:
			p.Add("payment_file_format", ledger.ReasonPaymentFileFormatInvalid, "payment_file_format %q is not %s or %s", *in.PaymentFileFormat, PaymentFormatV09, PaymentFormatV03)
		}
	}
	return p.Err()
}

// NormalizeIBAN removes spaces, upper-cases and checks an IBAN's form and
// its ISO 7064 mod-97 check digits.
func NormalizeIBAN(s string) (string, bool) {
	s = strings.ToUpper(strings.Join(strings.Fields(s), ""))
	if len(s) < 15 || len(s) > 34 {
		return s, false
	}
	for i, r := range s {
		letter := r >= 'A' && r <= 'Z'
		digit := r >= '0' && r <= '9'
		if (i < 2 && !letter) || (i >= 2 && i < 4 && !digit) || (!letter && !digit) {
			return s, false
		}
	}
	return s, IBANChecksumOK(s)
}

// IBANChecksumOK is the ISO 13616 mod-97 check of an IBAN in upper case
// without spaces: the first four characters moved to the end, letters as
// 10..35, the remainder is 1.
func IBANChecksumOK(iban string) bool { return len(iban) > 4 && mod97(iban[4:]+iban[:4]) == 1 }

// IBANCheckDigits are the two check digits of an IBAN of the country with
// this account number (BBAN).
func IBANCheckDigits(country, bban string) string {
	return fmt.Sprintf("%02d", 98-mod97(bban+country+"00"))
}

// mod97 is the remainder of the digits and letters (10..35) of s, taken
// piecewise so that no big integer is needed.
func mod97(s string) int {
	rem := 0
	for _, r := range s {
		if r >= 'A' {
			rem = (rem*100 + int(r-'A'+10)) % 97
		} else {
			rem = (rem*10 + int(r-'0')) % 97
		}
	}
	return rem
}
