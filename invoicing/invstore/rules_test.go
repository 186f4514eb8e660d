package invstore_test

import (
	"fmt"
	"testing"

	"backoffice/invoicing"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
	"backoffice/ledger/sqlstore/sqltest"
)

// TestIssueNumbersDatesAndEntry: a draft without dates is issued today,
// supplied today and due after the customer's terms; the entry debits
// receivables with the total and credits each revenue account with its
// nets and the VAT account with each code's VAT.
func TestIssueNumbersDatesAndEntry(t *testing.T) {
	f := newFixture(t)
	terms := 14
	name := "Brasserie Quatorze"
	c := f.customerWith(&invoicing.CustomerInput{Name: &name, PaymentTermsDays: &terms})
	lines := []invoicing.LineInput{
		{Description: "Cake", Quantity: "2", UnitPrice: "10.00", TaxCode: "21"},                      // 20.00, VAT 4.20
		{Description: "Bread", Quantity: "3", UnitPrice: "2", TaxCode: "9", RevenueAccount: "8100"},  // 6.00, VAT 0.54
		{Description: "Export", Quantity: "1", UnitPrice: "5", TaxCode: "0", RevenueAccount: "8200"}, // 5.00
		{Description: "Cake slice", Quantity: "1", UnitPrice: "0.50", TaxCode: "21"},                 // 0.50 (VAT of 20.50: 4.305 -> 4.31)
	}
	draft := f.draftIn(&invoicing.InvoiceInput{CustomerID: &c.ID, Lines: &lines})
	if draft.Number != "" || draft.IssueDate != nil || draft.Status() != invoicing.StatusDraft {
		t.Fatalf("draft %+v", draft)
	}
	inv := f.issue(draft)
	today := f.ent.Today()
	year := thisYear(f)
	if want := fmt.Sprintf("INV-%d-0001", year); inv.Number != want {
		t.Fatalf("number %s; want %s", inv.Number, want)
	}
	if *inv.IssueDate != today || *inv.SupplyDate != today || *inv.DueDate != today.AddDays(14) {
		t.Fatalf("issue %s supply %s due %s; want %s, %s, %s", inv.IssueDate, inv.SupplyDate, inv.DueDate, today, today, today.AddDays(14))
	}
	// Net 31.50; VAT 4.31 + 0.54 = 4.85; total 36.35.
	if inv.NetMinor != 3150 || inv.TaxMinor != 485 || inv.TotalMinor != 3635 {
		t.Fatalf("totals %s + %s = %s", eur(inv.NetMinor), eur(inv.TaxMinor), eur(inv.TotalMinor))
	}
	e := f.entry(*inv.EntryID)
	if e.Reference != inv.Number || e.Date != today || len(e.Lines) != 6 || e.TotalMinor != 3635 {
		t.Fatalf("entry %+v", e)
	}
	net := f.entryNet(*inv.EntryID)
	want := map[string]int64{"1100": 3635, "8000": -2050, "8100": -600, "8200": -500, "1700": -485}
	for code, v := range want {
		if net[code] != v {
			t.Errorf("entry on %s: %d; want %d (%v)", code, net[code], v, net)
		}
	}
	// Two VAT lines, one per code, each on 1700.
	var vat []int64
	for _, l := range e.Lines {
		if l.AccountCode == "1700" {
			vat = append(vat, l.CreditMinor)
		}
	}
	if len(vat) != 2 || vat[0] != 431 || vat[1] != 54 {
		t.Errorf("VAT lines %v; want 4.31 and 0.54", vat)
	}
	// A stored invoice reads back the same.
	got := f.reload(inv)
	if got.Number != inv.Number || got.TotalMinor != inv.TotalMinor || len(got.Lines) != 4 || got.Lines[1].RevenueAccount != "8100" ||
		got.Lines[3].NetMinor != 50 || got.Status() != invoicing.StatusIssued || got.DueDate.String() != inv.DueDate.String() {
		t.Fatalf("reloaded %+v", got)
	}

	// Explicit dates are kept; due counts from the issue date.
	issueDate, supply := "2026-03-10", "2026-03-01"
	l2 := []invoicing.LineInput{line("Tea", "1", "10", "9")}
	inv2 := f.issue(f.draftIn(&invoicing.InvoiceInput{CustomerID: &c.ID, IssueDate: &issueDate, SupplyDate: &supply, Lines: &l2}))
	if inv2.IssueDate.String() != issueDate || inv2.SupplyDate.String() != supply || inv2.DueDate.String() != "2026-03-24" {
		t.Fatalf("dates %s %s %s", inv2.IssueDate, inv2.SupplyDate, inv2.DueDate)
	}
	// The default customer has 30 days.
	inv3 := f.issued(f.cust, "2026-01-31", line("Tea", "1", "10", "9"))
	if inv3.DueDate.String() != "2026-03-02" {
		t.Fatalf("due %s; want 2026-03-02", inv3.DueDate)
	}
	// Each fiscal year has its own series, each kind its own.
	old := f.issued(f.cust, "2025-12-31", line("Tea", "1", "10", "9"))
	if old.Number != "INV-2025-0001" || old.FiscalYear != 2025 || old.Seq != 1 {
		t.Fatalf("2025 invoice %s (%d/%d)", old.Number, old.FiscalYear, old.Seq)
	}
	if year == 2026 && (inv2.Number != "INV-2026-0002" || inv3.Number != "INV-2026-0003") {
		t.Fatalf("numbers %s %s", inv2.Number, inv3.Number)
	}
	cn := f.creditNote(inv3, "2026-02-01")
	if cn.Number != "CN-2026-0001" || cn.Kind != invoicing.KindCreditNote {
		t.Fatalf("credit note %s", cn.Number)
	}
	if f.balance("1100") != inv.TotalMinor+inv2.TotalMinor+old.TotalMinor {
		t.Fatalf("1100 %s", eur(f.balance("1100")))
	}
	f.ledgerSound()
}

// TestIssuedInvoiceNeverChanges: through the store and beneath it.
func TestIssuedInvoiceNeverChanges(t *testing.T) {
	f := newFixture(t)
	inv := f.issued(f.cust, "2026-03-10", line("Cake", "1", "100", "21"))
	before := f.snap()
	notes := "changed"
	lines := []invoicing.LineInput{line("Cake", "1", "1", "21")}
	_, err := f.st.UpdateInvoice(ctx, f.p, f.ent, inv.ID, &invoicing.InvoiceInput{Notes: &notes, Lines: &lines})
	wantReason(t, err, "invoice_not_draft")
	wantReason(t, f.st.DeleteInvoice(ctx, f.p, f.ent, inv.ID), "invoice_not_draft")
	_, err = f.st.IssueInvoice(ctx, f.p, f.ent, inv.ID)
	wantReason(t, err, "invoice_not_draft")
	if !ledger.IsCode(err, ledger.CodeConflict) {
		t.Fatalf("code %v", err)
	}
	f.unchanged(before)

	// Raw SQL that would change an issued invoice or its lines is refused.
	db := f.st.Query(ctx).DB()
	for _, q := range []string{
		`UPDATE invoices SET total_minor = total_minor + 1 WHERE id = ?`,
		`UPDATE invoices SET notes = 'x' WHERE id = ?`,
		`UPDATE invoices SET status = 'draft' WHERE id = ?`,
		`UPDATE invoices SET number = 'INV-X' WHERE id = ?`,
		`DELETE FROM invoices WHERE id = ?`,
		`UPDATE invoice_lines SET net_minor = 1 WHERE invoice_id = ?`,
		`DELETE FROM invoice_lines WHERE invoice_id = ?`,
		`INSERT INTO invoice_lines (entity_id, invoice_id, line_no, description, quantity, unit_price, tax_code_id, tax_code, tax_rate, tax_kind,
			tax_account_id, revenue_account_id, net_minor) SELECT entity_id, invoice_id, 2, description, quantity, unit_price, tax_code_id, tax_code,
			tax_rate, tax_kind, tax_account_id, revenue_account_id, net_minor FROM invoice_lines WHERE invoice_id = ?`,
	} {
		sqltest.WantRefused(t, q, db.Exec(q, inv.ID).Error, "BOL05")
	}
	// Settlement columns are what may change.
	if err := db.Exec(`UPDATE invoices SET updated_at = updated_at, settled_minor = settled_minor WHERE id = ?`, inv.ID).Error; err != nil {
		t.Fatalf("settlement update refused: %v", err)
	}
	f.unchanged(before)
	got := f.reload(inv)
	if got.TotalMinor != 12100 || got.Notes != "" || len(got.Lines) != 1 || got.Lines[0].NetMinor != 10000 {
		t.Fatalf("changed: %+v", got)
	}
}

// TestImmutableTriggerTranslates: the trigger's refusal reads as
// invoice_immutable (conflict) through sqlstore.Translate on both
// databases, as the BOL05 case in Translate intends.
func TestImmutableTriggerTranslates(t *testing.T) {
	f := newFixture(t)
	inv := f.issued(f.cust, "2026-03-10", line("Cake", "1", "100", "21"))
	for _, q := range []string{
		`UPDATE invoices SET total_minor = total_minor + 1 WHERE id = ?`,
		`UPDATE invoice_lines SET net_minor = 1 WHERE invoice_id = ?`,
		`DELETE FROM invoices WHERE id = ?`,
	} {
		err := sqlstore.Translate(f.st.Query(ctx).DB().Exec(q, inv.ID).Error)
		if reasonOf(err) != "invoice_immutable" || !ledger.IsCode(err, ledger.CodeConflict) {
			t.Errorf("%s: %v; want invoice_immutable (conflict)", q, err)
		}
	}
}

func TestVoid(t *testing.T) {
	f := newFixture(t)
	inv := f.issued(f.cust, "2026-03-10", line("Cake", "1", "100", "21"))
	v, err := f.st.VoidInvoice(ctx, f.p, f.ent, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.Status() != invoicing.StatusVoid || v.VoidEntryID == nil || v.OpenMinor() != 0 || v.Number != inv.Number {
		t.Fatalf("void %+v", v)
	}
	rev := f.entry(*v.VoidEntryID)
	if rev.ReversesID == nil || *rev.ReversesID != *inv.EntryID {
		t.Fatalf("void entry does not reverse the invoice's: %+v", rev)
	}
	if n := f.entryNet(*v.VoidEntryID); n["1100"] != -12100 || n["8000"] != 10000 || n["1700"] != 2100 {
		t.Fatalf("void entry %v", n)
	}
	f.wantBalances(map[string]int64{"1100": 0, "8000": 0, "1700": 0})
	got := f.reload(inv)
	if got.Status() != invoicing.StatusVoid || got.VoidedAt == nil || got.Overdue(ledger.NewDate(2027, 1, 1)) {
		t.Fatalf("reloaded %+v", got)
	}
	// The number stays used.
	next := f.issued(f.cust, "2026-03-11", line("Cake", "1", "100", "21"))
	if next.Seq != inv.Seq+1 {
		t.Fatalf("next %s after void %s", next.Number, inv.Number)
	}
	before := f.snap()
	_, err = f.st.VoidInvoice(ctx, f.p, f.ent, inv.ID)
	wantReason(t, err, "invoice_void")
	// A void invoice takes no payment and no credit note.
	amount := "10.00"
	_, err = f.st.RecordPayment(ctx, f.p, f.ent, &invoicing.PaymentInput{CustomerID: &f.cust.ID, Amount: &amount, Allocations: []invoicing.AllocationInput{alloc(inv, "10.00")}})
	wantReason(t, err, "invoice_void")
	if !ledger.IsCode(err, ledger.CodeConflict) {
		t.Fatalf("code %v", err)
	}
	_, err = f.st.CreateCreditNote(ctx, f.p, f.ent, inv.ID, &invoicing.CreditNoteInput{})
	wantReason(t, err, "invoice_void")
	f.unchanged(before)

	// A draft is deleted, not voided.
	draft := f.draft(f.cust, "2026-03-12", line("Cake", "1", "100", "21"))
	_, err = f.st.VoidInvoice(ctx, f.p, f.ent, draft.ID)
	wantReason(t, err, "invoice_not_issued")

	// Paid in part: invoice_settled, until the allocation is removed.
	pay := f.pay(f.cust, "2026-03-12", "50.00", alloc(next, "50.00"))
	before = f.snap()
	_, err = f.st.VoidInvoice(ctx, f.p, f.ent, next.ID)
	wantReason(t, err, "invoice_settled")
	if !ledger.IsCode(err, ledger.CodeConflict) {
		t.Fatalf("code %v", err)
	}
	f.unchanged(before)
	if _, err := f.st.RemoveAllocation(ctx, f.p, f.ent, pay.Allocations[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.VoidInvoice(ctx, f.p, f.ent, next.ID); err != nil {
		t.Fatalf("void after the payment's allocation was removed: %v", err)
	}
	// Credited in part: invoice_settled for good.
	third := f.issued(f.cust, "2026-03-12", line("Cake", "2", "100", "21"))
	cn := f.creditNote(third, "2026-03-13", invoicing.CreditLineInput{Line: 1, Quantity: "1"})
	_, err = f.st.VoidInvoice(ctx, f.p, f.ent, third.ID)
	wantReason(t, err, "invoice_settled")
	_, err = f.st.VoidInvoice(ctx, f.p, f.ent, cn.ID) // a credit note is no invoice
	wantReason(t, err, "not_found")
	// Customer's receivable: the unallocated 50.00 paid, the 121.00 left on third.
	f.wantBalances(map[string]int64{"1100": 12100 - 5000, "1000": 5000})
	f.ledgerSound()
}

func TestCreditNoteWholeInvoice(t *testing.T) {
	f := newFixture(t)
	inv := f.issued(f.cust, "2026-03-10", line("Cake", "1", "100", "21"), line("Bread", "10", "2.50", "9"))
	// 100.00 + 21.00 + 25.00 + 2.25 = 148.25
	cn := f.creditNote(inv, "2026-03-20")
	if cn.Number != "CN-2026-0001" || cn.TotalMinor != 14825 || cn.Status() != invoicing.StatusApplied || len(cn.Lines) != 2 ||
		*cn.CreditedInvoiceID != inv.ID || cn.IssueDate.String() != "2026-03-20" {
		t.Fatalf("credit note %+v", cn)
	}
	got := f.reload(inv)
	if got.Status() != invoicing.StatusCredited || got.OpenMinor() != 0 || got.PaidMinor != 0 || got.CreditNotedMinor != 14825 {
		t.Fatalf("invoice %s open %d", got.Status(), got.OpenMinor())
	}
	// Each line's turnover on its tax code's revenue account: 21 % on 8000, 9 % on 8100.
	if n := f.entryNet(*cn.EntryID); n["1100"] != -14825 || n["8000"] != 10000 || n["8100"] != 2500 || n["1700"] != 2325 {
		t.Fatalf("credit note entry %v", n)
	}
	allocs, err := f.st.Allocations(ctx, f.ent.ID, cn.ID, 0)
	if err != nil || len(allocs) != 1 || allocs[0].AmountMinor != 14825 || *allocs[0].DebitInvoiceID != inv.ID || *allocs[0].CreditInvoiceID != cn.ID {
		t.Fatalf("allocations %+v %v", allocs, err)
	}
	f.wantBalances(map[string]int64{"1100": 0, "8000": 0, "1700": 0})
	before := f.snap()
	_, err = f.st.CreateCreditNote(ctx, f.p, f.ent, inv.ID, &invoicing.CreditNoteInput{})
	wantReason(t, err, "invoice_fully_credited")
	_, err = f.st.CreateCreditNote(ctx, f.p, f.ent, inv.ID, &invoicing.CreditNoteInput{Lines: []invoicing.CreditLineInput{{Line: 1, Amount: "0.01"}}})
	wantReason(t, err, "credit_exceeds_invoice")
	f.unchanged(before)
	f.ledgerSound()
}

func TestCreditNoteLinesByQuantityAndAmount(t *testing.T) {
	f := newFixture(t)
	// 10 x 12.00 = 120.00 at 21 %, 2 x 50.00 = 100.00 at 9 %: 220.00 + 25.20 + 9.00 = 254.20.
	inv := f.issued(f.cust, "2026-03-10", line("Cake", "10", "12", "21"), line("Flour", "2", "50", "9"))
	// 3 cakes: 36.00 + 7.56 = 43.56.
	cn1 := f.creditNote(inv, "2026-03-11", invoicing.CreditLineInput{Line: 1, Quantity: "3"})
	// 25.00 of the flour: 25.00 + 2.25 = 27.25.
	cn2 := f.creditNote(inv, "2026-03-11", invoicing.CreditLineInput{Line: 2, Amount: "25.00"})
	if cn1.TotalMinor != 4356 || cn2.TotalMinor != 2725 || cn2.Number != "CN-2026-0002" {
		t.Fatalf("credit notes %s %s, %s", eur(cn1.TotalMinor), eur(cn2.TotalMinor), cn2.Number)
	}
	got := f.reload(inv)
	if got.OpenMinor() != 25420-4356-2725 || got.Status() != invoicing.StatusIssued || got.CreditNotedMinor != 4356+2725 {
		t.Fatalf("invoice open %s status %s", eur(got.OpenMinor()), got.Status())
	}
	// 7 cakes are left (84.00): 8 is too many, 84.01 too much.
	before := f.snap()
	for _, l := range []invoicing.CreditLineInput{{Line: 1, Quantity: "8"}, {Line: 1, Amount: "84.01"}, {Line: 2, Amount: "75.01"}} {
		_, err := f.st.CreateCreditNote(ctx, f.p, f.ent, inv.ID, &invoicing.CreditNoteInput{Lines: []invoicing.CreditLineInput{l}})
		wantReason(t, err, "credit_exceeds_invoice")
	}
	date := "2026-03-09"
	_, err := f.st.CreateCreditNote(ctx, f.p, f.ent, inv.ID, &invoicing.CreditNoteInput{IssueDate: &date})
	wantReason(t, err, "credit_note_before_invoice")
	f.unchanged(before)
	// The rest in full: 84.00 + 17.64 + 75.00 + 6.75 = 183.39 = 254.20 - 43.56 - 27.25.
	rest := f.creditNote(inv, "2026-03-12")
	if rest.TotalMinor != 18339 || f.reload(inv).Status() != invoicing.StatusCredited {
		t.Fatalf("rest %s", eur(rest.TotalMinor))
	}
	f.wantBalances(map[string]int64{"1100": 0, "8000": 0, "1700": 0})
	f.ledgerSound()
}

// TestCreditNoteInTwoHalves: 1.00 at 21 % (1.21) credited 0.50 at a time.
// The first note is 0.50 + 0.105 -> 0.11 = 0.61; the second, for the 0.50
// of the line that is left, takes the 0.10 of VAT that is left and closes
// the invoice; see invoicing.TestBuildCreditNoteRestAfterHalfCredited.
func TestCreditNoteInTwoHalves(t *testing.T) {
	f := newFixture(t)
	inv := f.issued(f.cust, "2026-03-10", line("Service", "1", "1.00", "21"))
	first := f.creditNote(inv, "2026-03-11", invoicing.CreditLineInput{Line: 1, Amount: "0.50"})
	if first.TotalMinor != 61 {
		t.Fatalf("first half %s", eur(first.TotalMinor))
	}
	_, err := f.st.CreateCreditNote(ctx, f.p, f.ent, inv.ID, &invoicing.CreditNoteInput{Lines: []invoicing.CreditLineInput{{Line: 1, Amount: "0.50"}}})
	if err != nil {
		t.Fatalf("crediting the rest of the line: %v", err)
	}
	if got := f.reload(inv); got.Status() != invoicing.StatusCredited {
		t.Fatalf("invoice %s, %s open; want credited", got.Status(), eur(got.OpenMinor()))
	}
	f.wantBalances(map[string]int64{"1100": 0, "8000": 0, "1700": 0})
}

// TestCreditNoteAfterPartPayment: the credit note settles what is open on
// the invoice; the rest is open credit, used on another invoice and refunded.
func TestCreditNoteAfterPartPayment(t *testing.T) {
	f := newFixture(t)
	inv := f.issued(f.cust, "2026-03-10", line("Cake", "1", "100", "21"))
	f.pay(f.cust, "2026-03-11", "100.00", alloc(inv, "100.00"))
	cn := f.creditNote(inv, "2026-03-12")
	if cn.TotalMinor != 12100 || cn.OpenMinor() != 10000 || cn.Status() != invoicing.StatusIssued {
		t.Fatalf("credit note %s open %s status %s", eur(cn.TotalMinor), eur(cn.OpenMinor()), cn.Status())
	}
	got := f.reload(inv)
	if got.OpenMinor() != 0 || got.PaidMinor != 10000 || got.SettledMinor != 12100 || got.Status() != invoicing.StatusPaid {
		t.Fatalf("invoice %+v", got)
	}
	// 1100: 121 - 100 - 121 = -100 (the customer's credit).
	f.wantBalances(map[string]int64{"1100": -10000})

	// 60.00 of the credit settles another invoice of the same customer.
	other := f.issued(f.cust, "2026-03-13", line("Bread", "10", "10", "21")) // 121.00
	stranger := f.customer("Someone Else BV", "EUR")
	strangers := f.issued(stranger, "2026-03-13", line("Bread", "1", "10", "21"))
	before := f.snap()
	_, err := f.st.Allocate(ctx, f.p, f.ent, cn.ID, true, []invoicing.AllocationInput{alloc(other, "100.01")})
	wantReason(t, err, "allocation_exceeds_open")
	_, err = f.st.Allocate(ctx, f.p, f.ent, cn.ID, true, []invoicing.AllocationInput{alloc(strangers, "1.00")})
	wantReason(t, err, "customer_mismatch")
	_, err = f.st.Allocate(ctx, f.p, f.ent, inv.ID, true, []invoicing.AllocationInput{alloc(other, "1.00")})
	wantReason(t, err, "not_found") // an invoice is no credit note
	f.unchanged(before)
	as, err := f.st.Allocate(ctx, f.p, f.ent, cn.ID, true, []invoicing.AllocationInput{alloc(other, "60.00")})
	if err != nil || len(as) != 1 || as[0].AmountMinor != 6000 {
		t.Fatalf("allocate credit: %+v %v", as, err)
	}
	if after := f.snap(); after["journal_entries"] != before["journal_entries"] {
		t.Fatalf("applying a credit note posted an entry")
	}
	if got := f.reload(other); got.OpenMinor() != 6100 || got.PaidMinor != 0 || got.Status() != invoicing.StatusIssued {
		t.Fatalf("other invoice open %s paid %s status %s", eur(got.OpenMinor()), eur(got.PaidMinor), got.Status())
	}
	// The 40.00 left is refunded: 1100 debited, bank credited.
	ref := f.refund(f.cust, "2026-03-14", "40.00", toCN(cn, "40.00"))
	if n := f.entryNet(ref.EntryID); n["1100"] != 4000 || n["1000"] != -4000 {
		t.Fatalf("refund entry %v", n)
	}
	if got := f.reload(cn); got.Status() != invoicing.StatusApplied || got.OpenMinor() != 0 {
		t.Fatalf("credit note %s open %s", got.Status(), eur(got.OpenMinor()))
	}
	// Bank: 100 in, 40 out. 1100: other's 61.00 open and the stranger's 12.10.
	f.wantBalances(map[string]int64{"1000": 6000, "1100": 6100 + 1210})
	f.ledgerSound()
}

func TestPaymentsAndStatuses(t *testing.T) {
	f := newFixture(t)
	inv := f.issued(f.cust, "2026-03-10", line("Cake", "1", "100", "21")) // due 2026-04-09
	due := *inv.DueDate
	if inv.Overdue(due) || !inv.Overdue(due.AddDays(1)) {
		t.Fatal("overdue")
	}
	p1 := f.pay(f.cust, "2026-03-20", "50.00", alloc(inv, "50.00"))
	if n := f.entryNet(p1.EntryID); n["1000"] != 5000 || n["1100"] != -5000 || len(n) != 2 {
		t.Fatalf("payment entry %v", n)
	}
	if p1.UnallocatedMinor() != 0 || len(p1.Allocations) != 1 || p1.Direction != invoicing.DirectionReceived || p1.BankAccount != "1000" {
		t.Fatalf("payment %+v", p1)
	}
	got := f.reload(inv)
	if got.Status() != invoicing.StatusPartiallyPaid || got.OpenMinor() != 7100 || !got.Overdue(due.AddDays(1)) {
		t.Fatalf("after 50: %s open %s", got.Status(), eur(got.OpenMinor()))
	}
	// Money without allocation is the customer's credit, allocated later.
	p2 := f.pay(f.cust, "2026-03-21", "100.00")
	f.wantBalances(map[string]int64{"1000": 15000, "1100": 12100 - 15000})
	before := f.snap()
	_, err := f.st.Allocate(ctx, f.p, f.ent, p2.ID, false, []invoicing.AllocationInput{alloc(inv, "71.01")})
	wantReason(t, err, "allocation_exceeds_open")
	_, err = f.st.Allocate(ctx, f.p, f.ent, p2.ID, false, []invoicing.AllocationInput{alloc(inv, "70.00"), alloc(inv, "1.01")})
	wantReason(t, err, "allocation_exceeds_open")
	_, err = f.st.Allocate(ctx, f.p, f.ent, p2.ID, false, nil)
	wantReason(t, err, "field_required")
	f.unchanged(before)
	as, err := f.st.Allocate(ctx, f.p, f.ent, p2.ID, false, []invoicing.AllocationInput{alloc(inv, "71.00")})
	if err != nil || len(as) != 1 {
		t.Fatal(err)
	}
	got = f.reload(inv)
	if got.Status() != invoicing.StatusPaid || got.OpenMinor() != 0 || got.Overdue(due.AddDays(100)) || got.PaidMinor != 12100 {
		t.Fatalf("after 121: %s open %s", got.Status(), eur(got.OpenMinor()))
	}
	if f.payment(p2.ID).UnallocatedMinor() != 2900 {
		t.Fatalf("p2 rest %s", eur(f.payment(p2.ID).UnallocatedMinor()))
	}
	// The rest of p2 (29.00) is more than a second invoice's 12.10 needs;
	// allocating 29.00 there is refused, 12.10 accepted.
	inv2 := f.issued(f.cust, "2026-03-22", line("Bun", "10", "1", "21"))
	_, err = f.st.Allocate(ctx, f.p, f.ent, p2.ID, false, []invoicing.AllocationInput{alloc(inv2, "29.00")})
	wantReason(t, err, "allocation_exceeds_open")
	_, err = f.st.Allocate(ctx, f.p, f.ent, p2.ID, false, []invoicing.AllocationInput{alloc(inv2, "29.01")})
	wantReason(t, err, "allocation_exceeds_payment")
	if _, err := f.st.Allocate(ctx, f.p, f.ent, p2.ID, false, []invoicing.AllocationInput{alloc(inv2, "12.10")}); err != nil {
		t.Fatal(err)
	}
	f.wantBalances(map[string]int64{"1100": 12100 + 1210 - 15000})

	// RemoveAllocation undoes one allocation and keeps its row.
	removed, err := f.st.RemoveAllocation(ctx, f.p, f.ent, as[0].ID)
	if err != nil || removed.RemovedAt == nil || removed.RemovedBy == nil {
		t.Fatalf("remove allocation %+v %v", removed, err)
	}
	if got := f.reload(inv); got.Status() != invoicing.StatusPartiallyPaid || got.OpenMinor() != 7100 {
		t.Fatalf("after removal: %s open %s", got.Status(), eur(got.OpenMinor()))
	}
	if f.payment(p2.ID).UnallocatedMinor() != 7100+2900-1210 {
		t.Fatalf("p2 rest %s", eur(f.payment(p2.ID).UnallocatedMinor()))
	}
	_, err = f.st.RemoveAllocation(ctx, f.p, f.ent, as[0].ID)
	wantReason(t, err, "allocation_removed")
	if f.scalar(`SELECT count(*) FROM allocations WHERE removed_at IS NOT NULL`) != 1 {
		t.Fatal("the removed allocation's row is gone or not marked")
	}

	// RemovePayment reverses its entry and removes its allocations.
	beforeBank := f.balance("1000")
	rp, err := f.st.RemovePayment(ctx, f.p, f.ent, p2.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rp.RemovedAt == nil || rp.RemovalEntryID == nil || rp.UnallocatedMinor() != 0 {
		t.Fatalf("removed payment %+v", rp)
	}
	rev := f.entry(*rp.RemovalEntryID)
	if rev.ReversesID == nil || *rev.ReversesID != p2.EntryID {
		t.Fatalf("removal entry %+v", rev)
	}
	for _, a := range rp.Allocations {
		if a.RemovedAt == nil {
			t.Fatalf("allocation %d of the removed payment is still active", a.ID)
		}
	}
	if f.balance("1000") != beforeBank-10000 {
		t.Fatalf("bank %s", eur(f.balance("1000")))
	}
	if got := f.reload(inv2); got.Status() != invoicing.StatusIssued || got.OpenMinor() != 1210 || got.PaidMinor != 0 {
		t.Fatalf("inv2 %s open %s", got.Status(), eur(got.OpenMinor()))
	}
	before = f.snap()
	_, err = f.st.RemovePayment(ctx, f.p, f.ent, p2.ID)
	wantReason(t, err, "payment_removed")
	_, err = f.st.Allocate(ctx, f.p, f.ent, p2.ID, false, []invoicing.AllocationInput{alloc(inv2, "1.00")})
	wantReason(t, err, "payment_removed")
	f.unchanged(before)
	if f.count("payments") != 2 {
		t.Fatal("the removed payment's row is gone")
	}
	// 121 + 12.10 invoiced, 50 paid.
	f.wantBalances(map[string]int64{"1100": 12100 + 1210 - 5000, "1000": 5000})
	f.ledgerSound()
}

func TestRefunds(t *testing.T) {
	f := newFixture(t)
	inv := f.issued(f.cust, "2026-03-10", line("Cake", "1", "100", "21"))
	f.pay(f.cust, "2026-03-11", "121.00", alloc(inv, "121.00"))
	cn := f.creditNote(inv, "2026-03-12", invoicing.CreditLineInput{Line: 1, Amount: "50.00"}) // 60.50, all open credit
	if cn.OpenMinor() != 6050 {
		t.Fatalf("credit %s", eur(cn.OpenMinor()))
	}
	dir := invoicing.DirectionRefund
	try := func(amount string, allocs ...invoicing.AllocationInput) error {
		_, err := f.st.RecordPayment(ctx, f.p, f.ent, &invoicing.PaymentInput{CustomerID: &f.cust.ID, Direction: &dir, Amount: &amount, Allocations: allocs})
		return err
	}
	before := f.snap()
	wantReason(t, try("20.00", alloc(inv, "20.00")), "allocation_target_invalid") // a refund settles credit notes only
	wantReason(t, try("20.00", toCN(cn, "20.01")), "allocation_exceeds_payment")
	wantReason(t, try("70.00", toCN(cn, "60.51")), "allocation_exceeds_open")
	amount := "10.00"
	_, err := f.st.RecordPayment(ctx, f.p, f.ent, &invoicing.PaymentInput{CustomerID: &f.cust.ID, Amount: &amount, Allocations: []invoicing.AllocationInput{toCN(cn, "10.00")}})
	wantReason(t, err, "allocation_target_invalid") // a payment received settles invoices only
	f.unchanged(before)
	r1 := f.refund(f.cust, "2026-03-13", "20.00", toCN(cn, "20.00"))
	r2 := f.refund(f.cust, "2026-03-13", "50.00") // allocated later
	if _, err := f.st.Allocate(ctx, f.p, f.ent, r2.ID, false, []invoicing.AllocationInput{toCN(cn, "40.50")}); err != nil {
		t.Fatal(err)
	}
	if got := f.reload(cn); got.Status() != invoicing.StatusApplied {
		t.Fatalf("credit note %s", got.Status())
	}
	// 1100: -60.50 credit note + 20.00 + 50.00 refunded = 9.50 (r2's 9.50 unmatched).
	f.wantBalances(map[string]int64{"1100": 950, "1000": 12100 - 7000})
	// Removing a refund reopens the credit note.
	if _, err := f.st.RemovePayment(ctx, f.p, f.ent, r1.ID); err != nil {
		t.Fatal(err)
	}
	if got := f.reload(cn); got.Status() != invoicing.StatusIssued || got.OpenMinor() != 2000 {
		t.Fatalf("credit note %s open %s", got.Status(), eur(got.OpenMinor()))
	}
	f.wantBalances(map[string]int64{"1100": 950 - 2000, "1000": 12100 - 5000})
	f.ledgerSound()
}

// TestBadInputWritesNothing: each refused operation names its reason and
// leaves every table as it was.
func TestBadInputWritesNothing(t *testing.T) {
	type setup func(f *fixture) func() error
	cases := []struct {
		name   string
		reason string
		code   ledger.Code
		setup  setup
	}{
		{"issue empty invoice", "invoice_empty", ledger.CodeInvalid, func(f *fixture) func() error {
			d := f.draftIn(&invoicing.InvoiceInput{CustomerID: &f.cust.ID})
			return func() error { _, err := f.st.IssueInvoice(ctx, f.p, f.ent, d.ID); return err }
		}},
		{"archived revenue account at issue", "account_archived", ledger.CodeInvalid, func(f *fixture) func() error {
			l := invoicing.LineInput{Description: "Bread", Quantity: "1", UnitPrice: "1", TaxCode: "9", RevenueAccount: "8100"}
			d := f.draft(f.cust, "2026-03-10", l)
			if _, err := f.st.ArchiveAccount(ctx, f.p, f.ent.ID, "8100"); err != nil {
				f.t.Fatal(err)
			}
			return func() error { _, err := f.st.IssueInvoice(ctx, f.p, f.ent, d.ID); return err }
		}},
		{"archived tax code at issue", "tax_code_archived", ledger.CodeInvalid, func(f *fixture) func() error {
			d := f.draft(f.cust, "2026-03-10", line("Bread", "1", "1", "9"))
			if _, err := f.st.ArchiveTaxCode(ctx, f.p, f.ent, "9"); err != nil {
				f.t.Fatal(err)
			}
			return func() error { _, err := f.st.IssueInvoice(ctx, f.p, f.ent, d.ID); return err }
		}},
		{"unknown tax code on draft", "tax_code_not_found", ledger.CodeInvalid, func(f *fixture) func() error {
			return func() error {
				lines := []invoicing.LineInput{line("Bread", "1", "1", "19")}
				_, err := f.st.CreateInvoice(ctx, f.p, f.ent, &invoicing.InvoiceInput{CustomerID: &f.cust.ID, Lines: &lines})
				return err
			}
		}},
		{"negative quantity", "quantity_negative", ledger.CodeInvalid, func(f *fixture) func() error {
			return func() error {
				lines := []invoicing.LineInput{line("Bread", "-1", "1", "9")}
				_, err := f.st.CreateInvoice(ctx, f.p, f.ent, &invoicing.InvoiceInput{CustomerID: &f.cust.ID, Lines: &lines})
				return err
			}
		}},
		{"quantity not a number", "quantity_invalid", ledger.CodeInvalid, func(f *fixture) func() error {
			return func() error {
				lines := []invoicing.LineInput{line("Bread", "abc", "1", "9")}
				_, err := f.st.CreateInvoice(ctx, f.p, f.ent, &invoicing.InvoiceInput{CustomerID: &f.cust.ID, Lines: &lines})
				return err
			}
		}},
		{"bad line on update", "quantity_negative", ledger.CodeInvalid, func(f *fixture) func() error {
			d := f.draft(f.cust, "2026-03-10", line("Bread", "1", "1", "9"))
			return func() error {
				lines := []invoicing.LineInput{line("Bread", "2", "1", "9"), line("Bread", "-1", "1", "9")}
				_, err := f.st.UpdateInvoice(ctx, f.p, f.ent, d.ID, &invoicing.InvoiceInput{Lines: &lines})
				return err
			}
		}},
		{"allocation larger than the payment", "allocation_exceeds_payment", ledger.CodeInvalid, func(f *fixture) func() error {
			inv := f.issued(f.cust, "2026-03-10", line("Cake", "1", "100", "21"))
			return func() error {
				amount := "50.00"
				_, err := f.st.RecordPayment(ctx, f.p, f.ent, &invoicing.PaymentInput{CustomerID: &f.cust.ID, Amount: &amount,
					Allocations: []invoicing.AllocationInput{alloc(inv, "30.00"), alloc(inv, "20.01")}})
				return err
			}
		}},
		{"allocation larger than the invoice owes", "allocation_exceeds_open", ledger.CodeInvalid, func(f *fixture) func() error {
			inv := f.issued(f.cust, "2026-03-10", line("Cake", "1", "100", "21"))
			return func() error {
				amount := "200.00"
				_, err := f.st.RecordPayment(ctx, f.p, f.ent, &invoicing.PaymentInput{CustomerID: &f.cust.ID, Amount: &amount,
					Allocations: []invoicing.AllocationInput{alloc(inv, "121.01")}})
				return err
			}
		}},
		{"second allocation after a good one", "allocation_exceeds_open", ledger.CodeInvalid, func(f *fixture) func() error {
			a := f.issued(f.cust, "2026-03-10", line("Cake", "1", "100", "21"))
			b := f.issued(f.cust, "2026-03-10", line("Cake", "1", "10", "21"))
			return func() error {
				amount := "200.00"
				_, err := f.st.RecordPayment(ctx, f.p, f.ent, &invoicing.PaymentInput{CustomerID: &f.cust.ID, Amount: &amount,
					Allocations: []invoicing.AllocationInput{alloc(a, "121.00"), alloc(b, "12.11")}})
				return err
			}
		}},
		{"paying a void invoice", "invoice_void", ledger.CodeConflict, func(f *fixture) func() error {
			inv := f.issued(f.cust, "2026-03-10", line("Cake", "1", "100", "21"))
			if _, err := f.st.VoidInvoice(ctx, f.p, f.ent, inv.ID); err != nil {
				f.t.Fatal(err)
			}
			return func() error {
				amount := "121.00"
				_, err := f.st.RecordPayment(ctx, f.p, f.ent, &invoicing.PaymentInput{CustomerID: &f.cust.ID, Amount: &amount,
					Allocations: []invoicing.AllocationInput{alloc(inv, "121.00")}})
				return err
			}
		}},
		{"paying a draft", "invoice_not_issued", ledger.CodeConflict, func(f *fixture) func() error {
			inv := f.draft(f.cust, "2026-03-10", line("Cake", "1", "100", "21"))
			return func() error {
				amount := "121.00"
				_, err := f.st.RecordPayment(ctx, f.p, f.ent, &invoicing.PaymentInput{CustomerID: &f.cust.ID, Amount: &amount,
					Allocations: []invoicing.AllocationInput{alloc(inv, "121.00")}})
				return err
			}
		}},
		{"paying another customer's invoice", "customer_mismatch", ledger.CodeInvalid, func(f *fixture) func() error {
			other := f.customer("Other BV", "EUR")
			inv := f.issued(other, "2026-03-10", line("Cake", "1", "100", "21"))
			return func() error {
				amount := "121.00"
				_, err := f.st.RecordPayment(ctx, f.p, f.ent, &invoicing.PaymentInput{CustomerID: &f.cust.ID, Amount: &amount,
					Allocations: []invoicing.AllocationInput{alloc(inv, "121.00")}})
				return err
			}
		}},
		{"paying a missing invoice", "invoice_not_found", ledger.CodeInvalid, func(f *fixture) func() error {
			return func() error {
				amount, id := "121.00", int64(987654)
				_, err := f.st.RecordPayment(ctx, f.p, f.ent, &invoicing.PaymentInput{CustomerID: &f.cust.ID, Amount: &amount,
					Allocations: []invoicing.AllocationInput{{InvoiceID: &id, Amount: "1.00"}}})
				return err
			}
		}},
		{"credit note larger than what remains", "credit_exceeds_invoice", ledger.CodeInvalid, func(f *fixture) func() error {
			inv := f.issued(f.cust, "2026-03-10", line("Cake", "2", "50", "21"))
			f.creditNote(inv, "2026-03-11", invoicing.CreditLineInput{Line: 1, Quantity: "1"})
			return func() error {
				_, err := f.st.CreateCreditNote(ctx, f.p, f.ent, inv.ID, &invoicing.CreditNoteInput{Lines: []invoicing.CreditLineInput{{Line: 1, Quantity: "1.5"}}})
				return err
			}
		}},
		{"editing an issued invoice", "invoice_not_draft", ledger.CodeConflict, func(f *fixture) func() error {
			inv := f.issued(f.cust, "2026-03-10", line("Cake", "1", "100", "21"))
			return func() error {
				lines := []invoicing.LineInput{line("Cake", "1", "1", "21")}
				_, err := f.st.UpdateInvoice(ctx, f.p, f.ent, inv.ID, &invoicing.InvoiceInput{Lines: &lines})
				return err
			}
		}},
		{"deleting an issued invoice", "invoice_not_draft", ledger.CodeConflict, func(f *fixture) func() error {
			inv := f.issued(f.cust, "2026-03-10", line("Cake", "1", "100", "21"))
			return func() error { return f.st.DeleteInvoice(ctx, f.p, f.ent, inv.ID) }
		}},
		{"USD invoice without a rate", "exchange_rate_required", ledger.CodeInvalid, func(f *fixture) func() error {
			usd := f.customer("Acme Inc.", "USD")
			d := f.draft(usd, "2026-03-10", line("Cake", "1", "100", "0"))
			if d.Currency != "USD" {
				f.t.Fatalf("currency %s", d.Currency)
			}
			return func() error { _, err := f.st.IssueInvoice(ctx, f.p, f.ent, d.ID); return err }
		}},
		{"USD payment without a rate", "exchange_rate_required", ledger.CodeInvalid, func(f *fixture) func() error {
			usd := f.customer("Acme Inc.", "USD")
			return func() error {
				amount := "10.00"
				_, err := f.st.RecordPayment(ctx, f.p, f.ent, &invoicing.PaymentInput{CustomerID: &usd.ID, Amount: &amount})
				return err
			}
		}},
		{"USD payment to a EUR invoice", "currency_mismatch", ledger.CodeInvalid, func(f *fixture) func() error {
			inv := f.issued(f.cust, "2026-03-10", line("Cake", "1", "100", "21"))
			return func() error {
				amount, cur, rate := "10.00", "USD", "0.9"
				_, err := f.st.RecordPayment(ctx, f.p, f.ent, &invoicing.PaymentInput{CustomerID: &f.cust.ID, Amount: &amount, Currency: &cur,
					ExchangeRate: &rate, Allocations: []invoicing.AllocationInput{alloc(inv, "10.00")}})
				return err
			}
		}},
		{"issuing in a locked period", "period_locked", ledger.CodeInvalid, func(f *fixture) func() error {
			d := f.draft(f.cust, "2026-01-10", line("Cake", "1", "100", "21"))
			e, err := f.st.SetLockDate(ctx, f.p, f.ent.ID, ptr(ledger.NewDate(2026, 1, 31)))
			if err != nil {
				f.t.Fatal(err)
			}
			f.ent = e
			return func() error { _, err := f.st.IssueInvoice(ctx, f.p, f.ent, d.ID); return err }
		}},
		{"later allocation beyond the payment's rest", "allocation_exceeds_payment", ledger.CodeInvalid, func(f *fixture) func() error {
			a := f.issued(f.cust, "2026-03-10", line("Cake", "1", "100", "21"))
			b := f.issued(f.cust, "2026-03-10", line("Cake", "1", "100", "21"))
			pay := f.pay(f.cust, "2026-03-11", "150.00", alloc(a, "121.00"))
			return func() error {
				_, err := f.st.Allocate(ctx, f.p, f.ent, pay.ID, false, []invoicing.AllocationInput{alloc(b, "29.01")})
				return err
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			run := c.setup(f)
			before := f.snap()
			err := run()
			wantReason(t, err, c.reason)
			if !ledger.IsCode(err, c.code) {
				t.Fatalf("code %s (%v); want %s", ledger.As(err).Code, err, c.code)
			}
			f.unchanged(before)
			// Numbers are not used up by a refused issue: the next invoice
			// takes the number the refused one would have taken.
			if f.ent.LockDate != nil {
				e, err := f.st.SetLockDate(ctx, f.p, f.ent.ID, nil)
				if err != nil {
					t.Fatal(err)
				}
				f.ent = e
			}
			next := f.issued(f.cust, "2026-03-15", line("Probe", "1", "1", "21"))
			var prior int64
			for _, st := range []string{"issued", "void"} {
				prior += f.scalar(`SELECT count(*) FROM invoices WHERE kind = 'invoice' AND status = ? AND fiscal_year = 2026`, st)
			}
			if next.Seq != prior {
				t.Fatalf("next invoice %s after %d issued in 2026: a number was used up", next.Number, prior-1)
			}
			f.ledgerSound()
		})
	}
}

// TestSettingsDriveNumbersAndAccounts: a changed format continues the
// series; a changed default revenue account takes new lines; bad settings
// are refused whole.
func TestSettingsDriveNumbersAndAccounts(t *testing.T) {
	f := newFixture(t)
	first := f.issued(f.cust, "2026-03-10", line("Cake", "1", "10", "21"))
	format, cnFormat, revenue, iban := "F{YY}/{NNNNN}", "C{YY}/{NNNNN}", "8100", "nl91 abna 0417 1643 00"
	set, err := f.st.UpdateSettings(ctx, f.p, f.ent, &invoicing.SettingsInput{InvoiceNumberFormat: &format,
		CreditNoteNumberFormat: &cnFormat, RevenueAccount: &revenue, IBAN: &iban})
	if err != nil || set.IBAN != "NL91ABNA0417164300" {
		t.Fatalf("settings %+v %v", set, err)
	}
	// The settings' account is for codes that name none; a code's own wins.
	// (At another rate than "21": two codes may not charge VAT at one
	// rate on an invoice, tax_codes_share_rate.)
	code, kind, rate, vat := "19-plain", "other_rate", "19", "1700"
	if _, err := f.st.CreateTaxCode(ctx, f.p, f.ent, &invoicing.TaxCodeInput{Code: &code, Kind: &kind, Rate: &rate, Account: &vat}); err != nil {
		t.Fatal(err)
	}
	second := f.issued(f.cust, "2026-03-11", line("Cake", "1", "10", "19-plain"), line("Pie", "1", "10", "21"))
	if first.Number != "INV-2026-0001" || second.Number != "F26/00002" || second.Lines[0].RevenueAccount != "8100" || second.Lines[1].RevenueAccount != "8000" {
		t.Fatalf("numbers %s, %s; revenue %s, %s", first.Number, second.Number, second.Lines[0].RevenueAccount, second.Lines[1].RevenueAccount)
	}
	if cn := f.creditNote(second, "2026-03-12"); cn.Number != "C26/00001" {
		t.Fatalf("credit note %s", cn.Number)
	}
	f.wantBalances(map[string]int64{"8000": -1000, "8100": 0})
	bad, badIBAN := "INV-{NNNN}", "NL92ABNA0417164300"
	for _, in := range []*invoicing.SettingsInput{{InvoiceNumberFormat: &bad}, {IBAN: &badIBAN, RevenueAccount: &revenue},
		{InvoiceNumberFormat: &cnFormat}, {FXAccount: ptr("9999")}} {
		_, err := f.st.UpdateSettings(ctx, f.p, f.ent, in)
		if !ledger.IsCode(err, ledger.CodeInvalid) {
			t.Fatalf("%+v accepted: %v", in, err)
		}
	}
	if got, _ := f.st.Settings(ctx, f.ent.ID); got.InvoiceNumberFormat != format || got.IBAN != "NL91ABNA0417164300" {
		t.Fatalf("settings changed by a refused update: %+v", got)
	}
}

// TestDraftsChangeAndGo: drafts are edited and deleted freely, and use no
// number.
func TestDraftsChangeAndGo(t *testing.T) {
	f := newFixture(t)
	d := f.draft(f.cust, "2026-03-10", line("Cake", "1", "10", "21"))
	lines := []invoicing.LineInput{line("Cake", "3", "0.3333", "21"), line("Tea", "1", "2.50", "9")}
	notes := "Thank you"
	up, err := f.st.UpdateInvoice(ctx, f.p, f.ent, d.ID, &invoicing.InvoiceInput{Lines: &lines, Notes: &notes})
	if err != nil || up.TotalMinor != 121+273 || len(f.reload(d).Lines) != 2 || f.reload(d).Notes != notes {
		t.Fatalf("update %+v %v", up, err)
	}
	if err := f.st.DeleteInvoice(ctx, f.p, f.ent, d.ID); err != nil {
		t.Fatalf("delete draft: %v", err)
	}
	if _, err := f.st.Invoice(ctx, f.ent.ID, d.ID); !ledger.IsCode(err, ledger.CodeNotFound) {
		t.Fatalf("deleted draft: %v", err)
	}
	if f.count("invoice_lines") != 0 || f.count("journal_entries") != 0 {
		t.Fatal("a draft left lines or entries")
	}
	if inv := f.issued(f.cust, "2026-03-10", line("Cake", "1", "10", "21")); inv.Number != "INV-2026-0001" {
		t.Fatalf("first number after drafts: %s", inv.Number)
	}
}

// TestEntityIsolation: nothing of one entity is reachable through another.
func TestEntityIsolation(t *testing.T) {
	f := newFixture(t)
	inv := f.issued(f.cust, "2026-03-10", line("Cake", "1", "100", "21"))
	pay := f.pay(f.cust, "2026-03-11", "50.00", alloc(inv, "50.00"))
	other, op := sqltestEntity(t, f)
	before := f.snap()
	_, err := f.st.Invoice(ctx, other.ID, inv.ID)
	wantReason(t, err, "not_found")
	_, err = f.st.VoidInvoice(ctx, op, other, inv.ID)
	wantReason(t, err, "not_found")
	_, err = f.st.CreateCreditNote(ctx, op, other, inv.ID, &invoicing.CreditNoteInput{})
	wantReason(t, err, "not_found")
	_, err = f.st.RemovePayment(ctx, op, other, pay.ID)
	wantReason(t, err, "not_found")
	_, err = f.st.RemoveAllocation(ctx, op, other, pay.Allocations[0].ID)
	wantReason(t, err, "not_found")
	_, err = f.st.Allocate(ctx, op, other, pay.ID, false, []invoicing.AllocationInput{alloc(inv, "1.00")})
	wantReason(t, err, "not_found")
	amount := "10.00"
	_, err = f.st.RecordPayment(ctx, op, other, &invoicing.PaymentInput{CustomerID: &f.cust.ID, Amount: &amount})
	wantReason(t, err, "customer_not_found")
	lines := []invoicing.LineInput{line("Cake", "1", "1", "21")}
	_, err = f.st.CreateInvoice(ctx, op, other, &invoicing.InvoiceInput{CustomerID: &f.cust.ID, Lines: &lines})
	wantReason(t, err, "customer_not_found")
	f.unchanged(before)
}
