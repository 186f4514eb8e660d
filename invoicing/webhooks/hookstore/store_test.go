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

	"github.com/jackc/pgx/v5/pgconn"

	"backoffice/invoicing/webhooks"
	"backoffice/invoicing/webhooks/hookstore"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
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
	err := f.st.Write(ctx, func(tx *sqlstore.Tx) error { return tx.Emit(ent.ID, &f.p.KeyID, typ, data) })
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
	return string(ledger.As(err).Reason)
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
	// ... but while its request may still be open the delivery is not sent
	// again beside it: it is due when that attempt's lease ends.
	if n := len(f.claim(time.Now().Add(2*time.Second), lease, 10)); n != 0 {
		t.Fatalf("a redelivered delivery was claimed while its superseded attempt was still leased: %d", n)
	}
	if n := len(f.claim(time.Now().Add(lease+3*time.Second), lease, 10)); n != 1 {
		t.Fatalf("the redelivery was not due when the superseded attempt's lease ended: %d", n)
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
	if n := len(f.deliveries(f.ent, paused, webhooks.StatusPending)); n != 3 {
		t.Fatalf("%d pending deliveries, want 3", n)
	}
	jobs := f.claim(time.Now().Add(time.Second), time.Minute, 100)
	if len(jobs) != webhooks.MaxInFlightPerEndpoint { // of the three, as many as one endpoint may have in flight
		t.Fatalf("after enabling: %d jobs, want %d", len(jobs), webhooks.MaxInFlightPerEndpoint)
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
	if err := f.st.Query(ctx).DB().Raw(`SELECT count(*) FROM audit_events WHERE detail LIKE ?`, "%"+secret+"%").Scan(&n).Error; err != nil || n != 0 {
		t.Errorf("the audit trail holds the secret (%d rows, %v)", n, err)
	}
	if err := f.st.Query(ctx).DB().Raw(`SELECT count(*) FROM audit_events WHERE action LIKE 'webhook_endpoint.%'`).Scan(&n).Error; err != nil || n != 2 {
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

// Workers claiming at the same time, on two servers (two stores on one
// database), never get the same delivery, across entities too, and never
// have more than MaxInFlightPerEndpoint deliveries of one endpoint under
// lease at any moment: each worker checks the database after every claim,
// then records its jobs as delivered, which ends their leases.
func TestConcurrentClaims(t *testing.T) {
	t.Parallel()
	cfg := sqltest.Config(t)
	servers := make([]*hookstore.Store, 2)
	for i := range servers {
		st, err := sqlstore.Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		servers[i] = hookstore.New(st, webhooks.AddressPolicy{})
	}
	f := &fixture{t: t, st: servers[0]}
	f.ent, f.p = sqltest.Entity(t, f.st, "Bakkerij Hooks BV")
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
	maxInFlight := 0
	var wg sync.WaitGroup
	for w := range 6 {
		st := servers[w%len(servers)]
		wg.Go(func() {
			for range 10000 { // bounded: a bug that never claims the rest fails, not hangs
				jobs, err := st.Claim(ctx, now, time.Minute, 3)
				if err != nil {
					t.Error(err)
					return
				}
				// What the database holds in flight right now, per endpoint.
				var n int
				err = st.Query(ctx).DB().Raw(`SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM webhook_deliveries
					WHERE leased_until > ? GROUP BY entity_id, endpoint_id) c`, now).Scan(&n).Error
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				maxInFlight = max(maxInFlight, n)
				for _, j := range jobs {
					seen[j.DeliveryID]++
				}
				total := len(seen)
				mu.Unlock()
				for _, j := range jobs {
					if err := st.Complete(ctx, j, &webhooks.Result{At: now, StatusCode: 204, Delivered: true}); err != nil {
						t.Error(err)
						return
					}
				}
				if len(jobs) == 0 && total >= want {
					return
				}
				if len(jobs) == 0 {
					time.Sleep(time.Millisecond) // another worker holds the rest
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
	if maxInFlight > webhooks.MaxInFlightPerEndpoint || maxInFlight == 0 {
		t.Errorf("an endpoint had %d deliveries in flight at once, want 1 to %d", maxInFlight, webhooks.MaxInFlightPerEndpoint)
	}
}

// The claim gives one endpoint at most MaxInFlightPerEndpoint deliveries
// under an unexpired lease, shares the slots between endpoints before it
// gives one a second, and counts a crashed worker's leases only until they
// expire: then its deliveries come back.
func TestClaimPerEndpointLimit(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	other, _ := sqltest.Entity(t, f.st, "Other BV")
	busy := f.endpoint(f.ent, "https://busy.example.com/", webhooks.OrderReceived)
	for i := range 6 {
		f.emit(f.ent, webhooks.OrderReceived, map[string]any{"i": i})
	}
	// Queued after the busy endpoint's backlog: the oldest due are all its.
	quiet := f.endpoint(f.ent, "https://quiet.example.com/", webhooks.InvoiceIssued)
	f.emit(f.ent, webhooks.InvoiceIssued, map[string]any{"n": 1})
	far := f.endpoint(other, "https://far.example.com/", "*")
	f.emit(other, webhooks.InvoiceIssued, map[string]any{"n": 1})
	now := time.Now().Add(time.Second)
	lease := time.Minute
	count := func(jobs []*webhooks.Job) map[int64]int {
		m := map[int64]int{}
		for _, j := range jobs {
			m[j.EndpointID]++
		}
		return m
	}

	// Three slots: one each, although the busy endpoint's six are older.
	first := f.claim(now, lease, 3)
	if c := count(first); len(first) != 3 || c[busy.ID] != 1 || c[quiet.ID] != 1 || c[far.ID] != 1 {
		t.Fatalf("three slots went %v, want one per endpoint", c)
	}
	// Plenty of slots: the busy endpoint gets up to its limit, no more.
	second := f.claim(now, lease, 100)
	if c := count(second); len(second) != webhooks.MaxInFlightPerEndpoint-1 || c[busy.ID] != len(second) {
		t.Fatalf("then %v, want %d more of the busy endpoint", c, webhooks.MaxInFlightPerEndpoint-1)
	}
	if n := len(f.claim(now, lease, 100)); n != 0 {
		t.Fatalf("claimed %d beyond the limit", n)
	}
	// A recorded attempt ends its lease and frees the place.
	var busyJob *webhooks.Job
	for _, j := range first {
		if j.EndpointID == busy.ID {
			busyJob = j
		} else if err := f.st.Complete(ctx, j, &webhooks.Result{At: now, StatusCode: 204, Delivered: true}); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.st.Complete(ctx, busyJob, &webhooks.Result{At: now, StatusCode: 410, Error: "HTTP 410", RetryAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	third := f.claim(now, lease, 100)
	if c := count(third); len(third) != 1 || c[busy.ID] != 1 {
		t.Fatalf("after one attempt was recorded: %v, want one of the busy endpoint", c)
	}
	if n := len(f.claim(now, lease, 100)); n != 0 {
		t.Fatalf("claimed %d beyond the limit", n)
	}
	// The worker holding the busy endpoint's two dies. Within the lease
	// nothing more goes out; after it, the limit is free again and the
	// claims it held come back (with a new claim, the same attempt).
	held := append(slices.Clone(second), third...)
	if n := len(f.claim(now.Add(lease-time.Second), lease, 100)); n != 0 {
		t.Fatalf("claimed %d while the leases ran", n)
	}
	later := now.Add(lease + time.Second)
	var back []*webhooks.Job
	for i := 0; i < 10 && len(back) < len(held); i++ {
		jobs := f.claim(later, lease, 100)
		if c := count(jobs); len(jobs) > webhooks.MaxInFlightPerEndpoint || c[busy.ID] != len(jobs) {
			t.Fatalf("after the lease: %v", c)
		}
		for _, j := range jobs {
			for _, h := range held {
				if h.DeliveryID == j.DeliveryID {
					if j.Attempt != h.Attempt || j.Claim == h.Claim {
						t.Errorf("reclaimed %+v, held %+v", j, h)
					}
					back = append(back, j)
				}
			}
			if err := f.st.Complete(ctx, j, &webhooks.Result{At: later, StatusCode: 204, Delivered: true}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(back) != len(held) {
		t.Fatalf("%d of the %d deliveries of the dead worker came back", len(back), len(held))
	}
	for _, h := range held {
		if err := f.st.Complete(ctx, h, &webhooks.Result{At: later, StatusCode: 204, Delivered: true}); !errors.Is(err, webhooks.ErrLeaseLost) {
			t.Errorf("the dead worker's late result: %v", err)
		}
	}
	// Delivered and waiting deliveries are not in flight.
	var leased int64
	if err := f.st.Query(ctx).DB().Raw(`SELECT count(*) FROM webhook_deliveries WHERE leased_until IS NOT NULL AND status <> 'pending'`).Scan(&leased).Error; err != nil {
		t.Fatal(err)
	}
	if leased != 0 {
		t.Errorf("%d finished deliveries still leased", leased)
	}
}

// A failing endpoint is backed off: its failures in a row are counted, a
// backoff holds back all of its deliveries (not those of other endpoints),
// a later backoff is never shortened by an earlier one, a success clears
// it all, and the deliveries keep their log and last error meanwhile.
func TestEndpointBackoff(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sick := f.endpoint(f.ent, "https://sick.example.com/", webhooks.OrderReceived)
	fine := f.endpoint(f.ent, "https://fine.example.com/", webhooks.InvoiceIssued)
	for i := range 4 {
		f.emit(f.ent, webhooks.OrderReceived, map[string]any{"i": i})
	}
	now := time.Now().Add(time.Second).UTC().Truncate(time.Microsecond)
	lease := time.Minute
	health := func() *webhooks.Endpoint {
		t.Helper()
		ep, err := f.st.Endpoint(ctx, f.ent.ID, sick.ID)
		if err != nil {
			t.Fatal(err)
		}
		return ep
	}

	jobs := f.claim(now, lease, 10)
	if len(jobs) != 2 || jobs[0].EndpointFailures != 0 {
		t.Fatalf("claimed %+v", jobs)
	}
	// A 503 counts; no backoff asked for yet.
	if err := f.st.Complete(ctx, jobs[0], &webhooks.Result{At: now, StatusCode: 503, Error: "HTTP 503", RetryAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if ep := health(); ep.ConsecutiveFailures != 1 || ep.FailingSince == nil || !ep.FailingSince.Equal(now) || ep.BackoffUntil != nil {
		t.Fatalf("after a 503: %+v", ep)
	}
	// A timeout counts, and backs the endpoint off for five minutes.
	backoff := now.Add(5 * time.Minute)
	if err := f.st.Complete(ctx, jobs[1], &webhooks.Result{At: now.Add(time.Second), Duration: 10 * time.Second,
		Error: "no answer within 10s", RetryAt: now.Add(time.Hour), EndpointRetryAt: backoff}); err != nil {
		t.Fatal(err)
	}
	if ep := health(); ep.ConsecutiveFailures != 2 || !ep.FailingSince.Equal(now) || ep.BackoffUntil == nil || !ep.BackoffUntil.Equal(backoff) {
		t.Fatalf("after a timeout: %+v", ep)
	}
	// Backed off: the endpoint's due deliveries wait; another endpoint's
	// do not.
	f.emit(f.ent, webhooks.InvoiceIssued, map[string]any{"n": 1})
	jobs = f.claim(now.Add(time.Minute), lease, 10)
	if len(jobs) != 1 || jobs[0].EndpointID != fine.ID {
		t.Fatalf("during the backoff: %+v", jobs)
	}
	if err := f.st.Complete(ctx, jobs[0], &webhooks.Result{At: now.Add(time.Minute), StatusCode: 204, Delivered: true}); err != nil {
		t.Fatal(err)
	}
	// After it the other two go out (the first two wait for their own
	// retry). A 4xx neither counts nor clears; a refused connection counts.
	jobs = f.claim(backoff, lease, 10)
	if len(jobs) != 2 || jobs[0].EndpointID != sick.ID || jobs[0].EndpointFailures != 2 {
		t.Fatalf("after the backoff: %+v", jobs)
	}
	if err := f.st.Complete(ctx, jobs[0], &webhooks.Result{At: backoff, StatusCode: 400, Error: "HTTP 400", RetryAt: backoff.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if ep := health(); ep.ConsecutiveFailures != 2 {
		t.Fatalf("a 400 changed the count: %+v", ep)
	}
	longer := backoff.Add(time.Hour)
	if err := f.st.Complete(ctx, jobs[1], &webhooks.Result{At: backoff, Error: "connection refused", RetryAt: longer, EndpointRetryAt: longer}); err != nil {
		t.Fatal(err)
	}
	if ep := health(); ep.ConsecutiveFailures != 3 || !ep.BackoffUntil.Equal(longer) {
		t.Fatalf("after a refused connection: %+v", ep)
	}
	// Two workers fail at once: the earlier backoff does not shorten the
	// later one. A stale result changes nothing.
	jobs = f.claim(longer, lease, 10)
	if len(jobs) != 2 || jobs[0].EndpointID != sick.ID || jobs[1].EndpointID != sick.ID {
		t.Fatalf("after the longer backoff: %+v", jobs)
	}
	if err := f.st.Complete(ctx, jobs[0], &webhooks.Result{At: longer, Error: "connection refused", RetryAt: longer.Add(time.Hour),
		EndpointRetryAt: longer.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if err := f.st.Complete(ctx, jobs[1], &webhooks.Result{At: longer, Error: "connection refused", RetryAt: longer.Add(time.Hour),
		EndpointRetryAt: longer.Add(30 * time.Second)}); err != nil {
		t.Fatal(err)
	}
	if err := f.st.Complete(ctx, jobs[0], &webhooks.Result{At: longer, Error: "x", EndpointRetryAt: longer.Add(time.Hour)}); !errors.Is(err, webhooks.ErrLeaseLost) {
		t.Fatalf("a stale result: %v", err)
	}
	if ep := health(); ep.ConsecutiveFailures != 5 || !ep.FailingSince.Equal(now) || !ep.BackoffUntil.Equal(longer.Add(time.Minute)) {
		t.Fatalf("after five failures: %+v", ep)
	}
	// The deliveries stay pending, each with its log and last error.
	for _, d := range f.deliveries(f.ent, sick, "") {
		if d.Status != webhooks.StatusPending || d.Attempts == 0 || d.LastError == "" || len(f.delivery(sick, d.ID).Log) != d.Attempts {
			t.Errorf("delivery %+v", d)
		}
	}
	// A success clears the endpoint's health.
	jobs = f.claim(longer.Add(time.Minute), lease, 10)
	if len(jobs) != 2 || jobs[0].EndpointID != sick.ID || jobs[0].EndpointFailures != 5 {
		t.Fatalf("after the backoff: %+v", jobs)
	}
	for _, j := range jobs {
		if err := f.st.Complete(ctx, j, &webhooks.Result{At: longer.Add(time.Minute), StatusCode: 200, Delivered: true}); err != nil {
			t.Fatal(err)
		}
	}
	if ep := health(); ep.ConsecutiveFailures != 0 || ep.FailingSince != nil || ep.BackoffUntil != nil {
		t.Fatalf("after a success: %+v", ep)
	}
	// A redelivery by hand ends a backoff at once.
	jobs = f.claim(longer.Add(time.Hour), lease, 10)
	if len(jobs) != 2 {
		t.Fatalf("the last two: %+v", jobs)
	}
	j := jobs[0]
	if err := f.st.Complete(ctx, j, &webhooks.Result{At: longer.Add(time.Hour), StatusCode: 502, Error: "HTTP 502", RetryAt: longer.Add(2 * time.Hour),
		EndpointRetryAt: longer.Add(3 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := f.st.Complete(ctx, jobs[1], &webhooks.Result{At: longer.Add(time.Hour), StatusCode: 200, Delivered: true}); err != nil {
		t.Fatal(err)
	}
	if ep := health(); ep.BackoffUntil != nil || ep.ConsecutiveFailures != 0 {
		t.Fatalf("a success after a failure: %+v", ep)
	}
	if err := f.st.Complete(ctx, j, &webhooks.Result{}); !errors.Is(err, webhooks.ErrLeaseLost) {
		t.Fatal(err)
	}
	// Fail it again (redelivered first, so it is due), with a backoff.
	if _, err := f.st.Redeliver(ctx, f.p, f.ent, sick.ID, j.DeliveryID); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now().Add(time.Second)
	j = f.claim(t0, lease, 10)[0]
	if err := f.st.Complete(ctx, j, &webhooks.Result{At: t0, StatusCode: 502, Error: "HTTP 502", RetryAt: t0.Add(time.Hour),
		EndpointRetryAt: t0.Add(3 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if ep := health(); ep.BackoffUntil == nil || ep.ConsecutiveFailures != 1 {
		t.Fatalf("a failure with a backoff: %+v", ep)
	}
	if _, err := f.st.Redeliver(ctx, f.p, f.ent, sick.ID, j.DeliveryID); err != nil {
		t.Fatal(err)
	}
	if ep := health(); ep.BackoffUntil != nil || ep.ConsecutiveFailures != 1 {
		t.Fatalf("after a redelivery: %+v", ep)
	}
	if jobs := f.claim(time.Now().Add(time.Second), lease, 10); len(jobs) != 1 || jobs[0].DeliveryID != j.DeliveryID {
		t.Fatalf("redelivered during a backoff: %+v", jobs)
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

// A store bound to a unit of work (In) writes in it and reads what it
// wrote: the endpoint, the event emitted beside it and their audit commit
// together or not at all.
func TestBoundStore(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	boom := errors.New("boom")
	audited := func() int64 {
		t.Helper()
		var n int64
		if err := f.st.Query(ctx).DB().Raw(`SELECT count(*) FROM audit_events WHERE action LIKE 'webhook_%'`).Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}
	work := func(fail error) (*webhooks.Endpoint, error) {
		var ep *webhooks.Endpoint
		err := f.st.Write(ctx, func(tx *sqlstore.Tx) error {
			b := f.st.In(tx)
			var err error
			ep, err = b.CreateEndpoint(ctx, f.p, f.ent, &webhooks.EndpointInput{URL: ptr("https://a.example.com/"), Events: &[]string{"*"}})
			if err != nil {
				return err
			}
			if err := tx.Emit(f.ent.ID, &f.p.KeyID, webhooks.OrderReceived, map[string]any{"n": 1}); err != nil {
				return err
			}
			// Not committed yet: only the unit of work sees them.
			if list, err := b.Deliveries(ctx, f.ent.ID, ep.ID, webhooks.DeliveryFilter{Limit: 10}); err != nil || len(list) != 1 {
				t.Errorf("the unit of work sees deliveries %v, %v; want its one", list, err)
			}
			if got, err := b.Endpoint(ctx, f.ent.ID, ep.ID); err != nil || !got.CreatedAt.Equal(tx.Now) {
				t.Errorf("the unit of work sees endpoint %+v, %v; created at %v", got, err, tx.Now)
			}
			return fail
		})
		return ep, err
	}

	if _, err := work(boom); !errors.Is(err, boom) {
		t.Fatalf("a failed unit of work: %v", err)
	}
	if eps, err := f.st.Endpoints(ctx, f.ent.ID); err != nil || len(eps) != 0 {
		t.Fatalf("rolled back, endpoints %v, %v", eps, err)
	}
	if evs, err := f.st.Events(ctx, f.ent.ID, 0, 10); err != nil || len(evs) != 0 {
		t.Fatalf("rolled back, events %v, %v", evs, err)
	}
	if n := audited(); n != 0 {
		t.Fatalf("rolled back, %d audit records", n)
	}

	ep, err := work(nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.deliveries(f.ent, ep, webhooks.StatusPending); len(got) != 1 || got[0].EventSequence != 1 {
		t.Fatalf("committed, deliveries %+v", got)
	}
	if n := audited(); n != 1 {
		t.Fatalf("committed, %d audit records, want 1", n)
	}
	// Claimed and completed in one unit of work of the caller's.
	now := time.Now().Add(time.Second)
	err = f.st.Write(ctx, func(tx *sqlstore.Tx) error {
		jobs, err := f.st.In(tx).Claim(ctx, now, time.Minute, 10)
		if err != nil {
			return err
		}
		if len(jobs) != 1 {
			return fmt.Errorf("claimed %d jobs, want 1", len(jobs))
		}
		return f.st.In(tx).Complete(ctx, jobs[0], &webhooks.Result{At: now, StatusCode: 204, Delivered: true})
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.deliveries(f.ent, ep, webhooks.StatusDelivered); len(got) != 1 {
		t.Fatalf("after the bound claim and completion: %+v", f.deliveries(f.ent, ep, ""))
	}
	// A result whose lease was lost changes nothing, also in a unit of
	// work that goes on and commits.
	if _, err := f.st.Redeliver(ctx, f.p, f.ent, ep.ID, f.deliveries(f.ent, ep, "")[0].ID); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Second)
	jobs := f.claim(later, time.Minute, 10)
	if len(jobs) != 1 {
		t.Fatalf("claimed %+v after the redelivery", jobs)
	}
	if _, err := f.st.Redeliver(ctx, f.p, f.ent, ep.ID, jobs[0].DeliveryID); err != nil { // supersedes the claim
		t.Fatal(err)
	}
	err = f.st.Write(ctx, func(tx *sqlstore.Tx) error {
		err := f.st.In(tx).Complete(ctx, jobs[0], &webhooks.Result{At: later, Error: "connection refused", RetryAt: later.Add(time.Hour),
			EndpointRetryAt: later.Add(time.Hour)})
		if !errors.Is(err, webhooks.ErrLeaseLost) {
			return fmt.Errorf("a superseded claim's result: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := f.st.Endpoint(ctx, f.ent.ID, ep.ID); err != nil || got.ConsecutiveFailures != 0 || got.BackoffUntil != nil {
		t.Fatalf("the lost result changed the endpoint: %+v, %v", got, err)
	}
	if d := f.delivery(ep, jobs[0].DeliveryID); len(d.Log) != 1 || d.Status != webhooks.StatusPending {
		t.Fatalf("the lost result changed the delivery: %+v", d)
	}
}

// A unit of work that claims and is rolled back for a conflict runs again:
// the first try's lease was rolled back with it, and the jobs the caller
// gets are those of the try that committed (the delivery's one claim).
func TestClaimInRetriedUnitOfWork(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ep := f.endpoint(f.ent, "https://a.example.com/", "*")
	f.emit(f.ent, webhooks.OrderReceived, map[string]any{"n": 1})
	now := time.Now().Add(time.Second)
	tries := 0
	var jobs []*webhooks.Job
	err := f.st.Write(ctx, func(tx *sqlstore.Tx) error {
		tries++
		var err error
		if jobs, err = f.st.In(tx).Claim(ctx, now, time.Minute, 10); err != nil {
			return err
		}
		if tries == 1 {
			return &pgconn.PgError{Code: "40001", Message: "could not serialize access (simulated)"}
		}
		return nil
	})
	if err != nil || tries != 2 {
		t.Fatalf("%d tries: %v", tries, err)
	}
	if len(jobs) != 1 || jobs[0].Claim != 1 || jobs[0].Attempt != 1 {
		t.Fatalf("jobs %+v, want the delivery's first claim", jobs)
	}
	var claims int64
	if err := f.st.Query(ctx).DB().Raw(`SELECT claims FROM webhook_deliveries WHERE entity_id = ? AND id = ?`, f.ent.ID, jobs[0].DeliveryID).Scan(&claims).Error; err != nil {
		t.Fatal(err)
	}
	if claims != 1 {
		t.Fatalf("the delivery was claimed %d times, want once", claims)
	}
	if err := f.st.Complete(ctx, jobs[0], &webhooks.Result{At: now, StatusCode: 204, Delivered: true}); err != nil {
		t.Fatal(err)
	}
	if got := f.deliveries(f.ent, ep, webhooks.StatusDelivered); len(got) != 1 {
		t.Fatalf("deliveries %+v", f.deliveries(f.ent, ep, ""))
	}
}

// Claim's own unit of work, retried after its first try read the claimed
// rows and then failed to commit, returns what the try that committed
// leased, not the rows of the try that was rolled back. PostgreSQL only:
// the conflict is a deferred trigger that fails the first COMMIT.
func TestClaimRetriedAtCommit(t *testing.T) {
	t.Parallel()
	if sqltest.Dialect() != sqlstore.Postgres {
		t.Skip("needs a deferred trigger (PostgreSQL)")
	}
	cfg := sqltest.Config(t)
	var between func()
	retried := 0
	cfg.OnRetry = func(error) {
		retried++
		if between != nil {
			between()
		}
	}
	l, err := sqlstore.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	st := hookstore.New(l, webhooks.AddressPolicy{})
	f := &fixture{t: t, st: st}
	f.ent, f.p = sqltest.Entity(t, st, "Bakkerij Hooks BV")
	ep := f.endpoint(f.ent, "https://a.example.com/", "*")
	f.emit(f.ent, webhooks.OrderReceived, map[string]any{"n": 1})
	// The first COMMIT that leased a delivery fails as a serialization
	// failure would (a sequence is not rolled back with it).
	err = st.Query(ctx).DB().Exec(`CREATE SEQUENCE test_claim_once;
		CREATE FUNCTION test_fail_once() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF NEW.leased_until IS NOT NULL AND nextval('test_claim_once') = 1 THEN
				RAISE EXCEPTION 'simulated conflict' USING ERRCODE = '40001';
			END IF;
			RETURN NULL;
		END $$;
		CREATE CONSTRAINT TRIGGER test_fail_once AFTER UPDATE ON webhook_deliveries
			DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_fail_once()`).Error
	if err != nil {
		t.Fatal(err)
	}
	// Between the tries the endpoint is disabled: the second try claims
	// nothing, and so must the answer say.
	between = func() {
		if _, err := st.UpdateEndpoint(ctx, f.p, f.ent, ep.ID, &webhooks.EndpointInput{Enabled: ptr(false)}); err != nil {
			t.Error(err)
		}
	}
	now := time.Now().Add(time.Second)
	if jobs := f.claim(now, time.Minute, 10); len(jobs) != 0 || retried != 1 {
		t.Fatalf("after %d retries claimed %+v, want nothing", retried, jobs)
	}
	between = nil
	if _, err := st.UpdateEndpoint(ctx, f.p, f.ent, ep.ID, &webhooks.EndpointInput{Enabled: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	// Nothing of the rolled-back try remains: the delivery's first claim.
	jobs := f.claim(now, time.Minute, 10)
	if len(jobs) != 1 || jobs[0].Claim != 1 || retried != 1 {
		t.Fatalf("claimed %+v after %d retries, want the first claim", jobs, retried)
	}
}
