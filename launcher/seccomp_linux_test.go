package launcher

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/isolation"
	profiles "github.com/moby/profiles/seccomp"
	specs "github.com/opencontainers/runtime-spec/specs-go"
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

// TestFastPathSameDecisions runs the program with the fast path and the
// plain one on every syscall number, on both entries and architectures,
// with argument values the profile's rules test and random ones: both
// must decide the same every time.
func TestFastPathSameDecisions(t *testing.T) {
	deny := &profiles.Syscall{LinuxSyscall: specs.LinuxSyscall{Names: []string{"read", "socket", "clone"}, Action: specs.ActErrno}}
	allow := &profiles.Syscall{LinuxSyscall: specs.LinuxSyscall{Names: []string{"mount", "read"}, Action: specs.ActAllow}}
	withChanges := profiles.DefaultProfile()
	withChanges.Syscalls = append(append([]*profiles.Syscall{deny}, withChanges.Syscalls...), allow)
	for _, tc := range []struct {
		name string
		p    *profiles.Seccomp
		caps []string
	}{
		{"default", profiles.DefaultProfile(), isolation.DefaultCapabilities},
		{"every capability", profiles.DefaultProfile(), isolation.CapabilityNames()},
		{"with deny and allow", withChanges, isolation.DefaultCapabilities},
	} {
		t.Run(tc.name, func(t *testing.T) {
			policy, _, info, err := profilePolicy(tc.p, tc.caps, KernelVersion{6, 1})
			if err != nil {
				t.Fatal(err)
			}
			plain, err := policy.Assemble()
			if err != nil {
				t.Fatal(err)
			}
			fast, err := assembleFast(policy, info)
			if err != nil {
				t.Fatal(err)
			}
			if len(fast) >= len(plain) {
				t.Errorf("the fast path did not shorten the program: %d instructions, plain %d", len(fast), len(plain))
			}
			t.Logf("%d instructions, plain %d", len(fast), len(plain))
			plainVM, err1 := bpf.NewVM(plain)
			fastVM, err2 := bpf.NewVM(fast)
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			rnd := rand.New(rand.NewPCG(1, 2))
			args := []uint64{0, 1, 2, 8, 10, 16, 40, 0x20000, 0x20008, 0xffffffff, 1 << 32, uint64(unix.SIGCHLD),
				unix.CLONE_NEWNS, unix.CLONE_NEWUSER, unix.CLONE_NEWNET | uint64(unix.SIGCHLD), ^uint64(0)}
			for range 8 {
				args = append(args, rnd.Uint64())
			}
			for _, arch := range []uint32{unix.AUDIT_ARCH_X86_64, unix.AUDIT_ARCH_I386, unix.AUDIT_ARCH_AARCH64} {
				for nr := uint32(0); nr < 600; nr++ {
					for _, x32 := range []uint32{0, 0x40000000} {
						for _, a := range args {
							data := seccompData(nr|x32, arch, a, rnd.Uint64())
							want, _ := plainVM.Run(data)
							if got, _ := fastVM.Run(data); got != want {
								t.Fatalf("arch %#x nr %d arg0 %#x: fast path returns %#x, plain %#x", arch, nr|x32, a, got, want)
							}
						}
					}
				}
			}
		})
	}
}

// seccompData is struct seccomp_data for x/net/bpf's big-endian loads
// (see runFilter), with arg0 and arg1 set.
func seccompData(nr, arch uint32, arg0, arg1 uint64) []byte {
	data := make([]byte, 64)
	binary.BigEndian.PutUint32(data[0:], nr)
	binary.BigEndian.PutUint32(data[4:], arch)
	binary.BigEndian.PutUint32(data[16:], uint32(arg0))
	binary.BigEndian.PutUint32(data[20:], uint32(arg0>>32))
	binary.BigEndian.PutUint32(data[24:], uint32(arg1))
	binary.BigEndian.PutUint32(data[28:], uint32(arg1>>32))
	return data
}
