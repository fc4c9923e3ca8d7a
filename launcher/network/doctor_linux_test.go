package network

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/internal/testenv"
)

// fakeTool writes an executable shell script named name into dir.
func fakeTool(t *testing.T, dir, name, script string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+script), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// gone fails the test unless the process whose pid is in file has ended:
// no longer there, or a zombie that its new parent has yet to reap.
func gone(t *testing.T, file string) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	for end := time.Now().Add(2 * time.Second); testenv.Alive(pid); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(end) {
			syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("process %d, left behind by the check, still runs", pid)
		}
	}
}

// A pasta that fails without access to /dev/net/tun leaves behind the
// process it forked for the command, holding the output pipe: the
// doctor's check used to wait for it for good. It now reports pasta's
// error at once and leaves nothing running.
func TestCheckPastaFailingLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	straggler := filepath.Join(dir, "straggler")
	fakeTool(t, dir, "pasta", "/bin/sleep 1000 &\necho $! >"+straggler+"\necho 'Failed to open tun socket in namespace' >&2\nexit 1\n")
	for _, tool := range []string{"nsenter", "nft"} {
		fakeTool(t, dir, tool, "exit 0\n")
	}
	t.Setenv("PATH", dir)
	start := time.Now()
	err := CheckPasta()
	if err == nil || !strings.Contains(err.Error(), "Failed to open tun socket") {
		t.Errorf("CheckPasta() = %v, want pasta's own error", err)
	}
	if took := time.Since(start); took > pastaCheckTimeout/2 {
		t.Errorf("CheckPasta() took %s: it waited for what pasta left behind", took)
	}
	gone(t, straggler)
}

// A tool that never ends is killed, with its group, when the timeout has
// passed, and the error says so.
func TestRunGroupedTimeout(t *testing.T) {
	dir := t.TempDir()
	child := filepath.Join(dir, "child")
	tool := fakeTool(t, dir, "hangs", "/bin/sleep 1000 &\necho $! >"+child+"\nexec /bin/sleep 1000\n")
	out, err := runGrouped(300*time.Millisecond, tool)
	if err == nil || !strings.Contains(err.Error(), "did not finish within 300ms") {
		t.Errorf("runGrouped() = %q, %v; want a timeout", out, err)
	}
	gone(t, child)
}
