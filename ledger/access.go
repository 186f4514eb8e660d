package ledger

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Role is what an API key may do.
type Role string

const (
	RoleAdmin       Role = "admin"       // creates entities and keys, sees everything
	RoleAccountant  Role = "accountant"  // full bookkeeping on its entities
	RoleClient      Role = "client"      // reads its one entity
	RoleIntegration Role = "integration" // pushes orders to its one entity
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	switch r {
	case RoleAdmin, RoleAccountant, RoleClient, RoleIntegration:
		return true
	}
	return false
}

// APIKey is a stored key. The secret itself is never stored: only its
// SHA-256 (the secret has 160 random bits, so a slow hash adds nothing).
type APIKey struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	Role      Role       `json:"role"`
	Entities  []int64    `json:"entities"`
	Prefix    string     `json:"prefix"` // the first characters, to recognise a key in lists
	CreatedAt time.Time  `json:"created_at"`
	CreatedBy *int64     `json:"created_by"` // the creating actor; nil from the command line
	RevokedAt *time.Time `json:"revoked_at"`
	ActorID   int64      `json:"-"` // the key's actor: equal to ID (actors_kind in migration 00009)
}

// SystemActorID is the system's actor, the command line's (migration
// 00009). The columns that allow it store NULL for it, as they did before
// actors, and the API shows null.
const SystemActorID int64 = 0

// Principal is the caller of a request: the actor every record it makes
// names, the key behind it, and what it may reach.
type Principal struct {
	ActorID  int64 // who, in every record: creators, idempotency scope, audit trail
	KeyID    int64 // the API key behind the actor (its scope, logs, what the API shows)
	Name     string
	Role     Role
	Entities []int64 // empty for admin keys, which see every entity
}

// KeyPrincipal is the principal of a stored key.
func KeyPrincipal(k *APIKey) *Principal {
	return &Principal{ActorID: k.ActorID, KeyID: k.ID, Name: k.Name, Role: k.Role, Entities: k.Entities}
}

// CanSee reports whether the principal may reach the entity at all.
func (p *Principal) CanSee(entityID int64) bool {
	return p.Role == RoleAdmin || slices.Contains(p.Entities, entityID)
}

// keyPrefix marks backoffice keys so that secret scanners and people can
// recognise them.
const keyPrefix = "bo_"

// NewKeySecret returns a new random key and the hash to store for it.
func NewKeySecret() (secret, hash string) {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	secret = keyPrefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
	return secret, HashKeySecret(secret)
}

// HashKeySecret is the stored form of a key.
func HashKeySecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// KeyDisplayPrefix is the part of a key shown in lists.
func KeyDisplayPrefix(secret string) string {
	if len(secret) < 10 {
		return secret
	}
	return secret[:10]
}

// KeyInput is a request for a new key.
type KeyInput struct {
	Name     string  `json:"name"`
	Role     Role    `json:"role"`
	Entities []int64 `json:"entities"`
}

// Validate checks the shape of a key request: admin keys name no entities
// (they see all), accountants one or more, clients and integrations one.
func (in *KeyInput) Validate() error {
	var p Problems
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		p.Add("name", ReasonFieldRequired, "name is required")
	} else if utf8.RuneCountInString(in.Name) > 200 {
		p.Add("name", ReasonFieldTooLong, "name is longer than 200 characters")
	}
	if !in.Role.Valid() {
		p.Add("role", ReasonRoleInvalid, "role must be one of admin, accountant, client, integration")
	}
	distinct := slices.Compact(slices.Sorted(slices.Values(in.Entities)))
	switch in.Role {
	case RoleAdmin:
		if len(distinct) > 0 {
			p.Add("entities", ReasonEntitiesNotAllowed, "admin keys see every entity and take no entities list")
		}
	case RoleAccountant:
		if len(distinct) == 0 {
			p.Add("entities", ReasonEntitiesRequired, "an accountant key needs at least one entity")
		}
	case RoleClient, RoleIntegration:
		if len(distinct) != 1 {
			p.Add("entities", ReasonEntitiesExactlyOne, "a %s key is scoped to exactly one entity", in.Role)
		}
	}
	return p.Err()
}
