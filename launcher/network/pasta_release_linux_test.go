package network

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/hclsandbox/sandbox/internal/proc"
)

// Release, as gc calls it, kills the pasta a record names while it is
// that process, and removes the network's directory; a pid whose start
// time differs, as after pid reuse, is never signalled.
func TestReleasePasta(t *testing.T) {
	for _, reused := range []bool{false, true} {
		root := t.TempDir()
		dir := filepath.Join(root, RootDir, "default")
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		stand := exec.Command("sleep", "60") // stands for pasta
		if err := stand.Start(); err != nil {
			t.Fatal(err)
		}
		rec := &Record{Dir: dir, Network: "default", ViaPasta: true, Pasta: stand.Process.Pid, PastaStart: proc.StartTime(stand.Process.Pid)}
		if reused {
			rec.PastaStart++
		}
		if err := Release("web", rec); err != nil {
			t.Errorf("Release: %v", err)
		}
		if !reused {
			if err := stand.Wait(); err == nil {
				t.Errorf("the recorded pasta was not killed")
			}
		} else {
			if !proc.SameProcess(stand.Process.Pid, proc.StartTime(stand.Process.Pid)) {
				t.Errorf("a process whose start time differs from the record's was killed")
			}
			stand.Process.Kill()
			stand.Wait()
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("reused=%v: the network's directory is left (stat: %v)", reused, err)
		}
	}
}
