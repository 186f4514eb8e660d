// Package vatstore keeps the Dutch VAT return (invoicing/vatreturn) in the
// ledger's database: it reads a period's figures from the daily VAT totals
// (vat_totals, written with every document) and the box 1d adjustments,
// files returns and supplementary returns with their figures frozen, and
// posts the settlement and adjustment entries through the ledger's one
// posting function, each in one unit of work.
package vatstore

import (
	"context"
	"fmt"
	"slices"
	"time"

	"backoffice/invoicing/invstore"
	"backoffice/invoicing/purchases/purchstore"
	"backoffice/invoicing/vatledger"
	"backoffice/invoicing/vatreturn"
	"backoffice/ledger"
	"backoffice/ledger/money"
	"backoffice/ledger/sqlstore"
)

// Store serves vatreturn.Store.
type Store struct {
	l    *sqlstore.Store
	inv  *invstore.Store
	buys *purchstore.Store
}

var _ vatreturn.Store = (*Store)(nil)

// New serves VAT returns on the ledger store l and registers the entries
// it posts and the verify check of the VAT totals, which reads the sales documents through inv
// and the purchase documents through buys (both on l).
func New(l *sqlstore.Store, inv *invstore.Store, buys *purchstore.Store) *Store {
	s := &Store{l: l, inv: inv, buys: buys}
	l.Extend("vat_returns", nil, s.verify)
	// The settlement and adjustment entries are undone here (a
	// supplementary return, deleting an adjustment), not in the journal.
	l.OwnEntries("vat_returns",
		sqlstore.EntryOwner{Table: "vat_returns", Column: "entry_id", What: "a VAT return (its settlement entry)"},
		sqlstore.EntryOwner{Table: "vat_adjustments", Column: "entry_id", What: "a box 1d VAT adjustment"})
	return s
}

// In is the store bound to a unit of work.
func (s *Store) In(tx *sqlstore.Tx) *Store {
	return &Store{l: s.l.In(tx), inv: s.inv.In(tx), buys: s.buys.In(tx)}
}

// ---- reading the books ---------------------------------------------------

// codeAccounts are the codes of the entity's accounts, by id: the
// settlement entry names them. The VAT accounts themselves come from the
// totals (each as its document posted it), never from the tax codes, whose
// accounts may have changed since.
type codeAccounts struct {
	codes map[int64]string // account id -> code
}

func loadCodeAccounts(tx *sqlstore.Tx, entityID int64) (*codeAccounts, error) {
	c := &codeAccounts{codes: map[int64]string{}}
	var accts []struct {
		ID   int64
		Code string
	}
	if err := tx.DB().Raw(`SELECT id, code FROM accounts WHERE entity_id = ?`, entityID).Scan(&accts).Error; err != nil {
		return nil, err
	}
	for _, a := range accts {
		c.codes[a.ID] = a.Code
	}
	return c, nil
}

type totalRow struct {
	Day             ledger.Date
	Side            string
	Box             string
	TaxCodeID       int64
	VATAccountID    int64
	InputAccountID  int64
	BaseMinor       int64
	VATMinor        int64
	DeductibleMinor int64
}

// books reads what the books say of each period (by its first day) in
// periods: the VAT totals of its days and its box 1d adjustments.
func books(tx *sqlstore.Tx, entityID int64, periods []vatreturn.Period) (map[ledger.Date]*vatreturn.Figures, error) {
	out := map[ledger.Date]*vatreturn.Figures{}
	if len(periods) == 0 {
		return out, nil
	}
	from, to := periods[0].From, periods[0].To
	for _, p := range periods {
		out[p.From] = vatreturn.NewFigures()
		if p.From.Before(from) {
			from = p.From
		}
		if p.To.After(to) {
			to = p.To
		}
	}
	find := func(d ledger.Date) *vatreturn.Figures {
		for _, p := range periods {
			if !d.Before(p.From) && !d.After(p.To) {
				return out[p.From]
			}
		}
		return nil
	}
	var rows []totalRow
	// One period: sum in the database (a quarter of a big entity's days
	// comes down to a row per box and code); several: per day.
	q := `SELECT side, box, tax_code_id, vat_account_id, input_account_id,
		SUM(base_minor) AS base_minor, SUM(vat_minor) AS vat_minor, SUM(deductible_minor) AS deductible_minor
		FROM vat_totals WHERE entity_id = ? AND day >= ? AND day <= ? GROUP BY side, box, tax_code_id, vat_account_id, input_account_id`
	if len(periods) > 1 {
		q = `SELECT day, side, box, tax_code_id, vat_account_id, input_account_id,
		SUM(base_minor) AS base_minor, SUM(vat_minor) AS vat_minor, SUM(deductible_minor) AS deductible_minor
		FROM vat_totals WHERE entity_id = ? AND day >= ? AND day <= ? GROUP BY day, side, box, tax_code_id, vat_account_id, input_account_id`
	}
	if err := tx.DB().Raw(q, entityID, from, to).Scan(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		f := out[periods[0].From]
		if len(periods) > 1 {
			if f = find(r.Day); f == nil {
				continue
			}
		}
		switch r.Side {
		case "sales":
			if r.Box == "" {
				continue // exempt: not on the return
			}
			f.AddBox(r.Box, r.BaseMinor, r.VATMinor)
			f.Accounts[r.VATAccountID] += r.VATMinor
		default:
			if r.Box != "" {
				f.AddBox(r.Box, r.BaseMinor, r.VATMinor)
				f.Accounts[r.VATAccountID] += r.VATMinor
			}
			if r.DeductibleMinor != 0 {
				f.AddBox("5b", 0, r.DeductibleMinor)
				f.Accounts[r.InputAccountID] -= r.DeductibleMinor
			}
		}
	}
	var adj []struct {
		PeriodStart  ledger.Date
		BaseMinor    int64
		VATMinor     int64
		VATAccountID int64
	}
	err := tx.DB().Raw(`SELECT period_start, base_minor, vat_minor, vat_account_id FROM vat_adjustments
		WHERE entity_id = ? AND period_start >= ? AND period_start <= ?`, entityID, from, to).Scan(&adj).Error
	if err != nil {
		return nil, err
	}
	for _, a := range adj {
		if f := find(a.PeriodStart); f != nil {
			f.AddBox("1d", a.BaseMinor, a.VATMinor)
			f.Accounts[a.VATAccountID] += a.VATMinor
		}
	}
	for _, f := range out {
		delete(f.Accounts, 0)
	}
	return out, nil
}

// filedRow is one filed return or supplementary return.
type filedRow struct {
	ID                int64
	Kind              string
	Period            string
	PeriodStart       ledger.Date
	PeriodEnd         ledger.Date
	TotalMinor        int64
	RoundingMinor     int64
	SettlementAccount string
	RoundingAccount   string
	EntryID           *int64
	FiledBy           int64
	FiledAt           time.Time
}

const filedSelect = `SELECT r.id, r.kind, r.period, r.period_start, r.period_end, r.total_minor, r.rounding_minor,
	sa.code AS settlement_account, ra.code AS rounding_account, r.entry_id, r.filed_by, r.filed_at
	FROM vat_returns r
	JOIN accounts sa ON sa.entity_id = r.entity_id AND sa.id = r.settlement_account_id
	JOIN accounts ra ON ra.entity_id = r.entity_id AND ra.id = r.rounding_account_id`

func (r *filedRow) filing(exp int) vatreturn.Filing {
	return vatreturn.Filing{ID: r.ID, Kind: r.Kind, Period: r.Period, FiledAt: r.FiledAt.UTC(), FiledBy: r.FiledBy, EntryID: r.EntryID,
		SettlementAccount: r.SettlementAccount, RoundingAccount: r.RoundingAccount,
		Total: vatreturn.Amount{Minor: r.TotalMinor, Exp: exp}, Rounding: vatreturn.Amount{Minor: r.RoundingMinor, Exp: exp}}
}

// state is an entity's filed returns and what they settled per period.
type state struct {
	filed []filedRow
	// settled: per period (by first day), the figures filed for it by
	// any return or supplementary return.
	settled map[ledger.Date]*vatreturn.Figures
	// byReturn: per return id and period, the figures it filed.
	byReturn map[int64]map[ledger.Date]*vatreturn.Figures
	// names: the period text of each period start met in lines.
	names map[ledger.Date]string
	ends  map[ledger.Date]ledger.Date
}

func readState(tx *sqlstore.Tx, entityID int64) (*state, error) {
	st := &state{settled: map[ledger.Date]*vatreturn.Figures{}, byReturn: map[int64]map[ledger.Date]*vatreturn.Figures{},
		names: map[ledger.Date]string{}, ends: map[ledger.Date]ledger.Date{}}
	if err := tx.DB().Raw(filedSelect+` WHERE r.entity_id = ? ORDER BY r.period_start, r.id`, entityID).Scan(&st.filed).Error; err != nil {
		return nil, err
	}
	if len(st.filed) == 0 {
		return st, nil
	}
	for _, f := range st.filed {
		st.names[f.PeriodStart], st.ends[f.PeriodStart] = f.Period, f.PeriodEnd
	}
	get := func(id int64, start ledger.Date) (*vatreturn.Figures, *vatreturn.Figures) {
		if st.settled[start] == nil {
			st.settled[start] = vatreturn.NewFigures()
		}
		if st.byReturn[id] == nil {
			st.byReturn[id] = map[ledger.Date]*vatreturn.Figures{}
		}
		if st.byReturn[id][start] == nil {
			st.byReturn[id][start] = vatreturn.NewFigures()
		}
		return st.settled[start], st.byReturn[id][start]
	}
	var lines []struct {
		ReturnID    int64
		Period      string
		PeriodStart ledger.Date
		Box         string
		BaseMinor   int64
		VATMinor    int64
	}
	if err := tx.DB().Raw(`SELECT return_id, period, period_start, box, base_minor, vat_minor FROM vat_return_lines WHERE entity_id = ?
		ORDER BY return_id, line_no`, entityID).Scan(&lines).Error; err != nil {
		return nil, err
	}
	for _, l := range lines {
		a, b := get(l.ReturnID, l.PeriodStart)
		a.AddBox(l.Box, l.BaseMinor, l.VATMinor)
		b.AddBox(l.Box, l.BaseMinor, l.VATMinor)
		if _, ok := st.names[l.PeriodStart]; !ok {
			st.names[l.PeriodStart] = l.Period
		}
	}
	var accts []struct {
		ReturnID    int64
		PeriodStart ledger.Date
		AccountID   int64
		AmountMinor int64
	}
	if err := tx.DB().Raw(`SELECT return_id, period_start, account_id, amount_minor FROM vat_return_accounts WHERE entity_id = ?`,
		entityID).Scan(&accts).Error; err != nil {
		return nil, err
	}
	for _, a := range accts {
		x, y := get(a.ReturnID, a.PeriodStart)
		x.Accounts[a.AccountID] += a.AmountMinor
		y.Accounts[a.AccountID] += a.AmountMinor
	}
	return st, nil
}

// takenIn is, per calendar year, the VAT of the corrections of that year's
// periods that filed returns took in (their lines of other periods than
// their own): they count towards the year's 1,000 euros.
func (st *state) takenIn() map[int]int64 {
	out := map[int]int64{}
	for _, f := range st.filed {
		if f.Kind != "return" {
			continue
		}
		for start, fig := range st.byReturn[f.ID] {
			if start != f.PeriodStart {
				out[start.Year()] += fig.NetVAT()
			}
		}
	}
	return out
}

// regular is the filed return of the period starting on start, or nil.
func (st *state) regular(start ledger.Date) *filedRow {
	for i := range st.filed {
		if f := &st.filed[i]; f.Kind == "return" && f.PeriodStart == start {
			return f
		}
	}
	return nil
}

// filedPeriods are the periods with a filed return, in order.
func (st *state) filedPeriods(ent *ledger.Entity) []vatreturn.Period {
	var out []vatreturn.Period
	for _, f := range st.filed {
		if f.Kind != "return" {
			continue
		}
		p := vatreturn.PeriodOf(ent.VATPeriod, f.PeriodStart)
		p.From, p.To = f.PeriodStart, f.PeriodEnd // as filed, whatever the setting is now
		out = append(out, p)
	}
	return out
}

// open computes the open return of p: its books, and the differences of
// the filed periods before it.
func open(tx *sqlstore.Tx, ent *ledger.Entity, ca *codeAccounts, st *state, p vatreturn.Period) (*vatreturn.Return, error) {
	periods := []vatreturn.Period{p}
	for _, f := range st.filed {
		if f.Kind == "return" && f.PeriodStart.Before(p.From) && f.PeriodStart.Year() >= p.From.Year()-vatreturn.SupplementaryYears {
			periods = append(periods, vatreturn.Period{From: f.PeriodStart, To: f.PeriodEnd})
		}
	}
	bk, err := books(tx, ent.ID, periods)
	if err != nil {
		return nil, err
	}
	o := &vatreturn.Open{Period: p, Own: bk[p.From], TakenIn: st.takenIn()}
	for _, q := range periods[1:] {
		d := vatreturn.NewFigures()
		d.Add(bk[q.From], 1)
		if s := st.settled[q.From]; s != nil {
			d.Add(s, -1)
		}
		o.Earlier = append(o.Earlier, vatreturn.PeriodFigures{Period: st.names[q.From], From: q.From, To: q.To, Figures: d})
	}
	return vatreturn.Build(ent, o), nil
}

// lock takes the entity's VAT return lock for the rest of the unit of
// work: filing, supplementary returns and deleting adjustments read what
// is filed and settle the rest, so two of them at once would settle the
// same difference twice. On PostgreSQL it is the entity's "vat_return"
// counter row (drawing nothing), which queues them; on SQLite a write
// transaction already excludes every other writer. Taken first, before
// anything is read.
func lock(tx *sqlstore.Tx, entityID int64) error {
	if tx.Dialect() != "postgres" {
		return nil
	}
	_, err := tx.DrawNumbers(entityID, sqlstore.Draw{Series: "vat_return"})
	return err
}

// refuseOpen refuses filing (or a supplementary return of) a period that
// has not ended: its last day is today or later, and documents may still
// be dated in it.
func refuseOpen(ent *ledger.Entity, per vatreturn.Period) error {
	if today := ent.Today(); !per.To.Before(today) {
		var pr ledger.Problems
		pr.Add("period", ledger.ReasonVATReturnPeriodOpen, "%s ends on %s, which is not before today (%s): a period is filed once it has ended", per, per.To, today)
		return pr.Err()
	}
	return nil
}

// ---- the service ---------------------------------------------------------

// Return computes the return of an open period, or reads a filed one with
// the current difference of its period.
func (s *Store) Return(ctx context.Context, ent *ledger.Entity, period string) (*vatreturn.Return, error) {
	if err := vatreturn.RefuseKOR(ent); err != nil {
		return nil, err
	}
	p, err := vatreturn.ParsePeriod(period, ent.VATPeriod, "period")
	if err != nil {
		return nil, err
	}
	var out *vatreturn.Return
	err = s.l.Read(ctx, func(tx *sqlstore.Tx) error {
		ca, err := loadCodeAccounts(tx, ent.ID)
		if err != nil {
			return err
		}
		st, err := readState(tx, ent.ID)
		if err != nil {
			return err
		}
		if f := st.regular(p.From); f != nil {
			out, err = filed(tx, ent, ca, st, f)
			return err
		}
		out, err = open(tx, ent, ca, st, p)
		return err
	})
	if err != nil {
		return nil, sqlstore.Translate(err)
	}
	return out, nil
}

// filed is a filed return as filed, with the current difference of its
// period and the supplementary returns filed for it.
func filed(tx *sqlstore.Tx, ent *ledger.Entity, ca *codeAccounts, st *state, f *filedRow) (*vatreturn.Return, error) {
	exp, _ := money.Exponent(ent.Currency)
	p := vatreturn.PeriodOf(ent.VATPeriod, f.PeriodStart)
	p.From, p.To = f.PeriodStart, f.PeriodEnd // as filed, whatever the setting is now
	bk, err := books(tx, ent.ID, []vatreturn.Period{p})
	if err != nil {
		return nil, err
	}
	diff := vatreturn.NewFigures()
	diff.Add(bk[p.From], 1)
	diff.Add(st.settled[p.From], -1)
	own := st.byReturn[f.ID][p.From]
	if own == nil {
		own = vatreturn.NewFigures()
	}
	var included []vatreturn.PeriodFigures
	var starts []ledger.Date
	for start := range st.byReturn[f.ID] {
		if start != p.From {
			starts = append(starts, start)
		}
	}
	slices.SortFunc(starts, func(a, b ledger.Date) int { return a.Compare(b) })
	for _, start := range starts {
		included = append(included, vatreturn.PeriodFigures{Period: st.names[start], From: start, To: st.ends[start], Figures: st.byReturn[f.ID][start]})
	}
	supps := []vatreturn.Filing{}
	for _, g := range st.filed {
		if g.Kind == "supplementary" && g.PeriodStart == p.From {
			supps = append(supps, g.filing(exp))
		}
	}
	fl := f.filing(exp)
	r := vatreturn.BuildFiled(ent, p, own, included, &fl, diff, supps)
	r.Period = f.Period
	if r.Difference != nil {
		r.Difference.Period = f.Period
	}
	return r, nil
}

// Returns lists the filed returns and supplementary returns by id.
func (s *Store) Returns(ctx context.Context, ent *ledger.Entity, after int64, limit int) ([]*vatreturn.Filing, error) {
	exp, _ := money.Exponent(ent.Currency)
	var rows []filedRow
	err := s.l.Read(ctx, func(tx *sqlstore.Tx) error {
		return tx.DB().Raw(filedSelect+` WHERE r.entity_id = ? AND r.id > ? ORDER BY r.id LIMIT ?`, ent.ID, after, limit).Scan(&rows).Error
	})
	if err != nil {
		return nil, sqlstore.Translate(err)
	}
	out := make([]*vatreturn.Filing, len(rows))
	for i := range rows {
		f := rows[i].filing(exp)
		out[i] = &f
	}
	return out, nil
}

// File files the return of a period in one unit of work: the checks, the
// settlement entry, the frozen figures.
func (s *Store) File(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, period string, in *vatreturn.FileInput) (*vatreturn.Return, error) {
	if err := vatreturn.RefuseKOR(ent); err != nil {
		return nil, err
	}
	per, err := vatreturn.ParsePeriod(period, ent.VATPeriod, "period")
	if err != nil {
		return nil, err
	}
	if err := refuseOpen(ent, per); err != nil {
		return nil, err
	}
	var out *vatreturn.Return
	err = s.l.Write(ctx, func(tx *sqlstore.Tx) error {
		if err := lock(tx, ent.ID); err != nil {
			return err
		}
		b := s.In(tx)
		accts, err := b.accounts(ctx, ent, in)
		if err != nil {
			return err
		}
		st, err := readState(tx, ent.ID)
		if err != nil {
			return err
		}
		if st.regular(per.From) != nil {
			return ledger.Errorf(ledger.CodeConflict, ledger.ReasonVATReturnFiled, "the VAT return of %s is filed already; file a supplementary return for a correction", per)
		}
		if fp := st.filedPeriods(ent); len(fp) > 0 {
			last := fp[len(fp)-1]
			if !per.From.After(last.To) {
				return ledger.Errorf(ledger.CodeConflict, ledger.ReasonVATReturnOutOfOrder,
					"returns are filed in order: %s is filed, which ends after %s begins", st.regular(last.From).Period, per)
			}
			if next := last.To.AddDays(1); per.From != next {
				return ledger.Errorf(ledger.CodeConflict, ledger.ReasonVATReturnOutOfOrder,
					"returns are filed in order: the return of %s is not filed yet", vatreturn.PeriodOf(ent.VATPeriod, next))
			}
		}
		if ent.Locked(per.To) {
			return ledger.Errorf(ledger.CodeInvalid, ledger.ReasonPeriodLocked,
				"the settlement entry is dated on the period's last day, %s, which is on or before the lock date %s", per.To, ent.LockDate)
		}
		ca, err := loadCodeAccounts(tx, ent.ID)
		if err != nil {
			return err
		}
		r, err := open(tx, ent, ca, st, per)
		if err != nil {
			return err
		}
		settled := r.Settled()
		d, err := vatreturn.Settlement(r, settled, ca.codes, per.To, accts.settlement.Code, accts.rounding.Code, "VAT return "+per.String())
		if err != nil {
			return err
		}
		parts := []vatreturn.PeriodFigures{{Period: per.String(), From: per.From, To: per.To, Figures: r.Own()}}
		parts = append(parts, r.Included()...)
		f, err := b.record(tx, p, ent, "return", per, r, d, accts, parts)
		if err != nil {
			return err
		}
		r.Status, r.Filing = "filed", f
		out = r
		return nil
	})
	if err != nil {
		err = sqlstore.Translate(err)
		if sqlstore.IsDuplicate(err, "vat_returns_period_unique", "vat_returns.period_start") {
			return nil, ledger.Errorf(ledger.CodeConflict, ledger.ReasonVATReturnFiled, "the VAT return of %s is filed already", per)
		}
		return nil, err
	}
	return out, nil
}

// Supplementary files a supplementary return for a filed period: the
// difference between the books and what was filed and settled for it.
func (s *Store) Supplementary(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, period string, in *vatreturn.FileInput) (*vatreturn.Return, error) {
	if err := vatreturn.RefuseKOR(ent); err != nil {
		return nil, err
	}
	per, err := vatreturn.ParsePeriod(period, ent.VATPeriod, "period")
	if err != nil {
		return nil, err
	}
	date := ent.Today()
	if in.Date != nil {
		d, err := ledger.ParseDate(*in.Date)
		if err != nil {
			var pr ledger.Problems
			pr.Add("date", ledger.ReasonDateInvalid, "%v", err)
			return nil, pr.Err()
		}
		date = d
	}
	if err := refuseOpen(ent, per); err != nil {
		return nil, err
	}
	if !date.After(per.To) {
		// The return's settlement entry is dated on the period's last day:
		// after the period's end is on or after it too.
		var pr ledger.Problems
		pr.Add("date", ledger.ReasonVATSupplementaryDate, "the supplementary return's date %s is not after the end of %s (%s): it corrects a filed period, later", date, per, per.To)
		return nil, pr.Err()
	}
	if date.Year()-per.From.Year() > vatreturn.SupplementaryYears {
		return nil, ledger.Errorf(ledger.CodeInvalid, ledger.ReasonVATCorrectionTooOld,
			"%s is more than %d years before %s: a supplementary return goes back at most five years after the year of the period", per, vatreturn.SupplementaryYears, date)
	}
	if ent.Locked(date) {
		var pr ledger.Problems
		pr.Add("date", ledger.ReasonPeriodLocked, "the settlement entry's date %s is on or before the lock date %s", date, ent.LockDate)
		return nil, pr.Err()
	}
	var out *vatreturn.Return
	err = s.l.Write(ctx, func(tx *sqlstore.Tx) error {
		if err := lock(tx, ent.ID); err != nil {
			return err
		}
		b := s.In(tx)
		accts, err := b.accounts(ctx, ent, in)
		if err != nil {
			return err
		}
		st, err := readState(tx, ent.ID)
		if err != nil {
			return err
		}
		if st.regular(per.From) == nil {
			return ledger.Errorf(ledger.CodeConflict, ledger.ReasonVATReturnNotFiled, "the VAT return of %s is not filed: file it instead", per)
		}
		ca, err := loadCodeAccounts(tx, ent.ID)
		if err != nil {
			return err
		}
		bk, err := books(tx, ent.ID, []vatreturn.Period{per})
		if err != nil {
			return err
		}
		diff := vatreturn.NewFigures()
		diff.Add(bk[per.From], 1)
		diff.Add(st.settled[per.From], -1)
		if diff.Zero() {
			return ledger.Errorf(ledger.CodeConflict, ledger.ReasonVATReturnNoDifference, "the books say of %s what was filed for it: nothing to correct", per)
		}
		r := vatreturn.BuildSupplementary(ent, per, diff)
		d, err := vatreturn.Settlement(r, diff, ca.codes, date, accts.settlement.Code, accts.rounding.Code, "Supplementary VAT return "+per.String())
		if err != nil {
			return err
		}
		f, err := b.record(tx, p, ent, "supplementary", per, r, d, accts,
			[]vatreturn.PeriodFigures{{Period: per.String(), From: per.From, To: per.To, Figures: diff}})
		if err != nil {
			return err
		}
		r.Status, r.Filing = "filed", f
		out = r
		return nil
	})
	if err != nil {
		return nil, sqlstore.Translate(err)
	}
	return out, nil
}

type filingAccounts struct{ settlement, rounding *ledger.Account }

func (s *Store) accounts(ctx context.Context, ent *ledger.Entity, in *vatreturn.FileInput) (*filingAccounts, error) {
	chart, err := s.l.Accounts(ctx, ent.ID, true)
	if err != nil {
		return nil, err
	}
	settlement, rounding := in.Accounts()
	got, err := vatreturn.CheckAccounts(chart, map[string]string{"settlement_account": settlement, "rounding_account": rounding})
	if err != nil {
		return nil, err
	}
	if err := vatreturn.CheckFilingTypes(got["settlement_account"], got["rounding_account"]); err != nil {
		return nil, err
	}
	return &filingAccounts{settlement: got["settlement_account"], rounding: got["rounding_account"]}, nil
}

// record posts the settlement entry (if any) and stores the filing with
// its figures per period.
func (s *Store) record(tx *sqlstore.Tx, p *ledger.Principal, ent *ledger.Entity, kind string, per vatreturn.Period, r *vatreturn.Return,
	d *ledger.Draft, accts *filingAccounts, parts []vatreturn.PeriodFigures) (*vatreturn.Filing, error) {
	var entryID *int64
	if d != nil {
		e, err := s.l.PostDraft(tx, p, ent, d)
		if err != nil {
			return nil, err
		}
		entryID = &e.ID
	}
	total, exact, due, input := r.Totals()
	now := tx.Now
	var id int64
	err := tx.DB().Raw(`INSERT INTO vat_returns (entity_id, kind, period, period_start, period_end, due_minor, input_minor, total_minor,
		unrounded_total_minor, rounding_minor, settlement_account_id, rounding_account_id, entry_id, filed_by, filed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		ent.ID, kind, per.String(), per.From, per.To, due, input, total, exact, exact-total, accts.settlement.ID, accts.rounding.ID,
		entryID, p.ActorID, now).Scan(&id).Error
	if err != nil {
		return nil, err
	}
	type line struct {
		period string
		start  ledger.Date
		box    string
		pair   vatreturn.Pair
	}
	type acct struct {
		start  ledger.Date
		id     int64
		amount int64
	}
	var lines []line
	var accs []acct
	for _, part := range parts {
		for _, b := range vatreturn.BoxCodes {
			if v := part.Figures.Boxes[b]; v.Base != 0 || v.VAT != 0 {
				lines = append(lines, line{part.Period, part.From, b, v})
			}
		}
		ids := make([]int64, 0, len(part.Figures.Accounts))
		for a, v := range part.Figures.Accounts {
			if v != 0 {
				ids = append(ids, a)
			}
		}
		slices.Sort(ids)
		for _, a := range ids {
			accs = append(accs, acct{part.From, a, part.Figures.Accounts[a]})
		}
	}
	if len(lines) > 0 {
		err = tx.InsertRows(`INSERT INTO vat_return_lines (entity_id, return_id, line_no, period, period_start, box, base_minor, vat_minor) VALUES `,
			8, len(lines), 500, func(i int, args []any) []any {
				l := lines[i]
				return append(args, ent.ID, id, i+1, l.period, l.start, l.box, l.pair.Base, l.pair.VAT)
			})
		if err != nil {
			return nil, err
		}
	}
	if len(accs) > 0 {
		err = tx.InsertRows(`INSERT INTO vat_return_accounts (entity_id, return_id, period_start, account_id, amount_minor) VALUES `,
			5, len(accs), 500, func(i int, args []any) []any {
				a := accs[i]
				return append(args, ent.ID, id, a.start, a.id, a.amount)
			})
		if err != nil {
			return nil, err
		}
	}
	exp, _ := money.Exponent(ent.Currency)
	f := &vatreturn.Filing{ID: id, Kind: kind, Period: per.String(), FiledAt: now.UTC(), FiledBy: p.ActorID, EntryID: entryID,
		SettlementAccount: accts.settlement.Code, RoundingAccount: accts.rounding.Code,
		Total: vatreturn.Amount{Minor: total, Exp: exp}, Rounding: vatreturn.Amount{Minor: exact - total, Exp: exp}}
	action := "vat_return.filed"
	if kind == "supplementary" {
		action = "vat_return.supplementary_filed"
	}
	err = tx.Audit(ent.ID, &p.ActorID, action, per.String(), map[string]any{"id": id, "total": f.Total.String(), "entry_id": entryID})
	return f, err
}

// ---- box 1d adjustments --------------------------------------------------

type adjRow struct {
	ID          int64
	Period      string
	PeriodStart ledger.Date
	PeriodEnd   ledger.Date
	BaseMinor   int64
	VATMinor    int64
	Reason      string
	Account     string
	VATAccount  string
	EntryID     int64
	CreatedBy   int64
	CreatedAt   time.Time
}

const adjSelect = `SELECT j.id, j.period, j.period_start, j.period_end, j.base_minor, j.vat_minor, j.reason, a.code AS account,
	v.code AS vat_account, j.entry_id, j.created_by, j.created_at FROM vat_adjustments j
	JOIN accounts a ON a.entity_id = j.entity_id AND a.id = j.account_id
	JOIN accounts v ON v.entity_id = j.entity_id AND v.id = j.vat_account_id`

func (r *adjRow) adjustment(exp int) *vatreturn.Adjustment {
	return &vatreturn.Adjustment{ID: r.ID, Period: r.Period, From: r.PeriodStart, To: r.PeriodEnd,
		Base: vatreturn.Amount{Minor: r.BaseMinor, Exp: exp}, VAT: vatreturn.Amount{Minor: r.VATMinor, Exp: exp}, Reason: r.Reason,
		Account: r.Account, VATAccount: r.VATAccount, EntryID: r.EntryID, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.UTC()}
}

// Adjustments lists the box 1d adjustments by id.
func (s *Store) Adjustments(ctx context.Context, ent *ledger.Entity, after int64, limit int) ([]*vatreturn.Adjustment, error) {
	exp, _ := money.Exponent(ent.Currency)
	var rows []adjRow
	err := s.l.Read(ctx, func(tx *sqlstore.Tx) error {
		return tx.DB().Raw(adjSelect+` WHERE j.entity_id = ? AND j.id > ? ORDER BY j.id LIMIT ?`, ent.ID, after, limit).Scan(&rows).Error
	})
	if err != nil {
		return nil, sqlstore.Translate(err)
	}
	out := make([]*vatreturn.Adjustment, len(rows))
	for i := range rows {
		out[i] = rows[i].adjustment(exp)
	}
	return out, nil
}

// AddAdjustment records a box 1d adjustment and posts its entry on the
// period's last day, in one unit of work.
func (s *Store) AddAdjustment(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, in *vatreturn.AdjustmentInput) (*vatreturn.Adjustment, error) {
	if err := vatreturn.RefuseKOR(ent); err != nil {
		return nil, err
	}
	a, per, err := vatreturn.ParseAdjustment(ent, in)
	if err != nil {
		return nil, err
	}
	if ent.Locked(per.To) {
		var pr ledger.Problems
		pr.Add("period", ledger.ReasonPeriodLocked, "the adjustment is posted on the period's last day, %s, which is on or before the lock date %s", per.To, ent.LockDate)
		return nil, pr.Err()
	}
	err = s.l.Write(ctx, func(tx *sqlstore.Tx) error {
		b := s.In(tx)
		chart, err := b.l.Accounts(ctx, ent.ID, true)
		if err != nil {
			return err
		}
		got, err := vatreturn.CheckAccounts(chart, map[string]string{"account": a.Account, "vat_account": a.VATAccount})
		if err != nil {
			return err
		}
		e, err := b.l.PostDraft(tx, p, ent, a.Draft(ent.Currency))
		if err != nil {
			return err
		}
		a.EntryID, a.CreatedBy, a.CreatedAt = e.ID, p.ActorID, tx.Now.UTC()
		err = tx.DB().Raw(`INSERT INTO vat_adjustments (entity_id, period, period_start, period_end, base_minor, vat_minor, reason, account_id,
			vat_account_id, entry_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			ent.ID, a.Period, a.From, a.To, a.Base.Minor, a.VAT.Minor, a.Reason, got["account"].ID, got["vat_account"].ID, e.ID, p.ActorID, tx.Now).Scan(&a.ID).Error
		if err != nil {
			return err
		}
		return tx.Audit(ent.ID, &p.ActorID, "vat_adjustment.created", a.Period, map[string]any{"id": a.ID, "vat": a.VAT.String(), "reason": a.Reason})
	})
	if err != nil {
		return nil, sqlstore.Translate(err)
	}
	return a, nil
}

// DeleteAdjustment reverses an adjustment's entry (on its date) and
// deletes it, while its period is not filed.
func (s *Store) DeleteAdjustment(ctx context.Context, p *ledger.Principal, ent *ledger.Entity, id int64) error {
	err := s.l.Write(ctx, func(tx *sqlstore.Tx) error {
		if err := lock(tx, ent.ID); err != nil {
			return err
		}
		var rows []adjRow
		if err := tx.DB().Raw(adjSelect+` WHERE j.entity_id = ? AND j.id = ?`, ent.ID, id).Scan(&rows).Error; err != nil {
			return err
		}
		if len(rows) == 0 {
			return ledger.NotFound("VAT adjustment")
		}
		a := rows[0]
		if filed, err := vatledger.FiledPeriod(tx, ent.ID, a.PeriodStart); err != nil {
			return err
		} else if filed != "" {
			return ledger.Errorf(ledger.CodeConflict, ledger.ReasonVATAdjustmentFiled,
				"the adjustment belongs to %s, whose VAT return is filed: enter a correcting adjustment instead", filed)
		}
		if _, err := s.l.In(tx).ReverseEntry(ctx, p, ent, a.EntryID, a.PeriodEnd, fmt.Sprintf("Box 1d adjustment %d deleted", a.ID), nil); err != nil {
			return err
		}
		if err := tx.DB().Exec(`DELETE FROM vat_adjustments WHERE entity_id = ? AND id = ?`, ent.ID, id).Error; err != nil {
			return err
		}
		return tx.Audit(ent.ID, &p.ActorID, "vat_adjustment.deleted", a.Period, map[string]any{"id": a.ID, "entry_id": a.EntryID})
	})
	return sqlstore.Translate(err)
}
