package api

import "backoffice/ledger"

// routes is the whole API on one page. Every route is also in openapi.json;
// TestOpenAPICoversRoutes fails when one is missing.
func (s *Server) routes() {
	r := s.engine
	r.GET("/healthz", s.healthz)
	r.GET("/readyz", s.readyz)
	r.GET("/v1/openapi.json", s.openapi)

	read := s.allow(ledger.RoleAdmin, ledger.RoleAccountant, ledger.RoleClient)
	write := s.allow(ledger.RoleAdmin, ledger.RoleAccountant)
	admin := s.allow(ledger.RoleAdmin)

	v1 := r.Group("/v1", s.authenticate, s.idempotent)
	v1.GET("/me", s.me)

	v1.POST("/api-keys", admin, s.createKey)
	v1.GET("/api-keys", admin, s.listKeys)
	v1.GET("/api-keys/:key", admin, s.getKey)
	v1.DELETE("/api-keys/:key", admin, s.revokeKey)

	v1.POST("/entities", admin, s.createEntity)
	v1.GET("/entities", read, s.listEntities)

	e := v1.Group("/entities/:entity", s.entityScope)
	e.GET("", read, s.getEntity)
	e.PATCH("", write, s.updateEntity)
	e.PUT("/lock-date", write, s.setLockDate)

	e.GET("/accounts", read, s.listAccounts)
	e.POST("/accounts", write, s.createAccount)
	e.GET("/accounts/:code", read, s.getAccount)
	e.PATCH("/accounts/:code", write, s.renameAccount)
	e.POST("/accounts/:code/archive", write, s.archiveAccount)
	e.POST("/accounts/:code/unarchive", write, s.unarchiveAccount)
	e.GET("/accounts/:code/balance", read, s.accountBalance)
	e.GET("/accounts/:code/ledger", read, s.accountLedger)

	e.GET("/entries", read, s.listEntries)
	e.POST("/entries", write, s.postEntry)
	e.GET("/entries/:id", read, s.getEntry)
	e.POST("/entries/:id/reverse", write, s.reverseEntry)

	e.GET("/reports/trial-balance", read, s.trialBalance)
}
