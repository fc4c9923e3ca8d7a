// Package seccomptest holds compiled seccomp programs against their rules,
// for tests. Run runs a program as the kernel would; Decide says, in plain
// Go and apart from any compiler, what OCI seccomp rules decide for a call
// with the meaning libseccomp gives them (see package seccomp); ArgVectors
// picks the argument values worth trying. It is for tests only: no
// package that ships may import it, and it must never import seccomp's
// compiler, so that it checks the compiler rather than repeat it.
package seccomptest

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/net/bpf"
)

// Audit architectures (linux/audit.h).
const (
	ArchX86_64  = 0xc000003e
	ArchI386    = 0x40000003
	ArchAARCH64 = 0xc00000b7
)

// Call is a system call as a filter sees it: struct seccomp_data.
type Call struct {
	Arch uint32
	Nr   uint32
	Args [6]uint64
}

// Run runs prog on c with golang.org/x/net/bpf's interpreter and returns
// what the program returns. The interpreter's loads are big-endian where
// the kernel's are native (little-endian here), so each 32-bit word of
// struct seccomp_data is written big-endian at its native offset: a load
// reads the value the kernel would.
func Run(prog []bpf.RawInstruction, c Call) (uint32, error) {
	insts, ok := bpf.Disassemble(prog)
	if !ok {
		return 0, fmt.Errorf("the program holds an instruction the interpreter does not know")
	}
	vm, err := bpf.NewVM(insts)
	if err != nil {
		return 0, err
	}
	data := make([]byte, 64)
	binary.BigEndian.PutUint32(data[0:], c.Nr)
	binary.BigEndian.PutUint32(data[4:], c.Arch)
	for i, a := range c.Args {
		binary.BigEndian.PutUint32(data[16+8*i:], uint32(a))
		binary.BigEndian.PutUint32(data[20+8*i:], uint32(a>>32))
	}
	ret, err := vm.Run(data)
	return uint32(ret), err
}

// Decide is what rules decide for a call of the syscall name with args on
// the native ABI: the action of an unconditional rule for name, or else
// that of the first rule for name whose comparisons all hold, or else the
// default action. A rule with the default action counts for nothing.
func Decide(rules *specs.LinuxSeccomp, name string, args [6]uint64) uint32 {
	def := Action(rules.DefaultAction, rules.DefaultErrnoRet)
	var mine []specs.LinuxSyscall
	for _, r := range rules.Syscalls {
		if slices.Contains(r.Names, name) && Action(r.Action, r.ErrnoRet) != def {
			mine = append(mine, r)
		}
	}
	for _, r := range mine {
		if len(r.Args) == 0 {
			return Action(r.Action, r.ErrnoRet)
		}
	}
	for _, r := range mine {
		if allHold(r.Args, args) {
			return Action(r.Action, r.ErrnoRet)
		}
	}
	return def
}

func allHold(cmps []specs.LinuxSeccompArg, args [6]uint64) bool {
	for _, c := range cmps {
		if !holds(c, args[c.Index]) {
			return false
		}
	}
	return true
}

func holds(c specs.LinuxSeccompArg, x uint64) bool {
	switch c.Op {
	case specs.OpEqualTo:
		return x == c.Value
	case specs.OpNotEqual:
		return x != c.Value
	case specs.OpLessThan:
		return x < c.Value
	case specs.OpLessEqual:
		return x <= c.Value
	case specs.OpGreaterThan:
		return x > c.Value
	case specs.OpGreaterEqual:
		return x >= c.Value
	case specs.OpMaskedEqual:
		return x&c.Value == c.ValueTwo&c.Value
	}
	panic("seccomptest: unknown comparison " + string(c.Op))
}

// Action is what a filter returns for an action and its errno (nil: EPERM).
func Action(a specs.LinuxSeccompAction, errno *uint) uint32 {
	data := uint32(1)
	if errno != nil {
		data = uint32(*errno) & 0xffff
	}
	switch a {
	case specs.ActAllow:
		return 0x7fff0000
	case specs.ActErrno:
		return 0x00050000 | data
	case specs.ActKill, specs.ActKillThread:
		return 0
	case specs.ActKillProcess:
		return 0x80000000
	case specs.ActTrap:
		return 0x00030000
	case specs.ActTrace:
		return 0x7ff00000 | data
	case specs.ActLog:
		return 0x7ffc0000
	}
	panic("seccomptest: unknown action " + string(a))
}

// ArgVectors lists argument vectors worth trying for the syscall name,
// each once: zeroes; for every value a rule compares, that value, its
// neighbours and the same with the high half changed, in its argument; a
// vector that meets all of a rule's comparisons; and n random ones.
func ArgVectors(rules *specs.LinuxSeccomp, name string, rnd *rand.Rand, n int) [][6]uint64 {
	out := [][6]uint64{{}}
	for _, r := range rules.Syscalls {
		if !slices.Contains(r.Names, name) || len(r.Args) == 0 {
			continue
		}
		var all [6]uint64
		for _, c := range r.Args {
			for _, v := range near(c) {
				var a [6]uint64
				a[c.Index] = v
				out = append(out, a)
			}
			all[c.Index] = c.Value
			if c.Op == specs.OpMaskedEqual {
				all[c.Index] = c.ValueTwo & c.Value
			}
		}
		out = append(out, all)
	}
	for range n {
		var a [6]uint64
		for i := range a {
			a[i] = rnd.Uint64()
			if rnd.IntN(2) == 0 {
				a[i] &= 0xffffffff
			}
		}
		out = append(out, a)
	}
	return compact(out)
}

// compact removes repeated vectors, keeping the first of each.
func compact(vs [][6]uint64) [][6]uint64 {
	seen := map[[6]uint64]bool{}
	return slices.DeleteFunc(vs, func(v [6]uint64) bool {
		dup := seen[v]
		seen[v] = true
		return dup
	})
}

// near lists the values around those a comparison uses.
func near(c specs.LinuxSeccompArg) []uint64 {
	var out []uint64
	for _, v := range []uint64{c.Value, c.ValueTwo, c.ValueTwo & c.Value, c.ValueTwo | c.Value, c.ValueTwo &^ c.Value} {
		out = append(out, v, v-1, v+1, v^1<<32, v|1<<32, v&0xffffffff, v^1<<63, ^v)
	}
	return out
}
