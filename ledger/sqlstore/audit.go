package sqlstore

import (
	"context"
	"encoding/json"
	"time"

	"backoffice/ledger"
)

// Audit records a change in the unit of work (law 8). by is the actor that
// made it, nil from the command line (the system actor).
func (tx *Tx) Audit(entityID int64, by *int64, action, subject string, detail any) error {
	if detail == nil {
		detail = struct{}{} // a detail is an object, also when there is nothing to say
	}
	b, err := json.Marshal(detail)
	if err != nil {
		return err
	}
	return tx.g.Exec(`INSERT INTO audit_events (entity_id, at, actor_id, action, subject, detail) VALUES (?, ?, ?, ?, ?, ?)`,
		entityID, tx.Now, by, action, subject, string(b)).Error
}

// change is the detail of an event that changed a value.
type change struct {
	From any `json:"from"`
	To   any `json:"to"`
}

// AuditEvents lists an entity's events newest first, before the cursor id
// (0: from the newest), at most limit+1.
func (s *Store) AuditEvents(ctx context.Context, entityID, before int64, limit int) ([]*ledger.AuditEvent, error) {
	// Each event names its actor; the API shows the key behind it.
	q := `SELECT e.id, e.at, e.actor_id, a.api_key_id AS key_id, e.action, e.subject, e.detail
		FROM audit_events e LEFT JOIN actors a ON a.id = e.actor_id WHERE e.entity_id = ?`
	args := []any{entityID}
	if before > 0 {
		q += ` AND e.id < ?`
		args = append(args, before)
	}
	var rows []struct {
		ID      int64
		At      time.Time
		ActorID *int64
		KeyID   *int64
		Action  string
		Subject string
		Detail  string
	}
	if err := s.Query(ctx).g.Raw(q+` ORDER BY e.id DESC LIMIT ?`, append(args, limit+1)...).Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]*ledger.AuditEvent, len(rows))
	for i, r := range rows {
		if r.Detail == "null" { // written so before the detail was always an object
			r.Detail = "{}"
		}
		out[i] = &ledger.AuditEvent{ID: r.ID, At: r.At.UTC(), ActorID: r.ActorID, KeyID: r.KeyID, Action: r.Action, Subject: r.Subject, Detail: json.RawMessage(r.Detail)}
	}
	return out, nil
}
