// Package export turns a sandbox's plan into the command line of another
// tool that isolates a process: bubblewrap, systemd-run and docker run, for
// machines where sandbox is not installed.
//
// Each target takes the plan that `sandbox plan --json` prints and that
// the launcher runs, so what is exported is what would run. A setting the
// target cannot express is never dropped silently: it becomes a warning
// that says what the exported command does instead. The package is pure:
// it makes no syscalls, and host facts come in through Options.
package export
