package launcher

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"runtime"

	"github.com/hclsandbox/sandbox/launcher/cgroups"
	"github.com/hclsandbox/sandbox/launcher/state"

	"github.com/hclsandbox/sandbox/launcher/cgroups/devfilter"
	"golang.org/x/sys/unix"
)

// createCgroup makes the sandbox's cgroup and performs its writes, or
// takes the spare the claim holds for it (PrepareSpare), with the child
// waiting in it, if any. A limit whose controller the host lacks fails
// the start unless the plan is not strict; then it is one of the
// returned warnings.
func createCgroup(p *Plan, claim *state.Claim) (cgroups.Cgroup, *waiting, []string, error) {
	c, warnings, err := resolveCgroup(p)
	if c == nil || err != nil {
		return nil, nil, warnings, err
	}
	name := cgroupName(claim.Project(), p.Name)
	cg, child, w, err := takeSpare(claim, spareKey(c, name))
	warnings = append(warnings, w...)
	if cg != nil || err != nil {
		return cg, child, warnings, err
	}
	cg, err = cgroups.NewCgroup(c, name, devfilter.Attach)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := claim.NoteCgroup(cg); err != nil {
		return nil, nil, nil, err
	}
	w, err = cg.Create()
	if err != nil {
		if rerr := cg.Remove(context.Background()); rerr != nil {
			err = errors.Join(err, rerr)
		}
		return nil, nil, nil, fmt.Errorf("set up cgroup %s: %w", cg.Path(), err)
	}
	return cg, nil, append(warnings, w...), nil
}

// resolveCgroup is the cgroup p's sandbox gets on this host, with p's
// warnings; nil: none.
func resolveCgroup(p *Plan) (*cgroups.CgroupConfig, []string, error) {
	if p.Cgroup == nil {
		return nil, p.Warnings(), nil
	}
	c := delegatedRoot(p.Cgroup, p.Limits)
	if len(c.Missing) > 0 && c.Strict {
		return nil, nil, missingError(c)
	}
	resolved := *p
	resolved.Cgroup = c
	warnings := resolved.Warnings()
	if c.Version == 0 {
		if p.Cgroup.Version != 0 { // the systemd user manager gave none
			warnings = append(warnings, "started without root: no cgroup ("+c.Unusable+"), so no limits, usage figures or cgroup kill")
		}
		return nil, warnings, nil
	}
	return c, warnings, nil
}

// PrepareSpare makes a cgroup for the next run of p's name while the
// current one runs (up --watch), so that a relaunch finds its cgroup made
// and takes it (createCgroup) instead of waiting for one: the claim
// records it first, and removes it on Release. Where it can (canWait),
// it also starts the next run's child in it, connected to stdio, to
// wait for its spec (see waiting). A sandbox without a cgroup gets none.
func PrepareSpare(p *Plan, claim *state.Claim, stdio Stdio) error {
	c, _, err := resolveCgroup(p)
	if c == nil || err != nil {
		return err
	}
	name := cgroupName(claim.Project(), p.Name)
	cg, err := cgroups.NewCgroup(c, name, devfilter.Attach)
	if err != nil {
		return err
	}
	var child func(cgroups.Cgroup) (state.SpareChild, error)
	if canWait(p, stdio) {
		child = func(cg cgroups.Cgroup) (state.SpareChild, error) {
			w, err := startWaiting(p, claim, stdio, cg)
			if err != nil {
				return nil, err
			}
			return w, nil
		}
	}
	return claim.MakeSpare(spareKey(c, name), cg, child)
}

// takeSpare returns the claim's spare cgroup, recorded as the run's own,
// and the child waiting in it, if any, when it was made for the
// configuration key names. A spare made for another is removed; where
// that fails, the record keeps naming it for the next cleanup, and the
// run says so.
func takeSpare(claim *state.Claim, key string) (cgroups.Cgroup, *waiting, []string, error) {
	s := claim.TakeSpare()
	switch {
	case s == nil:
		return nil, nil, nil, nil
	case s.Key != key:
		if err := claim.DropSpare(s); err != nil {
			return nil, nil, []string{"the cgroup made for another configuration is left for gc: " + err.Error()}, nil
		}
		return nil, nil, nil, nil
	}
	if err := claim.NoteCgroup(s.Cgroup); err != nil {
		return nil, nil, nil, errors.Join(err, claim.DropSpare(s))
	}
	w, _ := s.Child.(*waiting)
	return s.Cgroup, w, s.Warnings, nil
}

// spareKey identifies the cgroup made with c under name: a spare serves
// a run whose configuration has the same key.
func spareKey(c *cgroups.CgroupConfig, name string) string {
	b, _ := json.Marshal(c)
	return name + " " + string(b)
}

// cgroupName is the name of a sandbox's cgroup leaf, before its random
// id: PROJECT.NAME, so that the same name in two projects is told apart
// in the cgroup tree too (a project name has no '.').
func cgroupName(project, name string) string {
	if project == "" {
		return SafeName(name)
	}
	return project + "." + SafeName(name)
}

// intoCgroup makes the clone land in the v2 cgroup (CLONE_INTO_CGROUP);
// the returned function closes the directory once the child started.
func intoCgroup(cmd *exec.Cmd, cg cgroups.Cgroup) (func(), error) {
	if cg == nil {
		return func() {}, nil
	}
	fd, err := cg.OpenDir()
	if err != nil || fd < 0 {
		return func() {}, err
	}
	cmd.SysProcAttr.UseCgroupFD = true
	cmd.SysProcAttr.CgroupFD = fd
	return func() { unix.Close(fd) }, nil
}

// startIn starts cmd so that the child is born in cg. On v2 the clone
// lands there by CLONE_INTO_CGROUP. On v1 the clone is made by a thread
// that has entered cg (see isolation's Enter) and leaves it right after;
// where the thread cannot enter, the child is started outside and moved
// in before it is sent its spec. A thread that cannot leave is not reused:
// it ends with its goroutine (and a child it made, by Pdeathsig).
func startIn(cmd *exec.Cmd, cg cgroups.Cgroup) error {
	if cg == nil {
		return cmd.Start()
	}
	type result struct {
		entered bool
		err     error
	}
	done := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		leave, err := cg.Enter()
		if err != nil {
			if !errors.Is(err, cgroups.ErrThreadStuck) {
				runtime.UnlockOSThread()
			}
			done <- result{false, err}
			return
		}
		err = cmd.Start()
		if lerr := leave(); lerr != nil {
			if err == nil {
				cmd.Process.Kill()
				cmd.Wait()
			}
			done <- result{true, lerr}
			return
		}
		runtime.UnlockOSThread()
		done <- result{true, err}
	}()
	r := <-done
	if !r.entered {
		return startThenPlace(cmd, cg) // on this goroutine's thread, not the one that failed
	}
	return r.err
}

// startThenPlace starts cmd and moves the child into cg.
func startThenPlace(cmd *exec.Cmd, cg cgroups.Cgroup) error {
	if err := cmd.Start(); err != nil {
		return err
	}
	if err := cg.Place(cmd.Process.Pid); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return fmt.Errorf("place sandbox child in cgroup %s: %w", cg.Path(), err)
	}
	return nil
}

// removeCgroup kills what is left in cg and removes it, to the end: no
// context stops a cleanup halfway.
func removeCgroup(cg cgroups.Cgroup) error {
	if cg == nil {
		return nil
	}
	return errors.Join(cg.Kill(context.Background()), cg.Remove(context.Background()))
}
