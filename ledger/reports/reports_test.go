package reports_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"backoffice/ledger"
	"backoffice/ledger/reports"
)

// randomCodes are the accounts random entries post to: no equity account,
// so that the change in equity over a period is the period's result.
var randomCodes = []string{"1000", "1010", "1100", "1200", "1600", "1700", "4100", "4200", "4210", "4500", "7000", "8000", "8100", "8110", "8200"}

// randomBooks posts n random balanced entries dated from 2024-01-01 over
// about two and a half years.
func randomBooks(t *testing.T, name string, startMonth int, seed uint64, n int) *books {
	b := newBooks(t, name, startMonth, "en")
	r := rand.New(rand.NewPCG(seed, seed+1))
	start := date("2024-01-01")
	for i := range n {
		d := start.AddDays(r.IntN(900))
		var lines []line
		var total int64
		for range 1 + r.IntN(2) {
			amt := int64(1 + r.IntN(500000))
			total += amt
			lines = append(lines, line{randomCodes[r.IntN(len(randomCodes))], amt})
		}
		credits := 1 + r.IntN(2)
		for k := range credits {
			amt := total / int64(credits)
			if k == credits-1 {
				amt = total - amt*int64(credits-1)
			}
			lines = append(lines, line{randomCodes[r.IntN(len(randomCodes))], -amt})
		}
		b.post(d.String(), fmt.Sprintf("random %d", i), lines...)
	}
	return b
}

// randomDates are dates around the entries: before the first, after the
// last, and many between.
func randomDates(r *rand.Rand, n int) []ledger.Date {
	out := []ledger.Date{date("2023-12-31"), date("2024-01-01"), date("2026-06-19"), date("2026-12-31"), date("2031-01-01")}
	for range n {
		out = append(out, date("2023-12-01").AddDays(r.IntN(1000)))
	}
	return out
}

// Balances as of a date (trial balance and balance sheet) equal the sums of
// the lines up to that date, at random dates; the balance sheet balances;
// its result under equity is the revenue and expense lines split at the
// start of the date's fiscal year.
func TestBalancesAsOfRandomDates(t *testing.T) {
	t.Parallel()
	for _, startMonth := range []int{1, 4} {
		t.Run(fmt.Sprintf("fiscal year from month %d", startMonth), func(t *testing.T) {
			t.Parallel()
			b := randomBooks(t, "Random BV", startMonth, uint64(startMonth), 150)
			chart := b.chart()
			r := rand.New(rand.NewPCG(3, uint64(startMonth)))
			for _, asOf := range randomDates(r, 25) {
				want := b.sqlSums(ledger.Date{}, asOf)
				sumsAgree(t, "as of "+asOf.String(), want, b.postedSums(ledger.Date{}, asOf))

				tb, err := reports.BuildTrialBalance(ctx, b.st, b.ent, asOf, false)
				if err != nil {
					t.Fatal(err)
				}
				got := sums{}
				var dr, cr int64
				for _, row := range tb.Accounts {
					d, c := minor(t, row.Debit), minor(t, row.Credit)
					if (d != 0) == (c != 0) {
						t.Fatalf("as of %s: account %s has debit %s and credit %s", asOf, row.Code, row.Debit, row.Credit)
					}
					got[row.Code] = ledger.Totals{DebitMinor: d, CreditMinor: c}
					dr, cr = dr+d, cr+c
				}
				sumsAgree(t, "trial balance as of "+asOf.String(), want, got)
				if minor(t, tb.TotalDebit) != dr || minor(t, tb.TotalCredit) != cr || dr != cr {
					t.Fatalf("as of %s: trial balance totals %s/%s, rows %d/%d", asOf, tb.TotalDebit, tb.TotalCredit, dr, cr)
				}

				compareTo := date("2023-12-01").AddDays(r.IntN(1000))
				bs, err := reports.BuildBalanceSheet(ctx, b.st, b.ent, asOf, compareTo, true)
				if err != nil {
					t.Fatal(err)
				}
				checkBalanceSheet(t, b, chart, bs, asOf, compareTo)
			}
			mustVerify(t, b)
		})
	}
}

// checkBalanceSheet checks a balance sheet against the lines in the
// database: both sides are equal, every account shows its balance on its
// natural side, the result is split at the fiscal year's start, and totals
// add up; for both the date and the compare date.
func checkBalanceSheet(t *testing.T, b *books, chart map[string]ledger.AccountType, bs *reports.BalanceSheet, dates ...ledger.Date) {
	t.Helper()
	if bs.Assets.Total != bs.LiabilitiesAndEquity.Total {
		t.Fatalf("as of %s: assets %s, liabilities and equity %s", dates[0], bs.Assets.Total, bs.LiabilitiesAndEquity.Total)
	}
	if (bs.Assets.CompareTotal == nil) != (len(dates) == 1) || (bs.Assets.CompareTotal != nil && *bs.Assets.CompareTotal != *bs.LiabilitiesAndEquity.CompareTotal) {
		t.Fatalf("compare totals %v and %v", bs.Assets.CompareTotal, bs.LiabilitiesAndEquity.CompareTotal)
	}
	for col, d := range dates {
		want := b.sqlSums(ledger.Date{}, d)
		fyStart := reports.FiscalYearStart(b.ent, d)
		shown := map[string][2]string{}
		var sides [2]int64
		for side, s := range []reports.BalanceSide{bs.Assets, bs.LiabilitiesAndEquity} {
			for _, g := range s.Groups {
				own := map[string][2]string{}
				flatten(g.Accounts, own)
				for code, v := range own {
					if chart[code] != g.Type {
						t.Fatalf("account %s (%s) in group %s", code, chart[code], g.Type)
					}
					shown[code] = v
				}
				groupTotal := checkTotals(t, g.Accounts)
				if col == 1 {
					groupTotal = 0
					for _, v := range own {
						groupTotal += minor(t, v[1])
					}
				}
				if g.Type == ledger.Equity {
					current, earlier := g.Result.CurrentYear, g.Result.EarlierYears
					if col == 1 {
						current, earlier = *g.Result.CompareCurrentYear, *g.Result.CompareEarlierYears
					}
					wantCurrent := result(chart, b.sqlSums(fyStart, d))
					wantEarlier := result(chart, b.sqlSums(ledger.Date{}, fyStart.AddDays(-1)))
					if minor(t, current) != wantCurrent || minor(t, earlier) != wantEarlier {
						t.Fatalf("as of %s (fiscal year from %s): result %s + earlier %s, lines say %d + %d", d, fyStart, current, earlier, wantCurrent, wantEarlier)
					}
					groupTotal += wantCurrent + wantEarlier
				}
				total := g.Total
				if col == 1 {
					total = *g.CompareTotal
				}
				if minor(t, total) != groupTotal {
					t.Fatalf("as of %s: group %s total %s, its accounts add up to %d", d, g.Type, total, groupTotal)
				}
				sides[side] += groupTotal
			}
		}
		if sides[0] != sides[1] {
			t.Fatalf("as of %s: assets %d, liabilities and equity %d", d, sides[0], sides[1])
		}
		for code, typ := range chart {
			if typ == ledger.Revenue || typ == ledger.Expense {
				if _, ok := shown[code]; ok {
					t.Fatalf("revenue or expense account %s on the balance sheet", code)
				}
				continue
			}
			if got := minor(t, shown[code][col]); got != natural(typ, want.net(code)) {
				t.Fatalf("as of %s: account %s shows %d, its lines net %d", d, code, got, want.net(code))
			}
		}
	}
}

// The income statement of a random period shows each revenue and expense
// account's lines of the period, and its result equals the change in
// equity over the period (the random entries post nothing to equity).
func TestIncomeStatementRandomPeriods(t *testing.T) {
	t.Parallel()
	b := randomBooks(t, "Income BV", 7, 11, 150)
	chart := b.chart()
	r := rand.New(rand.NewPCG(5, 6))
	for range 20 {
		from := date("2023-12-01").AddDays(r.IntN(1000))
		to := from.AddDays(r.IntN(400))
		cFrom := date("2023-12-01").AddDays(r.IntN(1000))
		cTo := cFrom.AddDays(r.IntN(400))
		is, err := reports.BuildIncomeStatement(ctx, b.st, b.ent, reports.Period{From: from, To: to}, reports.Period{From: cFrom, To: cTo}, true)
		if err != nil {
			t.Fatal(err)
		}
		checkIncomeStatement(t, b, chart, is, reports.Period{From: from, To: to}, 0)
		checkIncomeStatement(t, b, chart, is, reports.Period{From: cFrom, To: cTo}, 1)

		before, err := reports.BuildBalanceSheet(ctx, b.st, b.ent, from.AddDays(-1), ledger.Date{}, false)
		if err != nil {
			t.Fatal(err)
		}
		after, err := reports.BuildBalanceSheet(ctx, b.st, b.ent, to, ledger.Date{}, false)
		if err != nil {
			t.Fatal(err)
		}
		if change := minor(t, equityTotal(after)) - minor(t, equityTotal(before)); change != minor(t, is.Result) {
			t.Fatalf("%s..%s: result %s, equity changed by %d", from, to, is.Result, change)
		}
	}
}

func equityTotal(bs *reports.BalanceSheet) string {
	for _, g := range bs.LiabilitiesAndEquity.Groups {
		if g.Type == ledger.Equity {
			return g.Total
		}
	}
	return ""
}

// checkIncomeStatement checks column col of an income statement against
// the lines of period p, closing entries left out.
func checkIncomeStatement(t *testing.T, b *books, chart map[string]ledger.AccountType, is *reports.IncomeStatement, p reports.Period, col int, closing ...int64) {
	t.Helper()
	want := b.sqlSums(p.From, p.To, closing...)
	sumsAgree(t, fmt.Sprintf("%s..%s", p.From, p.To), want, b.postedSums(p.From, p.To, closing...))
	shown := map[string][2]string{}
	flatten(is.Revenue.Accounts, shown)
	flatten(is.Expenses.Accounts, shown)
	for code, typ := range chart {
		if typ != ledger.Revenue && typ != ledger.Expense {
			if _, ok := shown[code]; ok {
				t.Fatalf("balance sheet account %s on the income statement", code)
			}
			continue
		}
		var got int64
		if v, ok := shown[code]; ok { // left out: zero
			got = minor(t, v[col])
		}
		if got != natural(typ, want.net(code)) {
			t.Fatalf("%s..%s: account %s shows %d, its lines net %d", p.From, p.To, code, got, want.net(code))
		}
	}
	res := is.Result
	if col == 1 {
		res = *is.CompareResult
	} else {
		rev, exp := checkTotals(t, is.Revenue.Accounts), checkTotals(t, is.Expenses.Accounts)
		if minor(t, is.Revenue.Total) != rev || minor(t, is.Expenses.Total) != exp || minor(t, res) != rev-exp {
			t.Fatalf("%s..%s: revenue %s, expenses %s, result %s; accounts add up to %d and %d", p.From, p.To, is.Revenue.Total, is.Expenses.Total, res, rev, exp)
		}
	}
	if minor(t, res) != result(chart, want) {
		t.Fatalf("%s..%s: result %s, lines say %d", p.From, p.To, res, result(chart, want))
	}
}

func mustVerify(t *testing.T, b *books) {
	t.Helper()
	r, err := b.st.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Breaches) > 0 {
		t.Fatalf("verify: %v", r.Breaches)
	}
}

// sqlLine is a line as the test reads it from the database.
type sqlLine struct {
	EntryID    int64
	FiscalYear int
	Number     int64
	LineNo     int
	Date       ledger.Date
	Code       string
	Debit      int64
	Credit     int64
}

// sqlLines lists the lines dated from..to (of one account when code is
// not ""), ordered as given.
func (b *books) sqlLines(from, to ledger.Date, code, order string) []sqlLine {
	b.t.Helper()
	q := `SELECT l.entry_id, e.fiscal_year, e.number, l.line_no, l.date, a.code, l.debit_minor AS debit, l.credit_minor AS credit
		FROM journal_lines l JOIN journal_entries e ON e.entity_id = l.entity_id AND e.id = l.entry_id
		JOIN accounts a ON a.entity_id = l.entity_id AND a.id = l.account_id
		WHERE l.entity_id = ? AND l.date >= ? AND l.date <= ?`
	args := []any{b.ent.ID, from, to}
	if code != "" {
		q += ` AND a.code = ?`
		args = append(args, code)
	}
	var out []sqlLine
	if err := b.st.Query(ctx).DB().Raw(q+` ORDER BY `+order, args...).Scan(&out).Error; err != nil {
		b.t.Fatal(err)
	}
	return out
}

// The general ledger's stream has, per account with lines in the period or
// a balance at its start, the opening balance, every line in date and entry
// order with the running balance, and the closing balance; the JSON pages
// hold the same lines; a consumer may stop the stream early.
func TestGeneralLedger(t *testing.T) {
	t.Parallel()
	b := randomBooks(t, "Ledger BV", 1, 21, 120)
	from, to := date("2024-03-01"), date("2025-09-30")
	opening := b.sqlSums(ledger.Date{}, from.AddDays(-1))
	closing := b.sqlSums(ledger.Date{}, to)
	all := b.sqlLines(from, to, "", "a.code, l.date, l.entry_id, l.line_no")

	// The stream.
	tbl := reports.NewGeneralLedger(ctx, b.st, b.ent, from, to, nil).Table("nl")
	if tbl.Stream == nil || len(tbl.Sections) != 1 || len(tbl.Sections[0].Columns) != 9 || tbl.Title != "Grootboek" {
		t.Fatalf("table %+v", tbl)
	}
	var rows []reports.Row
	for row, err := range tbl.Stream {
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, row)
	}
	var want []reports.Row
	codes := slices.Sorted(func(yield func(string) bool) {
		for code := range b.chart() {
			if !yield(code) {
				return
			}
		}
	})
	for _, code := range codes {
		var lines []sqlLine
		for _, l := range all {
			if l.Code == code {
				lines = append(lines, l)
			}
		}
		if len(lines) == 0 && opening.net(code) == 0 {
			continue
		}
		running := opening.net(code)
		want = append(want, reports.Row{Cells: []string{code, "", from.String(), "", "Beginsaldo", "", "", "", fmtAmount(running)}, Style: reports.Note})
		var dr, cr int64
		for _, l := range lines {
			running += l.Debit - l.Credit
			dr, cr = dr+l.Debit, cr+l.Credit
			want = append(want, reports.Row{Cells: []string{code, "", l.Date.String(), ledger.FormatEntryNumber(l.FiscalYear, l.Number), "", "",
				blankZero(l.Debit), blankZero(l.Credit), fmtAmount(running)}})
		}
		if running != closing.net(code) {
			t.Fatalf("account %s: lines end at %d, the balance at %s is %d", code, running, to, closing.net(code))
		}
		want = append(want, reports.Row{Cells: []string{code, "", to.String(), "", "Eindsaldo", "", fmtAmount(dr), fmtAmount(cr), fmtAmount(running)}, Style: reports.Subtotal})
	}
	if len(rows) != len(want) {
		t.Fatalf("stream has %d rows, want %d", len(rows), len(want))
	}
	for i, w := range want {
		g := rows[i]
		for _, k := range []int{0, 2, 3, 6, 7, 8} {
			if g.Cells[k] != w.Cells[k] {
				t.Fatalf("row %d cell %d = %q, want %q\n got %q\nwant %q", i, k, g.Cells[k], w.Cells[k], g.Cells, w.Cells)
			}
		}
		if g.Style != w.Style || (w.Cells[4] != "" && g.Cells[4] != w.Cells[4]) {
			t.Fatalf("row %d = %q (%d), want %q (%d)", i, g.Cells, g.Style, w.Cells, w.Style)
		}
	}

	// A consumer that stops early ends the stream; the next one starts over.
	n := 0
	for _, err := range tbl.Stream {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 3 {
			break
		}
	}
	again := 0
	for _, err := range reports.NewGeneralLedger(ctx, b.st, b.ent, from, to, nil).Table("en").Stream {
		if err != nil {
			t.Fatal(err)
		}
		again++
	}
	if again != len(want) {
		t.Fatalf("second stream has %d rows, want %d", again, len(want))
	}

	// Pages of 7 lines hold the same lines with the same balances.
	var after *reports.LedgerPosition
	got := map[string][]reports.LedgerLine{}
	pages := 0
	for {
		gl := reports.NewGeneralLedger(ctx, b.st, b.ent, from, to, nil)
		if err := gl.ReadPage(after, 7); err != nil {
			t.Fatal(err)
		}
		pages++
		lines := 0
		for _, a := range gl.Accounts {
			if minor(t, a.OpeningBalance) != opening.net(a.Code) || minor(t, a.ClosingBalance) != closing.net(a.Code) {
				t.Fatalf("page %d account %s: opening %s closing %s", pages, a.Code, a.OpeningBalance, a.ClosingBalance)
			}
			got[a.Code] = append(got[a.Code], a.Lines...)
			lines += len(a.Lines)
		}
		if lines > 7 {
			t.Fatalf("page %d has %d lines", pages, lines)
		}
		if !gl.HasMore {
			break
		}
		if after, _ = reports.ParseLedgerPosition(*gl.NextCursor); after == nil || pages > len(all) {
			t.Fatalf("page %d: cursor %v", pages, gl.NextCursor)
		}
	}
	i := 0
	for _, code := range codes {
		running := opening.net(code)
		for _, l := range got[code] {
			w := all[i]
			running += w.Debit - w.Credit
			if w.Code != code || l.EntryID != w.EntryID || l.LineNo != w.LineNo || minor(t, l.Balance) != running {
				t.Fatalf("paged line %d: %s %+v, want %+v with balance %d", i, code, l, w, running)
			}
			i++
		}
	}
	if i != len(all) || pages < len(all)/7 {
		t.Fatalf("pages hold %d lines in %d pages; the period has %d", i, pages, len(all))
	}

	// One account: shown even without lines.
	acc, err := b.st.Account(ctx, b.ent.ID, "2000")
	if err != nil {
		t.Fatal(err)
	}
	gl := reports.NewGeneralLedger(ctx, b.st, b.ent, from, to, acc)
	if err := gl.ReadPage(nil, 10); err != nil || len(gl.Accounts) != 1 || gl.Accounts[0].Code != "2000" || len(gl.Accounts[0].Lines) != 0 || gl.HasMore {
		t.Fatalf("ledger of 2000: %+v %v", gl, err)
	}
}

func fmtAmount(v int64) string {
	neg := v < 0
	if neg {
		v = -v
	}
	s := fmt.Sprintf("%d.%02d", v/100, v%100)
	if neg {
		s = "-" + s
	}
	return s
}

func blankZero(v int64) string {
	if v == 0 {
		return ""
	}
	return fmtAmount(v)
}

// The journal streams every line of the period's entries in number order,
// and its pages hold the same entries.
func TestJournal(t *testing.T) {
	t.Parallel()
	b := randomBooks(t, "Journal BV", 1, 31, 80)
	from, to := date("2024-06-01"), date("2025-06-30")
	all := b.sqlLines(from, to, "", "e.fiscal_year, e.number, l.line_no")
	tbl := reports.NewJournal(ctx, b.st, b.ent, from, to).Table("en")
	var rows []reports.Row
	for row, err := range tbl.Stream {
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, row)
	}
	if len(rows) != len(all)+1 {
		t.Fatalf("journal has %d rows, want %d lines and a total", len(rows), len(all))
	}
	var dr, cr int64
	for i, l := range all {
		want := []string{l.Date.String(), ledger.FormatEntryNumber(l.FiscalYear, l.Number), l.Code}
		if !slices.Equal(rows[i].Cells[:3], want) || rows[i].Cells[6] != blankZero(l.Debit) || rows[i].Cells[7] != blankZero(l.Credit) {
			t.Fatalf("row %d = %q, want %q %d %d", i, rows[i].Cells, want, l.Debit, l.Credit)
		}
		dr, cr = dr+l.Debit, cr+l.Credit
	}
	last := rows[len(rows)-1]
	if last.Style != reports.Total || last.Cells[6] != fmtAmount(dr) || last.Cells[7] != fmtAmount(cr) || dr != cr {
		t.Fatalf("total row %q, want %d/%d", last.Cells, dr, cr)
	}

	var after *ledger.JournalCursor
	i := 0
	for pages := 1; ; pages++ {
		j := reports.NewJournal(ctx, b.st, b.ent, from, to)
		if err := j.ReadPage(after, 5); err != nil {
			t.Fatal(err)
		}
		if len(j.Entries) > 5 {
			t.Fatalf("page %d has %d entries", pages, len(j.Entries))
		}
		for _, e := range j.Entries {
			var total int64
			for _, l := range e.Lines {
				w := all[i]
				if e.ID != w.EntryID || l.LineNo != w.LineNo || l.Account != w.Code || minor(t, l.Debit) != w.Debit || minor(t, l.Credit) != w.Credit {
					t.Fatalf("page %d line %d: %+v %+v, want %+v", pages, i, e, l, w)
				}
				total += w.Debit
				i++
			}
			if minor(t, e.Total) != total {
				t.Fatalf("entry %s total %s, lines %d", e.Number, e.Total, total)
			}
		}
		if !j.HasMore {
			break
		}
		var err error
		if after, err = reports.ParseJournalCursor(*j.NextCursor); err != nil || pages > len(all) {
			t.Fatalf("cursor %v: %v", j.NextCursor, err)
		}
	}
	if i != len(all) {
		t.Fatalf("pages hold %d lines, want %d", i, len(all))
	}
}
