package vatstore_test

import (
	"context"
	"os"
	"testing"
	"time"

	"backoffice/invoicing/invstore"
	"backoffice/invoicing/purchases/purchstore"
	"backoffice/invoicing/vatreturn"
	"backoffice/invoicing/vatreturn/vatstore"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
	"backoffice/ledger/sqlstore/sqltest"
)

func TestMain(m *testing.M) { os.Exit(sqltest.Main(m)) }

// TestFilingsQueue: a supplementary return asked for while the return
// that takes in the same correction is being filed (its unit of work not
// committed yet) waits for it, then finds nothing left to correct: the
// difference is settled once. On PostgreSQL this is the entity's VAT
// return lock (under read committed the second would not see the first's
// rows and settle the difference again); on SQLite one writer at a time.
func TestFilingsQueue(t *testing.T) {
	if sqltest.Dialect() != sqlstore.Postgres {
		t.Skip("SQLite runs one write transaction at a time")
	}
	l := sqltest.Open(t)
	vat := vatstore.New(l, invstore.New(l), purchstore.New(l))
	ent, p := sqltest.Entity(t, l, "Filer")
	ctx := context.Background()
	if _, err := vat.File(ctx, p, ent, "2025-Q1", &vatreturn.FileInput{}); err != nil {
		t.Fatal(err)
	}
	// A difference of 21.00 in the filed Q1: under 1,000 euros, so the Q2
	// return takes it in.
	if _, err := vat.AddAdjustment(ctx, p, ent, &vatreturn.AdjustmentInput{Period: str("2025-Q1"), Base: str("100.00"), VAT: str("21.00"),
		Reason: str("Privégebruik"), Account: str("4300")}); err != nil {
		t.Fatal(err)
	}
	filed, release, done := make(chan int), make(chan struct{}), make(chan error, 1)
	go func() {
		done <- l.Write(ctx, func(tx *sqlstore.Tx) error {
			r, err := vat.In(tx).File(ctx, p, ent, "2025-Q2", &vatreturn.FileInput{})
			if err != nil {
				close(filed)
				return err
			}
			filed <- len(r.Corrections)
			<-release // hold the unit of work open
			return nil
		})
	}()
	if n, ok := <-filed; !ok || n != 1 {
		close(release)
		t.Fatalf("Q2 took in %d corrections (%v), want 1: %v", n, ok, <-done)
	}
	supp := make(chan error, 1)
	go func() {
		_, err := vat.Supplementary(ctx, p, ent, "2025-Q1", &vatreturn.FileInput{Date: str("2025-06-10")})
		supp <- err
	}()
	select {
	case err := <-supp:
		close(release)
		t.Fatalf("the supplementary return did not wait for the return being filed: %v", err)
	case <-time.After(500 * time.Millisecond):
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	err := <-supp
	if e := ledger.As(err); e == nil || e.Reason != ledger.ReasonVATReturnNoDifference {
		t.Fatalf("supplementary return after the return: %v, want %s", err, ledger.ReasonVATReturnNoDifference)
	}
}
