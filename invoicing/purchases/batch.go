package purchases

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"

	"backoffice/ledger"
	"backoffice/ledger/bank/pain001"
	"backoffice/ledger/money"
)

// Payment proposals and payment batches (SEPA credit transfer files,
// docs/purchases.md "Payment proposals and SEPA files").
//
// A proposal lists the booked purchase documents with something open that
// are due on or before a date, per supplier and currency, and says for
// each group whether it can be paid by SEPA transfer. A batch is a
// selection of them written as transfers: one per supplier with the
// supplier's invoice numbers as unstructured remittance, except that an
// invoice with a payment reference (betalingskenmerk) is a transfer of its
// own with that reference. Credit notes count negative and are netted
// into the supplier's unstructured transfer.

// Batch statuses: open (created, no file yet), exported (the file was
// taken: its bytes are kept and served again only on request) and
// cancelled (its documents are free again).
const (
	BatchOpen      = "open"
	BatchExported  = "exported"
	BatchCancelled = "cancelled"
)

// MaxRemittance is the length of unstructured remittance (Ustrd) in SEPA.
const MaxRemittance = 140

// ProposalProblem says why a group cannot be paid by SEPA transfer.
type ProposalProblem struct {
	Reason  ledger.Reason `json:"reason"`
	Message string        `json:"message"`
}

// ProposalDocument is one open document of a proposal. Open is negative
// for a credit note (it lowers what is paid).
type ProposalDocument struct {
	ID                    int64        `json:"id"`
	Kind                  string       `json:"kind"`
	Number                string       `json:"number"`
	SupplierInvoiceNumber string       `json:"supplier_invoice_number"`
	DueDate               *ledger.Date `json:"due_date"`
	Open                  string       `json:"open"`
	PaymentReference      string       `json:"payment_reference"`
	OpenMinor             int64        `json:"-"`
	// BatchID names the open or exported batch a left-out document is in.
	BatchID *int64 `json:"batch_id,omitempty"`
}

// ProposalGroup is what is proposed to pay one supplier in one currency.
type ProposalGroup struct {
	SupplierID    int64              `json:"supplier_id"`
	SupplierName  string             `json:"supplier_name"`
	IBAN          string             `json:"iban"`
	AccountHolder string             `json:"account_holder"`
	BIC           string             `json:"bic"`
	Currency      string             `json:"currency"`
	Documents     []ProposalDocument `json:"documents"`
	// LeftOut are the documents already in an open or exported batch.
	LeftOut     []ProposalDocument `json:"left_out"`
	Amount      string             `json:"amount"`
	AmountMinor int64              `json:"-"`
	Payable     bool               `json:"payable"`
	Problems    []ProposalProblem  `json:"problems"`
}

// Proposal is a payment proposal.
type Proposal struct {
	EntityID int64           `json:"entity_id"`
	DueBy    ledger.Date     `json:"due_by"`
	Groups   []ProposalGroup `json:"suppliers"`
	// Total is the sum of the payable groups (EUR).
	Total string `json:"total"`
}

// OpenDoc is an open booked document as the proposal and the batch read
// it, with its supplier's payment details.
type OpenDoc struct {
	ID               int64
	Kind             string
	Status           string
	Number           string
	SupplierNumber   string
	DueDate          *ledger.Date
	Currency         string
	OpenMinor        int64 // total - settled (positive for both kinds)
	PaymentReference string
	BatchID          *int64 // a live batch it is in
	SupplierID       int64
	SupplierName     string
	IBAN             string
	AccountHolder    string
	BIC              string
	Address          ledger.Address
}

// signed is what the document adds to a payment: a credit note lowers it.
func (d *OpenDoc) signed() int64 {
	if d.Kind == KindCreditNote {
		return -d.OpenMinor
	}
	return d.OpenMinor
}

func (d *OpenDoc) proposalDoc(exp int) ProposalDocument {
	return ProposalDocument{ID: d.ID, Kind: d.Kind, Number: d.Number, SupplierInvoiceNumber: d.SupplierNumber,
		DueDate: d.DueDate, Open: money.Format(d.signed(), exp), OpenMinor: d.signed(),
		PaymentReference: d.PaymentReference, BatchID: d.BatchID}
}

// BuildProposal groups open documents (ordered as they should be shown)
// per supplier and currency and says which groups can be paid.
func BuildProposal(entityID int64, dueBy ledger.Date, docs []*OpenDoc) *Proposal {
	p := &Proposal{EntityID: entityID, DueBy: dueBy, Groups: []ProposalGroup{}}
	idx := map[string]int{}
	unbatched := map[int][]*OpenDoc{} // by group: what a batch can still take
	var total int64
	for _, d := range docs {
		key := strconv.FormatInt(d.SupplierID, 10) + "/" + d.Currency
		i, ok := idx[key]
		if !ok {
			i = len(p.Groups)
			idx[key] = i
			p.Groups = append(p.Groups, ProposalGroup{SupplierID: d.SupplierID, SupplierName: d.SupplierName, IBAN: d.IBAN,
				AccountHolder: d.AccountHolder, BIC: d.BIC, Currency: d.Currency,
				Documents: []ProposalDocument{}, LeftOut: []ProposalDocument{}, Problems: []ProposalProblem{}})
		}
		g := &p.Groups[i]
		exp := exponent(d.Currency)
		if d.BatchID != nil {
			g.LeftOut = append(g.LeftOut, d.proposalDoc(exp))
			continue
		}
		g.Documents = append(g.Documents, d.proposalDoc(exp))
		unbatched[i] = append(unbatched[i], d)
	}
	for i := range p.Groups {
		g := &p.Groups[i]
		gdocs := unbatched[i]
		exp := exponent(g.Currency)
		for _, d := range g.Documents {
			g.AmountMinor += d.OpenMinor
		}
		g.Amount = money.Format(g.AmountMinor, exp)
		if len(g.Documents) == 0 {
			g.Problems = append(g.Problems, ProposalProblem{ledger.ReasonPurchaseInvoiceInBatch,
				"every open document of this supplier is already in an open or exported batch"})
		} else {
			_, probs := PlanTransfers(gdocs)
			for _, pr := range probs {
				g.Problems = append(g.Problems, ProposalProblem{pr.Reason, pr.Message})
			}
		}
		for _, d := range g.LeftOut {
			g.Problems = append(g.Problems, ProposalProblem{ledger.ReasonPurchaseInvoiceInBatch,
				"document " + d.Number + " is left out: it is in batch " + strconv.FormatInt(*d.BatchID, 10)})
		}
		g.Payable = len(g.Documents) > 0
		for _, pr := range g.Problems {
			if pr.Reason != ledger.ReasonPurchaseInvoiceInBatch {
				g.Payable = false
			}
		}
		if g.Payable {
			total += g.AmountMinor
		}
	}
	p.Total = money.Format(total, 2)
	return p
}

// PlannedItem is one document of a planned transfer.
type PlannedItem struct {
	Doc         *OpenDoc
	AmountMinor int64 // negative for a credit note
}

// PlannedTransfer is one credit transfer: one supplier, either an
// unstructured remittance text or one payment reference.
type PlannedTransfer struct {
	SupplierID        int64
	AmountMinor       int64
	RemittanceText    string
	CreditorReference string
	Items             []PlannedItem
}

// PlanTransfers turns one supplier's documents (or several suppliers',
// in order) into transfers and lists what stops them: no IBAN, a currency
// other than EUR, a document not open, a transfer of zero or less (credit
// notes that exceed the invoices they can be netted with: a credit note
// is never netted into a transfer with a payment reference, whose amount
// the supplier's bank checks against the reference). Problems carry no
// path; the caller adds it.
func PlanTransfers(docs []*OpenDoc) ([]PlannedTransfer, ledger.Problems) {
	var p ledger.Problems
	var out []PlannedTransfer
	bySupplier := map[int64][]*OpenDoc{}
	var order []int64
	for _, d := range docs {
		if _, ok := bySupplier[d.SupplierID]; !ok {
			order = append(order, d.SupplierID)
		}
		bySupplier[d.SupplierID] = append(bySupplier[d.SupplierID], d)
	}
	for _, sid := range order {
		ds := bySupplier[sid]
		first := ds[0]
		ok := true
		switch {
		case first.IBAN == "":
			p.Add("", ledger.ReasonSupplierIBANMissing, "supplier %d (%s) has no IBAN to pay to", sid, first.SupplierName)
			ok = false
		case !pain001.SEPAIBAN(first.IBAN):
			p.Add("", ledger.ReasonSupplierIBANNotSEPA, "supplier %d (%s) has an IBAN of %s, outside the SEPA countries: pay it another way than by SEPA transfer",
				sid, first.SupplierName, first.IBAN[:2])
			ok = false
		}
		for _, d := range ds {
			if d.Currency != "EUR" {
				p.Add("", ledger.ReasonCurrencyNotAllowed, "document %s is in %s: a SEPA transfer is in EUR only", d.Number, d.Currency)
				ok = false
			}
		}
		if !ok {
			continue
		}
		var plain PlannedTransfer
		plain.SupplierID = sid
		var refs []PlannedTransfer
		var numbers []string
		for _, d := range ds {
			it := PlannedItem{Doc: d, AmountMinor: d.signed()}
			if d.Kind == KindInvoice && d.PaymentReference != "" {
				refs = append(refs, PlannedTransfer{SupplierID: sid, AmountMinor: it.AmountMinor,
					CreditorReference: d.PaymentReference, Items: []PlannedItem{it}})
				continue
			}
			plain.Items = append(plain.Items, it)
			plain.AmountMinor += it.AmountMinor
			numbers = append(numbers, d.RemittanceName())
		}
		for _, t := range refs {
			if t.AmountMinor <= 0 {
				p.Add("", ledger.ReasonAmountNotPositive, "document %s has nothing to pay", t.Items[0].Doc.Number)
				ok = false
			}
		}
		if len(plain.Items) > 0 && plain.AmountMinor <= 0 {
			p.Add("", ledger.ReasonAmountNotPositive,
				"supplier %d (%s): the credit notes (%s) are not less than the invoices without a payment reference they can be netted with; a credit note is never netted into a transfer with a payment reference",
				sid, first.SupplierName, money.Format(-plain.AmountMinor+sumPositive(plain.Items), 2))
			ok = false
		}
		if !ok {
			continue
		}
		if len(plain.Items) > 0 {
			plain.RemittanceText = RemittanceText(numbers)
			out = append(out, plain)
		}
		out = append(out, refs...)
	}
	return out, p
}

func sumPositive(items []PlannedItem) int64 {
	var n int64
	for _, it := range items {
		if it.AmountMinor > 0 {
			n += it.AmountMinor
		}
	}
	return n
}

// RemittanceName is how a document is named in a transfer's remittance:
// the supplier's own number (the one the supplier looks for), "credit"
// before a credit note's, in the SEPA character set; a number that has
// nothing left in it (only symbols) is named by its purchase number.
func (d *OpenDoc) RemittanceName() string {
	n := pain001.SEPAText(d.SupplierNumber)
	if n == "" {
		n = pain001.SEPAText(d.Number)
	}
	if d.Kind == KindCreditNote {
		n = "credit " + n
	}
	return n
}

// RemittanceText joins remittance names with ", " into at most 140
// characters (the SEPA character set is ASCII, so characters are bytes);
// when they do not fit, it keeps as many as fit and ends with " and N
// more", N at least 1. One name too long is cut.
func RemittanceText(names []string) string {
	var parts []string
	for _, n := range names {
		if n = pain001.SEPAText(n); n != "" {
			parts = append(parts, n)
		}
	}
	all := strings.Join(parts, ", ")
	if len(all) <= MaxRemittance {
		return all
	}
	if len(parts) == 1 {
		return strings.TrimRight(all[:MaxRemittance], " ")
	}
	// The longest prefix of parts that fits with its tail.
	best := ""
	for k := 1; k < len(parts); k++ {
		tail := " and " + strconv.Itoa(len(parts)-k) + " more"
		head := strings.Join(parts[:k], ", ")
		if len(head)+len(tail) > MaxRemittance {
			break
		}
		best = head + tail
	}
	if best == "" { // the first name alone is too long to come with a tail
		tail := " and " + strconv.Itoa(len(parts)-1) + " more"
		best = strings.TrimRight(parts[0][:MaxRemittance-len(tail)], " ") + tail
	}
	return best
}

// BatchItem is one document of a batch transfer.
type BatchItem struct {
	PurchaseInvoiceID     int64  `json:"purchase_invoice_id"`
	Kind                  string `json:"kind"`
	Number                string `json:"number"`
	SupplierInvoiceNumber string `json:"supplier_invoice_number"`
	Amount                string `json:"amount"`
	AmountMinor           int64  `json:"-"`
}

// BatchTransfer is one credit transfer of a batch.
type BatchTransfer struct {
	TransferNo        int         `json:"transfer_no"`
	EndToEndID        string      `json:"end_to_end_id"`
	SupplierID        int64       `json:"supplier_id"`
	SupplierName      string      `json:"supplier_name"`
	Amount            string      `json:"amount"`
	AmountMinor       int64       `json:"-"`
	RemittanceText    string      `json:"remittance_text"`
	CreditorReference string      `json:"creditor_reference"`
	Items             []BatchItem `json:"items"`
}

// Batch is a payment batch: the transfers of one SEPA file.
type Batch struct {
	ID            int64           `json:"id"`
	EntityID      int64           `json:"entity_id"`
	BankAccountID int64           `json:"bank_account_id"`
	DebtorIBAN    string          `json:"debtor_iban"`
	Status        string          `json:"status"`
	Format        string          `json:"format"`
	ExecutionDate ledger.Date     `json:"execution_date"`
	MessageID     string          `json:"message_id"`
	Count         int             `json:"count"`
	Total         string          `json:"total"`
	TotalMinor    int64           `json:"-"`
	Transfers     []BatchTransfer `json:"transfers,omitempty"`
	CreatedAt     time.Time       `json:"created_at"`
	CreatedBy     int64           `json:"created_by"`
	ExportedAt    *time.Time      `json:"exported_at"`
	ExportedBy    *int64          `json:"exported_by"`
	ExportCount   int             `json:"export_count"`
}

// BatchInput creates a batch: from every payable document due on or
// before DueBy, or from the documents selected.
type BatchInput struct {
	BankAccountID      *int64       `json:"bank_account_id"`
	ExecutionDate      *ledger.Date `json:"execution_date"`
	DueBy              *ledger.Date `json:"due_by"`
	PurchaseInvoiceIDs []int64      `json:"purchase_invoice_ids"`
}

// Check checks the input's own rules.
func (in *BatchInput) Check(today ledger.Date) error {
	var p ledger.Problems
	if in.BankAccountID == nil {
		p.Add("bank_account_id", ledger.ReasonFieldRequired, "bank_account_id is required: the entity's bank account to pay from")
	}
	if in.ExecutionDate == nil {
		in.ExecutionDate = &today // as soon as the bank can: today in the entity's time zone
	} else if in.ExecutionDate.Before(today) {
		p.Add("execution_date", ledger.ReasonDateInvalid, "execution_date %s is in the past", in.ExecutionDate)
	}
	switch {
	case in.DueBy == nil && in.PurchaseInvoiceIDs == nil:
		p.Add("due_by", ledger.ReasonFieldRequired, "give due_by or purchase_invoice_ids")
	case in.DueBy != nil && in.PurchaseInvoiceIDs != nil:
		p.Add("purchase_invoice_ids", ledger.ReasonParameterInvalid, "give due_by or purchase_invoice_ids, not both")
	case in.PurchaseInvoiceIDs != nil && len(in.PurchaseInvoiceIDs) == 0:
		p.Add("purchase_invoice_ids", ledger.ReasonBatchEmpty, "purchase_invoice_ids is empty")
	}
	seen := map[int64]bool{}
	for i, id := range in.PurchaseInvoiceIDs {
		if seen[id] {
			p.Add("purchase_invoice_ids["+strconv.Itoa(i)+"]", ledger.ReasonParameterInvalid, "purchase invoice %d is given twice", id)
		}
		seen[id] = true
	}
	return p.Err()
}

// BatchFilter lists batches by id after a cursor.
type BatchFilter struct {
	Status string
	After  int64
	Limit  int
}

// SortDocs orders documents by supplier, invoices before credit notes,
// then due date, then id: the
// order of a proposal and of a batch's transfers.
func SortDocs(docs []*OpenDoc) {
	sort.SliceStable(docs, func(i, j int) bool {
		a, b := docs[i], docs[j]
		if a.SupplierID != b.SupplierID {
			return a.SupplierID < b.SupplierID
		}
		if a.Kind != b.Kind { // invoices before credit notes
			return a.Kind == KindInvoice
		}
		ad, bd := ledger.Date{}, ledger.Date{}
		if a.DueDate != nil {
			ad = *a.DueDate
		}
		if b.DueDate != nil {
			bd = *b.DueDate
		}
		if c := ad.Compare(bd); c != 0 {
			return c < 0
		}
		return a.ID < b.ID
	})
}

// BatchStore is what the API needs of payment proposals and batches.
type BatchStore interface {
	// PaymentProposal: the open documents due by the date (supplierID 0:
	// all suppliers).
	PaymentProposal(ctx context.Context, entityID int64, dueBy ledger.Date, supplierID int64) (*Proposal, error)
	// CreatePaymentBatch: invalid (field rules, supplier_iban_missing,
	// currency_not_allowed, amount_not_positive, purchase_invoice_not_open,
	// purchase_invoice_in_batch, batch_empty, bank account not of the
	// entity or not in EUR).
	CreatePaymentBatch(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, in *BatchInput) (*Batch, error)
	PaymentBatch(ctx context.Context, entityID, id int64) (*Batch, error)
	PaymentBatches(ctx context.Context, entityID int64, f BatchFilter) ([]*Batch, error)
	// CancelPaymentBatch: conflict (batch_cancelled).
	CancelPaymentBatch(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64) (*Batch, error)
	// ExportPaymentBatch writes the pain.001 file (version "": the bank
	// account's format) on the first export and returns the stored bytes
	// after: conflict (batch_exported without again, batch_cancelled),
	// invalid (payment_file_invalid, payment_file_format_invalid).
	ExportPaymentBatch(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64, version string, again bool) (*Batch, []byte, error)
}

func exponent(currency string) int {
	if e, ok := money.Exponent(currency); ok {
		return e
	}
	return 2
}
