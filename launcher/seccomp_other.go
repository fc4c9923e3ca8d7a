//go:build !linux

package launcher

import (
	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/isolation"
	"github.com/hclsandbox/sandbox/launcher/seccomp"
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

// syscallTable is nil off Linux, where no filter is built.
func syscallTable() *seccomp.Arch { return nil }

func kernelVersion() KernelVersion { return KernelVersion{} }

func kernelRelease() string { return "" }

func versionOf(string) KernelVersion { return KernelVersion{} }

// WarmSeccomp does nothing off Linux.
func WarmSeccomp() {}
