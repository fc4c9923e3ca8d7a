package launcher

import (
	"os"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestPollerKeysOutliveDescriptors: a watch is named by a key of its
// own, not by its descriptor's number, which the next descriptor opened
// reuses: ending a stale watch of that number leaves the new one alone,
// and the new one's handler is the one that runs.
func TestPollerKeysOutliveDescriptors(t *testing.T) {
	r1, w1, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	fd := int(r1.Fd())
	old, err := watchFD(fd, unix.EPOLLIN, func(uint64) { t.Error("the handler of a closed descriptor ran") })
	if err != nil {
		t.Fatal(err)
	}
	unwatchFD(fd, old)
	r1.Close()
	w1.Close()
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC|unix.O_NONBLOCK); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(p[1])
	if p[0] != fd {
		unix.Close(p[0])
		t.Skipf("the new pipe got descriptor %d, not %d: nothing to reuse", p[0], fd)
	}
	ran := make(chan uint64, 1)
	key, err := watchFD(p[0], unix.EPOLLIN|unix.EPOLLONESHOT, func(k uint64) { ran <- k })
	if err != nil {
		t.Fatal(err)
	}
	defer func() { unwatchFD(p[0], key); unix.Close(p[0]) }()
	if key == old {
		t.Fatalf("the new watch got the old one's key %d", key)
	}
	unwatchFD(p[0], old) // a late end of the old watch
	unix.Write(p[1], []byte("x"))
	select {
	case k := <-ran:
		if k != key {
			t.Errorf("the handler was given key %d, want %d", k, key)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a stale unwatch of the descriptor's number ended the new watch")
	}
}
