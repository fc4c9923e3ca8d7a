package runner

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/exitcode"
	"github.com/hclsandbox/sandbox/launcher"
)

// Validate checks the loaded cfg as `sandbox validate` does: the host
// paths up would refuse, then the plans; with text, it says on stdout
// how many sandboxes are valid.
func (r *Runner) Validate(cfg *config.Config, text bool) error {
	srcErr := r.checkSources(cfg)
	if err := r.CheckPlans(cfg, cfg.Sandboxes, r.ProbeHost()); err != nil {
		return err
	}
	if srcErr != nil {
		return srcErr
	}
	if text {
		n := len(cfg.Sandboxes)
		if n == 0 {
			fmt.Fprintln(r.Stdout, "valid: no sandboxes")
			return nil
		}
		es := "es"
		if n == 1 {
			es = ""
		}
		fmt.Fprintf(r.Stdout, "valid: %d sandbox%s (%s)\n", n, es, nameList(cfg.Names(), 10))
	}
	return nil
}

// checkSources prints, for validate, every host path of the sandboxes
// that up would refuse (launcher.CheckSources) and fails with exit code 1
// if there is any: validate says what up would say, before anything runs.
func (r *Runner) checkSources(cfg *config.Config) error {
	var diags hcl.Diagnostics
	for _, s := range cfg.Sandboxes {
		diags = append(diags, launcher.CheckSources(s)...)
	}
	if len(diags) == 0 {
		return nil
	}
	r.PrintDiags(diags, cfg.Files)
	if diags.HasErrors() {
		return exitcode.Code(exitcode.InvalidConfig)
	}
	return nil
}

// nameList joins names with commas, the first max of them and then how
// many more there are: a file of thousands of sandboxes gets one short line.
func nameList(names []string, max int) string {
	if len(names) <= max+2 {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:max], ", "), len(names)-max)
}
