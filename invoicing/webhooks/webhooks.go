// Package webhooks tells an entity's systems what happened: events written
// to an outbox in the transaction of the change they describe
// (sqlstore.Emit) are delivered at least once to the endpoints the entity
// registered, signed with the endpoint's secret. This package holds the
// rules (event types, endpoint input, signatures, backoff, which addresses
// may be called); invoicing/webhooks/hookstore stores them and
// invoicing/webhooks/dispatch delivers them. No database, no HTTP here.
package webhooks

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"backoffice/ledger"
)

// Event types. An endpoint subscribes to some of them, or to "*".
const (
	OrderReceived      = "order.received"
	OrderStatusChanged = "order.status_changed"
	InvoiceIssued      = "invoice.issued"
	InvoicePaid        = "invoice.paid"
	PaymentReceived    = "payment.received"
)

// EventTypes lists every event type, in the order the docs give them.
var EventTypes = []string{OrderReceived, OrderStatusChanged, InvoiceIssued, InvoicePaid, PaymentReceived}

// Event is one outbox row as receivers get it (the delivery body) and as
// GET /events lists it. Sequence is per entity, gapless, in commit order:
// receivers drop repeats by ID and order by Sequence.
type Event struct {
	ID        int64           `json:"id"`
	Sequence  int64           `json:"sequence"`
	Type      string          `json:"type"`
	EntityID  int64           `json:"entity_id"`
	CreatedAt time.Time       `json:"created_at"`
	Data      json.RawMessage `json:"data"`
}

// Endpoint is a URL an entity's events are delivered to. The secret is shown
// only when the endpoint is created.
//
// ConsecutiveFailures, FailingSince and BackoffUntil are the endpoint's
// health as the worker saw it: attempts that failed in a way that says the
// receiver is unwell (see Result.EndpointFailed) since its last success,
// when that streak began, and, once it is long enough, until when nothing
// is sent to it (see EndpointBackoff). A success clears all three.
type Endpoint struct {
	ID                  int64      `json:"id"`
	EntityID            int64      `json:"entity_id"`
	URL                 string     `json:"url"`
	Events              []string   `json:"events"`
	Description         string     `json:"description"`
	Enabled             bool       `json:"enabled"`
	Secret              string     `json:"secret,omitempty"`
	ConsecutiveFailures int        `json:"consecutive_failures"`
	FailingSince        *time.Time `json:"failing_since"`
	BackoffUntil        *time.Time `json:"backoff_until"`
	CreatedAt           time.Time  `json:"created_at"`
	UpdatedAt           time.Time  `json:"updated_at"`
}

// EndpointInput creates an endpoint (url and events required) or updates
// one (non-nil fields only).
type EndpointInput struct {
	URL         *string   `json:"url"`
	Events      *[]string `json:"events"`
	Description *string   `json:"description"`
	Enabled     *bool     `json:"enabled"`
	Secret      *string   `json:"secret"` // optional on create (generated otherwise); never on update
}

// Delivery statuses. A delivery is pending until an attempt succeeds
// (delivered) or the attempts run out (failed); a redelivery makes it
// pending again.
const (
	StatusPending   = "pending"
	StatusDelivered = "delivered"
	StatusFailed    = "failed"
)

// Delivery is one event queued for one endpoint, with its attempts.
type Delivery struct {
	ID             int64      `json:"id"`
	EndpointID     int64      `json:"endpoint_id"`
	EventID        int64      `json:"event_id"`
	EventType      string     `json:"event_type"`
	EventSequence  int64      `json:"event_sequence"`
	Status         string     `json:"status"` // pending, delivered, failed
	Attempts       int        `json:"attempts"`
	NextAttemptAt  *time.Time `json:"next_attempt_at"` // nil unless pending
	LastAttemptAt  *time.Time `json:"last_attempt_at"`
	LastStatusCode *int       `json:"last_status_code"`
	LastError      string     `json:"last_error"`
	DeliveredAt    *time.Time `json:"delivered_at"`
	CreatedAt      time.Time  `json:"created_at"`
	Log            []Attempt  `json:"attempt_log,omitempty"` // one delivery's GET only
}

// Attempt is one try at a delivery.
type Attempt struct {
	Attempt    int       `json:"attempt"`
	At         time.Time `json:"at"`
	StatusCode *int      `json:"status_code"`
	Error      string    `json:"error"`
	DurationMS int       `json:"duration_ms"`
	Response   string    `json:"response"` // the start of the receiver's answer
}

// DeliveryFilter selects deliveries to list.
type DeliveryFilter struct {
	Status string // "" for all
	After  int64  // id cursor (descending: newest first)
	Limit  int
}

// Store is what the API needs. Methods return *ledger.Error values;
// not_found for anything outside the entity.
type Store interface {
	// CreateEndpoint: invalid (url_invalid, url_not_allowed, event_type_unknown).
	CreateEndpoint(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, in *EndpointInput) (*Endpoint, error)
	Endpoints(ctx context.Context, entityID int64) ([]*Endpoint, error)
	Endpoint(ctx context.Context, entityID, id int64) (*Endpoint, error)
	UpdateEndpoint(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64, in *EndpointInput) (*Endpoint, error)
	// DeleteEndpoint stops deliveries to it; its log stays readable.
	DeleteEndpoint(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64) error
	Deliveries(ctx context.Context, entityID, endpointID int64, f DeliveryFilter) ([]*Delivery, error)
	// Delivery returns one delivery with its attempt log.
	Delivery(ctx context.Context, entityID, endpointID, id int64) (*Delivery, error)
	// Redeliver queues a delivery again, now, whatever its status.
	Redeliver(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, endpointID, id int64) (*Delivery, error)
	// Events lists the entity's events with a sequence above after.
	Events(ctx context.Context, entityID int64, afterSeq int64, limit int) ([]*Event, error)
}

// Queue is what the background worker (invoicing/webhooks/dispatch) needs
// from the store: take due deliveries, and record how an attempt went.
type Queue interface {
	// Claim takes up to limit deliveries that are due at now (pending, of
	// enabled endpoints that are not backed off) and leases them: they are
	// not due again before now+lease, so a worker that dies with them in
	// hand only delays them. It never lets an endpoint have more than
	// MaxInFlightPerEndpoint deliveries under an unexpired lease, counted
	// over every worker, and shares limit between the endpoints with due
	// deliveries before it gives any one of them a second.
	Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]*Job, error)
	// Complete records an attempt and the delivery's new status, ends the
	// lease, and keeps the endpoint's health: a delivered attempt clears
	// it, an attempt that r.EndpointFailed counts a failure and backs the
	// endpoint off until r.EndpointRetryAt (when set). It returns
	// ErrLeaseLost, and changes nothing, when the job is no longer the
	// delivery's current claim.
	Complete(ctx context.Context, job *Job, r *Result) error
}

// ErrLeaseLost says that a job's claim ran out or was replaced (a new
// claim after its lease, a manual redelivery) before its result came: the
// result is dropped; the delivery's current claim decides.
var ErrLeaseLost = errors.New("webhook delivery: the claim was lost before the result was recorded")

// Job is one claimed delivery with everything needed to send it.
type Job struct {
	EntityID   int64
	DeliveryID int64
	EndpointID int64
	EventID    int64
	EventType  string
	Sequence   int64
	// Attempt is this attempt's number (1 for the first); Round is its
	// number since the delivery was last queued by hand (Redeliver), which
	// the retry schedule counts.
	Attempt int
	Round   int
	Claim   int64 // the claim this job holds (see ErrLeaseLost)
	// EndpointFailures is the endpoint's ConsecutiveFailures when the job
	// was claimed: the endpoint backoff after a failure counts from it.
	EndpointFailures int
	URL              string
	Secret           string
	// Body is the event envelope (an Event as JSON). It is built from the
	// stored event the same way on every attempt, so its bytes, and what a
	// receiver verifies the signature over, never change.
	Body []byte
}

// Result is how one attempt went.
type Result struct {
	At         time.Time     // when the request started (UTC)
	Duration   time.Duration // until the answer (or the error)
	StatusCode int           // 0 when no answer came
	Error      string        // why the attempt failed; empty when delivered
	Response   string        // the start of the answer's body (MaxResponseBytes)
	Delivered  bool          // a 2xx answer
	// RetryAt is when to try again after a failed attempt; zero means the
	// attempts are spent and the delivery is failed.
	RetryAt time.Time
	// EndpointRetryAt is, after an attempt that EndpointFailed, the
	// earliest time the endpoint is sent anything again (any delivery);
	// zero when the endpoint's streak of failures is still too short for a
	// backoff (see EndpointBackoff).
	EndpointRetryAt time.Time
}

// EndpointFailed reports whether a failed attempt says the receiver itself
// is unwell, so that its other deliveries should wait too: no answer at
// all (connection refused or reset, a timeout, a refused address), a 5xx,
// 408 Request Timeout or 429 Too Many Requests. Any other answer (a 4xx
// about this event, a redirect) comes quickly and says nothing about the
// endpoint's health, so it neither counts nor clears the streak.
func (r *Result) EndpointFailed() bool {
	if r.Delivered {
		return false
	}
	c := r.StatusCode
	return c == 0 || c >= 500 || c == 408 || c == 429
}

// MaxResponseBytes is how much of a receiver's answer the attempt log
// keeps: enough to see an error message, not enough to store pages.
const MaxResponseBytes = 1024
