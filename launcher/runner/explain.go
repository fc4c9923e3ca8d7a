package runner

import (
	"runtime"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/exitcode"
	"github.com/hclsandbox/sandbox/launcher/explain"
)

// Explain answers `sandbox explain`: why what is as it is in the sandbox
// name of the files at paths, on the plan that run would use.
func (r *Runner) Explain(paths []string, name, what string, load config.Options) (*explain.Answer, error) {
	cfg, s, err := r.LoadOne(paths, name, "explain", load)
	if err != nil {
		return nil, err
	}
	host := r.ProbeHost()
	p := BuildPlan(s, host, nil)
	if err := r.CheckPlan(cfg, s, p); err != nil {
		return nil, err
	}
	arch := host.Arch
	if arch == "" {
		arch = runtime.GOARCH
	}
	a, err := explain.Explain(explain.Input{Config: cfg, Sandbox: s, Plan: p, Arch: arch}, what)
	if err != nil {
		return nil, exitcode.Errorf(exitcode.InvalidConfig, "%s: %v", s.Name, err)
	}
	return a, nil
}
