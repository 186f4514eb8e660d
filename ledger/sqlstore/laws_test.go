package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
	"backoffice/ledger/sqlstore/sqltest"
)

// These tests break the laws of the ledger (docs/design.md) beneath the Go
// code, with raw SQL, and expect the database itself to refuse each breach
// with its SQLSTATE (PostgreSQL) or the same code in the message (SQLite).

// raw writes to the database behind the store's back.
type raw struct {
	t  *testing.T
	st *sqlstore.Store
	db *sql.DB
}

func newRaw(t *testing.T, st *sqlstore.Store) *raw { return &raw{t: t, st: st, db: st.DB()} }

// ph is the n-th placeholder of the driver.
func (r *raw) ph(n int) string {
	if r.st.Dialect() == sqlstore.Postgres {
		return fmt.Sprintf("$%d", n)
	}
	return "?"
}

// rawLine is one journal line to insert by hand.
type rawLine struct {
	account       int64
	date          string // default: the entry's
	debit, credit int64
	currency      string // default: the entry's
	amount        int64  // default: debit + credit
	entity, entry int64  // default: the entry's
	lineNo        int    // default: its place
}

// rawEntry is one journal entry to insert by hand, after its lines.
type rawEntry struct {
	entity, id  int64
	fiscalYear  int
	number      int64
	date        string
	total       int64 // default: the lines' debits
	lineCount   int   // default: the lines
	reverses    *int64
	lines       []rawLine
	currency    string // default: EUR
	description string
	createdBy   int64 // default: 1, the actor of the first key
}

// post writes e as the store does (lines first, then the entry) in one
// transaction on a connection of its own, and commits only if commit is
// set (a refused COMMIT is rolled back: SQLite keeps the transaction open
// when it refuses one). It returns the first error.
func (r *raw) post(e rawEntry, commit bool) error {
	r.t.Helper()
	ctx := context.Background()
	conn, err := r.db.Conn(ctx)
	if err != nil {
		r.t.Fatal(err)
	}
	defer conn.Close()
	defer conn.ExecContext(ctx, "ROLLBACK") //nolint:errcheck // nothing to roll back after a COMMIT
	if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
		r.t.Fatal(err)
	}
	if e.currency == "" {
		e.currency = "EUR"
	}
	if e.description == "" {
		e.description = "by hand"
	}
	if e.createdBy == 0 {
		e.createdBy = 1
	}
	for i, l := range e.lines {
		if l.currency == "" {
			l.currency = e.currency
		}
		if l.amount == 0 {
			l.amount = l.debit + l.credit
		}
		if l.date == "" {
			l.date = e.date
		}
		if l.entity == 0 {
			l.entity = e.entity
		}
		if l.entry == 0 {
			l.entry = e.id
		}
		if l.lineNo == 0 {
			l.lineNo = i + 1
		}
		_, err := conn.ExecContext(ctx, `INSERT INTO journal_lines (entity_id, entry_id, line_no, account_id, date,
			debit_minor, credit_minor, currency, amount_minor) VALUES (`+r.ph(1)+`, `+r.ph(2)+`, `+r.ph(3)+`, `+r.ph(4)+`, `+r.ph(5)+`, `+
			r.ph(6)+`, `+r.ph(7)+`, `+r.ph(8)+`, `+r.ph(9)+`)`,
			l.entity, l.entry, l.lineNo, l.account, l.date, l.debit, l.credit, l.currency, l.amount)
		if err != nil {
			return err
		}
	}
	if e.lineCount == 0 {
		e.lineCount = len(e.lines)
	}
	if e.total == 0 {
		for _, l := range e.lines {
			e.total += l.debit
		}
	}
	_, err = conn.ExecContext(ctx, `INSERT INTO journal_entries (entity_id, id, fiscal_year, number, date, description,
		currency, total_minor, line_count, reverses_id, created_at, created_by) VALUES (`+r.ph(1)+`, `+r.ph(2)+`, `+r.ph(3)+`, `+
		r.ph(4)+`, `+r.ph(5)+`, `+r.ph(6)+`, `+r.ph(7)+`, `+r.ph(8)+`, `+r.ph(9)+`, `+r.ph(10)+`, '2026-05-01 00:00:00', `+r.ph(11)+`)`,
		e.entity, e.id, e.fiscalYear, e.number, e.date, e.description, e.currency, e.total, e.lineCount, e.reverses, e.createdBy)
	if err != nil {
		return err
	}
	if !commit {
		return nil
	}
	_, err = conn.ExecContext(ctx, "COMMIT")
	return err
}

// exec runs one statement outside any explicit transaction.
func (r *raw) exec(q string, args ...any) error {
	_, err := r.db.Exec(q, args...)
	return err
}

// balanced is a 2-line entry of 1.00 on rent and bank, numbered far past
// what the tests post.
func balanced(entity, rentID, bankID, id int64, date string) rawEntry {
	return rawEntry{entity: entity, id: id, fiscalYear: 2026, number: id, date: date,
		lines: []rawLine{{account: rentID, debit: 100}, {account: bankID, credit: 100}}}
}

// TestDatabaseRefusesUnbalancedEntries: law 1. Every way an entry written by
// hand can fail to balance is refused by the entry's insert trigger
// (journal_entries_check, BOL02) or a line's CHECK constraint.
func TestDatabaseRefusesUnbalancedEntries(t *testing.T) {
	t.Parallel()
	st := sqltest.Open(t)
	ent, p := sqltest.Entity(t, st, "Balance BV")
	mustPost(t, st, p, ent, rent("2026-03-31", "1.00"))
	r := newRaw(t, st)
	rentID, bankID := accountID(t, st, ent.ID, "4100"), accountID(t, st, ent.ID, "1000")
	withLines := func(e rawEntry, lines ...rawLine) rawEntry { e.lines = lines; return e }
	base := balanced(ent.ID, rentID, bankID, 900, "2026-05-01")

	// The same entry, balanced, is accepted: the cases below fail for the
	// one reason each names.
	if err := r.post(base, false); err != nil {
		t.Fatalf("a balanced entry by hand: %v", err)
	}
	moreLines, otherTotal := base, base
	moreLines.lineCount = 3
	otherTotal.total = 99
	for _, c := range []struct {
		name string
		e    rawEntry
		code string
	}{
		{"debits differ from credits", withLines(base, rawLine{account: rentID, debit: 100}, rawLine{account: bankID, credit: 99}), "BOL02"},
		{"one line", withLines(base, rawLine{account: rentID, debit: 100}), "BOL02"},
		{"fewer lines than declared", moreLines, "BOL02"},
		{"a total other than the debits", otherTotal, "BOL02"},
		{"unbalanced in the lines' one currency", withLines(base,
			rawLine{account: rentID, debit: 100, currency: "USD", amount: 110},
			rawLine{account: bankID, credit: 100, currency: "USD", amount: 109}), "BOL02"},
		{"a line dated off the entry", withLines(base, rawLine{account: rentID, debit: 100, date: "2026-05-02"}, rawLine{account: bankID, credit: 100}), "BOL02"},
		{"a line on both sides", withLines(base, rawLine{account: rentID, debit: 100, credit: 100}, rawLine{account: bankID, credit: 100}), "23514"},
		{"a line of zero", withLines(base, rawLine{account: rentID, debit: 0, credit: 0, amount: 1}, rawLine{account: bankID, credit: 100}), "23514"},
		{"a negative amount", withLines(base, rawLine{account: rentID, debit: 100, amount: -100}, rawLine{account: bankID, credit: 100}), "23514"},
	} {
		err := r.post(c.e, true)
		sqltest.WantRefused(t, c.name, err, c.code)
		if c.code == "BOL02" && err != nil {
			if le := ledger.As(sqlstore.Translate(err)); le.Reason != "entry_unbalanced" {
				t.Errorf("%s: translated to %q; want entry_unbalanced", c.name, le.Reason)
			}
		}
	}
	mustVerify(t, st)
}

// TestDatabaseRefusesTruncate: law 2. Emptying the journal in one statement
// is refused like deleting its rows (BOL01): TRUNCATE triggers on
// PostgreSQL; on SQLite a DELETE without WHERE, which SQLite runs row by row
// (firing the delete triggers) because the tables have triggers.
func TestDatabaseRefusesTruncate(t *testing.T) {
	t.Parallel()
	st := sqltest.Open(t)
	ent, p := sqltest.Entity(t, st, "Truncate BV")
	mustPost(t, st, p, ent, rent("2026-03-31", "1.00"))
	r := newRaw(t, st)
	stmts := []string{`DELETE FROM journal_lines`, `DELETE FROM journal_entries`}
	if st.Dialect() == sqlstore.Postgres {
		// CASCADE, or the foreign keys that reference the tables refuse
		// first (0A000) and the triggers are never asked.
		stmts = []string{`TRUNCATE journal_lines CASCADE`, `TRUNCATE journal_entries CASCADE`}
	}
	for _, q := range stmts {
		sqltest.WantRefused(t, q, r.exec(q), "BOL01")
	}
	// The other write-once records (migration 00008). On SQLite a DELETE
	// without WHERE fires the row triggers, which the tests of each
	// module cover.
	if st.Dialect() == sqlstore.Postgres {
		sqltest.WantRefused(t, "TRUNCATE audit_events", r.exec(`TRUNCATE audit_events`), "BOL01")
		for _, table := range []string{"invoices", "invoice_lines", "orders", "order_lines", "order_status_changes",
			"events", "bank_statements", "bank_statement_lines"} {
			q := `TRUNCATE ` + table + ` CASCADE`
			sqltest.WantRefused(t, q, r.exec(q), "BOL06")
		}
	}
	mustVerify(t, st)
}

// TestDatabaseRefusesDuplicateNumbers: law 3. An entry number used twice in
// an entity's fiscal year, an entry id drawn twice and a second reversal of
// one entry are refused by unique keys (23505) on both databases.
func TestDatabaseRefusesDuplicateNumbers(t *testing.T) {
	t.Parallel()
	st := sqltest.Open(t)
	ctx := context.Background()
	ent, p := sqltest.Entity(t, st, "Numbers Twice BV")
	first := mustPost(t, st, p, ent, rent("2026-03-31", "1.00"))
	mustPost(t, st, p, ent, rent("2026-04-30", "1.00"))
	if _, err := st.ReverseEntry(ctx, p, ent, first.ID, ledger.NewDate(2026, 4, 30), "", nil); err != nil {
		t.Fatal(err)
	}
	r := newRaw(t, st)
	rentID, bankID := accountID(t, st, ent.ID, "4100"), accountID(t, st, ent.ID, "1000")

	number := balanced(ent.ID, rentID, bankID, 900, "2026-05-01")
	number.number = 2 // journal_entries_number_unique (entity_id, fiscal_year, number)
	sqltest.WantRefused(t, "an entry number used twice", r.post(number, true), "23505")

	// Another fiscal year may use the number.
	nextYear := balanced(ent.ID, rentID, bankID, 901, "2027-01-04")
	nextYear.fiscalYear, nextYear.number = 2027, 2
	if err := r.post(nextYear, false); err != nil {
		t.Fatalf("number 2 in 2027: %v", err)
	}

	// An id drawn twice: the entry row of id 1 again (its lines are the
	// posted ones, so the entry trigger finds them balanced), primary key.
	again := rawEntry{entity: ent.ID, id: first.ID, fiscalYear: 2026, number: 901, date: "2026-03-31",
		total: first.TotalMinor, lineCount: len(first.Lines)}
	sqltest.WantRefused(t, "an entry id drawn twice", r.post(again, true), "23505")

	// A second reversal: journal_entries_reversal_unique (entity_id, reverses_id).
	second := balanced(ent.ID, bankID, rentID, 902, "2026-05-01")
	second.reverses = &first.ID
	sqltest.WantRefused(t, "a second reversal of one entry", r.post(second, true), "23505")
	mustVerify(t, st)
}

// TestDatabaseRefusesLockedPeriod: law 4. An entry dated on or before the
// entity's lock date, written by hand, is refused by the entry's insert
// trigger (BOL03); the day after is accepted.
func TestDatabaseRefusesLockedPeriod(t *testing.T) {
	t.Parallel()
	st := sqltest.Open(t)
	ctx := context.Background()
	ent, p := sqltest.Entity(t, st, "Locked BV")
	mustPost(t, st, p, ent, rent("2026-03-31", "1.00"))
	lock := ledger.NewDate(2026, 3, 31)
	if _, err := st.SetLockDate(ctx, p, ent.ID, &lock); err != nil {
		t.Fatal(err)
	}
	r := newRaw(t, st)
	rentID, bankID := accountID(t, st, ent.ID, "4100"), accountID(t, st, ent.ID, "1000")
	for _, date := range []string{"2026-03-31", "2026-01-01", "2025-12-31"} {
		e := balanced(ent.ID, rentID, bankID, 900, date)
		if date < "2026" {
			e.fiscalYear = 2025
		}
		err := r.post(e, true)
		sqltest.WantRefused(t, "an entry dated "+date, err, "BOL03")
		if err != nil {
			if le := ledger.As(sqlstore.Translate(err)); le.Reason != "period_locked" {
				t.Errorf("%s: translated to %q; want period_locked", date, le.Reason)
			}
		}
	}
	if err := r.post(balanced(ent.ID, rentID, bankID, 900, "2026-04-01"), false); err != nil {
		t.Fatalf("the day after the lock date: %v", err)
	}
	mustVerify(t, st)
}

// TestDatabaseRefusesCrossEntityReferences: law 5. A row of entity A that
// points at a row of entity B is refused by the foreign keys that include
// entity_id (23503), and on PostgreSQL post_entry() refuses another entity's
// account (BOL04).
func TestDatabaseRefusesCrossEntityReferences(t *testing.T) {
	t.Parallel()
	st := sqltest.Open(t)
	a, p := sqltest.Entity(t, st, "Entity A BV")
	b, _ := sqltest.Entity(t, st, "Entity B BV")
	bEntry := mustPost(t, st, p, b, rent("2026-03-31", "1.00"))
	r := newRaw(t, st)
	aRent, aBank := accountID(t, st, a.ID, "4100"), accountID(t, st, a.ID, "1000")
	bRent, bBank := accountID(t, st, b.ID, "4100"), accountID(t, st, b.ID, "1000")
	if aRent == bRent {
		t.Fatalf("both entities' rent accounts have id %d; the test needs distinct ids", aRent)
	}

	// Control: the same entry on A's own accounts is accepted.
	if err := r.post(balanced(a.ID, aRent, aBank, 900, "2026-05-01"), false); err != nil {
		t.Fatalf("an entry of A on A's accounts: %v", err)
	}
	sqltest.WantRefused(t, "a line of A on B's account", r.post(balanced(a.ID, bRent, aBank, 900, "2026-05-01"), true), "23503")
	sqltest.WantRefused(t, "a line of A on B's account (both)", r.post(balanced(a.ID, bRent, bBank, 900, "2026-05-01"), true), "23503")
	sqltest.WantRefused(t, "a line of B on A's account", r.post(balanced(b.ID, bRent, aBank, 900, "2026-05-01"), true), "23503")

	// A reversal in A of B's entry: A has no entry of that id.
	rev := balanced(a.ID, aBank, aRent, 900, "2026-05-01")
	rev.reverses = &bEntry.ID
	sqltest.WantRefused(t, "an entry of A reversing B's entry", r.post(rev, true), "23503")

	// Totals and the chart stay inside their entity too.
	sqltest.WantRefused(t, "a total of A on B's account", r.exec(`INSERT INTO account_totals (entity_id, account_id, grain, period, debit_minor, credit_minor)
		VALUES (`+r.ph(1)+`, `+r.ph(2)+`, 'd', '2026-05-01', 1, 0)`, a.ID, bRent), "23503")
	sqltest.WantRefused(t, "an account of A under B's account", r.exec(`UPDATE accounts SET parent_id = `+r.ph(1)+`
		WHERE entity_id = `+r.ph(2)+` AND id = `+r.ph(3), bRent, a.ID, aRent), "23503")

	// The one posting function of PostgreSQL checks the accounts it writes
	// lines to against the entity it posts for.
	if st.Dialect() == sqlstore.Postgres {
		var id, number sql.NullInt64
		var answer sql.NullString
		err := st.DB().QueryRow(`SELECT entry_id, entry_number, answer FROM post_entry($1, 2026, '2026-05-01', 'cross', '', 'EUR', 100, NULL,
			now(), 1, $2, '{100,0}', '{0,100}', '{EUR,EUR}', '{100,100}', '{"",""}', '{"",""}', NULL, NULL, NULL, NULL, NULL, NULL)`,
			a.ID, fmt.Sprintf("{%d,%d}", bRent, aBank)).Scan(&id, &number, &answer)
		sqltest.WantRefused(t, "post_entry() of A with B's account", err, "BOL04")
	}
	mustVerify(t, st)
}

// TestDatabaseRefusesAnonymousEntries: law 8. An entry says who posted it
// and when: the store writes the key and the time in UTC, the database
// refuses an entry without created_by (NOT NULL), and the audit trail of what is not an entry
// never changes (BOL01).
func TestDatabaseRefusesAnonymousEntries(t *testing.T) {
	t.Parallel()
	st := sqltest.Open(t)
	ent, p := sqltest.Entity(t, st, "Who BV")
	before := time.Now().Add(-time.Minute)
	posted := mustPost(t, st, p, ent, rent("2026-03-31", "1.00"))
	got, err := st.Entry(context.Background(), ent.ID, posted.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.CreatedBy != p.KeyID || got.CreatedAt.Location() != time.UTC || got.CreatedAt.Before(before) || got.CreatedAt.After(time.Now().Add(time.Minute)) {
		t.Fatalf("entry posted by key %d at %v; want key %d, now, in UTC", got.CreatedBy, got.CreatedAt, p.KeyID)
	}
	r := newRaw(t, st)
	rentID, bankID := accountID(t, st, ent.ID, "4100"), accountID(t, st, ent.ID, "1000")
	err = r.postAnonymous(balanced(ent.ID, rentID, bankID, 900, "2026-05-01"))
	sqltest.WantRefused(t, "an entry without created_by", err, "23502")

	var n int64
	if err := st.DB().QueryRow(`SELECT count(*) FROM audit_events WHERE entity_id = `+r.ph(1), ent.ID).Scan(&n); err != nil || n == 0 {
		t.Fatalf("audit events of the new entity: %d, %v", n, err)
	}
	sqltest.WantRefused(t, "an audit event changed", r.exec(`UPDATE audit_events SET detail = '{}' WHERE entity_id = `+r.ph(1), ent.ID), "BOL01")
	sqltest.WantRefused(t, "an audit event deleted", r.exec(`DELETE FROM audit_events WHERE entity_id = `+r.ph(1), ent.ID), "BOL01")
	mustVerify(t, st)
}

// postAnonymous writes e with created_by NULL.
func (r *raw) postAnonymous(e rawEntry) error {
	r.t.Helper()
	ctx := context.Background()
	conn, err := r.db.Conn(ctx)
	if err != nil {
		r.t.Fatal(err)
	}
	defer conn.Close()
	defer conn.ExecContext(ctx, "ROLLBACK") //nolint:errcheck
	if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
		r.t.Fatal(err)
	}
	for i, l := range e.lines {
		if _, err := conn.ExecContext(ctx, `INSERT INTO journal_lines (entity_id, entry_id, line_no, account_id, date,
			debit_minor, credit_minor, currency, amount_minor) VALUES (`+r.ph(1)+`, `+r.ph(2)+`, `+r.ph(3)+`, `+r.ph(4)+`, `+r.ph(5)+`, `+
			r.ph(6)+`, `+r.ph(7)+`, 'EUR', `+r.ph(8)+`)`,
			e.entity, e.id, i+1, l.account, e.date, l.debit, l.credit, l.debit+l.credit); err != nil {
			r.t.Fatal(err)
		}
	}
	_, err = conn.ExecContext(ctx, `INSERT INTO journal_entries (entity_id, id, fiscal_year, number, date, description,
		currency, total_minor, line_count, created_at, created_by) VALUES (`+r.ph(1)+`, `+r.ph(2)+`, `+r.ph(3)+`, `+
		r.ph(4)+`, `+r.ph(5)+`, 'by nobody', 'EUR', 100, 2, '2026-05-01 00:00:00', NULL)`,
		e.entity, e.id, e.fiscalYear, e.number, e.date)
	return err
}

// TestDatabaseRefusesAReusedIdempotencyKey: law 6. An Idempotency-Key is
// stored once per entity and actor (the primary key of idempotency_keys,
// 23505), which is what makes a second request with the key fail and be
// answered from the first (ledger.ErrIdemExists through the store).
func TestDatabaseRefusesAReusedIdempotencyKey(t *testing.T) {
	t.Parallel()
	st := sqltest.Open(t)
	ctx := context.Background()
	ent, p := sqltest.Entity(t, st, "Once BV")
	r := newRaw(t, st)
	ins := `INSERT INTO idempotency_keys (entity_id, actor_id, key, request_hash, status, content_type, body, created_at)
		VALUES (` + r.ph(1) + `, ` + r.ph(2) + `, 'k-1', ` + r.ph(3) + `, 201, 'application/json', '{}', '2026-05-01 00:00:00')`
	if err := r.exec(ins, ent.ID, p.ActorID, "hash-1"); err != nil {
		t.Fatal(err)
	}
	sqltest.WantRefused(t, "the same key again", r.exec(ins, ent.ID, p.ActorID, "hash-2"), "23505")
	// The same key of another actor, or in another entity, is another key.
	if err := r.exec(ins, ent.ID, p.ActorID+1000, "hash-1"); err != nil {
		t.Fatalf("the key of another actor: %v", err)
	}
	if err := r.exec(ins, 0, p.ActorID, "hash-1"); err != nil {
		t.Fatalf("the key outside the entity: %v", err)
	}
	err := st.Write(ctx, func(tx *sqlstore.Tx) error {
		return st.IdemSave(tx, &ledger.IdemRecord{EntityID: ent.ID, ActorID: p.ActorID, Key: "k-1", RequestHash: "hash-3", Status: 201,
			ContentType: "application/json", Body: "{}"})
	})
	if err != ledger.ErrIdemExists {
		t.Fatalf("IdemSave of a used key: %v; want ledger.ErrIdemExists", err)
	}
}
