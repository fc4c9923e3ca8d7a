//go:build !linux

package devfilter

import (
	"errors"

	"github.com/hclsandbox/sandbox/isolation"
)

// Attach reports that device programs exist only on Linux.
func Attach(dirFd int, rules []isolation.DeviceRule) error { return errors.ErrUnsupported }

// Check reports that device programs exist only on Linux.
func Check(rules []isolation.DeviceRule) error { return errors.ErrUnsupported }
