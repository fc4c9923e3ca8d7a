//go:build !cgroupv2break

package launcher

import "github.com/hclsandbox/sandbox/launcher/cgroups"

// cgroupFaults are none: the drivers as they are (see
// faults_break_linux_test.go for `make test-vm BREAK=1`).
var cgroupFaults *cgroups.Faults
