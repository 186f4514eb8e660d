package main

import (
	"context"

	"backoffice/invoicing"
	"backoffice/invoicing/purchases"
	"backoffice/invoicing/vatledger"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
)

// seedVAT keeps the daily VAT totals of the seed's entries (source
// 'entries' of vat_totals) as the VAT return reads them: sales at 21 % and
// 9 % on the seeded sales tax codes "21" and "9", purchases and rent on the
// purchase code "P21" (all deductible). They are written with each batch,
// in its unit of work.
type seedVAT struct {
	ids  map[string]int64 // "21", "9", "P21" -> tax code id (absent: not kept)
	accs map[string]int64 // "21", "9" -> VAT account id; "P21" -> input VAT account id
	rows map[seedVATKey]*vatledger.Row
}

type seedVATKey struct {
	day  ledger.Date
	code string
}

func newSeedVAT(ctx context.Context, st *sqlstore.Store, entityID int64) (*seedVAT, error) {
	v := &seedVAT{ids: map[string]int64{}, accs: map[string]int64{}, rows: map[seedVATKey]*vatledger.Row{}}
	var codes []struct {
		ID        int64
		Code      string
		AccountID int64
	}
	err := st.Read(ctx, func(tx *sqlstore.Tx) error {
		return tx.DB().Raw(`SELECT id, code, account_id FROM tax_codes WHERE entity_id = ? AND code IN ('21', '9')
			UNION ALL SELECT id, 'P' || code, COALESCE(input_account_id, 0) FROM purchase_tax_codes WHERE entity_id = ? AND code = 'P21'`,
			entityID, entityID).Scan(&codes).Error
	})
	for _, c := range codes {
		if c.Code == "PP21" {
			c.Code = "P21"
		}
		v.ids[c.Code], v.accs[c.Code] = c.ID, c.AccountID
	}
	return v, err
}

// add counts an entry's turnover and VAT on day for a code.
func (v *seedVAT) add(day ledger.Date, code string, base, vat int64) {
	if v == nil {
		return
	}
	id, ok := v.ids[code]
	if !ok {
		return
	}
	k := seedVATKey{day, code}
	r := v.rows[k]
	if r == nil {
		r = &vatledger.Row{Day: day, TaxCodeID: id, TaxCode: code}
		switch code {
		case "21":
			r.Side, r.Box, r.VATAccountID = vatledger.Sales, invoicing.TaxStandard.Box(), v.accs[code]
		case "9":
			r.Side, r.Box, r.VATAccountID = vatledger.Sales, invoicing.TaxReduced.Box(), v.accs[code]
		default:
			r.Side, r.Box, r.InputAccountID = vatledger.Purchases, purchases.TaxInput.Box(), v.accs[code]
		}
		v.rows[k] = r
	}
	r.BaseMinor += base
	r.VATMinor += vat
	if r.Side == vatledger.Purchases {
		r.DeductibleMinor += vat
	}
}

// reset forgets what was written (after the batch committed).
func (v *seedVAT) reset() {
	if v != nil {
		clear(v.rows)
	}
}

// flush writes what was counted since the last reset in tx (again, when
// the unit of work is tried again).
func (v *seedVAT) flush(tx *sqlstore.Tx, entityID int64) error {
	if v == nil || len(v.rows) == 0 {
		return nil
	}
	rows := make([]vatledger.Row, 0, len(v.rows))
	for _, r := range v.rows {
		rows = append(rows, *r)
	}
	return vatledger.Record(tx, entityID, vatledger.Entries, rows)
}
