package sqlstore

import (
	"context"
	"errors"
	"time"

	"backoffice/ledger"
)

// IdemLookup returns the stored answer for a key, or nil.
func (s *Store) IdemLookup(ctx context.Context, entityID, actorID int64, key string) (*ledger.IdemRecord, error) {
	return s.idemLookup(s.Query(ctx), entityID, actorID, key)
}

func (s *Store) idemLookup(tx *Tx, entityID, actorID int64, key string) (*ledger.IdemRecord, error) {
	var rows []ledger.IdemRecord
	err := tx.g.Raw(`SELECT entity_id, actor_id, key, request_hash, status, content_type, body, created_at
		FROM idempotency_keys WHERE entity_id = ? AND actor_id = ? AND key = ?`, entityID, actorID, key).Scan(&rows).Error
	if err != nil || len(rows) == 0 {
		return nil, translate(err)
	}
	return &rows[0], nil
}

// IdemSave stores an answer in the unit of work tx, so that it commits
// with the write it describes. A concurrent request with the same key that
// committed first makes it fail with ledger.ErrIdemExists.
func (s *Store) IdemSave(tx *Tx, r *ledger.IdemRecord) error { return s.idemSave(tx, r) }

func (s *Store) idemSave(tx *Tx, r *ledger.IdemRecord) error {
	err := translate(tx.g.Exec(`INSERT INTO idempotency_keys (entity_id, actor_id, key, request_hash, status, content_type, body, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, r.EntityID, r.ActorID, r.Key, r.RequestHash, r.Status, r.ContentType, r.Body, tx.Now).Error)
	if errors.Is(err, errDuplicate) {
		return ledger.ErrIdemExists
	}
	return err
}

// IdemPurge deletes answers older than the given age and returns how many.
func (s *Store) IdemPurge(ctx context.Context, age time.Duration) (int64, error) {
	var n int64
	err := s.Write(ctx, func(tx *Tx) error {
		res := tx.g.Exec(`DELETE FROM idempotency_keys WHERE created_at < ?`, tx.Now.Add(-age))
		n = res.RowsAffected
		return res.Error
	})
	return n, err
}
