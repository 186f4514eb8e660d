// Package receive turns a received e-invoice (an einvoice.Document, read
// by invoicing/einvoice/parse) into the input of a draft purchase invoice,
// and says rule by rule what it could not map. It knows no database: the
// caller gives it the entity, the purchase settings and tax codes, the
// supplier it matched (or none) and the accountant's overrides, and stores
// the draft (purchstore) only when no finding is an error.
//
// The document's VAT is what is booked: it is given to the purchase
// invoice as printed VAT per rate, so that the purchase tolerance only
// warns. Nothing here books.
package receive

import (
	"fmt"
	"iter"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"backoffice/invoicing"
	"backoffice/invoicing/einvoice"
	"backoffice/invoicing/purchases"
	"backoffice/ledger"
	"backoffice/ledger/bank"
	"backoffice/ledger/bank/pain001"
	"backoffice/ledger/money"
	"backoffice/ledger/vatid"
)

// Severities of a finding: an error blocks the draft, a warning is shown
// with it.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
)

// Rule ids of the findings of the mapping itself (the document's own
// checks keep their EN 16931 ids, such as BR-CO-10).
const (
	RuleAccount      = "BO-ACCOUNT"       // no account for the lines
	RuleTaxCode      = "BO-TAX-CODE"      // no purchase tax code for a category and rate
	RuleForeignVAT   = "BO-FOREIGN-VAT"   // VAT of another country, booked as cost
	RuleCurrency     = "BO-CURRENCY"      // no exchange rate for a foreign currency
	RuleAmount       = "BO-AMOUNT"        // an amount the currency cannot hold
	RuleTotals       = "BO-TOTALS"        // the purchase invoice would not add up to the document
	RuleVATTolerance = "BO-VAT-TOLERANCE" // printed VAT differs from computed by more than the tolerance
	RuleAllowance    = "BO-ALLOWANCE"     // an allowance with no lines to take it from
	RuleRounding     = "BO-ROUNDING"      // the rounding amount
	RulePrepaid      = "BO-PREPAID"       // the prepaid amount
	RuleCredited     = "BO-CREDITED"      // the invoice a credit note corrects
	RuleDocument     = "BO-DOCUMENT"      // a field the purchase invoice needs
	RuleBuyer        = "BO-BUYER"         // the document is addressed to another VAT number
	RuleSupplier     = "BO-SUPPLIER"      // more than one supplier matches the seller
)

// Finding is one thing the mapping (or the document's own check) found.
type Finding struct {
	Rule     string `json:"rule"`
	Path     string `json:"path,omitempty"`
	Message  string `json:"message"`
	Severity string `json:"severity"`
}

// Input is what mapping a document needs.
type Input struct {
	Doc      *einvoice.Document
	Entity   *ledger.Entity
	Settings *purchases.Settings
	TaxCodes []*purchases.TaxCode
	// Supplier is the supplier matched to the seller; nil when one is to
	// be created from the document (SupplierFrom), whose ID the caller
	// sets on the result.
	Supplier *purchases.Supplier
	// Account and ExchangeRate are the accountant's overrides ("" none).
	Account      string
	ExchangeRate string
	// Credited finds the supplier's purchase invoice by its supplier
	// invoice number (a credit note's BG-3); nil: none is looked up.
	Credited func(number string) (id int64, ok bool)
}

// Result is the draft's input and what was found.
type Result struct {
	Invoice  purchases.InvoiceInput
	Findings []Finding
	// PrepaidMinor is the document's prepaid amount (BT-113), in minor
	// units of Currency: a payment already made, to allocate once booked.
	PrepaidMinor int64
	Currency     string
}

// Blocked reports a finding that is an error: no draft is made.
func (r *Result) Blocked() bool {
	return slices.ContainsFunc(r.Findings, func(f Finding) bool { return f.Severity == SeverityError })
}

// Country is the seller's country: its address's, else its VAT number's
// prefix (EL is Greece).
func Country(d *einvoice.Document) string {
	if c := strings.ToUpper(strings.TrimSpace(d.Seller.Address.Country)); c != "" {
		return c
	}
	return prefixCountry(d.Seller.VATNumber)
}

// vatCountry is the country whose VAT the seller charges: its VAT number's
// prefix when it has one (a company abroad registered for Dutch VAT charges
// Dutch VAT; XI is Northern Ireland), else the country of its address.
func vatCountry(d *einvoice.Document) string {
	if c := prefixCountry(d.Seller.VATNumber); c != "" {
		return c
	}
	return Country(d)
}

// prefixCountry is the country a VAT number's two-letter prefix names
// (EL is Greece), "" for a number without one.
func prefixCountry(vat string) string {
	v := purchases.NormalizeVATNumber(vat)
	if len(v) < 2 || v[0] < 'A' || v[0] > 'Z' || v[1] < 'A' || v[1] > 'Z' {
		return ""
	}
	if v[:2] == "EL" {
		return "GR"
	}
	return v[:2]
}

// ElectronicAddress is a party's electronic address as suppliers keep it,
// "scheme:id" normalised by ledger.CheckElectronicAddress ("" if none or
// not a valid one).
func ElectronicAddress(p einvoice.Party) string {
	if p.EndpointID == "" || p.EndpointScheme == "" {
		return ""
	}
	var bad ledger.Problems
	ea := ledger.CheckElectronicAddress(&bad, "", strings.TrimSpace(p.EndpointScheme)+":"+strings.TrimSpace(p.EndpointID))
	if len(bad) > 0 {
		return ""
	}
	return ea
}

// IBAN is the first account the document asks to be paid into, with its
// means ("" if none).
func IBAN(d *einvoice.Document) (iban, bic, holder string) {
	for _, pm := range d.PaymentMeans {
		if pm.IBAN != "" {
			return purchases.NormalizeIBANQuery(pm.IBAN), pm.BIC, pm.AccountName
		}
	}
	return "", "", ""
}

// SupplierFrom is the supplier a document's seller makes: name, address,
// VAT number, KvK number (a legal registration of scheme 0106), the
// account to pay from its payment means, its electronic address, and
// Dutch for a Dutch seller, English otherwise. account, when given,
// becomes its default account, so that its next invoice maps by itself.
// A VAT number that fails its country's check is left out, with a
// warning (the supplier is still the document's).
func SupplierFrom(d *einvoice.Document, account string) (*purchases.SupplierInput, []Finding) {
	var warn []Finding
	// What is longer than a supplier holds is cut, with a warning, so that
	// the document's data never fails a field the caller did not send.
	clip := func(v string, limit int, path string) string {
		v = strings.TrimSpace(v)
		if cut := truncate(v, limit); cut != v {
			warn = append(warn, Finding{Rule: RuleDocument, Path: path, Severity: SeverityWarning,
				Message: fmt.Sprintf("%s is longer than %d characters: cut to %q on the new supplier", path, limit, cut)})
			return cut
		}
		return v
	}
	s := d.Seller
	name := clip(s.Name, 200, "Seller.Name")
	if name == "" {
		name = clip(s.TradingName, 200, "Seller.TradingName")
	}
	country := Country(d)
	if len(country) != 2 {
		country = ""
	}
	var lines []string
	for _, l := range []struct{ v, path string }{{s.Address.Street, "Seller.Address.Street"}, {s.Address.Additional, "Seller.Address.Additional"}} {
		if v := clip(strings.Join(strings.Fields(l.v), " "), 200, l.path); v != "" {
			lines = append(lines, v)
		}
	}
	in := &purchases.SupplierInput{Name: &name,
		Address: &ledger.Address{Lines: lines, Postcode: clip(s.Address.PostalZone, 20, "Seller.Address.PostalZone"),
			City: clip(s.Address.City, 100, "Seller.Address.City"), Country: country}}
	if v := purchases.NormalizeVATNumber(s.VATNumber); v != "" {
		if _, err := vatid.Check(v); err != nil {
			warn = append(warn, Finding{Rule: RuleDocument, Path: "Seller.VATNumber", Severity: SeverityWarning,
				Message: fmt.Sprintf("the seller's VAT number is left off the new supplier: %v", err)})
		} else {
			in.VATNumber = &v
		}
	}
	if r := strings.TrimSpace(s.LegalID); s.LegalScheme == einvoice.SchemeKvK && r != "" && utf8.RuneCountInString(r) <= 50 {
		in.RegistrationID = &r
	}
	iban, bic, holder := IBAN(d)
	if _, ok := bank.NormalizeIBAN(iban); iban != "" && !ok {
		warn = append(warn, Finding{Rule: RuleDocument, Path: "PaymentMeans", Severity: SeverityWarning,
			Message: fmt.Sprintf("the account %s is not an IBAN: left off the new supplier", iban)})
	} else if iban != "" {
		in.IBAN = &iban
		if b := strings.ToUpper(strings.Join(strings.Fields(bic), "")); b != "" && purchases.ValidBIC(b) {
			in.BIC = &b
		} else if b != "" {
			warn = append(warn, Finding{Rule: RuleDocument, Path: "PaymentMeans.BIC", Severity: SeverityWarning,
				Message: fmt.Sprintf("%q is not a BIC: left off the new supplier", truncate(bic, 40))})
		}
		if h := clip(holder, 200, "PaymentMeans.AccountName"); h != "" {
			in.AccountHolder = &h
		}
	}
	if ea := ElectronicAddress(s); ea != "" {
		in.ElectronicAddress = &ea
	}
	lang := "en"
	if country == "NL" {
		lang = "nl"
	}
	in.Language = &lang
	if account != "" {
		in.DefaultAccount = &account
	}
	return in, warn
}

// truncate cuts s to at most limit characters, at a rune boundary.
func truncate(s string, limit int) string {
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	return string([]rune(s)[:limit])
}

// maxDescription is the longest description a purchase line holds.
const maxDescription = 1000

// mapper carries one mapping.
type mapper struct {
	in       *Input
	doc      *einvoice.Document
	acct     string // the lines' account
	exp      int
	country  string // the seller's, for messages
	vat      string // whose VAT it charges (vatCountry)
	findings []Finding
}

func (m *mapper) add(severity, rule, path, format string, args ...any) {
	m.findings = append(m.findings, Finding{Rule: rule, Path: path, Message: fmt.Sprintf(format, args...), Severity: severity})
}

// minor converts a document amount to minor units of its currency; an
// amount with more decimals is an error (nothing is rounded silently).
func (m *mapper) minor(d decimal.Decimal, path string) int64 {
	s := d.Shift(int32(m.exp))
	if !s.IsInteger() {
		m.add(SeverityError, RuleAmount, path, "%s has more decimals than %s has (%d)", d.String(), m.doc.Currency, m.exp)
		return s.Round(0).IntPart()
	}
	if s.Abs().GreaterThan(decimal.NewFromInt(money.MaxMinor)) {
		m.add(SeverityError, RuleAmount, path, "%s is larger than the ledger holds", d.String())
		return 0
	}
	return s.IntPart()
}

// group is the lines of one VAT category and rate, and their tax code.
type group struct {
	category string
	rate     decimal.Decimal
	code     *purchases.TaxCode
	foreign  bool    // VAT of another country: added to the lines as cost
	lines    []int   // indexes into mapped lines
	less     []int64 // allowances (and negative lines) to take off them
	negative bool    // some of less are negative lines
	notes    []string
	ok       bool
}

type line struct {
	desc    string
	minor   int64
	charge  bool // a document-level charge: allowances are not taken off it
	code    *purchases.TaxCode
	account string
}

func groupKey(category string, rate decimal.Decimal) string {
	return strings.ToUpper(strings.TrimSpace(category)) + "|" + rate.String()
}

// Map maps a document to a purchase invoice input.
func Map(in *Input) *Result {
	d := in.Doc
	m := &mapper{in: in, doc: d, country: Country(d), vat: vatCountry(d)}
	res := &Result{Currency: d.Currency}
	exp, ok := money.Exponent(d.Currency)
	if !ok {
		m.add(SeverityError, RuleCurrency, "currency", "the document's currency %q is not an ISO 4217 code", d.Currency)
		res.Findings = m.findings
		return res
	}
	m.exp = exp
	// Lines and document charges each become a purchase line: more than a
	// purchase invoice holds is refused before anything is added up.
	if n := len(d.Lines) + len(d.Allowances); n > purchases.MaxLines {
		m.add(SeverityError, RuleDocument, "Lines", "the document has %d lines, allowances and charges; a purchase invoice has at most %d lines: enter it by hand",
			n, purchases.MaxLines)
		res.Findings = m.findings
		return res
	}
	if t := d.Totals; t.TaxInclusive.IsNegative() || (t.TaxInclusive.IsZero() && t.Payable.IsNegative()) {
		// A credit note written as a negative invoice (or the reverse):
		// the same document with its signs turned.
		d = negated(d)
		m.doc = d
		as := "an invoice"
		if d.Kind == einvoice.KindCreditNote {
			as = "a credit note"
		}
		m.add(SeverityWarning, RuleDocument, "Totals.TaxInclusive", "the document's amounts are negative: read as %s of the opposite amounts", as)
	}
	m.findings = append(m.findings, checkDocument(d)...)
	if b, own := purchases.NormalizeVATNumber(d.Buyer.VATNumber), purchases.NormalizeVATNumber(in.Entity.VATNumber); b != "" && own != "" && b != own {
		m.add(SeverityWarning, RuleBuyer, "Buyer.VATNumber", "the document is addressed to VAT number %s (%s), not to this entity's %s", b, d.Buyer.Name, own)
	}
	inv := &res.Invoice
	kind := purchases.KindInvoice
	if d.Kind == einvoice.KindCreditNote {
		kind = purchases.KindCreditNote
	}
	inv.Kind = &kind
	number := strings.TrimSpace(d.Number)
	if number == "" || utf8.RuneCountInString(number) > 100 {
		m.add(SeverityError, RuleDocument, "Number", "the invoice number (BT-1) %q is empty or longer than 100 characters", number)
	}
	inv.SupplierNumber = &number
	date := d.IssueDate.String()
	inv.InvoiceDate = &date
	if d.DueDate != nil && !d.DueDate.Before(d.IssueDate) {
		due := d.DueDate.String()
		inv.DueDate = &due
	}
	cur := d.Currency
	inv.Currency = &cur
	m.exchangeRate(inv)
	m.references(inv)
	m.credited(inv, kind)

	lines, groups, order := m.lines()
	m.account()
	var out []line
	var printed []purchases.PrintedVATLine
	var netMinor, vatMinor int64
	tol := in.Settings.VATTolerance.Shift(int32(exp)).Floor().IntPart()
	var override []string
	for _, k := range order {
		g := groups[k]
		m.takeAllowances(g, lines)
		net, ok := m.sum("the lines at VAT "+g.category+" "+g.rate.String()+"%", func(yield func(int64) bool) {
			for _, i := range g.lines {
				if !yield(lines[i].minor) {
					return
				}
			}
		})
		vat, hasBreakdown := m.breakdownVAT(g)
		if ok {
			netMinor, ok = m.sum("the net total", slices.Values([]int64{netMinor, net}))
		}
		if ok {
			vatMinor, ok = m.sum("the VAT total", slices.Values([]int64{vatMinor, vat}))
		}
		if !ok {
			res.Findings = m.findings
			return res
		}
		if !g.ok {
			continue
		}
		if vat != 0 && !g.foreign && g.code.Kind != purchases.TaxInput {
			// VAT the draft has no place for: it would be neither booked
			// nor paid, and the draft short of the document (FuzzMap's
			// property: reverse charge at 21 % with its VAT charged was
			// mapped without a finding).
			m.add(SeverityError, RuleTotals, "VAT", "the document charges VAT of %s on category %s at %s%%, which is booked under tax code %s (%s) without VAT charged by the supplier: the purchase invoice would be short of the document; enter it by hand",
				money.Format(vat, exp), g.category, g.rate, g.code.Code, g.code.Kind)
		}
		if g.foreign && vat != 0 {
			// Foreign VAT is part of the cost: spread over the lines.
			w := make([]int64, len(g.lines))
			for j, i := range g.lines {
				w[j] = lines[i].minor
			}
			for j, share := range purchases.Spread(vat, w) {
				lines[g.lines[j]].minor += share
			}
		}
		if g.code.Kind == purchases.TaxInput && hasBreakdown {
			printed = append(printed, purchases.PrintedVATLine{Rate: g.rate.String(), Amount: money.Format(vat, exp)})
			computed := invoicing.Percent(net, g.rate)
			if diff := vat - computed; diff < -tol || diff > tol {
				m.add(SeverityWarning, RuleVATTolerance, "VAT", "VAT at %s%% is %s on the document and %s computed on its lines (difference %s, more than the tolerance %s): the document's VAT is booked",
					g.rate, money.Format(vat, exp), money.Format(computed, exp), money.Format(diff, exp), money.Format(tol, exp))
				override = append(override, g.rate.String()+"%")
			}
		}
		for _, i := range g.lines {
			if lines[i].minor < 0 {
				// Foreign VAT of the opposite sign spread over a small
				// line can take it below zero: not dropped, refused.
				m.add(SeverityError, RuleAllowance, "Lines", "the line %q at VAT %s %s%% comes to %s with its share of allowances and foreign VAT: purchase lines are not negative; enter this document by hand",
					lines[i].desc, g.category, g.rate, money.Format(lines[i].minor, exp))
				continue
			}
			if lines[i].minor == 0 {
				continue // taken up wholly by an allowance
			}
			l := lines[i]
			l.code, l.account = g.code, m.acct
			out = append(out, l)
		}
	}
	m.totals(netMinor, vatMinor)
	out = m.rounding(out)
	if len(out) == 0 && !slices.ContainsFunc(m.findings, func(f Finding) bool { return f.Severity == SeverityError }) {
		// Every line zero or taken up by allowances: a purchase invoice
		// has at least one line (found by FuzzMapFigures: a draft of none
		// was not blocked).
		m.add(SeverityError, RuleDocument, "Lines", "the document leaves no line to book: its lines are zero or taken up wholly by its allowances; enter it by hand if it is to be booked")
	}
	res.PrepaidMinor = m.minor(d.Totals.Prepaid, "Totals.Prepaid")
	for _, l := range out {
		inv.Lines = append(inv.Lines, purchases.LineInput{Description: truncate(l.desc, maxDescription), Account: l.account, Amount: money.Format(l.minor, exp), TaxCode: l.code.Code})
	}
	inv.VAT = printed
	if len(override) > 0 {
		r := fmt.Sprintf("VAT as printed on e-invoice %s (%s), checked against its lines", number, strings.Join(override, ", "))
		inv.VATOverrideReason = &r
	}
	res.Findings = m.findings
	return res
}

// sum adds amounts in minor units, refusing (with an error finding naming
// what) a sum beyond what the ledger holds, before an int64 could wrap.
func (m *mapper) sum(what string, xs iter.Seq[int64]) (int64, bool) {
	var t int64
	for x := range xs {
		t += x // each |x| and |t| is at most money.MaxMinor: no wrap
		if t > money.MaxMinor || t < -money.MaxMinor {
			m.add(SeverityError, RuleAmount, "Totals", "%s is more than the ledger holds (%s)", what, money.Format(money.MaxMinor, m.exp))
			return 0, false
		}
	}
	return t, true
}

// negated is a copy of d with every amount's sign turned and its kind the
// other one: invoice for credit note and the reverse.
func negated(d *einvoice.Document) *einvoice.Document {
	n := *d
	neg := func(x *decimal.Decimal) { *x = x.Neg() }
	if n.Kind == einvoice.KindCreditNote {
		n.Kind = einvoice.KindInvoice
	} else {
		n.Kind = einvoice.KindCreditNote
	}
	n.Lines = slices.Clone(d.Lines)
	for i := range n.Lines {
		l := &n.Lines[i]
		neg(&l.NetAmount)
		neg(&l.Quantity) // price times quantity is the net amount still
		l.Allowances = slices.Clone(l.Allowances)
		for j := range l.Allowances {
			neg(&l.Allowances[j].Amount)
			neg(&l.Allowances[j].BaseAmount)
		}
	}
	n.Allowances = slices.Clone(d.Allowances)
	for i := range n.Allowances {
		neg(&n.Allowances[i].Amount)
		neg(&n.Allowances[i].BaseAmount)
	}
	n.VAT = slices.Clone(d.VAT)
	for i := range n.VAT {
		neg(&n.VAT[i].TaxableAmount)
		neg(&n.VAT[i].TaxAmount)
	}
	t := &n.Totals
	for _, x := range []*decimal.Decimal{&t.LineTotal, &t.AllowanceTotal, &t.ChargeTotal, &t.TaxExclusive, &t.TaxTotal,
		&t.TaxTotalInTaxCurrency, &t.TaxInclusive, &t.Prepaid, &t.Rounding, &t.Payable} {
		neg(x)
	}
	return &n
}

// exchangeRate: the override, else the rate the document's VAT total in
// the entity's currency gives (BT-111 / BT-110: right for the VAT, not
// exact for every amount, so it warns), else an error.
func (m *mapper) exchangeRate(inv *purchases.InvoiceInput) {
	d, ent := m.doc, m.in.Entity
	if d.Currency == ent.Currency {
		if m.in.ExchangeRate != "" {
			m.add(SeverityWarning, RuleCurrency, "exchange_rate", "exchange_rate %s is ignored: the document is in %s, the entity's currency", m.in.ExchangeRate, ent.Currency)
		}
		return
	}
	if m.in.ExchangeRate != "" {
		if _, err := money.ParseRate(m.in.ExchangeRate); err != nil {
			m.add(SeverityError, RuleCurrency, "exchange_rate", "%v", err)
			return
		}
		r := m.in.ExchangeRate
		inv.ExchangeRate = &r
		return
	}
	if d.TaxCurrency == ent.Currency && d.Totals.TaxTotal.IsPositive() && d.Totals.TaxTotalInTaxCurrency.IsPositive() {
		rate := d.Totals.TaxTotalInTaxCurrency.DivRound(d.Totals.TaxTotal, 10)
		if _, err := money.ParseRate(rate.String()); err == nil {
			r := rate.String()
			inv.ExchangeRate = &r
			m.add(SeverityWarning, RuleCurrency, "TaxCurrency", "exchange rate %s %s per %s worked out from the VAT totals (BT-111 / BT-110); pass exchange_rate for the rate of the day",
				r, ent.Currency, d.Currency)
			return
		}
	}
	m.add(SeverityError, RuleCurrency, "Currency", "a document in %s needs exchange_rate: %s per 1 %s", d.Currency, ent.Currency, d.Currency)
}

// references: the buyer's reference or order, and the payment reference
// when it is a Dutch betalingskenmerk (else it goes with the reference).
func (m *mapper) references(inv *purchases.InvoiceInput) {
	d := m.doc
	var ref []string
	if r := strings.TrimSpace(d.BuyerReference); r != "" {
		ref = append(ref, r)
	}
	if r := strings.TrimSpace(d.OrderReference); r != "" && !slices.Contains(ref, r) {
		ref = append(ref, "order "+r)
	}
	for _, pm := range d.PaymentMeans {
		id := strings.Join(strings.Fields(pm.PaymentID), "")
		if id == "" {
			continue
		}
		if pain001.ValidPaymentReference(id) {
			inv.PaymentReference = &id
		} else {
			ref = append(ref, "payment reference "+strings.TrimSpace(pm.PaymentID))
		}
		break
	}
	if len(ref) > 0 {
		r := strings.Join(ref, "; ")
		if rs := []rune(r); len(rs) > 200 {
			r = string(rs[:200])
		}
		inv.Reference = &r
	}
}

// credited: the purchase invoice a credit note corrects, by the number it
// names (BG-3).
func (m *mapper) credited(inv *purchases.InvoiceInput, kind string) {
	if kind != purchases.KindCreditNote || len(m.doc.Preceding) == 0 {
		return
	}
	n := m.doc.Preceding[0].Number
	if m.in.Credited != nil {
		if id, ok := m.in.Credited(n); ok {
			inv.CreditedID = &id
			return
		}
	}
	m.add(SeverityWarning, RuleCredited, "Preceding[0]", "the credit note corrects invoice %s, which is not among the supplier's booked purchase invoices: entered without it", n)
}

// account checks the lines have an account: the override, else the
// supplier's default.
func (m *mapper) account() {
	m.acct = m.in.Account
	if m.acct == "" && m.in.Supplier != nil {
		m.acct = m.in.Supplier.DefaultAccount
	}
	if m.acct != "" {
		return
	}
	m.add(SeverityError, RuleAccount, "account", "no account: set the supplier's default_account or pass account")
}

// lines maps the document's lines and charges into groups by category and
// rate, in the order first met; allowances and negative lines are kept to
// be taken off their group's lines (a purchase line is never negative).
func (m *mapper) lines() ([]line, map[string]*group, []string) {
	var lines []line
	groups := map[string]*group{}
	var order []string
	at := func(cat string, rate decimal.Decimal, path string) *group {
		k := groupKey(cat, rate)
		g := groups[k]
		if g == nil {
			g = &group{category: strings.ToUpper(strings.TrimSpace(cat)), rate: rate}
			g.code, g.foreign, g.ok = m.taxCode(g.category, rate, path)
			groups[k] = g
			order = append(order, k)
		}
		return g
	}
	for i, l := range m.doc.Lines {
		path := fmt.Sprintf("Lines[%d]", i)
		g := at(l.VATCategory, l.VATRate, path)
		v := m.minor(l.NetAmount, path+".NetAmount")
		desc := strings.TrimSpace(l.Name)
		if dd := strings.TrimSpace(l.Description); dd != "" && dd != desc {
			desc = strings.TrimSpace(desc + " — " + dd)
		}
		desc = truncate(desc, maxDescription)
		if desc == "" {
			desc = "Line " + l.ID
		}
		if v < 0 {
			g.negative = true
			g.less = append(g.less, -v)
			g.notes = append(g.notes, fmt.Sprintf("less %s %s", desc, money.Format(-v, m.exp)))
			continue
		}
		g.lines = append(g.lines, len(lines))
		lines = append(lines, line{desc: desc, minor: v})
	}
	for i, a := range m.doc.Allowances {
		path := fmt.Sprintf("Allowances[%d]", i)
		g := at(a.VATCategory, a.VATRate, path)
		v := m.minor(a.Amount, path+".Amount")
		what := strings.TrimSpace(a.Reason)
		if what == "" {
			what = a.ReasonCode
		}
		if a.Charge {
			desc := "Charge"
			if what != "" {
				desc += ": " + what
			}
			if v < 0 {
				// A negative charge (one of a negative document, read
				// with its signs turned) is taken off like a negative
				// line: as a line it was dropped, the draft short of the
				// document by it (found by FuzzMapFigures).
				g.negative = true
				g.less = append(g.less, -v)
				g.notes = append(g.notes, fmt.Sprintf("less %s %s", desc, money.Format(-v, m.exp)))
				continue
			}
			g.lines = append(g.lines, len(lines))
			lines = append(lines, line{desc: desc, minor: v, charge: true})
			continue
		}
		if what == "" {
			what = "allowance"
		}
		g.less = append(g.less, v)
		g.notes = append(g.notes, fmt.Sprintf("less %s %s", what, money.Format(v, m.exp)))
	}
	return lines, groups, order
}

// takeAllowances takes a group's allowances off its item lines (not its
// charges, unless it has nothing else) in proportion to their amounts (the
// shares add up exactly) and says so on each line.
func (m *mapper) takeAllowances(g *group, lines []line) {
	what := fmt.Sprintf("the allowances at VAT %s %s%%", g.category, g.rate)
	less, ok := m.sum(what, slices.Values(g.less))
	if less == 0 || !ok {
		return
	}
	items := slices.DeleteFunc(slices.Clone(g.lines), func(i int) bool { return lines[i].charge })
	if len(items) == 0 {
		items = g.lines
	}
	w := make([]int64, len(items))
	for j, i := range items {
		w[j] = lines[i].minor
	}
	sum, ok := m.sum(fmt.Sprintf("the lines at VAT %s %s%%", g.category, g.rate), slices.Values(w))
	if !ok {
		return
	}
	if sum < less {
		if g.negative {
			m.add(SeverityError, RuleAllowance, "Lines", "negative lines and allowances of %s at VAT %s %s%% (%s) cannot be taken off its positive lines (%s): purchase lines are not negative; enter this document by hand",
				money.Format(less, m.exp), g.category, g.rate, strings.Join(g.notes, "; "), money.Format(sum, m.exp))
			return
		}
		m.add(SeverityError, RuleAllowance, "Allowances", "allowances of %s at VAT %s %s%% are more than its lines (%s): purchase lines are not negative; enter this document by hand",
			money.Format(less, m.exp), g.category, g.rate, money.Format(sum, m.exp))
		return
	}
	note := " (" + strings.Join(g.notes, "; ") + ")"
	for j, share := range purchases.Spread(less, w) {
		l := &lines[items[j]]
		l.minor -= share
		if share != 0 {
			l.desc = truncate(l.desc+note, maxDescription)
		}
	}
}

// breakdownVAT is the document's VAT of a group (BG-23), in minor units.
func (m *mapper) breakdownVAT(g *group) (int64, bool) {
	for i, b := range m.doc.VAT {
		if groupKey(b.Category, b.Rate) == groupKey(g.category, g.rate) {
			return m.minor(b.TaxAmount, fmt.Sprintf("VAT[%d].TaxAmount", i)), true
		}
	}
	return 0, false
}

// taxCode picks the purchase tax code of a category and rate from a
// supplier in the seller's country; foreign is VAT of another country.
func (m *mapper) taxCode(category string, rate decimal.Decimal, path string) (code *purchases.TaxCode, foreign, ok bool) {
	// Dutch VAT is charged by a seller with a Dutch VAT number, wherever
	// its address. Northern Ireland (XI) is in the EU for goods but not
	// for services (the Windsor Framework), whatever its GB address.
	country := m.vat
	nl := country == "NL"
	eu := !nl && vatid.IsEU(vatid.CountryPrefix(country))
	if country == "XI" {
		eu = category == einvoice.CategoryIntraEU
	}
	rc := m.reverseChargeRate()
	var kind purchases.TaxKind
	want := decimal.Zero
	switch {
	case !slices.Contains(einvoice.Categories, category):
		m.add(SeverityError, RuleTaxCode, path+".VATCategory", "VAT category %q is not an EN 16931 category (S, Z, E, AE, K, G, O, L, M)", category)
		return nil, false, false
	case country == "":
		m.add(SeverityError, RuleTaxCode, path+".VATCategory", "the seller's country is unknown (no address country, no VAT number): category %s cannot be mapped", category)
		return nil, false, false
	case category == einvoice.CategoryStandard && nl:
		kind, want = purchases.TaxInput, rate
	case category == einvoice.CategoryStandard:
		m.add(SeverityWarning, RuleForeignVAT, path+".VATCategory", "%s VAT at %s%% charged by a supplier in %s (VAT number %q) is not deductible on the Dutch return: booked as cost (reclaim it from %s's tax authority through the EU VAT refund procedure)",
			country, rate, m.country, m.doc.Seller.VATNumber, country)
		kind, foreign = purchases.TaxNoVAT, true
	case category == einvoice.CategoryZero:
		kind = purchases.TaxZero
	case category == einvoice.CategoryExempt:
		kind = purchases.TaxExempt
	case category == einvoice.CategoryReverseCharge && nl:
		kind, want = purchases.TaxReverseDomestic, rc
	case category == einvoice.CategoryReverseCharge && eu:
		kind, want = purchases.TaxEUServices, rc
	case category == einvoice.CategoryIntraEU && eu:
		kind, want = purchases.TaxEUGoods, rc
	case category == einvoice.CategoryOutOfScope && (nl || eu):
		kind = purchases.TaxNoVAT
	case !nl && !eu && (category == einvoice.CategoryReverseCharge || category == einvoice.CategoryIntraEU ||
		category == einvoice.CategoryOutOfScope || category == einvoice.CategoryExport):
		kind, want = purchases.TaxNonEUServices, rc
	default:
		m.add(SeverityError, RuleTaxCode, path+".VATCategory", "VAT category %s from a supplier in %s has no Dutch purchase treatment: enter this document by hand", category, country)
		return nil, false, false
	}
	if c := m.pick(kind, want); c != nil {
		return c, foreign, true
	}
	m.add(SeverityError, RuleTaxCode, path+".VATCategory", "no active purchase tax code of kind %s at %s%% for VAT category %s at %s%%: add one (POST /purchase-tax-codes)",
		kind, want, category, rate)
	return nil, foreign, false
}

// reverseChargeRate is the Dutch rate the entity applies on reverse
// charge: the supplier's default code's, else 21 %.
func (m *mapper) reverseChargeRate() decimal.Decimal {
	if s := m.in.Supplier; s != nil && s.DefaultTaxCode != "" {
		for _, c := range m.in.TaxCodes {
			if c.Code == s.DefaultTaxCode && c.Rate.IsPositive() {
				return c.Rate
			}
		}
	}
	return decimal.NewFromInt(21)
}

// pick is the active code of a kind and rate: the supplier's default if
// it is one, else one fully deductible, else the first by code.
func (m *mapper) pick(kind purchases.TaxKind, rate decimal.Decimal) *purchases.TaxCode {
	var best *purchases.TaxCode
	score := func(c *purchases.TaxCode) int {
		switch {
		case m.in.Supplier != nil && c.Code == m.in.Supplier.DefaultTaxCode:
			return 2
		case c.Deductible.Equal(decimal.NewFromInt(100)):
			return 1
		}
		return 0
	}
	for _, c := range m.in.TaxCodes {
		if c.ArchivedAt != nil || c.Kind != kind || !c.Rate.Equal(rate) {
			continue
		}
		if best == nil || score(c) > score(best) || (score(c) == score(best) && c.Code < best.Code) {
			best = c
		}
	}
	return best
}

// totals checks that the purchase invoice adds up to the document: its
// net (before foreign VAT is added as cost) to BT-109, its VAT to BT-110,
// its total to BT-112.
func (m *mapper) totals(net, vat int64) {
	t := m.doc.Totals
	for _, c := range []struct {
		what, bt string
		got      int64
		want     decimal.Decimal
	}{{"net", "TaxExclusive", net, t.TaxExclusive}, {"VAT", "TaxTotal", vat, t.TaxTotal}, {"total", "TaxInclusive", net + vat, t.TaxInclusive}} {
		if w := m.minor(c.want, "Totals."+c.bt); w != c.got {
			m.add(SeverityError, RuleTotals, "Totals."+c.bt, "the purchase invoice's %s would be %s, the document's %s is %s",
				c.what, money.Format(c.got, m.exp), c.bt, money.Format(w, m.exp))
		}
	}
}

// rounding puts the document's rounding amount (BT-114) on the rounding
// account under a code without VAT. A negative one cannot be a line of its
// own (a purchase line is never negative): it is taken off the largest
// line without VAT (else the largest line with VAT charged, whose VAT it
// leaves as printed), and said so. Never off a reverse-charge line: its
// amount is the base declared on the return; with only those the document
// is refused (left out, the payable would differ by the rounding).
func (m *mapper) rounding(out []line) []line {
	v := m.minor(m.doc.Totals.Rounding, "Totals.Rounding")
	if v == 0 || len(out) == 0 {
		return out
	}
	if v < 0 {
		best := -1
		for i, l := range out {
			if l.code.Kind.ReverseCharge() {
				continue
			}
			better := best < 0 || (!l.code.Kind.HasVAT() && out[best].code.Kind.HasVAT()) ||
				(l.code.Kind.HasVAT() == out[best].code.Kind.HasVAT() && l.minor > out[best].minor)
			if better {
				best = i
			}
		}
		if best < 0 {
			m.add(SeverityError, RuleRounding, "Totals.Rounding", "the negative rounding amount %s cannot be taken off a line: every line is reverse charge, whose amount is the base on the VAT return; enter this document by hand",
				money.Format(v, m.exp))
			return out
		}
		if out[best].minor+v <= 0 {
			m.add(SeverityError, RuleRounding, "Totals.Rounding", "the rounding amount %s is more than any line: enter this document by hand", money.Format(v, m.exp))
			return out
		}
		out[best].minor += v
		out[best].desc += fmt.Sprintf(" (less rounding %s)", money.Format(-v, m.exp))
		m.add(SeverityWarning, RuleRounding, "Totals.Rounding", "the negative rounding amount %s is taken off line %d (%s, %s): a purchase line is never negative",
			money.Format(v, m.exp), best+1, out[best].account, out[best].code.Code)
		return out
	}
	c := m.pick(purchases.TaxNoVAT, decimal.Zero)
	if c == nil {
		m.add(SeverityError, RuleRounding, "Totals.Rounding", "no active purchase tax code of kind no_vat for the rounding amount: add one")
		return out
	}
	return append(out, line{desc: "Rounding (BT-114)", minor: v, code: c, account: m.in.Settings.RoundingAccount})
}
