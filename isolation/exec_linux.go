package isolation

import (
	"os"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// execTarget replaces the process with the target; it returns only on failure.
func execTarget(s *Spec) *StepError {
	prog, serr := resolveCommand(s)
	if serr != nil {
		return serr
	}
	return &StepError{Step: "exec " + s.Args[0], Errno: execve(prog, s.Args, s.Env), Exec: true}
}

// resolveCommand finds the target's program in the PATH of its environment,
// inside the new root; a failure is the exec step's, with its 126/127 code.
func resolveCommand(s *Spec) (string, *StepError) {
	if len(s.Args) == 0 {
		return "", &StepError{Step: "exec", Msg: "empty command", Exec: true}
	}
	prog, errno := lookPath(s.Args[0], s.Env)
	switch {
	case errno == syscall.ENOENT && prog == "":
		return "", &StepError{Step: "exec " + s.Args[0], Errno: errno, Exec: true,
			Msg: "command not found in PATH " + pathOf(s.Env)}
	case errno != 0:
		return "", &StepError{Step: "exec " + s.Args[0], Errno: errno, Exec: true}
	}
	return prog, nil
}

func execve(prog string, argv, env []string) syscall.Errno {
	err := unix.Exec(prog, argv, env)
	if e, ok := err.(syscall.Errno); ok {
		return e
	}
	return syscall.EINVAL
}

// lookPath finds name in the PATH of env, inside the current root. A name
// with a slash is used as it is. It prefers an executable match and reports
// EACCES when only non-executable matches exist.
func lookPath(name string, env []string) (string, syscall.Errno) {
	if strings.Contains(name, "/") {
		return name, 0
	}
	var found syscall.Errno = syscall.ENOENT
	for _, dir := range strings.Split(pathOf(env), ":") {
		if dir == "" {
			dir = "."
		}
		p := dir + "/" + name
		info, err := os.Stat(p)
		if err != nil || info.IsDir() {
			continue
		}
		if unix.Access(p, unix.X_OK) == nil {
			return p, 0
		}
		found = syscall.EACCES
	}
	return "", found
}

// pathOf returns the PATH in env, or the conventional default.
func pathOf(env []string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(env[i], "PATH="); ok {
			return v
		}
	}
	return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
}
