// Package hookstore keeps webhook endpoints, the outbox of events and
// their deliveries in the ledger's database (gorm, on PostgreSQL or
// SQLite). It serves the API (webhooks.Store) and the background worker
// (webhooks.Queue). Events themselves are written by (*sqlstore.Tx).Emit,
// in the unit of work of the change they describe.
package hookstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"backoffice/invoicing/webhooks"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
)

// MaxEndpoints is how many endpoints an entity may have at once. It bounds
// the fan-out of every event (one delivery per endpoint, written in the
// transaction of the change); it is checked before the insert, so two
// creations racing may pass it by one.
const MaxEndpoints = 20

// Store is the ledger store with webhooks added.
type Store struct {
	*sqlstore.Store
	policy webhooks.AddressPolicy
}

var (
	_ webhooks.Store = (*Store)(nil)
	_ webhooks.Queue = (*Store)(nil)
)

// New wraps a ledger store. policy decides which endpoint URLs with literal
// addresses are accepted (the worker checks resolved addresses again).
func New(l *sqlstore.Store, policy webhooks.AddressPolicy) *Store {
	return &Store{Store: l, policy: policy}
}

// In is the store bound to a unit of work: its methods run in tx and
// neither commit nor retry it.
func (s *Store) In(tx *sqlstore.Tx) *Store {
	return &Store{Store: s.Store.In(tx), policy: s.policy}
}

// write runs fn as one unit of work (sqlstore.Store.Write: retried whole on
// a conflict, or run in the unit of work the store is bound to),
// translating errors.
func (s *Store) write(ctx context.Context, fn func(tx *sqlstore.Tx) error) error {
	return sqlstore.Translate(s.Write(ctx, fn))
}

// ---- endpoints -------------------------------------------------------------

type endpointRow struct {
	ID          int64
	EntityID    int64
	URL         string
	Secret      string
	Events      string
	Description string
	Enabled     bool
	CreatedAt   time.Time
	UpdatedAt   time.Time
	DeletedAt   *time.Time
	// health (see webhooks.Endpoint)
	ConsecutiveFailures int
	FailingSince        *time.Time
	BackoffUntil        *time.Time
}

const endpointSelect = `SELECT id, entity_id, url, secret, events, description, enabled, created_at, updated_at, deleted_at,
	consecutive_failures, failing_since, backoff_until FROM webhook_endpoints`

// endpoint is the view without the secret, which is shown only once.
func (r *endpointRow) endpoint() *webhooks.Endpoint {
	return &webhooks.Endpoint{ID: r.ID, EntityID: r.EntityID, URL: r.URL, Events: splitEvents(r.Events),
		Description: r.Description, Enabled: r.Enabled, ConsecutiveFailures: r.ConsecutiveFailures,
		FailingSince: utc(r.FailingSince), BackoffUntil: utc(r.BackoffUntil), CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

// joinEvents stores a subscription as ",a,b," so that one LIKE finds a type
// (see sqlstore.Tx.Emit).
func joinEvents(ev []string) string { return "," + strings.Join(ev, ",") + "," }

func splitEvents(s string) []string {
	s = strings.Trim(s, ",")
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

// endpointAudit is what the audit trail keeps of an endpoint: never the
// secret.
type endpointAudit struct {
	URL         string   `json:"url"`
	Events      []string `json:"events"`
	Description string   `json:"description"`
	Enabled     bool     `json:"enabled"`
}

func auditOf(ep *webhooks.Endpoint) endpointAudit {
	return endpointAudit{URL: ep.URL, Events: ep.Events, Description: ep.Description, Enabled: ep.Enabled}
}

func endpointNotFound() error { return ledger.NotFound("webhook endpoint") }

// loadEndpoint reads a live (not deleted) endpoint, locked when lock.
func (s *Store) loadEndpoint(tx *sqlstore.Tx, entityID, id int64, lock bool) (*endpointRow, error) {
	q := endpointSelect + ` WHERE entity_id = ? AND id = ? AND deleted_at IS NULL`
	if lock {
		q += tx.ForUpdate()
	}
	var rows []endpointRow
	if err := tx.DB().Raw(q, entityID, id).Scan(&rows).Error; err != nil {
		return nil, sqlstore.Translate(err)
	}
	if len(rows) == 0 {
		return nil, endpointNotFound()
	}
	return &rows[0], nil
}

// CreateEndpoint registers an endpoint; the answer is the only one that
// shows its secret.
func (s *Store) CreateEndpoint(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, in *webhooks.EndpointInput) (*webhooks.Endpoint, error) {
	ep := &webhooks.Endpoint{EntityID: ent.ID}
	if err := in.Apply(ep, true, s.policy); err != nil {
		return nil, err
	}
	err := s.write(ctx, func(tx *sqlstore.Tx) error {
		var n int64
		if err := tx.DB().Raw(`SELECT count(*) FROM webhook_endpoints WHERE entity_id = ? AND deleted_at IS NULL`, ent.ID).Scan(&n).Error; err != nil {
			return err
		}
		if n >= MaxEndpoints {
			return ledger.Errorf(ledger.CodeConflict, ledger.ReasonEndpointLimit, "an entity has at most %d webhook endpoints; delete one first", MaxEndpoints)
		}
		t := tx.Now
		err := tx.DB().Raw(`INSERT INTO webhook_endpoints (entity_id, url, secret, events, description, enabled, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			ent.ID, ep.URL, ep.Secret, joinEvents(ep.Events), ep.Description, ep.Enabled, p.ActorID, t, t).Scan(&ep.ID).Error
		if err != nil {
			return err
		}
		ep.CreatedAt, ep.UpdatedAt = t, t
		return tx.Audit(ent.ID, &p.ActorID, "webhook_endpoint.created", fmt.Sprintf("webhook endpoint %d", ep.ID), auditOf(ep))
	})
	if err != nil {
		return nil, err
	}
	return ep, nil
}

// Endpoints lists the entity's endpoints (at most MaxEndpoints) by id.
func (s *Store) Endpoints(ctx context.Context, entityID int64) ([]*webhooks.Endpoint, error) {
	var rows []endpointRow
	if err := s.Query(ctx).DB().Raw(endpointSelect+` WHERE entity_id = ? AND deleted_at IS NULL ORDER BY id`, entityID).Scan(&rows).Error; err != nil {
		return nil, sqlstore.Translate(err)
	}
	out := make([]*webhooks.Endpoint, len(rows))
	for i := range rows {
		out[i] = rows[i].endpoint()
	}
	return out, nil
}

// Endpoint reads one endpoint, without its secret; a deleted one is not
// found.
func (s *Store) Endpoint(ctx context.Context, entityID, id int64) (*webhooks.Endpoint, error) {
	r, err := s.loadEndpoint(s.Query(ctx), entityID, id, false)
	if err != nil {
		return nil, err
	}
	return r.endpoint(), nil
}

// UpdateEndpoint changes the fields sent. Disabling stops deliveries (those
// pending wait, new events are not queued for it) until it is enabled again.
func (s *Store) UpdateEndpoint(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64, in *webhooks.EndpointInput) (*webhooks.Endpoint, error) {
	var out *webhooks.Endpoint
	err := s.write(ctx, func(tx *sqlstore.Tx) error {
		out = nil
		r, err := s.loadEndpoint(tx, ent.ID, id, true)
		if err != nil {
			return err
		}
		ep := r.endpoint()
		before := auditOf(ep)
		if err := in.Apply(ep, false, s.policy); err != nil {
			return err
		}
		ep.UpdatedAt = tx.Now
		err = tx.DB().Exec(`UPDATE webhook_endpoints SET url = ?, events = ?, description = ?, enabled = ?, updated_at = ?
			WHERE entity_id = ? AND id = ?`, ep.URL, joinEvents(ep.Events), ep.Description, ep.Enabled, ep.UpdatedAt, ent.ID, id).Error
		if err != nil {
			return err
		}
		if ep.URL != r.URL && (ep.ConsecutiveFailures != 0 || ep.BackoffUntil != nil) {
			// Another URL is another receiver: the old one's failures and
			// backoff say nothing about it.
			err = tx.DB().Exec(`UPDATE webhook_endpoints SET consecutive_failures = 0, failing_since = NULL, backoff_until = NULL
				WHERE entity_id = ? AND id = ?`, ent.ID, id).Error
			if err != nil {
				return err
			}
			ep.ConsecutiveFailures, ep.FailingSince, ep.BackoffUntil = 0, nil, nil
		}
		out = ep
		return tx.Audit(ent.ID, &p.ActorID, "webhook_endpoint.updated", fmt.Sprintf("webhook endpoint %d", id),
			map[string]endpointAudit{"from": before, "to": auditOf(ep)})
	})
	return out, err
}

// DeleteEndpoint removes an endpoint from the entity's list: no new events
// are queued for it and its pending deliveries end as failed ("endpoint
// deleted"). Its deliveries and their log stay readable.
func (s *Store) DeleteEndpoint(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64) error {
	return s.write(ctx, func(tx *sqlstore.Tx) error {
		r, err := s.loadEndpoint(tx, ent.ID, id, true)
		if err != nil {
			return err
		}
		t := tx.Now
		if err := tx.DB().Exec(`UPDATE webhook_endpoints SET deleted_at = ?, updated_at = ? WHERE entity_id = ? AND id = ?`, t, t, ent.ID, id).Error; err != nil {
			return err
		}
		// claims + 1: a worker sending one of these right now records nothing.
		err = tx.DB().Exec(`UPDATE webhook_deliveries SET status = 'failed', last_error = 'endpoint deleted', next_attempt_at = ?, claims = claims + 1,
			leased_until = NULL WHERE entity_id = ? AND endpoint_id = ? AND status = 'pending'`, t, ent.ID, id).Error
		if err != nil {
			return err
		}
		return tx.Audit(ent.ID, &p.ActorID, "webhook_endpoint.deleted", fmt.Sprintf("webhook endpoint %d", id), auditOf(r.endpoint()))
	})
}

// ---- events ---------------------------------------------------------------

type eventRow struct {
	ID        int64
	EntityID  int64
	Seq       int64
	Type      string
	Data      string
	CreatedAt time.Time
}

func (r *eventRow) event() *webhooks.Event {
	return &webhooks.Event{ID: r.ID, Sequence: r.Seq, Type: r.Type, EntityID: r.EntityID, CreatedAt: r.CreatedAt.UTC(), Data: json.RawMessage(r.Data)}
}

// Events lists the entity's events with a sequence above afterSeq, in
// sequence order, at most limit+1 (the extra one says there are more).
func (s *Store) Events(ctx context.Context, entityID int64, afterSeq int64, limit int) ([]*webhooks.Event, error) {
	var rows []eventRow
	err := s.Query(ctx).DB().Raw(`SELECT id, entity_id, seq, type, data, created_at FROM events WHERE entity_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
		entityID, afterSeq, limit+1).Scan(&rows).Error
	if err != nil {
		return nil, sqlstore.Translate(err)
	}
	out := make([]*webhooks.Event, len(rows))
	for i := range rows {
		out[i] = rows[i].event()
	}
	return out, nil
}

// ---- deliveries -----------------------------------------------------------

type deliveryRow struct {
	ID             int64
	EndpointID     int64
	EventID        int64
	EventType      string
	EventSeq       int64
	Status         string
	Attempts       int
	NextAttemptAt  time.Time
	LastAttemptAt  *time.Time
	LastStatusCode *int
	LastError      string
	DeliveredAt    *time.Time
	CreatedAt      time.Time
}

const deliverySelect = `SELECT d.id, d.endpoint_id, d.event_id, v.type AS event_type, v.seq AS event_seq, d.status, d.attempts,
	d.next_attempt_at, d.last_attempt_at, d.last_status_code, d.last_error, d.delivered_at, d.created_at
	FROM webhook_deliveries d JOIN events v ON v.entity_id = d.entity_id AND v.id = d.event_id`

func (r *deliveryRow) delivery() *webhooks.Delivery {
	d := &webhooks.Delivery{ID: r.ID, EndpointID: r.EndpointID, EventID: r.EventID, EventType: r.EventType, EventSequence: r.EventSeq,
		Status: r.Status, Attempts: r.Attempts, LastAttemptAt: utc(r.LastAttemptAt), LastStatusCode: r.LastStatusCode,
		LastError: r.LastError, DeliveredAt: utc(r.DeliveredAt), CreatedAt: r.CreatedAt.UTC()}
	if r.Status == webhooks.StatusPending {
		d.NextAttemptAt = utc(&r.NextAttemptAt)
	}
	return d
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// endpointExists reports an endpoint of the entity, deleted or not: the
// log of a deleted endpoint stays readable.
func (s *Store) endpointExists(tx *sqlstore.Tx, entityID, id int64) error {
	var n int64
	if err := tx.DB().Raw(`SELECT count(*) FROM webhook_endpoints WHERE entity_id = ? AND id = ?`, entityID, id).Scan(&n).Error; err != nil {
		return sqlstore.Translate(err)
	}
	if n == 0 {
		return endpointNotFound()
	}
	return nil
}

// Deliveries lists an endpoint's deliveries newest first, below the id
// cursor f.After (0: from the newest), at most f.Limit+1.
func (s *Store) Deliveries(ctx context.Context, entityID, endpointID int64, f webhooks.DeliveryFilter) ([]*webhooks.Delivery, error) {
	q := deliverySelect + ` WHERE d.entity_id = ? AND d.endpoint_id = ?`
	args := []any{entityID, endpointID}
	switch f.Status {
	case "":
	case webhooks.StatusPending, webhooks.StatusDelivered, webhooks.StatusFailed:
		q += ` AND d.status = ?`
		args = append(args, f.Status)
	default:
		var p ledger.Problems
		p.Add("status", ledger.ReasonParameterInvalid, "status %q is unknown; one of pending, delivered, failed", f.Status)
		return nil, p.Err()
	}
	tx := s.Query(ctx)
	if err := s.endpointExists(tx, entityID, endpointID); err != nil {
		return nil, err
	}
	if f.After > 0 {
		q += ` AND d.id < ?`
		args = append(args, f.After)
	}
	var rows []deliveryRow
	if err := tx.DB().Raw(q+` ORDER BY d.id DESC LIMIT ?`, append(args, f.Limit+1)...).Scan(&rows).Error; err != nil {
		return nil, sqlstore.Translate(err)
	}
	out := make([]*webhooks.Delivery, len(rows))
	for i := range rows {
		out[i] = rows[i].delivery()
	}
	return out, nil
}

// Delivery reads one delivery of an endpoint with its attempt log.
func (s *Store) Delivery(ctx context.Context, entityID, endpointID, id int64) (*webhooks.Delivery, error) {
	return s.delivery(s.Query(ctx), entityID, endpointID, id)
}

func (s *Store) delivery(tx *sqlstore.Tx, entityID, endpointID, id int64) (*webhooks.Delivery, error) {
	var rows []deliveryRow
	err := tx.DB().Raw(deliverySelect+` WHERE d.entity_id = ? AND d.endpoint_id = ? AND d.id = ?`, entityID, endpointID, id).Scan(&rows).Error
	if err != nil {
		return nil, sqlstore.Translate(err)
	}
	if len(rows) == 0 {
		return nil, ledger.NotFound("webhook delivery")
	}
	d := rows[0].delivery()
	d.Log = []webhooks.Attempt{}
	var log []struct {
		Attempt    int
		At         time.Time
		StatusCode *int
		Error      string
		DurationMS int
		Response   string
	}
	err = tx.DB().Raw(`SELECT attempt, at, status_code, error, duration_ms, response FROM webhook_attempts
		WHERE entity_id = ? AND delivery_id = ? ORDER BY attempt`, entityID, id).Scan(&log).Error
	if err != nil {
		return nil, sqlstore.Translate(err)
	}
	for _, a := range log {
		d.Log = append(d.Log, webhooks.Attempt{Attempt: a.Attempt, At: a.At.UTC(), StatusCode: a.StatusCode, Error: a.Error,
			DurationMS: a.DurationMS, Response: a.Response})
	}
	return d, nil
}

// Redeliver queues a delivery again, due now, whatever its status: its log
// stays and the retry schedule starts over (a full set of attempts more).
// An attempt in flight meanwhile is superseded: its result is not
// recorded. A deleted endpoint's deliveries are not found; a disabled
// endpoint's are a conflict (enable it first).
func (s *Store) Redeliver(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, endpointID, id int64) (*webhooks.Delivery, error) {
	var out *webhooks.Delivery
	err := s.write(ctx, func(tx *sqlstore.Tx) error {
		out = nil
		// Locked: a DeleteEndpoint committing meanwhile would otherwise fail
		// the endpoint's deliveries and this one would come back pending.
		ep, err := s.loadEndpoint(tx, ent.ID, endpointID, true)
		if err != nil {
			return err
		}
		if !ep.Enabled {
			return ledger.Errorf(ledger.CodeConflict, ledger.ReasonEndpointDisabled, "webhook endpoint %d is disabled; enable it to redeliver", endpointID)
		}
		t := tx.Now
		// A person asks for it now: the endpoint's backoff ends (its count
		// of failures stays, so a receiver still down is backed off again
		// after the next failure).
		if ep.BackoffUntil != nil {
			if err := tx.DB().Exec(`UPDATE webhook_endpoints SET backoff_until = NULL WHERE entity_id = ? AND id = ?`, ent.ID, endpointID).Error; err != nil {
				return err
			}
		}
		// The claim in flight, if any, ends here (its result will not be
		// recorded), but its request may still be open: its lease stays, so
		// it counts against the endpoint's limit until it ends, and the
		// delivery is due when it ends, or now when none is in flight. (Due
		// at once, a redelivery would put a second request for the event
		// beside the open one, and each further redelivery one more.)
		var lease struct{ LeasedUntil *time.Time }
		if err := tx.DB().Raw(`SELECT leased_until FROM webhook_deliveries WHERE entity_id = ? AND endpoint_id = ? AND id = ?`,
			ent.ID, endpointID, id).Scan(&lease).Error; err != nil {
			return err
		}
		due := t
		if lease.LeasedUntil != nil && lease.LeasedUntil.After(t) {
			due = lease.LeasedUntil.UTC()
		}
		res := tx.DB().Exec(`UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ?, retry_from = attempts, claims = claims + 1
			WHERE entity_id = ? AND endpoint_id = ? AND id = ?`, due, ent.ID, endpointID, id)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ledger.NotFound("webhook delivery")
		}
		if out, err = s.delivery(tx, ent.ID, endpointID, id); err != nil {
			return err
		}
		return tx.Audit(ent.ID, &p.ActorID, "webhook_delivery.redelivered", fmt.Sprintf("webhook delivery %d", id),
			map[string]int64{"endpoint_id": endpointID, "event_id": out.EventID})
	})
	return out, err
}

// cleanText makes a receiver's text storable (valid UTF-8 without NUL,
// which PostgreSQL refuses) and at most max bytes, cut at a character.
func cleanText(s string, max int) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
	if len(s) <= max {
		return s
	}
	s = s[:max]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}
