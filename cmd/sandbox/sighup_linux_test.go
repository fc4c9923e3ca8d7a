package main

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/internal/testenv"
)

// TestTerminalGoesAway: `sandbox up` (and `sandbox run`) in a terminal
// that goes away (its master closed: a closed window, a dropped ssh
// session) stops its sandbox as a first Ctrl-C does, with its stop
// signal, although the payload takes SIGHUP as a reload (a SIGHUP sent
// while the terminal is there reaches it as one), and exits as
// after a Ctrl-C: up with 129 (128 + SIGHUP), run with its command's own
// status (0 here, from its TERM trap), leaving no record, cgroup, mount or
// process behind.
func TestTerminalGoesAway(t *testing.T) {
	bin, dir := batchSetup(t)
	hcl := writeHCL(t, dir, "hup.hcl", `sandbox "bthup" {
  rootfs  = "./rootfs"
  command = ["/bin/sh", "-c", "trap 'echo reload' HUP; trap 'exit 0' TERM; echo ready; while true; do sleep 0.1; done"]
}
`)
	for _, tc := range []struct {
		args []string
		code int
	}{{[]string{"up", hcl}, 129}, {[]string{"run", hcl, "bthup"}, 0}} {
		args, verb := tc.args, tc.args[0]
		t.Run(verb, func(t *testing.T) {
			mounts := testenv.MountPoints()
			master, slave := testenv.OpenPTY(t)
			cmd := exec.Command(bin, args...)
			cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
			cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			slave.Close()
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			out := readAll(master)
			if !out.waitFor("ready", nil) {
				stopLauncher(t, cmd, done)
				t.Fatalf("%s never said ready:\n%s", verb, out)
			}
			// While the terminal is there, a SIGHUP is someone's, and
			// passed on: the payload reloads. (Sent again until it does:
			// one that comes while the sandbox starts reaches nobody.)
			if !out.waitFor("reload", func() { cmd.Process.Signal(syscall.SIGHUP) }) {
				stopLauncher(t, cmd, done)
				t.Fatalf("%s did not pass a SIGHUP on while its terminal was there:\n%s", verb, out)
			}
			master.Close() // the terminal goes away
			var err error
			select {
			case err = <-done:
			case <-time.After(30 * time.Second):
				stopLauncher(t, cmd, done)
				t.Fatalf("%s still runs 30s after its terminal went away", verb)
			}
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			}
			if code != tc.code || (err != nil && ee == nil) {
				t.Errorf("%s ended with %v, want exit code %d", verb, err, tc.code)
			}
			checkNothingLeft(t, "bthup", mounts)
		})
	}
}

// ptyOutput is what a terminal's master has read so far.
type ptyOutput struct {
	mu sync.Mutex
	b  strings.Builder
}

// readAll reads master into a ptyOutput until it fails (the terminal is
// closed).
func readAll(master *os.File) *ptyOutput {
	o := &ptyOutput{}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			o.mu.Lock()
			o.b.Write(buf[:n])
			o.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return o
}

func (o *ptyOutput) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.String()
}

// waitFor polls for want in the output for up to 30s, calling poke (if
// any) before each look.
func (o *ptyOutput) waitFor(want string, poke func()) bool {
	for i := 0; i < 300; i++ {
		if poke != nil {
			poke()
		}
		if strings.Contains(o.String(), want) {
			return true
		}
		time.Sleep(100 * time.Millisecond)
	}
	return false
}

// stopLauncher stops a launcher the test gave up on as Ctrl-C does, so
// that it removes what it made, and waits for it.
func stopLauncher(t *testing.T, cmd *exec.Cmd, done chan error) {
	t.Helper()
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		<-done
	}
}
