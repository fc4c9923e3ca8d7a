package slurm

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/config"
)

func batch() []*config.Sandbox {
	prep := &config.Sandbox{Name: "prep", File: "/c/b.hcl", Batching: config.Batching{Base: "prep"},
		Resources: config.Resources{Timeout: 90 * time.Second, Limits: &config.Limits{CPUs: 1.5, Memory: 100<<20 + 1}}}
	out := []*config.Sandbox{prep}
	for i := 0; i < 3; i++ {
		out = append(out, &config.Sandbox{Name: fmt.Sprintf("work[%d]", i), File: "/c/b.hcl",
			Batching: config.Batching{Base: "work", Key: fmt.Sprint(i), DependsOn: []config.Dependency{
				{Name: "prep", Condition: config.Completed, Targets: []string{"prep"}}}}})
	}
	out = append(out, &config.Sandbox{Name: "report", File: "/c/b.hcl", Batching: config.Batching{Base: "report",
		DependsOn: []config.Dependency{
			{Name: "work", Condition: config.Completed, Targets: []string{"work[0]", "work[1]", "work[2]"}},
			{Name: "work[1]", Condition: config.Started, Targets: []string{"work[1]"}}}}})
	return out
}

func TestJobs(t *testing.T) {
	jobs := Jobs(batch())
	if len(jobs) != 3 {
		t.Fatalf("Jobs = %d jobs, want prep, the work array and report", len(jobs))
	}
	prep, work, report := jobs[0], jobs[1], jobs[2]
	if prep.CPUs != 2 || prep.MemoryMB != 101 || prep.TimeMinutes != 2 || prep.Array {
		t.Errorf("prep = %+v, want 2 cpus, 101 MiB, 2 minutes, no array", prep)
	}
	if !work.Array || !reflect.DeepEqual(work.Instances, []string{"work[0]", "work[1]", "work[2]"}) {
		t.Errorf("work = %+v, want an array of the three instances", work)
	}
	ids := map[string]string{"prep": "10", "work": "11"}
	if got, want := work.Dependency(ids), "afterok:10"; got != want {
		t.Errorf("work.Dependency = %q, want %q", got, want)
	}
	if got, want := report.Dependency(ids), "afterok:11,after:11_1"; got != want {
		t.Errorf("report.Dependency = %q, want %q", got, want)
	}
}

func TestSubmission(t *testing.T) {
	jobs := Jobs(batch())
	run := RunCommand{Binary: "/usr/bin/sandbox", Args: []string{"run", "/c/my dir/b.hcl"}}
	sub := jobs[1].Submission(run, "/c/out", map[string]string{"prep": "10"})
	want := []string{"--parsable", "--job-name=sandbox:work", "--cpus-per-task=1", "--kill-on-invalid-dep=yes",
		"--output=/c/out/work-%a.out", "--array=0-2", "--dependency=afterok:10"}
	if !reflect.DeepEqual(sub.Args, want) {
		t.Errorf("args = %q\nwant %q", sub.Args, want)
	}
	for _, line := range []string{"1) name='work[1]' ;;", `exec /usr/bin/sandbox run '/c/my dir/b.hcl' "$name"`} {
		if !strings.Contains(sub.Script, line+"\n") {
			t.Errorf("script lacks %q:\n%s", line, sub.Script)
		}
	}
	args := jobs[0].Submission(run, "/c/out", nil).Args
	if !reflect.DeepEqual(args[4:], []string{"--output=/c/out/prep.out", "--mem=101M", "--time=2"}) {
		t.Errorf("prep args = %q", args)
	}
}

func TestOrderPutsDependenciesFirst(t *testing.T) {
	jobs := Jobs(batch())
	rev := []*Job{jobs[2], jobs[1], jobs[0]}
	var got []string
	for _, j := range Order(rev) {
		got = append(got, j.Base)
	}
	if want := []string{"prep", "work", "report"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Order = %v, want %v", got, want)
	}
}

func TestParseStates(t *testing.T) {
	out := "JobId=12 ArrayJobId=11 ArrayTaskId=1 JobName=sandbox:work JobState=FAILED Reason=NonZeroExitCode ExitCode=3:0 RunTime=00:01:05 BatchHost=vm\n" +
		"JobId=11 ArrayJobId=11 ArrayTaskId=0,2-3%2 JobName=sandbox:work JobState=CANCELLED Reason=DependencyNeverSatisfied ExitCode=0:0 RunTime=00:00:00\n"
	got := ParseStates(out)
	want := map[int]TaskState{
		1: {State: "FAILED", Reason: "NonZeroExitCode", ExitCode: 3, RunTime: 65 * time.Second, Started: true},
		0: {State: "CANCELLED", Reason: "DependencyNeverSatisfied"},
		2: {State: "CANCELLED", Reason: "DependencyNeverSatisfied"},
		3: {State: "CANCELLED", Reason: "DependencyNeverSatisfied"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseStates = %+v, want %+v", got, want)
	}
	rest := ParseStates("JobId=3 ArrayJobId=3 ArrayTaskId=4294967294 JobState=CANCELLED Reason=None ExitCode=0:0\n")
	if st := Task(rest, 8); st.State != "CANCELLED" || st.Started {
		t.Errorf("Task(8) of the cancelled rest of an array = %+v, want cancelled, never started", st)
	}
}

func TestSubmitFake(t *testing.T) {
	var calls []string
	next := 100
	fake := func(_ context.Context, stdin, name string, args ...string) (string, error) {
		calls = append(calls, name+" "+strings.Join(args, " "))
		next++
		return fmt.Sprintf("%d;cluster\n", next), nil
	}
	ids, err := Submit(context.Background(), fake, Jobs(batch()), func(*Job) RunCommand { return RunCommand{Binary: "sandbox"} }, "/o")
	if err != nil {
		t.Fatal(err)
	}
	if ids["prep"] != "101" || ids["work"] != "102" || ids["report"] != "103" {
		t.Errorf("ids = %v", ids)
	}
	if !strings.HasSuffix(calls[2], "--dependency=afterok:102,after:102_1") {
		t.Errorf("report submitted as %q", calls[2])
	}
}

// TestUpRefusesHealthy: a "healthy" dependency has no Slurm dependency
// type, and afterok would wait for a server to end: up refuses it before
// submitting anything.
func TestUpRefusesHealthy(t *testing.T) {
	db := &config.Sandbox{Name: "db"}
	app := &config.Sandbox{Name: "app"}
	app.DependsOn = []config.Dependency{{Name: "db", Targets: []string{"db"}, Condition: config.Healthy}}
	_, err := Up(context.Background(), Batch{Sandboxes: []*config.Sandbox{db, app}})
	if err == nil || !strings.Contains(err.Error(), `depends_on db = "healthy" cannot run --on slurm`) {
		t.Errorf("Up = %v, want the healthy dependency refused", err)
	}
}
