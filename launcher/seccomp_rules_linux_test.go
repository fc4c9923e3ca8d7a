//go:build linux

package launcher

import (
	"slices"
	"testing"

	"github.com/hclsandbox/sandbox/config"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// TestOCISeccomp checks the rules made from Docker's profile: the same
// includes as the compiled filter, with the sandbox's deny and allow lists.
func TestOCISeccomp(t *testing.T) {
	caps := capabilities(nil, nil)
	sc, err := SeccompRules(config.SeccompConfig{Allow: []string{"ptrace"}, Deny: []string{"mkdir"}}, caps, KernelVersion{6, 1}, "amd64")
	if err != nil {
		t.Fatal(err)
	}
	if sc.DefaultAction != specs.ActErrno || len(sc.Architectures) == 0 {
		t.Errorf("default %s, architectures %v; want errno and this architecture", sc.DefaultAction, sc.Architectures)
	}
	allowed := map[string]bool{}
	for _, r := range sc.Syscalls {
		if slices.Contains(r.Names, "mkdir") {
			t.Errorf("denied mkdir is in rule %+v", r)
		}
		if r.Action == specs.ActAllow && len(r.Args) == 0 {
			for _, n := range r.Names {
				allowed[n] = true
			}
		}
	}
	for _, n := range []string{"read", "ptrace", "mkdirat"} {
		if !allowed[n] {
			t.Errorf("%s is not allowed unconditionally", n)
		}
	}
	if allowed["mount"] || allowed["reboot"] {
		t.Errorf("mount or reboot allowed without CAP_SYS_ADMIN/CAP_SYS_BOOT")
	}
}
