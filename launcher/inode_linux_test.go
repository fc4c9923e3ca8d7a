package launcher

import (
	"fmt"
	"os"
	"syscall"
	"testing"

	"github.com/hclsandbox/sandbox/isolation"
)

func inode(info os.FileInfo) uint64 { return info.Sys().(*syscall.Stat_t).Ino }

func capNumber(t *testing.T, name string) uint {
	n, ok := isolation.CapabilityNumber(name)
	if !ok {
		t.Fatalf("unknown capability %s", name)
	}
	return uint(n)
}

func hex16(v uint64) string { return fmt.Sprintf("%016x", v) }
