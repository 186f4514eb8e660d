package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"backoffice/ledger"
)

type keyRow struct {
	ID         int64
	Name       string
	Role       string
	Prefix     string
	CreatedAt  time.Time
	CreatedBy  *int64
	RevokedAt  *time.Time
	EntityList string
	ActorID    *int64
}

const keySelect = `SELECT k.id, k.name, k.role, k.prefix, k.created_at, k.created_by, k.revoked_at,
	coalesce((SELECT %s FROM api_key_entities ke WHERE ke.api_key_id = k.id), '') AS entity_list,
	a.id AS actor_id
	FROM api_keys k LEFT JOIN actors a ON a.api_key_id = k.id`

func (s *Store) keySelect() string {
	agg := `string_agg(ke.entity_id::text, ',' ORDER BY ke.entity_id)`
	if s.dialect == SQLite {
		agg = `group_concat(ke.entity_id, ',')`
	}
	return strings.Replace(keySelect, "%s", agg, 1)
}

func (r *keyRow) key() *ledger.APIKey {
	k := &ledger.APIKey{ID: r.ID, Name: r.Name, Role: ledger.Role(r.Role), Prefix: r.Prefix,
		CreatedAt: r.CreatedAt.UTC(), CreatedBy: r.CreatedBy, Entities: []int64{}}
	if r.ActorID != nil {
		k.ActorID = *r.ActorID
	}
	if r.RevokedAt != nil {
		t := r.RevokedAt.UTC()
		k.RevokedAt = &t
	}
	for _, f := range strings.Split(r.EntityList, ",") {
		if id, err := strconv.ParseInt(f, 10, 64); err == nil {
			k.Entities = append(k.Entities, id)
		}
	}
	return k
}

// CreateKey stores a new key and its actor and returns it with its secret,
// which is shown this once and never stored. by is the creating actor (nil
// from the command line). Every entity named must exist.
//
// Keys and actors share one id space and a key's actor has the key's id
// (actors_kind, migration 00009), so the creator ids the API shows as key
// ids are the actor ids stored. On PostgreSQL both draw from the sequence
// actor_ids (the default of api_keys.id); SQLite has no sequence, and the
// key takes the id after every actor's and key's, under the write lock.
func (s *Store) CreateKey(ctx context.Context, by *int64, in *ledger.KeyInput) (*ledger.APIKey, string, error) {
	if err := in.Validate(); err != nil {
		return nil, "", err
	}
	secret, hash := ledger.NewKeySecret()
	var out *ledger.APIKey
	err := s.Write(ctx, func(tx *Tx) error {
		if len(in.Entities) > 0 {
			var found []int64
			if err := tx.g.Raw(`SELECT id FROM entities WHERE id IN ?`, in.Entities).Scan(&found).Error; err != nil {
				return err
			}
			for i, id := range in.Entities {
				if !slices.Contains(found, id) {
					return fieldError(ledger.CodeInvalid, pathIndex("entities", i), ledger.ReasonEntityNotFound, "entity %d does not exist", id)
				}
			}
		}
		t := tx.Now
		k := &ledger.APIKey{Name: in.Name, Role: in.Role, Entities: slices.Compact(slices.Sorted(slices.Values(in.Entities))),
			Prefix: ledger.KeyDisplayPrefix(secret), CreatedAt: t, CreatedBy: by}
		if k.Entities == nil {
			k.Entities = []int64{}
		}
		insert := `INSERT INTO api_keys (name, role, prefix, secret_hash, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`
		if s.dialect == SQLite {
			insert = `INSERT INTO api_keys (id, name, role, prefix, secret_hash, created_at, created_by)
				VALUES (max(coalesce((SELECT max(id) FROM actors), 0), coalesce((SELECT max(id) FROM api_keys), 0)) + 1,
				?, ?, ?, ?, ?, ?) RETURNING id`
		}
		if err := tx.g.Raw(insert, k.Name, string(k.Role), k.Prefix, hash, t, by).Scan(&k.ID).Error; err != nil {
			return err
		}
		if err := tx.g.Exec(`INSERT INTO actors (id, kind, api_key_id, created_at) VALUES (?, 'api_key', ?, ?)`, k.ID, k.ID, t).Error; err != nil {
			return err
		}
		k.ActorID = k.ID
		for _, e := range k.Entities {
			if err := tx.g.Exec(`INSERT INTO api_key_entities (entity_id, api_key_id) VALUES (?, ?)`, e, k.ID).Error; err != nil {
				return err
			}
		}
		out = k
		return auditKey(tx, by, "api_key.created", k)
	})
	if err != nil {
		return nil, "", translate(err)
	}
	return out, secret, nil
}

func pathIndex(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// Keys lists every key, revoked ones included, by id.
func (s *Store) Keys(ctx context.Context) ([]*ledger.APIKey, error) {
	var rows []keyRow
	if err := s.Query(ctx).g.Raw(s.keySelect() + ` ORDER BY k.id`).Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]*ledger.APIKey, len(rows))
	for i := range rows {
		out[i] = rows[i].key()
	}
	return out, nil
}

// Key returns one key, or not_found.
func (s *Store) Key(ctx context.Context, id int64) (*ledger.APIKey, error) {
	return s.key(s.Query(ctx), id)
}

func (s *Store) key(tx *Tx, id int64) (*ledger.APIKey, error) {
	var rows []keyRow
	if err := tx.g.Raw(s.keySelect()+` WHERE k.id = ?`, id).Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	if len(rows) == 0 {
		return nil, ledger.NotFound("api key")
	}
	return rows[0].key(), nil
}

// RevokeKey stops a key from working; revoking twice is harmless. by is
// the revoking actor (nil from the command line).
func (s *Store) RevokeKey(ctx context.Context, by *int64, id int64) (*ledger.APIKey, error) {
	var out *ledger.APIKey
	err := s.Write(ctx, func(tx *Tx) error {
		k, err := s.key(tx, id)
		if err != nil || k.RevokedAt != nil {
			out = k
			return err
		}
		if err := tx.g.Exec(`UPDATE api_keys SET revoked_at = ? WHERE id = ?`, tx.Now, id).Error; err != nil {
			return err
		}
		if out, err = s.key(tx, id); err != nil {
			return err
		}
		return auditKey(tx, by, "api_key.revoked", out)
	})
	return out, translate(err)
}

// auditKey records a key change in key administration (entity 0) and in
// every entity the key reaches, so an entity's trail shows who was given
// access to it.
func auditKey(tx *Tx, by *int64, action string, k *ledger.APIKey) error {
	detail := map[string]any{"name": k.Name, "role": k.Role, "entities": k.Entities}
	for _, e := range append([]int64{0}, k.Entities...) {
		if err := tx.Audit(e, by, action, "api_key "+strconv.FormatInt(k.ID, 10), detail); err != nil {
			return err
		}
	}
	return nil
}

// Authenticate finds the live key with the given secret, or returns
// unauthorized.
func (s *Store) Authenticate(ctx context.Context, secret string) (*ledger.Principal, error) {
	var rows []keyRow
	if err := s.Query(ctx).g.Raw(s.keySelect()+` WHERE k.secret_hash = ? AND k.revoked_at IS NULL`, ledger.HashKeySecret(secret)).Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	if len(rows) == 0 {
		return nil, ledger.Errorf(ledger.CodeUnauthorized, ledger.ReasonKeyInvalid, "the API key is unknown or revoked")
	}
	k := rows[0].key()
	if k.ActorID != k.ID {
		return nil, ledger.Internal(fmt.Errorf("api key %d has no actor", k.ID))
	}
	return ledger.KeyPrincipal(k), nil
}
