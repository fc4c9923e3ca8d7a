// Package relay carries the output of running sandboxes to the
// launcher's own streams: whole lines from many sandboxes, each after an
// aligned (and, on a terminal, colored) "name | " prefix, the last lines
// of each for the reports, the caller's terminal attached to a sandbox's
// own pseudo-terminal (size changes, raw mode), and whether the
// launcher's terminal has gone away (Hangup).
//
// It moves bytes and terminal settings only: it never starts, stops or
// plans a sandbox. It must never import cmd/sandbox, config or
// launcher/supervise.
package relay
