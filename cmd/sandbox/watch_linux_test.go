package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/internal/testenv"
)

// watchProc is one `sandbox up --watch` running under a test.
type watchProc struct {
	t     *testing.T
	cmd   *exec.Cmd
	lines chan string
	seen  []string
}

// startWatch starts `sandbox up --watch args...` in dir; its stdout and
// stderr arrive, line by line, through lines. It is stopped with SIGTERM
// when the test ends.
func startWatch(t *testing.T, bin, dir string, args ...string) *watchProc {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, append([]string{"up", "--watch"}, args...)...)
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, w, w
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	wp := &watchProc{t: t, cmd: cmd, lines: make(chan string, 1024)}
	go func() {
		defer close(wp.lines)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			wp.lines <- sc.Text()
		}
		r.Close()
	}()
	t.Cleanup(func() { wp.stop() })
	return wp
}

// stop sends SIGTERM to the supervisor this test started and waits for it.
func (wp *watchProc) stop() {
	if wp.cmd.ProcessState != nil {
		return
	}
	wp.cmd.Process.Signal(syscall.SIGTERM)
	for range wp.lines {
	}
	wp.cmd.Wait()
}

// await returns the first line from now on that matches re, failing the
// test after timeout.
func (wp *watchProc) await(re string, timeout time.Duration) string {
	wp.t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.After(timeout)
	for {
		select {
		case l, ok := <-wp.lines:
			if !ok {
				wp.t.Fatalf("up --watch ended before a line matching %q; output:\n%s", re, strings.Join(wp.seen, "\n"))
			}
			wp.seen = append(wp.seen, l)
			if rx.MatchString(l) {
				return l
			}
		case <-deadline:
			wp.t.Fatalf("no line matching %q within %v; output:\n%s", re, timeout, strings.Join(wp.seen, "\n"))
		}
	}
}

// until collects the lines matching re until each of finals has been one
// of them, failing the test after timeout.
func (wp *watchProc) until(re string, timeout time.Duration, finals ...string) []string {
	wp.t.Helper()
	rx := regexp.MustCompile(re)
	var out []string
	left := map[string]bool{}
	for _, f := range finals {
		left[f] = true
	}
	deadline := time.After(timeout)
	for len(left) > 0 {
		select {
		case l, ok := <-wp.lines:
			if !ok {
				wp.t.Fatalf("up --watch ended before %v; output:\n%s", finals, strings.Join(wp.seen, "\n"))
			}
			wp.seen = append(wp.seen, l)
			if rx.MatchString(l) {
				out = append(out, l)
				delete(left, l)
			}
		case <-deadline:
			wp.t.Fatalf("no lines %v within %v; output:\n%s", finals, timeout, strings.Join(wp.seen, "\n"))
		}
	}
	return out
}

// quiet collects the lines of the next d and returns those matching re.
func (wp *watchProc) quiet(re string, d time.Duration) []string {
	rx := regexp.MustCompile(re)
	var out []string
	deadline := time.After(d)
	for {
		select {
		case l, ok := <-wp.lines:
			if !ok {
				return out
			}
			wp.seen = append(wp.seen, l)
			if rx.MatchString(l) {
				out = append(out, l)
			}
		case <-deadline:
			return out
		}
	}
}

func write(t *testing.T, p, s string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

const watchedSandbox = `sandbox "wt" {
  rootfs       = "./rootfs"
  command      = ["/bin/sh", "-c", "echo run; exec sleep 1000"]
  stop_timeout = "2s"
  watch {
    paths    = ["./app"]
    ignore   = ["*.log", "build/"]
    debounce = "150ms"
  }
}
`

// TestWatchFiles checks, with real files and sandboxes, that a burst of
// writes relaunches once, that a new subdirectory is watched and that
// ignored files and editor temp files do not relaunch.
func TestWatchFiles(t *testing.T) {
	bin, dir := batchSetup(t)
	mounts := testenv.MountPoints()
	app := filepath.Join(dir, "app")
	os.Mkdir(app, 0o755)
	writeHCL(t, dir, "w.hcl", watchedSandbox)
	wp := startWatch(t, bin, dir, "w.hcl")
	wp.await(`^run$`, 10*time.Second)

	for i := range 50 {
		write(t, filepath.Join(app, "main.py"), strings.Repeat("x", i))
	}
	got := strings.Join(wp.quiet(`change in|restarted in|^run$`, 1500*time.Millisecond), "\n")
	for _, want := range []string{"wt | change in app/main.py → restarting", "wt | restarted in ", "run"} {
		if n := strings.Count(got, want); n != 1 {
			t.Errorf("50 writes within one debounce: %d lines %q, want 1; output:\n%s", n, want, got)
		}
	}

	os.MkdirAll(filepath.Join(app, "sub", "deeper"), 0o755)
	time.Sleep(100 * time.Millisecond) // the supervisor adds the new watches
	wp.quiet(`.`, 400*time.Millisecond)
	write(t, filepath.Join(app, "sub", "deeper", "new.py"), "x")
	wp.await(`^wt \| change in app/sub/deeper/new.py → restarting$`, 5*time.Second)
	wp.await(`^run$`, 5*time.Second)

	os.MkdirAll(filepath.Join(app, "build"), 0o755)
	for _, name := range []string{"a.log", "build/out.o", ".main.py.swp", "main.py~", "4913", ".#main.py"} {
		write(t, filepath.Join(app, name), "x")
	}
	if got := wp.quiet(`change in`, 800*time.Millisecond); len(got) > 0 {
		t.Errorf("ignored files relaunched the sandbox: %q", got)
	}
	wp.stop()
	if code := wp.cmd.ProcessState.ExitCode(); code != 143 {
		t.Errorf("up --watch after SIGTERM exited %d, want 143", code)
	}
	checkNothingLeft(t, "wt", mounts)
}

// TestWatchConfig edits the HCL file under up --watch: an invalid edit is
// reported and changes nothing; a valid one relaunches only the sandbox
// whose plan changed, starts an added one and stops a removed one.
func TestWatchConfig(t *testing.T) {
	bin, dir := batchSetup(t)
	mounts := testenv.MountPoints()
	block := func(name, msg string) string {
		return `sandbox "` + name + `" {
  rootfs       = "./rootfs"
  command      = ["/bin/sh", "-c", "echo ` + msg + `; exec sleep 1000"]
  stop_timeout = "2s"
}
`
	}
	hcl := filepath.Join(dir, "c.hcl")
	write(t, hcl, block("wca", "a1")+block("wcb", "b1"))
	wp := startWatch(t, bin, dir, "c.hcl")
	wp.await(`a1$`, 10*time.Second)
	wp.await(`b1$`, 10*time.Second)

	write(t, hcl, block("wca", "a1")+`sandbox "wcb" { command = 3 }`)
	wp.await(`Incorrect attribute value type|command`, 5*time.Second)
	wp.await(`configuration not applied; the running sandboxes keep running`, 5*time.Second)

	write(t, hcl, block("wca", "a1")+block("wcb", "b2")+block("wcc", "c1"))
	got := wp.quiet(`.`, 3*time.Second)
	text := strings.Join(got, "\n")
	for _, want := range []string{"wcb | configuration changed → restarting", "b2", "wcc | added → started", "c1"} {
		if !strings.Contains(text, want) {
			t.Errorf("after a valid edit, no %q in:\n%s", want, text)
		}
	}
	if strings.Contains(text, "wca") || strings.Contains(text, "a1") {
		t.Errorf("the unchanged sandbox was relaunched:\n%s", text)
	}

	write(t, hcl, block("wcb", "b2")+block("wcc", "c1"))
	wp.await(`wca \| removed`, 5*time.Second)
	wp.stop()
	checkNothingLeft(t, "wc", mounts)
}

// TestWatchRestartPolicy checks on-failure with its limit and backoff,
// always after exit 0, and no.
func TestWatchRestartPolicy(t *testing.T) {
	bin, dir := batchSetup(t)
	mounts := testenv.MountPoints()
	writeHCL(t, dir, "r.hcl", `sandbox "wrfail" {
  rootfs       = "./rootfs"
  command      = ["/bin/sh", "-c", "echo try; exit 3"]
  restart      = "on-failure"
  max_restarts = 3
}
sandbox "wralways" {
  rootfs       = "./rootfs"
  command      = ["/bin/sh", "-c", "echo ok"]
  restart      = "always"
  max_restarts = 2
}
sandbox "wrno" {
  rootfs  = "./rootfs"
  command = ["/bin/sh", "-c", "exit 4"]
}
`)
	wp := startWatch(t, bin, dir, "r.hcl")
	// Until every policy has run its course (the backoffs add up to 0.7 s,
	// but a loaded machine may take much longer), then a while more to
	// see that nothing restarts past it.
	lines := wp.until(`\| `, 60*time.Second, "wrfail   | exited with 3", "wralways | exited with 0", "wrno     | exited with 4")
	got := strings.Join(append(lines, wp.quiet(`\| `, time.Second)...), "\n")
	for _, want := range []string{
		"wrfail   | exited with 3 → restarting in 100ms (1)",
		"wrfail   | exited with 3 → restarting in 200ms (2)",
		"wrfail   | exited with 3 → restarting in 400ms (3)",
		"wrfail   | exited with 3\n",
		"wralways | exited with 0 → restarting in 100ms (1)",
		"wralways | exited with 0 → restarting in 200ms (2)",
		"wrno     | exited with 4",
	} {
		if !strings.Contains(got+"\n", want) {
			t.Errorf("no %q in:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "wrfail   | try"); n != 4 {
		t.Errorf("on-failure with max_restarts = 3 ran %d times, want 4:\n%s", n, got)
	}
	if strings.Contains(got, "wrno     | exited with 4 →") {
		t.Errorf("restart = no restarted:\n%s", got)
	}
	wp.stop()
	checkNothingLeft(t, "wr", mounts)
}

// TestWatchLatency measures the time from the write of a watched file to
// the first output line of the relaunched sandbox, and prints its median
// beside the debounce (go test -v -run TestWatchLatency).
func TestWatchLatency(t *testing.T) {
	bin, dir := batchSetup(t)
	mounts := testenv.MountPoints()
	app := filepath.Join(dir, "app")
	os.Mkdir(app, 0o755)
	writeHCL(t, dir, "w.hcl", strings.Replace(watchedSandbox, `"150ms"`, `"100ms"`, 1))
	wp := startWatch(t, bin, dir, "w.hcl")
	wp.await(`^run$`, 10*time.Second)
	var lat []time.Duration
	for i := range 10 {
		start := time.Now()
		write(t, filepath.Join(app, "main.py"), strings.Repeat("y", i))
		wp.await(`^run$`, 5*time.Second)
		lat = append(lat, time.Since(start))
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	t.Logf("relaunch latency (write → first line): median %v, min %v, max %v; debounce 100ms, target ≤ 130ms",
		lat[len(lat)/2].Round(time.Millisecond), lat[0].Round(time.Millisecond), lat[len(lat)-1].Round(time.Millisecond))
	wp.stop()
	checkNothingLeft(t, "wt", mounts)
}

func countFDs(t *testing.T, pid int) int {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join("/proc", strconv.Itoa(pid), "fd"))
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

// sandboxCgroups lists the cgroups of sandboxes whose name starts with base.
func sandboxCgroups(base string) []string {
	var out []string
	for _, pattern := range []string{"/sys/fs/cgroup/sandbox/*." + base + "*", "/sys/fs/cgroup/pids/sandbox/*." + base + "*"} {
		m, _ := filepath.Glob(pattern)
		out = append(out, m...)
	}
	return out
}

// childPids2 lists the live children of pid, whichever thread started them.
func childPids2(pid int) []string {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	var out []string
	for _, f := range tasks {
		b, _ := os.ReadFile(f)
		out = append(out, strings.Fields(string(b))...)
	}
	return out
}
