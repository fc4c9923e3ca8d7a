// Package oci writes a sandbox as an OCI runtime bundle: Config converts
// a plan into config.json (with warnings for what OCI cannot express),
// and OpenDir, FillRoot and Write put the bundle on disk: relative to a
// directory held open, never through a symlink, a root filesystem copied
// or flattened without device nodes or setuid bits. `sandbox export oci`
// is only the command around it.
//
// It imports launcher for the plan and the host's facts; launcher never
// imports it. It must never import cmd/sandbox.
package oci
