package api

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"backoffice/ledger"
)

var updatePDFGolden = flag.Bool("update", false, "rewrite the report PDF golden files in testdata/")

// The text of every ledger report's PDF, through the router, on a small
// fixed set of books: golden files (go test ./api -run ReportPDFText
// -update rewrites them after a deliberate change; review the diff).
func TestReportPDFText(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	e := f.entity("Bakkerij Golden")
	acct := f.key(ledger.RoleAccountant, e)
	for _, body := range []string{
		entryJSON("2025-03-01", "Share capital paid in", dr("1000", "10000.00"), cr("2000", "10000.00")),
		entryJSON("2025-06-30", "Sales June", dr("1100", "1210.00"), cr("8000", "1000.00"), cr("1700", "210.00")),
		entryJSON("2025-07-15", "Receipt", dr("1000", "1210.00"), cr("1100", "1210.00")),
		entryJSON("2025-09-30", "Rent", dr("4100", "750.00"), cr("1000", "750.00")),
		entryJSON("2026-01-31", "Sales January", dr("1100", "605.00"), cr("8100", "500.00"), cr("1700", "105.00")),
		entryJSON("2026-02-28", "Office supplies", dr("4200", "42.50"), cr("1000", "42.50")),
	} {
		f.post(e, acct, body)
	}
	base := ent(e) + "/reports/"
	for name, q := range map[string]string{
		"trial_balance_nl":    "trial-balance?as_of=2026-02-28&lang=nl",
		"balance_sheet_en":    "balance-sheet?as_of=2026-02-28&compare_to=2025-12-31&lang=en",
		"income_statement_nl": "income-statement?from=2025-01-01&to=2025-12-31&lang=nl",
		"general_ledger_en":   "general-ledger?from=2025-01-01&to=2026-02-28&account=1000&lang=en",
		"journal_nl":          "journal?from=2025-01-01&to=2026-02-28&lang=nl",
	} {
		r := f.must(f.do("GET", base+q+"&format=pdf", acct, nil), 200)
		if ct := r.header.Get("Content-Type"); ct != "application/pdf" {
			t.Fatalf("%s: Content-Type %q", name, ct)
		}
		got := pdfText(t, r.body)
		path := filepath.Join("testdata", "report_"+name+".golden")
		if *updatePDFGolden {
			if err := os.MkdirAll("testdata", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s: %v (run with -update to write it)", name, err)
		}
		if got != string(want) {
			t.Errorf("%s: the PDF text differs from %s:\n%s", name, path, got)
		}
		if !strings.Contains(got, "Bakkerij Golden") {
			t.Errorf("%s: no entity name in the PDF", name)
		}
	}
}
