package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"backoffice/ledger"
)

// IsUnreachable reports whether err says that the database could not be
// reached or that the connection broke: a refused, reset or timed-out
// connection, a closed one, or the server shutting down. Such an error
// says nothing about the request, only that it did not reach the books.
func IsUnreachable(err error) bool {
	if err == nil {
		return false
	}
	var le *ledger.Error
	if errors.As(err, &le) && le.Reason == ledger.ReasonDatabaseUnreachable {
		return true
	}
	var (
		connect *pgconn.ConnectError
		op      *net.OpError
		pg      *pgconn.PgError
	)
	switch {
	case errors.As(err, &connect), errors.As(err, &op):
		return true
	case errors.Is(err, pgconn.ErrConnClosed), errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return true
	case errors.As(err, &pg):
		// Class 08 is "connection exception"; 57P01-57P03 are the server
		// shutting down, crashing or not yet accepting connections.
		return strings.HasPrefix(pg.Code, "08") || pg.Code == "57P01" || pg.Code == "57P02" || pg.Code == "57P03"
	}
	return false
}

// registerUnreachable makes every statement gorm runs answer a broken
// connection as ledger.Unreachable, whichever store method ran it and whether
// or not that method translates its errors.
func registerUnreachable(db *gorm.DB) error {
	mark := func(tx *gorm.DB) {
		// A cancelled request is the caller's doing, not an outage
		// (translate answers it as request_cancelled).
		if ctx := tx.Statement.Context; ctx != nil && ctx.Err() != nil {
			return
		}
		if tx.Error != nil && IsUnreachable(tx.Error) {
			var le *ledger.Error
			if !errors.As(tx.Error, &le) {
				tx.Error = ledger.Unreachable(tx.Error)
			}
		}
	}
	cb := db.Callback()
	for _, err := range []error{
		cb.Create().Register("backoffice:unreachable", mark),
		cb.Query().Register("backoffice:unreachable", mark),
		cb.Update().Register("backoffice:unreachable", mark),
		cb.Delete().Register("backoffice:unreachable", mark),
		cb.Row().Register("backoffice:unreachable", mark),
		cb.Raw().Register("backoffice:unreachable", mark),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}

// connectTimeout bounds how long opening a connection may take, so that a
// database whose packets are dropped (rather than refused) is an error in
// seconds, not after the operating system's TCP timeout of minutes.
const connectTimeout = 3 * time.Second

// withConnectTimeout adds connect_timeout to a PostgreSQL URL or key=value
// DSN that does not set one.
func withConnectTimeout(dsn string) string {
	secs := strconv.Itoa(int(connectTimeout / time.Second))
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return dsn // pgx reports the bad URL
		}
		q := u.Query()
		if q.Get("connect_timeout") == "" {
			q.Set("connect_timeout", secs)
			u.RawQuery = q.Encode()
		}
		return u.String()
	}
	if strings.Contains(dsn, "connect_timeout=") {
		return dsn
	}
	return strings.TrimSpace(dsn + " connect_timeout=" + secs)
}

// Probe asks the database whether it answers, on a connection of its own
// outside the pool: a pool that load has used up is not an outage, and an
// outage must show even while every pooled connection is stuck. ctx bounds
// the wait.
func (s *Store) Probe(ctx context.Context) error {
	if err := s.probeDB.PingContext(ctx); err != nil {
		return ledger.Unreachable(err)
	}
	return nil
}
