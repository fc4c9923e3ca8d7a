package launcher

import "os"

// ExecRequest is a command to run inside a running sandbox.
type ExecRequest struct {
	Args []string
	// Env is added to the sandbox's environment; Cwd replaces its workdir.
	Env []string
	Cwd string
	// Stdio are the command's stdin, stdout and stderr.
	Stdio [3]*os.File
}
