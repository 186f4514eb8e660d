package bank

import (
	"fmt"
	"time"

	"backoffice/ledger"
)

// Formats of statement files.
const (
	FormatCAMT053 = "camt053"
	FormatCSV     = "csv"
)

// Statement is an imported bank statement. Seq orders a bank account's
// statements: each one's opening balance is the closing balance of the one
// before.
type Statement struct {
	ID            int64
	EntityID      int64
	BankAccountID int64
	Seq           int
	Ref           string // the bank's statement id, or "csv-" and the file's hash
	Format        string
	From, To      ledger.Date
	OpeningMinor  int64
	ClosingMinor  int64
	LineCount     int
	FileName      string
	SHA256        string
	CreatedAt     time.Time
	CreatedBy     int64
	Lines         []*StatementLine // when asked for
}

// StatementLine is one booked line of a statement, with the match that
// reconciles it (nil while unreconciled).
type StatementLine struct {
	ID            int64
	EntityID      int64
	BankAccountID int64
	StatementID   int64
	LineNo        int
	BookingDate   ledger.Date
	ValueDate     *ledger.Date
	AmountMinor   int64
	BankRef       string
	EndToEndID    string
	Counterparty  string
	CounterIBAN   string
	Remittance    string
	Reference     string
	Kind          string
	MatchID       *int64
}

// LedgerLine is a line of an entry on a bank account's ledger account, its
// amount signed (debit, money in, positive) in the bank account's currency.
type LedgerLine struct {
	EntryID     int64
	LineNo      int
	FiscalYear  int
	Number      int64
	Date        ledger.Date
	AmountMinor int64
	Reference   string
	Description string // the entry's, then the line's own when it has one
	ReversesID  *int64
	MatchID     *int64
}

// Rules a match is made by.
const (
	RuleReference       = "reference"
	RuleAmountDate      = "amount_date"
	RuleOneToMany       = "one_to_many"
	RuleManyToOne       = "many_to_one"
	RuleManual          = "manual"
	RuleCashApplication = "cash_application"
	RuleEntry           = "entry"
)

// Match ties statement lines to ledger lines of the same bank account whose
// amounts add up to the same sum. One side may be empty when the other sums
// to zero: an entry and its reversal, or a payment the bank returned.
type Match struct {
	ID             int64
	EntityID       int64
	BankAccountID  int64
	Rule           string
	PaymentID      *int64
	StatementLines []*StatementLine
	LedgerLines    []*LedgerLine
	CreatedAt      time.Time
	CreatedBy      int64
}

// LineRef names a ledger line.
type LineRef struct {
	EntryID int64 `json:"entry_id"`
	LineNo  int   `json:"line_no"`
}

// MatchInput is a match made by hand.
type MatchInput struct {
	StatementLines []int64   `json:"statement_lines"`
	LedgerLines    []LineRef `json:"ledger_lines"`
}

// MaxMatchLines bounds one match (each side): a month's card batches fit.
const MaxMatchLines = 500

// Check checks the input's shape; the store checks the lines themselves.
func (in *MatchInput) Check() error {
	var p ledger.Problems
	if len(in.StatementLines) == 0 && len(in.LedgerLines) == 0 {
		p.Add("statement_lines", ledger.ReasonMatchEmpty, "a match needs statement lines, ledger lines or both")
	}
	if len(in.StatementLines) > MaxMatchLines {
		p.Add("statement_lines", ledger.ReasonMatchTooLarge, "a match holds at most %d statement lines", MaxMatchLines)
	}
	if len(in.LedgerLines) > MaxMatchLines {
		p.Add("ledger_lines", ledger.ReasonMatchTooLarge, "a match holds at most %d ledger lines", MaxMatchLines)
	}
	seen := map[int64]bool{}
	for i, id := range in.StatementLines {
		if seen[id] {
			p.Add(fmt.Sprintf("statement_lines[%d]", i), ledger.ReasonLineRepeated, "statement line %d is named twice", id)
		}
		seen[id] = true
	}
	seenL := map[LineRef]bool{}
	for i, r := range in.LedgerLines {
		if seenL[r] {
			p.Add(fmt.Sprintf("ledger_lines[%d]", i), ledger.ReasonLineRepeated, "ledger line %d/%d is named twice", r.EntryID, r.LineNo)
		}
		seenL[r] = true
	}
	return p.Err()
}

// EntryInput makes an entry from a statement line: the bank account against
// one counter account (bank fees, interest, a direct debit not yet in the
// books). Account may be left out when a counter account is remembered for
// the line's counterparty.
type EntryInput struct {
	Account      *string `json:"account"`
	Description  *string `json:"description"`
	ExchangeRate *string `json:"exchange_rate"`
}

// MaxEntryDescription is the longest description of an entry, the limit
// ledger.EntryInput checks.
const MaxEntryDescription = 500

// Check checks the input's shape before anything is locked: a description
// the caller gives is refused over the limit, never shortened (only one
// the store builds from the line is).
func (in *EntryInput) Check() error {
	var p ledger.Problems
	var desc string
	p.Text("description", in.Description, &desc, MaxEntryDescription, false, false)
	return p.Err()
}

// CashInput accepts a cash application: the payment a statement line makes
// towards open invoices. Without allocations, the proposal is taken as it is.
type CashInput struct {
	CustomerID   *int64           `json:"customer_id"`
	Allocations  []CashAllocation `json:"allocations"`
	ExchangeRate *string          `json:"exchange_rate"`
}

// CashAllocation allocates part of the line's amount to an invoice.
type CashAllocation struct {
	InvoiceID int64  `json:"invoice_id"`
	Amount    string `json:"amount"`
}

// Reconciliation is the state of a bank account as of a date.
//
// Difference is the statement balance less the ledger balance: zero when
// the work is done. Unexplained is what the unreconciled lines do not
// explain (statement balance - unreconciled statement lines + unreconciled
// ledger lines - ledger balance): always OpeningBalance - BooksBeforeStart,
// zero unless the books before the first statement differ from its opening
// balance (an opening entry missing, or a payment booked before the first
// statement that the bank booked after it and nobody matched yet).
//
// A line counts as reconciled as of the date only when its whole match is
// dated on or before it; a match reaching past the date leaves its earlier
// lines outstanding, so that the figures always add up.
type Reconciliation struct {
	Account          *Account
	AsOf             ledger.Date
	Start            ledger.Date // the first statement's first day
	LastStatement    *Statement  // the latest statement starting on or before AsOf
	StatementBalance int64
	LedgerBalance    int64
	// OpeningBalance is the first statement's opening balance and
	// BooksBeforeStart the ledger lines before its first day that no match
	// holds (the lines it covers); Unexplained is their difference.
	OpeningBalance         int64
	BooksBeforeStart       int64
	UnreconciledStatement  []*StatementLine
	UnreconciledLedger     []*LedgerLine
	StatementOutstanding   int64 // sum of UnreconciledStatement
	LedgerOutstanding      int64 // sum of UnreconciledLedger
	Difference             int64
	Unexplained            int64
	ReconciledLines        int // statement lines dated on or before AsOf that are reconciled
	StatementLinesInPeriod int // all statement lines dated on or before AsOf
}

// ImportResult says what an import did. Statements are those of the file,
// new or already imported; LinesAdded counts new lines, LinesSkipped those
// already held (by their bank reference).
type ImportResult struct {
	Statements   []*Statement
	Created      bool
	LinesAdded   int
	LinesSkipped int
	AutoMatched  int // matches the automatic matcher made after the import
	// Notices tell what the import accepted that a person should know of,
	// in file order; none when there is nothing to say.
	Notices []ImportNotice
}

// EntityImportInput is a file of several bank accounts to import into the
// entity's bank accounts by their IBANs.
type EntityImportInput struct {
	ImportInput
	// MappingAccount is the bank account whose saved CSV mapping reads a
	// CSV file (0 for CAMT.053).
	MappingAccount int64
	// Strict refuses the file (iban_unknown) when it holds an IBAN the
	// entity has no bank account for, instead of skipping that part.
	Strict bool
}

// EntityImportResult is what an entity's import did: per bank account the
// file had a part for (in the order of the file), and the IBANs skipped.
type EntityImportResult struct {
	Accounts []AccountImport
	Skipped  []SkippedIBAN
}

// AccountImport is the part of a file imported into one bank account.
type AccountImport struct {
	Account *Account
	ImportResult
}

// SkippedIBAN is an IBAN of the file the entity has no bank account for:
// its statements and lines were not imported.
type SkippedIBAN struct {
	IBAN       string
	Where      string // its first statement or line, as error paths name it
	Statements int
	Lines      int
}

// ImportNotice tells of something an import accepted rather than refused.
// Its one kind so far, ReasonLineOutsidePeriod: a CAMT line booked before
// or after its statement's stated period (FrToDt), kept with its own
// booking date because the statement's opening balance continues the
// previous statement's closing balance and its lines add up to its
// closing balance.
type ImportNotice struct {
	Path         string // the line in the file, as error paths name it
	Reason       ledger.Reason
	Message      string
	StatementRef string // the statement's statement_id
	BankRef      string
	BookingDate  ledger.Date
	From, To     ledger.Date // the statement's stated period
}
