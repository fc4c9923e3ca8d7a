package export

import (
	"github.com/hclsandbox/sandbox/launcher"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Options are what an export needs besides the plan.
type Options struct {
	// SeccompFile is the file the exported command reads its seccomp
	// filter from; the caller writes Command.Seccomp there. "" exports
	// no filter, with a warning.
	SeccompFile string
	// SeccompRules are the plan's seccomp rules as OCI writes them
	// (oci.Config), for targets that take rules rather than a
	// compiled program; nil when the sandbox is unconfined.
	SeccompRules *specs.LinuxSeccomp
	// Stat reports whether a host path exists and is a directory; nil
	// treats every path as an existing file.
	Stat func(path string) (exists, dir bool)
	// Interactive asks for a command attached to the caller's terminal.
	Interactive bool
	// Scope asks systemd-run for a scope that holds the cgroup limits
	// around the bwrap command line, instead of a service.
	Scope bool
}

func (o Options) stat(p string) (exists, dir bool) {
	if o.Stat == nil {
		return true, false
	}
	return o.Stat(p)
}

// Target is one export format.
type Target struct {
	// Name is the word on the command line: "bwrap".
	Name string
	// Build converts a plan.
	Build func(p *launcher.Plan, o Options) (*Command, error)
}

// Targets are the command-line targets, in the order help lists them.
var Targets = []Target{
	{Name: "bwrap", Build: Bwrap},
	{Name: "systemd-run", Build: SystemdRun},
	{Name: "docker", Build: Docker},
}
