package main

import (
	"github.com/hclsandbox/sandbox/launcher/runner"
	"github.com/spf13/cobra"
)

// completeFunc is cobra's shell-completion callback.
type completeFunc = func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective)

// addNameCompletion makes the shells complete sandbox names: the names
// declared in the files already on the line (./*.hcl when there are
// none) for the commands that load configuration, and the names that
// have state for the commands that act on running sandboxes. Where no
// name matches, the shell completes file names as before.
func (e *env) addNameCompletion(root *cobra.Command) {
	declared := map[string]completeFunc{
		"up": e.completeDeclared, "plan": e.completeDeclared, "test": e.completeDeclared,
		"pull": e.completeDeclared, "explain": e.completeDeclared,
		"run":  e.completeRun,
		"stop": e.completeRunning, "logs": e.completeFirstRunning, "exec": e.completeFirstRunning,
	}
	for _, c := range root.Commands() {
		if f, ok := declared[c.Name()]; ok {
			c.ValidArgsFunction = f
		}
		if c.Name() == "export" {
			for _, target := range c.Commands() {
				target.ValidArgsFunction = e.completeDeclared
			}
		}
	}
}

// completeDeclared completes the names declared in the files among args.
func (e *env) completeDeclared(_ *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	paths, _ := splitArgs(args)
	return matching(runner.DeclaredNames(paths, e.loadOptions()), toComplete)
}

// completeRun completes run's FILE NAME: a file, then the names it
// declares, then nothing of ours (the command's own arguments).
func (e *env) completeRun(_ *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	if len(args) != 1 {
		return nil, cobra.ShellCompDirectiveDefault
	}
	return matching(runner.DeclaredNames(args, e.loadOptions()), toComplete)
}

// completeRunning completes the names that have state on this host.
func (e *env) completeRunning(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	d, err := e.projectState(nil)
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	names, err := d.Names()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	out, _ := matching(names, toComplete)
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completeFirstRunning is completeRunning for a command whose NAME is its
// first argument only.
func (e *env) completeFirstRunning(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveDefault
	}
	return e.completeRunning(cmd, args, toComplete)
}

// matching are the names that start with prefix; with none, the shell
// completes file names instead.
func matching(names []string, prefix string) ([]string, cobra.ShellCompDirective) {
	if out := runner.WithPrefix(names, prefix); len(out) > 0 {
		return out, cobra.ShellCompDirectiveNoFileComp
	}
	return nil, cobra.ShellCompDirectiveDefault
}
