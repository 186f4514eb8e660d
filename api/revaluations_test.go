package api

import (
	"fmt"
	"strconv"
	"testing"

	"backoffice/ledger"
)

// seedRevaluations gives an entity a USD invoice and a revaluation of it,
// for the tenancy tests' fx-revaluations routes.
func (f *fixture) seedRevaluations(entity int64, key, customer string) map[string]string {
	base := ent(entity)
	inv := strconv.FormatInt(num(f.must(f.do("POST", base+"/invoices", key, `{"customer_id":`+customer+`,"issue_date":"2026-03-02",
		"currency":"USD","exchange_rate":"0.9","lines":[{"description":"Bread","quantity":"1","unit_price":"100.00","tax_code":"export"}]}`), 201).obj["id"]), 10)
	f.must(f.do("POST", base+"/invoices/"+inv+"/issue", key, nil), 200)
	rv := f.must(f.do("POST", base+"/fx-revaluations", key, `{"date":"2026-06-30","rates":{"USD":"0.95"}}`), 201)
	return map[string]string{"fx-revaluations|id": strconv.FormatInt(num(rv.obj["id"]), 10)}
}

// fxBooks is an entity with foreign-currency items on 2026-12-31, booked
// through the API:
//
//   - a USD bank account (ledger account 1015, USD only) opened on 01-15
//     with 1,000.00 USD at 0.95 (950.00 EUR);
//   - a USD invoice of 1,000.00 at 0.90 (900.00 EUR), of which 400.00 USD
//     was paid into the USD bank on 06-01 at 0.92 (368.00 EUR): the
//     allocation releases 400/1000 of 900.00 = 360.00 and posts a gain of
//     8.00; open 600.00 USD carried at 540.00;
//   - a GBP purchase invoice of 500.00 at 1.15 (575.00 EUR), of which
//     200.00 GBP was paid on 07-01 at 1.16 (232.00 EUR): released 200/500
//     of 575.00 = 230.00, a loss of 2.00; open 300.00 GBP carried at 345.00.
//
// The USD bank holds 1,000.00 + 400.00 = 1,400.00 USD carried at 950.00 +
// 368.00 = 1,318.00.
type fxBooks struct {
	*fixture
	entity            int64
	acct              string
	invoice, purchase int64
	bank              int64
}

func newFXBooks(t *testing.T) *fxBooks {
	f := newFixture(t)
	b := &fxBooks{fixture: f, entity: f.entity("Global Trade B.V.")}
	b.acct = f.key(ledger.RoleAccountant, b.entity)
	f.must(b.do("POST", b.path("/accounts"), b.acct, map[string]any{"code": "1015", "name": "Bank USD", "type": "asset", "currency": "USD"}), 201)
	b.bank = num(f.must(b.do("POST", b.path("/bank-accounts"), b.acct, map[string]any{"account": "1015", "name": "Chase USD",
		"iban": "GB29NWBK60161331926819", "currency": "USD"}), 201).obj["id"])
	f.must(b.do("POST", b.path("/entries"), b.acct, map[string]any{"date": "2026-01-15", "description": "Opening USD balance", "lines": []map[string]any{
		{"account": "1015", "debit": "1000.00", "currency": "USD", "exchange_rate": "0.95"},
		{"account": "2000", "credit": "950.00"}}}), 201)
	cust := num(f.must(b.do("POST", b.path("/customers"), b.acct, map[string]any{"name": "Acme Inc.", "currency": "USD"}), 201).obj["id"])
	b.invoice = num(f.must(b.do("POST", b.path("/invoices"), b.acct, map[string]any{"customer_id": cust, "issue_date": "2026-03-02",
		"currency": "USD", "exchange_rate": "0.9", "lines": []map[string]any{{"description": "Consulting", "quantity": "1", "unit_price": "1000.00", "tax_code": "export"}}}), 201).obj["id"])
	f.must(b.do("POST", b.path(fmt.Sprintf("/invoices/%d/issue", b.invoice)), b.acct, nil), 200)
	f.must(b.do("POST", b.path("/payments"), b.acct, map[string]any{"customer_id": cust, "date": "2026-06-01", "amount": "400.00",
		"currency": "USD", "exchange_rate": "0.92", "bank_account": "1015", "allocations": []map[string]any{{"invoice_id": b.invoice, "amount": "400.00"}}}), 201)
	sup := num(f.must(b.do("POST", b.path("/suppliers"), b.acct, map[string]any{"name": "London Supplies Ltd"}), 201).obj["id"])
	b.purchase = num(f.must(b.do("POST", b.path("/purchase-invoices"), b.acct, map[string]any{"supplier_id": sup, "supplier_invoice_number": "LS-1",
		"invoice_date": "2026-04-01", "currency": "GBP", "exchange_rate": "1.15", "book": true,
		"lines": []map[string]any{{"account": "4200", "amount": "500.00", "tax_code": "P-no-vat"}}}), 201).obj["id"])
	f.must(b.do("POST", b.path("/supplier-payments"), b.acct, map[string]any{"supplier_id": sup, "date": "2026-07-01", "amount": "200.00",
		"currency": "GBP", "exchange_rate": "1.16", "allocations": []map[string]any{{"purchase_invoice_id": b.purchase, "amount": "200.00"}}}), 201)
	return b
}

func (b *fxBooks) path(p string) string { return fmt.Sprintf("/v1/entities/%d%s", b.entity, p) }

var yearEnd = map[string]any{"date": "2026-12-31", "rates": map[string]any{"USD": "0.9123", "GBP": "1.17"}}

func with(base map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range base {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

// The year-end revaluation: every figure worked out by hand, the entry,
// its reversal the next day, the control accounts still at the open
// documents' booked amounts, and the record.
func TestFXRevaluation(t *testing.T) {
	t.Parallel()
	b := newFXBooks(t)

	// Worked out by hand (open x new rate - carrying):
	//   invoice   600.00 USD x 0.9123 =   547.38 - 540.00   = +7.38 (receivables up: gain)
	//   purchase  300.00 GBP x 1.17   =   351.00 - 345.00   = +6.00 (payables up: loss)
	//   bank    1,400.00 USD x 0.9123 = 1,277.22 - 1,318.00 = -40.78 (loss)
	//   result 7.38 - 6.00 - 40.78 = -39.40, a loss.
	type want struct{ book, kind, open, carrying, rate, revalued, diff string }
	wantLines := []want{
		{"receivables", "invoice", "600.00", "540.00", "0.9123", "547.38", "7.38"},
		{"payables", "invoice", "300.00", "345.00", "1.17", "351.00", "6.00"},
		{"bank", "bank_account", "1400.00", "1318.00", "0.9123", "1277.22", "-40.78"},
	}
	check := func(name string, v map[string]any) {
		t.Helper()
		lines := v["lines"].([]any)
		if len(lines) != len(wantLines) {
			t.Fatalf("%s: %d lines, want %d: %v", name, len(lines), len(wantLines), lines)
		}
		for i, w := range wantLines {
			l := lines[i].(map[string]any)
			got := want{l["book"].(string), l["kind"].(string), l["open"].(string), l["carrying"].(string), l["rate"].(string), l["revalued"].(string), l["difference"].(string)}
			if got != w {
				t.Errorf("%s: line %d = %+v, want %+v", name, i, got, w)
			}
		}
		ids := []int64{b.invoice, b.purchase, b.bank}
		for i, id := range ids {
			if got := num(lines[i].(map[string]any)["id"]); got != id {
				t.Errorf("%s: line %d is of %d, want %d", name, i, got, id)
			}
		}
		for k, w := range map[string]string{"receivables_difference": "7.38", "payables_difference": "6.00", "bank_difference": "-40.78", "result": "-39.40"} {
			if v[k] != w {
				t.Errorf("%s: %s = %v, want %s", name, k, v[k], w)
			}
		}
	}

	// Refusals first: nothing is written by any of them.
	wantProblem(t, b.do("POST", b.path("/fx-revaluations"), b.acct, map[string]any{"date": "2026-12-31", "rates": map[string]any{}}),
		422, "exchange_rate_required", "rates.GBP", "rates.USD")
	wantProblem(t, b.do("POST", b.path("/fx-revaluations"), b.acct, map[string]any{"date": "2026-12-31", "rates": map[string]any{"USD": "0.9123"}}),
		422, "exchange_rate_required", "rates.GBP")
	for _, bad := range []string{"-1", "0", "abc", "1e3", ""} {
		wantProblem(t, b.do("POST", b.path("/fx-revaluations"), b.acct, with(yearEnd, "rates", map[string]any{"USD": bad, "GBP": "1.17"})),
			422, "exchange_rate_invalid", "rates.USD")
	}
	wantProblem(t, b.do("POST", b.path("/fx-revaluations"), b.acct, with(yearEnd, "rates", map[string]any{"USD": "0.9", "GBP": "1.17", "EUR": "1"})),
		422, "exchange_rate_unused", "rates.EUR")
	wantProblem(t, b.do("POST", b.path("/fx-revaluations"), b.acct, with(yearEnd, "rates", map[string]any{"USD": "0.9", "GBP": "1.17", "XYZ": "1"})),
		422, "currency_invalid", "rates.XYZ")
	wantProblem(t, b.do("POST", b.path("/fx-revaluations"), b.acct, with(yearEnd, "result_account", "9999")), 422, "account_not_found", "result_account")
	wantProblem(t, b.do("POST", b.path("/fx-revaluations"), b.acct, with(yearEnd, "receivables_revaluation_account", "1610")),
		422, "account_type_invalid", "receivables_revaluation_account")
	wantProblem(t, b.do("POST", b.path("/fx-revaluations"), b.acct, with(yearEnd, "bank_revaluation_account", "1015")),
		422, "account_currency_mismatch", "bank_revaluation_account")
	wantProblem(t, b.do("POST", b.path("/fx-revaluations"), b.acct, map[string]any{"rates": map[string]any{"USD": "1"}}), 422, "field_required", "date")
	wantProblem(t, b.do("POST", b.path("/fx-revaluations"), b.acct, with(yearEnd, "date", "2026-02-30")), 422, "date_invalid", "date")
	if got := b.must(b.do("GET", b.path("/fx-revaluations"), b.acct, nil), 200).obj["data"].([]any); len(got) != 0 {
		t.Fatalf("refused revaluations were recorded: %v", got)
	}
	entriesBefore := len(b.must(b.do("GET", b.path("/entries?limit=200"), b.acct, nil), 200).obj["data"].([]any))

	// A dry run computes and posts nothing.
	dry := b.must(b.do("POST", b.path("/fx-revaluations"), b.acct, with(yearEnd, "dry_run", true)), 200).obj
	check("dry run", dry)
	if dry["posted"] != false || dry["entry_id"] != nil || dry["id"] != nil {
		t.Errorf("dry run: %v", dry)
	}
	if n := len(b.must(b.do("GET", b.path("/entries?limit=200"), b.acct, nil), 200).obj["data"].([]any)); n != entriesBefore {
		t.Fatalf("a dry run posted: %d entries, was %d", n, entriesBefore)
	}

	// The revaluation.
	r := b.must(b.do("POST", b.path("/fx-revaluations"), b.acct, yearEnd), 201)
	v := r.obj
	check("revaluation", v)
	if v["posted"] != true || v["date"] != "2026-12-31" || v["currency"] != "EUR" {
		t.Errorf("revaluation: %v", v)
	}
	id := num(v["id"])
	if loc := r.header.Get("Location"); loc != b.path(fmt.Sprintf("/fx-revaluations/%d", id)) {
		t.Errorf("Location = %q", loc)
	}
	accts := v["accounts"].(map[string]any)
	if accts["receivables_revaluation_account"] != "1110" || accts["payables_revaluation_account"] != "1610" ||
		accts["bank_revaluation_account"] != "1020" || accts["result_account"] != "8910" {
		t.Errorf("accounts: %v", accts)
	}

	// The entry, dated the year end: 1110 Dr 7.38, 1610 Cr 6.00, 1020
	// Cr 40.78, 8910 Dr 39.40 (debits 46.78 = credits 46.78).
	type line struct{ account, debit, credit string }
	entryLines := func(e map[string]any) []line {
		var out []line
		for _, l := range e["lines"].([]any) {
			m := l.(map[string]any)
			out = append(out, line{m["account"].(string), m["debit"].(string), m["credit"].(string)})
		}
		return out
	}
	entry := b.must(b.do("GET", b.path(fmt.Sprintf("/entries/%d", num(v["entry_id"]))), b.acct, nil), 200).obj
	wantEntry := []line{{"1110", "7.38", "0.00"}, {"1610", "0.00", "6.00"}, {"1020", "0.00", "40.78"}, {"8910", "39.40", "0.00"}}
	if got := entryLines(entry); fmt.Sprint(got) != fmt.Sprint(wantEntry) || entry["date"] != "2026-12-31" || entry["total"] != "46.78" {
		t.Errorf("entry: %v %v, want %v", entry["date"], got, wantEntry)
	}
	// The reversal, the next day: the same lines on the other side,
	// pointing at the entry.
	rev := b.must(b.do("GET", b.path(fmt.Sprintf("/entries/%d", num(v["reversal_entry_id"]))), b.acct, nil), 200).obj
	wantRev := []line{{"1110", "0.00", "7.38"}, {"1610", "6.00", "0.00"}, {"1020", "40.78", "0.00"}, {"8910", "0.00", "39.40"}}
	if got := entryLines(rev); fmt.Sprint(got) != fmt.Sprint(wantRev) || rev["date"] != "2027-01-01" || num(rev["reverses"]) != num(v["entry_id"]) {
		t.Errorf("reversal: %v reverses %v %v, want %v", rev["date"], rev["reverses"], got, wantRev)
	}
	if e := b.must(b.do("GET", b.path(fmt.Sprintf("/entries/%d", num(v["entry_id"]))), b.acct, nil), 200).obj; num(e["reversed_by"]) != num(v["reversal_entry_id"]) {
		t.Errorf("the entry's reversed_by = %v, want %v", e["reversed_by"], v["reversal_entry_id"])
	}

	// The control accounts still equal their open documents at the booked
	// rates: receivables 540.00, payables 345.00, the USD bank 1,318.00;
	// the revaluation accounts carry the differences on the year end and
	// nothing the next day.
	balance := func(code, asOf string) string {
		return b.must(b.do("GET", b.path("/accounts/"+code+"/balance?as_of="+asOf), b.acct, nil), 200).obj["balance"].(map[string]any)["balance"].(string)
	}
	for _, c := range []struct{ code, asOf, want string }{
		{"1100", "2026-12-31", "540.00"}, {"1600", "2026-12-31", "-345.00"}, {"1015", "2026-12-31", "1318.00"},
		{"1110", "2026-12-31", "7.38"}, {"1610", "2026-12-31", "-6.00"}, {"1020", "2026-12-31", "-40.78"}, {"8910", "2026-12-31", "39.40"},
		{"1110", "2027-01-01", "0.00"}, {"1610", "2027-01-01", "0.00"}, {"1020", "2027-01-01", "0.00"}, {"8910", "2027-01-01", "0.00"},
	} {
		if got := balance(c.code, c.asOf); got != c.want {
			t.Errorf("balance of %s on %s = %s, want %s", c.code, c.asOf, got, c.want)
		}
	}
	aged := b.must(b.do("GET", b.path("/reports/aged-receivables?as_of=2026-12-31"), b.acct, nil), 200).obj
	if aged["ledger_balance"] != "540.00" || aged["difference"] != "0.00" {
		t.Errorf("aged receivables: ledger %v, difference %v", aged["ledger_balance"], aged["difference"])
	}
	agedP := b.must(b.do("GET", b.path("/reports/aged-payables?as_of=2026-12-31"), b.acct, nil), 200).obj
	if agedP["ledger_balance"] != "345.00" || agedP["difference"] != "0.00" {
		t.Errorf("aged payables: ledger %v, difference %v", agedP["ledger_balance"], agedP["difference"])
	}

	// Recorded: listed and read back with the same figures; the date is
	// revalued once.
	got := b.must(b.do("GET", b.path(fmt.Sprintf("/fx-revaluations/%d", id)), b.acct, nil), 200).obj
	check("read back", got)
	if num(got["entry_id"]) != num(v["entry_id"]) || num(got["reversal_entry_id"]) != num(v["reversal_entry_id"]) || got["rates"].(map[string]any)["GBP"] != "1.17" {
		t.Errorf("read back: %v", got)
	}
	list := b.must(b.do("GET", b.path("/fx-revaluations"), b.acct, nil), 200).obj
	if data := list["data"].([]any); len(data) != 1 || num(data[0].(map[string]any)["id"]) != id || list["has_more"] != false {
		t.Errorf("list: %v", list)
	}
	wantProblem(t, b.do("POST", b.path("/fx-revaluations"), b.acct, yearEnd), 409, "fx_revaluation_exists")
	wantProblem(t, b.do("GET", b.path("/fx-revaluations/999999"), b.acct, nil), 404, "not_found")
	// A client reads no revaluations and posts none.
	client := b.key(ledger.RoleClient, b.entity)
	wantProblem(t, b.do("GET", b.path("/fx-revaluations"), client, nil), 403, "role_forbidden")

	// Locked periods: the lock date on 06-30 refuses a revaluation on it.
	b.must(b.do("PUT", b.path("/lock-date"), b.acct, map[string]any{"lock_date": "2026-06-30"}), 200)
	wantProblem(t, b.do("POST", b.path("/fx-revaluations"), b.acct, with(yearEnd, "date", "2026-06-30")), 422, "period_locked", "date")
	wantProblem(t, b.do("POST", b.path("/fx-revaluations"), b.acct, with(yearEnd, "date", "2026-03-31")), 422, "period_locked", "date")
}

// Open amounts are those of the date: on 05-31, before the payments, the
// whole invoice (1,000.00 USD, 900.00) and purchase (500.00 GBP, 575.00)
// are open and the bank holds only the opening 1,000.00 USD (950.00). At
// the booked rates of the documents only the bank differs: 1,000.00 x 0.9
// = 900.00 - 950.00 = -50.00, and the entry has no line for the books
// that do not. An entity with nothing in a foreign currency posts nothing
// (200, nothing recorded).
func TestFXRevaluationAsOfDateAndNothingToPost(t *testing.T) {
	t.Parallel()
	b := newFXBooks(t)
	v := b.must(b.do("POST", b.path("/fx-revaluations"), b.acct, map[string]any{"date": "2026-05-31", "rates": map[string]any{"USD": "0.9", "GBP": "1.15"}}), 201).obj
	lines := v["lines"].([]any)
	if len(lines) != 3 {
		t.Fatalf("lines: %v", lines)
	}
	for i, w := range []string{"1000.00|900.00|900.00|0.00", "500.00|575.00|575.00|0.00", "1000.00|950.00|900.00|-50.00"} {
		l := lines[i].(map[string]any)
		if got := fmt.Sprintf("%s|%s|%s|%s", l["open"], l["carrying"], l["revalued"], l["difference"]); got != w {
			t.Errorf("line %d: %s, want %s", i, got, w)
		}
	}
	if v["receivables_difference"] != "0.00" || v["payables_difference"] != "0.00" || v["bank_difference"] != "-50.00" || v["result"] != "-50.00" {
		t.Errorf("totals: %v", v)
	}
	entry := b.must(b.do("GET", b.path(fmt.Sprintf("/entries/%d", num(v["entry_id"]))), b.acct, nil), 200).obj
	var got []string
	for _, l := range entry["lines"].([]any) {
		m := l.(map[string]any)
		got = append(got, fmt.Sprintf("%s %s/%s", m["account"], m["debit"], m["credit"]))
	}
	if fmt.Sprint(got) != "[1020 0.00/50.00 8910 50.00/0.00]" || entry["date"] != "2026-05-31" {
		t.Errorf("entry on %v: %v", entry["date"], got)
	}
	rev := b.must(b.do("GET", b.path(fmt.Sprintf("/entries/%d", num(v["reversal_entry_id"]))), b.acct, nil), 200).obj
	if rev["date"] != "2026-06-01" {
		t.Errorf("reversal dated %v", rev["date"])
	}

	other := b.entity
	b.entity = b.fixture.entity("Local Only B.V.")
	acct := b.key(ledger.RoleAccountant, b.entity)
	nothing := b.must(b.do("POST", b.path("/fx-revaluations"), acct, map[string]any{"date": "2026-12-31", "rates": map[string]any{"USD": "1.1"}}), 200).obj
	if nothing["posted"] != false || nothing["entry_id"] != nil || nothing["reversal_entry_id"] != nil || len(nothing["lines"].([]any)) != 0 || nothing["result"] != "0.00" {
		t.Errorf("nothing to post: %v", nothing)
	}
	if data := b.must(b.do("GET", b.path("/fx-revaluations"), acct, nil), 200).obj["data"].([]any); len(data) != 0 {
		t.Errorf("nothing to post was recorded: %v", data)
	}
	// The other entity's revaluation is not this one's.
	wantProblem(t, b.do("GET", b.path(fmt.Sprintf("/fx-revaluations/%d", num(v["id"]))), acct, nil), 404, "not_found")
	_ = other
}
