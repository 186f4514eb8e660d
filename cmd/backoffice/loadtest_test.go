package main

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"backoffice/api"
	"backoffice/api/apitest"
	"backoffice/invoicing/invstore"
	"backoffice/invoicing/orders/orderstore"
	"backoffice/invoicing/vies"
	"backoffice/invoicing/webhooks"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
	"backoffice/ledger/sqlstore/sqltest"
)

// The servers under load are wrapped in apitest.Handler: every request the
// load generator sends and every answer it reads is checked against the
// OpenAPI document.

// TestLoadtestPostsEveryEntry runs the load generator against an in-process
// server and checks that every entry arrived and the ledger's laws hold.
func TestLoadtestPostsEveryEntry(t *testing.T) {
	ctx := context.Background()
	st, _ := runLoadtest(t, []string{"--clients", "4", "--entities", "2", "--entries", "200"},
		"entries posted: 200\n", "failures:       0\n", "entries/s", "p99")
	r, err := st.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Breaches) > 0 {
		t.Errorf("verify found %d breaches: %v", len(r.Breaches), r.Breaches)
	}
	if r.Entries != 200 {
		t.Errorf("verify counted %d entries, want 200", r.Entries)
	}
	if r.Entities != 2 {
		t.Errorf("verify counted %d entities, want 2", r.Entities)
	}
}

// TestLoadtestFailuresAreErrors checks that a refused request makes the
// command fail and that the report says why.
func TestLoadtestFailuresAreErrors(t *testing.T) {
	ctx := context.Background()
	st := sqltest.Open(t)
	srv := httptest.NewServer(apitest.Handler(t, quietAPI(st)))
	defer srv.Close()

	var stdout, stderr bytes.Buffer
	err := run(ctx, []string{"loadtest", "--url", srv.URL, "--key", "not-a-key", "--entries", "5"},
		func(string) string { return "" }, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("loadtest with a bad key: err = %v, want a 401 during setup", err)
	}
	if err := run(ctx, []string{"loadtest", "--url", srv.URL}, func(string) string { return "" }, &stdout, &stderr); err == nil {
		t.Fatal("loadtest without --key succeeded")
	}
}

// TestLoadtestIssuesInvoices runs the invoice mode: every invoice is issued
// once, numbered without gaps, and the books stay sound.
func TestLoadtestIssuesInvoices(t *testing.T) {
	ctx := context.Background()
	st, secret := runLoadtest(t, []string{"--mode", "invoices", "--clients", "4", "--entities", "2", "--entries", "60"},
		"invoices issued: 60\n", "failures:       0\n", "invoices/s", "p99")
	r, err := st.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Breaches) > 0 || r.Documents != 60 || r.Entries != 60 {
		t.Errorf("verify: %d documents, %d entries, breaches %v", r.Documents, r.Entries, r.Breaches)
	}
	var stdout, stderr bytes.Buffer
	if err := run(ctx, []string{"loadtest", "--mode", "refunds", "--key", secret}, func(string) string { return "" }, &stdout, &stderr); err == nil {
		t.Error("an unknown mode was accepted")
	}
}

// TestLoadtestPushesOrders runs the order mode: integration keys push
// orders and resend them, alone and in batches; every order is stored once.
func TestLoadtestPushesOrders(t *testing.T) {
	ctx := context.Background()
	st, _ := runLoadtest(t, []string{"--mode", "orders", "--clients", "4", "--entities", "2", "--entries", "300"},
		"orders stored:  300  duplicated: 0  missing: 0\n", "failures:       0\n", "orders/s", "POST /orders/batch: p50")
	var orders, distinct, resent int64
	db := st.Query(ctx).DB()
	if err := db.Raw(`SELECT count(*), count(DISTINCT external_id) FROM orders`).Row().Scan(&orders, &distinct); err != nil {
		t.Fatal(err)
	}
	if orders != 300 || distinct != 300 {
		t.Errorf("%d orders, %d external ids; want 300 and 300", orders, distinct)
	}
	if err := db.Raw(`SELECT count(*) FROM events WHERE type = 'order.received'`).Row().Scan(&resent); err != nil || resent != 300 {
		t.Errorf("%d order.received events (%v); want 300", resent, err)
	}
}

// TestLoadtestReconcilesBank runs the bank mode: weekly statements are
// imported in order per bank account (three clients over two entities, so
// two of them share a statement chain), the matcher matches every line the
// books hold, the fees are booked from their lines, and every bank account
// reconciles to zero.
func TestLoadtestReconcilesBank(t *testing.T) {
	ctx := context.Background()
	// 100 lines at 21 a statement (20 entries and a fee): 4 full
	// statements and one of 16 lines, so 5 fees and 95 lines the books hold.
	st, _ := runLoadtest(t, []string{"--mode", "bank", "--clients", "3", "--entities", "2", "--entries", "100"},
		"statements imported: 5  lines: 100  (entries posted before them: 95; bank fees booked from the line: 5)\n",
		"failures:       0\n", "statements/s", "lines/s", "entry from line: p50", "auto-matched:   95 of 100 lines (95.0 %) in 95 matches on import",
		"reconciliation: 2 of 2 bank accounts reconcile (difference 0.00, unexplained 0.00, nothing outstanding; 100 lines reconciled)")
	db := st.Query(ctx).DB()
	count := func(q string) int64 {
		t.Helper()
		var n int64
		if err := db.Raw(q).Row().Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	for q, want := range map[string]int64{
		`SELECT count(*) FROM bank_accounts`:                                           2,
		`SELECT count(*) FROM bank_statements`:                                         5,
		`SELECT count(*) FROM bank_statement_lines`:                                    100,
		`SELECT count(*) FROM bank_matches`:                                            100,
		`SELECT count(*) FROM bank_matches WHERE rule IN ('reference', 'amount_date')`: 95,
		`SELECT count(*) FROM bank_matches WHERE rule = 'entry'`:                       5,
		`SELECT count(*) FROM bank_match_statement_lines`:                              100,
		`SELECT count(*) FROM bank_match_ledger_lines`:                                 100,
	} {
		if got := count(q); got != want {
			t.Errorf("%s: %d, want %d", q, got, want)
		}
	}
	if n := count(`SELECT count(*) FROM bank_matches WHERE rule = 'reference'`); n < 40 {
		t.Errorf("%d matches by reference; about half of 95 carry one", n)
	}
	// Verify checks the statement chains and the matches' sums as well.
	r, err := st.Verify(ctx) // bankstore.New added the bank checks
	if err != nil {
		t.Fatal(err)
	}
	// 2 opening entries, 95 entries the statements pay, 5 fees.
	if len(r.Breaches) > 0 || r.Entries != 102 {
		t.Errorf("verify: %d entries, breaches %v", r.Entries, r.Breaches)
	}
}

// quietAPI is the API on st as serve composes it, logging nothing.
func quietAPI(st *sqlstore.Store) *api.Server {
	fake := vies.NewFake().Server() // never the real VIES
	cfg, _ := services(st, webhooks.AddressPolicy{}, vies.New(fake.URL))
	cfg.Logger = slog.New(slog.DiscardHandler)
	return api.New(cfg)
}

// runLoadtest serves the API, as serve composes it, on a fresh store and
// runs loadtest with args against it as an admin; the output must hold
// every want. It returns the store and the admin key's secret.
func runLoadtest(t *testing.T, args []string, want ...string) (*orderstore.Store, string) {
	t.Helper()
	ctx := context.Background()
	sq := sqltest.Open(t)
	st := orderstore.New(invstore.New(sq))
	srv := httptest.NewServer(apitest.Handler(t, quietAPI(sq)))
	t.Cleanup(srv.Close)
	_, secret, err := st.CreateKey(ctx, nil, &ledger.KeyInput{Name: "load", Role: ledger.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	err = run(ctx, append([]string{"loadtest", "--url", srv.URL, "--key", secret}, args...), func(string) string { return "" }, &stdout, &stderr)
	t.Logf("loadtest output:\n%s%s", stdout.String(), stderr.String())
	if err != nil {
		t.Fatalf("loadtest: %v", err)
	}
	for _, w := range want {
		if !strings.Contains(stdout.String(), w) {
			t.Errorf("output lacks %q", w)
		}
	}
	return st, secret
}
