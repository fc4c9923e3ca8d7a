//go:build linux

package launcher

import (
	"slices"

	"github.com/hclsandbox/sandbox/config"
	profiles "github.com/moby/profiles/seccomp"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// nativeArch is an architecture as seccomp profiles name it, by GOARCH.
var nativeArch = map[string]specs.Arch{
	"amd64": specs.ArchX86_64, "arm64": specs.ArchAARCH64, "386": specs.ArchX86,
	"arm": specs.ArchARM, "ppc64le": specs.ArchPPC64LE, "s390x": specs.ArchS390X,
	"riscv64": specs.ArchRISCV64, "loong64": specs.ArchLOONGARCH64,
}

// SeccompRules are the OCI seccomp rules of Docker's default profile for a
// sandbox holding caps on a kernel and an architecture (a GOARCH name):
// rules that need a capability the sandbox lacks, another architecture or
// a newer kernel are left out, as Docker does, and the config's allowed
// and denied syscalls applied. The sandbox's filter is compiled from
// these rules, and `export oci` writes them, so that both mean the same.
// It fails only off Linux, where the profile is not defined.
func SeccompRules(cfg config.SeccompConfig, caps []string, kernel KernelVersion, goarch string) (*specs.LinuxSeccomp, error) {
	p := profiles.DefaultProfile()
	out := &specs.LinuxSeccomp{DefaultAction: p.DefaultAction, DefaultErrnoRet: p.DefaultErrnoRet}
	native := nativeArch[goarch]
	for _, a := range p.ArchMap {
		if a.Arch == native {
			out.Architectures = append([]specs.Arch{a.Arch}, a.SubArches...)
		}
	}
	var rules []specs.LinuxSyscall
	for _, r := range p.Syscalls {
		if ruleApplies(r, caps, kernel, goarch) {
			rules = append(rules, r.LinuxSyscall)
		}
	}
	out.Syscalls = adjustSeccompRules(rules, cfg.Allow, cfg.Deny)
	return out, nil
}

// ruleApplies evaluates a rule's includes and excludes.
func ruleApplies(r *profiles.Syscall, caps []string, kernel KernelVersion, goarch string) bool {
	if inc := r.Includes; inc != nil {
		if len(inc.Arches) > 0 && !slices.Contains(inc.Arches, goarch) {
			return false
		}
		for _, c := range inc.Caps {
			if !slices.Contains(caps, c) {
				return false
			}
		}
		if k := inc.MinKernel; k != nil && (kernel.Major < k.Kernel || kernel.Major == k.Kernel && kernel.Minor < k.Major) {
			return false
		}
	}
	if exc := r.Excludes; exc != nil {
		if slices.Contains(exc.Arches, goarch) {
			return false
		}
		for _, c := range exc.Caps {
			if slices.Contains(caps, c) {
				return false
			}
		}
	}
	return true
}
