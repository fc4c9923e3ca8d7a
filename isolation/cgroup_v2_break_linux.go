//go:build cgroupv2break

package isolation

// Built only by `make test-vm BREAK=1`: the v2 driver no longer enables the
// memory controller for the sandboxes, so their memory limits cannot be
// written, and attaches no device allowlist, so a planted device node
// opens: the limits and device tests in the VM must fail.
func init() { v2BrokenController, v2BrokenDevices = "memory", true }
