package main

import (
	"fmt"
	"sync"

	"github.com/hclsandbox/sandbox/launcher"
	"github.com/spf13/cobra"
)

func newUpCmd(e *env) *cobra.Command {
	return e.addDetachFlag(e.addVarFlags(&cobra.Command{
		Use:   "up [FILE|DIR]... [NAME]...",
		Short: "Run the declared sandboxes in the foreground",
		Long: `Run every sandbox declared in the given files and directories, or only the
named ones, in the foreground, and wait for all of them. A word that names an
existing file or directory is a configuration; any other word is a sandbox
name. With no file, ./*.hcl is loaded.

` + exitCodesHelp,
		Example: `  sandbox up examples/hello.hcl
  sandbox up web.hcl db.hcl web`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.up(args)
		},
	}))
}

func (e *env) up(args []string) error {
	paths, names := splitArgs(args)
	cfg, err := e.loadConfig(paths)
	if err != nil {
		return err
	}
	sbs, err := selectSandboxes(cfg, names)
	if err != nil {
		return err
	}
	host := e.probeHost()
	if err := checkHost(host); err != nil {
		return err
	}
	if err := e.preflight(cfg, sbs); err != nil {
		return err
	}
	r := &running{}
	stop := forwardSignals(r, false)
	defer stop()
	e.ready.expect(len(sbs))
	results := make([]*launcher.Result, len(sbs))
	var wg sync.WaitGroup
	for i, plan := range buildPlans(sbs, host) {
		wg.Go(func() {
			results[i] = e.launch(r, plan, launcher.Stdio{Stdout: e.stdout, Stderr: e.stderr})
		})
	}
	wg.Wait()
	for _, res := range results {
		if res.SetupError == nil {
			fmt.Fprintf(e.stderr, "sandbox: %s: %s\n", res.Name, res.Summary())
		}
	}
	for _, res := range results {
		if res.ExitCode != 0 {
			return exitCode(res.ExitCode)
		}
	}
	return nil
}
