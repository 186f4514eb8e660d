package ledger

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestDomainImports keeps the dependency rule true: the domain packages
// import no database, no web framework and nothing above them. (Date
// implements database/sql/driver's two small interfaces; that is allowed.)
func TestDomainImports(t *testing.T) {
	forbidden := []string{"gorm.io/", "github.com/gin-gonic/", "net/http", "database/sql", "backoffice/api", "backoffice/cmd", "backoffice/invoicing", "backoffice/ledger/sqlstore"}
	for _, dir := range []string{".", "money", "reports", "bank", "bank/camt053", "bank/csvstmt", "bank/match", "bank/pain001"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no Go files in %s: %v", dir, err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			ast, err := parser.ParseFile(token.NewFileSet(), f, src, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range ast.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				if path == "database/sql/driver" {
					continue
				}
				for _, bad := range forbidden {
					if path == bad || strings.HasPrefix(path, bad+"/") || (strings.HasSuffix(bad, "/") && strings.HasPrefix(path, bad)) {
						t.Errorf("%s imports %s; the domain must not depend on %s", f, path, bad)
					}
				}
			}
		}
	}
}
