package main

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/testenv"
	"github.com/hclsandbox/sandbox/launcher/state"
)

// projectHCL is two sandboxes of one project on one named network.
const projectHCL = `network "back" {
  subnet = "10.89.0.0/24"
}

sandbox "web" {
  rootfs  = "./rootfs"
  network = "back"
  command = ["/bin/sh", "-c", "sleep 300"]
}

sandbox "db" {
  rootfs  = "./rootfs"
  network = "back"
  command = ["/bin/sh", "-c", "sleep 300"]
}
`

// copyOfProject makes a directory with a busybox rootfs and the files,
// the way a checkout of a project would be: its name is the project's.
func copyOfProject(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	if err := testenv.MakeRootfs(filepath.Join(dir, "rootfs"), ""); err != nil {
		t.Fatal(err)
	}
	testenv.RequireBusybox(t, filepath.Join(dir, "rootfs"))
	for name, src := range files {
		writeHCL(t, dir, name, src)
	}
	return dir
}

// projectSetup is the sandbox command, a shared state root and n copies
// of a project made of files; each copy is taken down at the end.
func projectSetup(t *testing.T, n int, files map[string]string) (bin, run string, dirs []string) {
	t.Helper()
	testenv.RequireRoot(t)
	bin, err := exec.LookPath("sandbox")
	if err != nil {
		t.Skip("the sandbox command is only on PATH under testscript.Main")
	}
	run = filepath.Join(t.TempDir(), "run")
	for range n {
		dir := copyOfProject(t, files)
		dirs = append(dirs, dir)
		t.Cleanup(func() { inProject(t, bin, run, dir, "down", "--timeout", "0s") })
	}
	return bin, run, dirs
}

// inProject runs the sandbox command in dir with its state in run.
func inProject(t *testing.T, bin, run, dir string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "SANDBOX_RUN="+run, "SANDBOX_PROJECT=")
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.Run()
	return cmd.ProcessState.ExitCode(), out.String(), errb.String()
}

// mustIn is inProject that fails the test unless the command exits 0.
func mustIn(t *testing.T, bin, run, dir string, args ...string) string {
	t.Helper()
	code, stdout, stderr := inProject(t, bin, run, dir, args...)
	if code != 0 {
		t.Fatalf("sandbox %s in %s = exit %d:\n%s%s", strings.Join(args, " "), dir, code, stdout, stderr)
	}
	return stdout
}

// psOf lists the sandboxes that ps shows in dir, by name.
func psOf(t *testing.T, bin, run, dir string, args ...string) map[string]state.Status {
	t.Helper()
	var sts []state.Status
	out := mustIn(t, bin, run, dir, append([]string{"ps", "--json"}, args...)...)
	if err := json.Unmarshal([]byte(out), &sts); err != nil {
		t.Fatalf("ps --json: %v\n%s", err, out)
	}
	m := map[string]state.Status{}
	for _, s := range sts {
		m[s.Project+"/"+s.Name] = s
	}
	return m
}

// recordOf reads the record of sandbox name of the project in dir.
func recordOf(t *testing.T, run, dir, name string) *state.Record {
	t.Helper()
	d := state.Dir{Root: run, Project: config.ProjectFromDir(dir)}
	r, err := d.Read(name)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func requireNft(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("nft"); err != nil {
		testenv.Missing(t, "needs nft (Debian's nftables)")
	}
}

// TestProjectsSideBySide runs two copies of one project, in directories
// of different names, at once: the same sandbox names on the same named
// network, each on a bridge and a subnet of its own. ps, exec and stop
// --all act on the project of the working directory only.
func TestProjectsSideBySide(t *testing.T) {
	requireNft(t)
	bin, run, dirs := projectSetup(t, 2, map[string]string{"app.hcl": projectHCL})
	a, b := dirs[0], dirs[1]
	mustIn(t, bin, run, a, "up", "-d")
	mustIn(t, bin, run, b, "up", "-d")
	psA, psB := psOf(t, bin, run, a), psOf(t, bin, run, b)
	if len(psA) != 2 || len(psB) != 2 || psA["/web"].Pid == psB["/web"].Pid || psA["/web"].State != "running" || psB["/web"].State != "running" {
		t.Fatalf("ps in each copy = %v and %v, want its own web and db running", psA, psB)
	}
	if all := psOf(t, bin, run, a, "--all-projects"); len(all) != 4 {
		t.Errorf("ps --all-projects lists %d sandboxes, want 4: %v", len(all), all)
	}
	netA, netB := recordOf(t, run, a, "web").Net, recordOf(t, run, b, "web").Net
	if netA.Bridge == netB.Bridge || netA.Table == netB.Table || netA.Subnet.Overlaps(netB.Subnet) {
		t.Errorf("network back of the two projects: %+v and %+v, want two bridges, tables and subnets", netA, netB)
	}
	hostsA := mustIn(t, bin, run, a, "exec", "web", "--", "cat", "/etc/hosts")
	dbA := recordOf(t, run, a, "db").Net.Addr.String()
	if !strings.Contains(hostsA, netA.Addr.String()+"\tweb") || !strings.Contains(hostsA, dbA+"\tdb") {
		t.Errorf("web's /etc/hosts in the first project:\n%s\nwant web at %s and db at %s", hostsA, netA.Addr, dbA)
	}
	stopped := strings.Fields(mustIn(t, bin, run, a, "stop", "--all", "--timeout", "0s"))
	if slices.Sort(stopped); !slices.Equal(stopped, []string{"db", "web"}) {
		t.Errorf("stop --all stopped %q, want db and web", stopped)
	}
	if got := psOf(t, bin, run, a); len(got) != 0 {
		t.Errorf("ps after stop --all = %v, want none", got)
	}
	projectB := config.ProjectFromDir(b)
	if _, _, stderr := inProject(t, bin, run, a, "ps"); !strings.Contains(stderr, "ps --all-projects lists those of "+projectB) {
		t.Errorf("ps of an empty project said %q, want the project that has sandboxes named", stderr)
	}
	if code, _, stderr := inProject(t, bin, run, a, "stop", "web"); code == 0 || !strings.Contains(stderr, "--project "+projectB) {
		t.Errorf("stop web where it is not running = exit %d, %q; want the project that runs it named", code, stderr)
	}
	if got := psOf(t, bin, run, b); len(got) != 2 || got["/web"].Pid != psB["/web"].Pid {
		t.Errorf("the other project after stop --all = %v, want its web and db still running", got)
	}
}

// TestDownRemovesEverything stops a project with down and checks that no
// record, log, cgroup, bridge, veth or nftables table of it is left, and
// that a second down has nothing to do and succeeds.
func TestDownRemovesEverything(t *testing.T) {
	requireNft(t)
	bin, run, dirs := projectSetup(t, 1, map[string]string{"app.hcl": projectHCL})
	dir := dirs[0]
	mustIn(t, bin, run, dir, "up", "-d")
	rec := recordOf(t, run, dir, "web")
	cg := rec.CgroupDirs
	mustIn(t, bin, run, dir, "stop", "db")
	out := mustIn(t, bin, run, dir, "down", "--timeout", "0s")
	if !strings.HasPrefix(out, "db  removed\nweb  stopped and removed\nreceipts of 2 last runs removed\n") {
		t.Errorf("down printed %q, want db removed, web stopped and removed, and their receipts", out)
	}
	if _, err := os.Stat(filepath.Join(run, state.ProjectsDir)); err == nil {
		t.Errorf("the projects' directory is left with %v", treeOf(filepath.Join(run, state.ProjectsDir)))
	}
	for _, d := range cg {
		if _, err := os.Stat(d); err == nil {
			t.Errorf("cgroup %s is left", d)
		}
	}
	for _, link := range []string{rec.Net.Bridge, rec.Net.HostVeth} {
		if _, err := os.Stat("/sys/class/net/" + link); err == nil {
			t.Errorf("link %s is left", link)
		}
	}
	if err := exec.Command("nft", "list", "table", "ip", rec.Net.Table).Run(); err == nil {
		t.Errorf("nftables table %s is left", rec.Net.Table)
	}
	if out := mustIn(t, bin, run, dir, "down"); !strings.HasPrefix(out, "nothing to remove") {
		t.Errorf("a second down printed %q, want that there was nothing", out)
	}
}

// convergeHCL is three sandboxes; edit changes b's command and drops c.
const convergeHCL = `sandbox "a" {
  rootfs  = "./rootfs"
  command = ["/bin/sh", "-c", "sleep 300"]
}

sandbox "b" {
  rootfs  = "./rootfs"
  command = ["/bin/sh", "-c", "sleep 300"]
}

sandbox "c" {
  rootfs  = "./rootfs"
  command = ["/bin/sh", "-c", "sleep 300"]
}
`

// TestUpDetachedConverges runs up -d twice, with an edit of one sandbox
// and the removal of another in between: the unchanged one keeps its
// very process (pid and start time), the edited one runs a new one, the
// removed one is gone with its record and log, and each gets its line.
func TestUpDetachedConverges(t *testing.T) {
	bin, run, dirs := projectSetup(t, 1, map[string]string{"app.hcl": convergeHCL})
	dir := dirs[0]
	mustIn(t, bin, run, dir, "up", "-d")
	a0, b0 := recordOf(t, run, dir, "a"), recordOf(t, run, dir, "b")
	edited := strings.Replace(convergeHCL, `sandbox "b" {
  rootfs  = "./rootfs"
  command = ["/bin/sh", "-c", "sleep 300"]`, `sandbox "b" {
  rootfs  = "./rootfs"
  command = ["/bin/sh", "-c", "sleep 301"]`, 1)
	edited = edited[:strings.Index(edited, `sandbox "c"`)]
	writeHCL(t, dir, "app.hcl", edited)
	out := mustIn(t, bin, run, dir, "up", "-d")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	slices.Sort(lines)
	if len(lines) != 3 || lines[0] != "a  running (unchanged)" || !strings.HasPrefix(lines[1], "b  recreated (pid ") || lines[2] != "c  removed" {
		t.Errorf("the second up -d printed:\n%s\nwant a unchanged, b recreated, c removed", out)
	}
	a1, b1 := recordOf(t, run, dir, "a"), recordOf(t, run, dir, "b")
	if a1.Pid != a0.Pid || a1.PidStart != a0.PidStart {
		t.Errorf("a runs pid %d (start %d), want its first process %d (start %d)", a1.Pid, a1.PidStart, a0.Pid, a0.PidStart)
	}
	if b1.Pid == b0.Pid && b1.PidStart == b0.PidStart || b1.PlanDigest == b0.PlanDigest {
		t.Errorf("b runs pid %d with plan %s, as before the edit", b1.Pid, b1.PlanDigest)
	}
	if _, err := (state.Dir{Root: run, Project: config.ProjectFromDir(dir)}).Dir("c"); err == nil {
		if _, err := os.Stat(filepath.Join(run, state.ProjectsDir, config.ProjectFromDir(dir), "c")); err == nil {
			t.Errorf("c's state directory (record and log) is left")
		}
	}
	if out := mustIn(t, bin, run, dir, "up", "-d"); out != "a  running (unchanged)\nb  running (unchanged)\n" {
		t.Errorf("a third up -d printed %q, want both unchanged", out)
	}
}

// TestProjectFromAttributeAndFlag names the project in the files, which
// wins over the directory's name, and with --project, which wins over
// both: ps finds the sandbox only in its project.
func TestProjectFromAttributeAndFlag(t *testing.T) {
	bin, run, dirs := projectSetup(t, 1, map[string]string{"app.hcl": "project = \"named-one\"\n\n" + convergeHCL[:strings.Index(convergeHCL, `sandbox "b"`)]})
	dir := dirs[0]
	t.Cleanup(func() { inProject(t, bin, run, dir, "--project", "other", "down", "--timeout", "0s") })
	mustIn(t, bin, run, dir, "up", "-d")
	if got := psOf(t, bin, run, dir, "--all-projects"); len(got) != 1 || got["named-one/a"].Name != "a" {
		t.Errorf("ps --all-projects = %v, want a in project named-one", got)
	}
	mustIn(t, bin, run, dir, "--project", "other", "up", "-d")
	if got := psOf(t, bin, run, dir, "--project", "other"); len(got) != 1 {
		t.Errorf("ps --project other = %v, want its a", got)
	}
	if got := psOf(t, bin, run, dir, "--all-projects"); len(got) != 2 {
		t.Errorf("ps --all-projects = %v, want a in two projects", got)
	}
}

// treeOf lists every path under dir, relative to it, for a message.
func treeOf(dir string) []string {
	var out []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if rel, rerr := filepath.Rel(dir, p); rerr == nil && rel != "." {
			out = append(out, rel)
		}
		return nil
	})
	return out
}
