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
// summary, then the outstanding statement lines and ledger lines. One sign
// convention throughout, stated in the summary: every amount has its sign
// on the bank account (positive money in, negative money out), so the
// totals under the tables are the summary's figures as they stand. The
// summary adds up from the bank's balance to the books': less the
// statement lines the books lack, plus the ledger lines the bank lacks;
// the difference, bank less books, is the first total less the second.
func ReconciliationTable(r *Reconciliation, entity, lang string) *reports.Table {
	exp, _ := money.Exponent(r.Account.Currency)
	f := func(v int64) string { return money.Format(v, exp) }
	header := r.Account.IBAN + " · " + tr(lang, "grootboekrekening ", "ledger account ") + r.Account.AccountCode
	if r.Account.Name != "" {
		header = r.Account.Name + " · " + header
	}
	t := &reports.Table{Report: "bank_reconciliation", Title: tr(lang, "Bankafstemming", "Bank reconciliation"),
		Entity: entity, Period: reports.AsOfText(r.AsOf, lang), Language: lang, Currency: r.Account.Currency,
		Header: []string{header}}
	summaryCols := []reports.Column{{Key: "item", Title: tr(lang, "Omschrijving", "Item"), Width: 4}, {Key: "amount", Title: tr(lang, "Bedrag", "Amount"), Kind: reports.Money, Width: 1}}
	t.Sections = append(t.Sections, reports.Section{Title: tr(lang, "Samenvatting", "Summary"), Columns: summaryCols, Rows: []reports.Row{
		{Cells: []string{tr(lang, "Saldo volgens bankafschrift", "Balance per bank statement"), f(r.StatementBalance)}},
		{Cells: []string{tr(lang, "Af: niet afgestemde bankregels, nog niet in de administratie (totaal hieronder)",
			"Less: unreconciled statement lines, not yet in the books (total below)"), f(r.StatementOutstanding)}},
		{Cells: []string{tr(lang, "Bij: niet afgestemde boekingen, nog niet op het bankafschrift (totaal hieronder)",
			"Plus: unreconciled ledger lines, not yet on the statement (total below)"), f(r.LedgerOutstanding)}},
		{Cells: []string{tr(lang, "Saldo volgens administratie", "Balance per books"), f(r.LedgerBalance)}, Style: reports.Subtotal},
		{Cells: []string{tr(lang, "Verschil bank min administratie", "Difference, bank less books"), f(r.Difference)}, Style: reports.Total},
		{Cells: []string{tr(lang, "Onverklaard verschil", "Unexplained difference"), f(r.Unexplained)}, Style: reports.Total},
	}})
	rows := &t.Sections[0].Rows
	if r.Unexplained != 0 {
		// Where it comes from: the books before the first statement.
		*rows = append(*rows,
			reports.Row{Cells: []string{tr(lang, "Beginsaldo eerste bankafschrift", "Opening balance of the first statement") + " (" + reports.DateText(r.Start, lang) + ")", f(r.OpeningBalance)}},
			reports.Row{Cells: []string{tr(lang, "Niet afgestemde boekingen daarvoor", "Unreconciled ledger lines before it"), f(r.BooksBeforeStart)}})
	}
	*rows = append(*rows, reports.Row{Style: reports.Note, Cells: []string{tr(lang,
		"Alle bedragen staan met hun teken op de bankrekening: positief is ontvangen, negatief is betaald. "+
			"De totalen onder de tabellen hieronder staan met hetzelfde teken in deze samenvatting; het verschil is het eerste totaal min het tweede.",
		"Every amount has its sign on the bank account: positive is money in, negative is money out. "+
			"The totals under the tables below appear in this summary with the same sign; the difference is the first total less the second.")}})
	lineCols := []reports.Column{
		{Key: "date", Title: tr(lang, "Datum", "Date"), Kind: reports.Date, Width: 1.2},
		{Key: "reference", Title: tr(lang, "Referentie", "Reference"), Width: 1.8},
		{Key: "description", Title: tr(lang, "Omschrijving", "Description"), Width: 4},
		{Key: "amount", Title: tr(lang, "Bedrag", "Amount"), Kind: reports.Money, Width: 1.3},
	}
	asOf := reports.DateText(r.AsOf, lang)
	st := reports.Section{Title: tr(lang, "Niet afgestemde bankregels", "Unreconciled statement lines"), Columns: lineCols,
		Empty: tr(lang, "Geen: alle bankregels tot en met "+asOf+" zijn afgestemd.", "None: every statement line up to "+asOf+" is reconciled.")}
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
	ld := reports.Section{Title: tr(lang, "Niet afgestemde boekingen", "Unreconciled ledger lines"), Columns: lineCols,
		Empty: tr(lang, "Geen: alle boekingen tot en met "+asOf+" zijn afgestemd.", "None: every ledger line up to "+asOf+" is reconciled.")}
	for _, l := range r.UnreconciledLedger {
		ld.Rows = append(ld.Rows, reports.Row{Cells: []string{l.Date.String(), l.Reference, l.Description, f(l.AmountMinor)}})
	}
	ld.Rows = append(ld.Rows, reports.Row{Cells: []string{"", "", tr(lang, "Totaal", "Total"), f(r.LedgerOutstanding)}, Style: reports.Total})
	t.Sections = append(t.Sections, st, ld)
	return t
}
