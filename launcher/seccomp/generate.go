package seccomp

import (
	"slices"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/net/bpf"
)

// Offsets in struct seccomp_data: the syscall number, the audit
// architecture, and the six 64-bit arguments from argOffset on. The
// syscall tables cover little-endian architectures only, where an
// argument's low half comes first.
const (
	nrOffset   = 0
	archOffset = 4
	argOffset  = 16
)

// x32Bit marks the syscall numbers of the x32 ABI on x86-64.
const x32Bit = 0x40000000

// generate writes the program:
//
//	architecture check, syscall number, x32 check on x86-64
//	fast path: a binary search over the numbers allowed whatever the
//	  arguments, which returns allow (see rangeCheck)
//	one comparison of the number for each other syscall with rules,
//	  then the default action
//	one block for each of those, ending in a return
//
// Once a block has loaded an argument it never meets a comparison of the
// syscall number again: every block ends in a return.
func generate(calls []*syscallRules, def uint32, a *Arch, fast bool) ([]bpf.RawInstruction, error) {
	p := &program{}
	badArch, allow, x32 := p.newLabel(), p.newLabel(), p.newLabel()
	p.load(archOffset)
	p.jumpIf(opJumpEq, a.ID, next, badArch)
	p.load(nrOffset)
	isX86_64 := a.Name == "x86_64"
	if isX86_64 {
		p.jumpIf(opJumpGe, x32Bit, x32, next)
	}
	var fastNrs []uint32
	var rest []*syscallRules
	for _, s := range calls {
		if fast && s.always != nil && *s.always == retAllow {
			fastNrs = append(fastNrs, s.nr)
		} else {
			rest = append(rest, s)
		}
	}
	if len(fastNrs) > 0 {
		miss := p.newLabel()
		p.rangeCheck(numberRanges(fastNrs), allow, miss)
		p.place(miss)
	}
	blocks := make([]label, len(rest))
	for i, s := range rest {
		blocks[i] = p.newLabel()
		p.jumpIf(opJumpEq, s.nr, blocks[i], next)
	}
	p.ret(def)
	for i, s := range rest {
		p.place(blocks[i])
		p.block(s, def)
	}
	p.place(allow)
	p.ret(retAllow)
	if isX86_64 {
		p.place(x32)
		p.ret(retErrno | errnoENOSYS)
	}
	p.place(badArch)
	p.ret(def)
	return p.assemble()
}

// block decides one syscall: its unconditional rule, or its conditional
// rules one after the other, then the default action.
func (p *program) block(s *syscallRules, def uint32) {
	if s.always != nil {
		p.ret(*s.always)
		return
	}
	match := p.newLabel()
	for i := 0; i < len(s.conds); {
		fail := p.newLabel()
		if n := equalRun(s.conds[i:]); n > 1 {
			p.anyEqual(s.conds[i:i+n], match, fail)
			i += n
		} else {
			p.allOf(s.conds[i].args, match, fail)
			i++
		}
		p.place(fail)
	}
	p.ret(def)
	p.place(match)
	p.ret(s.conds[0].action)
}

// equalRun is how many rules from the first on each compare the same
// argument for equality with a value of the same high half: Docker's
// socket and personality rules, one a value.
func equalRun(conds []condRule) int {
	first := conds[0].args
	n := 0
	for _, c := range conds {
		a := c.args
		if len(a) != 1 || a[0].Op != specs.OpEqualTo || len(first) != 1 || first[0].Op != specs.OpEqualTo ||
			a[0].Index != first[0].Index || a[0].Value>>32 != first[0].Value>>32 {
			break
		}
		n++
	}
	return n
}

// anyEqual goes to match when the argument equals the value of any of a
// run of rules that equalRun counted, else to fail: the high half is
// loaded and compared once, then each low half.
func (p *program) anyEqual(conds []condRule, match, fail label) {
	a := conds[0].args[0]
	lo := argOffset + 8*uint32(a.Index)
	p.load(lo + 4)
	p.jumpIf(opJumpEq, uint32(a.Value>>32), next, fail)
	p.load(lo)
	for i, c := range conds {
		other := next
		if i == len(conds)-1 {
			other = fail
		}
		p.jumpIf(opJumpEq, uint32(c.args[0].Value), match, other)
	}
}

// allOf goes to match when every comparison holds, else to fail.
func (p *program) allOf(args []specs.LinuxSeccompArg, match, fail label) {
	for i, a := range args {
		ok := match
		if i < len(args)-1 {
			ok = p.newLabel()
		}
		p.compare(a, ok, fail)
		if ok != match {
			p.place(ok)
		}
	}
}

// compare goes to ok when the 64-bit argument compares with the value as
// a says, else to fail: on the high halves first, and on the low ones
// where the high halves are equal.
func (p *program) compare(a specs.LinuxSeccompArg, ok, fail label) {
	lo := argOffset + 8*uint32(a.Index)
	hi := lo + 4
	v := a.Value
	vhi, vlo := uint32(v>>32), uint32(v)
	switch a.Op {
	case specs.OpEqualTo:
		p.load(hi)
		p.jumpIf(opJumpEq, vhi, next, fail)
		p.load(lo)
		p.jumpIf(opJumpEq, vlo, ok, fail)
	case specs.OpNotEqual:
		p.load(hi)
		p.jumpIf(opJumpEq, vhi, next, ok)
		p.load(lo)
		p.jumpIf(opJumpEq, vlo, fail, ok)
	case specs.OpGreaterThan, specs.OpGreaterEqual:
		p.load(hi)
		p.jumpIf(opJumpGt, vhi, ok, next)
		p.jumpIf(opJumpEq, vhi, next, fail)
		p.load(lo)
		p.jumpIf(lowJump(a.Op == specs.OpGreaterEqual), vlo, ok, fail)
	case specs.OpLessThan, specs.OpLessEqual: // not >= and not >
		p.load(hi)
		p.jumpIf(opJumpGt, vhi, fail, next)
		p.jumpIf(opJumpEq, vhi, next, ok)
		p.load(lo)
		p.jumpIf(lowJump(a.Op == specs.OpLessThan), vlo, fail, ok)
	case specs.OpMaskedEqual:
		// (arg & mask) == (value & mask), value being ValueTwo, as
		// libseccomp masks the value too.
		mask, want := v, a.ValueTwo&v
		if mhi := uint32(mask >> 32); mhi != 0 {
			p.load(hi)
			p.and(mhi)
			p.jumpIf(opJumpEq, uint32(want>>32), next, fail)
		}
		p.load(lo)
		p.and(uint32(mask))
		p.jumpIf(opJumpEq, uint32(want), ok, fail)
	}
}

// lowJump is the jump of a low half's comparison: >= when orEqual, else >.
func lowJump(orEqual bool) uint16 {
	if orEqual {
		return opJumpGe
	}
	return opJumpGt
}

// numberRange is an inclusive range of syscall numbers.
type numberRange struct{ lo, hi uint32 }

// numberRanges folds numbers into sorted, disjoint ranges.
func numberRanges(nrs []uint32) []numberRange {
	nrs = slices.Clone(nrs)
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

// rangeCheck is the fast path, a binary search of the syscall number (in
// A) over rs: a number in one of them goes to allow, any other to miss.
//
// Docker's profile allows some 350 syscalls whatever their arguments. One
// comparison each would make a program of some 500 instructions, which the
// kernel checks, compiles and, for its action cache, runs once for every
// syscall number at each start (about 0.5 ms); the numbers fold into a few
// dozen ranges, which a binary search checks in a handful of steps.
func (p *program) rangeCheck(rs []numberRange, allow, miss label) {
	if len(rs) == 1 {
		if rs[0].lo > 0 {
			p.jumpIf(opJumpGe, rs[0].lo, next, miss)
		}
		p.jumpIf(opJumpGt, rs[0].hi, miss, allow)
		return
	}
	mid := len(rs) / 2
	upper := p.newLabel()
	p.jumpIf(opJumpGe, rs[mid].lo, upper, next)
	p.rangeCheck(rs[:mid], allow, miss)
	p.place(upper)
	p.rangeCheck(rs[mid:], allow, miss)
}
