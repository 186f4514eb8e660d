// Package money holds amounts exactly: as int64 counts of a currency's minor
// unit in storage and arithmetic, as decimal strings ("1234.50") at the API.
// Parsing never rounds: more decimals than the currency has is an error.
// Rounding happens only in Convert, by one rule: half away from zero.
package money

import (
	"fmt"
	"math"
	"regexp"
	"strings"

	"github.com/shopspring/decimal"

	"backoffice/ledger/quote"
)

// MaxMinor is the largest single amount accepted, in minor units. With at
// most a few thousand lines to an entry no sum of one entry can overflow
// int64 (9.2e18); totals over many entries are added with overflow checks.
const MaxMinor int64 = 999_999_999_999_999

// plainDecimal is the only accepted spelling of an amount or rate: digits,
// optionally a point and more digits. No sign, exponent, spaces or commas.
var plainDecimal = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)

// maxText is the longest amount or rate text read. It leaves room for far
// more leading and trailing zeros than any client writes around the 15
// digits of MaxMinor, and it keeps the decimal parse cheap: read whole, a
// megabyte of digits took seconds and gigabytes (big-number parsing is
// quadratic), and a long fraction was refused as "not a decimal number".
const maxText = 64

// Reasons returned by ParseAmount, stable for API clients. They are the
// slugs of ledger.ReasonAmount*: money cannot import ledger (ledger imports
// money), so they are spelled here too and ledger's reasons test keeps the
// two in step. Callers turn AmountError.Reason into a ledger.Reason.
const (
	ReasonAmountInvalid     = "amount_invalid"
	ReasonAmountNotPositive = "amount_not_positive"
	ReasonAmountTooPrecise  = "amount_too_precise"
	ReasonAmountTooLarge    = "amount_too_large"
)

// AmountError says why an amount was refused.
type AmountError struct {
	Reason  string
	Message string
}

func (e *AmountError) Error() string { return e.Message }

// ParseAmount reads a positive decimal string into minor units of a currency
// with the given exponent. "1.005" in EUR (exponent 2) is refused, not rounded.
func ParseAmount(s string, exponent int) (int64, error) {
	if len(s) > maxText {
		return 0, &AmountError{ReasonAmountInvalid, fmt.Sprintf("amount %s is longer than %d characters", quote.Value(s), maxText)}
	}
	if strings.HasPrefix(s, "-") && plainDecimal.MatchString(s[1:]) {
		return 0, &AmountError{ReasonAmountNotPositive, fmt.Sprintf("amount %q must be positive", s)}
	}
	if !plainDecimal.MatchString(s) {
		return 0, &AmountError{ReasonAmountInvalid, fmt.Sprintf("amount %s is not a plain decimal number like \"1234.50\"", quote.Value(s))}
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return 0, &AmountError{ReasonAmountInvalid, fmt.Sprintf("amount %q is not a decimal number", s)}
	}
	if !d.IsPositive() {
		return 0, &AmountError{ReasonAmountNotPositive, fmt.Sprintf("amount %q must be greater than zero", s)}
	}
	scaled := d.Shift(int32(exponent))
	if !scaled.IsInteger() {
		return 0, &AmountError{ReasonAmountTooPrecise, fmt.Sprintf("amount %q has more than %d decimals", s, exponent)}
	}
	if scaled.GreaterThan(decimal.NewFromInt(MaxMinor)) {
		return 0, &AmountError{ReasonAmountTooLarge, fmt.Sprintf("amount %q is larger than the maximum %s", s, Format(MaxMinor, exponent))}
	}
	return scaled.IntPart(), nil
}

// Format writes minor units as a plain decimal string with exactly the
// currency's number of decimals: Format(-123450, 2) == "-1234.50".
func Format(minor int64, exponent int) string {
	return decimal.New(minor, -int32(exponent)).StringFixed(int32(exponent))
}

// ParseRate reads a positive exchange rate (units of the functional currency
// per one unit of the foreign currency) with at most 10 decimals.
func ParseRate(s string) (decimal.Decimal, error) {
	if len(s) > maxText {
		return decimal.Decimal{}, fmt.Errorf("exchange rate %s is longer than %d characters", quote.Value(s), maxText)
	}
	if !plainDecimal.MatchString(s) {
		return decimal.Decimal{}, fmt.Errorf("exchange rate %s is not a plain decimal number like \"1.0825\"", quote.Value(s))
	}
	d, err := decimal.NewFromString(s)
	if err != nil || !d.IsPositive() {
		return decimal.Decimal{}, fmt.Errorf("exchange rate %q must be greater than zero", s)
	}
	if d.Exponent() < -10 {
		return decimal.Decimal{}, fmt.Errorf("exchange rate %q has more than 10 decimals", s)
	}
	if d.GreaterThan(decimal.NewFromInt(1_000_000)) {
		return decimal.Decimal{}, fmt.Errorf("exchange rate %q is implausibly large", s)
	}
	return d, nil
}

// Convert turns minor units of one currency into minor units of another at
// rate, rounding half away from zero (the one rounding rule of the ledger).
func Convert(minor int64, fromExponent int, rate decimal.Decimal, toExponent int) (int64, error) {
	v := decimal.New(minor, -int32(fromExponent)).Mul(rate).Round(int32(toExponent)).Shift(int32(toExponent))
	if v.GreaterThan(decimal.NewFromInt(MaxMinor)) || v.LessThan(decimal.NewFromInt(-MaxMinor)) {
		return 0, fmt.Errorf("converted amount is larger than the maximum")
	}
	return v.IntPart(), nil
}

// Add adds two amounts and reports overflow instead of wrapping.
func Add(a, b int64) (int64, bool) {
	if (b > 0 && a > math.MaxInt64-b) || (b < 0 && a < math.MinInt64-b) {
		return 0, false
	}
	return a + b, true
}
