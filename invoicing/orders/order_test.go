package orders

import (
	"slices"
	"testing"

	"backoffice/ledger"
)

func ptr[T any](v T) *T { return &v }

func sample() *Input {
	return &Input{ExternalID: "S-1", OrderDate: "2026-11-20", Currency: "EUR",
		Customer: &CustomerRef{ExternalRef: "C-1", Name: ptr("Bakkerij"), Address: &ledger.Address{Lines: []string{"Dorpsstraat 1"}, Country: "nl"}},
		Lines:    []LineInput{{SKU: "A", Description: "Bread", Quantity: "12", UnitPrice: "3.95", TaxCode: "9"}}}
}

func TestNormalizeIgnoresHowAnOrderIsWritten(t *testing.T) {
	a := sample()
	b := sample()
	b.ExternalID, b.Currency = " S-1 ", ""
	b.Customer.Name = ptr(" Bakkerij ")
	b.Customer.Address = &ledger.Address{Lines: []string{" Dorpsstraat 1"}, Country: "NL"}
	b.Lines[0].Quantity, b.Lines[0].UnitPrice, b.Lines[0].DiscountPercent = "12.000", "3.9500", "0.00"
	if na, nb := a.Normalize("EUR"), b.Normalize("EUR"); na != nb {
		t.Fatalf("same order, different normal forms:\n%s\n%s", na, nb)
	}
	// A line without description is the line with its sku as description.
	c := sample()
	c.Lines[0].Description = ""
	d := sample()
	d.Lines[0].Description = "A"
	if c.Normalize("EUR") != d.Normalize("EUR") {
		t.Fatal("description defaulting differs between check and normal form")
	}
}

func TestDiffNamesEveryDifference(t *testing.T) {
	a := sample()
	b := sample()
	b.Lines[0].Quantity = "13"
	b.Lines = append(b.Lines, LineInput{Description: "Cake", Quantity: "1", UnitPrice: "2", TaxCode: "9"})
	b.Customer.Name = nil                   // not sent: no difference
	b.Customer.Email = ptr("x@example.com") // sent once only: no difference
	b.Customer.VATNumber = ptr("NL1")
	a.Customer.VATNumber = ptr("NL2") // sent both times, different
	b.OrderDate = "2026-11-21"
	var got []string
	for _, f := range Diff(a.Normalize("EUR"), b.Normalize("EUR")) {
		got = append(got, f.Path)
		if f.Reason != "order_field_differs" || f.Message == "" {
			t.Errorf("%+v", f)
		}
	}
	want := []string{"customer.vat_number", "lines.length", "lines[0].quantity", "lines[1].description", "lines[1].discount_percent",
		"lines[1].quantity", "lines[1].sku", "lines[1].tax_code", "lines[1].unit", "lines[1].unit_price", "order_date"}
	if !slices.Equal(got, want) {
		t.Fatalf("diff paths\n%v\nwant\n%v", got, want)
	}
	if d := Diff(a.Normalize("EUR"), a.Normalize("EUR")); len(d) != 0 {
		t.Fatalf("an order differs from itself: %v", d)
	}
}

func TestLifeCycleMoves(t *testing.T) {
	allowed := map[[2]Status]bool{
		{Received, Accepted}: true, {Received, Cancelled}: true,
		{Accepted, Fulfilled}: true, {Accepted, Cancelled}: true,
	}
	for _, from := range Statuses {
		for _, to := range Statuses {
			if got := CanMove(from, to); got != allowed[[2]Status{from, to}] {
				t.Errorf("CanMove(%s, %s) = %v", from, to, got)
			}
		}
	}
}

func TestSettingsInput(t *testing.T) {
	s := DefaultSettings()
	if !s.Allows("EUR", "EUR") || s.Allows("USD", "EUR") {
		t.Fatal("default: the functional currency only")
	}
	err := (&SettingsInput{Currencies: &[]string{"USD", "USD", "eur"}, InvoiceMode: ptr("posted")}).Apply(s)
	e := ledger.As(err)
	if len(e.Fields) != 2 || e.Fields[0].Path != "currencies[2]" || e.Fields[1].Path != "invoice_mode" {
		t.Fatalf("%v", e.Fields)
	}
	s = DefaultSettings()
	if err := (&SettingsInput{Currencies: &[]string{"USD", "USD", "EUR"}, InvoiceMode: ptr("issued")}).Apply(s); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.Currencies, []string{"USD", "EUR"}) || s.Join() != "USD,EUR" || !s.Allows("USD", "GBP") || s.InvoiceMode != ModeIssued {
		t.Fatalf("%+v", s)
	}
}
