package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/testenv"
	"github.com/hclsandbox/sandbox/launcher/state"
	"github.com/hclsandbox/sandbox/launcher/testrun"
)

// testResult is one finished `sandbox test`.
type testResult struct {
	code           int
	stdout, stderr string
	report         testrun.Report
}

// runTest runs `sandbox test args...`, decoding the --json report if any.
func runTest(t *testing.T, bin string, args ...string) testResult {
	t.Helper()
	var r testResult
	r.code, r.stdout, r.stderr = runCommand(t, &r.report, bin, "test", args...)
	return r
}

// exampleTest copies examples/test.hcl and its golden file into dir.
func exampleTest(t *testing.T, dir string) string {
	t.Helper()
	src, err := os.ReadFile("../../examples/test.hcl")
	if err != nil {
		t.Fatal(err)
	}
	golden, err := os.ReadFile("../../examples/testdata/greeting.out")
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(dir, "testdata"), 0o755)
	if err := os.WriteFile(filepath.Join(dir, "testdata", "greeting.out"), golden, 0o644); err != nil {
		t.Fatal(err)
	}
	return writeHCL(t, dir, "test.hcl", strings.ReplaceAll(string(src), "./rootfs/busybox", "./rootfs"))
}

// TestExampleTest runs examples/test.hcl as CI does: every case passes
// but hog, which breaks its memory ceiling on purpose and fails on that
// check alone; the exit code is 1 and the JUnit report validates against
// the JUnit schema.
func TestExampleTest(t *testing.T) {
	bin, dir := batchSetup(t)
	hcl := exampleTest(t, dir)
	junit := filepath.Join(dir, "report.xml")
	r := runTest(t, bin, "--json", "--junit", junit, hcl)
	if r.code != 1 {
		t.Fatalf("sandbox test = exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	if len(r.report.Tests) != 7 || r.report.Passed != 6 || r.report.Failed != 1 {
		t.Fatalf("report: %d tests, %d passed, %d failed; want 7, 6, 1:\n%s", len(r.report.Tests), r.report.Passed, r.report.Failed, r.stdout)
	}
	for _, c := range r.report.Tests {
		var failed []string
		for _, v := range c.Verdicts {
			if !v.Pass {
				failed = append(failed, v.Check)
			}
		}
		want := ""
		if c.Name == "hog" {
			want = "max_peak_memory"
		}
		if got := strings.Join(failed, ","); got != want {
			t.Errorf("%s: failed checks %q, want %q", c.Name, got, want)
		}
	}
	if lint := testenv.XMLLint(t); lint != "" {
		testenv.ValidateJUnit(t, lint, "testdata/junit/junit-4.xsd", junit)
	}
	b, _ := os.ReadFile(junit)
	if n := strings.Count(string(b), "<failure "); n != 1 {
		t.Errorf("JUnit report has %d failures, want 1:\n%s", n, b)
	}
}

// TestTestUpdateAndFiles breaks a golden file, sees the check name the
// first differing line, rewrites it with --update and passes; a file the
// sandbox writes into a bind mount is checked by digest.
func TestTestUpdateAndFiles(t *testing.T) {
	bin, dir := batchSetup(t)
	os.MkdirAll(filepath.Join(dir, "out"), 0o755)
	os.MkdirAll(filepath.Join(dir, "testdata"), 0o755)
	os.WriteFile(filepath.Join(dir, "testdata", "g.out"), []byte("one\nTWO\n"), 0o644)
	hcl := writeHCL(t, dir, "t.hcl", `sandbox "g" {
  rootfs  = "./rootfs"
  command = ["/bin/sh", "-c", "echo one; echo two; echo hello > /out/greeting"]
  mount {
    type   = "bind"
    source = "./out"
    target = "/out"
  }
  expect {
    stdout {
      golden = "testdata/g.out"
    }
    file "/out/greeting" {
      sha256 = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
    }
  }
}
`)
	r := runTest(t, bin, hcl)
	if r.code != 1 || !strings.Contains(r.stdout, `expected line 2: "TWO\n", got line 2: "two\n"`) {
		t.Fatalf("sandbox test = exit %d, want 1 naming line 2:\n%s%s", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout, "FAIL file /out/greeting") {
		t.Errorf("the file check failed:\n%s", r.stdout)
	}
	if r := runTest(t, bin, "--update", hcl); r.code != 0 || !strings.Contains(r.stderr, "updated "+filepath.Join(dir, "testdata", "g.out")) {
		t.Fatalf("sandbox test --update = exit %d, want 0 naming the file:\n%s%s", r.code, r.stdout, r.stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "testdata", "g.out")); string(b) != "one\ntwo\n" {
		t.Errorf("golden file after --update = %q", b)
	}
	if r := runTest(t, bin, hcl); r.code != 0 {
		t.Errorf("sandbox test after --update = exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestTestInterrupted stops a test run with SIGINT, as Ctrl-C does: the
// sandbox is stopped, its checks are reported and the exit code is 130.
func TestTestInterrupted(t *testing.T) {
	bin, dir := batchSetup(t)
	run := filepath.Join(dir, "run")
	hcl := writeHCL(t, dir, "i.hcl", `sandbox "tint" {
  rootfs       = "./rootfs"
  command      = ["/bin/sleep", "30"]
  stop_timeout = "1s"
  expect {
    exit_code = 0
  }
}
`)
	var stdout bytes.Buffer
	cmd := exec.Command(bin, "test", hcl)
	cmd.Env = append(os.Environ(), "SANDBOX_RUN="+run)
	cmd.Stdout = &stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		if _, err := os.Stat(filepath.Join(run, state.ProjectsDir, config.ProjectFromDir(dir), "tint", "state.json")); err == nil {
			break
		}
		if i == 500 {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatal("the sandbox did not start")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGINT)
	cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 130 || !strings.Contains(stdout.String(), "--- FAIL: tint") {
		t.Errorf("sandbox test interrupted = exit %d, want 130 and a report:\n%s", code, stdout.String())
	}
}

// TestTestPersistentFile checks a file a sandbox writes into a persistent
// rootfs, read from the upper layer once the sandbox has ended, and one
// it leaves alone, read from the rootfs below.
func TestTestPersistentFile(t *testing.T) {
	bin, dir := batchSetup(t)
	os.WriteFile(filepath.Join(dir, "rootfs", "etc", "motd"), []byte("hello\n"), 0o644)
	hcl := writeHCL(t, dir, "p.hcl", `sandbox "tp" {
  rootfs {
    source    = "./rootfs"
    mode      = "persistent"
    state_dir = "./state"
  }
  command = ["/bin/sh", "-c", "echo hello > /etc/marker"]
  expect {
    file "/etc/marker" {
      sha256 = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
    }
    file "/etc/motd" {
      sha256 = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
    }
  }
}
`)
	if r := runTest(t, bin, "-v", hcl); r.code != 0 || strings.Count(r.stdout, "    ok   file ") != 2 {
		t.Errorf("sandbox test = exit %d, want 0 with two file checks:\n%s%s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "rootfs", "etc", "marker")); err == nil {
		t.Error("the write reached the rootfs below the overlay")
	}
}

// TestTestRunsOnce checks the one run of a sandbox whose restart policy
// would start it again forever under up.
func TestTestRunsOnce(t *testing.T) {
	bin, dir := batchSetup(t)
	hcl := writeHCL(t, dir, "o.hcl", `sandbox "tonce" {
  rootfs  = "./rootfs"
  command = ["/bin/sh", "-c", "echo ran >> /out/runs; exit 3"]
  restart = "always"
  mount {
    type   = "bind"
    source = "./out"
    target = "/out"
  }
  expect {
    exit_code = 3
  }
}
`)
	os.MkdirAll(filepath.Join(dir, "out"), 0o755)
	if r := runTest(t, bin, hcl); r.code != 0 {
		t.Errorf("sandbox test = exit %d, want 0:\n%s%s", r.code, r.stdout, r.stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "out", "runs")); string(b) != "ran\n" {
		t.Errorf("runs = %q, want one", b)
	}
}
