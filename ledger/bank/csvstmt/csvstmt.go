// Package csvstmt reads a bank's CSV export into a bank.ParsedStatement,
// guided by a bank.CSVMapping that says which column holds what.
//
// A CSV export has no schema, so the mapping is checked first (Check) and
// every problem in the file is reported with where it is: "line N" counts
// physical lines of the file from 1, including the header and skipped
// lines, so that a user can find the line in a text editor.
//
// The file is UTF-8 unless the mapping names its encoding (a byte order
// mark is stripped). Some banks still export Windows-1252 or ISO-8859-1;
// guessing an encoding silently would turn "ë" into rubbish in
// counterparty names, so a file that is not UTF-8 under a UTF-8 mapping is
// refused with csv_not_utf8 and the line, and the user sets the mapping's
// encoding (or re-exports or converts the file).
package csvstmt

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"backoffice/ledger"
	"backoffice/ledger/bank"
	"backoffice/ledger/money"
)

// maxProblems bounds the problems reported for one file: a wrong mapping
// makes every row bad, and a thousand identical messages help nobody.
const maxProblems = 20

// MaxSkipRows is the largest SkipRows accepted; exports put at most a few
// lines of account details above the header.
const MaxSkipRows = 50

// dateLayouts maps the mapping's date formats to Go layouts. The delimited
// forms accept a day or month without its leading zero ("1-3-2026"), which
// some exports write; the compact form cannot, it would be ambiguous.
var dateLayouts = map[string]string{
	"YYYY-MM-DD": "2006-1-2",
	"DD-MM-YYYY": "2-1-2006",
	"YYYYMMDD":   "20060102",
	"DD/MM/YYYY": "2/1/2006",
	"MM/DD/YYYY": "1/2/2006",
	"DD.MM.YYYY": "2.1.2006",
}

// DateFormats lists the accepted date formats, in the order the
// documentation gives them.
var DateFormats = []string{"YYYY-MM-DD", "DD-MM-YYYY", "YYYYMMDD", "DD/MM/YYYY", "MM/DD/YYYY", "DD.MM.YYYY"}

// Encodings lists the accepted encodings, in the order the documentation
// gives them; "" is utf-8.
var Encodings = []string{"utf-8", "windows-1252", "iso-8859-1"}

// decoders maps the single-byte encodings to their decoders. Both map every
// byte to one character and keep "\n" as it is, so line numbers stay those
// of the file.
var decoders = map[string]*charmap.Charmap{
	"windows-1252": charmap.Windows1252,
	"iso-8859-1":   charmap.ISO8859_1,
}

// encoding returns the mapping's encoding, "utf-8" when it names none. The
// names are taken as written, lower case, like the schema's enum.
func encoding(m *bank.CSVMapping) string {
	if m.Encoding == "" {
		return "utf-8"
	}
	return m.Encoding
}

// MaxDescriptionColumns bounds the description columns of a mapping.
const MaxDescriptionColumns = 10

// column is one mapped field: its JSON name (the problem path of a mapping
// mistake), its key in a layout, and the column as the mapping names it
// ("" when not mapped). They differ only for the description's columns
// when there are several: "description[1]" and "description.1".
type column struct {
	field string
	key   string
	name  string
}

// columns lists the mapping's column fields in a fixed order, so that
// problems come out in the same order every time.
func columns(m *bank.CSVMapping) []column {
	c := []column{
		{"date", "date", m.Date},
		{"value_date", "value_date", m.ValueDate},
		{"amount", "amount", m.Amount},
		{"debit", "debit", m.Debit},
		{"credit", "credit", m.Credit},
		{"direction_column", "direction_column", m.DirectionColumn},
	}
	c = append(c, descriptionColumns(m)...)
	return append(c,
		column{"reference", "reference", m.Reference},
		column{"counterparty", "counterparty", m.Counterparty},
		column{"counter_iban", "counter_iban", m.CounterIBAN},
		column{"balance", "balance", m.Balance},
		column{"iban", "iban", m.IBAN},
		column{"currency", "currency", m.Currency},
	)
}

// descriptionColumns returns the description's columns: "description"
// for one, "description[i]" (from 0, keys "description.i") for several.
func descriptionColumns(m *bank.CSVMapping) []column {
	if len(m.Description) == 1 {
		return []column{{"description", "description", m.Description[0]}}
	}
	var out []column
	for i, name := range m.Description {
		out = append(out, column{fmt.Sprintf("description[%d]", i), fmt.Sprintf("description.%d", i), name})
	}
	return out
}

func hasHeader(m *bank.CSVMapping) bool { return m.HasHeader == nil || *m.HasHeader }

func delimiter(m *bank.CSVMapping) string {
	if m.Delimiter == "" {
		return ","
	}
	return m.Delimiter
}

// Check validates a mapping on its own, before any file is read.
func Check(m *bank.CSVMapping) error {
	var p ledger.Problems
	if m == nil {
		p.Add("", ledger.ReasonFieldRequired, "a CSV mapping is required")
		return p.Err()
	}
	switch delimiter(m) {
	case ",", ";", "\t", "|":
	default:
		p.Add("delimiter", ledger.ReasonDelimiterInvalid, "delimiter %q is not one of \",\", \";\", tab or \"|\"", m.Delimiter)
	}
	switch {
	case m.DateFormat == "":
		p.Add("date_format", ledger.ReasonFieldRequired, "date_format is required; one of %s", strings.Join(DateFormats, ", "))
	case dateLayouts[m.DateFormat] == "":
		p.Add("date_format", ledger.ReasonDateFormatInvalid, "date_format %q is not one of %s", m.DateFormat, strings.Join(DateFormats, ", "))
	}
	if m.SkipRows < 0 || m.SkipRows > MaxSkipRows {
		p.Add("skip_rows", ledger.ReasonSkipRowsInvalid, "skip_rows %d is not between 0 and %d", m.SkipRows, MaxSkipRows)
	}
	if strings.TrimSpace(m.Date) == "" {
		p.Add("date", ledger.ReasonFieldRequired, "date (the booking date column) is required")
	}
	if !slices.Contains(Encodings, encoding(m)) {
		p.Add("encoding", ledger.ReasonEncodingInvalid, "encoding %q is not one of %s", m.Encoding, strings.Join(Encodings, ", "))
	}
	if len(m.Description) > MaxDescriptionColumns {
		p.Add("description", ledger.ReasonColumnInvalid, "description names %d columns; at most %d are joined", len(m.Description), MaxDescriptionColumns)
	} else if len(m.Description) > 1 {
		for _, c := range descriptionColumns(m) {
			if strings.TrimSpace(c.name) == "" {
				p.Add(c.field, ledger.ReasonFieldRequired, "%s is empty; name a column or leave it out of the list", c.field)
			}
		}
	}
	checkAmountMapping(m, &p)
	if !hasHeader(m) {
		for _, c := range columns(m) {
			if c.name == "" {
				continue
			}
			if n, err := strconv.Atoi(strings.TrimSpace(c.name)); err != nil || n < 1 {
				p.Add(c.field, ledger.ReasonColumnInvalid, "%s is %q, but a file without a header names its columns by number from 1 (\"3\")", c.field, c.name)
			}
		}
	}
	return p.Err()
}

// checkAmountMapping allows exactly one of the three ways a bank writes an
// amount: one signed column; one unsigned column and a direction column;
// a debit and a credit column.
func checkAmountMapping(m *bank.CSVMapping, p *ledger.Problems) {
	amount := strings.TrimSpace(m.Amount) != ""
	debit := strings.TrimSpace(m.Debit) != ""
	credit := strings.TrimSpace(m.Credit) != ""
	direction := strings.TrimSpace(m.DirectionColumn) != ""
	debitValue := strings.TrimSpace(m.DebitValue) != ""
	creditValue := strings.TrimSpace(m.CreditValue) != ""
	switch {
	case amount && (debit || credit):
		p.Add("amount", ledger.ReasonAmountMappingInvalid, "map either amount or the debit and credit columns, not both")
	case amount:
		if direction && !debitValue {
			p.Add("debit_value", ledger.ReasonAmountMappingInvalid, "direction_column %q needs debit_value, the value that marks money out (e.g. \"Af\")", m.DirectionColumn)
		}
		if direction && !creditValue {
			p.Add("credit_value", ledger.ReasonAmountMappingInvalid, "direction_column %q needs credit_value, the value that marks money in (e.g. \"Bij\")", m.DirectionColumn)
		}
		if direction && debitValue && creditValue && strings.EqualFold(strings.TrimSpace(m.DebitValue), strings.TrimSpace(m.CreditValue)) {
			p.Add("credit_value", ledger.ReasonAmountMappingInvalid, "debit_value and credit_value are both %q", m.DebitValue)
		}
		if !direction && (debitValue || creditValue) {
			p.Add("direction_column", ledger.ReasonAmountMappingInvalid, "debit_value or credit_value is set but direction_column is not")
		}
	case debit != credit:
		if debit {
			p.Add("credit", ledger.ReasonAmountMappingInvalid, "debit is mapped but credit is not; map both, or one signed amount column")
		} else {
			p.Add("debit", ledger.ReasonAmountMappingInvalid, "credit is mapped but debit is not; map both, or one signed amount column")
		}
	case debit && credit:
		if direction || debitValue || creditValue {
			p.Add("direction_column", ledger.ReasonAmountMappingInvalid, "direction_column goes with amount, not with debit and credit columns")
		}
	default:
		p.Add("amount", ledger.ReasonAmountMappingInvalid, "map the amount: one signed amount column, an amount with a direction column, or debit and credit columns")
	}
}

// layout holds the resolved column indexes (-1: not mapped) and display
// names of a mapping for one file.
type layout struct {
	idx   map[string]int    // field -> 0-based column index
	names map[string]string // field -> column name for messages
	need  int               // the number of columns a data row must have
}

func (l *layout) has(field string) bool { return l.idx[field] >= 0 }

// get returns the trimmed value of field in rec ("" when not mapped).
func (l *layout) get(rec []string, field string) string {
	i := l.idx[field]
	if i < 0 {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

// where names a cell for a problem path: line 12, column "Bedrag".
func (l *layout) where(line int, field string) string {
	return fmt.Sprintf("line %d, column %q", line, l.names[field])
}

// row is a data row being read, before the statement order is known.
type row struct {
	line   int
	pl     bank.ParsedLine
	amount int64
}

// Parse reads a CSV export with mapping m. currency is the bank account's
// currency: it gives the amounts' number of decimals, and a Currency
// column that states another one is refused.
func Parse(r io.Reader, m *bank.CSVMapping, currency string) (*bank.ParsedStatement, error) {
	sts, err := parse(r, m, currency, false)
	if err != nil {
		return nil, err
	}
	return &sts[0], nil
}

// ParseAccounts reads a CSV export of several accounts (an "all accounts"
// export) with mapping m: one statement per own IBAN (the mapping's iban
// column, required), in the order each IBAN first appears, each read as
// Parse reads a file of one account (its own order, its own running
// balance). Every row must name its account (iban_missing). currency is
// that of the bank account whose mapping reads the file: the amounts'
// decimals, and each statement's Currency, so that an account in another
// currency refuses its part.
func ParseAccounts(r io.Reader, m *bank.CSVMapping, currency string) ([]bank.ParsedStatement, error) {
	if err := Check(m); err != nil {
		return nil, err
	}
	if strings.TrimSpace(m.IBAN) == "" {
		var p ledger.Problems
		p.Add("csv_mapping.iban", ledger.ReasonFieldRequired, "the mapping names no iban column: a file of several accounts is routed by it")
		return nil, p.Err()
	}
	return parse(r, m, currency, true)
}

func parse(r io.Reader, m *bank.CSVMapping, currency string, split bool) ([]bank.ParsedStatement, error) {
	if err := Check(m); err != nil {
		return nil, err
	}
	currency = strings.ToUpper(strings.TrimSpace(currency))
	exp, ok := money.Exponent(currency)
	if !ok {
		var p ledger.Problems
		p.Add("currency", ledger.ReasonCurrencyInvalid, "the bank account's currency %q is not a known ISO 4217 code", currency)
		return nil, p.Err()
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, ledger.Internal(err)
	}
	if cm := decoders[encoding(m)]; cm != nil {
		// A single-byte encoding decodes every byte; a NUL stays a NUL
		// and is refused below.
		if data, err = cm.NewDecoder().Bytes(data); err != nil {
			return nil, ledger.Internal(err)
		}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		var p ledger.Problems
		bad := bytes.Count(data[:firstInvalid(data)], []byte("\n")) + 1
		p.Add(fmt.Sprintf("line %d", bad), ledger.ReasonCSVNotUTF8, "the line is not UTF-8 text; export the file as UTF-8, or set the mapping's encoding to windows-1252 or iso-8859-1 if that is what the bank writes")
		return nil, p.Err()
	}
	// A NUL byte is no text any bank writes, and PostgreSQL cannot store it.
	if i := bytes.IndexByte(data, 0); i >= 0 {
		var p ledger.Problems
		p.Add(fmt.Sprintf("line %d", bytes.Count(data[:i], []byte("\n"))+1), ledger.ReasonCSVNotUTF8, "the line holds a NUL byte: the file is not a text export")
		return nil, p.Err()
	}

	// Skipped lines are taken off as raw lines, before the CSV reader sees
	// them: they are often account details that are not valid CSV.
	offset := 0
	for offset < m.SkipRows && len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			data = nil
		} else {
			data = data[i+1:]
		}
		offset++
	}

	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma, _ = utf8.DecodeRuneInString(delimiter(m))
	// Tab-separated exports (ABN AMRO's TXT) do not quote at all, so a '"'
	// in a description is text; comma and semicolon files quote properly,
	// and a stray quote there is a broken file.
	cr.LazyQuotes = cr.Comma == '\t'
	cr.FieldsPerRecord = -1

	var p ledger.Problems
	full := func() bool { return len(p) >= maxProblems }
	// next returns the next record that is not blank, with its line.
	next := func() ([]string, int, bool) {
		for {
			rec, err := cr.Read()
			if err == io.EOF {
				return nil, 0, false
			}
			if err != nil {
				var pe *csv.ParseError
				if errors.As(err, &pe) {
					line := pe.Line + offset
					p.Add(fmt.Sprintf("line %d", line), ledger.ReasonCSVInvalid, "not valid CSV: %v", pe.Err)
				} else {
					p.Add("", ledger.ReasonCSVInvalid, "the file is not valid CSV: %v", err)
				}
				return nil, 0, false
			}
			line, _ := cr.FieldPos(0)
			if !blank(rec) {
				return rec, line + offset, true
			}
		}
	}

	lay := &layout{idx: map[string]int{}, names: map[string]string{}}
	headerLine := 0
	if hasHeader(m) {
		header, line, ok := next()
		if !ok {
			if len(p) == 0 {
				p.Add("", ledger.ReasonCSVEmpty, "the file has no header line and no data rows")
			}
			return nil, p.Err()
		}
		headerLine = line
		resolveHeader(m, header, lay, &p)
		if len(p) > 0 {
			return nil, p.Err()
		}
	} else {
		for _, c := range columns(m) {
			lay.idx[c.key] = -1
			if c.name == "" {
				continue
			}
			n, _ := strconv.Atoi(strings.TrimSpace(c.name))
			lay.idx[c.key] = n - 1
			lay.names[c.key] = strconv.Itoa(n)
			lay.need = max(lay.need, n)
		}
	}

	var rows []row
	var fileIBAN, fileCurrency string
	ibanLine := 0
	ibans := map[int]string{} // split: the row's own IBAN, by line
	for !full() {
		rec, line, ok := next()
		if !ok {
			break
		}
		if len(rec) < lay.need {
			p.Add(fmt.Sprintf("line %d", line), ledger.ReasonCSVRowShort, "the row has %d columns; the mapping reads up to column %d", len(rec), lay.need)
			continue
		}
		rw, skip := parseRow(rec, line, m, lay, currency, exp, &p)
		if skip {
			continue
		}
		if split {
			iban := compact(lay.get(rec, "iban"))
			if iban == "" {
				p.Add(fmt.Sprintf("line %d", line), ledger.ReasonIBANMissing, "the row names no account in column %q; a file of several accounts is routed by it", lay.names["iban"])
			}
			ibans[line] = iban
		} else if lay.has("iban") {
			if iban := compact(lay.get(rec, "iban")); iban != "" {
				switch {
				case fileIBAN == "":
					fileIBAN, ibanLine = iban, line
				case iban != fileIBAN:
					p.Add(fmt.Sprintf("line %d", line), ledger.ReasonIBANMixed, "the row is for account %s, line %d for %s; a file must hold one account", iban, ibanLine, fileIBAN)
				}
			}
		}
		if lay.has("currency") && lay.get(rec, "currency") != "" {
			// parseRow refused any other currency than the account's.
			fileCurrency = currency
		}
		rows = append(rows, rw)
	}
	if len(p) > 0 {
		return nil, p.Err()
	}
	if len(rows) == 0 {
		where := "the file"
		if headerLine > 0 {
			where = fmt.Sprintf("the header on line %d", headerLine)
		}
		p.Add("", ledger.ReasonCSVEmpty, "the file has no data rows after %s (rows with a zero amount are not counted)", where)
		return nil, p.Err()
	}

	if !split {
		st, err := statement(rows, lay, exp)
		if err != nil {
			return nil, err
		}
		st.IBAN, st.Currency = fileIBAN, fileCurrency
		return []bank.ParsedStatement{*st}, nil
	}
	var order []string
	groups := map[string][]row{}
	for _, rw := range rows {
		iban := ibans[rw.line]
		if _, ok := groups[iban]; !ok {
			order = append(order, iban)
		}
		groups[iban] = append(groups[iban], rw)
	}
	out := make([]bank.ParsedStatement, 0, len(order))
	for _, iban := range order {
		st, err := statement(groups[iban], lay, exp)
		if err != nil {
			return nil, err
		}
		st.IBAN, st.Currency = iban, currency
		out = append(out, *st)
	}
	return out, nil
}

// statement makes the rows of one account a statement.
func statement(rows []row, lay *layout, exp int) (*bank.ParsedStatement, error) {
	// Exports differ in order; a statement is oldest first, so a file that
	// starts after it ends is read backwards. Rows within a newest-first
	// day then come in reverse too, which the running balance needs.
	// With a balance column the balances tell the order: a newest-first
	// export of one day has no dates to tell it by.
	newestFirst := rows[0].pl.BookingDate.After(rows[len(rows)-1].pl.BookingDate)
	if lay.has("balance") && !newestFirst && !followOn(rows) && followOn(reversed(rows)) {
		newestFirst = true
	}
	if newestFirst {
		rows = reversed(rows)
	}

	// Sized at once: a file of short rows would otherwise allocate its
	// lines several times over while the slice grows.
	st := &bank.ParsedStatement{Lines: make([]bank.ParsedLine, 0, len(rows))}
	st.From, st.To = rows[0].pl.BookingDate, rows[0].pl.BookingDate
	for _, rw := range rows {
		d := rw.pl.BookingDate
		if d.Before(st.From) {
			st.From = d
		}
		if d.After(st.To) {
			st.To = d
		}
		st.Lines = append(st.Lines, rw.pl)
	}
	if lay.has("balance") {
		if err := checkBalances(st, rows, exp); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// reversed returns the rows in the other order.
func reversed(rows []row) []row {
	out := make([]row, len(rows))
	for i, r := range rows {
		out[len(rows)-1-i] = r
	}
	return out
}

// followOn reports whether every row's balance is the one before it plus
// its amount, in the order given.
func followOn(rows []row) bool {
	for k := 1; k < len(rows); k++ {
		want, ok := money.Add(*rows[k-1].pl.Balance, rows[k].amount)
		if !ok || want != *rows[k].pl.Balance {
			return false
		}
	}
	return true
}

// checkBalances sets the opening and closing balances from the balance
// column and requires every row's balance to follow from the previous one:
// a gap means a row is missing or an amount was misread.
func checkBalances(st *bank.ParsedStatement, rows []row, exp int) error {
	var p ledger.Problems
	first := rows[0]
	opening, ok := money.Add(*first.pl.Balance, -first.amount)
	if !ok {
		p.Add(fmt.Sprintf("line %d", first.line), ledger.ReasonBalanceMismatch, "the balance is out of range")
		return p.Err()
	}
	prev := opening
	for _, rw := range rows {
		want, ok := money.Add(prev, rw.amount)
		if !ok || want != *rw.pl.Balance {
			p.Add(fmt.Sprintf("line %d", rw.line), ledger.ReasonBalanceMismatch,
				"the balance after the row is %s, but the previous balance %s plus the amount %s is %s; is a row missing?",
				money.Format(*rw.pl.Balance, exp), money.Format(prev, exp), money.Format(rw.amount, exp), money.Format(want, exp))
			return p.Err()
		}
		prev = want
	}
	closing := prev
	st.Opening, st.Closing = &opening, &closing
	return nil
}

// resolveHeader finds each mapped column in the header, by name, ignoring
// case and surrounding spaces.
func resolveHeader(m *bank.CSVMapping, header []string, lay *layout, p *ledger.Problems) {
	pos := map[string]int{}
	var quoted []string
	for i, h := range header {
		key := strings.ToLower(strings.TrimSpace(h))
		if _, dup := pos[key]; !dup {
			pos[key] = i
		}
		quoted = append(quoted, strconv.Quote(strings.TrimSpace(h)))
	}
	for _, c := range columns(m) {
		lay.idx[c.key] = -1
		if c.name == "" {
			continue
		}
		i, ok := pos[strings.ToLower(strings.TrimSpace(c.name))]
		if !ok {
			p.Add(c.field, ledger.ReasonCSVColumnMissing, "the mapping's %s column %q is not in the file's header; the header has %s", c.field, c.name, strings.Join(quoted, ", "))
			continue
		}
		lay.idx[c.key] = i
		lay.names[c.key] = strings.TrimSpace(header[i])
		lay.need = max(lay.need, i+1)
	}
}

// parseRow reads one data row. skip is true when the row is left out: it
// has a problem (recorded in p) or a zero amount, which banks export as
// information (a fee waived, a card check) and which books nothing.
func parseRow(rec []string, line int, m *bank.CSVMapping, lay *layout, currency string, exp int, p *ledger.Problems) (row, bool) {
	before := len(*p)
	rw := row{line: line}
	pl := &rw.pl
	pl.Where = fmt.Sprintf("line %d", line)

	pl.BookingDate = parseDate(lay.get(rec, "date"), line, "date", m, lay, p)
	if lay.has("value_date") {
		if v := lay.get(rec, "value_date"); v != "" {
			pl.ValueDate = parseDate(v, line, "value_date", m, lay, p)
		}
	}

	if lay.has("currency") {
		if c := strings.ToUpper(lay.get(rec, "currency")); c != "" && c != currency {
			p.Add(fmt.Sprintf("line %d", line), ledger.ReasonCurrencyMismatch, "the row is in %s, but the bank account is in %s", c, currency)
		}
	}

	amount, zero := rowAmount(rec, line, m, lay, exp, p)
	rw.amount = amount
	pl.AmountMinor = amount

	if lay.has("balance") {
		v := lay.get(rec, "balance")
		b, err := parseAmount(v, m.DecimalComma, exp)
		if err != nil {
			p.Add(lay.where(line, "balance"), err.reason, "balance %q: %s", v, err.msg)
		} else {
			pl.Balance = &b
		}
	}

	pl.BankRef = lay.get(rec, "reference")
	pl.Counterparty = collapse(lay.get(rec, "counterparty"))
	pl.CounterIBAN = compact(lay.get(rec, "counter_iban"))
	var desc []string
	for _, c := range descriptionColumns(m) {
		if v := collapse(lay.get(rec, c.key)); v != "" {
			desc = append(desc, v)
		}
	}
	pl.Remittance = strings.Join(desc, " ")
	return rw, len(*p) > before || zero
}

// rowAmount reads the signed amount of a row in whichever of the three
// layouts the mapping uses. zero reports a row whose amount is zero.
func rowAmount(rec []string, line int, m *bank.CSVMapping, lay *layout, exp int, p *ledger.Problems) (amount int64, zero bool) {
	if lay.has("amount") {
		v := lay.get(rec, "amount")
		a, err := parseAmount(v, m.DecimalComma, exp)
		if err != nil {
			p.Add(lay.where(line, "amount"), err.reason, "amount %q: %s", v, err.msg)
			return 0, false
		}
		if lay.has("direction_column") {
			// The amount is unsigned; a sign a bank adds anyway is
			// dropped so that the direction alone decides.
			if a < 0 {
				a = -a
			}
			switch dir := lay.get(rec, "direction_column"); {
			case strings.EqualFold(dir, strings.TrimSpace(m.DebitValue)):
				a = -a
			case strings.EqualFold(dir, strings.TrimSpace(m.CreditValue)):
			default:
				p.Add(lay.where(line, "direction_column"), ledger.ReasonDirectionInvalid, "direction %q is neither %q (money out) nor %q (money in)", dir, m.DebitValue, m.CreditValue)
				return 0, false
			}
		}
		return a, a == 0
	}
	dv, cv := lay.get(rec, "debit"), lay.get(rec, "credit")
	var d, c int64
	if dv != "" {
		var err *amountError
		if d, err = parseAmount(dv, m.DecimalComma, exp); err != nil {
			p.Add(lay.where(line, "debit"), err.reason, "debit %q: %s", dv, err.msg)
			return 0, false
		}
		if d < 0 { // some banks write money out as negative in the debit column
			d = -d
		}
	}
	if cv != "" {
		var err *amountError
		if c, err = parseAmount(cv, m.DecimalComma, exp); err != nil {
			p.Add(lay.where(line, "credit"), err.reason, "credit %q: %s", cv, err.msg)
			return 0, false
		}
		if c < 0 {
			p.Add(lay.where(line, "credit"), ledger.ReasonAmountInvalid, "credit %q is negative; money out belongs in the debit column", cv)
			return 0, false
		}
	}
	// A zero in the unused column ("0,00") counts as empty.
	switch {
	case dv == "" && cv == "":
		p.Add(fmt.Sprintf("line %d", line), ledger.ReasonAmountInvalid, "the row has neither a debit (%q) nor a credit (%q) amount", lay.names["debit"], lay.names["credit"])
		return 0, false
	case d != 0 && c != 0:
		p.Add(fmt.Sprintf("line %d", line), ledger.ReasonAmountInvalid, "the row has both a debit (%s) and a credit (%s) amount", dv, cv)
		return 0, false
	case d != 0:
		return -d, false
	default:
		return c, c == 0
	}
}

func parseDate(v string, line int, field string, m *bank.CSVMapping, lay *layout, p *ledger.Problems) ledger.Date {
	if v == "" {
		p.Add(lay.where(line, field), ledger.ReasonDateInvalid, "the %s is empty; expected a date in the format %s", strings.ReplaceAll(field, "_", " "), m.DateFormat)
		return ledger.Date{}
	}
	t, err := time.Parse(dateLayouts[m.DateFormat], v)
	if err == nil {
		var d ledger.Date
		if d, err = ledger.ParseDate(t.Format("2006-01-02")); err == nil {
			return d
		}
	}
	p.Add(lay.where(line, field), ledger.ReasonDateInvalid, "%q is not a date in the format %s", v, m.DateFormat)
	return ledger.Date{}
}

type amountError struct {
	reason ledger.Reason
	msg    string
}

// parseAmount reads a signed amount as banks write it: an optional + or -,
// digits with the decimal separator the mapping says (comma or point) and
// optionally the other character as a thousands separator in groups of
// three. The strict grouping is what catches a wrong decimal_comma
// setting: "1.50" with decimal_comma is refused, not read as 150.
func parseAmount(v string, decimalComma bool, exp int) (int64, *amountError) {
	s := strings.TrimSpace(v)
	if s == "" {
		return 0, &amountError{ledger.ReasonAmountInvalid, "the amount is empty"}
	}
	neg := false
	switch s[0] {
	case '-':
		neg, s = true, s[1:]
	case '+':
		s = s[1:]
	}
	dec, thou := ".", ","
	if decimalComma {
		dec, thou = ",", "."
	}
	intPart, frac, hasFrac := strings.Cut(s, dec)
	if hasFrac && (frac == "" || !digits(frac)) {
		return 0, badAmount(decimalComma)
	}
	if strings.Contains(intPart, thou) {
		groups := strings.Split(intPart, thou)
		if len(groups[0]) < 1 || len(groups[0]) > 3 || !digits(groups[0]) {
			return 0, badAmount(decimalComma)
		}
		for _, g := range groups[1:] {
			if len(g) != 3 || !digits(g) {
				return 0, badAmount(decimalComma)
			}
		}
		intPart = strings.Join(groups, "")
	}
	if intPart == "" || !digits(intPart) {
		return 0, badAmount(decimalComma)
	}
	plain := intPart
	if hasFrac {
		plain += "." + frac
	}
	if strings.Trim(intPart+frac, "0") == "" {
		return 0, nil
	}
	n, err := money.ParseAmount(plain, exp)
	if err != nil {
		var ae *money.AmountError
		if errors.As(err, &ae) {
			return 0, &amountError{ledger.Reason(ae.Reason), ae.Message}
		}
		return 0, &amountError{ledger.ReasonAmountInvalid, err.Error()}
	}
	if neg {
		n = -n
	}
	return n, nil
}

func badAmount(decimalComma bool) *amountError {
	if decimalComma {
		return &amountError{ledger.ReasonAmountInvalid, "not an amount with a decimal comma like \"-1.234,56\""}
	}
	return &amountError{ledger.ReasonAmountInvalid, "not an amount with a decimal point like \"-1,234.56\""}
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// collapse trims s and turns each run of white space into one space:
// exports pad fixed-width description fields.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// compact upper-cases an IBAN and removes its spaces.
func compact(s string) string {
	return strings.ToUpper(strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s))
}

// firstInvalid returns the offset of the first byte that is not valid UTF-8.
func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(b)
}
