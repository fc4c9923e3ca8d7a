package launcher

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"

	"github.com/hclsandbox/sandbox/internal/phase"
	"github.com/hclsandbox/sandbox/isolation"
	"github.com/hclsandbox/sandbox/launcher/cgroups"
	"github.com/hclsandbox/sandbox/launcher/state"
)

// child is a sandbox child that runs, in its namespaces and cgroup, and
// waits for its spec on specW; statusR closes when its target runs.
type child struct {
	cmd            *exec.Cmd
	specW, statusR *os.File
	peers          *peerStart // the stage's, on a holder's network
	streams        *childStdio
	started        time.Time
}

// cloneChild starts p's child with its streams in cgroup cg, to be sent
// spec, whose early steps it takes at once (isolation.EarlyArgs).
func cloneChild(p *Plan, spec *isolation.Spec, execL *os.File, streams *childStdio, cg cgroups.Cgroup, c *state.Claim) (*child, error) {
	specR, specW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("create plan pipe: %w", err)
	}
	statusR, statusW, err := os.Pipe()
	if err != nil {
		closeAll(specR, specW)
		return nil, fmt.Errorf("create status pipe: %w", err)
	}
	self, err := childPath(p.UIDMap != nil)
	if err != nil {
		closeAll(specR, specW, statusR, statusW)
		return nil, err
	}
	cmd := childCommand(self, p, spec, specR, statusW)
	if execL != nil {
		cmd.ExtraFiles = append(cmd.ExtraFiles, execL) // fd 5: isolation.ExecFD
	}
	streams.apply(cmd)
	var peers *peerStart
	closeFD, err := intoCgroup(cmd, cg)
	if err == nil && inHolderNet(p) {
		if peers, err = reservePeers(p, c, cmd); err != nil {
			closeFD()
		}
	}
	if err != nil {
		closeAll(specR, specW, statusR, statusW)
		return nil, err
	}
	start := time.Now()
	err = startIn(cmd, cg)
	phase.Mark("clone and exec the child")
	closeFD()
	closeAll(specR, statusW)
	if err == nil && peers != nil {
		cmd, err = peers.started(cmd)
	}
	if err != nil {
		closeAll(specW, statusR)
		if peers != nil {
			peers.closeFiles()
			peers.att.Detach()
		}
		if p.Rootless && p.UIDMap != nil {
			return nil, fmt.Errorf("start sandbox child: %w (%s)", err, UsernsRestrictions())
		}
		return nil, fmt.Errorf("start sandbox child: %w", err)
	}
	streams.started()
	return &child{cmd: cmd, specW: specW, statusR: statusR, peers: peers, streams: streams, started: start}, nil
}

// runChild records the child's pid, maps its ids and attaches its
// network where it needs them, sends it the spec and waits until its target
// runs.
func runChild(ctx context.Context, p *Plan, spec *isolation.Spec, ch *child, cg cgroups.Cgroup, c *state.Claim) (*Process, *Result, error) {
	defer ch.statusR.Close()
	cmd, specW := ch.cmd, ch.specW
	proc := &Process{plan: p, cmd: cmd, started: ch.started, cgroup: cg, stdio: ch.streams}
	if err := c.NotePid(cmd.Process.Pid); err != nil {
		specW.Close()
		proc.kill()
		return nil, nil, err
	}
	if p.SubIDMaps && ch.peers == nil { // else the stage mapped them
		if err := writeSubIDMaps(cmd.Process.Pid, p); err != nil {
			specW.Close()
			proc.kill()
			return nil, nil, err
		}
	}
	var err error
	if proc.net, err = attachNetwork(p, c, cmd.Process.Pid, spec, ch.peers); err != nil {
		specW.Close()
		proc.kill()
		return nil, nil, err
	}
	if err := sendSpec(specW, spec); err != nil {
		proc.kill()
		proc.net.Detach()
		return nil, nil, err
	}
	// ctx ending kills the child while it sets up; its status pipe then
	// closes as on an exec, so stop tells which it was.
	stop := context.AfterFunc(ctx, func() { cmd.Process.Kill() })
	stepErr := readStatus(ch.statusR)
	if !stop() {
		cmd.Wait()
		proc.net.Detach()
		return nil, nil, fmt.Errorf("start %s: %w", p.Name, context.Cause(ctx))
	}
	if stepErr != nil {
		cmd.Wait()
		proc.net.Detach()
		return nil, &Result{Name: p.Name, ExitCode: stepErr.ExitCode(), SetupError: stepErr, Duration: time.Since(ch.started)}, nil
	}
	if proc.term, err = ch.streams.attach(); err != nil {
		proc.kill()
		proc.net.Detach()
		return nil, nil, err
	}
	c.NoteRunning()
	return proc, nil, nil
}

// closeAll closes files on a failed path, whose errors say nothing more.
func closeAll(fs ...*os.File) {
	for _, f := range fs {
		f.Close()
	}
}

func sendSpec(w *os.File, s *isolation.Spec) error {
	b, err := s.MarshalBinary()
	if err == nil {
		_, err = w.Write(b)
	}
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("send plan to sandbox child: %w", err)
	}
	return nil
}

// readStatus waits until the child closes the status pipe. EOF with no data
// means the target was executed; otherwise the child names its failed step.
func readStatus(r io.Reader) *isolation.StepError {
	b, err := io.ReadAll(r)
	if err != nil {
		return &isolation.StepError{Step: "read child status", Msg: err.Error()}
	}
	if len(b) == 0 {
		return nil
	}
	var e isolation.StepError
	if err := json.Unmarshal(b, &e); err != nil {
		return &isolation.StepError{Step: "read child status", Msg: fmt.Sprintf("malformed status %q", b)}
	}
	return &e
}
