// Package parse reads a received e-invoice into the EN 16931 model
// (einvoice.Document): UBL 2.1 invoices and credit notes (Peppol BIS 3,
// XRechnung UBL, any CustomizationID), UN/CEFACT CII cross industry
// invoices (Factur-X, ZUGFeRD 2.x, XRechnung CII), and PDFs that carry
// one of those as an embedded file (Factur-X, ZUGFeRD).
//
// Everything read comes from outside: every XML document passes
// xmlsafe.Check before it is decoded, the PDF scanner bounds its work and
// what it inflates, and no input makes it panic. A document is read as it
// is written; whether its figures add up is einvoice.Document.Check's
// business, so that the caller can show both the document and what is
// wrong with it.
package parse

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/shopspring/decimal"
	"golang.org/x/text/encoding/charmap"

	"backoffice/invoicing/einvoice"
	"backoffice/invoicing/einvoice/xmlsafe"
	"backoffice/ledger"
)

// Kinds of Error: what the file turned out to be.
const (
	KindNotXML             = "not_xml"              // neither XML nor a PDF
	KindNotEInvoice        = "not_einvoice"         // well-formed XML with another root
	KindPDFWithoutEInvoice = "pdf_without_einvoice" // a PDF without an embedded e-invoice
	KindHostile            = "hostile"              // refused by xmlsafe (DTD, too big, too deep) or a PDF past the bounds
	KindInvalid            = "invalid"              // an e-invoice whose content cannot be read
)

// Error is a file Parse cannot read, with what it is.
type Error struct {
	Kind    string // one of the Kind constants
	Message string // for people; names the element where one is at fault
}

func (e *Error) Error() string { return e.Message }

func errorf(kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Syntaxes Sniff answers.
const (
	SyntaxUBL         = "ubl"
	SyntaxCII         = "cii"
	SyntaxPDFEInvoice = "pdf-einvoice"
)

// Root element namespaces of the syntaxes read.
const (
	nsUBLInvoice    = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
	nsUBLCreditNote = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
	nsCII           = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
)

// syntaxOf says which syntax a root element is, "" for none read here.
func syntaxOf(space, local string) string {
	switch {
	case space == nsUBLInvoice && local == "Invoice", space == nsUBLCreditNote && local == "CreditNote":
		return SyntaxUBL
	case space == nsCII && local == "CrossIndustryInvoice":
		return SyntaxCII
	}
	return ""
}

// Parse reads data, recognised by its content, into a document. Its error
// is an *Error.
func Parse(data []byte) (*einvoice.Document, error) {
	if isPDF(data) {
		return parsePDF(data)
	}
	return parseXML(data, "")
}

// ParseSyntax is Parse that also says what the file was: SyntaxUBL,
// SyntaxCII or SyntaxPDFEInvoice, so that a caller storing the file need
// not Sniff it again (for a PDF that is a second scan of it).
func ParseSyntax(data []byte) (*einvoice.Document, string, error) {
	if isPDF(data) {
		d, err := parsePDF(data)
		return d, SyntaxPDFEInvoice, err
	}
	d, err := parseXML(data, "")
	return d, Sniff(data), err // of XML, Sniff reads the prolog only
}

// Sniff says cheaply what data is: SyntaxUBL, SyntaxCII, SyntaxPDFEInvoice
// or "" for anything else (a plain PDF among them). It reads only the XML
// prolog up to the root element, and of a PDF only what the embedded files
// need; Parse may still refuse what Sniff recognised.
func Sniff(data []byte) string {
	if isPDF(data) {
		if _, _, err := findEmbedded(data); err == nil {
			return SyntaxPDFEInvoice
		}
		return ""
	}
	space, local := rootName(data)
	if space == nsSBD && local == "StandardBusinessDocument" {
		inner, _ := sbdPayload(data)
		space, local = inner.Space, inner.Local
	}
	return syntaxOf(space, local)
}

// nsSBD is the namespace of the Standard Business Document envelope a
// Peppol access point may deliver an invoice in.
const nsSBD = "http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader"

// sbdPayload finds the document inside a Standard Business Document: the
// root's first child other than its header. It answers the payload's name
// and a decode that reads the payload in place, so that the namespaces
// declared on the envelope still apply; nil if there is none.
func sbdPayload(data []byte) (xml.Name, func(any) error) {
	d := peekDecoder(data)
	depth := 0
	for {
		tok, err := d.Token()
		if err != nil {
			return xml.Name{}, nil
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth != 2 {
				continue
			}
			if t.Name.Space == nsSBD && t.Name.Local == "StandardBusinessDocumentHeader" {
				if d.Skip() != nil {
					return xml.Name{}, nil
				}
				depth--
				continue
			}
			start := t.Copy()
			return start.Name, func(v any) error { return d.DecodeElement(v, &start) }
		case xml.EndElement:
			depth--
		}
	}
}

// isPDF tells a PDF by its header, which readers accept anywhere in the
// first kilobyte (some mail gateways prepend a line); a file that starts
// with markup is XML, whatever a comment in it says.
func isPDF(data []byte) bool {
	if bytes.HasPrefix(data, []byte("%PDF-")) {
		return true
	}
	head := data[:min(len(data), 1024)]
	trimmed := bytes.TrimLeft(head, "\xef\xbb\xbf \t\r\n")
	return !bytes.HasPrefix(trimmed, []byte("<")) && bytes.Contains(head, []byte("%PDF-"))
}

// peekDecoder is a strict decoder for finding elements, before toUTF8 (in
// Sniff): the Latin encodings Parse reads are decoded as Parse decodes
// them (encoding/xml refuses their bytes above 127 as invalid UTF-8 in an
// attribute: a Latin-1 invoice with an accent in its root's attributes
// parsed, but Sniff did not recognise it); other encodings are read as
// they are, element names and namespaces being ASCII.
func peekDecoder(data []byte) *xml.Decoder {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	d.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		if cm := latin[strings.ToLower(label)]; cm != nil {
			return cm.NewDecoder().Reader(r), nil
		}
		return r, nil
	}
	return d
}

// rootName is the name of data's first element, reading tokens only up to
// it; "" when there is none or the prolog is broken.
func rootName(data []byte) (space, local string) {
	d := peekDecoder(data)
	// A prolog usually has a handful of tokens (comments, PIs, white
	// space), but any number is well-formed: stopping after 64 left a
	// valid invoice with a long prolog unrecognised while Parse read it
	// (found checking the fuzz targets' property "what parses, Sniff
	// recognises"). Reading on to the root costs what the prolog is long.
	first := true // nothing but white space (and a mark) read yet
	for {
		at := d.InputOffset()
		tok, err := d.RawToken()
		if err != nil {
			return "", ""
		}
		// Text before the root is no prolog (xmlsafe refuses it too):
		// "junk<Invoice ...>" is not recognised (FuzzSniff holds it).
		// A byte order mark is white space only as the file's very first
		// bytes: after a comment it is text, which xmlsafe refuses, and
		// Sniff said "ubl" for "<!--c-->\ufeff<Invoice ...>".
		if cd, ok := tok.(xml.CharData); ok {
			if at == 0 {
				cd = bytes.TrimPrefix(cd, []byte("\ufeff"))
			}
			if len(bytes.TrimSpace(cd)) > 0 {
				return "", ""
			}
			continue
		}
		// Nor is an XML declaration after a comment or another PI, which
		// xmlsafe refuses: Sniff said "ubl" for a file Parse refused.
		if pi, ok := tok.(xml.ProcInst); ok && strings.EqualFold(pi.Target, "xml") && !first {
			return "", ""
		}
		first = false
		if se, ok := tok.(xml.StartElement); ok {
			// RawToken leaves prefixes unresolved; resolve the root's own.
			prefix, space := se.Name.Space, ""
			for _, a := range se.Attr {
				if (prefix == "" && a.Name.Space == "" && a.Name.Local == "xmlns") ||
					(prefix != "" && a.Name.Space == "xmlns" && a.Name.Local == prefix) {
					space = a.Value
				}
			}
			return space, se.Name.Local
		}
	}
}

// parseXML checks data with xmlsafe and reads it by its root element;
// embedded names the file a PDF carried it as, "" for an upload.
func parseXML(data []byte, embedded string) (*einvoice.Document, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errorf(KindNotXML, "the file is empty")
	}
	data, err := toUTF8(data)
	if err != nil {
		return nil, err
	}
	root, err := xmlsafe.Check(data, xmlsafe.DefaultLimits)
	if err != nil {
		var xe *xmlsafe.Error
		if errors.As(err, &xe) && xe.Kind == xmlsafe.Malformed {
			if embedded != "" { // the PDF was recognised; its invoice is broken
				return nil, errorf(KindInvalid, "%s is not well-formed XML: %v", embedded, err)
			}
			return nil, errorf(KindNotXML, "the file is neither a PDF nor well-formed XML: %v", err)
		}
		return nil, errorf(KindHostile, "the XML document is refused: %v", err)
	}
	name := xml.Name{Space: root.Space, Local: root.Local}
	decode := func(v any) error { return xml.Unmarshal(data, v) }
	if root.Space == nsSBD && root.Local == "StandardBusinessDocument" {
		if inner, innerDecode := sbdPayload(data); innerDecode != nil && syntaxOf(inner.Space, inner.Local) != "" {
			name, decode = inner, innerDecode
		}
	}
	switch syntaxOf(name.Space, name.Local) {
	case SyntaxUBL:
		return parseUBL(decode, name.Local == "CreditNote")
	case SyntaxCII:
		return parseCII(decode)
	}
	return nil, errorf(KindNotEInvoice, "an XML document with root {%s}%s is not an invoice or credit note%s",
		root.Space, root.Local, lookalike(root.Space, root.Local))
}

// declaredEncoding finds the encoding an XML declaration names (not after
// a byte order mark, which makes the document UTF-8).
var declaredEncoding = regexp.MustCompile(`^\s*<\?xml\s[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._-]{1,40})["']`)

// latin are the single-byte encodings older ERP exports still declare.
// EN 16931's syntaxes are UTF-8 (Peppol and XRechnung require it), but
// refusing a readable invoice for its encoding helps nobody.
var latin = map[string]*charmap.Charmap{
	"iso-8859-1": charmap.ISO8859_1, "iso8859-1": charmap.ISO8859_1, "latin1": charmap.ISO8859_1,
	"iso-8859-15": charmap.ISO8859_15, "windows-1252": charmap.Windows1252, "cp1252": charmap.Windows1252,
}

// toUTF8 turns a document declared in a Latin encoding into UTF-8 and its
// declaration with it, for encoding/xml, which reads UTF-8 only. Other
// documents are answered as they are (xmlsafe names an encoding it cannot
// read).
func toUTF8(data []byte) ([]byte, error) {
	m := declaredEncoding.FindSubmatchIndex(data[:min(len(data), 300)])
	if m == nil {
		return data, nil
	}
	cm := latin[strings.ToLower(string(data[m[2]:m[3]]))]
	if cm == nil {
		return data, nil
	}
	if len(data) > xmlsafe.DefaultLimits.MaxBytes { // xmlsafe says so
		return data, nil
	}
	out, err := cm.NewDecoder().Bytes(data)
	if err != nil {
		return nil, errorf(KindNotXML, "the file declares encoding %s but is not: %v", data[m[2]:m[3]], err)
	}
	// The declaration is ASCII, so it sits at the same offsets in out.
	return append(append(out[:m[2]:m[2]], "UTF-8"...), out[m[3]:]...), nil
}

// lookalike names what an XML document that is no e-invoice appears to be,
// by its namespace, so that whoever uploaded it sees their mistake.
func lookalike(space, local string) string {
	what := ""
	switch {
	case strings.Contains(space, "camt.053"):
		what = "a CAMT.053 bank statement"
	case strings.Contains(space, "camt.052"), strings.Contains(space, "camt.054"):
		what = "a CAMT bank notification"
	case strings.Contains(space, "pain.001"):
		what = "a pain.001 payment file"
	case strings.Contains(space, "pain.008"):
		what = "a pain.008 direct debit file"
	case strings.Contains(space, "auditfiles.nl/XAF"):
		what = "an XAF audit file"
	case space == nsSBD:
		what = "a Peppol envelope (SBD) without an invoice or credit note in it"
	case strings.HasPrefix(space, "urn:ferd:CrossIndustryDocument"):
		what = "a ZUGFeRD 1.0 invoice; only ZUGFeRD 2 and Factur-X (CII D16B) are read"
	case strings.HasPrefix(space, "urn:oasis:names:specification:ubl:schema:xsd:"):
		what = "a UBL " + local + " document"
	case strings.HasPrefix(space, "urn:un:unece:uncefact:data:standard:"):
		what = "a UN/CEFACT " + local + " document"
	case local == "svg":
		what = "an SVG image"
	case strings.EqualFold(local, "html"):
		what = "a web page"
	}
	if what == "" {
		return ""
	}
	return "; it looks like " + what
}

// reader turns the decoded strings into the model's types and keeps the
// first problem, so that the mapping reads straight through and Parse
// reports the one element at fault.
type reader struct {
	err      *Error
	currency string // the document's (BT-5): every UBL amount is in it
}

func (r *reader) fail(path, format string, args ...any) {
	if r.err == nil {
		r.err = errorf(KindInvalid, "%s: %s", path, fmt.Sprintf(format, args...))
	}
}

// require reports a mandatory element that is missing or empty.
func (r *reader) require(s, path string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		r.fail(path, "the element is missing or empty")
	}
	return s
}

// dec reads an xsd:decimal (an optional sign, digits and a point; no
// exponent, no thousands separators); an empty optional one is zero.
func (r *reader) dec(s, path string, required bool) decimal.Decimal {
	s = strings.TrimSpace(s)
	if s == "" {
		if required {
			r.fail(path, "the element is missing or empty")
		}
		return decimal.Zero
	}
	if !isDecimal(s) {
		r.fail(path, "%q is not a number", truncate(s))
		return decimal.Zero
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		r.fail(path, "%q is not a number", truncate(s))
	}
	return d
}

func isDecimal(s string) bool {
	if s[0] == '+' || s[0] == '-' {
		s = s[1:]
	}
	digits, points := 0, 0
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.':
			points++
		default:
			return false
		}
	}
	return digits > 0 && points <= 1 && len(s) <= 40
}

// date reads a UBL date (YYYY-MM-DD); nil when empty and optional.
func (r *reader) date(s, path string, required bool) *ledger.Date {
	s = strings.TrimSpace(s)
	if s == "" {
		if required {
			r.fail(path, "the element is missing or empty")
		}
		return nil
	}
	d, err := ledger.ParseDate(s)
	if err != nil {
		r.fail(path, "%v", err)
		return nil
	}
	return &d
}

// date102 reads a CII date in format 102 (YYYYMMDD), the only format
// EN 16931 allows for the dates it keeps.
func (r *reader) date102(s, format, path string, required bool) *ledger.Date {
	s = strings.TrimSpace(s)
	if s == "" {
		if required {
			r.fail(path, "the element is missing or empty")
		}
		return nil
	}
	if format != "" && strings.TrimSpace(format) != "102" {
		r.fail(path, "date format %q is not read; EN 16931 uses format 102 (YYYYMMDD)", truncate(format))
		return nil
	}
	if len(s) != 8 {
		r.fail(path, "%q is not a date in format 102 (YYYYMMDD)", truncate(s))
		return nil
	}
	d, err := ledger.ParseDate(s[0:4] + "-" + s[4:6] + "-" + s[6:8])
	if err != nil {
		r.fail(path, "%q is not a date in format 102 (YYYYMMDD)", truncate(s))
		return nil
	}
	return &d
}

// binary decodes an embedded attachment (base64, line breaks allowed).
// Its size is bounded by the document's, which xmlsafe bounded.
func (r *reader) binary(s, path string) []byte {
	clean := strings.Map(func(c rune) rune {
		if c == ' ' || c == '\n' || c == '\r' || c == '\t' {
			return -1
		}
		return c
	}, s)
	data, err := base64.StdEncoding.DecodeString(clean)
	if err != nil {
		r.fail(path, "the embedded file is not valid base64: %v", err)
	}
	return data
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// creditNoteTypes are the UNCL1001 codes EN 16931 counts as credit notes.
var creditNoteTypes = map[string]bool{"81": true, "83": true, "261": true, "262": true, "296": true, "308": true,
	"381": true, "396": true, "420": true, "458": true, "532": true}
