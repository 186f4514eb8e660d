package camt053

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"backoffice/ledger"
	"backoffice/ledger/bank"
	"backoffice/ledger/fuzzcheck"
	"backoffice/ledger/money"
)

// parseBound is Parse's allocation budget. Measured: any input costs
// about 5 KiB (the decoder's buffers), 60 elements nested deep about
// 40 KiB (their paths); the sample files allocate 9 to 22 bytes per input
// byte, and the densest shapes tried (runs of empty or attribute-laden
// elements such as <Bal/><Bal/>..., each a token, a name and a node) about
// 60. Four times that leaves room for shapes the seeds do not have; a
// parser that held on to what it should drop, or blew one element up into
// many, exceeds it on the inputs the fuzzer grows.
var parseBound = fuzzcheck.Bound{Base: 256 << 10, PerByte: 250}

// versionRe finds the namespace's version, to seed every supported one.
var versionRe = regexp.MustCompile(`camt\.053\.001\.[0-9]{2}`)

// FuzzParse: Parse either refuses a file with problems from the one list of
// reasons, or returns statements whose figures an independent reading of
// the same XML (encoding/xml into plain structs) agrees with: the same
// IBAN and currency, the same opening and closing balances, the same booked
// lines in the same order with the same amounts, dates in the ledger's
// range and a period that does not end before it starts, a known
// currency, amounts within money.MaxMinor, and a running balance that
// fits int64.
//
// Whether a statement adds up (opening + lines == closing) is not Parse's
// to decide: the package leaves it to the import, which answers
// statement_unbalanced (testdata/bank/bad/unbalanced.xml parses, and the
// import refuses it). The target works the sum out itself from the file's
// figures and requires it to add up exactly when the parsed lines do, so
// that a line dropped, doubled or misread shows either way.
func FuzzParse(f *testing.F) {
	root := filepath.Join("..", "..", "..", "testdata", "bank")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".xml" {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f.Add(raw)
		// The same file under every supported version, so that the
		// fuzzer starts from each: weeks 1 and 2 are shaped as 001.02,
		// weeks 3 and 4 as 001.08, and both shapes go under every number.
		if versionRe.Match(raw) {
			for v := 2; v <= 13; v++ {
				f.Add(versionRe.ReplaceAll(raw, fmt.Appendf(nil, "camt.053.001.%02d", v)))
			}
		}
		return nil
	})
	if err != nil {
		f.Fatal(err)
	}
	// The tests' sample week, in each version's own shape (Sts as text in
	// 001.02, Sts/Cd and Pty/Nm from 001.08 on).
	for v := 2; v <= 13; v++ {
		f.Add([]byte(sample(fmt.Sprintf("%02d", v))))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzcheck.Input(t, len(data))
		var stmts []bank.ParsedStatement
		var perr error
		if err := parseBound.Run(len(data), func() { stmts, perr = Parse(bytes.NewReader(data)) }); err != nil {
			t.Fatal(err)
		}
		if perr != nil {
			checkProblem(t, perr)
			if stmts != nil {
				t.Fatalf("Parse returned %d statements with its error", len(stmts))
			}
			return
		}
		want, err := readIndependently(data)
		if err != nil {
			t.Fatalf("Parse accepted a file encoding/xml cannot read: %v", err)
		}
		if len(stmts) != len(want) || len(stmts) == 0 {
			t.Fatalf("Parse returned %d statements, the file has %d <Stmt>", len(stmts), len(want))
		}
		for i := range stmts {
			checkStatement(t, i+1, &stmts[i], &want[i])
		}
	})
}

// checkProblem: a refusal is a ledger invalid error listing at most
// maxProblems problems, each with a reason of the one list and a message,
// the first one's reason being the error's.
func checkProblem(t *testing.T, err error) {
	t.Helper()
	var e *ledger.Error
	if !errors.As(err, &e) {
		t.Fatalf("Parse failed with an untyped error %T: %v", err, err)
	}
	if e.Code != ledger.CodeInvalid || !e.Reason.Known() || e.Message == "" {
		t.Fatalf("Parse failed with code %q, reason %q (known: %v): %v", e.Code, e.Reason, e.Reason.Known(), err)
	}
	if len(e.Fields) == 0 || len(e.Fields) > maxProblems || e.Fields[0].Reason != e.Reason {
		t.Fatalf("Parse failed with %d problems (first %+v) for reason %s", len(e.Fields), e.Fields, e.Reason)
	}
	for _, fe := range e.Fields {
		if !fe.Reason.Known() || fe.Message == "" {
			t.Fatalf("problem %+v has no known reason or no message", fe)
		}
	}
}

// The independent reading: only the elements whose figures are checked.
// Every repeated element is a slice, and the checks take its first, as the
// schema has one of each.
type xDoc struct {
	Stmts []xStmt `xml:"BkToCstmrStmt>Stmt"`
}

type xStmt struct {
	Acct []struct {
		Ccy []string `xml:"Ccy"`
		Id  []struct {
			IBAN []string `xml:"IBAN"`
		} `xml:"Id"`
	} `xml:"Acct"`
	Bal  []xBal  `xml:"Bal"`
	Ntry []xNtry `xml:"Ntry"`
}

type xAmt struct {
	Ccy  string `xml:"Ccy,attr"`
	Text string `xml:",chardata"`
}

type xBal struct {
	Tp []struct {
		CdOrPrtry []struct {
			Cd []string `xml:"Cd"`
		} `xml:"CdOrPrtry"`
	} `xml:"Tp"`
	Amt       []xAmt   `xml:"Amt"`
	CdtDbtInd []string `xml:"CdtDbtInd"`
}

type xNtry struct {
	Amt       []xAmt   `xml:"Amt"`
	CdtDbtInd []string `xml:"CdtDbtInd"`
	Sts       []struct {
		Cd    []string `xml:"Cd"`
		Prtry []string `xml:"Prtry"`
		Text  string   `xml:",chardata"`
	} `xml:"Sts"`
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return strings.TrimSpace(s[0])
}

// readIndependently decodes the file with encoding/xml (its own charset
// handling left to Parse's reader, which both share: Parse refuses the
// rest).
func readIndependently(data []byte) ([]xStmt, error) {
	var d xDoc
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.CharsetReader = charsetReader
	if err := dec.Decode(&d); err != nil {
		return nil, err
	}
	return d.Stmts, nil
}

// minorOf reads an amount as big.Rat and scales it to minor units: the
// test's own arithmetic, not money.ParseAmount's.
func minorOf(t *testing.T, where string, amt []xAmt, cdi []string, ccy string, exp int) *big.Int {
	t.Helper()
	if len(amt) == 0 {
		t.Fatalf("%s: Parse accepted it without an Amt", where)
	}
	if c := strings.ToUpper(strings.TrimSpace(amt[0].Ccy)); c != ccy {
		t.Fatalf("%s: Parse accepted an amount in %q on a statement in %s", where, c, ccy)
	}
	r, ok := new(big.Rat).SetString(strings.TrimSpace(amt[0].Text))
	if !ok {
		t.Fatalf("%s: Parse accepted the amount %q, which is no number", where, amt[0].Text)
	}
	r.Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(exp)), nil)))
	if !r.IsInt() {
		t.Fatalf("%s: Parse accepted %q, which has more than %d decimals", where, amt[0].Text, exp)
	}
	switch first(cdi) {
	case "CRDT":
		return r.Num()
	case "DBIT":
		return r.Num().Neg(r.Num())
	}
	t.Fatalf("%s: Parse accepted CdtDbtInd %q", where, first(cdi))
	return nil
}

func checkStatement(t *testing.T, n int, got *bank.ParsedStatement, x *xStmt) {
	t.Helper()
	exp, ok := money.Exponent(got.Currency)
	if !ok || len(got.Currency) != 3 || strings.ToUpper(got.Currency) != got.Currency {
		t.Fatalf("statement %d: currency %q is not an ISO 4217 code", n, got.Currency)
	}
	if c := first(firstAcct(x)); c != "" && strings.ToUpper(c) != got.Currency {
		t.Fatalf("statement %d: currency %q, the file's Acct/Ccy says %q", n, got.Currency, c)
	}
	// The import checks the IBAN against the bank account only when the
	// statement names one: it must be the file's, wherever Acct stands.
	iban := ""
	if len(x.Acct) > 0 && len(x.Acct[0].Id) > 0 {
		iban = strings.ToUpper(strings.Join(strings.Fields(first(x.Acct[0].Id[0].IBAN)), ""))
	}
	if got.IBAN != iban {
		t.Fatalf("statement %d: IBAN %q, the file's Acct/Id/IBAN says %q", n, got.IBAN, iban)
	}
	checkDate(t, fmt.Sprintf("statement %d From", n), got.From, true)
	checkDate(t, fmt.Sprintf("statement %d To", n), got.To, true)
	if !got.From.IsZero() && !got.To.IsZero() && got.From.After(got.To) {
		t.Fatalf("statement %d: its period ends on %s, before it starts on %s", n, got.To, got.From)
	}

	// The balances: the first OPBD (else PRCD) and the first CLBD.
	var opening, prcd, closing *big.Int
	for i, b := range x.Bal {
		code := ""
		if len(b.Tp) > 0 && len(b.Tp[0].CdOrPrtry) > 0 {
			code = strings.ToUpper(first(b.Tp[0].CdOrPrtry[0].Cd))
		}
		v := minorOf(t, fmt.Sprintf("statement %d Bal[%d]", n, i+1), b.Amt, b.CdtDbtInd, got.Currency, exp)
		switch {
		case code == "OPBD" && opening == nil:
			opening = v
		case code == "PRCD" && prcd == nil:
			prcd = v
		case code == "CLBD" && closing == nil:
			closing = v
		}
	}
	if opening == nil {
		opening = prcd
	}
	if opening == nil || closing == nil {
		t.Fatalf("statement %d: Parse accepted it without an opening or closing booked balance", n)
	}
	same := func(what string, p *int64, want *big.Int) {
		if p == nil || big.NewInt(*p).Cmp(want) != 0 {
			t.Fatalf("statement %d: %s is %v, the file says %s", n, what, p, want)
		}
		if want.CmpAbs(big.NewInt(money.MaxMinor)) > 0 {
			t.Fatalf("statement %d: %s %s is beyond money.MaxMinor", n, what, want)
		}
	}
	same("opening balance", got.Opening, opening)
	same("closing balance", got.Closing, closing)

	// The booked entries of a non-zero amount, in file order.
	type line struct {
		where  string
		amount *big.Int
	}
	var booked []line
	for i, e := range x.Ntry {
		sts := ""
		if len(e.Sts) > 0 {
			s := e.Sts[0]
			if sts = first(s.Cd); sts == "" {
				if sts = first(s.Prtry); sts == "" {
					sts = strings.TrimSpace(s.Text)
				}
			}
		}
		if !strings.EqualFold(sts, "BOOK") {
			continue
		}
		where := fmt.Sprintf("Stmt[%d]/Ntry[%d]", n, i+1)
		if v := minorOf(t, where, e.Amt, e.CdtDbtInd, got.Currency, exp); v.Sign() != 0 {
			booked = append(booked, line{where, v})
		}
	}
	if len(got.Lines) != len(booked) {
		t.Fatalf("statement %d: %d lines, the file has %d booked entries of an amount", n, len(got.Lines), len(booked))
	}
	sum := new(big.Int).Set(opening)
	for i, l := range got.Lines {
		if l.Where != booked[i].where || big.NewInt(l.AmountMinor).Cmp(booked[i].amount) != 0 {
			t.Fatalf("statement %d line %d: %s %d, the file's booked entry is %s %s", n, i+1, l.Where, l.AmountMinor, booked[i].where, booked[i].amount)
		}
		if l.AmountMinor == 0 || l.AmountMinor > money.MaxMinor || l.AmountMinor < -money.MaxMinor {
			t.Fatalf("%s: amount %d is zero or beyond money.MaxMinor", l.Where, l.AmountMinor)
		}
		checkDate(t, l.Where+" booking date", l.BookingDate, false)
		checkDate(t, l.Where+" value date", l.ValueDate, true)
		// The import adds the lines to the opening balance in int64:
		// Parse promised that every step fits.
		if sum.Add(sum, booked[i].amount); !sum.IsInt64() {
			t.Fatalf("%s: the running balance %s overflows int64 and Parse accepted it", l.Where, sum)
		}
	}
	// Adds up by the file's own figures ⇔ adds up by the parsed lines.
	run := *got.Opening
	for _, l := range got.Lines {
		run += l.AmountMinor // every step fits: checked above
	}
	if (sum.Cmp(closing) == 0) != (run == *got.Closing) {
		t.Fatalf("statement %d: the file's figures add up to %s against closing %s, the parsed ones to %d against %d",
			n, sum, closing, run, *got.Closing)
	}
}

func firstAcct(x *xStmt) []string {
	if len(x.Acct) == 0 {
		return nil
	}
	return x.Acct[0].Ccy
}

// checkDate: a date is in the ledger's years, or zero where optional.
func checkDate(t *testing.T, what string, d ledger.Date, optional bool) {
	t.Helper()
	if d.IsZero() {
		if !optional {
			t.Fatalf("%s is missing", what)
		}
		return
	}
	if y := d.Year(); y < ledger.MinYear || y > ledger.MaxYear {
		t.Fatalf("%s %s is outside the years %d to %d", what, d, ledger.MinYear, ledger.MaxYear)
	}
}

// FuzzStatement fuzzes the figures of a statement rather than its bytes:
// byte mutations of XML are almost always refused as malformed, so the
// checks of balances, amounts, dates, statuses and currencies are reached
// by filling a well-formed template of each version with fuzzed text
// (escaped). The properties are FuzzParse's, and a file that is well-formed
// by construction is never refused as malformed.
func FuzzStatement(f *testing.F) {
	for v := uint8(2); v <= 13; v++ {
		f.Add(v, "EUR", "2026-03-01T00:00:00+01:00", "2026-03-07T23:59:59+01:00", "1000.00", "CRDT", "OPBD", "2226.00", "CRDT",
			"1234.50", "CRDT", "BOOK", "2026-03-02", "8.50", "DBIT", "BOOK", "2026-03-03T10:00:00")
	}
	f.Add(uint8(8|16), "EUR", "2026-03-01", "2026-03-02", "1.00", "CRDT", "OPBD", "3.00", "CRDT", "2.00", "CRDT", "BOOK", "2026-03-01", "1.00", "DBIT", "INFO", "2026-03-01")
	f.Add(uint8(8|16|32|64), "eur", "", "", "1.00", "CRDT", "OPBD", "3.00", "CRDT", "2.00", "CRDT", "BOOK", "2026-03-01", "1.00", "DBIT", "BOOK", "2026-03-01")
	f.Add(uint8(8), "JPY", "2026-03-01", "2026-03-01", "0", "DBIT", "PRCD", "5", "CRDT", "5", "CRDT", "BOOK", "2026-03-01", "7", "DBIT", "PDNG", "2026-03-01")
	f.Add(uint8(2), "BHD", "", "", "1.000", "CRDT", "OPBD", "0.500", "CRDT", "0.500", "DBIT", "book", "2026-02-28+01:00", "0.000", "CRDT", "BOOK", "2026-03-01Z")
	f.Fuzz(func(t *testing.T, v uint8, ccy, from, to, opening, openCdi, openCode, closing, closeCdi,
		amt1, cdi1, sts1, date1, amt2, cdi2, sts2, date2 string) {
		// The low four bits pick the version, the high ones the shape:
		// Acct after the entries (schema order broken), no Acct/Ccy (the
		// currency from a balance), no statement Id.
		version := fmt.Sprintf("%02d", 2+(v&15)%12)
		acctLast, noCcy, noID := v&16 != 0, v&32 != 0, v&64 != 0
		esc := func(s string) string {
			var b strings.Builder
			xml.EscapeText(&b, []byte(s))
			return b.String()
		}
		status := func(s string) string {
			if version == "02" {
				return "<Sts>" + esc(s) + "</Sts>"
			}
			return "<Sts><Cd>" + esc(s) + "</Cd></Sts>"
		}
		balance := func(code, amt, cdi string) string {
			return `<Bal><Tp><CdOrPrtry><Cd>` + esc(code) + `</Cd></CdOrPrtry></Tp><Amt Ccy="` + esc(ccy) + `">` + esc(amt) +
				`</Amt><CdtDbtInd>` + esc(cdi) + `</CdtDbtInd><Dt><Dt>2026-03-01</Dt></Dt></Bal>`
		}
		entry := func(amt, cdi, sts, date string) string {
			return `<Ntry><Amt Ccy="` + esc(ccy) + `">` + esc(amt) + `</Amt><CdtDbtInd>` + esc(cdi) + `</CdtDbtInd>` + status(sts) +
				`<BookgDt><DtTm>` + esc(date) + `</DtTm></BookgDt><AcctSvcrRef>R</AcctSvcrRef></Ntry>`
		}
		period := ""
		if from != "" || to != "" {
			period = `<FrToDt><FrDtTm>` + esc(from) + `</FrDtTm><ToDtTm>` + esc(to) + `</ToDtTm></FrToDt>`
		}
		acct := `<Acct><Id><IBAN>NL02ABNA0123456789</IBAN></Id><Ccy>` + esc(ccy) + `</Ccy></Acct>`
		if noCcy {
			acct = `<Acct><Id><IBAN>NL02ABNA0123456789</IBAN></Id></Acct>`
		}
		id := `<Id>S</Id>`
		if noID {
			id = ""
		}
		head, tail := id+period+acct, ""
		if acctLast {
			head, tail = id+period, acct
		}
		data := []byte(`<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.` + version +
			`"><BkToCstmrStmt><Stmt>` + head + balance(openCode, opening, openCdi) + balance("CLBD", closing, closeCdi) +
			entry(amt1, cdi1, sts1, date1) + entry(amt2, cdi2, sts2, date2) + tail + `</Stmt></BkToCstmrStmt></Document>`)
		fuzzcheck.Input(t, len(data))

		var stmts []bank.ParsedStatement
		var perr error
		if err := parseBound.Run(len(data), func() { stmts, perr = Parse(bytes.NewReader(data)) }); err != nil {
			t.Fatal(err)
		}
		if perr != nil {
			checkProblem(t, perr)
			if e := ledger.As(perr); e.Reason == ReasonMalformed {
				t.Fatalf("a well-formed file refused as malformed: %v\n%s", perr, data)
			}
			return
		}
		want, err := readIndependently(data)
		if err != nil || len(stmts) != 1 || len(want) != 1 {
			t.Fatalf("Parse returned %d statements; the file has one (%v)", len(stmts), err)
		}
		checkStatement(t, 1, &stmts[0], &want[0])
	})
}
