// Package proc reads what the launcher needs to know of a process from
// /proc/<pid>/stat: its state, parent and start time. A pid with its
// start time names one process, whatever pid reuse happens later, which
// is how records name the processes that may be signalled.
//
// It must never import anything of the project: state, launcher and
// their tests all use it.
package proc
