package state

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hclsandbox/sandbox/internal/await"
	"github.com/hclsandbox/sandbox/launcher/network"
)

// Remove stops the sandbox name if it runs (Stop, with o) and removes
// what it leaves: its record and log, and, for a launcher that is gone,
// its cgroup, mounts and network wiring as gc does. It reports whether
// the sandbox was running. A name that another launcher is claiming at
// that moment is left alone with an error.
func (d Dir) Remove(ctx context.Context, name string, o StopOptions) (running bool, err error) {
	r, err := d.Read(name)
	if errors.Is(err, ErrInvalidName) {
		return false, fmt.Errorf("remove: %w", err)
	}
	running = err == nil && r.Live()
	if running {
		if err := d.Stop(ctx, name, o); err != nil && !errors.Is(err, ErrNotRunning) {
			return true, err
		}
	}
	lock, err := d.lock(ctx, name, time.Second)
	if errors.Is(err, errLocked) {
		return running, fmt.Errorf("remove %s: %w", name, d.runningError(name))
	}
	if err != nil {
		return running, err
	}
	defer lock.Close()
	_, err = d.clean(context.WithoutCancel(ctx), name, true)
	return running, err
}

// Tidy removes d's project directory once no sandbox of it is left:
// its network state directory if it holds nothing but the network lock,
// then the project's directory if it is empty.
func (d Dir) Tidy() {
	if d.Project == "" {
		return
	}
	network.RemoveState(d.Home())
	d.removeHome()
}

// liveSupervisors are the records of names whose supervisor runs.
func (d Dir) liveSupervisors(names []string) []*Record {
	var out []*Record
	for _, name := range names {
		if r, err := d.Read(name); err == nil && r.Live() {
			out = append(out, r)
		}
	}
	return out
}

// awaitExit waits until the supervisor of each of recs has exited, for
// up to wait in all, on a pidfd.
func awaitExit(ctx context.Context, recs []*Record, wait time.Duration) {
	deadline := time.Now().Add(wait)
	for _, r := range recs {
		w := await.New(ctx)
		exited := !w.Pid(r.Supervisor, r.SupervisorStart)
		for !exited && w.Wait(deadline) {
			exited = w.Exited
		}
		w.Release()
	}
}
