package invoicing

import (
	"fmt"

	"github.com/shopspring/decimal"

	"backoffice/ledger"
	"backoffice/ledger/money"
)

// IssueEntry builds the entry that issuing posts: receivables debited with
// the total, each revenue account credited with its lines' nets and each
// VAT account with its codes' VAT (the opposite for a credit note). In a
// foreign currency every credit line is converted at the invoice's rate and
// the receivable is their sum, so the entry balances to the cent; the
// functional total is returned with it.
func IssueEntry(inv *Invoice, ent *ledger.Entity, s *Settings, customerName string) (*ledger.Draft, int64, error) {
	what := "Invoice"
	if inv.Kind == KindCreditNote {
		what = "Credit note"
	}
	d := &ledger.Draft{Date: *inv.IssueDate, Description: fmt.Sprintf("%s %s to %s", what, inv.Number, customerName), Reference: inv.Number}
	if len([]rune(d.Description)) > 500 {
		d.Description = string([]rune(d.Description)[:500])
	}
	exp, _ := money.Exponent(inv.Currency)
	funcExp, _ := money.Exponent(ent.Currency)
	foreign := inv.Currency != ent.Currency
	debit := inv.Kind == KindCreditNote // revenue and VAT lines are debits on a credit note
	var functionalSum int64
	add := func(account string, amount int64, desc string) error {
		if amount == 0 {
			return nil
		}
		l := ledger.DraftLine{Account: account, Debit: debit, Currency: inv.Currency, AmountMinor: amount, Description: desc}
		f := amount
		if foreign {
			v, err := money.Convert(amount, exp, inv.ExchangeRate, funcExp)
			if err := Convertible(v, err, amount, exp, inv.Currency, inv.ExchangeRate, ent.Currency); err != nil {
				return err
			}
			l.Rate, l.FunctionalMinor, f = inv.ExchangeRate, v, v
		}
		functionalSum += f
		d.Lines = append(d.Lines, l)
		return nil
	}
	// Revenue by account, in the order accounts first appear.
	var order []string
	nets := map[string]int64{}
	for _, l := range inv.Lines {
		if _, ok := nets[l.RevenueAccount]; !ok {
			order = append(order, l.RevenueAccount)
		}
		nets[l.RevenueAccount] += l.NetMinor
	}
	for _, a := range order {
		if err := add(a, nets[a], "Revenue"); err != nil {
			return nil, 0, err
		}
	}
	for _, r := range VATBreakdown(inv.Lines, exp) {
		if err := add(r.Account, r.TaxMinor, fmt.Sprintf("VAT %s (%s%%)", r.TaxCode, r.Rate)); err != nil {
			return nil, 0, err
		}
	}
	ar := ledger.DraftLine{Account: s.ReceivableAccount, Debit: !debit, Currency: inv.Currency, AmountMinor: inv.TotalMinor, Description: inv.Number}
	if foreign {
		ar.Rate, ar.FunctionalMinor = inv.ExchangeRate, functionalSum
	}
	d.Lines = append([]ledger.DraftLine{ar}, d.Lines...)
	return d, functionalSum, nil
}

// PaymentEntry builds the entry of a payment: bank debited, receivables
// credited (a refund the other way), in the payment's currency.
func PaymentEntry(pay *Payment, s *Settings, customerName string) *ledger.Draft {
	received := pay.Direction == DirectionReceived
	desc := "Payment from " + customerName
	if !received {
		desc = "Refund to " + customerName
	}
	if len([]rune(desc)) > 500 {
		desc = string([]rune(desc)[:500])
	}
	line := func(account string, debit bool) ledger.DraftLine {
		return ledger.DraftLine{Account: account, Debit: debit, Currency: pay.Currency, AmountMinor: pay.AmountMinor,
			Rate: pay.ExchangeRate, FunctionalMinor: pay.FunctionalMinor, Description: pay.Reference}
	}
	return &ledger.Draft{Date: pay.Date, Description: desc, Reference: pay.Reference,
		Lines: []ledger.DraftLine{line(pay.BankAccount, received), line(s.ReceivableAccount, !received)}}
}

// Convertible explains why an amount cannot be posted in the functional
// currency: it converts to more than the ledger holds, or to nothing.
func Convertible(v int64, err error, amount int64, exp int, currency string, rate decimal.Decimal, functional string) error {
	switch {
	case err != nil:
		return ledger.Errorf(ledger.CodeInvalid, ledger.ReasonAmountTooLarge, "%s %s converted at %s is larger than the ledger holds",
			currency, money.Format(amount, exp), rate)
	case v <= 0:
		return ledger.Errorf(ledger.CodeInvalid, ledger.ReasonAmountTooSmall, "%s %s converted at %s is less than the smallest unit of %s",
			currency, money.Format(amount, exp), rate, functional)
	}
	return nil
}

// FunctionalTax is the VAT of a foreign-currency document in the functional
// currency as its entry holds it: each tax code's VAT converted on its own.
func (inv *Invoice) FunctionalTax(ent *ledger.Entity) int64 {
	exp, _ := money.Exponent(inv.Currency)
	funcExp, _ := money.Exponent(ent.Currency)
	var sum int64
	for _, r := range VATBreakdown(inv.Lines, exp) {
		if v, err := money.Convert(r.TaxMinor, exp, inv.ExchangeRate, funcExp); err == nil {
			sum += v
		}
	}
	return sum
}
