package launcher

import (
	"crypto/sha256"
	_ "embed"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/testenv"
	"golang.org/x/sys/unix"
)

func TestSealedSelfCannotBeWritten(t *testing.T) {
	path, err := childPath(false)
	if err != nil {
		t.Fatalf("childPath() = %v", err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seals, err := unix.FcntlInt(f.Fd(), unix.F_GET_SEALS, 0)
	if err != nil {
		t.Fatalf("F_GET_SEALS on %s: %v", path, err)
	}
	for _, want := range []int{unix.F_SEAL_WRITE, unix.F_SEAL_GROW, unix.F_SEAL_SHRINK, unix.F_SEAL_SEAL} {
		if seals&want == 0 {
			t.Errorf("seals = %#x, lack %#x", seals, want)
		}
	}
	if w, err := os.OpenFile(path, os.O_WRONLY, 0); err == nil {
		_, werr := w.Write([]byte("x"))
		w.Close()
		if werr == nil {
			t.Errorf("wrote to the sealed launcher binary %s", path)
		}
	}
}

// Checklist 13: a payload that tries to open every /proc/PID/exe for writing
// gets nowhere, and the launcher's binary on the host is unchanged.
func TestSandboxCannotRewriteLauncher(t *testing.T) {
	testenv.RequireRoot(t)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	before := fileDigest(t, self)
	checkExeWriteRefused(t, sandboxFor(testenv.Rootfs(t), "exe-write"))
	if after := fileDigest(t, self); after != before {
		t.Errorf("the launcher binary changed: sha256 %x before, %x after", before, after)
	}
}

// checkExeWriteRefused runs s, the exe-write probe, and fails the test if
// any /proc/PID/exe opened for writing inside.
func checkExeWriteRefused(t *testing.T, s *config.Sandbox) {
	t.Helper()
	out, res := runSandbox(t, s)
	if res.ExitCode != 0 {
		t.Fatalf("exe-write probe exited %d (%s)", res.ExitCode, res.Describe())
	}
	var attempts map[string]string
	if err := json.Unmarshal([]byte(out), &attempts); err != nil || len(attempts) == 0 {
		t.Fatalf("decode %q: %v", out, err)
	}
	for p, result := range attempts {
		if result == "ok" {
			t.Errorf("%s opened for writing inside the sandbox", p)
		}
	}
}

func fileDigest(t *testing.T, path string) [32]byte {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// embeddedForTest stands in for the embedded child: bytes embedded in the
// test binary's read-only data, as //go:embed places them.
//
//go:embed doc.go
var embeddedForTest []byte

func TestCopyEmbeddedFromTheFile(t *testing.T) {
	off, ok := fileOffset(embeddedForTest)
	if !ok {
		t.Fatal("fileOffset() found no mapping of this binary holding the embedded bytes")
	}
	exe, err := os.ReadFile("/proc/self/exe")
	if err != nil {
		t.Fatal(err)
	}
	if got := exe[off : off+int64(len(embeddedForTest))]; string(got) != string(embeddedForTest) {
		t.Fatalf("the file at offset %d does not hold the embedded bytes", off)
	}
	fd, err := unix.MemfdCreate("test", unix.MFD_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	mem := os.NewFile(uintptr(fd), "memfd")
	defer mem.Close()
	if !copyEmbedded(mem, embeddedForTest) {
		t.Fatal("copyEmbedded() = false")
	}
	got, err := os.ReadFile("/proc/self/fd/" + strconv.Itoa(fd))
	if err != nil || string(got) != string(embeddedForTest) {
		t.Fatalf("the memfd holds %d bytes (%v), want the %d embedded ones", len(got), err, len(embeddedForTest))
	}
	if copyEmbedded(mem, []byte(strings.Repeat("x", 100))) {
		t.Error("copyEmbedded() of bytes not in the file = true")
	}
}
