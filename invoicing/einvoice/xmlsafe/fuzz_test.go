package xmlsafe

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"backoffice/ledger/fuzzcheck"
)

// tight are limits a mutated seed passes or breaks within a few edits, so
// that the fuzzer reaches every refusal, not only "malformed".
var tight = Limits{MaxBytes: 8 << 10, MaxDepth: 6, MaxElements: 40}

// unbounded is DefaultLimits without the depth and element caps, to tell
// which bound a refusal was for.
var unbounded = Limits{MaxBytes: fuzzcheck.MaxInput, MaxDepth: 1 << 30, MaxElements: 1 << 30}

// safeBound: Check reads tokens one at a time (encoding/xml copies each
// name, attribute and text): measured at 2 to 8.4 bytes per input byte on
// the e-invoice and bank file seeds; 40 per byte (about 4x) and 64 KiB
// for the decoder's buffers leave room for the fuzzer's inputs (many short
// attributes cost more than text).
var safeBound = fuzzcheck.Bound{Base: 64 << 10, PerByte: 40}

// FuzzSafe: every input is either accepted, and then really has no
// document type, a single root (named as answered) with nothing but white
// space, comments and instructions outside it, and stays within the
// limits; or refused with an *Error whose kind is the bound it broke.
func FuzzSafe(f *testing.F) {
	for _, data := range fuzzcheck.Files(f, "../parse/testdata/*.xml", "../../../testdata/einvoices/*.xml",
		"../../../testdata/peppol/examples/*.xml", "../../../testdata/cii/examples/*.xml", "../../../testdata/bank/*/*.xml") {
		f.Add(data)
	}
	f.Add([]byte(ubl))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzcheck.Input(t, len(data))
		var root Root
		var err error
		if e := safeBound.Run(len(data), func() { root, err = Check(data, DefaultLimits) }); e != nil {
			t.Fatal(e)
		}
		checkAnswer(t, data, DefaultLimits, root, err)
		tightRoot, tightErr := Check(data, tight)
		checkAnswer(t, data, tight, tightRoot, tightErr)
		// Tighter limits refuse more, never less; what both accept has
		// the same root.
		if tightErr == nil && (err != nil || tightRoot != root) {
			t.Fatalf("accepted under tight limits as %+v, but under the default ones: %+v, %v", tightRoot, root, err)
		}
		// Determinism: the same bytes, the same answer.
		again, againErr := Check(data, DefaultLimits)
		if again != root || kindOf(againErr) != kindOf(err) {
			t.Fatalf("second Check answered %+v %v, first %+v %v", again, againErr, root, err)
		}
	})
}

// checkAnswer holds Check's answer for data under lim against what an
// independent reading of the tokens finds.
func checkAnswer(t *testing.T, data []byte, lim Limits, root Root, err error) {
	t.Helper()
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("error %v is not an *xmlsafe.Error", err)
		}
		if e.Msg == "" || e.Offset < 0 || e.Offset > int64(len(data)) {
			t.Fatalf("error %+v: no message, or an offset outside the %d bytes", e, len(data))
		}
		if root != (Root{}) {
			t.Fatalf("a root %+v with the error %v", root, err)
		}
		// The kind is the bound broken: without it, that refusal goes.
		switch e.Kind {
		case TooLarge:
			if len(data) <= lim.MaxBytes {
				t.Fatalf("too_large for %d bytes, limit %d", len(data), lim.MaxBytes)
			}
		case TooDeep, TooManyElements:
			if _, err := Check(data, unbounded); kindOf(err) == e.Kind {
				t.Fatalf("%s under limits %+v and without them: %v", e.Kind, lim, err)
			}
		case DocumentType:
			if !bytes.Contains(data, []byte("DOCTYPE")) {
				t.Fatalf("document_type for a document without DOCTYPE: %v", err)
			}
		case Malformed:
			if len(data) > lim.MaxBytes {
				t.Fatalf("malformed, but over the size limit, which comes first: %v", err)
			}
			// A wrongful refusal is a bug as much as a wrongful
			// acceptance: an independent reading must find the fault.
			if malformedReason(data) == "" {
				t.Fatalf("refused as malformed, but the tokens show no fault: %v", err)
			}
		default:
			t.Fatalf("unknown kind %q: %v", e.Kind, err)
		}
		return
	}
	if len(data) > lim.MaxBytes {
		t.Fatalf("accepted %d bytes over the limit of %d", len(data), lim.MaxBytes)
	}
	if why := malformedReason(data); why != "" {
		t.Fatalf("accepted, but the tokens show %s", why)
	}
	// Read it again, counting: every accepted document is one that
	// encoding/xml reads to its end with nothing a DTD could hide in.
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	depth, maxDepth, elements, roots := 0, 0, 0, 0
	var first xml.Name
	for {
		at := d.InputOffset()
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("accepted, but encoding/xml stops at byte %d: %v", d.InputOffset(), err)
		}
		switch tk := tok.(type) {
		case xml.Directive:
			t.Fatalf("accepted with a declaration <!%s>", truncated(tk))
		case xml.StartElement:
			if depth == 0 {
				roots++
				first = tk.Name
			}
			depth++
			elements++
			maxDepth = max(maxDepth, depth)
		case xml.EndElement:
			depth--
		case xml.CharData:
			if s := bomAt(at, tk); depth == 0 && strings.TrimSpace(s) != "" {
				t.Fatalf("accepted with text %q outside the root", truncated(tk))
			}
		}
	}
	if roots != 1 || depth != 0 {
		t.Fatalf("accepted with %d root elements, ending at depth %d", roots, depth)
	}
	if root.Space != first.Space || root.Local != first.Local {
		t.Fatalf("root answered %+v, the document's is %+v", root, first)
	}
	if maxDepth > lim.MaxDepth || elements > lim.MaxElements {
		t.Fatalf("accepted %d deep with %d elements under limits %+v", maxDepth, elements, lim)
	}
}

// TestBOMOnlyFirst: Check refuses a byte order mark anywhere but as the
// first bytes, and the fuzz checks must see the fault too: they stripped a
// mark from any text outside the root, so they would have called Check's
// refusal of these a wrongful one (a false finding), and would not have
// caught Check accepting them.
func TestBOMOnlyFirst(t *testing.T) {
	for _, data := range []string{"<!--c-->\ufeff<a/>", "<a/>\ufeff", "<?xml version=\"1.0\"?>\ufeff<a/>", "\n\ufeff<a/>", "\ufeff\ufeff<a/>"} {
		if why := malformedReason([]byte(data)); why == "" {
			t.Errorf("%q: the tokens show no fault", data)
		}
		root, err := Check([]byte(data), DefaultLimits)
		if kindOf(err) != Malformed {
			t.Errorf("%q: %+v, %v; want %s", data, root, err, Malformed)
		}
		checkAnswer(t, []byte(data), DefaultLimits, root, err)
	}
	for _, data := range []string{"\ufeff<a/>", "\ufeff\n<a/>\n", "\ufeff<?xml version=\"1.0\"?><a/>"} {
		if why := malformedReason([]byte(data)); why != "" {
			t.Errorf("%q: the tokens show %s", data, why)
		}
		root, err := Check([]byte(data), DefaultLimits)
		if err != nil || root.Local != "a" {
			t.Errorf("%q: %+v, %v", data, root, err)
		}
		checkAnswer(t, []byte(data), DefaultLimits, root, err)
	}
}

// bomAt is text read at offset at without the byte order mark XML allows
// as the very first bytes of a document only; anywhere else (after a
// comment, after the root) it is text outside the root. Stripping it from
// any text let the checks pass "<!--c-->\ufeff<a/>" and "<a/>\ufeff",
// which Check rightly refuses.
func bomAt(at int64, text xml.CharData) string {
	if at == 0 {
		return strings.TrimPrefix(string(text), "\ufeff")
	}
	return string(text)
}

// malformedReason reads data's tokens and names what makes it malformed
// for Check: a decoder error, a markup declaration other than a DTD, text
// other than white space outside the root, no root or several, or an XML
// declaration after anything but white space and a byte order mark (as
// the first bytes); "" when there is none of these.
func malformedReason(data []byte) string {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	depth, roots, seen := 0, 0, false
	for {
		at := d.InputOffset()
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "decoder: " + err.Error()
		}
		switch tk := tok.(type) {
		case xml.Directive:
			return "a declaration <!" + truncated(tk) + ">"
		case xml.StartElement:
			if depth == 0 {
				roots++
			}
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			s := strings.TrimSpace(bomAt(at, tk))
			if depth == 0 && s != "" {
				return "text outside the root"
			}
			if depth == 0 {
				continue // white space leaves the start where it is
			}
		case xml.ProcInst:
			if strings.EqualFold(tk.Target, "xml") && seen {
				return "a misplaced declaration"
			}
		}
		seen = true
	}
	if roots != 1 {
		return fmt.Sprintf("%d root elements", roots)
	}
	return ""
}

func truncated(b []byte) string {
	if len(b) > 60 {
		return string(b[:60]) + "..."
	}
	return string(b)
}
