package pdf

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"backoffice/invoicing/pdf/pdftest"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

func render(t testing.TB, doc *Document) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, doc); err != nil {
		t.Fatalf("Render: %v", err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("Render wrote no PDF: %.40q", buf.Bytes())
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

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run `go test ./invoicing/pdf -update` to create it)", err)
	}
	if got == string(want) {
		return
	}
	g, w := strings.Split(got, "\n"), strings.Split(string(want), "\n")
	for i := 0; i < max(len(g), len(w)); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			t.Fatalf("text differs from %s at line %d:\n got: %q\nwant: %q\n(run `go test ./invoicing/pdf -update` if the change is intended)", path, i+1, gl, wl)
		}
	}
}

// mustContain fails for each of wants that text lacks.
func mustContain(t *testing.T, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("text lacks %q", w)
		}
	}
}

func mustRow(t *testing.T, text string, parts ...string) {
	t.Helper()
	if !pdftest.RowHas(text, parts...) {
		t.Errorf("no line holds %q in order", parts)
	}
}

func TestRenderDutchInvoice(t *testing.T) {
	text := pdftest.Text(t, render(t, dutchInvoice()))
	checkGolden(t, "invoice_nl_eur", text)

	mustContain(t, text,
		"Factuur", "Factuurnummer", "INV-2026-0117",
		"Factuurdatum", "20-11-2026", "Leveringsdatum", "15-11-2026", "Vervaldatum", "20-12-2026",
		"Betalingstermijn", "30 dagen", "Betalingskenmerk", "RF18 5390 0754 7034",
		// supplier and customer, with the VAT numbers and the KvK number
		"Boekhoudkantoor Van der Berg B.V.", "Keizersgracht 123", "1015 CJ Amsterdam",
		"BTW-nummer NL812345678B01", "KvK-nummer 81234567",
		"Przedsiębiorstwo Handlowe Ñandú Sp. z o.o.", "ul. Piotrkowska 104", "90-926 Łódź", "Polen",
		"BTW-nummer PL7251234567",
		// the line table
		"Omschrijving", "Aantal", "Prijs", "Korting", "BTW", "Bedrag",
		"vennootschapsbelasting", "vestiging Łódź",
		// the VAT breakdown, totals and legal note
		"Grondslag", "BTW verlegd¹",
		"Subtotaal", "Totaal",
		"¹ BTW verlegd naar de afnemer (artikel 196 Richtlijn 2006/112/EG)",
		"IBAN NL91 ABNA 0417 1643 00",
		"Bedankt voor de prettige samenwerking.",
		"Pagina 1 van 1",
	)
	// Each line: quantity, unit price excluding VAT, discount, rate, net.
	mustRow(t, text, "Jaarrekening 2025", "1 st.", "€ 1.850,00", "21%", "€ 1.850,00")
	mustRow(t, text, "Loonadministratie", "12 st.", "€ 24,50", "10%", "21%", "€ 264,60")
	mustRow(t, text, "Vakliteratuur", "2 st.", "€ 89,95", "9%", "€ 179,90")
	mustRow(t, text, "Adviesuren", "6,5 uur", "€ 125,00", "0%", "¹", "€ 812,50")
	// The VAT breakdown: the rate, its taxable amount and its VAT.
	mustRow(t, text, "21%", "€ 2.114,60", "€ 444,07")
	mustRow(t, text, "9%", "€ 179,90", "€ 16,19")
	mustRow(t, text, "BTW verlegd¹", "€ 812,50", "€ 0,00")
	mustRow(t, text, "Subtotaal", "€ 3.107,00")
	mustRow(t, text, "BTW", "€ 460,26")
	mustRow(t, text, "Totaal", "€ 3.567,26")
	if strings.Contains(text, "Page ") || strings.Contains(text, "Invoice") {
		t.Error("English text on a Dutch invoice")
	}
}

func TestRenderEnglishFXInvoice(t *testing.T) {
	text := pdftest.Text(t, render(t, englishFXInvoice()))
	checkGolden(t, "invoice_en_usd_fx", text)

	mustContain(t, text,
		"Invoice", "Invoice number", "INV-2026-0042",
		"Invoice date", "5 Mar 2026", "Date of supply", "28 Feb 2026", "Due date", "4 Apr 2026",
		"Payment terms", "30 days",
		"VAT number NL812345678B01", "Chamber of Commerce no. 81234567",
		"Ærøskøbing Shipping ApS", "5970 Ærøskøbing", "Denmark", "VAT number DK12345678",
		"Description", "Quantity", "Unit price", "Discount", "Amount",
		"Intra-EU supply¹",
		"¹ Intra-Community supply exempt from VAT (Article 138 Directive 2006/112/EC)",
		"Please pay USD 11,121.25 by 4 Apr 2026 to IBAN NL91 ABNA 0417 1643 00",
		"Page 1 of 1",
	)
	mustRow(t, text, "Consolidation", "40 h", "USD 150.00", "21%", "USD 6,000.00")
	mustRow(t, text, "Transfer-pricing", "1 pcs", "USD 2,500.00", "5%", "21%", "USD 2,375.00")
	mustRow(t, text, "Printed annual reports", "250 pcs", "USD 3.95", "0%", "¹", "USD 987.50")
	mustRow(t, text, "21%", "USD 8,375.00", "USD 1,758.75")
	mustRow(t, text, "Intra-EU supply¹", "USD 987.50", "USD 0.00")
	mustRow(t, text, "Subtotal", "USD 9,362.50")
	mustRow(t, text, "Total", "USD 11,121.25")
	// Art. 230: the VAT in the functional currency and the rate used.
	mustRow(t, text, "Exchange rate", "1 USD = 0.9234 EUR")
	mustRow(t, text, "VAT in EUR", "€1,624.03")
	if strings.Contains(text, "reverse") {
		t.Error("reverse-charge note without reverse-charge lines")
	}
}

func TestRenderCreditNote(t *testing.T) {
	text := pdftest.Text(t, render(t, dutchCreditNote()))
	checkGolden(t, "credit_note_nl", text)

	mustContain(t, text,
		"Creditnota", "Creditnotanummer", "CN-2026-0003",
		"Creditnotadatum", "02-11-2026", "Leveringsdatum", "31-10-2026",
		"Creditnota bij factuur INV-2026-0017",
		"KLANT", "Café De Zwaan v.o.f.", "3511 NK Utrecht", "BTW-nummer NL001234567B02",
		"Verrekening", "U hoeft niets te betalen: € 513,76 staat in uw voordeel",
		"Het bedrag wordt binnen 14 dagen teruggestort.",
	)
	mustRow(t, text, "Creditering", "-4 uur", "€ 95,00", "21%", "€ -380,00")
	mustRow(t, text, "Retour", "-1 st.", "€ 49,50", "9%", "€ -49,50")
	mustRow(t, text, "21%", "€ -380,00", "€ -79,80")
	mustRow(t, text, "9%", "€ -49,50", "€ -4,46")
	mustRow(t, text, "Totaal", "€ -513,76")
	// A credit note bills nothing and asks for no payment: no due date,
	// no request, no bank account to pay to.
	for _, unwanted := range []string{"Vervaldatum", "Wij verzoeken u", "Factuurnummer", "FACTUUR AAN", "IBAN"} {
		if strings.Contains(text, unwanted) {
			t.Errorf("credit note shows %q", unwanted)
		}
	}
}

func TestRender150Lines(t *testing.T) {
	doc := longInvoice(150)
	text := pdftest.Text(t, render(t, doc))
	checkGolden(t, "invoice_150_lines", text)

	pages := strings.Split(strings.TrimSuffix(text, "\f"), "\f")
	n := len(pages)
	if n < 3 {
		t.Fatalf("150 lines on %d pages", n)
	}
	for i, page := range pages {
		if want := fmt.Sprintf("Page %d of %d", i+1, n); !strings.Contains(page, want) {
			t.Errorf("page %d lacks %q", i+1, want)
		}
		// Every page with line rows repeats the table header above them.
		if strings.Contains(page, "Batch ") {
			h := strings.Index(page, "Description")
			if h < 0 || h > strings.Index(page, "Batch ") {
				t.Errorf("page %d has line rows without the table header", i+1)
			}
		}
		if i > 0 && !strings.Contains(page, "Invoice INV-2026-0150 (continued)") {
			t.Errorf("page %d lacks the running header", i+1)
		}
	}
	// Every line is printed exactly once, in order.
	last := -1
	for i := 1; i <= 150; i++ {
		label := fmt.Sprintf("Batch %03d:", i)
		if c := strings.Count(text, label); c != 1 {
			t.Fatalf("%q printed %d times", label, c)
		}
		at := strings.Index(text, label)
		if at < last {
			t.Fatalf("%q out of order", label)
		}
		last = at
	}
	// The breakdown and the totals stay together on one page, after the
	// last line.
	lastPage := pages[n-1]
	total := FormatAmount(doc.TotalMinor, 2, "EUR", "en")
	for _, s := range []string{"VAT rate", "Taxable amount", "Subtotal", total} {
		if !strings.Contains(lastPage, s) {
			t.Errorf("last page lacks %q", s)
		}
	}
	mustRow(t, text, "Total", total)
	mustRow(t, text, "21%", FormatAmount(doc.NetMinor, 2, "EUR", "en"), FormatAmount(doc.TaxMinor, 2, "EUR", "en"))
}

// TestRenderLongDescriptionSplits: a description longer than a page is
// continued on the next pages, not cut off.
func TestRenderLongDescriptionSplits(t *testing.T) {
	doc := dutchInvoice()
	var b strings.Builder
	for i := range 150 {
		fmt.Fprintf(&b, "regel%03d ", i)
		if i%3 == 2 {
			b.WriteString("\n")
		}
	}
	doc.Lines[1].Description = b.String()
	text := pdftest.Text(t, render(t, doc))
	for i := range 150 {
		if w := fmt.Sprintf("regel%03d", i); strings.Count(text, w) != 1 {
			t.Fatalf("%q printed %d times", w, strings.Count(text, w))
		}
	}
	if strings.Count(text, "\f") < 2 {
		t.Error("a 50-line description fits on one page?")
	}
	mustRow(t, text, "Totaal", "€ 3.567,26")
}

func TestRenderDeterministic(t *testing.T) {
	a := render(t, dutchInvoice())
	b := render(t, dutchInvoice())
	if !bytes.Equal(a, b) {
		t.Fatal("two renders of the same document differ")
	}
}

func TestRenderConcurrent(t *testing.T) {
	want := render(t, englishFXInvoice())
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			var buf bytes.Buffer
			if err := Render(&buf, englishFXInvoice()); err != nil {
				errs <- err
				return
			}
			if !bytes.Equal(buf.Bytes(), want) {
				errs <- errors.New("concurrent render differs")
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestRenderErrors(t *testing.T) {
	if err := Render(io.Discard, nil); err == nil {
		t.Error("Render(nil document) returned no error")
	}
	if err := Render(failWriter{}, dutchInvoice()); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Render to a failing writer: %v", err)
	}
}

// TestRenderOddInput: no input makes Render panic or fail.
func TestRenderOddInput(t *testing.T) {
	long := strings.Repeat("Ærøskøbing Łódź Ñandú ", 400)
	word := strings.Repeat("X", 5000)
	odd := "emoji 😀 bad\xff\xfe nul\x00 tab\t cr\r\n zwj\u200d cjk 中文 rtl עברית \u2028 \uFFFF"
	docs := map[string]*Document{
		"empty":      {},
		"no lines":   {Kind: "invoice", Language: "nl", Number: "X", Currency: "EUR", Exponent: 2},
		"zero lines": {Lines: []Line{{}, {}, {}}, VAT: []VATRow{{}}},
		"long": {
			Kind: "credit_note", Language: "en", Number: word, CreditedNumber: word,
			IssueDate: long, SupplyDate: word, DueDate: long,
			Supplier: Party{Name: long, AddressLines: []string{long, word}, Postcode: word, City: long, Country: word,
				VATNumber: word, RegistrationID: long, Email: word},
			Customer: Party{Name: word, AddressLines: []string{long}, City: long, VATNumber: long},
			Currency: word, Exponent: 2,
			Lines: []Line{
				{Description: long, Quantity: word, Unit: long, UnitPrice: word, DiscountPercent: long,
					NetMinor: math.MaxInt64, TaxCode: word, TaxRate: word, TaxKind: long},
				{Description: word + " " + word, Quantity: "1", UnitPrice: "1", TaxKind: "reverse_charge"},
			},
			VAT: []VATRow{
				{Code: word, Rate: word, Kind: "intra_eu", NetMinor: math.MinInt64, TaxMinor: math.MaxInt64},
				{Code: long, Rate: "", Kind: "exempt"},
				{Code: "a", Rate: "21"}, {Code: "b", Rate: "21"},
			},
			NetMinor: math.MinInt64, TaxMinor: math.MaxInt64, TotalMinor: math.MinInt64,
			FunctionalCurrency: word, FunctionalExponent: -7, ExchangeRate: word, TaxMinorFunctional: math.MinInt64,
			PaymentTermsDays: math.MaxInt32, PaymentReference: long, BankIBAN: long,
			Notes: long + "\n\n\n" + word,
		},
		"odd characters": {
			Language: odd, Kind: odd, Number: odd, IssueDate: odd,
			Supplier: Party{Name: odd, AddressLines: []string{odd}}, Customer: Party{Name: odd, Country: odd},
			Currency: odd, Exponent: 1 << 30,
			Lines: []Line{{Description: odd, Quantity: odd, Unit: odd, UnitPrice: odd, DiscountPercent: odd, TaxRate: odd, TaxKind: odd}},
			VAT:   []VATRow{{Code: odd, Rate: odd, Kind: odd}},
			Notes: odd, BankIBAN: odd, PaymentReference: odd, ExchangeRate: odd, FunctionalCurrency: odd,
		},
		"blank notes": {Notes: strings.Repeat("\n", 500) + "end"},
		"many lines of notes": {
			Notes: strings.Repeat("Een regel met opmerkingen.\n", 300),
		},
	}
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) {
			render(t, doc)
		})
	}
}

func BenchmarkRenderInvoice(b *testing.B) {
	doc := longInvoice(20)
	b.ReportAllocs()
	for b.Loop() {
		if err := Render(io.Discard, doc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderInvoice150Lines(b *testing.B) {
	doc := longInvoice(150)
	b.ReportAllocs()
	for b.Loop() {
		if err := Render(io.Discard, doc); err != nil {
			b.Fatal(err)
		}
	}
}

// TestRenderCharacters: the letters of every EU language, Greek, Cyrillic
// and the usual signs print and extract as themselves.
func TestRenderCharacters(t *testing.T) {
	words := []string{
		"Łódź", "Ærøskøbing", "Ñandú", "Šibenik", "Žilina", "Čakovec", "Größe", "Straße",
		"Œuvre", "Ħamrun", "Ġgantija", "Șoseaua", "Țară", "Ōsaka", "Tõnu", "Ķekava", "Ļaudona",
		"Pärnu", "Åland", "Ísafjörður", "Đakovo", "Ελληνικά", "България", "Київ", "Ÿ",
		"€", "£", "¥", "№", "™", "–", "—", "„quoted”", "‘single’", "•", "…", "½",
	}
	doc := dutchInvoice()
	doc.Lines[0].Description = strings.Join(words, " ")
	doc.Customer.Name = "Ærøskøbing Łódź Ñandú Ελληνικά"
	text := pdftest.Text(t, render(t, doc))
	mustContain(t, text, words...)
	mustContain(t, text, "Ærøskøbing Łódź Ñandú Ελληνικά")
}

// A voided invoice says so in its title and asks for no payment.
func TestRenderVoidInvoice(t *testing.T) {
	doc := dutchInvoice()
	live := pdftest.Text(t, render(t, doc))
	doc.Void = true
	void := pdftest.Text(t, render(t, doc))
	mustContain(t, void, "Factuur – VERVALLEN", doc.Number)
	if strings.Contains(live, "VERVALLEN") {
		t.Error("a live invoice is stamped void")
	}
	if !strings.Contains(live, "Wij verzoeken u") {
		t.Fatalf("the live invoice asks for no payment:\n%s", live)
	}
	if strings.Contains(void, "Wij verzoeken u") {
		t.Errorf("the void invoice asks for payment:\n%s", void)
	}
}

// TestRenderLongTexts renders invoices and credit notes in both languages
// with every text at the most the service accepts, and reads them back:
// no text is cut ("…" appears nowhere: the sources hold none), every word
// of every text is printed, in order, and each language has one date
// style.
func TestRenderLongTexts(t *testing.T) {
	for _, kind := range []string{"invoice", "credit_note"} {
		for _, lang := range []string{"nl", "en"} {
			t.Run(kind+"_"+lang, func(t *testing.T) {
				doc := longDocument(kind, lang)
				checkServiceLimits(t, doc)
				pdf := render(t, doc)
				raw, layout := pdftest.Raw(t, pdf), pdftest.Text(t, pdf)
				if strings.Contains(raw, "…") || strings.Contains(layout, "…") {
					t.Errorf("text is cut with \"…\":\n%s", raw)
				}
				fields := []string{doc.Number, doc.CreditedNumber, doc.Notes}
				for _, p := range []Party{doc.Supplier, doc.Customer} {
					fields = append(fields, p.Name, p.Postcode+" "+p.City, p.VATNumber, p.RegistrationID)
					fields = append(fields, p.AddressLines...)
				}
				fields = append(fields, doc.Supplier.Email)
				for _, ln := range doc.Lines {
					fields = append(fields, ln.Description, labelsFor(lang).unit(ln.Unit))
				}
				for _, f := range fields {
					if w := pdftest.PrintedWhole(raw, clean(f)); w != "" {
						t.Errorf("%q is not printed whole: %q is missing", f, w)
					}
				}
				// Every line once, in order, ending with its last word.
				last := -1
				for i := range doc.Lines {
					end := fmt.Sprintf("einde%02d", i+1)
					if c := strings.Count(raw, end); c != 1 {
						t.Fatalf("%q printed %d times", end, c)
					}
					at := strings.Index(raw, end)
					if at < last {
						t.Errorf("line %d out of order", i+1)
					}
					last = at
				}
				pdftest.CheckDateStyle(t, "the document", layout, lang)
				if l := labelsFor(lang); kind == "credit_note" && (strings.Contains(raw, l.paymentReference) || strings.Contains(raw, l.billTo)) {
					t.Errorf("a credit note shows %q or %q", l.paymentReference, l.billTo)
				}
				pages := strings.Split(strings.TrimSuffix(layout, "\f"), "\f")
				for i, page := range pages {
					if want := labelsFor(lang).page(strconv.Itoa(i+1), strconv.Itoa(len(pages))); !strings.Contains(page, want) {
						t.Errorf("page %d lacks %q", i+1, want)
					}
				}
			})
		}
	}
}

// checkServiceLimits holds a long fixture to what the service stores:
// long, but no longer than the service accepts.
func checkServiceLimits(t *testing.T, d *Document) {
	t.Helper()
	n := utf8.RuneCountInString
	check := func(what, s string, least, most int) {
		t.Helper()
		if n(s) < least || n(s) > most {
			t.Fatalf("fixture %s has %d characters; want %d to %d", what, n(s), least, most)
		}
	}
	for _, p := range []Party{d.Supplier, d.Customer} {
		check("name", p.Name, 180, 200)
		check("city", p.City, 60, 100)
		check("postcode", p.Postcode, 10, 20)
		check("registration id", p.RegistrationID, 30, 50)
		if len(p.AddressLines) != 4 {
			t.Fatalf("fixture has %d address lines; want 4", len(p.AddressLines))
		}
		for _, a := range p.AddressLines {
			check("address line", a, 90, 200)
		}
	}
	check("e-mail", d.Supplier.Email, 90, 254)
	check("notes", d.Notes, 1800, 2000)
	longest := 0
	for _, ln := range d.Lines {
		check("description", ln.Description, 1, 1000)
		check("unit", ln.Unit, 0, 20)
		longest = max(longest, n(ln.Description))
	}
	if longest < 950 {
		t.Fatalf("fixture's longest description has %d characters", longest)
	}
}

// TestRenderEmptySections: a document without lines (or notes) prints
// its line table and VAT breakdown saying that they are empty.
func TestRenderEmptySections(t *testing.T) {
	for _, lang := range []string{"nl", "en"} {
		for _, kind := range []string{"invoice", "credit_note"} {
			t.Run(kind+"_"+lang, func(t *testing.T) {
				doc := longDocument(kind, lang)
				doc.Lines, doc.VAT, doc.Notes = nil, nil, ""
				doc.NetMinor, doc.TaxMinor, doc.TotalMinor = 0, 0, 0
				text := pdftest.Text(t, render(t, doc))
				l := labelsFor(lang)
				mustRow(t, text, l.description, l.amount)
				mustRow(t, text, l.noLines)
				mustRow(t, text, l.vatRate, l.taxableAmount, l.vatAmount)
				mustRow(t, text, l.noVAT)
				if strings.Contains(text, l.notes) {
					t.Error("an empty notes section is printed")
				}
				pdftest.CheckDateStyle(t, "the document", text, lang)
			})
		}
	}
}

// TestRenderDateStyle: every document prints its dates in its language's
// one style, whatever else it holds.
func TestRenderDateStyle(t *testing.T) {
	settled := dutchInvoice()
	settled.SettledMinor, settled.PaidMinor, settled.SettledDate = settled.TotalMinor, settled.TotalMinor, "2026-12-01"
	paidEN := englishFXInvoice()
	paidEN.SettledMinor, paidEN.PaidMinor, paidEN.SettledDate = paidEN.TotalMinor, 1000, "2026-04-01"
	creditEN := dutchCreditNote()
	creditEN.Language, creditEN.SettledMinor, creditEN.SettledDate = "en", 51376, "2026-11-02"
	for name, doc := range map[string]*Document{
		"nl invoice": dutchInvoice(), "en fx invoice": englishFXInvoice(), "nl credit note": dutchCreditNote(),
		"nl paid": settled, "en paid": paidEN, "en credit note": creditEN, "en 150 lines": longInvoice(150),
	} {
		t.Run(name, func(t *testing.T) {
			pdftest.CheckDateStyle(t, "the document", pdftest.Text(t, render(t, doc)), doc.Language)
		})
	}
}

// TestRenderSettlement: what an invoice asks for follows what is settled
// of it. Unpaid: the total. Partly paid or credited: it says what was,
// and asks for what is open. Settled in full: it says so, and when, and
// asks for nothing. A voided invoice and a credit note never ask to pay.
func TestRenderSettlement(t *testing.T) {
	nl := func(settled, paid int64, date string) *Document {
		d := dutchInvoice() // total € 3.567,26, due 20-12-2026
		d.SettledMinor, d.PaidMinor, d.SettledDate = settled, paid, date
		return d
	}
	en := func(settled, paid int64, date string) *Document {
		d := englishFXInvoice() // total USD 11,121.25, due 4 Apr 2026
		d.SettledMinor, d.PaidMinor, d.SettledDate = settled, paid, date
		return d
	}
	void := func(d *Document) *Document { d.Void = true; return d }
	credit := func(lang string, settled int64, date string) *Document {
		d := dutchCreditNote() // total € -513,76 (the magnitude is what counts)
		d.Language, d.SettledMinor, d.SettledDate = lang, settled, date
		return d
	}
	askNL, askEN := "Wij verzoeken u", "Please pay"
	cases := []struct {
		name   string
		doc    *Document
		want   []string
		rows   [][]string // each a row of the totals, in order on one line
		unwant []string
	}{
		{
			name: "nl unpaid", doc: nl(0, 0, ""),
			want:   []string{"Wij verzoeken u € 3.567,26 vóór 20-12-2026 over te maken op IBAN NL91 ABNA 0417 1643 00"},
			unwant: []string{"Betaald", "Openstaand", "staat nog open", "resterende"},
		},
		{
			name: "nl partly paid", doc: nl(100000, 100000, ""),
			want: []string{
				"Van deze factuur is € 1.000,00 betaald; € 2.567,26 staat nog open.",
				"Wij verzoeken u het resterende bedrag van € 2.567,26 vóór 20-12-2026 over te maken op IBAN NL91 ABNA 0417 1643 00",
				"onder vermelding van betalingskenmerk RF18 5390 0754 7034.",
			},
			rows:   [][]string{{"Totaal", "€ 3.567,26"}, {"Betaald", "€ 1.000,00"}, {"Openstaand", "€ 2.567,26"}},
			unwant: []string{"Wij verzoeken u € 3.567,26", "Gecrediteerd", "volledig"},
		},
		{
			name: "en partly paid and credited", doc: en(300000, 200000, ""),
			want: []string{
				"Of this invoice USD 2,000.00 has been paid and USD 1,000.00 credited; USD 8,121.25 is still open.",
				"Please pay the remaining USD 8,121.25 by 4 Apr 2026 to IBAN NL91 ABNA 0417 1643 00",
			},
			rows:   [][]string{{"Paid", "USD 2,000.00"}, {"Credited", "USD 1,000.00"}, {"Amount due", "USD 8,121.25"}},
			unwant: []string{"Please pay USD 11,121.25", "in full"},
		},
		{
			name: "en partly credited", doc: en(100, 0, ""),
			want:   []string{"Of this invoice USD 1.00 has been credited; USD 11,120.25 is still open.", "Please pay the remaining USD 11,120.25"},
			rows:   [][]string{{"Credited", "USD 1.00"}, {"Amount due", "USD 11,120.25"}},
			unwant: []string{"Paid "},
		},
		{
			name: "nl paid", doc: nl(356726, 356726, "2026-12-03"),
			want:   []string{"Deze factuur is op 03-12-2026 volledig betaald. Er staat niets meer open."},
			rows:   [][]string{{"Betaald", "€ 3.567,26"}, {"Openstaand", "€ 0,00"}},
			unwant: []string{askNL, "IBAN", "Gecrediteerd"},
		},
		{
			name: "en paid", doc: en(1112125, 1112125, "2026-03-30"),
			want:   []string{"This invoice was paid in full on 30 Mar 2026. Nothing remains to be paid."},
			rows:   [][]string{{"Paid", "USD 11,121.25"}, {"Amount due", "USD 0.00"}},
			unwant: []string{askEN, "IBAN"},
		},
		{
			name: "en paid and credited", doc: en(1112125, 1000000, "2026-04-02"),
			want:   []string{"This invoice was settled in full on 2 Apr 2026: USD 10,000.00 paid and USD 1,121.25 credited. Nothing remains to be paid."},
			rows:   [][]string{{"Paid", "USD 10,000.00"}, {"Credited", "USD 1,121.25"}, {"Amount due", "USD 0.00"}},
			unwant: []string{askEN},
		},
		{
			name: "nl credited", doc: nl(356726, 0, "2026-11-25"),
			want:   []string{"Deze factuur is op 25-11-2026 volledig gecrediteerd. Er staat niets meer open."},
			rows:   [][]string{{"Gecrediteerd", "€ 3.567,26"}, {"Openstaand", "€ 0,00"}},
			unwant: []string{askNL, "Betaald"},
		},
		{
			name: "nl void", doc: void(nl(0, 0, "")),
			want:   []string{"Factuur – VERVALLEN", "Deze factuur is vervallen: u hoeft niets te betalen."},
			unwant: []string{askNL, "IBAN", "Openstaand"},
		},
		{
			name: "en void", doc: void(en(0, 0, "")),
			want:   []string{"Invoice – VOID", "This invoice has been voided: nothing is to be paid."},
			unwant: []string{askEN, "IBAN", "Amount due"},
		},
		{
			name: "nl credit note open", doc: credit("nl", 0, ""),
			want:   []string{"Verrekening", "U hoeft niets te betalen: € 513,76 staat in uw voordeel en wordt terugbetaald of verrekend met een andere factuur."},
			unwant: []string{askNL, "IBAN", "Betaald", "Openstaand"},
		},
		{
			name: "nl credit note partly settled", doc: credit("nl", 13376, ""),
			want:   []string{"Van deze creditnota is € 133,76 verrekend; € 380,00 staat nog in uw voordeel", "U hoeft niets te betalen."},
			unwant: []string{askNL, "IBAN"},
		},
		{
			name: "en credit note settled", doc: credit("en", 51376, "2026-11-02"),
			want:   []string{"Settlement", "This credit note was settled in full on 2 Nov 2026. Nothing is to be paid."},
			unwant: []string{askEN, "IBAN", "Bill to", "Amount due"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pdf := render(t, c.doc)
			layout, text := pdftest.Text(t, pdf), pdftest.Flat(pdftest.Raw(t, pdf))
			for _, w := range c.want {
				if !strings.Contains(text, w) {
					t.Errorf("text lacks %q:\n%s", w, text)
				}
			}
			for _, w := range c.unwant {
				if strings.Contains(text, w) {
					t.Errorf("text holds %q:\n%s", w, text)
				}
			}
			for _, row := range c.rows {
				mustRow(t, layout, row...)
			}
			pdftest.CheckDateStyle(t, "the document", layout, c.doc.Language)
		})
	}
}

// TestRenderManyLegalNotes: an invoice that mixes more kinds with a legal
// note than there were footnote markers renders every note with its own
// number (it failed with an index out of range at the fifth).
func TestRenderManyLegalNotes(t *testing.T) {
	d := dutchInvoice()
	kinds := []string{"reverse_charge", "intra_eu", "intra_eu_services", "export", "non_eu_services", "exempt", "distance_sales"}
	d.Lines, d.VAT, d.LegalNotes = nil, nil, map[string]string{}
	d.NetMinor, d.TaxMinor, d.TotalMinor = 0, 0, 0
	for i, k := range kinds {
		code := fmt.Sprintf("K%d", i+1)
		d.Lines = append(d.Lines, Line{Description: "Line " + code, Quantity: "1", Unit: "pcs", UnitPrice: "10.00", NetMinor: 1000,
			TaxCode: code, TaxRate: "0", TaxKind: k})
		d.VAT = append(d.VAT, VATRow{Code: code, Rate: "0", Kind: k, NetMinor: 1000})
		d.LegalNotes[k] = "Note for " + k
		d.NetMinor += 1000
	}
	d.TotalMinor = d.NetMinor
	text := pdftest.Text(t, render(t, d))
	for i, k := range kinds {
		mustContain(t, text, marker(i+1)+" Note for "+k)
	}
	if marker(7) != "⁷" || marker(12) != "¹²" {
		t.Fatalf("markers %q %q", marker(7), marker(12))
	}
}
