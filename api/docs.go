package api

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"backoffice/ledger"
)

// The pages for people: / (a home page linking the reference and the
// OpenAPI document) and /docs, the API reference, rendered here from the
// embedded api/openapi.json with html/template, with the list of error
// reasons read from ledger/reasons.go (ledger.ReasonCatalog). The pages
// have no script; their one stylesheet is served by the binary at
// /docs/style.css, so that they hold to Content-Security-Policy
// "default-src 'self'" (see pageHeaders) and ask no other host for
// anything. They need no key and no database.

// The paths of the pages (policyFor gives them pageHeaders).
const (
	homePath       = "/"
	docsPath       = "/docs"
	stylesheetPath = "/docs/style.css"
)

//go:embed pages
var pageFiles embed.FS

// staticPage is a rendered page, gzipped as well (the reference is some
// 700 kB of HTML and 80 kB gzipped: a phone should not wait for the
// rest), with a validator for each.
type staticPage struct {
	body, gz     []byte
	contentType  string
	etag, gzETag string
}

func newStaticPage(body []byte, contentType string) (*staticPage, error) {
	var gz bytes.Buffer
	w, err := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(body); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(body)
	tag := hex.EncodeToString(sum[:12])
	return &staticPage{body: body, gz: gz.Bytes(), contentType: contentType, etag: `"` + tag + `"`, gzETag: `"` + tag + `-gzip"`}, nil
}

// serve answers GET and HEAD (no body) with the page, gzipped for a
// client that accepts it, and 304 to a request that has it already
// (If-None-Match; the page has no date, so If-Modified-Since does not
// apply).
func (p *staticPage) serve(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Type", p.contentType)
	h.Add("Vary", "Accept-Encoding")
	body, etag := p.body, p.etag
	if acceptsGzip(c.GetHeader("Accept-Encoding")) {
		body, etag = p.gz, p.gzETag
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("ETag", etag)
	if matches(c.GetHeader("If-None-Match"), etag) {
		h.Del("Content-Type")
		c.Status(http.StatusNotModified)
		return
	}
	// The whole page, always: a Range is ignored, as HTTP allows.
	h.Set("Content-Length", strconv.Itoa(len(body)))
	c.Status(http.StatusOK)
	if c.Request.Method != http.MethodHead {
		_, _ = c.Writer.Write(body)
	}
}

// matches says whether an If-None-Match names the ETag (weakly, as it
// compares) or is "*".
func matches(ifNoneMatch, etag string) bool {
	for _, t := range strings.Split(ifNoneMatch, ",") {
		if t = strings.TrimPrefix(strings.TrimSpace(t), "W/"); t == etag || t == "*" {
			return true
		}
	}
	return false
}

// acceptsGzip says whether an Accept-Encoding names gzip (or *) without
// q=0.
func acceptsGzip(accept string) bool {
	for _, part := range strings.Split(accept, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != "gzip" && coding != "*" {
			continue
		}
		if q, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q="); ok {
			if v, err := strconv.ParseFloat(q, 64); err == nil && v == 0 {
				continue
			}
		}
		return true
	}
	return false
}

// The pages are built once, on first use, from what is embedded in the
// binary; TestDocsPage builds them, so a document the builder cannot read
// fails the tests rather than a request.
var (
	referencePage = sync.OnceValues(func() (*staticPage, error) {
		b, err := renderPage("reference.html", buildReference)
		if err != nil {
			return nil, err
		}
		return newStaticPage(b, "text/html; charset=utf-8")
	})
	homePage = sync.OnceValues(func() (*staticPage, error) {
		b, err := renderPage("home.html", buildHome)
		if err != nil {
			return nil, err
		}
		return newStaticPage(b, "text/html; charset=utf-8")
	})
	stylesheet = sync.OnceValues(func() (*staticPage, error) {
		b, err := pageFiles.ReadFile("pages/style.css")
		if err != nil {
			return nil, err
		}
		return newStaticPage(b, "text/css; charset=utf-8")
	})
)

func renderPage(name string, build func() (any, error)) ([]byte, error) {
	t, err := template.New("").Funcs(template.FuncMap{"breakable": breakable}).ParseFS(pageFiles, "pages/*.html")
	if err != nil {
		return nil, err
	}
	v, err := build()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, name, v); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return b.Bytes(), nil
}

// servePage answers with a page, or a 500 problem if it cannot be built.
func (s *Server) servePage(get func() (*staticPage, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, err := get()
		if err != nil {
			s.fail(c, ledger.Internal(err))
			return
		}
		p.serve(c)
	}
}

// home is GET /: the home page for a browser; a client that asks for
// JSON (Accept names application/json and not text/html) gets the same
// links as JSON.
func (s *Server) home(c *gin.Context) {
	c.Writer.Header().Add("Vary", "Accept")
	if accept := c.GetHeader("Accept"); strings.Contains(accept, "application/json") && !strings.Contains(accept, "text/html") {
		info, err := openapiInfo()
		if err != nil {
			s.fail(c, ledger.Internal(err))
			return
		}
		s.writeJSON(c, http.StatusOK, gin.H{"title": info.title, "api_version": info.version,
			"docs": docsPath, "openapi": "/v1/openapi.json", "health": "/healthz"})
		return
	}
	s.servePage(homePage)(c)
}

// docInfo is the document's title and version.
type docInfo struct{ title, version string }

var openapiInfo = sync.OnceValues(func() (docInfo, error) {
	root, err := parseOrdered(openapiDoc)
	if err != nil {
		return docInfo{}, err
	}
	return docInfo{root.get("info").s("title"), root.get("info").s("version")}, nil
})

type homeView struct {
	Title, Version string
}

func buildHome() (any, error) {
	info, err := openapiInfo()
	if err != nil {
		return nil, err
	}
	return homeView{Title: info.title, Version: info.version}, nil
}

// The reference's view: everything the template shows, made safe here
// (every template.HTML below is built from escaped text).
type (
	referenceView struct {
		Title, Version string
		Intro          template.HTML
		Auth           template.HTML // the security scheme's description
		Roles          template.HTML // the Role schema's description
		Idempotency    template.HTML
		Limit, Cursor  template.HTML
		Headers        []headerView // components.headers
		Problem        []fieldView
		Shared         []sharedResponse
		AuthBurst      int
		AuthPerSecond  int
		Throttled      template.HTML // the 429 response's description
		Unavailable    template.HTML // the 503 response's description
		Tags           []tagView
		Schemas        []schemaView
		Reasons        []reasonArea
		Operations     int
	}
	tagView struct {
		ID, Name string
		Heading  string
		Desc     template.HTML
		Ops      []opView
	}
	opView struct {
		ID, Method, Path, Summary string
		Desc                      template.HTML
		Roles                     []string
		NoKey, Deprecated         bool
		Params                    []paramView
		Body                      *bodyView
		Responses                 []responseView
		Errors                    []errorLink
	}
	paramView struct {
		Name, In             string
		Required, Deprecated bool
		Type                 template.HTML
		Desc                 template.HTML
		Notes                []template.HTML
	}
	bodyView struct {
		Required bool
		Desc     template.HTML
		Contents []contentView
	}
	contentView struct {
		Type   string
		Schema template.HTML
		Desc   template.HTML
		Notes  []template.HTML
		Fields []fieldView
	}
	responseView struct {
		Status, Text string
		Desc         template.HTML
		Headers      []headerView
		Contents     []contentView
	}
	errorLink  struct{ Status, Name, ID string }
	headerView struct {
		ID, Name string
		Desc     template.HTML
	}
	sharedResponse struct {
		ID, Name, Status string
		Desc             template.HTML
		Headers          []headerView
	}
	fieldView struct {
		Name     string
		Required bool
		Type     template.HTML
		Desc     template.HTML
		Notes    []template.HTML
		Fields   []fieldView
	}
	schemaView struct {
		ID, Name string
		Desc     template.HTML
		Type     template.HTML
		Extends  []template.HTML
		Notes    []template.HTML
		Fields   []fieldView
	}
	reasonArea struct {
		ID, Title string
		Note      string
		Groups    []reasonGroup
	}
	reasonGroup struct {
		Status, Text string
		When         template.HTML
		Reasons      []reasonView
	}
	reasonView struct{ ID, Reason string }
)

// refBuilder turns the document into the view.
type refBuilder struct {
	root *node
	ids  map[string]string // anchor -> what it is, to refuse two of one
}

func (b *refBuilder) id(id, what string) (string, error) {
	if prev, ok := b.ids[id]; ok {
		return "", fmt.Errorf("anchor %q is both %s and %s", id, prev, what)
	}
	b.ids[id] = what
	return id, nil
}

// httpMethods are the operations of a path item, in the order shown.
var httpMethods = []string{"get", "head", "post", "put", "patch", "delete", "options", "trace"}

const schemaRefPrefix = "#/components/schemas/"

func buildReference() (any, error) {
	root, err := parseOrdered(openapiDoc)
	if err != nil {
		return nil, err
	}
	b := &refBuilder{root: root, ids: map[string]string{}}
	for _, fixed := range []string{"main", "overview", "authentication", "idempotency", "lists", "errors", "error-responses",
		"rate-limits", "headers", "operations", "schemas", "reasons"} {
		b.ids[fixed] = "a section of the page"
		b.ids[fixed+"-h"] = "a heading of the page"
	}
	comps := root.get("components")
	info := root.get("info")
	v := &referenceView{
		Title:         info.s("title"),
		Version:       info.s("version"),
		Intro:         markdown(info.s("description")),
		Auth:          markdown(comps.get("securitySchemes").get("bearerAuth").s("description")),
		Roles:         markdown(comps.get("schemas").get("Role").s("description")),
		Idempotency:   markdown(comps.get("parameters").get("IdempotencyKey").s("description")),
		Limit:         inline(comps.get("parameters").get("Limit").s("description")),
		Cursor:        inline(comps.get("parameters").get("Cursor").s("description")),
		Problem:       b.fields(comps.get("schemas").get("Problem"), 0),
		AuthBurst:     authFailBurst,
		AuthPerSecond: authFailPerSecond,
		Throttled:     inline(comps.get("responses").get("TooManyRequests").s("description")),
		Unavailable:   inline(comps.get("responses").get("ServiceUnavailable").s("description")),
	}
	for _, name := range comps.get("headers").members() {
		id, err := b.id("header-"+name, "header "+name)
		if err != nil {
			return nil, err
		}
		v.Headers = append(v.Headers, headerView{ID: id, Name: name, Desc: inline(comps.get("headers").get(name).s("description"))})
	}

	// Operations by tag: the tags in the document's order, each with its
	// operations in the order of the paths.
	tags := map[string]*tagView{}
	var order []string
	addTag := func(name string, desc string) (*tagView, error) {
		if t, ok := tags[name]; ok {
			return t, nil
		}
		id, err := b.id("tag-"+anchorOf(name), "tag "+name)
		if err != nil {
			return nil, err
		}
		t := &tagView{ID: id, Name: name, Heading: upperFirst(name), Desc: markdown(desc)}
		tags[name] = t
		order = append(order, name)
		return t, nil
	}
	if t := root.get("tags"); t != nil {
		for _, tag := range t.arr {
			if _, err := addTag(tag.s("name"), tag.s("description")); err != nil {
				return nil, err
			}
		}
	}
	shared := map[string]string{} // shared response -> the status it is used with first
	paths := root.get("paths")
	for _, path := range paths.members() {
		item := paths.get(path)
		for _, method := range httpMethods {
			op := item.get(method)
			if op == nil {
				continue
			}
			ov, err := b.operation(item, op, method, path, shared)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", strings.ToUpper(method), path, err)
			}
			tag := "other"
			if t := op.strings("tags"); len(t) > 0 {
				tag = t[0]
			}
			tv, err := addTag(tag, "")
			if err != nil {
				return nil, err
			}
			tv.Ops = append(tv.Ops, ov)
			v.Operations++
		}
	}
	for _, name := range order {
		if t := tags[name]; len(t.Ops) > 0 {
			v.Tags = append(v.Tags, *t)
		}
	}

	// The shared responses, with the status they go with.
	responses := comps.get("responses")
	for _, name := range responses.members() {
		r := responses.get(name)
		id, err := b.id("response-"+name, "response "+name)
		if err != nil {
			return nil, err
		}
		status := shared[name]
		if status == "" {
			continue // used by no operation
		}
		v.Shared = append(v.Shared, sharedResponse{ID: id, Name: name, Status: status, Desc: inline(r.s("description")), Headers: b.headers(r)})
	}

	// By status; default (the unexpected) last.
	slices.SortStableFunc(v.Shared, func(x, y sharedResponse) int { return cmp.Compare(statusOrder(x.Status), statusOrder(y.Status)) })

	schemas := comps.get("schemas")
	for _, name := range schemas.members() {
		s := schemas.get(name)
		id, err := b.id("schema-"+name, "schema "+name)
		if err != nil {
			return nil, err
		}
		sv := schemaView{ID: id, Name: name, Desc: markdown(s.s("description")), Type: b.label(s), Notes: notes(s)}
		for _, part := range s.get("allOf").arrOrNil() {
			if ref := part.s("$ref"); ref != "" {
				if _, props, _ := b.objectMembers(part, 0); len(props) > 0 {
					sv.Extends = append(sv.Extends, b.refLink(ref))
				}
			}
		}
		sv.Fields = b.fields(s, 0)
		v.Schemas = append(v.Schemas, sv)
	}

	areas, err := ledger.ReasonCatalog()
	if err != nil {
		return nil, err
	}
	for _, a := range areas {
		id, err := b.id("reasons-"+anchorOf(a.Title), "reasons of "+a.Title)
		if err != nil {
			return nil, err
		}
		ra := reasonArea{ID: id, Title: a.Title, Note: upperFirst(a.Note)}
		for _, g := range a.Groups {
			rg := reasonGroup{Status: strconv.Itoa(g.Status), Text: http.StatusText(g.Status), When: inline(upperFirst(g.When))}
			for _, r := range g.Reasons {
				id, err := b.id("reason-"+string(r), "reason "+string(r))
				if err != nil {
					return nil, err
				}
				rg.Reasons = append(rg.Reasons, reasonView{ID: id, Reason: string(r)})
			}
			ra.Groups = append(ra.Groups, rg)
		}
		v.Reasons = append(v.Reasons, ra)
	}
	return v, nil
}

func (b *refBuilder) operation(item, op *node, method, path string, shared map[string]string) (opView, error) {
	opID := op.s("operationId")
	if opID == "" {
		return opView{}, fmt.Errorf("no operationId")
	}
	id, err := b.id(opID, "operation "+opID)
	if err != nil {
		return opView{}, err
	}
	ov := opView{ID: id, Method: strings.ToUpper(method), Path: path, Summary: op.s("summary"), Desc: markdown(op.s("description")),
		Roles: op.strings("x-roles"), Deprecated: op.flag("deprecated")}
	if sec := op.get("security"); sec != nil && len(sec.arr) == 0 {
		ov.NoKey = true
	}
	// The path item's parameters, then the operation's (which override
	// those of the same name and place).
	var params []*node
	explained := map[*node]bool{} // the overview explains them
	for _, list := range []*node{item.get("parameters"), op.get("parameters")} {
		for _, p := range list.arrOrNil() {
			ref := p.s("$ref")
			p, err := b.deref(p)
			if err != nil {
				return opView{}, err
			}
			if ref == "#/components/parameters/IdempotencyKey" {
				explained[p] = true
			}
			replaced := false
			for i, q := range params {
				if q.s("name") == p.s("name") && q.s("in") == p.s("in") {
					params[i], replaced = p, true
				}
			}
			if !replaced {
				params = append(params, p)
			}
		}
	}
	for _, p := range params {
		schema := p.get("schema")
		pv := paramView{Name: p.s("name"), In: p.s("in"), Required: p.flag("required"), Deprecated: p.flag("deprecated"),
			Type: b.label(schema), Desc: inline(p.s("description")), Notes: notes(schema)}
		if explained[p] {
			pv.Desc, pv.Notes = `Makes a retry of the write safe: see <a href="#idempotency">Idempotency</a>.`, nil
		}
		ov.Params = append(ov.Params, pv)
	}
	if rb := op.get("requestBody"); rb != nil {
		rb, err := b.deref(rb)
		if err != nil {
			return opView{}, err
		}
		bv := &bodyView{Required: rb.flag("required"), Desc: inline(rb.s("description"))}
		content := rb.get("content")
		for _, ct := range content.members() {
			schema := content.get(ct).get("schema")
			cv := contentView{Type: ct, Schema: b.label(schema), Desc: inline(schema.s("description")), Notes: notes(schema)}
			if isJSON(ct) {
				// The request body's fields are shown here, the named
				// schema's too (its nested named schemas are links).
				cv.Fields = b.fields(schema, 0)
			}
			bv.Contents = append(bv.Contents, cv)
		}
		ov.Body = bv
	}
	responses := op.get("responses")
	for _, status := range responses.members() {
		r := responses.get(status)
		if ref := r.s("$ref"); ref != "" {
			name := ref[strings.LastIndex(ref, "/")+1:]
			if _, err := b.root.pointer(ref); err != nil {
				return opView{}, err
			}
			if shared[name] == "" {
				shared[name] = status
			}
			ov.Errors = append(ov.Errors, errorLink{Status: status, Name: name, ID: "response-" + name})
			continue
		}
		rv := responseView{Status: status, Text: statusText(status), Desc: inline(r.s("description")), Headers: b.headers(r)}
		content := r.get("content")
		for _, ct := range content.members() {
			schema := content.get(ct).get("schema")
			cv := contentView{Type: ct, Schema: b.label(schema), Notes: notes(schema)}
			if schema != nil && !schema.has("$ref") {
				cv.Desc = inline(schema.s("description"))
			}
			if isJSON(ct) {
				cv.Fields = b.inlineFields(schema, 0)
			}
			rv.Contents = append(rv.Contents, cv)
		}
		ov.Responses = append(ov.Responses, rv)
	}
	return ov, nil
}

// headers are a response's headers but X-Request-Id, which every answer
// has (the overview says so).
func (b *refBuilder) headers(r *node) []headerView {
	var out []headerView
	hs := r.get("headers")
	for _, name := range hs.members() {
		if strings.EqualFold(name, "X-Request-Id") {
			continue
		}
		h := hs.get(name)
		hv := headerView{Name: name}
		if ref := h.s("$ref"); ref != "" {
			hv.ID = "header-" + ref[strings.LastIndex(ref, "/")+1:]
			if d, err := b.root.pointer(ref); err == nil {
				h = d
			}
		}
		hv.Desc = inline(h.s("description"))
		out = append(out, hv)
	}
	return out
}

// deref follows a $ref (parameters, request bodies).
func (b *refBuilder) deref(n *node) (*node, error) {
	for i := 0; i < 8 && n.has("$ref"); i++ {
		d, err := b.root.pointer(n.s("$ref"))
		if err != nil {
			return nil, err
		}
		n = d
	}
	return n, nil
}

// refLink is a link to a named schema.
func (b *refBuilder) refLink(ref string) template.HTML {
	name := ref[strings.LastIndex(ref, "/")+1:]
	if !strings.HasPrefix(ref, schemaRefPrefix) {
		return template.HTML(html.EscapeString(name))
	}
	return template.HTML(`<a href="#schema-` + html.EscapeString(name) + `">` + html.EscapeString(name) + `</a>`)
}

// wrapper says whether s is an allOf of one named schema given its own
// description, nullability or required members (no members of its own):
// it reads as that schema.
func wrapper(s *node) (ref string, ok bool) {
	if s == nil || !s.has("allOf") || s.has("properties") {
		return "", false
	}
	for _, part := range s.get("allOf").arr {
		switch {
		case part.has("$ref") && ref == "":
			ref = part.s("$ref")
		case part.has("properties") || part.has("$ref"):
			return "", false
		}
	}
	return ref, ref != ""
}

// label is a schema's type as people read it: a link for a named schema,
// "array of X", "object", "string (date)", "… or null".
func (b *refBuilder) label(s *node) template.HTML {
	if s == nil {
		return "any"
	}
	if ref := s.s("$ref"); ref != "" {
		return b.refLink(ref)
	}
	var l template.HTML
	switch ref, ok := wrapper(s); {
	case ok:
		l = b.refLink(ref)
	case s.has("allOf"):
		l = "object"
	case s.has("oneOf") || s.has("anyOf"):
		alts := s.get("oneOf")
		if alts == nil {
			alts = s.get("anyOf")
		}
		var parts []string
		for _, a := range alts.arr {
			parts = append(parts, string(b.label(a)))
		}
		l = "one of " + template.HTML(strings.Join(parts, " or "))
	default:
		switch typ := s.s("type"); typ {
		case "array":
			l = "array of " + b.label(s.get("items"))
		case "object", "":
			if ap := s.get("additionalProperties"); ap != nil && ap.kind == 'o' {
				l = "map of string to " + b.label(ap)
			} else if typ == "" && !s.has("properties") {
				l = "any"
			} else {
				l = "object"
			}
		default:
			l = template.HTML(html.EscapeString(typ))
			if f := s.s("format"); f != "" {
				l += template.HTML(" (" + html.EscapeString(f) + ")")
			}
		}
	}
	if s.flag("nullable") {
		l += " or null"
	}
	return l
}

// member is a property of an object schema.
type member struct {
	name   string
	schema *node
}

// objectMembers are the properties of an object schema in the document's
// order, the members of its allOf parts (named ones included) first, and
// the names it requires.
func (b *refBuilder) objectMembers(s *node, depth int) ([]member, []member, map[string]bool) {
	required := map[string]bool{}
	if s == nil || depth > 16 {
		return nil, nil, required
	}
	if ref := s.s("$ref"); ref != "" {
		d, err := b.root.pointer(ref)
		if err != nil {
			return nil, nil, required
		}
		return b.objectMembers(d, depth+1)
	}
	var all []member
	add := func(m member) {
		for i := range all {
			if all[i].name == m.name {
				all[i] = m
				return
			}
		}
		all = append(all, m)
	}
	for _, part := range s.get("allOf").arrOrNil() {
		ms, _, req := b.objectMembers(part, depth+1)
		for _, m := range ms {
			add(m)
		}
		for k := range req {
			required[k] = true
		}
	}
	var own []member
	props := s.get("properties")
	for _, name := range props.members() {
		m := member{name, props.get(name)}
		own = append(own, m)
		add(m)
	}
	for _, r := range s.strings("required") {
		required[r] = true
	}
	return all, own, required
}

// fields are an object schema's members, with the members of anonymous
// objects nested under them (named ones are links to their schema).
func (b *refBuilder) fields(s *node, depth int) []fieldView {
	ms, _, required := b.objectMembers(s, 0)
	var out []fieldView
	for _, m := range ms {
		f := fieldView{Name: m.name, Required: required[m.name], Type: b.label(m.schema), Desc: inline(m.schema.s("description")), Notes: notes(m.schema)}
		if depth < 8 {
			f.Fields = b.inlineFields(m.schema, depth+1)
		}
		out = append(out, f)
	}
	return out
}

// inlineFields are the members of an anonymous object schema, or of the
// anonymous objects of an array or map; nil for a named schema (a link)
// or a scalar.
func (b *refBuilder) inlineFields(s *node, depth int) []fieldView {
	if s == nil || s.has("$ref") {
		return nil
	}
	if _, ok := wrapper(s); ok {
		return nil
	}
	if s.s("type") == "array" {
		return b.inlineFields(s.get("items"), depth)
	}
	if ap := s.get("additionalProperties"); ap != nil && ap.kind == 'o' && !s.has("properties") {
		return b.inlineFields(ap, depth)
	}
	return b.fields(s, depth)
}

// notes are what a schema says beyond its type: allowed values, limits,
// default, example.
func notes(s *node) []template.HTML {
	if s == nil || s.has("$ref") {
		return nil
	}
	var out []template.HTML
	code := func(v string) string { return "<code>" + html.EscapeString(v) + "</code>" }
	add := func(format string, args ...any) { out = append(out, template.HTML(fmt.Sprintf(format, args...))) }
	values := func(n *node) string {
		var vs []string
		for _, e := range n.arr {
			vs = append(vs, code(e.text()))
		}
		return strings.Join(vs, ", ")
	}
	if e := s.get("enum"); e != nil {
		add("One of %s.", values(e))
	} else if items := s.get("items"); items != nil && !items.has("$ref") && items.has("enum") {
		add("Each one of %s.", values(items.get("enum")))
	}
	between := func(lo, hi *node, unit string) {
		switch {
		case lo != nil && hi != nil:
			add("%s to %s%s.", html.EscapeString(lo.text()), html.EscapeString(hi.text()), unit)
		case lo != nil:
			add("At least %s%s.", html.EscapeString(lo.text()), unit)
		case hi != nil:
			add("At most %s%s.", html.EscapeString(hi.text()), unit)
		}
	}
	between(s.get("minLength"), s.get("maxLength"), " characters")
	between(s.get("minItems"), s.get("maxItems"), " items")
	between(s.get("minimum"), s.get("maximum"), "")
	if p := s.s("pattern"); p != "" {
		add("Pattern %s.", code(p))
	}
	if d := s.get("default"); d != nil {
		add("Default %s.", code(d.text()))
	}
	if s.flag("readOnly") {
		add("Read-only.")
	}
	if s.flag("deprecated") {
		add("Deprecated.")
	}
	if e := s.get("example"); e != nil {
		add("Example: %s.", code(e.text()))
	}
	return out
}

// arrOrNil is an array's elements (nil for anything else).
func (n *node) arrOrNil() []*node {
	if n == nil || n.kind != 'a' {
		return nil
	}
	return n.arr
}

func isJSON(ct string) bool { return ct == "application/json" || strings.HasSuffix(ct, "+json") }

// statusOrder sorts statuses: "default" after every number.
func statusOrder(status string) int {
	if n, err := strconv.Atoi(status); err == nil {
		return n
	}
	return 1000
}

func statusText(status string) string {
	if n, err := strconv.Atoi(status); err == nil {
		return http.StatusText(n)
	}
	if status == "default" {
		return "Any other status"
	}
	return ""
}

// anchorOf makes an anchor of a name: "bank reconciliation" -> "bank-reconciliation".
func anchorOf(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// breakable lets a long name or reason wrap after its underscores (a
// narrow screen breaks it there rather than anywhere); copied, it is the
// name as it was.
func breakable(s string) template.HTML {
	return template.HTML(strings.ReplaceAll(html.EscapeString(s), "_", "_<wbr>"))
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// markdown renders the little Markdown the document's descriptions use:
// paragraphs, "* " lists, `code` and **strong**. Everything else is text,
// escaped.
func markdown(s string) template.HTML {
	var out strings.Builder
	for _, block := range strings.Split(strings.TrimSpace(s), "\n\n") {
		lines := strings.Split(strings.TrimSpace(block), "\n")
		var para []string
		inList := false
		flush := func() {
			if len(para) > 0 {
				out.WriteString("<p>" + string(inline(strings.Join(para, " "))) + "</p>\n")
				para = nil
			}
		}
		for _, line := range lines {
			line = strings.TrimSpace(line)
			if item, ok := strings.CutPrefix(line, "* "); ok || strings.HasPrefix(line, "- ") {
				if !ok {
					item = line[2:]
				}
				flush()
				if !inList {
					out.WriteString("<ul>\n")
					inList = true
				}
				out.WriteString("<li>" + string(inline(item)) + "</li>\n")
				continue
			}
			if inList && len(para) == 0 && line != "" && out.Len() > 0 {
				// A continuation line of the last list item is rare in
				// the document; it starts a paragraph after the list.
				out.WriteString("</ul>\n")
				inList = false
			}
			if line != "" {
				para = append(para, line)
			}
		}
		if inList {
			out.WriteString("</ul>\n")
		}
		flush()
	}
	return template.HTML(out.String())
}

// inline renders `code` and **strong** in one line of text.
func inline(s string) template.HTML {
	var out strings.Builder
	for s != "" {
		i := strings.IndexAny(s, "`*")
		if i < 0 {
			out.WriteString(html.EscapeString(s))
			break
		}
		out.WriteString(html.EscapeString(s[:i]))
		s = s[i:]
		if s[0] == '`' {
			if j := strings.IndexByte(s[1:], '`'); j >= 0 {
				out.WriteString("<code>" + html.EscapeString(s[1:1+j]) + "</code>")
				s = s[j+2:]
				continue
			}
		} else if strings.HasPrefix(s, "**") {
			if j := strings.Index(s[2:], "**"); j > 0 {
				out.WriteString("<strong>" + string(inline(s[2:2+j])) + "</strong>")
				s = s[j+4:]
				continue
			}
		}
		out.WriteString(html.EscapeString(s[:1]))
		s = s[1:]
	}
	return template.HTML(out.String())
}
