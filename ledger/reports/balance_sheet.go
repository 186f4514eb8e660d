package reports

import (
	"context"

	"backoffice/ledger"
)

// BalanceSheet is an entity's position as of a date (and, when asked, as
// of a second date to compare with): assets on one side, liabilities and
// equity on the other, each account's balance positive on its natural side.
// The result not yet moved to retained earnings is shown under equity, so
// that the two sides are equal (every entry balances).
type BalanceSheet struct {
	Entity               int64       `json:"entity"`
	AsOf                 string      `json:"as_of"`
	CompareTo            *string     `json:"compare_to,omitempty"`
	Currency             string      `json:"currency"`
	Assets               BalanceSide `json:"assets"`
	LiabilitiesAndEquity BalanceSide `json:"liabilities_and_equity"`
	ent                  *ledger.Entity
	dates                []ledger.Date
	a                    *amounts
	sides                [2][]*bsGroup
	sideTotals           [2]cols
}

// BalanceSide is one side of the balance sheet.
type BalanceSide struct {
	Groups       []BalanceGroup `json:"groups"`
	Total        string         `json:"total"`
	CompareTotal *string        `json:"compare_total,omitempty"`
}

// BalanceGroup is the accounts of one type, grouped by parent account.
type BalanceGroup struct {
	Type     ledger.AccountType `json:"type"`
	Accounts []AccountAmount    `json:"accounts"`
	// Result is under equity only: the revenue and expenses not yet closed
	// into retained earnings.
	Result       *EquityResult `json:"result,omitempty"`
	Total        string        `json:"total"`
	CompareTotal *string       `json:"compare_total,omitempty"`
}

// EquityResult is the part of equity that is still in revenue and expense
// accounts: the current fiscal year's result (from the year's first day to
// the date) and that of earlier years not yet closed.
type EquityResult struct {
	FiscalYearStart        string  `json:"fiscal_year_start"`
	CompareFiscalYearStart *string `json:"compare_fiscal_year_start,omitempty"`
	CurrentYear            string  `json:"current_year"`
	CompareCurrentYear     *string `json:"compare_current_year,omitempty"`
	EarlierYears           string  `json:"earlier_years"`
	CompareEarlierYears    *string `json:"compare_earlier_years,omitempty"`
}

// bsGroup is a group while the sheet is built.
type bsGroup struct {
	typ     ledger.AccountType
	roots   []*node
	total   cols
	current cols // equity: result of the current year
	earlier cols // equity: result of earlier years not closed
}

// BuildBalanceSheet reads the balances as of asOf (and compareTo when it is
// not zero) and the balances at the start of each date's fiscal year, which
// split the result into this year's and earlier years'. Accounts whose
// balance is zero on every date are left out unless includeZero.
func BuildBalanceSheet(ctx context.Context, st Store, ent *ledger.Entity, asOf, compareTo ledger.Date, includeZero bool) (*BalanceSheet, error) {
	dates := []ledger.Date{asOf}
	if !compareTo.IsZero() {
		dates = append(dates, compareTo)
	}
	var (
		accounts []*ledger.Account
		at       = make([]map[int64]ledger.Totals, len(dates)) // balances as of each date
		opening  = make([]map[int64]ledger.Totals, len(dates)) // balances before each date's fiscal year
	)
	err := st.LedgerSnapshot(ctx, func(st Store) error {
		var err error
		if accounts, err = st.Accounts(ctx, ent.ID, true); err != nil {
			return err
		}
		for i, d := range dates {
			if at[i], err = st.Balances(ctx, ent.ID, d, 0); err != nil {
				return err
			}
			if opening[i], err = st.Balances(ctx, ent.ID, FiscalYearStart(ent, d).AddDays(-1), 0); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	bs := &BalanceSheet{Entity: ent.ID, AsOf: asOf.String(), Currency: ent.Currency, ent: ent, dates: dates, a: newAmounts(ent.Currency)}
	compare := len(dates) > 1
	if compare {
		s := compareTo.String()
		bs.CompareTo = &s
	}
	natural := func(a *ledger.Account) cols {
		var v cols
		for i := range dates {
			v[i] = at[i][a.ID].Net()
			if !a.Type.DebitNormal() {
				v[i] = -v[i]
			}
		}
		return v
	}
	for side, types := range [2][]ledger.AccountType{{ledger.Asset}, {ledger.Liability, ledger.Equity}} {
		for _, typ := range types {
			roots, total, err := buildTree(accounts, typ, natural, includeZero)
			if err != nil {
				return nil, err
			}
			g := &bsGroup{typ: typ, roots: roots, total: total}
			if typ == ledger.Equity {
				for i := range dates {
					// Revenue minus expenses up to the date, split at the
					// start of the date's fiscal year.
					all, ok1 := yearResult(accounts, at[i])
					earlier, ok2 := yearResult(accounts, opening[i])
					if !ok1 || !ok2 {
						return nil, overflow()
					}
					g.current[i], g.earlier[i] = all-earlier, earlier
					if !add(&g.total[i], all) {
						return nil, overflow()
					}
				}
			}
			bs.sides[side] = append(bs.sides[side], g)
			for i := range dates {
				if !add(&bs.sideTotals[side][i], g.total[i]) {
					return nil, overflow()
				}
			}
		}
	}
	for side, out := range []*BalanceSide{&bs.Assets, &bs.LiabilitiesAndEquity} {
		out.Groups = make([]BalanceGroup, 0, len(bs.sides[side]))
		for _, g := range bs.sides[side] {
			v := BalanceGroup{Type: g.typ, Accounts: views(bs.a, g.roots, compare),
				Total: bs.a.format(g.total[0]), CompareTotal: optional(bs.a, g.total[1], compare)}
			if g.typ == ledger.Equity {
				v.Result = &EquityResult{
					FiscalYearStart: FiscalYearStart(ent, asOf).String(),
					CurrentYear:     bs.a.format(g.current[0]), CompareCurrentYear: optional(bs.a, g.current[1], compare),
					EarlierYears: bs.a.format(g.earlier[0]), CompareEarlierYears: optional(bs.a, g.earlier[1], compare),
				}
				if compare {
					s := FiscalYearStart(ent, compareTo).String()
					v.Result.CompareFiscalYearStart = &s
				}
			}
			out.Groups = append(out.Groups, v)
		}
		out.Total = bs.a.format(bs.sideTotals[side][0])
		out.CompareTotal = optional(bs.a, bs.sideTotals[side][1], compare)
	}
	return bs, nil
}

// Table is the balance sheet for CSV and PDF: two sections, assets and
// liabilities and equity, with a column per date.
func (bs *BalanceSheet) Table(lang string) *Table {
	titles := make([]string, len(bs.dates))
	for i, d := range bs.dates {
		titles[i] = DateText(d, lang)
	}
	n := len(bs.dates)
	columns := amountColumns(lang, titles...)
	period := AsOfText(bs.dates[0], lang)
	if n > 1 {
		period += tr(lang, " (vergeleken met ", " (compared with ") + DateText(bs.dates[1], lang) + ")"
	}
	t := &Table{
		Report: "balance_sheet", Title: tr(lang, "Balans", "Balance sheet"),
		Entity: bs.ent.Name, Period: period, Language: lang, Currency: bs.Currency,
	}
	sideTitles := [2]string{tr(lang, "Activa", "Assets"), tr(lang, "Passiva", "Liabilities and equity")}
	for side, groups := range bs.sides {
		var rows []Row
		for _, g := range groups {
			headed := side == 1 // assets have one group: the section's title says it
			if headed {
				rows = append(rows, Row{Cells: blank(2+n, "", groupTitle(g.typ, lang)), Style: Heading})
			}
			rows = append(rows, treeRows(bs.a, g.roots, n, 0, lang)...)
			if headed && len(g.roots) == 0 && g.typ != ledger.Equity {
				rows = append(rows, Row{Cells: blank(2+n, "", tr(lang, "Geen saldi.", "No balances.")), Style: Note})
			}
			if g.typ == ledger.Equity {
				rows = append(rows, Row{Cells: amountCells(bs.a, "", tr(lang, "Resultaat lopend boekjaar", "Result for the current fiscal year"), g.current, n)})
				if g.earlier != (cols{}) {
					rows = append(rows, Row{Cells: amountCells(bs.a, "", tr(lang, "Resultaat eerdere boekjaren, niet afgesloten", "Result of earlier fiscal years, not closed"), g.earlier, n)})
				}
			}
			if headed {
				rows = append(rows, Row{Cells: amountCells(bs.a, "", tr(lang, "Totaal ", "Total ")+lower(groupTitle(g.typ, lang)), g.total, n), Style: Subtotal})
			}
		}
		rows = append(rows, Row{Cells: amountCells(bs.a, "", tr(lang, "Totaal ", "Total ")+lower(sideTitles[side]), bs.sideTotals[side], n), Style: Total})
		t.Sections = append(t.Sections, Section{Title: sideTitles[side], Columns: columns, Rows: rows,
			Empty: tr(lang, "Geen saldi per ", "No balances as of ") + DateText(bs.dates[0], lang) + "."})
	}
	return t
}

// groupTitle is the heading of an account type's group.
func groupTitle(t ledger.AccountType, lang string) string {
	switch t {
	case ledger.Asset:
		return tr(lang, "Activa", "Assets")
	case ledger.Liability:
		return tr(lang, "Vreemd vermogen", "Liabilities")
	case ledger.Equity:
		return tr(lang, "Eigen vermogen", "Equity")
	case ledger.Revenue:
		return tr(lang, "Opbrengsten", "Revenue")
	case ledger.Expense:
		return tr(lang, "Kosten", "Expenses")
	}
	return string(t)
}

// blank is n cells, the first ones given.
func blank(n int, first ...string) []string {
	cells := make([]string, n)
	copy(cells, first)
	return cells
}

// lower makes the first letter of a title lower case for "Total assets".
func lower(s string) string {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return s
	}
	return string(s[0]+'a'-'A') + s[1:]
}
