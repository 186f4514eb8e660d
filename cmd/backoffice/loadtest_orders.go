package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ordersLoad is loadtest --mode orders: integration clients push orders,
// resend each up to 3 times at random (the same body, or the same order
// written differently, alone or inside a batch), and at the end the run
// counts what the server holds: every order exactly once.
type ordersLoad struct {
	*loadRun
	prefix   string
	bases    []string // entity URLs
	keys     []string // an integration key per entity
	total    int
	deadline time.Time

	next     atomic.Int64
	resent   atomic.Int64
	batches  atomic.Int64
	mu       sync.Mutex
	sent     []map[string]int64 // per entity: external id -> order id
	single   [][]time.Duration  // per client: single pushes
	batchLat [][]time.Duration  // per client: batch pushes
}

func (lt *loadRun) runOrders(ctx context.Context, ids []int64, clients, total int, deadline time.Time, prefix string, stdout io.Writer) error {
	ol := &ordersLoad{loadRun: lt, prefix: prefix, total: total, deadline: deadline,
		single: make([][]time.Duration, clients), batchLat: make([][]time.Duration, clients)}
	for _, id := range ids {
		base := fmt.Sprintf("%s/v1/entities/%d", lt.base, id)
		_, b, err := lt.do(ctx, lt.base+"/v1/api-keys", "", fmt.Appendf(nil, `{"name":"loadtest shop %d","role":"integration","entities":[%d]}`, id, id), http.StatusCreated)
		var k struct {
			Secret string `json:"key"`
		}
		if err == nil {
			err = json.Unmarshal(b, &k)
		}
		if err != nil || k.Secret == "" {
			return fmt.Errorf("loadtest: create the integration key of entity %d: %v %.200s", id, err, b)
		}
		ol.bases, ol.keys = append(ol.bases, base), append(ol.keys, "Bearer "+k.Secret)
		ol.sent = append(ol.sent, map[string]int64{})
	}
	start := time.Now()
	var wg sync.WaitGroup
	for i := range clients {
		wg.Go(func() { ol.client(ctx, i) })
	}
	wg.Wait()
	elapsed := time.Since(start)

	// Count what the server holds, entity by entity.
	stored, dups, missing := 0, 0, 0
	for e := range ol.bases {
		seen, err := ol.list(ctx, e)
		if err != nil {
			return fmt.Errorf("loadtest: listing the orders of %s: %w", ol.bases[e], err)
		}
		for _, n := range seen {
			stored, dups = stored+1, dups+n-1
		}
		for ext := range ol.sent[e] {
			if seen[ext] == 0 {
				missing++
			}
		}
	}
	created := 0
	for _, m := range ol.sent {
		created += len(m)
	}
	single, batch := slices.Concat(ol.single...), slices.Concat(ol.batchLat...)
	slices.Sort(single)
	slices.Sort(batch)
	fmt.Fprintf(stdout, "loadtest: %s, %d integration clients over %d entities\n", lt.base, clients, len(ids))
	fmt.Fprintf(stdout, "orders sent:    %d (plus %d resends; %d batch requests)\n", created, ol.resent.Load(), ol.batches.Load())
	fmt.Fprintf(stdout, "orders stored:  %d  duplicated: %d  missing: %d\n", stored, dups, missing)
	fmt.Fprintf(stdout, "failures:       %d\n", lt.failed.Load())
	fmt.Fprintf(stdout, "elapsed:        %.3fs\n", elapsed.Seconds())
	fmt.Fprintf(stdout, "throughput:     %.1f orders/s (%.1f requests/s)\n", float64(created)/elapsed.Seconds(),
		float64(len(single)+len(batch))/elapsed.Seconds())
	if len(single) > 0 {
		fmt.Fprintf(stdout, "POST /orders:   p50 %s  p90 %s  p99 %s  max %s  (%d requests)\n",
			ms(percentile(single, 0.50)), ms(percentile(single, 0.90)), ms(percentile(single, 0.99)), ms(single[len(single)-1]), len(single))
	}
	if len(batch) > 0 {
		fmt.Fprintf(stdout, "POST /orders/batch: p50 %s  p90 %s  p99 %s  max %s  (%d requests)\n",
			ms(percentile(batch, 0.50)), ms(percentile(batch, 0.90)), ms(percentile(batch, 0.99)), ms(batch[len(batch)-1]), len(batch))
	}
	for _, b := range lt.samples {
		fmt.Fprintf(stdout, "  e.g. %s\n", b)
	}
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("loadtest: interrupted: %w", ctx.Err())
	case lt.failed.Load() > 0:
		return fmt.Errorf("loadtest: %d requests failed", lt.failed.Load())
	case stored != created || dups > 0 || missing > 0:
		return fmt.Errorf("loadtest: the server holds %d orders (%d duplicated, %d missing); %d were sent", stored, dups, missing, created)
	}
	return nil
}

// orderBody is order n; variant > 0 writes the same order differently
// (trailing zeros, spaces), which the server must still see as the same.
func (ol *ordersLoad) orderBody(n int64, variant int) string {
	ext := ol.prefix + strconv.FormatInt(n, 10)
	qty, price := strconv.FormatInt(1+n%24, 10), fmt.Sprintf("%d.%02d", 1+n%40, n%100)
	if variant > 0 {
		qty, price, ext = qty+".000", price+"00", " "+ext+" "
	}
	cust := n % 50
	return fmt.Sprintf(`{"external_id":%q,"order_date":"2026-11-%02d","currency":"EUR",
		"customer":{"external_ref":"LOAD-C%d","name":"Load customer %d","email":"c%d@example.com"},
		"lines":[{"sku":"BRD-01","description":"Sourdough","quantity":%q,"unit_price":%q,"tax_code":"9"},
		{"sku":"DEL","description":"Delivery","quantity":"1","unit_price":"7.50","tax_code":"21"}]}`,
		ext, 1+n%28, cust, cust, cust, qty, price)
}

// client pushes orders until the total is reached. One in five rounds sends
// ten new orders as a batch; every order is then resent 0-3 times, alone
// or in a batch, with the same body or a reformatted one.
func (ol *ordersLoad) client(ctx context.Context, i int) {
	e := i % len(ol.bases)
	base, auth := ol.bases[e], ol.keys[e]
	rng := rand.New(rand.NewPCG(uint64(i), 42))
	for ctx.Err() == nil && (ol.deadline.IsZero() || time.Now().Before(ol.deadline)) {
		size := 1
		if rng.IntN(5) == 0 {
			size = 10
		}
		var ns []int64
		for range size {
			if n := ol.next.Add(1); n <= int64(ol.total) {
				ns = append(ns, n)
			}
		}
		if len(ns) == 0 {
			return
		}
		if len(ns) == 1 {
			ol.pushOne(ctx, i, e, base, auth, ns[0], 0, http.StatusCreated)
		} else {
			ol.pushBatch(ctx, i, e, base, auth, ns, 0, "created")
		}
		for _, n := range ns {
			for range rng.IntN(4) {
				ol.resent.Add(1)
				variant := rng.IntN(2)
				if rng.IntN(2) == 0 {
					ol.pushOne(ctx, i, e, base, auth, n, variant, http.StatusOK)
				} else {
					ol.pushBatch(ctx, i, e, base, auth, []int64{n}, variant, "existing")
				}
			}
		}
	}
}

func (ol *ordersLoad) record(e int, ext string, id int64) {
	ol.mu.Lock()
	defer ol.mu.Unlock()
	ext = strings.TrimSpace(ext)
	if prev, ok := ol.sent[e][ext]; ok && prev != id {
		ol.loadRun.fail("duplicate", fmt.Sprintf("order %s answered as %d and as %d", ext, prev, id))
		return
	}
	ol.sent[e][ext] = id
}

func (ol *ordersLoad) pushOne(ctx context.Context, client, e int, base, auth string, n int64, variant, want int) {
	d, b, err := ol.doAs(ctx, auth, base+"/orders", []byte(ol.orderBody(n, variant)), want)
	if ctx.Err() != nil {
		return
	}
	ol.single[client] = append(ol.single[client], d)
	var o struct {
		ID         int64  `json:"id"`
		ExternalID string `json:"external_id"`
	}
	if err == nil {
		err = json.Unmarshal(b, &o)
	}
	if err != nil || o.ID == 0 {
		ol.loadRun.fail(strconv.Itoa(want), fmt.Sprintf("%v %.200s", err, b))
		return
	}
	ol.record(e, o.ExternalID, o.ID)
}

func (ol *ordersLoad) pushBatch(ctx context.Context, client, e int, base, auth string, ns []int64, variant int, want string) {
	parts := make([]string, len(ns))
	for k, n := range ns {
		parts[k] = ol.orderBody(n, variant)
	}
	ol.batches.Add(1)
	d, b, err := ol.doAs(ctx, auth, base+"/orders/batch", []byte(`{"orders":[`+strings.Join(parts, ",")+`]}`), http.StatusOK)
	if ctx.Err() != nil {
		return
	}
	ol.batchLat[client] = append(ol.batchLat[client], d)
	var r struct {
		Results []struct {
			Result string `json:"result"`
			Order  *struct {
				ID         int64  `json:"id"`
				ExternalID string `json:"external_id"`
			} `json:"order"`
			Error json.RawMessage `json:"error"`
		} `json:"results"`
	}
	if err == nil {
		err = json.Unmarshal(b, &r)
	}
	if err != nil || len(r.Results) != len(ns) {
		ol.loadRun.fail("batch", fmt.Sprintf("%v %.200s", err, b))
		return
	}
	for _, res := range r.Results {
		if res.Result != want || res.Order == nil {
			ol.loadRun.fail("batch "+res.Result, fmt.Sprintf("want %s: %.300s", want, res.Error))
			continue
		}
		ol.record(e, res.Order.ExternalID, res.Order.ID)
	}
}

// doAs is do with the entity's integration key.
func (ol *ordersLoad) doAs(ctx context.Context, auth, url string, body []byte, want int) (time.Duration, []byte, error) {
	return ol.loadRun.doWith(ctx, auth, url, "", body, want)
}

// list counts the orders the server holds for entity e by external id (of
// this run), paging through GET /orders.
func (ol *ordersLoad) list(ctx context.Context, e int) (map[string]int, error) {
	seen := map[string]int{}
	for query := ""; ; {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, ol.bases[e]+"/orders?limit=200"+query, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", ol.keys[e])
		resp, err := ol.loadRun.client.Do(req)
		if err != nil {
			return nil, err
		}
		var page listPage[struct {
			ExternalID string `json:"external_id"`
		}]
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("%s", resp.Status)
		}
		for _, o := range page.Data {
			if strings.HasPrefix(o.ExternalID, ol.prefix) {
				seen[o.ExternalID]++
			}
		}
		if query = page.next(); query == "" {
			return seen, nil
		}
	}
}
