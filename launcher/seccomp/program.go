package seccomp

import (
	"fmt"

	"golang.org/x/net/bpf"
)

// The classic BPF instructions a filter uses (linux/bpf_common.h).
const (
	opLoad   = 0x20 // BPF_LD|BPF_W|BPF_ABS: A = the 32-bit word at offset K of struct seccomp_data
	opAnd    = 0x54 // BPF_ALU|BPF_AND|BPF_K: A &= K
	opJump   = 0x05 // BPF_JMP|BPF_JA: skip K instructions
	opJumpEq = 0x15 // BPF_JMP|BPF_JEQ|BPF_K: A == K ? skip jt : skip jf
	opJumpGt = 0x25 // BPF_JMP|BPF_JGT|BPF_K: A > K
	opJumpGe = 0x35 // BPF_JMP|BPF_JGE|BPF_K: A >= K
	opReturn = 0x06 // BPF_RET|BPF_K: return K
)

// maxInstructions is the kernel's limit on a filter (BPF_MAXINSNS).
const maxInstructions = 4096

// maxCondJump is the farthest a conditional jump reaches (8 bits).
const maxCondJump = 255

// label names an instruction that jumps go to; next is the one that
// follows the jump.
type label int

const next label = 0

// program is a list of instructions whose jumps go to labels, which
// assemble turns into offsets.
type program struct {
	items  []item
	labels label
}

// item is an instruction, or a mark placing label at the instruction that
// follows it.
type item struct {
	ins    bpf.RawInstruction
	jt, jf label // the targets of a conditional jump; jt of an unconditional one
	mark   label
}

func (p *program) newLabel() label {
	p.labels++
	return p.labels
}

// place puts l at the next instruction added.
func (p *program) place(l label) { p.items = append(p.items, item{mark: l}) }

func (p *program) load(offset uint32) {
	p.items = append(p.items, item{ins: bpf.RawInstruction{Op: opLoad, K: offset}})
}

func (p *program) and(k uint32) {
	p.items = append(p.items, item{ins: bpf.RawInstruction{Op: opAnd, K: k}})
}

func (p *program) ret(k uint32) {
	p.items = append(p.items, item{ins: bpf.RawInstruction{Op: opReturn, K: k}})
}

// jumpIf compares A with k by op and goes to jt when true, else to jf.
func (p *program) jumpIf(op uint16, k uint32, jt, jf label) {
	p.items = append(p.items, item{ins: bpf.RawInstruction{Op: op, K: k}, jt: jt, jf: jf})
}

// assemble resolves the labels. Every jump goes forward, so the program
// is assembled from its end: when a jump is reached, where its targets lie
// is known. A target beyond a conditional jump's 8-bit reach gets an
// unconditional jump (32-bit reach) right after the conditional one.
func (p *program) assemble() ([]bpf.RawInstruction, error) {
	var rev []bpf.RawInstruction // the program from its end
	at := map[label]int{}        // label -> len(rev) where it was placed
	for i := len(p.items) - 1; i >= 0; i-- {
		it := p.items[i]
		if it.mark != 0 {
			at[it.mark] = len(rev)
			continue
		}
		switch it.ins.Op {
		case opJump:
			pos, err := position(at, it.jt, len(rev))
			if err != nil {
				return nil, err
			}
			it.ins.K = uint32(len(rev) - pos)
		case opJumpEq, opJumpGt, opJumpGe:
			var err error
			if rev, err = condJump(rev, at, &it); err != nil {
				return nil, err
			}
		}
		rev = append(rev, it.ins)
	}
	if len(rev) > maxInstructions {
		return nil, fmt.Errorf("the program has %d instructions, more than the kernel's %d", len(rev), maxInstructions)
	}
	out := make([]bpf.RawInstruction, len(rev))
	for i, in := range rev {
		out[len(rev)-1-i] = in
	}
	return out, nil
}

// position is where l lies, as the number of instructions from it to the
// end, for a jump that n instructions follow.
func position(at map[label]int, l label, n int) (int, error) {
	if l == next {
		return n, nil
	}
	pos, ok := at[l]
	if !ok {
		return 0, fmt.Errorf("assemble: a jump back or to a label never placed (%d)", l)
	}
	return pos, nil
}

// condJump sets the offsets of the conditional jump it, which rev will
// follow, and returns rev with the long jumps it needs.
func condJump(rev []bpf.RawInstruction, at map[label]int, it *item) ([]bpf.RawInstruction, error) {
	var pos [2]int
	for i, l := range []label{it.jt, it.jf} {
		var err error
		if pos[i], err = position(at, l, len(rev)); err != nil {
			return nil, err
		}
	}
	// A long jump for one target moves the other one away: repeat until
	// both reach (twice at most, as a long jump lies next to the jump).
	for far := true; far; {
		far = false
		for i := range pos {
			if len(rev)-pos[i] > maxCondJump {
				rev = append(rev, bpf.RawInstruction{Op: opJump, K: uint32(len(rev) - pos[i])})
				pos[i], far = len(rev), true
			}
		}
	}
	it.ins.Jt, it.ins.Jf = uint8(len(rev)-pos[0]), uint8(len(rev)-pos[1])
	return rev, nil
}
