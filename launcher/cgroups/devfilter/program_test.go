package devfilter

import (
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/launcher/cgroups"

	"github.com/cilium/ebpf/asm"
)

// request is what the kernel asks a device program: one access to one
// device.
type request struct {
	typ, access  uint32
	major, minor uint32
}

// run interprets the program on r, as the kernel would, for the few
// instructions Program emits; it fails the test on any other.
func run(t *testing.T, insns asm.Instructions, r request) uint64 {
	t.Helper()
	labels := map[string]int{}
	for i, ins := range insns {
		if s := ins.Symbol(); s != "" {
			labels[s] = i
		}
	}
	ctx := map[int16]uint64{ctxAccessType: uint64(r.access<<16 | r.typ), ctxMajor: uint64(r.major), ctxMinor: uint64(r.minor)}
	var reg [11]uint64
	for pc, steps := 0, 0; pc < len(insns) && steps < 1000; steps++ {
		ins := insns[pc]
		op := ins.OpCode
		pc++
		switch {
		case op.Class() == asm.LdXClass && op.Size() == asm.Word:
			reg[ins.Dst] = ctx[ins.Offset]
		case op.Class() == asm.ALUClass && op.Source() == asm.ImmSource:
			v, imm := uint32(reg[ins.Dst]), uint32(ins.Constant)
			switch op.ALUOp() {
			case asm.And:
				v &= imm
			case asm.RSh:
				v >>= imm
			case asm.Mov:
				v = imm
			default:
				t.Fatalf("unexpected instruction %v", ins)
			}
			reg[ins.Dst] = uint64(v)
		case op.JumpOp() == asm.Exit:
			return reg[asm.R0]
		case op.Class() == asm.JumpClass && op.Source() == asm.ImmSource:
			taken := false
			switch op.JumpOp() {
			case asm.JNE:
				taken = reg[ins.Dst] != uint64(ins.Constant)
			case asm.JSet:
				taken = reg[ins.Dst]&uint64(ins.Constant) != 0
			default:
				t.Fatalf("unexpected instruction %v", ins)
			}
			if taken {
				target, ok := labels[ins.Reference()]
				if !ok {
					t.Fatalf("jump to unknown label %q", ins.Reference())
				}
				pc = target
			}
		default:
			t.Fatalf("unexpected instruction %v", ins)
		}
	}
	t.Fatal("the program ran off its end or looped")
	return 0
}

func TestProgramDefaultDevices(t *testing.T) {
	insns, err := Program(cgroups.DefaultDevices)
	if err != nil {
		t.Fatal(err)
	}
	const c, b = devChar, devBlock
	for _, tc := range []struct {
		name string
		r    request
		want uint64
	}{
		{"read /dev/null", request{c, accRead, 1, 3}, 1},
		{"write /dev/null", request{c, accWrite, 1, 3}, 1},
		{"read and write /dev/zero", request{c, accRead | accWrite, 1, 5}, 1},
		{"mknod /dev/full", request{c, accMknod, 1, 7}, 1},
		{"read /dev/random", request{c, accRead, 1, 8}, 1},
		{"read /dev/urandom", request{c, accRead, 1, 9}, 1},
		{"open /dev/tty", request{c, accRead | accWrite, 5, 0}, 1},
		{"open /dev/ptmx", request{c, accRead | accWrite, 5, 2}, 1},
		{"open /dev/pts/0", request{c, accRead | accWrite, 136, 0}, 1},
		{"open /dev/pts/4242", request{c, accRead | accWrite, 136, 4242}, 1},
		{"read /dev/mem", request{c, accRead, 1, 1}, 0},
		{"read /dev/kmsg", request{c, accRead, 1, 11}, 0},
		{"open /dev/console", request{c, accRead | accWrite, 5, 1}, 0},
		{"open /dev/net/tun", request{c, accRead | accWrite, 10, 200}, 0},
		{"a block device with null's numbers", request{b, accRead, 1, 3}, 0},
		{"read a disk", request{b, accRead, 8, 0}, 0},
		{"write a loop device", request{b, accWrite, 7, 0}, 0},
		{"mknod a disk", request{b, accMknod, 254, 0}, 0},
		{"pts's major as a block device", request{b, accRead, 136, 0}, 0},
		{"a minor of null's major", request{c, accRead, 1, 4}, 0},
	} {
		if got := run(t, insns, tc.r); got != tc.want {
			t.Errorf("%s (%+v): program returns %d, want %d", tc.name, tc.r, got, tc.want)
		}
	}
}

// TestProgramPartialAccess checks that a rule allows only the accesses it
// names, and a request only when all it asks is allowed.
func TestProgramPartialAccess(t *testing.T) {
	insns, err := Program([]cgroups.DeviceRule{{Type: "c", Major: 1, Minor: 3, Access: "r"}, {Type: "b", Major: 7, Minor: cgroups.AnyMinor, Access: "rw"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		r    request
		want uint64
	}{
		{request{devChar, accRead, 1, 3}, 1},
		{request{devChar, accWrite, 1, 3}, 0},
		{request{devChar, accRead | accWrite, 1, 3}, 0},
		{request{devChar, accMknod, 1, 3}, 0},
		{request{devBlock, accRead | accWrite, 7, 9}, 1},
		{request{devBlock, accMknod, 7, 9}, 0},
	} {
		if got := run(t, insns, tc.r); got != tc.want {
			t.Errorf("%+v: program returns %d, want %d", tc.r, got, tc.want)
		}
	}
}

func TestProgramEmptyDeniesAll(t *testing.T) {
	insns, err := Program(nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := run(t, insns, request{devChar, accRead, 1, 3}); got != 0 {
		t.Errorf("no rules: /dev/null allowed")
	}
}

func TestProgramBadRules(t *testing.T) {
	for _, tc := range []struct {
		rule cgroups.DeviceRule
		want string
	}{
		{cgroups.DeviceRule{Type: "a", Major: 1, Minor: 3, Access: "rwm"}, "neither c nor b"},
		{cgroups.DeviceRule{Type: "c", Major: 1, Minor: 3, Access: "rx"}, "none of r, w, m"},
		{cgroups.DeviceRule{Type: "c", Major: 1, Minor: 3, Access: ""}, "allows nothing"},
		{cgroups.DeviceRule{Type: "c", Major: -1, Minor: 3, Access: "r"}, "out of range"},
		{cgroups.DeviceRule{Type: "c", Major: 1, Minor: 1 << 40, Access: "r"}, "out of range"},
	} {
		if _, err := Program([]cgroups.DeviceRule{tc.rule}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Program(%+v) = %v, want an error with %q", tc.rule, err, tc.want)
		}
	}
}
