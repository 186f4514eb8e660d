package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"strings"
	"sync"
	"time"

	"backoffice/api"
	"backoffice/invoicing"
	"backoffice/invoicing/invstore"
	"backoffice/invoicing/orders/orderstore"
	"backoffice/invoicing/purchases/purchstore"
	"backoffice/invoicing/revaluation/revalstore"
	"backoffice/invoicing/vatreturn/vatstore"
	"backoffice/invoicing/vies"
	"backoffice/invoicing/webhooks"
	"backoffice/invoicing/webhooks/dispatch"
	"backoffice/invoicing/webhooks/hookstore"
	"backoffice/ledger/bank/bankstore"
	"backoffice/ledger/sqlstore"
)

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	f := newFlags("serve", getenv, stderr)
	db := f.db()
	addr := f.string("addr", "BACKOFFICE_ADDR", "127.0.0.1:8080", "address to listen on")
	maxBody := f.int("max-body-bytes", "BACKOFFICE_MAX_BODY_BYTES", 1<<20, "largest request body accepted")
	level := f.string("log-level", "BACKOFFICE_LOG_LEVEL", "info", "log level: debug, info, warn or error")
	shutdown := f.int("shutdown-seconds", "BACKOFFICE_SHUTDOWN_SECONDS", 15, "how long in-flight requests may finish after SIGTERM")
	pprofAddr := f.string("pprof-addr", "BACKOFFICE_PPROF_ADDR", "", "if set, serve Go's /debug/pprof profiles on this address (keep it on localhost)")
	webhookAllow := f.string("webhook-allow", "BACKOFFICE_WEBHOOK_ALLOW", "", "non-public addresses webhooks may call: prefixes and addresses (10.0.0.0/8, fd00::/8, 192.168.1.5) or the words loopback and private, comma-separated; empty: public addresses only")
	viesURL := f.string("vies-url", "BACKOFFICE_VIES_URL", vies.DefaultURL, "the EU VIES REST API that checks a customer's VAT number before a 0 % intra-EU supply")
	trusted := f.string("trusted-proxies", "BACKOFFICE_TRUSTED_PROXIES", "", "reverse proxies whose X-Forwarded-For names the client: addresses and prefixes, comma-separated; empty: the client is the connection's address")
	if err := f.Parse(args); err != nil {
		return err
	}
	proxies, err := api.ParseTrustedProxies(*trusted)
	if err != nil {
		return fmt.Errorf("--trusted-proxies: %w", err)
	}
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(*level)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	log := slog.New(slog.NewJSONHandler(stdout, &slog.HandlerOptions{Level: lvl}))
	hookPolicy, err := webhooks.ParseAllow(*webhookAllow)
	if err != nil {
		return fmt.Errorf("--webhook-allow: %w", err)
	}

	st, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.CheckSchema(ctx); err != nil {
		return err
	}
	version, err := st.Migrate(ctx)
	if err != nil {
		return err
	}

	cfg, hooks := services(st, hookPolicy, vies.New(*viesURL))
	cfg.Logger, cfg.MaxBodyBytes, cfg.Probe, cfg.TrustedProxies = log, int64(*maxBody), st.Probe, proxies
	cfg.Version = readBuild().String()
	handler := api.New(cfg)
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	// The profiles' listener is bound before the API's: they answer once
	// the start-up log says so, and an address that cannot be had stops
	// the start before anything runs.
	var pln net.Listener
	if *pprofAddr != "" {
		if pln, err = net.Listen("tcp", *pprofAddr); err != nil {
			return fmt.Errorf("pprof listener: %w", err)
		}
		defer pln.Close()
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	where := "sqlite " + *db.sqlitePath
	if *db.url != "" {
		where = "postgres " + redactURL(*db.url)
	}
	b := readBuild()
	log.Info("listening", "addr", ln.Addr().String(), "database", where, "schema_version", version,
		"version", b.Version, "revision", b.Revision, "commit_time", b.Time, "modified", b.Modified)

	go handler.WatchDatabase(ctx)
	go purgeIdempotencyKeys(ctx, st, log)
	go optimizeHourly(ctx, st, log)

	// The webhook worker delivers what committed transactions queued. It
	// stops with the server; what it had not claimed stays queued, and what
	// it had claimed comes back after the lease, so a restart loses nothing.
	hooksCtx, stopHooks := context.WithCancel(ctx)
	hooksDone := make(chan struct{})
	go func() {
		defer close(hooksDone)
		d := &dispatch.Dispatcher{Store: hooks, Policy: hookPolicy, Logger: log.With("component", "webhooks")}
		_ = d.Run(hooksCtx)
	}()
	stopWebhooks := sync.OnceFunc(func() { stopHooks(); <-hooksDone })
	defer stopWebhooks() // also on the error paths, before the database closes
	log.Info("webhook worker", "addresses", hookPolicy.String())
	if pln != nil {
		// A separate listener, so profiles are never reachable through the
		// API's address.
		mux := http.NewServeMux()
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
		psrv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
		go func() {
			if err := psrv.Serve(pln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Warn("pprof listener", "error", err.Error())
			}
		}()
		defer psrv.Close()
		log.Info("profiling", "addr", *pprofAddr)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down", "grace_seconds", *shutdown)
	sctx, cancel := context.WithTimeout(context.Background(), time.Duration(*shutdown)*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	// The worker stopped claiming when ctx ended; its requests in flight
	// (at most its timeout) finish and are recorded.
	stopWebhooks()
	log.Info("stopped")
	return nil
}

// optimizeHourly keeps the embedded database's planner statistics current
// (see sqlstore.Optimize): at start and every hour.
func optimizeHourly(ctx context.Context, st interface{ Optimize(context.Context) error }, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if err := st.Optimize(ctx); err != nil && ctx.Err() == nil {
			log.Warn("optimizing the database", "error", err.Error())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// purgeIdempotencyKeys forgets stored answers after 24 hours, as Stripe does.
func purgeIdempotencyKeys(ctx context.Context, st interface {
	IdemPurge(context.Context, time.Duration) (int64, error)
}, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := st.IdemPurge(ctx, 24*time.Hour); err != nil && ctx.Err() == nil {
			log.Warn("purging idempotency keys", "error", err.Error())
		} else if n > 0 {
			log.Info("purged idempotency keys", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// redactURL hides a password in a database URL before it is logged.
func redactURL(s string) string {
	if i := strings.Index(s, "://"); i >= 0 {
		if j := strings.Index(s[i+3:], "@"); j >= 0 {
			userinfo := s[i+3 : i+3+j]
			if u, _, ok := strings.Cut(userinfo, ":"); ok {
				return s[:i+3] + u + ":***" + s[i+3+j:]
			}
		}
	}
	return s
}

// services composes the stores the API serves, in plain sight: one ledger
// store, with invoicing, orders, bank reconciliation and webhooks each
// beside it, and how all of them are bound to one unit of work.
func services(st *sqlstore.Store, hookPolicy webhooks.AddressPolicy, viesChecker invoicing.VIESChecker) (api.Config, *hookstore.Store) {
	hooks := hookstore.New(st, hookPolicy)
	inv := invstore.New(st)
	inv.SetVIES(viesChecker)
	buys := purchstore.New(st)
	banks := bankstore.New(st, inv.Receivables()).WithPayables(buys.Payables())
	sales := orderstore.New(inv)
	revals := revalstore.New(st, inv, buys)
	vat := vatstore.New(st, inv, buys)
	return api.Config{Store: sales, Hooks: hooks, Bank: banks, Purchases: buys, Revaluations: revals, VATReturns: vat, Bind: func(tx *sqlstore.Tx) api.Services {
		return api.Services{Store: sales.In(tx), Hooks: hooks.In(tx), Bank: banks.In(tx), Purchases: buys.In(tx), Revaluations: revals.In(tx), VATReturns: vat.In(tx)}
	}}, hooks
}
