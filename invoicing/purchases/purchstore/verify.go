package purchstore

import (
	"backoffice/invoicing/purchases"
	"backoffice/ledger/sqlstore"
)

// Verify is purchases' sqlstore.Checker for `backoffice verify`, run in
// verify's snapshot:
//
//   - law 8: whoever made, booked, reversed or removed a supplier,
//     document, purchase document, supplier payment or allocation is an
//     actor;
//   - law 3: the purchase numbers of an entity's fiscal year run 1..n
//     without holes or repeats among booked and reversed documents, and
//     the counter of the "purchase" series stands at n;
//   - every booked or reversed document has its entry, whose payables line
//     (the last) is the document's total on the right side (credit for an
//     invoice, debit for a credit note) in its currency and its
//     functional total in the functional one; every reversed one has the
//     entry that reverses it;
//   - law 7 for purchases: every settled amount (document and currency,
//     and functional) equals the sum of the allocations that are not
//     removed, on either side;
//   - the payables account's balance equals the open purchase documents
//     less the unallocated supplier payments, in the functional currency,
//     where only purchases post to that account (an entity that posts
//     other entries to it is not checked: it cannot be told apart).
func (s *Store) Verify(tx *sqlstore.Tx, r *sqlstore.VerifyReport) error {
	db := tx.DB()
	var n struct{ Suppliers, Documents, Invoices, CreditNotes, Payments int64 }
	if err := db.Raw(`SELECT (SELECT count(*) FROM suppliers) AS suppliers, (SELECT count(*) FROM documents) AS documents,
		(SELECT count(*) FROM purchase_invoices WHERE kind = 'invoice') AS invoices,
		(SELECT count(*) FROM purchase_invoices WHERE kind = 'credit_note') AS credit_notes,
		(SELECT count(*) FROM supplier_payments) AS payments`).Scan(&n).Error; err != nil {
		return err
	}
	r.Checked("supplier", "suppliers", n.Suppliers)
	r.Checked("document", "documents", n.Documents)
	r.Checked("purchase invoice", "purchase invoices", n.Invoices)
	r.Checked("supplier credit note", "supplier credit notes", n.CreditNotes)
	r.Checked("supplier payment", "supplier payments", n.Payments)
	for _, a := range []struct {
		table   string
		columns []string
	}{
		{"suppliers", []string{"created_by"}},
		{"documents", []string{"created_by"}},
		{"purchase_invoices", []string{"created_by", "booked_by", "reversed_by"}},
		{"supplier_payments", []string{"created_by", "removed_by"}},
		{"purchase_allocations", []string{"created_by", "removed_by"}},
	} {
		if err := sqlstore.VerifyActors(tx, r, a.table, a.columns...); err != nil {
			return err
		}
	}
	for _, check := range []func(*sqlstore.Tx, *sqlstore.VerifyReport) error{verifyPurchaseNumbers, verifyPurchaseEntries,
		verifyPurchaseSettlement, verifyPayablesAccount} {
		if err := check(tx, r); err != nil {
			return err
		}
	}
	return nil
}

// verifyPurchaseNumbers: law 3 for the purchase series.
func verifyPurchaseNumbers(tx *sqlstore.Tx, r *sqlstore.VerifyReport) error {
	var series []struct {
		EntityID, FiscalYear, N, MinSeq, MaxSeq, Distinct, Counter int64
	}
	err := tx.DB().Raw(`SELECT p.entity_id, p.fiscal_year, count(*) AS n, min(p.seq) AS min_seq, max(p.seq) AS max_seq,
			count(DISTINCT p.seq) AS "distinct",
			coalesce((SELECT c.value FROM counters c WHERE c.entity_id = p.entity_id AND c.series = 'purchase' AND c.year = p.fiscal_year), 0) AS counter
		FROM purchase_invoices p WHERE p.status <> 'draft' GROUP BY p.entity_id, p.fiscal_year`).Scan(&series).Error
	if err != nil {
		return err
	}
	for _, x := range series {
		if x.MinSeq != 1 || x.MaxSeq != x.N || x.Distinct != x.N || x.Counter != x.N {
			r.Breach("law 3: entity %d purchase series %d: %d documents numbered %d..%d (%d distinct), counter at %d",
				x.EntityID, x.FiscalYear, x.N, x.MinSeq, x.MaxSeq, x.Distinct, x.Counter)
		}
	}
	// A counter ahead of every booked document of its year (or a year
	// without any) is a number drawn and never used.
	var ahead []struct{ EntityID, Year, Value int64 }
	err = tx.DB().Raw(`SELECT c.entity_id, c.year, c.value FROM counters c WHERE c.series = 'purchase' AND c.value > 0
		AND NOT EXISTS (SELECT 1 FROM purchase_invoices p WHERE p.entity_id = c.entity_id AND p.fiscal_year = c.year AND p.status <> 'draft')`).Scan(&ahead).Error
	if err != nil {
		return err
	}
	for _, x := range ahead {
		r.Breach("law 3: entity %d purchase series %d: counter at %d but no booked document", x.EntityID, x.Year, x.Value)
	}
	return nil
}

// verifyPurchaseEntries: every booked or reversed document's entry and
// payables line, and every reversed one's reversal.
func verifyPurchaseEntries(tx *sqlstore.Tx, r *sqlstore.VerifyReport) error {
	var bad []struct {
		EntityID, ID                       int64
		Number, Kind, Status               string
		TotalMinor, FunctionalTotalMinor   int64
		EntryID, ReversalEntryID, Reverses *int64
		Currency, LineCurrency             *string
		Amount, Debit, Credit              *int64
	}
	err := tx.DB().Raw(`SELECT p.entity_id, p.id, coalesce(p.number, '') AS number, p.kind, p.status, p.total_minor, p.functional_total_minor,
			e.id AS entry_id, v.id AS reversal_entry_id, v.reverses_id AS reverses, p.currency,
			l.currency AS line_currency, l.amount_minor AS amount, l.debit_minor AS debit, l.credit_minor AS credit
		FROM purchase_invoices p
		LEFT JOIN journal_entries e ON e.entity_id = p.entity_id AND e.id = p.entry_id
		LEFT JOIN journal_lines l ON l.entity_id = e.entity_id AND l.entry_id = e.id
			AND l.line_no = (SELECT max(m.line_no) FROM journal_lines m WHERE m.entity_id = e.entity_id AND m.entry_id = e.id)
		LEFT JOIN journal_entries v ON v.entity_id = p.entity_id AND v.id = p.reversal_entry_id
		WHERE p.status <> 'draft' AND (e.id IS NULL OR l.entry_id IS NULL OR l.currency <> p.currency OR l.amount_minor <> p.total_minor
			OR (p.kind = 'invoice' AND l.credit_minor <> p.functional_total_minor)
			OR (p.kind = 'credit_note' AND l.debit_minor <> p.functional_total_minor)
			OR (p.status = 'reversed' AND (v.id IS NULL OR v.reverses_id IS NULL OR v.reverses_id <> p.entry_id)))`).Scan(&bad).Error
	if err != nil {
		return err
	}
	for _, b := range bad {
		switch {
		case b.EntryID == nil:
			r.Breach("purchases: entity %d %s %d (%s) is %s but has no entry", b.EntityID, b.Kind, b.ID, b.Number, b.Status)
		case b.Status == purchases.StatusReversed && (b.ReversalEntryID == nil || b.Reverses == nil || *b.Reverses != *b.EntryID):
			r.Breach("purchases: entity %d %s %d (%s) is reversed but no entry reverses its entry %d", b.EntityID, b.Kind, b.ID, b.Number, *b.EntryID)
		default:
			amount, debit, credit := int64(0), int64(0), int64(0)
			if b.Amount != nil {
				amount, debit, credit = *b.Amount, *b.Debit, *b.Credit
			}
			r.Breach("purchases: entity %d %s %d (%s): total %d (functional %d) but its entry's payables line is %d (debit %d, credit %d)",
				b.EntityID, b.Kind, b.ID, b.Number, b.TotalMinor, b.FunctionalTotalMinor, amount, debit, credit)
		}
	}
	return nil
}

// verifyPurchaseSettlement: law 7 for settled amounts.
func verifyPurchaseSettlement(tx *sqlstore.Tx, r *sqlstore.VerifyReport) error {
	var off []struct {
		EntityID, ID                                      int64
		Doc                                               string
		Settled, SettledFunctional, Allocated, AllocatedF int64
	}
	err := tx.DB().Raw(`SELECT p.entity_id, p.id, p.kind AS doc, p.settled_minor AS settled, p.settled_functional_minor AS settled_functional,
			coalesce((SELECT sum(a.amount_minor) FROM purchase_allocations a WHERE a.entity_id = p.entity_id AND a.removed_at IS NULL
				AND (a.owed_invoice_id = p.id OR a.settle_invoice_id = p.id)), 0) AS allocated,
			coalesce((SELECT sum(CASE WHEN a.owed_invoice_id = p.id THEN a.owed_functional_minor ELSE a.settle_functional_minor END)
				FROM purchase_allocations a WHERE a.entity_id = p.entity_id AND a.removed_at IS NULL
				AND (a.owed_invoice_id = p.id OR a.settle_invoice_id = p.id)), 0) AS allocated_f
		FROM purchase_invoices p
		UNION ALL
		SELECT q.entity_id, q.id, 'supplier payment', q.settled_minor, q.settled_functional_minor,
			coalesce((SELECT sum(a.amount_minor) FROM purchase_allocations a WHERE a.entity_id = q.entity_id AND a.removed_at IS NULL
				AND (a.owed_payment_id = q.id OR a.settle_payment_id = q.id)), 0),
			coalesce((SELECT sum(CASE WHEN a.owed_payment_id = q.id THEN a.owed_functional_minor ELSE a.settle_functional_minor END)
				FROM purchase_allocations a WHERE a.entity_id = q.entity_id AND a.removed_at IS NULL
				AND (a.owed_payment_id = q.id OR a.settle_payment_id = q.id)), 0)
		FROM supplier_payments q`).Scan(&off).Error
	if err != nil {
		return err
	}
	for _, o := range off {
		if o.Settled != o.Allocated || o.SettledFunctional != o.AllocatedF {
			r.Breach("purchases: entity %d %s %d: settled %d (functional %d) but its allocations sum to %d (functional %d)",
				o.EntityID, o.Doc, o.ID, o.Settled, o.SettledFunctional, o.Allocated, o.AllocatedF)
		}
	}
	return nil
}

// purchaseEntries are the entries purchases post, and the entries that
// reverse them: what may touch the payables account.
const purchaseEntries = `SELECT entry_id FROM purchase_invoices WHERE entity_id = x.entity_id AND entry_id IS NOT NULL
	UNION ALL SELECT reversal_entry_id FROM purchase_invoices WHERE entity_id = x.entity_id AND reversal_entry_id IS NOT NULL
	UNION ALL SELECT entry_id FROM supplier_payments WHERE entity_id = x.entity_id
	UNION ALL SELECT removal_entry_id FROM supplier_payments WHERE entity_id = x.entity_id AND removal_entry_id IS NOT NULL
	UNION ALL SELECT fx_entry_id FROM purchase_allocations WHERE entity_id = x.entity_id AND fx_entry_id IS NOT NULL
	UNION ALL SELECT removal_entry_id FROM purchase_allocations WHERE entity_id = x.entity_id AND removal_entry_id IS NOT NULL`

// verifyPayablesAccount: the payables account equals what purchases have
// open, where only purchases post to it.
func verifyPayablesAccount(tx *sqlstore.Tx, r *sqlstore.VerifyReport) error {
	def := purchases.DefaultSettings().PayableAccount
	var rows []struct {
		EntityID, AccountID                int64
		Code                               string
		BalanceMinor, OpenMinor, PaysMinor int64
		OtherLines                         int64
	}
	err := tx.DB().Raw(`SELECT x.entity_id, a.id AS account_id, a.code,
			coalesce((SELECT sum(l.credit_minor) - sum(l.debit_minor) FROM journal_lines l WHERE l.entity_id = a.entity_id AND l.account_id = a.id), 0) AS balance_minor,
			coalesce((SELECT sum(CASE WHEN p.kind = 'invoice' THEN 1 ELSE -1 END * (p.functional_total_minor - p.settled_functional_minor))
				FROM purchase_invoices p WHERE p.entity_id = x.entity_id AND p.status = 'booked'), 0) AS open_minor,
			coalesce((SELECT sum(CASE WHEN q.direction = 'refund' THEN 1 ELSE -1 END * (q.functional_minor - q.settled_functional_minor))
				FROM supplier_payments q WHERE q.entity_id = x.entity_id AND q.removed_at IS NULL), 0) AS pays_minor,
			(SELECT count(*) FROM journal_lines l WHERE l.entity_id = a.entity_id AND l.account_id = a.id
				AND l.entry_id NOT IN (`+purchaseEntries+`)
				AND NOT EXISTS (SELECT 1 FROM journal_entries j WHERE j.entity_id = l.entity_id AND j.id = l.entry_id
					AND j.reverses_id IN (`+purchaseEntries+`))) AS other_lines
		FROM (SELECT DISTINCT entity_id FROM purchase_invoices WHERE status <> 'draft'
			UNION SELECT DISTINCT entity_id FROM supplier_payments) x
		LEFT JOIN purchase_settings s ON s.entity_id = x.entity_id
		JOIN accounts a ON a.entity_id = x.entity_id AND a.code = coalesce(s.payable_account, ?)`, def).Scan(&rows).Error
	if err != nil {
		return err
	}
	for _, x := range rows {
		if x.OtherLines > 0 {
			continue // other entries post to it: the difference cannot be told
		}
		if want := x.OpenMinor + x.PaysMinor; x.BalanceMinor != want {
			r.Breach("purchases: entity %d payables account %s stands at %d (credit) but the open purchase documents and unallocated supplier payments make %d",
				x.EntityID, x.Code, x.BalanceMinor, want)
		}
	}
	return nil
}
