// Package auditsql reads what the audit file needs from the database: the
// customers and suppliers, the tax codes, and the entries journal by journal,
// each through one cursor. It reads in the transaction it is given (the
// snapshot of the report), on PostgreSQL and SQLite alike.
package auditsql

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"gorm.io/gorm"

	"backoffice/ledger"
	"backoffice/ledger/auditfile"
	"backoffice/ledger/sqlstore"
)

// Source implements auditfile.Source on one database transaction.
type Source struct {
	g *gorm.DB
}

// New reads in tx (a read snapshot: sqlstore.Store.Read, or the store a
// LedgerSnapshot passes).
func New(tx *sqlstore.Tx) *Source { return &Source{g: tx.DB()} }

func (s *Source) rows(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	rows, err := s.g.WithContext(ctx).Raw(q, args...).Rows()
	if err != nil {
		return nil, ledger.Internal(err)
	}
	return rows, nil
}

// Parties lists customers (C<id>) and then suppliers (S<id>).
func (s *Source) Parties(ctx context.Context, entityID int64, fn func(*auditfile.Party) error) error {
	var p auditfile.Party
	scan := func(q string, customer bool) error {
		rows, err := s.rows(ctx, q, entityID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var lines string
			p = auditfile.Party{Customer: customer}
			if err := rows.Scan(&id, &p.Name, &lines, &p.Postcode, &p.City, &p.Country, &p.VATNumber, &p.RegistrationID, &p.Email, &p.IBAN); err != nil {
				return ledger.Internal(err)
			}
			if customer {
				p.ID = auditfile.CustomerID(id)
			} else {
				p.ID = auditfile.SupplierID(id)
			}
			if lines != "" {
				p.AddressLines = strings.Split(lines, "\n")
			}
			if err := fn(&p); err != nil {
				return err
			}
		}
		if err := rows.Err(); err != nil {
			return ledger.Internal(err)
		}
		return nil
	}
	if err := scan(`SELECT id, name, address_lines, postcode, city, country, vat_number, registration_id, email, ''
		FROM customers WHERE entity_id = ? ORDER BY id`, true); err != nil {
		return err
	}
	return scan(`SELECT id, name, address_lines, postcode, city, country, vat_number, registration_id, '', iban
		FROM suppliers WHERE entity_id = ? ORDER BY id`, false)
}

// VATCodes lists the sales tax codes under their own code and the purchase
// tax codes under theirs, prefixed "P:" where a sales code has the same one.
func (s *Source) VATCodes(ctx context.Context, entityID int64) ([]auditfile.VATCode, error) {
	var sales []struct {
		Code, Description, Account string
	}
	err := s.g.WithContext(ctx).Raw(`SELECT t.code, t.description, a.code AS account FROM tax_codes t
		JOIN accounts a ON a.entity_id = t.entity_id AND a.id = t.account_id
		WHERE t.entity_id = ? ORDER BY t.code`, entityID).Scan(&sales).Error
	if err != nil {
		return nil, ledger.Internal(err)
	}
	var purchases []struct {
		Code, Description, Input, Output string
	}
	err = s.g.WithContext(ctx).Raw(`SELECT t.code, t.description, coalesce(i.code, '') AS input, coalesce(o.code, '') AS output
		FROM purchase_tax_codes t
		LEFT JOIN accounts i ON i.entity_id = t.entity_id AND i.id = t.input_account_id
		LEFT JOIN accounts o ON o.entity_id = t.entity_id AND o.id = t.output_account_id
		WHERE t.entity_id = ? ORDER BY t.code`, entityID).Scan(&purchases).Error
	if err != nil {
		return nil, ledger.Internal(err)
	}
	out := make([]auditfile.VATCode, 0, len(sales)+len(purchases))
	seen := map[string]bool{}
	for _, t := range sales {
		seen[t.Code] = true
		out = append(out, auditfile.VATCode{ID: t.Code, Description: t.Description, PayAccount: t.Account})
	}
	for _, t := range purchases {
		id := t.Code
		if seen[id] {
			id = "P:" + id
		}
		seen[id] = true
		out = append(out, auditfile.VATCode{ID: id, Description: t.Description, PayAccount: t.Output, ClaimAcount: t.Input})
	}
	return out, nil
}

// LineCount counts the lines of the entries dated from..to.
func (s *Source) LineCount(ctx context.Context, entityID int64, from, to ledger.Date) (int64, error) {
	var n int64
	err := s.g.WithContext(ctx).Raw(`SELECT coalesce(sum(line_count), 0) FROM journal_entries WHERE entity_id = ? AND date >= ? AND date <= ?`,
		entityID, from, to).Scan(&n).Error
	if err != nil {
		return 0, ledger.Internal(err)
	}
	return n, nil
}

// document is a column of a document table that points at the entry the
// document posted: issued and voided invoices and credit notes (sales),
// booked and reversed purchase invoices (purchases), payments received and
// made and their removals (bank). party is the document's customer_id or
// supplier_id. Every one of these columns has an index on (entity_id,
// column) (migration 00019), so that "is entry e a document's" is one index
// probe per entry and column.
type document struct {
	table, column, journal, party string
}

var documents = []document{
	{"invoices", "entry_id", "S", "customer_id"},
	{"invoices", "void_entry_id", "S", "customer_id"},
	{"purchase_invoices", "entry_id", "P", "supplier_id"},
	{"purchase_invoices", "reversal_entry_id", "P", "supplier_id"},
	{"payments", "entry_id", "B", "customer_id"},
	{"payments", "removal_entry_id", "B", "customer_id"},
	{"supplier_payments", "entry_id", "B", "supplier_id"},
	{"supplier_payments", "removal_entry_id", "B", "supplier_id"},
}

// posted is the condition that entry je is one a document of journal jrn
// posted, with its arguments: an IN over the document columns of the
// journal, which both databases plan as a semi join (one pass over the
// documents, each entry probed once).
func posted(entityID int64, jrn string) (string, []any) {
	var out []string
	var args []any
	for _, d := range documents {
		if d.journal == jrn {
			out = append(out, `SELECT d.`+d.column+` FROM `+d.table+` d WHERE d.entity_id = ? AND d.`+d.column+` IS NOT NULL`)
			args = append(args, entityID)
		}
	}
	return `je.id IN (` + strings.Join(out, " UNION ALL ") + `)`, args
}

// notPosted is the condition that no document of the journals jrns posted
// entry je: one NOT EXISTS per document column, which PostgreSQL plans as
// anti joins (linear in entries and documents). It replaces a NOT IN over
// a union of every document, which PostgreSQL planned as a subplan
// materialised and scanned again for each entry once the documents no
// longer fit in work_mem: entries times documents (docs/performance.md).
func notPosted(jrns ...string) string {
	var out []string
	for _, d := range documents {
		if slices.Contains(jrns, d.journal) {
			out = append(out, `NOT EXISTS (SELECT 1 FROM `+d.table+` d WHERE d.entity_id = je.entity_id AND d.`+d.column+` = je.id)`)
		}
	}
	return strings.Join(out, " AND ")
}

// partyOf is the expression of the customer_id or supplier_id of the
// document of journal jrn that posted entry je, or NULL.
func partyOf(jrn, party string) string {
	var out []string
	for _, d := range documents {
		if d.journal == jrn && d.party == party {
			out = append(out, `(SELECT d.`+party+` FROM `+d.table+` d WHERE d.entity_id = je.entity_id AND d.`+d.column+` = je.id LIMIT 1)`)
		}
	}
	switch len(out) {
	case 0:
		return "CAST(NULL AS BIGINT)"
	case 1:
		return out[0]
	}
	return "COALESCE(" + strings.Join(out, ", ") + ")"
}

var journalCode = map[auditfile.JournalKind]string{auditfile.Sales: "S", auditfile.Purchases: "P", auditfile.Bank: "B"}

// Transactions streams the entries of one journal with their lines in one
// query along the entry number index. Which entries are the journal's is
// decided per entry in the query (the documents' entries, and lines on the
// ledger accounts of bank accounts), and the customer or supplier of a
// document's entry is read in the same query, per entry: nothing is kept
// in memory but the entry being written.
func (s *Source) Transactions(ctx context.Context, ent *ledger.Entity, j auditfile.JournalKind, from, to ledger.Date, fn func(*auditfile.Transaction) error) error {
	fy := from.FiscalYear(ent.FiscalYearStartMonth)
	var banks []int64
	if err := s.g.WithContext(ctx).Raw(`SELECT account_id FROM bank_accounts WHERE entity_id = ?`, ent.ID).Scan(&banks).Error; err != nil {
		return ledger.Internal(err)
	}
	onBank := `EXISTS (SELECT 1 FROM journal_lines bl WHERE bl.entity_id = je.entity_id AND bl.entry_id = je.id AND bl.account_id IN ?)`
	jrn := journalCode[j]
	receivable, payable, err := s.controlAccounts(ctx, ent.ID)
	if err != nil {
		return err
	}
	// selectWhere selects the journal's entries that meet cond, each with
	// the customer or supplier of the document that posted it (documents:
	// else none).
	var inner string
	var args []any
	selectWhere := func(documents bool, cond string, condArgs ...any) {
		if inner != "" {
			inner += "\n\t\tUNION ALL "
		}
		parties := `CAST(NULL AS BIGINT) AS cust, CAST(NULL AS BIGINT) AS supp`
		if documents {
			parties = partyOf(jrn, "customer_id") + ` AS cust, ` + partyOf(jrn, "supplier_id") + ` AS supp`
		}
		inner += `SELECT je.id, je.fiscal_year, je.number, je.date, je.description, je.reference, je.total_minor,
			` + parties + `
		FROM journal_entries je
		WHERE je.entity_id = ? AND je.fiscal_year = ? AND je.date >= ? AND je.date <= ? AND ` + cond
		args = append(append(args, ent.ID, fy, from, to), condArgs...)
	}
	switch j {
	case auditfile.Sales, auditfile.Purchases:
		cond, condArgs := posted(ent.ID, jrn)
		selectWhere(true, cond, condArgs...)
	case auditfile.Bank:
		// The payments' entries, and (a set apart from them) the other
		// entries on a bank account's ledger account that no document
		// posted.
		cond, condArgs := posted(ent.ID, "B")
		selectWhere(true, cond, condArgs...)
		if len(banks) > 0 {
			selectWhere(false, onBank+` AND `+notPosted("S", "P", "B"), banks)
		}
	case auditfile.Memorial:
		if len(banks) > 0 {
			selectWhere(false, notPosted("S", "P", "B")+` AND NOT `+onBank, banks)
		} else {
			selectWhere(false, notPosted("S", "P", "B"))
		}
	}
	args = append(args, ent.ID)
	rows, err := s.rows(ctx, `SELECT e.id, e.fiscal_year, e.number, e.date, e.description, e.reference, e.total_minor, e.cust, e.supp,
			l.line_no, a.code, l.description, l.debit_minor, l.credit_minor, l.currency, l.amount_minor
		FROM (`+inner+`) e
		JOIN journal_lines l ON l.entity_id = ? AND l.entry_id = e.id
		JOIN accounts a ON a.entity_id = l.entity_id AND a.id = l.account_id
		ORDER BY e.fiscal_year, e.number, l.line_no`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var t auditfile.Transaction
	t.Lines = make([]auditfile.Line, 0, 8)
	var (
		id, total, number int64
		year              int
		date              ledger.Date
		desc, ref         string
		cust, supp        sql.NullInt64
		l                 auditfile.Line
	)
	flush := func() error {
		if len(t.Lines) == 0 {
			return nil
		}
		return fn(&t)
	}
	for rows.Next() {
		if err := rows.Scan(&id, &year, &number, &date, &desc, &ref, &total, &cust, &supp,
			&l.No, &l.Account, &l.Description, &l.DebitMinor, &l.CreditMinor, &l.Currency, &l.AmountMinor); err != nil {
			return ledger.Internal(err)
		}
		if id != t.EntryID {
			if err := flush(); err != nil {
				return err
			}
			t.EntryID, t.FiscalYear, t.Number, t.Date, t.Description, t.Reference, t.TotalMinor = id, year, number, date, desc, ref, total
			t.Lines = t.Lines[:0]
		}
		l.Party = ""
		switch {
		case cust.Valid && l.Account == receivable:
			l.Party = auditfile.CustomerID(cust.Int64)
		case supp.Valid && l.Account == payable:
			l.Party = auditfile.SupplierID(supp.Int64)
		}
		t.Lines = append(t.Lines, l)
	}
	if err := rows.Err(); err != nil {
		return ledger.Internal(err)
	}
	return flush()
}

// controlAccounts are the receivables and payables accounts of the
// invoicing and purchase settings (1100 and 1600 without settings).
func (s *Source) controlAccounts(ctx context.Context, entityID int64) (string, string, error) {
	receivable, payable := "1100", "1600"
	var r, p []string
	if err := s.g.WithContext(ctx).Raw(`SELECT receivable_account FROM invoicing_settings WHERE entity_id = ?`, entityID).Scan(&r).Error; err != nil {
		return "", "", ledger.Internal(err)
	}
	if err := s.g.WithContext(ctx).Raw(`SELECT payable_account FROM purchase_settings WHERE entity_id = ?`, entityID).Scan(&p).Error; err != nil {
		return "", "", ledger.Internal(err)
	}
	if len(r) > 0 && r[0] != "" {
		receivable = r[0]
	}
	if len(p) > 0 && p[0] != "" {
		payable = p[0]
	}
	return receivable, payable, nil
}
