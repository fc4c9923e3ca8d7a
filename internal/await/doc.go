// Package await waits on the kernel's word rather than on a timer: the
// exit of a process (a pidfd), a change in a directory or a file
// (inotify, as cgroup.events changes when a cgroup empties), or the end
// of a context. Each wait has a deadline; a Waiter that could not watch
// what it was asked to still honours it, so a caller's loop stays
// correct, only slower.
//
// It must never import anything of the project but internal/proc: state
// and cgroups both use it.
package await
