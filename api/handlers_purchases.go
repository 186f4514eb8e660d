package api

import (
	"fmt"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"backoffice/invoicing/purchases"
	"backoffice/ledger"
)

// Purchases: suppliers. The handlers reach the purchases store through
// the Server (s.purchases), bound to the request's unit of work on writes.

func (s *Server) createSupplier(c *gin.Context) {
	var in purchases.SupplierInput
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	sup, err := s.purchases.CreateSupplier(c.Request.Context(), principal(c), entity(c), &in)
	if err == nil {
		c.Header("Location", fmt.Sprintf("/v1/entities/%d/suppliers/%d", sup.EntityID, sup.ID))
	}
	s.respond(c, http.StatusCreated, sup, err)
}

func (s *Server) listSuppliers(c *gin.Context) {
	limit, after, err := idPageParams(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	list, err := s.purchases.Suppliers(c.Request.Context(), entity(c).ID, purchases.SupplierFilter{
		Query:           c.Query("q"),
		VATNumber:       purchases.NormalizeVATNumber(c.Query("vat_number")),
		IBAN:            purchases.NormalizeIBANQuery(c.Query("iban")),
		IncludeArchived: c.Query("include_archived") == "true",
		After:           after, Limit: limit})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, idPage(list, limit, func(x *purchases.Supplier) int64 { return x.ID }))
}

func (s *Server) getSupplier(c *gin.Context) {
	id, err := idParam(c, "supplier", "supplier")
	if err != nil {
		s.fail(c, err)
		return
	}
	sup, err := s.purchases.Supplier(c.Request.Context(), entity(c).ID, id)
	s.respond(c, http.StatusOK, sup, err)
}

func (s *Server) updateSupplier(c *gin.Context) {
	id, err := idParam(c, "supplier", "supplier")
	if err != nil {
		s.fail(c, err)
		return
	}
	var in purchases.SupplierInput
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	sup, err := s.purchases.UpdateSupplier(c.Request.Context(), principal(c), entity(c), id, &in)
	s.respond(c, http.StatusOK, sup, err)
}

func (s *Server) archiveSupplier(c *gin.Context) {
	id, err := idParam(c, "supplier", "supplier")
	if err != nil {
		s.fail(c, err)
		return
	}
	sup, err := s.purchases.ArchiveSupplier(c.Request.Context(), principal(c), entity(c), id)
	s.respond(c, http.StatusOK, sup, err)
}

// documentUploadRoute takes files up to purchases.MaxDocumentBytes, so it
// has a limit of its own (limitBody).
const documentUploadRoute = "/v1/entities/:entity/documents"

// uploadDocument puts the raw body into the entity's inbox. Its type is
// read from the content, never taken from the Content-Type: a PDF, PNG or
// JPEG, or the XML of an e-invoice (UBL or CII, which must read as one),
// and a Content-Type naming another is refused. What e-invoice it is
// (einvoice) is kept, so the inbox shows which uploads can become drafts.
func (s *Server) uploadInboxDocument(c *gin.Context) {
	name := strings.TrimSpace(c.Query("file_name"))
	if utf8.RuneCountInString(name) > 255 || !utf8.ValidString(name) {
		s.fail(c, invalidParam("file_name", ledger.ReasonFileNameInvalid, "file_name is longer than 255 characters or not UTF-8"))
		return
	}
	body, err := readBody(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if len(body) == 0 {
		s.fail(c, ledger.Errorf(ledger.CodeMalformed, ledger.ReasonBodyEmpty, "the request body is empty; send the file"))
		return
	}
	kind, syntax, err := inboxEInvoice(body)
	if err != nil {
		s.fail(c, err)
		return
	}
	if kind == "" {
		s.fail(c, ledger.Errorf(ledger.CodeUnsupported, ledger.ReasonDocumentTypeUnsupported,
			"the file is not a PDF, PNG, JPEG or the XML of an e-invoice (its type is read from its content)"))
		return
	}
	mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	switch mt {
	case "image/jpg":
		mt = purchases.TypeJPEG
	case "text/xml":
		mt = purchases.TypeXML
	}
	if mt != "" && mt != "application/octet-stream" && mt != kind {
		s.fail(c, ledger.Errorf(ledger.CodeInvalid, ledger.ReasonDocumentTypeMismatch,
			"the Content-Type says %q but the file is %s by its content", c.GetHeader("Content-Type"), kind))
		return
	}
	if name == "" {
		name = "document." + purchases.DocumentExt(kind)
	}
	d, err := s.purchases.UploadDocument(c.Request.Context(), principal(c), entity(c), &purchases.DocumentInput{FileName: name, ContentType: kind, EInvoice: syntax, Data: body})
	if err == nil {
		c.Header("Location", fmt.Sprintf("/v1/entities/%d/documents/%d", d.EntityID, d.ID))
	}
	s.respond(c, http.StatusCreated, d, err)
}

func (s *Server) listInboxDocuments(c *gin.Context) {
	limit, after, err := idPageParams(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	status := c.Query("status")
	if status != "" && status != purchases.DocumentInbox && status != purchases.DocumentDraft && status != purchases.DocumentBooked {
		s.fail(c, invalidParam("status", ledger.ReasonParameterInvalid, "status %q is not one of inbox, draft, booked", status))
		return
	}
	list, err := s.purchases.Documents(c.Request.Context(), entity(c).ID, purchases.DocumentFilter{Status: status, After: after, Limit: limit})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, idPage(list, limit, func(x *purchases.Document) int64 { return x.ID }))
}

func (s *Server) getInboxDocument(c *gin.Context) {
	id, err := idParam(c, "document", "document")
	if err != nil {
		s.fail(c, err)
		return
	}
	d, err := s.purchases.Document(c.Request.Context(), entity(c).ID, id)
	s.respond(c, http.StatusOK, d, err)
}

// documentContent sends a document's bytes as an attachment, with the
// type read from them at upload (and nosniff, from apiHeaders).
func (s *Server) inboxDocumentContent(c *gin.Context) {
	id, err := idParam(c, "document", "document")
	if err != nil {
		s.fail(c, err)
		return
	}
	d, data, err := s.purchases.DocumentContent(c.Request.Context(), entity(c).ID, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	// FormatMediaType quotes the name, or encodes it (RFC 2231) when it
	// has other than printable ASCII; a name it cannot carry is cut down.
	disp := mime.FormatMediaType("attachment", map[string]string{"filename": d.FileName})
	if disp == "" {
		disp = attachment(d.FileName, purchases.DocumentExt(d.ContentType))
	}
	c.Header("Content-Disposition", disp)
	c.Data(http.StatusOK, d.ContentType, data)
}
