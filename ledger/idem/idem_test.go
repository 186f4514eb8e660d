package idem

import (
	"encoding/json"
	"strings"
	"testing"

	"backoffice/ledger"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		values []string
		want   string
		reason ledger.Reason
	}{
		{nil, "", ""},
		{[]string{"order-42"}, "order-42", ""},
		{[]string{strings.Repeat("k", 255)}, strings.Repeat("k", 255), ""},
		{[]string{strings.Repeat("k", 256)}, "", ledger.ReasonIdempotencyKeyInvalid},
		{[]string{""}, "", ledger.ReasonIdempotencyKeyInvalid},
		{[]string{"with space"}, "", ledger.ReasonIdempotencyKeyInvalid},
		{[]string{"é"}, "", ledger.ReasonIdempotencyKeyInvalid},
		{[]string{"a", "b"}, "", ledger.ReasonIdempotencyKeyInvalid},
	} {
		got, err := Parse(c.values)
		if got != c.want || (c.reason == "") != (err == nil) || (err != nil && ledger.As(err).Reason != c.reason) {
			t.Errorf("Parse(%q) = %q, %v; want %q, %s", c.values, got, err, c.want, c.reason)
		}
	}
}

// TestHashTiesKeyToRequest: method, path with query and body each change
// the hash; the same request hashes the same.
func TestHashTiesKeyToRequest(t *testing.T) {
	base := Hash("POST", "/v1/entities/1/customers", []byte(`{"name":"A"}`))
	if Hash("POST", "/v1/entities/1/customers", []byte(`{"name":"A"}`)) != base {
		t.Fatal("the same request hashed differently")
	}
	for _, other := range []string{
		Hash("PATCH", "/v1/entities/1/customers", []byte(`{"name":"A"}`)),
		Hash("POST", "/v1/entities/2/customers", []byte(`{"name":"A"}`)),
		Hash("POST", "/v1/entities/1/customers?x=1", []byte(`{"name":"A"}`)),
		Hash("POST", "/v1/entities/1/customers", []byte(`{"name":"B"}`)),
	} {
		if other == base {
			t.Fatal("another request hashed the same")
		}
	}
}

func TestReplay(t *testing.T) {
	rec := &ledger.IdemRecord{Key: "k", RequestHash: "h1"}
	if err := Replay(rec, "h1"); err != nil {
		t.Fatalf("own answer: %v", err)
	}
	if err := Replay(rec, "h2"); ledger.As(err).Reason != ledger.ReasonIdempotencyKeyReused {
		t.Fatalf("another request: %v; want idempotency_key_reused", err)
	}
}

// TestPending: the answer rendered before numbering has the holes that
// post_entry() fills, in the places it looks; a rendering that shows the
// pending id or number elsewhere is refused rather than stored unfilled.
func TestPending(t *testing.T) {
	e := &ledger.Entry{ID: 5, Number: 3, FiscalYear: 2026, Description: `says "number":"2026-000000"`}
	type view struct {
		ID          int64  `json:"id"`
		Number      string `json:"number"`
		Description string `json:"description"`
	}
	r := &ledger.IdemRequest{Render: func(e *ledger.Entry) ([]byte, error) {
		return json.Marshal(view{e.ID, e.NumberText(), e.Description})
	}}
	got, err := Pending(r, e)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":-7777777777777777,"number":"\u0007","description":"says \"number\":\"2026-000000\""}`
	if got != want {
		t.Fatalf("pending answer\n got %s\nwant %s", got, want)
	}
	if e.ID != 5 || e.Number != 3 {
		t.Fatalf("Pending changed the entry: %+v", e)
	}
	for _, render := range []func(e *ledger.Entry) any{
		func(e *ledger.Entry) any { return map[string]any{"entry": e.ID} },
		func(e *ledger.Entry) any { return map[string]any{"entry_number": e.NumberText()} },
	} {
		r.Render = func(e *ledger.Entry) ([]byte, error) { return json.Marshal(render(e)) }
		if got, err := Pending(r, e); err == nil {
			t.Fatalf("an answer showing the pending id or number elsewhere was accepted: %s", got)
		}
	}
	r.Render = func(*ledger.Entry) ([]byte, error) { return []byte(`{"ok":true}`), nil }
	if got, err := Pending(r, e); err != nil || got != `{"ok":true}` {
		t.Fatalf("an answer without the entry's id and number: %q %v", got, err)
	}
}
