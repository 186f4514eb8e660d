package bankstore

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"backoffice/ledger"
	"backoffice/ledger/bank"
	"backoffice/ledger/bank/camt053"
	"backoffice/ledger/bank/csvstmt"
	"backoffice/ledger/money"
	"backoffice/ledger/sqlstore"
)

// ImportStatement stores the statements of a file, all or nothing. The
// file is read before the transaction, so that parsing a large file holds
// no lock; the bank account is then locked and must still read the file
// the same way (currency, CSV mapping).
func (s *Store) ImportStatement(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, bankID int64, in *bank.ImportInput) (*bank.ImportResult, error) {
	unlocked, err := s.BankAccount(ctx, ent.ID, bankID)
	if err != nil {
		return nil, err
	}
	parsed, err := parse(unlocked, in)
	if err != nil {
		return nil, err
	}
	var res *bank.ImportResult
	err = s.l.Write(ctx, func(tx *sqlstore.Tx) error {
		res, err = s.importInto(tx, p, ent, unlocked, in, parsed, nil, true)
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// importInto imports parsed statements of a file into the bank account
// unlocked (as read before the unit of work), in tx, holding the bank
// account's lock: the one import of a file, for ImportStatement and for
// each bank account of ImportEntityStatements. at are the statements'
// places in the file (nil: 0, 1, ...), for error paths; ownMapping says
// that a CSV file was read with this bank account's own saved mapping,
// which must still be the same. A retried unit of work starts over:
// nothing of an earlier try's result, nor the references it gave the
// parsed lines, carries over.
func (s *Store) importInto(tx *sqlstore.Tx, p *ledger.Principal, ent *ledger.Entity, unlocked *bank.Account, in *bank.ImportInput,
	parsed []bank.ParsedStatement, at []int, ownMapping bool) (*bank.ImportResult, error) {
	res := &bank.ImportResult{}
	a, err := s.lockAccount(tx, ent.ID, unlocked.ID)
	if err != nil {
		return nil, err
	}
	if a.Currency != unlocked.Currency || (in.Format == bank.FormatCSV && ownMapping && !sameMapping(a.CSVMapping, unlocked.CSVMapping)) {
		return nil, ledger.Errorf(ledger.CodeConflict, ledger.ReasonBankAccountChanged, "the bank account's CSV mapping changed while the file was read; import it again")
	}
	sum := sha256.Sum256(in.Data)
	hash := hex.EncodeToString(sum[:])
	prev, err := s.lastStatement(tx, ent.ID, a.ID)
	if err != nil {
		return nil, err
	}
	for i := range parsed {
		ps := parsed[i]
		ps.Lines = slices.Clone(ps.Lines) // assignRefs fills in references
		index := i
		if at != nil {
			index = at[i]
		}
		imp := &importer{s: s, p: p, ent: ent, a: a, in: in, hash: hash, prev: prev, ps: &ps, index: index}
		st, err := imp.run(tx)
		if err != nil {
			return nil, err
		}
		if st != nil {
			res.Statements = append(res.Statements, st)
		}
		res.LinesAdded += imp.added
		res.LinesSkipped += imp.skipped
		res.Notices = append(res.Notices, imp.notices...)
		if imp.created {
			res.Created = true
			prev = st
		}
	}
	if res.LinesAdded > 0 && !in.NoAutoMatch {
		ids, err := s.autoMatch(tx, p, ent, a)
		if err != nil {
			return nil, err
		}
		res.AutoMatched = len(ids)
	}
	return res, nil
}

// ImportEntityStatements routes each statement of a CAMT.053 file, or each
// row of a CSV export of several accounts, to the entity's bank account
// with its IBAN, and imports each bank account's part as ImportStatement
// does, all in one unit of work. The file is read before it; the bank
// accounts are locked in the order of their ids (two imports of files for
// the same accounts never wait on each other in a circle).
func (s *Store) ImportEntityStatements(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, in *bank.EntityImportInput) (*bank.EntityImportResult, error) {
	accounts, err := s.BankAccounts(ctx, ent.ID)
	if err != nil {
		return nil, err
	}
	var parsed []bank.ParsedStatement
	var mapping *bank.Account
	switch in.Format {
	case bank.FormatCAMT053:
		if in.MappingAccount != 0 {
			return nil, invalid("bank_account", ledger.ReasonParameterInvalid, "bank_account names the bank account whose CSV mapping reads a CSV file; a CAMT.053 file names its accounts itself")
		}
		if parsed, err = camt053.Parse(bytes.NewReader(in.Data)); err != nil {
			return nil, err
		}
	case bank.FormatCSV:
		if in.MappingAccount == 0 {
			return nil, invalid("bank_account", ledger.ReasonFieldRequired, "a CSV file is read with the saved csv_mapping of one of the entity's bank accounts: name it with ?bank_account=")
		}
		if mapping, err = s.BankAccount(ctx, ent.ID, in.MappingAccount); err != nil {
			return nil, err
		}
		if mapping.CSVMapping == nil {
			return nil, invalid("bank_account", ledger.ReasonCSVMappingMissing, "bank account %d has no CSV mapping; save one (PATCH the bank account with csv_mapping) before importing CSV files", mapping.ID)
		}
		if parsed, err = csvstmt.ParseAccounts(bytes.NewReader(in.Data), mapping.CSVMapping, mapping.Currency); err != nil {
			return nil, err
		}
	default:
		return nil, invalid("format", ledger.ReasonFormatInvalid, "format is %q or %q, got %q", bank.FormatCAMT053, bank.FormatCSV, in.Format)
	}

	// Route: each IBAN's statements, in the order of the file.
	byIBAN := map[string]*bank.Account{}
	for _, a := range accounts {
		byIBAN[a.IBAN] = a
	}
	type part struct {
		a      *bank.Account
		parsed []bank.ParsedStatement
		at     []int
	}
	var parts []*part
	partOf := map[int64]*part{}
	skipped := map[string]*bank.SkippedIBAN{}
	var skippedOrder []string
	res := &bank.EntityImportResult{}
	for i, ps := range parsed {
		where := fmt.Sprintf("Document/BkToCstmrStmt/Stmt[%d]/Acct/Id/IBAN", i+1)
		if in.Format == bank.FormatCSV {
			where = firstLine(ps.Lines)
		}
		a := byIBAN[ps.IBAN]
		switch {
		case ps.IBAN == "":
			return nil, invalid(where, ledger.ReasonIBANMissing, "the statement names no IBAN of its account (Acct/Id/IBAN), so it cannot be routed to a bank account; import it into its bank account with POST .../bank-accounts/{bank}/statements")
		case a == nil:
			sk := skipped[ps.IBAN]
			if sk == nil {
				sk = &bank.SkippedIBAN{IBAN: ps.IBAN, Where: where}
				skipped[ps.IBAN] = sk
				skippedOrder = append(skippedOrder, ps.IBAN)
			}
			sk.Statements++
			sk.Lines += len(ps.Lines)
			continue
		}
		pt := partOf[a.ID]
		if pt == nil {
			pt = &part{a: a}
			partOf[a.ID] = pt
			parts = append(parts, pt)
		}
		pt.parsed = append(pt.parsed, ps)
		pt.at = append(pt.at, i)
	}
	for _, iban := range skippedOrder {
		res.Skipped = append(res.Skipped, *skipped[iban])
	}
	if in.Strict && len(res.Skipped) > 0 {
		var pr ledger.Problems
		for _, sk := range res.Skipped {
			pr.Add(sk.Where, ledger.ReasonIBANUnknown, "the file holds %d statement(s) with %d line(s) for IBAN %s, which is no bank account of the entity; without strict=true they would be skipped", sk.Statements, sk.Lines, sk.IBAN)
		}
		return nil, pr.Err()
	}
	order := slices.Clone(parts)
	slices.SortFunc(order, func(x, y *part) int { return cmp.Compare(x.a.ID, y.a.ID) })
	skippedList := res.Skipped
	err = s.l.Write(ctx, func(tx *sqlstore.Tx) error {
		res = &bank.EntityImportResult{Skipped: skippedList, Accounts: make([]bank.AccountImport, len(parts))}
		if mapping != nil && partOf[mapping.ID] == nil {
			// The mapping's bank account takes no part of the file: it
			// is only read, and must still read the file the same way.
			now, err := s.account(tx, ent.ID, mapping.ID, "")
			if err != nil {
				return err
			}
			if !sameMapping(now.CSVMapping, mapping.CSVMapping) {
				return ledger.Errorf(ledger.CodeConflict, ledger.ReasonBankAccountChanged, "the bank account's CSV mapping changed while the file was read; import it again")
			}
		}
		for _, pt := range order {
			r, err := s.importInto(tx, p, ent, pt.a, &in.ImportInput, pt.parsed, pt.at, mapping != nil && pt.a.ID == mapping.ID)
			if err != nil {
				return err
			}
			res.Accounts[slices.Index(parts, pt)] = bank.AccountImport{Account: pt.a, ImportResult: *r}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// firstLine is the "line N" of the CSV row that comes first in the file
// (a statement's lines are oldest first, a file may be newest first).
func firstLine(lines []bank.ParsedLine) string {
	first, where := 0, ""
	for _, l := range lines {
		var n int
		if _, err := fmt.Sscanf(l.Where, "line %d", &n); err == nil && (where == "" || n < first) {
			first, where = n, l.Where
		}
	}
	return where
}

// parse reads the file by its format.
func parse(a *bank.Account, in *bank.ImportInput) ([]bank.ParsedStatement, error) {
	switch in.Format {
	case bank.FormatCAMT053:
		return camt053.Parse(bytes.NewReader(in.Data))
	case bank.FormatCSV:
		if a.CSVMapping == nil {
			return nil, invalid("format", ledger.ReasonCSVMappingMissing, "bank account %d has no CSV mapping; save one (PATCH the bank account with csv_mapping) before importing CSV files", a.ID)
		}
		ps, err := csvstmt.Parse(bytes.NewReader(in.Data), a.CSVMapping, a.Currency)
		if err != nil {
			return nil, err
		}
		return []bank.ParsedStatement{*ps}, nil
	}
	return nil, invalid("format", ledger.ReasonFormatInvalid, "format is %q or %q, got %q", bank.FormatCAMT053, bank.FormatCSV, in.Format)
}

// importer imports one statement of a file.
type importer struct {
	s     *Store
	p     *ledger.Principal
	ent   *ledger.Entity
	a     *bank.Account
	in    *bank.ImportInput
	hash  string
	prev  *bank.Statement
	ps    *bank.ParsedStatement
	index int

	created        bool
	added, skipped int
	notices        []bank.ImportNotice
}

// where names a part of the statement in the file for error paths: an
// element path under the CAMT document (as the parser names them), or for
// a CSV file the request parameter or mapping field concerned.
func (m *importer) where(field string) string {
	if m.in.Format == bank.FormatCSV {
		return csvWhere[field]
	}
	w := fmt.Sprintf("Document/BkToCstmrStmt/Stmt[%d]", m.index+1)
	if field != "" {
		w += "/" + field
	}
	return w
}

var csvWhere = map[string]string{
	"Acct/Id/IBAN": "csv_mapping.iban",
	"Acct/Ccy":     "csv_mapping.currency",
	"Bal[OPBD]":    "opening_balance",
	"Bal[CLBD]":    "csv_mapping.balance",
	"FrToDt":       "file",
	"Bal":          "file",
}

// line names a parsed line for error paths: the parser's Where ("line 14",
// "Stmt[1]/Ntry[3]"), under the document for CAMT.
func (m *importer) line(l *bank.ParsedLine) string {
	if m.in.Format == bank.FormatCSV {
		return l.Where
	}
	return "Document/BkToCstmrStmt/" + l.Where
}

func (m *importer) ref() string {
	switch {
	case m.in.Format == bank.FormatCSV:
		return "csv-" + m.hash[:16]
	case m.ps.StatementID != "":
		return m.ps.StatementID
	}
	return fmt.Sprintf("camt-%s-%d", m.hash[:16], m.index+1)
}

func (m *importer) run(tx *sqlstore.Tx) (*bank.Statement, error) {
	ps, a := m.ps, m.a
	if ps.IBAN != "" && ps.IBAN != a.IBAN {
		return nil, invalid(m.where("Acct/Id/IBAN"), ledger.ReasonStatementIBANMismatch, "the statement is for IBAN %s; bank account %d is %s (a file of several accounts is imported with POST /v1/entities/{entity}/bank-statements)", ps.IBAN, a.ID, a.IBAN)
	}
	if ps.Currency != "" && ps.Currency != a.Currency {
		return nil, invalid(m.where("Acct/Ccy"), ledger.ReasonStatementCurrencyMismatch, "the statement is in %s; bank account %d is in %s", ps.Currency, a.ID, a.Currency)
	}
	ref := m.ref()
	if old, err := m.s.statements(tx, `entity_id = ? AND bank_account_id = ? AND statement_ref = ?`, m.ent.ID, a.ID, ref); err != nil {
		return nil, err
	} else if len(old) > 0 {
		return m.again(tx, old[0])
	}
	if err := m.assignRefs(); err != nil {
		return nil, err
	}
	known, err := m.s.knownRefs(tx, m.ent.ID, a.ID, ps.Lines)
	if err != nil {
		return nil, err
	}
	lines := make([]bank.ParsedLine, 0, len(ps.Lines))
	for _, l := range ps.Lines {
		if !known[l.BankRef] {
			lines = append(lines, l)
			continue
		}
		if m.in.Format != bank.FormatCSV {
			// A bank statement either is new or was imported whole; one
			// sharing lines with an earlier one overlaps it.
			return nil, invalid(m.line(&l), ledger.ReasonStatementOverlap, "the line with bank reference %s (%s) was imported before with another statement: this statement overlaps an earlier one", l.BankRef, l.Where)
		}
		m.skipped++
	}
	if len(lines) == 0 && m.in.Format == bank.FormatCSV {
		// Every line of the export is held already: nothing to add, and no
		// statement to show.
		return nil, nil
	}
	var outside []bank.ParsedLine
	if m.in.Format != bank.FormatCSV {
		// A bank's statement books its lines within its period, except
		// that a bank sometimes puts a line booked on an earlier (or later)
		// day on the next statement. Such a line is accepted, with its own
		// booking date, only when the balances prove that it belongs to
		// this statement and to no other: the opening balance continues the
		// previous statement's closing balance (so that statement did not
		// count it) and the lines add up to the closing balance (so this
		// one does). Without a previous statement nothing proves it.
		for _, l := range lines {
			if (!ps.From.IsZero() && l.BookingDate.Before(ps.From)) || (!ps.To.IsZero() && l.BookingDate.After(ps.To)) {
				outside = append(outside, l)
			}
		}
		if len(outside) > 0 {
			if why := m.unchained(lines); why != "" {
				l := outside[0]
				return nil, invalid(m.line(&l), ledger.ReasonLineOutsidePeriod, "the line with bank reference %s is booked on %s, outside the statement's period %s to %s, and it cannot be accepted: %s",
					l.BankRef, l.BookingDate, ps.From, ps.To, why)
			}
		}
		if m.prev != nil && !ps.From.IsZero() && ps.From.Before(m.prev.To) {
			return nil, invalid(m.where("FrToDt"), ledger.ReasonStatementOverlap, "the statement's period starts on %s, before the end of the previous statement %s (%s); statements are imported in order and do not overlap",
				ps.From, m.prev.Ref, m.prev.To)
		}
	}
	if m.prev != nil {
		for _, l := range lines {
			if l.BookingDate.Before(m.prev.To) {
				return nil, invalid(m.line(&l), ledger.ReasonStatementOverlap, "the line with bank reference %s is booked on %s, before the end of the previous statement %s (%s); statements are imported in order and do not overlap",
					l.BankRef, l.BookingDate, m.prev.Ref, m.prev.To)
			}
		}
	}
	opening, closing, err := m.balances(lines)
	if err != nil {
		return nil, err
	}
	from, to := m.period(lines)
	if from.IsZero() {
		return nil, invalid(m.where("FrToDt"), ledger.ReasonPeriodMissing, "the statement states no period (FrToDt) and has no booked lines to take one from")
	}
	st := &bank.Statement{EntityID: m.ent.ID, BankAccountID: a.ID, Seq: 1, Ref: ref, Format: m.in.Format, From: from, To: to,
		OpeningMinor: opening, ClosingMinor: closing, LineCount: len(lines), FileName: m.in.FileName, SHA256: m.hash,
		CreatedAt: tx.Now, CreatedBy: m.p.ActorID}
	if m.prev != nil {
		st.Seq = m.prev.Seq + 1
	}
	err = tx.DB().Raw(`INSERT INTO bank_statements (entity_id, bank_account_id, seq, statement_ref, format, from_date, to_date,
		opening_minor, closing_minor, line_count, file_name, file_sha256, created_at, created_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		st.EntityID, st.BankAccountID, st.Seq, st.Ref, st.Format, st.From, st.To, st.OpeningMinor, st.ClosingMinor,
		st.LineCount, st.FileName, st.SHA256, st.CreatedAt, st.CreatedBy).Scan(&st.ID).Error
	if err != nil {
		return nil, err
	}
	if err := m.s.insertLines(tx, st, lines); err != nil {
		return nil, err
	}
	m.created, m.added = true, len(lines)
	for _, l := range outside {
		side := "before"
		if l.BookingDate.After(ps.To) {
			side = "after"
		}
		m.notices = append(m.notices, bank.ImportNotice{Path: m.line(&l), Reason: ledger.ReasonLineOutsidePeriod,
			Message: fmt.Sprintf("the line with bank reference %s is booked on %s, %s the statement's period %s to %s; it was accepted with its own booking date because the statement's opening balance continues the closing balance of the previous statement %s and its lines add up to its closing balance",
				l.BankRef, l.BookingDate, side, ps.From, ps.To, m.prev.Ref),
			StatementRef: st.Ref, BankRef: l.BankRef, BookingDate: l.BookingDate, From: ps.From, To: ps.To})
	}
	return st, tx.Audit(m.ent.ID, &m.p.ActorID, "bank_statement.imported", st.Ref, map[string]any{
		"bank_account_id": a.ID, "statement_id": st.ID, "seq": st.Seq, "lines": st.LineCount, "file_sha256": m.hash,
		"opening": money.Format(opening, exponent(a.Currency)), "closing": money.Format(closing, exponent(a.Currency))})
}

// again answers a statement whose id was imported before: the same
// statement adds nothing; another under the same id is refused.
func (m *importer) again(tx *sqlstore.Tx, old *bank.Statement) (*bank.Statement, error) {
	if m.in.Format == bank.FormatCSV {
		m.skipped = len(m.ps.Lines)
		return old, nil
	}
	if err := m.assignRefs(); err != nil {
		return nil, err
	}
	ls, err := m.s.lines(tx, `l.entity_id = ? AND l.statement_id = ? ORDER BY l.line_no`, m.ent.ID, old.ID)
	if err != nil {
		return nil, err
	}
	same := len(ls) == len(m.ps.Lines) && m.ps.Opening != nil && *m.ps.Opening == old.OpeningMinor
	for i := 0; same && i < len(ls); i++ {
		same = ls[i].BankRef == m.ps.Lines[i].BankRef && ls[i].AmountMinor == m.ps.Lines[i].AmountMinor
	}
	if !same {
		return nil, &ledger.Error{Code: ledger.CodeConflict, Reason: ledger.ReasonStatementRefConflict,
			Message: fmt.Sprintf("statement %s was imported before (as statement %d) with other lines or balances; a bank statement never changes", old.Ref, old.ID),
			Details: map[string]any{"statement_id": old.ID}}
	}
	m.skipped = len(ls)
	return old, nil
}

// balances works out the opening and closing balances and checks that the
// statement continues the previous one and adds up.
func (m *importer) balances(lines []bank.ParsedLine) (opening, closing int64, err error) {
	ps, exp := m.ps, exponent(m.a.Currency)
	var total int64
	for _, l := range lines {
		var ok bool
		if total, ok = money.Add(total, l.AmountMinor); !ok {
			return 0, 0, invalid(m.line(&l), ledger.ReasonAmountTooLarge, "the statement's lines add up to more than the largest amount the ledger holds")
		}
	}
	if m.in.Opening != nil && (m.in.Format != bank.FormatCSV || m.prev != nil || (len(lines) > 0 && lines[0].Balance != nil)) {
		return 0, 0, invalid("opening_balance", ledger.ReasonOpeningBalanceUnused,
			"opening_balance applies only to the first statement of a bank account from a CSV file that states no balances; this file or account has its own")
	}
	switch {
	case m.in.Format == bank.FormatCSV && len(lines) > 0 && lines[0].Balance != nil:
		// A balance column: the balance before the first new line, and
		// after the last (the parser checked the running balance).
		opening = *lines[0].Balance - lines[0].AmountMinor
		closing = *lines[len(lines)-1].Balance
	case m.in.Format == bank.FormatCSV || ps.Opening == nil:
		switch {
		case m.in.Opening != nil:
			opening = *m.in.Opening
		case m.prev != nil:
			opening = m.prev.ClosingMinor
		default:
			return 0, 0, invalid("opening_balance", ledger.ReasonOpeningBalanceRequired,
				"the file states no balances and is the first statement of bank account %d: give its opening balance (?opening_balance=1234.56)", m.a.ID)
		}
		closing = opening + total
		if ps.Closing != nil && m.in.Format != bank.FormatCSV {
			closing = *ps.Closing
		}
	default:
		opening = *ps.Opening
		if ps.Closing == nil {
			return 0, 0, invalid(m.where("Bal"), ledger.ReasonBalanceMissing, "the statement has no closing booked balance (CLBD)")
		}
		closing = *ps.Closing
	}
	if m.prev != nil && opening != m.prev.ClosingMinor {
		return 0, 0, &ledger.Error{Code: ledger.CodeInvalid, Reason: ledger.ReasonStatementGap,
			Message: fmt.Sprintf("the opening balance %s does not continue the closing balance %s of the previous statement %s (to %s): difference %s; a statement is missing or this one is out of order",
				money.Format(opening, exp), money.Format(m.prev.ClosingMinor, exp), m.prev.Ref, m.prev.To, money.Format(opening-m.prev.ClosingMinor, exp)),
			Fields: []ledger.FieldError{{Path: m.where("Bal[OPBD]"), Reason: ledger.ReasonStatementGap, Message: "opening balance does not continue the previous statement"}},
			Details: map[string]any{"expected_opening": money.Format(m.prev.ClosingMinor, exp), "opening": money.Format(opening, exp),
				"difference": money.Format(opening-m.prev.ClosingMinor, exp)}}
	}
	if opening+total != closing {
		return 0, 0, &ledger.Error{Code: ledger.CodeInvalid, Reason: ledger.ReasonStatementUnbalanced,
			Message: fmt.Sprintf("opening balance %s plus the lines (%s) is %s, but the closing balance is %s: difference %s",
				money.Format(opening, exp), money.Format(total, exp), money.Format(opening+total, exp), money.Format(closing, exp), money.Format(closing-opening-total, exp)),
			Fields: []ledger.FieldError{{Path: m.where("Bal[CLBD]"), Reason: ledger.ReasonStatementUnbalanced, Message: "the lines do not add up to the closing balance"}},
			Details: map[string]any{"opening": money.Format(opening, exp), "lines_total": money.Format(total, exp),
				"closing": money.Format(closing, exp), "difference": money.Format(closing-opening-total, exp)}}
	}
	return opening, closing, nil
}

// unchained says why a statement's balances do not prove that its lines
// booked outside its period belong to it, or "" when they do: it has a
// previous statement whose closing balance its opening balance continues,
// and its lines add up to its closing balance.
func (m *importer) unchained(lines []bank.ParsedLine) string {
	ps, exp := m.ps, exponent(m.a.Currency)
	switch {
	case m.prev == nil:
		return "it is the bank account's first statement, so there is no previous closing balance for its opening balance to continue"
	case ps.Opening == nil || ps.Closing == nil:
		return "the statement does not state both its opening and closing booked balance"
	case *ps.Opening != m.prev.ClosingMinor:
		return fmt.Sprintf("its opening balance %s does not continue the closing balance %s of the previous statement %s",
			money.Format(*ps.Opening, exp), money.Format(m.prev.ClosingMinor, exp), m.prev.Ref)
	}
	total := *ps.Opening
	for _, l := range lines {
		var ok bool
		if total, ok = money.Add(total, l.AmountMinor); !ok {
			return "its lines add up to more than the largest amount the ledger holds"
		}
	}
	if total != *ps.Closing {
		return fmt.Sprintf("its opening balance %s plus the lines is %s, not its closing balance %s",
			money.Format(*ps.Opening, exp), money.Format(total, exp), money.Format(*ps.Closing, exp))
	}
	return ""
}

// period is the statement's period: as the file states it, else (and for
// a CSV export, whose period is that of the lines it adds) its lines' first
// and last booking dates.
func (m *importer) period(lines []bank.ParsedLine) (from, to ledger.Date) {
	var first, last ledger.Date
	for _, l := range lines {
		if first.IsZero() || l.BookingDate.Before(first) {
			first = l.BookingDate
		}
		if last.IsZero() || l.BookingDate.After(last) {
			last = l.BookingDate
		}
	}
	from, to = m.ps.From, m.ps.To
	if m.in.Format == bank.FormatCSV || from.IsZero() {
		from = first
	}
	if m.in.Format == bank.FormatCSV || to.IsZero() {
		to = last
	}
	if from.IsZero() {
		from = to
	}
	if to.IsZero() || to.Before(from) {
		to = from
	}
	return from, to
}

// assignRefs gives a line without a bank reference one made from its
// content, numbered among identical lines of the file, so that importing
// the same file again finds the same references. A reference repeated
// within the file is refused: the bank's references are unique.
func (m *importer) assignRefs() error {
	seen := map[string]string{}
	occurrence := map[string]int{}
	for i := range m.ps.Lines {
		l := &m.ps.Lines[i]
		if l.BankRef == "" {
			h := sha256.Sum256([]byte(strings.Join([]string{l.BookingDate.String(), strconv.FormatInt(l.AmountMinor, 10),
				l.Counterparty, l.CounterIBAN, l.Remittance, l.EndToEndID}, "\x1f")))
			key := hex.EncodeToString(h[:12])
			occurrence[key]++
			l.BankRef = fmt.Sprintf("h-%s-%d", key, occurrence[key])
		}
		if w, ok := seen[l.BankRef]; ok {
			return invalid(m.line(l), ledger.ReasonLineRefRepeated, "bank reference %s of %s is also that of %s; a bank reference names one line", l.BankRef, l.Where, w)
		}
		seen[l.BankRef] = l.Where
	}
	return nil
}

// knownRefs returns which of the lines' bank references the bank account
// holds already.
func (s *Store) knownRefs(tx *sqlstore.Tx, entityID, bankID int64, lines []bank.ParsedLine) (map[string]bool, error) {
	known := map[string]bool{}
	for start := 0; start < len(lines); start += 500 {
		end := min(start+500, len(lines))
		refs := make([]string, 0, end-start)
		for _, l := range lines[start:end] {
			refs = append(refs, l.BankRef)
		}
		var found []string
		if err := tx.DB().Raw(`SELECT bank_ref FROM bank_statement_lines WHERE entity_id = ? AND bank_account_id = ? AND bank_ref IN ?`,
			entityID, bankID, refs).Scan(&found).Error; err != nil {
			return nil, err
		}
		for _, r := range found {
			known[r] = true
		}
	}
	return known, nil
}

// insertLines writes a statement's lines, many to a statement.
func (s *Store) insertLines(tx *sqlstore.Tx, st *bank.Statement, lines []bank.ParsedLine) error {
	err := s.insertRows(tx, `INSERT INTO bank_statement_lines (entity_id, bank_account_id, statement_id, line_no, booking_date, value_date,
		amount_minor, bank_ref, end_to_end_id, counterparty, counter_iban, remittance, reference, kind) VALUES `, 14, len(lines), func(i int) []any {
		l := &lines[i]
		var value any
		if !l.ValueDate.IsZero() {
			value = l.ValueDate
		}
		return []any{st.EntityID, st.BankAccountID, st.ID, i + 1, l.BookingDate, value, l.AmountMinor, l.BankRef,
			l.EndToEndID, l.Counterparty, l.CounterIBAN, l.Remittance, l.Reference, l.Kind}
	})
	if sqlstore.IsDuplicate(translate(err), "bank_statement_lines") {
		return ledger.Errorf(ledger.CodeConflict, ledger.ReasonStatementOverlap, "a line of the statement was imported at the same time by another request")
	} else if err != nil {
		return err
	}
	// Every new line is open until a match takes it.
	return tx.DB().Exec(`INSERT INTO bank_open_lines (entity_id, statement_line_id, bank_account_id)
		SELECT entity_id, id, bank_account_id FROM bank_statement_lines WHERE entity_id = ? AND statement_id = ?`, st.EntityID, st.ID).Error
}

func sameMapping(a, b *bank.CSVMapping) bool {
	ja, _ := mappingJSON(a)
	jb, _ := mappingJSON(b)
	return (ja == nil) == (jb == nil) && (ja == nil || *ja == *jb)
}

func exponent(currency string) int {
	e, _ := money.Exponent(currency)
	return e
}
