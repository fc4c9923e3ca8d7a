package launcher

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/internal/probe/report"
)

// hubPipe is a pipe whose our end the hub relays to dst, and the
// sandbox's end.
func hubPipe(t *testing.T, dst *lockedBuffer) (streamRelay, *os.File) {
	t.Helper()
	ours, theirs, err := sandboxPipe(false)
	if err != nil {
		t.Fatal(err)
	}
	r := newStreamRelay(dst, ours)
	if _, ok := r.(*hubStream); !ok {
		t.Fatalf("a relay to a writer of ours is a %T, want the hub's", r)
	}
	r.start()
	return r, theirs
}

// TestRelayHubStreams: the hub relays hundreds of streams, some more than
// a read's worth, each whole to its own writer, with neither a goroutine
// nor a read buffer a stream.
func TestRelayHubStreams(t *testing.T) {
	const n = 300
	dsts := make([]*lockedBuffer, n)
	relays := make([]streamRelay, n)
	theirs := make([]*os.File, n)
	goroutines, heap := runtime.NumGoroutine(), heapInUse()
	for i := range relays {
		dsts[i] = &lockedBuffer{}
		relays[i], theirs[i] = hubPipe(t, dsts[i])
	}
	if grown := runtime.NumGoroutine() - goroutines; grown > 2 {
		t.Errorf("%d streams started %d goroutines, want the hub's alone", n, grown)
	}
	if grown, limit := int64(heapInUse())-int64(heap), int64(n*2<<10); grown > limit {
		t.Errorf("%d streams grew the heap by %d KiB, want at most %d KiB", n, grown>>10, limit>>10)
	}
	data := func(i int) []byte {
		if i%50 == 0 {
			return report.Flood(300 << 10) // more than a pipe holds: the hub must read while it is written
		}
		return []byte(fmt.Sprintf("stream %d\n", i))
	}
	for i := range theirs {
		if _, err := theirs[i].Write(data(i)); err != nil {
			t.Fatal(err)
		}
		theirs[i].Close()
	}
	for i, r := range relays {
		r.finish()
		if got := dsts[i].b.Bytes(); !bytes.Equal(got, data(i)) {
			t.Errorf("stream %d: relayed %d bytes, want the %d written", i, len(got), len(data(i)))
		}
	}
}

// TestRelayHubFinishDoesNotWait: finish copies what the stream holds and
// returns although a writer still holds its end (a daemon that outlived
// the sandbox's first process).
func TestRelayHubFinishDoesNotWait(t *testing.T) {
	dst := &lockedBuffer{}
	r, theirs := hubPipe(t, dst)
	defer theirs.Close()
	theirs.Write([]byte("last words\n"))
	done := make(chan struct{})
	go func() { r.finish(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("finish waited for a writer that still holds the stream")
	}
	if got := dst.b.String(); got != "last words\n" {
		t.Errorf("relayed %q, want what was written", got)
	}
}

// failingWriter is a destination that has gone away.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("reader gone") }

// TestRelayHubDestinationGone: when the destination fails, the hub closes
// our end, so that the sandbox's next write fails with EPIPE, as a write
// to the destination itself would have.
func TestRelayHubDestinationGone(t *testing.T) {
	ours, theirs, err := sandboxPipe(false)
	if err != nil {
		t.Fatal(err)
	}
	defer theirs.Close()
	r := newStreamRelay(failingWriter{}, ours)
	r.start()
	defer r.finish()
	theirs.Write([]byte("into the void\n"))
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if _, err := theirs.Write([]byte("x")); errors.Is(err, syscall.EPIPE) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("writes still succeed after the destination failed, want EPIPE")
		}
	}
}

// TestRelayHubOnlyImmediate: a writer that may wait on another stream
// (up's line writers, here a plain buffer) and a file of the caller's
// keep a relay of their own; a quiet tail and no writer go to the hub.
func TestRelayHubOnlyImmediate(t *testing.T) {
	out, err := os.Create(t.TempDir() + "/out")
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	for _, c := range []struct {
		name string
		w    io.Writer
		hub  bool
	}{{"buffer", &bytes.Buffer{}, false}, {"file", out, false}, {"immediate", &lockedBuffer{}, true}, {"none", nil, true}} {
		ours, theirs, err := sandboxPipe(false)
		if err != nil {
			t.Fatal(err)
		}
		r := newStreamRelay(c.w, ours)
		if _, hub := r.(*hubStream); hub != c.hub {
			t.Errorf("%s: a %T, want the hub's: %v", c.name, r, c.hub)
		}
		theirs.Close()
		r.start()
		r.finish()
	}
}
