package validate

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// SaxonJar is where Debian's libsaxonhe-java puts Saxon-HE; the
// environment variable BACKOFFICE_SAXON_JAR overrides it.
const SaxonJar = "/usr/share/java/Saxon-HE.jar"

// Assert is one Schematron rule a document broke (an svrl:failed-assert,
// or an svrl:successful-report, which the artefacts use the same way).
type Assert struct {
	Rules    string // which rule set: "EN 16931" or "Peppol BIS"
	ID       string // the rule id, e.g. BR-01, PEPPOL-EN16931-R001, NL-R-003
	Flag     string // fatal or warning
	Location string // XPath of the offending node
	Test     string // the rule's XPath test
	Text     string // the rule's message
}

func (a Assert) String() string {
	return fmt.Sprintf("[%s] %s (%s, %s) at %s: %s", a.ID, a.Flag, a.Rules, a.Test, a.Location, a.Text)
}

// Result is what the artefacts say of one document.
type Result struct {
	Root     string   // Invoice or CreditNote (UBL), or CrossIndustryInvoice (CII)
	Schema   string   // xmllint's complaints where the schema rejects it, else ""
	Fatal    []Assert // Schematron rules flagged fatal (or error): the document is invalid
	Warnings []Assert // the other flags (warning): valid, but worth a look
}

// OK tells whether the document passed the schema and every fatal rule.
func (r Result) OK() bool { return r.Schema == "" && len(r.Fatal) == 0 }

// HasRule tells whether a fatal rule with that id fired.
func (r Result) HasRule(id string) bool {
	for _, a := range r.Fatal {
		if a.ID == id {
			return true
		}
	}
	return false
}

// ErrToolsMissing is wrapped by Check when xmllint, java or the Saxon-HE
// jar cannot be found.
var ErrToolsMissing = errors.New("validation tools missing")

// tools finds xmllint, java and the Saxon-HE jar.
func tools() (xmllint, java, jar string, err error) {
	var missing []string
	if xmllint, err = exec.LookPath("xmllint"); err != nil {
		missing = append(missing, "xmllint (apt-get install libxml2-utils)")
	}
	if java, err = exec.LookPath("java"); err != nil {
		missing = append(missing, "java (apt-get install default-jre-headless)")
	}
	jar = SaxonJar
	if env := os.Getenv("BACKOFFICE_SAXON_JAR"); env != "" {
		jar = env
	}
	if _, err := os.Stat(jar); err != nil {
		missing = append(missing, jar+" (apt-get install libsaxonhe-java)")
	}
	if len(missing) > 0 {
		return "", "", "", fmt.Errorf("%w: %s; .ci/run installs them", ErrToolsMissing, strings.Join(missing, ", "))
	}
	return xmllint, java, jar, nil
}

// Dir finds testdata/peppol, the UBL artefacts.
func Dir() (string, error) {
	return testdata("peppol")
}

// testdata finds the folder sub of the module's testdata: it walks up
// from the working directory (a package's directory under go test) to the
// module root, the directory with go.mod.
func testdata(sub string) (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "testdata", sub), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("validate: no go.mod above the working directory, so no testdata/%s", sub)
		}
		dir = parent
	}
}

// A syntax is what checks the documents with one root element: a schema
// and the Schematron rule sets, files under testdata/<dir>.
type syntax struct {
	ns       string // the root element's namespace
	dir      string
	schema   string
	rules    []ruleSet // run in this order
	versions string    // the artefacts' versions, for messages
}

type ruleSet struct{ name, xslt string }

var ublRules = []ruleSet{{"EN 16931", en16931XSLT}, {"Peppol BIS", peppolXSLT}}

// syntaxes, by the root element's local name. Peppol BIS Billing 3.0 is
// UBL only, so a CII invoice gets the EN 16931 rules alone.
var syntaxes = map[string]syntax{
	"Invoice": {ns: "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2", dir: "peppol",
		schema: invoiceXSD, rules: ublRules, versions: ublVersions},
	"CreditNote": {ns: "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2", dir: "peppol",
		schema: creditNoteXSD, rules: ublRules, versions: ublVersions},
	"CrossIndustryInvoice": {ns: "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100", dir: "cii",
		schema: ciiXSD, rules: []ruleSet{{"EN 16931", ciiEN16931XSLT}},
		versions: CIIVersion + ", EN 16931 " + EN16931Version},
}

const ublVersions = UBLVersion + ", EN 16931 " + EN16931Version + ", Peppol BIS " + PeppolRelease + " " + PeppolVersion

// UBL validates a UBL 2.1 invoice or credit note, or a CII D16B invoice,
// with the official artefacts of its syntax (chosen by the root element)
// and fails the test with every problem (schema errors, each fatal rule
// with its id and text); warnings are logged. Where the tools are missing
// the test is skipped, unless the environment variable CI is set: then it
// fails.
func UBL(t testing.TB, doc []byte) Result {
	t.Helper()
	res, err := Check(doc)
	stopIfToolsMissing(t, err)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range res.Warnings {
		t.Logf("warning %s", w)
	}
	if !res.OK() {
		t.Fatalf("the %s does not pass the official artefacts (%s):%s", res.Root, syntaxes[res.Root].versions, res.problems())
	}
	return res
}

// Many validates several documents, named by the map's keys, as UBL does
// one, but runs the rule sets over all of them in one JVM: a batch costs
// about what one document does. Each document that does not pass fails
// the test (t.Errorf, naming it), so one report shows every broken
// document; the results are answered by name.
func Many(t testing.TB, docs map[string][]byte) map[string]Result {
	t.Helper()
	results, err := CheckMany(docs)
	stopIfToolsMissing(t, err)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range sortedNames(docs) {
		res := results[name]
		for _, w := range res.Warnings {
			t.Logf("%s: warning %s", name, w)
		}
		if !res.OK() {
			t.Errorf("%s: the %s does not pass the official artefacts (%s):%s", name, res.Root, syntaxes[res.Root].versions, res.problems())
		}
	}
	return results
}

// RequireTools skips the test where the tools are missing, or fails it
// where the environment variable CI is set, as UBL and Many do: for tests
// that call Check or CheckMany because they expect a document to fail.
func RequireTools(t testing.TB) {
	t.Helper()
	_, _, _, err := tools()
	stopIfToolsMissing(t, err)
}

func stopIfToolsMissing(t testing.TB, err error) {
	t.Helper()
	if !errors.Is(err, ErrToolsMissing) {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatal(err)
	}
	t.Skip(err.Error() + " (the test needs them; with CI set it fails instead)")
}

// problems lists the schema errors and fatal rules, one a line.
func (r Result) problems() string {
	var b strings.Builder
	if r.Schema != "" {
		fmt.Fprintf(&b, "\nschema of the %s:\n%s", r.Root, r.Schema)
	}
	for _, a := range r.Fatal {
		fmt.Fprintf(&b, "\n%s", a)
	}
	return b.String()
}

// Check runs the artefacts of doc's syntax, chosen by its root element,
// on it: first the schema (UBL 2.1 Invoice or CreditNote, or CII D16B)
// with xmllint; if that passes, the Schematron XSLTs (EN 16931 and Peppol
// BIS for UBL, EN 16931 for CII) in one Saxon run. A document the schema
// rejects is not given to the rules. The error is for what kept the check
// from running (ErrToolsMissing among them), never for what the check
// found.
func Check(doc []byte) (Result, error) {
	results, err := CheckMany(map[string][]byte{"doc": doc})
	return results["doc"], err
}

// CheckMany is Check for several documents, named by the map's keys:
// xmllint once per document, then one Saxon run (one JVM, each rule XSLT
// compiled once) over every document the schema accepts; UBL and CII
// documents may be mixed.
func CheckMany(docs map[string][]byte) (map[string]Result, error) {
	results := make(map[string]Result, len(docs))
	names := sortedNames(docs)
	for _, name := range names {
		root, err := rootOf(docs[name])
		if err != nil {
			return results, fmt.Errorf("%s: %w", name, err)
		}
		results[name] = Result{Root: root}
	}
	xmllint, java, jar, err := tools()
	if err != nil {
		return results, err
	}
	work, err := os.MkdirTemp("", "einvoice-validate-")
	if err != nil {
		return results, err
	}
	defer os.RemoveAll(work)

	// Files are numbered rather than named after the keys, which may
	// hold anything; schema messages get the key back.
	var ruled []string // names of the documents the schema accepts, in the order given to Saxon
	var jobs []string  // for each, its file and its rule XSLTs, as the wrapper takes them
	var out bytes.Buffer
	for i, name := range names {
		res := results[name]
		syn := syntaxes[res.Root]
		dir, err := testdata(syn.dir)
		if err != nil {
			return results, err
		}
		file := filepath.Join(work, fmt.Sprintf("doc%d.xml", i))
		if err := os.WriteFile(file, docs[name], 0o600); err != nil {
			return results, err
		}
		out.Reset()
		cmd := exec.Command(xmllint, "--noout", "--nonet", "--schema", filepath.Join(dir, syn.schema), file)
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 3 { // 3: the document does not validate
				return results, fmt.Errorf("xmllint on %s: %v\n%s", name, err, out.Bytes())
			}
			res.Schema = strings.ReplaceAll(out.String(), file, name)
			results[name] = res
			continue
		}
		job := []string{fileURI(file)}
		for _, r := range syn.rules {
			job = append(job, fileURI(filepath.Join(dir, r.xslt)))
		}
		ruled = append(ruled, name)
		jobs = append(jobs, strings.Join(job, "|"))
	}
	if len(ruled) == 0 {
		return results, nil
	}

	wrapper := filepath.Join(work, "rules.xsl")
	if err := os.WriteFile(wrapper, []byte(rulesXSL), 0o600); err != nil {
		return results, err
	}
	svrl := filepath.Join(work, "svrl.xml")
	out.Reset()
	cmd := exec.Command(java, "-cp", jar, "net.sf.saxon.Transform",
		"-it:main", "-xsl:"+wrapper, "-o:"+svrl, "jobs="+strings.Join(jobs, " "))
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return results, fmt.Errorf("saxon: %v\n%s", err, out.Bytes())
	}
	raw, err := os.ReadFile(svrl)
	if err != nil {
		return results, err
	}
	return results, parseSVRL(results, ruled, raw)
}

func sortedNames(docs map[string][]byte) []string {
	names := make([]string, 0, len(docs))
	for name := range docs {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// rulesXSL runs the jobs in $jobs, all in the one JVM. They are
// space-separated; each is a document's file URI and the URIs of the rule
// XSLTs to run on it, separated by "|" (file URIs escape both spaces and
// "|"). fn:transform caches a compiled stylesheet, so the large XSLTs are
// compiled once per run, not once per document.
const rulesXSL = `<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xsl:param name="jobs" as="xs:string"/>
  <xsl:template name="main">
    <documents>
      <xsl:for-each select="tokenize($jobs, ' ')">
        <xsl:variable name="job" select="tokenize(., '\|')"/>
        <xsl:variable name="doc" select="doc(head($job))"/>
        <document>
          <xsl:for-each select="tail($job)">
            <report>
              <xsl:copy-of select="transform(map{'stylesheet-location': ., 'source-node': $doc})?output"/>
            </report>
          </xsl:for-each>
        </document>
      </xsl:for-each>
    </documents>
  </xsl:template>
</xsl:stylesheet>
`

func fileURI(path string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String()
}

type svrlAssert struct {
	ID       string `xml:"id,attr"`
	Flag     string `xml:"flag,attr"`
	Location string `xml:"location,attr"`
	Test     string `xml:"test,attr"`
	Text     string `xml:"http://purl.oclc.org/dsdl/svrl text"`
}

type svrlOutput struct {
	Failed   []svrlAssert `xml:"http://purl.oclc.org/dsdl/svrl failed-assert"`
	Reported []svrlAssert `xml:"http://purl.oclc.org/dsdl/svrl successful-report"`
}

// parseSVRL reads the wrapper's output: one document element per name in
// ruled, in that order, each with one report per rule set of its syntax,
// in that order, each holding that XSLT's svrl:schematron-output.
func parseSVRL(results map[string]Result, ruled []string, raw []byte) error {
	var out struct {
		Documents []struct {
			Reports []struct {
				Outputs []svrlOutput `xml:"http://purl.oclc.org/dsdl/svrl schematron-output"`
			} `xml:"report"`
		} `xml:"document"`
	}
	if err := xml.Unmarshal(raw, &out); err != nil {
		return fmt.Errorf("validate: reading the SVRL: %v", err)
	}
	if len(out.Documents) != len(ruled) {
		return fmt.Errorf("validate: SVRL for %d documents, want %d", len(out.Documents), len(ruled))
	}
	for d, doc := range out.Documents {
		res := results[ruled[d]]
		rules := syntaxes[res.Root].rules
		if len(doc.Reports) != len(rules) {
			return fmt.Errorf("validate: %s: %d SVRL reports, want %d", ruled[d], len(doc.Reports), len(rules))
		}
		for i, rep := range doc.Reports {
			if len(rep.Outputs) != 1 {
				return fmt.Errorf("validate: %s: the %s rules gave no SVRL output", ruled[d], rules[i].name)
			}
			o := rep.Outputs[0]
			for _, a := range append(o.Failed, o.Reported...) {
				x := Assert{Rules: rules[i].name, ID: a.ID, Flag: a.Flag, Location: a.Location,
					Test: strings.TrimSpace(a.Test), Text: strings.Join(strings.Fields(a.Text), " ")}
				if a.Flag == "fatal" || a.Flag == "error" {
					res.Fatal = append(res.Fatal, x)
				} else {
					res.Warnings = append(res.Warnings, x)
				}
			}
		}
		results[ruled[d]] = res
	}
	return nil
}

// rootOf answers the local name of the document's root element, one of
// the syntaxes' keys, checking that it is in that syntax's namespace.
func rootOf(doc []byte) (string, error) {
	dec := xml.NewDecoder(bytes.NewReader(doc))
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", fmt.Errorf("validate: no root element: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			syn, ok := syntaxes[se.Name.Local]
			if !ok || se.Name.Space != syn.ns {
				return "", fmt.Errorf("validate: root element {%s}%s is not a UBL Invoice or CreditNote, nor a CII CrossIndustryInvoice", se.Name.Space, se.Name.Local)
			}
			return se.Name.Local, nil
		}
	}
}
