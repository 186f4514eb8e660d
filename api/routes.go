package api

import (
	"backoffice/invoicing"
	"backoffice/ledger"
)

// routes is the whole API on one page. Every route is also in openapi.json;
// TestOpenAPICoversRoutes fails when one is missing.
func (s *Server) routes() {
	r := s.engine
	r.GET("/healthz", s.healthz)
	r.GET("/readyz", s.readyz)
	r.GET("/v1/openapi.json", s.openapi)
	// The pages for people (docs.go): no key, no database. HEAD is GET
	// without the body; the coverage test counts a HEAD route as
	// documented by its GET.
	docs, style := s.servePage(referencePage), s.servePage(stylesheet)
	r.GET(homePath, s.home)
	r.HEAD(homePath, s.home)
	r.GET(docsPath, docs)
	r.HEAD(docsPath, docs)
	r.GET(stylesheetPath, style)
	r.HEAD(stylesheetPath, style)

	// Every write checks the role (after the key, and for entity routes
	// after the entity's scope) before idempotency: a key that may not
	// write must not make the server read its body or open a transaction.
	read := s.allow(ledger.RoleAdmin, ledger.RoleAccountant, ledger.RoleClient)
	write := s.allow(ledger.RoleAdmin, ledger.RoleAccountant)
	admin := s.allow(ledger.RoleAdmin)
	// Staff and integrations: orders, and reading customers.
	integ := s.allow(ledger.RoleAdmin, ledger.RoleAccountant, ledger.RoleIntegration)
	// Writes say how they are written (see unit and keyed):
	unit, keyed := s.unit, s.keyed

	// Everything under /v1 reads or writes the books: while the database
	// cannot be reached it answers 503 at once (see dbGate).
	v1 := r.Group("/v1", s.needsDatabase, s.authenticate)
	v1.GET("/me", s.me)

	v1.POST("/api-keys", admin, unit((*Server).createKey))
	v1.GET("/api-keys", admin, s.listKeys)
	v1.GET("/api-keys/:key", admin, s.getKey)
	v1.DELETE("/api-keys/:key", admin, unit((*Server).revokeKey))

	v1.POST("/entities", admin, unit((*Server).createEntity))
	v1.GET("/entities", read, s.listEntities)

	e := v1.Group("/entities/:entity", s.entityScope)
	e.GET("", read, s.getEntity)
	e.PATCH("", write, unit((*Server).updateEntity))
	e.PUT("/lock-date", write, unit((*Server).setLockDate))
	e.GET("/audit-events", read, s.auditEvents)

	e.GET("/accounts", read, s.listAccounts)
	e.POST("/accounts", write, unit((*Server).createAccount))
	e.GET("/accounts/:code", read, s.getAccount)
	e.PATCH("/accounts/:code", write, unit((*Server).renameAccount))
	e.POST("/accounts/:code/archive", write, unit((*Server).archiveAccount))
	e.POST("/accounts/:code/unarchive", write, unit((*Server).unarchiveAccount))
	e.GET("/accounts/:code/balance", read, s.accountBalance)
	e.GET("/accounts/:code/ledger", read, s.accountLedger)

	e.GET("/entries", read, s.listEntries)
	e.POST("/entries", write, keyed((*Server).postEntry))
	e.GET("/entries/:id", read, s.getEntry)
	e.POST("/entries/:id/reverse", write, keyed((*Server).reverseEntry))

	// Reports: JSON, CSV or PDF (?format=), in the entity's or the
	// requested language (?lang=). Clients read their entity's reports.
	e.GET("/reports/trial-balance", read, s.trialBalance)
	e.GET("/reports/balance-sheet", read, s.balanceSheet)
	e.GET("/reports/income-statement", read, s.incomeStatement)
	e.GET("/reports/general-ledger", read, s.generalLedger)
	e.GET("/reports/journal", read, s.journal)
	e.GET("/reports/aged-receivables", read, s.agedReceivables)
	e.GET("/reports/vat-summary", read, s.vatSummary)
	e.GET("/reports/icp", read, s.icpListing)
	e.GET("/reports/customer-statements", write, s.customerStatements)
	e.GET("/customers/:customer/statement", read, s.customerStatement)
	// The payables reports: clients read their entity's, as the
	// receivables reports.
	e.GET("/reports/aged-payables", read, s.agedPayables)
	e.GET("/reports/open-purchase-invoices", read, s.openPurchaseInvoices)
	e.GET("/reports/purchase-journal", read, s.purchaseJournal)
	e.GET("/suppliers/:supplier/statement", read, s.supplierStatement)
	e.GET("/fiscal-years", read, s.listFiscalYears)
	// The audit file (XAF 3.2) of a fiscal year: whoever reads the reports.
	e.GET("/audit-file", read, s.auditFile)
	e.POST("/fiscal-years/:year/close", write, unit((*Server).closeFiscalYear))
	// Foreign currency revaluation: those who post entries revalue (and
	// read the revaluations); clients do not.
	e.POST("/fx-revaluations", write, unit((*Server).revalue))
	e.GET("/fx-revaluations", write, s.listRevaluations)
	e.GET("/fx-revaluations/:id", write, s.getRevaluation)
	// The Dutch VAT return: whoever reads the reports reads the returns;
	// those who post file them and enter box 1d adjustments.
	e.GET("/vat-returns", read, s.listVATReturns)
	e.GET("/vat-returns/:period", read, s.getVATReturn)
	e.POST("/vat-returns/:period/file", write, unit((*Server).fileVATReturn))
	e.POST("/vat-returns/:period/supplementary", write, unit((*Server).fileSupplementaryVATReturn))
	e.GET("/vat-adjustments", read, s.listVATAdjustments)
	e.POST("/vat-adjustments", write, unit((*Server).createVATAdjustment))
	e.DELETE("/vat-adjustments/:id", write, unit((*Server).deleteVATAdjustment))

	// Invoicing. Clients read and download their entity's invoices and
	// credit notes; everything else is for the firm's staff.
	staff := write
	e.GET("/invoicing-settings", staff, s.getInvoicingSettings)
	e.PATCH("/invoicing-settings", staff, unit((*Server).updateInvoicingSettings))

	// Integrations read customers too: their orders name them.
	e.GET("/customers", integ, s.listCustomers)
	e.POST("/customers", staff, unit((*Server).createCustomer))
	e.GET("/customers/:customer", integ, s.getCustomer)
	e.PATCH("/customers/:customer", staff, unit((*Server).updateCustomer))
	e.POST("/customers/:customer/archive", staff, unit((*Server).archiveCustomer))

	// Purchases: suppliers. Clients read their entity's suppliers; the
	// firm's staff write them; integrations have no part in purchases.
	e.GET("/suppliers", read, s.listSuppliers)
	e.POST("/suppliers", staff, unit((*Server).createSupplier))
	e.GET("/suppliers/:supplier", read, s.getSupplier)
	e.PATCH("/suppliers/:supplier", staff, unit((*Server).updateSupplier))
	e.POST("/suppliers/:supplier/archive", staff, unit((*Server).archiveSupplier))
	// Documents in the inbox: a client uploads its entity's (its only
	// write) and reads them, as the firm's staff do.
	e.GET("/documents", read, s.listInboxDocuments)
	e.POST("/documents", read, unit((*Server).uploadInboxDocument))
	e.GET("/documents/:document", read, s.getInboxDocument)
	e.GET("/documents/:document/content", read, s.inboxDocumentContent)
	e.DELETE("/documents/:document", staff, unit((*Server).deleteInboxDocument))
	// Purchase invoices and supplier credit notes: the firm's staff enter,
	// book and reverse them; clients read their entity's.
	e.GET("/purchase-settings", staff, s.getPurchaseSettings)
	e.PATCH("/purchase-settings", staff, unit((*Server).updatePurchaseSettings))
	e.GET("/purchase-tax-codes", staff, s.listPurchaseTaxCodes)
	e.POST("/purchase-tax-codes", staff, unit((*Server).createPurchaseTaxCode))
	e.GET("/purchase-tax-codes/:code", staff, s.getPurchaseTaxCode)
	e.PATCH("/purchase-tax-codes/:code", staff, unit((*Server).updatePurchaseTaxCode))
	e.POST("/purchase-tax-codes/:code/archive", staff, unit((*Server).archivePurchaseTaxCode))
	e.GET("/purchase-invoices", read, s.listPurchaseInvoices)
	e.POST("/purchase-invoices", staff, unit((*Server).createPurchaseInvoice))
	e.POST("/purchase-invoices/e-invoice", staff, s.parseEInvoiceFirst, unit((*Server).receiveEInvoice))
	e.GET("/purchase-invoices/:id", read, s.getPurchaseInvoice)
	e.PATCH("/purchase-invoices/:id", staff, unit((*Server).updatePurchaseInvoice))
	e.DELETE("/purchase-invoices/:id", staff, unit((*Server).deletePurchaseInvoice))
	e.POST("/purchase-invoices/:id/book", staff, unit((*Server).bookPurchaseInvoice))
	e.POST("/purchase-invoices/:id/reverse", staff, unit((*Server).reversePurchaseInvoice))
	// Paying suppliers: supplier payments and purchase allocations, the
	// firm's staff only.
	e.GET("/supplier-payments", staff, s.listSupplierPayments)
	e.POST("/supplier-payments", staff, unit((*Server).recordSupplierPayment))
	e.GET("/supplier-payments/:id", staff, s.getSupplierPayment)
	e.DELETE("/supplier-payments/:id", staff, unit((*Server).removeSupplierPayment))
	e.POST("/supplier-payments/:id/allocations", staff, unit(allocatePurchase(false)))
	e.DELETE("/purchase-allocations/:id", staff, unit((*Server).removePurchaseAllocation))
	e.GET("/purchase-invoices/:id/allocations", staff, s.purchaseInvoiceAllocations)
	e.POST("/purchase-invoices/:id/allocations", staff, unit(allocatePurchase(true)))
	// Payment proposals and payment batches (SEPA pain.001 files): the
	// firm's staff. The file's GET writes (the first export is recorded).
	e.GET("/payment-proposal", staff, s.paymentProposal)
	e.GET("/payment-batches", staff, s.listPaymentBatches)
	e.POST("/payment-batches", staff, unit((*Server).createPaymentBatch))
	e.GET("/payment-batches/:id", staff, s.getPaymentBatch)
	e.POST("/payment-batches/:id/cancel", staff, unit((*Server).cancelPaymentBatch))
	e.GET("/payment-batches/:id/pain.001", staff, unit((*Server).exportPaymentBatch))

	e.GET("/tax-codes", staff, s.listTaxCodes)
	e.POST("/tax-codes", staff, unit((*Server).createTaxCode))
	e.GET("/tax-codes/:code", staff, s.getTaxCode)
	e.PATCH("/tax-codes/:code", staff, unit((*Server).updateTaxCode))
	e.POST("/tax-codes/:code/archive", staff, unit((*Server).archiveTaxCode))

	e.GET("/invoices", read, s.listDocuments(invoicing.KindInvoice))
	e.POST("/invoices", staff, unit((*Server).createInvoice))
	e.GET("/invoices/:id", read, s.getDocument(invoicing.KindInvoice))
	e.PATCH("/invoices/:id", staff, unit((*Server).updateInvoice))
	e.DELETE("/invoices/:id", staff, unit((*Server).deleteInvoice))
	e.POST("/invoices/:id/issue", staff, s.checkVIESFirst, unit((*Server).issueInvoice))
	e.POST("/invoices/:id/void", staff, unit((*Server).voidInvoice))
	e.POST("/invoices/:id/credit-notes", staff, unit((*Server).createCreditNote))
	e.GET("/invoices/:id/pdf", read, s.documentPDF(invoicing.KindInvoice))
	e.GET("/invoices/:id/ubl", read, s.documentUBL(invoicing.KindInvoice))
	e.GET("/invoices/:id/allocations", staff, s.documentAllocations(invoicing.KindInvoice))

	e.GET("/credit-notes", read, s.listDocuments(invoicing.KindCreditNote))
	e.GET("/credit-notes/:id", read, s.getDocument(invoicing.KindCreditNote))
	e.GET("/credit-notes/:id/pdf", read, s.documentPDF(invoicing.KindCreditNote))
	e.GET("/credit-notes/:id/ubl", read, s.documentUBL(invoicing.KindCreditNote))
	e.GET("/credit-notes/:id/allocations", staff, s.documentAllocations(invoicing.KindCreditNote))
	e.POST("/credit-notes/:id/allocations", staff, unit(allocate(true)))

	e.GET("/payments", staff, s.listPayments)
	e.POST("/payments", staff, unit((*Server).recordPayment))
	e.GET("/payments/:id", staff, s.getPayment)
	e.DELETE("/payments/:id", staff, unit((*Server).removePayment))
	e.POST("/payments/:id/allocations", staff, unit(allocate(false)))
	e.DELETE("/allocations/:id", staff, unit((*Server).removeAllocation))

	// Orders. Integrations push orders to their one entity and move them
	// through their life cycle; they read their entity's customers. Staff
	// do all of it and turn orders into invoices (integrations too, where
	// the entity's order settings allow it: the store checks).
	orders := integ
	e.GET("/order-settings", orders, s.getOrderSettings)
	e.PATCH("/order-settings", staff, unit((*Server).updateOrderSettings))
	e.GET("/orders", orders, s.listOrders)
	e.POST("/orders", orders, unit((*Server).pushOrder))
	// No Idempotency-Key on batches: each order is stored on its own and
	// is idempotent by its external id, so a resent batch is safe as it is.
	e.POST("/orders/batch", orders, s.pushOrders)
	e.POST("/orders/invoice", orders, unit((*Server).invoiceCustomerOrders))
	e.GET("/orders/:id", orders, s.getOrder)
	e.POST("/orders/:id/accept", orders, unit(moveOrder(orderAccept)))
	e.POST("/orders/:id/fulfill", orders, unit(moveOrder(orderFulfill)))
	e.POST("/orders/:id/cancel", orders, unit(moveOrder(orderCancel)))
	e.POST("/orders/:id/invoice", orders, unit((*Server).invoiceOrder))
	// Webhooks: the firm's staff register the endpoints of an entity's
	// systems, read their delivery log and redeliver. Integration keys do
	// not: invoice and payment events carry whole invoices and payments,
	// which an integration may not read (it sees its orders' invoices only
	// as the summary on the order).
	hooks := staff
	e.GET("/events", hooks, s.listEvents)
	e.GET("/webhook-endpoints", hooks, s.listEndpoints)
	e.POST("/webhook-endpoints", hooks, unit((*Server).createEndpoint))
	e.GET("/webhook-endpoints/:endpoint", hooks, s.getEndpoint)
	e.PATCH("/webhook-endpoints/:endpoint", hooks, unit((*Server).updateEndpoint))
	e.DELETE("/webhook-endpoints/:endpoint", hooks, unit((*Server).deleteEndpoint))
	e.GET("/webhook-endpoints/:endpoint/deliveries", hooks, s.listDeliveries)
	e.GET("/webhook-endpoints/:endpoint/deliveries/:delivery", hooks, s.getDelivery)
	e.POST("/webhook-endpoints/:endpoint/deliveries/:delivery/redeliver", hooks, unit((*Server).redeliver))

	// Bank reconciliation: the firm's accountants import statements, match
	// them to the books, apply customer payments and report. A bank
	// account's statement import takes no Idempotency-Key: importing a file
	// again adds nothing. The entity's import (a file of several accounts,
	// routed by IBAN) is one unit of work like the other writes.
	banks := staff
	e.GET("/bank-accounts", banks, s.listBankAccounts)
	e.POST("/bank-accounts", banks, unit((*Server).createBankAccount))
	e.GET("/bank-accounts/:bank", banks, s.getBankAccount)
	e.PATCH("/bank-accounts/:bank", banks, unit((*Server).updateBankAccount))
	e.GET("/bank-accounts/:bank/statements", banks, s.listStatements)
	e.POST("/bank-accounts/:bank/statements", banks, s.importStatement)
	e.GET("/bank-accounts/:bank/statements/:statement", banks, s.getStatement)
	e.GET("/bank-accounts/:bank/statement-lines", banks, s.listStatementLines)
	e.GET("/bank-accounts/:bank/statement-lines/:line", banks, s.getStatementLine)
	e.POST("/bank-accounts/:bank/statement-lines/:line/entry", banks, unit((*Server).entryFromLine))
	e.POST("/bank-accounts/:bank/statement-lines/:line/apply", banks, unit((*Server).applyCash))
	e.GET("/bank-accounts/:bank/ledger-lines", banks, s.listLedgerLines)
	e.GET("/bank-accounts/:bank/proposals", banks, s.listProposals)
	e.POST("/bank-accounts/:bank/auto-match", banks, unit((*Server).autoMatch))
	e.GET("/bank-accounts/:bank/matches", banks, s.listMatches)
	e.POST("/bank-accounts/:bank/matches", banks, unit((*Server).createMatch))
	e.GET("/bank-accounts/:bank/matches/:match", banks, s.getMatch)
	e.DELETE("/bank-accounts/:bank/matches/:match", banks, unit((*Server).deleteMatch))
	e.GET("/bank-accounts/:bank/reconciliation", banks, s.reconciliationReport)
	e.POST("/bank-statements", banks, unit((*Server).importEntityStatements))
}
