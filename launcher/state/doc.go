// Package state owns what the host keeps about running sandboxes: the
// state root (Dir, $SANDBOX_RUN, default /run/sandbox), one directory per
// sandbox named after it (the one place where a name becomes a path),
// its Record, the Claim that locks a name, the user-namespace ids
// allocated to a claim from the subordinate ranges (SubIDSource), ps
// (Statuses), stop, gc, and a detached sandbox's log (LogWriter, Tail,
// Follow).
//
// The supervisor of a sandbox takes an flock on its name's lock before
// anything else (Dir.Claim) and holds it until the record is removed,
// last, after the cgroup; the kernel drops the lock when the supervisor
// dies however it dies. So a lock that can be taken is proof that the
// supervisor is gone, which is what gc, and up for the names it starts,
// rely on: never a guess from a pid. The record names the cgroup before
// the cgroup is made, and the first process with its start time, so that
// cleanup reaches everything through the cgroup and signals a pid only
// while it is still the same process. Waits (stop, follow) are on the
// kernel's word: a pidfd for an exit, inotify for a change.
//
// It must never import launcher, its scheduler or cmd/sandbox: the
// launcher fills a Record from its plan and claims it here (launcher.Claim),
// never the other way round. It imports launcher/cgroups and
// launcher/network only to undo what a record names.
package state
