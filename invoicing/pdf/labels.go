package pdf

import (
	"strconv"
	"strings"
)

// labels are the fixed texts of a document in one language.
type labels struct {
	lang string

	invoice, creditNote             string
	invoiceNumber, creditNoteNumber string
	invoiceDate, creditNoteDate     string
	creditNoteFor                   string // followed by the invoice number
	void                            string // stamped after the title of a voided invoice
	supplyDate, dueDate             string
	paymentTerms                    string
	days                            func(n int) string
	paymentReference                string
	buyerReference                  string
	billTo                          string
	customer                        string // heads the customer on a credit note
	vatNumber, registrationID       string

	description, quantity, price, discount, vat, amount string

	vatRate, taxableAmount, vatAmount string

	noLines, noVAT              string // an empty line table, an empty VAT breakdown
	subtotal, vatTotal, total   string
	paid, credited, amountDue   string // settlement rows below the total
	exchangeRate, vatFunctional string // vatFunctional is followed by the currency code

	payment, settlement     string // headings: an invoice's payment, a credit note's settlement
	payRequest              func(amount, due, iban, holder, ref string, rest bool) string
	settledSoFar            func(paid, credited, open string) string
	settledInFull           func(date, paid, credited string) string
	voidNoPayment           string
	creditStatus            func(settled, open, date string) string
	iban, accountHolder     string
	notes                   string
	page                    func(n, of string) string
	continued               string
	reverseChargeLabel      string
	intraEULabel            string
	exemptLabel             string
	reverseChargeNote       string
	intraEUNote, exemptNote string

	// A credit note's reference to the invoice it corrects, and how it is
	// settled.
	creditedOf     func(date string) string
	creditedSupply string
	appliedTo      func(number, amount string) string
	refunded       func(amount string) string

	units     map[string]string
	countries map[string]string
}

var english = labels{
	lang:             "en",
	invoice:          "Invoice",
	creditNote:       "Credit note",
	invoiceNumber:    "Invoice number",
	creditNoteNumber: "Credit note number",
	invoiceDate:      "Invoice date",
	creditNoteDate:   "Credit note date",
	creditNoteFor:    "Credit note for invoice",
	creditedOf:       func(date string) string { return "of " + date },
	creditedSupply:   "Original date of supply",
	appliedTo:        func(number, amount string) string { return amount + " is set off against invoice " + number + "." },
	refunded:         func(amount string) string { return amount + " is refunded to you." },
	void:             "VOID",
	supplyDate:       "Date of supply",
	dueDate:          "Due date",
	paymentTerms:     "Payment terms",
	days: func(n int) string {
		if n == 1 {
			return "1 day"
		}
		return strconv.Itoa(n) + " days"
	},
	paymentReference: "Payment reference",
	buyerReference:   "Your reference",
	billTo:           "Bill to",
	customer:         "Customer",
	vatNumber:        "VAT number",
	registrationID:   "Chamber of Commerce no.",

	description: "Description",
	quantity:    "Quantity",
	price:       "Unit price",
	discount:    "Discount",
	vat:         "VAT",
	amount:      "Amount",

	vatRate:       "VAT rate",
	taxableAmount: "Taxable amount",
	vatAmount:     "VAT amount",

	noLines:       "No lines",
	noVAT:         "No VAT",
	subtotal:      "Subtotal",
	vatTotal:      "VAT",
	total:         "Total",
	paid:          "Paid",
	credited:      "Credited",
	amountDue:     "Amount due",
	exchangeRate:  "Exchange rate",
	vatFunctional: "VAT in",

	payment:    "Payment",
	settlement: "Settlement",
	payRequest: func(amount, due, iban, holder, ref string, rest bool) string {
		s := "Please pay " + amount
		if rest {
			s = "Please pay the remaining " + amount
		}
		if due != "" {
			s += " by " + due
		}
		if iban != "" {
			s += " to IBAN " + iban
			if holder != "" {
				s += " in the name of " + holder
			}
		}
		if ref != "" {
			s += ", quoting payment reference " + ref
		}
		return s + "."
	},
	settledSoFar: func(paid, credited, open string) string {
		s := "Of this invoice "
		switch {
		case paid != "" && credited != "":
			s += paid + " has been paid and " + credited + " credited"
		case paid != "":
			s += paid + " has been paid"
		default:
			s += credited + " has been credited"
		}
		return s + "; " + open + " is still open."
	},
	settledInFull: func(date, paid, credited string) string {
		on := ""
		if date != "" {
			on = " on " + date
		}
		switch {
		case paid != "" && credited != "":
			return "This invoice was settled in full" + on + ": " + paid + " paid and " + credited + " credited. Nothing remains to be paid."
		case credited != "":
			return "This invoice was credited in full" + on + ". Nothing remains to be paid."
		}
		return "This invoice was paid in full" + on + ". Nothing remains to be paid."
	},
	voidNoPayment: "This invoice has been voided: nothing is to be paid.",
	creditStatus: func(settled, open, date string) string {
		switch {
		case settled == "":
			return "Nothing is to be paid: " + open + " is in your favour, to be refunded or set off against another invoice."
		case open == "" && date != "":
			return "This credit note was settled in full on " + date + ". Nothing is to be paid."
		case open == "":
			return "This credit note was settled in full. Nothing is to be paid."
		}
		return "Of this credit note " + settled + " has been settled; " + open +
			" is still in your favour, to be refunded or set off against another invoice. Nothing is to be paid."
	},
	iban:          "IBAN",
	accountHolder: "Account holder",
	notes:         "Notes",
	page:          func(n, of string) string { return "Page " + n + " of " + of },
	continued:     "continued",

	reverseChargeLabel: "Reverse charge",
	intraEULabel:       "Intra-EU supply",
	exemptLabel:        "Exempt",
	reverseChargeNote:  "VAT reverse charged: the customer is liable for the VAT (Article 196 Directive 2006/112/EC)",
	intraEUNote:        "Intra-Community supply exempt from VAT (Article 138 Directive 2006/112/EC)",
	exemptNote:         "Exempt from VAT (Article 132/135 Directive 2006/112/EC)",

	units: map[string]string{},
	countries: map[string]string{
		"AT": "Austria", "BE": "Belgium", "BG": "Bulgaria", "CY": "Cyprus",
		"CZ": "Czechia", "DE": "Germany", "DK": "Denmark", "EE": "Estonia",
		"ES": "Spain", "FI": "Finland", "FR": "France", "GR": "Greece",
		"EL": "Greece", "HR": "Croatia", "HU": "Hungary", "IE": "Ireland",
		"IT": "Italy", "LT": "Lithuania", "LU": "Luxembourg", "LV": "Latvia",
		"MT": "Malta", "NL": "Netherlands", "PL": "Poland", "PT": "Portugal",
		"RO": "Romania", "SE": "Sweden", "SI": "Slovenia", "SK": "Slovakia",
		"GB": "United Kingdom", "XI": "Northern Ireland", "CH": "Switzerland",
		"NO": "Norway", "IS": "Iceland", "LI": "Liechtenstein",
		"US": "United States", "CA": "Canada", "AU": "Australia",
	},
}

var dutch = labels{
	lang:             "nl",
	invoice:          "Factuur",
	creditNote:       "Creditnota",
	invoiceNumber:    "Factuurnummer",
	creditNoteNumber: "Creditnotanummer",
	invoiceDate:      "Factuurdatum",
	creditNoteDate:   "Creditnotadatum",
	creditNoteFor:    "Creditnota bij factuur",
	creditedOf:       func(date string) string { return "van " + date },
	creditedSupply:   "Oorspronkelijke leveringsdatum",
	appliedTo:        func(number, amount string) string { return amount + " is verrekend met factuur " + number + "." },
	refunded:         func(amount string) string { return amount + " wordt aan u terugbetaald." },
	void:             "VERVALLEN",
	supplyDate:       "Leveringsdatum",
	dueDate:          "Vervaldatum",
	paymentTerms:     "Betalingstermijn",
	days: func(n int) string {
		if n == 1 {
			return "1 dag"
		}
		return strconv.Itoa(n) + " dagen"
	},
	paymentReference: "Betalingskenmerk",
	buyerReference:   "Uw referentie",
	billTo:           "Factuur aan",
	customer:         "Klant",
	vatNumber:        "BTW-nummer",
	registrationID:   "KvK-nummer",

	description: "Omschrijving",
	quantity:    "Aantal",
	price:       "Prijs",
	discount:    "Korting",
	vat:         "BTW",
	amount:      "Bedrag",

	vatRate:       "BTW-tarief",
	taxableAmount: "Grondslag",
	vatAmount:     "BTW-bedrag",

	noLines:       "Geen regels",
	noVAT:         "Geen BTW",
	subtotal:      "Subtotaal",
	vatTotal:      "BTW",
	total:         "Totaal",
	paid:          "Betaald",
	credited:      "Gecrediteerd",
	amountDue:     "Openstaand",
	exchangeRate:  "Wisselkoers",
	vatFunctional: "BTW in",

	payment:    "Betaling",
	settlement: "Verrekening",
	payRequest: func(amount, due, iban, holder, ref string, rest bool) string {
		s := "Wij verzoeken u " + amount
		if rest {
			s = "Wij verzoeken u het resterende bedrag van " + amount
		}
		if due != "" {
			s += " vóór " + due
		}
		s += " over te maken"
		if iban != "" {
			s += " op IBAN " + iban
			if holder != "" {
				s += " ten name van " + holder
			}
		}
		if ref != "" {
			s += " onder vermelding van betalingskenmerk " + ref
		}
		return s + "."
	},
	settledSoFar: func(paid, credited, open string) string {
		s := "Van deze factuur is "
		switch {
		case paid != "" && credited != "":
			s += paid + " betaald en " + credited + " gecrediteerd"
		case paid != "":
			s += paid + " betaald"
		default:
			s += credited + " gecrediteerd"
		}
		return s + "; " + open + " staat nog open."
	},
	settledInFull: func(date, paid, credited string) string {
		s := "Deze factuur is "
		if date != "" {
			s += "op " + date + " "
		}
		switch {
		case paid != "" && credited != "":
			return s + "volledig voldaan: " + paid + " betaald en " + credited + " gecrediteerd. Er staat niets meer open."
		case credited != "":
			return s + "volledig gecrediteerd. Er staat niets meer open."
		}
		return s + "volledig betaald. Er staat niets meer open."
	},
	voidNoPayment: "Deze factuur is vervallen: u hoeft niets te betalen.",
	creditStatus: func(settled, open, date string) string {
		switch {
		case settled == "":
			return "U hoeft niets te betalen: " + open + " staat in uw voordeel en wordt terugbetaald of verrekend met een andere factuur."
		case open == "" && date != "":
			return "Deze creditnota is op " + date + " volledig verrekend. U hoeft niets te betalen."
		case open == "":
			return "Deze creditnota is volledig verrekend. U hoeft niets te betalen."
		}
		return "Van deze creditnota is " + settled + " verrekend; " + open +
			" staat nog in uw voordeel en wordt terugbetaald of verrekend met een andere factuur. U hoeft niets te betalen."
	},
	iban:          "IBAN",
	accountHolder: "Ten name van",
	notes:         "Opmerkingen",
	page:          func(n, of string) string { return "Pagina " + n + " van " + of },
	continued:     "vervolg",

	reverseChargeLabel: "BTW verlegd",
	intraEULabel:       "Intracommunautair",
	exemptLabel:        "Vrijgesteld",
	reverseChargeNote:  "BTW verlegd naar de afnemer (artikel 196 Richtlijn 2006/112/EG)",
	intraEUNote:        "Intracommunautaire levering, vrijgesteld van BTW (artikel 138 Richtlijn 2006/112/EG)",
	exemptNote:         "Vrijgesteld van BTW (artikel 132/135 Richtlijn 2006/112/EG)",

	units: map[string]string{
		"pcs": "st.", "pc": "st.", "piece": "st.", "pieces": "st.",
		"h": "uur", "hr": "uur", "hrs": "uur", "hour": "uur", "hours": "uur",
		"day": "dag", "days": "dagen", "month": "maand", "months": "maanden",
	},
	countries: map[string]string{
		"AT": "Oostenrijk", "BE": "België", "BG": "Bulgarije", "CY": "Cyprus",
		"CZ": "Tsjechië", "DE": "Duitsland", "DK": "Denemarken", "EE": "Estland",
		"ES": "Spanje", "FI": "Finland", "FR": "Frankrijk", "GR": "Griekenland",
		"EL": "Griekenland", "HR": "Kroatië", "HU": "Hongarije", "IE": "Ierland",
		"IT": "Italië", "LT": "Litouwen", "LU": "Luxemburg", "LV": "Letland",
		"MT": "Malta", "NL": "Nederland", "PL": "Polen", "PT": "Portugal",
		"RO": "Roemenië", "SE": "Zweden", "SI": "Slovenië", "SK": "Slowakije",
		"GB": "Verenigd Koninkrijk", "XI": "Noord-Ierland", "CH": "Zwitserland",
		"NO": "Noorwegen", "IS": "IJsland", "LI": "Liechtenstein",
		"US": "Verenigde Staten", "CA": "Canada", "AU": "Australië",
	},
}

func labelsFor(language string) *labels {
	if isDutch(language) {
		return &dutch
	}
	return &english
}

// country writes an ISO 3166-1 alpha-2 code as the country's name; unknown
// codes are printed as given.
func (l *labels) country(code string) string {
	c := strings.ToUpper(strings.TrimSpace(code))
	if name, ok := l.countries[c]; ok {
		return name
	}
	return oneLine(code)
}

// address is a party's address as the documents print it, one item a
// line: the address lines (at most six, blank ones left out), postcode
// and city, the country by name and the VAT number.
func (l *labels) address(lines []string, postcode, city, country, vatNumber string) []string {
	var src []string
	for _, a := range lines[:min(len(lines), 6)] {
		if s := oneLine(a); s != "" {
			src = append(src, s)
		}
	}
	if pc := strings.TrimSpace(oneLine(postcode) + " " + oneLine(city)); pc != "" {
		src = append(src, pc)
	}
	if c := l.country(country); c != "" {
		src = append(src, c)
	}
	if v := oneLine(vatNumber); v != "" {
		src = append(src, l.vatNumber+" "+v)
	}
	return src
}

// unit writes a line's unit in the language ("pcs" is "st." in Dutch).
func (l *labels) unit(u string) string {
	u = oneLine(u)
	if t, ok := l.units[strings.ToLower(u)]; ok {
		return t
	}
	return u
}

// kindLabel is how the VAT breakdown names a special tax kind; "" for the
// ordinary kinds, which are named by their rate.
func (l *labels) kindLabel(kind string) string {
	switch kind {
	case "reverse_charge":
		return l.reverseChargeLabel
	case "intra_eu":
		return l.intraEULabel
	case "exempt":
		return l.exemptLabel
	case "intra_eu_services":
		return l.reverseChargeLabel
	case "intra_eu_triangular":
		return map[bool]string{true: "ABC-levering", false: "Triangulation"}[l.lang == "nl"]
	case "export":
		return map[bool]string{true: "Uitvoer", false: "Export"}[l.lang == "nl"]
	case "non_eu_services":
		return map[bool]string{true: "Niet belast in NL", false: "Not taxed in NL"}[l.lang == "nl"]
	case "distance_sales":
		return map[bool]string{true: "Afstandsverkoop", false: "Distance sale"}[l.lang == "nl"]
	}
	return ""
}

// kindNote is the legal mention a special tax kind requires.
func (l *labels) kindNote(kind string) string {
	switch kind {
	case "reverse_charge":
		return l.reverseChargeNote
	case "intra_eu":
		return l.intraEUNote
	case "exempt":
		return l.exemptNote
	}
	return ""
}
