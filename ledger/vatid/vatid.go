// Package vatid checks VAT identification numbers: the format and check
// digits of each EU member state's number (and Northern Ireland's XI), and a
// sanity check of the form of other countries' numbers.
//
// A number is written with its two-letter prefix: the ISO 3166 country code,
// except Greece, which uses EL, and Northern Ireland, which uses XI. Check
// reads a number in any common spelling (lower case, spaces, dots, dashes)
// and returns it normalised: upper case, nothing but letters and digits.
package vatid

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"backoffice/ledger/quote"
)

// Error says what is wrong with a number.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

func errorf(format string, args ...any) error { return &Error{Msg: fmt.Sprintf(format, args...)} }

// maxText is the longest text Check reads: a number of at most 20
// characters with a separator between each two and spaces around.
const maxText = 64

// EU lists the VAT prefixes of the EU member states and Northern Ireland
// (XI): the numbers VIES knows.
var EU = []string{"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE", "IT",
	"LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "XI"}

// IsEU reports whether prefix is an EU member state's VAT prefix (or XI).
func IsEU(prefix string) bool {
	for _, p := range EU {
		if p == prefix {
			return true
		}
	}
	return false
}

// CountryPrefix is the VAT prefix of a country code: EL for Greece, the
// code itself otherwise.
func CountryPrefix(country string) string {
	if country == "GR" {
		return "EL"
	}
	return country
}

// Normalize upper-cases s and removes the separators numbers are written
// with: spaces (no-break, thin and narrow no-break too), dots, dashes,
// slashes, colons and parentheses.
func Normalize(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch r {
		case ' ', '.', '-', '\t', '\u00a0', '\u2009', '\u202f', '\u2002', '\u2003', '/', ':', '(', ')':
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

var (
	prefixed = regexp.MustCompile(`^[A-Z]{2}`)
	foreign  = regexp.MustCompile(`^[A-Z]{2}[A-Z0-9]{2,18}$`)
)

// Check validates a VAT number and returns it normalised. An EU number (or
// XI) must have its country's format and check digits; another country's
// number only needs the form of one: its two-letter country code followed by
// 2 to 18 letters and digits.
func Check(s string) (string, error) {
	// No number, however spaced, is this long; reading a long text whole
	// cost 24 bytes a byte (upper-casing broken UTF-8 triples it).
	if len(s) > maxText {
		return "", errorf("VAT number %s is longer than %d characters", quote.Value(s), maxText)
	}
	n := Normalize(s)
	if n == "" {
		return "", errorf("the VAT number is empty")
	}
	if !prefixed.MatchString(n) {
		return n, errorf("VAT number %s does not start with a country code such as \"NL\"", quote.Value(s))
	}
	cc, rest := n[:2], n[2:]
	if cc == "GR" {
		return n, errorf("Greek VAT numbers start with EL, not GR")
	}
	if !IsEU(cc) {
		if !foreign.MatchString(n) || countDigits(rest) < 2 {
			return n, errorf("VAT number %s is not a country code followed by 2 to 18 letters and digits (at least 2 digits)", quote.Value(s))
		}
		return n, nil
	}
	if err := checkers[cc](rest); err != nil {
		return n, errorf("%s VAT number %s %v", cc, quote.Value(n), err)
	}
	return n, nil
}

var checkers = map[string]func(string) error{
	"AT": checkAT, "BE": checkBE, "BG": checkBG, "CY": checkCY, "CZ": checkCZ, "DE": checkDE, "DK": checkDK,
	"EE": checkEE, "EL": checkEL, "ES": checkES, "FI": checkFI, "FR": checkFR, "HR": checkHR, "HU": checkHU,
	"IE": checkIE, "IT": checkIT, "LT": checkLT, "LU": checkLU, "LV": checkLV, "MT": checkMT, "NL": checkNL,
	"PL": checkPL, "PT": checkPT, "RO": checkRO, "SE": checkSE, "SI": checkSI, "SK": checkSK, "XI": checkXI,
}

func countDigits(s string) int {
	n := 0
	for _, c := range s {
		if c >= '0' && c <= '9' {
			n++
		}
	}
	return n
}

var errCheck = errorf("fails its check digits")

func formatErr(want string) error { return errorf("does not have the form %s", want) }

func digits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func ndigits(s string, n ...int) bool {
	for _, l := range n {
		if len(s) == l && digits(s) {
			return true
		}
	}
	return false
}

func d(s string, i int) int { return int(s[i] - '0') }

// weighted is the sum of the digits of s times weights (as many as there are weights).
func weighted(s string, weights ...int) int {
	sum := 0
	for i, w := range weights {
		sum += w * d(s, i)
	}
	return sum
}

// luhn reports whether s (digits) passes the Luhn check.
func luhn(s string) bool { return luhnSum(s)%10 == 0 }

func luhnSum(s string) int {
	sum := 0
	for i := 0; i < len(s); i++ {
		v := d(s, len(s)-1-i)
		if i%2 == 1 {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return sum
}

// mod1110 is the check digit of ISO 7064 MOD 11,10 over s.
func mod1110(s string) int {
	p := 10
	for i := 0; i < len(s); i++ {
		t := (d(s, i) + p) % 10
		if t == 0 {
			t = 10
		}
		p = (2 * t) % 11
	}
	return (11 - p) % 10
}

// mod97 is s (digits and letters, A = 10 ... Z = 35) modulo 97.
func mod97(s string) int {
	r := 0
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			r = (r*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			r = (r*100 + int(c-'A'+10)) % 97
		}
	}
	return r
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// AT: U and 8 digits; the last is (6 - Luhn sum of digits 1-7) mod 10.
func checkAT(s string) error {
	if len(s) != 9 || s[0] != 'U' || !digits(s[1:]) {
		return formatErr("ATU and 8 digits")
	}
	if (6-luhnSum(s[1:8])%10+10)%10 != d(s, 8) {
		return errCheck
	}
	return nil
}

// BE: 10 digits starting 0 or 1 (an old 9-digit number takes a leading 0);
// the last two are 97 - (the first 8 mod 97).
func checkBE(s string) error {
	if len(s) == 9 {
		s = "0" + s
	}
	if !ndigits(s, 10) || (s[0] != '0' && s[0] != '1') {
		return formatErr("BE and 10 digits starting with 0 or 1")
	}
	if 97-atoi(s[:8])%97 != atoi(s[8:]) {
		return errCheck
	}
	return nil
}

// BG: 9 digits (companies, checked) or 10 digits (persons, format only).
func checkBG(s string) error {
	if !ndigits(s, 9, 10) {
		return formatErr("BG and 9 or 10 digits")
	}
	if len(s) == 9 {
		c := weighted(s, 1, 2, 3, 4, 5, 6, 7, 8) % 11
		if c == 10 {
			c = weighted(s, 3, 4, 5, 6, 7, 8, 9, 10) % 11 % 10
		}
		if c != d(s, 8) {
			return errCheck
		}
	}
	return nil
}

// CY: 8 digits and a check letter.
func checkCY(s string) error {
	if len(s) != 9 || !digits(s[:8]) || s[8] < 'A' || s[8] > 'Z' {
		return formatErr("CY, 8 digits and a letter")
	}
	odd := []int{1, 0, 5, 7, 9, 13, 15, 17, 19, 21}
	sum := 0
	for i := 0; i < 8; i++ {
		if i%2 == 0 {
			sum += odd[d(s, i)]
		} else {
			sum += d(s, i)
		}
	}
	if byte('A'+sum%26) != s[8] {
		return errCheck
	}
	return nil
}

// CZ: 8 digits (legal persons, checked) or 9 or 10 (persons, format only).
func checkCZ(s string) error {
	if !ndigits(s, 8, 9, 10) {
		return formatErr("CZ and 8, 9 or 10 digits")
	}
	if len(s) == 8 {
		if s[0] == '9' {
			return formatErr("CZ and 8 digits not starting with 9")
		}
		c := ((11-weighted(s, 8, 7, 6, 5, 4, 3, 2)%11)%11 + 11) % 11
		if c == 0 {
			c = 1
		}
		if c%10 != d(s, 7) {
			return errCheck
		}
	}
	return nil
}

// DE: 9 digits not starting with 0; ISO 7064 MOD 11,10.
func checkDE(s string) error {
	if !ndigits(s, 9) || s[0] == '0' {
		return formatErr("DE and 9 digits")
	}
	if mod1110(s[:8]) != d(s, 8) {
		return errCheck
	}
	return nil
}

// DK: 8 digits not starting with 0; weights 2,7,6,5,4,3,2,1, sum mod 11 = 0.
func checkDK(s string) error {
	if !ndigits(s, 8) || s[0] == '0' {
		return formatErr("DK and 8 digits")
	}
	if weighted(s, 2, 7, 6, 5, 4, 3, 2, 1)%11 != 0 {
		return errCheck
	}
	return nil
}

// EE: 9 digits starting 10; weights 3,7,1 repeated, sum mod 10 = 0.
func checkEE(s string) error {
	if !ndigits(s, 9) || !strings.HasPrefix(s, "10") {
		return formatErr("EE and 9 digits starting with 10")
	}
	if weighted(s, 3, 7, 1, 3, 7, 1, 3, 7, 1)%10 != 0 {
		return errCheck
	}
	return nil
}

// EL: 9 digits; the last is the sum of digit i x 2^(8-i), mod 11, mod 10.
func checkEL(s string) error {
	if len(s) == 8 {
		s = "0" + s
	}
	if !ndigits(s, 9) {
		return formatErr("EL and 9 digits")
	}
	if weighted(s, 256, 128, 64, 32, 16, 8, 4, 2)%11%10 != d(s, 8) {
		return errCheck
	}
	return nil
}

const dniLetters = "TRWAGMYFPDXBNJZSQVHLCKE"

// ES: 9 characters: a DNI (8 digits and a letter), an NIE (X, Y or Z, 7
// digits and a letter), a K, L or M number (letter, 7 digits, letter), or a
// CIF (a letter, 7 digits and a check digit or letter).
func checkES(s string) error {
	if len(s) != 9 || !digits(s[1:8]) {
		return formatErr("ES and 9 characters: a letter or digit, 7 digits and a letter or digit")
	}
	first, last := s[0], s[8]
	switch {
	case first >= '0' && first <= '9': // DNI
		if dniLetters[atoi(s[:8])%23] != last {
			return errCheck
		}
	case first == 'X' || first == 'Y' || first == 'Z': // NIE
		if dniLetters[atoi(string('0'+first-'X')+s[1:8])%23] != last {
			return errCheck
		}
	case first == 'K' || first == 'L' || first == 'M':
		if dniLetters[atoi(s[1:8])%23] != last {
			return errCheck
		}
	case strings.IndexByte("ABCDEFGHJNPQRSUVW", first) >= 0: // CIF
		c := (10 - luhnSum(s[1:8]+"0")%10) % 10
		if last != byte('0'+c) && last != "JABCDEFGHI"[c] {
			return errCheck
		}
	default:
		return formatErr("ES and a DNI, NIE or CIF")
	}
	return nil
}

// FI: 8 digits; weights 7,9,10,5,8,4,2,1, sum mod 11 = 0.
func checkFI(s string) error {
	if !ndigits(s, 8) {
		return formatErr("FI and 8 digits")
	}
	if weighted(s, 7, 9, 10, 5, 8, 4, 2, 1)%11 != 0 {
		return errCheck
	}
	return nil
}

// FR: a two-character key and the 9-digit SIREN; a numeric key is
// (12 + 3 x (SIREN mod 97)) mod 97. Keys with letters (new-style) are
// checked for form only.
func checkFR(s string) error {
	if len(s) != 11 || !digits(s[2:]) {
		return formatErr("FR, a 2-character key and 9 digits")
	}
	for _, c := range s[:2] {
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') || c == 'I' || c == 'O' {
			return formatErr("FR, a 2-character key and 9 digits")
		}
	}
	if digits(s[:2]) && (12+3*(atoi(s[2:])%97))%97 != atoi(s[:2]) {
		return errCheck
	}
	return nil
}

// HR: 11 digits; ISO 7064 MOD 11,10.
func checkHR(s string) error {
	if !ndigits(s, 11) {
		return formatErr("HR and 11 digits")
	}
	if mod1110(s[:10]) != d(s, 10) {
		return errCheck
	}
	return nil
}

// HU: 8 digits; weights 9,7,3,1, sum mod 10 = 0.
func checkHU(s string) error {
	if !ndigits(s, 8) {
		return formatErr("HU and 8 digits")
	}
	if weighted(s, 9, 7, 3, 1, 9, 7, 3, 1)%10 != 0 {
		return errCheck
	}
	return nil
}

// IE: 7 digits and a check letter, optionally a second letter (A-I, W);
// or the old form: a digit, a letter or + or *, 5 digits and a check letter.
func checkIE(s string) error {
	isL := func(c byte) bool { return c >= 'A' && c <= 'Z' }
	switch {
	case (len(s) == 8 || len(s) == 9) && digits(s[:7]) && isL(s[7]) && (len(s) == 8 || strings.IndexByte("ABCDEFGHIW", s[8]) >= 0):
	case len(s) == 8 && digits(s[:1]) && (isL(s[1]) || s[1] == '+' || s[1] == '*') && digits(s[2:7]) && isL(s[7]):
		s = "0" + s[2:7] + s[:1] + s[7:] // the old form as the new
	default:
		return formatErr("IE, 7 digits and one or two letters")
	}
	sum := weighted(s, 8, 7, 6, 5, 4, 3, 2)
	if len(s) == 9 && s[8] != 'W' {
		sum += 9 * int(s[8]-'A'+1)
	}
	if "WABCDEFGHIJKLMNOPQRSTUV"[sum%23] != s[7] {
		return errCheck
	}
	return nil
}

// IT: 11 digits, the first 7 not all zero; Luhn.
func checkIT(s string) error {
	if !ndigits(s, 11) || s[:7] == "0000000" {
		return formatErr("IT and 11 digits")
	}
	if !luhn(s) {
		return errCheck
	}
	return nil
}

// LT: 9 digits (8th is 1) or 12 digits (11th is 1); weighted mod 11.
func checkLT(s string) error {
	if !ndigits(s, 9, 12) || s[len(s)-2] != '1' {
		return formatErr("LT and 9 or 12 digits")
	}
	body := s[:len(s)-1]
	sum := func(shift int) int {
		t := 0
		for i := range body {
			t += (1 + (i+shift)%9) * d(body, i)
		}
		return t % 11
	}
	c := sum(0)
	if c == 10 {
		c = sum(2)
	}
	if c%10 != d(s, len(s)-1) {
		return errCheck
	}
	return nil
}

// LU: 8 digits; the last two are the first 6 mod 89.
func checkLU(s string) error {
	if !ndigits(s, 8) {
		return formatErr("LU and 8 digits")
	}
	if atoi(s[:6])%89 != atoi(s[6:]) {
		return errCheck
	}
	return nil
}

// LV: 11 digits (format only).
func checkLV(s string) error {
	if !ndigits(s, 11) {
		return formatErr("LV and 11 digits")
	}
	return nil
}

// MT: 8 digits not starting with 0; weights 3,4,6,7,8,9,10,1, sum mod 37 = 0.
func checkMT(s string) error {
	if !ndigits(s, 8) || s[0] == '0' {
		return formatErr("MT and 8 digits")
	}
	if weighted(s, 3, 4, 6, 7, 8, 9, 10, 1)%37 != 0 {
		return errCheck
	}
	return nil
}

// NL: 9 digits, B and 2 digits. Valid when the 9 digits pass the 11-test
// (a company's number) or the whole number with NL passes the mod-97 test
// (a sole proprietor's btw-id, since 2020).
func checkNL(s string) error {
	if len(s) != 12 || !digits(s[:9]) || s[9] != 'B' || !digits(s[10:]) {
		return formatErr("NL, 9 digits, B and 2 digits (NL123456789B01)")
	}
	if c := weighted(s, 9, 8, 7, 6, 5, 4, 3, 2) % 11; c != 10 && c == d(s, 8) && s[:9] != "000000000" {
		return nil
	}
	if mod97("NL"+s) == 1 {
		return nil
	}
	return errorf("fails both the 11-test and the mod-97 test")
}

// PL: 10 digits; weights 6,5,7,2,3,4,5,6,7, sum mod 11 is the last.
func checkPL(s string) error {
	if !ndigits(s, 10) {
		return formatErr("PL and 10 digits")
	}
	if weighted(s, 6, 5, 7, 2, 3, 4, 5, 6, 7)%11 != d(s, 9) {
		return errCheck
	}
	return nil
}

// PT: 9 digits not starting with 0; check = 11 - (weights 9..2 mod 11), 10 and 11 are 0.
func checkPT(s string) error {
	if !ndigits(s, 9) || s[0] == '0' {
		return formatErr("PT and 9 digits")
	}
	c := 11 - weighted(s, 9, 8, 7, 6, 5, 4, 3, 2)%11
	if c >= 10 {
		c = 0
	}
	if c != d(s, 8) {
		return errCheck
	}
	return nil
}

// RO: 2 to 10 digits; weights 7,5,3,2,1,7,5,3,2 on the number padded to 10,
// check = (10 x sum) mod 11 mod 10.
func checkRO(s string) error {
	if len(s) < 2 || len(s) > 10 || !digits(s) || s[0] == '0' {
		return formatErr("RO and 2 to 10 digits")
	}
	p := strings.Repeat("0", 10-len(s)) + s
	if 10*weighted(p, 7, 5, 3, 2, 1, 7, 5, 3, 2)%11%10 != d(p, 9) {
		return errCheck
	}
	return nil
}

// SE: 12 digits ending 01; the first 10 pass Luhn.
func checkSE(s string) error {
	if !ndigits(s, 12) || !strings.HasSuffix(s, "01") {
		return formatErr("SE and 12 digits ending in 01")
	}
	if !luhn(s[:10]) {
		return errCheck
	}
	return nil
}

// SI: 8 digits not starting with 0; check = 11 - (weights 8..2 mod 11), 10 is 0.
func checkSI(s string) error {
	if !ndigits(s, 8) || s[0] == '0' {
		return formatErr("SI and 8 digits")
	}
	c := 11 - weighted(s, 8, 7, 6, 5, 4, 3, 2)%11
	if c == 10 {
		c = 0
	}
	if c != d(s, 7) {
		return errCheck
	}
	return nil
}

// SK: 10 digits, the first not 0, the third 2, 3, 4, 7, 8 or 9; the number
// is divisible by 11.
func checkSK(s string) error {
	if !ndigits(s, 10) || s[0] == '0' || strings.IndexByte("234789", s[2]) < 0 {
		return formatErr("SK and 10 digits")
	}
	n, _ := strconv.ParseInt(s, 10, 64)
	if n%11 != 0 {
		return errCheck
	}
	return nil
}

// XI: Northern Ireland, the UK form: 9 digits (12 for a branch), checked
// by the mod-97 test (or its 55 variant); or GD or HA and 3 digits.
func checkXI(s string) error {
	switch {
	case len(s) == 5 && (strings.HasPrefix(s, "GD") || strings.HasPrefix(s, "HA")) && digits(s[2:]):
		return nil
	case ndigits(s, 9, 12):
	default:
		return formatErr("XI and 9 or 12 digits")
	}
	t := weighted(s, 8, 7, 6, 5, 4, 3, 2) + atoi(s[7:9])
	if t%97 != 0 && (t+55)%97 != 0 {
		return errCheck
	}
	return nil
}
