package slurm

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/hclsandbox/sandbox/config"
)

// JobPrefix starts the name of every job this package submits, so that ps
// and stop find them among other users' jobs.
const JobPrefix = "sandbox:"

// Job is one sbatch submission: a sandbox, or every instance of a
// fanned-out sandbox as a job array whose task i runs Instances[i].
type Job struct {
	// Base is the sandbox's block label; the job is named JobPrefix+Base.
	Base string
	// File is the configuration file that declares the sandbox.
	File string
	// Instances are the sandbox names the job runs, in task order.
	Instances []string
	// Array is set for a fanned-out sandbox (count or for_each).
	Array bool
	// CPUs is --cpus-per-task; MemoryMB is --mem in MiB (0: the default);
	// TimeMinutes is --time (0: the partition's limit).
	CPUs        int
	MemoryMB    uint64
	TimeMinutes int
	// After are the jobs this one waits for.
	After []Dep
}

// Dep is one dependency: the job of sandbox Base (one array task when
// Task >= 0), by Slurm type: "afterok" for completed, "after" for started.
type Dep struct {
	Base string
	Task int
	Type string
}

// Jobs groups sandboxes into jobs in declaration order: every instance of
// a fanned-out sandbox goes into one array job.
func Jobs(sbs []*config.Sandbox) []*Job {
	var out []*Job
	byBase := map[string]*Job{}
	task := map[string][2]any{} // sandbox name -> base, task index
	for _, s := range sbs {
		j, ok := byBase[s.Base]
		if !ok {
			j = newJob(s)
			byBase[s.Base] = j
			out = append(out, j)
		}
		task[s.Name] = [2]any{s.Base, len(j.Instances)}
		j.Instances = append(j.Instances, s.Name)
	}
	for _, s := range sbs {
		j := byBase[s.Base]
		for _, d := range s.DependsOn {
			j.After = addDeps(j.After, d, task, byBase)
		}
	}
	return out
}

func newJob(s *config.Sandbox) *Job {
	j := &Job{Base: s.Base, File: s.File, Array: s.Key != "", CPUs: 1}
	if l := s.Limits; l != nil {
		if l.CPUs > 0 {
			j.CPUs = int(math.Ceil(l.CPUs))
		}
		j.MemoryMB = (l.Memory + 1<<20 - 1) >> 20
	}
	if s.Timeout > 0 {
		j.TimeMinutes = int(math.Ceil(s.Timeout.Minutes()))
	}
	return j
}

// addDeps adds the jobs a depends_on entry stands for: a whole job when it
// names a sandbox or every instance of one, else the instances' tasks.
func addDeps(deps []Dep, d config.Dependency, task map[string][2]any, byBase map[string]*Job) []Dep {
	typ := "afterok"
	if d.Condition == config.Started {
		typ = "after"
	}
	if j, ok := byBase[d.Name]; ok && len(d.Targets) == len(j.Instances) {
		return appendDep(deps, Dep{Base: d.Name, Task: -1, Type: typ})
	}
	for _, t := range d.Targets {
		bt, ok := task[t]
		if !ok {
			continue
		}
		dep := Dep{Base: bt[0].(string), Task: bt[1].(int), Type: typ}
		if !byBase[dep.Base].Array {
			dep.Task = -1
		}
		deps = appendDep(deps, dep)
	}
	return deps
}

func appendDep(deps []Dep, d Dep) []Dep {
	for _, x := range deps {
		if x == d {
			return deps
		}
	}
	return append(deps, d)
}

// Dependency is the --dependency value of a job, given the submitted ids.
func (j *Job) Dependency(ids map[string]string) string {
	var parts []string
	for _, d := range j.After {
		id := ids[d.Base]
		if d.Task >= 0 {
			id = fmt.Sprintf("%s_%d", id, d.Task)
		}
		parts = append(parts, d.Type+":"+id)
	}
	return strings.Join(parts, ",")
}

// Submission is what sbatch needs to submit a job: its options and script.
type Submission struct {
	Args   []string
	Script string
}

// RunCommand is how a job's step starts one sandbox on the node: the
// sandbox binary and the words before the sandbox name (run, the
// configuration, variables).
type RunCommand struct {
	Binary string
	Args   []string
}

// OutputFile is where the job's task writes its output; task -1 stands
// for Slurm's %a placeholder.
func (j *Job) OutputFile(dir string, task int) string {
	if !j.Array {
		return dir + "/" + j.Base + ".out"
	}
	if task < 0 {
		return dir + "/" + j.Base + "-%a.out"
	}
	return fmt.Sprintf("%s/%s-%d.out", dir, j.Base, task)
}

// Submission is the sbatch command line and script of j; outDir holds its
// output files, ids the job ids of the jobs it depends on.
func (j *Job) Submission(run RunCommand, outDir string, ids map[string]string) Submission {
	args := []string{"--parsable", "--job-name=" + JobPrefix + j.Base,
		fmt.Sprintf("--cpus-per-task=%d", j.CPUs), "--kill-on-invalid-dep=yes",
		"--output=" + j.OutputFile(outDir, -1)}
	if j.MemoryMB > 0 {
		args = append(args, fmt.Sprintf("--mem=%dM", j.MemoryMB))
	}
	if j.TimeMinutes > 0 {
		args = append(args, fmt.Sprintf("--time=%d", j.TimeMinutes))
	}
	if j.Array {
		args = append(args, fmt.Sprintf("--array=0-%d", len(j.Instances)-1))
	}
	if dep := j.Dependency(ids); dep != "" {
		args = append(args, "--dependency="+dep)
	}
	return Submission{Args: args, Script: j.script(run)}
}

// script is the batch script: it picks the instance of its array task and
// replaces itself with `sandbox run`, so the job's exit code is the
// sandbox's.
func (j *Job) script(run RunCommand) string {
	var b strings.Builder
	b.WriteString("#!/bin/sh\n# Written by sandbox up --on slurm: runs " + j.Base + " on the allocated node.\n")
	if !j.Array {
		fmt.Fprintf(&b, "name=%s\n", shellQuote(j.Instances[0]))
	} else {
		b.WriteString("case \"$SLURM_ARRAY_TASK_ID\" in\n")
		for i, n := range j.Instances {
			fmt.Fprintf(&b, "%d) name=%s ;;\n", i, shellQuote(n))
		}
		b.WriteString("*) echo \"unknown array task $SLURM_ARRAY_TASK_ID\" >&2; exit 125 ;;\nesac\n")
	}
	words := append([]string{run.Binary}, run.Args...)
	for i, w := range words {
		words[i] = shellQuote(w)
	}
	fmt.Fprintf(&b, "exec %s \"$name\"\n", strings.Join(words, " "))
	return b.String()
}

// shellQuote quotes s for sh.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:=@%+,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Order is the jobs sorted so that every job comes after the jobs it
// depends on (declaration order otherwise), as submission needs the ids.
func Order(jobs []*Job) []*Job {
	index := map[string]int{}
	for i, j := range jobs {
		index[j.Base] = i
	}
	var out []*Job
	done := map[string]bool{}
	var visit func(j *Job)
	visit = func(j *Job) {
		if done[j.Base] {
			return
		}
		done[j.Base] = true
		deps := append([]Dep(nil), j.After...)
		sort.SliceStable(deps, func(a, b int) bool { return index[deps[a].Base] < index[deps[b].Base] })
		for _, d := range deps {
			if dj := jobs[index[d.Base]]; dj != j {
				visit(dj)
			}
		}
		out = append(out, j)
	}
	for _, j := range jobs {
		visit(j)
	}
	return out
}
