package rootfs

import (
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// TestLockModeSetOnDescriptor is the attack of someone who may write the
// configuration's directory: they watch for the lock file's temporary
// file and, the moment it appears, put a symlink to a private file of
// root's in its place. A mode set by name follows the symlink and opens
// that file to everyone; set on the descriptor, it cannot. The race is
// the attacker's to win or lose, so the writer runs many times.
func TestLockModeSetOnDescriptor(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(secret, []byte("private\n"), 0o600)
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := unix.InotifyAddWatch(fd, dir, unix.IN_CREATE); err != nil {
		t.Fatal(err)
	}
	var stop atomic.Bool
	done := make(chan struct{})
	go func() { swapTempFiles(fd, dir, secret, &stop); close(done) }()
	defer func() {
		// The attacker stops at its next event, which this file makes,
		// before the temp dir is removed under it.
		stop.Store(true)
		os.WriteFile(filepath.Join(dir, "wake"), nil, 0o600)
		<-done
		unix.Close(fd)
	}()
	l := &Lock{Path: filepath.Join(dir, LockFileName), Entries: map[string]LockEntry{"web": {Rootfs: "./r", SHA256: strings.Repeat("a", 64)}}}
	for range 300 {
		l.Write() // fails when the attacker wins the rename; the mode is what matters
		if info, err := os.Stat(secret); err != nil || info.Mode().Perm() != 0o600 {
			t.Fatalf("after a lock write, the private file's mode is %v (%v): it was set through the attacker's symlink", info.Mode(), err)
		}
	}
}

// swapTempFiles replaces every .lock-* file made in dir with a symlink to
// target, until stop is set (it looks at each event).
func swapTempFiles(fd int, dir, target string, stop *atomic.Bool) {
	buf := make([]byte, 4096)
	for {
		n, err := unix.Read(fd, buf)
		if err != nil || stop.Load() {
			return
		}
		for off := 0; off+unix.SizeofInotifyEvent <= n; {
			ev := (*unix.InotifyEvent)(unsafe.Pointer(&buf[off]))
			name := strings.TrimRight(string(buf[off+unix.SizeofInotifyEvent:off+unix.SizeofInotifyEvent+int(ev.Len)]), "\x00")
			off += unix.SizeofInotifyEvent + int(ev.Len)
			if strings.HasPrefix(name, ".lock-") && !strings.HasSuffix(name, ".link") {
				link := filepath.Join(dir, name+".link")
				if os.Symlink(target, link) == nil {
					os.Rename(link, filepath.Join(dir, name))
				}
			}
		}
	}
}
