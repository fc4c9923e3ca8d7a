package launcher

import (
	"path"
	"syscall"
)

// shells are the commands that get an init by default: a shell as PID 1
// neither reaps the orphans of its pipelines reliably nor receives
// signals it has no handler for.
var shells = map[string]bool{"sh": true, "bash": true, "dash": true, "ash": true, "zsh": true}

// wantInit decides whether the sandbox runs the init as PID 1: the
// configured value, or by default when argv[0] is a shell.
func wantInit(configured *bool, args []string) bool {
	if configured != nil {
		return *configured
	}
	return len(args) > 0 && shells[path.Base(args[0])]
}

// initExit reads the exit code of a sandbox whose PID 1 was the init, which
// reports a target killed by signal N as 128+N because PID 1 cannot kill
// itself with the signal: such a code is reported as that signal.
func initExit(r *Result) {
	if r.Signal == 0 && r.ExitCode > 128 && r.ExitCode < 128+65 {
		r.Signal = syscall.Signal(r.ExitCode - 128)
	}
}
