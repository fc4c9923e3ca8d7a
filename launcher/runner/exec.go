package runner

import (
	"errors"
	"fmt"
	"os"
	"os/signal"

	"github.com/hclsandbox/sandbox/internal/exitcode"
	"github.com/hclsandbox/sandbox/isolation"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/relay"
	"github.com/hclsandbox/sandbox/launcher/state"
	"github.com/hclsandbox/sandbox/launcher/supervise"
)

// Exec runs req in the running sandbox name (`sandbox exec`) with the
// runner's streams, stdin passed on when interactive, a terminal of the
// sandbox's own with tty, and ends with the command's exit code.
func (r *Runner) Exec(name string, req launcher.ExecRequest, interactive, tty bool) error {
	if err := state.CheckName(name); err != nil {
		return exitcode.Errorf(exitcode.Usage, "exec: %v", err)
	}
	d, err := r.ProjectState(nil)
	if err != nil {
		return err
	}
	req.Stdout, req.Stderr = r.Stdout, r.Stderr
	if interactive {
		req.Stdin = r.Stdin
	}
	term := relay.Terminal(r.Stdin)
	if tty {
		req.Terminal = &launcher.Winsize{} // the kernel's default: unset
		if term != nil {
			if ws := relay.WindowSize(term); ws != nil {
				req.Terminal = ws
			}
		}
	}
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, supervise.Forwarded...)
	defer signal.Stop(sigs)
	x, err := launcher.Exec(d, name, req)
	if err != nil {
		return r.execFailed(err)
	}
	if tty && term != nil {
		// Raw only with input: without it, Ctrl-C must stay this
		// command's, to be passed on as SIGINT.
		defer relay.AttachTerminal(term, x, interactive)()
	}
	code, err := x.Wait(sigs)
	if err != nil {
		fmt.Fprintf(r.Stderr, "sandbox: %v\n", err)
		if code == 0 {
			code = exitcode.Setup
		}
	}
	if code != 0 {
		return exitcode.Code(code)
	}
	return nil
}

// execFailed reports a command that did not start: with the exit code of
// its failed step (127 not found, 126 not executable), else 125.
func (r *Runner) execFailed(err error) error {
	if errors.Is(err, state.ErrNotRunning) {
		return exitcode.Errorf(exitcode.Setup, "%v", err)
	}
	fmt.Fprintf(r.Stderr, "sandbox: %v\n", err)
	var stepErr *isolation.StepError
	if errors.As(err, &stepErr) {
		return exitcode.Code(stepErr.ExitCode())
	}
	return exitcode.Code(exitcode.Setup)
}
