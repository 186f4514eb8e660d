package pdf

import (
	"fmt"
	"strconv"
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
