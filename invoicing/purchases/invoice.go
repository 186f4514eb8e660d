package purchases

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"backoffice/invoicing"
	"backoffice/ledger"
	"backoffice/ledger/bank/pain001"
	"backoffice/ledger/money"
)

// Kinds and statuses of purchase documents. Stored are draft, booked and
// reversed; partially_paid, paid, credited and applied are derived from what
// is settled (Invoice.State).
const (
	KindInvoice    = "invoice"
	KindCreditNote = "credit_note"

	StatusDraft         = "draft"
	StatusBooked        = "booked"
	StatusReversed      = "reversed"
	StatusPartiallyPaid = "partially_paid"
	StatusPaid          = "paid"
	StatusCredited      = "credited" // an invoice settled wholly by credit notes
	StatusApplied       = "applied"  // a credit note whose credit is used up
)

// MaxLines bounds one purchase invoice.
const MaxLines = 500

// Line is one line of a purchase invoice: an amount excluding VAT on an
// expense or asset account under a tax code. The code's kind, rate and
// deductible share are copied in, so the invoice keeps its VAT whatever
// later happens to the code; its VAT accounts are the code's when the
// invoice is booked (the entry then keeps them). VATMinor is the
// line's share of its code's booked VAT; DeductibleMinor the part of it
// that is input VAT (the rest is cost on the line's account).
type Line struct {
	LineNo            int             `json:"line_no"`
	Description       string          `json:"description"`
	Account           string          `json:"account"`
	AccountID         int64           `json:"-"`
	NetMinor          int64           `json:"-"`
	TaxCode           string          `json:"tax_code"`
	TaxCodeID         int64           `json:"-"`
	TaxKind           TaxKind         `json:"tax_kind"`
	TaxRate           decimal.Decimal `json:"-"`
	Deductible        decimal.Decimal `json:"-"`
	InputAccountID    int64           `json:"-"`
	OutputAccountID   int64           `json:"-"`
	InputAccount      string          `json:"-"`
	OutputAccount     string          `json:"-"`
	VATMinor          int64           `json:"-"`
	DeductibleMinor   int64           `json:"-"`
	deductibleFromIn  bool
	explicitAccountIn bool
}

// VATRow is the VAT of one tax code: computed on the sum of its lines (as
// for sales, EN 16931 BR-CO-17), as printed on the supplier's document, and
// booked (the printed amount where one is given).
type VATRow struct {
	TaxCode       string
	Kind          TaxKind
	Rate          decimal.Decimal
	NetMinor      int64
	ComputedMinor int64
	PrintedMinor  int64 // what is booked
}

// Invoice is a purchase invoice or a supplier credit note.
type Invoice struct {
	ID                     int64
	EntityID               int64
	Kind                   string
	Status                 string // stored: draft, booked or reversed
	SupplierID             int64
	SupplierName           string
	SupplierNumber         string // the supplier's own invoice number
	InvoiceDate            ledger.Date
	VATDate                ledger.Date // decides the VAT period, and the entry's date
	DueDate                *ledger.Date
	Currency               string
	ExchangeRate           decimal.Decimal // zero in the functional currency
	Reference              string
	PaymentReference       string
	CreditedID             *int64
	VATOverrideReason      string
	Number                 string
	FiscalYear             int
	Seq                    int64
	Lines                  []Line
	VAT                    []VATRow
	NetMinor               int64
	VATMinor               int64
	TotalMinor             int64 // what is owed to the supplier (credit note: by it)
	FunctionalTotalMinor   int64
	SettledMinor           int64
	SettledFunctionalMinor int64
	PaidMinor              int64
	EntryID                *int64
	ReversalEntryID        *int64
	DocumentIDs            []int64
	CreatedAt              time.Time
	CreatedBy              int64
	UpdatedAt              time.Time
	BookedAt               *time.Time
	BookedBy               *int64
	ReversedAt             *time.Time
	ReversedBy             *int64
}

// OpenMinor is what is still owed on a booked invoice, or still to use of
// a booked credit note.
func (inv *Invoice) OpenMinor() int64 {
	if inv.Status != StatusBooked {
		return 0
	}
	return inv.TotalMinor - inv.SettledMinor
}

// State is the status as shown, as for sales invoices: draft, booked,
// partially_paid (paid in part), paid (nothing open, some of it paid),
// credited (nothing open, all by credit notes), applied (a credit note
// whose credit is used) or reversed. An invoice only credit notes settle
// in part stays booked.
func (inv *Invoice) State() string {
	switch {
	case inv.Status != StatusBooked:
		return inv.Status
	case inv.Kind == KindCreditNote && inv.OpenMinor() == 0:
		return StatusApplied
	case inv.Kind == KindCreditNote:
		return StatusBooked
	case inv.OpenMinor() == 0 && inv.PaidMinor > 0:
		return StatusPaid
	case inv.OpenMinor() == 0:
		return StatusCredited
	case inv.PaidMinor > 0:
		return StatusPartiallyPaid
	}
	return StatusBooked
}

// InvoiceInput creates a purchase invoice or supplier credit note (kind),
// or replaces a draft's fields (non-nil ones; lines and vat whole).
type InvoiceInput struct {
	Kind              *string          `json:"kind"`
	SupplierID        *int64           `json:"supplier_id"`
	SupplierNumber    *string          `json:"supplier_invoice_number"`
	InvoiceDate       *string          `json:"invoice_date"`
	VATDate           *string          `json:"vat_date"`
	DueDate           *string          `json:"due_date"`
	Currency          *string          `json:"currency"`
	ExchangeRate      *string          `json:"exchange_rate"`
	Reference         *string          `json:"reference"`
	PaymentReference  *string          `json:"payment_reference"`
	CreditedID        *int64           `json:"credited_purchase_invoice_id"`
	Lines             []LineInput      `json:"lines"`
	VAT               []PrintedVATLine `json:"vat"`
	VATOverrideReason *string          `json:"vat_override_reason"`
	DocumentIDs       []int64          `json:"document_ids"`
	// Book books the invoice at once (as POST .../book would).
	Book bool `json:"book"`
}

// LineInput is one line as typed from the document. Account and tax code
// default to the supplier's.
type LineInput struct {
	Description       string  `json:"description"`
	Account           string  `json:"account"`
	Amount            string  `json:"amount"` // excluding VAT (import VAT: the VAT paid)
	TaxCode           string  `json:"tax_code"`
	DeductiblePercent *string `json:"deductible_percent"`
}

// PrintedVATLine is the VAT the supplier's document shows for a tax code,
// or for a rate: a document shows its VAT per rate, and the lines of one
// rate may have several input codes (P9 and P9-meals). For a rate the
// difference from the computed VAT is booked on the code with the most
// turnover at that rate.
type PrintedVATLine struct {
	TaxCode string `json:"tax_code,omitempty"`
	Rate    string `json:"rate,omitempty"`
	Amount  string `json:"amount"`
}

// Lookup is what checking a purchase invoice needs: the entity, settings,
// purchase tax codes and accounts by code, and the supplier.
type Lookup struct {
	Entity   *ledger.Entity
	Settings *Settings
	TaxCodes map[string]*TaxCode
	Accounts map[string]*ledger.Account
	Supplier func(id int64) *Supplier
}

// Apply validates the input and writes it onto inv, computing lines, VAT
// and totals: everything but what needs other rows (duplicates, the
// credited invoice, documents). A booked invoice is never applied to.
func (in *InvoiceInput) Apply(inv *Invoice, lk *Lookup, creating bool) error {
	var p ledger.Problems
	ent := lk.Entity
	if creating {
		inv.Kind = KindInvoice
		if in.Kind != nil {
			switch *in.Kind {
			case KindInvoice, KindCreditNote:
				inv.Kind = *in.Kind
			default:
				p.Add("kind", ledger.ReasonParameterInvalid, "kind %q is not invoice or credit_note", *in.Kind)
			}
		}
	} else if in.Kind != nil && *in.Kind != inv.Kind {
		p.Add("kind", ledger.ReasonFieldImmutable, "a draft's kind is fixed; delete it and create another")
	}
	// A due date worked out from the supplier's terms follows a changed
	// invoice date or supplier; one given stays.
	dueDefaulted := false
	if !creating && inv.DueDate != nil {
		if old := lk.Supplier(inv.SupplierID); old != nil && *inv.DueDate == inv.InvoiceDate.AddDays(old.PaymentTermsDays) {
			dueDefaulted = true
		}
	}
	var sup *Supplier
	switch {
	case in.SupplierID != nil:
		sup = lk.Supplier(*in.SupplierID)
		switch {
		case sup == nil:
			p.Add("supplier_id", ledger.ReasonSupplierNotFound, "supplier %d does not exist in this entity", *in.SupplierID)
		case sup.ArchivedAt != nil:
			p.Add("supplier_id", ledger.ReasonSupplierArchived, "supplier %d is archived", sup.ID)
			sup = nil
		default:
			inv.SupplierID, inv.SupplierName = sup.ID, sup.Name
		}
	case creating:
		p.Add("supplier_id", ledger.ReasonFieldRequired, "supplier_id is required")
	default:
		sup = lk.Supplier(inv.SupplierID)
	}
	if in.SupplierNumber != nil {
		n := strings.TrimSpace(*in.SupplierNumber)
		switch {
		case n == "":
			p.Add("supplier_invoice_number", ledger.ReasonFieldRequired, "supplier_invoice_number is required: the number on the supplier's document")
		case utf8.RuneCountInString(n) > 100:
			p.Add("supplier_invoice_number", ledger.ReasonFieldTooLong, "supplier_invoice_number is longer than 100 characters")
		default:
			inv.SupplierNumber = n
		}
	} else if creating {
		p.Add("supplier_invoice_number", ledger.ReasonFieldRequired, "supplier_invoice_number is required: the number on the supplier's document")
	}
	date := func(path string, v *string, dst *ledger.Date, required bool) bool {
		if v == nil || *v == "" {
			if required && (creating || v != nil) {
				p.Add(path, ledger.ReasonFieldRequired, "%s is required (YYYY-MM-DD)", path)
			}
			return false
		}
		d, err := ledger.ParseDate(*v)
		if err != nil {
			p.Add(path, ledger.ReasonDateInvalid, "%v", err)
			return false
		}
		*dst = d
		return true
	}
	// The VAT date defaults to the invoice date (also when sent empty),
	// and follows it on a change while it was that default; one given
	// stays.
	vatDefaulted := inv.VATDate == inv.InvoiceDate
	invoiceDateGiven := date("invoice_date", in.InvoiceDate, &inv.InvoiceDate, true)
	switch {
	case in.VATDate != nil && *in.VATDate != "":
		date("vat_date", in.VATDate, &inv.VATDate, false)
	case in.VATDate != nil, creating, invoiceDateGiven && vatDefaulted:
		inv.VATDate = inv.InvoiceDate
	}
	if !inv.VATDate.IsZero() && !inv.InvoiceDate.IsZero() && inv.VATDate.Before(inv.InvoiceDate) {
		p.Add("vat_date", ledger.ReasonDateInvalid, "vat_date %s is before invoice_date %s: the VAT date is the day the invoice was received", inv.VATDate, inv.InvoiceDate)
	}
	if in.DueDate != nil {
		var d ledger.Date
		if date("due_date", in.DueDate, &d, false) {
			inv.DueDate = &d
		} else if *in.DueDate == "" {
			inv.DueDate = nil
		}
	}
	if inv.DueDate != nil && !inv.InvoiceDate.IsZero() && inv.DueDate.Before(inv.InvoiceDate) {
		p.Add("due_date", ledger.ReasonDateInvalid, "due_date %s is before invoice_date %s", *inv.DueDate, inv.InvoiceDate)
	}
	if in.Currency != nil {
		if !money.ValidCurrency(*in.Currency) {
			p.Add("currency", ledger.ReasonCurrencyInvalid, "currency %q is not an ISO 4217 code", *in.Currency)
		} else if *in.Currency != inv.Currency {
			inv.Currency, inv.ExchangeRate = *in.Currency, decimal.Decimal{}
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
	switch {
	case inv.Currency == ent.Currency && !inv.ExchangeRate.IsZero():
		p.Add("exchange_rate", ledger.ReasonExchangeRateUnused, "exchange_rate is given but the invoice is in %s, the functional currency", ent.Currency)
	case inv.Currency != ent.Currency && inv.ExchangeRate.IsZero():
		p.Add("exchange_rate", ledger.ReasonExchangeRateRequired, "an invoice in %s needs exchange_rate: %s per 1 %s", inv.Currency, ent.Currency, inv.Currency)
	}
	if in.Reference != nil {
		p.Text("reference", in.Reference, &inv.Reference, 200, false, creating)
	}
	if in.PaymentReference != nil {
		r := strings.Join(strings.Fields(*in.PaymentReference), "")
		if r != "" && !pain001.ValidPaymentReference(r) {
			p.Add("payment_reference", ledger.ReasonPaymentReferenceInvalid, "payment_reference %q is not a Dutch payment reference (betalingskenmerk): 16 digits, or 7 or 9 to 14, with a valid check digit", *in.PaymentReference)
		} else {
			inv.PaymentReference = r
		}
	}
	if in.CreditedID != nil {
		if inv.Kind != KindCreditNote {
			p.Add("credited_purchase_invoice_id", ledger.ReasonFieldNotAllowed, "only a credit note names the purchase invoice it corrects")
		} else {
			id := *in.CreditedID
			inv.CreditedID = &id
		}
	}
	if in.VATOverrideReason != nil {
		p.Text("vat_override_reason", in.VATOverrideReason, &inv.VATOverrideReason, 500, false, creating)
	}
	exp, _ := money.Exponent(inv.Currency)
	if in.Lines != nil || creating {
		inv.Lines = inv.Lines[:0]
		switch {
		case len(in.Lines) == 0:
			p.Add("lines", ledger.ReasonLinesTooFew, "a purchase invoice has at least one line")
		case len(in.Lines) > MaxLines:
			p.Add("lines", ledger.ReasonLinesTooMany, "a purchase invoice has at most %d lines, got %d", MaxLines, len(in.Lines))
		default:
			for i := range in.Lines {
				if l, ok := parseLine(&p, lk, sup, i, &in.Lines[i], exp); ok {
					inv.Lines = append(inv.Lines, l)
				}
			}
		}
	}
	if len(p) > 0 {
		return p.Err()
	}
	if dueDefaulted && in.DueDate == nil {
		inv.DueDate = nil
	}
	if inv.DueDate == nil && sup != nil && inv.Kind == KindInvoice {
		d := inv.InvoiceDate.AddDays(sup.PaymentTermsDays)
		inv.DueDate = &d
	}
	printed := in.VAT
	if !creating && in.VAT == nil && in.Lines == nil {
		// Keep the printed VAT of a draft whose lines are kept.
		for _, r := range inv.VAT {
			printed = append(printed, PrintedVATLine{TaxCode: r.TaxCode, Amount: money.Format(r.PrintedMinor, exp)})
		}
	}
	return inv.computeVAT(lk.Settings, printed, exp)
}

func parseLine(p *ledger.Problems, lk *Lookup, sup *Supplier, i int, in *LineInput, exp int) (Line, bool) {
	at := func(f string) string { return fmt.Sprintf("lines[%d].%s", i, f) }
	n := len(*p)
	l := Line{LineNo: i + 1, Description: strings.TrimSpace(in.Description)}
	if utf8.RuneCountInString(l.Description) > 1000 {
		p.Add(at("description"), ledger.ReasonFieldTooLong, "description is longer than 1000 characters")
	}
	acc := strings.TrimSpace(in.Account)
	if acc == "" && sup != nil {
		acc = sup.DefaultAccount
	}
	a := lk.Accounts[acc]
	switch {
	case acc == "":
		p.Add(at("account"), ledger.ReasonFieldRequired, "account is required (the supplier has no default account)")
	case a == nil:
		p.Add(at("account"), ledger.ReasonAccountNotFound, "account %q does not exist in this entity", acc)
	case a.Archived():
		p.Add(at("account"), ledger.ReasonAccountArchived, "account %s is archived and takes no new lines", acc)
	case a.Type != ledger.Expense && a.Type != ledger.Asset:
		p.Add(at("account"), ledger.ReasonAccountTypeInvalid, "account %s is a %s account; purchase lines are debited to expense or asset accounts", acc, a.Type)
	default:
		l.Account, l.AccountID = a.Code, a.ID
	}
	code := strings.TrimSpace(in.TaxCode)
	if code == "" && sup != nil {
		code = sup.DefaultTaxCode
	}
	t := lk.TaxCodes[code]
	switch {
	case code == "":
		p.Add(at("tax_code"), ledger.ReasonFieldRequired, "tax_code is required (the supplier has no default tax code), for example \"P21\"")
	case t == nil:
		p.Add(at("tax_code"), ledger.ReasonTaxCodeNotFound, "purchase tax code %q does not exist in this entity", code)
	case t.ArchivedAt != nil:
		p.Add(at("tax_code"), ledger.ReasonTaxCodeArchived, "purchase tax code %q is archived", code)
	default:
		l.TaxCode, l.TaxCodeID, l.TaxKind, l.TaxRate, l.Deductible = t.Code, t.ID, t.Kind, t.Rate, t.Deductible
		l.InputAccountID, l.OutputAccountID, l.InputAccount, l.OutputAccount = t.InputAccountID, t.OutputAccountID, t.InputAccount, t.OutputAccount
	}
	if in.DeductiblePercent != nil {
		if d, ok := ParsePercent(*in.DeductiblePercent); ok {
			l.Deductible = d
		} else {
			p.Add(at("deductible_percent"), ledger.ReasonDeductiblePercentInvalid, "deductible_percent %q is not a percent from 0 to 100 with at most 4 decimals", *in.DeductiblePercent)
		}
	}
	if lk.Entity != nil && lk.Entity.VATScheme == ledger.VATSmallBusiness {
		// Under the small-business scheme (art. 25 Wet OB) nothing is
		// deducted: the VAT a supplier charges is part of the cost.
		l.Deductible = decimal.Zero
	}
	if in.Amount == "" {
		p.Add(at("amount"), ledger.ReasonFieldRequired, "amount is required: the line's amount excluding VAT, such as \"120.00\"")
	} else if v, err := money.ParseAmount(in.Amount, exp); err != nil {
		reason := ledger.ReasonAmountInvalid
		if ae, ok := err.(*money.AmountError); ok {
			reason = ledger.Reason(ae.Reason)
		}
		p.Add(at("amount"), reason, "%v", err)
	} else {
		l.NetMinor = v
	}
	return l, len(*p) == n
}

// computeVAT works out each tax code's VAT on the sum of its lines, checks
// the printed VAT against it, spreads the booked VAT over the code's lines
// and sets the totals.
func (inv *Invoice) computeVAT(s *Settings, printed []PrintedVATLine, exp int) error {
	var p ledger.Problems
	inv.VAT = inv.VAT[:0]
	at := map[string]int{}
	for _, l := range inv.Lines {
		i, ok := at[l.TaxCode]
		if !ok {
			i = len(inv.VAT)
			at[l.TaxCode] = i
			inv.VAT = append(inv.VAT, VATRow{TaxCode: l.TaxCode, Kind: l.TaxKind, Rate: l.TaxRate})
		}
		inv.VAT[i].NetMinor += l.NetMinor
	}
	for i := range inv.VAT {
		r := &inv.VAT[i]
		switch {
		case r.Kind == TaxImportVAT:
			r.ComputedMinor = r.NetMinor // the lines are the VAT paid to Customs
		case r.Kind == TaxInput || r.Kind.ReverseCharge():
			r.ComputedMinor = invoicing.Percent(r.NetMinor, r.Rate)
		}
		r.PrintedMinor = r.ComputedMinor
	}
	tolerance := s.VATTolerance.Shift(int32(exp)).Floor().IntPart()
	seen := map[int]bool{}
	var mismatch []map[string]any
	for k, pv := range printed {
		path := fmt.Sprintf("vat[%d]", k)
		// The rows the printed amount is for: one tax code's, or every
		// input code's at one rate (a document shows its VAT per rate).
		var rows []int
		what, field := pv.TaxCode, ".tax_code"
		switch {
		case pv.TaxCode != "" && pv.Rate != "":
			p.Add(path+".rate", ledger.ReasonFieldNotAllowed, "give tax_code or rate, not both")
			continue
		case pv.TaxCode != "":
			i, ok := at[pv.TaxCode]
			if !ok {
				p.Add(path+".tax_code", ledger.ReasonVATTaxCodeUnused, "no line uses tax code %q", pv.TaxCode)
				continue
			}
			rows = []int{i}
		case pv.Rate != "":
			what, field = "the input VAT at "+pv.Rate+"%", ".rate"
			rate, ok := ParsePercent(pv.Rate)
			for i, r := range inv.VAT {
				if ok && r.Kind == TaxInput && r.Rate.Equal(rate) {
					rows = append(rows, i)
				}
			}
			if len(rows) == 0 {
				p.Add(path+".rate", ledger.ReasonVATTaxCodeUnused, "no line uses an input tax code at rate %q", pv.Rate)
				continue
			}
		default:
			p.Add(path+".tax_code", ledger.ReasonFieldRequired, "give the tax_code (or the rate) the printed VAT is for")
			continue
		}
		repeated := false
		for _, i := range rows {
			repeated = repeated || seen[i]
			seen[i] = true
		}
		if repeated {
			p.Add(path+field, ledger.ReasonLineRepeated, "the printed VAT of %s is given twice", what)
			continue
		}
		v, err := money.ParseAmount(pv.Amount, exp)
		if d, derr := decimal.NewFromString(pv.Amount); err != nil && derr == nil && d.IsZero() && !strings.ContainsAny(pv.Amount, "eE+-") {
			v, err = 0, nil // printed VAT may be nothing
		}
		if err != nil {
			reason := ledger.ReasonAmountInvalid
			if ae, ok := err.(*money.AmountError); ok {
				reason = ledger.Reason(ae.Reason)
			}
			p.Add(path+".amount", reason, "%v", err)
			continue
		}
		if r := inv.VAT[rows[0]]; r.Kind != TaxInput {
			if v != 0 {
				p.Add(path+".amount", ledger.ReasonVATNotCharged, "tax code %s (%s) has no VAT on the supplier's document: book VAT charged wrongly on a P21-like code with deductible_percent 0", r.TaxCode, r.Kind)
			}
			continue
		}
		// The difference is booked on the row with the most turnover (the
		// first of equals), the others at their computed VAT.
		var computed int64
		most := rows[0]
		for _, i := range rows {
			computed += inv.VAT[i].ComputedMinor
			if inv.VAT[i].NetMinor > inv.VAT[most].NetMinor {
				most = i
			}
		}
		diff := v - computed
		if diff < -tolerance || diff > tolerance {
			m := map[string]any{"computed": money.Format(computed, exp), "printed": money.Format(v, exp), "difference": money.Format(diff, exp)}
			if pv.TaxCode != "" {
				m["tax_code"] = pv.TaxCode
			} else {
				m["rate"] = pv.Rate
			}
			mismatch = append(mismatch, m)
			if inv.VATOverrideReason == "" {
				p.Add(path+".amount", ledger.ReasonVATMismatch, "VAT %s as printed differs from %s computed on the lines of %s by %s, more than the tolerance %s; correct the lines or give vat_override_reason",
					money.Format(v, exp), money.Format(computed, exp), what, money.Format(diff, exp), money.Format(tolerance, exp))
			}
		}
		if inv.VAT[most].ComputedMinor+diff < 0 {
			p.Add(path+".amount", ledger.ReasonVATMismatch, "VAT %s as printed is less than nothing on the lines of %s", money.Format(v, exp), what)
			continue
		}
		inv.VAT[most].PrintedMinor = inv.VAT[most].ComputedMinor + diff
	}
	if err := p.Err(); err != nil {
		if e := ledger.As(err); e != nil && len(mismatch) > 0 {
			e.Details = map[string]any{"vat": mismatch, "tolerance": money.Format(tolerance, exp)}
		}
		return err
	}
	inv.spread()
	inv.NetMinor, inv.VATMinor, inv.TotalMinor = 0, 0, 0
	for _, l := range inv.Lines {
		if l.TaxKind != TaxImportVAT {
			inv.NetMinor += l.NetMinor
		}
	}
	for _, r := range inv.VAT {
		inv.VATMinor += r.PrintedMinor
		if !r.Kind.ReverseCharge() {
			inv.TotalMinor += r.PrintedMinor
		}
	}
	inv.TotalMinor += inv.NetMinor
	if inv.TotalMinor <= 0 {
		return ledger.Errorf(ledger.CodeInvalid, ledger.ReasonInvoiceTotalZero, "the purchase invoice adds up to nothing")
	}
	if inv.TotalMinor > money.MaxMinor {
		return ledger.Errorf(ledger.CodeInvalid, ledger.ReasonAmountTooLarge, "the purchase invoice total is larger than the ledger holds")
	}
	return nil
}

// spread gives each line its share of its code's booked VAT, in proportion
// to the lines' amounts with the remainders to the largest (so the shares
// add up to the code's VAT exactly), and the deductible part of each share,
// rounded half away from zero.
func (inv *Invoice) spread() {
	for _, r := range inv.VAT {
		var idx []int
		for i, l := range inv.Lines {
			if l.TaxCode == r.TaxCode {
				idx = append(idx, i)
			}
		}
		if r.Kind == TaxImportVAT && r.PrintedMinor == r.NetMinor {
			for _, i := range idx {
				inv.Lines[i].VATMinor = inv.Lines[i].NetMinor
			}
		} else {
			w := make([]int64, len(idx))
			for k, i := range idx {
				w[k] = inv.Lines[i].NetMinor
			}
			shares := Spread(r.PrintedMinor, w)
			for k, i := range idx {
				inv.Lines[i].VATMinor = shares[k]
			}
		}
		for _, i := range idx {
			l := &inv.Lines[i]
			l.DeductibleMinor = 0
			if l.TaxKind.HasVAT() {
				l.DeductibleMinor = invoicing.Percent(l.VATMinor, l.Deductible)
			}
		}
	}
}

// Spread divides total over weights in proportion, each share rounded
// down and the remainder given one unit at a time to the largest
// fractions (the first on a tie); with no weight it all goes to the first.
// The weights are added up as decimals (no int64 wraps), and the
// remainder, less than one unit per weight, is given out at most once per
// weight whatever the input.
func Spread(total int64, w []int64) []int64 {
	out := make([]int64, len(w))
	if len(w) == 0 {
		return out
	}
	S := decimal.Zero
	for _, x := range w {
		S = S.Add(decimal.NewFromInt(x))
	}
	if S.IsZero() {
		out[0] = total
		return out
	}
	T := decimal.NewFromInt(total)
	rest := T
	frac := make([]decimal.Decimal, len(w))
	for i, x := range w {
		q := T.Mul(decimal.NewFromInt(x)).Div(S)
		out[i] = q.Floor().IntPart()
		frac[i] = q.Sub(q.Floor())
		rest = rest.Sub(q.Floor())
	}
	n := len(w)
	if rest.LessThan(decimal.NewFromInt(int64(n))) {
		n = int(rest.IntPart())
	}
	for ; n > 0; n-- {
		best := 0
		for i := range frac {
			if frac[i].GreaterThan(frac[best]) {
				best = i
			}
		}
		out[best]++
		frac[best] = decimal.NewFromInt(-1)
	}
	return out
}

// NumberKey is what duplicate supplier invoice numbers are compared by:
// upper case, without spaces, dots, hyphens and slashes ("inv 2026/001"
// and "INV-2026-001" are one number).
func NumberKey(s string) string {
	return strings.ToUpper(strings.Map(func(r rune) rune {
		switch r {
		case ' ', '.', '-', '/', '\t':
			return -1
		}
		return r
	}, s))
}

// Bookable checks again, when a draft is booked, what may have changed
// since it was entered: its supplier archived, a tax code or an account of
// its lines archived. (A credit note corrects with the codes of its
// invoice, archived or not, as on the sales side.)
func (inv *Invoice) Bookable(lk *Lookup) error {
	var p ledger.Problems
	if sup := lk.Supplier(inv.SupplierID); sup == nil || (sup.ArchivedAt != nil && inv.Kind == KindInvoice) {
		p.Add("supplier_id", ledger.ReasonSupplierArchived, "supplier %d is archived", inv.SupplierID)
	}
	for i, l := range inv.Lines {
		at := func(f string) string { return fmt.Sprintf("lines[%d].%s", i, f) }
		if t := lk.TaxCodes[l.TaxCode]; inv.Kind == KindInvoice && (t == nil || t.ArchivedAt != nil) {
			p.Add(at("tax_code"), ledger.ReasonTaxCodeArchived, "purchase tax code %q is archived", l.TaxCode)
		}
		if a := lk.Accounts[l.Account]; a == nil || a.Archived() {
			p.Add(at("account"), ledger.ReasonAccountArchived, "account %s is archived and takes no new lines", l.Account)
		}
	}
	return p.Err()
}

// InvoiceFilter selects purchase invoices to list.
type InvoiceFilter struct {
	SupplierID     int64
	Kind           string // invoice, credit_note or "" for both
	Status         string // draft, booked, reversed, open or "" for any
	SupplierNumber string // the supplier's number, compared as NumberKey
	DocumentID     int64  // those a document supports
	After          int64
	Limit          int
}
