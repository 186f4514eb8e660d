package xmlsafe

import (
	"errors"
	"strings"
	"testing"
)

const ubl = `<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:ID>INV-1 &amp; co</cbc:ID>
</Invoice>
`

func kindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return ""
}

// TestCheckNamesTheDocument: a well-formed document answers its root and
// namespace, with a default namespace or a prefixed one.
func TestCheckNamesTheDocument(t *testing.T) {
	r, err := Check([]byte(ubl), DefaultLimits)
	if err != nil || r.Local != "Invoice" || r.Space != "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" {
		t.Fatalf("root %+v, %v", r, err)
	}
	cii := `<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"><rsm:X/></rsm:CrossIndustryInvoice>`
	r, err = Check([]byte(cii), DefaultLimits)
	if err != nil || r.Local != "CrossIndustryInvoice" || r.Space != "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" {
		t.Fatalf("root %+v, %v", r, err)
	}
}

// TestCheckRefuses: each hostile or broken document is refused for its
// own reason.
func TestCheckRefuses(t *testing.T) {
	small := Limits{MaxBytes: 4096, MaxDepth: 8, MaxElements: 20}
	cases := []struct {
		name, doc string
		want      Kind
	}{
		{"external entity", `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>`, DocumentType},
		{"billion laughs", `<!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><r>&b;</r>`, DocumentType},
		{"undeclared entity", `<r>&x;</r>`, Malformed},
		{"too deep", strings.Repeat("<a>", 9) + strings.Repeat("</a>", 9), TooDeep},
		{"too many elements", "<r>" + strings.Repeat("<a/>", 20) + "</r>", TooManyElements},
		{"too large", "<r>" + strings.Repeat("x", 4096) + "</r>", TooLarge},
		{"two roots", "<r/><s/>", Malformed},
		{"text after the root", "<r/>trailing", Malformed},
		{"unclosed", "<r><a></a>", Malformed},
		{"mismatched", "<r></s>", Malformed},
		{"empty", "", Malformed},
		{"not XML", "%PDF-1.7 binary", Malformed},
	}
	for _, c := range cases {
		if _, err := Check([]byte(c.doc), small); kindOf(err) != c.want {
			t.Errorf("%s: %v; want %s", c.name, err, c.want)
		}
	}
	// Exactly at the limits is fine.
	if _, err := Check([]byte(strings.Repeat("<a>", 8)+strings.Repeat("</a>", 8)), small); err != nil {
		t.Errorf("8 deep: %v", err)
	}
	if _, err := Check([]byte("<r>"+strings.Repeat("<a/>", 19)+"</r>"), small); err != nil {
		t.Errorf("20 elements: %v", err)
	}
}

// TestCheckDeclarationAfterWhiteSpace: encoding/xml reads a declaration
// after white space or a byte order mark, and such files were accepted
// before Check began refusing misplaced declarations; after a comment, a
// PI or an element the declaration stays refused.
func TestCheckDeclarationAfterWhiteSpace(t *testing.T) {
	for _, prefix := range []string{"\n", "\r\n", " \t\n", "\ufeff", "\ufeff\n", "\ufeff\r\n  "} {
		if r, err := Check([]byte(prefix+ubl), DefaultLimits); err != nil || r.Local != "Invoice" {
			t.Errorf("prefix %q: root %+v, %v", prefix, r, err)
		}
	}
	for _, prefix := range []string{"<!-- c -->", "<!-- c -->\n", "<?pi x?>", "\n<?pi x?>\n"} {
		if _, err := Check([]byte(prefix+ubl), DefaultLimits); kindOf(err) != Malformed {
			t.Errorf("prefix %q: %v; want %s", prefix, err, Malformed)
		}
	}
	if _, err := Check([]byte("<r/>\n"+`<?xml version="1.0"?>`), DefaultLimits); kindOf(err) != Malformed {
		t.Errorf("declaration after the root: %v", err)
	}
}
