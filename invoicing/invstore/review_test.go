package invstore_test

import (
	"testing"

	"backoffice/invoicing"
	"backoffice/ledger"
)

// An overpayment refunded: the refund is matched with the payment, and
// both are settled.
func TestRefundOfAnOverpayment(t *testing.T) {
	f := newFixture(t)
	inv := f.issued(f.cust, "2026-03-10", line("Cake", "1", "100", "21"))
	pay := f.pay(f.cust, "2026-03-11", "171.00", alloc(inv, "121.00"))
	ref := f.refund(f.cust, "2026-03-12", "50.00", invoicing.AllocationInput{PaymentID: &pay.ID, Amount: "50.00"})
	if got := f.payment(pay.ID); got.UnallocatedMinor() != 0 {
		t.Fatalf("payment still has %s unallocated", eur(got.UnallocatedMinor()))
	}
	if got := f.payment(ref.ID); got.UnallocatedMinor() != 0 || len(got.Allocations) != 1 {
		t.Fatalf("refund: %s unallocated, %d allocations", eur(got.UnallocatedMinor()), len(got.Allocations))
	}
	f.wantBalances(map[string]int64{"1100": 0, "1000": 12100})
	// A payment is not allocated to a payment of its own direction, nor to itself.
	other := f.pay(f.cust, "2026-03-13", "5.00")
	_, err := f.st.Allocate(ctx, f.p, f.ent, other.ID, false, []invoicing.AllocationInput{{PaymentID: &pay.ID, Amount: "1.00"}})
	wantReason(t, err, "allocation_target_invalid")
	_, err = f.st.Allocate(ctx, f.p, f.ent, other.ID, false, []invoicing.AllocationInput{{PaymentID: &other.ID, Amount: "1.00"}})
	wantReason(t, err, "allocation_target_invalid")
	// Removing the refund reopens the overpayment.
	if _, err := f.st.RemovePayment(ctx, f.p, f.ent, ref.ID); err != nil {
		t.Fatal(err)
	}
	if got := f.payment(pay.ID); got.UnallocatedMinor() != 5000 {
		t.Fatalf("after removing the refund the payment has %s unallocated", eur(got.UnallocatedMinor()))
	}
	f.ledgerSound()
}

// An allocation, and the exchange difference it posts, are dated when both
// documents exist: a backdated payment settles in its own period.
func TestAllocationDatedByItsDocuments(t *testing.T) {
	f := newFixture(t)
	usd := f.customer("Acme Inc.", "USD")
	inv := f.fxInvoice(usd, "2026-03-10", "0.9", line("Widget", "1", "100", "0"))
	pay := f.fxPay(usd, "2026-03-12", "100.00", "0.95", alloc(inv, "100.00"))
	a := pay.Allocations[0]
	if a.Date.String() != "2026-03-12" || a.FXEntryID == nil {
		t.Fatalf("allocation dated %s, fx entry %v", a.Date, a.FXEntryID)
	}
	if e := f.entry(*a.FXEntryID); e.Date.String() != "2026-03-12" {
		t.Fatalf("exchange difference dated %s", e.Date)
	}
	f.wantBalances(map[string]int64{"1100": 0, "8900": -500})
}

// A new currency on a draft drops the old currency's rate, and a line that
// no longer fits is refused, not zeroed.
func TestDraftCurrencyChange(t *testing.T) {
	f := newFixture(t)
	usd, rate := "USD", "0.9"
	lines := []invoicing.LineInput{line("Widget", "1", "100", "21")}
	inv := f.draftIn(&invoicing.InvoiceInput{CustomerID: &f.cust.ID, Currency: &usd, ExchangeRate: &rate, Lines: &lines})
	jpy := "JPY"
	got, err := f.st.UpdateInvoice(ctx, f.p, f.ent, inv.ID, &invoicing.InvoiceInput{Currency: &jpy})
	if err != nil {
		t.Fatal(err)
	}
	if !got.ExchangeRate.IsZero() {
		t.Fatalf("the USD rate %s stayed on a JPY draft", got.ExchangeRate)
	}
	_, err = f.st.IssueInvoice(ctx, f.p, f.ent, inv.ID)
	wantReason(t, err, "exchange_rate_required")

	big := []invoicing.LineInput{line("Everything", "1000000000", "5000", "21")}
	huge := f.draftIn(&invoicing.InvoiceInput{CustomerID: &f.cust.ID, Lines: &big})
	kwd, kwdRate := "KWD", "3"
	_, err = f.st.UpdateInvoice(ctx, f.p, f.ent, huge.ID, &invoicing.InvoiceInput{Currency: &kwd, ExchangeRate: &kwdRate})
	wantReason(t, err, "amount_too_large")
}

// Receivables move to another account only when nothing is open on the
// old one; system accounts take accounts of their kind.
func TestReceivableAccountChange(t *testing.T) {
	f := newFixture(t)
	inv := f.issued(f.cust, "2026-03-10", line("Cake", "1", "100", "21"))
	to := "1300"
	_, err := f.st.UpdateSettings(ctx, f.p, f.ent, &invoicing.SettingsInput{ReceivableAccount: &to})
	wantReason(t, err, "receivable_account_in_use")
	revenue := "8000"
	_, err = f.st.UpdateSettings(ctx, f.p, f.ent, &invoicing.SettingsInput{ReceivableAccount: &revenue})
	wantReason(t, err, "account_type_invalid")
	f.pay(f.cust, "2026-03-11", "121.00", alloc(inv, "121.00"))
	if _, err := f.st.UpdateSettings(ctx, f.p, f.ent, &invoicing.SettingsInput{ReceivableAccount: &to}); err != nil {
		t.Fatalf("nothing open, yet: %v", err)
	}
	next := f.issued(f.cust, "2026-03-12", line("Cake", "1", "100", "21"))
	f.pay(f.cust, "2026-03-13", "121.00", alloc(next, "121.00"))
	f.wantBalances(map[string]int64{"1100": 0, "1300": 0})

	code, rate, kind, acct := "X", "21", "standard", "8000"
	_, err = f.st.CreateTaxCode(ctx, f.p, f.ent, &invoicing.TaxCodeInput{Code: &code, Rate: &rate, Kind: &kind, Account: &acct})
	wantReason(t, err, "account_type_invalid")
	toAR := []invoicing.LineInput{{Description: "x", Quantity: "1", UnitPrice: "1", TaxCode: "21", RevenueAccount: "1300"}}
	_, err = f.st.CreateInvoice(ctx, f.p, f.ent, &invoicing.InvoiceInput{CustomerID: &f.cust.ID, Lines: &toAR})
	wantReason(t, err, "account_type_invalid")
	if !ledger.IsCode(err, ledger.CodeInvalid) {
		t.Fatalf("%v is not a 422", err)
	}
}

// Payments list with their allocations (a refund matched with a payment
// shows on both); a credit note without a date is dated today or, for an
// invoice dated ahead, on the invoice's date.
func TestPaymentsListAndCreditNoteDate(t *testing.T) {
	f := newFixture(t)
	inv := f.issued(f.cust, "2026-03-10", line("Cake", "1", "100", "21"))
	pay := f.pay(f.cust, "2026-03-11", "150.00", alloc(inv, "121.00"))
	ref := f.refund(f.cust, "2026-03-12", "29.00", invoicing.AllocationInput{PaymentID: &pay.ID, Amount: "29.00"})
	list, err := f.st.Payments(ctx, f.ent.ID, invoicing.PaymentFilter{Limit: 10})
	if err != nil || len(list) != 2 {
		t.Fatalf("payments: %d, %v", len(list), err)
	}
	if len(list[0].Allocations) != 2 || len(list[1].Allocations) != 1 || list[1].ID != ref.ID {
		t.Fatalf("allocations per payment: %d and %d", len(list[0].Allocations), len(list[1].Allocations))
	}
	ahead := f.issued(f.cust, "2099-01-15", line("Cake", "1", "10", "21"))
	cn, err := f.st.CreateCreditNote(ctx, f.p, f.ent, ahead.ID, &invoicing.CreditNoteInput{})
	if err != nil || cn.IssueDate.String() != "2099-01-15" {
		t.Fatalf("credit note of an invoice dated ahead: %v %v", cn, err)
	}
}
