package api

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// payablesFixture books the documents and payments of the payables
// report tests through the API.
func (p *purchaseFixture) bookDoc(kind, vatDate, due, amount, code string) map[string]any {
	p.t.Helper()
	b := p.invoice(map[string]any{"kind": kind, "invoice_date": vatDate, "vat_date": vatDate}, line("4200", amount, code))
	if due != "" {
		b["due_date"] = due
	}
	return p.book(b)
}

func (p *purchaseFixture) paySupplier(date, amount string, allocs ...map[string]any) map[string]any {
	p.t.Helper()
	body := map[string]any{"supplier_id": p.supplier, "date": date, "amount": amount, "reference": "PAY-" + date}
	if len(allocs) > 0 {
		body["allocations"] = allocs
	}
	return p.must(p.do("POST", p.base("/supplier-payments"), p.acct, body), 201).obj
}

func (p *purchaseFixture) get(path string) *response {
	p.t.Helper()
	return p.must(p.do("GET", p.base(path), p.acct, nil), 200)
}

// TestPayablesReports: aged payables, the supplier statement, the open
// purchase invoices and the purchase journal on one small set of books,
// worked out by hand, in JSON, CSV and PDF, Dutch and English.
func TestPayablesReports(t *testing.T) {
	p := newPurchaseFixture(t)
	a := p.bookDoc("invoice", "2026-03-04", "2026-03-31", "100.00", "P21")                                    // 100 + 21 % = 121.00
	b := p.bookDoc("invoice", "2026-03-04", "2026-03-10", "200.00", "P21")                                    // 200 + 21 % = 242.00
	c := p.bookDoc("credit_note", "2026-03-05", "", "50.00", "P0")                                            // 50.00, no VAT
	p.paySupplier("2026-03-20", "100.00", map[string]any{"purchase_invoice_id": b["id"], "amount": "100.00"}) // B: 142.00 open
	p.paySupplier("2026-03-21", "30.00")                                                                      // unallocated

	aged := p.get("/reports/aged-payables?as_of=2026-04-15").obj
	total := aged["total"].(map[string]any)
	// A: due 03-31, 15 days late: 1-30 121.00; B: due 03-10, 36 days: 31-60
	// 142.00; unallocated: credit note -50.00 and payment -30.00 = -80.00.
	// Total 121 + 142 - 80 = 183.00; the payables account: credits 121 +
	// 242 = 363, debits 50 + 100 + 30 = 180, credit balance 183.00.
	for k, want := range map[string]string{"not_due": "0.00", "days_1_30": "121.00", "days_31_60": "142.00", "unallocated": "-80.00", "total": "183.00"} {
		if total[k] != want {
			t.Errorf("aged payables %s = %v, want %s", k, total[k], want)
		}
	}
	if aged["ledger_balance"] != "183.00" || aged["difference"] != "0.00" || aged["payable_account"] != "1600" {
		t.Errorf("aged payables ledger: %v", aged)
	}
	sups := aged["suppliers"].([]any)
	if len(sups) != 1 || num(sups[0].(map[string]any)["supplier_id"]) != p.supplier || len(sups[0].(map[string]any)["items"].([]any)) != 4 {
		t.Fatalf("aged payables suppliers: %v", sups)
	}
	// Before the payments: A not due 121.00, B 9 days late 242.00, the
	// credit note -50.00: 313.00.
	if got := p.get("/reports/aged-payables?as_of=2026-03-19").obj["total"].(map[string]any); got["not_due"] != "121.00" ||
		got["days_1_30"] != "242.00" || got["total"] != "313.00" {
		t.Errorf("aged payables on 03-19: %v", got)
	}

	r := p.get("/reports/aged-payables?as_of=2026-04-15&format=csv&detail=true")
	if !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") || !strings.Contains(string(r.body), "183.00") {
		t.Errorf("aged payables CSV: %s", r.body)
	}
	r = p.get("/reports/aged-payables?as_of=2026-04-15&format=pdf&lang=nl")
	if r.header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(string(r.body), "%PDF-") {
		t.Errorf("aged payables PDF: %s", r.header)
	}

	// The statement of March: 121 + 242 - 50 - 100 - 30 = 183.00 owed.
	st := p.get(fmt.Sprintf("/suppliers/%d/statement?from=2026-03-01&to=2026-03-31&lang=en", p.supplier)).obj
	if st["opening_balance"] != "0.00" || st["closing_balance"] != "183.00" || st["total_debit"] != "363.00" || st["total_credit"] != "180.00" {
		t.Errorf("statement: %v", st)
	}
	if sup, ok := st["supplier"].(map[string]any); !ok || num(sup["id"]) != p.supplier || st["customer"] != nil {
		t.Errorf("statement party: %v", st)
	}
	var descs []string
	for _, l := range st["lines"].([]any) {
		descs = append(descs, l.(map[string]any)["description"].(string))
	}
	if got := strings.Join(descs, "|"); got != "Invoice|Invoice|Credit note|Payment made|Applied to "+b["number"].(string)+"|Payment made" {
		t.Errorf("statement lines: %s", got)
	}
	// April opens with March's closing balance.
	if st := p.get(fmt.Sprintf("/suppliers/%d/statement?from=2026-04-01&to=2026-04-30", p.supplier)).obj; st["opening_balance"] != "183.00" {
		t.Errorf("April's opening balance: %v", st["opening_balance"])
	}
	r = p.get(fmt.Sprintf("/suppliers/%d/statement?from=2026-03-01&to=2026-03-31&format=pdf", p.supplier))
	if !strings.HasPrefix(string(r.body), "%PDF-") {
		t.Errorf("statement PDF")
	}
	wantProblem(t, p.do("GET", p.base("/suppliers/999999/statement"), p.acct, nil), 404, "not_found")

	// Open purchase invoices on 04-15, by due date: B (03-10, 36 days),
	// A (03-31, 15 days), the credit note (no due date, by its date
	// 03-05 first). Total 142 + 121 - 50 = 213.00, overdue 263.00.
	open := p.get("/reports/open-purchase-invoices?as_of=2026-04-15").obj
	if open["total"] != "213.00" || open["overdue"] != "263.00" {
		t.Errorf("open purchase invoices: %v", open)
	}
	var order []string
	for _, it := range open["items"].([]any) {
		it := it.(map[string]any)
		order = append(order, fmt.Sprintf("%s:%v:%v", it["number"], it["days_overdue"], it["functional_open"]))
	}
	want := fmt.Sprintf("%s:0:-50.00|%s:36:142.00|%s:15:121.00", c["number"], b["number"], a["number"])
	if got := strings.Join(order, "|"); got != want {
		t.Errorf("open items %s, want %s", got, want)
	}

	// Reversing A on 04-20 ends it that day: 183 - 121 = 62.00.
	p.must(p.do("POST", p.base(fmt.Sprintf("/purchase-invoices/%v/reverse", a["id"])), p.acct, map[string]any{"date": "2026-04-20"}), 200)
	for date, want := range map[string]string{"2026-04-19": "183.00", "2026-04-20": "62.00"} {
		g := p.get("/reports/aged-payables?as_of=" + date).obj
		if g["total"].(map[string]any)["total"] != want || g["difference"] != "0.00" {
			t.Errorf("aged payables on %s: %v, want %s", date, g["total"], want)
		}
	}

	// The journal of March keeps A, marked reversed and out of the totals:
	// P21 net 200.00 VAT 42.00 (B), P0 -50.00 (the credit note).
	j := p.get("/reports/purchase-journal?from=2026-03-01&to=2026-03-31").obj
	docs := j["documents"].([]any)
	if len(docs) != 3 || docs[0].(map[string]any)["number"] != a["number"] || docs[0].(map[string]any)["reversed"] != true ||
		docs[2].(map[string]any)["total"] != "-50.00" || docs[1].(map[string]any)["supplier_invoice_number"] != b["supplier_invoice_number"] {
		t.Errorf("journal documents: %v", docs)
	}
	var sums []string
	for _, s := range j["totals"].([]any) {
		s := s.(map[string]any)
		sums = append(sums, fmt.Sprintf("%s %s %s", s["tax_code"], s["net"], s["vat"]))
	}
	if got := strings.Join(sums, "|"); got != "P0 -50.00 0.00|P21 200.00 42.00" {
		t.Errorf("journal totals: %s", got)
	}
	for _, path := range []string{"/reports/purchase-journal?from=2026-03-01&to=2026-03-31&format=pdf&lang=nl", "/reports/open-purchase-invoices?format=pdf&lang=en&as_of=2026-04-15"} {
		if r := p.get(path); !strings.HasPrefix(string(r.body), "%PDF-") {
			t.Errorf("%s: not a PDF", path)
		}
	}
	r = p.get("/reports/purchase-journal?from=2026-03-01&to=2026-03-31&format=csv&lang=nl")
	if !strings.Contains(string(r.body), b["number"].(string)) {
		t.Errorf("journal CSV: %s", r.body)
	}
	wantProblem(t, p.do("GET", p.base("/reports/purchase-journal?from=2026-03-31&to=2026-03-01"), p.acct, nil), 422, "period_invalid", "to")
}

// TestAgedPayablesAgreeWithLedger books random purchase invoices, credit
// notes and supplier payments (some allocated, some not) on random dates
// over 2026, then on 20 random dates checks that the aged payables total
// equals the payables account's balance as the ledger's account balance
// endpoint reads it (computed from the ledger's totals, not purchases').
func TestAgedPayablesAgreeWithLedger(t *testing.T) {
	p := newPurchaseFixture(t)
	rng := rand.New(rand.NewPCG(20261206, 15))
	day := func() string {
		return fmt.Sprintf("2026-%02d-%02d", 1+rng.IntN(11), 1+rng.IntN(28))
	}
	type doc struct {
		id   any
		date string
		open int64
	}
	var invoices []*doc
	codes := []string{"P21", "P9", "P0", "P-rc-nl"}
	for range 40 {
		amount := fmt.Sprintf("%d.%02d", 1+rng.IntN(900), rng.IntN(100))
		d := day()
		due := ""
		if rng.IntN(2) == 0 {
			due = fmt.Sprintf("2026-%02d-%02d", 1+rng.IntN(12), 1+rng.IntN(28))
			if due < d {
				due = d
			}
		}
		if rng.IntN(5) == 0 {
			p.bookDoc("credit_note", d, "", amount, codes[rng.IntN(len(codes))])
			continue
		}
		inv := p.bookDoc("invoice", d, due, amount, codes[rng.IntN(len(codes))])
		invoices = append(invoices, &doc{id: inv["id"], date: d, open: mustMinor(t, inv["total"].(string))})
	}
	var payments []map[string]any
	for i := range 20 {
		d := day()
		amount := int64(100 + rng.IntN(50000))
		if i%7 == 6 { // a refund the supplier paid back, unallocated
			payments = append(payments, p.must(p.do("POST", p.base("/supplier-payments"), p.acct, map[string]any{"supplier_id": p.supplier,
				"direction": "refund", "date": d, "amount": fmt.Sprintf("%d.%02d", amount/100, amount%100)}), 201).obj)
			continue
		}
		var allocs []map[string]any
		for _, inv := range invoices {
			if inv.date <= d && inv.open > 0 && rng.IntN(3) == 0 {
				a := min(inv.open, amount)
				inv.open -= a
				allocs = append(allocs, map[string]any{"purchase_invoice_id": inv.id, "amount": fmt.Sprintf("%d.%02d", a/100, a%100)})
				break
			}
		}
		payments = append(payments, p.paySupplier(d, fmt.Sprintf("%d.%02d", amount/100, amount%100), allocs...))
	}
	// Removals count from their dates (today: the removal entries' and
	// the allocations' removal date): two payments, and two allocations
	// of others.
	removedPayments, removedAllocs := 0, 0
	for _, pay := range payments {
		allocs, _ := pay["allocations"].([]any)
		switch {
		case removedPayments < 2:
			p.must(p.do("DELETE", p.base("/supplier-payments/"+id(pay["id"])), p.acct, nil), 200)
			removedPayments++
		case len(allocs) > 0 && removedAllocs < 2:
			p.must(p.do("DELETE", p.base("/purchase-allocations/"+id(allocs[0].(map[string]any)["id"])), p.acct, nil), 200)
			removedAllocs++
		}
	}
	if removedAllocs == 0 {
		t.Fatal("no allocation removed: the seed gives none")
	}
	today := p.get("/reports/aged-payables").obj["as_of"].(string)
	dates := []string{today, "2026-12-31"}
	for range 20 {
		dates = append(dates, day())
	}
	for _, d := range dates {
		aged := p.get("/reports/aged-payables?as_of=" + d).obj
		bal := p.get("/accounts/1600/balance?as_of=" + d).obj["balance"].(map[string]any)
		// The account's balance is debit less credit; payables are owed
		// as a credit.
		want := -mustMinor(t, bal["balance"].(string))
		if got := mustMinor(t, aged["total"].(map[string]any)["total"].(string)); got != want || aged["difference"] != "0.00" {
			t.Errorf("on %s: aged payables %d, payables account %d (%v)", d, got, want, aged["difference"])
		}
	}
}

// TestPurchaseJournalReverseChargeAndDeductible: the journal says per tax
// code what is deducted and which box a reverse charge feeds. One invoice:
// 200.00 of services from another EU country (21 % reverse charged: 42.00
// owed and deducted, box 4b) and a 50.00 lunch at 9 % (4.50 VAT, none of it
// deductible); the supplier is owed 200.00 + 50.00 + 4.50 = 254.50.
func TestPurchaseJournalReverseChargeAndDeductible(t *testing.T) {
	p := newPurchaseFixture(t)
	p.book(p.invoice(nil, line("4200", "200.00", "P-eu-services"), line("4200", "50.00", "P9-meals")))
	j := p.get("/reports/purchase-journal?from=2026-03-01&to=2026-03-31").obj
	doc := j["documents"].([]any)[0].(map[string]any)
	if doc["total"] != "254.50" {
		t.Errorf("total %v, want 254.50", doc["total"])
	}
	want := map[string][5]any{
		"P-eu-services": {"4b", true, "200.00", "42.00", "42.00"},
		"P9-meals":      {"", false, "50.00", "4.50", "0.00"},
	}
	for _, list := range []any{doc["tax_codes"], j["totals"]} {
		got := 0
		for _, x := range list.([]any) {
			c := x.(map[string]any)
			w, ok := want[c["tax_code"].(string)]
			if !ok {
				t.Errorf("unexpected tax code %v", c)
				continue
			}
			got++
			if c["box"] != w[0] || c["reverse_charge"] != w[1] || c["net"] != w[2] || c["vat"] != w[3] || c["deductible_vat"] != w[4] {
				t.Errorf("%s: %v, want box %v reverse %v net %v vat %v deductible %v", c["tax_code"], c, w[0], w[1], w[2], w[3], w[4])
			}
		}
		if got != 2 {
			t.Errorf("%d tax codes in %v", got, list)
		}
	}
	csv := string(p.get("/reports/purchase-journal?from=2026-03-01&to=2026-03-31&format=csv&lang=nl").body)
	if !strings.Contains(csv, "P-eu-services, verlegd 4b") {
		t.Errorf("the CSV does not say the code is reverse charged in 4b:\n%s", csv)
	}
}
