package orderstore_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"backoffice/invoicing"
	"backoffice/invoicing/invstore"
	"backoffice/invoicing/orders"
	"backoffice/invoicing/orders/orderstore"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore/sqltest"
)

func TestMain(m *testing.M) { os.Exit(sqltest.Main(m)) }

var ctx = context.Background()

// fixture is an entity with the standard chart (and so the Dutch tax
// codes), an accountant-like principal and an integration key's principal.
type fixture struct {
	t     *testing.T
	st    *orderstore.Store
	ent   *ledger.Entity
	staff *ledger.Principal
	integ *ledger.Principal
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	st := orderstore.New(invstore.New(sqltest.Open(t)))
	ent, p := sqltest.Entity(t, st, "Webwinkel Test BV")
	return &fixture{t: t, st: st, ent: ent, staff: p,
		integ: &ledger.Principal{ActorID: p.ActorID, KeyID: p.KeyID, Name: "shop", Role: ledger.RoleIntegration, Entities: []int64{ent.ID}}}
}

func ptr[T any](v T) *T { return &v }

// order is a valid order of the bakery customer C-778.
func order(ext string, lines ...orders.LineInput) *orders.Input {
	if len(lines) == 0 {
		lines = []orders.LineInput{{SKU: "BRD-01", Description: "Sourdough", Quantity: "12", UnitPrice: "3.95", TaxCode: "9"}}
	}
	return &orders.Input{ExternalID: ext, OrderDate: "2026-11-20", Currency: "EUR",
		Customer: &orders.CustomerRef{ExternalRef: "C-778", Name: ptr("Bakkerij De Vries"), Email: ptr("inkoop@devries.example"),
			Address: &ledger.Address{Lines: []string{"Dorpsstraat 1"}, Postcode: "1234 AB", City: "Utrecht", Country: "NL"}},
		Lines: lines}
}

func (f *fixture) push(in *orders.Input) *orders.Order {
	f.t.Helper()
	o, created, err := f.st.PushOrder(ctx, f.integ, f.ent, in)
	if err != nil {
		f.t.Fatal(err)
	}
	if !created {
		f.t.Fatalf("order %s was not created", in.ExternalID)
	}
	return o
}

func (f *fixture) move(o *orders.Order, to ...orders.Status) *orders.Order {
	f.t.Helper()
	for _, s := range to {
		var err error
		if o, _, err = f.st.MoveOrder(ctx, f.integ, f.ent, o.ID, s, ""); err != nil {
			f.t.Fatal(err)
		}
	}
	return o
}

func (f *fixture) scalar(q string, args ...any) int64 {
	f.t.Helper()
	var n int64
	if err := f.st.Query(ctx).DB().Raw(q, args...).Scan(&n).Error; err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
	return n
}

// rows counts every table an order push or invoicing touches.
func (f *fixture) rows() string {
	f.t.Helper()
	var b strings.Builder
	for _, t := range []string{"orders", "order_lines", "order_status_changes", "customers", "events", "invoices", "invoice_lines", "journal_entries", "counters"} {
		fmt.Fprintf(&b, "%s=%d ", t, f.scalar(`SELECT count(*) FROM `+t))
	}
	return b.String()
}

func wantReason(t *testing.T, err error, reason string) *ledger.Error {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want %s", reason)
	}
	e := ledger.As(err)
	if string(e.Reason) != reason {
		t.Fatalf("reason %s (%v); want %s", e.Reason, err, reason)
	}
	return e
}

func paths(e *ledger.Error) []string {
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Path)
	}
	return out
}

func TestPushCreatesOrderAndCustomer(t *testing.T) {
	f := newFixture(t)
	o := f.push(order("SHOP-10023",
		orders.LineInput{SKU: "BRD-01", Description: "Sourdough", Quantity: "12", UnitPrice: "3.95", TaxCode: "9"},
		orders.LineInput{SKU: "CAKE-7", Quantity: "1", UnitPrice: "24.50", TaxCode: "9", DiscountPercent: "10"}))
	// 47.40 + 22.05 = 69.45 net; 9 % of 69.45 = 6.25 (6.2505).
	if o.NetMinor != 6945 || o.TaxMinor != 625 || o.TotalMinor != 7570 {
		t.Fatalf("totals %d + %d = %d", o.NetMinor, o.TaxMinor, o.TotalMinor)
	}
	if o.Status != orders.Received || len(o.History) != 1 || o.History[0].To != orders.Received || o.History[0].ChangedBy != f.integ.KeyID {
		t.Fatalf("status %s history %+v", o.Status, o.History)
	}
	if o.Lines[1].Description != "CAKE-7" {
		t.Fatalf("a line without description takes its sku, got %q", o.Lines[1].Description)
	}
	c, err := f.st.CustomerByRef(ctx, f.ent.ID, "C-778")
	if err != nil || c == nil || c.Name != "Bakkerij De Vries" || c.ID != o.CustomerID || c.Address.City != "Utrecht" {
		t.Fatalf("customer %+v, %v", c, err)
	}
	// A second order of the same customer finds it and changes nothing of it.
	in := order("SHOP-10024")
	in.Customer.Name = ptr("De Vries (renamed in the shop)")
	o2 := f.push(in)
	c2, _ := f.st.CustomerByRef(ctx, f.ent.ID, "C-778")
	if o2.CustomerID != c.ID || c2.Name != "Bakkerij De Vries" || f.scalar(`SELECT count(*) FROM customers`) != 1 {
		t.Fatalf("customer %d (%s), %d customers", o2.CustomerID, c2.Name, f.scalar(`SELECT count(*) FROM customers`))
	}
	// An existing customer needs only its reference.
	o3 := f.push(&orders.Input{ExternalID: "SHOP-10025", OrderDate: "2026-11-21", Customer: &orders.CustomerRef{ExternalRef: "C-778"},
		Lines: []orders.LineInput{{Description: "Rye", Quantity: "1", UnitPrice: "4", TaxCode: "9"}}})
	if o3.CustomerID != c.ID || o3.Currency != "EUR" {
		t.Fatalf("order 3: customer %d currency %s", o3.CustomerID, o3.Currency)
	}
	if got := f.scalar(`SELECT count(*) FROM events WHERE type = 'order.received'`); got != 3 {
		t.Fatalf("%d order.received events; want 3", got)
	}
}

func TestResendIsTheSameOrder(t *testing.T) {
	f := newFixture(t)
	first := f.push(order("SHOP-1"))
	before := f.rows()
	// The same order, written differently: "12.000" is 12, spaces trimmed.
	again := order(" SHOP-1 ", orders.LineInput{SKU: "BRD-01", Description: "Sourdough ", Quantity: "12.000", UnitPrice: "3.9500", TaxCode: "9"})
	o, created, err := f.st.PushOrder(ctx, f.integ, f.ent, again)
	if err != nil || created || o.ID != first.ID {
		t.Fatalf("resend: id %v created %v err %v", o, created, err)
	}
	if after := f.rows(); after != before {
		t.Fatalf("a resend wrote:\n%s\n%s", before, after)
	}
	// Once the customer exists, a resend may name it by reference only.
	short := order("SHOP-1")
	short.Customer = &orders.CustomerRef{ExternalRef: "C-778"}
	if o, created, err := f.st.PushOrder(ctx, f.integ, f.ent, short); err != nil || created || o.ID != first.ID {
		t.Fatalf("resend by customer reference only: %v created %v err %v", o, created, err)
	}
	// Another order under the same external id is a conflict naming the
	// fields that differ.
	other := order("SHOP-1", orders.LineInput{SKU: "BRD-01", Description: "Sourdough", Quantity: "13", UnitPrice: "3.95", TaxCode: "9"})
	other.Customer.Name = ptr("Someone else")
	_, _, err = f.st.PushOrder(ctx, f.integ, f.ent, other)
	e := wantReason(t, err, "order_external_id_conflict")
	if e.Code != ledger.CodeConflict || !slices.Equal(paths(e), []string{"customer.name", "lines[0].quantity"}) {
		t.Fatalf("code %s paths %v", e.Code, paths(e))
	}
	if !strings.Contains(e.Fields[1].Message, "12") || !strings.Contains(e.Fields[1].Message, "13") {
		t.Fatalf("message %q does not say both values", e.Fields[1].Message)
	}
	if after := f.rows(); after != before {
		t.Fatalf("a conflict wrote:\n%s\n%s", before, after)
	}
}

func TestBadOrdersWriteNothing(t *testing.T) {
	f := newFixture(t)
	f.push(order("SHOP-OK"))
	before := f.rows()
	line := func(mod func(*orders.LineInput)) *orders.Input {
		l := orders.LineInput{SKU: "X", Description: "Item", Quantity: "1", UnitPrice: "1.00", TaxCode: "21"}
		mod(&l)
		return order("SHOP-BAD", l)
	}
	cases := []struct {
		name   string
		in     *orders.Input
		path   string
		reason string
	}{
		{"no external id", func() *orders.Input { o := order(""); return o }(), "external_id", "field_required"},
		{"no lines", func() *orders.Input { o := order("SHOP-BAD"); o.Lines = []orders.LineInput{}; return o }(), "lines", "lines_empty"},
		{"too many lines", func() *orders.Input {
			o := order("SHOP-BAD")
			o.Lines = slices.Repeat(o.Lines, orders.MaxLines+1)
			return o
		}(), "lines", "lines_too_many"},
		{"quantity abc", line(func(l *orders.LineInput) { l.Quantity = "abc" }), "lines[0].quantity", "quantity_invalid"},
		{"quantity -1", line(func(l *orders.LineInput) { l.Quantity = "-1" }), "lines[0].quantity", "quantity_negative"},
		{"quantity 0", line(func(l *orders.LineInput) { l.Quantity = "0" }), "lines[0].quantity", "quantity_invalid"},
		{"price too precise", line(func(l *orders.LineInput) { l.UnitPrice = "1.00001" }), "lines[0].unit_price", "unit_price_invalid"},
		{"unknown tax code", line(func(l *orders.LineInput) { l.TaxCode = "42" }), "lines[0].tax_code", "tax_code_not_found"},
		{"no description or sku", line(func(l *orders.LineInput) { l.Description, l.SKU = "", "" }), "lines[0].description", "field_required"},
		{"currency not allowed", func() *orders.Input { o := order("SHOP-BAD"); o.Currency = "USD"; return o }(), "currency", "currency_not_allowed"},
		{"currency not a code", func() *orders.Input { o := order("SHOP-BAD"); o.Currency = "euro"; return o }(), "currency", "currency_invalid"},
		{"no customer", func() *orders.Input { o := order("SHOP-BAD"); o.Customer = nil; return o }(), "customer", "field_required"},
		{"no customer ref", func() *orders.Input { o := order("SHOP-BAD"); o.Customer.ExternalRef = ""; return o }(), "customer.external_ref", "field_required"},
		{"new customer without name", func() *orders.Input {
			o := order("SHOP-BAD")
			o.Customer = &orders.CustomerRef{ExternalRef: "C-NEW"}
			return o
		}(), "customer.name", "field_required"},
		{"bad customer email", func() *orders.Input { o := order("SHOP-BAD"); o.Customer.Email = ptr("not an address"); return o }(), "customer.email", "email_invalid"},
		{"bad order date", func() *orders.Input { o := order("SHOP-BAD"); o.OrderDate = "20-11-2026"; return o }(), "order_date", "date_invalid"},
		{"no order date", func() *orders.Input { o := order("SHOP-BAD"); o.OrderDate = ""; return o }(), "order_date", "field_required"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := f.st.PushOrder(ctx, f.integ, f.ent, tc.in)
			if err == nil {
				t.Fatal("accepted")
			}
			e := ledger.As(err)
			found := false
			for _, fe := range e.Fields {
				found = found || (fe.Path == tc.path && string(fe.Reason) == tc.reason)
			}
			if e.Code != ledger.CodeInvalid || !found {
				t.Fatalf("%s %v; want %s at %s", e.Code, e.Fields, tc.reason, tc.path)
			}
		})
	}
	if after := f.rows(); after != before {
		t.Fatalf("refused orders wrote:\n%s\n%s", before, after)
	}
}

func TestForeignCurrencyWhenAllowed(t *testing.T) {
	f := newFixture(t)
	if _, err := f.st.UpdateOrderSettings(ctx, f.staff, f.ent, &orders.SettingsInput{Currencies: &[]string{"EUR", "USD"}}); err != nil {
		t.Fatal(err)
	}
	in := order("US-1")
	in.Currency = "USD"
	in.Customer.ExternalRef = "C-US"
	o := f.push(in)
	c, _ := f.st.CustomerByRef(ctx, f.ent.ID, "C-US")
	if o.Currency != "USD" || c.Currency != "USD" {
		t.Fatalf("order in %s, customer in %s", o.Currency, c.Currency)
	}
	_, err := f.st.UpdateOrderSettings(ctx, f.staff, f.ent, &orders.SettingsInput{Currencies: &[]string{"EUR", "dollar"}})
	if e := wantReason(t, err, "currency_invalid"); paths(e)[0] != "currencies[1]" {
		t.Fatalf("path %v", paths(e))
	}
}

func TestLifeCycle(t *testing.T) {
	f := newFixture(t)
	o := f.push(order("SHOP-1"))
	// received -> fulfilled skips a step: a 409 that names the status.
	_, _, err := f.st.MoveOrder(ctx, f.integ, f.ent, o.ID, orders.Fulfilled, "")
	e := wantReason(t, err, "order_status_conflict")
	if e.Code != ledger.CodeConflict || e.Details["current_status"] != "received" {
		t.Fatalf("code %s details %v", e.Code, e.Details)
	}
	o = f.move(o, orders.Accepted)
	again := f.move(o, orders.Accepted) // the same move again changes nothing
	if len(again.History) != 2 {
		t.Fatalf("a repeated move was recorded: %+v", again.History)
	}
	o = f.move(o, orders.Fulfilled)
	_, _, err = f.st.MoveOrder(ctx, f.integ, f.ent, o.ID, orders.Cancelled, "customer changed mind")
	if e := wantReason(t, err, "order_status_conflict"); e.Details["current_status"] != "fulfilled" {
		t.Fatalf("details %v", e.Details)
	}
	_, _, err = f.st.MoveOrder(ctx, f.integ, f.ent, o.ID, orders.Received, "")
	wantReason(t, err, "order_status_conflict")
	if len(o.History) != 3 || *o.History[2].From != orders.Accepted || o.History[2].To != orders.Fulfilled || o.History[2].ChangedAt.IsZero() {
		t.Fatalf("history %+v", o.History)
	}
	// Cancelled from received, with a reason; then nothing moves it.
	c := f.push(order("SHOP-2"))
	c, _, err = f.st.MoveOrder(ctx, f.staff, f.ent, c.ID, orders.Cancelled, "out of stock")
	if err != nil || c.Status != orders.Cancelled || c.History[1].Reason != "out of stock" {
		t.Fatalf("cancel: %v %+v", err, c)
	}
	_, _, err = f.st.MoveOrder(ctx, f.integ, f.ent, c.ID, orders.Accepted, "")
	wantReason(t, err, "order_status_conflict")
	// Unknown order, and an order of another entity, are not found.
	_, _, err = f.st.MoveOrder(ctx, f.integ, f.ent, 999999, orders.Accepted, "")
	wantReason(t, err, "not_found")
	other, _ := sqltest.Entity(t, f.st, "Other BV")
	_, _, err = f.st.MoveOrder(ctx, f.integ, other, o.ID, orders.Accepted, "")
	wantReason(t, err, "not_found")
	// The history is in the database too.
	got, _, err := f.st.Order(ctx, f.ent.ID, o.ID)
	if err != nil || len(got.History) != 3 || got.Status != orders.Fulfilled {
		t.Fatalf("reloaded: %v %+v", err, got)
	}
	// The list filters.
	list, _, err := f.st.Orders(ctx, f.ent.ID, orders.Filter{Status: orders.Cancelled, Limit: 10})
	if err != nil || len(list) != 1 || list[0].ID != c.ID {
		t.Fatalf("cancelled list %v %v", list, err)
	}
	list, _, _ = f.st.Orders(ctx, f.ent.ID, orders.Filter{ExternalID: "SHOP-1", Limit: 10})
	if len(list) != 1 || list[0].ID != o.ID {
		t.Fatalf("by external id: %v", list)
	}
	from, to := ledger.NewDate(2026, 11, 21), ledger.NewDate(2026, 11, 30)
	if list, _, _ = f.st.Orders(ctx, f.ent.ID, orders.Filter{From: &from, To: &to, Limit: 10}); len(list) != 0 {
		t.Fatalf("date filter: %d orders", len(list))
	}
	if list, _, _ = f.st.Orders(ctx, f.ent.ID, orders.Filter{After: o.ID, Limit: 10}); len(list) != 1 || list[0].ID != c.ID {
		t.Fatalf("cursor: %v", list)
	}
}

func TestInvoiceOneOrder(t *testing.T) {
	f := newFixture(t)
	o := f.move(f.push(order("SHOP-1")), orders.Accepted)
	_, _, err := f.st.InvoiceOrders(ctx, f.staff, f.ent, o.ID, &orders.InvoiceRequest{})
	if e := wantReason(t, err, "order_status_conflict"); e.Details["current_status"] != "accepted" {
		t.Fatalf("details %v", e.Details)
	}
	o = f.move(o, orders.Fulfilled)
	// Integrations may not invoice unless the entity allows it.
	_, _, err = f.st.InvoiceOrders(ctx, f.integ, f.ent, o.ID, &orders.InvoiceRequest{})
	wantReason(t, err, "integration_may_not_invoice")

	inv, list, err := f.st.InvoiceOrders(ctx, f.staff, f.ent, o.ID, &orders.InvoiceRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if inv.StoredStatus != invoicing.StatusDraft || inv.TotalMinor != o.TotalMinor || inv.CustomerID != o.CustomerID {
		t.Fatalf("invoice %s total %d customer %d", inv.StoredStatus, inv.TotalMinor, inv.CustomerID)
	}
	if list[0].Status != orders.Invoiced || *list[0].InvoiceID != inv.ID || *list[0].History[3].InvoiceID != inv.ID {
		t.Fatalf("order %+v", list[0])
	}
	if n := f.scalar(`SELECT count(*) FROM invoice_lines WHERE invoice_id = ? AND order_id = ? AND order_line_no = 1`, inv.ID, o.ID); n != 1 {
		t.Fatalf("%d invoice lines linked to the order line", n)
	}
	if inv.SupplyDate == nil || inv.SupplyDate.String() != "2026-11-20" || !strings.Contains(inv.Notes, "SHOP-1") {
		t.Fatalf("supply %v notes %q", inv.SupplyDate, inv.Notes)
	}
	// Invoiced once.
	_, _, err = f.st.InvoiceOrders(ctx, f.staff, f.ent, o.ID, &orders.InvoiceRequest{})
	if e := wantReason(t, err, "order_status_conflict"); e.Details["current_status"] != "invoiced" {
		t.Fatalf("details %v", e.Details)
	}
	// Deleting the draft returns the order to fulfilled, to invoice again,
	// also when the invoicing store is called itself (f.st.Store): it asks
	// orders through invstore.OrderLinks, nothing overrides it.
	changes := f.scalar(`SELECT count(*) FROM events WHERE type = 'order.status_changed'`)
	if err := f.st.Store.DeleteInvoice(ctx, f.staff, f.ent, inv.ID); err != nil {
		t.Fatal(err)
	}
	back, _, _ := f.st.Order(ctx, f.ent.ID, o.ID)
	if back.Status != orders.Fulfilled || back.InvoiceID != nil || back.History[4].Reason != "invoice draft deleted" {
		t.Fatalf("after delete: %+v", back)
	}
	if n := f.scalar(`SELECT count(*) FROM events WHERE type = 'order.status_changed'`); n != changes+1 {
		t.Fatalf("%d order.status_changed events after the delete; want %d", n, changes+1)
	}
	// Issued mode, and integrations allowed.
	if _, err := f.st.UpdateOrderSettings(ctx, f.staff, f.ent, &orders.SettingsInput{InvoiceMode: ptr("issued"), IntegrationMayInvoice: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	inv, _, err = f.st.InvoiceOrders(ctx, f.integ, f.ent, o.ID, &orders.InvoiceRequest{IssueDate: ptr("2026-11-25")})
	if err != nil {
		t.Fatal(err)
	}
	if inv.StoredStatus != invoicing.StatusIssued || inv.Number != "INV-2026-0001" || inv.IssueDate.String() != "2026-11-25" {
		t.Fatalf("issued %s %q %v", inv.StoredStatus, inv.Number, inv.IssueDate)
	}
	// Voiding it returns the order too (through the invoicing store itself).
	if _, err := f.st.Store.VoidInvoice(ctx, f.staff, f.ent, inv.ID); err != nil {
		t.Fatal(err)
	}
	back, _, _ = f.st.Order(ctx, f.ent.ID, o.ID)
	if back.Status != orders.Fulfilled || back.InvoiceID != nil {
		t.Fatalf("after void: %+v", back)
	}
	if n := f.scalar(`SELECT count(*) FROM events WHERE type = 'invoice.issued'`); n != 1 {
		t.Fatalf("%d invoice.issued events", n)
	}
}

func TestInvoiceAllOfACustomer(t *testing.T) {
	f := newFixture(t)
	a := f.move(f.push(order("A")), orders.Accepted, orders.Fulfilled)
	b := f.move(f.push(order("B", orders.LineInput{Description: "Croissant", Quantity: "30", UnitPrice: "1.10", TaxCode: "9"},
		orders.LineInput{Description: "Delivery", Quantity: "1", UnitPrice: "15", TaxCode: "21"})), orders.Accepted, orders.Fulfilled)
	waiting := f.move(f.push(order("C")), orders.Accepted)
	inv, list, err := f.st.InvoiceOrders(ctx, f.staff, f.ent, 0, &orders.InvoiceRequest{CustomerID: &a.CustomerID})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != a.ID || list[1].ID != b.ID || len(inv.Lines) != 3 {
		t.Fatalf("%d orders, %d lines", len(list), len(inv.Lines))
	}
	if inv.Lines[1].Description != "B: Croissant" || inv.NetMinor != a.NetMinor+b.NetMinor {
		t.Fatalf("line %q net %d", inv.Lines[1].Description, inv.NetMinor)
	}
	w, _, _ := f.st.Order(ctx, f.ent.ID, waiting.ID)
	if w.Status != orders.Accepted {
		t.Fatalf("an accepted order was invoiced")
	}
	_, _, err = f.st.InvoiceOrders(ctx, f.staff, f.ent, 0, &orders.InvoiceRequest{CustomerID: &a.CustomerID})
	wantReason(t, err, "no_orders_to_invoice")
	_, _, err = f.st.InvoiceOrders(ctx, f.staff, f.ent, 0, &orders.InvoiceRequest{CustomerID: ptr(int64(987654))})
	wantReason(t, err, "customer_not_found")
	_, _, err = f.st.InvoiceOrders(ctx, f.staff, f.ent, 0, &orders.InvoiceRequest{})
	wantReason(t, err, "field_required")
}

func TestInvoiceMixedCurrencies(t *testing.T) {
	f := newFixture(t)
	if _, err := f.st.UpdateOrderSettings(ctx, f.staff, f.ent, &orders.SettingsInput{Currencies: &[]string{"EUR", "USD"}}); err != nil {
		t.Fatal(err)
	}
	e := f.move(f.push(order("EUR-1")), orders.Accepted, orders.Fulfilled)
	in := order("USD-1")
	in.Currency = "USD"
	f.move(f.push(in), orders.Accepted, orders.Fulfilled)
	before := f.rows()
	_, _, err := f.st.InvoiceOrders(ctx, f.staff, f.ent, 0, &orders.InvoiceRequest{CustomerID: &e.CustomerID})
	if e := wantReason(t, err, "orders_currency_mixed"); paths(e)[0] != "currency" {
		t.Fatalf("paths %v", paths(e))
	}
	if after := f.rows(); after != before {
		t.Fatalf("refused invoicing wrote:\n%s\n%s", before, after)
	}
	inv, list, err := f.st.InvoiceOrders(ctx, f.staff, f.ent, 0, &orders.InvoiceRequest{CustomerID: &e.CustomerID, Currency: ptr("USD")})
	if err != nil || inv.Currency != "USD" || len(list) != 1 {
		t.Fatalf("%v %+v", err, inv)
	}
}

// Two requests racing to invoice the same order: one invoice, once.
func TestInvoiceRace(t *testing.T) {
	f := newFixture(t)
	o := f.move(f.push(order("RACE")), orders.Accepted, orders.Fulfilled)
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			if i%2 == 0 {
				_, _, errs[i] = f.st.InvoiceOrders(ctx, f.staff, f.ent, o.ID, &orders.InvoiceRequest{})
			} else {
				_, _, errs[i] = f.st.InvoiceOrders(ctx, f.staff, f.ent, 0, &orders.InvoiceRequest{CustomerID: &o.CustomerID})
			}
		})
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch r := ledger.As(err).Reason; {
		case err == nil:
			ok++
		case r == "order_status_conflict" || r == "no_orders_to_invoice" || r == "database_busy":
		default:
			t.Fatalf("unexpected %v", err)
		}
	}
	if ok != 1 || f.scalar(`SELECT count(*) FROM invoices`) != 1 {
		t.Fatalf("%d succeeded, %d invoices; want 1 and 1", ok, f.scalar(`SELECT count(*) FROM invoices`))
	}
}

// The same new order pushed at once from many goroutines: one order, one
// customer, every push answered with it.
func TestPushRace(t *testing.T) {
	f := newFixture(t)
	const n = 16
	var wg sync.WaitGroup
	ids := make([]int64, n)
	created := make([]bool, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			var o *orders.Order
			o, created[i], errs[i] = f.st.PushOrder(ctx, f.integ, f.ent, order("SAME"))
			if o != nil {
				ids[i] = o.ID
			}
		})
	}
	wg.Wait()
	nCreated := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("push %d: %v", i, errs[i])
		}
		if created[i] {
			nCreated++
		}
		if ids[i] != ids[0] {
			t.Fatalf("pushes answered with orders %d and %d", ids[0], ids[i])
		}
	}
	if nCreated != 1 || f.scalar(`SELECT count(*) FROM orders`) != 1 || f.scalar(`SELECT count(*) FROM customers`) != 1 ||
		f.scalar(`SELECT count(*) FROM events`) != 1 {
		t.Fatalf("created %d; rows %s", nCreated, f.rows())
	}
}

func TestDatabaseKeepsOrdersImmutable(t *testing.T) {
	f := newFixture(t)
	o := f.push(order("SHOP-1"))
	for _, q := range []string{
		`UPDATE orders SET payload = '{}' WHERE id = ?`,
		`UPDATE orders SET total_minor = 1 WHERE id = ?`,
		`DELETE FROM orders WHERE id = ?`,
		`UPDATE order_lines SET quantity = '99' WHERE order_id = ?`,
		`DELETE FROM order_status_changes WHERE order_id = ?`,
	} {
		sqltest.WantRefused(t, q, f.st.Query(ctx).DB().Exec(q, o.ID).Error, "BOL06")
	}
	sqltest.WantRefused(t, "an event changed", f.st.Query(ctx).DB().Exec(`UPDATE events SET type = 'x'`).Error, "BOL06")
	sqltest.WantRefused(t, "an event deleted", f.st.Query(ctx).DB().Exec(`DELETE FROM events`).Error, "BOL06")
	// The status may change, but only with its invoice: the CHECK
	// (status = 'invoiced') = (invoice_id IS NOT NULL).
	sqltest.WantRefused(t, "an order invoiced without an invoice",
		f.st.Query(ctx).DB().Exec(`UPDATE orders SET status = 'invoiced' WHERE id = ?`, o.ID).Error, "23514")
}

// Events are numbered per entity without gaps, in the order they were
// written, whatever wrote them.
func TestEventSequence(t *testing.T) {
	f := newFixture(t)
	if _, err := f.st.UpdateOrderSettings(ctx, f.staff, f.ent, &orders.SettingsInput{InvoiceMode: ptr("issued")}); err != nil {
		t.Fatal(err)
	}
	o := f.move(f.push(order("E-1")), orders.Accepted, orders.Fulfilled)
	inv, _, err := f.st.InvoiceOrders(ctx, f.staff, f.ent, o.ID, &orders.InvoiceRequest{})
	if err != nil {
		t.Fatal(err)
	}
	amount := fmt.Sprintf("%d.%02d", inv.TotalMinor/100, inv.TotalMinor%100) // paid in full
	if _, err := f.st.RecordPayment(ctx, f.staff, f.ent, &invoicing.PaymentInput{CustomerID: &inv.CustomerID, Date: ptr("2026-11-26"),
		Amount: &amount, Allocations: []invoicing.AllocationInput{{InvoiceID: &inv.ID, Amount: amount}}}); err != nil {
		t.Fatal(err)
	}
	var types []string
	if err := f.st.Query(ctx).DB().Raw(`SELECT type FROM events WHERE entity_id = ? ORDER BY seq`, f.ent.ID).Scan(&types).Error; err != nil {
		t.Fatal(err)
	}
	want := []string{"order.received", "order.status_changed", "order.status_changed", "invoice.issued", "order.status_changed", "payment.received", "invoice.paid"}
	if !slices.Equal(types, want) {
		t.Fatalf("events %v\nwant   %v", types, want)
	}
	if n := f.scalar(`SELECT max(seq) - min(seq) + 1 - count(*) FROM events WHERE entity_id = ?`, f.ent.ID); n != 0 {
		t.Fatalf("the sequence has %d gaps", n)
	}
}

// verify passes on orders made by the store and finds what raw SQL breaks.
func TestVerifyOrders(t *testing.T) {
	f := newFixture(t)
	o := f.move(f.push(order("V-1")), orders.Accepted, orders.Fulfilled)
	if _, _, err := f.st.InvoiceOrders(ctx, f.staff, f.ent, o.ID, &orders.InvoiceRequest{}); err != nil {
		t.Fatal(err)
	}
	f.push(order("V-2"))
	r, err := f.st.Verify(ctx)
	if err != nil || len(r.Breaches) != 0 || r.Documents < 3 {
		t.Fatalf("verify: %v %+v", err, r)
	}
	// An event out of sequence, and an order whose history was skipped.
	if err := f.st.Query(ctx).DB().Exec(`INSERT INTO events (entity_id, seq, type, data, created_at) VALUES (?, 99, 'order.received', '{}', ?)`,
		f.ent.ID, o.CreatedAt).Error; err != nil {
		t.Fatal(err)
	}
	if err := f.st.Query(ctx).DB().Exec(`UPDATE orders SET status = 'cancelled', invoice_id = NULL WHERE external_id = 'V-2'`).Error; err != nil {
		t.Fatal(err)
	}
	r, err = f.st.Verify(ctx)
	if err != nil || len(r.Breaches) != 2 || !strings.Contains(r.Breaches[0], "events") || !strings.Contains(r.Breaches[1], "history ends") {
		t.Fatalf("verify after breaking: %v %q", err, r.Breaches)
	}
}

// A draft made from orders keeps their lines, customer and currency; its
// dates and notes may change.
func TestDraftFromOrdersKeepsTheirLines(t *testing.T) {
	f := newFixture(t)
	o := f.move(f.push(order("D-1")), orders.Accepted, orders.Fulfilled)
	inv, _, err := f.st.InvoiceOrders(ctx, f.staff, f.ent, o.ID, &orders.InvoiceRequest{})
	if err != nil {
		t.Fatal(err)
	}
	other, err := f.st.CreateCustomer(ctx, f.staff, f.ent, &invoicing.CustomerInput{Name: ptr("Someone else")})
	if err != nil {
		t.Fatal(err)
	}
	lines := []invoicing.LineInput{{Description: "Other", Quantity: "1", UnitPrice: "1000", TaxCode: "21"}}
	for name, in := range map[string]*invoicing.InvoiceInput{
		"lines":    {Lines: &lines},
		"customer": {CustomerID: &other.ID},
		"currency": {Currency: ptr("EUR")},
	} {
		_, err := f.st.Store.UpdateInvoice(ctx, f.staff, f.ent, inv.ID, in) // the invoicing store asks orders itself
		if e := wantReason(t, err, "invoice_from_orders"); e.Code != ledger.CodeConflict {
			t.Fatalf("%s: %v", name, e)
		}
	}
	upd, err := f.st.UpdateInvoice(ctx, f.staff, f.ent, inv.ID, &invoicing.InvoiceInput{Notes: ptr("Thank you"), IssueDate: ptr("2026-11-27")})
	if err != nil || upd.Notes != "Thank you" || upd.TotalMinor != o.TotalMinor {
		t.Fatalf("%v %+v", err, upd)
	}
	if n := f.scalar(`SELECT count(*) FROM invoice_lines WHERE invoice_id = ? AND order_id = ?`, inv.ID, o.ID); n != 1 {
		t.Fatalf("%d linked lines after the update", n)
	}
	if r, err := f.st.Verify(ctx); err != nil || len(r.Breaches) != 0 {
		t.Fatalf("verify: %v %v", err, r.Breaches)
	}
	// The link is to a real order line on both databases.
	// (A foreign key on PostgreSQL; on SQLite the trigger
	// invoice_lines_order_line_update, which says the same.)
	sqltest.WantRefused(t, "an invoice line linked to an order line that does not exist",
		f.st.Query(ctx).DB().Exec(`UPDATE invoice_lines SET order_line_no = 7 WHERE invoice_id = ?`, inv.ID).Error, "23503")
	// What verify sees when a link is cut behind the store's back.
	if err := f.st.Query(ctx).DB().Exec(`UPDATE invoice_lines SET order_id = NULL, order_line_no = NULL WHERE invoice_id = ?`, inv.ID).Error; err != nil {
		t.Fatal(err)
	}
	if r, _ := f.st.Verify(ctx); len(r.Breaches) != 1 || !strings.Contains(r.Breaches[0], "0 linked") {
		t.Fatalf("verify after cutting the link: %v", r.Breaches)
	}
}

// Invoicing all of a customer's orders fills one invoice with at most
// MaxInvoiceLines lines; the rest wait for the next invoice.
func TestInvoiceOfManyOrdersIsCapped(t *testing.T) {
	f := newFixture(t)
	many := slices.Repeat([]orders.LineInput{{Description: "Bread", Quantity: "1", UnitPrice: "1", TaxCode: "9"}}, 400)
	var cust int64
	for i := range 3 {
		o := f.move(f.push(order(fmt.Sprintf("BIG-%d", i), many...)), orders.Accepted, orders.Fulfilled)
		cust = o.CustomerID
	}
	inv, list, err := f.st.InvoiceOrders(ctx, f.staff, f.ent, 0, &orders.InvoiceRequest{CustomerID: &cust})
	if err != nil || len(list) != 2 || len(inv.Lines) != 800 {
		t.Fatalf("first: %v, %d orders", err, len(list))
	}
	inv, list, err = f.st.InvoiceOrders(ctx, f.staff, f.ent, 0, &orders.InvoiceRequest{CustomerID: &cust})
	if err != nil || len(list) != 1 || list[0].ExternalID != "BIG-2" || len(inv.Lines) != 400 {
		t.Fatalf("second: %v, %d orders", err, len(list))
	}
}
