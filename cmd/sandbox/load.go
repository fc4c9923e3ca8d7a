package main

import (
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
)

// splitArgs separates configuration paths from sandbox names: a word that
// names an existing file or directory, or looks like a path, is a path;
// any other word is a name.
func splitArgs(args []string) (paths, names []string) {
	for _, a := range args {
		if _, err := os.Stat(a); err == nil || looksLikePath(a) {
			paths = append(paths, a)
		} else {
			names = append(names, a)
		}
	}
	return paths, names
}

// loadConfig loads paths (./*.hcl when there are none), printing every
// diagnostic. It fails with exit code 1 on any error.
func (e *env) loadConfig(paths []string) (*config.Config, error) {
	return e.loadConfigWith(paths, e.loadOptions())
}

// loadConfigWith is loadConfig with the given load options.
func (e *env) loadConfigWith(paths []string, opts config.Options) (*config.Config, error) {
	if len(paths) == 0 {
		paths = defaultConfigPaths()
		if len(paths) == 0 {
			return nil, exitf(exitInvalidConfig, "no configuration: give a file or directory, or run where *.hcl files are")
		}
	}
	cfg, diags := config.LoadWith(paths, opts)
	if !diags.HasErrors() {
		diags = append(diags, launcher.Validate(cfg.Sandboxes)...)
	}
	if len(diags) > 0 {
		e.printDiags(diags, cfg.Files)
	}
	if diags.HasErrors() {
		return nil, exitCode(exitInvalidConfig)
	}
	return cfg, nil
}

// printDiags writes diagnostics to stderr in the chosen format.
func (e *env) printDiags(diags hcl.Diagnostics, files map[string]*hcl.File) {
	if e.format == "json" {
		config.WriteDiagnosticsJSON(e.stderr, diags)
		return
	}
	config.WriteDiagnostics(e.stderr, diags, files, config.RenderOptions{Color: e.color})
}

// loadSandboxes loads paths and selects the named sandboxes, or all of
// them when names is empty.
func (e *env) loadSandboxes(paths, names []string) (*config.Config, []*config.Sandbox, error) {
	cfg, err := e.loadConfig(paths)
	if err != nil {
		return nil, nil, err
	}
	sbs, err := selectSandboxes(cfg, names)
	return cfg, sbs, err
}

// loadOne loads paths and selects the one sandbox name stands for; verb is
// the command, for the error when name is a fanned-out block.
func (e *env) loadOne(paths []string, name, verb string) (*config.Config, *config.Sandbox, error) {
	cfg, sbs, err := e.loadSandboxes(paths, []string{name})
	if err != nil {
		return nil, nil, err
	}
	if len(sbs) > 1 {
		return nil, nil, exitf(exitUsage, "%s has %d instances; %s takes one, such as %s", name, len(sbs), verb, sbs[0].Name)
	}
	return cfg, sbs[0], nil
}

// selectSandboxes returns the named sandboxes in the given order, or all of
// them when no name is given. An unknown name is an error with a suggestion.
func selectSandboxes(cfg *config.Config, names []string) ([]*config.Sandbox, error) {
	if len(names) == 0 {
		return cfg.Sandboxes, nil
	}
	var out []*config.Sandbox
	for _, n := range names {
		sel := cfg.Select(n)
		if len(sel) == 0 {
			return nil, unknownName(n, cfg.SelectNames())
		}
		out = append(out, sel...)
	}
	return out, nil
}

func unknownName(n string, known []string) error {
	msg := "no sandbox named \"" + n + "\" and no such file or directory"
	if best := config.Suggest(n, known); best != "" {
		msg += "; did you mean \"" + best + "\"?"
	} else if len(known) > 0 {
		msg += " (sandboxes: " + strings.Join(known, ", ") + ")"
	}
	return exitf(exitInvalidConfig, "%s", msg)
}

// defaultConfigPaths are the *.hcl files of the working directory, the
// lock file left out, sorted: what a command loads when given no path.
func defaultConfigPaths() []string {
	paths, _ := filepath.Glob("*.hcl")
	paths = slices.DeleteFunc(paths, func(p string) bool { return p == config.LockFileName })
	sort.Strings(paths)
	return paths
}
