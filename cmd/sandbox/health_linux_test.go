package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/internal/testenv"
	"github.com/hclsandbox/sandbox/launcher/report"
)

// healthHCL is a server whose check passes once the host creates
// shared/ready, and a job that waits for it to be healthy. The check
// also wants the server's hostname: it must run inside the server.
const healthHCL = `sandbox "hok-srv" {
  rootfs  = "./rootfs"
  command = ["/bin/sh", "-c", "while [ ! -e /shared/stop ]; do sleep 0.05; done"]
  mount {
    type   = "bind"
    source = "./shared"
    target = "/shared"
  }
  health {
    command  = "echo check >> /shared/checks; [ \"$(hostname)\" = hok-srv ] && test -e /shared/ready"
    interval = "50ms"
    retries  = 1000000
  }
}
sandbox "hok-job" {
  rootfs     = "./rootfs"
  command    = ["/bin/sh", "-c", "touch /shared/job-started; test -e /shared/ready || exit 7; touch /shared/stop"]
  depends_on = { "hok-srv" = "healthy" }
  mount {
    type   = "bind"
    source = "./shared"
    target = "/shared"
  }
}
`

// TestUpWaitsHealthy: a job with depends_on = { server = "healthy" } does
// not start while the server runs but its check fails, and starts once a
// check inside it passes.
func TestUpWaitsHealthy(t *testing.T) {
	bin, dir := batchSetup(t)
	mounts := testenv.MountPoints()
	shared := filepath.Join(dir, "shared")
	if err := os.Mkdir(shared, 0o755); err != nil {
		t.Fatal(err)
	}
	hcl := writeHCL(t, dir, "health.hcl", healthHCL)
	var out, errOut bytes.Buffer
	cmd := exec.Command(bin, "up", "--json", hcl)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitChecks(t, filepath.Join(shared, "checks"), 3)
	if _, err := os.Stat(filepath.Join(shared, "job-started")); err == nil {
		t.Error("the job started while the server's checks failed")
	}
	var sts []struct{ Name, Health string }
	if code, _, stderr := runCommand(t, &sts, bin, "ps", "--all-projects", "--json"); code != 0 || !slices.Contains(sts, struct{ Name, Health string }{"hok-srv", "starting"}) {
		t.Errorf("ps = %d %+v, want hok-srv starting\n%s", code, sts, stderr)
	}
	if err := os.WriteFile(filepath.Join(shared, "ready"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var rep report.Report
	if jerr := json.Unmarshal(out.Bytes(), &rep); err != nil || jerr != nil {
		t.Fatalf("up: %v, report %v\n%s\n%s", err, jerr, out.String(), errOut.String())
	}
	srv := rep.Sandboxes[0]
	if srv.Health != "healthy" || srv.ExitCode != 0 || rep.Sandboxes[1].ExitCode != 0 {
		t.Errorf("report = %+v", rep.Sandboxes)
	}
	if !strings.Contains(errOut.String(), "hok-srv | healthy") {
		t.Errorf("no status line for the server's health:\n%s", errOut.String())
	}
	checkNothingLeft(t, "hok-", mounts)
}

// waitChecks waits until the file has n lines: n checks ran.
func waitChecks(t *testing.T, path string, n int) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if b, _ := os.ReadFile(path); bytes.Count(b, []byte("\n")) >= n {
			return
		}
	}
	t.Fatalf("%d checks did not run", n)
}

// TestUpUnhealthyDependency: a dependency whose checks fail retries times
// in a row skips its dependent, with one line that names it and its last
// check's exit code and output, which the report repeats.
func TestUpUnhealthyDependency(t *testing.T) {
	bin, dir := batchSetup(t)
	mounts := testenv.MountPoints()
	shared := filepath.Join(dir, "shared")
	if err := os.Mkdir(shared, 0o755); err != nil {
		t.Fatal(err)
	}
	hcl := writeHCL(t, dir, "unhealthy.hcl", `sandbox "hbad-srv" {
  rootfs  = "./rootfs"
  command = ["/bin/sh", "-c", "while [ $(cat /shared/checks 2>/dev/null | wc -l) -lt 3 ]; do sleep 0.05; done"]
  mount {
    type   = "bind"
    source = "./shared"
    target = "/shared"
  }
  health {
    command  = ["/bin/sh", "-c", "echo check >> /shared/checks; echo not ready yet; exit 3"]
    interval = "100ms"
    retries  = 2
  }
}
sandbox "hbad-job" {
  rootfs     = "./rootfs"
  command    = ["/bin/touch", "/shared/job-ran"]
  depends_on = { "hbad-srv" = "healthy" }
  mount {
    type   = "bind"
    source = "./shared"
    target = "/shared"
  }
}
`)
	r := runUp(t, bin, "--json", hcl)
	line := "sandbox: hbad-job not started: hbad-srv is unhealthy: 2 checks in a row failed, the last exited 3: not ready yet"
	if r.code != 125 || strings.Count(r.stderr, line+"\n") != 1 {
		t.Errorf("exit code %d, want 125 and one line %q:\n%s", r.code, line, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(shared, "job-ran")); err == nil {
		t.Error("the dependent of an unhealthy sandbox ran")
	}
	srv, job := r.report.Sandboxes[0], r.report.Sandboxes[1]
	if srv.Health != "unhealthy" || srv.LastCheck == "" { // a last check may race the server's end
		t.Errorf("server = %+v, want unhealthy and its last check", srv)
	}
	if want := strings.TrimPrefix(line, "sandbox: hbad-job not started: "); job.Result != report.Skipped || job.Reason != want {
		t.Errorf("job = %s %q, want skipped %q", job.Result, job.Reason, want)
	}
	if strings.Contains(r.stderr, "hbad-srv | not ready yet") {
		t.Errorf("the check's output went into the sandbox's:\n%s", r.stderr)
	}
	checkNothingLeft(t, "hbad-", mounts)
}

// TestUpHealthSummary: the summary table shows the health of a sandbox
// with a check after its result, as docker does after a status. The
// sandbox outlives its first check by a second: a sandbox that ends while
// its check is still exiting takes the check with it (its processes die
// with the sandbox's pid namespace), and a check that did not finish says
// nothing, which on a slow machine left the sandbox "starting".
func TestUpHealthSummary(t *testing.T) {
	bin, dir := batchSetup(t)
	mounts := testenv.MountPoints()
	hcl := writeHCL(t, dir, "summary.hcl", `sandbox "hsum" {
  rootfs  = "./rootfs"
  command = ["/bin/sh", "-c", "while [ ! -e /tmp/checked ]; do sleep 0.05; done; sleep 1"]
  health {
    command  = "touch /tmp/checked"
    interval = "50ms"
  }
}
`)
	r := runUp(t, bin, hcl)
	if r.code != 0 || !strings.Contains(r.stdout+r.stderr, "exited 0 (healthy)") {
		t.Errorf("exit code %d, summary:\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	checkNothingLeft(t, "hsum", mounts)
}

// TestUpHealthTimeout: a check that outlives its timeout is killed and
// counts as failed: with retries = 1 the dependent is skipped for it.
func TestUpHealthTimeout(t *testing.T) {
	bin, dir := batchSetup(t)
	mounts := testenv.MountPoints()
	if err := os.Mkdir(filepath.Join(dir, "shared"), 0o755); err != nil {
		t.Fatal(err)
	}
	hcl := writeHCL(t, dir, "timeout.hcl", `sandbox "hto-srv" {
  rootfs  = "./rootfs"
  command = ["/bin/sh", "-c", "while [ $(cat /shared/checks 2>/dev/null | wc -l) -lt 2 ]; do sleep 0.05; done"]
  mount {
    type   = "bind"
    source = "./shared"
    target = "/shared"
  }
  health {
    command  = "echo check >> /shared/checks; exec sleep 1000"
    interval = "50ms"
    timeout  = "200ms"
    retries  = 1
  }
}
sandbox "hto-job" {
  rootfs     = "./rootfs"
  command    = ["/bin/true"]
  depends_on = { "hto-srv" = "healthy" }
}
`)
	r := runUp(t, bin, "--json", hcl)
	want := "hto-srv is unhealthy: 1 check failed, the last timed out after 200ms"
	if job := r.report.Sandboxes[1]; job.Result != report.Skipped || job.Reason != want {
		t.Errorf("job = %s %q, want skipped %q\n%s", job.Result, job.Reason, want, r.stderr)
	}
	checkNothingLeft(t, "hto-", mounts)
}
