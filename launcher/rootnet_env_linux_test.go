package launcher

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/internal/await"
	"github.com/hclsandbox/sandbox/internal/proc"
	"github.com/hclsandbox/sandbox/internal/testenv"
	"github.com/hclsandbox/sandbox/launcher/state"
)

// rootnet is a user without privileges for the tests of networks through
// pasta, with a state root of its own and the launcher built.
type rootnet struct {
	u      testUser
	bin    string
	rootfs string
	dir    string // where configurations are written
	run    string // SANDBOX_RUN
	path   string // PATH of the launcher
}

// newRootnet makes the user (removed after the test) and its files, all
// under the test's temporary directories.
func newRootnet(t *testing.T) *rootnet {
	t.Helper()
	return newRootnetAs(t, "sandbox-rootnet-test")
}

// newRootnetAs is newRootnet with the user name, unique to its tests.
func newRootnetAs(t *testing.T, name string) *rootnet {
	t.Helper()
	testenv.RequireRoot(t)
	if _, err := exec.LookPath("pasta"); err != nil {
		testenv.Missing(t, "needs pasta (Debian's passt)")
	}
	e := &rootnet{u: namedTestUser(t, name), path: "/usr/bin:/bin"}
	e.bin = testenv.Build(t, "github.com/hclsandbox/sandbox/cmd/sandbox")
	e.rootfs = testenv.Rootfs(t)
	testenv.RequireBusybox(t, e.rootfs)
	e.dir = filepath.Dir(e.rootfs)
	if err := os.WriteFile(filepath.Join(e.rootfs, "index.html"), []byte("served from a rootless sandbox\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The rootfs is root's: the sandbox could not make the mount point
	// of its network's hosts file.
	if err := os.WriteFile(filepath.Join(e.rootfs, "etc", "hosts"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	e.run = filepath.Join(e.dir, "run")
	if err := os.Mkdir(e.run, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(e.run, int(e.u.uid), int(e.u.gid)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.killLeftovers(t) })
	return e
}

// rootnetProject is the project of the tests' sandboxes.
const rootnetProject = "rootnet"

// home is where the project's records and network state are.
func (e *rootnet) home() string {
	return filepath.Join(e.run, state.ProjectsDir, rootnetProject)
}

// sandbox runs the launcher as the user with args.
func (e *rootnet) sandbox(args ...string) (stdout, stderr string, err error) {
	var out, errOut bytes.Buffer
	cmd := exec.Command(e.bin, args...)
	cmd.Dir = e.dir
	cmd.Stdout, cmd.Stderr = &out, &errOut
	cmd.Env = []string{"PATH=" + e.path, "HOME=/", "SANDBOX_RUN=" + e.run, "SANDBOX_PROJECT=" + rootnetProject}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: e.u.uid, Gid: e.u.gid}}
	err = cmd.Run()
	return out.String(), errOut.String(), err
}

// must runs the launcher as the user and fails the test unless it succeeds.
func (e *rootnet) must(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, err := e.sandbox(args...)
	if err != nil {
		t.Fatalf("sandbox %s as uid %d: %v\nstdout: %s\nstderr: %s", strings.Join(args, " "), e.u.uid, err, out, errOut)
	}
	return out
}

// config writes body as name.hcl and returns its path.
func (e *rootnet) config(t *testing.T, name, body string) string {
	t.Helper()
	path := filepath.Join(e.dir, name+".hcl")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// processes are the pids of processes the user runs.
func (e *rootnet) processes() []string {
	var out []string
	entries, _ := os.ReadDir("/proc")
	for _, d := range entries {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		var st syscall.Stat_t
		if syscall.Stat("/proc/"+d.Name(), &st) == nil && st.Uid == e.u.uid && proc.StartTime(pid) != 0 {
			comm, _ := os.ReadFile("/proc/" + d.Name() + "/comm")
			out = append(out, d.Name()+" "+strings.TrimSpace(string(comm)))
		}
	}
	return out
}

// killLeftovers kills what a failed test left running as the user, by
// pid, so that the user can be removed.
func (e *rootnet) killLeftovers(t *testing.T) {
	for _, p := range e.processes() {
		pid, _ := strconv.Atoi(strings.Fields(p)[0])
		t.Errorf("left running as uid %d: %s", e.u.uid, p)
		syscall.Kill(pid, syscall.SIGKILL)
	}
}

// freePort is a TCP port on 127.0.0.1 that nothing listens on now.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// fetch gets url, retrying while the server in the sandbox starts.
func fetch(t *testing.T, url string) string {
	t.Helper()
	c := &http.Client{Timeout: 5 * time.Second}
	var last error
	for i := 0; i < 100; i++ {
		resp, err := c.Get(url)
		if err == nil {
			b, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err == nil && resp.StatusCode == http.StatusOK {
				return string(b)
			}
			last = fmt.Errorf("status %s, read: %v", resp.Status, err)
		} else {
			last = err
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("get %s: %v", url, last)
	return ""
}

// namedTestUser creates the system user name for the test and removes it
// after.
func namedTestUser(t *testing.T, name string) testUser {
	t.Helper()
	if _, err := user.Lookup(name); err != nil {
		if out, err := exec.Command("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name).CombinedOutput(); err != nil {
			testenv.Missing(t, "cannot create a test user (useradd, Debian's passwd): %v: %s", err, out)
		}
		t.Cleanup(func() { exec.Command("userdel", name).Run() })
	}
	u, err := user.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return testUser{uint32(uid), uint32(gid)}
}

// stopAndAwait stops name and waits for its supervisor to exit, which
// it does just after it removed the record that stop waits for.
func (e *rootnet) stopAndAwait(t *testing.T, name string) {
	t.Helper()
	// Read by hand: as root, state refuses a directory another user owns.
	b, err := os.ReadFile(filepath.Join(e.home(), name, "state.json"))
	var r state.Record
	if err == nil {
		err = json.Unmarshal(b, &r)
	}
	if err != nil {
		t.Fatalf("read the record of %s: %v", name, err)
	}
	w := await.New(context.Background())
	defer w.Release()
	watching := w.Pid(r.Supervisor, r.SupervisorStart)
	e.must(t, "stop", name)
	deadline := time.Now().Add(10 * time.Second)
	for watching && !w.Exited && w.Wait(deadline) {
	}
}
