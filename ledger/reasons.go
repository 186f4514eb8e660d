package ledger

// Reason is the stable slug of an error (Error.Reason, FieldError.Reason):
// what went wrong, in one word a client can switch on. It is sent as the
// "reason" member of every problem body, so a value never changes once
// released.
//
// This file is the one list of every reason the service answers with.
// Code names a reason only by its constant; reasons_test.go fails on a
// string literal where a Reason is expected, on a constant no code uses,
// and on a constant missing from the error-reason tables of docs/*.md (or
// a reason in those tables that is not here).
type Reason string

// HTTP and transport: reading the request, authentication, idempotency, lists, the database (docs/api.md).
const (
	// 400: the body is not one JSON value
	ReasonBodyEmpty      Reason = "body_empty"
	ReasonJSONMalformed  Reason = "json_malformed"
	ReasonBodyUnreadable Reason = "body_unreadable"

	// 400: the header is empty, repeated, too long or not printable ASCII
	ReasonIdempotencyKeyInvalid Reason = "idempotency_key_invalid"

	// 404: no such thing in the key's scope
	ReasonNotFound      Reason = "not_found"
	ReasonRouteNotFound Reason = "route_not_found"

	// 405: the path exists, the method does not
	ReasonMethodNotAllowed Reason = "method_not_allowed"

	// 409: the state forbids it
	ReasonIdempotencyKeyReused Reason = "idempotency_key_reused"
	ReasonIdempotencyKeyInUse  Reason = "idempotency_key_in_use"

	// 413: over --max-body-bytes
	ReasonBodyTooLarge Reason = "body_too_large"

	// 415: a body that is not application/json
	ReasonContentTypeUnsupported Reason = "content_type_unsupported"

	// 422: a field the resource does not have, or a value of the wrong JSON type
	ReasonUnknownField Reason = "unknown_field"
	ReasonInvalidType  Reason = "invalid_type"

	// 422: list parameters
	ReasonLimitInvalid  Reason = "limit_invalid"
	ReasonCursorInvalid Reason = "cursor_invalid"

	// 429: too many failed authentications from the address; retry after Retry-After seconds with a valid key
	ReasonAuthenticationThrottled Reason = "authentication_throttled"

	// 503: retry (Retry-After: 1)
	ReasonDatabaseBusy        Reason = "database_busy"
	ReasonDatabaseUnreachable Reason = "database_unreachable"
	ReasonRequestCancelled    Reason = "request_cancelled"

	// 409: the database refused to change a write-once record (orders, their lines and history, events, imported statements)
	ReasonRecordImmutable Reason = "record_immutable"

	// 500: a bug or an outage: the cause is logged, the answer says only "internal error"
	ReasonInternal Reason = "internal"
)

// API keys and roles (docs/api.md).
const (
	// 401: no key, or unknown/revoked
	ReasonKeyMissing Reason = "key_missing"
	ReasonKeyInvalid Reason = "key_invalid"

	// 403: the role may not do this
	ReasonRoleForbidden Reason = "role_forbidden"

	// 422: key requests
	ReasonRoleInvalid        Reason = "role_invalid"
	ReasonEntitiesRequired   Reason = "entities_required"
	ReasonEntitiesExactlyOne Reason = "entities_exactly_one"
	ReasonEntitiesNotAllowed Reason = "entities_not_allowed"
	ReasonEntityNotFound     Reason = "entity_not_found"
)

// Field rules shared by every area (docs/api.md, and the tables of the other areas).
const (
	// 422
	ReasonFieldRequired  Reason = "field_required"
	ReasonFieldTooLong   Reason = "field_too_long"
	ReasonFieldImmutable Reason = "field_immutable"

	// 422
	ReasonDateInvalid Reason = "date_invalid"

	// 422
	ReasonAmountInvalid     Reason = "amount_invalid"
	ReasonAmountNotPositive Reason = "amount_not_positive"
	ReasonAmountTooPrecise  Reason = "amount_too_precise"
	ReasonAmountTooLarge    Reason = "amount_too_large"

	// 422
	ReasonCurrencyInvalid Reason = "currency_invalid"

	// 422: entity fields
	ReasonCountryInvalid Reason = "country_invalid"

	// 422: a NUL character, text that is not UTF-8, or a line break in an address line
	ReasonTextInvalid Reason = "text_invalid"
)

// The ledger: entities, accounts, journal entries, periods (docs/api.md).
const (
	// 403: the role may not do this
	ReasonLockDateBackwards Reason = "lock_date_backwards"

	// 409: the state forbids it
	ReasonEntryAlreadyReversed Reason = "entry_already_reversed"
	ReasonAccountCodeTaken     Reason = "account_code_taken"
	ReasonEntryImmutable       Reason = "entry_immutable"

	// 409: an entry a module posted (an invoice, a payment, a VAT return) is undone there, not reversed through the journal
	ReasonEntryOwned Reason = "entry_owned"

	// 422
	ReasonPeriodLocked           Reason = "period_locked"
	ReasonPeriodInvalid          Reason = "period_invalid"
	ReasonReversalBeforeOriginal Reason = "reversal_before_original"

	// 422
	ReasonLinesTooFew     Reason = "lines_too_few"
	ReasonLinesTooMany    Reason = "lines_too_many"
	ReasonLineBothSides   Reason = "line_both_sides"
	ReasonLineNoSide      Reason = "line_no_side"
	ReasonEntryUnbalanced Reason = "entry_unbalanced"

	// 422
	ReasonExchangeRateRequired Reason = "exchange_rate_required"
	ReasonExchangeRateInvalid  Reason = "exchange_rate_invalid"
	ReasonExchangeRateUnused   Reason = "exchange_rate_unused"

	// 422
	ReasonAccountNotFound         Reason = "account_not_found"
	ReasonAccountArchived         Reason = "account_archived"
	ReasonAccountCurrencyMismatch Reason = "account_currency_mismatch"
	ReasonAccountCodeInvalid      Reason = "account_code_invalid"
	ReasonAccountTypeInvalid      Reason = "account_type_invalid"
	ReasonRGSCodeInvalid          Reason = "rgs_code_invalid"
	ReasonRGSVersionInvalid       Reason = "rgs_version_invalid"
	ReasonParentNotFound          Reason = "parent_not_found"
	ReasonParentTypeMismatch      Reason = "parent_type_mismatch"

	// 422: entity fields
	ReasonTimeZoneInvalid      Reason = "time_zone_invalid"
	ReasonLocaleInvalid        Reason = "locale_invalid"
	ReasonMonthInvalid         Reason = "month_invalid"
	ReasonChartTemplateUnknown Reason = "chart_template_unknown"
	ReasonVATSchemeInvalid     Reason = "vat_scheme_invalid"
	ReasonVATPeriodInvalid     Reason = "vat_period_invalid"

	// 422: a lock date after today: only past periods close
	ReasonLockDateFuture Reason = "lock_date_future"
)

// Invoicing: customers, tax codes, invoices, credit notes, payments, settings (docs/invoicing.md).
const (
	// 422: the customer of a draft or payment
	ReasonCustomerNotFound Reason = "customer_not_found"

	// 422: the customer of a draft or an issue (payments from archived customers are recorded)
	ReasonCustomerArchived Reason = "customer_archived"

	// 409: another customer has the reference
	ReasonExternalRefTaken Reason = "external_ref_taken"

	// 422: customer_type is not business or consumer
	ReasonCustomerTypeInvalid Reason = "customer_type_invalid"

	// 422: a customer's or the entity's electronic_address is not "scheme:id" with a scheme of the Peppol EAS list (a KvK number 8 digits, an OIN 20, a 9944 id a Dutch VAT number)
	ReasonElectronicAddressInvalid Reason = "electronic_address_invalid"

	// 422: issuing an invoice to a business on which two tax codes charge VAT at the same rate: an e-invoice rounds VAT per category and rate, the invoice per code
	ReasonTaxCodesShareRate Reason = "tax_codes_share_rate"

	// 422: issuing an invoice to a business that mixes non-EU services (outside the scope of VAT) with other tax kinds: no e-invoice could state it
	ReasonTaxKindMix Reason = "tax_kind_mix"

	// 422: an e-invoice (UBL) of a document whose customer (or entity) has no electronic address
	ReasonEInvoiceNoElectronicAddress Reason = "einvoice_no_electronic_address"

	// 422: an e-invoice (UBL) of a document to a consumer: e-invoices are for business buyers
	ReasonEInvoiceConsumer Reason = "einvoice_consumer"

	// 422: an e-invoice (UBL) of a distance sale: invoiced to consumers under the other member state's rules
	ReasonEInvoiceDistanceSales Reason = "einvoice_distance_sales"

	// 422: an e-invoice (UBL) of an invoice that asks to be paid but carries no IBAN (issued before the IBAN was required)
	ReasonEInvoiceNoIBAN Reason = "einvoice_no_iban"

	// 422: an e-invoice (UBL) of a document in a currency with more than 2 decimals (KWD, BHD...): EN 16931 amounts have at most 2
	ReasonEInvoiceCurrencyUnsupported Reason = "einvoice_currency_unsupported"

	// 422: issuing a document that lacks what the law asks of an invoice (art. 226 VAT directive, art. 35a Wet OB); errors[] lists each missing field
	ReasonInvoiceIncomplete Reason = "invoice_incomplete"

	// 422: VIES says the customer's VAT number is not valid (a 0 % intra-EU supply is refused)
	ReasonVATNumberNotInVIES Reason = "vat_number_not_in_vies"

	// 503: VIES could not be reached or the member state's service is down; retry, or issue with "vies": "skip"
	ReasonVIESUnavailable Reason = "vies_unavailable"

	// 422: an entity under the small-business scheme (KOR) issuing a line with a VAT-charging tax code
	ReasonKORVATCharged Reason = "kor_vat_charged"
	// 422: an entity under the small-business scheme (KOR) issuing a 0 % intra-Community supply of goods (art. 139(1) Directive 2006/112/EC)
	ReasonKORIntraEUSupply Reason = "kor_intra_eu_supply"

	// 422: customer fields
	ReasonEmailInvalid        Reason = "email_invalid"
	ReasonLanguageInvalid     Reason = "language_invalid"
	ReasonPaymentTermsInvalid Reason = "payment_terms_invalid"

	// 422: a line's tax code
	ReasonTaxCodeNotFound Reason = "tax_code_not_found"
	ReasonTaxCodeArchived Reason = "tax_code_archived"

	// 409: the code exists
	ReasonTaxCodeTaken Reason = "tax_code_taken"

	// 422: tax code fields; rate and kind never change
	ReasonRateInvalid    Reason = "rate_invalid"
	ReasonTaxKindInvalid Reason = "tax_kind_invalid"

	// 422: a line's numbers
	ReasonQuantityInvalid        Reason = "quantity_invalid"
	ReasonQuantityNegative       Reason = "quantity_negative"
	ReasonUnitPriceInvalid       Reason = "unit_price_invalid"
	ReasonUnitPriceNegative      Reason = "unit_price_negative"
	ReasonDiscountPercentInvalid Reason = "discount_percent_invalid"

	// 409: moving receivables while documents are open
	ReasonReceivableAccountInUse Reason = "receivable_account_in_use"

	// 422: an amount that converts to nothing in the functional currency
	ReasonAmountTooSmall Reason = "amount_too_small"

	// 422: issuing nothing
	ReasonInvoiceEmpty     Reason = "invoice_empty"
	ReasonInvoiceTotalZero Reason = "invoice_total_zero"

	// 409: changing or deleting an issued document
	ReasonInvoiceNotDraft Reason = "invoice_not_draft"

	// 409: paying, crediting or printing a draft
	ReasonInvoiceNotIssued Reason = "invoice_not_issued"

	// 409: paying, crediting or voiding a void invoice, or downloading its e-invoice (a voided invoice must not be sent)
	ReasonInvoiceVoid Reason = "invoice_void"

	// 409: voiding an invoice with payments or credit notes
	ReasonInvoiceSettled Reason = "invoice_settled"

	// 409: nothing left to credit
	ReasonInvoiceFullyCredited Reason = "invoice_fully_credited"

	// 422: credit note lines
	ReasonCreditExceedsInvoice    Reason = "credit_exceeds_invoice"
	ReasonCreditZero              Reason = "credit_zero"
	ReasonCreditBoth              Reason = "credit_both"
	ReasonLineNotFound            Reason = "line_not_found"
	ReasonLineRepeated            Reason = "line_repeated"
	ReasonCreditNoteBeforeInvoice Reason = "credit_note_before_invoice"

	// 422: allocations
	ReasonAllocationExceedsPayment Reason = "allocation_exceeds_payment"
	ReasonAllocationExceedsOpen    Reason = "allocation_exceeds_open"
	ReasonCurrencyMismatch         Reason = "currency_mismatch"
	ReasonCustomerMismatch         Reason = "customer_mismatch"
	ReasonAllocationTargetInvalid  Reason = "allocation_target_invalid"
	ReasonAllocationTargetRequired Reason = "allocation_target_required"
	ReasonAllocationsTooMany       Reason = "allocations_too_many"
	ReasonInvoiceNotFound          Reason = "invoice_not_found"
	ReasonPaymentNotFound          Reason = "payment_not_found"

	// 409: a changed number format repeats a number already used
	ReasonInvoiceNumberTaken Reason = "invoice_number_taken"

	// 503: a payment was allocated while it was being removed; retry
	ReasonConcurrentChange Reason = "concurrent_change"

	// 409: removing twice
	ReasonAllocationRemoved Reason = "allocation_removed"
	ReasonPaymentRemoved    Reason = "payment_removed"

	// 422: settings
	ReasonNumberFormatInvalid Reason = "number_format_invalid"
	ReasonIBANInvalid         Reason = "iban_invalid"

	// 409: the database's own refusal (a backstop that the checks above normally pre-empt)
	ReasonInvoiceImmutable     Reason = "invoice_immutable"
	ReasonSettlementOutOfRange Reason = "settlement_out_of_range"

	// 422: a line's discount_percent below 0
	ReasonDiscountPercentNegative Reason = "discount_percent_negative"

	// 409: crediting a credit note
	ReasonNotAnInvoice Reason = "not_an_invoice"

	// 409: a foreign currency revaluation of a date already revalued
	ReasonFXRevaluationExists Reason = "fx_revaluation_exists"
)

// Purchases: suppliers and documents in the inbox (docs/purchases.md).
const (
	// 422: a supplier's BIC is not 8 or 11 characters of the SWIFT shape (bank, country, location, branch)
	ReasonBICInvalid Reason = "bic_invalid"

	// 422: a VAT number (a customer's, a supplier's, the entity's) fails its EU country's format or check digits, or is not a country code and 2 to 18 letters and digits
	ReasonVATNumberInvalid Reason = "vat_number_invalid"

	// 409: another active supplier of the entity has the VAT number (supplier_id names it)
	ReasonVATNumberTaken Reason = "vat_number_taken"

	// 415: an uploaded document is not a PDF, PNG or JPEG by its content
	ReasonDocumentTypeUnsupported Reason = "document_type_unsupported"

	// 422: an uploaded document's Content-Type names another type than its content is
	ReasonDocumentTypeMismatch Reason = "document_type_mismatch"

	// 409: the entity has a document with the same SHA-256 (document_id names it)
	ReasonDocumentDuplicate Reason = "document_duplicate"

	// 422: a purchase invoice's supplier
	ReasonSupplierNotFound Reason = "supplier_not_found"
	ReasonSupplierArchived Reason = "supplier_archived"

	// 409: the supplier's invoice number is already booked or drafted for the supplier (purchase_invoice_id names it)
	ReasonSupplierInvoiceNumberTaken Reason = "supplier_invoice_number_taken"

	// 422: the VAT printed on the document differs from the VAT computed on its lines by more than the tolerance (vat[] has both figures)
	ReasonVATMismatch Reason = "vat_mismatch"

	// 422: printed VAT for a tax code whose supplier charges none (reverse charge, 0 %, exempt, no VAT)
	ReasonVATNotCharged Reason = "vat_not_charged"

	// 422: printed VAT for a tax code no line uses
	ReasonVATTaxCodeUnused Reason = "vat_tax_code_unused"

	// 422: a deductible share or the VAT tolerance out of range
	ReasonDeductiblePercentInvalid Reason = "deductible_percent_invalid"
	ReasonVATToleranceInvalid      Reason = "vat_tolerance_invalid"

	// 422: a payment reference that is not a Dutch betalingskenmerk
	ReasonPaymentReferenceInvalid Reason = "payment_reference_invalid"

	// 409: a document that already supports another purchase invoice (purchase_invoice_id names it)
	ReasonDocumentLinked Reason = "document_linked"

	// 409: deleting a document a booked purchase invoice rests on (kept seven years, art. 52 AWR)
	ReasonDocumentBooked Reason = "document_booked"

	// 409: settling, crediting or reversing a reversed purchase invoice
	ReasonPurchaseInvoiceReversed Reason = "purchase_invoice_reversed"

	// 409: moving payables to another account while purchase documents or supplier payments are open on it
	ReasonPayableAccountInUse Reason = "payable_account_in_use"

	// 422: a supplier to pay by SEPA transfer whose IBAN is of a country outside the SEPA schemes
	ReasonSupplierIBANNotSEPA Reason = "supplier_iban_not_sepa"

	// 422: a purchase allocation between documents of two suppliers, or a
	// supplier credit note naming another supplier's purchase invoice
	ReasonSupplierMismatch Reason = "supplier_mismatch"

	// 422: a supplier to pay by SEPA transfer has no IBAN
	ReasonSupplierIBANMissing Reason = "supplier_iban_missing"

	// 422: a document to pay is not booked or has nothing open
	ReasonPurchaseInvoiceNotOpen Reason = "purchase_invoice_not_open"

	// 422: a document to pay is already in an open or exported payment batch (batch named in the message)
	ReasonPurchaseInvoiceInBatch Reason = "purchase_invoice_in_batch"

	// 409: a payment batch's file was exported already (?again=true serves the same file)
	ReasonBatchExported Reason = "batch_exported"

	// 409: exporting or cancelling a cancelled payment batch
	ReasonBatchCancelled Reason = "batch_cancelled"

	// 422: the pain.001 writer refused the batch (each problem with its path)
	ReasonPaymentFileInvalid Reason = "payment_file_invalid"

	// 422: a payment file format (bank account, ?version=) that is not pain.001.001.09 or pain.001.001.03
	ReasonPaymentFileFormatInvalid Reason = "payment_file_format_invalid"

	// 415: a file sent as a received e-invoice is not one (not XML, XML of another kind such as a bank statement, a PDF without an embedded e-invoice); the message says what it is
	ReasonEInvoiceNotRecognised Reason = "einvoice_not_recognised"

	// 422: a received e-invoice refused by the safe XML reader (a DTD or entities, too deep, too many elements) or a PDF past the reader's bounds
	ReasonEInvoiceHostile Reason = "einvoice_hostile"

	// 422: a received e-invoice whose content cannot be read (a missing or malformed element, named in the message)
	ReasonEInvoiceInvalid Reason = "einvoice_invalid"

	// 422: a received e-invoice that cannot become a draft as it is (an unknown category, no tax code, no account, no exchange rate, figures that do not add up); errors[] and findings[] list each finding with its rule, and document_id names the file kept in the inbox
	ReasonEInvoiceUnmapped Reason = "einvoice_unmapped"
)

// Orders pushed by the clients' systems (docs/orders.md).
const (
	// 422: no lines, more than 500
	ReasonLinesEmpty Reason = "lines_empty"

	// 422: currency
	ReasonCurrencyNotAllowed Reason = "currency_not_allowed"

	// 422: orders of a batch
	ReasonBatchEmpty    Reason = "batch_empty"
	ReasonBatchTooLarge Reason = "batch_too_large"

	// 422: invoicing a customer's orders
	ReasonOrdersCurrencyMixed Reason = "orders_currency_mixed"

	// 409: another order under a used external id; errors[] has the differences
	ReasonOrderExternalIDConflict Reason = "order_external_id_conflict"

	// 409: a move the life cycle forbids; current_status in the body
	ReasonOrderStatusConflict Reason = "order_status_conflict"

	// 409: the customer has no fulfilled orders waiting
	ReasonNoOrdersToInvoice Reason = "no_orders_to_invoice"

	// 409: PATCH /invoices/{id} changing the lines, customer or currency of a draft made from orders
	ReasonInvoiceFromOrders Reason = "invoice_from_orders"

	// 403: an integration invoicing where the settings do not allow it
	ReasonIntegrationMayNotInvoice Reason = "integration_may_not_invoice"

	// 409: in errors[] of order_external_id_conflict: a field that differs from the stored order
	ReasonOrderFieldDiffers Reason = "order_field_differs"

	// 422: order settings: invoice_mode other than draft or issued
	ReasonInvoiceModeInvalid Reason = "invoice_mode_invalid"

	// 422: order settings: more than 20 currencies
	ReasonCurrenciesTooMany Reason = "currencies_too_many"

	// 422: customer_id sent to POST /orders/{id}/invoice, which invoices the one order it names
	ReasonFieldNotAllowed Reason = "field_not_allowed"

	// 422: the customer_id filter of GET /orders is not a customer id
	ReasonCustomerIDInvalid Reason = "customer_id_invalid"
)

// Webhook endpoints and deliveries (docs/webhooks.md).
const (
	// 422: not an http(s) URL with a host, user info or fragment present, too long, bad port, numeric host name
	ReasonURLInvalid Reason = "url_invalid"

	// 422: a literal address or localhost the address policy refuses; the message names the --webhook-allow word or prefix that allows it
	ReasonURLNotAllowed Reason = "url_not_allowed"

	// 422: at events[i]: not one of the event types nor *
	ReasonEventTypeUnknown Reason = "event_type_unknown"

	// 422: events lists more than 100 entries
	ReasonEventsTooMany Reason = "events_too_many"

	// 422: a given secret shorter than 16 or longer than 200 characters, or not printable ASCII
	ReasonSecretInvalid Reason = "secret_invalid"

	// 422: secret sent to PATCH
	ReasonSecretImmutable Reason = "secret_immutable"

	// 422: after not a whole number of 0 or more; status not pending, delivered or failed
	ReasonParameterInvalid Reason = "parameter_invalid"

	// 409: the entity has 20 endpoints already
	ReasonEndpointLimit Reason = "endpoint_limit"

	// 409: redelivery to a disabled endpoint
	ReasonEndpointDisabled Reason = "endpoint_disabled"
)

// Reports, statements and closing a fiscal year (docs/reports.md).
const (
	// 422: format other than json, csv, pdf (json, zip for all customers' statements); lang other than nl, en
	ReasonFormatInvalid Reason = "format_invalid"
	ReasonLangInvalid   Reason = "lang_invalid"

	// 422: include_zero or detail other than true, false
	ReasonBoolInvalid Reason = "bool_invalid"

	// 422: a PDF of more than 10,000 rows: use CSV or a shorter period
	ReasonReportTooLarge Reason = "report_too_large"

	// 422: closing a fiscal year
	ReasonYearNotEnded             Reason = "year_not_ended"
	ReasonClosingDateInvalid       Reason = "closing_date_invalid"
	ReasonRetainedEarningsRequired Reason = "retained_earnings_required"

	// 409: a year closed already; an earlier year still carries a result
	ReasonFiscalYearClosed Reason = "fiscal_year_closed"
	ReasonEarlierYearOpen  Reason = "earlier_year_open"

	// 422: the audit file of a fiscal year with no entries and no close; of a functional currency with more than 2 decimals or not in the XAF 3.2 list; of an entity whose country is not in the XAF 3.2 list
	ReasonAuditFilePeriodOutsideBooks Reason = "audit_file_period_outside_books"
	ReasonAuditFileCurrency           Reason = "audit_file_currency"
	ReasonAuditFileCountry            Reason = "audit_file_country"

	// 409: the ICP listing of an entity under the small-business scheme (KOR)
	ReasonICPNotRequired Reason = "icp_not_required"

	// 500: a chart whose parent accounts nest deeper than a report can walk (a bug or a corrupt chart)
	ReasonChartTooDeep Reason = "chart_too_deep"
)

// Bank accounts, statement imports (CAMT.053 and CSV), matching, cash
// application (docs/bank.md). The comments name the path of the field error.
const (
	// 422: name over 200 characters
	ReasonTextTooLong Reason = "text_too_long"

	// 422: match_window_days outside 0-60
	ReasonMatchWindowInvalid Reason = "match_window_invalid"

	// 422: csv_mapping.<field>
	ReasonDelimiterInvalid     Reason = "delimiter_invalid"
	ReasonDateFormatInvalid    Reason = "date_format_invalid"
	ReasonSkipRowsInvalid      Reason = "skip_rows_invalid"
	ReasonColumnInvalid        Reason = "column_invalid"
	ReasonAmountMappingInvalid Reason = "amount_mapping_invalid"
	ReasonEncodingInvalid      Reason = "encoding_invalid"

	// 409: the account or IBAN is already a bank account of the entity
	ReasonBankAccountExists Reason = "bank_account_exists"

	// 422: file_name over 255 characters
	ReasonFileNameInvalid Reason = "file_name_invalid"

	// 422: format: a CSV import before a mapping is saved
	ReasonCSVMappingMissing Reason = "csv_mapping_missing"

	// 422: the element path and line (or line N)
	ReasonCamtNotStatement  Reason = "camt_not_statement"
	ReasonXMLMalformed      Reason = "xml_malformed"
	ReasonXMLDoctypeRefused Reason = "xml_doctype_refused"
	ReasonXMLTooDeep        Reason = "xml_too_deep"
	ReasonXMLTooLarge       Reason = "xml_too_large"

	// 422: a CAMT element: Document/BkToCstmrStmt/Stmt[1]/Ntry[3]/Amt (line 180)
	ReasonBalanceMissing Reason = "balance_missing"
	ReasonDateMissing    Reason = "date_missing"
	ReasonStatusMissing  Reason = "status_missing"

	// 422: a CSV line: line 14
	ReasonCSVNotUTF8      Reason = "csv_not_utf8"
	ReasonCSVInvalid      Reason = "csv_invalid"
	ReasonCSVEmpty        Reason = "csv_empty"
	ReasonCSVRowShort     Reason = "csv_row_short"
	ReasonIBANMixed       Reason = "iban_mixed"
	ReasonBalanceMismatch Reason = "balance_mismatch"

	// 422: a CSV cell of the direction column that is neither debit_value nor credit_value
	ReasonDirectionInvalid Reason = "direction_invalid"

	// 422: the mapping field whose column is not in the header, e.g. amount
	ReasonCSVColumnMissing Reason = "csv_column_missing"

	// 422: Document/BkToCstmrStmt/Stmt[1]/Acct/Id/IBAN, .../Acct/Ccy (a CSV: csv_mapping.iban, csv_mapping.currency)
	ReasonStatementIBANMismatch     Reason = "statement_iban_mismatch"
	ReasonStatementCurrencyMismatch Reason = "statement_currency_mismatch"

	// 422: the entity's import: a statement or CSV row that names no own IBAN: Document/BkToCstmrStmt/Stmt[1]/Acct/Id/IBAN, line 14
	ReasonIBANMissing Reason = "iban_missing"

	// 422: the entity's import with strict=true: an IBAN the entity has no bank account for; the first statement or line of it
	ReasonIBANUnknown Reason = "iban_unknown"

	// 422: Document/BkToCstmrStmt/Stmt[1]/Bal[OPBD] (a CSV: opening_balance); expected_opening, opening, difference
	ReasonStatementGap Reason = "statement_gap"

	// 422: Document/BkToCstmrStmt/Stmt[1]/Bal[CLBD]; opening, lines_total, closing, difference
	ReasonStatementUnbalanced Reason = "statement_unbalanced"

	// 422: the line: Document/BkToCstmrStmt/Stmt[1]/Ntry[1], line 9; or the period: Document/BkToCstmrStmt/Stmt[1]/FrToDt.
	// 409: a line imported at the same moment by another request.
	ReasonStatementOverlap Reason = "statement_overlap"

	// 422: the line
	ReasonLineRefRepeated Reason = "line_ref_repeated"

	// 422: opening_balance
	ReasonOpeningBalanceRequired Reason = "opening_balance_required"
	ReasonOpeningBalanceUnused   Reason = "opening_balance_unused"

	// 422: Document/BkToCstmrStmt/Stmt[1]/FrToDt: no period and no booked lines
	ReasonPeriodMissing Reason = "period_missing"

	// 409: a statement id imported before with other lines or balances; statement_id
	ReasonStatementRefConflict Reason = "statement_ref_conflict"

	// 422: status, from, to, limit, cursor of a list
	ReasonStatusInvalid Reason = "status_invalid"

	// 422: statement_lines, ledger_lines
	ReasonMatchEmpty    Reason = "match_empty"
	ReasonMatchTooLarge Reason = "match_too_large"

	// 422: statement_lines[i], ledger_lines[i]
	ReasonStatementLineNotFound Reason = "statement_line_not_found"
	ReasonLedgerLineNotFound    Reason = "ledger_line_not_found"

	// 422: ledger_lines; difference
	ReasonMatchUnbalanced Reason = "match_unbalanced"

	// 409: statement_lines[i], ledger_lines[i]; the line of an entry or cash application
	ReasonLineAlreadyMatched Reason = "line_already_matched"

	// 422: account of an entry from a line
	ReasonAccountRequired Reason = "account_required"
	ReasonAccountInvalid  Reason = "account_invalid"

	// 422: allocations of a cash application
	ReasonNoProposal            Reason = "no_proposal"
	ReasonAllocationsExceedLine Reason = "allocations_exceed_line"

	// 422: applying money out as a payment
	ReasonLineNotIncoming Reason = "line_not_incoming"

	// 409: a service without invoicing
	ReasonCashApplicationUnavailable Reason = "cash_application_unavailable"

	// 409: an entry from a line or a cash application on a bank account whose ledger account is archived
	ReasonBankAccountArchived Reason = "bank_account_archived"

	// 409: an import while the bank account's CSV mapping was changed: import again
	ReasonBankAccountChanged Reason = "bank_account_changed"

	// 422: a CAMT line booked outside its statement's FrToDt: the line
	ReasonLineOutsidePeriod Reason = "line_outside_period"

	// 409: reversing an entry with reconciled lines: reverse, remove a payment or allocation, void
	ReasonEntryReconciled Reason = "entry_reconciled"

	// 422: as_of
	ReasonAsOfBeforeFirstStatement Reason = "as_of_before_first_statement"
)

// The Dutch VAT return: returns, filing, supplementary returns, box 1d adjustments (docs/vat.md).
const (
	// 422: period: not a whole month, quarter or year of the entity's VAT period setting ("2026-Q1", "2026-03", "2026")
	ReasonVATReturnPeriodInvalid Reason = "vat_return_period_invalid"

	// 422: an entity under the small-business scheme (KOR) files no VAT return
	ReasonVATReturnKOR Reason = "vat_return_kor"

	// 422: vat_date (booking) or date (reversal): a purchase whose VAT date, or whose reversal's date, falls in a period whose return is filed
	ReasonVATPeriodFiled Reason = "vat_period_filed"

	// 422: filing a return or a supplementary return of a period that has not ended yet (its last day is today or later)
	ReasonVATReturnPeriodOpen Reason = "vat_return_period_open"

	// 422: date: a supplementary return's date on or before the end of its period, or before the settlement of the return it corrects
	ReasonVATSupplementaryDate Reason = "vat_supplementary_date"

	// 422: a supplementary return for a period more than five years back
	ReasonVATCorrectionTooOld Reason = "vat_correction_too_old"

	// 409: filing a period twice; out of order (a gap after, or a period before, the filed ones)
	ReasonVATReturnFiled      Reason = "vat_return_filed"
	ReasonVATReturnOutOfOrder Reason = "vat_return_out_of_order"

	// 409: a supplementary return for a period not filed, or one whose figures equal the books
	ReasonVATReturnNotFiled     Reason = "vat_return_not_filed"
	ReasonVATReturnNoDifference Reason = "vat_return_no_difference"

	// 409: deleting a box 1d adjustment of a filed period
	ReasonVATAdjustmentFiled Reason = "vat_adjustment_filed"
)
