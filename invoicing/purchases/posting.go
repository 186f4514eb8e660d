package purchases

import (
	"fmt"

	"backoffice/invoicing"
	"backoffice/ledger"
	"backoffice/ledger/money"
)

// BookEntry builds the entry that booking posts, dated on the VAT date
// (the day the invoice came in, which is also the period its VAT is
// deducted in): each line's account debited with its amount and the VAT
// that may not be deducted, the input VAT account with the deductible VAT,
// for reverse charge the VAT payable account credited with the VAT due,
// and payables credited with what is owed to the supplier. A credit note
// is the mirror image. In a foreign currency every line but payables is
// converted at the invoice's rate and payables takes the balance, so the
// entry balances to the cent; the functional total is returned with it.
func BookEntry(inv *Invoice, ent *ledger.Entity, s *Settings) (*ledger.Draft, int64, error) {
	what := "Purchase invoice"
	if inv.Kind == KindCreditNote {
		what = "Supplier credit note"
	}
	d := &ledger.Draft{Date: inv.VATDate, Reference: inv.Number,
		Description: fmt.Sprintf("%s %s from %s (%s)", what, inv.Number, inv.SupplierName, inv.SupplierNumber)}
	if r := []rune(d.Description); len(r) > 500 {
		d.Description = string(r[:500])
	}
	exp, _ := money.Exponent(inv.Currency)
	funcExp, _ := money.Exponent(ent.Currency)
	foreign := inv.Currency != ent.Currency
	debit := inv.Kind == KindInvoice
	var functional int64 // the payables' functional amount: debits less other credits
	add := func(account string, amount int64, dr bool, desc string) error {
		if amount == 0 {
			return nil
		}
		l := ledger.DraftLine{Account: account, Debit: dr, Currency: inv.Currency, AmountMinor: amount, Description: desc}
		f := amount
		if foreign {
			v, err := money.Convert(amount, exp, inv.ExchangeRate, funcExp)
			if err := invoicing.Convertible(v, err, amount, exp, inv.Currency, inv.ExchangeRate, ent.Currency); err != nil {
				return err
			}
			l.Rate, l.FunctionalMinor, f = inv.ExchangeRate, v, v
		}
		if dr == debit {
			functional += f
		} else {
			functional -= f
		}
		d.Lines = append(d.Lines, l)
		return nil
	}
	// Cost by account, input VAT by account, VAT due by account: each in
	// the order first met.
	type sum struct {
		account string
		minor   int64
	}
	group := func(list []sum, account string, v int64) []sum {
		for i := range list {
			if list[i].account == account {
				list[i].minor += v
				return list
			}
		}
		return append(list, sum{account, v})
	}
	var cost, input, due []sum
	for _, l := range inv.Lines {
		net := l.NetMinor
		if l.TaxKind == TaxImportVAT {
			net = 0 // the line is VAT: only what is not deductible is cost
		}
		cost = group(cost, l.Account, net+l.VATMinor-l.DeductibleMinor)
		if l.DeductibleMinor > 0 {
			input = group(input, l.InputAccount, l.DeductibleMinor)
		}
		if l.TaxKind.ReverseCharge() && l.VATMinor > 0 {
			due = group(due, l.OutputAccount, l.VATMinor)
		}
	}
	for _, c := range cost {
		if err := add(c.account, c.minor, debit, inv.SupplierNumber); err != nil {
			return nil, 0, err
		}
	}
	for _, c := range input {
		if err := add(c.account, c.minor, debit, "Input VAT "+inv.SupplierNumber); err != nil {
			return nil, 0, err
		}
	}
	for _, c := range due {
		if err := add(c.account, c.minor, !debit, "VAT reverse charged "+inv.SupplierNumber); err != nil {
			return nil, 0, err
		}
	}
	ap := ledger.DraftLine{Account: s.PayableAccount, Debit: !debit, Currency: inv.Currency, AmountMinor: inv.TotalMinor, Description: inv.SupplierNumber}
	if foreign {
		if functional <= 0 {
			return nil, 0, ledger.Errorf(ledger.CodeInvalid, ledger.ReasonAmountTooSmall, "the purchase invoice converts to nothing in %s", ent.Currency)
		}
		ap.Rate, ap.FunctionalMinor = inv.ExchangeRate, functional
	} else {
		functional = inv.TotalMinor
	}
	d.Lines = append(d.Lines, ap)
	return d, functional, nil
}
