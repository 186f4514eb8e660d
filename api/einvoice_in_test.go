package api

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"backoffice/invoicing/einvoice/einvoicetest"
	"backoffice/ledger"
)

// sampleEInvoice is the README's sample, also the tenancy fixtures' body.
var sampleEInvoice = mustReadFile("../testdata/einvoices/supplier-invoice.xml")

func mustReadFile(name string) string {
	b, err := os.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func parseTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../invoicing/einvoice/parse/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestReceiveEInvoice: received e-invoices become drafts on both
// databases. Expected figures are the files' own, worked by hand.
func TestReceiveEInvoice(t *testing.T) {
	f := newFixture(t)
	e := f.entity("Van der Berg Administratie")
	acct := f.key(ledger.RoleAccountant, e)
	base := ent(e)
	receive := func(data []byte, query string) *response {
		t.Helper()
		return f.do("POST", base+"/purchase-invoices/e-invoice"+query, acct, data, "Content-Type", "application/xml")
	}
	counts := func() string {
		var inv, sup, docs int64
		db, where := f.st.DB(), " WHERE entity_id = "+strconv.FormatInt(e, 10) // no placeholder: both dialects
		for _, q := range []struct {
			table string
			n     *int64
		}{{"purchase_invoices", &inv}, {"suppliers", &sup}, {"documents", &docs}} {
			if err := db.QueryRow(`SELECT count(*) FROM ` + q.table + where).Scan(q.n); err != nil {
				t.Fatal(err)
			}
		}
		return strconv.FormatInt(inv, 10) + "/" + strconv.FormatInt(sup, 10) + "/" + strconv.FormatInt(docs, 10)
	}

	// The Dutch supplier is known by its electronic address, and was paid
	// 500.00 in advance.
	brinkman := f.must(f.do("POST", base+"/suppliers", acct, `{"name":"Kantoorhuis Brinkman B.V.","electronic_address":"0106:34567890","default_account":"4200"}`), 201).obj
	if brinkman["electronic_address"] != "0106:34567890" {
		t.Fatalf("supplier %v", brinkman)
	}
	sid := strconv.FormatInt(num(brinkman["id"]), 10)
	pay := f.must(f.do("POST", base+"/supplier-payments", acct, `{"supplier_id":`+sid+`,"date":"2026-10-20","amount":"500.00"}`), 201).obj

	start := time.Now()
	got := f.must(receive(parseTestdata(t, "nl-erp-multirate.xml"), "?file_name=2026-10417.xml"), 201)
	t.Logf("one e-invoice received end to end in %s", time.Since(start))
	inv := got.obj
	if num(inv["supplier_id"]) != num(brinkman["id"]) || inv["supplier_created"] != false || inv["status"] != "draft" ||
		inv["supplier_invoice_number"] != "2026-10417" || inv["total"] != "1874.15" {
		t.Fatalf("draft: %s", got)
	}
	lines := inv["lines"].([]any)
	wantLines := []struct{ amount, code, account string }{
		{"742.84", "P21", "4200"}, {"539.00", "P21", "4200"}, {"110.25", "P21", "4200"}, {"15.00", "P21", "4200"}, {"74.85", "P9", "4200"}, {"89.98", "P0", "4200"}}
	if len(lines) != len(wantLines) {
		t.Fatalf("lines: %v", lines)
	}
	for i, w := range wantLines {
		l := lines[i].(map[string]any)
		if l["amount"] != w.amount || l["tax_code"] != w.code || l["account"] != w.account {
			t.Errorf("line %d: %v, want %v", i, l, w)
		}
	}
	if p, _ := inv["prepaid"].(map[string]any); p == nil || p["amount"] != "500.00" || num(p["payment_id"]) != num(pay["id"]) {
		t.Errorf("prepaid: %v", inv["prepaid"])
	}
	docIDs := inv["document_ids"].([]any)
	if len(docIDs) != 2 {
		t.Fatalf("documents: %v", docIDs)
	}
	pdf := f.must(f.do("GET", base+"/documents/"+strconv.FormatInt(num(docIDs[1]), 10)+"/content", acct, nil), 200).body
	wantPDF, _ := base64.StdEncoding.DecodeString("JVBERi0xLjQKJSBLYW50b29yaHVpcyBCcmlua21hbiBmYWN0dXVyIDIwMjYtMTA0MTcgKHRlc3QpCiUlRU9GCg==")
	if !bytes.Equal(pdf, wantPDF) {
		t.Errorf("embedded PDF kept as %q", pdf)
	}
	xmlDoc := f.must(f.do("GET", base+"/documents/"+strconv.FormatInt(num(docIDs[0]), 10), acct, nil), 200).obj
	if xmlDoc["content_type"] != "application/xml" || xmlDoc["einvoice"] != "ubl" || xmlDoc["status"] != "draft" {
		t.Errorf("xml document: %v", xmlDoc)
	}

	// Duplicates: the same file, and the same number in another file.
	before := counts()
	dup := receive(parseTestdata(t, "nl-erp-multirate.xml"), "")
	wantProblem(t, dup, 409, "document_duplicate")
	if num(dup.obj["document_id"]) != num(docIDs[0]) {
		t.Errorf("duplicate file: %s", dup)
	}
	again := bytes.Replace(parseTestdata(t, "nl-erp-multirate.xml"), []byte("<cbc:Note>Levering"), []byte("<cbc:Note>Herzonden. Levering"), 1)
	dup = receive(again, "")
	wantProblem(t, dup, 409, "supplier_invoice_number_taken")
	if num(dup.obj["purchase_invoice_id"]) != num(inv["id"]) {
		t.Errorf("duplicate number: %s", dup)
	}
	if after := counts(); after != before {
		t.Errorf("duplicates wrote: %s -> %s", before, after)
	}

	// Booked through the existing endpoint (below, with the Belgian one,
	// checked in the VAT return).
	f.must(f.do("POST", base+"/purchase-invoices/"+strconv.FormatInt(num(inv["id"]), 10)+"/book", acct, nil), 200)

	// The credit note names it.
	cn := f.must(receive(parseTestdata(t, "nl-creditnote.xml"), ""), 201).obj
	if cn["kind"] != "credit_note" || num(cn["credited_purchase_invoice_id"]) != num(inv["id"]) || cn["total"] != "229.30" {
		t.Errorf("credit note: %v", cn)
	}

	// A Belgian supplier, new: created from the document, reverse charge
	// as EU services.
	be := f.must(receive(parseTestdata(t, "be-reverse-charge.xml"), "?account=4500"), 201).obj
	if be["supplier_created"] != true || be["lines"].([]any)[0].(map[string]any)["tax_code"] != "P-eu-services" || be["total"] != "1800.00" {
		t.Errorf("belgian: %v", be)
	}
	sup := f.must(f.do("GET", base+"/suppliers/"+strconv.FormatInt(num(be["supplier_id"]), 10), acct, nil), 200).obj
	if sup["default_account"] != "4500" || sup["language"] != "en" || sup["electronic_address"] != "0208:0456789034" {
		t.Errorf("created supplier: %v", sup)
	}
	// Both booked, the VAT return of the quarter has the input VAT of
	// the Dutch invoice (302.23) and the reverse-charged VAT of the
	// Belgian one (21 % of 1800.00 = 378.00) in 5b: 680.23; the Belgian
	// service in 4b: 1800.00 and 378.00.
	f.must(f.do("POST", base+"/purchase-invoices/"+strconv.FormatInt(num(be["id"]), 10)+"/book", acct, nil), 200)
	ret := boxes(f.must(f.do("GET", base+"/vat-returns/2026-Q4", acct, nil), 200).obj)
	if !strings.HasSuffix(ret["5b"], "(-/680.23)") || !strings.HasSuffix(ret["4b"], "(1800.00/378.00)") {
		t.Errorf("VAT return: 5b %s, 4b %s", ret["5b"], ret["4b"])
	}
	// A German supplier known by its IBAN: intra-Community goods.
	f.must(f.do("POST", base+"/suppliers", acct, `{"name":"German goods","iban":"DE89370400440532013000","default_account":"4200"}`), 201)
	de := f.must(receive(parseTestdata(t, "de-intra-community.xml"), ""), 201).obj
	if de["supplier_created"] != false || de["lines"].([]any)[0].(map[string]any)["tax_code"] != "P-eu-goods" || de["total"] != "769.00" {
		t.Errorf("german: %v", de)
	}
	// The README's sample, its supplier known by VAT number.
	f.must(f.do("POST", base+"/suppliers", acct, `{"name":"De Vries","vat_number":"NL004495445B01","default_account":"4200"}`), 201)
	dv := f.must(receive([]byte(sampleEInvoice), ""), 201).obj
	if dv["supplier_created"] != false || dv["total"] != "401.15" {
		t.Errorf("sample: %v", dv)
	}

	// A US supplier in USD: without a rate the draft waits, the file kept
	// in the inbox; with one it is made from that document.
	before = counts()
	us := receive(parseTestdata(t, "us-out-of-scope.xml"), "?account=4500")
	wantProblem(t, us, 422, "einvoice_unmapped")
	if !strings.Contains(us.String(), "a document in USD needs exchange_rate") || num(us.obj["document_id"]) == 0 {
		t.Fatalf("usd: %s", us)
	}
	if after := counts(); after != before[:strings.LastIndex(before, "/")+1]+strconv.Itoa(mustAtoi(before[strings.LastIndex(before, "/")+1:])+1) {
		t.Errorf("the refusal should keep only the file: %s -> %s", before, after)
	}
	usd := f.must(f.do("POST", base+"/purchase-invoices/e-invoice", acct,
		`{"document_id":`+strconv.FormatInt(num(us.obj["document_id"]), 10)+`,"account":"4500","exchange_rate":"0.92"}`), 201).obj
	if usd["currency"] != "USD" || usd["lines"].([]any)[0].(map[string]any)["tax_code"] != "P-non-eu-services" || usd["total"] != "738.00" {
		t.Errorf("usd: %v", usd)
	}

	// A CII invoice of a French supplier charging French VAT: cost, with
	// a warning; lines 1350.00 + 100.00 + 48.00 less the 5 % allowance
	// 74.90 (67.50, 5.00, 2.40: 1282.50, 95.00, 45.60), each with its
	// 20 % share of the VAT 284.62 (256.50, 19.00, 9.12): 1539.00, 114.00,
	// 54.72 = 1707.72 as the total.
	fr := f.must(receive(parseTestdata(t, "fr-facturx-en16931.xml"), "?account=4300"), 201).obj
	frLines := fr["lines"].([]any)
	if fr["total"] != "1707.72" || len(frLines) != 3 || frLines[0].(map[string]any)["amount"] != "1539.00" ||
		frLines[1].(map[string]any)["amount"] != "114.00" || frLines[2].(map[string]any)["amount"] != "54.72" ||
		frLines[0].(map[string]any)["tax_code"] != "P-no-vat" || !strings.Contains(fmtAny(fr["findings"]), "BO-FOREIGN-VAT") {
		t.Errorf("cii: %v", fr)
	}
	// The same XML inside a Factur-X PDF, in another entity: the PDF is
	// the document.
	e2 := f.entity("Second buyer")
	acct2 := f.key(ledger.RoleAccountant, e2)
	fxPDF := einvoicetest.PDF(parseTestdata(t, "fr-facturx-en16931.xml"), einvoicetest.PDFOptions{Name: "factur-x.xml", Raw: true})
	fx := f.must(f.do("POST", ent(e2)+"/purchase-invoices/e-invoice?account=4300", acct2, fxPDF, "Content-Type", "application/pdf"), 201).obj
	if fx["total"] != "1707.72" || len(fx["document_ids"].([]any)) != 1 {
		t.Fatalf("factur-x: %v", fx)
	}
	fxDoc := f.must(f.do("GET", ent(e2)+"/documents/"+strconv.FormatInt(num(fx["document_ids"].([]any)[0]), 10), acct2, nil), 200).obj
	if fxDoc["content_type"] != "application/pdf" || fxDoc["einvoice"] != "pdf-einvoice" {
		t.Errorf("factur-x document: %v", fxDoc)
	}

	// The inbox takes the XML of an e-invoice and says so; it becomes a
	// draft from there. A plain PDF is no e-invoice.
	positive := bytes.Replace(parseTestdata(t, "nl-erp-multirate.xml"), []byte("<cbc:ID>2026-10417</cbc:ID>\n  <cbc:IssueDate>"), []byte("<cbc:ID>2026-10418</cbc:ID>\n  <cbc:IssueDate>"), 1)
	positive = bytes.Replace(positive, []byte(">-0.02<"), []byte(">0.03<"), 1)
	positive = bytes.Replace(positive, []byte(">1374.15<"), []byte(">1374.20<"), 1)
	inbox := f.must(f.do("POST", base+"/documents?file_name=2026-10418.xml", acct, positive, "Content-Type", "text/xml"), 201).obj
	if inbox["content_type"] != "application/xml" || inbox["einvoice"] != "ubl" {
		t.Errorf("inbox xml: %v", inbox)
	}
	if plain := f.must(f.do("POST", base+"/documents", acct, samplePDF, "Content-Type", "application/pdf"), 201).obj; plain["einvoice"] != nil {
		t.Errorf("plain pdf: %v", plain)
	}
	// Its rounding amount (0.03) is a line on 4900.
	rounded := f.must(f.do("POST", base+"/purchase-invoices/e-invoice", acct, `{"document_id":`+strconv.FormatInt(num(inbox["id"]), 10)+`}`), 201).obj
	rl := rounded["lines"].([]any)
	if last := rl[len(rl)-1].(map[string]any); len(rl) != 7 || last["account"] != "4900" || last["amount"] != "0.03" || last["tax_code"] != "P-no-vat" || rounded["total"] != "1874.20" {
		t.Errorf("rounding: %v", rounded)
	}

	// What cannot be mapped is listed rule by rule, the file kept in the
	// inbox; nothing else is written. A replay with the same key gets the
	// same answer and keeps nothing more.
	before = counts()
	broken := bytes.Replace(parseTestdata(t, "nl-erp-multirate.xml"), []byte(">1874.17<"), []byte(">1874.27<"), 1)
	r := f.do("POST", base+"/purchase-invoices/e-invoice", acct, broken, "Content-Type", "application/xml", "Idempotency-Key", "bad-totals")
	wantProblem(t, r, 422, "einvoice_unmapped")
	if !strings.Contains(r.String(), "BR-CO-15") {
		t.Errorf("totals: %s", r)
	}
	replay := f.do("POST", base+"/purchase-invoices/e-invoice", acct, broken, "Content-Type", "application/xml", "Idempotency-Key", "bad-totals")
	if replay.status != 422 || !bytes.Equal(replay.body, r.body) {
		t.Errorf("replay: %s", replay)
	}
	unknown := bytes.ReplaceAll(parseTestdata(t, "be-reverse-charge.xml"), []byte(">AE<"), []byte(">XX<"))
	r = receive(unknown, "")
	wantProblem(t, r, 422, "einvoice_unmapped")
	if !strings.Contains(r.String(), `VAT category \"XX\" is not an EN 16931 category`) {
		t.Errorf("unknown category: %s", r)
	}
	if after := counts(); after != before[:strings.LastIndex(before, "/")+1]+strconv.Itoa(mustAtoi(before[strings.LastIndex(before, "/")+1:])+2) {
		t.Errorf("the refusals should keep only their files: %s -> %s", before, after)
	}

	// Refusals, each writing nothing.
	before = counts()
	for _, c := range []struct {
		body   string
		status int
		reason string
	}{
		{`<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><cbc:ID>1</Invoice>`, 415, "einvoice_not_recognised"},
		{string(parseTestdata(t, "malformed.xml")), 0, ""},
		{string(parseTestdata(t, "billion-laughs.xml")), 422, "einvoice_hostile"},
		{string(parseTestdata(t, "xxe.xml")), 422, "einvoice_hostile"},
		{`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&lol2;</Invoice>`, 422, "einvoice_hostile"},
		{`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>&xxe;</ID></Invoice>`, 422, "einvoice_hostile"},
		{string(parseTestdata(t, "camt053.xml")), 415, "einvoice_not_recognised"},
		{string(samplePDF), 415, "einvoice_not_recognised"},
		{"", 400, "body_empty"},
	} {
		r := receive([]byte(c.body), "")
		if (c.status != 0 && r.status != c.status) || r.status < 400 || (c.reason != "" && r.obj["reason"] != c.reason) {
			t.Errorf("%.60q: %s", c.body, r)
		}
		if strings.Contains(c.body, "camt.053") && !strings.Contains(r.String(), "bank statement") {
			t.Errorf("a bank statement should be called one: %s", r)
		}
	}
	if after := counts(); after != before {
		t.Errorf("refusals wrote: %s -> %s", before, after)
	}
}

func mustAtoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func fmtAny(v any) string { return fmt.Sprint(v) }

// TestReceiveEInvoiceReview holds the review findings on receiving.
func TestReceiveEInvoiceReview(t *testing.T) {
	f := newFixture(t)
	// The German seller with a VAT number that passes its check (the
	// file's DE123456789 does not, and a failing number proves nothing
	// about who the seller is), IBAN DE89370400440532013000.
	de := bytes.ReplaceAll(parseTestdata(t, "de-intra-community.xml"), []byte("DE123456789"), []byte("DE123456788"))
	post := func(acct string, e int64, data []byte) *response {
		t.Helper()
		return f.do("POST", ent(e)+"/purchase-invoices/e-invoice?account=4200", acct, data, "Content-Type", "application/xml")
	}

	// A supplier with another VAT number paid into the same IBAN (a
	// factoring house's) is not the seller: a supplier is made from the
	// document.
	e := f.entity("Factoring")
	acct := f.key(ledger.RoleAccountant, e)
	other := f.must(f.do("POST", ent(e)+"/suppliers", acct, `{"name":"Other GmbH (factoring client)","vat_number":"DE136695976","iban":"DE89370400440532013000","default_account":"4200"}`), 201).obj
	got := f.must(post(acct, e, de), 201).obj
	if num(got["supplier_id"]) == num(other["id"]) || got["supplier_created"] != true {
		t.Errorf("the seller DE123456788 matched supplier %v with VAT DE136695976: %v", other["id"], got)
	}

	// Two suppliers without a VAT number share the IBAN: the first is
	// taken, with a warning.
	e = f.entity("Shared IBAN")
	acct = f.key(ledger.RoleAccountant, e)
	first := f.must(f.do("POST", ent(e)+"/suppliers", acct, `{"name":"Müller A","iban":"DE89370400440532013000","default_account":"4200"}`), 201).obj
	f.must(f.do("POST", ent(e)+"/suppliers", acct, `{"name":"Müller B","iban":"DE89370400440532013000","default_account":"4200"}`), 201)
	got = f.must(post(acct, e, de), 201).obj
	if num(got["supplier_id"]) != num(first["id"]) || !strings.Contains(fmtAny(got["findings"]), "more than one supplier has the seller's IBAN DE89370400440532013000") {
		t.Errorf("shared IBAN: %v", got)
	}

	// Amounts past what the ledger holds are refused by name (they once
	// wrapped the sums and hung the request in its transaction).
	e = f.entity("Overflow")
	acct = f.key(ledger.RoleAccountant, e)
	s := string(de)
	i, j := strings.Index(s, "<cac:InvoiceLine>"), strings.Index(s, "</cac:InvoiceLine>")+len("</cac:InvoiceLine>")
	line := regexp.MustCompile(`(LineExtensionAmount currencyID="EUR">|PriceAmount currencyID="EUR">)[0-9.]+`).ReplaceAllString(s[i:j], "${1}9999999999999.99")
	r := post(acct, e, []byte(s[:i]+line+line+s[j:]))
	wantProblem(t, r, 422, "einvoice_unmapped")
	if !strings.Contains(r.String(), "more than the ledger holds") {
		t.Errorf("overflow: %s", r)
	}

	// Document data longer than a supplier holds is cut, with warnings, not
	// a 422 naming fields the caller never sent.
	e = f.entity("Long data")
	acct = f.key(ledger.RoleAccountant, e)
	long := strings.Repeat("ab ", 1500)
	data := de
	for _, re := range []string{`(<cac:PartyName><cbc:Name>)[^<]*`, `(<cbc:RegistrationName>)[^<]*`, `(<cbc:StreetName>)[^<]*`, `(<cbc:CityName>)[^<]*`,
		`(<cbc:PostalZone>)[^<]*`, `(<cac:PayeeFinancialAccount><cbc:ID>[^<]*</cbc:ID><cbc:Name>)[^<]*`, `(<cac:Item>(?:<cbc:Description>[^<]*</cbc:Description>)?<cbc:Name>)[^<]*`} {
		data = regexp.MustCompile(re).ReplaceAll(data, []byte("${1}"+long))
	}
	data = regexp.MustCompile(`(<cac:FinancialInstitutionBranch><cbc:ID>)[^<]*`).ReplaceAll(data, []byte("${1}NOTABIC"))
	got = f.must(post(acct, e, data), 201).obj
	for _, w := range []string{"Seller.Name", "Seller.Address.City", "Seller.Address.PostalZone", "PaymentMeans.BIC", "PaymentMeans.AccountName"} {
		if !strings.Contains(fmtAny(got["findings"]), w) {
			t.Errorf("no warning on %s: %v", w, got["findings"])
		}
	}
}

// A supplier found by IBAN or electronic address is passed over only when
// both VAT numbers are valid and differ: a document's number that fails
// its check proves nothing, and GB and XI name the same trader.
func TestOtherVATNumber(t *testing.T) {
	for _, c := range []struct {
		doc, stored string
		other       bool
	}{
		{"DE123456788", "DE136695976", true},      // a factoring house's client
		{"DE136695976", "DE136695976", false},     // the same
		{"XI123456782", "GB123456782", false},     // Northern Ireland, goods
		{"853445678B01", "NL853445678B01", false}, // no prefix: fails its check
		{"DE123456789", "DE136695976", false},     // a wrong check digit proves nothing
		{"", "NL853445678B01", false},
		{"DE123456788", "", false},
	} {
		if got := otherVATNumber(c.doc, c.stored); got != c.other {
			t.Errorf("otherVATNumber(%q, %q) = %v", c.doc, c.stored, got)
		}
	}
}
