package launcher

import (
	"runtime"
	"testing"
	"unsafe"

	"github.com/hclsandbox/sandbox/launcher/cgroups"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher/cgroups/devfilter"
	"golang.org/x/sys/unix"
)

// BenchmarkStart is one whole sandbox, as root: plan, cgroup, namespaces,
// pivot_root, capabilities, seccomp, the exec of /bin/true (busybox), its
// end, the cgroup's removal. The test binary is the child here, not the
// lean sandbox-init of make build; bench/startup.sh times the release.
func BenchmarkStart(b *testing.B) {
	h := needCgroups(b, "memory", "pids")
	s := sandbox(testRoot(b, true), "/bin/true")
	s.Limits.Memory, s.Limits.Pids = 256<<20, 64
	for b.Loop() {
		proc, res, err := startPlan(b, NewPlan(s, h), Stdio{})
		if err != nil || res != nil {
			b.Fatalf("Start() = %v, %v", res, err)
		}
		if r := proc.Wait(); r.ExitCode != 0 {
			b.Fatalf("exit code %d", r.ExitCode)
		}
	}
}

// BenchmarkCgroupCreateRemove makes a sandbox's leaf with a memory and a
// pids limit, moves a thread in and out as a start does, and removes it.
func BenchmarkCgroupCreateRemove(b *testing.B) {
	h := needCgroups(b, "memory", "pids")
	s := &config.Sandbox{Name: "bench", Command: []string{"/bin/true"}, Namespaces: config.Namespaces,
		Resources: config.Resources{Limits: &config.Limits{Strict: true, Memory: 256 << 20, Pids: 64}}}
	cfg := NewPlan(s, h).Cgroup
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for b.Loop() {
		cg, err := cgroups.NewCgroup(cfg, "bench", devfilter.Attach)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := cg.Create(); err != nil {
			b.Fatal(err)
		}
		leave, err := cg.Enter()
		if err != nil {
			b.Fatal(err)
		}
		if err := leave(); err != nil {
			b.Fatal(err)
		}
		if err := removeCgroup(cg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSeccompCompile is the cost of compiling the default profile once.
func BenchmarkSeccompCompile(b *testing.B) {
	for b.Loop() {
		seccompCache.Clear()
		NewPlan(&config.Sandbox{Name: "bench", Command: []string{"/bin/true"}, Namespaces: config.Namespaces}, testHost)
	}
}

// BenchmarkSeccompLoad loads the default filter, as the child does just
// before execve, each time into a fresh thread that then ends (a filter
// cannot be unloaded). It measures the kernel's check and compile of the
// program.
func BenchmarkSeccompLoad(b *testing.B) {
	sc := NewPlan(&config.Sandbox{Name: "bench", Command: []string{"/bin/true"}, Namespaces: config.Namespaces}, testHost).Spec.Seccomp
	filters := make([]unix.SockFilter, len(sc.Program))
	for i, f := range sc.Program {
		filters[i] = unix.SockFilter{Code: f.Code, Jt: f.Jt, Jf: f.Jf, K: f.K}
	}
	prog := unix.SockFprog{Len: uint16(len(filters)), Filter: &filters[0]}
	b.ReportMetric(float64(len(filters)), "instructions")
	for b.Loop() {
		errc := make(chan error)
		go func() {
			runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
			if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
				errc <- err
				return
			}
			_, _, e := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, 0, uintptr(unsafe.Pointer(&prog)))
			if e != 0 {
				errc <- e
				return
			}
			errc <- nil
		}()
		if err := <-errc; err != nil {
			b.Fatal(err)
		}
	}
}
