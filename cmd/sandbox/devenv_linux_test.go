package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/launcher/state"
)

// TestDevenv is examples/devenv.hcl as a developer uses it, in two
// checkouts at once: up -d starts the server, and the job and the client
// once the server's check passes inside it; ps shows the server healthy;
// the client reaches the server by name; exec -t gets a terminal; an edit
// of the client recreates the client alone; down leaves nothing.
func TestDevenv(t *testing.T) {
	requireNft(t)
	src, err := os.ReadFile("../../examples/devenv.hcl")
	if err != nil {
		t.Fatal(err)
	}
	hcl := strings.ReplaceAll(string(src), `"./rootfs/busybox"`, `"./rootfs"`)
	bin, run, dirs := projectSetup(t, 2, map[string]string{"devenv.hcl": hcl})
	a, b := dirs[0], dirs[1]

	up := mustIn(t, bin, run, a, "up", "-d")
	for _, name := range []string{"server", "seed", "client"} {
		if !strings.Contains(up, name+"  started (pid ") {
			t.Errorf("up -d printed:\n%s\nwant %s started", up, name)
		}
	}
	if st := psOf(t, bin, run, a)["/server"]; st.State != "running" || st.Health != "healthy" {
		t.Errorf("ps shows the server %s (%s), want running and healthy: its dependents started", st.State, st.Health)
	}
	awaitLog(t, bin, run, a, "seed", "hello from the dev server\nseeded\n")
	awaitLog(t, bin, run, a, "client", "hello from the dev server\n")
	tty := mustIn(t, bin, run, a, "exec", "-t", "server", "--", "/bin/sh", "-c", "test -t 0 && test -t 1 && ls -l /proc/self/fd/0")
	if !strings.Contains(tty, "-> /dev/pts/") {
		t.Errorf("exec -t server printed %q, want stdin and stdout a terminal of the sandbox's devpts", tty)
	}

	mustIn(t, bin, run, b, "up", "-d")
	if st := psOf(t, bin, run, b)["/server"]; st.State != "running" || st.Pid == psOf(t, bin, run, a)["/server"].Pid {
		t.Errorf("the second checkout's server: %+v, want its own running", st)
	}
	awaitLog(t, bin, run, b, "client", "hello from the dev server\n")

	server := recordOf(t, run, a, "server")
	client := recordOf(t, run, a, "client")
	writeHCL(t, a, "devenv.hcl", strings.Replace(hcl, "sleep 2 & wait", "sleep 3 & wait", 1))
	again := mustIn(t, bin, run, a, "up", "-d")
	if !strings.Contains(again, "server  running (unchanged)\n") || !strings.Contains(again, "client  recreated (pid ") {
		t.Errorf("up -d after an edit of the client printed:\n%s\nwant the server unchanged and the client recreated", again)
	}
	if now := recordOf(t, run, a, "server"); now.Pid != server.Pid || now.PidStart != server.PidStart {
		t.Errorf("the server runs pid %d, want its first process %d: it was not edited", now.Pid, server.Pid)
	}
	if now := recordOf(t, run, a, "client"); now.Pid == client.Pid {
		t.Errorf("the client runs pid %d as before the edit", now.Pid)
	}

	net := server.Net
	mustIn(t, bin, run, a, "down", "--timeout", "0s")
	if _, err := os.Stat(filepath.Join(run, state.ProjectsDir, filepath.Base(a))); err == nil {
		t.Errorf("the project's state directory (records, logs) is left after down")
	}
	for _, d := range append(server.CgroupDirs, client.CgroupDirs...) {
		if _, err := os.Stat(d); err == nil {
			t.Errorf("cgroup %s is left after down", d)
		}
	}
	if _, err := os.Stat("/sys/class/net/" + net.Bridge); err == nil {
		t.Errorf("bridge %s is left after down", net.Bridge)
	}
	if err := exec.Command("nft", "list", "table", "ip", net.Table).Run(); err == nil {
		t.Errorf("nftables table %s is left after down", net.Table)
	}
	if st := psOf(t, bin, run, b)["/client"]; st.State != "running" {
		t.Errorf("the second checkout's client after the first one's down: %+v, want running", st)
	}
}

// awaitLog waits, up to a minute, until the log of name in dir holds want.
func awaitLog(t *testing.T, bin, run, dir, name, want string) {
	t.Helper()
	var out string
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if _, out, _ = inProject(t, bin, run, dir, "logs", name); strings.Contains(out, want) {
			return
		}
	}
	t.Fatalf("the log of %s is %q, want %q in it", name, out, want)
}
