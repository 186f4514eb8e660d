package api

import (
	"context"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"backoffice/invoicing/invstore"
	"backoffice/invoicing/orders/orderstore"
	"backoffice/invoicing/purchases/purchstore"
	"backoffice/invoicing/webhooks"
	"backoffice/invoicing/webhooks/hookstore"
	"backoffice/ledger"
	"backoffice/ledger/bank/bankstore"
	"backoffice/ledger/sqlstore"
	"backoffice/ledger/sqlstore/sqltest"
)

// newOutgoingFixture is a purchase fixture served as cmd/backoffice wires
// the service: bank reconciliation applies money out to purchase
// documents (bankstore.WithPayables).
func newOutgoingFixture(t *testing.T) spFixture {
	t.Helper()
	st := orderstore.New(invstore.New(sqltest.Open(t)))
	_, secret, err := st.CreateKey(context.Background(), nil, &ledger.KeyInput{Name: "admin", Role: ledger.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	loopback := webhooks.AddressPolicy{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}
	hooks := hookstore.New(st.Store.Store, loopback)
	buys := purchstore.New(st.Store.Store)
	banks := bankstore.New(st.Store.Store, st.Store.Receivables()).WithPayables(buys.Payables())
	cfg := Config{Store: st, Hooks: hooks, Bank: banks, Purchases: buys, Logger: quiet, Bind: func(tx *sqlstore.Tx) Services {
		return Services{Store: st.In(tx), Hooks: hooks.In(tx), Bank: banks.In(tx), Purchases: buys.In(tx)}
	}}
	f := &fixture{t: t, st: st, srv: New(cfg), admin: secret}
	p := &purchaseFixture{fixture: f, t: t, e: f.entity("Payer")}
	p.acct = f.key(ledger.RoleAccountant, p.e)
	p.supplier = num(f.must(f.do("POST", p.base("/suppliers"), p.acct, map[string]any{"name": "Kantoorhuis B.V.", "iban": "NL91 ABNA 0417 1643 00"}), 201).obj["id"])
	return spFixture{p}
}

const ownIBAN = "NL20INGB0001234567"

// camt writes a CAMT.053 statement of the entity's account; each line is
// "ref|date|signed minor|counterparty IBAN|text".
func camt(id, from, to string, opening int64, lines ...string) string {
	closing := opening
	var entries strings.Builder
	for _, l := range lines {
		var ref, date, iban, text string
		var minor int64
		parts := strings.Split(l, "|")
		ref, date, iban, text = parts[0], parts[1], parts[3], parts[4]
		fmt.Sscan(parts[2], &minor)
		closing += minor
		role := "Cdtr" // money out: the other party is the creditor
		if minor > 0 {
			role = "Dbtr"
		}
		party := ""
		if iban != "" {
			party = "<RltdPties><" + role + "><Nm>Party</Nm></" + role + "><" + role + "Acct><Id><IBAN>" + iban + "</IBAN></Id></" + role + "Acct></RltdPties>"
		}
		fmt.Fprintf(&entries, `<Ntry><Amt Ccy="EUR">%s</Amt><CdtDbtInd>%s</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>%s</Dt></BookgDt><AcctSvcrRef>%s</AcctSvcrRef>
<NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>%s<RmtInf><Ustrd>%s</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>`,
			plain(minor), side(minor), date, ref, party, text)
	}
	return fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>%[1]s</MsgId><CreDtTm>%[3]sT20:00:00</CreDtTm></GrpHdr>
<Stmt><Id>%[1]s</Id><FrToDt><FrDtTm>%[2]sT00:00:00</FrDtTm><ToDtTm>%[3]sT23:59:59</ToDtTm></FrToDt><Acct><Id><IBAN>%[9]s</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">%[4]s</Amt><CdtDbtInd>%[5]s</CdtDbtInd><Dt><Dt>%[2]s</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">%[6]s</Amt><CdtDbtInd>%[7]s</CdtDbtInd><Dt><Dt>%[3]s</Dt></Dt></Bal>%[8]s</Stmt></BkToCstmrStmt></Document>`,
		id, from, to, plain(opening), side(opening), plain(closing), side(closing), entries.String(), ownIBAN)
}

// TestOutgoingBankLines imports statements of money out and applies each
// line as its proposal shows: one open purchase invoice of the supplier
// with the line's counterparty IBAN, then all its open documents less a
// credit note. Payables and the open amounts end at zero, the lines are
// reconciled with the supplier payments' lines on the bank's account.
func TestOutgoingBankLines(t *testing.T) {
	t.Parallel()
	p := newOutgoingFixture(t)
	bankPath := p.base("/bank-accounts/" + id(p.must(p.do("POST", p.base("/bank-accounts"), p.acct,
		map[string]any{"account": "1000", "iban": ownIBAN, "name": "Betaalrekening"}), 201).obj["id"]))
	i1 := p.book(p.invoice(nil, line("4200", "100.00", "P21")))                                  // 121.00
	i2 := p.book(p.invoice(nil, line("4200", "50.00", "P21")))                                   // 60.50
	c1 := p.book(p.invoice(map[string]any{"kind": "credit_note"}, line("4200", "10.00", "P21"))) // 12.10
	other := num(p.must(p.do("POST", p.base("/suppliers"), p.acct, map[string]any{"name": "Drukkerij", "iban": "NL39RABO0300065264"}), 201).obj["id"])
	r1 := p.book(p.invoice(map[string]any{"supplier_id": other}, line("4200", "200.00", "P21"))) // 242.00

	// Week 1: 60.50 to the first supplier (i2 alone), 242.00 to the second,
	// 999.99 that pays nothing open.
	w1 := camt("OUT-1", "2026-03-16", "2026-03-22", 100000,
		"O1|2026-03-17|-6050|NL91ABNA0417164300|Factuur 2",
		"O2|2026-03-17|-24200|NL39RABO0300065264|Drukwerk",
		"O3|2026-03-18|-99999|NL91ABNA0417164300|Onbekend")
	p.must(p.do("POST", bankPath+"/statements?file_name=w1.xml", p.acct, w1, "Content-Type", "application/xml"), 201)
	lines := map[string]map[string]any{}
	readLines := func() {
		for _, l := range p.must(p.do("GET", bankPath+"/statement-lines?limit=100", p.acct, nil), 200).obj["data"].([]any) {
			l := l.(map[string]any)
			lines[l["bank_ref"].(string)] = l
		}
	}
	readLines()
	props := func() map[string]map[string]any {
		out := map[string]map[string]any{}
		for _, x := range p.must(p.do("GET", bankPath+"/proposals", p.acct, nil), 200).obj["data"].([]any) {
			x := x.(map[string]any)
			out[x["statement_line"].(map[string]any)["bank_ref"].(string)] = x
		}
		return out
	}
	got := props()
	if len(got) != 2 || got["O3"] != nil {
		t.Fatalf("proposals %v, want O1 and O2", got)
	}
	o1 := got["O1"]
	a := o1["allocations"].([]any)
	if o1["kind"] != "supplier_payment" || num(o1["supplier_id"]) != p.supplier || len(a) != 1 ||
		num(a[0].(map[string]any)["purchase_invoice_id"]) != num(i2["id"]) || a[0].(map[string]any)["amount"] != "60.50" {
		t.Fatalf("O1 proposal %v", o1)
	}
	if num(got["O2"]["supplier_id"]) != other {
		t.Errorf("O2 proposal %v", got["O2"])
	}

	apply := func(ref string) map[string]any {
		t.Helper()
		return p.must(p.do("POST", bankPath+"/statement-lines/"+id(lines[ref]["id"])+"/apply", p.acct, nil), 201).obj
	}
	m := apply("O1")
	if m["rule"] != "cash_application" || m["amount"] == nil {
		t.Errorf("match %v", m)
	}
	ll := m["ledger_lines"].([]any)
	if len(ll) != 1 {
		t.Fatalf("match has %d ledger lines", len(ll))
	}
	// The entry: payables debited, the bank's account credited with 60.50.
	p.wantEntry("O1 payment", ll[0].(map[string]any)["entry_id"], map[string]string{"1600 D": "60.50", "1000 C": "60.50"})
	p.wantOpen("i2", i2["id"], "0.00", "paid")
	wantProblem(t, p.do("POST", bankPath+"/statement-lines/"+id(lines["O1"]["id"])+"/apply", p.acct, nil), 409, "line_already_matched")
	wantProblem(t, p.do("POST", bankPath+"/statement-lines/"+id(lines["O3"]["id"])+"/apply", p.acct, nil), 422, "no_proposal")
	apply("O2")
	p.wantOpen("r1", r1["id"], "0.00", "paid")

	// Week 2: 108.90 = i1 121.00 less c1 12.10, everything the first
	// supplier has open.
	w2 := camt("OUT-2", "2026-03-23", "2026-03-29", 100000-6050-24200-99999,
		"O4|2026-03-24|-10890|NL91ABNA0417164300|Saldo maart")
	p.must(p.do("POST", bankPath+"/statements?file_name=w2.xml", p.acct, w2, "Content-Type", "application/xml"), 201)
	readLines()
	o4 := props()["O4"]
	if o4 == nil || len(o4["allocations"].([]any)) != 2 {
		t.Fatalf("O4 proposal %v", o4)
	}
	amounts := map[int64]string{}
	for _, x := range o4["allocations"].([]any) {
		x := x.(map[string]any)
		amounts[num(x["purchase_invoice_id"])] = x["amount"].(string)
	}
	if amounts[num(i1["id"])] != "121.00" || amounts[num(c1["id"])] != "-12.10" {
		t.Errorf("O4 allocations %v", amounts)
	}
	m = apply("O4")
	p.wantEntry("O4 payment", m["ledger_lines"].([]any)[0].(map[string]any)["entry_id"], map[string]string{"1600 D": "108.90", "1000 C": "108.90"})
	p.wantOpen("i1", i1["id"], "0.00", "paid")
	p.wantOpen("c1", c1["id"], "0.00", "applied")
	// i1 was paid 108.90 and credited 12.10: paid is what money moved.
	if got := p.doc(i1["id"])["paid"]; got != "108.90" {
		t.Errorf("i1 paid %v, want 108.90", got)
	}
	// Payables: 121.00 + 60.50 - 12.10 + 242.00 = 411.40 credited;
	// 60.50 + 242.00 + 108.90 = 411.40 debited.
	if got := p.balance("1600"); got != "0.00" {
		t.Errorf("payables balance %s, want 0.00", got)
	}
	readLines()
	for _, ref := range []string{"O1", "O2", "O4"} {
		if lines[ref]["match_id"] == nil {
			t.Errorf("line %s is not reconciled", ref)
		}
	}
	if lines["O3"]["match_id"] != nil {
		t.Errorf("O3 reconciled")
	}
	// The bank's ledger account: 1,000.00 opening is not in the books, the
	// payments are: 0 - 60.50 - 242.00 - 108.90 = -411.40.
	if got := p.balance("1000"); got != "-411.40" {
		t.Errorf("bank balance %s, want -411.40", got)
	}
	// Three supplier payments, all on 1000, fully allocated.
	pays := p.must(p.do("GET", p.base("/supplier-payments"), p.acct, nil), 200).obj["data"].([]any)
	if len(pays) != 3 {
		t.Fatalf("%d supplier payments", len(pays))
	}
	for _, x := range pays {
		x := x.(map[string]any)
		if x["bank_account"] != "1000" || x["unallocated"] != "0.00" {
			t.Errorf("supplier payment %v", x)
		}
	}
	if len(props()) != 0 {
		t.Errorf("proposals left: %v", props())
	}
}

// TestOutgoingBatchLine books an exported payment batch to two suppliers
// as the bank books it, one line of its total without a counterparty, and
// applies it: one supplier payment per supplier, every item allocated (the
// credit note first to its supplier's invoice).
func TestOutgoingBatchLine(t *testing.T) {
	t.Parallel()
	p := newOutgoingFixture(t)
	bankNum := num(p.must(p.do("POST", p.base("/bank-accounts"), p.acct, map[string]any{"account": "1000", "iban": ownIBAN, "name": "Betaalrekening"}), 201).obj["id"])
	bankID := strconv.FormatInt(bankNum, 10)
	bankPath := p.base("/bank-accounts/" + bankID)
	due := map[string]any{"invoice_date": "2026-11-02", "vat_date": "2026-11-02"}
	k1 := p.book(p.invoice(due, line("4200", "100.00", "P21")))                                                                                          // 121.00
	kc := p.book(p.invoice(map[string]any{"kind": "credit_note", "invoice_date": "2026-11-02", "vat_date": "2026-11-02"}, line("4200", "10.00", "P21"))) // 12.10
	other := num(p.must(p.do("POST", p.base("/suppliers"), p.acct, map[string]any{"name": "Drukkerij", "iban": "NL39RABO0300065264"}), 201).obj["id"])
	r1 := p.book(p.invoice(map[string]any{"supplier_id": other, "invoice_date": "2026-11-02", "vat_date": "2026-11-02"}, line("4200", "50.00", "P21"))) // 60.50
	batch := p.must(p.do("POST", p.base("/payment-batches"), p.acct, map[string]any{"bank_account_id": bankNum, "execution_date": "2099-01-05",
		"purchase_invoice_ids": []any{num(k1["id"]), num(kc["id"]), num(r1["id"])}}), 201).obj
	p.must(p.do("GET", p.base("/payment-batches/"+id(batch["id"])+"/pain.001"), p.acct, nil), 200)

	// 121.00 - 12.10 + 60.50 = 169.40, booked as one line.
	w := camt("BATCH-1", "2026-12-07", "2026-12-07", 50000, "B1|2026-12-07|-16940||Batch "+fmt.Sprint(batch["message_id"]))
	p.must(p.do("POST", bankPath+"/statements?file_name=b.xml", p.acct, w, "Content-Type", "application/xml"), 201)
	list := p.must(p.do("GET", bankPath+"/proposals", p.acct, nil), 200).obj["data"].([]any)
	if len(list) != 1 {
		t.Fatalf("proposals %v", list)
	}
	pr := list[0].(map[string]any)
	if num(pr["payment_batch_id"]) != num(batch["id"]) || pr["supplier_id"] != nil || len(pr["allocations"].([]any)) != 3 {
		t.Fatalf("batch proposal %v", pr)
	}
	line := pr["statement_line"].(map[string]any)
	m := p.must(p.do("POST", bankPath+"/statement-lines/"+id(line["id"])+"/apply", p.acct, nil), 201).obj
	ll := m["ledger_lines"].([]any)
	if len(ll) != 2 {
		t.Fatalf("match has %d ledger lines, want 2 (one payment per supplier)", len(ll))
	}
	// One payment of 121.00 - 12.10 = 108.90, one of 60.50.
	p.wantEntry("first supplier", ll[0].(map[string]any)["entry_id"], map[string]string{"1600 D": "108.90", "1000 C": "108.90"})
	p.wantEntry("second supplier", ll[1].(map[string]any)["entry_id"], map[string]string{"1600 D": "60.50", "1000 C": "60.50"})
	p.wantOpen("k1", k1["id"], "0.00", "paid")
	p.wantOpen("kc", kc["id"], "0.00", "applied")
	p.wantOpen("r1", r1["id"], "0.00", "paid")
	if got := p.balance("1600"); got != "0.00" {
		t.Errorf("payables balance %s, want 0.00", got)
	}
	if got := p.must(p.do("GET", bankPath+"/statement-lines/"+id(line["id"]), p.acct, nil), 200).obj["match_id"]; got == nil {
		t.Errorf("batch line not reconciled")
	}
}

// TestOutgoingBatchTransfer pays a supplier's transfer of an exported
// batch, booked as a line of its own: neither one invoice nor all the
// supplier has open, but the batch's items of that supplier.
func TestOutgoingBatchTransfer(t *testing.T) {
	t.Parallel()
	p := newOutgoingFixture(t)
	bankNum := num(p.must(p.do("POST", p.base("/bank-accounts"), p.acct, map[string]any{"account": "1000", "iban": ownIBAN, "name": "Betaalrekening"}), 201).obj["id"])
	bankPath := p.base("/bank-accounts/" + strconv.FormatInt(bankNum, 10))
	nov := map[string]any{"invoice_date": "2026-11-02", "vat_date": "2026-11-02"}
	k1 := p.book(p.invoice(nov, line("4200", "100.00", "P21"))) // 121.00
	k2 := p.book(p.invoice(nov, line("4200", "50.00", "P21")))  // 60.50
	k3 := p.book(p.invoice(nov, line("4200", "25.00", "P21")))  // 30.25, not in the batch
	batch := p.must(p.do("POST", p.base("/payment-batches"), p.acct, map[string]any{"bank_account_id": bankNum, "execution_date": "2099-01-05",
		"purchase_invoice_ids": []any{num(k1["id"]), num(k2["id"])}}), 201).obj
	p.must(p.do("GET", p.base("/payment-batches/"+id(batch["id"])+"/pain.001"), p.acct, nil), 200)
	// 121.00 + 60.50 = 181.50: not one invoice, not all three (211.75).
	w := camt("TR-1", "2026-12-07", "2026-12-07", 50000, "T1|2026-12-07|-18150|NL91ABNA0417164300|Betaling")
	p.must(p.do("POST", bankPath+"/statements?file_name=t.xml", p.acct, w, "Content-Type", "application/xml"), 201)
	list := p.must(p.do("GET", bankPath+"/proposals", p.acct, nil), 200).obj["data"].([]any)
	if len(list) != 1 {
		t.Fatalf("proposals %v", list)
	}
	pr := list[0].(map[string]any)
	if num(pr["supplier_id"]) != p.supplier || num(pr["payment_batch_id"]) != num(batch["id"]) || len(pr["allocations"].([]any)) != 2 {
		t.Fatalf("transfer proposal %v", pr)
	}
	m := p.must(p.do("POST", bankPath+"/statement-lines/"+id(pr["statement_line"].(map[string]any)["id"])+"/apply", p.acct, nil), 201).obj
	p.wantEntry("transfer", m["ledger_lines"].([]any)[0].(map[string]any)["entry_id"], map[string]string{"1600 D": "181.50", "1000 C": "181.50"})
	p.wantOpen("k1", k1["id"], "0.00", "paid")
	p.wantOpen("k2", k2["id"], "0.00", "paid")
	p.wantOpen("k3", k3["id"], "30.25", "booked")
	// Payables: 121.00 + 60.50 + 30.25 = 211.75 credited, 181.50 paid: 30.25 owed.
	if got := p.balance("1600"); got != "-30.25" {
		t.Errorf("payables balance %s, want -30.25", got)
	}
}

// TestOutgoingBatchTransferBeside: a supplier with a payment reference
// gets two transfers in one batch (the reference's own, and one for its
// other invoices). A bank that books each transfer as a line of its own
// gives a line of the other invoices' transfer only: neither one invoice,
// nor all the supplier has open, nor all of its items in the batch. It is
// proposed by its transfer.
func TestOutgoingBatchTransferBeside(t *testing.T) {
	t.Parallel()
	p := newOutgoingFixture(t)
	bankNum := num(p.must(p.do("POST", p.base("/bank-accounts"), p.acct, map[string]any{"account": "1000", "iban": ownIBAN, "name": "Betaalrekening"}), 201).obj["id"])
	bankPath := p.base("/bank-accounts/" + strconv.FormatInt(bankNum, 10))
	nov := map[string]any{"invoice_date": "2026-11-02", "vat_date": "2026-11-02"}
	k1 := p.book(p.invoice(nov, line("4200", "100.00", "P21"))) // 121.00
	k2 := p.book(p.invoice(nov, line("4200", "50.00", "P21")))  // 60.50
	kr := p.book(p.invoice(map[string]any{"invoice_date": "2026-11-02", "vat_date": "2026-11-02", "payment_reference": "5000056789012345"},
		line("4200", "200.00", "P21"))) // 242.00, its own transfer
	batch := p.must(p.do("POST", p.base("/payment-batches"), p.acct, map[string]any{"bank_account_id": bankNum, "execution_date": "2099-01-05",
		"purchase_invoice_ids": []any{num(k1["id"]), num(k2["id"]), num(kr["id"])}}), 201).obj
	if n := len(batch["transfers"].([]any)); n != 2 {
		t.Fatalf("%d transfers, want 2", n)
	}
	p.must(p.do("GET", p.base("/payment-batches/"+id(batch["id"])+"/pain.001"), p.acct, nil), 200)
	// 121.00 + 60.50 = 181.50; the supplier's items in the batch are 423.50.
	w := camt("TB-1", "2026-12-07", "2026-12-07", 50000, "T1|2026-12-07|-18150|NL91ABNA0417164300|Betaling")
	p.must(p.do("POST", bankPath+"/statements?file_name=t.xml", p.acct, w, "Content-Type", "application/xml"), 201)
	list := p.must(p.do("GET", bankPath+"/proposals", p.acct, nil), 200).obj["data"].([]any)
	if len(list) != 1 {
		t.Fatalf("proposals %v", list)
	}
	pr := list[0].(map[string]any)
	got := map[int64]bool{}
	for _, a := range pr["allocations"].([]any) {
		got[num(a.(map[string]any)["purchase_invoice_id"])] = true
	}
	if num(pr["payment_batch_id"]) != num(batch["id"]) || len(got) != 2 || !got[num(k1["id"])] || !got[num(k2["id"])] {
		t.Fatalf("transfer proposal %v", pr)
	}
	p.must(p.do("POST", bankPath+"/statement-lines/"+id(pr["statement_line"].(map[string]any)["id"])+"/apply", p.acct, nil), 201)
	p.wantOpen("k1", k1["id"], "0.00", "paid")
	p.wantOpen("kr", kr["id"], "242.00", "booked")
}
