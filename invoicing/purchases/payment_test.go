package purchases

import (
	"backoffice/invoicing"
	"testing"

	"backoffice/ledger"
)

func payPtr[T any](v T) *T { return &v }

func payDate(s string) ledger.Date {
	d, err := ledger.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestPaymentInputApply(t *testing.T) {
	ent := &ledger.Entity{ID: 1, Currency: "EUR", LockDate: payPtr(payDate("2026-01-31"))}
	s := DefaultSettings()
	cases := []struct {
		name   string
		in     PaymentInput
		reason ledger.Reason
		path   string
		check  func(t *testing.T, p *Payment)
	}{
		{name: "defaults", in: PaymentInput{Amount: payPtr("121.00"), Date: payPtr("2026-03-10")}, check: func(t *testing.T, p *Payment) {
			if p.Direction != DirectionPaid || p.Currency != "EUR" || p.AmountMinor != 12100 || p.FunctionalMinor != 12100 || p.BankAccount != "1000" {
				t.Errorf("%+v", p)
			}
		}},
		// USD 40.00 at 0.95 = EUR 38.00.
		{name: "foreign", in: PaymentInput{Amount: payPtr("40.00"), Currency: payPtr("USD"), ExchangeRate: payPtr("0.95"), Date: payPtr("2026-03-10")}, check: func(t *testing.T, p *Payment) {
			if p.FunctionalMinor != 3800 {
				t.Errorf("functional %d, want 3800", p.FunctionalMinor)
			}
		}},
		{name: "no amount", in: PaymentInput{}, reason: ledger.ReasonFieldRequired, path: "amount"},
		{name: "zero", in: PaymentInput{Amount: payPtr("0.00")}, reason: ledger.ReasonAmountNotPositive, path: "amount"},
		{name: "too precise", in: PaymentInput{Amount: payPtr("1.001")}, reason: ledger.ReasonAmountTooPrecise, path: "amount"},
		{name: "direction", in: PaymentInput{Amount: payPtr("1.00"), Direction: payPtr("received")}, reason: ledger.ReasonDirectionInvalid, path: "direction"},
		{name: "locked", in: PaymentInput{Amount: payPtr("1.00"), Date: payPtr("2026-01-31")}, reason: ledger.ReasonPeriodLocked, path: "date"},
		{name: "rate missing", in: PaymentInput{Amount: payPtr("1.00"), Currency: payPtr("USD")}, reason: ledger.ReasonExchangeRateRequired, path: "exchange_rate"},
		{name: "rate unused", in: PaymentInput{Amount: payPtr("1.00"), ExchangeRate: payPtr("1.1")}, reason: ledger.ReasonExchangeRateUnused, path: "exchange_rate"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := &Payment{}
			err := c.in.Apply(p, ent, s)
			if c.reason == "" {
				if err != nil {
					t.Fatal(err)
				}
				c.check(t, p)
				return
			}
			le, ok := err.(*ledger.Error)
			if !ok || len(le.Fields) == 0 || le.Fields[0].Reason != c.reason || le.Fields[0].Path != c.path {
				t.Errorf("got %v, want %s at %s", err, c.reason, c.path)
			}
		})
	}
}

func TestPaymentAndFXEntries(t *testing.T) {
	ent := &ledger.Entity{ID: 1, Currency: "EUR"}
	s := DefaultSettings()
	pay := &Payment{Direction: DirectionPaid, Date: payDate("2026-03-10"), Currency: "EUR", AmountMinor: 30000, FunctionalMinor: 30000, BankAccount: "1000"}
	d := PaymentEntry(pay, s, "Kantoorhuis")
	if len(d.Lines) != 2 || d.Lines[0].Account != "1600" || !d.Lines[0].Debit || d.Lines[1].Account != "1000" || d.Lines[1].Debit {
		t.Errorf("payment entry %+v", d.Lines)
	}
	pay.Direction = DirectionRefund
	d = PaymentEntry(pay, s, "Kantoorhuis")
	if d.Lines[0].Debit || !d.Lines[1].Debit {
		t.Errorf("refund entry %+v", d.Lines)
	}
	if invoicing.FXEntry(pay.Date, ent, s.PayableAccount, s.FXAccount, false, 9000, 9000, "x") != nil {
		t.Error("an entry for no difference")
	}
	// Carried at 36.00, paid 38.00: a loss of 2.00, payables credited.
	d = invoicing.FXEntry(pay.Date, ent, s.PayableAccount, s.FXAccount, false, 3600, 3800, "x")
	if d.Lines[0].Account != "1600" || d.Lines[0].Debit || d.Lines[0].AmountMinor != 200 || d.Lines[1].Account != "8900" || !d.Lines[1].Debit {
		t.Errorf("loss %+v", d.Lines)
	}
	// Carried at 54.00, paid 51.00: a gain of 3.00, payables debited.
	d = invoicing.FXEntry(pay.Date, ent, s.PayableAccount, s.FXAccount, false, 5400, 5100, "x")
	if !d.Lines[0].Debit || d.Lines[0].AmountMinor != 300 || d.Lines[1].Debit {
		t.Errorf("gain %+v", d.Lines)
	}
}
