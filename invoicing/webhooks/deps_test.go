package webhooks

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestDomainImports keeps this package a domain package: rules only, no
// database, no web framework, no HTTP (the worker's client lives in
// dispatch), nothing above it.
func TestDomainImports(t *testing.T) {
	forbidden := []string{"gorm.io/", "github.com/gin-gonic/", "net/http", "database/sql", "backoffice/api", "backoffice/cmd",
		"backoffice/ledger/sqlstore", "backoffice/invoicing/webhooks/"}
	files, err := filepath.Glob("*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files: %v", err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		ast, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range ast.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			for _, bad := range forbidden {
				if path == strings.TrimSuffix(bad, "/") || strings.HasPrefix(path, bad) || strings.HasPrefix(path, bad+"/") {
					t.Errorf("%s imports %s; the webhooks domain must not depend on %s", f, path, bad)
				}
			}
		}
	}
}
