package hookstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
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
// endpoints that are not deleted and not backed off), leases them until
// now+lease, and never lets one endpoint have more than
// webhooks.MaxInFlightPerEndpoint of them under an unexpired lease.
//
// The in-flight state is in the database (leased_until), so the limit holds
// over every worker of every server; a crashed worker's leases stop
// counting when they expire, when its deliveries are due again. It is
// enforced where it cannot race: in the claiming transaction, with the
// endpoint row locked (on PostgreSQL; SQLite has one writer), the leases are
// counted by a statement that starts after the lock was taken, so a claim
// that committed just before is seen.
//
// Fairness: the candidates are endpoints, not deliveries. The endpoints
// with due deliveries, below their limit, come in the order of their oldest
// due delivery; each gets one delivery before any gets a second, so one
// endpoint's backlog of thousands cannot take the slots another endpoint's
// single delivery needs, and an entity with a busy endpoint does not hold
// up the others. Within an endpoint the oldest due go first.
//
// Finding the candidates is one read across entities; claiming them is one
// short transaction per entity, so that every write stays inside one entity
// (the rule that lets the schema be distributed by entity_id). On
// PostgreSQL the claim skips endpoints and deliveries another worker has
// locked (they are that worker's for the moment); rows another worker
// claimed first no longer match (their next_attempt_at moved), so a
// delivery is never claimed twice within a lease.
func (s *Store) Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]*webhooks.Job, error) {
	if limit <= 0 {
		return nil, nil
	}
	now = now.UTC().Truncate(time.Microsecond)
	const perEndpoint = webhooks.MaxInFlightPerEndpoint
	// One row per endpoint with due work; both subqueries are index
	// probes (webhook_deliveries_endpoint_due, webhook_deliveries_in_flight),
	// so the read costs the number of live endpoints, whatever the backlog.
	var cands []struct {
		EntityID   int64
		EndpointID int64
		InFlight   int
	}
	err := s.Query(ctx).DB().Raw(`SELECT c.entity_id, c.endpoint_id, c.in_flight FROM (
			SELECT e.entity_id, e.id AS endpoint_id,
				(SELECT min(d.next_attempt_at) FROM webhook_deliveries d WHERE d.entity_id = e.entity_id AND d.endpoint_id = e.id
					AND d.status = 'pending' AND d.next_attempt_at <= ?) AS due_since,
				(SELECT count(*) FROM webhook_deliveries f WHERE f.entity_id = e.entity_id AND f.endpoint_id = e.id
					AND f.leased_until > ?) AS in_flight
			FROM webhook_endpoints e
			WHERE e.enabled AND e.deleted_at IS NULL AND (e.backoff_until IS NULL OR e.backoff_until <= ?)
		) c WHERE c.due_since IS NOT NULL AND c.in_flight < ?
		ORDER BY c.due_since, c.entity_id, c.endpoint_id LIMIT ?`, now, now, now, perEndpoint, limit).Scan(&cands).Error
	if err != nil {
		return nil, sqlstore.Translate(err)
	}
	// Share the slots round by round: one per endpoint, then a second ...
	want := make([]int, len(cands))
	for left, round := limit, 0; left > 0 && round < perEndpoint; round++ {
		gave := false
		for i, c := range cands {
			if left > 0 && c.InFlight+want[i] < perEndpoint {
				want[i]++
				left--
				gave = true
			}
		}
		if !gave {
			break
		}
	}
	var order []int64
	byEntity := map[int64][]endpointWant{}
	for i, c := range cands {
		if _, ok := byEntity[c.EntityID]; !ok {
			order = append(order, c.EntityID)
		}
		byEntity[c.EntityID] = append(byEntity[c.EntityID], endpointWant{c.EndpointID, want[i]})
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

// endpointWant is how many deliveries the claim would take of an endpoint.
type endpointWant struct {
	EndpointID int64
	N          int
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
	// the endpoint's failures in a row when claimed
	ConsecutiveFailures int
	Seq                 int64
	Type                string
	Data                string
	CreatedAt           time.Time
}

// claimEntity claims, in one unit of work, up to the wanted number of due
// deliveries of each of the entity's endpoints, within the endpoint's limit
// of deliveries in flight.
//
// The jobs it returns are exactly the deliveries the committed try leased:
// the unit of work may run more than once (a conflict rolls it back and it
// runs again), and what an earlier try read was rolled back with it.
func (s *Store) claimEntity(ctx context.Context, entityID int64, wants []endpointWant, now, until time.Time) ([]*webhooks.Job, error) {
	var rows []claimRow
	err := s.write(ctx, func(tx *sqlstore.Tx) error {
		rows = nil // a retry starts over: an earlier try's claims were rolled back
		ids := make([]int64, len(wants))
		for i, w := range wants {
			ids[i] = w.EndpointID
		}
		// Lock the endpoints (still enabled, live and not backed off), so
		// that no other worker counts and claims for them until this
		// commits; one that another worker holds is skipped: it is being
		// claimed for. NO KEY UPDATE does not block the outbox's inserts
		// (their foreign key takes KEY SHARE).
		lock := `SELECT e.id FROM webhook_endpoints e WHERE e.entity_id = ? AND e.id IN ? AND e.enabled AND e.deleted_at IS NULL
			AND (e.backoff_until IS NULL OR e.backoff_until <= ?) ORDER BY e.id`
		pick := `SELECT d.id FROM webhook_deliveries d WHERE d.entity_id = ? AND d.endpoint_id = ? AND d.status = 'pending' AND d.next_attempt_at <= ?
			ORDER BY d.next_attempt_at, d.id LIMIT ?`
		if tx.Dialect() == sqlstore.Postgres {
			lock += ` FOR NO KEY UPDATE OF e SKIP LOCKED`
			pick += ` FOR UPDATE OF d SKIP LOCKED`
		}
		var locked []int64
		if err := tx.DB().Raw(lock, entityID, ids, now).Scan(&locked).Error; err != nil || len(locked) == 0 {
			return err
		}
		// Counted after the lock: a statement of its own sees every claim
		// committed before the lock was granted.
		var counts []struct {
			EndpointID int64
			N          int
		}
		err := tx.DB().Raw(`SELECT endpoint_id, count(*) AS n FROM webhook_deliveries WHERE entity_id = ? AND endpoint_id IN ? AND leased_until > ?
			GROUP BY endpoint_id`, entityID, locked, now).Scan(&counts).Error
		if err != nil {
			return err
		}
		inFlight := map[int64]int{}
		for _, c := range counts {
			inFlight[c.EndpointID] = c.N
		}
		var claimed []int64
		for _, w := range wants {
			if !slices.Contains(locked, w.EndpointID) {
				continue
			}
			n := min(w.N, webhooks.MaxInFlightPerEndpoint-inFlight[w.EndpointID])
			if n <= 0 {
				continue
			}
			var got []int64
			err := tx.DB().Raw(`UPDATE webhook_deliveries SET next_attempt_at = ?, leased_until = ?, claims = claims + 1
				WHERE entity_id = ? AND id IN (`+pick+`) RETURNING id`,
				until, until, entityID, entityID, w.EndpointID, now, n).Scan(&got).Error
			if err != nil {
				return err
			}
			claimed = append(claimed, got...)
		}
		if len(claimed) == 0 {
			return nil
		}
		return tx.DB().Raw(`SELECT d.id, d.endpoint_id, d.event_id, d.claims, d.attempts, d.retry_from, e.url, e.secret,
			e.consecutive_failures, v.seq, v.type, v.data, v.created_at
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
			EndpointFailures: r.ConsecutiveFailures, URL: r.URL, Secret: r.Secret, Body: body})
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

// Complete records how an attempt went: the attempt log row, the
// delivery's status (delivered; pending until r.RetryAt; or failed when
// r.RetryAt is zero) and the end of its lease, and the endpoint's health:
// a delivered attempt clears its failures and backoff; an attempt that
// r.EndpointFailed counts one more failure in a row and, when
// r.EndpointRetryAt is set, holds the endpoint back until then (never
// shortening a backoff another worker set). It returns
// webhooks.ErrLeaseLost, and writes nothing, when the job's claim is no
// longer the delivery's latest.
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
	// In a caller's unit of work (In) returning an error rolls nothing
	// back: a savepoint undoes the endpoint's update when the lease was
	// lost, so that a lost result changes nothing there too.
	bound := s.Bound() != nil
	lost := false
	err := s.write(ctx, func(tx *sqlstore.Tx) error {
		lost = false
		if bound {
			if err := tx.DB().Exec(`SAVEPOINT hookstore_complete`).Error; err != nil {
				return err
			}
		}
		// The endpoint first: every transaction that writes both (claim,
		// redelivery, deletion) takes the endpoint row before deliveries,
		// so they never wait on each other in a circle.
		switch {
		case r.Delivered:
			// Written only when there is something to clear: a healthy
			// endpoint's row is not locked by every delivery.
			err := tx.DB().Exec(`UPDATE webhook_endpoints SET consecutive_failures = 0, failing_since = NULL, backoff_until = NULL
				WHERE entity_id = ? AND id = ? AND (consecutive_failures <> 0 OR backoff_until IS NOT NULL)`,
				job.EntityID, job.EndpointID).Error
			if err != nil {
				return err
			}
		case r.EndpointFailed():
			set, args := `consecutive_failures = consecutive_failures + 1, failing_since = coalesce(failing_since, ?)`, []any{at}
			if !r.EndpointRetryAt.IsZero() {
				until := r.EndpointRetryAt.UTC().Truncate(time.Microsecond)
				set += `, backoff_until = CASE WHEN backoff_until IS NULL OR backoff_until < ? THEN ? ELSE backoff_until END`
				args = append(args, until, until)
			}
			err := tx.DB().Exec(`UPDATE webhook_endpoints SET `+set+` WHERE entity_id = ? AND id = ?`,
				append(args, job.EntityID, job.EndpointID)...).Error
			if err != nil {
				return err
			}
		}
		// claims + 1 ends the claim: a job is completed once.
		res := tx.DB().Exec(`UPDATE webhook_deliveries SET status = ?, attempts = ?, next_attempt_at = ?, last_attempt_at = ?,
			last_status_code = ?, last_error = ?, delivered_at = coalesce(?, delivered_at), claims = claims + 1, leased_until = NULL
			WHERE entity_id = ? AND id = ? AND claims = ?`,
			status, job.Attempt, next, at, code, errText, deliveredAt, job.EntityID, job.DeliveryID, job.Claim)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			lost = true
			if bound {
				if err := tx.DB().Exec(`ROLLBACK TO SAVEPOINT hookstore_complete`).Error; err != nil {
					return err
				}
			}
			return errLeaseLost // rolls the endpoint's update back too
		}
		err := tx.DB().Exec(`INSERT INTO webhook_attempts (entity_id, delivery_id, attempt, at, status_code, error, duration_ms, response)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, job.EntityID, job.DeliveryID, job.Attempt, at, code, errText,
			r.Duration.Milliseconds(), cleanText(r.Response, webhooks.MaxResponseBytes)).Error
		if err != nil || !bound {
			return err
		}
		return tx.DB().Exec(`RELEASE SAVEPOINT hookstore_complete`).Error
	})
	if lost {
		return webhooks.ErrLeaseLost
	}
	return err
}

// errLeaseLost rolls back a Complete whose claim was superseded.
var errLeaseLost = errors.New("lease lost")
