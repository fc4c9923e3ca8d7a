package launcher

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/probe/report"
	"github.com/hclsandbox/sandbox/internal/testenv"
	"github.com/hclsandbox/sandbox/launcher/state"
)

// hostFiles are what a caller's streams can be on the host: a regular
// file, a directory (`sandbox run x < /` gives a directory fd 0, from
// which openat(0, "..") walks the host), and the file the output goes to.
type hostFiles struct {
	file, dir, out *os.File
	canary         string // a name in dir
}

func openHostFiles(t *testing.T) *hostFiles {
	t.Helper()
	dir := t.TempDir()
	h := &hostFiles{canary: "host-canary"}
	if err := os.WriteFile(filepath.Join(dir, h.canary), []byte("host data\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var err error
	if h.file, err = os.Open(filepath.Join(dir, h.canary)); err != nil {
		t.Fatal(err)
	}
	if h.dir, err = os.Open(dir); err != nil {
		t.Fatal(err)
	}
	if h.out, err = os.Create(filepath.Join(t.TempDir(), "out")); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.file.Close(); h.dir.Close(); h.out.Close() })
	return h
}

// stdioReport decodes the probe's stdio report from the output file.
func (h *hostFiles) stdioReport(t *testing.T) []report.StdioFD {
	t.Helper()
	b, err := os.ReadFile(h.out.Name())
	if err != nil {
		t.Fatal(err)
	}
	var fds []report.StdioFD
	if err := json.Unmarshal(b, &fds); err != nil || len(fds) != 3 {
		t.Fatalf("decode the probe's stdio report %q: %v", b, err)
	}
	return fds
}

// checkNoHostFile fails for every standard stream of the payload that is
// not a pipe or a terminal of the sandbox's own devpts, and for every one
// that is, or reopens to, one of the host's files.
func (h *hostFiles) checkNoHostFile(t *testing.T, fds []report.StdioFD) {
	t.Helper()
	host := map[[2]uint64]string{}
	for _, f := range []*os.File{h.file, h.dir, h.out} {
		var st syscall.Stat_t
		if err := syscall.Fstat(int(f.Fd()), &st); err != nil {
			t.Fatal(err)
		}
		host[[2]uint64{st.Dev, st.Ino}] = f.Name()
	}
	for _, fd := range fds {
		if name, ok := host[[2]uint64{fd.Dev, fd.Ino}]; ok {
			t.Errorf("fd %d inside is the host's %s (%s)", fd.FD, name, fd.Link)
		}
		if name, ok := host[[2]uint64{fd.ReopenDev, fd.ReopenIno}]; ok {
			t.Errorf("reopening /proc/self/fd/%d inside reaches the host's %s", fd.FD, name)
		}
		if fd.Type != "pipe" && !fd.OwnDevpts {
			t.Errorf("fd %d inside is a %s (%s), want a pipe or the sandbox's own pty", fd.FD, fd.Type, fd.Link)
		}
		for _, e := range fd.Entries {
			if e == h.canary {
				t.Errorf("fd %d inside lists the host directory %s", fd.FD, h.dir.Name())
			}
		}
	}
}

// Every standard stream a sandbox gets is a pipe the launcher relays: a
// caller's file, directory or /dev/null never reaches the payload, which
// could otherwise keep it or reopen it through /proc/self/fd.
func TestSandboxStdioHoldsNoHostFile(t *testing.T) {
	testenv.RequireRoot(t)
	rootfs := testenv.Rootfs(t)
	for _, tc := range []struct {
		name  string
		stdin func(h *hostFiles) *os.File
	}{
		{"file", func(h *hostFiles) *os.File { return h.file }},
		{"directory", func(h *hostFiles) *os.File { return h.dir }},
		{"none", func(h *hostFiles) *os.File { return nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := openHostFiles(t)
			stdio := Stdio{Stdout: h.out, Stderr: h.out}
			if in := tc.stdin(h); in != nil {
				stdio.Stdin = in
			}
			proc, res, err := startPlan(t, NewPlan(sandboxFor(rootfs, "stdio"), probeTestHost()), stdio)
			if err != nil || res != nil {
				t.Fatalf("Start = %v, %v", res, err)
			}
			if res := proc.Wait(); res.ExitCode != 0 {
				t.Fatalf("probe exited %d (%s)", res.ExitCode, res.Describe())
			}
			h.checkNoHostFile(t, h.stdioReport(t))
		})
	}
}

// The same for a command started by exec.
func TestExecStdioHoldsNoHostFile(t *testing.T) {
	s := shellSandbox(t, "sleep 30")
	sd, stop := startClaimed(t, s)
	defer stop()
	for _, stdin := range []string{"file", "directory"} {
		t.Run(stdin, func(t *testing.T) {
			h := openHostFiles(t)
			in := h.file
			if stdin == "directory" {
				in = h.dir
			}
			req := ExecRequest{Args: []string{"/probe", "stdio"}, Stdin: in, Stdout: h.out, Stderr: h.out}
			if code, err := execWait(sd, s.Name, req); err != nil || code != 0 {
				t.Fatalf("Exec = %d, %v", code, err)
			}
			h.checkNoHostFile(t, h.stdioReport(t))
		})
	}
}

// A command that writes 1 MiB and exits 3: all of it arrives before the
// exit code, through a sandbox's pipes and through exec's.
func TestStdioOutputBeforeExit(t *testing.T) {
	const size = 1 << 20
	s := shellSandbox(t, "sleep 30")
	flood := []string{"/probe", "flood", itoa(size), "3"}
	t.Run("run", func(t *testing.T) {
		out, res := runSandbox(t, sandboxFor(s.Rootfs, flood[1:]...))
		if res.ExitCode != 3 || out != string(report.Flood(size)) {
			t.Errorf("exit %d with %d bytes of output, want 3 with the %d the sandbox wrote", res.ExitCode, len(out), size)
		}
	})
	t.Run("exec", func(t *testing.T) {
		sd, stop := startClaimed(t, s)
		defer stop()
		var out bytes.Buffer
		code, err := execWait(sd, s.Name, ExecRequest{Args: flood, Stdout: &out})
		if err != nil || code != 3 || !bytes.Equal(out.Bytes(), report.Flood(size)) {
			t.Errorf("exec: exit %d (%v) with %d bytes of output, want 3 with the %d the command wrote", code, err, out.Len(), size)
		}
	})
}

// exec returns once the command has ended and its output is relayed:
// neither a process it left behind, which keeps its stdout open, nor a
// stdin that never ends keeps it waiting.
func TestExecEndsWithTheCommand(t *testing.T) {
	s := shellSandbox(t, "sleep 30")
	sd, stop := startClaimed(t, s)
	defer stop()
	r, w, err := os.Pipe() // a caller's stdin that never ends
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	var out bytes.Buffer
	req := ExecRequest{Args: []string{"/bin/sh", "-c", "sleep 1000 & echo started"}, Stdin: r, Stdout: &out}
	done := make(chan error, 1)
	go func() {
		code, err := execWait(sd, s.Name, req)
		if err == nil && code != 0 {
			err = fmt.Errorf("exit %d", code)
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil || out.String() != "started\n" {
			t.Errorf("exec = %v with output %q, want success with \"started\\n\"", err, out.String())
		}
	case <-time.After(20 * time.Second): // only a hang ends here
		t.Fatal("exec still waits for the background process or for stdin")
	}
}

// startClaimed starts s under a claim in a fresh state directory, so that
// commands can be exec'd in it, and returns what stops it.
func startClaimed(t *testing.T, s *config.Sandbox) (state.Dir, func()) {
	t.Helper()
	sd := state.Dir{Root: t.TempDir()}
	plan := NewPlan(s, probeTestHost())
	claim, err := Claim(context.Background(), sd, plan, false)
	if err != nil {
		t.Fatal(err)
	}
	proc, res, err := startUnder(plan, Stdio{}, claim)
	if err != nil || res != nil {
		claim.Release()
		t.Fatalf("StartClaimed = %v, %v", res, err)
	}
	return sd, func() {
		proc.Signal(syscall.SIGKILL)
		proc.Wait()
		claim.Release()
	}
}

// A caller that takes both streams into one writer (a quiet batch keeps
// their last lines together) gets them through one pipe, as 2>&1 would:
// in the order the sandbox wrote them, with fds 1 and 2 one pipe inside.
func TestStdioOneWriterOnePipe(t *testing.T) {
	s := shellSandbox(t, `for i in 1 2 3 4 5 6 7 8; do echo out$i; echo err$i >&2; done
[ "$(busybox readlink /proc/$$/fd/1)" = "$(busybox readlink /proc/$$/fd/2)" ] && echo same`)
	var both bytes.Buffer
	proc, res, err := startPlan(t, NewPlan(s, probeTestHost()), Stdio{Stdout: &both, Stderr: &both})
	if err != nil {
		t.Fatal(err)
	}
	if res == nil {
		res = proc.Wait()
	}
	var want strings.Builder
	for i := 1; i <= 8; i++ {
		fmt.Fprintf(&want, "out%d\nerr%d\n", i, i)
	}
	want.WriteString("same\n")
	if res.ExitCode != 0 || both.String() != want.String() {
		t.Errorf("exit %d, output %q; want 0 and %q", res.ExitCode, both.String(), want.String())
	}
}
