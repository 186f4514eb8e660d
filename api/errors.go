package api

import (
	"encoding/json"
	"net/http"

	"github.com/gin-gonic/gin"

	"backoffice/ledger"
)

// statusOf is the one table from error codes to HTTP statuses.
var statusOf = map[ledger.Code]int{
	ledger.CodeMalformed:    http.StatusBadRequest,
	ledger.CodeInvalid:      http.StatusUnprocessableEntity,
	ledger.CodeNotFound:     http.StatusNotFound,
	ledger.CodeConflict:     http.StatusConflict,
	ledger.CodeUnauthorized: http.StatusUnauthorized,
	ledger.CodeForbidden:    http.StatusForbidden,
	ledger.CodeTooLarge:     http.StatusRequestEntityTooLarge,
	ledger.CodeUnsupported:  http.StatusUnsupportedMediaType,
	ledger.CodeMethod:       http.StatusMethodNotAllowed,
	ledger.CodeThrottled:    http.StatusTooManyRequests,
	ledger.CodeUnavailable:  http.StatusServiceUnavailable,
	ledger.CodeInternal:     http.StatusInternalServerError,
}

// Problem is an RFC 9457 problem details body, with the stable reason and
// the bad fields by JSON path.
type Problem struct {
	Type      string              `json:"type"`
	Title     string              `json:"title"`
	Status    int                 `json:"status"`
	Detail    string              `json:"detail"`
	Reason    ledger.Reason       `json:"reason"`
	Errors    []ledger.FieldError `json:"errors,omitempty"`
	RequestID string              `json:"request_id"`
	// Extensions are further members of the problem (RFC 9457 section
	// 3.2), such as an order's current_status.
	Extensions map[string]any `json:"-"`
}

// MarshalJSON writes the extensions as members next to the standard ones;
// a standard member always wins over an extension of the same name. Like
// every answer, it is not HTML-escaped (see marshalJSON); fail writes
// these bytes as they are.
func (p Problem) MarshalJSON() ([]byte, error) {
	type plain Problem
	b, err := marshalJSON(plain(p))
	if err != nil || len(p.Extensions) == 0 {
		return b, err
	}
	m := map[string]any{}
	for k, v := range p.Extensions {
		m[k] = v
	}
	var std map[string]json.RawMessage
	if err := json.Unmarshal(b, &std); err != nil {
		return nil, err
	}
	for k, v := range std {
		m[k] = v
	}
	return marshalJSON(m)
}

const problemType = "application/problem+json"

// fail writes err as a problem and stops the request. Internal errors are
// logged with their cause and shown only as "internal error".
func (s *Server) fail(c *gin.Context, err error) {
	_ = c.Error(err) // for unit, which retries a conflict the database rolled back
	p := s.problemOf(c, err)
	if p.Status == http.StatusUnauthorized {
		c.Header("WWW-Authenticate", `Bearer realm="backoffice"`)
	}
	if p.Status == http.StatusServiceUnavailable && c.Writer.Header().Get("Retry-After") == "" {
		c.Header("Retry-After", "1")
	}
	s.writeProblem(c, p)
}

// problemOf is err as a problem body (logged if it is the server's fault),
// for fail and for answers that carry several problems (order batches).
func (s *Server) problemOf(c *gin.Context, err error) Problem {
	e := ledger.As(err)
	if e.Code == ledger.CodeUnavailable || e.Code == ledger.CodeInternal {
		if gone := s.goneCause(c); gone != nil { // cancelled by the gate
			e = ledger.As(gone)
		}
	}
	status, ok := statusOf[e.Code]
	if !ok {
		status = http.StatusInternalServerError
	}
	// An outage is logged once by the gate, not once per request.
	// A busy database is load, not a fault: units of work retry it, and
	// the client is told to.
	if status >= 500 && e.Reason != ledger.ReasonDatabaseUnreachable && e.Reason != ledger.ReasonDatabaseBusy {
		s.log.ErrorContext(c.Request.Context(), "request failed", "request_id", requestID(c), "reason", e.Reason, "error", err.Error())
	}
	return Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: e.Message,
		Reason: e.Reason, Errors: e.Fields, RequestID: requestID(c), Extensions: e.Details}
}

// respond writes v with status, or the error.
func (s *Server) respond(c *gin.Context, status int, v any, err error) {
	if err != nil {
		s.fail(c, err)
		return
	}
	s.writeJSON(c, status, v)
}

func invalidParam(name string, reason ledger.Reason, format string, args ...any) error {
	var p ledger.Problems
	p.Add(name, reason, format, args...)
	return p.Err()
}
