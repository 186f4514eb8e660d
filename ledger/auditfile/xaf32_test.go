package auditfile

import "testing"

func TestFormatMinor(t *testing.T) {
	for _, c := range []struct {
		minor int64
		exp   int
		want  string
	}{
		{0, 2, "0.00"}, {5, 2, "0.05"}, {100, 2, "1.00"}, {123456, 2, "1234.56"}, {-7, 2, "-0.07"},
		{1234, 0, "1234"}, {9, 1, "0.9"}, {-9223372036854775808, 2, "-92233720368547758.08"},
	} {
		if got := formatMinor(c.minor, c.exp); got != c.want {
			t.Errorf("formatMinor(%d, %d) = %q, want %q", c.minor, c.exp, got, c.want)
		}
	}
}

func TestTruncAndCountry(t *testing.T) {
	if got := trunc("Bakkerij Één & Zonen", 10); got != "Bakkerij É" {
		t.Errorf("trunc counts characters: %q", got)
	}
	if got := trunc("short", 50); got != "short" {
		t.Errorf("trunc %q", got)
	}
	for in, want := range map[string]string{"NL": "NL", "nl": "", "XK": "", "": "", "NLD": "", "BE": "BE"} {
		if got := country(in, ""); got != want {
			t.Errorf("country(%q) = %q, want %q", in, got, want)
		}
	}
}
