package api

import (
	"os"
	"strings"
	"testing"

	"backoffice/ledger"
)

func readSample(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../testdata/bank/multi/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// statementsOf is the bank account's statements and lines as the API
// answers them, to see that a refused import wrote nothing.
func statementsOf(f *fixture, key string, banks ...string) string {
	f.t.Helper()
	var b strings.Builder
	for _, bank := range banks {
		b.Write(f.must(f.do("GET", bank+"/statements", key, nil), 200).body)
		b.Write(f.must(f.do("GET", bank+"/statement-lines?limit=200", key, nil), 200).body)
	}
	return b.String()
}

// accountImports is the answer's accounts by IBAN.
func accountImports(t *testing.T, r *response) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, a := range anyList(r.obj["accounts"]) {
		a := a.(map[string]any)
		out[a["iban"].(string)] = a
	}
	return out
}

// TestEntityImportCAMTRoutesByIBAN (issue 15): a CAMT.053 file with
// statements for three IBANs, two of them the entity's bank accounts
// (testdata/bank/multi/camt053-3-ibans.xml). strict=true refuses it whole
// and writes nothing; without it each statement lands on its bank account
// (the account with two gets them chained, in order), the third IBAN is
// answered in `skipped`; importing again adds nothing; an Idempotency-Key
// replays; the bank account's own import still refuses the other IBANs.
func TestEntityImportCAMTRoutesByIBAN(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	e := f.entity("Multi CAMT")
	key := f.key(ledger.RoleAccountant, e)
	abna := ent(e) + "/bank-accounts/" + id(f.must(f.do("POST", ent(e)+"/bank-accounts", key, `{"account":"1000","iban":"NL91 ABNA 0417 1643 00"}`), 201).obj["id"])
	rabo := ent(e) + "/bank-accounts/" + id(f.must(f.do("POST", ent(e)+"/bank-accounts", key, `{"account":"1010","iban":"NL28RABO0318427756"}`), 201).obj["id"])
	file := readSample(t, "camt053-3-ibans.xml")
	route := ent(e) + "/bank-statements"

	before := statementsOf(f, key, abna, rabo)
	wantProblem(t, f.do("POST", route+"?strict=true", key, file, "Content-Type", "application/xml"), 422, "iban_unknown", "Document/BkToCstmrStmt/Stmt[3]/Acct/Id/IBAN")
	if statementsOf(f, key, abna, rabo) != before {
		t.Fatal("a strict import refused changed the statements")
	}
	wantProblem(t, f.do("POST", route+"?strict=maybe", key, file, "Content-Type", "application/xml"), 422, "parameter_invalid", "strict")
	wantProblem(t, f.do("POST", route+"?bank_account=1", key, file, "Content-Type", "application/xml"), 422, "parameter_invalid", "bank_account")
	wantProblem(t, f.do("POST", route, f.key(ledger.RoleClient, e), file, "Content-Type", "application/xml"), 403, "role_forbidden")

	r := f.must(f.do("POST", route+"?file_name=all.xml", key, file, "Content-Type", "application/xml"), 201)
	if num(r.obj["lines_added"]) != 4 || r.obj["created"] != true || num(r.obj["lines_skipped"]) != 0 {
		t.Fatalf("import: %s", r.body)
	}
	acc := accountImports(t, r)
	if a := acc["NL91ABNA0417164300"]; a == nil || num(a["lines_added"]) != 3 || len(anyList(a["statements"])) != 2 {
		t.Fatalf("ABN AMRO part: %s", r.body)
	}
	if a := acc["NL28RABO0318427756"]; a == nil || num(a["lines_added"]) != 1 || len(anyList(a["statements"])) != 1 || len(acc) != 2 {
		t.Fatalf("Rabobank part: %s", r.body)
	}
	if first := anyList(r.obj["accounts"])[0].(map[string]any); first["iban"] != "NL91ABNA0417164300" {
		t.Errorf("accounts not in the order of the file: %s", r.body)
	}
	sk := anyList(r.obj["skipped"])
	if len(sk) != 1 {
		t.Fatalf("skipped: %s", r.body)
	}
	if s := sk[0].(map[string]any); s["iban"] != "NL67INGB0006543210" || s["path"] != "Document/BkToCstmrStmt/Stmt[3]/Acct/Id/IBAN" || num(s["statements"]) != 1 || num(s["lines"]) != 1 {
		t.Fatalf("skipped: %v", s)
	}
	sts := f.must(f.do("GET", abna+"/statements", key, nil), 200).obj["data"].([]any)
	if len(sts) != 2 {
		t.Fatalf("ABN AMRO statements: %v", sts)
	}
	for i, want := range []struct{ ref, opening, closing string }{{"0417164300.20261130", "1000.00", "1450.00"}, {"0417164300.20261231", "1450.00", "1650.00"}} {
		st := sts[i].(map[string]any)
		if st["statement_id"] != want.ref || st["opening_balance"] != want.opening || st["closing_balance"] != want.closing || num(st["seq"]) != int64(i+1) || st["file_name"] != "all.xml" {
			t.Errorf("ABN AMRO statement %d: %v", i+1, st)
		}
	}
	rs := f.must(f.do("GET", rabo+"/statements", key, nil), 200).obj["data"].([]any)
	if len(rs) != 1 || rs[0].(map[string]any)["closing_balance"] != "220.00" {
		t.Fatalf("Rabobank statements: %v", rs)
	}

	after := statementsOf(f, key, abna, rabo)
	again := f.must(f.do("POST", route, key, file, "Content-Type", "application/xml"), 200)
	if again.obj["created"] != false || num(again.obj["lines_added"]) != 0 || num(again.obj["lines_skipped"]) != 4 || len(anyList(again.obj["skipped"])) != 1 {
		t.Fatalf("again: %s", again.body)
	}
	if statementsOf(f, key, abna, rabo) != after {
		t.Fatal("importing again changed the statements")
	}
	first := f.must(f.do("POST", route, key, file, "Content-Type", "application/xml", "Idempotency-Key", "multi-1"), 200)
	second := f.must(f.do("POST", route, key, file, "Content-Type", "application/xml", "Idempotency-Key", "multi-1"), 200)
	if second.header.Get("Idempotent-Replayed") != "true" || string(second.body) != string(first.body) {
		t.Fatalf("replay: %s %s", second.header, second.body)
	}
	// The bank account's own import keeps its one account.
	wantProblem(t, f.do("POST", abna+"/statements", key, file, "Content-Type", "application/xml"), 422, "statement_iban_mismatch", "Document/BkToCstmrStmt/Stmt[2]/Acct/Id/IBAN")
}

// TestEntityImportCSVRoutesByIBAN (issue 15): an ING-style "all accounts"
// CSV over two IBANs (testdata/bank/multi/ing-all-accounts.csv), read with
// the mapping of the bank account ?bank_account= names: each account gets
// its rows with its own running balance; importing again adds nothing. An
// entity with one of the two accounts gets its part and `skipped` names the
// other, and strict=true refuses and writes nothing.
func TestEntityImportCSVRoutesByIBAN(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	e := f.entity("Multi CSV")
	key := f.key(ledger.RoleAccountant, e)
	mapping := string(readSample(t, "ing-all-accounts.mapping.json"))
	file := readSample(t, "ing-all-accounts.csv")
	r := f.must(f.do("POST", ent(e)+"/bank-accounts", key, `{"account":"1000","iban":"NL67INGB0006543210","csv_mapping":`+mapping+`}`), 201)
	ing1ID := id(r.obj["id"])
	ing1 := ent(e) + "/bank-accounts/" + ing1ID
	r = f.must(f.do("POST", ent(e)+"/bank-accounts", key, `{"account":"1010","iban":"NL20INGB0001234567"}`), 201)
	ing2ID := id(r.obj["id"])
	ing2 := ent(e) + "/bank-accounts/" + ing2ID
	route := ent(e) + "/bank-statements?format=csv"
	// (Sent as application/octet-stream: the contract check's own text/csv
	// decoder reads only comma-separated files.)
	post := func(k, query string) *response {
		return f.do("POST", route+query, k, file, "Content-Type", "application/octet-stream")
	}

	wantProblem(t, post(key, ""), 422, "field_required", "bank_account")
	wantProblem(t, post(key, "&bank_account="+ing2ID), 422, "csv_mapping_missing", "bank_account")
	wantProblem(t, post(key, "&bank_account=x"), 422, "parameter_invalid", "bank_account")
	wantProblem(t, post(key, "&bank_account=9999"), 404, "not_found")
	wantProblem(t, post(key, "&bank_account="+ing1ID+"&opening_balance=1.00"), 422, "opening_balance_unused", "opening_balance")
	noIBAN := strings.Replace(mapping, `"iban": "Rekening"`, `"iban": ""`, 1)
	f.must(f.do("PATCH", ing1, key, `{"csv_mapping":`+noIBAN+`}`), 200)
	wantProblem(t, post(key, "&bank_account="+ing1ID), 422, "field_required", "csv_mapping.iban")
	f.must(f.do("PATCH", ing1, key, `{"csv_mapping":`+mapping+`}`), 200)

	r = f.must(post(key, "&bank_account="+ing1ID), 201)
	acc := accountImports(t, r)
	if num(r.obj["lines_added"]) != 5 || len(acc) != 2 || len(anyList(r.obj["skipped"])) != 0 {
		t.Fatalf("import: %s", r.body)
	}
	for iban, want := range map[string]struct {
		lines            int64
		opening, closing string
	}{"NL67INGB0006543210": {3, "1000.00", "1064.50"}, "NL20INGB0001234567": {2, "500.00", "780.00"}} {
		a := acc[iban]
		st := anyList(a["statements"])
		if num(a["lines_added"]) != want.lines || len(st) != 1 || st[0].(map[string]any)["opening_balance"] != want.opening || st[0].(map[string]any)["closing_balance"] != want.closing {
			t.Errorf("%s: %v", iban, a)
		}
	}
	lines := f.must(f.do("GET", ing2+"/statement-lines", key, nil), 200).obj["data"].([]any)
	if len(lines) != 2 || lines[0].(map[string]any)["amount"] != "-20.00" || lines[1].(map[string]any)["amount"] != "300.00" {
		t.Fatalf("NL20INGB0001234567 lines (oldest first): %v", lines)
	}
	after := statementsOf(f, key, ing1, ing2)
	again := f.must(post(key, "&bank_account="+ing1ID), 200)
	if again.obj["created"] != false || num(again.obj["lines_added"]) != 0 || num(again.obj["lines_skipped"]) != 5 {
		t.Fatalf("again: %s", again.body)
	}
	if statementsOf(f, key, ing1, ing2) != after {
		t.Fatal("importing again changed the statements")
	}

	// An entity with one of the two accounts.
	e2 := f.entity("Multi CSV One")
	key2 := f.key(ledger.RoleAccountant, e2)
	r = f.must(f.do("POST", ent(e2)+"/bank-accounts", key2, `{"account":"1000","iban":"NL67INGB0006543210","csv_mapping":`+mapping+`}`), 201)
	one := ent(e2) + "/bank-accounts/" + id(r.obj["id"])
	route = ent(e2) + "/bank-statements?format=csv"
	wantProblem(t, post(key2, "&strict=true&bank_account="+id(r.obj["id"])), 422, "iban_unknown", "line 3")
	if got := statementsOf(f, key2, one); strings.Contains(got, "statement_id") {
		t.Fatalf("a strict import refused wrote statements: %s", got)
	}
	r = f.must(post(key2, "&bank_account="+id(r.obj["id"])), 201)
	sk := anyList(r.obj["skipped"])
	if num(r.obj["lines_added"]) != 3 || len(anyList(r.obj["accounts"])) != 1 || len(sk) != 1 {
		t.Fatalf("one account: %s", r.body)
	}
	if s := sk[0].(map[string]any); s["iban"] != "NL20INGB0001234567" || s["path"] != "line 3" || num(s["statements"]) != 1 || num(s["lines"]) != 2 {
		t.Fatalf("skipped: %v", s)
	}
}
