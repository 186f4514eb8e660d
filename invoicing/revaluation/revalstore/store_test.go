package revalstore_test

import (
	"context"
	"errors"
	"os"
	"sync"
	"testing"

	"backoffice/invoicing/invstore"
	"backoffice/invoicing/purchases/purchstore"
	"backoffice/invoicing/revaluation"
	"backoffice/invoicing/revaluation/revalstore"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
	"backoffice/ledger/sqlstore/sqltest"
)

func TestMain(m *testing.M) { os.Exit(sqltest.Main(m)) }

// books is an entity with a USD bank account: 1,000.00 USD in on 03-01 at
// 0.95 (950.00), 250.00 USD out on 04-01 at 0.90 (225.00): 750.00 USD
// carried at 725.00.
func books(t *testing.T) (*sqlstore.Store, *revalstore.Store, *ledger.Entity, *ledger.Principal) {
	t.Helper()
	ctx := context.Background()
	st := sqltest.Open(t)
	inv, buys := invstore.New(st), purchstore.New(st)
	ent, p := sqltest.Entity(t, st, "Revalued B.V.")
	if _, err := st.CreateAccount(ctx, p, ent.ID, &ledger.AccountInput{Code: "1015", Name: "Bank USD", Type: ledger.Asset, Currency: "USD"}); err != nil {
		t.Fatal(err)
	}
	err := st.Write(ctx, func(tx *sqlstore.Tx) error {
		return tx.DB().Exec(`INSERT INTO bank_accounts (entity_id, account_id, name, iban, currency, match_window_days, created_at, updated_at)
			SELECT entity_id, id, 'Chase USD', 'GB29NWBK60161331926819', 'USD', 5, ?, ? FROM accounts WHERE entity_id = ? AND code = '1015'`,
			tx.Now, tx.Now, ent.ID).Error
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []*ledger.EntryInput{
		{Date: "2026-03-01", Description: "In", Lines: []ledger.LineInput{{Account: "1015", Debit: "1000.00", Currency: "USD", ExchangeRate: "0.95"}, {Account: "2000", Credit: "950.00"}}},
		{Date: "2026-04-01", Description: "Out", Lines: []ledger.LineInput{{Account: "4200", Debit: "225.00"}, {Account: "1015", Credit: "250.00", Currency: "USD", ExchangeRate: "0.9"}}},
	} {
		if _, err := st.PostEntry(ctx, p, ent, in, nil); err != nil {
			t.Fatal(err)
		}
	}
	return st, revalstore.New(st, inv, buys), ent, p
}

// The bank balance in its currency and its carrying amount are read from
// the ledger account's lines as of the date: on 12-31 750.00 USD carried
// at 725.00; at 0.92 it is 690.00, a loss of 35.00. On 03-31 only the
// 1,000.00 in (950.00): at 0.92 920.00, -30.00 (a dry run).
func TestBankBalance(t *testing.T) {
	t.Parallel()
	st, rs, ent, p := books(t)
	ctx := context.Background()
	v, err := rs.Revalue(ctx, p, ent, &revaluation.Input{Date: "2026-03-31", Rates: map[string]string{"USD": "0.92"}, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if l := v.Lines[0]; len(v.Lines) != 1 || l.Open.String() != "1000.00" || l.Carrying.String() != "950.00" || l.Difference.String() != "-30.00" || v.Posted {
		t.Errorf("03-31: %+v", v)
	}
	v, err = rs.Revalue(ctx, p, ent, &revaluation.Input{Date: "2026-12-31", Rates: map[string]string{"USD": "0.92"}})
	if err != nil {
		t.Fatal(err)
	}
	if l := v.Lines[0]; len(v.Lines) != 1 || l.Open.String() != "750.00" || l.Carrying.String() != "725.00" || l.Revalued.String() != "690.00" ||
		v.Bank.String() != "-35.00" || v.Result.String() != "-35.00" || !v.Posted {
		t.Errorf("12-31: %+v", v)
	}
	// The revaluation entry is on the revaluation account, not on the
	// bank's own: 1015 keeps matching the bank (725.00 on 12-31).
	b, err := st.Balances(ctx, ent.ID, ledger.NewDate(2026, 12, 31), 0)
	if err != nil {
		t.Fatal(err)
	}
	chart, _ := st.Accounts(ctx, ent.ID, true)
	byCode := map[string]int64{}
	for _, a := range chart {
		byCode[a.Code] = b[a.ID].Net()
	}
	if byCode["1015"] != 72500 || byCode["1020"] != -3500 || byCode["8910"] != 3500 {
		t.Errorf("balances 1015 %d, 1020 %d, 8910 %d", byCode["1015"], byCode["1020"], byCode["8910"])
	}
	r, err := st.Verify(ctx)
	if err != nil || len(r.Breaches) > 0 {
		t.Errorf("verify: %v %v", err, r.Breaches)
	}
	// The record is immutable.
	err = st.Write(ctx, func(tx *sqlstore.Tx) error {
		return tx.DB().Exec(`UPDATE fx_revaluations SET result_minor = 0 WHERE entity_id = ?`, ent.ID).Error
	})
	sqltest.WantRefused(t, "update of a revaluation", errors.Unwrap(err), "BOL06")
}

// Revaluing one date at once from many requests records it once: the
// others are told it exists (the unique key is the backstop on
// PostgreSQL, where the check before the insert may pass for several).
func TestOneRevaluationPerDate(t *testing.T) {
	t.Parallel()
	_, rs, ent, p := books(t)
	ctx := context.Background()
	const n = 6
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = rs.Revalue(ctx, p, ent, &revaluation.Input{Date: "2026-12-31", Rates: map[string]string{"USD": "0.92"}})
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		var le *ledger.Error
		switch {
		case err == nil:
			ok++
		case errors.As(err, &le) && le.Reason == ledger.ReasonFXRevaluationExists && le.Code == ledger.CodeConflict:
		default:
			t.Errorf("unexpected: %v", err)
		}
	}
	list, err := rs.Revaluations(ctx, ent.ID, 0, 10)
	if ok != 1 || err != nil || len(list) != 1 {
		t.Errorf("%d succeeded, %d recorded (%v)", ok, len(list), err)
	}
}
