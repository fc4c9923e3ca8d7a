package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher/receipt"
	"github.com/hclsandbox/sandbox/launcher/state"
)

// runSandbox runs the sandbox command with SANDBOX_RUN set to run, in
// run's parent directory.
func runSandbox(t *testing.T, bin, run string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Dir = filepath.Dir(run)
	cmd.Env = append(os.Environ(), "SANDBOX_RUN="+run)
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.Run()
	return cmd.ProcessState.ExitCode(), out.String(), errb.String()
}

const receiptHCL = `variable "greeting" {
  default = "hi"
}

variable "token" {
  default   = "s3cret-value"
  sensitive = true
}

sandbox "r" {
  rootfs  = "./rootfs"
  command = ["/bin/sh", "-c", "echo ${var.greeting}"]
  env     = { TOKEN = var.token }

  limits {
    memory = "64MiB"
  }
}
`

// TestReceiptVerify writes a receipt with up and with run, verifies it
// on the same host, then changes the rootfs, a variable and a limit in
// turn: verify fails each time and names the difference on a line.
func TestReceiptVerify(t *testing.T) {
	bin, dir := batchSetup(t)
	run, out := filepath.Join(dir, "run"), filepath.Join(dir, "receipts")
	hcl := writeHCL(t, dir, "r.hcl", receiptHCL)
	if code, _, stderr := runSandbox(t, bin, run, "up", "--receipt", out, hcl); code != 0 {
		t.Fatalf("sandbox up = exit %d:\n%s", code, stderr)
	}
	path := filepath.Join(out, "r.json")
	r := readReceipt(t, path)
	checkReceipt(t, r, "up")
	project := filepath.Join(run, state.ProjectsDir, config.ProjectFromDir(dir))
	if kept := readReceipt(t, filepath.Join(project, receipt.Dir, "r.json")); kept.PlanDigest != r.PlanDigest {
		t.Errorf("the state directory's receipt has plan %s, --receipt's %s", kept.PlanDigest, r.PlanDigest)
	}
	if _, err := os.Stat(filepath.Join(project, "r")); err == nil {
		t.Errorf("the sandbox's own state directory is left behind")
	}
	verify := func(args ...string) (int, string) {
		code, stdout, stderr := runSandbox(t, bin, run, append([]string{"verify", path}, args...)...)
		return code, stdout + stderr
	}
	if code, text := verify(); code != 0 || !strings.Contains(text, "r: same") {
		t.Fatalf("verify on the same host = exit %d:\n%s", code, text)
	}

	extra := filepath.Join(dir, "rootfs", "etc", "extra")
	os.WriteFile(extra, []byte("changed\n"), 0o644)
	code, text := verify()
	wantLine(t, "after the rootfs changed", code, text, "rootfs "+filepath.Join(dir, "rootfs")+": digest ")
	os.Remove(extra)

	code, text = verify("--var", "greeting=bye")
	wantLine(t, "after a variable changed", code, text, `variable greeting: "hi" → "bye"`)

	writeHCL(t, dir, "r.hcl", strings.Replace(receiptHCL, `"64MiB"`, `"32MiB"`, 1))
	code, text = verify()
	wantLine(t, "after a limit changed", code, text, "limit limits.memory (memory", "): 67108864 → 33554432")
	wantLine(t, "after a limit changed", code, text, "configuration "+hcl+": sha256 ")

	writeHCL(t, dir, "r.hcl", receiptHCL)
	// A configuration named by a relative path plans the same.
	if code, _, stderr := runSandbox(t, bin, run, "run", "--receipt", out, "r.hcl", "r"); code != 0 {
		t.Fatalf("sandbox run = exit %d:\n%s", code, stderr)
	}
	checkReceipt(t, readReceipt(t, path), "run")
	if code, text := verify(); code != 0 {
		t.Errorf("verify of run's receipt = exit %d:\n%s", code, text)
	}
}

// readReceipt reads a receipt, failing the test when it cannot.
func readReceipt(t *testing.T, path string) *receipt.Receipt {
	t.Helper()
	r, err := receipt.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// checkReceipt checks what a receipt of the test's sandbox must hold:
// the memory limit read back from the cgroup, the exit, the redacted
// secret.
func checkReceipt(t *testing.T, r *receipt.Receipt, command string) {
	t.Helper()
	if r.Command != command || r.Exit == nil || r.Exit.Code != 0 || r.Root.Kind != "rootfs" || r.Root.Digest == "" {
		t.Errorf("receipt = %+v", r)
	}
	readBack := false
	for _, l := range r.Limits {
		if l.Limit == "limits.memory" && l.ReadBack == "67108864" {
			readBack = true
		}
	}
	if !readBack {
		t.Errorf("the memory limit was not read back from the cgroup: %+v", r.Limits)
	}
	b, _ := json.Marshal(r)
	if strings.Contains(string(b), "s3cret-value") {
		t.Errorf("the receipt holds the sensitive value:\n%s", b)
	}
}

// wantLine wants verify to exit 1 with a line holding every part.
func wantLine(t *testing.T, when string, code int, text string, parts ...string) {
	t.Helper()
	for _, line := range strings.Split(text, "\n") {
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(line, p)
		}
		if ok && code == 1 {
			return
		}
	}
	t.Errorf("verify %s = exit %d, want 1 and a line with %q:\n%s", when, code, parts, text)
}
