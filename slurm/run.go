package slurm

import (
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// Commander runs a Slurm client command with stdin and returns its
// standard output; tests fake it.
type Commander func(ctx context.Context, stdin string, name string, args ...string) (string, error)

// Exec runs the real client commands found on PATH.
func Exec(ctx context.Context, stdin string, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok {
		return string(out), fmt.Errorf("%s: %v: %s", name, err, strings.TrimSpace(string(ee.Stderr)))
	}
	if err != nil {
		return string(out), fmt.Errorf("%s: %w", name, err)
	}
	return string(out), nil
}

// Submit submits jobs in dependency order and returns each job's id by
// base name. On an error the jobs already submitted are returned too, so
// that the caller can cancel them.
func Submit(ctx context.Context, c Commander, jobs []*Job, run func(*Job) RunCommand, outDir string) (map[string]string, error) {
	ids := map[string]string{}
	for _, j := range Order(jobs) {
		sub := j.Submission(run(j), outDir, ids)
		out, err := c(ctx, sub.Script, "sbatch", sub.Args...)
		if err != nil {
			return ids, fmt.Errorf("submit %s: %w", j.Base, err)
		}
		id, _, _ := strings.Cut(strings.TrimSpace(out), ";") // --parsable: ID[;CLUSTER]
		if id == "" {
			return ids, fmt.Errorf("submit %s: sbatch printed no job id", j.Base)
		}
		ids[j.Base] = id
	}
	return ids, nil
}

// Wait polls squeue until none of the jobs is pending or running.
func Wait(ctx context.Context, c Commander, ids map[string]string, every time.Duration) error {
	list := idList(ids)
	for {
		out, err := c(ctx, "", "squeue", "-h", "-j", list, "-o", "%i")
		if err != nil {
			return err
		}
		if strings.TrimSpace(out) == "" {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(every):
		}
	}
}

func idList(ids map[string]string) string {
	var l []string
	for _, id := range ids {
		l = append(l, id)
	}
	return strings.Join(l, ",")
}

// Cancel cancels jobs, queued and running alike.
func Cancel(ctx context.Context, c Commander, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := c(ctx, "", "scancel", ids...)
	return err
}

// TaskState is how one task (one sandbox) ended, as scontrol reports it.
type TaskState struct {
	// State is Slurm's job state: COMPLETED, FAILED, CANCELLED, TIMEOUT,
	// OUT_OF_MEMORY, NODE_FAIL, ...
	State string
	// Reason is why a job did not run, such as DependencyNeverSatisfied.
	Reason string
	// ExitCode and Signal are the batch script's, that is `sandbox run`'s.
	ExitCode, Signal int
	// RunTime is how long it ran.
	RunTime time.Duration
	// Started is set once the job was given a node.
	Started bool
}

// States reads how every task of a job ended: by array task index, or
// index 0 for a job that is not an array.
func States(ctx context.Context, c Commander, id string) (map[int]TaskState, error) {
	out, err := c(ctx, "", "scontrol", "show", "job", "-o", id)
	if err != nil {
		return nil, err
	}
	return ParseStates(out), nil
}

// Task is how task i ended: its own record, else the record of the
// array's tasks that never started.
func Task(states map[int]TaskState, i int) TaskState {
	if st, ok := states[i]; ok {
		return st
	}
	return states[-1]
}

// ParseStates parses `scontrol show job -o` output, one job a line.
func ParseStates(out string) map[int]TaskState {
	states := map[int]TaskState{}
	for _, line := range strings.Split(out, "\n") {
		f := fields(line)
		if f["JobId"] == "" {
			continue
		}
		st := TaskState{State: f["JobState"], Reason: f["Reason"], RunTime: parseRunTime(f["RunTime"]),
			Started: f["BatchHost"] != "" && f["BatchHost"] != "(null)"}
		code, sig, _ := strings.Cut(f["ExitCode"], ":")
		st.ExitCode, _ = strconv.Atoi(code)
		st.Signal, _ = strconv.Atoi(sig)
		for _, task := range taskIDs(f["ArrayTaskId"]) {
			states[task] = st
		}
	}
	return states
}

// noTask is the ArrayTaskId of the record that holds an array's tasks that
// never started once they are cancelled: Slurm no longer lists them.
const noTask = "4294967294"

// taskIDs expands an ArrayTaskId: "3", or for tasks that never started and
// so are still one record, a list of ranges "1-3,5" (with an optional
// "%N" throttle). A job that is not an array is task 0; the record of
// cancelled tasks that never started is task -1 (see Task).
func taskIDs(s string) []int {
	s, _, _ = strings.Cut(s, "%")
	switch s {
	case "":
		return []int{0}
	case noTask:
		return []int{-1}
	}
	var out []int
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			continue
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil {
				continue
			}
		}
		for i := a; i <= b; i++ {
			out = append(out, i)
		}
	}
	return out
}

// fields splits "Key=Value Key=Value" words; values hold no spaces in the
// keys read here.
func fields(line string) map[string]string {
	out := map[string]string{}
	for _, w := range strings.Fields(line) {
		if k, v, ok := strings.Cut(w, "="); ok {
			if _, seen := out[k]; !seen {
				out[k] = v
			}
		}
	}
	return out
}

// parseRunTime parses [D-]HH:MM:SS.
func parseRunTime(s string) time.Duration {
	var days int
	if d, rest, ok := strings.Cut(s, "-"); ok {
		days, _ = strconv.Atoi(d)
		s = rest
	}
	var total int
	for _, p := range strings.Split(s, ":") {
		n, _ := strconv.Atoi(p)
		total = total*60 + n
	}
	return time.Duration(days*86400+total) * time.Second
}

// Queued is one of this package's jobs in squeue, for ps.
type Queued struct {
	ID, Name, State, Time, Nodes string
}

// List returns the jobs in the queue whose names start with JobPrefix.
func List(ctx context.Context, c Commander) ([]Queued, error) {
	out, err := c(ctx, "", "squeue", "-h", "-o", "%i|%j|%T|%M|%R")
	if err != nil {
		return nil, err
	}
	var qs []Queued
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		p := strings.SplitN(line, "|", 5)
		if len(p) == 5 && strings.HasPrefix(p[1], JobPrefix) {
			qs = append(qs, Queued{ID: p[0], Name: strings.TrimPrefix(p[1], JobPrefix), State: p[2], Time: p[3], Nodes: p[4]})
		}
	}
	return qs, nil
}
