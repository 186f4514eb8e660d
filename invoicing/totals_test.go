package invoicing

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"backoffice/ledger"
	"backoffice/ledger/money"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// testLookup is a Lookup with the Dutch tax codes, the revenue accounts of
// the standard chart and one customer (id 1, EUR, 30 days).
func testLookup() *Lookup {
	ent := &ledger.Entity{ID: 1, Currency: "EUR", FiscalYearStartMonth: 1, TimeZone: "Europe/Amsterdam"}
	lk := &Lookup{Entity: ent, Settings: DefaultSettings(), TaxCodes: map[string]*TaxCode{}, Accounts: map[string]*ledger.Account{}}
	for i, c := range DutchTaxCodes {
		lk.TaxCodes[c.Code] = &TaxCode{ID: int64(i + 1), Code: c.Code, Rate: d(c.Rate), RateText: c.Rate, Kind: c.Kind, Account: DutchVATAccount, AccountID: 17}
	}
	for i, code := range []string{"1000", "1100", "1700", "8000", "8100", "8200", "8900"} {
		typ := map[byte]ledger.AccountType{'1': ledger.Asset, '8': ledger.Revenue}[code[0]]
		if code == "1700" {
			typ = ledger.Liability
		}
		lk.Accounts[code] = &ledger.Account{ID: int64(i + 10), Code: code, Type: typ}
	}
	cust := &Customer{ID: 1, Currency: "EUR", PaymentTermsDays: 30}
	lk.Customer = func(id int64) *Customer {
		if id == 1 {
			return cust
		}
		return nil
	}
	return lk
}

func li(desc, qty, price, discount, tax string) LineInput {
	return LineInput{Description: desc, Quantity: qty, UnitPrice: price, DiscountPercent: discount, TaxCode: tax}
}

// build applies a draft input with the given lines and fails on error.
func build(t *testing.T, currency string, lines ...LineInput) *Invoice {
	t.Helper()
	inv, err := tryBuild(currency, lines...)
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

func tryBuild(currency string, lines ...LineInput) (*Invoice, error) {
	lk := testLookup()
	id := int64(1)
	inv := &Invoice{Kind: KindInvoice, StoredStatus: StatusDraft}
	in := &InvoiceInput{CustomerID: &id, Lines: &lines}
	if currency != "" {
		in.Currency = &currency
	}
	err := in.Apply(inv, lk, true)
	return inv, err
}

func reason(err error) string {
	if err == nil {
		return ""
	}
	return string(ledger.As(err).Reason)
}

func TestLineNetRounding(t *testing.T) {
	cases := []struct {
		name                 string
		qty, price, discount string
		exp                  int
		want                 int64
	}{
		// 3 x 0.3333 = 0.9999 -> 1.00
		{"thirds", "3", "0.3333", "0", 2, 100},
		// 1 x 0.005 = 0.005: exactly half a cent, away from zero -> 0.01
		{"half cent up", "1", "0.005", "0", 2, 1},
		// 1 x 0.015 -> 0.02 (not banker's 0.02 by luck: see 0.025)
		{"half cent 0.015", "1", "0.015", "0", 2, 2},
		// 1 x 0.025 -> 0.03 (banker's rounding would give 0.02)
		{"half cent 0.025", "1", "0.025", "0", 2, 3},
		// 1 x 2.675 -> 2.68 (binary floating point gives 2.67)
		{"2.675", "1", "2.675", "0", 2, 268},
		// 0.5 x 0.01 = 0.005 -> 0.01
		{"half of a cent", "0.5", "0.01", "0", 2, 1},
		// 1 x 0.0049 -> 0.00
		{"below half", "1", "0.0049", "0", 2, 0},
		// 3 x 19.99 = 59.97; less 12.5 % = 59.97 x 0.875 = 52.47375 -> 52.47
		{"discount 12.5", "3", "19.99", "12.5", 2, 5247},
		// 1 x 10.01 less 50 % = 5.005 -> 5.01
		{"discount to half cent", "1", "10.01", "50", 2, 501},
		// 7 x 3.33 less 33.3333 % = 23.31 x 0.666667 = 15.54000777 -> 15.54
		{"discount thirds", "7", "3.33", "33.3333", 2, 1554},
		// 100 % discount is nothing
		{"discount all", "4", "12.50", "100", 2, 0},
		// JPY has no decimals: 1 x 0.5 -> 1, 1 x 2.5 -> 3
		{"JPY half", "1", "0.5", "0", 0, 1},
		{"JPY 2.5", "1", "2.5", "0", 0, 3},
		// KWD has three: 1 x 0.0005 -> 0.001
		{"KWD half", "1", "0.0005", "0", 3, 1},
		// negative amounts round away from zero as well: -0.005 -> -0.01
		{"negative half", "-1", "0.005", "0", 2, -1},
		{"negative 2.675", "-1", "2.675", "0", 2, -268},
	}
	for _, c := range cases {
		got, ok := LineNet(d(c.qty), d(c.price), d(c.discount), c.exp)
		if !ok || got != c.want {
			t.Errorf("%s: LineNet(%s, %s, %s%%) = %d, %v; want %d", c.name, c.qty, c.price, c.discount, got, ok, c.want)
		}
	}
}

func TestLineNetOverflowRefused(t *testing.T) {
	// The largest amount is 9,999,999,999,999.99 EUR (money.MaxMinor).
	if got, ok := LineNet(d("1"), d("9999999999999.99"), d("0"), 2); !ok || got != money.MaxMinor {
		t.Fatalf("max: %d %v", got, ok)
	}
	if _, ok := LineNet(d("1"), d("10000000000000"), d("0"), 2); ok {
		t.Fatal("one cent over the maximum accepted")
	}
	// 9,999,999,999,999.995 rounds up to one cent over: refused.
	if _, ok := LineNet(d("1"), d("9999999999999.995"), d("0"), 2); ok {
		t.Fatal("rounding over the maximum accepted")
	}
	if _, ok := LineNet(d("1000000000000"), d("1000000000000"), d("0"), 2); ok {
		t.Fatal("1e24 accepted")
	}
	if _, ok := LineNet(d("-1000000000000"), d("1000000000000"), d("0"), 2); ok {
		t.Fatal("-1e24 accepted")
	}
	// Through a draft: the line is refused with amount_too_large on its
	// quantity, not stored wrapped around.
	_, err := tryBuild("", li("Huge", "1000000", "1000000000000", "", "21"))
	if reason(err) != "amount_too_large" || ledger.As(err).Fields[0].Path != "lines[0].quantity" {
		t.Fatalf("huge line: %v", err)
	}
	// Two lines that fit each but not together: the invoice total is refused.
	_, err = tryBuild("", li("Big", "5", "1000000000000", "", "21"), li("Big", "5", "1000000000000", "", "21"))
	if reason(err) != "amount_too_large" {
		t.Fatalf("huge total: %v", err)
	}
}

func TestPercentRounding(t *testing.T) {
	cases := []struct {
		minor int64
		rate  string
		want  int64
	}{
		{100, "21", 21},              // 1.00 at 21 % = 0.21
		{50, "21", 11},               // 0.50 at 21 % = 0.105 -> 0.11
		{150, "9", 14},               // 1.50 at 9 % = 0.135 -> 0.14
		{250, "9", 23},               // 2.50 at 9 % = 0.225 -> 0.23 (banker's: 0.22)
		{5247, "21", 1102},           // 52.47 at 21 % = 11.0187 -> 11.02
		{-50, "21", -11},             // away from zero below zero too
		{1000, "5.5", 55},            // 10.00 at 5.5 %
		{333, "12.345", 41},          // 3.33 at 12.345 % = 0.4110885 -> 0.41
		{10000, "0", 0},              // zero rate
		{999999999, "21", 210000000}, // 9,999,999.99 at 21 % = 2,099,999.9979 -> 2,100,000.00
	}
	for _, c := range cases {
		if got := Percent(c.minor, d(c.rate)); got != c.want {
			t.Errorf("Percent(%d, %s) = %d; want %d", c.minor, c.rate, got, c.want)
		}
	}
}

func TestTotalsThirdsAt21(t *testing.T) {
	// 3 x 0.3333 = 0.9999 -> net 1.00; VAT 21 % of 1.00 = 0.21; total 1.21.
	inv := build(t, "", li("Third", "3", "0.3333", "", "21"))
	if inv.NetMinor != 100 || inv.TaxMinor != 21 || inv.TotalMinor != 121 {
		t.Fatalf("net %d VAT %d total %d; want 100 + 21 = 121", inv.NetMinor, inv.TaxMinor, inv.TotalMinor)
	}
	// Three separate lines of 1 x 0.3333 are 0.33 each (0.99), VAT 21 % of
	// 0.99 = 0.2079 -> 0.21, total 1.20: lines round before they add up.
	inv = build(t, "", li("Third", "1", "0.3333", "", "21"), li("Third", "1", "0.3333", "", "21"), li("Third", "1", "0.3333", "", "21"))
	if inv.NetMinor != 99 || inv.TaxMinor != 21 || inv.TotalMinor != 120 {
		t.Fatalf("three lines: net %d VAT %d total %d; want 99 + 21 = 120", inv.NetMinor, inv.TaxMinor, inv.TotalMinor)
	}
}

func TestTotalsDiscount(t *testing.T) {
	// 3 x 19.99 = 59.97, less 12.5 % = 52.47375 -> 52.47.
	// VAT 21 % of 52.47 = 11.0187 -> 11.02. Total 63.49.
	inv := build(t, "", li("Shirts", "3", "19.99", "12.5", "21"))
	if inv.Lines[0].NetMinor != 5247 || inv.TaxMinor != 1102 || inv.TotalMinor != 6349 {
		t.Fatalf("net %d VAT %d total %d; want 5247 + 1102 = 6349", inv.Lines[0].NetMinor, inv.TaxMinor, inv.TotalMinor)
	}
	// 2 x 4.15 = 8.30 less 10 % = 7.47 at 9 % = 0.6723 -> 0.67; plus
	// 1 x 0.99 less 0.5 % = 0.98505 -> 0.99 at 9 %: the code's net is
	// 7.47 + 0.99 = 8.46, VAT 9 % = 0.7614 -> 0.76. Total 9.22.
	inv = build(t, "", li("Bread", "2", "4.15", "10", "9"), li("Bun", "1", "0.99", "0.5", "9"))
	if inv.NetMinor != 846 || inv.TaxMinor != 76 || inv.TotalMinor != 922 {
		t.Fatalf("net %d VAT %d total %d; want 846 + 76 = 922", inv.NetMinor, inv.TaxMinor, inv.TotalMinor)
	}
}

func TestTotalsHalfCents(t *testing.T) {
	// 1 x 0.50 at 21 %: VAT 0.105 -> 0.11 (away from zero). Total 0.61.
	inv := build(t, "", li("Half", "1", "0.50", "", "21"))
	if inv.TaxMinor != 11 || inv.TotalMinor != 61 {
		t.Fatalf("VAT %d total %d; want 11, 61", inv.TaxMinor, inv.TotalMinor)
	}
	// 1 x 2.50 at 9 %: VAT 0.225 -> 0.23 (banker's rounding: 0.22).
	inv = build(t, "", li("Half", "1", "2.50", "", "9"))
	if inv.TaxMinor != 23 || inv.TotalMinor != 273 {
		t.Fatalf("VAT %d total %d; want 23, 273", inv.TaxMinor, inv.TotalMinor)
	}
	// 1 x 0.125 -> net 0.13; 2 x 0.0625 = 0.125 -> 0.13; at 0 % no VAT.
	inv = build(t, "", li("Eighth", "1", "0.125", "", "0"), li("Sixteenths", "2", "0.0625", "", "exempt"))
	if inv.NetMinor != 26 || inv.TaxMinor != 0 || inv.TotalMinor != 26 {
		t.Fatalf("net %d VAT %d total %d; want 26 + 0", inv.NetMinor, inv.TaxMinor, inv.TotalMinor)
	}
}

// TestTotalsVATPerCodeNotPerLine: 19 lines alternating between 21 % and 9 %.
//
// Ten lines of 1 x 1.05 at 21 %: each line's VAT is 0.2205, per line
// rounded 0.22, ten times 2.20. Per code: 10.50 x 21 % = 2.205 -> 2.21.
//
// Nine lines of 2 x 0.25 = 0.50 at 9 %: each line's VAT is 0.045, per
// line rounded 0.05, nine times 0.45. Per code: 4.50 x 9 % = 0.405 -> 0.41.
//
// Net 15.00. VAT per line would be 2.20 + 0.45 = 2.65 (total 17.65); per
// code, as EN 16931 BR-CO-17 requires, it is 2.21 + 0.41 = 2.62 (total 17.62).
func TestTotalsVATPerCodeNotPerLine(t *testing.T) {
	var lines []LineInput
	for i := 0; i < 19; i++ {
		if i%2 == 0 {
			lines = append(lines, li("Croissant", "1", "1.05", "", "21"))
		} else {
			lines = append(lines, li("Roll", "2", "0.25", "", "9"))
		}
	}
	inv := build(t, "", lines...)
	perLine := int64(0)
	for _, l := range inv.Lines {
		perLine += Percent(l.NetMinor, l.TaxRate)
	}
	if perLine != 265 {
		t.Fatalf("per-line VAT %d; the example expects 265", perLine)
	}
	if inv.NetMinor != 1500 || inv.TaxMinor != 262 || inv.TotalMinor != 1762 {
		t.Fatalf("net %d VAT %d total %d; want 1500 + 262 = 1762 (per code), not 265 (per line)", inv.NetMinor, inv.TaxMinor, inv.TotalMinor)
	}
	rows := VATBreakdown(inv.Lines, 2)
	if len(rows) != 2 || rows[0].TaxCode != "21" || rows[1].TaxCode != "9" {
		t.Fatalf("rows %+v; want 21 then 9, in the order of first use", rows)
	}
	if rows[0].NetMinor != 1050 || rows[0].TaxMinor != 221 || rows[1].NetMinor != 450 || rows[1].TaxMinor != 41 {
		t.Fatalf("rows: 21 %% %d/%d, 9 %% %d/%d; want 1050/221 and 450/41", rows[0].NetMinor, rows[0].TaxMinor, rows[1].NetMinor, rows[1].TaxMinor)
	}
}

func TestVATBreakdownLegalNotesAndZeroRates(t *testing.T) {
	inv := build(t, "", li("Export", "1", "100", "", "intra-eu"), li("Service", "1", "200", "", "reverse-charge"),
		li("Insurance", "1", "10", "", "exempt"), li("Export 2", "2", "25", "", "intra-eu"))
	rows := VATBreakdown(inv.Lines, 2)
	if len(rows) != 3 || rows[0].NetMinor != 15000 || rows[0].TaxMinor != 0 || rows[0].LegalNote == "" ||
		rows[1].Kind != TaxReverseCharge || rows[1].LegalNote == "" || rows[2].LegalNote != "Exempt from VAT (Article 11 Dutch VAT Act 1968)" {
		t.Fatalf("rows %+v", rows)
	}
	if inv.TaxMinor != 0 || inv.TotalMinor != 36000 {
		t.Fatalf("VAT %d total %d", inv.TaxMinor, inv.TotalMinor)
	}
}

func TestLineInputRefusals(t *testing.T) {
	cases := []struct {
		line   LineInput
		reason string
		path   string
	}{
		{li("Bad", "-1", "10", "", "21"), "quantity_negative", "lines[0].quantity"},
		{li("Bad", "abc", "10", "", "21"), "quantity_invalid", "lines[0].quantity"},
		{li("Bad", "0", "10", "", "21"), "quantity_invalid", "lines[0].quantity"},
		{li("Bad", "1e3", "10", "", "21"), "quantity_invalid", "lines[0].quantity"},
		{li("Bad", "1.1234567", "10", "", "21"), "quantity_invalid", "lines[0].quantity"},
		{li("Bad", "", "10", "", "21"), "field_required", "lines[0].quantity"},
		{li("Bad", "1", "-10", "", "21"), "unit_price_negative", "lines[0].unit_price"},
		{li("Bad", "1", "10.00001", "", "21"), "unit_price_invalid", "lines[0].unit_price"},
		{li("Bad", "1", "10", "101", "21"), "discount_percent_invalid", "lines[0].discount_percent"},
		{li("Bad", "1", "10", "", "22"), "tax_code_not_found", "lines[0].tax_code"},
		{li("Bad", "1", "10", "", ""), "field_required", "lines[0].tax_code"},
		{li("", "1", "10", "", "21"), "field_required", "lines[0].description"},
		{LineInput{Description: "Bad", Quantity: "1", UnitPrice: "1", TaxCode: "21", RevenueAccount: "9999"}, "account_not_found", "lines[0].revenue_account"},
	}
	for _, c := range cases {
		_, err := tryBuild("", c.line)
		if reason(err) != c.reason || ledger.As(err).Fields[0].Path != c.path {
			t.Errorf("%+v: %v; want %s on %s", c.line, err, c.reason, c.path)
		}
	}
}

func TestParseDecimal(t *testing.T) {
	good := []struct {
		in     string
		places int32
		want   string
	}{
		{"12", 4, "12"},
		{"3.9500", 4, "3.95"},
		{"1.23450", 4, "1.2345"}, // trailing zeros beyond the places are fine
		{"0.0001", 4, "0.0001"},
		{" 12.5 ", 4, "12.5"},
		{"0", 4, "0"},
		{"007", 4, "7"},
		{"1000000000000", 4, "1000000000000"},
	}
	for _, c := range good {
		got, err := ParseDecimal(c.in, c.places)
		if err != nil || !got.Equal(d(c.want)) {
			t.Errorf("ParseDecimal(%q, %d) = %s, %v; want %s", c.in, c.places, got, err, c.want)
		}
	}
	bad := []struct {
		in     string
		places int32
		want   error // nil: any error
	}{
		{"-1", 4, errNegative},
		{"-0.5", 4, errNegative},
		{"abc", 4, nil},
		{"-abc", 4, nil},
		{"1e3", 4, nil},
		{"1E3", 4, nil},
		{"1.23456", 4, nil},
		{"1.00001", 4, nil},
		{"", 4, nil},
		{".5", 4, nil},
		{"5.", 4, nil},
		{"+1", 4, nil},
		{"1,5", 4, nil},
		{"1.2.3", 4, nil},
		{"--1", 4, nil},
		{"0x10", 4, nil},
		{"NaN", 4, nil},
		{"Infinity", 4, nil},
		{"1000000000000.0001", 4, errTooLarge},
		{"1000000000001", 4, errTooLarge},
		{strings.Repeat("1", 41), 4, nil},
	}
	for _, c := range bad {
		got, err := ParseDecimal(c.in, c.places)
		if err == nil || (c.want != nil && !errors.Is(err, c.want)) {
			t.Errorf("ParseDecimal(%q, %d) = %s, %v; want error %v", c.in, c.places, got, err, c.want)
		}
	}
	if _, err := ParseDecimal("1.23456", 4); err == nil || !strings.Contains(err.Error(), "4 decimals") {
		t.Errorf("too many places: %v", err)
	}
}

func TestFormatNumber(t *testing.T) {
	cases := []struct {
		format string
		year   int
		seq    int64
		want   string
	}{
		{"INV-{YYYY}-{NNNN}", 2026, 1, "INV-2026-0001"},
		{"INV-{YYYY}-{NNNN}", 2026, 200, "INV-2026-0200"},
		{"CN-{YYYY}-{NNNN}", 2025, 9999, "CN-2025-9999"},
		{"INV-{YYYY}-{NNNN}", 2026, 12345, "INV-2026-12345"}, // grows past its width
		{"{YY}{NNNNNN}", 2026, 42, "26000042"},
		{"F/{YY}/{N}", 2100, 7, "F/00/7"},
		{"{NNN}-{YYYY}", 2026, 5, "005-2026"},
		{"Rechnung {YYYY} Nr. {NNNNN}", 2026, 12, "Rechnung 2026 Nr. 00012"},
	}
	for _, c := range cases {
		if got := FormatNumber(c.format, c.year, c.seq); got != c.want {
			t.Errorf("FormatNumber(%q, %d, %d) = %q; want %q", c.format, c.year, c.seq, got, c.want)
		}
	}
}

func TestCheckNumberFormat(t *testing.T) {
	for _, f := range []string{"INV-{YYYY}-{NNNN}", "CN-{YYYY}-{NNNN}", "{YY}{NNNNNN}", "F/{YY}/{N}", "{NNNNNNNNNNNN}-{YYYY}", "Факт-{YYYY}-{NNN}"} {
		if err := CheckNumberFormat(f); err != nil {
			t.Errorf("%q refused: %v", f, err)
		}
	}
	for _, f := range []string{
		"",
		"INV-{NNNN}",                 // no year: numbers would repeat each year
		"INV-{YYYY}",                 // no sequence
		"INV-{YYYY}-{NN}-{NNNN}",     // two sequences
		"INV-{YYYY}-{NNNN}}",         // stray brace
		"INV-{YYYY}-{XXXX}",          // unknown token
		"INV-{yyyy}-{nnnn}",          // tokens are upper case
		"INV-{YYYY}-{NNNNNNNNNNNNN}", // 13 Ns
		"INV-{YYYY}\t{NNNN}",         // control character
		"INV-{YYYY}-{NNNN}" + strings.Repeat("x", 30), // over 40 characters
	} {
		if err := CheckNumberFormat(f); err == nil {
			t.Errorf("%q accepted", f)
		}
	}
}

func TestShare(t *testing.T) {
	cases := []struct{ part, open, carrying, want int64 }{
		{50, 100, 90, 45},
		{1, 3, 100, 33},            // 33.33
		{2, 3, 100, 67},            // 66.67
		{1, 2, 45, 23},             // 22.5, away from zero
		{100, 100, 90, 90},         // all of it
		{150, 100, 90, 90},         // more than open: all of it
		{0, 0, 12, 12},             // nothing open: the rest
		{3333, 12100, 10890, 3000}, // 2999.7
		{1, 3, -100, -33},
		{1, 2, -45, -23},
	}
	for _, c := range cases {
		if got := Share(c.part, c.open, c.carrying); got != c.want {
			t.Errorf("Share(%d, %d, %d) = %d; want %d", c.part, c.open, c.carrying, got, c.want)
		}
	}
	// Settling in pieces releases exactly the carrying amount: 100 over
	// three thirds is 33, then 34 (33.5 of 67), then the last 33.
	open, carrying, released := int64(3), int64(100), int64(0)
	for _, part := range []int64{1, 1, 1} {
		s := Share(part, open, carrying)
		released += s
		open -= part
		carrying -= s
	}
	if released != 100 || carrying != 0 {
		t.Fatalf("released %d, left %d", released, carrying)
	}
}

func TestSettingsIBAN(t *testing.T) {
	good := map[string]string{
		"NL91ABNA0417164300":          "NL91ABNA0417164300",
		"nl91 abna 0417 1643 00":      "NL91ABNA0417164300",
		"DE89 3704 0044 0532 0130 00": "DE89370400440532013000",
		"GB82WEST12345698765432":      "GB82WEST12345698765432",
		"BE68539007547034":            "BE68539007547034",
		"":                            "",
	}
	for in, want := range good {
		s := DefaultSettings()
		s.IBAN = "old"
		v := in
		if err := (&SettingsInput{IBAN: &v}).Apply(s, nil); err != nil || s.IBAN != want {
			t.Errorf("IBAN %q: %v, stored %q; want %q", in, err, s.IBAN, want)
		}
	}
	for _, in := range []string{
		"NL92ABNA0417164300",     // checksum off by one
		"NL91ABNA0417164301",     // last digit changed
		"NL91ABNA041716430",      // too short for its checksum
		"GB82WEST1234569876543X", // letter where the check fails
		"1234567890123456",       // no country
		"NL91-ABNA-0417-1643-00", // dashes
		"NL91ABNA04171643",       // truncated
	} {
		s := DefaultSettings()
		v := in
		err := (&SettingsInput{IBAN: &v}).Apply(s, nil)
		if reason(err) != "iban_invalid" || s.IBAN != "" {
			t.Errorf("IBAN %q: %v, stored %q; want iban_invalid", in, err, s.IBAN)
		}
	}
}

func TestSettingsApply(t *testing.T) {
	accounts := map[string]*ledger.Account{"1000": {Code: "1000", Type: ledger.Asset}, "1010": {Code: "1010", Type: ledger.Asset},
		"4900": {Code: "4900", Type: ledger.Expense, ArchivedAt: &time.Time{}}, "8000": {Code: "8000", Type: ledger.Revenue}}
	s := DefaultSettings()
	f := "F-{YY}-{NNNNN}"
	bank := "1010"
	if err := (&SettingsInput{InvoiceNumberFormat: &f, BankAccount: &bank}).Apply(s, accounts); err != nil {
		t.Fatal(err)
	}
	if s.InvoiceNumberFormat != f || s.BankAccount != "1010" {
		t.Fatalf("%+v", s)
	}
	same := s.InvoiceNumberFormat
	if err := (&SettingsInput{CreditNoteNumberFormat: &same}).Apply(s, accounts); reason(err) != "number_format_invalid" {
		t.Fatalf("same format for both series: %v", err)
	}
	bad := "INV-{NNNN}"
	if err := (&SettingsInput{InvoiceNumberFormat: &bad}).Apply(DefaultSettings(), accounts); reason(err) != "number_format_invalid" {
		t.Fatalf("format without year: %v", err)
	}
	for _, code := range []string{"4900", "9999"} {
		c := code
		if err := (&SettingsInput{FXAccount: &c}).Apply(DefaultSettings(), accounts); reason(err) != "account_not_found" {
			t.Fatalf("fx account %s: %v", code, err)
		}
	}
	// System accounts take accounts of their kind only.
	for _, c := range []SettingsInput{
		{ReceivableAccount: ptr("8000")}, {BankAccount: ptr("8000")}, {RevenueAccount: ptr("1000")}, {FXAccount: ptr("1000")},
		{BankAccount: ptr("1100")},
	} {
		accounts["1100"] = &ledger.Account{Code: "1100", Type: ledger.Asset}
		if err := c.Apply(DefaultSettings(), accounts); reason(err) != "account_type_invalid" {
			t.Errorf("%+v: %v; want account_type_invalid", c, err)
		}
	}
}

func ptr(s string) *string { return &s }

func TestStatusAndOverdue(t *testing.T) {
	due := ledger.NewDate(2026, 4, 9)
	inv := &Invoice{Kind: KindInvoice, StoredStatus: StatusIssued, TotalMinor: 12100, DueDate: &due}
	check := func(want string, overdue bool) {
		t.Helper()
		if inv.Status() != want || inv.Overdue(ledger.NewDate(2026, 4, 10)) != overdue {
			t.Fatalf("status %s overdue %v; want %s %v", inv.Status(), inv.Overdue(ledger.NewDate(2026, 4, 10)), want, overdue)
		}
	}
	check(StatusIssued, true)
	if inv.Overdue(due) {
		t.Fatal("overdue on its due date")
	}
	inv.SettledMinor, inv.PaidMinor = 5000, 5000
	check(StatusPartiallyPaid, true)
	inv.SettledMinor, inv.PaidMinor = 12100, 12100
	check(StatusPaid, false)
	inv.SettledMinor, inv.PaidMinor = 12100, 0
	check(StatusCredited, false)
	inv.SettledMinor, inv.PaidMinor = 2100, 0 // a credit note for part, nothing paid
	check(StatusIssued, true)
	inv.StoredStatus = StatusVoid
	check(StatusVoid, false)
	if inv.OpenMinor() != 0 {
		t.Fatal("a void invoice has something open")
	}
	inv.StoredStatus = StatusDraft
	check(StatusDraft, false)

	cn := &Invoice{Kind: KindCreditNote, StoredStatus: StatusIssued, TotalMinor: 12100, SettledMinor: 100, DueDate: &due}
	if cn.Status() != StatusIssued || cn.Overdue(ledger.NewDate(2027, 1, 1)) {
		t.Fatalf("credit note with credit left: %s", cn.Status())
	}
	cn.SettledMinor = 12100
	if cn.Status() != StatusApplied {
		t.Fatalf("used-up credit note: %s", cn.Status())
	}
}
