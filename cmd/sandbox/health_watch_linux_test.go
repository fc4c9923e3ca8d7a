package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/internal/testenv"
)

// TestWatchWaitsHealthy: under up --watch a dependent of a "healthy"
// dependency starts once the dependency's check passed, which the host
// decides by creating a file the check looks for.
func TestWatchWaitsHealthy(t *testing.T) {
	bin, dir := batchSetup(t)
	mounts := testenv.MountPoints()
	shared := filepath.Join(dir, "shared")
	os.Mkdir(shared, 0o755)
	writeHCL(t, dir, "w.hcl", `sandbox "whsrv" {
  rootfs       = "./rootfs"
  command      = ["/bin/sh", "-c", "echo srv-up; exec sleep 1000"]
  stop_timeout = "1s"
  mount {
    type   = "bind"
    source = "./shared"
    target = "/shared"
  }
  health {
    command  = "echo check >> /shared/checks; test -e /shared/ready"
    interval = "50ms"
    retries  = 1000000
  }
}
sandbox "whjob" {
  rootfs     = "./rootfs"
  command    = ["/bin/echo", "job-ran"]
  depends_on = { whsrv = "healthy" }
}
`)
	wp := startWatch(t, bin, dir, "w.hcl")
	wp.await(`srv-up$`, 10*time.Second)
	waitChecks(t, filepath.Join(shared, "checks"), 3)
	if err := os.WriteFile(filepath.Join(shared, "ready"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	wp.await(`whsrv +\| healthy$`, 10*time.Second)
	if slices.ContainsFunc(wp.seen, func(l string) bool { return strings.HasSuffix(l, "job-ran") }) {
		t.Errorf("the job ran before the server was healthy:\n%s", strings.Join(wp.seen, "\n"))
	}
	wp.await(`job-ran$`, 10*time.Second)
	wp.stop()
	checkNothingLeft(t, "wh", mounts)
}
