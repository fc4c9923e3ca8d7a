//go:build !linux

package launcher

import (
	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/isolation"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// buildSeccomp has no profile off Linux: Docker's profile is defined for
// Linux only, where sandboxes run.
func buildSeccomp(config.SeccompConfig, []string, KernelVersion, string) (*isolation.Seccomp, error) {
	return nil, errSeccompOffLinux
}

// SeccompRules fails off Linux, where Docker's profile is not defined.
func SeccompRules(config.SeccompConfig, []string, KernelVersion, string) (*specs.LinuxSeccomp, error) {
	return nil, errSeccompOffLinux
}

// syscallNames has no table off Linux.
func syscallNames() map[string]bool { return nil }

func kernelVersion() KernelVersion { return KernelVersion{} }

// WarmSeccomp does nothing off Linux.
func WarmSeccomp() {}
