package api

import "github.com/gin-gonic/gin"

// headerPolicy is the security headers of one kind of answer. Every answer
// of the service gets exactly one policy, chosen here by path, so that the
// service's headers are in one place: the pages for people will add a
// policy of their own (with the content security policy their scripts and
// styles need) beside these.
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
)

// policyFor is the policy of a request path.
func policyFor(path string) headerPolicy {
	if path == "/v1/openapi.json" {
		return publicDocHeaders
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
