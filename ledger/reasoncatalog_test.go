package ledger_test

import (
	"slices"
	"testing"

	"backoffice/ledger"
)

// TestReasonCatalog: the catalog read from reasons.go (served at /docs)
// has every constant of the list once, each with a status that is an
// error's.
func TestReasonCatalog(t *testing.T) {
	areas, err := ledger.ReasonCatalog()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, a := range areas {
		if a.Title == "" || len(a.Groups) == 0 {
			t.Errorf("area %+v has no title or no reasons", a)
		}
		for _, g := range a.Groups {
			if g.Status < 400 || g.Status > 599 || len(g.Reasons) == 0 {
				t.Errorf("%s: group %+v", a.Title, g)
			}
			for _, r := range g.Reasons {
				seen[string(r)]++
			}
		}
	}
	list := loadModule(t).list
	for name, v := range list {
		if seen[v] != 1 {
			t.Errorf("reason %s (%s) is in the catalog %d times, want once", v, name, seen[v])
		}
	}
	if len(seen) != len(list) {
		var extra []string
		values := map[string]bool{}
		for _, v := range list {
			values[v] = true
		}
		for v := range seen {
			if !values[v] {
				extra = append(extra, v)
			}
		}
		slices.Sort(extra)
		t.Errorf("the catalog has reasons that are not constants of the list: %v", extra)
	}
	if areas[0].Title != "HTTP and transport" {
		t.Errorf("first area %q", areas[0].Title)
	}
}
