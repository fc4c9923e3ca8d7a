// Package watch is up --watch: it feeds the one scheduler
// (launcher/supervise) the edits of the configuration, reloaded and
// applied by plan digest, and the changes of each sandbox's watched
// files, debounced into a relaunch or the sandbox's watch signal. It
// refuses a reload when a configuration input changed where a running
// sandbox can write (trust.go says how that is decided).
//
// Sandboxes start through launcher/runner; this package runs nothing
// itself. It must never import cmd/sandbox or cobra.
package watch
