package purchases_test

import (
	"bytes"
	"errors"
	"testing"

	"backoffice/invoicing/einvoice/einvoicetest"
	"backoffice/invoicing/einvoice/parse"
	"backoffice/invoicing/purchases"
	"backoffice/ledger/fuzzcheck"
)

// The two sniffers decide what an upload is (api's inboxEInvoice):
// SniffDocument by the file's magic number, parse.Sniff what e-invoice
// it is. Neither may claim more than the bytes show.

// xmlSniffBound: of XML, Sniff reads the prolog and the root's start tag
// (with a Peppol envelope, its header too), token by token: measured at
// 0.1 to 3.3 bytes per input byte on the samples, most of it a fixed
// cost; 40 per byte and a 64 KiB base leave room (a long comment before
// the root is read whole).
var xmlSniffBound = fuzzcheck.Bound{Base: 64 << 10, PerByte: 40}

// pdfSniffBound: of a PDF, Sniff inflates the embedded files until one is
// an e-invoice, at most 40 MiB in all (parse's maxTotal), which a small
// crafted file can reach; io.ReadAll may hold twice that while it grows
// its buffer. The base is that cap with room, the rate that of XML.
var pdfSniffBound = fuzzcheck.Bound{Base: 3 * 40 << 20, PerByte: 40}

func FuzzSniff(f *testing.F) {
	for _, data := range fuzzcheck.Files(f, "../einvoice/parse/testdata/*.xml", "../../testdata/einvoices/*.xml",
		"../../testdata/peppol/examples/*.xml", "../../testdata/cii/examples/*.xml") {
		f.Add(data)
		f.Add(einvoicetest.PDF(data, einvoicetest.PDFOptions{Name: "factur-x.xml"}))
	}
	for _, data := range fuzzcheck.Files(f, "../../docs/images/*.png") {
		f.Add(data[:min(len(data), 2048)]) // the signature and first chunks are what matter
	}
	f.Add(einvoicetest.PDF(nil, einvoicetest.PDFOptions{}))
	f.Add([]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzcheck.Input(t, len(data))
		docType := purchases.SniffDocument(data)
		checkMagic(t, data, docType)
		bound := xmlSniffBound
		if sniffsAsPDF(data) {
			bound = pdfSniffBound
		}
		var syntax string
		if err := bound.Run(len(data), func() { syntax = parse.Sniff(data) }); err != nil {
			t.Fatal(err)
		}
		if again := parse.Sniff(data); again != syntax {
			t.Fatalf("Sniff answered %q, then %q", syntax, again)
		}
		if again := purchases.SniffDocument(data); again != docType {
			t.Fatalf("SniffDocument answered %q, then %q", docType, again)
		}
		// A file that starts with markup is XML; a PDF's header may come
		// anywhere in the first kilobyte (a mail gateway's line before it).
		start := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
		markup := bytes.HasPrefix(start, []byte("<"))
		switch syntax {
		case "":
		case parse.SyntaxUBL, parse.SyntaxCII:
			if !markup {
				t.Fatalf("Sniff says %s of a file that does not start with markup", syntax)
			}
			if docType != "" {
				t.Fatalf("Sniff says %s of a file SniffDocument takes for %s", syntax, docType)
			}
		case parse.SyntaxPDFEInvoice:
			if markup || !bytes.Contains(data[:min(len(data), 1024)], []byte("%PDF-")) {
				t.Fatalf("Sniff says %s of a file without a PDF header in its first kilobyte", syntax)
			}
			// Parse finds the same embedded e-invoice: whatever it
			// answers, it is not that there is none.
			if _, err := parse.Parse(data); err != nil {
				var pe *parse.Error
				if !errors.As(err, &pe) || pe.Kind == parse.KindPDFWithoutEInvoice || pe.Kind == parse.KindNotXML {
					t.Fatalf("Sniff found an e-invoice in the PDF, Parse: %v", err)
				}
			}
		default:
			t.Fatalf("Sniff answered %q", syntax)
		}
	})
}

// checkMagic: SniffDocument names a type exactly when the file starts
// with its magic number, and reads nothing past it.
func checkMagic(t *testing.T, data []byte, got string) {
	t.Helper()
	want := ""
	for _, m := range []struct{ magic, typ string }{
		{"%PDF-", purchases.TypePDF}, {"\x89PNG\r\n\x1a\n", purchases.TypePNG}, {"\xff\xd8\xff", purchases.TypeJPEG},
	} {
		if bytes.HasPrefix(data, []byte(m.magic)) {
			want = m.typ
		}
	}
	if got != want {
		t.Fatalf("SniffDocument = %q, want %q", got, want)
	}
	if head := data[:min(len(data), 8)]; purchases.SniffDocument(head) != got {
		t.Fatalf("SniffDocument of the first 8 bytes is %q, of the file %q", purchases.SniffDocument(head), got)
	}
}

// sniffsAsPDF is Sniff's rule for a PDF (parse's isPDF): the header at the
// start, or in the first kilobyte of a file that does not start with
// markup. An XML file with "%PDF-" in a comment is read as XML, within the
// XML bound, where any "%PDF-" in the first kilobyte chose the PDF one.
func sniffsAsPDF(data []byte) bool {
	if bytes.HasPrefix(data, []byte("%PDF-")) {
		return true
	}
	head := data[:min(len(data), 1024)]
	return !bytes.HasPrefix(bytes.TrimLeft(head, "\xef\xbb\xbf \t\r\n"), []byte("<")) && bytes.Contains(head, []byte("%PDF-"))
}
