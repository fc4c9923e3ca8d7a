package explain

import (
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/isolation"
	"github.com/hclsandbox/sandbox/launcher/seccomp"
	"golang.org/x/net/bpf"
)

// What a seccomp filter returns (linux/seccomp.h).
const (
	retAction = 0xffff0000
	retErrno  = 0x00050000
	retAllow  = 0x7fff0000
)

// explainSyscall runs the plan's seccomp filter on the syscall, with every
// argument 0, and says which setting decided it.
func explainSyscall(in Input, name string) (*Answer, error) {
	s := in.Sandbox
	a := &Answer{What: name, Kind: "syscall"}
	sec := s.Security.Seccomp
	if in.Plan.Spec.Seccomp == nil {
		a.Answer = "allowed: no seccomp filter"
		a.step(where(s.Range("seccomp")), "seccomp = %q", config.SeccompUnconfined)
		return a, nil
	}
	table, err := seccomp.ArchOf(in.Arch)
	if err != nil {
		return nil, fmt.Errorf("syscall %s: %w", name, err)
	}
	nr, ok := table.Number(name)
	if !ok {
		return nil, fmt.Errorf("%q is not a path, capability, port, attribute or syscall of %s", name, table.Name)
	}
	ret, err := run(in.Plan.Spec.Seccomp.Program, table.ID, uint32(nr))
	if err != nil {
		return nil, fmt.Errorf("run the seccomp filter on %s: %w", name, err)
	}
	a.Answer = decision(ret) + " (with every argument 0)"
	switch {
	case slices.Contains(sec.Deny, name):
		a.step(where(s.Range("seccomp")), "seccomp denies %s", name)
	case slices.Contains(sec.Allow, name):
		a.step(where(s.Range("seccomp")), "seccomp allows %s", name)
	default:
		a.step(where(s.Range("seccomp")), "the default seccomp profile (Docker's, adjusted to the kept capabilities) decides %s", name)
		if ret&retAction != retAllow {
			a.step("", "add it with seccomp = { allow = [%q] } in the sandbox block", name)
		}
	}
	return a, nil
}

// decision names a filter's return value.
func decision(ret uint32) string {
	switch ret & retAction {
	case retAllow:
		return "allowed"
	case retErrno:
		if ret&0xffff == 1 {
			return "EPERM"
		}
		return fmt.Sprintf("fails with errno %d", ret&0xffff)
	}
	return fmt.Sprintf("filter action %#x", ret)
}

// run interprets a filter on a call of syscall nr of architecture arch.
// The interpreter's loads are big-endian where the kernel's are native
// (little-endian), so each word of struct seccomp_data is written
// big-endian at its native offset.
func run(prog isolation.Program, auditArch, nr uint32) (uint32, error) {
	raw := make([]bpf.RawInstruction, len(prog))
	for i, f := range prog {
		raw[i] = bpf.RawInstruction{Op: f.Code, Jt: f.Jt, Jf: f.Jf, K: f.K}
	}
	insts, ok := bpf.Disassemble(raw)
	if !ok {
		return 0, fmt.Errorf("the program holds an instruction the interpreter does not know")
	}
	vm, err := bpf.NewVM(insts)
	if err != nil {
		return 0, err
	}
	data := make([]byte, 64)
	binary.BigEndian.PutUint32(data[0:], nr)
	binary.BigEndian.PutUint32(data[4:], auditArch)
	out, err := vm.Run(data)
	return uint32(out), err
}
