package statements

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"backoffice/invoicing"
	"backoffice/ledger"
	"backoffice/ledger/quote"
	"backoffice/ledger/reports"
)

// The ICP listing (opgaaf intracommunautaire prestaties): the Dutch
// specification of box 3b of the VAT return, per customer VAT number, of
// the intra-Community supplies of goods, the services to businesses in
// other EU countries (reverse charged there) and the middle party's
// supplies in ABC triangulation, each separately. What the Belastingdienst
// asks, and how this report reads it, is in docs/reports.md ("ICP
// listing").

// ICPThreshold is the quarterly amount of intra-Community supplies of
// goods (in whole euros) above which the listing is due monthly:
// EUR 50,000 (art. 263 of the VAT directive 2006/112/EC; the
// Belastingdienst's "drempelbedrag" since 1 January 2016).
const ICPThreshold = 50_000

// ICPPeriod is a listing's period: a calendar month or quarter.
type ICPPeriod struct {
	Name     string // "2026-Q1" or "2026-03"
	From, To ledger.Date
	Monthly  bool
}

var (
	quarterName = regexp.MustCompile(`^([0-9]{4})-[Qq]([1-4])$`)
	monthName   = regexp.MustCompile(`^([0-9]{4})-([0-9]{2})$`)
)

// ParseICPPeriod reads "2026-Q1" (a quarter) or "2026-03" (a month); path
// names the field of the 422.
func ParseICPPeriod(s, path string) (ICPPeriod, error) {
	s = strings.TrimSpace(s)
	// The years are those of every date the service takes (a period of
	// 9999 ended on a date the ledger refuses).
	inRange := func(y int) bool { return y >= ledger.MinYear && y <= ledger.MaxYear }
	if m := quarterName.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		q, _ := strconv.Atoi(m[2])
		if inRange(y) {
			return quarterPeriod(y, q), nil
		}
	}
	if m := monthName.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		if inRange(y) && mo >= 1 && mo <= 12 {
			return monthPeriod(y, time.Month(mo)), nil
		}
	}
	return ICPPeriod{}, field(path, ledger.ReasonPeriodInvalid,
		"period %s is not a calendar quarter (2026-Q1) or month (2026-03) in the years %d to %d: the ICP listing is filed per month or quarter", quote.Value(s), ledger.MinYear, ledger.MaxYear)
}

// ICPPeriodOf is the month or quarter from..to spans exactly; a 422 at
// path when it is neither.
func ICPPeriodOf(from, to ledger.Date, path string) (ICPPeriod, error) {
	if from.Day() == 1 {
		if m := monthPeriod(from.Year(), from.Month()); m.To == to {
			return m, nil
		}
		if (int(from.Month())-1)%3 == 0 {
			if q := quarterPeriod(from.Year(), (int(from.Month())-1)/3+1); q.To == to {
				return q, nil
			}
		}
	}
	return ICPPeriod{}, field(path, ledger.ReasonPeriodInvalid,
		"%s to %s is not a whole calendar month or quarter: the ICP listing is filed per month or quarter", from, to)
}

// field is a 422 at path.
func field(path string, reason ledger.Reason, format string, args ...any) error {
	var p ledger.Problems
	p.Add(path, reason, format, args...)
	return p.Err()
}

// quarterBefore is the quarter n quarters before q.
func quarterBefore(q ICPPeriod, n int) ICPPeriod {
	i := q.From.Year()*4 + (int(q.From.Month())-1)/3 - n
	return quarterPeriod(i/4, i%4+1)
}

// ICPQuarterOf is the calendar quarter d falls in.
func ICPQuarterOf(d ledger.Date) ICPPeriod { return quarterPeriod(d.Year(), (int(d.Month())-1)/3+1) }

func quarterPeriod(y, q int) ICPPeriod {
	from := ledger.NewDate(y, time.Month(3*q-2), 1)
	return ICPPeriod{Name: fmt.Sprintf("%04d-Q%d", y, q), From: from, To: ledger.NewDate(y, time.Month(3*q+1), 1).AddDays(-1)}
}

func monthPeriod(y int, m time.Month) ICPPeriod {
	from := ledger.NewDate(y, m, 1)
	return ICPPeriod{Name: fmt.Sprintf("%04d-%02d", y, int(m)), From: from, To: ledger.NewDate(y, m+1, 1).AddDays(-1), Monthly: true}
}

// like is the period of p's length (month or quarter) d falls in.
func (p ICPPeriod) like(d ledger.Date) ICPPeriod {
	if p.Monthly {
		return monthPeriod(d.Year(), d.Month())
	}
	return ICPQuarterOf(d)
}

// ICPActivity is what the listing reads: the issued documents with an
// intra-EU line issued or voided from..to.
type ICPActivity struct {
	Documents []*ICPDocument
}

// ICPDocument is an invoice or credit note with its intra-EU lines.
type ICPDocument struct {
	ID     int64
	Kind   invoicing.Kind
	Status string // issued or void
	Number string
	// The customer as printed on the document (its current record when the
	// document has no printed copy).
	CustomerID   int64
	CustomerName string
	VATNumber    string
	Country      string
	Currency     string
	ExchangeRate decimal.Decimal
	IssueDate    ledger.Date
	VoidedOn     *ledger.Date // the void entry's date
	// A credit note's invoice: its number and issue date.
	CreditedNumber    string
	CreditedIssueDate *ledger.Date
	// Lines: one per tax code of an intra-EU kind (net summed).
	Lines []invoicing.Line
}

// supplyDate is the date whose period the document's amounts belong to:
// an invoice's issue date, a credit note's invoice's.
func (d *ICPDocument) supplyDate() ledger.Date {
	if d.Kind == invoicing.KindCreditNote && d.CreditedIssueDate != nil {
		return *d.CreditedIssueDate
	}
	return d.IssueDate
}

// ICPListing is the ICP listing of a month or quarter, in the functional
// currency: amounts exact (cents) and in whole units as the form asks.
type ICPListing struct {
	Entity    string      `json:"entity"`
	VATNumber string      `json:"vat_number"` // the entity's
	Period    string      `json:"period"`     // "2026-Q1", "2026-03"
	From      ledger.Date `json:"from"`
	To        ledger.Date `json:"to"`
	Currency  string      `json:"currency"`
	// Rounding says how the whole-unit amounts are made from the exact
	// ones: per row, half away from zero; totals add the rounded rows.
	Rounding string `json:"rounding"`
	// Rows are the supplies of the period itself; Corrections those of
	// credit notes and voids dated in the period against documents of an
	// earlier period, one row per customer and corrected period.
	Rows        []ICPRow `json:"rows"`
	Total       ICPSums  `json:"total"`
	Corrections []ICPRow `json:"corrections"`
	// CorrectionsTotal is the corrections' sum; Box3b the period's total
	// with them: what box 3b of the VAT return of the same period holds
	// (when the return's period is this one).
	CorrectionsTotal ICPSums `json:"corrections_total"`
	Box3b            Amount  `json:"box_3b"`
	// MonthlyRequired: the goods (supplies and triangular) of the quarter
	// of the period (up to its end) or of one of the four quarters before
	// it exceeded the threshold, so the listing is due per month.
	MonthlyRequired bool         `json:"monthly_required"`
	Threshold       Amount       `json:"threshold"`
	Quarters        []ICPQuarter `json:"quarters"`
	Warnings        []string     `json:"warnings"`
}

// ICPRow is one customer VAT number's supplies (of one corrected period).
type ICPRow struct {
	CorrectsPeriod string   `json:"corrects_period,omitempty"`
	Country        string   `json:"country"`    // the VAT number's country code (EL for Greece), else the address's
	VATNumber      string   `json:"vat_number"` // as printed, without spaces or dots
	CustomerID     int64    `json:"customer_id"`
	Customer       string   `json:"customer"`
	Amounts        ICPSums  `json:"amounts"`
	Documents      []string `json:"documents"` // the numbers of the documents counted
}

// ICPSums are goods, services and triangular supplies, exact and whole.
type ICPSums struct {
	Goods           Amount `json:"goods"`
	Services        Amount `json:"services"`
	Triangular      Amount `json:"triangular"`
	Total           Amount `json:"total"`
	GoodsWhole      Amount `json:"goods_whole"`
	ServicesWhole   Amount `json:"services_whole"`
	TriangularWhole Amount `json:"triangular_whole"`
	TotalWhole      Amount `json:"total_whole"`
}

// ICPQuarter is one quarter's goods for the monthly test.
type ICPQuarter struct {
	Quarter  string `json:"quarter"`
	Goods    Amount `json:"goods"` // supplies of goods and triangular, net of credit notes and voids dated in it
	Exceeded bool   `json:"exceeded"`
}

// ICP reads and builds the listing of period.
func ICP(ctx context.Context, st Store, ent *ledger.Entity, period ICPPeriod) (*ICPListing, error) {
	if ent.VATScheme == ledger.VATSmallBusiness {
		return nil, ledger.Errorf(ledger.CodeConflict, ledger.ReasonICPNotRequired,
			"entity %d uses the small-business scheme (KOR, vat_scheme \"kor\"): it makes no zero-rated intra-EU supplies and files no ICP listing", ent.ID)
	}
	first := quarterBefore(ICPQuarterOf(period.From), 4).From
	act, err := st.ICPActivity(ctx, ent, first, period.To)
	if err != nil {
		return nil, err
	}
	return BuildICP(ent, period, act)
}

// BuildICP builds the listing of period from the documents issued or
// voided from the first day of the fourth quarter before the period's
// quarter to the period's end.
func BuildICP(ent *ledger.Entity, period ICPPeriod, act *ICPActivity) (*ICPListing, error) {
	fexp := exponent(ent.Currency)
	z := Amount{0, fexp}
	r := &ICPListing{Entity: ent.Name, VATNumber: ent.VATNumber, Period: period.Name, From: period.From, To: period.To,
		Currency: ent.Currency, Rounding: "half_away_from_zero_per_row", Rows: []ICPRow{}, Corrections: []ICPRow{},
		Box3b: z, Threshold: Amount{ICPThreshold * pow10(fexp), fexp}, Quarters: []ICPQuarter{}, Warnings: []string{}}
	if ent.Currency != "EUR" {
		r.Warnings = append(r.Warnings, fmt.Sprintf("the functional currency is %s: the listing is in euros; amounts and the EUR 50,000 threshold are compared in %s unconverted", ent.Currency, ent.Currency))
	}
	// The quarters of the monthly test: the period's and the four before.
	cur := ICPQuarterOf(period.From)
	quarters := make([]ICPPeriod, 5)
	for i := range quarters {
		quarters[4-i] = quarterBefore(cur, i)
	}
	goods := make([]int64, 5)
	var s sums
	rows := map[string]*ICPRow{}
	var order []string
	warned := map[int64]bool{}
	count := func(d *ICPDocument, on ledger.Date, sign int64) error {
		exp := exponent(d.Currency)
		for _, v := range invoicing.VATBreakdown(d.Lines, exp) {
			net := v.NetMinor
			if d.Currency != ent.Currency {
				var err error
				if net, err = convert(net, exp, d.ExchangeRate, fexp); err != nil {
					return err
				}
			}
			net *= sign
			if v.Kind == invoicing.TaxIntraEU || v.Kind == invoicing.TaxIntraEUTriangle {
				for i, q := range quarters {
					if !on.Before(q.From) && !on.After(q.To) && !on.After(period.To) {
						s.add(&goods[i], net)
					}
				}
			}
			if on.Before(period.From) || on.After(period.To) {
				continue
			}
			corrects := ""
			if sd := d.supplyDate(); sd.Before(period.From) {
				corrects = period.like(sd).Name
			}
			vat := normalVAT(d.VATNumber)
			country := vatCountry(vat, d.Country)
			key := corrects + "|" + country + "|" + vat
			if vat == "" {
				key += "|" + strconv.FormatInt(d.CustomerID, 10)
				if !warned[d.CustomerID] {
					warned[d.CustomerID] = true
					r.Warnings = append(r.Warnings, fmt.Sprintf("customer %d (%s) has intra-EU supplies without a VAT number on document %s: the listing cannot name it", d.CustomerID, d.CustomerName, d.Number))
				}
			}
			row := rows[key]
			if row == nil {
				row = &ICPRow{CorrectsPeriod: corrects, Country: country, VATNumber: vat, CustomerID: d.CustomerID, Customer: d.CustomerName,
					Amounts: zeroSums(fexp), Documents: []string{}}
				rows[key] = row
				order = append(order, key)
			}
			switch v.Kind {
			case invoicing.TaxIntraEU:
				s.add(&row.Amounts.Goods.Minor, net)
			case invoicing.TaxIntraEUServices:
				s.add(&row.Amounts.Services.Minor, net)
			case invoicing.TaxIntraEUTriangle:
				s.add(&row.Amounts.Triangular.Minor, net)
			}
			if !slices.Contains(row.Documents, d.Number) {
				row.Documents = append(row.Documents, d.Number)
			}
		}
		return nil
	}
	for _, d := range act.Documents {
		sign := int64(1)
		if d.Kind == invoicing.KindCreditNote {
			sign = -1
		}
		if err := count(d, d.IssueDate, sign); err != nil {
			return nil, err
		}
		if d.Status == invoicing.StatusVoid && d.VoidedOn != nil {
			if err := count(d, *d.VoidedOn, -sign); err != nil {
				return nil, err
			}
		}
	}
	r.Total, r.CorrectionsTotal = zeroSums(fexp), zeroSums(fexp)
	for _, key := range order {
		row := rows[key]
		a := &row.Amounts
		if a.Goods.Minor == 0 && a.Services.Minor == 0 && a.Triangular.Minor == 0 {
			continue // issued and voided, or credited in full, in the period
		}
		s.add(&a.Total.Minor, a.Goods.Minor)
		s.add(&a.Total.Minor, a.Services.Minor)
		s.add(&a.Total.Minor, a.Triangular.Minor)
		a.GoodsWhole, a.ServicesWhole, a.TriangularWhole = whole(a.Goods), whole(a.Services), whole(a.Triangular)
		a.TotalWhole = Amount{a.GoodsWhole.Minor + a.ServicesWhole.Minor + a.TriangularWhole.Minor, 0}
		tot := &r.Total
		if row.CorrectsPeriod != "" {
			tot = &r.CorrectionsTotal
			r.Corrections = append(r.Corrections, *row)
		} else {
			r.Rows = append(r.Rows, *row)
		}
		tot.add(&s, a)
	}
	byCountry := func(a, b ICPRow) int {
		return cmp.Or(strings.Compare(a.Country, b.Country), strings.Compare(a.VATNumber, b.VATNumber), cmp.Compare(a.CustomerID, b.CustomerID))
	}
	slices.SortFunc(r.Rows, byCountry)
	slices.SortFunc(r.Corrections, func(a, b ICPRow) int {
		return cmp.Or(strings.Compare(a.CorrectsPeriod, b.CorrectsPeriod), byCountry(a, b))
	})
	r.Box3b.Minor = r.Total.Total.Minor
	s.add(&r.Box3b.Minor, r.CorrectionsTotal.Total.Minor)
	for i, q := range quarters {
		ex := goods[i] > r.Threshold.Minor
		r.Quarters = append(r.Quarters, ICPQuarter{Quarter: q.Name, Goods: Amount{goods[i], fexp}, Exceeded: ex})
		r.MonthlyRequired = r.MonthlyRequired || ex
	}
	if s.over {
		return nil, overflow()
	}
	return r, nil
}

func zeroSums(exp int) ICPSums {
	z, w := Amount{0, exp}, Amount{0, 0}
	return ICPSums{Goods: z, Services: z, Triangular: z, Total: z, GoodsWhole: w, ServicesWhole: w, TriangularWhole: w, TotalWhole: w}
}

func (t *ICPSums) add(s *sums, a *ICPSums) {
	s.add(&t.Goods.Minor, a.Goods.Minor)
	s.add(&t.Services.Minor, a.Services.Minor)
	s.add(&t.Triangular.Minor, a.Triangular.Minor)
	s.add(&t.Total.Minor, a.Total.Minor)
	s.add(&t.GoodsWhole.Minor, a.GoodsWhole.Minor)
	s.add(&t.ServicesWhole.Minor, a.ServicesWhole.Minor)
	s.add(&t.TriangularWhole.Minor, a.TriangularWhole.Minor)
	s.add(&t.TotalWhole.Minor, a.TotalWhole.Minor)
}

// whole is a in whole units, rounded half away from zero (the project's
// one rounding rule: the form asks whole euros and no source prescribes a
// direction for the ICP listing, which levies no tax).
func whole(a Amount) Amount {
	return Amount{decimal.New(a.Minor, -int32(a.Exp)).Round(0).IntPart(), 0}
}

func pow10(n int) int64 {
	v := int64(1)
	for range n {
		v *= 10
	}
	return v
}

// normalVAT is a VAT number as the listing writes it: upper case, without
// spaces, dots and hyphens.
func normalVAT(v string) string {
	return strings.ToUpper(strings.NewReplacer(" ", "", ".", "", "-", "").Replace(strings.TrimSpace(v)))
}

// vatCountry is the VAT number's country prefix (EL for Greece, XI for
// Northern Ireland), else the address's country.
func vatCountry(vat, country string) string {
	if len(vat) > 2 && vat[0] >= 'A' && vat[0] <= 'Z' && vat[1] >= 'A' && vat[1] <= 'Z' {
		return vat[:2]
	}
	return strings.ToUpper(country)
}

// Table is the listing for the renderers in lang: the period's rows, the
// corrections of earlier periods, and the quarters of the monthly test.
func (r *ICPListing) Table(lang string) *reports.Table {
	lang = Language(lang)
	amountCols := func() []reports.Column {
		return []reports.Column{
			{Key: "goods", Title: tr(lang, "Leveringen", "Goods"), Kind: reports.Money, Width: 1.6},
			{Key: "services", Title: tr(lang, "Diensten", "Services"), Kind: reports.Money, Width: 1.6},
			{Key: "triangular", Title: tr(lang, "ABC-leveringen", "Triangular"), Kind: reports.Money, Width: 1.6},
			{Key: "goods_whole", Title: tr(lang, "Lev. (€)", "Goods (€)"), Kind: reports.Number, Width: 1.2},
			{Key: "services_whole", Title: tr(lang, "Dnst. (€)", "Serv. (€)"), Kind: reports.Number, Width: 1.2},
			{Key: "triangular_whole", Title: tr(lang, "ABC (€)", "Tri. (€)"), Kind: reports.Number, Width: 1.2},
		}
	}
	cells := func(a ICPSums) []string {
		return []string{a.Goods.String(), a.Services.String(), a.Triangular.String(), a.GoodsWhole.String(), a.ServicesWhole.String(), a.TriangularWhole.String()}
	}
	main := reports.Section{Title: tr(lang, "Intracommunautaire prestaties", "Intra-Community supplies"),
		Columns: append([]reports.Column{
			{Key: "country", Title: tr(lang, "Land", "Country"), Kind: reports.Text, Width: 0.8},
			{Key: "vat_number", Title: tr(lang, "Btw-id", "VAT number"), Kind: reports.Text, Width: 2.2},
			{Key: "customer", Title: tr(lang, "Afnemer", "Customer"), Kind: reports.Text, Width: 2.6},
		}, amountCols()...),
		Empty: tr(lang, "Geen intracommunautaire prestaties in dit tijdvak.", "No intra-Community supplies in this period.")}
	for _, row := range r.Rows {
		main.Rows = append(main.Rows, reports.Row{Cells: append([]string{row.Country, row.VATNumber, row.Customer}, cells(row.Amounts)...)})
	}
	main.Rows = append(main.Rows, reports.Row{Style: reports.Total, Cells: append([]string{"", "", tr(lang, "Totaal", "Total")}, cells(r.Total)...)})
	corr := reports.Section{Title: tr(lang, "Correcties van eerdere tijdvakken", "Corrections of earlier periods"),
		Columns: append([]reports.Column{
			{Key: "corrects_period", Title: tr(lang, "Tijdvak", "Period"), Kind: reports.Text, Width: 1.5},
			{Key: "country", Title: tr(lang, "Land", "Country"), Kind: reports.Text, Width: 0.8},
			{Key: "vat_number", Title: tr(lang, "Btw-id", "VAT number"), Kind: reports.Text, Width: 2.2},
			{Key: "customer", Title: tr(lang, "Afnemer", "Customer"), Kind: reports.Text, Width: 2.3},
		}, amountCols()...),
		Empty: tr(lang, "Geen correcties.", "No corrections.")}
	for _, row := range r.Corrections {
		corr.Rows = append(corr.Rows, reports.Row{Cells: append([]string{row.CorrectsPeriod, row.Country, row.VATNumber, row.Customer}, cells(row.Amounts)...)})
	}
	corr.Rows = append(corr.Rows, reports.Row{Style: reports.Total, Cells: append([]string{"", "", "", tr(lang, "Totaal", "Total")}, cells(r.CorrectionsTotal)...)})
	thr := reports.Section{Title: tr(lang, "Drempel maandelijkse opgaaf (goederen per kwartaal)", "Monthly filing threshold (goods per quarter)"),
		Columns: []reports.Column{
			{Key: "quarter", Title: tr(lang, "Kwartaal", "Quarter"), Kind: reports.Text, Width: 2},
			{Key: "goods", Title: tr(lang, "Goederen", "Goods"), Kind: reports.Money, Width: 2},
			{Key: "exceeded", Title: tr(lang, "Boven drempel", "Over threshold"), Kind: reports.Text, Width: 2},
		}}
	yes := func(b bool) string {
		if b {
			return tr(lang, "ja", "yes")
		}
		return tr(lang, "nee", "no")
	}
	for _, q := range r.Quarters {
		thr.Rows = append(thr.Rows, reports.Row{Cells: []string{q.Quarter, q.Goods.String(), yes(q.Exceeded)}})
	}
	verdict := tr(lang, "Per kwartaal toegestaan: geen kwartaal boven ", "Quarterly allowed: no quarter over ") + textAmount(r.Threshold, lang)
	if r.MonthlyRequired {
		verdict = tr(lang, "Maandelijkse opgaaf verplicht: een kwartaal boven ", "Monthly listing required: a quarter over ") + textAmount(r.Threshold, lang)
	}
	thr.Rows = append(thr.Rows, reports.Row{Style: reports.Note, Cells: []string{verdict, "", ""}})
	header := []string{tr(lang, "Btw-id: ", "VAT number: ") + r.VATNumber, tr(lang, "Rubriek 3b (met correcties): ", "Box 3b (with corrections): ") + textAmount(r.Box3b, lang)}
	for _, w := range r.Warnings {
		header = append(header, w)
	}
	period := reports.PeriodText(r.From, r.To, lang) + " (" + r.Period + ")"
	return &reports.Table{Report: "icp_listing", Title: tr(lang, "Opgaaf intracommunautaire prestaties", "ICP listing (intra-Community supplies)"),
		Entity: r.Entity, Period: period, Language: lang, Currency: r.Currency, Header: header, Sections: []reports.Section{main, corr, thr}}
}
