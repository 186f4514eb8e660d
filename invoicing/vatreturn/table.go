package vatreturn

import (
	"fmt"
	"strings"

	"backoffice/ledger/reports"
)

func tr(lang, nl, en string) string {
	if lang == "nl" {
		return nl
	}
	return en
}

func label(b Box, lang string) string { return tr(lang, b.NL, b.EN) }

// text is an amount in running text: a decimal comma in Dutch.
func text(a Amount, lang string) string {
	if lang == "nl" {
		return strings.Replace(a.String(), ".", ",", 1)
	}
	return a.String()
}

// Table is the return in the form's layout for the renderers: the five
// sections with each box's turnover and VAT as entered (whole euros) and
// as the books have them, the balance, then the corrections it takes in
// and those that need a supplementary return.
func (r *Return) Table(lang string) *reports.Table {
	if lang != "nl" {
		lang = "en"
	}
	cols := []reports.Column{
		{Key: "box", Title: tr(lang, "Rubriek", "Box"), Kind: reports.Text, Width: 1},
		{Key: "description", Title: tr(lang, "Omschrijving", "Description"), Kind: reports.Text, Width: 6},
		{Key: "turnover", Title: tr(lang, "Omzet", "Turnover"), Kind: reports.Money, Width: 1.8},
		{Key: "vat", Title: tr(lang, "Btw", "VAT"), Kind: reports.Money, Width: 1.8},
		{Key: "turnover_exact", Title: tr(lang, "Omzet (exact)", "Turnover (exact)"), Kind: reports.Money, Width: 1.8},
		{Key: "vat_exact", Title: tr(lang, "Btw (exact)", "VAT (exact)"), Kind: reports.Money, Width: 1.8},
	}
	cell := func(a *Amount) string {
		if a == nil {
			return ""
		}
		return a.String()
	}
	var sections []reports.Section
	var sec *reports.Section
	cur := 0
	for _, l := range r.Lines {
		if l.Section != cur {
			cur = l.Section
			t := sectionTitles[cur]
			sections = append(sections, reports.Section{Title: fmt.Sprintf("%d %s", cur, tr(lang, t[0], t[1])), Columns: cols})
			sec = &sections[len(sections)-1]
		}
		desc := l.Label
		if b, ok := boxOf(l.Box); ok {
			desc = label(b, lang)
		} else {
			switch l.Box {
			case "5a":
				desc = tr(lang, "Verschuldigde omzetbelasting (rubrieken 1a t/m 4b)", "VAT due (boxes 1a to 4b)")
			case "5c":
				desc = tr(lang, "Subtotaal (rubriek 5a min 5b)", "Subtotal (box 5a less 5b)")
			}
		}
		style := reports.Line
		if l.Box == "5a" || l.Box == "5c" {
			style = reports.Subtotal
		}
		sec.Rows = append(sec.Rows, reports.Row{Style: style, Cells: []string{l.Box, desc, cell(l.Turnover), cell(l.VAT), cell(l.TurnoverExact), cell(l.VATExact)}})
	}
	if sec != nil {
		total := tr(lang, "Totaal te betalen", "Total to pay")
		if r.Result == "reclaim" {
			total = tr(lang, "Totaal terug te vragen", "Total to reclaim")
		}
		t := r.Total
		if t.Minor < 0 {
			t.Minor = -t.Minor
		}
		exact := Amount{Minor: r.Total.Minor + r.Rounding.Minor, Exp: r.Total.Exp}
		if r.Result == "reclaim" {
			exact.Minor = -exact.Minor
		}
		sec.Rows = append(sec.Rows,
			reports.Row{Style: reports.Total, Cells: []string{"", total, "", t.String(), "", exact.String()}},
			reports.Row{Style: reports.Note, Cells: []string{"", tr(lang, "Afronding in uw voordeel: ", "Rounding in the taxpayer's favour: ") + text(r.Rounding, lang)}})
	}
	if len(r.Corrections) > 0 {
		s := reports.Section{Title: tr(lang, "Correcties van eerdere tijdvakken (in de rubrieken hierboven verwerkt)",
			"Corrections of earlier periods (included in the boxes above)"), Columns: correctionColumns(lang)}
		for _, c := range r.Corrections {
			s.Rows = append(s.Rows, correctionRows(c, lang)...)
		}
		sections = append(sections, s)
	}
	for _, y := range r.SupplementaryRequired {
		s := reports.Section{Title: fmt.Sprintf(tr(lang, "Suppletie vereist: correcties %d samen %s btw (meer dan %d euro)",
			"Supplementary return required: corrections of %d come to %s VAT (more than %d euros)"), y.Year, text(y.VAT, lang), CorrectionLimitEuros),
			Columns: correctionColumns(lang)}
		for _, c := range y.Corrections {
			s.Rows = append(s.Rows, correctionRows(c, lang)...)
		}
		s.Rows = append(s.Rows, reports.Row{Style: reports.Note, Cells: []string{"", fmt.Sprintf(tr(lang,
			"Binnen %d weken na ontdekking indienen, uiterlijk tot en met %d.", "File within %d weeks of discovery, at the latest in %d."),
			SupplementaryWeeks, y.LastYear)}})
		sections = append(sections, s)
	}
	if r.Difference != nil {
		s := reports.Section{Title: tr(lang, "Verschil tussen aangifte en administratie", "Difference between the return as filed and the books"),
			Columns: correctionColumns(lang)}
		s.Rows = correctionRows(*r.Difference, lang)
		sections = append(sections, s)
	}
	title := tr(lang, "Aangifte omzetbelasting", "VAT return")
	var header []string
	if r.VATTaxNumber != "" {
		header = append(header, tr(lang, "Omzetbelastingnummer: ", "VAT tax number: ")+r.VATTaxNumber)
	}
	header = append(header, tr(lang, "Tijdvak: ", "Period: ")+r.Period)
	if r.Filing != nil {
		header = append(header, fmt.Sprintf(tr(lang, "Ingediend op %s", "Filed on %s"), r.Filing.FiledAt.Format("2006-01-02 15:04 UTC")))
	} else {
		header = append(header, tr(lang, "Concept: nog niet ingediend", "Draft: not filed yet"))
	}
	return &reports.Table{Report: "vat_return", Title: title, Entity: r.Entity, Period: reports.PeriodText(r.From, r.To, lang),
		Language: lang, Currency: r.Currency, Header: header, Sections: sections}
}

func correctionColumns(lang string) []reports.Column {
	return []reports.Column{
		{Key: "period", Title: tr(lang, "Tijdvak", "Period"), Kind: reports.Text, Width: 1.4},
		{Key: "box", Title: tr(lang, "Rubriek", "Box"), Kind: reports.Text, Width: 1},
		{Key: "description", Title: tr(lang, "Omschrijving", "Description"), Kind: reports.Text, Width: 6},
		{Key: "turnover", Title: tr(lang, "Omzet", "Turnover"), Kind: reports.Money, Width: 1.8},
		{Key: "vat", Title: tr(lang, "Btw", "VAT"), Kind: reports.Money, Width: 1.8},
	}
}

func correctionRows(c Correction, lang string) []reports.Row {
	var rows []reports.Row
	for _, b := range c.Boxes {
		bx, _ := boxOf(b.Box)
		rows = append(rows, reports.Row{Cells: []string{c.Period, b.Box, label(bx, lang), b.Turnover.String(), b.VAT.String()}})
	}
	rows = append(rows, reports.Row{Style: reports.Subtotal, Cells: []string{c.Period, "", tr(lang, "Btw-effect (5a min 5b)", "VAT effect (5a less 5b)"), "", c.VAT.String()}})
	return rows
}
