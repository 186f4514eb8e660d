// Package sqlstore keeps the ledger in PostgreSQL (through gorm and pgx) or
// in an embedded SQLite file (pure Go). Both run the same embedded
// migrations and the same code; where the SQL differs, the dialect says so.
//
// Every write is a unit of work (Tx, Write): one transaction, passed
// explicitly, retried whole when the database rolled it back for a
// conflict. A store bound to a unit of work (In) runs its methods in it, so
// that an API request can make its write and its idempotency record commit
// together.
package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	sqlitedriver "github.com/glebarez/go-sqlite"
	"github.com/glebarez/sqlite"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"backoffice/ledger"
)

// SQLite's lower() folds ASCII letters only; bo_lower folds all of Unicode
// as PostgreSQL's lower() does, so that a search for "école" finds "École"
// on both.
func init() {
	sqlitedriver.MustRegisterDeterministicScalarFunction("bo_lower", 1,
		func(_ *sqlitedriver.FunctionContext, args []driver.Value) (driver.Value, error) {
			switch v := args[0].(type) {
			case string:
				return strings.ToLower(v), nil
			case []byte:
				return strings.ToLower(string(v)), nil
			}
			return args[0], nil
		})
}

// lower is the dialect's Unicode lower-case function.
func (s *Store) lower() string {
	if s.dialect == SQLite {
		return "bo_lower"
	}
	return "lower"
}

// Dialects.
const (
	Postgres = "postgres"
	SQLite   = "sqlite"
)

// Config says which database to open.
type Config struct {
	DatabaseURL string // PostgreSQL URL; empty means SQLite
	SQLitePath  string // file for the embedded store
	MaxConns    int    // PostgreSQL pool size (0: 20)
	// Tracer sees every statement the PostgreSQL pool sends (tests count
	// round trips with it); nil in the service.
	Tracer pgx.QueryTracer
	// Clock gives the time units of work write with (nil: time.Now).
	Clock func() time.Time
	// Retry bounds the retries of units of work rolled back for a conflict.
	Retry Retry
	// OnRetry, when set, sees each conflict that is retried (for logs and
	// tests).
	OnRetry func(error)
}

// Store is the ledger's database. A Store value is cheap to copy: In binds
// a copy to a unit of work, sharing everything else.
type Store struct {
	*core
	bound *Tx // the unit of work the methods run in (In), or nil
}

// core is what every copy of a Store shares: the pool and its caches.
type core struct {
	db      *gorm.DB
	sqlDB   *sql.DB
	probeDB *sql.DB // one connection of its own, for Probe
	dialect string
	// writeMu queues SQLite writers in the process: SQLite has one writer
	// at a time, and waiting on a mutex is cheaper and fairer than the
	// driver's busy-timeout polling.
	writeMu sync.Mutex
	charts  sync.Map // entity id -> *cachedChart (see accountsForPosting)

	extMu   sync.Mutex
	modules []module // see Extend

	clock   func() time.Time
	retry   Retry
	onRetry func(error)
}

// Open connects to the configured database. It does not migrate.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	gcfg := &gorm.Config{
		SkipDefaultTransaction: true,
		Logger:                 logger.Default.LogMode(logger.Silent),
		NowFunc:                func() time.Time { return time.Now().UTC() },
	}
	s := &Store{core: &core{clock: cfg.Clock, retry: cfg.Retry.withDefaults(), onRetry: cfg.OnRetry}}
	if s.clock == nil {
		s.clock = time.Now
	}
	var dialector gorm.Dialector
	var probeDriver, dsn string
	if cfg.DatabaseURL != "" {
		s.dialect = Postgres
		probeDriver, dsn = "pgx", withConnectTimeout(cfg.DatabaseURL)
		dialector = postgres.New(postgres.Config{DSN: dsn})
		if cfg.Tracer != nil {
			cc, err := pgx.ParseConfig(dsn)
			if err != nil {
				return nil, fmt.Errorf("database URL: %w", err)
			}
			cc.Tracer = cfg.Tracer
			dialector = postgres.New(postgres.Config{Conn: stdlib.OpenDB(*cc)})
		}
	} else {
		s.dialect = SQLite
		path := cfg.SQLitePath
		if path == "" {
			path = "backoffice.db"
		}
		probeDriver, dsn = "sqlite", sqliteDSN(path)
		dialector = sqlite.Open(dsn)
	}
	db, err := gorm.Open(dialector, gcfg)
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", s.dialect, err)
	}
	if err := registerUnreachable(db); err != nil {
		return nil, err
	}
	s.db = db
	if s.sqlDB, err = db.DB(); err != nil {
		return nil, err
	}
	if s.probeDB, err = sql.Open(probeDriver, dsn); err != nil {
		s.sqlDB.Close()
		return nil, err
	}
	s.probeDB.SetMaxOpenConns(1)
	s.probeDB.SetMaxIdleConns(1)
	if s.dialect == Postgres {
		n := cfg.MaxConns
		if n <= 0 {
			n = 20
		}
		s.sqlDB.SetMaxOpenConns(n)
		s.sqlDB.SetMaxIdleConns(n)
	} else {
		// Readers run in parallel under WAL; writers queue on writeMu.
		s.sqlDB.SetMaxOpenConns(8)
		s.sqlDB.SetMaxIdleConns(8)
	}
	s.sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := s.sqlDB.PingContext(pctx); err != nil {
		s.sqlDB.Close()
		s.probeDB.Close()
		return nil, fmt.Errorf("connect to %s database: %w", s.dialect, err)
	}
	return s, nil
}

// sqliteDSN sets what every connection needs: WAL so readers never wait for
// the writer, a busy timeout, foreign keys on, and BEGIN IMMEDIATE so that a
// write transaction takes the write lock at its start (two writers never
// deadlock upgrading read locks).
func sqliteDSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// Dialect is "postgres" or "sqlite".
func (s *Store) Dialect() string { return s.dialect }

// DB gives tests and the verify command raw access.
func (s *Store) DB() *sql.DB { return s.sqlDB }

// Ping checks that the database answers (readiness).
func (s *Store) Ping(ctx context.Context) error { return s.sqlDB.PingContext(ctx) }

// Close closes the pool.
func (s *Store) Close() error {
	s.probeDB.Close()
	return s.sqlDB.Close()
}

// onOwnConn runs fn in a SQLite transaction on a connection of its own, with
// BEGIN, COMMIT and ROLLBACK said explicitly: when SQLite refuses a COMMIT
// (a deferred foreign key) the transaction stays open, and database/sql
// would hand that connection to the next caller mid-transaction. Here
// anything but a successful COMMIT ends in ROLLBACK. With commit false the
// transaction is always rolled back (reads only).
func (s *Store) onOwnConn(ctx context.Context, begin string, commit bool, fn func(tx *Tx) error) error {
	conn, err := s.sqlDB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, begin); err != nil {
		return err
	}
	committed := false
	defer func() {
		if !committed {
			_, _ = conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		}
	}()
	g := s.db.Session(&gorm.Session{NewDB: true, Context: ctx})
	g.Statement.ConnPool = conn
	if err := fn(s.newTx(g)); err != nil || !commit {
		return err
	}
	if _, err := conn.ExecContext(context.WithoutCancel(ctx), "COMMIT"); err != nil {
		return err
	}
	committed = true
	return nil
}

// likeEscaper escapes what LIKE would read as wildcards, for ESCAPE '\'.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// LikeEscape is s with LIKE's wildcards escaped (ESCAPE '\'), so that a
// pattern built from it matches s as text.
func LikeEscape(s string) string { return likeEscaper.Replace(s) }

// Contains is the LIKE pattern (ESCAPE '\') that matches text holding s,
// lower-cased, for a search compared with the dialect's lower().
func Contains(s string) string { return "%" + LikeEscape(strings.ToLower(s)) + "%" }

// Translate turns a database error into a ledger error (see translate).
func Translate(err error) error { return translate(err) }

// IsDuplicate reports a unique violation whose constraint (or, on SQLite,
// column list) contains one of hints.
func IsDuplicate(err error, hints ...string) bool { return isDuplicate(err, hints...) }

// errDuplicate marks a unique-key violation that the caller turns into its
// own domain error.
var errDuplicate = errors.New("duplicate key")

// translate turns database errors into ledger errors. Laws refused by the
// database carry SQLSTATEs of class BO (PostgreSQL) or the same code at the
// start of the message (SQLite). Unexpected errors become internal.
func translate(err error) error {
	if err == nil {
		return nil
	}
	var le *ledger.Error
	if errors.As(err, &le) || errors.Is(err, errDuplicate) || errors.Is(err, ledger.ErrIdemExists) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &ledger.Error{Code: ledger.CodeUnavailable, Reason: ledger.ReasonRequestCancelled, Message: "the request was cancelled or timed out", Cause: err}
	}
	if IsUnreachable(err) {
		return ledger.Unreachable(err)
	}
	code, msg := sqlState(err)
	switch {
	case code == "BOL01":
		return &ledger.Error{Code: ledger.CodeConflict, Reason: ledger.ReasonEntryImmutable, Message: "posted entries never change; post a reversal instead", Cause: err}
	case code == "BOL02":
		return &ledger.Error{Code: ledger.CodeInvalid, Reason: ledger.ReasonEntryUnbalanced, Message: "the entry does not balance", Cause: err}
	case code == "BOL04":
		return &ledger.Error{Code: ledger.CodeInvalid, Reason: ledger.ReasonAccountArchived, Message: "an account of the entry is archived or takes another currency", Cause: err}
	case code == "BOL03":
		return &ledger.Error{Code: ledger.CodeInvalid, Reason: ledger.ReasonPeriodLocked, Message: "the entry date is on or before the lock date", Cause: err}
	case code == "BOL05":
		return &ledger.Error{Code: ledger.CodeConflict, Reason: ledger.ReasonInvoiceImmutable, Message: "an issued invoice never changes; void it or issue a credit note", Cause: err}
	case code == "BOL06":
		return &ledger.Error{Code: ledger.CodeConflict, Reason: ledger.ReasonRecordImmutable, Message: "this record never changes once written (orders, their lines and history, events, imported bank statements)", Cause: err}
	case code == "BOL07":
		return &ledger.Error{Code: ledger.CodeConflict, Reason: ledger.ReasonEntryReconciled, Message: "the entry has lines reconciled with a bank statement; unmatch them before reversing it", Cause: err}
	case code == "23514" && strings.Contains(msg, "_range"):
		return &ledger.Error{Code: ledger.CodeConflict, Reason: ledger.ReasonSettlementOutOfRange, Message: "the change would settle or credit a document beyond its total", Cause: err}
	case code == "23505":
		return fmt.Errorf("%w: %s", errDuplicate, msg)
	case code == "22021" || code == "22P05":
		return &ledger.Error{Code: ledger.CodeInvalid, Reason: ledger.ReasonTextInvalid, Message: "a text holds a character the database cannot store", Cause: err}
	case code == "22003":
		return &ledger.Error{Code: ledger.CodeInvalid, Reason: ledger.ReasonAmountTooLarge, Message: "a total would exceed the largest amount the ledger holds", Cause: err}
	case code == "40001" || code == "40P01" || code == "SQLITE_BUSY":
		return &ledger.Error{Code: ledger.CodeUnavailable, Reason: ledger.ReasonDatabaseBusy, Message: "the database is busy; retry the request", Cause: err}
	}
	return ledger.Internal(err)
}

// sqlState returns the PostgreSQL SQLSTATE of err, or for SQLite the BO
// code that starts a trigger's message, "23505" for a unique violation and
// "SQLITE_BUSY" for a lock timeout.
func sqlState(err error) (code, msg string) {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code, pg.ConstraintName + " " + pg.Message
	}
	m := err.Error()
	switch {
	case strings.Contains(m, "BOL01:"):
		return "BOL01", m
	case strings.Contains(m, "BOL02:"):
		return "BOL02", m
	case strings.Contains(m, "BOL03:"):
		return "BOL03", m
	case strings.Contains(m, "BOL05:"):
		return "BOL05", m
	case strings.Contains(m, "BOL06:"):
		return "BOL06", m
	case strings.Contains(m, "BOL07:"):
		return "BOL07", m
	case strings.Contains(m, "UNIQUE constraint failed"):
		return "23505", m
	case strings.Contains(m, "integer overflow") || strings.Contains(m, "account_totals_integer"):
		return "22003", m
	case strings.Contains(m, "CHECK constraint failed"):
		return "23514", m
	case strings.Contains(m, "database is locked") || strings.Contains(m, "SQLITE_BUSY"):
		return "SQLITE_BUSY", m
	}
	return "", m
}

// isDuplicate reports a unique violation; constraint names a hint of which
// (the Go path checks first; this is the backstop for races).
func isDuplicate(err error, hints ...string) bool {
	if !errors.Is(err, errDuplicate) {
		return false
	}
	for _, h := range hints {
		if strings.Contains(err.Error(), h) {
			return true
		}
	}
	return false
}
