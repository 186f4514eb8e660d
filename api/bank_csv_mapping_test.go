package api

import (
	"os"
	"strings"
	"testing"

	"backoffice/ledger"
)

// TestCSVMappingColumnsAndEncodingHTTP: a mapping with several description
// columns is saved and answered as a list, and its lines join them; a
// Windows-1252 export is imported with its names right when the mapping
// says so, and refused as not UTF-8 when the mapping says UTF-8.
func TestCSVMappingColumnsAndEncodingHTTP(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	e := f.entity("CSV Mapping Test")
	key := f.key(ledger.RoleAccountant, e)

	// Rabobank: Omschrijving-1 to -3, joined.
	mapping, data := rabobankSample(t)
	r := f.must(f.do("POST", ent(e)+"/bank-accounts", key, `{"account":"1010","iban":"NL28 RABO 0318 4277 56","csv_mapping":`+string(mapping)+`}`), 201)
	rabo := ent(e) + "/bank-accounts/" + id(r.obj["id"])
	desc, _ := r.obj["csv_mapping"].(map[string]any)["description"].([]any)
	if len(desc) != 3 || desc[2] != "Omschrijving-3" {
		t.Fatalf("saved mapping: %s", r.body)
	}
	f.must(f.do("POST", rabo+"/statements", key, data, "Content-Type", "text/csv"), 201)
	var found bool
	for _, l := range f.must(f.do("GET", rabo+"/statement-lines?limit=200", key, nil), 200).obj["data"].([]any) {
		if l.(map[string]any)["remittance"] == "Zakelijk mobiel maart 2026 Klantnummer 8800412" {
			found = true
		}
	}
	if !found {
		t.Error("no line with Omschrijving-1 and -2 joined")
	}
	// One column given as a string is answered as a string.
	one := strings.Replace(string(mapping), `["Omschrijving-1", "Omschrijving-2", "Omschrijving-3"]`, `"Omschrijving-1"`, 1)
	r = f.must(f.do("PATCH", rabo, key, `{"csv_mapping":`+one+`}`), 200)
	if got := r.obj["csv_mapping"].(map[string]any)["description"]; got != "Omschrijving-1" {
		t.Errorf("one description column answered as %v", got)
	}
	wantProblem(t, f.do("PATCH", rabo, key, `{"csv_mapping":`+strings.Replace(string(mapping), `"Omschrijving-2"`, `""`, 1)+`}`), 422, "field_required", "csv_mapping.description[1]")
	wantProblem(t, f.do("PATCH", rabo, key, `{"csv_mapping":`+strings.Replace(string(mapping), `"Omschrijving-2"`, `2`, 1)+`}`), 422, "invalid_type", "csv_mapping.description[1]")

	// ING in Windows-1252.
	ingMapping, err := os.ReadFile("../testdata/bank/csv/ing-cp1252.mapping.json")
	if err != nil {
		t.Fatal(err)
	}
	ing, err := os.ReadFile("../testdata/bank/csv/ing-2026-03-cp1252.csv")
	if err != nil {
		t.Fatal(err)
	}
	r = f.must(f.do("POST", ent(e)+"/bank-accounts", key, `{"account":"1000","iban":"NL67INGB0006543210"}`), 201)
	bank := ent(e) + "/bank-accounts/" + id(r.obj["id"])
	for _, bad := range []string{"ebcdic", "UTF-8", "cp1252"} {
		m := strings.Replace(string(ingMapping), `"windows-1252"`, `"`+bad+`"`, 1)
		wantProblem(t, f.do("PATCH", bank, key, `{"csv_mapping":`+m+`}`), 422, "encoding_invalid", "csv_mapping.encoding")
	}
	// (Sent as application/octet-stream: the contract check's own text/csv
	// decoder reads only comma-separated files.)
	// Declared UTF-8: refused as before, at the first line that is not.
	utf := strings.Replace(string(ingMapping), `"windows-1252"`, `"utf-8"`, 1)
	f.must(f.do("PATCH", bank, key, `{"csv_mapping":`+utf+`}`), 200)
	wantProblem(t, f.do("POST", bank+"/statements?format=csv&opening_balance=1000.00", key, ing, "Content-Type", "application/octet-stream"), 422, "csv_not_utf8", "line 2")

	r = f.must(f.do("PATCH", bank, key, `{"csv_mapping":`+string(ingMapping)+`}`), 200)
	if r.obj["csv_mapping"].(map[string]any)["encoding"] != "windows-1252" {
		t.Fatalf("saved mapping: %s", r.body)
	}
	r = f.must(f.do("POST", bank+"/statements?format=csv&opening_balance=1000.00", key, ing, "Content-Type", "application/octet-stream"), 201)
	if num(r.obj["lines_added"]) != 3 {
		t.Fatalf("import: %s", r.body)
	}
	got := map[string]string{}
	for _, l := range f.must(f.do("GET", bank+"/statement-lines?limit=200", key, nil), 200).obj["data"].([]any) {
		l := l.(map[string]any)
		got[l["counterparty"].(string)] = l["remittance"].(string)
	}
	want := map[string]string{
		"Café De Ëik":        "Factuur INV-2026-0040 crème brûlée",
		"Bakkerij Zoë & Cie": "Brood maart € 48,50",
		"René Hoëvenaar":     "Pasvolgnr 004 € 1.012,00 ingekocht",
	}
	for name, text := range want {
		if got[name] != text {
			t.Errorf("counterparty %q: remittance %q, want %q (lines: %q)", name, got[name], text, got)
		}
	}
}
