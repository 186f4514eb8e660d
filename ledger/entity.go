package ledger

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"backoffice/ledger/money"
	"backoffice/ledger/vatid"
)

// EntityInput creates an entity (every field) or updates one (non-nil fields
// only). Currency and fiscal year start month are fixed at creation: changing
// them would re-value or re-number what is already posted.
type EntityInput struct {
	Name                 *string  `json:"name"`
	RegistrationID       *string  `json:"registration_id"`
	VATNumber            *string  `json:"vat_number"`
	Address              *Address `json:"address"`
	Currency             *string  `json:"currency"`
	TimeZone             *string  `json:"time_zone"`
	FiscalYearStartMonth *int     `json:"fiscal_year_start_month"`
	Locale               *string  `json:"locale"`
	ChartTemplate        *string  `json:"chart_template"`
	VATTaxNumber         *string  `json:"vat_tax_number"`
	VATScheme            *string  `json:"vat_scheme"`
	VATPeriod            *string  `json:"vat_period"`
	ElectronicAddress    *string  `json:"electronic_address"`
}

var (
	localePattern  = regexp.MustCompile(`^[a-z]{2}(-[A-Z]{2})?$`)
	countryPattern = regexp.MustCompile(`^[A-Z]{2}$`)
)

// Apply validates the input and writes it onto e. For a new entity
// (creating == true) name and currency are required and the rest default to
// Europe/Amsterdam, a January fiscal year and English.
func (in *EntityInput) Apply(e *Entity, creating bool) error {
	var p Problems
	text := func(path string, v *string, dst *string, max int, required bool) {
		p.Text(path, v, dst, max, required, creating)
	}
	text("name", in.Name, &e.Name, 200, true)
	text("registration_id", in.RegistrationID, &e.RegistrationID, 50, false)
	text("vat_number", in.VATNumber, &e.VATNumber, 30, false)
	if in.VATNumber != nil && e.VATNumber != "" {
		if n, err := vatid.Check(e.VATNumber); err != nil {
			p.Add("vat_number", ReasonVATNumberInvalid, "%v", err)
		} else {
			e.VATNumber = n
		}
	}
	if in.Address != nil {
		e.Address = CheckAddress(&p, "address", *in.Address)
	}
	if in.Currency != nil {
		switch {
		case !creating:
			p.Add("currency", ReasonFieldImmutable, "the functional currency is fixed when the entity is created")
		case !money.ValidCurrency(*in.Currency):
			p.Add("currency", ReasonCurrencyInvalid, "currency %q is not an ISO 4217 code", *in.Currency)
		default:
			e.Currency = *in.Currency
		}
	} else if creating {
		p.Add("currency", ReasonFieldRequired, "currency is required")
	}
	if in.FiscalYearStartMonth != nil {
		switch m := *in.FiscalYearStartMonth; {
		case !creating:
			p.Add("fiscal_year_start_month", ReasonFieldImmutable, "the fiscal year start month is fixed when the entity is created")
		case m < 1 || m > 12:
			p.Add("fiscal_year_start_month", ReasonMonthInvalid, "fiscal_year_start_month must be 1 to 12")
		default:
			e.FiscalYearStartMonth = m
		}
	} else if creating {
		e.FiscalYearStartMonth = 1
	}
	if in.TimeZone != nil {
		if _, err := time.LoadLocation(*in.TimeZone); err != nil || *in.TimeZone == "" || *in.TimeZone == "Local" {
			p.Add("time_zone", ReasonTimeZoneInvalid, "time_zone %q is not an IANA time zone such as \"Europe/Amsterdam\"", *in.TimeZone)
		} else {
			e.TimeZone = *in.TimeZone
		}
	} else if creating {
		e.TimeZone = "Europe/Amsterdam"
	}
	if in.Locale != nil {
		if !localePattern.MatchString(*in.Locale) {
			p.Add("locale", ReasonLocaleInvalid, "locale %q is not a language tag such as \"nl\" or \"en-GB\"", *in.Locale)
		} else {
			e.Locale = *in.Locale
		}
	} else if creating {
		e.Locale = "en"
	}
	if in.ChartTemplate != nil {
		if !creating {
			p.Add("chart_template", ReasonFieldImmutable, "a chart template is applied only when the entity is created")
		} else if _, ok := ChartTemplates[*in.ChartTemplate]; !ok {
			p.Add("chart_template", ReasonChartTemplateUnknown, "chart_template %q is unknown; use \"standard\"", *in.ChartTemplate)
		}
	}
	text("vat_tax_number", in.VATTaxNumber, &e.VATTaxNumber, 30, false)
	switch {
	case in.VATScheme != nil && *in.VATScheme != string(VATStandard) && *in.VATScheme != string(VATSmallBusiness):
		p.Add("vat_scheme", ReasonVATSchemeInvalid, "vat_scheme %q is not \"standard\" or \"kor\" (the small-business scheme)", *in.VATScheme)
	case in.VATScheme != nil:
		e.VATScheme = VATScheme(*in.VATScheme)
	case creating:
		e.VATScheme = VATStandard
	}
	switch {
	case in.VATPeriod != nil && !slices.Contains([]VATPeriod{VATMonthly, VATQuarterly, VATYearly}, VATPeriod(*in.VATPeriod)):
		p.Add("vat_period", ReasonVATPeriodInvalid, "vat_period %q is not \"month\", \"quarter\" or \"year\"", *in.VATPeriod)
	case in.VATPeriod != nil:
		e.VATPeriod = VATPeriod(*in.VATPeriod)
	case creating:
		e.VATPeriod = VATQuarterly
	}
	text("electronic_address", in.ElectronicAddress, &e.ElectronicAddress, 110, false)
	if in.ElectronicAddress != nil {
		e.ElectronicAddress = CheckElectronicAddress(&p, "electronic_address", e.ElectronicAddress)
	}
	if e.Address.Lines == nil {
		e.Address.Lines = []string{}
	}
	return p.Err()
}

// CheckAddress records what is wrong with a postal address under path and
// returns it with Lines never nil.
func CheckAddress(p *Problems, path string, a Address) Address {
	if len(a.Lines) > 4 {
		p.Add(path+".lines", ReasonFieldTooLong, "address has more than 4 lines")
	}
	for i, l := range a.Lines {
		switch {
		case utf8.RuneCountInString(l) > 200:
			p.Add(pathIndex(path+".lines", i), ReasonFieldTooLong, "address line is longer than 200 characters")
		case strings.ContainsAny(l, "\r\n"):
			p.Add(pathIndex(path+".lines", i), ReasonTextInvalid, "an address line is one line: give each line as its own string")
		}
	}
	if a.Country != "" && !countryPattern.MatchString(a.Country) {
		p.Add(path+".country", ReasonCountryInvalid, "country must be an ISO 3166-1 alpha-2 code such as \"NL\"")
	}
	if utf8.RuneCountInString(a.Postcode) > 20 || utf8.RuneCountInString(a.City) > 100 {
		p.Add(path, ReasonFieldTooLong, "postcode (20) or city (100) is too long")
	}
	if a.Lines == nil {
		a.Lines = []string{}
	}
	return a
}

// TemplateAccount is one account of a chart template: its name in English
// and in Dutch, and its code in the Dutch reference chart of accounts (RGS,
// version RGSVersion).
type TemplateAccount struct {
	Code    string
	Name    string
	Type    AccountType
	Parent  string
	NameNL  string
	RGSCode string
}

// RGSVersion is the version of the Referentiegrootboekschema the standard
// chart's RGS codes are taken from (RGS 3.8, definitive December 2025).
const RGSVersion = "3.8"

// LocalName is the account's name in a locale: Dutch for "nl" and its
// regional forms (nl-NL, nl-BE), English otherwise.
func (a TemplateAccount) LocalName(locale string) string {
	if DutchLocale(locale) && a.NameNL != "" {
		return a.NameNL
	}
	return a.Name
}

// DutchLocale reports whether a locale is Dutch ("nl", "nl-NL", "nl-BE").
func DutchLocale(locale string) bool { return locale == "nl" || strings.HasPrefix(locale, "nl-") }

// ChartTemplates are the charts a new entity can start with. "standard" is a
// small chart in the Dutch decimal style (1xxx balance sheet, 4xxx costs,
// 8xxx revenue) that every later module posts to by code. Every account
// carries its RGS code; where RGS has no account of its own (revaluation
// accounts), the code is that of the account it corrects.
var ChartTemplates = map[string][]TemplateAccount{
	"standard": {
		{"1000", "Bank", Asset, "", "Bank", "BLimBanRba"},
		{"1010", "Cash", Asset, "", "Kas", "BLimKasKas"},
		{"1020", "Revaluation of foreign currency bank balances", Asset, "", "Herwaardering banktegoeden in vreemde valuta", "BLimBanRba"},
		{"1100", "Accounts receivable", Asset, "", "Debiteuren", "BVorDebHad"},
		{"1110", "Revaluation of receivables", Asset, "", "Herwaardering debiteuren", "BVorDebHad"},
		{"1200", "VAT receivable", Asset, "", "Te vorderen btw (voorbelasting)", "BSchBepBtwVoo"},
		{"1300", "Prepaid expenses", Asset, "", "Vooruitbetaalde kosten", "BVorOva"},
		{"1500", "Fixed assets", Asset, "", "Vaste activa", "BMva"},
		{"1600", "Accounts payable", Liability, "", "Crediteuren", "BSchCreHac"},
		{"1610", "Revaluation of payables", Liability, "", "Herwaardering crediteuren", "BSchCreHac"},
		{"1700", "VAT payable", Liability, "", "Te betalen btw", "BSchBepBtw"},
		{"1750", "VAT settlement", Liability, "", "Btw-afdracht", "BSchBepBtwAfo"},
		{"1800", "Accrued liabilities", Liability, "", "Overlopende passiva", "BSchOpa"},
		{"2000", "Share capital", Equity, "", "Aandelenkapitaal", "BEivGok"},
		{"2100", "Retained earnings", Equity, "", "Overige reserves", "BEivOre"},
		{"4000", "Wages and salaries", Expense, "", "Lonen en salarissen", "WPerLes"},
		{"4100", "Rent", Expense, "", "Huur", "WBedHui"},
		{"4200", "Office expenses", Expense, "", "Kantoorkosten", "WBedKan"},
		{"4300", "Travel expenses", Expense, "", "Reiskosten", "WBedAlk"},
		{"4400", "Bank charges", Expense, "", "Bankkosten", "WFbe"},
		{"4500", "General expenses", Expense, "", "Algemene kosten", "WBedAlk"},
		{"4900", "Rounding differences", Expense, "", "Afrondingsverschillen", "WBedAdlBov"},
		{"7000", "Cost of sales", Expense, "", "Kostprijs van de omzet", "WKpr"},
		{"8000", "Revenue", Revenue, "", "Omzet", "WOmzNopOlh"},
		{"8100", "Revenue, reduced VAT rate", Revenue, "8000", "Omzet verlaagd btw-tarief", "WOmzNopOlv"},
		{"8200", "Revenue, zero-rated and VAT reverse charged", Revenue, "8000", "Omzet nultarief en btw verlegd", "WOmzNopOlg"},
		{"8250", "Revenue, exempt from VAT", Revenue, "8000", "Omzet vrijgesteld van btw", "WOmzNopNod"},
		{"8300", "Revenue, intra-EU supplies of goods", Revenue, "8000", "Omzet intracommunautaire leveringen", "WOmzNopOli"},
		{"8310", "Revenue, services to other EU countries", Revenue, "8000", "Omzet diensten naar andere EU-landen", "WOmzNodOdi"},
		{"8400", "Revenue, exports outside the EU", Revenue, "8000", "Omzet export buiten de EU", "WOmzNopOln"},
		{"8410", "Revenue, services outside the EU", Revenue, "8000", "Omzet diensten buiten de EU", "WOmzNodOdg"},
		{"8900", "Foreign exchange gains and losses", Revenue, "", "Koersverschillen", "WBedAdlVal"},
		{"8910", "Unrealised exchange results", Revenue, "", "Ongerealiseerde koersresultaten", "WBedAdlVal"},
	},
}
