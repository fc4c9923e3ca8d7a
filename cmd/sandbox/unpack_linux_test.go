package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"unsafe"

	"github.com/hclsandbox/sandbox/internal/testenv"
	"golang.org/x/sys/unix"
)

// bigTarball writes a gzipped tarball holding one file of size zeros: small
// on disk, long enough to unpack that a signal lands in the middle.
func bigTarball(t *testing.T, path string, size int64) {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	tw := tar.NewWriter(zw)
	tw.WriteHeader(&tar.Header{Name: "zeros", Mode: 0o644, Size: size, Typeflag: tar.TypeReg})
	zero := make([]byte, 1<<20)
	for n := int64(0); n < size; n += int64(len(zero)) {
		tw.Write(zero)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// sandboxCommand is this test binary run as the sandbox command.
func sandboxCommand(dir string, args ...string) *exec.Cmd {
	cmd := exec.Command("/proc/self/exe", args...)
	cmd.Args[0] = "sandbox"
	cmd.Dir = dir
	return cmd
}

// awaitUnpackDir returns once an .unpack-* directory appears in dir, or
// false when exited closes first.
func awaitUnpackDir(t *testing.T, dir string, exited <-chan struct{}) bool {
	t.Helper()
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := unix.InotifyAddWatch(fd, dir, unix.IN_CREATE); err != nil {
		t.Fatal(err)
	}
	found := make(chan bool, 1)
	go func() {
		defer unix.Close(fd)
		buf := make([]byte, 4096)
		for {
			n, err := unix.Read(fd, buf)
			if err != nil {
				found <- false
				return
			}
			for off := 0; off+unix.SizeofInotifyEvent <= n; {
				ev := (*unix.InotifyEvent)(unsafe.Pointer(&buf[off]))
				name := strings.TrimRight(string(buf[off+unix.SizeofInotifyEvent:off+unix.SizeofInotifyEvent+int(ev.Len)]), "\x00")
				if strings.HasPrefix(name, ".unpack-") {
					found <- true
					return
				}
				off += unix.SizeofInotifyEvent + int(ev.Len)
			}
		}
	}()
	select {
	case ok := <-found:
		return ok
	case <-exited:
		return false
	}
}

// TestInterruptedUnpack interrupts `sandbox run` while it unpacks a large
// tarball: Ctrl-C leaves no .unpack-* directory and no cache entry behind
// and ends with 130; SIGKILL, which nothing can catch, leaves one, and the
// next start removes it.
func TestInterruptedUnpack(t *testing.T) {
	testenv.RequireRoot(t)
	work := t.TempDir()
	bigTarball(t, filepath.Join(work, "big.tar.gz"), 96<<20)
	os.WriteFile(filepath.Join(work, "big.hcl"), []byte("sandbox \"big\" {\n  rootfs  = \"./big.tar.gz\"\n  command = [\"/zeros\"]\n}\n"), 0o644)
	home := filepath.Join(work, "home")
	cache := filepath.Join(home, "rootfs")
	os.MkdirAll(cache, 0o700)
	env := append(os.Environ(), "SANDBOX_HOME="+home, "SANDBOX_RUN="+filepath.Join(work, "run"))

	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGKILL} {
		var stderr bytes.Buffer
		cmd := sandboxCommand(work, "run", "big.hcl", "big")
		cmd.Env, cmd.Stderr = env, &stderr
		exited := make(chan struct{})
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() { cmd.Wait(); close(exited) }()
		if !awaitUnpackDir(t, cache, exited) {
			<-exited
			t.Fatalf("sandbox run ended before it unpacked: %v\n%s", cmd.ProcessState, stderr.String())
		}
		cmd.Process.Signal(sig)
		<-exited
		left, _ := filepath.Glob(filepath.Join(cache, "sha256-*"))
		hidden, _ := filepath.Glob(filepath.Join(cache, ".unpack-*"))
		if sig == syscall.SIGKILL {
			if len(hidden) == 0 {
				t.Fatal("SIGKILL left no unpack directory: the tarball was unpacked before the signal; the test cannot show the cleanup")
			}
			break
		}
		if code := cmd.ProcessState.ExitCode(); code != 130 || !strings.Contains(stderr.String(), "interrupted by SIGINT") {
			t.Errorf("interrupted run: exit %d, stderr %q; want 130 and the interruption named", code, stderr.String())
		}
		if len(left)+len(hidden) != 0 {
			t.Fatalf("SIGINT during the unpack left %v %v in the cache", left, hidden)
		}
	}
	// The next start finds the dead unpacker's directory and removes it.
	cmd := sandboxCommand(work, "run", "big.hcl", "big")
	cmd.Env = env
	out, _ := cmd.CombinedOutput()
	if hidden, _ := filepath.Glob(filepath.Join(cache, ".unpack-*")); len(hidden) != 0 {
		t.Errorf("the next start left the dead unpacker's %v\n%s", hidden, out)
	}
}

// TestUnpackOutOfInodes unpacks a tarball of many empty files into a
// cache whose filesystem has few inodes (a tmpfs with nr_inodes, mounted
// in a private mount namespace): the start fails with exit 125, saying
// that the archive does not fit in the inodes free, and leaves nothing.
func TestUnpackOutOfInodes(t *testing.T) {
	testenv.RequireRoot(t)
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Skip("needs unshare (util-linux)")
	}
	work := t.TempDir()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for i := range 300 {
		tw.WriteHeader(&tar.Header{Name: "f" + strconv.Itoa(i), Mode: 0o644, Typeflag: tar.TypeReg})
	}
	tw.Close()
	os.WriteFile(filepath.Join(work, "many.tar"), buf.Bytes(), 0o644)
	os.WriteFile(filepath.Join(work, "many.hcl"), []byte("sandbox \"many\" {\n  rootfs  = \"./many.tar\"\n  command = [\"/f0\"]\n}\n"), 0o644)
	os.Mkdir(filepath.Join(work, "home"), 0o700)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	os.Mkdir(filepath.Join(work, "bin"), 0o755)
	os.Symlink(self, filepath.Join(work, "bin", "sandbox"))
	cmd := exec.Command("unshare", "-m", "--propagation", "private", "sh", "-c",
		`mount -t tmpfs -o nr_inodes=100,mode=0700 cache home && "$0" run many.hcl many; echo "exit=$?"; ls -A home/rootfs`,
		filepath.Join(work, "bin", "sandbox"))
	cmd.Dir = work
	cmd.Env = append(os.Environ(), "SANDBOX_HOME="+filepath.Join(work, "home"), "SANDBOX_RUN="+filepath.Join(work, "run"))
	out, _ := cmd.CombinedOutput()
	if !strings.Contains(string(out), "exit=125") || !strings.Contains(string(out), "inodes free") {
		t.Errorf("unpacking 300 files into 100 inodes:\n%s\nwant exit 125 and a message about inodes", out)
	}
	if strings.Contains(string(out), ".unpack-") || strings.Contains(string(out), "sha256-") {
		t.Errorf("the failed unpack left something in the cache:\n%s", out)
	}
}
