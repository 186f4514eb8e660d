package api

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"backoffice/api/apitest"
	"backoffice/ledger"
)

// pageServer is a server without a store, with its database gate closed:
// the pages must not need a database (they are outside /v1).
// It answers through the contract check (apitest.Handler), and raw: the
// document has no HEAD operations (HEAD is GET without the body), so HEAD
// requests go to the raw server.
func pageServer(t *testing.T) (contract, raw http.Handler) {
	t.Helper()
	s := New(Config{Probe: func(context.Context) error { return errors.New("no database in this test") }})
	s.gate.set(ledger.Unreachable(errors.New("no database in this test")))
	h := apitest.Handler(t, s)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/v1/me", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("GET /v1/me with the gate closed: %d, want 503", rec.Code)
	}
	return h, s
}

func fetchPage(h http.Handler, method, path string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// checkPageHeaders: the pages' policy, exactly.
func checkPageHeaders(t *testing.T, what string, h http.Header) {
	t.Helper()
	if got := h.Get("Content-Security-Policy"); got != "default-src 'self'" {
		t.Errorf("%s: Content-Security-Policy = %q, want %q", what, got, "default-src 'self'")
	}
	for k, v := range pageHeaders {
		if got := h.Get(k); got != v {
			t.Errorf("%s: %s = %q, want %q", what, k, got, v)
		}
	}
}

// sameOrigin says whether a URL in an attribute stays on the page's own
// origin: a fragment, or a path from the root; never "//host" or a scheme.
func sameOrigin(u string) bool {
	u = strings.TrimSpace(u)
	return (strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//") && !strings.HasPrefix(u, `/\`)) || strings.HasPrefix(u, "#")
}

// urlAttrs are the attributes that make a browser load or go somewhere.
var urlAttrs = map[string]bool{"href": true, "src": true, "srcset": true, "action": true, "formaction": true, "poster": true,
	"data": true, "cite": true, "background": true, "manifest": true, "ping": true, "xlink:href": true}

// parsedPage is what the tests look at in a page.
type parsedPage struct {
	ids      map[string]*html.Node
	hrefs    []string // every href, in order
	headings []int
	elements map[string]int // tag -> count
	lang     string
}

// parsePage parses a page and fails t on anything that would load from
// elsewhere or break the policy: a src/href that is not same-origin, a
// script, a style element or attribute, an event handler attribute.
func parsePage(t *testing.T, what string, body []byte) *parsedPage {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	p := &parsedPage{ids: map[string]*html.Node{}, elements: map[string]int{}}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			p.elements[n.Data]++
			switch n.Data {
			case "script", "style", "iframe", "object", "embed", "base":
				t.Errorf("%s: a <%s> element", what, n.Data)
			case "html":
				for _, a := range n.Attr {
					if a.Key == "lang" {
						p.lang = a.Val
					}
				}
			case "h1", "h2", "h3", "h4", "h5", "h6":
				p.headings = append(p.headings, int(n.Data[1]-'0'))
			}
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				switch {
				case urlAttrs[key]:
					if !sameOrigin(a.Val) {
						t.Errorf("%s: <%s %s=%q> is not same-origin", what, n.Data, key, a.Val)
					}
					if key == "href" {
						p.hrefs = append(p.hrefs, a.Val)
					}
				case key == "style" || strings.HasPrefix(key, "on"):
					t.Errorf("%s: <%s %s=%q>: inline styles and handlers break default-src 'self'", what, n.Data, key, a.Val)
				case key == "id":
					if p.ids[a.Val] != nil {
						t.Errorf("%s: id %q is used twice", what, a.Val)
					}
					p.ids[a.Val] = n
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if p.lang == "" {
		t.Errorf("%s: <html> has no lang", what)
	}
	// Headings start at h1, once, and never skip a level going down.
	if len(p.headings) == 0 || p.headings[0] != 1 || p.elements["h1"] != 1 {
		t.Errorf("%s: the page must open with its one h1: headings %v", what, p.headings[:min(len(p.headings), 10)])
	}
	for i := 1; i < len(p.headings); i++ {
		if p.headings[i] > p.headings[i-1]+1 {
			t.Errorf("%s: heading %d is h%d after h%d", what, i, p.headings[i], p.headings[i-1])
			break
		}
	}
	// Every link within the page has its target.
	for _, h := range p.hrefs {
		if id, ok := strings.CutPrefix(h, "#"); ok && p.ids[id] == nil {
			t.Errorf("%s: link to #%s, which is no id of the page", what, id)
		}
	}
	return p
}

// text is the text of a node and its children.
func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// TestDocsPage: /docs is the reference, readable without a key or a
// database, under Content-Security-Policy default-src 'self', with every
// src and href same-origin; every operation of the document is on it with
// its anchor (linked from the contents), every error reason too; its
// stylesheet is served by the binary; HEAD and revalidation work.
func TestDocsPage(t *testing.T) {
	h, raw := pageServer(t)
	rec := fetchPage(h, "GET", "/docs")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /docs: %d %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	checkPageHeaders(t, "/docs", rec.Header())
	body := rec.Body.Bytes()
	p := parsePage(t, "/docs", body)
	for _, el := range []string{"nav", "main", "table", "th"} {
		if p.elements[el] == 0 {
			t.Errorf("/docs has no <%s>", el)
		}
	}
	if p.elements["nav"] != 1 || p.elements["main"] != 1 {
		t.Errorf("/docs: %d <nav>, %d <main>; want one of each", p.elements["nav"], p.elements["main"])
	}
	if !bytes.Contains(body, []byte(`<link rel="stylesheet" href="/docs/style.css">`)) {
		t.Error("/docs does not load /docs/style.css")
	}
	linked := map[string]bool{}
	for _, h := range p.hrefs {
		linked[h] = true
	}

	// Every operation, with its anchor, method and path, linked from the
	// contents.
	doc := loadOpenAPI(t)
	n := 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			n++
			el := p.ids[op.OperationID]
			if op.OperationID == "" || el == nil {
				t.Errorf("%s %s (%q) has no anchor on /docs", method, path, op.OperationID)
				continue
			}
			section := el.Parent
			if got := text(section); !strings.Contains(got, method+" "+path) || !strings.Contains(got, op.Summary) {
				t.Errorf("#%s does not show %s %s and %q", op.OperationID, method, path, op.Summary)
			}
			if !linked["#"+op.OperationID] {
				t.Errorf("the contents do not link #%s", op.OperationID)
			}
		}
	}
	if n < 100 {
		t.Errorf("only %d operations in the document", n)
	}
	for name := range doc.Components.Schemas {
		if p.ids["schema-"+name] == nil {
			t.Errorf("schema %s has no anchor on /docs", name)
		}
	}
	areas, err := ledger.ReasonCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range areas {
		for _, g := range a.Groups {
			for _, r := range g.Reasons {
				if el := p.ids["reason-"+string(r)]; el == nil || text(el) != string(r) {
					t.Errorf("reason %s is not on /docs", r)
				}
			}
		}
	}
	// A field list shows a request body's members, its required ones and
	// their types, with $refs as links to the schema.
	entry := text(p.ids["postEntry"].Parent)
	for _, want := range []string{"Request body", "lines", "required", "array of LineInput", "description", "Roles: admin, accountant"} {
		if !strings.Contains(entry, want) {
			t.Errorf("#postEntry does not show %q:\n%s", want, entry)
		}
	}

	// HEAD: the headers of GET without the body.
	head := fetchPage(raw, "HEAD", "/docs")
	if head.Code != http.StatusOK || head.Body.Len() != 0 {
		t.Errorf("HEAD /docs: %d with %d bytes", head.Code, head.Body.Len())
	}
	if cl := head.Header().Get("Content-Length"); cl != strconv.Itoa(len(body)) {
		t.Errorf("HEAD /docs: Content-Length %q, want %d", cl, len(body))
	}
	checkPageHeaders(t, "HEAD /docs", head.Header())
	// A cache that has the page revalidates it.
	etag := rec.Header().Get("ETag")
	if etag == "" {
		t.Error("/docs has no ETag")
	} else if r := fetchPage(h, "GET", "/docs", "If-None-Match", etag); r.Code != http.StatusNotModified || r.Body.Len() != 0 {
		t.Errorf("GET /docs with If-None-Match: %d", r.Code)
	}

	// Gzipped for a client that takes it (the same page, its own ETag).
	gz := fetchPage(h, "GET", "/docs", "Accept-Encoding", "br, gzip")
	if gz.Code != http.StatusOK || gz.Header().Get("Content-Encoding") != "gzip" || gz.Body.Len() > len(body)/4 {
		t.Errorf("GET /docs gzipped: %d %q %d bytes", gz.Code, gz.Header().Get("Content-Encoding"), gz.Body.Len())
	} else if zr, err := gzip.NewReader(gz.Body); err != nil {
		t.Error(err)
	} else if plain, err := io.ReadAll(zr); err != nil || !bytes.Equal(plain, body) {
		t.Errorf("the gzipped page is not the page (%v)", err)
	}
	if gz.Header().Get("ETag") == etag || fetchPage(h, "GET", "/docs", "Accept-Encoding", "gzip;q=0").Header().Get("Content-Encoding") != "" {
		t.Error("gzip and identity share an ETag, or gzip;q=0 got gzip")
	}
	checkPageHeaders(t, "GET /docs gzipped", gz.Header())

	// The stylesheet, from the binary, loads nothing from anywhere.
	css := fetchPage(h, "GET", "/docs/style.css")
	if css.Code != http.StatusOK || css.Header().Get("Content-Type") != "text/css; charset=utf-8" || css.Body.Len() < 1000 {
		t.Fatalf("GET /docs/style.css: %d %q %d bytes", css.Code, css.Header().Get("Content-Type"), css.Body.Len())
	}
	checkPageHeaders(t, "/docs/style.css", css.Header())
	if m := regexp.MustCompile(`(?i)@import|url\(|expression\(`).Find(css.Body.Bytes()); m != nil {
		t.Errorf("the stylesheet loads something: %s", m)
	}
	if r := fetchPage(raw, "HEAD", "/docs/style.css"); r.Code != http.StatusOK || r.Body.Len() != 0 {
		t.Errorf("HEAD /docs/style.css: %d", r.Code)
	}

	// Anything else under /docs is the API's 404 problem, with its policy.
	r := fetchPage(h, "GET", "/docs/nothing.js")
	if r.Code != http.StatusNotFound || r.Header().Get("Content-Type") != problemType {
		t.Errorf("GET /docs/nothing.js: %d %q", r.Code, r.Header().Get("Content-Type"))
	}
	if got := r.Header().Get("Content-Security-Policy"); got != apiHeaders["Content-Security-Policy"] {
		t.Errorf("GET /docs/nothing.js: Content-Security-Policy %q", got)
	}
}

// TestHomePage: / links to the reference and the OpenAPI document for a
// browser, and answers JSON to a client that asks for it.
func TestHomePage(t *testing.T) {
	h, raw := pageServer(t)
	for _, accept := range []string{"", "*/*", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html, application/json"} {
		rec := fetchPage(h, "GET", "/", "Accept", accept)
		what := fmt.Sprintf("GET / (Accept %q)", accept)
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "text/html; charset=utf-8" {
			t.Fatalf("%s: %d %q", what, rec.Code, rec.Header().Get("Content-Type"))
		}
		checkPageHeaders(t, what, rec.Header())
		if vary := strings.Join(rec.Header().Values("Vary"), ", "); vary != "Accept, Accept-Encoding" {
			t.Errorf("%s: Vary %q", what, vary)
		}
		p := parsePage(t, what, rec.Body.Bytes())
		for _, want := range []string{"/docs", "/v1/openapi.json"} {
			found := false
			for _, h := range p.hrefs {
				found = found || h == want
			}
			if !found {
				t.Errorf("%s does not link %s: %v", what, want, p.hrefs)
			}
		}
		if p.elements["main"] != 1 {
			t.Errorf("%s: no <main>", what)
		}
	}
	if r := fetchPage(raw, "HEAD", "/"); r.Code != http.StatusOK || r.Body.Len() != 0 || r.Header().Get("Content-Length") == "" {
		t.Errorf("HEAD /: %d, %d bytes, Content-Length %q", r.Code, r.Body.Len(), r.Header().Get("Content-Length"))
	}
	// A JSON client gets the links as JSON (the contract checks the body).
	rec := fetchPage(h, "GET", "/", "Accept", "application/json")
	var v map[string]string
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != jsonContentType || json.Unmarshal(rec.Body.Bytes(), &v) != nil {
		t.Fatalf("GET / as JSON: %d %q %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	if v["docs"] != "/docs" || v["openapi"] != "/v1/openapi.json" {
		t.Errorf("GET / as JSON: %s", rec.Body)
	}
	checkPageHeaders(t, "GET / as JSON", rec.Header())
}

// The markdown of the document's descriptions: code, strong, lists, and
// everything else escaped.
func TestDocsMarkdown(t *testing.T) {
	for in, want := range map[string]string{
		"a `<b>` & **c**":              "<p>a <code>&lt;b&gt;</code> &amp; <strong>c</strong></p>\n",
		"x\n\n* one `1`\n* two\nafter": "<p>x</p>\n<ul>\n<li>one <code>1</code></li>\n<li>two</li>\n</ul>\n<p>after</p>\n",
		"a * b ` c":                    "<p>a * b ` c</p>\n",
		"<script>alert(1)</script>":    "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n",
	} {
		if got := string(markdown(in)); got != want {
			t.Errorf("markdown(%q) = %q, want %q", in, got, want)
		}
	}
}
