package launcher

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/hclsandbox/sandbox/internal/testenv"
	"github.com/hclsandbox/sandbox/isolation"
)

// Checklist 2: kernel knobs cannot be opened for writing.
func TestSandboxKernelKnobsNotWritable(t *testing.T) {
	testenv.RequireRoot(t)
	r := probe(t, sandboxFor(testenv.Rootfs(t)))
	if len(r.OpenWrite) == 0 {
		t.Fatal("probe reported no write attempts")
	}
	for p, res := range r.OpenWrite {
		if res == "ok" {
			t.Errorf("%s opened for writing inside the sandbox", p)
		}
	}
}

// Checklist 3: masked paths read or list empty.
func TestSandboxMaskedPaths(t *testing.T) {
	testenv.RequireRoot(t)
	r := probe(t, sandboxFor(testenv.Rootfs(t)))
	for p, n := range r.Masked {
		if n > 0 {
			t.Errorf("%s shows %d bytes or entries inside, want none", p, n)
		}
	}
	for _, p := range maskedPaths {
		if r.Exists[p] && !hasMountAt(r.Mounts, p) {
			t.Errorf("%s exists but is not masked: %v", p, r.Mounts)
		}
	}
}

// Checklist 4: the read-only paths and /sys are read-only in mountinfo.
func TestSandboxReadonlyPaths(t *testing.T) {
	testenv.RequireRoot(t)
	r := probe(t, sandboxFor(testenv.Rootfs(t)))
	for _, p := range append([]string{"/sys"}, readonlyPaths...) {
		opts, ok := mountOptions(r.Mounts, p)
		if !ok {
			if p == "/sys" || r.Exists[p] {
				t.Errorf("no mount on %s", p)
			}
			continue
		}
		if !strings.HasPrefix(opts, "ro,") && opts != "ro" {
			t.Errorf("%s is mounted %q, want ro", p, opts)
		}
	}
}

// Checklist 10 and 11: exactly the default capabilities, nothing inheritable
// or ambient, and no_new_privs.
func TestSandboxCapabilitiesAndNoNewPrivs(t *testing.T) {
	testenv.RequireRoot(t)
	r := probe(t, sandboxFor(testenv.Rootfs(t)))
	var mask uint64
	for _, name := range isolation.DefaultCapabilities {
		n, _ := isolation.CapabilityNumber(name)
		mask |= 1 << uint(n)
	}
	want := fmt.Sprintf("%016x", mask)
	for _, set := range []string{"CapPrm", "CapEff", "CapBnd"} {
		if r.Status[set] != want {
			t.Errorf("%s = %s, want %s", set, r.Status[set], want)
		}
	}
	for _, set := range []string{"CapInh", "CapAmb"} {
		if r.Status[set] != "0000000000000000" {
			t.Errorf("%s = %s, want empty", set, r.Status[set])
		}
	}
	if r.Status["NoNewPrivs"] != "1" {
		t.Errorf("NoNewPrivs = %q, want 1", r.Status["NoNewPrivs"])
	}
}

func hasMountAt(mounts []string, target string) bool {
	_, ok := mountOptions(mounts, target)
	return ok
}

// mountOptions returns the per-mount options of the last mount on target.
func mountOptions(mounts []string, target string) (string, bool) {
	opts, found := "", false
	for _, m := range mounts {
		f := strings.Fields(m)
		if len(f) >= 4 && f[1] == target {
			opts, found = f[3], true
		}
	}
	return opts, found
}

// Checklist 17: with the default network only lo exists.
func TestSandboxOnlyLoopback(t *testing.T) {
	testenv.RequireRoot(t)
	r := probe(t, sandboxFor(testenv.Rootfs(t)))
	if len(r.Interfaces) != 1 || r.Interfaces[0] != "lo" {
		t.Errorf("interfaces inside = %v, want only lo", r.Interfaces)
	}
}

// Checklist 9: kill(-1, SIGKILL) inside cannot reach a host process.
func TestSandboxKillAllSparesHost(t *testing.T) {
	testenv.RequireRoot(t)
	// Without a pid namespace kill(-1) would hit the whole host: check first.
	if r := probe(t, sandboxFor(testenv.Rootfs(t))); r.Pid != 1 {
		t.Fatalf("the probe is pid %d, not 1: no pid namespace, refusing to run kill(-1)", r.Pid)
	}
	sentinel := exec.Command("sleep", "30")
	if err := sentinel.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		sentinel.Process.Kill()
		sentinel.Wait()
	}()
	out, res := runSandbox(t, sandboxFor(testenv.Rootfs(t), "kill-all"))
	if res.ExitCode != 0 {
		t.Fatalf("kill-all exited %d (%s): %s", res.ExitCode, res.Describe(), out)
	}
	if err := sentinel.Process.Signal(syscall.Signal(0)); err != nil {
		t.Errorf("host sentinel %d died after kill(-1) inside the sandbox: %v", sentinel.Process.Pid, err)
	}
}

// Checklist 12: seccomp mode 2; the dangerous syscalls fail with EPERM while
// threads and fork still work.
func TestSandboxSeccomp(t *testing.T) {
	testenv.RequireRoot(t)
	rootfs := testenv.Rootfs(t)
	r := probe(t, sandboxFor(rootfs))
	if r.Status["Seccomp"] != "2" {
		t.Errorf("Seccomp = %q, want 2 (filter mode)", r.Status["Seccomp"])
	}
	out, res := runSandbox(t, sandboxFor(rootfs, "syscalls"))
	if res.ExitCode != 0 {
		t.Fatalf("syscalls probe exited %d (%s)", res.ExitCode, res.Describe())
	}
	var sr struct {
		Errors        map[string]string
		Threads, Fork string
	}
	if err := json.Unmarshal([]byte(out), &sr); err != nil {
		t.Fatalf("decode %q: %v", out, err)
	}
	if len(sr.Errors) < 10 {
		t.Errorf("probe tried %d syscalls, want 10: %v", len(sr.Errors), sr.Errors)
	}
	for name, errno := range sr.Errors {
		if errno != "EPERM" {
			t.Errorf("%s inside the sandbox: %s, want EPERM", name, errno)
		}
	}
	if sr.Threads != "ok" || sr.Fork != "ok" {
		t.Errorf("threads: %s, fork: %s; want both ok", sr.Threads, sr.Fork)
	}
}

// Checklist 7: a block device cannot be created in /dev (no CAP_MKNOD, and
// /dev is nodev besides).
func TestSandboxNoBlockDevices(t *testing.T) {
	testenv.RequireRoot(t)
	out, _ := runSandbox(t, sandboxFor(testenv.Rootfs(t), "mknod"))
	if !strings.HasPrefix(out, "mknod: ") || strings.Contains(out, "mknod: ok") {
		t.Errorf("mknod of a block device inside: %q, want it refused", out)
	}
	if opts, ok := mountOptions(probe(t, sandboxFor(testenv.Rootfs(t))).Mounts, "/dev"); !ok || !strings.Contains(opts, "nodev") {
		t.Errorf("/dev mount options %q, want nodev", opts)
	}
}

// Checklist 14: an fd the launcher inherited without close-on-exec never
// reaches the payload, nor one the child hands its init (the status pipe,
// the exec server's socket), with or without an init.
func TestSandboxNoInheritedFDs(t *testing.T) {
	testenv.RequireRoot(t)
	fd, err := syscall.Open("/etc/hostname", syscall.O_RDONLY, 0) // no O_CLOEXEC: inherited by forks
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(fd)
	for _, init := range []bool{false, true} {
		t.Run(fmt.Sprintf("init=%v", init), func(t *testing.T) {
			s := sandboxFor(testenv.Rootfs(t), "fds")
			s.Init = &init
			out, res := runSandbox(t, s)
			if res.ExitCode != 0 {
				t.Fatalf("fds probe exited %d (%s)", res.ExitCode, res.Describe())
			}
			if got := strings.TrimSpace(out); got != "0 1 2" {
				t.Errorf("fds inside = %q, want only 0 1 2 (the launcher held fd %d)", got, fd)
			}
		})
	}
}

// Checklist 15: with an init as PID 1, the payload can neither ptrace it
// nor read its environment: launcher stages inside are non-dumpable.
func TestSandboxInitNotTraceable(t *testing.T) {
	testenv.RequireRoot(t)
	s := sandboxFor(testenv.Rootfs(t), "pid1")
	on := true
	s.Init = &on
	out, res := runSandbox(t, s)
	if res.ExitCode != 0 {
		t.Fatalf("pid1 probe exited %d (%s)", res.ExitCode, res.Describe())
	}
	if !strings.HasPrefix(out, "ptrace: ") || strings.Contains(out, "ptrace: ok") || strings.Contains(out, "environ: ok") {
		t.Errorf("from inside, pid 1 (the init): %q; want ptrace and environ refused", out)
	}
}

// Checklist 17: a host abstract unix socket is unreachable from a sandbox
// with its own network namespace.
func TestSandboxHostAbstractSocketUnreachable(t *testing.T) {
	testenv.RequireRoot(t)
	name := fmt.Sprintf("sandbox-test-%d", os.Getpid())
	l, err := net.Listen("unix", "@"+name)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	out, _ := runSandbox(t, sandboxFor(testenv.Rootfs(t), "abstract", name))
	if !strings.HasPrefix(out, "abstract: ") || strings.Contains(out, "abstract: ok") {
		t.Errorf("connect to the host's abstract socket from inside: %q, want refused", out)
	}
}
