package seccomp

import (
	"testing"

	"github.com/hclsandbox/sandbox/launcher/seccomp/seccomptest"
)

// TestAssembleLongJumps puts the targets of a conditional jump at every
// distance around a conditional jump's reach: each must still be reached.
func TestAssembleLongJumps(t *testing.T) {
	for gap1 := 250; gap1 < 262; gap1++ {
		for _, gap2 := range []int{0, 1, 250, 254, 255, 256, 600} {
			p := &program{}
			one, two := p.newLabel(), p.newLabel()
			p.load(nrOffset)
			p.jumpIf(opJumpEq, 1, one, two)
			for range gap1 {
				p.ret(0xdead)
			}
			p.place(one)
			p.ret(1)
			for range gap2 {
				p.ret(0xbeef)
			}
			p.place(two)
			p.ret(2)
			prog, err := p.assemble()
			if err != nil {
				t.Fatal(err)
			}
			for nr, want := range map[uint32]uint32{1: 1, 0: 2} {
				if got, err := seccomptest.Run(prog, seccomptest.Call{Nr: nr}); got != want || err != nil {
					t.Errorf("gaps %d, %d: nr %d returns %#x (%v), want %d", gap1, gap2, nr, got, err, want)
				}
			}
		}
	}
}

func TestAssembleRefusesBackwardJumps(t *testing.T) {
	p := &program{}
	back := p.newLabel()
	p.place(back)
	p.load(nrOffset)
	p.jumpIf(opJumpEq, 1, back, next)
	p.ret(0)
	if _, err := p.assemble(); err == nil {
		t.Error("assemble of a jump back = nil error")
	}
}
