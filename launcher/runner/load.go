package runner

import (
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/exitcode"
	"github.com/hclsandbox/sandbox/launcher"
)

// SplitArgs separates configuration paths from sandbox names: a word that
// names an existing file or directory, or looks like a path, is a path;
// any other word is a name.
func SplitArgs(args []string) (paths, names []string) {
	for _, a := range args {
		if _, err := os.Stat(a); err == nil || looksLikePath(a) {
			paths = append(paths, a)
		} else {
			names = append(names, a)
		}
	}
	return paths, names
}

// Load loads paths (./*.hcl when there are none) with opts, printing
// every diagnostic. It fails with exit code 1 on any error.
func (r *Runner) Load(paths []string, opts config.Options) (*config.Config, error) {
	if len(paths) == 0 {
		paths = DefaultPaths()
		if len(paths) == 0 {
			return nil, exitcode.Errorf(exitcode.InvalidConfig, "no configuration: give a file or directory, or run where *.hcl files are")
		}
	}
	cfg, diags, _ := r.Cache.Load(paths, opts, config.LoadWith)
	if !diags.HasErrors() {
		diags = append(diags, launcher.Validate(cfg.Sandboxes)...)
	}
	if len(diags) > 0 {
		r.PrintDiags(diags, cfg.Files)
	}
	if diags.HasErrors() {
		return nil, exitcode.Code(exitcode.InvalidConfig)
	}
	if err := r.useProject(paths, cfg); err != nil {
		return nil, err
	}
	return cfg, nil
}

// LoadSandboxes loads paths and selects the named sandboxes, or all of
// them when names is empty.
func (r *Runner) LoadSandboxes(paths, names []string, opts config.Options) (*config.Config, []*config.Sandbox, error) {
	cfg, err := r.Load(paths, opts)
	if err != nil {
		return nil, nil, err
	}
	sbs, err := SelectSandboxes(cfg, names)
	return cfg, sbs, err
}

// LoadOne loads paths and selects the one sandbox name stands for; verb is
// the command, for the error when name is a fanned-out block.
func (r *Runner) LoadOne(paths []string, name, verb string, opts config.Options) (*config.Config, *config.Sandbox, error) {
	cfg, sbs, err := r.LoadSandboxes(paths, []string{name}, opts)
	if err != nil {
		return nil, nil, err
	}
	if len(sbs) > 1 {
		return nil, nil, exitcode.Errorf(exitcode.Usage, "%s has %d instances; %s takes one, such as %s", name, len(sbs), verb, sbs[0].Name)
	}
	return cfg, sbs[0], nil
}

// SelectSandboxes returns the named sandboxes in the given order, or all of
// them when no name is given. An unknown name is an error with a suggestion.
func SelectSandboxes(cfg *config.Config, names []string) ([]*config.Sandbox, error) {
	if len(names) == 0 {
		return cfg.Sandboxes, nil
	}
	var out []*config.Sandbox
	for _, n := range names {
		sel := cfg.Select(n)
		if len(sel) == 0 {
			return nil, UnknownName(n, cfg.SelectNames())
		}
		out = append(out, sel...)
	}
	return out, nil
}

// UnknownName is the error of a name that selects no sandbox, with a
// suggestion among known.
func UnknownName(n string, known []string) error {
	msg := "no sandbox named \"" + n + "\" and no such file or directory"
	if best := config.Suggest(n, known); best != "" {
		msg += "; did you mean \"" + best + "\"?"
	} else if len(known) > 0 {
		msg += " (sandboxes: " + strings.Join(known, ", ") + ")"
	}
	return exitcode.Errorf(exitcode.InvalidConfig, "%s", msg)
}

// DefaultPaths are the *.hcl files of the working directory, the lock
// file left out, sorted: what a command loads when given no path.
func DefaultPaths() []string {
	paths, _ := filepath.Glob("*.hcl")
	paths = slices.DeleteFunc(paths, func(p string) bool { return p == config.LockFileName })
	sort.Strings(paths)
	return paths
}
