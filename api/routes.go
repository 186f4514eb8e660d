package api

import "backoffice/ledger"

// routes is the whole API on one page. Every route is also in openapi.json;
// TestOpenAPICoversRoutes fails when one is missing.
func (s *Server) routes() {
	r := s.engine
	r.GET("/healthz", s.healthz)
	r.GET("/readyz", s.readyz)
	r.GET("/v1/openapi.json", s.openapi)

	// Every write checks the role (after the key, and for entity routes
	// after the entity's scope) before idempotency: a key that may not
	// write must not make the server read its body or open a transaction.
	read := s.allow(ledger.RoleAdmin, ledger.RoleAccountant, ledger.RoleClient)
	write := s.allow(ledger.RoleAdmin, ledger.RoleAccountant)
	admin := s.allow(ledger.RoleAdmin)
	idem := s.idempotent

	v1 := r.Group("/v1", s.authenticate)
	v1.GET("/me", s.me)

	v1.POST("/api-keys", admin, idem, s.createKey)
	v1.GET("/api-keys", admin, s.listKeys)
	v1.GET("/api-keys/:key", admin, s.getKey)
	v1.DELETE("/api-keys/:key", admin, idem, s.revokeKey)

	v1.POST("/entities", admin, idem, s.createEntity)
	v1.GET("/entities", read, s.listEntities)

	e := v1.Group("/entities/:entity", s.entityScope)
	e.GET("", read, s.getEntity)
	e.PATCH("", write, idem, s.updateEntity)
	e.PUT("/lock-date", write, idem, s.setLockDate)
	e.GET("/audit-events", read, s.auditEvents)

	e.GET("/accounts", read, s.listAccounts)
	e.POST("/accounts", write, idem, s.createAccount)
	e.GET("/accounts/:code", read, s.getAccount)
	e.PATCH("/accounts/:code", write, idem, s.renameAccount)
	e.POST("/accounts/:code/archive", write, idem, s.archiveAccount)
	e.POST("/accounts/:code/unarchive", write, idem, s.unarchiveAccount)
	e.GET("/accounts/:code/balance", read, s.accountBalance)
	e.GET("/accounts/:code/ledger", read, s.accountLedger)

	e.GET("/entries", read, s.listEntries)
	e.POST("/entries", write, idem, s.postEntry)
	e.GET("/entries/:id", read, s.getEntry)
	e.POST("/entries/:id/reverse", write, idem, s.reverseEntry)

	e.GET("/reports/trial-balance", read, s.trialBalance)
}
