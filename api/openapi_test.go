package api

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// loadOpenAPI parses the embedded document served at GET /v1/openapi.json.
func loadOpenAPI(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(openapiDoc)
	if err != nil {
		t.Fatalf("api/openapi.json does not load: %v", err)
	}
	return doc
}

func TestOpenAPIDocumentIsValid(t *testing.T) {
	doc := loadOpenAPI(t)
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("api/openapi.json is not a valid OpenAPI 3 document: %v", err)
	}
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi = %q, want 3.0.3", doc.OpenAPI)
	}
}

// ginParam matches a gin path parameter such as :entity (or a *catchall).
var ginParam = regexp.MustCompile(`[:*]([A-Za-z0-9_]+)`)

// TestOpenAPICoversRoutes checks both directions: every registered route
// is documented, and every documented operation is a registered route.
func TestOpenAPICoversRoutes(t *testing.T) {
	doc := loadOpenAPI(t)
	// Routes are only registered, never called, so no store is needed
	// (nor its Ping: a probe that is never called stands in for it).
	s := New(Config{Probe: func(context.Context) error { return nil }})

	routes := map[string]bool{} // "get /v1/entities/{entity}"
	for _, r := range s.Routes() {
		routes[strings.ToLower(r.Method)+" "+ginParam.ReplaceAllString(r.Path, "{$1}")] = true
	}
	if len(routes) == 0 {
		t.Fatal("the server registered no routes")
	}

	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[strings.ToLower(method)+" "+path] = true
		}
	}

	var undocumented, unrouted []string
	for r := range routes {
		// HEAD is GET without the body (RFC 9110): the pages answer it,
		// documented by their GET.
		if path, ok := strings.CutPrefix(r, "head "); ok && documented["get "+path] {
			continue
		}
		if !documented[r] {
			undocumented = append(undocumented, r)
		}
	}
	for d := range documented {
		if !routes[d] {
			unrouted = append(unrouted, d)
		}
	}
	slices.Sort(undocumented)
	slices.Sort(unrouted)
	if len(undocumented) > 0 {
		t.Errorf("%d route(s) registered in routes.go but missing from api/openapi.json:\n\t%s",
			len(undocumented), strings.Join(undocumented, "\n\t"))
	}
	if len(unrouted) > 0 {
		t.Errorf("%d operation(s) in api/openapi.json that no route in routes.go serves:\n\t%s",
			len(unrouted), strings.Join(unrouted, "\n\t"))
	}
}
