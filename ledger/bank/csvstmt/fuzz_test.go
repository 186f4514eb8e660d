package csvstmt

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"backoffice/ledger"
	"backoffice/ledger/bank"
	"backoffice/ledger/fuzzcheck"
	"backoffice/ledger/money"
)

// parseBound is the allocation budget of one Parse or ParseAccounts.
// Measured: about 10 KiB whatever the input (the mapping's layout, the
// reader's buffers); the sample exports allocate about 15 bytes per input
// byte, while the densest files tried allocate up to 155: rows as short as
// a row can be ("20260301,1"), each becoming a record, a row and a line of
// some 250 bytes, or one row of 100,000 empty cells, each a field, a
// header entry and its quoted name in the message. Four times that leaves
// room for shapes the seeds do not have; a parse that copied the file per
// row, or built a message per cell per row, exceeds it.
var parseBound = fuzzcheck.Bound{Base: 256 << 10, PerByte: 600}

// The mapping choices a fuzzed uint32 makes, on top of the mapping the
// seed gives (its JSON, fuzzed too; the simple mapping when it does not
// decode). Each field of bits picks from the valid values and one or two
// invalid ones, so that Check's refusals are exercised as well.
var (
	delimiters = []string{"", ",", ";", "\t", "|", "x", ",,", ""}
	encodings  = []string{"", "utf-8", "windows-1252", "iso-8859-1", "", "latin9", "", ""}
	formats    = append([]string{""}, append(DateFormats, "YYYY/MM/DD")...)
	currencies = []string{"EUR", "EUR", "USD", "JPY", "BHD", "eur ", "EURO", ""}
)

const (
	modeKeep     = iota // the seed's mapping
	modeSigned          // no header; date, signed amount, description by number
	modeBalance         // the same with a balance column
	modeDir             // no header; an unsigned amount and a direction column
	modeDebCred         // no header; debit and credit columns
	modeAccounts        // no header; signed amount and an own-IBAN column
	modeBoth            // an amount and debit/credit columns: Check refuses
	modeSkip            // the seed's mapping with skip_rows from the bits
)

// choose applies choice to m and says which currency to pass and whether
// to call ParseAccounts.
func choose(m *bank.CSVMapping, choice uint32) (currency string, accounts bool) {
	bits := func(shift, n uint) uint32 { return (choice >> shift) & (1<<n - 1) }
	if d := delimiters[bits(0, 3)]; d != "" {
		m.Delimiter = d
	}
	if e := encodings[bits(3, 3)]; e != "" {
		m.Encoding = e
	}
	if bits(6, 1) == 1 {
		m.DecimalComma = !m.DecimalComma
	}
	if i := bits(7, 3); i > 0 && int(i) < len(formats) {
		m.DateFormat = formats[i]
	}
	col := func(shift uint) string { return strconv.Itoa(int(bits(shift, 3)) + 1) }
	numbered := func() {
		f := false
		*m = bank.CSVMapping{Delimiter: m.Delimiter, Encoding: m.Encoding, DecimalComma: m.DecimalComma,
			DateFormat: m.DateFormat, HasHeader: &f, Date: col(16), Description: bank.Columns{col(22)}}
		if m.DateFormat == "" {
			m.DateFormat = "YYYY-MM-DD"
		}
	}
	switch bits(10, 3) {
	case modeSigned:
		numbered()
		m.Amount = col(19)
	case modeBalance:
		numbered()
		m.Amount, m.Balance = col(19), col(25)
	case modeDir:
		numbered()
		m.Amount, m.DirectionColumn, m.DebitValue, m.CreditValue = col(19), col(25), "D", "C"
	case modeDebCred:
		numbered()
		m.Debit, m.Credit = col(19), col(25)
	case modeAccounts:
		numbered()
		m.Amount, m.IBAN = col(19), col(25)
	case modeBoth:
		m.Debit, m.Credit = "Af", "Bij"
		if m.Amount == "" {
			m.Amount = "Bedrag"
		}
	case modeSkip:
		m.SkipRows = int(bits(16, 6)) - 4 // -4 to 59: both ends refused
	}
	return currencies[bits(13, 3)], bits(28, 1) == 1 || bits(10, 3) == modeAccounts
}

// choice builds a choice word from its parts, for the seeds.
func choice(delim, enc, comma, format, mode, cur uint32, cols [4]uint32, accounts bool) uint32 {
	c := delim | enc<<3 | comma<<6 | format<<7 | mode<<10 | cur<<13 | cols[0]<<16 | cols[1]<<19 | cols[2]<<22 | cols[3]<<25
	if accounts {
		c |= 1 << 28
	}
	return c
}

// FuzzParse: for any file and mapping, Check's refusal (when it refuses)
// is what Parse answers, with a problem that names the mapping field;
// otherwise Parse and ParseAccounts either refuse the file with problems
// of the one list of reasons that say where (a line, a column, a field),
// or return statements whose every line reads back from its cells
// (amount, balance and date worked out here from the cell text), whose
// balances add up (opening + lines == closing, each line's balance the
// running one) and whose amounts and dates are in the ledger's range.
func FuzzParse(f *testing.F) {
	root := filepath.Join("..", "..", "..", "testdata", "bank")
	read := func(parts ...string) []byte {
		b, err := os.ReadFile(filepath.Join(append([]string{root}, parts...)...))
		if err != nil {
			f.Fatal(err)
		}
		return b
	}
	rabo, ing, multi := read("csv", "rabobank.mapping.json"), read("csv", "ing-cp1252.mapping.json"), read("multi", "ing-all-accounts.mapping.json")
	samples := []struct {
		data, mapping []byte
		accounts      bool
	}{
		{read("csv", "rabobank-2026-03.csv"), rabo, false},
		{read("csv", "bad-date.csv"), rabo, false},
		{read("csv", "ing-2026-03-cp1252.csv"), ing, false},
		{read("multi", "ing-all-accounts.csv"), multi, true},
		{read("multi", "ing-all-accounts.csv"), multi, false},
	}
	for _, s := range samples {
		f.Add(s.data, s.mapping, choice(0, 0, 0, 0, modeKeep, 0, [4]uint32{}, s.accounts))
		// The same file under another encoding, decimal setting or an
		// invalid choice, for the fuzzer to start from each.
		f.Add(s.data, s.mapping, choice(0, 2, 0, 0, modeKeep, 0, [4]uint32{}, s.accounts))
		f.Add(s.data, s.mapping, choice(0, 0, 1, 0, modeKeep, 0, [4]uint32{}, s.accounts))
		f.Add(s.data, s.mapping, choice(5, 5, 0, 7, modeBoth, 6, [4]uint32{}, s.accounts))
		f.Add(s.data, s.mapping, choice(0, 0, 0, 0, modeSkip, 0, [4]uint32{1, 0, 0, 0}, s.accounts))
	}
	// The CSV texts of the package's tests, under the tests' simple
	// mapping and under each numbered layout with each delimiter.
	simpleJSON, err := json.Marshal(simple())
	if err != nil {
		f.Fatal(err)
	}
	for _, text := range testTexts(f) {
		f.Add([]byte(text), simpleJSON, uint32(0))
		f.Add([]byte(hdr+text), simpleJSON, uint32(0))
		for delim := uint32(1); delim <= 4; delim++ {
			for mode := uint32(modeSigned); mode <= modeAccounts; mode++ {
				f.Add([]byte(text), simpleJSON, choice(delim, 0, delim/2%2, delim, mode, 0, [4]uint32{0, 1, 2, 3}, false))
			}
		}
	}

	f.Fuzz(func(t *testing.T, data, mappingJSON []byte, c uint32) {
		fuzzcheck.Input(t, len(data)+len(mappingJSON))
		m := simple()
		if json.Unmarshal(mappingJSON, m) != nil {
			m = simple()
		}
		currency, accounts := choose(m, c)
		saved := *m
		saved.Description = slices.Clone(m.Description)

		var sts []bank.ParsedStatement
		var perr error
		err := parseBound.Run(len(data), func() {
			if accounts {
				sts, perr = ParseAccounts(bytes.NewReader(data), m, currency)
				return
			}
			var st *bank.ParsedStatement
			if st, perr = Parse(bytes.NewReader(data), m, currency); st != nil {
				sts = []bank.ParsedStatement{*st}
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(*m, saved) {
			t.Fatalf("Parse changed the mapping: %+v, was %+v", *m, saved)
		}

		if cerr := Check(m); cerr != nil {
			ce := checkProblem(t, cerr, data)
			for _, fe := range ce.Fields {
				if !mappingField(fe.Path) {
					t.Fatalf("Check's problem %+v does not name a mapping field", fe)
				}
			}
			if pe := checkProblem(t, perr, data); !reflect.DeepEqual(pe.Fields, ce.Fields) {
				t.Fatalf("Check refused with %+v, Parse with %+v", ce.Fields, pe.Fields)
			}
			return
		}
		if perr != nil {
			checkProblem(t, perr, data)
			if sts != nil {
				t.Fatalf("Parse returned statements with its error")
			}
			return
		}
		checkStatements(t, data, m, currency, accounts, sts)
	})
}

// testTexts returns the string literals of the package's tests that look
// like CSV text (two lines or more), read from their source so that a new
// test case becomes a seed too.
func testTexts(f *testing.F) []string {
	var out []string
	for _, name := range []string{"csvstmt_test.go", "accounts_test.go"} {
		file, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
		if err != nil {
			f.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil && strings.Count(s, "\n") >= 1 && len(s) > 8 {
					out = append(out, s)
				}
			}
			return true
		})
	}
	if len(out) < 20 {
		f.Fatalf("only %d CSV texts found in the tests", len(out))
	}
	return out
}

// mappingFields are the JSON names of the mapping's fields.
var mappingFields = sync.OnceValue(func() map[string]bool {
	out := map[string]bool{}
	rt := reflect.TypeFor[bank.CSVMapping]()
	for i := range rt.NumField() {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		out[name] = true
	}
	return out
})

var indexed = regexp.MustCompile(`^([a-z_]+)(\[[0-9]+\])?$`)

// mappingField: a mapping field's JSON name, or "description[i]".
func mappingField(path string) bool {
	m := indexed.FindStringSubmatch(path)
	return m != nil && mappingFields()[m[1]] && (m[2] == "" || m[1] == "description")
}

var linePath = regexp.MustCompile(`^line ([0-9]+)(, column ".*")?$`)

// checkProblem: a refusal is a ledger invalid error whose problems each
// have a reason of the one list, a message, and a path that says where: a
// mapping field, the currency, a line of the file (within the file), or
// nothing for the file as a whole.
func checkProblem(t *testing.T, err error, data []byte) *ledger.Error {
	t.Helper()
	var e *ledger.Error
	if !errors.As(err, &e) {
		t.Fatalf("refused with an untyped error %T: %v", err, err)
	}
	if e.Code != ledger.CodeInvalid || !e.Reason.Known() || e.Message == "" {
		t.Fatalf("refused with code %q, reason %q (known: %v): %v", e.Code, e.Reason, e.Reason.Known(), err)
	}
	// A row may have several problems; the reading stops at maxProblems.
	if len(e.Fields) == 0 || len(e.Fields) > 2*maxProblems || e.Fields[0].Reason != e.Reason {
		t.Fatalf("refused with %d problems for reason %s: %+v", len(e.Fields), e.Reason, e.Fields)
	}
	lines := bytes.Count(data, []byte("\n")) + 1
	for _, fe := range e.Fields {
		if !fe.Reason.Known() || fe.Message == "" {
			t.Fatalf("problem %+v has no known reason or no message", fe)
		}
		switch lm := linePath.FindStringSubmatch(fe.Path); {
		case lm != nil:
			if n, _ := strconv.Atoi(lm[1]); n < 1 || n > lines {
				t.Fatalf("problem %+v names a line the file (%d lines) does not have", fe, lines)
			}
		case fe.Path == "", fe.Path == "currency", fe.Path == "csv_mapping.iban", mappingField(fe.Path):
		default:
			t.Fatalf("problem %+v does not say where", fe)
		}
	}
	return e
}

// cells reads the file again on its own, to look up the cells of a line
// by its number: the decoding and the reader's settings are the mapping's,
// the line numbering that of the file.
type cells struct {
	rows   map[int][]string // by the physical line the record starts on
	header []string
}

func readCells(t *testing.T, data []byte, m *bank.CSVMapping) *cells {
	t.Helper()
	switch m.Encoding {
	case "windows-1252":
		data, _ = charmap.Windows1252.NewDecoder().Bytes(data)
	case "iso-8859-1":
		data, _ = charmap.ISO8859_1.NewDecoder().Bytes(data)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	skipped := 0
	for ; skipped < m.SkipRows && len(data) > 0; skipped++ {
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			data = data[i+1:]
		} else {
			data = nil
		}
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = ','
	if m.Delimiter != "" {
		r.Comma, _ = utf8.DecodeRuneInString(m.Delimiter)
	}
	r.LazyQuotes = r.Comma == '\t'
	r.FieldsPerRecord = -1
	c := &cells{rows: map[int][]string{}}
	for {
		rec, err := r.Read()
		if err != nil {
			break // Parse read it all: a refusal would have come back
		}
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue
		}
		line, _ := r.FieldPos(0)
		if c.header == nil && (m.HasHeader == nil || *m.HasHeader) {
			c.header = rec
			continue
		}
		c.rows[line+skipped] = rec
	}
	return c
}

// index is the column a mapping names: by number without a header, else
// the first header cell of that name.
func (c *cells) index(name string) int {
	if name == "" {
		return -1
	}
	if c.header == nil {
		n, _ := strconv.Atoi(strings.TrimSpace(name))
		return n - 1
	}
	for i, h := range c.header {
		// Case is ignored as strings.ToLower has it (not EqualFold's
		// folding, which also matches "ſ" to "s").
		if strings.ToLower(strings.TrimSpace(h)) == strings.ToLower(strings.TrimSpace(name)) {
			return i
		}
	}
	return -1
}

func (c *cells) cell(rec []string, name string) string {
	if i := c.index(name); i >= 0 && i < len(rec) {
		return strings.TrimSpace(rec[i])
	}
	return ""
}

// minor reads an amount cell as written: the sign, the thousands
// separators dropped, the decimal separator made a point, then big.Rat
// arithmetic scaled to minor units; the test's own reading, not
// parseAmount's.
func minor(t *testing.T, where, cell string, comma bool, exp int) *big.Int {
	t.Helper()
	s := strings.TrimPrefix(cell, "+")
	dec, thou := ".", ","
	if comma {
		dec, thou = ",", "."
	}
	s = strings.ReplaceAll(strings.ReplaceAll(s, thou, ""), dec, ".")
	r, ok := new(big.Rat).SetString(s)
	if !ok || strings.ContainsAny(s, "eE/") {
		t.Fatalf("%s: the cell %q was accepted as an amount", where, cell)
	}
	r.Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(exp)), nil)))
	if !r.IsInt() {
		t.Fatalf("%s: the cell %q has more than %d decimals and was accepted", where, cell, exp)
	}
	return r.Num()
}

// dateParts reads a date cell in a mapping's format: year, month, day.
var dateParts = map[string]*regexp.Regexp{
	"YYYY-MM-DD": regexp.MustCompile(`^(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})$`),
	"DD-MM-YYYY": regexp.MustCompile(`^(?P<d>[0-9]{1,2})-(?P<m>[0-9]{1,2})-(?P<y>[0-9]{4})$`),
	"YYYYMMDD":   regexp.MustCompile(`^(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})$`),
	"DD/MM/YYYY": regexp.MustCompile(`^(?P<d>[0-9]{1,2})/(?P<m>[0-9]{1,2})/(?P<y>[0-9]{4})$`),
	"MM/DD/YYYY": regexp.MustCompile(`^(?P<m>[0-9]{1,2})/(?P<d>[0-9]{1,2})/(?P<y>[0-9]{4})$`),
	"DD.MM.YYYY": regexp.MustCompile(`^(?P<d>[0-9]{1,2})\.(?P<m>[0-9]{1,2})\.(?P<y>[0-9]{4})$`),
}

func checkDateCell(t *testing.T, where, cell, format string, d ledger.Date) {
	t.Helper()
	re := dateParts[format]
	p := re.FindStringSubmatch(cell)
	if p == nil {
		t.Fatalf("%s: the cell %q was accepted as a date in the format %s", where, cell, format)
	}
	num := func(name string) int { n, _ := strconv.Atoi(p[re.SubexpIndex(name)]); return n }
	if d.Year() != num("y") || int(d.Month()) != num("m") || d.Day() != num("d") {
		t.Fatalf("%s: the cell %q was read as %s", where, cell, d)
	}
	if d.Year() < ledger.MinYear || d.Year() > ledger.MaxYear {
		t.Fatalf("%s: %s is outside the years %d to %d", where, d, ledger.MinYear, ledger.MaxYear)
	}
}

func checkStatements(t *testing.T, data []byte, m *bank.CSVMapping, currency string, accounts bool, sts []bank.ParsedStatement) {
	t.Helper()
	currency = strings.ToUpper(strings.TrimSpace(currency))
	exp, _ := money.Exponent(currency)
	c := readCells(t, data, m)
	if len(sts) == 0 {
		t.Fatal("no statement and no error")
	}
	seenIBAN := map[string]bool{}
	seenLine := map[string]bool{}
	for _, st := range sts {
		if len(st.Lines) == 0 {
			t.Fatalf("statement %s has no lines", st.IBAN)
		}
		if accounts {
			if st.IBAN == "" || seenIBAN[st.IBAN] || st.Currency != currency {
				t.Fatalf("statement for %q in %q: an account twice, or none, or not in %s", st.IBAN, st.Currency, currency)
			}
			seenIBAN[st.IBAN] = true
		} else if st.Currency != "" && st.Currency != currency {
			t.Fatalf("statement in %q, the account in %s", st.Currency, currency)
		}
		from, to := st.Lines[0].BookingDate, st.Lines[0].BookingDate
		var running *big.Int
		if st.Opening != nil {
			running = big.NewInt(*st.Opening)
		}
		for _, l := range st.Lines {
			lm := linePath.FindStringSubmatch(l.Where)
			if lm == nil || lm[2] != "" || seenLine[l.Where] {
				t.Fatalf("line %q is not a line of the file, or came twice", l.Where)
			}
			n, _ := strconv.Atoi(lm[1])
			rec, ok := c.rows[n]
			if !ok {
				t.Fatalf("line %q is no row of the file", l.Where)
			}
			seenLine[l.Where] = true
			if l.AmountMinor == 0 || l.AmountMinor > money.MaxMinor || l.AmountMinor < -money.MaxMinor {
				t.Fatalf("%s: amount %d is zero or beyond money.MaxMinor", l.Where, l.AmountMinor)
			}
			checkDateCell(t, l.Where, c.cell(rec, m.Date), m.DateFormat, l.BookingDate)
			if v := c.cell(rec, m.ValueDate); v != "" {
				checkDateCell(t, l.Where+" value date", v, m.DateFormat, l.ValueDate)
			} else if !l.ValueDate.IsZero() {
				t.Fatalf("%s: value date %s from an empty cell", l.Where, l.ValueDate)
			}
			if l.BookingDate.Before(from) {
				from = l.BookingDate
			}
			if l.BookingDate.After(to) {
				to = l.BookingDate
			}
			if want := expectedAmount(t, l.Where, c, rec, m, exp); big.NewInt(l.AmountMinor).Cmp(want) != 0 {
				t.Fatalf("%s: amount %d, the cells say %s", l.Where, l.AmountMinor, want)
			}
			if accounts && compactIBAN(c.cell(rec, m.IBAN)) != st.IBAN {
				t.Fatalf("%s: the row's account %q is in the statement of %s", l.Where, c.cell(rec, m.IBAN), st.IBAN)
			}
			if l.BankRef != c.cell(rec, m.Reference) {
				t.Fatalf("%s: bank reference %q, the cell says %q", l.Where, l.BankRef, c.cell(rec, m.Reference))
			}
			var desc []string
			for _, name := range m.Description {
				if v := strings.Join(strings.Fields(c.cell(rec, name)), " "); v != "" {
					desc = append(desc, v)
				}
			}
			if l.Remittance != strings.Join(desc, " ") {
				t.Fatalf("%s: remittance %q from the cells %q", l.Where, l.Remittance, desc)
			}
			// The balance column: each line's balance is the running one.
			if m.Balance == "" {
				if l.Balance != nil {
					t.Fatalf("%s: a balance without a balance column", l.Where)
				}
				continue
			}
			b := minor(t, l.Where+" balance", strings.TrimPrefix(c.cell(rec, m.Balance), "-"), m.DecimalComma, exp)
			if strings.HasPrefix(c.cell(rec, m.Balance), "-") {
				b.Neg(b)
			}
			if running == nil {
				t.Fatalf("%s: a balance column and no opening balance", l.Where)
			}
			running.Add(running, big.NewInt(l.AmountMinor))
			if l.Balance == nil || big.NewInt(*l.Balance).Cmp(b) != 0 || running.Cmp(b) != 0 {
				t.Fatalf("%s: balance %v, the cell says %s, the running balance is %s", l.Where, l.Balance, b, running)
			}
		}
		if st.From != from || st.To != to {
			t.Fatalf("period %s to %s, the lines run from %s to %s", st.From, st.To, from, to)
		}
		// Adds up: opening + lines == closing where the file gives
		// balances, and no balances where it does not.
		switch {
		case m.Balance == "" && (st.Opening != nil || st.Closing != nil):
			t.Fatal("balances without a balance column")
		case m.Balance != "" && (st.Closing == nil || running.Cmp(big.NewInt(*st.Closing)) != 0):
			t.Fatalf("opening %d plus the lines is %s, closing %v", *st.Opening, running, st.Closing)
		}
	}
}

// expectedAmount is the signed amount the row's cells give in the
// mapping's layout.
func expectedAmount(t *testing.T, where string, c *cells, rec []string, m *bank.CSVMapping, exp int) *big.Int {
	t.Helper()
	signed := func(cell string) *big.Int {
		v := minor(t, where, strings.TrimPrefix(cell, "-"), m.DecimalComma, exp)
		if strings.HasPrefix(cell, "-") {
			v.Neg(v)
		}
		return v
	}
	switch {
	case m.Amount != "" && m.DirectionColumn == "":
		return signed(c.cell(rec, m.Amount))
	case m.Amount != "":
		v := signed(c.cell(rec, m.Amount))
		v.Abs(v)
		switch dir := c.cell(rec, m.DirectionColumn); {
		case strings.EqualFold(dir, strings.TrimSpace(m.DebitValue)):
			return v.Neg(v)
		case strings.EqualFold(dir, strings.TrimSpace(m.CreditValue)):
			return v
		}
		t.Fatalf("%s: direction %q accepted", where, c.cell(rec, m.DirectionColumn))
	}
	d, cr := new(big.Int), new(big.Int)
	if v := c.cell(rec, m.Debit); v != "" {
		d = signed(v)
		d.Abs(d)
	}
	if v := c.cell(rec, m.Credit); v != "" {
		cr = signed(v)
	}
	if d.Sign() != 0 && cr.Sign() != 0 || cr.Sign() < 0 {
		t.Fatalf("%s: debit %s and credit %s accepted", where, d, cr)
	}
	return cr.Sub(cr, d)
}

func compactIBAN(s string) string { return strings.ToUpper(strings.Join(strings.Fields(s), "")) }

// FuzzRows fuzzes the cells of a well-formed export rather than its bytes,
// so that most inputs reach the reading of dates, amounts, directions and
// balances: three rows of a date, an amount (or debit), a third column
// (balance, direction, credit or own IBAN, by the layout) and a text,
// written with encoding/csv in the delimiter the choice picks, with or
// without a header. The properties are FuzzParse's.
func FuzzRows(f *testing.F) {
	// layouts, by the choice's mode bits: what the third column is.
	f.Add(uint32(0), "2026-03-01", "10.00", "", "a", "2026-03-02", "-5.50", "", "b", "2026-03-03", "1,234.56", "", "c")
	f.Add(uint32(1<<10|1), "2026-03-01", "10.00", "110.00", "a", "2026-03-02", "-5.50", "104.50", "b", "2026-03-03", "0.50", "105.00", "c")
	f.Add(uint32(2<<10|2|1<<6|3<<7), "01/03/2026", "10,00", "C", "a", "02/03/2026", "5,50", "D", "b", "3/3/2026", "1.234,56", "c", "c")
	f.Add(uint32(3<<10|3|1<<6|6<<7), "01.03.2026", "", "10,00", "a", "02.03.2026", "5,50", "", "b", "03.03.2026", "0,00", "1,00", "c")
	f.Add(uint32(4<<10|4|3<<13), "2026-03-01", "10", "NL02ABNA0123456789", "a", "2026-03-02", "-5", "nl20 ingb 0001 2345 67", "b", "2026-03-03", "7", "NL02ABNA0123456789", "c")
	f.Add(uint32(1<<10|1<<15|2<<7), "20260305", "-10.00", "90.00", "", "20260305", "50.00", "100.00", "", "20260304", "50.00", "50.00", "")
	f.Fuzz(func(t *testing.T, c uint32, d1, a1, x1, t1, d2, a2, x2, t2, d3, a3, x3, t3 string) {
		bits := func(shift, n uint) uint32 { return (c >> shift) & (1<<n - 1) }
		header := bits(15, 1) == 0
		m := &bank.CSVMapping{Delimiter: []string{",", ";", "\t", "|"}[bits(0, 2)], DecimalComma: bits(6, 1) == 1,
			DateFormat: DateFormats[bits(7, 3)%uint32(len(DateFormats))], HasHeader: &header}
		names := []string{"Datum", "Bedrag", "Extra", "Tekst"}
		if !header {
			names = []string{"1", "2", "3", "4"}
		}
		m.Date, m.Description = names[0], bank.Columns{names[3]}
		accounts := false
		switch bits(10, 3) % 5 {
		case 0:
			m.Amount = names[1]
		case 1:
			m.Amount, m.Balance = names[1], names[2]
		case 2:
			m.Amount, m.DirectionColumn, m.DebitValue, m.CreditValue = names[1], names[2], "D", "C"
		case 3:
			m.Debit, m.Credit = names[1], names[2]
		case 4:
			m.Amount, m.IBAN, accounts = names[1], names[2], true
		}
		currency := currencies[bits(13, 2)]

		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		w.Comma, _ = utf8.DecodeRuneInString(m.Delimiter)
		if header {
			w.Write([]string{"Datum", "Bedrag", "Extra", "Tekst"})
		}
		w.Write([]string{d1, a1, x1, t1})
		w.Write([]string{d2, a2, x2, t2})
		w.Write([]string{d3, a3, x3, t3})
		w.Flush()
		data := buf.Bytes()
		fuzzcheck.Input(t, len(data))

		var sts []bank.ParsedStatement
		var perr error
		if err := parseBound.Run(len(data), func() {
			if accounts {
				sts, perr = ParseAccounts(bytes.NewReader(data), m, currency)
				return
			}
			var st *bank.ParsedStatement
			if st, perr = Parse(bytes.NewReader(data), m, currency); st != nil {
				sts = []bank.ParsedStatement{*st}
			}
		}); err != nil {
			t.Fatal(err)
		}
		if err := Check(m); err != nil {
			t.Fatalf("the mapping %+v is refused: %v", m, err)
		}
		if perr != nil {
			checkProblem(t, perr, data)
			return
		}
		checkStatements(t, data, m, currency, accounts, sts)
	})
}
