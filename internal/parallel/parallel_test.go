package parallel

import (
	"sync/atomic"
	"testing"
)

// TestFor: every index is called exactly once, whether the batch runs in
// the caller (small) or on workers (large).
func TestFor(t *testing.T) {
	for _, n := range []int{0, 1, 7, 64, 1000} {
		calls := make([]atomic.Int32, n)
		For(n, 8, func(i int) { calls[i].Add(1) })
		for i := range calls {
			if c := calls[i].Load(); c != 1 {
				t.Fatalf("n=%d: index %d called %d times", n, i, c)
			}
		}
	}
}
