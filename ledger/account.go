package ledger

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"backoffice/ledger/money"
)

// AccountInput creates an account. RGSCode maps it to the Dutch reference
// chart of accounts; RGSVersion defaults to RGSVersion when a code is given.
type AccountInput struct {
	Code       string      `json:"code"`
	Name       string      `json:"name"`
	Type       AccountType `json:"type"`
	Parent     string      `json:"parent"`
	Currency   string      `json:"currency"`
	RGSCode    string      `json:"rgs_code"`
	RGSVersion string      `json:"rgs_version"`
}

// AccountPatch changes an account: its name and its RGS mapping (nil
// fields stay). An empty rgs_code removes the mapping.
type AccountPatch struct {
	Name       *string `json:"name"`
	RGSCode    *string `json:"rgs_code"`
	RGSVersion *string `json:"rgs_version"`
}

var (
	// rgsCodePattern is the shape of an RGS reference code: B (balance
	// sheet) or W (profit and loss) and letters and digits, such as
	// "BLimBanRba" or "WOmzNopOlh".
	rgsCodePattern    = regexp.MustCompile(`^[BW][A-Za-z0-9]{0,19}$`)
	rgsVersionPattern = regexp.MustCompile(`^[0-9]{1,2}\.[0-9]{1,2}$`)
)

// Validate checks a patch; it needs the account's current mapping to
// resolve the version: a new code without a version takes RGSVersion, a
// removed code removes the version.
func (in *AccountPatch) Validate() error {
	var p Problems
	if in.Name == nil && in.RGSCode == nil && in.RGSVersion == nil {
		p.Add("name", ReasonFieldRequired, "give name, rgs_code or rgs_version to change")
	}
	if in.Name != nil {
		validateAccountName(&p, in.Name)
	}
	validateRGS(&p, in.RGSCode, in.RGSVersion)
	return p.Err()
}

// ApplyRGS works out the mapping an account has after a patch, from the
// one it has now.
func (in *AccountPatch) ApplyRGS(code, version string) (string, string) {
	if in.RGSCode != nil {
		code = *in.RGSCode
		if in.RGSVersion == nil && code != "" {
			version = RGSVersion
		}
	}
	if in.RGSVersion != nil {
		version = *in.RGSVersion
	}
	if code == "" {
		version = ""
	} else if version == "" {
		version = RGSVersion
	}
	return code, version
}

func validateRGS(p *Problems, code, version *string) {
	if code != nil {
		*code = strings.TrimSpace(*code)
		if *code != "" && !rgsCodePattern.MatchString(*code) {
			p.Add("rgs_code", ReasonRGSCodeInvalid, "rgs_code %q is not an RGS reference code: B or W and up to 19 letters or digits, such as \"BLimBanRba\"", *code)
		}
	}
	if version != nil {
		*version = strings.TrimSpace(*version)
		if *version != "" && !rgsVersionPattern.MatchString(*version) {
			p.Add("rgs_version", ReasonRGSVersionInvalid, "rgs_version %q is not an RGS version such as %q", *version, RGSVersion)
		}
	}
}

// CheckRGSType adds a problem at rgs_code when an RGS code does not fit
// the account's type: a B code (balance sheet) belongs on an asset,
// liability or equity account, a W code (profit and loss) on revenue or
// expense. The audit file writes the account's B or P from its type, so
// the two must agree.
func CheckRGSType(p *Problems, code string, t AccountType) {
	if code == "" || !t.Valid() {
		return
	}
	balance := t == Asset || t == Liability || t == Equity
	switch {
	case code[0] == 'B' && !balance:
		p.Add("rgs_code", ReasonRGSCodeInvalid, "rgs_code %q is a balance sheet code (B); account type %s is profit and loss: give a W code", code, t)
	case code[0] == 'W' && balance:
		p.Add("rgs_code", ReasonRGSCodeInvalid, "rgs_code %q is a profit and loss code (W); account type %s is on the balance sheet: give a B code", code, t)
	}
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
	validateRGS(&p, &in.RGSCode, &in.RGSVersion)
	if rgsCodePattern.MatchString(in.RGSCode) {
		CheckRGSType(&p, in.RGSCode, in.Type)
	}
	if in.RGSCode == "" && in.RGSVersion != "" {
		p.Add("rgs_version", ReasonRGSVersionInvalid, "rgs_version is given without an rgs_code")
	} else if in.RGSCode != "" && in.RGSVersion == "" {
		in.RGSVersion = RGSVersion
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
