package api

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"backoffice/invoicing/invstore"
	"backoffice/ledger"
	"backoffice/ledger/sqlstore/sqltest"
)

// BenchmarkPostEntry posts 2-line entries through the real router (no
// network) with an Idempotency-Key each, from parallel goroutines spread
// over 8 entities. It measures the server's own cost per post on the chosen
// database; docs/performance.md has figures and the load command.
//
//	BACKOFFICE_TEST_DATABASE_URL=... go test ./api -run '^$' -bench PostEntry -benchtime 5000x
func BenchmarkPostEntry(b *testing.B) {
	st := invstore.New(sqltest.Open(b))
	ctx := context.Background()
	_, key, err := st.CreateKey(ctx, nil, &ledger.KeyInput{Name: "bench", Role: ledger.RoleAdmin})
	if err != nil {
		b.Fatal(err)
	}
	srv := New(Config{Store: st, Logger: quiet})
	const entities = 8
	for i := range entities {
		req := httptest.NewRequest("POST", "/v1/entities", strings.NewReader(fmt.Sprintf(`{"name":"Bench %d","currency":"EUR","chart_template":"standard"}`, i)))
		req.Header.Set("Authorization", "Bearer "+key)
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		if w.Code != http.StatusCreated {
			b.Fatalf("create entity: %d %s", w.Code, w.Body)
		}
	}
	body := `{"date":"2026-06-15","description":"bench","lines":[{"account":"4100","debit":"12.34"},{"account":"1000","credit":"12.34"}]}`
	var n atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			req := httptest.NewRequest("POST", fmt.Sprintf("/v1/entities/%d/entries", i%entities+1), strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+key)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Idempotency-Key", fmt.Sprintf("bench-%d", i))
			w := httptest.NewRecorder()
			srv.ServeHTTP(w, req)
			if w.Code != http.StatusCreated {
				b.Fatalf("post: %d %s", w.Code, w.Body)
			}
		}
	})
}
