package reports

import (
	"context"
	"math"

	"backoffice/ledger"
	"backoffice/ledger/money"
)

// Store is what the report builders read: a part of ledger.Store and
// LedgerSnapshot (sqlstore.Store has both), so that the API's store serves
// them and a test can count or fake the reads.
type Store interface {
	Accounts(ctx context.Context, entityID int64, includeArchived bool) ([]*ledger.Account, error)
	Balances(ctx context.Context, entityID int64, asOf ledger.Date, accountID int64) (map[int64]ledger.Totals, error)
	AccountLedger(ctx context.Context, entityID, accountID int64, from, to ledger.Date, after *ledger.LedgerCursor, limit int) (int64, []ledger.LedgerLine, error)
	// LedgerSnapshot runs fn with the store bound to one read-only
	// snapshot, so that a report made of several reads sees the books at
	// one moment while writers go on.
	LedgerSnapshot(ctx context.Context, fn func(st Store) error) error
	StreamLedger(ctx context.Context, entityID, accountID int64, from, to ledger.Date, fn func(accountID int64, l *ledger.LedgerLine) error) error
	StreamJournal(ctx context.Context, ent *ledger.Entity, from, to ledger.Date, after *ledger.JournalCursor, limit int, fn func(*ledger.JournalLine) error) error
	EntryCounts(ctx context.Context, entityID int64) (map[int]int64, error)
	FiscalYearCloses(ctx context.Context, entityID int64) ([]*ledger.FiscalYearClose, error)
	ClosingTotals(ctx context.Context, entityID int64, from, to ledger.Date) (map[int64]ledger.Totals, error)
}

// movement is what each account moved in the period after `before` up to
// and including the date of `after`: after minus before.
func movement(before, after map[int64]ledger.Totals) map[int64]ledger.Totals {
	out := make(map[int64]ledger.Totals, len(after))
	for id, t := range after {
		b := before[id]
		out[id] = ledger.Totals{DebitMinor: t.DebitMinor - b.DebitMinor, CreditMinor: t.CreditMinor - b.CreditMinor}
	}
	return out
}

// periodTotals reads each account's totals over from..to.
func periodTotals(ctx context.Context, st Store, entityID int64, from, to ledger.Date) (map[int64]ledger.Totals, error) {
	before, err := st.Balances(ctx, entityID, from.AddDays(-1), 0)
	if err != nil {
		return nil, err
	}
	after, err := st.Balances(ctx, entityID, to, 0)
	if err != nil {
		return nil, err
	}
	return movement(before, after), nil
}

// withoutClosing takes the lines of closing entries (and their reversals)
// out of period totals: an income statement shows what the year earned,
// not the entry that moved it to retained earnings.
func withoutClosing(totals, closing map[int64]ledger.Totals) {
	for id, c := range closing {
		t := totals[id]
		totals[id] = ledger.Totals{DebitMinor: t.DebitMinor - c.DebitMinor, CreditMinor: t.CreditMinor - c.CreditMinor}
	}
}

// overflow is the error of a total past what the ledger holds.
func overflow() error {
	return ledger.Errorf(ledger.CodeInvalid, ledger.ReasonAmountTooLarge, "a report total exceeds the largest amount the ledger holds")
}

// add adds v to *acc; false when the sum would overflow.
func add(acc *int64, v int64) bool {
	s, ok := money.Add(*acc, v)
	*acc = s
	return ok
}

// sub is a - b; false when it would overflow.
func sub(a, b int64) (int64, bool) {
	if b == math.MinInt64 {
		return 0, false
	}
	return money.Add(a, -b)
}
