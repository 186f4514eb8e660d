package sqlstore_test

import (
	"context"
	"errors"
	"testing"

	"backoffice/ledger/sqlstore"
	"backoffice/ledger/sqlstore/sqltest"
)

// TestDrawNumbers: the one counter function draws n numbers of several
// series in one statement, a draw of 0 only makes sure the row exists, and
// a rolled-back draw gives its numbers back (law 3).
func TestDrawNumbers(t *testing.T) {
	t.Parallel()
	st := sqltest.Open(t)
	ctx := context.Background()
	ent, _ := sqltest.Entity(t, st, "Counters BV")
	draw := func(draws ...sqlstore.Draw) []int64 {
		t.Helper()
		var last []int64
		err := st.Write(ctx, func(tx *sqlstore.Tx) error {
			var err error
			last, err = tx.DrawNumbers(ent.ID, draws...)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return last
	}
	got := draw(sqlstore.Draw{Series: "invoice", Year: 2026, N: 3}, sqlstore.Draw{Series: "credit_note", Year: 2026, N: 0})
	if got[0] != 3 || got[1] != 0 {
		t.Fatalf("first draws: %v; want [3 0]", got)
	}
	// Rolled back: the two numbers come back.
	errUndo := errors.New("undo")
	err := st.Write(ctx, func(tx *sqlstore.Tx) error {
		if _, err := tx.DrawNumbers(ent.ID, sqlstore.Draw{Series: "invoice", Year: 2026, N: 2}); err != nil {
			return err
		}
		return errUndo
	})
	if !errors.Is(err, errUndo) {
		t.Fatal(err)
	}
	got = draw(sqlstore.Draw{Series: "invoice", Year: 2026, N: 1}, sqlstore.Draw{Series: "invoice", Year: 2027, N: 1})
	if got[0] != 4 || got[1] != 1 {
		t.Fatalf("after a rollback: %v; want [4 1] (a year restarts)", got)
	}
	if _, err := sqlstore.LastDrawn([]sqlstore.Draw{{Series: "event", N: 1}}, []sqlstore.Drawn{{Series: "entry", Value: 9}}); err == nil {
		t.Fatal("lastDrawn matched a row of another series")
	}
}
