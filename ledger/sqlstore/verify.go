package sqlstore

import (
	"context"
	"fmt"
	"strconv"

	"backoffice/ledger"
)

// VerifyReport is what Verify checked and every breach it found.
type VerifyReport struct {
	Entities int64
	Entries  int64
	Lines    int64
	Series   int64 // (entity, fiscal year) number series checked
	Totals   int64 // account total rows checked
	// Documents counts the rows other packages' checks read (invoices,
	// credit notes, payments, orders, bank statements): the sum of Kinds.
	Documents int64
	Kinds     []KindCount // per kind, in the order the checks ran
	Breaches  []string
}

// KindCount is how many rows of one kind a module's check read, with the
// kind's name in the singular and the plural ("invoice", "invoices").
type KindCount struct {
	One, Many string
	N         int64
}

// String is the count with the kind's name in the right number: "1 invoice",
// "2 invoices".
func (k KindCount) String() string {
	if k.N == 1 {
		return "1 " + k.One
	}
	return strconv.FormatInt(k.N, 10) + " " + k.Many
}

// Checked records that a Checker read n rows of a kind.
func (r *VerifyReport) Checked(one, many string, n int64) {
	r.Kinds = append(r.Kinds, KindCount{one, many, n})
	r.Documents += n
}

// Breach records a breach found by a Checker.
func (r *VerifyReport) Breach(format string, args ...any) { r.breach(format, args...) }

// Checker checks what another package keeps (invoicing) in the same
// snapshot as Verify's own checks; it reads through tx.
type Checker func(tx *Tx, r *VerifyReport) error

// maxBreaches bounds the report: a broken database should not print millions
// of lines.
const maxBreaches = 1000

func (r *VerifyReport) breach(format string, args ...any) {
	if len(r.Breaches) < maxBreaches {
		r.Breaches = append(r.Breaches, fmt.Sprintf(format, args...))
	}
}

// Verify checks the laws of the ledger over the whole database, in one
// read-only snapshot, reading directly from the tables rather than trusting
// any stored summary:
//  1. every entry has at least two lines, as many as it declares, debits
//     equal credits and its declared total (and in the line currency when
//     all lines share one), and no line belongs to no entry;
//  3. entry numbers run 1..n without gaps or duplicates per entity and
//     fiscal year, and the counter is at n;
//  7. every stored day and month total equals the sum of its lines;
//  8. every entry's creator is an actor (journal_entries.created_by has no
//     foreign key; see VerifyActors).
//
// Law 2 (immutability) is the database's triggers' to keep; Verify reports
// breaches of the others. Then it runs the checks of the modules that
// extended the store (Extend), and more.
func (s *Store) Verify(ctx context.Context, more ...Checker) (*VerifyReport, error) {
	var r *VerifyReport
	err := s.Read(ctx, func(tx *Tx) error {
		var err error
		if r, err = verify(tx); err != nil {
			return err
		}
		var checks []Checker
		for _, m := range s.extensions() {
			if m.check != nil {
				checks = append(checks, m.check)
			}
		}
		for _, check := range append(checks, more...) {
			if err := check(tx, r); err != nil {
				return err
			}
		}
		return nil
	})
	return r, err
}

// VerifyActors reports, as breaches of law 8, the rows of table whose
// columns (who made or changed the row) name an actor that does not exist.
// It is for the columns without a foreign key to actors (migration 00009
// keeps them off the tables written per post, document or order); NULL,
// the system actor in the columns that allow it, is not a breach. Other
// packages' Checkers call it for their tables.
func VerifyActors(tx *Tx, r *VerifyReport, table string, columns ...string) error {
	for _, c := range columns {
		var bad []struct{ Actor, N int64 }
		err := tx.g.Raw(`SELECT t.` + c + ` AS actor, count(*) AS n FROM ` + table + ` t
			WHERE t.` + c + ` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM actors a WHERE a.id = t.` + c + `)
			GROUP BY t.` + c + ` ORDER BY t.` + c + ` LIMIT 1000`).Scan(&bad).Error
		if err != nil {
			return err
		}
		for _, b := range bad {
			r.breach("law 8: %d %s rows name actor %d in %s, which does not exist", b.N, table, b.Actor, c)
		}
	}
	return nil
}

func verify(tx *Tx) (*VerifyReport, error) {
	r := &VerifyReport{}
	db := tx.g
	if err := db.Raw(`SELECT count(*) FROM entities`).Scan(&r.Entities).Error; err != nil {
		return nil, err
	}
	if err := db.Raw(`SELECT count(*) FROM journal_entries`).Scan(&r.Entries).Error; err != nil {
		return nil, err
	}
	if err := db.Raw(`SELECT count(*) FROM journal_lines`).Scan(&r.Lines).Error; err != nil {
		return nil, err
	}

	// Law 1.
	var bad []struct {
		EntityID, ID, Lines, LineCount, Debits, Credits, TotalMinor, Currencies, CurrencyDiff int64
	}
	err := db.Raw(`SELECT e.entity_id, e.id, count(l.line_no) AS lines, e.line_count,
			coalesce(sum(l.debit_minor), 0) AS debits, coalesce(sum(l.credit_minor), 0) AS credits, e.total_minor,
			count(DISTINCT l.currency) AS currencies,
			coalesce(sum(CASE WHEN l.debit_minor > 0 THEN l.amount_minor ELSE -l.amount_minor END), 0) AS currency_diff
		FROM journal_entries e LEFT JOIN journal_lines l ON l.entity_id = e.entity_id AND l.entry_id = e.id
		GROUP BY e.entity_id, e.id, e.line_count, e.total_minor
		HAVING count(l.line_no) < 2 OR count(l.line_no) <> e.line_count
		    OR coalesce(sum(l.debit_minor), 0) <> coalesce(sum(l.credit_minor), 0)
		    OR coalesce(sum(l.debit_minor), 0) <> e.total_minor
		    OR (count(DISTINCT l.currency) = 1 AND coalesce(sum(CASE WHEN l.debit_minor > 0 THEN l.amount_minor ELSE -l.amount_minor END), 0) <> 0)
		LIMIT 1000`).Scan(&bad).Error
	if err != nil {
		return nil, err
	}
	for _, b := range bad {
		r.breach("law 1: entity %d entry %d: %d lines (declares %d), debits %d, credits %d, declared total %d, line-currency difference %d",
			b.EntityID, b.ID, b.Lines, b.LineCount, b.Debits, b.Credits, b.TotalMinor, b.CurrencyDiff)
	}
	var orphans []struct{ EntityID, EntryID int64 }
	if err := db.Raw(`SELECT DISTINCT l.entity_id, l.entry_id FROM journal_lines l
		WHERE NOT EXISTS (SELECT 1 FROM journal_entries e WHERE e.entity_id = l.entity_id AND e.id = l.entry_id) LIMIT 1000`).Scan(&orphans).Error; err != nil {
		return nil, err
	}
	for _, o := range orphans {
		r.breach("law 1: entity %d: lines of entry %d, which does not exist", o.EntityID, o.EntryID)
	}

	// Law 8.
	if err := VerifyActors(tx, r, "journal_entries", "created_by"); err != nil {
		return nil, err
	}

	// Law 3.
	var series []struct {
		EntityID, FiscalYear, N, MinNumber, MaxNumber, Distinct, Counter int64
	}
	err = db.Raw(`SELECT e.entity_id, e.fiscal_year, count(*) AS n, min(e.number) AS min_number, max(e.number) AS max_number,
			count(DISTINCT e.number) AS "distinct", coalesce(max(c.value), 0) AS counter
		FROM journal_entries e LEFT JOIN counters c ON c.entity_id = e.entity_id AND c.series = 'entry' AND c.year = e.fiscal_year
		GROUP BY e.entity_id, e.fiscal_year ORDER BY e.entity_id, e.fiscal_year`).Scan(&series).Error
	if err != nil {
		return nil, err
	}
	r.Series = int64(len(series))
	for _, x := range series {
		if x.MinNumber != 1 || x.MaxNumber != x.N || x.Distinct != x.N {
			r.breach("law 3: entity %d fiscal year %d: %d entries numbered %d..%d (%d distinct): gap or duplicate",
				x.EntityID, x.FiscalYear, x.N, x.MinNumber, x.MaxNumber, x.Distinct)
		}
		if x.Counter != x.MaxNumber {
			r.breach("law 3: entity %d fiscal year %d: counter at %d but the last entry is number %d",
				x.EntityID, x.FiscalYear, x.Counter, x.MaxNumber)
		}
	}

	var counters []struct {
		EntityID, Year, Value, Last int64
		Series                      string
	}
	err = db.Raw(`SELECT c.entity_id, c.series, c.year, c.value,
			CASE c.series
			  WHEN 'entry' THEN (SELECT coalesce(max(e.number), 0) FROM journal_entries e WHERE e.entity_id = c.entity_id AND e.fiscal_year = c.year)
			  ELSE (SELECT coalesce(max(e.id), 0) FROM journal_entries e WHERE e.entity_id = c.entity_id)
			END AS last
		FROM counters c WHERE c.series IN ('entry', 'entry_id')`).Scan(&counters).Error
	if err != nil {
		return nil, err
	}
	for _, c := range counters {
		if c.Value != c.Last {
			r.breach("law 3: entity %d counter %s/%d is at %d but the last entry has %d", c.EntityID, c.Series, c.Year, c.Value, c.Last)
		}
	}

	// Law 7.
	monthOf := `substr(date, 1, 7) || '-01'`
	if tx.Dialect() == Postgres {
		monthOf = `date_trunc('month', date)::date`
	}
	type sum struct {
		EntityID, AccountID int64
		Grain               string
		Period              ledger.Date
		DebitMinor          int64
		CreditMinor         int64
	}
	var fromLines, stored []sum
	err = db.Raw(`SELECT entity_id, account_id, 'd' AS grain, date AS period, sum(debit_minor) AS debit_minor, sum(credit_minor) AS credit_minor
		FROM journal_lines GROUP BY entity_id, account_id, date
		UNION ALL
		SELECT entity_id, account_id, 'm', ` + monthOf + `, sum(debit_minor), sum(credit_minor)
		FROM journal_lines GROUP BY entity_id, account_id, ` + monthOf).Scan(&fromLines).Error
	if err != nil {
		return nil, err
	}
	if err := db.Raw(`SELECT entity_id, account_id, grain, period, debit_minor, credit_minor FROM account_totals`).Scan(&stored).Error; err != nil {
		return nil, err
	}
	r.Totals = int64(len(stored))
	type key struct {
		e, a int64
		g, p string
	}
	want := make(map[key][2]int64, len(fromLines))
	for _, x := range fromLines {
		want[key{x.EntityID, x.AccountID, x.Grain, x.Period.String()}] = [2]int64{x.DebitMinor, x.CreditMinor}
	}
	for _, x := range stored {
		k := key{x.EntityID, x.AccountID, x.Grain, x.Period.String()}
		w := want[k]
		if w != [2]int64{x.DebitMinor, x.CreditMinor} {
			r.breach("law 7: entity %d account %d %s-total %s: stored debit %d credit %d, lines sum to debit %d credit %d",
				x.EntityID, x.AccountID, x.Grain, k.p, x.DebitMinor, x.CreditMinor, w[0], w[1])
		}
		delete(want, k)
	}
	for k, w := range want {
		r.breach("law 7: entity %d account %d %s-total %s: no stored total, lines sum to debit %d credit %d", k.e, k.a, k.g, k.p, w[0], w[1])
	}
	return r, nil
}
