package ledger

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The EAS list is the one of the Peppol release the tests validate with.
func TestEASCodesAreThePeppolList(t *testing.T) {
	sch, err := os.ReadFile("../testdata/peppol/peppol-bis3/PEPPOL-EN16931-UBL.sch")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`<let name="eaid" value="tokenize\('([0-9 ]+)'`).FindSubmatch(sch)
	if m == nil {
		t.Fatal("no eaid list in the Schematron")
	}
	if want := strings.Fields(string(m[1])); !slices.Equal(EASCodes, want) {
		t.Errorf("EASCodes differ from the Peppol list:\n got %v\nwant %v", EASCodes, want)
	}
}

func TestCheckElectronicAddress(t *testing.T) {
	for in, want := range map[string]string{
		"":                                 "",
		" 0106:12345678 ":                  "0106:12345678",
		"0106 : 12345678":                  "0106:12345678",
		"0190:00000001234567890000":        "0190:00000001234567890000",
		"9944:nl000099998b57":              "9944:NL000099998B57",
		"0088:5790000435968":               "0088:5790000435968",
		"0060:" + strings.Repeat("9", 100): "0060:" + strings.Repeat("9", 100),
	} {
		var p Problems
		if got := CheckElectronicAddress(&p, "a", in); got != want || len(p) != 0 {
			t.Errorf("%q: %q %v, want %q", in, got, p, want)
		}
	}
	for _, in := range []string{"12345678", "1234:5678", "0106:1234567", "0106:1234567a", "0106:", "0190:123",
		"9944:NL123456789B02", "9944:DE136695976", "0060:" + strings.Repeat("9", 101)} {
		var p Problems
		CheckElectronicAddress(&p, "a", in)
		if len(p) != 1 || p[0].Reason != ReasonElectronicAddressInvalid || p[0].Path != "a" {
			t.Errorf("%q: %v", in, p)
		}
	}
	e := &Entity{RegistrationID: "12345678"}
	if e.Endpoint() != "0106:12345678" {
		t.Errorf("derived %q", e.Endpoint())
	}
	e.ElectronicAddress = "0190:00000001234567890000"
	if e.Endpoint() != e.ElectronicAddress {
		t.Errorf("set %q", e.Endpoint())
	}
	if (&Entity{RegistrationID: "KvK 1234"}).Endpoint() != "" {
		t.Error("no KvK number, no address")
	}
}

// TestPeppolIdentifierChecks: the schemes whose ids Peppol checks
// (PEPPOL-COMMON-R040 to R053), each with a valid id (check digits worked
// out by hand) and ids the rule refuses.
func TestPeppolIdentifierChecks(t *testing.T) {
	for _, c := range []struct {
		scheme string
		valid  []string
		bad    []string
	}{
		// GLN 5790000435968: 579000043596 from the right weighs 3,1,3...:
		// 6*3+9+5*3+3+4*3+0+0+0+0+9+7*3+5 = 92, 10-2 = 8. 1234567890123:
		// 2*3+1+0+9+8*3+7+6*3+5+4*3+3+2*3+1 = 92, wants 8, has 3.
		{"0088", []string{"5790000435968", "0"}, []string{"1234567890123", "5790000435967", "579000043596a"}},
		// 12345678|5: 8*2+7*3+6*4+5*5+4*6+3*7+2*2+1*3 = 138, 138 mod 11
		// = 6, 11-6 = 5. 000000000 is 0.
		{"0192", []string{"123456785"}, []string{"123456789", "12345678", "000000000", "NO123456785"}},
		{"0184", []string{"12345674", "DK12345674"}, []string{"DK1234", "1234567", "dk12345674", "DK1234567A"}},
		{"0096", []string{"1234567890"}, []string{"123456789", "DK12345678"}},
		{"0198", []string{"DK12345674"}, []string{"12345674", "DK123456"}},
		// 01234567 mod 97 = 1234567 - 97*12727 = 48, 97-48 = 49.
		// 12345678 mod 97 = 3: wants 94, has 90.
		{"0208", []string{"0123456749"}, []string{"1234567890", "123456749", "BE0123456749"}},
		// 556036079: from the right 9 doubled 18 -> 9, 7, 0, 6, 3 doubled
		// 6, 0, 6 doubled 12 -> 3, 5, 5 doubled 10 -> 1: 37, 10-7 = 3.
		// 123456789: 9+8+5+6+1+4+6+2+2 = 43 wants 7, has 0.
		{"0007", []string{"5560360793", "1234567897"}, []string{"1234567890", "556036079", "556036079-3"}},
		// 51824753556: (5-1)*10+1*1+8*3+2*5+4*7+7*9+5*11+3*13+5*15+5*17
		// +6*19 = 534 = 6*89. 12345678901: 455, 455 mod 89 = 10.
		{"0151", []string{"51824753556"}, []string{"12345678901", "5182475355", "5182475355a"}},
	} {
		for _, id := range c.valid {
			var p Problems
			if got := CheckElectronicAddress(&p, "a", c.scheme+":"+id); len(p) != 0 || got != c.scheme+":"+id {
				t.Errorf("%s:%s refused: %v", c.scheme, id, p)
			}
		}
		for _, id := range c.bad {
			var p Problems
			CheckElectronicAddress(&p, "a", c.scheme+":"+id)
			if len(p) != 1 || p[0].Reason != ReasonElectronicAddressInvalid || !strings.Contains(p[0].Message, "PEPPOL-COMMON-R0") {
				t.Errorf("%s:%s: %v", c.scheme, id, p)
			}
		}
	}
}
