package sqlstore

import (
	"encoding/json"
	"fmt"
)

// Emit writes an event to the outbox in the unit of work, and queues
// one delivery of it for every enabled webhook endpoint of the entity that
// subscribes to its type (or to "*"). The event commits with the change it
// describes or not at all; a background worker delivers it afterwards.
//
// The event's sequence comes from the entity's 'event' counter row, locked
// until commit: per entity the sequence has no gaps and follows commit
// order. Callers emit last in their transaction, so that the lock is held
// for the shortest time and is always the last one taken.
func (tx *Tx) Emit(entityID int64, causedBy *int64, typ string, data any) error {
	body, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("emit %s: %w", typ, err)
	}
	db := tx.g
	last, err := tx.DrawNumbers(entityID, Draw{"event", 0, 1})
	if err != nil {
		return err
	}
	seq := last[0]
	t := tx.Now
	var id int64
	err = db.Raw(`INSERT INTO events (entity_id, seq, type, data, caused_by, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		entityID, seq, typ, string(body), causedBy, t).Scan(&id).Error
	if err != nil {
		return err
	}
	return db.Exec(`INSERT INTO webhook_deliveries (entity_id, endpoint_id, event_id, status, attempts, next_attempt_at, created_at)
		SELECT entity_id, id, ?, 'pending', 0, ?, ? FROM webhook_endpoints
		WHERE entity_id = ? AND enabled AND deleted_at IS NULL AND (events LIKE ? ESCAPE '\' OR events LIKE '%,*,%')`,
		id, t, t, entityID, "%,"+LikeEscape(typ)+",%").Error
}
