package receipt

import (
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/launcher"
)

// A receipt records the kernel's whole release as the host probe read it,
// and its version where the release is unknown.
func TestHostOfKernelRelease(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the host probe reads a Linux kernel")
	}
	b, err := os.ReadFile("/proc/sys/kernel/osrelease")
	if err != nil {
		t.Skip(err)
	}
	if got, want := HostOf(launcher.ProbeHost()).Kernel, strings.TrimSpace(string(b)); got != want {
		t.Errorf("kernel %q, want the release %q", got, want)
	}
	h := &launcher.Host{Kernel: launcher.KernelVersion{Major: 6, Minor: 1}}
	if got := HostOf(h).Kernel; got != "6.1" {
		t.Errorf("kernel of a host without a release %q, want 6.1", got)
	}
}
