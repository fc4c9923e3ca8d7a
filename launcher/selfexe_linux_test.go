package launcher

import (
	"crypto/sha256"
	"encoding/json"
	"os"
	"testing"

	"github.com/hclsandbox/sandbox/internal/testenv"
	"golang.org/x/sys/unix"
)

func TestSealedSelfCannotBeWritten(t *testing.T) {
	path, err := sealedSelf(false)
	if err != nil {
		t.Fatalf("sealedSelf() = %v", err)
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
	out, res := runSandbox(t, sandboxFor(testenv.Rootfs(t), "exe-write"))
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
	if after := fileDigest(t, self); after != before {
		t.Errorf("the launcher binary changed: sha256 %x before, %x after", before, after)
	}
}

func fileDigest(t *testing.T, path string) [32]byte {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}
