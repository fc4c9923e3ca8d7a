// Package report renders what the launcher did and will do: a batch's
// outcome per sandbox (the summary table, --json, JUnit XML) and its exit
// code, and a plan as the numbered steps the child performs (`sandbox
// plan`). It reads plans and the scheduler's units; it starts, stops and
// decides nothing.
//
// It must never import cmd/sandbox or isolation's child code paths beyond
// the Spec types a plan holds, and never write anywhere but the writer or
// file it is given.
package report
