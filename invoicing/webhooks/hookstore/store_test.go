package hookstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"backoffice/invoicing/webhooks"
	"backoffice/invoicing/webhooks/hookstore"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore/sqltest"
)

func TestMain(m *testing.M) { os.Exit(sqltest.Main(m)) }

var ctx = context.Background()

func ptr[T any](v T) *T { return &v }

// fixture is a fresh database with one entity and its admin.
type fixture struct {
	t   *testing.T
	st  *hookstore.Store
	ent *ledger.Entity
	p   *ledger.Principal
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	st := hookstore.New(sqltest.Open(t), webhooks.AddressPolicy{})
	ent, p := sqltest.Entity(t, st, "Bakkerij Hooks BV")
	return &fixture{t: t, st: st, ent: ent, p: p}
}

func (f *fixture) endpoint(ent *ledger.Entity, url string, events ...string) *webhooks.Endpoint {
	f.t.Helper()
	ep, err := f.st.CreateEndpoint(ctx, f.p, ent, &webhooks.EndpointInput{URL: &url, Events: &events})
	if err != nil {
		f.t.Fatal(err)
	}
	return ep
}

// emit writes an event as the order and invoice code does: in a
// transaction of its own here.
func (f *fixture) emit(ent *ledger.Entity, typ string, data any) {
	f.t.Helper()
	err := f.st.InTx(ctx, func(ctx context.Context) error { return f.st.Emit(ctx, ent.ID, &f.p.KeyID, typ, data) })
	if err != nil {
		f.t.Fatal(err)
	}
}

// deliveries lists an endpoint's deliveries (all of them, newest first).
func (f *fixture) deliveries(ent *ledger.Entity, ep *webhooks.Endpoint, status string) []*webhooks.Delivery {
	f.t.Helper()
	list, err := f.st.Deliveries(ctx, ent.ID, ep.ID, webhooks.DeliveryFilter{Status: status, Limit: 1000})
	if err != nil {
		f.t.Fatal(err)
	}
	return list
}

func (f *fixture) claim(now time.Time, lease time.Duration, limit int) []*webhooks.Job {
	f.t.Helper()
	jobs, err := f.st.Claim(ctx, now, lease, limit)
	if err != nil {
		f.t.Fatal(err)
	}
	return jobs
}

func (f *fixture) delivery(ep *webhooks.Endpoint, id int64) *webhooks.Delivery {
	f.t.Helper()
	d, err := f.st.Delivery(ctx, f.ent.ID, ep.ID, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return d
}

func reasonOf(err error) string {
	if err == nil {
		return ""
	}
	return ledger.As(err).Reason
}

func types(list []*webhooks.Delivery) []string {
	var out []string
	for _, d := range list {
		out = append(out, fmt.Sprintf("%s#%d", d.EventType, d.EventSequence))
	}
	slices.Sort(out)
	return out
}

// Events go to the endpoints that subscribe to their type (or to "*"),
// that are enabled and not deleted, of the same entity only.
func TestFanOut(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	other, _ := sqltest.Entity(t, f.st, "Other BV")
	orders := f.endpoint(f.ent, "https://a.example.com/", webhooks.OrderReceived, webhooks.OrderStatusChanged)
	all := f.endpoint(f.ent, "https://b.example.com/", "*")
	off := f.endpoint(f.ent, "https://c.example.com/", webhooks.InvoicePaid)
	if _, err := f.st.UpdateEndpoint(ctx, f.p, f.ent, off.ID, &webhooks.EndpointInput{Enabled: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	gone := f.endpoint(f.ent, "https://d.example.com/", webhooks.OrderReceived)
	if err := f.st.DeleteEndpoint(ctx, f.p, f.ent, gone.ID); err != nil {
		t.Fatal(err)
	}
	foreign := f.endpoint(other, "https://e.example.com/", "*")

	f.emit(f.ent, webhooks.OrderReceived, map[string]any{"id": 1})
	f.emit(f.ent, webhooks.InvoicePaid, map[string]any{"id": 2})
	f.emit(f.ent, webhooks.OrderStatusChanged, map[string]any{"id": 1})
	f.emit(other, webhooks.PaymentReceived, map[string]any{"id": 9})

	for _, c := range []struct {
		ent  *ledger.Entity
		ep   *webhooks.Endpoint
		want []string
	}{
		{f.ent, orders, []string{"order.received#1", "order.status_changed#3"}},
		{f.ent, all, []string{"invoice.paid#2", "order.received#1", "order.status_changed#3"}},
		{f.ent, off, nil},
		{f.ent, gone, nil},
		{other, foreign, []string{"payment.received#1"}},
	} {
		if got := types(f.deliveries(c.ent, c.ep, "")); !slices.Equal(got, c.want) {
			t.Errorf("endpoint %s: deliveries %v, want %v", c.ep.URL, got, c.want)
		}
	}
	// Each entity's sequence starts at 1 and has no gap.
	evs, err := f.st.Events(ctx, f.ent.ID, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 3 || evs[0].Sequence != 1 || evs[2].Sequence != 3 || evs[1].Type != webhooks.InvoicePaid || string(evs[1].Data) != `{"id":2}` {
		t.Errorf("events: %+v", evs)
	}
	if evs, _ := f.st.Events(ctx, f.ent.ID, 2, 100); len(evs) != 1 || evs[0].Sequence != 3 {
		t.Errorf("events after 2: %+v", evs)
	}
	if evs, _ := f.st.Events(ctx, f.ent.ID, 0, 1); len(evs) != 2 {
		t.Errorf("events limit 1 returns limit+1 to say there are more: %d", len(evs))
	}
	if evs, _ := f.st.Events(ctx, other.ID, 0, 100); len(evs) != 1 || evs[0].EntityID != other.ID || evs[0].Sequence != 1 {
		t.Errorf("other entity's events: %+v", evs)
	}
}

// The life of one delivery: claimed, leased, failed and retried after its
// backoff with the same body, a crashed worker's claim coming back after
// the lease, delivered, failed for good, redelivered.
func TestClaimLeaseComplete(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ep := f.endpoint(f.ent, "https://a.example.com/hook", "*")
	f.emit(f.ent, webhooks.OrderReceived, map[string]any{"order": "SHOP-1", "note": "ü <&>"})
	now := time.Now().Add(time.Second)
	lease := time.Minute

	jobs := f.claim(now, lease, 10)
	if len(jobs) != 1 {
		t.Fatalf("claimed %d jobs, want 1", len(jobs))
	}
	j := jobs[0]
	if j.Attempt != 1 || j.Round != 1 || j.URL != ep.URL || j.Secret == "" || j.EventType != webhooks.OrderReceived || j.Sequence != 1 {
		t.Fatalf("job %+v", j)
	}
	var ev webhooks.Event
	if err := json.Unmarshal(j.Body, &ev); err != nil {
		t.Fatal(err)
	}
	if ev.ID != j.EventID || ev.Sequence != 1 || ev.Type != webhooks.OrderReceived || ev.EntityID != f.ent.ID || ev.CreatedAt.IsZero() ||
		string(ev.Data) != `{"note":"ü \u003c\u0026\u003e","order":"SHOP-1"}` {
		t.Fatalf("envelope %s", j.Body)
	}
	for _, k := range []string{`"id"`, `"sequence"`, `"type"`, `"entity_id"`, `"created_at"`, `"data"`} {
		if !strings.Contains(string(j.Body), k+":") {
			t.Errorf("envelope lacks %s: %s", k, j.Body)
		}
	}

	// Leased: not due again within the lease, also not to another worker.
	if n := len(f.claim(now, lease, 10)); n != 0 {
		t.Fatalf("claimed a leased delivery again: %d", n)
	}
	if n := len(f.claim(now.Add(lease-time.Second), lease, 10)); n != 0 {
		t.Fatalf("claimed before the lease ended: %d", n)
	}
	// The worker died: after the lease the delivery comes back, to the
	// same attempt number, and the dead worker's late result is dropped.
	later := now.Add(lease + time.Second)
	again := f.claim(later, lease, 10)
	if len(again) != 1 || again[0].DeliveryID != j.DeliveryID || again[0].Attempt != 1 || again[0].Claim == j.Claim {
		t.Fatalf("after the lease: %+v", again)
	}
	if string(again[0].Body) != string(j.Body) {
		t.Fatalf("the body changed between claims:\n%s\n%s", j.Body, again[0].Body)
	}
	if err := f.st.Complete(ctx, j, &webhooks.Result{At: now, Delivered: true, StatusCode: 200}); !errors.Is(err, webhooks.ErrLeaseLost) {
		t.Fatalf("a stale claim completed: %v", err)
	}
	if d := f.delivery(ep, j.DeliveryID); d.Status != webhooks.StatusPending || d.Attempts != 0 || len(d.Log) != 0 {
		t.Fatalf("the stale result was recorded: %+v", d)
	}

	// Attempt 1 fails: pending until its retry time, logged.
	j = again[0]
	retry := later.Add(10 * time.Minute)
	err := f.st.Complete(ctx, j, &webhooks.Result{At: later, Duration: 1500 * time.Millisecond, StatusCode: 503,
		Error: "HTTP 503", Response: "busy\x00" + strings.Repeat("é", 600) + "\xff", RetryAt: retry})
	if err != nil {
		t.Fatal(err)
	}
	d := f.delivery(ep, j.DeliveryID)
	if d.Status != webhooks.StatusPending || d.Attempts != 1 || d.LastStatusCode == nil || *d.LastStatusCode != 503 || d.LastError != "HTTP 503" ||
		d.NextAttemptAt == nil || !d.NextAttemptAt.Equal(retry.UTC().Truncate(time.Microsecond)) || len(d.Log) != 1 {
		t.Fatalf("after a failed attempt: %+v", d)
	}
	if a := d.Log[0]; a.Attempt != 1 || a.DurationMS != 1500 || *a.StatusCode != 503 || len(a.Response) > webhooks.MaxResponseBytes ||
		!strings.HasPrefix(a.Response, "busyé") {
		t.Fatalf("log %+v", a)
	}
	if n := len(f.claim(retry.Add(-time.Second), lease, 10)); n != 0 {
		t.Fatalf("claimed before the retry time: %d", n)
	}
	if err := f.st.Complete(ctx, j, &webhooks.Result{At: later, Delivered: true}); !errors.Is(err, webhooks.ErrLeaseLost) {
		t.Fatalf("a job completed twice: %v", err)
	}

	// Attempt 2 succeeds.
	jobs = f.claim(retry, lease, 10)
	if len(jobs) != 1 || jobs[0].Attempt != 2 || jobs[0].Round != 2 || string(jobs[0].Body) != string(j.Body) {
		t.Fatalf("retry: %+v", jobs)
	}
	if err := f.st.Complete(ctx, jobs[0], &webhooks.Result{At: retry, StatusCode: 204, Delivered: true}); err != nil {
		t.Fatal(err)
	}
	d = f.delivery(ep, j.DeliveryID)
	if d.Status != webhooks.StatusDelivered || d.Attempts != 2 || d.DeliveredAt == nil || d.NextAttemptAt != nil || d.LastError != "" || len(d.Log) != 2 {
		t.Fatalf("delivered: %+v", d)
	}
	if n := len(f.claim(retry.Add(time.Hour), lease, 10)); n != 0 {
		t.Fatalf("claimed a delivered delivery: %d", n)
	}

	// Redelivery: pending now, a fresh schedule (Round 1), the log kept.
	rd, err := f.st.Redeliver(ctx, f.p, f.ent, ep.ID, j.DeliveryID)
	if err != nil {
		t.Fatal(err)
	}
	if rd.Status != webhooks.StatusPending || rd.Attempts != 2 || len(rd.Log) != 2 {
		t.Fatalf("redelivered: %+v", rd)
	}
	jobs = f.claim(time.Now().Add(time.Second), lease, 10)
	if len(jobs) != 1 || jobs[0].Attempt != 3 || jobs[0].Round != 1 {
		t.Fatalf("after redelivery: %+v", jobs)
	}
	// Attempts spent: failed, not due any more.
	if err := f.st.Complete(ctx, jobs[0], &webhooks.Result{At: time.Now(), Error: "dial tcp: connection refused"}); err != nil {
		t.Fatal(err)
	}
	d = f.delivery(ep, j.DeliveryID)
	if d.Status != webhooks.StatusFailed || d.Attempts != 3 || d.NextAttemptAt != nil || d.LastStatusCode != nil || d.LastError == "" || len(d.Log) != 3 {
		t.Fatalf("failed: %+v", d)
	}
	if d.DeliveredAt == nil {
		t.Error("delivered_at of the earlier success was lost")
	}
	if n := len(f.claim(time.Now().Add(time.Hour), lease, 10)); n != 0 {
		t.Fatalf("claimed a failed delivery: %d", n)
	}
	// A redelivery in flight supersedes the attempt under way.
	if _, err := f.st.Redeliver(ctx, f.p, f.ent, ep.ID, j.DeliveryID); err != nil {
		t.Fatal(err)
	}
	inFlight := f.claim(time.Now().Add(time.Second), lease, 10)
	if _, err := f.st.Redeliver(ctx, f.p, f.ent, ep.ID, j.DeliveryID); err != nil {
		t.Fatal(err)
	}
	if err := f.st.Complete(ctx, inFlight[0], &webhooks.Result{At: time.Now(), Delivered: true}); !errors.Is(err, webhooks.ErrLeaseLost) {
		t.Fatalf("an attempt superseded by a redelivery was recorded: %v", err)
	}

	// The audit trail knows who redelivered.
	evs, err := f.st.AuditEvents(ctx, f.ent.ID, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range evs {
		if e.Action == "webhook_delivery.redelivered" {
			n++
		}
	}
	if n != 3 {
		t.Errorf("%d redeliveries audited, want 3", n)
	}
}

// A deleted endpoint gets nothing more: its pending deliveries end, it is
// not found, and its log stays readable. A disabled one keeps its pending
// deliveries until it is enabled again.
func TestDeleteAndDisable(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	gone := f.endpoint(f.ent, "https://a.example.com/", "*")
	paused := f.endpoint(f.ent, "https://b.example.com/", "*")
	for i := range 3 {
		f.emit(f.ent, webhooks.OrderReceived, map[string]any{"i": i})
	}
	if err := f.st.DeleteEndpoint(ctx, f.p, f.ent, gone.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.UpdateEndpoint(ctx, f.p, f.ent, paused.ID, &webhooks.EndpointInput{Enabled: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	f.emit(f.ent, webhooks.OrderReceived, map[string]any{"i": 3})
	if n := len(f.claim(time.Now().Add(time.Second), time.Minute, 100)); n != 0 {
		t.Fatalf("claimed %d deliveries of deleted or disabled endpoints", n)
	}
	failed := f.deliveries(f.ent, gone, webhooks.StatusFailed)
	if len(failed) != 3 || failed[0].LastError != "endpoint deleted" || len(f.deliveries(f.ent, gone, "")) != 3 {
		t.Fatalf("deleted endpoint's deliveries: %+v", failed)
	}
	if _, err := f.st.Endpoint(ctx, f.ent.ID, gone.ID); reasonOf(err) != "not_found" {
		t.Errorf("GET deleted: %v", err)
	}
	if _, err := f.st.UpdateEndpoint(ctx, f.p, f.ent, gone.ID, &webhooks.EndpointInput{Enabled: ptr(true)}); reasonOf(err) != "not_found" {
		t.Errorf("PATCH deleted: %v", err)
	}
	if err := f.st.DeleteEndpoint(ctx, f.p, f.ent, gone.ID); reasonOf(err) != "not_found" {
		t.Errorf("DELETE deleted: %v", err)
	}
	if _, err := f.st.Redeliver(ctx, f.p, f.ent, gone.ID, failed[0].ID); reasonOf(err) != "not_found" {
		t.Errorf("redeliver to deleted: %v", err)
	}
	if list, _ := f.st.Endpoints(ctx, f.ent.ID); len(list) != 1 || list[0].ID != paused.ID || list[0].Enabled {
		t.Errorf("endpoints: %+v", list)
	}
	if _, err := f.st.Redeliver(ctx, f.p, f.ent, paused.ID, f.deliveries(f.ent, paused, "")[0].ID); reasonOf(err) != "endpoint_disabled" {
		t.Errorf("redeliver to disabled: %v", err)
	}
	// The event emitted while paused was not queued for it; the three
	// before were, and go out once it is enabled.
	if _, err := f.st.UpdateEndpoint(ctx, f.p, f.ent, paused.ID, &webhooks.EndpointInput{Enabled: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	jobs := f.claim(time.Now().Add(time.Second), time.Minute, 100)
	if len(jobs) != 3 {
		t.Fatalf("after enabling: %d jobs, want 3", len(jobs))
	}
	for _, j := range jobs {
		if j.EndpointID != paused.ID {
			t.Errorf("job for endpoint %d", j.EndpointID)
		}
	}
}

// Endpoints: create shows the secret once; reads never do; updates check
// like creates; the audit trail never holds the secret.
func TestEndpointCRUD(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	secret := "my-receiver-secret-0123456789"
	ep, err := f.st.CreateEndpoint(ctx, f.p, f.ent, &webhooks.EndpointInput{URL: ptr("https://shop.example.com/hooks"),
		Events: &[]string{webhooks.InvoicePaid, webhooks.OrderReceived}, Description: ptr(" shop "), Secret: &secret})
	if err != nil {
		t.Fatal(err)
	}
	if ep.Secret != secret || ep.ID == 0 || !ep.Enabled || ep.Description != "shop" || !slices.Equal(ep.Events, []string{webhooks.OrderReceived, webhooks.InvoicePaid}) {
		t.Fatalf("created %+v", ep)
	}
	got, err := f.st.Endpoint(ctx, f.ent.ID, ep.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Secret != "" || got.URL != ep.URL || !slices.Equal(got.Events, ep.Events) || !got.CreatedAt.Equal(ep.CreatedAt) {
		t.Fatalf("read %+v", got)
	}
	upd, err := f.st.UpdateEndpoint(ctx, f.p, f.ent, ep.ID, &webhooks.EndpointInput{Events: &[]string{"*"}, URL: ptr("https://shop.example.com/v2")})
	if err != nil {
		t.Fatal(err)
	}
	if upd.Secret != "" || upd.URL != "https://shop.example.com/v2" || !slices.Equal(upd.Events, []string{"*"}) || upd.Description != "shop" {
		t.Fatalf("updated %+v", upd)
	}
	for _, c := range []struct {
		in   webhooks.EndpointInput
		want string
	}{
		{webhooks.EndpointInput{URL: ptr("http://127.0.0.1/")}, "url_not_allowed"},
		{webhooks.EndpointInput{URL: ptr("ftp://example.com/")}, "url_invalid"},
		{webhooks.EndpointInput{Events: &[]string{"order.shipped"}}, "event_type_unknown"},
		{webhooks.EndpointInput{Secret: ptr("another-secret-0123456789")}, "secret_immutable"},
	} {
		if _, err := f.st.UpdateEndpoint(ctx, f.p, f.ent, ep.ID, &c.in); reasonOf(err) != c.want {
			t.Errorf("update %+v: %v, want %s", c.in, err, c.want)
		}
		if _, err := f.st.CreateEndpoint(ctx, f.p, f.ent, &c.in); c.want != "secret_immutable" && reasonOf(err) != c.want && reasonOf(err) != "field_required" {
			t.Errorf("create %+v: %v", c.in, err)
		}
	}
	if now, _ := f.st.Endpoint(ctx, f.ent.ID, ep.ID); now.URL != upd.URL {
		t.Errorf("a refused update changed the endpoint: %+v", now)
	}
	// The secret is in the table (the worker signs with it), nowhere else.
	var n int64
	if err := f.st.Conn(ctx).Raw(`SELECT count(*) FROM audit_events WHERE detail LIKE ?`, "%"+secret+"%").Scan(&n).Error; err != nil || n != 0 {
		t.Errorf("the audit trail holds the secret (%d rows, %v)", n, err)
	}
	if err := f.st.Conn(ctx).Raw(`SELECT count(*) FROM audit_events WHERE action LIKE 'webhook_endpoint.%'`).Scan(&n).Error; err != nil || n != 2 {
		t.Errorf("audited endpoint changes: %d, %v", n, err)
	}
	// The limit on endpoints.
	for range hookstore.MaxEndpoints - 1 {
		f.endpoint(f.ent, "https://x.example.com/", "*")
	}
	if _, err := f.st.CreateEndpoint(ctx, f.p, f.ent, &webhooks.EndpointInput{URL: ptr("https://y.example.com/"), Events: &[]string{"*"}}); reasonOf(err) != "endpoint_limit" {
		t.Errorf("endpoint %d: %v", hookstore.MaxEndpoints+1, err)
	}
}

// Nothing of one entity is reachable through another's id.
func TestEntityIsolation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	other, _ := sqltest.Entity(t, f.st, "Other BV")
	ep := f.endpoint(f.ent, "https://a.example.com/", "*")
	f.emit(f.ent, webhooks.OrderReceived, map[string]any{})
	d := f.deliveries(f.ent, ep, "")[0]
	if _, err := f.st.Endpoint(ctx, other.ID, ep.ID); reasonOf(err) != "not_found" {
		t.Errorf("Endpoint: %v", err)
	}
	if _, err := f.st.UpdateEndpoint(ctx, f.p, other, ep.ID, &webhooks.EndpointInput{Enabled: ptr(false)}); reasonOf(err) != "not_found" {
		t.Errorf("UpdateEndpoint: %v", err)
	}
	if err := f.st.DeleteEndpoint(ctx, f.p, other, ep.ID); reasonOf(err) != "not_found" {
		t.Errorf("DeleteEndpoint: %v", err)
	}
	if _, err := f.st.Deliveries(ctx, other.ID, ep.ID, webhooks.DeliveryFilter{Limit: 10}); reasonOf(err) != "not_found" {
		t.Errorf("Deliveries: %v", err)
	}
	if _, err := f.st.Delivery(ctx, other.ID, ep.ID, d.ID); reasonOf(err) != "not_found" {
		t.Errorf("Delivery: %v", err)
	}
	if _, err := f.st.Redeliver(ctx, f.p, other, ep.ID, d.ID); reasonOf(err) != "not_found" {
		t.Errorf("Redeliver: %v", err)
	}
	if list, _ := f.st.Endpoints(ctx, other.ID); len(list) != 0 {
		t.Errorf("Endpoints: %+v", list)
	}
	if evs, _ := f.st.Events(ctx, other.ID, 0, 10); len(evs) != 0 {
		t.Errorf("Events: %+v", evs)
	}
	// A delivery is found only under its own endpoint.
	ep2 := f.endpoint(f.ent, "https://b.example.com/", "*")
	if _, err := f.st.Delivery(ctx, f.ent.ID, ep2.ID, d.ID); reasonOf(err) != "not_found" {
		t.Errorf("Delivery under another endpoint: %v", err)
	}
}

func TestDeliveriesPaging(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ep := f.endpoint(f.ent, "https://a.example.com/", "*")
	for i := range 5 {
		f.emit(f.ent, webhooks.OrderReceived, map[string]any{"i": i})
	}
	all := f.deliveries(f.ent, ep, "")
	if len(all) != 5 || all[0].ID < all[4].ID || all[0].EventSequence != 5 {
		t.Fatalf("newest first: %+v", all)
	}
	page, err := f.st.Deliveries(ctx, f.ent.ID, ep.ID, webhooks.DeliveryFilter{Limit: 2, After: all[1].ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 3 || page[0].ID != all[2].ID {
		t.Errorf("page after %d: %+v", all[1].ID, page)
	}
	jobs := f.claim(time.Now().Add(time.Second), time.Minute, 2)
	for _, j := range jobs {
		if err := f.st.Complete(ctx, j, &webhooks.Result{At: time.Now(), Delivered: true, StatusCode: 200}); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(f.deliveries(f.ent, ep, webhooks.StatusDelivered)); n != 2 {
		t.Errorf("delivered: %d", n)
	}
	if n := len(f.deliveries(f.ent, ep, webhooks.StatusPending)); n != 3 {
		t.Errorf("pending: %d", n)
	}
	_, err = f.st.Deliveries(ctx, f.ent.ID, ep.ID, webhooks.DeliveryFilter{Status: "lost", Limit: 10})
	if e := ledger.As(err); e.Code != ledger.CodeInvalid || len(e.Fields) != 1 || e.Fields[0].Path != "status" {
		t.Errorf("unknown status: %v", err)
	}
	if _, err := f.st.Deliveries(ctx, f.ent.ID, 999999, webhooks.DeliveryFilter{Limit: 10}); reasonOf(err) != "not_found" {
		t.Errorf("unknown endpoint: %v", err)
	}
}

// Workers claiming at the same time never get the same delivery, across
// entities too.
func TestConcurrentClaims(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	other, _ := sqltest.Entity(t, f.st, "Other BV")
	f.endpoint(f.ent, "https://a.example.com/", "*")
	f.endpoint(f.ent, "https://b.example.com/", webhooks.OrderReceived)
	f.endpoint(other, "https://c.example.com/", "*")
	for i := range 40 {
		f.emit(f.ent, webhooks.OrderReceived, map[string]any{"i": i})
		f.emit(other, webhooks.InvoiceIssued, map[string]any{"i": i})
	}
	const want = 40*2 + 40
	now := time.Now().Add(time.Second)
	var mu sync.Mutex
	seen := map[int64]int{}
	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() {
			for range 10000 { // bounded: a bug that never claims the rest fails, not hangs
				jobs, err := f.st.Claim(ctx, now, time.Minute, 7)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				total := 0
				for _, j := range jobs {
					seen[j.DeliveryID]++
				}
				for _, n := range seen {
					total += n
				}
				mu.Unlock()
				if len(jobs) == 0 && total >= want {
					return
				}
				if len(jobs) == 0 {
					time.Sleep(time.Millisecond) // another worker holds the rest locked
				}
			}
		})
	}
	wg.Wait()
	if len(seen) != want {
		t.Fatalf("claimed %d distinct deliveries, want %d", len(seen), want)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("delivery %d claimed %d times", id, n)
		}
	}
}

// The worker is told which addresses the store accepted: a loopback policy
// lets tests register local receivers.
func TestPolicyIsTheStores(t *testing.T) {
	t.Parallel()
	st := hookstore.New(sqltest.Open(t), webhooks.AddressPolicy{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
	ent, p := sqltest.Entity(t, st, "Local BV")
	if _, err := st.CreateEndpoint(ctx, p, ent, &webhooks.EndpointInput{URL: ptr("http://127.0.0.1:9/"), Events: &[]string{"*"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateEndpoint(ctx, p, ent, &webhooks.EndpointInput{URL: ptr("http://10.0.0.1/"), Events: &[]string{"*"}}); reasonOf(err) != "url_not_allowed" {
		t.Errorf("private address: %v", err)
	}
}
