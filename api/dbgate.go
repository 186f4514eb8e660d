package api

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"backoffice/ledger"
)

// dbGate keeps requests from waiting on a database that cannot be reached.
// A watcher probes the database every second on a connection of its own
// (see WatchDatabase). While a probe fails, every route that needs the
// database answers 503 database_unreachable at once, and the requests that
// were already waiting are cancelled and answered the same way: a request
// on a connection whose packets are dropped would otherwise hang until the
// operating system gives up on TCP, minutes later. The first probe that
// succeeds opens the gate again.
type dbGate struct {
	mu       sync.Mutex
	down     error // the failed probe's error while the database is unreachable
	next     uint64
	inflight map[uint64]context.CancelCauseFunc
	watched  atomic.Bool // a watcher probes (then /readyz answers from the gate)
}

// errDatabaseGone is the cause of a request cancelled by the gate.
var errDatabaseGone = errors.New("the database became unreachable")

func newDBGate() *dbGate { return &dbGate{inflight: map[uint64]context.CancelCauseFunc{}} }

// enter registers a request; it returns the error to answer with when the
// database is known to be unreachable, else the request's context (cancelled
// should the database go away) and the function that ends the registration.
func (g *dbGate) enter(ctx context.Context) (context.Context, func(), error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.down != nil {
		return nil, nil, g.down
	}
	ctx, cancel := context.WithCancelCause(ctx)
	id := g.next
	g.next++
	g.inflight[id] = cancel
	return ctx, func() {
		g.mu.Lock()
		delete(g.inflight, id)
		g.mu.Unlock()
		cancel(nil)
	}, nil
}

// set records a probe's result. It reports whether the state changed.
func (g *dbGate) set(err error) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	changed := (g.down == nil) != (err == nil)
	if err != nil {
		if g.down == nil {
			for id, cancel := range g.inflight {
				cancel(errDatabaseGone)
				delete(g.inflight, id)
			}
		}
		g.down = err
		return changed
	}
	g.down = nil
	return changed
}

// unreachable is the error while the gate is closed, or nil.
func (g *dbGate) unreachable() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.down
}

// Probe timing: a probe every second that may take up to two, so that an
// outage shows within three seconds (well inside a client's usual retry
// budget) while a database merely slow under load is not called gone.
const (
	probeEvery   = time.Second
	probeTimeout = 2 * time.Second
)

// WatchDatabase probes the database until ctx ends (serve runs it), closing
// the gate while the probe fails and opening it when it succeeds again.
func (s *Server) WatchDatabase(ctx context.Context) {
	s.gate.watched.Store(true)
	defer s.gate.watched.Store(false)
	t := time.NewTicker(probeEvery)
	defer t.Stop()
	for {
		pctx, cancel := context.WithTimeout(ctx, probeTimeout)
		err := s.probe(pctx)
		cancel()
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			err = ledger.Unreachable(err)
		}
		if s.gate.set(err) {
			if err != nil {
				s.log.Error("database unreachable; answering 503 until it is back", "error", ledger.As(err).Error())
			} else {
				s.log.Info("database reachable again")
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// needsDatabase guards the routes that read or write the books (see dbGate).
func (s *Server) needsDatabase(c *gin.Context) {
	ctx, leave, err := s.gate.enter(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	defer leave()
	c.Request = c.Request.WithContext(ctx)
	c.Next()
}

// goneCause is the gate's error if the request was cancelled because the
// database went away, else nil.
func (s *Server) goneCause(c *gin.Context) error {
	if !errors.Is(context.Cause(c.Request.Context()), errDatabaseGone) {
		return nil
	}
	if err := s.gate.unreachable(); err != nil {
		return err
	}
	return ledger.Unreachable(errDatabaseGone)
}
