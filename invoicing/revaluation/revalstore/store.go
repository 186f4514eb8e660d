// Package revalstore keeps foreign currency revaluations
// (invoicing/revaluation) in the ledger's database. It reads the open
// receivables through invoicing's store and the open payables through
// purchases' (the same reads as the aged reports), the foreign-currency
// bank balances from the journal, and posts through the ledger's one
// posting function, all in one unit of work.
package revalstore

import (
	"context"
	"encoding/json"
	"time"

	"backoffice/invoicing/invstore"
	"backoffice/invoicing/purchases/purchstore"
	"backoffice/invoicing/revaluation"
	"backoffice/invoicing/statements"
	"backoffice/ledger"
	"backoffice/ledger/money"
	"backoffice/ledger/sqlstore"
)

// Store serves revaluation.Store.
type Store struct {
	l    *sqlstore.Store
	inv  *invstore.Store
	buys *purchstore.Store
}

var _ revaluation.Store = (*Store)(nil)

// New serves revaluations on the ledger store l, reading receivables
// through inv and payables through buys (both on l).
func New(l *sqlstore.Store, inv *invstore.Store, buys *purchstore.Store) *Store {
	l.OwnEntries("fx_revaluations",
		sqlstore.EntryOwner{Table: "fx_revaluations", Column: "entry_id", What: "a foreign currency revaluation"},
		sqlstore.EntryOwner{Table: "fx_revaluations", Column: "reversal_entry_id", What: "the reversal of a foreign currency revaluation"})
	return &Store{l: l, inv: inv, buys: buys}
}

// In is the store bound to a unit of work: its methods run in tx and
// neither commit nor retry it.
func (s *Store) In(tx *sqlstore.Tx) *Store {
	return &Store{l: s.l.In(tx), inv: s.inv.In(tx), buys: s.buys.In(tx)}
}

// Revalue computes the revaluation and, unless it is a dry run or nothing
// differs, posts the entry on its date and the reversal the next day and
// records both, in one unit of work: nothing is half written.
func (s *Store) Revalue(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, in *revaluation.Input) (*revaluation.Revaluation, error) {
	req, err := revaluation.Parse(ent, in)
	if err != nil {
		return nil, err
	}
	var out *revaluation.Revaluation
	err = s.l.Write(ctx, func(tx *sqlstore.Tx) error {
		b := s.In(tx)
		if !req.DryRun {
			var n int64
			if err := tx.DB().Raw(`SELECT count(*) FROM fx_revaluations WHERE entity_id = ? AND date = ?`, ent.ID, req.Date).Scan(&n).Error; err != nil {
				return err
			}
			if n > 0 {
				return exists(req.Date)
			}
		}
		chart, err := b.l.Accounts(ctx, ent.ID, true)
		if err != nil {
			return err
		}
		if err := req.CheckAccounts(ent, chart); err != nil {
			return err
		}
		items, err := b.items(ctx, tx, ent, req.Date)
		if err != nil {
			return err
		}
		v, err := revaluation.Compute(ent, req, items)
		if err != nil {
			return err
		}
		out = v
		d := v.Draft()
		if req.DryRun || d == nil {
			return nil
		}
		entry, err := b.l.PostDraft(tx, p, ent, d)
		if err != nil {
			return err
		}
		rev, err := b.l.ReverseEntry(ctx, p, ent, entry.ID, req.Date.AddDays(1),
			"Reversal of the foreign currency revaluation of "+req.Date.String(), nil)
		if err != nil {
			return err
		}
		v.Posted, v.EntryID, v.ReversalEntryID = true, &entry.ID, &rev.Entry.ID
		return b.record(tx, p, ent, chart, v)
	})
	if err != nil {
		if sqlstore.IsDuplicate(sqlstore.Translate(err), "fx_revaluations_date_unique", "fx_revaluations.date") {
			return nil, exists(req.Date)
		}
		return nil, sqlstore.Translate(err)
	}
	return out, nil
}

func exists(d ledger.Date) error {
	return ledger.Errorf(ledger.CodeConflict, ledger.ReasonFXRevaluationExists,
		"the books are already revalued on %s: one revaluation per date", d)
}

// items are the open foreign-currency items on date: the documents of the
// aged receivables and payables, and the bank accounts in a foreign
// currency.
func (s *Store) items(ctx context.Context, tx *sqlstore.Tx, ent *ledger.Entity, date ledger.Date) ([]revaluation.Item, error) {
	act, err := s.inv.ReceivablesActivity(ctx, ent, date)
	if err != nil {
		return nil, err
	}
	rec, err := statements.BuildAged(ent, "", 0, act, date)
	if err != nil {
		return nil, err
	}
	pay, err := s.buys.PayablesActivity(ctx, ent, date)
	if err != nil {
		return nil, err
	}
	payAged, err := statements.BuildAgedPayables(ent, "", 0, pay.Activity, date)
	if err != nil {
		return nil, err
	}
	var items []revaluation.Item
	for _, c := range rec.Customers {
		items = append(items, revaluation.OpenDocuments(ent, revaluation.BookReceivables, c.Items)...)
	}
	for _, c := range payAged.Suppliers {
		items = append(items, revaluation.OpenDocuments(ent, revaluation.BookPayables, c.Items)...)
	}
	banks, err := bankBalances(tx, ent, date)
	if err != nil {
		return nil, err
	}
	return append(items, banks...), nil
}

type bankRow struct {
	ID            int64
	Name          string
	Currency      string
	OpenMinor     int64
	CarryingMinor int64
}

// bankBalances reads each foreign-currency bank account's balance on date
// in its currency and in the functional currency. Its ledger account
// takes only the bank's currency (bank accounts refuse another), so every
// line on it carries the amount in that currency beside the functional
// one: the sums of both are the two balances.
func bankBalances(tx *sqlstore.Tx, ent *ledger.Entity, date ledger.Date) ([]revaluation.Item, error) {
	var rows []bankRow
	err := tx.DB().Raw(`SELECT b.id, b.name, b.currency,
		COALESCE(SUM(CASE WHEN l.debit_minor > 0 THEN l.amount_minor ELSE -l.amount_minor END), 0) AS open_minor,
		COALESCE(SUM(l.debit_minor - l.credit_minor), 0) AS carrying_minor
		FROM bank_accounts b LEFT JOIN journal_lines l ON l.entity_id = b.entity_id AND l.account_id = b.account_id AND l.date <= ?
		WHERE b.entity_id = ? AND b.currency <> ?
		GROUP BY b.id, b.name, b.currency ORDER BY b.id`, date, ent.ID, ent.Currency).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	var out []revaluation.Item
	for _, r := range rows {
		if r.OpenMinor == 0 && r.CarryingMinor == 0 {
			continue
		}
		out = append(out, revaluation.Item{Book: revaluation.BookBank, Kind: revaluation.KindBankAccount, ID: r.ID, Reference: r.Name,
			Currency: r.Currency, OpenMinor: r.OpenMinor, CarryingMinor: r.CarryingMinor})
	}
	return out, nil
}

// record stores a posted revaluation with its lines.
func (s *Store) record(tx *sqlstore.Tx, p *ledger.Principal, ent *ledger.Entity, chart []*ledger.Account, v *revaluation.Revaluation) error {
	ids := map[string]int64{}
	for _, a := range chart {
		ids[a.Code] = a.ID
	}
	rates, err := json.Marshal(v.Rates)
	if err != nil {
		return err
	}
	now := tx.Now
	err = tx.DB().Raw(`INSERT INTO fx_revaluations (entity_id, date, rates, receivables_account_id, payables_account_id, bank_account_id,
		result_account_id, receivables_difference_minor, payables_difference_minor, bank_difference_minor, result_minor, entry_id,
		reversal_entry_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		ent.ID, v.Date, string(rates), ids[v.Accounts.Receivables], ids[v.Accounts.Payables], ids[v.Accounts.Bank], ids[v.Accounts.Result],
		v.Receivables.Minor, v.Payables.Minor, v.Bank.Minor, v.Result.Minor, *v.EntryID, *v.ReversalEntryID, p.ActorID, now).Scan(&v.ID).Error
	if err != nil {
		return err
	}
	v.CreatedAt, v.CreatedBy = &now, &p.ActorID
	if len(v.Lines) > 0 {
		err = tx.InsertRows(`INSERT INTO fx_revaluation_lines (entity_id, revaluation_id, line_no, book, kind, source_id, reference, party_id,
			currency, open_minor, carrying_minor, rate, revalued_minor, difference_minor) VALUES `, 14, len(v.Lines), 500, func(i int, args []any) []any {
			l := v.Lines[i]
			return append(args, ent.ID, v.ID, i+1, l.Book, l.Kind, l.ID, l.Reference, l.PartyID, l.Currency, l.Open.Minor,
				l.Carrying.Minor, l.Rate, l.Revalued.Minor, l.Difference.Minor)
		})
		if err != nil {
			return err
		}
	}
	return tx.Audit(ent.ID, &p.ActorID, "fx_revaluation.posted", v.Date.String(), map[string]any{"id": v.ID, "rates": v.Rates,
		"entry_id": *v.EntryID, "reversal_entry_id": *v.ReversalEntryID})
}

type revalRow struct {
	ID                         int64
	Date                       ledger.Date
	Rates                      string
	ReceivablesAccount         string
	PayablesAccount            string
	BankAccount                string
	ResultAccount              string
	ReceivablesDifferenceMinor int64
	PayablesDifferenceMinor    int64
	BankDifferenceMinor        int64
	ResultMinor                int64
	EntryID                    int64
	ReversalEntryID            int64
	CreatedBy                  int64
	CreatedAt                  time.Time
}

type lineRow struct {
	RevaluationID   int64
	Book            string
	Kind            string
	SourceID        int64
	Reference       string
	PartyID         *int64
	Currency        string
	OpenMinor       int64
	CarryingMinor   int64
	Rate            string
	RevaluedMinor   int64
	DifferenceMinor int64
}

const revalSelect = `SELECT r.id, r.date, r.rates, ra.code AS receivables_account, pa.code AS payables_account, ba.code AS bank_account,
	xa.code AS result_account, r.receivables_difference_minor, r.payables_difference_minor, r.bank_difference_minor, r.result_minor,
	r.entry_id, r.reversal_entry_id, r.created_by, r.created_at
	FROM fx_revaluations r
	JOIN accounts ra ON ra.entity_id = r.entity_id AND ra.id = r.receivables_account_id
	JOIN accounts pa ON pa.entity_id = r.entity_id AND pa.id = r.payables_account_id
	JOIN accounts ba ON ba.entity_id = r.entity_id AND ba.id = r.bank_account_id
	JOIN accounts xa ON xa.entity_id = r.entity_id AND xa.id = r.result_account_id`

// Revaluations lists the recorded revaluations after an id, by id, at
// most limit, each with its lines: two queries.
func (s *Store) Revaluations(ctx context.Context, entityID, after int64, limit int) ([]*revaluation.Revaluation, error) {
	return s.read(ctx, entityID, ` WHERE r.entity_id = ? AND r.id > ? ORDER BY r.id LIMIT ?`, entityID, after, limit)
}

// Revaluation returns one recorded revaluation, or not_found.
func (s *Store) Revaluation(ctx context.Context, entityID, id int64) (*revaluation.Revaluation, error) {
	list, err := s.read(ctx, entityID, ` WHERE r.entity_id = ? AND r.id = ?`, entityID, id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, ledger.NotFound("foreign currency revaluation")
	}
	return list[0], nil
}

func (s *Store) read(ctx context.Context, entityID int64, where string, args ...any) ([]*revaluation.Revaluation, error) {
	out := []*revaluation.Revaluation{}
	err := s.l.Read(ctx, func(tx *sqlstore.Tx) error {
		ent, err := s.l.In(tx).Entity(ctx, entityID)
		if err != nil {
			return err
		}
		fexp, _ := money.Exponent(ent.Currency)
		var rows []revalRow
		if err := tx.DB().Raw(revalSelect+where, args...).Scan(&rows).Error; err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		byID := map[int64]*revaluation.Revaluation{}
		ids := make([]int64, len(rows))
		for i, r := range rows {
			v := &revaluation.Revaluation{ID: r.ID, Date: r.Date, Currency: ent.Currency, Rates: map[string]string{}, Lines: []revaluation.Line{},
				Accounts:    revaluation.Accounts{Receivables: r.ReceivablesAccount, Payables: r.PayablesAccount, Bank: r.BankAccount, Result: r.ResultAccount},
				Receivables: amount(r.ReceivablesDifferenceMinor, fexp), Payables: amount(r.PayablesDifferenceMinor, fexp),
				Bank: amount(r.BankDifferenceMinor, fexp), Result: amount(r.ResultMinor, fexp), Posted: true}
			if err := json.Unmarshal([]byte(r.Rates), &v.Rates); err != nil {
				return err
			}
			entry, rev, by, at := r.EntryID, r.ReversalEntryID, r.CreatedBy, r.CreatedAt.UTC()
			v.EntryID, v.ReversalEntryID, v.CreatedBy, v.CreatedAt = &entry, &rev, &by, &at
			out = append(out, v)
			byID[r.ID], ids[i] = v, r.ID
		}
		var lines []lineRow
		err = tx.DB().Raw(`SELECT revaluation_id, book, kind, source_id, reference, party_id, currency, open_minor, carrying_minor, rate,
			revalued_minor, difference_minor FROM fx_revaluation_lines WHERE entity_id = ? AND revaluation_id IN ?
			ORDER BY revaluation_id, line_no`, entityID, ids).Scan(&lines).Error
		if err != nil {
			return err
		}
		for _, l := range lines {
			v := byID[l.RevaluationID]
			exp, _ := money.Exponent(l.Currency)
			v.Lines = append(v.Lines, revaluation.Line{Book: l.Book, Kind: l.Kind, ID: l.SourceID, Reference: l.Reference, PartyID: l.PartyID,
				Currency: l.Currency, Open: amount(l.OpenMinor, exp), Carrying: amount(l.CarryingMinor, fexp), Rate: l.Rate,
				Revalued: amount(l.RevaluedMinor, fexp), Difference: amount(l.DifferenceMinor, fexp)})
		}
		return nil
	})
	if err != nil {
		return nil, sqlstore.Translate(err)
	}
	return out, nil
}

func amount(minor int64, exp int) statements.Amount { return statements.Amount{Minor: minor, Exp: exp} }
