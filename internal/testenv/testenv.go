// Package testenv holds what the privileged tests share: the child dispatch
// for test binaries, the root check, the static probe binary and throwaway
// root filesystems.
package testenv

import (
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/hclsandbox/sandbox/isolation"
)

// probePkg is the probe that reports what a sandbox sees.
const probePkg = "github.com/hclsandbox/sandbox/internal/probe"

var (
	buildMu  sync.Mutex
	buildDir string
	built    = map[string]string{} // package -> binary
)

// Main runs a test binary's tests and fails the run if they left a mount,
// a cgroup or a child process behind. When the launcher re-executes the test
// binary as a sandbox child, it acts as the child instead.
func Main(m *testing.M) {
	if isolation.IsChild() {
		isolation.ChildMain()
	}
	if os.Geteuid() == 0 && runtime.GOOS == "linux" && withCgo() {
		fmt.Fprintln(os.Stderr, "FAIL: the privileged tests run this test binary as the sandbox child, which must be built without cgo to drop privileges on every thread: run them with CGO_ENABLED=0 (make test does)")
		os.Exit(1)
	}
	os.Exit(Check(m.Run))
}

// Check runs the tests and returns their exit code, made 1 when they left a
// mount, a cgroup or a child process behind; it removes the binaries Build made.
func Check(run func() int) int {
	before := takeSnapshot()
	fwd := SaveForwarding()
	code := run()
	// A sandbox that needs IPv4 forwarding turns it on and leaves it
	// on, as the launcher does on any host; the tests put it back.
	if err := fwd.Restore(); err != nil {
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		code = 1
	}
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	before.removeTestReceipts()
	before.removeTestCacheEntries()
	if leaks := before.leaks(); leaks != "" {
		fmt.Fprintf(os.Stderr, "FAIL: the tests left state behind on the host:\n%s\n", leaks)
		code = 1
	}
	return code
}

// RequireRoot skips the test unless it runs as root on Linux.
func RequireRoot(t testing.TB) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("sandboxes run only on Linux")
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root to create namespaces and mounts; CI runs it as root")
	}
}

// Probe returns the path of the static probe binary, built once per test binary.
func Probe(t testing.TB) string {
	t.Helper()
	return Build(t, probePkg)
}

// PrebuiltEnv names a directory of binaries built ahead of time, for a
// machine without the go tool (the VM of scripts/vm): Build returns
// $SANDBOX_TEST_BINDIR/<PrebuiltName(pkg)> instead of compiling pkg.
const PrebuiltEnv = "SANDBOX_TEST_BINDIR"

// PrebuiltName is the file name under PrebuiltEnv of package pkg's binary:
// its path inside the module with "/" made "_", "launcher_testdata_probe".
func PrebuiltName(pkg string) string {
	return strings.ReplaceAll(strings.TrimPrefix(pkg, modulePath+"/"), "/", "_")
}

const modulePath = "github.com/hclsandbox/sandbox"

// Build compiles the Go package pkg as a static binary, once per test
// binary, and returns its path. The binaries are removed by Main. With
// PrebuiltEnv set, it returns the prebuilt binary there, or fails.
func Build(t testing.TB, pkg string) string {
	t.Helper()
	if dir := os.Getenv(PrebuiltEnv); dir != "" {
		p := filepath.Join(dir, PrebuiltName(pkg))
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("build %s: %s is set but holds no prebuilt binary: %v", pkg, PrebuiltEnv, err)
		}
		return p
	}
	buildMu.Lock()
	defer buildMu.Unlock()
	if p, ok := built[pkg]; ok {
		return p
	}
	if buildDir == "" {
		dir, err := os.MkdirTemp("", "sandbox-test-bin-")
		if err == nil {
			err = os.Chmod(dir, 0o755) // unprivileged test users run these too
		}
		if err != nil {
			t.Fatalf("build %s: %v", pkg, err)
		}
		buildDir = dir
	}
	out := filepath.Join(buildDir, fmt.Sprintf("bin%d", len(built)))
	cmd := exec.Command(GoTool(), "build", "-o", out, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build %s: %v\n%s", pkg, err, msg)
	}
	built[pkg] = out
	return out
}

// GoTool is the go command on PATH, or the usual install's.
func GoTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return "/usr/local/go/bin/go"
}

// Rootfs makes a throwaway root filesystem in a temp dir holding /probe and,
// when the host has a static busybox, /bin/busybox with /bin/sh.
func Rootfs(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	if err := MakeRootfs(dir, Probe(t)); err != nil {
		t.Fatal(err)
	}
	// Traversable by everyone, so that root of a user namespace (an
	// unprivileged id outside) can use it too.
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// MakeRootfs fills dir with a minimal root filesystem: the probe at /probe
// (when probe is not ""), /bin, /etc, /tmp and, when the host has a static
// busybox, /bin/busybox with a few applets linked to it.
func MakeRootfs(dir, probe string) error {
	for _, d := range []string{"bin", "etc", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return err
		}
	}
	if probe != "" {
		if err := copyFile(probe, filepath.Join(dir, "probe"), 0o755); err != nil {
			return err
		}
	}
	bb, err := exec.LookPath("busybox")
	if err != nil || !isStatic(bb) {
		return nil
	}
	if err := copyFile(bb, filepath.Join(dir, "bin", "busybox"), 0o755); err != nil {
		return err
	}
	for _, applet := range []string{"sh", "ls", "cat", "echo", "sleep", "kill", "true", "hostname", "ps", "nc", "httpd", "wget", "ip", "mkdir"} {
		if err := os.Symlink("busybox", filepath.Join(dir, "bin", applet)); err != nil {
			return err
		}
	}
	return nil
}

// HasBusybox reports whether rootfs got a busybox shell.
func HasBusybox(rootfs string) bool {
	_, err := os.Stat(filepath.Join(rootfs, "bin", "busybox"))
	return err == nil
}

func copyFile(src, dst string, mode os.FileMode) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, b, mode)
}

// isStatic reports whether the ELF file at p has no program interpreter.
func isStatic(p string) bool {
	f, err := elf.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	for _, prog := range f.Progs {
		if prog.Type == elf.PT_INTERP {
			return false
		}
	}
	return true
}

// AllowMissingEnv, set to 1, lets a root run skip the tests whose
// dependency is missing instead of failing them (see Missing).
const AllowMissingEnv = "SANDBOX_TEST_ALLOW_MISSING"

// Missing skips a test that needs a package this machine lacks, or, when
// the tests run as root on Linux, fails it. Root is how make test and CI
// run the privileged tests, after scripts/test-deps.sh installed every
// package they use: a skip there would print ok for a test that never ran.
// AllowMissingEnv=1 turns the failure back into a skip.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	if err := MissingError(fmt.Sprintf(format, args...)); err != nil {
		t.Fatal(err)
	}
	t.Skipf(format, args...)
}

// MissingError is the failure Missing reports for what, or nil where a
// missing dependency is only a skip.
func MissingError(what string) error {
	if runtime.GOOS != "linux" || os.Geteuid() != 0 || os.Getenv(AllowMissingEnv) == "1" {
		return nil
	}
	return fmt.Errorf("%s; as root every privileged test must run: `make test-deps` installs it (%s=1 skips instead)", what, AllowMissingEnv)
}

// RequireBusybox is Missing unless rootfs got a busybox shell.
func RequireBusybox(t testing.TB, rootfs string) {
	t.Helper()
	if !HasBusybox(rootfs) {
		Missing(t, "needs a static busybox on the host (Debian's busybox-static)")
	}
}
