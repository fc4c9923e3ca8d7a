package launcher

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/testenv"
	"golang.org/x/sys/unix"
)

// hostClocks reads CLOCK_MONOTONIC and CLOCK_BOOTTIME of the test.
func hostClocks(t *testing.T) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for name, id := range map[string]int32{"monotonic": unix.CLOCK_MONOTONIC, "boottime": unix.CLOCK_BOOTTIME} {
		var ts unix.Timespec
		if err := unix.ClockGettime(id, &ts); err != nil {
			t.Fatalf("clock_gettime(%s): %v", name, err)
		}
		out[name] = ts.Nano()
	}
	return out
}

// TestSandboxTimeNamespace: with clock offsets, the payload's monotonic and
// boot clocks read the host's moved by the offsets: between the host's
// reading before the start and after the exit, plus the offset. Its time
// namespace is its own; with init the target, forked by the init, is in
// it too.
func TestSandboxTimeNamespace(t *testing.T) {
	testenv.RequireRoot(t)
	if k := kernelVersion(); !TimeNamespaceWorks(k) {
		t.Skipf("kernel %d.%d holds no command in a time namespace: TestSandboxTimeNamespaceShell checks the refusal", k.Major, k.Minor)
	}
	rootfs := testenv.Rootfs(t)
	offsets := map[string]time.Duration{"monotonic": 7 * time.Hour, "boottime": -2 * time.Second}
	for _, init := range []bool{false, true} {
		s := sandboxFor(rootfs, "report")
		s.Namespaces = append(s.Namespaces, "time")
		s.ClockOffsets = &config.ClockOffsets{Monotonic: offsets["monotonic"], Boottime: offsets["boottime"]}
		s.Init = &init
		before := hostClocks(t)
		r := probe(t, s)
		after := hostClocks(t)
		for name, off := range offsets {
			got := time.Duration(r.Clocks[name] - int64(off))
			if got < time.Duration(before[name]) || got > time.Duration(after[name]) {
				t.Errorf("init %v: %s inside minus %s = %v, want between the host's %v and %v",
					init, name, off, got, time.Duration(before[name]), time.Duration(after[name]))
			}
		}
		var host unix.Stat_t
		if err := unix.Stat("/proc/self/ns/time", &host); err != nil {
			t.Fatal(err)
		}
		if r.Namespaces["time"] == host.Ino || r.Namespaces["time"] == 0 {
			t.Errorf("init %v: time namespace %d, want one of its own (the host's is %d)", init, r.Namespaces["time"], host.Ino)
		}
	}
}

// TestSandboxClockOffsetBelowZero: an offset that would move the boot
// clock below zero is refused by the kernel; the start fails with the
// step named, and nothing is left behind.
func TestSandboxClockOffsetBelowZero(t *testing.T) {
	testenv.RequireRoot(t)
	if k := kernelVersion(); !TimeNamespaceWorks(k) {
		t.Skipf("kernel %d.%d holds no command in a time namespace: the start is refused before the offsets (TestSandboxTimeNamespaceShell)", k.Major, k.Minor)
	}
	s := sandboxFor(testenv.Rootfs(t), "report")
	s.Namespaces = append(s.Namespaces, "time")
	s.ClockOffsets = &config.ClockOffsets{Boottime: -100 * 365 * 24 * time.Hour}
	out, res := runSandbox(t, s)
	if res.ExitCode != 125 || res.SetupError == nil || res.SetupError.Step != "set clock offsets" {
		t.Errorf("exit %d (%s), setup error %v, output %q; want 125 at the step set clock offsets", res.ExitCode, res.Describe(), res.SetupError, out)
	}
}

// TestSandboxTimeNamespaceShell: on every kernel with time namespaces, a
// single-threaded command sees the boot clock moved: /proc/uptime inside
// reads the host's uptime plus the offset. On a kernel that would leave
// the command outside its time namespace, the start is refused (125)
// instead: its clocks would not be moved.
func TestSandboxTimeNamespaceShell(t *testing.T) {
	testenv.RequireRoot(t)
	rootfs := testenv.Rootfs(t)
	testenv.RequireBusybox(t, rootfs)
	const offset = 1000 * time.Hour
	works := TimeNamespaceWorks(kernelVersion())
	for _, init := range []bool{false, true} {
		s := sandboxFor(rootfs)
		s.Command = []string{"/bin/cat", "/proc/uptime"}
		s.Namespaces = append(s.Namespaces, "time")
		s.ClockOffsets = &config.ClockOffsets{Boottime: offset}
		s.Init = &init
		before := hostClocks(t)["boottime"]
		out, res := runSandbox(t, s)
		after := hostClocks(t)["boottime"]
		if !works {
			if res.ExitCode != 125 || res.SetupError == nil || !strings.Contains(res.SetupError.Error(), "time namespace") {
				t.Errorf("init %v on a kernel that holds no command in it: exit %d (%v), want 125 refusing the time namespace", init, res.ExitCode, res.SetupError)
			}
			continue
		}
		if res.ExitCode != 0 {
			t.Fatalf("init %v: cat /proc/uptime exited %d (%s)", init, res.ExitCode, res.Describe())
		}
		var up float64
		if _, err := fmt.Sscan(out, &up); err != nil {
			t.Fatalf("init %v: /proc/uptime = %q: %v", init, out, err)
		}
		got := time.Duration(up*float64(time.Second)) - offset
		// /proc/uptime has hundredths of a second.
		if got < time.Duration(before)-10*time.Millisecond || got > time.Duration(after)+10*time.Millisecond {
			t.Errorf("init %v: uptime inside minus %v = %v, want between the host's %v and %v", init, offset, got, time.Duration(before), time.Duration(after))
		}
	}
}
