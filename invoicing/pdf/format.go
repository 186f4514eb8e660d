package pdf

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// isDutch reports whether language selects the Dutch texts ("nl", "NL",
// "nl-BE", "nl_NL"). Everything else is English.
func isDutch(language string) bool {
	l := strings.ToLower(strings.TrimSpace(language))
	return l == "nl" || strings.HasPrefix(l, "nl-") || strings.HasPrefix(l, "nl_")
}

// maxExponent bounds the decimals FormatAmount will write, so that a
// corrupt exponent cannot make it allocate without limit.
const maxExponent = 30

// FormatAmount writes an amount of minor units with exponent decimals in
// the currency the way language expects:
//
//	nl: "€ 1.234,56", "€ -1.234,56", "USD 1.234,56"
//	en: "€1,234.56", "-€1,234.56", "USD 1,234.56", "-USD 1,234.56"
//
// EUR is written with the € sign, any other currency with its ISO code; an
// empty currency writes the bare number. A negative exponent counts as 0.
func FormatAmount(minor int64, exponent int, currency, language string) string {
	neg := minor < 0
	// The magnitude as an unsigned number also covers math.MinInt64.
	mag := uint64(minor)
	if neg {
		mag = -mag
	}
	exponent = min(max(exponent, 0), maxExponent)
	digits := strconv.FormatUint(mag, 10)
	if len(digits) <= exponent {
		digits = strings.Repeat("0", exponent-len(digits)+1) + digits
	}
	intPart := digits[:len(digits)-exponent]
	frac := digits[len(digits)-exponent:]
	return money(groupNumber(intPart, frac, language), neg && mag != 0, currency, language)
}

// money puts the currency and the sign around an already formatted,
// unsigned number.
func money(number string, neg bool, currency, language string) string {
	cur := currencyLabel(currency)
	nl := isDutch(language)
	switch {
	case cur == "" && neg:
		return "-" + number
	case cur == "":
		return number
	case nl && neg:
		return cur + " -" + number
	case nl:
		return cur + " " + number
	case cur == "€" && neg:
		return "-€" + number
	case cur == "€":
		return "€" + number
	case neg:
		return "-" + cur + " " + number
	default:
		return cur + " " + number
	}
}

func currencyLabel(currency string) string {
	c := strings.ToUpper(strings.TrimSpace(clean(currency)))
	if c == "EUR" {
		return "€"
	}
	return c
}

// groupNumber joins integer digits (grouped by thousands) and fraction
// digits with the language's separators.
func groupNumber(intPart, frac, language string) string {
	thousands, decimal := ",", "."
	if isDutch(language) {
		thousands, decimal = ".", ","
	}
	var b strings.Builder
	b.Grow(len(intPart) + len(intPart)/3 + len(frac) + 1)
	for i := 0; i < len(intPart); i++ {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(thousands)
		}
		b.WriteByte(intPart[i])
	}
	if frac != "" {
		b.WriteString(decimal)
		b.WriteString(frac)
	}
	return b.String()
}

// parseDecimal splits a plain decimal string ("-12.3400", "+5", ".5") into
// its sign, integer digits (without leading zeros, at least "0") and
// fraction digits. ok is false for anything else.
func parseDecimal(s string) (neg bool, intPart, frac string, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return false, "", "", false
	}
	switch s[0] {
	case '-':
		neg, s = true, s[1:]
	case '+':
		s = s[1:]
	}
	intPart, frac, _ = strings.Cut(s, ".")
	if intPart == "" && frac == "" {
		return false, "", "", false
	}
	for _, part := range []string{intPart, frac} {
		for i := 0; i < len(part); i++ {
			if part[i] < '0' || part[i] > '9' {
				return false, "", "", false
			}
		}
	}
	intPart = strings.TrimLeft(intPart, "0")
	if intPart == "" {
		intPart = "0"
	}
	return neg, intPart, frac, true
}

// formatDecimal writes a decimal string with the language's separators,
// keeping at least minFrac decimals and dropping further trailing zeros.
// A string that is not a plain decimal is returned cleaned but unchanged.
func formatDecimal(s string, minFrac int, language string) string {
	neg, intPart, frac, ok := parseDecimal(s)
	if !ok {
		return oneLine(s)
	}
	frac = trimFrac(frac, minFrac)
	out := groupNumber(intPart, frac, language)
	if neg && !isZeroDecimal(intPart, frac) {
		out = "-" + out
	}
	return out
}

// formatDecimalMoney writes a decimal amount of currency (a unit price).
func formatDecimalMoney(s string, minFrac int, currency, language string) string {
	neg, intPart, frac, ok := parseDecimal(s)
	if !ok {
		return oneLine(s)
	}
	frac = trimFrac(frac, minFrac)
	return money(groupNumber(intPart, frac, language), neg && !isZeroDecimal(intPart, frac), currency, language)
}

func trimFrac(frac string, minFrac int) string {
	minFrac = min(max(minFrac, 0), maxExponent)
	frac = strings.TrimRight(frac, "0")
	if len(frac) < minFrac {
		frac += strings.Repeat("0", minFrac-len(frac))
	}
	return frac
}

func isZeroDecimal(intPart, frac string) bool {
	return strings.Trim(intPart, "0") == "" && strings.Trim(frac, "0") == ""
}

// formatPercent writes "21%", "5,5%" (nl) or "5.5%" (en). Empty is "".
func formatPercent(s, language string) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	return formatDecimal(s, 0, language) + "%"
}

// isZeroOrEmpty reports whether a decimal string is empty or zero.
func isZeroOrEmpty(s string) bool {
	if strings.TrimSpace(s) == "" {
		return true
	}
	_, intPart, frac, ok := parseDecimal(s)
	return ok && isZeroDecimal(intPart, frac)
}

var monthsEN = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// parseISODate reads "YYYY-MM-DD", also as the start of an RFC 3339 time.
func parseISODate(iso string) (time.Time, bool) {
	iso = strings.TrimSpace(iso)
	if len(iso) > 10 && (iso[10] == 'T' || iso[10] == ' ') {
		iso = iso[:10]
	}
	t, err := time.Parse(time.DateOnly, iso)
	return t, err == nil
}

// FormatDate writes an ISO "YYYY-MM-DD" date the language's way: nl
// "20-11-2026", en "20 Nov 2026". A string that is not such a date is
// returned as given (cleaned of control characters); "" stays "".
func FormatDate(iso, language string) string {
	t, ok := parseISODate(iso)
	if !ok {
		return oneLine(iso)
	}
	if isDutch(language) {
		return t.Format("02-01-2006")
	}
	return strconv.Itoa(t.Day()) + " " + monthsEN[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// clean makes s safe for the embedded font: invalid UTF-8 becomes U+FFFD,
// runes outside the Basic Multilingual Plane (emoji, which the font lacks
// and which fpdf cannot measure) become U+FFFD, tabs become spaces,
// "\r\n" and "\r" become "\n", and other control and format characters are
// dropped. Newlines are kept.
func clean(s string) string {
	ok := true
	for _, r := range s {
		if r == utf8.RuneError || r > 0xFFFF || (r < 0x20 && r != '\n') || unicode.IsControl(r) && r != '\n' || unicode.Is(unicode.Cf, r) {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '\r':
			if i < len(s) && s[i] == '\n' {
				continue
			}
			b.WriteByte('\n')
		case r == '\n':
			b.WriteByte('\n')
		case r == '\t':
			b.WriteByte(' ')
		case r == utf8.RuneError, r > 0xFFFF:
			b.WriteRune('\uFFFD')
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			// dropped
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// oneLine cleans s and folds its line breaks and runs of spaces into single
// spaces.
func oneLine(s string) string {
	s = clean(s)
	if !strings.ContainsAny(s, "\n ") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}
