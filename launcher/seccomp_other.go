//go:build !linux

package launcher

import (
	"errors"

	"github.com/hclsandbox/sandbox/isolation"
)

// defaultSeccomp has no profile off Linux.
func defaultSeccomp(caps []string, kernel KernelVersion) (*isolation.Seccomp, error) {
	return nil, errors.ErrUnsupported
}

func kernelVersion() KernelVersion { return KernelVersion{} }
