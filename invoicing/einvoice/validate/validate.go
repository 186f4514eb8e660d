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
	"strings"
	"testing"
)

// SaxonJar is where Debian's libsaxonhe-java puts Saxon-HE; the
// environment variable BACKOFFICE_SAXON_JAR overrides it.
const SaxonJar = "/usr/share/java/Saxon-HE.jar"

// Assert is one Schematron rule a document broke (an svrl:failed-assert,
// or an svrl:successful-report, which the artefacts use the same way).
type Assert struct {
	Rules    string // which artefact: "EN 16931" or "Peppol BIS"
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
	Root     string   // Invoice or CreditNote
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

// Dir finds testdata/peppol: it walks up from the working directory (a
// package's directory under go test) to the module root, the directory
// with go.mod.
func Dir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "testdata", "peppol"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("validate: no go.mod above the working directory, so no testdata/peppol")
		}
		dir = parent
	}
}

// UBL validates a UBL 2.1 invoice or credit note with the official
// artefacts and fails the test with every problem (schema errors, each
// fatal rule with its id and text); warnings are logged. Where the tools
// are missing the test is skipped, unless the environment variable CI is
// set: then it fails.
func UBL(t testing.TB, doc []byte) Result {
	t.Helper()
	res, err := Check(doc)
	if errors.Is(err, ErrToolsMissing) {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Skip(err.Error() + " (the test needs them; with CI set it fails instead)")
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range res.Warnings {
		t.Logf("warning %s", w)
	}
	if !res.OK() {
		var b strings.Builder
		if res.Schema != "" {
			fmt.Fprintf(&b, "\nUBL 2.1 schema (%s):\n%s", res.Root, res.Schema)
		}
		for _, a := range res.Fatal {
			fmt.Fprintf(&b, "\n%s", a)
		}
		t.Fatalf("the %s does not pass the official artefacts (%s, EN 16931 %s, Peppol BIS %s %s):%s",
			res.Root, UBLVersion, EN16931Version, PeppolRelease, PeppolVersion, b.String())
	}
	return res
}

// Check runs the artefacts on doc: first the UBL 2.1 schema of its root
// element with xmllint; if that passes, both Schematron XSLTs in one Saxon
// run. A document the schema rejects is not given to the rules. The error
// is for what kept the check from running (ErrToolsMissing among them),
// never for what the check found.
func Check(doc []byte) (Result, error) {
	var res Result
	root, err := rootOf(doc)
	if err != nil {
		return res, err
	}
	res.Root = root
	xsd := map[string]string{"Invoice": invoiceXSD, "CreditNote": creditNoteXSD}[root]
	if xsd == "" {
		return res, fmt.Errorf("validate: the root element is %s, not a UBL Invoice or CreditNote", root)
	}
	xmllint, java, jar, err := tools()
	if err != nil {
		return res, err
	}
	dir, err := Dir()
	if err != nil {
		return res, err
	}
	work, err := os.MkdirTemp("", "ubl-validate-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(work)
	file := filepath.Join(work, "doc.xml")
	if err := os.WriteFile(file, doc, 0o600); err != nil {
		return res, err
	}

	var out bytes.Buffer
	cmd := exec.Command(xmllint, "--noout", "--nonet", "--schema", filepath.Join(dir, xsd), file)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 3 { // 3: the document does not validate
			return res, fmt.Errorf("xmllint: %v\n%s", err, out.Bytes())
		}
		res.Schema = strings.ReplaceAll(out.String(), file, "doc.xml")
		return res, nil
	}

	wrapper := filepath.Join(work, "both.xsl")
	if err := os.WriteFile(wrapper, []byte(bothXSL), 0o600); err != nil {
		return res, err
	}
	svrl := filepath.Join(work, "svrl.xml")
	rules := fileURI(filepath.Join(dir, en16931XSLT)) + " " + fileURI(filepath.Join(dir, peppolXSLT))
	out.Reset()
	cmd = exec.Command(java, "-cp", jar, "net.sf.saxon.Transform",
		"-s:"+file, "-xsl:"+wrapper, "-o:"+svrl, "rules="+rules)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return res, fmt.Errorf("saxon: %v\n%s", err, out.Bytes())
	}
	raw, err := os.ReadFile(svrl)
	if err != nil {
		return res, err
	}
	return parseSVRL(res, raw)
}

// bothXSL runs each rule XSLT named in $rules on the document in the one
// JVM (fn:transform), so the JVM starts once per document, not twice.
const bothXSL = `<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xsl:param name="rules" as="xs:string"/>
  <xsl:template match="/">
    <xsl:variable name="doc" select="."/>
    <reports>
      <xsl:for-each select="tokenize($rules, ' ')">
        <report>
          <xsl:copy-of select="transform(map{'stylesheet-location': ., 'source-node': $doc})?output"/>
        </report>
      </xsl:for-each>
    </reports>
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

// parseSVRL reads the wrapper's output: one report per rule XSLT, in the
// order of $rules, each holding that XSLT's svrl:schematron-output.
func parseSVRL(res Result, raw []byte) (Result, error) {
	var doc struct {
		Reports []struct {
			Outputs []svrlOutput `xml:"http://purl.oclc.org/dsdl/svrl schematron-output"`
		} `xml:"report"`
	}
	if err := xml.Unmarshal(raw, &doc); err != nil {
		return res, fmt.Errorf("validate: reading the SVRL: %v", err)
	}
	names := []string{"EN 16931", "Peppol BIS"}
	if len(doc.Reports) != len(names) {
		return res, fmt.Errorf("validate: %d SVRL reports, want %d", len(doc.Reports), len(names))
	}
	for i, rep := range doc.Reports {
		if len(rep.Outputs) != 1 {
			return res, fmt.Errorf("validate: the %s rules gave no SVRL output", names[i])
		}
		o := rep.Outputs[0]
		for _, a := range append(o.Failed, o.Reported...) {
			x := Assert{Rules: names[i], ID: a.ID, Flag: a.Flag, Location: a.Location,
				Test: strings.TrimSpace(a.Test), Text: strings.Join(strings.Fields(a.Text), " ")}
			if a.Flag == "fatal" || a.Flag == "error" {
				res.Fatal = append(res.Fatal, x)
			} else {
				res.Warnings = append(res.Warnings, x)
			}
		}
	}
	return res, nil
}

// rootOf answers the local name of the document's root element, checking
// that it is in the UBL namespace of that name.
func rootOf(doc []byte) (string, error) {
	dec := xml.NewDecoder(bytes.NewReader(doc))
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", fmt.Errorf("validate: no root element: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			want := "urn:oasis:names:specification:ubl:schema:xsd:" + se.Name.Local + "-2"
			if se.Name.Space != want {
				return "", fmt.Errorf("validate: root element {%s}%s is not UBL", se.Name.Space, se.Name.Local)
			}
			return se.Name.Local, nil
		}
	}
}
