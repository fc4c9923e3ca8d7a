//go:build linux

package launcher

import (
	"fmt"
	"runtime"
	"slices"
	"sync"

	seccompbpf "github.com/elastic/go-seccomp-bpf"
	"github.com/elastic/go-seccomp-bpf/arch"
	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/isolation"
	profiles "github.com/moby/profiles/seccomp"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// seccompCache holds compiled default filters by capability set and kernel,
// so that a batch of sandboxes compiles the profile once.
var seccompCache sync.Map // string -> *seccompResult

type seccompResult struct {
	filter *isolation.Seccomp
	err    error
}

// buildSeccomp compiles Docker's default profile for a sandbox holding caps
// on a kernel — rules that need a capability the sandbox lacks, another
// architecture or a newer kernel are left out, as Docker does — with the
// config's denied syscalls checked first and its allowed ones last.
func buildSeccomp(cfg config.SeccompConfig, caps []string, kernel KernelVersion) (*isolation.Seccomp, error) {
	key := fmt.Sprint(caps, kernel, cfg.Allow, cfg.Deny)
	if r, ok := seccompCache.Load(key); ok {
		res := r.(*seccompResult)
		return res.filter, res.err
	}
	p := profiles.DefaultProfile()
	if len(cfg.Deny) > 0 {
		deny := &profiles.Syscall{LinuxSyscall: specs.LinuxSyscall{Names: cfg.Deny, Action: specs.ActErrno}}
		p.Syscalls = append([]*profiles.Syscall{deny}, p.Syscalls...)
	}
	if len(cfg.Allow) > 0 {
		p.Syscalls = append(p.Syscalls, &profiles.Syscall{LinuxSyscall: specs.LinuxSyscall{Names: cfg.Allow, Action: specs.ActAllow}})
	}
	f, err := compileProfile(p, caps, kernel)
	if f != nil && len(cfg.Allow)+len(cfg.Deny) > 0 {
		f.Profile = "default with changes"
	}
	seccompCache.Store(key, &seccompResult{f, err})
	return f, err
}

// syscallNames is the set of syscall names of this architecture.
func syscallNames() map[string]bool {
	info, err := arch.GetInfo("")
	if err != nil {
		return nil
	}
	out := make(map[string]bool, len(info.SyscallNames))
	for n := range info.SyscallNames {
		out[n] = true
	}
	return out
}

// compileProfile turns a moby profile into a BPF program for this architecture.
func compileProfile(p *profiles.Seccomp, caps []string, kernel KernelVersion) (*isolation.Seccomp, error) {
	policy, allowed, info, err := profilePolicy(p, caps, kernel)
	if err != nil {
		return nil, err
	}
	prog, err := assemble(policy, info)
	if err != nil {
		return nil, err
	}
	return &isolation.Seccomp{Profile: "default", Allowed: allowed, Program: prog}, nil
}

// profilePolicy is the policy of the profile's rules that apply here, and
// the number of syscalls it allows in some case.
func profilePolicy(p *profiles.Seccomp, caps []string, kernel KernelVersion) (*seccompbpf.Policy, int, *arch.Info, error) {
	info, err := arch.GetInfo("")
	if err != nil {
		return nil, 0, nil, fmt.Errorf("seccomp for %s: %w", runtime.GOARCH, err)
	}
	policy := &seccompbpf.Policy{DefaultAction: seccompbpf.ActionErrno}
	decided := map[string]bool{} // the first unconditional rule for a name wins
	conditional := map[string]bool{}
	for _, rule := range p.Syscalls {
		if !ruleApplies(rule, caps, kernel) {
			continue
		}
		group, err := ruleGroup(rule, info)
		if err != nil {
			return nil, 0, nil, err
		}
		if group == nil {
			continue
		}
		for _, n := range rule.Names {
			if _, done := decided[n]; done {
				continue
			}
			if len(rule.Args) == 0 {
				decided[n] = rule.Action == specs.ActAllow
			} else if rule.Action == specs.ActAllow {
				conditional[n] = true
			}
		}
		policy.Syscalls = append(policy.Syscalls, *group)
	}
	n := 0
	for _, ok := range decided {
		if ok {
			n++
		}
	}
	for name := range conditional {
		if _, done := decided[name]; !done {
			n++
		}
	}
	return policy, n, info, nil
}

// ruleApplies evaluates a rule's includes and excludes.
func ruleApplies(r *profiles.Syscall, caps []string, kernel KernelVersion) bool {
	if inc := r.Includes; inc != nil {
		if len(inc.Arches) > 0 && !slices.Contains(inc.Arches, runtime.GOARCH) {
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
		if slices.Contains(exc.Arches, runtime.GOARCH) {
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

// enosysAction stands for "fail with ENOSYS" while assembling; the compiler
// knows only EPERM, so assemble rewrites it (no rule of ours traces).
const enosysAction = seccompbpf.ActionTrace

// ruleGroup converts one rule; names this architecture lacks are dropped.
func ruleGroup(r *profiles.Syscall, info *arch.Info) (*seccompbpf.SyscallGroup, error) {
	g := &seccompbpf.SyscallGroup{}
	switch {
	case r.Action == specs.ActAllow:
		g.Action = seccompbpf.ActionAllow
	case r.Action == specs.ActErrno && r.ErrnoRet != nil && *r.ErrnoRet == uint(unix.ENOSYS):
		g.Action = enosysAction
	case r.Action == specs.ActErrno:
		g.Action = seccompbpf.ActionErrno
	default:
		return nil, fmt.Errorf("seccomp rule for %v: unsupported action %s", r.Names, r.Action)
	}
	conds, err := conditions(r.Args)
	if err != nil {
		return nil, fmt.Errorf("seccomp rule for %v: %w", r.Names, err)
	}
	for _, name := range r.Names {
		if _, ok := info.SyscallNames[name]; !ok {
			continue
		}
		if len(conds) == 0 {
			g.Names = append(g.Names, name)
		} else {
			g.NamesWithCondtions = append(g.NamesWithCondtions, seccompbpf.NameWithConditions{Name: name, Conditions: conds})
		}
	}
	if len(g.Names)+len(g.NamesWithCondtions) == 0 {
		return nil, nil
	}
	return g, nil
}

// conditions converts argument checks; all of them must hold for a match.
func conditions(args []specs.LinuxSeccompArg) (seccompbpf.ArgumentConditions, error) {
	var out seccompbpf.ArgumentConditions
	for _, a := range args {
		c := seccompbpf.Condition{Argument: uint32(a.Index), Value: a.Value}
		switch {
		case a.Op == specs.OpEqualTo:
			c.Operation = seccompbpf.Equal
		case a.Op == specs.OpNotEqual:
			c.Operation = seccompbpf.NotEqual
		case a.Op == specs.OpLessThan:
			c.Operation = seccompbpf.LessThan
		case a.Op == specs.OpLessEqual:
			c.Operation = seccompbpf.LessOrEqual
		case a.Op == specs.OpGreaterThan:
			c.Operation = seccompbpf.GreaterThan
		case a.Op == specs.OpGreaterEqual:
			c.Operation = seccompbpf.GreaterOrEqual
		case a.Op == specs.OpMaskedEqual && a.ValueTwo == 0:
			c.Operation = seccompbpf.BitsNotSet // (arg & mask) == 0
		default:
			return nil, fmt.Errorf("unsupported argument check %s (value %#x, %#x)", a.Op, a.Value, a.ValueTwo)
		}
		out = append(out, c)
	}
	return out, nil
}

// bpfRetK is the opcode BPF_RET|BPF_K: return a constant.
const bpfRetK = 0x06

// assemble compiles the policy, with the fast path, and rewrites the
// ENOSYS placeholder.
func assemble(p *seccompbpf.Policy, info *arch.Info) ([]isolation.SockFilter, error) {
	insts, err := assembleFast(p, info)
	if err != nil {
		return nil, fmt.Errorf("assemble seccomp filter: %w", err)
	}
	raw, err := bpf.Assemble(insts)
	if err != nil {
		return nil, fmt.Errorf("assemble seccomp filter: %w", err)
	}
	out := make([]isolation.SockFilter, len(raw))
	for i, r := range raw {
		k := r.K
		if r.Op == bpfRetK && k == uint32(enosysAction) {
			k = unix.SECCOMP_RET_ERRNO | uint32(unix.ENOSYS)
		}
		out[i] = isolation.SockFilter{Code: r.Op, Jt: r.Jt, Jf: r.Jf, K: k}
	}
	return out, nil
}

// kernelVersion reads the running kernel's major and minor version.
func kernelVersion() KernelVersion {
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return KernelVersion{}
	}
	var k KernelVersion
	fmt.Sscanf(unix.ByteSliceToString(u.Release[:]), "%d.%d", &k.Major, &k.Minor)
	return k
}
