package main

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// build is what the Go toolchain stamped into this binary about its source
// (debug.ReadBuildInfo): the module version and, when built from a git
// checkout, the commit, its time and whether the tree had uncommitted
// changes.
type build struct {
	Version   string `json:"version"`
	Revision  string `json:"revision,omitempty"`
	Time      string `json:"commit_time,omitempty"`
	Modified  bool   `json:"modified,omitempty"`
	GoVersion string `json:"go_version"`
}

func readBuild() build {
	b := build{Version: "unknown"}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	b.Version, b.GoVersion = info.Main.Version, info.GoVersion
	if b.Version == "" {
		b.Version = "(devel)"
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Revision = s.Value
		case "vcs.time":
			b.Time = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}

// String is the version as "backoffice version" prints it:
// "backoffice v0.0.0-20261206165339-3dee913c1f0a+dirty (commit 3dee913c1f0a, 2026-12-06T16:53:39Z, modified; go1.26.0)".
func (b build) String() string {
	var about []string
	if b.Revision != "" {
		c := "commit " + b.Revision
		if b.Time != "" {
			c += ", " + b.Time
		}
		if b.Modified {
			c += ", modified"
		}
		about = append(about, c)
	} else {
		about = append(about, "no commit recorded")
	}
	if b.GoVersion != "" {
		about = append(about, b.GoVersion)
	}
	return fmt.Sprintf("backoffice %s (%s)", b.Version, strings.Join(about, "; "))
}
