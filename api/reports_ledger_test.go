package api

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"backoffice/ledger"
	"backoffice/ledger/reports"
)

// ledgerBooks is an entity with three entries over 2025 and 2026 (seven
// lines), an accountant, a client and an integration key of it, and a
// second entity.
type ledgerBooks struct {
	*fixture
	a, b                 int64
	acct, client, integr string
}

func newLedgerBooks(t *testing.T) *ledgerBooks {
	f := newFixture(t)
	lb := &ledgerBooks{fixture: f, a: f.entity("A"), b: f.entity("B")}
	lb.acct = f.key(ledger.RoleAccountant, lb.a)
	lb.client = f.key(ledger.RoleClient, lb.a)
	lb.integr = f.key(ledger.RoleIntegration, lb.a)
	f.post(lb.a, lb.acct, entryJSON("2025-02-01", "Invoice 1", dr("1100", "121.00"), cr("8000", "100.00"), cr("1700", "21.00")))
	f.post(lb.a, lb.acct, entryJSON("2025-03-01", "Rent", dr("4100", "50.00"), cr("1000", "50.00")))
	f.post(lb.a, lb.acct, entryJSON("2026-01-10", "Cash sale", dr("1000", "20.00"), cr("8000", "20.00")))
	f.post(lb.b, f.admin, entryJSON("2025-02-01", "B's rent", dr("4100", "70.00"), cr("1000", "70.00")))
	return lb
}

func (lb *ledgerBooks) get(path, key string, header ...string) *response {
	return lb.do("GET", ent(lb.a)+path, key, nil, header...)
}

// readCSV parses a CSV answer into records.
func readCSV(t *testing.T, r *response) [][]string {
	t.Helper()
	if r.status != 200 || r.header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("CSV answer: %d %q %s", r.status, r.header.Get("Content-Type"), r.body)
	}
	if !strings.HasPrefix(r.header.Get("Content-Disposition"), "attachment; filename=") {
		t.Errorf("Content-Disposition %q", r.header.Get("Content-Disposition"))
	}
	recs, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
	if err != nil {
		t.Fatalf("CSV: %v\n%s", err, r.body)
	}
	return recs
}

// Every ledger report answers as JSON, CSV (a header row of column keys,
// then its rows) and PDF, chosen by ?format= or Accept.
func TestLedgerReportFormats(t *testing.T) {
	t.Parallel()
	lb := newLedgerBooks(t)
	for _, c := range []struct {
		path   string
		header string
		rows   int // CSV records after the header
	}{
		{"/reports/trial-balance?as_of=2026-12-31", "account,name,type,debit,credit", 6},
		{"/reports/balance-sheet?as_of=2026-12-31&compare_to=2025-12-31", "section,account,name,amount,compare_amount", 11},
		{"/reports/income-statement?from=2025-01-01&to=2025-12-31&compare_from=2026-01-01&compare_to=2026-12-31", "section,account,name,amount,compare_amount", 5},
		// Per account: the opening row, its lines, the closing row.
		{"/reports/general-ledger?from=2025-01-01&to=2026-12-31", "account,account_name,date,entry,description,reference,debit,credit,balance", 7 + 2*5},
		{"/reports/general-ledger?account=1000&from=2025-01-01&to=2026-12-31", "account,account_name,date,entry,description,reference,debit,credit,balance", 2 + 2},
		{"/reports/journal?from=2025-01-01&to=2026-12-31", "date,entry,account,account_name,description,reference,debit,credit", 7 + 1},
	} {
		t.Run(c.path, func(t *testing.T) {
			js := lb.must(lb.get(c.path, lb.client), 200)
			if !strings.HasPrefix(js.header.Get("Content-Type"), "application/json") || js.obj == nil {
				t.Fatalf("JSON answer %q %s", js.header.Get("Content-Type"), js.body)
			}
			recs := readCSV(t, lb.get(c.path+"&format=csv", lb.client))
			if strings.Join(recs[0], ",") != c.header || len(recs)-1 != c.rows {
				t.Fatalf("CSV header %q and %d rows, want %q and %d:\n%s", recs[0], len(recs)-1, c.header, c.rows, lb.get(c.path+"&format=csv", lb.client).body)
			}
			if accepted := readCSV(t, lb.get(c.path, lb.client, "Accept", "text/csv")); len(accepted) != len(recs) {
				t.Errorf("Accept: text/csv gave %d records, ?format=csv %d", len(accepted), len(recs))
			}
			for _, lang := range []string{"nl", "en"} {
				pdf := lb.get(c.path+"&format=pdf&lang="+lang, lb.client)
				if pdf.status != 200 || pdf.header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(pdf.body, []byte("%PDF-")) {
					t.Fatalf("PDF answer: %d %q %.200s", pdf.status, pdf.header.Get("Content-Type"), pdf.body)
				}
			}
		})
	}
	// The journal's CSV lists the lines with their entry numbers, and its
	// total row the period's debits and credits.
	recs := readCSV(t, lb.get("/reports/journal?from=2025-01-01&to=2026-12-31&format=csv", lb.acct))
	if recs[1][1] != "2025-000001" || recs[1][2] != "1100" || recs[1][6] != "121.00" || strings.Join(recs[8][4:], ",") != "Total,,191.00,191.00" {
		t.Errorf("journal CSV:\n%q", recs)
	}
}

// Bad parameters are 422 problems naming the parameter, never 500.
func TestLedgerReportParams(t *testing.T) {
	t.Parallel()
	lb := newLedgerBooks(t)
	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for _, c := range []struct {
		path   string
		reason string
		params []string
	}{
		{"/reports/trial-balance?as_of=2025-13-01", "date_invalid", []string{"as_of"}},
		{"/reports/trial-balance?include_zero=yes", "bool_invalid", []string{"include_zero"}},
		{"/reports/trial-balance?format=xml", "format_invalid", []string{"format"}},
		{"/reports/balance-sheet?as_of=31-12-2025", "date_invalid", []string{"as_of"}},
		{"/reports/balance-sheet?compare_to=2025-02-30", "date_invalid", []string{"compare_to"}},
		{"/reports/balance-sheet?lang=de", "lang_invalid", []string{"lang"}},
		{"/reports/income-statement?from=2025-12-31&to=2025-01-01", "period_invalid", []string{"to"}},
		{"/reports/income-statement?from=x&to=y", "date_invalid", []string{"from", "to"}},
		{"/reports/income-statement?compare_from=2024-01-01", "field_required", []string{"compare_to"}},
		{"/reports/income-statement?compare_to=2024-01-01", "field_required", []string{"compare_from"}},
		{"/reports/income-statement?compare_from=2024-12-31&compare_to=2024-01-01", "period_invalid", []string{"compare_to"}},
		{"/reports/general-ledger?account=9999", "account_not_found", []string{"account"}},
		{"/reports/general-ledger?from=2026-01-02&to=2026-01-01", "period_invalid", []string{"to"}},
		{"/reports/general-ledger?limit=0", "limit_invalid", []string{"limit"}},
		{"/reports/general-ledger?limit=10001", "limit_invalid", []string{"limit"}},
		{"/reports/general-ledger?cursor=%25%25", "cursor_invalid", []string{"cursor"}},
		{"/reports/general-ledger?cursor=" + b64("a b"), "cursor_invalid", []string{"cursor"}},
		{"/reports/journal?to=1899-01-01", "date_invalid", []string{"to"}},
		{"/reports/journal?from=2026-01-02&to=2026-01-01", "period_invalid", []string{"to"}},
		{"/reports/journal?limit=1001", "limit_invalid", []string{"limit"}},
		{"/reports/journal?cursor=" + b64("2026"), "cursor_invalid", []string{"cursor"}},
	} {
		t.Run(c.path, func(t *testing.T) {
			wantProblem(t, lb.get(c.path, lb.client), 422, c.reason, c.params...)
		})
	}
}

// The JSON general ledger and journal page by cursor; the pages hold every
// line once.
func TestLedgerReportPages(t *testing.T) {
	t.Parallel()
	lb := newLedgerBooks(t)
	seen := map[string]bool{}
	next := "/reports/general-ledger?from=2025-01-01&to=2026-12-31&limit=2"
	for pages := 0; next != ""; pages++ {
		r := lb.must(lb.get(next, lb.client), 200)
		lines := 0
		for _, a := range r.obj["accounts"].([]any) {
			acc := a.(map[string]any)
			for _, l := range acc["lines"].([]any) {
				m := l.(map[string]any)
				k := fmt.Sprintf("%s %v %v", acc["code"], m["entry_id"], m["line_no"])
				if seen[k] {
					t.Fatalf("line %s on two pages", k)
				}
				seen[k] = true
				lines++
			}
		}
		if lines > 2 || pages > 10 {
			t.Fatalf("page %d has %d lines", pages, lines)
		}
		next = ""
		if r.obj["has_more"] == true {
			next = "/reports/general-ledger?from=2025-01-01&to=2026-12-31&limit=2&cursor=" + url.QueryEscape(r.obj["next_cursor"].(string))
		} else if r.obj["next_cursor"] != nil {
			t.Fatalf("last page has a cursor: %s", r.body)
		}
	}
	if len(seen) != 7 {
		t.Fatalf("pages hold %d lines, want 7", len(seen))
	}

	var numbers []string
	next = "/reports/journal?from=2025-01-01&to=2026-12-31&limit=1"
	for next != "" && len(numbers) < 10 {
		r := lb.must(lb.get(next, lb.client), 200)
		for _, e := range r.obj["entries"].([]any) {
			numbers = append(numbers, e.(map[string]any)["number"].(string))
		}
		next = ""
		if r.obj["has_more"] == true {
			next = "/reports/journal?from=2025-01-01&to=2026-12-31&limit=1&cursor=" + url.QueryEscape(r.obj["next_cursor"].(string))
		}
	}
	if strings.Join(numbers, " ") != "2025-000001 2025-000002 2026-000001" {
		t.Fatalf("journal pages: %v", numbers)
	}
}

// Clients read their own entity's reports and fiscal years, not another
// entity's (404, as if it did not exist); integrations read none (403);
// only staff close a year.
func TestLedgerReportAccess(t *testing.T) {
	t.Parallel()
	lb := newLedgerBooks(t)
	for _, p := range []string{"/reports/trial-balance", "/reports/balance-sheet", "/reports/income-statement",
		"/reports/general-ledger", "/reports/journal", "/fiscal-years"} {
		lb.must(lb.do("GET", ent(lb.a)+p, lb.client, nil), 200)
		wantProblem(t, lb.do("GET", ent(lb.b)+p, lb.client, nil), 404, "not_found")
		wantProblem(t, lb.do("GET", ent(lb.b)+p+"?format=csv", lb.client, nil), 404, "not_found")
		wantProblem(t, lb.do("GET", ent(lb.a)+p, lb.integr, nil), 403, "role_forbidden")
		wantProblem(t, lb.do("GET", ent(lb.b)+p, lb.acct, nil), 404, "not_found")
	}
	wantProblem(t, lb.do("POST", ent(lb.a)+"/fiscal-years/2025/close", lb.client, nil), 403, "role_forbidden")
	wantProblem(t, lb.do("POST", ent(lb.a)+"/fiscal-years/2025/close", lb.integr, nil), 403, "role_forbidden")
	wantProblem(t, lb.do("POST", ent(lb.b)+"/fiscal-years/2025/close", lb.acct, nil), 404, "not_found")
	lb.must(lb.do("GET", ent(lb.a)+"/fiscal-years", lb.client, nil), 200)
}

// Closing a year through the API: refusals name their field; the close
// answers with its entry, moves the lock date at once (the entity cache
// is dropped), is replayed under its Idempotency-Key and refused a second
// time; the reports show it.
func TestCloseFiscalYearAPI(t *testing.T) {
	t.Parallel()
	lb := newLedgerBooks(t)
	path := ent(lb.a) + "/fiscal-years/2025/close"
	wantProblem(t, lb.do("POST", path, lb.acct, `{"retained_earnings_account":"1000"}`), 422, "account_type_invalid", "retained_earnings_account")
	wantProblem(t, lb.do("POST", path, lb.acct, `{"retained_earnings_account":"9999"}`), 422, "account_not_found", "retained_earnings_account")
	wantProblem(t, lb.do("POST", path, lb.acct, `{"date":"2025-12-30"}`), 422, "closing_date_invalid", "date")
	wantProblem(t, lb.do("POST", path, lb.acct, `{"date":"31-12-2025"}`), 422, "date_invalid", "date")
	wantProblem(t, lb.do("POST", path, lb.acct, `{"year":2025}`), 422, "unknown_field", "year")
	wantProblem(t, lb.do("POST", path, lb.acct, `{`), 400, "json_malformed")
	wantProblem(t, lb.do("POST", ent(lb.a)+"/fiscal-years/abc/close", lb.acct, nil), 404, "not_found")
	wantProblem(t, lb.do("POST", ent(lb.a)+"/fiscal-years/9000/close", lb.acct, nil), 422, "year_not_ended")

	// Load the entity into the cache, then close.
	lb.must(lb.do("GET", ent(lb.a)+"/entries", lb.acct, nil), 200)
	r := lb.must(lb.do("POST", path, lb.acct, `{"retained_earnings_account":"2100","date":"2025-12-31"}`, "Idempotency-Key", "close-2025"), 201)
	ce, _ := r.obj["closing_entry"].(map[string]any)
	if r.obj["result"] != "50.00" || r.obj["lock_date"] != "2025-12-31" || r.obj["status"] != "closed" || ce == nil ||
		ce["number"] != "2025-000003" || ce["date"] != "2025-12-31" || len(ce["lines"].([]any)) != 3 {
		t.Fatalf("close: %s", r.body)
	}
	if loc := r.header.Get("Location"); loc != fmt.Sprintf("%s/entries/%d", ent(lb.a), num(ce["id"])) {
		t.Errorf("Location %q", loc)
	}
	replay := lb.do("POST", path, lb.acct, `{"retained_earnings_account":"2100","date":"2025-12-31"}`, "Idempotency-Key", "close-2025")
	if replay.status != 201 || !bytes.Equal(replay.body, r.body) || replay.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay: %s", replay)
	}
	again := lb.do("POST", path, lb.acct, nil)
	wantProblem(t, again, 409, "fiscal_year_closed")
	if num(again.obj["closing_entry_id"]) != num(ce["id"]) {
		t.Errorf("409 names closing entry %v, want %v", again.obj["closing_entry_id"], ce["id"])
	}
	// The lock date holds at once.
	wantProblem(t, lb.do("POST", ent(lb.a)+"/entries", lb.acct, entryJSON("2025-06-01", "late", dr("4100", "1.00"), cr("1000", "1.00"))), 422, "period_locked", "date")

	years := lb.must(lb.do("GET", ent(lb.a)+"/fiscal-years", lb.client, nil), 200).obj["data"].([]any)
	y25, y26 := years[0].(map[string]any), years[1].(map[string]any)
	if len(years) != 2 || y25["status"] != "closed" || num(y25["closing_entry_id"]) != num(ce["id"]) || y25["result"] != "50.00" ||
		num(y25["entries"]) != 3 || y26["status"] != "open" || y26["result"] != "20.00" {
		t.Fatalf("fiscal years: %v", years)
	}
	is := lb.must(lb.get("/reports/income-statement?from=2025-01-01&to=2025-12-31", lb.client), 200)
	if is.obj["result"] != "50.00" {
		t.Errorf("2025 result after the close: %v", is.obj["result"])
	}
	bs := lb.must(lb.get("/reports/balance-sheet?as_of=2026-01-01", lb.client), 200)
	le := bs.obj["liabilities_and_equity"].(map[string]any)
	eq := le["groups"].([]any)[1].(map[string]any)
	res := eq["result"].(map[string]any)
	re := eq["accounts"].([]any)[0].(map[string]any)
	if re["code"] != "2100" || re["amount"] != "50.00" || res["current_year"] != "0.00" || res["earlier_years"] != "0.00" ||
		bs.obj["assets"].(map[string]any)["total"] != le["total"] {
		t.Errorf("balance sheet 2026-01-01: %s", bs.body)
	}
}

// A streamed table that is to be a PDF stops with a 422 past its limit;
// CSV is not limited.
func TestPDFLimit(t *testing.T) {
	rows := func(yield func(reports.Row, error) bool) {
		for i := range 5 {
			if !yield(reports.Row{Cells: []string{fmt.Sprint(i)}}, nil) {
				return
			}
		}
	}
	count := func(tb *reports.Table) (n int, err error) {
		for _, e := range tb.Stream {
			if e != nil {
				return n, e
			}
			n++
		}
		return n, nil
	}
	n, err := count(pdfLimited(&reports.Table{Stream: rows}, formatPDF, 3))
	var le *ledger.Error
	if n != 3 || !errors.As(err, &le) || le.Reason != "report_too_large" || le.Fields[0].Path != "format" {
		t.Errorf("PDF limit: %d rows, %v", n, err)
	}
	if n, err := count(pdfLimited(&reports.Table{Stream: rows}, formatCSV, 3)); n != 5 || err != nil {
		t.Errorf("CSV: %d rows, %v", n, err)
	}
	if n, err := count(pdfLimited(&reports.Table{Stream: rows}, formatPDF, 5)); n != 5 || err != nil {
		t.Errorf("PDF at the limit: %d rows, %v", n, err)
	}
}
