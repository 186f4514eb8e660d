package orderstore_test

import (
	"errors"
	"sync/atomic"
	"testing"

	"backoffice/invoicing"
	"backoffice/invoicing/invstore"
	"backoffice/invoicing/orders"
	"backoffice/invoicing/orders/orderstore"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
	"backoffice/ledger/sqlstore/sqltest"
)

// TestBoundStoreWritesInTheUnitOfWork: a store bound to a unit of work
// (In) pushes, moves, invoices and issues in it, reads what it wrote there,
// and all of it rolls back with the unit of work; nothing commits on its
// own.
func TestBoundStoreWritesInTheUnitOfWork(t *testing.T) {
	f := newFixture(t)
	before := f.rows()
	rollBack := errors.New("roll back")
	var issued *invoicing.Invoice
	err := f.st.Write(ctx, func(tx *sqlstore.Tx) error {
		b := f.st.In(tx)
		o, created, err := b.PushOrder(ctx, f.integ, f.ent, order("UOW-1"))
		if err != nil || !created {
			t.Fatalf("push: %v, created %v", err, created)
		}
		for _, to := range []orders.Status{orders.Accepted, orders.Fulfilled} {
			if _, _, err := b.MoveOrder(ctx, f.integ, f.ent, o.ID, to, ""); err != nil {
				t.Fatalf("move to %s: %v", to, err)
			}
		}
		inv, _, err := b.InvoiceOrders(ctx, f.staff, f.ent, o.ID, &orders.InvoiceRequest{IssueDate: ptr("2026-11-25")})
		if err != nil {
			t.Fatalf("invoice: %v", err)
		}
		// The invoicing store the orders store wraps is bound too.
		if issued, err = b.Store.IssueInvoice(ctx, f.staff, f.ent, inv.ID); err != nil {
			t.Fatalf("issue: %v", err)
		}
		got, gotInv, err := b.Order(ctx, f.ent.ID, o.ID)
		if err != nil || got.Status != orders.Invoiced || gotInv == nil || gotInv.StoredStatus != invoicing.StatusIssued {
			t.Fatalf("read back in the unit of work: %v %+v %+v", err, got, gotInv)
		}
		// Outside the unit of work nothing is there yet.
		if _, _, err := f.st.Order(ctx, f.ent.ID, o.ID); !ledger.IsCode(err, ledger.CodeNotFound) {
			t.Fatalf("the order is visible outside its unit of work: %v", err)
		}
		return rollBack
	})
	if !errors.Is(err, rollBack) {
		t.Fatalf("write: %v; want the unit of work's own error", err)
	}
	if issued == nil || issued.Number != "INV-2026-0001" {
		t.Fatalf("issued %+v", issued)
	}
	if after := f.rows(); after != before {
		t.Fatalf("a rolled back unit of work left rows behind:\n%s\n%s", before, after)
	}
	// The numbers it drew rolled back with it.
	o := f.move(f.push(order("UOW-1")), orders.Accepted, orders.Fulfilled)
	inv, _, err := f.st.InvoiceOrders(ctx, f.staff, f.ent, o.ID, &orders.InvoiceRequest{IssueDate: ptr("2026-11-25")})
	if err != nil {
		t.Fatal(err)
	}
	if inv, err = f.st.IssueInvoice(ctx, f.staff, f.ent, inv.ID); err != nil || inv.Number != "INV-2026-0001" {
		t.Fatalf("issue after the rollback: %v %+v", err, inv)
	}
}

// TestRetriedWritesStartAfresh: every write of orders and invoicing whose
// unit of work the database rolls back for a conflict at its very end (the
// event it emits last) is run again whole, and the second run writes what
// one run writes: nothing of the first try (an order's history, a drawn
// number, a settlement) leaks into it. PostgreSQL only: the conflict is a
// serialization failure that a trigger raises once when armed.
func TestRetriedWritesStartAfresh(t *testing.T) {
	if sqltest.Dialect() != sqlstore.Postgres {
		t.Skip("the injected serialization failure needs PostgreSQL")
	}
	var retries atomic.Int64
	cfg := sqltest.Config(t)
	cfg.OnRetry = func(error) { retries.Add(1) }
	l, err := sqlstore.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	st := orderstore.New(invstore.New(l))
	ent, p := sqltest.Entity(t, st, "Retry Test BV")
	f := &fixture{t: t, st: st, ent: ent, staff: p,
		integ: &ledger.Principal{ActorID: p.ActorID, KeyID: p.KeyID, Name: "shop", Role: ledger.RoleIntegration, Entities: []int64{ent.ID}}}

	// The first event inserted after arm() fails with 40001; the sequence
	// is not transactional, so the rollback does not re-arm it.
	db := st.Query(ctx).DB()
	for _, q := range []string{
		`CREATE SEQUENCE inject_conflict`,
		`SELECT setval('inject_conflict', 2)`,
		`CREATE FUNCTION inject_conflict() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF nextval('inject_conflict') = 1 THEN
				RAISE EXCEPTION 'injected conflict' USING ERRCODE = '40001';
			END IF;
			RETURN NEW;
		END $$`,
		`CREATE TRIGGER inject_conflict BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION inject_conflict()`,
	} {
		if err := db.Exec(q).Error; err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	step := func(what string, fn func() error) {
		t.Helper()
		if err := db.Exec(`SELECT setval('inject_conflict', 1, false)`).Error; err != nil {
			t.Fatal(err)
		}
		n := retries.Load()
		if err := fn(); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if got := retries.Load() - n; got != 1 {
			t.Fatalf("%s was retried %d times; want once", what, got)
		}
	}

	var o *orders.Order
	step("push", func() error {
		var created bool
		var err error
		o, created, err = st.PushOrder(ctx, f.integ, f.ent, order("R-1"))
		if err == nil && !created {
			t.Fatal("a retried push answered created false")
		}
		return err
	})
	if len(o.History) != 1 || o.History[0].Seq != 1 || o.CustomerID == 0 {
		t.Fatalf("pushed order %+v", o)
	}
	for _, to := range []orders.Status{orders.Accepted, orders.Fulfilled} {
		step("move to "+string(to), func() error {
			var err error
			o, _, err = st.MoveOrder(ctx, f.integ, f.ent, o.ID, to, "")
			return err
		})
	}
	var inv *invoicing.Invoice
	step("invoice the order", func() error {
		var err error
		inv, _, err = st.InvoiceOrders(ctx, f.staff, f.ent, o.ID, &orders.InvoiceRequest{IssueDate: ptr("2026-11-25")})
		return err
	})
	step("issue", func() error {
		var err error
		inv, err = st.IssueInvoice(ctx, f.staff, f.ent, inv.ID)
		return err
	})
	if inv.Number != "INV-2026-0001" {
		t.Fatalf("issued as %s", inv.Number)
	}
	step("payment", func() error {
		pay, err := st.RecordPayment(ctx, f.staff, f.ent, &invoicing.PaymentInput{CustomerID: &inv.CustomerID, Date: ptr("2026-11-30"),
			Amount:      ptr("10.00"),
			Allocations: []invoicing.AllocationInput{{InvoiceID: &inv.ID, Amount: "10.00"}}})
		if err == nil && (len(pay.Allocations) != 1 || pay.SettledMinor != 1000) {
			t.Fatalf("payment %+v", pay)
		}
		return err
	})

	got, gotInv, err := st.Order(ctx, f.ent.ID, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i, ch := range got.History {
		if ch.Seq != i+1 {
			t.Fatalf("history %+v", got.History)
		}
	}
	if len(got.History) != 4 || got.Status != orders.Invoiced || gotInv.SettledMinor != 1000 || gotInv.PaidMinor != 1000 {
		t.Fatalf("order %+v, invoice %+v", got, gotInv)
	}
	for q, want := range map[string]int64{
		`SELECT count(*) FROM orders`:                                 1,
		`SELECT count(*) FROM customers`:                              1,
		`SELECT count(*) FROM order_status_changes`:                   4,
		`SELECT count(*) FROM invoices`:                               1,
		`SELECT count(*) FROM payments`:                               1,
		`SELECT count(*) FROM allocations`:                            1,
		`SELECT count(*) FROM journal_entries`:                        2,
		`SELECT value FROM counters WHERE series = 'invoice'`:         1,
		`SELECT count(*) FROM events WHERE type = 'order.received'`:   1,
		`SELECT count(*) FROM events WHERE type = 'invoice.issued'`:   1,
		`SELECT count(*) FROM events WHERE type = 'payment.received'`: 1,
	} {
		if n := f.scalar(q); n != want {
			t.Errorf("%s: %d; want %d", q, n, want)
		}
	}
	r, err := st.Verify(ctx)
	if err != nil || len(r.Breaches) != 0 {
		t.Fatalf("verify: %v %+v", err, r)
	}
}
