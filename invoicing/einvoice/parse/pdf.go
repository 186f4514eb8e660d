package parse

import (
	"bytes"
	"compress/zlib"
	"io"
	"regexp"
	"strconv"
	"strings"

	"backoffice/invoicing/einvoice"
)

// A Factur-X or ZUGFeRD PDF carries its XML as an embedded file: a stream
// object with /Type /EmbeddedFile (usually /Filter /FlateDecode), named by
// a file specification whose /EF dictionary points at it. No PDF library
// is needed to get it out: the scanner below finds those stream objects
// by their keywords, which is all PDF/A-3 files written by e-invoicing
// software need. A stream can never sit inside a compressed object
// stream, so compressed cross-reference sections do not hide it.
//
// Everything is bounded: how far back and ahead the scanner looks, how
// many candidate streams it opens, and how much it inflates, in one
// stream and in all.
const (
	maxInflated   = 20 << 20 // one embedded file, inflated
	maxTotal      = 40 << 20 // all embedded files tried, inflated
	maxCandidates = 32       // embedded file streams opened
	maxDictBytes  = 8 << 10  // a stream dictionary's size
	maxHits       = 256      // "/EmbeddedFile" and "/EF" keywords looked at
)

var (
	// efRef finds a file specification's /EF dictionary and the object its
	// /F (or /UF) entry refers to.
	efRef = regexp.MustCompile(`/EF\s*<<[^>]{0,256}?/U?F\s+(\d{1,10})\s+(\d{1,5})\s+R`)
	// xmlName finds an embedded file's name ending in .xml, for the message.
	// (It is tried only just before each ".xml)", the few places it can
	// match: a regular expression run over a whole crafted file is slow.)
	xmlName = regexp.MustCompile(`/U?F\s*\(([A-Za-z0-9_.-]{1,64}\.xml)\)$`)
	// lengthKey reads a stream's direct /Length.
	lengthKey = regexp.MustCompile(`/Length\s+(\d{1,10})(\s+\d+\s+R)?`)
)

// parsePDF reads the e-invoice embedded in a PDF and keeps the PDF as an
// attachment of the document, so that the caller can store what was sent.
func parsePDF(data []byte) (*einvoice.Document, error) {
	xmlData, name, perr := findEmbedded(data)
	if perr != nil {
		return nil, perr
	}
	where := "the XML embedded in the PDF (" + name + ")"
	doc, err := parseXML(xmlData, where)
	if err != nil {
		if pe, ok := err.(*Error); ok && !strings.HasPrefix(pe.Message, where) {
			pe.Message = where + ": " + pe.Message
		}
		return nil, err
	}
	doc.Attachments = append(doc.Attachments, einvoice.Attachment{
		ID:          doc.Number,
		Description: "the PDF the e-invoice came in, with " + name + " embedded",
		MimeCode:    "application/pdf",
		FileName:    "invoice.pdf",
		Data:        data,
	})
	return doc, nil
}

// findEmbedded returns the first embedded file that is a UBL or CII
// document, with its name as the file specification gives it.
func findEmbedded(data []byte) ([]byte, string, *Error) {
	starts, _ := candidates(data)
	name := "an embedded XML file"
	for from, n := 0, 0; n < maxHits; n++ {
		j := bytes.Index(data[from:], []byte(".xml)"))
		if j < 0 {
			break
		}
		from += j + len(".xml)")
		if m := xmlName.FindSubmatch(data[max(0, from-80):from]); m != nil {
			name = string(m[1])
			break
		}
	}
	total, tried := 0, 0
	for _, start := range starts {
		if total >= maxTotal {
			return nil, "", errorf(KindHostile, "the files embedded in the PDF inflate to more than %d bytes", maxTotal)
		}
		content, err := streamContent(data, start, maxTotal-total)
		if err != nil {
			return nil, "", err
		}
		if content == nil {
			continue
		}
		tried++
		total += len(content)
		if syntaxOf(rootName(content)) != "" {
			return content, name, nil
		}
	}
	if tried == 0 {
		return nil, "", errorf(KindPDFWithoutEInvoice, "the PDF has no embedded files, so no e-invoice (Factur-X, ZUGFeRD) in it")
	}
	return nil, "", errorf(KindPDFWithoutEInvoice, "none of the %d files embedded in the PDF is a UBL or CII e-invoice", tried)
}

// scanWork is what candidates did: keywords looked at and bytes searched,
// so that a test can hold a crafted file to linear work.
type scanWork struct{ hits, scanned int }

// candidates are the offsets of the "obj" keywords of the objects that may
// be embedded files. A crafted file can repeat the keywords millions of
// times: at most maxHits of them are looked at, each searched back only
// to the one before it and each file specification's object looked up
// once, so the work stays linear in the size of the file.
func candidates(data []byte) ([]int, scanWork) {
	var work scanWork
	seen := map[int]bool{}
	var starts []int
	add := func(objStart int) {
		if objStart >= 0 && !seen[objStart] && len(starts) < maxCandidates {
			seen[objStart] = true
			starts = append(starts, objStart)
		}
	}
	// Streams marked /Type /EmbeddedFile ...
	prev := 0
	for from := 0; len(starts) < maxCandidates && work.hits < maxHits; {
		j := bytes.Index(data[from:], []byte("/EmbeddedFile"))
		if j < 0 {
			break
		}
		work.hits++
		at := from + j
		work.scanned += at - from
		from = at + len("/EmbeddedFile")
		if from < len(data) && isNameChar(data[from]) { // /EmbeddedFiles: the name tree
			continue
		}
		lo := max(prev, at-maxDictBytes)
		work.scanned += at - lo
		add(objBefore(data, lo, at))
		prev = from
	}
	// ... and the objects file specifications point at, which need not
	// carry the optional /Type.
	looked := map[string]bool{}
	for _, m := range efRef.FindAllSubmatch(data, maxCandidates) {
		work.hits++
		if ref := string(m[1]) + " " + string(m[2]); !looked[ref] {
			looked[ref] = true
			work.scanned += len(data)
			add(objNamed(data, string(m[1]), string(m[2])))
		}
	}
	return starts, work
}

func isNameChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '#'
}

// objBefore is the offset of the last "obj" keyword in data[lo:at], the
// one that opens the object around at; -1 if none.
func objBefore(data []byte, lo, at int) int {
	j := bytes.LastIndex(data[lo:at], []byte("obj"))
	if j < 0 {
		return -1
	}
	return lo + j
}

// objNamed is the offset of the "obj" keyword of object "num gen obj".
func objNamed(data []byte, num, gen string) int {
	head := []byte(num + " " + gen + " obj")
	for from := 0; from < len(data); {
		j := bytes.Index(data[from:], head)
		if j < 0 {
			return -1
		}
		at := from + j
		if at == 0 || !isNameChar(data[at-1]) {
			return at + len(head) - len("obj")
		}
		from = at + 1
	}
	return -1
}

// streamContent is the decoded content of the stream object whose "obj"
// keyword is at objStart: nil when it is no stream or has a filter other
// than FlateDecode; an error when inflating it passes budget bytes.
func streamContent(data []byte, objStart, budget int) ([]byte, *Error) {
	window := data[objStart:min(len(data), objStart+maxDictBytes)]
	kw := bytes.Index(window, []byte("stream"))
	if kw < 0 || bytes.Contains(window[:kw], []byte("endobj")) {
		return nil, nil
	}
	dict := window[:kw]
	body := data[objStart+kw+len("stream"):]
	if bytes.HasPrefix(body, []byte("\r\n")) {
		body = body[2:]
	} else if bytes.HasPrefix(body, []byte("\n")) {
		body = body[1:]
	}
	if m := lengthKey.FindSubmatch(dict); m != nil && m[2] == nil {
		if n, err := strconv.Atoi(string(m[1])); err == nil && n <= len(body) {
			body = body[:n]
		}
	} else if end := bytes.Index(body, []byte("endstream")); end >= 0 {
		body = bytes.TrimRight(body[:end], "\r\n")
	}
	switch {
	case bytes.Contains(dict, []byte("/FlateDecode")):
		return inflate(body, min(maxInflated, budget))
	case bytes.Contains(dict, []byte("/Filter")): // another filter: not an e-invoice writer's choice
		return nil, nil
	}
	if len(body) > maxInflated {
		return nil, errorf(KindHostile, "an embedded file in the PDF is over %d bytes", maxInflated)
	}
	return body, nil
}

// inflate decompresses a FlateDecode stream, refusing more than limit
// bytes of output (a zip bomb). A stream that is not zlib is skipped.
func inflate(body []byte, limit int) ([]byte, *Error) {
	zr, err := zlib.NewReader(bytes.NewReader(body))
	if err != nil {
		return nil, nil
	}
	defer zr.Close()
	out, err := io.ReadAll(io.LimitReader(zr, int64(limit)+1))
	if len(out) > limit {
		return nil, errorf(KindHostile, "an embedded file in the PDF inflates to more than %d bytes", limit)
	}
	if err != nil && len(out) == 0 {
		return nil, nil
	}
	return out, nil // a damaged end is left to the XML check
}
