package api

import (
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
	Reason    string              `json:"reason"`
	Errors    []ledger.FieldError `json:"errors,omitempty"`
	RequestID string              `json:"request_id"`
}

const problemType = "application/problem+json"

// fail writes err as a problem and stops the request. Internal errors are
// logged with their cause and shown only as "internal error".
func (s *Server) fail(c *gin.Context, err error) {
	e := ledger.As(err)
	status, ok := statusOf[e.Code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if status >= 500 {
		s.log.ErrorContext(c.Request.Context(), "request failed", "request_id", requestID(c), "reason", e.Reason, "error", err.Error())
	}
	if status == http.StatusUnauthorized {
		c.Header("WWW-Authenticate", `Bearer realm="backoffice"`)
	}
	if status == http.StatusServiceUnavailable {
		c.Header("Retry-After", "1")
	}
	p := Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: e.Message,
		Reason: e.Reason, Errors: e.Fields, RequestID: requestID(c)}
	c.Header("Content-Type", problemType)
	c.AbortWithStatusJSON(status, p)
}

// respond writes v with status, or the error.
func (s *Server) respond(c *gin.Context, status int, v any, err error) {
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(status, v)
}

func invalidParam(name, reason, format string, args ...any) error {
	var p ledger.Problems
	p.Add(name, reason, format, args...)
	return p.Err()
}
