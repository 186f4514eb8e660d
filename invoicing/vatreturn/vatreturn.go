// Package vatreturn builds the Dutch VAT return (aangifte omzetbelasting)
// of an entity's period from the daily VAT totals of its documents
// (invoicing/vatledger) and the box 1d adjustments an accountant enters:
// every box (rubriek) of the form with its turnover and VAT, rounded to
// whole euros in the taxpayer's favour, the unrounded figures beside them;
// the VAT settlement entry a filed return posts; and the corrections of
// filed periods, taken into the next return up to 1,000 euros of VAT a
// calendar year and flagged for a supplementary return (suppletie) above
// it. See docs/vat.md.
//
// No database and no HTTP here.
package vatreturn

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"backoffice/invoicing/statements"
	"backoffice/ledger"
	"backoffice/ledger/money"
	"backoffice/ledger/quote"
)

// Standard chart accounts the settlement uses unless told others.
const (
	DefaultSettlementAccount = "1750" // VAT settlement (liability): what is paid to or reclaimed from the tax office
	DefaultRoundingAccount   = "4900" // Rounding differences
	DefaultVATAccount        = "1700" // VAT payable: where a box 1d adjustment's VAT goes
)

// CorrectionLimitEuros is the VAT, in whole euros, that the corrections of
// one calendar year may come to and still go into the next return; above
// it a supplementary return is due (Belastingdienst, "suppletie").
const CorrectionLimitEuros = 1000

// SupplementaryYears is how far back a supplementary return may go: five
// calendar years after the year of the period it corrects.
const SupplementaryYears = 5

// SupplementaryWeeks is the time a supplementary return must be filed in
// from the discovery of the error (since 1 January 2025).
const SupplementaryWeeks = 8

// Box is one box (rubriek) of the form that takes an amount.
type Box struct {
	Code    string
	Section int
	NL, EN  string
	// Turnover: the box asks for the turnover; VAT: for the VAT too.
	Turnover, VAT bool
}

// Boxes are the amount boxes of the form, in its order. Sections 1 to 4
// take turnover and (but for 1e and 3a to 3c) VAT; 5b is the input VAT.
var Boxes = []Box{
	{"1a", 1, "Leveringen/diensten belast met hoog tarief", "Supplies/services taxed at the standard rate", true, true},
	{"1b", 1, "Leveringen/diensten belast met laag tarief", "Supplies/services taxed at the reduced rate", true, true},
	{"1c", 1, "Leveringen/diensten belast met overige tarieven, behalve 0%", "Supplies/services taxed at other rates, except 0%", true, true},
	{"1d", 1, "Privégebruik", "Private use", true, true},
	{"1e", 1, "Leveringen/diensten belast met 0% of niet bij u belast", "Supplies/services taxed at 0% or not taxed with you", true, false},
	{"2a", 2, "Leveringen/diensten waarbij de omzetbelasting naar u is verlegd", "Supplies/services on which the VAT is reverse-charged to you", true, true},
	{"3a", 3, "Leveringen naar landen buiten de EU (uitvoer)", "Supplies of goods to countries outside the EU (exports)", true, false},
	{"3b", 3, "Leveringen naar of diensten in landen binnen de EU", "Supplies of goods to or services in countries within the EU", true, false},
	{"3c", 3, "Installatie/afstandsverkopen binnen de EU", "Installation/distance sales within the EU", true, false},
	{"4a", 4, "Leveringen/diensten uit landen buiten de EU", "Supplies/services from countries outside the EU", true, true},
	{"4b", 4, "Leveringen/diensten uit landen binnen de EU", "Supplies/services from countries within the EU", true, true},
	{"5b", 5, "Voorbelasting", "Input VAT", false, true},
}

// BoxCodes are the codes of Boxes, in order.
var BoxCodes = func() []string {
	out := make([]string, len(Boxes))
	for i, b := range Boxes {
		out[i] = b.Code
	}
	return out
}()

func boxOf(code string) (Box, bool) {
	i := slices.IndexFunc(Boxes, func(b Box) bool { return b.Code == code })
	if i < 0 {
		return Box{}, false
	}
	return Boxes[i], true
}

// dueBoxes are the boxes whose VAT is due: 5a is their sum.
var dueBoxes = []string{"1a", "1b", "1c", "1d", "2a", "4a", "4b"}

// sectionTitles are the form's section headings.
var sectionTitles = map[int][2]string{
	1: {"Prestaties binnenland", "Domestic supplies"},
	2: {"Verleggingsregelingen binnenland", "Domestic reverse-charge schemes"},
	3: {"Prestaties naar of in het buitenland", "Supplies to or in other countries"},
	4: {"Prestaties vanuit het buitenland aan u verricht", "Supplies from other countries to you"},
	5: {"Voorbelasting en totaal", "Input VAT and total"},
}

// ---- periods -------------------------------------------------------------

// Period is a whole month, quarter or year: the span one return covers.
type Period struct {
	Kind     ledger.VATPeriod
	Year, No int // No: the month (1-12) or quarter (1-4); 0 for a year
	From, To ledger.Date
}

// String is the period's name: "2026-03", "2026-Q1" or "2026".
func (p Period) String() string {
	switch p.Kind {
	case ledger.VATMonthly:
		return fmt.Sprintf("%04d-%02d", p.Year, p.No)
	case ledger.VATQuarterly:
		return fmt.Sprintf("%04d-Q%d", p.Year, p.No)
	}
	return fmt.Sprintf("%04d", p.Year)
}

// MakePeriod is the period of kind numbered no in year.
func MakePeriod(kind ledger.VATPeriod, year, no int) Period {
	p := Period{Kind: kind, Year: year, No: no}
	switch kind {
	case ledger.VATMonthly:
		p.From = ledger.NewDate(year, time.Month(no), 1)
		p.To = ledger.NewDate(year, time.Month(no)+1, 1).AddDays(-1)
	case ledger.VATQuarterly:
		p.From = ledger.NewDate(year, time.Month(3*no-2), 1)
		p.To = ledger.NewDate(year, time.Month(3*no+1), 1).AddDays(-1)
	default:
		p.Kind, p.No = ledger.VATYearly, 0
		p.From, p.To = ledger.NewDate(year, 1, 1), ledger.NewDate(year, 12, 31)
	}
	return p
}

// PeriodOf is the period of kind that holds d.
func PeriodOf(kind ledger.VATPeriod, d ledger.Date) Period {
	switch kind {
	case ledger.VATMonthly:
		return MakePeriod(kind, d.Year(), int(d.Month()))
	case ledger.VATQuarterly:
		return MakePeriod(kind, d.Year(), (int(d.Month())+2)/3)
	}
	return MakePeriod(ledger.VATYearly, d.Year(), 0)
}

// Prev is the period before p, of the same kind.
func (p Period) Prev() Period { return PeriodOf(p.Kind, p.From.AddDays(-1)) }

// Next is the period after p, of the same kind.
func (p Period) Next() Period { return PeriodOf(p.Kind, p.To.AddDays(1)) }

// ParsePeriod reads a period as the entity's VAT period setting names it:
// "2026-03" for a month, "2026-Q1" for a quarter, "2026" for a year. Any
// other text, or a period of another length than the setting's, is a 422
// vat_return_period_invalid at path.
func ParsePeriod(s string, kind ledger.VATPeriod, path string) (Period, error) {
	if kind == "" {
		kind = ledger.VATQuarterly
	}
	bad := func(format string, args ...any) (Period, error) {
		var p ledger.Problems
		p.Add(path, ledger.ReasonVATReturnPeriodInvalid, format, args...)
		return Period{}, p.Err()
	}
	s = strings.TrimSpace(s)
	example := map[ledger.VATPeriod]string{ledger.VATMonthly: "2026-03", ledger.VATQuarterly: "2026-Q1", ledger.VATYearly: "2026"}[kind]
	if len(s) > 16 { // no period is longer than 7: read no further
		return bad("period %s is not a %s of the entity's VAT period setting, written like %q", quote.Value(s), kind, example)
	}
	year, rest, _ := strings.Cut(s, "-")
	y, err := strconv.Atoi(year)
	// The years are those of every date the service takes: a period of
	// 9999 (once taken) ended on a date the ledger refuses.
	if err != nil || len(year) != 4 || !digits(year) || y < ledger.MinYear || y > ledger.MaxYear {
		return bad("period %q is not a %s of the entity's VAT period setting, written like %q", s, kind, example)
	}
	var got ledger.VATPeriod
	no := 0
	switch {
	case !strings.Contains(s, "-"):
		got = ledger.VATYearly
	case len(rest) == 2 && (rest[0] == 'Q' || rest[0] == 'q'):
		got = ledger.VATQuarterly
		no, err = strconv.Atoi(rest[1:])
		if err != nil || !digits(rest[1:]) || no < 1 || no > 4 {
			return bad("period %q: a quarter is Q1 to Q4", s)
		}
	case len(rest) == 2:
		got = ledger.VATMonthly
		no, err = strconv.Atoi(rest)
		if err != nil || !digits(rest) || no < 1 || no > 12 {
			return bad("period %q: a month is 01 to 12", s)
		}
	default:
		return bad("period %q is not a %s of the entity's VAT period setting, written like %q", s, kind, example)
	}
	if got != kind {
		return bad("period %q is a %s, but the entity files its VAT return per %s: name a %s such as %q", s, got, kind, kind, example)
	}
	return MakePeriod(kind, y, no), nil
}

// digits reports text of ASCII digits only (strconv.Atoi takes a sign too).
func digits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// ---- figures -------------------------------------------------------------

// Pair is a box's turnover (Base) and VAT in minor units of the
// functional currency, unrounded. For 5b, VAT is the deductible input VAT.
type Pair struct{ Base, VAT int64 }

// Figures are what the books say of one period: per box the unrounded
// turnover and VAT, and per VAT account (by id) the amount the settlement
// debits to empty it of the period's VAT (negative: credits).
type Figures struct {
	Boxes    map[string]Pair
	Accounts map[int64]int64
}

// NewFigures is empty figures.
func NewFigures() *Figures { return &Figures{Boxes: map[string]Pair{}, Accounts: map[int64]int64{}} }

// AddBox adds to a box.
func (f *Figures) AddBox(box string, base, vat int64) {
	p := f.Boxes[box]
	p.Base += base
	p.VAT += vat
	f.Boxes[box] = p
}

// Add adds o (nil: nothing) to f.
func (f *Figures) Add(o *Figures, sign int64) {
	if o == nil {
		return
	}
	for b, p := range o.Boxes {
		f.AddBox(b, sign*p.Base, sign*p.VAT)
	}
	for a, v := range o.Accounts {
		f.Accounts[a] += sign * v
	}
}

// Zero reports figures with nothing in their boxes. The accounts are not
// looked at: what the return reports and settles is the boxes, and a
// difference of accounts alone (the same VAT on another account) is no
// correction of the return.
func (f *Figures) Zero() bool {
	for _, p := range f.Boxes {
		if p.Base != 0 || p.VAT != 0 {
			return false
		}
	}
	return true
}

// NetVAT is the VAT the figures come to: the VAT of the due boxes less the
// input VAT (5b), unrounded.
func (f *Figures) NetVAT() int64 {
	var n int64
	for _, b := range dueBoxes {
		n += f.Boxes[b].VAT
	}
	return n - f.Boxes["5b"].VAT
}

// ---- rounding ------------------------------------------------------------

// unit is one whole unit of the currency in minor units (100 for EUR).
func unit(exp int) int64 {
	u := int64(1)
	for range exp {
		u *= 10
	}
	return u
}

// RoundDown rounds minor units down to whole units (towards minus
// infinity): the turnover and VAT of boxes 1 to 4, in the taxpayer's
// favour.
func RoundDown(minor int64, exp int) int64 {
	u := unit(exp)
	q := minor / u
	if minor%u != 0 && minor < 0 {
		q--
	}
	return q * u
}

// RoundUp rounds minor units up to whole units (towards plus infinity):
// the input VAT of 5b, in the taxpayer's favour.
func RoundUp(minor int64, exp int) int64 { return -RoundDown(-minor, exp) }

// ---- the return ----------------------------------------------------------

// Amount is an amount in the functional currency (a decimal string in JSON).
type Amount = statements.Amount

// Line is one line of the form: a box with its turnover and VAT as
// entered (rounded) and as the books have them (exact); null where the box
// asks for no amount.
type Line struct {
	Box           string  `json:"box"`
	Section       int     `json:"section"`
	Label         string  `json:"label"`
	Turnover      *Amount `json:"turnover"`
	VAT           *Amount `json:"vat"`
	TurnoverExact *Amount `json:"turnover_exact"`
	VATExact      *Amount `json:"vat_exact"`
}

// BoxAmount is a box's unrounded turnover and VAT in a correction.
type BoxAmount struct {
	Box      string `json:"box"`
	Turnover Amount `json:"turnover"`
	VAT      Amount `json:"vat"`
}

// Correction is the difference between what was filed for a period and
// what the books now say of it, per box (the boxes that differ), and the
// VAT it comes to (due boxes less 5b).
type Correction struct {
	Period string      `json:"period"`
	From   ledger.Date `json:"from"`
	To     ledger.Date `json:"to"`
	Boxes  []BoxAmount `json:"boxes"`
	VAT    Amount      `json:"vat"`

	figures *Figures
}

// Supplementary is a calendar year whose corrections come to more than
// 1,000 euros of VAT: a supplementary return is due for each period, within
// 8 weeks of discovery and at most five years after the year.
type Supplementary struct {
	Year        int          `json:"year"`
	VAT         Amount       `json:"vat"`
	FileBy      string       `json:"file_by"` // when a supplementary return must be filed
	LastYear    int          `json:"last_year"`
	Corrections []Correction `json:"corrections"`
}

// Filing is who filed a return, when, and the settlement entry it posted.
type Filing struct {
	ID                int64     `json:"id"`
	Kind              string    `json:"kind"` // "return" or "supplementary"
	Period            string    `json:"period"`
	FiledAt           time.Time `json:"filed_at"`
	FiledBy           int64     `json:"filed_by"`
	EntryID           *int64    `json:"entry_id"`
	SettlementAccount string    `json:"settlement_account"`
	RoundingAccount   string    `json:"rounding_account"`
	Total             Amount    `json:"total"`    // to pay (negative: to reclaim), rounded
	Rounding          Amount    `json:"rounding"` // the unrounded total less the rounded one
}

// Return is the VAT return of a period.
type Return struct {
	Entity       string      `json:"entity"`
	VATTaxNumber string      `json:"vat_tax_number"`
	Period       string      `json:"period"`
	From         ledger.Date `json:"from"`
	To           ledger.Date `json:"to"`
	Currency     string      `json:"currency"`
	Status       string      `json:"status"` // "open" or "filed"
	Filing       *Filing     `json:"filing"`
	Lines        []Line      `json:"lines"`
	// Result: "pay", "reclaim" or "nil"; Total the rounded amount (positive
	// to pay, negative to reclaim).
	Result string `json:"result"`
	Total  Amount `json:"total"`
	// Rounding is the unrounded balance less the rounded one: what the
	// settlement entry posts to the rounding account.
	Rounding Amount `json:"rounding"`
	// Corrections are the differences of earlier filed periods the return
	// takes in (in its boxes above, and listed here by the period they
	// correct).
	Corrections []Correction `json:"corrections"`
	// SupplementaryRequired are the years whose corrections are too large
	// for a return: file a supplementary return per period.
	SupplementaryRequired []Supplementary `json:"supplementary_required"`
	// Difference, for a filed return: what the books now say of the period
	// less what was filed for it (and settled since by supplementary
	// returns or later returns); null when none.
	Difference *Correction `json:"difference"`
	// SupplementaryReturns filed for this period.
	SupplementaryReturns []Filing `json:"supplementary_returns"`

	// For filing: the figures the return settles, per period.
	own      *Figures
	included []Correction
	total    int64 // rounded
	exact    int64 // unrounded
	exp      int
}

// Open is a period's figures, the corrections of earlier periods that are
// open, and whether the period is filed: what Build needs.
type Open struct {
	Period Period
	// Own: what the books say of the period (for a filed period: what was
	// filed for it as its own figures).
	Own *Figures
	// Earlier: per filed period before this one, what the books say less
	// what was filed and settled; zero differences may be left out.
	Earlier []PeriodFigures
	// Included: for a filed return, the corrections it took in as filed.
	Included []PeriodFigures
	// TakenIn: per calendar year, the VAT of the corrections of that
	// year's periods that filed returns took in already; they count
	// towards the year's 1,000 euros with the differences still open.
	TakenIn map[int]int64
}

// PeriodFigures are the figures of one period.
type PeriodFigures struct {
	Period  string
	From    ledger.Date
	To      ledger.Date
	Figures *Figures
}

// Build computes the return of an open period: its own figures plus the
// corrections of earlier filed periods up to 1,000 euros of VAT per
// calendar year, those taken into filed returns already counted in (more:
// flagged for a supplementary return; more than five years back: left
// out), rounded box by box.
func Build(ent *ledger.Entity, o *Open) *Return {
	exp, _ := money.Exponent(ent.Currency)
	r := newReturn(ent, o.Period, exp)
	r.own = o.Own
	byYear := map[int][]PeriodFigures{}
	var years []int
	for _, e := range o.Earlier {
		if e.Figures.Zero() || !e.From.Before(o.Period.From) {
			continue
		}
		y := e.From.Year()
		if y < o.Period.From.Year()-SupplementaryYears {
			continue // beyond the five years: nothing more to correct
		}
		if _, ok := byYear[y]; !ok {
			years = append(years, y)
		}
		byYear[y] = append(byYear[y], e)
	}
	slices.Sort(years)
	limit := CorrectionLimitEuros * unit(exp)
	for _, y := range years {
		var net int64
		var cs []Correction
		for _, e := range byYear[y] {
			net += e.Figures.NetVAT()
			cs = append(cs, correction(e, exp))
		}
		if year := net + o.TakenIn[y]; year <= limit && year >= -limit {
			r.Corrections = append(r.Corrections, cs...)
			continue
		}
		r.SupplementaryRequired = append(r.SupplementaryRequired, Supplementary{Year: y, VAT: Amount{Minor: net, Exp: exp},
			FileBy: fmt.Sprintf("within %d weeks of discovery", SupplementaryWeeks), LastYear: y + SupplementaryYears, Corrections: cs})
	}
	r.included = r.Corrections
	r.fill()
	return r
}

// BuildFiled is a filed return as filed (its own figures and the
// corrections it took in), with the filing, the current difference of its
// period and the supplementary returns filed for it.
func BuildFiled(ent *ledger.Entity, p Period, own *Figures, included []PeriodFigures, f *Filing, diff *Figures, supps []Filing) *Return {
	exp, _ := money.Exponent(ent.Currency)
	r := newReturn(ent, p, exp)
	r.own, r.Status, r.Filing = own, "filed", f
	for _, c := range included {
		r.Corrections = append(r.Corrections, correction(c, exp))
	}
	r.included = r.Corrections
	r.fill()
	if diff != nil && !diff.Zero() {
		c := correction(PeriodFigures{Period: p.String(), From: p.From, To: p.To, Figures: diff}, exp)
		r.Difference = &c
	}
	if supps != nil {
		r.SupplementaryReturns = supps
	}
	return r
}

// BuildSupplementary is the supplementary return of a filed period: the
// difference per box, rounded as a return is.
func BuildSupplementary(ent *ledger.Entity, p Period, diff *Figures) *Return {
	exp, _ := money.Exponent(ent.Currency)
	r := newReturn(ent, p, exp)
	r.own = diff
	r.fill()
	return r
}

func newReturn(ent *ledger.Entity, p Period, exp int) *Return {
	return &Return{Entity: ent.Name, VATTaxNumber: ent.VATTaxNumber, Period: p.String(), From: p.From, To: p.To, Currency: ent.Currency,
		Status: "open", Lines: []Line{}, Corrections: []Correction{}, SupplementaryRequired: []Supplementary{},
		SupplementaryReturns: []Filing{}, Total: Amount{Exp: exp}, Rounding: Amount{Exp: exp}, exp: exp}
}

func correction(e PeriodFigures, exp int) Correction {
	c := Correction{Period: e.Period, From: e.From, To: e.To, Boxes: []BoxAmount{}, VAT: Amount{Minor: e.Figures.NetVAT(), Exp: exp}, figures: e.Figures}
	for _, b := range BoxCodes {
		if p := e.Figures.Boxes[b]; p.Base != 0 || p.VAT != 0 {
			c.Boxes = append(c.Boxes, BoxAmount{Box: b, Turnover: Amount{Minor: p.Base, Exp: exp}, VAT: Amount{Minor: p.VAT, Exp: exp}})
		}
	}
	return c
}

// Settled is everything the return settles: its own figures and those of
// the corrections it takes in.
func (r *Return) Settled() *Figures {
	all := NewFigures()
	all.Add(r.own, 1)
	for _, c := range r.included {
		all.Add(c.figures, 1)
	}
	return all
}

// fill writes the lines of the form from the settled figures.
func (r *Return) fill() {
	exp := r.exp
	all := r.Settled()
	amt := func(v int64) *Amount { return &Amount{Minor: v, Exp: exp} }
	var due, dueExact int64
	for _, b := range Boxes {
		if b.Code == "5b" {
			continue
		}
		p := all.Boxes[b.Code]
		l := Line{Box: b.Code, Section: b.Section, Label: LineLabel(b.Code, ""),
			Turnover: amt(RoundDown(p.Base, exp)), TurnoverExact: amt(p.Base)}
		if b.VAT {
			l.VAT, l.VATExact = amt(RoundDown(p.VAT, exp)), amt(p.VAT)
			due += RoundDown(p.VAT, exp)
			dueExact += p.VAT
		}
		r.Lines = append(r.Lines, l)
	}
	in := all.Boxes["5b"].VAT
	inRounded := RoundUp(in, exp)
	r.Lines = append(r.Lines,
		Line{Box: "5a", Section: 5, Label: LineLabel("5a", ""), VAT: amt(due), VATExact: amt(dueExact)},
		Line{Box: "5b", Section: 5, Label: LineLabel("5b", ""), VAT: amt(inRounded), VATExact: amt(in)},
		Line{Box: "5c", Section: 5, Label: LineLabel("5c", ""), VAT: amt(due - inRounded), VATExact: amt(dueExact - in)},
	)
	r.total, r.exact = due-inRounded, dueExact-in
	r.Total = Amount{Minor: r.total, Exp: exp}
	r.Rounding = Amount{Minor: r.exact - r.total, Exp: exp}
	switch {
	case r.total > 0:
		r.Result = "pay"
	case r.total < 0:
		r.Result = "reclaim"
	default:
		r.Result = "nil"
	}
}

// totalLabels are the texts of the lines of section 5 (5b as a total).
var totalLabels = map[string][2]string{
	"5a": {"Verschuldigde omzetbelasting", "VAT due"},
	"5b": {"Voorbelasting", "Input VAT"},
	"5c": {"Subtotaal (rubriek 5a min 5b)", "Subtotal (5a less 5b)"},
}

// LineLabel is the text of a line of the form in lang ("nl" or "en"), or
// in both ("Dutch / English") for any other lang.
func LineLabel(code, lang string) string {
	t, ok := totalLabels[code]
	if !ok {
		b, _ := boxOf(code)
		t = [2]string{b.NL, b.EN}
	}
	switch lang {
	case "nl":
		return t[0]
	case "en":
		return t[1]
	}
	return t[0] + " / " + t[1]
}

// Localize gives the lines their labels in lang only ("nl" or "en").
func (r *Return) Localize(lang string) {
	for i := range r.Lines {
		r.Lines[i].Label = LineLabel(r.Lines[i].Box, lang)
	}
}

// Included are the corrections the return takes in, as period figures.
func (r *Return) Included() []PeriodFigures {
	out := make([]PeriodFigures, len(r.included))
	for i, c := range r.included {
		out[i] = PeriodFigures{Period: c.Period, From: c.From, To: c.To, Figures: c.figures}
	}
	return out
}

// Own is the return's own figures.
func (r *Return) Own() *Figures { return r.own }

// Totals are the rounded and the unrounded balance (positive: to pay) and
// the rounded 5a and 5b.
func (r *Return) Totals() (rounded, exact, due, input int64) {
	for _, l := range r.Lines {
		switch l.Box {
		case "5a":
			due = l.VAT.Minor
		case "5b":
			input = l.VAT.Minor
		}
	}
	return r.total, r.exact, due, input
}

// ---- settlement ----------------------------------------------------------

// Settlement builds the VAT settlement entry: each VAT account emptied of
// what it holds of the settled figures (accounts by id, with their codes
// in codes), the rounded balance on the settlement account and the
// rounding difference on the rounding account; nil when every amount is
// nil. An account total that does not add up to the unrounded balance is
// a bug (internal error).
func Settlement(r *Return, settled *Figures, codes map[int64]string, date ledger.Date, settlement, rounding, text string) (*ledger.Draft, error) {
	var sum int64
	ids := make([]int64, 0, len(settled.Accounts))
	for id, v := range settled.Accounts {
		sum += v
		if v != 0 {
			ids = append(ids, id)
		}
	}
	if sum != r.exact {
		return nil, ledger.Internal(fmt.Errorf("vat settlement of %s: the VAT accounts come to %d, the return to %d", r.Period, sum, r.exact))
	}
	slices.SortFunc(ids, func(a, b int64) int { return strings.Compare(codes[a], codes[b]) })
	d := &ledger.Draft{Date: date, Description: text, Reference: "VAT-" + r.Period}
	add := func(account string, v int64, what string) {
		if v == 0 {
			return
		}
		l := ledger.DraftLine{Account: account, Debit: v > 0, Currency: r.Currency, AmountMinor: v, Description: what}
		if v < 0 {
			l.AmountMinor = -v
		}
		d.Lines = append(d.Lines, l)
	}
	for _, id := range ids {
		add(codes[id], settled.Accounts[id], "VAT of "+r.Period+" to the settlement account")
	}
	add(settlement, -r.total, "VAT return "+r.Period)
	add(rounding, -(r.exact - r.total), "Rounding of the VAT return "+r.Period)
	if len(d.Lines) == 0 {
		return nil, nil
	}
	return d, nil
}

// FileInput is what filing a return (or a supplementary return) may say:
// the settlement and rounding accounts (defaults 1750 and 4900) and, for
// a supplementary return, the date of its settlement entry (default today).
type FileInput struct {
	SettlementAccount *string `json:"settlement_account"`
	RoundingAccount   *string `json:"rounding_account"`
	Date              *string `json:"date"`
}

// Accounts are the account codes a filing posts to.
func (in *FileInput) Accounts() (settlement, rounding string) {
	settlement, rounding = DefaultSettlementAccount, DefaultRoundingAccount
	if in.SettlementAccount != nil && strings.TrimSpace(*in.SettlementAccount) != "" {
		settlement = strings.TrimSpace(*in.SettlementAccount)
	}
	if in.RoundingAccount != nil && strings.TrimSpace(*in.RoundingAccount) != "" {
		rounding = strings.TrimSpace(*in.RoundingAccount)
	}
	return
}

// CheckAccounts finds the filing's accounts in the chart: unknown or
// archived is a 422 at the field.
func CheckAccounts(chart []*ledger.Account, fields map[string]string) (map[string]*ledger.Account, error) {
	byCode := map[string]*ledger.Account{}
	for _, a := range chart {
		byCode[a.Code] = a
	}
	var p ledger.Problems
	out := map[string]*ledger.Account{}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, field := range keys {
		code := fields[field]
		a := byCode[code]
		switch {
		case a == nil:
			p.Add(field, ledger.ReasonAccountNotFound, "account %q does not exist in this entity", code)
		case a.Archived():
			p.Add(field, ledger.ReasonAccountArchived, "account %s is archived", code)
		default:
			out[field] = a
		}
	}
	return out, p.Err()
}

// CheckFilingTypes checks the kinds of a filing's accounts: the
// settlement account is what is owed to or reclaimed from the tax office
// (a liability or an asset account), the rounding account takes the
// rounding difference as a cost or an income (an expense or a revenue
// account); anything else is a 422 account_type_invalid at the field.
func CheckFilingTypes(settlement, rounding *ledger.Account) error {
	var p ledger.Problems
	if t := settlement.Type; t != ledger.Liability && t != ledger.Asset {
		p.Add("settlement_account", ledger.ReasonAccountTypeInvalid, "account %s is a %s account; the settlement account is a liability or asset account", settlement.Code, t)
	}
	if t := rounding.Type; t != ledger.Expense && t != ledger.Revenue {
		p.Add("rounding_account", ledger.ReasonAccountTypeInvalid, "account %s is a %s account; the rounding account is an expense or revenue account", rounding.Code, t)
	}
	return p.Err()
}

// ---- box 1d adjustments --------------------------------------------------

// AdjustmentInput is a box 1d adjustment as the API takes it.
type AdjustmentInput struct {
	Period     *string `json:"period"`
	Base       *string `json:"base"`
	VAT        *string `json:"vat"`
	Reason     *string `json:"reason"`
	Account    *string `json:"account"`     // debited with the VAT (private use: the owner's drawings)
	VATAccount *string `json:"vat_account"` // credited with the VAT (default 1700)
}

// Adjustment is a box 1d adjustment: private use or another correction of
// a period's VAT, with its reason and the entry that posted it.
type Adjustment struct {
	ID         int64       `json:"id"`
	Period     string      `json:"period"`
	From       ledger.Date `json:"from"`
	To         ledger.Date `json:"to"`
	Base       Amount      `json:"base"`
	VAT        Amount      `json:"vat"`
	Reason     string      `json:"reason"`
	Account    string      `json:"account"`
	VATAccount string      `json:"vat_account"`
	EntryID    int64       `json:"entry_id"`
	CreatedBy  int64       `json:"created_by"`
	CreatedAt  time.Time   `json:"created_at"`
}

// ParseAdjustment checks an adjustment: a period of the entity's setting,
// base and VAT as signed decimal amounts (VAT not nil), a reason, and the
// accounts' codes (the store resolves them).
func ParseAdjustment(ent *ledger.Entity, in *AdjustmentInput) (*Adjustment, Period, error) {
	var p ledger.Problems
	exp, _ := money.Exponent(ent.Currency)
	a := &Adjustment{Base: Amount{Exp: exp}, VAT: Amount{Exp: exp}, VATAccount: DefaultVATAccount}
	var per Period
	if in.Period == nil || strings.TrimSpace(*in.Period) == "" {
		p.Add("period", ledger.ReasonFieldRequired, "period is required, such as %q", PeriodOf(ent.VATPeriod, ent.Today()).String())
	} else if v, err := ParsePeriod(*in.Period, ent.VATPeriod, "period"); err != nil {
		p = append(p, ledger.As(err).Fields...)
	} else {
		per = v
		a.Period, a.From, a.To = v.String(), v.From, v.To
	}
	signed(&p, "base", in.Base, exp, false, &a.Base.Minor)
	signed(&p, "vat", in.VAT, exp, true, &a.VAT.Minor)
	p.Text("reason", in.Reason, &a.Reason, 500, true, true)
	p.Text("account", in.Account, &a.Account, 50, true, true)
	if in.VATAccount != nil {
		p.Text("vat_account", in.VATAccount, &a.VATAccount, 50, true, true)
	}
	return a, per, p.Err()
}

// signed reads a signed decimal amount ("-12.50") into minor units.
func signed(p *ledger.Problems, path string, v *string, exp int, nonZero bool, dst *int64) {
	if v == nil || strings.TrimSpace(*v) == "" {
		p.Add(path, ledger.ReasonFieldRequired, "%s is required: a decimal amount such as \"100.00\" (negative to correct downwards)", path)
		return
	}
	s := strings.TrimSpace(*v)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	if s == "" || s[0] < '0' || s[0] > '9' {
		// "-", "--1", "-+1", "- 1", ".5", "x": a decimal amount starts with a digit.
		p.Add(path, ledger.ReasonAmountInvalid, "%s %s is not a decimal amount such as \"100.00\" or \"-12.50\"", path, quote.Value(*v))
		return
	}
	if strings.Trim(s, "0.") == "" && strings.Count(s, ".") <= 1 && s != "." && !strings.HasPrefix(s, ".") {
		if nonZero {
			p.Add(path, ledger.ReasonAmountInvalid, "%s must not be zero", path)
		}
		return
	}
	m, err := money.ParseAmount(s, exp)
	if err != nil {
		reason, msg := ledger.ReasonAmountInvalid, err.Error()
		if e, ok := err.(*money.AmountError); ok {
			reason, msg = ledger.Reason(e.Reason), e.Message
		}
		p.Add(path, reason, "%s: %s", path, msg)
		return
	}
	if neg {
		m = -m
	}
	*dst = m
}

// Draft is the adjustment's entry: on the period's last day, the VAT
// debited to the account and credited to the VAT account (the other way
// round for a negative VAT).
func (a *Adjustment) Draft(currency string) *ledger.Draft {
	v := a.VAT.Minor
	abs := v
	if abs < 0 {
		abs = -abs
	}
	text := "Box 1d " + a.Period + ": " + a.Reason
	if r := []rune(text); len(r) > 200 {
		text = string(r[:200]) // cut by characters, never inside one
	}
	return &ledger.Draft{Date: a.To, Description: text, Reference: "VAT-1D-" + a.Period, Lines: []ledger.DraftLine{
		{Account: a.Account, Debit: v > 0, Currency: currency, AmountMinor: abs, Description: "VAT on private use / correction"},
		{Account: a.VATAccount, Debit: v < 0, Currency: currency, AmountMinor: abs, Description: "VAT box 1d " + a.Period},
	}}
}

// ---- the store -----------------------------------------------------------

// Store keeps returns and adjustments.
type Store interface {
	// Return computes the return of a period (open), or reads it as filed
	// with the current difference. Errors: invalid (period, KOR).
	Return(ctx context.Context, ent *ledger.Entity, period string) (*Return, error)
	// Returns lists the filed returns and supplementary returns by id.
	Returns(ctx context.Context, ent *ledger.Entity, after int64, limit int) ([]*Filing, error)
	// File files the return of a period: figures frozen, settlement entry
	// posted. Errors: invalid (period, KOR, accounts, period_locked),
	// conflict (vat_return_filed, vat_return_out_of_order).
	File(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, period string, in *FileInput) (*Return, error)
	// Supplementary files a supplementary return for a filed period.
	// Errors: invalid, conflict (vat_return_not_filed, vat_return_no_difference).
	Supplementary(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, period string, in *FileInput) (*Return, error)
	// Adjustments lists the box 1d adjustments by id.
	Adjustments(ctx context.Context, ent *ledger.Entity, after int64, limit int) ([]*Adjustment, error)
	// AddAdjustment records and posts a box 1d adjustment.
	AddAdjustment(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, in *AdjustmentInput) (*Adjustment, error)
	// DeleteAdjustment reverses its entry and deletes it. Errors:
	// not_found, conflict (vat_adjustment_filed).
	DeleteAdjustment(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64) error
}

// RefuseKOR is the answer for an entity under the small-business scheme.
func RefuseKOR(ent *ledger.Entity) error {
	if ent.VATScheme == ledger.VATSmallBusiness {
		return ledger.Errorf(ledger.CodeInvalid, ledger.ReasonVATReturnKOR,
			"%s is under the small-business scheme (KOR, art. 25 Wet OB): it charges no VAT, deducts none and files no VAT return", ent.Name)
	}
	return nil
}
