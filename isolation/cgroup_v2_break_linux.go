//go:build cgroupv2break

package isolation

// Built only by `make test-vm BREAK=1`: the v2 driver no longer enables the
// memory controller for the sandboxes, so their memory limits cannot be
// written and the limits tests in the VM must fail.
func init() { v2BrokenController = "memory" }
