package isolation

import (
	"fmt"
	"os"
	"strconv"
)

// early is what a child does before it reads its spec when the launcher
// asks for it in the child's arguments (EarlyArgs): the steps that
// depend only on what the launcher knows as it clones the child, done
// while the launcher goes on preparing the run — and for a child started
// ahead of its run (up --watch), before the run. For an init they are
// most of its start: each of the twenty-odd bounding-set drops is a stop
// of the world, and holding its signals a round trip with the runtime's
// signal thread. The spec the child then reads must ask for the same.
type early struct {
	bounding uint64 // the capabilities the bounding set keeps
	init     bool   // the child is an init, which holds its signals
}

// earlyArg, after ChildArg, is followed by the bounding set's mask in
// hexadecimal and, for an init, "init".
const earlyArg = "--early"

// earlyOf is s's early steps; nil where the bounding set is limited
// after setup (boundingFirst), where the child must first become root in
// a user namespace whose maps are written after the clone, or where a
// capability is unknown (the step that limits the set reports it).
func earlyOf(s *Spec) *early {
	if !boundingFirst(s) || s.BecomeRoot {
		return nil
	}
	mask, serr := capabilityMask(s.Capabilities)
	if serr != nil {
		return nil
	}
	return &early{bounding: mask, init: s.Init}
}

// EarlyArgs are the arguments after ChildArg that ask the child to take
// s's early steps before it reads s; none where it has none (earlyOf).
func EarlyArgs(s *Spec) []string {
	e := earlyOf(s)
	if e == nil {
		return nil
	}
	args := []string{earlyArg, strconv.FormatUint(e.bounding, 16)}
	if e.init {
		args = append(args, "init")
	}
	return args
}

// parseEarly reads the arguments after ChildArg; nil: none were given.
func parseEarly(args []string) (*early, *StepError) {
	if len(args) == 0 {
		return nil, nil
	}
	bad := &StepError{Step: "read arguments", Msg: fmt.Sprintf("unexpected arguments %q", args)}
	if args[0] != earlyArg || len(args) < 2 || len(args) > 3 || len(args) == 3 && args[2] != "init" {
		return nil, bad
	}
	mask, err := strconv.ParseUint(args[1], 16, 64)
	if err != nil {
		return nil, bad
	}
	return &early{bounding: mask, init: len(args) == 3}, nil
}

// run takes the early steps; an init's held signals come back.
func (e *early) run() (chan os.Signal, *StepError) {
	if err := dropBounding(e.bounding, threadSyscall(e.init)); err != nil {
		return nil, err
	}
	if e.init {
		return holdSignals(), nil
	}
	return nil, nil
}

// agrees fails unless s asks for the early steps that were taken.
func (e *early) agrees(s *Spec) *StepError {
	if want := earlyOf(s); want == nil || *want != *e {
		return &StepError{Step: "read plan", Msg: "the plan asks for other early steps than the child's arguments did"}
	}
	return nil
}
