// Package expect checks what a sandbox did against its expect block: exit
// code, OOM outcome, peak memory, duration, output and the files it left
// on the host. Each check gives a Verdict with the expected and the actual
// value side by side, for people and for reports (JSON, JUnit, TAP).
//
// It reads only the golden files and the checked files, each file beneath
// its root without following a symlink, so that a sandbox cannot point a
// check, or --update, at a host file it could not read itself. It never
// starts or stops anything.
package expect
