package invstore_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"backoffice/invoicing"
	"backoffice/invoicing/invstore"
	"backoffice/invoicing/vies"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
	"backoffice/ledger/sqlstore/sqltest"
)

// completeFixture is an invoicing store whose fake VIES the test controls.
type completeFixture struct {
	*fixture
	vies *vies.Fake
}

func newCompleteFixture(t *testing.T) *completeFixture {
	t.Helper()
	st := invstore.New(sqltest.Open(t))
	fake := vies.NewFake()
	srv := fake.Server()
	t.Cleanup(srv.Close)
	st.SetVIES(vies.New(srv.URL))
	ent, p := sqltest.Entity(t, st, "Compleet B.V.")
	return &completeFixture{fixture: &fixture{t: t, st: st, ent: ent, p: p}, vies: fake}
}

// customerIn creates a customer from in (name defaulted).
func (f *completeFixture) customerIn(in invoicing.CustomerInput) *invoicing.Customer {
	f.t.Helper()
	if in.Name == nil {
		in.Name = ptr("Klant B.V.")
	}
	c, err := f.st.CreateCustomer(ctx, f.p, f.ent, &in)
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

var dutchAddress = &ledger.Address{Lines: []string{"Oudegracht 1"}, Postcode: "3511 AA", City: "Utrecht", Country: "NL"}

// issueErr issues a new draft and returns the error, checking that a
// refusal leaves the draft a draft and posts nothing.
func (f *completeFixture) issueErr(c *invoicing.Customer, opt invoicing.IssueOptions, lines ...invoicing.LineInput) (*invoicing.Invoice, error) {
	f.t.Helper()
	d := f.draft(c, "2026-03-10", lines...)
	before := f.count("journal_entries")
	inv, err := f.st.IssueInvoiceWith(ctx, f.p, f.ent, d.ID, opt)
	if err != nil {
		if got := f.reload(d); got.StoredStatus != invoicing.StatusDraft || got.Number != "" || f.count("journal_entries") != before {
			f.t.Fatalf("a refused issue wrote: status %s number %q entries %d -> %d", got.StoredStatus, got.Number, before, f.count("journal_entries"))
		}
	}
	return inv, err
}

// wantFields fails unless err is reason with exactly the field paths given
// (in any order), each with its field reason.
func wantFields(t *testing.T, err error, reason string, fields map[string]string) {
	t.Helper()
	e := ledger.As(err)
	if e == nil || string(e.Reason) != reason {
		t.Fatalf("err %v; want %s", err, reason)
	}
	got := map[string]string{}
	for _, fe := range e.Fields {
		got[fe.Path] = string(fe.Reason)
	}
	if len(got) != len(fields) {
		t.Errorf("fields %v; want %v", got, fields)
	}
	for p, r := range fields {
		if got[p] != r {
			t.Errorf("field %s: %q; want %q (all: %v)", p, got[p], r, got)
		}
	}
}

// TestIssueRefusesAnIncompleteInvoice: what a new user made (an entity
// with a name only, no IBAN, a business customer with no address) is
// refused at issue with every missing field listed; nothing is written.
func TestIssueRefusesAnIncompleteInvoice(t *testing.T) {
	f := newCompleteFixture(t)
	name, cur, tmpl := "Kaal B.V.", "EUR", "standard"
	bare, err := f.st.CreateEntity(ctx, f.p, &ledger.EntityInput{Name: &name, Currency: &cur, ChartTemplate: &tmpl})
	if err != nil {
		t.Fatal(err)
	}
	f.ent = bare
	c := f.customerIn(invoicing.CustomerInput{})
	_, err = f.issueErr(c, invoicing.IssueOptions{}, line("Advies", "10", "100", "21"))
	req := ledger.ReasonFieldRequired
	wantFields(t, err, "invoice_incomplete", map[string]string{
		"entity.address.lines": string(req), "entity.address.postcode": string(req), "entity.address.city": string(req),
		"entity.address.country": string(req), "entity.registration_id": string(req), "entity.vat_number": string(req),
		"customer.address.lines": string(req), "customer.address.postcode": string(req), "customer.address.city": string(req),
		"customer.address.country": string(req), "settings.iban": string(req),
	})
	if ledger.As(err).Code != ledger.CodeInvalid {
		t.Errorf("code %s; want invalid (422)", ledger.As(err).Code)
	}
}

// TestIssueRefusesEachMissingField: from a complete invoice, each field
// taken away is refused alone, under its path; put back, the invoice issues.
func TestIssueRefusesEachMissingField(t *testing.T) {
	f := newCompleteFixture(t)
	good := f.ent
	rc := func(in ledger.EntityInput) func() { // an entity change and its undo
		return func() {
			e, err := f.st.UpdateEntity(ctx, f.p, good.ID, &in)
			if err != nil {
				t.Fatal(err)
			}
			f.ent = e
		}
	}
	restore := rc(ledger.EntityInput{Address: &good.Address, RegistrationID: &good.RegistrationID, VATNumber: &good.VATNumber})
	for _, c := range []struct {
		name   string
		change func()
		path   string
	}{
		{"no street", rc(ledger.EntityInput{Address: &ledger.Address{Postcode: "1015 AA", City: "Amsterdam", Country: "NL"}}), "entity.address.lines"},
		{"no postcode", rc(ledger.EntityInput{Address: &ledger.Address{Lines: []string{"Keizersgracht 1"}, City: "Amsterdam", Country: "NL"}}), "entity.address.postcode"},
		{"no city", rc(ledger.EntityInput{Address: &ledger.Address{Lines: []string{"Keizersgracht 1"}, Postcode: "1015 AA", Country: "NL"}}), "entity.address.city"},
		{"no country", rc(ledger.EntityInput{Address: &ledger.Address{Lines: []string{"Keizersgracht 1"}, Postcode: "1015 AA", City: "Amsterdam"}}), "entity.address.country"},
		{"no KvK", rc(ledger.EntityInput{RegistrationID: ptr("")}), "entity.registration_id"},
		{"no VAT id", rc(ledger.EntityInput{VATNumber: ptr("")}), "entity.vat_number"},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.change()
			defer restore()
			cust := f.customerIn(invoicing.CustomerInput{Address: dutchAddress})
			_, err := f.issueErr(cust, invoicing.IssueOptions{}, line("Advies", "1", "500", "21"))
			wantFields(t, err, "invoice_incomplete", map[string]string{c.path: string(ledger.ReasonFieldRequired)})
		})
	}
	// The IBAN: an invoice asks to be paid by bank transfer.
	if _, err := f.st.UpdateSettings(ctx, f.p, f.ent, &invoicing.SettingsInput{IBAN: ptr("")}); err != nil {
		t.Fatal(err)
	}
	cust := f.customerIn(invoicing.CustomerInput{Address: dutchAddress})
	_, err := f.issueErr(cust, invoicing.IssueOptions{}, line("Advies", "1", "500", "21"))
	wantFields(t, err, "invoice_incomplete", map[string]string{"settings.iban": string(ledger.ReasonFieldRequired)})
	if _, err := f.st.UpdateSettings(ctx, f.p, f.ent, &invoicing.SettingsInput{IBAN: ptr(sqltest.TestIBAN)}); err != nil {
		t.Fatal(err)
	}
	inv, err := f.issueErr(cust, invoicing.IssueOptions{}, line("Advies", "1", "500", "21"))
	if err != nil {
		t.Fatal(err)
	}
	// A credit note asks for no payment: it issues without an IBAN.
	if _, err := f.st.UpdateSettings(ctx, f.p, f.ent, &invoicing.SettingsInput{IBAN: ptr("")}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.CreateCreditNote(ctx, f.p, f.ent, inv.ID, &invoicing.CreditNoteInput{}); err != nil {
		t.Fatalf("credit note without an IBAN: %v", err)
	}
	// A small-business (KOR) entity needs no VAT id.
	if _, err := f.st.UpdateSettings(ctx, f.p, f.ent, &invoicing.SettingsInput{IBAN: ptr(sqltest.TestIBAN)}); err != nil {
		t.Fatal(err)
	}
	rc(ledger.EntityInput{VATNumber: ptr(""), VATScheme: ptr("kor")})()
	if _, err := f.issueErr(cust, invoicing.IssueOptions{}, line("Advies", "1", "500", "exempt")); err != nil {
		t.Fatalf("KOR entity without a VAT id: %v", err)
	}
}

// TestSimplifiedAndConsumerInvoices: a business customer without an
// address may be invoiced up to 100 euros including VAT; a consumer at
// any amount.
func TestSimplifiedAndConsumerInvoices(t *testing.T) {
	f := newCompleteFixture(t)
	noAddress := f.customerIn(invoicing.CustomerInput{})
	// 82.64 + 21 % (17.3544 -> 17.35) = 99.99: a simplified invoice.
	if inv, err := f.issueErr(noAddress, invoicing.IssueOptions{}, line("Taart", "1", "82.64", "21")); err != nil || inv.TotalMinor != 9999 {
		t.Fatalf("99.99: %v", err)
	}
	// 82.65 + 17.36 (17.3565) = 100.01: above the limit.
	_, err := f.issueErr(noAddress, invoicing.IssueOptions{}, line("Taart", "1", "82.65", "21"))
	wantFields(t, err, "invoice_incomplete", map[string]string{"customer.address.lines": "field_required",
		"customer.address.postcode": "field_required", "customer.address.city": "field_required", "customer.address.country": "field_required"})
	// Exactly EUR 100.00 is still simplified: 82.64 + 17.36 would need
	// a rounding the test cannot pick, so an exempt line of 100.00.
	if _, err := f.issueErr(noAddress, invoicing.IssueOptions{}, line("Taart", "1", "100", "exempt")); err != nil {
		t.Fatalf("EUR 100.00: %v", err)
	}
	// In a foreign currency the limit is in euros, at the invoice's rate:
	// USD 110.00 at 0.9 is EUR 99.00 (simplified, though above 100 in its
	// own currency); USD 100.00 at 1.1 is EUR 110.00 (not, though 100 in
	// its own).
	usd := f.customerIn(invoicing.CustomerInput{Currency: ptr("USD")})
	fx := func(amount, rate string) error {
		t.Helper()
		d, err := f.st.CreateInvoice(ctx, f.p, f.ent, &invoicing.InvoiceInput{CustomerID: &usd.ID, IssueDate: ptr("2026-03-10"),
			ExchangeRate: ptr(rate), Lines: &[]invoicing.LineInput{line("Pie", "1", amount, "exempt")}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.st.IssueInvoice(ctx, f.p, f.ent, d.ID)
		return err
	}
	if err := fx("110", "0.9"); err != nil {
		t.Fatalf("USD 110.00 at 0.9 = EUR 99.00: %v", err)
	}
	wantFields(t, fx("100", "1.1"), "invoice_incomplete", map[string]string{"customer.address.lines": "field_required",
		"customer.address.postcode": "field_required", "customer.address.city": "field_required", "customer.address.country": "field_required"})
	consumer := f.customerIn(invoicing.CustomerInput{CustomerType: ptr("consumer")})
	if consumer.Type != invoicing.CustomerConsumer {
		t.Fatalf("type %q", consumer.Type)
	}
	if _, err := f.issueErr(consumer, invoicing.IssueOptions{}, line("Bruidstaart", "1", "1000", "9")); err != nil {
		t.Fatalf("a consumer without an address: %v", err)
	}
}

// TestSimplifiedKeepsTheCustomerOfIntraEUSupplies: an intra-EU supply of
// goods, a triangulation and a distance sale name the customer whatever
// the total and whoever the customer (arts. 220(1), 220a(2) Directive
// 2006/112/EC); an intra-EU service of the same total may be simplified.
func TestSimplifiedKeepsTheCustomerOfIntraEUSupplies(t *testing.T) {
	f := newCompleteFixture(t)
	noAddress := f.customerIn(invoicing.CustomerInput{VATNumber: ptr("DE136695976")})
	addr := map[string]string{"customer.address.lines": "field_required",
		"customer.address.postcode": "field_required", "customer.address.city": "field_required", "customer.address.country": "field_required"}
	for _, code := range []string{"intra-eu", "intra-eu-triangular", "distance-sales"} {
		_, err := f.issueErr(noAddress, invoicing.IssueOptions{}, line("Onderdeel", "1", "50", code))
		wantFields(t, err, "invoice_incomplete", addr)
	}
	if _, err := f.issueErr(noAddress, invoicing.IssueOptions{}, line("Advies", "1", "50", "intra-eu-services")); err != nil {
		t.Fatalf("an intra-EU service of 50: %v", err)
	}
	consumer := f.customerIn(invoicing.CustomerInput{CustomerType: ptr("consumer")})
	_, err := f.issueErr(consumer, invoicing.IssueOptions{}, line("Fiets", "1", "500", "distance-sales"))
	wantFields(t, err, "invoice_incomplete", addr)
}

// TestCustomerVATNumberRequired: reverse charge and intra-EU supplies need
// the customer's VAT number; an intra-EU supply one of another member state.
func TestCustomerVATNumberRequired(t *testing.T) {
	f := newCompleteFixture(t)
	plain := f.customerIn(invoicing.CustomerInput{Address: dutchAddress})
	for _, code := range []string{"reverse-charge", "intra-eu", "intra-eu-services", "intra-eu-triangular"} {
		_, err := f.issueErr(plain, invoicing.IssueOptions{}, line("Levering", "1", "500", code))
		wantFields(t, err, "invoice_incomplete", map[string]string{"customer.vat_number": "field_required"})
	}
	dutch := f.customerIn(invoicing.CustomerInput{Address: dutchAddress, VATNumber: ptr("NL123456782B01")})
	_, err := f.issueErr(dutch, invoicing.IssueOptions{}, line("Levering", "1", "500", "intra-eu"))
	wantFields(t, err, "invoice_incomplete", map[string]string{"customer.vat_number": "vat_number_invalid"})
	// A number saved before the numbers were checked (written here
	// straight into the table) is checked again at issue.
	old := f.customerIn(invoicing.CustomerInput{Address: dutchAddress})
	if _, err := f.st.DB().Exec(`UPDATE customers SET vat_number = 'NL123456789B01' WHERE id = $1`, old.ID); err != nil {
		t.Fatal(err)
	}
	_, err = f.issueErr(old, invoicing.IssueOptions{}, line("Advies", "1", "500", "21"))
	wantFields(t, err, "invoice_incomplete", map[string]string{"customer.vat_number": "vat_number_invalid"})
	// Northern Ireland (XI) is in the EU for goods only.
	ni := f.customerIn(invoicing.CustomerInput{Address: &ledger.Address{Lines: []string{"1 High Street"}, Postcode: "BT1 1AA", City: "Belfast", Country: "GB"},
		VATNumber: ptr("XI123456782")})
	_, err = f.issueErr(ni, invoicing.IssueOptions{}, line("Advies", "1", "500", "intra-eu-services"))
	wantFields(t, err, "invoice_incomplete", map[string]string{"customer.vat_number": "vat_number_invalid"})
	if _, err := f.issueErr(ni, invoicing.IssueOptions{}, line("Pompen", "1", "500", "intra-eu")); err != nil {
		t.Fatalf("goods to Northern Ireland: %v", err)
	}
	// Domestic reverse charge to a Dutch business: issued, VIES not asked.
	calls := f.vies.Calls()
	if _, err := f.issueErr(dutch, invoicing.IssueOptions{}, line("Onderaanneming", "1", "500", "reverse-charge")); err != nil {
		t.Fatal(err)
	}
	if f.vies.Calls() != calls {
		t.Error("VIES asked for a domestic reverse charge")
	}
}

// TestVIESBeforeIntraEUSupply: the customer's number is checked with
// (the fake) VIES; the answer is kept with the invoice; an invalid number
// is refused, an unreachable VIES is 503 unless the request skips it.
func TestVIESBeforeIntraEUSupply(t *testing.T) {
	f := newCompleteFixture(t)
	de := &ledger.Address{Lines: []string{"Hauptstraße 1"}, Postcode: "10115", City: "Berlin", Country: "DE"}
	good := f.customerIn(invoicing.CustomerInput{Address: de, VATNumber: ptr("de 136 695 976")})
	if good.VATNumber != "DE136695976" {
		t.Fatalf("stored %q; want it normalised", good.VATNumber)
	}
	inv, err := f.issueErr(good, invoicing.IssueOptions{}, line("Pompen", "2", "1500", "intra-eu"))
	if err != nil {
		t.Fatal(err)
	}
	v := f.reload(inv).Printed.VIES
	if v == nil || !v.Valid || v.VATNumber != "DE136695976" || v.CountryCode != "DE" || v.Name != "FAKE TRADER DE136695976" ||
		v.RequestIdentifier != "WAPIFAKEDE136695976" || v.CheckedAt.IsZero() || v.Skipped {
		t.Fatalf("stored VIES answer %+v", v)
	}
	// Asked as the entity (NL004495445B01), for a consultation number.
	if last := f.vies.Last(); last["countryCode"] != "DE" || last["vatNumber"] != "136695976" ||
		last["requesterMemberStateCode"] != "NL" || last["requesterNumber"] != "004495445B01" {
		t.Errorf("VIES request %v", last)
	}
	if view := f.reload(inv).View(f.ent, f.ent.Today()); view.VIES == nil || view.VIES.RequestIdentifier == "" {
		t.Errorf("the invoice's JSON shows no VIES answer: %+v", view.VIES)
	}

	gone := f.customerIn(invoicing.CustomerInput{Address: de, VATNumber: ptr("DE123456788")})
	f.vies.Invalid("DE123456788")
	_, err = f.issueErr(gone, invoicing.IssueOptions{}, line("Pompen", "1", "1500", "intra-eu"))
	wantFields(t, err, "vat_number_not_in_vies", map[string]string{"customer.vat_number": "vat_number_not_in_vies"})
	// Even when skipping: VIES answered, and said no.
	_, err = f.issueErr(gone, invoicing.IssueOptions{SkipVIES: true}, line("Pompen", "1", "1500", "intra-eu"))
	wantReason(t, err, "vat_number_not_in_vies")

	down := f.customerIn(invoicing.CustomerInput{Address: &ledger.Address{Lines: []string{"Rue 1"}, Postcode: "75001", City: "Paris", Country: "FR"},
		VATNumber: ptr("FR40303265045")})
	f.vies.Down("FR40303265045")
	_, err = f.issueErr(down, invoicing.IssueOptions{}, line("Pompen", "1", "1500", "intra-eu-services"))
	wantReason(t, err, "vies_unavailable")
	if ledger.As(err).Code != ledger.CodeUnavailable || !strings.Contains(err.Error(), `"vies": "skip"`) {
		t.Errorf("unavailable: %v (code %s)", err, ledger.As(err).Code)
	}
	inv, err = f.issueErr(down, invoicing.IssueOptions{SkipVIES: true}, line("Pompen", "1", "1500", "intra-eu-services"))
	if err != nil {
		t.Fatal(err)
	}
	if v := f.reload(inv).Printed.VIES; v == nil || !v.Skipped || v.Valid || v.VATNumber != "FR40303265045" {
		t.Errorf("skipped check stored as %+v", v)
	}
	// No VIES checker at all is the same as VIES unreachable.
	f.st.SetVIES(nil)
	_, err = f.issueErr(good, invoicing.IssueOptions{}, line("Pompen", "1", "1500", "intra-eu-triangular"))
	wantReason(t, err, "vies_unavailable")
	_ = http.StatusOK
}

// TestKORRefusesVAT: an entity under the small-business scheme charges no
// VAT; its invoice says why (legal_note).
func TestKORRefusesVAT(t *testing.T) {
	f := newCompleteFixture(t)
	e, err := f.st.UpdateEntity(ctx, f.p, f.ent.ID, &ledger.EntityInput{VATScheme: ptr("kor")})
	if err != nil {
		t.Fatal(err)
	}
	f.ent = e
	c := f.customerIn(invoicing.CustomerInput{Address: dutchAddress, Language: ptr("nl")})
	_, err = f.issueErr(c, invoicing.IssueOptions{}, line("Taart", "1", "50", "exempt"), line("Koffie", "1", "5", "21"))
	wantFields(t, err, "kor_vat_charged", map[string]string{"lines[1].tax_code": "kor_vat_charged"})
	inv, err := f.issueErr(c, invoicing.IssueOptions{}, line("Taart", "1", "50", "exempt"))
	if err != nil {
		t.Fatal(err)
	}
	v := f.reload(inv).View(f.ent, f.ent.Today())
	if v.LegalNote != "Vrijgesteld van btw op grond van de kleineondernemersregeling (art. 25 Wet OB 1968)" {
		t.Errorf("legal_note %q", v.LegalNote)
	}
}

// TestVATNumbersCheckedWhenSaved: customers' and the entity's VAT numbers
// by their country's check digits; customer_type.
func TestVATNumbersCheckedWhenSaved(t *testing.T) {
	f := newCompleteFixture(t)
	for _, bad := range []string{"hello world", "NL123456789B01", "DK12345678", "GR123456783", "DE12345678"} {
		_, err := f.st.CreateCustomer(ctx, f.p, f.ent, &invoicing.CustomerInput{Name: ptr("X"), VATNumber: ptr(bad)})
		wantFields(t, err, "vat_number_invalid", map[string]string{"vat_number": "vat_number_invalid"})
		_, err = f.st.UpdateEntity(ctx, f.p, f.ent.ID, &ledger.EntityInput{VATNumber: ptr(bad)})
		wantFields(t, err, "vat_number_invalid", map[string]string{"vat_number": "vat_number_invalid"})
	}
	// Outside the EU: the form only.
	c := f.customerIn(invoicing.CustomerInput{VATNumber: ptr("CHE-123.456.789 MWST")})
	if c.VATNumber != "CHE123456789MWST" {
		t.Errorf("Swiss number stored as %q", c.VATNumber)
	}
	_, err := f.st.CreateCustomer(ctx, f.p, f.ent, &invoicing.CustomerInput{Name: ptr("X"), CustomerType: ptr("government")})
	wantFields(t, err, "customer_type_invalid", map[string]string{"customer_type": "customer_type_invalid"})
	if c.Type != invoicing.CustomerBusiness {
		t.Errorf("default type %q", c.Type)
	}
	c2, err := f.st.UpdateCustomer(ctx, f.p, f.ent, c.ID, &invoicing.CustomerInput{CustomerType: ptr("consumer")})
	if err != nil || c2.Type != invoicing.CustomerConsumer {
		t.Fatalf("update type: %v %v", c2, err)
	}
	if got, _ := f.st.Customer(ctx, f.ent.ID, c.ID); got.Type != invoicing.CustomerConsumer {
		t.Errorf("stored type %q", got.Type)
	}
	_ = slices.Contains[[]string]
}

// TestBoundIssueNeverAsksVIES: a store bound to a unit of work (as the
// orders' invoicing uses it) does not ask VIES inside the transaction: an
// intra-EU supply without an answer got before is 503 vies_unavailable,
// and VIES hears nothing; with CheckVIES made first, it is issued.
func TestBoundIssueNeverAsksVIES(t *testing.T) {
	f := newCompleteFixture(t)
	de := &ledger.Address{Lines: []string{"Hauptstraße 1"}, Postcode: "10115", City: "Berlin", Country: "DE"}
	c := f.customerIn(invoicing.CustomerInput{Address: de, VATNumber: ptr("DE811128135")})
	d := f.draft(c, "2026-03-10", line("Pompen", "1", "500", "intra-eu"))
	calls := f.vies.Calls()
	err := f.st.Write(ctx, func(tx *sqlstore.Tx) error {
		_, err := f.st.In(tx).IssueInvoice(tx.Context(), f.p, f.ent, d.ID)
		return err
	})
	wantReason(t, err, "vies_unavailable")
	if f.vies.Calls() != calls {
		t.Fatal("VIES asked inside the unit of work")
	}
	opt, err := f.st.CheckVIES(ctx, f.ent, d.ID, invoicing.IssueOptions{})
	if err != nil || !opt.VIESChecked || opt.VIES == nil || !opt.VIES.Valid {
		t.Fatalf("CheckVIES: %+v %v", opt, err)
	}
	var inv *invoicing.Invoice
	err = f.st.Write(ctx, func(tx *sqlstore.Tx) error {
		inv, err = f.st.In(tx).IssueInvoiceWith(tx.Context(), f.p, f.ent, d.ID, opt)
		return err
	})
	if err != nil || inv.StoredStatus != invoicing.StatusIssued || inv.VIES == nil || inv.VIES.VATNumber != "DE811128135" {
		t.Fatalf("issued with the answer got first: %v", err)
	}
	if f.vies.Calls() != calls+1 {
		t.Errorf("VIES asked %d times; want once", f.vies.Calls()-calls)
	}
}
