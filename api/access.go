package api

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"backoffice/ledger"
)

// allow lets only the given roles through (403 otherwise). The refusal
// says what was refused in words ("void invoices") and which roles may do
// it, not the route pattern.
func (s *Server) allow(roles ...ledger.Role) gin.HandlerFunc {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	may := strings.Join(names, " or ")
	if len(names) > 2 {
		may = strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
	}
	return func(c *gin.Context) {
		p := principal(c)
		if !slices.Contains(roles, p.Role) {
			s.fail(c, &ledger.Error{Code: ledger.CodeForbidden, Reason: ledger.ReasonRoleForbidden,
				Message: fmt.Sprintf("a key with role %s may not %s; that takes a key with role %s", p.Role, actionOf(c.Request.Method, c.FullPath()), may),
				Details: map[string]any{"role": string(p.Role), "allowed_roles": names}})
			return
		}
		c.Next()
	}
}

// itemActions are the last segments of routes that act on one item
// ("POST .../invoices/{id}/void"), as opposed to sub-collections.
var itemActions = map[string]string{
	"issue": "issue", "void": "void", "reverse": "reverse", "archive": "archive", "unarchive": "unarchive",
	"accept": "accept", "fulfill": "fulfill", "cancel": "cancel", "invoice": "invoice", "apply": "apply",
	"redeliver": "redeliver", "close": "close", "auto-match": "match the statement lines of",
	"entry": "book entries from",
}

// actionWords name the routes whose words the rule below would get wrong.
var actionWords = map[string]string{
	"POST entries":         "post entries",
	"PUT lock-date":        "set the lock date",
	"POST orders":          "push orders",
	"POST orders/batch":    "push orders",
	"POST orders/invoice":  "invoice orders",
	"GET api-keys":         "read API keys",
	"GET api-keys/:key":    "read API keys",
	"POST api-keys":        "create API keys",
	"DELETE api-keys/:key": "revoke API keys",
}

// actionOf says what a request does in an accountant's words, from its
// method and route pattern: "GET .../invoices" reads invoices, "POST
// .../invoices/:id/void" voids them, "PATCH .../customers/:customer"
// changes customers.
func actionOf(method, route string) string {
	rest := strings.TrimPrefix(route, "/v1/")
	rest = strings.TrimPrefix(rest, "entities/:entity/")
	if w, ok := actionWords[method+" "+rest]; ok {
		return w
	}
	segs := strings.Split(rest, "/")
	last := segs[len(segs)-1]
	noun := func(seg string) string { return strings.ReplaceAll(seg, "-", " ") }
	// The collection a route is about: its last segment that is not a
	// parameter, or the one before an item action.
	coll := ""
	for i := len(segs) - 1; i >= 0; i-- {
		if !strings.HasPrefix(segs[i], ":") {
			coll = segs[i]
			if _, act := itemActions[segs[i]]; act && i > 0 && strings.HasPrefix(segs[i-1], ":") {
				continue
			}
			break
		}
	}
	if verb, act := itemActions[last]; act && len(segs) > 1 && strings.HasPrefix(segs[len(segs)-2], ":") && method == "POST" {
		return verb + " " + noun(coll)
	}
	switch method {
	case "GET":
		return "read " + noun(coll)
	case "POST":
		return "create " + noun(coll)
	case "PATCH", "PUT":
		return "change " + noun(coll)
	case "DELETE":
		return "delete " + noun(coll)
	}
	return strings.ToLower(method) + " " + noun(coll)
}
