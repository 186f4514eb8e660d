package invoicing

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"backoffice/ledger"
	"backoffice/ledger/money"
)

// Directions of a payment.
const (
	DirectionReceived = "received" // from the customer
	DirectionRefund   = "refund"   // to the customer
)

// Payment is money received from a customer or refunded to one. What is not
// allocated is the customer's credit (or, for a refund, still to be
// matched with a credit note or payment).
type Payment struct {
	ID                     int64
	EntityID               int64
	CustomerID             int64
	Direction              string
	Date                   ledger.Date
	Currency               string
	AmountMinor            int64
	ExchangeRate           decimal.Decimal // zero in the functional currency
	FunctionalMinor        int64
	BankAccount            string
	BankAccountID          int64
	Reference              string
	SettledMinor           int64
	SettledFunctionalMinor int64
	EntryID                int64
	CreatedAt              time.Time
	CreatedBy              int64
	RemovedAt              *time.Time
	RemovedBy              *int64
	RemovalEntryID         *int64
	Allocations            []*Allocation
}

// UnallocatedMinor is what is left to allocate.
func (p *Payment) UnallocatedMinor() int64 {
	if p.RemovedAt != nil {
		return 0
	}
	return p.AmountMinor - p.SettledMinor
}

// PaymentInput records a payment, optionally allocating it at once.
type PaymentInput struct {
	CustomerID   *int64            `json:"customer_id"`
	Direction    *string           `json:"direction"`
	Date         *string           `json:"date"`
	Amount       *string           `json:"amount"`
	Currency     *string           `json:"currency"`
	ExchangeRate *string           `json:"exchange_rate"`
	BankAccount  *string           `json:"bank_account"`
	Reference    *string           `json:"reference"`
	Allocations  []AllocationInput `json:"allocations"`
}

// AllocationInput allocates an amount to one of: an invoice (of a payment
// received or a credit note), a credit note (of a refund), or a payment
// (a refund to a payment received, or the other way round).
type AllocationInput struct {
	InvoiceID    *int64 `json:"invoice_id"`
	CreditNoteID *int64 `json:"credit_note_id"`
	PaymentID    *int64 `json:"payment_id"`
	Amount       string `json:"amount"`
}

// Apply checks the input (the store checks the customer and account) and
// fills pay. The currency defaults to the customer's, the date to today,
// the bank account to the settings'.
func (in *PaymentInput) Apply(pay *Payment, ent *ledger.Entity, cust *Customer, s *Settings) error {
	var p ledger.Problems
	pay.Direction = DirectionReceived
	if in.Direction != nil {
		if *in.Direction != DirectionReceived && *in.Direction != DirectionRefund {
			p.Add("direction", ledger.ReasonDirectionInvalid, "direction is \"received\" or \"refund\", got %q", *in.Direction)
		}
		pay.Direction = *in.Direction
	}
	cur := ent.Currency
	if cust != nil {
		cur = cust.Currency
	}
	m := ParseMoney(&p, ent, MoneyFields{Date: in.Date, Amount: in.Amount, Currency: in.Currency,
		ExchangeRate: in.ExchangeRate, BankAccount: in.BankAccount, Reference: in.Reference}, cur, s.BankAccount)
	if err := p.Err(); err != nil {
		return err
	}
	if err := m.Convert(ent); err != nil {
		return err
	}
	pay.Date, pay.Currency, pay.AmountMinor, pay.ExchangeRate, pay.FunctionalMinor = m.Date, m.Currency, m.AmountMinor, m.ExchangeRate, m.FunctionalMinor
	pay.BankAccount, pay.Reference = m.BankAccount, m.Reference
	return nil
}

// MoneyFields are the fields a payment is sent with, customer's or
// supplier's alike: when, how much, in which currency at which rate,
// through which bank account, with which reference.
type MoneyFields struct {
	Date, Amount, Currency, ExchangeRate, BankAccount, Reference *string
}

// Money is a payment's money, checked: the date (today by default), the
// amount in its currency (currency by default), the rate and the
// functional amount (Convert), the bank account (bank by default).
type Money struct {
	Date            ledger.Date
	Currency        string
	AmountMinor     int64
	ExchangeRate    decimal.Decimal
	FunctionalMinor int64
	BankAccount     string
	Reference       string
}

// ParseMoney checks the fields into p, each problem at its path.
func ParseMoney(p *ledger.Problems, ent *ledger.Entity, in MoneyFields, currency, bank string) Money {
	m := Money{Date: ent.Today(), Currency: currency, BankAccount: bank}
	if in.Date != nil {
		d, err := ledger.ParseDate(*in.Date)
		if err != nil {
			p.Add("date", ledger.ReasonDateInvalid, "%v", err)
		} else if ent.Locked(d) {
			p.Add("date", ledger.ReasonPeriodLocked, "date %s is on or before the lock date %s", d, ent.LockDate)
		}
		m.Date = d
	}
	if in.Currency != nil {
		if !money.ValidCurrency(*in.Currency) {
			p.Add("currency", ledger.ReasonCurrencyInvalid, "currency %q is not an ISO 4217 code", *in.Currency)
		}
		m.Currency = *in.Currency
	}
	exp, known := money.Exponent(m.Currency)
	if in.Amount == nil {
		p.Add("amount", ledger.ReasonFieldRequired, "amount is required (a decimal string such as \"121.00\")")
	} else if known {
		v, err := money.ParseAmount(*in.Amount, exp)
		if ae, ok := err.(*money.AmountError); ok {
			p.Add("amount", ledger.Reason(ae.Reason), "%s", ae.Message)
		}
		m.AmountMinor = v
	}
	if known && m.Currency != ent.Currency {
		if in.ExchangeRate == nil {
			p.Add("exchange_rate", ledger.ReasonExchangeRateRequired, "the payment is in %s, not the functional currency %s: give exchange_rate", m.Currency, ent.Currency)
		} else if r, err := money.ParseRate(*in.ExchangeRate); err != nil {
			p.Add("exchange_rate", ledger.ReasonExchangeRateInvalid, "%v", err)
		} else {
			m.ExchangeRate = r
		}
	} else if in.ExchangeRate != nil {
		p.Add("exchange_rate", ledger.ReasonExchangeRateUnused, "exchange_rate is given but the payment is in %s, the functional currency", ent.Currency)
	}
	if in.BankAccount != nil {
		m.BankAccount = strings.TrimSpace(*in.BankAccount)
	}
	if in.Reference != nil {
		m.Reference = strings.TrimSpace(*in.Reference)
		if utf8.RuneCountInString(m.Reference) > 100 {
			p.Add("reference", ledger.ReasonFieldTooLong, "reference is longer than 100 characters")
		}
	}
	return m
}

// Convert sets the functional amount of checked money: the amount itself
// in the functional currency, otherwise converted at the rate.
func (m *Money) Convert(ent *ledger.Entity) error {
	m.FunctionalMinor = m.AmountMinor
	if m.Currency == ent.Currency {
		return nil
	}
	exp, _ := money.Exponent(m.Currency)
	funcExp, _ := money.Exponent(ent.Currency)
	v, err := money.Convert(m.AmountMinor, exp, m.ExchangeRate, funcExp)
	if err := Convertible(v, err, m.AmountMinor, exp, m.Currency, m.ExchangeRate, ent.Currency); err != nil {
		return err
	}
	m.FunctionalMinor = v
	return nil
}

// Allocation settles a document the customer owes (an invoice, or a
// refund paid out) with one the customer is owed (a payment received, or
// a credit note), for an amount in their common currency.
type Allocation struct {
	ID                    int64
	EntityID              int64
	DebitInvoiceID        *int64
	DebitPaymentID        *int64
	CreditInvoiceID       *int64
	CreditPaymentID       *int64
	Date                  ledger.Date
	Currency              string
	AmountMinor           int64
	DebitFunctionalMinor  int64
	CreditFunctionalMinor int64
	FXEntryID             *int64
	CreatedAt             time.Time
	CreatedBy             int64
	RemovedAt             *time.Time
	RemovedBy             *int64
	RemovalEntryID        *int64
}

// CreditNoteInput credits an issued invoice: every line that remains when
// Lines is empty, or the lines named, each by a quantity, by a net amount,
// or (neither) in full.
type CreditNoteInput struct {
	IssueDate *string           `json:"issue_date"`
	Notes     *string           `json:"notes"`
	Lines     []CreditLineInput `json:"lines"`
}

// CreditLineInput names one line of the invoice to credit.
type CreditLineInput struct {
	Line     int    `json:"line"`
	Quantity string `json:"quantity"`
	Amount   string `json:"amount"`
}
