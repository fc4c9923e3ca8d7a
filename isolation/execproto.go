package isolation

// ExecFD is the fd on which the init finds the listening exec socket when
// Spec.ExecServer is set.
const ExecFD = 5

// ExecMessage is one message on an exec connection, a SOCK_SEQPACKET
// socket, so that each message arrives whole. The client sends a request
// (Args, Env, Cwd) carrying its stdin, stdout and stderr as SCM_RIGHTS,
// then Signal messages to pass on. The init answers with Pid once the
// command runs, or Error, and Exit when it has ended.
type ExecMessage struct {
	// Args is the command; Args[0] is looked up in the PATH of Env.
	Args []string `json:"args,omitempty"`
	// Env is added to the sandbox's environment.
	Env []string `json:"env,omitempty"`
	// Cwd is the working directory, the sandbox's own when empty.
	Cwd string `json:"cwd,omitempty"`
	// Signal asks the init to send this signal to the command.
	Signal int `json:"signal,omitempty"`
	// Pid is the command's pid inside the sandbox.
	Pid int `json:"pid,omitempty"`
	// Exit is the command's exit code, or 128+N for signal N.
	Exit *int `json:"exit,omitempty"`
	// Error is why the command did not start.
	Error *StepError `json:"error,omitempty"`
}
