package launcher

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/internal/proc"
	"github.com/hclsandbox/sandbox/launcher/state"
)

// exec with a name that walks out of the state directory never connects
// to a socket there, which would receive the caller's descriptors.
func TestExecRefusesTraversal(t *testing.T) {
	base := t.TempDir()
	sd := state.Dir{Root: filepath.Join(base, "run")}
	outside := filepath.Join(base, "d", "trav")
	plantRecord(t, outside, state.Record{Name: "../d/trav", Init: true, Supervisor: os.Getpid(), SupervisorStart: proc.StartTime(os.Getpid())})
	l, err := net.ListenUnix("unixpacket", &net.UnixAddr{Name: filepath.Join(outside, state.ExecSocket), Net: "unixpacket"})
	if err != nil {
		t.Fatal(err)
	}
	connected := make(chan bool, 1)
	go func() {
		c, err := l.AcceptUnix()
		if err != nil {
			connected <- false
			return
		}
		c.Close() // the request, with the caller's descriptors, was there to read
		connected <- true
	}()
	_, err = Exec(sd, "../d/trav", ExecRequest{Args: []string{"true"}})
	l.Close()
	if <-connected {
		t.Errorf("Exec(../d/trav) connected to a socket outside the state directory")
	}
	if !errors.Is(err, state.ErrInvalidName) {
		t.Errorf("Exec(../d/trav) = %v, want ErrInvalidName", err)
	}
}

// A claim records the host paths its sandbox can write, so that another
// launcher (up --watch) knows them.
func TestClaimRecordsWritable(t *testing.T) {
	sd := state.Dir{Root: t.TempDir()}
	p := NewPlan(&config.Sandbox{Name: "w", Command: []string{"app"}, Namespaces: config.Namespaces,
		Mounts: []config.Mount{{Type: "bind", Source: "/proj", Target: "/proj"}}}, testHost)
	c, err := Claim(context.Background(), sd, p, false)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Release()
	ws, err := sd.Writers()
	if err != nil || len(ws) != 1 || ws[0].Name != "w" || !slices.Equal(ws[0].Paths, []string{"/proj"}) {
		t.Errorf("Writers() = %+v, %v; want w writing /proj", ws, err)
	}
}

// plantRecord writes r as the record (state.json) of dir, as an attacker
// who can write dir would.
func plantRecord(t *testing.T, dir string, r state.Record) {
	t.Helper()
	b, err := json.Marshal(r)
	if err == nil {
		err = os.MkdirAll(dir, 0o700)
	}
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, "state.json"), b, 0o600)
	}
	if err != nil {
		t.Fatal(err)
	}
}
