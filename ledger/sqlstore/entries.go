package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"backoffice/ledger"
)

// PostEntry checks and posts a journal entry. Everything that needs no
// database is checked before the transaction (ParseEntry), then the accounts
// are resolved and the balance checked in Go (Resolve), and the entry is
// written: on PostgreSQL in one round trip (post_entry()), on SQLite by
// insertEntry in a write transaction.
//
// Errors: invalid (form, accounts, balance, period_locked), unavailable.
func (s *Store) PostEntry(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, in *ledger.EntryInput, idem *ledger.IdemRequest) (*ledger.Posted, error) {
	d, err := ledger.ParseEntry(ent, in)
	if err != nil {
		return s.replayOr(s.Query(ctx), idem, err)
	}
	return s.post(ctx, idem, s.resolver(p, ent, d))
}

// resolver resolves a checked draft against the entity's accounts.
func (s *Store) resolver(p *ledger.Principal, ent *ledger.Entity, d *ledger.Draft) func(*Tx) (*ledger.Entry, error) {
	return func(tx *Tx) (*ledger.Entry, error) {
		accounts, err := s.accountsForPosting(tx, ent.ID, d.AccountCodes())
		if err != nil {
			return nil, err
		}
		e, err := d.Resolve(ent, accounts)
		if err != nil {
			return nil, err
		}
		e.CreatedBy = p.ActorID
		return e, nil
	}
}

// PostDraft posts, in the unit of work tx, an entry that the system built
// (invoicing) rather than one a caller sent: the draft is already in minor
// units and checked for form, so only the lock date, the accounts and the
// balance are checked here. The entry commits or rolls back with the change
// it records.
//
// Errors: invalid (period_locked, account_not_found, account_archived,
// entry_unbalanced).
func (s *Store) PostDraft(tx *Tx, p *ledger.Principal, ent *ledger.Entity, d *ledger.Draft) (*ledger.Entry, error) {
	if ent.Locked(d.Date) {
		return nil, ledger.Errorf(ledger.CodeInvalid, ledger.ReasonPeriodLocked, "date %s is on or before the lock date %s", d.Date, ent.LockDate)
	}
	d.FiscalYear = d.Date.FiscalYear(ent.FiscalYearStartMonth)
	e, err := s.resolver(p, ent, d)(tx)
	if err != nil {
		return nil, err
	}
	out, err := s.Post(tx, e, nil)
	if err != nil {
		return nil, err
	}
	return out.Entry, nil
}

// ReverseEntry posts the reversal of entry id on date (today in the
// entity's time zone when date is zero), with the same lines on the other
// side, and links the two. An entry is reversed at most once.
//
// Errors: not_found, conflict (entry_already_reversed), invalid
// (period_locked, reversal_before_original, account_archived).
func (s *Store) ReverseEntry(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64, date ledger.Date, description string, idem *ledger.IdemRequest) (*ledger.Posted, error) {
	defaulted := ""
	if date.IsZero() {
		date, defaulted = ent.Today(), " (today, as no date was given)"
	}
	if idem != nil { // a replay is answered before the checks that the first request changed
		if prev, err := s.IdemLookup(ctx, idem.EntityID, idem.ActorID, idem.Key); err != nil || prev != nil {
			return &ledger.Posted{Replay: prev}, err
		}
	}
	resolve := func(tx *Tx) (*ledger.Entry, error) {
		orig, err := s.entry(tx, ent.ID, id)
		if err != nil {
			return nil, err
		}
		if orig.ReversedBy != nil {
			return nil, ledger.Errorf(ledger.CodeConflict, ledger.ReasonEntryAlreadyReversed, "entry %s is already reversed by entry %d", orig.NumberText(), *orig.ReversedBy)
		}
		if date.Before(orig.Date) {
			return nil, fieldError(ledger.CodeInvalid, "date", ledger.ReasonReversalBeforeOriginal, "a reversal is dated on or after the entry it reverses (%s); the reversal date is %s%s",
				orig.Date, date, defaulted)
		}
		if ent.Locked(date) {
			return nil, fieldError(ledger.CodeInvalid, "date", ledger.ReasonPeriodLocked, "date %s is on or before the lock date %s", date, ent.LockDate)
		}
		ids := make([]int64, len(orig.Lines))
		for i, l := range orig.Lines {
			ids[i] = l.AccountID
		}
		accounts, err := s.accountsByID(tx, ent.ID, ids)
		if err != nil {
			return nil, err
		}
		for _, l := range orig.Lines {
			if a := accounts[l.AccountID]; a == nil || a.Archived() {
				return nil, ledger.Errorf(ledger.CodeInvalid, ledger.ReasonAccountArchived, "account %s is archived; unarchive it to reverse this entry", l.AccountCode)
			}
		}
		rev := orig.Reversal(date, date.FiscalYear(ent.FiscalYearStartMonth), strings.TrimSpace(description))
		rev.CreatedBy = p.ActorID
		return rev, nil
	}
	out, err := s.post(ctx, idem, resolve)
	if isDuplicate(err, "journal_entries_reversal_unique", "journal_entries.reverses_id") {
		return nil, ledger.Errorf(ledger.CodeConflict, ledger.ReasonEntryAlreadyReversed, "entry %d is already reversed", id)
	}
	return out, err
}

// post resolves an entry a caller sent and posts it (Post) as a unit of
// work of its own. On PostgreSQL that is one statement on the pool, with no
// BEGIN and COMMIT around it; a store bound to a unit of work posts in it.
func (s *Store) post(ctx context.Context, idem *ledger.IdemRequest, resolve func(*Tx) (*ledger.Entry, error)) (*ledger.Posted, error) {
	var out *ledger.Posted
	work := func(tx *Tx) error {
		if idem != nil && s.dialect == SQLite {
			prev, err := s.idemLookup(tx, idem.EntityID, idem.ActorID, idem.Key)
			if err != nil || prev != nil {
				out = &ledger.Posted{Replay: prev}
				return err
			}
		}
		e, err := resolve(tx)
		if err != nil {
			if s.dialect == Postgres {
				out, err = s.replayOr(tx, idem, err)
			}
			return err
		}
		out, err = s.Post(tx, e, idem)
		return err
	}
	if s.dialect == Postgres && s.bound == nil {
		err := s.retrying(ctx, func() error { return work(s.Query(ctx)) })
		return out, translate(err)
	}
	err := s.Write(ctx, work)
	return out, translate(err)
}

// replayOr answers a request that failed before reaching the database with
// the answer stored under its key, if there is one: a key that was used
// says so (replay or idempotency_key_reused) whatever the new request holds.
func (s *Store) replayOr(tx *Tx, idem *ledger.IdemRequest, err error) (*ledger.Posted, error) {
	if idem != nil {
		if prev, lerr := s.idemLookup(tx, idem.EntityID, idem.ActorID, idem.Key); lerr == nil && prev != nil {
			return &ledger.Posted{Replay: prev}, nil
		}
	}
	return nil, err
}

func fieldError(code ledger.Code, path string, reason ledger.Reason, format string, args ...any) *ledger.Error {
	msg := fmt.Sprintf(format, args...)
	return &ledger.Error{Code: code, Reason: reason, Message: msg, Fields: []ledger.FieldError{{Path: path, Reason: reason, Message: msg}}}
}

type entryRow struct {
	EntityID    int64
	ID          int64
	FiscalYear  int
	Number      int64
	Date        ledger.Date
	Description string
	Reference   string
	Currency    string
	TotalMinor  int64
	ReversesID  *int64
	ReversedBy  *int64
	CreatedAt   time.Time
	CreatedBy   int64
}

type lineRow struct {
	EntryID      int64
	LineNo       int
	AccountID    int64
	AccountCode  string
	AccountName  string
	DebitMinor   int64
	CreditMinor  int64
	Currency     string
	AmountMinor  int64
	ExchangeRate *string
	Description  string
}

const entrySelect = `SELECT e.entity_id, e.id, e.fiscal_year, e.number, e.date, e.description, e.reference, e.currency,
	e.total_minor, e.reverses_id, r.id AS reversed_by, e.created_at, e.created_by
	FROM journal_entries e LEFT JOIN journal_entries r ON r.entity_id = e.entity_id AND r.reverses_id = e.id`

// Entry returns one entry with its lines, or not_found.
func (s *Store) Entry(ctx context.Context, entityID, id int64) (*ledger.Entry, error) {
	return s.entry(s.Query(ctx), entityID, id)
}

func (s *Store) entry(tx *Tx, entityID, id int64) (*ledger.Entry, error) {
	var rows []entryRow
	if err := tx.g.Raw(entrySelect+` WHERE e.entity_id = ? AND e.id = ?`, entityID, id).Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	if len(rows) == 0 {
		return nil, ledger.NotFound("entry")
	}
	out, err := withLines(tx, entityID, rows)
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// Entries lists entries newest first (by date, then id), with their lines;
// at most Limit+1 so the caller can tell whether there is more.
func (s *Store) Entries(ctx context.Context, entityID int64, f ledger.EntryFilter) ([]*ledger.Entry, error) {
	q := entrySelect + ` WHERE e.entity_id = ?`
	args := []any{entityID}
	if !f.From.IsZero() {
		q += ` AND e.date >= ?`
		args = append(args, f.From)
	}
	if !f.To.IsZero() {
		q += ` AND e.date <= ?`
		args = append(args, f.To)
	}
	if f.AccountID != 0 {
		q += ` AND EXISTS (SELECT 1 FROM journal_lines l WHERE l.entity_id = e.entity_id AND l.entry_id = e.id AND l.account_id = ?)`
		args = append(args, f.AccountID)
	}
	if f.Reference != "" {
		q += ` AND e.reference = ?`
		args = append(args, f.Reference)
	}
	if f.Text != "" {
		pattern := Contains(f.Text)
		q += ` AND (` + s.lower() + `(e.description) LIKE ? ESCAPE '\' OR ` + s.lower() + `(e.reference) LIKE ? ESCAPE '\')`
		args = append(args, pattern, pattern)
	}
	if !f.BeforeDate.IsZero() {
		q += ` AND (e.date < ? OR (e.date = ? AND e.id < ?))`
		args = append(args, f.BeforeDate, f.BeforeDate, f.BeforeID)
	}
	q += ` ORDER BY e.date DESC, e.id DESC LIMIT ?`
	args = append(args, f.Limit+1)
	var rows []entryRow
	tx := s.Query(ctx)
	if err := tx.g.Raw(q, args...).Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	return withLines(tx, entityID, rows)
}

// withLines loads the lines of the given entries in one query.
func withLines(tx *Tx, entityID int64, rows []entryRow) ([]*ledger.Entry, error) {
	out := make([]*ledger.Entry, len(rows))
	byID := make(map[int64]*ledger.Entry, len(rows))
	ids := make([]int64, len(rows))
	for i, r := range rows {
		out[i] = &ledger.Entry{
			EntityID: r.EntityID, ID: r.ID, FiscalYear: r.FiscalYear, Number: r.Number, Date: r.Date,
			Description: r.Description, Reference: r.Reference, Currency: r.Currency, TotalMinor: r.TotalMinor,
			ReversesID: r.ReversesID, ReversedBy: r.ReversedBy, CreatedAt: r.CreatedAt.UTC(), CreatedBy: r.CreatedBy,
		}
		byID[r.ID] = out[i]
		ids[i] = r.ID
	}
	if len(ids) == 0 {
		return out, nil
	}
	var lines []lineRow
	err := tx.g.Raw(`SELECT l.entry_id, l.line_no, l.account_id, a.code AS account_code, a.name AS account_name,
		l.debit_minor, l.credit_minor, l.currency, l.amount_minor, l.exchange_rate, l.description
		FROM journal_lines l JOIN accounts a ON a.entity_id = l.entity_id AND a.id = l.account_id
		WHERE l.entity_id = ? AND l.entry_id IN ? ORDER BY l.entry_id, l.line_no`, entityID, ids).Scan(&lines).Error
	if err != nil {
		return nil, translate(err)
	}
	for _, l := range lines {
		e := byID[l.EntryID]
		line := ledger.Line{LineNo: l.LineNo, AccountID: l.AccountID, AccountCode: l.AccountCode, AccountName: l.AccountName,
			DebitMinor: l.DebitMinor, CreditMinor: l.CreditMinor, Currency: l.Currency, AmountMinor: l.AmountMinor,
			Description: l.Description}
		if l.ExchangeRate != nil {
			line.ExchangeRate = *l.ExchangeRate
		}
		e.Lines = append(e.Lines, line)
	}
	return out, nil
}
