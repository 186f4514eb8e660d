package bankstore

import (
	"context"
	"fmt"
	"slices"
	"time"

	"backoffice/ledger"
	"backoffice/ledger/bank"
	"backoffice/ledger/bank/match"
	"backoffice/ledger/money"
	"backoffice/ledger/sqlstore"
)

// newMatch is a match to insert: lines already checked to be unmatched
// and to add up.
type newMatch struct {
	rule      string
	paymentID *int64
	stmt      []int64
	keys      []bank.LineRef
}

// insertMatch records one match and returns its id.
func (s *Store) insertMatch(tx *sqlstore.Tx, p *ledger.Principal, ent *ledger.Entity, a *bank.Account, rule string, paymentID *int64, stmt []int64, keys []bank.LineRef) (int64, error) {
	ids, err := s.insertMatches(tx, p, ent, a, []newMatch{{rule: rule, paymentID: paymentID, stmt: stmt, keys: keys}})
	if err != nil {
		return 0, err
	}
	return ids[0], nil
}

// insertMatches records matches in a few statements whatever their number
// (an import matches hundreds at once): their ids are drawn first, then the
// matches and their links are inserted many rows at a time. A line matched
// meanwhile by a racing request (the primary keys of the link tables) is a
// conflict.
func (s *Store) insertMatches(tx *sqlstore.Tx, p *ledger.Principal, ent *ledger.Entity, a *bank.Account, ms []newMatch) ([]int64, error) {
	if len(ms) == 0 {
		return nil, nil
	}
	var keys []bank.LineRef
	for _, m := range ms {
		keys = append(keys, m.keys...)
	}
	if err := s.shareEntries(tx, ent.ID, keys); err != nil {
		return nil, err
	}
	ids, err := s.matchIDs(tx, len(ms))
	if err != nil {
		return nil, err
	}
	t := tx.Now
	err = s.insertRows(tx, `INSERT INTO bank_matches (id, entity_id, bank_account_id, rule, payment_id, created_at, created_by) VALUES `, 7, len(ms),
		func(i int) []any { return []any{ids[i], ent.ID, a.ID, ms[i].rule, ms[i].paymentID, t, p.ActorID} })
	if err != nil {
		return nil, err
	}
	type link struct {
		match int64
		stmt  int64
		key   bank.LineRef
	}
	var stmts, lines []link
	for i, m := range ms {
		for _, l := range m.stmt {
			stmts = append(stmts, link{match: ids[i], stmt: l})
		}
		for _, k := range m.keys {
			lines = append(lines, link{match: ids[i], key: k})
		}
	}
	err = s.insertRows(tx, `INSERT INTO bank_match_statement_lines (entity_id, statement_line_id, match_id) VALUES `, 3, len(stmts),
		func(i int) []any { return []any{ent.ID, stmts[i].stmt, stmts[i].match} })
	if err != nil {
		return nil, alreadyMatched(err)
	}
	for start := 0; start < len(stmts); start += 500 {
		ids := make([]int64, 0, 500)
		for _, l := range stmts[start:min(start+500, len(stmts))] {
			ids = append(ids, l.stmt)
		}
		if err := tx.DB().Exec(`DELETE FROM bank_open_lines WHERE entity_id = ? AND statement_line_id IN ?`, ent.ID, ids).Error; err != nil {
			return nil, err
		}
	}
	err = s.insertRows(tx, `INSERT INTO bank_match_ledger_lines (entity_id, entry_id, line_no, match_id) VALUES `, 4, len(lines),
		func(i int) []any { return []any{ent.ID, lines[i].key.EntryID, lines[i].key.LineNo, lines[i].match} })
	if err != nil {
		return nil, alreadyMatched(err)
	}
	return ids, nil
}

// matchIDs draws n ids for new matches: from the identity's sequence on
// PostgreSQL; on SQLite, which writes one transaction at a time, after the
// highest id there is.
func (s *Store) matchIDs(tx *sqlstore.Tx, n int) ([]int64, error) {
	if tx.Dialect() == sqlstore.Postgres {
		var ids []int64
		err := tx.DB().Raw(`SELECT nextval(pg_get_serial_sequence('bank_matches', 'id')) FROM generate_series(1, ?)`, n).Scan(&ids).Error
		return ids, err
	}
	var top int64
	if err := tx.DB().Raw(`SELECT COALESCE(MAX(id), 0) FROM bank_matches`).Scan(&top).Error; err != nil {
		return nil, err
	}
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = top + int64(i) + 1
	}
	return ids, nil
}

// insertRows runs an INSERT prefix with n rows of cols values each, many
// rows to a statement (sqlstore.Tx.InsertRows). Binding costs the SQLite
// driver more than linearly in the parameters of one statement: some
// hundreds at a time are fastest on both databases.
func (s *Store) insertRows(tx *sqlstore.Tx, prefix string, cols, n int, row func(i int) []any) error {
	return tx.InsertRows(prefix, cols, n, max(1, 500/cols), func(i int, args []any) []any { return append(args, row(i)...) })
}

// shareEntries locks the entries of the ledger lines being matched FOR
// SHARE on PostgreSQL until the match commits: a reversal of one of them
// (whose trigger locks the entry FOR UPDATE) waits, and then finds the
// match and is refused. SQLite writes one transaction at a time.
func (s *Store) shareEntries(tx *sqlstore.Tx, entityID int64, keys []bank.LineRef) error {
	if len(keys) == 0 || tx.Dialect() != sqlstore.Postgres {
		return nil
	}
	seen := map[int64]bool{}
	var ids []int64
	for _, k := range keys {
		if !seen[k.EntryID] {
			seen[k.EntryID] = true
			ids = append(ids, k.EntryID)
		}
	}
	slices.Sort(ids)
	for start := 0; start < len(ids); start += 1000 {
		var got []int64
		err := tx.DB().Raw(`SELECT id FROM journal_entries WHERE entity_id = ? AND id IN ? ORDER BY id FOR SHARE`, entityID, ids[start:min(start+1000, len(ids))]).Scan(&got).Error
		if err != nil {
			return err
		}
	}
	return nil
}

func alreadyMatched(err error) error {
	if sqlstore.IsDuplicate(translate(err), "bank_match_") {
		return ledger.Errorf(ledger.CodeConflict, ledger.ReasonLineAlreadyMatched, "a line was matched at the same time by another request")
	}
	return err
}

type matchRow struct {
	ID            int64
	EntityID      int64
	BankAccountID int64
	Rule          string
	PaymentID     *int64
	CreatedAt     time.Time
	CreatedBy     int64
}

// loadMatches reads matches with their lines: three queries whatever
// their number.
func (s *Store) loadMatches(tx *sqlstore.Tx, ent *ledger.Entity, a *bank.Account, where string, args ...any) ([]*bank.Match, error) {
	var rows []matchRow
	if err := tx.DB().Raw(`SELECT id, entity_id, bank_account_id, rule, payment_id, created_at, created_by FROM bank_matches WHERE `+where, args...).Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	out := make([]*bank.Match, len(rows))
	byID := make(map[int64]*bank.Match, len(rows))
	ids := make([]int64, len(rows))
	for i, r := range rows {
		out[i] = &bank.Match{ID: r.ID, EntityID: r.EntityID, BankAccountID: r.BankAccountID, Rule: r.Rule, PaymentID: r.PaymentID,
			CreatedAt: r.CreatedAt.UTC(), CreatedBy: r.CreatedBy, StatementLines: []*bank.StatementLine{}, LedgerLines: []*bank.LedgerLine{}}
		byID[r.ID], ids[i] = out[i], r.ID
	}
	sls, err := s.lines(tx, `m.entity_id = ? AND m.match_id IN ? ORDER BY l.id`, ent.ID, ids)
	if err != nil {
		return nil, err
	}
	for _, l := range sls {
		m := byID[*l.MatchID]
		m.StatementLines = append(m.StatementLines, l)
	}
	lls, err := s.ledgerLines(tx, a, ent, ` AND m.match_id IN ? ORDER BY jl.entry_id, jl.line_no`, ids)
	if err != nil {
		return nil, err
	}
	for _, l := range lls {
		m := byID[*l.MatchID]
		m.LedgerLines = append(m.LedgerLines, l)
	}
	return out, nil
}

// Matches lists a bank account's matches by id.
func (s *Store) Matches(ctx context.Context, ent *ledger.Entity, bankID, after int64, limit int) ([]*bank.Match, error) {
	q := s.l.Query(ctx)
	a, err := s.account(q, ent.ID, bankID, "")
	if err != nil {
		return nil, err
	}
	return s.loadMatches(q, ent, a, `entity_id = ? AND bank_account_id = ? AND id > ? ORDER BY id LIMIT ?`, ent.ID, bankID, after, limit)
}

// MatchByID returns one match with its lines.
func (s *Store) MatchByID(ctx context.Context, ent *ledger.Entity, bankID, id int64) (*bank.Match, error) {
	q := s.l.Query(ctx)
	a, err := s.account(q, ent.ID, bankID, "")
	if err != nil {
		return nil, err
	}
	return s.oneMatch(q, ent, a, id)
}

func (s *Store) oneMatch(tx *sqlstore.Tx, ent *ledger.Entity, a *bank.Account, id int64) (*bank.Match, error) {
	ms, err := s.loadMatches(tx, ent, a, `entity_id = ? AND bank_account_id = ? AND id = ?`, ent.ID, a.ID, id)
	if err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return nil, ledger.NotFound("match")
	}
	return ms[0], nil
}

// AutoMatch runs the automatic matcher over the unreconciled lines.
func (s *Store) AutoMatch(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, bankID int64) ([]*bank.Match, error) {
	var out []*bank.Match
	err := s.l.Write(ctx, func(tx *sqlstore.Tx) error {
		out = nil // not an earlier try's
		a, err := s.lockAccount(tx, ent.ID, bankID)
		if err != nil {
			return err
		}
		ids, err := s.autoMatch(tx, p, ent, a)
		if err != nil || len(ids) == 0 {
			return err
		}
		out, err = s.loadMatches(tx, ent, a, `entity_id = ? AND id IN ? ORDER BY id`, ent.ID, ids)
		return err
	})
	return out, err
}

// autoMatch matches what the rules find and returns the new matches' ids.
// Ledger lines from before the first statement (less the window) are left
// out: the first statement's opening balance covers them.
func (s *Store) autoMatch(tx *sqlstore.Tx, p *ledger.Principal, ent *ledger.Entity, a *bank.Account) ([]int64, error) {
	var start *ledger.Date
	if err := tx.DB().Raw(`SELECT MIN(from_date) FROM bank_statements WHERE entity_id = ? AND bank_account_id = ?`, ent.ID, a.ID).Scan(&start).Error; err != nil {
		return nil, err
	}
	if start == nil || start.IsZero() {
		return nil, nil
	}
	st, err := s.openLines(tx, ent.ID, a.ID, ` ORDER BY l.id`)
	if err != nil || len(st) == 0 {
		return nil, err
	}
	// Only ledger lines within the window of an unreconciled statement line
	// can match one: reading just those keeps an import's matching as
	// cheap in the account's tenth year as in its first (an index range on
	// the account and date).
	from, to := st[0].BookingDate, st[0].BookingDate
	for _, l := range st {
		if l.BookingDate.Before(from) {
			from = l.BookingDate
		}
		if l.BookingDate.After(to) {
			to = l.BookingDate
		}
	}
	from = from.AddDays(-a.MatchWindowDays)
	if earliest := start.AddDays(-a.MatchWindowDays); from.Before(earliest) {
		from = earliest
	}
	ll, err := s.ledgerLines(tx, a, ent, ` AND m.match_id IS NULL AND jl.date >= ? AND jl.date <= ? ORDER BY jl.entry_id, jl.line_no`, from, to.AddDays(a.MatchWindowDays))
	if err != nil || len(ll) == 0 {
		return nil, err
	}
	groups := match.Auto(matchStatementLines(st), matchLedgerLines(ll), match.Options{WindowDays: a.MatchWindowDays})
	ms := make([]newMatch, len(groups))
	for i, g := range groups {
		ms[i] = newMatch{rule: g.Rule, stmt: g.Statement, keys: make([]bank.LineRef, len(g.Ledger))}
		for j, k := range g.Ledger {
			ms[i].keys[j] = bank.LineRef{EntryID: k.EntryID, LineNo: k.LineNo}
		}
	}
	ids, err := s.insertMatches(tx, p, ent, a, ms)
	if err != nil {
		return nil, err
	}
	if len(ids) > 0 {
		err = tx.Audit(ent.ID, &p.ActorID, "bank_match.auto", a.AccountCode, map[string]any{"bank_account_id": a.ID, "matches": ids})
	}
	return ids, err
}

func matchStatementLines(ls []*bank.StatementLine) []match.StatementLine {
	out := make([]match.StatementLine, len(ls))
	for i, l := range ls {
		var refs []string
		for _, r := range []string{l.EndToEndID, l.Reference} {
			if r != "" {
				refs = append(refs, r)
			}
		}
		out[i] = match.StatementLine{ID: l.ID, Date: l.BookingDate, Amount: l.AmountMinor, Refs: refs, Remittance: l.Remittance, Counterparty: l.Counterparty}
	}
	return out
}

func matchLedgerLines(ls []*bank.LedgerLine) []match.LedgerLine {
	out := make([]match.LedgerLine, len(ls))
	for i, l := range ls {
		out[i] = match.LedgerLine{Key: match.LineKey{EntryID: l.EntryID, LineNo: l.LineNo}, Date: l.Date, Amount: l.AmountMinor, Reference: l.Reference, Text: l.Description}
	}
	return out
}

// Match matches lines by hand.
func (s *Store) Match(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, bankID int64, in *bank.MatchInput) (*bank.Match, error) {
	if err := in.Check(); err != nil {
		return nil, err
	}
	var out *bank.Match
	err := s.l.Write(ctx, func(tx *sqlstore.Tx) error {
		a, err := s.lockAccount(tx, ent.ID, bankID)
		if err != nil {
			return err
		}
		var total int64
		if len(in.StatementLines) > 0 {
			ls, err := s.lines(tx, `l.entity_id = ? AND l.bank_account_id = ? AND l.id IN ?`, ent.ID, a.ID, in.StatementLines)
			if err != nil {
				return err
			}
			byID := map[int64]*bank.StatementLine{}
			for _, l := range ls {
				byID[l.ID] = l
			}
			for i, id := range in.StatementLines {
				l := byID[id]
				path := fmt.Sprintf("statement_lines[%d]", i)
				if l == nil {
					return invalid(path, ledger.ReasonStatementLineNotFound, "statement line %d is not a line of bank account %d", id, a.ID)
				}
				if l.MatchID != nil {
					return conflictAt(path, ledger.ReasonLineAlreadyMatched, "statement line %d is already matched (match %d); unmatch it first", id, *l.MatchID)
				}
				total += l.AmountMinor
			}
		}
		if len(in.LedgerLines) > 0 {
			entries := make([]int64, len(in.LedgerLines))
			for i, r := range in.LedgerLines {
				entries[i] = r.EntryID
			}
			ls, err := s.ledgerLines(tx, a, ent, ` AND jl.entry_id IN ?`, entries)
			if err != nil {
				return err
			}
			byKey := map[bank.LineRef]*bank.LedgerLine{}
			for _, l := range ls {
				byKey[bank.LineRef{EntryID: l.EntryID, LineNo: l.LineNo}] = l
			}
			for i, r := range in.LedgerLines {
				l := byKey[r]
				path := fmt.Sprintf("ledger_lines[%d]", i)
				if l == nil {
					return invalid(path, ledger.ReasonLedgerLineNotFound, "line %d of entry %d is not a line on account %s (bank account %d)", r.LineNo, r.EntryID, a.AccountCode, a.ID)
				}
				if l.MatchID != nil {
					return conflictAt(path, ledger.ReasonLineAlreadyMatched, "line %d of entry %d is already matched (match %d); unmatch it first", r.LineNo, r.EntryID, *l.MatchID)
				}
				total -= l.AmountMinor
			}
		}
		if total != 0 {
			exp := exponent(a.Currency)
			return &ledger.Error{Code: ledger.CodeInvalid, Reason: ledger.ReasonMatchUnbalanced,
				Message: fmt.Sprintf("the statement lines and the ledger lines differ by %s; a match adds up on both sides", money.Format(total, exp)),
				Fields:  []ledger.FieldError{{Path: "ledger_lines", Reason: ledger.ReasonMatchUnbalanced, Message: "the sums of the two sides differ"}},
				Details: map[string]any{"difference": money.Format(total, exp)}}
		}
		id, err := s.insertMatch(tx, p, ent, a, bank.RuleManual, nil, in.StatementLines, in.LedgerLines)
		if err != nil {
			return err
		}
		if out, err = s.oneMatch(tx, ent, a, id); err != nil {
			return err
		}
		return tx.Audit(ent.ID, &p.ActorID, "bank_match.created", a.AccountCode, map[string]any{"match_id": id, "statement_lines": in.StatementLines, "ledger_lines": in.LedgerLines})
	})
	return out, err
}

func conflictAt(path string, reason ledger.Reason, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	return &ledger.Error{Code: ledger.CodeConflict, Reason: reason, Message: msg, Fields: []ledger.FieldError{{Path: path, Reason: reason, Message: msg}}}
}

// Unmatch deletes a match.
func (s *Store) Unmatch(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, bankID, id int64) (*bank.Match, error) {
	var out *bank.Match
	err := s.l.Write(ctx, func(tx *sqlstore.Tx) error {
		a, err := s.lockAccount(tx, ent.ID, bankID)
		if err != nil {
			return err
		}
		if out, err = s.oneMatch(tx, ent, a, id); err != nil {
			return err
		}
		err = s.insertRows(tx, `INSERT INTO bank_open_lines (entity_id, statement_line_id, bank_account_id) VALUES `, 3, len(out.StatementLines),
			func(i int) []any { return []any{ent.ID, out.StatementLines[i].ID, a.ID} })
		if err != nil {
			return err
		}
		for _, q := range []string{
			`DELETE FROM bank_match_statement_lines WHERE entity_id = ? AND match_id = ?`,
			`DELETE FROM bank_match_ledger_lines WHERE entity_id = ? AND match_id = ?`,
			`DELETE FROM bank_matches WHERE entity_id = ? AND id = ?`,
		} {
			if err := tx.DB().Exec(q, ent.ID, id).Error; err != nil {
				return err
			}
		}
		stmt := make([]int64, len(out.StatementLines))
		for i, l := range out.StatementLines {
			stmt[i] = l.ID
			l.MatchID = nil
		}
		keys := make([]bank.LineRef, len(out.LedgerLines))
		for i, l := range out.LedgerLines {
			keys[i] = bank.LineRef{EntryID: l.EntryID, LineNo: l.LineNo}
			l.MatchID = nil
		}
		return tx.Audit(ent.ID, &p.ActorID, "bank_match.deleted", a.AccountCode, map[string]any{"match_id": id, "rule": out.Rule,
			"payment_id": out.PaymentID, "statement_lines": stmt, "ledger_lines": keys})
	})
	return out, err
}
