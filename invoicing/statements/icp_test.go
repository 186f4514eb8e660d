package statements_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"backoffice/invoicing"
	"backoffice/invoicing/invstore"
	"backoffice/invoicing/statements"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore/sqltest"
)

// validVIES answers every number valid: the tests' customers' numbers are
// real-format numbers with good check digits.
type validVIES struct{}

func (validVIES) Check(_ context.Context, number, _ string) (*invoicing.VIESCheck, error) {
	return &invoicing.VIESCheck{CountryCode: number[:2], VATNumber: number, Valid: true, CheckedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}, nil
}

// icpBooks is an entity with customers in Germany, Belgium and France (the
// French one invoiced in USD) and one in the Netherlands, and these
// documents (goods "intra-eu", services "intra-eu-services", triangular
// "intra-eu-triangular"):
//
//	2025-02-01 D0  DE goods 60,000.00                      (2025-Q1: over the threshold)
//	2026-02-10 D1  DE goods 10 x 1,000.00, services 2,500.49
//	2026-03-05 B1  BE triangular 7,000.50
//	2026-03-20 F1  FR goods USD 1,234.56 at 0.9 = EUR 1,111.104 -> 1,111.10 (voided today)
//	2026-04-15 D2  DE goods 40,000.00, services 300.00
//	2026-04-20 CN1 on D1: goods 2 x 1,000.00 = -2,000.00      (corrects 2026-Q1)
//	2026-04-20 N1  NL 21 % 500.00                           (domestic: not listed)
//	2026-05-10 B2  BE goods 12,000.00
//	2026-05-20 CN2 on D2: services -300.00                  (same quarter; corrects 2026-04 in a month listing)
//	2026-06-30 B3  BE triangular 0.01
//	2099-02-01 X1  DE goods 500.00, voided on its issue date
//
// Then Martin SA's VAT number changes to FR44732829320.
type icpBooks struct {
	*fixture
	de, be, fr, nl *invoicing.Customer
	f1Void         ledger.Date
}

// newICPFixture is a fresh database with one entity, its address and a
// VAT number that passes the mod-97 test.
func newICPFixture(t *testing.T) *fixture {
	t.Helper()
	st := invstore.New(sqltest.Open(t))
	ent, p := sqltest.Entity(t, st, "Pompen Export B.V.")
	f := &fixture{t: t, st: st, ent: ent, p: p}
	f.st.SetVIES(validVIES{})
	f.address(f.ent.ID, ledger.Address{Lines: []string{"Dorpsstraat 1"}, Postcode: "1234 AB", City: "Utrecht", Country: "NL"}, "NL000099998B57")
	ent, err := st.UpdateEntity(ctx, p, ent.ID, &ledger.EntityInput{RegistrationID: ptr("12345678")})
	if err != nil {
		t.Fatal(err)
	}
	f.ent = ent
	if _, err := st.UpdateSettings(ctx, p, ent, &invoicing.SettingsInput{IBAN: ptr("NL91ABNA0417164300")}); err != nil {
		t.Fatal(err)
	}
	return f
}

func newICPBooks(t *testing.T) *icpBooks {
	f := newICPFixture(t)
	b := &icpBooks{fixture: f}
	cust := func(name, cur, country, vat string, a ledger.Address) *invoicing.Customer {
		t.Helper()
		a.Country = country
		in := &invoicing.CustomerInput{Name: &name, Currency: &cur, Address: &a, Language: ptr("en"), PaymentTermsDays: ptr(30),
			CustomerType: ptr(string(invoicing.CustomerBusiness))}
		if vat != "" {
			in.VATNumber = &vat
		}
		c, err := f.st.CreateCustomer(ctx, f.p, f.ent, in)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	b.de = cust("Müller GmbH", "EUR", "DE", "DE136695976", ledger.Address{Lines: []string{"Friedrichstraße 10"}, Postcode: "10117", City: "Berlin"})
	b.be = cust("Dupont NV", "EUR", "BE", "BE0403170701", ledger.Address{Lines: []string{"Rue de la Loi 16"}, Postcode: "1000", City: "Bruxelles"})
	b.fr = cust("Martin SA", "USD", "FR", "FR40303265045", ledger.Address{Lines: []string{"12 rue de Rivoli"}, Postcode: "75001", City: "Paris"})
	b.nl = cust("Bakker B.V.", "EUR", "NL", "", ledger.Address{Lines: []string{"Kerkstraat 2"}, Postcode: "3511 AB", City: "Utrecht"})

	f.invoice(b.de, "2025-02-01", "", line("Machine", "1", "60000", "intra-eu"))
	d1 := f.invoice(b.de, "2026-02-10", "", line("Pumps", "10", "1000", "intra-eu"), line("Installation", "1", "2500.49", "intra-eu-services"))
	f.invoice(b.be, "2026-03-05", "", line("Valves via Germany", "1", "7000.50", "intra-eu-triangular"))
	f1 := f.invoice(b.fr, "2026-03-20", "0.9", line("Spare parts", "1", "1234.56", "intra-eu"))
	d2 := f.invoice(b.de, "2026-04-15", "", line("Compressor", "1", "40000", "intra-eu"), line("Training", "1", "300", "intra-eu-services"))
	f.creditNote(d1, "2026-04-20", invoicing.CreditLineInput{Line: 1, Quantity: "2"})
	f.invoice(b.nl, "2026-04-20", "", line("Service", "1", "500", "21"))
	f.invoice(b.be, "2026-05-10", "", line("Tanks", "1", "12000", "intra-eu"))
	f.creditNote(d2, "2026-05-20", invoicing.CreditLineInput{Line: 2, Amount: "300.00"})
	f.invoice(b.be, "2026-06-30", "", line("Gasket via Germany", "1", "0.01", "intra-eu-triangular"))
	x1 := f.invoice(b.de, "2099-02-01", "", line("Future", "1", "500", "intra-eu"))
	if _, err := f.st.VoidInvoice(ctx, f.p, f.ent, x1.ID); err != nil {
		t.Fatal(err)
	}
	v, err := f.st.VoidInvoice(ctx, f.p, f.ent, f1.ID)
	if err != nil {
		t.Fatal(err)
	}
	// The void is dated today (the entity's date): read it from the entry.
	e, err := f.st.Entry(ctx, f.ent.ID, *v.VoidEntryID)
	if err != nil {
		t.Fatal(err)
	}
	b.f1Void = e.Date
	// The listing names the VAT number printed on the documents, not the
	// customer's record as it is now.
	if _, err := f.st.UpdateCustomer(ctx, f.p, f.ent, b.fr.ID, &invoicing.CustomerInput{VATNumber: ptr("FR44732829320")}); err != nil {
		t.Fatal(err)
	}
	return b
}

func (b *icpBooks) listing(period string) *statements.ICPListing {
	b.t.Helper()
	p, err := statements.ParseICPPeriod(period, "period")
	if err != nil {
		b.t.Fatal(err)
	}
	r, err := statements.ICP(ctx, b.st, b.ent, p)
	if err != nil {
		b.t.Fatal(err)
	}
	return r
}

// icpLine is a row as "corrects|country|vat|customer|goods|services|triangular|goods_whole|services_whole|triangular_whole|total|total_whole".
func icpLine(r statements.ICPRow) string {
	a := r.Amounts
	return strings.Join([]string{r.CorrectsPeriod, r.Country, r.VATNumber, r.Customer, a.Goods.String(), a.Services.String(), a.Triangular.String(),
		a.GoodsWhole.String(), a.ServicesWhole.String(), a.TriangularWhole.String(), a.Total.String(), a.TotalWhole.String()}, "|")
}

func icpSums(a statements.ICPSums) string {
	return strings.Join([]string{a.Goods.String(), a.Services.String(), a.Triangular.String(), a.GoodsWhole.String(), a.ServicesWhole.String(),
		a.TriangularWhole.String(), a.Total.String(), a.TotalWhole.String()}, "|")
}

func icpQuarters(r *statements.ICPListing) string {
	var out []string
	for _, q := range r.Quarters {
		s := q.Quarter + "=" + q.Goods.String()
		if q.Exceeded {
			s += "!"
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

func wantLines(t *testing.T, what string, rows []statements.ICPRow, want ...string) {
	t.Helper()
	var got []string
	for _, r := range rows {
		got = append(got, icpLine(r))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\n got %s\nwant %s", what, strings.Join(got, "\n     "), strings.Join(want, "\n     "))
	}
}

func wantEqual[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func TestICPListing(t *testing.T) {
	b := newICPBooks(t)

	t.Run("2026-Q1", func(t *testing.T) {
		r := b.listing("2026-Q1")
		wantEqual(t, "from", r.From.String(), "2026-01-01")
		wantEqual(t, "to", r.To.String(), "2026-03-31")
		wantEqual(t, "vat_number", r.VATNumber, "NL000099998B57")
		// By country: BE, DE, FR. Whole euros per row, half away from
		// zero: 7,000.50 -> 7,001; 2,500.49 -> 2,500; 1,111.10 -> 1,111.
		// F1 stays in its quarter: its void, today, corrects it later.
		wantLines(t, "rows", r.Rows,
			"|BE|BE0403170701|Dupont NV|0.00|0.00|7000.50|0|0|7001|7000.50|7001",
			"|DE|DE136695976|Müller GmbH|10000.00|2500.49|0.00|10000|2500|0|12500.49|12500",
			"|FR|FR40303265045|Martin SA|1111.10|0.00|0.00|1111|0|0|1111.10|1111")
		// 10,000.00 + 1,111.10 = 11,111.10 goods; the whole column adds
		// the rounded rows: 10,000 + 1,111 = 11,111; 7,001 + 2,500 + 11,111 = 20,612.
		wantEqual(t, "total", icpSums(r.Total), "11111.10|2500.49|7000.50|11111|2500|7001|20612.09|20612")
		wantLines(t, "corrections", r.Corrections)
		wantEqual(t, "box 3b", r.Box3b.String(), "20612.09")
		// 2025-Q1 (60,000.00) is one of the four quarters before: monthly.
		// 2026-Q1: goods 10,000.00 + triangular 7,000.50 + 1,111.10 = 18,111.60.
		wantEqual(t, "quarters", icpQuarters(r), "2025-Q1=60000.00! 2025-Q2=0.00 2025-Q3=0.00 2025-Q4=0.00 2026-Q1=18111.60")
		wantEqual(t, "monthly_required", r.MonthlyRequired, true)
		wantEqual(t, "threshold", r.Threshold.String(), "50000.00")
	})

	t.Run("2026-Q2", func(t *testing.T) {
		r := b.listing("2026-Q2")
		// D2's services credited in the same quarter net to 0; N1 is
		// domestic; 0.01 of triangular rounds to 0 whole.
		wantLines(t, "rows", r.Rows,
			"|BE|BE0403170701|Dupont NV|12000.00|0.00|0.01|12000|0|0|12000.01|12000",
			"|DE|DE136695976|Müller GmbH|40000.00|0.00|0.00|40000|0|0|40000.00|40000")
		wantEqual(t, "total", icpSums(r.Total), "52000.00|0.00|0.01|52000|0|0|52000.01|52000")
		// CN1 credits D1 of 2026-Q1: a correction tagged with that quarter.
		wantLines(t, "corrections", r.Corrections,
			"2026-Q1|DE|DE136695976|Müller GmbH|-2000.00|0.00|0.00|-2000|0|0|-2000.00|-2000")
		wantEqual(t, "corrections total", icpSums(r.CorrectionsTotal), "-2000.00|0.00|0.00|-2000|0|0|-2000.00|-2000")
		wantEqual(t, "box 3b", r.Box3b.String(), "50000.01")
		// 40,000.00 - 2,000.00 + 12,000.00 + 0.01 = 50,000.01: over.
		wantEqual(t, "quarters", icpQuarters(r), "2025-Q2=0.00 2025-Q3=0.00 2025-Q4=0.00 2026-Q1=18111.60 2026-Q2=50000.01!")
		wantEqual(t, "monthly_required", r.MonthlyRequired, true)
	})

	t.Run("2026-05", func(t *testing.T) {
		r := b.listing("2026-05")
		wantLines(t, "rows", r.Rows, "|BE|BE0403170701|Dupont NV|12000.00|0.00|0.00|12000|0|0|12000.00|12000")
		// CN2 credits D2 of April: in a month listing it corrects 2026-04.
		wantLines(t, "corrections", r.Corrections, "2026-04|DE|DE136695976|Müller GmbH|0.00|-300.00|0.00|0|-300|0|-300.00|-300")
		// The quarter up to 31 May: 40,000.00 - 2,000.00 + 12,000.00 =
		// 50,000.00, not more than the threshold; 2025-Q1 has dropped out.
		wantEqual(t, "quarters", icpQuarters(r), "2025-Q2=0.00 2025-Q3=0.00 2025-Q4=0.00 2026-Q1=18111.60 2026-Q2=50000.00")
		wantEqual(t, "monthly_required", r.MonthlyRequired, false)
	})

	t.Run("2026-06", func(t *testing.T) {
		r := b.listing("2026-06")
		wantLines(t, "rows", r.Rows, "|BE|BE0403170701|Dupont NV|0.00|0.00|0.01|0|0|0|0.01|0")
		wantLines(t, "corrections", r.Corrections)
		// B3's cent takes the quarter over: 50,000.01.
		wantEqual(t, "quarters", icpQuarters(r), "2025-Q2=0.00 2025-Q3=0.00 2025-Q4=0.00 2026-Q1=18111.60 2026-Q2=50000.01!")
		wantEqual(t, "monthly_required", r.MonthlyRequired, true)
	})

	t.Run("void of an earlier quarter's invoice", func(t *testing.T) {
		q := statements.ICPQuarterOf(b.f1Void)
		if !q.From.After(date("2026-06-30")) {
			t.Skipf("the void (%s) falls in the test data's quarters", b.f1Void)
		}
		r := b.listing(q.Name)
		wantLines(t, "rows", r.Rows)
		// F1's void converts at F1's rate: -1,111.10.
		wantLines(t, "corrections", r.Corrections, "2026-Q1|FR|FR40303265045|Martin SA|-1111.10|0.00|0.00|-1111|0|0|-1111.10|-1111")
		wantEqual(t, "box 3b", r.Box3b.String(), "-1111.10")
	})

	t.Run("issued and voided in one quarter", func(t *testing.T) {
		r := b.listing("2099-Q1")
		wantLines(t, "rows", r.Rows)
		wantLines(t, "corrections", r.Corrections)
		wantEqual(t, "box 3b", r.Box3b.String(), "0.00")
		wantEqual(t, "monthly_required", r.MonthlyRequired, false)
	})

	t.Run("JSON", func(t *testing.T) {
		raw, err := json.Marshal(b.listing("2026-Q2"))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{`"period":"2026-Q2"`, `"corrects_period":"2026-Q1"`, `"monthly_required":true`, `"goods_whole":"52000"`,
			`"rounding":"half_away_from_zero_per_row"`, `"box_3b":"50000.01"`} {
			if !strings.Contains(string(raw), want) {
				t.Errorf("JSON lacks %s: %s", want, raw)
			}
		}
	})

	t.Run("table", func(t *testing.T) {
		tb := b.listing("2026-Q2").Table("nl")
		if len(tb.Sections) != 3 {
			t.Fatalf("%d sections", len(tb.Sections))
		}
		wantEqual(t, "title", tb.Title, "Opgaaf intracommunautaire prestaties")
		wantEqual(t, "correction row", strings.Join(tb.Sections[1].Rows[0].Cells, "|"), "2026-Q1|DE|DE136695976|Müller GmbH|-2000.00|0.00|0.00|-2000|0|0")
		last := tb.Sections[2].Rows[len(tb.Sections[2].Rows)-1].Cells[0]
		if !strings.HasPrefix(last, "Maandelijkse opgaaf verplicht") {
			t.Errorf("threshold note %q", last)
		}
	})
}

func TestICPPeriods(t *testing.T) {
	for in, want := range map[string]string{"2026-Q1": "2026-01-01..2026-03-31", "2026-q4": "2026-10-01..2026-12-31",
		"2026-02": "2026-02-01..2026-02-28", "2024-02": "2024-02-01..2024-02-29", " 2026-12 ": "2026-12-01..2026-12-31"} {
		p, err := statements.ParseICPPeriod(in, "period")
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		wantEqual(t, in, p.From.String()+".."+p.To.String(), want)
	}
	for _, in := range []string{"", "2026", "2026-Q5", "2026-Q0", "2026-13", "2026-00", "2026-03-01", "26-Q1", "2026-H1"} {
		_, err := statements.ParseICPPeriod(in, "period")
		e := ledger.As(err)
		if e == nil || e.Code != ledger.CodeInvalid || len(e.Fields) != 1 || e.Fields[0].Path != "period" || e.Fields[0].Reason != ledger.ReasonPeriodInvalid {
			t.Errorf("%q: %v, want 422 period_invalid at period", in, err)
		}
	}
	for _, c := range []struct{ from, to, want string }{
		{"2026-04-01", "2026-06-30", "2026-Q2"}, {"2026-02-01", "2026-02-28", "2026-02"}, {"2026-01-01", "2026-02-28", ""},
		{"2026-04-02", "2026-06-30", ""}, {"2026-02-01", "2026-04-30", ""}, {"2026-01-01", "2026-12-31", ""},
	} {
		p, err := statements.ICPPeriodOf(date(c.from), date(c.to), "to")
		switch {
		case c.want == "" && (err == nil || ledger.As(err).Fields[0].Reason != ledger.ReasonPeriodInvalid):
			t.Errorf("%s..%s: %v, want period_invalid", c.from, c.to, err)
		case c.want != "" && (err != nil || p.Name != c.want):
			t.Errorf("%s..%s: %v %v, want %s", c.from, c.to, p.Name, err, c.want)
		}
	}
}

func TestICPSmallBusinessScheme(t *testing.T) {
	f := newICPFixture(t)
	kor := string(ledger.VATSmallBusiness)
	ent, err := f.st.UpdateEntity(ctx, f.p, f.ent.ID, &ledger.EntityInput{VATScheme: &kor})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := statements.ParseICPPeriod("2026-Q1", "period")
	_, err = statements.ICP(ctx, f.st, ent, p)
	if e := ledger.As(err); e == nil || e.Code != ledger.CodeConflict || e.Reason != ledger.ReasonICPNotRequired {
		t.Fatalf("ICP of a KOR entity: %v, want 409 icp_not_required", err)
	}
}
