package reports

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"backoffice/ledger"
)

// DefaultRetainedEarnings is the equity account a close uses when none is
// named: retained earnings in the standard chart.
const DefaultRetainedEarnings = "2100"

// ResolveRetained finds the equity account that takes a year's result:
// code, or DefaultRetainedEarnings when code is "". Errors name the body
// field retained_earnings_account.
func ResolveRetained(accounts []*ledger.Account, code string) (*ledger.Account, error) {
	const path = "retained_earnings_account"
	var p ledger.Problems
	want := code
	if want == "" {
		want = DefaultRetainedEarnings
	}
	i := slices.IndexFunc(accounts, func(a *ledger.Account) bool { return a.Code == want })
	switch {
	case i < 0 && code == "":
		p.Add(path, ledger.ReasonRetainedEarningsRequired, "the chart has no account %s: name the equity account that takes the result in retained_earnings_account", DefaultRetainedEarnings)
	case i < 0:
		p.Add(path, ledger.ReasonAccountNotFound, "account %q does not exist in this entity", code)
	case accounts[i].Type != ledger.Equity:
		p.Add(path, ledger.ReasonAccountTypeInvalid, "account %s is of type %s; the result goes to an equity account", want, accounts[i].Type)
	case accounts[i].Archived():
		p.Add(path, ledger.ReasonAccountArchived, "account %s is archived", want)
	default:
		return accounts[i], nil
	}
	return nil, p.Err()
}

// profitAndLoss reports whether an account's balance is a result of the
// year (revenue or expense) rather than a balance sheet item.
func profitAndLoss(t ledger.AccountType) bool { return t == ledger.Revenue || t == ledger.Expense }

// yearResult is revenue minus expenses in totals: credits minus debits of
// the revenue and expense accounts.
func yearResult(accounts []*ledger.Account, totals map[int64]ledger.Totals) (int64, bool) {
	var r int64
	for _, a := range accounts {
		if profitAndLoss(a.Type) && !add(&r, -totals[a.ID].Net()) {
			return 0, false
		}
	}
	return r, true
}

// ClosingDraft builds the entry that closes fiscal year y: for each revenue
// and expense account with a balance over the year (yearTotals: the lines
// dated in the year, earlier closing entries included), a line that brings
// it to zero, and the difference (the result) on retained earnings. It
// returns a nil draft when no account has a balance for the year, and the
// result moved (positive: a profit credited to retained earnings).
func ClosingDraft(ent *ledger.Entity, y int, accounts []*ledger.Account, yearTotals map[int64]ledger.Totals, retained *ledger.Account) (*ledger.Draft, int64, error) {
	_, last := YearBounds(y, ent.FiscalYearStartMonth)
	d := &ledger.Draft{
		Date: last, FiscalYear: y, Reference: "FY" + strconv.Itoa(y) + "-close",
		Description: tr(langOf(ent), "Afsluiting boekjaar ", "Closing of fiscal year ") + strconv.Itoa(y) + ": " +
			tr(langOf(ent), "resultaat naar ", "result to ") + retained.Code + " " + retained.Name,
	}
	var archived, foreign []string
	var result int64
	for _, a := range accounts {
		net := yearTotals[a.ID].Net()
		if !profitAndLoss(a.Type) || net == 0 {
			continue
		}
		switch {
		case a.Archived():
			archived = append(archived, a.Code)
		case a.Currency != "" && a.Currency != ent.Currency:
			foreign = append(foreign, a.Code)
		}
		// The line takes the balance away: a debit balance is credited.
		l := ledger.DraftLine{Account: a.Code, Debit: net < 0, Currency: ent.Currency, AmountMinor: abs(net)}
		d.Lines = append(d.Lines, l)
		if !add(&result, -net) {
			return nil, 0, overflow()
		}
	}
	switch {
	case len(archived) > 0:
		return nil, 0, ledger.Errorf(ledger.CodeInvalid, ledger.ReasonAccountArchived,
			"accounts %s are archived but have a balance for fiscal year %d: unarchive them to close the year", strings.Join(archived, ", "), y)
	case len(foreign) > 0:
		return nil, 0, ledger.Errorf(ledger.CodeInvalid, ledger.ReasonAccountCurrencyMismatch,
			"accounts %s take only a foreign currency; close their balances for fiscal year %d by hand first", strings.Join(foreign, ", "), y)
	case len(d.Lines) == 0:
		return nil, 0, nil
	case len(d.Lines) >= ledger.MaxLines:
		return nil, 0, ledger.Errorf(ledger.CodeInvalid, ledger.ReasonLinesTooMany,
			"%d revenue and expense accounts have a balance; a closing entry has at most %d lines", len(d.Lines), ledger.MaxLines-1)
	}
	if result != 0 {
		d.Lines = append(d.Lines, ledger.DraftLine{Account: retained.Code, Debit: result < 0, Currency: ent.Currency, AmountMinor: abs(result)})
	}
	return d, result, nil
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// langOf is the language of texts the system writes into the books.
func langOf(ent *ledger.Entity) string {
	if strings.HasPrefix(ent.Locale, "nl") {
		return Dutch
	}
	return English
}

// YearClosed reports whether fiscal year y is closed: a close is recorded
// for it and every revenue and expense account's balance over the year
// (yearTotals, closing entries included) is zero. A later post into the
// year (after an admin moved the lock date back) or a reversal of its
// closing entry opens it again, and it can be closed anew. It returns the
// year's latest close, if any.
func YearClosed(closes []*ledger.FiscalYearClose, y int, accounts []*ledger.Account, yearTotals map[int64]ledger.Totals) (*ledger.FiscalYearClose, bool) {
	var last *ledger.FiscalYearClose
	for _, c := range closes {
		if c.FiscalYear == y {
			last = c
		}
	}
	if last == nil {
		return nil, false
	}
	for _, a := range accounts {
		if profitAndLoss(a.Type) && yearTotals[a.ID].Net() != 0 {
			return last, false
		}
	}
	return last, true
}

// FiscalYear is one fiscal year of an entity and whether it is closed.
type FiscalYear struct {
	FiscalYear int    `json:"fiscal_year"`
	Start      string `json:"start"`
	End        string `json:"end"`
	Entries    int64  `json:"entries"`
	Status     string `json:"status"` // "open" or "closed"
	// Result is revenue minus expenses of the year, its closing entries
	// left out: what a close moves (or moved) to retained earnings.
	Result string `json:"result"`
	// The latest close, when the year was ever closed.
	ClosingEntryID   *int64     `json:"closing_entry_id"`
	RetainedEarnings *string    `json:"retained_earnings_account"`
	ClosedAt         *time.Time `json:"closed_at"`
	ClosedBy         *int64     `json:"closed_by_key"`
}

// FiscalYears lists an entity's fiscal years.
type FiscalYears struct {
	Entity   int64        `json:"entity"`
	Currency string       `json:"currency"`
	Data     []FiscalYear `json:"data"`
}

// ListFiscalYears lists the fiscal years that have entries or a recorded
// close, oldest first, with their status.
func ListFiscalYears(ctx context.Context, st Store, ent *ledger.Entity) (*FiscalYears, error) {
	out := &FiscalYears{Entity: ent.ID, Currency: ent.Currency, Data: []FiscalYear{}}
	err := st.LedgerSnapshot(ctx, func(st Store) error {
		counts, err := st.EntryCounts(ctx, ent.ID)
		if err != nil {
			return err
		}
		closes, err := st.FiscalYearCloses(ctx, ent.ID)
		if err != nil {
			return err
		}
		years := make([]int, 0, len(counts)+len(closes))
		for y := range counts {
			years = append(years, y)
		}
		for _, c := range closes {
			years = append(years, c.FiscalYear)
		}
		slices.Sort(years)
		years = slices.Compact(years)
		if len(years) == 0 {
			return nil
		}
		accounts, err := st.Accounts(ctx, ent.ID, true)
		if err != nil {
			return err
		}
		a := newAmounts(ent.Currency)
		// Consecutive years share a boundary: one balance read per year.
		var prevEnd ledger.Date
		var before map[int64]ledger.Totals
		for _, y := range years {
			first, last := YearBounds(y, ent.FiscalYearStartMonth)
			if before == nil || prevEnd.Compare(first.AddDays(-1)) != 0 {
				if before, err = st.Balances(ctx, ent.ID, first.AddDays(-1), 0); err != nil {
					return err
				}
			}
			after, err := st.Balances(ctx, ent.ID, last, 0)
			if err != nil {
				return err
			}
			year := movement(before, after)
			closing, err := st.ClosingTotals(ctx, ent.ID, first, last)
			if err != nil {
				return err
			}
			c, closed := YearClosed(closes, y, accounts, year)
			withoutClosing(year, closing)
			result, ok := yearResult(accounts, year)
			if !ok {
				return overflow()
			}
			fy := FiscalYear{FiscalYear: y, Start: first.String(), End: last.String(), Entries: counts[y],
				Status: "open", Result: a.format(result)}
			if closed {
				fy.Status = "closed"
			}
			if c != nil {
				at := c.At
				code := c.RetainedEarnings
				fy.ClosingEntryID, fy.RetainedEarnings, fy.ClosedAt, fy.ClosedBy = c.EntryID, &code, &at, c.By
			}
			out.Data = append(out.Data, fy)
			before, prevEnd = after, last
		}
		return nil
	})
	return out, err
}
