// Package bank holds bank reconciliation's rules: bank accounts, imported
// bank statements and their lines, and the matches that tie statement lines
// to the lines of a bank account in the ledger. It has no database and no
// HTTP; the parsers (camt053, csvstmt) and the matcher (match) are its
// subpackages, the storage is bankstore.
//
// Signs: an amount is signed from the account holder's side, in minor units
// of the bank account's currency. A credit on the statement (money in) is
// positive, and so is a debit on the bank account in the ledger: a matched
// group's statement lines and ledger lines have equal sums.
package bank

import (
	"bytes"
	"encoding/json"

	"backoffice/ledger"
)

// ParsedStatement is a statement as a file states it, before it is stored.
// The parsers fill it; the store checks it against the bank account and the
// statements already imported.
type ParsedStatement struct {
	// StatementID is the bank's id of the statement (CAMT Stmt/Id); for a
	// CSV file it is empty and the store names the import itself.
	StatementID string
	// IBAN and Currency of the account the file is for ("" when the file
	// does not say: a CSV without those columns).
	IBAN     string
	Currency string
	// From and To are the statement's period (zero when the file does not
	// say; the store then takes the first and last booking dates).
	From, To ledger.Date
	// Opening and closing booked balances (nil when the file does not
	// state them: most CSV exports).
	Opening, Closing *int64
	Lines            []ParsedLine
}

// ParsedLine is one booked entry of a statement.
type ParsedLine struct {
	// Where names the line in the file for error messages: an element
	// path such as "Stmt[1]/Ntry[3]" or "line 14".
	Where       string
	BookingDate ledger.Date
	ValueDate   ledger.Date // zero when not stated
	AmountMinor int64       // signed: credit (money in) > 0, debit < 0; never 0
	// BankRef is the bank's unique reference of the entry (CAMT
	// AcctSvcrRef; a CSV reference column). Empty: the store derives one
	// from the line's content, so that importing a file again adds nothing.
	BankRef      string
	EndToEndID   string // "" for NOTPROVIDED or absent
	Counterparty string // name of the other party
	CounterIBAN  string // IBAN of the other party, upper case without spaces
	// Remittance is the remittance information: the unstructured lines
	// joined by a space, then any structured creditor reference.
	Remittance string
	// Reference is the structured creditor reference (RF.., or a payment
	// reference) when the file has one.
	Reference string
	// Kind is the bank transaction code in short form when stated (CAMT
	// BkTxCd Domn/Fmly/SubFmly joined with "/", or the proprietary code).
	Kind string
	// Balance is the account balance after this line when the file states
	// it (a CSV balance column); nil otherwise.
	Balance *int64
}

// CSVMapping says how to read a bank's CSV export: which column holds what
// (by header name, or by 1-based number when the file has no header).
// Amount is either one signed column (Amount) or two unsigned ones (Debit,
// Credit), or one unsigned column with a sign column (Amount and
// DirectionColumn, whose DebitValue marks money out and CreditValue money
// in; any other value is refused rather than guessed). Description may name
// several columns (a Rabobank export spreads it over Omschrijving-1 to -3),
// whose values are joined with a space. Encoding names the file's character
// set ("" or "utf-8", "windows-1252", "iso-8859-1").
type CSVMapping struct {
	Encoding        string  `json:"encoding"`         // "utf-8" (default), "windows-1252" or "iso-8859-1"
	Delimiter       string  `json:"delimiter"`        // "," (default), ";", "\t" or "|"
	HasHeader       *bool   `json:"has_header"`       // default true
	SkipRows        int     `json:"skip_rows"`        // lines before the header (or the data) to skip
	DecimalComma    bool    `json:"decimal_comma"`    // "1.234,56" instead of "1,234.56"
	DateFormat      string  `json:"date_format"`      // Go-free spelling: "YYYY-MM-DD", "DD-MM-YYYY", "YYYYMMDD", "DD/MM/YYYY", "MM/DD/YYYY", "DD.MM.YYYY"
	Date            string  `json:"date"`             // booking date column (required)
	ValueDate       string  `json:"value_date"`       // optional
	Amount          string  `json:"amount"`           // signed amount, or unsigned with DirectionColumn
	Debit           string  `json:"debit"`            // money out, unsigned (with Credit)
	Credit          string  `json:"credit"`           // money in, unsigned (with Debit)
	DirectionColumn string  `json:"direction_column"` // e.g. "Af Bij"
	DebitValue      string  `json:"debit_value"`      // the direction column's value for money out, e.g. "Af"
	CreditValue     string  `json:"credit_value"`     // the direction column's value for money in, e.g. "Bij"
	Description     Columns `json:"description"`      // remittance / description: one column or several, joined
	Reference       string  `json:"reference"`        // the bank's unique reference of the line
	Counterparty    string  `json:"counterparty"`     // name
	CounterIBAN     string  `json:"counter_iban"`     // IBAN
	Balance         string  `json:"balance"`          // balance after the line, optional
	IBAN            string  `json:"iban"`             // own account column, optional: checked against the bank account
	Currency        string  `json:"currency"`         // currency column, optional: checked against the bank account
}

// Columns names one column or several. In JSON it is a string (one column)
// or an array of strings; one column is written back as a string, so a
// mapping saved before several were allowed reads and compares the same.
type Columns []string

// UnmarshalJSON takes a string or an array of strings (null: none).
func (c *Columns) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*c = nil
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if s == "" {
			*c = nil
		} else {
			*c = Columns{s}
		}
		return nil
	}
	var l []string
	if err := json.Unmarshal(b, &l); err != nil {
		return err
	}
	*c = l
	return nil
}

// MarshalJSON writes no column as "", one as a string and several as an
// array.
func (c Columns) MarshalJSON() ([]byte, error) {
	switch len(c) {
	case 0:
		return []byte(`""`), nil
	case 1:
		return json.Marshal(c[0])
	}
	return json.Marshal([]string(c))
}
