package launcher

import "io"

// ExecRequest is a command to run inside a running sandbox.
type ExecRequest struct {
	Args []string
	// Env is added to the sandbox's environment; Cwd replaces its workdir.
	Env []string
	Cwd string
	// Stdin is copied to the command (exec -i); without it the command's
	// stdin is empty, at its end at once.
	Stdin io.Reader
	// Stdout and Stderr get the command's output; nil discards it. The
	// command gets pipes that the launcher relays, never these.
	Stdout, Stderr io.Writer
	// Terminal, when set, gives the command a pseudo-terminal of this size
	// in the sandbox's own devpts, made by the sandbox's init, as its
	// controlling terminal and fds 0-2 (exec -t): Stdin is copied to it
	// and its output goes to Stdout.
	Terminal *Winsize
}
