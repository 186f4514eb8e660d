package sqlstore_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
	"backoffice/ledger/sqlstore/sqltest"
)

// x runs q, whose placeholders are written ?, and fails the test on error.
func (r *raw) x(q string, args ...any) {
	r.t.Helper()
	for n := 1; strings.Contains(q, "?") && r.st.Dialect() == sqlstore.Postgres; n++ {
		q = strings.Replace(q, "?", r.ph(n), 1)
	}
	if _, err := r.db.Exec(q, args...); err != nil {
		r.t.Fatalf("%s: %v", q, err)
	}
}

// creators are the columns that say who made a record and that the
// migration test fills in before actors existed.
var creators = []struct{ table, column string }{
	{"api_keys", "created_by"},
	{"entities", "created_by"},
	{"journal_entries", "created_by"},
	{"audit_events", "actor_id"},
	{"idempotency_keys", "actor_id"},
	{"webhook_endpoints", "created_by"},
}

// TestActorsMigrationKeepsCreators: law 8 across migration 00009. A
// database written before actors existed (keys 1 and 7, with records made
// by each and by the command line) is migrated; every creator then names
// the actor of the key that made it, the command line stays NULL, the
// store shows the same key ids, and keys made afterwards share one id
// space with every other actor.
func TestActorsMigrationKeepsCreators(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := sqlstore.Open(ctx, sqltest.EmptyConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.MigrateTo(ctx, 8); err != nil {
		t.Fatal(err)
	}
	r := newRaw(t, st)
	at := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	secret1, hash1 := ledger.NewKeySecret()
	secret7, hash7 := ledger.NewKeySecret()
	r.x(`INSERT INTO api_keys (id, name, role, prefix, secret_hash, created_at, created_by) VALUES (1, 'admin', 'admin', 'bo_a', ?, ?, NULL)`, hash1, at)
	r.x(`INSERT INTO api_keys (id, name, role, prefix, secret_hash, created_at, created_by) VALUES (7, 'books', 'accountant', 'bo_b', ?, ?, 1)`, hash7, at)
	r.x(`INSERT INTO entities (id, name, currency, time_zone, fiscal_year_start_month, locale, created_at, updated_at, created_by)
		VALUES (1, 'Old BV', 'EUR', 'Europe/Amsterdam', 1, 'nl-NL', ?, ?, 1)`, at, at)
	r.x(`INSERT INTO api_key_entities (entity_id, api_key_id) VALUES (1, 7)`)
	r.x(`INSERT INTO accounts (entity_id, code, name, type, created_at, updated_at) VALUES (1, '1000', 'Bank', 'asset', ?, ?)`, at, at)
	r.x(`INSERT INTO accounts (entity_id, code, name, type, created_at, updated_at) VALUES (1, '4100', 'Rent', 'expense', ?, ?)`, at, at)
	var bank, rentID int64
	if err := st.DB().QueryRowContext(ctx, `SELECT min(id), max(id) FROM accounts`).Scan(&bank, &rentID); err != nil {
		t.Fatal(err)
	}
	// Entry 1 by key 1 (raw.post writes created_by 1), with its counters and totals.
	if err := r.post(balanced(1, rentID, bank, 1, "2026-04-01"), true); err != nil {
		t.Fatal(err)
	}
	r.x(`INSERT INTO counters (entity_id, series, year, value) VALUES (1, 'entry', 2026, 1), (1, 'entry_id', 0, 1)`)
	for _, g := range []string{"d", "m"} {
		r.x(`INSERT INTO account_totals (entity_id, account_id, grain, period, debit_minor, credit_minor) VALUES (1, ?, ?, '2026-04-01', 100, 0)`, rentID, g)
		r.x(`INSERT INTO account_totals (entity_id, account_id, grain, period, debit_minor, credit_minor) VALUES (1, ?, ?, '2026-04-01', 0, 100)`, bank, g)
	}
	r.x(`INSERT INTO audit_events (entity_id, at, api_key_id, action, subject, detail) VALUES (0, ?, NULL, 'api_key.created', 'api_key 1', '{}')`, at)
	r.x(`INSERT INTO audit_events (entity_id, at, api_key_id, action, subject, detail) VALUES (1, ?, 7, 'account.created', '1000', '{}')`, at)
	r.x(`INSERT INTO idempotency_keys (entity_id, api_key_id, key, request_hash, status, content_type, body, created_at)
		VALUES (1, 7, 'k-1', 'h-1', 201, 'application/json', '{"old":true}', ?)`, at)
	r.x(`INSERT INTO webhook_endpoints (entity_id, url, secret, events, enabled, created_by, created_at, updated_at)
		VALUES (1, 'https://example.com/hook', '0123456789abcdef', ',order.received,', true, 7, ?, ?)`, at, at)

	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}

	// One actor per key, with the key's id, and the system's.
	rows, err := st.DB().QueryContext(ctx, `SELECT id, kind, coalesce(api_key_id, -1) FROM actors ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var id, key int64
		var kind string
		if err := rows.Scan(&id, &kind, &key); err != nil {
			t.Fatal(err)
		}
		got = append(got, strings.Join([]string{kind, strconv.FormatInt(id, 10), strconv.FormatInt(key, 10)}, ":"))
	}
	rows.Close()
	if want := "system:0:-1 api_key:1:1 api_key:7:7"; strings.Join(got, " ") != want {
		t.Fatalf("actors %v; want %s", got, want)
	}
	// Every creator stored before resolves to the actor of its key.
	for _, c := range creators {
		var named, wrong int64
		err := st.DB().QueryRowContext(ctx, `SELECT count(t.`+c.column+`),
			count(*) FILTER (WHERE a.id IS NULL OR a.kind <> 'api_key' OR a.api_key_id <> t.`+c.column+`)
			FROM `+c.table+` t LEFT JOIN actors a ON a.id = t.`+c.column+` WHERE t.`+c.column+` IS NOT NULL`).Scan(&named, &wrong)
		if err != nil {
			t.Fatal(err)
		}
		if named == 0 || wrong != 0 {
			t.Errorf("%s.%s: %d records name a creator, %d of them not its key's actor", c.table, c.column, named, wrong)
		}
	}

	// The store and the API show the same key ids as before.
	e, err := st.Entry(ctx, 1, 1)
	if err != nil || e.CreatedBy != 1 {
		t.Fatalf("entry 1: %+v, %v; want created by key 1", e, err)
	}
	evs, err := st.AuditEvents(ctx, 1, 0, 10)
	if err != nil || len(evs) != 1 || evs[0].KeyID == nil || *evs[0].KeyID != 7 || *evs[0].ActorID != 7 {
		t.Fatalf("audit events of entity 1: %+v, %v; want one by key 7", evs, err)
	}
	evs, err = st.AuditEvents(ctx, 0, 0, 10)
	if err != nil || len(evs) != 1 || evs[0].KeyID != nil || evs[0].ActorID != nil {
		t.Fatalf("key administration: %+v, %v; want one from the command line (no key, no actor)", evs, err)
	}
	if rec, err := st.IdemLookup(ctx, 1, 7, "k-1"); err != nil || rec == nil || rec.Body != `{"old":true}` || rec.ActorID != 7 {
		t.Fatalf("idempotency record of key 7: %+v, %v", rec, err)
	}
	if rec, err := st.IdemLookup(ctx, 1, 1, "k-1"); err != nil || rec != nil {
		t.Fatalf("the same key of another actor: %+v, %v; want none", rec, err)
	}
	p7, err := st.Authenticate(ctx, secret7)
	if err != nil || p7.ActorID != 7 || p7.KeyID != 7 {
		t.Fatalf("key 7 after the migration: %+v, %v", p7, err)
	}
	p1, err := st.Authenticate(ctx, secret1)
	if err != nil || p1.ActorID != 1 {
		t.Fatalf("key 1 after the migration: %+v, %v", p1, err)
	}

	// A key made after the migration continues the ids; a person's actor
	// (the people issue) takes the next id, and the key after it skips it.
	k8, secret8, err := st.CreateKey(ctx, &p1.ActorID, &ledger.KeyInput{Name: "new", Role: ledger.RoleAccountant, Entities: []int64{1}})
	if err != nil || k8.ID != 8 || k8.ActorID != 8 || *k8.CreatedBy != 1 {
		t.Fatalf("a new key: %+v, %v; want id and actor 8, created by actor 1", k8, err)
	}
	var person int64
	if err := st.DB().QueryRowContext(ctx, `INSERT INTO actors (kind, person_id, created_at) VALUES ('person', 1, CURRENT_TIMESTAMP) RETURNING id`).Scan(&person); err != nil {
		t.Fatal(err)
	}
	// (Created by actor 1: on SQLite api_keys.created_by still references
	// api_keys, see migrations/sqlite/00009_actors.sql.)
	k10, _, err := st.CreateKey(ctx, &p1.ActorID, &ledger.KeyInput{Name: "after a person", Role: ledger.RoleClient, Entities: []int64{1}})
	if err != nil || person != 9 || k10.ID != 10 || k10.ActorID != 10 {
		t.Fatalf("person actor %d, then a key %+v, %v; want 9, then key and actor 10", person, k10, err)
	}

	// The new key's records name its actor.
	p8, err := st.Authenticate(ctx, secret8)
	if err != nil || p8.ActorID != 8 || p8.KeyID != 8 {
		t.Fatalf("key 8: %+v, %v", p8, err)
	}
	ent, err := st.Entity(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	posted := mustPost(t, st, p8, ent, rent("2026-04-02", "2.00"))
	if posted.CreatedBy != 8 {
		t.Fatalf("entry by key 8 created by %d", posted.CreatedBy)
	}
	if _, err := st.CreateAccount(ctx, p8, 1, &ledger.AccountInput{Code: "4200", Name: "Power", Type: ledger.AccountType("expense")}); err != nil {
		t.Fatal(err)
	}
	evs, err = st.AuditEvents(ctx, 1, 0, 1)
	if err != nil || len(evs) == 0 || *evs[0].KeyID != 8 || *evs[0].ActorID != 8 {
		t.Fatalf("the newest audit event of entity 1: %+v, %v; want key and actor 8", evs, err)
	}
	var by int64
	if err := st.DB().QueryRowContext(ctx, `SELECT created_by FROM journal_entries WHERE entity_id = 1 AND id = 2`).Scan(&by); err != nil || by != 8 {
		t.Fatalf("journal_entries.created_by of entry 2: %d, %v; want actor 8", by, err)
	}
	mustVerify(t, st)

	// The migration rolls back and applies again over the same records.
	if err := st.MigrateDownTo(ctx, 8); err != nil {
		t.Fatalf("down to 8: %v", err)
	}
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatalf("up again: %v", err)
	}
	if p, err := st.Authenticate(ctx, secret8); err != nil || p.ActorID != 8 {
		t.Fatalf("key 8 after down and up: %+v, %v", p, err)
	}
	mustPost(t, st, p8, ent, rent("2026-04-03", "3.00"))
	mustVerify(t, st)
}

// TestIdempotencyIsScopedByActor: law 6's scope is (entity, actor, key):
// the same Idempotency-Key of two actors is two requests, and each actor's
// replay finds its own answer.
func TestIdempotencyIsScopedByActor(t *testing.T) {
	t.Parallel()
	st := sqltest.Open(t)
	ctx := context.Background()
	ent, admin := sqltest.Entity(t, st, "Scope BV")
	k, _, err := st.CreateKey(ctx, &admin.ActorID, &ledger.KeyInput{Name: "books", Role: ledger.RoleAccountant, Entities: []int64{ent.ID}})
	if err != nil {
		t.Fatal(err)
	}
	other := ledger.KeyPrincipal(k)
	if other.ActorID != k.ID || other.ActorID == admin.ActorID {
		t.Fatalf("second key's actor %d (key %d, first actor %d)", other.ActorID, k.ID, admin.ActorID)
	}
	post := func(p *ledger.Principal) *ledger.Posted {
		t.Helper()
		idem := &ledger.IdemRequest{EntityID: ent.ID, ActorID: p.ActorID, Key: "same-key", RequestHash: "h", Status: 201,
			ContentType: "application/json", Render: func(e *ledger.Entry) ([]byte, error) {
				return []byte(`{"by":` + strconv.FormatInt(p.ActorID, 10) + `}`), nil
			}}
		out, err := st.PostEntry(ctx, p, ent, rent("2026-03-31", "1.00"), idem)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	first, second := post(admin), post(other)
	if first.Replay != nil || second.Replay != nil || first.Entry.ID == second.Entry.ID {
		t.Fatalf("one key of two actors: %+v and %+v; want two entries", first, second)
	}
	if second.Entry.CreatedBy != other.ActorID {
		t.Fatalf("entry created by %d; want actor %d", second.Entry.CreatedBy, other.ActorID)
	}
	again := post(other)
	if again.Replay == nil || again.Replay.ActorID != other.ActorID || again.Replay.Body != `{"by":`+strconv.FormatInt(other.ActorID, 10)+`}` {
		t.Fatalf("the replay of the second actor: %+v", again.Replay)
	}
	mustVerify(t, st)
}

// TestDatabaseKeepsActorsHonest: a key's actor has the key's id and kind,
// and the administrative records name an actor that exists.
func TestDatabaseKeepsActorsHonest(t *testing.T) {
	t.Parallel()
	st := sqltest.Open(t)
	ent, p := sqltest.Entity(t, st, "Actors BV")
	r := newRaw(t, st)
	now := time.Now().UTC()
	sqltest.WantRefused(t, "a key's actor with another id",
		r.exec(`INSERT INTO actors (id, kind, api_key_id, created_at) VALUES (`+r.ph(1)+`, 'api_key', `+r.ph(2)+`, `+r.ph(3)+`)`, p.KeyID+100, p.KeyID, now), "23514")
	sqltest.WantRefused(t, "the system naming a key",
		r.exec(`INSERT INTO actors (kind, api_key_id, created_at) VALUES ('system', `+r.ph(1)+`, `+r.ph(2)+`)`, p.KeyID, now), "23514")
	sqltest.WantRefused(t, "a person without a person",
		r.exec(`INSERT INTO actors (kind, created_at) VALUES ('person', `+r.ph(1)+`)`, now), "23514")
	sqltest.WantRefused(t, "an audit event by no actor",
		r.exec(`INSERT INTO audit_events (entity_id, at, actor_id, action, subject, detail) VALUES (`+r.ph(1)+`, `+r.ph(2)+`, 999999, 'x', 'y', '{}')`, ent.ID, now), "23503")
	sqltest.WantRefused(t, "a webhook endpoint by no actor",
		r.exec(`INSERT INTO webhook_endpoints (entity_id, url, secret, events, enabled, created_by, created_at, updated_at)
			VALUES (`+r.ph(1)+`, 'https://example.com/h', '0123456789abcdef', ',order.received,', true, 999999, `+r.ph(2)+`, `+r.ph(3)+`)`, ent.ID, now, now), "23503")
	var kind string
	if err := st.DB().QueryRow(`SELECT kind FROM actors WHERE id = 0`).Scan(&kind); err != nil || kind != "system" {
		t.Fatalf("actor 0: %q, %v; want the system", kind, err)
	}

	// journal_entries.created_by has no foreign key (a lock on the actor's
	// row per post): an entry by no actor is accepted, and verify finds it.
	mustVerify(t, st)
	e := balanced(ent.ID, accountID(t, st, ent.ID, "4100"), accountID(t, st, ent.ID, "1000"), 1, "2026-05-01")
	e.createdBy = 999999
	if err := r.post(e, true); err != nil {
		t.Fatal(err)
	}
	rep, err := st.Verify(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, b := range rep.Breaches {
		found = found || strings.HasPrefix(b, "law 8: 1 journal_entries rows name actor 999999 in created_by")
	}
	if !found {
		t.Fatalf("verify of an entry by no actor: %v; want a law 8 breach", rep.Breaches)
	}
}
