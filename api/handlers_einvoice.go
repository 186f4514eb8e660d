package api

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"backoffice/invoicing"
	"backoffice/invoicing/einvoice"
	"backoffice/invoicing/einvoice/sales"
	"backoffice/invoicing/einvoice/ubl"
	"backoffice/ledger"
)

// documentUBL answers an issued invoice or credit note as a Peppol BIS
// Billing 3.0 UBL document (docs/invoicing.md, "E-invoices (UBL)"), its PDF
// embedded unless ?pdf=false.
func (s *Server) documentUBL(kind invoicing.Kind) gin.HandlerFunc {
	return func(c *gin.Context) {
		withPDF := true
		if v, ok := c.GetQuery("pdf"); ok {
			if v != "true" && v != "false" {
				s.fail(c, invalidParam("pdf", ledger.ReasonParameterInvalid, "pdf is true (embed the PDF, the default) or false, got %q", v))
				return
			}
			withPDF = v == "true"
		}
		inv, orig, err := s.issuedDocument(c, kind)
		if err != nil {
			s.fail(c, err)
			return
		}
		ctx, ent := c.Request.Context(), entity(c)
		body, err := s.ubl(ctx, ent, inv, orig, withPDF)
		if err != nil {
			s.fail(c, err)
			return
		}
		c.Header("Content-Disposition", attachment(inv.Number, "xml"))
		c.Data(http.StatusOK, "application/xml", body)
	}
}

// ubl builds and writes the e-invoice of an issued document. The document
// is built, and so checked, before the PDF is rendered: a refusal costs no
// rendering.
func (s *Server) ubl(ctx context.Context, ent *ledger.Entity, inv, orig *invoicing.Invoice, withPDF bool) ([]byte, error) {
	cust, err := s.store.Customer(ctx, ent.ID, inv.CustomerID)
	if err != nil {
		return nil, err
	}
	var refs []string
	if inv.Kind == invoicing.KindInvoice {
		if refs, err = s.store.OrderRefs(ctx, ent.ID, inv.ID); err != nil {
			return nil, err
		}
	}
	d, err := sales.Build(sales.Input{Entity: ent, Invoice: inv, Customer: cust, Credited: orig, OrderRefs: refs})
	if err != nil {
		return nil, err
	}
	if withPDF {
		pdf, err := s.renderPDF(ctx, ent, inv, orig)
		if err != nil {
			return nil, err
		}
		d.Attachments = []einvoice.Attachment{sales.PDFAttachment(inv, pdf)}
	}
	out, err := ubl.Write(d)
	if err != nil {
		// Built from our own records: a refusal is a bug here.
		return nil, ledger.Internal(err)
	}
	return out, nil
}
