package seccomp

import (
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/elastic/go-seccomp-bpf/arch"
	"github.com/hclsandbox/sandbox/launcher/seccomp/seccomptest"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// largeRules allows most syscalls of x86-64 whatever their arguments, in
// ranges with holes, and gives the rest argument checks or an errno.
func largeRules() *specs.LinuxSeccomp {
	info, _ := arch.GetInfo("amd64")
	var always, errs []string
	rules := &specs.LinuxSeccomp{DefaultAction: specs.ActErrno}
	for name, nr := range info.SyscallNames {
		switch {
		case nr%5 != 0:
			always = append(always, name)
		case nr%10 == 0:
			errs = append(errs, name)
		default:
			rules.Syscalls = append(rules.Syscalls, specs.LinuxSyscall{Names: []string{name}, Action: specs.ActAllow,
				Args: []specs.LinuxSeccompArg{cmpArg(0, specs.OpEqualTo, uint64(nr))}})
		}
	}
	sort.Strings(always)
	sort.Strings(errs)
	return &specs.LinuxSeccomp{DefaultAction: specs.ActErrno, Syscalls: append(rules.Syscalls,
		specs.LinuxSyscall{Names: always, Action: specs.ActAllow},
		specs.LinuxSyscall{Names: errs, Action: specs.ActErrno, ErrnoRet: errno(38)})}
}

// TestFastPathSameDecisions runs the program with the fast path and the
// plain one on every syscall number, on both entries and architectures,
// with argument values the rules test and random ones: both must decide
// the same every time, and the fast one must be shorter.
func TestFastPathSameDecisions(t *testing.T) {
	for name, rules := range map[string]*specs.LinuxSeccomp{
		"large":  largeRules(),
		"socket": ruleSets["socket families, as Docker's profile allows them, and more"],
	} {
		t.Run(name, func(t *testing.T) {
			fast, err := compile(rules, "amd64", true)
			if err != nil {
				t.Fatal(err)
			}
			plain, err := compile(rules, "amd64", false)
			if err != nil {
				t.Fatal(err)
			}
			if len(fast.Program) >= len(plain.Program) {
				t.Errorf("the fast path did not shorten the program: %d instructions, plain %d", len(fast.Program), len(plain.Program))
			}
			t.Logf("%d instructions, plain %d", len(fast.Program), len(plain.Program))
			rnd := rand.New(rand.NewPCG(1, 2))
			args := []uint64{0, 1, 2, 8, 10, 16, 40, 0x20000, 0xffffffff, 1 << 32, 0x7e020000, ^uint64(0)}
			for range 8 {
				args = append(args, rnd.Uint64())
			}
			for _, a := range []uint32{seccomptest.ArchX86_64, seccomptest.ArchI386, seccomptest.ArchAARCH64} {
				for nr := uint32(0); nr < 600; nr++ {
					for _, x32 := range []uint32{0, x32Bit} {
						for _, v := range args {
							c := seccomptest.Call{Arch: a, Nr: nr | x32, Args: [6]uint64{v, rnd.Uint64()}}
							want, err1 := seccomptest.Run(plain.Program, c)
							got, err2 := seccomptest.Run(fast.Program, c)
							if err1 != nil || err2 != nil || got != want {
								t.Fatalf("arch %#x nr %d arg0 %#x: fast path returns %#x (%v), plain %#x (%v)", a, nr|x32, v, got, err2, want, err1)
							}
						}
					}
				}
			}
		})
	}
}
