package api

import (
	"strconv"
	"strings"
	"testing"
)

// TestICPListingOverHTTP: the ICP listing through the router, checked
// against the OpenAPI document: JSON, CSV, PDF, the period forms and the
// refusals.
func TestICPListingOverHTTP(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.entity("Pompen Export B.V.")
	base := ent(id)
	acct := f.key("accountant", id)
	customer := func(body string) string {
		t.Helper()
		return strconv.FormatInt(num(f.must(f.do("POST", base+"/customers", acct, body), 201).obj["id"]), 10)
	}
	de := customer(`{"name":"Müller GmbH","vat_number":"DE136695976","address":{"lines":["Friedrichstraße 10"],"postcode":"10117","city":"Berlin","country":"DE"}}`)
	be := customer(`{"name":"Dupont NV","vat_number":"BE0403170701","address":{"lines":["Rue de la Loi 16"],"postcode":"1000","city":"Bruxelles","country":"BE"}}`)
	issue := func(cust, date, lines string) string {
		t.Helper()
		r := f.must(f.do("POST", base+"/invoices", acct, `{"customer_id":`+cust+`,"issue_date":"`+date+`","lines":[`+lines+`]}`), 201)
		inv := strconv.FormatInt(num(r.obj["id"]), 10)
		f.must(f.do("POST", base+"/invoices/"+inv+"/issue", acct, nil), 200)
		return inv
	}
	d1 := issue(de, "2026-02-10", `{"description":"Pumps","quantity":"1","unit_price":"1000","tax_code":"intra-eu"},
		{"description":"Installation","quantity":"1","unit_price":"250.50","tax_code":"intra-eu-services"}`)
	issue(be, "2026-03-05", `{"description":"Valves via Germany","quantity":"1","unit_price":"99.50","tax_code":"intra-eu-triangular"}`)
	f.must(f.do("POST", base+"/invoices/"+d1+"/credit-notes", acct, `{"issue_date":"2026-04-02","lines":[{"line":1,"amount":"100.00"}]}`), 201)

	q1 := f.must(f.do("GET", base+"/reports/icp?period=2026-Q1", acct, nil), 200).obj
	rows := q1["rows"].([]any)
	if len(rows) != 2 || q1["period"] != "2026-Q1" || q1["from"] != "2026-01-01" || q1["to"] != "2026-03-31" || q1["monthly_required"] != false {
		t.Fatalf("2026-Q1: %v", q1)
	}
	// BE first: triangular 99.50 -> 100 whole (half away from zero).
	beRow, deRow := rows[0].(map[string]any), rows[1].(map[string]any)
	ba, da := beRow["amounts"].(map[string]any), deRow["amounts"].(map[string]any)
	if beRow["country"] != "BE" || beRow["vat_number"] != "BE0403170701" || ba["triangular"] != "99.50" || ba["triangular_whole"] != "100" ||
		deRow["country"] != "DE" || da["goods"] != "1000.00" || da["services"] != "250.50" || da["services_whole"] != "251" || da["total_whole"] != "1251" {
		t.Fatalf("2026-Q1 rows: %v", rows)
	}
	if tot := q1["total"].(map[string]any); tot["total"] != "1350.00" || tot["total_whole"] != "1351" || q1["box_3b"] != "1350.00" {
		t.Fatalf("2026-Q1 total: %v, box 3b %v", tot, q1["box_3b"])
	}

	// The same quarter by from and to; April by month: the credit note of
	// 2 April corrects the February invoice, tagged 2026-02.
	same := f.must(f.do("GET", base+"/reports/icp?from=2026-01-01&to=2026-03-31", acct, nil), 200).obj
	if same["period"] != "2026-Q1" || same["box_3b"] != "1350.00" {
		t.Fatalf("from/to: %v", same)
	}
	apr := f.must(f.do("GET", base+"/reports/icp?period=2026-04", acct, nil), 200).obj
	corr := apr["corrections"].([]any)
	if len(apr["rows"].([]any)) != 0 || len(corr) != 1 || apr["box_3b"] != "-100.00" {
		t.Fatalf("2026-04: %v", apr)
	}
	if c := corr[0].(map[string]any); c["corrects_period"] != "2026-02" || c["vat_number"] != "DE136695976" || c["amounts"].(map[string]any)["goods"] != "-100.00" {
		t.Fatalf("2026-04 correction: %v", c)
	}
	if q2 := f.must(f.do("GET", base+"/reports/icp?period=2026-Q2", acct, nil), 200).obj; q2["corrections"].([]any)[0].(map[string]any)["corrects_period"] != "2026-Q1" {
		t.Fatalf("2026-Q2: %v", q2)
	}

	csv := f.must(f.do("GET", base+"/reports/icp?period=2026-Q1&format=csv", acct, nil), 200)
	body := string(csv.body)
	if h := firstLine(csv.body); !strings.HasPrefix(h, "section,country,vat_number,customer,goods,services,triangular,goods_whole,services_whole,triangular_whole,corrects_period") ||
		!strings.Contains(body, "Intra-Community supplies,DE,DE136695976,Müller GmbH,1000.00,250.50,0.00,1000,251,0,") ||
		!strings.Contains(csv.header.Get("Content-Disposition"), "icp-2026-Q1.csv") {
		t.Fatalf("csv %s:\n%s", csv.header.Get("Content-Disposition"), body)
	}
	wantPDF(t, f.do("GET", base+"/reports/icp?period=2026-Q1&format=pdf&lang=nl", acct, nil), "icp-2026-Q1.pdf")
	wantPDF(t, f.do("GET", base+"/reports/icp?period=2026-04&lang=en", acct, nil, "Accept", "application/pdf"), "icp-2026-04.pdf")

	wantProblem(t, f.do("GET", base+"/reports/icp?period=2026-Q5", acct, nil), 422, "period_invalid", "period")
	wantProblem(t, f.do("GET", base+"/reports/icp?period=2026-03-01", acct, nil), 422, "period_invalid", "period")
	wantProblem(t, f.do("GET", base+"/reports/icp?from=2026-01-01&to=2026-02-28", acct, nil), 422, "period_invalid", "to")
	wantProblem(t, f.do("GET", base+"/reports/icp?from=2026-13-01&to=2026-03-31", acct, nil), 422, "date_invalid", "from")
	wantProblem(t, f.do("GET", base+"/reports/icp?period=2026-Q1&format=xml", acct, nil), 422, "format_invalid", "format")

	// A client reads it; under the small-business scheme there is none.
	f.must(f.do("GET", base+"/reports/icp?period=2026-Q1", f.key("client", id), nil), 200)
	f.must(f.do("PATCH", base, f.admin, `{"vat_scheme":"kor"}`), 200)
	wantProblem(t, f.do("GET", base+"/reports/icp?period=2026-Q1", acct, nil), 409, "icp_not_required")
}
