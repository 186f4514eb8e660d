package statements

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"backoffice/invoicing"
	"backoffice/ledger"
	"backoffice/ledger/reports"
)

// The payables reports: aged payables, supplier statements, the open
// purchase invoices and the purchase journal. They are the receivables
// reports seen from the other side and run on the same machinery: the
// purchases store reads its documents, supplier payments and allocations
// into an invoicing.Activity in which
//
//   - a supplier is a Customer (id, name, address, language);
//   - a booked purchase invoice or supplier credit note is an issued
//     Invoice dated its VAT date (the date of its entry), a reversed one
//     a void Invoice whose VoidedOn is the date of its reversal entry;
//   - a payment made to a supplier is a Payment "received" (it settles
//     what is owed), a refund the supplier paid back a "refund";
//   - an allocation's owed side (a purchase invoice, or a refund) is its
//     debit side, what settles it (a payment made, a credit note) its
//     credit side.
//
// So amounts are signed as the entity's debt to the supplier: what it owes
// is positive, what it is owed (unallocated payments, credit notes)
// negative, and the open items of a date add up to the payables account's
// credit balance on that date.

// Payables is what a payables report reads: the activity, and each
// purchase document's supplier invoice number (by document id).
type Payables struct {
	Activity        *invoicing.Activity
	SupplierNumbers map[int64]string
}

// JournalDoc is one booked (or reversed) purchase document for the
// purchase journal, in its own currency.
type JournalDoc struct {
	ID             int64
	Kind           string // invoice, credit_note
	Number         string
	VATDate        ledger.Date
	SupplierID     int64
	SupplierName   string
	SupplierNumber string
	Currency       string
	NetMinor       int64
	VATMinor       int64
	TotalMinor     int64
	Reversed       bool
	VAT            []JournalVAT // per tax code, in the order the document uses them
}

// JournalVAT is a purchase document's net and VAT of one tax code: the
// box of the VAT return its turnover feeds (reverse charge), the VAT
// booked and the part of it deducted as input VAT.
type JournalVAT struct {
	TaxCode         string
	Box             string
	ReverseCharge   bool
	NetMinor        int64
	VATMinor        int64
	DeductibleMinor int64
}

// PayablesStore is what the payables reports read (purchases' store).
type PayablesStore interface {
	// PayablesSnapshot runs fn with the store bound to one read-only
	// snapshot.
	PayablesSnapshot(ctx context.Context, fn func(st PayablesStore) error) error
	// PayablesBalance is the code of the payables account (the entity's
	// purchase settings) and its credit balance on asOf (0 when the
	// account is not in the chart).
	PayablesBalance(ctx context.Context, ent *ledger.Entity, asOf ledger.Date) (string, int64, error)
	// PayablesActivity holds at least what may be open on asOf.
	PayablesActivity(ctx context.Context, ent *ledger.Entity, asOf ledger.Date) (*Payables, error)
	// SupplierActivity holds all of one supplier's up to to (not_found
	// for a supplier outside the entity).
	SupplierActivity(ctx context.Context, ent *ledger.Entity, supplierID int64, to ledger.Date) (*Payables, error)
	// PurchaseJournal lists the purchase documents booked from..to (by
	// VAT date) in number order, reversed ones included.
	PurchaseJournal(ctx context.Context, ent *ledger.Entity, from, to ledger.Date) ([]JournalDoc, error)
}

// AgedPayables is what the entity owes its suppliers on a date, in the
// buckets of the aged receivables, in the functional currency.
type AgedPayables struct {
	Entity         string         `json:"entity"`
	AsOf           ledger.Date    `json:"as_of"`
	Currency       string         `json:"currency"`
	PayableAccount string         `json:"payable_account"`
	Suppliers      []AgedSupplier `json:"suppliers"`
	Total          Aging          `json:"total"`
	// LedgerBalance is the payables account's credit balance on AsOf;
	// Difference is LedgerBalance less Total.
	LedgerBalance Amount `json:"ledger_balance"`
	Difference    Amount `json:"difference"`
	Detail        bool   `json:"-"`

	aged *AgedReceivables
}

// AgedSupplier is one supplier's part: the buckets and the open items.
type AgedSupplier struct {
	SupplierID int64  `json:"supplier_id"`
	Name       string `json:"name"`
	Aging
	Items []OpenItem `json:"items"`
}

// AgedPayablesReport reads and builds the aged payables on asOf.
func AgedPayablesReport(ctx context.Context, st PayablesStore, ent *ledger.Entity, asOf ledger.Date) (*AgedPayables, error) {
	var out *AgedPayables
	err := st.PayablesSnapshot(ctx, func(st PayablesStore) error {
		account, balance, err := st.PayablesBalance(ctx, ent, asOf)
		if err != nil {
			return err
		}
		p, err := st.PayablesActivity(ctx, ent, asOf)
		if err != nil {
			return err
		}
		out, err = BuildAgedPayables(ent, account, balance, p.Activity, asOf)
		return err
	})
	return out, err
}

// BuildAgedPayables builds the aged payables from activity mapped as the
// package comment says; balance is the payables account's credit balance.
func BuildAgedPayables(ent *ledger.Entity, payable string, balance int64, act *invoicing.Activity, asOf ledger.Date) (*AgedPayables, error) {
	r, err := BuildAged(ent, payable, balance, act, asOf)
	if err != nil {
		return nil, err
	}
	out := &AgedPayables{Entity: r.Entity, AsOf: r.AsOf, Currency: r.Currency, PayableAccount: payable, Suppliers: []AgedSupplier{},
		Total: r.Total, LedgerBalance: r.LedgerBalance, Difference: r.Difference, aged: r}
	for _, c := range r.Customers {
		items := make([]OpenItem, len(c.Items))
		for i, it := range c.Items {
			items[i] = it.forSupplier()
		}
		out.Suppliers = append(out.Suppliers, AgedSupplier{SupplierID: c.CustomerID, Name: c.Name, Aging: c.Aging, Items: items})
	}
	return out, nil
}

// forSupplier is an open item of the payables: its party is a supplier.
func (it OpenItem) forSupplier() OpenItem {
	it.SupplierID, it.CustomerID = it.CustomerID, 0
	return it
}

// Table is the aged payables for the renderers: the aged receivables'
// table with the supplier's words.
func (r *AgedPayables) Table(lang string) *reports.Table {
	r.aged.Detail = r.Detail
	lang = Language(lang)
	return r.aged.table(lang, agedWords{report: "aged_payables", title: tr(lang, "Ouderdomsanalyse crediteuren", "Aged payables"),
		key: "supplier", party: tr(lang, "Crediteur", "Supplier")})
}

// SupplierStatementReport reads and builds one supplier's statement: what
// the entity owes the supplier, in the supplier's (or lang's) language.
func SupplierStatementReport(ctx context.Context, st PayablesStore, ent *ledger.Entity, supplierID int64, from, to ledger.Date, currency, lang string) (*Statement, error) {
	var p *Payables
	err := st.PayablesSnapshot(ctx, func(st PayablesStore) error {
		var err error
		p, err = st.SupplierActivity(ctx, ent, supplierID, to)
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(p.Activity.Customers) != 1 {
		return nil, ledger.NotFound("supplier")
	}
	return BuildStatement(&StatementInput{Entity: ent, Customer: p.Activity.Customers[0], From: from, To: to, Currency: currency,
		Language: lang, Activity: p.Activity, Payables: true})
}

// OpenPurchaseInvoices lists the booked purchase documents open on a date
// (credit notes not yet allocated count negative), by due date.
type OpenPurchaseInvoices struct {
	Entity   string             `json:"entity"`
	AsOf     ledger.Date        `json:"as_of"`
	Currency string             `json:"currency"`
	Items    []OpenPurchaseItem `json:"items"`
	Total    Amount             `json:"total"` // of FunctionalOpen
	Overdue  Amount             `json:"overdue"`
}

// OpenPurchaseItem is one open purchase document.
type OpenPurchaseItem struct {
	ID                    int64        `json:"id"`
	Kind                  string       `json:"kind"`
	Number                string       `json:"number"`
	SupplierID            int64        `json:"supplier_id"`
	SupplierName          string       `json:"supplier_name"`
	SupplierInvoiceNumber string       `json:"supplier_invoice_number"`
	Date                  ledger.Date  `json:"date"`
	DueDate               *ledger.Date `json:"due_date"`
	DaysOverdue           int          `json:"days_overdue"` // 0 when not yet due
	Currency              string       `json:"currency"`
	Open                  Amount       `json:"open"`
	FunctionalOpen        Amount       `json:"functional_open"`
}

// OpenPurchaseInvoicesReport reads and builds the open purchase documents.
func OpenPurchaseInvoicesReport(ctx context.Context, st PayablesStore, ent *ledger.Entity, asOf ledger.Date) (*OpenPurchaseInvoices, error) {
	var p *Payables
	err := st.PayablesSnapshot(ctx, func(st PayablesStore) error {
		var err error
		p, err = st.PayablesActivity(ctx, ent, asOf)
		return err
	})
	if err != nil {
		return nil, err
	}
	return BuildOpenPurchaseInvoices(ent, p, asOf)
}

// BuildOpenPurchaseInvoices builds the list from the open items of asOf.
func BuildOpenPurchaseInvoices(ent *ledger.Entity, p *Payables, asOf ledger.Date) (*OpenPurchaseInvoices, error) {
	exp := exponent(ent.Currency)
	b := newBook(p.Activity)
	items, ok := b.openItems(asOf, "", 0, exp)
	if !ok {
		return nil, overflow()
	}
	var s sums
	out := &OpenPurchaseInvoices{Entity: ent.Name, AsOf: asOf, Currency: ent.Currency, Items: []OpenPurchaseItem{},
		Total: Amount{0, exp}, Overdue: Amount{0, exp}}
	for _, it := range items {
		if it.Kind != KindInvoice && it.Kind != KindCreditNote {
			continue
		}
		name := ""
		if c := b.customers[it.CustomerID]; c != nil {
			name = c.Name
		}
		o := OpenPurchaseItem{ID: it.ID, Kind: it.Kind, Number: it.Number, SupplierID: it.CustomerID, SupplierName: name,
			SupplierInvoiceNumber: p.SupplierNumbers[it.ID], Date: it.Date, Currency: it.Currency, Open: it.Open, FunctionalOpen: it.FunctionalOpen}
		if it.Kind == KindInvoice {
			o.DueDate = it.DueDate
			o.DaysOverdue = max(it.DaysPastDue, 0)
			if it.DaysPastDue > 0 {
				s.add(&out.Overdue.Minor, it.FunctionalOpen.Minor)
			}
		}
		s.add(&out.Total.Minor, it.FunctionalOpen.Minor)
		out.Items = append(out.Items, o)
	}
	if s.over {
		return nil, overflow()
	}
	slices.SortStableFunc(out.Items, func(x, y OpenPurchaseItem) int {
		dx, dy := x.Date, y.Date
		if x.DueDate != nil {
			dx = *x.DueDate
		}
		if y.DueDate != nil {
			dy = *y.DueDate
		}
		if c := dx.Compare(dy); c != 0 {
			return c
		}
		return cmpInt(x.ID, y.ID)
	})
	return out, nil
}

// Table is the list for the renderers.
func (r *OpenPurchaseInvoices) Table(lang string) *reports.Table {
	lang = Language(lang)
	sec := reports.Section{Columns: []reports.Column{
		{Key: "number", Title: tr(lang, "Nummer", "Number"), Kind: reports.Text, Width: 2.4},
		{Key: "supplier", Title: tr(lang, "Crediteur", "Supplier"), Kind: reports.Text, Width: 3.6},
		{Key: "supplier_invoice_number", Title: tr(lang, "Factuurnr. leverancier", "Supplier's number"), Kind: reports.Text, Width: 2.6},
		{Key: "date", Title: tr(lang, "Datum", "Date"), Kind: reports.Date, Width: 1.8},
		{Key: "due_date", Title: tr(lang, "Vervaldatum", "Due date"), Kind: reports.Date, Width: 1.8},
		{Key: "days_overdue", Title: tr(lang, "Dagen te laat", "Days overdue"), Kind: reports.Number, Width: 1.4},
		{Key: "open", Title: tr(lang, "Open", "Open"), Kind: reports.Money, Width: 2.2},
	}}
	sec.Empty = tr(lang, "Er staat per "+reports.DateText(r.AsOf, lang)+" niets open.", "Nothing is open as of "+reports.DateText(r.AsOf, lang)+".")
	for _, it := range r.Items {
		due, late := "", ""
		if it.DueDate != nil {
			due = it.DueDate.String()
		}
		if it.DaysOverdue > 0 {
			late = strconv.Itoa(it.DaysOverdue)
		}
		number := itemRef(it.Number, it.ID)
		if it.Currency != r.Currency {
			number += " (" + it.Currency + " " + textAmount(it.Open, lang) + ")"
		}
		sec.Rows = append(sec.Rows, reports.Row{Cells: []string{number, it.SupplierName, it.SupplierInvoiceNumber, it.Date.String(), due, late,
			it.FunctionalOpen.String()}})
	}
	sec.Rows = append(sec.Rows, reports.Row{Style: reports.Total, Cells: []string{tr(lang, "Totaal", "Total"), "", "", "", "", "", r.Total.String()}})
	sec.Rows = append(sec.Rows, reports.Row{Cells: []string{tr(lang, "Waarvan vervallen", "Of which overdue"), "", "", "", "", "", r.Overdue.String()}})
	return &reports.Table{Report: "open_purchase_invoices", Title: tr(lang, "Openstaande inkoopfacturen", "Open purchase invoices"), Entity: r.Entity,
		Period: reports.AsOfText(r.AsOf, lang), Language: lang, Currency: r.Currency, Sections: []reports.Section{sec}}
}

// PurchaseJournal is the purchase documents booked in a period by number
// (the inkoopboek), in each document's currency, with the net and VAT per
// tax code and their totals per currency and tax code. A reversed
// document stays in the journal of the period it was booked in, marked.
type PurchaseJournal struct {
	Entity    string                `json:"entity"`
	Currency  string                `json:"currency"` // the functional currency; documents in others say theirs
	From      ledger.Date           `json:"from"`
	To        ledger.Date           `json:"to"`
	Documents []PurchaseJournalLine `json:"documents"`
	Totals    []PurchaseJournalSum  `json:"totals"`
}

// PurchaseJournalLine is one document of the journal.
type PurchaseJournalLine struct {
	ID                    int64                `json:"id"`
	Kind                  string               `json:"kind"`
	Number                string               `json:"number"`
	VATDate               ledger.Date          `json:"vat_date"`
	SupplierID            int64                `json:"supplier_id"`
	SupplierName          string               `json:"supplier_name"`
	SupplierInvoiceNumber string               `json:"supplier_invoice_number"`
	Currency              string               `json:"currency"`
	Net                   Amount               `json:"net"`
	VAT                   Amount               `json:"vat"`
	Total                 Amount               `json:"total"`
	Reversed              bool                 `json:"reversed"`
	TaxCodes              []PurchaseJournalSum `json:"tax_codes"`
}

// PurchaseJournalSum is a net and VAT of one tax code (and currency): the
// VAT booked, the part of it deducted (input VAT, box 5b) and, for reverse
// charge, the box whose VAT the entity owes itself (so net plus VAT is not
// what the supplier is owed: reverse_charge says so). A credit note counts
// negative; a reversed document does not count in the totals.
type PurchaseJournalSum struct {
	Currency      string `json:"currency"`
	TaxCode       string `json:"tax_code"`
	Box           string `json:"box"`
	ReverseCharge bool   `json:"reverse_charge"`
	Net           Amount `json:"net"`
	VAT           Amount `json:"vat"`
	Deductible    Amount `json:"deductible_vat"`
}

// codeText is the tax code as the journal prints it: with the box its
// VAT is owed in when reverse charged ("P-eu-services, verlegd 4b").
func (t PurchaseJournalSum) codeText(lang string) string {
	if !t.ReverseCharge {
		return t.TaxCode
	}
	return t.TaxCode + tr(lang, ", verlegd ", ", reverse charged ") + t.Box
}

// PurchaseJournalReport reads and builds the journal of from..to.
func PurchaseJournalReport(ctx context.Context, st PayablesStore, ent *ledger.Entity, from, to ledger.Date) (*PurchaseJournal, error) {
	docs, err := st.PurchaseJournal(ctx, ent, from, to)
	if err != nil {
		return nil, err
	}
	return BuildPurchaseJournal(ent, from, to, docs)
}

// BuildPurchaseJournal builds the journal from its documents.
func BuildPurchaseJournal(ent *ledger.Entity, from, to ledger.Date, docs []JournalDoc) (*PurchaseJournal, error) {
	var s sums
	out := &PurchaseJournal{Entity: ent.Name, Currency: ent.Currency, From: from, To: to, Documents: []PurchaseJournalLine{}, Totals: []PurchaseJournalSum{}}
	totals := map[[2]string]*PurchaseJournalSum{}
	for _, d := range docs {
		exp := exponent(d.Currency)
		sign := int64(1)
		if d.Kind == KindCreditNote {
			sign = -1
		}
		l := PurchaseJournalLine{ID: d.ID, Kind: d.Kind, Number: d.Number, VATDate: d.VATDate, SupplierID: d.SupplierID,
			SupplierName: d.SupplierName, SupplierInvoiceNumber: d.SupplierNumber, Currency: d.Currency,
			Net: Amount{sign * d.NetMinor, exp}, VAT: Amount{sign * d.VATMinor, exp}, Total: Amount{sign * d.TotalMinor, exp},
			Reversed: d.Reversed, TaxCodes: []PurchaseJournalSum{}}
		for _, v := range d.VAT {
			l.TaxCodes = append(l.TaxCodes, PurchaseJournalSum{Currency: d.Currency, TaxCode: v.TaxCode, Box: v.Box, ReverseCharge: v.ReverseCharge,
				Net: Amount{sign * v.NetMinor, exp}, VAT: Amount{sign * v.VATMinor, exp}, Deductible: Amount{sign * v.DeductibleMinor, exp}})
			if d.Reversed {
				continue
			}
			k := [2]string{d.Currency, v.TaxCode}
			t := totals[k]
			if t == nil {
				t = &PurchaseJournalSum{Currency: d.Currency, TaxCode: v.TaxCode, Box: v.Box, ReverseCharge: v.ReverseCharge,
					Net: Amount{0, exp}, VAT: Amount{0, exp}, Deductible: Amount{0, exp}}
				totals[k] = t
			}
			s.add(&t.Net.Minor, sign*v.NetMinor)
			s.add(&t.VAT.Minor, sign*v.VATMinor)
			s.add(&t.Deductible.Minor, sign*v.DeductibleMinor)
		}
		out.Documents = append(out.Documents, l)
	}
	for _, t := range totals {
		out.Totals = append(out.Totals, *t)
	}
	slices.SortFunc(out.Totals, func(a, b PurchaseJournalSum) int {
		if c := strings.Compare(a.Currency, b.Currency); c != 0 {
			return c
		}
		return strings.Compare(a.TaxCode, b.TaxCode)
	})
	if s.over {
		return nil, overflow()
	}
	return out, nil
}

// Table is the journal for the renderers: a section of documents (one row
// per tax code under each) and one of the totals per tax code.
func (r *PurchaseJournal) Table(lang string) *reports.Table {
	lang = Language(lang)
	docs := reports.Section{Title: tr(lang, "Documenten", "Documents"), Columns: []reports.Column{
		{Key: "number", Title: tr(lang, "Nummer", "Number"), Kind: reports.Text, Width: 2.3},
		{Key: "vat_date", Title: tr(lang, "BTW-datum", "VAT date"), Kind: reports.Date, Width: 2.1},
		{Key: "supplier", Title: tr(lang, "Crediteur", "Supplier"), Kind: reports.Text, Width: 3},
		{Key: "supplier_invoice_number", Title: tr(lang, "Factuurnr. leverancier", "Supplier's number"), Kind: reports.Text, Width: 2.2},
		{Key: "tax_code", Title: tr(lang, "BTW-code", "Tax code"), Kind: reports.Text, Width: 2.8},
		{Key: "net", Title: tr(lang, "Netto", "Net"), Kind: reports.Money, Width: 2},
		{Key: "vat", Title: tr(lang, "BTW", "VAT"), Kind: reports.Money, Width: 1.8},
		{Key: "deductible_vat", Title: tr(lang, "Aftrekbaar", "Deductible"), Kind: reports.Money, Width: 2},
		{Key: "total", Title: tr(lang, "Totaal", "Total"), Kind: reports.Money, Width: 2},
	}}
	docs.Empty = tr(lang, "Geen inkoopdocumenten in deze periode.", "No purchase documents in this period.")
	for _, d := range r.Documents {
		number := d.Number
		if d.Reversed {
			number += tr(lang, " (teruggedraaid)", " (reversed)")
		}
		supplier := d.SupplierName
		if d.Currency != r.Currency {
			supplier += " (" + d.Currency + ")"
		}
		docs.Rows = append(docs.Rows, reports.Row{Cells: []string{number, d.VATDate.String(), supplier, d.SupplierInvoiceNumber, "",
			d.Net.String(), d.VAT.String(), "", d.Total.String()}, Style: reports.Heading})
		for _, v := range d.TaxCodes {
			docs.Rows = append(docs.Rows, reports.Row{Cells: []string{"", "", "", "", v.codeText(lang), v.Net.String(), v.VAT.String(),
				v.Deductible.String(), ""}, Level: 1})
		}
	}
	sums := reports.Section{Title: tr(lang, "Totalen per BTW-code (zonder teruggedraaide)", "Totals per tax code (reversed ones left out)"), Columns: []reports.Column{
		{Key: "currency", Title: tr(lang, "Valuta", "Currency"), Kind: reports.Text, Width: 1.6},
		{Key: "tax_code", Title: tr(lang, "BTW-code", "Tax code"), Kind: reports.Text, Width: 2},
		{Key: "net", Title: tr(lang, "Netto", "Net"), Kind: reports.Money, Width: 2.4},
		{Key: "vat", Title: tr(lang, "BTW", "VAT"), Kind: reports.Money, Width: 2.4},
		{Key: "deductible_vat", Title: tr(lang, "Aftrekbaar", "Deductible"), Kind: reports.Money, Width: 2.4},
	}}
	sums.Empty = tr(lang, "Geen.", "None.")
	for _, t := range r.Totals {
		sums.Rows = append(sums.Rows, reports.Row{Cells: []string{t.Currency, t.codeText(lang), t.Net.String(), t.VAT.String(), t.Deductible.String()}})
	}
	return &reports.Table{Report: "purchase_journal", Title: tr(lang, "Inkoopboek", "Purchase journal"), Entity: r.Entity,
		Period: reports.PeriodText(r.From, r.To, lang), Language: lang, Currency: r.Currency, Sections: []reports.Section{docs, sums}}
}
