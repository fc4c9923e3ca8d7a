package isolation

// Spec is the ordered list of steps the child performs before executing the
// target. It is plain data, sent to the child in a binary form (speccodec.go);
// `sandbox plan` prints it as JSON.
type Spec struct {
	// Root is the filesystem that becomes "/".
	Root Root `json:"root"`
	// Mounts are performed in order, inside the new root, before pivot_root.
	Mounts []Mount `json:"mounts"`
	// MaskedPaths are hidden after pivot_root: directories under an empty
	// read-only tmpfs, files under /dev/null.
	MaskedPaths []string `json:"masked_paths,omitempty"`
	// ReadonlyPaths are made read-only after pivot_root.
	ReadonlyPaths []string `json:"readonly_paths,omitempty"`
	// Hostname is set when the sandbox has its own UTS namespace.
	Hostname string `json:"hostname,omitempty"`
	// Capabilities are the only capabilities the target keeps (bounding,
	// permitted, effective); inheritable and ambient are always empty.
	Capabilities []string `json:"capabilities"`
	// User is the configured user ("UID", "UID:GID", "NAME" or
	// "NAME:GROUP"), resolved in the sandbox's own /etc/passwd and
	// /etc/group after pivot_root; "" keeps root.
	User string `json:"user,omitempty"`
	// NoNewPrivs sets PR_SET_NO_NEW_PRIVS, so setuid binaries and file
	// capabilities grant nothing.
	NoNewPrivs bool `json:"no_new_privs"`
	// Seccomp is the filter loaded last, just before execve; nil means none.
	Seccomp *Seccomp `json:"seccomp,omitempty"`
	// Cwd is the working directory of the target, inside the new root.
	Cwd string `json:"cwd"`
	// Args is the target's argv; Args[0] is looked up in the PATH of Env
	// inside the new root when it has no slash.
	Args []string `json:"args"`
	// Env is the target's complete environment, as KEY=VALUE.
	Env []string `json:"env"`
	// UnshareCgroup makes the child enter a new cgroup namespace once it has
	// read the spec, so that the sandbox's own cgroup, in which the child
	// was cloned, is its root.
	UnshareCgroup bool `json:"unshare_cgroup,omitempty"`
	// BecomeRoot makes the child take uid and gid 0 of its user namespace
	// and drop the caller's supplementary groups, first of all: set when
	// newuidmap and newgidmap wrote the maps after the child started, so
	// that its ids are whatever the maps made of the caller's.
	BecomeRoot bool `json:"become_root,omitempty"`
	// TimeOffsets, when set, puts the target in a new time namespace whose
	// monotonic and boot clocks are moved by these offsets (see
	// timens_linux.go); nil shares the host's clocks.
	TimeOffsets *TimeOffsets `json:"time_offsets,omitempty"`
	// OOMScoreAdj is written to /proc/self/oom_score_adj; it is always
	// written, so the launcher's own value never leaks in.
	OOMScoreAdj int `json:"oom_score_adj"`
	// Rlimits are set in order, after every other step but the exec.
	Rlimits []Rlimit `json:"rlimits,omitempty"`
	// Init keeps the child as PID 1 once every step is done: it starts the
	// target, forwards signals to it, reaps orphans and exits with the
	// target's status.
	Init bool `json:"init,omitempty"`
	// ExecServer is set by the launcher when it passes the init a
	// listening exec socket on ExecFD; it is not part of a printed plan.
	ExecServer bool `json:"exec_server,omitempty"`
	// Loopback brings up lo: the sandbox has a network namespace of its own.
	Loopback bool `json:"loopback,omitempty"`
	// Terminal is set by the launcher when its caller is on a terminal:
	// the child opens a pseudo-terminal of this size in the sandbox's own
	// devpts and makes it the target's controlling terminal and fds 0-2,
	// then sends its master on TerminalFD (see terminal_linux.go). It is
	// not part of a printed plan.
	Terminal *Winsize `json:"terminal,omitempty"`
}

// TimeOffsets are the offsets of a time namespace's clocks from the
// host's, in nanoseconds; either may be negative.
type TimeOffsets struct {
	Monotonic int64 `json:"monotonic_ns"`
	Boottime  int64 `json:"boottime_ns"`
}

// Winsize is a terminal's size in characters; zero leaves it unset.
type Winsize struct {
	Rows uint16 `json:"rows"`
	Cols uint16 `json:"cols"`
}

// Rlimit is one resource limit of the target, as setrlimit(2) takes it.
type Rlimit struct {
	// Name is the resource without RLIMIT_, lowercase: "nofile".
	Name string `json:"name"`
	// Soft and Hard are the limits; RlimInfinity is unlimited.
	Soft uint64 `json:"soft"`
	Hard uint64 `json:"hard"`
}

// RlimInfinity is an unlimited Rlimit value, RLIM_INFINITY.
const RlimInfinity = ^uint64(0)

// Root describes the filesystem that becomes the sandbox's "/".
type Root struct {
	// Source is the host directory bound as the root, or "" for a fresh tmpfs
	// that the mounts populate (the host view).
	Source string `json:"source,omitempty"`
	// Readonly makes "/" read-only once every mount is in place.
	Readonly bool `json:"readonly"`
	// Overlay mounts an overlay with Source as its read-only lower layer
	// instead of binding Source, so writes never reach Source.
	Overlay bool `json:"overlay,omitempty"`
	// Lower are more read-only lower layers of the overlay, below Source,
	// topmost first: the unpacked layers of an image. The launcher's store
	// made them, so they are trusted whole, as a Mount whose Beneath is "".
	Lower []string `json:"lower,omitempty"`
	// UserXattr mounts the overlay with userxattr: its layers mark
	// whiteouts and opaque directories with user.overlay.* xattrs, the form
	// an unprivileged unpacker can write, instead of trusted.overlay.*.
	UserXattr bool `json:"userxattr,omitempty"`
	// FuseOverlay is the host path of fuse-overlayfs, set when the root
	// is an overlay in a user namespace: where the kernel refuses that
	// mount (overlayfs in user namespaces came with Linux 5.11), the child
	// mounts the same layers with it instead (see fuseoverlay_linux.go).
	// It is FuseOverlayMissing where the fallback applies but
	// fuse-overlayfs is not installed: the refusal then says how to
	// install it.
	FuseOverlay string `json:"fuse_overlay,omitempty"`
	// StateDir is the host directory whose upper/ and work/ hold an
	// overlay's writes, kept across runs; "" keeps them on a tmpfs that
	// goes away with the sandbox.
	StateDir string `json:"state_dir,omitempty"`
	// Beneath and StateBeneath are where Source and StateDir stop being
	// trusted, as for Mount.Beneath.
	Beneath      string `json:"beneath,omitempty"`
	StateBeneath string `json:"state_beneath,omitempty"`
	// Flags are the root mount's flag names: nodev, and nosuid unless
	// setuid programs may work.
	Flags []string `json:"flags,omitempty"`
}

// Mount kinds.
const (
	KindBind    = "bind"    // bind Source (a host path) onto Target, recursively
	KindFS      = "fs"      // mount a fresh filesystem of type FSType
	KindSymlink = "symlink" // create Target as a symlink to Source
	KindOverlay = "overlay" // overlay Source (a host path) on Target, writes to a tmpfs sized by Data
)

// Mount is one filesystem step. Targets are absolute paths inside the new
// root and are resolved without following any symlink out of it.
type Mount struct {
	Kind   string `json:"kind"`
	Source string `json:"source,omitempty"`
	Target string `json:"target"`
	// FSType is the filesystem type of a KindFS mount: proc, tmpfs, sysfs, devpts, mqueue.
	FSType string `json:"fstype,omitempty"`
	// Flags are mount flag names: ro, nosuid, nodev, noexec.
	Flags []string `json:"flags,omitempty"`
	// Data is the filesystem-specific option string, as for mount(8) -o.
	Data string `json:"data,omitempty"`
	// Optional skips a bind whose source does not exist instead of failing.
	Optional bool `json:"optional,omitempty"`
	// Beneath is set for a source the configuration names: the host
	// directory below which no symlink in Source is followed, because
	// something a sandbox can write may lie there (the configuration's
	// directory when Source is inside it, else "/"). The part of Source up
	// to Beneath is resolved as the host resolves it. "" trusts the whole
	// path: a system path the launcher chose.
	Beneath string `json:"beneath,omitempty"`
}

// HasFlag reports whether the mount carries the named flag.
func (m Mount) HasFlag(name string) bool {
	for _, f := range m.Flags {
		if f == name {
			return true
		}
	}
	return false
}

// FuseOverlayMissing is Root.FuseOverlay where the fallback applies and
// fuse-overlayfs is not installed.
const FuseOverlayMissing = "-"
