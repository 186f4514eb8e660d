package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"backoffice/ledger/reports"
)

// balanceSheet is a balance-sheet-like table in lang: two sections with
// headings, indented lines, subtotals and totals, a note, negative
// amounts, and a text too long for its column.
func balanceSheet(lang string) *reports.Table {
	nl := lang == "nl"
	tr := func(n, e string) string {
		if nl {
			return n
		}
		return e
	}
	cols := []reports.Column{
		{Key: "code", Title: tr("Code", "Code"), Kind: reports.Text, Width: 12},
		{Key: "account", Title: tr("Rekening", "Account"), Kind: reports.Text, Width: 50},
		{Key: "amount", Title: tr("31-12-2026", "31 Dec 2026"), Kind: reports.Money, Width: 19},
		{Key: "comparison", Title: tr("31-12-2025", "31 Dec 2025"), Kind: reports.Money, Width: 19},
	}
	return &reports.Table{
		Report:   "balance_sheet",
		Title:    tr("Balans", "Balance sheet"),
		Entity:   "Bakkerij De Gouden Korst B.V.",
		Period:   tr("per 31-12-2026", "as of 31 December 2026"),
		Language: lang,
		Currency: "EUR",
		Sections: []reports.Section{
			{
				Title:   tr("Activa", "Assets"),
				Columns: cols,
				Rows: []reports.Row{
					{Cells: []string{"", tr("Vaste activa", "Fixed assets")}, Style: reports.Heading},
					{Cells: []string{"0200", tr("Bedrijfsgebouwen en -terreinen met een zeer lange omschrijving die niet in de kolom past", "Buildings and land, with a description far too long for its column"), "250000.00", "262500.00"}, Level: 1},
					{Cells: []string{"0210", tr("Afschrijving gebouwen", "Depreciation of buildings"), "-12500.00", "0.00"}, Level: 1},
					{Cells: []string{"", tr("Totaal vaste activa", "Total fixed assets"), "237500.00", "262500.00"}, Style: reports.Subtotal},
					{Cells: []string{"", tr("Vlottende activa", "Current assets")}, Style: reports.Heading},
					{Cells: []string{"1100", tr("Debiteuren", "Accounts receivable"), "18234.56", "15000.10"}, Level: 1},
					{Cells: []string{"1000", tr("Bank, \"zakelijk\"", "Bank, \"business\""), "1234567.89", "-0.00"}, Level: 1},
					{Cells: []string{"", tr("Totaal vlottende activa", "Total current assets"), "1252802.45", "15000.10"}, Style: reports.Subtotal},
					{Cells: []string{"", tr("Totaal activa", "Total assets"), "1490302.45", "277500.10"}, Style: reports.Total},
				},
			},
			{
				Title:   tr("Passiva", "Liabilities and equity"),
				Columns: cols,
				Rows: []reports.Row{
					{Cells: []string{"", tr("Eigen vermogen", "Equity")}, Style: reports.Heading},
					{Cells: []string{"0500", tr("Aandelenkapitaal", "Share capital"), "18000.00", "18000.00"}, Level: 1},
					{Cells: []string{"", tr("Resultaat lopend boekjaar", "Result for the year"), "1198302.45", "9500.10"}, Level: 1},
					{Cells: []string{"", tr("Totaal eigen vermogen", "Total equity"), "1216302.45", "27500.10"}, Style: reports.Subtotal},
					{Cells: []string{"", tr("Schulden", "Liabilities")}, Style: reports.Heading},
					{Cells: []string{"1600", tr("Crediteuren", "Accounts payable"), "274000.00", "250000.00"}, Level: 1},
					{Cells: []string{"", tr("Totaal passiva", "Total liabilities and equity"), "1490302.45", "277500.10"}, Style: reports.Total},
					{Cells: []string{tr("Het resultaat van het lopende boekjaar is nog niet bestemd.", "The result for the year has not been appropriated yet.")}, Style: reports.Note},
				},
			},
		},
	}
}

// ledgerTable is a one-section general-ledger-like table of n rows, with
// a note (the opening balance) first and a total last.
func ledgerTable(n int, lang string) *reports.Table {
	t := &reports.Table{
		Report:   "general_ledger",
		Title:    "General ledger",
		Entity:   "Bakkerij De Gouden Korst B.V.",
		Period:   "1 January - 31 December 2026",
		Language: lang,
		Currency: "EUR",
		Header:   []string{"Account 8000 Revenue"},
	}
	cols := []reports.Column{
		{Key: "date", Title: "Date", Kind: reports.Date, Width: 14},
		{Key: "entry", Title: "Entry", Kind: reports.Text, Width: 13},
		{Key: "description", Title: "Description", Kind: reports.Text, Width: 37},
		{Key: "debit", Title: "Debit", Kind: reports.Money, Width: 12},
		{Key: "credit", Title: "Credit", Kind: reports.Money, Width: 12},
		{Key: "balance", Title: "Balance", Kind: reports.Money, Width: 12},
	}
	rows := []reports.Row{{Cells: []string{"", "", "Opening balance", "", "", "-1000.00"}, Style: reports.Note}}
	bal := int64(-100000)
	for i := range n {
		amt := int64(1000 + i*37%9000)
		bal -= amt
		rows = append(rows, reports.Row{Cells: []string{
			fmt.Sprintf("2026-%02d-%02d", i*12/max(n, 1)+1, i%28+1),
			fmt.Sprintf("2026-%05d", i+1),
			fmt.Sprintf("Row %04d: sale, to customer %d", i+1, i%17),
			"", minorString(amt), minorString(bal),
		}})
	}
	rows = append(rows, reports.Row{Cells: []string{"", "", "Closing balance", "", "", minorString(bal)}, Style: reports.Total})
	t.Sections = []reports.Section{{Columns: cols, Rows: rows}}
	return t
}

// minorString writes cents as a plain decimal, as the reports do.
func minorString(m int64) string {
	neg := m < 0
	if neg {
		m = -m
	}
	s := fmt.Sprintf("%d.%02d", m/100, m%100)
	if neg {
		s = "-" + s
	}
	return s
}

func renderReport(t testing.TB, tab *reports.Table) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := RenderReport(&buf, tab); err != nil {
		t.Fatalf("RenderReport: %v", err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("RenderReport wrote no PDF: %.40q", buf.Bytes())
	}
	// PDF_DUMP_DIR=/tmp/x go test ./invoicing/pdf keeps the PDFs to look at.
	if dir := os.Getenv("PDF_DUMP_DIR"); dir != "" {
		name := strings.NewReplacer("/", "_", " ", "_").Replace(t.Name()) + ".pdf"
		if err := os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

func TestRenderReportBalanceSheetNL(t *testing.T) {
	text := pdfText(t, renderReport(t, balanceSheet("nl")))
	checkGolden(t, "report_balance_sheet_nl", text)

	mustContain(t, text, "Bakkerij De Gouden Korst B.V.", "Balans", "per 31-12-2026", "Valuta: EUR",
		"Activa", "Passiva", "Rekening", "Pagina 1 van 1",
		"Het resultaat van het lopende boekjaar is nog niet bestemd.")
	// Amounts with Dutch separators, the minus kept, a minus zero dropped.
	mustRow(t, text, "0200", "Bedrijfsgebouwen", "…", "250.000,00", "262.500,00")
	mustRow(t, text, "0210", "Afschrijving gebouwen", "-12.500,00", "0,00")
	mustRow(t, text, "1000", `Bank, "zakelijk"`, "1.234.567,89", "0,00")
	mustRow(t, text, "Totaal activa", "1.490.302,45", "277.500,10")
	mustRow(t, text, "Totaal passiva", "1.490.302,45", "277.500,10")
	if strings.Contains(text, "-0,00") || strings.Contains(text, "Page ") {
		t.Error("a minus zero, or English on a Dutch report")
	}
	// The long account name is cut inside its column.
	if strings.Contains(text, "niet in de kolom past") {
		t.Error("a long text was not cut to its column")
	}
}

func TestRenderReportBalanceSheetEN(t *testing.T) {
	text := pdfText(t, renderReport(t, balanceSheet("en")))
	checkGolden(t, "report_balance_sheet_en", text)

	mustContain(t, text, "Balance sheet", "as of 31 December 2026", "Currency: EUR",
		"Assets", "Liabilities and equity", "Page 1 of 1")
	mustRow(t, text, "0210", "Depreciation of buildings", "-12,500.00", "0.00")
	mustRow(t, text, "1000", `Bank, "business"`, "1,234,567.89", "0.00")
	mustRow(t, text, "Total assets", "1,490,302.45", "277,500.10")
	// Assets come before liabilities, each section under its own title.
	if a, l := strings.Index(text, "Assets"), strings.Index(text, "Liabilities and equity"); a < 0 || l < a {
		t.Error("sections out of order")
	}
}

// TestRenderReportPages: a table over three pages repeats its column
// header on every page and numbers the pages "x of y".
func TestRenderReportPages(t *testing.T) {
	tab := ledgerTable(100, "en")
	text := pdfText(t, renderReport(t, tab))
	checkGolden(t, "report_3_pages", text)

	pages := strings.Split(strings.TrimSuffix(text, "\f"), "\f")
	if len(pages) != 3 {
		t.Fatalf("100 rows on %d pages, want 3", len(pages))
	}
	for i, page := range pages {
		if want := fmt.Sprintf("Page %d of 3", i+1); !strings.Contains(page, want) {
			t.Errorf("page %d lacks %q", i+1, want)
		}
		h, row := strings.Index(page, "Description"), strings.Index(page, "Row ")
		if h < 0 || row < 0 || h > row {
			t.Errorf("page %d has rows without the column header above them", i+1)
		}
		if i > 0 && !rowHas(page, "General ledger", "1 January - 31 December 2026 (continued)", "Bakkerij De Gouden Korst B.V.") {
			t.Errorf("page %d lacks the running header", i+1)
		}
	}
	// Every row printed once, in order, with its date the English way.
	last := -1
	for i := 1; i <= 100; i++ {
		label := fmt.Sprintf("Row %04d:", i)
		if c := strings.Count(text, label); c != 1 {
			t.Fatalf("%q printed %d times", label, c)
		}
		at := strings.Index(text, label)
		if at < last {
			t.Fatalf("%q out of order", label)
		}
		last = at
	}
	mustRow(t, text, "1 Jan 2026", "2026-00001", "Row 0001:", "10.00", "-1,010.00")
	mustRow(t, text, "Opening balance", "-1,000.00")
	mustRow(t, text, "Closing balance", "-")
}

// TestRenderReportStream: rows from Table.Stream print as Sections[0].Rows
// would, and the stream's error is returned.
func TestRenderReportStream(t *testing.T) {
	tab := ledgerTable(60, "nl")
	want := renderReport(t, tab)
	rows := tab.Sections[0].Rows
	tab.Sections[0].Rows = nil
	tab.Stream = func(yield func(reports.Row, error) bool) {
		for _, r := range rows {
			if !yield(r, nil) {
				return
			}
		}
	}
	if got := renderReport(t, tab); !bytes.Equal(got, want) {
		t.Error("a streamed table renders differently")
	}

	boom := errors.New("connection reset")
	tab.Stream = func(yield func(reports.Row, error) bool) {
		for i, r := range rows {
			if i == 30 {
				yield(reports.Row{}, boom)
				return
			}
			if !yield(r, nil) {
				return
			}
		}
	}
	var buf bytes.Buffer
	if err := RenderReport(&buf, tab); !errors.Is(err, boom) {
		t.Errorf("failing stream: %v", err)
	}
	if buf.Len() != 0 {
		t.Error("a failed render wrote output")
	}
}

func TestRenderReportDeterministic(t *testing.T) {
	a := renderReport(t, balanceSheet("nl"))
	b := renderReport(t, balanceSheet("nl"))
	if !bytes.Equal(a, b) {
		t.Fatal("two renders of the same table differ")
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	bad := 0
	for range 4 {
		wg.Go(func() {
			var buf bytes.Buffer
			if err := RenderReport(&buf, balanceSheet("nl")); err != nil || !bytes.Equal(buf.Bytes(), a) {
				mu.Lock()
				bad++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if bad > 0 {
		t.Errorf("%d concurrent renders differ", bad)
	}
}

func TestFormatPlain(t *testing.T) {
	for _, c := range []struct{ in, nl, en string }{
		{"1234.56", "1.234,56", "1,234.56"},
		{"-1234.56", "-1.234,56", "-1,234.56"},
		{"-0.00", "0,00", "0.00"},
		{"0", "0", "0"},
		{"1234567", "1.234.567", "1,234,567"},
		{"12.345", "12,345", "12.345"},
		{"", "", ""},
		{"n/a", "n/a", "n/a"},
	} {
		if got := formatPlain(c.in, "nl"); got != c.nl {
			t.Errorf("formatPlain(%q, nl) = %q, want %q", c.in, got, c.nl)
		}
		if got := formatPlain(c.in, "en"); got != c.en {
			t.Errorf("formatPlain(%q, en) = %q, want %q", c.in, got, c.en)
		}
	}
}

func TestLayout(t *testing.T) {
	cols := layout([]reports.Column{{Width: 2}, {Width: 0}, {Width: 4}, {Width: math.NaN()}, {Kind: reports.Money, Width: -1}})
	sum := 0.0
	for _, c := range cols {
		sum += c.w
	}
	if math.Abs(sum-contentW) > 1e-9 {
		t.Errorf("columns span %.3f mm, want %.3f", sum, contentW)
	}
	// Zero and bad widths count as the mean of the given ones (3).
	if math.Abs(cols[1].w/cols[0].w-1.5) > 1e-9 || math.Abs(cols[2].w/cols[0].w-2) > 1e-9 || cols[3].w != cols[1].w {
		t.Errorf("widths %v", cols)
	}
	if cols[4].align != "R" || cols[0].align != "L" {
		t.Error("money is not right-aligned")
	}
	even := layout([]reports.Column{{}, {}, {}, {}})
	if math.Abs(even[0].w-contentW/4) > 1e-9 {
		t.Errorf("no widths: %v", even)
	}
}

// TestRenderReportOddInput: no input makes RenderReport panic or fail.
func TestRenderReportOddInput(t *testing.T) {
	long := strings.Repeat("Ærøskøbing Łódź Ñandú ", 400)
	word := strings.Repeat("X", 5000)
	odd := "emoji 😀 bad\xff\xfe nul\x00 tab\t cr\r\n zwj\u200d cjk 中文 \uFFFF"
	cols := []reports.Column{{Title: long}, {Title: word, Kind: reports.Money}, {Title: odd, Kind: reports.Date, Width: math.Inf(1)}}
	tables := map[string]*reports.Table{
		"empty":                  {},
		"no columns":             {Sections: []reports.Section{{Title: "x", Rows: []reports.Row{{Cells: []string{"a"}}}}}},
		"stream without section": {Stream: func(func(reports.Row, error) bool) {}},
		"long": {
			Title: long, Entity: word, Period: long, Currency: word, Language: word,
			Header: []string{long, word, long, long, long, long, long, long, long, long},
			Sections: []reports.Section{{Title: long, Columns: cols, Rows: []reports.Row{
				{Cells: []string{long, word, long}, Level: math.MaxInt},
				{Cells: []string{word, "-99999999999999999999999999999.99", "2026-02-30"}, Level: -5, Style: reports.Heading},
				{Cells: []string{long + long + long}, Style: reports.Note, Level: 3},
				{Cells: []string{odd, odd, odd, odd, odd}, Style: reports.Style(99)},
				{Style: reports.Total},
				{Cells: []string{"", "", ""}, Style: reports.Note},
			}}},
		},
		"many headings": {Sections: []reports.Section{{Columns: cols, Rows: func() []reports.Row {
			var rows []reports.Row
			for i := range 200 {
				rows = append(rows, reports.Row{Cells: []string{fmt.Sprint(i)}, Style: reports.Style(i % 5)})
			}
			return rows
		}()}}},
	}
	for name, tab := range tables {
		t.Run(name, func(t *testing.T) { renderReport(t, tab) })
	}
}

func TestRenderReportErrors(t *testing.T) {
	if err := RenderReport(io.Discard, nil); err == nil {
		t.Error("RenderReport(nil) returned no error")
	}
	if err := RenderReport(failWriter{}, balanceSheet("en")); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("RenderReport to a failing writer: %v", err)
	}
}

// BenchmarkRenderReport renders a 1,000-row table (about 25 pages).
func BenchmarkRenderReport(b *testing.B) {
	tab := ledgerTable(1000, "nl")
	b.ReportAllocs()
	for b.Loop() {
		if err := RenderReport(io.Discard, tab); err != nil {
			b.Fatal(err)
		}
	}
}
