package launcher

import (
	"encoding/binary"
	"testing"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/isolation"
	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// runFilter runs a compiled filter on one syscall the way the kernel would,
// with x/net/bpf's interpreter. Its loads are big-endian where the kernel's
// are native, so each 32-bit word of struct seccomp_data is written
// big-endian at its native offset.
func runFilter(t *testing.T, f *isolation.Seccomp, arch uint32, nr uint32, arg0 uint64) uint32 {
	t.Helper()
	raw := make([]bpf.RawInstruction, len(f.Program))
	for i, in := range f.Program {
		raw[i] = bpf.RawInstruction{Op: in.Code, Jt: in.Jt, Jf: in.Jf, K: in.K}
	}
	insts, ok := bpf.Disassemble(raw)
	if !ok {
		t.Fatal("the filter does not disassemble")
	}
	vm, err := bpf.NewVM(insts)
	if err != nil {
		t.Fatalf("NewVM: %v", err)
	}
	data := make([]byte, 64) // nr, arch, ip, args[6]
	binary.BigEndian.PutUint32(data[0:], nr)
	binary.BigEndian.PutUint32(data[4:], arch)
	binary.BigEndian.PutUint32(data[16:], uint32(arg0))
	binary.BigEndian.PutUint32(data[20:], uint32(arg0>>32))
	ret, err := vm.Run(data)
	if err != nil {
		t.Fatalf("run filter: %v", err)
	}
	return uint32(ret)
}

func TestDefaultSeccompDecisions(t *testing.T) {
	f, err := buildSeccomp(config.SeccompConfig{Profile: config.SeccompDefault}, isolation.DefaultCapabilities, KernelVersion{6, 1})
	if err != nil {
		t.Fatal(err)
	}
	const amd64, i386 = unix.AUDIT_ARCH_X86_64, unix.AUDIT_ARCH_I386
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
		{"x32 read", amd64, unix.SYS_READ | 0x40000000, 0, enosys},
		{"32-bit entry", i386, 3 /* read on i386 */, 0, eperm},
	}
	for _, tc := range cases {
		if got := runFilter(t, f, tc.arch, tc.nr, tc.arg0); got != tc.want {
			t.Errorf("%s: filter returns %#x, want %#x", tc.name, got, tc.want)
		}
	}
}
