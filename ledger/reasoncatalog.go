package ledger

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// The catalog of reasons is read from reasons.go itself, so that the one
// list and the reference the service serves at /docs cannot disagree: each
// const block of that file is an area (its comment names it), and each
// comment in a block gives the HTTP status of the constants under it and,
// after a colon, when they are answered.

//go:embed reasons.go
var reasonsSource []byte

// ReasonArea is one area of the list: a const block of reasons.go.
type ReasonArea struct {
	Title  string // the block's comment up to the colon or the "(docs/...)" that names its page
	Note   string // the rest of the comment, if any
	Groups []ReasonGroup
}

// ReasonGroup is the constants under one comment of an area.
type ReasonGroup struct {
	Status  int    // the HTTP status they are answered with
	When    string // when they are answered (may be empty)
	Reasons []Reason
}

// groupComment is "// 422" or "// 422: when".
var groupComment = regexp.MustCompile(`^([1-5][0-9][0-9])(?::\s*(.*))?$`)

// docsRef is the "(docs/api.md)" or "(docs/api.md, and ...)" that names an
// area's page in the repository.
var docsRef = regexp.MustCompile(`\s*\(docs/[^)]*\)`)

// ReasonCatalog is every reason of the list with its status and when it is
// answered, by area, in the order of reasons.go.
func ReasonCatalog() ([]ReasonArea, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "reasons.go", reasonsSource, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	var areas []ReasonArea
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		area := ReasonArea{}
		area.Title, area.Note = areaTitle(gd.Doc.Text())
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			if vs.Doc != nil {
				line := strings.TrimSpace(vs.Doc.Text())
				m := groupComment.FindStringSubmatch(strings.Join(strings.Fields(line), " "))
				if m == nil {
					return nil, fmt.Errorf("%s: the comment %q does not start with an HTTP status", fset.Position(vs.Pos()), line)
				}
				status, _ := strconv.Atoi(m[1])
				area.Groups = append(area.Groups, ReasonGroup{Status: status, When: m[2]})
			}
			if len(area.Groups) == 0 {
				return nil, fmt.Errorf("%s: a reason without a comment that gives its status", fset.Position(vs.Pos()))
			}
			g := &area.Groups[len(area.Groups)-1]
			for _, v := range vs.Values {
				lit, ok := v.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return nil, fmt.Errorf("%s: a reason that is not a string literal", fset.Position(v.Pos()))
				}
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					return nil, err
				}
				g.Reasons = append(g.Reasons, Reason(s))
			}
		}
		areas = append(areas, area)
	}
	return areas, nil
}

// knownReasons is every reason of the catalog, read once.
var knownReasons = sync.OnceValue(func() map[Reason]bool {
	areas, err := ReasonCatalog()
	if err != nil {
		panic(err) // reasons.go is embedded; its test keeps it readable
	}
	out := map[Reason]bool{}
	for _, a := range areas {
		for _, g := range a.Groups {
			for _, r := range g.Reasons {
				out[r] = true
			}
		}
	}
	return out
})

// Known says whether r is one of the list's reasons: tests of parsers
// check with it that every refusal speaks the one vocabulary.
func (r Reason) Known() bool { return knownReasons()[r] }

// areaTitle splits a const block's comment into a title and a note.
func areaTitle(doc string) (title, note string) {
	doc = strings.Join(strings.Fields(doc), " ")
	first, rest, _ := strings.Cut(doc, ". ")
	first = strings.TrimSuffix(docsRef.ReplaceAllString(first, ""), ".")
	rest = strings.TrimSpace(docsRef.ReplaceAllString(rest, ""))
	if t, n, ok := strings.Cut(first, ": "); ok {
		title, note = t, n
		if rest != "" {
			note += ". " + rest
		}
		return title, note
	}
	return first, rest
}
