package api

import (
	"strings"
	"testing"

	"backoffice/ledger"
)

// A key given twice in one object is refused wherever it is: Unmarshal
// merges both occurrences, and the shape check saw only the last one, so
// the first could carry a NUL or an unknown field past it (issue 18, 4).
func TestDecodeRepeatedKey(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.entity("A")
	acct := f.key(ledger.RoleAccountant, a)
	valid := dr("4100", "1.00") + `,` + cr("1000", "1.00")
	cases := []struct{ name, body, path string }{
		{"NUL in the first of two lines arrays", `{"date":"2026-03-15","description":"x","lines":[{"account":"4100","debit":"1.00","description":"nul \u0000 here"}],"lines":[` + valid + `]}`, "lines"},
		{"unknown field in the first of two lines arrays", `{"date":"2026-03-15","description":"x","lines":[{"bogus":1}],"lines":[` + valid + `]}`, "lines"},
		{"key twice in a line", `{"date":"2026-03-15","description":"x","lines":[{"account":"4100","account":"4100","debit":"1.00"},` + cr("1000", "1.00") + `]}`, "lines[0].account"},
		{"key twice at the top", `{"date":"2026-03-15","description":"a\u0000b","description":"x","lines":[` + valid + `]}`, "description"},
		{"wrong type first", `{"date":"2026-03-15","description":"x","lines":"no","lines":[` + valid + `]}`, "lines"},
	}
	for _, c := range cases {
		r := f.do("POST", ent(a)+"/entries", acct, c.body)
		wantProblem(t, r, 400, "json_malformed")
		if d, _ := r.obj["detail"].(string); !strings.HasPrefix(d, c.path+": ") || !strings.Contains(d, "twice") {
			t.Errorf("%s: detail %q does not name %s", c.name, d, c.path)
		}
	}
	if n := len(f.entries(a)); n != 0 {
		t.Errorf("%d entries stored, want 0", n)
	}
	// The same key in two different objects is no repetition.
	f.must(f.do("POST", ent(a)+"/entries", acct, entryJSON("2026-03-15", "x", dr("4100", "1.00"), cr("1000", "1.00"))), 201)
}

// A date that is not one is date_invalid at its field, and a map field of
// the wrong JSON type names the field in JSON words (issue 18, 5).
func TestDecodeDateAndMapFields(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.entity("A")
	acct := f.key(ledger.RoleAccountant, a)
	r := f.do("POST", ent(a)+"/payment-batches", f.admin, `{"execution_date":"2026-13-45"}`)
	wantProblem(t, r, 422, "date_invalid", "execution_date")

	r = f.do("POST", ent(a)+"/fx-revaluations", acct, `{"date":"2026-06-30","rates":["USD"]}`)
	wantProblem(t, r, 422, "invalid_type", "rates")
	if d, _ := r.obj["detail"].(string); d != "rates: expected an object, got an array" {
		t.Errorf("detail %q", d)
	}
	r = f.do("POST", ent(a)+"/fx-revaluations", acct, `{"date":"2026-06-30","rates":{"USD":0.95}}`)
	wantProblem(t, r, 422, "invalid_type", "rates.USD")
	if strings.Contains(string(r.body), "map[") {
		t.Errorf("the answer names a Go type: %s", r.body)
	}
}

// A null order of a batch is named by its place in the batch (issue 18, 6).
func TestOrderBatchNullNamed(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	r := s.must(s.do("POST", s.base+"/orders/batch", s.integ, `{"orders":[`+orderJSON("N-1", "1")+`,null]}`), 200)
	e := r.obj["results"].([]any)[1].(map[string]any)["error"].(map[string]any)
	fe := e["errors"].([]any)[0].(map[string]any)
	if e["reason"] != "invalid_type" || fe["path"] != "orders[1]" || fe["message"] != "the order is null; send an object" {
		t.Fatalf("null order: %v", e)
	}
}

// A query value of many kilobytes is named, not echoed (issue 18, 8).
func TestLongDueByNotEchoed(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.entity("A")
	r := f.do("GET", ent(a)+"/payment-proposal?due_by="+strings.Repeat("9", 50000), f.admin, nil)
	wantProblem(t, r, 422, "date_invalid", "due_by")
	if len(r.body) > 1000 {
		t.Fatalf("the answer is %d bytes: %.300s", len(r.body), r.body)
	}
}
