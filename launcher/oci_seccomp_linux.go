//go:build linux

package launcher

import (
	"runtime"

	"github.com/hclsandbox/sandbox/config"
	profiles "github.com/moby/profiles/seccomp"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// nativeArch is this architecture as seccomp profiles name it.
var nativeArch = map[string]specs.Arch{
	"amd64": specs.ArchX86_64, "arm64": specs.ArchAARCH64, "386": specs.ArchX86,
	"arm": specs.ArchARM, "ppc64le": specs.ArchPPC64LE, "s390x": specs.ArchS390X,
	"riscv64": specs.ArchRISCV64, "loong64": specs.ArchLOONGARCH64,
}

// ociSeccomp converts Docker's default profile into OCI seccomp rules for a
// sandbox holding caps on a kernel: the same rules buildSeccomp compiles,
// chosen by the same includes and excludes, with the config's changes.
func ociSeccomp(cfg config.SeccompConfig, caps []string, kernel KernelVersion) (*specs.LinuxSeccomp, error) {
	p := profiles.DefaultProfile()
	out := &specs.LinuxSeccomp{DefaultAction: p.DefaultAction, DefaultErrnoRet: p.DefaultErrnoRet}
	native := nativeArch[runtime.GOARCH]
	for _, a := range p.ArchMap {
		if a.Arch == native {
			out.Architectures = append([]specs.Arch{a.Arch}, a.SubArches...)
		}
	}
	var rules []specs.LinuxSyscall
	for _, r := range p.Syscalls {
		if ruleApplies(r, caps, kernel) {
			rules = append(rules, r.LinuxSyscall)
		}
	}
	out.Syscalls = adjustSeccompRules(rules, cfg.Allow, cfg.Deny)
	return out, nil
}
