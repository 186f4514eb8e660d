package api

import (
	"strings"
	"testing"

	"backoffice/ledger"
)

// TestOneDateRange: every date a caller gives (a draft's dates, a credit
// note's, a payment's, an entry's, an order's, the issue date of an
// invoice made from orders) is in one range, 1900 to 9998, refused with
// the same reason, path and message everywhere; so a draft that was saved
// can be issued, also on the last day of the range.
func TestOneDateRange(t *testing.T) {
	t.Parallel()
	b := newBooks(t)
	integ := b.key(ledger.RoleIntegration, b.id)
	draft := b.invoice(bread)
	issued := b.invoice(bread)
	b.issue(issued)
	order := strings.Replace(orderJSON("SHOP-RANGE", "1"), `"order_date":"2026-11-20"`, `"order_date":"2026-03-01"`, 1)
	o := b.base + "/orders/" + id(b.must(b.do("POST", b.base+"/orders", integ, order), 201).obj["id"])
	b.must(b.do("POST", o+"/accept", integ, nil), 200)
	b.must(b.do("POST", o+"/fulfill", integ, nil), 200)
	// A draft saved while drafts took the year 9999.
	legacy := b.invoice(bread)
	if _, err := b.st.DB().Exec(`UPDATE invoices SET issue_date = '9999-12-31' WHERE id = ` + legacy); err != nil {
		t.Fatal(err)
	}
	inv := func(date string) string {
		return `{"customer_id":` + b.cust + `,"issue_date":"` + date + `","lines":[` + bread + `]}`
	}

	cases := []struct {
		name, key, method, path, body string
		field, date                   string
	}{
		{"draft in 9999", b.acct, "POST", "/invoices", inv("9999-12-31"), "issue_date", "9999-12-31"},
		{"draft on 1 January 9999", b.acct, "POST", "/invoices", inv("9999-01-01"), "issue_date", "9999-01-01"},
		{"draft in 1899", b.acct, "POST", "/invoices", inv("1899-12-31"), "issue_date", "1899-12-31"},
		{"draft supplied in 9999", b.acct, "POST", "/invoices", `{"customer_id":` + b.cust + `,"supply_date":"9999-06-30"}`, "supply_date", "9999-06-30"},
		{"draft moved to 9999", b.acct, "PATCH", "/invoices/" + draft, `{"issue_date":"9999-12-31"}`, "issue_date", "9999-12-31"},
		{"draft saved in 9999 issued", b.acct, "POST", "/invoices/" + legacy + "/issue", ``, "issue_date", "9999-12-31"},
		{"credit note in 9999", b.acct, "POST", "/invoices/" + issued + "/credit-notes", `{"issue_date":"9999-12-31"}`, "issue_date", "9999-12-31"},
		{"payment in 9999", b.acct, "POST", "/payments", `{"customer_id":` + b.cust + `,"amount":"1.00","date":"9999-12-31"}`, "date", "9999-12-31"},
		{"entry in 9999", b.acct, "POST", "/entries", entryJSON("9999-12-31", "x", dr("4100", "1.00"), cr("1000", "1.00")), "date", "9999-12-31"},
		{"order in 9999", integ, "POST", "/orders", strings.Replace(orderJSON("SHOP-9999", "1"), "2026-11-20", "9999-12-31", 1), "order_date", "9999-12-31"},
		{"order invoiced in 9999", b.acct, "POST", "/orders/" + o[strings.LastIndex(o, "/")+1:] + "/invoice", `{"issue_date":"9999-12-31"}`, "issue_date", "9999-12-31"},
	}
	before := b.invoicingSnapshot()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var body any
			if c.body != "" {
				body = c.body
			}
			r := b.do(c.method, b.base+c.path, c.key, body)
			wantProblem(t, r, 422, "date_invalid", c.field)
			want := `"` + c.date + `" is outside the years 1900 to 9998`
			if d := r.obj["detail"]; d != c.field+": "+want {
				t.Errorf("detail = %v, want %q", d, c.field+": "+want)
			}
			for _, e := range r.obj["errors"].([]any) {
				if e := e.(map[string]any); e["path"] == c.field && e["message"] != want {
					t.Errorf("errors[path=%s].message = %v, want %q", c.field, e["message"], want)
				}
			}
		})
	}
	if after := b.invoicingSnapshot(); after != before {
		t.Fatalf("refused dates wrote something:\nbefore %s\nafter  %s", before, after)
	}
	if st := b.must(b.do("GET", o, b.acct, nil), 200).obj["status"]; st != "fulfilled" {
		t.Errorf("order after a refused invoice: status %v, want fulfilled", st)
	}

	// The last day of the range: a draft that is taken is issued, its due
	// date after the customer's 14 days in the year 9999.
	last := id(b.must(b.do("POST", b.base+"/invoices", b.acct, inv("9998-12-31")), 201).obj["id"])
	got := b.issue(last)
	if got["issue_date"] != "9998-12-31" || got["due_date"] != "9999-01-14" || got["status"] != "issued" {
		t.Errorf("issued on the last day: issue_date %v, due_date %v, status %v", got["issue_date"], got["due_date"], got["status"])
	}
	b.must(b.do("POST", b.base+"/invoices/"+last+"/credit-notes", b.acct, `{"issue_date":"9998-12-31"}`), 201)
	b.must(b.do("POST", b.base+"/invoices", b.acct, inv("1900-01-01")), 201)
}
