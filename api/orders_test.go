package api

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"backoffice/ledger"
)

// shop is an entity with an accountant and an integration key.
type shop struct {
	*fixture
	e           int64
	base        string
	acct, integ string
}

func newShop(t *testing.T) *shop {
	f := newFixture(t)
	e := f.entity("Webwinkel")
	return &shop{fixture: f, e: e, base: ent(e), acct: f.key(ledger.RoleAccountant, e), integ: f.key(ledger.RoleIntegration, e)}
}

func orderJSON(ext, qty string) string {
	return `{"external_id":"` + ext + `","order_date":"2026-11-20","currency":"EUR",
		"customer":{"external_ref":"C-778","name":"Bakkerij De Vries","email":"inkoop@devries.example",
			"address":{"lines":["Dorpsstraat 1"],"postcode":"1234 AB","city":"Utrecht","country":"NL"},"vat_number":"NL123456782B01"},
		"lines":[{"sku":"BRD-01","description":"Sourdough","quantity":"` + qty + `","unit_price":"3.95","tax_code":"9"}]}`
}

func (s *shop) orderID(r *response) string { return strconv.FormatInt(num(r.obj["id"]), 10) }

func TestPushOrderOverHTTP(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	r := s.must(s.do("POST", s.base+"/orders", s.integ, orderJSON("SHOP-10023", "12")), 201)
	id := s.orderID(r)
	if r.header.Get("Location") != s.base+"/orders/"+id || r.obj["status"] != "received" || r.obj["total"] != "51.67" || r.obj["customer_ref"] != "C-778" {
		t.Fatalf("created: %s (Location %q)", r, r.header.Get("Location"))
	}
	// The same order again: 200 and the same order, not a second one.
	again := s.must(s.do("POST", s.base+"/orders", s.integ, orderJSON("SHOP-10023", "12.00")), 200)
	if s.orderID(again) != id || again.header.Get("Location") != "" {
		t.Fatalf("resend: %s", again)
	}
	// Another order under that external id: 409 naming the field.
	wantProblem(t, s.do("POST", s.base+"/orders", s.integ, orderJSON("SHOP-10023", "13")), 409, "order_external_id_conflict")
	conflict := s.do("POST", s.base+"/orders", s.integ, orderJSON("SHOP-10023", "13"))
	if errs := conflict.obj["errors"].([]any); len(errs) != 1 || errs[0].(map[string]any)["path"] != "lines[0].quantity" {
		t.Fatalf("conflict errors: %s", conflict.body)
	}
	list := s.must(s.do("GET", s.base+"/orders", s.integ, nil), 200)
	if d := list.obj["data"].([]any); len(d) != 1 {
		t.Fatalf("%d orders listed", len(d))
	}
	// Integrations read customers (not write them) and not invoices.
	s.must(s.do("GET", s.base+"/customers", s.integ, nil), 200)
	wantProblem(t, s.do("POST", s.base+"/customers", s.integ, `{"name":"X"}`), 403, "role_forbidden")
	wantProblem(t, s.do("GET", s.base+"/invoices", s.integ, nil), 403, "role_forbidden")
	// Clients see no orders.
	client := s.key(ledger.RoleClient, s.e)
	wantProblem(t, s.do("GET", s.base+"/orders", client, nil), 403, "role_forbidden")
	wantProblem(t, s.do("POST", s.base+"/orders", client, orderJSON("C-1", "1")), 403, "role_forbidden")
}

func TestOrderRejectionsOverHTTP(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	other := s.entity("Other shop")
	before := s.snapshot(s.e, other)
	bad := func(mod func(string) string) string { return mod(orderJSON("SHOP-BAD", "1")) }
	cases := []struct {
		name   string
		path   string
		body   string
		status int
		reason string
		at     []string
	}{
		{"missing external id", "/orders", bad(func(b string) string { return strings.Replace(b, `"external_id":"SHOP-BAD",`, "", 1) }), 422, "field_required", []string{"external_id"}},
		{"empty lines", "/orders", `{"external_id":"X","order_date":"2026-11-20","customer":{"external_ref":"C-1","name":"N"},"lines":[]}`, 422, "lines_empty", []string{"lines"}},
		{"quantity abc", "/orders", bad(func(b string) string { return strings.Replace(b, `"quantity":"1"`, `"quantity":"abc"`, 1) }), 422, "quantity_invalid", []string{"lines[0].quantity"}},
		{"quantity -1", "/orders", bad(func(b string) string { return strings.Replace(b, `"quantity":"1"`, `"quantity":"-1"`, 1) }), 422, "quantity_negative", []string{"lines[0].quantity"}},
		{"quantity a number", "/orders", bad(func(b string) string { return strings.Replace(b, `"quantity":"1"`, `"quantity":1`, 1) }), 422, "invalid_type", []string{"lines[0].quantity"}},
		{"unknown tax code", "/orders", bad(func(b string) string { return strings.Replace(b, `"tax_code":"9"`, `"tax_code":"99"`, 1) }), 422, "tax_code_not_found", []string{"lines[0].tax_code"}},
		{"currency not allowed", "/orders", bad(func(b string) string { return strings.Replace(b, `"currency":"EUR"`, `"currency":"USD"`, 1) }), 422, "currency_not_allowed", []string{"currency"}},
		{"unknown field", "/orders", bad(func(b string) string { return strings.Replace(b, `"currency":"EUR"`, `"curency":"EUR"`, 1) }), 422, "unknown_field", []string{"curency"}},
		{"not json", "/orders", `{"external_id":`, 400, "json_malformed", nil},
		{"batch too large", "/orders/batch", `{"orders":[` + strings.Repeat(`{},`, 1000) + `{}]}`, 422, "batch_too_large", []string{"orders"}},
		{"batch empty", "/orders/batch", `{"orders":[]}`, 422, "batch_empty", []string{"orders"}},
		{"batch not a list", "/orders/batch", `{"orders":{}}`, 422, "invalid_type", []string{"orders"}},
		{"unknown status filter", "/orders?status=shipped", "", 422, "status_invalid", []string{"status"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			method, body := "POST", any(c.body)
			if c.body == "" {
				method, body = "GET", nil
			}
			wantProblem(t, s.do(method, s.base+c.path, s.integ, body), c.status, c.reason, c.at...)
		})
	}
	// An integration key pushing to another entity finds nothing there.
	wantProblem(t, s.do("POST", ent(other)+"/orders", s.integ, orderJSON("SHOP-X", "1")), 404, "not_found")
	wantProblem(t, s.do("POST", ent(other)+"/orders/batch", s.integ, `{"orders":[`+orderJSON("SHOP-X", "1")+`]}`), 404, "not_found")
	// Bodies over the limits.
	cfg := testConfig(s.st)
	cfg.MaxBodyBytes, cfg.MaxBatchBodyBytes = 256, 512
	small := New(cfg)
	big := orderJSON("SHOP-BIG", "1") + strings.Repeat(" ", 300)
	wantProblem(t, serve(t, small, newRequest("POST", s.base+"/orders", s.integ, big)), 413, "body_too_large")
	wantProblem(t, serve(t, small, newRequest("POST", s.base+"/orders/batch", s.integ, `{"orders":[`+big+`]}`)), 413, "body_too_large")
	if after := s.snapshot(s.e, other); after != before {
		t.Fatalf("refused orders changed the books:\n%s\n%s", before, after)
	}
	if n := len(s.must(s.do("GET", s.base+"/orders", s.acct, nil), 200).obj["data"].([]any)); n != 0 {
		t.Fatalf("%d orders stored by refused requests", n)
	}
	// The batch route has a limit of its own: a batch over the single
	// routes' limit but under the batch limit is taken.
	cfg.MaxBatchBodyBytes = 4096
	small = New(cfg)
	batch := `{"orders":[` + orderJSON("SHOP-MID", "1") + `]}`
	if len(batch) <= 256 {
		t.Fatalf("the batch is only %d bytes", len(batch))
	}
	r := serve(t, small, newRequest("POST", s.base+"/orders/batch", s.integ, batch))
	if r.status != 200 || num(r.obj["created"]) != 1 {
		t.Fatalf("a batch under its own limit: %s", r)
	}
}

func TestOrderBatchOverHTTP(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	s.must(s.do("POST", s.base+"/orders", s.integ, orderJSON("OLD", "1")), 201)
	body := `{"orders":[` + orderJSON("NEW-1", "2") + `,` + orderJSON("OLD", "1") + `,` +
		strings.Replace(orderJSON("BAD", "1"), `"tax_code":"9"`, `"tax_code":"nope"`, 1) + `,` +
		orderJSON("OLD", "5") + `,{"external_id":7},null]}`
	r := s.must(s.do("POST", s.base+"/orders/batch", s.integ, body), 200)
	if num(r.obj["created"]) != 1 || num(r.obj["existing"]) != 1 || num(r.obj["failed"]) != 4 {
		t.Fatalf("counts: %s", r.body)
	}
	res := r.obj["results"].([]any)
	want := []struct {
		result, reason, path string
	}{
		{"created", "", ""}, {"existing", "", ""}, {"failed", "tax_code_not_found", "lines[0].tax_code"},
		{"failed", "order_external_id_conflict", "lines[0].quantity"}, {"failed", "invalid_type", "external_id"}, {"failed", "invalid_type", ""},
	}
	for i, w := range want {
		got := res[i].(map[string]any)
		if got["result"] != w.result || num(got["index"]) != int64(i) {
			t.Fatalf("result %d: %v; want %s", i, got, w.result)
		}
		if w.reason == "" {
			if got["order"] == nil {
				t.Fatalf("result %d has no order", i)
			}
			continue
		}
		e := got["error"].(map[string]any)
		if e["reason"] != w.reason {
			t.Fatalf("result %d: %v; want %s", i, e, w.reason)
		}
		if w.path != "" && e["errors"].([]any)[0].(map[string]any)["path"] != w.path {
			t.Fatalf("result %d path: %v; want %s", i, e["errors"], w.path)
		}
	}
	// Sent again, the batch stores nothing new.
	r = s.must(s.do("POST", s.base+"/orders/batch", s.integ, body), 200)
	if num(r.obj["created"]) != 0 || num(r.obj["existing"]) != 2 {
		t.Fatalf("resent batch: %s", r.body)
	}
	if n := len(s.must(s.do("GET", s.base+"/orders", s.acct, nil), 200).obj["data"].([]any)); n != 2 {
		t.Fatalf("%d orders; want 2", n)
	}
}

func TestOrderLifeCycleAndInvoiceOverHTTP(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	id := s.orderID(s.must(s.do("POST", s.base+"/orders", s.integ, orderJSON("SHOP-1", "12")), 201))
	o := s.base + "/orders/" + id
	r := s.do("POST", o+"/fulfill", s.integ, nil)
	wantProblem(t, r, 409, "order_status_conflict")
	if r.obj["current_status"] != "received" {
		t.Fatalf("409 does not carry the current status: %s", r.body)
	}
	s.must(s.do("POST", o+"/accept", s.integ, nil), 200)
	r = s.must(s.do("POST", o+"/fulfill", s.integ, `{"reason":"shipped with PostNL"}`), 200)
	if h := r.obj["status_history"].([]any); len(h) != 3 || h[2].(map[string]any)["reason"] != "shipped with PostNL" {
		t.Fatalf("history: %v", r.obj["status_history"])
	}
	wantProblem(t, s.do("POST", o+"/cancel", s.integ, nil), 409, "order_status_conflict")
	wantProblem(t, s.do("POST", o+"/invoice", s.integ, nil), 403, "integration_may_not_invoice")

	inv := s.must(s.do("POST", o+"/invoice", s.acct, nil), 201)
	invoice := inv.obj["invoice"].(map[string]any)
	if invoice["status"] != "draft" || invoice["total"] != "51.67" || inv.obj["orders"].([]any)[0].(map[string]any)["status"] != "invoiced" {
		t.Fatalf("invoice: %s", inv.body)
	}
	invID := strconv.FormatInt(num(invoice["id"]), 10)
	s.must(s.do("POST", s.base+"/invoices/"+invID+"/issue", s.acct, nil), 200)
	// The integration sees the invoice's number and status on the order.
	got := s.must(s.do("GET", o, s.integ, nil), 200)
	summary := got.obj["invoice"].(map[string]any)
	if summary["status"] != "issued" || summary["number"] != "INV-2026-0001" || summary["open"] != "51.67" {
		t.Fatalf("invoice summary: %v", summary)
	}
	wantProblem(t, s.do("POST", o+"/invoice", s.acct, nil), 409, "order_status_conflict")
	// All of a customer's fulfilled orders at once, issued, by the integration.
	s.must(s.do("PATCH", s.base+"/order-settings", s.acct, `{"invoice_mode":"issued","integration_may_invoice":true}`), 200)
	wantProblem(t, s.do("PATCH", s.base+"/order-settings", s.integ, `{"invoice_mode":"draft"}`), 403, "role_forbidden")
	var cust int64
	for _, ext := range []string{"A", "B"} {
		r := s.must(s.do("POST", s.base+"/orders", s.integ, orderJSON(ext, "1")), 201)
		cust = num(r.obj["customer_id"])
		s.must(s.do("POST", s.base+"/orders/"+s.orderID(r)+"/accept", s.integ, nil), 200)
		s.must(s.do("POST", s.base+"/orders/"+s.orderID(r)+"/fulfill", s.integ, nil), 200)
	}
	r = s.must(s.do("POST", s.base+"/orders/invoice", s.integ, fmt.Sprintf(`{"customer_id":%d,"issue_date":"2026-11-26"}`, cust)), 201)
	if iv := r.obj["invoice"].(map[string]any); iv["status"] != "issued" || iv["number"] != "INV-2026-0002" || len(iv["lines"].([]any)) != 2 {
		t.Fatalf("customer invoice: %s", r.body)
	}
	wantProblem(t, s.do("POST", s.base+"/orders/invoice", s.integ, fmt.Sprintf(`{"customer_id":%d}`, cust)), 409, "no_orders_to_invoice")
	wantProblem(t, s.do("POST", s.base+"/orders/invoice", s.integ, `{}`), 422, "field_required", "customer_id")
	// Filters.
	for q, n := range map[string]int{"status=invoiced": 3, "external_id=A": 1, "customer_id=" + strconv.FormatInt(cust, 10): 3, "from=2026-11-21": 0, "limit=2": 2} {
		if got := len(s.must(s.do("GET", s.base+"/orders?"+q, s.integ, nil), 200).obj["data"].([]any)); got != n {
			t.Errorf("?%s lists %d; want %d", q, got, n)
		}
	}
	wantProblem(t, s.do("GET", s.base+"/orders/999999", s.integ, nil), 404, "not_found")
}
