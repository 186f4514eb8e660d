package api

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"
	ginjson "github.com/gin-gonic/gin/codec/json"

	"backoffice/ledger"
)

// JSON answers are written without HTML escaping: they are read by
// programs, never embedded in a page, so a detail that says
// "Authorization: Bearer <key>" arrives as written and not as
// "\u003ckey\u003e" (as with Stripe's and GitHub's APIs). encoding/json
// escapes by default, and it escapes again what a MarshalJSON method
// returns when it is called through json.Marshal, as gin's c.JSON does;
// so an answer is made into bytes here and written as they are.

// marshalJSON is v as compact JSON without HTML escaping and without the
// encoder's trailing newline.
func marshalJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// writeJSON writes v with status as application/json (unless the
// handler set another content type), or a problem if v cannot be written.
func (s *Server) writeJSON(c *gin.Context, status int, v any) {
	b, err := marshalJSON(v)
	if err != nil {
		s.fail(c, ledger.Internal(err))
		return
	}
	c.Data(status, jsonContentType, b)
}

// writeProblem writes p as application/problem+json and stops the request.
func (s *Server) writeProblem(c *gin.Context, p Problem) {
	b, err := marshalJSON(p)
	if err != nil { // an extension member that JSON cannot hold: a bug
		s.log.ErrorContext(c.Request.Context(), "problem not written", "request_id", requestID(c), "reason", p.Reason, "error", err.Error())
		p = Problem{Type: "about:blank", Title: http.StatusText(http.StatusInternalServerError), Status: http.StatusInternalServerError,
			Detail: "internal error", Reason: ledger.ReasonInternal, RequestID: requestID(c)}
		b, _ = marshalJSON(p)
	}
	c.Abort()
	c.Header("Content-Type", problemType)
	c.Data(p.Status, problemType, b)
}

// gin's c.JSON marshals through its codec (gin's codec/json.API); every
// JSON answer of the API goes through it, so it is set once here to write
// without HTML escaping, like marshalJSON.
func init() { ginjson.API = unescapedJSON{} }

// unescapedJSON is encoding/json without HTML escaping.
type unescapedJSON struct{}

func (unescapedJSON) Marshal(v any) ([]byte, error) { return marshalJSON(v) }

func (unescapedJSON) Unmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }

func (unescapedJSON) MarshalIndent(v any, prefix, indent string) ([]byte, error) {
	b, err := marshalJSON(v)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	err = json.Indent(&out, b, prefix, indent)
	return out.Bytes(), err
}

func (unescapedJSON) NewEncoder(w io.Writer) ginjson.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}

func (unescapedJSON) NewDecoder(r io.Reader) ginjson.Decoder { return json.NewDecoder(r) }
