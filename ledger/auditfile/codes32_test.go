package auditfile

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// schemaEnums reads the enumeration values of every named simple type of
// the XAF 3.2 schema.
func schemaEnums(t *testing.T) map[string][]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "xaf", "XmlAuditfileFinancieel3.2.xsd"))
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		SimpleTypes []struct {
			Name   string `xml:"name,attr"`
			Values []struct {
				Value string `xml:"value,attr"`
			} `xml:"restriction>enumeration"`
		} `xml:"simpleType"`
	}
	if err := xml.Unmarshal(b, &schema); err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, st := range schema.SimpleTypes {
		for _, v := range st.Values {
			out[st.Name] = append(out[st.Name], v.Value)
		}
	}
	return out
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestCodeLists32MatchSchema: the Go tables are the schema's enumerations,
// no more and no less.
func TestCodeLists32MatchSchema(t *testing.T) {
	enums := schemaEnums(t)
	for name, table := range map[string]map[string]bool{"CountrycodeIso3166": countries32, "CurrencycodeIso4217": currencies32} {
		want := slices.Clone(enums[name])
		slices.Sort(want)
		if len(want) < 100 {
			t.Fatalf("%s: the schema has %d values; the test does not read it right", name, len(want))
		}
		if got := keys(table); !slices.Equal(got, want) {
			t.Errorf("%s: the Go table differs from the schema:\n got %v\nwant %v", name, got, want)
		}
	}
	// Codes newer than the 2018 lists are not in them.
	for _, c := range []string{"RON", "TRY", "RUB", "RSD", "GHS", "AZN", "MZN", "ZMW", "BYN", "VES", "MRU", "STN", "SLE", "ZWG"} {
		if Currency32(c) {
			t.Errorf("currency %s is not in the 3.2 list", c)
		}
	}
	for _, c := range []string{"XI", "ZZ", "XK", "EU", "EL"} {
		if Country32(c) {
			t.Errorf("country %s is not in the 3.2 list", c)
		}
	}
	if !Currency32("EUR") || !Country32("NL") || !Country32("UK") {
		t.Error("EUR, NL and UK are in the 3.2 lists")
	}
}
