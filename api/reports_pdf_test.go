package api

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"backoffice/invoicing/pdf/pdftest"
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
		got := pdftest.Text(t, r.body)
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

// longBooks is an entity whose names, addresses and descriptions are as
// long as real ones get, over enough entries to run over pages, with a
// customer who owes something and one who owes nothing.
type longBooks struct {
	*fixture
	e             int64
	base, key     string
	owes, settled string // customer ids
}

const (
	longEntity   = "Groothandel in Bakkerijgrondstoffen en Zuivelproducten De Gouden Korenschoof B.V."
	longCustomer = "Hotel-Restaurant De Gouden Leeuw aan het Vrijthof, vestiging Maastricht-Centrum B.V."
	longForeign  = "Ærøskøbing Bageri og Konditori ApS, afdeling Vestergade og havnekiosken"
	longRent     = "Huur bedrijfspand Houtribweg 14-16 te Lelystad inclusief servicekosten, parkeerplaatsen en opslagruimte, maart 2026"
	longSale     = "Levering van biologisch speltmeel, roggebloem en zuurdesemstarter volgens raamovereenkomst RO-2025-114, week"
)

func newLongBooks(t *testing.T) *longBooks {
	f := newFixture(t)
	r := f.must(f.do("POST", "/v1/entities", f.admin, map[string]any{"name": longEntity, "currency": "EUR", "chart_template": "standard",
		"locale": "nl", "vat_number": "NL859123455B01", "registration_id": "30123456",
		"address": map[string]any{"lines": []string{"Industrieweg 128, unit 4b (ingang aan de achterzijde, via de laadperrons)"}, "postcode": "3542 AD", "city": "Utrecht", "country": "NL"}}), 201)
	b := &longBooks{fixture: f, e: num(r.obj["id"])}
	b.base = ent(b.e)
	b.key = f.key(ledger.RoleAccountant, b.e)
	for _, a := range []map[string]any{
		{"code": "4105", "name": "Huur bedrijfspand Houtribweg inclusief servicekosten, parkeerplaatsen en opslagruimte", "type": "expense", "parent": "4100"},
		{"code": "8010", "name": "Omzet broodgrondstoffen aan horeca, instellingen en ambachtelijke bakkerijen (hoog tarief)", "type": "revenue", "parent": "8000"},
	} {
		f.must(f.do("POST", b.base+"/accounts", b.key, a), 201)
	}
	b.post(entryJSON("2026-01-02", "Storting aandelenkapitaal door de oprichters bij de oprichting van de vennootschap", dr("1000", "50000.00"), cr("2000", "50000.00")))
	for m := 1; m <= 12; m++ {
		d := fmt.Sprintf("2026-%02d-01", m)
		b.post(entryJSON(d, strings.Replace(longRent, "maart", []string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}[m-1], 1),
			dr("4105", "2450.00"), cr("1000", "2450.00")))
		for w := 0; w < 3; w++ {
			d := fmt.Sprintf("2026-%02d-%02d", m, 5+7*w)
			b.post(entryJSON(d, fmt.Sprintf("%s %d", longSale, (m-1)*4+w+1), dr("1000", "1815.00"), cr("8010", "1500.00"), cr("1700", "315.00")))
		}
	}
	cust := func(body map[string]any) string {
		return id(f.must(f.do("POST", b.base+"/customers", b.key, body), 201).obj["id"])
	}
	b.owes = cust(map[string]any{"name": longCustomer, "language": "nl", "vat_number": "NL001234560B01", "payment_terms_days": 30,
		"address": map[string]any{"lines": []string{"Vrijthof 47, ingang via de Helmstraat (leveringen uitsluitend tussen 6.00 en 10.00 uur)", "t.a.v. crediteurenadministratie, mevrouw A. van den Heuvel-Janssen"}, "postcode": "6211 LE", "city": "Maastricht", "country": "NL"}})
	b.settled = cust(map[string]any{"name": longForeign, "language": "en", "vat_number": "DK12345674", "payment_terms_days": 14,
		"address": map[string]any{"lines": []string{"Vestergade 1"}, "postcode": "5970", "city": "Ærøskøbing", "country": "DK"}})
	invoice := func(c, date string, lines ...string) string {
		d := f.must(f.do("POST", b.base+"/invoices", b.key, `{"customer_id":`+c+`,"issue_date":"`+date+`","lines":[`+strings.Join(lines, ",")+`]}`), 201)
		return id(f.must(f.do("POST", b.base+"/invoices/"+id(d.obj["id"])+"/issue", b.key, nil), 200).obj["id"])
	}
	line := func(desc, qty, price, tax string) string {
		return fmt.Sprintf(`{"description":%q,"quantity":%q,"unit_price":%q,"tax_code":%q}`, desc, qty, price, tax)
	}
	for i, date := range []string{"2026-02-10", "2026-03-10", "2026-04-14", "2026-05-12", "2026-06-09"} {
		inv := invoice(b.owes, date,
			line("Levering biologisch speltmeel type 630 in zakken van 25 kg, op pallets, franco Maastricht", "40", "31.50", "9"),
			line("Zuurdesemstarter (rogge), vers, gekoeld geleverd, met certificaat van oorsprong", "6", "18.75", "9"),
			line("Advies en begeleiding bij het invoeren van een nieuwe broodlijn in de hotelkeuken", "3", "95.00", "21"))
		if i < 3 {
			// Paid without a reference, allocated when it came in.
			inv := f.must(f.do("GET", b.base+"/invoices/"+inv, b.key, nil), 200).obj
			f.must(f.do("POST", b.base+"/payments", b.key, map[string]any{"customer_id": num(json.Number(b.owes)), "date": fmt.Sprintf("2026-%02d-28", i+2),
				"amount": inv["total"], "allocations": []map[string]any{{"invoice_id": num(inv["id"]), "amount": inv["total"]}}}), 201)
		}
	}
	inv := invoice(b.settled, "2026-03-03", line("Rye flour, stone-ground, organic, 25 kg bags delivered to the harbour kiosk", "10", "29.00", "0"))
	total := f.must(f.do("GET", b.base+"/invoices/"+inv, b.key, nil), 200).obj["total"]
	f.must(f.do("POST", b.base+"/payments", b.key, map[string]any{"customer_id": num(json.Number(b.settled)), "date": "2026-03-20",
		"amount": total, "reference": "DK-BANKOVERFØRSEL-20260320-000118", "allocations": []map[string]any{{"invoice_id": num(json.Number(inv)), "amount": total}}}), 201)
	return b
}

func (b *longBooks) post(body string) {
	b.t.Helper()
	b.must(b.do("POST", b.base+"/entries", b.key, body), 201)
}

// longReports are the report PDFs of the long books (and of the sample
// bank month), by name, without lang.
func longReports(b *longBooks) map[string]string {
	return map[string]string{
		"trial_balance":          b.base + "/reports/trial-balance?as_of=2026-12-31",
		"balance_sheet":          b.base + "/reports/balance-sheet?as_of=2026-12-31&compare_to=2026-06-30",
		"income_statement":       b.base + "/reports/income-statement?from=2026-01-01&to=2026-12-31",
		"income_revenue":         b.base + "/reports/income-statement?from=2026-01-02&to=2026-01-31&compare_from=2025-01-01&compare_to=2025-12-31",
		"general_ledger":         b.base + "/reports/general-ledger?from=2026-01-01&to=2026-12-31",
		"journal":                b.base + "/reports/journal?from=2026-01-01&to=2026-03-31",
		"aged_receivables":       b.base + "/reports/aged-receivables?as_of=2026-07-31&detail=true",
		"statement_open":         b.base + "/customers/" + b.owes + "/statement?from=2026-01-01&to=2026-07-31",
		"statement_settled":      b.base + "/customers/" + b.settled + "/statement?from=2026-03-01&to=2026-03-31",
		"vat_summary":            b.base + "/reports/vat-summary?from=2026-01-01&to=2026-03-31",
		"vat_summary_empty":      b.base + "/reports/vat-summary?from=2025-01-01&to=2025-03-31",
		"aged_receivables_empty": b.base + "/reports/aged-receivables?as_of=2026-01-31",
		"trial_balance_empty":    b.base + "/reports/trial-balance?as_of=2025-12-31",
		"general_ledger_empty":   b.base + "/reports/general-ledger?from=2025-01-01&to=2025-12-31",
		"journal_empty":          b.base + "/reports/journal?from=2025-01-01&to=2025-12-31",
	}
}

// TestReportPDFLongTexts renders every report PDF the service makes
// (ledger reports, aged receivables, statements, VAT summary, bank
// reconciliation) in Dutch and English from books with long names and
// descriptions, many lines and empty sections, and reads them back: no
// text is cut ("…" appears nowhere: the books hold none), the long texts
// are printed whole, empty sections say so, each language writes its
// dates in one style, and every title is set at one size.
// REPORT_PDF_DIR=/tmp/x keeps the PDFs to look at.
func TestReportPDFLongTexts(t *testing.T) {
	t.Parallel()
	b := newLongBooks(t)
	pdfs := map[string][]byte{}
	for name, path := range longReports(b) {
		for _, lang := range []string{"nl", "en"} {
			pdfs[name+"_"+lang] = b.must(b.do("GET", path+"&format=pdf&lang="+lang, b.key, nil), 200).body
		}
	}
	// The sample bank month after its first week, with a long entry the
	// bank has not booked yet: as of the 6th nothing is outstanding in
	// the books, as of the 7th the entry is.
	m := newMonthBooks(t)
	m.must(m.importFile("../testdata/bank/camt053/2026-03-w1.xml"), 201)
	m.must(m.do("POST", ent(m.e)+"/entries", m.key, entryJSON("2026-03-07", longRent, dr("4100", "2450.00"), cr("1000", "2450.00"))), 201)
	for _, lang := range []string{"nl", "en"} {
		for name, asOf := range map[string]string{"bank_reconciliation": "2026-03-07", "bank_reconciliation_books_done": "2026-03-06"} {
			pdfs[name+"_"+lang] = m.must(m.do("GET", m.bank+"/reconciliation?as_of="+asOf+"&format=pdf&lang="+lang, m.key, nil), 200).body
		}
	}
	dir := os.Getenv("REPORT_PDF_DIR")
	texts, raws := map[string]string{}, map[string]string{}
	for name, body := range pdfs {
		if dir != "" {
			if err := os.WriteFile(filepath.Join(dir, name+".pdf"), body, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		texts[name], raws[name] = pdftest.Text(t, body), pdftest.Raw(t, body)
		if strings.Contains(texts[name], "…") {
			t.Errorf("%s: text is cut with \"…\":\n%s", name, texts[name])
		}
		lang := name[len(name)-2:]
		// The bank's own text holds a date of its own ("06.03.26/07:42").
		pdftest.CheckDateStyle(t, name, strings.ReplaceAll(texts[name], "06.03.26/07:42", ""), lang)
	}
	for _, lang := range []string{"nl", "en"} {
		nl := lang == "nl"
		tr := func(n, e string) string {
			if nl {
				return n
			}
			return e
		}
		whole := func(name string, srcs ...string) {
			t.Helper()
			for _, src := range srcs {
				if w := pdftest.PrintedWhole(raws[name+"_"+lang], src); w != "" {
					t.Errorf("%s_%s: %q is not printed whole: %q is missing", name, lang, src, w)
				}
			}
		}
		has := func(name string, wants ...string) {
			t.Helper()
			for _, w := range wants {
				if !strings.Contains(texts[name+"_"+lang], w) {
					t.Errorf("%s_%s lacks %q:\n%s", name, lang, w, texts[name+"_"+lang])
				}
			}
		}
		for name := range longReports(b) {
			whole(name, longEntity)
		}
		rentAccount := "Huur bedrijfspand Houtribweg inclusief servicekosten, parkeerplaatsen en opslagruimte"
		whole("trial_balance", rentAccount)
		whole("income_statement", rentAccount)
		whole("general_ledger", rentAccount, strings.Replace(longRent, "maart", "december", 1), longSale+" 47")
		whole("journal", longRent, longSale+" 11", longCustomer)
		whole("aged_receivables", longCustomer)
		whole("statement_open", longCustomer, "Vrijthof 47, ingang via de Helmstraat (leveringen uitsluitend tussen 6.00 en 10.00 uur)",
			"t.a.v. crediteurenadministratie, mevrouw A. van den Heuvel-Janssen")
		whole("statement_settled", longForeign, "DK-BANKOVERFØRSEL-20260320-000118")
		whole("bank_reconciliation", "BEA, BETAALPAS TOTALENERGIES ZAANDAM,PAS 012 06.03.26/07:42 ZAANDAM", longRent)

		// Income statement: one date style under the title too (a year's
		// column is headed by the year), empty sections say so, and the
		// result is the bottom line under the totals it comes from.
		has("income_statement", tr("01-01-2026 t/m 31-12-2026", "1 Jan 2026 to 31 Dec 2026"))
		if !pdftest.RowHas(texts["income_statement_"+lang], tr("Naam", "Name"), "2026") {
			t.Errorf("income_statement_%s: the year's column is not headed 2026", lang)
		}
		has("income_revenue", tr("Geen kosten in deze periode.", "No expenses in this period."))
		for _, name := range []string{"income_statement", "income_revenue"} {
			if !pdftest.RowHas(texts[name+"_"+lang], tr("Af: kosten", "Less: expenses")) || !pdftest.RowHas(texts[name+"_"+lang], tr("Resultaat (opbrengsten min kosten)", "Result (revenue less expenses)")) {
				t.Errorf("%s_%s: no result under revenue and expenses", name, lang)
			}
		}
		if strings.Contains(texts["income_revenue_"+lang], tr("Totaal kosten", "Total expenses")) {
			t.Errorf("income_revenue_%s prints the total of no expenses", lang)
		}

		// Statement: the customer under a label, countries by name, the
		// entity's name once above (and in the footer), payments numbered
		// as their allocations, an empty open-items table says so.
		label := tr("KLANT", "CUSTOMER")
		has("statement_open", label, tr("Nederland", "Netherlands"))
		has("statement_settled", tr("Denemarken", "Denmark"), tr("Er staat per 31-03-2026 niets open", "Nothing is open as of 31 Mar 2026"))
		for _, name := range []string{"statement_open", "statement_settled"} {
			first, _, _ := strings.Cut(pdftest.Raw(t, pdfs[name+"_"+lang]), "\f")
			if c := strings.Count(pdftest.Flat(first), longEntity); c != 2 {
				t.Errorf("%s_%s: the entity's name %d times on the first page, want 2 (top and footer)", name, lang, c)
			}
			if regexp.MustCompile(`(?m)^\s*(NL|DK)\s*$`).MatchString(texts[name+"_"+lang]) {
				t.Errorf("%s_%s: a country printed as its code", name, lang)
			}
		}
		paid := regexp.MustCompile(`(#\d+)\s+` + tr("Betaling ontvangen", "Payment received"))
		applied := regexp.MustCompile(`(#\d+)\s+` + tr("Verrekend met", "Applied to"))
		p, a := paid.FindAllStringSubmatch(texts["statement_open_"+lang], -1), applied.FindAllStringSubmatch(texts["statement_open_"+lang], -1)
		if len(p) != 3 || len(a) != 3 {
			t.Errorf("statement_open_%s: %d payments and %d allocations numbered, want 3 and 3:\n%s", lang, len(p), len(a), texts["statement_open_"+lang])
		} else {
			for i := range p {
				if p[i][1] != a[i][1] {
					t.Errorf("statement_open_%s: payment %s, its allocation %s", lang, p[i][1], a[i][1])
				}
			}
		}
		if pdftest.RowHas(texts["statement_settled_"+lang], tr("Totaal", "Total"), tr("0,00", "0.00")) {
			t.Errorf("statement_settled_%s prints a total of no open items", lang)
		}

		// Every report says when it has nothing to show.
		has("vat_summary_empty", tr("Geen facturen of creditnota's in deze periode.", "No invoices or credit notes in this period."))
		has("aged_receivables_empty", tr("Er staat per 31-01-2026 niets open.", "Nothing is open as of 31 Jan 2026."))
		has("trial_balance_empty", tr("Geen rekeningen met een saldo per 31-12-2025.", "No accounts with a balance as of 31 Dec 2025."))
		has("general_ledger_empty", tr("Geen rekeningen met een saldo of boekingen in deze periode.", "No accounts with a balance or entries in this period."))
		has("journal_empty", tr("Geen boekingen in deze periode.", "No entries in this period."))

		// Bank reconciliation: one sign convention, stated; the summary's
		// figures are the tables' totals as they stand.
		rec := texts["bank_reconciliation_"+lang]
		has("bank_reconciliation", tr("positief is ontvangen, negatief is betaald", "positive is money in, negative is money out"))
		stmtTotal := tr("3.615,58", "3,615.58")
		ledgerTotal := tr("-2.450,00", "-2,450.00")
		if !pdftest.RowHas(rec, tr("Af: niet afgestemde bankregels", "Less: unreconciled statement lines"), stmtTotal) ||
			!pdftest.RowHas(rec, tr("Bij: niet afgestemde boekingen", "Plus: unreconciled ledger lines"), ledgerTotal) ||
			!pdftest.RowHas(rec, tr("Totaal", "Total"), stmtTotal) || !pdftest.RowHas(rec, tr("Totaal", "Total"), ledgerTotal) ||
			!pdftest.RowHas(rec, tr("Verschil bank min administratie", "Difference, bank less books"), tr("6.065,58", "6,065.58")) {
			t.Errorf("bank_reconciliation_%s: the summary and the tables disagree:\n%s", lang, rec)
		}
		has("bank_reconciliation_books_done", tr("Geen: alle boekingen tot en met 06-03-2026 zijn afgestemd.", "None: every ledger line up to 6 Mar 2026 is reconciled."))
	}

	// Every title at one size: the first word of each, on the first page.
	var want float64
	for name, body := range pdfs {
		h, ok := titleHeight(t, body)
		if !ok {
			t.Errorf("%s: no title", name)
			continue
		}
		if want == 0 {
			want = h
		}
		if math.Abs(h-want) > 0.01 {
			t.Errorf("%s: title %.2f pt high, others %.2f", name, h, want)
		}
	}
}

// titleHeight is the height of the report's title (its first word, the
// PDF's Subject) on the first page, as pdftotext -bbox measures it.
func titleHeight(t *testing.T, pdf []byte) (float64, bool) {
	t.Helper()
	boxes := pdftest.Boxes(t, pdf)
	subject := regexp.MustCompile(`<meta name="Subject" content="([^" ]+)`).FindStringSubmatch(boxes)
	if subject == nil {
		return 0, false
	}
	return pdftest.WordHeight(boxes, subject[1])
}
