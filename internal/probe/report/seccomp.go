package report

// SeccompCase is how one syscall-and-argument case of a cases file (see
// the probe's seccomp-cases mode) ended inside a sandbox.
type SeccompCase struct {
	// Line is the case's line number in the file.
	Line int `json:"line"`
	// Case is the line without its comment.
	Case string `json:"case"`
	// Result is "ok" when the call succeeded, the errno's name (such as
	// "EPERM") when it failed, "signal N" when a signal killed the process,
	// or "exit N" when the process died otherwise (the Go runtime exits 2
	// on a fatal signal it catches, such as SIGSYS or SIGILL).
	Result string `json:"result"`
}
