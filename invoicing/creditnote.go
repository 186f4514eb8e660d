package invoicing

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"backoffice/ledger"
	"backoffice/ledger/money"
)

// BuildCreditNote makes a credit note against inv, after the credit notes
// prior already issued against it. Each line credited keeps the invoice
// line's description, tax code and revenue account; its net follows the
// line rules.
//
// VAT is rounded once per tax code over what all the invoice's credit notes
// credit together: this one's VAT for a code is the VAT of everything
// credited so far at that code, less what earlier credit notes took. A
// first credit note therefore gets plain EN 16931 rounding, and the one
// that credits the rest of a code gets exactly the rest of the invoice's
// VAT, so that an invoice credited in parts can always be credited in full.
func BuildCreditNote(inv *Invoice, prior []*Invoice, in *CreditNoteInput) (*Invoice, error) {
	credited := map[int]int64{}                                // net per invoice line
	codeNet, codeVAT := map[string]int64{}, map[string]int64{} // per tax code
	for _, c := range prior {
		exp, _ := money.Exponent(c.Currency)
		for _, l := range c.Lines {
			if l.CreditsLineNo != nil {
				credited[*l.CreditsLineNo] += l.NetMinor
			}
		}
		for _, r := range VATBreakdown(c.Lines, exp) {
			codeNet[r.TaxCode] += r.NetMinor
			codeVAT[r.TaxCode] += r.TaxMinor
		}
	}
	switch {
	case inv.Kind != KindInvoice:
		return nil, ledger.Errorf(ledger.CodeConflict, ledger.ReasonNotAnInvoice, "a credit note corrects an invoice, not a credit note")
	case inv.StoredStatus == StatusDraft:
		return nil, ledger.Errorf(ledger.CodeConflict, ledger.ReasonInvoiceNotIssued, "invoice %d is a draft; edit or delete it instead", inv.ID)
	case inv.StoredStatus == StatusVoid:
		return nil, ledger.Errorf(ledger.CodeConflict, ledger.ReasonInvoiceVoid, "invoice %s is void", inv.Number)
	}
	exp, _ := money.Exponent(inv.Currency)
	byNo := map[int]*Line{}
	for i := range inv.Lines {
		byNo[inv.Lines[i].LineNo] = &inv.Lines[i]
	}
	sel := in.Lines
	if len(sel) == 0 {
		for _, l := range inv.Lines {
			if l.NetMinor-credited[l.LineNo] > 0 {
				sel = append(sel, CreditLineInput{Line: l.LineNo})
			}
		}
		if len(sel) == 0 {
			return nil, ledger.Errorf(ledger.CodeConflict, ledger.ReasonInvoiceFullyCredited, "every line of invoice %s is credited already", inv.Number)
		}
	}
	cn := &Invoice{Kind: KindCreditNote, EntityID: inv.EntityID, CustomerID: inv.CustomerID, Currency: inv.Currency,
		ExchangeRate: inv.ExchangeRate, CreditedInvoiceID: &inv.ID, StoredStatus: StatusDraft}
	var p ledger.Problems
	if in.Notes != nil {
		cn.Notes = strings.TrimSpace(*in.Notes)
		if utf8.RuneCountInString(cn.Notes) > 2000 {
			p.Add("notes", ledger.ReasonFieldTooLong, "notes are longer than 2000 characters")
		}
	}
	seen := map[int]bool{}
	for i, s := range sel {
		at := func(f string) string { return fmt.Sprintf("lines[%d].%s", i, f) }
		orig := byNo[s.Line]
		switch {
		case orig == nil:
			p.Add(at("line"), ledger.ReasonLineNotFound, "invoice %s has no line %d", inv.Number, s.Line)
			continue
		case seen[s.Line]:
			p.Add(at("line"), ledger.ReasonLineRepeated, "line %d is named twice", s.Line)
			continue
		case s.Quantity != "" && s.Amount != "":
			p.Add(at("quantity"), ledger.ReasonCreditBoth, "give quantity or amount, not both")
			continue
		}
		seen[s.Line] = true
		remaining := orig.NetMinor - credited[s.Line]
		l := *orig
		l.LineNo = len(cn.Lines) + 1
		no := orig.LineNo
		l.CreditsLineNo = &no
		switch {
		case s.Quantity != "":
			q, err := ParseDecimal(s.Quantity, 6)
			if err != nil || !q.IsPositive() {
				p.Add(at("quantity"), ledger.ReasonQuantityInvalid, "quantity must be a decimal greater than 0")
				continue
			}
			net, ok := LineNet(q, orig.UnitPrice, orig.DiscountPercent, exp)
			if !ok {
				p.Add(at("quantity"), ledger.ReasonCreditExceedsInvoice, "line %d: quantity %s credits more than the line", s.Line, s.Quantity)
				continue
			}
			l.Quantity, l.NetMinor = q, net
		case s.Amount != "" || credited[s.Line] > 0:
			amount := remaining
			if s.Amount != "" {
				a, err := money.ParseAmount(s.Amount, exp)
				if ae, ok := err.(*money.AmountError); ok {
					p.Add(at("amount"), ledger.Reason(ae.Reason), "%s", ae.Message)
					continue
				}
				amount = a
			}
			l.Quantity, l.UnitPrice, l.DiscountPercent, l.NetMinor = decimal.NewFromInt(1), decimal.New(amount, -int32(exp)), decimal.Zero, amount
		}
		if l.NetMinor > remaining {
			p.Add(at("line"), ledger.ReasonCreditExceedsInvoice, "line %d has %s %s left to credit; this credits %s",
				s.Line, money.Format(remaining, exp), inv.Currency, money.Format(l.NetMinor, exp))
			continue
		}
		if l.NetMinor <= 0 {
			p.Add(at("line"), ledger.ReasonCreditZero, "line %d: nothing to credit", s.Line)
			continue
		}
		cn.Lines = append(cn.Lines, l)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	for _, r := range VATBreakdown(cn.Lines, exp) {
		cumulative := Percent(codeNet[r.TaxCode]+r.NetMinor, r.Rate) - codeVAT[r.TaxCode]
		if adjust := cumulative - r.TaxMinor; adjust != 0 {
			for i := range cn.Lines { // on the code's first line
				if cn.Lines[i].TaxCode == r.TaxCode {
					cn.Lines[i].TaxAdjustMinor = adjust
					break
				}
			}
		}
	}
	cn.ComputeTotals()
	if left := inv.TotalMinor - inv.CreditNotedMinor; cn.TotalMinor > left {
		return nil, ledger.Errorf(ledger.CodeInvalid, ledger.ReasonCreditExceedsInvoice, "invoice %s has %s %s left to credit; this credit note totals %s",
			inv.Number, money.Format(left, exp), inv.Currency, money.Format(cn.TotalMinor, exp))
	}
	return cn, nil
}
