package doctor

import (
	"slices"

	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/cgroups"

	"github.com/hclsandbox/sandbox/launcher/cgroups/devfilter"
)

// allowedDevices names cgroups.DefaultDevices for people.
const allowedDevices = "null, zero, full, random, urandom, tty, ptmx and pts"

// deviceAllowlistCheck says whether the cgroup of a sandbox started here
// keeps it from every device but the standard ones: with the v1 devices
// controller, or with a v2 device program, which it loads and unloads to
// see that the kernel takes it.
func deviceAllowlistCheck(h *launcher.Host) Check {
	c := Check{Name: "cgroup device allowlist"}
	switch {
	case h.Cgroups.Delegated:
		c.Detail = "not root: only root can attach a device allowlist to a cgroup; every mount but the sandbox's /dev is nodev"
	case h.EUID != 0 || h.Cgroups.Version == 0:
		c.Detail = "no cgroup: sandboxes started here have no device allowlist"
	case h.Cgroups.Version == 1 && !slices.Contains(h.Cgroups.Controllers, "devices"):
		c.Detail = "missing: no cgroup v1 devices controller; a device node in a rootfs is not denied by the cgroup (limits { strict = false } runs without it)"
	case h.Cgroups.Version == 1:
		c.OK, c.Detail = true, "the cgroup v1 devices controller denies every device but "+allowedDevices
	default:
		if err := devfilter.Check(cgroups.DefaultDevices); err != nil {
			c.Detail = "the kernel refuses a cgroup device program: " + err.Error()
			return c
		}
		c.OK, c.Detail = true, "a cgroup v2 device program denies every device but "+allowedDevices
	}
	return c
}
