// Package dispatch is the background worker that delivers webhook events:
// it claims due deliveries from the store, sends them signed, a bounded
// number at a time, and records each attempt with the retry it schedules.
package dispatch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"syscall"
	"time"

	"backoffice/invoicing/webhooks"
)

// Defaults of a Dispatcher's zero fields (and
// webhooks.DefaultEndpointBackoffMax for EndpointMax).
const (
	DefaultInterval    = 250 * time.Millisecond
	DefaultLease       = 60 * time.Second
	DefaultConcurrency = 8
	DefaultTimeout     = 10 * time.Second
)

// UserAgent names the sender to receivers.
const UserAgent = "backoffice-webhooks/1"

// Headers of a delivery besides the signature (webhooks.SignatureHeader).
const (
	HeaderEventID       = "Backoffice-Event-Id"
	HeaderEventType     = "Backoffice-Event-Type"
	HeaderEventSequence = "Backoffice-Event-Sequence"
	HeaderDeliveryID    = "Backoffice-Delivery-Id"
)

// Dispatcher delivers what Store has queued. Zero fields take the
// defaults above and webhooks.DefaultBackoffBase, DefaultBackoffMax and
// DefaultMaxAttempts.
type Dispatcher struct {
	Store  webhooks.Queue
	Policy webhooks.AddressPolicy // which addresses may be connected to
	// Client sends the requests. Leave it nil: the default client checks
	// every address it connects to against Policy, uses no proxy and
	// follows no redirect. A given client is used as it is, except that
	// redirects are never followed.
	Client      *http.Client
	Interval    time.Duration // how often to look for due deliveries when idle
	Lease       time.Duration // how long a claimed delivery is not given to another worker
	Base, Max   time.Duration // the retry backoff (webhooks.Backoff)
	MaxAttempts int           // attempts before a delivery is failed
	// EndpointMax caps the backoff of a failing endpoint
	// (webhooks.EndpointBackoff, from Base); at most Max.
	EndpointMax time.Duration
	// Concurrency is how many requests are in flight at most, over all
	// endpoints; one endpoint never has more than
	// webhooks.MaxInFlightPerEndpoint of them (over all servers).
	Concurrency int
	Timeout     time.Duration // for one request, connection to answer
	Logger      *slog.Logger
}

// Run delivers until ctx ends. Then it claims nothing more, lets the
// requests in flight finish (each bounded by Timeout), records them, and
// returns; what it had not claimed stays queued for the next start.
// Database errors are logged and retried at the next poll; Run returns
// only when ctx ends (with nil).
func (d *Dispatcher) Run(ctx context.Context) error {
	c := d.config()
	slots := make(chan struct{}, c.Concurrency)
	freed := make(chan struct{}, 1)
	var wg sync.WaitGroup
	defer func() {
		wg.Wait()
		// Nothing is left behind: no idle keep-alive connections (and
		// their goroutines) once Run has returned.
		c.Client.CloseIdleConnections()
	}()
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		case <-freed:
			// A slot came free: look again at once when the last claim
			// filled every slot (there may be more due).
		}
		free := c.Concurrency - len(slots)
		full := false
		if free > 0 {
			// The claim runs to its end even when ctx ends meanwhile: a
			// claim committed but cut off before its answer arrived would
			// leave its deliveries waiting out the lease (a minute by
			// default) for no reason. What it claims is sent below.
			cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.Timeout)
			jobs, err := c.Store.Claim(cctx, time.Now(), c.Lease, free)
			cancel()
			if err != nil && ctx.Err() == nil {
				c.Logger.Error("webhook claim failed", "error", err.Error())
			}
			for _, j := range jobs {
				slots <- struct{}{}
				wg.Add(1)
				go func() {
					defer wg.Done()
					c.deliver(ctx, j)
					<-slots
					select {
					case freed <- struct{}{}:
					default:
					}
				}()
			}
			full = len(jobs) == free
		}
		if !full {
			// Nothing more is due: wait for the next poll. When every slot
			// was filled, the next free slot wakes the loop (freed).
			if !timer.Stop() {
				select {
				case <-timer.C:
				default:
				}
			}
			timer.Reset(c.Interval)
		}
	}
}

// config returns d with defaults filled in.
func (d *Dispatcher) config() *Dispatcher {
	c := *d
	if c.Store == nil {
		panic("dispatch: Dispatcher without a Store")
	}
	if c.Interval <= 0 {
		c.Interval = DefaultInterval
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Lease <= 0 {
		c.Lease = DefaultLease
	}
	// A lease shorter than a request would let another worker send the
	// same delivery while this one still waits for the answer.
	c.Lease = max(c.Lease, c.Timeout+time.Second)
	if c.Base <= 0 {
		c.Base = webhooks.DefaultBackoffBase
	}
	if c.Max <= 0 {
		c.Max = webhooks.DefaultBackoffMax
	}
	if c.EndpointMax <= 0 {
		c.EndpointMax = webhooks.DefaultEndpointBackoffMax
	}
	c.EndpointMax = min(c.EndpointMax, c.Max)
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = webhooks.DefaultMaxAttempts
	}
	if c.Concurrency <= 0 {
		c.Concurrency = DefaultConcurrency
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Client == nil {
		c.Client = NewClient(c.Policy, c.Timeout)
	} else {
		cl := *c.Client
		cl.CheckRedirect = noRedirect
		c.Client = &cl
	}
	return &c
}

// noRedirect hands a 3xx back as the answer: a receiver that moved must be
// registered under its new URL (and a redirect could lead anywhere).
func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// NewClient is an HTTP client for webhooks: it connects only to addresses
// the policy allows, checked on every address DNS returns as the
// connection is made (so a name that resolves, or re-resolves, to a
// private address is refused), uses no proxy (that would hide the real
// target) and follows no redirect.
func NewClient(policy webhooks.AddressPolicy, timeout time.Duration) *http.Client {
	dialer := &net.Dialer{
		Timeout:   min(timeout, 10*time.Second),
		KeepAlive: 30 * time.Second,
		Control: func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("webhook target %s: address not allowed", address)
			}
			if !policy.Allowed(ap.Addr()) {
				return fmt.Errorf("webhook target %s: address not allowed (the server allows non-public addresses with --webhook-allow, BACKOFFICE_WEBHOOK_ALLOW)", ap.Addr())
			}
			return nil
		},
	}
	return &http.Client{
		Transport: &http.Transport{
			Proxy:                 nil,
			DialContext:           dialer.DialContext,
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          100,
			MaxIdleConnsPerHost:   4,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   min(timeout, 10*time.Second),
			ResponseHeaderTimeout: timeout,
		},
		CheckRedirect: noRedirect,
		Timeout:       timeout,
	}
}

// deliver sends one job and records the result. The request and the
// record run to their end even when ctx ends (bounded by Timeout), so that
// a shutdown does not waste an answer the receiver already gave.
func (d *Dispatcher) deliver(ctx context.Context, j *webhooks.Job) {
	bg := context.WithoutCancel(ctx)
	r := d.send(bg, j)
	if !r.Delivered {
		end := r.At.Add(r.Duration)
		if j.Round < d.MaxAttempts {
			r.RetryAt = end.Add(webhooks.Backoff(j.Round, d.Base, d.Max))
		}
		// The endpoint's own backoff, counted from its failures in a row
		// when this job was claimed (the store counts them exactly; this
		// is only how long to wait).
		if r.EndpointFailed() {
			if w := webhooks.EndpointBackoff(j.EndpointFailures+1, d.Base, d.EndpointMax); w > 0 {
				r.EndpointRetryAt = end.Add(w)
			}
		}
	}
	rctx, cancel := context.WithTimeout(bg, 30*time.Second)
	defer cancel()
	err := d.Store.Complete(rctx, j, r)
	attrs := []any{"entity_id", j.EntityID, "endpoint_id", j.EndpointID, "delivery_id", j.DeliveryID,
		"event_id", j.EventID, "event_type", j.EventType, "attempt", j.Attempt}
	switch {
	case errors.Is(err, webhooks.ErrLeaseLost):
		d.Logger.Info("webhook attempt superseded (lease ended or redelivered); its result is not recorded", attrs...)
		return
	case err != nil:
		// The delivery comes back after its lease and is sent again: the
		// receiver dedupes by event id.
		d.Logger.Error("webhook attempt not recorded", append(attrs, "error", err.Error())...)
		return
	}
	if r.StatusCode != 0 {
		attrs = append(attrs, "status_code", r.StatusCode)
	}
	attrs = append(attrs, "duration_ms", r.Duration.Milliseconds())
	switch {
	case r.Delivered:
		d.Logger.Debug("webhook delivered", attrs...)
	case r.RetryAt.IsZero():
		d.Logger.Error("webhook delivery failed for good", append(attrs, "error", r.Error)...)
	default:
		attrs = append(attrs, "error", r.Error, "next_attempt_at", r.RetryAt.UTC().Format(time.RFC3339))
		if !r.EndpointRetryAt.IsZero() {
			attrs = append(attrs, "endpoint_backoff_until", r.EndpointRetryAt.UTC().Format(time.RFC3339))
		}
		d.Logger.Warn("webhook attempt failed", attrs...)
	}
}

// send makes one attempt.
func (d *Dispatcher) send(ctx context.Context, j *webhooks.Job) *webhooks.Result {
	ctx, cancel := context.WithTimeout(ctx, d.Timeout)
	defer cancel()
	start := time.Now()
	r := &webhooks.Result{At: start.UTC()}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, j.URL, bytes.NewReader(j.Body))
	if err != nil {
		r.Error = "request: " + err.Error()
		return r
	}
	h := req.Header
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", UserAgent)
	h.Set(HeaderEventID, strconv.FormatInt(j.EventID, 10))
	h.Set(HeaderEventType, j.EventType)
	h.Set(HeaderEventSequence, strconv.FormatInt(j.Sequence, 10))
	h.Set(HeaderDeliveryID, strconv.FormatInt(j.DeliveryID, 10))
	h.Set(webhooks.SignatureHeader, webhooks.Sign(j.Secret, start, j.Body))
	resp, err := d.Client.Do(req)
	if err != nil {
		r.Duration = time.Since(start)
		r.Error = err.Error()
		if errors.Is(err, context.DeadlineExceeded) {
			r.Error = fmt.Sprintf("no answer within %s: %v", d.Timeout, err)
		}
		return r
	}
	head, _ := io.ReadAll(io.LimitReader(resp.Body, webhooks.MaxResponseBytes))
	// Read a little more so that the connection can be reused, no more:
	// the answer's body means nothing beyond its start.
	_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
	resp.Body.Close()
	r.Duration = time.Since(start)
	r.StatusCode = resp.StatusCode
	r.Response = string(head)
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		r.Delivered = true
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		r.Error = fmt.Sprintf("HTTP %d: redirects are not followed (Location %q); register the final URL", resp.StatusCode, resp.Header.Get("Location"))
	default:
		r.Error = fmt.Sprintf("HTTP %d", resp.StatusCode)
	}
	return r
}
