package launcher

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/elastic/go-seccomp-bpf/arch"
	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/isolation"
	"github.com/hclsandbox/sandbox/launcher/seccomp/seccomptest"
	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// rawProgram is a filter's program as x/net/bpf instructions.
func rawProgram(f *isolation.Seccomp) []bpf.RawInstruction {
	out := make([]bpf.RawInstruction, len(f.Program))
	for i, in := range f.Program {
		out[i] = bpf.RawInstruction{Op: in.Code, Jt: in.Jt, Jf: in.Jf, K: in.K}
	}
	return out
}

// TestDefaultSeccompDecisions checks what the default filter decides for
// the calls that matter most, as Docker's profile means them: every
// address family it lists, its personas, clone without namespaces.
func TestDefaultSeccompDecisions(t *testing.T) {
	f, err := buildSeccomp(config.SeccompConfig{Profile: config.SeccompDefault}, isolation.DefaultCapabilities, KernelVersion{6, 1}, "amd64")
	if err != nil {
		t.Fatal(err)
	}
	const amd64, i386 = seccomptest.ArchX86_64, seccomptest.ArchI386
	eperm := uint32(unix.SECCOMP_RET_ERRNO | uint32(unix.EPERM))
	enosys := uint32(unix.SECCOMP_RET_ERRNO | uint32(unix.ENOSYS))
	allow := uint32(unix.SECCOMP_RET_ALLOW)
	cases := []struct {
		name     string
		arch, nr uint32
		arg0     uint64
		want     uint32
	}{
		{"read", amd64, unix.SYS_READ, 0, allow},
		{"mount", amd64, unix.SYS_MOUNT, 0, eperm},
		{"kexec_load", amd64, unix.SYS_KEXEC_LOAD, 0, eperm},
		{"clone3 (libc falls back to clone)", amd64, unix.SYS_CLONE3, 0, enosys},
		{"clone without namespace flags", amd64, unix.SYS_CLONE, uint64(unix.SIGCHLD), allow},
		{"clone with CLONE_NEWNS", amd64, unix.SYS_CLONE, unix.CLONE_NEWNS, eperm},
		{"clone with CLONE_NEWUSER", amd64, unix.SYS_CLONE, unix.CLONE_NEWUSER | uint64(unix.SIGCHLD), eperm},
		{"clone with a high half", amd64, unix.SYS_CLONE, 1<<32 | uint64(unix.SIGCHLD), allow},
		{"socket(AF_UNIX)", amd64, unix.SYS_SOCKET, unix.AF_UNIX, allow},
		{"socket(AF_INET)", amd64, unix.SYS_SOCKET, unix.AF_INET, allow},
		{"socket(AF_INET6)", amd64, unix.SYS_SOCKET, unix.AF_INET6, allow},
		{"socket(AF_NETLINK)", amd64, unix.SYS_SOCKET, unix.AF_NETLINK, allow},
		{"socket(AF_PACKET)", amd64, unix.SYS_SOCKET, unix.AF_PACKET, allow},
		{"socket(AF_XDP)", amd64, unix.SYS_SOCKET, unix.AF_XDP, allow},
		{"socket(AF_ALG)", amd64, unix.SYS_SOCKET, unix.AF_ALG, eperm},
		{"socket(AF_VSOCK)", amd64, unix.SYS_SOCKET, unix.AF_VSOCK, eperm},
		{"socket(AF_INET) with a high half", amd64, unix.SYS_SOCKET, 1<<32 | unix.AF_INET, eperm},
		{"personality(PER_LINUX)", amd64, unix.SYS_PERSONALITY, 0, allow},
		{"personality(PER_LINUX32)", amd64, unix.SYS_PERSONALITY, 8, allow},
		{"personality(UNAME26)", amd64, unix.SYS_PERSONALITY, 0x20000, allow},
		{"personality query", amd64, unix.SYS_PERSONALITY, 0xffffffff, allow},
		{"personality(READ_IMPLIES_EXEC)", amd64, unix.SYS_PERSONALITY, 0x400000, eperm},
		{"personality query with a high half", amd64, unix.SYS_PERSONALITY, ^uint64(0), eperm},
		{"x32 read", amd64, unix.SYS_READ | 0x40000000, 0, enosys},
		{"32-bit entry", i386, 3 /* read on i386 */, 0, eperm},
	}
	for _, tc := range cases {
		got, err := seccomptest.Run(rawProgram(f), seccomptest.Call{Arch: tc.arch, Nr: tc.nr, Args: [6]uint64{tc.arg0}})
		if err != nil || got != tc.want {
			t.Errorf("%s: filter returns %#x (%v), want %#x", tc.name, got, err, tc.want)
		}
	}
}

// TestSeccompMatchesProfileRules holds the compiled default filter against
// the rules it was compiled from (the rules `export oci` writes), for
// every syscall of x86-64 and the argument values the rules compare:
// whatever capabilities, kernel or changes chose the rules, every rule
// must keep its meaning.
func TestSeccompMatchesProfileRules(t *testing.T) {
	info, _ := arch.GetInfo("amd64")
	for _, tc := range []struct {
		name   string
		cfg    config.SeccompConfig
		caps   []string
		kernel KernelVersion
	}{
		{"default", config.SeccompConfig{}, isolation.DefaultCapabilities, KernelVersion{6, 1}},
		{"every capability", config.SeccompConfig{}, isolation.CapabilityNames(), KernelVersion{6, 1}},
		{"no capability, old kernel", config.SeccompConfig{}, nil, KernelVersion{4, 4}},
		{"with allow and deny", config.SeccompConfig{Allow: []string{"mount", "clone3", "personality"}, Deny: []string{"read", "socket", "clone"}},
			isolation.DefaultCapabilities, KernelVersion{6, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rules, err := SeccompRules(tc.cfg, tc.caps, tc.kernel, "amd64")
			if err != nil {
				t.Fatal(err)
			}
			f, err := buildSeccomp(tc.cfg, tc.caps, tc.kernel, "amd64")
			if err != nil {
				t.Fatal(err)
			}
			prog := rawProgram(f)
			rnd := rand.New(rand.NewPCG(1, 2))
			n := 0
			for name, nr := range info.SyscallNames {
				for _, args := range seccomptest.ArgVectors(rules, name, rnd, 2) {
					n++
					got, err := seccomptest.Run(prog, seccomptest.Call{Arch: seccomptest.ArchX86_64, Nr: uint32(nr), Args: args})
					if want := seccomptest.Decide(rules, name, args); err != nil || got != want {
						t.Errorf("%s%#x: the filter returns %#x (%v), the rules say %#x", name, args, got, err, want)
					}
				}
			}
			t.Logf("%d calls, %d instructions", n, len(f.Program))
		})
	}
}

// TestSeccompFailsClosed: a profile that does not compile (here, for an
// architecture without a syscall table) stops the sandbox: the plan
// records why, Start refuses it with exit code 125 before it makes
// anything, and nothing says "warning" and runs unfiltered.
func TestSeccompFailsClosed(t *testing.T) {
	h := *testHost
	h.Arch = "riscv64"
	s := &config.Sandbox{Name: "nofilter", Command: []string{"/bin/true"}, Namespaces: config.Namespaces}
	p := NewPlan(s, &h)
	if p.Spec.Seccomp != nil || !strings.Contains(p.SeccompError, "no syscall table") {
		t.Fatalf("plan for riscv64: seccomp %v, error %q; want no filter and the compile error", p.Spec.Seccomp, p.SeccompError)
	}
	for _, w := range p.Warnings() {
		if strings.Contains(w, "seccomp") {
			t.Errorf("the compile error is a warning, %q: the sandbox would run without its filter", w)
		}
	}
	if d := PlanDiagnostics(p, s); !d.HasErrors() || !strings.Contains(d.Error(), "does not compile") {
		t.Errorf("PlanDiagnostics = %v, want an error saying the filter does not compile", d)
	}
	if d := CheckPlan(s, &h); d.Error() != PlanDiagnostics(p, s).Error() {
		t.Errorf("CheckPlan = %v, want what PlanDiagnostics of the plan says", d)
	}
	proc, res, err := startPlan(t, p, Stdio{})
	if proc != nil || err != nil || res == nil || res.ExitCode != 125 || res.SetupError == nil ||
		!strings.Contains(res.SetupError.Error(), "refusing to start") {
		t.Fatalf("Start = %v, %+v, %v; want no process and exit 125 refusing to start", proc, res, err)
	}
	s.Security.Seccomp.Profile = config.SeccompUnconfined
	if p := NewPlan(s, &h); p.SeccompError != "" || PlanDiagnostics(p, s) != nil || CheckPlan(s, &h) != nil {
		t.Errorf("an unconfined sandbox on riscv64 has the error %q: it asks for no filter", p.SeccompError)
	}
}

// The filter WarmSeccomp compiles is the one a sandbox with the default
// profile and capabilities uses on this host: planning one after it
// compiles nothing more.
func TestWarmSeccompMatchesDefaultSandbox(t *testing.T) {
	seccompCache.Clear()
	t.Cleanup(seccompCache.Clear)
	warmSeccomp()
	s := &config.Sandbox{Name: "warm", Command: []string{"/bin/true"}, Namespaces: config.Namespaces}
	p := NewPlan(s, ProbeHost())
	if p.Spec.Seccomp == nil || p.SeccompError != "" {
		t.Fatalf("plan: seccomp %v, error %q; want the default filter", p.Spec.Seccomp, p.SeccompError)
	}
	n := 0
	seccompCache.Range(func(any, any) bool { n++; return true })
	if n != 1 {
		t.Errorf("%d filters compiled, want the warmed one alone", n)
	}
}
