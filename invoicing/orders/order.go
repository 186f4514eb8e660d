// Package orders keeps the orders that client companies' shops and systems
// push to us, moves them through their life cycle and turns them into
// invoices. Order lines are checked with the same rules as invoice lines
// (invoicing.InvoiceInput.Apply), so an accepted order always invoices.
// No database and no HTTP here: invoicing/orders/orderstore stores orders in
// the same transactions as the invoices made from them.
package orders

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"backoffice/invoicing"
	"backoffice/ledger"
	"backoffice/ledger/money"
)

// Status is where an order is in its life cycle.
type Status string

const (
	Received  Status = "received"
	Accepted  Status = "accepted"
	Fulfilled Status = "fulfilled"
	Invoiced  Status = "invoiced"
	Cancelled Status = "cancelled"
)

// Statuses lists every status, in life-cycle order.
var Statuses = []Status{Received, Accepted, Fulfilled, Invoiced, Cancelled}

// moves lists the statuses each status may move to by request. Invoiced is
// reached only by invoicing an order (and left only when that invoice is
// deleted or voided, back to fulfilled).
var moves = map[Status][]Status{
	Received: {Accepted, Cancelled},
	Accepted: {Fulfilled, Cancelled},
}

// CanMove reports whether an order may be moved from one status to another.
func CanMove(from, to Status) bool { return slices.Contains(moves[from], to) }

// Limits on what one order holds.
const (
	MaxLines      = 500
	MaxBatch      = 1000
	maxExternalID = 100
	maxSKU        = 100
)

// Order is an order as pushed, with where it is now.
type Order struct {
	ID          int64
	EntityID    int64
	ExternalID  string
	CustomerID  int64
	OrderDate   ledger.Date
	Currency    string
	Status      Status
	Notes       string
	Lines       []Line
	NetMinor    int64
	TaxMinor    int64
	TotalMinor  int64
	InvoiceID   *int64
	CreatedBy   int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
	History     []StatusChange
	Payload     string // the normalised input (Normalize), to compare resends with
	CustomerRef string // the customer's external reference, as pushed
}

// Line is one order line. Amounts are the line's net in the order's
// currency, computed as an invoice line's would be.
type Line struct {
	LineNo          int
	SKU             string
	Description     string
	Quantity        decimal.Decimal
	Unit            string
	UnitPrice       decimal.Decimal
	DiscountPercent decimal.Decimal
	TaxCode         string
	NetMinor        int64
}

// StatusChange is one step of an order's history.
type StatusChange struct {
	Seq       int       `json:"seq"`
	From      *Status   `json:"from"`
	To        Status    `json:"to"`
	Reason    string    `json:"reason"`
	InvoiceID *int64    `json:"invoice_id"`
	ChangedBy int64     `json:"changed_by"` // the actor (a key's actor has the key's id)
	ChangedAt time.Time `json:"changed_at"`
}

// Input is an order as an integration sends it.
type Input struct {
	ExternalID string       `json:"external_id"`
	OrderDate  string       `json:"order_date"`
	Currency   string       `json:"currency"`
	Customer   *CustomerRef `json:"customer"`
	Notes      string       `json:"notes"`
	Lines      []LineInput  `json:"lines"`
}

// CustomerRef names the order's customer by the integration's own
// reference; the rest creates the customer when the reference is new (and
// is otherwise not applied: customers are kept by the accountants).
type CustomerRef struct {
	ExternalRef      string          `json:"external_ref"`
	Name             *string         `json:"name"`
	Email            *string         `json:"email"`
	Address          *ledger.Address `json:"address"`
	VATNumber        *string         `json:"vat_number"`
	RegistrationID   *string         `json:"registration_id"`
	Language         *string         `json:"language"`
	PaymentTermsDays *int            `json:"payment_terms_days"`
	CustomerType     *string         `json:"customer_type"` // business (default) or consumer
}

// LineInput is one order line as sent. Unit prices exclude VAT, as on the
// invoice the order becomes.
type LineInput struct {
	SKU             string `json:"sku"`
	Description     string `json:"description"`
	Quantity        string `json:"quantity"`
	Unit            string `json:"unit"`
	UnitPrice       string `json:"unit_price"`
	DiscountPercent string `json:"discount_percent"`
	TaxCode         string `json:"tax_code"`
}

// Lookup is what checking an order needs from the store.
type Lookup struct {
	Entity   *ledger.Entity
	Settings *Settings
	Invoice  *invoicing.Lookup // tax codes, accounts and invoicing settings
	// Customer is the entity's customer with the order's reference, or nil
	// when the order will create it.
	Customer *invoicing.Customer
}

// Check validates an order and returns it ready to store, with the
// customer to create when lk.Customer is nil. Every problem is reported at
// its JSON path; lines are checked exactly as invoice lines are.
func (in *Input) Check(lk *Lookup) (*Order, *invoicing.CustomerInput, error) {
	var p ledger.Problems
	o := &Order{EntityID: lk.Entity.ID, Status: Received}
	o.ExternalID = strings.TrimSpace(in.ExternalID)
	switch {
	case o.ExternalID == "":
		p.Add("external_id", ledger.ReasonFieldRequired, "external_id is required: your system's reference for the order")
	case utf8.RuneCountInString(o.ExternalID) > maxExternalID:
		p.Add("external_id", ledger.ReasonFieldTooLong, "external_id is longer than %d characters", maxExternalID)
	case strings.ContainsFunc(o.ExternalID, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		p.Add("external_id", ledger.ReasonTextInvalid, "external_id holds a control character")
	}
	if in.OrderDate == "" {
		p.Add("order_date", ledger.ReasonFieldRequired, "order_date is required (YYYY-MM-DD)")
	} else if d, err := ledger.ParseDate(in.OrderDate); err != nil {
		p.Add("order_date", ledger.ReasonDateInvalid, "%v", err)
	} else {
		o.OrderDate = d
	}
	o.Currency = strings.TrimSpace(in.Currency)
	if o.Currency == "" {
		o.Currency = lk.Entity.Currency
	}
	currencyOK := true
	switch {
	case !money.ValidCurrency(o.Currency):
		p.Add("currency", ledger.ReasonCurrencyInvalid, "currency %q is not an ISO 4217 code", o.Currency)
		currencyOK = false
	case !lk.Settings.Allows(o.Currency, lk.Entity.Currency):
		p.Add("currency", ledger.ReasonCurrencyNotAllowed, "this entity takes orders in %s, not %s", strings.Join(lk.Settings.currencies(lk.Entity.Currency), ", "), o.Currency)
		currencyOK = false
	}

	var newCustomer *invoicing.CustomerInput
	switch c := in.Customer; {
	case c == nil:
		p.Add("customer", ledger.ReasonFieldRequired, "customer is required, with at least its external_ref")
	case strings.TrimSpace(c.ExternalRef) == "":
		p.Add("customer.external_ref", ledger.ReasonFieldRequired, "customer.external_ref is required: your system's reference for the customer")
	default:
		o.CustomerRef = strings.TrimSpace(c.ExternalRef)
		// The customer's data is checked whether or not it is used, so that
		// an order is valid or not whatever the database holds.
		ci := c.input(o.Currency, currencyOK)
		var scratch invoicing.Customer
		if err := ci.Apply(&scratch, lk.Entity, true); err != nil {
			for _, f := range ledger.As(err).Fields {
				if lk.Customer != nil && f.Path == "name" && f.Reason == ledger.ReasonFieldRequired {
					continue // an existing customer needs no name
				}
				p.Add("customer."+f.Path, f.Reason, "customer.%s: %s", f.Path, f.Message)
			}
		}
		if lk.Customer == nil {
			newCustomer = ci
		} else {
			o.CustomerID = lk.Customer.ID
			if lk.Customer.ArchivedAt != nil {
				p.Add("customer.external_ref", ledger.ReasonCustomerArchived, "customer %q is archived and takes no new orders", o.CustomerRef)
			}
		}
	}

	switch {
	case len(in.Lines) == 0:
		p.Add("lines", ledger.ReasonLinesEmpty, "an order has at least one line")
	case len(in.Lines) > MaxLines:
		p.Add("lines", ledger.ReasonLinesTooMany, "an order has at most %d lines, got %d", MaxLines, len(in.Lines))
	}
	if currencyOK && len(in.Lines) > 0 && len(in.Lines) <= MaxLines {
		o.Lines = checkLines(&p, lk, o, in)
	}
	if err := p.Err(); err != nil {
		return nil, nil, err
	}
	o.Payload = in.Normalize(o.Currency)
	return o, newCustomer, nil
}

// input is the customer to create from the reference's data.
func (c *CustomerRef) input(currency string, currencyOK bool) *invoicing.CustomerInput {
	ref := strings.TrimSpace(c.ExternalRef)
	ci := &invoicing.CustomerInput{ExternalRef: &ref, Name: c.Name, Email: c.Email, Address: c.Address,
		VATNumber: c.VATNumber, RegistrationID: c.RegistrationID, Language: c.Language, PaymentTermsDays: c.PaymentTermsDays,
		CustomerType: c.CustomerType}
	if currencyOK {
		ci.Currency = &currency // the customer is invoiced in the currency it orders in
	}
	return ci
}

// checkLines checks the lines with the invoice rules and computes the
// order's totals as the invoice will.
func checkLines(p *ledger.Problems, lk *Lookup, o *Order, in *Input) []Line {
	lines := make([]invoicing.LineInput, len(in.Lines))
	for i, l := range in.Lines {
		at := func(f string) string { return fmt.Sprintf("lines[%d].%s", i, f) }
		sku := strings.TrimSpace(l.SKU)
		if utf8.RuneCountInString(sku) > maxSKU {
			p.Add(at("sku"), ledger.ReasonFieldTooLong, "sku is longer than %d characters", maxSKU)
		}
		desc := l.Description
		if strings.TrimSpace(desc) == "" {
			desc = sku // a shop line may carry only its article number
		}
		lines[i] = invoicing.LineInput{Description: desc, Quantity: l.Quantity, Unit: l.Unit, UnitPrice: l.UnitPrice,
			DiscountPercent: l.DiscountPercent, TaxCode: l.TaxCode}
	}
	notes := in.Notes
	inv := &invoicing.Invoice{}
	err := (&invoicing.InvoiceInput{Currency: &o.Currency, Notes: &notes, Lines: &lines}).Apply(inv, lk.Invoice, false)
	if err != nil {
		e := ledger.As(err)
		if len(e.Fields) == 0 {
			p.Add("lines", e.Reason, "%s", e.Message)
		}
		for _, f := range e.Fields {
			if strings.HasSuffix(f.Path, ".description") && f.Reason == ledger.ReasonFieldRequired {
				p.Add(f.Path, f.Reason, "description or sku is required")
				continue
			}
			p.Add(f.Path, f.Reason, "%s", f.Message)
		}
		return nil
	}
	o.Notes = inv.Notes
	o.NetMinor, o.TaxMinor, o.TotalMinor = inv.NetMinor, inv.TaxMinor, inv.TotalMinor
	out := make([]Line, len(inv.Lines))
	for i, l := range inv.Lines {
		out[i] = Line{LineNo: i + 1, SKU: strings.TrimSpace(in.Lines[i].SKU), Description: l.Description, Quantity: l.Quantity,
			Unit: l.Unit, UnitPrice: l.UnitPrice, DiscountPercent: l.DiscountPercent, TaxCode: l.TaxCode, NetMinor: l.NetMinor}
	}
	return out
}
