package userscope

import (
	"bufio"
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/hclsandbox/sandbox/internal/testenv"
)

type property struct {
	Name  string
	Value dbus.Variant
}

type auxUnit struct {
	Name  string
	Props []property
}

// fakeManager answers StartTransientUnit as systemd's manager does: it
// returns a job, then announces it done with JobRemoved.
type fakeManager struct {
	conn   *dbus.Conn
	result string
	calls  chan []any
}

func (m *fakeManager) StartTransientUnit(name, mode string, props []property, aux []auxUnit) (dbus.ObjectPath, *dbus.Error) {
	m.calls <- []any{name, mode, props}
	job := dbus.ObjectPath("/org/freedesktop/systemd1/job/7")
	go m.conn.Emit("/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager.JobRemoved",
		uint32(7), job, name, m.result)
	return job, nil
}

// privateBus starts a dbus-daemon of its own for the test and returns its
// address; it is stopped when the test ends.
func privateBus(t *testing.T) string {
	t.Helper()
	daemon, err := exec.LookPath("dbus-daemon")
	if err != nil {
		testenv.Missing(t, "needs dbus-daemon (Debian's dbus-daemon)")
	}
	sock := filepath.Join(t.TempDir(), "bus")
	cmd := exec.Command(daemon, "--session", "--nofork", "--nopidfile", "--address=unix:path="+sock, "--print-address")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("dbus-daemon printed no address: %v", err)
	}
	return strings.TrimSpace(line)
}

// serveManager claims systemd's name on the bus at address and serves m.
func serveManager(t *testing.T, address string, m *fakeManager) {
	t.Helper()
	conn, err := dial(context.Background(), address)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	m.conn = conn
	if err := conn.Export(m, "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager"); err != nil {
		t.Fatal(err)
	}
	if reply, err := conn.RequestName("org.freedesktop.systemd1", dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("claim org.freedesktop.systemd1: %v, %v", reply, err)
	}
}

// Start asks for a scope of the launcher's own holding pid, delegated,
// and returns once the manager says the job is done.
func TestStartAsksForDelegatedScope(t *testing.T) {
	address := privateBus(t)
	m := &fakeManager{result: "done", calls: make(chan []any, 1)}
	serveManager(t, address, m)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	name, err := Start(ctx, address, 4242)
	if err != nil {
		t.Fatalf("Start() = %v", err)
	}
	call := <-m.calls
	if call[0] != name || !strings.HasPrefix(name, "sandbox-4242-") || !strings.HasSuffix(name, ".scope") || call[1] != "fail" {
		t.Errorf("StartTransientUnit(%v, %v), Start() = %q; want a sandbox-4242-*.scope, mode fail", call[0], call[1], name)
	}
	got := map[string]any{}
	for _, p := range call[2].([]property) {
		got[p.Name] = p.Value.Value()
	}
	if got["Delegate"] != true {
		t.Errorf("Delegate = %v, want true (properties %v)", got["Delegate"], got)
	}
	if pids, ok := got["PIDs"].([]uint32); !ok || len(pids) != 1 || pids[0] != 4242 {
		t.Errorf("PIDs = %v, want [4242]", got["PIDs"])
	}

	m.result = "failed"
	if _, err := Start(ctx, address, 4242); err == nil || !strings.Contains(err.Error(), "job failed") {
		t.Errorf("Start() with a failed job = %v, want the failure", err)
	}
	<-m.calls
}

// Without a user bus, Address says so; it never starts one.
func TestAddressWithoutBus(t *testing.T) {
	env := func(vars map[string]string) func(string) (string, bool) {
		return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		vars map[string]string
		want string
	}{
		{map[string]string{}, "DBUS_SESSION_BUS_ADDRESS and XDG_RUNTIME_DIR are unset"},
		{map[string]string{"XDG_RUNTIME_DIR": dir}, dir + "/bus is not a socket"},
		{map[string]string{"DBUS_SESSION_BUS_ADDRESS": "autolaunch:"}, "unset"},
	} {
		if _, err := Address(env(tc.vars)); !errors.Is(err, ErrNoBus) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Address(%v) = %v, want ErrNoBus saying %q", tc.vars, err, tc.want)
		}
	}
	if a, err := Address(env(map[string]string{"DBUS_SESSION_BUS_ADDRESS": "unix:path=/x"})); a != "unix:path=/x" || err != nil {
		t.Errorf("Address() = %q, %v, want the variable's", a, err)
	}
}
