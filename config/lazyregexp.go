package config

import (
	"regexp"
	"sync"
)

// lazyRegexp is a regular expression compiled on first use: a
// package-level regexp.MustCompile would run at every start of the
// launcher, also in the many that never use it (an image reference's
// shape, the one left; simpler shapes are checked in syntax.go).
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
