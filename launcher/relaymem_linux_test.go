package launcher

import (
	"bytes"
	"runtime"
	"sync"
	"testing"
)

// lockedBuffer is a writer that is not a file, as up's line writers are.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// TestQuietRelaysHoldNoBuffer starts the relays of a batch of quiet
// sandboxes: waiting for output must not hold a read buffer each (at 64
// KiB, 400 relays would hold 25 MiB), and output must still arrive whole.
func TestQuietRelaysHoldNoBuffer(t *testing.T) {
	const n = 400
	dst := &lockedBuffer{}
	relays := make([]*outputRelay, n)
	theirs := make([]interface{ Close() error }, n)
	before := heapInUse()
	for i := range relays {
		ours, their, err := sandboxPipe(false)
		if err != nil {
			t.Fatal(err)
		}
		relays[i], theirs[i] = relayOutput(dst, ours), their
	}
	grown := heapInUse() - before
	if limit := uint64(n * 8 << 10); grown > limit {
		t.Errorf("%d quiet relays grew the heap by %d KiB, want at most %d KiB", n, grown>>10, limit>>10)
	}
	for i, r := range relays {
		if _, err := theirs[i].(interface{ Write([]byte) (int, error) }).Write([]byte("x\n")); err != nil {
			t.Fatal(err)
		}
		theirs[i].Close()
		r.finish()
	}
	if got, want := dst.b.Len(), 2*n; got != want {
		t.Errorf("relays passed %d bytes, want %d", got, want)
	}
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// Immediate makes a lockedBuffer a destination the relay hub may call.
func (l *lockedBuffer) Immediate() {}

// String is what was written so far.
func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
