package units

import (
	"os"
	"regexp"
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
	if c, ok := Code("bushel of apples"); ok || c != "" {
		t.Errorf("an unknown unit got %q", c)
	}
	// Every code has its text, and the text maps back to the code.
	for _, c := range codes {
		if back, ok := Code(Unit(c)); !ok || back != c {
			t.Errorf("Unit(%s) = %q, which maps to %q", c, Unit(c), back)
		}
	}
}

// TestCodesAreRecommendation20: every code is in the list the official
// EN 16931 rules check unit codes against (BR-CL-23), read from the
// artefact in testdata, so a typo fails here and not at validation.
func TestCodesAreRecommendation20(t *testing.T) {
	xslt, err := os.ReadFile("../../../testdata/peppol/en16931/EN16931-UBL-validation.xslt")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`contains\(normalize-space\(@unitCode\), ' '\)\) and contains\(' ([^']+) '`).FindSubmatch(xslt)
	if m == nil {
		t.Fatal("the BR-CL-23 code list is not in the EN 16931 XSLT")
	}
	list := map[string]bool{}
	for _, c := range strings.Fields(string(m[1])) {
		list[c] = true
	}
	if len(list) < 1000 {
		t.Fatalf("read %d codes; the list has about 2,000", len(list))
	}
	for unit, c := range codes {
		if !list[c] {
			t.Errorf("%q maps to %s, which is not a UN/ECE Rec. 20 code", unit, c)
		}
	}
}
