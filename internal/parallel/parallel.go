// Package parallel runs the independent steps of a large batch (parsing
// pieces of a file, decoding sandbox blocks, building plans) on every
// core, and a small batch in the calling goroutine, where starting
// workers would cost more than the work.
package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// For calls f(0) … f(n-1) and returns when every call has. With at least
// perWorker items for each, the calls are spread over up to GOMAXPROCS
// goroutines, in no fixed order; f must write only to what belongs to its
// index.
func For(n, perWorker int, f func(int)) {
	workers := runtime.GOMAXPROCS(0)
	if perWorker > 0 {
		workers = min(workers, n/perWorker)
	}
	if workers < 2 {
		for i := range n {
			f(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				f(i)
			}
		})
	}
	wg.Wait()
}
