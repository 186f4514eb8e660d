// Package invoicing holds customers, tax codes, invoices, credit notes,
// payments and their allocation, and builds the journal entries each money
// event posts. It knows no database and no HTTP: invoicing/invstore stores
// it, in the same transactions as the ledger it posts to.
package invoicing

import (
	"errors"
	"net/mail"
	"slices"
	"strings"
	"time"

	"backoffice/ledger"
	"backoffice/ledger/money"
	"backoffice/ledger/vatid"
)

// Languages a customer's documents can be written in.
var Languages = []string{"en", "nl"}

// Customer is someone an entity invoices.
type Customer struct {
	ID               int64          `json:"id"`
	EntityID         int64          `json:"entity_id"`
	ExternalRef      string         `json:"external_ref"`
	Name             string         `json:"name"`
	Address          ledger.Address `json:"address"`
	VATNumber        string         `json:"vat_number"`
	RegistrationID   string         `json:"registration_id"`
	Email            string         `json:"email"`
	Language         string         `json:"language"`
	Currency         string         `json:"currency"`
	PaymentTermsDays int            `json:"payment_terms_days"`
	// Type is business (the default) or consumer: an invoice to a
	// business names its address; one to a consumer may leave it out.
	Type CustomerType `json:"customer_type"`
	// ElectronicAddress is where the customer receives e-invoices
	// ("scheme:id", ledger.CheckElectronicAddress); "" is none set (see
	// Endpoint).
	ElectronicAddress string     `json:"electronic_address"`
	ArchivedAt        *time.Time `json:"archived_at"`
	CreatedAt         time.Time  `json:"created_at"`
	UpdatedAt         time.Time  `json:"updated_at"`
}

// CustomerInput creates a customer (name required, the rest defaulted) or
// updates one (non-nil fields only).
type CustomerInput struct {
	ExternalRef      *string         `json:"external_ref"`
	Name             *string         `json:"name"`
	Address          *ledger.Address `json:"address"`
	VATNumber        *string         `json:"vat_number"`
	RegistrationID   *string         `json:"registration_id"`
	Email            *string         `json:"email"`
	Language         *string         `json:"language"`
	Currency         *string         `json:"currency"`
	PaymentTermsDays *int            `json:"payment_terms_days"`
	CustomerType     *string         `json:"customer_type"`
	// ElectronicAddress: "scheme:id" such as "0106:12345678"; "" clears it.
	ElectronicAddress *string `json:"electronic_address"`
}

// CustomerType tells a business from a consumer.
type CustomerType string

const (
	CustomerBusiness CustomerType = "business"
	CustomerConsumer CustomerType = "consumer"
)

// Apply validates the input and writes it onto c. A new customer takes the
// entity's language (if nl or en), currency and 30 days' terms by default.
func (in *CustomerInput) Apply(c *Customer, ent *ledger.Entity, creating bool) error {
	var p ledger.Problems
	text(&p, "external_ref", in.ExternalRef, &c.ExternalRef, 100, false, creating)
	text(&p, "name", in.Name, &c.Name, 200, true, creating)
	text(&p, "vat_number", in.VATNumber, &c.VATNumber, 30, false, creating)
	if in.VATNumber != nil {
		c.VATNumber = CheckVATNumber(&p, "vat_number", c.VATNumber)
	}
	switch {
	case in.CustomerType != nil && *in.CustomerType != string(CustomerBusiness) && *in.CustomerType != string(CustomerConsumer):
		p.Add("customer_type", ledger.ReasonCustomerTypeInvalid, "customer_type %q is not \"business\" or \"consumer\"", *in.CustomerType)
	case in.CustomerType != nil:
		c.Type = CustomerType(*in.CustomerType)
	case creating || c.Type == "":
		c.Type = CustomerBusiness
	}
	text(&p, "registration_id", in.RegistrationID, &c.RegistrationID, 50, false, creating)
	text(&p, "electronic_address", in.ElectronicAddress, &c.ElectronicAddress, 110, false, creating)
	if in.ElectronicAddress != nil {
		c.ElectronicAddress = ledger.CheckElectronicAddress(&p, "electronic_address", c.ElectronicAddress)
	}
	text(&p, "email", in.Email, &c.Email, 254, false, creating)
	if in.Email != nil && c.Email != "" {
		if a, err := mail.ParseAddress(c.Email); err != nil || a.Address != c.Email {
			p.Add("email", ledger.ReasonEmailInvalid, "email %q is not an address like \"name@example.com\"", c.Email)
		}
	}
	if in.Address != nil {
		c.Address = ledger.CheckAddress(&p, "address", *in.Address)
	} else if c.Address.Lines == nil {
		c.Address.Lines = []string{}
	}
	switch {
	case in.Language != nil && !validLanguage(*in.Language):
		p.Add("language", ledger.ReasonLanguageInvalid, "language %q is not supported; use \"nl\" or \"en\"", *in.Language)
	case in.Language != nil:
		c.Language = *in.Language
	case creating:
		c.Language = "en"
		if l, _, _ := strings.Cut(ent.Locale, "-"); validLanguage(l) {
			c.Language = l
		}
	}
	switch {
	case in.Currency != nil && !money.ValidCurrency(*in.Currency):
		p.Add("currency", ledger.ReasonCurrencyInvalid, "currency %q is not an ISO 4217 code", *in.Currency)
	case in.Currency != nil:
		c.Currency = *in.Currency
	case creating:
		c.Currency = ent.Currency
	}
	switch {
	case in.PaymentTermsDays != nil && (*in.PaymentTermsDays < 0 || *in.PaymentTermsDays > 365):
		p.Add("payment_terms_days", ledger.ReasonPaymentTermsInvalid, "payment_terms_days must be 0 to 365")
	case in.PaymentTermsDays != nil:
		c.PaymentTermsDays = *in.PaymentTermsDays
	case creating:
		c.PaymentTermsDays = 30
	}
	return p.Err()
}

// Endpoint is the customer's electronic address for e-invoices: the one
// set, else for a Dutch customer with an 8-digit chamber of commerce
// number that number under scheme 0106; "" when there is none.
func (c *Customer) Endpoint() string {
	switch {
	case c.ElectronicAddress != "":
		return c.ElectronicAddress
	case c.Address.Country == "NL" && ledger.KvKNumber(c.RegistrationID):
		return ledger.EASKvK + ":" + c.RegistrationID
	}
	return ""
}

func validLanguage(l string) bool { return slices.Contains(Languages, l) }

// text checks an optional or required text field and copies it into dst.
func text(p *ledger.Problems, path string, v *string, dst *string, max int, required, creating bool) {
	p.Text(path, v, dst, max, required, creating)
}

// CustomerFilter selects customers to list.
type CustomerFilter struct {
	Query           string // part of the name or the external reference, any case
	IncludeArchived bool
	After           int64 // id cursor
	Limit           int
}

// CheckVATNumber checks a VAT number's format and check digits (package
// vatid) and returns it normalised; what is wrong is recorded under path
// (422 vat_number_invalid). "" is no number and is kept.
func CheckVATNumber(p *ledger.Problems, path, v string) string {
	if v == "" {
		return v
	}
	n, err := vatid.Check(v)
	var e *vatid.Error
	if errors.As(err, &e) {
		p.Add(path, ledger.ReasonVATNumberInvalid, "%s", e.Msg)
		return v
	}
	return n
}
