package api

import (
	"bytes"
	"context"
	"testing"

	"backoffice/ledger/sqlstore"
	"backoffice/ledger/sqlstore/sqltest"
)

// TestWriteRequestRetriedWhole: a write request whose unit of work the
// database rolls back for a serialization failure runs again whole, the
// handler included, and the client sees only the answer of the try that
// committed: one customer, one audit event, and the stored answer that a
// replay of the Idempotency-Key gets is that answer, byte for byte.
func TestWriteRequestRetriedWhole(t *testing.T) {
	if sqltest.Dialect() != sqlstore.Postgres {
		t.Skip("forces a serialization failure on PostgreSQL (set " + sqltest.EnvURL + ")")
	}
	f := newFixture(t)
	e := f.entity("Retry BV")
	ctx := context.Background()
	db := f.st.Query(ctx).DB()
	// The first insert of a customer fails at COMMIT with 40001, once: a
	// deferred trigger counts on a sequence, which a rollback does not undo.
	for _, q := range []string{
		`CREATE SEQUENCE fail_once_seq`,
		`CREATE FUNCTION fail_once() RETURNS trigger LANGUAGE plpgsql AS $$
		 BEGIN
		   IF nextval('fail_once_seq') = 1 THEN
		     RAISE EXCEPTION 'forced serialization failure' USING ERRCODE = '40001';
		   END IF;
		   RETURN NULL;
		 END $$`,
		`CREATE CONSTRAINT TRIGGER fail_once AFTER INSERT ON customers DEFERRABLE INITIALLY DEFERRED
		 FOR EACH ROW EXECUTE FUNCTION fail_once()`,
	} {
		if err := db.Exec(q).Error; err != nil {
			t.Fatal(err)
		}
	}
	path := ent(e) + "/customers"
	body := map[string]any{"name": "Retried Customer"}
	first := f.must(f.do("POST", path, f.admin, body, "Idempotency-Key", "retry-1"), 201)
	var tries int64
	if err := db.Raw(`SELECT last_value FROM fail_once_seq`).Scan(&tries).Error; err != nil || tries != 2 {
		t.Fatalf("the unit of work ran %d times (%v); want 2", tries, err)
	}
	var customers, audits int64
	db.Raw(`SELECT count(*) FROM customers WHERE entity_id = ?`, e).Scan(&customers)
	db.Raw(`SELECT count(*) FROM audit_events WHERE entity_id = ? AND action = 'customer.created'`, e).Scan(&audits)
	if customers != 1 || audits != 1 {
		t.Fatalf("%d customers and %d audit events after the retry; want 1 and 1", customers, audits)
	}
	replay := f.must(f.do("POST", path, f.admin, body, "Idempotency-Key", "retry-1"), 201)
	if !bytes.Equal(replay.body, first.body) || replay.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay %s; want the first answer byte for byte: %s", replay.body, first.body)
	}
	if loc := first.header.Get("Location"); loc == "" {
		t.Error("the committed try's Location header was not sent")
	}
}
