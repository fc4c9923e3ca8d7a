//go:build !linux

package launcher

import (
	"context"
	"errors"
	"os"

	"github.com/hclsandbox/sandbox/launcher/state"
)

// Process is a started sandbox; sandboxes run only on Linux.
type Process struct{}

// Start fails: sandboxes run only on Linux.
func Start(ctx context.Context, p *Plan, stdio Stdio, c *state.Claim) (*Process, error) {
	return nil, errors.ErrUnsupported
}

// PrepareSpare does nothing: sandboxes run only on Linux.
func PrepareSpare(p *Plan, c *state.Claim, stdio Stdio) error { return nil }

// Pid is always 0 off Linux.
func (p *Process) Pid() int { return 0 }

// Signal fails off Linux.
func (p *Process) Signal(os.Signal) error { return errors.ErrUnsupported }

// Warnings is always empty off Linux.
func (p *Process) Warnings() []string { return nil }

// Wait reports a launcher failure off Linux.
func (p *Process) Wait() *Result { return &Result{ExitCode: 125} }

// Resize fails off Linux.
func (p *Process) Resize(Winsize) error { return errors.ErrUnsupported }
