package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"
)

// Tx is one unit of work: a database transaction and the time it writes
// with. It is passed explicitly to every function that reads or writes in
// it (never inside a context.Context), so that what runs in one transaction
// can be read from the signatures.
//
// Now is taken once from the store's clock when the unit of work starts:
// every row it writes carries the same time stamp, and a retried unit of
// work takes a new one.
type Tx struct {
	g    *gorm.DB
	Now  time.Time
	s    *core
	conn *sql.Conn // PostgreSQL: the connection the transaction is on (PostBulk's COPY)
}

// DB is the gorm session that runs statements in the transaction.
func (t *Tx) DB() *gorm.DB { return t.g }

// Context is the context the unit of work runs under.
func (t *Tx) Context() context.Context { return t.g.Statement.Context }

// Dialect is "postgres" or "sqlite".
func (t *Tx) Dialect() string { return t.s.dialect }

// ForUpdate is the clause that locks the rows a SELECT reads until the
// transaction ends. On SQLite a write transaction already excludes every
// other writer, so it is empty there.
func (t *Tx) ForUpdate() string {
	if t.s.dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// Retry says how often a unit of work the database rolled back for a
// conflict (serialization failure, deadlock, SQLite busy) is run again.
type Retry struct {
	Attempts int           // tries in all (0: 5)
	Base     time.Duration // the first wait's upper bound (0: 10ms); it doubles per try
	Max      time.Duration // the largest wait (0: 250ms)
}

func (r Retry) withDefaults() Retry {
	if r.Attempts <= 0 {
		r.Attempts = 5
	}
	if r.Base <= 0 {
		r.Base = 10 * time.Millisecond
	}
	if r.Max <= 0 {
		r.Max = 250 * time.Millisecond
	}
	return r
}

// wait is the pause before try n+1: full jitter over an exponentially
// growing bound, so that the transactions that collided do not collide
// again in step.
func (r Retry) wait(n int) time.Duration {
	bound := r.Base << (n - 1)
	if bound > r.Max || bound <= 0 {
		bound = r.Max
	}
	return time.Duration(rand.Int64N(int64(bound)) + 1)
}

// Write runs fn as one unit of work and commits it. A store bound to a
// unit of work (In) runs fn in that one instead, and leaves committing and
// retrying to whoever opened it.
//
// When the database rolled the transaction back for a conflict (40001,
// 40P01, SQLite busy), fn runs again whole, in a new transaction, up to
// Retry.Attempts times in all. Nothing else is retried: in particular not a
// connection lost at COMMIT, after which nobody knows whether the work
// committed (a client retries that with its Idempotency-Key). So fn must
// do nothing outside the database that it could not do twice: it renders
// answers into values it returns, never into an HTTP response.
//
// After the last try the error is 503 database_busy.
func (s *Store) Write(ctx context.Context, fn func(tx *Tx) error) error {
	if s.bound != nil {
		return fn(s.bound)
	}
	return s.retrying(ctx, func() error { return s.once(ctx, fn) })
}

// retrying runs attempt until it succeeds, fails with an error that is not
// a certain rollback (RolledBack), or has run Retry.Attempts times; it
// waits a jittered, growing pause between tries.
func (s *Store) retrying(ctx context.Context, attempt func() error) error {
	r := s.retry
	for n := 1; ; n++ {
		err := attempt()
		if err == nil || n >= r.Attempts || !RolledBack(err) {
			return translate(err)
		}
		if s.onRetry != nil {
			s.onRetry(err)
		}
		select {
		case <-ctx.Done():
			return translate(err)
		case <-time.After(r.wait(n)):
		}
	}
}

// once runs fn in one transaction: BEGIN, fn, COMMIT, or ROLLBACK when
// anything fails.
func (s *Store) once(ctx context.Context, fn func(tx *Tx) error) error {
	if s.dialect == SQLite {
		s.writeMu.Lock()
		defer s.writeMu.Unlock()
		return s.onOwnConn(ctx, "BEGIN IMMEDIATE", true, fn)
	}
	// A connection of its own, so that a writer that streams rows with
	// COPY (PostBulk) can reach it within the transaction.
	conn, err := s.sqlDB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	sqlTx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	ended := false
	defer func() { // also when fn panics
		if !ended {
			_ = sqlTx.Rollback()
		}
	}()
	g := s.db.Session(&gorm.Session{NewDB: true, Context: ctx})
	g.Statement.ConnPool = sqlTx
	tx := s.newTx(g)
	tx.conn = conn
	if err := fn(tx); err != nil {
		return err
	}
	ended = true
	return sqlTx.Commit()
}

// copyFrom streams rows into table by PostgreSQL's COPY, in the unit of
// work: many rows at a fraction of INSERT's cost.
func (t *Tx) copyFrom(table string, columns []string, rows pgx.CopyFromSource) (int64, error) {
	if t.conn == nil {
		return 0, errors.New("copy: not in a PostgreSQL unit of work")
	}
	var n int64
	err := t.conn.Raw(func(dc any) error {
		var err error
		n, err = dc.(*stdlib.Conn).Conn().CopyFrom(t.Context(), pgx.Identifier{table}, columns, rows)
		return err
	})
	return n, err
}

// Query is the unit of work the store is bound to (In), or outside one the
// pool, where each statement runs on its own: for reads that need no
// transaction of their own.
func (s *Store) Query(ctx context.Context) *Tx {
	if s.bound != nil {
		return s.bound
	}
	return s.newTx(s.db.WithContext(ctx))
}

// Read runs fn's reads in one read-only transaction, so that they all see
// the database at one moment even while writers commit (reports and verify
// run on a live database). A bound store reads in its unit of work.
func (s *Store) Read(ctx context.Context, fn func(tx *Tx) error) error {
	if s.bound != nil {
		return fn(s.bound)
	}
	if s.dialect == Postgres {
		return translate(s.db.WithContext(ctx).Transaction(func(g *gorm.DB) error {
			return fn(s.newTx(g))
		}, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}))
	}
	// SQLite: a deferred BEGIN; the first read fixes the snapshot under WAL,
	// and writers go on meanwhile.
	return translate(s.onOwnConn(ctx, "BEGIN DEFERRED", false, fn))
}

// In is the store bound to a unit of work: its methods run in tx and
// neither commit nor retry it. The API binds its services to the unit of
// work of a request this way, so that the write and its idempotency record
// commit together.
func (s *Store) In(tx *Tx) *Store {
	b := *s
	b.bound = tx
	return &b
}

// Bound is the unit of work the store is bound to, or nil.
func (s *Store) Bound() *Tx { return s.bound }

func (s *Store) newTx(g *gorm.DB) *Tx {
	return &Tx{g: g, Now: s.clock().UTC().Truncate(time.Microsecond), s: s.core}
}

// RolledBack reports an error after which the database has certainly rolled
// the whole transaction back, so that running it again is safe: a
// serialization failure (40001), a deadlock (40P01) or SQLite's busy.
// A connection lost at any point, COMMIT included, is not one of them.
func RolledBack(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "40001" || pg.Code == "40P01"
	}
	if IsUnreachable(err) {
		return false
	}
	code, _ := sqlState(err)
	return code == "SQLITE_BUSY"
}

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
