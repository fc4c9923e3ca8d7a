package network

import (
	"runtime"
	"testing"

	"github.com/hclsandbox/sandbox/internal/testenv"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
)

// A link that goes between its lookup and its removal (a host veth whose
// peer's namespace the kernel is ending) is gone, not a failure.
func TestDeleteLinkGoneMeanwhile(t *testing.T) {
	testenv.RequireRoot(t)
	done := make(chan error, 1)
	go func() {
		// The thread changes namespace and is never unlocked, so it
		// ends with this goroutine and the namespace with it.
		runtime.LockOSThread()
		ns, err := netns.New()
		if err != nil {
			done <- err
			return
		}
		defer ns.Close()
		if err := netlink.LinkAdd(&netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: "sbx-gone"}}); err != nil {
			done <- err
			return
		}
		l, err := netlink.LinkByName("sbx-gone")
		if err != nil {
			done <- err
			return
		}
		if err := netlink.LinkDel(l); err != nil {
			done <- err
			return
		}
		done <- deleteLink(l)
	}()
	if err := <-done; err != nil {
		t.Errorf("deleting a link that went meanwhile: %v, want nil", err)
	}
}
