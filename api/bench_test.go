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
	"backoffice/invoicing/orders/orderstore"
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
	st := orderstore.New(invstore.New(sqltest.Open(b)))
	ctx := context.Background()
	_, key, err := st.CreateKey(ctx, nil, &ledger.KeyInput{Name: "bench", Role: ledger.RoleAdmin})
	if err != nil {
		b.Fatal(err)
	}
	srv := New(testConfig(st))
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

// benchServer is a server with one entity on the standard chart, a
// customer, and drafts of 5-line invoices ready to issue.
func benchServer(b *testing.B, drafts int) (srv *Server, key string, ids []string) {
	st := orderstore.New(invstore.New(sqltest.Open(b)))
	ctx := context.Background()
	_, key, err := st.CreateKey(ctx, nil, &ledger.KeyInput{Name: "bench", Role: ledger.RoleAdmin})
	if err != nil {
		b.Fatal(err)
	}
	srv = New(testConfig(st))
	do := func(method, path, body string, want int) string {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+key)
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		if w.Code != want {
			b.Fatalf("%s %s: %d %s", method, path, w.Code, w.Body)
		}
		return w.Body.String()
	}
	do("POST", "/v1/entities", `{"name":"Bench BV","currency":"EUR","chart_template":"standard"}`, 201)
	do("POST", "/v1/entities/1/customers", `{"name":"Bakkerij De Vries","language":"nl"}`, 201)
	lines := `{"description":"Sourdough","quantity":"12","unit":"pcs","unit_price":"3.95","tax_code":"9"},
		{"description":"Croissant","quantity":"40","unit":"pcs","unit_price":"1.15","tax_code":"9"},
		{"description":"Delivery","quantity":"1","unit_price":"12.50","tax_code":"21"},
		{"description":"Catering advice","quantity":"1.5","unit":"h","unit_price":"85","tax_code":"21","discount_percent":"10"},
		{"description":"Export crate","quantity":"2","unit_price":"30","tax_code":"intra-eu"}`
	for i := range drafts {
		do("POST", "/v1/entities/1/invoices", `{"customer_id":1,"issue_date":"2026-06-15","lines":[`+lines+`]}`, 201)
		ids = append(ids, fmt.Sprint(i+1))
	}
	return srv, key, ids
}

// BenchmarkIssueInvoice issues 5-line drafts over the router from parallel
// goroutines, all in one entity (so all numbered in one series and posted
// to the same receivables, revenue and VAT rows: the contended case).
//
//	BACKOFFICE_TEST_DATABASE_URL=... go test ./api -run '^$' -bench IssueInvoice -benchtime 2000x
func BenchmarkIssueInvoice(b *testing.B) {
	srv, key, ids := benchServer(b, b.N)
	var n atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			id := ids[n.Add(1)-1]
			req := httptest.NewRequest("POST", "/v1/entities/1/invoices/"+id+"/issue", nil)
			req.Header.Set("Authorization", "Bearer "+key)
			w := httptest.NewRecorder()
			srv.ServeHTTP(w, req)
			if w.Code != http.StatusOK {
				b.Fatalf("issue: %d %s", w.Code, w.Body)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "invoices/s")
}

// BenchmarkInvoicePDF downloads an issued 5-line invoice as PDF over the
// router: the database reads and the rendering.
func BenchmarkInvoicePDF(b *testing.B) {
	srv, key, _ := benchServer(b, 1)
	req := httptest.NewRequest("POST", "/v1/entities/1/invoices/1/issue", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	srv.ServeHTTP(httptest.NewRecorder(), req)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("GET", "/v1/entities/1/invoices/1/pdf", nil)
			req.Header.Set("Authorization", "Bearer "+key)
			w := httptest.NewRecorder()
			srv.ServeHTTP(w, req)
			if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/pdf" {
				b.Fatalf("pdf: %d %s", w.Code, w.Body)
			}
		}
	})
}

// BenchmarkPushOrder pushes new 2-line orders over the router from parallel
// goroutines into one entity (one event counter: the contended case), each
// for one of 50 customers; BenchmarkResendOrder sends an order that is
// already stored (the retry path: one read, nothing written).
//
//	BACKOFFICE_TEST_DATABASE_URL=... go test ./api -run '^$' -bench 'PushOrder|ResendOrder' -benchtime 2000x
func BenchmarkPushOrder(b *testing.B) {
	srv, key, _ := benchServer(b, 0)
	var n atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			req := httptest.NewRequest("POST", "/v1/entities/1/orders", strings.NewReader(benchOrder(i)))
			req.Header.Set("Authorization", "Bearer "+key)
			w := httptest.NewRecorder()
			srv.ServeHTTP(w, req)
			if w.Code != http.StatusCreated {
				b.Fatalf("push: %d %s", w.Code, w.Body)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "orders/s")
}

func BenchmarkResendOrder(b *testing.B) {
	srv, key, _ := benchServer(b, 0)
	push := func(want int) {
		req := httptest.NewRequest("POST", "/v1/entities/1/orders", strings.NewReader(benchOrder(1)))
		req.Header.Set("Authorization", "Bearer "+key)
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		if w.Code != want {
			b.Fatalf("push: %d %s", w.Code, w.Body)
		}
	}
	push(http.StatusCreated)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			push(http.StatusOK)
		}
	})
}

func benchOrder(i int64) string {
	return fmt.Sprintf(`{"external_id":"BENCH-%d","order_date":"2026-11-20",
		"customer":{"external_ref":"C-%d","name":"Customer %d"},
		"lines":[{"sku":"BRD-01","description":"Sourdough","quantity":"12","unit_price":"3.95","tax_code":"9"},
			{"sku":"DEL","description":"Delivery","quantity":"1","unit_price":"7.50","tax_code":"21"}]}`, i, i%50, i%50)
}
