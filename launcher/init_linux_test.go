package launcher

import (
	"bufio"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/proc"
	"github.com/hclsandbox/sandbox/internal/testenv"
)

// shellSandbox declares a sandbox on a busybox rootfs running script with
// sh -c, which gets the init by default.
func shellSandbox(t *testing.T, script string) *config.Sandbox {
	t.Helper()
	testenv.RequireRoot(t)
	rootfs := testenv.Rootfs(t)
	testenv.RequireBusybox(t, rootfs)
	s := sandboxFor(rootfs)
	s.Name = "shell"
	s.Command = []string{"/bin/sh", "-c", script}
	return s
}

// startWithPipe starts s with its stdout on a pipe and returns the process
// and a reader of the pipe.
func startWithPipe(t *testing.T, s *config.Sandbox) (*Process, *bufio.Reader) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	proc, res, err := startPlan(t, NewPlan(s, probeTestHost()), Stdio{Stdout: w, Stderr: os.Stderr})
	w.Close()
	if err != nil || res != nil {
		t.Fatalf("Start(%s) = %v, %v", s.Name, res, err)
	}
	return proc, bufio.NewReader(r)
}

// readLine reads one line of the sandbox's output.
func readLine(t *testing.T, r *bufio.Reader) string {
	t.Helper()
	line, err := r.ReadString('\n')
	if err != nil {
		t.Fatalf("read sandbox output: %v (got %q)", err, line)
	}
	return strings.TrimSpace(line)
}

func TestInitForwardsSignals(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP,
		syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2} {
		t.Run(signalName(sig), func(t *testing.T) {
			name := strings.TrimPrefix(signalName(sig), "SIG")
			s := shellSandbox(t, `trap 'echo got `+name+`; exit 3' `+name+`; echo ready; while :; do sleep 0.02; done`)
			proc, out := startWithPipe(t, s)
			if got := readLine(t, out); got != "ready" {
				t.Fatalf("first line = %q, want ready", got)
			}
			if err := proc.Signal(sig); err != nil {
				t.Fatalf("Signal(%v) = %v", sig, err)
			}
			got := readLine(t, out)
			res := proc.Wait()
			if got != "got "+name || res.ExitCode != 3 {
				t.Errorf("after %v: output %q, exit %d; want %q, exit 3", sig, got, res.ExitCode, "got "+name)
			}
		})
	}
}

// TestInitReapsOrphans orphans 100 children, then replaces the shell with
// a sleep that never reaps: with the init they are reaped, without it (the
// control) they stay zombies of PID 1. Zombies are counted from the host.
func TestInitReapsOrphans(t *testing.T) {
	for _, init := range []bool{true, false} {
		s := shellSandbox(t, `i=0; while [ $i -lt 100 ]; do (sleep 1 &); i=$((i+1)); done; echo ready; exec sleep 10`)
		s.Init = &init
		proc, out := startWithPipe(t, s)
		readLine(t, out)
		// The orphans end after a second: the control waits for all 100 zombies.
		wait := 2 * time.Second
		if !init {
			wait = 5 * time.Second
		}
		zombies := zombiesOf(proc.Pid())
		for deadline := time.Now().Add(wait); time.Now().Before(deadline) && (init || zombies < 100); {
			time.Sleep(50 * time.Millisecond)
			zombies = zombiesOf(proc.Pid())
		}
		proc.Signal(syscall.SIGKILL)
		proc.Wait()
		t.Logf("init=%v: %d zombies", init, zombies)
		if init && zombies != 0 {
			t.Errorf("with the init, %d zombies are left of 100 orphans; want 0", zombies)
		}
		if !init && zombies < 100 {
			t.Errorf("control without the init has %d zombies; the payload did not orphan 100 children", zombies)
		}
	}
}

// zombiesOf counts the zombie children of pid.
func zombiesOf(pid int) int {
	n := 0
	for _, kid := range proc.Children(pid) {
		if st, err := proc.ReadStat(kid); err == nil && st.State == 'Z' {
			n++
		}
	}
	return n
}

func TestInitReportsSignalDeath(t *testing.T) {
	s := shellSandbox(t, `kill -9 $$`)
	_, res := runSandbox(t, s)
	if res.ExitCode != 137 || res.Signal != syscall.SIGKILL {
		t.Errorf("shell killing itself: exit %d signal %v, want 137 SIGKILL", res.ExitCode, res.Signal)
	}
}

func TestMainExitKillsTheRest(t *testing.T) {
	for _, init := range []bool{true, false} {
		s := shellSandbox(t, `sleep 100 & (sleep 100 &); exit 4`)
		s.Init = &init
		start := time.Now()
		_, res := runSandbox(t, s)
		if res.ExitCode != 4 {
			t.Errorf("init=%v: exit %d, want 4", init, res.ExitCode)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("init=%v: the launcher returned after %v; want promptly", init, d)
		}
	}
}
