package launcher

import (
	"fmt"
	"strconv"
	"strings"
	"syscall"
)

// ParseSignal reads a signal given as "SIGTERM", "TERM" or "15".
func ParseSignal(s string) (syscall.Signal, error) {
	if n, err := strconv.Atoi(s); err == nil && n > 0 && n < 65 {
		return syscall.Signal(n), nil
	}
	name := strings.ToUpper(s)
	if !strings.HasPrefix(name, "SIG") {
		name = "SIG" + name
	}
	if sig, ok := signalsByName[name]; ok {
		return sig, nil
	}
	return 0, fmt.Errorf("unknown signal %q", s)
}

// SignalName is "SIGTERM" for syscall.SIGTERM, or "signal N".
func SignalName(s syscall.Signal) string { return signalName(s) }

// signalName is "SIGKILL" for syscall.SIGKILL, or "signal N".
func signalName(s syscall.Signal) string {
	for name, sig := range signalsByName {
		if sig == s {
			return name
		}
	}
	return fmt.Sprintf("signal %d", int(s))
}

var signalsByName = map[string]syscall.Signal{
	"SIGHUP": syscall.SIGHUP, "SIGINT": syscall.SIGINT, "SIGQUIT": syscall.SIGQUIT,
	"SIGILL": syscall.SIGILL, "SIGABRT": syscall.SIGABRT, "SIGFPE": syscall.SIGFPE,
	"SIGKILL": syscall.SIGKILL, "SIGSEGV": syscall.SIGSEGV, "SIGPIPE": syscall.SIGPIPE,
	"SIGALRM": syscall.SIGALRM, "SIGTERM": syscall.SIGTERM, "SIGUSR1": syscall.SIGUSR1,
	"SIGUSR2": syscall.SIGUSR2, "SIGBUS": syscall.SIGBUS, "SIGXCPU": syscall.SIGXCPU,
	"SIGXFSZ": syscall.SIGXFSZ, "SIGSYS": syscall.SIGSYS, "SIGTRAP": syscall.SIGTRAP,
}
