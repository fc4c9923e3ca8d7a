package launcher

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/hclsandbox/sandbox/launcher/state"
)

// idSandbox is a sandbox with a user namespace started, claimed, in state.
type idSandbox struct {
	claim *state.Claim
	proc  *Process
}

// startIDSandbox starts a sandbox with a user namespace that sleeps until
// it is stopped, or fails the test.
func startIDSandbox(t *testing.T, sd state.Dir, rootfs, name string) *idSandbox {
	t.Helper()
	sb, err := tryIDSandbox(sd, rootfs, name)
	if err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	t.Cleanup(sb.stop)
	return sb
}

func tryIDSandbox(sd state.Dir, rootfs, name string) (*idSandbox, error) {
	s := withUserNamespace(sandboxFor(rootfs))
	s.Name, s.Command = name, []string{"/bin/sleep", "1000"}
	plan := NewPlan(s, probeTestHost())
	claim, err := Claim(context.Background(), sd, plan, false)
	if err != nil {
		return nil, err
	}
	proc, res, err := startUnder(plan, Stdio{}, claim)
	if err == nil && res != nil {
		err = res.SetupError
	}
	if err != nil {
		claim.Release()
		return nil, err
	}
	return &idSandbox{claim: claim, proc: proc}, nil
}

// stop kills the sandbox and releases its name, as its launcher would.
func (sb *idSandbox) stop() {
	if sb.proc != nil {
		sb.proc.Signal(syscall.SIGKILL)
		sb.proc.Wait()
		sb.claim.Release()
		sb.proc = nil
	}
}

// hostIDs reads the host ids that root inside pid's user namespace maps
// to, from the host's view of its uid_map or gid_map.
func hostIDs(t *testing.T, pid int, file string) state.IDRange {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/" + file)
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(b))
	if len(f) != 3 || f[0] != "0" {
		t.Fatalf("%s of %d = %q, want one line mapping 0", file, pid, b)
	}
	start, _ := strconv.ParseUint(f[1], 10, 32)
	count, _ := strconv.ParseUint(f[2], 10, 32)
	return state.IDRange{Start: uint32(start), Count: uint32(count)}
}

func overlap(a, b state.IDRange) bool {
	return uint64(a.Start) < uint64(b.Start)+uint64(b.Count) && uint64(b.Start) < uint64(a.Start)+uint64(a.Count)
}

// Two user-namespace sandboxes started by root at once must not share
// host ids: root in one would be root in the other's files and processes.
func TestUserNamespacesDisjoint(t *testing.T) {
	rootfs := busyboxRootfs(t)
	sd := state.Dir{Root: t.TempDir()}
	withIDPool(t, &sd, 2)
	a := startIDSandbox(t, sd, rootfs, "ids-a")
	b := startIDSandbox(t, sd, rootfs, "ids-b")
	for _, file := range []string{"uid_map", "gid_map"} {
		ra, rb := hostIDs(t, a.proc.Pid(), file), hostIDs(t, b.proc.Pid(), file)
		if overlap(ra, rb) {
			t.Errorf("two running sandboxes share host ids: %s %v and %v", file, ra, rb)
		}
		if ra.Start == 0 || rb.Start == 0 {
			t.Errorf("%s maps root inside to host root: %v, %v", file, ra, rb)
		}
	}
}

// testSubIDUser owns the throwaway ranges of the tests.
const testSubIDUser = "sandbox-test"

// testPoolStart is where the tests' throwaway ranges begin: far above
// any id a user or Debian's default subordinate ranges use.
const testPoolStart = 3_000_000_000

// withIDPool points state at a throwaway subordinate range of n times
// DefaultAutoIDs uids and gids for testSubIDUser; /etc is not touched.
func withIDPool(t *testing.T, sd *state.Dir, n uint32) {
	t.Helper()
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	line := fmt.Sprintf("someone:100000:65536\n%s:%d:%d\n", testSubIDUser, testPoolStart, n*state.DefaultAutoIDs)
	for _, f := range []string{"subuid", "subgid"} {
		if err := os.WriteFile(filepath.Join(root, "etc", f), []byte(line), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sd.SubIDs = state.SubIDSource{Root: root, User: testSubIDUser}
}

// The pool holds two ranges: a third sandbox is refused with a clear
// error and leaves nothing behind; once one ends, its range serves again.
func TestAutoIDsExhaustedAndFreed(t *testing.T) {
	rootfs := busyboxRootfs(t)
	sd := state.Dir{Root: t.TempDir()}
	withIDPool(t, &sd, 2)
	a := startIDSandbox(t, sd, rootfs, "ids-a")
	startIDSandbox(t, sd, rootfs, "ids-b")
	first := hostIDs(t, a.proc.Pid(), "uid_map")
	if first != (state.IDRange{Start: testPoolStart, Count: state.DefaultAutoIDs}) {
		t.Errorf("first sandbox maps %v, want the pool's first %d ids", first, state.DefaultAutoIDs)
	}
	_, err := tryIDSandbox(sd, rootfs, "ids-c")
	t.Logf("a third sandbox: %v", err)
	if err == nil || !strings.Contains(err.Error(), "no 65536 free uids left in the subordinate uid ranges of user "+testSubIDUser) {
		t.Errorf("a third sandbox = %v, want the pool said to be exhausted", err)
	}
	if _, err := os.Stat(filepath.Join(sd.Root, "ids-c")); err == nil {
		t.Errorf("the refused sandbox left its state directory")
	}
	a.stop()
	c := startIDSandbox(t, sd, rootfs, "ids-c")
	if got := hostIDs(t, c.proc.Pid(), "uid_map"); got != first {
		t.Errorf("after the first sandbox ended, a new one maps %v, want its freed range %v", got, first)
	}
}

// A launcher killed with its sandbox leaves its range recorded; gc frees it.
func TestAutoIDsFreedByGC(t *testing.T) {
	rootfs := busyboxRootfs(t)
	sd := state.Dir{Root: t.TempDir()}
	withIDPool(t, &sd, 1)
	prefix := fmt.Sprintf("idgc-%d-", os.Getpid())
	job := superviseJob{StateDir: sd.Root, SubIDs: sd.SubIDs, UserNS: true, Rootfs: rootfs, Mark: prefix,
		Names: []string{prefix + "0"}, Command: []string{"/bin/sleep", "1000"}}
	cmd, out := startSupervisor(t, job)
	if line, err := out.ReadString('\n'); err != nil {
		killSupervisor(cmd)
		t.Fatalf("supervisor: %v (%q)", err, line)
	}
	killSupervisor(cmd)
	if r, err := sd.Read(prefix + "0"); err != nil || r.IDs == nil {
		t.Fatalf("the killed launcher's record = %+v, %v; want it with its ids", r, err)
	}
	if _, err := tryIDSandbox(sd, rootfs, "ids-late"); err == nil || !strings.Contains(err.Error(), "sandbox gc frees") {
		t.Errorf("start while the dead launcher's record holds the only range = %v, want the pool exhausted", err)
	}
	if rep, err := sd.GC(context.Background()); err != nil || rep.Records != 1 {
		t.Errorf("GC() = %+v, %v; want the record removed", rep, err)
	}
	c := startIDSandbox(t, sd, rootfs, "ids-late")
	if got := hostIDs(t, c.proc.Pid(), "uid_map"); got.Start != testPoolStart {
		t.Errorf("after gc, a new sandbox maps %v, want the freed range at %d", got, testPoolStart)
	}
}

// Without the sandbox user's ranges a root-started user-namespace sandbox
// is refused, saying how to make them; an explicit uid_map still works.
func TestAutoIDsWithoutPool(t *testing.T) {
	rootfs := busyboxRootfs(t)
	sd := state.Dir{Root: t.TempDir(), SubIDs: state.SubIDSource{Root: t.TempDir(), User: testSubIDUser}}
	_, err := tryIDSandbox(sd, rootfs, "ids-none")
	t.Logf("without a pool: %v", err)
	if err == nil || !strings.Contains(err.Error(), "sandbox doctor --add-sandbox-user") {
		t.Errorf("start without a pool = %v, want the way to create one", err)
	}
	if entries, _ := os.ReadDir(sd.Root); len(entries) > 1 {
		t.Errorf("the refused start left %d entries in the state directory", len(entries))
	}
}
