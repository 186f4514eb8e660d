package reports_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"backoffice/ledger/reports"
)

var update = flag.Bool("update", false, "rewrite testdata/*.json from the current output")

// goldenBooks is a small fixed set of books over two fiscal years, the
// first of them closed: the data behind the golden files.
func goldenBooks(t *testing.T) *books {
	b := newBooks(t, "Bakkerij Goud B.V.", 1, "nl")
	b.post("2025-01-02", "Share capital paid in", line{"1000", 1000000}, line{"2000", -1000000})
	b.post("2025-02-15", "Invoice 1", line{"1100", 121000}, line{"8110", -100000}, line{"1700", -21000})
	b.post("2025-03-01", "Rent March", line{"4100", 80000}, line{"1000", -80000})
	b.post("2025-03-20", "Payment invoice 1", line{"1000", 121000}, line{"1100", -121000})
	b.post("2025-06-30", "Invoice 2, reduced rate", line{"1000", 10900}, line{"8100", -10000}, line{"1700", -900})
	b.post("2025-12-31", "Office supplies", line{"4210", 15000}, line{"1600", -15000})
	b.close(2025, "")
	b.post("2026-01-15", "Invoice 3", line{"1100", 60500}, line{"8000", -50000}, line{"1700", -10500})
	b.post("2026-02-01", "Rent February", line{"4100", 80000}, line{"1000", -80000})
	return b
}

// golden compares v as indented JSON with testdata/name.json.
func golden(t *testing.T, name string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", name+".json")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run `go test ./ledger/reports -run Golden -update` to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (rerun with -update if the change is meant):\n%s", path, got)
	}
}

// goldenTable is a Table without its stream (a func, which JSON cannot
// hold), the stream's rows read out into the first section.
type goldenTable struct {
	Report, Title, Entity, Period, Language, Currency string
	Header                                            []string
	Sections                                          []reports.Section
}

// tables renders a report's table in both languages for the golden files.
func tables(t *testing.T, table func(lang string) *reports.Table) map[string]goldenTable {
	t.Helper()
	out := map[string]goldenTable{}
	for _, lang := range []string{"en", "nl"} {
		tb := table(lang)
		if tb.Stream != nil {
			for row, err := range tb.Stream {
				if err != nil {
					t.Fatal(err)
				}
				tb.Sections[0].Rows = append(tb.Sections[0].Rows, row)
			}
			tb.Stream = nil
		}
		out[lang] = goldenTable{tb.Report, tb.Title, tb.Entity, tb.Period, tb.Language, tb.Currency, tb.Header, tb.Sections}
	}
	return out
}

// Each report over the fixed books, as JSON and as its tables, equals its
// golden file (the same on both databases).
func TestGoldenReports(t *testing.T) {
	t.Parallel()
	b := goldenBooks(t)
	ent := b.ent
	asOf, compareTo := date("2026-02-28"), date("2025-12-31")

	tb, err := reports.BuildTrialBalance(ctx, b.st, ent, asOf, false)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "trial_balance", tb)
	golden(t, "trial_balance.table", tables(t, tb.Table))

	bs, err := reports.BuildBalanceSheet(ctx, b.st, ent, asOf, compareTo, false)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "balance_sheet", bs)
	golden(t, "balance_sheet.table", tables(t, bs.Table))

	is, err := reports.BuildIncomeStatement(ctx, b.st, ent, reports.Period{From: date("2026-01-01"), To: asOf},
		reports.Period{From: date("2025-01-01"), To: compareTo}, false)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "income_statement", is)
	golden(t, "income_statement.table", tables(t, is.Table))

	from, to := date("2025-01-01"), date("2026-12-31")
	gl := reports.NewGeneralLedger(ctx, b.st, ent, from, to, nil)
	if err := gl.ReadPage(nil, 1000); err != nil {
		t.Fatal(err)
	}
	golden(t, "general_ledger", gl)
	golden(t, "general_ledger.table", tables(t, gl.Table))
	bank, err := b.st.Account(ctx, ent.ID, "1000")
	if err != nil {
		t.Fatal(err)
	}
	page := reports.NewGeneralLedger(ctx, b.st, ent, date("2025-03-01"), to, bank)
	if err := page.ReadPage(nil, 2); err != nil {
		t.Fatal(err)
	}
	golden(t, "general_ledger_1000_page", page)

	j := reports.NewJournal(ctx, b.st, ent, from, to)
	if err := j.ReadPage(nil, 100); err != nil {
		t.Fatal(err)
	}
	golden(t, "journal", j)
	golden(t, "journal.table", tables(t, j.Table))

	years, err := reports.ListFiscalYears(ctx, b.st, ent)
	if err != nil {
		t.Fatal(err)
	}
	for i := range years.Data {
		if years.Data[i].ClosedAt != nil { // the one value that is the clock's
			fixed := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
			years.Data[i].ClosedAt = &fixed
		}
	}
	golden(t, "fiscal_years", years)
}
