package dispatch_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"backoffice/invoicing/webhooks"
	"backoffice/invoicing/webhooks/dispatch"
	"backoffice/invoicing/webhooks/hookstore"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
	"backoffice/ledger/sqlstore/sqltest"
)

func TestMain(m *testing.M) { os.Exit(sqltest.Main(m)) }

var loopback = webhooks.AddressPolicy{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}

// receiver is an entity's system behind one webhook endpoint, as a careful
// receiver is written: it verifies the signature over the raw body, keeps
// each event once by id (repeats are expected: delivery is at least once)
// and orders what it kept by sequence. It is also unreliable on purpose:
// half of the deliveries fail at random, in all the ways a receiver fails.
type receiver struct {
	t      *testing.T
	secret string
	mu     sync.Mutex
	rnd    *rand.Rand
	kept   map[int64][]byte // event id -> body, the first time it was processed
	seqs   map[int64]bool   // sequences kept
	posts  int              // requests received
	repeat int              // repeats dropped by event id
	failed map[string]int   // failures made, by kind
	bad    []string         // broken promises: bad signatures, changed bodies, wrong headers
}

func newReceiver(t *testing.T, seed uint64) *receiver {
	return &receiver{t: t, rnd: rand.New(rand.NewPCG(seed, 1)), kept: map[int64][]byte{}, seqs: map[int64]bool{}, failed: map[string]int{}}
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.posts++
	if err := webhooks.Verify(rc.secret, r.Header.Get(webhooks.SignatureHeader), body, 0, time.Now()); err != nil {
		rc.bad = append(rc.bad, fmt.Sprintf("signature: %v", err))
		http.Error(w, "bad signature", http.StatusBadRequest)
		return
	}
	var ev webhooks.Event
	if err := json.Unmarshal(body, &ev); err != nil {
		rc.bad = append(rc.bad, fmt.Sprintf("body %s: %v", body, err))
		return
	}
	if r.Header.Get(dispatch.HeaderEventID) != strconv.FormatInt(ev.ID, 10) || r.Header.Get(dispatch.HeaderEventType) != ev.Type ||
		r.Header.Get(dispatch.HeaderEventSequence) != strconv.FormatInt(ev.Sequence, 10) || r.Header.Get(dispatch.HeaderDeliveryID) == "" {
		rc.bad = append(rc.bad, fmt.Sprintf("headers %v for %s", r.Header, body))
	}
	// Half of the deliveries fail. "accepted" fails after the event was
	// processed (a crash before answering), so a repeat must follow.
	roll := rc.rnd.IntN(100)
	switch {
	case roll < 20:
		rc.failed["500"]++
		http.Error(w, "temporarily broken", http.StatusInternalServerError)
		return
	case roll < 30:
		rc.failed["reset"]++
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			conn.Close()
		}
		return
	case roll < 35:
		rc.failed["redirect"]++
		http.Redirect(w, r, "/elsewhere", http.StatusTemporaryRedirect)
		return
	case roll < 40:
		rc.failed["429"]++
		w.WriteHeader(http.StatusTooManyRequests)
		return
	}
	if first, ok := rc.kept[ev.ID]; ok {
		rc.repeat++
		if string(first) != string(body) {
			rc.bad = append(rc.bad, fmt.Sprintf("event %d came with another body:\n%s\n%s", ev.ID, first, body))
		}
	} else {
		rc.kept[ev.ID] = body
		rc.seqs[ev.Sequence] = true
	}
	if roll < 50 {
		rc.failed["accepted"]++
		http.Error(w, "processed, but the answer failed", http.StatusBadGateway)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// hook is one registered endpoint with its receiver.
type hook struct {
	ent    *ledger.Entity
	ep     *webhooks.Endpoint
	events []string
	rc     *receiver
}

// open opens the test database anew, as a restarted server does.
func open(t *testing.T, cfg sqlstore.Config) *hookstore.Store {
	t.Helper()
	st, err := sqlstore.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return hookstore.New(st, loopback)
}

// The promise of issue 4: with a receiver that fails half of the
// deliveries at random, every event still reaches every endpoint that
// subscribes to it, with a valid signature, an id to drop repeats by and a
// sequence with no gap per entity; and stopping the worker in the middle,
// or losing it with deliveries in hand, loses nothing.
func TestEveryEventArrives(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := sqltest.Config(t)
	st := open(t, cfg)
	var hooks []*hook
	var ents []*ledger.Entity
	var principals []*ledger.Principal
	for e := range 3 {
		ent, p := sqltest.Entity(t, st, fmt.Sprintf("Entity %d BV", e))
		ents, principals = append(ents, ent), append(principals, p)
		for i, events := range [][]string{{"*"}, {webhooks.OrderReceived, webhooks.OrderStatusChanged}, {webhooks.InvoicePaid, webhooks.PaymentReceived}} {
			rc := newReceiver(t, uint64(e*10+i))
			srv := httptest.NewServer(rc)
			t.Cleanup(srv.Close)
			url := srv.URL + "/hooks/" + strconv.Itoa(e)
			ep, err := st.CreateEndpoint(ctx, p, ent, &webhooks.EndpointInput{URL: &url, Events: &events})
			if err != nil {
				t.Fatal(err)
			}
			rc.secret = ep.Secret
			hooks = append(hooks, &hook{ent: ent, ep: ep, events: events, rc: rc})
		}
	}

	// 200 events over the three entities, emitted concurrently as requests
	// would, the first half while a worker runs.
	const total = 200
	emitted := make([]map[int64]string, len(ents)) // per entity: sequence -> type
	for i := range emitted {
		emitted[i] = map[int64]string{}
	}
	emit := func(st *hookstore.Store, from, to int) {
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Go(func() {
				for i := from + w; i < to; i += 4 {
					e := i % len(ents)
					typ := webhooks.EventTypes[(i/len(ents))%len(webhooks.EventTypes)]
					err := st.Write(ctx, func(tx *sqlstore.Tx) error {
						return tx.Emit(ents[e].ID, &principals[e].KeyID, typ, map[string]any{"n": i, "text": "Łódź & <Ærø>"})
					})
					if err != nil {
						t.Error(err)
					}
				}
			})
		}
		wg.Wait()
	}
	logs := &logCounter{}
	newDispatcher := func(st *hookstore.Store) *dispatch.Dispatcher {
		// Tiny backoff so that the test takes a moment; attempts enough
		// that a delivery failing at random every time is out of reach
		// (one in 2^40).
		// A lease of 3 s (the least a 2 s timeout allows) bounds how long
		// any claimed-but-unsent delivery can wait.
		return &dispatch.Dispatcher{Store: st, Policy: loopback, Interval: 5 * time.Millisecond, Timeout: 2 * time.Second, Lease: 3 * time.Second,
			Base: time.Millisecond, Max: 20 * time.Millisecond, MaxAttempts: 40, Concurrency: 8, Logger: slog.New(logs)}
	}

	// Worker 1 runs while the first half is emitted, and is stopped (as on
	// SIGTERM) while deliveries are still under way.
	ctx1, stop1 := context.WithCancel(ctx)
	done1 := make(chan error, 1)
	go func() { done1 <- newDispatcher(st).Run(ctx1) }()
	emit(st, 0, total/2)
	waitFor(t, "a third of the deliveries", func() bool { return kept(hooks) >= expected(hooks, st, ents)/3 })
	stop1()
	select {
	case err := <-done1:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the first worker did not stop")
	}

	// More events while no worker runs; then a worker dies with
	// deliveries claimed (never sent, never completed), and the process
	// goes away.
	emit(st, total/2, total)
	lost, err := st.Claim(ctx, time.Now(), 300*time.Millisecond, 25)
	if err != nil {
		t.Fatal(err)
	}
	if len(lost) == 0 {
		t.Fatal("nothing left to claim: the restart tests nothing")
	}
	st.Close()

	// The restarted server: a new store on the same database, a new worker.
	st2 := open(t, cfg)
	defer st2.Close()
	ctx2, stop2 := context.WithCancel(ctx)
	done2 := make(chan error, 1)
	go func() { done2 <- newDispatcher(st2).Run(ctx2) }()
	waitFor(t, "every delivery delivered", func() bool { return undelivered(t, st2) == 0 })
	stop2()
	if err := <-done2; err != nil {
		t.Fatal(err)
	}

	// What each receiver kept, deduplicated by event id and ordered by
	// sequence, is exactly the events of its entity it subscribed to.
	posts, repeats := 0, 0
	failures := map[string]int{}
	for _, h := range hooks {
		rc := h.rc
		rc.mu.Lock()
		for _, b := range rc.bad {
			t.Errorf("endpoint %s: %s", h.ep.URL, b)
		}
		evs, err := st2.Events(ctx, h.ent.ID, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		var want, got []int64
		for _, ev := range evs {
			if webhooks.Subscribes(h.events, ev.Type) {
				want = append(want, ev.Sequence)
				if b, ok := rc.kept[ev.ID]; !ok {
					t.Errorf("endpoint %s (%v) never got event %d (%s #%d)", h.ep.URL, h.events, ev.ID, ev.Type, ev.Sequence)
				} else {
					var got webhooks.Event
					_ = json.Unmarshal(b, &got)
					if got.Sequence != ev.Sequence || got.Type != ev.Type || got.EntityID != h.ent.ID || string(got.Data) != string(ev.Data) {
						t.Errorf("event %d arrived as %s", ev.ID, b)
					}
				}
			}
		}
		for s := range rc.seqs {
			got = append(got, s)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("endpoint %s (%v): sequences %v, want %v", h.ep.URL, h.events, got, want)
		}
		if len(rc.kept) != len(want) {
			t.Errorf("endpoint %s kept %d events, want %d (one of another entity or type?)", h.ep.URL, len(rc.kept), len(want))
		}
		if slices.Equal(h.events, []string{"*"}) {
			// Everything of the entity: the sequences are 1..n, no gap.
			for i, s := range got {
				if s != int64(i+1) {
					t.Fatalf("endpoint %s: sequence %d at position %d", h.ep.URL, s, i+1)
				}
			}
		}
		posts += rc.posts
		repeats += rc.repeat
		for k, v := range rc.failed {
			failures[k] += v
		}
		rc.mu.Unlock()
	}
	var all int
	for _, e := range ents {
		evs, _ := st2.Events(ctx, e.ID, 0, 1000)
		all += len(evs)
	}
	if all != total {
		t.Errorf("%d events stored, want %d", all, total)
	}
	// The test tested something: failures of every kind happened, and
	// repeats came and were dropped.
	for _, k := range []string{"500", "reset", "redirect", "429", "accepted"} {
		if failures[k] == 0 {
			t.Errorf("no %q failure happened", k)
		}
	}
	if repeats == 0 {
		t.Error("no repeat reached a receiver; the dedupe went untested")
	}
	if logs.count("webhook attempt failed") == 0 {
		t.Error("failed attempts were not logged")
	}
	if n := logs.count("trouble"); n != 0 {
		t.Errorf("%d log records of lost results, failed claims or deliveries given up", n)
	}

	// The database's account agrees: every delivery delivered, its log
	// one row per attempt, the last one the success; the crashed worker's
	// deliveries among them.
	var broken int64
	err = st2.Query(ctx).DB().Raw(`SELECT count(*) FROM webhook_deliveries d WHERE d.attempts <> (SELECT count(*) FROM webhook_attempts a
		WHERE a.entity_id = d.entity_id AND a.delivery_id = d.id) OR d.delivered_at IS NULL
		OR NOT EXISTS (SELECT 1 FROM webhook_attempts a WHERE a.entity_id = d.entity_id AND a.delivery_id = d.id
			AND a.attempt = d.attempts AND a.status_code >= 200 AND a.status_code < 300)`).Scan(&broken).Error
	if err != nil {
		t.Fatal(err)
	}
	if broken != 0 {
		t.Errorf("%d deliveries whose log disagrees with their status", broken)
	}
	for _, j := range lost {
		d, err := st2.Delivery(ctx, j.EntityID, j.EndpointID, j.DeliveryID)
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != webhooks.StatusDelivered {
			t.Errorf("delivery %d claimed by the dead worker: %s", d.ID, d.Status)
		}
	}
	t.Logf("%d events, %d requests, %d repeats dropped, failures %v, %d deliveries held by the dead worker", total, posts, repeats, failures, len(lost))
}

// expected is the number of (endpoint, event) pairs to deliver so far.
func expected(hooks []*hook, st *hookstore.Store, ents []*ledger.Entity) int {
	n := 0
	for _, h := range hooks {
		evs, _ := st.Events(context.Background(), h.ent.ID, 0, 1000)
		for _, ev := range evs {
			if webhooks.Subscribes(h.events, ev.Type) {
				n++
			}
		}
	}
	return n
}

// kept is the number of events the receivers kept.
func kept(hooks []*hook) int {
	n := 0
	for _, h := range hooks {
		h.rc.mu.Lock()
		n += len(h.rc.kept)
		h.rc.mu.Unlock()
	}
	return n
}

func undelivered(t *testing.T, st *hookstore.Store) int64 {
	var n int64
	if err := st.Query(context.Background()).DB().Raw(`SELECT count(*) FROM webhook_deliveries WHERE status <> 'delivered'`).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// waitFor polls cond; the deadline only stops a broken test from hanging.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// logCounter counts log records by message.
type logCounter struct {
	mu sync.Mutex
	n  map[string]int
}

func (l *logCounter) Enabled(context.Context, slog.Level) bool { return true }
func (l *logCounter) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.n == nil {
		l.n = map[string]int{}
	}
	l.n[r.Message]++
	if strings.Contains(r.Message, "not recorded") || strings.Contains(r.Message, "claim failed") || strings.Contains(r.Message, "for good") {
		l.n["trouble"]++
	}
	return nil
}
func (l *logCounter) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logCounter) WithGroup(string) slog.Handler      { return l }

func (l *logCounter) count(msg string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n[msg]
}

// deadReceiver accepts connections and never answers: the worst receiver
// there is, since every request to it holds a worker slot for the whole
// timeout. It counts the connections it holds open at once.
type deadReceiver struct {
	ln       net.Listener
	mu       sync.Mutex
	conns    []net.Conn
	open     int
	maxOpen  int
	accepted int
}

func newDeadReceiver(t *testing.T) *deadReceiver {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d := &deadReceiver{ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			d.mu.Lock()
			d.conns = append(d.conns, c)
			d.accepted++
			d.open++
			d.maxOpen = max(d.maxOpen, d.open)
			d.mu.Unlock()
			go func() {
				// Read the request and whatever follows, answer nothing;
				// the connection ends when the client gives up.
				_, _ = io.Copy(io.Discard, c)
				d.mu.Lock()
				d.open--
				d.mu.Unlock()
			}()
		}
	}()
	t.Cleanup(d.Close)
	return d
}

// Close stops accepting and drops every connection held.
func (d *deadReceiver) Close() {
	d.ln.Close()
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, c := range d.conns {
		c.Close()
	}
}

func (d *deadReceiver) stats() (accepted, open, maxOpen int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.accepted, d.open, d.maxOpen
}

// Issue 12: one entity's dead receiver must not delay another entity's
// deliveries. Entity A has 40 deliveries pending to an endpoint that
// accepts connections and never answers; entity B has one to a healthy
// endpoint. With the dispatcher's default settings (8 slots, a 10 s
// timeout), B's delivery arrives within 2 s, because A's endpoint holds at
// most MaxInFlightPerEndpoint slots. (Before the limit, A's deliveries took
// all 8 slots and B's waited out the timeout: 49 s in the report.)
func TestDeadReceiverDoesNotDelayOthers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := open(t, sqltest.Config(t))
	defer st.Close()
	entA, pA := sqltest.Entity(t, st, "Dead Receiver BV")
	entB, pB := sqltest.Entity(t, st, "Healthy Receiver BV")

	dead := newDeadReceiver(t)
	deadURL := "http://" + dead.ln.Addr().String() + "/hooks"
	if _, err := st.CreateEndpoint(ctx, pA, entA, &webhooks.EndpointInput{URL: &deadURL, Events: &[]string{"*"}}); err != nil {
		t.Fatal(err)
	}
	arrived := make(chan time.Time, 10)
	healthy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		arrived <- time.Now()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer healthy.Close()
	healthyURL := healthy.URL + "/hooks"
	if _, err := st.CreateEndpoint(ctx, pB, entB, &webhooks.EndpointInput{URL: &healthyURL, Events: &[]string{"*"}}); err != nil {
		t.Fatal(err)
	}
	for i := range 40 {
		err := st.Write(ctx, func(tx *sqlstore.Tx) error {
			return tx.Emit(entA.ID, &pA.KeyID, webhooks.OrderReceived, map[string]any{"n": i})
		})
		if err != nil {
			t.Fatal(err)
		}
	}

	// The default settings: only the address policy lets the test's
	// receivers on 127.0.0.1 be called.
	d := &dispatch.Dispatcher{Store: st, Policy: loopback, Logger: slog.New(slog.DiscardHandler)}
	if d.Concurrency != 0 || d.Timeout != 0 {
		t.Fatal("the test must run with the default slots and timeout")
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- d.Run(runCtx) }()
	defer func() {
		stop()
		dead.Close() // the hanging requests fail now, not after 10 s
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	// The dead receiver holds what the worker gave it.
	waitFor(t, "the dead receiver's connections", func() bool { n, _, _ := dead.stats(); return n > 0 })
	time.Sleep(300 * time.Millisecond) // a poll more: a worker without the limit would give it every slot by now

	start := time.Now()
	err := st.Write(ctx, func(tx *sqlstore.Tx) error {
		return tx.Emit(entB.ID, &pB.KeyID, webhooks.InvoiceIssued, map[string]any{"invoice": "INV-2026-0001"})
	})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case at := <-arrived:
		latency := at.Sub(start)
		t.Logf("%s: the healthy endpoint's delivery arrived after %v", sqltest.Dialect(), latency.Round(time.Millisecond))
		if latency > 2*time.Second {
			t.Errorf("the healthy endpoint's delivery took %v, want at most 2 s", latency)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the healthy endpoint's delivery did not arrive within 15 s")
	}
	accepted, _, maxOpen := dead.stats()
	if maxOpen > webhooks.MaxInFlightPerEndpoint {
		t.Errorf("the dead receiver held %d requests at once, want at most %d", maxOpen, webhooks.MaxInFlightPerEndpoint)
	}
	var leased int64
	if err := st.Query(ctx).DB().Raw(`SELECT count(*) FROM webhook_deliveries WHERE entity_id = ? AND leased_until > ?`, entA.ID, time.Now().UTC()).Scan(&leased).Error; err != nil {
		t.Fatal(err)
	}
	if leased > webhooks.MaxInFlightPerEndpoint {
		t.Errorf("%d of A's deliveries leased at once", leased)
	}
	t.Logf("the dead receiver got %d connections, at most %d at once; %d of A's deliveries leased", accepted, maxOpen, leased)
}
