package main

import (
	"encoding/json"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/plancache"
	"github.com/hclsandbox/sandbox/launcher/receipt"
	"github.com/hclsandbox/sandbox/launcher/runner"
	"github.com/hclsandbox/sandbox/launcher/state"
)

// stateDir is where sandbox records live (state.FromEnv), scoped to the
// command's project once one was chosen.
func (e *env) stateDir() state.Dir {
	d := state.FromEnv(e.lookupEnv)
	d.Project = e.projectName
	return d
}

// projectState is the state of the project of the files at paths (the
// working directory's when there are none): --project, $SANDBOX_PROJECT,
// the files' project attribute, or their directory's name.
func (e *env) projectState(paths []string) (state.Dir, error) {
	return e.r().ProjectState(paths)
}

// checkProject takes --project, or else $SANDBOX_PROJECT, once it is a
// project name.
func (e *env) checkProject() error {
	if e.project != "" {
		return runner.CheckProject(e.project, "--project")
	}
	if e.lookupEnv == nil {
		return nil
	}
	if v, ok := e.lookupEnv(runner.ProjectEnv); ok && v != "" {
		e.project = v
		return runner.CheckProject(v, runner.ProjectEnv)
	}
	return nil
}

// r is the runner that starts this command's sandboxes, with its streams,
// state directory and printers.
func (e *env) r() *runner.Runner {
	e.receipts.Stderr = e.stderr
	return &runner.Runner{Stdin: e.stdin, Stdout: e.stdout, Stderr: e.stderr, ProbeHost: e.probeHost, State: e.stateDir(),
		PrintDiags: e.printDiags, PrintError: e.printError, Detached: e.detached, Ready: e.ready, Receipts: &e.receipts,
		Project: e.project, ProjectChosen: func(p string) { e.projectName = p }}
}

// startR is r with the plan cache, for the commands that load a
// configuration to start its sandboxes at once: run and up.
func (e *env) startR() *runner.Runner {
	r := e.r()
	// Before the plan cache or a claim makes anything in it.
	r.State.PrepareRoot()
	// While the configuration loads.
	warmEncoders()
	launcher.WarmSeccomp()
	r.Cache = plancache.FromEnv(e.lookupEnv, r.State.Root)
	return r
}

// warmEncoders builds, on a goroutine of its own, the JSON encoders that
// a start uses: encoding/json builds a type's encoder the first time a
// process encodes it, and a start would wait for each, in the plan's
// digest, the claim's record and the receipt. Called while the
// configuration loads, it runs on a core that is idle then.
func warmEncoders() {
	go func() {
		for _, v := range warmValues {
			_, _ = json.Marshal(v)
		}
	}()
}

// warmValues are the zero values whose encoders warmEncoders builds.
var warmValues = []any{&launcher.Plan{}, &state.Record{}, &receipt.Statement{}}

// splitArgs separates configuration paths from sandbox names.
func splitArgs(args []string) (paths, names []string) { return runner.SplitArgs(args) }

// loadConfig loads paths (./*.hcl when there are none) with the flags'
// variables, printing every diagnostic; any error is exit code 1.
func (e *env) loadConfig(paths []string) (*config.Config, error) {
	return e.r().Load(paths, e.loadOptions())
}

// loadSandboxes loads paths and selects the named sandboxes, or all.
func (e *env) loadSandboxes(paths, names []string) (*config.Config, []*config.Sandbox, error) {
	return e.r().LoadSandboxes(paths, names, e.loadOptions())
}
