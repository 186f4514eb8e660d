// Package einvoicetest makes e-invoice files for tests: a Factur-X style
// PDF with an XML embedded the ways PDF writers embed it.
package einvoicetest

import (
	"bytes"
	"compress/zlib"
	"fmt"
)

// PDFOptions say how PDF writes the embedded file, to cover the
// ways PDF writers differ.
type PDFOptions struct {
	Name           string // the embedded file's name; "" for a PDF with no attachment
	NoType         bool   // leave out the optional /Type /EmbeddedFile (found through /EF then)
	IndirectLength bool   // give /Length as a reference to another object
	Raw            bool   // no /Filter: the XML stored as is
}

// PDF writes a minimal but valid PDF 1.7 (PDF/A-3 style, as Factur-X
// is) with one blank page and, unless opt.Name is empty, content embedded
// as a file the way Factur-X writers embed factur-x.xml: a file
// specification in the catalogue's /AF and /Names /EmbeddedFiles, its
// /EF pointing at a FlateDecode stream. The cross-reference table has the
// real offsets.
func PDF(content []byte, opt PDFOptions) []byte {
	stream := content
	if !opt.Raw {
		var z bytes.Buffer
		w := zlib.NewWriter(&z)
		w.Write(content)
		w.Close()
		stream = z.Bytes()
	}
	var objs []string
	if opt.Name == "" {
		objs = []string{
			"<< /Type /Catalog /Pages 2 0 R >>",
			"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
			"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>",
		}
	} else {
		typ, filter, length := "/Type /EmbeddedFile ", "/Filter /FlateDecode ", fmt.Sprintf("/Length %d", len(stream))
		if opt.NoType {
			typ = ""
		}
		if opt.Raw {
			filter = ""
		}
		if opt.IndirectLength {
			length = "/Length 7 0 R"
		}
		objs = []string{
			"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 5 0 R >> /AF [4 0 R] >>",
			"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
			"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>",
			fmt.Sprintf("<< /Type /Filespec /F (%s) /UF (%s) /AFRelationship /Data /Desc (Factur-X invoice) /EF << /F 6 0 R /UF 6 0 R >> >>", opt.Name, opt.Name),
			fmt.Sprintf("<< /Names [(%s) 4 0 R] >>", opt.Name),
			fmt.Sprintf("<< %s/Subtype /text#2Fxml %s%s /Params << /Size %d /ModDate (D:20261120120000+01'00') >> >>\nstream\n%s\nendstream",
				typ, filter, length, len(content), stream),
			fmt.Sprintf("%d", len(stream)),
		}
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}
