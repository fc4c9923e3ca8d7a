package state

import "github.com/hclsandbox/sandbox/internal/proc"

// Live reports whether r's supervisor still runs: the same pid with the
// same start time.
func (r *Record) Live() bool {
	return proc.SameProcess(r.Supervisor, r.SupervisorStart)
}
