package launcher

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/hclsandbox/sandbox/internal/phase"
	"github.com/hclsandbox/sandbox/isolation"
	"github.com/hclsandbox/sandbox/launcher/cgroups"
	"github.com/hclsandbox/sandbox/launcher/state"
	"golang.org/x/sys/unix"
)

// waiting is the child of a sandbox's next run, started while the
// current run goes on (PrepareSpare, for up --watch): cloned into the
// spare cgroup and new namespaces and executed, it waits for its spec,
// having done nothing else. A relaunch of the same plan with the same
// streams sends it its spec, which takes the clone, the exec and the
// child's runtime start off the relaunch; any other relaunch, and the
// claim's release, discard it. It is the spare's state.SpareChild, so it
// lives and goes with the spare cgroup it runs in: gc kills it there
// after a supervisor that died.
type waiting struct {
	plan  *Plan
	stdio Stdio
	// spec is what the child is sent; it was started for it (its early
	// steps, isolation.EarlyArgs).
	spec  *isolation.Spec
	child *child
	// dir is the claim's directory, where an init's exec socket is bound
	// as state.ExecSocketNext until the run renames it (spec.ExecServer).
	dir string
}

// canWait reports whether p's child can start before its run with
// stdio: a child whose start depends on the run is started with it — on
// a holder's network (its stage enters the holder), in a user namespace
// (the ids are mapped as it is cloned), rootless (newuidmap), or reading
// the caller's stdin or terminal, which a waiting child would take from
// the running one.
func canWait(p *Plan, stdio Stdio) bool {
	return !inHolderNet(p) && p.UIDMap == nil && p.GIDMap == nil && p.AutoIDs == 0 &&
		!p.SubIDMaps && !p.Rootless && stdio.Stdin == nil && stdio.Terminal == nil
}

// startWaiting starts the child of p's next run in cg, connected to
// stdio's streams.
func startWaiting(p *Plan, c *state.Claim, stdio Stdio, cg cgroups.Cgroup) (*waiting, error) {
	w := &waiting{plan: p, stdio: stdio, spec: childSpec(p, stdio, p.Spec.Init), dir: c.Dir()}
	var execL *os.File
	if w.spec.ExecServer {
		l, err := listenExec(c.Dir(), state.ExecSocketNext)
		if err != nil {
			return nil, err
		}
		defer l.Close() // the child holds it
		execL = l
	}
	streams, err := newChildStdio(stdio)
	if err != nil {
		w.removeExecSocket()
		return nil, err
	}
	if w.child, err = cloneChild(p, w.spec, execL, streams, cg, c); err != nil {
		streams.finish()
		w.removeExecSocket()
		return nil, err
	}
	return w, nil
}

// fits reports whether the waiting child can be p's with stdio: it was
// started for this very plan and these streams.
func (w *waiting) fits(p *Plan, stdio Stdio) bool {
	return w.plan == p && w.stdio == stdio
}

// run sends the waiting child its spec, as startChild does for a child
// it clones; the run's time starts now.
func (w *waiting) run(ctx context.Context, cg cgroups.Cgroup, c *state.Claim) (*Process, *Result, error) {
	p := w.plan
	if w.spec.ExecServer {
		next, cur := filepath.Join(w.dir, state.ExecSocketNext), filepath.Join(w.dir, state.ExecSocket)
		if err := os.Rename(next, cur); err != nil {
			w.Discard()
			return nil, nil, fmt.Errorf("start %s: move its exec socket into place: %w", p.Name, err)
		}
	}
	phase.Mark("clone and exec the child")
	w.child.started = time.Now()
	proc, res, err := runChild(ctx, p, w.spec, w.child, cg, c)
	if proc == nil {
		w.child.streams.finish()
	}
	return proc, res, err
}

// Discard ends the waiting child and frees what it holds.
func (w *waiting) Discard() error {
	ch := w.child
	ch.specW.Close()
	ch.statusR.Close()
	err := ch.cmd.Process.Kill()
	if errors.Is(err, os.ErrProcessDone) {
		err = nil
	}
	ch.cmd.Wait() // killed: its exit says nothing
	ch.streams.finish()
	return errors.Join(err, w.removeExecSocket())
}

func (w *waiting) removeExecSocket() error {
	if !w.spec.ExecServer {
		return nil
	}
	err := os.Remove(filepath.Join(w.dir, state.ExecSocketNext))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

// alive reports whether the waiting child still waits: one that was
// killed meanwhile is replaced by a new child.
func (w *waiting) alive() bool {
	var info unix.Siginfo
	err := unix.Waitid(unix.P_PID, w.child.cmd.Process.Pid, &info, unix.WEXITED|unix.WNOHANG|unix.WNOWAIT, nil)
	return err == nil && info.Signo == 0
}
