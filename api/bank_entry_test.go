package api

import (
	"strings"
	"testing"
	"unicode/utf8"

	"backoffice/ledger"
)

// TestEntryFromLineDescription: a description the caller gives to an entry
// from a statement line is refused over 500 characters, as on every other
// route, and nothing is posted or matched; one the service builds from the
// line (here a remittance text of 600 characters) is still shortened.
func TestEntryFromLineDescription(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	e := f.entity("Rabo Entries")
	key := f.key(ledger.RoleAccountant, e)
	mapping, data := rabobankSample(t)
	// The bank charges line with a remittance text of 600 characters.
	long := strings.Repeat("k", 600)
	if !strings.Contains(string(data), `"Kosten Rabo BasisPakket Zakelijk"`) {
		t.Fatal("the sample CSV no longer has the bank charges line")
	}
	data = []byte(strings.Replace(string(data), `"Kosten Rabo BasisPakket Zakelijk"`, `"`+long+`"`, 1))
	r := f.must(f.do("POST", ent(e)+"/bank-accounts", key, `{"account":"1010","iban":"NL28 RABO 0318 4277 56"}`), 201)
	bank := ent(e) + "/bank-accounts/" + id(r.obj["id"])
	f.must(f.do("PATCH", bank, key, `{"csv_mapping":`+string(mapping)+`}`), 200)
	f.must(f.do("POST", bank+"/statements", key, data, "Content-Type", "text/csv"), 201)
	lines := map[string]map[string]any{}
	for _, l := range f.must(f.do("GET", bank+"/statement-lines?limit=200", key, nil), 200).obj["data"].([]any) {
		l := l.(map[string]any)
		lines[l["remittance"].(string)] = l
	}
	// The mapping joins Omschrijving-1 to -3; the line's second is "februari 2026".
	charges, ok := lines[long+" februari 2026"]
	if !ok {
		t.Fatalf("no statement line with the long remittance among %d lines", len(lines))
	}
	path := bank + "/statement-lines/" + id(charges["id"]) + "/entry"

	for _, tc := range []struct {
		name string
		desc string
	}{
		{"501 characters", strings.Repeat("d", 501)},
		{"5,000 characters", strings.Repeat("d", 5000)},
		{"501 runes of two bytes", strings.Repeat("é", 501)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := f.snapshot(e)
			wantProblem(t, f.do("POST", path, key, map[string]any{"account": "4500", "description": tc.desc}), 422, "field_too_long", "description")
			if after := f.snapshot(e); after != before {
				t.Errorf("a refused entry changed the books:\nbefore %s\nafter %s", before, after)
			}
			got := f.must(f.do("GET", bank+"/statement-lines/"+id(charges["id"]), key, nil), 200).obj
			if got["match_id"] != nil {
				t.Errorf("the line was matched: %v", got)
			}
		})
	}

	// The service's own description, built from the 600-character
	// remittance, is shortened to 500 characters and posted.
	r = f.must(f.do("POST", path, key, map[string]any{"account": "4500"}), 201)
	desc, _ := r.obj["entry"].(map[string]any)["description"].(string)
	if n := utf8.RuneCountInString(desc); n != 500 || !strings.HasPrefix(desc, "kkkk") {
		t.Errorf("built description: %d characters %q, want the remittance shortened to 500", n, desc)
	}

	// Exactly 500 characters (after trimming) is taken as given.
	var other map[string]any
	for _, l := range lines {
		if l["match_id"] == nil && l["id"] != charges["id"] && strings.HasPrefix(l["amount"].(string), "-") {
			other = l
			break
		}
	}
	if other == nil {
		t.Fatal("no second outgoing line")
	}
	want := strings.Repeat("ä", 500)
	r = f.must(f.do("POST", bank+"/statement-lines/"+id(other["id"])+"/entry", key, map[string]any{"account": "4500", "description": "  " + want + "  "}), 201)
	if got := r.obj["entry"].(map[string]any)["description"]; got != want {
		t.Errorf("description of 500 characters: got %v", got)
	}
}
