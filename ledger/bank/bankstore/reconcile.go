package bankstore

import (
	"context"
	"fmt"

	"backoffice/ledger"
	"backoffice/ledger/bank"
	"backoffice/ledger/sqlstore"
)

// Reconciliation reports a bank account as of a date, in one snapshot.
func (s *Store) Reconciliation(ctx context.Context, ent *ledger.Entity, bankID int64, asOf ledger.Date) (*bank.Reconciliation, error) {
	var out *bank.Reconciliation
	err := s.l.Read(ctx, func(tx *sqlstore.Tx) error {
		a, err := s.account(tx, ent.ID, bankID, "")
		if err != nil {
			return err
		}
		first, err := s.statements(tx, `entity_id = ? AND bank_account_id = ? ORDER BY seq LIMIT 1`, ent.ID, a.ID)
		if err != nil {
			return err
		}
		if len(first) == 0 || asOf.Before(first[0].From) {
			return invalid("as_of", ledger.ReasonAsOfBeforeFirstStatement, "bank account %d has no statement on or before %s; import one first", a.ID, asOf)
		}
		r := &bank.Reconciliation{Account: a, AsOf: asOf, Start: first[0].From}
		last, err := s.statements(tx, `entity_id = ? AND bank_account_id = ? AND from_date <= ? ORDER BY seq DESC LIMIT 1`, ent.ID, a.ID, asOf)
		if err != nil {
			return err
		}
		r.LastStatement = last[0]

		var sums struct {
			Total int64
			Count int
		}
		if err := tx.DB().Raw(`SELECT COALESCE(SUM(amount_minor), 0) AS total, COUNT(*) AS count FROM bank_statement_lines
			WHERE entity_id = ? AND bank_account_id = ? AND booking_date <= ?`, ent.ID, a.ID, asOf).Scan(&sums).Error; err != nil {
			return translate(err)
		}
		r.OpeningBalance = first[0].OpeningMinor
		r.StatementBalance = first[0].OpeningMinor + sums.Total
		r.StatementLinesInPeriod = sums.Count
		if err := tx.DB().Raw(`SELECT COALESCE(SUM(`+ledgerAmount(a, ent)+`), 0) FROM journal_lines jl
			WHERE jl.entity_id = ? AND jl.account_id = ? AND jl.date <= ?`, ent.ID, a.AccountID, asOf).Scan(&r.LedgerBalance).Error; err != nil {
			return translate(err)
		}

		// A match is complete as of the date when all its lines are dated
		// on or before it; the lines of the others are outstanding.
		late := `SELECT ms.match_id FROM bank_match_statement_lines ms JOIN bank_statement_lines sl ON sl.entity_id = ms.entity_id AND sl.id = ms.statement_line_id
			WHERE ms.entity_id = ? AND sl.bank_account_id = ? AND sl.booking_date > ?
			UNION SELECT ml.match_id FROM bank_match_ledger_lines ml JOIN journal_lines lj ON lj.entity_id = ml.entity_id AND lj.entry_id = ml.entry_id AND lj.line_no = ml.line_no
			WHERE ml.entity_id = ? AND lj.account_id = ? AND lj.date > ?`
		lateArgs := []any{ent.ID, a.ID, asOf, ent.ID, a.AccountID, asOf}
		if r.UnreconciledStatement, err = s.lines(tx, `l.entity_id = ? AND l.bank_account_id = ? AND l.booking_date <= ?
			AND (m.match_id IS NULL OR m.match_id IN (`+late+`)) ORDER BY l.booking_date, l.id`,
			append([]any{ent.ID, a.ID, asOf}, lateArgs...)...); err != nil {
			return err
		}
		// Ledger lines before the first statement that were never matched
		// are covered by its opening balance.
		if r.UnreconciledLedger, err = s.ledgerLines(tx, a, ent, ` AND jl.date <= ?
			AND ((m.match_id IS NULL AND jl.date >= ?) OR m.match_id IN (`+late+`)) ORDER BY jl.date, jl.entry_id, jl.line_no`,
			append([]any{asOf, r.Start}, lateArgs...)...); err != nil {
			return err
		}
		if err := tx.DB().Raw(`SELECT COALESCE(SUM(`+ledgerAmount(a, ent)+`), 0) FROM journal_lines jl
			LEFT JOIN bank_match_ledger_lines m ON m.entity_id = jl.entity_id AND m.entry_id = jl.entry_id AND m.line_no = jl.line_no
			WHERE jl.entity_id = ? AND jl.account_id = ? AND jl.date < ? AND m.match_id IS NULL`, ent.ID, a.AccountID, r.Start).Scan(&r.BooksBeforeStart).Error; err != nil {
			return translate(err)
		}
		for _, l := range r.UnreconciledStatement {
			r.StatementOutstanding += l.AmountMinor
		}
		for _, l := range r.UnreconciledLedger {
			r.LedgerOutstanding += l.AmountMinor
		}
		r.ReconciledLines = r.StatementLinesInPeriod - len(r.UnreconciledStatement)
		r.Difference = r.StatementBalance - r.LedgerBalance
		r.Unexplained = r.Difference - r.StatementOutstanding + r.LedgerOutstanding
		if r.Unexplained != r.OpeningBalance-r.BooksBeforeStart {
			return ledger.Internal(fmt.Errorf("bank account %d as of %s: unexplained %d, but opening %d less books before the start %d",
				a.ID, asOf, r.Unexplained, r.OpeningBalance, r.BooksBeforeStart))
		}
		out = r
		return nil
	})
	return out, err
}
