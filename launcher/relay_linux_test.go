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
// everything its source holds: from a pipe, which it splices to a file,
// and from a pty master, which takes no splice.
func TestOutputRelayFinishedBeforeItRuns(t *testing.T) {
	for _, tc := range []struct {
		name   string
		size   int
		source func(t *testing.T, data []byte) *os.File
	}{
		{"pipe", 200 << 10, pipeHolding},
		{"pty", 2000, ptyHolding}, // what fits in a pty's buffer
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

// ptyHolding is a pty master, ready for a relay, whose slave wrote data
// (in raw mode, so the bytes stay as they are) and was closed.
func ptyHolding(t *testing.T, data []byte) *os.File {
	m, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	if err := unix.IoctlSetPointerInt(m, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	s, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(m), unix.TIOCGPTPEER, unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC)
	if errno != 0 {
		t.Fatal(errno)
	}
	tio, err := unix.IoctlGetTermios(int(s), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	tio.Oflag &^= unix.OPOST
	tio.Lflag &^= unix.ECHO | unix.ICANON
	unix.IoctlSetTermios(int(s), unix.TCSETS, tio)
	if n, err := unix.Write(int(s), data); n != len(data) {
		t.Fatalf("write to the pty: %d of %d bytes, %v", n, len(data), err)
	}
	unix.Close(int(s))
	if err := checkMaster(m); err != nil {
		t.Fatal(err)
	}
	return os.NewFile(uintptr(m), "pty master")
}
