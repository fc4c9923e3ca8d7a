package state

import (
	"time"

	"github.com/hclsandbox/sandbox/launcher/cgroups"
)

// Statuses reads every record and its cgroup's figures now.
func (d Dir) Statuses(now time.Time) ([]Status, error) {
	names, err := d.Names()
	if err != nil {
		return nil, err
	}
	out := []Status{}
	for _, name := range names {
		r, err := d.Read(name)
		if err != nil {
			continue // no record: a finished sandbox's kept log, or one being set up
		}
		out = append(out, statusOf(r, now))
	}
	return out, nil
}

func statusOf(r *Record, now time.Time) Status {
	s := Status{Name: r.Name, Pid: r.Pid, State: "running", Uptime: now.Sub(r.Started).Round(time.Second),
		ConfigFile: r.ConfigFile, Supervisor: r.Supervisor, Detached: r.Detached, Health: r.Health}
	switch {
	case !r.Live():
		s.State = "stale"
	case !r.Running:
		s.State = "starting"
	}
	if r.Cgroup == nil {
		return s
	}
	if cg, err := cgroups.OpenCgroup(*r.Cgroup); err == nil && cg != nil {
		if mem, ok := cgroups.MemoryNow(cg); ok {
			s.Memory = &mem
		}
		if cpu, ok := cgroups.CPUNow(cg); ok {
			s.CPUTime = &cpu
		}
	}
	return s
}
