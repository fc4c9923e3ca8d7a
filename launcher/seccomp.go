package launcher

import (
	"errors"
	"fmt"

	"github.com/hclsandbox/sandbox/isolation"
)

// KernelVersion is a kernel's major and minor version, as seccomp rules use it.
type KernelVersion struct{ Major, Minor uint64 }

// errSeccompOffLinux is why a plan made on another system has no filter.
var errSeccompOffLinux = errors.New("the seccomp filter is compiled on Linux only")

// SeccompSummary describes a filter in one line for `sandbox plan`.
func SeccompSummary(s *isolation.Seccomp) string {
	if s == nil {
		return "unconfined"
	}
	return fmt.Sprintf("%s profile: %d syscalls allowed, all others fail with EPERM; %d BPF instructions", s.Profile, s.Allowed, len(s.Program))
}
