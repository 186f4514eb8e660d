package api

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"backoffice/api/cursor"
	"backoffice/ledger"
)

// page is the envelope of every list: cursor pagination as Stripe does it.
// All three members are always there: data is [] when empty (never null),
// and next_cursor is null when has_more is false, as in the paged reports
// (the events list, which a poller resumes, always sets it).
type page[T any] struct {
	Data       []T    `json:"data"`
	HasMore    bool   `json:"has_more"`
	NextCursor string `json:"next_cursor"`
}

// MarshalJSON writes an empty list as [] rather than null, and no next
// cursor as null.
func (p page[T]) MarshalJSON() ([]byte, error) {
	if p.Data == nil {
		p.Data = []T{}
	}
	return marshalJSON(struct {
		Data       []T     `json:"data"`
		HasMore    bool    `json:"has_more"`
		NextCursor *string `json:"next_cursor"`
	}{p.Data, p.HasMore, nullable(p.NextCursor)})
}

// nullable is nil for "" (no next page) and &s otherwise.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// errCursor is the answer to a cursor this API did not return.
func errCursor() error {
	return invalidParam("cursor", ledger.ReasonCursorInvalid, "cursor is not one this API returned")
}

// cursorParam reads ?cursor= as a cursor of kind k; found is false when
// there is none.
func cursorParam[T any](c *gin.Context, k cursor.Kind[T]) (v T, found bool, err error) {
	token := c.Query("cursor")
	if token == "" {
		return v, false, nil
	}
	if v, found = k.Decode(token); !found {
		return v, false, errCursor()
	}
	return v, true, nil
}

const (
	defaultLimit = 50
	maxLimit     = 200
)

// limitParam reads ?limit= (1..max, default 50).
func limitParam(c *gin.Context, max int) (int, error) {
	s := c.Query("limit")
	if s == "" {
		return min(defaultLimit, max), nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > max {
		return 0, invalidParam("limit", ledger.ReasonLimitInvalid, "limit must be a whole number from 1 to %d", max)
	}
	return n, nil
}

func dateParam(c *gin.Context, name string) (ledger.Date, error) {
	v := c.Query(name)
	if v == "" {
		return ledger.Date{}, nil
	}
	d, err := ledger.ParseDate(v)
	if err != nil {
		return d, invalidParam(name, ledger.ReasonDateInvalid, "%v", err)
	}
	return d, nil
}

func (s *Server) me(c *gin.Context) {
	p := principal(c)
	ents := p.Entities
	if ents == nil {
		ents = []int64{}
	}
	c.JSON(http.StatusOK, gin.H{"key_id": p.KeyID, "name": p.Name, "role": p.Role, "entities": ents})
}

type keyCreated struct {
	*ledger.APIKey
	Key string `json:"key"`
}

func (s *Server) createKey(c *gin.Context) {
	var in ledger.KeyInput
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	by := principal(c).ActorID
	k, secret, err := s.store.CreateKey(c.Request.Context(), &by, &in)
	if err != nil {
		s.fail(c, err)
		return
	}
	// The secret is shown once and never stored: an idempotent replay of
	// this answer gets the key without its secret.
	if redacted, err := marshalJSON(keyCreated{k, ""}); err == nil {
		c.Set(ctxIdemBody, redacted)
	}
	c.JSON(http.StatusCreated, keyCreated{k, secret})
}

func hasKey(m map[string]any, k string) bool {
	_, ok := m[k]
	return ok
}

func (s *Server) listKeys(c *gin.Context) {
	keys, err := s.store.Keys(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, page[*ledger.APIKey]{Data: keys})
}

// idParam reads a numeric path parameter; anything else names nothing
// that exists.
func idParam(c *gin.Context, name, what string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil {
		return 0, ledger.NotFound(what)
	}
	return id, nil
}

func (s *Server) getKey(c *gin.Context) {
	id, err := idParam(c, "key", "api key")
	if err != nil {
		s.fail(c, err)
		return
	}
	k, err := s.store.Key(c.Request.Context(), id)
	s.respond(c, http.StatusOK, k, err)
}

func (s *Server) revokeKey(c *gin.Context) {
	id, err := idParam(c, "key", "api key")
	if err != nil {
		s.fail(c, err)
		return
	}
	by := principal(c).ActorID
	k, err := s.store.RevokeKey(c.Request.Context(), &by, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.keys.drop(func(_ string, p *ledger.Principal) bool { return p.KeyID == id })
	c.JSON(http.StatusOK, k)
}

func (s *Server) createEntity(c *gin.Context) {
	var in ledger.EntityInput
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	e, err := s.store.CreateEntity(c.Request.Context(), principal(c), &in)
	s.respond(c, http.StatusCreated, e, err)
}

func (s *Server) listEntities(c *gin.Context) {
	limit, after, err := idPageParams(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	list, err := s.store.Entities(c.Request.Context(), principal(c), after, limit)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, idPage(list, limit, func(e *ledger.Entity) int64 { return e.ID }))
}

// idPageParams reads limit and a cursor that is the id of the last item of
// the previous page (0 without a cursor).
func idPageParams(c *gin.Context) (limit int, id int64, err error) {
	if limit, err = limitParam(c, maxLimit); err != nil {
		return 0, 0, err
	}
	if id, _, err = cursorParam(c, cursor.ID); err != nil {
		return 0, 0, err
	}
	return limit, id, nil
}

// idPage makes a page of at most limit items from a list of limit+1, with
// the last item's id as the next cursor.
func idPage[T any](list []T, limit int, id func(T) int64) page[T] {
	out := page[T]{Data: list}
	if len(list) > limit {
		out.Data, out.HasMore = list[:limit], true
		out.NextCursor = cursor.ID.Encode(id(list[limit-1]))
	}
	return out
}

func (s *Server) getEntity(c *gin.Context) { c.JSON(http.StatusOK, entity(c)) }

func (s *Server) updateEntity(c *gin.Context) {
	var in ledger.EntityInput
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	e, err := s.store.UpdateEntity(c.Request.Context(), principal(c), entity(c).ID, &in)
	s.forgetEntity(entity(c).ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, e)
}

func (s *Server) setLockDate(c *gin.Context) {
	var in struct {
		LockDate *string `json:"lock_date"`
	}
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	// A missing field is a mistake, not a request to clear the lock:
	// clearing reopens every closed period, so it takes an explicit null.
	var present map[string]any
	if body, _ := readBody(c); json.Unmarshal(body, &present) != nil || !hasKey(present, "lock_date") {
		s.fail(c, invalidParam("lock_date", ledger.ReasonFieldRequired, "lock_date is required (a date, or null to clear the lock)"))
		return
	}
	var d *ledger.Date
	if in.LockDate != nil {
		v, err := ledger.ParseDate(*in.LockDate)
		if err != nil {
			s.fail(c, invalidParam("lock_date", ledger.ReasonDateInvalid, "%v", err))
			return
		}
		d = &v
	}
	e, err := s.store.SetLockDate(c.Request.Context(), principal(c), entity(c).ID, d)
	s.forgetEntity(entity(c).ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, e)
}

// forgetEntity drops a changed entity from the cache (also when the change
// failed or its transaction may still roll back: a reload costs little).
func (s *Server) forgetEntity(id int64) {
	s.entities.drop(func(k int64, _ *ledger.Entity) bool { return k == id })
}

// auditEvents lists the entity's recorded changes other than entries: who
// changed the entity, its lock date, its chart or its keys, and when.
func (s *Server) auditEvents(c *gin.Context) {
	limit, before, err := idPageParams(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	list, err := s.store.AuditEvents(c.Request.Context(), entity(c).ID, before, limit)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, idPage(list, limit, func(e *ledger.AuditEvent) int64 { return e.ID }))
}
