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

// Store is what the reports read: a part of the API's store (the ledger
// and invoicing), so that a test can count or fake the reads.
type Store interface {
	// InvoicingSnapshot runs fn with the store bound to one read-only
	// snapshot: a report's reads see one moment.
	InvoicingSnapshot(ctx context.Context, fn func(st Store) error) error
	Settings(ctx context.Context, entityID int64) (*invoicing.Settings, error)
	Accounts(ctx context.Context, entityID int64, includeArchived bool) ([]*ledger.Account, error)
	Balances(ctx context.Context, entityID int64, asOf ledger.Date, accountID int64) (map[int64]ledger.Totals, error)
	TaxCodes(ctx context.Context, entityID int64, includeArchived bool) ([]*invoicing.TaxCode, error)
	ReceivablesActivity(ctx context.Context, ent *ledger.Entity, asOf ledger.Date) (*invoicing.Activity, error)
	CustomerActivity(ctx context.Context, ent *ledger.Entity, customerID int64, to ledger.Date) (*invoicing.Activity, error)
	StatementCustomers(ctx context.Context, entityID int64, to ledger.Date) ([]*invoicing.Customer, error)
	VATActivity(ctx context.Context, ent *ledger.Entity, from, to ledger.Date) (*invoicing.Activity, error)
	ICPActivity(ctx context.Context, ent *ledger.Entity, from, to ledger.Date) (*ICPActivity, error)
	// InputVAT is the deductible input VAT of a period per input VAT
	// account, from the purchase documents' VAT totals (invstore/vatinput.go).
	InputVAT(ctx context.Context, ent *ledger.Entity, from, to ledger.Date) ([]InputVATRow, error)
}

// AgedReceivables is what customers owe on a date, in buckets by days past
// due, in the functional currency: foreign-currency documents count at
// their carrying amounts (each item shows its own currency's amount too).
type AgedReceivables struct {
	Entity            string         `json:"entity"`
	AsOf              ledger.Date    `json:"as_of"`
	Currency          string         `json:"currency"`
	ReceivableAccount string         `json:"receivable_account"`
	Customers         []AgedCustomer `json:"customers"`
	Total             Aging          `json:"total"`
	// LedgerBalance is the receivables account's balance on AsOf.
	// Difference is LedgerBalance less Total: zero unless entries other
	// than invoicing's were posted to the account (or it changed while
	// documents were open on the old one).
	LedgerBalance Amount `json:"ledger_balance"`
	Difference    Amount `json:"difference"`
	// Detail makes the table list each customer's open items.
	Detail bool `json:"-"`
}

// AgedCustomer is one customer's part: the buckets and the open items.
type AgedCustomer struct {
	CustomerID int64  `json:"customer_id"`
	Name       string `json:"name"`
	Aging
	Items []OpenItem `json:"items"`
}

// Aged reads and builds the aged receivables on asOf.
func Aged(ctx context.Context, st Store, ent *ledger.Entity, asOf ledger.Date) (*AgedReceivables, error) {
	var out *AgedReceivables
	err := st.InvoicingSnapshot(ctx, func(st Store) error {
		set, err := st.Settings(ctx, ent.ID)
		if err != nil {
			return err
		}
		accounts, err := st.Accounts(ctx, ent.ID, true)
		if err != nil {
			return err
		}
		var balance int64
		for _, a := range accounts {
			if a.Code == set.ReceivableAccount {
				b, err := st.Balances(ctx, ent.ID, asOf, a.ID)
				if err != nil {
					return err
				}
				balance = b[a.ID].Net()
			}
		}
		act, err := st.ReceivablesActivity(ctx, ent, asOf)
		if err != nil {
			return err
		}
		out, err = BuildAged(ent, set.ReceivableAccount, balance, act, asOf)
		return err
	})
	return out, err
}

// BuildAged builds the aged receivables on asOf from activity that holds
// at least every document and payment open then. balance is the
// receivables account's balance on asOf.
func BuildAged(ent *ledger.Entity, receivable string, balance int64, act *invoicing.Activity, asOf ledger.Date) (*AgedReceivables, error) {
	exp := exponent(ent.Currency)
	b := newBook(act)
	items, ok := b.openItems(asOf, "", 0, exp)
	if !ok {
		return nil, overflow()
	}
	var s sums
	r := &AgedReceivables{Entity: ent.Name, AsOf: asOf, Currency: ent.Currency, ReceivableAccount: receivable,
		Customers: []AgedCustomer{}, Total: newAging(exp)}
	for _, it := range items {
		n := len(r.Customers)
		if n == 0 || r.Customers[n-1].CustomerID != it.CustomerID {
			name := ""
			if c := b.customers[it.CustomerID]; c != nil {
				name = c.Name
			}
			r.Customers = append(r.Customers, AgedCustomer{CustomerID: it.CustomerID, Name: name, Aging: newAging(exp), Items: []OpenItem{}})
			n++
		}
		c := &r.Customers[n-1]
		c.Items = append(c.Items, it)
		c.Aging.add(&s, it.Bucket, it.FunctionalOpen.Minor)
		r.Total.add(&s, it.Bucket, it.FunctionalOpen.Minor)
	}
	// By name, as people look them up; ties by id.
	sortCustomers(r.Customers)
	r.LedgerBalance = Amount{balance, exp}
	diff, ok := subtract(balance, r.Total.Total.Minor)
	if !ok || s.over {
		return nil, overflow()
	}
	r.Difference = Amount{diff, exp}
	return r, nil
}

func subtract(a, b int64) (int64, bool) {
	if b == -b && b != 0 { // math.MinInt64 has no negation
		return 0, false
	}
	var s sums
	s.add(&a, -b)
	return a, !s.over
}

func sortCustomers(cs []AgedCustomer) {
	slices.SortFunc(cs, func(a, b AgedCustomer) int {
		if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		return cmpInt(a.CustomerID, b.CustomerID)
	})
}

// Table is the report for the renderers in lang: one row per customer, or
// with Detail each customer's open items under a heading and a subtotal.
func (r *AgedReceivables) Table(lang string) *reports.Table {
	lang = Language(lang)
	return r.table(lang, agedWords{report: "aged_receivables", title: tr(lang, "Ouderdomsanalyse debiteuren", "Aged receivables"),
		key: "customer", party: tr(lang, "Debiteur", "Customer")})
}

// agedWords are what the aged receivables and payables tables call
// themselves and their parties.
type agedWords struct{ report, title, key, party string }

func (r *AgedReceivables) table(lang string, w agedWords) *reports.Table {
	detail := r.Detail
	cols := append([]reports.Column{{Key: w.key, Title: w.party, Kind: reports.Text, Width: 4.5}}, agingColumns(lang)...)
	sec := reports.Section{Columns: cols}
	row := func(first string, g *Aging, style reports.Style, level int) reports.Row {
		return reports.Row{Cells: append([]string{first}, g.cells()...), Style: style, Level: level}
	}
	if len(r.Customers) == 0 {
		sec.Rows = append(sec.Rows, reports.Row{Cells: []string{tr(lang, "Er staat per "+reports.DateText(r.AsOf, lang)+" niets open.",
			"Nothing is open as of "+reports.DateText(r.AsOf, lang)+".")}, Style: reports.Note})
	}
	for i := range r.Customers {
		c := &r.Customers[i]
		if !detail {
			sec.Rows = append(sec.Rows, row(c.Name, &c.Aging, reports.Line, 0))
			continue
		}
		sec.Rows = append(sec.Rows, reports.Row{Cells: append([]string{c.Name}, make([]string, 7)...), Style: reports.Heading})
		for _, it := range c.Items {
			cells := make([]string, 8)
			cells[0] = itemLabel(&it, r.Currency, lang)
			cells[1+bucketIndex(it.Bucket)] = it.FunctionalOpen.String()
			cells[7] = it.FunctionalOpen.String()
			sec.Rows = append(sec.Rows, reports.Row{Cells: cells, Level: 1})
		}
		sec.Rows = append(sec.Rows, row(tr(lang, "Totaal ", "Total ")+c.Name, &c.Aging, reports.Subtotal, 0))
	}
	sec.Rows = append(sec.Rows, row(tr(lang, "Totaal", "Total"), &r.Total, reports.Total, 0))
	note := func(text string, a Amount) reports.Row {
		cells := make([]string, 8)
		cells[0], cells[7] = text, a.String()
		return reports.Row{Cells: cells}
	}
	sec.Rows = append(sec.Rows, note(tr(lang, "Grootboekrekening ", "Ledger account ")+r.ReceivableAccount, r.LedgerBalance))
	if r.Difference.Minor != 0 {
		// Entries posted to the account other than invoicing's.
		sec.Rows = append(sec.Rows, note(tr(lang, "Verschil met grootboek", "Difference with ledger"), r.Difference))
	}
	return &reports.Table{Report: w.report, Title: w.title, Entity: r.Entity,
		Period: reports.AsOfText(r.AsOf, lang), Language: lang, Currency: r.Currency, Sections: []reports.Section{sec}}
}

func bucketIndex(b string) int {
	switch b {
	case BucketNotDue:
		return 0
	case Bucket1To30:
		return 1
	case Bucket31To60:
		return 2
	case Bucket61To90:
		return 3
	case BucketOver90:
		return 4
	}
	return 5
}

// itemLabel names an open item in a table: "INV-2026-0001", a payment
// "Betaling NL-TRX-9"; an item in another currency than the report's
// shows its own amount: "INV-2026-0001 (USD 100.00)".
func itemLabel(it *OpenItem, currency, lang string) string {
	s := itemRef(it.Number, it.ID)
	if it.Kind != KindInvoice && it.Kind != KindCreditNote {
		s = kindName(it.Kind, lang) + " " + s
	}
	if it.Currency != currency {
		s += " (" + it.Currency + " " + textAmount(it.Open, lang) + ")"
	}
	return s
}

// itemRef is a document's number or a payment's reference, or its id.
func itemRef(number string, id int64) string {
	if number != "" {
		return number
	}
	return "#" + strconv.FormatInt(id, 10)
}
