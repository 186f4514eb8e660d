package api

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"backoffice/ledger"
)

// withRemote sets the connection's address of a test request.
func withRemote(r *http.Request, addr string, header ...string) *http.Request {
	r.RemoteAddr = addr
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	return r
}

// TestAuthThrottle: wrong keys from one address get 401 for a burst, then
// 429 with Retry-After; a valid key from that address still gets in; other
// addresses are not affected; the bucket refills with time; forwarded
// addresses count only from trusted proxies; the log names the key's first
// characters, never the key.
func TestAuthThrottle(t *testing.T) {
	f := newFixture(t)
	var logs syncBuf
	f.srv.log = slog.New(slog.NewJSONHandler(&logs, nil))
	clock := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	f.srv.authFails.now = func() time.Time { return clock }
	id := f.entity("Throttled B.V.")

	const attacker = "198.51.100.7:40000"
	wrong := "bo_thisisnotakeyatallbutlookslikeone"
	var got401, got429 int
	for i := 0; i < 500; i++ {
		// A different forwarded address each time: from an untrusted
		// peer it must not spread the failures over many buckets.
		r := serve(t, f.srv, withRemote(newRequest("GET", "/v1/entities", wrong, nil), attacker, "X-Forwarded-For", "203.0.113."+strconv.Itoa(i%250)))
		switch r.status {
		case 401:
			got401++
			if got429 > 0 {
				t.Fatalf("request %d: 401 after a 429 at the same instant", i)
			}
		case 429:
			got429++
			wantProblem(t, r, 429, "authentication_throttled")
			if r.header.Get("Retry-After") != "1" {
				t.Fatalf("Retry-After = %q, want 1 (one failure refills per second)", r.header.Get("Retry-After"))
			}
		default:
			t.Fatalf("request %d: %s", i, r)
		}
	}
	if got401 != authFailBurst || got429 != 500-authFailBurst {
		t.Fatalf("401s %d, 429s %d; want %d and %d", got401, got429, authFailBurst, 500-authFailBurst)
	}
	// A missing key counts as a failure too.
	wantProblem(t, serve(t, f.srv, withRemote(newRequest("GET", "/v1/entities", "", nil), attacker)), 429, "authentication_throttled")

	// A valid key from the throttled address is never refused.
	r := serve(t, f.srv, withRemote(newRequest("GET", ent(id), f.admin, nil), attacker))
	if r.status != 200 {
		t.Fatalf("valid key from a throttled address: %s", r)
	}
	// RFC 6750 allows more than one space after "Bearer".
	spaced := withRemote(newRequest("GET", ent(id), "", nil), attacker, "Authorization", "Bearer   "+f.admin)
	if r := serve(t, f.srv, spaced); r.status != 200 {
		t.Fatalf("a valid key after three spaces: %s", r)
	}
	// Another address is not throttled.
	wantProblem(t, serve(t, f.srv, withRemote(newRequest("GET", "/v1/entities", wrong, nil), "198.51.100.8:1")), 401, "key_invalid")

	// One second later one more failure is let through as 401.
	clock = clock.Add(time.Second)
	wantProblem(t, serve(t, f.srv, withRemote(newRequest("GET", "/v1/entities", wrong, nil), attacker)), 401, "key_invalid")
	wantProblem(t, serve(t, f.srv, withRemote(newRequest("GET", "/v1/entities", wrong, nil), attacker)), 429, "authentication_throttled")

	out := logs.String()
	if strings.Contains(out, wrong) || strings.Contains(out, f.admin) {
		t.Fatal("a key's secret is in the log")
	}
	if !strings.Contains(out, `"key_prefix":"bo_thisisn"`) || !strings.Contains(out, "throttling failed authentication") {
		t.Fatalf("the log does not name the key's prefix and the throttling:\n%.2000s", out)
	}
	if n := strings.Count(out, "throttling failed authentication"); n != 2 {
		t.Fatalf("%d throttling warnings; want one per burst (2)", n)
	}
}

// TestAuthThrottleTrustedProxy: behind a trusted proxy the forwarded
// address is the client, so two clients of one proxy have a bucket each.
func TestAuthThrottleTrustedProxy(t *testing.T) {
	f := newFixture(t)
	cfg := testConfig(f.st)
	cfg.TrustedProxies = []string{"10.1.2.3"}
	srv := New(cfg)
	const proxy = "10.1.2.3:5555"
	for i := 0; i < authFailBurst; i++ {
		wantProblem(t, serve(t, srv, withRemote(newRequest("GET", "/v1/entities", "bo_wrong", nil), proxy, "X-Forwarded-For", "203.0.113.1")), 401, "key_invalid")
	}
	wantProblem(t, serve(t, srv, withRemote(newRequest("GET", "/v1/entities", "bo_wrong", nil), proxy, "X-Forwarded-For", "203.0.113.1")), 429, "authentication_throttled")
	wantProblem(t, serve(t, srv, withRemote(newRequest("GET", "/v1/entities", "bo_wrong", nil), proxy, "X-Forwarded-For", "203.0.113.2")), 401, "key_invalid")

	if _, err := ParseTrustedProxies("10.0.0.0/8, 192.168.1.5 ,::1"); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"10.0.0.0/33", "example.com", "10.0.0", "fe80::1%eth0"} {
		if _, err := ParseTrustedProxies(bad); err == nil {
			t.Errorf("ParseTrustedProxies(%q) accepted", bad)
		}
	}
}

func TestClientPrefix(t *testing.T) {
	for _, c := range []struct{ addr, want string }{
		{"198.51.100.7:40000", "198.51.100.7/32"},
		{"198.51.100.7", "198.51.100.7/32"},
		{"[2001:db8:1:2:3:4:5:6]:443", "2001:db8:1:2::/64"},
		{"2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"},
		{"[::ffff:198.51.100.7]:1", "198.51.100.7/32"},
	} {
		if got := clientPrefix(c.addr).String(); got != c.want {
			t.Errorf("clientPrefix(%q) = %s, want %s", c.addr, got, c.want)
		}
	}
	if keyLogPrefix("bo_abc") != "bo_" || keyLogPrefix("bo_abcdefghijklmnopqrstuvwxyz") != "bo_abcdefg" || keyLogPrefix("a\nbcdefg") != "a?bc" {
		t.Errorf("keyLogPrefix: %q %q %q", keyLogPrefix("bo_abc"), keyLogPrefix("bo_abcdefghijklmnopqrstuvwxyz"), keyLogPrefix("a\nbcdefg"))
	}
}

// TestSecurityHeaders: every kind of answer carries the API's policy;
// downloads keep their Content-Disposition; the OpenAPI document may be
// cached.
func TestSecurityHeaders(t *testing.T) {
	f := newFixture(t)
	id := f.entity("Headers B.V.")
	f.post(id, f.admin, `{"date":"2026-03-31","description":"rent","lines":[{"account":"4100","debit":"10.00"},{"account":"1000","credit":"10.00"}]}`)
	for _, c := range []struct {
		name, path, key, disposition string
		status                       int
	}{
		{"json", ent(id), f.admin, "", 200},
		{"problem", "/v1/entities", "", "", 401},
		{"not found", "/v1/nothing-here", f.admin, "", 404},
		{"csv", ent(id) + "/reports/trial-balance?as_of=2026-12-31&format=csv", f.admin, `attachment; filename=`, 200},
		{"pdf", ent(id) + "/reports/trial-balance?as_of=2026-12-31&format=pdf", f.admin, `attachment; filename=`, 200},
		{"health", "/healthz", "", "", 200},
	} {
		r := f.do("GET", c.path, c.key, nil)
		if r.status != c.status {
			t.Fatalf("%s: %s", c.name, r)
		}
		for k, v := range apiHeaders {
			if got := r.header.Get(k); got != v {
				t.Errorf("%s: %s = %q, want %q", c.name, k, got, v)
			}
		}
		if got := r.header.Get("Content-Disposition"); !strings.HasPrefix(got, c.disposition) || (c.disposition == "") != (got == "") {
			t.Errorf("%s: Content-Disposition = %q, want %q...", c.name, got, c.disposition)
		}
	}
	r := f.do("GET", "/v1/openapi.json", "", nil)
	if r.header.Get("Cache-Control") != "public, max-age=300" || r.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("openapi.json headers: %v", r.header)
	}
	// An idempotent replay carries them as well.
	body := `{"date":"2026-04-30","description":"rent","lines":[{"account":"4100","debit":"10.00"},{"account":"1000","credit":"10.00"}]}`
	f.must(f.do("POST", ent(id)+"/entries", f.admin, body, "Idempotency-Key", "h1"), 201)
	r = f.must(f.do("POST", ent(id)+"/entries", f.admin, body, "Idempotency-Key", "h1"), 201)
	if r.header.Get("Idempotent-Replayed") != "true" || r.header.Get("Cache-Control") != "no-store" || r.header.Get("Content-Security-Policy") == "" {
		t.Errorf("replay headers: %v", r.header)
	}
}

// TestForbiddenSaysWhat: a 403 names the role and the action in words,
// not gin's route pattern.
func TestForbiddenSaysWhat(t *testing.T) {
	f := newFixture(t)
	id := f.entity("Roles B.V.")
	client := f.key(ledger.RoleClient, id)
	r := f.do("POST", ent(id)+"/entries", client, `{}`)
	wantProblem(t, r, 403, "role_forbidden")
	want := "a key with role client may not post entries; that takes a key with role admin or accountant"
	if r.obj["detail"] != want {
		t.Errorf("detail = %q, want %q", r.obj["detail"], want)
	}
	if r.obj["role"] != "client" || strings.Contains(string(r.body), ":entity") {
		t.Errorf("body: %s", r.body)
	}
	for _, c := range []struct{ method, route, want string }{
		{"POST", "/v1/entities/:entity/invoices/:id/void", "void invoices"},
		{"POST", "/v1/entities/:entity/invoices/:id/credit-notes", "create credit notes"},
		{"GET", "/v1/entities/:entity/invoices/:id/pdf", "read pdf"},
		{"PATCH", "/v1/entities/:entity", "change entities"},
		{"PUT", "/v1/entities/:entity/lock-date", "set the lock date"},
		{"DELETE", "/v1/entities/:entity/allocations/:id", "delete allocations"},
		{"POST", "/v1/entities/:entity/bank-accounts/:bank/statement-lines/:line/entry", "book entries from statement lines"},
		{"POST", "/v1/entities/:entity/fiscal-years/:year/close", "close fiscal years"},
		{"POST", "/v1/entities/:entity/webhook-endpoints/:endpoint/deliveries/:delivery/redeliver", "redeliver deliveries"},
		{"GET", "/v1/entities/:entity/reports/customer-statements", "read customer statements"},
		{"DELETE", "/v1/api-keys/:key", "revoke API keys"},
		{"POST", "/v1/entities", "create entities"},
	} {
		if got := actionOf(c.method, c.route); got != c.want {
			t.Errorf("actionOf(%s %s) = %q, want %q", c.method, c.route, got, c.want)
		}
	}
}

// TestDatabaseGate: while the probe fails every route that needs the
// database answers 503 database_unreachable with Retry-After at once, and
// requests already waiting are cancelled and answered the same; routes
// that need no database still answer; the first good probe opens the gate.
func TestDatabaseGate(t *testing.T) {
	f := newFixture(t)
	id := f.entity("Gate B.V.")
	var mu sync.Mutex
	var probeErr error
	f.srv.probe = func(context.Context) error { mu.Lock(); defer mu.Unlock(); return probeErr }
	setProbe := func(err error) { mu.Lock(); probeErr = err; mu.Unlock() }
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	done := make(chan struct{})
	go func() { defer close(done); f.srv.WatchDatabase(ctx) }()
	defer func() { stop(); <-done }()

	// A request that is waiting when the database goes away.
	waiting, leave, err := f.srv.gate.enter(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer leave()

	setProbe(errors.New("dial tcp 127.0.0.1:5432: connect: connection refused"))
	deadline := time.Now().Add(5 * time.Second)
	var r *response
	for time.Now().Before(deadline) {
		if r = f.do("GET", ent(id), f.admin, nil); r.status == 503 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	wantProblem(t, r, 503, "database_unreachable")
	if r.header.Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
	if !errors.Is(context.Cause(waiting), errDatabaseGone) {
		t.Errorf("the waiting request was not cancelled: %v", context.Cause(waiting))
	}
	// A write, a wrong key and an unknown route need the database too (no
	// key can be checked without it); health and the document do not.
	wantProblem(t, f.do("POST", ent(id)+"/entries", f.admin, `{"date":"2026-03-31","description":"rent","lines":[{"account":"4100","debit":"10.00"},{"account":"1000","credit":"10.00"}]}`), 503, "database_unreachable")
	wantProblem(t, f.do("GET", "/v1/entities", "bo_wrong", nil), 503, "database_unreachable")
	wantProblem(t, f.do("GET", "/readyz", "", nil), 503, "database_unreachable")
	f.must(f.do("GET", "/healthz", "", nil), 200)
	f.must(f.do("GET", "/v1/openapi.json", "", nil), 200)

	setProbe(nil)
	deadline = time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if r = f.do("GET", ent(id), f.admin, nil); r.status == 200 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	f.must(r, 200)
}

// syncBuf is a log sink safe for the server's goroutines.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
