package sales

import (
	"bytes"
	"fmt"
	"testing"

	"backoffice/invoicing"
	"backoffice/invoicing/einvoice"
	"backoffice/invoicing/einvoice/ubl"
)

// BenchmarkUBL20Lines builds and writes the UBL of a 20-line invoice at
// two rates with discounts, without and with a 30 kB PDF embedded.
func BenchmarkUBL20Lines(b *testing.B) {
	var lines []invoicing.Line
	for i := range 20 {
		// 3 x 12.50 less 10 % = 33.75; at 9 % every other line.
		code, rate, kind := "21", "21", invoicing.TaxStandard
		if i%2 == 1 {
			code, rate, kind = "9", "9", invoicing.TaxReduced
		}
		lines = append(lines, line(i+1, fmt.Sprintf("Article %d, a description of some length", i+1), "3", "pcs", "12.50", "10", code, rate, kind, 3375))
	}
	pdf := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("x"), 30<<10)...)
	for _, c := range []struct {
		name string
		pdf  []byte
	}{{"no PDF", nil}, {"PDF 30 kB", pdf}} {
		b.Run(c.name, func(b *testing.B) {
			in := fixture(lines...)
			b.ReportAllocs()
			for b.Loop() {
				d, err := Build(in)
				if err != nil {
					b.Fatal(err)
				}
				if c.pdf != nil {
					d.Attachments = []einvoice.Attachment{PDFAttachment(in.Invoice, c.pdf)}
				}
				if _, err := ubl.Write(d); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
