// Package sqltest gives each test a fresh, migrated database of its own.
//
// Without configuration it is a SQLite file in the test's temp folder. With
// BACKOFFICE_TEST_DATABASE_URL set to a PostgreSQL server URL (for example
// postgres://postgres@127.0.0.1:5432/postgres) it is a new PostgreSQL
// database cloned from a template migrated once per test binary, which takes
// milliseconds. Test databases are dropped when their test ends, templates
// when the binary ends (sqltest.Main).
package sqltest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib"

	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
)

// EnvURL names the variable that selects PostgreSQL for tests.
const EnvURL = "BACKOFFICE_TEST_DATABASE_URL"

var (
	once     sync.Once
	template string
	onceErr  error
)

// Dialect is the dialect tests run on.
func Dialect() string {
	if os.Getenv(EnvURL) != "" {
		return sqlstore.Postgres
	}
	return sqlstore.SQLite
}

// Main runs the tests and drops the template database afterwards; call it
// from TestMain: os.Exit(sqltest.Main(m)).
func Main(m *testing.M) int {
	code := m.Run()
	if template != "" {
		if admin, err := sql.Open("pgx", os.Getenv(EnvURL)); err == nil {
			_, _ = admin.Exec(`DROP DATABASE IF EXISTS ` + template + ` WITH (FORCE)`)
			admin.Close()
		}
	}
	return code
}

func randomName(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// withDatabase returns base with its database name replaced.
func withDatabase(base, name string) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

// Config returns the store configuration of a new, migrated database for t.
func Config(t testing.TB) sqlstore.Config {
	t.Helper()
	base := os.Getenv(EnvURL)
	if base == "" {
		cfg := sqlstore.Config{SQLitePath: filepath.Join(t.TempDir(), "test.db")}
		st, err := sqlstore.Open(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if _, err := st.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	once.Do(func() { onceErr = makeTemplate(base) })
	if onceErr != nil {
		t.Fatalf("postgres template: %v", onceErr)
	}
	return sqlstore.Config{DatabaseURL: newDatabase(t, base, "bo_test_", ` TEMPLATE `+template), MaxConns: 60}
}

// newDatabase creates a PostgreSQL database on the server of base (with
// the CREATE DATABASE options given), drops it when t ends, and returns
// its URL.
func newDatabase(t testing.TB, base, prefix, options string) string {
	t.Helper()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := randomName(prefix)
	if _, err := admin.Exec(`CREATE DATABASE ` + name + options); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		if a, err := sql.Open("pgx", base); err == nil {
			_, _ = a.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
			a.Close()
		}
	})
	dbURL, err := withDatabase(base, name)
	if err != nil {
		t.Fatal(err)
	}
	return dbURL
}

// EmptyConfig returns the store configuration of a new database with no
// schema at all, dropped when t ends: for tests of the migrations
// themselves.
func EmptyConfig(t testing.TB) sqlstore.Config {
	t.Helper()
	base := os.Getenv(EnvURL)
	if base == "" {
		return sqlstore.Config{SQLitePath: filepath.Join(t.TempDir(), "empty.db")}
	}
	return sqlstore.Config{DatabaseURL: newDatabase(t, base, "bo_empty_", "")}
}

// Open returns a store on a new, migrated database, closed when t ends.
func Open(t testing.TB) *sqlstore.Store {
	t.Helper()
	st, err := sqlstore.Open(context.Background(), Config(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func makeTemplate(base string) error {
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return err
	}
	defer admin.Close()
	name := randomName("bo_tmpl_")
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		return fmt.Errorf("create template: %w", err)
	}
	dbURL, err := withDatabase(base, name)
	if err != nil {
		return err
	}
	st, err := sqlstore.Open(context.Background(), sqlstore.Config{DatabaseURL: dbURL})
	if err != nil {
		return err
	}
	_, err = st.Migrate(context.Background())
	st.Close()
	if err != nil {
		return err
	}
	template = name
	return nil
}

// TestIBAN is the bank account of the entities Entity makes.
const TestIBAN = "NL91ABNA0417164300"

// Entity creates an entity with the standard chart (EUR, calendar fiscal
// year) and an admin principal that created it.
func Entity(t testing.TB, st ledger.Store, name string) (*ledger.Entity, *ledger.Principal) {
	t.Helper()
	ctx := context.Background()
	k, _, err := st.CreateKey(ctx, nil, &ledger.KeyInput{Name: "test admin", Role: ledger.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	p := ledger.KeyPrincipal(k)
	cur, tmpl := "EUR", "standard"
	// Complete as an invoice's supplier: address, chamber of commerce
	// number and VAT id (issue refuses documents without them).
	kvk, vat := "12345678", "NL004495445B01"
	addr := ledger.Address{Lines: []string{"Keizersgracht 1"}, Postcode: "1015 AA", City: "Amsterdam", Country: "NL"}
	e, err := st.CreateEntity(ctx, p, &ledger.EntityInput{Name: &name, Currency: &cur, ChartTemplate: &tmpl,
		RegistrationID: &kvk, VATNumber: &vat, Address: &addr})
	if err != nil {
		t.Fatal(err)
	}
	// And the bank account an invoice asks to be paid to: the invoicing
	// settings' defaults (invoicing.DefaultSettings) with TestIBAN.
	if q, ok := st.(interface {
		Query(context.Context) *sqlstore.Tx
	}); ok {
		err := q.Query(ctx).DB().Exec(`INSERT INTO invoicing_settings (entity_id, invoice_number_format, credit_note_number_format,
			revenue_account, receivable_account, bank_account, fx_account, iban, updated_at)
			VALUES (?, 'INV-{YYYY}-{NNNN}', 'CN-{YYYY}-{NNNN}', '8000', '1100', '1000', '8900', ?, ?)`, e.ID, TestIBAN, e.CreatedAt).Error
		if err != nil {
			t.Fatal(err)
		}
	}
	return e, p
}

// sqliteSays is what SQLite's message holds for the standard SQLSTATEs the
// schema raises; the class BO codes (BOL01..BOL07) start the trigger's
// message on SQLite as they are the SQLSTATE on PostgreSQL.
var sqliteSays = map[string]string{
	"23502": "NOT NULL constraint failed",
	"23503": "FOREIGN KEY constraint failed",
	"23505": "UNIQUE constraint failed",
	"23514": "CHECK constraint failed",
}

// WantRefused fails t unless err is the database refusing with code: on
// PostgreSQL a *pgconn.PgError whose SQLSTATE is code, on SQLite a message
// that holds "code:" (the triggers' BO codes) or SQLite's own words for the
// standard code. Any other error, or none, is not the refusal a law asks
// for.
func WantRefused(t testing.TB, what string, err error, code string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: the database accepted it; want it refused with %s", what, code)
		return
	}
	var pg *pgconn.PgError
	if Dialect() == sqlstore.Postgres {
		if !errors.As(err, &pg) || pg.Code != code {
			t.Errorf("%s: %v; want SQLSTATE %s", what, err, code)
		}
		return
	}
	want := code + ":"
	if s, ok := sqliteSays[code]; ok {
		want = s
	}
	if errors.As(err, &pg) || !strings.Contains(err.Error(), want) {
		t.Errorf("%s: %v; want SQLite's refusal %q", what, err, want)
	}
}
