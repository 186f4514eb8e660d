package api

import (
	"fmt"
	"strconv"
	"testing"
)

// seedSupplierPayments gives an entity what the supplier payment routes
// need: a booked purchase invoice with plenty open, a booked supplier
// credit note, a payment with an allocation (read; its allocation removed),
// a payment with nothing allocated (allocated later) and one to remove.
func (f *fixture) seedSupplierPayments(entity int64, key, supplier string) map[string]string {
	base := ent(entity)
	created := func(r *response) string { return id(f.must(r, 201).obj["id"]) }
	doc := func(kind, number string) string {
		return created(f.do("POST", base+"/purchase-invoices", key, `{"kind":"`+kind+`","supplier_id":`+supplier+`,"supplier_invoice_number":"`+number+`",
			"invoice_date":"2026-03-05","lines":[{"account":"4200","amount":"100.00","tax_code":"P21"}],"book":true}`))
	}
	inv, cn := doc("invoice", "SP-1"), doc("credit_note", "SP-CN")
	pay := func(body string) string {
		return created(f.do("POST", base+"/supplier-payments", key, `{"supplier_id":`+supplier+`,"date":"2026-03-10",`+body+`}`))
	}
	withAllocation := pay(`"amount":"11.11","allocations":[{"purchase_invoice_id":` + inv + `,"amount":"2.00"}]`)
	allocs := f.must(f.do("GET", base+"/supplier-payments/"+withAllocation, key, nil), 200).obj["allocations"].([]any)
	return map[string]string{
		"spinvoice":            inv,
		"supplier-payments|id": withAllocation,
		"POST " + entityRoutes + "/supplier-payments/:id/allocations|id": pay(`"amount":"7.77"`),
		"DELETE " + entityRoutes + "/supplier-payments/:id|id":           pay(`"amount":"3.33"`),
		"purchase-allocations|id":                                        id(allocs[0].(map[string]any)["id"]),
		"POST " + entityRoutes + "/purchase-invoices/:id/allocations|id": cn,
	}
}

// spFixture is a purchase fixture with helpers for supplier payments.
type spFixture struct{ *purchaseFixture }

func (p spFixture) pay(body map[string]any) map[string]any {
	p.t.Helper()
	if _, ok := body["supplier_id"]; !ok {
		body["supplier_id"] = p.supplier
	}
	return p.must(p.do("POST", p.base("/supplier-payments"), p.acct, body), 201).obj
}

func (p spFixture) doc(id any) map[string]any {
	p.t.Helper()
	return p.must(p.do("GET", p.base("/purchase-invoices/"+fmt.Sprint(num(id))), p.acct, nil), 200).obj
}

func (p spFixture) wantOpen(what string, id any, open, status string) {
	p.t.Helper()
	d := p.doc(id)
	if d["open"] != open || d["status"] != status {
		p.t.Errorf("%s: open %v status %v, want %s %s", what, d["open"], d["status"], open, status)
	}
}

func (p spFixture) balance(code string) string {
	p.t.Helper()
	b := p.must(p.do("GET", p.base("/accounts/"+code+"/balance?as_of=2026-12-31"), p.acct, nil), 200).obj
	return fmt.Sprint(b["balance"].(map[string]any)["balance"])
}

func spAlloc(docID any, amount string) map[string]any {
	return map[string]any{"purchase_invoice_id": num(docID), "amount": amount}
}

// TestSupplierPayments pays two purchase invoices in part and in full,
// allocates the rest later, overpays, applies a credit note, refuses what
// breaks the rules and removes a payment.
func TestSupplierPayments(t *testing.T) {
	t.Parallel()
	p := spFixture{newPurchaseFixture(t)}
	a := p.book(p.invoice(nil, line("4200", "100.00", "P21"))) // 100.00 + 21 % = 121.00
	b := p.book(p.invoice(nil, line("4200", "200.00", "P21"))) // 200.00 + 21 % = 242.00

	// 300.00: 121.00 to a (paid), 100.00 to b; 79.00 unallocated.
	pay := p.pay(map[string]any{"date": "2026-03-10", "amount": "300.00", "reference": "BATCH-1",
		"allocations": []any{spAlloc(a["id"], "121.00"), spAlloc(b["id"], "100.00")}})
	if pay["direction"] != "paid" || pay["allocated"] != "221.00" || pay["unallocated"] != "79.00" || pay["bank_account"] != "1000" || pay["currency"] != "EUR" {
		t.Fatalf("payment: %v", pay)
	}
	p.wantEntry("payment", pay["entry_id"], map[string]string{"1600 D": "300.00", "1000 C": "300.00"})
	p.wantOpen("a", a["id"], "0.00", "paid")
	p.wantOpen("b", b["id"], "142.00", "partially_paid") // 242.00 - 100.00
	// Payables: 121.00 + 242.00 credited, 300.00 debited: 63.00 owed (a credit, negative).
	if got := p.balance("1600"); got != "-63.00" {
		t.Errorf("payables balance %s, want 63.00 owed", got)
	}

	// Later: the 79.00 to b; nothing is left to allocate.
	payURL := p.base("/supplier-payments/" + id(pay["id"]))
	r := p.must(p.do("POST", payURL+"/allocations", p.acct, map[string]any{"allocations": []any{spAlloc(b["id"], "79.00")}}), 201)
	if n := len(r.obj["data"].([]any)); n != 1 {
		t.Fatalf("%d allocations made", n)
	}
	p.wantOpen("b after 79.00", b["id"], "63.00", "partially_paid") // 142.00 - 79.00
	wantProblem(t, p.do("POST", payURL+"/allocations", p.acct, map[string]any{"allocations": []any{spAlloc(b["id"], "0.01")}}), 422, "allocation_exceeds_payment")

	// More than b has open: refused, nothing written.
	wantProblem(t, p.do("POST", p.base("/supplier-payments"), p.acct, map[string]any{"supplier_id": p.supplier, "date": "2026-03-11", "amount": "100.00",
		"allocations": []any{spAlloc(b["id"], "70.00")}}), 422, "allocation_exceeds_open")
	// Overpaid: 100.00 pays b's 63.00, 37.00 stays on the payment (a debit on payables).
	over := p.pay(map[string]any{"date": "2026-03-11", "amount": "100.00", "allocations": []any{spAlloc(b["id"], "63.00")}})
	if over["unallocated"] != "37.00" {
		t.Errorf("overpayment unallocated %v, want 37.00", over["unallocated"])
	}
	p.wantOpen("b", b["id"], "0.00", "paid")
	// Payables: 63.00 owed less 100.00 paid: 37.00 in the entity's favour.
	if got := p.balance("1600"); got != "37.00" {
		t.Errorf("payables balance %s, want 37.00 debit", got)
	}

	// A credit note of 24.20 (20.00 + 21 %) applied to an invoice of 60.50.
	cn := p.book(p.invoice(map[string]any{"kind": "credit_note"}, line("4200", "20.00", "P21")))
	d := p.book(p.invoice(nil, line("4200", "50.00", "P21")))
	r = p.must(p.do("POST", p.base("/purchase-invoices/"+id(cn["id"])+"/allocations"), p.acct, map[string]any{"allocations": []any{spAlloc(d["id"], "24.20")}}), 201)
	cnAlloc := r.obj["data"].([]any)[0].(map[string]any)
	if cnAlloc["credit_note_id"] == nil || num(cnAlloc["purchase_invoice_id"]) != num(d["id"]) || cnAlloc["fx_entry_id"] != nil {
		t.Errorf("credit note allocation %v", cnAlloc)
	}
	p.wantOpen("credit note", cn["id"], "0.00", "applied")
	p.wantOpen("d", d["id"], "36.30", "booked") // 60.50 - 24.20; a credit note settles, it does not pay
	// A credit note is not a payment: d's paid stays 0.00.
	if got := p.doc(d["id"])["paid"]; got != "0.00" {
		t.Errorf("d paid %v after a credit note, want 0.00", got)
	}
	list := p.must(p.do("GET", p.base("/purchase-invoices/"+id(d["id"])+"/allocations"), p.acct, nil), 200).obj["data"].([]any)
	if len(list) != 1 {
		t.Errorf("d has %d allocations, want 1", len(list))
	}
	// The credit note twice: it has nothing left.
	wantProblem(t, p.do("POST", p.base("/purchase-invoices/"+id(cn["id"])+"/allocations"), p.acct, map[string]any{"allocations": []any{spAlloc(d["id"], "0.01")}}), 422, "allocation_exceeds_open")
	// An invoice is no source of allocations.
	wantProblem(t, p.do("POST", p.base("/purchase-invoices/"+id(d["id"])+"/allocations"), p.acct, map[string]any{"allocations": []any{spAlloc(d["id"], "1.00")}}), 404, "not_found")

	// Refusals: another supplier's invoice, another currency, a reversed invoice.
	other := num(p.must(p.do("POST", p.base("/suppliers"), p.acct, map[string]any{"name": "Ander B.V."}), 201).obj["id"])
	e := p.book(p.invoice(map[string]any{"supplier_id": other}, line("4200", "10.00", "P21")))
	usd := p.book(p.invoice(map[string]any{"currency": "USD", "exchange_rate": "0.90"}, line("4200", "10.00", "P0")))
	overURL := p.base("/supplier-payments/" + id(over["id"]))
	wantProblem(t, p.do("POST", overURL+"/allocations", p.acct, map[string]any{"allocations": []any{spAlloc(usd["id"], "1.00")}}), 422, "currency_mismatch")
	wantProblem(t, p.do("POST", overURL+"/allocations", p.acct, map[string]any{"allocations": []any{spAlloc(e["id"], "1.00")}}), 422, "supplier_mismatch")
	rev := p.book(p.invoice(nil, line("4200", "10.00", "P21")))
	p.must(p.do("POST", p.base("/purchase-invoices/"+id(rev["id"])+"/reverse"), p.acct, nil), 200)
	wantProblem(t, p.do("POST", overURL+"/allocations", p.acct, map[string]any{"allocations": []any{spAlloc(rev["id"], "1.00")}}), 409, "purchase_invoice_reversed")
	wantProblem(t, p.do("POST", overURL+"/allocations", p.acct, map[string]any{"allocations": []any{spAlloc(cn["id"], "1.00")}}), 422, "allocation_target_invalid")
	wantProblem(t, p.do("POST", p.base("/supplier-payments"), p.acct, map[string]any{"supplier_id": 999999, "amount": "1.00"}), 422, "supplier_not_found")
	// Nothing of the refused requests was written: over still has 37.00.
	if got := p.must(p.do("GET", overURL, p.acct, nil), 200).obj["unallocated"]; got != "37.00" {
		t.Errorf("over unallocated %v after refusals, want 37.00", got)
	}

	// Removing an allocation opens both sides again.
	cnAllocURL := p.base("/purchase-allocations/" + id(cnAlloc["id"]))
	removed := p.must(p.do("DELETE", cnAllocURL, p.acct, nil), 200).obj
	if removed["removed_at"] == nil {
		t.Errorf("removed allocation %v", removed)
	}
	p.wantOpen("d after removal", d["id"], "60.50", "booked")
	p.wantOpen("credit note after removal", cn["id"], "24.20", "booked")
	wantProblem(t, p.do("DELETE", cnAllocURL, p.acct, nil), 409, "allocation_removed")

	// Removing the first payment: its three allocations are removed first,
	// then its entry is reversed. a is open in full, b by what the first
	// payment paid (100.00 + 79.00 = 179.00).
	gone := p.must(p.do("DELETE", payURL, p.acct, nil), 200).obj
	if gone["status"] != "removed" || gone["unallocated"] != "0.00" || gone["removal_entry_id"] == nil {
		t.Fatalf("removed payment %v", gone)
	}
	for _, x := range gone["allocations"].([]any) {
		if x.(map[string]any)["removed_at"] == nil {
			t.Errorf("allocation %v stands after the payment's removal", x)
		}
	}
	p.wantEntry("removal", gone["removal_entry_id"], map[string]string{"1600 C": "300.00", "1000 D": "300.00"})
	p.wantOpen("a after removal", a["id"], "121.00", "booked")
	p.wantOpen("b after removal", b["id"], "179.00", "partially_paid") // 242.00 - 63.00
	wantProblem(t, p.do("DELETE", payURL, p.acct, nil), 409, "payment_removed")
	wantProblem(t, p.do("POST", payURL+"/allocations", p.acct, map[string]any{"allocations": []any{spAlloc(a["id"], "1.00")}}), 409, "payment_removed")

	// The list, by supplier.
	page := p.must(p.do("GET", p.base("/supplier-payments?supplier_id="+strconv.FormatInt(p.supplier, 10)), p.acct, nil), 200).obj
	if n := len(page["data"].([]any)); n != 2 {
		t.Errorf("%d payments listed, want 2", n)
	}
	wantProblem(t, p.do("GET", p.base("/supplier-payments?supplier_id=x"), p.acct, nil), 422, "parameter_invalid")
}

// TestSupplierPaymentFX pays a USD invoice booked at 0.90 in two parts at
// other rates and posts the exchange differences.
func TestSupplierPaymentFX(t *testing.T) {
	t.Parallel()
	p := spFixture{newPurchaseFixture(t)}
	// USD 100.00 at 0.90: carried in payables at EUR 90.00.
	inv := p.book(p.invoice(map[string]any{"currency": "USD", "exchange_rate": "0.90"}, line("4200", "100.00", "P0")))
	if inv["functional_total"] != "90.00" {
		t.Fatalf("functional total %v", inv["functional_total"])
	}
	// USD 40.00 at 0.95 = EUR 38.00 paid; 40/100 of 90.00 = 36.00 released:
	// 2.00 more paid than carried, a loss.
	first := p.pay(map[string]any{"date": "2026-03-10", "amount": "40.00", "currency": "USD", "exchange_rate": "0.95",
		"allocations": []any{spAlloc(inv["id"], "40.00")}})
	if first["functional_amount"] != "38.00" {
		t.Errorf("functional amount %v, want 38.00", first["functional_amount"])
	}
	p.wantEntry("payment", first["entry_id"], map[string]string{"1600 D": "38.00", "1000 C": "38.00"})
	a1 := first["allocations"].([]any)[0].(map[string]any)
	if a1["owed_functional_amount"] != "36.00" || a1["settle_functional_amount"] != "38.00" || a1["fx_entry_id"] == nil {
		t.Fatalf("first allocation %v", a1)
	}
	p.wantEntry("loss", a1["fx_entry_id"], map[string]string{"8900 D": "2.00", "1600 C": "2.00"})
	// USD 60.00 at 0.85 = EUR 51.00; the rest of the carrying amount,
	// 90.00 - 36.00 = 54.00, is released: 3.00 less paid, a gain.
	second := p.pay(map[string]any{"date": "2026-03-20", "amount": "60.00", "currency": "USD", "exchange_rate": "0.85",
		"allocations": []any{spAlloc(inv["id"], "60.00")}})
	a2 := second["allocations"].([]any)[0].(map[string]any)
	if a2["owed_functional_amount"] != "54.00" || a2["settle_functional_amount"] != "51.00" {
		t.Fatalf("second allocation %v", a2)
	}
	p.wantEntry("gain", a2["fx_entry_id"], map[string]string{"1600 D": "3.00", "8900 C": "3.00"})
	p.wantOpen("usd invoice", inv["id"], "0.00", "paid")
	// Payables end at zero: 90.00 C, 38.00 + 51.00 D, 2.00 C, 3.00 D.
	if got := p.balance("1600"); got != "0.00" {
		t.Errorf("payables balance %s, want 0.00", got)
	}
	// A rate is required abroad.
	wantProblem(t, p.do("POST", p.base("/supplier-payments"), p.acct, map[string]any{"supplier_id": p.supplier, "amount": "1.00", "currency": "USD"}), 422, "exchange_rate_required")
	// Removing the second payment reverses its exchange difference too.
	gone := p.must(p.do("DELETE", p.base("/supplier-payments/"+id(second["id"])), p.acct, nil), 200).obj
	ga := gone["allocations"].([]any)[0].(map[string]any)
	p.wantEntry("gain reversed", ga["removal_entry_id"], map[string]string{"1600 C": "3.00", "8900 D": "3.00"})
	p.wantOpen("usd invoice after removal", inv["id"], "60.00", "partially_paid")
	// 90.00 C - 38.00 D + 2.00 C = 54.00 owed again.
	if got := p.balance("1600"); got != "-54.00" {
		t.Errorf("payables balance %s, want 54.00 owed", got)
	}
}
