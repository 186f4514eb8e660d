package invoicing

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"backoffice/ledger"
	"backoffice/ledger/money"
)

// Kind tells an invoice from a credit note; both are documents with lines,
// a number in their own series, and an entry.
type Kind string

const (
	KindInvoice    Kind = "invoice"
	KindCreditNote Kind = "credit_note"
)

// Statuses. Stored are draft, issued and void; the rest are derived from
// what is settled (see Invoice.Status).
const (
	StatusDraft         = "draft"
	StatusIssued        = "issued"
	StatusPartiallyPaid = "partially_paid"
	StatusPaid          = "paid"
	StatusVoid          = "void"
	StatusCredited      = "credited"
	// A credit note whose credit is used up (applied to invoices or refunded).
	StatusApplied = "applied"
)

// MaxInvoiceLines bounds one invoice.
const MaxInvoiceLines = 1000

// Line is one line of an invoice or credit note. The tax code's rate, kind
// and account are copied in when the line is written, so an issued invoice
// keeps them whatever later happens to the code.
type Line struct {
	LineNo           int
	Description      string
	Quantity         decimal.Decimal
	Unit             string
	UnitPrice        decimal.Decimal
	DiscountPercent  decimal.Decimal
	TaxCodeID        int64
	TaxCode          string
	TaxRate          decimal.Decimal
	TaxKind          TaxKind
	TaxAccountID     int64
	TaxAccount       string
	RevenueAccountID int64
	RevenueAccount   string
	NetMinor         int64
	CreditsLineNo    *int // credit notes: the invoice line credited
	// TaxAdjustMinor corrects the VAT of the line's tax code on a credit
	// note so that credit notes together credit exactly the invoice's VAT
	// (see BuildCreditNote). Zero on invoices.
	TaxAdjustMinor int64
}

// VATRow is the VAT breakdown for one tax code (EN 16931 BG-23).
type VATRow struct {
	TaxCode   string
	Rate      decimal.Decimal
	Kind      TaxKind
	AccountID int64
	Account   string
	NetMinor  int64
	TaxMinor  int64
	LegalNote string
}

// Invoice is an invoice or a credit note.
type Invoice struct {
	ID                     int64
	EntityID               int64
	Kind                   Kind
	StoredStatus           string // draft, issued or void
	Number                 string
	FiscalYear             int
	Seq                    int64
	CustomerID             int64
	Currency               string
	ExchangeRate           decimal.Decimal // zero in the functional currency
	IssueDate              *ledger.Date
	SupplyDate             *ledger.Date
	DueDate                *ledger.Date
	Notes                  string
	BuyerReference         string // the customer's reference to quote (EN 16931 BT-10)
	CreditedInvoiceID      *int64
	Lines                  []Line
	NetMinor               int64
	TaxMinor               int64
	TotalMinor             int64
	FunctionalTotalMinor   int64
	SettledMinor           int64 // by allocations, as either side
	SettledFunctionalMinor int64
	PaidMinor              int64 // the part of SettledMinor that money paid
	CreditNotedMinor       int64 // invoices: the totals of credit notes against it
	EntryID                *int64
	VoidEntryID            *int64
	CreatedAt              time.Time
	CreatedBy              int64
	UpdatedAt              time.Time
	IssuedAt               *time.Time
	IssuedBy               *int64
	VoidedAt               *time.Time
	VoidedBy               *int64
	Printed                *Printed   // set at issue
	VIES                   *VIESCheck // the VIES answer to keep when issued (Printed.VIES once issued)
}

// OpenMinor is what is still owed on an invoice, or still to be used of a
// credit note.
func (inv *Invoice) OpenMinor() int64 {
	if inv.StoredStatus != StatusIssued {
		return 0
	}
	return inv.TotalMinor - inv.SettledMinor
}

// OpenFunctionalMinor is the open part's carrying amount in the functional
// currency.
func (inv *Invoice) OpenFunctionalMinor() int64 {
	return inv.FunctionalTotalMinor - inv.SettledFunctionalMinor
}

// Status derives the status from what is stored and settled.
func (inv *Invoice) Status() string {
	switch {
	case inv.StoredStatus != StatusIssued:
		return inv.StoredStatus
	case inv.Kind == KindCreditNote && inv.OpenMinor() == 0:
		return StatusApplied
	case inv.Kind == KindCreditNote:
		return StatusIssued
	case inv.OpenMinor() == 0 && inv.PaidMinor > 0:
		return StatusPaid
	case inv.OpenMinor() == 0:
		return StatusCredited
	case inv.PaidMinor > 0:
		return StatusPartiallyPaid
	}
	return StatusIssued
}

// Overdue reports an invoice past its due date with something still open.
func (inv *Invoice) Overdue(today ledger.Date) bool {
	return inv.Kind == KindInvoice && inv.DueDate != nil && inv.OpenMinor() > 0 && today.After(*inv.DueDate)
}

// LineNet is EN 16931's line net amount: quantity x price less the
// discount percent, rounded half away from zero to the currency's minor
// unit. It is refused when it does not fit the ledger.
func LineNet(qty, price, discountPercent decimal.Decimal, exponent int) (int64, bool) {
	hundred := decimal.NewFromInt(100)
	net := qty.Mul(price).Mul(hundred.Sub(discountPercent)).Div(hundred)
	minor := net.Shift(int32(exponent)).Round(0)
	if minor.Abs().GreaterThan(decimal.NewFromInt(money.MaxMinor)) {
		return 0, false
	}
	return minor.IntPart(), true
}

// VATBreakdown groups the lines by tax code in the order of first use and
// computes each code's VAT once, on the sum of its line nets (EN 16931
// BR-CO-17), rounded half away from zero (plus a credit note's adjustment).
func VATBreakdown(lines []Line, exponent int) []VATRow {
	var rows []VATRow
	at := map[string]int{}
	for _, l := range lines {
		i, ok := at[l.TaxCode]
		if !ok {
			i = len(rows)
			at[l.TaxCode] = i
			rows = append(rows, VATRow{TaxCode: l.TaxCode, Rate: l.TaxRate, Kind: l.TaxKind, AccountID: l.TaxAccountID,
				Account: l.TaxAccount, LegalNote: l.TaxKind.LegalNote()})
		}
		rows[i].NetMinor += l.NetMinor
		rows[i].TaxMinor += l.TaxAdjustMinor
	}
	for i := range rows {
		rows[i].TaxMinor += Percent(rows[i].NetMinor, rows[i].Rate)
	}
	return rows
}

// Percent is rate percent of minor, rounded half away from zero.
func Percent(minor int64, rate decimal.Decimal) int64 {
	return decimal.NewFromInt(minor).Mul(rate).Div(decimal.NewFromInt(100)).Round(0).IntPart()
}

// ComputeTotals sets the invoice's net, VAT and total from its lines.
func (inv *Invoice) ComputeTotals() {
	inv.NetMinor, inv.TaxMinor = 0, 0
	for _, l := range inv.Lines {
		inv.NetMinor += l.NetMinor
	}
	exp, _ := money.Exponent(inv.Currency)
	for _, r := range VATBreakdown(inv.Lines, exp) {
		inv.TaxMinor += r.TaxMinor
	}
	inv.TotalMinor = inv.NetMinor + inv.TaxMinor
}

// InvoiceInput creates a draft (customer_id required) or edits one
// (non-nil fields; lines, when given, replace all lines).
type InvoiceInput struct {
	CustomerID   *int64  `json:"customer_id"`
	Currency     *string `json:"currency"`
	ExchangeRate *string `json:"exchange_rate"`
	IssueDate    *string `json:"issue_date"`
	SupplyDate   *string `json:"supply_date"`
	Notes        *string `json:"notes"`
	// BuyerReference is the reference the customer asks its invoices to
	// quote (an order or cost centre); "" clears it.
	BuyerReference *string      `json:"buyer_reference"`
	Lines          *[]LineInput `json:"lines"`
}

// LineInput is one line as a caller sends it. Quantity, unit price and
// discount are decimal strings; the tax code and revenue account are codes.
type LineInput struct {
	Description     string `json:"description"`
	Quantity        string `json:"quantity"`
	Unit            string `json:"unit"`
	UnitPrice       string `json:"unit_price"`
	DiscountPercent string `json:"discount_percent"`
	TaxCode         string `json:"tax_code"`
	RevenueAccount  string `json:"revenue_account"`
}

// Lookup is what checking a draft needs from the store: the entity's
// customers, tax codes and accounts by their keys, and its settings.
type Lookup struct {
	Entity   *ledger.Entity
	Settings *Settings
	Customer func(id int64) *Customer
	TaxCodes map[string]*TaxCode
	Accounts map[string]*ledger.Account
}

// Apply validates a draft's input and writes it onto inv. Everything is
// checked that a draft can be checked for; Issuable adds what issuing needs.
func (in *InvoiceInput) Apply(inv *Invoice, lk *Lookup, creating bool) error {
	var p ledger.Problems
	ent := lk.Entity
	if in.CustomerID != nil {
		c := lk.Customer(*in.CustomerID)
		switch {
		case c == nil:
			p.Add("customer_id", ledger.ReasonCustomerNotFound, "customer %d does not exist in this entity", *in.CustomerID)
		case c.ArchivedAt != nil:
			p.Add("customer_id", ledger.ReasonCustomerArchived, "customer %d is archived", c.ID)
		default:
			if inv.CustomerID != c.ID && in.Currency == nil && (creating || inv.Currency == "") {
				inv.Currency = c.Currency
			}
			inv.CustomerID = c.ID
		}
	} else if creating {
		p.Add("customer_id", ledger.ReasonFieldRequired, "customer_id is required")
	}
	if in.Currency != nil {
		switch {
		case !money.ValidCurrency(*in.Currency):
			p.Add("currency", ledger.ReasonCurrencyInvalid, "currency %q is not an ISO 4217 code", *in.Currency)
		case *in.Currency != inv.Currency:
			inv.Currency = *in.Currency
			// A rate belongs to its currency: a new currency needs its own.
			inv.ExchangeRate = decimal.Decimal{}
		}
	}
	if inv.Currency == "" {
		inv.Currency = ent.Currency
	}
	if in.ExchangeRate != nil {
		if *in.ExchangeRate == "" {
			inv.ExchangeRate = decimal.Decimal{}
		} else if r, err := money.ParseRate(*in.ExchangeRate); err != nil {
			p.Add("exchange_rate", ledger.ReasonExchangeRateInvalid, "%v", err)
		} else {
			inv.ExchangeRate = r
		}
	}
	if inv.Currency == ent.Currency && !inv.ExchangeRate.IsZero() {
		if in.ExchangeRate != nil {
			p.Add("exchange_rate", ledger.ReasonExchangeRateUnused, "exchange_rate is given but the invoice is in %s, the functional currency", ent.Currency)
		}
		inv.ExchangeRate = decimal.Decimal{}
	}
	date := func(path string, v *string, dst **ledger.Date) {
		if v == nil {
			return
		}
		if *v == "" {
			*dst = nil
			return
		}
		d, err := ledger.ParseDate(*v)
		if err != nil {
			p.Add(path, ledger.ReasonDateInvalid, "%v", err)
			return
		}
		*dst = &d
	}
	date("issue_date", in.IssueDate, &inv.IssueDate)
	date("supply_date", in.SupplyDate, &inv.SupplyDate)
	if in.Notes != nil {
		n := strings.TrimSpace(*in.Notes)
		if utf8.RuneCountInString(n) > 2000 {
			p.Add("notes", ledger.ReasonFieldTooLong, "notes are longer than 2000 characters")
		} else {
			inv.Notes = n
		}
	}
	text(&p, "buyer_reference", in.BuyerReference, &inv.BuyerReference, 200, false, creating)
	if in.Lines != nil {
		lines := *in.Lines
		if len(lines) > MaxInvoiceLines {
			p.Add("lines", ledger.ReasonLinesTooMany, "an invoice has at most %d lines, got %d", MaxInvoiceLines, len(lines))
			return p.Err()
		}
		exp, _ := money.Exponent(inv.Currency)
		inv.Lines = make([]Line, 0, len(lines))
		for i := range lines {
			if l, ok := parseLine(&p, lk, i, &lines[i], exp); ok {
				inv.Lines = append(inv.Lines, l)
			}
		}
	} else if in.Currency != nil && len(inv.Lines) > 0 {
		// A new currency changes how the lines round, and what fits.
		exp, _ := money.Exponent(inv.Currency)
		for i := range inv.Lines {
			l := &inv.Lines[i]
			net, ok := LineNet(l.Quantity, l.UnitPrice, l.DiscountPercent, exp)
			if !ok {
				p.Add(fmt.Sprintf("lines[%d].quantity", i), ledger.ReasonAmountTooLarge, "quantity x unit_price in %s is larger than the ledger holds", inv.Currency)
			}
			l.NetMinor = net
		}
	}
	if err := p.Err(); err != nil {
		return err
	}
	inv.ComputeTotals()
	if inv.TotalMinor > money.MaxMinor {
		return ledger.Errorf(ledger.CodeInvalid, ledger.ReasonAmountTooLarge, "the invoice total is larger than the maximum %s", money.Format(money.MaxMinor, 0))
	}
	return nil
}

func parseLine(p *ledger.Problems, lk *Lookup, i int, in *LineInput, exponent int) (Line, bool) {
	at := func(f string) string { return fmt.Sprintf("lines[%d].%s", i, f) }
	before := len(*p)
	l := Line{LineNo: i + 1, Description: strings.TrimSpace(in.Description), Unit: strings.TrimSpace(in.Unit)}
	switch {
	case l.Description == "":
		p.Add(at("description"), ledger.ReasonFieldRequired, "description is required")
	case utf8.RuneCountInString(l.Description) > 1000:
		p.Add(at("description"), ledger.ReasonFieldTooLong, "description is longer than 1000 characters")
	}
	if utf8.RuneCountInString(l.Unit) > 20 {
		p.Add(at("unit"), ledger.ReasonFieldTooLong, "unit is longer than 20 characters")
	}
	num := func(field, s string, places int32, required bool, negative, invalid ledger.Reason) decimal.Decimal {
		if s == "" {
			if required {
				p.Add(at(field), ledger.ReasonFieldRequired, "%s is required (a decimal string such as \"12.50\")", field)
			}
			return decimal.Decimal{}
		}
		d, err := ParseDecimal(s, places)
		if err == errNegative {
			p.Add(at(field), negative, "%s %q is negative; to give money back, issue a credit note", field, s)
		} else if err != nil {
			p.Add(at(field), invalid, "%s %v", field, err)
		}
		return d
	}
	l.Quantity = num("quantity", in.Quantity, 6, true, ledger.ReasonQuantityNegative, ledger.ReasonQuantityInvalid)
	l.UnitPrice = num("unit_price", in.UnitPrice, 4, true, ledger.ReasonUnitPriceNegative, ledger.ReasonUnitPriceInvalid)
	l.DiscountPercent = num("discount_percent", in.DiscountPercent, 4, false, ledger.ReasonDiscountPercentNegative, ledger.ReasonDiscountPercentInvalid)
	if len(*p) == before && !l.Quantity.IsPositive() {
		p.Add(at("quantity"), ledger.ReasonQuantityInvalid, "quantity must be greater than 0")
	}
	if l.DiscountPercent.GreaterThan(decimal.NewFromInt(100)) {
		p.Add(at("discount_percent"), ledger.ReasonDiscountPercentInvalid, "discount_percent is 0 to 100")
	}
	code := strings.TrimSpace(in.TaxCode)
	switch t := lk.TaxCodes[code]; {
	case code == "":
		p.Add(at("tax_code"), ledger.ReasonFieldRequired, "tax_code is required (for example \"21\")")
	case t == nil:
		p.Add(at("tax_code"), ledger.ReasonTaxCodeNotFound, "tax code %q does not exist in this entity", code)
	case t.ArchivedAt != nil:
		p.Add(at("tax_code"), ledger.ReasonTaxCodeArchived, "tax code %q is archived", code)
	default:
		l.TaxCodeID, l.TaxCode, l.TaxRate, l.TaxKind, l.TaxAccountID, l.TaxAccount = t.ID, t.Code, t.Rate, t.Kind, t.AccountID, t.Account
	}
	acc := strings.TrimSpace(in.RevenueAccount)
	if t := lk.TaxCodes[code]; acc == "" && t != nil && t.RevenueAccount != "" {
		acc = t.RevenueAccount // the tax code's revenue account (high rate, exports, ...)
	}
	if acc == "" {
		acc = lk.Settings.RevenueAccount
	}
	switch a := lk.Accounts[acc]; {
	case a == nil:
		p.Add(at("revenue_account"), ledger.ReasonAccountNotFound, "account %q does not exist in this entity", acc)
	case a.Archived():
		p.Add(at("revenue_account"), ledger.ReasonAccountArchived, "account %s is archived and takes no new lines", acc)
	case a.Type != ledger.Revenue:
		p.Add(at("revenue_account"), ledger.ReasonAccountTypeInvalid, "account %s is a %s account; invoice lines are credited to revenue accounts", acc, a.Type)
	default:
		l.RevenueAccountID, l.RevenueAccount = a.ID, a.Code
	}
	if len(*p) > before {
		return l, false
	}
	net, ok := LineNet(l.Quantity, l.UnitPrice, l.DiscountPercent, exponent)
	if !ok {
		p.Add(at("quantity"), ledger.ReasonAmountTooLarge, "quantity x unit_price is larger than the ledger holds")
		return l, false
	}
	l.NetMinor = net
	return l, true
}

// Issuable checks what issuing needs beyond a valid draft, with the state
// of the books now (codes and accounts may have been archived since the
// draft was saved): lines, a total, a rate for a foreign currency, an open
// period.
func (inv *Invoice) Issuable(lk *Lookup, date ledger.Date) error {
	var p ledger.Problems
	ent := lk.Entity
	if len(inv.Lines) == 0 {
		return ledger.Errorf(ledger.CodeInvalid, ledger.ReasonInvoiceEmpty, "an invoice needs at least one line to be issued")
	}
	if inv.TotalMinor <= 0 {
		return ledger.Errorf(ledger.CodeInvalid, ledger.ReasonInvoiceTotalZero, "the invoice total is zero; there is nothing to issue")
	}
	// A credit note corrects what was invoiced, also to a customer since
	// archived.
	if c := lk.Customer(inv.CustomerID); c == nil || (c.ArchivedAt != nil && inv.Kind == KindInvoice) {
		p.Add("customer_id", ledger.ReasonCustomerArchived, "customer %d is archived", inv.CustomerID)
	}
	if inv.Currency != ent.Currency && inv.ExchangeRate.IsZero() {
		p.Add("exchange_rate", ledger.ReasonExchangeRateRequired, "the invoice is in %s, not the functional currency %s: set exchange_rate on the draft", inv.Currency, ent.Currency)
	}
	if ent.Locked(date) {
		p.Add("issue_date", ledger.ReasonPeriodLocked, "issue date %s is on or before the lock date %s", date, ent.LockDate)
	}
	if err := date.CheckRange(); err != nil { // a draft saved before the range was one
		p.Add("issue_date", ledger.ReasonDateInvalid, "%v", err)
	}
	for i, l := range inv.Lines {
		at := func(f string) string { return fmt.Sprintf("lines[%d].%s", i, f) }
		// A credit note corrects an invoice with its own codes, archived or not.
		if t := lk.TaxCodes[l.TaxCode]; inv.Kind == KindInvoice && (t == nil || t.ArchivedAt != nil) {
			p.Add(at("tax_code"), ledger.ReasonTaxCodeArchived, "tax code %q is archived", l.TaxCode)
		}
		if a := lk.Accounts[l.RevenueAccount]; a == nil || a.Archived() {
			p.Add(at("revenue_account"), ledger.ReasonAccountArchived, "account %s is archived and takes no new lines", l.RevenueAccount)
		}
		if a := lk.Accounts[l.TaxAccount]; a == nil || a.Archived() {
			p.Add(at("tax_code"), ledger.ReasonAccountArchived, "the VAT account %s of tax code %q is archived", l.TaxAccount, l.TaxCode)
		}
	}
	for _, code := range []string{lk.Settings.ReceivableAccount} {
		if a := lk.Accounts[code]; a == nil || a.Archived() {
			p.Add("", ledger.ReasonAccountArchived, "the receivables account %s is missing or archived; see the invoicing settings", code)
		}
	}
	if err := p.Err(); err != nil {
		return err
	}
	// What the law asks of an invoice (legal.go).
	if err := inv.checkKOR(ent); err != nil {
		return err
	}
	// A credit note corrects an invoice as it was issued, whatever it
	// mixed: the e-invoice of an older mixed one rounds or refuses alone.
	if inv.Kind == KindInvoice {
		if err := inv.checkVATGroups(lk.Customer(inv.CustomerID)); err != nil {
			return err
		}
	}
	return incomplete(inv.complete(lk, lk.Customer(inv.CustomerID)))
}

// Printed is what an issued document says about its parties and terms,
// fixed when it is issued: later changes to the customer, the entity or
// the settings never rewrite a document already sent.
type Printed struct {
	Supplier         PrintedParty `json:"supplier"`
	Customer         PrintedParty `json:"customer"`
	Language         string       `json:"language"`
	PaymentTermsDays int          `json:"payment_terms_days"`
	IBAN             string       `json:"iban"`
	// VATScheme is the supplier's VAT scheme when issued: "kor" prints
	// the small-business scheme's note instead of charging VAT.
	VATScheme string `json:"vat_scheme,omitempty"`
	// VIES is the check of the customer's VAT number before a 0 %
	// intra-EU supply.
	VIES *VIESCheck `json:"vies,omitempty"`
}

// PrintedParty is a supplier or customer as printed.
type PrintedParty struct {
	Name           string         `json:"name"`
	Address        ledger.Address `json:"address"`
	VATNumber      string         `json:"vat_number"`
	RegistrationID string         `json:"registration_id"`
	Email          string         `json:"email,omitempty"`
}

// NewPrinted takes the parties and terms as they are now.
func NewPrinted(ent *ledger.Entity, c *Customer, s *Settings) *Printed {
	return &Printed{
		Supplier: PrintedParty{Name: ent.Name, Address: ent.Address, VATNumber: ent.VATNumber, RegistrationID: ent.RegistrationID},
		Customer: PrintedParty{Name: c.Name, Address: c.Address, VATNumber: c.VATNumber, RegistrationID: c.RegistrationID, Email: c.Email},
		Language: c.Language, PaymentTermsDays: c.PaymentTermsDays, IBAN: s.IBAN, VATScheme: string(ent.VATScheme),
	}
}
