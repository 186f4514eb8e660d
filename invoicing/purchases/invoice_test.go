package purchases

import (
	"slices"
	"testing"

	"github.com/shopspring/decimal"

	"backoffice/ledger"
)

// TestSpread: shares in proportion, rounded down, the remainder one unit
// at a time to the largest fractions (the first on a tie); the shares add
// up to the total exactly.
func TestSpread(t *testing.T) {
	for _, c := range []struct {
		total   int64
		weights []int64
		want    []int64
	}{
		{100, []int64{1, 1, 1}, []int64{34, 33, 33}},                    // 33.33 each: the tie goes to the first
		{10, []int64{1, 2}, []int64{3, 7}},                              // 3.33 and 6.67: the larger fraction takes the unit
		{2100, []int64{10001, 20002, 29997}, []int64{350, 700, 1050}},   // 350.035, 700.07, 1049.895
		{630, []int64{1000, 2001}, []int64{210, 420}},                   // 209.93, 420.07
		{5, []int64{1, 1, 1, 1, 1, 1, 1}, []int64{1, 1, 1, 1, 1, 0, 0}}, // 0.714 each: the first five
		{21, []int64{0, 0}, []int64{21, 0}},                             // no weight: all to the first
		{0, []int64{5, 5}, []int64{0, 0}},
		{7, nil, []int64{}},
		// Weights whose int64 sum wraps (3 × 2^62): 3.33 each, the tie to
		// the first (this looped ~2e14 times before the sum was a decimal).
		{10, []int64{1 << 62, 1 << 62, 1 << 62}, []int64{4, 3, 3}},
	} {
		got := Spread(c.total, c.weights)
		if !slices.Equal(got, c.want) {
			t.Errorf("Spread(%d, %v) = %v, want %v", c.total, c.weights, got, c.want)
		}
	}
	// The sum is exact whatever the weights.
	for total := int64(0); total < 200; total += 7 {
		w := []int64{total%13 + 1, 3, total%5 + 2, 11}
		var sum int64
		for _, s := range Spread(total, w) {
			sum += s
		}
		if sum != total {
			t.Errorf("Spread(%d, %v) sums to %d", total, w, sum)
		}
	}
}

func TestNumberKey(t *testing.T) {
	for in, want := range map[string]string{
		"INV-001":       "INV001",
		"inv 001":       "INV001",
		"Inv.001":       "INV001",
		"inv 2026/001":  "INV2026001",
		"INV-2026-001":  "INV2026001",
		"a\tb":          "AB",
		"":              "",
		"2026_001":      "2026_001", // underscores are part of the number
		"factuur-ÄÖ 12": "FACTUURÄÖ12",
	} {
		if got := NumberKey(in); got != want {
			t.Errorf("NumberKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func testAccounts() map[string]*ledger.Account {
	archived := ledger.Date{}.Time()
	return map[string]*ledger.Account{
		"1000": {ID: 1, Code: "1000", Type: ledger.Asset},
		"1200": {ID: 2, Code: "1200", Type: ledger.Asset},
		"1500": {ID: 3, Code: "1500", Type: ledger.Asset},
		"1600": {ID: 4, Code: "1600", Type: ledger.Liability},
		"1650": {ID: 5, Code: "1650", Type: ledger.Liability},
		"1700": {ID: 6, Code: "1700", Type: ledger.Liability},
		"1799": {ID: 7, Code: "1799", Type: ledger.Liability, ArchivedAt: &archived},
		"4200": {ID: 8, Code: "4200", Type: ledger.Expense},
		"8000": {ID: 9, Code: "8000", Type: ledger.Revenue},
		"8900": {ID: 10, Code: "8900", Type: ledger.Expense},
	}
}

// TestSettingsInputApply: accounts of the right type, a valid number
// format and tolerance; nothing changes on a refusal of a field, and the
// fields not given stay.
func TestSettingsInputApply(t *testing.T) {
	accounts := testAccounts()
	for _, c := range []struct {
		name string
		in   SettingsInput
		path string
		want ledger.Reason
	}{
		{"payables on an expense", SettingsInput{PayableAccount: sp("4200")}, "payable_account", ledger.ReasonAccountTypeInvalid},
		{"payables unknown", SettingsInput{PayableAccount: sp("9999")}, "payable_account", ledger.ReasonAccountNotFound},
		{"payables archived", SettingsInput{PayableAccount: sp("1799")}, "payable_account", ledger.ReasonAccountNotFound},
		{"bank on a liability", SettingsInput{BankAccount: sp("1600")}, "bank_account", ledger.ReasonAccountTypeInvalid},
		{"fx on an asset", SettingsInput{FXAccount: sp("1000")}, "fx_account", ledger.ReasonAccountTypeInvalid},
		{"fx unknown", SettingsInput{FXAccount: sp("1")}, "fx_account", ledger.ReasonAccountNotFound},
		{"tolerance negative", SettingsInput{VATTolerance: sp("-0.01")}, "vat_tolerance", ledger.ReasonVATToleranceInvalid},
		{"tolerance above 100", SettingsInput{VATTolerance: sp("100.01")}, "vat_tolerance", ledger.ReasonVATToleranceInvalid},
		{"tolerance not a number", SettingsInput{VATTolerance: sp("two cents")}, "vat_tolerance", ledger.ReasonVATToleranceInvalid},
		{"format without a year", SettingsInput{NumberFormat: sp("PI-{NNNN}")}, "number_format", ledger.ReasonNumberFormatInvalid},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := DefaultSettings()
			if got := fieldReasons(t, c.in.Apply(s, accounts)); got[c.path] != c.want {
				t.Errorf("%v, want %s at %s", got, c.want, c.path)
			}
		})
	}
	s := DefaultSettings()
	in := SettingsInput{VATTolerance: sp("0.05"), PayableAccount: sp("1650"), FXAccount: sp("8000"), NumberFormat: sp("IK{YY}.{NNNNN}")}
	if err := in.Apply(s, accounts); err != nil {
		t.Fatal(err)
	}
	if s.VATToleranceText != "0.05" || !s.VATTolerance.Equal(decimal.New(5, -2)) || s.PayableAccount != "1650" || s.FXAccount != "8000" ||
		s.NumberFormat != "IK{YY}.{NNNNN}" || s.BankAccount != "1000" {
		t.Errorf("applied: %+v", s)
	}
}

// testLookup is an EUR entity with P21, P9-meals and P-eu-services, and a
// supplier with 14 days' terms and defaults 4200 / P21.
func testLookup() *Lookup {
	codes := map[string]*TaxCode{}
	for _, c := range []struct {
		code, rate, ded string
		kind            TaxKind
	}{{"P21", "21", "100", TaxInput}, {"P9", "9", "100", TaxInput}, {"P9-meals", "9", "0", TaxInput}, {"P-eu-services", "21", "100", TaxEUServices}} {
		t := &TaxCode{Code: c.code, Kind: c.kind, Rate: decimal.RequireFromString(c.rate), Deductible: decimal.RequireFromString(c.ded),
			InputAccount: "1200", InputAccountID: 2}
		if c.kind.ReverseCharge() {
			t.OutputAccount, t.OutputAccountID = "1700", 6
		}
		codes[c.code] = t
	}
	sup := &Supplier{ID: 7, Name: "Kantoorhuis", PaymentTermsDays: 14, DefaultAccount: "4200", DefaultTaxCode: "P21"}
	return &Lookup{Entity: &ledger.Entity{ID: 1, Currency: "EUR", FiscalYearStartMonth: 1}, Settings: DefaultSettings(), TaxCodes: codes,
		Accounts: testAccounts(), Supplier: func(id int64) *Supplier {
			if id == 7 {
				return sup
			}
			return nil
		}}
}

// TestInvoiceApplyAndBookEntry: the VAT of a code on the sum of its lines,
// spread over the lines; VAT that may not be deducted to cost; reverse
// charge both ways; the due date from the supplier's terms; and the entry.
func TestInvoiceApplyAndBookEntry(t *testing.T) {
	lk := testLookup()
	id := int64(7)
	in := InvoiceInput{SupplierID: &id, SupplierNumber: sp(" F-1 "), InvoiceDate: sp("2026-03-02"), VATDate: sp("2026-03-04"),
		Lines: []LineInput{
			{Amount: "10.00"},                            // the supplier's 4200 / P21
			{Amount: "20.01", Account: "1500"},           // P21 on an asset
			{Amount: "50.00", TaxCode: "P9-meals"},       // 9 % not deductible
			{Amount: "200.00", TaxCode: "P-eu-services"}, // reverse charged
		}}
	var inv Invoice
	if err := in.Apply(&inv, lk, true); err != nil {
		t.Fatal(err)
	}
	// P21: 21 % of 30.01 = 6.3021 -> 6.30, spread 10.00 : 20.01 ->
	// 2.0993 / 4.2007 -> 2.09 + 4.20 = 6.29, the cent to the larger
	// fraction (first line): 2.10 and 4.20.
	// P9-meals: 9 % of 50.00 = 4.50, none deductible.
	// P-eu-services: 21 % of 200.00 = 42.00, due and deductible.
	if inv.SupplierNumber != "F-1" || inv.Kind != KindInvoice || inv.DueDate == nil || inv.DueDate.String() != "2026-03-16" {
		t.Errorf("header: %+v", inv)
	}
	wantVAT := []int64{210, 420, 450, 4200}
	wantDed := []int64{210, 420, 0, 4200}
	for i, l := range inv.Lines {
		if l.VATMinor != wantVAT[i] || l.DeductibleMinor != wantDed[i] {
			t.Errorf("line %d: vat %d deductible %d, want %d %d", i+1, l.VATMinor, l.DeductibleMinor, wantVAT[i], wantDed[i])
		}
	}
	// Net 10.00 + 20.01 + 50.00 + 200.00 = 280.01; VAT 6.30 + 4.50 + 42.00
	// = 52.80; owed to the supplier 280.01 + 6.30 + 4.50 = 290.81.
	if inv.NetMinor != 28001 || inv.VATMinor != 5280 || inv.TotalMinor != 29081 {
		t.Errorf("totals: net %d vat %d total %d", inv.NetMinor, inv.VATMinor, inv.TotalMinor)
	}
	inv.Number, inv.SupplierName = "PI-2026-0001", "Kantoorhuis"
	d, functional, err := BookEntry(&inv, lk.Entity, lk.Settings)
	if err != nil {
		t.Fatal(err)
	}
	if functional != 29081 || d.Date.String() != "2026-03-04" {
		t.Errorf("functional %d, date %s", functional, d.Date)
	}
	type side struct {
		account string
		debit   bool
		minor   int64
	}
	var got []side
	for _, l := range d.Lines {
		got = append(got, side{l.Account, l.Debit, l.AmountMinor})
	}
	want := []side{
		{"4200", true, 1000 + 5000 + 450 + 20000}, // 10.00 + meals 50.00 + their VAT 4.50 + 200.00
		{"1500", true, 2001},
		{"1200", true, 210 + 420 + 4200}, // deductible: 6.30 + 42.00
		{"1700", false, 4200},            // VAT due on the service
		{"1600", false, 29081},
	}
	if !slices.Equal(got, want) {
		t.Errorf("entry lines:\n got %v\nwant %v", got, want)
	}
	var dr, cr int64
	for _, l := range got {
		if l.debit {
			dr += l.minor
		} else {
			cr += l.minor
		}
	}
	if dr != cr {
		t.Errorf("unbalanced: %d / %d", dr, cr)
	}

	// A credit note is the mirror image.
	inv.Kind = KindCreditNote
	d, _, err = BookEntry(&inv, lk.Entity, lk.Settings)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range d.Lines {
		if l.Debit == want[i].debit || l.AmountMinor != want[i].minor {
			t.Errorf("credit note line %d: %+v", i, l)
		}
	}
}

// TestInvoiceApplyRefusals: each input problem by its field.
func TestInvoiceApplyRefusals(t *testing.T) {
	id, other := int64(7), int64(8)
	ok := func() InvoiceInput {
		return InvoiceInput{SupplierID: &id, SupplierNumber: sp("F-1"), InvoiceDate: sp("2026-03-02"), Lines: []LineInput{{Amount: "10.00"}}}
	}
	for _, c := range []struct {
		name   string
		change func(*InvoiceInput)
		path   string
		want   ledger.Reason
	}{
		{"no supplier", func(in *InvoiceInput) { in.SupplierID = nil }, "supplier_id", ledger.ReasonFieldRequired},
		{"unknown supplier", func(in *InvoiceInput) { in.SupplierID = &other }, "supplier_id", ledger.ReasonSupplierNotFound},
		{"no number", func(in *InvoiceInput) { in.SupplierNumber = sp(" ") }, "supplier_invoice_number", ledger.ReasonFieldRequired},
		{"vat date before the invoice date", func(in *InvoiceInput) { in.VATDate = sp("2026-03-01") }, "vat_date", ledger.ReasonDateInvalid},
		{"due before the invoice date", func(in *InvoiceInput) { in.DueDate = sp("2026-03-01") }, "due_date", ledger.ReasonDateInvalid},
		{"kind", func(in *InvoiceInput) { in.Kind = sp("receipt") }, "kind", ledger.ReasonParameterInvalid},
		{"credited on an invoice", func(in *InvoiceInput) { in.CreditedID = &id }, "credited_purchase_invoice_id", ledger.ReasonFieldNotAllowed},
		{"no lines", func(in *InvoiceInput) { in.Lines = nil }, "lines", ledger.ReasonLinesTooFew},
		{"revenue account", func(in *InvoiceInput) { in.Lines[0].Account = "8000" }, "lines[0].account", ledger.ReasonAccountTypeInvalid},
		{"unknown tax code", func(in *InvoiceInput) { in.Lines[0].TaxCode = "P99" }, "lines[0].tax_code", ledger.ReasonTaxCodeNotFound},
		{"three decimals", func(in *InvoiceInput) { in.Lines[0].Amount = "10.001" }, "lines[0].amount", ledger.ReasonAmountTooPrecise},
		{"deductible above 100", func(in *InvoiceInput) { in.Lines[0].DeductiblePercent = sp("101") }, "lines[0].deductible_percent", ledger.ReasonDeductiblePercentInvalid},
		{"foreign without rate", func(in *InvoiceInput) { in.Currency = sp("USD") }, "exchange_rate", ledger.ReasonExchangeRateRequired},
		{"rate in EUR", func(in *InvoiceInput) { in.ExchangeRate = sp("1.1") }, "exchange_rate", ledger.ReasonExchangeRateUnused},
		{"bad payment reference", func(in *InvoiceInput) { in.PaymentReference = sp("1234567890123456") }, "payment_reference", ledger.ReasonPaymentReferenceInvalid},
		{"printed VAT of an unused code", func(in *InvoiceInput) { in.VAT = []PrintedVATLine{{TaxCode: "P9-meals", Amount: "1.00"}} }, "vat[0].tax_code", ledger.ReasonVATTaxCodeUnused},
		{"printed VAT beyond the tolerance", func(in *InvoiceInput) { in.VAT = []PrintedVATLine{{TaxCode: "P21", Amount: "2.13"}} }, "vat[0].amount", ledger.ReasonVATMismatch},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := ok()
			c.change(&in)
			var inv Invoice
			if got := fieldReasons(t, in.Apply(&inv, testLookup(), true)); got[c.path] != c.want {
				t.Errorf("%v, want %s at %s", got, c.want, c.path)
			}
		})
	}
	// Within the tolerance (10.00 at 21 % is 2.10; 2.12 is 0.02 off).
	in := ok()
	in.VAT = []PrintedVATLine{{TaxCode: "P21", Amount: "2.12"}}
	var inv Invoice
	if err := in.Apply(&inv, testLookup(), true); err != nil || inv.VAT[0].PrintedMinor != 212 || inv.VAT[0].ComputedMinor != 210 || inv.TotalMinor != 1212 {
		t.Errorf("within tolerance: %v %+v", err, inv.VAT)
	}
}

// TestInvoiceApplyVATDateOnChange: a changed invoice date takes the VAT
// date with it while that was the default; a VAT date given stays.
func TestInvoiceApplyVATDateOnChange(t *testing.T) {
	lk := testLookup()
	id := int64(7)
	for _, c := range []struct {
		vatDate, want string
	}{{"", "2026-03-05"}, {"2026-03-09", "2026-03-09"}} {
		in := InvoiceInput{SupplierID: &id, SupplierNumber: sp("F-1"), InvoiceDate: sp("2026-03-02"), Lines: []LineInput{{Amount: "10.00"}}}
		if c.vatDate != "" {
			in.VATDate = sp(c.vatDate)
		}
		var inv Invoice
		if err := in.Apply(&inv, lk, true); err != nil {
			t.Fatal(err)
		}
		change := InvoiceInput{InvoiceDate: sp("2026-03-05")}
		if err := change.Apply(&inv, lk, false); err != nil {
			t.Fatal(err)
		}
		if inv.VATDate.String() != c.want || inv.InvoiceDate.String() != "2026-03-05" {
			t.Errorf("vat date %q: after the change %s, want %s", c.vatDate, inv.VATDate, c.want)
		}
	}
	// Moving the invoice date past a VAT date given is refused.
	in := InvoiceInput{SupplierID: &id, SupplierNumber: sp("F-1"), InvoiceDate: sp("2026-03-02"), VATDate: sp("2026-03-04"), Lines: []LineInput{{Amount: "10.00"}}}
	var inv Invoice
	if err := in.Apply(&inv, lk, true); err != nil {
		t.Fatal(err)
	}
	change := InvoiceInput{InvoiceDate: sp("2026-03-10")}
	if got := fieldReasons(t, change.Apply(&inv, lk, false)); got["vat_date"] != ledger.ReasonDateInvalid {
		t.Errorf("vat date before the new invoice date: %v", got)
	}

	// An empty VAT date is the default, on a new invoice and on a change:
	// never the zero date.
	in = InvoiceInput{SupplierID: &id, SupplierNumber: sp("F-2"), InvoiceDate: sp("2026-03-02"), VATDate: sp(""), Lines: []LineInput{{Amount: "10.00"}}}
	inv = Invoice{}
	if err := in.Apply(&inv, lk, true); err != nil || inv.VATDate.String() != "2026-03-02" {
		t.Errorf("empty vat date on create: %s, %v", inv.VATDate, err)
	}
	change = InvoiceInput{VATDate: sp("2026-03-06")}
	if err := change.Apply(&inv, lk, false); err != nil || inv.VATDate.String() != "2026-03-06" {
		t.Fatalf("vat date given: %s, %v", inv.VATDate, err)
	}
	change = InvoiceInput{VATDate: sp("")}
	if err := change.Apply(&inv, lk, false); err != nil || inv.VATDate.String() != "2026-03-02" {
		t.Errorf("empty vat date on a change: %s, %v", inv.VATDate, err)
	}
}

// TestPrintedVATByRate: a document shows its VAT per rate, and two input
// codes share 9 %: 100.00 on P9 (9.00) and 50.00 on P9-meals (4.50),
// 13.50 computed. Printed 13.52 is within 0.02: the 0.02 goes to P9, the
// code with the most turnover (9.02; the meals stay 4.50, none of it
// deductible). Printed 13.60 is 0.10 off: refused with both figures.
func TestPrintedVATByRate(t *testing.T) {
	lk := testLookup()
	id := int64(7)
	in := func(amount string) InvoiceInput {
		return InvoiceInput{SupplierID: &id, SupplierNumber: sp("F-9"), InvoiceDate: sp("2026-03-02"),
			Lines: []LineInput{{Amount: "100.00", TaxCode: "P9"}, {Amount: "50.00", TaxCode: "P9-meals"}},
			VAT:   []PrintedVATLine{{Rate: "9", Amount: amount}}}
	}
	var inv Invoice
	ok := in("13.52")
	if err := ok.Apply(&inv, lk, true); err != nil {
		t.Fatal(err)
	}
	got := map[string][2]int64{}
	for _, r := range inv.VAT {
		got[r.TaxCode] = [2]int64{r.ComputedMinor, r.PrintedMinor}
	}
	if got["P9"] != [2]int64{900, 902} || got["P9-meals"] != [2]int64{450, 450} || inv.VATMinor != 1352 || inv.TotalMinor != 16352 {
		t.Errorf("rows %v, vat %d, total %d; want P9 9.00/9.02, meals 4.50/4.50, 13.52, 163.52", got, inv.VATMinor, inv.TotalMinor)
	}
	if inv.Lines[0].DeductibleMinor != 902 || inv.Lines[1].DeductibleMinor != 0 {
		t.Errorf("deductible %d and %d, want 9.02 and 0", inv.Lines[0].DeductibleMinor, inv.Lines[1].DeductibleMinor)
	}
	off := in("13.60")
	if r := fieldReasons(t, off.Apply(&Invoice{}, lk, true)); r["vat[0].amount"] != ledger.ReasonVATMismatch {
		t.Errorf("13.60 at 9 %%: %v", r)
	}
	both := in("13.50")
	both.VAT = append(both.VAT, PrintedVATLine{TaxCode: "P9", Amount: "9.00"})
	if r := fieldReasons(t, both.Apply(&Invoice{}, lk, true)); r["vat[1].tax_code"] != ledger.ReasonLineRepeated {
		t.Errorf("P9 given by rate and by code: %v", r)
	}
	none := in("1.00")
	none.VAT[0].Rate = "6"
	if r := fieldReasons(t, none.Apply(&Invoice{}, lk, true)); r["vat[0].rate"] != ledger.ReasonVATTaxCodeUnused {
		t.Errorf("a rate no line has: %v", r)
	}
}

// TestDueDateFollowsDefault: a due date from the supplier's terms (14
// days) follows a changed invoice date; one given stays.
func TestDueDateFollowsDefault(t *testing.T) {
	lk := testLookup()
	id := int64(7)
	in := InvoiceInput{SupplierID: &id, SupplierNumber: sp("F-1"), InvoiceDate: sp("2026-03-02"), Lines: []LineInput{{Amount: "10.00"}}}
	var inv Invoice
	if err := in.Apply(&inv, lk, true); err != nil || inv.DueDate.String() != "2026-03-16" { // 2 March + 14 days
		t.Fatalf("due %v, %v", inv.DueDate, err)
	}
	change := InvoiceInput{InvoiceDate: sp("2026-03-05")}
	if err := change.Apply(&inv, lk, false); err != nil || inv.DueDate.String() != "2026-03-19" { // 5 March + 14 days
		t.Errorf("due after the change %v, %v", inv.DueDate, err)
	}
	given := InvoiceInput{DueDate: sp("2026-04-30")}
	if err := given.Apply(&inv, lk, false); err != nil {
		t.Fatal(err)
	}
	change = InvoiceInput{InvoiceDate: sp("2026-03-06")}
	if err := change.Apply(&inv, lk, false); err != nil || inv.DueDate.String() != "2026-04-30" {
		t.Errorf("a due date given moved: %v, %v", inv.DueDate, err)
	}
}
