package invstore

import (
	"context"

	"backoffice/invoicing/statements"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
)

// InputVAT is the deductible input VAT of from..to per input VAT account,
// from the daily VAT totals of the purchase documents (and of the journal
// entries with VAT the seed makes), never from the account's movements:
// the VAT settlement entry empties that account. Each total counts on the
// input account its document posted to (kept on the total), whatever the
// purchase tax code's account is now.
func (s *Store) InputVAT(ctx context.Context, ent *ledger.Entity, from, to ledger.Date) ([]statements.InputVATRow, error) {
	var rows []statements.InputVATRow
	err := s.Read(ctx, func(tx *sqlstore.Tx) error {
		return tx.DB().Raw(`SELECT input_account_id AS account_id, SUM(deductible_minor) AS minor
			FROM vat_totals WHERE entity_id = ? AND side = 'purchases' AND day >= ? AND day <= ?
			GROUP BY input_account_id`, ent.ID, from, to).Scan(&rows).Error
	})
	if err != nil {
		return nil, sqlstore.Translate(err)
	}
	return rows, nil
}
