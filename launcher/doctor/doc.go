// Package doctor says what this host enforces for a sandbox started by
// the current user (`sandbox doctor`): cgroups and their controllers, the
// device allowlist, namespaces, user-namespace ids, seccomp, overlay,
// no_new_privs, named networks, and whether the launcher's own
// directories are safe. It changes nothing on the host.
//
// Each package answers for its own concern through a small function that
// returns an error or a fact (network.CheckLinks, launcher.CheckSeccomp,
// state.SubIDSource.Pool, devfilter.Check, ...); this package turns the
// answers into Checks with a name and a detail for people. It imports
// them, and none of them imports it; it must never import cmd/sandbox.
package doctor
