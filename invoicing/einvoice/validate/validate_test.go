package validate

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func example(t *testing.T, name string) []byte {
	t.Helper()
	dir, err := Dir()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(filepath.Join(dir, "examples", name))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// needTools skips (or, with CI set, fails) where the tools are missing,
// as UBL does, for the tests that call Check directly.
func needTools(t *testing.T) {
	t.Helper()
	if _, _, _, err := tools(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
}

// The official examples of the Peppol release pass the schema and both
// rule sets.
func TestOfficialExamplesPass(t *testing.T) {
	for name, root := range map[string]string{
		"base-example.xml":               "Invoice",
		"base-creditnote-correction.xml": "CreditNote",
	} {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			res := UBL(t, example(t, name))
			t.Logf("%s validated in %v", name, time.Since(start).Round(time.Millisecond))
			if res.Root != root {
				t.Errorf("root %q, want %q", res.Root, root)
			}
		})
	}
}

// Broken copies of the base example must fail, each with the rule that
// catches it: one from the schema, one from each rule set.
func TestBrokenExamplesFail(t *testing.T) {
	needTools(t)
	base := example(t, "base-example.xml")
	cut := func(t *testing.T, re string) []byte {
		t.Helper()
		r := regexp.MustCompile(re)
		if !r.Match(base) {
			t.Fatalf("%s not in the example", re)
		}
		return r.ReplaceAll(base, nil)
	}
	for _, c := range []struct {
		name string
		doc  func(t *testing.T) []byte
		rule string // the fatal rule expected; "" for a schema error
	}{
		// BT-24 is mandatory in EN 16931 (BR-01), optional in the UBL schema.
		{"no CustomizationID", func(t *testing.T) []byte { return cut(t, `<cbc:CustomizationID>[^<]*</cbc:CustomizationID>`) }, "BR-01"},
		// BT-23 is mandatory in Peppol (PEPPOL-EN16931-R001), optional in EN 16931.
		{"no ProfileID", func(t *testing.T) []byte { return cut(t, `<cbc:ProfileID>[^<]*</cbc:ProfileID>`) }, "PEPPOL-EN16931-R001"},
		// IssueDate is mandatory in the UBL schema itself.
		{"no IssueDate", func(t *testing.T) []byte { return cut(t, `<cbc:IssueDate>[^<]*</cbc:IssueDate>`) }, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, err := Check(c.doc(t))
			if err != nil {
				t.Fatal(err)
			}
			if res.OK() {
				t.Fatal("the broken document passed")
			}
			if c.rule == "" {
				if res.Schema == "" || !strings.Contains(res.Schema, "IssueDate") {
					t.Fatalf("want a schema error naming IssueDate, got %q and %v", res.Schema, res.Fatal)
				}
				return
			}
			if res.Schema != "" {
				t.Fatalf("schema error, want it to pass the schema: %s", res.Schema)
			}
			if !res.HasRule(c.rule) {
				t.Fatalf("rule %s did not fire; fatal: %v", c.rule, res.Fatal)
			}
			for _, a := range res.Fatal {
				if a.ID == c.rule && a.Text == "" {
					t.Errorf("rule %s came without its text", c.rule)
				}
			}
		})
	}
}

// The versions in versions.go are the ones testdata/peppol/README.md
// names, so the two cannot drift apart.
func TestREADMENamesTheVersions(t *testing.T) {
	dir, err := Dir()
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(dir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{UBLVersion, EN16931Version, PeppolRelease, PeppolVersion} {
		if !bytes.Contains(readme, []byte(v)) {
			t.Errorf("testdata/peppol/README.md does not name %q", v)
		}
	}
}

func TestRootOf(t *testing.T) {
	for doc, want := range map[string]string{
		`<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>`:                            "Invoice",
		`<?xml version="1.0"?><CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"/>`: "CreditNote",
		`<Invoice/>`: "",
		`<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"/>`: "",
	} {
		got, err := rootOf([]byte(doc))
		if got != want || (want == "") != (err != nil) {
			t.Errorf("rootOf(%s) = %q, %v; want %q", doc, got, err, want)
		}
	}
}
