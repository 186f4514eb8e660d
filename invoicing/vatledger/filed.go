package vatledger

import (
	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
)

// FiledPeriod is the period ("2026-Q1") of the entity's filed VAT return
// that holds day, or "" when no filed return covers it: a period that is
// filed is closed for VAT (a purchase may not take a VAT date in it).
func FiledPeriod(tx *sqlstore.Tx, entityID int64, day ledger.Date) (string, error) {
	var periods []string
	err := tx.DB().Raw(`SELECT period FROM vat_returns WHERE entity_id = ? AND kind = 'return' AND period_start <= ? AND period_end >= ? LIMIT 1`,
		entityID, day, day).Scan(&periods).Error
	if err != nil || len(periods) == 0 {
		return "", err
	}
	return periods[0], nil
}
