// Package launcher turns configured sandboxes into plans and runs them.
//
// NewPlan is pure: from a config.Sandbox and the facts of a Host it computes a
// Plan — plain data that `sandbox plan` prints and that the child receives.
// Start (Linux only) is the parent side: it re-executes the running binary
// with isolation.ChildArg in new namespaces, sends the plan's Spec on an
// inherited pipe and waits on a status pipe until the target has been
// executed (the pipe closes) or a named step has failed (the child writes it).
//
// # Map
//
// Each subpackage is one concern, and its doc comment says what it must
// never import: supervise (the one scheduler: readiness, restarts, stops,
// signals), cgroups (the v1 and v2 drivers and the device program),
// report (summary, JSON, JUnit, plan text), seccomp (the BPF compiler),
// rootfs (root filesystems, lock file, unpack cache), network (named
// networks: leases, links, NAT, proxies), state (records, claims, ps,
// stop, gc, logs), oci (OCI runtime bundles), doctor (what the host
// enforces) and image (the OCI image store). This package keeps the plan,
// the start and exec into a running sandbox. It must never import
// cmd/sandbox, the scheduler, oci or doctor, which import it; it
// imports state and network, which never import it. docs/architecture.md
// has the whole map.
//
// # State
//
// Every sandbox is started (Start) under the Claim of its name, taken in
// a state.Dir; package state says how the lock and the record make
// cleanup safe after a crash.
//
// # Exec: joining a running sandbox
//
// setns(2) into a mount or user namespace is refused to a multi-threaded
// process, and a Go process is multi-threaded before main runs. runc
// solves this with a C constructor (nsexec) that joins the namespaces
// before the Go runtime starts; that needs cgo in every build of the
// binary. util-linux nsenter could join for us, but the command would
// then still need the sandbox's capabilities, seccomp filter, user,
// rlimits and cgroup applied by a second program, a second copy of the
// isolation steps that would drift from the first.
//
// Instead the sandbox's own init starts exec'd commands. When a claimed
// sandbox runs the init (Spec.Init), the launcher binds a SOCK_SEQPACKET
// socket, exec.sock, in the sandbox's state directory (mode 0700, so only
// root on the host reaches it; nothing inside the sandbox can, as the
// path lies outside its root and the init's fds are close-on-exec and
// not dumpable) and passes the listening socket to the child as
// isolation.ExecFD. `sandbox exec` connects and sends the argv, extra
// environment and working directory, with the command's stdin, stdout
// and stderr as SCM_RIGHTS: pipes it relays, never its own descriptors
// (see Standard streams). The init forks the command from the locked OS
// thread on which it performed every isolation step, so the command
// inherits exactly what the sandbox's own command has: every namespace
// (mount and user included, never joined, simply inherited), the cgroup
// and cgroup namespace, root, capabilities, no_new_privs, seccomp filter,
// user, rlimits. It is started in a new session, without a controlling
// terminal unless it asked for one (exec -t): then the init, on that same
// thread, opens a pty in the sandbox's own devpts, makes its slave the
// command's controlling terminal and fds 0-2, and sends the master back.
// The init reaps the command, passes on the signals the client sends,
// and reports its pid and then its exit status on the connection.
//
// The cost: exec needs the init (init = true, the default for shells);
// `sandbox exec` on a sandbox without one says so. The Go runtime's other
// threads in the init keep the privileges of the launcher's child, which
// is why requests are served only from the locked thread and the init is
// non-dumpable.
//
// # Standard streams
//
// Nothing inside a sandbox holds one of the caller's descriptors, which
// the payload could keep or reopen through /proc/self/fd: a file, a
// directory (`sandbox run x < /`: openat(0, "..") walks the host), the
// caller's terminal, even a pipe (reopened for writing, it injects into
// whatever reads the caller's). A sandbox's fds 0-2, and an exec'd
// command's, are pipes the launcher makes and relays (relay_linux.go):
// to a file by splice(2), without a copy; an absent stdin is a pipe
// already at its end, not the host's /dev/null. On a terminal, they are
// a pty that the child makes inside, after pivot_root, in the sandbox's
// own devpts (isolation/terminal_linux.go); only its master comes out,
// on a socket pair (isolation.TerminalFD) or the exec connection, and
// the launcher relays it while the caller's terminal is in raw mode.
// `tty` inside names it, job control works, and TIOCSTI reaches only it.
//
// The exit code is never reported before the output: Process.Wait and
// Execution.Wait return once the sandbox's or the command's processes
// have ended and what they wrote is relayed. A process that outlives the
// command it belongs to (`exec x sh -c 'daemon &'`) is not waited for:
// the relay copies what the pipes and the pty hold at the end, then stops.
package launcher
