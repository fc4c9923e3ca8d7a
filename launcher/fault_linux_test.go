package launcher

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/launcher/cgroups"
	"github.com/hclsandbox/sandbox/launcher/state"

	"github.com/hclsandbox/sandbox/internal/testenv"
	"github.com/hclsandbox/sandbox/isolation"
)

// busyboxRootfs returns a throwaway rootfs with busybox, or skips.
func busyboxRootfs(t *testing.T) string {
	t.Helper()
	testenv.RequireRoot(t)
	rootfs := testenv.Rootfs(t)
	testenv.RequireBusybox(t, rootfs)
	return rootfs
}

// startSupervisor runs this test binary as a supervisor of job.
func startSupervisor(t *testing.T, job superviseJob) (*exec.Cmd, *bufio.Reader) {
	t.Helper()
	b, _ := json.Marshal(job)
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), superviseEnv+"="+string(b))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start supervisor: %v", err)
	}
	return cmd, bufio.NewReader(out)
}

// killSupervisor SIGKILLs the supervisor this test started, by pid.
func killSupervisor(cmd *exec.Cmd) {
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
}

// sandboxProcesses lists the processes of the sandboxes started with mark:
// those with mark in their environment, and sandbox children of this binary.
func sandboxProcesses(mark string) []int {
	self, _ := os.Executable()
	var out []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		exe, _ := os.Readlink("/proc/" + e.Name() + "/exe")
		cmdline, _ := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		environ, _ := os.ReadFile("/proc/" + e.Name() + "/environ")
		// The child runs from the sealed memfd copy of the launcher; only
		// children in this test's cgroups (named after mark) count.
		fromLauncher := exe == self || strings.HasPrefix(exe, "/memfd:sandbox")
		cgs, _ := os.ReadFile("/proc/" + e.Name() + "/cgroup")
		child := fromLauncher && strings.Contains(string(cmdline), isolation.ChildArg) &&
			strings.Contains(string(cgs), "/"+cgroups.CgroupParent+"/"+mark)
		if strings.Contains(string(environ), "SANDBOX_TEST_MARK="+mark+"\x00") || child {
			out = append(out, pid)
		}
	}
	return out
}

// cgroupsNamed lists the sandbox cgroups whose leaf starts with prefix.
func cgroupsNamed(prefix string) []string {
	var out []string
	for _, pattern := range []string{"/sys/fs/cgroup/*/", "/sys/fs/cgroup/"} {
		m, _ := filepath.Glob(pattern + cgroups.CgroupParent + "/" + prefix + "*")
		out = append(out, m...)
	}
	return out
}

func TestSupervisorKilled(t *testing.T) {
	rootfs := busyboxRootfs(t)
	sd := state.Dir{Root: t.TempDir()}
	prefix := fmt.Sprintf("k9-%d-", os.Getpid())
	job := superviseJob{StateDir: sd.Root, Rootfs: rootfs, Mark: prefix, Command: []string{"/bin/sh", "-c", "sleep 100 & (sleep 100 &); sleep 100"}}
	for i := range 3 {
		job.Names = append(job.Names, prefix+strconv.Itoa(i))
	}
	mountsBefore := testenv.MountPoints()
	cmd, out := startSupervisor(t, job)
	for range job.Names {
		if line, err := out.ReadString('\n'); err != nil {
			killSupervisor(cmd)
			t.Fatalf("supervisor: %v (%q)", err, line)
		}
	}
	// Let the shells start their sleeps; a loaded machine may take a while.
	n := 0
	for start := time.Now(); time.Since(start) < 3*time.Second; time.Sleep(20 * time.Millisecond) {
		if n = len(sandboxProcesses(prefix)); n >= 3*4 {
			break
		}
	}
	if n < 3*4 {
		t.Errorf("before the kill, %d sandbox processes run; want at least 12", n)
	}
	killed := time.Now()
	killSupervisor(cmd)
	for len(sandboxProcesses(prefix)) > 0 && time.Since(killed) < 2*time.Second {
		time.Sleep(10 * time.Millisecond)
	}
	if left := sandboxProcesses(prefix); len(left) > 0 {
		t.Errorf("2s after kill -9 of the supervisor, sandbox processes live: %v", left)
	}
	if now := testenv.MountPoints(); now != mountsBefore {
		t.Errorf("host mounts changed:\nbefore:\n%s\nafter:\n%s", mountsBefore, now)
	}
	// The next start of one name cleans up after it; gc does the rest.
	claim, err := Claim(context.Background(), sd, &Plan{Name: job.Names[0]}, false)
	if err != nil {
		t.Fatalf("Claim after the supervisor died = %v", err)
	}
	claim.Release()
	rep, err := sd.GC(context.Background())
	t.Logf("gc: %+v", rep)
	if err != nil || rep.Records != 2 {
		t.Errorf("GC() = %+v, %v; want 2 records removed", rep, err)
	}
	checkNothingLeft(t, sd, prefix)
}

// checkNothingLeft fails unless no record, cgroup or process of the
// sandboxes named and marked prefix is left.
func checkNothingLeft(t *testing.T, sd state.Dir, prefix string) {
	t.Helper()
	names, _ := sd.Names()
	cgroups := cgroupsNamed(prefix)
	procs := sandboxProcesses(prefix)
	t.Logf("left behind: %d records, %d cgroups, %d processes", len(names), len(cgroups), len(procs))
	if len(names)+len(cgroups)+len(procs) > 0 {
		t.Errorf("left behind: records %v, cgroups %v, processes %v", names, cgroups, procs)
	}
}

// TestRandomKillsThenGC kills 100 supervisors at random moments in their
// first 300 ms, then runs one gc.
func TestRandomKillsThenGC(t *testing.T) {
	rootfs := busyboxRootfs(t)
	sd := state.Dir{Root: t.TempDir()}
	prefix := fmt.Sprintf("rk-%d-", os.Getpid())
	mountsBefore := testenv.MountPoints()
	var wg sync.WaitGroup
	work := make(chan int)
	for range 4 {
		wg.Go(func() {
			for i := range work {
				job := superviseJob{StateDir: sd.Root, Rootfs: rootfs, Names: []string{prefix + strconv.Itoa(i)}, Mark: prefix,
					Command: []string{"/bin/sh", "-c", "sleep 100 & sleep 100"}}
				cmd, _ := startSupervisor(t, job)
				time.Sleep(time.Duration(rand.IntN(300)) * time.Millisecond)
				killSupervisor(cmd)
			}
		})
	}
	for i := range 100 {
		work <- i
	}
	close(work)
	wg.Wait()
	time.Sleep(200 * time.Millisecond) // parent-death signals are asynchronous
	rep, err := sd.GC(context.Background())
	t.Logf("gc after 100 killed runs: %+v", rep)
	if err != nil {
		t.Errorf("GC() = %v", err)
	}
	checkNothingLeft(t, sd, prefix)
	mountsAfter := testenv.MountPoints()
	t.Logf("left behind: %d changed mounts", countChanged(mountsBefore, mountsAfter))
	if mountsAfter != mountsBefore {
		t.Errorf("host mounts changed:\nbefore:\n%s\nafter:\n%s", mountsBefore, mountsAfter)
	}
}

func countChanged(a, b string) int {
	set := map[string]int{}
	for _, m := range strings.Split(a, "\n") {
		set[m]++
	}
	for _, m := range strings.Split(b, "\n") {
		set[m]--
	}
	n := 0
	for _, v := range set {
		n += max(v, -v)
	}
	return n
}
