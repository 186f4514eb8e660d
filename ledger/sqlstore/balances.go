package sqlstore

import (
	"context"

	"backoffice/ledger"
)

// Balances returns the totals of every account (or only accountID when it
// is not 0) with lines on or before asOf. It reads the month totals before
// asOf's month and the day totals within it: at most one row per account
// and month plus one per account and day of the last month, whatever the
// number of entries.
func (s *Store) Balances(ctx context.Context, entityID int64, asOf ledger.Date, accountID int64) (map[int64]ledger.Totals, error) {
	month := asOf.FirstOfMonth()
	filter, args := "", []any{entityID, month, entityID, month, asOf}
	if accountID != 0 {
		filter = ` AND account_id = ?`
		args = []any{entityID, month, accountID, entityID, month, asOf, accountID}
	}
	var rows []struct {
		AccountID   int64
		DebitMinor  int64
		CreditMinor int64
	}
	// CAST: PostgreSQL sums bigints into numeric; past int64 that must be
	// an error (22003, amount_too_large), not a value Go cannot scan.
	err := s.Query(ctx).g.Raw(`SELECT account_id, CAST(sum(debit_minor) AS BIGINT) AS debit_minor,
			CAST(sum(credit_minor) AS BIGINT) AS credit_minor FROM (
			SELECT account_id, debit_minor, credit_minor FROM account_totals
			 WHERE entity_id = ? AND grain = 'm' AND period < ?`+filter+`
			UNION ALL
			SELECT account_id, debit_minor, credit_minor FROM account_totals
			 WHERE entity_id = ? AND grain = 'd' AND period >= ? AND period <= ?`+filter+`
		) t GROUP BY account_id`, args...).Scan(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	out := make(map[int64]ledger.Totals, len(rows))
	for _, r := range rows {
		out[r.AccountID] = ledger.Totals{DebitMinor: r.DebitMinor, CreditMinor: r.CreditMinor}
	}
	return out, nil
}

// AccountLedger returns the lines of one account dated from..to, in date
// and entry order, after the cursor (if any), at most limit+1, and the
// balance (debits minus credits) just before the first line returned.
func (s *Store) AccountLedger(ctx context.Context, entityID, accountID int64, from, to ledger.Date, after *ledger.LedgerCursor, limit int) (opening int64, lines []ledger.LedgerLine, err error) {
	// The balance before the page: the totals up to the day before it
	// starts (bounded reads, however deep the page), plus, after a cursor,
	// that day's lines up to the cursor.
	if after != nil && after.Date.Before(from) {
		after = nil // a cursor from before the period starts it from the top
	}
	start := from
	if after != nil {
		start = after.Date
	}
	before, err := s.Balances(ctx, entityID, start.AddDays(-1), accountID)
	if err != nil {
		return 0, nil, err
	}
	opening = before[accountID].Net()
	const cols = `SELECT l.date, l.entry_id, e.fiscal_year, e.number, l.line_no, e.description AS entry_text, e.reference,
		l.description, l.debit_minor, l.credit_minor, l.currency, l.amount_minor
		FROM journal_lines l JOIN journal_entries e ON e.entity_id = l.entity_id AND e.id = l.entry_id`
	where := ` WHERE l.entity_id = ? AND l.account_id = ? AND l.date >= ? AND l.date <= ?`
	args := []any{entityID, accountID, from, to}
	if after != nil {
		// The page opens with the lines of the period up to the cursor.
		var sum struct{ Net int64 }
		err := s.Query(ctx).g.Raw(`SELECT CAST(coalesce(sum(debit_minor - credit_minor), 0) AS BIGINT) AS net FROM journal_lines l
			WHERE l.entity_id = ? AND l.account_id = ? AND l.date = ? AND (l.entry_id < ? OR (l.entry_id = ? AND l.line_no <= ?))`,
			entityID, accountID, after.Date, after.EntryID, after.EntryID, after.LineNo).Scan(&sum).Error
		if err != nil {
			return 0, nil, translate(err)
		}
		opening += sum.Net
		where += ` AND (l.date > ? OR (l.date = ? AND (l.entry_id > ? OR (l.entry_id = ? AND l.line_no > ?))))`
		args = append(args, after.Date, after.Date, after.EntryID, after.EntryID, after.LineNo)
	}
	args = append(args, limit+1)
	err = s.Query(ctx).g.Raw(cols+where+` ORDER BY l.date, l.entry_id, l.line_no LIMIT ?`, args...).Scan(&lines).Error
	return opening, lines, translate(err)
}
