// Package api serves the ledger over HTTP with gin: one JSON API for
// accountants, clients and integrations, each through a key scoped to the
// entities it may see. Errors are RFC 9457 problem bodies.
package api

import (
	"context"
	_ "embed"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"backoffice/invoicing"
	"backoffice/invoicing/orders"
	"backoffice/invoicing/purchases"
	"backoffice/invoicing/revaluation"
	"backoffice/invoicing/statements"
	"backoffice/invoicing/vatreturn"
	"backoffice/invoicing/webhooks"
	"backoffice/ledger"
	"backoffice/ledger/bank"
	"backoffice/ledger/reports"
	"backoffice/ledger/sqlstore"
)

// Store is what the API serves: the ledger, invoicing and orders, sharing
// units of work (invoicing/orders/orderstore implements it all). Write and
// IdemSave are the unit of work a write request runs in and the
// idempotency record kept in it (sqlstore.Store).
type Store interface {
	ledger.Store
	invoicing.Store
	orders.Store
	Write(ctx context.Context, fn func(tx *sqlstore.Tx) error) error
	IdemSave(tx *sqlstore.Tx, r *ledger.IdemRecord) error
	// The report builders' read-only snapshots.
	LedgerSnapshot(ctx context.Context, fn func(st reports.Store) error) error
	InvoicingSnapshot(ctx context.Context, fn func(st statements.Store) error) error
	// The ICP listing's read (invoicing/invstore/icp.go).
	ICPActivity(ctx context.Context, ent *ledger.Entity, from, to ledger.Date) (*statements.ICPActivity, error)
	// The VAT summary's input VAT (invoicing/invstore/vatinput.go).
	InputVAT(ctx context.Context, ent *ledger.Entity, from, to ledger.Date) ([]statements.InputVATRow, error)
}

// Services are the stores a request uses. Bound to a unit of work (Bind),
// every call they make runs in it.
type Services struct {
	Store     Store
	Hooks     webhooks.Store
	Bank      bank.Store
	Purchases purchases.Store
	// Revaluations: foreign currency revaluation.
	Revaluations revaluation.Store
	// VATReturns: the Dutch VAT return.
	VATReturns vatreturn.Store
}

// Config wires a Server.
type Config struct {
	Store     Store
	Hooks     webhooks.Store
	Bank      bank.Store
	Purchases purchases.Store
	// Revaluations: foreign currency revaluation.
	Revaluations revaluation.Store
	// VATReturns: the Dutch VAT return.
	VATReturns vatreturn.Store
	// Bind gives the services bound to a unit of work (each store's In);
	// required with Store. Write requests run their handler with it (see
	// unit).
	Bind         func(tx *sqlstore.Tx) Services
	Logger       *slog.Logger
	MaxBodyBytes int64 // request body limit (default 1 MiB)
	// MaxBatchBodyBytes limits order batches (default 16 MiB: 1,000
	// orders) and statement files.
	MaxBatchBodyBytes int64
	CacheTTL          time.Duration // how long key and entity lookups are reused (default 2s; changes through this process apply at once)
	// Probe says whether the database answers, for /readyz and
	// WatchDatabase (default Store.Ping). sqlstore.Store.Probe uses a
	// connection outside the pool, so that a busy pool is not an outage.
	Probe func(context.Context) error
	// Version is what /healthz says of the running binary (empty: nothing).
	Version string
	// TrustedProxies are the addresses and prefixes (ParseTrustedProxies)
	// whose X-Forwarded-For names the client. Empty: nobody's; the
	// client is the connection's remote address.
	TrustedProxies []string
}

// Server is the HTTP API.
type Server struct {
	store        Store
	hooks        webhooks.Store
	bank         bank.Store
	purchases    purchases.Store
	revaluations revaluation.Store
	vatReturns   vatreturn.Store
	bind         func(tx *sqlstore.Tx) Services
	version      string
	log          *slog.Logger
	maxBody      int64
	maxBatchBody int64
	keys         *ttlCache[string, *ledger.Principal] // by secret
	entities     *ttlCache[int64, *ledger.Entity]
	engine       *gin.Engine
	probe        func(context.Context) error
	gate         *dbGate
	authFails    *authThrottle
}

func init() { gin.SetMode(gin.ReleaseMode) }

// New builds the API's handler.
func New(cfg Config) *Server {
	s := &Server{store: cfg.Store, hooks: cfg.Hooks, bank: cfg.Bank, purchases: cfg.Purchases, revaluations: cfg.Revaluations, vatReturns: cfg.VATReturns, bind: cfg.Bind, version: cfg.Version, log: cfg.Logger, maxBody: cfg.MaxBodyBytes,
		probe: cfg.Probe, gate: newDBGate(), authFails: newAuthThrottle()}
	if s.store != nil && s.bind == nil {
		panic("api: Config.Bind is required with Config.Store")
	}
	if s.probe == nil {
		s.probe = func(ctx context.Context) error { return s.store.Ping(ctx) }
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.maxBody <= 0 {
		s.maxBody = 1 << 20
	}
	s.maxBatchBody = cfg.MaxBatchBodyBytes
	if s.maxBatchBody <= 0 {
		s.maxBatchBody = 16 << 20
	}
	ttl := cfg.CacheTTL
	if ttl == 0 {
		ttl = 2 * time.Second
	}
	s.keys = newTTLCache[string, *ledger.Principal](ttl)
	s.entities = newTTLCache[int64, *ledger.Entity](ttl)
	r := gin.New()
	if err := r.SetTrustedProxies(cfg.TrustedProxies); err != nil {
		panic(fmt.Sprintf("api: trusted proxies %q: %v (check them with ParseTrustedProxies)", cfg.TrustedProxies, err))
	}
	r.HandleMethodNotAllowed = true
	r.ContextWithFallback = true
	r.RedirectTrailingSlash = false // a problem body, not a 307, for a stray slash
	r.Use(s.requestIDAndLog, s.securityHeaders, s.recover, s.saneText, s.limitBody)
	r.NoRoute(func(c *gin.Context) {
		s.fail(c, ledger.Errorf(ledger.CodeNotFound, ledger.ReasonRouteNotFound, "no route %s %s", c.Request.Method, c.Request.URL.Path))
	})
	r.NoMethod(func(c *gin.Context) {
		s.fail(c, ledger.Errorf(ledger.CodeMethod, ledger.ReasonMethodNotAllowed, "%s is not allowed on %s", c.Request.Method, c.Request.URL.Path))
	})
	s.engine = r
	s.routes()
	return s
}

// ServeHTTP makes the Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.engine.ServeHTTP(w, r) }

// Routes lists the registered routes (gin's ":param" paths) for the
// OpenAPI coverage test.
func (s *Server) Routes() []gin.RouteInfo { return s.engine.Routes() }

func (s *Server) healthz(c *gin.Context) {
	h := gin.H{"status": "ok"}
	if s.version != "" {
		h["version"] = s.version
	}
	c.JSON(http.StatusOK, h)
}

func (s *Server) readyz(c *gin.Context) {
	// With the watcher running, its last probe is the answer: /readyz
	// needs no key, and probing on every call would let anyone crowd the
	// watcher's one probe connection until a probe timed out and the gate
	// closed on a healthy database.
	if s.gate.watched.Load() {
		if err := s.gate.unreachable(); err != nil {
			s.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, gin.H{"status": "ready"})
		return
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), probeTimeout)
	defer cancel()
	if err := s.probe(ctx); err != nil {
		s.fail(c, ledger.Unreachable(err))
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}

//go:embed openapi.json
var openapiDoc []byte

func (s *Server) openapi(c *gin.Context) { c.Data(http.StatusOK, "application/json", openapiDoc) }
