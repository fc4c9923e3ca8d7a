//go:build !linux

package devfilter

import (
	"errors"

	"github.com/hclsandbox/sandbox/launcher/cgroups"
)

// Attach reports that device programs exist only on Linux.
func Attach(dirFd int, rules []cgroups.DeviceRule) error { return errors.ErrUnsupported }

// Check reports that device programs exist only on Linux.
func Check(rules []cgroups.DeviceRule) error { return errors.ErrUnsupported }
