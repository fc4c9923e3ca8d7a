package main

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
)

// checkSources prints, for validate, every host path of the sandboxes
// that up would refuse (launcher.CheckSources) and fails with exit code 1
// if there is any: validate says what up would say, before anything runs.
func (e *env) checkSources(cfg *config.Config) error {
	var diags hcl.Diagnostics
	for _, s := range cfg.Sandboxes {
		diags = append(diags, launcher.CheckSources(s)...)
	}
	if len(diags) == 0 {
		return nil
	}
	e.printDiags(diags, cfg.Files)
	if diags.HasErrors() {
		return exitCode(exitInvalidConfig)
	}
	return nil
}
