package sqlstore

import (
	"context"
	"errors"
	"time"

	"backoffice/ledger"
)

// IdemLookup returns the stored answer for a key, or nil.
func (s *Store) IdemLookup(ctx context.Context, entityID, actorID int64, key string) (*ledger.IdemRecord, error) {
	var rows []ledger.IdemRecord
	err := s.conn(ctx).Raw(`SELECT entity_id, actor_id, key, request_hash, status, content_type, body, created_at
		FROM idempotency_keys WHERE entity_id = ? AND actor_id = ? AND key = ?`, entityID, actorID, key).Scan(&rows).Error
	if err != nil || len(rows) == 0 {
		return nil, translate(err)
	}
	return &rows[0], nil
}

// IdemSave stores an answer in the transaction in ctx, so that it commits
// with the write it describes. A concurrent request with the same key that
// committed first makes it fail with ledger.ErrIdemExists.
func (s *Store) IdemSave(ctx context.Context, r *ledger.IdemRecord) error {
	err := translate(s.conn(ctx).Exec(`INSERT INTO idempotency_keys (entity_id, actor_id, key, request_hash, status, content_type, body, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, r.EntityID, r.ActorID, r.Key, r.RequestHash, r.Status, r.ContentType, r.Body, now()).Error)
	if errors.Is(err, errDuplicate) {
		return ledger.ErrIdemExists
	}
	return err
}

// IdemPurge deletes answers older than the given age and returns how many.
func (s *Store) IdemPurge(ctx context.Context, age time.Duration) (int64, error) {
	if s.dialect == SQLite {
		s.writeMu.Lock()
		defer s.writeMu.Unlock()
	}
	res := s.conn(ctx).Exec(`DELETE FROM idempotency_keys WHERE created_at < ?`, now().Add(-age))
	return res.RowsAffected, translate(res.Error)
}
