package pdf

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// Test documents. Their amounts add up the way the invoicing code computes
// them, so that the printed totals can be checked against the lines.

func supplierNL() Party {
	return Party{
		Name:           "Boekhoudkantoor Van der Berg B.V.",
		AddressLines:   []string{"Keizersgracht 123"},
		Postcode:       "1015 CJ",
		City:           "Amsterdam",
		Country:        "NL",
		VATNumber:      "NL812345678B01",
		RegistrationID: "81234567",
		Email:          "facturen@vanderberg.nl",
	}
}

// dutchInvoice: EUR, 21 %, 9 % and reverse-charge lines, a discount and a
// customer in Łódź.
func dutchInvoice() *Document {
	return &Document{
		Kind:       "invoice",
		Language:   "nl",
		Number:     "INV-2026-0117",
		IssueDate:  "2026-11-20",
		SupplyDate: "2026-11-15",
		DueDate:    "2026-12-20",
		Supplier:   supplierNL(),
		Customer: Party{
			Name:         "Przedsiębiorstwo Handlowe Ñandú Sp. z o.o.",
			AddressLines: []string{"ul. Piotrkowska 104", "lok. 12"},
			Postcode:     "90-926",
			City:         "Łódź",
			Country:      "PL",
			VATNumber:    "PL7251234567",
		},
		Currency: "EUR",
		Exponent: 2,
		Lines: []Line{
			{
				Description: "Jaarrekening 2025 en aangifte vennootschapsbelasting, inclusief overleg met de directie over de fiscale positie en de dividenduitkering",
				Quantity:    "1", Unit: "pcs", UnitPrice: "1850.00", NetMinor: 185000,
				TaxCode: "S21", TaxRate: "21", TaxKind: "standard",
			},
			{
				Description: "Loonadministratie november 2026 (12 medewerkers)",
				Quantity:    "12", Unit: "pcs", UnitPrice: "24.5000", DiscountPercent: "10", NetMinor: 26460,
				TaxCode: "S21", TaxRate: "21", TaxKind: "standard",
			},
			{
				Description: "Vakliteratuur: Handboek Loonheffingen 2026",
				Quantity:    "2", Unit: "pcs", UnitPrice: "89.95", NetMinor: 17990,
				TaxCode: "R9", TaxRate: "9", TaxKind: "reduced",
			},
			{
				Description: "Adviesuren internationale btw-structuur, vestiging Łódź",
				Quantity:    "6.5", Unit: "h", UnitPrice: "125", NetMinor: 81250,
				TaxCode: "RC", TaxRate: "0", TaxKind: "reverse_charge",
			},
		},
		VAT: []VATRow{
			{Code: "S21", Rate: "21", Kind: "standard", NetMinor: 211460, TaxMinor: 44407},
			{Code: "R9", Rate: "9", Kind: "reduced", NetMinor: 17990, TaxMinor: 1619},
			{Code: "RC", Rate: "0", Kind: "reverse_charge", NetMinor: 81250, TaxMinor: 0},
		},
		NetMinor:         310700,
		TaxMinor:         46026,
		TotalMinor:       356726,
		PaymentTermsDays: 30,
		PaymentReference: "RF18 5390 0754 7034",
		BankIBAN:         "NL91ABNA0417164300",
		Notes:            "Bedankt voor de prettige samenwerking.\nDe stukken voor de jaarrekening liggen klaar op ons kantoor.",
	}
}

// englishFXInvoice: USD for a supplier whose functional currency is EUR,
// with an intra-EU line.
func englishFXInvoice() *Document {
	return &Document{
		Kind:       "invoice",
		Language:   "en",
		Number:     "INV-2026-0042",
		IssueDate:  "2026-03-05",
		SupplyDate: "2026-02-28",
		DueDate:    "2026-04-04",
		Supplier:   supplierNL(),
		Customer: Party{
			Name:         "Ærøskøbing Shipping ApS",
			AddressLines: []string{"Vestergade 5"},
			Postcode:     "5970",
			City:         "Ærøskøbing",
			Country:      "DK",
			VATNumber:    "DK12345678",
		},
		Currency: "USD",
		Exponent: 2,
		Lines: []Line{
			{
				Description: "Consolidation of US subsidiary accounts, Q3 2026",
				Quantity:    "40", Unit: "h", UnitPrice: "150", NetMinor: 600000,
				TaxCode: "S21", TaxRate: "21", TaxKind: "standard",
			},
			{
				Description: "Transfer-pricing documentation (local file)",
				Quantity:    "1", Unit: "pcs", UnitPrice: "2500", DiscountPercent: "5", NetMinor: 237500,
				TaxCode: "S21", TaxRate: "21", TaxKind: "standard",
			},
			{
				Description: "Printed annual reports, shipped to Ærøskøbing",
				Quantity:    "250", Unit: "pcs", UnitPrice: "3.9500", NetMinor: 98750,
				TaxCode: "IC", TaxRate: "0", TaxKind: "intra_eu",
			},
		},
		VAT: []VATRow{
			{Code: "S21", Rate: "21", Kind: "standard", NetMinor: 837500, TaxMinor: 175875},
			{Code: "IC", Rate: "0", Kind: "intra_eu", NetMinor: 98750, TaxMinor: 0},
		},
		NetMinor:           936250,
		TaxMinor:           175875,
		TotalMinor:         1112125,
		FunctionalCurrency: "EUR",
		FunctionalExponent: 2,
		ExchangeRate:       "0.9234",
		TaxMinorFunctional: 162403,
		PaymentTermsDays:   30,
		PaymentReference:   "INV-2026-0042",
		BankIBAN:           "NL91 ABNA 0417 1643 00",
	}
}

// dutchCreditNote: negative amounts, no due date.
func dutchCreditNote() *Document {
	return &Document{
		Kind:           "credit_note",
		Language:       "nl",
		Number:         "CN-2026-0003",
		CreditedNumber: "INV-2026-0017",
		IssueDate:      "2026-11-02",
		SupplyDate:     "2026-10-31",
		Supplier:       supplierNL(),
		Customer: Party{
			Name:         "Café De Zwaan v.o.f.",
			AddressLines: []string{"Oudegracht 201"},
			Postcode:     "3511 NK",
			City:         "Utrecht",
			Country:      "NL",
			VATNumber:    "NL001234567B02",
		},
		Currency: "EUR",
		Exponent: 2,
		Lines: []Line{
			{
				Description: "Creditering dubbel gefactureerde uren oktober",
				Quantity:    "-4", Unit: "h", UnitPrice: "95", NetMinor: -38000,
				TaxCode: "S21", TaxRate: "21", TaxKind: "standard",
			},
			{
				Description: "Retour vakliteratuur",
				Quantity:    "-1", Unit: "pcs", UnitPrice: "49.50", NetMinor: -4950,
				TaxCode: "R9", TaxRate: "9", TaxKind: "reduced",
			},
		},
		VAT: []VATRow{
			{Code: "S21", Rate: "21", Kind: "standard", NetMinor: -38000, TaxMinor: -7980},
			{Code: "R9", Rate: "9", Kind: "reduced", NetMinor: -4950, TaxMinor: -446},
		},
		NetMinor:   -42950,
		TaxMinor:   -8426,
		TotalMinor: -51376,
		BankIBAN:   "NL91ABNA0417164300",
		Notes:      "Het bedrag wordt binnen 14 dagen teruggestort.",
	}
}

// longInvoice has n lines at 21 %; every seventh description is long
// enough to wrap.
func longInvoice(n int) *Document {
	d := &Document{
		Kind:       "invoice",
		Language:   "en",
		Number:     "INV-2026-0150",
		IssueDate:  "2026-11-30",
		SupplyDate: "2026-11-30",
		DueDate:    "2026-12-14",
		Supplier:   supplierNL(),
		Customer: Party{
			Name:         "Łódź Logistics Sp. z o.o.",
			AddressLines: []string{"ul. Włókiennicza 7"},
			Postcode:     "90-001",
			City:         "Łódź",
			Country:      "PL",
			VATNumber:    "PL7259876543",
		},
		Currency:         "EUR",
		Exponent:         2,
		PaymentTermsDays: 14,
		PaymentReference: "INV-2026-0150",
		BankIBAN:         "NL91ABNA0417164300",
	}
	for i := 1; i <= n; i++ {
		qty := int64(i%5 + 1)
		price := int64(1250 + (i%7)*100)
		desc := fmt.Sprintf("Batch %03d: bookkeeping of purchase invoices", i)
		if i%7 == 0 {
			desc += ", including reconciliation of the bank statements, the credit card statements and the petty cash book for the period"
		}
		d.Lines = append(d.Lines, Line{
			Description: desc,
			Quantity:    strconv.FormatInt(qty, 10),
			Unit:        "pcs",
			UnitPrice:   fmt.Sprintf("%d.%02d", price/100, price%100),
			NetMinor:    qty * price,
			TaxCode:     "S21",
			TaxRate:     "21",
			TaxKind:     "standard",
		})
		d.NetMinor += qty * price
	}
	d.TaxMinor = (d.NetMinor*21 + 50) / 100
	d.TotalMinor = d.NetMinor + d.TaxMinor
	d.VAT = []VATRow{{Code: "S21", Rate: "21", Kind: "standard", NetMinor: d.NetMinor, TaxMinor: d.TaxMinor}}
	return d
}

// Long texts: every text field of a document at (or near) the most the
// service accepts (names 200 characters, four address lines of up to 200,
// postcode 20, city 100, VAT number 30, registration id 50, e-mail 254,
// descriptions 1,000, units 20, notes 2,000, a number from a 40-character
// format), many lines, every VAT kind and large amounts. The words are
// real words, so that a test can look for each of them in the output.

const (
	longSupplierName = "Administratie- en Belastingadviesbureau Van der Berg-Oudshoorn & Vennoten, " +
		"registeraccountants en belastingadviseurs voor het midden- en kleinbedrijf in Noord-Holland, Zuid-Holland en Utrecht B.V."
	longCustomerNameNL = "Coöperatieve Vereniging van Biologische Melkveehouders en Kaasmakers " +
		"uit de Alblasserwaard, de Vijfheerenlanden en de Krimpenerwaard U.A., handelend onder de naam Groene Weide Zuivel"
	longCustomerNameEN = "Przedsiębiorstwo Handlowo-Usługowe Ñandú Międzynarodowe Centrum Logistyczne " +
		"i Dystrybucyjne dla Europy Środkowo-Wschodniej Spółka z ograniczoną odpowiedzialnością Spółka komandytowa"
	longNumber = "VANDERBERG-ADVIES/FACTUUR/2026/000000001234"
)

// longParty is a party whose every field is long.
func longParty(name, country string) Party {
	return Party{
		Name: name,
		AddressLines: []string{
			"Bedrijvenpark De Hoge Dijk, gebouw C (Het Koetshuis), derde verdieping, kantoorunit 3.14 tot en met 3.18",
			"Ingang via de achterzijde naast de overdekte fietsenstalling, bereikbaar via de Laan van Nieuw-Oost-Indië",
			"Postbus 12345 (voor alle correspondentie, pakketten en aangetekende stukken graag dit adres gebruiken)",
			"Ter attentie van de afdeling crediteurenadministratie, kamer 2.07, vermelding van het inkoopordernummer",
		},
		Postcode:       "1234 AB / 5678 CD",
		City:           "Nieuwerkerk aan den IJssel, gemeente Zuidplas (Zuid-Holland), vestiging Capelle-West",
		Country:        country,
		VATNumber:      "NL812345678B01",
		RegistrationID: "81234567 (vestigingsnummer 000012345678, Utrecht)",
		Email:          "crediteurenadministratie.facturen.en.creditnotas@vanderberg-oudshoorn-vennoten-belastingadvies.nl",
	}
}

// longDescription is a description of about n characters made of words,
// ending with the unique word "einde<tag>".
func longDescription(tag string, n int) string {
	words := strings.Fields("Werkzaamheden in het kader van de samenstelling van de jaarrekening, " +
		"de aangifte vennootschapsbelasting, de aangiften omzetbelasting per kwartaal, de loonadministratie " +
		"met de bijbehorende aangiften loonheffingen, het overleg met de directie en de externe accountant " +
		"over de waardering van de voorraden, de voorzieningen en de fiscale positie van de onderneming")
	end := " einde" + tag
	var b strings.Builder
	for i := 0; b.Len()+1+len(words[i%len(words)])+len(end) <= n; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[i%len(words)])
	}
	return b.String() + end
}

// longDocument is an invoice or credit note ("invoice", "credit_note") in
// language with long texts everywhere and 40 lines of every VAT kind.
func longDocument(kind, language string) *Document {
	customer := longParty(longCustomerNameNL, "NL")
	if language == "en" {
		customer = longParty(longCustomerNameEN, "PL")
		customer.VATNumber = "PL7251234567"
	}
	d := &Document{
		Kind:             kind,
		Language:         language,
		Number:           longNumber,
		IssueDate:        "2026-11-20",
		SupplyDate:       "2026-11-15",
		DueDate:          "2026-12-20",
		Supplier:         longParty(longSupplierName, "NL"),
		Customer:         customer,
		Currency:         "EUR",
		Exponent:         2,
		PaymentTermsDays: 30,
		PaymentReference: longNumber,
		BankIBAN:         "NL91ABNA0417164300",
		Notes:            longNotes(),
	}
	if kind == "credit_note" {
		d.CreditedNumber = "VANDERBERG-ADVIES/FACTUUR/2026/000000001199"
		d.DueDate, d.PaymentTermsDays = "", 0
	}
	type spec struct {
		code, rate, kind string
	}
	specs := []spec{
		{"21", "21", "standard"}, {"9", "9", "reduced"}, {"0", "0", "zero"},
		{"exempt", "0", "exempt"}, {"reverse-charge", "0", "reverse_charge"}, {"intra-eu", "0", "intra_eu"},
	}
	units := []string{"abonnementsmaanden", "uur", "pcs", "vierkante meter", "kg", "licentiejaren"}
	vat := map[string]*VATRow{}
	var order []string
	for i := 1; i <= 40; i++ {
		s := specs[i%len(specs)]
		desc := fmt.Sprintf("Regel %02d: %s", i, longDescription(fmt.Sprintf("%02d", i), 60+(i*97)%300))
		if i%9 == 0 {
			desc = fmt.Sprintf("Regel %02d: %s", i, longDescription(fmt.Sprintf("%02d", i), 1000-10))
		}
		qty := fmt.Sprintf("%d.%03d", 1+(i*37)%250, (i*113)%1000)
		price := fmt.Sprintf("%d.%04d", 10+(i*7919)%2500, (i*7)%10000)
		disc := ""
		if i%4 == 0 {
			disc = "12.5"
		}
		// The net as the invoicing code computes it, half away from zero.
		net := lineNet(qty, price, disc)
		d.Lines = append(d.Lines, Line{
			Description: desc, Quantity: qty, Unit: units[i%len(units)], UnitPrice: price, DiscountPercent: disc,
			NetMinor: net, TaxCode: s.code, TaxRate: s.rate, TaxKind: s.kind,
		})
		if vat[s.code] == nil {
			vat[s.code] = &VATRow{Code: s.code, Rate: s.rate, Kind: s.kind}
			order = append(order, s.code)
		}
		vat[s.code].NetMinor += net
	}
	for _, c := range order {
		v := vat[c]
		rate, _ := strconv.ParseInt(v.Rate, 10, 64)
		v.TaxMinor = (v.NetMinor*rate + 50) / 100
		d.VAT = append(d.VAT, *v)
		d.NetMinor += v.NetMinor
		d.TaxMinor += v.TaxMinor
	}
	d.TotalMinor = d.NetMinor + d.TaxMinor
	return d
}

// lineNet is quantity x price x (100 - discount) / 100 in cents, rounded
// half away from zero (all three are small positive decimals here).
func lineNet(qty, price, disc string) int64 {
	scaled := func(s string, places int) *big.Int {
		whole, frac, _ := strings.Cut(s, ".")
		frac += strings.Repeat("0", places-len(frac))
		n, _ := new(big.Int).SetString(whole+frac, 10)
		return n
	}
	hundredMinus := big.NewInt(1000) // (100 - disc) with one decimal
	if disc != "" {
		hundredMinus.Sub(hundredMinus, scaled(disc, 1))
	}
	// qty (3 decimals) x price (4) x (100 - disc) (1) / 100 = 10 decimals.
	n := new(big.Int).Mul(scaled(qty, 3), scaled(price, 4))
	n.Mul(n, hundredMinus)
	// To cents: divide by 10^(3+4+1+2-2) = 10^8, half up (all positive).
	div := new(big.Int).Exp(big.NewInt(10), big.NewInt(8), nil)
	q, r := new(big.Int).QuoRem(n, div, new(big.Int))
	if r.Mul(r, big.NewInt(2)).Cmp(div) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	return q.Int64()
}

// longNotes is about 2,000 characters of notes in three paragraphs.
func longNotes() string {
	p := "Wij danken u voor de prettige samenwerking in het afgelopen jaar. De stukken voor de jaarrekening " +
		"liggen voor u klaar op ons kantoor en kunnen op werkdagen tussen negen en vijf uur worden opgehaald. " +
		"Heeft u vragen over deze factuur of over de werkzaamheden die wij voor u hebben verricht, neemt u dan " +
		"contact op met uw vaste contactpersoon of met de afdeling debiteurenadministratie."
	notes := p + "\n\n" + p + "\n\n" + p + "\n" + p + " " + p
	return notes + "\nSlotwoord."
}
