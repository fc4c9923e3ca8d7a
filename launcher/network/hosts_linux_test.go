package network

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// TestHostsNeverEmptyWhileRewritten: a sandbox that resolves a peer's
// name while another joins or leaves the network reads the hosts file
// as it is rewritten in place (a bind mount pins its inode). It must
// always find every name the two versions share: the file was
// truncated first, and a name lookup at that moment found nothing ("wget:
// bad address 'server:8080'").
func TestHostsNeverEmptyWhileRewritten(t *testing.T) {
	dir := t.TempDir()
	server := &lease{Sandbox: "server", Addr: netip.MustParseAddr("10.88.0.2"), Names: []string{"server"}}
	client := &lease{Sandbox: "client", Addr: netip.MustParseAddr("10.88.0.3"), Names: []string{"client", "client-with-a-long-alias"}}
	versions := [][]*lease{{server}, {server, client}}
	if err := writeHosts(dir, versions[0]); err != nil {
		t.Fatal(err)
	}
	var stop atomic.Bool
	bad := make(chan string, 1)
	go func() {
		defer close(bad)
		for !stop.Load() {
			b, err := os.ReadFile(filepath.Join(dir, "hosts"))
			if err != nil || !strings.Contains(string(b), "10.88.0.2\tserver\n") {
				bad <- string(b)
				return
			}
		}
	}()
	for i := 0; i < 20000; i++ {
		if err := writeHosts(dir, versions[i%2]); err != nil {
			t.Fatal(err)
		}
	}
	stop.Store(true)
	if b, ok := <-bad; ok {
		t.Errorf("a reader found the hosts file without the server: %q", b)
	}
}
