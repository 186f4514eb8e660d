package bank

import "backoffice/ledger"

// Outgoing payments: a statement line of money out that pays suppliers.
// Purchases implements the storage side (purchstore, through
// bankstore.Payables); the ledger does not import invoicing.

// Kinds of a cash application proposal.
const (
	ProposalCustomerPayment = "customer_payment" // money in, paying customer invoices
	ProposalSupplierPayment = "supplier_payment" // money out, paying purchase invoices
)

// OpenPayable is a booked purchase invoice or supplier credit note of an
// active supplier with an amount open, as outgoing matching sees it.
type OpenPayable struct {
	ID           int64
	Number       string
	Kind         string // "invoice" or "credit_note"
	SupplierID   int64
	SupplierName string
	SupplierIBAN string // upper case without spaces; "" when none
	Currency     string
	OpenMinor    int64 // > 0, also for a credit note
}

// PayableBatch is an exported payment batch of the bank account whose
// items still have their amounts open.
type PayableBatch struct {
	ID         int64
	MessageID  string
	TotalMinor int64
	Items      []PayableItem
}

// PayableItem is one purchase document a disbursement pays: a credit note
// counts negative.
type PayableItem struct {
	TransferNo        int // the transfer of the file it is paid by: one per supplier, and one per payment reference
	PurchaseInvoiceID int64
	Number            string
	SupplierID        int64
	SupplierName      string
	AmountMinor       int64
}

// Disbursement is money paid out to suppliers that outgoing cash
// application records: one supplier payment per supplier of the items,
// each allocated to its items (credit notes first applied to invoices).
type Disbursement struct {
	Date         ledger.Date
	Currency     string
	ExchangeRate string // for a bank account in a foreign currency
	BankAccount  string // the ledger account's code
	Reference    string
	Items        []PayableItem
}
