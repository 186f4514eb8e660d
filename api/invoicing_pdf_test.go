package api

import (
	"fmt"
	"strings"
	"testing"

	"backoffice/invoicing/pdf/pdftest"
)

// An invoice's PDF says what is settled of it when it is downloaded: it
// asks for the total, then for what remains after a part payment, then
// says on which day it was paid in full (the latest date of the
// allocations that stand), and asks again once a payment is removed. A
// credited invoice, its credit note and a voided invoice ask for nothing.
func TestInvoicePDFSettlement(t *testing.T) {
	t.Parallel()
	b := newBooks(t)
	id := b.invoice(bread + "," + advice) // 323.92, issued 10-03-2026, due 24-03-2026
	b.issue(id)
	text := func(path string) string {
		t.Helper()
		return pdftest.Flat(pdftest.Text(t, b.must(b.do("GET", b.base+path, b.acct, nil), 200).body))
	}
	check := func(path string, want []string, unwant ...string) {
		t.Helper()
		got := text(path)
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("%s lacks %q:\n%s", path, w, got)
			}
		}
		for _, w := range unwant {
			if strings.Contains(got, w) {
				t.Errorf("%s holds %q:\n%s", path, w, got)
			}
		}
	}
	pay := func(date, amount, invoice string) int64 {
		t.Helper()
		return num(b.must(b.do("POST", b.base+"/payments", b.acct, `{"customer_id":`+b.cust+`,"date":"`+date+`","amount":"`+amount+`",
			"allocations":[{"invoice_id":`+invoice+`,"amount":"`+amount+`"}]}`), 201).obj["id"])
	}
	inv := "/invoices/" + id + "/pdf"

	check(inv, []string{"Wij verzoeken u € 323,92 vóór 24-03-2026 over te maken"}, "Betaald", "Openstaand")

	first := pay("2026-03-12", "100.00", id)
	check(inv, []string{
		"Van deze factuur is € 100,00 betaald; € 223,92 staat nog open.",
		"Wij verzoeken u het resterende bedrag van € 223,92 vóór 24-03-2026 over te maken",
		"Betaald € 100,00", "Openstaand € 223,92",
	}, "Wij verzoeken u € 323,92")

	// The rest, backdated before the first payment: the invoice is paid
	// in full as of the later date.
	pay("2026-03-11", "223.92", id)
	check(inv, []string{"Deze factuur is op 12-03-2026 volledig betaald. Er staat niets meer open.", "Openstaand € 0,00"},
		"Wij verzoeken u", "resterende")

	b.must(b.do("DELETE", fmt.Sprintf("%s/payments/%d", b.base, first), b.acct, nil), 200)
	check(inv, []string{
		"Van deze factuur is € 223,92 betaald; € 100,00 staat nog open.",
		"Wij verzoeken u het resterende bedrag van € 100,00",
	}, "volledig betaald")

	// Credited in full: the invoice and its credit note ask for nothing.
	other := b.invoice(bread)
	b.issue(other)
	cn := b.must(b.do("POST", b.base+"/invoices/"+other+"/credit-notes", b.acct, `{"issue_date":"2026-03-13"}`), 201).obj
	check("/invoices/"+other+"/pdf", []string{"Deze factuur is op 13-03-2026 volledig gecrediteerd. Er staat niets meer open."},
		"Wij verzoeken u", "Betaald")
	check(fmt.Sprintf("/credit-notes/%d/pdf", num(cn["id"])), []string{"KLANT", "Verrekening",
		"Deze creditnota is op 13-03-2026 volledig verrekend. U hoeft niets te betalen."},
		"Wij verzoeken u", "FACTUUR AAN", "IBAN", "Betalingskenmerk")

	// Voided: nothing to pay.
	void := b.invoice(bread)
	b.issue(void)
	b.must(b.do("POST", b.base+"/invoices/"+void+"/void", b.acct, nil), 200)
	check("/invoices/"+void+"/pdf", []string{"Factuur – VERVALLEN", "Deze factuur is vervallen: u hoeft niets te betalen."},
		"Wij verzoeken u", "IBAN")
}
