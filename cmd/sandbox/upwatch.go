package main

import (
	"strings"

	"github.com/hclsandbox/sandbox/launcher/watch"
)

// upWatch is up --watch: load, start, then supervise until interrupted.
func (e *env) upWatch(args []string, o *upOptions) error {
	if err := checkWatchFlags(e, o); err != nil {
		return err
	}
	paths, names := splitArgs(args)
	return watch.Run(e.r(), watch.Options{Paths: paths, Names: names, Load: e.loadOptions(), Quiet: o.quiet,
		NoPrefix: o.noPrefix, UpdateLock: o.updateLock, CgroupParent: o.cgroupParent})
}

// checkWatchFlags refuses the flags of up that are about a batch that
// ends, which a watch never does by itself.
func checkWatchFlags(e *env, o *upOptions) error {
	var bad []string
	for _, f := range []struct {
		set  bool
		name string
	}{{e.detached, "-d"}, {o.json, "--json"}, {o.junit != "", "--junit"}, {o.exitCodeFrom != "", "--exit-code-from"},
		{o.failFast, "--fail-fast"}, {o.parallel > 0, "--parallel"}} {
		if f.set {
			bad = append(bad, f.name)
		}
	}
	if len(bad) > 0 {
		return exitf(exitUsage, "--watch runs in the foreground until Ctrl-C and does not combine with %s", strings.Join(bad, ", "))
	}
	return nil
}
