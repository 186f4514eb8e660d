package api

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"backoffice/invoicing/purchases"
	"backoffice/ledger"
	"backoffice/ledger/idem"
	"backoffice/ledger/sqlstore"
)

const (
	ctxRequestID = "backoffice.request_id"
	ctxPrincipal = "backoffice.principal"
	ctxEntity    = "backoffice.entity"
	ctxIdemBody  = "backoffice.idempotency_body" // what to store instead of the answer
	ctxIdem      = "backoffice.idempotency"      // *ledger.IdemRequest for keyed routes
	// ctxKeepWrites: a unit's handler failed, yet what it wrote is to
	// commit with its answer (a received e-invoice that cannot be mapped
	// stays in the inbox for the accountant to retry from).
	ctxKeepWrites = "backoffice.keep_writes"
	ctxKeyPrefix  = "backoffice.key_prefix" // the start of a key that failed, for the log
)

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

func requestID(c *gin.Context) string { return c.GetString(ctxRequestID) }

// requestIDAndLog gives every request an id (the caller's X-Request-Id if
// it is sane) and logs one structured line when it ends.
func (s *Server) requestIDAndLog(c *gin.Context) {
	start := time.Now()
	id := c.GetHeader("X-Request-Id")
	if !requestIDPattern.MatchString(id) {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		id = hex.EncodeToString(b)
	}
	c.Set(ctxRequestID, id)
	c.Header("X-Request-Id", id)
	c.Next()
	attrs := []any{"request_id", id, "method", c.Request.Method, "route", c.FullPath(), "path", c.Request.URL.Path,
		"status", c.Writer.Status(), "bytes", c.Writer.Size(), "duration_ms", float64(time.Since(start).Microseconds()) / 1000}
	if p := principal(c); p != nil {
		attrs = append(attrs, "key_id", p.KeyID)
	} else if prefix, ok := c.Get(ctxKeyPrefix); ok {
		attrs = append(attrs, "client", c.ClientIP(), "key_prefix", prefix)
	}
	s.log.InfoContext(c.Request.Context(), "request", attrs...)
}

// recover turns a panic into a logged 500 problem; the process lives on.
func (s *Server) recover(c *gin.Context) {
	defer func() {
		if v := recover(); v != nil {
			if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(v)
			}
			s.log.ErrorContext(c.Request.Context(), "panic", "request_id", requestID(c), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if !c.Writer.Written() {
				s.fail(c, ledger.Internal(fmt.Errorf("panic: %v", v)))
			}
		}
	}()
	c.Next()
}

// saneText refuses query and path values that no database can store: a
// NUL character or bytes that are not UTF-8. A bad path value names nothing
// (404); a bad query value is a 422 naming the parameter.
func (s *Server) saneText(c *gin.Context) {
	bad := func(v string) bool { return !utf8.ValidString(v) || strings.ContainsRune(v, 0) }
	for _, p := range c.Params {
		if bad(p.Value) {
			s.fail(c, ledger.Errorf(ledger.CodeNotFound, ledger.ReasonNotFound, "%s not found", p.Key))
			return
		}
	}
	for name, vs := range c.Request.URL.Query() {
		for _, v := range vs {
			if bad(name) || bad(v) {
				s.fail(c, invalidParam(strings.ToValidUTF8(name, "?"), ledger.ReasonTextInvalid, "query parameter is not valid UTF-8 text"))
				return
			}
		}
	}
	c.Next()
}

func (s *Server) limitBody(c *gin.Context) {
	limit := s.maxBody
	if p := c.FullPath(); p == batchRoute || ((p == statementImportRoute || p == entityStatementImportRoute) && c.Request.Method == http.MethodPost) {
		limit = s.maxBatchBody
	}
	if (c.FullPath() == documentUploadRoute || c.FullPath() == einvoiceReceiveRoute) && c.Request.Method == http.MethodPost {
		limit = purchases.MaxDocumentBytes
	}
	if c.Request.ContentLength > limit {
		s.fail(c, ledger.Errorf(ledger.CodeTooLarge, ledger.ReasonBodyTooLarge, "the request body is larger than %d bytes", limit))
		return
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	c.Next()
}

// batchRoute takes up to 1,000 orders, so it has a limit of its own.
const batchRoute = "/v1/entities/:entity/orders/batch"

func principal(c *gin.Context) *ledger.Principal {
	p, _ := c.Get(ctxPrincipal)
	pr, _ := p.(*ledger.Principal)
	return pr
}

func entity(c *gin.Context) *ledger.Entity {
	e, _ := c.Get(ctxEntity)
	return e.(*ledger.Entity)
}

// ttlCache remembers lookups for a short time so that a busy client does
// not cost a database round trip per request for what rarely changes (keys,
// entities). Changes made through this process drop the entry at once;
// other processes' changes show within the TTL. Nothing that guards the
// books depends on it: the database checks lock dates and accounts itself.
type ttlCache[K comparable, V any] struct {
	ttl time.Duration
	mu  sync.Mutex
	m   map[K]cached[V]
}

type cached[V any] struct {
	v       V
	expires time.Time
}

func newTTLCache[K comparable, V any](ttl time.Duration) *ttlCache[K, V] {
	return &ttlCache[K, V]{ttl: ttl, m: map[K]cached[V]{}}
}

func (c *ttlCache[K, V]) get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	if !ok || time.Now().After(e.expires) {
		var zero V
		return zero, false
	}
	return e.v, true
}

func (c *ttlCache[K, V]) put(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) > 10_000 { // bound memory; a full reset is rare and cheap
		clear(c.m)
	}
	c.m[k] = cached[V]{v, time.Now().Add(c.ttl)}
}

// drop forgets every entry that matches.
func (c *ttlCache[K, V]) drop(match func(K, V) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.m {
		if match(k, e.v) {
			delete(c.m, k)
		}
	}
}

// authenticate requires "Authorization: Bearer <key>". A missing or wrong
// key is 401, or 429 once its address has failed too often (authThrottle).
func (s *Server) authenticate(c *gin.Context) {
	scheme, secret, ok := strings.Cut(c.GetHeader("Authorization"), " ")
	secret = strings.TrimLeft(secret, " ") // RFC 6750 allows more than one space
	if !ok || !strings.EqualFold(scheme, "Bearer") || secret == "" {
		s.failAuth(c, "", ledger.Errorf(ledger.CodeUnauthorized, ledger.ReasonKeyMissing, "send an API key as \"Authorization: Bearer <key>\""))
		return
	}
	p, ok := s.keys.get(secret)
	if !ok {
		var err error
		if p, err = s.store.Authenticate(c.Request.Context(), secret); err != nil {
			if ledger.IsCode(err, ledger.CodeUnauthorized) {
				s.failAuth(c, secret, err)
			} else {
				s.fail(c, err)
			}
			return
		}
		s.keys.put(secret, p)
	}
	c.Set(ctxPrincipal, p)
	c.Next()
}

// failAuth answers a failed authentication: 401, or 429 with Retry-After
// when the client's address has failed too often. It logs the client and
// the first characters of the key, never the key.
func (s *Server) failAuth(c *gin.Context, secret string, err error) {
	client := c.ClientIP()
	wait, tripped := s.authFails.fail(client)
	c.Set(ctxKeyPrefix, keyLogPrefix(secret))
	if wait == 0 {
		s.fail(c, err)
		return
	}
	if tripped {
		s.log.WarnContext(c.Request.Context(), "throttling failed authentication", "client", client, "key_prefix", keyLogPrefix(secret),
			"request_id", requestID(c))
	}
	c.Header("Retry-After", retryAfter(wait))
	s.fail(c, ledger.Errorf(ledger.CodeThrottled, ledger.ReasonAuthenticationThrottled,
		"too many failed authentications from your address; retry after %s with a valid key", plural(retryAfter(wait), "second")))
}

// entityScope loads the entity of the path. An entity outside the key's
// scope is not found, exactly as one that does not exist.
func (s *Server) entityScope(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("entity"), 10, 64)
	if err != nil || !principal(c).CanSee(id) {
		s.fail(c, ledger.NotFound("entity"))
		return
	}
	e, ok := s.entities.get(id)
	if !ok {
		if e, err = s.store.Entity(c.Request.Context(), id); err != nil {
			s.fail(c, err)
			return
		}
		s.entities.put(id, e)
	}
	c.Set(ctxEntity, e)
	c.Next()
}

// handler is a write request's handler. It runs with the Server bound to
// the request's unit of work (see unit): every store call it makes through
// s joins that unit of work.
type handler func(s *Server, c *gin.Context)

// idemKey reads the request's Idempotency-Key and the hash of the request
// it names (idem.Hash). Without a key it returns nil; a key that is not one
// printable value fails the request (ok false).
func (s *Server) idemKey(c *gin.Context) (key *ledger.IdemRequest, ok bool) {
	k, err := idem.Parse(c.Request.Header.Values("Idempotency-Key"))
	if err == nil && k == "" {
		return nil, true
	}
	var body []byte
	if err == nil {
		body, err = readBody(c)
	}
	if err != nil {
		s.fail(c, err)
		return nil, false
	}
	entityID, _ := strconv.ParseInt(c.Param("entity"), 10, 64)
	return &ledger.IdemRequest{EntityID: entityID, ActorID: principal(c).ActorID, Key: k,
		RequestHash: idem.Hash(c.Request.Method, c.Request.URL.RequestURI(), body)}, true
}

// unit declares a write route: h runs as one unit of work (sqlstore.Tx),
// with the services bound to it, and with an Idempotency-Key the answer is
// stored in the same unit of work, so that the write and its answer commit
// together or not at all. A replay gets the first answer, byte for byte;
// the same key with another request is a 409. Only successful answers are
// stored: a request that failed changed nothing and may be retried with the
// same key (unless its handler set ctxKeepWrites: then what it wrote
// commits, and its failure answer is stored as a success's would be).
//
// h renders its answer into a buffer, never onto the connection: when the
// database rolls the unit of work back for a conflict, h runs again whole
// in a new one (sqlstore.Store.Write), and only the answer of the try that
// committed is sent.
func (s *Server) unit(h handler) gin.HandlerFunc {
	return func(c *gin.Context) {
		key, ok := s.idemKey(c)
		if !ok {
			return
		}
		ctx := c.Request.Context()
		if key != nil {
			if prev, err := s.store.IdemLookup(ctx, key.EntityID, key.ActorID, key.Key); err != nil {
				s.fail(c, err)
				return
			} else if prev != nil {
				s.replay(c, prev, key.RequestHash)
				return
			}
		}
		out := c.Writer
		defer func() { c.Writer = out }() // also when the handler panics
		var rec *captureWriter
		err := s.store.Write(ctx, func(tx *sqlstore.Tx) error {
			// A fresh answer per try: the headers are held back with the
			// body, so that a try that rolls back sends nothing (not, say,
			// the Location of its rolled-back write).
			rec = &captureWriter{ResponseWriter: out, status: http.StatusOK, header: out.Header().Clone()}
			c.Writer = rec
			c.Errors = c.Errors[:0]
			delete(c.Keys, ctxIdemBody)
			delete(c.Keys, ctxKeepWrites)
			h(s.in(tx), c)
			if rec.status >= 300 && !c.GetBool(ctxKeepWrites) {
				return answerNotStored{c.Errors.Last()}
			}
			if key == nil {
				return nil
			}
			stored := rec.buf.Bytes()
			if b, ok := c.Get(ctxIdemBody); ok { // the handler keeps a secret out of storage
				stored = b.([]byte)
			}
			return s.store.IdemSave(tx, &ledger.IdemRecord{EntityID: key.EntityID, ActorID: key.ActorID, Key: key.Key, RequestHash: key.RequestHash,
				Status: rec.status, ContentType: rec.Header().Get("Content-Type"), Body: string(stored)})
		})
		c.Writer = out
		var failed answerNotStored
		switch {
		case err == nil || errors.As(err, &failed):
			// A failure may be the loser of a race with the same key: if the
			// winner's answer is there now, that is the answer.
			if err != nil && key != nil {
				if prev, _ := s.store.IdemLookup(ctx, key.EntityID, key.ActorID, key.Key); prev != nil {
					s.replay(c, prev, key.RequestHash)
					return
				}
			}
			rec.commitHeader()
			c.Writer.WriteHeader(rec.status)
			_, _ = c.Writer.Write(rec.buf.Bytes())
		case errors.Is(err, ledger.ErrIdemExists):
			prev, lerr := s.store.IdemLookup(ctx, key.EntityID, key.ActorID, key.Key)
			if lerr != nil || prev == nil {
				s.fail(c, idem.InUse())
				return
			}
			s.replay(c, prev, key.RequestHash)
		default:
			// The unit of work failed outside the handler: at COMMIT, say,
			// where a lost connection leaves the outcome unknown (the client
			// retries with its Idempotency-Key).
			s.fail(c, err)
		}
	}
}

// answerNotStored ends the unit of work of a handler that answered with a
// failure: nothing it wrote commits. It wraps the error the handler failed
// with, so that a conflict the database rolled back is retried (see
// sqlstore.RolledBack).
type answerNotStored struct{ cause *gin.Error }

func (e answerNotStored) Error() string { return "answer not stored: " + e.Unwrap().Error() }

func (e answerNotStored) Unwrap() error {
	if e.cause == nil {
		return errors.New("the handler failed")
	}
	return e.cause.Err
}

// in is the Server with its services bound to the unit of work tx.
func (s *Server) in(tx *sqlstore.Tx) *Server {
	b := *s
	sv := s.bind(tx)
	b.store, b.hooks, b.bank, b.purchases = sv.Store, sv.Hooks, sv.Bank, sv.Purchases
	b.revaluations = sv.Revaluations
	b.vatReturns = sv.VATReturns
	return &b
}

// keyed declares a write route whose store method keeps the Idempotency-Key
// itself, in its own single write (ledger.IdemRequest): a post is one
// round trip on PostgreSQL, with no transaction around it to open.
func (s *Server) keyed(h handler) gin.HandlerFunc {
	return func(c *gin.Context) {
		key, ok := s.idemKey(c)
		if !ok {
			return
		}
		if key != nil {
			c.Set(ctxIdem, key)
		}
		h(s, c)
	}
}

// replay answers with a stored answer, or 409 if the key came with another
// request.
func (s *Server) replay(c *gin.Context, r *ledger.IdemRecord, hash string) {
	c.Writer.Header().Del("Content-Type")
	if err := idem.Replay(r, hash); err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Idempotent-Replayed", "true")
	c.Data(r.Status, r.ContentType, []byte(r.Body))
	c.Abort()
}

// idemRequest is the Idempotency-Key of a keyed route, or nil.
func idemRequest(c *gin.Context, render func(*ledger.Entry) ([]byte, error)) *ledger.IdemRequest {
	v, ok := c.Get(ctxIdem)
	if !ok {
		return nil
	}
	r := v.(*ledger.IdemRequest)
	r.Status, r.ContentType, r.Render = http.StatusCreated, jsonContentType, render
	return r
}

const jsonContentType = "application/json; charset=utf-8"

// captureWriter holds a response (status, headers and body) back until its
// transaction has committed.
type captureWriter struct {
	gin.ResponseWriter
	status int
	header http.Header
	buf    bytes.Buffer
}

// commitHeader makes the held-back headers the real response's.
func (w *captureWriter) commitHeader() {
	h := w.ResponseWriter.Header()
	clear(h)
	maps.Copy(h, w.header)
}

func (w *captureWriter) Header() http.Header { return w.header }

func (w *captureWriter) WriteHeader(code int)              { w.status = code }
func (w *captureWriter) WriteHeaderNow()                   {}
func (w *captureWriter) Write(b []byte) (int, error)       { return w.buf.Write(b) }
func (w *captureWriter) WriteString(s string) (int, error) { return w.buf.WriteString(s) }
func (w *captureWriter) Status() int                       { return w.status }
func (w *captureWriter) Size() int                         { return w.buf.Len() }
func (w *captureWriter) Written() bool                     { return w.buf.Len() > 0 }
