package ubl

import (
	"testing"

	"backoffice/invoicing/einvoice/validate"
)

// A gross price and discount that do not make the net price were written
// as given, and the file broke PEPPOL-EN16931-R046 (net = gross -
// discount; issue 18). The gross price is kept with the discount that
// makes the net price; below the net price both are left out.
func TestPriceAllowanceMakesTheNetPrice(t *testing.T) {
	for _, c := range []struct {
		name                    string
		net, gross, discount    string
		wantDiscount, wantGross string
	}{
		{"consistent", "10.00", "12.50", "2.50", "2.50", "12.50"},
		{"discount rounded off", "10.00", "12.51", "2.50", "2.51", "12.51"},
		{"discount too large", "10.00", "12.50", "3.00", "2.50", "12.50"},
		{"no discount", "10.00", "12.50", "0", "2.50", "12.50"},
		{"gross is net", "10.00", "10.00", "0.50", "0", "10.00"},
		{"gross below net", "10.00", "9.00", "0.50", "0", "0"},
		{"discount alone", "10.00", "0", "0.50", "0.50", "0"},
		{"neither", "10.00", "0", "0", "0", "0"},
	} {
		l := oneLine("1", "Boek", "1", "H87", c.net, c.net, "S", "9")
		l.GrossPrice, l.PriceDiscount = dec(c.gross), dec(c.discount)
		discount, gross := priceAllowance(&l)
		if !discount.Equal(dec(c.wantDiscount)) || !gross.Equal(dec(c.wantGross)) {
			t.Errorf("%s: discount %s, gross %s; want %s, %s", c.name, discount, gross, c.wantDiscount, c.wantGross)
		}
	}
}

// The same, through the official artefacts: both documents broke R046.
func TestPriceAllowancePassesR046(t *testing.T) {
	validate.RequireTools(t)
	rounded, below := multiRate(), multiRate()
	rounded.Lines[1].GrossPrice = dec("12.51") // less 2.50 is not 10.00
	below.Lines[1].GrossPrice = dec("9.00")    // less 2.50 is not 10.00
	docs := map[string][]byte{"rounded": write(t, rounded), "below": write(t, below)}
	results, err := validate.CheckMany(docs)
	if err != nil {
		t.Fatal(err)
	}
	for name, res := range results {
		if res.Schema != "" || len(res.Fatal) > 0 {
			t.Errorf("%s: schema %q, fatal %v\n%s", name, res.Schema, res.Fatal, docs[name])
		}
	}
}
