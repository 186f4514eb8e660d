package reports

import (
	"context"

	"backoffice/ledger"
)

// IncomeStatement is what an entity earned over a period (and, when asked,
// over a second period to compare with): revenue and expenses grouped by
// parent account, each positive on its natural side, and the result,
// revenue minus expenses. Closing entries (and their reversals) are left
// out: the statement of a closed year shows its result, not zero.
type IncomeStatement struct {
	Entity        int64         `json:"entity"`
	From          string        `json:"from"`
	To            string        `json:"to"`
	CompareFrom   *string       `json:"compare_from,omitempty"`
	CompareTo     *string       `json:"compare_to,omitempty"`
	Currency      string        `json:"currency"`
	Revenue       IncomeSection `json:"revenue"`
	Expenses      IncomeSection `json:"expenses"`
	Result        string        `json:"result"`
	CompareResult *string       `json:"compare_result,omitempty"`
	ent           *ledger.Entity
	periods       [][2]ledger.Date
	a             *amounts
	groups        [2]isGroup
	result        cols
}

// IncomeSection is the revenue or the expenses of an income statement.
type IncomeSection struct {
	Accounts     []AccountAmount `json:"accounts"`
	Total        string          `json:"total"`
	CompareTotal *string         `json:"compare_total,omitempty"`
}

type isGroup struct {
	roots []*node
	total cols
}

// Period is a period of dates, both included.
type Period struct{ From, To ledger.Date }

// BuildIncomeStatement reads each account's totals over the period (two
// balance reads: before its first day and at its last) less the lines of
// closing entries in it, and the same for the compare period when it is
// not zero. Accounts with nothing in any period are left out unless
// includeZero.
func BuildIncomeStatement(ctx context.Context, st Store, ent *ledger.Entity, period, compare Period, includeZero bool) (*IncomeStatement, error) {
	periods := [][2]ledger.Date{{period.From, period.To}}
	if !compare.From.IsZero() {
		periods = append(periods, [2]ledger.Date{compare.From, compare.To})
	}
	var accounts []*ledger.Account
	totals := make([]map[int64]ledger.Totals, len(periods))
	err := st.LedgerSnapshot(ctx, func(st Store) error {
		var err error
		if accounts, err = st.Accounts(ctx, ent.ID, true); err != nil {
			return err
		}
		for i, p := range periods {
			if totals[i], err = periodTotals(ctx, st, ent.ID, p[0], p[1]); err != nil {
				return err
			}
			closing, err := st.ClosingTotals(ctx, ent.ID, p[0], p[1])
			if err != nil {
				return err
			}
			withoutClosing(totals[i], closing)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	is := &IncomeStatement{Entity: ent.ID, From: period.From.String(), To: period.To.String(), Currency: ent.Currency,
		ent: ent, periods: periods, a: newAmounts(ent.Currency)}
	cmp := len(periods) > 1
	if cmp {
		f, t := compare.From.String(), compare.To.String()
		is.CompareFrom, is.CompareTo = &f, &t
	}
	natural := func(a *ledger.Account) cols {
		var v cols
		for i := range periods {
			v[i] = totals[i][a.ID].Net()
			if !a.Type.DebitNormal() {
				v[i] = -v[i]
			}
		}
		return v
	}
	for g, typ := range []ledger.AccountType{ledger.Revenue, ledger.Expense} {
		roots, total, err := buildTree(accounts, typ, natural, includeZero)
		if err != nil {
			return nil, err
		}
		is.groups[g] = isGroup{roots: roots, total: total}
	}
	for i := range periods {
		r, ok := sub(is.groups[0].total[i], is.groups[1].total[i])
		if !ok {
			return nil, overflow()
		}
		is.result[i] = r
	}
	for g, out := range []*IncomeSection{&is.Revenue, &is.Expenses} {
		out.Accounts = views(is.a, is.groups[g].roots, cmp)
		out.Total = is.a.format(is.groups[g].total[0])
		out.CompareTotal = optional(is.a, is.groups[g].total[1], cmp)
	}
	is.Result = is.a.format(is.result[0])
	is.CompareResult = optional(is.a, is.result[1], cmp)
	return is, nil
}

// Table is the income statement for CSV and PDF: revenue and expenses, a
// column per period (headed by its year when it is one), and the result as
// its bottom line (in the PDF under a recap of the two totals).
func (is *IncomeStatement) Table(lang string) *Table {
	n := len(is.periods)
	titles := make([]string, n)
	for i, p := range is.periods {
		titles[i] = PeriodHeading(p[0], p[1], is.ent.FiscalYearStartMonth, lang)
	}
	columns := amountColumns(lang, titles...)
	period := PeriodText(is.periods[0][0], is.periods[0][1], lang)
	if n > 1 {
		period += tr(lang, " (vergeleken met ", " (compared with ") + PeriodText(is.periods[1][0], is.periods[1][1], lang) + ")"
	}
	t := &Table{
		Report: "income_statement", Title: tr(lang, "Winst-en-verliesrekening", "Income statement"),
		Entity: is.ent.Name, Period: period, Language: lang, Currency: is.Currency,
	}
	for g, typ := range []ledger.AccountType{ledger.Revenue, ledger.Expense} {
		rows := treeRows(is.a, is.groups[g].roots, n, 0, lang)
		rows = append(rows, Row{Cells: amountCells(is.a, "", tr(lang, "Totaal ", "Total ")+lower(groupTitle(typ, lang)), is.groups[g].total, n), Style: Subtotal})
		empty := tr(lang, "Geen opbrengsten in deze periode.", "No revenue in this period.")
		if typ == ledger.Expense {
			empty = tr(lang, "Geen kosten in deze periode.", "No expenses in this period.")
		}
		t.Sections = append(t.Sections, Section{Title: groupTitle(typ, lang), Columns: columns, Rows: rows, Empty: empty})
	}
	// The result is the statement's bottom line, under the columns above:
	// no column titles of its own (the PDF prints no header over it).
	resultColumns := make([]Column, len(columns))
	for i, c := range columns {
		c.Title = ""
		resultColumns[i] = c
	}
	t.Sections = append(t.Sections, Section{Title: tr(lang, "Resultaat", "Result"), Columns: resultColumns, Rows: []Row{
		{Cells: amountCells(is.a, "", tr(lang, "Resultaat (opbrengsten min kosten)", "Result (revenue less expenses)"), is.result, n), Style: Total},
	}, Recap: []Row{
		{Cells: amountCells(is.a, "", groupTitle(ledger.Revenue, lang), is.groups[0].total, n)},
		{Cells: amountCells(is.a, "", tr(lang, "Af: kosten", "Less: expenses"), is.groups[1].total, n)},
	}})
	return t
}
