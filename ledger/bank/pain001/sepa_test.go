package pain001

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestSEPAText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"Plain text 123 /-?:().,'+", "Plain text 123 /-?:().,'+"},
		{"Café crème brûlée", "Cafe creme brulee"},
		{"Müller & Söhne", "Muller + Sohne"},
		{"Straße", "Strasse"},
		{"ẞ", "SS"},
		{"Ærø Œuvre æble œuf", "AEro OEuvre aeble oeuf"},
		{"Øresund ø", "Oresund o"},
		{"Łódź Gdańsk", "Lodz Gdansk"},
		{"Þórður Ðóra", "THordur Dora"},
		{"Ĳsselmeer ĳs", "IJsselmeer ijs"},
		{"ﬁnance", "finance"},
		{"½ kilo", "1/2 kilo"},
		{"l’été – déjà", "l'ete - deja"},
		{"“quoted”", "quoted"},
		{"INV_2026_01", "INV-2026-01"},
		{"€ 12,50", "EUR 12,50"},
		{"info@example.com #12 *note*", "info example.com 12 note"},
		{"tab\there\nnewline", "tab here newline"},
		{"a\u00a0b", "a b"},
		{"  many    spaces  ", "many spaces"},
		{"/leading and trailing/", "leading and trailing"},
		{"double//slash and ///triple", "double/slash and /triple"},
		{"a / / b", "a / / b"},
		{"日本語", ""},
		{"Ω ohm", "ohm"},
		{"Zürich 🙂 ok", "Zurich ok"},
	} {
		if got := SEPAText(tc.in); got != tc.want {
			t.Errorf("SEPAText(%q) = %q, want %q", tc.in, got, tc.want)
		}
		// The result is always in the set and keeps the slash rule.
		got := SEPAText(tc.in)
		if idProblem(got, 1000) != "" && got != "" {
			t.Errorf("SEPAText(%q) = %q breaks the id rules: %s", tc.in, got, idProblem(got, 1000))
		}
	}
}

// Hand computations for the check digit: digits after C, weights
// 2 4 8 5 10 9 7 3 6 1 from the right, C = 11 - sum mod 11 (10 -> 1, 11 -> 0).
func TestValidPaymentReference(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
		why  string
	}{
		// Betaalvereniging example, 14 digits: C=1, L=2, then 234534622567.
		// 7*2+6*4+5*8+2*5+2*10+6*9+4*7+3*3+5*6+4*1+3*2+2*4+2*8 = 263;
		// 263 mod 11 = 10; 11-10 = 1 = C.
		{"12234534622567", true, "published example"},
		// XMLdation example, 16 digits: after C=5, 000056789012345:
		// 5*2+4*4+3*8+2*5+1*10+0*9+9*7+8*3+7*6+6*1+5*2 = 215; 215 mod 11 = 6; 11-6 = 5.
		{"5000056789012345", true, "published example"},
		// 9 digits, L=7: after C, 71234567: 7*2+6*4+5*8+4*5+3*10+2*9+1*7+7*3 = 174;
		// 174 mod 11 = 9; 11-9 = 2.
		{"271234567", true, "9 digits"},
		// 10 digits, L=8: after C, 800000005: 5*2 + 8*6 = 58; 58 mod 11 = 3; C = 8.
		{"8800000005", true, "10 digits"},
		// 16 digits, 000000000000006: 6*2 = 12; 12 mod 11 = 1; 11-1 = 10 -> 1.
		{"1000000000000006", true, "check 10 written as 1"},
		// 16 digits of zeros: sum 0; 11-0 = 11 -> 0.
		{"0000000000000000", true, "check 11 written as 0"},
		{"1234567", true, "7 digits have no check digit"},
		{"0000000", true, "7 digits have no check digit"},

		{"22234534622567", false, "wrong check digit"},
		{"13234534622567", false, "wrong length code (3, but 12 digits follow)"},
		{"5000056789012346", false, "wrong check digit (sum 217, C would be 3)"},
		{"12345678", false, "8 digits do not exist"},
		{"123456789012345", false, "15 digits do not exist"},
		{"123456", false, "too short"},
		{"12345678901234567", false, "too long"},
		{"5000 0567 8901 2345", false, "spaces"},
		{"500005678901234X", false, "not a digit"},
		{"", false, "empty"},
		{"RF18539007547034", false, "an ISO 11649 reference is not a betalingskenmerk"},
	} {
		if got := ValidPaymentReference(tc.in); got != tc.want {
			t.Errorf("ValidPaymentReference(%q) = %v, want %v (%s)", tc.in, got, tc.want, tc.why)
		}
	}
}

func TestValidIBAN(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"NL91ABNA0417164300", true},
		{"DE89370400440532013000", true},
		{"FR1420041010050500013M02606", true},
		{"BE68539007547034", true},
		{"NO9386011117947", true},
		{mkIBAN("NL", "INGB0001234567"), true},
		{"NL91ABNA0417164301", false}, // changed digit
		{"NL19ABNA0417164300", false}, // swapped check digits
		{"nl91abna0417164300", false}, // lower case (Write upper-cases first)
		{"NL91 ABNA 0417 1643 00", false},
		{"NL91ABNA04171643", false},
		{"1291ABNA0417164300", false},
		{"NLX1ABNA0417164300", false},
		{"NL91ABNA041716430!", false},
		{"", false},
	} {
		if got := validIBAN(tc.in); got != tc.want {
			t.Errorf("validIBAN(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestIDProblem(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // substring; "" means valid
	}{
		{"INV-2026-0001", ""},
		{"A/B (1) ?:.,'+", ""},
		{"", "required"},
		{strings.Repeat("x", 35), ""},
		{strings.Repeat("x", 36), "longer than 35"},
		{"/A", "start or end with '/'"},
		{"A/", "start or end with '/'"},
		{"A//B", `"//"`},
		{" A", "space"},
		{"A_B", "'_'"},
		{"Café", "'é'"},
		{"A&B", "'&'"},
		{"A\x01", "control"},
	} {
		got := idProblem(tc.in, 35)
		if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
			t.Errorf("idProblem(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// The schema check is not vacuous: xmllint refuses a file whose elements
// are out of the schema's order, or whose amount has three decimals
// against the EPC schema.
func TestXSDCatchesMistakes(t *testing.T) {
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("xmllint not found")
		}
		t.Skip("xmllint not found")
	}
	doc, err := Write(V09, sampleBatch())
	if err != nil {
		t.Fatal(err)
	}
	swapped := bytes.Replace(doc, []byte("<ChrgBr>SLEV</ChrgBr>"), nil, 1)
	swapped = bytes.Replace(swapped, []byte("<PmtTpInf>"), []byte("<ChrgBr>SLEV</ChrgBr><PmtTpInf>"), 1)
	threeDecimals := bytes.Replace(doc, []byte(">1234.56<"), []byte(">1234.567<"), 1)
	for _, tc := range []struct {
		name, xsd string
		doc       []byte
	}{
		{"order", schemaFor(V09), swapped},
		{"EPC decimals", epcXSD09, threeDecimals},
	} {
		file := filepath.Join(t.TempDir(), "bad.xml")
		if err := os.WriteFile(file, tc.doc, 0o600); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(bin, "--noout", "--nonet", "--schema", tc.xsd, file).CombinedOutput(); err == nil {
			t.Errorf("%s: xmllint accepted a wrong file: %s", tc.name, out)
		}
	}
}
