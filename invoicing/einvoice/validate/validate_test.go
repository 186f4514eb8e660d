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

// The official examples of the Peppol release pass the schema and both
// rule sets: one alone through UBL, both in one batch through Many.
func TestOfficialExamplesPass(t *testing.T) {
	t.Run("UBL", func(t *testing.T) {
		start := time.Now()
		if res := UBL(t, example(t, "base-example.xml")); res.Root != "Invoice" {
			t.Errorf("root %q, want Invoice", res.Root)
		}
		t.Logf("one document validated in %v", time.Since(start).Round(time.Millisecond))
	})
	t.Run("Many", func(t *testing.T) {
		roots := map[string]string{
			"base-example.xml":               "Invoice",
			"base-creditnote-correction.xml": "CreditNote",
		}
		docs := map[string][]byte{}
		for name := range roots {
			docs[name] = example(t, name)
		}
		start := time.Now()
		results := Many(t, docs)
		t.Logf("%d documents validated in %v", len(docs), time.Since(start).Round(time.Millisecond))
		for name, root := range roots {
			if got := results[name].Root; got != root {
				t.Errorf("%s: root %q, want %q", name, got, root)
			}
		}
	})
}

// Broken copies of the base example must fail, each with the rule that
// catches it: one from the schema, one from each rule set. They are
// checked in one batch with an unbroken copy, so the batch also shows
// that each document gets its own result.
func TestBrokenExamplesFail(t *testing.T) {
	RequireTools(t)
	base := example(t, "base-example.xml")
	cut := func(re string) []byte {
		t.Helper()
		r := regexp.MustCompile(re)
		if !r.Match(base) {
			t.Fatalf("%s not in the example", re)
		}
		return r.ReplaceAll(base, nil)
	}
	cases := map[string]string{ // document name: the fatal rule expected; "" for a schema error
		// BT-24 is mandatory in EN 16931 (BR-01), optional in the UBL schema.
		"no CustomizationID": "BR-01",
		// BT-23 is mandatory in Peppol (PEPPOL-EN16931-R001), optional in EN 16931.
		"no ProfileID": "PEPPOL-EN16931-R001",
		// IssueDate is mandatory in the UBL schema itself.
		"no IssueDate": "",
	}
	docs := map[string][]byte{
		"no CustomizationID": cut(`<cbc:CustomizationID>[^<]*</cbc:CustomizationID>`),
		"no ProfileID":       cut(`<cbc:ProfileID>[^<]*</cbc:ProfileID>`),
		"no IssueDate":       cut(`<cbc:IssueDate>[^<]*</cbc:IssueDate>`),
		"unbroken":           base,
	}
	start := time.Now()
	results, err := CheckMany(docs)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d documents checked in %v", len(docs), time.Since(start).Round(time.Millisecond))
	if len(results) != len(docs) {
		t.Errorf("%d results for %d documents", len(results), len(docs))
	}
	if res := results["unbroken"]; !res.OK() {
		t.Errorf("the unbroken example failed:%s", res.problems())
	}
	for name, rule := range cases {
		res := results[name]
		if res.OK() {
			t.Errorf("%s: the broken document passed", name)
			continue
		}
		if rule == "" {
			// The message names the document by its key, not the temporary file.
			if !strings.Contains(res.Schema, "IssueDate") || !strings.Contains(res.Schema, name) {
				t.Errorf("%s: want a schema error naming IssueDate and the document, got %q and %v", name, res.Schema, res.Fatal)
			}
			continue
		}
		if res.Schema != "" {
			t.Errorf("%s: schema error, want it to pass the schema: %s", name, res.Schema)
			continue
		}
		if !res.HasRule(rule) {
			t.Errorf("%s: rule %s did not fire; fatal: %v", name, rule, res.Fatal)
		}
		for _, a := range res.Fatal {
			if a.ID == rule && a.Text == "" {
				t.Errorf("%s: rule %s came without its text", name, rule)
			}
			if a.ID == "BR-01" && rule != "BR-01" {
				t.Errorf("%s: BR-01 fired, so another document's findings leaked into it", name)
			}
		}
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
	dir, err = testdata("cii")
	if err != nil {
		t.Fatal(err)
	}
	if readme, err = os.ReadFile(filepath.Join(dir, "README.md")); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{CIIVersion, EN16931Version} {
		if !bytes.Contains(readme, []byte(v)) {
			t.Errorf("testdata/cii/README.md does not name %q", v)
		}
	}
}

func TestRootOf(t *testing.T) {
	for doc, want := range map[string]string{
		`<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>`:                            "Invoice",
		`<?xml version="1.0"?><CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"/>`: "CreditNote",
		`<Invoice/>`: "",
		`<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"/>`: "CrossIndustryInvoice",
		`<CrossIndustryInvoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>`:               "",
		`<Invoice xmlns="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"/>`:                      "",
	} {
		got, err := rootOf([]byte(doc))
		if got != want || (want == "") != (err != nil) {
			t.Errorf("rootOf(%s) = %q, %v; want %q", doc, got, err, want)
		}
	}
}

// A CII invoice is routed by its root element to the CII D16B schema and
// the EN 16931 CII rules, and only those: the official CEN example passes,
// in one batch with a UBL invoice (one JVM for both syntaxes), and broken
// copies of it fail, one on the schema and one on a rule.
func TestCIIExample(t *testing.T) {
	RequireTools(t)
	dir, err := testdata("cii")
	if err != nil {
		t.Fatal(err)
	}
	cii, err := os.ReadFile(filepath.Join(dir, "examples", "CII_example1.xml"))
	if err != nil {
		t.Fatal(err)
	}
	edit := func(re, with string) []byte {
		t.Helper()
		r := regexp.MustCompile(re)
		if !r.Match(cii) {
			t.Fatalf("%s not in the example", re)
		}
		return r.ReplaceAll(cii, []byte(with))
	}
	docs := map[string][]byte{
		"cii":      cii,
		"ubl":      example(t, "base-example.xml"),
		"no BT-24": edit(`(?s)<ram:GuidelineSpecifiedDocumentContextParameter>.*?</ram:GuidelineSpecifiedDocumentContextParameter>`, ""),
		// an element the schema does not know
		"bad element": edit(`<ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>`, `<ram:InvoiceCurrency>EUR</ram:InvoiceCurrency>`),
	}
	start := time.Now()
	results, err := CheckMany(docs)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d documents checked in %v", len(docs), time.Since(start).Round(time.Millisecond))
	for name, root := range map[string]string{"cii": "CrossIndustryInvoice", "ubl": "Invoice"} {
		res := results[name]
		if res.Root != root {
			t.Errorf("%s: root %q, want %q", name, res.Root, root)
		}
		if !res.OK() {
			t.Errorf("%s: the official example failed:%s", name, res.problems())
		}
	}
	// BT-24 (the specification identifier) is optional in the schema,
	// mandatory in EN 16931 (BR-01).
	res := results["no BT-24"]
	if res.Schema != "" || !res.HasRule("BR-01") {
		t.Errorf("no BT-24: want BR-01 and no schema error, got schema %q, fatal %v", res.Schema, res.Fatal)
	}
	for _, a := range append(res.Fatal, res.Warnings...) {
		if a.Rules != "EN 16931" {
			t.Errorf("no BT-24: rule %s from %q: a CII invoice gets the EN 16931 rules only", a.ID, a.Rules)
		}
	}
	if res := results["bad element"]; !strings.Contains(res.Schema, "InvoiceCurrency") || len(res.Fatal) != 0 {
		t.Errorf("bad element: want a schema error naming InvoiceCurrency and no rules run, got %q and %v", res.Schema, res.Fatal)
	}
}
