package vies

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
)

// Fake is a local stand-in for the VIES REST API, for tests and local
// runs: every number is valid except those marked Invalid; numbers marked
// Down answer MS_UNAVAILABLE, as a member state's service that is down.
type Fake struct {
	mu      sync.Mutex
	invalid map[string]bool
	down    map[string]bool
	calls   int
	last    map[string]string
	held    map[string]*hold
}

type hold struct{ arrived, release chan struct{} }

// NewFake starts nothing: serve it with Server or Handler.
func NewFake() *Fake { return &Fake{invalid: map[string]bool{}, down: map[string]bool{}} }

// Invalid makes VIES say number (with its prefix) is not valid.
func (f *Fake) Invalid(number string) { f.mu.Lock(); f.invalid[number] = true; f.mu.Unlock() }

// Down makes VIES fail for number (with its prefix), or for every number ("*").
func (f *Fake) Down(number string) { f.mu.Lock(); f.down[number] = true; f.mu.Unlock() }

// Hold makes the answer for number (with its prefix) wait until release
// is called; arrived is closed when the request for it has come in (tests
// of what waits for VIES).
func (f *Fake) Hold(number string) (arrived <-chan struct{}, release func()) {
	h := &hold{arrived: make(chan struct{}), release: make(chan struct{})}
	f.mu.Lock()
	if f.held == nil {
		f.held = map[string]*hold{}
	}
	f.held[number] = h
	f.mu.Unlock()
	var once sync.Once
	return h.arrived, func() { once.Do(func() { close(h.release) }) }
}

// Calls is how many checks were asked.
func (f *Fake) Calls() int { f.mu.Lock(); defer f.mu.Unlock(); return f.calls }

// Last is the last request's fields.
func (f *Fake) Last() map[string]string { f.mu.Lock(); defer f.mu.Unlock(); return f.last }

// Handler serves POST /check-vat-number.
func (f *Fake) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/check-vat-number") {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		var req map[string]string
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"actionSucceed":false,"errorWrappers":[{"error":"INVALID_INPUT"}]}`))
			return
		}
		n := req["countryCode"] + req["vatNumber"]
		f.mu.Lock()
		f.calls++
		f.last = req
		down, invalid := f.down[n] || f.down["*"], f.invalid[n]
		h := f.held[n]
		delete(f.held, n)
		f.mu.Unlock()
		if h != nil {
			close(h.arrived)
			select {
			case <-h.release:
			case <-r.Context().Done():
				return
			}
		}
		if down {
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte(`{"actionSucceed":false,"errorWrappers":[{"error":"MS_UNAVAILABLE","message":"member state service unavailable"}]}`))
			return
		}
		out := map[string]any{"countryCode": req["countryCode"], "vatNumber": req["vatNumber"], "requestDate": "2026-03-02T10:00:00.000Z",
			"valid": !invalid, "name": "---", "address": "---", "requestIdentifier": ""}
		if !invalid {
			out["name"], out["address"] = "FAKE TRADER "+n, "1 TEST STREET, TEST CITY"
		}
		if req["requesterNumber"] != "" {
			out["requestIdentifier"] = "WAPIFAKE" + n
		}
		_ = json.NewEncoder(w).Encode(out)
	})
}

// Server serves the fake on a local port; close it when done.
func (f *Fake) Server() *httptest.Server { return httptest.NewServer(f.Handler()) }
