package sqlstore

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"backoffice/ledger"
)

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

// InsertRows runs the INSERT prefix ("INSERT INTO t (a, b) VALUES ") for n
// rows of cols values each, per rows to a statement; row appends the
// values of row i to args. It binds through database/sql, in the dialect's
// placeholders: gorm would walk every argument of a large statement.
func (tx *Tx) InsertRows(prefix string, cols, n, per int, row func(i int, args []any) []any) error {
	for start := 0; start < n; start += per {
		end := min(start+per, n)
		var q strings.Builder
		q.WriteString(prefix)
		args := make([]any, 0, (end-start)*cols)
		for i := start; i < end; i++ {
			if i > start {
				q.WriteString(", ")
			}
			q.WriteByte('(')
			for c := range cols {
				if c > 0 {
					q.WriteString(", ")
				}
				if tx.s.dialect == Postgres {
					fmt.Fprintf(&q, "$%d", len(args)+c+1)
				} else {
					q.WriteByte('?')
				}
			}
			q.WriteByte(')')
			if args = row(i, args); len(args) != (i-start+1)*cols {
				return fmt.Errorf("insert rows: row %d has %d values, not %d", i, len(args)-(i-start)*cols, cols)
			}
		}
		if _, err := tx.g.Statement.ConnPool.ExecContext(tx.Context(), q.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

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
