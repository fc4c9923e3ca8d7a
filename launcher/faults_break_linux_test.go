//go:build cgroupv2break

package launcher

import "github.com/hclsandbox/sandbox/launcher/cgroups"

// cgroupFaults, built only by `make test-vm BREAK=1`: the v2 driver no
// longer enables the memory controller for the sandboxes, so their
// memory limits cannot be written, and attaches no device allowlist, so
// a planted device node opens: the limits and device tests in the VM
// must fail.
var cgroupFaults = &cgroups.Faults{LeaveOff: "memory", NoDevices: true}
