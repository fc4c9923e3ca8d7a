// Package isolation holds the Linux mechanics of a sandbox: the Spec that the
// launcher computes for the child process, and the child side that carries it
// out — mounts, pivot_root, hostname — before it executes the target.
//
// The child path must stay lean: this package imports only the standard
// library, x/sys and filepath-securejoin, never the configuration language, so
// that a child start costs as little as possible. Everything that can be
// computed in the parent is computed there and carried in the Spec; the child
// parses nothing but the Spec and decides nothing the Spec does not say.
//
// It is the child side only: what the parent does before the clone (the
// cgroup drivers, launcher/cgroups; the device program) lives in the
// launcher, and this package must never import launcher or any of its
// subpackages.
package isolation
