package launcher

import (
	"fmt"
	"sync"

	"golang.org/x/sys/unix"
)

// poller is one goroutine, on a thread of its own, that waits in one
// epoll_wait(2) for many descriptors and runs the handler each was
// watched with when it is ready: the exits of running sandboxes
// (Process.OnExit) and the output streams of the relay hub
// (relayhub_linux.go). A batch of 500 would otherwise park a goroutine,
// 4 KB of stack, for each. Handlers run on that goroutine: they must not
// wait for anything that another handler would have to bring about.
var poller struct {
	once sync.Once
	epfd int
	err  error
	mu   sync.Mutex
	next uint64
	// handlers are what to run for each watched descriptor, by a key of
	// its own that epoll hands back: never a descriptor's number, which a
	// descriptor closed meanwhile passes on to the next one opened.
	handlers map[uint64]func(key uint64)
}

func startPoller() {
	fd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		poller.err = fmt.Errorf("create the epoll instance of the launcher's poller: %w", err)
		return
	}
	poller.epfd = fd
	poller.handlers = map[uint64]func(uint64){}
	go runPoller(fd)
}

// watchFD runs f on the poller's goroutine whenever fd is ready for
// events (with EPOLLONESHOT, once), until unwatchFD; the key names the
// watch, and f is given it (it may run before watchFD returns).
func watchFD(fd int, events uint32, f func(key uint64)) (key uint64, err error) {
	poller.once.Do(startPoller)
	if poller.err != nil {
		return 0, poller.err
	}
	poller.mu.Lock()
	defer poller.mu.Unlock()
	poller.next++
	key = poller.next
	ev := unix.EpollEvent{Events: events, Fd: int32(uint32(key)), Pad: int32(uint32(key >> 32))}
	if err := unix.EpollCtl(poller.epfd, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
		return 0, err
	}
	poller.handlers[key] = f
	return key, nil
}

// unwatchFD ends the watch key of fd; call it before fd is closed.
func unwatchFD(fd int, key uint64) {
	poller.mu.Lock()
	defer poller.mu.Unlock()
	if _, ok := poller.handlers[key]; ok {
		delete(poller.handlers, key)
		unix.EpollCtl(poller.epfd, unix.EPOLL_CTL_DEL, fd, nil)
	}
}

// runPoller runs the handler of each ready descriptor, forever.
func runPoller(epfd int) {
	events := make([]unix.EpollEvent, 128)
	for {
		n, err := unix.EpollWait(epfd, events, -1)
		if err != nil { // EINTR; nothing else can fail on a valid epfd
			continue
		}
		for _, ev := range events[:n] {
			key := uint64(uint32(ev.Fd)) | uint64(uint32(ev.Pad))<<32
			poller.mu.Lock()
			f := poller.handlers[key]
			poller.mu.Unlock()
			if f != nil {
				f(key)
			}
		}
	}
}
