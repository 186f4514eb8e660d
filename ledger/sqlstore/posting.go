package sqlstore

// The one posting function: Post writes an entry, PostBulk many. They are
// the only code that numbers entries, writes journal lines and keeps the
// account totals (docs/design.md, "Posting an entry").

import (
	"cmp"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"backoffice/ledger"
	idempotency "backoffice/ledger/idem"
)

// Post is the one posting function: it numbers e from the entity's gapless
// series, writes its lines and keeps the balance totals, in tx, and with
// idem stores the answer to the request that posted it in the same write.
// On PostgreSQL that is one round trip (post_entry(), whose triggers and
// checks keep the laws); on SQLite it is insertEntry's statements, under
// the same triggers.
func (s *Store) Post(tx *Tx, e *ledger.Entry, idem *ledger.IdemRequest) (*ledger.Posted, error) {
	e.CreatedAt = tx.Now // what the database keeps, so answers match what is read back
	if s.dialect == Postgres {
		return s.postPG(tx, e, idem)
	}
	if err := s.insertEntry(tx, e); err != nil {
		return nil, err
	}
	out := &ledger.Posted{Entry: e}
	if idem == nil {
		return out, nil
	}
	var err error
	if out.Answer, err = idem.Render(e); err != nil {
		return nil, err
	}
	return out, s.idemSave(tx, &ledger.IdemRecord{EntityID: idem.EntityID, ActorID: idem.ActorID, Key: idem.Key,
		RequestHash: idem.RequestHash, Status: idem.Status, ContentType: idem.ContentType, Body: string(out.Answer)})
}

// postPG writes a resolved entry with post_entry(), one round trip: in the
// unit of work tx, or on a Tx of the pool (Query) as a statement of its own.
func (s *Store) postPG(tx *Tx, e *ledger.Entry, idem *ledger.IdemRequest) (*ledger.Posted, error) {
	n := len(e.Lines)
	accounts, debits, credits, amounts := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	currencies, rates, descriptions := make([]string, n), make([]string, n), make([]string, n)
	for i, l := range e.Lines {
		accounts[i], debits[i], credits[i], amounts[i] = l.AccountID, l.DebitMinor, l.CreditMinor, l.AmountMinor
		currencies[i], rates[i], descriptions[i] = l.Currency, l.ExchangeRate, l.Description
	}
	var key, hash, ctype, body *string
	var apiKey *int64
	var status *int
	if idem != nil {
		bs, err := idempotency.Pending(idem, e)
		if err != nil {
			return nil, err
		}
		key, hash, ctype, body, apiKey, status = &idem.Key, &idem.RequestHash, &idem.ContentType, &bs, &idem.ActorID, &idem.Status
	}
	var (
		id, number sql.NullInt64
		answer     sql.NullString
	)
	// database/sql directly: gorm would expand the array arguments of
	// post_entry into lists.
	ctx := tx.Context()
	err := tx.g.Statement.ConnPool.QueryRowContext(ctx, `SELECT entry_id, entry_number, answer
		FROM post_entry($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)`,
		e.EntityID, e.FiscalYear, e.Date, e.Description, e.Reference, e.Currency, e.TotalMinor, e.ReversesID,
		e.CreatedAt, e.CreatedBy, accounts, debits, credits, currencies, amounts, rates, descriptions,
		key, apiKey, hash, status, ctype, body).Scan(&id, &number, &answer)
	if err != nil {
		if idem == nil {
			return nil, err
		}
		// The post was rolled back whole. If its key was used before (or by
		// a request that committed while this one ran), that answer is the
		// answer: post_entry() stores the answer last, so that a replay
		// fails there instead of a lookup costing every post.
		if out, rerr := s.replayOr(tx, idem, err); out != nil || !isDuplicate(translate(err), "idempotency_keys_pkey") {
			return out, rerr
		}
		return nil, idempotency.InUse()
	}
	e.ID, e.Number = id.Int64, number.Int64
	out := &ledger.Posted{Entry: e}
	if idem != nil {
		out.Answer = []byte(answer.String)
	}
	return out, nil
}

// insertEntry numbers e and writes it in the unit of work tx. Rows are
// locked in one fixed order: the entity's counter rows, then the account
// totals by account id, so concurrent posts queue and never deadlock.
func (s *Store) insertEntry(tx *Tx, e *ledger.Entry) error {
	// One statement draws the entry number (per fiscal year) and the entry
	// id (per entity). The rows stay locked until commit: a rolled-back post
	// gives its number back, so numbers have no gaps.
	last, err := tx.DrawNumbers(e.EntityID, Draw{"entry", e.FiscalYear, 1}, Draw{"entry_id", 0, 1})
	if err != nil {
		return err
	}
	e.Number, e.ID = last[0], last[1]

	// Lines first: the entry's insert trigger checks that they balance.
	var sb strings.Builder
	args := make([]any, 0, len(e.Lines)*11)
	sb.WriteString(`INSERT INTO journal_lines (entity_id, entry_id, line_no, account_id, date, debit_minor, credit_minor,
		currency, amount_minor, exchange_rate, description) VALUES `)
	for i, l := range e.Lines {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
		var rate any
		if l.ExchangeRate != "" {
			rate = l.ExchangeRate
		}
		args = append(args, e.EntityID, e.ID, l.LineNo, l.AccountID, e.Date, l.DebitMinor, l.CreditMinor,
			l.Currency, l.AmountMinor, rate, l.Description)
	}
	if err := tx.g.Exec(sb.String(), args...).Error; err != nil {
		return err
	}
	if err := tx.g.Exec(`INSERT INTO journal_entries (entity_id, id, fiscal_year, number, date, description, reference,
		currency, total_minor, line_count, reverses_id, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.EntityID, e.ID, e.FiscalYear, e.Number, e.Date, e.Description, e.Reference, e.Currency,
		e.TotalMinor, len(e.Lines), e.ReversesID, e.CreatedAt, e.CreatedBy).Error; err != nil {
		return err
	}
	return addTotals(tx, e)
}

// totalKey is one row of account_totals.
type totalKey struct {
	account int64
	grain   string
	period  ledger.Date
}

// addTotals adds the entry's lines to the day and month totals of their
// accounts, in account id order.
func addTotals(tx *Tx, e *ledger.Entry) error {
	sums := map[totalKey][2]int64{}
	for _, l := range e.Lines {
		for _, k := range []totalKey{{l.AccountID, "d", e.Date}, {l.AccountID, "m", e.Date.FirstOfMonth()}} {
			v := sums[k]
			v[0] += l.DebitMinor
			v[1] += l.CreditMinor
			sums[k] = v
		}
	}
	keys := make([]totalKey, 0, len(sums))
	for k := range sums {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b totalKey) int {
		if a.account != b.account {
			return cmp.Compare(a.account, b.account)
		}
		if a.grain != b.grain {
			return strings.Compare(a.grain, b.grain)
		}
		return a.period.Compare(b.period)
	})
	var sb strings.Builder
	args := make([]any, 0, len(keys)*6)
	sb.WriteString(`INSERT INTO account_totals (entity_id, account_id, grain, period, debit_minor, credit_minor) VALUES `)
	for i, k := range keys {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("(?, ?, ?, ?, ?, ?)")
		v := sums[k]
		args = append(args, e.EntityID, k.account, k.grain, k.period, v[0], v[1])
	}
	sb.WriteString(` ON CONFLICT (entity_id, grain, period, account_id) DO UPDATE SET
		debit_minor = account_totals.debit_minor + excluded.debit_minor,
		credit_minor = account_totals.credit_minor + excluded.credit_minor`)
	return tx.g.Exec(sb.String(), args...).Error
}

// Bulk is many entries of one entity, posted together by PostBulk. The
// entries are checked already (balanced, on open accounts of the entity's
// currency, dated after the lock date): PostBulk is for writers that build
// entries by construction (seed, and batch imports that check each entry
// first); the database's triggers check the laws again unless
// BypassTriggers.
type Bulk struct {
	Currency  string // the currency of every entry and line
	CreatedBy int64  // the actor
	Entries   []BulkEntry
	Lines     []BulkLine // the lines of Entries[0], then those of Entries[1], ...
	// BypassTriggers skips PostgreSQL's per-row law triggers for the unit
	// of work (SET LOCAL session_replication_role = replica), for an
	// operator who checks the laws afterwards with verify. A database user
	// without the permission gets SQLSTATE 42501 and the unit of work
	// fails; SQLite ignores it.
	BypassTriggers bool
}

// BulkEntry is one entry of a Bulk; PostBulk sets its ID and Number.
type BulkEntry struct {
	Date        ledger.Date
	FiscalYear  int
	Description string
	Reference   string
	Lines       int   // how many of Bulk.Lines are this entry's
	TotalMinor  int64 // the sum of its debits
	ID, Number  int64
}

// BulkLine is one line of a BulkEntry, on one side.
type BulkLine struct {
	AccountID               int64
	DebitMinor, CreditMinor int64
	Description             string
}

// PostBulk is the posting function (Post) for many entries at once, in the
// unit of work tx: one counter draw numbers them all (per fiscal year, and
// their ids), the lines and the entries are written as sets, and the
// balance totals are added from the lines just written, by one statement.
// It returns how many account_totals rows it wrote or changed.
func (s *Store) PostBulk(tx *Tx, entityID int64, b *Bulk) (totals int64, err error) {
	if len(b.Entries) == 0 {
		return 0, nil
	}
	if b.BypassTriggers && s.dialect == Postgres {
		if err := tx.g.Exec(`SET LOCAL session_replication_role = replica`).Error; err != nil {
			return 0, err
		}
	}
	if err := numberBulk(tx, entityID, b); err != nil {
		return 0, err
	}
	first, last := b.Entries[0].ID, b.Entries[len(b.Entries)-1].ID
	if s.dialect == Postgres {
		err = bulkPG(tx, entityID, b)
	} else {
		err = bulkSQLite(tx, entityID, b)
	}
	if err != nil {
		return 0, err
	}
	monthOf := `substr(date, 1, 7) || '-01'`
	if s.dialect == Postgres {
		monthOf = `date_trunc('month', date)::date`
	}
	res := tx.g.Exec(`INSERT INTO account_totals (entity_id, account_id, grain, period, debit_minor, credit_minor)
		SELECT entity_id, account_id, grain, period, sum(debit_minor), sum(credit_minor) FROM (
			SELECT entity_id, account_id, 'd' AS grain, date AS period, debit_minor, credit_minor
			  FROM journal_lines WHERE entity_id = ? AND entry_id BETWEEN ? AND ?
			UNION ALL
			SELECT entity_id, account_id, 'm', `+monthOf+`, debit_minor, credit_minor
			  FROM journal_lines WHERE entity_id = ? AND entry_id BETWEEN ? AND ?
		) l
		WHERE true
		GROUP BY entity_id, account_id, grain, period
		ORDER BY account_id, grain, period
		ON CONFLICT (entity_id, grain, period, account_id) DO UPDATE
		   SET debit_minor = account_totals.debit_minor + excluded.debit_minor,
		       credit_minor = account_totals.credit_minor + excluded.credit_minor`,
		entityID, first, last, entityID, first, last)
	if res.Error != nil {
		return 0, fmt.Errorf("account totals: %w", res.Error)
	}
	return res.RowsAffected, nil
}

// numberBulk draws the entries' numbers (per fiscal year, in year order)
// and ids in one statement, in the order every post locks those rows, and
// hands them out in the entries' order.
func numberBulk(tx *Tx, entityID int64, b *Bulk) error {
	count := map[int]int64{}
	for _, e := range b.Entries {
		count[e.FiscalYear]++
	}
	years := slices.Sorted(maps.Keys(count))
	draws := make([]Draw, 0, len(years)+1)
	for _, fy := range years {
		draws = append(draws, Draw{Series: "entry", Year: fy, N: count[fy]})
	}
	draws = append(draws, Draw{Series: "entry_id", N: int64(len(b.Entries))})
	last, err := tx.DrawNumbers(entityID, draws...)
	if err != nil {
		return err
	}
	next := map[int]int64{}
	for i, fy := range years {
		next[fy] = last[i] - count[fy] + 1
	}
	id := last[len(last)-1] - int64(len(b.Entries)) + 1
	for i := range b.Entries {
		e := &b.Entries[i]
		e.ID, e.Number = id, next[e.FiscalYear]
		id++
		next[e.FiscalYear]++
	}
	return nil
}

// bulkPG streams the lines, then the entries (whose trigger checks the
// lines they close), into their tables by COPY within the unit of work.
func bulkPG(tx *Tx, entityID int64, b *Bulk) error {
	i, line, k := -1, 0, 0
	vals := make([]any, 11)
	n, err := tx.copyFrom("journal_lines",
		[]string{"entity_id", "entry_id", "line_no", "account_id", "date", "debit_minor", "credit_minor", "currency", "amount_minor", "exchange_rate", "description"},
		pgx.CopyFromFunc(func() ([]any, error) {
			for i < 0 || line == b.Entries[i].Lines {
				if i, line = i+1, 0; i == len(b.Entries) {
					return nil, nil
				}
			}
			if k == len(b.Lines) {
				return nil, fmt.Errorf("the entries have more lines than Lines holds (%d)", len(b.Lines))
			}
			e, l := &b.Entries[i], &b.Lines[k]
			line, k = line+1, k+1
			vals[0], vals[1], vals[2], vals[3], vals[4] = entityID, e.ID, int32(line), l.AccountID, e.Date.Time()
			vals[5], vals[6], vals[7], vals[8], vals[9], vals[10] = l.DebitMinor, l.CreditMinor, b.Currency, l.DebitMinor+l.CreditMinor, nil, l.Description
			return vals, nil
		}))
	if err == nil && n != int64(len(b.Lines)) {
		err = fmt.Errorf("the entries have %d lines, Lines holds %d", n, len(b.Lines))
	}
	if err != nil {
		return fmt.Errorf("copy lines: %w", err)
	}
	i = 0
	ev := make([]any, 13)
	_, err = tx.copyFrom("journal_entries",
		[]string{"entity_id", "id", "fiscal_year", "number", "date", "description", "reference", "currency", "total_minor", "line_count", "reverses_id", "created_at", "created_by"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if i == len(b.Entries) {
				return nil, nil
			}
			e := &b.Entries[i]
			i++
			ev[0], ev[1], ev[2], ev[3], ev[4], ev[5], ev[6] = entityID, e.ID, int32(e.FiscalYear), e.Number, e.Date.Time(), e.Description, e.Reference
			ev[7], ev[8], ev[9], ev[10], ev[11], ev[12] = b.Currency, e.TotalMinor, int32(e.Lines), nil, tx.Now, b.CreatedBy
			return ev, nil
		}))
	if err != nil {
		return fmt.Errorf("copy entries: %w", err)
	}
	return nil
}

// sqliteChunk is the rows per INSERT statement on SQLite: 1,000 lines of 11
// values stay well under its limit of 32,766 variables.
const sqliteChunk = 1000

// bulkSQLite writes the lines, then the entries, by multi-row INSERTs.
func bulkSQLite(tx *Tx, entityID int64, b *Bulk) error {
	owner, lineNo := make([]int, len(b.Lines)), make([]int, len(b.Lines)) // line index -> entry index, line number
	k := 0
	for i, e := range b.Entries {
		for j := range e.Lines {
			if k == len(b.Lines) {
				return fmt.Errorf("bulk: the entries have more lines than Lines holds (%d)", len(b.Lines))
			}
			owner[k], lineNo[k] = i, j+1
			k++
		}
	}
	if k != len(b.Lines) {
		return fmt.Errorf("bulk: the entries have %d lines, Lines holds %d", k, len(b.Lines))
	}
	err := tx.InsertRows(`INSERT INTO journal_lines (entity_id, entry_id, line_no, account_id, date, debit_minor, credit_minor, currency, amount_minor, exchange_rate, description) VALUES `,
		11, len(b.Lines), sqliteChunk, func(k int, args []any) []any {
			e, l := &b.Entries[owner[k]], &b.Lines[k]
			return append(args, entityID, e.ID, lineNo[k], l.AccountID, e.Date.String(), l.DebitMinor, l.CreditMinor, b.Currency,
				l.DebitMinor+l.CreditMinor, nil, l.Description)
		})
	if err != nil {
		return fmt.Errorf("insert lines: %w", err)
	}
	err = tx.InsertRows(`INSERT INTO journal_entries (entity_id, id, fiscal_year, number, date, description, reference, currency, total_minor, line_count, reverses_id, created_at, created_by) VALUES `,
		13, len(b.Entries), sqliteChunk, func(k int, args []any) []any {
			e := &b.Entries[k]
			return append(args, entityID, e.ID, e.FiscalYear, e.Number, e.Date.String(), e.Description, e.Reference, b.Currency,
				e.TotalMinor, e.Lines, nil, tx.Now, b.CreatedBy)
		})
	if err != nil {
		return fmt.Errorf("insert entries: %w", err)
	}
	return nil
}
