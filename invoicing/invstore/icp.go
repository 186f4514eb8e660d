package invstore

import (
	"context"
	"database/sql"
	"encoding/json"

	"backoffice/invoicing"
	"backoffice/invoicing/statements"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
)

// icpDocs are the documents (alias d) with an intra-EU line issued, or
// voided, from @f to @t.
var icpDocs = vatDocs + ` AND EXISTS (SELECT 1 FROM invoice_lines x WHERE x.entity_id = d.entity_id AND x.invoice_id = d.id
	AND x.tax_kind IN ('` + string(invoicing.TaxIntraEU) + `', '` + string(invoicing.TaxIntraEUServices) + `', '` + string(invoicing.TaxIntraEUTriangle) + `'))`

type icpDocRow struct {
	ID                int64
	Kind              string
	Status            string
	Number            *string
	CustomerID        int64
	Currency          string
	ExchangeRate      *string
	IssueDate         ledger.Date
	EndedOn           *ledger.Date
	Printed           *string
	CustomerName      string
	CustomerVAT       string
	CustomerCountry   string
	CreditedNumber    *string
	CreditedIssueDate *ledger.Date
}

// ICPActivity returns the documents with intra-EU lines issued or voided
// from..to, each with its customer as printed, its credited invoice's
// number and date, and one line per intra-EU tax code: two queries, in one
// read-only snapshot.
func (s *Store) ICPActivity(ctx context.Context, ent *ledger.Entity, from, to ledger.Date) (*statements.ICPActivity, error) {
	act := &statements.ICPActivity{}
	err := s.Read(ctx, func(tx *sqlstore.Tx) error {
		act.Documents = nil
		e, f, t := sql.Named("e", ent.ID), sql.Named("f", from), sql.Named("t", to)
		var docs []icpDocRow
		err := tx.DB().Raw(`SELECT d.id, d.kind, d.status, d.number, d.customer_id, d.currency, d.exchange_rate, d.issue_date,
			`+receivablesReports.EndedOn()+` AS ended_on, d.printed,
			c.name AS customer_name, c.vat_number AS customer_vat, c.country AS customer_country,
			o.number AS credited_number, o.issue_date AS credited_issue_date
			FROM invoices d
			JOIN customers c ON c.entity_id = d.entity_id AND c.id = d.customer_id
			LEFT JOIN invoices o ON o.entity_id = d.entity_id AND o.id = d.credited_invoice_id
			WHERE `+icpDocs+` ORDER BY d.id`, e, f, t).Scan(&docs).Error
		if err != nil {
			return sqlstore.Translate(err)
		}
		byID := make(map[int64]*statements.ICPDocument, len(docs))
		for _, r := range docs {
			d := &statements.ICPDocument{ID: r.ID, Kind: invoicing.Kind(r.Kind), Status: r.Status, CustomerID: r.CustomerID,
				CustomerName: r.CustomerName, VATNumber: r.CustomerVAT, Country: r.CustomerCountry, Currency: r.Currency,
				IssueDate: r.IssueDate, VoidedOn: r.EndedOn, CreditedIssueDate: r.CreditedIssueDate, Lines: []invoicing.Line{}}
			if r.Number != nil {
				d.Number = *r.Number
			}
			if r.CreditedNumber != nil {
				d.CreditedNumber = *r.CreditedNumber
			}
			if r.ExchangeRate != nil {
				d.ExchangeRate = dec(*r.ExchangeRate)
			}
			if r.Printed != nil {
				var p invoicing.Printed
				if json.Unmarshal([]byte(*r.Printed), &p) == nil { // written by issue from this type
					d.CustomerName, d.VATNumber, d.Country = p.Customer.Name, p.Customer.VATNumber, p.Customer.Address.Country
				}
			}
			byID[d.ID] = d
			act.Documents = append(act.Documents, d)
		}
		rows, err := vatLines(tx, icpDocs, "l.tax_kind IN @k", e, f, t,
			sql.Named("k", []string{string(invoicing.TaxIntraEU), string(invoicing.TaxIntraEUServices), string(invoicing.TaxIntraEUTriangle)}))
		if err != nil {
			return err
		}
		for _, r := range rows {
			d := byID[r.InvoiceID]
			if d == nil {
				continue // cannot happen in one snapshot; never trust it blindly
			}
			d.Lines = append(d.Lines, r.line(len(d.Lines)+1))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return act, nil
}
