package reports_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"

	"backoffice/ledger"
	"backoffice/ledger/money"
	"backoffice/ledger/reports"
	"backoffice/ledger/sqlstore"
	"backoffice/ledger/sqlstore/sqltest"
)

func TestMain(m *testing.M) { os.Exit(sqltest.Main(m)) }

var ctx = context.Background()

// books is one entity on a fresh database, with what the test posted kept
// aside so that reports can be checked against it as well as against the
// lines in the database.
type books struct {
	t     *testing.T
	st    *sqlstore.Store
	ent   *ledger.Entity
	p     *ledger.Principal
	lines []postedLine // every line the test posted, in order
}

// postedLine is a line as the test posted it.
type postedLine struct {
	entry  int64
	date   ledger.Date
	code   string
	debit  int64
	credit int64
}

// newBooks creates an entity with the standard chart, fiscal years
// starting in startMonth, and a deeper revenue and expense hierarchy:
// 8110 under 8100 under 8000, and 4210 under 4200.
func newBooks(t *testing.T, name string, startMonth int, locale string) *books {
	t.Helper()
	st := sqltest.Open(t)
	k, _, err := st.CreateKey(ctx, nil, &ledger.KeyInput{Name: "test admin", Role: ledger.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	p := ledger.KeyPrincipal(k)
	cur, tmpl := "EUR", "standard"
	ent, err := st.CreateEntity(ctx, p, &ledger.EntityInput{Name: &name, Currency: &cur, ChartTemplate: &tmpl,
		FiscalYearStartMonth: &startMonth, Locale: &locale})
	if err != nil {
		t.Fatal(err)
	}
	b := &books{t: t, st: st, ent: ent, p: p}
	b.account("8110", "Revenue, bread", ledger.Revenue, "8100")
	b.account("4210", "Office rent, storage", ledger.Expense, "4200")
	return b
}

func (b *books) account(code, name string, typ ledger.AccountType, parent string) {
	b.t.Helper()
	if _, err := b.st.CreateAccount(ctx, b.p, b.ent.ID, &ledger.AccountInput{Code: code, Name: name, Type: typ, Parent: parent}); err != nil {
		b.t.Fatal(err)
	}
}

// line is one line of an entry to post: account code and a signed amount
// in minor units (positive: debit).
type line struct {
	code  string
	minor int64
}

// post posts an entry and records its lines.
func (b *books) post(date, desc string, lines ...line) *ledger.Entry {
	b.t.Helper()
	in := &ledger.EntryInput{Date: date, Description: desc}
	for _, l := range lines {
		li := ledger.LineInput{Account: l.code}
		if l.minor > 0 {
			li.Debit = money.Format(l.minor, 2)
		} else {
			li.Credit = money.Format(-l.minor, 2)
		}
		in.Lines = append(in.Lines, li)
	}
	out, err := b.st.PostEntry(ctx, b.p, b.ent, in, nil)
	if err != nil {
		b.t.Fatalf("post %s %s: %v", date, desc, err)
	}
	b.record(out.Entry)
	return out.Entry
}

// record keeps the lines of an entry the store posted (a close, a reversal).
func (b *books) record(e *ledger.Entry) {
	for _, l := range e.Lines {
		b.lines = append(b.lines, postedLine{entry: e.ID, date: e.Date, code: l.AccountCode, debit: l.DebitMinor, credit: l.CreditMinor})
	}
}

// reload reads the entity again (its lock date moves with a close).
func (b *books) reload() {
	b.t.Helper()
	e, err := b.st.Entity(ctx, b.ent.ID)
	if err != nil {
		b.t.Fatal(err)
	}
	b.ent = e
}

func date(s string) ledger.Date {
	d, err := ledger.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// sums are debits and credits per account code.
type sums map[string]ledger.Totals

func (s sums) net(code string) int64 { return s[code].Net() }

// sqlSums sums the lines in the database dated from..to (zero from: from
// the beginning) per account code, leaving out the given entries: SQL
// written here, independent of the store's totals and of the reports.
func (b *books) sqlSums(from, to ledger.Date, without ...int64) sums {
	b.t.Helper()
	if from.IsZero() {
		from = date("1900-01-01")
	}
	q := `SELECT a.code, CAST(coalesce(sum(l.debit_minor), 0) AS BIGINT) AS debit, CAST(coalesce(sum(l.credit_minor), 0) AS BIGINT) AS credit
		FROM journal_lines l JOIN accounts a ON a.entity_id = l.entity_id AND a.id = l.account_id
		WHERE l.entity_id = ? AND l.date >= ? AND l.date <= ?`
	args := []any{b.ent.ID, from, to}
	if len(without) > 0 {
		q += ` AND l.entry_id NOT IN ?`
		args = append(args, without)
	}
	var rows []struct {
		Code   string
		Debit  int64
		Credit int64
	}
	if err := b.st.Query(ctx).DB().Raw(q+` GROUP BY a.code`, args...).Scan(&rows).Error; err != nil {
		b.t.Fatal(err)
	}
	out := sums{}
	for _, r := range rows {
		out[r.Code] = ledger.Totals{DebitMinor: r.Debit, CreditMinor: r.Credit}
	}
	return out
}

// postedSums sums the lines the test posted, the same way.
func (b *books) postedSums(from, to ledger.Date, without ...int64) sums {
	out := sums{}
	for _, l := range b.lines {
		if (!from.IsZero() && l.date.Before(from)) || l.date.After(to) || slices.Contains(without, l.entry) {
			continue
		}
		t := out[l.code]
		t.DebitMinor += l.debit
		t.CreditMinor += l.credit
		out[l.code] = t
	}
	return out
}

// sumsAgree fails unless the two agree on every account's net.
func sumsAgree(t *testing.T, what string, a, b sums) {
	t.Helper()
	for code := range a {
		if a.net(code) != b.net(code) {
			t.Fatalf("%s: account %s nets %d in the database, %d in what the test posted", what, code, a.net(code), b.net(code))
		}
	}
	for code := range b {
		if a.net(code) != b.net(code) {
			t.Fatalf("%s: account %s nets %d in the database, %d in what the test posted", what, code, a.net(code), b.net(code))
		}
	}
}

// chart maps account codes to their types.
func (b *books) chart() map[string]ledger.AccountType {
	b.t.Helper()
	accounts, err := b.st.Accounts(ctx, b.ent.ID, true)
	if err != nil {
		b.t.Fatal(err)
	}
	out := map[string]ledger.AccountType{}
	for _, a := range accounts {
		out[a.Code] = a.Type
	}
	return out
}

// natural is a net balance on the type's natural side.
func natural(typ ledger.AccountType, net int64) int64 {
	if typ.DebitNormal() {
		return net
	}
	return -net
}

// result is revenue minus expenses in s.
func result(chart map[string]ledger.AccountType, s sums) int64 {
	var r int64
	for code, t := range s {
		if typ := chart[code]; typ == ledger.Revenue || typ == ledger.Expense {
			r -= t.Net()
		}
	}
	return r
}

// minor reads a report amount back into minor units.
func minor(t *testing.T, s string) int64 {
	t.Helper()
	if s == "0.00" {
		return 0
	}
	neg := len(s) > 0 && s[0] == '-'
	if neg {
		s = s[1:]
	}
	v, err := money.ParseAmount(s, 2)
	if err != nil {
		t.Fatalf("amount %q: %v", s, err)
	}
	if neg {
		return -v
	}
	return v
}

// flatten lists the accounts of a grouped report with their own amounts
// (first column and compare column).
func flatten(list []reports.AccountAmount, out map[string][2]string) {
	for _, a := range list {
		cmp := ""
		if a.CompareAmount != nil {
			cmp = *a.CompareAmount
		}
		out[a.Code] = [2]string{a.Amount, cmp}
		flatten(a.Children, out)
	}
}

// checkTotals checks that every account's total is its own amount plus its
// children's totals, and returns the sum of the list's totals.
func checkTotals(t *testing.T, list []reports.AccountAmount) int64 {
	t.Helper()
	var sum int64
	for _, a := range list {
		want := minor(t, a.Amount) + checkTotals(t, a.Children)
		if got := minor(t, a.Total); got != want {
			t.Fatalf("account %s: total %d, own amount plus children %d", a.Code, got, want)
		}
		sum += want
	}
	return sum
}

func fmtMinor(v int64) string { return fmt.Sprintf("%d", v) }
