package ledger_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/constant"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// The reasons test keeps one vocabulary: every error reason is a constant
// of ledger/reasons.go, code names reasons only by those constants, and the
// error-reason tables of docs/*.md list exactly the constants (no more, no
// fewer). It type-checks the module's non-test sources, so it sees a
// literal wherever one ends up as a ledger.Reason: an argument of Errorf,
// Problems.Add or a package's own helper, a Reason field, a comparison.

const (
	ledgerPath  = "backoffice/ledger"
	reasonsFile = "reasons.go" // in the ledger package
)

// TestReasonsOneList fails on a string literal used as a reason outside
// the list, on a constant no code uses, and on a Reason* constant of
// another package that is not the list's.
func TestReasonsOneList(t *testing.T) {
	src := loadModule(t)
	if len(src.list) < 100 {
		t.Fatalf("found %d reason constants in ledger/%s; the list is missing or was not recognised", len(src.list), reasonsFile)
	}
	for _, l := range src.literals {
		t.Errorf("%s: reason %s is a string literal; use the constant from ledger/%s (add it there, and to a docs table, if new)", l.pos, l.value, reasonsFile)
	}
	for _, c := range src.strays {
		t.Error(c)
	}
	names := map[string]string{}
	for name, v := range src.list {
		names[v] = name
	}
	// A money reason reaches the API through ledger.Reason(ae.Reason): it
	// counts as a use of the list constant of the same value.
	moneyUsed := map[string]bool{}
	for _, s := range src.moneyValues {
		if name, ok := names[s.value]; ok {
			moneyUsed[name] = true
		} else {
			t.Errorf("%s: money.%s is %q, which is not a reason of ledger/%s", s.pos, s.name, s.value, reasonsFile)
		}
	}
	var unused []string
	for name, c := range src.list {
		if src.used[name] == 0 && !moneyUsed[name] {
			unused = append(unused, fmt.Sprintf("%s (%q)", name, c))
		}
	}
	sort.Strings(unused)
	for _, u := range unused {
		t.Errorf("reason constant %s is used by no code: remove it from ledger/%s and from the docs", u, reasonsFile)
	}
}

// TestReasonsDocumented fails when a reason of the list is in no
// error-reason table of docs/*.md, or such a table names a reason that is
// not in the list.
func TestReasonsDocumented(t *testing.T) {
	src := loadModule(t)
	docs := docReasons(t, filepath.Join(src.root, "docs"))
	if len(docs) < 100 {
		t.Fatalf("found %d reasons in the docs tables; the tables were not recognised", len(docs))
	}
	values := map[string]string{}
	for name, v := range src.list {
		values[v] = name
	}
	var missing []string
	for v, name := range values {
		if _, ok := docs[v]; !ok {
			missing = append(missing, fmt.Sprintf("%s (%s)", v, name))
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("reason %s is in no error-reason table of docs/*.md: add it to the table of its area with when it is answered", m)
	}
	var unknown []string
	for v, where := range docs {
		if _, ok := values[v]; !ok {
			unknown = append(unknown, fmt.Sprintf("%s (%s)", v, strings.Join(where, ", ")))
		}
	}
	sort.Strings(unknown)
	for _, u := range unknown {
		t.Errorf("the docs name reason %s, which is not a constant of ledger/%s: the code cannot answer it", u, reasonsFile)
	}
}

type literal struct {
	pos   token.Position
	value string
}

type module struct {
	root     string
	list     map[string]string // constant name -> value, from ledger/reasons.go
	used     map[string]int    // constant name -> uses outside its declaration
	literals []literal
	strays   []string
	// moneyValues are ledger/money's plain-string reasons: money cannot
	// import ledger, so it spells its four; they must be list values.
	moneyValues []stray
}

var (
	loaded    *module
	loadedErr error
)

// loadModule type-checks every non-test package of the module from source,
// with its imports read from the compiler's export data (go list -export).
func loadModule(t *testing.T) *module {
	t.Helper()
	if loaded == nil && loadedErr == nil {
		loaded, loadedErr = load()
	}
	if loadedErr != nil {
		t.Fatal(loadedErr)
	}
	return loaded
}

func load() (*module, error) {
	root, err := moduleRoot()
	if err != nil {
		return nil, err
	}
	// The test cache sees only what the test itself opens, not what the
	// go command below reads: opening every folder of the module makes a
	// new file or package anywhere run the test again instead of
	// answering "(cached)".
	if err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata") {
			return filepath.SkipDir
		}
		_, err = os.ReadDir(path)
		return err
	}); err != nil {
		return nil, err
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		return nil, fmt.Errorf("the go command is needed to read the packages: %v", err)
	}
	cmd := exec.Command(goTool, "list", "-export", "-deps", "-json=ImportPath,Dir,Export,GoFiles,Module", "./...")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %v\n%s", err, stderr.String())
	}
	type listed struct {
		ImportPath string
		Dir        string
		Export     string
		GoFiles    []string
		Module     *struct{ Main bool }
	}
	exports := map[string]string{}
	var own []listed
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p listed
		if err := dec.Decode(&p); err != nil {
			return nil, err
		}
		exports[p.ImportPath] = p.Export
		if p.Module != nil && p.Module.Main {
			own = append(own, p)
		}
	}
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		if exports[path] == "" {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(exports[path])
	})
	m := &module{root: root, list: map[string]string{}, used: map[string]int{}}
	for _, p := range own {
		var files []*ast.File
		for _, name := range p.GoFiles {
			f, err := parser.ParseFile(fset, filepath.Join(p.Dir, name), nil, 0)
			if err != nil {
				return nil, err
			}
			files = append(files, f)
		}
		info := &types.Info{
			Types: map[ast.Expr]types.TypeAndValue{},
			Defs:  map[*ast.Ident]types.Object{},
			Uses:  map[*ast.Ident]types.Object{},
		}
		conf := types.Config{Importer: imp}
		pkg, err := conf.Check(p.ImportPath, fset, files, info)
		if err != nil {
			return nil, fmt.Errorf("type-checking %s: %v", p.ImportPath, err)
		}
		m.inspect(fset, pkg, files, info)
	}
	return m, nil
}

func isReason(t types.Type) bool {
	n, ok := t.(*types.Named)
	return ok && n.Obj().Name() == "Reason" && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == ledgerPath
}

func (m *module) inspect(fset *token.FileSet, pkg *types.Package, files []*ast.File, info *types.Info) {
	inList := func(pos token.Pos) bool {
		f := fset.Position(pos).Filename
		return pkg.Path() == ledgerPath && filepath.Base(f) == reasonsFile
	}
	// The list itself, and constants named Reason* elsewhere.
	for id, obj := range info.Defs {
		c, ok := obj.(*types.Const)
		if !ok || c.Parent() != pkg.Scope() {
			continue
		}
		switch {
		case inList(id.Pos()) && isReason(c.Type()):
			m.list[c.Name()] = constant.StringVal(c.Val())
		case isReason(c.Type()) && c.Val().Kind() == constant.String:
			// An alias of a list constant (ledger.ReasonX) is fine; a
			// new value is caught below as a literal.
		case strings.HasPrefix(c.Name(), "Reason") && c.Val().Kind() == constant.String:
			// Spelled as a plain string: only ledger/money may (ledger
			// imports it), and only with values of the list.
			if pkg.Path() != ledgerPath+"/money" {
				m.strays = append(m.strays, fmt.Sprintf("%s: %s.%s is a plain string reason; make it a ledger.Reason from ledger/%s",
					fset.Position(id.Pos()), pkg.Name(), c.Name(), reasonsFile))
			} else {
				m.moneyValues = append(m.moneyValues, stray{fset.Position(id.Pos()), c.Name(), constant.StringVal(c.Val())})
			}
		}
	}
	for _, obj := range info.Uses {
		if c, ok := obj.(*types.Const); ok && isReason(c.Type()) && c.Pkg() != nil && c.Pkg().Path() == ledgerPath {
			m.used[c.Name()]++
		}
	}
	for _, f := range files {
		if inList(f.Pos()) {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.BasicLit:
				if n.Kind == token.STRING && isReason(info.Types[n].Type) {
					m.literals = append(m.literals, literal{fset.Position(n.Pos()), n.Value})
				}
			case *ast.CallExpr: // ledger.Reason("x")
				if tv := info.Types[n.Fun]; tv.IsType() && isReason(tv.Type) && len(n.Args) == 1 {
					if lit, ok := ast.Unparen(n.Args[0]).(*ast.BasicLit); ok && !isReason(info.Types[lit].Type) {
						m.literals = append(m.literals, literal{fset.Position(lit.Pos()), lit.Value})
					}
				}
			}
			return true
		})
	}
}

type stray struct {
	pos         token.Position
	name, value string
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the test's directory")
		}
		dir = parent
	}
}

var (
	backticked = regexp.MustCompile("`([a-z0-9]+(?:_[a-z0-9]+)*)`")
	separator  = regexp.MustCompile(`^[\s|:-]+$`)
)

// docReasons reads the reason column of every Markdown table in dir whose
// header has a column named "reason": the backticked snake_case words in
// it, with the files that name each.
func docReasons(t *testing.T, dir string) map[string][]string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no docs in %s: %v", dir, err)
	}
	out := map[string][]string{}
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		col := -1
		for _, line := range strings.Split(string(b), "\n") {
			if !strings.HasPrefix(line, "|") {
				col = -1
				continue
			}
			cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
			for i := range cells {
				cells[i] = strings.TrimSpace(cells[i])
			}
			if col == -2 {
				continue // a table without a reason column
			}
			if col < 0 {
				col = slices.Index(cells, "reason")
				if col < 0 {
					col = -2 // a table without a reason column: skip it
				}
				continue
			}
			if separator.MatchString(line) || col >= len(cells) {
				continue
			}
			for _, m := range backticked.FindAllStringSubmatch(cells[col], -1) {
				base := filepath.Base(name)
				if !slices.Contains(out[m[1]], base) {
					out[m[1]] = append(out[m[1]], base)
				}
			}
		}
	}
	return out
}
