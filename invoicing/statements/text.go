package statements

import (
	"fmt"
	"strconv"
	"strings"

	"backoffice/ledger"
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

// addressLines writes a party's name and postal address as lines.
func addressLines(name string, a ledger.Address, vat string, lang string) []string {
	out := []string{name}
	for _, l := range a.Lines {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	if pc := strings.TrimSpace(a.Postcode + "  " + a.City); pc != "" {
		out = append(out, pc)
	}
	if a.Country != "" {
		out = append(out, a.Country)
	}
	if vat != "" {
		out = append(out, tr(lang, "Btw-nummer ", "VAT number ")+vat)
	}
	return out
}

var monthsEN = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// shortDate writes a date inside a text as the PDFs write date cells:
// "10-03-2026", "10 Mar 2026".
func shortDate(d ledger.Date, lang string) string {
	if lang == Dutch {
		return fmt.Sprintf("%02d-%02d-%04d", d.Day(), int(d.Month()), d.Year())
	}
	return strconv.Itoa(d.Day()) + " " + monthsEN[d.Month()-1] + " " + strconv.Itoa(d.Year())
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
