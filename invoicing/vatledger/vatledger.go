// Package vatledger keeps the daily VAT totals the VAT return reads: per
// entity, day, side (sales or purchases), tax code, source and the VAT
// accounts the document posted to, the turnover, the VAT and the
// deductible VAT of the documents issued, voided, booked or reversed that
// day, in the functional currency.
//
// The totals are written by the transaction that posts the document, from
// the document's tax-coded lines (never from the VAT accounts, which the
// VAT settlement entry empties), so the return of a quarter sums a few
// hundred rows however large the books are. Verify recomputes them from
// the documents.
package vatledger

import (
	"backoffice/invoicing"
	"backoffice/invoicing/purchases"
	"backoffice/ledger"
	"backoffice/ledger/money"
	"backoffice/ledger/sqlstore"
)

// Side is the half of the books a total belongs to.
type Side string

const (
	Sales     Side = "sales"
	Purchases Side = "purchases"
)

// Source says what the totals were written from.
type Source string

const (
	// Documents are sales invoices and credit notes, and purchase invoices
	// and supplier credit notes.
	Documents Source = "documents"
	// Entries are journal entries that carry VAT without a document behind
	// them in this service (the seed's till receipts and cost entries).
	Entries Source = "entries"
)

// Row is one tax code's share of a document (or a day's entries), signed:
// a credit note, a void or a reversal counts negative.
type Row struct {
	Day       ledger.Date
	Side      Side
	TaxCodeID int64
	TaxCode   string // for messages; the key is TaxCodeID
	Box       string // the return box the code's turnover feeds ("" for none)
	// VATAccountID is the account the document posted the VAT to: a sale's
	// VAT account, a reverse-charge purchase's VAT payable (output)
	// account; 0 where the row has none (a purchase without reverse
	// charge). InputAccountID is the account a purchase posted its
	// deductible VAT to (0 for sales, or where nothing is deductible).
	// They are the accounts as posted: the VAT settlement empties these,
	// whatever the tax code says now.
	VATAccountID, InputAccountID int64
	// BaseMinor is the turnover (sales) or the purchase amount excluding
	// VAT; VATMinor the VAT charged, or for reverse charge the VAT due;
	// DeductibleMinor the part of the VAT deducted as input VAT (5b).
	BaseMinor, VATMinor, DeductibleMinor int64
}

// Record adds rows to the totals in the unit of work tx. A row with VAT
// but without the account it was posted to (journal entries with VAT that
// name only their tax code, such as the seed's) takes its tax code's
// account as it is now, when it is posted: the sales code's VAT account,
// the purchase code's input account for deductible VAT and its output
// account for reverse-charge VAT due.
func Record(tx *sqlstore.Tx, entityID int64, source Source, rows []Row) error {
	for _, r := range rows {
		if r.BaseMinor == 0 && r.VATMinor == 0 && r.DeductibleMinor == 0 {
			continue
		}
		if err := codeAccounts(tx, entityID, &r); err != nil {
			return err
		}
		err := tx.DB().Exec(`INSERT INTO vat_totals (entity_id, day, side, tax_code_id, source, vat_account_id, input_account_id, box,
			base_minor, vat_minor, deductible_minor)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (entity_id, day, side, tax_code_id, source, vat_account_id, input_account_id) DO UPDATE SET
				base_minor = vat_totals.base_minor + excluded.base_minor,
				vat_minor = vat_totals.vat_minor + excluded.vat_minor,
				deductible_minor = vat_totals.deductible_minor + excluded.deductible_minor`,
			entityID, r.Day, string(r.Side), r.TaxCodeID, string(source), r.VATAccountID, r.InputAccountID, r.Box,
			r.BaseMinor, r.VATMinor, r.DeductibleMinor).Error
		if err != nil {
			return err
		}
	}
	return nil
}

// codeAccounts fills the accounts a row with VAT lacks from its tax code.
func codeAccounts(tx *sqlstore.Tx, entityID int64, r *Row) error {
	needVAT := r.VATAccountID == 0 && r.VATMinor != 0 && (r.Side == Sales || r.Box != "")
	needInput := r.Side == Purchases && r.InputAccountID == 0 && r.DeductibleMinor != 0
	if !needVAT && !needInput {
		return nil
	}
	var acc []struct{ VATAccountID, InputAccountID int64 }
	q := `SELECT account_id AS vat_account_id, 0 AS input_account_id FROM tax_codes WHERE entity_id = ? AND id = ?`
	if r.Side == Purchases {
		q = `SELECT COALESCE(output_account_id, 0) AS vat_account_id, COALESCE(input_account_id, 0) AS input_account_id
			FROM purchase_tax_codes WHERE entity_id = ? AND id = ?`
	}
	if err := tx.DB().Raw(q, entityID, r.TaxCodeID).Scan(&acc).Error; err != nil || len(acc) == 0 {
		return err
	}
	if needVAT {
		r.VATAccountID = acc[0].VATAccountID
	}
	if needInput {
		r.InputAccountID = acc[0].InputAccountID
	}
	return nil
}

// Negate returns rows with every amount's sign turned and dated on day: a
// void or a reversal.
func Negate(rows []Row, day ledger.Date) []Row {
	out := make([]Row, len(rows))
	for i, r := range rows {
		r.Day, r.BaseMinor, r.VATMinor, r.DeductibleMinor = day, -r.BaseMinor, -r.VATMinor, -r.DeductibleMinor
		out[i] = r
	}
	return out
}

// SalesRows are an issued invoice's or credit note's totals per tax code,
// on its issue date: the turnover and VAT of each code as the invoice
// computes them (VAT on the sum of the code's lines), converted to the
// functional currency code by code as the entry converts them, on the VAT
// account the entry posts the code's VAT to (the line's, kept on the
// line when it was written). A credit note counts negative.
func SalesRows(inv *invoicing.Invoice, ent *ledger.Entity) ([]Row, error) {
	exp, _ := money.Exponent(inv.Currency)
	fexp, _ := money.Exponent(ent.Currency)
	ids := map[string]int64{}
	for _, l := range inv.Lines {
		ids[l.TaxCode] = l.TaxCodeID
	}
	sign := int64(1)
	if inv.Kind == invoicing.KindCreditNote {
		sign = -1
	}
	var rows []Row
	for _, v := range invoicing.VATBreakdown(inv.Lines, exp) {
		net, tax := v.NetMinor, v.TaxMinor
		if inv.Currency != ent.Currency {
			var err error
			if net, err = convert(net, exp, inv, fexp, ent.Currency); err != nil {
				return nil, err
			}
			if tax, err = convert(tax, exp, inv, fexp, ent.Currency); err != nil {
				return nil, err
			}
		}
		rows = append(rows, Row{Day: *inv.IssueDate, Side: Sales, TaxCodeID: ids[v.TaxCode], TaxCode: v.TaxCode, Box: v.Kind.Box(),
			VATAccountID: v.AccountID, BaseMinor: sign * net, VATMinor: sign * tax})
	}
	return rows, nil
}

func convert(minor int64, exp int, inv *invoicing.Invoice, fexp int, functional string) (int64, error) {
	if minor == 0 {
		return 0, nil
	}
	v, err := money.Convert(minor, exp, inv.ExchangeRate, fexp)
	return v, invoicing.Convertible(v, err, minor, exp, inv.Currency, inv.ExchangeRate, functional)
}

// PurchaseRows are a booked purchase invoice's or supplier credit note's
// totals per tax code, on its VAT date: the amounts excluding VAT, the VAT
// charged or reverse charged, and the deductible part, summed per code and
// converted to the functional currency per code, as the entry converts
// them (per account and code), on the accounts the lines post to: the
// output account of reverse-charge VAT due, the input account of the
// deductible VAT. For VAT paid at import (the line's amount is the VAT)
// the base is nothing. A credit note counts negative.
//
// The lines carry their tax code's accounts as the code has them now:
// right when the document is booked; for a reversal, PostedAccounts puts
// back the accounts the booking used.
func PurchaseRows(inv *purchases.Invoice, ent *ledger.Entity) ([]Row, error) {
	exp, _ := money.Exponent(inv.Currency)
	fexp, _ := money.Exponent(ent.Currency)
	var rows []Row
	type key struct{ code, vat, input int64 }
	at := map[key]int{}
	for _, l := range inv.Lines {
		var vatAcct int64
		if l.TaxKind.ReverseCharge() {
			vatAcct = l.OutputAccountID
		}
		k := key{l.TaxCodeID, vatAcct, l.InputAccountID}
		i, ok := at[k]
		if !ok {
			i = len(rows)
			at[k] = i
			rows = append(rows, Row{Day: inv.VATDate, Side: Purchases, TaxCodeID: l.TaxCodeID, TaxCode: l.TaxCode, Box: l.TaxKind.Box(),
				VATAccountID: vatAcct, InputAccountID: l.InputAccountID})
		}
		if l.TaxKind != purchases.TaxImportVAT {
			rows[i].BaseMinor += l.NetMinor
		}
		rows[i].VATMinor += l.VATMinor
		rows[i].DeductibleMinor += l.DeductibleMinor
	}
	sign := int64(1)
	if inv.Kind == purchases.KindCreditNote {
		sign = -1
	}
	for i := range rows {
		r := &rows[i]
		for _, v := range []*int64{&r.BaseMinor, &r.VATMinor, &r.DeductibleMinor} {
			if inv.Currency != ent.Currency && *v != 0 {
				f, err := money.Convert(*v, exp, inv.ExchangeRate, fexp)
				if err := invoicing.Convertible(f, err, *v, exp, inv.Currency, inv.ExchangeRate, ent.Currency); err != nil {
					return nil, err
				}
				*v = f
			}
			*v *= sign
		}
	}
	return rows, nil
}

// PostedAccounts sets the accounts of a booked purchase document's rows to
// those its booking recorded (the totals of its VAT date, its tax code and
// source 'documents'), for its reversal: the reversal entry mirrors the
// booking entry, so the reversed VAT leaves the accounts the booking put
// it on, even when the tax code's accounts changed since. Where the totals
// of that day hold the code on more than one pair of accounts (the code
// was changed that day), the pair the rows have now is kept if it is among
// them, else the first.
func PostedAccounts(tx *sqlstore.Tx, entityID int64, rows []Row) error {
	for i := range rows {
		r := &rows[i]
		var pairs []struct{ VATAccountID, InputAccountID int64 }
		if err := tx.DB().Raw(`SELECT vat_account_id, input_account_id FROM vat_totals
			WHERE entity_id = ? AND day = ? AND side = ? AND tax_code_id = ? AND source = 'documents'
			ORDER BY vat_account_id, input_account_id`, entityID, r.Day, string(r.Side), r.TaxCodeID).Scan(&pairs).Error; err != nil {
			return err
		}
		if len(pairs) == 0 {
			continue
		}
		keep := false
		for _, p := range pairs {
			if p.VATAccountID == r.VATAccountID && p.InputAccountID == r.InputAccountID {
				keep = true
			}
		}
		if !keep {
			r.VATAccountID, r.InputAccountID = pairs[0].VATAccountID, pairs[0].InputAccountID
		}
	}
	return nil
}
