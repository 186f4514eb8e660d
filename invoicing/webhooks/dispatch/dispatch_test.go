package dispatch

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"backoffice/invoicing/webhooks"
)

var quiet = slog.New(slog.DiscardHandler)

var loopback = webhooks.AddressPolicy{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}}

func job(id int64, url string) *webhooks.Job {
	return &webhooks.Job{EntityID: 1, DeliveryID: id, EndpointID: 2, EventID: 100 + id, EventType: webhooks.OrderReceived,
		Sequence: id, Attempt: 1, Round: 1, Claim: 1, URL: url, Secret: "whsec_unit_test_secret_123",
		Body: []byte(`{"id":` + itoa(100+id) + `,"sequence":` + itoa(id) + `,"type":"order.received","entity_id":1,"created_at":"2026-01-01T00:00:00Z","data":{}}`)}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// deliverOne runs a dispatcher until the job has a result.
func deliverOne(t *testing.T, d *Dispatcher, j *webhooks.Job) *webhooks.Result {
	t.Helper()
	q := &oneQueue{job: j, got: make(chan *webhooks.Result, 1)}
	d.Store, d.Logger, d.Interval = q, quiet, time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { _ = d.Run(ctx); close(stopped) }()
	defer func() { cancel(); <-stopped }()
	select {
	case r := <-q.got:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("no result")
		return nil
	}
}

// oneQueue hands out one job.
type oneQueue struct {
	mu   sync.Mutex
	job  *webhooks.Job
	got  chan *webhooks.Result
	seen bool
}

func (q *oneQueue) Claim(context.Context, time.Time, time.Duration, int) ([]*webhooks.Job, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.seen {
		return nil, nil
	}
	q.seen = true
	return []*webhooks.Job{q.job}, nil
}

func (q *oneQueue) Complete(_ context.Context, _ *webhooks.Job, r *webhooks.Result) error {
	q.got <- r
	return nil
}

// A delivery is a signed POST with the event's headers; a 2xx is delivered.
func TestSend(t *testing.T) {
	t.Parallel()
	type request struct {
		r    *http.Request
		body []byte
	}
	reqs := make(chan request, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reqs <- request{r, must(io.ReadAll(r.Body))}
		w.WriteHeader(202)
		_, _ = io.WriteString(w, strings.Repeat("x", 5000))
	}))
	defer srv.Close()
	j := &webhooks.Job{EntityID: 1, DeliveryID: 7, EndpointID: 2, EventID: 42, EventType: webhooks.InvoicePaid, Sequence: 9,
		Attempt: 1, Round: 1, Claim: 1, URL: srv.URL + "/hook?x=1", Secret: "whsec_unit_test_secret_123", Body: []byte(`{"id":42}`)}
	r := deliverOne(t, &Dispatcher{Policy: loopback}, j)
	if !r.Delivered || r.StatusCode != 202 || r.Error != "" || !r.RetryAt.IsZero() || len(r.Response) != webhooks.MaxResponseBytes {
		t.Fatalf("result %+v", r)
	}
	req := <-reqs
	got, body := req.r, req.body
	if got.Method != "POST" || got.URL.RequestURI() != "/hook?x=1" || string(body) != `{"id":42}` {
		t.Fatalf("request %s %s %s", got.Method, got.URL, body)
	}
	for k, v := range map[string]string{"Content-Type": "application/json", "User-Agent": UserAgent, HeaderEventID: "42",
		HeaderEventType: "invoice.paid", HeaderEventSequence: "9", HeaderDeliveryID: "7"} {
		if got.Header.Get(k) != v {
			t.Errorf("header %s = %q, want %q", k, got.Header.Get(k), v)
		}
	}
	if err := webhooks.Verify(j.Secret, got.Header.Get(webhooks.SignatureHeader), body, 0, time.Now()); err != nil {
		t.Errorf("signature: %v", err)
	}
}

// Anything but a 2xx is retried after the backoff, until the attempts of
// the round are spent; redirects are not followed.
func TestFailures(t *testing.T) {
	t.Parallel()
	var followed atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/moved":
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
		case "/elsewhere":
			followed.Store(true)
		case "/reset":
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		case "/slow":
			time.Sleep(500 * time.Millisecond)
		default:
			http.Error(w, "database down\x00\xff", 500)
		}
	}))
	defer srv.Close()
	for _, c := range []struct {
		path, round string
		code        int
		errPart     string
		final       bool
	}{
		{"/err", "1", 500, "HTTP 500", false},
		{"/err", "5", 500, "HTTP 500", true}, // the last attempt of the round
		{"/moved", "1", 302, "redirects are not followed", false},
		{"/reset", "1", 0, "EOF", false},
		{"/slow", "1", 0, "no answer within 200ms", false},
	} {
		t.Run(c.path+" round "+c.round, func(t *testing.T) {
			j := job(1, srv.URL+c.path)
			if c.round == "5" {
				j.Attempt, j.Round = 9, 5
			}
			start := time.Now()
			r := deliverOne(t, &Dispatcher{Policy: loopback, Base: time.Minute, Max: time.Hour, MaxAttempts: 5, Timeout: 200 * time.Millisecond}, j)
			if r.Delivered || r.StatusCode != c.code || !strings.Contains(r.Error, c.errPart) {
				t.Fatalf("result %+v", r)
			}
			if c.final != r.RetryAt.IsZero() {
				t.Fatalf("final %v, RetryAt %v", c.final, r.RetryAt)
			}
			if !c.final {
				// Backoff(round 1, 1 min) is 48 to 60 s after the attempt.
				wait := r.RetryAt.Sub(r.At.Add(r.Duration))
				if wait < 48*time.Second || wait > time.Minute || r.At.Before(start.Add(-time.Second)) {
					t.Errorf("retry after %v", wait)
				}
			}
		})
	}
	if followed.Load() {
		t.Error("a redirect was followed")
	}
}

// The worker connects only where the policy allows, whatever the URL says
// and whatever a name resolves to.
func TestDialPolicy(t *testing.T) {
	t.Parallel()
	var hit atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hit.Store(true) }))
	defer srv.Close()
	port := srv.URL[strings.LastIndex(srv.URL, ":"):]
	for _, url := range []string{srv.URL + "/", "http://localhost" + port + "/", "http://[::ffff:127.0.0.1]" + port + "/"} {
		r := deliverOne(t, &Dispatcher{Policy: webhooks.AddressPolicy{}}, job(1, url))
		if r.Delivered || r.StatusCode != 0 || !strings.Contains(r.Error, "address not allowed") {
			t.Errorf("%s: %+v", url, r)
		}
	}
	// A client given by the caller does not follow redirects either.
	srv2 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/a" {
			http.Redirect(w, r, "/b", http.StatusTemporaryRedirect)
		}
	}))
	defer srv2.Close()
	r := deliverOne(t, &Dispatcher{Client: &http.Client{}}, job(1, srv2.URL+"/a"))
	if r.Delivered || r.StatusCode != 307 {
		t.Errorf("given client: %+v", r)
	}
	if hit.Load() {
		t.Error("a refused address was reached")
	}
}

// Cancelling Run stops claiming, lets the request in flight finish and be
// recorded, and returns.
func TestRunStopsGracefully(t *testing.T) {
	t.Parallel()
	arrived, release := make(chan struct{}), make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-release
	}))
	defer srv.Close()
	q := &countingQueue{jobs: []*webhooks.Job{job(1, srv.URL), job(2, srv.URL)}}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	d := &Dispatcher{Store: q, Policy: loopback, Concurrency: 1, Interval: time.Millisecond, Logger: quiet}
	go func() { _ = d.Run(ctx); close(stopped) }()
	<-arrived
	cancel()
	select {
	case <-stopped:
		t.Fatal("Run returned with a request in flight")
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	select {
	case <-stopped:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.completed) != 1 || !q.completed[0].Delivered {
		t.Errorf("completed %+v", q.completed)
	}
	if q.claimed != 1 {
		t.Errorf("claimed %d jobs; the second must stay queued after cancel", q.claimed)
	}
}

// countingQueue hands out one job per claim.
type countingQueue struct {
	mu        sync.Mutex
	jobs      []*webhooks.Job
	claimed   int
	completed []*webhooks.Result
}

func (q *countingQueue) Claim(ctx context.Context, _ time.Time, _ time.Duration, limit int) ([]*webhooks.Job, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.jobs) == 0 || ctx.Err() != nil {
		return nil, ctx.Err()
	}
	q.claimed++
	j := q.jobs[0]
	q.jobs = q.jobs[1:]
	return []*webhooks.Job{j}, nil
}

func (q *countingQueue) Complete(_ context.Context, _ *webhooks.Job, r *webhooks.Result) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.completed = append(q.completed, r)
	return nil
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// After a failure that says the receiver is unwell, the worker asks for
// the endpoint's backoff, counted from the endpoint's failures in a row
// (EndpointBackoff, the retry schedule from the third failure on, capped
// by EndpointMax); other failures ask for none.
func TestEndpointBackoffAfterFailure(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/moved" {
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
			return
		}
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	for _, c := range []struct {
		path     string
		failures int // the endpoint's failures in a row before this attempt
		min, max time.Duration
	}{
		{"/down", 0, 0, 0},
		{"/down", webhooks.EndpointFailuresBeforeBackoff - 2, 0, 0},
		{"/down", webhooks.EndpointFailuresBeforeBackoff - 1, 48 * time.Second, time.Minute}, // this is the 3rd: Base
		{"/down", webhooks.EndpointFailuresBeforeBackoff, 96 * time.Second, 2 * time.Minute},
		{"/down", 40, 4 * time.Minute, 5 * time.Minute}, // capped by EndpointMax
		{"/moved", 40, 0, 0}, // a redirect says nothing about the receiver's health
	} {
		t.Run(fmt.Sprintf("%s after %d", c.path, c.failures), func(t *testing.T) {
			j := job(1, srv.URL+c.path)
			j.EndpointFailures = c.failures
			r := deliverOne(t, &Dispatcher{Policy: loopback, Base: time.Minute, Max: time.Hour, EndpointMax: 5 * time.Minute, Timeout: time.Second}, j)
			if r.Delivered || r.RetryAt.IsZero() {
				t.Fatalf("result %+v", r)
			}
			if c.max == 0 {
				if !r.EndpointRetryAt.IsZero() {
					t.Fatalf("an endpoint backoff until %v", r.EndpointRetryAt)
				}
				return
			}
			wait := r.EndpointRetryAt.Sub(r.At.Add(r.Duration))
			if wait < c.min || wait > c.max {
				t.Errorf("endpoint backoff %v, want %v to %v", wait, c.min, c.max)
			}
		})
	}
}
