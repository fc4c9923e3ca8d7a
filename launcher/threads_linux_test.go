package launcher

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"syscall"
	"testing"

	"github.com/hclsandbox/sandbox/internal/testenv"
	"github.com/hclsandbox/sandbox/isolation"
	"github.com/hclsandbox/sandbox/launcher/state"
)

// Checklist 37: every thread of every process inside — the init's, the
// target's and an exec'd command's — holds the sandbox's capabilities,
// no_new_privs and seccomp filter. A child without an init drops them on
// its exec'ing thread alone (execve ends the others): the target's
// threads, all started after it, must still hold exactly the same.
func TestEveryThreadDropped(t *testing.T) {
	testenv.RequireRoot(t)
	for _, tc := range []struct {
		user string
		init bool
	}{{"", true}, {"65534:65534", true}, {"", false}, {"65534:65534", false}} {
		user := tc.user
		t.Run(fmt.Sprintf("user=%s/init=%v", user, tc.init), func(t *testing.T) {
			init := tc.init
			s := sandboxFor(testenv.Rootfs(t), "tasks")
			s.Init = &init
			s.Security.CapAdd = []string{"CAP_SYS_PTRACE"}
			s.Security.User = user
			out, res := runSandbox(t, s)
			if res.ExitCode != 0 {
				t.Fatalf("probe exited %d (%s)", res.ExitCode, res.Describe())
			}
			bounding, held := capMask(t, capabilities(s.Security.CapAdd, nil)), capMask(t, nil)
			if user == "" {
				held = bounding
			}
			checkTasks(t, out, bounding, held)
		})
	}
}

// TestEveryExecThreadDropped is TestEveryThreadDropped for a command that
// `sandbox exec` starts in a running sandbox.
func TestEveryExecThreadDropped(t *testing.T) {
	testenv.RequireRoot(t)
	s := shellSandbox(t, "sleep 30")
	sd := state.Dir{Root: t.TempDir()}
	plan := NewPlan(s, probeTestHost())
	claim, err := Claim(context.Background(), sd, plan, false)
	if err != nil {
		t.Fatal(err)
	}
	defer claim.Release()
	proc, res, err := startUnder(plan, Stdio{}, claim)
	if err != nil || res != nil {
		t.Fatalf("StartClaimed = %v, %v", res, err)
	}
	defer func() { proc.Signal(syscall.SIGKILL); proc.Wait() }()
	out := execOutput(t, sd, s.Name, "/probe tasks")
	caps := capMask(t, plan.Spec.Capabilities)
	checkTasks(t, strings.Join(out, "\n"), caps, caps)
}

func capMask(t *testing.T, caps []string) string {
	var mask uint64
	for _, name := range caps {
		n, ok := isolation.CapabilityNumber(name)
		if !ok {
			t.Fatalf("unknown capability %s", name)
		}
		mask |= 1 << uint(n)
	}
	return fmt.Sprintf("%016x", mask)
}

// checkTasks decodes the probe's tasks report and checks that every
// thread has the bounding set and the permitted and effective sets held.
func checkTasks(t *testing.T, out, bounding, held string) {
	t.Helper()
	var tasks map[string]map[string]string
	if err := json.Unmarshal([]byte(out), &tasks); err != nil {
		t.Fatalf("decode tasks report %q: %v", out, err)
	}
	want := map[string]string{"CapInh": "0000000000000000", "CapAmb": "0000000000000000",
		"CapPrm": held, "CapEff": held, "CapBnd": bounding, "NoNewPrivs": "1", "Seccomp": "2"}
	threads := map[string]int{}
	for task, fields := range tasks {
		pid, _, _ := strings.Cut(task, "/")
		threads[pid]++
		for k, v := range want {
			if fields[k] != v {
				t.Errorf("task %s has %s: %s, want %s", task, k, fields[k], v)
			}
		}
		for _, k := range []string{"Uid", "Gid", "Groups"} {
			if init := tasks["1/1 "+initName(tasks)][k]; fields[k] != init {
				t.Errorf("task %s has %s: %s, the init %s", task, k, fields[k], init)
			}
		}
	}
	if threads["1"] < 2 {
		t.Errorf("the init shows %d threads, want the Go runtime's several: %v", threads["1"], tasks)
	}
}

// initName is the command name of the sandbox's PID 1 in a tasks report.
func initName(tasks map[string]map[string]string) string {
	for task := range tasks {
		if id, name, _ := strings.Cut(task, " "); id == "1/1" {
			return name
		}
	}
	return ""
}

// A sandbox whose setup executes fuse-overlayfs (the kernel refusing its
// overlay in a user namespace) limits its bounding set after setup, not
// first, so that the daemon keeps the child's full set (see
// TestFuseOverlayDaemonHidesTheHost): every other thread inside must
// still end up with the sandbox's.
func TestEveryThreadDroppedOverFuseOverlay(t *testing.T) {
	requireFuseOverlayfs(t)
	init := true
	s := withIDMaps(withUserNamespace(sandboxFor(fuseRootfs(t, refusedOverlay), "tasks")))
	s.Init = &init
	plan := rootlessPlan(s)
	out, res := runPlan(t, plan)
	if res.ExitCode != 0 {
		t.Fatalf("probe exited %d (%s)", res.ExitCode, res.Describe())
	}
	var tasks map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &tasks); err != nil {
		t.Fatalf("decode tasks report %q: %v", out, err)
	}
	daemon := 0
	for task := range tasks {
		if strings.HasSuffix(task, " fuse-overlayfs") {
			delete(tasks, task)
			daemon++
		}
	}
	if daemon == 0 {
		t.Fatalf("no fuse-overlayfs task in the report: the kernel's overlay served the root, not the fallback: %s", out)
	}
	rest, err := json.Marshal(tasks)
	if err != nil {
		t.Fatal(err)
	}
	caps := capMask(t, plan.Spec.Capabilities)
	checkTasks(t, string(rest), caps, caps)
}
