package main

import (
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/internal/testenv"
)

// TestUpRestartPolicy checks the restart policies in a plain up: on-failure
// restarts with backoff up to max_restarts, always restarts after exit 0,
// no never restarts.
func TestUpRestartPolicy(t *testing.T) {
	bin, dir := batchSetup(t)
	mounts := testenv.MountPoints()
	hcl := writeHCL(t, dir, "r.hcl", `sandbox "brfail" {
  rootfs       = "./rootfs"
  command      = ["/bin/sh", "-c", "echo try; exit 3"]
  restart      = "on-failure"
  max_restarts = 2
}
sandbox "bralways" {
  rootfs       = "./rootfs"
  command      = ["/bin/sh", "-c", "echo ok"]
  restart      = "always"
  max_restarts = 1
}
sandbox "brno" {
  rootfs  = "./rootfs"
  command = ["/bin/sh", "-c", "echo once; exit 4"]
}
`)
	r := runUp(t, bin, hcl)
	out := r.stdout + r.stderr
	if r.code != 3 {
		t.Errorf("exit code = %d, want 3 (brfail's last run)\n%s", r.code, out)
	}
	for want, n := range map[string]int{
		"brfail   | try":  3,
		"bralways | ok":   2,
		"brno     | once": 1,
		"brfail   | exited with 3 → restarting in 100ms (1)": 1,
		"brfail   | exited with 3 → restarting in 200ms (2)": 1,
		"bralways | exited with 0 → restarting in 100ms (1)": 1,
		"brno     | exited with 4 → restarting":              0,
		"brfail   | exited with 3 → restarting in 400ms (3)": 0,
	} {
		if got := strings.Count(out, want); got != n {
			t.Errorf("%q appears %d times, want %d:\n%s", want, got, n, out)
		}
	}
	checkNothingLeft(t, "br", mounts)
}
