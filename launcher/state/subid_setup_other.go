//go:build !linux

package state

import "errors"

// AddUser fails: sandboxes run only on Linux.
func (s SubIDSource) AddUser(size uint32) ([]string, error) { return nil, errors.ErrUnsupported }
