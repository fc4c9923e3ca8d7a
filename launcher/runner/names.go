package runner

import (
	"slices"
	"strings"

	"github.com/hclsandbox/sandbox/config"
)

// DeclaredNames are the sandbox names the files at paths declare (./*.hcl
// when paths is empty), and the name of each fanned-out sandbox that
// selects all its instances, for shell completion. Files that do not
// load give what loaded.
func DeclaredNames(paths []string, load config.Options) []string {
	if len(paths) == 0 {
		paths = DefaultPaths()
	}
	if len(paths) == 0 {
		return nil
	}
	cfg, _ := config.LoadWith(paths, load)
	if cfg == nil {
		return nil
	}
	var names []string
	for _, s := range cfg.Sandboxes {
		if base, _, fanned := strings.Cut(s.Name, "["); fanned && !slices.Contains(names, base) {
			names = append(names, base)
		}
		names = append(names, s.Name)
	}
	return names
}

// WithPrefix are the names that start with prefix.
func WithPrefix(names []string, prefix string) []string {
	var out []string
	for _, n := range names {
		if strings.HasPrefix(n, prefix) {
			out = append(out, n)
		}
	}
	return out
}
