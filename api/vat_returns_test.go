package api

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"backoffice/invoicing/pdf/pdftest"
	"backoffice/ledger"
)

// vatBooks is a Dutch trading company, quarterly VAT returns, complete for
// issuing (address, KvK, VAT id, IBAN), with customers in the Netherlands,
// Belgium, Germany (a business and a consumer) and the United States, a
// supplier, and a 13 % tax code for box 1c.
type vatBooks struct {
	*fixture
	t        *testing.T
	e        int64
	base     string
	acct     string
	cust     map[string]string
	supplier string
	seq      int
}

func newVATBooks(t *testing.T) *vatBooks {
	f := newFixture(t)
	b := &vatBooks{fixture: f, t: t, e: f.entity("Handel BV"), cust: map[string]string{}}
	b.base = ent(b.e)
	b.acct = f.key(ledger.RoleAccountant, b.e)
	f.must(f.do("PATCH", b.base, b.acct, map[string]any{"vat_number": "NL000099998B57", "vat_tax_number": "NL000099998B57", "registration_id": "12345678",
		"address": map[string]any{"lines": []string{"Dorpsstraat 1"}, "postcode": "1234 AB", "city": "Utrecht", "country": "NL"}}), 200)
	f.must(f.do("PATCH", b.base+"/invoicing-settings", b.acct, `{"iban":"NL91ABNA0417164300"}`), 200)
	for key, c := range map[string][5]string{
		"nl": {"Bouw BV", "NL004495445B01", "NL", "business", "Utrecht"},
		"be": {"Brussel NV", "BE0403170701", "BE", "business", "Brussel"},
		"de": {"Berlin GmbH", "DE136695976", "DE", "business", "Berlin"},
		"dc": {"Hans Müller", "", "DE", "consumer", "Köln"},
		"us": {"Acme Inc.", "", "US", "business", "Boston"},
	} {
		body := map[string]any{"name": c[0], "payment_terms_days": 14,
			"address": map[string]any{"lines": []string{"Street 1"}, "postcode": "1000", "city": c[4], "country": c[2]}}
		if c[1] != "" {
			body["vat_number"] = c[1]
		}
		b.cust[key] = id(f.must(f.do("POST", b.base+"/customers", b.acct, body), 201).obj["id"])
	}
	f.must(f.do("POST", b.base+"/tax-codes", b.acct, `{"code":"X13","description":"Ander tarief 13%","rate":"13","kind":"other_rate","account":"1700"}`), 201)
	b.supplier = id(f.must(f.do("POST", b.base+"/suppliers", b.acct, `{"name":"Leverancier BV","payment_terms_days":30}`), 201).obj["id"])
	return b
}

// sale issues an invoice of one line per amount@code on date.
func (b *vatBooks) sale(date, customer string, lines ...string) map[string]any {
	b.t.Helper()
	var ls []map[string]any
	for _, l := range lines {
		amount, code, _ := strings.Cut(l, "@")
		ls = append(ls, map[string]any{"description": "Goods " + code, "quantity": "1", "unit_price": amount, "tax_code": code})
	}
	inv := b.must(b.do("POST", b.base+"/invoices", b.acct, map[string]any{"customer_id": mustInt(customer), "issue_date": date, "lines": ls}), 201).obj
	return b.must(b.do("POST", b.base+"/invoices/"+id(inv["id"])+"/issue", b.acct, nil), 200).obj
}

// buy books a purchase invoice of one line per account:amount@code on its
// VAT date.
func (b *vatBooks) buy(vatDate string, lines ...string) *response {
	b.t.Helper()
	b.seq++
	var ls []map[string]any
	for _, l := range lines {
		rest, code, _ := strings.Cut(l, "@")
		account, amount, _ := strings.Cut(rest, ":")
		ls = append(ls, map[string]any{"description": "Purchase", "account": account, "amount": amount, "tax_code": code})
	}
	return b.do("POST", b.base+"/purchase-invoices", b.acct, map[string]any{"supplier_id": mustInt(b.supplier),
		"supplier_invoice_number": fmt.Sprintf("L-%d", b.seq), "invoice_date": vatDate, "vat_date": vatDate, "lines": ls, "book": true})
}

func (b *vatBooks) vatReturn(period string) map[string]any {
	b.t.Helper()
	return b.must(b.do("GET", b.base+"/vat-returns/"+period, b.acct, nil), 200).obj
}

// boxes is a return's lines as "box turnover/vat (exact turnover/exact vat)".
func boxes(r map[string]any) map[string]string {
	out := map[string]string{}
	s := func(v any) string {
		if v == nil {
			return "-"
		}
		return v.(string)
	}
	for _, l := range r["lines"].([]any) {
		l := l.(map[string]any)
		out[l["box"].(string)] = s(l["turnover"]) + "/" + s(l["vat"]) + " (" + s(l["turnover_exact"]) + "/" + s(l["vat_exact"]) + ")"
	}
	return out
}

func wantBoxes(t *testing.T, what string, r map[string]any, want map[string]string) {
	t.Helper()
	got := boxes(r)
	for box, w := range want {
		if got[box] != w {
			t.Errorf("%s box %s: %s, want %s", what, box, got[box], w)
		}
	}
	if len(got) != 14 {
		t.Errorf("%s: %d lines, want 14 (1a-1e, 2a, 3a-3c, 4a, 4b, 5a-5c): %v", what, len(got), got)
	}
}

// zero is a box with nothing in it.
const zeroTV, zeroT = "0.00/0.00 (0.00/0.00)", "0.00/- (0.00/-)"

// TestVATReturnYear: a year (2025, every quarter of it ended) of a
// trading company's transactions in which
// every box of the return is used, the expected returns worked out by
// hand below; the first quarter filed with its settlement entry, a late
// invoice corrected in the next return (under 1,000 euros of VAT), a
// larger one flagged for and settled by a supplementary return, a quarter
// to reclaim, rounding both ways, box 1d adjustments, and every refusal.
func TestVATReturnYear(t *testing.T) {
	t.Parallel()
	b := newVATBooks(t)

	// ---- Q1 2025: every box.
	// 1a: 1,000.55 at 21 % = 210.1155 -> 210.12. 1b: 200.40 at 9 % = 18.036 -> 18.04.
	b.sale("2025-01-15", b.cust["nl"], "1000.55@21", "200.40@9")
	// 1c: 100.10 at 13 % = 13.013 -> 13.01.
	b.sale("2025-02-10", b.cust["nl"], "100.10@X13")
	// 1e: 500.35 at 0 %, 800.00 domestic reverse charge, 300.00 services outside the EU = 1,600.35.
	b.sale("2025-02-20", b.cust["nl"], "500.35@0")
	b.sale("2025-03-05", b.cust["nl"], "800.00@reverse-charge")
	b.sale("2025-03-10", b.cust["us"], "300.00@non-eu-services")
	// 3a: export 2,000.00. 3b: goods 1,500.00 + services 400.00 + triangular 250.00 = 2,150.00. 3c: 600.00.
	b.sale("2025-03-12", b.cust["us"], "2000.00@export")
	b.sale("2025-03-15", b.cust["be"], "1500.00@intra-eu")
	b.sale("2025-03-16", b.cust["de"], "400.00@intra-eu-services", "250.00@intra-eu-triangular")
	b.sale("2025-03-18", b.cust["dc"], "600.00@distance-sales")
	// Exempt: on no box.
	b.sale("2025-03-20", b.cust["nl"], "100.00@exempt")
	// Purchases. 5b: 105.07 (500.35 at 21 % = 105.0735) + 9.00 + 210.00 (2a) + 420.00 (4b) + 63.00 (4a) + 50.00 (import VAT) = 857.07.
	b.must(b.buy("2025-01-20", "4200:500.35@P21"), 201)
	b.must(b.buy("2025-02-15", "4200:100.00@P9"), 201)
	b.must(b.buy("2025-02-25", "4200:1000.00@P-rc-nl"), 201)          // 2a: 1,000.00, VAT 210.00
	b.must(b.buy("2025-03-03", "7000:2000.00@P-eu-goods"), 201)       // 4b: 2,000.00, VAT 420.00
	b.must(b.buy("2025-03-04", "4500:300.00@P-non-eu-services"), 201) // 4a: 300.00, VAT 63.00
	b.must(b.buy("2025-03-06", "4200:50.00@P-import-vat"), 201)       // 5b only
	// 1d: private use of the car, 523.81 with 110.00 VAT.
	adj := b.must(b.do("POST", b.base+"/vat-adjustments", b.acct, map[string]any{"period": "2025-Q1", "base": "523.81", "vat": "110.00",
		"reason": "Privégebruik auto", "account": "4300"}), 201).obj
	if adj["period"] != "2025-Q1" || adj["to"] != "2025-03-31" || adj["vat_account"] != "1700" {
		t.Fatalf("adjustment: %v", adj)
	}
	wantEntry(b.fixture, b.t, b.base, b.acct, adj["entry_id"], map[string]string{"4300 D": "110.00", "1700 C": "110.00"})

	q1 := b.vatReturn("2025-Q1")
	// Boxes 1 to 4 rounded down, 5b up; 5a = 210 + 18 + 13 + 110 + 210 + 63 + 420 = 1,044
	// (exact 1,044.17); 5b 858 (857.07); 5c 1,044 - 858 = 186 (exact 187.10).
	wantBoxes(t, "Q1", q1, map[string]string{
		"1a": "1000.00/210.00 (1000.55/210.12)", "1b": "200.00/18.00 (200.40/18.04)", "1c": "100.00/13.00 (100.10/13.01)",
		"1d": "523.00/110.00 (523.81/110.00)", "1e": "1600.00/- (1600.35/-)", "2a": "1000.00/210.00 (1000.00/210.00)",
		"3a": "2000.00/- (2000.00/-)", "3b": "2150.00/- (2150.00/-)", "3c": "600.00/- (600.00/-)",
		"4a": "300.00/63.00 (300.00/63.00)", "4b": "2000.00/420.00 (2000.00/420.00)",
		"5a": "-/1044.00 (-/1044.17)", "5b": "-/858.00 (-/857.07)", "5c": "-/186.00 (-/187.10)",
	})
	if q1["status"] != "open" || q1["result"] != "pay" || q1["total"] != "186.00" || q1["rounding"] != "1.10" || q1["from"] != "2025-01-01" ||
		q1["to"] != "2025-03-31" || q1["vat_tax_number"] != "NL000099998B57" || q1["filing"] != nil {
		t.Fatalf("Q1: %v", q1)
	}

	// CSV and PDF in the form's layout, both languages.
	csv := b.must(b.do("GET", b.base+"/vat-returns/2025-Q1?format=csv&lang=nl", b.acct, nil), 200)
	if h := firstLine(csv.body); h != "section,box,description,turnover,vat,turnover_exact,vat_exact" ||
		!strings.Contains(string(csv.body), "1 Prestaties binnenland,1a,Leveringen/diensten belast met hoog tarief,1000.00,210.00,1000.55,210.12\r\n") ||
		!strings.Contains(string(csv.body), "5 Voorbelasting en totaal,5b,Voorbelasting,,858.00,,857.07\r\n") {
		t.Fatalf("csv:\n%s", csv.body)
	}
	pdfEN := b.do("GET", b.base+"/vat-returns/2025-Q1?format=pdf&lang=en", b.acct, nil)
	wantPDF(t, pdfEN, "vat-return-2025-Q1.pdf")
	text := pdftest.Text(t, pdfEN.body)
	for _, s := range []string{"VAT return", "Supplies/services taxed at the standard rate", "Total to pay", "NL000099998B57"} {
		if !strings.Contains(text, s) {
			t.Errorf("PDF (en) lacks %q:\n%s", s, text)
		}
	}
	pdfNL := b.do("GET", b.base+"/vat-returns/2025-Q1?format=pdf&lang=nl", b.acct, nil)
	wantPDF(t, pdfNL, "vat-return-2025-Q1.pdf")
	if text := pdftest.Text(t, pdfNL.body); !strings.Contains(text, "Aangifte omzetbelasting") || !strings.Contains(text, "Privégebruik") {
		t.Errorf("PDF (nl):\n%s", text)
	}

	// ---- refusals that write nothing.
	before := b.snapshot(b.e)
	for _, p := range []string{"2025-03", "2025", "2025-Q5", "Q1-2025", "26-Q1"} {
		wantProblem(t, b.do("GET", b.base+"/vat-returns/"+p, b.acct, nil), 422, "vat_return_period_invalid", "period")
		wantProblem(t, b.do("POST", b.base+"/vat-returns/"+p+"/file", b.acct, nil), 422, "vat_return_period_invalid", "period")
	}
	wantProblem(t, b.do("POST", b.base+"/vat-returns/2025-Q1/file", b.acct, `{"settlement_account":"9999"}`), 422, "account_not_found", "settlement_account")
	wantProblem(t, b.do("POST", b.base+"/vat-returns/2025-Q1/file", b.acct, `{"rounding_account":"nope"}`), 422, "account_not_found", "rounding_account")
	wantProblem(t, b.do("POST", b.base+"/vat-returns/2025-Q1/supplementary", b.acct, nil), 409, "vat_return_not_filed")
	wantProblem(t, b.do("POST", b.base+"/vat-adjustments", b.acct, map[string]any{"period": "2025-05", "base": "1.00", "vat": "0", "account": "4300"}),
		422, "vat_return_period_invalid", "period")
	r := b.do("POST", b.base+"/vat-adjustments", b.acct, map[string]any{"period": "2025-Q2", "base": "x", "vat": "0.00", "account": "4300"})
	wantProblem(t, r, 422, "amount_invalid", "base", "vat")
	wantProblem(t, r, 422, "amount_invalid")
	if errs := r.obj["errors"].([]any); len(errs) != 3 || errs[2].(map[string]any)["path"] != "reason" {
		t.Errorf("adjustment problems: %s", r)
	}
	wantProblem(t, b.do("POST", b.base+"/vat-adjustments", b.acct, map[string]any{"period": "2025-Q2", "base": "1", "vat": "0.211", "reason": "x", "account": "4300"}),
		422, "amount_too_precise", "vat")
	wantProblem(t, b.do("POST", b.base+"/vat-adjustments", b.acct, map[string]any{"period": "2025-Q2", "base": "1", "vat": "1", "reason": "x", "account": "4301"}),
		422, "account_not_found", "account")
	if after := b.snapshot(b.e); after != before {
		t.Fatalf("refused requests wrote:\n%s\n%s", before, after)
	}

	// ---- filing Q1: frozen, the settlement entry on 31 March, the VAT accounts emptied.
	filed := b.must(b.do("POST", b.base+"/vat-returns/2025-Q1/file", b.acct, nil), 201)
	if filed.header.Get("Location") != b.base+"/vat-returns/2025-Q1" {
		t.Errorf("Location %q", filed.header.Get("Location"))
	}
	f1 := filed.obj["filing"].(map[string]any)
	if filed.obj["status"] != "filed" || f1["settlement_account"] != "1750" || f1["rounding_account"] != "4900" || f1["total"] != "186.00" ||
		f1["rounding"] != "1.10" || f1["kind"] != "return" || f1["filed_at"] == nil || num(f1["filed_by"]) == 0 {
		t.Fatalf("filed: %v", filed.obj)
	}
	wantBoxes(t, "Q1 as filed", filed.obj, map[string]string{"5c": "-/186.00 (-/187.10)", "1d": "523.00/110.00 (523.81/110.00)"})
	// 1700: 210.12 + 18.04 + 13.01 (sales) + 110.00 (1d) + 210.00 + 420.00 + 63.00 (reverse charge) = 1,044.17;
	// 1200: 857.07; 1750: the rounded 186.00; 4900: the rounding, 1.10.
	entry := b.must(b.do("GET", b.base+"/entries/"+id(f1["entry_id"]), b.acct, nil), 200).obj
	if entry["date"] != "2025-03-31" || entry["reference"] != "VAT-2025-Q1" {
		t.Errorf("settlement entry: %v", entry)
	}
	wantEntry(b.fixture, t, b.base, b.acct, f1["entry_id"], map[string]string{"1700 D": "1044.17", "1200 C": "857.07", "1750 C": "186.00", "4900 C": "1.10"})
	// (balances are debits less credits: 1750 owes 186.00 to the tax office)
	for acc, want := range map[string]string{"1700": "0.00", "1200": "0.00", "1750": "-186.00"} {
		bal := b.must(b.do("GET", b.base+"/accounts/"+acc+"/balance?as_of=2025-03-31", b.acct, nil), 200).obj["balance"].(map[string]any)["balance"]
		if bal != want {
			t.Errorf("account %s on 31 March: %v, want %s", acc, bal, want)
		}
	}
	// The settlement entry is the return's: not reversed through the journal.
	wantProblem(t, b.do("POST", b.base+"/entries/"+id(f1["entry_id"])+"/reverse", b.acct, nil), 409, "entry_owned")
	wantProblem(t, b.do("POST", b.base+"/entries/"+id(adj["entry_id"])+"/reverse", b.acct, nil), 409, "entry_owned")
	list := b.must(b.do("GET", b.base+"/vat-returns", b.acct, nil), 200).obj["data"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["period"] != "2025-Q1" {
		t.Errorf("list: %v", list)
	}

	// Twice, out of order, a purchase into the filed quarter, deleting its adjustment: refused.
	before = b.snapshot(b.e)
	wantProblem(t, b.do("POST", b.base+"/vat-returns/2025-Q1/file", b.acct, nil), 409, "vat_return_filed")
	wantProblem(t, b.do("POST", b.base+"/vat-returns/2025-Q3/file", b.acct, nil), 409, "vat_return_out_of_order")
	wantProblem(t, b.do("POST", b.base+"/vat-returns/2024-Q4/file", b.acct, nil), 409, "vat_return_out_of_order")
	wantProblem(t, b.buy("2025-03-30", "4200:10.00@P21"), 422, "vat_period_filed", "vat_date")
	wantProblem(t, b.do("DELETE", b.base+"/vat-adjustments/"+id(adj["id"]), b.acct, nil), 409, "vat_adjustment_filed")
	wantProblem(t, b.do("POST", b.base+"/vat-returns/2025-Q1/supplementary", b.acct, nil), 409, "vat_return_no_difference")
	if after := b.snapshot(b.e); after != before {
		t.Fatalf("refused requests wrote:\n%s\n%s", before, after)
	}

	// ---- Q2: a late invoice into Q1 (500.00 at 21 % = 105.00 VAT: under 1,000 euros) goes into Q2's return.
	b.sale("2025-03-25", b.cust["nl"], "500.00@21")
	b.sale("2025-04-10", b.cust["nl"], "2000.00@21")     // 420.00
	b.must(b.buy("2025-05-05", "4200:1000.00@P21"), 201) // 210.00
	// A 1d adjustment entered and deleted while Q2 is open: its entry is reversed.
	gone := b.must(b.do("POST", b.base+"/vat-adjustments", b.acct, map[string]any{"period": "2025-Q2", "base": "-100.00", "vat": "-21.00",
		"reason": "Correctie", "account": "4300", "vat_account": "1700"}), 201).obj
	wantEntry(b.fixture, t, b.base, b.acct, gone["entry_id"], map[string]string{"1700 D": "21.00", "4300 C": "21.00"})
	b.must(b.do("DELETE", b.base+"/vat-adjustments/"+id(gone["id"]), b.acct, nil), 204)
	if adjs := b.must(b.do("GET", b.base+"/vat-adjustments", b.acct, nil), 200).obj["data"].([]any); len(adjs) != 1 {
		t.Errorf("adjustments: %v", adjs)
	}
	q1now := b.vatReturn("2025-Q1")
	diff := q1now["difference"].(map[string]any)
	if q1now["status"] != "filed" || diff["vat"] != "105.00" || diff["period"] != "2025-Q1" || fmt.Sprint(diff["boxes"]) != "[map[box:1a turnover:500.00 vat:105.00]]" {
		t.Fatalf("Q1 with its difference: %v", q1now)
	}
	q2 := b.vatReturn("2025-Q2")
	// 1a: 2,000.00 + 500.00 (Q1's correction) = 2,500.00, VAT 525.00; 5b 210.00; 5c 315.00.
	wantBoxes(t, "Q2", q2, map[string]string{"1a": "2500.00/525.00 (2500.00/525.00)", "1d": zeroTV, "3b": zeroT,
		"5a": "-/525.00 (-/525.00)", "5b": "-/210.00 (-/210.00)", "5c": "-/315.00 (-/315.00)"})
	cs := q2["corrections"].([]any)
	if len(cs) != 1 || cs[0].(map[string]any)["period"] != "2025-Q1" || cs[0].(map[string]any)["vat"] != "105.00" || len(q2["supplementary_required"].([]any)) != 0 {
		t.Fatalf("Q2 corrections: %v / %v", cs, q2["supplementary_required"])
	}
	f2 := b.must(b.do("POST", b.base+"/vat-returns/2025-Q2/file", b.acct, `{"settlement_account":"1750","rounding_account":"4900"}`), 201).obj
	wantEntry(b.fixture, t, b.base, b.acct, f2["filing"].(map[string]any)["entry_id"], map[string]string{"1700 D": "525.00", "1200 C": "210.00", "1750 C": "315.00"})
	// Settled by Q2: Q1 differs no more; Q2 keeps the correction it took in.
	if q1now = b.vatReturn("2025-Q1"); q1now["difference"] != nil {
		t.Errorf("Q1 after Q2 is filed: %v", q1now["difference"])
	}
	if q2 = b.vatReturn("2025-Q2"); len(q2["corrections"].([]any)) != 1 || q2["total"] != "315.00" {
		t.Errorf("Q2 as filed: %v", q2)
	}

	// ---- Q3: a late invoice into Q2 of 10,000.00 at 21 % (2,100.00 VAT, over 1,000 euros): a supplementary return.
	b.sale("2025-06-20", b.cust["nl"], "10000.00@21")
	b.sale("2025-07-15", b.cust["nl"], "100.00@21") // 21.00
	q3 := b.vatReturn("2025-Q3")
	wantBoxes(t, "Q3", q3, map[string]string{"1a": "100.00/21.00 (100.00/21.00)", "5c": "-/21.00 (-/21.00)"})
	sr := q3["supplementary_required"].([]any)
	if len(q3["corrections"].([]any)) != 0 || len(sr) != 1 {
		t.Fatalf("Q3: %v", q3)
	}
	if y := sr[0].(map[string]any); num(y["year"]) != 2025 || y["vat"] != "2100.00" || num(y["last_year"]) != 2030 ||
		fmt.Sprint(y["corrections"].([]any)[0].(map[string]any)["boxes"]) != "[map[box:1a turnover:10000.00 vat:2100.00]]" {
		t.Fatalf("supplementary required: %v", y)
	}
	wantProblem(t, b.do("POST", b.base+"/vat-returns/2025-Q2/supplementary", b.acct, `{"date":"2025-02-30"}`), 422, "date_invalid", "date")
	wantProblem(t, b.do("POST", b.base+"/vat-returns/2019-Q2/supplementary", b.acct, `{"date":"2025-08-10"}`), 422, "vat_correction_too_old")
	sup := b.must(b.do("POST", b.base+"/vat-returns/2025-Q2/supplementary", b.acct, `{"date":"2025-08-10"}`), 201).obj
	sf := sup["filing"].(map[string]any)
	wantBoxes(t, "supplementary Q2", sup, map[string]string{"1a": "10000.00/2100.00 (10000.00/2100.00)", "5c": "-/2100.00 (-/2100.00)"})
	if sf["kind"] != "supplementary" || sf["total"] != "2100.00" {
		t.Fatalf("supplementary: %v", sup)
	}
	se := b.must(b.do("GET", b.base+"/entries/"+id(sf["entry_id"]), b.acct, nil), 200).obj
	if se["date"] != "2025-08-10" {
		t.Errorf("supplementary entry dated %v", se["date"])
	}
	wantEntry(b.fixture, t, b.base, b.acct, sf["entry_id"], map[string]string{"1700 D": "2100.00", "1750 C": "2100.00"})
	wantProblem(t, b.do("POST", b.base+"/vat-returns/2025-Q2/supplementary", b.acct, `{"date":"2025-08-10"}`), 409, "vat_return_no_difference")
	if q3 = b.vatReturn("2025-Q3"); len(q3["supplementary_required"].([]any)) != 0 || q3["total"] != "21.00" {
		t.Errorf("Q3 after the supplementary return: %v", q3)
	}
	if q2 = b.vatReturn("2025-Q2"); q2["difference"] != nil || len(q2["supplementary_returns"].([]any)) != 1 {
		t.Errorf("Q2 after the supplementary return: %v", q2)
	}
	b.must(b.do("POST", b.base+"/vat-returns/2025-Q3/file", b.acct, nil), 201)

	// ---- Q4: to reclaim, rounded the other way: 1b 99.99 at 9 % = 8.9991 -> 9.00;
	// 5b 5,000.03 at 21 % = 1,050.0063 -> 1,050.01, rounded up to 1,051.
	b.sale("2025-11-01", b.cust["nl"], "99.99@9")
	b.must(b.buy("2025-10-05", "1500:5000.03@P21"), 201)
	q4 := b.vatReturn("2025-Q4")
	// 5c 9 - 1,051 = -1,042 (exact 9.00 - 1,050.01 = -1,041.01): 0.99 rounding.
	wantBoxes(t, "Q4", q4, map[string]string{"1b": "99.00/9.00 (99.99/9.00)", "5a": "-/9.00 (-/9.00)", "5b": "-/1051.00 (-/1050.01)",
		"5c": "-/-1042.00 (-/-1041.01)"})
	if q4["result"] != "reclaim" || q4["total"] != "-1042.00" || q4["rounding"] != "0.99" {
		t.Fatalf("Q4: %v", q4)
	}
	f4 := b.must(b.do("POST", b.base+"/vat-returns/2025-Q4/file", b.acct, nil), 201).obj["filing"].(map[string]any)
	wantEntry(b.fixture, t, b.base, b.acct, f4["entry_id"], map[string]string{"1700 D": "9.00", "1200 C": "1050.01", "1750 D": "1042.00", "4900 C": "0.99"})
	if text := pdftest.Text(t, b.do("GET", b.base+"/vat-returns/2025-Q4?format=pdf&lang=nl", b.acct, nil).body); !strings.Contains(text, "Totaal terug te vragen") {
		t.Errorf("Q4 PDF:\n%s", text)
	}
	if list = b.must(b.do("GET", b.base+"/vat-returns?limit=2", b.acct, nil), 200).obj["data"].([]any); len(list) != 2 {
		t.Errorf("list page: %v", list)
	}

	// verify recomputes the VAT totals from the documents: nothing wrong;
	// a total changed behind the service's back is a breach.
	rep, err := b.st.Verify(t.Context())
	if err != nil || len(rep.Breaches) > 0 {
		t.Fatalf("verify: %+v %v", rep, err)
	}
	if _, err := b.st.DB().Exec(fmt.Sprintf(`UPDATE vat_totals SET vat_minor = vat_minor + 1 WHERE entity_id = %d AND side = 'sales' AND box = '1b'`, b.e)); err != nil {
		t.Fatal(err)
	}
	rep, err = b.st.Verify(t.Context())
	if err != nil || len(rep.Breaches) == 0 || !strings.Contains(strings.Join(rep.Breaches, "\n"), "vat totals") {
		t.Fatalf("verify after tampering: %+v %v", rep.Breaches, err)
	}
}

func mustInt(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		panic(err)
	}
	return n
}

// wantEntry reads an entry through the API as "account D|C" -> amount.
func wantEntry(f *fixture, t *testing.T, base, key string, entryID any, want map[string]string) {
	t.Helper()
	e := f.must(f.do("GET", base+"/entries/"+id(entryID), key, nil), 200).obj
	got := map[string]string{}
	for _, l := range e["lines"].([]any) {
		l := l.(map[string]any)
		for side, k := range map[string]string{"debit": " D", "credit": " C"} {
			if v, ok := l[side].(string); ok && v != "" && v != "0.00" {
				got[l["account"].(string)+k] = v
			}
		}
	}
	if !maps.Equal(got, want) {
		t.Errorf("entry %v: %v, want %v", entryID, got, want)
	}
}

// TestVATReturnRefusals: an entity under the small-business scheme files
// no return; a monthly entity names months; a locked period's return is
// not filed; nothing is written by a refusal.
func TestVATReturnRefusals(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	e := f.entity("Klein")
	base, acct := ent(e), f.key(ledger.RoleAccountant, e)
	f.must(f.do("PATCH", base, acct, `{"vat_scheme":"kor"}`), 200)
	wantProblem(t, f.do("GET", base+"/vat-returns/2026-Q1", acct, nil), 422, "vat_return_kor")
	wantProblem(t, f.do("POST", base+"/vat-returns/2026-Q1/file", acct, nil), 422, "vat_return_kor")
	wantProblem(t, f.do("POST", base+"/vat-adjustments", acct, map[string]any{"period": "2026-Q1", "base": "1", "vat": "1", "reason": "x", "account": "4300"}),
		422, "vat_return_kor")

	m := f.entity("Maandelijks")
	mb, ma := ent(m), f.key(ledger.RoleAccountant, m)
	f.must(f.do("PATCH", mb, ma, `{"vat_period":"month"}`), 200)
	wantProblem(t, f.do("GET", mb+"/vat-returns/2026-Q1", ma, nil), 422, "vat_return_period_invalid", "period")
	wantProblem(t, f.do("GET", mb+"/vat-returns/2026-13", ma, nil), 422, "vat_return_period_invalid", "period")
	r := f.must(f.do("GET", mb+"/vat-returns/2026-02", ma, nil), 200).obj
	if r["from"] != "2026-02-01" || r["to"] != "2026-02-28" || r["result"] != "nil" || r["total"] != "0.00" {
		t.Fatalf("February: %v", r)
	}
	// Nothing to settle: filed without an entry.
	filed := f.must(f.do("POST", mb+"/vat-returns/2026-02/file", ma, nil), 201).obj["filing"].(map[string]any)
	if filed["entry_id"] != nil {
		t.Errorf("an empty return posted entry %v", filed["entry_id"])
	}
	wantProblem(t, f.do("POST", mb+"/vat-returns/2026-04/file", ma, nil), 409, "vat_return_out_of_order")
	// A yearly entity.
	y := f.entity("Jaarlijks")
	yb, ya := ent(y), f.key(ledger.RoleAccountant, y)
	f.must(f.do("PATCH", yb, ya, `{"vat_period":"year"}`), 200)
	if r := f.must(f.do("GET", yb+"/vat-returns/2025", ya, nil), 200).obj; r["to"] != "2025-12-31" {
		t.Errorf("year: %v", r)
	}
	wantProblem(t, f.do("GET", yb+"/vat-returns/2025-Q4", ya, nil), 422, "vat_return_period_invalid", "period")

	// The period's last day locked: the settlement cannot be dated.
	f.must(f.do("POST", mb+"/entries", ma, entryJSON("2026-03-10", "Sale", dr("1000", "121.00"), cr("8000", "100.00"), cr("1700", "21.00"))), 201)
	f.must(f.do("PUT", mb+"/lock-date", ma, `{"lock_date":"2026-03-31"}`), 200)
	before := f.snapshot(m)
	wantProblem(t, f.do("POST", mb+"/vat-returns/2026-03/file", ma, nil), 422, "period_locked")
	wantProblem(t, f.do("POST", mb+"/vat-adjustments", ma, map[string]any{"period": "2026-03", "base": "1", "vat": "1", "reason": "x", "account": "4300"}),
		422, "period_locked", "period")
	if after := f.snapshot(m); after != before {
		t.Fatalf("refused filing wrote:\n%s\n%s", before, after)
	}
	// A client reads the return but files nothing.
	client := f.key(ledger.RoleClient, m)
	f.must(f.do("GET", mb+"/vat-returns/2026-02", client, nil), 200)
	wantProblem(t, f.do("POST", mb+"/vat-returns/2026-03/file", client, nil), 403, "role_forbidden")
}

// seedVATReturns gives an entity what the VAT return routes need: a
// filed 2025-Q3 with a box 1d adjustment entered into it since (a
// difference for a supplementary return), a filed 2025-Q4, and an
// adjustment of 2026-Q2 to delete. The route that files files 2026-Q1.
func (f *fixture) seedVATReturns(entity int64, key string) map[string]string {
	base := ent(entity)
	f.must(f.do("POST", base+"/vat-returns/2025-Q3/file", key, nil), 201)
	f.must(f.do("POST", base+"/vat-returns/2025-Q4/file", key, nil), 201)
	// Over 1,000 euros of VAT: not taken into the 2026-Q1 return the route files.
	f.must(f.do("POST", base+"/vat-adjustments", key, `{"period":"2025-Q3","base":"6000.00","vat":"1260.00","reason":"Privégebruik","account":"4300"}`), 201)
	spare := f.must(f.do("POST", base+"/vat-adjustments", key, `{"period":"2026-Q2","base":"10.00","vat":"2.10","reason":"Privégebruik","account":"4300"}`), 201)
	return map[string]string{
		"vat-returns|period": "2025-Q3",
		"POST " + entityRoutes + "/vat-returns/:period/file|period":          "2026-Q1",
		"POST " + entityRoutes + "/vat-returns/:period/supplementary|period": "2025-Q3",
		"vat-adjustments|id": strconv.FormatInt(num(spare.obj["id"]), 10),
	}
}

// balance is an account's balance (debits less credits) on a day.
func (b *vatBooks) balance(account, asOf string) any {
	b.t.Helper()
	return b.must(b.do("GET", b.base+"/accounts/"+account+"/balance?as_of="+asOf, b.acct, nil), 200).obj["balance"].(map[string]any)["balance"]
}

// TestVATReturnAccountsAsPosted: the settlement empties the VAT accounts
// each document posted to, not those its tax code names now: a sales code
// and a purchase code moved to other accounts mid-quarter, and back after
// filing.
func TestVATReturnAccountsAsPosted(t *testing.T) {
	t.Parallel()
	b := newVATBooks(t)
	b.must(b.do("POST", b.base+"/accounts", b.acct, `{"code":"1710","name":"VAT payable 2","type":"liability"}`), 201)
	b.must(b.do("POST", b.base+"/accounts", b.acct, `{"code":"1210","name":"Input VAT 2","type":"asset"}`), 201)
	b.sale("2025-01-15", b.cust["nl"], "1000.00@21")    // 210.00 on 1700
	b.must(b.buy("2025-01-20", "4200:100.00@P21"), 201) // 21.00 on 1200
	b.must(b.do("PATCH", b.base+"/tax-codes/21", b.acct, `{"account":"1710"}`), 200)
	b.must(b.do("PATCH", b.base+"/purchase-tax-codes/P21", b.acct, `{"input_account":"1210"}`), 200)
	b.sale("2025-02-15", b.cust["nl"], "1000.00@21")    // 210.00 on 1710
	b.must(b.buy("2025-03-01", "4200:200.00@P21"), 201) // 42.00 on 1210
	// 5a 420.00, 5b 63.00: 357.00 to pay; each account emptied of its own.
	f := b.must(b.do("POST", b.base+"/vat-returns/2025-Q1/file", b.acct, nil), 201).obj["filing"].(map[string]any)
	wantEntry(b.fixture, t, b.base, b.acct, f["entry_id"], map[string]string{"1700 D": "210.00", "1710 D": "210.00", "1200 C": "21.00",
		"1210 C": "42.00", "1750 C": "357.00"})
	for _, acc := range []string{"1700", "1710", "1200", "1210"} {
		if got := b.balance(acc, "2025-03-31"); got != "0.00" {
			t.Errorf("account %s after the settlement: %v, want 0.00", acc, got)
		}
	}
	// The codes moved back after filing: nothing differs, nothing to correct.
	b.must(b.do("PATCH", b.base+"/tax-codes/21", b.acct, `{"account":"1700"}`), 200)
	b.must(b.do("PATCH", b.base+"/purchase-tax-codes/P21", b.acct, `{"input_account":"1200"}`), 200)
	if q1 := b.vatReturn("2025-Q1"); q1["difference"] != nil {
		t.Errorf("Q1 differs after its codes' accounts changed: %v", q1["difference"])
	}
	if q2 := b.vatReturn("2025-Q2"); len(q2["corrections"].([]any)) != 0 || q2["total"] != "0.00" {
		t.Errorf("Q2 corrects Q1 after its codes' accounts changed: %v", q2)
	}
	wantProblem(t, b.do("POST", b.base+"/vat-returns/2025-Q1/supplementary", b.acct, `{"date":"2025-04-10"}`), 409, "vat_return_no_difference")

	rep, err := b.st.Verify(t.Context())
	if err != nil || len(rep.Breaches) > 0 {
		t.Fatalf("verify: %v %v", rep.Breaches, err)
	}
}

// TestVATReturnReversal: a purchase reversed after its code's input account
// changed takes the VAT off the account its booking put it on, as its
// reversal entry does; a reversal dated into a filed period is refused,
// like a booking.
func TestVATReturnReversal(t *testing.T) {
	t.Parallel()
	b := newVATBooks(t)
	b.must(b.do("POST", b.base+"/accounts", b.acct, `{"code":"1210","name":"Input VAT 2","type":"asset"}`), 201)
	q1buy := b.must(b.buy("2025-03-01", "4200:200.00@P21"), 201).obj
	b.must(b.do("POST", b.base+"/vat-returns/2025-Q1/file", b.acct, nil), 201)
	before := b.snapshot(b.e)
	wantProblem(t, b.do("POST", b.base+"/purchase-invoices/"+id(q1buy["id"])+"/reverse", b.acct, `{"date":"2025-03-15"}`), 422, "vat_period_filed", "date")
	if after := b.snapshot(b.e); after != before {
		t.Fatalf("refused reversal wrote:\n%s\n%s", before, after)
	}

	// Booked on 1200 (21.00), the code moved to 1210, reversed: Q2 has
	// nothing to settle.
	q2buy := b.must(b.buy("2025-04-10", "4200:100.00@P21"), 201).obj
	b.must(b.do("PATCH", b.base+"/purchase-tax-codes/P21", b.acct, `{"input_account":"1210"}`), 200)
	b.must(b.do("POST", b.base+"/purchase-invoices/"+id(q2buy["id"])+"/reverse", b.acct, `{"date":"2025-04-20"}`), 200)
	f2 := b.must(b.do("POST", b.base+"/vat-returns/2025-Q2/file", b.acct, nil), 201).obj
	if fl := f2["filing"].(map[string]any); fl["entry_id"] != nil || fl["total"] != "0.00" {
		t.Errorf("Q2 (a purchase and its reversal) settled: %v", fl)
	}
	for _, acc := range []string{"1200", "1210"} {
		if got := b.balance(acc, "2025-06-30"); got != "0.00" {
			t.Errorf("account %s after Q2: %v, want 0.00", acc, got)
		}
	}
	rep, err := b.st.Verify(t.Context())
	if err != nil || len(rep.Breaches) > 0 {
		t.Fatalf("verify: %v %v", rep.Breaches, err)
	}
}

// TestVATReturnPeriodEnded: a period that has not ended is not filed (a
// future one filed first would shut out every earlier one), nor corrected;
// a supplementary return is dated after its period's end. And odd input:
// accounts of the wrong kind, a sign for an amount, a signed month; the
// JSON labels per language.
func TestVATReturnPeriodEnded(t *testing.T) {
	t.Parallel()
	b := newVATBooks(t)
	b.sale("2025-01-15", b.cust["nl"], "1000.00@21")
	// JSON labels in the language asked for, both by default.
	for lang, want := range map[string]string{"": "Voorbelasting / Input VAT", "?lang=nl": "Voorbelasting", "?lang=en": "Input VAT"} {
		r := b.must(b.do("GET", b.base+"/vat-returns/2025-Q1"+lang, b.acct, nil), 200).obj
		for _, l := range r["lines"].([]any) {
			if l := l.(map[string]any); l["box"] == "5b" && l["label"] != want {
				t.Errorf("label of 5b %s: %v, want %s", lang, l["label"], want)
			}
		}
	}
	before := b.snapshot(b.e)
	wantProblem(t, b.do("POST", b.base+"/vat-returns/2099-Q4/file", b.acct, nil), 422, "vat_return_period_open", "period")
	wantProblem(t, b.do("POST", b.base+"/vat-returns/2099-Q4/supplementary", b.acct, `{"date":"2099-12-31"}`), 422, "vat_return_period_open", "period")
	// Accounts of the wrong kind; odd amounts.
	wantProblem(t, b.do("POST", b.base+"/vat-returns/2025-Q1/file", b.acct, `{"settlement_account":"8000","rounding_account":"1700"}`),
		422, "account_type_invalid", "settlement_account", "rounding_account")
	wantProblem(t, b.do("POST", b.base+"/vat-adjustments", b.acct, map[string]any{"period": "2025-Q2", "base": "-", "vat": "1", "reason": "x", "account": "4300"}),
		422, "amount_invalid", "base")
	wantProblem(t, b.do("GET", b.base+"/vat-returns/2025-+1", b.acct, nil), 422, "vat_return_period_invalid", "period")
	if after := b.snapshot(b.e); after != before {
		t.Fatalf("refused filing wrote:\n%s\n%s", before, after)
	}
	b.must(b.do("POST", b.base+"/vat-returns/2025-Q1/file", b.acct, nil), 201)
	b.sale("2025-03-20", b.cust["nl"], "100.00@21") // a difference of 21.00
	before = b.snapshot(b.e)
	for _, d := range []string{"2025-03-31", "2025-01-01", "2024-12-31"} {
		wantProblem(t, b.do("POST", b.base+"/vat-returns/2025-Q1/supplementary", b.acct, `{"date":"`+d+`"}`), 422, "vat_supplementary_date", "date")
	}
	if after := b.snapshot(b.e); after != before {
		t.Fatalf("refused supplementary return wrote:\n%s\n%s", before, after)
	}
	s := b.must(b.do("POST", b.base+"/vat-returns/2025-Q1/supplementary", b.acct, `{"date":"2025-04-01"}`), 201).obj
	if s["filing"].(map[string]any)["total"] != "21.00" {
		t.Errorf("supplementary: %v", s)
	}
}

// TestVATReturnCorrectionsOfAYear: the 1,000 euros are per calendar year,
// counting the corrections filed returns took in already: 900.00 taken
// into Q2, another 900.00 of Q1 found later is flagged, not taken in.
func TestVATReturnCorrectionsOfAYear(t *testing.T) {
	t.Parallel()
	b := newVATBooks(t)
	b.must(b.do("POST", b.base+"/vat-returns/2025-Q1/file", b.acct, nil), 201)
	b.sale("2025-03-10", b.cust["nl"], "4285.72@21") // 4,285.72 at 21 % = 900.0012 -> 900.00 into Q1
	q2 := b.must(b.do("POST", b.base+"/vat-returns/2025-Q2/file", b.acct, nil), 201).obj
	if cs := q2["corrections"].([]any); len(cs) != 1 || cs[0].(map[string]any)["vat"] != "900.00" {
		t.Fatalf("Q2 corrections: %v", q2["corrections"])
	}
	b.sale("2025-03-11", b.cust["nl"], "4285.72@21") // another 900.00: 1,800.00 in 2025
	q3 := b.vatReturn("2025-Q3")
	sr := q3["supplementary_required"].([]any)
	if len(q3["corrections"].([]any)) != 0 || len(sr) != 1 || num(sr[0].(map[string]any)["year"]) != 2025 || sr[0].(map[string]any)["vat"] != "900.00" {
		t.Fatalf("Q3: corrections %v, supplementary required %v", q3["corrections"], sr)
	}
	if q3["total"] != "0.00" {
		t.Errorf("Q3 total %v", q3["total"])
	}
}

// TestVATReturnAdjustmentReasonCut: a long reason with characters of more
// than one byte is cut by characters in the entry's description.
func TestVATReturnAdjustmentReasonCut(t *testing.T) {
	t.Parallel()
	b := newVATBooks(t)
	reason := "x" + strings.Repeat("é", 300)
	a := b.must(b.do("POST", b.base+"/vat-adjustments", b.acct, map[string]any{"period": "2025-Q2", "base": "1.00", "vat": "1.00",
		"reason": reason, "account": "4300"}), 201).obj
	if a["reason"] != reason {
		t.Errorf("reason kept as %v", a["reason"])
	}
	e := b.must(b.do("GET", b.base+"/entries/"+id(a["entry_id"]), b.acct, nil), 200).obj
	// "Box 1d 2025-Q2: " (16) + "x" + 183 × "é" = 200 characters.
	if want := "Box 1d 2025-Q2: x" + strings.Repeat("é", 183); e["description"] != want {
		t.Errorf("entry description %q, want %q", e["description"], want)
	}
}

// TestVATReturnConcurrent: filings of one entity at once queue (on
// PostgreSQL by the entity's VAT return lock): of two first returns one
// is filed, the other is out of order; a return and a supplementary
// return at once settle a difference once.
func TestVATReturnConcurrent(t *testing.T) {
	t.Parallel()
	for range 3 {
		b := newVATBooks(t)
		b.sale("2025-01-15", b.cust["nl"], "1000.00@21")
		st := make([]int, 2)
		var wg sync.WaitGroup
		for i, p := range []string{"2025-Q1", "2025-Q3"} {
			wg.Add(1)
			go func() { defer wg.Done(); st[i] = b.do("POST", b.base+"/vat-returns/"+p+"/file", b.acct, nil).status }()
		}
		wg.Wait()
		if slices.Sort(st); st[0] != 201 || st[1] != 409 {
			t.Fatalf("two first returns at once: %v, want one 201 and one 409", st)
		}
	}
	for range 3 {
		b := newVATBooks(t)
		b.must(b.do("POST", b.base+"/vat-returns/2025-Q1/file", b.acct, nil), 201)
		b.sale("2025-03-10", b.cust["nl"], "1000.00@21") // 210.00 into filed Q1
		var file, supp *response
		var wg sync.WaitGroup
		wg.Add(2)
		go func() { defer wg.Done(); file = b.do("POST", b.base+"/vat-returns/2025-Q2/file", b.acct, nil) }()
		go func() {
			defer wg.Done()
			supp = b.do("POST", b.base+"/vat-returns/2025-Q1/supplementary", b.acct, `{"date":"2025-06-10"}`)
		}()
		wg.Wait()
		took := len(b.must(file, 201).obj["corrections"].([]any))
		switch {
		case supp.status == 201 && took == 0, supp.status == 409 && took == 1:
		default:
			t.Fatalf("return and supplementary return at once: supplementary %d, the return took in %d corrections", supp.status, took)
		}
		// Settled once: the sale's 210.00 credit on 1700 debited once.
		if got := b.balance("1700", "2025-06-30"); got != "0.00" {
			t.Fatalf("1700 after both: %v, want 0.00", got)
		}
		if q1 := b.vatReturn("2025-Q1"); q1["difference"] != nil {
			t.Fatalf("Q1 difference: %v", q1["difference"])
		}
	}
}
