package launcher

import (
	"io/fs"
	"os"
	"runtime"

	"github.com/hclsandbox/sandbox/isolation"
	"github.com/hclsandbox/sandbox/launcher/cgroups"
	"github.com/hclsandbox/sandbox/launcher/network"
	"github.com/hclsandbox/sandbox/launcher/state"
)

// HostFS answers the questions planning asks about the host's files.
type HostFS interface {
	Lstat(name string) (fs.FileInfo, error)
	Readlink(name string) (string, error)
}

// Host holds the facts about the machine that a plan depends on. Tests pass
// a fake one; ProbeHost reads the real one.
type Host struct {
	// EUID and EGID are the launcher's effective user and group ids.
	EUID, EGID int
	// Term is the TERM of the launcher's environment, passed on to sandboxes.
	Term string
	// FS is the host's filesystem, consulted for the host view.
	FS HostFS
	// Cgroups is the host's cgroup layout.
	Cgroups cgroups.CgroupHost
	// Kernel is the running kernel's version; seccomp rules depend on it.
	// KernelRelease is its whole release, "6.1.0-18-amd64", which
	// receipts record; "" where it was not probed.
	Kernel        KernelVersion
	KernelRelease string
	// Arch is the machine's architecture as GOARCH names it; the seccomp
	// filter is compiled for it. Empty means the one this program runs on.
	Arch string
	// SubIDs are the subordinate id ranges of an unprivileged launcher's
	// user, read from /etc/subuid and /etc/subgid; nil for root.
	SubIDs *state.CallerIDs
	// Forwarding is the host's IPv4 forwarding, which a network with
	// outbound = true needs.
	Forwarding network.Forwarding

	// view is the host view's mounts, read once by ProbeHost so that
	// planning thousands of sandboxes does not stat the same directories
	// thousands of times; nil means read FS on each plan.
	view []isolation.Mount
}

// hostView is the mounts of the read-only host view, shared by every
// plan: a caller copies them before it changes one.
func (h *Host) hostView() []isolation.Mount {
	if h.view != nil {
		return h.view
	}
	return hostView(h.FS)
}

// GoArch is the host's architecture as a GOARCH name: Arch, or the
// running binary's when Arch is empty.
func (h *Host) GoArch() string {
	if h.Arch == "" {
		return runtime.GOARCH
	}
	return h.Arch
}

type osFS struct{}

func (osFS) Lstat(name string) (fs.FileInfo, error) { return os.Lstat(name) }
func (osFS) Readlink(name string) (string, error)   { return os.Readlink(name) }

// ProbeHost reads the facts of the running machine.
func ProbeHost() *Host {
	release := kernelRelease()
	h := &Host{EUID: os.Geteuid(), EGID: os.Getegid(), Term: os.Getenv("TERM"), FS: osFS{},
		Kernel: versionOf(release), KernelRelease: release, Arch: runtime.GOARCH, Forwarding: network.ProbeForwarding()}
	if h.EUID == 0 {
		h.Cgroups = cgroups.ProbeCgroups("/sys/fs/cgroup")
	} else {
		h.Cgroups = probeRootlessCgroups("/sys/fs/cgroup", os.LookupEnv)
		h.SubIDs, _ = state.SubIDSource{}.CallerSubIDs(h.EUID) // unreadable: no range
	}
	h.view = hostView(h.FS)
	return h
}
