package watch

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/hclsandbox/sandbox/internal/exitcode"
	"github.com/hclsandbox/sandbox/launcher/runner"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/supervise"
)

// apply makes the running set match cfg: it starts the sandboxes that are
// new, relaunches those whose plan changed (by digest), stops those that
// are gone and leaves the rest alone.
func (sv *supervisor) apply(cfg *config.Config) error {
	sbs, plans, err := sv.plan(cfg)
	if err != nil {
		return err
	}
	initial := len(sv.jobs) == 0
	seen := map[string]bool{}
	var order []string
	for i, s := range sbs {
		p, digest := plans[i], launcher.PlanDigest(plans[i])
		seen[p.Name] = true
		order = append(order, p.Name)
		sv.watchPaths(s)
		j := sv.jobs[p.Name]
		switch {
		case j == nil:
			sv.jobs[p.Name] = &wjob{s: s, plan: p, digest: digest, announce: !initial}
			sv.sched.Add(&supervise.Unit{Sandbox: s, Plan: p})
		case j.digest == digest || sv.sched.Waiting(p.Name):
			// The watch block or restart policy may have changed; a sandbox
			// that waits for its dependencies starts with the new plan.
			j.s, j.plan, j.digest = s, p, digest
			sv.sched.Update(s, p)
		default:
			j.s, j.plan, j.digest = s, p, digest
			sv.sched.Update(s, p)
			sv.status(p.Name, "configuration changed → restarting")
			sv.sched.Relaunch(p.Name)
		}
	}
	sv.sched.Reorder(order)
	for name, j := range sv.jobs {
		if !seen[name] {
			sv.remove(j)
		}
	}
	return nil
}

// plan selects, checks and plans the sandboxes of cfg as up does.
func (sv *supervisor) plan(cfg *config.Config) ([]*config.Sandbox, []*launcher.Plan, error) {
	sbs, err := runner.SelectBatch(cfg, sv.o.Names)
	if err != nil {
		return nil, nil, err
	}
	_, _, plans, err := sv.r.StartPlans(cfg, sbs, sv.o.UpdateLock)
	if err != nil {
		return nil, nil, err
	}
	if sv.budget != nil {
		for _, p := range plans {
			p.InBatch(sv.budget.Name)
		}
	}
	return sbs, plans, nil
}

// remove stops a sandbox that the configuration no longer declares.
func (sv *supervisor) remove(j *wjob) {
	stopTimer(j.debounce)
	delete(sv.jobs, j.plan.Name)
	sv.outs.drop(j.plan.Name)
	if sv.sched.Remove(j.plan.Name) {
		sv.status(j.plan.Name, "removed → stopping")
	}
}

// watchPaths adds the watches of s's watch block.
func (sv *supervisor) watchPaths(s *config.Sandbox) {
	if s.Watch == nil {
		return
	}
	for _, p := range s.Watch.Paths {
		if err := sv.fs.add(p); err != nil {
			sv.status(s.Name, "cannot watch %s: %v", p, err)
		}
	}
}

// watchConfig watches the loaded HCL files and the variables files, and
// the directories given as configuration (a new *.hcl file there counts).
func (sv *supervisor) watchConfig(cfg *config.Config) {
	sv.cfgFiles = map[string]bool{}
	sv.cfgDirs = map[string]bool{}
	for _, p := range sv.configDirs() {
		sv.cfgDirs[p] = true
		sv.fs.w.Add(p)
	}
	files := append([]string(nil), sv.o.Load.VarFiles...)
	for name := range cfg.Files {
		files = append(files, name)
	}
	for _, f := range files {
		abs, err := filepath.Abs(f)
		if err != nil {
			continue
		}
		sv.cfgFiles[abs] = true
		if err := sv.fs.w.Add(filepath.Dir(abs)); err != nil {
			fmt.Fprintf(sv.r.Stderr, "sandbox: watch %s: %v\n", f, err)
		}
	}
}

// reloadConfig loads the configuration again: diagnostics leave the
// running sandboxes as they are, and so does a change that a sandbox
// could have written; a valid configuration is applied.
func (sv *supervisor) reloadConfig() {
	if sv.sched.Stopping() {
		return
	}
	cfg, in, err := sv.load()
	if lines := sv.written(in); len(lines) > 0 {
		for _, l := range lines {
			fmt.Fprintf(sv.r.Stderr, "sandbox: %s\n", l)
		}
		fmt.Fprintln(sv.r.Stderr, "sandbox: configuration not applied; the running sandboxes keep running (review the change, then start up --watch again to load it)")
		return
	}
	if err == nil {
		err = sv.apply(cfg)
	}
	if err != nil {
		if ee, ok := err.(*exitcode.Error); ok && ee.Msg != "" {
			fmt.Fprintf(sv.r.Stderr, "sandbox: %s\n", ee.Msg)
		}
		fmt.Fprintln(sv.r.Stderr, "sandbox: configuration not applied; the running sandboxes keep running")
		return
	}
	sv.settle(in)
	sv.watchConfig(cfg)
}

// settle makes in, the inputs of a load just applied, the ones later
// loads are compared with. With --update-lock the apply may have written
// the lock files, whose digests are taken again.
func (sv *supervisor) settle(in inputs) {
	if sv.o.UpdateLock {
		in.refreshLocks()
	}
	sv.inputs = in
}

// configDirs are the directories whose *.hcl files make up the
// configuration: those given, or the working directory when no path was.
func (sv *supervisor) configDirs() []string {
	paths := sv.o.Paths
	if len(paths) == 0 {
		paths = []string{"."}
	}
	var out []string
	for _, p := range paths {
		if info, err := os.Stat(p); err == nil && info.IsDir() {
			if abs, err := filepath.Abs(p); err == nil {
				out = append(out, abs)
			}
		}
	}
	return out
}

// newConfigFile reports whether p is a *.hcl file of a configuration
// directory, such as one added since the last load.
func (sv *supervisor) newConfigFile(p string) bool {
	return filepath.Ext(p) == ".hcl" && filepath.Base(p) != config.LockFileName && sv.cfgDirs[filepath.Dir(p)]
}
