// Package runner owns "start these sandboxes": from the loaded
// configuration (load, select) through the host check, the preflight,
// the prepared root filesystems and the plans, to their runs under the
// one scheduler (launcher/supervise): run's one attached sandbox, up's
// batch with its output, report and budget cgroup, and up -d's detached
// supervisor. Every start goes through Start, which claims the name.
//
// It also holds the engine of the commands that load a configuration
// without a batch: validate, plan, fmt, lock, pull, verify, explain,
// exec, export's command lines and OCI bundle, and the names shell
// completion offers.
//
// The command hands it its streams and printers in a Runner; the errors
// it returns carry the command's exit code (internal/exitcode). It must
// never import cmd/sandbox or cobra.
package runner
