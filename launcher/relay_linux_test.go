package launcher

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/internal/probe/report"
	"golang.org/x/sys/unix"
)

// A relay whose goroutine runs only after finish (a loaded machine: the
// sandbox wrote and ended before the relay first read) still delivers
// everything its source holds.
func TestOutputRelayFinishedBeforeItRuns(t *testing.T) {
	for _, tc := range []struct {
		name   string
		size   int
		source func(t *testing.T, data []byte) *os.File
	}{
		{"pipe", 200 << 10, pipeHolding},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := os.Create(filepath.Join(t.TempDir(), "out"))
			if err != nil {
				t.Fatal(err)
			}
			defer out.Close()
			want := report.Flood(tc.size)
			r := newOutputRelay(out, tc.source(t, want))
			r.src.SetReadDeadline(time.Now()) // what finish does
			r.start()
			r.finish()
			got, _ := os.ReadFile(out.Name())
			if !bytes.Equal(got, want) {
				t.Errorf("relayed %d bytes, want the %d the source held", len(got), len(want))
			}
		})
	}
}

// pipeHolding is our end of a pipe that holds data, whose writer is gone.
func pipeHolding(t *testing.T, data []byte) *os.File {
	ours, theirs, err := sandboxPipe(false)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.SetNonblock(int(theirs.Fd()), false); err != nil {
		t.Fatal(err)
	}
	if _, err := unix.FcntlInt(ours.Fd(), unix.F_SETPIPE_SZ, len(data)); err != nil {
		t.Fatal(err)
	}
	if _, err := theirs.Write(data); err != nil {
		t.Fatal(err)
	}
	theirs.Close()
	return ours
}
