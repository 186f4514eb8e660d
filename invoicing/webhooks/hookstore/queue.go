package hookstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"backoffice/invoicing/webhooks"
	"backoffice/ledger/sqlstore"
)

// The worker's side: deliveries are a queue in the database, so that what
// was committed is delivered whatever happens to the process.
//
// Claim pushes a delivery's next_attempt_at to the end of a lease and
// counts the claim; Complete records the attempt only while the claim is
// still the delivery's latest. A worker that dies with jobs in hand only
// delays them until their lease ends, and then another worker (or the same
// one, restarted) takes them: delivery is at least once, and a receiver
// drops repeats by event id.

// Claim takes up to limit due deliveries (pending, due at now, of enabled
// endpoints that are not deleted), the oldest due first, and leases them
// until now+lease.
//
// Finding the due deliveries is one read across entities; claiming them is
// one short transaction per entity, so that every write stays inside one
// entity (the rule that lets the schema be distributed by entity_id). On
// PostgreSQL the claim skips rows another worker has locked; rows another
// worker claimed first no longer match (their next_attempt_at moved), so a
// delivery is never claimed twice within a lease.
func (s *Store) Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]*webhooks.Job, error) {
	if limit <= 0 {
		return nil, nil
	}
	now = now.UTC().Truncate(time.Microsecond)
	var due []struct {
		EntityID int64
		ID       int64
	}
	err := s.db(ctx).Raw(`SELECT d.entity_id, d.id FROM webhook_deliveries d
		JOIN webhook_endpoints e ON e.entity_id = d.entity_id AND e.id = d.endpoint_id
		WHERE d.status = 'pending' AND d.next_attempt_at <= ? AND e.enabled AND e.deleted_at IS NULL
		ORDER BY d.next_attempt_at, d.id LIMIT ?`, now, limit).Scan(&due).Error
	if err != nil {
		return nil, sqlstore.Translate(err)
	}
	var order []int64
	byEntity := map[int64][]int64{}
	for _, d := range due {
		if _, ok := byEntity[d.EntityID]; !ok {
			order = append(order, d.EntityID)
		}
		byEntity[d.EntityID] = append(byEntity[d.EntityID], d.ID)
	}
	var jobs []*webhooks.Job
	for _, entityID := range order {
		js, err := s.claimEntity(ctx, entityID, byEntity[entityID], now, now.Add(lease))
		if err != nil {
			return jobs, err // the jobs claimed so far are the caller's to send
		}
		jobs = append(jobs, js...)
	}
	return jobs, nil
}

// claimRow is a claimed delivery with its endpoint and event.
type claimRow struct {
	ID         int64
	EndpointID int64
	EventID    int64
	Claims     int64
	Attempts   int
	RetryFrom  int
	URL        string
	Secret     string
	Seq        int64
	Type       string
	Data       string
	CreatedAt  time.Time
}

// claimEntity claims the candidates of one entity that are still due.
func (s *Store) claimEntity(ctx context.Context, entityID int64, ids []int64, now, until time.Time) ([]*webhooks.Job, error) {
	var rows []claimRow
	err := s.tx(ctx, func(ctx context.Context) error {
		// The condition is checked again under the row lock: a delivery
		// that another worker claimed, or that was completed or redelivered
		// since the read above, is left alone.
		still := `SELECT d.id FROM webhook_deliveries d WHERE d.entity_id = ? AND d.id IN ? AND d.status = 'pending' AND d.next_attempt_at <= ?
			AND d.endpoint_id IN (SELECT e.id FROM webhook_endpoints e WHERE e.entity_id = ? AND e.enabled AND e.deleted_at IS NULL)`
		if s.Dialect() == sqlstore.Postgres {
			still += ` FOR UPDATE OF d SKIP LOCKED`
		}
		var claimed []int64
		err := s.db(ctx).Raw(`UPDATE webhook_deliveries SET next_attempt_at = ?, claims = claims + 1
			WHERE entity_id = ? AND id IN (`+still+`) RETURNING id`,
			until, entityID, entityID, ids, now, entityID).Scan(&claimed).Error
		if err != nil || len(claimed) == 0 {
			return err
		}
		return s.db(ctx).Raw(`SELECT d.id, d.endpoint_id, d.event_id, d.claims, d.attempts, d.retry_from, e.url, e.secret,
			v.seq, v.type, v.data, v.created_at
			FROM webhook_deliveries d
			JOIN webhook_endpoints e ON e.entity_id = d.entity_id AND e.id = d.endpoint_id
			JOIN events v ON v.entity_id = d.entity_id AND v.id = d.event_id
			WHERE d.entity_id = ? AND d.id IN ? ORDER BY d.id`, entityID, claimed).Scan(&rows).Error
	})
	if err != nil {
		return nil, err
	}
	jobs := make([]*webhooks.Job, 0, len(rows))
	for _, r := range rows {
		body, err := envelope(entityID, &r)
		if err != nil {
			return nil, err
		}
		jobs = append(jobs, &webhooks.Job{EntityID: entityID, DeliveryID: r.ID, EndpointID: r.EndpointID, EventID: r.EventID,
			EventType: r.Type, Sequence: r.Seq, Attempt: r.Attempts + 1, Round: r.Attempts - r.RetryFrom + 1, Claim: r.Claims,
			URL: r.URL, Secret: r.Secret, Body: body})
	}
	return jobs, nil
}

// envelope is the body of every attempt of a delivery: the stored event,
// marshalled the same way each time (the data exactly as stored).
func envelope(entityID int64, r *claimRow) ([]byte, error) {
	ev := webhooks.Event{ID: r.EventID, Sequence: r.Seq, Type: r.Type, EntityID: entityID, CreatedAt: r.CreatedAt.UTC(), Data: json.RawMessage(r.Data)}
	b, err := json.Marshal(ev)
	if err != nil {
		return nil, fmt.Errorf("event %d of entity %d: %w", r.EventID, entityID, err)
	}
	return b, nil
}

// Complete records how an attempt went: the attempt log row and the
// delivery's status (delivered; pending until r.RetryAt; or failed when
// r.RetryAt is zero). It returns webhooks.ErrLeaseLost, and writes nothing,
// when the job's claim is no longer the delivery's latest.
func (s *Store) Complete(ctx context.Context, job *webhooks.Job, r *webhooks.Result) error {
	at := r.At.UTC().Truncate(time.Microsecond)
	end := at.Add(r.Duration).Truncate(time.Microsecond)
	status, next, errText := webhooks.StatusPending, r.RetryAt.UTC().Truncate(time.Microsecond), cleanText(r.Error, 1000)
	var deliveredAt *time.Time
	switch {
	case r.Delivered:
		status, next, errText, deliveredAt = webhooks.StatusDelivered, end, "", &end
	case r.RetryAt.IsZero():
		status, next = webhooks.StatusFailed, end
	}
	var code *int
	if r.StatusCode != 0 {
		code = &r.StatusCode
	}
	lost := false
	err := s.tx(ctx, func(ctx context.Context) error {
		// claims + 1 ends the claim: a job is completed once.
		res := s.db(ctx).Exec(`UPDATE webhook_deliveries SET status = ?, attempts = ?, next_attempt_at = ?, last_attempt_at = ?,
			last_status_code = ?, last_error = ?, delivered_at = coalesce(?, delivered_at), claims = claims + 1
			WHERE entity_id = ? AND id = ? AND claims = ?`,
			status, job.Attempt, next, at, code, errText, deliveredAt, job.EntityID, job.DeliveryID, job.Claim)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			lost = true
			return nil
		}
		return s.db(ctx).Exec(`INSERT INTO webhook_attempts (entity_id, delivery_id, attempt, at, status_code, error, duration_ms, response)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, job.EntityID, job.DeliveryID, job.Attempt, at, code, errText,
			r.Duration.Milliseconds(), cleanText(r.Response, webhooks.MaxResponseBytes)).Error
	})
	if err == nil && lost {
		return webhooks.ErrLeaseLost
	}
	return err
}
