package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"backoffice/api/apitest"
	"backoffice/ledger/sqlstore"
	"backoffice/ledger/sqlstore/sqltest"
)

func TestMain(m *testing.M) { os.Exit(sqltest.Main(m)) }

// syncBuffer is a bytes.Buffer safe to write from the server goroutine
// while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// dbArgs are the database flags for a fresh test database.
func dbArgs(t *testing.T) []string {
	cfg := sqltest.Config(t)
	if cfg.DatabaseURL != "" {
		return []string{"--database-url", cfg.DatabaseURL}
	}
	return []string{"--sqlite-path", cfg.SQLitePath}
}

func noEnv(string) string { return "" }

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestEndToEnd runs the real main: creates an admin key with the CLI,
// serves on a free port, walks from a new entity to a trial balance over
// HTTP, verifies the database, and shuts down cleanly on cancel (SIGTERM).
func TestEndToEnd(t *testing.T) {
	db := dbArgs(t)
	ctx := context.Background()

	var out, errOut bytes.Buffer
	if err := run(ctx, append([]string{"apikey", "create", "--role", "admin", "--name", "ops"}, db...), noEnv, &out, &errOut); err != nil {
		t.Fatalf("apikey create: %v\n%s", err, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	key := lines[len(lines)-1]
	if !strings.HasPrefix(key, "bo_") || strings.Contains(key, " ") {
		t.Fatalf("last line of apikey create is %q; want the key alone", key)
	}

	addr, pprofAddr := freeAddr(t), freeAddr(t)
	sctx, stop := context.WithCancel(ctx)
	logs := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(sctx, append([]string{"serve", "--addr", addr, "--pprof-addr", pprofAddr}, db...), noEnv, logs, io.Discard)
	}()
	base := "http://" + addr
	waitReady(t, base+"/readyz", done)

	// Every call is checked against the OpenAPI document the server serves.
	client := &http.Client{Transport: apitest.Transport(t, http.DefaultTransport, base)}
	call := func(method, path, body string, want int) map[string]any {
		t.Helper()
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, _ := http.NewRequest(method, base+path, rd)
		req.Header.Set("Authorization", "Bearer "+key)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var v map[string]any
		raw, _ := io.ReadAll(res.Body)
		_ = json.Unmarshal(raw, &v)
		if res.StatusCode != want {
			t.Fatalf("%s %s = %d %s; want %d", method, path, res.StatusCode, raw, want)
		}
		return v
	}
	ent := call("POST", "/v1/entities", `{"name":"Ærøskøbing Bakkerij","currency":"EUR","chart_template":"standard"}`, 201)
	id := int64(ent["id"].(float64))
	call("POST", fmt.Sprintf("/v1/entities/%d/entries", id),
		`{"date":"2026-03-31","description":"March rent","reference":"R-0331","lines":[{"account":"4100","debit":"1200.00","description":"rent"},{"account":"1000","credit":"1200.00"}]}`, 201)
	tb := call("GET", fmt.Sprintf("/v1/entities/%d/reports/trial-balance?as_of=2026-12-31", id), "", 200)
	if tb["total_debit"] != "1200.00" || tb["total_credit"] != "1200.00" {
		t.Fatalf("trial balance totals %v / %v; want 1200.00 both", tb["total_debit"], tb["total_credit"])
	}
	// The version the binary reports is in /healthz and in the log line
	// that says the server listens.
	health := call("GET", "/healthz", "", 200)
	if v, _ := health["version"].(string); v == "" || !strings.HasPrefix(v, "backoffice ") || !strings.Contains(v, runtime.Version()) {
		t.Fatalf("/healthz version %q; want the binary's, with %s", health["version"], runtime.Version())
	}
	if !strings.Contains(logs.String(), `"msg":"listening"`) || !strings.Contains(logs.String(), `"version":`) {
		t.Fatalf("the start-up log lacks the version:\n%s", logs.String())
	}
	for _, url := range []string{base + "/v1/openapi.json", "http://" + pprofAddr + "/debug/pprof/"} {
		if res, err := http.Get(url); err != nil || res.StatusCode != 200 {
			t.Fatalf("GET %s: %v %v", url, res, err)
		}
	}
	if res, err := http.Get(base + "/debug/pprof/"); err != nil || res.StatusCode != 404 {
		t.Fatalf("profiles must not be on the API's address: %v %v", res, err)
	}

	stop() // what SIGTERM does in main
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop after cancel")
	}
	if !strings.Contains(logs.String(), `"msg":"stopped"`) || !strings.Contains(logs.String(), `"request_id"`) {
		t.Fatalf("logs lack the stop line or request ids:\n%s", logs.String())
	}

	out.Reset()
	if err := run(ctx, append([]string{"verify"}, db...), noEnv, &out, io.Discard); err != nil {
		t.Fatalf("verify: %v\n%s", err, out.String())
	}
	// One entity, one entry of two lines, no documents: each count in its
	// own number, one per kind.
	for _, want := range []string{"OK: no breach found", "checked 1 entity, 1 entry, 2 lines, 0 invoices, 0 credit notes, 0 payments, 0 orders, 0 bank statements, 0 bank matches, 0 suppliers, 0 documents, 0 purchase invoices, 0 supplier credit notes, 0 supplier payments, 0 VAT totals\n", "purchases (purchase numbers gapless", "VAT (the daily VAT totals equal the documents",
		"law 1 (every entry balances, at least two lines): 1 entry\n"} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("verify output lacks %q:\n%s", want, out.String())
		}
	}
	// Nothing to rewrite in a database whose totals were written as it went.
	out.Reset()
	if err := run(ctx, append([]string{"rebuild-vat-totals"}, db...), noEnv, &out, io.Discard); err != nil ||
		!strings.Contains(out.String(), "entity 1 (") || !strings.Contains(out.String(), "0 VAT totals rewritten") {
		t.Fatalf("rebuild-vat-totals: %v\n%s", err, out.String())
	}
}

func waitReady(t *testing.T, url string, done chan error) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("serve exited early: %v", err)
		default:
		}
		if res, err := http.Get(url); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("server not ready in time")
}

// TestServeRefusesNewerSchema: a database migrated by a newer binary is
// refused rather than written with rules this binary does not know.
func TestServeRefusesNewerSchema(t *testing.T) {
	db := dbArgs(t)
	ctx := context.Background()
	st := migrated(t, db)
	if _, err := st.DB().Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (99999, true)`); err != nil {
		t.Fatal(err)
	}
	st.Close()
	err := run(ctx, append([]string{"serve", "--addr", freeAddr(t)}, db...), noEnv, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "newer than this binary") {
		t.Fatalf("serve on a newer schema: %v; want a refusal", err)
	}
}

func TestVerifyExitsNonZeroOnBreach(t *testing.T) {
	db := dbArgs(t)
	ctx := context.Background()
	st := migrated(t, db)
	if _, err := st.DB().Exec(`INSERT INTO entities (name, currency, time_zone, fiscal_year_start_month, locale, created_at, updated_at)
		VALUES ('Gap BV', 'EUR', 'UTC', 1, 'en', '2026-01-01 00:00:00', '2026-01-01 00:00:00')`); err != nil {
		t.Fatal(err)
	}
	st.Close()
	// An entity without entries is clean. Then a stored total with no lines
	// behind it breaks law 7.
	var out bytes.Buffer
	if err := run(ctx, append([]string{"verify"}, db...), noEnv, &out, io.Discard); err != nil {
		t.Fatalf("verify on a clean database: %v\n%s", err, out.String())
	}
	st, _ = openDB(db)
	if _, err := st.DB().Exec(`INSERT INTO accounts (entity_id, code, name, type, created_at, updated_at) VALUES (1, 'X', 'X', 'asset', '2026-01-01 00:00:00', '2026-01-01 00:00:00')`); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().Exec(`INSERT INTO account_totals (entity_id, account_id, grain, period, debit_minor, credit_minor)
		SELECT 1, id, 'd', '2026-01-05', 100, 0 FROM accounts WHERE code = 'X'`); err != nil {
		t.Fatal(err)
	}
	st.Close()
	out.Reset()
	err := run(ctx, append([]string{"verify"}, db...), noEnv, &out, io.Discard)
	if code, ok := err.(exitError); !ok || code != 1 {
		t.Fatalf("verify on a breach returned %v; want exit status 1\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "law 7") {
		t.Fatalf("verify output does not name the breach:\n%s", out.String())
	}
}

// migrated runs "backoffice migrate" on the database and opens it.
func migrated(t *testing.T, db []string) *sqlstore.Store {
	t.Helper()
	if err := run(context.Background(), append([]string{"migrate"}, db...), noEnv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	st, err := openDB(db)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// openDB opens the database named by database flags, as a command would.
func openDB(args []string) (*sqlstore.Store, error) {
	f := newFlags("test", noEnv, io.Discard)
	d := f.db()
	if err := f.Parse(args); err != nil {
		return nil, err
	}
	return d.open(context.Background())
}

// TestAPIKeyCommands: --entity may repeat, revoking twice says so, and
// commands that read a database refuse a SQLite path that does not exist.
func TestAPIKeyCommands(t *testing.T) {
	db := dbArgs(t)
	ctx := context.Background()
	st, err := openDB(db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"One", "Two"} {
		if _, err := st.DB().Exec(`INSERT INTO entities (name, currency, time_zone, fiscal_year_start_month, locale, created_at, updated_at)
			VALUES ('` + name + `', 'EUR', 'UTC', 1, 'en', '2026-01-01 00:00:00', '2026-01-01 00:00:00')`); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	var out bytes.Buffer
	if err := run(ctx, append([]string{"apikey", "create", "--role", "accountant", "--name", "multi", "--entity", "1", "--entity", "2"}, db...), noEnv, &out, io.Discard); err != nil {
		t.Fatalf("create: %v", err)
	}
	out.Reset()
	if err := run(ctx, append([]string{"apikey", "list"}, db...), noEnv, &out, io.Discard); err != nil || !strings.Contains(out.String(), "1,2") {
		t.Fatalf("list after --entity 1 --entity 2: %v\n%s", err, out.String())
	}
	out.Reset()
	for range 2 {
		if err := run(ctx, append([]string{"apikey", "revoke", "1"}, db...), noEnv, &out, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	if !strings.Contains(out.String(), "revoked key 1") || !strings.Contains(out.String(), "already revoked") {
		t.Fatalf("revoking twice printed:\n%s", out.String())
	}
	missing := filepath.Join(t.TempDir(), "typo.db")
	for _, cmd := range [][]string{{"verify"}, {"apikey", "list"}} {
		err := run(ctx, append(cmd, "--sqlite-path", missing), noEnv, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "no database at") {
			t.Errorf("%v on a missing file: %v; want a refusal", cmd, err)
		}
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("a command created the mistyped database file")
	}
	if err := run(ctx, []string{"verify", "--sqlite-path", missing}, func(k string) string {
		if k == "BACKOFFICE_DB_MAX_CONNS" {
			return "abc"
		}
		return ""
	}, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "BACKOFFICE_DB_MAX_CONNS") {
		t.Errorf("a bad number in the environment: %v; want it named", err)
	}
}

// TestServeRefusesTakenPprofAddress: a profiling address that cannot be
// had stops the start, and leaves the API's address free.
func TestServeRefusesTakenPprofAddress(t *testing.T) {
	db := dbArgs(t)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	addr := freeAddr(t)
	err = run(context.Background(), append([]string{"serve", "--addr", addr, "--pprof-addr", busy.Addr().String()}, db...), noEnv, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "pprof listener") {
		t.Fatalf("serve with a taken pprof address: %v; want a refusal", err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("the API address was left taken: %v", err)
	}
	ln.Close()
}
