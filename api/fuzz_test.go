package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"backoffice/api/apitest"
	"backoffice/invoicing/invstore"
	"backoffice/invoicing/orders/orderstore"
	"backoffice/ledger"
	"backoffice/ledger/bank"
	"backoffice/ledger/fuzzcheck"
	"backoffice/ledger/sqlstore"
	"backoffice/ledger/sqlstore/sqltest"
)

// The JSON decoders fuzzed through the real router (issue 18): the fuzzed
// bytes are the body of a write request, sent with an accountant's key to
// a server on a database of its own. Every answer must be a documented one
// (apitest.Handler), never a 5xx; a refusal must be a problem naming its
// reason (and, for a 422, the fields by path) and must write nothing to any
// table; an acceptance must write what it says it wrote, and the books
// must still balance.
//
// The server is built once per fuzz worker process (in the Fuzz function,
// before f.Fuzz), not once per input: per input there is only the request
// and two counts of every table's rows. Nothing in the way throttles:
// only failed authentications are (throttle.go) and every request has a
// valid key; no request sends an Idempotency-Key.
//
// The issue asks for fuzzing on SQLite, the default database, and that is
// where the fuzzer runs (`go test -fuzz` without BACKOFFICE_TEST_DATABASE_URL).
// With it set (CI's PostgreSQL run of `go test ./...`) the targets are not
// skipped: they run their seeds and regression inputs on PostgreSQL, whose
// text and number types are stricter than SQLite's, which is exactly where
// a body that SQLite stores might make PostgreSQL answer 500. The row
// counts read the catalog of either database, so they need no list of
// tables to keep up to date.

// fuzzBound is the allocation budget of one request through the router,
// body decoding, unit of work and answer included (the contract check runs
// outside it). Measured with FUZZ_CALIBRATE=1 go test -v on the seeds: a
// request with a small body takes some 12 KB (the median of 533; gin, the
// database driver, the audit event, the answer), the costliest 0.33 MB
// (issuing an invoice: its entry and totals). A body of many tiny values
// costs its decoding twice (the token reader's generic value, then the
// typed struct): the 20 KB of deep nesting 1.4 MB, some 70 bytes per
// byte. The base is kept above 4 times the costliest request rather than
// the median, so that a rare path is no false failure: 2 MiB plus 160
// bytes per byte (3.8 times the deep nesting).
var fuzzBound = fuzzcheck.Bound{Base: 2 << 20, PerByte: 160}

// calibrate (FUZZ_CALIBRATE set) prints every request's allocations to
// stderr instead of checking them, to choose fuzzBound.
var calibrate = os.Getenv("FUZZ_CALIBRATE") != ""

// fuzzServer is a server on a database of its own with one entity (its
// books, a customer, a supplier with a booked purchase invoice, a bank
// account) and an accountant's key to it.
type fuzzServer struct {
	st     *orderstore.Store
	srv    *Server
	key    string
	base   string            // /v1/entities/{id}
	params map[string]string // the ids a seed body names: {customer}, {supplier}, {spinvoice}, {bank}
	count  string            // one query counting the rows of every table
	tables []string
	logs   *logBuffer
}

// logBuffer keeps the server's error log of the current input: a 5xx
// answer says only "internal error", and the cause is in the log.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) take() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.buf.String()
	b.buf.Reset()
	return s
}

func newFuzzServer(f *testing.F) *fuzzServer {
	f.Helper()
	ctx := context.Background()
	st := orderstore.New(invstore.New(sqltest.Open(f)))
	logs := &logBuffer{}
	cfg := testConfig(st)
	cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelError}))
	// Entities and keys change only through setup: a long cache is the
	// same as the default one here, and saves a lookup per request.
	fs := &fuzzServer{st: st, srv: New(cfg), logs: logs}
	e, _ := sqltest.Entity(f, st, "Fuzz B.V.")
	_, secret, err := st.CreateKey(ctx, nil, &ledger.KeyInput{Name: "fuzz accountant", Role: ledger.RoleAccountant, Entities: []int64{e.ID}})
	if err != nil {
		f.Fatal(err)
	}
	fs.key, fs.base = secret, ent(e.ID)
	fs.params = map[string]string{}
	made := func(name, path, body string) {
		f.Helper()
		r := fs.request(f, "POST", path, []byte(fs.fill(body)))
		if r.status != http.StatusCreated {
			f.Fatalf("setup: POST %s: %s", path, r)
		}
		fs.params[name] = id(r.obj["id"])
	}
	customer, err := json.Marshal(completeBody("/customers", routeBodies["POST "+entityRoutes+"/customers"]))
	if err != nil {
		f.Fatal(err)
	}
	made("customer", fs.base+"/customers", string(customer))
	made("supplier", fs.base+"/suppliers", `{"name":"Kantoorhuis","iban":"NL91ABNA0417164300"}`)
	made("spinvoice", fs.base+"/purchase-invoices", routeBodies["POST "+entityRoutes+"/purchase-invoices"])
	if r := fs.request(f, "POST", fs.base+"/purchase-invoices/"+fs.params["spinvoice"]+"/book", nil); r.status != http.StatusOK {
		f.Fatalf("setup: book the purchase invoice: %s", r)
	}
	made("bank", fs.base+"/bank-accounts", routeBodies["POST "+entityRoutes+"/bank-accounts"])

	list := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'`
	if sqltest.Dialect() == sqlstore.Postgres {
		list = `SELECT tablename FROM pg_tables WHERE schemaname = current_schema()`
	}
	rows, err := st.DB().QueryContext(ctx, list)
	if err != nil {
		f.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			f.Fatal(err)
		}
		fs.tables = append(fs.tables, name)
	}
	if err := rows.Err(); err != nil {
		f.Fatal(err)
	}
	slices.Sort(fs.tables)
	parts := make([]string, len(fs.tables))
	for i, t := range fs.tables {
		parts[i] = fmt.Sprintf(`SELECT %d, count(*) FROM "%s"`, i, t)
	}
	fs.count = strings.Join(parts, " UNION ALL ")
	return fs
}

var seedParam = regexp.MustCompile(`\{[a-z]+\}`)

// fill puts the fixture's ids into a sample body's placeholders.
func (fs *fuzzServer) fill(body string) string {
	return seedParam.ReplaceAllStringFunc(body, func(p string) string {
		if v, ok := fs.params[p[1:len(p)-1]]; ok {
			return v
		}
		return p
	})
}

// request sends body (nil: none) with the accountant's key, through the
// contract check, and returns the answer.
func (fs *fuzzServer) request(t testing.TB, method, path string, body []byte) *response {
	t.Helper()
	var b any
	if body != nil {
		b = body
	}
	return serve(t, fs.srv, newRequest(method, path, fs.key, b))
}

// fuzzRequest is request for a fuzzed body: also checked against the
// allocation bound, and failed outright on a 5xx with the server's log.
func (fs *fuzzServer) fuzzRequest(t *testing.T, method, path string, body []byte) *response {
	t.Helper()
	fs.logs.take()
	var allocErr error
	measured := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := fuzzBound
		if calibrate {
			b = fuzzcheck.Bound{}
		}
		allocErr = b.Run(len(body), func() { fs.srv.ServeHTTP(w, r) })
	})
	rec := httptest.NewRecorder()
	apitest.Handler(t, measured).ServeHTTP(rec, newRequest(method, path, fs.key, body))
	r := &response{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
	_ = json.Unmarshal(r.body, &r.obj)
	if r.status >= 500 {
		t.Fatalf("%s %s: %s\nlog: %s", method, path, r, fs.logs.take())
	}
	if calibrate {
		fmt.Fprintf(os.Stderr, "fuzzAllocs: %s %s -> %d: %v\n", method, path, r.status, allocErr)
	} else if allocErr != nil {
		t.Errorf("%s %s: %v", method, path, allocErr)
	}
	return r
}

// rowCounts counts the rows of every table.
func (fs *fuzzServer) rowCounts(t testing.TB) []int64 {
	t.Helper()
	rows, err := fs.st.DB().Query(fs.count)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := make([]int64, len(fs.tables))
	for rows.Next() {
		var i int
		var n int64
		if err := rows.Scan(&i, &n); err != nil {
			t.Fatal(err)
		}
		out[i] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// changes are the tables whose row count differs, with the difference.
func (fs *fuzzServer) changes(before, after []int64) map[string]int64 {
	d := map[string]int64{}
	for i := range before {
		if after[i] != before[i] {
			d[fs.tables[i]] = after[i] - before[i]
		}
	}
	return d
}

// wantRefusal checks a 4xx answer's problem body: its media type, its
// status and reason, and the paths of the fields it blames. A 422 to a
// body (named) must blame at least one field of it; one to a request
// without a body (issuing a draft) may blame the record as a whole, as
// invoice_empty does.
func wantRefusal(t *testing.T, r *response, named bool) {
	t.Helper()
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("a %d answered as %q, not a problem: %s", r.status, ct, r.body)
	}
	if reason, _ := r.obj["reason"].(string); reason == "" {
		t.Fatalf("a problem without a reason: %s", r.body)
	}
	if got := num(r.obj["status"]); got != int64(r.status) {
		t.Fatalf("problem status %d on a %d answer: %s", got, r.status, r.body)
	}
	errs, _ := r.obj["errors"].([]any)
	if named && r.status == http.StatusUnprocessableEntity && len(errs) == 0 {
		t.Fatalf("a 422 that names no field: %s", r.body)
	}
	for _, e := range errs {
		fe, _ := e.(map[string]any)
		if p, _ := fe["path"].(string); p == "" {
			t.Fatalf("an error without a path: %s", r.body)
		}
		if reason, _ := fe["reason"].(string); reason == "" {
			t.Fatalf("an error without a reason: %s", r.body)
		}
	}
}

// wantUnchanged fails t when a refused request wrote a row anywhere.
func (fs *fuzzServer) wantUnchanged(t *testing.T, what string, before []int64) {
	t.Helper()
	if d := fs.changes(before, fs.rowCounts(t)); len(d) > 0 {
		t.Fatalf("%s was refused, yet rows changed: %v", what, d)
	}
}

// wantChanges fails t unless the changed tables are those of want (each
// by exactly its difference) and the ones in may (by any positive
// difference: audit events, counters, running totals, which a write adds
// to as it needs).
func (fs *fuzzServer) wantChanges(t *testing.T, what string, before, after []int64, want map[string]int64, may ...string) {
	t.Helper()
	got := fs.changes(before, after)
	for table, n := range want {
		if got[table] != n {
			t.Errorf("%s: %s changed by %d rows, want %d (all changes: %v)", what, table, got[table], n, got)
		}
	}
	for table, n := range got {
		if _, ok := want[table]; ok {
			continue
		}
		if !slices.Contains(may, table) || n < 0 {
			t.Errorf("%s: %s changed by %d rows, want it unchanged (all changes: %v)", what, table, n, got)
		}
	}
}

// wantBalanced fails t unless the books balance: every entry's debits
// equal its credits, in the functional currency's minor units.
func (fs *fuzzServer) wantBalanced(t *testing.T) {
	t.Helper()
	var n int
	err := fs.st.DB().QueryRow(`SELECT count(*) FROM (SELECT entry_id FROM journal_lines
		GROUP BY entity_id, entry_id HAVING sum(debit_minor) <> sum(credit_minor)) AS unbalanced`).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	if n > 0 {
		t.Fatalf("%d entries do not balance", n)
	}
}

// docBodies are the JSON bodies the README and docs/*.md send to a route
// whose path ends in suffix: curl's --json '...' and the ```json block
// under a "`POST /v1/entities/{entity}<suffix>`" heading line.
func docBodies(f *testing.F, suffix string) [][]byte {
	f.Helper()
	files, err := filepath.Glob("../docs/*.md")
	if err != nil {
		f.Fatal(err)
	}
	curl := regexp.MustCompile(`(?s)localhost:8080/v1/entities/\d+` + regexp.QuoteMeta(suffix) + ` --json '([^']*)'`)
	block := regexp.MustCompile("(?s)`POST /v1/entities/\\{entity\\}" + regexp.QuoteMeta(suffix) + "`\\s*```json\n(.*?)```")
	var out [][]byte
	for _, name := range append([]string{"../README.md"}, files...) {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		for _, re := range []*regexp.Regexp{curl, block} {
			for _, m := range re.FindAllSubmatch(b, -1) {
				out = append(out, m[1])
			}
		}
	}
	return out
}

// hostile are variants of a valid body that every JSON route must refuse
// or take calmly: broken JSON, wrong types, deep nesting, duplicate and
// unknown keys, invalid UTF-8, huge numbers.
func hostile(valid string) []string {
	deep := strings.Repeat("[", 10000) + strings.Repeat("]", 10000)
	trimmed := strings.TrimSuffix(strings.TrimSpace(valid), "}")
	return []string{
		"", "null", "[]", `"x"`, "1e999", "{", valid + "{}", valid[:len(valid)/2],
		`{"nested":` + deep + `}`,
		trimmed + `,"unknown":1}`,
		trimmed + `,"description":"dup","description":"dup2"}`,
		trimmed + `,"notes":"` + "\xff\xfe bad \xc3\x28" + `"}`,
		trimmed + `,"notes":"nul \u0000 inside"}`,
		trimmed + `,"date":123456789012345678901234567890}`,
		strings.ReplaceAll(valid, `"2026-`, `"99999-`),
		strings.ReplaceAll(valid, `"2026-`, `"0000-`),
		strings.ReplaceAll(valid, `.00"`, `.001"`),
		strings.ReplaceAll(valid, `"1`, `"1000000000000000000000000000000`),
		strings.ReplaceAll(valid, `"`, `'`),
	}
}

// FuzzPostEntry posts the fuzzed bytes as a journal entry.
func FuzzPostEntry(f *testing.F) {
	fs := newFuzzServer(f)
	// The sample entries of the tests (api_test.go, tenancy_test.go) and
	// of the docs, and their hostile variants.
	mixed := entryJSON("2026-04-02", "Bank fee in USD", `{"account":"4400","debit":"10.00","currency":"USD","exchange_rate":"0.9"}`, cr("1000", "9.00"))
	for _, s := range []string{rent, routeBodies["POST "+entityRoutes+"/entries"], mixed} {
		for _, v := range append([]string{s}, hostile(s)...) {
			f.Add([]byte(v))
		}
	}
	for _, b := range docBodies(f, "/entries") {
		f.Add(b)
	}
	path := fs.base + "/entries"
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzcheck.Input(t, len(body))
		before := fs.rowCounts(t)
		r := fs.fuzzRequest(t, "POST", path, body)
		wantShortMessages(t, r)
		if r.status != http.StatusCreated {
			if r.status < 400 {
				t.Fatalf("an entry answered %s", r)
			}
			wantRefusal(t, r, true)
			fs.wantUnchanged(t, "the entry", before)
			return
		}
		// Accepted: one entry with the lines sent, and nothing else but
		// the audit event, the number counter and the running totals.
		var in ledger.EntryInput
		if err := json.Unmarshal(body, &in); err != nil {
			t.Fatalf("accepted a body that does not decode: %v", err)
		}
		if lines, _ := r.obj["lines"].([]any); len(lines) != len(in.Lines) {
			t.Errorf("sent %d lines, the answer has %d: %s", len(in.Lines), len(lines), r.body)
		}
		fs.wantChanges(t, "an entry", before, fs.rowCounts(t),
			map[string]int64{"journal_entries": 1, "journal_lines": int64(len(in.Lines))},
			"audit_events", "counters", "account_totals", "vat_totals", "actors")
		fs.wantBalanced(t)
	})
}

// FuzzPostInvoice posts the fuzzed bytes as a draft invoice and, when the
// draft is accepted, issues it.
func FuzzPostInvoice(f *testing.F) {
	fs := newFuzzServer(f)
	cust := fs.params["customer"]
	samples := []string{
		fs.fill(routeBodies["POST "+entityRoutes+"/invoices"]),
		`{"customer_id":` + cust + `,"issue_date":"2026-03-10","lines":[` + bread + `,` + advice + `]}`,
		`{"customer_id":` + cust + `,"currency":"USD","exchange_rate":"0.92","issue_date":"2026-03-10","lines":[` + bread + `]}`,
		`{"customer_id":` + cust + `}`,
	}
	for _, s := range samples {
		for _, v := range append([]string{s}, hostile(s)...) {
			f.Add([]byte(v))
		}
	}
	// The README's invoice names customer 1, which is the fixture's only
	// customer on a new database.
	for _, b := range docBodies(f, "/invoices") {
		f.Add(b)
	}
	path := fs.base + "/invoices"
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzcheck.Input(t, len(body))
		before := fs.rowCounts(t)
		r := fs.fuzzRequest(t, "POST", path, body)
		if r.status != http.StatusCreated {
			if r.status < 400 {
				t.Fatalf("a draft invoice answered %s", r)
			}
			wantRefusal(t, r, true)
			fs.wantUnchanged(t, "the draft", before)
			return
		}
		var in struct {
			Lines []json.RawMessage `json:"lines"`
		}
		if err := json.Unmarshal(body, &in); err != nil {
			t.Fatalf("accepted a body that does not decode: %v", err)
		}
		drafted := fs.rowCounts(t)
		fs.wantChanges(t, "a draft", before, drafted,
			map[string]int64{"invoices": 1, "invoice_lines": int64(len(in.Lines))}, "audit_events", "actors")
		if r.obj["status"] != "draft" || r.obj["number"] != nil {
			t.Fatalf("a new draft answered as %s", r.body)
		}
		// Issue it: either it is complete and gets a number and its entry,
		// or it is refused and nothing changes.
		issued := fs.fuzzRequest(t, "POST", path+"/"+id(r.obj["id"])+"/issue", nil)
		if issued.status != http.StatusOK {
			if issued.status < 400 {
				t.Fatalf("issuing answered %s", issued)
			}
			wantRefusal(t, issued, false)
			fs.wantUnchanged(t, "issuing", drafted)
			return
		}
		if issued.obj["status"] != "issued" && issued.obj["status"] != "paid" {
			t.Errorf("an issued invoice answered as %s", issued.body)
		}
		if n, _ := issued.obj["number"].(string); n == "" {
			t.Errorf("an issued invoice without a number: %s", issued.body)
		}
		fs.wantChanges(t, "issuing", drafted, fs.rowCounts(t), map[string]int64{"journal_entries": 1, "invoices": 0},
			"journal_lines", "audit_events", "counters", "account_totals", "vat_totals", "events", "webhook_deliveries")
		fs.wantBalanced(t)
	})
}

// writeRoute is one route of FuzzPostRoutes: where the body goes, and the
// table that a created record adds one row to.
type writeRoute struct {
	method, path string // path under the entity, with {placeholders}
	table        string // "" for an update
	samples      []string
	may          []string // tables an acceptance may add rows to besides table
}

// FuzzPostRoutes sends the fuzzed bytes to one of the other JSON write
// routes, chosen by the first argument: customers, purchase invoices,
// supplier payments, orders, bank accounts and their CSV mappings, VAT
// adjustments.
func FuzzPostRoutes(f *testing.F) {
	fs := newFuzzServer(f)
	body := func(route string) string { return routeBodies[route] }
	mapping := func(name string) string {
		b, err := os.ReadFile("../testdata/bank/" + name)
		if err != nil {
			f.Fatal(err)
		}
		return string(b)
	}
	audit := []string{"audit_events", "actors"}
	routes := []writeRoute{
		{method: "POST", path: "/customers", table: "customers", may: audit, samples: []string{
			body("POST " + entityRoutes + "/customers"),
			`{"name":"Ærøskøbing Ñandú ApS","language":"nl","vat_number":"DK12345674","payment_terms_days":14,
			  "address":{"lines":["Vestergade 1"],"postcode":"5970","city":"Ærøskøbing","country":"DK"}}`,
		}},
		// The fixture took the sample's invoice number (T-NEW), so the
		// seeds name free ones: one is a draft, one is booked at once.
		{method: "POST", path: "/purchase-invoices", table: "purchase_invoices", may: append([]string{"purchase_invoice_lines", "purchase_invoice_vat"}, audit...), samples: []string{
			body("POST " + entityRoutes + "/purchase-invoices"),
			strings.Replace(body("POST "+entityRoutes+"/purchase-invoices"), `"T-NEW"`, `"FZ-DRAFT-1"`, 1),
			strings.Replace(body("POST "+entityRoutes+"/purchase-invoices"), `"T-NEW"`, `"FZ-BOOK-1","book":true`, 1),
		}},
		{method: "POST", path: "/supplier-payments", table: "supplier_payments",
			may: append([]string{"purchase_allocations", "journal_entries", "journal_lines", "counters", "account_totals"}, audit...), samples: []string{
				body("POST " + entityRoutes + "/supplier-payments"),
				`{"supplier_id":{supplier},"date":"2026-10-20","amount":"500.00"}`,
			}},
		{method: "POST", path: "/orders", table: "orders", may: append([]string{"order_lines", "order_status_changes", "customers", "counters", "events", "webhook_deliveries"}, audit...), samples: []string{
			body("POST " + entityRoutes + "/orders"),
			orderJSON("SHOP-1", "2.5"),
		}},
		// The fixture's account is the sample's (ledger account 1010, that
		// IBAN): the last seed names another, so that one is accepted.
		{method: "POST", path: "/bank-accounts", table: "bank_accounts", may: audit, samples: []string{
			body("POST " + entityRoutes + "/bank-accounts"),
			`{"account":"1010","iban":"NL28 RABO 0318 4277 56","csv_mapping":` + mapping("csv/rabobank.mapping.json") + `}`,
			`{"account":"1000","iban":"NL67 INGB 0006 5432 10","csv_mapping":` + mapping("csv/ing-cp1252.mapping.json") + `}`,
		}},
		{method: "PATCH", path: "/bank-accounts/{bank}", may: audit, samples: []string{
			`{"csv_mapping":` + mapping("csv/rabobank.mapping.json") + `}`,
			`{"csv_mapping":` + mapping("csv/ing-cp1252.mapping.json") + `}`,
			`{"csv_mapping":` + mapping("multi/ing-all-accounts.mapping.json") + `}`,
			body("PATCH " + entityRoutes + "/bank-accounts/:bank"),
		}},
		{method: "POST", path: "/vat-adjustments", table: "vat_adjustments", may: append([]string{"journal_entries", "journal_lines", "counters", "account_totals", "vat_totals"}, audit...), samples: []string{
			body("POST " + entityRoutes + "/vat-adjustments"),
			`{"period":"2025-Q1","base":"523.81","vat":"110.00","reason":"Private use","account":"4300"}`,
		}},
	}
	for i, rt := range routes {
		for _, s := range rt.samples {
			s = fs.fill(s)
			for _, v := range append([]string{s}, hostile(s)...) {
				f.Add(uint8(i), []byte(v))
			}
		}
		for _, b := range docBodies(f, rt.path) {
			f.Add(uint8(i), b)
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		fuzzcheck.Input(t, len(body))
		rt := routes[int(which)%len(routes)]
		path := fs.base + fs.fill(rt.path)
		before := fs.rowCounts(t)
		var stored *response // an update's record before it
		if rt.method == "PATCH" {
			stored = fs.request(t, "GET", path, nil)
		}
		r := fs.fuzzRequest(t, rt.method, path, body)
		what := rt.method + " " + rt.path
		wantShortMessages(t, r)
		if r.status >= 400 {
			wantRefusal(t, r, true)
			fs.wantUnchanged(t, what, before)
			if stored != nil {
				if now := fs.request(t, "GET", path, nil); !bytes.Equal(now.body, stored.body) {
					t.Fatalf("%s was refused, yet the record changed:\nbefore %s\nafter  %s", what, stored.body, now.body)
				}
			}
			return
		}
		if stored != nil {
			fs.wantBankAccountUpdated(t, path, body)
		}
		want := map[string]int64{}
		may := slices.Clone(rt.may)
		switch {
		case rt.table == "":
			if r.status != http.StatusOK {
				t.Fatalf("%s answered %s", what, r)
			}
		case r.status == http.StatusCreated:
			want[rt.table] = 1
			var in struct {
				Book bool `json:"book"`
			}
			if rt.path == "/purchase-invoices" && json.Unmarshal(body, &in) == nil && in.Book {
				// Booked at once: its journal entry as well.
				want["journal_entries"] = 1
				may = append(may, "journal_lines", "counters", "account_totals", "vat_totals")
			}
		case r.status == http.StatusOK && rt.path == "/orders":
			// The same order again: the stored order, nothing new.
			want[rt.table] = 0
		default:
			t.Fatalf("%s answered %s", what, r)
		}
		fs.wantChanges(t, what, before, fs.rowCounts(t), want, may...)
		fs.wantBalanced(t)
	})
}

// wantBankAccountUpdated fails t unless the bank account at path now holds
// what an accepted PATCH body sent: its CSV mapping (compared as decoded,
// so that one column written as a string or a list is the same) and its
// match window.
func (fs *fuzzServer) wantBankAccountUpdated(t *testing.T, path string, body []byte) {
	t.Helper()
	var in bank.AccountInput
	if err := json.Unmarshal(body, &in); err != nil {
		t.Fatalf("accepted a body that does not decode: %v", err)
	}
	now := fs.request(t, "GET", path, nil)
	var got bank.AccountInput
	if err := json.Unmarshal(now.body, &struct {
		CSVMapping      **bank.CSVMapping `json:"csv_mapping"`
		MatchWindowDays **int             `json:"match_window_days"`
	}{&got.CSVMapping, &got.MatchWindowDays}); err != nil {
		t.Fatalf("GET %s: %v: %s", path, err, now.body)
	}
	if in.CSVMapping != nil {
		sent, _ := json.Marshal(in.CSVMapping)
		kept, _ := json.Marshal(got.CSVMapping)
		if !bytes.Equal(sent, kept) {
			t.Errorf("the mapping sent:\n%s\nthe mapping stored:\n%s", sent, kept)
		}
	}
	if in.MatchWindowDays != nil && (got.MatchWindowDays == nil || *got.MatchWindowDays != *in.MatchWindowDays) {
		t.Errorf("match_window_days sent %d, stored: %s", *in.MatchWindowDays, now.body)
	}
}

// maxMessage is the most bytes a problem's detail or an error's message
// may take: a message names a value, it does not echo the body (a quoted
// value is at most some 400 bytes, quote.Value).
const maxMessage = 1000

// wantShortMessages fails t when a problem's detail or one of its errors'
// messages is longer than maxMessage.
func wantShortMessages(t *testing.T, r *response) {
	t.Helper()
	if d, _ := r.obj["detail"].(string); len(d) > maxMessage {
		t.Fatalf("a detail of %d bytes: %.300s", len(d), d)
	}
	errs, _ := r.obj["errors"].([]any)
	for _, e := range errs {
		fe, _ := e.(map[string]any)
		if m, _ := fe["message"].(string); len(m) > maxMessage {
			t.Fatalf("an error message of %d bytes: %.300s", len(m), m)
		}
	}
}
