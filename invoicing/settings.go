package invoicing

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"backoffice/ledger"
	"backoffice/ledger/bank"
)

// Settings are an entity's invoicing choices: number formats and the
// accounts the system posts to.
type Settings struct {
	InvoiceNumberFormat    string     `json:"invoice_number_format"`
	CreditNoteNumberFormat string     `json:"credit_note_number_format"`
	RevenueAccount         string     `json:"revenue_account"`    // default for invoice lines
	ReceivableAccount      string     `json:"receivable_account"` // accounts receivable
	BankAccount            string     `json:"bank_account"`       // default for payments
	FXAccount              string     `json:"fx_account"`         // exchange differences
	IBAN                   string     `json:"iban"`               // printed on invoices
	UpdatedAt              *time.Time `json:"updated_at"`
}

// DefaultSettings fit the standard chart of accounts.
func DefaultSettings() *Settings {
	return &Settings{
		InvoiceNumberFormat: "INV-{YYYY}-{NNNN}", CreditNoteNumberFormat: "CN-{YYYY}-{NNNN}",
		RevenueAccount: "8000", ReceivableAccount: "1100", BankAccount: "1000", FXAccount: "8900",
	}
}

// SettingsInput changes settings (non-nil fields only).
type SettingsInput struct {
	InvoiceNumberFormat    *string `json:"invoice_number_format"`
	CreditNoteNumberFormat *string `json:"credit_note_number_format"`
	RevenueAccount         *string `json:"revenue_account"`
	ReceivableAccount      *string `json:"receivable_account"`
	BankAccount            *string `json:"bank_account"`
	FXAccount              *string `json:"fx_account"`
	IBAN                   *string `json:"iban"`
}

var ibanPattern = regexp.MustCompile(`^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$`)

// Apply validates the input and writes it onto s; accounts must exist in
// accounts (by code) and be open.
func (in *SettingsInput) Apply(s *Settings, accounts map[string]*ledger.Account) error {
	var p ledger.Problems
	format := func(path string, v *string, dst *string) {
		if v == nil {
			return
		}
		if err := CheckNumberFormat(*v); err != nil {
			p.Add(path, ledger.ReasonNumberFormatInvalid, "%v", err)
			return
		}
		*dst = *v
	}
	format("invoice_number_format", in.InvoiceNumberFormat, &s.InvoiceNumberFormat)
	format("credit_note_number_format", in.CreditNoteNumberFormat, &s.CreditNoteNumberFormat)
	if s.InvoiceNumberFormat == s.CreditNoteNumberFormat {
		p.Add("credit_note_number_format", ledger.ReasonNumberFormatInvalid, "credit notes need a format of their own so that their numbers differ from invoices'")
	}
	account := func(path string, v *string, dst *string, types ...ledger.AccountType) {
		if v == nil {
			return
		}
		a := accounts[*v]
		switch {
		case a == nil || a.Archived():
			p.Add(path, ledger.ReasonAccountNotFound, "account %q does not exist in this entity or is archived", *v)
		case !slices.Contains(types, a.Type):
			p.Add(path, ledger.ReasonAccountTypeInvalid, "%s is a %s account; %s takes a %s account", *v, a.Type, path, types[0])
		default:
			*dst = *v
		}
	}
	account("revenue_account", in.RevenueAccount, &s.RevenueAccount, ledger.Revenue)
	account("receivable_account", in.ReceivableAccount, &s.ReceivableAccount, ledger.Asset)
	account("bank_account", in.BankAccount, &s.BankAccount, ledger.Asset)
	account("fx_account", in.FXAccount, &s.FXAccount, ledger.Revenue, ledger.Expense)
	if s.BankAccount == s.ReceivableAccount {
		p.Add("bank_account", ledger.ReasonAccountTypeInvalid, "the bank account cannot be the receivables account")
	}
	if in.IBAN != nil {
		iban := strings.ReplaceAll(strings.ToUpper(*in.IBAN), " ", "")
		if iban != "" && (!ibanPattern.MatchString(iban) || !bank.IBANChecksumOK(iban)) {
			p.Add("iban", ledger.ReasonIBANInvalid, "iban %q is not a valid IBAN", *in.IBAN)
		} else {
			s.IBAN = iban
		}
	}
	return p.Err()
}

var (
	numberToken = regexp.MustCompile(`\{(YYYY|YY|N{1,12})\}`)
	numberText  = regexp.MustCompile(`^[\p{L}\p{N}_./-]*$`)
)

// CheckNumberFormat accepts a format with exactly one sequence token {N..}
// (its width is the number of Ns, zero-padded), optional {YYYY} or {YY} for
// the fiscal year, and other printable text: "INV-{YYYY}-{NNNN}". Without a
// year token the numbers still restart each fiscal year, so a format
// without one would repeat numbers: it is refused.
func CheckNumberFormat(f string) error {
	if f == "" || utf8.RuneCountInString(f) > 40 {
		return fmt.Errorf("a number format is 1 to 40 characters, like \"INV-{YYYY}-{NNNN}\"")
	}
	seq, year := 0, 0
	for _, m := range numberToken.FindAllStringSubmatch(f, -1) {
		if strings.HasPrefix(m[1], "N") {
			seq++
		} else {
			year++
		}
	}
	rest := numberToken.ReplaceAllString(f, "")
	if seq != 1 || year < 1 || strings.ContainsAny(rest, "{}") {
		return fmt.Errorf("format %q needs one {YYYY} or {YY} and one sequence token such as {NNNN}, and no other braces", f)
	}
	if !numberText.MatchString(rest) {
		return fmt.Errorf("format %q may hold letters, digits and - _ / . besides its tokens (numbers go into file names and payment references)", f)
	}
	return nil
}

// FormatNumber writes a document number: FormatNumber("INV-{YYYY}-{NNNN}",
// 2026, 1) == "INV-2026-0001".
func FormatNumber(format string, year int, seq int64) string {
	return numberToken.ReplaceAllStringFunc(format, func(tok string) string {
		switch t := tok[1 : len(tok)-1]; t {
		case "YYYY":
			return fmt.Sprintf("%04d", year)
		case "YY":
			return fmt.Sprintf("%02d", year%100)
		default:
			return fmt.Sprintf("%0*d", len(t), seq)
		}
	})
}
