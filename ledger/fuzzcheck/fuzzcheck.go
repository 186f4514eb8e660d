// Package fuzzcheck holds what every fuzz target of the service checks
// besides "it did not panic": inputs are capped at MaxInput, the largest
// body any route reads, and one parse allocates no more than a fixed
// multiple of its input's size, so that no input, however crafted, makes
// a request cost more memory than its length promises.
//
// The targets and how to run them for hours are in docs/testing.md.
package fuzzcheck

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"testing"
)

// MaxInput is the largest input a fuzz target passes on (1 MiB); larger
// ones are skipped. Every route that reads a body caps it at or below this.
const MaxInput = 1 << 20

// Input skips t when in is larger than MaxInput.
func Input(t *testing.T, n int) {
	t.Helper()
	if n > MaxInput {
		t.Skipf("input of %d bytes is above the fuzzing cap of %d", n, MaxInput)
	}
}

// Bound is an allocation budget: Base bytes plus PerByte bytes for each
// byte of input.
type Bound struct {
	Base    uint64
	PerByte uint64
}

// Run runs fn once and says, as an error, when it allocated more heap
// bytes than b allows for an input of n bytes. It counts every allocation
// of the process while fn runs (runtime.ReadMemStats), which in a fuzz
// worker is fn's own; the base absorbs the little the framework adds.
// A target calls it as
//
//	if err := bound.Run(len(data), func() { parse(data) }); err != nil {
//		t.Fatal(err)
//	}
func (b Bound) Run(n int, fn func()) error {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	got := after.TotalAlloc - before.TotalAlloc
	if limit := b.Base + b.PerByte*uint64(n); got > limit {
		return fmt.Errorf("allocated %d bytes for %d bytes of input, above the bound of %d + %d per byte = %d",
			got, n, b.Base, b.PerByte, limit)
	}
	return nil
}

// Files reads every file that matches one of the patterns (filepath.Glob,
// relative to the test's package) as seeds. A pattern that matches
// nothing fails f: a sample moved elsewhere would otherwise leave the
// target quietly without its seeds.
func Files(f *testing.F, patterns ...string) [][]byte {
	f.Helper()
	var out [][]byte
	for _, pattern := range patterns {
		names, err := filepath.Glob(pattern)
		if err != nil || len(names) == 0 {
			f.Fatalf("seed pattern %q matches no file (%v)", pattern, err)
		}
		for _, name := range names {
			b, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			out = append(out, b)
		}
	}
	return out
}

// Matches returns what re matches in the files (its first group when it
// has one): the amounts, dates or keys of the README's and the docs'
// examples, as seeds. Finding none fails f, as for Files.
func Matches(f *testing.F, re *regexp.Regexp, files ...string) []string {
	f.Helper()
	var out []string
	for _, b := range Files(f, files...) {
		for _, m := range re.FindAllSubmatch(b, -1) {
			out = append(out, string(m[min(1, len(m)-1)]))
		}
	}
	if len(out) == 0 {
		f.Fatalf("%s matches nothing in %v", re, files)
	}
	return out
}
