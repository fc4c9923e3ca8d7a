//go:build !linux

package launcher

import (
	"errors"

	"github.com/hclsandbox/sandbox/config"
)

// BatchCgroup is the parent cgroup of a batch; only on Linux.
type BatchCgroup struct {
	// Name is the directory under sandbox/.
	Name string
}

// NewBatchCgroup fails: sandboxes run only on Linux.
func NewBatchCgroup(h *Host, name string, l *config.Limits) (*BatchCgroup, []string, error) {
	return nil, nil, errors.ErrUnsupported
}

// Usage is nil off Linux.
func (b *BatchCgroup) Usage() *Usage { return nil }

// Close does nothing off Linux.
func (b *BatchCgroup) Close() error { return nil }
