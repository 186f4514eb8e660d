// Package camt053 reads ISO 20022 bank statements (camt.053, the
// "BankToCustomerStatement" message, versions 001.02 to 001.13) into
// bank.ParsedStatement values. It checks what a file says about itself
// (well-formed, a statement, amounts and dates readable, one currency) and
// leaves everything that needs the books (continuity with the previous
// statement, lines adding up to the closing balance, the right account) to
// the store.
//
// The XML is read as a token stream with hard limits: no DOCTYPE at all (so
// no entity can be declared, let alone expanded: the "billion laughs" and
// external-entity attacks), a nesting depth, an element count and a byte
// cap.
package camt053

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"backoffice/ledger"
	"backoffice/ledger/bank"
)

// Reasons of the problems Parse reports, under the names this package has
// always used. The values are ledger's (ledger/reasons.go, the one list).
const (
	ReasonNotStatement     = ledger.ReasonCamtNotStatement  // another document: pain.001, camt.052/054, HTML, CSV...
	ReasonMalformed        = ledger.ReasonXMLMalformed      // not well-formed XML, or an unsupported encoding
	ReasonDoctype          = ledger.ReasonXMLDoctypeRefused // any <!DOCTYPE ...>: entities are never expanded
	ReasonTooDeep          = ledger.ReasonXMLTooDeep        // nesting deeper than MaxDepth
	ReasonTooLarge         = ledger.ReasonXMLTooLarge       // more than MaxBytes or MaxElements
	ReasonBalanceMissing   = ledger.ReasonBalanceMissing    // no opening (OPBD/PRCD) or closing (CLBD) booked balance
	ReasonCurrencyInvalid  = ledger.ReasonCurrencyInvalid   // not an ISO 4217 code, or no currency at all
	ReasonCurrencyMismatch = ledger.ReasonCurrencyMismatch  // a balance or entry in another currency than the account
	ReasonAmountInvalid    = ledger.ReasonAmountInvalid     // not a plain decimal, zero entry, too many decimals, no CRDT/DBIT
	ReasonAmountTooLarge   = ledger.ReasonAmountTooLarge    // an amount or running total that does not fit int64 safely
	ReasonDateMissing      = ledger.ReasonDateMissing       // an entry without a booking date
	ReasonDateInvalid      = ledger.ReasonDateInvalid       // a date that is not YYYY-MM-DD (or a date-time starting with one)
	ReasonStatusMissing    = ledger.ReasonStatusMissing     // an entry without Sts: booked or not cannot be told
)

// Limits. A real statement nests about 12 deep; a month of a busy account
// is a few MiB.
const (
	MaxBytes    = 32 << 20
	MaxDepth    = 64
	MaxElements = 1_000_000
	// MaxKept bounds the elements of one statement held at once: its
	// header and the entry being read (entries are dropped as they close).
	// A batch entry of some 10,000 transactions fits; a statement padded
	// with elements outside its entries does not, so that a small file
	// cannot make the parser hold hundreds of megabytes.
	MaxKept     = 200_000
	maxProblems = 20
)

// namespace is the camt.053 target namespace; the versions 02 to 13 share
// the parts read here.
var namespace = regexp.MustCompile(`^urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.([0-9]{2})$`)

// errTooLarge marks the byte cap inside the decoder's read errors.
var errTooLarge = errors.New("camt053: file over the size limit")

// Parse reads every <Stmt> of a camt.053 file. Only booked entries become
// lines; pending and information-only ones are not on the booked balance.
// Problems come back as a ledger invalid error whose Fields name the
// element path (and line) of each; other errors are the reader's own.
func Parse(r io.Reader) ([]bank.ParsedStatement, error) {
	lr := &limitedReader{r: r, left: MaxBytes}
	d := xml.NewDecoder(lr)
	d.Strict = true
	d.CharsetReader = charsetReader

	var (
		stmts    []bank.ParsedStatement
		probs    problems
		stack    []frame // one per open element
		cur      *statement
		elements int
		nStmt    int
		rooted   bool
	)
	for {
		// The position before a token is where it starts: an element's
		// line is that of its start tag.
		line, _ := d.InputPos()
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			if lr.err != nil {
				if errors.Is(lr.err, errTooLarge) {
					return nil, single(pathOf(stack), ledger.ReasonXMLTooLarge, "the file is larger than %d MiB", MaxBytes>>20)
				}
				return nil, lr.err
			}
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return nil, single(fmt.Sprintf("%s (line %d)", pathOf(stack), se.Line), ledger.ReasonXMLMalformed,
					"the file is not well-formed XML at line %d: %s", se.Line, se.Msg)
			}
			// The decoder's other errors are about the declared encoding.
			return nil, single(pathOf(stack), ledger.ReasonXMLMalformed, "the file cannot be read as XML: %v", err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			s := strings.ToLower(strings.Join(strings.Fields(string(t)), " "))
			if strings.HasPrefix(s, "doctype html") {
				return nil, single(fmt.Sprintf("line %d", line), ledger.ReasonCamtNotStatement,
					"the file is an HTML page, not a camt.053 bank statement")
			}
			return nil, single(fmt.Sprintf("line %d", line), ledger.ReasonXMLDoctypeRefused,
				"the file has a <!DOCTYPE> declaration; camt.053 files have none, and entity declarations are refused")
		case xml.StartElement:
			elements++
			if elements > MaxElements {
				return nil, single(pathOf(stack), ledger.ReasonXMLTooLarge, "the file has more than %d elements", MaxElements)
			}
			if len(stack) >= MaxDepth {
				return nil, single(fmt.Sprintf("%s (line %d)", pathOf(stack), line), ledger.ReasonXMLTooDeep,
					"elements are nested more than %d deep at line %d", MaxDepth, line)
			}
			var f frame
			switch len(stack) {
			case 0:
				if rooted {
					return nil, single(fmt.Sprintf("line %d", line), ledger.ReasonXMLMalformed, "a second root element <%s> at line %d", t.Name.Local, line)
				}
				rooted = true
				if err := checkRoot(t.Name); err != nil {
					return nil, err
				}
				f.path = "Document"
			case 1:
				if t.Name.Local != "BkToCstmrStmt" {
					return nil, single(fmt.Sprintf("Document/%s (line %d)", t.Name.Local, line), ledger.ReasonCamtNotStatement,
						"the document holds <%s>, not <BkToCstmrStmt>: it is not a bank statement", t.Name.Local)
				}
				f.path = "Document/BkToCstmrStmt"
			case 2:
				f.path = "Document/BkToCstmrStmt/" + t.Name.Local
				if t.Name.Local == "Stmt" {
					nStmt++
					f.path = fmt.Sprintf("Document/BkToCstmrStmt/Stmt[%d]", nStmt)
					f.n = &node{name: "Stmt", base: f.path, line: line}
					cur = &statement{n: f.n, index: nStmt}
				}
			default:
				parent := stack[len(stack)-1]
				if parent.n != nil && read[t.Name.Local] {
					if cur.kept++; cur.kept > MaxKept {
						return nil, single(fmt.Sprintf("%s (line %d)", pathOf(stack), line), ledger.ReasonXMLTooLarge,
							"statement %d holds more than %d elements at once outside its closed entries", cur.index, MaxKept)
					}
					f.n = parent.n.add(t.Name.Local, t.Attr, line)
				} else {
					// Outside a <Stmt>, or an element nothing reads
					// (AmtDtls, RltdAgts, TxsSummry...): skipped, with
					// its whole subtree.
					f.path = pathOf(stack) + "/" + t.Name.Local
				}
			}
			stack = append(stack, f)
		case xml.CharData:
			if len(stack) > 0 {
				// An element's text is all of its own character data, from
				// the first that is not white space (the indentation
				// between elements is not kept). Text after a child
				// element is kept too: <Amt>1.00<Cd/>7</Amt> reads as
				// "1.007" and is refused, never as 1.00 (regression case:
				// testdata/fuzz/FuzzParse/amount-mixed-content).
				if n := stack[len(stack)-1].n; n != nil && (len(n.text) > 0 || len(bytes.TrimSpace(t)) > 0) {
					n.text = append(n.text, t...)
				}
			}
		case xml.EndElement:
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			switch {
			case f.n == nil:
			case f.n == cur.n:
				if len(probs) < maxProblems {
					stmts = append(stmts, cur.finish(&probs))
				}
				cur = nil
			case f.n.name == "Ntry" && f.n.parent == cur.n:
				// Convert the entry and drop its subtree: memory stays
				// at one entry however long the statement is.
				cur.entry(f.n)
				cur.n.kids = cur.n.kids[:len(cur.n.kids)-1]
				cur.kept -= f.n.size()
			}
		}
	}
	if !rooted {
		return nil, single("", ledger.ReasonCamtNotStatement, "the file holds no XML element: it is not a camt.053 bank statement")
	}
	if nStmt == 0 {
		return nil, single("Document/BkToCstmrStmt", ledger.ReasonCamtNotStatement, "the camt.053 document holds no <Stmt>")
	}
	if err := probs.err(); err != nil {
		return nil, err
	}
	return stmts, nil
}

// checkRoot accepts <Document> in a camt.053.001.02..13 namespace and says
// what the file is otherwise.
func checkRoot(n xml.Name) error {
	m := namespace.FindStringSubmatch(n.Space)
	if n.Local == "Document" && m != nil {
		if v, _ := strconv.Atoi(m[1]); v >= 2 && v <= 13 {
			return nil
		}
		return single("Document", ledger.ReasonCamtNotStatement, "camt.053 version 001.%s is not supported (001.02 to 001.13 are)", m[1])
	}
	const want = "a camt.053 bank statement (root <Document> in namespace urn:iso:std:iso:20022:tech:xsd:camt.053.001.NN)"
	switch i := strings.Index(n.Space, ":xsd:"); {
	case strings.EqualFold(n.Local, "html"):
		return single(n.Local, ledger.ReasonCamtNotStatement, "the file is an HTML page, not %s", want)
	case i >= 0 && strings.HasPrefix(n.Space, "urn:iso:std:iso:20022:"):
		return single(n.Local, ledger.ReasonCamtNotStatement, "the file is an ISO 20022 %s message (root <%s>), not %s", n.Space[i+5:], n.Local, want)
	case n.Space == "":
		return single(n.Local, ledger.ReasonCamtNotStatement, "the file's root element is <%s> without a namespace, not %s", n.Local, want)
	}
	return single(n.Local, ledger.ReasonCamtNotStatement, "the file's root element is <%s> in namespace %s, not %s", n.Local, n.Space, want)
}

// frame is an open element: outside a <Stmt> only its path is kept.
type frame struct {
	path string
	n    *node
}

func pathOf(stack []frame) string {
	if len(stack) == 0 {
		return ""
	}
	if f := stack[len(stack)-1]; f.n != nil {
		return f.n.path()
	}
	return stack[len(stack)-1].path
}

// single is a one-problem error.
func single(path string, reason ledger.Reason, format string, args ...any) error {
	var p ledger.Problems
	p.Add(path, reason, format, args...)
	return p.Err()
}

// problems collects up to maxProblems; more would only bury the first.
type problems ledger.Problems

func (p *problems) add(path string, reason ledger.Reason, format string, args ...any) {
	if len(*p) < maxProblems {
		(*ledger.Problems)(p).Add(path, reason, format, args...)
	}
}

func (p *problems) addAll(q problems) {
	for _, f := range q {
		if len(*p) < maxProblems {
			*p = append(*p, f)
		}
	}
}

func (p problems) err() error { return ledger.Problems(p).Err() }

// limitedReader fails with errTooLarge past the cap and remembers the
// underlying reader's error, so that Parse can tell a read failure from
// bad XML.
type limitedReader struct {
	r    io.Reader
	left int64
	err  error
}

func (l *limitedReader) Read(b []byte) (int, error) {
	if l.left <= 0 {
		// One byte more tells a file of exactly MaxBytes from a longer one.
		var one [1]byte
		n, err := l.r.Read(one[:])
		if n > 0 {
			l.err = errTooLarge
			return 0, l.err
		}
		if err != nil && err != io.EOF {
			l.err = err
		}
		if err == nil {
			err = io.EOF
		}
		return 0, err
	}
	if int64(len(b)) > l.left {
		b = b[:l.left]
	}
	n, err := l.r.Read(b)
	l.left -= int64(n)
	if err != nil && err != io.EOF {
		l.err = err
	}
	return n, err
}

// charsetReader accepts the single-byte encodings some bank exports still
// declare. camt.053 is UTF-8 by the standard; anything else is refused.
func charsetReader(label string, input io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "us-ascii", "ascii":
		return input, nil
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "windows-1252", "cp1252":
		return &cp1252Reader{r: input}, nil
	}
	return nil, fmt.Errorf("encoding %q is not supported (camt.053 files are UTF-8)", label)
}

// cp1252 maps bytes 0x80..0x9F of Windows-1252; ISO-8859-1 has control
// characters there, which no statement contains, so one table serves both.
var cp1252 = [32]rune{
	'€', 0x81, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 0x8D, 'Ž', 0x8F,
	0x90, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 0x9D, 'ž', 'Ÿ',
}

type cp1252Reader struct {
	r   io.Reader
	buf []byte // UTF-8 not yet returned
}

func (c *cp1252Reader) Read(p []byte) (int, error) {
	for len(c.buf) == 0 {
		in := make([]byte, 4096)
		n, err := c.r.Read(in)
		for _, b := range in[:n] {
			switch {
			case b < 0x80:
				c.buf = append(c.buf, b)
			case b < 0xA0:
				c.buf = appendRune(c.buf, cp1252[b-0x80])
			default:
				c.buf = appendRune(c.buf, rune(b))
			}
		}
		if n == 0 && err != nil {
			return 0, err
		}
	}
	n := copy(p, c.buf)
	c.buf = c.buf[n:]
	return n, nil
}

func appendRune(b []byte, r rune) []byte { return append(b, string(r)...) }
