package bank

import (
	"context"

	"backoffice/ledger"
)

// LineFilter selects statement lines or ledger lines of a bank account.
type LineFilter struct {
	Status string // "unreconciled", "reconciled" or "" for all
	From   ledger.Date
	To     ledger.Date
	After  int64 // statement lines: the id to list after; ledger lines: the entry
	// AfterLine is, for ledger lines, the line of entry After to list
	// after (lines of later entries follow).
	AfterLine int
	Limit     int
}

// Store is everything the API needs of bank reconciliation's storage.
// Methods return *ledger.Error values; not_found for anything outside the
// entity. Each write is one unit of work (or runs in the one the store is
// bound to) and records itself in the audit trail.
type Store interface {
	// CreateBankAccount: invalid (the AccountInput rules, account_not_found,
	// account_type_invalid, account_currency_mismatch, the CSV mapping's),
	// conflict (bank_account_exists).
	CreateBankAccount(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, in *AccountInput) (*Account, error)
	BankAccounts(ctx context.Context, entityID int64) ([]*Account, error)
	BankAccount(ctx context.Context, entityID, id int64) (*Account, error)
	// UpdateBankAccount changes the name, the match window and the saved
	// CSV mapping.
	UpdateBankAccount(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64, in *AccountInput) (*Account, error)

	// ImportStatement reads a CAMT.053 or CSV file (format) and stores its
	// statements and lines, all or nothing. A statement already imported
	// (same bank statement id, same lines) adds nothing. Errors: invalid
	// (every parser reason with where in the file, statement_iban_mismatch,
	// statement_currency_mismatch, statement_gap, statement_unbalanced,
	// statement_overlap, csv_mapping_missing, opening_balance_required),
	// conflict (statement_ref_conflict). opening is the opening balance of
	// a CSV file that states none (nil: the previous closing balance).
	ImportStatement(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, bankID int64, in *ImportInput) (*ImportResult, error)
	// ImportEntityStatements reads a file of several accounts (CAMT.053
	// statements, or CSV rows with an IBAN column) and imports each
	// account's part into the entity's bank account with that IBAN as
	// ImportStatement does, all in one unit of work. IBANs the entity has
	// no bank account for are skipped and reported, or refused with
	// iban_unknown when in.Strict. Errors: ImportStatement's, iban_missing,
	// iban_unknown, field_required (bank_account for CSV, csv_mapping.iban).
	ImportEntityStatements(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, in *EntityImportInput) (*EntityImportResult, error)
	Statements(ctx context.Context, entityID, bankID int64) ([]*Statement, error)
	// Statement returns a statement with its lines.
	Statement(ctx context.Context, entityID, bankID, id int64) (*Statement, error)
	StatementLines(ctx context.Context, entityID, bankID int64, f LineFilter) ([]*StatementLine, error)
	StatementLine(ctx context.Context, entityID, bankID, id int64) (*StatementLine, error)
	// LedgerLines lists the lines on the bank account's ledger account.
	LedgerLines(ctx context.Context, ent *ledger.Entity, bankID int64, f LineFilter) ([]*LedgerLine, error)

	// AutoMatch matches what the rules of package match find among the
	// unreconciled lines, and returns the matches it made.
	AutoMatch(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, bankID int64) ([]*Match, error)
	// Match matches lines by hand: invalid (statement_line_not_found,
	// ledger_line_not_found, match_unbalanced), conflict
	// (line_already_matched).
	Match(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, bankID int64, in *MatchInput) (*Match, error)
	Matches(ctx context.Context, ent *ledger.Entity, bankID, after int64, limit int) ([]*Match, error)
	MatchByID(ctx context.Context, ent *ledger.Entity, bankID, id int64) (*Match, error)
	// Unmatch deletes a match; its lines are unreconciled again.
	Unmatch(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, bankID, id int64) (*Match, error)

	// SuggestedAccount returns the counter account remembered for a
	// statement line's counterparty ("" when none).
	SuggestedAccount(ctx context.Context, entityID int64, l *StatementLine) (string, error)
	// EntryFromLine posts an entry for a statement line against a counter
	// account and reconciles the line with it: invalid (account_required and
	// the posting reasons), conflict (line_already_matched).
	EntryFromLine(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, bankID, lineID int64, in *EntryInput) (*Match, *ledger.Entry, error)

	// NamedInvoices lists the open invoices an incoming line names, whether
	// or not its amount fits them (what a person needs to apply a short
	// payment by hand).
	NamedInvoices(ctx context.Context, ent *ledger.Entity, bankID int64, l *StatementLine) ([]OpenInvoice, error)
	// Proposals lists the cash applications found for unreconciled
	// incoming lines.
	Proposals(ctx context.Context, ent *ledger.Entity, bankID int64) ([]*Proposal, error)
	// ApplyCash records a statement line as a customer payment, allocates
	// it and reconciles it, in one transaction: invalid (no_proposal and
	// the payment and allocation reasons), conflict (line_already_matched).
	ApplyCash(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, bankID, lineID int64, in *CashInput) (*Match, error)

	// Reconciliation reports the bank account as of a date: invalid
	// (as_of_before_first_statement).
	Reconciliation(ctx context.Context, ent *ledger.Entity, bankID int64, asOf ledger.Date) (*Reconciliation, error)
}

// ImportInput is a statement file to import.
type ImportInput struct {
	Format   string // FormatCAMT053 or FormatCSV
	FileName string
	Data     []byte
	// Opening is the opening balance of a CSV file without a balance
	// column when it is the bank account's first statement.
	Opening *int64
	// NoAutoMatch leaves the new lines for the caller to match.
	NoAutoMatch bool
}

// OpenInvoice is an invoice with an amount open, as cash application sees it.
type OpenInvoice struct {
	ID           int64
	Number       string
	CustomerID   int64
	CustomerName string
	Currency     string
	OpenMinor    int64
}

// Allocation is part of a payment applied to an invoice.
type Allocation struct {
	InvoiceID   int64
	Number      string
	AmountMinor int64
}

// Proposal is a statement line found to pay open invoices of one customer.
type Proposal struct {
	Line         *StatementLine
	CustomerID   int64
	CustomerName string
	Allocations  []Allocation
	// Kind is ProposalCustomerPayment ("" reads as it) or, for money out,
	// ProposalSupplierPayment: then SupplierID (0 for a batch to several
	// suppliers), SupplierName and BatchID (0: none) say what is paid, and
	// Allocations name purchase documents (a credit note negative).
	Kind         string
	SupplierID   int64
	SupplierName string
	BatchID      int64
}

// Receipt is a customer payment that cash application records.
type Receipt struct {
	CustomerID   int64 // 0: the customer of the invoices
	Date         ledger.Date
	AmountMinor  int64
	Currency     string
	ExchangeRate string // for a bank account in a foreign currency
	BankAccount  string // the ledger account's code
	Reference    string
	Allocations  []Allocation
}
