package launcher

import (
	"strings"
	"testing"
)

// An OOM kill of any process of the sandbox is reported, not only of its
// first: a shell as PID 1 runs a child that allocates past the limit, is
// killed, and the shell exits 1. The result says how many were killed.
func TestOOMChildReported(t *testing.T) {
	h := needCgroups(t, "memory")
	s := sandbox(testRoot(t, true), "/bin/sh", "-c", "/probe alloc 256; exit 1")
	no := false
	s.Init = &no // the shell itself is PID 1
	s.Limits.Memory = 64 << 20
	res, out := run(t, h, s)
	if res.ExitCode != 1 || res.OOMKilled {
		t.Fatalf("result = %+v (stdout %q), want the shell's exit 1, PID 1 not OOM-killed", res, out)
	}
	if res.Usage == nil || res.Usage.OOMKills == 0 {
		t.Fatalf("usage = %+v, want the child's OOM kill counted", res.Usage)
	}
	if got := res.Describe(); got != "exited 1, oom-killed: 1 process" {
		t.Errorf("Describe() = %q, want %q", got, "exited 1, oom-killed: 1 process")
	}
	if got := res.Summary(); !strings.Contains(got, "oom-killed: 1 process") {
		t.Errorf("Summary() = %q, want the OOM kill", got)
	}
}
