package launcher

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/internal/testenv"
)

// TestWaitingSandboxesHoldNoThread waits for a batch of sandboxes at once:
// a wait must park a goroutine, not block a thread in waitid each (a batch
// of hundreds would hold hundreds of threads), and still report each exit.
func TestWaitingSandboxesHoldNoThread(t *testing.T) {
	testenv.RequireRoot(t)
	rootfs := testenv.Rootfs(t)
	testenv.RequireBusybox(t, rootfs)
	const n = 40
	procs := make([]*Process, 0, n)
	for i := range n {
		s := sandboxFor(rootfs)
		s.Name, s.Command = fmt.Sprintf("waiter-%d", i), []string{"/bin/sleep", "600"}
		p, res, err := startPlan(t, NewPlan(s, probeTestHost()), Stdio{})
		if err != nil || res != nil {
			t.Fatalf("start %s: %v %+v", s.Name, err, res)
		}
		procs = append(procs, p)
	}
	before := threads(t)
	results := make(chan *Result, n)
	for _, p := range procs {
		go func() { results <- p.Wait() }()
	}
	time.Sleep(300 * time.Millisecond) // let every wait begin; nothing is timed
	during := threads(t)
	for _, p := range procs {
		p.Signal(syscall.SIGKILL)
	}
	for range n {
		if r := <-results; r.Signal != syscall.SIGKILL {
			t.Errorf("%s ended %s, want killed by SIGKILL", r.Name, r.Describe())
		}
	}
	if during-before >= n/2 {
		t.Errorf("waiting for %d sandboxes took %d threads more (%d → %d), want a few at most", n, during-before, before, during)
	}
}

// threads is this process's number of threads.
func threads(t *testing.T) int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "Threads:"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatal("no Threads line in /proc/self/status")
	return 0
}
