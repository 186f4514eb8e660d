package api

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
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
)

// webhookTestPolicy lets the worker call the tests' receivers on loopback.
var webhookTestPolicy = webhooks.AddressPolicy{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}}

// hooked is an entity with an accountant's key (webhooks are the staff's)
// and an integration key (to push orders).
type hooked struct {
	*fixture
	e     int64
	base  string
	acct  string
	integ string
}

func newHooked(t *testing.T) *hooked {
	f := newFixture(t)
	e := f.entity("Webhooks BV")
	return &hooked{fixture: f, e: e, base: ent(e), acct: f.key(ledger.RoleAccountant, e), integ: f.key(ledger.RoleIntegration, e)}
}

// emit writes an event as the order and invoice code does.
func (h *hooked) emit(typ string, data any) {
	h.t.Helper()
	err := h.st.Write(context.Background(), func(tx *sqlstore.Tx) error { return tx.Emit(h.e, nil, typ, data) })
	if err != nil {
		h.t.Fatal(err)
	}
}

func idOf(r *response) string { return strconv.FormatInt(num(r.obj["id"]), 10) }

// Endpoints: created with a secret shown once, read, changed, deleted.
func TestWebhookEndpointsOverHTTP(t *testing.T) {
	t.Parallel()
	h := newHooked(t)
	r := h.must(h.do("POST", h.base+"/webhook-endpoints", h.acct,
		`{"url":"https://hooks.example.com/backoffice","events":["order.received","order.status_changed"],"description":"web shop"}`), 201)
	id := idOf(r)
	secret, _ := r.obj["secret"].(string)
	if !strings.HasPrefix(secret, webhooks.SecretPrefix) || r.header.Get("Location") != h.base+"/webhook-endpoints/"+id ||
		r.obj["enabled"] != true || r.obj["url"] != "https://hooks.example.com/backoffice" {
		t.Fatalf("created: %s (Location %q)", r, r.header.Get("Location"))
	}
	// The secret is in the create answer only.
	got := h.must(h.do("GET", h.base+"/webhook-endpoints/"+id, h.acct, nil), 200)
	list := h.must(h.do("GET", h.base+"/webhook-endpoints", h.acct, nil), 200)
	upd := h.must(h.do("PATCH", h.base+"/webhook-endpoints/"+id, h.acct, `{"events":["*"],"enabled":false}`), 200)
	for _, a := range []*response{got, list, upd} {
		if strings.Contains(string(a.body), secret) || strings.Contains(string(a.body), `"secret"`) {
			t.Errorf("the secret shows after creation: %s", a)
		}
	}
	if d := list.obj["data"].([]any); len(d) != 1 || upd.obj["enabled"] != false || upd.obj["description"] != "web shop" ||
		upd.obj["events"].([]any)[0] != "*" {
		t.Errorf("list %s, update %s", list, upd)
	}
	wantProblem(t, h.do("PATCH", h.base+"/webhook-endpoints/"+id, h.acct, `{"secret":"a-new-secret-0123456789"}`), 422, "secret_immutable", "secret")

	// A retried create (same Idempotency-Key) makes one endpoint.
	body := `{"url":"https://hooks.example.com/two","events":["invoice.paid"]}`
	first := h.must(h.do("POST", h.base+"/webhook-endpoints", h.acct, body, "Idempotency-Key", "ep-2"), 201)
	again := h.must(h.do("POST", h.base+"/webhook-endpoints", h.acct, body, "Idempotency-Key", "ep-2"), 201)
	// The replay is the same endpoint without the secret, which is shown
	// once and kept out of the stored answer.
	if idOf(first) != idOf(again) || first.obj["secret"] == nil || again.obj["secret"] != nil || again.header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("replay:\n%s\n%s", first.body, again.body)
	}
	var stored int
	if err := h.st.DB().QueryRow(`SELECT count(*) FROM idempotency_keys WHERE body LIKE '%whsec_%'`).Scan(&stored); err != nil || stored != 0 {
		t.Errorf("%d stored answers hold a secret (%v)", stored, err)
	}
	if d := h.must(h.do("GET", h.base+"/webhook-endpoints", h.acct, nil), 200).obj["data"].([]any); len(d) != 2 {
		t.Errorf("%d endpoints after a replayed create", len(d))
	}

	// Deleted: gone for reads and changes.
	r = h.do("DELETE", h.base+"/webhook-endpoints/"+id, h.acct, nil)
	if r.status != 204 || len(r.body) != 0 {
		t.Fatalf("delete: %s", r)
	}
	wantProblem(t, h.do("GET", h.base+"/webhook-endpoints/"+id, h.acct, nil), 404, "not_found")
	wantProblem(t, h.do("PATCH", h.base+"/webhook-endpoints/"+id, h.acct, `{"enabled":true}`), 404, "not_found")
	wantProblem(t, h.do("DELETE", h.base+"/webhook-endpoints/"+id, h.acct, nil), 404, "not_found")
	if d := h.must(h.do("GET", h.base+"/webhook-endpoints", h.acct, nil), 200).obj["data"].([]any); len(d) != 1 {
		t.Errorf("%d endpoints listed after delete", len(d))
	}
	// Its delivery log stays readable.
	h.must(h.do("GET", h.base+"/webhook-endpoints/"+id+"/deliveries", h.acct, nil), 200)
}

// Every bad input is a 422 naming its field, and writes nothing.
func TestWebhookEndpointRejections(t *testing.T) {
	t.Parallel()
	h := newHooked(t)
	for _, c := range []struct {
		name, body, reason string
		paths              []string
	}{
		{"ftp", `{"url":"ftp://files.example.com/","events":["*"]}`, "url_invalid", []string{"url"}},
		{"no host", `{"url":"https://","events":["*"]}`, "url_invalid", []string{"url"}},
		{"not a URL", `{"url":"hooks.example.com","events":["*"]}`, "url_invalid", []string{"url"}},
		{"userinfo", `{"url":"https://me:pw@hooks.example.com/","events":["*"]}`, "url_invalid", []string{"url"}},
		{"private address", `{"url":"http://10.1.2.3/hook","events":["*"]}`, "url_not_allowed", []string{"url"}},
		{"metadata service", `{"url":"http://169.254.169.254/latest","events":["*"]}`, "url_not_allowed", []string{"url"}},
		{"unknown event", `{"url":"https://hooks.example.com/","events":["order.shipped"]}`, "event_type_unknown", []string{"events[0]"}},
		{"no events", `{"url":"https://hooks.example.com/","events":[]}`, "field_required", []string{"events"}},
		{"missing url", `{"events":["*"]}`, "field_required", []string{"url"}},
		{"short secret", `{"url":"https://hooks.example.com/","events":["*"],"secret":"short"}`, "secret_invalid", []string{"secret"}},
		{"url not a string", `{"url":42,"events":["*"]}`, "invalid_type", []string{"url"}},
		{"unknown field", `{"url":"https://hooks.example.com/","events":["*"],"retries":3}`, "unknown_field", []string{"retries"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			wantProblem(t, h.do("POST", h.base+"/webhook-endpoints", h.acct, c.body), 422, c.reason, c.paths...)
		})
	}
	if d := h.must(h.do("GET", h.base+"/webhook-endpoints", h.acct, nil), 200).obj["data"].([]any); len(d) != 0 {
		t.Errorf("refused creates wrote %d endpoints", len(d))
	}
	wantProblem(t, h.do("GET", h.base+"/events?after=abc", h.acct, nil), 422, "parameter_invalid", "after")
	wantProblem(t, h.do("GET", h.base+"/events?after=-1", h.acct, nil), 422, "parameter_invalid", "after")
	wantProblem(t, h.do("GET", h.base+"/events?limit=0", h.acct, nil), 422, "limit_invalid", "limit")
	id := idOf(h.must(h.do("POST", h.base+"/webhook-endpoints", h.acct, `{"url":"https://hooks.example.com/","events":["*"]}`), 201))
	wantProblem(t, h.do("GET", h.base+"/webhook-endpoints/"+id+"/deliveries?status=lost", h.acct, nil), 422, "parameter_invalid", "status")
	wantProblem(t, h.do("PATCH", h.base+"/webhook-endpoints/"+id, h.acct, `{"url":"gopher://x"}`), 422, "url_invalid", "url")
	wantProblem(t, h.do("GET", h.base+"/webhook-endpoints/abc", h.acct, nil), 404, "not_found")
	wantProblem(t, h.do("GET", h.base+"/webhook-endpoints/"+id+"/deliveries/999999", h.acct, nil), 404, "not_found")
}

// An accountant of another entity finds nothing of this one's webhooks,
// not even through its own entity's routes; integration keys reach no
// webhook route at all.
func TestWebhooksOfAnotherEntity(t *testing.T) {
	t.Parallel()
	h := newHooked(t)
	other := h.entity("Other BV")
	otherAcct := h.key(ledger.RoleAccountant, other)
	id := idOf(h.must(h.do("POST", h.base+"/webhook-endpoints", h.acct, `{"url":"https://hooks.example.com/","events":["*"]}`), 201))
	h.emit(webhooks.OrderReceived, map[string]any{"n": 1})
	d := h.must(h.do("GET", h.base+"/webhook-endpoints/"+id+"/deliveries", h.acct, nil), 200).obj["data"].([]any)
	delivery := strconv.FormatInt(num(d[0].(map[string]any)["id"]), 10)
	for _, base := range []string{h.base, ent(other)} {
		for _, c := range []struct{ method, path, body string }{
			{"GET", "/webhook-endpoints/" + id, ""},
			{"PATCH", "/webhook-endpoints/" + id, `{"enabled":false}`},
			{"DELETE", "/webhook-endpoints/" + id, ""},
			{"GET", "/webhook-endpoints/" + id + "/deliveries", ""},
			{"GET", "/webhook-endpoints/" + id + "/deliveries/" + delivery, ""},
			{"POST", "/webhook-endpoints/" + id + "/deliveries/" + delivery + "/redeliver", ""},
		} {
			var body any
			if c.body != "" {
				body = c.body
			}
			wantProblem(t, h.do(c.method, base+c.path, otherAcct, body), 404, "not_found")
			if base == h.base {
				wantProblem(t, h.do(c.method, base+c.path, h.integ, body), 403, "role_forbidden")
			}
		}
	}
	if ev := h.must(h.do("GET", ent(other)+"/events", otherAcct, nil), 200).obj["data"].([]any); len(ev) != 0 {
		t.Errorf("the other entity sees events: %v", ev)
	}
	wantProblem(t, h.do("GET", h.base+"/events", otherAcct, nil), 404, "not_found")
	// And this entity's endpoint is untouched.
	if r := h.must(h.do("GET", h.base+"/webhook-endpoints/"+id, h.acct, nil), 200); r.obj["enabled"] != true {
		t.Errorf("changed by another entity's key: %s", r)
	}
}

// Events page by sequence with the cursor of every list; next_cursor is
// set on every page, an empty one too, so a poller keeps its place. An
// order pushed over HTTP is one of the events.
func TestEventsOverHTTP(t *testing.T) {
	t.Parallel()
	h := newHooked(t)
	r := h.must(h.do("GET", h.base+"/events", h.acct, nil), 200)
	if len(r.obj["data"].([]any)) != 0 || r.obj["has_more"] != false {
		t.Fatalf("no events: %s", r)
	}
	start, _ := r.obj["next_cursor"].(string)
	if start == "" {
		t.Fatalf("an empty first page has no next_cursor: %s", r)
	}
	// Five orders pushed: five order.received events, each carrying its order.
	for i := range 5 {
		h.must(h.do("POST", h.base+"/orders", h.integ, orderJSON(fmt.Sprintf("EV-%d", i), "1")), 201)
	}
	// Polling from the empty page's cursor finds every event since.
	r = h.must(h.do("GET", h.base+"/events?limit=1&cursor="+start, h.acct, nil), 200)
	if d := r.obj["data"].([]any); len(d) != 1 || num(d[0].(map[string]any)["sequence"]) != 1 || r.obj["has_more"] != true {
		t.Fatalf("first poll: %s", r)
	}
	r = h.must(h.do("GET", h.base+"/events?limit=2&cursor="+r.obj["next_cursor"].(string), h.acct, nil), 200)
	d := r.obj["data"].([]any)
	if len(d) != 2 || num(d[0].(map[string]any)["sequence"]) != 2 || r.obj["has_more"] != true {
		t.Fatalf("page: %s", r)
	}
	ev := d[0].(map[string]any)
	if ev["type"] != webhooks.OrderReceived || num(ev["entity_id"]) != h.e || ev["data"].(map[string]any)["external_id"] != "EV-1" || ev["created_at"] == "" {
		t.Errorf("event: %v", ev)
	}
	r = h.must(h.do("GET", h.base+"/events?cursor="+r.obj["next_cursor"].(string), h.acct, nil), 200)
	if d := r.obj["data"].([]any); len(d) != 2 || r.obj["has_more"] != false || num(d[1].(map[string]any)["sequence"]) != 5 {
		t.Errorf("last page: %s", r)
	}
	end, _ := r.obj["next_cursor"].(string)
	if r := h.must(h.do("GET", h.base+"/events?cursor="+end, h.acct, nil), 200); r.obj["next_cursor"] != end || len(r.obj["data"].([]any)) != 0 {
		t.Errorf("past the end: %s", r)
	}
	// after= is the deprecated spelling of the cursor: the same page.
	if r := h.must(h.do("GET", h.base+"/events?after=5", h.acct, nil), 200); r.obj["next_cursor"] != end {
		t.Errorf("after=5: %s, want next_cursor %q", r, end)
	}
	wantProblem(t, h.do("GET", h.base+"/events?cursor=bm9wZQ", h.acct, nil), 422, "cursor_invalid", "cursor")
	wantProblem(t, h.do("GET", h.base+"/events?cursor=%21", h.acct, nil), 422, "cursor_invalid", "cursor")
	wantProblem(t, h.do("GET", h.base+"/events?after=1&cursor="+end, h.acct, nil), 422, "parameter_invalid", "after")
	// The order code emits in the order's transaction.
	h.must(h.do("POST", h.base+"/orders", h.integ, orderJSON("HOOK-1", "1")), 201)
	r = h.must(h.do("GET", h.base+"/events?cursor="+end, h.acct, nil), 200)
	if d := r.obj["data"].([]any); len(d) != 1 || d[0].(map[string]any)["data"].(map[string]any)["external_id"] != "HOOK-1" {
		t.Errorf("after an order: %s", r)
	}
}

// The delivery log over HTTP, with the real worker: a failed attempt and a
// success, then a redelivery that keeps the log and sends once more.
func TestDeliveryLogAndRedeliver(t *testing.T) {
	t.Parallel()
	h := newHooked(t)
	var mu sync.Mutex
	var bodies []string
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		calls++
		bodies = append(bodies, r.Header.Get(webhooks.SignatureHeader)+" "+string(b))
		if calls == 1 {
			http.Error(w, "not yet", http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, "thanks")
	}))
	defer srv.Close()
	r := h.must(h.do("POST", h.base+"/webhook-endpoints", h.acct, `{"url":"`+srv.URL+`/in","events":["payment.received"]}`), 201)
	id, secret := idOf(r), r.obj["secret"].(string)
	h.emit(webhooks.PaymentReceived, map[string]any{"amount": "12.50"})
	h.emit(webhooks.OrderReceived, map[string]any{}) // not subscribed

	hooks := hookstore.New(h.st.Store.Store, webhookTestPolicy)
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() {
		_ = (&dispatch.Dispatcher{Store: hooks, Policy: webhookTestPolicy, Interval: 2 * time.Millisecond, Base: time.Millisecond, Max: time.Millisecond, Logger: quiet}).Run(ctx)
		close(stopped)
	}()
	defer func() { cancel(); <-stopped }()

	deliveries := h.base + "/webhook-endpoints/" + id + "/deliveries"
	list := h.must(h.do("GET", deliveries, h.acct, nil), 200).obj["data"].([]any)
	if len(list) != 1 {
		t.Fatalf("%d deliveries, want 1 (payment.received only)", len(list))
	}
	one := deliveries + "/" + strconv.FormatInt(num(list[0].(map[string]any)["id"]), 10)
	waitStatus := func(attempts int64) map[string]any {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			d := h.must(h.do("GET", one, h.acct, nil), 200).obj
			if d["status"] == "delivered" && num(d["attempts"]) == attempts {
				return d
			}
			if time.Now().After(deadline) {
				t.Fatalf("delivery never got to %d attempts: %v", attempts, d)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	d := waitStatus(2)
	log := d["attempt_log"].([]any)
	if len(log) != 2 || num(log[0].(map[string]any)["status_code"]) != 503 || log[0].(map[string]any)["response"] != "not yet\n" ||
		num(log[1].(map[string]any)["status_code"]) != 200 || log[1].(map[string]any)["response"] != "thanks" ||
		d["event_type"] != "payment.received" || num(d["event_sequence"]) != 1 || d["next_attempt_at"] != nil || d["delivered_at"] == nil {
		t.Fatalf("delivery: %v", d)
	}
	if got := h.must(h.do("GET", deliveries+"?status=delivered", h.acct, nil), 200).obj["data"].([]any); len(got) != 1 {
		t.Errorf("delivered list: %v", got)
	}
	if got := h.must(h.do("GET", deliveries+"?status=failed", h.acct, nil), 200).obj["data"].([]any); len(got) != 0 {
		t.Errorf("failed list: %v", got)
	}

	r = h.do("POST", one+"/redeliver", h.acct, nil)
	if r.status != 202 || r.obj["status"] != "pending" || len(r.obj["attempt_log"].([]any)) != 2 {
		t.Fatalf("redeliver: %s", r)
	}
	d = waitStatus(3)
	if len(d["attempt_log"].([]any)) != 3 {
		t.Errorf("log after redelivery: %v", d)
	}
	mu.Lock()
	defer mu.Unlock()
	if calls != 3 {
		t.Errorf("receiver called %d times, want 3", calls)
	}
	for _, b := range bodies {
		sig, body, _ := strings.Cut(b, " ")
		if err := webhooks.Verify(secret, sig, []byte(body), 0, time.Now()); err != nil || !strings.Contains(body, `"amount":"12.50"`) {
			t.Errorf("delivery %q: %v", b, err)
		}
	}
	if bodies[0][strings.Index(bodies[0], " "):] != bodies[2][strings.Index(bodies[2], " "):] {
		t.Errorf("the redelivered body differs:\n%s\n%s", bodies[0], bodies[2])
	}
}
