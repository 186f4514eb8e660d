package sqlstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"backoffice/ledger"
	"backoffice/ledger/sqlstore"
	"backoffice/ledger/sqlstore/sqltest"
)

// statementLog is a pgx tracer that records every statement sent.
type statementLog struct {
	mu   sync.Mutex
	sqls []string
}

func (l *statementLog) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sqls = append(l.sqls, strings.Join(strings.Fields(d.SQL), " "))
	return ctx
}

func (l *statementLog) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (l *statementLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.sqls
	l.sqls = nil
	return out
}

// TestKeyedPostIsOneRoundTrip: on PostgreSQL a post, with or without an
// Idempotency-Key, is one statement (post_entry(): the number, the lines,
// the entry, the totals and the stored answer), with no BEGIN or COMMIT
// around it; a replay of the key is the same one statement, refused, and a
// lookup. The redesign of idempotency must keep this.
func TestKeyedPostIsOneRoundTrip(t *testing.T) {
	if sqltest.Dialect() != sqlstore.Postgres {
		t.Skip("round trips are counted on PostgreSQL (set " + sqltest.EnvURL + ")")
	}
	ctx := context.Background()
	cfg := sqltest.Config(t)
	trace := &statementLog{}
	cfg.Tracer = trace
	st, err := sqlstore.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ent, p := sqltest.Entity(t, st, "Round Trips BV")
	mustPost(t, st, p, ent, rent("2026-03-31", "1.00")) // the chart is read once and cached
	idem := func(key string) *ledger.IdemRequest {
		return &ledger.IdemRequest{EntityID: ent.ID, ActorID: p.ActorID, Key: key, RequestHash: "h-" + key, Status: 201,
			ContentType: "application/json", Render: func(e *ledger.Entry) ([]byte, error) {
				return json.Marshal(map[string]any{"id": e.ID, "number": e.NumberText()})
			}}
	}

	trace.take()
	mustPost(t, st, p, ent, rent("2026-04-30", "1.00"))
	if got := trace.take(); len(got) != 1 || !strings.Contains(got[0], "post_entry(") {
		t.Errorf("a post sent %d statements, want 1 (post_entry): %q", len(got), got)
	}
	out, err := st.PostEntry(ctx, p, ent, rent("2026-05-31", "1.00"), idem("k1"))
	if err != nil || out.Replay != nil {
		t.Fatalf("keyed post: %v %+v", err, out)
	}
	if got := trace.take(); len(got) != 1 || !strings.Contains(got[0], "post_entry(") {
		t.Errorf("a keyed post sent %d statements, want 1 (post_entry): %q", len(got), got)
	}
	// The answer, rendered before the entry was numbered, names its id and
	// number: post_entry() filled the holes (idem.Pending).
	if want := fmt.Sprintf(`{"id":%d,"number":"2026-%06d"}`, out.Entry.ID, out.Entry.Number); string(out.Answer) != want {
		t.Errorf("stored answer %s; want %s", out.Answer, want)
	}
	replay, err := st.PostEntry(ctx, p, ent, rent("2026-05-31", "1.00"), idem("k1"))
	if err != nil || replay.Replay == nil || string(replay.Replay.Body) != string(out.Answer) {
		t.Fatalf("replay: %v %+v", err, replay)
	}
	if got := trace.take(); len(got) != 2 {
		t.Errorf("a replay sent %d statements, want 2 (post_entry refused, the stored answer read): %q", len(got), got)
	}
}
