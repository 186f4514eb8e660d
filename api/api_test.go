package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"

	"backoffice/api/apitest"
	"backoffice/invoicing/invstore"
	"backoffice/invoicing/orders/orderstore"
	"backoffice/invoicing/purchases/purchstore"
	"backoffice/invoicing/revaluation/revalstore"
	"backoffice/invoicing/vatreturn/vatstore"
	"backoffice/invoicing/vies"
	"backoffice/invoicing/webhooks"
	"backoffice/invoicing/webhooks/hookstore"
	"backoffice/ledger"
	"backoffice/ledger/bank/bankstore"
	"backoffice/ledger/sqlstore"
	"backoffice/ledger/sqlstore/sqltest"
)

// ---- helpers -------------------------------------------------------------

// fixture is one fresh, migrated store with a server on it and an admin key.
type fixture struct {
	t     *testing.T
	st    *orderstore.Store
	srv   *Server
	admin string
}

var quiet = slog.New(slog.DiscardHandler)

// testVIES is the fake VIES every test server asks (invoicing/vies.Fake):
// every number is valid unless a test marks it invalid or down (use a
// number of your own for that: the fake is shared).
var (
	testVIES    = vies.NewFake()
	testVIESURL = sync.OnceValue(func() string { return testVIES.Server().URL })
)

func newFixture(t *testing.T) *fixture {
	t.Helper()
	st := orderstore.New(invstore.New(sqltest.Open(t)))
	_, secret, err := st.CreateKey(context.Background(), nil, &ledger.KeyInput{Name: "admin", Role: ledger.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, st: st, srv: New(testConfig(st)), admin: secret}
}

// testConfig serves st with webhooks allowed to call this machine (the
// tests' receivers listen on loopback).
func testConfig(st *orderstore.Store) Config {
	loopback := webhooks.AddressPolicy{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}}
	buys := purchstore.New(st.Store.Store)
	hooks, banks := hookstore.New(st.Store.Store, loopback), bankstore.New(st.Store.Store, st.Store.Receivables()).WithPayables(buys.Payables())
	st.Store.SetVIES(vies.New(testVIESURL())) // a local fake, never the real VIES
	revals := revalstore.New(st.Store.Store, st.Store, buys)
	vat := vatstore.New(st.Store.Store, st.Store, buys)
	return Config{Store: st, Hooks: hooks, Bank: banks, Purchases: buys, Revaluations: revals, VATReturns: vat, Logger: quiet, Bind: func(tx *sqlstore.Tx) Services {
		return Services{Store: st.In(tx), Hooks: hooks.In(tx), Bank: banks.In(tx), Purchases: buys.In(tx), Revaluations: revals.In(tx), VATReturns: vat.In(tx)}
	}}
}

// response is a recorded answer with its body decoded when it is JSON.
type response struct {
	status int
	header http.Header
	body   []byte
	obj    map[string]any
}

func (r *response) String() string { return fmt.Sprintf("%d %s", r.status, r.body) }

// newRequest builds a request. body is nil (none), a string or []byte (sent
// as is) or anything else (sent as JSON). A body gets Content-Type
// application/json unless header (name, value pairs) says otherwise; an
// empty value removes the header.
func newRequest(method, path, key string, body any, header ...string) *http.Request {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			panic(err)
		}
		rd = bytes.NewReader(j)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i+1] == "" {
			req.Header.Del(header[i])
		} else {
			req.Header.Set(header[i], header[i+1])
		}
	}
	return req
}

// serve answers req with h, checked against the OpenAPI document
// (apitest.Handler): an answer the document does not describe, or a
// request it calls invalid that is not refused, fails t.
func serve(t testing.TB, h http.Handler, req *http.Request) *response {
	t.Helper()
	rec := httptest.NewRecorder()
	apitest.Handler(t, h).ServeHTTP(rec, req)
	r := &response{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
	_ = json.Unmarshal(r.body, &r.obj)
	return r
}

func (f *fixture) do(method, path, key string, body any, header ...string) *response {
	complete := method == "POST" && (path == "/v1/entities" || strings.HasSuffix(path, "/customers"))
	if complete {
		body = completeBody(path, body)
	}
	r := serve(f.t, f.srv, newRequest(method, path, key, body, header...))
	if complete && path == "/v1/entities" && r.status == http.StatusCreated {
		f.withIBAN(num(r.obj["id"]))
	}
	return r
}

// completeBody makes the entities and customers tests create complete as
// an invoice's parties (issue refuses documents without them): what the
// body does not give, it adds (completeEntity, completeCustomer). A body
// that is not a JSON object is sent as it is.
func completeBody(path string, body any) any {
	var m map[string]any
	switch b := body.(type) {
	case string:
		if json.Unmarshal([]byte(b), &m) != nil || m == nil {
			return body
		}
	case map[string]any:
		m = make(map[string]any, len(b)+3)
		for k, v := range b {
			m[k] = v
		}
	default:
		return body
	}
	if path == "/v1/entities" {
		return completeEntity(m)
	}
	if _, ok := m["address"]; !ok {
		m["address"] = map[string]any{"lines": []string{"Stationsplein 2"}, "postcode": "3511 ED", "city": "Utrecht", "country": "NL"}
	}
	return m
}

// withIBAN gives a new entity the bank account its invoices ask to be paid
// to (testIBAN), as the default invoicing settings, without an audit event
// of its own.
func (f *fixture) withIBAN(entity int64) {
	f.t.Helper()
	err := f.st.Query(context.Background()).DB().Exec(`INSERT INTO invoicing_settings (entity_id, invoice_number_format,
		credit_note_number_format, revenue_account, receivable_account, bank_account, fx_account, iban, updated_at)
		VALUES (?, 'INV-{YYYY}-{NNNN}', 'CN-{YYYY}-{NNNN}', '8000', '1100', '1000', '8900', ?, CURRENT_TIMESTAMP)
		ON CONFLICT (entity_id) DO NOTHING`, entity, testIBAN).Error
	if err != nil {
		f.t.Fatal(err)
	}
}

// must fails the test unless r has the status.
func (f *fixture) must(r *response, status int) *response {
	f.t.Helper()
	if r.status != status {
		f.t.Fatalf("want %d, got %s", status, r)
	}
	return r
}

func num(v any) int64 {
	switch n := v.(type) {
	case float64:
		return int64(n)
	case json.Number:
		i, _ := n.Int64()
		return i
	}
	return 0
}

func ent(id int64) string { return "/v1/entities/" + strconv.FormatInt(id, 10) }

// entity creates an EUR entity with the standard chart through the API.
func (f *fixture) entity(name string) int64 {
	f.t.Helper()
	r := f.must(f.do("POST", "/v1/entities", f.admin, map[string]any{"name": name, "currency": "EUR", "chart_template": "standard"}), 201)
	return num(r.obj["id"])
}

// testIBAN is the bank account of the tests' entities (a valid Dutch IBAN).
const testIBAN = "NL91ABNA0417164300"

// completeEntity adds to an entity's body what an invoice must show of
// its supplier (address, chamber of commerce number, VAT id) where the body
// does not give it.
func completeEntity(body map[string]any) map[string]any {
	for k, v := range map[string]any{
		"address":         map[string]any{"lines": []string{"Keizersgracht 1"}, "postcode": "1015 AA", "city": "Amsterdam", "country": "NL"},
		"registration_id": "12345678",
		"vat_number":      "NL004495445B01",
	} {
		if _, ok := body[k]; !ok {
			body[k] = v
		}
	}
	return body
}

// key creates a key in the store and returns its secret.
func (f *fixture) key(role ledger.Role, entities ...int64) string {
	f.t.Helper()
	_, secret, err := f.st.CreateKey(context.Background(), nil, &ledger.KeyInput{Name: string(role), Role: role, Entities: entities})
	if err != nil {
		f.t.Fatal(err)
	}
	return secret
}

// post posts an entry and returns its id.
func (f *fixture) post(entity int64, key, body string) int64 {
	f.t.Helper()
	r := f.must(f.do("POST", ent(entity)+"/entries", key, body), 201)
	return num(r.obj["id"])
}

// entries returns the entity's entries, newest first.
func (f *fixture) entries(entity int64) []any {
	f.t.Helper()
	r := f.must(f.do("GET", ent(entity)+"/entries?limit=200", f.admin, nil), 200)
	return r.obj["data"].([]any)
}

// snapshot is everything an entity holds as the API shows it (the entity,
// its entries, its chart and its trial balance) plus the number of stored
// idempotent answers: equal snapshots mean that nothing was written.
func (f *fixture) snapshot(entities ...int64) string {
	f.t.Helper()
	var b strings.Builder
	for _, e := range entities {
		for _, p := range []string{"", "/entries?limit=200", "/accounts?include_archived=true", "/reports/trial-balance?as_of=2100-12-31"} {
			r := f.must(f.do("GET", ent(e)+p, f.admin, nil), 200)
			b.Write(r.body)
			b.WriteByte('\n')
		}
	}
	var n int
	if err := f.st.DB().QueryRow(`SELECT count(*) FROM idempotency_keys`).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	fmt.Fprintf(&b, "idempotency_keys: %d\n", n)
	return b.String()
}

// wantProblem checks a problem answer: its status, its reason, its content
// type, and for each path an entry of errors[] with that path and reason.
func wantProblem(t *testing.T, r *response, status int, reason string, paths ...string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status: want %d, got %s", status, r)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Errorf("Content-Type = %q, want application/problem+json", ct)
	}
	if got := r.obj["reason"]; got != reason {
		t.Errorf("reason: want %q, got %v (%s)", reason, got, r.body)
	}
	if got := num(r.obj["status"]); got != int64(status) {
		t.Errorf("problem status field = %d, want %d", got, status)
	}
	errs, _ := r.obj["errors"].([]any)
	for _, p := range paths {
		found := false
		for _, e := range errs {
			fe := e.(map[string]any)
			if fe["path"] == p {
				found = true
				if fe["reason"] != reason {
					t.Errorf("errors[path=%s].reason = %v, want %s", p, fe["reason"], reason)
				}
			}
		}
		if !found {
			t.Errorf("no errors[] entry with path %q in %s", p, r.body)
		}
	}
}

func entryJSON(date, desc string, lines ...string) string {
	return fmt.Sprintf(`{"date":%q,"description":%q,"lines":[%s]}`, date, desc, strings.Join(lines, ","))
}

func dr(account, amount string) string {
	return fmt.Sprintf(`{"account":%q,"debit":%q}`, account, amount)
}
func cr(account, amount string) string {
	return fmt.Sprintf(`{"account":%q,"credit":%q}`, account, amount)
}

// rent is a valid entry: rent paid from the bank.
var rent = entryJSON("2026-03-15", "Rent March", dr("4100", "1200.00"), cr("1000", "1200.00"))

// chunked is a body of unknown length (no Content-Length).
type chunked struct{ io.Reader }

// ---- 1. every rejection reason -------------------------------------------

func TestRejections(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, b, l := f.entity("A"), f.entity("B"), f.entity("Locked")
	acct := f.key(ledger.RoleAccountant, a, l)
	client := f.key(ledger.RoleClient, a)
	f.must(f.do("POST", ent(b)+"/accounts", f.admin, `{"code":"B-ONLY","name":"Only in B","type":"asset"}`), 201)
	f.must(f.do("POST", ent(a)+"/accounts/4200/archive", acct, nil), 200)
	f.must(f.do("PUT", ent(l)+"/lock-date", acct, `{"lock_date":"2026-03-31"}`), 200)
	f.post(a, acct, rent) // something to stay unchanged
	cfg := testConfig(f.st)
	cfg.MaxBodyBytes = 64
	small := New(cfg)
	big := `{"date":"2026-03-15","description":"` + strings.Repeat("x", 1<<20) + `","lines":[]}`

	many := make([]string, ledger.MaxLines+1)
	for i := range many {
		many[i] = dr("4100", "1.00")
	}

	type tc struct {
		name    string
		method  string // default POST
		path    string // default /v1/entities/{A}/entries
		auth    *string
		key     string // default: the accountant of A and Locked
		body    any
		header  []string
		srv     *Server
		chunked bool
		status  int
		reason  string
		paths   []string
	}
	str := func(s string) *string { return &s }
	cases := []tc{
		{name: "body empty", body: "", status: 400, reason: "body_empty"},
		{name: "body only spaces", body: " \n\t", status: 400, reason: "body_empty"},
		{name: "json malformed", body: `{"date":`, status: 400, reason: "json_malformed"},
		{name: "json trailing data", body: rent + ` {}`, status: 400, reason: "json_malformed"},
		{name: "content type text/plain", body: rent, header: []string{"Content-Type", "text/plain"}, status: 415, reason: "content_type_unsupported"},
		{name: "body too large, declared", body: rent, srv: small, status: 413, reason: "body_too_large"},
		{name: "body over 1 MiB, declared", body: big, status: 413, reason: "body_too_large"},
		{name: "body over 1 MiB, chunked", body: big, chunked: true, status: 413, reason: "body_too_large"},
		{name: "body over 1 MiB, chunked, idempotent", body: big, chunked: true, header: []string{"Idempotency-Key", "big-1"}, status: 413, reason: "body_too_large"},
		{name: "unknown field in line", body: entryJSON("2026-03-15", "x", `{"account":"4100","debit":"1.00","foo":1}`, cr("1000", "1.00")),
			status: 422, reason: "unknown_field", paths: []string{"lines[0].foo"}},
		{name: "unknown field at top", body: `{"date":"2026-03-15","description":"x","amount":"1.00","lines":[]}`,
			status: 422, reason: "unknown_field", paths: []string{"amount"}},
		{name: "amount as JSON number", body: entryJSON("2026-03-15", "x", `{"account":"4100","debit":1200}`, cr("1000", "1200.00")),
			status: 422, reason: "invalid_type", paths: []string{"lines[0].debit"}},
		{name: "lines as object", body: `{"date":"2026-03-15","description":"x","lines":{"account":"4100"}}`,
			status: 422, reason: "invalid_type", paths: []string{"lines"}},
		{name: "body an array", body: `[]`, status: 422, reason: "invalid_type", paths: []string{"(body)"}},
		{name: "amount with exponent", body: entryJSON("2026-03-15", "x", dr("4100", "1e3"), cr("1000", "1000.00")),
			status: 422, reason: "amount_invalid", paths: []string{"lines[0].debit"}},
		{name: "amount with comma", body: entryJSON("2026-03-15", "x", dr("4100", "1,000.00"), cr("1000", "1000.00")),
			status: 422, reason: "amount_invalid", paths: []string{"lines[0].debit"}},
		{name: "amount negative", body: entryJSON("2026-03-15", "x", dr("4100", "-5"), cr("1000", "5.00")),
			status: 422, reason: "amount_not_positive", paths: []string{"lines[0].debit"}},
		{name: "amount zero", body: entryJSON("2026-03-15", "x", dr("4100", "0"), cr("1000", "0")),
			status: 422, reason: "amount_not_positive", paths: []string{"lines[0].debit", "lines[1].credit"}},
		{name: "amount too precise for EUR", body: entryJSON("2026-03-15", "x", dr("4100", "12.345"), cr("1000", "12.345")),
			status: 422, reason: "amount_too_precise", paths: []string{"lines[0].debit", "lines[1].credit"}},
		{name: "amount too large", body: entryJSON("2026-03-15", "x", dr("4100", "99999999999999999999"), cr("1000", "1.00")),
			status: 422, reason: "amount_too_large", paths: []string{"lines[0].debit"}},
		{name: "line both sides", body: entryJSON("2026-03-15", "x", `{"account":"4100","debit":"1.00","credit":"1.00"}`, cr("1000", "1.00")),
			status: 422, reason: "line_both_sides", paths: []string{"lines[0].debit"}},
		{name: "line no side", body: entryJSON("2026-03-15", "x", dr("4100", "1.00"), `{"account":"1000"}`),
			status: 422, reason: "line_no_side", paths: []string{"lines[1].debit"}},
		{name: "one line", body: entryJSON("2026-03-15", "x", dr("4100", "1.00")),
			status: 422, reason: "lines_too_few", paths: []string{"lines"}},
		{name: "no lines", body: `{"date":"2026-03-15","description":"x"}`,
			status: 422, reason: "lines_too_few", paths: []string{"lines"}},
		{name: "501 lines", body: entryJSON("2026-03-15", "x", many...),
			status: 422, reason: "lines_too_many", paths: []string{"lines"}},
		{name: "description missing", body: `{"date":"2026-03-15","lines":[` + dr("4100", "1.00") + `,` + cr("1000", "1.00") + `]}`,
			status: 422, reason: "field_required", paths: []string{"description"}},
		{name: "description blank", body: entryJSON("2026-03-15", "   ", dr("4100", "1.00"), cr("1000", "1.00")),
			status: 422, reason: "field_required", paths: []string{"description"}},
		{name: "date missing", body: `{"description":"x","lines":[` + dr("4100", "1.00") + `,` + cr("1000", "1.00") + `]}`,
			status: 422, reason: "field_required", paths: []string{"date"}},
		{name: "account missing", body: entryJSON("2026-03-15", "x", `{"debit":"1.00"}`, cr("1000", "1.00")),
			status: 422, reason: "field_required", paths: []string{"lines[0].account"}},
		{name: "date day-month-year", body: entryJSON("31-03-2026", "x", dr("4100", "1.00"), cr("1000", "1.00")),
			status: 422, reason: "date_invalid", paths: []string{"date"}},
		{name: "date 30 February", body: entryJSON("2026-02-30", "x", dr("4100", "1.00"), cr("1000", "1.00")),
			status: 422, reason: "date_invalid", paths: []string{"date"}},
		{name: "account unknown", body: entryJSON("2026-03-15", "x", dr("9999", "1.00"), cr("1000", "1.00")),
			status: 422, reason: "account_not_found", paths: []string{"lines[0].account"}},
		{name: "account of another entity", body: entryJSON("2026-03-15", "x", dr("4100", "1.00"), cr("B-ONLY", "1.00")),
			status: 422, reason: "account_not_found", paths: []string{"lines[1].account"}},
		{name: "account archived", body: entryJSON("2026-03-15", "x", dr("4200", "1.00"), cr("1000", "1.00")),
			status: 422, reason: "account_archived", paths: []string{"lines[0].account"}},
		{name: "entry unbalanced", body: entryJSON("2026-03-15", "x", dr("4100", "100.00"), cr("1000", "99.99")),
			status: 422, reason: "entry_unbalanced", paths: []string{"lines"}},
		{name: "period locked, on lock date", path: "/v1/entities/{L}/entries", body: entryJSON("2026-03-31", "x", dr("4100", "1.00"), cr("1000", "1.00")),
			status: 422, reason: "period_locked", paths: []string{"date"}},
		{name: "period locked, before lock date", path: "/v1/entities/{L}/entries", body: entryJSON("2025-12-31", "x", dr("4100", "1.00"), cr("1000", "1.00")),
			status: 422, reason: "period_locked", paths: []string{"date"}},
		{name: "currency invalid", body: entryJSON("2026-03-15", "x", `{"account":"4100","debit":"1.00","currency":"EURO"}`, cr("1000", "1.00")),
			status: 422, reason: "currency_invalid", paths: []string{"lines[0].currency"}},
		{name: "exchange rate required", body: entryJSON("2026-03-15", "x", `{"account":"1100","debit":"100.00","currency":"USD"}`, cr("8000", "90.00")),
			status: 422, reason: "exchange_rate_required", paths: []string{"lines[0].exchange_rate"}},
		{name: "account code taken", path: "/v1/entities/{A}/accounts", body: `{"code":"1000","name":"Second bank","type":"asset"}`,
			status: 409, reason: "account_code_taken"},
		{name: "key missing", auth: str(""), body: rent, status: 401, reason: "key_missing"},
		{name: "key with Basic scheme", auth: str("Basic " + acct), body: rent, status: 401, reason: "key_missing"},
		{name: "key empty", auth: str("Bearer "), body: rent, status: 401, reason: "key_missing"},
		{name: "key unknown", auth: str("Bearer bo_doesnotexist"), body: rent, status: 401, reason: "key_invalid"},
		{name: "client may not post", key: client, body: rent, status: 403, reason: "role_forbidden"},
		{name: "idempotency key with space", body: rent, header: []string{"Idempotency-Key", "has space"}, status: 400, reason: "idempotency_key_invalid"},
		{name: "idempotency key too long", body: rent, header: []string{"Idempotency-Key", strings.Repeat("k", 256)}, status: 400, reason: "idempotency_key_invalid"},
		{name: "idempotency key not ASCII", body: rent, header: []string{"Idempotency-Key", "clé"}, status: 400, reason: "idempotency_key_invalid"},
		{name: "NUL in a description", body: `{"date":"2026-05-01","description":"a\u0000b","lines":[` + dr("4100", "1") + `,` + cr("1000", "1") + `]}`,
			status: 422, reason: "text_invalid", paths: []string{"description"}},
		{name: "NUL in an entity name", method: "PATCH", path: "/v1/entities/{A}", body: `{"name":"A\u0000"}`, status: 422, reason: "text_invalid", paths: []string{"name"}},
		{name: "NUL in a query", method: "GET", path: "/v1/entities/{A}/entries?q=%00", status: 422, reason: "text_invalid", paths: []string{"q"}},
		{name: "not UTF-8 in a query", method: "GET", path: "/v1/entities/{A}/entries?reference=%FF", status: 422, reason: "text_invalid", paths: []string{"reference"}},
		{name: "not UTF-8 in a path", method: "GET", path: "/v1/entities/{A}/accounts/%FF", status: 404, reason: "not_found"},
		{name: "null body", method: "PATCH", path: "/v1/entities/{A}", body: "null", status: 422, reason: "invalid_type"},
		{name: "address line with a newline", method: "PATCH", path: "/v1/entities/{A}", body: `{"address":{"lines":["a\nb"]}}`,
			status: 422, reason: "text_invalid", paths: []string{"address.lines[0]"}},
		{name: "lock date in the future", method: "PUT", path: "/v1/entities/{A}/lock-date", body: `{"lock_date":"2999-12-31"}`,
			status: 422, reason: "lock_date_future", paths: []string{"lock_date"}},
		{name: "lock date missing", method: "PUT", path: "/v1/entities/{A}/lock-date", body: `{}`, status: 422, reason: "field_required", paths: []string{"lock_date"}},
		{name: "client write with an idempotency key", key: client, body: rent, header: []string{"Idempotency-Key", "c1"}, status: 403, reason: "role_forbidden"},
		{name: "trailing slash", path: "/v1/entities/{A}/entries/", body: rent, status: 404, reason: "route_not_found"},
	}
	paths := strings.NewReplacer("{A}", strconv.FormatInt(a, 10), "{L}", strconv.FormatInt(l, 10))
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := f.snapshot(a, b, l)
			method, path, key, srv := "POST", "/v1/entities/{A}/entries", acct, f.srv
			if c.method != "" {
				method = c.method
			}
			if c.path != "" {
				path = c.path
			}
			if c.key != "" {
				key = c.key
			}
			if c.srv != nil {
				srv = c.srv
			}
			req := newRequest(method, paths.Replace(path), key, c.body, c.header...)
			if c.auth != nil {
				req.Header.Set("Authorization", *c.auth)
			}
			if c.chunked {
				req.Body = io.NopCloser(chunked{req.Body})
				req.ContentLength = -1
			}
			r := serve(t, srv, req)
			wantProblem(t, r, c.status, c.reason, c.paths...)
			if c.status == 401 && r.header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
			if after := f.snapshot(a, b, l); after != before {
				t.Errorf("a rejected request changed the ledger:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
	if n := len(f.entries(a)); n != 1 {
		t.Errorf("entity A has %d entries, want 1", n)
	}
}

// An entry in a foreign currency keeps the line amounts in that currency
// and books their value in the functional currency.
func TestForeignCurrencyEntry(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.entity("A")
	acct := f.key(ledger.RoleAccountant, a)
	body := `{"date":"2026-04-01","description":"Invoice 17 to US client","exchange_rate":"0.9","lines":[
		{"account":"1100","debit":"100.00","currency":"USD"},
		{"account":"8000","credit":"100.00","currency":"USD"}]}`
	r := f.must(f.do("POST", ent(a)+"/entries", acct, body), 201)
	id := num(r.obj["id"])
	if loc := r.header.Get("Location"); loc != fmt.Sprintf("%s/entries/%d", ent(a), id) {
		t.Errorf("Location = %q", loc)
	}
	got := f.must(f.do("GET", fmt.Sprintf("%s/entries/%d", ent(a), id), acct, nil), 200)
	for _, e := range []*response{r, got} {
		if e.obj["currency"] != "EUR" || e.obj["total"] != "90.00" {
			t.Errorf("entry currency/total = %v/%v, want EUR/90.00", e.obj["currency"], e.obj["total"])
		}
		lines := e.obj["lines"].([]any)
		if len(lines) != 2 {
			t.Fatalf("lines: %v", lines)
		}
		want := []map[string]any{
			{"account": "1100", "debit": "90.00", "credit": "0.00", "currency": "USD", "amount": "100.00", "exchange_rate": "0.9"},
			{"account": "8000", "debit": "0.00", "credit": "90.00", "currency": "USD", "amount": "100.00", "exchange_rate": "0.9"},
		}
		for i, w := range want {
			l := lines[i].(map[string]any)
			for k, v := range w {
				if l[k] != v {
					t.Errorf("line %d %s = %v, want %v", i, k, l[k], v)
				}
			}
		}
	}
	// A mixed entry: one line in USD at its own rate, one in EUR.
	f.post(a, acct, entryJSON("2026-04-02", "Bank fee in USD",
		`{"account":"4400","debit":"10.00","currency":"USD","exchange_rate":"0.9"}`, cr("1000", "9.00")))

	tb := f.must(f.do("GET", ent(a)+"/reports/trial-balance?as_of=2026-12-31", acct, nil), 200)
	if tb.obj["currency"] != "EUR" || tb.obj["total_debit"] != "99.00" || tb.obj["total_credit"] != "99.00" {
		t.Errorf("trial balance totals: %s", tb.body)
	}
	want := map[string][2]string{"1000": {"0.00", "9.00"}, "1100": {"90.00", "0.00"}, "4400": {"9.00", "0.00"}, "8000": {"0.00", "90.00"}}
	rows := tb.obj["accounts"].([]any)
	if len(rows) != len(want) {
		t.Errorf("trial balance has %d rows, want %d: %s", len(rows), len(want), tb.body)
	}
	for _, row := range rows {
		m := row.(map[string]any)
		w, ok := want[m["code"].(string)]
		if !ok || m["debit"] != w[0] || m["credit"] != w[1] {
			t.Errorf("trial balance row %v, want %v", m, w)
		}
	}
}

// ---- 2. idempotency ------------------------------------------------------

func TestIdempotency(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.entity("A")
	acct := f.key(ledger.RoleAccountant, a)
	other := f.key(ledger.RoleAccountant, a)
	path := ent(a) + "/entries"

	t.Run("replay", func(t *testing.T) {
		first := f.must(f.do("POST", path, acct, rent, "Idempotency-Key", "k-1"), 201)
		second := f.must(f.do("POST", path, acct, rent, "Idempotency-Key", "k-1"), 201)
		if !bytes.Equal(first.body, second.body) {
			t.Errorf("replay differs:\n%s\n%s", first.body, second.body)
		}
		if first.header.Get("Idempotent-Replayed") != "" {
			t.Error("first answer says Idempotent-Replayed")
		}
		if second.header.Get("Idempotent-Replayed") != "true" {
			t.Error("replay lacks Idempotent-Replayed: true")
		}
		if ct := second.header.Get("Content-Type"); ct != first.header.Get("Content-Type") {
			t.Errorf("replay Content-Type %q, first %q", ct, first.header.Get("Content-Type"))
		}
		if n := len(f.entries(a)); n != 1 {
			t.Fatalf("%d entries after a replay, want 1", n)
		}

		// Same key, another request: 409, nothing written.
		before := f.snapshot(a)
		other := entryJSON("2026-03-16", "Rent March", dr("4100", "1200.00"), cr("1000", "1200.00"))
		wantProblem(t, f.do("POST", path, acct, other, "Idempotency-Key", "k-1"), 409, "idempotency_key_reused")
		// The same body to another path of the entity is another request too.
		wantProblem(t, f.do("POST", ent(a)+"/accounts", acct, `{"code":"9100","name":"x","type":"asset"}`, "Idempotency-Key", "k-1"), 409, "idempotency_key_reused")
		if f.snapshot(a) != before {
			t.Error("a reused key wrote something")
		}
	})

	t.Run("keys are per API key", func(t *testing.T) {
		n := len(f.entries(a))
		r := f.must(f.do("POST", path, other, rent, "Idempotency-Key", "k-1"), 201)
		if r.header.Get("Idempotent-Replayed") != "" {
			t.Error("another API key got the first key's answer")
		}
		if got := len(f.entries(a)); got != n+1 {
			t.Errorf("%d entries, want %d", got, n+1)
		}
	})

	t.Run("failures are not stored", func(t *testing.T) {
		n := len(f.entries(a))
		bad := entryJSON("2026-03-15", "Unbalanced", dr("4100", "100.00"), cr("1000", "99.00"))
		before := f.snapshot(a)
		for range 2 {
			r := f.do("POST", path, acct, bad, "Idempotency-Key", "k-2")
			wantProblem(t, r, 422, "entry_unbalanced", "lines")
			if r.header.Get("Idempotent-Replayed") != "" {
				t.Error("a failure was replayed")
			}
		}
		if f.snapshot(a) != before {
			t.Error("a failed idempotent request wrote something")
		}
		good := entryJSON("2026-03-15", "Balanced", dr("4100", "100.00"), cr("1000", "100.00"))
		first := f.must(f.do("POST", path, acct, good, "Idempotency-Key", "k-2"), 201)
		again := f.must(f.do("POST", path, acct, good, "Idempotency-Key", "k-2"), 201)
		if !bytes.Equal(first.body, again.body) || again.header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("corrected request not replayed: %s / %s", first, again)
		}
		// Now that the key holds the success, the failing body is another request.
		wantProblem(t, f.do("POST", path, acct, bad, "Idempotency-Key", "k-2"), 409, "idempotency_key_reused")
		if got := len(f.entries(a)); got != n+1 {
			t.Errorf("%d entries, want %d", got, n+1)
		}
	})
}

// Ten identical requests at once create one entry; every caller gets the
// same answer.
func TestIdempotencyConcurrent(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.entity("A")
	acct := f.key(ledger.RoleAccountant, a)
	const n = 10
	answers := make([]*response, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			answers[i] = f.do("POST", ent(a)+"/entries", acct, rent, "Idempotency-Key", "race-1")
		})
	}
	close(start)
	wg.Wait()
	entries := f.entries(a)
	if len(entries) != 1 {
		t.Fatalf("%d entries, want 1", len(entries))
	}
	id := num(entries[0].(map[string]any)["id"])
	wantLoc := fmt.Sprintf("%s/entries/%d", ent(a), id)
	replayed := 0
	for i, r := range answers {
		if r.status != 201 {
			t.Errorf("answer %d: %s", i, r)
			continue
		}
		if got := num(r.obj["id"]); got != id {
			t.Errorf("answer %d names entry %d, want %d", i, got, id)
		}
		if !bytes.Equal(r.body, answers[0].body) && answers[0].status == 201 {
			t.Errorf("answer %d differs from answer 0:\n%s\n%s", i, r.body, answers[0].body)
		}
		if loc := r.header.Get("Location"); loc != "" && loc != wantLoc {
			t.Errorf("answer %d: Location %q, but the entry is %s", i, loc, wantLoc)
		}
		if r.header.Get("Idempotent-Replayed") == "true" {
			replayed++
		}
	}
	if replayed != n-1 {
		t.Errorf("%d answers replayed, want %d", replayed, n-1)
	}
}

// ---- 3. reversal -----------------------------------------------------------

func TestReverseEntry(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.entity("A")
	acct := f.key(ledger.RoleAccountant, a)
	id := f.post(a, acct, rent)
	other := f.post(a, acct, entryJSON("2026-03-10", "Office chair", dr("4200", "250.00"), cr("1000", "250.00")))
	rev := func(entry int64, body any) *response {
		return f.do("POST", fmt.Sprintf("%s/entries/%d/reverse", ent(a), entry), acct, body)
	}

	r := f.must(rev(id, `{"date":"2026-03-20"}`), 201)
	revID := num(r.obj["id"])
	if num(r.obj["reverses"]) != id || r.obj["date"] != "2026-03-20" || r.obj["total"] != "1200.00" {
		t.Errorf("reversal: %s", r.body)
	}
	lines := r.obj["lines"].([]any)
	if l := lines[0].(map[string]any); l["account"] != "4100" || l["credit"] != "1200.00" || l["debit"] != "0.00" {
		t.Errorf("reversal line 1 not swapped: %v", l)
	}
	orig := f.must(f.do("GET", fmt.Sprintf("%s/entries/%d", ent(a), id), acct, nil), 200)
	if num(orig.obj["reversed_by"]) != revID {
		t.Errorf("original reversed_by = %v, want %d", orig.obj["reversed_by"], revID)
	}
	bal := f.must(f.do("GET", ent(a)+"/accounts/4100/balance?as_of=2026-12-31", acct, nil), 200)
	if b := bal.obj["balance"].(map[string]any); b["balance"] != "0.00" || b["side"] != "zero" {
		t.Errorf("4100 after reversal: %v", b)
	}

	// Twice: 409, nothing written; reversing the reversal is not this.
	before := f.snapshot(a)
	wantProblem(t, rev(id, `{"date":"2026-03-21"}`), 409, "entry_already_reversed")
	wantProblem(t, rev(id, nil), 409, "entry_already_reversed")
	// Not found: unknown id and not a number.
	wantProblem(t, rev(999999, nil), 404, "not_found")
	wantProblem(t, f.do("POST", ent(a)+"/entries/abc/reverse", acct, nil), 404, "not_found")
	// A reversal before the entry it reverses.
	wantProblem(t, rev(other, `{"date":"2026-03-09"}`), 422, "reversal_before_original", "date")
	wantProblem(t, rev(other, `{"date":"2026-13-01"}`), 422, "date_invalid", "date")
	wantProblem(t, rev(other, `{"date":"2026-03-20","memo":"x"}`), 422, "unknown_field", "memo")
	wantProblem(t, rev(other, `{"date":`), 400, "json_malformed")
	wantProblem(t, f.do("POST", fmt.Sprintf("%s/entries/%d/reverse", ent(a), other), acct, `{"date":"2026-03-20"}`, "Content-Type", "text/plain"),
		415, "content_type_unsupported")
	// The body is optional, but one over the limit is refused, not ignored,
	// also when its length is not declared.
	big := `{"date":"2026-03-20","description":"` + strings.Repeat("x", 1<<20) + `"}`
	req := newRequest("POST", fmt.Sprintf("%s/entries/%d/reverse", ent(a), other), acct, big)
	req.Body, req.ContentLength = io.NopCloser(chunked{req.Body}), -1
	wantProblem(t, serve(t, f.srv, req), 413, "body_too_large")
	if f.snapshot(a) != before {
		t.Error("a rejected reversal wrote something")
	}

	// Lock the period: a reversal on or before the lock date is refused.
	f.must(f.do("PUT", ent(a)+"/lock-date", acct, `{"lock_date":"2026-03-31"}`), 200)
	before = f.snapshot(a)
	wantProblem(t, rev(other, `{"date":"2026-03-31"}`), 422, "period_locked", "date")
	wantProblem(t, rev(other, `{"date":"2026-03-15"}`), 422, "period_locked", "date")
	if f.snapshot(a) != before {
		t.Error("a reversal in a locked period wrote something")
	}
	// After the lock date it works.
	r = f.must(rev(other, `{"date":"2026-04-01"}`), 201)
	if num(r.obj["reverses"]) != other {
		t.Errorf("reversal: %s", r.body)
	}
	if n := len(f.entries(a)); n != 4 {
		t.Errorf("%d entries, want 4", n)
	}
}

// An Idempotency-Key header that is present but empty is a mistake, not
// the absence of a key.
func TestIdempotencyKeyEmpty(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.entity("A")
	req := newRequest("POST", ent(a)+"/entries", f.admin, rent)
	req.Header["Idempotency-Key"] = []string{""}
	wantProblem(t, serve(t, f.srv, req), 400, "idempotency_key_invalid")
	if n := len(f.entries(a)); n != 0 {
		t.Fatalf("%d entries posted; want none", n)
	}
}

// TestAuditTrail: changes other than entries say who made them and when
// (law 8), newest first, and the trail cannot be changed.
func TestAuditTrail(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.entity("Audit BV")
	acct := f.key(ledger.RoleAccountant, a)
	me := num(f.must(f.do("GET", "/v1/me", acct, nil), 200).obj["key_id"])
	f.must(f.do("PUT", ent(a)+"/lock-date", acct, `{"lock_date":"2026-01-31"}`), 200)
	f.must(f.do("PATCH", ent(a)+"/accounts/4100", acct, `{"name":"Office rent"}`), 200)
	f.must(f.do("POST", ent(a)+"/accounts/4200/archive", acct, nil), 200)
	f.must(f.do("PATCH", ent(a), acct, `{"city":"x"}`), 422) // refused: nothing recorded

	r := f.must(f.do("GET", ent(a)+"/audit-events?limit=2", acct, nil), 200)
	page1 := r.obj["data"].([]any)
	if len(page1) != 2 || r.obj["has_more"] != true {
		t.Fatalf("first page: %s", r.body)
	}
	r2 := f.must(f.do("GET", ent(a)+"/audit-events?limit=50&cursor="+r.obj["next_cursor"].(string), acct, nil), 200)
	all := append(page1, r2.obj["data"].([]any)...)
	var actions []string
	for _, e := range all {
		ev := e.(map[string]any)
		actions = append(actions, ev["action"].(string)+" "+ev["subject"].(string))
		if ev["action"] != "entity.created" && ev["action"] != "api_key.created" && num(ev["key_id"]) != me {
			t.Errorf("event %v not attributed to key %d", ev, me)
		}
	}
	want := "account.archived 4200|account.renamed 4100|lock_date.set lock_date|api_key.created api_key " + strconv.FormatInt(me, 10) + "|entity.created Audit BV"
	if got := strings.Join(actions, "|"); got != want {
		t.Fatalf("trail:\n got %s\nwant %s", got, want)
	}
	lock := all[2].(map[string]any)["detail"].(map[string]any)
	if lock["from"] != nil || lock["to"] != "2026-01-31" {
		t.Errorf("lock date detail = %v", lock)
	}
	_, err := f.st.DB().Exec(`DELETE FROM audit_events`)
	sqltest.WantRefused(t, "the audit trail deleted", err, "BOL01")
	_, err = f.st.DB().Exec(`UPDATE audit_events SET actor_id = NULL`)
	sqltest.WantRefused(t, "the audit trail rewritten", err, "BOL01")
}

// TestActorsShowAsKeys: records name actors (migration 00009), and the API
// shows the key behind each where it showed a key before: a key made
// through the API is created by the admin's key, and what it posts and
// changes is by its own key id.
func TestActorsShowAsKeys(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.entity("Actor BV")
	admin := num(f.must(f.do("GET", "/v1/me", f.admin, nil), 200).obj["key_id"])
	r := f.must(f.do("POST", "/v1/api-keys", f.admin, `{"name":"books","role":"accountant","entities":[`+strconv.FormatInt(a, 10)+`]}`), 201)
	id, secret := num(r.obj["id"]), r.obj["key"].(string)
	if num(r.obj["created_by"]) != admin {
		t.Fatalf("new key created by %v; want key %d", r.obj["created_by"], admin)
	}
	if me := num(f.must(f.do("GET", "/v1/me", secret, nil), 200).obj["key_id"]); me != id {
		t.Fatalf("/v1/me of key %d says %d", id, me)
	}
	entry := f.post(a, secret, rent)
	got := f.must(f.do("GET", ent(a)+"/entries/"+strconv.FormatInt(entry, 10), secret, nil), 200)
	if num(got.obj["created_by_key"]) != id {
		t.Fatalf("entry created_by_key %v; want %d", got.obj["created_by_key"], id)
	}
	f.must(f.do("PATCH", ent(a)+"/accounts/4100", secret, `{"name":"Office rent"}`), 200)
	evs := f.must(f.do("GET", ent(a)+"/audit-events?limit=2", f.admin, nil), 200).obj["data"].([]any)
	renamed, created := evs[0].(map[string]any), evs[1].(map[string]any)
	if renamed["action"] != "account.renamed" || num(renamed["key_id"]) != id {
		t.Errorf("newest event %v; want account.renamed by key %d", renamed, id)
	}
	if created["action"] != "api_key.created" || num(created["key_id"]) != admin {
		t.Errorf("event %v; want api_key.created by key %d", created, admin)
	}
}

// TestAuditDetailIsAnObject: a change recorded with nothing more to say
// (archiving a tax code) is listed with an empty object as its detail,
// as the OpenAPI document promises, not null.
func TestAuditDetailIsAnObject(t *testing.T) {
	f := newFixture(t)
	e := f.entity("Audit Detail BV")
	f.must(f.do("POST", ent(e)+"/tax-codes/0/archive", f.admin, nil), 200)
	r := f.must(f.do("GET", ent(e)+"/audit-events", f.admin, nil), 200)
	found := false
	for _, v := range r.obj["data"].([]any) {
		ev := v.(map[string]any)
		if ev["action"] == "tax_code.archived" {
			found = true
			if d, ok := ev["detail"].(map[string]any); !ok || len(d) != 0 {
				t.Fatalf("detail %v; want {}", ev["detail"])
			}
		}
	}
	if !found {
		t.Fatalf("no tax_code.archived event in %s", r.body)
	}
}
