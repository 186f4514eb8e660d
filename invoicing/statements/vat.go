package statements

import (
	"context"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"backoffice/invoicing"
	"backoffice/ledger"
	"backoffice/ledger/money"
	"backoffice/ledger/reports"
)

// DefaultInputVATAccount is the standard chart's VAT receivable account,
// where purchases' VAT (input VAT) is posted: the VAT summary shows it
// unless told other accounts.
const DefaultInputVATAccount = "1200"

// InputVATRow is the deductible input VAT of a period on one input VAT
// account (AccountID 0: a purchase tax code without one).
type InputVATRow struct {
	AccountID int64
	Minor     int64
}

// VATSummary is what a VAT return for a period needs, in the functional
// currency: per tax code the taxable amount and the VAT of the invoices
// and credit notes issued in the period (output VAT; credit notes, and
// voids of invoices issued before, count negative), the deductible input
// VAT of the purchases booked in the period per input VAT account (from
// the purchase documents' VAT totals, not from the account's movements,
// which the VAT settlement entry empties), and the amount due (output less
// input; negative: to be refunded).
type VATSummary struct {
	Entity        string       `json:"entity"`
	From          ledger.Date  `json:"from"`
	To            ledger.Date  `json:"to"`
	Currency      string       `json:"currency"`
	Output        []VATCodeRow `json:"output"`
	OutputTaxable Amount       `json:"output_taxable"`
	OutputVAT     Amount       `json:"output_vat"`
	Input         []VATInput   `json:"input"`
	InputVAT      Amount       `json:"input_vat"`
	Due           Amount       `json:"due"`
}

// VATCodeRow is one tax code's share of the output VAT.
type VATCodeRow struct {
	TaxCode     string `json:"tax_code"`
	Description string `json:"description"`
	Kind        string `json:"kind"`
	Rate        string `json:"rate"`
	Taxable     Amount `json:"taxable"`
	VAT         Amount `json:"vat"`
	Documents   int    `json:"documents"` // documents issued or voided in the period with this code
}

// VATInput is one input-VAT account's deductible VAT of the period's
// purchases.
type VATInput struct {
	Account string `json:"account"`
	Name    string `json:"name"`
	Amount  Amount `json:"amount"`
}

// VATAccounts resolves the input-VAT account codes: codes, or the default
// when the chart has it (else none; VAT reads every account the purchase
// tax codes name besides). An unknown code is a problem at path.
func VATAccounts(accounts []*ledger.Account, codes []string, path string) ([]*ledger.Account, error) {
	byCode := map[string]*ledger.Account{}
	for _, a := range accounts {
		byCode[a.Code] = a
	}
	if codes == nil {
		if a := byCode[DefaultInputVATAccount]; a != nil {
			return []*ledger.Account{a}, nil
		}
		return nil, nil
	}
	var p ledger.Problems
	var out []*ledger.Account
	seen := map[string]bool{}
	for _, c := range codes {
		c = strings.TrimSpace(c)
		a := byCode[c]
		switch {
		case a == nil:
			p.Add(path, ledger.ReasonAccountNotFound, "account %q does not exist in this entity", c)
		case !seen[c]:
			seen[c] = true
			out = append(out, a)
		}
	}
	return out, p.Err()
}

// VAT reads and builds the VAT summary of from..to. inputCodes are the
// input-VAT accounts shown (nil: the default and every account with input
// VAT in the period).
func VAT(ctx context.Context, st Store, ent *ledger.Entity, from, to ledger.Date, inputCodes []string) (*VATSummary, error) {
	var out *VATSummary
	err := st.InvoicingSnapshot(ctx, func(st Store) error {
		accounts, err := st.Accounts(ctx, ent.ID, true)
		if err != nil {
			return err
		}
		input, err := VATAccounts(accounts, inputCodes, "input_vat_accounts")
		if err != nil {
			return err
		}
		rows, err := st.InputVAT(ctx, ent, from, to)
		if err != nil {
			return err
		}
		moved := map[int64]int64{}
		for _, r := range rows {
			moved[r.AccountID] += r.Minor
		}
		if inputCodes == nil {
			// The default, and every other account with input VAT.
			shown := map[int64]bool{}
			for _, a := range input {
				shown[a.ID] = true
			}
			for _, a := range accounts {
				if moved[a.ID] != 0 && !shown[a.ID] {
					input = append(input, a)
				}
			}
			slices.SortFunc(input, func(a, b *ledger.Account) int { return strings.Compare(a.Code, b.Code) })
		}
		codes, err := st.TaxCodes(ctx, ent.ID, true)
		if err != nil {
			return err
		}
		act, err := st.VATActivity(ctx, ent, from, to)
		if err != nil {
			return err
		}
		out, err = BuildVAT(ent, from, to, act, codes, input, moved)
		return err
	})
	return out, err
}

// BuildVAT builds the summary from the documents issued or voided in the
// period (each with its lines, or one line per tax code), the entity's tax
// codes (for their descriptions), and the input accounts with their
// movements by account id.
func BuildVAT(ent *ledger.Entity, from, to ledger.Date, act *invoicing.Activity, codes []*invoicing.TaxCode, input []*ledger.Account, moved map[int64]int64) (*VATSummary, error) {
	fexp := exponent(ent.Currency)
	z := Amount{0, fexp}
	r := &VATSummary{Entity: ent.Name, From: from, To: to, Currency: ent.Currency, Output: []VATCodeRow{}, Input: []VATInput{},
		OutputTaxable: z, OutputVAT: z, InputVAT: z, Due: z}
	described := map[string]string{}
	for _, c := range codes {
		described[c.Code] = c.Description
	}
	var s sums
	at := map[string]int{}
	count := func(d *invoicing.Invoice, on ledger.Date, sign int64) error {
		if on.Before(from) || on.After(to) {
			return nil
		}
		exp := exponent(d.Currency)
		for _, v := range invoicing.VATBreakdown(d.Lines, exp) {
			net, tax := v.NetMinor, v.TaxMinor
			if d.Currency != ent.Currency {
				// As the entry converted it: each code's VAT on its own.
				var err error
				if net, err = convert(net, exp, d.ExchangeRate, fexp); err != nil {
					return err
				}
				if tax, err = convert(tax, exp, d.ExchangeRate, fexp); err != nil {
					return err
				}
			}
			i, ok := at[v.TaxCode]
			if !ok {
				i = len(r.Output)
				at[v.TaxCode] = i
				r.Output = append(r.Output, VATCodeRow{TaxCode: v.TaxCode, Description: described[v.TaxCode], Kind: string(v.Kind),
					Rate: v.Rate.String(), Taxable: z, VAT: z})
			}
			row := &r.Output[i]
			s.add(&row.Taxable.Minor, sign*net)
			s.add(&row.VAT.Minor, sign*tax)
			s.add(&r.OutputTaxable.Minor, sign*net)
			s.add(&r.OutputVAT.Minor, sign*tax)
			row.Documents++
		}
		return nil
	}
	for _, d := range act.Documents {
		if d.StoredStatus == invoicing.StatusDraft || d.IssueDate == nil {
			continue
		}
		sign := int64(1)
		if d.Kind == invoicing.KindCreditNote {
			sign = -1
		}
		if err := count(d, *d.IssueDate, sign); err != nil {
			return nil, err
		}
		if on, ok := act.VoidedOn[d.ID]; ok && d.StoredStatus == invoicing.StatusVoid {
			if err := count(d, on, -sign); err != nil {
				return nil, err
			}
		}
	}
	// Highest rate first, then by code: the order of a return's lines.
	slices.SortFunc(r.Output, func(a, b VATCodeRow) int {
		ra, _ := decimal.NewFromString(a.Rate)
		rb, _ := decimal.NewFromString(b.Rate)
		if c := rb.Cmp(ra); c != 0 {
			return c
		}
		return strings.Compare(a.TaxCode, b.TaxCode)
	})
	for _, a := range input {
		v := moved[a.ID]
		r.Input = append(r.Input, VATInput{Account: a.Code, Name: a.Name, Amount: Amount{v, fexp}})
		s.add(&r.InputVAT.Minor, v)
	}
	r.Due.Minor = r.OutputVAT.Minor
	s.add(&r.Due.Minor, -r.InputVAT.Minor)
	if s.over {
		return nil, overflow()
	}
	return r, nil
}

func convert(minor int64, exp int, rate decimal.Decimal, fexp int) (int64, error) {
	v, err := money.Convert(minor, exp, rate, fexp)
	if err != nil {
		return 0, overflow()
	}
	return v, nil
}

// Table is the summary for the renderers in lang: output VAT per tax code,
// input VAT per account, and the amount due, in one table.
func (r *VATSummary) Table(lang string) *reports.Table {
	lang = Language(lang)
	sec := reports.Section{Columns: []reports.Column{
		{Key: "code", Title: tr(lang, "Code", "Code"), Kind: reports.Text, Width: 2.2},
		{Key: "description", Title: tr(lang, "Omschrijving", "Description"), Kind: reports.Text, Width: 4.5},
		{Key: "rate", Title: tr(lang, "Tarief %", "Rate %"), Kind: reports.Number, Width: 1.2},
		{Key: "taxable", Title: tr(lang, "Grondslag", "Taxable amount"), Kind: reports.Money, Width: 2},
		{Key: "vat", Title: tr(lang, "Btw", "VAT"), Kind: reports.Money, Width: 2},
	}}
	add := func(style reports.Style, level int, cells ...string) {
		sec.Rows = append(sec.Rows, reports.Row{Cells: cells, Style: style, Level: level})
	}
	// Labels go in the wide description column.
	add(reports.Heading, 0, "", tr(lang, "Af te dragen btw (verkopen)", "Output VAT (sales)"), "", "", "")
	for _, o := range r.Output {
		desc := o.Description
		if desc == "" {
			desc = o.Kind
		}
		add(reports.Line, 0, o.TaxCode, desc, o.Rate, o.Taxable.String(), o.VAT.String())
	}
	if len(r.Output) == 0 {
		add(reports.Note, 0, "", tr(lang, "Geen facturen of creditnota's in deze periode.", "No invoices or credit notes in this period."))
	}
	add(reports.Subtotal, 0, "", tr(lang, "Totaal af te dragen", "Total output VAT"), "", r.OutputTaxable.String(), r.OutputVAT.String())
	add(reports.Heading, 0, "", tr(lang, "Voorbelasting (inkopen)", "Input VAT (purchases)"), "", "", "")
	for _, in := range r.Input {
		add(reports.Line, 0, in.Account, in.Name, "", "", in.Amount.String())
	}
	if len(r.Input) == 0 {
		add(reports.Note, 0, "", tr(lang, "Geen voorbelastingrekeningen.", "No input VAT accounts."))
	}
	add(reports.Subtotal, 0, "", tr(lang, "Totaal voorbelasting", "Total input VAT"), "", "", r.InputVAT.String())
	add(reports.Total, 0, "", tr(lang, "Te betalen", "VAT due"), "", "", r.Due.String())
	return &reports.Table{Report: "vat_summary", Title: tr(lang, "Btw-overzicht", "VAT summary"), Entity: r.Entity,
		Period: reports.PeriodText(r.From, r.To, lang), Language: lang, Currency: r.Currency, Sections: []reports.Section{sec}}
}
