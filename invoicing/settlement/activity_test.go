package settlement

import (
	"slices"
	"strings"
	"testing"

	"backoffice/invoicing"
)

func TestMergeKeepsEachAllocationOnceInIDOrder(t *testing.T) {
	a := func(id int64) *invoicing.Allocation { return &invoicing.Allocation{ID: id} }
	// Allocation 5 joins a document and a payment that were both read, so
	// the documents' read and the payments' read both return it; 2 was
	// already there.
	got := merge([]*invoicing.Allocation{a(2)}, []*invoicing.Allocation{a(5), a(9)}, []*invoicing.Allocation{a(1), a(5), a(2)})
	var ids []int64
	for _, x := range got {
		ids = append(ids, x.ID)
	}
	if want := []int64{1, 2, 5, 9}; !slices.Equal(ids, want) {
		t.Fatalf("merged %v, want %v", ids, want)
	}
}

func TestPartyIDsOnceAscending(t *testing.T) {
	act := NewActivity()
	for _, c := range []int64{7, 3, 7} {
		act.Documents = append(act.Documents, &invoicing.Invoice{CustomerID: c})
	}
	for _, c := range []int64{3, 11, 1} {
		act.Payments = append(act.Payments, &invoicing.Payment{CustomerID: c})
	}
	if got, want := partyIDs(act), []int64{1, 3, 7, 11}; !slices.Equal(got, want) {
		t.Fatalf("party ids %v, want %v", got, want)
	}
}

func TestReadPartiesInChunksOf5000(t *testing.T) {
	act := NewActivity()
	// 5,001 parties: one chunk of 5,000 (ids 1..5000) and one of 1 (5001).
	for c := int64(5001); c >= 1; c-- {
		act.Payments = append(act.Payments, &invoicing.Payment{CustomerID: c})
	}
	var sizes []int
	err := (&Reports{}).ReadParties(act, func(ids []int64) ([]*invoicing.Customer, error) {
		sizes = append(sizes, len(ids))
		out := make([]*invoicing.Customer, len(ids))
		for i, id := range ids {
			out[i] = &invoicing.Customer{ID: id}
		}
		return out, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sizes, []int{5000, 1}) || len(act.Customers) != 5001 || act.Customers[0].ID != 1 || act.Customers[5000].ID != 5001 {
		t.Fatalf("chunks %v, %d customers", sizes, len(act.Customers))
	}
}

func TestStatusInReceivablesWords(t *testing.T) {
	sales := &Reports{Book: &Book{Settleable: "issued"}, Ended: "void"}
	purch := &Reports{Book: &Book{Settleable: "booked"}, Ended: "reversed"}
	for _, c := range []struct {
		r          *Reports
		stored     string
		want       string
		descriptor string
	}{
		{sales, "issued", invoicing.StatusIssued, "sales issued"},
		{sales, "void", invoicing.StatusVoid, "sales void"},
		{sales, "draft", invoicing.StatusDraft, "sales draft"},
		{purch, "booked", invoicing.StatusIssued, "purchase booked"},
		{purch, "reversed", invoicing.StatusVoid, "purchase reversed"},
		{purch, "draft", invoicing.StatusDraft, "purchase draft"},
	} {
		if got := c.r.Status(c.stored); got != c.want {
			t.Errorf("%s: %q, want %q", c.descriptor, got, c.want)
		}
	}
}

func TestOpenDocumentsNameTheBooksColumns(t *testing.T) {
	r := &Reports{Book: &Book{Documents: "purchase_invoices", Payments: "supplier_payments", Allocations: "purchase_allocations",
		OwedPrefix: "owed", SettlePrefix: "settle"}, Party: "supplier_id", Dated: "vat_date", Ended: "reversed", EndEntry: "reversal_entry_id"}
	q := r.openDocs() + r.openPayments()
	for _, want := range []string{"d.vat_date <= @d", "d.status = 'reversed'", "m.owed_invoice_id", "m.settle_invoice_id",
		"m.owed_payment_id", "m.settle_payment_id", "FROM purchase_allocations m"} {
		if !strings.Contains(q, want) {
			t.Errorf("missing %q in %s", want, q)
		}
	}
	for _, not := range []string{"debit", "credit", "issue_date", "void"} {
		if strings.Contains(q, not) {
			t.Errorf("%q in payables' query %s", not, q)
		}
	}
	if e := r.EndedOn(); !strings.Contains(e, "d.reversal_entry_id") {
		t.Errorf("ended on %s", e)
	}
}
