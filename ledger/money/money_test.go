package money

import (
	"errors"
	"testing"

	"github.com/shopspring/decimal"
)

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in       string
		exponent int
		want     int64
		reason   string
	}{
		{"1200.00", 2, 120000, ""},
		{"1200", 2, 120000, ""},
		{"0.01", 2, 1, ""},
		{"1.5", 2, 150, ""},
		{"12", 0, 12, ""},
		{"1.234", 3, 1234, ""},
		{"999999999999.99", 2, 99999999999999, ""},
		{"1e3", 2, 0, ReasonAmountInvalid},
		{"1E3", 2, 0, ReasonAmountInvalid},
		{"", 2, 0, ReasonAmountInvalid},
		{" 1", 2, 0, ReasonAmountInvalid},
		{"1,50", 2, 0, ReasonAmountInvalid},
		{"+5", 2, 0, ReasonAmountInvalid},
		{".5", 2, 0, ReasonAmountInvalid},
		{"5.", 2, 0, ReasonAmountInvalid},
		{"0x10", 2, 0, ReasonAmountInvalid},
		{"NaN", 2, 0, ReasonAmountInvalid},
		{"-5", 2, 0, ReasonAmountNotPositive},
		{"-0.01", 2, 0, ReasonAmountNotPositive},
		{"0", 2, 0, ReasonAmountNotPositive},
		{"0.00", 2, 0, ReasonAmountNotPositive},
		{"12.345", 2, 0, ReasonAmountTooPrecise},
		{"1.005", 2, 0, ReasonAmountTooPrecise},
		{"1.5", 0, 0, ReasonAmountTooPrecise},
		{"12.340", 2, 1234, ""}, // trailing zeros are not extra precision
		{"99999999999999999999", 2, 0, ReasonAmountTooLarge},
		{"10000000000000", 2, 0, ReasonAmountTooLarge},
	}
	for _, tt := range tests {
		got, err := ParseAmount(tt.in, tt.exponent)
		if tt.reason == "" {
			if err != nil || got != tt.want {
				t.Errorf("ParseAmount(%q, %d) = %d, %v; want %d", tt.in, tt.exponent, got, err, tt.want)
			}
			continue
		}
		var ae *AmountError
		if !errors.As(err, &ae) || ae.Reason != tt.reason {
			t.Errorf("ParseAmount(%q, %d) error = %v; want reason %s", tt.in, tt.exponent, err, tt.reason)
		}
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		minor    int64
		exponent int
		want     string
	}{
		{120000, 2, "1200.00"}, {-5, 2, "-0.05"}, {0, 2, "0.00"}, {7, 0, "7"}, {1234, 3, "1.234"},
	}
	for _, tt := range tests {
		if got := Format(tt.minor, tt.exponent); got != tt.want {
			t.Errorf("Format(%d, %d) = %q; want %q", tt.minor, tt.exponent, got, tt.want)
		}
	}
}

func TestConvertRoundsHalfAwayFromZero(t *testing.T) {
	tests := []struct {
		minor int64
		from  int
		rate  string
		to    int
		want  int64
	}{
		{100, 2, "1.085", 2, 109},  // 1.085 -> 1.09 (half away from zero)
		{100, 2, "1.0849", 2, 108}, // 1.0849 -> 1.08
		{1000, 0, "0.0061", 2, 610},
		{12345, 2, "1", 2, 12345},
	}
	for _, tt := range tests {
		got, err := Convert(tt.minor, tt.from, decimal.RequireFromString(tt.rate), tt.to)
		if err != nil || got != tt.want {
			t.Errorf("Convert(%d, %d, %s, %d) = %d, %v; want %d", tt.minor, tt.from, tt.rate, tt.to, got, err, tt.want)
		}
	}
}

func TestParseRate(t *testing.T) {
	for _, ok := range []string{"1", "1.0825", "0.0000000001"} {
		if _, err := ParseRate(ok); err != nil {
			t.Errorf("ParseRate(%q) = %v; want ok", ok, err)
		}
	}
	for _, bad := range []string{"0", "-1", "1e2", "abc", "0.00000000001", "", "2000000"} {
		if _, err := ParseRate(bad); err == nil {
			t.Errorf("ParseRate(%q) accepted; want error", bad)
		}
	}
}

func TestExponent(t *testing.T) {
	for code, want := range map[string]int{"EUR": 2, "JPY": 0, "KWD": 3, "CLF": 4} {
		if got, ok := Exponent(code); !ok || got != want {
			t.Errorf("Exponent(%s) = %d, %v; want %d", code, got, ok, want)
		}
	}
	for _, bad := range []string{"eur", "XXX", "EURO", ""} {
		if ValidCurrency(bad) {
			t.Errorf("ValidCurrency(%q) = true", bad)
		}
	}
}

func TestAddOverflow(t *testing.T) {
	if _, ok := Add(9_000_000_000_000_000_000, 1_000_000_000_000_000_000); ok {
		t.Error("Add did not report overflow")
	}
	if v, ok := Add(-5, 3); !ok || v != -2 {
		t.Errorf("Add(-5, 3) = %d, %v", v, ok)
	}
}
