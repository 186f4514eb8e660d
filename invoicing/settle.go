package invoicing

import (
	"github.com/shopspring/decimal"

	"backoffice/ledger"
	"backoffice/ledger/money"
)

// The rules of settling, shared by both halves of the books: a customer's
// invoice settled by a payment received or a credit note (receivables), and
// a supplier's purchase invoice settled by a payment made or a supplier
// credit note (payables). Each store keeps its own rows; what an
// allocation may do, what it releases and what exchange difference it
// posts are decided here, once.

// Side is one side of an allocation as the rules see it: a document
// (invoice or credit note) or a payment, in its currency, with what is
// still open of it and of its carrying amount in the functional currency.
type Side struct {
	Name           string // "invoice INV-2026-0001", "payment 12": for messages
	Currency       string
	Party          int64 // the customer's or supplier's id
	Date           ledger.Date
	OpenMinor      int64
	OpenFunctional int64
	Payment        bool            // money moved, rather than a document
	Rate           decimal.Decimal // a document's exchange rate (zero in the functional currency)
}

// Parties names whose documents an allocation joins, for the refusal of
// two different ones ("customers", customer_mismatch).
type Parties struct {
	Plural   string
	Mismatch ledger.Reason
}

// CheckAllocation refuses an allocation of amount between owed (what the
// party owes: an invoice, or a refund paid out) and settler (what settles
// it: a payment, or a credit note): another currency, another party, or
// more than either has open.
func CheckAllocation(owed, settler Side, amount int64, parties Parties) error {
	exp, _ := money.Exponent(owed.Currency)
	f := func(m int64) string { return money.Format(m, exp) }
	switch {
	case owed.Currency != settler.Currency:
		return ledger.Errorf(ledger.CodeInvalid, ledger.ReasonCurrencyMismatch, "%s is in %s and %s in %s; an allocation is in one currency",
			owed.Name, owed.Currency, settler.Name, settler.Currency)
	case owed.Party != settler.Party:
		return ledger.Errorf(ledger.CodeInvalid, parties.Mismatch, "%s and %s belong to different %s", owed.Name, settler.Name, parties.Plural)
	case settler.Payment && amount > settler.OpenMinor:
		return ledger.Errorf(ledger.CodeInvalid, ledger.ReasonAllocationExceedsPayment, "%s has %s %s left to allocate; this allocates %s",
			settler.Name, f(settler.OpenMinor), settler.Currency, f(amount))
	case owed.Payment && amount > owed.OpenMinor:
		return ledger.Errorf(ledger.CodeInvalid, ledger.ReasonAllocationExceedsPayment, "%s has %s %s left to match; this allocates %s",
			owed.Name, f(owed.OpenMinor), owed.Currency, f(amount))
	case amount > owed.OpenMinor || amount > settler.OpenMinor:
		short := owed // the side with less open
		if settler.OpenMinor < owed.OpenMinor {
			short = settler
		}
		return ledger.Errorf(ledger.CodeInvalid, ledger.ReasonAllocationExceedsOpen, "%s has %s %s open; this allocates %s",
			short.Name, f(short.OpenMinor), owed.Currency, f(amount))
	}
	return nil
}

// Settlement is what an allocation releases: its date, the carrying
// amounts each side gives up, and how much of it was money (not a credit
// note applied), which counts as paid.
type Settlement struct {
	Date             ledger.Date
	OwedFunctional   int64
	SettleFunctional int64
	Paid             int64
}

// Settle works out a checked allocation. It is dated on date, but never
// before either side and, when that is locked, today. Each side releases
// its share of its carrying amount (Share). A credit note applied to an
// invoice at the invoice's own rate has no exchange difference, only the
// rounding of converting each document line by line, which the invoice's
// last settlement takes at once rather than a cent at a time.
func Settle(ent *ledger.Entity, owed, settler Side, amount int64, date ledger.Date) Settlement {
	if date.Before(owed.Date) {
		date = owed.Date
	}
	if date.Before(settler.Date) {
		date = settler.Date
	}
	if ent.Locked(date) {
		date = ent.Today()
	}
	s := Settlement{Date: date, OwedFunctional: Share(amount, owed.OpenMinor, owed.OpenFunctional),
		SettleFunctional: Share(amount, settler.OpenMinor, settler.OpenFunctional)}
	if !owed.Payment && !settler.Payment && owed.Rate.Equal(settler.Rate) && amount < owed.OpenMinor && s.SettleFunctional <= owed.OpenFunctional {
		s.OwedFunctional = s.SettleFunctional
	}
	if owed.Payment || settler.Payment {
		s.Paid = amount
	}
	return s
}

// Share is the part of a carrying amount that settling part of open
// releases: all of what is left when the document is settled in full,
// otherwise in proportion, rounded half away from zero. Settling in pieces
// therefore always releases exactly the carrying amount in the end.
func Share(part, open, carrying int64) int64 {
	if part >= open || open == 0 {
		return carrying
	}
	return decimal.NewFromInt(carrying).Mul(decimal.NewFromInt(part)).Div(decimal.NewFromInt(open)).Round(0).IntPart()
}

// FXEntry builds the entry for the exchange difference of an allocation on
// the control account (receivables or payables) where the owed side was
// carried at owedF and the settling side took settleF out. owedDebit says
// on which side the owed document sits there: a debit for a customer's
// invoice in receivables, a credit for a supplier's in payables. The
// difference goes to the FX account: a gain when more came in than a
// receivable was carried at, a loss when more went out than a payable was.
// It returns nil when there is no difference.
func FXEntry(date ledger.Date, ent *ledger.Entity, control, fx string, owedDebit bool, owedF, settleF int64, what string) *ledger.Draft {
	diff := settleF - owedF
	if diff == 0 {
		return nil
	}
	// The settling side moved diff more than the owed side carried: the
	// control account is set right on the owed side's own side.
	onOwedSide := diff > 0
	amt := diff
	if amt < 0 {
		amt = -amt
	}
	d := &ledger.Draft{Date: date, Description: "Exchange difference on " + what}
	if r := []rune(d.Description); len(r) > 500 {
		d.Description = string(r[:500])
	}
	controlDebit := onOwedSide == owedDebit
	d.Lines = []ledger.DraftLine{
		{Account: control, Debit: controlDebit, Currency: ent.Currency, AmountMinor: amt, Description: what},
		{Account: fx, Debit: !controlDebit, Currency: ent.Currency, AmountMinor: amt, Description: what},
	}
	return d
}
