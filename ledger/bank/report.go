package bank

import (
	"backoffice/ledger/money"
	"backoffice/ledger/reports"
)

func tr(lang, nl, en string) string {
	if lang == "nl" {
		return nl
	}
	return en
}

// ReconciliationTable lays the reconciliation out for CSV and PDF: the
// summary, then the outstanding statement lines and ledger lines. The
// summary adds up from the bank's balance to the books': the statement
// lines the books lack are taken off (with their sign turned), the ledger
// lines the bank lacks are added.
func ReconciliationTable(r *Reconciliation, entity, lang string) *reports.Table {
	exp, _ := money.Exponent(r.Account.Currency)
	f := func(v int64) string { return money.Format(v, exp) }
	t := &reports.Table{Report: "bank_reconciliation", Title: tr(lang, "Bankafstemming", "Bank reconciliation") + " " + r.Account.Name,
		Entity: entity, Period: reports.AsOfText(r.AsOf, lang), Language: lang, Currency: r.Account.Currency,
		Header: []string{r.Account.IBAN + " - " + tr(lang, "grootboekrekening ", "ledger account ") + r.Account.AccountCode}}
	summaryCols := []reports.Column{{Key: "item", Title: tr(lang, "Omschrijving", "Item"), Width: 4}, {Key: "amount", Title: tr(lang, "Bedrag", "Amount"), Kind: reports.Money, Width: 1}}
	t.Sections = append(t.Sections, reports.Section{Title: tr(lang, "Samenvatting", "Summary"), Columns: summaryCols, Rows: []reports.Row{
		{Cells: []string{tr(lang, "Saldo volgens bankafschrift", "Balance per bank statement"), f(r.StatementBalance)}},
		{Cells: []string{tr(lang, "Correctie: bankregels niet in de administratie", "Adjustment: statement lines not in the books"), f(-r.StatementOutstanding)}},
		{Cells: []string{tr(lang, "Correctie: boekingen niet op het bankafschrift", "Adjustment: ledger lines not on the statement"), f(r.LedgerOutstanding)}},
		{Cells: []string{tr(lang, "Saldo volgens administratie", "Balance per books"), f(r.LedgerBalance)}, Style: reports.Subtotal},
		{Cells: []string{tr(lang, "Verschil bank - administratie", "Difference bank - books"), f(r.Difference)}, Style: reports.Total},
		{Cells: []string{tr(lang, "Onverklaard verschil", "Unexplained difference"), f(r.Unexplained)}, Style: reports.Total},
	}})
	if r.Unexplained != 0 {
		// Where it comes from: the books before the first statement.
		rows := &t.Sections[0].Rows
		*rows = append(*rows,
			reports.Row{Cells: []string{tr(lang, "Beginsaldo eerste bankafschrift", "Opening balance of the first statement") + " (" + r.Start.String() + ")", f(r.OpeningBalance)}},
			reports.Row{Cells: []string{tr(lang, "Niet afgestemde boekingen daarvoor", "Unreconciled ledger lines before it"), f(r.BooksBeforeStart)}})
	}
	lineCols := []reports.Column{
		{Key: "date", Title: tr(lang, "Datum", "Date"), Kind: reports.Date, Width: 1.2},
		{Key: "reference", Title: tr(lang, "Referentie", "Reference"), Width: 1.8},
		{Key: "description", Title: tr(lang, "Omschrijving", "Description"), Width: 4},
		{Key: "amount", Title: tr(lang, "Bedrag", "Amount"), Kind: reports.Money, Width: 1.3},
	}
	st := reports.Section{Title: tr(lang, "Niet afgestemde bankregels", "Unreconciled statement lines"), Columns: lineCols}
	for _, l := range r.UnreconciledStatement {
		desc := l.Counterparty
		if l.Remittance != "" {
			if desc != "" {
				desc += ": "
			}
			desc += l.Remittance
		}
		st.Rows = append(st.Rows, reports.Row{Cells: []string{l.BookingDate.String(), l.BankRef, desc, f(l.AmountMinor)}})
	}
	st.Rows = append(st.Rows, reports.Row{Cells: []string{"", "", tr(lang, "Totaal", "Total"), f(r.StatementOutstanding)}, Style: reports.Total})
	ld := reports.Section{Title: tr(lang, "Niet afgestemde boekingen", "Unreconciled ledger lines"), Columns: lineCols}
	for _, l := range r.UnreconciledLedger {
		ld.Rows = append(ld.Rows, reports.Row{Cells: []string{l.Date.String(), l.Reference, l.Description, f(l.AmountMinor)}})
	}
	ld.Rows = append(ld.Rows, reports.Row{Cells: []string{"", "", tr(lang, "Totaal", "Total"), f(r.LedgerOutstanding)}, Style: reports.Total})
	t.Sections = append(t.Sections, st, ld)
	return t
}
