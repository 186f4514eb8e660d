package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
	"backoffice/ledger/sqlstore/sqltest"
)

// openWith opens the test database with cfg changed by set.
func openWith(t *testing.T, set func(*sqlstore.Config)) *sqlstore.Store {
	t.Helper()
	cfg := sqltest.Config(t)
	set(&cfg)
	st, err := sqlstore.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func skipUnlessPG(t *testing.T) {
	t.Helper()
	if sqltest.Dialect() != sqlstore.Postgres {
		t.Skip("needs PostgreSQL (set " + sqltest.EnvURL + ")")
	}
}

// TestSerializationFailureIsRetried forces a real serialization failure:
// the first try reads an entity under SERIALIZABLE, another transaction
// changes that row and commits, and the first try's update of it fails
// with 40001. The unit of work runs again whole, in a new transaction with
// a new time stamp, and succeeds; what commits is the second try's.
func TestSerializationFailureIsRetried(t *testing.T) {
	skipUnlessPG(t)
	var retried []error
	st := openWith(t, func(c *sqlstore.Config) { c.OnRetry = func(err error) { retried = append(retried, err) } })
	ctx := context.Background()
	ent, _ := sqltest.Entity(t, st, "Serial BV")

	tries := 0
	var stamps []time.Time
	err := st.Write(ctx, func(tx *sqlstore.Tx) error {
		tries++
		stamps = append(stamps, tx.Now)
		if err := tx.DB().Exec(`SET TRANSACTION ISOLATION LEVEL SERIALIZABLE`).Error; err != nil {
			return err
		}
		var name string
		if err := tx.DB().Raw(`SELECT name FROM entities WHERE id = ?`, ent.ID).Scan(&name).Error; err != nil {
			return err
		}
		if tries == 1 { // a concurrent writer changes the row this snapshot read, and commits
			if _, err := st.DB().ExecContext(ctx, `UPDATE entities SET name = 'Changed meanwhile' WHERE id = $1`, ent.ID); err != nil {
				return err
			}
		}
		return tx.DB().Exec(`UPDATE entities SET name = ? WHERE id = ?`, fmt.Sprintf("Try %d", tries), ent.ID).Error
	})
	if err != nil {
		t.Fatalf("the retried unit of work failed: %v", err)
	}
	if tries != 2 {
		t.Fatalf("tries = %d; want 2 (one serialization failure, one success)", tries)
	}
	var pg *pgconn.PgError
	if len(retried) != 1 || !errors.As(retried[0], &pg) || pg.Code != "40001" {
		t.Fatalf("retried on %v; want one 40001", retried)
	}
	if !stamps[1].After(stamps[0]) {
		t.Errorf("the second try wrote with time %s, not after the first's %s", stamps[1], stamps[0])
	}
	got, err := st.Entity(ctx, ent.ID)
	if err != nil || got.Name != "Try 2" {
		t.Fatalf("entity after the retry: %+v %v; want the name of try 2", got, err)
	}
}

// TestDeadlockIsRetried makes two units of work lock two rows in opposite
// orders; PostgreSQL breaks the deadlock by failing one with 40P01, which
// runs again and succeeds. Both commit.
func TestDeadlockIsRetried(t *testing.T) {
	skipUnlessPG(t)
	var retries atomic.Int32
	st := openWith(t, func(c *sqlstore.Config) { c.OnRetry = func(error) { retries.Add(1) } })
	ctx := context.Background()
	a, _ := sqltest.Entity(t, st, "Deadlock A BV")
	b, _ := sqltest.Entity(t, st, "Deadlock B BV")

	var both sync.WaitGroup
	both.Add(2)
	var tries atomic.Int32
	lock := func(first, second int64) error {
		return st.Write(ctx, func(tx *sqlstore.Tx) error {
			n := tries.Add(1)
			if err := tx.DB().Exec(`UPDATE entities SET locale = locale WHERE id = ?`, first).Error; err != nil {
				return err
			}
			if n <= 2 { // the first two tries each hold one row before taking the other
				both.Done()
				both.Wait()
			}
			return tx.DB().Exec(`UPDATE entities SET locale = locale WHERE id = ?`, second).Error
		})
	}
	errs := make(chan error, 2)
	go func() { errs <- lock(a.ID, b.ID) }()
	go func() { errs <- lock(b.ID, a.ID) }()
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatalf("a unit of work failed: %v; want both to commit", err)
		}
	}
	if retries.Load() != 1 || tries.Load() != 3 {
		t.Fatalf("retries %d, tries %d; want 1 retry of the deadlock victim (3 tries)", retries.Load(), tries.Load())
	}
}

// commitCutter is a pgx tracer that, when armed, closes the connection as
// the client sends COMMIT: the outcome of the transaction is then unknown
// to the client.
type commitCutter struct{ armed atomic.Bool }

func (c *commitCutter) TraceQueryStart(ctx context.Context, conn *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	if strings.EqualFold(strings.TrimSpace(d.SQL), "commit") && c.armed.CompareAndSwap(true, false) {
		conn.PgConn().Conn().Close()
	}
	return ctx
}

func (c *commitCutter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// TestLostCommitIsNotRetried: when the connection is lost at COMMIT nobody
// knows whether the work committed, so it is not run again (that would
// write it twice if it had); the caller gets database_unreachable, and a
// client retries with its Idempotency-Key.
func TestLostCommitIsNotRetried(t *testing.T) {
	skipUnlessPG(t)
	cut := &commitCutter{}
	var retries atomic.Int32
	st := openWith(t, func(c *sqlstore.Config) {
		c.Tracer = cut
		c.OnRetry = func(error) { retries.Add(1) }
	})
	ctx := context.Background()
	ent, p := sqltest.Entity(t, st, "Lost Commit BV")

	tries := 0
	cut.armed.Store(true)
	err := st.Write(ctx, func(tx *sqlstore.Tx) error {
		tries++
		return tx.Audit(ent.ID, &p.ActorID, "test.lost_commit", "lost commit", nil)
	})
	if err == nil {
		t.Fatal("a unit of work whose COMMIT lost its connection reported success")
	}
	if tries != 1 || retries.Load() != 0 {
		t.Fatalf("tries %d, retries %d; a lost COMMIT must not be retried", tries, retries.Load())
	}
	if e := ledger.As(err); e.Reason != ledger.ReasonDatabaseUnreachable {
		t.Fatalf("error %v (reason %s); want database_unreachable", err, e.Reason)
	}
	// The pool goes on with a new connection.
	if err := st.Write(ctx, func(tx *sqlstore.Tx) error { return tx.Audit(ent.ID, &p.ActorID, "test.after", "after", nil) }); err != nil {
		t.Fatalf("the next unit of work: %v", err)
	}
}

// TestBusyAfterLastTry: a conflict on every try ends, after Retry.Attempts
// tries, in 503 database_busy.
func TestBusyAfterLastTry(t *testing.T) {
	skipUnlessPG(t)
	st := openWith(t, func(c *sqlstore.Config) { c.Retry = sqlstore.Retry{Attempts: 3, Base: time.Millisecond} })
	tries := 0
	err := st.Write(context.Background(), func(tx *sqlstore.Tx) error {
		tries++
		return tx.DB().Exec(`DO $$ BEGIN RAISE EXCEPTION 'forced' USING ERRCODE = '40001'; END $$`).Error
	})
	if tries != 3 {
		t.Fatalf("tries = %d; want 3", tries)
	}
	if e := ledger.As(err); e.Code != ledger.CodeUnavailable || e.Reason != ledger.ReasonDatabaseBusy {
		t.Fatalf("error %v; want unavailable database_busy", err)
	}
}

// TestOnlyCertainRollbacksAreRetried classifies errors: conflicts the
// database rolled back are retried; a refused law, a lost connection or a
// plain failure is not.
func TestOnlyCertainRollbacksAreRetried(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{&pgconn.PgError{Code: "40001"}, true},
		{&pgconn.PgError{Code: "40P01"}, true},
		{&ledger.Error{Code: ledger.CodeUnavailable, Reason: ledger.ReasonDatabaseBusy, Cause: &pgconn.PgError{Code: "40001"}}, true},
		{errors.New("database is locked (5) (SQLITE_BUSY)"), true},
		{&pgconn.PgError{Code: "23505"}, false},
		{&pgconn.PgError{Code: "BOL03"}, false},
		{&pgconn.PgError{Code: "57P01"}, false},
		{errors.New("write tcp 127.0.0.1:1->127.0.0.1:5432: use of closed network connection"), false},
		{ledger.NotFound("entity"), false},
	} {
		if got := sqlstore.RolledBack(c.err); got != c.want {
			t.Errorf("RolledBack(%v) = %v; want %v", c.err, got, c.want)
		}
	}
}

// TestClockIsInjectedAndFixedPerUnit: every row a unit of work writes
// carries the one time its Tx took from the store's clock.
func TestClockIsInjectedAndFixedPerUnit(t *testing.T) {
	at := time.Date(2031, 5, 6, 7, 8, 9, 123456000, time.UTC)
	st := openWith(t, func(c *sqlstore.Config) { c.Clock = func() time.Time { return at } })
	ctx := context.Background()
	ent, p := sqltest.Entity(t, st, "Clock BV")
	if !ent.CreatedAt.Equal(at) {
		t.Fatalf("entity created at %s; want the injected %s", ent.CreatedAt, at)
	}
	a, err := st.CreateAccount(ctx, p, ent.ID, &ledger.AccountInput{Code: "1234", Name: "Clock", Type: ledger.Asset})
	if err != nil {
		t.Fatal(err)
	}
	var audited []time.Time
	if err := st.Query(ctx).DB().Raw(`SELECT at FROM audit_events WHERE entity_id = ? AND action = 'account.created'`, ent.ID).Scan(&audited).Error; err != nil {
		t.Fatal(err)
	}
	if !a.CreatedAt.Equal(at) || len(audited) != 1 || !audited[0].Equal(at) {
		t.Fatalf("account at %s, its audit at %v; want both %s", a.CreatedAt, audited, at)
	}
}
