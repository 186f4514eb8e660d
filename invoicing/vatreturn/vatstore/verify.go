package vatstore

import (
	"fmt"

	"backoffice/invoicing"
	"backoffice/invoicing/purchases"
	"backoffice/invoicing/vatledger"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
)

// totalKey is one row of vat_totals without its box.
type totalKey struct {
	day        string
	side       string
	code       int64
	vat, input int64 // the accounts
}

// collapse sums the purchase totals over their accounts: a purchase
// document keeps its tax code, not the accounts its booking posted to
// (its lines read them from the tax code as it is now), so its accounts
// cannot be recomputed, only its amounts. A sale's line keeps its VAT
// account: sales are compared account by account.
func collapse(m map[totalKey]totalSums) map[totalKey]totalSums {
	out := make(map[totalKey]totalSums, len(m))
	for k, v := range m {
		if k.side == "purchases" {
			k.vat, k.input = 0, 0
		}
		s := out[k]
		s.base += v.base
		s.vat += v.vat
		s.deductible += v.deductible
		out[k] = s
	}
	for k, v := range out {
		if v == (totalSums{}) {
			delete(out, k)
		}
	}
	return out
}

type totalSums struct{ base, vat, deductible int64 }

// verify is the VAT return's check for verify (sqlstore.Store.Extend), in
// verify's snapshot: per entity, the daily VAT totals of source
// 'documents' equal a recomputation from the documents themselves (issued
// and voided sales invoices and credit notes; booked and reversed
// purchase invoices and supplier credit notes), row by row (the return
// reads nothing else); every filed return's figures are by actors (law 8).
func (s *Store) verify(tx *sqlstore.Tx, r *sqlstore.VerifyReport) error {
	if err := sqlstore.VerifyActors(tx, r, "vat_returns", "filed_by"); err != nil {
		return err
	}
	if err := sqlstore.VerifyActors(tx, r, "vat_adjustments", "created_by"); err != nil {
		return err
	}
	var ids []int64
	if err := tx.DB().Raw(`SELECT DISTINCT entity_id FROM vat_totals WHERE source = 'documents' UNION SELECT DISTINCT entity_id FROM invoices WHERE status <> 'draft'
		UNION SELECT DISTINCT entity_id FROM purchase_invoices WHERE status <> 'draft' ORDER BY 1`).Scan(&ids).Error; err != nil {
		return err
	}
	b := s.In(tx)
	var n int64
	for _, id := range ids {
		ent, err := b.l.Entity(tx.Context(), id)
		if err != nil {
			return err
		}
		want, err := b.recompute(tx, ent)
		if err != nil {
			return err
		}
		stored, err := storedTotals(tx, id)
		if err != nil {
			return err
		}
		n += int64(len(stored))
		want, got := collapse(want), collapse(stored)
		// A database upgraded from before the totals existed has documents
		// without them: backoffice rebuild-vat-totals writes them.
		for k, w := range want {
			if g := got[k]; g != w {
				r.Breach("vat totals: entity %d %s %s tax code %d%s: stored base %d vat %d deductible %d, the documents say %d %d %d (backoffice rebuild-vat-totals rewrites them)",
					id, k.day, k.side, k.code, k.accounts(), g.base, g.vat, g.deductible, w.base, w.vat, w.deductible)
			}
		}
		for k, g := range got {
			if _, ok := want[k]; !ok && g != (totalSums{}) {
				r.Breach("vat totals: entity %d %s %s tax code %d%s: stored base %d vat %d deductible %d, no document says so (backoffice rebuild-vat-totals rewrites them)",
					id, k.day, k.side, k.code, k.accounts(), g.base, g.vat, g.deductible)
			}
		}
	}
	// Listed, but not counted among the documents: a total is not one.
	r.Kinds = append(r.Kinds, sqlstore.KindCount{One: "VAT total", Many: "VAT totals", N: n})
	return nil
}

// recompute is what the entity's documents say the totals are, zero rows
// left out.
func (s *Store) recompute(tx *sqlstore.Tx, ent *ledger.Entity) (map[totalKey]totalSums, error) {
	out := map[totalKey]totalSums{}
	add := func(rows []vatledger.Row) {
		for _, r := range rows {
			k := totalKey{r.Day.String(), string(r.Side), r.TaxCodeID, r.VATAccountID, r.InputAccountID}
			v := out[k]
			v.base += r.BaseMinor
			v.vat += r.VATMinor
			v.deductible += r.DeductibleMinor
			out[k] = v
		}
	}
	var codes []struct {
		ID   int64
		Code string
	}
	if err := tx.DB().Raw(`SELECT id, code FROM tax_codes WHERE entity_id = ?`, ent.ID).Scan(&codes).Error; err != nil {
		return nil, err
	}
	codeID := map[string]int64{}
	for _, c := range codes {
		codeID[c.Code] = c.ID
	}
	act, err := s.inv.VATActivity(tx.Context(), ent, ledger.NewDate(1900, 1, 1), ledger.NewDate(9999, 12, 31))
	if err != nil {
		return nil, err
	}
	for _, d := range act.Documents {
		if d.StoredStatus == invoicing.StatusDraft || d.IssueDate == nil {
			continue
		}
		for i := range d.Lines {
			d.Lines[i].TaxCodeID = codeID[d.Lines[i].TaxCode]
		}
		rows, err := vatledger.SalesRows(d, ent)
		if err != nil {
			return nil, err
		}
		add(rows)
		if on, ok := act.VoidedOn[d.ID]; ok && d.StoredStatus == invoicing.StatusVoid {
			add(vatledger.Negate(rows, on))
		}
	}
	var after int64
	for {
		list, err := s.buys.PurchaseInvoices(tx.Context(), ent.ID, purchases.InvoiceFilter{After: after, Limit: 500})
		if err != nil {
			return nil, err
		}
		for i, inv := range list {
			if i == 500 {
				break
			}
			after = inv.ID
			if inv.Status == purchases.StatusDraft {
				continue
			}
			rows, err := vatledger.PurchaseRows(inv, ent)
			if err != nil {
				return nil, err
			}
			add(rows)
			if inv.Status == purchases.StatusReversed && inv.ReversalEntryID != nil {
				var days []string
				if err := tx.DB().Raw(`SELECT substr(CAST(date AS TEXT), 1, 10) FROM journal_entries WHERE entity_id = ? AND id = ?`,
					ent.ID, *inv.ReversalEntryID).Scan(&days).Error; err != nil {
					return nil, err
				}
				if len(days) == 1 {
					on, err := ledger.ParseDate(days[0])
					if err != nil {
						return nil, err
					}
					add(vatledger.Negate(rows, on))
				}
			}
		}
		if len(list) <= 500 {
			break
		}
	}
	for k, v := range out {
		if v == (totalSums{}) {
			delete(out, k)
		}
	}
	return out, nil
}

// accounts names a sales total's VAT account in a breach ("" for purchases,
// compared over their accounts).
func (k totalKey) accounts() string {
	if k.side == "purchases" {
		return ""
	}
	return fmt.Sprintf(" VAT account id %d", k.vat)
}
