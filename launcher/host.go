package launcher

import (
	"io/fs"
	"os"

	"github.com/hclsandbox/sandbox/isolation"
)

// HostFS answers the questions planning asks about the host's files.
type HostFS interface {
	Lstat(name string) (fs.FileInfo, error)
	Readlink(name string) (string, error)
}

// Host holds the facts about the machine that a plan depends on. Tests pass
// a fake one; ProbeHost reads the real one.
type Host struct {
	// EUID is the launcher's effective user id.
	EUID int
	// Term is the TERM of the launcher's environment, passed on to sandboxes.
	Term string
	// FS is the host's filesystem, consulted for the host view.
	FS HostFS
	// Cgroups is the host's cgroup layout.
	Cgroups isolation.CgroupHost
	// Kernel is the running kernel's version; seccomp rules depend on it.
	Kernel KernelVersion
}

type osFS struct{}

func (osFS) Lstat(name string) (fs.FileInfo, error) { return os.Lstat(name) }
func (osFS) Readlink(name string) (string, error)   { return os.Readlink(name) }

// ProbeHost reads the facts of the running machine.
func ProbeHost() *Host {
	return &Host{EUID: os.Geteuid(), Term: os.Getenv("TERM"), FS: osFS{},
		Cgroups: isolation.ProbeCgroups("/sys/fs/cgroup"), Kernel: kernelVersion()}
}
