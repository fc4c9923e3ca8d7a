package config

import (
	"regexp"
	"sync"
)

// lazyRegexp is a regular expression compiled on first use. The launcher
// re-executes its own binary for every sandbox, and a package-level
// regexp.MustCompile runs in each of those children although only the
// parent loading configuration uses it: with hundreds of sandboxes at
// once, compiling them showed up as several percent of the CPU time.
type lazyRegexp struct {
	once sync.Once
	expr string
	re   *regexp.Regexp
}

// newLazyRegexp returns expr, to be compiled on first use; a bad expr
// panics then, as regexp.MustCompile would.
func newLazyRegexp(expr string) *lazyRegexp { return &lazyRegexp{expr: expr} }

func (l *lazyRegexp) get() *regexp.Regexp {
	l.once.Do(func() { l.re = regexp.MustCompile(l.expr) })
	return l.re
}

// MatchString is regexp.Regexp.MatchString.
func (l *lazyRegexp) MatchString(s string) bool { return l.get().MatchString(s) }

// FindStringSubmatch is regexp.Regexp.FindStringSubmatch.
func (l *lazyRegexp) FindStringSubmatch(s string) []string { return l.get().FindStringSubmatch(s) }
