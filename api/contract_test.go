package api

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"backoffice/api/apitest"
)

// captureTB records what the contract check reports instead of failing.
type captureTB struct {
	testing.TB
	errs []string
}

func (c *captureTB) Errorf(format string, args ...any) {
	c.errs = append(c.errs, fmt.Sprintf(format, args...))
}

// TestContractCheckCatches: the check every test's requests go through
// (apitest.Handler) reports an answer the document does not describe and
// an invalid request that is not refused, and passes what it describes.
func TestContractCheckCatches(t *testing.T) {
	t.Parallel()
	answer := map[string]func(http.ResponseWriter){}
	fake := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/openapi.json" {
			w.Header().Set("Content-Type", "application/json")
			w.Write(openapiDoc)
			return
		}
		answer[r.Method+" "+r.URL.Path](w)
	})
	json := func(status int, body string) func(http.ResponseWriter) {
		return func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(status)
			w.Write([]byte(body))
		}
	}
	problem := func(status int, reason string) func(http.ResponseWriter) {
		return func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"type":"about:blank","title":"x","status":%d,"detail":"x","reason":%q,"request_id":"1"}`, status, reason)
		}
	}
	me := `{"key_id":1,"name":"ops","role":"admin","entities":[]}`
	list := `{"data":[],"has_more":false,"next_cursor":null}`
	for _, c := range []struct {
		name, method, path, body string
		answer                   func(http.ResponseWriter)
		want                     string // in the report; "" for none
	}{
		{"documented answer", "GET", "/v1/me", "", json(200, me), ""},
		{"a list", "GET", "/v1/entities", "", json(200, list), ""},
		{"a list without next_cursor", "GET", "/v1/entities", "", json(200, `{"data":[],"has_more":false}`), `"next_cursor"`},
		{"a list with a null data", "GET", "/v1/entities", "", json(200, `{"data":null,"has_more":false,"next_cursor":null}`), `data`},
		{"an undocumented member", "GET", "/v1/me", "", json(200, strings.Replace(me, "{", `{"extra":1,`, 1)), `extra`},
		{"a wrong type", "GET", "/v1/me", "", json(200, strings.Replace(me, `"key_id":1`, `"key_id":"1"`, 1)), `key_id`},
		{"an undocumented status", "GET", "/v1/me", "", problem(409, "x"), "409"},
		{"a documented problem", "GET", "/v1/me", "", problem(401, "key_missing"), ""},
		{"a throttled request", "GET", "/v1/me", "", func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "3")
			problem(429, "authentication_throttled")(w)
		}, ""},
		{"a 503 without Retry-After", "GET", "/v1/me", "", problem(503, "database_unreachable"), "Retry-After"},
		{"a problem that is not one", "GET", "/v1/me", "", json(401, `{"error":"no"}`), "401"},
		{"an invalid request answered 2xx", "GET", "/v1/entities?limit=0", "", json(200, list), "request invalid"},
		{"an invalid request refused", "GET", "/v1/entities?limit=0", "", problem(422, "limit_invalid"), ""},
		{"an unknown member in a body answered 2xx", "POST", "/v1/entities", `{"name":"A","currency":"EUR","colour":"red"}`, json(201, `{}`), "request invalid"},
		{"no such operation answered 2xx", "GET", "/v1/nothing", "", json(200, `{}`), "not an operation"},
		{"no such operation refused", "GET", "/v1/nothing", "", problem(404, "route_not_found"), ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			tb := &captureTB{TB: t}
			answer[c.method+" "+strings.SplitN(c.path, "?", 2)[0]] = c.answer
			var req *http.Request
			if c.body != "" {
				req = httptest.NewRequest(c.method, c.path, strings.NewReader(c.body))
				req.Header.Set("Content-Type", "application/json")
			} else {
				req = httptest.NewRequest(c.method, c.path, nil)
			}
			apitest.Handler(tb, fake).ServeHTTP(httptest.NewRecorder(), req)
			got := strings.Join(tb.errs, "\n")
			switch {
			case c.want == "" && got != "":
				t.Errorf("reported a good exchange:\n%s", got)
			case c.want != "" && !strings.Contains(got, c.want):
				t.Errorf("report %q, want one that names %q", got, c.want)
			}
		})
	}
}
