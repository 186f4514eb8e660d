package api

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// listOperation is a documented GET whose answer is a list: its schema
// requires data, has_more and next_cursor.
type listOperation struct {
	route
	paged bool // takes limit and cursor
}

// listOperations finds every list in the document.
func listOperations(t *testing.T) []listOperation {
	t.Helper()
	doc := loadOpenAPI(t)
	var out []listOperation
	for path, item := range doc.Paths.Map() {
		op := item.Get
		if op == nil {
			continue
		}
		res := op.Responses.Status(200)
		if res == nil || res.Value == nil || res.Value.Content.Get("application/json") == nil {
			continue
		}
		s := res.Value.Content.Get("application/json").Schema.Value
		if s == nil || s.Properties["data"] == nil || s.Properties["has_more"] == nil {
			continue
		}
		for _, m := range []string{"data", "has_more", "next_cursor"} {
			if !slices.Contains(s.Required, m) {
				t.Errorf("GET %s: the list schema does not require %s", path, m)
			}
		}
		paged := false
		for _, p := range op.Parameters {
			if p.Value != nil && p.Value.In == openapi3.ParameterInQuery && p.Value.Name == "cursor" {
				paged = true
			}
		}
		out = append(out, listOperation{route{"GET", strings.NewReplacer("{", ":", "}", "").Replace(path)}, paged})
	}
	slices.SortFunc(out, func(a, b listOperation) int { return strings.Compare(a.pattern, b.pattern) })
	return out
}

// Every list answers data, has_more and next_cursor (null on the last
// page; the events list sets it on every page); a paged list walked with
// limit=1 gives each item once; a cursor this API did not return is 422
// cursor_invalid naming cursor, never a 500.
func TestOneListShape(t *testing.T) {
	t.Parallel()
	tn := newTenants(t)
	ops := listOperations(t)
	if len(ops) < 24 {
		t.Fatalf("only %d list operations in the document: %v", len(ops), ops)
	}
	events := entityRoutes + "/events"
	for _, op := range ops {
		t.Run(op.pattern, func(t *testing.T) {
			path := fill(t, op.route, tn.paramsA)
			page := func(query string) map[string]any {
				t.Helper()
				r := tn.must(tn.do("GET", path+query, tn.admin, nil), 200)
				for _, m := range []string{"data", "has_more", "next_cursor"} {
					if _, ok := r.obj[m]; !ok {
						t.Fatalf("%s%s has no %s: %s", path, query, m, r.body)
					}
				}
				if _, ok := r.obj["data"].([]any); !ok {
					t.Fatalf("data is not an array: %s", r.body)
				}
				more, ok := r.obj["has_more"].(bool)
				if !ok {
					t.Fatalf("has_more is not a boolean: %s", r.body)
				}
				next, isString := r.obj["next_cursor"].(string)
				switch {
				case op.pattern == events:
					if next == "" {
						t.Fatalf("the events list without a next_cursor: %s", r.body)
					}
				case more && next == "":
					t.Fatalf("has_more without a next_cursor: %s", r.body)
				case !more && (isString || r.obj["next_cursor"] != nil):
					t.Fatalf("the last page's next_cursor is not null: %s", r.body)
				}
				return r.obj
			}
			first := page("")
			if !op.paged {
				if first["has_more"] != false {
					t.Errorf("a list that comes whole says has_more: %v", first)
				}
				return
			}
			// Walk the list a line at a time: the same items, once each.
			var all, walked []string
			for _, it := range first["data"].([]any) {
				b, _ := json.Marshal(it)
				all = append(all, string(b))
			}
			if first["has_more"] == true {
				t.Skipf("more than one page of %d by default; not walked", len(all))
			}
			query := "?limit=1"
			for i := 0; ; i++ {
				p := page(query)
				if strings.HasSuffix(op.pattern, "/ledger") {
					// The account ledger keeps its balances beside data:
					// the opening one on every page, the closing one on
					// the last.
					_, closing := p["closing_balance"]
					if p["opening_balance"] == nil || closing == (p["has_more"] == true) {
						t.Errorf("account ledger page without its balances: %v", p)
					}
				}
				for _, it := range p["data"].([]any) {
					b, _ := json.Marshal(it)
					walked = append(walked, string(b))
				}
				if p["has_more"] != true || i > len(all) {
					break
				}
				query = "?limit=1&cursor=" + url.QueryEscape(p["next_cursor"].(string))
			}
			if !slices.Equal(walked, all) {
				t.Errorf("walked a line at a time:\n%v\nwhole:\n%v", walked, all)
			}
			for _, bad := range []string{"%21%21", "eHl6", "LTE"} {
				wantProblem(t, tn.do("GET", path+"?cursor="+bad, tn.admin, nil), 422, "cursor_invalid", "cursor")
			}
		})
	}
}
