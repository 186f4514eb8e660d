package reports

import (
	"strconv"
	"time"

	"backoffice/ledger"
	"backoffice/ledger/money"
)

// Languages the reports are written in; anything else reads as English.
const (
	Dutch   = "nl"
	English = "en"
)

// tr picks the Dutch or the English text.
func tr(lang, nl, en string) string {
	if lang == Dutch {
		return nl
	}
	return en
}

// amounts formats minor units of one currency. It writes the same text as
// money.Format (checked by a test) without going through a decimal, because
// a general ledger of a million lines formats three amounts per line.
type amounts struct {
	exp int
	buf []byte
}

func newAmounts(currency string) *amounts {
	exp, _ := money.Exponent(currency)
	return &amounts{exp: exp, buf: make([]byte, 0, 32)}
}

// format writes minor as a plain decimal with exactly exp decimals.
func (a *amounts) format(minor int64) string {
	a.buf = appendMinor(a.buf[:0], minor, a.exp)
	return string(a.buf)
}

// appendMinor appends minor units as "-1234.50" (exp 2).
func appendMinor(dst []byte, minor int64, exp int) []byte {
	mag := uint64(minor)
	if minor < 0 {
		dst = append(dst, '-')
		mag = -mag // also right for math.MinInt64
	}
	if exp <= 0 {
		return strconv.AppendUint(dst, mag, 10)
	}
	var digits [24]byte
	d := strconv.AppendUint(digits[:0], mag, 10)
	if len(d) <= exp { // "0.05": pad to one digit before the point
		dst = append(dst, '0', '.')
		for i := len(d); i < exp; i++ {
			dst = append(dst, '0')
		}
		return append(dst, d...)
	}
	dst = append(dst, d[:len(d)-exp]...)
	dst = append(dst, '.')
	return append(dst, d[len(d)-exp:]...)
}

// entryNumber is ledger.FormatEntryNumber without fmt: "2026-000042".
func appendEntryNumber(dst []byte, fiscalYear int, n int64) []byte {
	dst = strconv.AppendInt(dst, int64(fiscalYear), 10)
	dst = append(dst, '-')
	var digits [20]byte
	d := strconv.AppendInt(digits[:0], n, 10)
	for i := len(d); i < 6; i++ {
		dst = append(dst, '0')
	}
	return append(dst, d...)
}

var monthsEN = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// DateText writes a date the one way each language writes dates in every
// report, in titles and column headings as in date cells (and as the
// invoices write them): "31-12-2026" in Dutch, "31 Dec 2026" in English.
func DateText(d ledger.Date, lang string) string {
	if d.IsZero() {
		return ""
	}
	if lang == Dutch {
		return d.Time().Format("02-01-2006")
	}
	return strconv.Itoa(d.Day()) + " " + monthsEN[d.Month()-1] + " " + strconv.Itoa(d.Year())
}

// AsOfText is the period of a report as of a date: "per 31-12-2026",
// "as of 31 Dec 2026".
func AsOfText(d ledger.Date, lang string) string {
	return tr(lang, "per ", "as of ") + DateText(d, lang)
}

// PeriodText is a period: "01-01-2026 t/m 31-12-2026", "1 Jan 2026 to
// 31 Dec 2026".
func PeriodText(from, to ledger.Date, lang string) string {
	return DateText(from, lang) + tr(lang, " t/m ", " to ") + DateText(to, lang)
}

// PeriodHeading names a period in a column heading: the year ("2026")
// when the period is a calendar year, "2025/2026" when it is a fiscal
// year of an entity whose years start in startMonth, else the period.
func PeriodHeading(from, to ledger.Date, startMonth int, lang string) string {
	if startMonth < 1 || startMonth > 12 {
		startMonth = 1
	}
	for _, m := range []int{1, startMonth} {
		first, last := YearBounds(from.Year(), m)
		if from.Compare(first) == 0 && to.Compare(last) == 0 {
			if m == 1 {
				return strconv.Itoa(from.Year())
			}
			return strconv.Itoa(from.Year()) + "/" + strconv.Itoa(to.Year())
		}
	}
	return PeriodText(from, to, lang)
}

// YearBounds returns the first and last day of fiscal year y (named by the
// calendar year it starts in) for years starting in startMonth.
func YearBounds(y, startMonth int) (first, last ledger.Date) {
	first = ledger.NewDate(y, time.Month(startMonth), 1)
	return first, ledger.NewDate(y+1, time.Month(startMonth), 1).AddDays(-1)
}

// FiscalYearStart is the first day of the fiscal year d falls in.
func FiscalYearStart(ent *ledger.Entity, d ledger.Date) ledger.Date {
	first, _ := YearBounds(d.FiscalYear(ent.FiscalYearStartMonth), ent.FiscalYearStartMonth)
	return first
}

// optional formats an amount of a second column, or nil without one.
func optional(a *amounts, minor int64, has bool) *string {
	if !has {
		return nil
	}
	s := a.format(minor)
	return &s
}
