package statements

import (
	"strings"

	"backoffice/ledger/reports"
)

// Languages the reports are written in; anything else reads as English.
const (
	Dutch   = "nl"
	English = "en"
)

// Language is lang when the reports speak it, else English.
func Language(lang string) string {
	if lang == Dutch {
		return Dutch
	}
	return English
}

// tr picks the Dutch or the English text.
func tr(lang, nl, en string) string {
	if lang == Dutch {
		return nl
	}
	return en
}

// agingColumns are the columns of the buckets and their total.
func agingColumns(lang string) []reports.Column {
	return []reports.Column{
		{Key: "not_due", Title: tr(lang, "Lopend", "Current"), Kind: reports.Money, Width: 1.6},
		{Key: "days_1_30", Title: tr(lang, "1-30 dagen", "1-30 days"), Kind: reports.Money, Width: 1.6},
		{Key: "days_31_60", Title: tr(lang, "31-60 dagen", "31-60 days"), Kind: reports.Money, Width: 1.6},
		{Key: "days_61_90", Title: tr(lang, "61-90 dagen", "61-90 days"), Kind: reports.Money, Width: 1.6},
		{Key: "over_90", Title: tr(lang, "> 90 dagen", "> 90 days"), Kind: reports.Money, Width: 1.6},
		{Key: "unallocated", Title: tr(lang, "Tegoed", "Credit"), Kind: reports.Money, Width: 1.6},
		{Key: "total", Title: tr(lang, "Totaal", "Total"), Kind: reports.Money, Width: 1.8},
	}
}

// kindName is an item's kind as the reader says it.
func kindName(kind, lang string) string {
	switch kind {
	case KindInvoice:
		return tr(lang, "Factuur", "Invoice")
	case KindCreditNote:
		return tr(lang, "Creditnota", "Credit note")
	case KindPayment:
		return tr(lang, "Betaling", "Payment")
	case KindRefund:
		return tr(lang, "Terugbetaling", "Refund")
	}
	return kind
}

// party is a party as a report's first page prints it, under label.
func party(label string, p *Party) *reports.Party {
	var lines []string
	for _, l := range p.Address.Lines {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return &reports.Party{Label: label, Name: p.Name, Lines: lines, Postcode: p.Address.Postcode, City: p.Address.City,
		Country: p.Address.Country, VATNumber: p.VATNumber}
}

// textAmount writes an amount inside a text with the language's
// separators, as the PDFs write money cells: "-1.234,56", "-1,234.56".
func textAmount(a Amount, lang string) string {
	plain := a.String()
	sign := ""
	if strings.HasPrefix(plain, "-") {
		sign, plain = "-", plain[1:]
	}
	whole, frac, _ := strings.Cut(plain, ".")
	thousands, point := ",", "."
	if lang == Dutch {
		thousands, point = ".", ","
	}
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(thousands)
		}
		b.WriteRune(r)
	}
	if frac != "" {
		return sign + b.String() + point + frac
	}
	return sign + b.String()
}
