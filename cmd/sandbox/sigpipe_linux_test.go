package main

import (
	"bufio"
	"bytes"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/internal/testenv"
)

// TestUpReaderGoesAway: `sandbox up | head -n 1`. Once the reader of its
// output has gone, the launcher stops the sandbox as a first Ctrl-C does,
// with its stop signal, and exits 141 (128 + SIGPIPE) with its report on
// stderr, leaving no record, cgroup, mount or process behind.
func TestUpReaderGoesAway(t *testing.T) {
	bin, dir := batchSetup(t)
	mounts := testenv.MountPoints()
	hcl := writeHCL(t, dir, "pipe.hcl", `sandbox "btpipe" {
  rootfs  = "./rootfs"
  command = ["/bin/sh", "-c", "trap 'echo stopped >&2; exit 0' TERM; while true; do echo line; sleep 0.01; done"]
}
`)
	cmd := exec.Command(bin, "up", hcl)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if _, err := bufio.NewReader(out).ReadString('\n'); err != nil {
		t.Fatalf("first line: %v", err)
	}
	out.Close() // head has what it wanted
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("up still runs 30s after its reader went away; stderr:\n%s", &stderr)
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 141 {
		t.Errorf("up ended with %v, want exit code 141 (not killed by SIGPIPE); stderr:\n%s", err, &stderr)
	}
	if !strings.Contains(stderr.String(), "stopped") || !strings.Contains(stderr.String(), "btpipe") {
		t.Errorf("stderr:\n%s\nwant the sandbox's own graceful stop and the report", &stderr)
	}
	checkNothingLeft(t, "btpipe", mounts)
}
