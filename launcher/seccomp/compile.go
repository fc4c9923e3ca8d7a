package seccomp

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/net/bpf"
)

// Filter is a compiled seccomp filter.
type Filter struct {
	// Program is the classic BPF program to load with seccomp(2).
	Program []bpf.RawInstruction
	// Allowed is how many syscalls the rules allow, always or for some
	// arguments.
	Allowed int
}

// Compile compiles rules for the native ABI of goarch, a GOARCH name such
// as "amd64". Rules for syscalls the architecture lacks are left out, as
// runtimes do; rules whose meaning is not certain are refused (see the
// package documentation).
func Compile(rules *specs.LinuxSeccomp, goarch string) (*Filter, error) {
	return compile(rules, goarch, true)
}

// compile is Compile, with the fast path (see rangeCheck) or without.
func compile(rules *specs.LinuxSeccomp, goarch string, fast bool) (*Filter, error) {
	a, err := ArchOf(goarch)
	if err != nil || goarch == "" {
		return nil, fmt.Errorf("no syscall table for architecture %q", goarch)
	}
	def, err := actionValue(rules.DefaultAction, rules.DefaultErrnoRet)
	if err != nil {
		return nil, fmt.Errorf("default action: %w", err)
	}
	calls, err := collect(rules.Syscalls, def, a)
	if err != nil {
		return nil, err
	}
	prog, err := generate(calls, def, a, fast)
	if err != nil {
		return nil, err
	}
	f := &Filter{Program: prog}
	for _, c := range calls {
		if c.decides() == retAllow {
			f.Allowed++
		}
	}
	return f, nil
}

// syscallRules are the rules of one syscall.
type syscallRules struct {
	name   string
	nr     uint32
	always *uint32 // the action of its unconditional rule, if it has one
	conds  []condRule
}

// condRule is a rule that applies when all its comparisons hold.
type condRule struct {
	action uint32
	args   []specs.LinuxSeccompArg
}

// decides is the action of the syscall's unconditional rule, or else the
// one of its conditional rules.
func (s *syscallRules) decides() uint32 {
	if s.always != nil {
		return *s.always
	}
	return s.conds[0].action
}

// collect groups the rules by syscall number, in the order of the numbers.
// A rule with the default action changes nothing and is left out, as
// libseccomp refuses it and runtimes skip it.
func collect(rules []specs.LinuxSyscall, def uint32, a *Arch) ([]*syscallRules, error) {
	byNr := map[uint32]*syscallRules{}
	for _, r := range rules {
		act, err := actionValue(r.Action, r.ErrnoRet)
		if err == nil {
			err = checkArgs(r.Args)
		}
		if err != nil {
			return nil, fmt.Errorf("rule for %s: %w", strings.Join(r.Names, ", "), err)
		}
		if act == def {
			continue
		}
		for _, name := range r.Names {
			nr, ok := a.Number(name)
			if !ok {
				continue
			}
			s := byNr[uint32(nr)]
			if s == nil {
				s = &syscallRules{name: name, nr: uint32(nr)}
				byNr[uint32(nr)] = s
			}
			if err := s.add(act, r.Args); err != nil {
				return nil, fmt.Errorf("rules for %s: %w", name, err)
			}
		}
	}
	out := make([]*syscallRules, 0, len(byNr))
	for _, s := range byNr {
		if err := s.check(); err != nil {
			return nil, fmt.Errorf("rules for %s: %w", s.name, err)
		}
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b *syscallRules) int { return cmp.Compare(a.nr, b.nr) })
	return out, nil
}

func (s *syscallRules) add(act uint32, args []specs.LinuxSeccompArg) error {
	if len(args) > 0 {
		s.conds = append(s.conds, condRule{act, args})
		return nil
	}
	if s.always != nil && *s.always != act {
		return errors.New("unconditional rules with different actions")
	}
	s.always = &act
	return nil
}

// check refuses conditional rules of different actions, unless an
// unconditional rule makes them moot.
func (s *syscallRules) check() error {
	if s.always != nil {
		return nil
	}
	for _, c := range s.conds[1:] {
		if c.action != s.conds[0].action {
			return errors.New("conditional rules with different actions")
		}
	}
	return nil
}

// checkArgs accepts comparisons of distinct arguments 0 to 5 by an
// operator libseccomp knows.
func checkArgs(args []specs.LinuxSeccompArg) error {
	var seen [6]bool
	for _, a := range args {
		if a.Index > 5 {
			return fmt.Errorf("no argument %d: a syscall has six", a.Index)
		}
		if seen[a.Index] {
			return fmt.Errorf("two comparisons of argument %d, which runtimes read differently", a.Index)
		}
		seen[a.Index] = true
		switch a.Op {
		case specs.OpEqualTo, specs.OpNotEqual, specs.OpLessThan, specs.OpLessEqual,
			specs.OpGreaterThan, specs.OpGreaterEqual, specs.OpMaskedEqual:
		default:
			return fmt.Errorf("unsupported comparison %q", a.Op)
		}
	}
	return nil
}
