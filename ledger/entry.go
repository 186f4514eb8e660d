package ledger

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"backoffice/ledger/money"
)

// MaxLines is the most lines one entry may have. It bounds the work of one
// post and keeps every sum of an entry far from int64 overflow.
const MaxLines = 500

// EntryInput is a journal entry as a caller sends it: amounts are decimal
// strings in the line's currency, accounts are codes.
type EntryInput struct {
	Date         string      `json:"date"`
	Description  string      `json:"description"`
	Reference    string      `json:"reference"`
	ExchangeRate string      `json:"exchange_rate"`
	Lines        []LineInput `json:"lines"`
}

// LineInput is one line of an EntryInput: exactly one of Debit and Credit.
// Currency defaults to the entity's functional currency; a line in another
// currency is converted at its own ExchangeRate or else the entry's.
type LineInput struct {
	Account      string `json:"account"`
	Debit        string `json:"debit"`
	Credit       string `json:"credit"`
	Currency     string `json:"currency"`
	ExchangeRate string `json:"exchange_rate"`
	Description  string `json:"description"`
}

// Draft is an entry whose form has been checked; its accounts are still codes.
type Draft struct {
	Date        Date
	FiscalYear  int
	Description string
	Reference   string
	Lines       []DraftLine
}

// DraftLine is a checked line; AmountMinor is in Currency.
type DraftLine struct {
	Account     string
	Debit       bool
	Currency    string
	AmountMinor int64
	Rate        decimal.Decimal // zero for functional-currency lines
	Description string
	// FunctionalMinor, when positive, is the line's amount in the
	// functional currency as the caller worked it out, used instead of
	// converting at Rate. Invoicing sets it so that an entry in a foreign
	// currency balances exactly: its receivable is the sum of the converted
	// revenue and VAT lines. The API never sets it.
	FunctionalMinor int64
}

// ParseEntry checks everything about an entry that needs no database: the
// date and lock date, texts, the number of lines, one positive side per line,
// amounts exact to their currency, and exchange rates where needed. It
// collects every problem with its JSON path.
func ParseEntry(ent *Entity, in *EntryInput) (*Draft, error) {
	var p Problems
	d := &Draft{}
	if in.Date == "" {
		p.Add("date", ReasonFieldRequired, "date is required")
	} else if date, err := ParseDate(in.Date); err != nil {
		p.Add("date", ReasonDateInvalid, "%v", err)
	} else if ent.Locked(date) {
		p.Add("date", ReasonPeriodLocked, "date %s is on or before the lock date %s", date, ent.LockDate)
	} else {
		d.Date = date
		d.FiscalYear = date.FiscalYear(ent.FiscalYearStartMonth)
	}
	d.Description = strings.TrimSpace(in.Description)
	if d.Description == "" {
		p.Add("description", ReasonFieldRequired, "description is required: say why the entry is posted")
	} else if utf8.RuneCountInString(d.Description) > 500 {
		p.Add("description", ReasonFieldTooLong, "description is longer than 500 characters")
	}
	d.Reference = strings.TrimSpace(in.Reference)
	if utf8.RuneCountInString(d.Reference) > 100 {
		p.Add("reference", ReasonFieldTooLong, "reference is longer than 100 characters")
	}
	var entryRate decimal.Decimal
	if in.ExchangeRate != "" {
		r, err := money.ParseRate(in.ExchangeRate)
		if err != nil {
			p.Add("exchange_rate", ReasonExchangeRateInvalid, "%v", err)
		}
		entryRate = r
	}
	switch n := len(in.Lines); {
	case n < 2:
		p.Add("lines", ReasonLinesTooFew, "an entry needs at least 2 lines, got %d", n)
	case n > MaxLines:
		p.Add("lines", ReasonLinesTooMany, "an entry has at most %d lines, got %d", MaxLines, n)
		return nil, p.Err() // do not list thousands of line problems
	}
	foreign := false
	for i := range in.Lines {
		l, ok := parseLine(&p, ent, i, &in.Lines[i], entryRate)
		if !ok {
			continue
		}
		if l.Currency != ent.Currency {
			foreign = true
		}
		d.Lines = append(d.Lines, l)
	}
	if in.ExchangeRate != "" && !foreign && len(p) == 0 {
		p.Add("exchange_rate", ReasonExchangeRateUnused, "exchange_rate is given but every line is in %s, the functional currency", ent.Currency)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return d, nil
}

func parseLine(p *Problems, ent *Entity, i int, in *LineInput, entryRate decimal.Decimal) (DraftLine, bool) {
	at := func(field string) string { return fmt.Sprintf("lines[%d].%s", i, field) }
	before := len(*p)
	l := DraftLine{Account: strings.TrimSpace(in.Account), Currency: in.Currency, Description: strings.TrimSpace(in.Description)}
	if l.Account == "" {
		p.Add(at("account"), ReasonFieldRequired, "account is required (an account code)")
	}
	if utf8.RuneCountInString(l.Description) > 500 {
		p.Add(at("description"), ReasonFieldTooLong, "description is longer than 500 characters")
	}
	if l.Currency == "" {
		l.Currency = ent.Currency
	}
	exponent, known := money.Exponent(l.Currency)
	if !known {
		p.Add(at("currency"), ReasonCurrencyInvalid, "currency %q is not an ISO 4217 code", l.Currency)
	}
	var amount, field string
	switch {
	case in.Debit != "" && in.Credit != "":
		p.Add(at("debit"), ReasonLineBothSides, "a line has a debit or a credit, not both")
	case in.Debit == "" && in.Credit == "":
		p.Add(at("debit"), ReasonLineNoSide, "a line needs a debit or a credit amount")
	case in.Debit != "":
		amount, field, l.Debit = in.Debit, "debit", true
	default:
		amount, field = in.Credit, "credit"
	}
	if amount != "" && known {
		minor, err := money.ParseAmount(amount, exponent)
		var ae *money.AmountError
		if errors.As(err, &ae) {
			p.Add(at(field), Reason(ae.Reason), "%s", ae.Message)
		}
		l.AmountMinor = minor
	}
	if known && l.Currency != ent.Currency {
		switch {
		case in.ExchangeRate != "":
			r, err := money.ParseRate(in.ExchangeRate)
			if err != nil {
				p.Add(at("exchange_rate"), ReasonExchangeRateInvalid, "%v", err)
			}
			l.Rate = r
		case !entryRate.IsZero():
			l.Rate = entryRate
		default:
			p.Add(at("exchange_rate"), ReasonExchangeRateRequired,
				"line is in %s, not the functional currency %s: give exchange_rate on the line or the entry", l.Currency, ent.Currency)
		}
	} else if in.ExchangeRate != "" {
		p.Add(at("exchange_rate"), ReasonExchangeRateUnused, "exchange_rate is given but the line is in the functional currency %s", ent.Currency)
	}
	return l, len(*p) == before
}

// AccountCodes lists the distinct account codes the draft names.
func (d *Draft) AccountCodes() []string {
	seen := make(map[string]bool, len(d.Lines))
	codes := make([]string, 0, len(d.Lines))
	for _, l := range d.Lines {
		if !seen[l.Account] {
			seen[l.Account] = true
			codes = append(codes, l.Account)
		}
	}
	return codes
}

// Resolve checks the draft against the entity's accounts (found by code in
// this entity only, open, and in the account's currency if it has one),
// converts every line to the functional currency and checks that the entry
// balances. It returns the entry to post, without id and number.
func (d *Draft) Resolve(ent *Entity, accounts map[string]*Account) (*Entry, error) {
	var p Problems
	funcExp, _ := money.Exponent(ent.Currency)
	e := &Entry{
		EntityID: ent.ID, FiscalYear: d.FiscalYear, Date: d.Date,
		Description: d.Description, Reference: d.Reference, Currency: ent.Currency,
		Lines: make([]Line, 0, len(d.Lines)),
	}
	var debits, credits, lineDiff int64
	currencies := map[string]bool{}
	for i, dl := range d.Lines {
		at := func(field string) string { return fmt.Sprintf("lines[%d].%s", i, field) }
		a := accounts[dl.Account]
		switch {
		case a == nil:
			p.Add(at("account"), ReasonAccountNotFound, "account %q does not exist in this entity", dl.Account)
			continue
		case a.Archived():
			p.Add(at("account"), ReasonAccountArchived, "account %s is archived and takes no new lines", a.Code)
			continue
		case a.Currency != "" && a.Currency != dl.Currency:
			p.Add(at("currency"), ReasonAccountCurrencyMismatch, "account %s takes only %s, the line is in %s", a.Code, a.Currency, dl.Currency)
			continue
		}
		l := Line{
			LineNo: i + 1, AccountID: a.ID, AccountCode: a.Code, AccountName: a.Name,
			Currency: dl.Currency, AmountMinor: dl.AmountMinor, Description: dl.Description,
		}
		functional := dl.AmountMinor
		if dl.FunctionalMinor > 0 && dl.Currency != ent.Currency {
			functional, l.ExchangeRate = dl.FunctionalMinor, dl.Rate.String()
		} else if dl.Currency != ent.Currency {
			exp, _ := money.Exponent(dl.Currency)
			v, err := money.Convert(dl.AmountMinor, exp, dl.Rate, funcExp)
			if err != nil || v <= 0 {
				p.Add(at("exchange_rate"), ReasonAmountTooLarge, "the line converted at %s is out of range (zero or too large)", dl.Rate)
				continue
			}
			functional, l.ExchangeRate = v, dl.Rate.String()
		}
		if dl.Debit {
			l.DebitMinor = functional
			debits += functional // bounded: MaxLines * MaxMinor < MaxInt64
			lineDiff += dl.AmountMinor
		} else {
			l.CreditMinor = functional
			credits += functional
			lineDiff -= dl.AmountMinor
		}
		currencies[dl.Currency] = true
		e.Lines = append(e.Lines, l)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	if debits != credits {
		return nil, &Error{Code: CodeInvalid, Reason: ReasonEntryUnbalanced,
			Message: fmt.Sprintf("debits %s and credits %s differ by %s %s",
				money.Format(debits, funcExp), money.Format(credits, funcExp), money.Format(debits-credits, funcExp), ent.Currency),
			Fields: []FieldError{{Path: "lines", Reason: ReasonEntryUnbalanced, Message: "the sum of debits must equal the sum of credits"}}}
	}
	if len(currencies) == 1 && lineDiff != 0 {
		return nil, Errorf(CodeInvalid, ReasonEntryUnbalanced, "the lines share one currency but do not balance in it")
	}
	if debits > money.MaxMinor {
		return nil, Errorf(CodeInvalid, ReasonAmountTooLarge, "the entry total is larger than the maximum %s", money.Format(money.MaxMinor, funcExp))
	}
	e.TotalMinor = debits
	return e, nil
}

// Reversal builds the entry that undoes e on date: the same lines with
// debits and credits swapped, pointing back at e.
func (e *Entry) Reversal(date Date, fiscalYear int, description string) *Entry {
	if description == "" {
		description = "Reversal of " + e.NumberText() + ": " + e.Description
		if utf8.RuneCountInString(description) > 500 {
			description = string([]rune(description)[:500])
		}
	}
	id := e.ID
	r := &Entry{
		EntityID: e.EntityID, FiscalYear: fiscalYear, Date: date, Description: description,
		Reference: e.Reference, Currency: e.Currency, TotalMinor: e.TotalMinor, ReversesID: &id,
		Lines: make([]Line, len(e.Lines)),
	}
	for i, l := range e.Lines {
		l.DebitMinor, l.CreditMinor = l.CreditMinor, l.DebitMinor
		r.Lines[i] = l
	}
	return r
}
