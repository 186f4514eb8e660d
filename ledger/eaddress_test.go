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
