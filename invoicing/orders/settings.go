package orders

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"backoffice/ledger"
	"backoffice/ledger/money"
)

// Invoice modes: what invoicing orders makes.
const (
	ModeDraft  = "draft"  // a draft for the accountant to check and issue
	ModeIssued = "issued" // an issued (numbered, posted) invoice at once
)

// Settings are an entity's order settings.
type Settings struct {
	// Currencies orders may be in; empty means the functional currency only.
	Currencies            []string   `json:"currencies"`
	InvoiceMode           string     `json:"invoice_mode"`
	IntegrationMayInvoice bool       `json:"integration_may_invoice"`
	UpdatedAt             *time.Time `json:"updated_at"`
}

// DefaultSettings: orders in the functional currency become drafts, made
// by the firm's staff only.
func DefaultSettings() *Settings {
	return &Settings{Currencies: []string{}, InvoiceMode: ModeDraft}
}

// Allows reports whether orders may be in currency.
func (s *Settings) Allows(currency, functional string) bool {
	return slices.Contains(s.currencies(functional), currency)
}

func (s *Settings) currencies(functional string) []string {
	if len(s.Currencies) == 0 {
		return []string{functional}
	}
	return s.Currencies
}

// SettingsInput changes the settings given.
type SettingsInput struct {
	Currencies            *[]string `json:"currencies"`
	InvoiceMode           *string   `json:"invoice_mode"`
	IntegrationMayInvoice *bool     `json:"integration_may_invoice"`
}

// Apply validates in and writes it onto s.
func (in *SettingsInput) Apply(s *Settings) error {
	var p ledger.Problems
	if in.Currencies != nil {
		list := []string{}
		for i, c := range *in.Currencies {
			c = strings.TrimSpace(c)
			if !money.ValidCurrency(c) {
				p.Add(fmt.Sprintf("currencies[%d]", i), ledger.ReasonCurrencyInvalid, "currency %q is not an ISO 4217 code", c)
				continue
			}
			if !slices.Contains(list, c) {
				list = append(list, c)
			}
		}
		if len(list) > 20 {
			p.Add("currencies", ledger.ReasonCurrenciesTooMany, "at most 20 currencies")
		}
		s.Currencies = list
	}
	if in.InvoiceMode != nil {
		if *in.InvoiceMode != ModeDraft && *in.InvoiceMode != ModeIssued {
			p.Add("invoice_mode", ledger.ReasonInvoiceModeInvalid, "invoice_mode is \"draft\" or \"issued\", not %q", *in.InvoiceMode)
		} else {
			s.InvoiceMode = *in.InvoiceMode
		}
	}
	if in.IntegrationMayInvoice != nil {
		s.IntegrationMayInvoice = *in.IntegrationMayInvoice
	}
	return p.Err()
}

// Join is how currencies are stored.
func (s *Settings) Join() string { return strings.Join(s.Currencies, ",") }

// SplitCurrencies reads stored currencies.
func SplitCurrencies(v string) []string {
	if v == "" {
		return []string{}
	}
	return strings.Split(v, ",")
}
