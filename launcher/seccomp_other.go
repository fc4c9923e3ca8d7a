//go:build !linux

package launcher

import (
	"errors"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/isolation"
)

// buildSeccomp has no profile off Linux.
func buildSeccomp(cfg config.SeccompConfig, caps []string, kernel KernelVersion) (*isolation.Seccomp, error) {
	return nil, errors.ErrUnsupported
}

// syscallNames has no table off Linux.
func syscallNames() map[string]bool { return nil }

func kernelVersion() KernelVersion { return KernelVersion{} }
