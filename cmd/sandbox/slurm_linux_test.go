package main

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/launcher/report"
	"github.com/hclsandbox/sandbox/slurm/slurmtest"
)

// slurmBatch is 20 sandboxes: prep, then a job array of 19 workers that
// waits for it; worker 7 fails.
const slurmBatch = `sandbox "prep" {
  rootfs  = "./rootfs"
  command = ["/bin/sh", "-c", "echo prepared"]
}

sandbox "work" {
  count      = 19
  rootfs     = "./rootfs"
  depends_on = { prep = "completed" }
  timeout    = "2m"
  limits {
    memory = "64MiB"
    cpus   = 0.5
  }
  command = ["/bin/sh", "-c", "echo work ${count.index}; exit ${count.index == 7 ? 3 : 0}"]
}
`

// TestUpOnSlurm runs a batch of 20 sandboxes, a job array with a
// dependency, on a real single-node cluster: the summary's exit codes are
// the jobs', and the failing job fails the batch.
func TestUpOnSlurm(t *testing.T) {
	bin, dir := batchSetup(t)
	slurmtest.Start(t)
	file := writeHCL(t, dir, "batch.hcl", slurmBatch)
	r := runUp(t, bin, "--on", "slurm", "--json", file)
	if r.code != 3 {
		t.Fatalf("up --on slurm exit %d, want 3 (work[7]'s)\nstderr:\n%s", r.code, r.stderr)
	}
	if len(r.report.Sandboxes) != 20 {
		t.Fatalf("report has %d sandboxes, want 20: %+v", len(r.report.Sandboxes), r.report.Sandboxes)
	}
	for i, o := range r.report.Sandboxes {
		want := 0
		if o.Name == "work[7]" {
			want = 3
		}
		if o.Result != report.Exited || o.ExitCode != want {
			t.Errorf("sandbox %d %s: %s %d, want exited %d", i, o.Name, o.Result, o.ExitCode, want)
		}
	}
	for _, line := range []string{"prep     | prepared", "work[18] | work 18"} {
		if !strings.Contains(r.stderr, line) {
			t.Errorf("output lacks %q:\n%s", line, r.stderr)
		}
	}
}

// slurmStopBatch has running and queued jobs to cancel, and a job whose
// dependency fails.
const slurmStopBatch = `sandbox "bad" {
  rootfs  = "./rootfs"
  command = ["/bin/sh", "-c", "exit 5"]
}

sandbox "after" {
  rootfs     = "./rootfs"
  depends_on = { bad = "completed" }
  command    = ["/bin/sh", "-c", "echo never"]
}

sandbox "slow" {
  count   = 10
  rootfs  = "./rootfs"
  command = ["/bin/sh", "-c", "echo started; sleep 120"]
}
`

// TestStopOnSlurm checks that stop --on slurm cancels queued and running
// jobs, that a job whose dependency failed is skipped, and that the batch
// exits with the code of the job that failed by itself.
func TestStopOnSlurm(t *testing.T) {
	bin, dir := batchSetup(t)
	slurmtest.Start(t)
	file := writeHCL(t, dir, "stop.hcl", slurmStopBatch)
	var stdout, stderr bytes.Buffer
	up := exec.Command(bin, "up", "--on", "slurm", "--json", file)
	up.Stdout, up.Stderr = &stdout, &stderr
	if err := up.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { up.Process.Kill(); up.Wait() })
	// The test cluster has 8 CPUs: bad runs and fails at once, which
	// cancels after; 7 slow tasks run and 3 wait.
	ps := waitForStates(t, bin, "RUNNING", "PENDING")
	if err := exec.Command(bin, "stop", "--on", "slurm", "--all").Run(); err != nil {
		t.Fatalf("stop --on slurm --all: %v", err)
	}
	up.Wait()
	var rep report.Report
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("decode report: %v\n%s\n%s", err, stdout.String(), stderr.String())
	}
	if code := up.ProcessState.ExitCode(); code != 5 {
		t.Errorf("up exit %d, want 5 (bad's); ps showed:\n%s\nstderr:\n%s", code, ps, stderr.String())
	}
	for _, o := range rep.Sandboxes {
		switch {
		case o.Name == "bad" && (o.Result != report.Exited || o.ExitCode != 5),
			o.Name == "after" && o.Result != report.Skipped,
			strings.HasPrefix(o.Name, "slow") && (!o.Stopped || o.Result != report.Killed && o.Result != report.Skipped):
			t.Errorf("%s: %+v", o.Name, o)
		}
	}
	if t.Failed() {
		out, _ := exec.Command("scontrol", "show", "job", "-o").Output()
		t.Logf("scontrol show job:\n%s", out)
	}
	if out, _ := exec.Command("squeue", "-h").Output(); len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("jobs left in the queue:\n%s", out)
	}
}

// waitForStates waits until ps --on slurm shows every one of states, and
// bad and after have left the queue.
func waitForStates(t *testing.T, bin string, states ...string) string {
	t.Helper()
	var out []byte
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		out, _ = exec.Command(bin, "ps", "--on", "slurm").Output()
		all := !bytes.Contains(out, []byte("bad")) && !bytes.Contains(out, []byte("after"))
		for _, s := range states {
			all = all && bytes.Contains(out, []byte(s))
		}
		if all {
			return string(out)
		}
	}
	t.Fatalf("ps --on slurm never showed %v:\n%s", states, out)
	return ""
}
