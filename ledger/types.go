// Package ledger holds the domain of the books: entities, their charts of
// accounts, journal entries and their rules, API keys and roles, and the one
// error type. It knows no database and no HTTP; ledger/sqlstore stores it and
// api serves it.
package ledger

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// Entity is a client company whose books are kept.
type Entity struct {
	ID                   int64   `json:"id"`
	Name                 string  `json:"name"`
	RegistrationID       string  `json:"registration_id"`
	VATNumber            string  `json:"vat_number"`
	Address              Address `json:"address"`
	Currency             string  `json:"currency"`
	TimeZone             string  `json:"time_zone"`
	FiscalYearStartMonth int     `json:"fiscal_year_start_month"`
	Locale               string  `json:"locale"`
	LockDate             *Date   `json:"lock_date"`
	// VATTaxNumber is the omzetbelastingnummer the VAT return is filed
	// under. For a company it is usually the VAT id; a sole proprietor has
	// a VAT id for invoices and a different tax number for the return.
	VATTaxNumber string    `json:"vat_tax_number"`
	VATScheme    VATScheme `json:"vat_scheme"`
	VATPeriod    VATPeriod `json:"vat_period"` // how often the VAT return is filed
	// ElectronicAddress is where the entity receives e-invoices
	// ("scheme:id", see CheckElectronicAddress); "" derives 0106 and its
	// KvK number (Endpoint).
	ElectronicAddress string    `json:"electronic_address"`
	CreatedAt         time.Time `json:"created_at"`
	UpdatedAt         time.Time `json:"updated_at"`
}

// VATScheme is how an entity accounts for VAT.
type VATScheme string

const (
	VATStandard VATScheme = "standard" // charges VAT, deducts input VAT, files returns
	// VATSmallBusiness is the small-business scheme (kleineondernemersregeling,
	// art. 25 Wet OB): no VAT charged, no deduction, no return.
	VATSmallBusiness VATScheme = "kor"
)

// VATPeriod is the length of an entity's VAT return period.
type VATPeriod string

const (
	VATMonthly   VATPeriod = "month"
	VATQuarterly VATPeriod = "quarter"
	VATYearly    VATPeriod = "year"
)

// Address is a postal address; Country is an ISO 3166-1 alpha-2 code.
type Address struct {
	Lines    []string `json:"lines"`
	Postcode string   `json:"postcode"`
	City     string   `json:"city"`
	Country  string   `json:"country"`
}

// Location is the entity's time zone; entry dates are calendar dates there.
func (e *Entity) Location() *time.Location {
	loc, err := time.LoadLocation(e.TimeZone)
	if err != nil { // validated on write; fall back rather than fail a read
		return time.UTC
	}
	return loc
}

// Today is the current date in the entity's time zone.
func (e *Entity) Today() Date { return Today(e.Location()) }

// Locked reports whether d is on or before the entity's lock date.
func (e *Entity) Locked(d Date) bool {
	return e.LockDate != nil && !d.After(*e.LockDate)
}

// AccountType is one of the five kinds of account.
type AccountType string

const (
	Asset     AccountType = "asset"
	Liability AccountType = "liability"
	Equity    AccountType = "equity"
	Revenue   AccountType = "revenue"
	Expense   AccountType = "expense"
)

// AccountTypes lists the types in the order reports show them.
var AccountTypes = []AccountType{Asset, Liability, Equity, Revenue, Expense}

// Valid reports whether t is one of the five types.
func (t AccountType) Valid() bool { return slices.Contains(AccountTypes, t) }

// DebitNormal reports whether the type's balance is normally a debit.
func (t AccountType) DebitNormal() bool { return t == Asset || t == Expense }

// Account is a line of an entity's chart of accounts.
type Account struct {
	ID         int64       `json:"id"`
	EntityID   int64       `json:"entity_id"`
	Code       string      `json:"code"`
	Name       string      `json:"name"`
	Type       AccountType `json:"type"`
	ParentID   *int64      `json:"-"`
	ParentCode string      `json:"parent"`
	Currency   string      `json:"currency"`    // "" means any currency
	RGSCode    string      `json:"rgs_code"`    // the account's code in the Dutch reference chart (RGS); "" when unmapped
	RGSVersion string      `json:"rgs_version"` // the RGS version RGSCode is taken from
	ArchivedAt *time.Time  `json:"archived_at"`
	CreatedAt  time.Time   `json:"created_at"`
	UpdatedAt  time.Time   `json:"updated_at"`
}

// Archived reports whether the account takes no new lines.
func (a *Account) Archived() bool { return a.ArchivedAt != nil }

// Entry is a posted journal entry. It never changes once posted.
type Entry struct {
	EntityID    int64
	ID          int64
	FiscalYear  int
	Number      int64 // gapless per entity and fiscal year, from 1
	Date        Date
	Description string
	Reference   string
	Currency    string // the entity's functional currency
	TotalMinor  int64  // sum of debits (= sum of credits), functional
	ReversesID  *int64
	ReversedBy  *int64 // the entry that reverses this one, if any
	CreatedAt   time.Time
	CreatedBy   int64 // the actor that posted it (a key's actor has the key's id)
	Lines       []Line
}

// NumberText is the entry's number as people write it: "2026-000042".
func (e *Entry) NumberText() string { return FormatEntryNumber(e.FiscalYear, e.Number) }

// FormatEntryNumber writes a fiscal year and sequence number as "2026-000042".
func FormatEntryNumber(fiscalYear int, n int64) string {
	return fmt.Sprintf("%d-%06d", fiscalYear, n)
}

// Line is one debit or credit of an entry. DebitMinor and CreditMinor are in
// the functional currency (exactly one is positive); AmountMinor is the same
// amount in the line's Currency, converted at ExchangeRate when they differ.
type Line struct {
	LineNo       int
	AccountID    int64
	AccountCode  string
	AccountName  string
	DebitMinor   int64
	CreditMinor  int64
	Currency     string
	AmountMinor  int64
	ExchangeRate string // "" when Currency is the functional currency
	Description  string
}

// AuditEvent is a recorded change that is not a journal entry: to an
// entity, its lock date, its chart or the API keys (law 8).
type AuditEvent struct {
	ID      int64           `json:"id"`
	At      time.Time       `json:"at"`
	KeyID   *int64          `json:"key_id"` // the key behind the actor; nil: made from the command line or by a person
	ActorID *int64          `json:"-"`      // who made it; nil: the system actor (the command line)
	Action  string          `json:"action"` // e.g. "lock_date.set", "account.archived"
	Subject string          `json:"subject"`
	Detail  json.RawMessage `json:"detail"`
}
