// Package revaluation revalues the open foreign-currency items of an
// entity's books on a date (the year end) at rates the accountant gives:
// open sales documents (receivables), open purchase documents (payables)
// and foreign-currency bank balances (IAS 21.23, Dutch RJ 122.2). Each
// item's carrying amount in the functional currency is compared with its
// open amount converted at the new rate; the differences are posted in one
// entry on separate revaluation accounts, so that the receivables and
// payables accounts keep equalling their open documents at their booked
// rates, with the net unrealised result on the result account. The entry
// is reversed the next day: a document is settled later at its booked
// rate, and the settlement's exchange difference is then realised in full.
package revaluation

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"backoffice/invoicing/statements"
	"backoffice/ledger"
	"backoffice/ledger/money"
)

// The default accounts of the standard chart.
const (
	DefaultReceivablesAccount = "1110" // Revaluation of receivables (asset)
	DefaultPayablesAccount    = "1610" // Revaluation of payables (liability)
	DefaultBankAccount        = "1020" // Revaluation of foreign currency bank balances (asset)
	DefaultResultAccount      = "8910" // Unrealised exchange results
)

// Books and kinds of the lines.
const (
	BookReceivables = "receivables"
	BookPayables    = "payables"
	BookBank        = "bank"

	KindInvoice     = "invoice"
	KindCreditNote  = "credit_note"
	KindBankAccount = "bank_account"
)

// Input is a revaluation as the API takes it.
type Input struct {
	Date  string            `json:"date"`
	Rates map[string]string `json:"rates"`
	// DryRun computes and answers without posting or storing anything.
	DryRun             bool   `json:"dry_run"`
	ReceivablesAccount string `json:"receivables_revaluation_account"`
	PayablesAccount    string `json:"payables_revaluation_account"`
	BankAccount        string `json:"bank_revaluation_account"`
	ResultAccount      string `json:"result_account"`
}

// Request is a checked Input.
type Request struct {
	Date   ledger.Date
	Rates  map[string]decimal.Decimal
	DryRun bool
	Accounts
}

// Accounts are the codes of the accounts the entry posts to.
type Accounts struct {
	Receivables string `json:"receivables_revaluation_account"`
	Payables    string `json:"payables_revaluation_account"`
	Bank        string `json:"bank_revaluation_account"`
	Result      string `json:"result_account"`
}

// Fields names each account's request field, in the order they are checked.
func (a *Accounts) Fields() []struct {
	Field string
	Code  string
	Types []ledger.AccountType
} {
	asset, liability := []ledger.AccountType{ledger.Asset}, []ledger.AccountType{ledger.Liability}
	return []struct {
		Field string
		Code  string
		Types []ledger.AccountType
	}{
		{"receivables_revaluation_account", a.Receivables, asset},
		{"payables_revaluation_account", a.Payables, liability},
		{"bank_revaluation_account", a.Bank, asset},
		{"result_account", a.Result, []ledger.AccountType{ledger.Revenue, ledger.Expense}},
	}
}

// Parse checks what needs no database: the date (after the lock date, and
// so is the next day, which the reversal takes), each rate (a currency
// code other than the functional currency, a positive decimal), and the
// account codes (defaults for those not given).
func Parse(ent *ledger.Entity, in *Input) (*Request, error) {
	var p ledger.Problems
	r := &Request{DryRun: in.DryRun, Rates: map[string]decimal.Decimal{}}
	switch date, err := ledger.ParseDate(strings.TrimSpace(in.Date)); {
	case strings.TrimSpace(in.Date) == "":
		p.Add("date", ledger.ReasonFieldRequired, "date is required: the day to revalue on (the year end)")
	case err != nil:
		p.Add("date", ledger.ReasonDateInvalid, "%v", err)
	case ent.Locked(date):
		p.Add("date", ledger.ReasonPeriodLocked, "date %s is on or before the lock date %s", date, ent.LockDate)
	case ent.Locked(date.AddDays(1)):
		p.Add("date", ledger.ReasonPeriodLocked, "the reversal on %s is on or before the lock date %s", date.AddDays(1), ent.LockDate)
	default:
		r.Date = date
	}
	codes := make([]string, 0, len(in.Rates))
	for c := range in.Rates {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	for _, c := range codes {
		at := "rates." + c
		switch {
		case !money.ValidCurrency(c):
			p.Add(at, ledger.ReasonCurrencyInvalid, "%q is not an ISO 4217 currency code", c)
		case c == ent.Currency:
			p.Add(at, ledger.ReasonExchangeRateUnused, "%s is the functional currency: it is not revalued", c)
		default:
			rate, err := money.ParseRate(strings.TrimSpace(in.Rates[c]))
			if err != nil {
				p.Add(at, ledger.ReasonExchangeRateInvalid, "%v", err)
				continue
			}
			r.Rates[c] = rate
		}
	}
	def := func(s, d string) string {
		if s = strings.TrimSpace(s); s == "" {
			return d
		}
		return s
	}
	r.Accounts = Accounts{def(in.ReceivablesAccount, DefaultReceivablesAccount), def(in.PayablesAccount, DefaultPayablesAccount),
		def(in.BankAccount, DefaultBankAccount), def(in.ResultAccount, DefaultResultAccount)}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return r, nil
}

// CheckAccounts refuses an account that is not in the chart, archived, of
// the wrong type or restricted to a foreign currency, naming its field.
func (r *Request) CheckAccounts(ent *ledger.Entity, chart []*ledger.Account) error {
	byCode := make(map[string]*ledger.Account, len(chart))
	for _, a := range chart {
		byCode[a.Code] = a
	}
	var p ledger.Problems
	for _, f := range r.Accounts.Fields() {
		a := byCode[f.Code]
		switch {
		case a == nil:
			p.Add(f.Field, ledger.ReasonAccountNotFound, "account %q does not exist in this entity", f.Code)
		case a.Archived():
			p.Add(f.Field, ledger.ReasonAccountArchived, "account %s is archived and takes no new lines", a.Code)
		case !slices.Contains(f.Types, a.Type):
			p.Add(f.Field, ledger.ReasonAccountTypeInvalid, "account %s is %s; %s takes an account of type %s", a.Code, a.Type, f.Field, typeList(f.Types))
		case a.Currency != "" && a.Currency != ent.Currency:
			p.Add(f.Field, ledger.ReasonAccountCurrencyMismatch, "account %s takes only %s; the revaluation is in %s", a.Code, a.Currency, ent.Currency)
		}
	}
	return p.Err()
}

func typeList(ts []ledger.AccountType) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = string(t)
	}
	return strings.Join(s, " or ")
}

// Item is an open foreign-currency item of a book on the date. Amounts
// are signed as the book counts them: receivables as the customer's debt
// (a credit note negative), payables as the entity's debt to the supplier
// (a supplier's credit note negative), a bank balance as money held.
type Item struct {
	Book          string
	Kind          string
	ID            int64 // the invoice, purchase invoice or bank account
	Reference     string
	PartyID       int64 // the customer or supplier; 0 for a bank account
	Currency      string
	OpenMinor     int64 // in Currency
	CarryingMinor int64 // in the functional currency
}

// OpenDocuments turns the open items of the aged receivables or payables
// (book) into items: the documents in a currency other than the
// functional one. Unallocated payments and refunds are not revalued (see
// docs/invoicing.md).
func OpenDocuments(ent *ledger.Entity, book string, items []statements.OpenItem) []Item {
	var out []Item
	for _, it := range items {
		if it.Currency == ent.Currency || (it.Kind != statements.KindInvoice && it.Kind != statements.KindCreditNote) {
			continue
		}
		kind := KindInvoice
		if it.Kind == statements.KindCreditNote {
			kind = KindCreditNote
		}
		party := it.CustomerID
		if it.SupplierID != 0 {
			party = it.SupplierID
		}
		out = append(out, Item{Book: book, Kind: kind, ID: it.ID, Reference: it.Number, PartyID: party, Currency: it.Currency,
			OpenMinor: it.Open.Minor, CarryingMinor: it.FunctionalOpen.Minor})
	}
	return out
}

// Line is an item revalued.
type Line struct {
	Book       string            `json:"book"`
	Kind       string            `json:"kind"`
	ID         int64             `json:"id"`
	Reference  string            `json:"reference"`
	PartyID    *int64            `json:"party_id"`
	Currency   string            `json:"currency"`
	Open       statements.Amount `json:"open"`     // in Currency
	Carrying   statements.Amount `json:"carrying"` // functional, at the booked rate(s)
	Rate       string            `json:"rate"`
	Revalued   statements.Amount `json:"revalued"`   // Open at Rate
	Difference statements.Amount `json:"difference"` // Revalued - Carrying
}

// Revaluation is the computation and, once posted, its record.
type Revaluation struct {
	ID       int64             `json:"id,omitempty"`
	Date     ledger.Date       `json:"date"`
	Currency string            `json:"currency"`
	Rates    map[string]string `json:"rates"`
	Accounts Accounts          `json:"accounts"`
	Lines    []Line            `json:"lines"`
	// The differences per book, signed as its lines, and the net result
	// (positive a gain): receivables + bank - payables.
	Receivables statements.Amount `json:"receivables_difference"`
	Payables    statements.Amount `json:"payables_difference"`
	Bank        statements.Amount `json:"bank_difference"`
	Result      statements.Amount `json:"result"`
	// Posted is false for a dry run and when every difference is zero.
	Posted          bool       `json:"posted"`
	EntryID         *int64     `json:"entry_id"`
	ReversalEntryID *int64     `json:"reversal_entry_id"`
	CreatedAt       *time.Time `json:"created_at,omitempty"`
	CreatedBy       *int64     `json:"created_by,omitempty"`
}

// Compute revalues items at the request's rates. A currency that has an
// item but no rate is refused (exchange_rate_required at rates.XXX, each
// missing currency listed).
func Compute(ent *ledger.Entity, r *Request, items []Item) (*Revaluation, error) {
	fexp, _ := money.Exponent(ent.Currency)
	out := &Revaluation{Date: r.Date, Currency: ent.Currency, Rates: map[string]string{}, Accounts: r.Accounts, Lines: []Line{}}
	for c, rate := range r.Rates {
		out.Rates[c] = rate.String()
	}
	var p ledger.Problems
	missing := map[string]bool{}
	for _, it := range items {
		if _, ok := r.Rates[it.Currency]; !ok && !missing[it.Currency] {
			missing[it.Currency] = true
		}
	}
	for _, c := range slices.Sorted(maps.Keys(missing)) {
		p.Add("rates."+c, ledger.ReasonExchangeRateRequired, "%s has open items on %s: give its rate", c, r.Date)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	var rec, pay, bank int64
	for _, it := range items {
		exp, _ := money.Exponent(it.Currency)
		rate := r.Rates[it.Currency]
		revalued, err := money.Convert(it.OpenMinor, exp, rate, fexp)
		if err != nil {
			return nil, ledger.Errorf(ledger.CodeInvalid, ledger.ReasonAmountTooLarge, "%s %s at %s is out of range", it.Kind, it.Reference, rate)
		}
		diff := revalued - it.CarryingMinor // both within money.MaxMinor
		l := Line{Book: it.Book, Kind: it.Kind, ID: it.ID, Reference: it.Reference, Currency: it.Currency,
			Open: statements.Amount{Minor: it.OpenMinor, Exp: exp}, Carrying: statements.Amount{Minor: it.CarryingMinor, Exp: fexp},
			Rate: rate.String(), Revalued: statements.Amount{Minor: revalued, Exp: fexp}, Difference: statements.Amount{Minor: diff, Exp: fexp}}
		if it.PartyID != 0 {
			party := it.PartyID
			l.PartyID = &party
		}
		out.Lines = append(out.Lines, l)
		var ok bool
		switch it.Book {
		case BookReceivables:
			rec, ok = money.Add(rec, diff)
		case BookPayables:
			pay, ok = money.Add(pay, diff)
		default:
			bank, ok = money.Add(bank, diff)
		}
		if !ok {
			return nil, ledger.Errorf(ledger.CodeInvalid, ledger.ReasonAmountTooLarge, "the revaluation's differences are too large to add up")
		}
	}
	result, ok := money.Add(rec, bank)
	if ok {
		result, ok = money.Add(result, -pay)
	}
	if !ok || result > money.MaxMinor || result < -money.MaxMinor {
		return nil, ledger.Errorf(ledger.CodeInvalid, ledger.ReasonAmountTooLarge, "the revaluation's result is too large")
	}
	out.Receivables = statements.Amount{Minor: rec, Exp: fexp}
	out.Payables = statements.Amount{Minor: pay, Exp: fexp}
	out.Bank = statements.Amount{Minor: bank, Exp: fexp}
	out.Result = statements.Amount{Minor: result, Exp: fexp}
	return out, nil
}

// Empty reports that every difference is zero: nothing to post.
func (v *Revaluation) Empty() bool {
	for _, l := range v.Lines {
		if l.Difference.Minor != 0 {
			return false
		}
	}
	return true
}

// Draft is the revaluation entry, dated on the revaluation's date, all in
// the functional currency: per book and currency the sum of its
// differences on the book's revaluation account (receivables and bank
// debited for a rise, payables credited for a rise), and the net result
// on the result account (credited for a gain, debited for a loss). Nil
// when there is nothing to post.
func (v *Revaluation) Draft() *ledger.Draft {
	if v.Empty() {
		return nil
	}
	type key struct{ book, currency string }
	sums := map[key]int64{}
	var keys []key
	for _, l := range v.Lines {
		k := key{l.Book, l.Currency}
		if _, ok := sums[k]; !ok {
			keys = append(keys, k)
		}
		sums[k] += l.Difference.Minor // bounded: the totals were added with overflow checks
	}
	order := map[string]int{BookReceivables: 0, BookPayables: 1, BookBank: 2}
	slices.SortFunc(keys, func(a, b key) int {
		if a.book != b.book {
			return order[a.book] - order[b.book]
		}
		return strings.Compare(a.currency, b.currency)
	})
	d := &ledger.Draft{Date: v.Date, Description: "Foreign currency revaluation of " + v.Date.String(), Reference: "FX-" + v.Date.String()}
	add := func(account string, debit bool, minor int64, text string) {
		d.Lines = append(d.Lines, ledger.DraftLine{Account: account, Debit: debit, Currency: v.Currency, AmountMinor: minor, Description: text})
	}
	for _, k := range keys {
		s := sums[k]
		if s == 0 {
			continue
		}
		amt := s
		if amt < 0 {
			amt = -amt
		}
		switch k.book {
		case BookReceivables:
			add(v.Accounts.Receivables, s > 0, amt, fmt.Sprintf("Revaluation of %s receivables at %s", k.currency, v.Rates[k.currency]))
		case BookPayables:
			add(v.Accounts.Payables, s < 0, amt, fmt.Sprintf("Revaluation of %s payables at %s", k.currency, v.Rates[k.currency]))
		default:
			add(v.Accounts.Bank, s > 0, amt, fmt.Sprintf("Revaluation of %s bank balances at %s", k.currency, v.Rates[k.currency]))
		}
	}
	if r := v.Result.Minor; r > 0 {
		add(v.Accounts.Result, false, r, "Unrealised exchange gain")
	} else if r < 0 {
		add(v.Accounts.Result, true, -r, "Unrealised exchange loss")
	}
	if len(d.Lines) == 0 {
		return nil // the items' differences cancel out per book and currency
	}
	return d
}

// Store keeps revaluations (invoicing/revaluation/revalstore).
type Store interface {
	// Revalue computes the revaluation of in on its date and, unless it
	// is a dry run or every difference is zero, posts its entry and the
	// reversal the next day and records it, in one unit of work.
	// Errors: invalid (the Parse and CheckAccounts reasons,
	// exchange_rate_required, period_locked), conflict
	// (fx_revaluation_exists).
	Revalue(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, in *Input) (*Revaluation, error)
	// Revaluations lists the recorded revaluations after an id, by id,
	// at most limit (with their lines).
	Revaluations(ctx context.Context, entityID, after int64, limit int) ([]*Revaluation, error)
	// Revaluation: not_found.
	Revaluation(ctx context.Context, entityID, id int64) (*Revaluation, error)
}
