package launcher

import (
	"fmt"

	"github.com/hclsandbox/sandbox/isolation"
)

// KernelVersion is a kernel's major and minor version, as seccomp rules use it.
type KernelVersion struct{ Major, Minor uint64 }

// seccompSummary lists what a filter denies for `sandbox plan`.
func seccompSummary(s *isolation.Seccomp) string {
	if s == nil {
		return "unconfined"
	}
	return fmt.Sprintf("%s profile: %d syscalls allowed, all others fail with EPERM; %d BPF instructions", s.Profile, s.Allowed, len(s.Program))
}
