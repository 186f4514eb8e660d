package csvstmt

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"backoffice/ledger"
	"backoffice/ledger/bank"
)

func ptr[T any](v T) *T { return &v }

// simple is a signed-amount mapping with a header, decimal point.
func simple() *bank.CSVMapping {
	return &bank.CSVMapping{DateFormat: "YYYY-MM-DD", Date: "Date", Amount: "Amount", Description: bank.Columns{"Text"}, Reference: "Ref"}
}

func with(f func(m *bank.CSVMapping)) *bank.CSVMapping {
	m := simple()
	f(m)
	return m
}

func problem(t *testing.T, err error) ledger.FieldError {
	t.Helper()
	var e *ledger.Error
	if !errors.As(err, &e) || e.Code != ledger.CodeInvalid || len(e.Fields) == 0 {
		t.Fatalf("error = %v; want an invalid ledger.Error with fields", err)
	}
	if e.Reason != e.Fields[0].Reason {
		t.Errorf("error reason %q differs from the first field's %q", e.Reason, e.Fields[0].Reason)
	}
	return e.Fields[0]
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name   string
		m      *bank.CSVMapping
		reason string
		path   string
	}{
		{"ok", simple(), "", ""},
		{"ok debit credit", with(func(m *bank.CSVMapping) { m.Amount, m.Debit, m.Credit = "", "Af", "Bij" }), "", ""},
		{"ok direction", with(func(m *bank.CSVMapping) { m.DirectionColumn, m.DebitValue, m.CreditValue = "Af Bij", "Af", "Bij" }), "", ""},
		{"direction without credit value", with(func(m *bank.CSVMapping) { m.DirectionColumn, m.DebitValue = "Af Bij", "Af" }), "amount_mapping_invalid", "credit_value"},
		{"direction values alike", with(func(m *bank.CSVMapping) { m.DirectionColumn, m.DebitValue, m.CreditValue = "Af Bij", "Af", "af" }), "amount_mapping_invalid", "credit_value"},
		{"ok no header numbers", &bank.CSVMapping{HasHeader: ptr(false), DateFormat: "YYYYMMDD", Date: "1", Amount: "3"}, "", ""},
		{"nil", nil, "field_required", ""},
		{"delimiter", with(func(m *bank.CSVMapping) { m.Delimiter = ":" }), "delimiter_invalid", "delimiter"},
		{"delimiter two chars", with(func(m *bank.CSVMapping) { m.Delimiter = ",," }), "delimiter_invalid", "delimiter"},
		{"date format", with(func(m *bank.CSVMapping) { m.DateFormat = "D-M-YY" }), "date_format_invalid", "date_format"},
		{"date format missing", with(func(m *bank.CSVMapping) { m.DateFormat = "" }), "field_required", "date_format"},
		{"skip rows negative", with(func(m *bank.CSVMapping) { m.SkipRows = -1 }), "skip_rows_invalid", "skip_rows"},
		{"skip rows large", with(func(m *bank.CSVMapping) { m.SkipRows = 51 }), "skip_rows_invalid", "skip_rows"},
		{"no date column", with(func(m *bank.CSVMapping) { m.Date = " " }), "field_required", "date"},
		{"no amount", with(func(m *bank.CSVMapping) { m.Amount = "" }), "amount_mapping_invalid", "amount"},
		{"amount and debit", with(func(m *bank.CSVMapping) { m.Debit, m.Credit = "Af", "Bij" }), "amount_mapping_invalid", "amount"},
		{"debit alone", with(func(m *bank.CSVMapping) { m.Amount, m.Debit = "", "Af" }), "amount_mapping_invalid", "credit"},
		{"credit alone", with(func(m *bank.CSVMapping) { m.Amount, m.Credit = "", "Bij" }), "amount_mapping_invalid", "debit"},
		{"direction without value", with(func(m *bank.CSVMapping) { m.DirectionColumn = "Af Bij" }), "amount_mapping_invalid", "debit_value"},
		{"value without direction", with(func(m *bank.CSVMapping) { m.DebitValue = "Af" }), "amount_mapping_invalid", "direction_column"},
		{"direction with debit credit", with(func(m *bank.CSVMapping) { m.Amount, m.Debit, m.Credit, m.DirectionColumn = "", "Af", "Bij", "X" }), "amount_mapping_invalid", "direction_column"},
		{"no header names", with(func(m *bank.CSVMapping) {
			m.HasHeader = ptr(false)
			m.Date, m.Amount, m.Description, m.Reference = "1", "2", bank.Columns{"Text"}, ""
		}), "column_invalid", "description"},
		{"no header zero", &bank.CSVMapping{HasHeader: ptr(false), DateFormat: "YYYYMMDD", Date: "0", Amount: "3"}, "column_invalid", "date"},
		{"ok encodings", with(func(m *bank.CSVMapping) { m.Encoding = "windows-1252" }), "", ""},
		{"ok iso-8859-1", with(func(m *bank.CSVMapping) { m.Encoding = "iso-8859-1" }), "", ""},
		{"ok utf-8", with(func(m *bank.CSVMapping) { m.Encoding = "utf-8" }), "", ""},
		{"encoding unknown", with(func(m *bank.CSVMapping) { m.Encoding = "ebcdic" }), "encoding_invalid", "encoding"},
		{"encoding spelled otherwise", with(func(m *bank.CSVMapping) { m.Encoding = "UTF8" }), "encoding_invalid", "encoding"},
		{"ok description list", with(func(m *bank.CSVMapping) { m.Description = bank.Columns{"A", "B", "C"} }), "", ""},
		{"description list blank", with(func(m *bank.CSVMapping) { m.Description = bank.Columns{"A", " ", "C"} }), "field_required", "description[1]"},
		{"description list long", with(func(m *bank.CSVMapping) { m.Description = make(bank.Columns, 11) }), "column_invalid", "description"},
		{"no header description list", &bank.CSVMapping{HasHeader: ptr(false), DateFormat: "YYYYMMDD", Date: "1", Amount: "3", Description: bank.Columns{"4", "Omschrijving-2"}}, "column_invalid", "description[1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(tt.m)
			if tt.reason == "" {
				if err != nil {
					t.Fatalf("Check = %v; want nil", err)
				}
				return
			}
			f := problem(t, err)
			if string(f.Reason) != tt.reason || f.Path != tt.path {
				t.Errorf("Check: %s at %q (%s); want %s at %q", f.Reason, f.Path, f.Message, tt.reason, tt.path)
			}
		})
	}
}

const hdr = "Date,Amount,Text,Ref\n"

// TestParseRefused has a case for every reason a file is refused, with
// the path that says where.
func TestParseRefused(t *testing.T) {
	// These read files with only the columns they are about.
	bare := func(f func(m *bank.CSVMapping)) *bank.CSVMapping {
		return with(func(m *bank.CSVMapping) { m.Description, m.Reference = nil, ""; f(m) })
	}
	withBalance := bare(func(m *bank.CSVMapping) { m.Balance = "Saldo" })
	withCurrency := bare(func(m *bank.CSVMapping) { m.Currency = "Munt" })
	withIBAN := bare(func(m *bank.CSVMapping) { m.IBAN = "Rekening" })
	dc := bare(func(m *bank.CSVMapping) { m.Amount, m.Debit, m.Credit = "", "Af", "Bij" })
	tests := []struct {
		name     string
		m        *bank.CSVMapping
		currency string
		in       string
		reason   string
		path     string
		msg      string // a part of the message
	}{
		{"bad mapping", with(func(m *bank.CSVMapping) { m.Delimiter = "x" }), "EUR", hdr, "delimiter_invalid", "delimiter", ""},
		{"bad currency", simple(), "EURO", hdr, "currency_invalid", "currency", "EURO"},
		{"not utf8", simple(), "EUR", hdr + "2026-03-01,1.00,caf\xe9,a\n", "csv_not_utf8", "line 2", "UTF-8"},
		{"NUL byte", simple(), "EUR", hdr + "2026-03-01,1.00,ok,a\n2026-03-02,1.00,caf\x00,b\n", "csv_not_utf8", "line 3", "NUL"},
		{"bare quote", simple(), "EUR", hdr + "2026-03-01,1.00,say \"hi\",a\n", "csv_invalid", "line 2", "bare \""},
		{"direction neither", bare(func(m *bank.CSVMapping) { m.DirectionColumn, m.DebitValue, m.CreditValue = "AfBij", "Af", "Bij" }), "EUR",
			"Date,Amount,AfBij\n2026-03-01,1.00,Bij\n2026-03-02,2.00,Debet\n", "direction_invalid", "line 3, column \"AfBij\"", "neither"},
		{"empty file", simple(), "EUR", "", "csv_empty", "", "no header"},
		{"header only", simple(), "EUR", hdr + "\n\n", "csv_empty", "", "line 1"},
		{"zero rows only", simple(), "EUR", hdr + "2026-03-01,0.00,info,a\n", "csv_empty", "", "no data rows"},
		{"column missing", with(func(m *bank.CSVMapping) { m.Amount = "Bedrag" }), "EUR", hdr + "2026-03-01,1.00,x,a\n", "csv_column_missing", "amount", `"Bedrag"`},
		{"column missing lists header", with(func(m *bank.CSVMapping) { m.Amount = "Bedrag" }), "EUR", hdr, "csv_column_missing", "amount", `"Date", "Amount", "Text", "Ref"`},
		{"row short", simple(), "EUR", hdr + "2026-03-01,1.00,x,a\n2026-03-02,1.00\n", "csv_row_short", "line 3", "2 columns"},
		{"date invalid", simple(), "EUR", hdr + "2026-13-01,1.00,x,a\n", "date_invalid", `line 2, column "Date"`, `"2026-13-01" is not a date in the format YYYY-MM-DD`},
		{"date wrong format", simple(), "EUR", hdr + "01-03-2026,1.00,x,a\n", "date_invalid", `line 2, column "Date"`, "YYYY-MM-DD"},
		{"date empty", simple(), "EUR", hdr + ",1.00,x,a\n", "date_invalid", `line 2, column "Date"`, "empty"},
		{"value date invalid", with(func(m *bank.CSVMapping) { m.ValueDate = "Text" }), "EUR", hdr + "2026-03-01,1.00,x,a\n", "date_invalid", `line 2, column "Text"`, `"x"`},
		{"amount text", simple(), "EUR", hdr + "2026-03-01,abc,x,a\n", "amount_invalid", `line 2, column "Amount"`, `"abc"`},
		{"amount empty", simple(), "EUR", hdr + "2026-03-01,,x,a\n", "amount_invalid", `line 2, column "Amount"`, "empty"},
		{"amount decimal comma misread", with(func(m *bank.CSVMapping) { m.Delimiter, m.DecimalComma = ";", true }), "EUR", "Date;Amount;Text;Ref\n2026-03-01;1.50;x;a\n", "amount_invalid", `line 2, column "Amount"`, "decimal comma"},
		{"amount bad grouping", simple(), "EUR", hdr + "2026-03-01,\"12,34.00\",x,a\n", "amount_invalid", `line 2, column "Amount"`, ""},
		{"amount too precise", simple(), "EUR", hdr + "2026-03-01,1.005,x,a\n", "amount_too_precise", `line 2, column "Amount"`, ""},
		{"amount too precise JPY", simple(), "JPY", hdr + "2026-03-01,1.50,x,a\n", "amount_too_precise", `line 2, column "Amount"`, ""},
		{"debit and credit both", dc, "EUR", "Date,Af,Bij\n2026-03-01,1.00,2.00\n", "amount_invalid", "line 2", "both"},
		{"debit and credit neither", dc, "EUR", "Date,Af,Bij\n2026-03-01,,\n", "amount_invalid", "line 2", "neither"},
		{"credit negative", dc, "EUR", "Date,Af,Bij\n2026-03-01,,-2.00\n", "amount_invalid", `line 2, column "Bij"`, "negative"},
		{"currency mismatch", withCurrency, "EUR", "Date,Amount,Munt\n2026-03-01,1.00,EUR\n2026-03-02,1.00,USD\n", "currency_mismatch", "line 3", "USD"},
		{"iban mixed", withIBAN, "EUR", "Date,Amount,Rekening\n2026-03-01,1.00,NL28 RABO 0318 4277 56\n2026-03-02,1.00,NL67INGB0006543210\n", "iban_mixed", "line 3", "NL67INGB0006543210"},
		{"balance mismatch", withBalance, "EUR", "Date,Amount,Saldo\n2026-03-01,10.00,110.00\n2026-03-02,-5.00,104.00\n", "balance_mismatch", "line 3", "104.00"},
		{"balance invalid", withBalance, "EUR", "Date,Amount,Saldo\n2026-03-01,10.00,n/a\n", "amount_invalid", `line 2, column "Saldo"`, "balance"},
		{"skip rows count lines", with(func(m *bank.CSVMapping) { m.SkipRows = 2 }), "EUR", "Account: \"x\n\n" + hdr + "2026-03-01,1.00,x,a\n2026-03-40,1.00,x,b\n", "date_invalid", `line 5, column "Date"`, ""},
		{"quoted newline counts lines", simple(), "EUR", hdr + "2026-03-01,1.00,\"two\nlines\",a\n2026-03-40,1.00,x,b\n", "date_invalid", `line 4, column "Date"`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := Parse(strings.NewReader(tt.in), tt.m, tt.currency)
			if err == nil {
				t.Fatalf("Parse = %+v; want %s", st, tt.reason)
			}
			f := problem(t, err)
			if string(f.Reason) != tt.reason || f.Path != tt.path || !strings.Contains(f.Message, tt.msg) {
				t.Errorf("Parse: %s at %q: %s\nwant %s at %q containing %q", f.Reason, f.Path, f.Message, tt.reason, tt.path, tt.msg)
			}
		})
	}
}

// TestParseManyProblems: every bad row is named, up to a limit.
func TestParseManyProblems(t *testing.T) {
	in := hdr + strings.Repeat("2026-03-01,x,y,z\n", 100)
	_, err := Parse(strings.NewReader(in), simple(), "EUR")
	var e *ledger.Error
	if !errors.As(err, &e) || len(e.Fields) != maxProblems {
		t.Fatalf("Parse = %v; want %d problems", err, maxProblems)
	}
	if e.Fields[1].Path != `line 3, column "Amount"` {
		t.Errorf("second problem at %q", e.Fields[1].Path)
	}
}

type want struct {
	date, value string
	amount      int64
	ref, text   string
}

func checkLines(t *testing.T, st *bank.ParsedStatement, w []want) {
	t.Helper()
	if len(st.Lines) != len(w) {
		t.Fatalf("%d lines; want %d: %+v", len(st.Lines), len(w), st.Lines)
	}
	for i, l := range st.Lines {
		vd := ""
		if !l.ValueDate.IsZero() {
			vd = l.ValueDate.String()
		}
		if l.BookingDate.String() != w[i].date || vd != w[i].value || l.AmountMinor != w[i].amount || l.BankRef != w[i].ref || l.Remittance != w[i].text {
			t.Errorf("line %d = %s %s %d %q %q; want %+v", i, l.BookingDate, vd, l.AmountMinor, l.BankRef, l.Remittance, w[i])
		}
	}
}

func TestParseLayouts(t *testing.T) {
	tests := []struct {
		name     string
		m        *bank.CSVMapping
		currency string
		in       string
		want     []want
	}{
		{"decimal point, thousands comma, signs, quotes", simple(), "EUR",
			hdr + "2026-03-01,\"1,234.56\",  Invoice   INV-1 \t paid ,r1\n2026-03-02,-0.5,x,r2\n2026-03-03,+7,y,r3\n",
			[]want{{"2026-03-01", "", 123456, "r1", "Invoice INV-1 paid"}, {"2026-03-02", "", -50, "r2", "x"}, {"2026-03-03", "", 700, "r3", "y"}}},
		{"decimal comma, semicolon, thousands point", with(func(m *bank.CSVMapping) {
			m.Delimiter, m.DecimalComma, m.DateFormat = ";", true, "DD-MM-YYYY"
		}), "EUR",
			"Date;Amount;Text;Ref\n01-03-2026;\"-1.234,56\";a;r1\n2-3-2026;12,5;b;r2\n03-03-2026;1234;c;r3\n",
			[]want{{"2026-03-01", "", -123456, "r1", "a"}, {"2026-03-02", "", 1250, "r2", "b"}, {"2026-03-03", "", 123400, "r3", "c"}}},
		{"zero rows skipped, CRLF, blank lines", simple(), "EUR",
			"Date,Amount,Text,Ref\r\n2026-03-01,0.00,info,r0\r\n\r\n2026-03-02,5.00,x,r1\r\n,,,\r\n\r\n",
			[]want{{"2026-03-02", "", 500, "r1", "x"}}},
		{"debit and credit columns", &bank.CSVMapping{Delimiter: "\t", DecimalComma: true, DateFormat: "DD.MM.YYYY", Date: "Buchungstag", ValueDate: "Valuta", Debit: "Soll", Credit: "Haben", Description: bank.Columns{"Verwendungszweck"}}, "EUR",
			"Buchungstag\tValuta\tSoll\tHaben\tVerwendungszweck\n01.03.2026\t02.03.2026\t-12,00\t\tMiete\n02.03.2026\t\t\t100,00\tRE 17\n03.03.2026\t\t0,00\t5,00\tZins\n04.03.2026\t\t3,00\t0,00\tGebühr\n",
			[]want{{"2026-03-01", "2026-03-02", -1200, "", "Miete"}, {"2026-03-02", "", 10000, "", "RE 17"}, {"2026-03-03", "", 500, "", "Zins"}, {"2026-03-04", "", -300, "", "Gebühr"}}},
		{"direction column", &bank.CSVMapping{Delimiter: ",", DecimalComma: true, DateFormat: "YYYYMMDD", Date: "Datum", Amount: "Bedrag (EUR)", DirectionColumn: "Af Bij", DebitValue: "Af", CreditValue: "Bij", Description: bank.Columns{"Mededelingen"}}, "EUR",
			"\"Datum\",\"Naam / Omschrijving\",\"Af Bij\",\"Bedrag (EUR)\",\"Mededelingen\"\n\"20260301\",\"x\",\"Af\",\"45,99\",\"KPN\"\n\"20260302\",\"y\",\"Bij\",\"1250,00\",\"INV-1\"\n\"20260303\",\"z\",\"af\",\"-3,00\",\"fee\"\n",
			[]want{{"2026-03-01", "", -4599, "", "KPN"}, {"2026-03-02", "", 125000, "", "INV-1"}, {"2026-03-03", "", -300, "", "fee"}}},
		{"no header, columns by number, pipe", &bank.CSVMapping{Delimiter: "|", HasHeader: ptr(false), DateFormat: "MM/DD/YYYY", Date: "2", Amount: "4", Description: bank.Columns{"3"}, Reference: "1"}, "USD",
			"A1|03/01/2026|Rent|-1,500.00\nA2|3/15/2026|Refund|20.25|extra\n",
			[]want{{"2026-03-01", "", -150000, "A1", "Rent"}, {"2026-03-15", "", 2025, "A2", "Refund"}}},
		{"BOM and header case and spaces", with(func(m *bank.CSVMapping) { m.Date, m.Amount = "date", " AMOUNT " }), "EUR",
			"\xef\xbb\xbf Date , Amount ,Text,Ref\n2026-03-01,1.00,x,r1\n",
			[]want{{"2026-03-01", "", 100, "r1", "x"}}},
		{"skip rows", with(func(m *bank.CSVMapping) { m.SkipRows = 3 }), "EUR",
			"Rekening NL28RABO0318427756\nPeriode \"maart\n\n" + hdr + "2026-03-01,1.00,x,r1\n",
			[]want{{"2026-03-01", "", 100, "r1", "x"}}},
		{"no decimals currency", simple(), "JPY", hdr + "2026-03-01,\"1,500\",x,r1\n",
			[]want{{"2026-03-01", "", 1500, "r1", "x"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := Parse(strings.NewReader(tt.in), tt.m, tt.currency)
			if err != nil {
				t.Fatal(err)
			}
			checkLines(t, st, tt.want)
			if st.Opening != nil || st.Closing != nil {
				t.Errorf("balances %v %v without a balance column", st.Opening, st.Closing)
			}
		})
	}
}

// TestParseNewestFirst: a file listing the newest row first is returned
// oldest first, with balances checked in that order.
func TestParseNewestFirst(t *testing.T) {
	m := with(func(m *bank.CSVMapping) {
		m.Balance, m.IBAN, m.Currency, m.Counterparty, m.CounterIBAN = "Saldo", "Rekening", "Munt", "Naam", "Tegenrekening"
	})
	in := "Date,Amount,Text,Ref,Saldo,Rekening,Munt,Naam,Tegenrekening\n" +
		"2026-03-05,-20.00,c,r3,90.00,nl28rabo0318427756,eur,  Bakkerij   Van Dijk ,nl91 abna 0417 1643 00\n" +
		"2026-03-03,5.00,b,r2,110.00,NL28RABO0318427756,EUR,,\n" +
		"2026-03-01,5.00,a,r1,105.00,NL28RABO0318427756,EUR,,\n"
	st, err := Parse(strings.NewReader(in), m, "EUR")
	if err != nil {
		t.Fatal(err)
	}
	checkLines(t, st, []want{{"2026-03-01", "", 500, "r1", "a"}, {"2026-03-03", "", 500, "r2", "b"}, {"2026-03-05", "", -2000, "r3", "c"}})
	if st.Opening == nil || *st.Opening != 10000 || st.Closing == nil || *st.Closing != 9000 {
		t.Errorf("opening %v closing %v; want 10000 and 9000", st.Opening, st.Closing)
	}
	if st.From.String() != "2026-03-01" || st.To.String() != "2026-03-05" || st.IBAN != "NL28RABO0318427756" || st.Currency != "EUR" {
		t.Errorf("statement %s..%s %s %s", st.From, st.To, st.IBAN, st.Currency)
	}
	last := st.Lines[2]
	if last.Where != "line 2" || last.Counterparty != "Bakkerij Van Dijk" || last.CounterIBAN != "NL91ABNA0417164300" || *last.Balance != 9000 {
		t.Errorf("last line = %+v", last)
	}
}

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in     string
		comma  bool
		want   int64
		reason string
	}{
		{"1234.56", false, 123456, ""},
		{"1,234.56", false, 123456, ""},
		{"1,234,567.00", false, 123456700, ""},
		{"-1,234.5", false, -123450, ""},
		{"+0.01", false, 1, ""},
		{" 12 ", false, 1200, ""},
		{"1.234,56", true, 123456, ""},
		{"-45,99", true, -4599, ""},
		{"+1250,00", true, 125000, ""},
		{"0,00", true, 0, ""},
		{"-0.00", false, 0, ""},
		{"1234,56", false, 0, "amount_invalid"}, // decimal comma with a decimal point mapping
		{"1.50", true, 0, "amount_invalid"},
		{"12,34", false, 0, "amount_invalid"},
		{"1,2345.00", false, 0, "amount_invalid"},
		{",50", true, 0, "amount_invalid"},
		{"5,", true, 0, "amount_invalid"},
		{"--5", false, 0, "amount_invalid"},
		{"5-", false, 0, "amount_invalid"},
		{"€ 5", false, 0, "amount_invalid"},
		{"1e3", false, 0, "amount_invalid"},
		{"", false, 0, "amount_invalid"},
		{"1.001", false, 0, "amount_too_precise"},
		{"99999999999999999", false, 0, "amount_too_large"},
	}
	for _, tt := range tests {
		got, err := parseAmount(tt.in, tt.comma, 2)
		reason := ""
		if err != nil {
			reason = string(err.reason)
		}
		if got != tt.want || reason != tt.reason {
			t.Errorf("parseAmount(%q, %v) = %d, %q; want %d, %q", tt.in, tt.comma, got, reason, tt.want, tt.reason)
		}
	}
}

func loadMapping(t *testing.T) *bank.CSVMapping {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", "bank", "csv", "rabobank.mapping.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m bank.CSVMapping
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return &m
}

// TestRabobankSample parses the sample export with its mapping.
func TestRabobankSample(t *testing.T) {
	m := loadMapping(t)
	f, err := os.Open(filepath.Join("..", "..", "..", "testdata", "bank", "csv", "rabobank-2026-03.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := Parse(f, m, "EUR")
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	refs := map[string]bool{}
	for _, l := range st.Lines {
		sum += l.AmountMinor
		refs[l.BankRef] = true
	}
	if len(st.Lines) != 16 || sum != 436856 || len(refs) != 16 {
		t.Errorf("%d lines, %d distinct refs, sum %d; want 16, 16, 436856", len(st.Lines), len(refs), sum)
	}
	if st.Opening == nil || *st.Opening != 421035 || st.Closing == nil || *st.Closing != 857891 {
		t.Errorf("opening %v closing %v; want 421035 and 857891", st.Opening, st.Closing)
	}
	if st.IBAN != "NL28RABO0318427756" || st.Currency != "EUR" || st.From.String() != "2026-03-02" || st.To.String() != "2026-03-31" {
		t.Errorf("statement %s %s %s..%s", st.IBAN, st.Currency, st.From, st.To)
	}
	first := st.Lines[0]
	if first.Where != "line 2" || first.BankRef != "000000000000004512" || first.Counterparty != "Bakkerij Van Dijk" ||
		first.CounterIBAN != "NL91ABNA0417164300" || first.Remittance != "Factuur INV-2026-0031" || first.ValueDate != first.BookingDate {
		t.Errorf("first line = %+v", first)
	}
	// The mapping joins Omschrijving-1 to -3: the second line has two.
	if len(m.Description) != 3 || st.Lines[1].Remittance != "Zakelijk mobiel maart 2026 Klantnummer 8800412" {
		t.Errorf("description columns %q, second line's remittance %q", m.Description, st.Lines[1].Remittance)
	}
	// The first column alone reads as before the list.
	one := *m
	one.Description = bank.Columns{"Omschrijving-1"}
	f.Seek(0, 0)
	if st, err := Parse(f, &one, "EUR"); err != nil || st.Lines[1].Remittance != "Zakelijk mobiel maart 2026" {
		t.Errorf("one description column: %v", err)
	}

	_, err = Parse(strings.NewReader("x"), m, "USD")
	if f := problem(t, err); f.Reason != "csv_column_missing" {
		t.Errorf("a file without the header: %s", f.Reason)
	}
}

func TestRabobankBadDate(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", "bank", "csv", "bad-date.csv"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Parse(strings.NewReader(string(b)), loadMapping(t), "EUR")
	f := problem(t, err)
	if f.Reason != "date_invalid" || f.Path != `line 2, column "Datum"` || !strings.Contains(f.Message, "2026-13-01") {
		t.Errorf("%s at %q: %s", f.Reason, f.Path, f.Message)
	}
}

// TestNewestFirstOneDay: a newest-first export of one day has no dates to
// tell its order by; the balances tell it.
func TestNewestFirstOneDay(t *testing.T) {
	m := &bank.CSVMapping{Delimiter: ";", DecimalComma: true, DateFormat: "YYYYMMDD", Date: "Datum", Amount: "Bedrag", Balance: "Saldo"}
	in := "Datum;Bedrag;Saldo\n20260305;-10,00;90,00\n20260305;50,00;100,00\n"
	st, err := Parse(strings.NewReader(in), m, "EUR")
	if err != nil {
		t.Fatal(err)
	}
	if *st.Opening != 5000 || *st.Closing != 9000 || st.Lines[0].AmountMinor != 5000 {
		t.Fatalf("statement: opening %d closing %d first %+v", *st.Opening, *st.Closing, st.Lines[0])
	}
}

// TestTabSeparatedQuotes: a tab-separated export quotes nothing, so a
// quote in a description is text.
func TestTabSeparatedQuotes(t *testing.T) {
	m := &bank.CSVMapping{Delimiter: "\t", DecimalComma: true, DateFormat: "YYYYMMDD", Date: "Datum", Amount: "Bedrag", Description: bank.Columns{"Omschrijving"}}
	st, err := Parse(strings.NewReader("Datum\tBedrag\tOmschrijving\n20260305\t-4,50\tCafe \"De Hoek\" Amsterdam\n"), m, "EUR")
	if err != nil {
		t.Fatal(err)
	}
	if st.Lines[0].Remittance != `Cafe "De Hoek" Amsterdam` {
		t.Fatalf("remittance %q", st.Lines[0].Remittance)
	}
}

// TestDescriptionColumns: several description columns are joined with one
// space, each trimmed and collapsed, the empty ones left out; a column
// missing from the header is named by its place in the list.
func TestDescriptionColumns(t *testing.T) {
	m := with(func(m *bank.CSVMapping) { m.Description = bank.Columns{"Text", "More", "Rest"}; m.Reference = "" })
	in := "Date,Amount,Text,More,Rest\n" +
		"2026-03-02,10.00,Factuur   INV-1, ,  klant 42 \n" +
		"2026-03-03,-5.00,,iDEAL,\n" +
		"2026-03-04,-1.00,,,\n"
	st, err := Parse(strings.NewReader(in), m, "EUR")
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"Factuur INV-1 klant 42", "iDEAL", ""} {
		if got := st.Lines[i].Remittance; got != want {
			t.Errorf("line %d: remittance %q, want %q", i+2, got, want)
		}
	}
	m.Description = bank.Columns{"Text", "Omschrijving-3"}
	f := problem(t, func() error { _, err := Parse(strings.NewReader(in), m, "EUR"); return err }())
	if f.Reason != "csv_column_missing" || f.Path != "description[1]" {
		t.Errorf("%s at %q", f.Reason, f.Path)
	}

	// In JSON: a string or a list; one column is written as a string.
	var got bank.CSVMapping
	for in, want := range map[string]bank.Columns{`"A"`: {"A"}, `["A","B"]`: {"A", "B"}, `""`: nil, `null`: nil, `[]`: {}} {
		got.Description = bank.Columns{"old"}
		if err := json.Unmarshal([]byte(`{"description":`+in+`}`), &got); err != nil || len(got.Description) != len(want) || (len(want) > 0 && got.Description[len(want)-1] != want[len(want)-1]) {
			t.Errorf("%s: %q, %v", in, got.Description, err)
		}
	}
	for _, tc := range []struct {
		c    bank.Columns
		want string
	}{{nil, `""`}, {bank.Columns{"A"}, `"A"`}, {bank.Columns{"A", "B"}, `["A","B"]`}} {
		if b, _ := json.Marshal(tc.c); string(b) != tc.want {
			t.Errorf("%q marshals as %s, want %s", tc.c, b, tc.want)
		}
	}
}

// TestEncodings: a Windows-1252 export (é, ë, and the euro sign 0x80) is
// read right when the mapping names its encoding, and refused as today
// when the mapping says, or leaves it at, UTF-8.
func TestEncodings(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "testdata", "bank", "csv")
	data, err := os.ReadFile(filepath.Join(dir, "ing-2026-03-cp1252.csv"))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "ing-cp1252.mapping.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m bank.CSVMapping
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if m.Encoding != "windows-1252" {
		t.Fatalf("the sample mapping's encoding is %q", m.Encoding)
	}
	st, err := Parse(strings.NewReader(string(data)), &m, "EUR")
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name, text string
		amount     int64
	}{
		{"Café De Ëik", "Factuur INV-2026-0040 crème brûlée", 12500},
		{"Bakkerij Zoë & Cie", "Brood maart € 48,50", -4850},
		{"René Hoëvenaar", "Pasvolgnr 004 € 1.012,00 ingekocht", -101200},
	}
	if len(st.Lines) != len(want) || st.IBAN != "NL67INGB0006543210" {
		t.Fatalf("%d lines, IBAN %s", len(st.Lines), st.IBAN)
	}
	for i, w := range want {
		l := st.Lines[i]
		if l.Counterparty != w.name || l.Remittance != w.text || l.AmountMinor != w.amount {
			t.Errorf("line %d = %q %q %d; want %+v", i+2, l.Counterparty, l.Remittance, l.AmountMinor, w)
		}
	}

	// Declared UTF-8, or not declared: refused at the first line that is
	// not UTF-8, as before encodings could be named.
	for _, enc := range []string{"", "utf-8"} {
		u := m
		u.Encoding = enc
		_, err := Parse(strings.NewReader(string(data)), &u, "EUR")
		if f := problem(t, err); f.Reason != "csv_not_utf8" || f.Path != "line 2" {
			t.Errorf("encoding %q: %s at %q", enc, f.Reason, f.Path)
		}
	}

	// ISO-8859-1 has no euro sign, but é and ë are the same bytes.
	l1 := m
	l1.Encoding = "iso-8859-1"
	if st, err := Parse(strings.NewReader(string(data)), &l1, "EUR"); err != nil || st.Lines[0].Counterparty != "Café De Ëik" {
		t.Errorf("iso-8859-1: %v", err)
	}
	// A NUL byte is refused in any encoding.
	nul := strings.Replace(string(data), "Brood", "Br\x00od", 1)
	_, err = Parse(strings.NewReader(nul), &m, "EUR")
	if f := problem(t, err); f.Reason != "csv_not_utf8" || f.Path != "line 3" {
		t.Errorf("NUL in windows-1252: %s at %q", f.Reason, f.Path)
	}
}
