package bankstore

import (
	"context"
	"time"

	"backoffice/ledger"
	"backoffice/ledger/bank"
	"backoffice/ledger/sqlstore"
)

type statementRow struct {
	ID            int64
	EntityID      int64
	BankAccountID int64
	Seq           int
	StatementRef  string
	Format        string
	FromDate      ledger.Date
	ToDate        ledger.Date
	OpeningMinor  int64
	ClosingMinor  int64
	LineCount     int
	FileName      string
	FileSHA256    string `gorm:"column:file_sha256"`
	CreatedAt     time.Time
	CreatedBy     int64
}

const statementSelect = `SELECT id, entity_id, bank_account_id, seq, statement_ref, format, from_date, to_date,
	opening_minor, closing_minor, line_count, file_name, file_sha256, created_at, created_by FROM bank_statements`

func (r *statementRow) statement() *bank.Statement {
	return &bank.Statement{ID: r.ID, EntityID: r.EntityID, BankAccountID: r.BankAccountID, Seq: r.Seq, Ref: r.StatementRef,
		Format: r.Format, From: r.FromDate, To: r.ToDate, OpeningMinor: r.OpeningMinor, ClosingMinor: r.ClosingMinor,
		LineCount: r.LineCount, FileName: r.FileName, SHA256: r.FileSHA256, CreatedAt: r.CreatedAt.UTC(), CreatedBy: r.CreatedBy}
}

func (s *Store) statements(tx *sqlstore.Tx, where string, args ...any) ([]*bank.Statement, error) {
	var rows []statementRow
	if err := tx.DB().Raw(statementSelect+` WHERE `+where, args...).Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]*bank.Statement, len(rows))
	for i := range rows {
		out[i] = rows[i].statement()
	}
	return out, nil
}

// Statements lists a bank account's statements in their order.
func (s *Store) Statements(ctx context.Context, entityID, bankID int64) ([]*bank.Statement, error) {
	q := s.l.Query(ctx)
	if _, err := s.account(q, entityID, bankID, ""); err != nil {
		return nil, err
	}
	return s.statements(q, `entity_id = ? AND bank_account_id = ? ORDER BY seq`, entityID, bankID)
}

// Statement returns one statement with its lines.
func (s *Store) Statement(ctx context.Context, entityID, bankID, id int64) (*bank.Statement, error) {
	q := s.l.Query(ctx)
	sts, err := s.statements(q, `entity_id = ? AND bank_account_id = ? AND id = ?`, entityID, bankID, id)
	if err != nil {
		return nil, err
	}
	if len(sts) == 0 {
		return nil, ledger.NotFound("statement")
	}
	st := sts[0]
	st.Lines, err = s.lines(q, `l.entity_id = ? AND l.statement_id = ? ORDER BY l.line_no`, entityID, id)
	return st, err
}

// lastStatement is the bank account's latest statement, nil when none.
func (s *Store) lastStatement(tx *sqlstore.Tx, entityID, bankID int64) (*bank.Statement, error) {
	sts, err := s.statements(tx, `entity_id = ? AND bank_account_id = ? ORDER BY seq DESC LIMIT 1`, entityID, bankID)
	if err != nil || len(sts) == 0 {
		return nil, err
	}
	return sts[0], nil
}

type lineRow struct {
	ID            int64
	EntityID      int64
	BankAccountID int64
	StatementID   int64
	LineNo        int
	BookingDate   ledger.Date
	ValueDate     *ledger.Date
	AmountMinor   int64
	BankRef       string
	EndToEndID    string `gorm:"column:end_to_end_id"`
	Counterparty  string
	CounterIBAN   string `gorm:"column:counter_iban"`
	Remittance    string
	Reference     string
	Kind          string
	MatchID       *int64
}

const lineSelect = `SELECT l.id, l.entity_id, l.bank_account_id, l.statement_id, l.line_no, l.booking_date, l.value_date,
	l.amount_minor, l.bank_ref, l.end_to_end_id, l.counterparty, l.counter_iban, l.remittance, l.reference, l.kind, m.match_id
	FROM bank_statement_lines l
	LEFT JOIN bank_match_statement_lines m ON m.entity_id = l.entity_id AND m.statement_line_id = l.id`

// openSelect reads the unreconciled lines of a bank account (the arguments
// entity_id and bank_account_id, then any in the rest of the query) from
// bank_open_lines, without reading the reconciled ones at all.
const openSelect = `SELECT l.id, l.entity_id, l.bank_account_id, l.statement_id, l.line_no, l.booking_date, l.value_date,
	l.amount_minor, l.bank_ref, l.end_to_end_id, l.counterparty, l.counter_iban, l.remittance, l.reference, l.kind, NULL AS match_id
	FROM bank_open_lines o
	JOIN bank_statement_lines l ON l.entity_id = o.entity_id AND l.id = o.statement_line_id
	WHERE o.entity_id = ? AND o.bank_account_id = ?`

// openLines returns a bank account's unreconciled lines; more continues
// the WHERE clause (" AND ...", then ORDER BY).
func (s *Store) openLines(tx *sqlstore.Tx, entityID, bankID int64, more string, args ...any) ([]*bank.StatementLine, error) {
	var rows []lineRow
	if err := tx.DB().Raw(openSelect+more, append([]any{entityID, bankID}, args...)...).Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]*bank.StatementLine, len(rows))
	for i := range rows {
		out[i] = rows[i].line()
	}
	return out, nil
}

func (r *lineRow) line() *bank.StatementLine {
	return &bank.StatementLine{ID: r.ID, EntityID: r.EntityID, BankAccountID: r.BankAccountID, StatementID: r.StatementID,
		LineNo: r.LineNo, BookingDate: r.BookingDate, ValueDate: r.ValueDate, AmountMinor: r.AmountMinor, BankRef: r.BankRef,
		EndToEndID: r.EndToEndID, Counterparty: r.Counterparty, CounterIBAN: r.CounterIBAN, Remittance: r.Remittance,
		Reference: r.Reference, Kind: r.Kind, MatchID: r.MatchID}
}

func (s *Store) lines(tx *sqlstore.Tx, where string, args ...any) ([]*bank.StatementLine, error) {
	var rows []lineRow
	if err := tx.DB().Raw(lineSelect+` WHERE `+where, args...).Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]*bank.StatementLine, len(rows))
	for i := range rows {
		out[i] = rows[i].line()
	}
	return out, nil
}

// StatementLines lists a bank account's statement lines by id.
func (s *Store) StatementLines(ctx context.Context, entityID, bankID int64, f bank.LineFilter) ([]*bank.StatementLine, error) {
	tx := s.l.Query(ctx)
	if _, err := s.account(tx, entityID, bankID, ""); err != nil {
		return nil, err
	}
	if f.Status == "unreconciled" {
		f.Status = "" // bank_open_lines holds only those
		q, args := filterSQL(f, "l.booking_date", ` AND l.id > ?`, "l.id", f.After)
		return s.openLines(tx, entityID, bankID, q, args...)
	}
	q, args := filterSQL(f, "l.booking_date", `l.entity_id = ? AND l.bank_account_id = ? AND l.id > ?`, "l.id", entityID, bankID, f.After)
	return s.lines(tx, q, args...)
}

// filterSQL adds a LineFilter's status, dates, order and limit to a
// condition (with its arguments) on statement lines or ledger lines, whose
// match is joined as m.
func filterSQL(f bank.LineFilter, dateCol, q, order string, args ...any) (string, []any) {
	switch f.Status {
	case "unreconciled":
		q += ` AND m.match_id IS NULL`
	case "reconciled":
		q += ` AND m.match_id IS NOT NULL`
	}
	if !f.From.IsZero() {
		q += ` AND ` + dateCol + ` >= ?`
		args = append(args, f.From)
	}
	if !f.To.IsZero() {
		q += ` AND ` + dateCol + ` <= ?`
		args = append(args, f.To)
	}
	q += ` ORDER BY ` + order
	if f.Limit > 0 {
		q += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	return q, args
}

// StatementLine returns one line of the bank account.
func (s *Store) StatementLine(ctx context.Context, entityID, bankID, id int64) (*bank.StatementLine, error) {
	return s.statementLine(s.l.Query(ctx), entityID, bankID, id)
}

func (s *Store) statementLine(tx *sqlstore.Tx, entityID, bankID, id int64) (*bank.StatementLine, error) {
	ls, err := s.lines(tx, `l.entity_id = ? AND l.bank_account_id = ? AND l.id = ?`, entityID, bankID, id)
	if err != nil {
		return nil, err
	}
	if len(ls) == 0 {
		return nil, ledger.NotFound("statement line")
	}
	return ls[0], nil
}

// ledgerAmount is a journal line's signed amount in the bank account's
// currency: functional amounts for a bank account in the functional
// currency; the line's own amounts otherwise (its ledger account takes
// only that currency).
func ledgerAmount(a *bank.Account, ent *ledger.Entity) string {
	if a.Currency == ent.Currency {
		return `(jl.debit_minor - jl.credit_minor)`
	}
	return `(CASE WHEN jl.debit_minor > 0 THEN jl.amount_minor ELSE -jl.amount_minor END)`
}

type ledgerRow struct {
	EntryID     int64
	LineNo      int
	FiscalYear  int
	Number      int64
	Date        ledger.Date
	AmountMinor int64
	Reference   string
	EntryText   string
	LineText    string
	ReversesID  *int64
	MatchID     *int64
}

func (r *ledgerRow) line() *bank.LedgerLine {
	d := r.EntryText
	if r.LineText != "" && r.LineText != r.EntryText {
		d += " - " + r.LineText
	}
	return &bank.LedgerLine{EntryID: r.EntryID, LineNo: r.LineNo, FiscalYear: r.FiscalYear, Number: r.Number, Date: r.Date,
		AmountMinor: r.AmountMinor, Reference: r.Reference, Description: d, ReversesID: r.ReversesID, MatchID: r.MatchID}
}

func (s *Store) ledgerLines(tx *sqlstore.Tx, a *bank.Account, ent *ledger.Entity, where string, args ...any) ([]*bank.LedgerLine, error) {
	q := `SELECT jl.entry_id, jl.line_no, je.fiscal_year, je.number, jl.date, ` + ledgerAmount(a, ent) + ` AS amount_minor,
		je.reference, je.description AS entry_text, jl.description AS line_text, je.reverses_id, m.match_id
		FROM journal_lines jl
		JOIN journal_entries je ON je.entity_id = jl.entity_id AND je.id = jl.entry_id
		LEFT JOIN bank_match_ledger_lines m ON m.entity_id = jl.entity_id AND m.entry_id = jl.entry_id AND m.line_no = jl.line_no
		WHERE jl.entity_id = ? AND jl.account_id = ?`
	var rows []ledgerRow
	if err := tx.DB().Raw(q+where, append([]any{ent.ID, a.AccountID}, args...)...).Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]*bank.LedgerLine, len(rows))
	for i := range rows {
		out[i] = rows[i].line()
	}
	return out, nil
}

// LedgerLines lists the lines on the bank account's ledger account by
// entry and line, after the cursor (entry f.After, line f.AfterLine).
func (s *Store) LedgerLines(ctx context.Context, ent *ledger.Entity, bankID int64, f bank.LineFilter) ([]*bank.LedgerLine, error) {
	tx := s.l.Query(ctx)
	a, err := s.account(tx, ent.ID, bankID, "")
	if err != nil {
		return nil, err
	}
	q, args := filterSQL(f, "jl.date", ` AND (jl.entry_id > ? OR (jl.entry_id = ? AND jl.line_no > ?))`, "jl.entry_id, jl.line_no", f.After, f.After, f.AfterLine)
	return s.ledgerLines(tx, a, ent, q, args...)
}
