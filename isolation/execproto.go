package isolation

// ExecFD is the fd on which the init finds the listening exec socket when
// Spec.ExecServer is set.
const ExecFD = 5

// ExecMessage is one message on an exec connection, a SOCK_SEQPACKET
// socket, so that each message arrives whole. The client sends a request
// (Args, Env, Cwd) carrying the command's stdin, stdout and stderr as
// SCM_RIGHTS — pipes, never the client's own descriptors — or, with
// Terminal, no descriptor at all; then Signal messages to pass on. The
// init answers with Pid once the command runs, carrying the master of its
// terminal as SCM_RIGHTS when it has one, or with Error; and with Exit
// when it has ended.
type ExecMessage struct {
	// Args is the command; Args[0] is looked up in the PATH of Env.
	Args []string `json:"args,omitempty"`
	// Env is added to the sandbox's environment.
	Env []string `json:"env,omitempty"`
	// Cwd is the working directory, the sandbox's own when empty.
	Cwd string `json:"cwd,omitempty"`
	// Terminal asks for a pseudo-terminal of this size in the sandbox's
	// own devpts as the command's controlling terminal and fds 0-2.
	Terminal *Winsize `json:"terminal,omitempty"`
	// Signal asks the init to send this signal to the command.
	Signal int `json:"signal,omitempty"`
	// Pid is the command's pid inside the sandbox.
	Pid int `json:"pid,omitempty"`
	// Exit is the command's exit code, or 128+N for signal N.
	Exit *int `json:"exit,omitempty"`
	// Error is why the command did not start.
	Error *StepError `json:"error,omitempty"`
}
