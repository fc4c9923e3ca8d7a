package devfilter

import (
	"fmt"
	"math"
	"strings"

	"github.com/hclsandbox/sandbox/launcher/cgroups"

	"github.com/cilium/ebpf/asm"
)

// The fields of struct bpf_cgroup_dev_ctx, the program's context
// (include/uapi/linux/bpf.h), and the values they take.
const (
	ctxAccessType = 0 // u32: access << 16 | type
	ctxMajor      = 4 // u32
	ctxMinor      = 8 // u32

	devBlock = 1 // BPF_DEVCG_DEV_BLOCK
	devChar  = 2 // BPF_DEVCG_DEV_CHAR

	accMknod = 1 // BPF_DEVCG_ACC_MKNOD
	accRead  = 2 // BPF_DEVCG_ACC_READ
	accWrite = 4 // BPF_DEVCG_ACC_WRITE
	accAll   = accMknod | accRead | accWrite
)

// The registers the program keeps the request in.
const (
	regType   = asm.R2
	regAccess = asm.R3
	regMajor  = asm.R4
	regMinor  = asm.R5
)

// Program compiles rules into the instructions of a device program: a
// request (an open for reading, for writing, or a mknod, of one device) is
// allowed when one rule covers all of it, and denied otherwise. The rules
// are tried in order, each a block that jumps to the next on the first
// mismatch and returns 1 when all matched; after the last, 0.
func Program(rules []cgroups.DeviceRule) (asm.Instructions, error) {
	insns := asm.Instructions{
		asm.LoadMem(regType, asm.R1, ctxAccessType, asm.Word),
		asm.And.Imm32(regType, 0xffff),
		asm.LoadMem(regAccess, asm.R1, ctxAccessType, asm.Word),
		asm.RSh.Imm32(regAccess, 16),
		asm.LoadMem(regMajor, asm.R1, ctxMajor, asm.Word),
		asm.LoadMem(regMinor, asm.R1, ctxMinor, asm.Word),
	}
	for i, r := range rules {
		block, err := ruleBlock(r, label(i+1))
		if err != nil {
			return nil, fmt.Errorf("device rule %q: %w", r, err)
		}
		block[0] = block[0].WithSymbol(label(i))
		insns = append(insns, block...)
	}
	return append(insns,
		asm.Mov.Imm32(asm.R0, 0).WithSymbol(label(len(rules))),
		asm.Return(),
	), nil
}

// label names the block of rule i; the one after the last rule denies.
func label(i int) string { return fmt.Sprintf("rule%d", i) }

// ruleBlock is the block of one rule, which jumps to next on a mismatch.
func ruleBlock(r cgroups.DeviceRule, next string) (asm.Instructions, error) {
	typ, err := deviceType(r.Type)
	if err != nil {
		return nil, err
	}
	access, err := accessBits(r.Access)
	if err != nil {
		return nil, err
	}
	if r.Major < 0 || r.Major > math.MaxInt32 || r.Minor < cgroups.AnyMinor || r.Minor > math.MaxInt32 {
		return nil, fmt.Errorf("device number %d:%d out of range", r.Major, r.Minor)
	}
	block := asm.Instructions{
		asm.JNE.Imm(regType, typ, next),
		asm.JNE.Imm(regMajor, int32(r.Major), next),
	}
	if r.Minor != cgroups.AnyMinor {
		block = append(block, asm.JNE.Imm(regMinor, int32(r.Minor), next))
	}
	if access != accAll {
		// A request with any access the rule does not grant is not its.
		block = append(block, asm.JSet.Imm(regAccess, accAll&^access, next))
	}
	return append(block, asm.Mov.Imm32(asm.R0, 1), asm.Return()), nil
}

func deviceType(t string) (int32, error) {
	switch t {
	case "c":
		return devChar, nil
	case "b":
		return devBlock, nil
	}
	return 0, fmt.Errorf("device type %q is neither c nor b", t)
}

func accessBits(s string) (int32, error) {
	var bits int32
	for _, c := range s {
		i := strings.IndexRune("mrw", c)
		if i < 0 {
			return 0, fmt.Errorf("access %q: %q is none of r, w, m", s, c)
		}
		bits |= 1 << i
	}
	if bits == 0 {
		return 0, fmt.Errorf("access %q allows nothing", s)
	}
	return bits, nil
}
