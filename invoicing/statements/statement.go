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

// Statement is a customer's statement of account for a period, in one
// currency (documents in other currencies have statements of their own):
// the balance owed before the period, every invoice, credit note, payment,
// refund, allocation, void and removal in it in date order with a running
// balance, the balance at its end, and the aging of what is open at the
// end (not today).
//
// In the documents' own currency allocations move no money: they only say
// which payment settled which invoice, so their lines carry the amount in
// Allocated and leave the balance as it is. The closing balance therefore
// always equals the open items on To less the unallocated credit.
type Statement struct {
	Entity          Party           `json:"entity"`
	Customer        *Party          `json:"customer,omitempty"` // a customer's statement
	Supplier        *Party          `json:"supplier,omitempty"` // a supplier's: what the entity owes it (payables.go)
	From            ledger.Date     `json:"from"`
	To              ledger.Date     `json:"to"`
	Currency        string          `json:"currency"`
	Language        string          `json:"language"`
	OpeningBalance  Amount          `json:"opening_balance"`
	Lines           []StatementLine `json:"lines"`
	TotalDebit      Amount          `json:"total_debit"`
	TotalCredit     Amount          `json:"total_credit"`
	ClosingBalance  Amount          `json:"closing_balance"`
	OpenItems       []OpenItem      `json:"open_items"`
	Aging           Aging           `json:"aging"`
	OtherCurrencies []string        `json:"other_currencies"` // currencies of the customer's other statements
}

// Party is the entity or the customer as a statement prints it.
type Party struct {
	ID        int64          `json:"id"`
	Name      string         `json:"name"`
	Address   ledger.Address `json:"address"`
	VATNumber string         `json:"vat_number"`
	Language  string         `json:"-"`
}

// StatementLine is one event of a statement. Debit is what the customer
// came to owe (an invoice, a refund paid out, a payment reversed), Credit
// what the customer was credited; Balance is what the customer owes after
// the line.
type StatementLine struct {
	Date        ledger.Date  `json:"date"`
	Kind        string       `json:"kind"`
	ID          int64        `json:"id"` // the document's, payment's or allocation's id
	Number      string       `json:"number"`
	Description string       `json:"description"`
	DueDate     *ledger.Date `json:"due_date"`
	Debit       Amount       `json:"debit"`
	Credit      Amount       `json:"credit"`
	Allocated   Amount       `json:"allocated"`
	Balance     Amount       `json:"balance"`

	rank              int // order within a day
	fromKind, fromRef string
	ontoKind, ontoRef string
	payables          bool
}

// StatementInput is what a statement is made of.
type StatementInput struct {
	Entity   *ledger.Entity
	Customer *invoicing.Customer
	From, To ledger.Date
	Currency string // "": the customer's
	Language string // "": the customer's
	Activity *invoicing.Activity
	// Payables: Customer is a supplier and Activity purchases' (see
	// payables.go); the statement says what the entity owes it.
	Payables bool
}

// CustomerStatement reads and builds one customer's statement (not_found
// for a customer outside the entity).
func CustomerStatement(ctx context.Context, st Store, ent *ledger.Entity, customerID int64, from, to ledger.Date, currency, lang string) (*Statement, error) {
	var act *invoicing.Activity
	err := st.InvoicingSnapshot(ctx, func(st Store) error {
		var err error
		act, err = st.CustomerActivity(ctx, ent, customerID, to)
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(act.Customers) != 1 {
		return nil, ledger.NotFound("customer")
	}
	return BuildStatement(&StatementInput{Entity: ent, Customer: act.Customers[0], From: from, To: to, Currency: currency, Language: lang, Activity: act})
}

// BuildStatement builds a statement from the customer's activity up to
// To (anything later is left out).
func BuildStatement(in *StatementInput) (*Statement, error) {
	ent, c := in.Entity, in.Customer
	cur := in.Currency
	if cur == "" {
		cur = c.Currency
	}
	lang := in.Language
	if lang == "" {
		lang = c.Language
	}
	lang = Language(lang)
	exp := exponent(cur)
	zero := Amount{0, exp}
	st := &Statement{
		Entity: Party{ID: ent.ID, Name: ent.Name, Address: ent.Address, VATNumber: ent.VATNumber},
		From:   in.From, To: in.To, Currency: cur, Language: lang, Lines: []StatementLine{}, OtherCurrencies: []string{},
		OpeningBalance: zero, TotalDebit: zero, TotalCredit: zero, ClosingBalance: zero, Aging: newAging(exp),
	}
	pty := &Party{ID: c.ID, Name: c.Name, Address: c.Address, VATNumber: c.VATNumber, Language: c.Language}
	if in.Payables {
		st.Supplier = pty
	} else {
		st.Customer = pty
	}
	b := newBook(in.Activity)
	b.payables = in.Payables
	events := b.events(c.ID, cur, in.To, lang)
	var s sums
	for _, e := range events {
		if e.Date.Before(in.From) {
			s.add(&st.OpeningBalance.Minor, e.Debit.Minor)
			s.add(&st.OpeningBalance.Minor, -e.Credit.Minor)
		}
	}
	balance := st.OpeningBalance.Minor
	for _, e := range events {
		if e.Date.Before(in.From) {
			continue
		}
		s.add(&balance, e.Debit.Minor)
		s.add(&balance, -e.Credit.Minor)
		s.add(&st.TotalDebit.Minor, e.Debit.Minor)
		s.add(&st.TotalCredit.Minor, e.Credit.Minor)
		e.Balance = Amount{balance, exp}
		st.Lines = append(st.Lines, e)
	}
	st.ClosingBalance.Minor = balance
	items, ok := b.openItems(in.To, cur, c.ID, exponent(ent.Currency))
	if !ok {
		return nil, overflow()
	}
	if in.Payables {
		for i := range items {
			items[i] = items[i].forSupplier()
		}
	}
	st.OpenItems = items
	for _, it := range items {
		st.Aging.add(&s, it.Bucket, it.Open.Minor)
	}
	seen := map[string]bool{cur: true}
	other := func(currency string) {
		if !seen[currency] {
			seen[currency] = true
			st.OtherCurrencies = append(st.OtherCurrencies, currency)
		}
	}
	for _, d := range in.Activity.Documents {
		if d.CustomerID == c.ID && d.StoredStatus != invoicing.StatusDraft {
			other(d.Currency)
		}
	}
	for _, p := range in.Activity.Payments {
		if p.CustomerID == c.ID {
			other(p.Currency)
		}
	}
	slices.Sort(st.OtherCurrencies)
	if s.over {
		return nil, overflow()
	}
	return st, nil
}

// Empty reports a statement with nothing to say: no line, nothing owed
// before or after, nothing open.
func (st *Statement) Empty() bool {
	return len(st.Lines) == 0 && st.OpeningBalance.Minor == 0 && st.ClosingBalance.Minor == 0 && len(st.OpenItems) == 0
}

// Order of events on one day: documents, money, allocations, then what
// undoes them.
const (
	rankDocument = iota
	rankPayment
	rankAllocation
	rankAllocationRemoved
	rankPaymentRemoved
	rankVoid
)

// events lists a customer's events in currency up to day to, in date
// order, described in lang.
func (b *book) events(customer int64, currency string, to ledger.Date, lang string) []StatementLine {
	exp := exponent(currency)
	amt := func(v int64) Amount { return Amount{v, exp} }
	zero := amt(0)
	var out []StatementLine
	add := func(l StatementLine) {
		if l.Date.After(to) {
			return
		}
		l.payables = b.payables
		l.Description = l.describe(lang)
		out = append(out, l)
	}
	for _, d := range b.act.Documents {
		if d.CustomerID != customer || d.Currency != currency || d.StoredStatus == invoicing.StatusDraft || d.IssueDate == nil {
			continue
		}
		l := StatementLine{Date: *d.IssueDate, Kind: KindInvoice, ID: d.ID, Number: d.Number, DueDate: d.DueDate,
			Debit: amt(d.TotalMinor), Credit: zero, Allocated: zero, rank: rankDocument}
		void := l
		void.Kind, void.DueDate, void.Debit, void.Credit, void.rank = KindInvoiceVoided, nil, zero, amt(d.TotalMinor), rankVoid
		if d.Kind == invoicing.KindCreditNote {
			l.Kind, l.DueDate, l.Debit, l.Credit = KindCreditNote, nil, zero, amt(d.TotalMinor)
			void.Kind, void.Debit, void.Credit = KindCreditNoteVoided, amt(d.TotalMinor), zero
		}
		add(l)
		if on, ok := b.act.VoidedOn[d.ID]; ok && d.StoredStatus == invoicing.StatusVoid {
			void.Date = on
			add(void)
		}
	}
	for _, p := range b.act.Payments {
		if p.CustomerID != customer || p.Currency != currency {
			continue
		}
		l := StatementLine{Date: p.Date, Kind: KindPayment, ID: p.ID, Number: p.Reference, Debit: zero, Credit: amt(p.AmountMinor),
			Allocated: zero, rank: rankPayment}
		undo := l
		undo.Kind, undo.Debit, undo.Credit, undo.rank = KindPaymentRemoved, amt(p.AmountMinor), zero, rankPaymentRemoved
		if p.Direction == invoicing.DirectionRefund {
			l.Kind, l.Debit, l.Credit = KindRefund, amt(p.AmountMinor), zero
			undo.Kind, undo.Debit, undo.Credit = KindRefundRemoved, zero, amt(p.AmountMinor)
		}
		add(l)
		if on, ok := b.act.PaymentRemovedOn[p.ID]; ok && p.RemovedAt != nil {
			undo.Date = on
			add(undo)
		}
	}
	for _, a := range b.act.Allocations {
		if a.Currency != currency || !b.ownAllocation(a, customer) {
			continue
		}
		l := StatementLine{Date: a.Date, Kind: KindAllocation, ID: a.ID, Debit: zero, Credit: zero, Allocated: amt(a.AmountMinor), rank: rankAllocation}
		l.fromKind, l.fromRef = b.side(a.CreditInvoiceID, a.CreditPaymentID)
		l.ontoKind, l.ontoRef = b.side(a.DebitInvoiceID, a.DebitPaymentID)
		l.Number = l.fromRef // the credit applied; the text names what it settles
		add(l)
		if on, ok := b.act.AllocationRemovedOn[a.ID]; ok && a.RemovedAt != nil {
			undo := l
			undo.Kind, undo.rank = KindAllocationRemoved, rankAllocationRemoved
			if on.After(a.Date) { // else it never settled anything: both lines on its day
				undo.Date = on
			}
			add(undo)
		}
	}
	slices.SortStableFunc(out, func(x, y StatementLine) int {
		if c := x.Date.Compare(y.Date); c != 0 {
			return c
		}
		if x.rank != y.rank {
			return x.rank - y.rank
		}
		return cmpInt(x.ID, y.ID)
	})
	return out
}

// describe writes what a line is in lang. The number column names the
// document (or the payment's reference), so the text stays short enough
// for a printed column.
func (l *StatementLine) describe(lang string) string {
	switch l.Kind {
	case KindInvoice:
		return tr(lang, "Factuur", "Invoice")
	case KindCreditNote:
		return tr(lang, "Creditnota", "Credit note")
	case KindInvoiceVoided:
		return tr(lang, "Factuur geannuleerd", "Invoice voided")
	case KindCreditNoteVoided:
		return tr(lang, "Creditnota geannuleerd", "Credit note voided")
	case KindPayment:
		if l.payables {
			return tr(lang, "Betaling verricht", "Payment made")
		}
		return tr(lang, "Betaling ontvangen", "Payment received")
	case KindRefund:
		if l.payables {
			return tr(lang, "Terugbetaling ontvangen", "Refund received")
		}
		return tr(lang, "Terugbetaling", "Refund")
	case KindPaymentRemoved:
		return tr(lang, "Betaling teruggedraaid", "Payment reversed")
	case KindRefundRemoved:
		return tr(lang, "Terugbetaling teruggedraaid", "Refund reversed")
	}
	onto := l.ontoRef
	if l.ontoKind != KindInvoice {
		onto = strings.ToLower(kindName(l.ontoKind, lang)) + " " + onto
	}
	if l.Kind == KindAllocationRemoved {
		return tr(lang, "Verrekening met "+onto+" ongedaan", "Allocation to "+onto+" undone")
	}
	return tr(lang, "Verrekend met ", "Applied to ") + onto
}

// side is one side of an allocation as a reader names it: its kind and
// its number (a payment's reference, or its id).
func (b *book) side(doc, pay *int64) (kind, ref string) {
	if doc != nil {
		d := b.docs[*doc]
		if d == nil {
			return KindInvoice, "#" + strconv.FormatInt(*doc, 10)
		}
		if d.Kind == invoicing.KindCreditNote {
			return KindCreditNote, d.Number
		}
		return KindInvoice, d.Number
	}
	p := b.pays[*pay]
	if p == nil {
		return KindPayment, "#" + strconv.FormatInt(*pay, 10)
	}
	if p.Direction == invoicing.DirectionRefund {
		return KindRefund, itemRef(p.Reference, p.ID)
	}
	return KindPayment, itemRef(p.Reference, p.ID)
}

// ownAllocation reports an allocation of the customer's (both sides are
// always one customer's; the debit side says whose).
func (b *book) ownAllocation(a *invoicing.Allocation, customer int64) bool {
	if a.DebitInvoiceID != nil {
		d := b.docs[*a.DebitInvoiceID]
		return d != nil && d.CustomerID == customer
	}
	p := b.pays[*a.DebitPaymentID]
	return p != nil && p.CustomerID == customer
}

// Table is the statement for the renderers in lang ("": the statement's
// language): its header names the entity and the customer; its sections
// are the lines, the open items and their aging.
func (st *Statement) Table(lang string) *reports.Table {
	if lang == "" {
		lang = st.Language
	}
	lang = Language(lang)
	lines := reports.Section{Title: tr(lang, "Mutaties", "Transactions"), Columns: []reports.Column{
		// No due dates here (the open items have them): an A4 page
		// holds seven columns with room for the description.
		{Key: "date", Title: tr(lang, "Datum", "Date"), Kind: reports.Date, Width: 2.4},
		{Key: "number", Title: tr(lang, "Nummer", "Number"), Kind: reports.Text, Width: 2.7},
		{Key: "description", Title: tr(lang, "Omschrijving", "Description"), Kind: reports.Text, Width: 5.7},
		{Key: "debit", Title: tr(lang, "Debet", "Debit"), Kind: reports.Money, Width: 2},
		{Key: "credit", Title: tr(lang, "Credit", "Credit"), Kind: reports.Money, Width: 2},
		{Key: "allocated", Title: tr(lang, "Verrekend", "Allocated"), Kind: reports.Money, Width: 2},
		{Key: "balance", Title: tr(lang, "Saldo", "Balance"), Kind: reports.Money, Width: 2.1},
	}}
	lines.Rows = make([]reports.Row, 0, len(st.Lines)+2)
	lines.Rows = append(lines.Rows, reports.Row{Style: reports.Heading, Cells: []string{"", "",
		tr(lang, "Beginsaldo", "Opening balance"), "", "", "", st.OpeningBalance.String()}})
	for i := range st.Lines {
		l := &st.Lines[i]
		number := l.Number
		if l.Kind == KindPayment || l.Kind == KindRefund || l.Kind == KindPaymentRemoved || l.Kind == KindRefundRemoved {
			// A payment without a reference goes by its id, as its
			// allocations and open item name it.
			number = itemRef(number, l.ID)
		}
		lines.Rows = append(lines.Rows, reports.Row{Cells: []string{l.Date.String(), number, l.describe(lang),
			l.Debit.cell(true), l.Credit.cell(true), l.Allocated.cell(true), l.Balance.String()}})
	}
	lines.Rows = append(lines.Rows, reports.Row{Style: reports.Total, Cells: []string{"", "",
		tr(lang, "Eindsaldo", "Closing balance"), st.TotalDebit.String(), st.TotalCredit.String(), "", st.ClosingBalance.String()}})

	to := reports.DateText(st.To, lang)
	open := reports.Section{Title: tr(lang, "Openstaande posten per ", "Open items as of ") + to, Columns: []reports.Column{
		{Key: "date", Title: tr(lang, "Datum", "Date"), Kind: reports.Date, Width: 1.7},
		{Key: "number", Title: tr(lang, "Nummer", "Number"), Kind: reports.Text, Width: 2.1},
		{Key: "kind", Title: tr(lang, "Soort", "Kind"), Kind: reports.Text, Width: 2.4},
		{Key: "due_date", Title: tr(lang, "Vervaldatum", "Due date"), Kind: reports.Date, Width: 1.7},
		{Key: "days_past_due", Title: tr(lang, "Dagen te laat", "Days overdue"), Kind: reports.Number, Width: 1.5},
		{Key: "open", Title: tr(lang, "Open", "Open"), Kind: reports.Money, Width: 2},
	}}
	open.Empty = tr(lang, "Er staat per "+to+" niets open: alles is betaald of verrekend.", "Nothing is open as of "+to+": everything is paid or settled.")
	for i := range st.OpenItems {
		it := &st.OpenItems[i]
		due, late := "", ""
		if it.DueDate != nil {
			due = it.DueDate.String()
			if it.DaysPastDue > 0 {
				late = strconv.Itoa(it.DaysPastDue)
			}
		}
		open.Rows = append(open.Rows, reports.Row{Cells: []string{it.Date.String(), itemRef(it.Number, it.ID), kindName(it.Kind, lang), due, late, it.Open.String()}})
	}
	open.Rows = append(open.Rows, reports.Row{Style: reports.Total, Cells: []string{"", "", tr(lang, "Totaal", "Total"), "", "", st.Aging.Total.String()}})

	aging := reports.Section{Title: tr(lang, "Ouderdom per ", "Ageing as of ") + to, Columns: agingColumns(lang),
		Rows: []reports.Row{{Cells: st.Aging.cells()}}}

	var report string
	var recipient *reports.Party
	if st.Customer != nil {
		report, recipient = "customer_statement", party(tr(lang, "Klant", "Customer"), st.Customer)
	}
	if st.Supplier != nil {
		// Debit is what the entity came to owe the supplier, credit what
		// it paid or was credited.
		report, recipient = "supplier_statement", party(tr(lang, "Leverancier", "Supplier"), st.Supplier)
		lines.Columns[3].Title, lines.Columns[4].Title = tr(lang, "Te betalen", "Owed"), tr(lang, "Betaald", "Paid")
	}
	return &reports.Table{Report: report, Title: tr(lang, "Rekeningoverzicht", "Statement of account"), Entity: st.Entity.Name,
		Period: reports.PeriodText(st.From, st.To, lang), Language: lang, Currency: st.Currency,
		Sender: party("", &st.Entity), Recipient: recipient,
		Sections: []reports.Section{lines, open, aging}}
}
