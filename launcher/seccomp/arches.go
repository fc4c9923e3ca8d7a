package seccomp

import (
	"fmt"
	"iter"
	"runtime"
	"sort"
	"strings"
)

//go:generate go run ./internal/gensyscalls

// Arch is an architecture's syscall table: Linux's name for it, its audit
// architecture (what a filter compares seccomp_data.arch with) and its
// syscalls by name. The tables
// are generated (zsyscalls.go) and read in place: building maps of them
// would cost every start of the launcher.
type Arch struct {
	Name  string
	ID    uint32
	calls []call // sorted by name
}

type call struct {
	name string
	nr   int
}

// ArchOf is the table of the architecture called name, a GOARCH name
// ("amd64") or Linux's ("x86_64"); "" is this program's.
func ArchOf(name string) (*Arch, error) {
	if name == "" {
		name = runtime.GOARCH
	}
	if a := archOf(strings.ToLower(name)); a != nil {
		return a, nil
	}
	return nil, fmt.Errorf("no syscall table for architecture %q", name)
}

// Number is the number of the syscall called name, if a has one.
func (a *Arch) Number(name string) (int, bool) {
	i := sort.Search(len(a.calls), func(i int) bool { return a.calls[i].name >= name })
	if i < len(a.calls) && a.calls[i].name == name {
		return a.calls[i].nr, true
	}
	return 0, false
}

// Names are a's syscall names, in order.
func (a *Arch) Names() iter.Seq[string] {
	return func(yield func(string) bool) {
		for _, c := range a.calls {
			if !yield(c.name) {
				return
			}
		}
	}
}
