//go:build linux

package launcher

import (
	"slices"

	seccompbpf "github.com/elastic/go-seccomp-bpf"
	"github.com/elastic/go-seccomp-bpf/arch"
	"golang.org/x/net/bpf"
)

// A compiled profile checks the syscall number against one rule after
// another. Docker's profile allows some 350 syscalls unconditionally, so
// the program runs to about 540 instructions, and loading it costs about
// 0.5 ms of every start: the kernel checks it, compiles it and, for its
// action cache, runs it once for every syscall number. The fast path
// below decides those syscalls up front with a binary search over ranges
// of numbers, and the rules keep only what the search cannot decide (the
// checks of arguments, the errno rules): a program a third of the size
// that returns what the full one returns for every syscall and argument.

// maxFastPath bounds the range check so that every jump in it stays
// within a conditional jump's 8-bit offset.
const maxFastPath = 250

// assembleFast assembles p with the fast path when it applies, else as is.
func assembleFast(p *seccompbpf.Policy, info *arch.Info) ([]bpf.Instruction, error) {
	fast := fastAllowed(p)
	if len(fast) == 0 {
		return p.Assemble()
	}
	reduced := *p
	reduced.Syscalls = nil
	for _, g := range p.Syscalls {
		g.Names = slices.DeleteFunc(slices.Clone(g.Names), func(n string) bool { return fast[n] })
		g.NamesWithCondtions = slices.DeleteFunc(slices.Clone(g.NamesWithCondtions),
			func(n seccompbpf.NameWithConditions) bool { return fast[n.Name] })
		if len(g.Names)+len(g.NamesWithCondtions) > 0 {
			reduced.Syscalls = append(reduced.Syscalls, g)
		}
	}
	insts, err := reduced.Assemble()
	if err != nil {
		return nil, err
	}
	var nrs []uint32
	for name := range fast {
		if nr, ok := info.SyscallNames[name]; ok {
			nrs = append(nrs, uint32(nr))
		}
	}
	block := rangeCheck(numberRanges(nrs))
	if prog, ok := splice(insts, block); ok {
		return prog, nil
	}
	return p.Assemble()
}

// fastAllowed lists the syscalls whose first rule allows them without a
// condition: the rule that decides them whatever their arguments.
func fastAllowed(p *seccompbpf.Policy) map[string]bool {
	seen := map[string]bool{}
	fast := map[string]bool{}
	for _, g := range p.Syscalls {
		for _, n := range g.NamesWithCondtions {
			if !slices.Contains(g.Names, n.Name) {
				seen[n.Name] = true
			}
		}
		for _, n := range g.Names {
			if !seen[n] {
				seen[n] = true
				fast[n] = g.Action == seccompbpf.ActionAllow
			}
		}
	}
	for n, ok := range fast {
		if !ok {
			delete(fast, n)
		}
	}
	return fast
}

// numberRange is an inclusive range of syscall numbers.
type numberRange struct{ lo, hi uint32 }

// numberRanges folds numbers into sorted, disjoint ranges.
func numberRanges(nrs []uint32) []numberRange {
	slices.Sort(nrs)
	var out []numberRange
	for _, n := range slices.Compact(nrs) {
		if k := len(out) - 1; k >= 0 && out[k].hi+1 == n {
			out[k].hi = n
			continue
		}
		out = append(out, numberRange{n, n})
	}
	return out
}

// Targets of the range check's jumps, resolved once its length is known.
const (
	toNext  = -1 // the following instruction
	toAllow = -2 // the check's last instruction, which allows
	toMiss  = -3 // the instruction after the check: the rules
)

// jump is a conditional jump of the range check with symbolic targets.
type jump struct {
	cond          bpf.JumpTest
	val           uint32
	ifTrue, ifNot int // an index in the check, or one of the targets above
}

// rangeCheck is a binary search of the syscall number (in A) over rs: a
// number in one of them returns allow, any other falls through.
func rangeCheck(rs []numberRange) []bpf.Instruction {
	var js []jump
	var tree func(rs []numberRange)
	tree = func(rs []numberRange) {
		if len(rs) == 1 {
			if rs[0].lo > 0 {
				js = append(js, jump{bpf.JumpGreaterOrEqual, rs[0].lo, toNext, toMiss})
			}
			js = append(js, jump{bpf.JumpGreaterThan, rs[0].hi, toMiss, toAllow})
			return
		}
		mid := len(rs) / 2
		at := len(js)
		js = append(js, jump{bpf.JumpGreaterOrEqual, rs[mid].lo, 0, toNext})
		tree(rs[:mid])
		js[at].ifTrue = len(js)
		tree(rs[mid:])
	}
	tree(rs)
	out := make([]bpf.Instruction, 0, len(js)+1)
	allow, miss := len(js), len(js)+1
	skip := func(i, target int) uint8 {
		switch target {
		case toNext:
			return 0
		case toAllow:
			target = allow
		case toMiss:
			target = miss
		}
		return uint8(target - i - 1)
	}
	for i, j := range js {
		out = append(out, bpf.JumpIf{Cond: j.cond, Val: j.val, SkipTrue: skip(i, j.ifTrue), SkipFalse: skip(i, j.ifNot)})
	}
	return append(out, bpf.RetConstant{Val: uint32(seccompbpf.ActionAllow)})
}

// splice puts block right before the rules of prog. prog opens with the
// architecture check, whose failure jumps to the default action at the
// end, the load of the syscall number and, on x86-64, the x32 check; the
// opening is made again with a long jump, which no rules can outgrow.
// splice reports false when prog does not open that way.
func splice(prog, block []bpf.Instruction) ([]bpf.Instruction, bool) {
	loadArch := bpf.Instruction(bpf.LoadAbsolute{Off: 4, Size: 4})
	loadNr := bpf.Instruction(bpf.LoadAbsolute{Off: 0, Size: 4})
	at := slices.Index(prog, loadNr)
	if len(block) > maxFastPath || at < 2 || prog[0] != loadArch {
		return nil, false
	}
	check, ok := prog[1].(bpf.JumpIf)
	if !ok || check.Cond != bpf.JumpNotEqual && check.Cond != bpf.JumpEqual {
		return nil, false
	}
	rules := prog[at+1:]
	var x32 []bpf.Instruction
	if j, ok := prog[at+1].(bpf.JumpIf); ok && j.Cond == bpf.JumpGreaterOrEqual && j.SkipFalse == 1 {
		if _, ok := prog[at+2].(bpf.RetConstant); ok {
			x32, rules = prog[at+1:at+3], prog[at+3:]
		}
	}
	if _, ok := rules[len(rules)-1].(bpf.RetConstant); !ok {
		return nil, false
	}
	out := []bpf.Instruction{loadArch,
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: check.Val, SkipTrue: 1},
		bpf.Jump{Skip: uint32(1 + len(x32) + len(block) + len(rules) - 1)}, // to the default action
		loadNr}
	out = append(out, x32...)
	out = append(out, block...)
	return append(out, rules...), true
}
