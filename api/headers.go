package api

import "github.com/gin-gonic/gin"

// headerPolicy is the security headers of one kind of answer. Every answer
// of the service gets exactly one policy, chosen here by path, so that the
// service's headers are in one place: the API's answers, the OpenAPI
// document, and the pages for people (/ and /docs, with the content
// security policy their stylesheet needs).
type headerPolicy map[string]string

var (
	// apiHeaders go with every API answer: JSON, problems, CSV and PDF
	// downloads. Nothing an API answer holds is to be run, framed, sniffed
	// into another type, kept in a shared cache or named in a Referer.
	apiHeaders = headerPolicy{
		"X-Content-Type-Options":  "nosniff",
		"Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
		"Referrer-Policy":         "no-referrer",
		// Answers carry an entity's books: no cache (a proxy's, or a
		// shared computer's browser) keeps a copy.
		"Cache-Control": "no-store",
	}
	// publicDocHeaders go with the OpenAPI document, which is the same
	// for everyone and holds no books data, so caches may keep it a while.
	publicDocHeaders = headerPolicy{
		"X-Content-Type-Options":  "nosniff",
		"Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
		"Referrer-Policy":         "no-referrer",
		"Cache-Control":           "public, max-age=300",
	}
	// pageHeaders go with the pages for people (/, /docs and its
	// stylesheet, docs.go): the same for everyone and without books data,
	// so caches may keep them a while. They run no script and load their
	// one stylesheet from this service, so everything is allowed from
	// here and nothing from anywhere else.
	pageHeaders = headerPolicy{
		"X-Content-Type-Options":  "nosniff",
		"Content-Security-Policy": "default-src 'self'",
		"Referrer-Policy":         "no-referrer",
		"Cache-Control":           "public, max-age=300",
	}
)

// policyFor is the policy of a request path.
func policyFor(path string) headerPolicy {
	switch path {
	case "/v1/openapi.json":
		return publicDocHeaders
	case homePath, docsPath, stylesheetPath:
		return pageHeaders
	}
	return apiHeaders
}

// securityHeaders sets the path's policy before the handler runs, so that
// problems, replays and streamed downloads carry it too; a handler sets
// only what is its own (Content-Type, Content-Disposition).
func (s *Server) securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	for k, v := range policyFor(c.Request.URL.Path) {
		h.Set(k, v)
	}
	c.Next()
}
