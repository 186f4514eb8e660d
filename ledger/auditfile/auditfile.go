// Package auditfile builds the audit file of an entity's books for a fiscal
// year or a period of one: the XML Auditfile Financieel (XAF) the Dutch tax
// office and auditors ask for. Build gathers what every version of the
// format holds (the company, its customers and suppliers, the chart with
// its RGS codes, VAT codes, periods, opening balances, totals and the
// journals); a Writer renders it in one version of the format, streaming
// the transactions journal by journal from a Source so that memory stays
// flat however many entries the year has. XAF32 writes version 3.2; a
// version 4.0 writer is another Writer over the same File.
package auditfile

import (
	"context"
	"fmt"
	"io"
	"time"

	"backoffice/ledger"
	"backoffice/ledger/money"
	"backoffice/ledger/reports"
)

// Writer renders a File in one version of the audit file format.
type Writer interface {
	// ContentType is the media type of the file; Extension its file name
	// extension (without the dot).
	ContentType() string
	Extension() string
	// Write writes the whole file to w, reading the transactions of each
	// journal from f.Source as it goes.
	Write(ctx context.Context, w io.Writer, f *File) error
}

// Source is what the file reads beyond the ledger's own reports: the
// trading partners, the VAT codes, which entry belongs to which journal,
// and the transactions themselves. auditsql implements it on the database.
type Source interface {
	// Parties calls fn with each customer and supplier, customers first,
	// in id order; the value passed is reused between calls.
	Parties(ctx context.Context, entityID int64, fn func(*Party) error) error
	// VATCodes lists the sales and purchase tax codes, each with a unique
	// ID.
	VATCodes(ctx context.Context, entityID int64) ([]VATCode, error)
	// Transactions calls fn with each entry of journal j dated from..to, in
	// number order, with its lines; the value passed is reused.
	Transactions(ctx context.Context, ent *ledger.Entity, j JournalKind, from, to ledger.Date, fn func(*Transaction) error) error
	// LineCount is the number of lines of the entries dated from..to.
	LineCount(ctx context.Context, entityID int64, from, to ledger.Date) (int64, error)
}

// JournalKind is the kind of a journal (dagboek): what posted its entries.
type JournalKind string

const (
	// Sales: entries of issued and voided invoices and credit notes.
	Sales JournalKind = "sales"
	// Purchases: entries of booked and reversed purchase invoices.
	Purchases JournalKind = "purchases"
	// Bank: payments received and made (and their removals), and other
	// entries on a bank account's ledger account (entries made from
	// statement lines).
	Bank JournalKind = "bank"
	// Memorial: everything else (manual entries, closes, revaluations,
	// settlements).
	Memorial JournalKind = "memorial"
)

// Journals is the order the journals are written in.
var Journals = []JournalKind{Sales, Purchases, Bank, Memorial}

// Party is a customer or a supplier. Their IDs share one space: "C" and
// the customer id, "S" and the supplier id.
type Party struct {
	ID             string
	Customer       bool // a customer (else a supplier)
	Name           string
	VATNumber      string
	RegistrationID string
	Email          string
	AddressLines   []string
	Postcode       string
	City           string
	Country        string
	IBAN           string
}

// CustomerID and SupplierID are the party IDs of a customer and a supplier.
func CustomerID(id int64) string { return fmt.Sprintf("C%d", id) }
func SupplierID(id int64) string { return fmt.Sprintf("S%d", id) }

// VATCode is a sales or purchase tax code.
type VATCode struct {
	ID          string
	Description string
	PayAccount  string // the account the VAT due is credited to ("" for none)
	ClaimAcount string // the account the deductible VAT is debited to ("" for none)
}

// Transaction is an entry with its lines.
type Transaction struct {
	EntryID     int64
	FiscalYear  int
	Number      int64
	Date        ledger.Date
	Description string
	Reference   string
	TotalMinor  int64 // the debits (= the credits)
	Lines       []Line
}

// Line is one line of a transaction. Party is the customer or supplier a
// receivable or payable line belongs to ("" for none).
type Line struct {
	No          int
	Account     string
	Description string
	DebitMinor  int64
	CreditMinor int64
	Currency    string // the line's own currency
	AmountMinor int64  // in Currency
	Party       string
}

// Period is one month of the fiscal year.
type Period struct {
	Number     int
	Start, End ledger.Date
}

// OpeningLine is an account's balance at the start of the file's period,
// debit positive.
type OpeningLine struct {
	Account  string
	NetMinor int64
}

// File is everything an audit file holds but its transactions, which a
// writer reads from Source journal by journal.
type File struct {
	Entity     *ledger.Entity
	FiscalYear int
	From, To   ledger.Date
	Created    ledger.Date
	Software   string
	Version    string
	Exponent   int // the functional currency's
	Accounts   []*ledger.Account
	VATCodes   []VATCode
	Periods    []Period
	Opening    []OpeningLine
	// LineCount, DebitMinor and CreditMinor are the totals of the
	// transactions of the period.
	LineCount   int64
	DebitMinor  int64
	CreditMinor int64
	Source      Source
	// periodPath is the query parameter that chose the period
	// (fiscal_year or from), for the problems the period causes.
	periodPath string
}

// Request asks for the audit file of a fiscal year (From and To zero) or of
// a period within one.
type Request struct {
	FiscalYear int
	From, To   ledger.Date
}

// Build checks the request against the books and gathers the file's parts
// from one snapshot of the ledger (st) and the source. A fiscal year the
// books do not have (no entries and no close), or a period that is not
// within one fiscal year, is refused with a 422.
func Build(ctx context.Context, st reports.Store, src Source, ent *ledger.Entity, req Request, now time.Time) (*File, error) {
	f := &File{Entity: ent, Source: src, Software: "backoffice", Version: "1"}
	exp, ok := money.Exponent(ent.Currency)
	if !ok || exp > 2 {
		return nil, ledger.Errorf(ledger.CodeInvalid, ledger.ReasonAuditFileCurrency,
			"the audit file carries amounts with at most 2 decimals; %s has %d", ent.Currency, exp)
	}
	if !Currency32(ent.Currency) {
		return nil, ledger.Errorf(ledger.CodeInvalid, ledger.ReasonAuditFileCurrency,
			"the functional currency %s is not in the currency list of the XAF 3.2 schema (ISO 4217 as of 2018); the audit file's header must name it", ent.Currency)
	}
	if c := ent.Address.Country; c != "" && !Country32(c) {
		return nil, ledger.Errorf(ledger.CodeInvalid, ledger.ReasonAuditFileCountry,
			"the entity's country %s is not in the country list of the XAF 3.2 schema (ISO 3166-1 as of 2018); the audit file must name the country of its tax registration", c)
	}
	f.Exponent = exp
	if err := f.period(ctx, st, req); err != nil {
		return nil, err
	}
	loc, err := time.LoadLocation(ent.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	f.Created = ledger.Today(loc)
	if !now.IsZero() {
		t := now.In(loc)
		f.Created = ledger.NewDate(t.Year(), t.Month(), t.Day())
	}
	if f.Accounts, err = st.Accounts(ctx, ent.ID, true); err != nil {
		return nil, err
	}
	if f.VATCodes, err = src.VATCodes(ctx, ent.ID); err != nil {
		return nil, err
	}
	first, _ := reports.YearBounds(f.FiscalYear, ent.FiscalYearStartMonth)
	for m := 0; m < 12; m++ {
		start := ledger.NewDate(first.Year(), first.Month()+time.Month(m), 1)
		end := ledger.NewDate(first.Year(), first.Month()+time.Month(m+1), 1).AddDays(-1)
		f.Periods = append(f.Periods, Period{Number: m + 1, Start: start, End: end})
	}
	if err := f.opening(ctx, st, first); err != nil {
		return nil, err
	}
	before, err := st.Balances(ctx, ent.ID, f.From.AddDays(-1), 0)
	if err != nil {
		return nil, err
	}
	after, err := st.Balances(ctx, ent.ID, f.To, 0)
	if err != nil {
		return nil, err
	}
	for id, t := range after {
		f.DebitMinor += t.DebitMinor - before[id].DebitMinor
		f.CreditMinor += t.CreditMinor - before[id].CreditMinor
	}
	if f.LineCount, err = src.LineCount(ctx, ent.ID, f.From, f.To); err != nil {
		return nil, err
	}
	return f, nil
}

// period resolves the request to a period within one fiscal year of the
// books.
func (f *File) period(ctx context.Context, st reports.Store, req Request) error {
	ent := f.Entity
	f.periodPath = "fiscal_year"
	if req.FiscalYear == 0 {
		f.periodPath = "from"
	}
	switch {
	case req.FiscalYear != 0 && (!req.From.IsZero() || !req.To.IsZero()):
		return param("fiscal_year", ledger.ReasonPeriodInvalid, "give fiscal_year or from and to, not both")
	case req.FiscalYear != 0:
		if req.FiscalYear < ledger.MinYear || req.FiscalYear > ledger.MaxYear {
			return param("fiscal_year", ledger.ReasonAuditFilePeriodOutsideBooks, "fiscal year %d is outside the books", req.FiscalYear)
		}
		f.FiscalYear = req.FiscalYear
		f.From, f.To = reports.YearBounds(req.FiscalYear, ent.FiscalYearStartMonth)
	case req.From.IsZero() && req.To.IsZero():
		return param("fiscal_year", ledger.ReasonFieldRequired, "give fiscal_year, or from and to within one fiscal year")
	case req.From.IsZero():
		return param("from", ledger.ReasonFieldRequired, "give from with to: the first day of the period")
	case req.To.IsZero():
		return param("to", ledger.ReasonFieldRequired, "give to with from: the last day of the period")
	default:
		if req.To.Before(req.From) {
			return param("to", ledger.ReasonPeriodInvalid, "to (%s) is before from (%s)", req.To, req.From)
		}
		fy := req.From.FiscalYear(ent.FiscalYearStartMonth)
		if req.To.FiscalYear(ent.FiscalYearStartMonth) != fy {
			return param("to", ledger.ReasonPeriodInvalid, "from (%s) and to (%s) are in different fiscal years; an audit file covers one fiscal year or a period of it", req.From, req.To)
		}
		f.FiscalYear, f.From, f.To = fy, req.From, req.To
	}
	counts, err := st.EntryCounts(ctx, ent.ID)
	if err != nil {
		return err
	}
	if counts[f.FiscalYear] > 0 {
		return nil
	}
	closes, err := st.FiscalYearCloses(ctx, ent.ID)
	if err != nil {
		return err
	}
	for _, c := range closes {
		if c.FiscalYear == f.FiscalYear {
			return nil
		}
	}
	return param(f.periodPath, ledger.ReasonAuditFilePeriodOutsideBooks,
		"fiscal year %d (%s to %s) is outside the books: it has no entries and no close", f.FiscalYear, f.From, f.To)
}

// opening works out each account's balance at the start of the period.
// At the start of a fiscal year that is the balance sheet accounts'
// balances the day before (after the previous year's closing entry, which
// is dated its last day). The result of earlier years that were not closed
// is added to the account a close would move it to: the retained earnings
// account of the latest close, or else the close's default (2100), so that
// the opening balance balances. When the chart has no such equity account
// the file is refused (422 retained_earnings_required) rather than written
// with an opening balance that does not balance. A period that starts later
// in the year opens with every account's balance the day before, profit and
// loss accounts counted from the year's start.
func (f *File) opening(ctx context.Context, st reports.Store, yearStart ledger.Date) error {
	ent := f.Entity
	prior, err := st.Balances(ctx, ent.ID, yearStart.AddDays(-1), 0)
	if err != nil {
		return err
	}
	net := map[int64]int64{}
	var unclosed int64
	for _, a := range f.Accounts {
		t := prior[a.ID]
		n := t.DebitMinor - t.CreditMinor
		if balanceSheet(a.Type) {
			net[a.ID] += n
		} else {
			unclosed += n
		}
	}
	if unclosed != 0 {
		retained, err := f.retainedEarnings(ctx, st)
		if err != nil {
			return err
		}
		net[retained.ID] += unclosed
	}
	if f.From.After(yearStart) {
		now, err := st.Balances(ctx, ent.ID, f.From.AddDays(-1), 0)
		if err != nil {
			return err
		}
		for _, a := range f.Accounts {
			t, p := now[a.ID], prior[a.ID]
			net[a.ID] += (t.DebitMinor - p.DebitMinor) - (t.CreditMinor - p.CreditMinor)
		}
	}
	for _, a := range f.Accounts { // in code order
		if n := net[a.ID]; n != 0 {
			f.Opening = append(f.Opening, OpeningLine{Account: a.Code, NetMinor: n})
		}
	}
	return nil
}

// retainedEarnings is the equity account the year-end close would move
// an unclosed result to: the one the latest close of the entity used, or
// the close's default (reports.ResolveRetained). It is refused with the
// close's reason when the chart has no such usable equity account.
func (f *File) retainedEarnings(ctx context.Context, st reports.Store) (*ledger.Account, error) {
	closes, err := st.FiscalYearCloses(ctx, f.Entity.ID)
	if err != nil {
		return nil, err
	}
	code, year := "", 0
	for _, c := range closes {
		if c.FiscalYear > year && c.RetainedEarnings != "" {
			code, year = c.RetainedEarnings, c.FiscalYear
		}
	}
	if a, err := reports.ResolveRetained(f.Accounts, code); err == nil {
		return a, nil
	}
	why := "no account 2100 (the default of the year-end close)"
	if code != "" {
		why = fmt.Sprintf("account %s (the one the close of %d used) is missing, archived or not equity", code, year)
	}
	return nil, param(f.periodPath, ledger.ReasonRetainedEarningsRequired,
		"earlier years' result is not closed and there is no retained earnings account to carry it in the opening balance (%s); close the earlier years or add the equity account", why)
}

// PeriodNumber is the number of the month of the fiscal year d falls in.
func (f *File) PeriodNumber(d ledger.Date) int {
	for _, p := range f.Periods {
		if !d.Before(p.Start) && !d.After(p.End) {
			return p.Number
		}
	}
	return 0
}

func param(path string, reason ledger.Reason, format string, args ...any) error {
	var p ledger.Problems
	p.Add(path, reason, format, args...)
	return p.Err()
}

// balanceSheet reports whether accounts of type t are on the balance sheet
// (accTp B) rather than the profit and loss account (P).
func balanceSheet(t ledger.AccountType) bool {
	return t == ledger.Asset || t == ledger.Liability || t == ledger.Equity
}
