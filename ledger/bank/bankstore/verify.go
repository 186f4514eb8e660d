package bankstore

import "backoffice/ledger/sqlstore"

// Verify is a sqlstore.Checker for `backoffice verify`: every bank
// account's statements form one chain (numbered 1..n, each opening at the
// one before's closing, its lines adding up to its closing balance), and
// every match adds up on both sides with lines of its own bank account, and
// the open lines are exactly the statement lines no match holds.
func (s *Store) Verify(tx *sqlstore.Tx, r *sqlstore.VerifyReport) error {
	// Law 8: who made a match is an actor (statements have a foreign key).
	if err := sqlstore.VerifyActors(tx, r, "bank_matches", "created_by"); err != nil {
		return err
	}
	db := tx.DB()
	var counted struct{ Statements, Matches int64 }
	if err := db.Raw(`SELECT (SELECT count(*) FROM bank_statements) AS statements, (SELECT count(*) FROM bank_matches) AS matches`).Scan(&counted).Error; err != nil {
		return err
	}
	r.Checked("bank statement", "bank statements", counted.Statements)
	r.Checked("bank match", "bank matches", counted.Matches)
	var chain []struct {
		EntityID, BankAccountID, ID int64
		Seq, LineCount, Lines       int64
		Opening, Closing, Sum       int64
		PrevClosing                 *int64
		PrevSeq                     *int64
	}
	err := db.Raw(`SELECT s.entity_id, s.bank_account_id, s.id, s.seq, s.line_count, s.opening_minor AS opening, s.closing_minor AS closing,
			(SELECT count(*) FROM bank_statement_lines l WHERE l.entity_id = s.entity_id AND l.statement_id = s.id) AS lines,
			(SELECT coalesce(sum(l.amount_minor), 0) FROM bank_statement_lines l WHERE l.entity_id = s.entity_id AND l.statement_id = s.id) AS sum,
			p.closing_minor AS prev_closing, p.seq AS prev_seq
		FROM bank_statements s
		LEFT JOIN bank_statements p ON p.entity_id = s.entity_id AND p.bank_account_id = s.bank_account_id AND p.seq = s.seq - 1
		ORDER BY s.entity_id, s.bank_account_id, s.seq`).Scan(&chain).Error
	if err != nil {
		return err
	}
	for _, c := range chain {
		switch {
		case c.Lines != c.LineCount:
			r.Breach("bank: statement %d of bank account %d (entity %d) says %d lines, holds %d", c.ID, c.BankAccountID, c.EntityID, c.LineCount, c.Lines)
		case c.Opening+c.Sum != c.Closing:
			r.Breach("bank: statement %d of bank account %d (entity %d): opening %d + lines %d != closing %d", c.ID, c.BankAccountID, c.EntityID, c.Opening, c.Sum, c.Closing)
		case c.Seq > 1 && c.PrevSeq == nil:
			r.Breach("bank: statement %d of bank account %d (entity %d) is number %d, but there is no number %d", c.ID, c.BankAccountID, c.EntityID, c.Seq, c.Seq-1)
		case c.PrevClosing != nil && *c.PrevClosing != c.Opening:
			r.Breach("bank: statement %d of bank account %d (entity %d) opens at %d, the one before closes at %d", c.ID, c.BankAccountID, c.EntityID, c.Opening, *c.PrevClosing)
		}
	}

	var open []struct{ EntityID, ID, BankAccountID int64 }
	err = db.Raw(`SELECT l.entity_id, l.id, l.bank_account_id FROM bank_statement_lines l
		LEFT JOIN bank_match_statement_lines m ON m.entity_id = l.entity_id AND m.statement_line_id = l.id
		LEFT JOIN bank_open_lines o ON o.entity_id = l.entity_id AND o.statement_line_id = l.id
		WHERE (m.match_id IS NULL) = (o.statement_line_id IS NULL) OR o.bank_account_id <> l.bank_account_id`).Scan(&open).Error
	if err != nil {
		return err
	}
	for _, o := range open {
		r.Breach("bank: statement line %d of bank account %d (entity %d) is listed as open and matched, or as neither", o.ID, o.BankAccountID, o.EntityID)
	}

	var matches []struct {
		EntityID, ID, BankAccountID   int64
		Stmt, Ledger, NStmt, NLedger  int64
		ForeignStmt, ForeignLedgerLns int64
	}
	err = db.Raw(`SELECT m.entity_id, m.id, m.bank_account_id,
			(SELECT coalesce(sum(l.amount_minor), 0) FROM bank_match_statement_lines ms JOIN bank_statement_lines l ON l.entity_id = ms.entity_id AND l.id = ms.statement_line_id
				WHERE ms.entity_id = m.entity_id AND ms.match_id = m.id) AS stmt,
			(SELECT count(*) FROM bank_match_statement_lines ms WHERE ms.entity_id = m.entity_id AND ms.match_id = m.id) AS n_stmt,
			(SELECT count(*) FROM bank_match_statement_lines ms JOIN bank_statement_lines l ON l.entity_id = ms.entity_id AND l.id = ms.statement_line_id
				WHERE ms.entity_id = m.entity_id AND ms.match_id = m.id AND l.bank_account_id <> m.bank_account_id) AS foreign_stmt,
			(SELECT coalesce(sum(CASE WHEN b.currency = e.currency THEN jl.debit_minor - jl.credit_minor
					WHEN jl.debit_minor > 0 THEN jl.amount_minor ELSE -jl.amount_minor END), 0)
				FROM bank_match_ledger_lines ml JOIN journal_lines jl ON jl.entity_id = ml.entity_id AND jl.entry_id = ml.entry_id AND jl.line_no = ml.line_no
				WHERE ml.entity_id = m.entity_id AND ml.match_id = m.id) AS ledger,
			(SELECT count(*) FROM bank_match_ledger_lines ml WHERE ml.entity_id = m.entity_id AND ml.match_id = m.id) AS n_ledger,
			(SELECT count(*) FROM bank_match_ledger_lines ml JOIN journal_lines jl ON jl.entity_id = ml.entity_id AND jl.entry_id = ml.entry_id AND jl.line_no = ml.line_no
				WHERE ml.entity_id = m.entity_id AND ml.match_id = m.id AND jl.account_id <> b.account_id) AS foreign_ledger_lns
		FROM bank_matches m
		JOIN bank_accounts b ON b.entity_id = m.entity_id AND b.id = m.bank_account_id
		JOIN entities e ON e.id = m.entity_id`).Scan(&matches).Error
	if err != nil {
		return err
	}
	for _, m := range matches {
		switch {
		case m.NStmt+m.NLedger == 0:
			r.Breach("bank: match %d (entity %d) has no lines", m.ID, m.EntityID)
		case m.ForeignStmt+m.ForeignLedgerLns > 0:
			r.Breach("bank: match %d (entity %d) holds lines of another bank account", m.ID, m.EntityID)
		case m.Stmt != m.Ledger:
			r.Breach("bank: match %d (entity %d): statement lines %d != ledger lines %d", m.ID, m.EntityID, m.Stmt, m.Ledger)
		}
	}
	return nil
}
