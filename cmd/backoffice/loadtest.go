package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// loadtest makes load over HTTP on a running server, by --mode: journal
// entries posted, invoices created and issued, orders pushed (and resent),
// bank statements imported, matched and reconciled, or purchase invoices
// booked; it reports
// throughput and latency. It creates its own entities first (chart "standard", so accounts
// 4100 and 1000 and the Dutch tax codes exist), spreads the clients over
// them (client i works on entity i % M) and stops after --entries
// operations or --duration-seconds, whichever comes first. Any failed
// request makes it return an error after the report.
func loadtest(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	f := newFlags("loadtest", getenv, stderr)
	baseURL := f.string("url", "BACKOFFICE_LOADTEST_URL", "http://127.0.0.1:8080", "base URL of the running server")
	key := f.string("key", "BACKOFFICE_LOADTEST_KEY", "", "admin API key (required)")
	clients := f.int("clients", "BACKOFFICE_LOADTEST_CLIENTS", 16, "concurrent clients")
	entities := f.int("entities", "BACKOFFICE_LOADTEST_ENTITIES", 8, "entities to create and load")
	entries := f.int("entries", "BACKOFFICE_LOADTEST_ENTRIES", 20000, "how many to make in all: entries, invoices, orders or statement lines, by --mode")
	durationSec := f.int("duration-seconds", "BACKOFFICE_LOADTEST_DURATION_SECONDS", 0, "stop after this many seconds (0: no cap)")
	mode := f.string("mode", "BACKOFFICE_LOADTEST_MODE", "entries", "what to load: entries (2-line journal entries), invoices (a 3-line draft, then its issue; --entries counts invoices), orders (integration keys push orders and resend each up to 3 times; --entries counts orders) bank (weekly camt.053 statements imported, matched and reconciled; --entries counts statement lines) or purchases (10-line purchase invoices entered and booked in one request; --entries counts invoices)")
	if err := f.Parse(args); err != nil {
		return err
	}
	switch {
	case f.NArg() > 0:
		return fmt.Errorf("loadtest: unexpected argument %q", f.Arg(0))
	case *key == "":
		return errors.New("loadtest: --key is required (an admin API key; see \"backoffice apikey create --role admin\")")
	case *clients < 1:
		return errors.New("loadtest: --clients must be at least 1")
	case *entities < 1:
		return errors.New("loadtest: --entities must be at least 1")
	case *entries < 1:
		return errors.New("loadtest: --entries must be at least 1")
	case *durationSec < 0:
		return errors.New("loadtest: --duration-seconds must not be negative")
	case *mode != "entries" && *mode != "invoices" && *mode != "orders" && *mode != "bank" && *mode != "purchases":
		return fmt.Errorf("loadtest: --mode is entries, invoices, orders, bank or purchases, not %q", *mode)
	}
	invoices := *mode == "invoices"

	lt := &loadRun{
		base: strings.TrimRight(*baseURL, "/"),
		auth: "Bearer " + *key,
		client: &http.Client{
			Timeout: 60 * time.Second,
			Transport: &http.Transport{
				Proxy:               nil, // measure the server, not a proxy
				DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
				MaxIdleConns:        *clients + 4,
				MaxIdleConnsPerHost: *clients + 4,
				IdleConnTimeout:     90 * time.Second,
				DisableCompression:  true,
			},
		},
		status:    map[string]int{},
		customers: map[string]int64{},
	}
	defer lt.client.CloseIdleConnections()

	// Setup: the entities.
	ids := make([]int64, *entities)
	for i := range ids {
		id, err := lt.createEntity(ctx, i+1)
		if err != nil {
			return fmt.Errorf("loadtest: create entity %d of %d: %w", i+1, *entities, err)
		}
		ids[i] = id
		if invoices {
			base := fmt.Sprintf("%s/v1/entities/%d", lt.base, id)
			// Complete as an invoice's parties: the entity's bank account,
			// the customer's address. A Dutch customer, and domestic lines
			// only: an intra-EU supply would ask VIES, and a load test must
			// not depend on (nor load) the EU's service.
			if _, _, err := lt.send(ctx, http.MethodPatch, lt.auth, base+"/invoicing-settings", "application/json", "", []byte(`{"iban":"NL91ABNA0417164300"}`), http.StatusOK); err != nil {
				return fmt.Errorf("loadtest: set the IBAN of entity %d: %w", id, err)
			}
			_, b, err := lt.do(ctx, base+"/customers", "", []byte(`{"name":"Bakkerij De Vries","language":"nl","vat_number":"NL004495445B01",`+
				`"address":{"lines":["Oudegracht 1"],"postcode":"3511 AA","city":"Utrecht","country":"NL"}}`), http.StatusCreated)
			var c struct {
				ID int64 `json:"id"`
			}
			if err == nil {
				err = json.Unmarshal(b, &c)
			}
			if err != nil {
				return fmt.Errorf("loadtest: create the customer of entity %d: %w", id, err)
			}
			lt.customers[base] = c.ID
		}
	}

	runID := make([]byte, 6)
	_, _ = rand.Read(runID)
	prefix := "load-" + hex.EncodeToString(runID) + "-"

	var deadline time.Time
	start := time.Now()
	if *durationSec > 0 {
		deadline = start.Add(time.Duration(*durationSec) * time.Second)
	}
	if *mode == "orders" {
		return lt.runOrders(ctx, ids, *clients, *entries, deadline, prefix, stdout)
	}
	if *mode == "bank" {
		return lt.runBank(ctx, ids, *clients, *entries, deadline, prefix, stdout)
	}
	if *mode == "purchases" {
		return lt.runPurchases(ctx, ids, *clients, *entries, deadline, prefix, stdout)
	}
	var next atomic.Int64
	lat := make([][]time.Duration, *clients)
	var wg sync.WaitGroup
	for i := range *clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			entity := ids[i%len(ids)]
			base := lt.base + "/v1/entities/" + strconv.FormatInt(entity, 10)
			url := base + "/entries"
			own := make([]time.Duration, 0, *entries / *clients + 1)
			var body []byte
			for ctx.Err() == nil {
				if !deadline.IsZero() && !time.Now().Before(deadline) {
					break
				}
				n := next.Add(1)
				if n > int64(*entries) {
					break
				}
				cents := 100 + n%99900 // 1.00 .. 999.99
				if invoices {
					d, ok := lt.invoice(ctx, base, prefix+strconv.FormatInt(n, 10), cents)
					if ok {
						own = append(own, d)
					}
					continue
				}
				body = fmt.Appendf(body[:0], `{"date":"2026-06-15","description":"load %d","lines":[{"account":"4100","debit":"%d.%02d"},{"account":"1000","credit":"%d.%02d"}]}`,
					n, cents/100, cents%100, cents/100, cents%100)
				d, ok := lt.post(ctx, url, prefix+strconv.FormatInt(n, 10), body)
				if !ok {
					continue // cancelled: not a measurement
				}
				own = append(own, d)
			}
			lat[i] = own
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)

	all := slices.Concat(lat...)
	slices.Sort(all)
	posted := lt.posted.Load()
	what := "entries posted"
	if invoices {
		what = "invoices issued"
	}
	fmt.Fprintf(stdout, "loadtest: %s, %d clients over %d entities\n", lt.base, *clients, len(ids))
	fmt.Fprintf(stdout, "%s: %d\n", what, posted)
	if invoices {
		fmt.Fprintln(stdout, "latency below:  of the issue request alone (the draft is created just before it)")
	}
	return lt.report(ctx, stdout, strings.Fields(what)[0], posted, elapsed, all)
}

// report ends a run that made done things (unit: what they are, for the
// throughput) in elapsed, with the sorted latencies all: failures,
// elapsed time, throughput and latency percentiles, the failures by
// status with a few bodies; an error when any request failed or ctx ended.
func (lt *loadRun) report(ctx context.Context, stdout io.Writer, unit string, done int64, elapsed time.Duration, all []time.Duration) error {
	failed := lt.failed.Load()
	fmt.Fprintf(stdout, "failures:       %d\n", failed)
	fmt.Fprintf(stdout, "elapsed:        %.3fs\n", elapsed.Seconds())
	fmt.Fprintf(stdout, "throughput:     %.1f %s/s\n", float64(done)/elapsed.Seconds(), unit)
	if len(all) > 0 {
		fmt.Fprintf(stdout, "latency:        p50 %s  p90 %s  p99 %s  max %s  (%d requests)\n",
			ms(percentile(all, 0.50)), ms(percentile(all, 0.90)), ms(percentile(all, 0.99)), ms(all[len(all)-1]), len(all))
	}
	if failed > 0 {
		codes := make([]string, 0, len(lt.status))
		for c := range lt.status {
			codes = append(codes, c)
		}
		sort.Strings(codes)
		for _, c := range codes {
			fmt.Fprintf(stdout, "  status %s: %d\n", c, lt.status[c])
		}
		for _, b := range lt.samples {
			fmt.Fprintf(stdout, "  e.g. %s\n", b)
		}
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("loadtest: interrupted: %w", err)
	}
	if failed > 0 {
		return fmt.Errorf("loadtest: %d of %d requests failed", failed, int64(len(all)))
	}
	return nil
}

// listPage is the envelope of every list answer: data, has_more, and the
// cursor of the next page (null on the last one).
type listPage[T any] struct {
	Data       []T     `json:"data"`
	HasMore    bool    `json:"has_more"`
	NextCursor *string `json:"next_cursor"`
}

// next is the query to append for the page after p ("" when p is the last).
func (p *listPage[T]) next() string {
	if !p.HasMore || p.NextCursor == nil {
		return ""
	}
	return "&cursor=" + url.QueryEscape(*p.NextCursor)
}

// maxSamples bounds how many failure bodies are kept for the report.
const maxSamples = 5

type loadRun struct {
	base, auth string
	client     *http.Client
	posted     atomic.Int64
	failed     atomic.Int64

	mu        sync.Mutex
	status    map[string]int   // failures by status code (or "error")
	samples   []string         // the first few failure bodies
	customers map[string]int64 // entity URL -> its customer, filled before the clients start
}

func (lt *loadRun) createEntity(ctx context.Context, n int) (int64, error) {
	body := fmt.Sprintf(`{"name":"Load %d","currency":"EUR","chart_template":"standard","registration_id":"12345678","vat_number":"NL004495445B01",`+
		`"address":{"lines":["Keizersgracht 1"],"postcode":"1015 AA","city":"Amsterdam","country":"NL"}}`, n)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, lt.base+"/v1/entities", strings.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", lt.auth)
	req.Header.Set("Content-Type", "application/json")
	resp, err := lt.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusCreated {
		return 0, fmt.Errorf("%s: %s", resp.Status, bytes.TrimSpace(b))
	}
	var e struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal(b, &e); err != nil || e.ID == 0 {
		return 0, fmt.Errorf("unexpected answer %.200q", b)
	}
	return e.ID, nil
}

// post sends one entry and says how long it took; ok is false when the
// request was cut short by ctx (not counted either way).
func (lt *loadRun) post(ctx context.Context, url, idemKey string, body []byte) (d time.Duration, ok bool) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		lt.fail("error", err.Error())
		return 0, true
	}
	req.Header.Set("Authorization", lt.auth)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", idemKey)
	start := time.Now()
	resp, err := lt.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return 0, false
		}
		lt.fail("error", err.Error())
		return time.Since(start), true
	}
	var sample []byte
	if resp.StatusCode == http.StatusCreated {
		_, err = io.Copy(io.Discard, resp.Body)
	} else {
		sample, err = io.ReadAll(io.LimitReader(resp.Body, 2048))
		_, _ = io.Copy(io.Discard, resp.Body)
	}
	resp.Body.Close()
	d = time.Since(start)
	switch {
	case err != nil && ctx.Err() != nil:
		return 0, false
	case err != nil:
		lt.fail("error", "reading the answer: "+err.Error())
	case resp.StatusCode != http.StatusCreated:
		lt.fail(strconv.Itoa(resp.StatusCode), string(bytes.TrimSpace(sample)))
	default:
		lt.posted.Add(1)
	}
	return d, true
}

// invoice creates a 3-line draft and issues it; the duration is the
// issue's. Drafts are created with their own Idempotency-Key and issues
// with another, so a retried run never issues twice.
func (lt *loadRun) invoice(ctx context.Context, base, idemKey string, cents int64) (time.Duration, bool) {
	draft := fmt.Appendf(nil, `{"customer_id":%d,"issue_date":"2026-06-15","lines":[
		{"description":"Sourdough","quantity":"12","unit":"pcs","unit_price":"3.95","tax_code":"9"},
		{"description":"Catering","quantity":"1","unit_price":"%d.%02d","tax_code":"21"},
		{"description":"Deposit crate","quantity":"2","unit_price":"30","tax_code":"exempt"}]}`, lt.customers[base], cents/100, cents%100)
	_, b, err := lt.do(ctx, base+"/invoices", idemKey+"-draft", draft, http.StatusCreated)
	if err != nil {
		if ctx.Err() != nil {
			return 0, false
		}
		lt.fail("draft", err.Error())
		return 0, true
	}
	var inv struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal(b, &inv); err != nil || inv.ID == 0 {
		lt.fail("draft", fmt.Sprintf("unexpected answer %.200q", b))
		return 0, true
	}
	d, _, err := lt.do(ctx, fmt.Sprintf("%s/invoices/%d/issue", base, inv.ID), idemKey+"-issue", nil, http.StatusOK)
	switch {
	case err != nil && ctx.Err() != nil:
		return 0, false
	case err != nil:
		lt.fail("issue", err.Error())
	default:
		lt.posted.Add(1)
	}
	return d, true
}

// do sends one request and returns how long it took and the answer, or an
// error naming the status and the answer when the status is not want.
func (lt *loadRun) do(ctx context.Context, url, idemKey string, body []byte, want int) (time.Duration, []byte, error) {
	return lt.doWith(ctx, lt.auth, url, idemKey, body, want)
}

// doWith is do with another key's Authorization header.
func (lt *loadRun) doWith(ctx context.Context, auth, url, idemKey string, body []byte, want int) (time.Duration, []byte, error) {
	return lt.send(ctx, http.MethodPost, auth, url, "application/json", idemKey, body, want)
}

// send sends one request (a nil body sends none) and returns how long it
// took and the answer, or an error naming the status and the answer when
// the status is not want.
func (lt *loadRun) send(ctx context.Context, method, auth, url, contentType, idemKey string, body []byte, want int) (time.Duration, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", auth)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if idemKey != "" {
		req.Header.Set("Idempotency-Key", idemKey)
	}
	start := time.Now()
	resp, err := lt.client.Do(req)
	if err != nil {
		return time.Since(start), nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	d := time.Since(start)
	if err != nil {
		return d, nil, err
	}
	if resp.StatusCode != want {
		return d, b, fmt.Errorf("%d %s", resp.StatusCode, bytes.TrimSpace(b))
	}
	return d, b, nil
}

func (lt *loadRun) fail(status, body string) {
	lt.failed.Add(1)
	lt.mu.Lock()
	defer lt.mu.Unlock()
	lt.status[status]++
	if len(lt.samples) < maxSamples {
		lt.samples = append(lt.samples, status+" "+body)
	}
}

// percentile is the nearest-rank percentile of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	i := int(math.Ceil(float64(len(sorted))*p)) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 2, 64) + "ms"
}
