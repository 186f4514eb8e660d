// Package apitest holds the API's contract check for tests: every request
// that passes through the router in a test, and its answer, is checked
// against the OpenAPI document the server serves (GET /v1/openapi.json,
// the embedded api/openapi.json).
//
//   - Every answer must be documented: its status (or the operation's
//     default), its Content-Type, its headers and, for JSON and problem
//     bodies, its body must validate against the operation's response.
//     PDF, CSV and ZIP answers are checked by status and Content-Type.
//   - A request the document calls invalid (a parameter or a body that
//     breaks its schema) must be refused with a 4xx (or a 503 while the
//     database is down): the hostile-input tests send such requests on
//     purpose. In the tests every object schema is closed (closeObjects):
//     an answer with a member the document does not name breaks it.
//   - A request to a path or method the document does not have must get
//     a 4xx problem too.
//
// Authentication is not checked (keys are opaque: NoopAuthenticationFunc).
// The document is loaded and its router built once per test binary.
//
// Only tests import this package; the server never does.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// contract is the loaded document and its router.
type contract struct {
	doc    *openapi3.T
	router routers.Router
}

var (
	once    sync.Once
	loaded  *contract
	errLoad error
)

func init() {
	// Answers that are files: checked by status and Content-Type only.
	for _, ct := range []string{"application/pdf", "application/zip"} {
		openapi3filter.RegisterBodyDecoder(ct, openapi3filter.FileBodyDecoder)
	}
	// Statement files are sent as XML (CAMT.053); the document gives them
	// a string schema.
	openapi3filter.RegisterBodyDecoder("application/xml", openapi3filter.PlainBodyDecoder)
	openapi3filter.RegisterBodyDecoder("text/xml", openapi3filter.PlainBodyDecoder)
}

// load reads the document from the server itself, once: fetch answers
// GET /v1/openapi.json.
func load(fetch func() (int, []byte, error)) (*contract, error) {
	once.Do(func() {
		status, body, err := fetch()
		if err == nil && status != http.StatusOK {
			err = fmt.Errorf("status %d", status)
		}
		if err != nil {
			errLoad = fmt.Errorf("GET /v1/openapi.json: %w", err)
			return
		}
		doc, err := openapi3.NewLoader().LoadFromData(body)
		if err != nil {
			errLoad = fmt.Errorf("api/openapi.json does not load: %w", err)
			return
		}
		// Match paths on whatever host the test server has.
		doc.Servers = nil
		closeObjects(doc)
		r, err := legacy.NewRouter(doc)
		if err != nil {
			errLoad = fmt.Errorf("api/openapi.json: %w", err)
			return
		}
		loaded = &contract{doc: doc, router: r}
	})
	return loaded, errLoad
}

// closeObjects makes every object schema with properties refuse members it
// does not name, unless it says otherwise: in the tests the document must
// name every member the server sends (an answer with an undocumented
// member fails), and a request with a member the document does not name is
// invalid, which the server refuses anyway (422 unknown_field). The served
// document stays open for clients. An allOf of objects is first merged
// into one object (closed parts would each refuse the other's members).
func closeObjects(doc *openapi3.T) {
	seen := map[*openapi3.Schema]bool{}
	var walk func(*openapi3.SchemaRef)
	walk = func(r *openapi3.SchemaRef) {
		if r == nil || r.Value == nil || seen[r.Value] {
			return
		}
		s := r.Value
		seen[s] = true
		for _, x := range s.AllOf {
			walk(x)
		}
		mergeAllOf(s)
		for _, p := range s.Properties {
			walk(p)
		}
		for _, l := range [][]*openapi3.SchemaRef{s.AnyOf, s.OneOf} {
			for _, x := range l {
				walk(x)
			}
		}
		walk(s.Items)
		walk(s.Not)
		walk(s.AdditionalProperties.Schema)
	}
	for _, r := range doc.Components.Schemas {
		walk(r)
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				for _, mt := range op.RequestBody.Value.Content {
					walk(mt.Schema)
				}
			}
			for _, res := range op.Responses.Map() {
				if res.Value != nil {
					for _, mt := range res.Value.Content {
						walk(mt.Schema)
					}
				}
			}
		}
	}
	no := false
	for s := range seen {
		if len(s.Properties) > 0 && s.AdditionalProperties.Has == nil && s.AdditionalProperties.Schema == nil {
			s.AdditionalProperties.Has = &no
		}
	}
}

// mergeAllOf turns an allOf of object schemas (parts already merged) into
// one object schema with the parts' properties and required members.
func mergeAllOf(s *openapi3.Schema) {
	if len(s.AllOf) == 0 {
		return
	}
	props := openapi3.Schemas{}
	var required []string
	for _, part := range []*openapi3.Schema{s} {
		for k, v := range part.Properties {
			props[k] = v
		}
		required = append(required, part.Required...)
	}
	for _, x := range s.AllOf {
		p := x.Value
		if p == nil || len(p.Properties) == 0 || len(p.AnyOf)+len(p.OneOf) > 0 || p.Not != nil || p.AdditionalProperties.Schema != nil {
			// Not an object with members (often a $ref given its own
			// description): leave the allOf as it is.
			return
		}
		for k, v := range p.Properties {
			props[k] = v
		}
		required = append(required, p.Required...)
	}
	s.AllOf = nil
	s.Type = &openapi3.Types{openapi3.TypeObject}
	s.Properties = props
	s.Required = required
}

// Handler wraps h so that every request and answer through it is checked;
// a breach fails t with the route, the status and what is wrong.
func Handler(t testing.TB, h http.Handler) http.Handler {
	c, err := load(func() (int, []byte, error) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/v1/openapi.json", nil))
		return rec.Code, rec.Body.Bytes(), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body []byte
		if r.Body != nil && r.Body != http.NoBody {
			var rerr error
			body, rerr = io.ReadAll(r.Body)
			r.Body.Close()
			if rerr != nil {
				// An unreadable body is the test's point: pass it on as it
				// was and check only the answer.
				r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), errReader{rerr}))
				body = nil
			} else {
				r.Body = io.NopCloser(bytes.NewReader(body))
			}
		}
		probe := r.Clone(context.Background())
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		if err := c.check(probe, body, rec.Code, rec.Header(), rec.Body.Bytes()); err != nil {
			t.Errorf("contract: %v", err)
		}
	})
}

// Transport checks every request a client sends through base to the
// server at baseURL and every answer it gets (for a server run as a
// process, such as the end-to-end test's).
func Transport(t testing.TB, base http.RoundTripper, baseURL string) http.RoundTripper {
	c, err := load(func() (int, []byte, error) {
		res, err := (&http.Client{Transport: base}).Get(strings.TrimSuffix(baseURL, "/") + "/v1/openapi.json")
		if err != nil {
			return 0, nil, err
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		return res.StatusCode, b, err
	})
	if err != nil {
		t.Fatal(err)
	}
	return roundTripper(func(req *http.Request) (*http.Response, error) {
		var body []byte
		if req.Body != nil {
			b, err := io.ReadAll(req.Body)
			req.Body.Close()
			if err != nil {
				return nil, err
			}
			body = b
			req.Body = io.NopCloser(bytes.NewReader(b))
		}
		res, err := base.RoundTrip(req)
		if err != nil {
			return res, err
		}
		out, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			return nil, err
		}
		res.Body = io.NopCloser(bytes.NewReader(out))
		if err := c.check(req, body, res.StatusCode, res.Header, out); err != nil {
			t.Errorf("contract: %v", err)
		}
		return res, nil
	})
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

var options = &openapi3filter.Options{
	AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
	IncludeResponseStatus: true,
	SkipSettingDefaults:   true,
	MultiError:            true,
	// Errors name the path and what is wrong, without schema dumps.
	SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.DisableSchemaErrorDetails()},
}

// check is one request and its answer against the document.
func (c *contract) check(req *http.Request, body []byte, status int, header http.Header, out []byte) error {
	where := fmt.Sprintf("%s %s -> %d", req.Method, req.URL.RequestURI(), status)
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		// Not an operation of the document: a 4xx problem.
		if status < 400 || status >= 500 {
			return fmt.Errorf("%s: not an operation of the document (%v), yet not refused", where, err)
		}
		return c.checkProblem(where, header, out)
	}
	ctx := context.Background()
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: options}
	req.Body = io.NopCloser(bytes.NewReader(body))
	if len(body) == 0 {
		req.Body = http.NoBody
	}
	// Refused means a 4xx, or a 503 when the database is down (answered
	// before the request is read); a success or a 500 is a breach.
	if rerr := openapi3filter.ValidateRequest(ctx, in); rerr != nil && (status < 400 || status >= 500) && status != http.StatusServiceUnavailable {
		return fmt.Errorf("%s: the document calls the request invalid, yet it was not refused with a 4xx:\n%v\nrequest body: %s", where, trim(rerr), clip(body))
	}
	if ct := header.Get("Content-Type"); ct != "" {
		// kin-openapi matches media types without parameters.
		if mt, _, perr := mime.ParseMediaType(ct); perr == nil && mt != "application/json" && mt != "application/problem+json" {
			o := *options
			o.ExcludeResponseBody = true
			in.Options = &o
			if err := mediaDocumented(route, status, mt); err != nil {
				return fmt.Errorf("%s: %v", where, err)
			}
		}
	}
	if status != http.StatusInternalServerError && route.Operation.Responses.Status(status) == nil {
		// default is for the unexpected (500) alone: every answer a client
		// can act on has its status documented.
		return fmt.Errorf("%s: status %d is not documented for %s %s (only default)", where, status, route.Method, route.Path)
	}
	rv := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: status, Header: header,
		Body: io.NopCloser(bytes.NewReader(out)), Options: in.Options}
	if err := openapi3filter.ValidateResponse(ctx, rv); err != nil {
		return fmt.Errorf("%s: the answer breaks the document:\n%v\nbody: %s", where, trim(err), clip(out))
	}
	if len(out) > 0 && header.Get("Content-Type") == "" {
		return fmt.Errorf("%s: a body without Content-Type", where)
	}
	return nil
}

// mediaDocumented checks that the operation documents the media type for
// the status (the body is a file the document does not describe further).
func mediaDocumented(route *routers.Route, status int, mt string) error {
	r := route.Operation.Responses.Status(status)
	if r == nil {
		r = route.Operation.Responses.Default()
	}
	if r == nil || r.Value == nil {
		return fmt.Errorf("status %d is not documented", status)
	}
	if r.Value.Content.Get(mt) == nil {
		return fmt.Errorf("Content-Type %q is not documented for status %d", mt, status)
	}
	return nil
}

// checkProblem checks an answer to a request for no documented operation.
func (c *contract) checkProblem(where string, header http.Header, out []byte) error {
	if mt, _, _ := mime.ParseMediaType(header.Get("Content-Type")); mt != "application/problem+json" {
		return fmt.Errorf("%s: Content-Type %q, want application/problem+json", where, header.Get("Content-Type"))
	}
	var v any
	if err := json.Unmarshal(out, &v); err != nil {
		return fmt.Errorf("%s: problem body is not JSON: %v", where, err)
	}
	if err := c.doc.Components.Schemas["Problem"].Value.VisitJSON(v, openapi3.MultiErrors(), openapi3.DisableSchemaErrorDetails()); err != nil {
		return fmt.Errorf("%s: problem body breaks the Problem schema:\n%v\nbody: %s", where, trim(err), clip(out))
	}
	return nil
}

func clip(b []byte) string {
	if len(b) > 2000 {
		return string(b[:2000]) + "…"
	}
	return string(b)
}

// trim keeps a long list of validation errors readable.
func trim(err error) string {
	parts := strings.Split(err.Error(), " | ")
	if len(parts) > 20 {
		parts = append(parts[:20], fmt.Sprintf("… %d more", len(parts)-20))
	}
	return strings.Join(parts, "\n")
}
