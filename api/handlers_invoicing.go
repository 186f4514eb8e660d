package api

import (
	"bytes"
	"context"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"backoffice/invoicing"
	"backoffice/invoicing/pdf"
	"backoffice/ledger"
	"backoffice/ledger/money"
)

// Invoicing: settings, customers, tax codes, invoices, credit notes,
// payments and allocations. The store posts every money event itself.

func (s *Server) getInvoicingSettings(c *gin.Context) {
	set, err := s.store.Settings(c.Request.Context(), entity(c).ID)
	s.respond(c, http.StatusOK, set, err)
}

func (s *Server) updateInvoicingSettings(c *gin.Context) {
	var in invoicing.SettingsInput
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	set, err := s.store.UpdateSettings(c.Request.Context(), principal(c), entity(c), &in)
	s.respond(c, http.StatusOK, set, err)
}

func (s *Server) createCustomer(c *gin.Context) {
	var in invoicing.CustomerInput
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	cust, err := s.store.CreateCustomer(c.Request.Context(), principal(c), entity(c), &in)
	if err == nil {
		c.Header("Location", fmt.Sprintf("/v1/entities/%d/customers/%d", cust.EntityID, cust.ID))
	}
	s.respond(c, http.StatusCreated, cust, err)
}

func (s *Server) listCustomers(c *gin.Context) {
	limit, after, err := idPageParams(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	list, err := s.store.Customers(c.Request.Context(), entity(c).ID, invoicing.CustomerFilter{
		Query: c.Query("q"), IncludeArchived: c.Query("include_archived") == "true", After: after, Limit: limit})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, idPage(list, limit, func(x *invoicing.Customer) int64 { return x.ID }))
}

func (s *Server) getCustomer(c *gin.Context) {
	id, err := idParam(c, "customer", "customer")
	if err != nil {
		s.fail(c, err)
		return
	}
	cust, err := s.store.Customer(c.Request.Context(), entity(c).ID, id)
	s.respond(c, http.StatusOK, cust, err)
}

func (s *Server) updateCustomer(c *gin.Context) {
	id, err := idParam(c, "customer", "customer")
	if err != nil {
		s.fail(c, err)
		return
	}
	var in invoicing.CustomerInput
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	cust, err := s.store.UpdateCustomer(c.Request.Context(), principal(c), entity(c), id, &in)
	s.respond(c, http.StatusOK, cust, err)
}

func (s *Server) archiveCustomer(c *gin.Context) {
	id, err := idParam(c, "customer", "customer")
	if err != nil {
		s.fail(c, err)
		return
	}
	cust, err := s.store.ArchiveCustomer(c.Request.Context(), principal(c), entity(c), id)
	s.respond(c, http.StatusOK, cust, err)
}

func (s *Server) listTaxCodes(c *gin.Context) {
	list, err := s.store.TaxCodes(c.Request.Context(), entity(c).ID, c.Query("include_archived") == "true")
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, page[*invoicing.TaxCode]{Data: list})
}

func (s *Server) createTaxCode(c *gin.Context) {
	var in invoicing.TaxCodeInput
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	t, err := s.store.CreateTaxCode(c.Request.Context(), principal(c), entity(c), &in)
	if err == nil {
		c.Header("Location", fmt.Sprintf("/v1/entities/%d/tax-codes/%s", t.EntityID, url.PathEscape(t.Code)))
	}
	s.respond(c, http.StatusCreated, t, err)
}

func (s *Server) getTaxCode(c *gin.Context) {
	t, err := s.store.TaxCode(c.Request.Context(), entity(c).ID, c.Param("code"))
	s.respond(c, http.StatusOK, t, err)
}

func (s *Server) updateTaxCode(c *gin.Context) {
	var in invoicing.TaxCodeInput
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	t, err := s.store.UpdateTaxCode(c.Request.Context(), principal(c), entity(c), c.Param("code"), &in)
	s.respond(c, http.StatusOK, t, err)
}

func (s *Server) archiveTaxCode(c *gin.Context) {
	t, err := s.store.ArchiveTaxCode(c.Request.Context(), principal(c), entity(c), c.Param("code"))
	s.respond(c, http.StatusOK, t, err)
}

// document answers with one invoice or credit note.
func (s *Server) document(c *gin.Context, status int, inv *invoicing.Invoice, err error) {
	if err != nil {
		s.fail(c, err)
		return
	}
	ent := entity(c)
	c.JSON(status, inv.View(ent, ent.Today()))
}

// loadDocument reads the :id document of the wanted kind; a document of the
// other kind is not found here (a credit note is not an invoice).
func (s *Server) loadDocument(c *gin.Context, kind invoicing.Kind) (*invoicing.Invoice, error) {
	id, err := idParam(c, "id", string(kind))
	if err != nil {
		return nil, err
	}
	inv, err := s.store.Invoice(c.Request.Context(), entity(c).ID, id)
	if err != nil {
		return nil, err
	}
	// Drafts are the firm's work in progress: a client sees what was issued.
	if inv.Kind != kind || (inv.StoredStatus == invoicing.StatusDraft && principal(c).Role == ledger.RoleClient) {
		return nil, ledger.NotFound(kindLabel(kind))
	}
	return inv, nil
}

func kindLabel(k invoicing.Kind) string {
	if k == invoicing.KindCreditNote {
		return "credit note"
	}
	return "invoice"
}

func (s *Server) createInvoice(c *gin.Context) {
	var in invoicing.InvoiceInput
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	inv, err := s.store.CreateInvoice(c.Request.Context(), principal(c), entity(c), &in)
	if err == nil {
		c.Header("Location", fmt.Sprintf("/v1/entities/%d/invoices/%d", inv.EntityID, inv.ID))
	}
	s.document(c, http.StatusCreated, inv, err)
}

func (s *Server) listDocuments(kind invoicing.Kind) gin.HandlerFunc {
	return func(c *gin.Context) {
		limit, after, err := idPageParams(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		f := invoicing.InvoiceFilter{Kind: kind, Status: c.Query("status"), After: after, Limit: limit,
			NoDrafts: principal(c).Role == ledger.RoleClient}
		if v := c.Query("customer_id"); v != "" {
			if f.CustomerID, err = strconv.ParseInt(v, 10, 64); err != nil || f.CustomerID <= 0 {
				s.fail(c, invalidParam("customer_id", ledger.ReasonParameterInvalid, "customer_id is a customer's id"))
				return
			}
		}
		ent := entity(c)
		list, err := s.store.Invoices(c.Request.Context(), ent, f)
		if err != nil {
			s.fail(c, err)
			return
		}
		today := ent.Today()
		views := make([]*invoicing.InvoiceView, len(list))
		for i, inv := range list {
			views[i] = inv.View(ent, today)
		}
		c.JSON(http.StatusOK, idPage(views, limit, func(v *invoicing.InvoiceView) int64 { return v.ID }))
	}
}

func (s *Server) getDocument(kind invoicing.Kind) gin.HandlerFunc {
	return func(c *gin.Context) {
		inv, err := s.loadDocument(c, kind)
		s.document(c, http.StatusOK, inv, err)
	}
}

func (s *Server) updateInvoice(c *gin.Context) {
	id, err := idParam(c, "id", "invoice")
	if err != nil {
		s.fail(c, err)
		return
	}
	var in invoicing.InvoiceInput
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	inv, err := s.store.UpdateInvoice(c.Request.Context(), principal(c), entity(c), id, &in)
	s.document(c, http.StatusOK, inv, err)
}

func (s *Server) deleteInvoice(c *gin.Context) {
	id, err := idParam(c, "id", "invoice")
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.store.DeleteInvoice(c.Request.Context(), principal(c), entity(c), id); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) issueInvoice(c *gin.Context) {
	id, err := idParam(c, "id", "invoice")
	if err != nil {
		s.fail(c, err)
		return
	}
	var in invoicing.IssueInput
	if err := decodeOptional(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	opt, err := in.Options()
	if err != nil {
		s.fail(c, err)
		return
	}
	if v, ok := c.Get(ctxVIESCheck); ok {
		pre := v.(invoicing.IssueOptions)
		opt.VIESChecked, opt.VIES = pre.VIESChecked, pre.VIES
	}
	inv, err := s.store.IssueInvoiceWith(c.Request.Context(), principal(c), entity(c), id, opt)
	s.document(c, http.StatusOK, inv, err)
}

// ctxVIESCheck holds the answer of checkVIESFirst.
const ctxVIESCheck = "invoicing.vies_check"

// checkVIESFirst runs before the unit of work of an issue (see unit): it
// asks VIES about the customer of a 0 % intra-EU supply with the store not
// bound to any transaction, so that no write waits while VIES answers; the
// handler passes the answer on (invoicing.IssueOptions.VIESChecked). What
// it cannot read (a bad id or body) is left for the handler to report; a
// replayed Idempotency-Key finds the invoice issued and asks nothing.
func (s *Server) checkVIESFirst(c *gin.Context) {
	id, err := idParam(c, "id", "invoice")
	if err != nil {
		return
	}
	var in invoicing.IssueInput
	if decodeOptional(c, &in) != nil {
		return
	}
	opt, err := in.Options()
	if err != nil {
		return
	}
	if opt, err = s.store.CheckVIES(c.Request.Context(), entity(c), id, opt); err != nil {
		s.fail(c, err)
		c.Abort()
		return
	}
	c.Set(ctxVIESCheck, opt)
}

func (s *Server) voidInvoice(c *gin.Context) {
	id, err := idParam(c, "id", "invoice")
	if err != nil {
		s.fail(c, err)
		return
	}
	inv, err := s.store.VoidInvoice(c.Request.Context(), principal(c), entity(c), id)
	s.document(c, http.StatusOK, inv, err)
}

func (s *Server) createCreditNote(c *gin.Context) {
	id, err := idParam(c, "id", "invoice")
	if err != nil {
		s.fail(c, err)
		return
	}
	var in invoicing.CreditNoteInput
	if err := decodeOptional(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	cn, err := s.store.CreateCreditNote(c.Request.Context(), principal(c), entity(c), id, &in)
	if err == nil {
		c.Header("Location", fmt.Sprintf("/v1/entities/%d/credit-notes/%d", cn.EntityID, cn.ID))
	}
	s.document(c, http.StatusCreated, cn, err)
}

func (s *Server) documentAllocations(kind invoicing.Kind) gin.HandlerFunc {
	return func(c *gin.Context) {
		inv, err := s.loadDocument(c, kind)
		if err != nil {
			s.fail(c, err)
			return
		}
		list, err := s.store.Allocations(c.Request.Context(), entity(c).ID, inv.ID, 0)
		if err != nil {
			s.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, page[*invoicing.AllocationView]{Data: allocationViews(list)})
	}
}

func allocationViews(list []*invoicing.Allocation) []*invoicing.AllocationView {
	out := make([]*invoicing.AllocationView, len(list))
	for i, a := range list {
		out[i] = a.View()
	}
	return out
}

// documentPDF renders an issued invoice or credit note for download, with
// the parties and terms it was issued with.
func (s *Server) documentPDF(kind invoicing.Kind) gin.HandlerFunc {
	return func(c *gin.Context) {
		inv, orig, err := s.issuedDocument(c, kind)
		if err != nil {
			s.fail(c, err)
			return
		}
		body, err := s.renderPDF(c.Request.Context(), entity(c), inv, orig)
		if err != nil {
			s.fail(c, err)
			return
		}
		c.Header("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": inv.Number + ".pdf"}))
		c.Data(http.StatusOK, "application/pdf", body)
	}
}

// issuedDocument loads the route's issued invoice or credit note for a
// download (a draft is 409 invoice_not_issued), with the invoice a credit
// note corrects (nil for an invoice).
func (s *Server) issuedDocument(c *gin.Context, kind invoicing.Kind) (inv, orig *invoicing.Invoice, err error) {
	inv, err = s.loadDocument(c, kind)
	if err != nil {
		return nil, nil, err
	}
	if inv.StoredStatus == invoicing.StatusDraft || inv.Printed == nil {
		return nil, nil, ledger.Errorf(ledger.CodeConflict, ledger.ReasonInvoiceNotIssued,
			"%s %d is a draft; PDFs and e-invoices are made of issued documents only", kindLabel(kind), inv.ID)
	}
	if inv.CreditedInvoiceID != nil {
		if orig, err = s.store.Invoice(c.Request.Context(), entity(c).ID, *inv.CreditedInvoiceID); err != nil {
			return nil, nil, err
		}
	}
	return inv, orig, nil
}

// renderPDF is the PDF of an issued document (orig: the invoice a credit
// note corrects), with what its allocations have settled of it: the one
// rendering the PDF download and the e-invoice's embedded copy share.
func (s *Server) renderPDF(ctx context.Context, ent *ledger.Entity, inv, orig *invoicing.Invoice) ([]byte, error) {
	var credited string
	if orig != nil {
		credited = orig.Number
	}
	allocs, err := s.store.Allocations(ctx, ent.ID, inv.ID, 0)
	if err != nil {
		return nil, err
	}
	doc := pdfDocument(ent, inv, credited, allocs)
	if orig != nil {
		if orig.IssueDate != nil {
			doc.CreditedDate = orig.IssueDate.String()
		}
		if orig.SupplyDate != nil {
			doc.CreditedSupplyDate = orig.SupplyDate.String()
		}
	}
	if inv.Kind == invoicing.KindCreditNote { // how the credit is settled
		for _, a := range allocs {
			switch {
			case a.RemovedAt != nil:
			case a.DebitInvoiceID != nil:
				number := credited
				if orig == nil || *a.DebitInvoiceID != orig.ID {
					other, err := s.store.Invoice(ctx, ent.ID, *a.DebitInvoiceID)
					if err != nil {
						return nil, err
					}
					number = other.Number
				}
				doc.AppliedTo = append(doc.AppliedTo, pdf.Applied{Number: number, AmountMinor: a.AmountMinor})
			case a.DebitPaymentID != nil:
				doc.RefundedMinor += a.AmountMinor
			}
		}
	}
	var buf bytes.Buffer
	if err := pdf.Render(&buf, doc); err != nil {
		return nil, ledger.Internal(err)
	}
	return buf.Bytes(), nil
}

func pdfParty(p invoicing.PrintedParty) pdf.Party {
	return pdf.Party{Name: p.Name, AddressLines: p.Address.Lines, Postcode: p.Address.Postcode, City: p.Address.City,
		Country: p.Address.Country, VATNumber: p.VATNumber, RegistrationID: p.RegistrationID, Email: p.Email}
}

// pdfDocument is the view model of an issued invoice or credit note, with
// what its allocations (allocs, removed ones included) have settled of it.
func pdfDocument(ent *ledger.Entity, inv *invoicing.Invoice, creditedNumber string, allocs []*invoicing.Allocation) *pdf.Document {
	exp, _ := money.Exponent(inv.Currency)
	pr := inv.Printed
	d := &pdf.Document{
		Kind: string(inv.Kind), Language: pr.Language, Number: inv.Number, CreditedNumber: creditedNumber,
		Void: inv.StoredStatus == invoicing.StatusVoid, Supplier: pdfParty(pr.Supplier), Customer: pdfParty(pr.Customer),
		Currency: inv.Currency, Exponent: exp, NetMinor: inv.NetMinor, TaxMinor: inv.TaxMinor, TotalMinor: inv.TotalMinor,
		BankIBAN: pr.IBAN, Notes: inv.Notes, BuyerReference: inv.BuyerReference,
	}
	if inv.Kind == invoicing.KindInvoice {
		d.PaymentReference = inv.Number // a credit note is not paid
	}
	if inv.StoredStatus == invoicing.StatusIssued {
		d.SettledMinor, d.PaidMinor = inv.SettledMinor, inv.PaidMinor
		// Settled in full: on the latest date of the allocations that
		// stand (the last one to settle it may be backdated before an
		// earlier one).
		if inv.OpenMinor() == 0 {
			var last *ledger.Date
			for _, a := range allocs {
				if a.RemovedAt == nil && (last == nil || a.Date.After(*last)) {
					last = &a.Date
				}
			}
			if last != nil {
				d.SettledDate = last.String()
			}
		}
	}
	if inv.IssueDate != nil {
		d.IssueDate = inv.IssueDate.String()
	}
	if inv.SupplyDate != nil {
		d.SupplyDate = inv.SupplyDate.String()
	}
	if inv.DueDate != nil {
		d.DueDate = inv.DueDate.String()
		d.PaymentTermsDays = pr.PaymentTermsDays
	}
	for _, l := range inv.Lines {
		d.Lines = append(d.Lines, pdf.Line{Description: l.Description, Quantity: l.Quantity.String(), Unit: l.Unit,
			UnitPrice: l.UnitPrice.String(), DiscountPercent: l.DiscountPercent.String(), NetMinor: l.NetMinor,
			TaxCode: l.TaxCode, TaxRate: l.TaxRate.String(), TaxKind: string(l.TaxKind)})
	}
	d.LegalNotes = map[string]string{}
	for _, r := range invoicing.VATBreakdown(inv.Lines, exp) {
		d.VAT = append(d.VAT, pdf.VATRow{Code: r.TaxCode, Rate: r.Rate.String(), Kind: string(r.Kind), NetMinor: r.NetMinor, TaxMinor: r.TaxMinor})
		d.LegalNotes[string(r.Kind)] = r.Kind.LegalNoteIn(pr.Language)
		if r.Kind == invoicing.TaxExempt && pr.VATScheme == string(ledger.VATSmallBusiness) {
			d.LegalNotes[string(r.Kind)] = "" // the KOR note says why, not art. 11 beside it
		}
	}
	if pr.VATScheme == string(ledger.VATSmallBusiness) {
		d.DocumentNote = invoicing.KORNote(pr.Language)
	}
	if inv.Currency != ent.Currency && !inv.ExchangeRate.IsZero() {
		fexp, _ := money.Exponent(ent.Currency)
		d.FunctionalCurrency, d.FunctionalExponent, d.ExchangeRate = ent.Currency, fexp, inv.ExchangeRate.String()
		d.TaxMinorFunctional = inv.FunctionalTax(ent)
	}
	return d
}

func (s *Server) recordPayment(c *gin.Context) {
	var in invoicing.PaymentInput
	if err := decode(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	pay, err := s.store.RecordPayment(c.Request.Context(), principal(c), entity(c), &in)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Location", fmt.Sprintf("/v1/entities/%d/payments/%d", pay.EntityID, pay.ID))
	c.JSON(http.StatusCreated, pay.View(entity(c)))
}

func (s *Server) listPayments(c *gin.Context) {
	limit, after, err := idPageParams(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	f := invoicing.PaymentFilter{After: after, Limit: limit}
	if v := c.Query("customer_id"); v != "" {
		if f.CustomerID, err = strconv.ParseInt(v, 10, 64); err != nil || f.CustomerID <= 0 {
			s.fail(c, invalidParam("customer_id", ledger.ReasonParameterInvalid, "customer_id is a customer's id"))
			return
		}
	}
	ent := entity(c)
	list, err := s.store.Payments(c.Request.Context(), ent.ID, f)
	if err != nil {
		s.fail(c, err)
		return
	}
	views := make([]*invoicing.PaymentView, len(list))
	for i, p := range list {
		views[i] = p.View(ent)
	}
	c.JSON(http.StatusOK, idPage(views, limit, func(v *invoicing.PaymentView) int64 { return v.ID }))
}

func (s *Server) getPayment(c *gin.Context) {
	id, err := idParam(c, "id", "payment")
	if err != nil {
		s.fail(c, err)
		return
	}
	pay, err := s.store.Payment(c.Request.Context(), entity(c).ID, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, pay.View(entity(c)))
}

func (s *Server) removePayment(c *gin.Context) {
	id, err := idParam(c, "id", "payment")
	if err != nil {
		s.fail(c, err)
		return
	}
	pay, err := s.store.RemovePayment(c.Request.Context(), principal(c), entity(c), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, pay.View(entity(c)))
}

// allocate allocates a payment's unallocated rest, or a credit note's open
// credit, to documents.
func allocate(fromCreditNote bool) handler {
	return func(s *Server, c *gin.Context) {
		id, err := idParam(c, "id", map[bool]string{true: "credit note", false: "payment"}[fromCreditNote])
		if err != nil {
			s.fail(c, err)
			return
		}
		var in struct {
			Allocations []invoicing.AllocationInput `json:"allocations"`
		}
		if err := decode(c, &in); err != nil {
			s.fail(c, err)
			return
		}
		list, err := s.store.Allocate(c.Request.Context(), principal(c), entity(c), id, fromCreditNote, in.Allocations)
		if err != nil {
			s.fail(c, err)
			return
		}
		c.JSON(http.StatusCreated, page[*invoicing.AllocationView]{Data: allocationViews(list)})
	}
}

func (s *Server) removeAllocation(c *gin.Context) {
	id, err := idParam(c, "id", "allocation")
	if err != nil {
		s.fail(c, err)
		return
	}
	a, err := s.store.RemoveAllocation(c.Request.Context(), principal(c), entity(c), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, a.View())
}
