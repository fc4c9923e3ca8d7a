package runner

import (
	"runtime"
	"runtime/debug"
	"strings"
)

// VersionText is what --version prints: version (set by make build from
// git describe, or empty, when the build's own information stands in),
// the commit when it is known, and the Go version.
func VersionText(version string) string {
	v, rev, dirty := version, "", false
	if info, ok := debug.ReadBuildInfo(); ok {
		if v == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			v = info.Main.Version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	if v == "" {
		v = "devel"
	}
	var extra []string
	if rev != "" && !strings.Contains(v, rev[:min(len(rev), 7)]) {
		if dirty {
			rev += "-dirty"
		}
		extra = append(extra, "commit "+rev[:min(len(rev), 12)])
	}
	extra = append(extra, runtime.Version())
	return v + " (" + strings.Join(extra, ", ") + ")"
}
