package pain001

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// sepaASCII reports whether c is in the EPC basic Latin character set:
// a-z A-Z 0-9 / - ? : ( ) . , ' + and space.
func sepaASCII(c rune) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	switch c {
	case '/', '-', '?', ':', '(', ')', '.', ',', '\'', '+', ' ':
		return true
	}
	return false
}

// translit holds the conversions that a compatibility decomposition does
// not give: letters without a decomposition (ß, æ, ø, ł, ...) and the
// punctuation with a near equivalent in the SEPA set. Everything else
// outside the set that does not decompose to letters or digits becomes a
// space.
var translit = map[rune]string{
	'&': "+",
	'ß': "ss", 'ẞ': "SS",
	'æ': "ae", 'Æ': "AE",
	'ø': "o", 'Ø': "O",
	'œ': "oe", 'Œ': "OE",
	'đ': "d", 'Đ': "D",
	'ð': "d", 'Ð': "D",
	'þ': "th", 'Þ': "TH",
	'ł': "l", 'Ł': "L",
	'ħ': "h", 'Ħ': "H",
	'ı': "i",
	'ĸ': "k",
	'ŋ': "n", 'Ŋ': "N",
	'ŧ': "t", 'Ŧ': "T",
	'\u2018': "'", '\u2019': "'", '\u201A': "'", '\u2032': "'", '`': "'", '\u00B4': "'",
	'\u2010': "-", '\u2011': "-", '\u2012': "-", '\u2013': "-", '\u2014': "-", '\u2212': "-",
	'_':      "-",
	'\u2044': "/", // fraction slash, from the decomposition of ½
	'€':      "EUR",
}

// SEPAText converts s to the EPC basic Latin character set (a-z A-Z 0-9
// / - ? : ( ) . , ' + space). The choices, in order:
//
//   - characters of the set are kept as they are;
//   - '&' becomes '+', as the EPC best practice for the conversion table
//     says; ß→ss, æ→ae, ø→o, œ→oe, ł→l, þ→th and the other letters of Latin-1
//     Supplement and Latin Extended-A that do not decompose come from a table;
//     typographic apostrophes become ', dashes and '_' become '-', '€' becomes
//     "EUR";
//   - any other character is decomposed (Unicode NFKD: é→e, Å→A, ĳ→ij, ﬁ→fi,
//     a non-breaking space→space) and the parts inside the set are kept;
//   - what is left (@, #, *, ", quotes, symbols, other scripts, control
//     characters) becomes a space, never silently joins two words;
//
// then runs of '/' become one '/' and runs of spaces one space, and
// leading and trailing spaces and slashes are trimmed: the EPC rule that a
// reference must not start or end with '/' nor contain "//" is thereby
// kept for free text too. Identifiers are not converted: Write refuses an
// identifier that breaks the rule (see the package comment).
func SEPAText(s string) string {
	if isPlainSEPA(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	lastSpace, lastSlash := true, false // true: a leading space is dropped
	put := func(c rune) {
		switch c {
		case ' ':
			if lastSpace {
				return
			}
			lastSpace, lastSlash = true, false
		case '/':
			if lastSlash {
				return
			}
			lastSlash, lastSpace = true, false
		default:
			lastSpace, lastSlash = false, false
		}
		b.WriteRune(c)
	}
	var tmp [utf8.UTFMax]byte
	for _, r := range s {
		if sepaASCII(r) {
			put(r)
			continue
		}
		if rep, ok := translit[r]; ok {
			for _, c := range rep {
				put(c)
			}
			continue
		}
		n := utf8.EncodeRune(tmp[:], r)
		kept := false
		for _, c := range norm.NFKD.String(string(tmp[:n])) {
			if sepaASCII(c) {
				put(c)
				kept = kept || c != ' '
			} else if rep, ok := translit[c]; ok {
				for _, cc := range rep {
					put(cc)
				}
				kept = true
			}
		}
		if !kept {
			put(' ')
		}
	}
	return strings.Trim(b.String(), " /")
}

// isPlainSEPA reports whether s needs no conversion: only characters of
// the set, no double space or slash, and no space or slash at either end.
func isPlainSEPA(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[0] == '/' || s[len(s)-1] == ' ' || s[len(s)-1] == '/' {
		return false
	}
	var prev byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || !sepaASCII(rune(c)) {
			return false
		}
		if (c == ' ' || c == '/') && c == prev {
			return false
		}
		prev = c
	}
	return true
}

// idProblem says what is wrong with an identifier (message id, payment
// information id, end-to-end id) under the EPC rules, or "" when nothing
// is: required, at most max characters, only the basic Latin set, and
// (EPC clarification paper on slashes) not starting or ending with '/'
// nor containing "//". Leading or trailing spaces are refused too: banks
// trim them, so the id they report back would differ.
func idProblem(s string, max int) string {
	switch {
	case s == "":
		return "is required"
	case utf8.RuneCountInString(s) > max:
		return "is longer than " + itoa(int64(max)) + " characters"
	}
	for _, r := range s {
		if !sepaASCII(r) {
			return "contains " + quoteRune(r) + ", outside the SEPA character set (a-z A-Z 0-9 / - ? : ( ) . , ' + space)"
		}
	}
	switch {
	case s[0] == '/' || s[len(s)-1] == '/':
		return "must not start or end with '/'"
	case strings.Contains(s, "//"):
		return "must not contain \"//\""
	case s[0] == ' ' || s[len(s)-1] == ' ':
		return "must not start or end with a space"
	}
	return ""
}

func quoteRune(r rune) string {
	if r < ' ' || r == utf8.RuneError {
		return "a control or invalid character"
	}
	return "'" + string(r) + "'"
}

// ValidPaymentReference reports whether s is a Dutch payment reference
// (betalingskenmerk, the structured reference of the former acceptgiro,
// issuer "CUR" for Currence). The rules are those published by the
// Betaalvereniging Nederland, "Specificaties betalingskenmerk"
// (https://www.betaalvereniging.nl/betalingsverkeer/giraal-betalingsverkeer/wijzigingen-verwerking-acceptgirobetalingen/specificaties-betalingskenmerk/):
//
//   - only digits, at least 7 and at most 16, and not 8 or 15;
//   - 7 digits: no check digit and no length code (any 7 digits pass);
//   - 16 digits: a check digit C followed by 15 digits;
//   - 9 to 14 digits: C, then a length code L giving how many digits follow
//     it modulo 10 (9→7, 10→8, 11→9, 12→0, 13→1, 14→2), then those digits;
//   - C is the weighted modulus 11 check over everything after it (the
//     length code included): weights 2, 4, 8, 5, 10, 9, 7, 3, 6, 1 from the
//     rightmost digit leftwards, repeating; C = 11 - (sum mod 11), with 10
//     written as 1 and 11 as 0.
//
// The page's example 1223453462 2567 has C = 1 and L = 2 (twelve digits
// follow); the XMLdation rule book for the Dutch banks
// (wiki.xmldation.com, "Betalingskenmerk") gives 5000056789012345.
// Spaces are not accepted: pass the reference as the digits only.
func ValidPaymentReference(s string) bool {
	n := len(s)
	for i := 0; i < n; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	switch {
	case n == 7:
		return true
	case n == 16:
	case n >= 9 && n <= 14:
		if int(s[1]-'0') != (n-2)%10 {
			return false
		}
	default:
		return false
	}
	return checkDigit11(s[1:]) == int(s[0]-'0')
}

var paymentRefWeights = [...]int{2, 4, 8, 5, 10, 9, 7, 3, 6, 1}

// checkDigit11 is the betalingskenmerk check digit of the digits ds.
func checkDigit11(ds string) int {
	sum := 0
	for i := 0; i < len(ds); i++ {
		d := int(ds[len(ds)-1-i] - '0')
		sum += d * paymentRefWeights[i%len(paymentRefWeights)]
	}
	c := 11 - sum%11
	switch c {
	case 10:
		return 1
	case 11:
		return 0
	}
	return c
}

// validIBAN reports whether s (upper case, no spaces) has the IBAN shape
// (ISO 13616: two letters, two check digits, up to 30 letters or digits;
// 15 characters is the shortest in use) and its check digits are right
// (ISO 7064 MOD 97-10: moved to the end, letters as 10..35, the number is
// 1 modulo 97).
func validIBAN(s string) bool {
	if len(s) < 15 || len(s) > 34 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case i < 2 && (c < 'A' || c > 'Z'):
			return false
		case i >= 2 && i < 4 && (c < '0' || c > '9'):
			return false
		case i >= 4 && !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z'):
			return false
		}
	}
	rem := 0
	for i := 0; i < len(s); i++ {
		c := s[(i+4)%len(s)]
		if c >= 'A' {
			rem = (rem*100 + int(c-'A'+10)) % 97
		} else {
			rem = (rem*10 + int(c-'0')) % 97
		}
	}
	return rem == 1
}

// The BIC patterns of the two schemas: .03 uses BICIdentifier (ISO 9362
// before 2014: the location code's first character is not 0 or 1, its
// second not O); .09 uses BICFIDec2014Identifier.
var (
	bic03 = regexp.MustCompile(`^[A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?$`)
	bic09 = regexp.MustCompile(`^[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$`)
)

func validBIC(v Version, s string) bool {
	if v == V03 {
		return bic03.MatchString(s)
	}
	return bic09.MatchString(s)
}

func validCountry(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

// sepaCountries are the countries and territories of the SEPA schemes by
// the country code their IBANs start with (the EPC's list of the schemes'
// geographical scope, EPC409-09, as extended in 2024 and 2025): the EU
// and EEA (Iceland, Liechtenstein, Norway), and Switzerland, the United
// Kingdom (with Gibraltar, Jersey, Guernsey and the Isle of Man, whose
// IBANs start GI or GB), Monaco, San Marino, Vatican City, Andorra,
// Albania, Moldova, Montenegro and North Macedonia. nonEEA are those
// outside the EEA: a payment there carries the payer's address.
var sepaCountries, nonEEA = func() (map[string]bool, map[string]bool) {
	all, outside := map[string]bool{}, map[string]bool{}
	for _, c := range strings.Fields(`AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO`) {
		all[c] = true
	}
	for _, c := range strings.Fields(`CH GB GI MC SM VA AD AL MD ME MK`) {
		all[c], outside[c] = true, true
	}
	return all, outside
}()

// SEPAIBAN reports whether an IBAN (normalised) is of a country in the
// SEPA schemes: a credit transfer file to another is refused by the bank.
func SEPAIBAN(iban string) bool { return len(iban) >= 2 && sepaCountries[iban[:2]] }

// OutsideEEA reports whether an IBAN is of a SEPA country outside the
// EEA, where the SEPA rulebooks ask for the payer's address.
func OutsideEEA(iban string) bool { return len(iban) >= 2 && nonEEA[iban[:2]] }
