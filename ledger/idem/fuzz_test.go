package idem

import (
	"errors"
	"regexp"
	"testing"

	"backoffice/ledger"
	"backoffice/ledger/fuzzcheck"
)

// keyBound: Parse runs an anchored regexp over the first value (no
// allocation on ASCII input) and, on a refusal, builds one fixed message;
// measured under 500 bytes whatever the input, and a fuzz worker's first
// call adds up to 5.6 KiB of the framework's own. 16 KiB leaves room;
// nothing per byte: the value is never copied.
var keyBound = fuzzcheck.Bound{Base: 16 << 10, PerByte: 0}

// FuzzParse: an Idempotency-Key is taken only as one value of 1 to 255
// printable ASCII characters (0x21-0x7e), and is then the value itself,
// which Parse takes again; anything else is a 400-class malformed error
// with reason idempotency_key_invalid. n chooses none, one or two values.
func FuzzParse(f *testing.F) {
	// Seeds: the keys of the README's and docs' examples.
	keys := regexp.MustCompile(`Idempotency-Key: ([^\s"'\\]+)`)
	for _, s := range fuzzcheck.Matches(f, keys, "../../README.md", "../../docs/api.md") {
		f.Add(s, uint8(1))
	}
	for _, s := range []string{"order-2026-0001", "", " key", "key\n", "ключ", string(make([]byte, 256))} {
		f.Add(s, uint8(1))
	}
	f.Add("a", uint8(2))
	f.Add("", uint8(0))
	f.Fuzz(func(t *testing.T, s string, n uint8) {
		fuzzcheck.Input(t, len(s))
		values := [][]string{nil, {s}, {s, s}}[n%3]
		var key string
		var err error
		if berr := keyBound.Run(len(s), func() { key, err = Parse(values) }); berr != nil {
			t.Fatal(berr)
		}
		printable := len(s) >= 1 && len(s) <= 255
		for _, c := range []byte(s) {
			printable = printable && c >= 0x21 && c <= 0x7e
		}
		switch {
		case len(values) == 0:
			if key != "" || err != nil {
				t.Fatalf("Parse(no values) = %q, %v", key, err)
			}
		case len(values) == 1 && printable:
			if key != s || err != nil {
				t.Fatalf("Parse(%q) = %q, %v", s, key, err)
			}
			if again, err := Parse([]string{key}); again != key || err != nil {
				t.Fatalf("Parse(%q) again = %q, %v", key, again, err)
			}
		default:
			var le *ledger.Error
			if !errors.As(err, &le) || le.Code != ledger.CodeMalformed || le.Reason != ledger.ReasonIdempotencyKeyInvalid || key != "" {
				t.Fatalf("Parse(%q) = %q, %v; want idempotency_key_invalid", values, key, err)
			}
		}
	})
}
