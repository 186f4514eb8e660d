// Package xmlsafe reads XML that comes from outside (received e-invoices,
// bank files) within fixed bounds before anything interprets it: a
// document type declaration is refused outright, so no external entity is
// ever fetched and no entity is ever expanded (billion laughs), and the
// size, the nesting depth and the number of elements are capped. Check
// answers what the document is (its root element), so that a caller can
// say "this is a CII invoice, not UBL" instead of failing somewhere deep.
//
// encoding/xml itself fetches nothing and expands only the five predefined
// entities; what it does not bound is the work a hostile document asks for.
package xmlsafe

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Limits bound what reading one document may cost.
type Limits struct {
	MaxBytes    int // the document's size
	MaxDepth    int // elements nested in one another, the root counting 1
	MaxElements int // elements in all
}

// DefaultLimits fit any real e-invoice (a 1,000-line UBL invoice with an
// embedded 10 MB PDF is about 14 MB and 40,000 elements, 10 deep) with
// room to spare, and nothing a hostile one could do with them hurts.
var DefaultLimits = Limits{MaxBytes: 20 << 20, MaxDepth: 64, MaxElements: 500_000}

// Kind says which bound a document broke, for the caller's error reason.
type Kind string

const (
	TooLarge        Kind = "too_large"
	TooDeep         Kind = "too_deep"
	TooManyElements Kind = "too_many_elements"
	DocumentType    Kind = "document_type" // a DTD: entities are not allowed
	Malformed       Kind = "malformed"     // not well-formed XML, or not one root element
)

// Error is a refused document: which bound or rule, and where.
type Error struct {
	Kind   Kind
	Offset int64 // the byte offset the reader had reached
	Msg    string
}

func (e *Error) Error() string { return fmt.Sprintf("%s (at byte %d)", e.Msg, e.Offset) }

// Root is a document's root element.
type Root struct {
	Space string // its namespace URI
	Local string // its local name
}

// bom is the UTF-8 byte order mark.
var bom = []byte("\ufeff")

// Check reads data whole within lim and returns its root element. It
// refuses a document type declaration, malformed XML, text outside the
// root (before or after it), a second root element, an XML declaration
// anywhere but at the start (after white space and a byte order mark at
// most), and anything over the limits.
func Check(data []byte, lim Limits) (Root, error) {
	if len(data) > lim.MaxBytes {
		return Root{}, &Error{TooLarge, 0, fmt.Sprintf("the document is %d bytes; at most %d are read", len(data), lim.MaxBytes)}
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true // unknown entities are errors, never guessed
	var root Root
	depth, elements, closed := 0, 0, false
	first := true // nothing but white space read yet: where an XML declaration and a byte order mark may be
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Root{}, &Error{Malformed, d.InputOffset(), "the document is not well-formed XML: " + err.Error()}
		}
		switch t := tok.(type) {
		case xml.Directive:
			if bytes.HasPrefix(bytes.TrimSpace(t), []byte("DOCTYPE")) {
				return Root{}, &Error{DocumentType, d.InputOffset(), "the document declares a document type (DTD); entities and DTDs are not accepted"}
			}
			return Root{}, &Error{Malformed, d.InputOffset(), "the document has a markup declaration, which is not accepted"}
		case xml.StartElement:
			if closed {
				return Root{}, &Error{Malformed, d.InputOffset(), "the document has more than one root element"}
			}
			elements++
			if elements > lim.MaxElements {
				return Root{}, &Error{TooManyElements, d.InputOffset(), fmt.Sprintf("the document has more than %d elements", lim.MaxElements)}
			}
			depth++
			if depth > lim.MaxDepth {
				return Root{}, &Error{TooDeep, d.InputOffset(), fmt.Sprintf("the document nests elements more than %d deep", lim.MaxDepth)}
			}
			if depth == 1 {
				root = Root{Local: t.Name.Local, Space: t.Name.Space}
			}
		case xml.EndElement:
			depth--
			if depth == 0 {
				closed = true
			}
		case xml.CharData:
			// encoding/xml hands text outside the root on as it is;
			// XML allows only white space there (and a byte order mark
			// at the very start). Writing FuzzSafe found "junk<Invoice
			// ...>" accepted, and parse read it as an invoice.
			text := t
			if first && bytes.HasPrefix(text, bom) {
				text = text[len(bom):]
			}
			blank := len(bytes.TrimSpace(text)) == 0
			if first && depth == 0 && blank {
				// encoding/xml reads a declaration after white space
				// (and a mark), and files written by hand or by tools
				// come with "\n" or "\r\n" before it: refusing those
				// refused valid invoices that were read before.
				continue
			}
			if depth == 0 && !blank {
				where := "before"
				if closed {
					where = "after"
				}
				return Root{}, &Error{Malformed, d.InputOffset(), "the document has text " + where + " its root element"}
			}
		case xml.ProcInst:
			// The XML declaration comes first or not at all; elsewhere
			// encoding/xml takes it as a processing instruction.
			if strings.EqualFold(t.Target, "xml") && !first {
				return Root{}, &Error{Malformed, d.InputOffset(), "the document has an XML declaration that is not at its start"}
			}
		}
		first = false
	}
	if root.Local == "" {
		return Root{}, &Error{Malformed, d.InputOffset(), "the document has no root element"}
	}
	if !closed {
		return Root{}, &Error{Malformed, d.InputOffset(), "the document ends inside its root element"}
	}
	return root, nil
}
