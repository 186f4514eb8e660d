package pdf

import (
	"math"
	"testing"
)

func TestFormatAmount(t *testing.T) {
	tests := []struct {
		minor    int64
		exp      int
		cur      string
		lang     string
		expected string
	}{
		{123456, 2, "EUR", "nl", "€ 1.234,56"},
		{123456, 2, "EUR", "en", "€1,234.56"},
		{-123456, 2, "EUR", "nl", "€ -1.234,56"},
		{-123456, 2, "EUR", "en", "-€1,234.56"},
		{123456, 2, "USD", "en", "USD 1,234.56"},
		{-123456, 2, "USD", "en", "-USD 1,234.56"},
		{123456, 2, "USD", "nl", "USD 1.234,56"},
		{-123456, 2, "usd", "nl", "USD -1.234,56"},
		{0, 2, "EUR", "nl", "€ 0,00"},
		{0, 2, "EUR", "en", "€0.00"},
		{5, 2, "EUR", "en", "€0.05"},
		{-5, 2, "EUR", "nl", "€ -0,05"},
		{100, 2, "EUR", "nl", "€ 1,00"},
		{99999, 2, "EUR", "en", "€999.99"},
		{100000, 2, "EUR", "en", "€1,000.00"},
		{123456789012, 2, "EUR", "nl", "€ 1.234.567.890,12"},
		{123456789012, 2, "EUR", "en", "€1,234,567,890.12"},
		{1500, 0, "JPY", "en", "JPY 1,500"},
		{1500, 0, "JPY", "nl", "JPY 1.500"},
		{-1500, 0, "JPY", "en", "-JPY 1,500"},
		{0, 0, "JPY", "en", "JPY 0"},
		{1234567, 3, "KWD", "en", "KWD 1,234.567"},
		{123456, 2, "", "en", "1,234.56"},
		{-123456, 2, "", "nl", "-1.234,56"},
		{123456, 2, "EUR", "de", "€1,234.56"}, // unknown language: English
		{123456, 2, "EUR", "nl-BE", "€ 1.234,56"},
		{42, -2, "EUR", "en", "€42"}, // negative exponent counts as 0
		{math.MaxInt64, 2, "EUR", "en", "€92,233,720,368,547,758.07"},
		{math.MinInt64, 2, "EUR", "en", "-€92,233,720,368,547,758.08"},
		{math.MinInt64, 0, "USD", "nl", "USD -9.223.372.036.854.775.808"},
	}
	for _, tc := range tests {
		if got := FormatAmount(tc.minor, tc.exp, tc.cur, tc.lang); got != tc.expected {
			t.Errorf("FormatAmount(%d, %d, %q, %q) = %q, want %q", tc.minor, tc.exp, tc.cur, tc.lang, got, tc.expected)
		}
	}
}

func TestFormatAmountHugeExponent(t *testing.T) {
	// A corrupt exponent must neither panic nor allocate without bound.
	got := FormatAmount(1, 1<<30, "EUR", "en")
	if len(got) > 40 {
		t.Errorf("FormatAmount with a huge exponent = %q", got)
	}
}

func TestFormatDate(t *testing.T) {
	tests := []struct {
		iso, lang, expected string
	}{
		{"2026-11-20", "nl", "20-11-2026"},
		{"2026-11-20", "en", "20 Nov 2026"},
		{"2026-01-05", "nl", "05-01-2026"},
		{"2026-01-05", "en", "5 Jan 2026"},
		{"2024-02-29", "en", "29 Feb 2024"},
		{"2026-12-31", "fr", "31 Dec 2026"},
		{"2026-11-20T10:00:00Z", "nl", "20-11-2026"},
		{"", "nl", ""},
		{"", "en", ""},
		{"not a date", "en", "not a date"},
		{"2026-02-30", "nl", "2026-02-30"},
		{"2026-13-01", "en", "2026-13-01"},
	}
	for _, tc := range tests {
		if got := FormatDate(tc.iso, tc.lang); got != tc.expected {
			t.Errorf("FormatDate(%q, %q) = %q, want %q", tc.iso, tc.lang, got, tc.expected)
		}
	}
}

func TestFormatDecimal(t *testing.T) {
	tests := []struct {
		s       string
		minFrac int
		lang    string
		want    string
	}{
		{"12", 0, "nl", "12"},
		{"12.000", 0, "en", "12"},
		{"1.500", 0, "nl", "1,5"},
		{"1234.5", 0, "nl", "1.234,5"},
		{"1234.5", 0, "en", "1,234.5"},
		{"3.9500", 2, "nl", "3,95"},
		{"3.9512", 2, "en", "3.9512"},
		{"125", 2, "en", "125.00"},
		{"-4", 0, "nl", "-4"},
		{"-0.00", 0, "en", "0"},
		{".5", 0, "en", "0.5"},
		{"+7", 0, "en", "7"},
		{"0012", 0, "en", "12"},
		{"abc", 0, "en", "abc"},
		{"1e3", 0, "en", "1e3"},
		{"", 0, "en", ""},
		{"-", 0, "en", "-"},
		{".", 0, "en", "."},
	}
	for _, tc := range tests {
		if got := formatDecimal(tc.s, tc.minFrac, tc.lang); got != tc.want {
			t.Errorf("formatDecimal(%q, %d, %q) = %q, want %q", tc.s, tc.minFrac, tc.lang, got, tc.want)
		}
	}
	if got := formatDecimalMoney("-24.5000", 2, "EUR", "nl"); got != "€ -24,50" {
		t.Errorf("formatDecimalMoney = %q", got)
	}
	if got := formatPercent("5.50", "nl"); got != "5,5%" {
		t.Errorf("formatPercent = %q", got)
	}
}

func TestFormatIBAN(t *testing.T) {
	for in, want := range map[string]string{
		"NL91ABNA0417164300":     "NL91 ABNA 0417 1643 00",
		"nl91 abna 0417 1643 00": "NL91 ABNA 0417 1643 00",
		"see contract":           "see contract",
		"":                       "",
	} {
		if got := formatIBAN(in); got != want {
			t.Errorf("formatIBAN(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestClean(t *testing.T) {
	for in, want := range map[string]string{
		"Łódź":            "Łódź",
		"a\tb":            "a b",
		"a\r\nb\rc":       "a\nb\nc",
		"a\x00b\x1bc":     "abc",
		"bad\xffbyte":     "bad\uFFFDbyte",
		"emoji 😀":         "emoji \uFFFD",
		"zero\u200bwidth": "zerowidth",
	} {
		if got := clean(in); got != want {
			t.Errorf("clean(%q) = %q, want %q", in, got, want)
		}
	}
}
