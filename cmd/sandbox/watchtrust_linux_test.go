package main

import (
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/internal/testenv"
)

// TestWatchRefusesConfigFromSandbox is the attack of a sandbox on its own
// configuration: with a writable bind of the configuration's directory, it
// writes a new *.hcl there declaring a sandbox that binds the host's /.
// Under up --watch that file must not be applied: the reload is refused
// with a line naming the file and the sandbox that can write it, and the
// declared sandbox never starts. (Its payload only counts what it sees.)
func TestWatchRefusesConfigFromSandbox(t *testing.T) {
	bin, dir := batchSetup(t)
	mounts := testenv.MountPoints()
	write(t, filepath.Join(dir, "payload.txt"), `sandbox "wevil" {
  rootfs  = "./rootfs"
  command = ["/bin/sh", "-c", "echo evil-sees $(ls /host | wc -l) entries of the host root; exec sleep 1000"]
  mount {
    type     = "bind"
    source   = "/"
    target   = "/host"
    readonly = true
  }
}
`)
	writeHCL(t, dir, "a.hcl", `sandbox "wself" {
  rootfs       = "./rootfs"
  command      = ["/bin/sh", "-c", "cp /cfg/payload.txt /cfg/evil.hcl && echo wrote-config; exec sleep 1000"]
  stop_timeout = "1s"
  mount {
    type   = "bind"
    source = "."
    target = "/cfg"
  }
}
`)
	wp := startWatch(t, bin, dir, ".")
	wp.await(`wrote-config$`, 10*time.Second)
	line := wp.await(`not applied|evil-sees|wevil .*started`, 10*time.Second)
	want := `configuration change in (\S*/)?evil\.hcl` + ` not applied: sandbox wself can write ` + regexp.QuoteMeta(dir)
	t.Logf("up --watch said: %s", line)
	if !regexp.MustCompile(want).MatchString(line) {
		t.Errorf("up --watch applied a configuration file that a sandbox wrote, or did not say so: %q\nwant a line matching %q; output:\n%s",
			line, want, wp.seen)
	}
	wp.stop()
	for _, l := range wp.seen {
		if regexp.MustCompile(`evil-sees|wevil .*started`).MatchString(l) {
			t.Errorf("the sandbox declared by the written file ran: %q", l)
		}
	}
	checkNothingLeft(t, "wself", mounts)
	checkNothingLeft(t, "wevil", mounts)
}
