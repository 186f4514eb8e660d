// Package idem is the one idempotency mechanism of every write: what an
// Idempotency-Key is, the hash that ties a key to the request it came with,
// what a later request with the key gets (the first answer, byte for byte,
// or a 409), and how the answer to a post is rendered before the entry has
// its id and number. The API declares per route how a write keeps its key
// (api/routes.go); the answers are stored in the write's own unit of work
// by the database package (sqlstore), so that a write and its answer commit
// together or not at all.
package idem

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"

	"backoffice/ledger"
)

// keyPattern bounds Idempotency-Key values: printable ASCII, 1-255.
var keyPattern = regexp.MustCompile(`^[\x21-\x7e]{1,255}$`)

// Parse reads the values of the Idempotency-Key header: "" without one, the
// key, or a malformed error when there are several or it is not 1 to 255
// printable characters.
func Parse(values []string) (string, error) {
	if len(values) == 0 {
		return "", nil
	}
	if len(values) > 1 || !keyPattern.MatchString(values[0]) {
		return "", ledger.Errorf(ledger.CodeMalformed, ledger.ReasonIdempotencyKeyInvalid, "Idempotency-Key must be one value of 1 to 255 printable ASCII characters")
	}
	return values[0], nil
}

// Hash is what ties a key to its request: the method, the path with its
// query, and the body.
func Hash(method, requestURI string, body []byte) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s %s\n", method, requestURI)
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// Replay decides what a request with a key that was used gets: nil, when
// the stored answer is its own (the caller sends it again, byte for byte),
// or 409 idempotency_key_reused when the key came with another request.
func Replay(stored *ledger.IdemRecord, hash string) error {
	if stored.RequestHash != hash {
		return ledger.Errorf(ledger.CodeConflict, ledger.ReasonIdempotencyKeyReused,
			"Idempotency-Key %q was already used with a different request; use a new key for a new request", stored.Key)
	}
	return nil
}

// InUse is the answer to a request whose key another request holds and has
// not yet answered.
func InUse() error {
	return ledger.Errorf(ledger.CodeConflict, ledger.ReasonIdempotencyKeyInUse, "a request with this Idempotency-Key is in progress; retry later")
}

// The answer to a keyed post on PostgreSQL is stored by post_entry() in the
// statement that numbers the entry, so it is rendered before the entry has
// its id and number, with these placeholders, which post_entry() replaces
// (migrations/postgres/00009_actors.sql).
const (
	pendingID     int64 = -7777777777777777
	idHole              = `"id":-7777777777777777,`
	numberHole          = `"number":"\u0007"`
	pendingNumber int64 = 0 // never a real number: series start at 1
)

// Pending renders the answer to a post of e before e is numbered, with the
// holes post_entry() fills. It fails when the rendering shows the pending
// id or number anywhere but where post_entry() looks for them, rather than
// store an answer that would never be filled in.
func Pending(r *ledger.IdemRequest, e *ledger.Entry) (string, error) {
	p := *e
	p.ID, p.Number = pendingID, pendingNumber
	b, err := r.Render(&p)
	if err != nil {
		return "", err
	}
	number := p.NumberText()
	out := strings.Replace(string(b), `"number":"`+number+`"`, numberHole, 1)
	// A value, not text inside a string (where JSON escapes the quotes).
	if strings.Contains(out, `"`+number+`"`) || strings.Count(out, ":-7777777777777777") != strings.Count(out, idHole) {
		return "", fmt.Errorf("idem: the answer to a post shows the entry's id or number other than as %s and %s", idHole, `"number":"`+number+`"`)
	}
	return out, nil
}
