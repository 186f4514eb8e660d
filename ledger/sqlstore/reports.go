package sqlstore

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"backoffice/ledger"
	"backoffice/ledger/reports"
)

// LedgerSnapshot runs fn with the store bound to one read-only snapshot
// (Read), for the report builders of package reports: a report made of
// several reads sees the books at one moment while writers go on.
func (s *Store) LedgerSnapshot(ctx context.Context, fn func(st reports.Store) error) error {
	return s.Read(ctx, func(tx *Tx) error { return fn(s.In(tx)) })
}

// StreamLedger reads the lines of a period through one cursor, so that the
// caller can write them out as they come: memory stays constant however
// many lines there are. All accounts are one query rather than one per
// account: on a million entries the database then scans the lines and
// joins their entries once (in parallel) instead of once per account.
// Accounts come in code order, the order of Accounts (the same ORDER BY on
// the same column, so the same collation).
func (s *Store) StreamLedger(ctx context.Context, entityID, accountID int64, from, to ledger.Date, fn func(int64, *ledger.LedgerLine) error) error {
	q := `SELECT l.account_id, l.date, l.entry_id, e.fiscal_year, e.number, l.line_no, e.description AS entry_text, e.reference,
		l.description, l.debit_minor, l.credit_minor, l.currency, l.amount_minor
		FROM journal_lines l JOIN journal_entries e ON e.entity_id = l.entity_id AND e.id = l.entry_id`
	args := []any{entityID, from, to}
	if accountID != 0 {
		q += ` WHERE l.entity_id = ? AND l.date >= ? AND l.date <= ? AND l.account_id = ? ORDER BY l.date, l.entry_id, l.line_no`
		args = append(args, accountID)
	} else {
		q += ` JOIN accounts a ON a.entity_id = l.entity_id AND a.id = l.account_id
		WHERE l.entity_id = ? AND l.date >= ? AND l.date <= ? ORDER BY a.code, l.date, l.entry_id, l.line_no`
	}
	rows, err := s.Query(ctx).g.Raw(q, args...).Rows()
	if err != nil {
		return translate(err)
	}
	defer rows.Close()
	var (
		l  ledger.LedgerLine
		id int64
	)
	for rows.Next() {
		if err := rows.Scan(&id, &l.Date, &l.EntryID, &l.FiscalYear, &l.Number, &l.LineNo, &l.EntryText, &l.Reference,
			&l.Description, &l.DebitMinor, &l.CreditMinor, &l.Currency, &l.AmountMinor); err != nil {
			return translate(err)
		}
		if err := fn(id, &l); err != nil {
			return err
		}
	}
	return translate(rows.Err())
}

// StreamJournal reads the lines of a period's entries in number order
// through one cursor. The fiscal years of the period bound the walk along
// the number index (an entry's fiscal year is its date's), and a page
// starts at its cursor in that index, so that a page costs the same at the
// start of a million entries as at their end.
func (s *Store) StreamJournal(ctx context.Context, ent *ledger.Entity, from, to ledger.Date, after *ledger.JournalCursor, limit int, fn func(*ledger.JournalLine) error) error {
	inner := `SELECT id, fiscal_year, number, date, description, reference, reverses_id FROM journal_entries
		WHERE entity_id = ? AND fiscal_year >= ? AND fiscal_year <= ? AND date >= ? AND date <= ?`
	entityID := ent.ID
	args := []any{entityID, from.FiscalYear(ent.FiscalYearStartMonth), to.FiscalYear(ent.FiscalYearStartMonth), from, to}
	if after != nil {
		inner += ` AND (fiscal_year, number) > (?, ?)`
		args = append(args, after.FiscalYear, after.Number)
	}
	inner += ` ORDER BY fiscal_year, number`
	if limit > 0 {
		inner += ` LIMIT ?`
		args = append(args, limit)
	}
	args = append(args, entityID)
	rows, err := s.Query(ctx).g.Raw(`SELECT e.id, e.fiscal_year, e.number, e.date, e.description, e.reference, e.reverses_id,
			l.line_no, a.code, a.name, l.description, l.debit_minor, l.credit_minor, l.currency, l.amount_minor
		FROM (`+inner+`) e
		JOIN journal_lines l ON l.entity_id = ? AND l.entry_id = e.id
		JOIN accounts a ON a.entity_id = l.entity_id AND a.id = l.account_id
		ORDER BY e.fiscal_year, e.number, l.line_no`, args...).Rows()
	if err != nil {
		return translate(err)
	}
	defer rows.Close()
	var l ledger.JournalLine
	for rows.Next() {
		l.ReversesID = nil // Scan leaves a pointer alone on NULL only if it is nil already
		if err := rows.Scan(&l.EntryID, &l.FiscalYear, &l.Number, &l.Date, &l.EntryText, &l.Reference, &l.ReversesID,
			&l.LineNo, &l.AccountCode, &l.AccountName, &l.Description, &l.DebitMinor, &l.CreditMinor, &l.Currency, &l.AmountMinor); err != nil {
			return translate(err)
		}
		if err := fn(&l); err != nil {
			return err
		}
	}
	return translate(rows.Err())
}

// EntryCounts reads the number of entries per fiscal year from the entry
// counters: numbers have no gaps (law 3), so the last number drawn is the
// count, without counting a million rows.
func (s *Store) EntryCounts(ctx context.Context, entityID int64) (map[int]int64, error) {
	var rows []struct {
		Year  int
		Value int64
	}
	err := s.Query(ctx).g.Raw(`SELECT year, value FROM counters WHERE entity_id = ? AND series = 'entry' AND value > 0`, entityID).Scan(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	out := make(map[int]int64, len(rows))
	for _, r := range rows {
		out[r.Year] = r.Value
	}
	return out, nil
}

// actionClosed is the audit action that records a close. The audit trail
// is the record of closes: it says who closed which year when (law 8), and
// it never changes.
const actionClosed = "fiscal_year.closed"

// closeDetail is the audit detail of a close.
type closeDetail struct {
	FiscalYear       int    `json:"fiscal_year"`
	EntryID          *int64 `json:"entry_id"`
	RetainedEarnings string `json:"retained_earnings_account"`
	ResultMinor      int64  `json:"result_minor"`
}

// FiscalYearCloses lists the recorded closes, oldest first.
func (s *Store) FiscalYearCloses(ctx context.Context, entityID int64) ([]*ledger.FiscalYearClose, error) {
	var rows []struct {
		At     time.Time
		KeyID  *int64
		Detail string
	}
	// The record names an actor; the close shows the key behind it.
	err := s.Query(ctx).g.Raw(`SELECT e.at, a.api_key_id AS key_id, e.detail FROM audit_events e
		LEFT JOIN actors a ON a.id = e.actor_id WHERE e.entity_id = ? AND e.action = ? ORDER BY e.id`,
		entityID, actionClosed).Scan(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	out := make([]*ledger.FiscalYearClose, 0, len(rows))
	for _, r := range rows {
		var d closeDetail
		if err := json.Unmarshal([]byte(r.Detail), &d); err != nil {
			return nil, ledger.Internal(err)
		}
		out = append(out, &ledger.FiscalYearClose{FiscalYear: d.FiscalYear, EntryID: d.EntryID, RetainedEarnings: d.RetainedEarnings,
			ResultMinor: d.ResultMinor, At: r.At.UTC(), By: r.KeyID})
	}
	return out, nil
}

// maxReversalDepth bounds the walk along reversals of closing entries (a
// reversal of a reversal of ...); past it the walk stops.
const maxReversalDepth = 20

// closingEntryIDs returns the ids of the closing entries and of the
// entries that reverse them (and those that reverse these, ...): together
// they are what an income statement leaves out.
func (s *Store) closingEntryIDs(ctx context.Context, entityID int64) ([]int64, error) {
	closes, err := s.FiscalYearCloses(ctx, entityID)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, c := range closes {
		if c.EntryID != nil {
			ids = append(ids, *c.EntryID)
		}
	}
	frontier := ids
	for range maxReversalDepth {
		if len(frontier) == 0 {
			break
		}
		var next []int64
		if err := s.Query(ctx).g.Raw(`SELECT id FROM journal_entries WHERE entity_id = ? AND reverses_id IN ?`, entityID, frontier).
			Scan(&next).Error; err != nil {
			return nil, translate(err)
		}
		ids = append(ids, next...)
		frontier = next
	}
	return ids, nil
}

// ClosingTotals sums, per account, the lines of closing entries and their
// reversals dated from..to.
func (s *Store) ClosingTotals(ctx context.Context, entityID int64, from, to ledger.Date) (map[int64]ledger.Totals, error) {
	ids, err := s.closingEntryIDs(ctx, entityID)
	if err != nil || len(ids) == 0 {
		return map[int64]ledger.Totals{}, err
	}
	var rows []struct {
		AccountID   int64
		DebitMinor  int64
		CreditMinor int64
	}
	err = s.Query(ctx).g.Raw(`SELECT account_id, CAST(sum(debit_minor) AS BIGINT) AS debit_minor, CAST(sum(credit_minor) AS BIGINT) AS credit_minor
		FROM journal_lines WHERE entity_id = ? AND entry_id IN ? AND date >= ? AND date <= ? GROUP BY account_id`,
		entityID, ids, from, to).Scan(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	out := make(map[int64]ledger.Totals, len(rows))
	for _, r := range rows {
		out[r.AccountID] = ledger.Totals{DebitMinor: r.DebitMinor, CreditMinor: r.CreditMinor}
	}
	return out, nil
}

// CloseFiscalYear closes a fiscal year in one transaction: it posts the
// entry that moves every revenue and expense balance of the year to
// retained earnings (through the normal posting path, so every law is
// checked as for any entry), moves the lock date up to the year end and
// records the close in the audit trail. A year with nothing to close is
// still locked and recorded, with no entry.
//
// Errors: invalid (closing_date_invalid, year_not_ended, the
// ResolveRetained and ClosingDraft reasons, period_locked), conflict
// (fiscal_year_closed, earlier_year_open).
func (s *Store) CloseFiscalYear(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, in *ledger.CloseInput) (*ledger.FiscalYearClose, *ledger.Entry, error) {
	first, last := reports.YearBounds(in.FiscalYear, ent.FiscalYearStartMonth)
	if !in.Date.IsZero() && in.Date.Compare(last) != 0 {
		return nil, nil, fieldError(ledger.CodeInvalid, "date", ledger.ReasonClosingDateInvalid,
			"a closing entry is dated the last day of its fiscal year, %s; leave date out or send that date", last)
	}
	if today := ent.Today(); last.After(today) {
		return nil, nil, ledger.Errorf(ledger.CodeInvalid, ledger.ReasonYearNotEnded,
			"fiscal year %d ends on %s, after today (%s): only an ended year can be closed", in.FiscalYear, last, today)
	}
	var (
		out   *ledger.FiscalYearClose
		entry *ledger.Entry
	)
	err := s.Write(ctx, func(tx *Tx) error {
		st := s.In(tx) // reads and sets the lock date in the unit of work
		if s.dialect == Postgres {
			// Every post draws from these counter rows (in this order, as
			// post_entry() does): holding them makes posts in flight finish
			// first and keeps new ones out until the close commits, so the
			// balances read below are the ones the closing entry zeroes,
			// and two closes of one year queue.
			if _, err := tx.DrawNumbers(ent.ID, Draw{"entry", in.FiscalYear, 0}, Draw{"entry_id", 0, 0}); err != nil {
				return err
			}
		}
		e, err := st.Entity(ctx, ent.ID) // the lock date as of now, not as cached
		if err != nil {
			return err
		}
		accounts, err := st.Accounts(ctx, e.ID, true)
		if err != nil {
			return err
		}
		retained, err := reports.ResolveRetained(accounts, in.RetainedEarnings)
		if err != nil {
			return err
		}
		before, err := st.Balances(ctx, e.ID, first.AddDays(-1), 0)
		if err != nil {
			return err
		}
		// Years close in order: closed earlier years leave every revenue and
		// expense account at zero at this year's start. A result still
		// there would be stranded once this close locks the earlier dates.
		for _, a := range accounts {
			if (a.Type == ledger.Revenue || a.Type == ledger.Expense) && before[a.ID].Net() != 0 {
				return ledger.Errorf(ledger.CodeConflict, ledger.ReasonEarlierYearOpen,
					"account %s still carries a result of a year before %d: close the earlier fiscal years first", a.Code, in.FiscalYear)
			}
		}
		after, err := st.Balances(ctx, e.ID, last, 0)
		if err != nil {
			return err
		}
		year := make(map[int64]ledger.Totals, len(after))
		for id, t := range after {
			b := before[id]
			year[id] = ledger.Totals{DebitMinor: t.DebitMinor - b.DebitMinor, CreditMinor: t.CreditMinor - b.CreditMinor}
		}
		closes, err := st.FiscalYearCloses(ctx, e.ID)
		if err != nil {
			return err
		}
		if c, closed := reports.YearClosed(closes, in.FiscalYear, accounts, year); closed {
			err := ledger.Errorf(ledger.CodeConflict, ledger.ReasonFiscalYearClosed, "fiscal year %d was closed on %s", in.FiscalYear, c.At.Format(time.DateOnly))
			err.Details = map[string]any{"closing_entry_id": c.EntryID}
			return err
		}
		d, result, err := reports.ClosingDraft(e, in.FiscalYear, accounts, year, retained)
		if err != nil {
			return err
		}
		if d != nil {
			if e.Locked(last) {
				return ledger.Errorf(ledger.CodeInvalid, ledger.ReasonPeriodLocked,
					"the year end %s is on or before the lock date %s: an admin must move the lock date back before the year can be closed", last, e.LockDate)
			}
			if entry, err = s.PostDraft(tx, p, e, d); err != nil {
				return err
			}
		}
		if e.LockDate == nil || e.LockDate.Before(last) {
			if _, err := st.SetLockDate(ctx, p, e.ID, &last); err != nil {
				return err
			}
		}
		out = &ledger.FiscalYearClose{FiscalYear: in.FiscalYear, RetainedEarnings: retained.Code, ResultMinor: result, At: tx.Now, By: &p.ActorID}
		if entry != nil {
			out.EntryID = &entry.ID
		}
		return tx.Audit(e.ID, &p.ActorID, actionClosed, strconv.Itoa(in.FiscalYear),
			closeDetail{FiscalYear: in.FiscalYear, EntryID: out.EntryID, RetainedEarnings: retained.Code, ResultMinor: result})
	})
	if err != nil {
		return nil, nil, translate(err)
	}
	return out, entry, nil
}
