package api

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"backoffice/invoicing/einvoice"
	"backoffice/invoicing/einvoice/parse"
	"backoffice/invoicing/purchases"
	"backoffice/invoicing/purchases/receive"
	"backoffice/ledger"
	"backoffice/ledger/money"
	"backoffice/ledger/vatid"
)

// Received e-invoices (docs/purchases.md, "Receiving e-invoices"): a UBL or
// CII file, or a Factur-X/ZUGFeRD PDF, becomes a draft purchase invoice in
// one unit of work. Nothing is booked.

// einvoiceReceiveRoute takes files up to purchases.MaxDocumentBytes (an
// e-invoice may embed its PDF), as the inbox upload does (limitBody).
const einvoiceReceiveRoute = "/v1/entities/:entity/purchase-invoices/e-invoice"

// receiveRequest is the JSON form: an inbox document to turn into a draft,
// with the accountant's overrides (the query parameters of the file form).
type receiveRequest struct {
	DocumentID   int64  `json:"document_id"`
	SupplierID   *int64 `json:"supplier_id"`
	Account      string `json:"account"`
	ExchangeRate string `json:"exchange_rate"`
}

// receivedView is the draft as the API shows it, with what receiving it
// found.
type receivedView struct {
	*purchases.InvoiceView
	Findings        []receive.Finding `json:"findings"`
	SupplierCreated bool              `json:"supplier_created"`
	Prepaid         *prepaidView      `json:"prepaid,omitempty"`
}

// prepaidView is the document's prepaid amount and the supplier payment it
// was matched to (nil: none found), to allocate once the draft is booked.
type prepaidView struct {
	Amount    string `json:"amount"`
	PaymentID *int64 `json:"payment_id"`
}

// einvoiceError turns what parse refused into the API's error.
func einvoiceError(err error) error {
	var pe *parse.Error
	if !errors.As(err, &pe) {
		return err
	}
	var e *ledger.Error
	switch pe.Kind {
	case parse.KindHostile:
		e = ledger.Errorf(ledger.CodeInvalid, ledger.ReasonEInvoiceHostile, "the file is refused: %s", pe.Message)
	case parse.KindInvalid:
		e = ledger.Errorf(ledger.CodeInvalid, ledger.ReasonEInvoiceInvalid, "the e-invoice cannot be read: %s", pe.Message)
	default:
		e = ledger.Errorf(ledger.CodeUnsupported, ledger.ReasonEInvoiceNotRecognised, "the file is not an e-invoice (UBL, CII or a Factur-X/ZUGFeRD PDF): %s", pe.Message)
	}
	e.Details = map[string]any{"kind": pe.Kind}
	return e
}

// inboxEInvoice reads what an inbox upload is: a PDF, PNG or JPEG by its
// first bytes (a PDF with an embedded e-invoice says so), else the XML of
// an e-invoice, which must read as one (a hostile or broken file is not
// kept).
func inboxEInvoice(body []byte) (contentType, syntax string, err error) {
	if kind := purchases.SniffDocument(body); kind != "" {
		if kind == purchases.TypePDF {
			syntax = parse.Sniff(body)
		}
		return kind, syntax, nil
	}
	syntax = parse.Sniff(body)
	if syntax != parse.SyntaxUBL && syntax != parse.SyntaxCII {
		return "", "", nil
	}
	if _, err := parse.Parse(body); err != nil {
		return "", "", einvoiceError(err)
	}
	return purchases.TypeXML, syntax, nil
}

// ctxEInvoice holds a received file parsed before the unit of work.
const ctxEInvoice = "backoffice.einvoice"

// parsedEInvoice is a received file as parseEInvoiceFirst read it.
type parsedEInvoice struct {
	doc    *einvoice.Document
	syntax string
}

// parseEInvoiceFirst reads and parses the file form of POST
// .../e-invoice before the unit of work opens: parsing a large file then
// holds no write lock, and a file refused writes nothing. The JSON form
// reads its inbox document inside the unit.
func (s *Server) parseEInvoiceFirst(c *gin.Context) {
	if mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type")); isJSON(mt) {
		return
	}
	data, err := readBody(c)
	if err == nil && len(data) == 0 {
		err = ledger.Errorf(ledger.CodeMalformed, ledger.ReasonBodyEmpty, "the request body is empty; send the e-invoice file")
	}
	var d *einvoice.Document
	var syntax string
	if err == nil {
		d, syntax, err = parse.ParseSyntax(data)
		err = einvoiceError(err)
	}
	if err != nil {
		s.fail(c, err)
		c.Abort()
		return
	}
	c.Set(ctxEInvoice, &parsedEInvoice{doc: d, syntax: syntax})
}

// receiveEInvoice is POST .../purchase-invoices/e-invoice.
func (s *Server) receiveEInvoice(c *gin.Context) {
	ctx := c.Request.Context()
	ent, pr := entity(c), principal(c)
	var req receiveRequest
	var data []byte
	var doc *purchases.Document // the file's document: kept, or made here
	var edoc *einvoice.Document
	var syntax string
	uploaded := false
	if p, ok := c.Get(ctxEInvoice); ok {
		var err error
		if req, err = receiveQuery(c); err != nil {
			s.fail(c, err)
			return
		}
		data, _ = readBody(c) // read and parsed by parseEInvoiceFirst
		edoc, syntax = p.(*parsedEInvoice).doc, p.(*parsedEInvoice).syntax
	} else {
		if err := decode(c, &req); err != nil {
			s.fail(c, err)
			return
		}
		if req.DocumentID <= 0 {
			s.fail(c, invalidParam("document_id", ledger.ReasonFieldRequired, "document_id is required: the inbox document to receive (or send the file itself, not as JSON)"))
			return
		}
		d, b, err := s.purchases.DocumentContent(ctx, ent.ID, req.DocumentID)
		if err != nil {
			s.fail(c, err)
			return
		}
		if d.Status != purchases.DocumentInbox {
			e := ledger.Errorf(ledger.CodeConflict, ledger.ReasonDocumentLinked, "document %d already supports a purchase invoice (%s)", d.ID, d.Status)
			e.Details = map[string]any{"document_id": d.ID}
			s.fail(c, e)
			return
		}
		doc, data = d, b
		if edoc, syntax, err = parse.ParseSyntax(data); err != nil {
			s.fail(c, einvoiceError(err))
			return
		}
	}
	sup, matchWarn, err := s.matchSupplier(c, req.SupplierID, edoc)
	if err != nil {
		s.fail(c, err)
		return
	}
	if doc == nil {
		// The file first: the same file twice is refused here, naming the
		// document (and the purchase invoice resting on it).
		name := strings.TrimSpace(c.Query("file_name"))
		ct := purchases.TypeXML
		if syntax == parse.SyntaxPDFEInvoice {
			ct = purchases.TypePDF
		}
		if name == "" {
			name = "e-invoice-" + safeFilename(edoc.Number) + "." + purchases.DocumentExt(ct)
		}
		if doc, err = s.purchases.UploadDocument(ctx, pr, ent, &purchases.DocumentInput{FileName: name, ContentType: ct, EInvoice: syntax, Data: data}); err != nil {
			s.fail(c, err)
			return
		}
		uploaded = true
	}
	res, err := s.mapEInvoice(c, edoc, sup, req)
	if err != nil {
		s.fail(c, err)
		return
	}
	if matchWarn != nil {
		res.Findings = append(res.Findings, *matchWarn)
	}
	if res.Blocked() {
		// The draft waits: the file stays in the inbox (this answer commits
		// its upload), to retry from with {"document_id": ...} once fixed.
		// Nothing else is written.
		if uploaded {
			c.Set(ctxKeepWrites, true)
		}
		s.fail(c, unmapped(res, doc.ID))
		return
	}
	created := false
	if sup == nil {
		sin, warn := receive.SupplierFrom(edoc, req.Account)
		res.Findings = append(res.Findings, warn...)
		if sup, err = s.purchases.CreateSupplier(ctx, pr, ent, sin); err != nil {
			s.fail(c, err)
			return
		}
		created = true
	}
	ids := []int64{doc.ID}
	for i, a := range edoc.Attachments {
		// A Factur-X PDF comes back as its own attachment: it is the file.
		if a.MimeCode != purchases.TypePDF || purchases.SniffDocument(a.Data) != purchases.TypePDF || bytes.Equal(a.Data, data) {
			continue
		}
		id, f, err := s.keepAttachment(c, edoc, i, a)
		if err != nil {
			s.fail(c, err)
			return
		}
		if f != nil {
			res.Findings = append(res.Findings, *f)
		} else {
			ids = append(ids, id)
		}
	}
	in := res.Invoice
	in.SupplierID, in.DocumentIDs = &sup.ID, ids
	inv, err := s.purchases.CreatePurchaseInvoice(ctx, pr, ent, &in)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := receivedView{InvoiceView: inv.View(ent, ent.Today()), Findings: res.Findings, SupplierCreated: created}
	if res.PrepaidMinor > 0 {
		pv, f, err := s.matchPrepaid(c, sup.ID, res)
		if err != nil {
			s.fail(c, err)
			return
		}
		if f != nil {
			out.Findings = append(out.Findings, *f)
		}
		out.Prepaid = pv
	}
	if out.Findings == nil {
		out.Findings = []receive.Finding{}
	}
	c.Header("Location", fmt.Sprintf("/v1/entities/%d/purchase-invoices/%d", inv.EntityID, inv.ID))
	c.JSON(http.StatusCreated, out)
}

// receiveQuery reads the overrides of the file form from the query.
func receiveQuery(c *gin.Context) (receiveRequest, error) {
	req := receiveRequest{Account: strings.TrimSpace(c.Query("account")), ExchangeRate: strings.TrimSpace(c.Query("exchange_rate"))}
	if name := c.Query("file_name"); utf8.RuneCountInString(name) > 255 {
		return req, invalidParam("file_name", ledger.ReasonFileNameInvalid, "file_name is longer than 255 characters")
	}
	if v := c.Query("supplier_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return req, invalidParam("supplier_id", ledger.ReasonParameterInvalid, "supplier_id %q is not an id", v)
		}
		req.SupplierID = &id
	}
	return req, nil
}

// matchSupplier is the supplier given, else the active supplier with the
// seller's VAT number, else its electronic address, else the IBAN it asks
// to be paid into; nil: none (one is created from the document). By
// electronic address or IBAN, a supplier with another VAT number than the
// seller's is not the seller (a factoring house's IBAN is shared by its
// clients), and more than one supplier matching is said in a warning.
func (s *Server) matchSupplier(c *gin.Context, id *int64, d *einvoice.Document) (*purchases.Supplier, *receive.Finding, error) {
	ctx, entityID := c.Request.Context(), entity(c).ID
	if id != nil {
		sup, err := s.purchases.Supplier(ctx, entityID, *id)
		if ledger.IsCode(err, ledger.CodeNotFound) {
			return nil, nil, invalidParam("supplier_id", ledger.ReasonSupplierNotFound, "supplier %d does not exist in this entity", *id)
		}
		return sup, nil, err
	}
	vat := purchases.NormalizeVATNumber(d.Seller.VATNumber)
	iban, _, _ := receive.IBAN(d)
	for _, f := range []purchases.SupplierFilter{
		{VATNumber: vat},
		{ElectronicAddress: receive.ElectronicAddress(d.Seller)},
		{IBAN: iban},
	} {
		if f.VATNumber == "" && f.ElectronicAddress == "" && f.IBAN == "" {
			continue
		}
		// Enough to see past a few passed over and still tell one match
		// from several.
		f.Limit = 10
		list, err := s.purchases.Suppliers(ctx, entityID, f)
		if err != nil {
			return nil, nil, err
		}
		if f.VATNumber == "" {
			list = slices.DeleteFunc(list, func(sup *purchases.Supplier) bool { return otherVATNumber(vat, sup.VATNumber) })
		}
		if len(list) == 0 {
			continue
		}
		var warn *receive.Finding
		if len(list) > 1 {
			by := "VAT number " + f.VATNumber
			if f.ElectronicAddress != "" {
				by = "electronic address " + f.ElectronicAddress
			} else if f.IBAN != "" {
				by = "IBAN " + f.IBAN
			}
			warn = &receive.Finding{Rule: receive.RuleSupplier, Path: "Seller", Severity: receive.SeverityWarning,
				Message: fmt.Sprintf("more than one supplier has the seller's %s: the draft is for %s (supplier %d); pass supplier_id for another", by, list[0].Name, list[0].ID)}
		}
		return list[0], warn, nil
	}
	return nil, nil, nil
}

// otherVATNumber reports a supplier whose VAT number says it is not the
// seller: both numbers valid and different. A document's number that fails
// its check (a typo, no prefix) proves nothing, and a Northern Irish trader
// is the same under XI (goods) as under GB.
func otherVATNumber(doc, stored string) bool {
	if doc == "" || stored == "" {
		return false
	}
	if _, err := vatid.Check(doc); err != nil {
		return false
	}
	same := func(v string) string {
		if strings.HasPrefix(v, "XI") {
			return "GB" + v[2:]
		}
		return v
	}
	return same(doc) != same(stored)
}

// mapEInvoice maps the document with the entity's settings and codes.
func (s *Server) mapEInvoice(c *gin.Context, d *einvoice.Document, sup *purchases.Supplier, req receiveRequest) (*receive.Result, error) {
	ctx, ent := c.Request.Context(), entity(c)
	set, err := s.purchases.Settings(ctx, ent.ID)
	if err != nil {
		return nil, err
	}
	codes, err := s.purchases.TaxCodes(ctx, ent.ID, false)
	if err != nil {
		return nil, err
	}
	in := &receive.Input{Doc: d, Entity: ent, Settings: set, TaxCodes: codes, Supplier: sup, Account: req.Account, ExchangeRate: req.ExchangeRate}
	var lookupErr error
	if sup != nil {
		in.Credited = func(number string) (int64, bool) {
			list, err := s.purchases.PurchaseInvoices(ctx, ent.ID, purchases.InvoiceFilter{SupplierID: sup.ID, Kind: purchases.KindInvoice,
				Status: purchases.StatusBooked, SupplierNumber: number, Limit: 1})
			if err != nil {
				lookupErr = err
				return 0, false
			}
			if len(list) == 0 {
				return 0, false
			}
			return list[0].ID, true
		}
	}
	res := receive.Map(in)
	return res, lookupErr
}

// unmapped is the 422 of a document that cannot become a draft: each
// error finding as a problem (its rule in the message), all findings in
// findings[], and the document kept in the inbox.
func unmapped(res *receive.Result, documentID int64) error {
	var p ledger.Problems
	for _, f := range res.Findings {
		if f.Severity == receive.SeverityError {
			p.Add(f.Path, ledger.ReasonEInvoiceUnmapped, "[%s] %s", f.Rule, f.Message)
		}
	}
	e := ledger.As(p.Err())
	e.Message = fmt.Sprintf("the e-invoice cannot become a draft as it is (%d findings); it is kept as document %d: fix what is listed and retry with {\"document_id\": %d}",
		len(p), documentID, documentID)
	e.Details = map[string]any{"findings": res.Findings, "document_id": documentID}
	return e
}

// keepAttachment stores a PDF the e-invoice embeds as a document of its
// own. The same file already in the inbox (the supplier mailed the PDF
// too) is taken as it is; one supporting another purchase invoice is
// left out, with a warning.
func (s *Server) keepAttachment(c *gin.Context, d *einvoice.Document, i int, a einvoice.Attachment) (int64, *receive.Finding, error) {
	ctx, ent := c.Request.Context(), entity(c)
	name := strings.TrimSpace(a.FileName)
	if name == "" || utf8.RuneCountInString(name) > 255 {
		name = "e-invoice-" + safeFilename(d.Number) + ".pdf"
	}
	doc, err := s.purchases.UploadDocument(ctx, principal(c), ent, &purchases.DocumentInput{FileName: name, ContentType: purchases.TypePDF,
		EInvoice: parse.Sniff(a.Data), Data: a.Data})
	if err == nil {
		return doc.ID, nil, nil
	}
	e := ledger.As(err)
	if e == nil || e.Reason != ledger.ReasonDocumentDuplicate {
		return 0, nil, err
	}
	id, _ := e.Details["document_id"].(int64)
	if id != 0 {
		if other, err := s.purchases.Document(ctx, ent.ID, id); err != nil {
			return 0, nil, err
		} else if other.Status == purchases.DocumentInbox {
			return id, nil, nil
		}
	}
	return 0, &receive.Finding{Rule: "BO-ATTACHMENT", Path: fmt.Sprintf("Attachments[%d]", i), Severity: receive.SeverityWarning,
		Message: fmt.Sprintf("the embedded PDF is already document %d, which supports another purchase invoice: not attached", id)}, nil
}

// matchPrepaid finds the supplier payment a prepaid amount was: an
// unallocated payment made to the supplier, not removed, in the
// document's currency, with at least that much open (the exact amount
// first, else the oldest). Nothing is allocated here.
func (s *Server) matchPrepaid(c *gin.Context, supplierID int64, res *receive.Result) (*prepaidView, *receive.Finding, error) {
	ctx, ent := c.Request.Context(), entity(c)
	exp, _ := money.Exponent(res.Currency)
	pv := &prepaidView{Amount: money.Format(res.PrepaidMinor, exp)}
	var match *purchases.Payment
	after := int64(0)
	for {
		list, err := s.purchases.SupplierPayments(ctx, ent.ID, purchases.PaymentFilter{SupplierID: supplierID, After: after, Limit: 100})
		if err != nil {
			return nil, nil, err
		}
		for i, p := range list {
			if i == 100 {
				break
			}
			after = p.ID
			open := p.UnallocatedMinor()
			if p.Direction != purchases.DirectionPaid || p.Currency != res.Currency || open < res.PrepaidMinor {
				continue
			}
			if match == nil || (open == res.PrepaidMinor && match.UnallocatedMinor() != res.PrepaidMinor) {
				match = p
			}
		}
		if len(list) <= 100 {
			break
		}
	}
	if match == nil {
		return pv, &receive.Finding{Rule: receive.RulePrepaid, Path: "Totals.Prepaid", Severity: receive.SeverityWarning,
			Message: fmt.Sprintf("the document says %s %s is paid already, but no unallocated payment of at least that much to this supplier was found", pv.Amount, res.Currency)}, nil
	}
	pv.PaymentID = &match.ID
	return pv, nil, nil
}
