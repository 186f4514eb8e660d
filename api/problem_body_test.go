package api

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"backoffice/ledger"
)

// TestProblemBodyNotEscaped: a problem body is written as the text says,
// not HTML-escaped ("<key>", not "\u003ckey\u003e"), with its content type,
// and as one JSON value without a trailing newline; so is an answer
// written by respond.
func TestProblemBodyNotEscaped(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r := f.do("GET", "/v1/entities", "", nil)
	wantProblem(t, r, 401, "key_missing")
	body := string(r.body)
	if !strings.Contains(body, `"detail":"send an API key as \"Authorization: Bearer <key>\""`) {
		t.Errorf("401 body does not say Authorization: Bearer <key> literally: %s", body)
	}
	if strings.Contains(body, `\u003c`) || strings.Contains(body, `\u003e`) {
		t.Errorf("401 body is HTML-escaped: %s", body)
	}
	if r.obj["detail"] != `send an API key as "Authorization: Bearer <key>"` {
		t.Errorf("detail decodes to %q", r.obj["detail"])
	}
	if strings.HasSuffix(body, "\n") || !json.Valid(r.body) {
		t.Errorf("body is not exactly one JSON value: %q", body)
	}
	if got := r.header.Get("WWW-Authenticate"); got != `Bearer realm="backoffice"` {
		t.Errorf("WWW-Authenticate = %q", got)
	}

	// An answer through respond: a customer whose name holds <, > and &.
	e := f.entity("Escapes")
	key := f.key(ledger.RoleAccountant, e)
	name := `Smith & Sons <Holding> B.V.`
	for _, r := range []*response{
		f.must(f.do("POST", ent(e)+"/customers", key, map[string]any{"name": name}), 201),
	} {
		if !bytes.Contains(r.body, []byte(`"name":"`+name+`"`)) || bytes.Contains(r.body, []byte(`\u00`)) {
			t.Errorf("customer answer escaped: %s", r.body)
		}
		if ct := r.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
			t.Errorf("Content-Type = %q", ct)
		}
		if bytes.HasSuffix(r.body, []byte("\n")) {
			t.Errorf("trailing newline: %q", r.body)
		}
		got := f.must(f.do("GET", ent(e)+"/customers/"+id(r.obj["id"]), key, nil), 200)
		if !bytes.Contains(got.body, []byte(`"name":"`+name+`"`)) {
			t.Errorf("GET customer escaped: %s", got.body)
		}
	}
	// Every other JSON answer too: a list (its own MarshalJSON), an entry
	// (rendered in the posting transaction) and a plain c.JSON answer.
	desc := `Rent <March> & service`
	for what, r := range map[string]*response{
		"list":   f.must(f.do("GET", ent(e)+"/customers", key, nil), 200),
		"entry":  f.must(f.do("POST", ent(e)+"/entries", key, `{"date":"2026-03-31","description":"`+desc+`","lines":[{"account":"4100","debit":"1.00"},{"account":"1000","credit":"1.00"}]}`, "Idempotency-Key", "esc-1"), 201),
		"entity": f.must(f.do("GET", ent(e), key, nil), 200),
	} {
		if bytes.Contains(r.body, []byte(`\u003c`)) || bytes.Contains(r.body, []byte(`\u0026`)) || bytes.HasSuffix(r.body, []byte("\n")) {
			t.Errorf("%s answer escaped or with a trailing newline: %s", what, r.body)
		}
	}
	replay := f.must(f.do("POST", ent(e)+"/entries", key, `{"date":"2026-03-31","description":"`+desc+`","lines":[{"account":"4100","debit":"1.00"},{"account":"1000","credit":"1.00"}]}`, "Idempotency-Key", "esc-1"), 201)
	if !bytes.Contains(replay.body, []byte(desc)) {
		t.Errorf("replayed entry escaped: %s", replay.body)
	}
}

// TestProblemMarshalJSON: the problem members and its extension members
// (RFC 9457 section 3.2) are not HTML-escaped; a standard member wins over
// an extension of the same name.
func TestProblemMarshalJSON(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		p    Problem
		want string
	}{
		{"plain", Problem{Type: "about:blank", Title: "Unauthorized", Status: 401, Detail: `use "Bearer <key>" & retry`, Reason: "key_missing", RequestID: "r1"},
			`{"type":"about:blank","title":"Unauthorized","status":401,"detail":"use \"Bearer <key>\" & retry","reason":"key_missing","request_id":"r1"}`},
		{"field errors", Problem{Type: "about:blank", Title: "Unprocessable Entity", Status: 422, Detail: "a<b", Reason: "x",
			Errors: []ledger.FieldError{{Path: "lines[0].a<b>", Reason: "x", Message: "1 < 2 & 3 > 2"}}, RequestID: "r2"},
			`{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"a<b","reason":"x","errors":[{"path":"lines[0].a<b>","reason":"x","message":"1 < 2 & 3 > 2"}],"request_id":"r2"}`},
		{"extensions", Problem{Type: "about:blank", Title: "Conflict", Status: 409, Detail: "d", Reason: "r", RequestID: "r3",
			Extensions: map[string]any{"current_status": "<received>", "note": "a & b", "status": 200, "nested": map[string]any{"x": "<y>"}}},
			`{"current_status":"<received>","detail":"d","nested":{"x":"<y>"},"note":"a & b","reason":"r","request_id":"r3","status":409,"title":"Conflict","type":"about:blank"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.p) // as a member of a larger answer
			if err != nil {
				t.Fatal(err)
			}
			direct, err := marshalJSON(tc.p) // as fail writes it
			if err != nil {
				t.Fatal(err)
			}
			if string(direct) != tc.want {
				t.Errorf("written:\n got %s\nwant %s", direct, tc.want)
			}
			// json.Marshal escapes again what MarshalJSON returns; the
			// value is the same.
			var x, y any
			if json.Unmarshal(b, &x) != nil || json.Unmarshal(direct, &y) != nil || !jsonEqual(x, y) {
				t.Errorf("json.Marshal %s and marshalJSON %s differ in value", b, direct)
			}
		})
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}
