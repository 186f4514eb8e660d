package reports

import (
	"context"

	"backoffice/ledger"
)

// TrialBalance lists every account with a balance as of a date, its net
// balance in the debit or the credit column; the columns' totals are equal
// (law 1), which is what the report is for.
type TrialBalance struct {
	Entity      int64             `json:"entity"`
	AsOf        string            `json:"as_of"`
	Currency    string            `json:"currency"`
	Accounts    []TrialBalanceRow `json:"accounts"`
	TotalDebit  string            `json:"total_debit"`
	TotalCredit string            `json:"total_credit"`

	ent  *ledger.Entity
	asOf ledger.Date
}

// TrialBalanceRow is one account of a trial balance.
type TrialBalanceRow struct {
	Code   string             `json:"code"`
	Name   string             `json:"name"`
	Type   ledger.AccountType `json:"type"`
	Debit  string             `json:"debit"`
	Credit string             `json:"credit"`
}

// BuildTrialBalance reads the balances as of asOf (a bounded number of rows
// of account totals, whatever the number of entries). Accounts with a zero
// balance are left out unless includeZero.
func BuildTrialBalance(ctx context.Context, st Store, ent *ledger.Entity, asOf ledger.Date, includeZero bool) (*TrialBalance, error) {
	var (
		accounts []*ledger.Account
		totals   map[int64]ledger.Totals
	)
	err := st.LedgerSnapshot(ctx, func(st Store) error {
		var err error
		if accounts, err = st.Accounts(ctx, ent.ID, true); err != nil {
			return err
		}
		totals, err = st.Balances(ctx, ent.ID, asOf, 0)
		return err
	})
	if err != nil {
		return nil, err
	}
	a := newAmounts(ent.Currency)
	zero := a.format(0)
	tb := &TrialBalance{Entity: ent.ID, AsOf: asOf.String(), Currency: ent.Currency, Accounts: []TrialBalanceRow{}, ent: ent, asOf: asOf}
	var dr, cr int64
	for _, acc := range accounts {
		net := totals[acc.ID].Net()
		if net == 0 && !includeZero {
			continue
		}
		row := TrialBalanceRow{Code: acc.Code, Name: acc.Name, Type: acc.Type, Debit: zero, Credit: zero}
		ok := true
		if net >= 0 {
			row.Debit = a.format(net)
			ok = add(&dr, net)
		} else {
			row.Credit = a.format(-net)
			ok = add(&cr, -net)
		}
		if !ok {
			return nil, overflow()
		}
		tb.Accounts = append(tb.Accounts, row)
	}
	tb.TotalDebit, tb.TotalCredit = a.format(dr), a.format(cr)
	return tb, nil
}

// Table is the trial balance for CSV and PDF.
func (tb *TrialBalance) Table(lang string) *Table {
	cols := []Column{
		{Key: "account", Title: tr(lang, "Rekening", "Account"), Kind: Text, Width: 1.2},
		{Key: "name", Title: tr(lang, "Naam", "Name"), Kind: Text, Width: 4},
		{Key: "type", Title: tr(lang, "Soort", "Type"), Kind: Text, Width: 1.5},
		{Key: "debit", Title: tr(lang, "Debet", "Debit"), Kind: Money, Width: 1.6},
		{Key: "credit", Title: tr(lang, "Credit", "Credit"), Kind: Money, Width: 1.6},
	}
	rows := make([]Row, 0, len(tb.Accounts)+1)
	for _, r := range tb.Accounts {
		rows = append(rows, Row{Cells: []string{r.Code, r.Name, typeName(r.Type, lang), r.Debit, r.Credit}})
	}
	rows = append(rows, Row{Cells: []string{"", tr(lang, "Totaal", "Total"), "", tb.TotalDebit, tb.TotalCredit}, Style: Total})
	return &Table{
		Report: "trial_balance", Title: tr(lang, "Saldibalans", "Trial balance"),
		Entity: tb.ent.Name, Period: AsOfText(tb.asOf, lang), Language: lang, Currency: tb.Currency,
		Sections: []Section{{Columns: cols, Rows: rows, Empty: tr(lang, "Geen rekeningen met een saldo per ", "No accounts with a balance as of ") +
			DateText(tb.asOf, lang) + "."}},
	}
}

// typeName is an account type in the report's language.
func typeName(t ledger.AccountType, lang string) string {
	switch t {
	case ledger.Asset:
		return tr(lang, "Activa", "Asset")
	case ledger.Liability:
		return tr(lang, "Vreemd vermogen", "Liability")
	case ledger.Equity:
		return tr(lang, "Eigen vermogen", "Equity")
	case ledger.Revenue:
		return tr(lang, "Opbrengsten", "Revenue")
	case ledger.Expense:
		return tr(lang, "Kosten", "Expense")
	}
	return string(t)
}
