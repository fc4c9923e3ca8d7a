// Package launcher turns configured sandboxes into plans and runs them.
//
// NewPlan is pure: from a config.Sandbox and the facts of a Host it computes a
// Plan — plain data that `sandbox plan` prints and that the child receives.
// Start (Linux only) is the parent side: it re-executes the running binary
// with isolation.ChildArg in new namespaces, sends the plan's Spec on an
// inherited pipe and waits on a status pipe until the target has been
// executed (the pipe closes) or a named step has failed (the child writes it).
package launcher
