// Package slurm runs a batch of sandboxes on a Slurm cluster: it turns the
// selected sandboxes into sbatch submissions (one job per sandbox, one job
// array per fanned-out sandbox, dependencies between them), submits them,
// follows them with squeue and scontrol, and reads how each one ended.
//
// Every job's step runs `sandbox run` on the allocated node against the
// same configuration, so paths must resolve on a filesystem that the nodes
// share. The package runs the Slurm client commands; it never talks to the
// daemons itself and never starts any.
//
// It is the whole engine of `up --on slurm`, `ps --on slurm` and `stop
// --on slurm` (UpConfig, Up, List, Stop); cmd/sandbox only turns flags
// into Options and renders the report. It may import config and the
// launcher's report, rootfs, supervise, relay (the jobs' output) and
// runner (the selection of a batch) packages; it must never import
// cmd/sandbox and never start a sandbox itself.
package slurm
