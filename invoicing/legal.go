package invoicing

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"backoffice/ledger"
	"backoffice/ledger/money"
	"backoffice/ledger/vatid"
)

// LegalNote is what an invoice must say for a kind that charges no VAT, in
// English (LegalNoteIn gives it in the customer's language).
func (k TaxKind) LegalNote() string { return k.LegalNoteIn("en") }

// LegalNoteIn is the legal mention a kind requires, in Dutch ("nl") or
// English; "" for the kinds that charge VAT and a domestic 0 % supply.
//
// Domestic reverse charge is art. 12(5) Wet OB 1968 with art. 24b of its
// implementing decree (not art. 196 of the directive, which is for
// services to another member state); intra-EU goods are exempt under art.
// 138(1) of Directive 2006/112/EC (0 % under tabel II, onderdeel a, post 6
// Wet OB 1968: the Belastingdienst asks for either mention); simplified
// triangulation is arts. 141 and 197 of the directive (the customer is
// designated as liable); exports are exempt under art. 146(1) of the
// directive (its Dutch post is not cited: unconfirmed); services to a
// customer outside the EU are taxed where the customer is (art. 44 of the
// directive, art. 6(1) Wet OB).
func (k TaxKind) LegalNoteIn(lang string) string {
	nl := lang == "nl"
	pick := func(en, dutch string) string {
		if nl {
			return dutch
		}
		return en
	}
	switch k {
	case TaxReverseCharge:
		return pick("VAT reverse charged: the customer is liable for the VAT (Article 12(5) Dutch VAT Act 1968 and Article 24b of its Implementing Decree)",
			"BTW verlegd: de afnemer is de btw verschuldigd (art. 12 lid 5 Wet OB 1968 jo. art. 24b Uitvoeringsbeschikking OB 1968)")
	case TaxIntraEUServices:
		return pick("VAT reverse charged: the customer is liable for the VAT (Article 196 Directive 2006/112/EC)",
			"BTW verlegd: de afnemer is de btw verschuldigd (art. 196 Richtlijn 2006/112/EG)")
	case TaxIntraEU:
		return pick("Intra-Community supply of goods, exempt from VAT (Article 138(1) Directive 2006/112/EC; Table II, part a, item 6 Dutch VAT Act 1968)",
			"Intracommunautaire levering, 0 % btw (art. 138, lid 1, Richtlijn 2006/112/EG; tabel II, onderdeel a, post 6, Wet OB 1968)")
	case TaxIntraEUTriangle:
		return pick("Intra-Community simplified triangulation: the customer is designated as liable for the VAT (Articles 141 and 197 Directive 2006/112/EC)",
			"Vereenvoudigde ABC-levering: de afnemer is aangewezen als degene die de btw verschuldigd is (art. 141 en 197 Richtlijn 2006/112/EG)")
	case TaxExport:
		return pick("Export of goods outside the EU, exempt from VAT (Article 146(1) Directive 2006/112/EC)",
			"Uitvoer buiten de EU, 0 % btw (art. 146, lid 1, Richtlijn 2006/112/EG)")
	case TaxNonEUServices:
		return pick("Not taxable in the Netherlands: a service to a customer established outside the EU (Article 44 Directive 2006/112/EC)",
			"Niet belast in Nederland: dienst aan een afnemer buiten de EU (art. 6 lid 1 Wet OB 1968; art. 44 Richtlijn 2006/112/EG)")
	case TaxDistanceSales:
		return pick("VAT due in the Member State of destination (Article 33 Directive 2006/112/EC)",
			"Btw verschuldigd in de lidstaat van bestemming (art. 33 Richtlijn 2006/112/EG)")
	case TaxExempt:
		return pick("Exempt from VAT (Article 11 Dutch VAT Act 1968)", "Vrijgesteld van btw (art. 11 Wet OB 1968)")
	}
	return ""
}

// KORNote is what an invoice of an entity under the small-business scheme
// says instead of charging VAT.
func KORNote(lang string) string {
	if lang == "nl" {
		return "Vrijgesteld van btw op grond van de kleineondernemersregeling (art. 25 Wet OB 1968)"
	}
	return "Exempt from VAT under the small business scheme (Article 25 Dutch VAT Act 1968)"
}

// SimplifiedInvoiceLimit is the total (VAT included, in the functional
// currency's major units) up to which an invoice may leave out the
// customer's name and address (arts. 220a and 226b of the directive, art.
// 35a lid 3 Wet OB with art. 4 Uitvoeringsbesluit OB: 100 euros). Not for
// intra-EU supplies and distance sales (art. 220a(2) with art. 220(1)):
// those keep the customer's identity whatever their total.
const SimplifiedInvoiceLimit = 100

// FunctionalTotal is the document's total in the functional currency.
func (inv *Invoice) FunctionalTotal(ent *ledger.Entity) int64 {
	if inv.Currency == ent.Currency || inv.ExchangeRate.IsZero() {
		return inv.TotalMinor
	}
	exp, _ := money.Exponent(inv.Currency)
	fexp, _ := money.Exponent(ent.Currency)
	return decimal.NewFromInt(inv.TotalMinor).Mul(inv.ExchangeRate).Shift(int32(fexp - exp)).Round(0).IntPart()
}

// Simplified reports an invoice whose total is at most 100 euros (in the
// functional currency): it may leave out the customer's name and address.
func (inv *Invoice) Simplified(ent *ledger.Entity) bool {
	fexp, _ := money.Exponent(ent.Currency)
	return inv.FunctionalTotal(ent) <= decimal.NewFromInt(SimplifiedInvoiceLimit).Shift(int32(fexp)).IntPart()
}

// NeedsVIES reports a document with a 0 % intra-EU supply: the customer's
// VAT number is checked with VIES before it is issued.
func (inv *Invoice) NeedsVIES() bool {
	for _, l := range inv.Lines {
		if l.TaxKind.IntraEU() {
			return true
		}
	}
	return false
}

// complete adds to p what the law asks of an invoice that the document, its
// supplier or its customer lacks (art. 226 of Directive 2006/112/EC, art.
// 35a Wet OB 1968, the Handelsregisterwet for the chamber of commerce
// number); each under the field that lacks it, as field_required or
// vat_number_invalid.
func (inv *Invoice) complete(lk *Lookup, c *Customer) ledger.Problems {
	var p ledger.Problems
	ent := lk.Entity
	missing := func(path, what string) { p.Add(path, ledger.ReasonFieldRequired, "%s is required on an invoice", what) }
	address := func(path string, a ledger.Address, whose string) {
		hasLine := false
		for _, l := range a.Lines {
			if l != "" {
				hasLine = true
			}
		}
		if !hasLine {
			missing(path+".lines", whose+" street address")
		}
		if a.Postcode == "" {
			missing(path+".postcode", whose+" postcode")
		}
		if a.City == "" {
			missing(path+".city", whose+" city")
		}
		if a.Country == "" {
			missing(path+".country", whose+" country")
		}
	}
	if ent.Name == "" {
		missing("entity.name", "the supplier's (entity's) name")
	}
	address("entity.address", ent.Address, "the supplier's (entity's)")
	if ent.RegistrationID == "" {
		missing("entity.registration_id", "the supplier's chamber of commerce number (KvK, Handelsregisterwet)")
	}
	if ent.VATScheme != ledger.VATSmallBusiness && ent.VATNumber == "" {
		missing("entity.vat_number", "the supplier's VAT identification number (the entity is VAT-registered)")
	}
	if c != nil {
		// An intra-EU supply of goods (triangulation included) and a
		// distance sale always name the customer, a consumer or not and
		// whatever the total (arts. 220(1) and 220a(2) of the directive).
		identified := false
		for _, l := range inv.Lines {
			identified = identified || l.TaxKind == TaxIntraEU || l.TaxKind == TaxIntraEUTriangle || l.TaxKind == TaxDistanceSales
		}
		if identified || c.Type != CustomerConsumer && !inv.Simplified(ent) {
			if c.Name == "" {
				missing("customer.name", "the customer's name")
			}
			address("customer.address", c.Address, "the customer's")
		}
		needs, intra, services := false, false, false
		for _, l := range inv.Lines {
			needs = needs || l.TaxKind.NeedsCustomerVATNumber()
			intra = intra || l.TaxKind.IntraEU()
			services = services || l.TaxKind == TaxIntraEUServices
		}
		_, checkErr := vatid.Check(c.VATNumber)
		switch {
		case needs && c.VATNumber == "":
			missing("customer.vat_number", "the customer's VAT number (reverse charge or intra-EU supply)")
		case c.VATNumber != "" && checkErr != nil:
			// Saved before the numbers were checked: checked again here.
			p.Add("customer.vat_number", ledger.ReasonVATNumberInvalid, "the customer's VAT number %s %v", c.VATNumber, checkErr)
		case intra && (len(c.VATNumber) < 2 || !vatid.IsEU(c.VATNumber[:2]) || c.VATNumber[:2] == "NL"):
			p.Add("customer.vat_number", ledger.ReasonVATNumberInvalid,
				"an intra-EU supply is to a business registered in another EU member state; %s is not such a VAT number", c.VATNumber)
		case services && strings.HasPrefix(c.VATNumber, "XI"):
			// Northern Ireland follows the EU's VAT rules for goods only.
			p.Add("customer.vat_number", ledger.ReasonVATNumberInvalid,
				"%s is a Northern Ireland (XI) number, which serves supplies of goods only: a service to a customer in Northern Ireland is not an intra-EU service (use a non-EU services tax code)", c.VATNumber)
		}
	}
	// An invoice asks to be paid by bank transfer: it carries the IBAN.
	if inv.Kind == KindInvoice && inv.TotalMinor > 0 && lk.Settings.IBAN == "" {
		missing("settings.iban", "the entity's IBAN (invoicing settings), as the invoice asks to be paid by bank transfer")
	}
	return p
}

// checkKOR refuses VAT-charging lines from an entity under the
// small-business scheme: it charges no VAT (art. 25 Wet OB); nor does it
// make 0 % intra-Community supplies of goods (art. 139(1) of the
// directive: they are exempt under the KOR).
func (inv *Invoice) checkKOR(ent *ledger.Entity) error {
	if ent.VATScheme != ledger.VATSmallBusiness {
		return nil
	}
	var p ledger.Problems
	for i, l := range inv.Lines {
		switch {
		case l.TaxKind.ChargesVAT():
			p.Add(fmt.Sprintf("lines[%d].tax_code", i), ledger.ReasonKORVATCharged,
				"the entity is under the small-business scheme (KOR, art. 25 Wet OB) and charges no VAT; tax code %q charges %s %%", l.TaxCode, l.TaxRate)
		case l.TaxKind == TaxIntraEU || l.TaxKind == TaxIntraEUTriangle:
			// Art. 139(1) of the directive: the exemption of art. 138
			// does not apply to supplies of goods by small enterprises
			// under the exemption of arts. 282 to 292.
			p.Add(fmt.Sprintf("lines[%d].tax_code", i), ledger.ReasonKORIntraEUSupply,
				"the entity is under the small-business scheme (KOR): its supplies of goods are exempt under the KOR, not 0 %% intra-Community supplies (art. 139 lid 1 Richtlijn 2006/112/EG); use an exempt tax code instead of %q", l.TaxCode)
		}
	}
	return p.Err()
}

// checkVATGroups refuses what an EN 16931 e-invoice of the document could
// not state as the PDF does. The invoice computes VAT per tax code; the
// e-invoice per VAT category and rate (BR-CO-17), so two codes charging
// VAT at one rate would round apart and the two documents disagree by a
// cent. And services outside the scope of VAT (category O) may not share
// an e-invoice with any other category (BR-O-11 to BR-O-14). Both only
// for a business customer: a consumer never gets an e-invoice.
func (inv *Invoice) checkVATGroups(c *Customer) error {
	if c == nil || c.Type == CustomerConsumer {
		return nil
	}
	var p ledger.Problems
	byRate := map[string]string{} // rate -> the first VAT-charging code at it
	outside, other := "", ""
	for i, l := range inv.Lines {
		if l.TaxKind.ChargesVAT() {
			rate := l.TaxRate.String()
			if first, ok := byRate[rate]; ok && first != l.TaxCode {
				p.Add(fmt.Sprintf("lines[%d].tax_code", i), ledger.ReasonTaxCodesShareRate,
					"tax codes %q and %q both charge VAT at %s %%: VAT is rounded per rate on an e-invoice and per code on this invoice, so use one of them for all lines at %s %%",
					first, l.TaxCode, rate, rate)
			} else if !ok {
				byRate[rate] = l.TaxCode
			}
		}
		if l.TaxKind == TaxNonEUServices {
			outside = l.TaxCode
		} else {
			other = l.TaxCode
		}
	}
	if outside != "" && other != "" {
		p.Add("lines", ledger.ReasonTaxKindMix,
			"tax code %q (non-EU services, outside the scope of VAT) cannot share an invoice to a business with %q: an e-invoice states services outside the scope of VAT on their own; issue two invoices",
			outside, other)
	}
	return p.Err()
}

// incomplete is the one error for every missing field.
func incomplete(p ledger.Problems) error {
	if len(p) == 0 {
		return nil
	}
	msg := fmt.Sprintf("the document lacks what an invoice must show: %s", p[0].Path)
	if len(p) > 1 {
		msg += fmt.Sprintf(" (and %d more)", len(p)-1)
	}
	return &ledger.Error{Code: ledger.CodeInvalid, Reason: ledger.ReasonInvoiceIncomplete, Message: msg, Fields: p}
}

// VIESCheck is the answer of the EU's VIES service about the customer's VAT
// number, kept with the invoice it was asked for.
type VIESCheck struct {
	CountryCode       string    `json:"country_code"`
	VATNumber         string    `json:"vat_number"`
	Valid             bool      `json:"valid"`
	Name              string    `json:"name"`
	Address           string    `json:"address"`
	RequestIdentifier string    `json:"request_identifier"` // the consultation number, when the requester was given
	CheckedAt         time.Time `json:"checked_at"`
	// Skipped: VIES could not be reached and the request chose to issue
	// without the check ("vies": "skip").
	Skipped bool `json:"skipped,omitempty"`
}

// ErrVIESUnavailable is a VIES check that could not be made: the service,
// or the member state's service behind it, did not answer in time.
var ErrVIESUnavailable = errors.New("VIES is unavailable")

// VIESChecker checks a VAT number with the EU's VIES service (package
// invoicing/vies). number is normalised with its prefix ("DE136695976");
// requester is the entity's own VAT number ("" for none), which makes VIES
// return a consultation number. An error wraps ErrVIESUnavailable.
type VIESChecker interface {
	Check(ctx context.Context, number, requester string) (*VIESCheck, error)
}

// IssueOptions are the choices of one issue.
type IssueOptions struct {
	// SkipVIES issues a 0 % intra-EU supply although VIES cannot be
	// reached; the invoice records that the check was skipped. A number
	// VIES says is invalid is refused whatever this says.
	SkipVIES bool
	// VIESChecked: the check was made before the unit of work began
	// (Store.CheckVIES) and VIES is its answer (nil: none was needed).
	// Without it, IssueInvoiceWith asks VIES itself when the store is not
	// bound to a unit of work; a bound store never waits for VIES inside
	// its transaction and refuses an intra-EU supply it has no answer for.
	VIESChecked bool
	VIES        *VIESCheck
}

// IssueInput is the optional body of an issue request.
type IssueInput struct {
	// VIES is "check" (the default: a 0 % intra-EU supply waits for VIES)
	// or "skip" (issue when VIES cannot be reached).
	VIES *string `json:"vies"`
}

// Options validates the input.
func (in *IssueInput) Options() (IssueOptions, error) {
	switch {
	case in.VIES == nil || *in.VIES == "check":
		return IssueOptions{}, nil
	case *in.VIES == "skip":
		return IssueOptions{SkipVIES: true}, nil
	}
	var p ledger.Problems
	p.Add("vies", ledger.ReasonParameterInvalid, "vies is \"check\" or \"skip\", got %q", *in.VIES)
	return IssueOptions{}, p.Err()
}
