package seccomp

import (
	"maps"
	"slices"
	"testing"

	"github.com/elastic/go-seccomp-bpf/arch"
)

// The generated tables hold what the package they are generated from
// holds, under every name it accepts: run go generate when it changes.
func TestArchTablesMatchSource(t *testing.T) {
	for _, name := range []string{"amd64", "x86_64", "386", "i386", "arm64", "aarch64", "arm", "AMD64", ""} {
		want, err := arch.GetInfo(name)
		if err != nil {
			t.Fatalf("%q: %v", name, err)
		}
		got, err := ArchOf(name)
		if err != nil {
			t.Fatalf("%q: %v", name, err)
		}
		if got.Name != want.Name || got.ID != uint32(want.ID) {
			t.Errorf("%q: %s %#x, want %s %#x", name, got.Name, got.ID, want.Name, uint32(want.ID))
		}
		names := slices.Collect(got.Names())
		if !slices.Equal(names, slices.Sorted(maps.Keys(want.SyscallNames))) {
			t.Errorf("%q: %d syscall names, want the %d of the source", name, len(names), len(want.SyscallNames))
		}
		for call, nr := range want.SyscallNames {
			if n, ok := got.Number(call); !ok || n != nr {
				t.Errorf("%q: %s is %d (%v), want %d", name, call, n, ok, nr)
			}
		}
	}
	for _, name := range []string{"x32", "ppc64le", "s390x", "riscv64", "x86-64", "amd"} {
		if a, err := ArchOf(name); err == nil {
			t.Errorf("%q: got the table of %s, want none", name, a.Name)
		}
	}
	if a, _ := ArchOf("amd64"); a != nil {
		if _, ok := a.Number("no_such_call"); ok {
			t.Error("a name that is no syscall has a number")
		}
	}
}
