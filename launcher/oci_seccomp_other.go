//go:build !linux

package launcher

import (
	"errors"

	"github.com/hclsandbox/sandbox/config"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func ociSeccomp(config.SeccompConfig, []string, KernelVersion) (*specs.LinuxSeccomp, error) {
	return nil, errors.ErrUnsupported
}
