package purchases

import (
	"fmt"
	"slices"

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
	// add appends a line; f is its functional amount when the caller
	// converted it (converted; a foreign currency only), else it is
	// converted here.
	add := func(account string, amount, f int64, converted, dr bool, desc string) error {
		if amount == 0 {
			return nil
		}
		l := ledger.DraftLine{Account: account, Debit: dr, Currency: inv.Currency, AmountMinor: amount, Description: desc}
		if !foreign {
			f = amount
		} else {
			if !converted {
				v, err := money.Convert(amount, exp, inv.ExchangeRate, funcExp)
				if err := invoicing.Convertible(v, err, amount, exp, inv.Currency, inv.ExchangeRate, ent.Currency); err != nil {
					return err
				}
				f = v
			}
			l.Rate, l.FunctionalMinor = inv.ExchangeRate, f
		}
		if dr == debit {
			functional += f
		} else {
			functional -= f
		}
		d.Lines = append(d.Lines, l)
		return nil
	}
	// Cost by account; input VAT and VAT due by account, each converted
	// per tax code first, as the VAT return's totals are
	// (vatledger.PurchaseRows), so that the VAT accounts and the return
	// agree to the cent. Each in the order first met.
	type sum struct {
		account, code string
		minor         int64
	}
	group := func(list []sum, account, code string, v int64) []sum {
		for i := range list {
			if list[i].account == account && list[i].code == code {
				list[i].minor += v
				return list
			}
		}
		return append(list, sum{account, code, v})
	}
	var cost, input, due []sum
	for _, l := range inv.Lines {
		net := l.NetMinor
		if l.TaxKind == TaxImportVAT {
			net = 0 // the line is VAT: only what is not deductible is cost
		}
		cost = group(cost, l.Account, "", net+l.VATMinor-l.DeductibleMinor)
		if l.DeductibleMinor > 0 {
			input = group(input, l.InputAccount, l.TaxCode, l.DeductibleMinor)
		}
		if l.TaxKind.ReverseCharge() && l.VATMinor > 0 {
			due = group(due, l.OutputAccount, l.TaxCode, l.VATMinor)
		}
	}
	// perAccount sums VAT groups per account: the amount, and in a foreign
	// currency the sum of each code's conversion.
	perAccount := func(list []sum) ([]sum, []int64, error) {
		var out []sum
		var fs []int64
		for _, g := range list {
			f := int64(0)
			if foreign {
				v, err := money.Convert(g.minor, exp, inv.ExchangeRate, funcExp)
				if err := invoicing.Convertible(v, err, g.minor, exp, inv.Currency, inv.ExchangeRate, ent.Currency); err != nil {
					return nil, nil, err
				}
				f = v
			}
			i := slices.IndexFunc(out, func(o sum) bool { return o.account == g.account })
			if i < 0 {
				out, fs = append(out, sum{account: g.account}), append(fs, 0)
				i = len(out) - 1
			}
			out[i].minor += g.minor
			fs[i] += f
		}
		return out, fs, nil
	}
	for _, c := range cost {
		if err := add(c.account, c.minor, 0, false, debit, inv.SupplierNumber); err != nil {
			return nil, 0, err
		}
	}
	inputs, inputF, err := perAccount(input)
	if err != nil {
		return nil, 0, err
	}
	for i, c := range inputs {
		if err := add(c.account, c.minor, inputF[i], true, debit, "Input VAT "+inv.SupplierNumber); err != nil {
			return nil, 0, err
		}
	}
	dues, dueF, err := perAccount(due)
	if err != nil {
		return nil, 0, err
	}
	for i, c := range dues {
		if err := add(c.account, c.minor, dueF[i], true, !debit, "VAT reverse charged "+inv.SupplierNumber); err != nil {
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
