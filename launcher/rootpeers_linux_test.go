package launcher

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
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

// newRootpeers is a user without root, with a name of its own.
func newRootpeers(t *testing.T) *rootnet {
	t.Helper()
	if _, err := exec.LookPath("nsenter"); err != nil {
		testenv.Missing(t, "needs nsenter (util-linux)")
	}
	return newRootnetAs(t, "sandbox-peers-test")
}

// A root filesystem of someone else's without /etc/hosts leaves the
// network's hosts file nowhere to go: the start is refused with the fix,
// and nothing is left.
func TestRootlessPeersNeedHostsTarget(t *testing.T) {
	e := newRootpeers(t)
	if err := os.Remove(filepath.Join(e.rootfs, "etc", "hosts")); err != nil {
		t.Fatal(err)
	}
	cfg := e.config(t, "nohosts", fmt.Sprintf(`sandbox "rootless" {
  rootfs  = %q
  network = "default"
  command = ["/bin/true"]
}
`, e.rootfs))
	_, stderr, err := e.sandbox("run", cfg, "rootless")
	if err == nil || !strings.Contains(stderr, "create an empty") || !strings.Contains(stderr, "etc/hosts") {
		t.Errorf("run with a rootfs without etc/hosts: err %v, stderr %q; want the fix", err, stderr)
	}
	if left := e.processes(); len(left) > 0 {
		t.Errorf("after the refusal, still running as the user: %v", left)
	}
	if _, err := os.Stat(filepath.Join(e.home(), ".net", "default")); !os.IsNotExist(err) {
		t.Errorf("after the refusal, the network's state directory is there (stat: %v)", err)
	}
}

// Two sandboxes started without root on one network reach each other by
// name and by alias, through the network's holder; a port published on
// 127.0.0.1 still serves; after stop nothing is left: no holder, pasta
// or sandbox process, no network state, no record.
func TestRootlessPeersByName(t *testing.T) {
	e := newRootpeers(t)
	port := freePort(t)
	web := e.config(t, "web", fmt.Sprintf(`sandbox "web" {
  rootfs  = %q
  network = "default"
  aliases = ["backend"]
  ports   = ["127.0.0.1:%d:80"]
  command = ["/bin/httpd", "-f", "-p", "80", "-h", "/"]
}
`, e.rootfs, port))
	client := e.config(t, "client", fmt.Sprintf(`sandbox "client" {
  rootfs  = %q
  network = "default"
  command = ["/bin/sh", "-c", "for n in web backend; do wget -q -O - http://$n/index.html || echo no page from $n; done"]
}
`, e.rootfs))
	e.must(t, "up", "-d", web)
	stopped := false
	defer func() {
		if !stopped {
			e.sandbox("stop", "web")
		}
	}()
	if got := fetch(t, fmt.Sprintf("http://127.0.0.1:%d/index.html", port)); got != "served from a rootless sandbox\n" {
		t.Errorf("page through the published port = %q", got)
	}
	page := "served from a rootless sandbox\n"
	if out := e.must(t, "run", client, "client"); out != page+page {
		t.Errorf("the client fetching from web and backend printed %q, want the page twice", out)
	}
	e.stopAndAwait(t, "web")
	stopped = true
	e.assertNothingLeft(t, "web", port)
}

// assertNothingLeft checks that after stop no process of the user runs,
// the network's state and the sandbox's records are gone and the port is
// closed.
func (e *rootnet) assertNothingLeft(t *testing.T, name string, port int) {
	t.Helper()
	if left := e.processes(); len(left) > 0 {
		t.Errorf("after stop, still running as the user: %v", left)
	}
	if _, err := os.Stat(filepath.Join(e.home(), ".net", "default")); !os.IsNotExist(err) {
		entries, _ := os.ReadDir(filepath.Join(e.home(), ".net", "default"))
		t.Errorf("after stop, the network's state directory is there (stat: %v): %v", err, entries)
	}
	if records, _ := filepath.Glob(filepath.Join(e.home(), name, "*.json")); len(records) > 0 {
		t.Errorf("after stop, records are left: %v", records)
	}
	if c, err := net.Dial("tcp4", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
		c.Close()
		t.Errorf("after stop, 127.0.0.1:%d still accepts connections", port)
	}
}

// The attack: a sandbox on another network tries the web sandbox by name
// and by address. Each network has a namespace of its own, with no route
// to another's, so neither works. Its launcher runs in a network
// namespace the test made, whose default route leads nowhere, so what
// pasta carries out does not leave the test's namespace.
func TestRootlessNetworksApart(t *testing.T) {
	e := newRootpeers(t)
	web := e.config(t, "web", fmt.Sprintf(`sandbox "web" {
  rootfs  = %q
  network = "default"
  command = ["/bin/httpd", "-f", "-p", "80", "-h", "/"]
}
`, e.rootfs))
	e.must(t, "up", "-d", web)
	defer e.stopAndAwait(t, "web")
	hosts, err := os.ReadFile(filepath.Join(e.home(), ".net", "default", "hosts"))
	addr := ""
	for _, l := range strings.Split(string(hosts), "\n") {
		if f := strings.Fields(l); len(f) > 1 && f[1] == "web" {
			addr = f[0]
		}
	}
	if err != nil || addr == "" {
		t.Fatalf("the web sandbox's address in its network's hosts file: %v\n%s", err, hosts)
	}
	// The peer check first, so that a failure to fetch below means the
	// networks are apart and not that the server is not up yet.
	peer := e.config(t, "peer", fmt.Sprintf(`sandbox "peer" {
  rootfs  = %q
  network = "default"
  command = ["/bin/sh", "-c", "until wget -q -O - http://%s/index.html; do sleep 0.1; done"]
}
`, e.rootfs, addr))
	e.must(t, "run", peer, "peer")
	intruder := e.config(t, "intruder", fmt.Sprintf(`network "side" {
  subnet = "10.90.0.0/24"
}

sandbox "intruder" {
  rootfs  = %q
  network = "side"
  command = ["/bin/sh", "-c", "for u in http://web/index.html http://%s/index.html; do wget -q -T 3 -O - $u && echo reached $u || echo no $u; done"]
}
`, e.rootfs, addr))
	// pasta needs a route out: one that leads nowhere.
	script := fmt.Sprintf(`set -e
ip link set lo up
ip link add sbt0 type veth peer name sbt1
ip addr add 10.199.0.1/24 dev sbt0
ip link set sbt0 up && ip link set sbt1 up
ip route add default via 10.199.0.254
exec setpriv --reuid %d --regid %d --clear-groups env -i PATH=/usr/bin:/bin HOME=/ SANDBOX_RUN=%q SANDBOX_PROJECT=%s %q run %q intruder
`, e.u.uid, e.u.gid, e.run, rootnetProject, e.bin, intruder)
	cmd := exec.Command("unshare", "--net", "sh", "-c", script)
	cmd.Dir = e.dir
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok {
		t.Logf("stderr: %s", ee.Stderr)
	}
	if err != nil || strings.Contains(string(out), "reached") || strings.Count(string(out), "no http") != 2 {
		t.Errorf("a sandbox on another network fetching web by name and by %s: %v\n%s", addr, err, out)
	}
}

// A supervisor killed with SIGKILL leaves its network's holder and pasta
// running, since they serve every launcher of the network; sandbox gc
// ends them with the record and removes the network's state.
func TestRootlessPeersGC(t *testing.T) {
	e := newRootpeers(t)
	port := freePort(t)
	web := e.config(t, "web", fmt.Sprintf(`sandbox "web" {
  rootfs  = %q
  network = "default"
  ports   = ["127.0.0.1:%d:80"]
  command = ["/bin/httpd", "-f", "-p", "80", "-h", "/"]
}
`, e.rootfs, port))
	e.must(t, "up", "-d", web)
	r := e.record(t, "web")
	w := await.New(context.Background())
	defer w.Release()
	if w.Pid(r.Supervisor, r.SupervisorStart) {
		syscall.Kill(r.Supervisor, syscall.SIGKILL)
		for !w.Exited && w.Wait(time.Now().Add(10*time.Second)) {
		}
	}
	b, err := os.ReadFile(filepath.Join(e.home(), ".net", "default", "holder.json"))
	var h struct {
		Pid   int    `json:"pid"`
		Start uint64 `json:"start"`
	}
	if err == nil {
		err = json.Unmarshal(b, &h)
	}
	if err != nil || !proc.SameProcess(h.Pid, h.Start) {
		t.Fatalf("after the supervisor's crash, the holder is not running (%v): %s", err, b)
	}
	e.must(t, "gc")
	if left := e.live(); len(left) > 0 {
		t.Errorf("after gc, still running as the user: %v", left)
	}
	if _, err := os.Stat(filepath.Join(e.home(), ".net", "default")); !os.IsNotExist(err) {
		t.Errorf("after gc, the network's state directory is there (stat: %v)", err)
	}
}

// live are the processes of the user that have not ended: those killed
// by a launcher that crashed before are init's to reap.
func (e *rootnet) live() []string {
	var out []string
	for _, p := range e.processes() {
		pid, _ := strconv.Atoi(strings.Fields(p)[0])
		if st, err := proc.ReadStat(pid); err == nil && st.State != 'Z' {
			out = append(out, p)
		}
	}
	return out
}

// record reads the record of name in the tests' project.
func (e *rootnet) record(t *testing.T, name string) *state.Record {
	t.Helper()
	return readRecordFile(t, filepath.Join(e.home(), name, "state.json"))
}

// readRecordFile reads a record by hand: as root, state refuses a
// directory another user owns.
func readRecordFile(t *testing.T, path string) *state.Record {
	t.Helper()
	b, err := os.ReadFile(path)
	var r state.Record
	if err == nil {
		err = json.Unmarshal(b, &r)
	}
	if err != nil {
		t.Fatalf("read the record %s: %v", path, err)
	}
	return &r
}

// With subordinate ranges, the holder maps them as well as the user's
// own id, and each sandbox's map, made inside the holder's, is still the
// planned one in host ids: root inside the user, ids 1 and up the range.
// A peer running as uid 1000 inside (a subordinate id outside) reaches
// the server by name.
func TestRootlessPeersSubIDs(t *testing.T) {
	testenv.RequireRoot(t)
	if _, err := exec.LookPath("nsenter"); err != nil {
		testenv.Missing(t, "needs nsenter (util-linux)")
	}
	u := newSubIDUser(t, 65536)
	bin := testenv.Build(t, "github.com/hclsandbox/sandbox/cmd/sandbox")
	rootfs := testenv.Rootfs(t)
	testenv.RequireBusybox(t, rootfs)
	for name, body := range map[string]string{"index.html": "served by a peer\n", "etc/hosts": ""} {
		if err := os.WriteFile(filepath.Join(rootfs, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg := filepath.Join(filepath.Dir(rootfs), "subpeers.hcl")
	body := fmt.Sprintf(`sandbox "web" {
  rootfs  = %q
  network = "default"
  command = ["/bin/httpd", "-f", "-p", "80", "-h", "/"]
}

sandbox "client" {
  rootfs  = %q
  network = "default"
  user    = "1000:1000"
  command = ["/bin/sh", "-c", "id -u; until wget -q -O - http://web/index.html; do sleep 0.1; done"]
}
`, rootfs, rootfs)
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, stderr, code := u.commandAs(t, "/usr/bin:/bin", bin, "up", "-d", "--project", "peers", cfg, "web"); code != 0 {
		t.Fatalf("up -d web: exit %d\n%s%s", code, out, stderr)
	}
	defer u.commandAs(t, "/usr/bin:/bin", bin, "stop", "--project", "peers", "web")
	r := readRecordFile(t, filepath.Join(u.run, state.ProjectsDir, "peers", "web", "state.json"))
	m, err := os.ReadFile(fmt.Sprintf("/proc/%d/uid_map", r.Pid))
	want := fmt.Sprintf("0 %d 1\n1 %d 65536", u.uid, u.start)
	if got := strings.Join(strings.Fields(string(m)), " "); err != nil || got != strings.Join(strings.Fields(want), " ") {
		t.Errorf("web's uid map in host ids = %q (%v), want %q", m, err, want)
	}
	out, stderr, code := u.commandAs(t, "/usr/bin:/bin", bin, "run", "--project", "peers", cfg, "client")
	if code != 0 || out != "1000\nserved by a peer\n" {
		t.Errorf("the client as uid 1000: exit %d, stdout %q, stderr %s", code, out, stderr)
	}
}
