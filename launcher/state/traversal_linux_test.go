package state

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/internal/proc"
)

// traversal is a state directory next to a directory outside it that an
// attacker controls, reached from the state directory as ../d/trav.
type traversal struct {
	state   Dir
	outside string // the attacker's directory
	keep    string // a file in it that nothing may remove
}

func newTraversal(t *testing.T) traversal {
	t.Helper()
	base := t.TempDir()
	tr := traversal{state: Dir{Root: filepath.Join(base, "run")}, outside: filepath.Join(base, "d", "trav")}
	tr.keep = filepath.Join(tr.outside, "keep")
	for _, dir := range []string{tr.state.Root, tr.outside} {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(tr.keep, []byte("not the launcher's\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return tr
}

// plant writes r as the record of the attacker's directory.
func (tr traversal) plant(t *testing.T, r *Record) {
	t.Helper()
	if err := r.write(tr.outside); err != nil {
		t.Fatal(err)
	}
}

// untouched fails the test when the attacker's directory lost its file.
func (tr traversal) untouched(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(tr.keep); err != nil {
		t.Errorf("a file outside the state directory is gone: %v", err)
	}
}

// sleeper starts a process that stands for one the attacker wants
// signalled, and returns its pid and start time.
func sleeper(t *testing.T) (int, uint64) {
	t.Helper()
	cmd := exec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd.Process.Pid, proc.StartTime(cmd.Process.Pid)
}

// badNames are names that must never become paths.
var badNames = []string{"../d/trav", "..", ".", "", "/etc", "a/b", "web/../../d/trav", "web\x00x", "-v", "web\n", `job[../x]`}

// A name that walks out of the state directory is refused before it
// becomes a path: stop neither signals the process a record planted there
// names nor removes the directory.
func TestStopRefusesTraversal(t *testing.T) {
	tr := newTraversal(t)
	pid, start := sleeper(t)
	tr.plant(t, &Record{Name: "../d/trav", Pid: pid, PidStart: start, Running: true,
		Supervisor: pid, SupervisorStart: start, StopSignal: "SIGKILL"})
	err := tr.state.Stop(context.Background(), "../d/trav", StopOptions{Timeout: 0})
	if !errors.Is(err, ErrInvalidName) {
		t.Errorf("Stop(../d/trav) = %v, want ErrInvalidName", err)
	}
	if !proc.SameProcess(pid, start) {
		t.Errorf("Stop(../d/trav) killed pid %d, named by a record outside the state directory", pid)
	}
	tr.untouched(t)
}

// A record planted in the state directory under a valid name that names
// another sandbox is not believed: ps, stop --all and gc go by the
// directory's name, so the record's name never becomes a path.
func TestPlantedRecordName(t *testing.T) {
	tr := newTraversal(t)
	pid, start := sleeper(t)
	planted := filepath.Join(tr.state.Root, "x")
	if err := os.Mkdir(planted, 0o700); err != nil {
		t.Fatal(err)
	}
	rec := &Record{Name: "../d/trav", Pid: pid, PidStart: start, Running: true, Supervisor: pid, SupervisorStart: start}
	if err := rec.write(planted); err != nil {
		t.Fatal(err)
	}
	tr.plant(t, rec)
	sts, err := tr.state.Statuses(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sts {
		if s.Name != "x" {
			t.Errorf("Statuses() lists %q, a name its record claims; want only the directory's names", s.Name)
		}
		tr.state.Stop(context.Background(), s.Name, StopOptions{Timeout: 0}) // as stop --all does
	}
	if !proc.SameProcess(pid, start) {
		t.Errorf("stop --all killed pid %d, named by a record whose name is not its directory's", pid)
	}
	tr.untouched(t)
}

// Every state operation refuses a name that is not one a sandbox can
// have, whoever the caller, and makes nothing on the way.
func TestStateRefusesBadNames(t *testing.T) {
	tr := newTraversal(t)
	for _, name := range badNames {
		if _, err := tr.state.Dir(name); !errors.Is(err, ErrInvalidName) {
			t.Errorf("Dir(%q) = %v, want ErrInvalidName", name, err)
		}
		if _, err := tr.state.Read(name); !errors.Is(err, ErrInvalidName) {
			t.Errorf("Read(%q) = %v, want ErrInvalidName", name, err)
		}
		if c, err := tr.state.Claim(context.Background(), Record{Name: name}); !errors.Is(err, ErrInvalidName) {
			c.Release()
			t.Errorf("Claim(%q) = %v, want ErrInvalidName", name, err)
		}
		if err := tr.state.Stop(context.Background(), name, StopOptions{Timeout: 0}); !errors.Is(err, ErrInvalidName) {
			t.Errorf("Stop(%q) = %v, want ErrInvalidName", name, err)
		}
	}
	if entries, _ := os.ReadDir(tr.state.Root); len(entries) != 0 {
		t.Errorf("the state directory holds %d entries after refused names, want none", len(entries))
	}
	tr.untouched(t)
	for _, name := range []string{"web", "job[2]", `worker["eu"]`, "a.b_c-d"} {
		if _, err := tr.state.Dir(name); err != nil {
			t.Errorf("Dir(%q) = %v, want the sandbox's directory", name, err)
		}
	}
}
