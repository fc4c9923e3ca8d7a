//go:build !linux

package launcher

import (
	"errors"
	"os"

	"github.com/hclsandbox/sandbox/launcher/state"
)

// Exec fails: sandboxes run only on Linux.
func Exec(d state.Dir, name string, req ExecRequest) (*Execution, error) {
	return nil, errors.ErrUnsupported
}

// Execution is a command started by Exec; sandboxes run only on Linux.
type Execution struct{}

// Wait fails off Linux.
func (x *Execution) Wait(sigs <-chan os.Signal) (int, error) { return 0, errors.ErrUnsupported }

// Resize fails off Linux.
func (x *Execution) Resize(Winsize) error { return errors.ErrUnsupported }
