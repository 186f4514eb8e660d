package main

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestVersionString: how a build is described, worked out by hand.
func TestVersionString(t *testing.T) {
	for _, c := range []struct {
		b    build
		want string
	}{
		{build{Version: "v1.2.3", Revision: "3dee913c", Time: "2026-12-06T16:53:39Z", GoVersion: "go1.26.0"},
			"backoffice v1.2.3 (commit 3dee913c, 2026-12-06T16:53:39Z; go1.26.0)"},
		{build{Version: "(devel)", Revision: "3dee913c", Time: "2026-12-06T16:53:39Z", Modified: true, GoVersion: "go1.26.0"},
			"backoffice (devel) (commit 3dee913c, 2026-12-06T16:53:39Z, modified; go1.26.0)"},
		{build{Version: "unknown"}, "backoffice unknown (no commit recorded)"},
	} {
		if got := c.b.String(); got != c.want {
			t.Errorf("%+v: %q; want %q", c.b, got, c.want)
		}
	}
}

// TestVersionCommand: "version" and "--version" print the version line and
// succeed; a test binary records no commit, so it names its Go version.
func TestVersionCommand(t *testing.T) {
	for _, arg := range []string{"version", "--version"} {
		var out, errOut bytes.Buffer
		if err := run(context.Background(), []string{arg}, noEnv, &out, &errOut); err != nil {
			t.Fatalf("%s: %v", arg, err)
		}
		if s := out.String(); !strings.HasPrefix(s, "backoffice ") || !strings.Contains(s, runtime.Version()) || strings.Count(s, "\n") != 1 {
			t.Errorf("%s printed %q", arg, s)
		}
	}
}

// TestVersionNamesTheCommit builds the binary from this checkout and asks
// it: it names the commit checked out, as git says it.
func TestVersionNamesTheCommit(t *testing.T) {
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skip("not in a git checkout:", err)
	}
	bin := filepath.Join(t.TempDir(), "backoffice")
	if out, err := exec.Command("go", "build", "-buildvcs=true", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	if want := "commit " + strings.TrimSpace(string(head)); !strings.Contains(string(out), want) {
		t.Fatalf("version printed %q; want it to name %s", out, want)
	}
}

// TestBadFlagReportedOnce: a flag the command does not know is reported
// once, with the command's usage, and the command exits with status 2.
func TestBadFlagReportedOnce(t *testing.T) {
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"serve", "--bogus"}, noEnv, &out, &errOut)
	var exit exitError
	if !errors.As(err, &exit) || exit != 2 {
		t.Fatalf("serve --bogus: %v; want exit status 2", err)
	}
	if n := strings.Count(errOut.String(), "-bogus"); n != 1 || !strings.Contains(errOut.String(), "Usage: backoffice serve [flags]") {
		t.Fatalf("serve --bogus printed the flag %d times:\n%s", n, errOut.String())
	}
	// The usage of loadtest says what it loads, not only entries.
	errOut.Reset()
	if err := run(context.Background(), []string{"loadtest", "--help"}, noEnv, &out, &errOut); err == nil {
		t.Fatal("loadtest --help returned no error (flag.ErrHelp)")
	}
	for _, want := range []string{"invoices created and issued", "orders pushed", "bank statements imported", "how many to make in all"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("loadtest --help lacks %q:\n%s", want, errOut.String())
		}
	}
}
