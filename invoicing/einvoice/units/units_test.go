package units

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestCodes: the units lines are written with map to the codes the issue
// and the standard name (pcs C62, h HUR), case and a trailing dot aside;
// a code is taken as itself; an unknown unit has none.
func TestCodes(t *testing.T) {
	for unit, want := range map[string]string{"pcs": "C62", "": "C62", "St.": "C62", "h": "HUR", "uur": "HUR", "Hours": "HUR",
		"kg": "KGM", "m²": "MTK", "maand": "MON", "kWh": "KWH", "HUR": "HUR", "day": "DAY"} {
		if got, ok := Code(unit); !ok || got != want {
			t.Errorf("Code(%q) = %q, %v; want %q", unit, got, ok, want)
		}
	}
	// Any code of the EN 16931 list is taken, in any case (the list's
	// codes are upper case and digits). "PCE" is no code but reads
	// "piece".
	for unit, want := range map[string]string{"LS": "LS", "E48": "E48", " XBG ": "XBG", "PCE": "C62", "ls": "LS", "e48": "E48", "kgm": "KGM"} {
		if got, ok := Code(unit); !ok || got != want {
			t.Errorf("Code(%q) = %q, %v; want %q", unit, got, ok, want)
		}
	}
	for _, unit := range []string{"bushel of apples", "sessie", "license", "licence fee"} {
		if c, ok := Code(unit); ok || c != "" {
			t.Errorf("the unknown unit %q got %q", unit, c)
		}
	}
	// Every code has its text, and the text maps back to the code.
	for _, c := range codes {
		if back, ok := Code(Unit(c)); !ok || back != c {
			t.Errorf("Unit(%s) = %q, which maps to %q", c, Unit(c), back)
		}
	}
}

// TestCodesAreRecommendation20: the embedded list is the one the
// official EN 16931 rules check unit codes against (BR-CL-23), read from
// the artefact in testdata, and every mapped code is on it, so a typo
// fails here and not at validation.
func TestCodesAreRecommendation20(t *testing.T) {
	xslt, err := os.ReadFile("../../../testdata/peppol/en16931/EN16931-UBL-validation.xslt")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`contains\(normalize-space\(@unitCode\), ' '\)\) and contains\(' ([^']+) '`).FindSubmatch(xslt)
	if m == nil {
		t.Fatal("the BR-CL-23 code list is not in the EN 16931 XSLT")
	}
	want := strings.Fields(string(m[1]))
	if len(want) < 1000 {
		t.Fatalf("read %d codes; the list has about 2,000", len(want))
	}
	if !slices.Equal(list, want) {
		t.Errorf("list.go (%d codes) differs from the XSLT's BR-CL-23 list (%d codes): regenerate it", len(list), len(want))
	}
	for unit, c := range codes {
		if !known[c] {
			t.Errorf("%q maps to %s, which is not a UN/ECE Rec. 20 code", unit, c)
		}
	}
}
