package statements

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"backoffice/ledger"
	"backoffice/ledger/fuzzcheck"
)

// icpPeriodBound: ParseICPPeriod runs two anchored regexps (linear, their
// submatches a few small strings) and, on a refusal, builds one problem
// quoting at most 16 bytes; measured under 2 KiB on seeds and fuzzed
// inputs, and a fuzz worker's first call adds up to 5.6 KiB of the
// framework's own. 16 KiB leaves room; regexp's matcher state is of the
// pattern's size, not the input's, so nothing per byte.
var icpPeriodBound = fuzzcheck.Bound{Base: 16 << 10, PerByte: 0}

// expectICPPeriod says by hand which month or quarter s names: its
// canonical name and first and last day, or ok false.
func expectICPPeriod(s string) (name, from, to string, monthly, ok bool) {
	s = strings.TrimSpace(s)
	if len(s) != 7 || s[4] != '-' {
		return
	}
	num := func(t string) int {
		for _, c := range []byte(t) {
			if c < '0' || c > '9' {
				return -1
			}
		}
		n, _ := strconv.Atoi(t)
		return n
	}
	y := num(s[:4])
	if y < ledger.MinYear || y > ledger.MaxYear {
		return
	}
	last := func(m int) string {
		days := [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
		d := days[m]
		if m == 2 && y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			d = 29
		}
		return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
	}
	if s[5] == 'Q' || s[5] == 'q' {
		if q := num(s[6:]); q >= 1 && q <= 4 {
			return fmt.Sprintf("%04d-Q%d", y, q), fmt.Sprintf("%04d-%02d-01", y, 3*q-2), last(3 * q), false, true
		}
		return
	}
	if m := num(s[5:]); m >= 1 && m <= 12 {
		return s, fmt.Sprintf("%04d-%02d-01", y, m), last(m), true, true
	}
	return
}

// FuzzParseICPPeriod: an ICP period is a month or quarter in the years the
// service takes, names the span its text says, and its name parses back
// to the same period; a refusal is a 422 period_invalid at the path.
func FuzzParseICPPeriod(f *testing.F) {
	periods := regexp.MustCompile(`[0-9]{4}-(?:Q[1-4]|[0-9]{2})`)
	for _, s := range fuzzcheck.Matches(f, periods, "../../docs/reports.md") {
		f.Add(s)
	}
	for _, s := range []string{"2026-Q1", "2026-q3", "2026-03", " 2026-12\n", "9999-Q4", "1899-12", "2026-Q0", "2026-00", "2026-3", "2026-Q1\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fuzzcheck.Input(t, len(s))
		var p ICPPeriod
		var err error
		if berr := icpPeriodBound.Run(len(s), func() { p, err = ParseICPPeriod(s, "period") }); berr != nil {
			t.Fatal(berr)
		}
		name, from, to, monthly, ok := expectICPPeriod(s)
		if err != nil {
			var le *ledger.Error
			if !errors.As(err, &le) || le.Reason != ledger.ReasonPeriodInvalid || len(le.Fields) != 1 ||
				le.Fields[0].Path != "period" || len(le.Fields[0].Message) > 300 {
				t.Fatalf("ParseICPPeriod(%q) refused with %#v", s, err)
			}
			if ok {
				t.Fatalf("ParseICPPeriod(%q) refused %s", s, name)
			}
			return
		}
		if !ok || p.Name != name || p.From.String() != from || p.To.String() != to || p.Monthly != monthly {
			t.Fatalf("ParseICPPeriod(%q) = %+v; want %s %s..%s monthly %v (taken: %v)", s, p, name, from, to, monthly, ok)
		}
		if again, err := ParseICPPeriod(p.Name, "period"); err != nil || again != p {
			t.Fatalf("ParseICPPeriod(%q) = %+v, %v; want %+v", p.Name, again, err, p)
		}
	})
}
