package vatreturn_test

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"backoffice/invoicing/vatreturn"
	"backoffice/ledger"
	"backoffice/ledger/fuzzcheck"
)

// periodBound: ParsePeriod cuts and converts at most 16 bytes (longer
// texts are refused unread) and builds one problem with a message; the
// seeds and the fuzzer's inputs measured under 1.5 KiB, and a fuzz
// worker's first call adds up to 5.6 KiB of the framework's own. 16 KiB
// leaves room; nothing grows with the input.
var periodBound = fuzzcheck.Bound{Base: 16 << 10, PerByte: 0}

// expectPeriod says by hand which period s names for an entity filing per
// kind: its canonical name and first and last day, or ok false.
func expectPeriod(s string, kind ledger.VATPeriod) (name, from, to string, ok bool) {
	s = strings.TrimSpace(s)
	num := func(t string) int {
		if t == "" {
			return -1
		}
		for _, c := range []byte(t) {
			if c < '0' || c > '9' {
				return -1
			}
		}
		n, _ := strconv.Atoi(t)
		return n
	}
	if len(s) < 4 {
		return "", "", "", false
	}
	y := num(s[:4])
	if y < ledger.MinYear || y > ledger.MaxYear {
		return "", "", "", false
	}
	last := func(m int) int {
		days := [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
		if m == 2 && y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return days[m]
	}
	span := func(m1, m2 int) (string, string) {
		return fmt.Sprintf("%04d-%02d-01", y, m1), fmt.Sprintf("%04d-%02d-%02d", y, m2, last(m2))
	}
	switch {
	case kind == ledger.VATYearly && len(s) == 4:
		from, to = span(1, 12)
		return s, from, to, true
	case kind == ledger.VATQuarterly && len(s) == 7 && s[4] == '-' && (s[5] == 'Q' || s[5] == 'q'):
		if q := num(s[6:]); q >= 1 && q <= 4 {
			from, to = span(3*q-2, 3*q)
			return fmt.Sprintf("%04d-Q%d", y, q), from, to, true
		}
	case kind == ledger.VATMonthly && len(s) == 7 && s[4] == '-':
		if m := num(s[5:]); m >= 1 && m <= 12 {
			from, to = span(m, m)
			return s, from, to, true
		}
	}
	return "", "", "", false
}

// FuzzParsePeriod: a VAT return period is taken only in the form of the
// entity's setting, names the span its text says, and its name parses
// back to the same period; a refusal is a 422 vat_return_period_invalid
// at the path given.
func FuzzParsePeriod(f *testing.F) {
	periods := regexp.MustCompile(`[0-9]{4}(?:-Q[1-4]|-[0-9]{2})?`)
	for _, s := range fuzzcheck.Matches(f, periods, "../../docs/vat.md", "../../docs/api.md") {
		f.Add(s, uint8(1))
	}
	for _, s := range []string{"2026", "2026-Q1", "2026-q4", "2026-03", " 2026-12 ", "9999", "1899-Q4", "2026-Q5", "2026-13", "+026", "2026-+1", "2026-Q+1"} {
		for k := range 4 {
			f.Add(s, uint8(k))
		}
	}
	kinds := []ledger.VATPeriod{"", ledger.VATMonthly, ledger.VATQuarterly, ledger.VATYearly}
	f.Fuzz(func(t *testing.T, s string, k uint8) {
		fuzzcheck.Input(t, len(s))
		kind := kinds[int(k)%len(kinds)]
		var p vatreturn.Period
		var err error
		if berr := periodBound.Run(len(s), func() { p, err = vatreturn.ParsePeriod(s, kind, "period") }); berr != nil {
			t.Fatal(berr)
		}
		effective := kind
		if effective == "" {
			effective = ledger.VATQuarterly
		}
		name, from, to, ok := expectPeriod(s, effective)
		if err != nil {
			var le *ledger.Error
			if !errors.As(err, &le) || le.Reason != ledger.ReasonVATReturnPeriodInvalid || len(le.Fields) != 1 ||
				le.Fields[0].Path != "period" || len(le.Fields[0].Message) > 300 {
				t.Fatalf("ParsePeriod(%q, %q) refused with %#v", s, kind, err)
			}
			if ok {
				t.Fatalf("ParsePeriod(%q, %q) refused %s", s, kind, name)
			}
			return
		}
		if !ok || p.String() != name || p.From.String() != from || p.To.String() != to || p.Kind != effective {
			t.Fatalf("ParsePeriod(%q, %q) = %s %s..%s (%s); want %s %s..%s (taken: %v)", s, kind, p, p.From, p.To, p.Kind, name, from, to, ok)
		}
		if p.From.CheckRange() != nil || p.To.CheckRange() != nil {
			t.Fatalf("ParsePeriod(%q) = %s..%s, outside the dates the service takes", s, p.From, p.To)
		}
		if again, err := vatreturn.ParsePeriod(p.String(), kind, "period"); err != nil || again != p {
			t.Fatalf("ParsePeriod(%q) = %v, %v; want %v", p.String(), again, err, p)
		}
	})
}
