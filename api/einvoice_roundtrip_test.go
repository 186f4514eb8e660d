package api

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"backoffice/ledger"
)

// TestEInvoiceRoundTrip: an invoice and its credit note issued by one
// entity, downloaded as UBL and received by another as purchase
// documents, with the same totals, VAT per rate and lines.
func TestEInvoiceRoundTrip(t *testing.T) {
	t.Parallel()
	a := newBooks(t) // the seller: Bakkerij Test BV, KvK 12345678, NL123456782B01
	// The buyer, an entity of the same firm's books.
	buyer := a.entity("Groothandel De Molen BV")
	bKey := a.key(ledger.RoleAccountant, buyer)
	bBase := ent(buyer)
	a.must(a.do("PATCH", bBase, bKey, `{"vat_number":"NL000099998B57","registration_id":"87654321",
		"address":{"lines":["Molenweg 3"],"postcode":"3512 AB","city":"Utrecht","country":"NL"}}`), 200)
	// The buyer as the seller's customer: its KvK number is its
	// electronic address (0106, derived).
	cust := strconv.FormatInt(num(a.must(a.do("POST", a.base+"/customers", a.acct, `{"name":"Groothandel De Molen BV","language":"nl",
		"vat_number":"NL000099998B57","registration_id":"87654321",
		"address":{"lines":["Molenweg 3"],"postcode":"3512 AB","city":"Utrecht","country":"NL"}}`), 201).obj["id"]), 10)

	// Worked by hand: 9 %: 12 x 3.95 = 47.40, VAT 4.266 -> 4.27;
	// 21 %: 2.5 x 100 less 10 % = 225.00, plus 1 x 12.50 = 237.50,
	// VAT 49.875 -> 49.88. Net 284.90, VAT 54.15, total 339.05.
	delivery := `{"description":"Delivery","quantity":"1","unit_price":"12.50","tax_code":"21"}`
	inv := strconv.FormatInt(num(a.must(a.do("POST", a.base+"/invoices", a.acct, `{"customer_id":`+cust+
		`,"issue_date":"2026-03-10","buyer_reference":"PO-4471","lines":[`+bread+`,`+advice+`,`+delivery+`]}`), 201).obj["id"]), 10)
	issued := a.issue(inv)
	if issued["total"] != "339.05" {
		t.Fatalf("issued: %v", issued)
	}
	ubl := a.must(a.do("GET", a.base+"/invoices/"+inv+"/ubl", a.acct, nil), 200).body

	receive := func(data []byte) map[string]any {
		t.Helper()
		return a.must(a.do("POST", bBase+"/purchase-invoices/e-invoice?account=4200", bKey, data, "Content-Type", "application/xml"), 201).obj
	}
	got := receive(ubl)
	if got["supplier_created"] != true || got["supplier_invoice_number"] != issued["number"] || got["invoice_date"] != "2026-03-10" ||
		got["net"] != "284.90" || got["vat_total"] != "54.15" || got["total"] != "339.05" || got["status"] != "draft" {
		t.Fatalf("received: %v", got)
	}
	var lines []string
	for _, l := range got["lines"].([]any) {
		l := l.(map[string]any)
		lines = append(lines, fmt.Sprintf("%s %s %s %s", l["description"], l["amount"], l["tax_code"], l["account"]))
	}
	if want := "Sourdough 47.40 P9 4200; Advice 225.00 P21 4200; Delivery 12.50 P21 4200"; strings.Join(lines, "; ") != want {
		t.Errorf("lines:\n got %s\nwant %s", strings.Join(lines, "; "), want)
	}
	var vat []string
	for _, r := range got["vat"].([]any) {
		r := r.(map[string]any)
		vat = append(vat, fmt.Sprintf("%s %s %s", r["tax_code"], r["taxable"], r["booked"]))
	}
	if want := "P9 47.40 4.27; P21 237.50 49.88"; strings.Join(vat, "; ") != want {
		t.Errorf("VAT:\n got %s\nwant %s", strings.Join(vat, "; "), want)
	}
	sup := a.must(a.do("GET", bBase+"/suppliers/"+strconv.FormatInt(num(got["supplier_id"]), 10), bKey, nil), 200).obj
	if sup["name"] != "Bakkerij Test BV" || sup["vat_number"] != "NL123456782B01" || sup["iban"] != testIBAN || sup["default_account"] != "4200" {
		t.Errorf("supplier: %v", sup)
	}
	// The seller's PDF travelled inside the UBL and is kept beside it.
	docs := got["document_ids"].([]any)
	if len(docs) != 2 {
		t.Fatalf("documents: %v", docs)
	}
	pdf := a.must(a.do("GET", bBase+"/documents/"+strconv.FormatInt(num(docs[1]), 10)+"/content", bKey, nil), 200).body
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Errorf("embedded PDF kept as %.20q", pdf)
	}
	pid := strconv.FormatInt(num(got["id"]), 10)
	a.must(a.do("POST", bBase+"/purchase-invoices/"+pid+"/book", bKey, nil), 200)

	// The credit note: found as crediting the invoice received, for the
	// whole of it.
	cn := a.must(a.do("POST", a.base+"/invoices/"+inv+"/credit-notes", a.acct, `{"issue_date":"2026-03-12"}`), 201).obj
	cid := strconv.FormatInt(num(cn["id"]), 10)
	credit := receive(a.must(a.do("GET", a.base+"/credit-notes/"+cid+"/ubl?pdf=false", a.acct, nil), 200).body)
	if credit["kind"] != "credit_note" || num(credit["credited_purchase_invoice_id"]) != num(got["id"]) || credit["supplier_created"] != false ||
		credit["total"] != "339.05" || credit["vat_total"] != "54.15" || len(credit["document_ids"].([]any)) != 1 {
		t.Errorf("credit note received: %v", credit)
	}
}
