package seccomp

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/elastic/go-seccomp-bpf/arch"
	"github.com/hclsandbox/sandbox/launcher/seccomp/seccomptest"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func errno(n uint) *uint { return &n }

func cmpArg(i uint, op specs.LinuxSeccompOperator, v uint64) specs.LinuxSeccompArg {
	return specs.LinuxSeccompArg{Index: i, Op: op, Value: v}
}

// ruleSets exercise every comparison, both halves of an argument, errno
// values, and the mix of unconditional and conditional rules.
var ruleSets = map[string]*specs.LinuxSeccomp{
	"socket families, as Docker's profile allows them, and more": {
		DefaultAction: specs.ActErrno, DefaultErrnoRet: errno(1),
		Syscalls: []specs.LinuxSyscall{
			{Names: []string{"read", "write", "getpid"}, Action: specs.ActAllow},
			{Names: []string{"socket"}, Action: specs.ActAllow, Args: []specs.LinuxSeccompArg{cmpArg(0, specs.OpLessThan, 3)}},
			{Names: []string{"socket"}, Action: specs.ActAllow, Args: []specs.LinuxSeccompArg{cmpArg(0, specs.OpEqualTo, 10)}},
			{Names: []string{"socket"}, Action: specs.ActAllow, Args: []specs.LinuxSeccompArg{cmpArg(0, specs.OpEqualTo, 16)}},
			{Names: []string{"socket"}, Action: specs.ActAllow, Args: []specs.LinuxSeccompArg{cmpArg(0, specs.OpEqualTo, 0x1_0000_0020)}},
			{Names: []string{"socket"}, Action: specs.ActAllow, Args: []specs.LinuxSeccompArg{cmpArg(0, specs.OpEqualTo, 0x1_0000_0021)}},
			{Names: []string{"socket"}, Action: specs.ActAllow, Args: []specs.LinuxSeccompArg{cmpArg(1, specs.OpEqualTo, 0x21)}},
			{Names: []string{"socket"}, Action: specs.ActAllow, Args: []specs.LinuxSeccompArg{cmpArg(0, specs.OpEqualTo, 0x22)}},
			{Names: []string{"socket"}, Action: specs.ActAllow, Args: []specs.LinuxSeccompArg{cmpArg(0, specs.OpGreaterThan, 0xffff_ffff_ffff_fff0)}},
			{Names: []string{"socket"}, Action: specs.ActAllow, Args: []specs.LinuxSeccompArg{cmpArg(0, specs.OpEqualTo, 0x23)}},
			{Names: []string{"personality"}, Action: specs.ActAllow, Args: []specs.LinuxSeccompArg{cmpArg(0, specs.OpEqualTo, 0)}},
			{Names: []string{"personality"}, Action: specs.ActAllow, Args: []specs.LinuxSeccompArg{cmpArg(0, specs.OpEqualTo, 0xffffffff)}},
			{Names: []string{"clone"}, Action: specs.ActAllow, Args: []specs.LinuxSeccompArg{{Index: 0, Op: specs.OpMaskedEqual, Value: 0x7e020000}}},
			{Names: []string{"clone3"}, Action: specs.ActErrno, ErrnoRet: errno(38)},
		},
	},
	"every comparison, with high halves": {
		DefaultAction: specs.ActErrno,
		Syscalls: []specs.LinuxSyscall{
			{Names: []string{"read"}, Action: specs.ActAllow, Args: []specs.LinuxSeccompArg{cmpArg(0, specs.OpNotEqual, 0x1_0000_0005)}},
			{Names: []string{"write"}, Action: specs.ActAllow, Args: []specs.LinuxSeccompArg{cmpArg(1, specs.OpGreaterThan, 0x2_0000_0010)}},
			{Names: []string{"open"}, Action: specs.ActAllow, Args: []specs.LinuxSeccompArg{cmpArg(2, specs.OpGreaterEqual, 0x1_ffff_fff0)}},
			{Names: []string{"close"}, Action: specs.ActAllow, Args: []specs.LinuxSeccompArg{cmpArg(3, specs.OpLessEqual, 0x3_0000_0000)}},
			{Names: []string{"stat"}, Action: specs.ActAllow, Args: []specs.LinuxSeccompArg{cmpArg(4, specs.OpLessThan, 0xffff_ffff_0000_0001)}},
			{Names: []string{"fstat"}, Action: specs.ActAllow, Args: []specs.LinuxSeccompArg{cmpArg(5, specs.OpEqualTo, 0x8000_0000_0000_0000)}},
			{Names: []string{"lstat"}, Action: specs.ActAllow, Args: []specs.LinuxSeccompArg{
				{Index: 1, Op: specs.OpMaskedEqual, Value: 0xff00_0000_00ff_0000, ValueTwo: 0x1200_0000_0034_0000}}},
			{Names: []string{"poll"}, Action: specs.ActAllow, Args: []specs.LinuxSeccompArg{
				{Index: 0, Op: specs.OpMaskedEqual, Value: 0xf0, ValueTwo: 0xfff}}}, // the value has bits outside the mask
			{Names: []string{"lseek"}, Action: specs.ActAllow, Args: []specs.LinuxSeccompArg{
				cmpArg(0, specs.OpGreaterThan, 2), cmpArg(1, specs.OpLessThan, 100), cmpArg(2, specs.OpNotEqual, 1)}},
			{Names: []string{"mmap"}, Action: specs.ActAllow, Args: []specs.LinuxSeccompArg{cmpArg(0, specs.OpGreaterEqual, 0)}},
			{Names: []string{"mprotect"}, Action: specs.ActAllow, Args: []specs.LinuxSeccompArg{cmpArg(0, specs.OpLessEqual, ^uint64(0))}},
		},
	},
	"actions, errnos, and rules that change nothing": {
		DefaultAction: specs.ActErrno, DefaultErrnoRet: errno(13),
		Syscalls: []specs.LinuxSyscall{
			{Names: []string{"read"}, Action: specs.ActErrno, ErrnoRet: errno(13)}, // the default: left out
			{Names: []string{"write"}, Action: specs.ActErrno},                     // EPERM
			{Names: []string{"open"}, Action: specs.ActKillProcess},
			{Names: []string{"close"}, Action: specs.ActKillThread},
			{Names: []string{"stat"}, Action: specs.ActTrap},
			{Names: []string{"fstat"}, Action: specs.ActLog},
			{Names: []string{"lstat"}, Action: specs.ActTrace, ErrnoRet: errno(5)},
			{Names: []string{"poll", "no_such_call", "arch_prctl"}, Action: specs.ActAllow},
			{Names: []string{"lseek"}, Action: specs.ActErrno, ErrnoRet: errno(0x10003)}, // 16 bits kept, as libseccomp
		},
	},
	"an unconditional rule decides over conditional ones": {
		DefaultAction: specs.ActErrno,
		Syscalls: []specs.LinuxSyscall{
			{Names: []string{"socket"}, Action: specs.ActAllow, Args: []specs.LinuxSeccompArg{cmpArg(0, specs.OpEqualTo, 10)}},
			{Names: []string{"socket"}, Action: specs.ActErrno, ErrnoRet: errno(97), Args: []specs.LinuxSeccompArg{cmpArg(0, specs.OpEqualTo, 40)}},
			{Names: []string{"socket", "clone"}, Action: specs.ActAllow},
			{Names: []string{"clone"}, Action: specs.ActErrno, ErrnoRet: errno(38), Args: []specs.LinuxSeccompArg{cmpArg(0, specs.OpEqualTo, 0)}},
		},
	},
	"a default that allows": {
		DefaultAction: specs.ActAllow,
		Syscalls: []specs.LinuxSyscall{
			{Names: []string{"mount", "umount2"}, Action: specs.ActErrno},
			{Names: []string{"read"}, Action: specs.ActAllow},
			{Names: []string{"ioctl"}, Action: specs.ActErrno, Args: []specs.LinuxSeccompArg{
				{Index: 1, Op: specs.OpMaskedEqual, Value: 0xffffffff, ValueTwo: 0x5412}}},
		},
	},
}

// TestCompileMatchesRules runs each compiled program on every syscall of
// x86-64, with the argument values its rules compare, their neighbours
// and random ones, and requires what the rules decide.
func TestCompileMatchesRules(t *testing.T) {
	info, _ := arch.GetInfo("amd64")
	for name, rules := range ruleSets {
		for _, fast := range []bool{true, false} {
			f, err := compile(rules, "amd64", fast)
			if err != nil {
				t.Fatalf("%s: compile: %v", name, err)
			}
			rnd := rand.New(rand.NewPCG(1, 2))
			for call, nr := range info.SyscallNames {
				for _, args := range seccomptest.ArgVectors(rules, call, rnd, 4) {
					got, err := seccomptest.Run(f.Program, seccomptest.Call{Arch: seccomptest.ArchX86_64, Nr: uint32(nr), Args: args})
					if err != nil {
						t.Fatalf("%s: run: %v", name, err)
					}
					if want := seccomptest.Decide(rules, call, args); got != want {
						t.Errorf("%s (fast path %v): %s%#x returns %#x, the rules say %#x", name, fast, call, args, got, want)
					}
				}
			}
		}
	}
}

// TestCompileOtherABIs: a call of another architecture gets the default
// action; an x32 call on x86-64 fails with ENOSYS.
func TestCompileOtherABIs(t *testing.T) {
	rules := ruleSets["socket families, as Docker's profile allows them, and more"]
	f, err := Compile(rules, "amd64")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		what string
		call seccomptest.Call
		want uint32
	}{
		{"read", seccomptest.Call{Arch: seccomptest.ArchX86_64, Nr: 0}, retAllow},
		{"read of i386 (getpid there)", seccomptest.Call{Arch: seccomptest.ArchI386, Nr: 20}, retErrno | 1},
		{"read of x32", seccomptest.Call{Arch: seccomptest.ArchX86_64, Nr: x32Bit}, retErrno | errnoENOSYS},
		{"syscall -1", seccomptest.Call{Arch: seccomptest.ArchX86_64, Nr: 0xffffffff}, retErrno | errnoENOSYS},
	} {
		if got, _ := seccomptest.Run(f.Program, tc.call); got != tc.want {
			t.Errorf("%s: %#x, want %#x", tc.what, got, tc.want)
		}
	}
	arm, err := Compile(rules, "arm64")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := seccomptest.Run(arm.Program, seccomptest.Call{Arch: seccomptest.ArchAARCH64, Nr: 63 /* read */}); got != retAllow {
		t.Errorf("read on arm64: %#x, want allow", got)
	}
	if got, _ := seccomptest.Run(arm.Program, seccomptest.Call{Arch: seccomptest.ArchX86_64, Nr: 0}); got != retErrno|1 {
		t.Errorf("an x86-64 call under the arm64 program: %#x, want the default action", got)
	}
}

func TestCompileAllowedCount(t *testing.T) {
	f, err := Compile(ruleSets["socket families, as Docker's profile allows them, and more"], "amd64")
	if err != nil {
		t.Fatal(err)
	}
	if f.Allowed != 6 { // read, write, getpid, socket, personality, clone
		t.Errorf("Allowed = %d, want 6", f.Allowed)
	}
}

// TestCompileRefuses: rules whose meaning is not certain, or that the
// compiler cannot express, are an error, never a guess.
func TestCompileRefuses(t *testing.T) {
	eq := func(i uint, v uint64) []specs.LinuxSeccompArg {
		return []specs.LinuxSeccompArg{cmpArg(i, specs.OpEqualTo, v)}
	}
	for _, tc := range []struct {
		what  string
		rules []specs.LinuxSyscall
		arch  string
		want  string
	}{
		{"conditional rules with different actions", []specs.LinuxSyscall{
			{Names: []string{"socket"}, Action: specs.ActAllow, Args: eq(0, 1)},
			{Names: []string{"socket"}, Action: specs.ActKillProcess, Args: eq(0, 2)}}, "amd64", "different actions"},
		{"unconditional rules with different actions", []specs.LinuxSyscall{
			{Names: []string{"read"}, Action: specs.ActAllow},
			{Names: []string{"read"}, Action: specs.ActKillProcess}}, "amd64", "different actions"},
		{"two comparisons of one argument", []specs.LinuxSyscall{
			{Names: []string{"read"}, Action: specs.ActAllow, Args: append(eq(0, 1), eq(0, 2)...)}}, "amd64", "two comparisons of argument 0"},
		{"a seventh argument", []specs.LinuxSyscall{
			{Names: []string{"read"}, Action: specs.ActAllow, Args: eq(6, 1)}}, "amd64", "no argument 6"},
		{"an unknown comparison", []specs.LinuxSyscall{
			{Names: []string{"read"}, Action: specs.ActAllow, Args: []specs.LinuxSeccompArg{{Op: "SCMP_CMP_LIKE"}}}}, "amd64", "unsupported comparison"},
		{"a listener's action", []specs.LinuxSyscall{
			{Names: []string{"read"}, Action: specs.ActNotify}}, "amd64", "unsupported action"},
		{"an errno for allow", []specs.LinuxSyscall{
			{Names: []string{"read"}, Action: specs.ActAllow, ErrnoRet: errno(1)}}, "amd64", "takes no errno"},
		{"an architecture without a table", []specs.LinuxSyscall{
			{Names: []string{"read"}, Action: specs.ActAllow}}, "riscv64", "no syscall table"},
		{"more instructions than the kernel takes", manyRules(1100, specs.OpNotEqual), "amd64", "more than the kernel's 4096"},
	} {
		_, err := Compile(&specs.LinuxSeccomp{DefaultAction: specs.ActErrno, Syscalls: tc.rules}, tc.arch)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Compile = %v, want an error saying %q", tc.what, err, tc.want)
		}
	}
}

// manyRules allows ioctl for n requests, one rule each, compared by op.
func manyRules(n int, op specs.LinuxSeccompOperator) []specs.LinuxSyscall {
	var out []specs.LinuxSyscall
	for i := range n {
		out = append(out, specs.LinuxSyscall{Names: []string{"ioctl"}, Action: specs.ActAllow,
			Args: []specs.LinuxSeccompArg{cmpArg(1, op, uint64(i))}})
	}
	return out
}

// TestCompileManyConditionalRules: a syscall with more rules than a
// conditional jump reaches across (long jumps), every one of them kept.
func TestCompileManyConditionalRules(t *testing.T) {
	for _, op := range []specs.LinuxSeccompOperator{specs.OpEqualTo, specs.OpGreaterThan} {
		rules := &specs.LinuxSeccomp{DefaultAction: specs.ActErrno, Syscalls: manyRules(300, op)}
		f, err := Compile(rules, "amd64")
		if err != nil {
			t.Fatal(err)
		}
		for _, req := range []uint64{0, 1, 150, 298, 299, 300, 1 << 32} {
			call := seccomptest.Call{Arch: seccomptest.ArchX86_64, Nr: 16 /* ioctl */, Args: [6]uint64{1, req}}
			got, _ := seccomptest.Run(f.Program, call)
			if want := seccomptest.Decide(rules, "ioctl", call.Args); got != want {
				t.Errorf("ioctl(1, %#x) %s: %#x, want %#x", req, op, got, want)
			}
		}
	}
}
