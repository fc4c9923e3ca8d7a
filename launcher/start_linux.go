package launcher

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"

	"github.com/hclsandbox/sandbox/internal/phase"

	"github.com/hclsandbox/sandbox/launcher/cgroups"
	"github.com/hclsandbox/sandbox/launcher/network"
	"github.com/hclsandbox/sandbox/launcher/state"

	"github.com/hclsandbox/sandbox/isolation"
	"golang.org/x/sys/unix"
)

// cloneFlags maps namespace kinds to the flags that create them. The cgroup
// namespace is missing on purpose: the child unshares it once it is in its
// cgroup (isolation.Spec.UnshareCgroup), because a v1 cgroup can only be
// entered after the clone and the namespace's root is fixed when it is made.
var cloneFlags = map[string]uintptr{
	"user": unix.CLONE_NEWUSER, "uts": unix.CLONE_NEWUTS, "pid": unix.CLONE_NEWPID, "mount": unix.CLONE_NEWNS,
	"ipc": unix.CLONE_NEWIPC, "net": unix.CLONE_NEWNET,
}

// Process is a started sandbox whose target is running.
type Process struct {
	plan     *Plan
	cmd      *exec.Cmd
	started  time.Time
	cgroup   cgroups.Cgroup // nil when the host has no cgroups
	warnings []string
	net      *network.Attachment // nil when not on a named network
	stdio    *childStdio
	term     *terminal // nil without Stdio.Terminal
	// timeout is the timer of a sandbox whose exit is watched (OnExit).
	timeout *sandboxTimeout
}

// Start launches the sandbox under c, the claim of its name, and returns
// once its target has been executed. Its record gets the ids allocated to
// it (Plan.AutoIDs), the cgroup before the cgroup is made and the pid once
// the child runs. A refused plan or a failed setup step is a *SetupFailed;
// any other error is a failure of the launcher itself. When ctx ends
// before the target runs, the child is killed and ctx's error returned.
func Start(ctx context.Context, p *Plan, stdio Stdio, c *state.Claim) (*Process, error) {
	if c == nil {
		return nil, fmt.Errorf("start %s: %w", p.Name, ErrNoClaim)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if res := refusal(p); res != nil {
		return nil, &SetupFailed{res}
	}
	if err := p.imageReady(); err != nil {
		return nil, err
	}
	p, err := mapIDs(c, p)
	if err != nil {
		return nil, err
	}
	cg, w, warnings, err := createCgroup(p, c)
	if err != nil {
		return nil, err
	}
	phase.Mark("create the cgroup")
	proc, res, err := start(ctx, p, stdio, cg, c, w)
	if proc == nil {
		if rerr := removeCgroup(cg); err == nil && res == nil {
			err = rerr
		}
		if res != nil {
			return nil, &SetupFailed{res}
		}
		return nil, err
	}
	phase.Mark("set up the child, until the target's exec")
	proc.warnings = warnings
	if n := proc.net.Notice(); n != "" {
		proc.warnings = append(proc.warnings, n)
	}
	if w := childWarning(); w != "" {
		proc.warnings = append(proc.warnings, w)
	}
	return proc, nil
}

// start runs the child in cgroup cg, or w, the child waiting there when
// it fits, and waits until its target runs.
func start(ctx context.Context, p *Plan, stdio Stdio, cg cgroups.Cgroup, c *state.Claim, w *waiting) (*Process, *Result, error) {
	if w != nil && w.fits(p, stdio) && w.alive() {
		return w.run(ctx, cg, c)
	}
	if w != nil {
		w.Discard() // a cgroup's process, which its removal would kill anyway
	}
	execL, err := execSocket(c, p)
	if err != nil {
		return nil, nil, err
	}
	if execL != nil {
		defer execL.Close()
	}
	spec := childSpec(p, stdio, execL != nil)
	streams, err := newChildStdio(stdio)
	if err != nil {
		return nil, nil, err
	}
	proc, res, err := startChild(ctx, p, spec, execL, streams, cg, c)
	if proc == nil {
		streams.finish() // the child has ended: what it wrote is relayed
	}
	return proc, res, err
}

// childSpec is the spec p's child is sent with stdio: with its terminal,
// serving exec requests when it has an exec socket, and with
// fuse-overlayfs where its root needs it.
func childSpec(p *Plan, stdio Stdio, execServer bool) *isolation.Spec {
	spec := p.Spec
	spec.Terminal = stdio.Terminal
	spec.ExecServer = execServer
	spec.Root.FuseOverlay = fuseOverlayPath(p, &spec)
	return &spec
}

// startChild starts the child with its streams and waits until its
// target runs.
func startChild(ctx context.Context, p *Plan, spec *isolation.Spec, execL *os.File, streams *childStdio, cg cgroups.Cgroup, c *state.Claim) (*Process, *Result, error) {
	ch, err := cloneChild(p, spec, execL, streams, cg, c)
	if err != nil {
		return nil, nil, err
	}
	return runChild(ctx, p, spec, ch, cg, c)
}

// childCommand prepares the sandbox child, the program at self (see
// childPath), for spec. It runs in a session of its own, without a
// controlling terminal until it makes one inside (isolation.Spec.Terminal).
func childCommand(self string, p *Plan, spec *isolation.Spec, specR, statusW *os.File) *exec.Cmd {
	cmd := &exec.Cmd{
		Path:       self,
		Args:       append([]string{"sandbox", isolation.ChildArg}, isolation.EarlyArgs(spec)...),
		Env:        childEnv,
		ExtraFiles: []*os.File{specR, statusW}, // fds 3 and 4: isolation.SpecFD, StatusFD
		SysProcAttr: &syscall.SysProcAttr{
			Pdeathsig: syscall.SIGKILL,
			Setsid:    true,
		},
	}
	for _, ns := range p.Namespaces {
		cmd.SysProcAttr.Cloneflags |= cloneFlags[ns]
	}
	switch {
	case p.SubIDMaps:
		ambientAll(cmd.SysProcAttr) // newuidmap and newgidmap map it once it runs
	case p.UIDMap != nil:
		mapUsers(cmd.SysProcAttr, p)
	}
	return cmd
}

// Pid is the host pid of the sandbox's first process.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Signal sends sig to the sandbox's first process.
func (p *Process) Signal(sig os.Signal) error {
	err := p.cmd.Process.Signal(sig)
	if errors.Is(err, os.ErrProcessDone) {
		return nil
	}
	return err
}

func (p *Process) kill() {
	p.cmd.Process.Kill()
	p.cmd.Wait()
}

// Wait waits for the sandbox to end and reports how. When the first
// process ends, or the timeout expires, whatever is left of the sandbox is
// killed; then its usage is read and its cgroup removed.
func (p *Process) Wait() *Result {
	timedOut := p.awaitExit()
	phase.Mark("run the target")
	p.killAll()
	err := p.cmd.Wait()
	p.term.finish()
	p.stdio.finish()
	r := &Result{Name: p.plan.Name, Duration: time.Since(p.started), Timeout: p.plan.Timeout,
		MemoryLimit: p.plan.Limits.Memory, Warnings: p.warnings}
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		r.ExitCode = 125
		r.SetupError = &isolation.StepError{Step: "wait", Msg: err.Error()}
	} else {
		setExit(r, p.cmd.ProcessState.Sys().(syscall.WaitStatus))
		if p.plan.Spec.Init {
			initExit(r)
		}
	}
	p.finish(r, timedOut)
	if err := p.net.Detach(); err != nil {
		r.Warnings = append(r.Warnings, err.Error())
	}
	phase.Mark("reap and clean up")
	return r
}

func setExit(r *Result, ws syscall.WaitStatus) {
	if ws.Signaled() {
		r.Signal = ws.Signal()
		r.ExitCode = 128 + int(r.Signal)
	} else {
		r.ExitCode = ws.ExitStatus()
	}
}

// childEnv is the environment of the re-executed child, which lives only
// until it executes the target (whose environment comes from the plan):
// one P and no garbage collector make the Go runtime cheaper to start,
// which counts when a batch starts hundreds of sandboxes.
var childEnv = []string{"GOMAXPROCS=1", "GOGC=off"}

// mapUsers writes the plan's id maps for the child's new user namespace and
// makes the child root in it, so that it holds no privilege outside. An
// unprivileged launcher may not allow setgroups there.
func mapUsers(attr *syscall.SysProcAttr, p *Plan) {
	for _, m := range p.UIDMap {
		attr.UidMappings = append(attr.UidMappings, syscall.SysProcIDMap{ContainerID: int(m.Inside), HostID: int(m.Outside), Size: int(m.Count)})
	}
	for _, m := range p.GIDMap {
		attr.GidMappings = append(attr.GidMappings, syscall.SysProcIDMap{ContainerID: int(m.Inside), HostID: int(m.Outside), Size: int(m.Count)})
	}
	attr.GidMappingsEnableSetgroups = !p.Rootless
	attr.Credential = &syscall.Credential{Uid: 0, Gid: 0, NoSetGroups: p.Rootless}
}

// Resize sets the size of the sandbox's terminal (Stdio.Terminal); the
// kernel tells its foreground processes with SIGWINCH. Without a terminal
// it does nothing.
func (p *Process) Resize(ws Winsize) error {
	return p.term.resize(ws)
}
