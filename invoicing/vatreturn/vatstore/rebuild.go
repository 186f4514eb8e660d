package vatstore

import (
	"context"
	"slices"
	"strings"

	"backoffice/invoicing"
	"backoffice/invoicing/purchases"
	"backoffice/invoicing/vatledger"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
)

// RebuildTotals writes the entity's daily VAT totals of source 'documents'
// afresh from its documents, in one transaction, and reports how many rows
// it changed (added, removed or corrected). The totals are written as
// documents are issued and booked; a database upgraded from before they
// existed (migration 00014) has documents without them, which verify
// reports until this has run once (`backoffice rebuild-vat-totals`).
func (s *Store) RebuildTotals(ctx context.Context, ent *ledger.Entity) (int, error) {
	changed := 0
	err := s.l.Write(ctx, func(tx *sqlstore.Tx) error {
		changed = 0
		b := s.In(tx)
		want, err := b.recompute(tx, ent)
		if err != nil {
			return err
		}
		got, err := storedTotals(tx, ent.ID)
		if err != nil {
			return err
		}
		// Compared as verify compares them: purchases over their accounts.
		cwant, cgot := collapse(want), collapse(got)
		for k, w := range cwant {
			if cgot[k] != w {
				changed++
			}
		}
		for k, g := range cgot {
			if _, ok := cwant[k]; !ok && g != (totalSums{}) {
				changed++
			}
		}
		if changed == 0 {
			return nil
		}
		boxes, err := codeBoxes(tx, ent.ID)
		if err != nil {
			return err
		}
		// A purchase total that is right keeps its rows as stored, with the
		// accounts its documents posted to (which the documents do not
		// keep); one that is wrong or missing is written on the accounts
		// its tax code has now.
		write := map[totalKey]totalSums{}
		for k, w := range want {
			if k.side != "purchases" {
				write[k] = w
				continue
			}
			c := k
			c.vat, c.input = 0, 0
			if cgot[c] != cwant[c] {
				write[k] = w
			}
		}
		for k, g := range got {
			c := k
			c.vat, c.input = 0, 0
			if k.side == "purchases" && cgot[c] == cwant[c] && g != (totalSums{}) {
				write[k] = g
			}
		}
		if err := tx.DB().Exec(`DELETE FROM vat_totals WHERE entity_id = ? AND source = 'documents'`, ent.ID).Error; err != nil {
			return err
		}
		keys := make([]totalKey, 0, len(write))
		for k := range write {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b totalKey) int { return strings.Compare(a.day+a.side, b.day+b.side) })
		rows := make([]vatledger.Row, 0, len(keys))
		for _, k := range keys {
			day, err := ledger.ParseDate(k.day)
			if err != nil {
				return err
			}
			w := write[k]
			rows = append(rows, vatledger.Row{Day: day, Side: vatledger.Side(k.side), TaxCodeID: k.code, Box: boxes[k.side][k.code],
				VATAccountID: k.vat, InputAccountID: k.input, BaseMinor: w.base, VATMinor: w.vat, DeductibleMinor: w.deductible})
		}
		return vatledger.Record(tx, ent.ID, vatledger.Documents, rows)
	})
	return changed, err
}

// storedTotals reads the entity's totals of source 'documents'.
func storedTotals(tx *sqlstore.Tx, entityID int64) (map[totalKey]totalSums, error) {
	var rows []struct {
		Day                                  string
		Side                                 string
		TaxCodeID                            int64
		VATAccountID, InputAccountID         int64
		BaseMinor, VATMinor, DeductibleMinor int64
	}
	// day is DATE on PostgreSQL and TEXT on SQLite: compare as text.
	if err := tx.DB().Raw(`SELECT substr(CAST(day AS TEXT), 1, 10) AS day, side, tax_code_id, vat_account_id, input_account_id, base_minor, vat_minor, deductible_minor
		FROM vat_totals WHERE entity_id = ? AND source = 'documents'`, entityID).Scan(&rows).Error; err != nil {
		return nil, err
	}
	got := make(map[totalKey]totalSums, len(rows))
	for _, row := range rows {
		got[totalKey{row.Day, row.Side, row.TaxCodeID, row.VATAccountID, row.InputAccountID}] = totalSums{row.BaseMinor, row.VATMinor, row.DeductibleMinor}
	}
	return got, nil
}

// codeBoxes is the box of each sales and purchase tax code by side and id.
func codeBoxes(tx *sqlstore.Tx, entityID int64) (map[string]map[int64]string, error) {
	var codes []struct {
		Side string
		ID   int64
		Kind string
	}
	if err := tx.DB().Raw(`SELECT 'sales' AS side, id, kind FROM tax_codes WHERE entity_id = ?
		UNION ALL SELECT 'purchases', id, kind FROM purchase_tax_codes WHERE entity_id = ?`, entityID, entityID).Scan(&codes).Error; err != nil {
		return nil, err
	}
	out := map[string]map[int64]string{string(vatledger.Sales): {}, string(vatledger.Purchases): {}}
	for _, c := range codes {
		if c.Side == string(vatledger.Sales) {
			out[c.Side][c.ID] = invoicing.TaxKind(c.Kind).Box()
		} else {
			out[c.Side][c.ID] = purchases.TaxKind(c.Kind).Box()
		}
	}
	return out, nil
}
