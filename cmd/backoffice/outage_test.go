package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"backoffice/ledger/sqlstore/sqltest"
)

// dbProxy stands between the server and PostgreSQL so that a test can cut
// the database away: refuse connections (a stopped server), drop every
// packet (a broken network: connections accepted, nothing answered), and
// pass again.
type dbProxy struct {
	t      *testing.T
	addr   string // where the server connects
	target string // PostgreSQL

	mu     sync.Mutex
	ln     net.Listener
	dropAt bool                  // drop everything: accept, read, answer nothing
	conns  map[net.Conn]struct{} // both sides of every connection
}

func newDBProxy(t *testing.T, target string) *dbProxy {
	p := &dbProxy{t: t, target: target, conns: map[net.Conn]struct{}{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = ln.Addr().String()
	p.serve(ln)
	t.Cleanup(func() { p.refuse() })
	return p
}

func (p *dbProxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.handle(c)
		}
	}()
}

func (p *dbProxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln == nil { // refusing: a connection accepted in the race
		c.Close()
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *dbProxy) dropping() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.dropAt
}

func (p *dbProxy) handle(client net.Conn) {
	if !p.track(client) {
		return
	}
	if p.dropping() {
		_, _ = io.Copy(io.Discard, client) // a black hole
		return
	}
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		client.Close()
		return
	}
	if !p.track(server) {
		client.Close()
		return
	}
	pump := func(dst, src net.Conn) {
		buf := make([]byte, 32<<10)
		for {
			n, err := src.Read(buf)
			if n > 0 && !p.dropping() {
				if _, werr := dst.Write(buf[:n]); werr != nil {
					break
				}
			}
			if err != nil {
				break
			}
		}
		if !p.dropping() {
			dst.Close()
			src.Close()
		}
	}
	go pump(server, client)
	go pump(client, server)
}

// closeAll closes every connection through the proxy.
func (p *dbProxy) closeAll() {
	for c := range p.conns {
		c.Close()
		delete(p.conns, c)
	}
}

// refuse closes every connection and stops listening: connections are
// refused, as by a stopped server.
func (p *dbProxy) refuse() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	p.dropAt = false
	p.closeAll()
}

// blackhole keeps every connection open and accepts new ones, but nothing
// passes any more in either direction.
func (p *dbProxy) blackhole() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.dropAt = true
}

// pass lets everything through again; connections held in the black hole
// are closed (their protocol state is lost, as after a real outage).
func (p *dbProxy) pass() {
	p.mu.Lock()
	if p.dropAt {
		p.dropAt = false
		p.closeAll()
	}
	listening := p.ln != nil
	p.mu.Unlock()
	if !listening {
		ln, err := net.Listen("tcp", p.addr)
		if err != nil {
			p.t.Fatalf("proxy listen again on %s: %v", p.addr, err)
		}
		p.serve(ln)
	}
}

// outcome is one answer of the load during the outage test.
type outcome struct {
	start, end time.Time
	status     int
	reason     string
	retryAfter string
	what       string
}

// TestDatabaseOutage runs the real server on PostgreSQL through dbProxy
// under load from several clients, and cuts the database away twice: first
// every packet is dropped, then connections are refused. Every answer is a
// success or 503 database_unreachable with Retry-After, never 500; every
// answer comes within 5 s; and the server recovers by itself each time.
func TestDatabaseOutage(t *testing.T) {
	if sqltest.Dialect() != "postgres" {
		t.Skip("the database outage test needs PostgreSQL (set " + sqltest.EnvURL + "); SQLite is a file in the process")
	}
	db := dbArgs(t)
	direct := db[1]
	u, err := url.Parse(direct)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newDBProxy(t, u.Host)
	u.Host = proxy.addr
	ctx := context.Background()

	var out bytes.Buffer
	if err := run(ctx, []string{"apikey", "create", "--role", "admin", "--name", "ops", "--database-url", direct}, noEnv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	key := strings.TrimSpace(out.String()[strings.LastIndex(strings.TrimSpace(out.String()), "\n")+1:])

	addr := freeAddr(t)
	sctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- run(sctx, []string{"serve", "--addr", addr, "--database-url", u.String()}, noEnv, io.Discard, io.Discard)
	}()
	defer func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	base := "http://" + addr
	waitReady(t, base+"/readyz", done)

	client := &http.Client{Timeout: 30 * time.Second} // longer than any answer may take, so a slow one is measured, not cut
	call := func(method, path, body, idem string) outcome {
		o := outcome{start: time.Now(), what: method + " " + path}
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", "application/json")
		if idem != "" {
			req.Header.Set("Idempotency-Key", idem)
		}
		res, err := client.Do(req)
		o.end = time.Now()
		if err != nil {
			o.reason = "transport: " + err.Error()
			return o
		}
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		var p struct{ Reason string }
		_ = json.Unmarshal(raw, &p)
		o.status, o.reason, o.retryAfter = res.StatusCode, p.Reason, res.Header.Get("Retry-After")
		if o.status >= 500 && o.reason == "" {
			o.reason = string(raw)
		}
		return o
	}
	first := call("POST", "/v1/entities", `{"name":"Storing B.V.","currency":"EUR","chart_template":"standard"}`, "")
	if first.status != 201 {
		t.Fatalf("create entity: %+v", first)
	}
	entPath := "/v1/entities/1"

	// The load: four clients, each posting an entry, reading an account's
	// balance and the trial balance in turn, until told to stop.
	var (
		mu       sync.Mutex
		outcomes []outcome
		wg       sync.WaitGroup
	)
	loadCtx, stopLoad := context.WithCancel(ctx)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; loadCtx.Err() == nil; i++ {
				var o outcome
				switch i % 3 {
				case 0:
					o = call("POST", entPath+"/entries", `{"date":"2026-03-31","description":"rent","lines":[{"account":"4100","debit":"1.00"},{"account":"1000","credit":"1.00"}]}`,
						fmt.Sprintf("w%d-%d", w, i))
				case 1:
					o = call("GET", entPath+"/accounts/1000/balance?as_of=2026-12-31", "", "")
				default:
					o = call("GET", entPath+"/reports/trial-balance?as_of=2026-12-31", "", "")
				}
				mu.Lock()
				outcomes = append(outcomes, o)
				mu.Unlock()
				time.Sleep(20 * time.Millisecond)
			}
		}()
	}

	type phase struct {
		name       string
		start, end time.Time
	}
	var phases []phase
	phaseOf := func(name string, d time.Duration, act func()) {
		act()
		ph := phase{name: name, start: time.Now()}
		time.Sleep(d)
		ph.end = time.Now()
		phases = append(phases, ph)
	}
	phaseOf("up", 1500*time.Millisecond, func() {})
	phaseOf("packets dropped", 7*time.Second, proxy.blackhole)
	phaseOf("back", 5*time.Second, proxy.pass)
	phaseOf("refused", 7*time.Second, proxy.refuse)
	phaseOf("back again", 5*time.Second, proxy.pass)
	stopLoad()
	wg.Wait()

	// Every answer: a success, or 503 database_unreachable with
	// Retry-After; within 5 s.
	var slowest time.Duration
	for _, o := range outcomes {
		took := o.end.Sub(o.start)
		slowest = max(slowest, took)
		ok := o.status >= 200 && o.status < 300 || o.status == 503 && o.reason == "database_unreachable" && o.retryAfter != ""
		if !ok {
			t.Errorf("%s at +%.1fs: %d %q (Retry-After %q)", o.what, o.start.Sub(phases[0].start).Seconds(), o.status, o.reason, o.retryAfter)
		}
		if took > 5*time.Second {
			t.Errorf("%s at +%.1fs took %.1fs; want an answer within 5 s", o.what, o.start.Sub(phases[0].start).Seconds(), took.Seconds())
		}
	}
	// Each outage was seen as one, and after each the server recovered by
	// itself: the first success after the database came back.
	for i, ph := range phases {
		var n503, nOK int
		var firstOK time.Time
		for _, o := range outcomes {
			if o.start.Before(ph.start) || !o.start.Before(ph.end) {
				continue
			}
			switch {
			case o.status == 503:
				n503++
			case o.status < 300:
				nOK++
				if firstOK.IsZero() || o.end.Before(firstOK) {
					firstOK = o.end
				}
			}
		}
		switch {
		case i%2 == 1 && n503 == 0:
			t.Errorf("%s: no 503 in %d answers", ph.name, nOK)
		case i%2 == 0 && nOK == 0:
			t.Errorf("%s: nothing succeeded (%d answers 503)", ph.name, n503)
		}
		msg := fmt.Sprintf("%s: %d ok, %d 503", ph.name, nOK, n503)
		if i > 0 && i%2 == 0 && !firstOK.IsZero() {
			msg += fmt.Sprintf(", first success %.2fs after the database came back", firstOK.Sub(ph.start).Seconds())
		}
		t.Log(msg)
	}
	t.Logf("%d answers in all; slowest %.2fs", len(outcomes), slowest.Seconds())

	// Whatever the outage cut off, the books keep their laws.
	out.Reset()
	if err := runVerify(ctx, direct, &out); err != nil {
		t.Fatalf("verify after the outages: %v\n%s", err, out.String())
	}
}

func runVerify(ctx context.Context, dbURL string, out io.Writer) error {
	return run(ctx, []string{"verify", "--database-url", dbURL}, noEnv, out, io.Discard)
}
