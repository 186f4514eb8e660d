package ledger

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"backoffice/ledger/money"
)

// AccountInput creates an account (all fields) or renames one (Name only).
type AccountInput struct {
	Code     string      `json:"code"`
	Name     string      `json:"name"`
	Type     AccountType `json:"type"`
	Parent   string      `json:"parent"`
	Currency string      `json:"currency"`
}

// codePattern keeps codes usable in URLs and reports: letters, digits and
// . _ -, starting with a letter or digit.
var codePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$`)

// Validate checks an account to be created; the parent is resolved by the
// store (it must exist in the same entity and have the same type).
func (in *AccountInput) Validate() error {
	var p Problems
	in.Code = strings.TrimSpace(in.Code)
	if in.Code == "" {
		p.Add("code", ReasonFieldRequired, "code is required")
	} else if !codePattern.MatchString(in.Code) {
		p.Add("code", ReasonAccountCodeInvalid, "code %q must be 1 to 20 letters, digits, '.', '_' or '-'", in.Code)
	}
	validateAccountName(&p, &in.Name)
	if !in.Type.Valid() {
		p.Add("type", ReasonAccountTypeInvalid, "type must be one of asset, liability, equity, revenue, expense")
	}
	if in.Currency != "" && !money.ValidCurrency(in.Currency) {
		p.Add("currency", ReasonCurrencyInvalid, "currency %q is not an ISO 4217 code", in.Currency)
	}
	return p.Err()
}

// ValidateAccountName checks a new name for an account.
func ValidateAccountName(name *string) error {
	var p Problems
	validateAccountName(&p, name)
	return p.Err()
}

func validateAccountName(p *Problems, name *string) {
	*name = strings.TrimSpace(*name)
	if *name == "" {
		p.Add("name", ReasonFieldRequired, "name is required")
	} else if utf8.RuneCountInString(*name) > 200 {
		p.Add("name", ReasonFieldTooLong, "name is longer than 200 characters")
	}
}

func pathIndex(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }
