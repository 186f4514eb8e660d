package api

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"backoffice/ledger"
)

// TestStatementLineBookedBeforeItsPeriod (issue 15): November's statement,
// then December's with an entry booked on 30 November
// (testdata/bank/late-booking). A December statement whose balances do not
// chain is refused with line_outside_period and changes nothing; the one
// that chains is imported, its answer names the line in `notices`, the line
// keeps its own booking date and the account reconciles. Every answer is
// checked against the OpenAPI schema by the fixture.
func TestStatementLineBookedBeforeItsPeriod(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	e := f.entity("Late Booking")
	key := f.key(ledger.RoleAccountant, e)
	r := f.must(f.do("POST", ent(e)+"/bank-accounts", key, `{"account":"1000","iban":"NL91 ABNA 0417 1643 00"}`), 201)
	bank := ent(e) + "/bank-accounts/" + id(r.obj["id"])
	for _, en := range []struct{ date, ref, amount, counter string }{
		{"2026-10-31", "", "1000.00", "2000"},
		{"2026-11-10", "INV-2026-0101", "500.00", "1600"},
		{"2026-11-20", "Order 4471", "-50.00", "1600"},
		{"2026-11-30", "", "-12.50", "4400"},
		{"2026-12-05", "INV-2026-0112", "300.00", "1600"},
	} {
		bankSide, other := "debit", "credit"
		amount := en.amount
		if strings.HasPrefix(amount, "-") {
			bankSide, other, amount = "credit", "debit", amount[1:]
		}
		f.post(e, key, fmt.Sprintf(`{"date":%q,"description":"test","reference":%q,"lines":[{"account":"1000",%q:%q},{"account":%q,%q:%q}]}`,
			en.date, en.ref, bankSide, amount, en.counter, other, amount))
	}
	importFile := func(name string) *response {
		t.Helper()
		b, err := os.ReadFile("../testdata/bank/late-booking/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return f.do("POST", bank+"/statements?file_name="+name, key, b, "Content-Type", "application/xml")
	}

	nov := f.must(importFile("2026-11.xml"), 201).obj
	if n := anyList(nov["notices"]); len(n) != 0 {
		t.Fatalf("November: notices %v", n)
	}

	before := f.snapshot(e) + string(f.must(f.do("GET", bank+"/statement-lines?limit=200", key, nil), 200).body)
	wantProblem(t, importFile("2026-12-gap.xml"), 422, "line_outside_period", "Document/BkToCstmrStmt/Stmt[1]/Ntry[1]")
	if after := f.snapshot(e) + string(f.must(f.do("GET", bank+"/statement-lines?limit=200", key, nil), 200).body); after != before {
		t.Fatal("a refused import changed the books or the statement lines")
	}

	dec := f.must(importFile("2026-12.xml"), 201).obj
	if num(dec["lines_added"]) != 2 {
		t.Fatalf("December: %v", dec)
	}
	notices := anyList(dec["notices"])
	if len(notices) != 1 {
		t.Fatalf("want one notice, got %v", dec["notices"])
	}
	n := notices[0].(map[string]any)
	if n["reason"] != "line_outside_period" || n["path"] != "Document/BkToCstmrStmt/Stmt[1]/Ntry[1]" || n["bank_ref"] != "ABNA261130000003" ||
		n["booking_date"] != "2026-11-30" || n["period_from"] != "2026-12-01" || n["period_to"] != "2026-12-31" ||
		n["statement_id"] != "0417164300.20261231" || !strings.Contains(n["message"].(string), "accepted") {
		t.Fatalf("notice: %v", n)
	}
	var late map[string]any
	for _, l := range f.must(f.do("GET", bank+"/statement-lines?limit=200", key, nil), 200).obj["data"].([]any) {
		if l := l.(map[string]any); l["bank_ref"] == "ABNA261130000003" {
			late = l
		}
	}
	if late == nil || late["booking_date"] != "2026-11-30" || late["match_id"] == nil {
		t.Fatalf("the late line keeps its booking date and is matched by the import's automatic matching: %v", late)
	}
	for _, asOf := range []string{"2026-11-30", "2026-12-31"} {
		rec := f.must(f.do("GET", bank+"/reconciliation?as_of="+asOf, key, nil), 200).obj
		if rec["difference"] != "0.00" || rec["unexplained"] != "0.00" || len(anyList(rec["unreconciled_statement_lines"]))+len(anyList(rec["unreconciled_ledger_lines"])) != 0 {
			t.Fatalf("reconciliation as of %s: %v", asOf, rec)
		}
	}
	again := f.must(importFile("2026-12.xml"), 200).obj
	if again["created"] != false || len(anyList(again["notices"])) != 0 {
		t.Fatalf("again: %v", again)
	}
}
