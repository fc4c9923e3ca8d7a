package watch

import (
	"sync"

	"github.com/hclsandbox/sandbox/launcher/runner"
)

// keptClaims are the claims of runs that have ended, kept for a
// relaunch of the same name (runner.Relaunch renews them): a run's end
// puts its claim here on the run's goroutine, the relaunch that follows
// takes it. An end that no relaunch follows (an exit under the restart
// policy, a removal, the end of the watch) releases it on the
// scheduler's loop.
type keptClaims struct {
	mu sync.Mutex
	m  map[string]*runner.Kept
}

// put keeps k for name's next run; nil keeps nothing.
func (c *keptClaims) put(name string, k *runner.Kept) {
	if k == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]*runner.Kept{}
	}
	c.m[name].Release() // none is expected: never two at once
	c.m[name] = k
}

// take hands over the claim kept for name, or nil.
func (c *keptClaims) take(name string) *runner.Kept {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := c.m[name]
	delete(c.m, name)
	return k
}

// drop releases the claim kept for name, if any.
func (c *keptClaims) drop(name string) { c.take(name).Release() }

// dropAll releases every kept claim.
func (c *keptClaims) dropAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for name, k := range c.m {
		k.Release()
		delete(c.m, name)
	}
}
