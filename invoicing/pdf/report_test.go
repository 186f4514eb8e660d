package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"backoffice/invoicing/pdf/pdftest"
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
	text := pdftest.Text(t, renderReport(t, balanceSheet("nl")))
	checkGolden(t, "report_balance_sheet_nl", text)

	mustContain(t, text, "Bakkerij De Gouden Korst B.V.", "Balans", "per 31-12-2026", "Valuta: EUR",
		"Activa", "Passiva", "Rekening", "Pagina 1 van 1",
		"Het resultaat van het lopende boekjaar is nog niet bestemd.")
	// Amounts with Dutch separators, the minus kept, a minus zero dropped.
	mustRow(t, text, "0200", "Bedrijfsgebouwen", "250.000,00", "262.500,00")
	mustRow(t, text, "0210", "Afschrijving gebouwen", "-12.500,00", "0,00")
	mustRow(t, text, "1000", `Bank, "zakelijk"`, "1.234.567,89", "0,00")
	mustRow(t, text, "Totaal activa", "1.490.302,45", "277.500,10")
	mustRow(t, text, "Totaal passiva", "1.490.302,45", "277.500,10")
	if strings.Contains(text, "-0,00") || strings.Contains(text, "Page ") {
		t.Error("a minus zero, or English on a Dutch report")
	}
	// The long account name wraps inside its column: nothing is cut.
	if strings.Contains(text, "…") {
		t.Error("a long text was cut")
	}
	if w := pdftest.PrintedWhole(text, clean("Bedrijfsgebouwen en -terreinen met een zeer lange omschrijving die niet in de kolom past")); w != "" {
		t.Errorf("the long account name lacks %q", w)
	}
}

func TestRenderReportBalanceSheetEN(t *testing.T) {
	text := pdftest.Text(t, renderReport(t, balanceSheet("en")))
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
	text := pdftest.Text(t, renderReport(t, tab))
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
		if i > 0 && !pdftest.RowHas(page, "General ledger", "1 January - 31 December 2026 (continued)", "Bakkerij De Gouden Korst B.V.") {
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
	cols, _ := layout([]reports.Column{{Width: 2}, {Width: 0}, {Width: 4}, {Width: math.NaN()}, {Kind: reports.Money, Width: -1}})
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
	even, _ := layout([]reports.Column{{}, {}, {}, {}})
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

// longReport is a report whose every text is longer than the room it gets,
// as long as real ones get (names of 80 characters and more, descriptions
// of a few lines, one description longer than a page), in lang: entity,
// title, period, sender and recipient, header lines, section titles,
// column titles, group headings, cells, headings and notes. It returns
// the texts that must be printed whole.
func longReport(lang string) (*reports.Table, []string) {
	nl := lang == "nl"
	tr := func(n, e string) string {
		if nl {
			return n
		}
		return e
	}
	t := &reports.Table{
		Report:   "general_ledger",
		Title:    tr("Grootboek met een titel die niet op één regel past", "General ledger with a title too long for one line"),
		Entity:   "Groothandel in Bakkerijgrondstoffen en Zuivelproducten De Gouden Korenschoof B.V.",
		Period:   tr("01-01-2026 t/m 31-12-2026 (vergeleken met 01-01-2025 t/m 31-12-2025)", "1 Jan 2026 to 31 Dec 2026 (compared with 1 Jan 2025 to 31 Dec 2025)"),
		Language: lang,
		Currency: "EUR",
		Header:   []string{tr("Rekening 4105 Huur bedrijfspand Houtribweg inclusief servicekosten, parkeerplaatsen en opslagruimte, met een toelichting die over twee regels loopt", "Account 4105 Rent of the business premises at Houtribweg including service charges, parking spaces and storage, with a note that runs over two lines")},
		Sender: &reports.Party{Lines: []string{"Industrieweg 128, unit 4b (ingang aan de achterzijde, via de laadperrons)"},
			Postcode: "3542 AD", City: "Utrecht", Country: "NL", VATNumber: "NL859123456B01"},
		Recipient: &reports.Party{Label: tr("Klant", "Customer"), Name: "Hotel-Restaurant De Gouden Leeuw aan het Vrijthof, vestiging Maastricht-Centrum B.V.",
			Lines:    []string{"Vrijthof 47, ingang via de Helmstraat (leveringen uitsluitend tussen 6.00 en 10.00 uur)", "t.a.v. crediteurenadministratie, mevrouw A. van den Heuvel-Janssen"},
			Postcode: "6211 LE", City: "Maastricht", Country: "DK", VATNumber: "NL001234567B01"},
	}
	cols := []reports.Column{
		{Key: "account", Title: tr("Rekening", "Account"), Group: true},
		{Key: "account_name", Title: tr("Rekeningnaam", "Account name"), Group: true},
		{Key: "date", Title: tr("Datum", "Date"), Kind: reports.Date, Width: 20},
		{Key: "entry", Title: tr("Boekingsnummer in het journaal", "Entry number in the journal"), Width: 22},
		{Key: "description", Title: tr("Omschrijving", "Description"), Width: 50},
		{Key: "reference", Title: tr("Referentie", "Reference"), Width: 18},
		{Key: "debit", Title: tr("Debet", "Debit"), Kind: reports.Money, Width: 20},
		{Key: "credit", Title: tr("Credit", "Credit"), Kind: reports.Money, Width: 20},
		{Key: "balance", Title: tr("Saldo na deze boeking", "Balance after this entry"), Kind: reports.Money, Width: 20},
	}
	accounts := [][2]string{
		{"1000", "Bank"},
		{"4105", tr("Huur bedrijfspand Houtribweg inclusief servicekosten, parkeerplaatsen en opslagruimte", "Rent of the business premises at Houtribweg including service charges, parking spaces and storage")},
	}
	var rows []reports.Row
	texts := []string{t.Entity, t.Title, t.Period, t.Header[0], t.Sender.Lines[0], t.Sender.VATNumber, t.Recipient.Name, t.Recipient.Lines[0], t.Recipient.Lines[1],
		t.Recipient.Postcode + " " + t.Recipient.City, cols[3].Title, cols[8].Title}
	bal := int64(0)
	for a, acc := range accounts {
		opening := tr("Beginsaldo, overgenomen uit de balans van het vorige boekjaar na de jaarafsluiting", "Opening balance, carried over from the previous fiscal year's balance sheet after closing")
		rows = append(rows, reports.Row{Cells: []string{acc[0], acc[1], "2026-01-01", "", opening, "", "", "", "0.00"}, Style: reports.Note})
		texts = append(texts, acc[1], opening)
		for i := range 24 {
			desc := fmt.Sprintf(tr("Levering van biologisch speltmeel, roggebloem en zuurdesemstarter volgens raamovereenkomst RO/114, levering %d van %d, met vrachtbrief en certificaat van oorsprong",
				"Delivery of organic spelt flour, rye flour and sourdough starter under framework agreement RO/114, delivery %d of %d, with consignment note and certificate of origin"), i+1, 24)
			ref := fmt.Sprintf("BANKOVERFØRSEL/DK/%06d", i+a*100)
			if i == 7 {
				// Longer than a page in its column.
				desc = strings.Repeat(desc+" ", 14) + "einde"
			}
			bal += 181500
			rows = append(rows, reports.Row{Cells: []string{acc[0], acc[1], fmt.Sprintf("2026-%02d-%02d", i/2+1, i%28+1), fmt.Sprintf("2026-%06d", a*100+i+1), desc, ref, "1815.00", "", minorString(bal)}})
			texts = append(texts, desc, ref)
		}
		closing := tr("Eindsaldo", "Closing balance")
		rows = append(rows, reports.Row{Cells: []string{acc[0], acc[1], "2026-12-31", "", closing, "", "43560.00", "0.00", minorString(bal)}, Style: reports.Subtotal})
	}
	heading := tr("Overige rekeningen zonder boekingen in deze periode, maar met een saldo aan het begin ervan", "Other accounts without entries in this period but with a balance at its start")
	rows = append(rows, reports.Row{Cells: []string{"", "", "", "", heading}, Style: reports.Heading})
	texts = append(texts, heading)
	t.Sections = []reports.Section{{Title: tr("Grootboekkaarten van alle rekeningen met mutaties of een beginsaldo in de periode", "Ledger cards of every account with entries or an opening balance in the period"), Columns: cols, Rows: rows}}
	texts = append(texts, t.Sections[0].Title)
	return t, texts
}

// TestRenderReportLongTexts: no text is cut (no "…": the sources hold
// none), every word of every text is printed in order, a row taller than
// a page goes on over the next, and each language writes its dates in one
// style.
func TestRenderReportLongTexts(t *testing.T) {
	for _, lang := range []string{"nl", "en"} {
		t.Run(lang, func(t *testing.T) {
			tab, texts := longReport(lang)
			pdf := renderReport(t, tab)
			raw, layout := pdftest.Raw(t, pdf), pdftest.Text(t, pdf)
			if strings.Contains(raw, "…") {
				t.Errorf("text is cut with \"…\":\n%s", raw)
			}
			for _, s := range texts {
				if w := pdftest.PrintedWhole(raw, clean(s)); w != "" {
					t.Errorf("%q is not printed whole: %q is missing", s, w)
				}
			}
			pdftest.CheckDateStyle(t, "the report", layout, lang)
			// The country by its name, as the invoices write it.
			l := labelsFor(lang)
			mustContain(t, raw, l.country("NL"), l.country("DK"))
			if regexp.MustCompile(`(?m)^\s*(NL|DK)\s*$`).MatchString(layout) {
				t.Error("a country printed as its code")
			}
			pages := strings.Split(strings.TrimSuffix(layout, "\f"), "\f")
			if len(pages) < 4 {
				t.Errorf("%d pages; the long row alone needs more than one", len(pages))
			}
			for i, page := range pages {
				if want := l.page(fmt.Sprint(i+1), fmt.Sprint(len(pages))); !strings.Contains(page, want) {
					t.Errorf("page %d lacks %q", i+1, want)
				}
			}
			// The page that goes on with the long row has its header and
			// says which account it continues.
			cont := 0
			for _, page := range pages[1:] {
				if strings.Contains(page, "Bank ("+l.continued+")") {
					cont++
				}
			}
			if cont == 0 {
				t.Error("no page says that it continues account 1000")
			}
		})
	}
}

// TestRenderReportGroups: Group columns are not columns but a heading
// above each run of rows, repeated with "(continued)" on the pages the
// run goes on over; a total without group values stays in the last run.
func TestRenderReportGroups(t *testing.T) {
	cols := []reports.Column{
		{Key: "date", Title: "Date", Kind: reports.Date, Group: true},
		{Key: "entry", Title: "Entry number", Group: true},
		{Key: "account", Title: "Account"},
		{Key: "description", Title: "Description", Width: 3},
		{Key: "debit", Title: "Debit", Kind: reports.Money},
	}
	var rows []reports.Row
	for e := range 40 {
		for l := range 3 {
			rows = append(rows, reports.Row{Cells: []string{fmt.Sprintf("2026-03-%02d", e%28+1), fmt.Sprintf("2026-%06d", e+1), fmt.Sprint(1000 + l), fmt.Sprintf("line %d of entry %d", l+1, e+1), "10.00"}})
		}
	}
	rows = append(rows, reports.Row{Cells: []string{"", "", "", "Total", "1200.00"}, Style: reports.Total})
	tab := &reports.Table{Title: "Journal", Entity: "Bakkerij De Gouden Korst B.V.", Language: "en", Sections: []reports.Section{{Columns: cols, Rows: rows}}}
	text := pdftest.Text(t, renderReport(t, tab))
	if strings.Contains(text, "Entry number") {
		t.Error("a Group column is printed as a column")
	}
	for e := range 40 {
		head := fmt.Sprintf("2026-%06d", e+1)
		if c := strings.Count(text, head); c < 1 || c > 2 {
			t.Errorf("entry %s headed %d times", head, c)
		}
		mustRow(t, text, fmt.Sprintf("%d Mar 2026", e%28+1), head)
	}
	pages := strings.Split(strings.TrimSuffix(text, "\f"), "\f")
	if len(pages) < 2 {
		t.Fatal("one page")
	}
	for i, page := range pages[1:] {
		first := strings.Index(page, "line ")
		head := strings.Index(page, "2026-0000")
		if first < 0 || head < 0 || head > first {
			t.Errorf("page %d starts with rows under no heading", i+2)
		}
	}
	mustRow(t, text, "Total", "1,200.00")
}

// TestRenderReportEmptySections: a section with nothing but totals says
// so in its own words (or the renderer's) instead of printing a header
// over a total of nothing.
func TestRenderReportEmptySections(t *testing.T) {
	cols := []reports.Column{{Key: "account", Title: "Rekening"}, {Key: "name", Title: "Naam", Width: 3}, {Key: "amount", Title: "2026", Kind: reports.Money}}
	tab := &reports.Table{Title: "Winst-en-verliesrekening", Entity: "Bakkerij De Gouden Korst B.V.", Language: "nl", Sections: []reports.Section{
		{Title: "Opbrengsten", Columns: cols, Rows: []reports.Row{{Cells: []string{"8000", "Omzet", "100.00"}}, {Cells: []string{"", "Totaal opbrengsten", "100.00"}, Style: reports.Subtotal}}},
		{Title: "Kosten", Columns: cols, Empty: "Geen kosten in deze periode.", Rows: []reports.Row{{Cells: []string{"", "Totaal kosten", "0.00"}, Style: reports.Subtotal}}},
		{Title: "Overig", Columns: cols},
	}}
	text := pdftest.Text(t, renderReport(t, tab))
	mustContain(t, text, "Totaal opbrengsten", "Kosten", "Geen kosten in deze periode.", "Overig", reportDutch.empty)
	if strings.Contains(text, "Totaal kosten") {
		t.Error("an empty section prints the total of nothing")
	}
	if c := strings.Count(text, "Rekening"); c != 1 {
		t.Errorf("column headers printed %d times, want once (over the one section with rows)", c)
	}
}

// TestRenderReportHeader: the entity's name once at the top (and in the
// footer), its address under it, the recipient under a label, countries
// by name.
func TestRenderReportHeader(t *testing.T) {
	tab := balanceSheet("en")
	tab.Sender = &reports.Party{Name: tab.Entity, Lines: []string{"Dorpsstraat 1"}, Postcode: "1234 AB", City: "Utrecht", Country: "NL", VATNumber: "NL123456789B01"}
	tab.Recipient = &reports.Party{Label: "Customer", Name: "Ærøskøbing Bageri ApS", Lines: []string{"Vestergade 1"}, Postcode: "5970", City: "Ærøskøbing", Country: "dk"}
	text := pdftest.Text(t, renderReport(t, tab))
	if c := strings.Count(text, tab.Entity); c != 2 {
		t.Errorf("the entity's name printed %d times, want 2 (header and footer)", c)
	}
	mustContain(t, text, "Dorpsstraat 1", "1234 AB Utrecht", "Netherlands", "VAT number NL123456789B01", "CUSTOMER", "Ærøskøbing Bageri ApS", "5970 Ærøskøbing", "Denmark")
	if strings.Index(text, "Dorpsstraat 1") > strings.Index(text, "CUSTOMER") || strings.Index(text, "CUSTOMER") > strings.Index(text, "Ærøskøbing Bageri ApS") {
		t.Error("the sender's address, the label and the customer are out of order")
	}
}

// TestRenderReportTitleSize: every report's title is set at one size,
// however long (a long one wraps).
func TestRenderReportTitleSize(t *testing.T) {
	height := map[string]float64{}
	for _, title := range []string{"Balans", "Bankafstemming", "Winst-en-verliesrekening", "Ouderdomsanalyse debiteuren", "Statement of account", "Grootboek met een titel die niet op één regel past"} {
		tab := balanceSheet("nl")
		tab.Title = title
		first, _, _ := strings.Cut(title, " ")
		h, ok := pdftest.WordHeight(pdftest.Boxes(t, renderReport(t, tab)), first)
		if !ok {
			t.Fatalf("%q: no word %q on page 1", title, first)
		}
		height[title] = h
	}
	for title, h := range height {
		if math.Abs(h-height["Balans"]) > 0.01 {
			t.Errorf("title %q set %.2f pt high, %q %.2f pt", title, h, "Balans", height["Balans"])
		}
	}
}
