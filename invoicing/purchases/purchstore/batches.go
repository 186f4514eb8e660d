package purchstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"backoffice/invoicing/purchases"
	"backoffice/ledger"
	"backoffice/ledger/bank/pain001"
	"backoffice/ledger/money"
	"backoffice/ledger/sqlstore"
)

// Payment proposals and payment batches (pain.001 files).

var _ purchases.BatchStore = (*Store)(nil)

// batchOf is the live batch a document is in: its item is live until the
// batch is cancelled (the unique index payment_batch_items_live_unique
// keeps it to one).
const batchOf = `(SELECT min(i.batch_id) FROM payment_batch_items i
	  WHERE i.entity_id = p.entity_id AND i.purchase_invoice_id = p.id AND i.live)`

const openDocSelect = `SELECT p.id, p.kind, p.status, coalesce(p.number, '') AS number, p.supplier_number, p.due_date, p.currency,
	p.total_minor - p.settled_minor AS open_minor, p.payment_reference, s.id AS supplier_id, s.name AS supplier_name,
	s.iban, s.account_holder, s.bic, s.address_lines, s.postcode, s.city, s.country,
	` + batchOf + ` AS batch_id
	FROM purchase_invoices p JOIN suppliers s ON s.entity_id = p.entity_id AND s.id = p.supplier_id`

type openDocRow struct {
	ID               int64
	Kind             string
	Status           string
	Number           string
	SupplierNumber   string
	DueDate          *ledger.Date
	Currency         string
	OpenMinor        int64
	PaymentReference string
	SupplierID       int64
	SupplierName     string
	IBAN             string `gorm:"column:iban"`
	AccountHolder    string
	BIC              string `gorm:"column:bic"`
	AddressLines     string
	Postcode         string
	City             string
	Country          string
	BatchID          *int64
}

func (r *openDocRow) doc() *purchases.OpenDoc {
	lines := []string{}
	if r.AddressLines != "" {
		lines = strings.Split(r.AddressLines, "\n")
	}
	return &purchases.OpenDoc{ID: r.ID, Kind: r.Kind, Status: r.Status, Number: r.Number, SupplierNumber: r.SupplierNumber,
		DueDate: r.DueDate, Currency: r.Currency, OpenMinor: r.OpenMinor, PaymentReference: r.PaymentReference,
		BatchID: r.BatchID, SupplierID: r.SupplierID, SupplierName: r.SupplierName, IBAN: r.IBAN,
		AccountHolder: r.AccountHolder, BIC: r.BIC,
		Address: ledger.Address{Lines: lines, Postcode: r.Postcode, City: r.City, Country: r.Country}}
}

// dueDocs are the booked invoices with something open due on or before
// dueBy (without a due date: dated on or before it) and the open credit
// notes of their suppliers, sorted by supplier, due date and id.
func dueDocs(tx *sqlstore.Tx, entityID int64, dueBy ledger.Date, supplierID int64, lock string) ([]*purchases.OpenDoc, error) {
	q := openDocSelect + ` WHERE p.entity_id = ? AND p.status = 'booked' AND p.settled_minor < p.total_minor
		AND (p.kind = 'credit_note' OR coalesce(p.due_date, p.invoice_date) <= ?)`
	args := []any{entityID, dueBy}
	if supplierID != 0 {
		q += ` AND p.supplier_id = ?`
		args = append(args, supplierID)
	}
	if lock != "" {
		q += lock + ` OF p`
	}
	var rows []openDocRow
	if err := tx.DB().Raw(q, args...).Scan(&rows).Error; err != nil {
		return nil, sqlstore.Translate(err)
	}
	due := map[int64]bool{}
	for i := range rows {
		if rows[i].Kind == purchases.KindInvoice {
			due[rows[i].SupplierID] = true
		}
	}
	out := make([]*purchases.OpenDoc, 0, len(rows))
	for i := range rows {
		if due[rows[i].SupplierID] {
			out = append(out, rows[i].doc())
		}
	}
	purchases.SortDocs(out)
	return out, nil
}

// PaymentProposal lists what is due by the date, per supplier.
func (s *Store) PaymentProposal(ctx context.Context, entityID int64, dueBy ledger.Date, supplierID int64) (*purchases.Proposal, error) {
	docs, err := dueDocs(s.l.Query(ctx), entityID, dueBy, supplierID, "")
	if err != nil {
		return nil, err
	}
	return purchases.BuildProposal(entityID, dueBy, docs), nil
}

type debtorAccount struct {
	ID                int64
	IBAN              string `gorm:"column:iban"`
	Currency          string
	PaymentFileFormat string
}

func bankAccountFor(tx *sqlstore.Tx, entityID, id int64) (*debtorAccount, error) {
	var rows []debtorAccount
	if err := tx.DB().Raw(`SELECT id, iban, currency, payment_file_format FROM bank_accounts WHERE entity_id = ? AND id = ?`,
		entityID, id).Scan(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, nil
	}
	return &rows[0], nil
}

// CreatePaymentBatch plans the transfers and writes the batch (open).
func (s *Store) CreatePaymentBatch(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, in *purchases.BatchInput) (*purchases.Batch, error) {
	if err := in.Check(ent.Today()); err != nil {
		return nil, err
	}
	var id int64
	err := s.l.Write(ctx, func(tx *sqlstore.Tx) error {
		id = 0
		ba, err := bankAccountFor(tx, ent.ID, *in.BankAccountID)
		if err != nil {
			return err
		}
		if ba == nil {
			return invalid("bank_account_id", ledger.ReasonNotFound, "bank account %d is not a bank account of this entity", *in.BankAccountID)
		}
		if ba.Currency != "EUR" {
			return invalid("bank_account_id", ledger.ReasonCurrencyNotAllowed, "bank account %d is in %s: SEPA transfers are paid from a EUR account", ba.ID, ba.Currency)
		}
		docs, err := batchDocs(tx, ent.ID, in)
		if err != nil {
			return err
		}
		plan, probs := purchases.PlanTransfers(docs)
		if len(probs) > 0 {
			for i := range probs {
				probs[i].Path = "purchase_invoice_ids"
			}
			return probs.Err()
		}
		if len(plan) == 0 {
			return invalid("due_by", ledger.ReasonBatchEmpty, "nothing payable is due by %s", in.DueBy)
		}
		var total int64
		for _, t := range plan {
			var ok bool
			if total, ok = money.Add(total, t.AmountMinor); !ok {
				return invalid("purchase_invoice_ids", ledger.ReasonAmountTooLarge, "the batch's total is too large")
			}
		}
		placeholder := make([]byte, 8)
		_, _ = rand.Read(placeholder)
		if err := tx.DB().Raw(`INSERT INTO payment_batches (entity_id, bank_account_id, status, format, execution_date, message_id,
			count, total_minor, created_at, created_by) VALUES (?, ?, 'open', ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			ent.ID, ba.ID, ba.PaymentFileFormat, *in.ExecutionDate, "pending-"+hex.EncodeToString(placeholder), len(plan), total,
			tx.Now, p.ActorID).Scan(&id).Error; err != nil {
			return err
		}
		msgID := fmt.Sprintf("BO-%d-%d-%s", ent.ID, id, tx.Now.UTC().Format("20060102"))
		if err := tx.DB().Exec(`UPDATE payment_batches SET message_id = ? WHERE entity_id = ? AND id = ?`, msgID, ent.ID, id).Error; err != nil {
			return err
		}
		type item struct {
			no  int
			it  purchases.PlannedItem
			sup int64
		}
		var items []item
		for n, t := range plan {
			for _, it := range t.Items {
				items = append(items, item{n + 1, it, t.SupplierID})
			}
		}
		err = tx.InsertRows(`INSERT INTO payment_batch_items (entity_id, batch_id, purchase_invoice_id, transfer_no, supplier_id,
			amount_minor, end_to_end_id) VALUES `, 7, len(items), 200, func(i int, args []any) []any {
			x := items[i]
			return append(args, ent.ID, id, x.it.Doc.ID, x.no, x.sup, x.it.AmountMinor, endToEnd(id, x.no))
		})
		if sqlstore.IsDuplicate(sqlstore.Translate(err), "live", "purchase_invoice_id") {
			// Another batch took one of these documents at the same moment.
			return ledger.Errorf(ledger.CodeConflict, ledger.ReasonPurchaseInvoiceInBatch,
				"a document of this batch went into another payment batch meanwhile; look at the payment proposal again")
		}
		if err != nil {
			return err
		}
		ids := make([]int64, len(items))
		for i, x := range items {
			ids[i] = x.it.Doc.ID
		}
		return tx.Audit(ent.ID, &p.ActorID, "payment_batch.created", msgID, map[string]any{"id": id, "bank_account_id": ba.ID,
			"execution_date": in.ExecutionDate, "transfers": len(plan), "total_minor": total, "purchase_invoice_ids": ids})
	})
	if err != nil {
		return nil, err
	}
	return s.PaymentBatch(ctx, ent.ID, id)
}

func endToEnd(batch int64, n int) string {
	return "B" + strconv.FormatInt(batch, 10) + "-" + strconv.Itoa(n)
}

// batchDocs are the documents a batch input names, locked: with due_by
// the payable groups of the proposal; with a selection the documents
// selected, each checked (a path per problem).
func batchDocs(tx *sqlstore.Tx, entityID int64, in *purchases.BatchInput) ([]*purchases.OpenDoc, error) {
	if in.DueBy != nil {
		docs, err := dueDocs(tx, entityID, *in.DueBy, 0, tx.ForUpdate())
		if err != nil {
			return nil, err
		}
		prop := purchases.BuildProposal(entityID, *in.DueBy, docs)
		pay := map[string]bool{}
		for _, g := range prop.Groups {
			if g.Payable {
				pay[strconv.FormatInt(g.SupplierID, 10)+"/"+g.Currency] = true
			}
		}
		var out []*purchases.OpenDoc
		for _, d := range docs {
			if d.BatchID == nil && pay[strconv.FormatInt(d.SupplierID, 10)+"/"+d.Currency] {
				out = append(out, d)
			}
		}
		if len(out) == 0 {
			return nil, invalid("due_by", ledger.ReasonBatchEmpty, "nothing payable by SEPA transfer is due by %s (see the payment proposal)", in.DueBy)
		}
		return out, nil
	}
	q := openDocSelect + ` WHERE p.entity_id = ? AND p.id IN ?`
	if l := tx.ForUpdate(); l != "" {
		q += l + ` OF p`
	}
	var rows []openDocRow
	if err := tx.DB().Raw(q, entityID, in.PurchaseInvoiceIDs).Scan(&rows).Error; err != nil {
		return nil, sqlstore.Translate(err)
	}
	byID := map[int64]*purchases.OpenDoc{}
	for i := range rows {
		byID[rows[i].ID] = rows[i].doc()
	}
	var p ledger.Problems
	var out []*purchases.OpenDoc
	noIBAN := map[int64]bool{}
	for i, id := range in.PurchaseInvoiceIDs {
		path := "purchase_invoice_ids[" + strconv.Itoa(i) + "]"
		d := byID[id]
		switch {
		case d == nil:
			p.Add(path, ledger.ReasonNotFound, "purchase invoice %d not found", id)
		case d.Status != purchases.StatusBooked || d.OpenMinor <= 0:
			p.Add(path, ledger.ReasonPurchaseInvoiceNotOpen, "purchase invoice %d (%s) is %s with nothing open to pay", id, d.Number, d.Status)
		case d.BatchID != nil:
			p.Add(path, ledger.ReasonPurchaseInvoiceInBatch, "purchase invoice %d (%s) is already in payment batch %d", id, d.Number, *d.BatchID)
		case d.Currency != "EUR":
			p.Add(path, ledger.ReasonCurrencyNotAllowed, "purchase invoice %d (%s) is in %s: a SEPA transfer is in EUR only", id, d.Number, d.Currency)
		case d.IBAN == "":
			if !noIBAN[d.SupplierID] {
				p.Add(path, ledger.ReasonSupplierIBANMissing, "supplier %d (%s) has no IBAN to pay to", d.SupplierID, d.SupplierName)
			}
			noIBAN[d.SupplierID] = true
		case !pain001.SEPAIBAN(d.IBAN):
			if !noIBAN[d.SupplierID] {
				p.Add(path, ledger.ReasonSupplierIBANNotSEPA, "supplier %d (%s) has an IBAN of %s, outside the SEPA countries", d.SupplierID, d.SupplierName, d.IBAN[:2])
			}
			noIBAN[d.SupplierID] = true
		default:
			out = append(out, d)
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	purchases.SortDocs(out)
	return out, nil
}

type batchRow struct {
	ID            int64
	EntityID      int64
	BankAccountID int64
	IBAN          string `gorm:"column:iban"`
	Status        string
	Format        string
	ExecutionDate ledger.Date
	MessageID     string
	Count         int
	TotalMinor    int64
	CreatedAt     time.Time
	CreatedBy     int64
	ExportedAt    *time.Time
	ExportedBy    *int64
	ExportCount   int
}

const batchSelect = `SELECT b.id, b.entity_id, b.bank_account_id, a.iban, b.status, b.format, b.execution_date, b.message_id,
	b.count, b.total_minor, b.created_at, b.created_by, b.exported_at, b.exported_by, b.export_count
	FROM payment_batches b JOIN bank_accounts a ON a.entity_id = b.entity_id AND a.id = b.bank_account_id`

func (r *batchRow) batch() *purchases.Batch {
	return &purchases.Batch{ID: r.ID, EntityID: r.EntityID, BankAccountID: r.BankAccountID, DebtorIBAN: r.IBAN,
		Status: r.Status, Format: r.Format, ExecutionDate: r.ExecutionDate, MessageID: r.MessageID, Count: r.Count,
		Total: money.Format(r.TotalMinor, 2), TotalMinor: r.TotalMinor, CreatedAt: r.CreatedAt.UTC(), CreatedBy: r.CreatedBy,
		ExportedAt: utc(r.ExportedAt), ExportedBy: r.ExportedBy, ExportCount: r.ExportCount}
}

func loadBatch(tx *sqlstore.Tx, entityID, id int64, lock string) (*purchases.Batch, error) {
	q := batchSelect + ` WHERE b.entity_id = ? AND b.id = ?`
	if lock != "" {
		q += lock + ` OF b`
	}
	var rows []batchRow
	if err := tx.DB().Raw(q, entityID, id).Scan(&rows).Error; err != nil {
		return nil, sqlstore.Translate(err)
	}
	if len(rows) == 0 {
		return nil, ledger.NotFound("payment batch")
	}
	return rows[0].batch(), nil
}

type itemRow struct {
	TransferNo        int
	EndToEndID        string `gorm:"column:end_to_end_id"`
	AmountMinor       int64
	PurchaseInvoiceID int64
}

// transfers reads a batch's transfers with their documents and the
// suppliers' current payment details. The items are read alone (by the
// primary key's prefix) and then their documents by id: one query joining
// items, documents and suppliers let PostgreSQL, with the rows=1 estimates
// of tables not yet analyzed, loop over suppliers x items and match the
// documents by a join filter (1,000 items: ~1M rows compared, 250-780 ms;
// see "Payment proposal to pain.001" in docs/performance.md).
func transfers(tx *sqlstore.Tx, entityID, id int64) ([]purchases.BatchTransfer, map[int][]*purchases.OpenDoc, error) {
	var items []itemRow
	if err := tx.DB().Raw(`SELECT transfer_no, end_to_end_id, amount_minor, purchase_invoice_id FROM payment_batch_items
		WHERE entity_id = ? AND batch_id = ? ORDER BY transfer_no, purchase_invoice_id`, entityID, id).Scan(&items).Error; err != nil {
		return nil, nil, sqlstore.Translate(err)
	}
	byID := make(map[int64]*purchases.OpenDoc, len(items))
	if len(items) > 0 {
		ids := make([]int64, len(items))
		for k := range items {
			ids[k] = items[k].PurchaseInvoiceID
		}
		var rows []openDocRow
		q := strings.Replace(openDocSelect, batchOf, "NULL", 1) + ` WHERE p.entity_id = ? AND p.id IN ?`
		if err := tx.DB().Raw(q, entityID, ids).Scan(&rows).Error; err != nil {
			return nil, nil, sqlstore.Translate(err)
		}
		for k := range rows {
			byID[rows[k].ID] = rows[k].doc()
		}
	}
	docs := map[int][]*purchases.OpenDoc{}
	amounts := map[int64]int64{}
	var out []purchases.BatchTransfer
	for i := range items {
		r := &items[i]
		d := byID[r.PurchaseInvoiceID]
		if d == nil {
			return nil, nil, fmt.Errorf("payment batch %d: purchase invoice %d of transfer %d not found", id, r.PurchaseInvoiceID, r.TransferNo)
		}
		amounts[d.ID] = r.AmountMinor
		if len(out) == 0 || out[len(out)-1].TransferNo != r.TransferNo {
			out = append(out, purchases.BatchTransfer{TransferNo: r.TransferNo, EndToEndID: r.EndToEndID,
				SupplierID: d.SupplierID, SupplierName: d.SupplierName, Items: []purchases.BatchItem{}})
		}
		docs[r.TransferNo] = append(docs[r.TransferNo], d)
	}
	for k := range out {
		t := &out[k]
		ds := docs[t.TransferNo]
		purchases.SortDocs(ds)
		var numbers []string
		for _, d := range ds {
			a := amounts[d.ID]
			t.AmountMinor += a
			t.Items = append(t.Items, purchases.BatchItem{PurchaseInvoiceID: d.ID, Kind: d.Kind, Number: d.Number,
				SupplierInvoiceNumber: d.SupplierNumber, Amount: money.Format(a, 2), AmountMinor: a})
			numbers = append(numbers, d.RemittanceName())
		}
		t.Amount = money.Format(t.AmountMinor, 2)
		if len(ds) == 1 && ds[0].Kind == purchases.KindInvoice && ds[0].PaymentReference != "" {
			t.CreditorReference = ds[0].PaymentReference
		} else {
			t.RemittanceText = purchases.RemittanceText(numbers)
		}
	}
	return out, docs, nil
}

// PaymentBatch returns a batch with its transfers.
func (s *Store) PaymentBatch(ctx context.Context, entityID, id int64) (*purchases.Batch, error) {
	tx := s.l.Query(ctx)
	b, err := loadBatch(tx, entityID, id, "")
	if err != nil {
		return nil, err
	}
	if b.Transfers, _, err = transfers(tx, entityID, id); err != nil {
		return nil, err
	}
	return b, nil
}

// PaymentBatches lists batches by id after the cursor, at most Limit+1.
func (s *Store) PaymentBatches(ctx context.Context, entityID int64, f purchases.BatchFilter) ([]*purchases.Batch, error) {
	q := batchSelect + ` WHERE b.entity_id = ? AND b.id > ?`
	args := []any{entityID, f.After}
	if f.Status != "" {
		q += ` AND b.status = ?`
		args = append(args, f.Status)
	}
	q += ` ORDER BY b.id LIMIT ?`
	args = append(args, f.Limit+1)
	var rows []batchRow
	if err := s.l.Query(ctx).DB().Raw(q, args...).Scan(&rows).Error; err != nil {
		return nil, sqlstore.Translate(err)
	}
	out := make([]*purchases.Batch, len(rows))
	for i := range rows {
		out[i] = rows[i].batch()
	}
	return out, nil
}

// CancelPaymentBatch cancels an open or exported batch: its documents are
// free for another batch. (An exported file already sent to the bank is
// to be withdrawn there too.)
func (s *Store) CancelPaymentBatch(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64) (*purchases.Batch, error) {
	err := s.l.Write(ctx, func(tx *sqlstore.Tx) error {
		b, err := loadBatch(tx, ent.ID, id, tx.ForUpdate())
		if err != nil {
			return err
		}
		if b.Status == purchases.BatchCancelled {
			return ledger.Errorf(ledger.CodeConflict, ledger.ReasonBatchCancelled, "payment batch %d is already cancelled", id)
		}
		if err := tx.DB().Exec(`UPDATE payment_batch_items SET live = ? WHERE entity_id = ? AND batch_id = ?`, false, ent.ID, id).Error; err != nil {
			return err
		}
		if err := tx.DB().Exec(`UPDATE payment_batches SET status = 'cancelled' WHERE entity_id = ? AND id = ?`, ent.ID, id).Error; err != nil {
			return err
		}
		return tx.Audit(ent.ID, &p.ActorID, "payment_batch.cancelled", b.MessageID, map[string]any{"id": id, "was": b.Status})
	})
	if err != nil {
		return nil, err
	}
	return s.PaymentBatch(ctx, ent.ID, id)
}

// ExportPaymentBatch writes the batch's pain.001 file once and keeps it;
// with again it returns the kept bytes and counts the export.
func (s *Store) ExportPaymentBatch(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64, version string, again bool) (*purchases.Batch, []byte, error) {
	var file []byte
	err := s.l.Write(ctx, func(tx *sqlstore.Tx) error {
		file = nil
		b, err := loadBatch(tx, ent.ID, id, tx.ForUpdate())
		if err != nil {
			return err
		}
		switch {
		case b.Status == purchases.BatchCancelled:
			return ledger.Errorf(ledger.CodeConflict, ledger.ReasonBatchCancelled, "payment batch %d is cancelled", id)
		case b.Status == purchases.BatchExported && !again:
			e := ledger.Errorf(ledger.CodeConflict, ledger.ReasonBatchExported,
				"payment batch %d was exported %d time(s) already; ask again with ?again=true for the same file (and make sure the bank has not received it)",
				id, b.ExportCount)
			return e
		case b.Status == purchases.BatchExported:
			if err := tx.DB().Raw(`SELECT file FROM payment_batches WHERE entity_id = ? AND id = ?`, ent.ID, id).Row().Scan(&file); err != nil {
				return err
			}
			if err := tx.DB().Exec(`UPDATE payment_batches SET export_count = export_count + 1 WHERE entity_id = ? AND id = ?`, ent.ID, id).Error; err != nil {
				return err
			}
			return tx.Audit(ent.ID, &p.ActorID, "payment_batch.exported_again", b.MessageID, map[string]any{"id": id, "export_count": b.ExportCount + 1})
		}
		if version == "" {
			version = b.Format
		}
		v, ok := pain001.ParseVersion(version)
		if !ok {
			return invalid("version", ledger.ReasonPaymentFileFormatInvalid, "version %q is not %s or %s", version, pain001.V09, pain001.V03)
		}
		ts, docs, err := transfers(tx, ent.ID, id)
		if err != nil {
			return err
		}
		pb := &pain001.Batch{MessageID: b.MessageID, CreatedAt: tx.Now, ExecutionDate: b.ExecutionDate.Time(),
			Debtor: pain001.Party{Name: ent.Name, IBAN: b.DebtorIBAN, Address: pain001.Address{Lines: ent.Address.Lines,
				Postcode: ent.Address.Postcode, Town: ent.Address.City, Country: ent.Address.Country}}, BatchBooking: true}
		var probs ledger.Problems
		for k, t := range ts {
			path := "transfers[" + strconv.Itoa(k) + "]"
			for _, d := range docs[t.TransferNo] {
				if d.Status != purchases.StatusBooked || d.OpenMinor < abs(amountOf(t, d.ID)) {
					probs.Add(path, ledger.ReasonPurchaseInvoiceNotOpen, "purchase invoice %d (%s) is %s with %s open since the batch was made; cancel the batch and make another",
						d.ID, d.Number, d.Status, money.Format(d.OpenMinor, 2))
				}
			}
			d := docs[t.TransferNo][0]
			name := d.AccountHolder
			if name == "" {
				name = d.SupplierName
			}
			pb.Transfers = append(pb.Transfers, pain001.Transfer{EndToEndID: t.EndToEndID, AmountMinor: t.AmountMinor,
				Creditor: pain001.Party{Name: name, IBAN: d.IBAN, BIC: d.BIC, Address: pain001.Address{
					Lines: d.Address.Lines, Postcode: d.Address.Postcode, Town: d.Address.City, Country: d.Address.Country}},
				RemittanceText: t.RemittanceText, CreditorReference: t.CreditorReference})
		}
		if err := probs.Err(); err != nil {
			return err
		}
		out, err := pain001.Write(v, pb)
		var pe *pain001.Error
		if errors.As(err, &pe) {
			for _, x := range pe.Problems {
				probs.Add(x.Path, ledger.ReasonPaymentFileInvalid, "%s", x.Message)
			}
			return probs.Err()
		} else if err != nil {
			return err
		}
		if err := tx.DB().Exec(`UPDATE payment_batches SET file = ?, format = ?, status = 'exported', exported_at = ?, exported_by = ?,
			export_count = 1 WHERE entity_id = ? AND id = ?`, out, string(v), tx.Now, p.ActorID, ent.ID, id).Error; err != nil {
			return err
		}
		file = out
		return tx.Audit(ent.ID, &p.ActorID, "payment_batch.exported", b.MessageID, map[string]any{"id": id, "format": string(v),
			"transfers": len(ts), "total_minor": b.TotalMinor})
	})
	if err != nil {
		return nil, nil, err
	}
	b, err := s.PaymentBatch(ctx, ent.ID, id)
	return b, file, err
}

func amountOf(t purchases.BatchTransfer, docID int64) int64 {
	for _, it := range t.Items {
		if it.PurchaseInvoiceID == docID {
			return it.AmountMinor
		}
	}
	return 0
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}
