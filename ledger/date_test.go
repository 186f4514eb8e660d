package ledger

import "testing"

// TestDateRange: ParseDate and CheckRange agree on one range, with one
// message, so a date taken on a draft is taken when it is issued.
func TestDateRange(t *testing.T) {
	for _, tc := range []struct {
		in, err string
	}{
		{"1900-01-01", ""},
		{"2026-03-31", ""},
		{"9998-12-31", ""},
		{"1899-12-31", `"1899-12-31" is outside the years 1900 to 9998`},
		{"9999-01-01", `"9999-01-01" is outside the years 1900 to 9998`},
		{"9999-12-31", `"9999-12-31" is outside the years 1900 to 9998`},
		{"0001-01-01", `"0001-01-01" is outside the years 1900 to 9998`},
		{"2026-02-30", `"2026-02-30" is not a date in the form YYYY-MM-DD`},
	} {
		d, err := ParseDate(tc.in)
		if got := errText(err); got != tc.err {
			t.Errorf("ParseDate(%q): error %q, want %q", tc.in, got, tc.err)
		}
		if err == nil && d.String() != tc.in {
			t.Errorf("ParseDate(%q) = %s", tc.in, d)
		}
	}
	for _, d := range []Date{NewDate(1899, 12, 31), NewDate(9999, 1, 1), NewDate(9998, 12, 31).AddDays(1), {}} {
		if err := d.CheckRange(); err == nil {
			t.Errorf("CheckRange(%s) took the date", d)
		} else if _, perr := ParseDate(d.String()); d.Year() >= 1000 && errText(perr) != err.Error() {
			t.Errorf("CheckRange(%s) says %q, ParseDate says %q", d, err, perr)
		}
	}
	if err := NewDate(9998, 12, 31).CheckRange(); err != nil {
		t.Errorf("CheckRange(9998-12-31): %v", err)
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
