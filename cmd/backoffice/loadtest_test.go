package main

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"backoffice/api"
	"backoffice/invoicing/invstore"
	"backoffice/invoicing/orders/orderstore"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore/sqltest"
)

// TestLoadtestPostsEveryEntry runs the load generator against an in-process
// server and checks that every entry arrived and the ledger's laws hold.
func TestLoadtestPostsEveryEntry(t *testing.T) {
	ctx := context.Background()
	st := sqltest.Open(t)
	srv := httptest.NewServer(api.New(api.Config{Store: orderstore.New(invstore.New(st)), Logger: slog.New(slog.DiscardHandler)}))
	defer srv.Close()
	_, secret, err := st.CreateKey(ctx, nil, &ledger.KeyInput{Name: "load", Role: ledger.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}

	var stdout, stderr bytes.Buffer
	err = run(ctx, []string{"loadtest", "--url", srv.URL, "--key", secret, "--clients", "4", "--entities", "2", "--entries", "200"},
		func(string) string { return "" }, &stdout, &stderr)
	t.Logf("loadtest output:\n%s%s", stdout.String(), stderr.String())
	if err != nil {
		t.Fatalf("loadtest: %v", err)
	}
	for _, want := range []string{"entries posted: 200\n", "failures:       0\n", "entries/s", "p99"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}

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
	srv := httptest.NewServer(api.New(api.Config{Store: orderstore.New(invstore.New(st)), Logger: slog.New(slog.DiscardHandler)}))
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
	st := orderstore.New(invstore.New(sqltest.Open(t)))
	srv := httptest.NewServer(api.New(api.Config{Store: st, Logger: slog.New(slog.DiscardHandler)}))
	defer srv.Close()
	_, secret, err := st.CreateKey(ctx, nil, &ledger.KeyInput{Name: "load", Role: ledger.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	err = run(ctx, []string{"loadtest", "--mode", "invoices", "--url", srv.URL, "--key", secret, "--clients", "4", "--entities", "2", "--entries", "60"},
		func(string) string { return "" }, &stdout, &stderr)
	t.Logf("loadtest output:\n%s%s", stdout.String(), stderr.String())
	if err != nil {
		t.Fatalf("loadtest: %v", err)
	}
	for _, want := range []string{"invoices issued: 60\n", "failures:       0\n", "invoices/s", "p99"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	r, err := st.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Breaches) > 0 || r.Documents != 60 || r.Entries != 60 {
		t.Errorf("verify: %d documents, %d entries, breaches %v", r.Documents, r.Entries, r.Breaches)
	}
	if err := run(ctx, []string{"loadtest", "--mode", "refunds", "--key", secret}, func(string) string { return "" }, &stdout, &stderr); err == nil {
		t.Error("an unknown mode was accepted")
	}
}

// TestLoadtestPushesOrders runs the order mode: integration keys push
// orders and resend them, alone and in batches; every order is stored once.
func TestLoadtestPushesOrders(t *testing.T) {
	ctx := context.Background()
	st := orderstore.New(invstore.New(sqltest.Open(t)))
	srv := httptest.NewServer(api.New(api.Config{Store: st, Logger: slog.New(slog.DiscardHandler)}))
	defer srv.Close()
	_, secret, err := st.CreateKey(ctx, nil, &ledger.KeyInput{Name: "load", Role: ledger.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	err = run(ctx, []string{"loadtest", "--mode", "orders", "--url", srv.URL, "--key", secret, "--clients", "4", "--entities", "2", "--entries", "300"},
		func(string) string { return "" }, &stdout, &stderr)
	t.Logf("loadtest output:\n%s%s", stdout.String(), stderr.String())
	if err != nil {
		t.Fatalf("loadtest: %v", err)
	}
	for _, want := range []string{"orders stored:  300  duplicated: 0  missing: 0\n", "failures:       0\n", "orders/s", "POST /orders/batch: p50"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	var orders, distinct, resent int64
	db := st.Conn(ctx)
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
