package doctor

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/hclsandbox/sandbox/launcher"
	"golang.org/x/sys/unix"
)

// wantedControllers are the cgroup controllers that limits use.
var wantedControllers = []string{"cpu", "memory", "pids", "io"}

// Run checks what this host enforces for a sandbox started by the
// current user, and which features work here: a protection is labelled
// enforced, a feature (rootless runs, overlay roots, networks) available,
// never enforced. It changes nothing on the host.
func Run() []Check {
	h := launcher.ProbeHost()
	checks := append(cgroupChecks(h), deviceAllowlistCheck(h))
	checks = append(checks,
		fileCheck("mount namespaces and pivot_root", "/proc/self/ns/mnt", "every sandbox has its own mount namespace and root"),
		available(userNamespaceCheck(h)),
		available(subIDCheck(h)),
		seccompCheck(h),
		available(filesystemCheck("overlay", "ephemeral and persistent rootfs modes")),
		noNewPrivsCheck(),
	)
	return append(checks, networkChecks(h)...)
}

func cgroupChecks(h *launcher.Host) []Check {
	c := h.Cgroups
	if h.EUID != 0 && c.Version == 0 {
		return []Check{{Name: "cgroups", Detail: "not root: sandboxes run without a cgroup, so without limits: " + c.Unusable}}
	}
	if c.Version == 0 {
		return []Check{{Name: "cgroups", Detail: "no usable cgroup hierarchy under /sys/fs/cgroup"}}
	}
	where := fmt.Sprintf("v%d at %s", c.Version, c.Root)
	switch {
	case c.Delegated && c.Root == "":
		where = "v2: a scope with Delegate=yes that the systemd user manager on " + c.UserBus + " makes when a sandbox starts"
	case c.Delegated:
		where = "v2 subtree delegated to you at " + c.Root
	}
	out := []Check{{Name: "cgroups", OK: true, Detail: where}}
	for _, ctl := range wantedControllers {
		name := ctl
		if c.Version == 1 && ctl == "io" {
			name = "blkio"
		}
		ok := slices.Contains(c.Controllers, name)
		detail := "enforces limits." + limitOf(ctl)
		if !ok {
			detail = "missing: limits." + limitOf(ctl) + " cannot be enforced (limits { strict = false } runs without it)"
		}
		out = append(out, Check{Name: "cgroup " + name + " controller", OK: ok, Detail: detail})
	}
	return out
}

func limitOf(controller string) string {
	switch controller {
	case "cpu":
		return "cpus and cpu_weight"
	case "memory":
		return "memory and memory_swap"
	case "pids":
		return "pids"
	}
	return "io_weight"
}

func fileCheck(name, path, what string) Check {
	if _, err := os.Stat(path); err != nil {
		return Check{Name: name, Detail: fmt.Sprintf("%s: %v", path, err)}
	}
	return Check{Name: name, OK: true, Detail: what}
}

func userNamespaceCheck(h *launcher.Host) Check {
	c := Check{Name: "unprivileged user namespaces (rootless)"}
	if _, err := os.Stat("/proc/self/ns/user"); err != nil {
		c.Detail = "the kernel has no user namespaces"
		return c
	}
	msg := launcher.UsernsRestrictions()
	if strings.Contains(msg, "disabled") {
		c.Detail = msg
		return c
	}
	c.OK = true
	c.Detail = "users without root can run sandboxes that list \"user\" in namespaces"
	return c
}

func seccompCheck(h *launcher.Host) Check {
	c := Check{Name: "seccomp filters"}
	if _, err := unix.PrctlRetInt(unix.PR_GET_SECCOMP, 0, 0, 0, 0); err != nil {
		c.Detail = "the kernel has no seccomp: " + err.Error()
		return c
	}
	if err := launcher.CheckSeccomp(h); err != nil {
		c.Detail = "the default profile does not compile here: " + err.Error()
		return c
	}
	c.OK = true
	c.Detail = "Docker's default profile is loaded in every sandbox"
	return c
}

func filesystemCheck(fs, what string) Check {
	c := Check{Name: fs + " filesystem"}
	b, err := os.ReadFile("/proc/filesystems")
	if err != nil {
		c.Detail = err.Error()
		return c
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(strings.TrimPrefix(line, "nodev")) == fs {
			c.OK, c.Detail = true, what
			return c
		}
	}
	c.Detail = fs + " is not in /proc/filesystems (it may load as a module on first use): " + what + " may fail"
	return c
}

func noNewPrivsCheck() Check {
	c := Check{Name: "no_new_privs"}
	if _, err := unix.PrctlRetInt(unix.PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0); err != nil {
		c.Detail = err.Error()
		return c
	}
	c.OK, c.Detail = true, "setuid binaries and file capabilities grant nothing inside"
	return c
}
