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
	billTo                          string
	vatNumber, registrationID       string

	description, quantity, price, discount, vat, amount string

	vatRate, taxableAmount, vatAmount string

	subtotal, vatTotal, total   string
	exchangeRate, vatFunctional string // vatFunctional is followed by the currency code

	payment                 string
	payRequest              func(total, due, iban, holder, ref string) string
	iban, accountHolder     string
	notes                   string
	page                    func(n, of string) string
	continued               string
	reverseChargeLabel      string
	intraEULabel            string
	exemptLabel             string
	reverseChargeNote       string
	intraEUNote, exemptNote string

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
	billTo:           "Bill to",
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

	subtotal:      "Subtotal",
	vatTotal:      "VAT",
	total:         "Total",
	exchangeRate:  "Exchange rate",
	vatFunctional: "VAT in",

	payment: "Payment",
	payRequest: func(total, due, iban, holder, ref string) string {
		s := "Please pay " + total
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
	billTo:           "Factuur aan",
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

	subtotal:      "Subtotaal",
	vatTotal:      "BTW",
	total:         "Totaal",
	exchangeRate:  "Wisselkoers",
	vatFunctional: "BTW in",

	payment: "Betaling",
	payRequest: func(total, due, iban, holder, ref string) string {
		s := "Wij verzoeken u " + total
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
	exemptNote:         "Vrijgesteld van BTW",

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
